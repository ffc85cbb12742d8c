/*
 * decode_frag.c - IPv4 and IPv6 fragment reassembly, bounded.
 *
 * Datagrams being rebuilt live in a fixed table of PS_FRAG_MAX_DATAGRAMS
 * slots, allocated once with the decoder. A slot keeps the IP header of the
 * first fragment, the byte ranges received so far (merged, sorted) and a data
 * buffer that grows to the highest byte seen, so memory is allocated per
 * datagram and never per packet; all data buffers together stay under
 * PS_FRAG_MAX_BYTES. Keys: source, destination, protocol and 16-bit id for
 * IPv4; source, destination and 32-bit id for IPv6.
 *
 * Limits, all in packet time and all counted:
 *  - a datagram not complete PS_FRAG_TIMEOUT_S after its first fragment is
 *    dropped (FRAG_TIMEOUT), checked whenever a fragment arrives;
 *  - when the table or the byte budget is full the oldest datagram is
 *    evicted (FRAG_TOO_MANY);
 *  - a datagram that needs more than PS_FRAG_MAX_FRAGMENTS fragments is
 *    dropped (FRAG_TOO_MANY).
 *
 * Overlaps: the FIRST copy of every byte wins. A later fragment only fills
 * bytes no earlier fragment covered, and the overlap is counted
 * (FRAG_OVERLAP); exact duplicates are overlaps too. First-wins is one fixed
 * rule rather than the receiving host's (which differs between systems), so
 * an attacker can make us see a different datagram than some hosts do, but
 * never make us see two.
 *
 * The rebuilt datagram is written to the decoder's reassembly buffer with a
 * header that describes it as unfragmented (IPv4: total length, offset and MF
 * cleared, checksum recomputed; IPv6: the fixed header with payload length
 * and next header patched, extension headers before the fragment header
 * dropped), so nDPI can be given it as an ordinary IP packet.
 */
#include <stdlib.h>
#include <string.h>

#include "decode_internal.h"

#define US_PER_S 1000000u
#define FRAG_BUFFER_STEP 2048u /* data buffers grow in steps of this much */

struct frag_range {
    uint32_t start, end;
};

struct frag_datagram {
    bool used;
    uint8_t family, proto;
    uint32_t id;
    uint8_t src[16], dst[16];
    uint64_t born_us; /* packet time of its first fragment */
    uint64_t order;   /* arrival order, to find the oldest */
    bool have_last;
    uint32_t total; /* data length, known once the last fragment arrived */
    uint8_t header[FRAG_HEADER_MAX];
    uint32_t header_len; /* 0 until the fragment at offset 0 arrived */
    uint8_t next_header; /* IPv6 */
    struct frag_range ranges[PS_FRAG_MAX_FRAGMENTS];
    unsigned nranges;
    unsigned nfrags;
    uint8_t *data;
    uint32_t cap;
};

struct frag_pool {
    struct frag_datagram slots[PS_FRAG_MAX_DATAGRAMS];
    unsigned used;
    uint64_t bytes; /* data buffer capacity held by all slots */
    uint64_t next_order;
};

struct frag_pool *frag_pool_create(void)
{
    return calloc(1, sizeof(struct frag_pool));
}

static void release(struct frag_pool *pool, struct frag_datagram *dg)
{
    free(dg->data);
    pool->bytes -= dg->cap;
    pool->used--;
    memset(dg, 0, sizeof *dg);
}

void frag_pool_destroy(struct frag_pool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < PS_FRAG_MAX_DATAGRAMS; i++)
        free(pool->slots[i].data);
    free(pool);
}

static void expire(struct decode_walk *w, struct frag_pool *pool)
{
    uint64_t limit = (uint64_t)PS_FRAG_TIMEOUT_S * US_PER_S;
    for (unsigned i = 0; i < PS_FRAG_MAX_DATAGRAMS && pool->used; i++) {
        struct frag_datagram *dg = &pool->slots[i];
        if (dg->used && w->ts_us > dg->born_us && w->ts_us - dg->born_us > limit) {
            release(pool, dg);
            w->d->stats.events[DECODE_EV_FRAG_TIMEOUT]++;
        }
    }
}

/* The oldest datagram other than keep, or NULL. */
static struct frag_datagram *oldest(struct frag_pool *pool, const struct frag_datagram *keep)
{
    struct frag_datagram *best = NULL;
    for (unsigned i = 0; i < PS_FRAG_MAX_DATAGRAMS; i++) {
        struct frag_datagram *dg = &pool->slots[i];
        if (dg->used && dg != keep && (!best || dg->order < best->order))
            best = dg;
    }
    return best;
}

