/*
 * engine.c - the pipeline from frames to the inventory.
 *
 * Per frame: decode into a view, find the flow, and while the flow is not
 * yet classified let nDPI see the packet (from the first packet with
 * payload, until it says it is done: then its state is freed). The flow
 * table grows the stream heads. A flow is classified once, when it is ready
 * (both heads complete, or its packet budget spent) or when it leaves the
 * table; its heads and what nDPI concluded are freed then, so from that
 * point a packet costs a lookup and a counter update. The table counts
 * nDPI's bytes (ndpi_witness_bytes) with its own against --max-memory.
 *
 * Without a handshake the flow table's choice of server can be a guess. If
 * the conversation as guessed says nothing, it is read the other way round;
 * when that identifies a server-side protocol the roles are swapped
 * (ROLE_BANNER).
 *
 * Engines of several threads share one inventory under a lock (opt.inv_lock):
 * it is taken once per classified flow, with as little work inside as the
 * result allows (the heads are read for FTP announcements before it), and the
 * times of flows that end after classification are recorded in batches.
 */
#include "engine.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "ftp.h"

#define OWNER_NDPI_DONE 0x01
#define OWNER_STEADY 0x02       /* on_steady was called */
#define OWNER_RECORD_SIDE1 0x04 /* owner_state's record is that of side 1 (else side 0) */
#define ENGINE_MAX_FLOW_EVIDENCE 24u
/* Ended flows whose endpoint times wait for the shared inventory's lock (see flow_ended). */
#define ENGINE_ENDED_BATCH 64u
/* FTP data channels one classified flow's heads announce, found before the lock is taken. */
#define ENGINE_MAX_ANNOUNCEMENTS 32u

struct evidence_buf {
    struct evidence ev[ENGINE_MAX_FLOW_EVIDENCE];
    unsigned n;
};

/* A flow that ended after its classification: its server endpoint saw traffic until last_us. */
struct ended_flow {
    struct endpoint_record *rec; /* the endpoint's record when known, else NULL: look it up */
    struct ps_addr host;
    uint16_t port;
    uint8_t transport;
    uint64_t last_us;
};

/* FTP data channels announced by one flow's heads. */
struct announcements {
    struct {
        struct ps_addr host;
        uint16_t port;
        const char *how; /* a string literal of ftp.c */
    } at[ENGINE_MAX_ANNOUNCEMENTS];
    unsigned n;
    bool overflow; /* more than fit: the heads are read again under the lock */
};

struct engine {
    struct engine_options opt;
    struct decoder *dec;
    struct flow_table *flows;
    struct ndpi_witness *ndpi;
    struct engine_stats stats;
    uint64_t now_us;
    /* Scratch for one classification (two readings when roles are guessed). */
    struct evidence_buf evidence[2];
    struct flow_detail detail[2];
    /* With a shared inventory: ended flows not yet recorded in it. */
    struct ended_flow ended[ENGINE_ENDED_BATCH];
    unsigned nended;
};

static void lock_inventory(const struct engine *e)
{
    if (e->opt.inv_lock)
        pthread_mutex_lock(e->opt.inv_lock);
}

static void unlock_inventory(const struct engine *e)
{
    if (e->opt.inv_lock)
        pthread_mutex_unlock(e->opt.inv_lock);
}

static void collect(const struct evidence *ev, void *ctx)
{
    struct evidence_buf *b = ctx;
    if (b->n < ENGINE_MAX_FLOW_EVIDENCE)
        b->ev[b->n++] = *ev;
}

static void discard(const struct evidence *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
}

/* The witnesses that read the bytes themselves: signatures and protocol parsers. */
static void read_conversation(struct engine *e, const struct classify_input *in,
                              struct evidence_buf *out, struct flow_detail *detail)
{
    out->n = 0;
    if (e->opt.sigs)
        sigset_match(e->opt.sigs, in, collect, out);
    /* The scratch detail is reused: only what the last conversation left in it is cleared. */
    detail_parse_again(in, detail, collect, out);
}

