/*
 * capture.c - frames from capture files or a live interface, through libpcap.
 *
 * Files: every path is expanded first (a directory into its regular files
 * that start like a capture, sorted by name; "-" into standard input), then
 * each input is opened with nanosecond timestamps - libpcap scales
 * microsecond files up, so one conversion serves pcap and pcapng of either
 * resolution - and read with pcap_next_ex. The BPF filter is compiled per
 * input because each input has its own link type, and applied here rather
 * than inside libpcap, so that every record is seen and packet numbers in
 * warnings are the file's own. An input that cannot be opened is reported on
 * one line and skipped; one that ends mid-packet keeps every packet before
 * the cut and is reported with the byte offset where reading stopped (ftell
 * on the stream; standard input goes through a counting stream so pipes have
 * offsets too). A pcapng file that libpcap 1.10 stops on for another reason
 * (interfaces of several link types, a record longer than the snapshot
 * length) is read on from that point by capture_pcapng.c; a classic pcap
 * file whose record header is noise, past the damage by capture_pcap.c.
 *
 * A classic pcap that is a regular file (not standard input, not pcapng) of a
 * link type we decode is opened by libpcap - its file header, link type,
 * snapshot length and filter stay libpcap's - and then its records are walked
 * by capture_pcap.c (pcap_read_walk) in a window filled by large reads: no copy
 * and no system call per packet, where pcap_next_ex makes two freads into its
 * own buffer for each. The walker takes each record as libpcap does, so the
 * frames, times, warnings, offsets and the reading on past damage are the same.
 * (Mapping the file was tried first: on this project's virtual machine each
 * fresh 4 KB page of a mapping cost more than read()'s copy of it - a bare
 * header walk over bulk.pcap took 0.09-0.10 s of CPU mapped, 0.03-0.04 s read.)
 *
 * Records that lie are used for what they hold and told once per input
 * (take_record): a classic pcap record longer than the file's snapshot length
 * (libpcap cuts it silently; the stream position shows it, see
 * struct record_walk), a record with no bytes, and a timestamp that cannot be
 * packet time - zero, a fraction of a second that is a second or more, or
 * more than a day past the wall clock. Such a timestamp would move packet
 * time so far that every flow timed out; the packet gets the last believable
 * packet time instead (it keeps its own while there is none).
 *
 * Live: pcap_create/pcap_activate, then a non-blocking handle polled with a
 * short timeout, so the stop flag and the duration are looked at a few times
 * a second even when no packet arrives. The stop flag is a volatile
 * sig_atomic_t set by capture_request_stop from main's signal handler.
 *
 * The wall clock is used for three things only: the progress line, the live
 * --duration, and the bound past which a file's timestamp is absurd. Packet
 * time is otherwise whatever the capture says.
 */
#include "capture.h"
#include "capture_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#define PROGRESS_CHECK_FRAMES 256u /* frames between looks at the clock */
#define NS_PER_US 1000u
#define US_PER_S 1000000u
#define MS_PER_S 1000.0
/* A file's packet time later than the wall clock plus this is absurd (clocks drift, not by days).
 */
#define FUTURE_SLACK_US (86400ull * US_PER_S)
/* Classic pcap record headers: 16 bytes, 24 in the old patched format (its own magic). */
#define PCAP_RECORD_HDR 16u
#define PCAP_PATCHED_RECORD_HDR 24u
#define MAGIC_PCAPNG 0x0a0d0d0au
#define MAGIC_PATCHED 0xa1b2cd34u
#define MAGIC_NANO 0xa1b23c4du

static volatile sig_atomic_t stop_requested;

void capture_request_stop(void)
{
    stop_requested = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Packet time in microseconds, or 0 when the record's time is not a time at all. */
static uint64_t timestamp_us(const struct timeval *tv, int precision)
{
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || (uint64_t)tv->tv_sec >= UINT64_MAX / US_PER_S)
        return 0;
    uint64_t frac = (uint64_t)tv->tv_usec;
    if (precision == PCAP_TSTAMP_PRECISION_NANO)
        frac /= NS_PER_US;
    if (frac >= US_PER_S) /* a fraction of a second that is a second or more */
        return 0;
    return (uint64_t)tv->tv_sec * US_PER_S + frac;
}

/* ---- progress line ------------------------------------------------------------------- */

struct progress {
    bool on;
    uint64_t total_bytes; /* of all inputs whose size is known */
    uint64_t done_bytes;  /* of inputs already finished */
    double last_s;
    uint64_t last_frames;
    bool shown;
    uint64_t (*active_flows)(void *ctx);
    void *active_flows_ctx;
};

