/*
 * stream.h - the first bytes each side of a conversation says, in order.
 *
 * A stream_head keeps the first head_bytes of one direction's payload. TCP
 * segments are placed by sequence number: out-of-order segments are held
 * (bounded by PS_MAX_OOO_SEGMENTS) until the gap before them fills,
 * retransmissions are ignored, overlaps are resolved first-wins, and sequence
 * numbers wrap. A gap that never fills ends the head there and is recorded.
 * UDP heads keep the first datagrams with their boundaries.
 *
 * The buffer is allocated when the first payload arrives and released by
 * stream_head_release once the flow is classified.
 */
#ifndef PS_STREAM_H
#define PS_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "evidence.h"

enum stream_head_flag {
    HEAD_HAVE_SEQ = 1 << 0,  /* next_seq is known (SYN seen or first segment taken) */
    HEAD_FULL = 1 << 1,      /* head_bytes reached */
    HEAD_GAP = 1 << 2,       /* ended at a gap that was never filled */
    HEAD_FIN = 1 << 3,       /* this side sent FIN */
    HEAD_RST = 1 << 4,       /* this side sent RST */
    HEAD_RELEASED = 1 << 5,  /* classified: buffer freed, nothing more kept */
    HEAD_OOM = 1 << 6,       /* an allocation failed; head kept as far as it got */
};

struct stream_segment; /* held out-of-order segment (stream.c) */

struct stream_head {
    uint8_t *buf;                 /* NULL until payload arrives */
    struct stream_segment *held;  /* out-of-order segments, sorted by seq */
    uint32_t len;                 /* contiguous bytes in buf */
    uint32_t next_seq;            /* TCP: sequence number of buf[len] */
    uint16_t held_count;
    uint8_t flags;                /* enum stream_head_flag */
    uint8_t datagrams;            /* UDP: datagrams kept */
    uint16_t datagram_end[PS_MAX_UDP_DATAGRAMS];
};

/* TCP: a SYN (or SYN-ACK) from this side fixes the initial sequence number. */
void stream_head_syn(struct stream_head *h, uint32_t isn);

/*
 * TCP: add a segment's payload. Returns true when the head changed (new
 * in-order bytes), false for retransmissions, overlaps and held segments.
 */
bool stream_head_add_tcp(struct stream_head *h, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes);

/* UDP: add a datagram (kept whole up to head_bytes in all). */
bool stream_head_add_udp(struct stream_head *h, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes);

/* The flow is ending: give up on held segments; a hole before them is a gap. */
void stream_head_finish(struct stream_head *h);

/* True when the head needs nothing more: full, or ended (FIN/RST) with nothing held. */
bool stream_head_complete(const struct stream_head *h);

/* Fill the witnesses' view of this head. */
void stream_head_view(const struct stream_head *h, struct head_bytes *out);

/* Free the buffer and held segments; the head keeps only its flags. */
void stream_head_release(struct stream_head *h);

#endif