static bool identifies_server(const struct evidence_buf *b)
{
    for (unsigned i = 0; i < b->n; i++)
        if (b->ev[i].strength >= STRENGTH_PARSER)
            return true;
    return false;
}

/* The FTP server's end of the control connection is the sender of a 227/229 reply and
 * the receiver of a PORT/EPRT command: one endpoint when the flow's roles are known, two
 * candidates for a segment read before they are. */
struct control_end {
    const struct ps_addr *host;
    uint16_t port;
};

struct announce_ctx {
    struct inventory *inv;
    uint64_t ts_us;
    uint64_t *count;
    struct control_end replier, commanded;
};

static void announce_channel(const struct ps_addr *host, uint16_t port, const char *how, void *ctx)
{
    struct announce_ctx *a = ctx;
    char rule[EV_RULE_MAX];
    snprintf(rule, sizeof rule, "ftp:%s", how);
    struct channel_origin origin = {.same_software = ftp_server_listens(how)};
    const struct control_end *control = origin.same_software ? &a->replier : &a->commanded;
    origin.host = *control->host;
    origin.port = control->port;
    EV_SET(origin.how, how);
    if (inventory_expect(a->inv, host, port, IPPROTO_TCP, "ftp-data", rule, &origin, a->ts_us))
        (*a->count)++;
}

static void collect_announcement(const struct ps_addr *host, uint16_t port, const char *how,
                                 void *ctx)
{
    struct announcements *an = ctx;
    if (an->n == ENGINE_MAX_ANNOUNCEMENTS) {
        an->overflow = true;
        return;
    }
    an->at[an->n].host = *host;
    an->at[an->n].port = port;
    an->at[an->n].how = how;
    an->n++;
}

/* Register what the heads announced, in the order they said it; the inventory lock is held. */
static void register_announcements(const struct announcements *an, const struct classify_input *in,
                                   struct announce_ctx *ac)
{
    if (an->overflow) {
        ftp_announced_channels(in, announce_channel, ac);
        return;
    }
    for (unsigned i = 0; i < an->n; i++)
        announce_channel(&an->at[i].host, an->at[i].port, an->at[i].how, ac);
}

/* The ended flows waiting for the lock go into the inventory; the lock is held. */
static void record_ended_flows(struct engine *e)
{
    for (unsigned i = 0; i < e->nended; i++) {
        const struct ended_flow *x = &e->ended[i];
        if (x->rec)
            inventory_record_ended(x->rec, x->last_us);
        else
            inventory_flow_ended(e->opt.inv, &x->host, x->port, x->transport, x->last_us);
    }
    e->nended = 0;
}

/* The batch into the inventory, under the lock. */
static void flush_ended(struct engine *e)
{
    lock_inventory(e);
    record_ended_flows(e);
    unlock_inventory(e);
}

uint64_t engine_watch_segment(struct inventory *inv, pthread_mutex_t *lock,
                              const struct packet_view *pkt)
{
    uint64_t count = 0;
    if (pkt->transport != IPPROTO_TCP || !ftp_segment_may_announce(pkt->payload, pkt->payload_len))
        return 0;
    struct announce_ctx ac = {
        inv, pkt->ts_us, &count, {&pkt->src, pkt->sport}, {&pkt->dst, pkt->dport}};
    if (lock)
        pthread_mutex_lock(lock);
    ftp_segment_channels(pkt->payload, pkt->payload_len, &pkt->src, announce_channel, &ac);
    if (lock)
        pthread_mutex_unlock(lock);
    return count;
}

/* Without a handshake, an announced endpoint is the server of its channel. Returns true
 * when an announcement decided (or confirmed) the roles. */
static bool role_from_announcement(struct engine *e, struct flow *f)
{
    if (f->role_reason != ROLE_GUESS && f->role_reason != ROLE_PORT &&
        f->role_reason != ROLE_RESPONDER)
        return false;
    int s = f->server;
    lock_inventory(e);
    bool server_announced =
        inventory_is_expected(e->opt.inv, &f->key.addr[s], f->key.port[s], f->key.transport);
    bool client_announced =
        inventory_is_expected(e->opt.inv, &f->key.addr[!s], f->key.port[!s], f->key.transport);
    unlock_inventory(e);
    if (client_announced && !server_announced)
        flow_set_server(f, !s, ROLE_ANNOUNCED);
    return server_announced || client_announced;
}

