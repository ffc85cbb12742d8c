/*
 * decode.c - the decoder's entry point, its counters, and the link layers.
 *
 * decoder_decode picks the link layer from the libpcap link type and walks
 * down: Ethernet (802.1Q, QinQ, MPLS label stacks, PPPoE sessions), Linux
 * cooked capture v1 and v2, BSD null/loopback and raw IP. The IP layers,
 * tunnels and fragment reassembly live in decode_ip.c, decode_tunnel.c and
 * decode_frag.c; every layer reads only bytes it has checked are present.
 *
 * Results: every frame ends as exactly one of ok, other, malformed or held
 * (a fragment kept for reassembly). A frame is malformed when a layer had to
 * give up on it; the reason is counted as a decode_event. Some events are
 * counted without the frame being given up (PAYLOAD_SNAPPED on a view whose
 * payload was cut by the snap length, FRAG_OVERLAP, FRAG_TIMEOUT and
 * FRAG_TOO_MANY when an older datagram is evicted to make room).
 */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "decode_internal.h"

#define ETH_HEADER_LEN 14u
#define VLAN_TAG_LEN 4u
#define MPLS_LABEL_LEN 4u
#define MPLS_CONTROL_WORD_LEN 4u
#define PPPOE_HEADER_LEN 6u
#define SLL_HEADER_LEN 16u
#define SLL2_HEADER_LEN 20u
#define NULL_HEADER_LEN 4u

#define ETHERTYPE_MIN 0x0600u /* below: an 802.3 length field, not a type */
#define ETHERTYPE_VLAN 0x8100u
#define ETHERTYPE_QINQ 0x88a8u
#define ETHERTYPE_QINQ_OLD 0x9100u
#define ETHERTYPE_MPLS 0x8847u
#define ETHERTYPE_MPLS_MCAST 0x8848u
#define ETHERTYPE_PPPOE_SESSION 0x8864u

#define PPPOE_VER_TYPE 0x11u
#define PPPOE_CODE_SESSION 0x00u
#define PPP_IPV4 0x0021u
#define PPP_IPV6 0x0057u

/* BSD address families as written by the various BSDs and macOS. */
#define BSD_AF_INET 2u
#define BSD_AF_INET6_NETBSD 24u
#define BSD_AF_INET6_FREEBSD 28u
#define BSD_AF_INET6_DARWIN 30u

/* The link type numbers as stored in files, when libpcap has no DLT_ of its own. */
#define LINKTYPE_RAW 101

static const char *const event_names[] = {
#define PS_DECODE_NAME(name, text) #name,
    DECODE_EVENTS(PS_DECODE_NAME)
#undef PS_DECODE_NAME
};

static const char *const event_texts[] = {
#define PS_DECODE_TEXT(name, text) text,
    DECODE_EVENTS(PS_DECODE_TEXT)
#undef PS_DECODE_TEXT
};

struct decoder *decoder_create(void)
{
    struct decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->frags = frag_pool_create();
    if (!d->frags) {
        free(d);
        return NULL;
    }
    return d;
}

void decoder_destroy(struct decoder *d)
{
    if (!d)
        return;
    frag_pool_destroy(d->frags);
    free(d);
}

const struct decode_stats *decoder_stats(const struct decoder *d)
{
    return &d->stats;
}

const char *decode_event_name(enum decode_event ev)
{
    return (unsigned)ev < DECODE_EV_COUNT ? event_names[ev] : "?";
}

const char *decode_event_text(enum decode_event ev)
{
    return (unsigned)ev < DECODE_EV_COUNT ? event_texts[ev] : "?";
}

enum decode_result decode_fail(struct decode_walk *w, enum decode_event ev)
{
    w->d->stats.events[ev]++;
    return DECODE_MALFORMED;
}

bool decode_enter(struct decode_walk *w, uint8_t encap_flag)
{
    if (w->depth >= PS_MAX_ENCAP_DEPTH) {
        w->d->stats.events[DECODE_EV_ENCAP_TOO_DEEP]++;
        return false;
    }
    w->depth++;
    w->v->encap |= encap_flag;
    return true;
}

