/*
 * capture_internal.h - what capture.c shares with capture_pcapng.c (not for other modules).
 */
#ifndef PS_CAPTURE_INTERNAL_H
#define PS_CAPTURE_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"

struct pcapng_result {
    uint64_t frames; /* frames delivered (after the skipped ones) */
    uint64_t bytes;  /* their wire lengths */
    bool stopped;    /* the callback or the stop flag ended reading */
    bool failed;     /* the file is not readable as pcapng (why says so) */
    bool cut;        /* the file ended, or went wrong, mid-block (why says so) */
    long offset;     /* where reading stopped */
    char why[160];
};

/*
 * Read a pcapng stream whose interfaces have different link types, which
 * libpcap 1.10 refuses. The first skip frames are passed over (they were
 * already delivered through libpcap). The BPF filter, if any, is compiled
 * once per interface for its link type.
 */
void pcapng_read(FILE *f, uint64_t skip, const char *bpf, capture_frame_fn fn, void *ctx,
                 const volatile sig_atomic_t *stop, struct pcapng_result *res);

#endif