static void take_ndpi_state(struct flow *f, struct ndpi_witness_flow **ws)
{
    *ws = f->owner_state;
    f->owner_state = NULL;
}

static void classify(struct engine *e, struct flow *f)
{
    struct ndpi_witness_flow *ws;
    f->classified = 1;
    take_ndpi_state(f, &ws);
    flow_finish_heads(e->flows, f);

    bool announced = role_from_announcement(e, f);
    int server = f->server;
    struct classify_input in;
    flow_classify_input(f, server, &in);
    if (!f->packets[server] && !f->head[!server].len) {
        /* Nobody answered and nothing was said: no server endpoint to speak of. */
        if (ws)
            ndpi_witness_finish(e->ndpi, &ws, &in, NULL, discard, NULL);
        e->stats.flows_unanswered++;
        goto release;
    }
    int reading = 0;
    read_conversation(e, &in, &e->evidence[0], &e->detail[0]);
    if (!announced && (f->role_reason == ROLE_GUESS || f->role_reason == ROLE_PORT) &&
        !identifies_server(&e->evidence[0])) {
        struct classify_input swapped;
        flow_classify_input(f, !server, &swapped);
        read_conversation(e, &swapped, &e->evidence[1], &e->detail[1]);
        if (identifies_server(&e->evidence[1])) {
            flow_set_server(f, !server, ROLE_BANNER);
            server = !server;
            in = swapped;
            reading = 1;
            e->stats.roles_from_banner++;
        }
    }
    struct evidence_buf *ev = &e->evidence[reading];
    struct flow_detail *detail = &e->detail[reading];
    if (ws)
        ndpi_witness_finish(e->ndpi, &ws, &in, detail, collect, ev);

    /* Again over the whole heads: a reply split across segments is whole here. Read before
       the lock is taken, which other threads wait for. */
    struct announcements an; /* not cleared whole: at[] is filled up to n */
    an.n = 0;
    an.overflow = false;
    ftp_announced_channels(&in, collect_announcement, &an);
    lock_inventory(e);
    record_ended_flows(e);
    struct control_end control = {&in.server, in.server_port};
    struct announce_ctx ac = {e->opt.inv, f->last_us, &e->stats.ftp_channels, control, control};
    register_announcements(&an, &in, &ac);
    struct endpoint_record *rec =
        inventory_add_flow(e->opt.inv, &in, f->first_us, f->last_us, detail, ev->ev, ev->n);
    /* Kept for flow_ended, which then need not look the endpoint up. */
    f->owner_state = rec;
    if (server)
        f->owner_flags |= OWNER_RECORD_SIDE1;
    client_inventory_add(e->opt.clients, &in.client, &in.server, in.server_port, detail,
                         f->first_us, f->last_us);
    if (rec && rec->changed && e->opt.on_change) {
        e->opt.on_change(rec, e->opt.ctx);
        rec->changed = false;
    }
    unlock_inventory(e);
    e->stats.flows_classified++;
release:
    flow_release_heads(e->flows, f);
}

/*
 * A classified flow ended: its endpoint's last time moves on. With an inventory
 * shared by several threads the update waits in a small batch, recorded the next
 * time this engine takes the lock, or when the batch is full: a lock per ended
 * flow would be taken as often as the one per classified flow, for an update that
 * does not depend on order (the latest time wins).
 */
static void flow_ended(struct engine *e, const struct flow *f)
{
    int s = f->server;
    /* The record classify kept, unless a late handshake has since named the other side
       the server (or nothing was recorded: the flow went unanswered). */
    struct endpoint_record *rec =
        s == !!(f->owner_flags & OWNER_RECORD_SIDE1) ? f->owner_state : NULL;
    if (e->nended == ENGINE_ENDED_BATCH)
        flush_ended(e);
    struct ended_flow *x = &e->ended[e->nended++];
    x->rec = rec;
    x->host = f->key.addr[s];
    x->port = f->key.port[s];
    x->transport = f->key.transport;
    x->last_us = f->last_us;
    if (!e->opt.inv_lock)
        record_ended_flows(e); /* nobody to wait for: no batch */
}

