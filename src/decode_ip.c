/*
 * decode_ip.c - IPv4 (with options), IPv6 (with extension headers), TCP and UDP.
 *
 * Lengths: the IP header says how long the packet was. Bytes beyond that are
 * link padding and are dropped; fewer bytes than that are accepted only when
 * the frame was cut by the snap length (the span's cut covers the shortfall),
 * in which case the view's payload_len is what is present and
 * payload_wire_len what was sent. Anything else is malformed.
 *
 * The innermost IP header wins: a tunnel hands its inner packet back to
 * decode_ip, which overwrites the addresses and l3 of the outer one.
 */
#include <netinet/in.h>
#include <string.h>

#include "decode_internal.h"

#define IPV4_MIN_HEADER 20u
#define IPV6_HEADER_LEN 40u
#define IPV6_FRAG_HEADER_LEN 8u
#define TCP_MIN_HEADER 20u
#define UDP_HEADER_LEN 8u

#define IPV4_MF 0x2000u
#define IPV4_OFFSET_MASK 0x1fffu

#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_AH 51
#define IP6_NONE 59
#define IP6_DSTOPTS 60

#define VXLAN_UDP_PORT 4789u
#define VXLAN_FLAG_VNI 0x08u

/*
 * Fit s to the length the IP (or UDP) header claims: trim padding, or record
 * how much the snap length cut. False when the claim cannot be true.
 */
static bool span_fit(struct span *s, uint32_t claimed)
{
    if (claimed <= s->len) {
        s->len = claimed;
        s->cut = 0;
        return true;
    }
    if (claimed > s->len + s->cut)
        return false;
    s->cut = claimed - s->len;
    return true;
}

static enum decode_result decode_tcp(struct decode_walk *w, struct span s)
{
    if (s.len < TCP_MIN_HEADER)
        return decode_fail(w, DECODE_EV_TCP_TRUNCATED);
    uint32_t hlen = (uint32_t)(s.p[12] >> 4) * 4;
    if (hlen < TCP_MIN_HEADER || hlen > s.len + s.cut)
        return decode_fail(w, DECODE_EV_TCP_BAD_OFFSET);
    if (hlen > s.len)
        return decode_fail(w, DECODE_EV_TCP_TRUNCATED);
    struct packet_view *v = w->v;
    v->transport = IPPROTO_TCP;
    v->sport = rd16(s.p);
    v->dport = rd16(s.p + 2);
    v->seq = rd32(s.p + 4);
    v->ack = rd32(s.p + 8);
    v->tcp_flags = s.p[13];
    v->payload = s.p + hlen;
    v->payload_len = s.len - hlen;
    v->payload_wire_len = s.len + s.cut - hlen;
    if (s.cut)
        w->d->stats.events[DECODE_EV_PAYLOAD_SNAPPED]++;
    return DECODE_OK;
}

static enum decode_result decode_udp(struct decode_walk *w, struct span s)
{
    if (s.len < UDP_HEADER_LEN)
        return decode_fail(w, DECODE_EV_UDP_TRUNCATED);
    uint32_t ulen = rd16(s.p + 4);
    if (ulen < UDP_HEADER_LEN || !span_fit(&s, ulen))
        return decode_fail(w, DECODE_EV_UDP_BAD_LEN);
    struct packet_view *v = w->v;
    v->transport = IPPROTO_UDP;
    v->sport = rd16(s.p);
    v->dport = rd16(s.p + 2);
    struct span payload = span_from(s, UDP_HEADER_LEN);
    /* Only what carries the VXLAN "valid VNI" flag is taken for VXLAN. */
    if (v->dport == VXLAN_UDP_PORT && (payload.len < 1 || (payload.p[0] & VXLAN_FLAG_VNI)))
        return decode_vxlan(w, payload);
    v->payload = payload.p;
    v->payload_len = payload.len;
    v->payload_wire_len = payload.len + payload.cut;
    if (payload.cut)
        w->d->stats.events[DECODE_EV_PAYLOAD_SNAPPED]++;
    return DECODE_OK;
}

static enum decode_result decode_l4(struct decode_walk *w, uint8_t proto, struct span s)
{
    switch (proto) {
    case IPPROTO_TCP:
        return decode_tcp(w, s);
    case IPPROTO_UDP:
        return decode_udp(w, s);
    case IPPROTO_GRE:
        return decode_gre(w, s);
    case IPPROTO_IPIP:
        return decode_ip_in_ip(w, s, 4);
    case IPPROTO_IPV6:
        return decode_ip_in_ip(w, s, 6);
    default:
        return DECODE_OTHER;
    }
}

/* A fragment was complete: decode the rebuilt datagram from its IP header on. */
static enum decode_result decode_fragment(struct decode_walk *w, const struct frag_piece *f)
{
    struct span whole;
    enum decode_result r = frag_add(w, f, &whole);
    if (r != DECODE_OK)
        return r;
    w->v->encap |= ENCAP_FRAGMENTED;
    /* Nothing of the fragment's own span is read after this: the buffer may be reused. */
    return decode_ip(w, whole, f->family);
}

