/*
 * inventory.h - one record per server endpoint (host, port, transport).
 *
 * Every classified flow adds its evidence to its server endpoint's record.
 * The record's service and product are those of its strongest evidence
 * (hard signature > protocol parser > nDPI > softmatch); when witnesses
 * disagree both stay in the evidence list and the confidence drops.
 */
#ifndef PS_INVENTORY_H
#define PS_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "config.h"
#include "detail.h"
#include "evidence.h"
#include "ports.h"

struct endpoint_record {
    struct ps_addr host;
    uint16_t port;
    uint8_t transport;
    /* The chosen identification (copied from the winning evidence, merged). */
    struct evidence best;
    char expected[96];
    enum verdict verdict;
    uint8_t confidence; /* 0-100 */
    uint8_t sources;    /* enum witness bits of all evidence */
    uint64_t flows;
    uint32_t
        clients; /* distinct client hosts (exact up to PS_MAX_CLIENTS_TRACKED, then at least) */
    uint64_t first_us, last_us;
    uint8_t banner[PS_BANNER_BYTES];
    uint32_t banner_len;
    /* What the parsers and nDPI read (TLS, SSH, HTTP, DNS, SNMP, NTP), each part from the
       earliest flow that has it; NULL when none of it was seen. Records are many and most
       have no detail, so it is allocated only when needed. */
    struct flow_detail *detail;
    /* Every distinct piece of evidence, strongest first (at most PS_MAX_EVIDENCE_PER_ENDPOINT). */
    struct evidence *evidence;
    uint8_t evidence_count;
    bool changed; /* since the last live report */
};

struct inventory;

struct inventory *inventory_create(const struct port_table *ports);
void inventory_destroy(struct inventory *inv);

/* Service-name aliases (signatures/aliases: "other-name canonical" per line). */
int inventory_load_aliases(struct inventory *inv, const char *path, char *err, size_t errlen);

/*
 * Add one classified conversation: its server endpoint, client, times, the
 * server's first bytes, the parsers' detail and every piece of evidence.
 * Returns the record (its verdict and confidence are up to date).
 */
struct endpoint_record *inventory_add_flow(struct inventory *inv, const struct classify_input *in,
                                           uint64_t first_us, uint64_t last_us,
                                           const struct flow_detail *detail,
                                           const struct evidence *ev, unsigned nev);

/* The control connection that announced a negotiated channel. */
struct channel_origin {
    struct ps_addr host; /* the server end of the control connection (same transport) */
    uint16_t port;
    char how[8]; /* what announced it: "PASV", "EPSV", "PORT", "EPRT" */
    /* The control endpoint's own software listens on the channel (FTP passive mode), so
       the channel shows that endpoint's product, version and cpe. In active mode the
       client's software listens, which the control connection does not name. */
    bool same_software;
};

/*
 * A negotiated channel (FTP data announced by PASV/EPSV/PORT/EPRT): the
 * endpoint host:port carries service, whatever its payload looks like, and its
 * info names the control endpoint that announced it. Works whether the
 * channel's flows were added before or after. Returns true if the endpoint was
 * not announced before.
 */
bool inventory_expect(struct inventory *inv, const struct ps_addr *host, uint16_t port,
                      uint8_t transport, const char *service, const char *rule,
                      const struct channel_origin *origin, uint64_t ts_us);

/* Was this endpoint announced as a negotiated channel? */
bool inventory_is_expected(const struct inventory *inv, const struct ps_addr *host, uint16_t port,
                           uint8_t transport);

/* A flow of this endpoint ended at last_us (it may have gone on after classification). */
void inventory_flow_ended(struct inventory *inv, const struct ps_addr *host, uint16_t port,
                          uint8_t transport, uint64_t last_us);
/* The same, for the record inventory_add_flow returned for the flow (a record stays where
   it is until inventory_destroy), without looking it up. */
void inventory_record_ended(struct endpoint_record *rec, uint64_t last_us);

/* Endpoints not recorded because PS_MAX_ENDPOINTS was reached. */
uint64_t inventory_dropped(const struct inventory *inv);

/* Records sorted by host then port then transport; valid until the next add. Each
 * channel announced in passive mode takes, here, the product of its control endpoint as
 * that record stands now (the control connection is often added after its channels). */
size_t inventory_sorted(struct inventory *inv, const struct endpoint_record ***out);

size_t inventory_count(const struct inventory *inv);

#endif
