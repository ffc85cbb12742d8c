/*
 * capture_internal.h - what capture.c shares with its readers of its own (capture_pcapng.c
 * for pcapng files libpcap gives up on, capture_pcap.c for classic pcap files walked whole
 * or past damage) and with the tests (not for other modules).
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

/* One packet record of a file, as pcapng_read or pcap_read_rest found it. */
struct capture_record {
    struct capture_frame frame; /* caplen cut to the snapshot length */
    uint32_t stored_len;        /* the captured length the record claims (before the cut) */
    uint32_t snaplen;           /* the snapshot length; 0 when none was given */
    bool matched;               /* the BPF filter, if any, takes it (pcapng_read only) */
    long end;                   /* stream offset just past the record (pcap_read_walk only) */
};

/* Return false to stop reading. */
typedef bool (*capture_record_fn)(struct capture_record *rec, void *ctx);

/*
 * Read a pcapng stream that libpcap 1.10 gave up on: interfaces of different
 * link types, or a record longer than its interface's snapshot length. Every
 * packet record goes to fn, in order, filtered or not; the first skip records
 * are passed over (they were already read through libpcap). The BPF filter,
 * if any, is compiled once per interface for its link type.
 */
void pcapng_read(FILE *f, uint64_t skip, const char *bpf, capture_record_fn fn, void *ctx,
                 const volatile sig_atomic_t *stop, struct pcapng_result *res);

/* Which of a record's two lengths comes first, by the file's version (as libpcap decides). */
enum pcap_lengths {
    PCAP_LENGTHS_AS_WRITTEN, /* captured, then wire (2.4 and later) */
    PCAP_LENGTHS_SWAPPED,    /* wire, then captured (before 2.3; DG/UX 543.0) */
    PCAP_LENGTHS_MAYBE,      /* 2.3: swapped when the captured length exceeds the wire's */
};

/* A classic pcap file read by us: walked whole, or past a record header it would not take. */
struct pcap_rest {
    int linktype;
    uint32_t snaplen;
    unsigned hdr_len;          /* bytes of a record header: 16, or 24 in the old patched format */
    bool swapped;              /* written in the other byte order */
    bool nano;                 /* nanosecond timestamps */
    enum pcap_lengths lengths; /* (pcap_read_walk only) */
    const uint64_t *good_us;   /* the last believable packet time (0: none), kept by the caller */
    uint64_t late_us;          /* packet times past this are absurd */
};

struct pcap_rest_result {
    bool stopped; /* the callback or the stop flag ended reading */
    bool cut;     /* the file ended inside a record (why says how) */
    bool lost;    /* a damaged stretch ran to the end: no good record after lost_at */
    long lost_at;
    uint64_t stretches; /* damaged stretches skipped, and their bytes */
    uint64_t skipped;
    long first_at; /* the first stretch skipped: where it began and how long it was */
    long first_len;
    long offset; /* where reading stopped */
    char why[80];
};

/*
 * Read on from a damaged record header that began at damaged_at: scan for the
 * next good record, then read records as libpcap would, scanning again at
 * every header that is noise. f is positioned after the refused header.
 */
void pcap_read_rest(FILE *f, long damaged_at, const struct pcap_rest *p, capture_record_fn fn,
                    void *ctx, const volatile sig_atomic_t *stop, struct pcap_rest_result *res);

struct pcap_walk_result {
    bool unread;  /* no window could be had: nothing was read, the stream is where it was */
    bool stopped; /* the callback or the stop flag ended reading */
    bool failed;  /* a record libpcap would not take ended reading; why says so in its words */
    bool damaged; /* the failure is a record header that is noise, beginning at damaged_at */
    long damaged_at;
    long offset; /* where libpcap's stream would stand after the same reads */
    char why[160];
};

/*
 * Read the records of a classic pcap stream whose file header libpcap has read, as
 * libpcap 1.10's pcap_next_ex reads them (same lengths, same nanosecond times, same
 * refusals), handing each to fn. The stream's position afterwards is not offset.
 */
void pcap_read_walk(FILE *f, const struct pcap_rest *p, capture_record_fn fn, void *ctx,
                    const volatile sig_atomic_t *stop, struct pcap_walk_result *res);

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