static void on_expire(struct flow *f, enum flow_end_reason why, void *ctx)
{
    struct engine *e = ctx;
    (void)why;
    if (!f->classified) {
        classify(e, f);
        return;
    }
    flow_ended(e, f);
}

/* Ready to classify before the flow ends? */
static bool ready(const struct engine *e, const struct flow *f)
{
    if (f->packets[0] + f->packets[1] >= PS_CLASSIFY_PACKET_BUDGET)
        return true;
    if (f->key.transport == IPPROTO_TCP)
        return stream_head_complete(&f->head[0]) && stream_head_complete(&f->head[1]);
    /* UDP: an exchange happened, and nDPI has nothing more to learn from it. */
    const struct stream_head *srv = &f->head[f->server], *cli = &f->head[!f->server];
    if (!srv->datagrams || !cli->datagrams)
        return false;
    return !e->ndpi || (f->owner_flags & OWNER_NDPI_DONE) || srv->datagrams >= PS_MAX_UDP_DATAGRAMS;
}

/* What nDPI holds for this engine's flows, for the flow table's memory cap. */
static size_t ndpi_bytes(void *ctx)
{
    const struct engine *e = ctx;
    return ndpi_witness_bytes(e->ndpi);
}

struct engine *engine_create(const struct engine_options *opt, char *err, size_t errlen)
{
    struct engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->opt = *opt;
    e->opt.flow.owner_bytes = ndpi_bytes;
    e->dec = decoder_create();
    e->flows = flow_table_create(&e->opt.flow, on_expire, e);
    if (!e->dec || !e->flows) {
        snprintf(err, errlen, "out of memory for the decoder or the flow table");
        engine_destroy(e);
        return NULL;
    }
    if (opt->ndpi_map) {
        e->ndpi = ndpi_witness_create(opt->ndpi_map, err, errlen);
        if (!e->ndpi) {
            engine_destroy(e);
            return NULL;
        }
    }
    return e;
}

void engine_destroy(struct engine *e)
{
    if (!e)
        return;
    flow_table_destroy(e->flows);
    decoder_destroy(e->dec);
    ndpi_witness_destroy(e->ndpi);
    free(e);
}

void engine_frame(struct engine *e, const struct capture_frame *frame)
{
    struct packet_view pkt;
    if (decoder_decode(e->dec, frame->linktype, frame->data, frame->caplen, frame->wire_len,
                       frame->ts_us, &pkt) == DECODE_OK)
        engine_packet(e, &pkt);
}

/*
 * Whether nDPI should see this packet. nDPI is attached to a flow by the
 * first packet that carries payload: a SYN, a SYN-ACK or a bare ACK teaches
 * it no protocol, and a flow that never carries payload (a SYN flood, a
 * port scan, a refused connection) then costs no nDPI state at all. Once
 * attached it also sees SYN, FIN and RST; bare ACKs teach it nothing and are
 * not fed.
 */
static bool ndpi_wants(const struct flow *f, const struct packet_view *pkt)
{
    if (pkt->payload_wire_len)
        return true;
    return f->owner_state && pkt->transport == IPPROTO_TCP &&
           (pkt->tcp_flags & (PS_TCP_SYN | PS_TCP_FIN | PS_TCP_RST));
}

