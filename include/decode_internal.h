/*
 * decode_internal.h - what the decoder's layer files share (not for other modules).
 *
 * The decoder is split by layer: decode.c (entry point, link layers and
 * ethertypes), decode_ip.c (IPv4, IPv6 and its extension headers, TCP, UDP),
 * decode_tunnel.c (GRE, VXLAN, IP-in-IP) and decode_frag.c (fragment
 * reassembly). Each layer takes a span - the bytes present for that layer plus
 * how many more were on the wire but cut by the snap length - and either hands
 * the rest to the next layer or returns a result.
 */
#ifndef PS_DECODE_INTERNAL_H
#define PS_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu
#define ETHERTYPE_TEB 0x6558u /* transparent Ethernet bridging (GRE) */

/* The largest IP header a reassembled datagram starts with (IPv4 with all options). */
#define FRAG_HEADER_MAX 60u

/*
 * Bytes of one layer: p[0..len) were captured; cut more bytes followed on the
 * wire but fell beyond the snap length. Only the last layer of a frame can be
 * cut, so cut is passed down unchanged when a layer hands on its tail.
 */
struct span {
    const uint8_t *p;
    uint32_t len;
    uint32_t cut;
};

struct frag_pool;

struct decoder {
    struct decode_stats stats;
    struct frag_pool *frags;
    /* The datagram last rebuilt from fragments; views may point into it. */
    uint8_t reasm[FRAG_HEADER_MAX + PS_MAX_IP_DATAGRAM];
};

/* One decode call: the view being filled and how many encapsulations were crossed. */
struct decode_walk {
    struct decoder *d;
    struct packet_view *v;
    uint64_t ts_us;
    unsigned depth;
};

/* An IP fragment, as handed to the reassembler. */
struct frag_piece {
    uint8_t family; /* 4 or 6 */
    uint8_t proto;  /* IPv4 protocol; 0 for IPv6 (not part of its key) */
    uint32_t id;
    const uint8_t *src, *dst; /* 4 or 16 bytes */
    uint32_t offset;          /* in bytes */
    bool more;                /* more fragments follow */
    const uint8_t *data;
    uint32_t len;
    const uint8_t *header; /* IPv4 header, or the IPv6 fixed header */
    uint32_t header_len;
    uint8_t next_header; /* IPv6: protocol following the fragment header */
};

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline struct span span_from(struct span s, uint32_t n)
{
    s.p += n;
    s.len -= n;
    return s;
}

/* Count ev and return DECODE_MALFORMED. */
enum decode_result decode_fail(struct decode_walk *w, enum decode_event ev);
/* Cross one more encapsulation; false (and ENCAP_TOO_DEEP counted) when too deep. */
bool decode_enter(struct decode_walk *w, uint8_t encap_flag);

enum decode_result decode_ethernet(struct decode_walk *w, struct span s);
enum decode_result decode_ethertype(struct decode_walk *w, uint16_t type, struct span s);
/* version 0: tell IPv4 from IPv6 by the first nibble. */
enum decode_result decode_ip(struct decode_walk *w, struct span s, unsigned version);
enum decode_result decode_gre(struct decode_walk *w, struct span s);
enum decode_result decode_vxlan(struct decode_walk *w, struct span s);
enum decode_result decode_ip_in_ip(struct decode_walk *w, struct span s, unsigned version);

struct frag_pool *frag_pool_create(void);
void frag_pool_destroy(struct frag_pool *pool);
/*
 * Add a fragment. DECODE_FRAGMENT_HELD: kept, datagram not complete yet.
 * DECODE_MALFORMED: dropped, event counted. DECODE_OK: the datagram is
 * complete and *whole is it, in the decoder's reassembly buffer.
 */
enum decode_result frag_add(struct decode_walk *w, const struct frag_piece *f, struct span *whole);

#endif
