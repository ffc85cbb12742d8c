/*
 * fuzz_pcapwalk.c - libFuzzer target for capture_pcap.c's record walker, against libpcap.
 *
 * The input is the records of a classic pcap file; the first byte picks its form: bit 0
 * other byte order, bit 1 nanoseconds, bit 2 the 24-byte patched record header, bit 3 a
 * small snapshot length (96), bits 4-5 the version (2.4, 2.3, 2.2, 543.0), bit 6 raw IP
 * rather than Ethernet. The file is read twice from the same bytes (two fmemopen
 * streams), each after libpcap has read its header: by pcap_read_walk and by libpcap's
 * pcap_next_ex. Every record must be the same (lengths, bytes, nanosecond time as
 * capture.c takes it, stream offset), and where one stops the other must: at the end, or
 * on the same error in the same words at the same offset. Any difference traps. The
 * walker's window is a heap buffer, so AddressSanitizer sees any read past what it holds.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_internal.h"

#define FILE_HDR 24u
#define MAX_RECORDS 20000u /* records compared per input (the rest is not read) */
#define NS_PER_US 1000
#define US_PER_S 1000000

struct walk {
    pcap_t *p;
    unsigned left;
};

/* Packet time in microseconds from libpcap's nanosecond timeval, as capture.c takes it. */
static uint64_t libpcap_us(const struct timeval *tv)
{
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec / NS_PER_US >= US_PER_S)
        return 0;
    return (uint64_t)tv->tv_sec * US_PER_S + (uint64_t)tv->tv_usec / NS_PER_US;
}

static bool same_as_libpcap(struct capture_record *rec, void *ctx)
{
    struct walk *w = ctx;
    struct pcap_pkthdr *h;
    const u_char *d;
    if (pcap_next_ex(w->p, &h, &d) != 1 || h->caplen != rec->frame.caplen ||
        h->len != rec->frame.wire_len || libpcap_us(&h->ts) != rec->frame.ts_us ||
        rec->stored_len < rec->frame.caplen || memcmp(d, rec->frame.data, rec->frame.caplen) != 0 ||
        rec->end != ftell(pcap_file(w->p)))
        __builtin_trap();
    return --w->left > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint16_t versions[4][2] = {{2, 4}, {2, 3}, {2, 2}, {543, 0}};
    uint8_t form_bits = data[0];
    bool swapped = form_bits & 0x01;
    uint32_t magic = (form_bits & 0x04)   ? 0xa1b2cd34u
                     : (form_bits & 0x02) ? 0xa1b23c4du
                                          : 0xa1b2c3d4u;
    const uint16_t *v = versions[(form_bits >> 4) & 3];
    uint32_t hdr[6] = {
        magic, (uint32_t)v[0] | (uint32_t)v[1] << 16, 0,
        0,     (form_bits & 0x08) ? 96u : 262144u,    (form_bits & 0x40) ? 101u : 1u};
    if (swapped) {
        hdr[1] = (uint32_t)__builtin_bswap16(v[0]) | (uint32_t)__builtin_bswap16(v[1]) << 16;
        for (unsigned i = 0; i < 6; i++)
            if (i != 1)
                hdr[i] = __builtin_bswap32(hdr[i]);
    }
    size_t len = FILE_HDR + size - 1;
    uint8_t *file = malloc(len);
    if (!file)
        return 0;
    memcpy(file, hdr, FILE_HDR);
    memcpy(file + FILE_HDR, data + 1, size - 1);

    FILE *f = fmemopen(file, len, "rb"), *g = fmemopen(file, len, "rb");
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p =
        f ? pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf) : NULL;
    pcap_t *q =
        g ? pcap_fopen_offline_with_tstamp_precision(g, PCAP_TSTAMP_PRECISION_NANO, errbuf) : NULL;
    if (!p || !q)
        __builtin_trap(); /* the header written above is a good one */
    int major = pcap_major_version(q), minor = pcap_minor_version(q);
    struct pcap_rest form = {
        .linktype = pcap_datalink(q),
        .snaplen = (uint32_t)pcap_snapshot(q),
        .hdr_len = (form_bits & 0x04) ? 24 : 16,
        .swapped = pcap_is_swapped(q) == 1,
        .nano = magic == 0xa1b23c4du,
        .lengths = (major == 2 && minor < 3) || major == 543 ? PCAP_LENGTHS_SWAPPED
                   : major == 2 && minor == 3                ? PCAP_LENGTHS_MAYBE
                                                             : PCAP_LENGTHS_AS_WRITTEN,
    };
    static const volatile sig_atomic_t no_stop = 0;
    struct walk w = {.p = p, .left = MAX_RECORDS};
    struct pcap_walk_result res;
    pcap_read_walk(pcap_file(q), &form, same_as_libpcap, &w, &no_stop, &res);
    if (res.unread)
        __builtin_trap();
    if (!res.stopped) {
        struct pcap_pkthdr *h;
        const u_char *d;
        int rc = pcap_next_ex(p, &h, &d);
        if (res.failed != (rc == PCAP_ERROR) || (!res.failed && rc != PCAP_ERROR_BREAK))
            __builtin_trap();
        if (res.failed &&
            (strcmp(res.why, pcap_geterr(p)) != 0 || res.offset != ftell(pcap_file(p)) ||
             res.damaged != (strstr(res.why, "invalid packet capture length") != NULL)))
            __builtin_trap();
    }
    pcap_close(p);
    pcap_close(q);
    free(file);
    return 0;
}