void capture_progress_text(char *buf, size_t len, const struct progress_figures *f)
{
    int n;
    if (f->total_bytes)
        n = snprintf(buf, len, "portsleuth: %.1f of %.1f MB, %.0f packets/s, %llu frames",
                     (double)f->done_bytes / 1e6, (double)f->total_bytes / 1e6, f->packets_per_s,
                     (unsigned long long)f->frames);
    else
        n = snprintf(buf, len, "portsleuth: %.1f MB, %.0f packets/s, %llu frames",
                     (double)f->done_bytes / 1e6, f->packets_per_s, (unsigned long long)f->frames);
    if (f->have_flows && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ", %llu flows", (unsigned long long)f->flows);
}

static void progress_clear(struct progress *pr)
{
    if (pr->on && pr->shown) {
        fputs("\r\033[K", stderr);
        pr->shown = false;
    }
}

static void progress_show(struct progress *pr, uint64_t file_pos, uint64_t frames)
{
    double now = now_s();
    double dt = now - pr->last_s;
    if (dt * MS_PER_S < PS_PROGRESS_INTERVAL_MS)
        return;
    struct progress_figures f = {.done_bytes = pr->done_bytes + file_pos,
                                 .total_bytes = pr->total_bytes,
                                 .packets_per_s = (double)(frames - pr->last_frames) / dt,
                                 .frames = frames,
                                 .have_flows = pr->active_flows != NULL};
    if (f.have_flows)
        f.flows = pr->active_flows(pr->active_flows_ctx);
    char line[160];
    capture_progress_text(line, sizeof line, &f);
    fprintf(stderr, "\r\033[K%s", line);
    pr->last_s = now;
    pr->last_frames = frames;
    pr->shown = true;
}

/* ---- inputs -------------------------------------------------------------------------- */

struct input_list {
    char **paths;
    size_t n, cap;
};

static bool list_add(struct input_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return false;
        l->paths = p;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return false;
    l->paths[l->n++] = copy;
    return true;
}

static void list_free(struct input_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Whether the file starts like a pcap (either byte order, micro or nano) or a pcapng. */
static bool has_capture_magic(const char *path)
{
    static const uint32_t magics[] = {0xa1b2c3d4u, 0xd4c3b2a1u, 0xa1b23c4du, 0x4d3cb2a1u,
                                      0xa1b2cd34u, 0x34cdb2a1u, 0x0a0d0d0au};
    uint8_t b[4];
    FILE *f = fopen(path, "rb");
    if (!f)
        return true; /* let the open report why */
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n < sizeof b)
        return false;
    uint32_t m = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (m == magics[i])
            return true;
    return false;
}

/*
 * Every capture file in dir, sorted by name: regular files that start like a
 * capture (a directory of captures often holds notes or checksums too).
 * False (message printed) if dir cannot be listed.
 */
static bool list_directory(struct input_list *l, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, skip_hidden, alphasort);
    if (n < 0) {
        fprintf(stderr, "portsleuth: %s: %s\n", dir, strerror(errno));
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        size_t dlen = strlen(dir);
        size_t len = dlen + strlen(names[i]->d_name) + 2;
        char *path = malloc(len);
        struct stat st;
        if (path) {
            bool slash = dlen > 0 && dir[dlen - 1] == '/';
            snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", names[i]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && has_capture_magic(path))
                ok = list_add(l, path) && ok;
        } else {
            ok = false;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return ok;
}

/*
 * Standard input through a stream that counts what it read, so that ftell
 * works on a pipe and a cut-off capture on stdin still has an offset. It
 * keeps the first bytes too: the magic number, which libpcap does not tell.
 */
struct counted_fd {
    int fd;
    off64_t pos;
    uint8_t magic[4];
};

static ssize_t counted_read(void *cookie, char *buf, size_t size)
{
    struct counted_fd *c = cookie;
    ssize_t n;
    do
        n = read(c->fd, buf, size);
    while (n < 0 && errno == EINTR && !stop_requested);
    for (ssize_t i = 0; i < n && c->pos + i < (off64_t)sizeof c->magic; i++)
        c->magic[c->pos + i] = (uint8_t)buf[i];
    if (n > 0)
        c->pos += n;
    return n;
}

static int counted_seek(void *cookie, off64_t *offset, int whence)
{
    struct counted_fd *c = cookie;
    if (whence == SEEK_CUR && *offset == 0) {
        *offset = c->pos;
        return 0;
    }
    errno = ESPIPE;
    return -1;
}

static int counted_close(void *cookie)
{
    struct counted_fd *c = cookie;
    int rc = close(c->fd);
    free(c);
    return rc;
}

static FILE *open_stdin(struct counted_fd **cookie)
{
    struct counted_fd *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = dup(STDIN_FILENO); /* pcap_close closes the stream; fd 0 stays open */
    if (c->fd < 0) {
        free(c);
        return NULL;
    }
    cookie_io_functions_t io = {
        .read = counted_read, .write = NULL, .seek = counted_seek, .close = counted_close};
    FILE *f = fopencookie(c, "rb", io);
    if (!f)
        counted_close(c);
    *cookie = f ? c : NULL;
    return f;
}

static bool compile_filter(pcap_t *p, const char *name, const char *expr, struct bpf_program *prog)
{
    if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        fprintf(stderr, "portsleuth: %s: bad filter '%s': %s\n", name, expr, pcap_geterr(p));
        return false;
    }
    return true;
}

