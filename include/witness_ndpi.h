/*
 * witness_ndpi.h - libndpi 4.2 as the second, independent witness.
 *
 * One nDPI module per worker thread. A flow is fed packets (its IP header
 * and the packet time) only until nDPI is done or PS_NDPI_PACKET_BUDGET runs
 * out; then nDPI's state is freed at once, and what it concluded is kept
 * (a few short strings) until finish turns it into evidence. Only
 * DPI-confidence results become evidence; guesses by port or IP never do
 * (nDPI is not even allowed to make them). nDPI protocol names are mapped
 * onto our service vocabulary by signatures/ndpi-map.csv; how a label such as
 * "TLS.Google" or "IMAPS" becomes a service is told in src/witness_ndpi.c.
 *
 * Threads: create and destroy may be called from any thread (they are
 * serialised inside, as nDPI 4.2 requires); a module and the flows fed to it
 * are then used by one thread only. A flow must always go to the same module.
 */
#ifndef PS_WITNESS_NDPI_H
#define PS_WITNESS_NDPI_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "detail.h"
#include "evidence.h"

struct ndpi_witness;
struct ndpi_witness_flow; /* opaque per-flow state */

/* map_path: the nDPI-name to service CSV. NULL on failure (message in err). */
struct ndpi_witness *ndpi_witness_create(const char *map_path, char *err, size_t errlen);
void ndpi_witness_destroy(struct ndpi_witness *w);

/*
 * Give a flow nDPI state before its first packet is fed (*state NULL before).
 * handshake: the flow's TCP handshake (SYN, then SYN-ACK) went by unfed, as
 * the engine feeds nDPI only from the first packet with payload; nDPI is told
 * it saw the connection begin. False when there is no memory (nDPI then sits
 * the flow out).
 */
bool ndpi_witness_attach(struct ndpi_witness *w, struct ndpi_witness_flow **state, bool handshake);

/*
 * Feed one packet of a flow. *state starts NULL and is attached on the first
 * call if ndpi_witness_attach was not. from_client tells the direction.
 * Returns true when nDPI is done with this flow: its nDPI state is already
 * freed; call ndpi_witness_finish when the flow is classified.
 */
bool ndpi_witness_feed(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                       const struct packet_view *pkt, bool from_client);

/*
 * Take nDPI's verdict (evidence only at DPI confidence), add what it knows to
 * detail (may be NULL), and free the state (sets *state to NULL). Safe with
 * *state == NULL.
 */
void ndpi_witness_finish(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                         const struct classify_input *in, struct flow_detail *detail,
                         evidence_fn emit, void *ctx);

/*
 * Heap bytes held now for this module's flows: nDPI's flow states and what
 * they allocated, the kept conclusions, and whatever the module allocated
 * after set-up (its caches). Exact: nDPI allocates through counting hooks.
 */
size_t ndpi_witness_bytes(const struct ndpi_witness *w);

#endif
