/*
 * stream.c - stream heads: the first bytes of each direction, in order.
 *
 * A TCP head is a buffer whose byte 0 carries the sequence number
 * next_seq - len. Bytes are placed by their offset from there, computed with
 * serial-number arithmetic so that sequence numbers may wrap. Everything
 * before next_seq is already known: a segment that brings nothing past it is
 * a retransmission, and a segment that starts before it contributes only its
 * new tail.
 *
 * Out-of-order segments are copied straight into the buffer at their offset
 * (so holding them costs no allocation per segment); a sorted array of at
 * most PS_MAX_OOO_SEGMENTS disjoint byte ranges, allocated with the first
 * one, records which bytes past len are there. Adjacent or overlapping held
 * ranges are merged, so the bound counts holes, not packets. Overlaps are
 * resolved first-wins: a byte already in the buffer (in order or held) is
 * never overwritten, so a later segment cannot change what an earlier one
 * said. When the hole before the held ranges fills, len runs over them.
 *
 * A hole that will not fill ends the head there with HEAD_GAP: the flow is
 * ending (stream_head_finish), the side sent RST, a FIN arrived beyond the
 * hole, or a new hole would exceed the held-range bound. Only bytes before
 * the hole are ever shown.
 *
 * The buffer grows by doubling from PS_HEAD_MIN_ALLOC to head_bytes, so a
 * short banner costs a small allocation and a head never exceeds head_bytes.
 * UDP heads keep whole datagrams with their end offsets.
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

/* A held byte range [start, end), as offsets from buf[0]; always start > len. */
struct stream_segment {
    uint32_t start, end;
};

static const uint8_t head_done = HEAD_FULL | HEAD_GAP | HEAD_RELEASED | HEAD_OOM;

static uint32_t head_limit(uint32_t head_bytes)
{
    return head_bytes < PS_MAX_HEAD_BYTES ? head_bytes : PS_MAX_HEAD_BYTES;
}

/* Serial-number distance a - b (RFC 1982): negative when a is before b. */
static int64_t seq_distance(uint32_t a, uint32_t b)
{
    return (int64_t)(int32_t)(a - b);
}

static void drop_held(struct stream_head *h)
{
    free(h->held);
    h->held = NULL;
    h->held_count = 0;
}

/* The hole before the held bytes will not fill: the head ends at len. */
static void end_at_gap(struct stream_head *h)
{
    if (h->held_count)
        h->flags |= HEAD_GAP;
    drop_held(h);
}

/* Make buf hold at least need bytes (need <= limit). False when out of memory. */
static bool reserve(struct stream_head *h, uint32_t need, uint32_t limit)
{
    if (need <= h->cap)
        return true;
    uint32_t cap = h->cap ? h->cap : PS_HEAD_MIN_ALLOC;
    while (cap < need)
        cap *= 2;
    if (cap > limit)
        cap = limit;
    /* Not realloc: glibc's realloc of a small block bypasses its per-thread cache of
       freed blocks, where malloc, the copy of a few hundred bytes and free use it (a
       growing head cost some 400 instructions in realloc, a third of that so). */
    uint8_t *buf = malloc(cap);
    if (!buf) {
        h->flags |= HEAD_OOM;
        drop_held(h);
        return false;
    }
    if (h->cap)
        memcpy(buf, h->buf, h->cap); /* held ranges lie past len: the whole buffer moves */
    free(h->buf);
    /* Defined bytes past len: PCRE2's JIT reads ahead of a subject's end in whole vector
       words (within the allocation) and, though the result never depends on them, reading
       uninitialised bytes would make any run under valgrind noisy. */
    memset(buf + h->cap, 0, cap - h->cap);
    h->buf = buf;
    h->cap = cap;
    return true;
}

/* Copy src (covering offsets [start, end)) into the parts not held yet: first wins. */
static void write_uncovered(struct stream_head *h, uint32_t start, uint32_t end, const uint8_t *src)
{
    uint32_t at = start;
    for (uint16_t i = 0; i < h->held_count && at < end; i++) {
        const struct stream_segment *r = &h->held[i];
        if (r->end <= at)
            continue;
        if (r->start >= end)
            break;
        if (r->start > at)
            memcpy(h->buf + at, src + (at - start), r->start - at);
        at = r->end;
    }
    if (at < end)
        memcpy(h->buf + at, src + (at - start), end - at);
}

/* True when one held range already covers [start, end). */
static bool held_covers(const struct stream_head *h, uint32_t start, uint32_t end)
{
    for (uint16_t i = 0; i < h->held_count; i++)
        if (h->held[i].start <= start && end <= h->held[i].end)
            return true;
    return false;
}