/* Live: the kernel filters, so nothing it drops is copied to us. */
static bool apply_filter(pcap_t *p, const char *name, const char *expr)
{
    struct bpf_program prog;
    if (!compile_filter(p, name, expr, &prog))
        return false;
    int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        fprintf(stderr, "portsleuth: %s: cannot set filter: %s\n", name, pcap_geterr(p));
        return false;
    }
    return true;
}

/* The first four bytes of a file as a little-endian number (0 when unknown). */
static uint32_t magic_of(const uint8_t b[4])
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Open one input as a capture. NULL (message printed) when it is not one. */
static pcap_t *open_input(const char *path, const char *name, struct progress *pr, uint32_t *magic)
{
    bool is_stdin = strcmp(path, "-") == 0;
    struct counted_fd *cookie = NULL;
    FILE *f = is_stdin ? open_stdin(&cookie) : fopen(path, "rb");
    if (!f) {
        progress_clear(pr);
        fprintf(stderr, "portsleuth: %s: %s\n", name, strerror(errno));
        return NULL;
    }
    /* Only this thread reads the stream: with --threads glibc would otherwise lock it
       for each of the two freads libpcap makes per packet. */
    __fsetlocking(f, FSETLOCKING_BYCALLER);
    struct stat st;
    bool empty = !is_stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p =
        empty ? NULL
              : pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p) {
        fclose(f);
        progress_clear(pr);
        fprintf(stderr, "portsleuth: %s: not a capture file (%s)\n", name,
                empty ? "empty file" : errbuf);
        return NULL;
    }
    uint8_t b[4] = {0};
    if (cookie)
        memcpy(b, cookie->magic, sizeof b);
    else if (pread(fileno(f), b, sizeof b, 0) != (ssize_t)sizeof b)
        memset(b, 0, sizeof b);
    *magic = magic_of(b);
    return p;
}

/* One kind of lie in one input: how many records tell it, and the first one's number. */
struct oddity {
    uint64_t count;
    uint64_t first;
};

enum odd_kind { ODD_OVER_SNAPLEN, ODD_EMPTY, ODD_BAD_TIME, ODD_KINDS };

struct reader {
    const struct capture_options *opt;
    capture_frame_fn fn;
    void *ctx;
    struct capture_stats *stats;
    struct progress progress;
    bool stopped;     /* the callback or a signal asked to stop */
    uint64_t good_us; /* the last believable packet time; 0 while there is none */
    uint64_t late_us; /* a packet time past this is absurd */
    /* The input being read. */
    uint64_t n;              /* its packet records so far, filtered out or not */
    uint32_t over_snaplen;   /* the snapshot length the first long record exceeded */
    struct bpf_program prog; /* the filter compiled for its link type */
    bool has_prog;
    struct oddity odd[ODD_KINDS];
};

static void note_odd(struct reader *r, enum odd_kind kind)
{
    if (r->odd[kind].count++ == 0)
        r->odd[kind].first = r->n;
}

/*
 * Every packet record of every input passes here, the ones the filter does
 * not take too (so the numbers in warnings are the file's). stored_len is the
 * captured length the record claims, which is more than frame->caplen when
 * the record was cut to the snapshot length snaplen.
 */
