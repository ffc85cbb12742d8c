/*
 * flow.h - the conversation table.
 *
 * Conversations are keyed by transport, both endpoints and the outer VLAN id,
 * in a hash table with a per-run random seed so crafted traffic cannot make
 * its chains long. Each flow knows which side is the server and how that was
 * decided, and keeps a stream head per direction until it is classified.
 *
 * Time is packet time only. Idle flows time out (TCP idle, TCP after FIN/RST,
 * UDP idle); when the table is full the least recently active flow is evicted.
 * Either way the owner's expire callback runs first, so no flow is ever lost
 * unclassified.
 *
 * Memory: the table counts what it holds (its flow pool, its buckets, the
 * stream heads' buffers) plus what the owner says it holds for flows
 * (owner_bytes: nDPI's per-flow state), and while the sum is over max_memory
 * it evicts the least recently active flows, as when it is full.
 */
#ifndef PS_FLOW_H
#define PS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "decode.h"
#include "stream.h"

/* Side 0 is the endpoint that sent the flow's first packet; side 1 the other. */
struct flow_key {
    struct ps_addr addr[2];
    uint16_t port[2];
    uint16_t vlan;
    uint8_t transport;
};

enum role_reason {
    ROLE_GUESS = 0, /* nothing better yet: side 1 (the receiver of the first packet) */
    ROLE_HANDSHAKE, /* answered a SYN with SYN-ACK */
    ROLE_BANNER,    /* sent a server-first banner (set by classify) */
    ROLE_PORT,      /* a registered port against an ephemeral one */
    ROLE_RESPONDER, /* UDP: answered the first datagram */
    ROLE_ANNOUNCED, /* its endpoint was announced by a control connection (FTP data) */
};

enum flow_end_reason {
    FLOW_END_TIMEOUT = 0, /* idle past its timeout (packet time) */
    FLOW_END_CLOSED,      /* FIN/RST and the closed timeout passed */
    FLOW_END_EVICTED,     /* table full: least recently active */
    FLOW_END_FLUSH,       /* end of capture */
};

struct flow {
    struct flow_key key;
    struct flow *hash_next;
    struct flow *lru_prev, *lru_next; /* most recently active at the head */
    struct stream_head head[2];       /* by side */
    uint64_t first_us, last_us;
    uint64_t packets[2], bytes[2]; /* by side */
    void *owner_state;             /* the owner's (engine.c: nDPI's flow, then the endpoint
                                      record); never touched here */
    uint8_t server;                /* 0 or 1: which side is the server */
    uint8_t role_reason;           /* enum role_reason */
    uint8_t first_talker;          /* 0 none yet, 1 + side that sent payload first */
    uint8_t classified;            /* heads handed to classify */
    uint8_t syn_seen;              /* bit per side */
    uint8_t closing;               /* FIN/RST seen */
    uint8_t owner_flags;           /* free for the table's owner (engine.c); never touched here */
    uint32_t head_mem;             /* heap bytes of both heads, as the table last counted them */
    uint32_t hash;                 /* its key's hash, low bits (buckets number at most 2^32) */
};

/* Flows are pooled and counted by the million: keep one within four cache lines. */
_Static_assert(sizeof(struct flow) <= 256, "struct flow must stay at or under 256 bytes");

struct flow_config {
    uint32_t max_flows;
    uint32_t head_bytes;
    uint32_t tcp_idle_s, tcp_closed_s, udp_idle_s;
    uint64_t hash_seed;  /* 0: a random seed per run (getrandom); tests may fix one */
    uint64_t max_memory; /* bytes (table, heads and owner_bytes); 0: no cap but max_flows */
    /* Bytes the owner holds for its flows (called with the on_expire ctx); may be NULL. */
    size_t (*owner_bytes)(void *ctx);
};

struct flow_stats {
    uint64_t created;
    uint64_t active;
    uint64_t timed_out;
    uint64_t closed;
    uint64_t evicted;
    uint64_t flushed;         /* still in the table at the end of the capture */
    uint64_t heads_with_gaps; /* counted as their flows leave the table */
    uint64_t retransmissions; /* segments with no new byte, while heads were being kept */
    uint64_t out_of_order;    /* segments past a hole, while heads were being kept */
    uint64_t peak_active;
    uint64_t alloc_failures;     /* packets that found no flow because memory ran out */
    uint64_t evicted_for_memory; /* of evicted: to stay under max_memory */
    uint64_t head_bytes;         /* heap bytes the heads hold now */
    uint64_t owner_bytes;        /* what owner_bytes said at the last count */
    uint64_t memory;             /* bytes counted against max_memory now (with owner_bytes) */
    uint64_t memory_peak;        /* the most ever counted, before evictions brought it down */
};

struct flow_table;

/* Called before a flow leaves the table (timeout, eviction, flush). */
typedef void (*flow_expire_fn)(struct flow *f, enum flow_end_reason why, void *ctx);

struct flow_table *flow_table_create(const struct flow_config *cfg, flow_expire_fn on_expire,
                                     void *ctx);
void flow_table_destroy(struct flow_table *t); /* does not call on_expire */

/*
 * Find or create the flow of this packet, update its counters, roles and
 * stream heads (unless classified), and expire flows idle past their timeout
 * at the packet's time. *side is set to the sender's side. Returns NULL only
 * if no flow could be made (allocation failure, counted in stats) or the
 * packet is neither TCP nor UDP.
 *
 * Once f->classified is set, the next packet releases the heads' buffers (if
 * classify has not already) and later packets only update counters.
 * on_expire runs inside this call for other flows; it must not call back
 * into the table.
 */
struct flow *flow_table_packet(struct flow_table *t, const struct packet_view *pkt, int *side);

/* Expire every flow (end of capture): on_expire with FLOW_END_FLUSH. */
void flow_table_flush(struct flow_table *t);

/* Advance packet time without a packet (live capture idle): expire what timed out. */
void flow_table_tick(struct flow_table *t, uint64_t now_us);
/*
 * Packet time is at least now_us (the latest time a dispatcher saw over every thread's
 * packets); nothing expires before the next packet, which then finds the table as one
 * table that saw every packet would.
 */
void flow_table_advance(struct flow_table *t, uint64_t now_us);

const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Bytes one flow costs without its heads' buffers (for the --max-flows estimate). */
size_t flow_table_bytes_per_flow(void);

/*
 * For an owner that classifies a flow before it leaves the table: end its
 * heads (held segments given up, see stream_head_finish) or free their
 * buffers, keeping the table's count of head memory exact. May be called
 * from on_expire. (An owner that works on the heads directly is recounted
 * at the flow's next packet or expiry.)
 */
void flow_finish_heads(struct flow_table *t, struct flow *f);
void flow_release_heads(struct flow_table *t, struct flow *f);

void flow_set_server(struct flow *f, int side, enum role_reason why);
const char *role_reason_name(enum role_reason r);
const char *flow_end_reason_name(enum flow_end_reason r);

/* True when both heads need nothing more (see stream_head_complete). */
bool flow_heads_complete(const struct flow *f);

/* Fill classify's view of a flow read with `server` (0 or 1) as the server side: its
 * endpoints, both heads, who spoke first. */
void flow_classify_input(const struct flow *f, int server, struct classify_input *in);

/* True for a port servers commonly listen on (below 1024, or in a short list of common ones). */
bool flow_port_is_server_like(uint16_t port);

#endif
