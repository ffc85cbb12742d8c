/*
 * capture_pcap.c - classic pcap records read by us: in place from a mapped file, and on
 * through a file whose record header is noise.
 *
 * In place (pcap_read_mapped): capture.c maps a regular file and libpcap has read its file
 * header; the records are then walked in the mapping, with no copy and no system call per
 * packet. Each record is taken exactly as libpcap 1.10's pcap_next_ex takes it - the two
 * lengths in the order the file's version implies, the 32-bit time fields signed or not
 * as libpcap has them, a microsecond fraction scaled to nanoseconds in 64 bits, a record longer
 * than the snapshot length cut to it, a captured length past MAPPED_MAX_RECORD refused - and where
 * libpcap would stop, this stops too, with libpcap's words and the offset its stream would
 * have reached (the end of the file, for a record cut short). capture.c maps only link
 * types whose longest record libpcap puts at MAPPED_MAX_RECORD and whose headers it does
 * not byte-swap, so nothing else of libpcap's differs.
 *
 * On past damage (pcap_read_rest, pcap_read_rest_mapped): libpcap stops for good at a
 * record header whose captured length no snap length allows (a flipped bit, a damaged
 * disk block, bytes written over). The records after the damage are usually whole.
 * capture.c hands the stream (or the mapping) here, just after the header libpcap
 * refused, and this reader goes on:
 *
 *  - scanning: byte by byte, for a record header that is plausible (captured
 *    length within the snapshot length and at most the wire length, a wire
 *    length no link carries more of than PS_DEFAULT_SNAPLEN, a fraction of a
 *    second below one second, a time within PCAP_RESYNC_WINDOW_US of the last
 *    believable packet time) and that is followed by another plausible header
 *    or by the exact end of the file. Two in a row from noise are beyond
 *    chance, and real payload does not carry this capture's times.
 *  - reading: record after record, as libpcap does (a record longer than the
 *    snapshot length is cut to it); a header with an impossible length starts
 *    a new scan.
 *
 * From a stream the bytes live in one window buffer of PCAP_WINDOW bytes (a whole record
 * and the next header always fit), allocated once per damaged file; a mapping is its own
 * window, whole. Nothing is allocated per packet. It reads forward only, so pipes work too.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "capture_internal.h"
#include "config.h"

#define US_PER_S 1000000u
#define NS_PER_US 1000u
#define PCAP_MAX_RECORD ((uint32_t)PS_DEFAULT_SNAPLEN)
/* A record and the header after it, twice over, so the window refills in large reads. */
#define PCAP_WINDOW (2u * (PCAP_MAX_RECORD + 2u * 24u))
/* A record found by scanning must be this close in time to the last believable packet. */
#define PCAP_RESYNC_WINDOW_US (86400ull * US_PER_S)
/* libpcap 1.10's longest record (MAXIMUM_SNAPLEN) for the link types read in place. */
#define MAPPED_MAX_RECORD 262144u
/*
 * Reading ahead and letting go behind in a mapping. The pages of the next
 * MAPPED_CHUNK bytes are made present with one madvise (not a page fault every
 * few pages); the cache lines of the next MAPPED_PREFETCH bytes are prefetched
 * while the callback works on this record: record headers lie a record apart,
 * a stride no hardware prefetcher follows, and each one read cold stalled the
 * walk (measured: half its time on bulk.pcap's 1514-byte frames). The chunks
 * already read are unmapped from the process (the page cache keeps them), or a
 * file of N bytes would leave N bytes of resident memory.
 */
#define MAPPED_CHUNK (1u << 20)
#define MAPPED_PREFETCH 4096u
#define CACHE_LINE 64u

struct window {
    FILE *f;            /* NULL: buf is a mapped file, whole */
    uint8_t *own;       /* the window buffer read into from f */
    const uint8_t *buf; /* own, or the mapping */
    size_t len;         /* bytes in buf */
    size_t at;          /* where the current record (or the scan) is */
    long base;          /* stream offset of buf[0] */
    bool eof;
    const struct pcap_rest *rest;
};

/* At least need bytes from w->at in the buffer, unless the file ends first. Returns how many. */
static size_t fill(struct window *w, size_t need)
{
    if (w->len - w->at < need && !w->eof) {
        memmove(w->own, w->own + w->at, w->len - w->at);
        w->base += (long)w->at;
        w->len -= w->at;
        w->at = 0;
        while (w->len < PCAP_WINDOW && !w->eof) {
            size_t got = fread(w->own + w->len, 1, PCAP_WINDOW - w->len, w->f);
            w->len += got;
            if (got == 0)
                w->eof = true;
        }
    }
    return w->len - w->at;
}

struct rec_header {
    uint32_t sec, frac, caplen, wire;
};

static uint32_t u32(const struct pcap_rest *p, const uint8_t *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return p->swapped ? __builtin_bswap32(v) : v;
}

static struct rec_header header_at(const struct window *w, size_t off)
{
    const uint8_t *b = w->buf + w->at + off;
    return (struct rec_header){u32(w->rest, b), u32(w->rest, b + 4), u32(w->rest, b + 8),
                               u32(w->rest, b + 12)};
}