static bool take_record(struct reader *r, struct capture_frame *frame, uint32_t stored_len,
                        uint32_t snaplen, bool matched)
{
    r->n++;
    if (stored_len > frame->caplen) {
        if (r->odd[ODD_OVER_SNAPLEN].count == 0)
            r->over_snaplen = snaplen;
        note_odd(r, ODD_OVER_SNAPLEN);
    }
    if (frame->caplen == 0)
        note_odd(r, ODD_EMPTY);
    if (frame->ts_us == 0 || frame->ts_us > r->late_us) {
        note_odd(r, ODD_BAD_TIME);
        if (r->good_us)
            frame->ts_us = r->good_us;
    } else {
        r->good_us = frame->ts_us;
    }
    if (!matched)
        return true;
    r->stats->frames++;
    r->stats->bytes += frame->wire_len;
    return r->fn(frame, r->ctx);
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* "portsleuth: warning: NAME: N packets WHAT (first: packet K); THEN", if there were any. */
static void tell_odd(const char *name, const struct oddity *o, const char *what, const char *then)
{
    if (o->count)
        fprintf(stderr, "portsleuth: warning: %s: %llu packet%s %s (first: packet %llu); %s\n",
                name, (unsigned long long)o->count, plural(o->count), what,
                (unsigned long long)o->first, then);
}

/* One line per kind of lie the input told, at its end. */
static void report_oddities(struct reader *r, const char *name)
{
    const struct oddity *o = r->odd;
    if (o[ODD_OVER_SNAPLEN].count || o[ODD_EMPTY].count || o[ODD_BAD_TIME].count)
        progress_clear(&r->progress);
    char what[64], then[32];
    snprintf(what, sizeof what, "recorded longer than the snapshot length %u", r->over_snaplen);
    snprintf(then, sizeof then, "cut to %u bytes", r->over_snaplen);
    tell_odd(name, &o[ODD_OVER_SNAPLEN], what, then);
    tell_odd(name, &o[ODD_EMPTY], "with no captured bytes", "counted as malformed");
    tell_odd(name, &o[ODD_BAD_TIME], "with a zero, invalid or future timestamp",
             "given the last believable packet time");
    r->stats->records_over_snaplen += o[ODD_OVER_SNAPLEN].count;
    r->stats->records_empty += o[ODD_EMPTY].count;
    r->stats->records_bad_time += o[ODD_BAD_TIME].count;
    memset(r->odd, 0, sizeof r->odd);
}

/*
 * Reading stopped on an error. libpcap says "truncated" when the file ends
 * mid-record; anything else (a corrupt record, a pcapng interface of another
 * link type) also ends the input early. Either way the packets before it
 * were delivered, and the input counts as truncated.
 */
static void report_stop(struct reader *r, const char *name, long pos, const char *why)
{
    const char *what = strstr(why, "truncated") ? "capture cut off" : "stopped reading";
    progress_clear(&r->progress);
    if (pos >= 0)
        fprintf(stderr, "portsleuth: warning: %s: %s at byte %ld after %llu packets (%s)\n", name,
                what, pos, (unsigned long long)r->n, why);
    else
        fprintf(stderr, "portsleuth: warning: %s: %s after %llu packets (%s)\n", name, what,
                (unsigned long long)r->n, why);
    r->stats->inputs_truncated++;
}

static void report_cut(struct reader *r, pcap_t *p, const char *name)
{
    report_stop(r, name, ftell(pcap_file(p)), pcap_geterr(p));
}

static bool take_pcapng_record(struct capture_record *rec, void *ctx)
{
    return take_record(ctx, &rec->frame, rec->stored_len, rec->snaplen, rec->matched);
}

/*
 * Go on with our own pcapng reader from the record libpcap stopped at.
 * Returns false if the file cannot be reopened (the caller then reports
 * libpcap's stop).
 */
static bool read_rest_as_pcapng(struct reader *r, const char *path, const char *name)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    __fsetlocking(f, FSETLOCKING_BYCALLER); /* read by this thread alone, as in open_input */
    struct pcapng_result res;
    pcapng_read(f, r->n, r->opt->bpf, take_pcapng_record, r, &stop_requested, &res);
    fclose(f);
    if (res.note[0]) {
        progress_clear(&r->progress);
        fprintf(stderr, "portsleuth: note: %s: %s\n", name, res.note);
    }
    if (res.stopped)
        r->stopped = true;
    if (res.cut || res.failed)
        report_stop(r, name, res.offset, res.why);
    if (res.offset > 0)
        r->progress.done_bytes += (uint64_t)res.offset;
    return true;
}

/*
 * libpcap cuts a classic pcap record longer than the file's snapshot length
 * to that length and skips the rest without a word. Such a record comes back
 * exactly snaplen long, so only then is the stream position looked at
 * (ftell): the record held what the stream advanced by, less its header.
 * Between those looks the position is kept by adding up the records.
 */
