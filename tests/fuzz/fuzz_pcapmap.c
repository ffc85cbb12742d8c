/*
 * fuzz_pcapmap.c - libFuzzer target for capture_pcap.c's in-place walker, against libpcap.
 *
 * The input is the records of a classic pcap file; the first byte picks its form: bit 0
 * other byte order, bit 1 nanoseconds, bit 2 the 24-byte patched record header, bit 3 a
 * small snapshot length (96), bits 4-5 the version (2.4, 2.3, 2.2, 543.0), bit 6 raw IP
 * rather than Ethernet. The file is read twice: by pcap_read_mapped from memory and by
 * libpcap's pcap_next_ex from the same bytes (fmemopen). Every record must be the same
 * (lengths, bytes, nanosecond time as capture.c takes it), and where one stops the other
 * must: at the end, or on the same error in the same words at the same stream offset. Past
 * a refused header, pcap_read_rest on the stream and pcap_read_rest_mapped on the memory
 * must find the same records. Any difference traps. The file is a heap buffer of its own
 * length, so AddressSanitizer sees any read past its end.
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
        (long)rec->end != ftell(pcap_file(w->p)))
        __builtin_trap();
    return --w->left > 0;
}

/* A digest of the records past a refused header, to compare the two readers. */
struct digest {
    uint64_t sum;
    unsigned left;
};

static bool digest(struct capture_record *rec, void *ctx)
{
    struct digest *g = ctx;
    const struct capture_frame *f = &rec->frame;
    g->sum = g->sum * 1000003u + f->caplen * 31u + f->wire_len + f->ts_us + rec->stored_len;
    for (uint32_t i = 0; i < f->caplen; i++)
        g->sum = g->sum * 131u + f->data[i];
    return --g->left > 0;
}

static void same_rest(const uint8_t *file, size_t len, const struct pcap_map *m,
                      const struct pcap_map_result *res)
{
    static const volatile sig_atomic_t no_stop = 0;
    uint64_t good = 0;
    struct pcap_rest rest = {.linktype = m->linktype,
                             .snaplen = m->snaplen,
                             .hdr_len = m->hdr_len,
                             .swapped = m->swapped,
                             .nano = m->nano,
                             .good_us = &good,
                             .late_us = UINT64_MAX};
    FILE *f = fmemopen((void *)file, len, "rb");
    if (!f || fseek(f, res->offset, SEEK_SET) != 0)
        __builtin_trap();
    struct digest a = {.left = MAX_RECORDS}, b = {.left = MAX_RECORDS};
    struct pcap_rest_result ra, rb;
    pcap_read_rest(f, res->damaged_at, &rest, digest, &a, &no_stop, &ra);
    fclose(f);
    pcap_read_rest_mapped(file, len, (size_t)res->offset, res->damaged_at, &rest, digest, &b,
                          &no_stop, &rb);
    if (a.sum != b.sum || a.left != b.left || ra.stopped != rb.stopped || ra.cut != rb.cut ||
        ra.lost != rb.lost || ra.lost_at != rb.lost_at || ra.stretches != rb.stretches ||
        ra.skipped != rb.skipped || ra.first_at != rb.first_at || ra.first_len != rb.first_len ||
        ra.offset != rb.offset || strcmp(ra.why, rb.why) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint16_t versions[4][2] = {{2, 4}, {2, 3}, {2, 2}, {543, 0}};
    uint8_t form = data[0];
    bool swapped = form & 0x01;
    uint32_t magic = (form & 0x04) ? 0xa1b2cd34u : (form & 0x02) ? 0xa1b23c4du : 0xa1b2c3d4u;
    const uint16_t *v = versions[(form >> 4) & 3];
    uint32_t hdr[6] = {magic, (uint32_t)v[0] | (uint32_t)v[1] << 16, 0,
                       0,     (form & 0x08) ? 96u : 262144u,         (form & 0x40) ? 101u : 1u};
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

    FILE *f = fmemopen(file, len, "rb");
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p =
        f ? pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf) : NULL;
    if (!p)
        __builtin_trap(); /* the header written above is a good one */
    unsigned major = v[0], minor = v[1];
    struct pcap_map m = {
        .data = file,
        .size = len,
        .start = FILE_HDR,
        .linktype = pcap_datalink(p),
        .snaplen = (uint32_t)pcap_snapshot(p),
        .hdr_len = (form & 0x04) ? 24 : 16,
        .swapped = pcap_is_swapped(p) == 1,
        .nano = magic == 0xa1b23c4du,
        .lengths = (major == 2 && minor < 3) || major == 543 ? PCAP_LENGTHS_SWAPPED
                   : major == 2 && minor == 3                ? PCAP_LENGTHS_MAYBE
                                                             : PCAP_LENGTHS_AS_WRITTEN,
    };
    static const volatile sig_atomic_t no_stop = 0;
    struct walk w = {.p = p, .left = MAX_RECORDS};
    struct pcap_map_result res;
    pcap_read_mapped(&m, same_as_libpcap, &w, &no_stop, &res);
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
    if (res.damaged)
        same_rest(file, len, &m, &res);
    free(file);
    return 0;
}