/* How many held ranges there would be after merging [start, end) in. */
static uint32_t ranges_after_merge(const struct stream_head *h, uint32_t start, uint32_t end)
{
    uint32_t touched = 0;
    for (uint16_t i = 0; i < h->held_count; i++)
        if (h->held[i].start <= end && start <= h->held[i].end)
            touched++;
    return h->held_count - touched + 1;
}

/* Merge [start, end) into the sorted, disjoint, non-adjacent held ranges. */
static void merge_range(struct stream_head *h, uint32_t start, uint32_t end)
{
    uint16_t out = 0;
    struct stream_segment *r = h->held;
    for (uint16_t i = 0; i < h->held_count; i++) {
        struct stream_segment cur = r[i];
        if (cur.end < start) {
            r[out++] = cur;
        } else if (end < cur.start) {
            /* The ranges from i on stay as they are; the bound check left room for one more. */
            memmove(&r[out + 1], &r[i], (size_t)(h->held_count - i) * sizeof *r);
            r[out] = (struct stream_segment){start, end};
            h->held_count = (uint16_t)(out + 1 + (h->held_count - i));
            return;
        } else {
            if (cur.start < start)
                start = cur.start;
            if (cur.end > end)
                end = cur.end;
        }
    }
    r[out++] = (struct stream_segment){start, end};
    h->held_count = out;
}

/* len has grown: take in the held ranges it now reaches. */
static void absorb_held(struct stream_head *h)
{
    uint16_t i = 0;
    while (i < h->held_count && h->held[i].start <= h->len) {
        if (h->held[i].end > h->len)
            h->len = h->held[i].end;
        i++;
    }
    if (!i)
        return;
    h->held_count = (uint16_t)(h->held_count - i);
    memmove(h->held, h->held + i, (size_t)h->held_count * sizeof *h->held);
    if (!h->held_count)
        drop_held(h);
}

static enum segment_fate place_in_order(struct stream_head *h, uint32_t end, const uint8_t *src,
                                        uint32_t limit)
{
    uint32_t old_len = h->len;
    if (!reserve(h, end, limit))
        return SEG_NONE;
    write_uncovered(h, old_len, end, src);
    h->len = end;
    absorb_held(h);
    h->next_seq += h->len - old_len;
    if (h->len >= limit) {
        h->flags |= HEAD_FULL;
        drop_held(h);
    }
    return SEG_IN_ORDER;
}

static enum segment_fate hold(struct stream_head *h, uint32_t start, uint32_t end,
                              const uint8_t *src, uint32_t limit)
{
    if (held_covers(h, start, end))
        return SEG_RETRANSMISSION;
    if (ranges_after_merge(h, start, end) > PS_MAX_OOO_SEGMENTS) {
        end_at_gap(h);
        return SEG_GAP;
    }
    if (!h->held) {
        h->held = malloc(PS_MAX_OOO_SEGMENTS * sizeof *h->held);
        if (!h->held) {
            h->flags |= HEAD_OOM;
            return SEG_NONE;
        }
    }
    if (!reserve(h, end, limit))
        return SEG_NONE;
    write_uncovered(h, start, end, src);
    merge_range(h, start, end);
    return SEG_OUT_OF_ORDER;
}

void stream_head_syn(struct stream_head *h, uint32_t isn)
{
    /* Once bytes are placed their numbering is fixed; a late or repeated SYN changes nothing. */
    if (h->flags & HEAD_HAVE_SEQ)
        return;
    h->next_seq = isn + 1; /* the SYN itself takes one sequence number */
    h->flags |= HEAD_HAVE_SEQ;
}

enum segment_fate stream_head_place_tcp(struct stream_head *h, uint32_t seq, const uint8_t *data,
                                        uint32_t len, uint32_t head_bytes)
{
    if (!len || !data || (h->flags & head_done))
        return SEG_NONE;
    uint32_t limit = head_limit(head_bytes);
    if (h->len >= limit) {
        h->flags |= HEAD_FULL;
        drop_held(h);
        return SEG_NONE;
    }
    if (!(h->flags & HEAD_HAVE_SEQ)) {
        /* Mid-stream start: the first segment seen defines the beginning. */
        h->next_seq = seq;
        h->flags |= HEAD_HAVE_SEQ;
    }
    int64_t d = seq_distance(seq, h->next_seq);
    uint64_t skip = d < 0 ? (uint64_t)-d : 0;
    if (skip >= len)
        return SEG_RETRANSMISSION;
    uint64_t start = (uint64_t)h->len + (d > 0 ? (uint64_t)d : 0);
    if (start >= limit)
        return SEG_OUT_OF_ORDER; /* past the head: nothing we will ever show */
    uint64_t end = start + (len - skip);
    if (end > limit)
        end = limit;
    if (d > 0)
        return hold(h, (uint32_t)start, (uint32_t)end, data, limit);
    return place_in_order(h, (uint32_t)end, data + skip, limit);
}