struct record_walk {
    unsigned hdr_len; /* bytes of a record header; 0: not a classic pcap, nothing to watch */
    uint32_t snaplen;
    long next; /* where the next record starts; -1 when not known */
};

static void walk_start(struct record_walk *w, pcap_t *p, uint32_t magic)
{
    bool classic = magic != MAGIC_PCAPNG && magic != 0;
    bool patched = magic == MAGIC_PATCHED || magic == __builtin_bswap32(MAGIC_PATCHED);
    w->hdr_len = !classic ? 0 : patched ? PCAP_PATCHED_RECORD_HDR : PCAP_RECORD_HDR;
    w->snaplen = pcap_snapshot(p) > 0 ? (uint32_t)pcap_snapshot(p) : 0;
    w->next = w->hdr_len ? ftell(pcap_file(p)) : -1;
}

/* The captured length the record just read claimed. */
static uint32_t walk_record(struct record_walk *w, pcap_t *p, uint32_t caplen)
{
    if (!w->hdr_len)
        return caplen;
    long start = w->next;
    if (caplen != w->snaplen) {
        w->next = start >= 0 ? start + (long)w->hdr_len + (long)caplen : -1;
        return caplen;
    }
    w->next = ftell(pcap_file(p));
    if (start < 0 || w->next < 0 || w->next - start <= (long)w->hdr_len + (long)caplen)
        return caplen;
    long stored = w->next - start - (long)w->hdr_len;
    return stored > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)stored;
}

/* capture_pcap.c leaves the filter to us: it was compiled for this input's link type. */
static bool take_pcap_record(struct capture_record *rec, void *ctx)
{
    struct reader *r = ctx;
    struct pcap_pkthdr h = {.caplen = rec->frame.caplen, .len = rec->frame.wire_len};
    bool matched = !r->has_prog || pcap_offline_filter(&r->prog, &h, rec->frame.data);
    return take_record(r, &rec->frame, rec->stored_len, rec->snaplen, matched);
}

/* The walker's records also move the progress line, as the libpcap loop's do. */
static bool take_walked_record(struct capture_record *rec, void *ctx)
{
    struct reader *r = ctx;
    if (!take_pcap_record(rec, ctx))
        return false;
    if (r->progress.on && r->n % PROGRESS_CHECK_FRAMES == 0)
        progress_show(&r->progress, rec->end > 0 ? (uint64_t)rec->end : 0, r->stats->frames);
    return true;
}

/*
 * libpcap (or the walker, in its words) refused a classic pcap record header
 * that began at damaged_at (a length no snapshot length allows): read on past
 * the damage with capture_pcap.c. f is positioned just after that header.
 */
static void read_rest_as_pcap(struct reader *r, FILE *f, const char *name, const char *refused,
                              long damaged_at, const struct pcap_rest *rest)
{
    char why[PCAP_ERRBUF_SIZE];
    snprintf(why, sizeof why, "%s", refused);
    uint64_t before = r->n;
    struct pcap_rest_result res;
    pcap_read_rest(f, damaged_at, rest, take_pcap_record, r, &stop_requested, &res);
    progress_clear(&r->progress);
    if (res.stretches)
        fprintf(stderr,
                "portsleuth: warning: %s: damaged record at byte %ld after %llu packets (%s): "
                "%ld bytes skipped to the next good record",
                name, res.first_at, (unsigned long long)before, why, res.first_len);
    if (res.stretches > 1)
        fprintf(stderr, "; %llu damaged stretches, %llu bytes skipped in all",
                (unsigned long long)res.stretches, (unsigned long long)res.skipped);
    if (res.stretches)
        fputc('\n', stderr);
    if (res.lost)
        fprintf(stderr,
                "portsleuth: warning: %s: stopped reading at byte %ld after %llu packets (%s; no "
                "good record after it)\n",
                name, res.lost_at, (unsigned long long)r->n,
                res.lost_at == damaged_at ? why : "a record header that is noise");
    if (res.cut)
        fprintf(stderr,
                "portsleuth: warning: %s: capture cut off at byte %ld after %llu packets (%s)\n",
                name, res.offset, (unsigned long long)r->n, res.why);
    if (res.lost || res.cut)
        r->stats->inputs_truncated++;
    if (res.stopped)
        r->stopped = true;
    if (res.offset > 0)
        r->progress.done_bytes += (uint64_t)res.offset;
}

