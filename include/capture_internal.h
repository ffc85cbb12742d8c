/*
 * capture_internal.h - what capture.c shares with capture_pcapng.c and the tests (not for
 * other modules).
 */
#ifndef PS_CAPTURE_INTERNAL_H
#define PS_CAPTURE_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"

struct pcapng_result {
    bool stopped; /* the callback or the stop flag ended reading */
    bool failed;  /* the file is not readable as pcapng (why says so) */
    bool cut;     /* the file ended, or went wrong, mid-block (why says so) */
    long offset;  /* where reading stopped */
    char why[160];
    char note[160]; /* interfaces of different link types, said once ("0: EN10MB, 1: RAW") */
};

/* One packet record of a pcapng file, as pcapng_read found it. */
struct pcapng_record {
    struct capture_frame frame; /* caplen cut to the interface's snapshot length */
    uint32_t stored_len;        /* the captured length the record claims (before the cut) */
    uint32_t snaplen;           /* its interface's snapshot length; 0 when none was given */
    bool matched;               /* the BPF filter, if any, takes it */
};

/* Return false to stop reading. */
typedef bool (*pcapng_record_fn)(struct pcapng_record *rec, void *ctx);

/*
 * Read a pcapng stream that libpcap 1.10 gave up on: interfaces of different
 * link types, or a record longer than its interface's snapshot length. Every
 * packet record goes to fn, in order, filtered or not; the first skip records
 * are passed over (they were already read through libpcap). The BPF filter,
 * if any, is compiled once per interface for its link type.
 */
void pcapng_read(FILE *f, uint64_t skip, const char *bpf, pcapng_record_fn fn, void *ctx,
                 const volatile sig_atomic_t *stop, struct pcapng_result *res);

/* What the progress line shows. */
struct progress_figures {
    uint64_t done_bytes;  /* read so far, all inputs */
    uint64_t total_bytes; /* of all inputs; 0 when not known (standard input) */
    double packets_per_s;
    uint64_t frames;
    bool have_flows; /* the caller counts flows (capture_options.active_flows) */
    uint64_t flows;
};

/* The progress line's text (without the carriage return that redraws it). */
void capture_progress_text(char *buf, size_t len, const struct progress_figures *f);

#endif