bool stream_head_add_tcp(struct stream_head *h, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes)
{
    return stream_head_place_tcp(h, seq, data, len, head_bytes) == SEG_IN_ORDER;
}

void stream_head_fin(struct stream_head *h, uint32_t fin_seq)
{
    h->flags |= HEAD_FIN;
    if (h->flags & head_done)
        return;
    if ((h->flags & HEAD_HAVE_SEQ) && seq_distance(fin_seq, h->next_seq) > 0) {
        /* Bytes before the FIN are missing: the head ends at the hole. */
        h->flags |= HEAD_GAP;
        drop_held(h);
        return;
    }
    /* Anything held lies past the FIN and cannot be data the side sent. */
    drop_held(h);
}

void stream_head_rst(struct stream_head *h)
{
    h->flags |= HEAD_RST;
    end_at_gap(h);
}

bool stream_head_add_udp(struct stream_head *h, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes)
{
    if ((h->flags & head_done) || h->datagrams >= PS_MAX_UDP_DATAGRAMS || (len && !data))
        return false;
    uint32_t limit = head_limit(head_bytes);
    if (limit > PS_UDP_HEAD_LIMIT)
        limit = PS_UDP_HEAD_LIMIT;
    if (h->len >= limit) {
        h->flags |= HEAD_FULL;
        return false;
    }
    uint32_t take = len < limit - h->len ? len : limit - h->len;
    if (take && !reserve(h, h->len + take, limit))
        return false;
    if (take)
        memcpy(h->buf + h->len, data, take);
    h->len += take;
    h->datagram_end[h->datagrams++] = (uint16_t)h->len;
    if (h->len >= limit)
        h->flags |= HEAD_FULL;
    return true;
}

void stream_head_finish(struct stream_head *h)
{
    end_at_gap(h);
}

bool stream_head_complete(const struct stream_head *h)
{
    if (h->flags & head_done)
        return true;
    if ((h->flags & (HEAD_FIN | HEAD_RST)) && !h->held_count)
        return true;
    return h->datagrams >= PS_MAX_UDP_DATAGRAMS;
}

void stream_head_view(const struct stream_head *h, struct head_bytes *out)
{
    memset(out, 0, sizeof *out);
    out->data = h->buf;
    out->len = h->buf ? h->len : 0;
    out->gap = (h->flags & HEAD_GAP) != 0;
    out->truncated = (h->flags & HEAD_FULL) != 0;
    out->datagrams = h->datagrams;
    for (uint8_t i = 0; i < h->datagrams && i < PS_MAX_UDP_DATAGRAMS; i++)
        out->datagram_end[i] = h->datagram_end[i];
}

bool stream_head_valid(const struct stream_head *h, uint32_t head_bytes)
{
    uint32_t limit = head_limit(head_bytes);
    if (h->len > limit || h->len > h->cap || (h->cap && !h->buf) || h->cap > limit)
        return false;
    if (h->held_count > PS_MAX_OOO_SEGMENTS || (h->held_count && !h->held))
        return false;
    uint32_t after = h->len;
    for (uint16_t i = 0; i < h->held_count; i++) {
        const struct stream_segment *r = &h->held[i];
        /* Strictly past the previous range: touching ranges would have merged. */
        if (r->start <= after || r->end <= r->start || r->end > h->cap)
            return false;
        after = r->end;
    }
    if (h->datagrams > PS_MAX_UDP_DATAGRAMS)
        return false;
    for (uint8_t i = 0; i < h->datagrams; i++)
        if (h->datagram_end[i] > h->len || (i && h->datagram_end[i] < h->datagram_end[i - 1]))
            return false;
    return true;
}

void stream_head_release(struct stream_head *h)
{
    free(h->buf);
    drop_held(h);
    h->buf = NULL;
    h->len = 0;
    h->cap = 0;
    h->datagrams = 0;
    h->flags |= HEAD_RELEASED;
}

size_t stream_head_bytes(const struct stream_head *h)
{
    size_t n = 0;
    if (h->buf)
        n += h->cap + PS_ALLOC_OVERHEAD;
    if (h->held)
        n += PS_MAX_OOO_SEGMENTS * sizeof *h->held + PS_ALLOC_OVERHEAD;
    return n;
}