/* The form of a classic pcap file libpcap has opened, for capture_pcap.c. */
static struct pcap_rest pcap_form(struct reader *r, pcap_t *p, uint32_t magic, unsigned hdr_len)
{
    return (struct pcap_rest){
        .linktype = pcap_datalink(p),
        .snaplen = pcap_snapshot(p) > 0 ? (uint32_t)pcap_snapshot(p) : 0,
        .hdr_len = hdr_len,
        .swapped = pcap_is_swapped(p) == 1,
        .nano = magic == MAGIC_NANO || magic == __builtin_bswap32(MAGIC_NANO),
        .good_us = &r->good_us,
        .late_us = r->late_us,
    };
}

/* The damaged header libpcap refused, read on from its stream (false: cannot be placed). */
static bool read_rest_from_libpcap(struct reader *r, pcap_t *p, const char *name,
                                   const struct record_walk *walk, uint32_t magic)
{
    if (!walk->hdr_len || walk->next < 0)
        return false;
    struct pcap_rest rest = pcap_form(r, p, magic, walk->hdr_len);
    read_rest_as_pcap(r, pcap_file(p), name, pcap_geterr(p), walk->next, &rest);
    return true;
}

/*
 * The link types walked by us: the ones decode.c takes. For them libpcap 1.10
 * refuses records past 262144 bytes (longer for a few others: D-Bus, USBPcap)
 * and rewrites no header bytes in files of the other byte order (it does for
 * Linux USB and NFLOG), which is what capture_pcap.c's walker assumes.
 */
static bool walked_linktype(int linktype)
{
    switch (linktype) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return true;
    default:
        return false;
    }
}

/*
 * Read a classic pcap regular file libpcap has opened with capture_pcap.c's
 * walker, telling what the libpcap loop would tell. False when it is not one to
 * walk, or no window could be had (nothing read: libpcap reads it).
 */
static bool read_walked(struct reader *r, pcap_t *p, const char *path, const char *name,
                        uint32_t magic)
{
    bool classic = magic != MAGIC_PCAPNG && magic != 0;
    FILE *f = pcap_file(p);
    struct stat st;
    if (strcmp(path, "-") == 0 || !classic || !walked_linktype(pcap_datalink(p)) ||
        fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    bool patched = magic == MAGIC_PATCHED || magic == __builtin_bswap32(MAGIC_PATCHED);
    struct pcap_rest form =
        pcap_form(r, p, magic, patched ? PCAP_PATCHED_RECORD_HDR : PCAP_RECORD_HDR);
    int major = pcap_major_version(p), minor = pcap_minor_version(p);
    form.lengths = (major == 2 && minor < 3) || major == 543 ? PCAP_LENGTHS_SWAPPED
                   : major == 2 && minor == 3                ? PCAP_LENGTHS_MAYBE
                                                             : PCAP_LENGTHS_AS_WRITTEN;
    struct pcap_walk_result res;
    pcap_read_walk(f, &form, take_walked_record, r, &stop_requested, &res);
    if (res.unread)
        return false;
    r->stats->inputs_walked++;
    if (res.stopped)
        r->stopped = true;
    if (res.damaged && fseek(f, res.offset, SEEK_SET) == 0) {
        read_rest_as_pcap(r, f, name, res.why, res.damaged_at, &form);
        return true;
    }
    if (res.failed)
        report_stop(r, name, res.offset, res.why);
    r->progress.done_bytes += (uint64_t)res.offset;
    return true;
}

/* Read an opened input to its end with pcap_next_ex. */
static void read_with_libpcap(struct reader *r, pcap_t *p, const char *path, const char *name,
                              uint32_t magic)
{
    struct capture_frame frame = {.linktype = pcap_datalink(p)};
    int precision = pcap_get_tstamp_precision(p);
    struct record_walk walk;
    walk_start(&walk, p, magic);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    bool handed_over = false; /* capture_pcapng.c or capture_pcap.c read the rest */
    for (;;) {
        if (stop_requested) {
            r->stopped = true;
            break;
        }
        int rc = pcap_next_ex(p, &hdr, &data);
        if (rc == PCAP_ERROR_BREAK) /* end of file */
            break;
        if (rc != 1) {
            /*
             * A pcapng block libpcap will not take: ours reads on (not from a pipe:
             * it reads the file again from the start). A classic pcap record header
             * that is noise: capture_pcap.c looks for the next good record.
             */
            const char *why = pcap_geterr(p);
            bool cut = strstr(why, "truncated") != NULL;
            if (magic == MAGIC_PCAPNG)
                handed_over = !cut && strcmp(path, "-") != 0 && read_rest_as_pcapng(r, path, name);
            else if (strstr(why, "invalid packet capture length"))
                handed_over = read_rest_from_libpcap(r, p, name, &walk, magic);
            if (!handed_over)
                report_cut(r, p, name);
            break;
        }
        uint32_t stored = walk_record(&walk, p, hdr->caplen);
        frame.data = data;
        frame.caplen = hdr->caplen;
        frame.wire_len = hdr->len;
        frame.ts_us = timestamp_us(&hdr->ts, precision);
        bool matched = !r->has_prog || pcap_offline_filter(&r->prog, hdr, data);
        if (!take_record(r, &frame, stored, walk.snaplen, matched)) {
            r->stopped = true;
            break;
        }
        if (r->progress.on && r->n % PROGRESS_CHECK_FRAMES == 0) {
            long pos = ftell(pcap_file(p));
            progress_show(&r->progress, pos > 0 ? (uint64_t)pos : 0, r->stats->frames);
        }
    }
    long pos = ftell(pcap_file(p));
    if (pos > 0 && !handed_over)
        r->progress.done_bytes += (uint64_t)pos;
}

/* Read one input to its end. Returns 0, or 1 if it could not be read at all. */
static int read_input(struct reader *r, const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    uint32_t magic = 0;
    pcap_t *p = open_input(path, name, &r->progress, &magic);
    if (!p) {
        r->stats->inputs_failed++;
        return 1;
    }
    r->has_prog = r->opt->bpf && *r->opt->bpf;
    if (r->has_prog && !compile_filter(p, name, r->opt->bpf, &r->prog)) {
        pcap_close(p);
        r->stats->inputs_failed++;
        return 1;
    }
    r->stats->inputs_read++;
    r->n = 0;
    if (!read_walked(r, p, path, name, magic))
        read_with_libpcap(r, p, path, name, magic);
    pcap_close(p);
    if (r->has_prog)
        pcap_freecode(&r->prog);
    report_oddities(r, name);
    return 0;
}

/* Expand paths into inputs. Returns 1 if some path could not be expanded. */
static int expand_paths(const char *const *paths, int npaths, struct input_list *l,
                        struct capture_stats *stats, uint64_t *total_bytes)
{
    int status = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!list_directory(l, paths[i])) {
                stats->inputs_failed++;
                status = 1;
            }
        } else if (!list_add(l, paths[i])) {
            fprintf(stderr, "portsleuth: out of memory listing inputs\n");
            return 1;
        }
    }
    for (size_t i = 0; i < l->n; i++) {
        struct stat st;
        if (strcmp(l->paths[i], "-") != 0 && stat(l->paths[i], &st) == 0 && S_ISREG(st.st_mode))
            *total_bytes += (uint64_t)st.st_size;
    }
    return status;
}

