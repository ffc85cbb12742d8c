/*
 * capture_pcap.c - reading on through a classic pcap file whose record header is noise.
 *
 * libpcap stops for good at a record header whose captured length no snap
 * length allows (a flipped bit, a damaged disk block, bytes written over). The
 * records after the damage are usually whole. capture.c hands the stream here,
 * positioned just after the header libpcap refused, and this reader goes on:
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
 * The bytes live in one window buffer of PCAP_WINDOW bytes (a whole record
 * and the next header always fit), allocated once per damaged file; nothing
 * is allocated per packet. It reads forward only, so pipes work too.
 */
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
