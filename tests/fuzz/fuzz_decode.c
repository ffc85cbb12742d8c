/*
 * fuzz_decode.c - libFuzzer target for the decoder, fragment reassembly included.
 *
 * Input: the first byte picks the link type (low 4 bits) and whether frames
 * are treated as cut by the snap length (bit 4). The rest is a sequence of
 * frames, each introduced by a 2-byte big-endian length and a 1-byte packet
 * time step (seconds, so fragment timeouts are reached); a length running
 * past the end takes what is left. All frames go through one decoder, so
 * fragments of one input can complete or overlap each other. Every frame is
 * copied into a buffer of exactly its length so that AddressSanitizer sees
 * any read beyond it.
 */
#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static const int linktypes[] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,   DLT_LOOP, DLT_RAW,
    101,        DLT_IPV4,      DLT_IPV6,       DLT_EN10MB, DLT_RAW,  DLT_EN10MB,
    DLT_RAW,    DLT_EN10MB,    DLT_LINUX_SLL2, 9999,
};

#define FRAME_HEADER 3u
#define SNAP_EXTRA 1000u

/* Everything a view points at must be readable. */
static unsigned touch(const struct packet_view *v)
{
    unsigned sum = 0;
    for (uint32_t i = 0; i < v->payload_len; i++)
        sum += v->payload[i];
    for (uint32_t i = 0; i < v->l3_len; i++)
        sum += v->l3[i];
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int linktype = linktypes[data[0] & 0x0f];
    bool snapped = data[0] & 0x10;
    data++, size--;
    struct decoder *d = decoder_create();
    if (!d)
        return 0;
    uint64_t ts = 1000000;
    volatile unsigned sink = 0;
    while (size > 0) {
        size_t len = size;
        if (size >= FRAME_HEADER) {
            len = (size_t)(data[0] << 8 | data[1]);
            ts += (uint64_t)data[2] * 1000000u;
            data += FRAME_HEADER, size -= FRAME_HEADER;
            if (len > size)
                len = size;
        }
        uint8_t *frame = malloc(len ? len : 1);
        if (!frame)
            break;
        memcpy(frame, data, len);
        struct packet_view v;
        uint32_t wire = (uint32_t)len + (snapped ? SNAP_EXTRA : 0);
        if (decoder_decode(d, linktype, frame, (uint32_t)len, wire, ts, &v) == DECODE_OK)
            sink += touch(&v);
        free(frame);
        data += len, size -= len;
    }
    const struct decode_stats *s = decoder_stats(d);
    if (s->ok + s->other + s->malformed > s->packets)
        abort();
    decoder_destroy(d);
    (void)sink;
    return 0;
}