static void evict_oldest(struct decode_walk *w, struct frag_pool *pool,
                         const struct frag_datagram *keep)
{
    struct frag_datagram *victim = oldest(pool, keep);
    if (victim) {
        release(pool, victim);
        w->d->stats.events[DECODE_EV_FRAG_TOO_MANY]++;
    }
}

static bool same_datagram(const struct frag_datagram *dg, const struct frag_piece *f, unsigned alen)
{
    return dg->used && dg->family == f->family && dg->id == f->id && dg->proto == f->proto &&
           memcmp(dg->src, f->src, alen) == 0 && memcmp(dg->dst, f->dst, alen) == 0;
}

/* The slot for f's datagram, claiming one (evicting the oldest if full) when new. */
static struct frag_datagram *slot_for(struct decode_walk *w, struct frag_pool *pool,
                                      const struct frag_piece *f)
{
    unsigned alen = f->family == 6 ? 16 : 4;
    struct frag_datagram *free_slot = NULL;
    for (unsigned i = 0; i < PS_FRAG_MAX_DATAGRAMS; i++) {
        struct frag_datagram *dg = &pool->slots[i];
        if (same_datagram(dg, f, alen))
            return dg;
        if (!dg->used && !free_slot)
            free_slot = dg;
    }
    if (!free_slot) {
        free_slot = oldest(pool, NULL);
        release(pool, free_slot);
        w->d->stats.events[DECODE_EV_FRAG_TOO_MANY]++;
    }
    struct frag_datagram *dg = free_slot;
    dg->used = true;
    dg->family = f->family;
    dg->proto = f->proto;
    dg->id = f->id;
    memcpy(dg->src, f->src, alen);
    memcpy(dg->dst, f->dst, alen);
    dg->born_us = w->ts_us;
    dg->order = pool->next_order++;
    pool->used++;
    return dg;
}

/* Make dg's buffer hold at least need bytes, within the pool's byte budget. */
static bool reserve(struct decode_walk *w, struct frag_pool *pool, struct frag_datagram *dg,
                    uint32_t need)
{
    if (need <= dg->cap)
        return true;
    uint32_t cap = (need + FRAG_BUFFER_STEP - 1) / FRAG_BUFFER_STEP * FRAG_BUFFER_STEP;
    if (cap > PS_MAX_IP_DATAGRAM)
        cap = PS_MAX_IP_DATAGRAM;
    uint32_t grow = cap - dg->cap;
    while (pool->bytes + grow > PS_FRAG_MAX_BYTES && oldest(pool, dg))
        evict_oldest(w, pool, dg);
    if (pool->bytes + grow > PS_FRAG_MAX_BYTES)
        return false;
    uint8_t *data = realloc(dg->data, cap);
    if (!data)
        return false;
    dg->data = data;
    dg->cap = cap;
    pool->bytes += grow;
    return true;
}

/*
 * Copy the parts of [start, end) no earlier fragment covered (first wins),
 * then merge the range into the sorted list. Returns true if it overlapped.
 */
static bool fill(struct frag_datagram *dg, uint32_t start, uint32_t end, const uint8_t *src)
{
    bool overlap = false;
    uint32_t at = start;
    for (unsigned i = 0; i < dg->nranges && at < end; i++) {
        const struct frag_range *r = &dg->ranges[i];
        if (r->end <= at)
            continue;
        if (r->start >= end)
            break;
        overlap = true;
        if (r->start > at)
            memcpy(dg->data + at, src + (at - start), r->start - at);
        at = r->end;
    }
    if (at < end)
        memcpy(dg->data + at, src + (at - start), end - at);

    /* Merge: keep ranges before and after, fold the touching ones into one. */
    struct frag_range merged = {start, end};
    struct frag_range out[PS_FRAG_MAX_FRAGMENTS];
    unsigned n = 0;
    bool placed = false;
    for (unsigned i = 0; i < dg->nranges; i++) {
        struct frag_range r = dg->ranges[i];
        if (r.end < merged.start) {
            out[n++] = r;
        } else if (r.start > merged.end) {
            if (!placed) {
                out[n++] = merged;
                placed = true;
            }
            out[n++] = r;
        } else {
            merged.start = r.start < merged.start ? r.start : merged.start;
            merged.end = r.end > merged.end ? r.end : merged.end;
        }
    }
    if (!placed)
        out[n++] = merged;
    memcpy(dg->ranges, out, n * sizeof out[0]);
    dg->nranges = n;
    return overlap;
}