/* Packet time in microseconds, 0 when the fraction is not a fraction. */
static uint64_t time_us(const struct pcap_rest *p, const struct rec_header *h)
{
    uint32_t frac = p->nano ? h->frac / NS_PER_US : h->frac;
    if (frac >= US_PER_S)
        return 0;
    return (uint64_t)h->sec * US_PER_S + frac;
}

static bool plausible(const struct pcap_rest *p, const struct rec_header *h)
{
    if (h->caplen == 0 || h->caplen > p->snaplen || h->caplen > PCAP_MAX_RECORD ||
        h->caplen > h->wire || h->wire > PCAP_MAX_RECORD)
        return false;
    uint64_t t = time_us(p, h);
    if (t == 0 || t > p->late_us)
        return false;
    uint64_t good = *p->good_us;
    return !good || (t > good ? t - good : good - t) <= PCAP_RESYNC_WINDOW_US;
}

/* Scan from w->at for the next record header that starts a run of good records. */
static bool scan(struct window *w)
{
    unsigned h = w->rest->hdr_len;
    for (;; w->at++) {
        if (fill(w, h) < h)
            return false;
        struct rec_header r = header_at(w, 0);
        if (!plausible(w->rest, &r))
            continue;
        size_t next = h + r.caplen;
        size_t have = fill(w, next + h);
        if (have < next)
            return false; /* cut inside the candidate: nothing more to find */
        if (have == next && w->eof)
            return true; /* the last record of the file */
        if (have >= next + h) {
            struct rec_header n = header_at(w, next);
            if (plausible(w->rest, &n))
                return true;
        }
    }
}

/* Read on from the window's position; damaged_at is where the refused header began. */
static void read_rest(struct window *w, long damaged_at, capture_record_fn fn, void *ctx,
                      const volatile sig_atomic_t *stop, struct pcap_rest_result *res)
{
    const struct pcap_rest *p = w->rest;
    unsigned h = p->hdr_len;
    long stretch = damaged_at; /* where the damage being scanned over began; -1: none */
    for (;;) {
        if (*stop) {
            res->stopped = true;
            break;
        }
        if (stretch >= 0) {
            if (!scan(w)) {
                res->lost = true;
                res->lost_at = stretch;
                break;
            }
            long found = w->base + (long)w->at;
            if (res->stretches++ == 0) {
                res->first_at = stretch;
                res->first_len = found - stretch;
            }
            res->skipped += (uint64_t)(found - stretch);
            stretch = -1;
        }
        size_t have = fill(w, h);
        if (have == 0)
            break; /* the end, between records */
        if (have < h) {
            snprintf(res->why, sizeof res->why, "truncated record header");
            res->cut = true;
            break;
        }
        struct rec_header r = header_at(w, 0);
        if (r.caplen > PCAP_MAX_RECORD) {
            stretch = w->base + (long)w->at; /* noise again: scan from here */
            continue;
        }
        if (fill(w, h + r.caplen) < h + r.caplen) {
            snprintf(res->why, sizeof res->why, "truncated record: %u bytes announced", r.caplen);
            res->cut = true;
            break;
        }
        struct capture_record rec = {.stored_len = r.caplen, .snaplen = p->snaplen};
        rec.frame = (struct capture_frame){.linktype = p->linktype,
                                           .data = w->buf + w->at + h,
                                           .caplen = r.caplen < p->snaplen ? r.caplen : p->snaplen,
                                           .wire_len = r.wire,
                                           .ts_us = time_us(p, &r)};
        w->at += h + r.caplen;
        if (!fn(&rec, ctx)) {
            res->stopped = true;
            break;
        }
    }
    res->offset = w->base + (long)w->at;
}

void pcap_read_rest(FILE *f, long damaged_at, const struct pcap_rest *p, capture_record_fn fn,
                    void *ctx, const volatile sig_atomic_t *stop, struct pcap_rest_result *res)
{
    memset(res, 0, sizeof *res);
    long pos = ftell(f);
    struct window w = {.f = f, .base = pos, .rest = p, .own = malloc(PCAP_WINDOW)};
    w.buf = w.own;
    res->offset = pos;
    if (!w.own || pos < 0) {
        res->lost = true;
        res->lost_at = damaged_at;
        free(w.own);
        return;
    }
    read_rest(&w, damaged_at, fn, ctx, stop, res);
    free(w.own);
}

void pcap_read_rest_mapped(const uint8_t *data, size_t size, size_t from, long damaged_at,
                           const struct pcap_rest *p, capture_record_fn fn, void *ctx,
                           const volatile sig_atomic_t *stop, struct pcap_rest_result *res)
{
    memset(res, 0, sizeof *res);
    struct window w = {
        .buf = data, .len = size, .at = from < size ? from : size, .eof = true, .rest = p};
    read_rest(&w, damaged_at, fn, ctx, stop, res);
}

/* ---- in place -------------------------------------------------------------------------- */

