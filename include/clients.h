/*
 * clients.h - the client software seen, per client host (--clients).
 *
 * Every classified conversation tells what its client said about itself: an
 * SSH identification string, an HTTP User-Agent, a TLS ClientHello's JA3
 * (with the SNI it asked for). Each client host keeps its distinct pieces of
 * software, bounded, with how often and when they were seen.
 */
#ifndef PS_CLIENTS_H
#define PS_CLIENTS_H

#include <stdint.h>

#include "addr.h"
#include "detail.h"

#define PS_MAX_CLIENT_HOSTS 100000u
#define PS_MAX_SOFTWARE_PER_CLIENT 8u
#define CLIENT_SOFTWARE_MAX 160

enum software_kind { SOFTWARE_SSH = 0, SOFTWARE_HTTP, SOFTWARE_TLS };

struct client_software {
    uint8_t kind; /* enum software_kind */
    char value[CLIENT_SOFTWARE_MAX]; /* banner, User-Agent, or JA3 hash */
    char extra[96];                  /* JA3: the SNI asked for */
    struct ps_addr server;           /* the first server it was seen talking to */
    uint16_t server_port;
    uint64_t flows;
    uint64_t first_us, last_us;
};

struct client_record {
    struct ps_addr host;
    struct client_software software[PS_MAX_SOFTWARE_PER_CLIENT];
    uint8_t count;
};

struct client_inventory;

struct client_inventory *client_inventory_create(void);
void client_inventory_destroy(struct client_inventory *ci);

/* What the client of one conversation said about itself (from the parsers' detail). */
void client_inventory_add(struct client_inventory *ci, const struct ps_addr *client,
                          const struct ps_addr *server, uint16_t server_port,
                          const struct flow_detail *detail, uint64_t first_us, uint64_t last_us);

/* Client hosts with any software, sorted by address; valid until the next add. */
size_t client_inventory_sorted(struct client_inventory *ci, const struct client_record ***out);

const char *software_kind_name(enum software_kind k);

/*
 * The second report of --clients, in the format of the first: a table, CSV
 * (client,kind,software,detail,server,flows,first_seen,last_seen) after a blank
 * line, or JSON lines with "type":"client". Text from the wire is escaped.
 */
#include "report.h"
void report_clients(FILE *out, enum report_format format, struct client_inventory *ci);

#endif
