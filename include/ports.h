/*
 * ports.h - which services a port is registered or commonly used for.
 *
 * Loaded from signatures/ports.csv (and any --ports FILE a user adds):
 *   transport,port,services,strength
 * where services is a space-separated list in nmap's vocabulary and strength
 * is "strong" (a well-known owner: 22, 25, 53, 80, 443, ...) or "weak"
 * (commonly seen there, but no owner to contradict). The port alone never
 * identifies a service; this table only judges what was identified.
 *
 * In services, "X" is X in the clear, "ssl/X" is X inside TLS and "ssl" is a
 * TLS handshake with nothing seen inside: 443 lists "https ssl/http ssl", so
 * HTTP inside TLS and bare TLS are ok there and plain HTTP is a mismatch.
 * Ports may be ranges ("6000-6063"). Names compare without regard to case.
 */
#ifndef PS_PORTS_H
#define PS_PORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum verdict {
    VERDICT_UNKNOWN = 0, /* nothing identified it */
    VERDICT_OK,          /* a service the port is registered or commonly used for */
    VERDICT_MISMATCH,    /* a well-known port carrying a different service */
    VERDICT_NONSTANDARD, /* identified, on a port with no strong owner */
};

struct port_table;

struct port_table *port_table_create(void);
void port_table_destroy(struct port_table *t);

/*
 * Add a file; later files override earlier entries. -1 on error ("file:line: why"
 * in err), and then nothing of that file is applied.
 */
int port_table_load(struct port_table *t, const char *path, char *err, size_t errlen);

/* The expected services as text ("http http-proxy"), or "" if none. */
const char *port_table_expected(const struct port_table *t, uint8_t transport, uint16_t port);

/*
 * Judge a service (and its tunnel, "tls" or "") found on transport/port.
 * service "" means unidentified. Aliases (signatures/aliases) are applied by
 * the caller before this.
 */
enum verdict port_table_verdict(const struct port_table *t, uint8_t transport, uint16_t port,
                                const char *service, const char *tunnel);

const char *verdict_name(enum verdict v);

#endif
