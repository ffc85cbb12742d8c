/*
 * ntp.c - recognises NTP over UDP by its structure, on any port: a client's
 * request and the server's reply to it.
 *
 * How (RFC 5905 7.3): a 48-byte header: LI (2 bits), VN (3), Mode (3),
 * stratum, poll, precision, root delay, root dispersion, reference id, then
 * four 64-bit timestamps: reference, origin, receive, transmit. Extension
 * fields and a MAC may follow; they are not read.
 *
 * A server datagram answers a client datagram when the client's is mode 3
 * (client) with version 1-4 and a non-zero transmit timestamp, the server's
 * is mode 4 (server) with version 1-4 and stratum 0-16, and the server's
 * origin timestamp is the client's transmit timestamp: an NTP server copies
 * it back to prove the reply belongs to that request (RFC 5905 8), and 64
 * bits do not match by chance. Nothing else about the port is looked at.
 *
 * The reference id is text for stratum 0 (a kiss code such as "INIT" or
 * "RATE") and stratum 1 (the reference clock, "GPS", "PPS"); for higher
 * strata it is the upstream server's IPv4 address (or, for an IPv6 upstream,
 * the first four bytes of a hash, which print the same way).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    NTP_HEADER_LEN = 48,
    NTP_MODE_CLIENT = 3,
    NTP_MODE_SERVER = 4,
    NTP_VERSION_MIN = 1,
    NTP_VERSION_MAX = 4,
    NTP_STRATUM_MAX = 16, /* 16: unsynchronised */
    NTP_LEAP_UNSYNC = 3,
    NTP_REFID_AT = 12,
    NTP_ORIGIN_AT = 24,
    NTP_TRANSMIT_AT = 40,
    NTP_TIMESTAMP_LEN = 8,
};

static unsigned mode_of(const uint8_t *p)
{
    return p[0] & 7;
}

static unsigned version_of(const uint8_t *p)
{
    return p[0] >> 3 & 7;
}

static bool header_with_mode(struct wire dg, unsigned mode)
{
    return dg.ok && dg.left >= NTP_HEADER_LEN && mode_of(dg.p) == mode &&
           version_of(dg.p) >= NTP_VERSION_MIN && version_of(dg.p) <= NTP_VERSION_MAX;
}

static bool is_request(struct wire dg)
{
    static const uint8_t zero[NTP_TIMESTAMP_LEN];
    return header_with_mode(dg, NTP_MODE_CLIENT) &&
           memcmp(dg.p + NTP_TRANSMIT_AT, zero, NTP_TIMESTAMP_LEN) != 0;
}

static bool answers(struct wire req, struct wire resp)
{
    return header_with_mode(resp, NTP_MODE_SERVER) && resp.p[1] <= NTP_STRATUM_MAX &&
           memcmp(resp.p + NTP_ORIGIN_AT, req.p + NTP_TRANSMIT_AT, NTP_TIMESTAMP_LEN) == 0;
}

/* Stratum 0 and 1: four ASCII bytes, NUL-padded; else an address, dotted. */
static void refid_text(const uint8_t *r, uint8_t stratum, char *dst, size_t cap)
{
    if (stratum <= 1) {
        size_t n = 4;
        while (n && r[n - 1] == 0)
            n--;
        detail_text(dst, cap, r, n);
    } else {
        snprintf(dst, cap, "%u.%u.%u.%u", r[0], r[1], r[2], r[3]);
    }
}

static void fill(struct wire resp, struct ntp_detail *d)
{
    d->seen = true;
    d->leap = resp.p[0] >> 6;
    d->version = (uint8_t)version_of(resp.p);
    d->stratum = resp.p[1];
    d->precision = (int8_t)resp.p[3];
    refid_text(resp.p + NTP_REFID_AT, d->stratum, d->refid, sizeof d->refid);
}

/* "stratum 1, refid GPS", "stratum 0, refid INIT, unsynchronized", "stratum 2". */
static void describe(const struct ntp_detail *d, struct evidence *ev)
{
    struct textbuf t;
    textbuf_init(&t, ev->info, sizeof ev->info);
    textbuf_str(&t, "stratum ");
    textbuf_uint(&t, d->stratum);
    if (d->stratum <= 1 && d->refid[0]) {
        textbuf_str(&t, ", refid ");
        textbuf_str(&t, d->refid);
    }
    if (d->leap == NTP_LEAP_UNSYNC)
        textbuf_str(&t, ", unsynchronized");
    char version[4] = {'v', (char)('0' + d->version), '\0', '\0'};
    EV_SET(ev->version, version);
}

bool ntp_parse(const struct classify_input *in, struct ntp_detail *out, evidence_fn emit, void *ctx)
{
    memset(out, 0, sizeof *out);
    unsigned nc = wire_datagram_count(&in->client_head), ns = wire_datagram_count(&in->server_head);
    for (unsigned i = 0; i < nc && !out->seen; i++) {
        struct wire req = wire_datagram(&in->client_head, i);
        if (!is_request(req))
            continue;
        for (unsigned j = 0; j < ns && !out->seen; j++) {
            struct wire resp = wire_datagram(&in->server_head, j);
            if (answers(req, resp))
                fill(resp, out);
        }
    }
    if (out->seen && emit) {
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        EV_SET(ev.service, "ntp");
        EV_SET(ev.rule, "ntp:response");
        describe(out, &ev);
        ev.witness = WITNESS_PARSER;
        ev.strength = STRENGTH_PARSER;
        emit(&ev, ctx);
    }
    return out->seen;
}
