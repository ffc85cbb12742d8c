/*
 * fuzz_stream.c - libFuzzer target for the stream heads, through the flow table.
 *
 * The input is a small header and then a sequence of segments, each fed as a
 * packet of one conversation, so that the table's SYN/FIN/RST handling runs
 * too:
 *
 *   header  : mode (1) | head_bytes - 1 (2, little endian) | ISN (4)
 *             mode bit 0: UDP instead of TCP
 *             mode bit 1: segment bytes come from the input (else they are a
 *                         fixed function of side and sequence number)
 *   segment : op (1) | seq (2 or 4) | length (2, little endian, mod 2048) | bytes
 *             op bit 0: side;  bits 1-3: SYN, FIN, RST;  bit 4: ACK
 *             bit 5: finish that side's head afterwards (what an owner does
 *                    when it classifies early)
 *             bits 6-7: how seq is given: 0 ISN + 1 + u16, 1 ISN + 1 - u16,
 *                       2 absolute u32, 3 that head's next_seq + u16 - 64
 *
 * After every segment the head's bookkeeping must be consistent
 * (stream_head_valid), never longer than head_bytes, and, when the bytes are
 * a function of the sequence number, every byte in the head must be the one
 * that sequence number carries: however the segments were cut, reordered,
 * repeated or overlapped, the head is a true prefix. The flush at the end and
 * the sanitizers check that nothing leaks.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

struct input {
    const uint8_t *p;
    size_t n;
};

static uint32_t take(struct input *in, size_t bytes)
{
    uint32_t v = 0;
    for (size_t i = 0; i < bytes && in->n; i++, in->p++, in->n--)
        v |= (uint32_t)in->p[0] << (8 * i);
    return v;
}

static uint8_t byte_at(int side, uint32_t seq)
{
    return (uint8_t)(((seq * 2654435761u) >> 24) ^ (uint32_t)(side * 0x5a));
}

struct run {
    uint32_t head_bytes;
    bool tcp, generated;
};

/* Endpoint 0 (10.0.0.1:40000) or 1 (10.0.0.2:443): side s of a flow is whoever spoke first. */
static int endpoint_of(const struct flow *f, int s)
{
    return f->key.port[s] == 40000 ? 0 : 1;
}

static void check_head(const struct run *r, const struct stream_head *h, int endpoint)
{
    uint32_t limit = r->head_bytes < PS_MAX_HEAD_BYTES ? r->head_bytes : PS_MAX_HEAD_BYTES;
    if (!stream_head_valid(h, r->head_bytes) || h->len > limit)
        abort();
    struct head_bytes v;
    stream_head_view(h, &v);
    if (v.len > limit || (v.len && !v.data))
        abort();
    if (r->generated && r->tcp && v.len) {
        uint32_t base = h->next_seq - h->len; /* sequence number of the head's first byte */
        for (uint32_t i = 0; i < v.len; i++)
            if (v.data[i] != byte_at(endpoint, base + i))
                abort();
    }
}

static void on_expire(struct flow *f, enum flow_end_reason why, void *ctx)
{
    const struct run *r = ctx;
    for (int s = 0; s < 2; s++)
        check_head(r, &f->head[s], endpoint_of(f, s));
}

static uint32_t segment_seq(struct input *in, uint8_t op, uint32_t isn, const struct flow *f,
                            int side)
{
    switch (op >> 6) {
    case 0:
        return isn + 1 + take(in, 2);
    case 1:
        return isn + 1 - take(in, 2);
    case 2:
        return take(in, 4);
    default: {
        uint32_t next = isn + 1;
        for (int s = 0; f && s < 2; s++)
            if (endpoint_of(f, s) == side)
                next = f->head[s].next_seq;
        return next + take(in, 2) - 64;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t gen[2048];
    struct input in = {data, size};
    uint8_t mode = (uint8_t)take(&in, 1);
    struct run r = {.head_bytes = take(&in, 2) + 1, .tcp = !(mode & 1), .generated = !(mode & 2)};
    uint32_t isn = take(&in, 4);
    struct flow_config cfg = {.max_flows = 4,
                              .head_bytes = r.head_bytes,
                              .tcp_idle_s = PS_DEFAULT_TCP_IDLE_S,
                              .tcp_closed_s = PS_DEFAULT_TCP_CLOSED_S,
                              .udp_idle_s = PS_DEFAULT_UDP_IDLE_S,
                              .hash_seed = 1};
    struct flow_table *t = flow_table_create(&cfg, on_expire, &r);
    if (!t)
        return 0;

    static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
    struct flow *f = NULL;
    uint64_t ts = 1000000;
    while (in.n) {
        uint8_t op = (uint8_t)take(&in, 1);
        int side = op & 1;
        struct packet_view p;
        memset(&p, 0, sizeof p);
        p.transport = r.tcp ? IPPROTO_TCP : IPPROTO_UDP;
        addr_set_v4(&p.src, side ? b : a);
        addr_set_v4(&p.dst, side ? a : b);
        p.sport = side ? 443 : 40000;
        p.dport = side ? 40000 : 443;
        p.ts_us = ts++;
        p.tcp_flags = (uint8_t)(((op & 2) ? PS_TCP_SYN : 0) | ((op & 4) ? PS_TCP_FIN : 0) |
                                ((op & 8) ? PS_TCP_RST : 0) | ((op & 16) ? PS_TCP_ACK : 0));
        p.seq = segment_seq(&in, op, isn, f, side);
        p.ack = isn;
        uint32_t len = take(&in, 2) % sizeof gen;
        if (r.generated) {
            /* Data rides after the SYN's own sequence number. */
            uint32_t first = p.seq + ((p.tcp_flags & PS_TCP_SYN) ? 1u : 0u);
            for (uint32_t i = 0; i < len; i++)
                gen[i] = byte_at(side, first + i);
            p.payload = gen;
        } else {
            if (len > in.n)
                len = (uint32_t)in.n;
            p.payload = in.p;
            in.p += len;
            in.n -= len;
        }
        p.payload_len = p.payload_wire_len = len;

        int got_side;
        f = flow_table_packet(t, &p, &got_side);
        if (!f)
            continue;
        if (op & 32)
            stream_head_finish(&f->head[got_side]);
        check_head(&r, &f->head[0], endpoint_of(f, 0));
        check_head(&r, &f->head[1], endpoint_of(f, 1));
        if (f->head[got_side].held_count > PS_MAX_OOO_SEGMENTS)
            abort();
    }
    flow_table_flush(t);
    const struct flow_stats *st = flow_table_stats(t);
    if (st->active != 0 || st->created < st->timed_out + st->closed + st->evicted)
        abort();
    /* Every head's bytes were counted back out as the flows left (the memory cap's count). */
    if (st->head_bytes != 0)
        abort();
    flow_table_destroy(t);
    return 0;
}