void engine_packet(struct engine *e, const struct packet_view *pkt)
{
    e->now_us = pkt->ts_us;
    int side;
    struct flow *f = flow_table_packet(e->flows, pkt, &side);
    if (!e->opt.segments_watched)
        e->stats.ftp_channels += engine_watch_segment(e->opt.inv, e->opt.inv_lock, pkt);
    if (f && f->classified) {
        if (e->opt.on_steady && !(f->owner_flags & OWNER_STEADY) && f->first_talker &&
            f->packets[0] + f->packets[1] >= ENGINE_STEADY_PACKETS) {
            f->owner_flags |= OWNER_STEADY;
            e->opt.on_steady(f, e->opt.steady_ctx);
        }
        return;
    }
    if (!f)
        return;
    if (e->ndpi && !(f->owner_flags & OWNER_NDPI_DONE) && ndpi_wants(f, pkt)) {
        struct ndpi_witness_flow *ws = f->owner_state;
        /* Both SYNs went by: nDPI is told it saw the connection begin. */
        bool handshake = f->key.transport == IPPROTO_TCP && f->syn_seen == 3;
        if (ws || ndpi_witness_attach(e->ndpi, &ws, handshake)) {
            if (ndpi_witness_feed(e->ndpi, &ws, pkt, side != f->server))
                f->owner_flags |= OWNER_NDPI_DONE;
        } else {
            f->owner_flags |= OWNER_NDPI_DONE; /* no memory: nDPI sits this flow out */
        }
        f->owner_state = ws;
    }
    if (ready(e, f))
        classify(e, f);
}

void engine_advance(struct engine *e, uint64_t now_us)
{
    flow_table_advance(e->flows, now_us);
}

void engine_tick(struct engine *e, uint64_t now_us)
{
    if (now_us > e->now_us) {
        e->now_us = now_us;
        flow_table_tick(e->flows, now_us);
    }
}

void engine_finish(struct engine *e)
{
    flow_table_flush(e->flows);
    if (e->nended)
        flush_ended(e);
}

const struct decode_stats *engine_decode_stats(const struct engine *e)
{
    return decoder_stats(e->dec);
}

const struct flow_stats *engine_flow_stats(const struct engine *e)
{
    return flow_table_stats(e->flows);
}

const struct engine_stats *engine_stats(const struct engine *e)
{
    return &e->stats;
}

void engine_print_stats(const struct engine *e, FILE *out)
{
    engine_print_counts(out, decoder_stats(e->dec), flow_table_stats(e->flows), &e->stats);
}

void engine_print_counts(FILE *out, const struct decode_stats *d, const struct flow_stats *fs,
                         const struct engine_stats *es)
{
    fprintf(out,
            "decode: %llu frames, %llu tcp/udp, %llu other, %llu malformed, %llu fragments, "
            "%llu reassembled\n",
            (unsigned long long)d->packets, (unsigned long long)d->ok, (unsigned long long)d->other,
            (unsigned long long)d->malformed, (unsigned long long)d->fragments,
            (unsigned long long)d->reassembled);
    for (int i = 0; i < DECODE_EV_COUNT; i++)
        if (d->events[i])
            fprintf(out, "decode:   %-24s %llu  (%s)\n", decode_event_name(i),
                    (unsigned long long)d->events[i], decode_event_text(i));
    fprintf(out,
            "flows: %llu seen, %llu peak active, %llu timed out, %llu closed, %llu evicted, "
            "%llu active at the end\n",
            (unsigned long long)fs->created, (unsigned long long)fs->peak_active,
            (unsigned long long)fs->timed_out, (unsigned long long)fs->closed,
            (unsigned long long)fs->evicted, (unsigned long long)(fs->flushed + fs->active));
    fprintf(out, "streams: %llu heads with gaps, %llu retransmissions, %llu out of order\n",
            (unsigned long long)fs->heads_with_gaps, (unsigned long long)fs->retransmissions,
            (unsigned long long)fs->out_of_order);
    fprintf(out,
            "memory: %llu KiB peak (flow table, stream heads, nDPI state), %llu flows evicted "
            "over --max-memory; at the end %llu KiB, %llu bytes in stream heads, %llu in nDPI "
            "state\n",
            (unsigned long long)(fs->memory_peak >> 10), (unsigned long long)fs->evicted_for_memory,
            (unsigned long long)(fs->memory >> 10), (unsigned long long)fs->head_bytes,
            (unsigned long long)fs->owner_bytes);
    fprintf(out,
            "classify: %llu flows classified, %llu unanswered, %llu roles from banners, "
            "%llu ftp data channels announced\n",
            (unsigned long long)es->flows_classified, (unsigned long long)es->flows_unanswered,
            (unsigned long long)es->roles_from_banner, (unsigned long long)es->ftp_channels);
}
