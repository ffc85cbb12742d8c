/*
 * decode.h - from link-layer bytes to a zero-copy view of one TCP or UDP packet.
 *
 * The decoder walks the link layer (Ethernet, 802.1Q/QinQ, MPLS, PPPoE, Linux
 * cooked v1/v2, BSD null/loopback, raw IP), IPv4 with options, IPv6 with
 * extension headers, and the tunnels GRE, VXLAN, IP-in-IP and 6in4, down to
 * the innermost transport header. The view points into the caller's buffer;
 * nothing is allocated per packet except while reassembling IP fragments, in
 * which case the view points into the decoder's reassembly buffer and is valid
 * until the next call.
 *
 * Malformed or truncated input is never trusted: it is counted under a named
 * reason (enum decode_event) and the packet is skipped.
 */
#ifndef PS_DECODE_H
#define PS_DECODE_H

#include <stdint.h>

#include "addr.h"
#include "config.h"

#define PS_TCP_FIN 0x01
#define PS_TCP_SYN 0x02
#define PS_TCP_RST 0x04
#define PS_TCP_PSH 0x08
#define PS_TCP_ACK 0x10

/* Encapsulations a packet crossed (bitmask in packet_view.encap). */
enum encap_flag {
    ENCAP_VLAN = 1 << 0,
    ENCAP_MPLS = 1 << 1,
    ENCAP_PPPOE = 1 << 2,
    ENCAP_GRE = 1 << 3,
    ENCAP_VXLAN = 1 << 4,
    ENCAP_IPIP = 1 << 5, /* IPv4/IPv6 in IPv4/IPv6, including 6in4 */
    ENCAP_FRAGMENTED = 1 << 6,
};

struct packet_view {
    uint64_t ts_us; /* packet time, microseconds since the epoch */
    struct ps_addr src, dst;
    uint16_t sport, dport;
    uint8_t transport; /* IPPROTO_TCP or IPPROTO_UDP */
    uint8_t tcp_flags;
    uint32_t seq, ack; /* TCP only */
    const uint8_t *payload;
    uint32_t payload_len; /* bytes present (may be less than ip says if snapped) */
    uint32_t payload_wire_len; /* bytes the IP header says were sent */
    const uint8_t *l3; /* innermost IP header, for nDPI */
    uint32_t l3_len;
    uint16_t vlan[PS_MAX_VLAN_TAGS];
    uint8_t vlan_count;
    uint8_t encap; /* enum encap_flag bits */
    uint32_t wire_len; /* frame length on the wire */
};

enum decode_result {
    DECODE_OK = 0,       /* view filled: a TCP or UDP packet */
    DECODE_OTHER,        /* well formed, but not TCP/UDP over IP (ARP, ICMP, ...) */
    DECODE_MALFORMED,    /* counted under a decode_event and skipped */
    DECODE_FRAGMENT_HELD /* an IP fragment kept for reassembly; nothing to see yet */
};

/* X-macro: every named reason a packet is counted. */
#define DECODE_EVENTS(X)                                                                 \
    X(LINKTYPE_UNSUPPORTED, "link type not supported")                                   \
    X(ETH_TRUNCATED, "Ethernet header truncated")                                        \
    X(VLAN_TRUNCATED, "802.1Q tag truncated")                                            \
    X(VLAN_TOO_DEEP, "too many VLAN tags")                                               \
    X(MPLS_TRUNCATED, "MPLS label stack truncated")                                      \
    X(MPLS_TOO_DEEP, "MPLS label stack too deep")                                        \
    X(PPPOE_TRUNCATED, "PPPoE header truncated")                                         \
    X(SLL_TRUNCATED, "Linux cooked header truncated")                                    \
    X(NULL_TRUNCATED, "BSD loopback header truncated")                                   \
    X(IPV4_TRUNCATED, "IPv4 header truncated")                                           \
    X(IPV4_BAD_VERSION, "IPv4 version field wrong")                                      \
    X(IPV4_BAD_IHL, "IPv4 header length invalid")                                        \
    X(IPV4_BAD_TOTAL_LEN, "IPv4 total length invalid")                                   \
    X(IPV6_TRUNCATED, "IPv6 header truncated")                                           \
    X(IPV6_BAD_VERSION, "IPv6 version field wrong")                                      \
    X(IPV6_EXT_TRUNCATED, "IPv6 extension header truncated")                             \
    X(IPV6_TOO_MANY_EXT, "too many IPv6 extension headers")                              \
    X(FRAG_BAD, "IP fragment invalid")                                                   \
    X(FRAG_OVERLAP, "IP fragment overlap (first wins)")                                  \
    X(FRAG_TOO_MANY, "IP fragment limits reached")                                       \
    X(FRAG_TIMEOUT, "IP fragments timed out incomplete")                                 \
    X(TCP_TRUNCATED, "TCP header truncated")                                             \
    X(TCP_BAD_OFFSET, "TCP data offset invalid")                                         \
    X(UDP_TRUNCATED, "UDP header truncated")                                             \
    X(UDP_BAD_LEN, "UDP length invalid")                                                 \
    X(GRE_TRUNCATED, "GRE header truncated")                                             \
    X(GRE_UNSUPPORTED, "GRE version or payload not supported")                           \
    X(VXLAN_TRUNCATED, "VXLAN header truncated")                                         \
    X(ENCAP_TOO_DEEP, "encapsulation nested too deep")                                   \
    X(PAYLOAD_SNAPPED, "payload cut by snaplen")

enum decode_event {
#define PS_DECODE_ENUM(name, text) DECODE_EV_##name,
    DECODE_EVENTS(PS_DECODE_ENUM)
#undef PS_DECODE_ENUM
        DECODE_EV_COUNT
};

struct decode_stats {
    uint64_t packets;      /* frames given to decode */
    uint64_t ok;           /* TCP/UDP views produced */
    uint64_t other;        /* well formed but not TCP/UDP */
    uint64_t malformed;    /* skipped, counted by event below */
    uint64_t fragments;    /* IP fragments seen */
    uint64_t reassembled;  /* datagrams rebuilt from fragments */
    uint64_t events[DECODE_EV_COUNT];
};

struct decoder;

struct decoder *decoder_create(void);
void decoder_destroy(struct decoder *d);

/*
 * Decode one frame. linktype is a DLT_* value from libpcap. On DECODE_OK the
 * view is filled. A view produced from reassembled fragments is valid until
 * the next call on the same decoder.
 */
enum decode_result decoder_decode(struct decoder *d, int linktype, const uint8_t *frame,
                                  uint32_t caplen, uint32_t wire_len, uint64_t ts_us,
                                  struct packet_view *out);

const struct decode_stats *decoder_stats(const struct decoder *d);
const char *decode_event_name(enum decode_event ev);
const char *decode_event_text(enum decode_event ev);

#endif
