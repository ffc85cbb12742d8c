/*
 * capture.h - where packets come from: capture files (pcap, pcapng, several
 * in order, a directory, standard input) or a live interface, through libpcap.
 *
 * The capture stage hands each frame, with its link type and packet time, to
 * a callback. It knows nothing of what the frame contains. Problems with an
 * input (not a capture, cut off mid-packet, missing interface, no permission)
 * are reported as one line on stderr naming the input, and the other inputs
 * are still read. Records that lie (longer than the snapshot length, empty,
 * with an absurd timestamp) are used for what they hold and reported once per
 * input, with the number of the first such packet.
 */
#ifndef PS_CAPTURE_H
#define PS_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

struct capture_frame {
    int linktype; /* DLT_* */
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wire_len;
    uint64_t ts_us;
};

/* Return false to stop reading. */
typedef bool (*capture_frame_fn)(const struct capture_frame *frame, void *ctx);

struct capture_options {
    const char *bpf;   /* filter expression, or NULL */
    int snaplen;       /* live only; 0 = default (262144) */
    bool promisc;      /* live only */
    double duration_s; /* live only; 0 = until stopped */
    bool progress;     /* show progress on stderr (only if stderr is a terminal) */
    /*
     * For the progress line: how many flows are active now (may be NULL). The
     * capture stage knows nothing of flows; the caller that owns them answers.
     */
    uint64_t (*active_flows)(void *ctx);
    void *active_flows_ctx;
};

struct capture_stats {
    uint64_t frames;
    uint64_t bytes;
    unsigned inputs_read;   /* inputs opened successfully */
    unsigned inputs_failed; /* inputs that could not be read at all */
    unsigned inputs_truncated;
    unsigned inputs_walked; /* classic pcap files read by our own record walker, not libpcap's */
    /* Records that lie (files only; each input also gets a warning naming the first). */
    uint64_t records_over_snaplen; /* captured length beyond the file's snapshot length */
    uint64_t records_empty;        /* no captured bytes */
    uint64_t records_bad_time;     /* zero, invalid or future timestamp: time replaced */
    /* Live: what the kernel said at the end (pcap_stats). */
    bool have_kernel_stats;
    uint64_t kernel_received;
    uint64_t kernel_dropped;
    uint64_t iface_dropped;
};

/*
 * Read every path in order as one capture. A path that is a directory means
 * every capture file in it (sorted by name); "-" means standard input.
 * Returns 0 if every input was read, 1 if any failed (others are still read).
 */
int capture_read_files(const char *const *paths, int npaths, const struct capture_options *opt,
                       capture_frame_fn fn, void *ctx, struct capture_stats *stats);

/*
 * Capture live on an interface until the duration ends, a signal asks to stop
 * (capture_request_stop), or the callback returns false. Returns 0 on success,
 * 1 if the interface could not be opened (message on stderr says why).
 */
int capture_live(const char *iface, const struct capture_options *opt, capture_frame_fn fn,
                 void *ctx, struct capture_stats *stats);

/* Async-signal-safe: ask a running capture to stop at the next packet or timeout. */
void capture_request_stop(void);

#endif
