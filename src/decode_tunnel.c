/*
 * decode_tunnel.c - GRE, VXLAN and IP-in-IP: step over the tunnel header and
 * decode what it carries.
 *
 * A tunnel is one more encapsulation (decode_enter caps the nesting at
 * PS_MAX_ENCAP_DEPTH and sets the encap bit). The inner packet is decoded
 * with the same walk, so the view ends up describing the innermost
 * conversation.
 */
#include "decode_internal.h"

#define GRE_BASE_LEN 4u
#define GRE_OPTION_LEN 4u
#define GRE_FLAG_CHECKSUM 0x8000u
#define GRE_FLAG_ROUTING 0x4000u
#define GRE_FLAG_KEY 0x2000u
#define GRE_FLAG_SEQUENCE 0x1000u
#define GRE_VERSION_MASK 0x0007u

#define VXLAN_HEADER_LEN 8u

/*
 * GRE version 0 (RFC 2784/2890): checksum, key and sequence number words
 * follow the base header when their flags say so. Source routing (RFC 1701)
 * and the enhanced GRE of PPTP (version 1) are not followed.
 */
enum decode_result decode_gre(struct decode_walk *w, struct span s)
{
    if (s.len < GRE_BASE_LEN)
        return decode_fail(w, DECODE_EV_GRE_TRUNCATED);
    uint16_t flags = rd16(s.p);
    uint16_t proto = rd16(s.p + 2);
    if ((flags & GRE_VERSION_MASK) != 0 || (flags & GRE_FLAG_ROUTING))
        return decode_fail(w, DECODE_EV_GRE_UNSUPPORTED);
    uint32_t hlen = GRE_BASE_LEN;
    if (flags & GRE_FLAG_CHECKSUM)
        hlen += GRE_OPTION_LEN;
    if (flags & GRE_FLAG_KEY)
        hlen += GRE_OPTION_LEN;
    if (flags & GRE_FLAG_SEQUENCE)
        hlen += GRE_OPTION_LEN;
    if (s.len < hlen)
        return decode_fail(w, DECODE_EV_GRE_TRUNCATED);
    if (proto != ETHERTYPE_IPV4 && proto != ETHERTYPE_IPV6 && proto != ETHERTYPE_TEB)
        return decode_fail(w, DECODE_EV_GRE_UNSUPPORTED);
    if (!decode_enter(w, ENCAP_GRE))
        return DECODE_MALFORMED;
    s = span_from(s, hlen);
    if (proto == ETHERTYPE_TEB)
        return decode_ethernet(w, s);
    return decode_ip(w, s, proto == ETHERTYPE_IPV6 ? 6 : 4);
}

/* VXLAN (RFC 7348): flags, reserved, 24-bit VNI, reserved; then an Ethernet frame. */
enum decode_result decode_vxlan(struct decode_walk *w, struct span s)
{
    if (s.len < VXLAN_HEADER_LEN)
        return decode_fail(w, DECODE_EV_VXLAN_TRUNCATED);
    if (!decode_enter(w, ENCAP_VXLAN))
        return DECODE_MALFORMED;
    return decode_ethernet(w, span_from(s, VXLAN_HEADER_LEN));
}

/* IPv4 or IPv6 carried directly in IPv4 or IPv6 (protocols 4 and 41). */
enum decode_result decode_ip_in_ip(struct decode_walk *w, struct span s, unsigned version)
{
    if (!decode_enter(w, ENCAP_IPIP))
        return DECODE_MALFORMED;
    return decode_ip(w, s, version);
}
