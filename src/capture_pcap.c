/*
 * capture_pcap.c - classic pcap records read by us, from the stream libpcap opened: the
 * whole file, and on through a file whose record header is noise.
 *
 * The whole file (pcap_read_walk): once libpcap has read a regular file's header,
 * capture.c hands the stream here and the records are walked in a window filled by
 * large reads - one read of up to PCAP_WINDOW bytes for hundreds of records, where
 * pcap_next_ex makes two freads per record and copies each into its own buffer. Each
 * record is taken exactly as libpcap 1.10 takes it - the two lengths in the order the
 * file's version implies, the 32-bit time fields signed or not as libpcap has them, a
 * microsecond fraction scaled to nanoseconds in 64 bits, a record longer than the
 * snapshot length cut to it, a captured length past WALK_MAX_RECORD refused - and where
 * libpcap would stop, this stops too, with libpcap's words and the offset its stream
 * would have reached (the end of the file, for a record cut short). capture.c walks only
 * link types whose longest record libpcap puts at WALK_MAX_RECORD and whose headers it
 * does not byte-swap, so nothing else of libpcap's differs.
 *
 * On past damage (pcap_read_rest): libpcap stops for good at a record header whose
 * captured length no snap length allows (a flipped bit, a damaged disk block, bytes
 * written over). The records after the damage are usually whole. capture.c hands the
 * stream here, positioned just after the header libpcap (or the walk) refused, and
 * this reader goes on:
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
 * Both keep the bytes in one window buffer of PCAP_WINDOW bytes (a whole record
 * and the next header always fit), allocated once per file; nothing is allocated
 * per packet. They read forward only, so pipes work too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture_internal.h"
#include "config.h"

#define US_PER_S 1000000u
#define NS_PER_US 1000u
#define PCAP_MAX_RECORD ((uint32_t)PS_DEFAULT_SNAPLEN)
/* A record and the header after it, twice over, so the window refills in large reads. */
#define PCAP_WINDOW (2u * (PCAP_MAX_RECORD + 2u * 24u))
/* A record found by scanning must be this close in time to the last believable packet. */
#define PCAP_RESYNC_WINDOW_US (86400ull * US_PER_S)
/* libpcap 1.10's longest record (MAXIMUM_SNAPLEN) for the link types walked. */
#define WALK_MAX_RECORD 262144u
/* The walker's window holds two of the longest records it accepts. */
_Static_assert(WALK_MAX_RECORD <= PCAP_MAX_RECORD, "a walked record must fit the window");

struct window {
    FILE *f;
    uint8_t *buf;
    size_t len; /* bytes in buf */
    size_t at;  /* where the current record (or the scan) is */
    long base;  /* stream offset of buf[0] */
    bool eof;
    const struct pcap_rest *rest;
};