static bool complete(const struct frag_datagram *dg)
{
    return dg->have_last && dg->header_len && dg->nranges == 1 && dg->ranges[0].start == 0 &&
           dg->ranges[0].end == dg->total;
}

static uint16_t ipv4_checksum(const uint8_t *h, uint32_t len)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < len; i += 2)
        sum += rd16(h + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Write header + data to the decoder's buffer as an unfragmented datagram. */
static bool assemble(struct decoder *d, const struct frag_datagram *dg, struct span *whole)
{
    uint32_t hl = dg->header_len;
    uint32_t len = hl + dg->total;
    if (dg->family == 4 && len > PS_MAX_IP_DATAGRAM)
        return false;
    uint8_t *out = d->reasm;
    memcpy(out, dg->header, hl);
    memcpy(out + hl, dg->data, dg->total);
    if (dg->family == 4) {
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        out[6] &= 0x40; /* keep DF, clear MF and the offset */
        out[7] = 0;
        out[10] = out[11] = 0;
        uint16_t sum = ipv4_checksum(out, hl);
        out[10] = (uint8_t)(sum >> 8);
        out[11] = (uint8_t)sum;
    } else {
        out[4] = (uint8_t)(dg->total >> 8);
        out[5] = (uint8_t)dg->total;
        out[6] = dg->next_header;
    }
    *whole = (struct span){.p = out, .len = len, .cut = 0};
    return true;
}

/* Why f cannot belong to dg as it stands, or DECODE_EV_COUNT if it can. */
static enum decode_event conflict(const struct frag_datagram *dg, uint32_t end, bool more)
{
    uint32_t highest = dg->nranges ? dg->ranges[dg->nranges - 1].end : 0;
    if (!more && ((dg->have_last && end != dg->total) || highest > end))
        return DECODE_EV_FRAG_BAD;
    if (more && dg->have_last && end > dg->total)
        return DECODE_EV_FRAG_BAD;
    if (dg->nfrags >= PS_FRAG_MAX_FRAGMENTS)
        return DECODE_EV_FRAG_TOO_MANY;
    return DECODE_EV_COUNT;
}

/* Drop the fragment; drop its datagram too if it had nothing else or must go. */
static enum decode_result refuse(struct decode_walk *w, struct frag_pool *pool,
                                 struct frag_datagram *dg, enum decode_event ev)
{
    if (dg->nfrags == 0 || ev == DECODE_EV_FRAG_TOO_MANY)
        release(pool, dg);
    return decode_fail(w, ev);
}

enum decode_result frag_add(struct decode_walk *w, const struct frag_piece *f, struct span *whole)
{
    struct frag_pool *pool = w->d->frags;
    w->d->stats.fragments++;
    expire(w, pool);
    uint32_t end = f->offset + f->len;
    uint32_t header_room = f->family == 4 ? f->header_len : 0;
    if (f->len == 0 || (f->more && f->len % 8) || end + header_room > PS_MAX_IP_DATAGRAM ||
        f->header_len > FRAG_HEADER_MAX)
        return decode_fail(w, DECODE_EV_FRAG_BAD);

    struct frag_datagram *dg = slot_for(w, pool, f);
    enum decode_event why = conflict(dg, end, f->more);
    if (why != DECODE_EV_COUNT)
        return refuse(w, pool, dg, why);
    if (!reserve(w, pool, dg, end))
        return refuse(w, pool, dg, DECODE_EV_FRAG_TOO_MANY);
    if (fill(dg, f->offset, end, f->data))
        w->d->stats.events[DECODE_EV_FRAG_OVERLAP]++;
    if (f->offset == 0 && dg->header_len == 0) {
        memcpy(dg->header, f->header, f->header_len);
        dg->header_len = f->header_len;
        dg->next_header = f->next_header;
    }
    dg->nfrags++;
    if (!f->more) {
        dg->have_last = true;
        dg->total = end;
    }
    if (!complete(dg))
        return DECODE_FRAGMENT_HELD;
    bool ok = assemble(w->d, dg, whole);
    release(pool, dg);
    if (!ok)
        return decode_fail(w, DECODE_EV_FRAG_BAD);
    w->d->stats.reassembled++;
    return DECODE_OK;
}
