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
 * The buffer is allocated when the first payload arrives, grows by doubling
 * (from PS_HEAD_MIN_ALLOC up to head_bytes) as bytes are placed, and is
 * released by stream_head_release once the flow is classified. Out-of-order
 * segments are copied straight into the buffer at their offset; a short
 * sorted list of the held byte ranges (at most PS_MAX_OOO_SEGMENTS, allocated
 * with the first one) says which bytes past len are there. Nothing is ever
 * allocated per segment.
 */
#ifndef PS_STREAM_H
#define PS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "evidence.h"

enum stream_head_flag {
    HEAD_HAVE_SEQ = 1 << 0, /* next_seq is known (SYN seen or first segment taken) */
    HEAD_FULL = 1 << 1,     /* head_bytes reached */
    HEAD_GAP = 1 << 2,      /* ended at a gap that was never filled */
    HEAD_FIN = 1 << 3,      /* this side sent FIN */
    HEAD_RST = 1 << 4,      /* this side sent RST */
    HEAD_RELEASED = 1 << 5, /* classified: buffer freed, nothing more kept */
    HEAD_OOM = 1 << 6,      /* an allocation failed; head kept as far as it got */
};

struct stream_segment; /* held out-of-order byte range (stream.c) */

/* A zeroed stream_head is an empty head: nothing known, nothing allocated. */

struct stream_head {
    uint8_t *buf;                /* NULL until payload arrives */
    struct stream_segment *held; /* out-of-order ranges, sorted by seq */
    uint32_t len;                /* contiguous bytes in buf */
    uint32_t next_seq;           /* TCP: sequence number of buf[len] */
    uint16_t held_count;
    uint8_t flags;     /* enum stream_head_flag */
    uint8_t datagrams; /* UDP: datagrams kept */
    uint16_t datagram_end[PS_MAX_UDP_DATAGRAMS];
    uint32_t cap; /* bytes allocated at buf */
};

/* UDP boundaries are 16-bit offsets, so a UDP head keeps at most this many bytes. */
#define PS_UDP_HEAD_LIMIT 65535u

/* What became of one TCP segment (stream_head_place_tcp). */
enum segment_fate {
    SEG_NONE = 0,       /* nothing to do: no payload, or the head takes no more */
    SEG_IN_ORDER,       /* brought new in-order bytes */
    SEG_OUT_OF_ORDER,   /* starts past a hole: held (or beyond head_bytes, dropped) */
    SEG_RETRANSMISSION, /* every byte was already there */
    SEG_GAP,            /* out of order with the held bound reached: head ended at the gap */
};

/* TCP: a SYN (or SYN-ACK) from this side fixes the initial sequence number. */
void stream_head_syn(struct stream_head *h, uint32_t isn);

/*
 * TCP: add a segment's payload. Returns true when the head changed (new
 * in-order bytes), false for retransmissions, overlaps and held segments.
 */
bool stream_head_add_tcp(struct stream_head *h, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes);

/* TCP: the same, saying what became of the segment (for the flow's counters). */
enum segment_fate stream_head_place_tcp(struct stream_head *h, uint32_t seq, const uint8_t *data,
                                        uint32_t len, uint32_t head_bytes);

/*
 * TCP: this side sent FIN, which sits at fin_seq (the segment's seq plus its
 * payload length). A FIN beyond a hole ends the head at the hole (HEAD_GAP)
 * unless the head is already full.
 */
void stream_head_fin(struct stream_head *h, uint32_t fin_seq);

/* TCP: this side sent RST; it will send nothing more, so held segments are given up. */
void stream_head_rst(struct stream_head *h);

/* UDP: add a datagram (kept whole up to head_bytes in all). */
bool stream_head_add_udp(struct stream_head *h, const uint8_t *data, uint32_t len,
                         uint32_t head_bytes);

/* The flow is ending: give up on held segments; a hole before them is a gap. */
void stream_head_finish(struct stream_head *h);

/*
 * True when the head needs nothing more: full, ended at a gap (or by a failed
 * allocation), the side ended (FIN/RST) with nothing held, or (UDP)
 * PS_MAX_UDP_DATAGRAMS datagrams kept.
 */
bool stream_head_complete(const struct stream_head *h);

/* Fill the witnesses' view of this head. */
void stream_head_view(const struct stream_head *h, struct head_bytes *out);

/*
 * True when the head's bookkeeping is consistent (len within head_bytes and
 * the buffer, held ranges sorted, disjoint, past len and inside the buffer,
 * UDP boundaries in order). For tests and fuzzing.
 */
bool stream_head_valid(const struct stream_head *h, uint32_t head_bytes);

/* Free the buffer and held segments; the head keeps only its flags. */
void stream_head_release(struct stream_head *h);

/*
 * Heap bytes the head holds now: its buffer and its held-range array, each
 * with PS_ALLOC_OVERHEAD for the allocator's own bookkeeping (for the flow
 * table's memory cap).
 */
size_t stream_head_bytes(const struct stream_head *h);

#endif
