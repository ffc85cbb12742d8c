/*
 * fuzz_pcapng.c - libFuzzer target for capture_pcapng.c, the pcapng block reader
 * used when libpcap gives up on a file with several link types.
 *
 * The input is the file. The first byte, when the input is long enough,
 * picks whether a BPF filter is compiled per interface (odd) and how many
 * records are skipped (the rest of the byte / 2), as after a libpcap stop.
 * Every record's frame is read end to end so AddressSanitizer sees any
 * frame that points outside its block.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture_internal.h"

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
    const char *bpf = (data[0] & 1) ? "tcp or udp port 53" : NULL;
    uint64_t skip = (data[0] >> 1) & 0x07;
    FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!f)
        return 0;
    static const volatile sig_atomic_t no_stop = 0;
    unsigned left = 100000;
    struct pcapng_result res;
    pcapng_read(f, skip, bpf, touch, &left, &no_stop, &res);
    fclose(f);
    return 0;
}