int capture_read_files(const char *const *paths, int npaths, const struct capture_options *opt,
                       capture_frame_fn fn, void *ctx, struct capture_stats *stats)
{
    struct capture_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    stop_requested = 0;
    struct input_list inputs = {0};
    struct reader r = {.opt = opt, .fn = fn, .ctx = ctx, .stats = stats};
    r.late_us = (uint64_t)time(NULL) * US_PER_S + FUTURE_SLACK_US;
    int status = expand_paths(paths, npaths, &inputs, stats, &r.progress.total_bytes);
    r.progress.on = opt->progress && isatty(STDERR_FILENO);
    r.progress.last_s = now_s();
    r.progress.active_flows = opt->active_flows;
    r.progress.active_flows_ctx = opt->active_flows_ctx;
    for (size_t i = 0; i < inputs.n && !r.stopped; i++)
        if (read_input(&r, inputs.paths[i]) != 0)
            status = 1;
    progress_clear(&r.progress);
    list_free(&inputs);
    return status;
}

/* ---- live ---------------------------------------------------------------------------- */

struct live {
    capture_frame_fn fn;
    void *ctx;
    struct capture_stats *stats;
    struct capture_frame frame;
    int precision;
    pcap_t *p;
    bool stopped;
};

static void live_packet(u_char *user, const struct pcap_pkthdr *hdr, const u_char *data)
{
    struct live *l = (struct live *)user;
    l->frame.data = data;
    l->frame.caplen = hdr->caplen;
    l->frame.wire_len = hdr->len;
    l->frame.ts_us = timestamp_us(&hdr->ts, l->precision);
    l->stats->frames++;
    l->stats->bytes += hdr->len;
    if (!l->fn(&l->frame, l->ctx)) {
        l->stopped = true;
        pcap_breakloop(l->p);
    }
}