static enum decode_result decode_ipv4(struct decode_walk *w, struct span s)
{
    if (s.len < IPV4_MIN_HEADER)
        return decode_fail(w, DECODE_EV_IPV4_TRUNCATED);
    if (s.p[0] >> 4 != 4)
        return decode_fail(w, DECODE_EV_IPV4_BAD_VERSION);
    uint32_t hlen = (uint32_t)(s.p[0] & 0x0f) * 4;
    if (hlen < IPV4_MIN_HEADER)
        return decode_fail(w, DECODE_EV_IPV4_BAD_IHL);
    uint32_t total = rd16(s.p + 2);
    if (total < hlen)
        return decode_fail(w, DECODE_EV_IPV4_BAD_TOTAL_LEN);
    if (s.len < hlen)
        return decode_fail(w, DECODE_EV_IPV4_TRUNCATED);
    if (!span_fit(&s, total))
        return decode_fail(w, DECODE_EV_IPV4_BAD_TOTAL_LEN);
    struct packet_view *v = w->v;
    addr_set_v4(&v->src, s.p + 12);
    addr_set_v4(&v->dst, s.p + 16);
    v->l3 = s.p;
    v->l3_len = s.len;
    uint16_t frag = rd16(s.p + 6);
    uint8_t proto = s.p[9];
    struct span payload = span_from(s, hlen);
    if (frag & (IPV4_MF | IPV4_OFFSET_MASK)) {
        if (payload.cut) /* a fragment cut by the snap length can never be completed */
            return decode_fail(w, DECODE_EV_PAYLOAD_SNAPPED);
        struct frag_piece f = {
            .family = 4,
            .proto = proto,
            .id = rd16(s.p + 4),
            .src = s.p + 12,
            .dst = s.p + 16,
            .offset = (uint32_t)(frag & IPV4_OFFSET_MASK) * 8,
            .more = frag & IPV4_MF,
            .data = payload.p,
            .len = payload.len,
            .header = s.p,
            .header_len = hlen,
        };
        return decode_fragment(w, &f);
    }
    return decode_l4(w, proto, payload);
}

/* Length of the extension header at s, or 0 when it is not all there. */
static uint32_t ipv6_ext_len(uint8_t type, struct span s)
{
    if (s.len < 2)
        return 0;
    uint32_t len = type == IP6_AH ? ((uint32_t)s.p[1] + 2) * 4 : ((uint32_t)s.p[1] + 1) * 8;
    return len <= s.len ? len : 0;
}

static enum decode_result decode_ipv6(struct decode_walk *w, struct span s)
{
    if (s.len < IPV6_HEADER_LEN)
        return decode_fail(w, DECODE_EV_IPV6_TRUNCATED);
    if (s.p[0] >> 4 != 6)
        return decode_fail(w, DECODE_EV_IPV6_BAD_VERSION);
    if (!span_fit(&s, IPV6_HEADER_LEN + rd16(s.p + 4)))
        return decode_fail(w, DECODE_EV_IPV6_TRUNCATED);
    struct packet_view *v = w->v;
    addr_set_v6(&v->src, s.p + 8);
    addr_set_v6(&v->dst, s.p + 24);
    v->l3 = s.p;
    v->l3_len = s.len;
    const uint8_t *fixed = s.p;
    uint8_t next = s.p[6];
    struct span rest = span_from(s, IPV6_HEADER_LEN);
    for (unsigned count = 0;; count++) {
        if (next != IP6_HOPOPTS && next != IP6_ROUTING && next != IP6_DSTOPTS && next != IP6_AH &&
            next != IP6_FRAGMENT)
            break;
        if (count == PS_MAX_IPV6_EXT_HEADERS)
            return decode_fail(w, DECODE_EV_IPV6_TOO_MANY_EXT);
        if (next == IP6_FRAGMENT) {
            if (rest.len < IPV6_FRAG_HEADER_LEN)
                return decode_fail(w, DECODE_EV_IPV6_EXT_TRUNCATED);
            uint16_t off_flags = rd16(rest.p + 2);
            uint8_t after = rest.p[0];
            struct span data = span_from(rest, IPV6_FRAG_HEADER_LEN);
            if ((off_flags & 0xfff9u) == 0) { /* atomic fragment (RFC 6946): not fragmented */
                next = after;
                rest = data;
                continue;
            }
            if (data.cut)
                return decode_fail(w, DECODE_EV_PAYLOAD_SNAPPED);
            struct frag_piece f = {
                .family = 6,
                .id = rd32(rest.p + 4),
                .src = fixed + 8,
                .dst = fixed + 24,
                .offset = off_flags & 0xfff8u,
                .more = off_flags & 0x0001u,
                .data = data.p,
                .len = data.len,
                .header = fixed,
                .header_len = IPV6_HEADER_LEN,
                .next_header = after,
            };
            return decode_fragment(w, &f);
        }
        uint32_t len = ipv6_ext_len(next, rest);
        if (len == 0)
            return decode_fail(w, DECODE_EV_IPV6_EXT_TRUNCATED);
        next = rest.p[0];
        rest = span_from(rest, len);
    }
    if (next == IP6_NONE)
        return DECODE_OTHER;
    return decode_l4(w, next, rest);
}

enum decode_result decode_ip(struct decode_walk *w, struct span s, unsigned version)
{
    if (version == 0) {
        if (s.len < 1)
            return decode_fail(w, DECODE_EV_IPV4_TRUNCATED);
        version = s.p[0] >> 4;
        if (version != 4 && version != 6)
            return decode_fail(w, DECODE_EV_IPV4_BAD_VERSION);
    }
    return version == 6 ? decode_ipv6(w, s) : decode_ipv4(w, s);
}
