/*
 * fuzz_pcaprest.c - libFuzzer target for capture_pcap.c, the reader that goes on through a
 * classic pcap file past a record header libpcap refused.
 *
 * The input is what follows the refused header. The first byte, when the input is long
 * enough, picks the file's form: bit 0 other byte order, bit 1 nanoseconds, bit 2 the
 * 24-byte patched record header, bit 3 a small snapshot length (96), bit 4 a last
 * believable time to scan around (the seeds' own). Every frame is read end to end so
 * AddressSanitizer sees any frame that points outside the window.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture_internal.h"

#define SEEDS_TIME_US 1795270358000000ull /* tests/data/decode's captures, 2026-11-20 */

static volatile unsigned sink;

static bool touch(struct capture_record *rec, void *ctx)
{
    unsigned *left = ctx;
    const struct capture_frame *f = &rec->frame;
    for (uint32_t i = 0; i < f->caplen; i++)
        sink += f->data[i];
    return --*left > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint64_t good = (data[0] & 0x10) ? SEEDS_TIME_US : 0;
    struct pcap_rest rest = {.linktype = 1,
                             .snaplen = (data[0] & 0x08) ? 96 : 262144,
                             .hdr_len = (data[0] & 0x04) ? 24 : 16,
                             .swapped = data[0] & 0x01,
                             .nano = data[0] & 0x02,
                             .good_us = &good,
                             .late_us = UINT64_MAX};
    FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!f)
        return 0;
    static const volatile sig_atomic_t no_stop = 0;
    unsigned left = 100000;
    struct pcap_rest_result res;
    pcap_read_rest(f, 0, &rest, touch, &left, &no_stop, &res);
    fclose(f);
    return 0;
}