static uint32_t mapped_u32(const struct pcap_map *m, const uint8_t *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return m->swapped ? __builtin_bswap32(v) : v;
}

/*
 * Packet time as libpcap 1.10 gives it at nanosecond precision, then in microseconds as
 * capture.c takes it (0 when it is not a time). libpcap reads both fields as signed 32-bit
 * numbers in the machine's byte order but as unsigned ones once it has swapped them, and
 * multiplies a microsecond fraction by 1000 in 64 bits.
 */
static uint64_t mapped_time_us(const struct pcap_map *m, uint32_t sec, uint32_t frac)
{
    int64_t s = m->swapped ? (int64_t)sec : (int64_t)(int32_t)sec;
    int64_t f = m->swapped ? (int64_t)frac : (int64_t)(int32_t)frac;
    int64_t ns = m->nano ? f : f * NS_PER_US;
    if (s < 0 || ns < 0 || (uint64_t)ns / NS_PER_US >= US_PER_S)
        return 0;
    return (uint64_t)s * US_PER_S + (uint64_t)ns / NS_PER_US;
}

/* Where the walk has let pages go up to, made them present and fetched cache lines up to. */
struct ahead {
    size_t released;
    size_t populated;
    size_t fetched;
};

static void read_ahead(const struct pcap_map *m, size_t at, struct ahead *a)
{
    while (m->paged && a->populated < m->size && a->populated < at + MAPPED_CHUNK) {
        size_t len = m->size - a->populated < MAPPED_CHUNK ? m->size - a->populated : MAPPED_CHUNK;
        /* Fails on kernels before 5.14: the pages then fault in as they are read. */
        madvise((void *)(m->data + a->populated), len, MADV_POPULATE_READ);
        a->populated += MAPPED_CHUNK;
    }
    /* Whole chunks before this record's are done with (read again, they fault back in). */
    for (; m->paged && a->released + MAPPED_CHUNK <= at; a->released += MAPPED_CHUNK)
        madvise((void *)(m->data + a->released), MAPPED_CHUNK, MADV_DONTNEED);
    size_t to = m->size - at < MAPPED_PREFETCH ? m->size : at + MAPPED_PREFETCH;
    if (a->fetched < at)
        a->fetched = at;
    for (; a->fetched < to; a->fetched += CACHE_LINE)
        __builtin_prefetch(m->data + a->fetched);
}

void pcap_read_mapped(const struct pcap_map *m, capture_record_fn fn, void *ctx,
                      const volatile sig_atomic_t *stop, struct pcap_map_result *res)
{
    memset(res, 0, sizeof *res);
    const unsigned h = m->hdr_len;
    size_t at = m->start < m->size ? m->start : m->size;
    struct capture_record rec = {.snaplen = m->snaplen, .frame.linktype = m->linktype};
    struct ahead ahead = {0};
    for (;;) {
        read_ahead(m, at, &ahead);
        if (*stop) {
            res->stopped = true;
            break;
        }
        size_t left = m->size - at;
        if (left == 0)
            break; /* the end, between records */
        if (left < h) {
            snprintf(res->why, sizeof res->why,
                     "truncated dump file; tried to read %u header bytes, only got %zu", h, left);
            res->failed = true;
            at = m->size;
            break;
        }
        const uint8_t *b = m->data + at;
        uint32_t caplen = mapped_u32(m, b + 8), wire = mapped_u32(m, b + 12);
        if (m->lengths == PCAP_LENGTHS_SWAPPED ||
            (m->lengths == PCAP_LENGTHS_MAYBE && caplen > wire)) {
            uint32_t t = caplen;
            caplen = wire;
            wire = t;
        }
        left -= h;
        if (caplen > MAPPED_MAX_RECORD) {
            if (caplen > m->snaplen)
                snprintf(res->why, sizeof res->why,
                         "invalid packet capture length %u, bigger than snaplen of %u", caplen,
                         m->snaplen);
            else
                snprintf(res->why, sizeof res->why,
                         "invalid packet capture length %u, bigger than maximum of %u", caplen,
                         MAPPED_MAX_RECORD);
            res->failed = res->damaged = true;
            res->damaged_at = (long)at;
            at += h;
            break;
        }
        uint32_t keep = caplen > m->snaplen ? m->snaplen : caplen;
        if (left < caplen) {
            /* libpcap reads what it keeps, then skips the rest: the first read that falls
               short names its own length. */
            snprintf(res->why, sizeof res->why,
                     "truncated dump file; tried to read %u captured bytes, only got %zu",
                     left < keep ? keep : caplen, left);
            res->failed = true;
            at = m->size;
            break;
        }
        rec.stored_len = caplen;
        rec.frame.data = b + h;
        rec.frame.caplen = keep;
        rec.frame.wire_len = wire;
        rec.frame.ts_us = mapped_time_us(m, mapped_u32(m, b), mapped_u32(m, b + 4));
        at += h + caplen;
        rec.end = at;
        if (!fn(&rec, ctx)) {
            res->stopped = true;
            break;
        }
    }
    res->offset = (long)at;
}