/* Which permission is missing, and the two ways to have it, naming this binary. */
static void report_no_permission(const char *iface, bool promisc)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        snprintf(exe, sizeof exe, "portsleuth");
    else
        exe[n] = '\0';
    fprintf(stderr,
            "portsleuth: permission denied capturing on '%s'%s: run as root, or give the binary "
            "the capture capabilities: setcap cap_net_raw,cap_net_admin=eip %s\n",
            iface, promisc ? " in promiscuous mode" : "", exe);
}

static void report_activate_error(pcap_t *p, const char *iface, int rc)
{
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        fprintf(stderr, "portsleuth: no such interface '%s' (see `ip link`)\n", iface);
        break;
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        /* Without privileges libpcap cannot even look the name up: say which it is. */
        if (strcmp(iface, "any") != 0 && if_nametoindex(iface) == 0)
            fprintf(stderr, "portsleuth: no such interface '%s' (see `ip link`)\n", iface);
        else
            report_no_permission(iface, rc == PCAP_ERROR_PROMISC_PERM_DENIED);
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        fprintf(stderr, "portsleuth: interface '%s' is down (ip link set %s up)\n", iface, iface);
        break;
    default: {
        const char *msg = pcap_geterr(p);
        fprintf(stderr, "portsleuth: cannot capture on '%s': %s\n", iface,
                msg && *msg ? msg : pcap_statustostr(rc));
    }
    }
}

static pcap_t *open_live(const char *iface, const struct capture_options *opt)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p) {
        fprintf(stderr, "portsleuth: cannot capture on '%s': %s\n", iface, errbuf);
        return NULL;
    }
    pcap_set_snaplen(p, opt->snaplen > 0 ? opt->snaplen : PS_DEFAULT_SNAPLEN);
    pcap_set_promisc(p, opt->promisc ? 1 : 0);
    pcap_set_timeout(p, PS_LIVE_TIMEOUT_MS);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO); /* kept micro if refused */
    int rc = pcap_activate(p);
    if (rc < 0) {
        report_activate_error(p, iface, rc);
        pcap_close(p);
        return NULL;
    }
    if (rc > 0)
        fprintf(stderr, "portsleuth: warning: '%s': %s\n", iface, pcap_statustostr(rc));
    if ((opt->bpf && *opt->bpf && !apply_filter(p, iface, opt->bpf)) ||
        pcap_setnonblock(p, 1, errbuf) != 0) {
        if (*errbuf)
            fprintf(stderr, "portsleuth: '%s': %s\n", iface, errbuf);
        pcap_close(p);
        return NULL;
    }
    return p;
}

/* Milliseconds to wait for packets: the live timeout, or less if the duration ends sooner. */
static int wait_ms(const struct capture_options *opt, double started)
{
    int ms = PS_LIVE_TIMEOUT_MS;
    if (opt->duration_s > 0) {
        double left = opt->duration_s - (now_s() - started);
        if (left * MS_PER_S < ms)
            ms = left > 0 ? (int)(left * MS_PER_S) + 1 : 0;
    }
    return ms;
}

int capture_live(const char *iface, const struct capture_options *opt, capture_frame_fn fn,
                 void *ctx, struct capture_stats *stats)
{
    struct capture_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    stop_requested = 0;
    pcap_t *p = open_live(iface, opt);
    if (!p) {
        stats->inputs_failed = 1;
        return 1;
    }
    stats->inputs_read = 1;
    struct live l = {.fn = fn, .ctx = ctx, .stats = stats, .p = p};
    l.frame.linktype = pcap_datalink(p);
    l.precision = pcap_get_tstamp_precision(p);
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(p), .events = POLLIN};
    double started = now_s();
    int status = 0;
    while (!stop_requested && !l.stopped) {
        if (opt->duration_s > 0 && now_s() - started >= opt->duration_s)
            break;
        if (pfd.fd >= 0 && poll(&pfd, 1, wait_ms(opt, started)) < 0 && errno != EINTR) {
            fprintf(stderr, "portsleuth: '%s': %s\n", iface, strerror(errno));
            status = 1;
            break;
        }
        int n = pcap_dispatch(p, -1, live_packet, (u_char *)&l);
        if (n == PCAP_ERROR) {
            fprintf(stderr, "portsleuth: '%s': %s\n", iface, pcap_geterr(p));
            status = 1;
            break;
        }
    }
    struct pcap_stat ps;
    if (pcap_stats(p, &ps) == 0) {
        stats->have_kernel_stats = true;
        stats->kernel_received = ps.ps_recv;
        stats->kernel_dropped = ps.ps_drop;
        stats->iface_dropped = ps.ps_ifdrop;
    }
    pcap_close(p);
    return status;
}