/* At least need bytes from w->at in the buffer, unless the file ends first. Returns how many. */
static size_t fill(struct window *w, size_t need)
{
    if (w->len - w->at < need && !w->eof) {
        memmove(w->buf, w->buf + w->at, w->len - w->at);
        w->base += (long)w->at;
        w->len -= w->at;
        w->at = 0;
        while (w->len < PCAP_WINDOW && !w->eof) {
            size_t got = fread(w->buf + w->len, 1, PCAP_WINDOW - w->len, w->f);
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

void pcap_read_rest(FILE *f, long damaged_at, const struct pcap_rest *p, capture_record_fn fn,
                    void *ctx, const volatile sig_atomic_t *stop, struct pcap_rest_result *res)
{
    memset(res, 0, sizeof *res);
    long pos = ftell(f);
    struct window w = {.f = f, .base = pos, .rest = p, .buf = malloc(PCAP_WINDOW)};
    res->offset = pos;
    if (!w.buf || pos < 0) {
        res->lost = true;
        res->lost_at = damaged_at;
        free(w.buf);
        return;
    }
    unsigned h = p->hdr_len;
    long stretch = damaged_at; /* where the damage being scanned over began; -1: none */
    for (;;) {
        if (*stop) {
            res->stopped = true;
            break;
        }
        if (stretch >= 0) {
            if (!scan(&w)) {
                res->lost = true;
                res->lost_at = stretch;
                break;
            }
            long found = w.base + (long)w.at;
            if (res->stretches++ == 0) {
                res->first_at = stretch;
                res->first_len = found - stretch;
            }
            res->skipped += (uint64_t)(found - stretch);
            stretch = -1;
        }
        size_t have = fill(&w, h);
        if (have == 0)
            break; /* the end, between records */
        if (have < h) {
            snprintf(res->why, sizeof res->why, "truncated record header");
            res->cut = true;
            break;
        }
        struct rec_header r = header_at(&w, 0);
        if (r.caplen > PCAP_MAX_RECORD) {
            stretch = w.base + (long)w.at; /* noise again: scan from here */
            continue;
        }
        if (fill(&w, h + r.caplen) < h + r.caplen) {
            snprintf(res->why, sizeof res->why, "truncated record: %u bytes announced", r.caplen);
            res->cut = true;
            break;
        }
        struct capture_record rec = {.stored_len = r.caplen, .snaplen = p->snaplen};
        rec.frame = (struct capture_frame){.linktype = p->linktype,
                                           .data = w.buf + w.at + h,
                                           .caplen = r.caplen < p->snaplen ? r.caplen : p->snaplen,
                                           .wire_len = r.wire,
                                           .ts_us = time_us(p, &r)};
        w.at += h + r.caplen;
        if (!fn(&rec, ctx)) {
            res->stopped = true;
            break;
        }
    }
    res->offset = w.base + (long)w.at;
    free(w.buf);
}

/* ---- the whole file ---------------------------------------------------------------------- */

/*
 * Packet time as libpcap 1.10 gives it at nanosecond precision, then in microseconds as
 * capture.c takes it (0 when it is not a time). libpcap reads both fields as signed 32-bit
 * numbers in the machine's byte order but as unsigned ones once it has swapped them, and
 * multiplies a microsecond fraction by 1000 in 64 bits.
 */
static uint64_t walk_time_us(const struct pcap_rest *p, uint32_t sec, uint32_t frac)
{
    int64_t s = p->swapped ? (int64_t)sec : (int64_t)(int32_t)sec;
    int64_t f = p->swapped ? (int64_t)frac : (int64_t)(int32_t)frac;
    int64_t ns = p->nano ? f : f * NS_PER_US;
    if (s < 0 || ns < 0 || (uint64_t)ns / NS_PER_US >= US_PER_S)
        return 0;
    return (uint64_t)s * US_PER_S + (uint64_t)ns / NS_PER_US;
}

void pcap_read_walk(FILE *f, const struct pcap_rest *p, capture_record_fn fn, void *ctx,
                    const volatile sig_atomic_t *stop, struct pcap_walk_result *res)
{
    memset(res, 0, sizeof *res);
    long pos = ftell(f);
    struct window w = {.f = f, .base = pos, .rest = p, .buf = malloc(PCAP_WINDOW)};
    if (!w.buf || pos < 0) {
        res->unread = true;
        free(w.buf);
        return;
    }
    const unsigned h = p->hdr_len;
    struct capture_record rec = {.snaplen = p->snaplen, .frame.linktype = p->linktype};
    for (;;) {
        if (*stop) {
            res->stopped = true;
            break;
        }
        size_t left = fill(&w, h);
        if (left == 0)
            break; /* the end, between records */
        if (left < h) {
            snprintf(res->why, sizeof res->why,
                     "truncated dump file; tried to read %u header bytes, only got %zu", h, left);
            res->failed = true;
            w.at = w.len;
            break;
        }
        const uint8_t *b = w.buf + w.at;
        uint32_t caplen = u32(p, b + 8), wire = u32(p, b + 12);
        if (p->lengths == PCAP_LENGTHS_SWAPPED ||
            (p->lengths == PCAP_LENGTHS_MAYBE && caplen > wire)) {
            uint32_t t = caplen;
            caplen = wire;
            wire = t;
        }
        if (caplen > WALK_MAX_RECORD) {
            if (caplen > p->snaplen)
                snprintf(res->why, sizeof res->why,
                         "invalid packet capture length %u, bigger than snaplen of %u", caplen,
                         p->snaplen);
            else
                snprintf(res->why, sizeof res->why,
                         "invalid packet capture length %u, bigger than maximum of %u", caplen,
                         WALK_MAX_RECORD);
            res->failed = res->damaged = true;
            res->damaged_at = w.base + (long)w.at;
            w.at += h;
            break;
        }
        uint32_t keep = caplen > p->snaplen ? p->snaplen : caplen;
        left = fill(&w, h + caplen) - h;
        b = w.buf + w.at; /* the window may have moved */
        if (left < caplen) {
            /* libpcap reads what it keeps, then skips the rest: the first read that falls
               short names its own length. */
            snprintf(res->why, sizeof res->why,
                     "truncated dump file; tried to read %u captured bytes, only got %zu",
                     left < keep ? keep : caplen, left);
            res->failed = true;
            w.at = w.len;
            break;
        }
        rec.stored_len = caplen;
        rec.frame.data = b + h;
        rec.frame.caplen = keep;
        rec.frame.wire_len = wire;
        rec.frame.ts_us = walk_time_us(p, u32(p, b), u32(p, b + 4));
        w.at += h + caplen;
        rec.end = w.base + (long)w.at;
        if (!fn(&rec, ctx)) {
            res->stopped = true;
            break;
        }
    }
    if (res->failed && !res->damaged && ferror(f))
        snprintf(res->why, sizeof res->why, "error reading dump file: %s", strerror(errno));
    res->offset = w.base + (long)w.at;
    free(w.buf);
}
