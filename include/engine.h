/*
 * engine.h - the pipeline from frames to the inventory.
 *
 * An engine owns one decoder, one flow table and one nDPI module, and feeds
 * one inventory. For each frame: decode, find the flow, grow its stream
 * heads and feed nDPI until classification; classify a flow once its heads
 * are complete, its packet budget is spent, or it leaves the table. After
 * that a packet of the flow costs a lookup and a counter update.
 *
 * Classifying a flow: both witnesses (signatures, nDPI) and the protocol
 * parsers speak; FTP control connections announce their data channels; the
 * evidence goes to the server endpoint's inventory record.
 */
#ifndef PS_ENGINE_H
#define PS_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "clients.h"
#include "decode.h"
#include "flow.h"
#include "inventory.h"
#include "signature.h"
#include "witness_ndpi.h"

/* A record was created or changed (live reporting). */
typedef void (*record_changed_fn)(const struct endpoint_record *rec, void *ctx);

/*
 * A flow went steady: classified, its first talker known, and ENGINE_STEADY_PACKETS
 * packets seen. From here on, until it leaves the table, its packets only update
 * counters, flags and times: the engine reads none of their payload bytes (but for
 * engine_watch_segment, unless segments_watched) and needs only payload_wire_len.
 * Called once per flow (a new conversation on the same ports is a new flow).
 */
typedef void (*flow_steady_fn)(const struct flow *f, void *ctx);
#define ENGINE_STEADY_PACKETS 128u

struct engine_options {
    struct flow_config flow;
    const struct sigset *sigs; /* finalized; shared read-only */
    const char *ndpi_map;      /* path of ndpi-map.csv; NULL disables nDPI */
    struct inventory *inv;
    struct client_inventory *clients; /* --clients; may be NULL */
    record_changed_fn on_change;      /* may be NULL */
    void *ctx;
    /* Held around every use of inv (and on_change) when engines share it across threads. */
    pthread_mutex_t *inv_lock;
    /* A dispatcher calls engine_watch_segment on every packet before this engine sees it. */
    bool segments_watched;
    flow_steady_fn on_steady; /* may be NULL */
    void *steady_ctx;
};

struct engine_stats {
    uint64_t flows_classified;
    uint64_t flows_unanswered; /* nobody spoke from the server side: no endpoint */
    uint64_t roles_from_banner;
    uint64_t ftp_channels;
};

struct engine;

struct engine *engine_create(const struct engine_options *opt, char *err, size_t errlen);
void engine_destroy(struct engine *e);

/* One frame from the capture stage: decoded here, then engine_packet. */
void engine_frame(struct engine *e, const struct capture_frame *frame);

/* One packet already decoded (by a dispatcher that shards flows across engines). */
void engine_packet(struct engine *e, const struct packet_view *pkt);

/*
 * Packet time is at least now_us: with flows sharded across engines, the latest time of
 * every engine's packets, so that each expires flows when one engine would (a capture's
 * times may go back, and a second file may start before the first one's end).
 */
void engine_advance(struct engine *e, uint64_t now_us);

/*
 * Register the FTP data channels a TCP segment announces (227/229 replies, PORT/EPRT
 * commands), in packet order, so that they are known before their own flows are
 * classified, even when those flows are handled by another thread. Returns how many new
 * channels it registered. lock may be NULL.
 */
uint64_t engine_watch_segment(struct inventory *inv, pthread_mutex_t *lock,
                              const struct packet_view *pkt);

/* Live capture idle: advance packet time so idle flows expire. */
void engine_tick(struct engine *e, uint64_t now_us);

/* End of capture: classify every flow still in the table. */
void engine_finish(struct engine *e);

const struct decode_stats *engine_decode_stats(const struct engine *e);
const struct flow_stats *engine_flow_stats(const struct engine *e);
const struct engine_stats *engine_stats(const struct engine *e);
void engine_print_stats(const struct engine *e, FILE *out);
void engine_print_counts(FILE *out, const struct decode_stats *d, const struct flow_stats *fs,
                         const struct engine_stats *es);

#endif