static bool is_vlan_tpid(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/*
 * After the label stack there is no type field: an IP packet is told by its
 * version nibble, and a pseudowire control word (first nibble 0) is followed
 * by an Ethernet frame.
 */
static enum decode_result decode_mpls(struct decode_walk *w, struct span s)
{
    if (!decode_enter(w, ENCAP_MPLS))
        return DECODE_MALFORMED;
    for (unsigned labels = 0;; labels++) {
        if (labels == PS_MAX_MPLS_LABELS)
            return decode_fail(w, DECODE_EV_MPLS_TOO_DEEP);
        if (s.len < MPLS_LABEL_LEN)
            return decode_fail(w, DECODE_EV_MPLS_TRUNCATED);
        bool bottom = s.p[2] & 0x01;
        s = span_from(s, MPLS_LABEL_LEN);
        if (bottom)
            break;
    }
    if (s.len < 1)
        return decode_fail(w, DECODE_EV_MPLS_TRUNCATED);
    switch (s.p[0] >> 4) {
    case 4:
        return decode_ip(w, s, 4);
    case 6:
        return decode_ip(w, s, 6);
    case 0:
        if (s.len < MPLS_CONTROL_WORD_LEN)
            return decode_fail(w, DECODE_EV_MPLS_TRUNCATED);
        return decode_ethernet(w, span_from(s, MPLS_CONTROL_WORD_LEN));
    default:
        return DECODE_OTHER;
    }
}

/* PPPoE session: 6-byte header whose length covers the PPP protocol field and data. */
static enum decode_result decode_pppoe(struct decode_walk *w, struct span s)
{
    if (s.len < PPPOE_HEADER_LEN + 1)
        return decode_fail(w, DECODE_EV_PPPOE_TRUNCATED);
    if (s.p[0] != PPPOE_VER_TYPE || s.p[1] != PPPOE_CODE_SESSION)
        return DECODE_OTHER;
    if (!decode_enter(w, ENCAP_PPPOE))
        return DECODE_MALFORMED;
    uint32_t plen = rd16(s.p + 4);
    s = span_from(s, PPPOE_HEADER_LEN);
    if (plen > s.len + s.cut)
        return decode_fail(w, DECODE_EV_PPPOE_TRUNCATED);
    if (plen <= s.len) {
        s.len = plen;
        s.cut = 0;
    } else {
        s.cut = plen - s.len;
    }
    /* The protocol field is one byte when compressed (RFC 1661: its low bit is set). */
    uint32_t proto_len = (s.len >= 1 && (s.p[0] & 0x01)) ? 1 : 2;
    if (s.len < proto_len)
        return decode_fail(w, DECODE_EV_PPPOE_TRUNCATED);
    uint16_t proto = proto_len == 1 ? s.p[0] : rd16(s.p);
    s = span_from(s, proto_len);
    if (proto == PPP_IPV4)
        return decode_ip(w, s, 4);
    if (proto == PPP_IPV6)
        return decode_ip(w, s, 6);
    return DECODE_OTHER;
}

enum decode_result decode_ethertype(struct decode_walk *w, uint16_t type, struct span s)
{
    unsigned tags = 0;
    while (is_vlan_tpid(type)) {
        if (s.len < VLAN_TAG_LEN)
            return decode_fail(w, DECODE_EV_VLAN_TRUNCATED);
        if (++tags > PS_MAX_VLAN_TAGS)
            return decode_fail(w, DECODE_EV_VLAN_TOO_DEEP);
        if (!decode_enter(w, ENCAP_VLAN))
            return DECODE_MALFORMED;
        if (w->v->vlan_count < PS_MAX_VLAN_TAGS)
            w->v->vlan[w->v->vlan_count++] = rd16(s.p) & 0x0fff;
        type = rd16(s.p + 2);
        s = span_from(s, VLAN_TAG_LEN);
    }
    switch (type) {
    case ETHERTYPE_IPV4:
        return decode_ip(w, s, 4);
    case ETHERTYPE_IPV6:
        return decode_ip(w, s, 6);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MCAST:
        return decode_mpls(w, s);
    case ETHERTYPE_PPPOE_SESSION:
        return decode_pppoe(w, s);
    default:
        return DECODE_OTHER; /* ARP, LLDP, 802.3 length frames, ... */
    }
}

enum decode_result decode_ethernet(struct decode_walk *w, struct span s)
{
    if (s.len < ETH_HEADER_LEN)
        return decode_fail(w, DECODE_EV_ETH_TRUNCATED);
    uint16_t type = rd16(s.p + 12);
    if (type < ETHERTYPE_MIN)
        return DECODE_OTHER;
    return decode_ethertype(w, type, span_from(s, ETH_HEADER_LEN));
}

/* Linux cooked v1: type, ARPHRD, address length, 8 address bytes, protocol. */
static enum decode_result decode_sll(struct decode_walk *w, struct span s)
{
    if (s.len < SLL_HEADER_LEN)
        return decode_fail(w, DECODE_EV_SLL_TRUNCATED);
    uint16_t proto = rd16(s.p + 14);
    if (proto < ETHERTYPE_MIN) /* Linux "protocols" such as 802.2 LLC frames */
        return DECODE_OTHER;
    return decode_ethertype(w, proto, span_from(s, SLL_HEADER_LEN));
}

/* Linux cooked v2: protocol first, then reserved, ifindex, ARPHRD, type, address. */
static enum decode_result decode_sll2(struct decode_walk *w, struct span s)
{
    if (s.len < SLL2_HEADER_LEN)
        return decode_fail(w, DECODE_EV_SLL_TRUNCATED);
    uint16_t proto = rd16(s.p);
    if (proto < ETHERTYPE_MIN)
        return DECODE_OTHER;
    return decode_ethertype(w, proto, span_from(s, SLL2_HEADER_LEN));
}

static enum decode_result decode_bsd_family(struct decode_walk *w, uint32_t family, struct span s)
{
    switch (family) {
    case BSD_AF_INET:
        return decode_ip(w, s, 4);
    case BSD_AF_INET6_NETBSD:
    case BSD_AF_INET6_FREEBSD:
    case BSD_AF_INET6_DARWIN:
        return decode_ip(w, s, 6);
    default:
        return DECODE_OTHER;
    }
}

/*
 * DLT_NULL stores the family in the byte order of the machine that captured,
 * which need not be ours: families are small, so a value that does not fit
 * in 16 bits was written in the other order.
 */
static enum decode_result decode_null(struct decode_walk *w, struct span s)
{
    if (s.len < NULL_HEADER_LEN)
        return decode_fail(w, DECODE_EV_NULL_TRUNCATED);
    uint32_t family =
        (uint32_t)s.p[0] | (uint32_t)s.p[1] << 8 | (uint32_t)s.p[2] << 16 | (uint32_t)s.p[3] << 24;
    if (family > 0xffffu)
        family = rd32(s.p);
    return decode_bsd_family(w, family, span_from(s, NULL_HEADER_LEN));
}

static enum decode_result decode_loop(struct decode_walk *w, struct span s)
{
    if (s.len < NULL_HEADER_LEN)
        return decode_fail(w, DECODE_EV_NULL_TRUNCATED);
    return decode_bsd_family(w, rd32(s.p), span_from(s, NULL_HEADER_LEN));
}

static enum decode_result decode_link(struct decode_walk *w, int linktype, struct span s)
{
    switch (linktype) {
    case DLT_EN10MB:
        return decode_ethernet(w, s);
    case DLT_LINUX_SLL:
        return decode_sll(w, s);
    case DLT_LINUX_SLL2:
        return decode_sll2(w, s);
    case DLT_NULL:
        return decode_null(w, s);
    case DLT_LOOP:
        return decode_loop(w, s);
    case DLT_RAW:
    case LINKTYPE_RAW:
        return decode_ip(w, s, 0);
    case DLT_IPV4:
        return decode_ip(w, s, 4);
    case DLT_IPV6:
        return decode_ip(w, s, 6);
    default:
        return decode_fail(w, DECODE_EV_LINKTYPE_UNSUPPORTED);
    }
}

enum decode_result decoder_decode(struct decoder *d, int linktype, const uint8_t *frame,
                                  uint32_t caplen, uint32_t wire_len, uint64_t ts_us,
                                  struct packet_view *out)
{
    memset(out, 0, sizeof *out);
    out->ts_us = ts_us;
    out->wire_len = wire_len;
    struct decode_walk w = {.d = d, .v = out, .ts_us = ts_us, .depth = 0};
    struct span s = {.p = frame, .len = caplen, .cut = wire_len > caplen ? wire_len - caplen : 0};
    if (!frame)
        s.len = 0;
    d->stats.packets++;
    enum decode_result r = decode_link(&w, linktype, s);
    switch (r) {
    case DECODE_OK:
        d->stats.ok++;
        break;
    case DECODE_OTHER:
        d->stats.other++;
        break;
    case DECODE_MALFORMED:
        d->stats.malformed++;
        break;
    case DECODE_FRAGMENT_HELD:
        break;
    }
    return r;
}
