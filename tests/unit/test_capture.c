/*
 * test_capture.c - reading capture files: formats, timestamps, order, bad inputs.
 *
 * The inputs are the real captures of tests/data/decode/ and, under
 * tests/data/capture/, a directory of two of them (plus a subdirectory that
 * must not be read), the same captures cut mid-packet with head -c, an
 * empty file, a text file, and the real packets of eth_tcp4.pcap in files
 * whose headers lie (make-lies.py). Expected frames and timestamps are read
 * from the files' own bytes, not repeated here.
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "capture_internal.h"
#include "unit.h"

#define DEC "tests/data/decode/"
#define CAP "tests/data/capture/"
#define MAX_SEEN 64

struct seen {
    unsigned n;
    int linktype[MAX_SEEN];
    uint32_t caplen[MAX_SEEN];
    uint32_t wire_len[MAX_SEEN];
    uint32_t sum[MAX_SEEN]; /* of the captured bytes */
    uint64_t ts[MAX_SEEN];
    unsigned stop_after; /* 0: never stop */
};

static bool record(const struct capture_frame *f, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < MAX_SEEN) {
        s->linktype[s->n] = f->linktype;
        s->caplen[s->n] = f->caplen;
        s->wire_len[s->n] = f->wire_len;
        s->sum[s->n] = 0;
        for (uint32_t i = 0; i < f->caplen; i++)
            s->sum[s->n] = s->sum[s->n] * 31u + f->data[i];
        s->ts[s->n] = f->ts_us;
    }
    s->n++;
    return !(s->stop_after && s->n >= s->stop_after);
}

/* stderr into a temporary file while a test runs, to check the messages. */
static int saved_stderr = -1;
static FILE *err_file;

static void stderr_begin(void)
{
    fflush(stderr);
    err_file = tmpfile();
    saved_stderr = dup(STDERR_FILENO);
    dup2(fileno(err_file), STDERR_FILENO);
}

static const char *stderr_end(void)
{
    static char buf[4096];
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    rewind(err_file);
    size_t n = fread(buf, 1, sizeof buf - 1, err_file);
    buf[n] = '\0';
    fclose(err_file);
    return buf;
}

static int read_paths(const char *const *paths, int n, const char *bpf, struct seen *s,
                      struct capture_stats *st, const char **err)
{
    struct capture_options opt = {.bpf = bpf};
    memset(s, 0, sizeof *s);
    stderr_begin();
    int rc = capture_read_files(paths, n, &opt, record, s, st);
    const char *e = stderr_end();
    if (err)
        *err = e;
    return rc;
}

/* Timestamps of a classic pcap straight from its bytes (little endian, as tcpdump wrote). */
static unsigned pcap_times(const char *path, uint64_t *ts, unsigned max)
{
    size_t len;
    uint8_t *d = unit_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    uint32_t magic = d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
    bool nano = magic == 0xa1b23c4du;
    unsigned n = 0;
    for (size_t off = 24; off + 16 <= len && n < max; n++) {
        const uint8_t *h = d + off;
        uint64_t sec = h[0] | h[1] << 8 | h[2] << 16 | (uint64_t)h[3] << 24;
        uint64_t frac = h[4] | h[5] << 8 | h[6] << 16 | (uint64_t)h[7] << 24;
        uint32_t incl = h[8] | h[9] << 8 | h[10] << 16 | (uint32_t)h[11] << 24;
        ts[n] = sec * 1000000u + (nano ? frac / 1000u : frac);
        off += 16 + incl;
    }
    free(d);
    return n;
}

static void same_times(const struct seen *s, const char *pcap)
{
    uint64_t want[MAX_SEEN];
    unsigned n = pcap_times(pcap, want, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(s->n, n);
    for (unsigned i = 0; i < n; i++)
        CU_ASSERT_EQUAL(s->ts[i], want[i]);
}

static void test_pcap_micro_and_nano(void)
{
    struct seen s;
    struct capture_stats st;
    const char *p1[] = {DEC "eth_tcp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p1, 1, NULL, &s, &st, NULL), 0);
    same_times(&s, DEC "eth_tcp4.pcap");
    CU_ASSERT_EQUAL(s.linktype[0], DLT_EN10MB);
    CU_ASSERT_EQUAL(st.frames, s.n);
    CU_ASSERT_EQUAL(st.inputs_read, 1);
    CU_ASSERT_EQUAL(st.inputs_failed, 0);

    const char *p2[] = {DEC "nano_tcp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p2, 1, NULL, &s, &st, NULL), 0);
    same_times(&s, DEC "nano_tcp4.pcap");
    /* A nanosecond file's sub-microsecond digits are dropped, not taken for microseconds. */
    CU_ASSERT(s.ts[0] % 1000000u < 1000000u);
    CU_ASSERT(s.ts[0] > 1700000000ull * 1000000u && s.ts[0] < 2000000000ull * 1000000u);

    const char *p3[] = {DEC "sll2_tcp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p3, 1, NULL, &s, &st, NULL), 0);
    CU_ASSERT_EQUAL(s.linktype[0], DLT_LINUX_SLL2);
}

static void test_pcapng_micro_and_nano(void)
{
    struct seen s;
    struct capture_stats st;
    const char *p1[] = {DEC "eth_tcp4.pcapng"};
    CU_ASSERT_EQUAL(read_paths(p1, 1, NULL, &s, &st, NULL), 0);
    same_times(&s, DEC "eth_tcp4.pcap"); /* converted from it by editcap */
    const char *p2[] = {DEC "nano_tcp4.pcapng"};
    CU_ASSERT_EQUAL(read_paths(p2, 1, NULL, &s, &st, NULL), 0);
    same_times(&s, DEC "nano_tcp4.pcap");
}

static void test_several_in_order(void)
{
    struct seen s;
    struct capture_stats st;
    const char *p[] = {DEC "eth_udp4.pcap", DEC "eth_tcp4.pcap", DEC "sll_tcp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 3, NULL, &s, &st, NULL), 0);
    uint64_t a[MAX_SEEN], b[MAX_SEEN], c[MAX_SEEN];
    unsigned na = pcap_times(p[0], a, MAX_SEEN), nb = pcap_times(p[1], b, MAX_SEEN),
             nc = pcap_times(p[2], c, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(s.n, na + nb + nc);
    CU_ASSERT_EQUAL(s.ts[0], a[0]);
    CU_ASSERT_EQUAL(s.ts[na], b[0]);
    CU_ASSERT_EQUAL(s.ts[na + nb], c[0]);
    CU_ASSERT_EQUAL(s.linktype[na + nb], DLT_LINUX_SLL);
    CU_ASSERT_EQUAL(st.inputs_read, 3);
}

static void test_directory(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {CAP "dir/"}; /* the trailing slash is not doubled in names */
    CU_ASSERT_EQUAL(read_paths(p, 1, NULL, &s, &st, &err), 0);
    CU_ASSERT_STRING_EQUAL(err, ""); /* 0-readme.txt is not a capture: passed over */
    uint64_t a[MAX_SEEN], b[MAX_SEEN];
    unsigned na = pcap_times(DEC "eth_tcp4.pcap", a, MAX_SEEN);
    unsigned nb = pcap_times(DEC "nano_tcp4.pcap", b, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(s.n, na + nb); /* sub/ and 0-readme.txt are not read */
    CU_ASSERT_EQUAL(s.ts[0], a[0]);
    CU_ASSERT_EQUAL(s.ts[na], b[0]);
    CU_ASSERT_EQUAL(st.inputs_read, 2);
}

static void test_truncated(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {CAP "cut.pcap", DEC "eth_udp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 2, NULL, &s, &st, &err), 0);
    /* 500 bytes hold the file header and five whole packets (they end at byte 475). */
    uint64_t want[MAX_SEEN];
    pcap_times(DEC "eth_tcp4.pcap", want, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(s.n, 5 + 1);
    for (unsigned i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(s.ts[i], want[i]);
    CU_ASSERT_EQUAL(st.inputs_truncated, 1);
    CU_ASSERT_EQUAL(st.inputs_read, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning: " CAP "cut.pcap: capture cut off at byte 500"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "after 5 packets"));
    CU_ASSERT_PTR_NULL(strchr(strchr(err, '\n') + 1, '\n')); /* one line */

    const char *q[] = {CAP "cut.pcapng"};
    CU_ASSERT_EQUAL(read_paths(q, 1, NULL, &s, &st, &err), 0);
    CU_ASSERT(s.n > 0 && s.n < 10);
    pcap_times(DEC "nano_tcp4.pcap", want, MAX_SEEN);
    for (unsigned i = 0; i < s.n && i < MAX_SEEN; i++)
        CU_ASSERT_EQUAL(s.ts[i], want[i]);
    CU_ASSERT_EQUAL(st.inputs_truncated, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, CAP "cut.pcapng: capture cut off at byte 700"));
}

static void test_not_a_capture(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {CAP "notes.txt", DEC "eth_udp4.pcap", CAP "empty.pcap",
                       CAP "no-such-file.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 4, NULL, &s, &st, &err), 1);
    CU_ASSERT_EQUAL(s.n, 1); /* the good file in the middle is still read */
    CU_ASSERT_EQUAL(st.inputs_failed, 3);
    CU_ASSERT_EQUAL(st.inputs_read, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "portsleuth: " CAP "notes.txt: not a capture file ("));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err, "portsleuth: " CAP "empty.pcap: not a capture file (empty file)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, CAP "no-such-file.pcap: No such file or directory\n"));
}

static void test_standard_input(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    int fd = open(CAP "cut.pcap", O_RDONLY);
    CU_ASSERT_FATAL(fd >= 0);
    int saved = dup(STDIN_FILENO);
    dup2(fd, STDIN_FILENO);
    close(fd);
    const char *p[] = {"-"};
    int rc = read_paths(p, 1, NULL, &s, &st, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(s.n, 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "standard input: capture cut off at byte 500"));
}

static void test_filter_and_stop(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {DEC "eth_tcp4.pcap", DEC "sll2_tcp4.pcap"};
    /* Compiled per input: the same expression works on Ethernet and cooked v2. */
    CU_ASSERT_EQUAL(read_paths(p, 2, "tcp[tcpflags] & tcp-syn != 0", &s, &st, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 4);
    CU_ASSERT_EQUAL(read_paths(p, 2, "tcp and and", &s, &st, &err), 1);
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad filter 'tcp and and'"));
    memset(&s, 0, sizeof s);
    s.stop_after = 3;
    struct capture_options opt = {0};
    CU_ASSERT_EQUAL(capture_read_files(p, 2, &opt, record, &s, &st), 0);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_EQUAL(st.frames, 3);
}

/* Two link types in one pcapng: libpcap stops at the second interface, our reader goes on. */
static void two_linktypes(const char *path)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {path};
    CU_ASSERT_EQUAL(read_paths(p, 1, NULL, &s, &st, &err), 0);
    uint64_t eth[MAX_SEEN], sll[MAX_SEEN];
    unsigned ne = pcap_times(DEC "eth_tcp4.pcap", eth, MAX_SEEN);
    unsigned ns = pcap_times(DEC "sll_tcp4.pcap", sll, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(s.n, ne + ns);
    for (unsigned i = 0; i < ne; i++) {
        CU_ASSERT_EQUAL(s.linktype[i], DLT_EN10MB);
        CU_ASSERT_EQUAL(s.ts[i], eth[i]);
    }
    for (unsigned i = 0; i < ns; i++) {
        CU_ASSERT_EQUAL(s.linktype[ne + i], DLT_LINUX_SLL);
        CU_ASSERT_EQUAL(s.ts[ne + i], sll[i]); /* nanosecond ticks, 789 ns dropped */
    }
    CU_ASSERT_EQUAL(st.frames, ne + ns);
    CU_ASSERT_EQUAL(st.inputs_truncated, 0);
    char want[512];
    snprintf(want, sizeof want,
             "portsleuth: note: %s: interfaces of different link types (0: EN10MB, 1: "
             "LINUX_SLL); each packet is decoded by its own interface's type\n",
             path);
    CU_ASSERT_STRING_EQUAL(err, want);

    CU_ASSERT_EQUAL(read_paths(p, 1, "tcp[tcpflags] & tcp-syn != 0", &s, &st, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 4);
    CU_ASSERT_EQUAL(s.linktype[3], DLT_LINUX_SLL);
}

static void test_pcapng_two_linktypes(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    two_linktypes(CAP "mixed.pcapng");
    two_linktypes(CAP "mixed-be.pcapng"); /* written by a big-endian host */
    const char *q[] = {CAP "mixed-cut.pcapng"};
    CU_ASSERT_EQUAL(read_paths(q, 1, NULL, &s, &st, &err), 0);
    CU_ASSERT_EQUAL(s.n, 10 + 10 - 1);
    CU_ASSERT_EQUAL(st.inputs_truncated, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mixed-cut.pcapng: capture cut off at byte 2150"));
}

/*
 * Records longer than the snapshot length: cut to it, told once with the
 * first packet's number, and the records after them still in step. Packets 1
 * and 2 are exactly as long as the snapshot length and are not told.
 */
static void over_snaplen(const char *path, const char *name)
{
    struct seen s, ref;
    struct capture_stats st;
    const char *err;
    const char *real[] = {DEC "eth_tcp4.pcap"};
    CU_ASSERT_EQUAL_FATAL(read_paths(real, 1, NULL, &ref, &st, NULL), 0);
    const char *p[] = {path};
    CU_ASSERT_EQUAL(read_paths(p, 1, NULL, &s, &st, &err), 0);
    char want[512];
    snprintf(want, sizeof want,
             "portsleuth: warning: %s: 1 packet recorded longer than the snapshot length 74 "
             "(first: packet 4); cut to 74 bytes\n",
             name);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(st.records_over_snaplen, 1);
    CU_ASSERT_EQUAL(st.inputs_truncated, 0);
    CU_ASSERT_EQUAL_FATAL(s.n, ref.n);
    for (unsigned i = 0; i < s.n; i++) {
        CU_ASSERT_EQUAL(s.ts[i], ref.ts[i]);
        CU_ASSERT_EQUAL(s.wire_len[i], ref.wire_len[i]);
        if (i != 3) {
            CU_ASSERT_EQUAL(s.caplen[i], ref.caplen[i]);
            CU_ASSERT_EQUAL(s.sum[i], ref.sum[i]);
        }
    }
    CU_ASSERT_EQUAL(ref.caplen[3], 91);
    CU_ASSERT_EQUAL(s.caplen[3], 74);
}

static void test_over_snaplen(void)
{
    over_snaplen(CAP "over-snaplen.pcap", CAP "over-snaplen.pcap");
    /* 24-byte record headers: no false alarm on the records of exactly 74 bytes. */
    over_snaplen(CAP "over-snaplen-patched.pcap", CAP "over-snaplen-patched.pcap");
    /* libpcap 1.10 stops at the long block; our pcapng reader goes on from it. */
    over_snaplen(CAP "over-snaplen.pcapng", CAP "over-snaplen.pcapng");

    int fd = open(CAP "over-snaplen.pcap", O_RDONLY);
    CU_ASSERT_FATAL(fd >= 0);
    int saved = dup(STDIN_FILENO);
    dup2(fd, STDIN_FILENO);
    close(fd);
    over_snaplen("-", "standard input"); /* the magic number comes through the pipe reader */
    dup2(saved, STDIN_FILENO);
    close(saved);

    /* The packet numbers are the file's, whatever the filter takes. */
    struct seen s;
    struct capture_stats st;
    const char *err;
    const char *p[] = {CAP "over-snaplen.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 1, "tcp[tcpflags] & tcp-push != 0", &s, &st, &err), 0);
    CU_ASSERT_EQUAL(s.n, 2);
    CU_ASSERT_EQUAL(s.caplen[0], 74);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "(first: packet 4)"));
}

/*
 * Empty records and times that cannot be packet time (make-lies.py lists
 * them): each record with a zero, invalid or future time gets the last
 * believable one, except the first, which has none to get.
 */
static void test_lying_times(void)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    uint64_t want[MAX_SEEN];
    unsigned nw = pcap_times(DEC "eth_tcp4.pcap", want, MAX_SEEN);
    CU_ASSERT_EQUAL_FATAL(nw, 10);
    const char *p[] = {CAP "lying-times.pcap", DEC "eth_tcp4.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 2, NULL, &s, &st, &err), 0);
    CU_ASSERT_EQUAL_FATAL(s.n, 11 + 10);
    const uint64_t got[] = {0,       want[1], want[1], want[1], want[3], want[3],
                            want[5], want[5], want[7], want[8], want[9]};
    for (unsigned i = 0; i < 11; i++)
        CU_ASSERT_EQUAL(s.ts[i], got[i]);
    CU_ASSERT_EQUAL(s.caplen[2], 0);
    for (unsigned i = 0; i < 10; i++) /* the next file is read as it is */
        CU_ASSERT_EQUAL(s.ts[11 + i], want[i]);
    CU_ASSERT_EQUAL(st.records_bad_time, 4);
    CU_ASSERT_EQUAL(st.records_empty, 1);
    CU_ASSERT_EQUAL(st.records_over_snaplen, 0);
    CU_ASSERT_STRING_EQUAL(err, "portsleuth: warning: " CAP "lying-times.pcap: 1 packet with no "
                                "captured bytes (first: packet 3); counted as malformed\n"
                                "portsleuth: warning: " CAP "lying-times.pcap: 4 packets with a "
                                "zero, invalid or future timestamp (first: packet 1); given the "
                                "last believable packet time\n");
}

/*
 * A record header that is noise (noise.pcap: packet 4 claims 0x7ffffff0
 * bytes): libpcap stops there; the damage is skipped to the next good record
 * and the packets after it are read, in both byte orders and resolutions.
 */
static void damaged(const char *path, const char *name, const char *real)
{
    struct seen s;
    struct capture_stats st;
    const char *err;
    uint64_t want[MAX_SEEN];
    CU_ASSERT_EQUAL_FATAL(pcap_times(real, want, MAX_SEEN), 10);
    const char *p[] = {path};
    CU_ASSERT_EQUAL(read_paths(p, 1, NULL, &s, &st, &err), 0);
    CU_ASSERT_EQUAL_FATAL(s.n, 9);
    for (unsigned i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(s.ts[i], want[i < 3 ? i : i + 1]);
    CU_ASSERT_EQUAL(s.caplen[3], 66); /* packet 5 */
    CU_ASSERT_EQUAL(st.inputs_truncated, 0);
    /* 24 + 16+74 + 16+74 + 16+66: packet 4 starts at byte 286; it is 16 + 91 bytes. */
    char line[512];
    snprintf(line, sizeof line,
             "portsleuth: warning: %s: damaged record at byte 286 after 3 packets (invalid packet "
             "capture length 2147483632, bigger than snaplen of 262144): 107 bytes skipped to the "
             "next good record\n",
             name);
    CU_ASSERT_STRING_EQUAL(err, line);
}

static void test_damaged_record(void)
{
    damaged(CAP "noise.pcap", CAP "noise.pcap", DEC "eth_tcp4.pcap");
    damaged(CAP "noise-be-nano.pcap", CAP "noise-be-nano.pcap", DEC "eth_tcp4.pcap");
    int fd = open(CAP "noise.pcap", O_RDONLY);
    CU_ASSERT_FATAL(fd >= 0);
    int saved = dup(STDIN_FILENO);
    dup2(fd, STDIN_FILENO);
    close(fd);
    damaged("-", "standard input", DEC "eth_tcp4.pcap"); /* it reads forward only */
    dup2(saved, STDIN_FILENO);
    close(saved);

    /* The filter still applies past the damage. */
    struct seen s;
    struct capture_stats st;
    const char *p[] = {CAP "noise.pcap"};
    CU_ASSERT_EQUAL(read_paths(p, 1, "tcp[tcpflags] & tcp-push != 0", &s, &st, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 1); /* "hello" (packet 6); the banner was packet 4 */
    CU_ASSERT_EQUAL(s.caplen[0], 73);
}

static void test_progress_text(void)
{
    char line[160];
    struct progress_figures f = {.done_bytes = 12345678,
                                 .total_bytes = 110000000,
                                 .packets_per_s = 51234.4,
                                 .frames = 98765,
                                 .have_flows = true,
                                 .flows = 4321};
    capture_progress_text(line, sizeof line, &f);
    CU_ASSERT_STRING_EQUAL(
        line, "portsleuth: 12.3 of 110.0 MB, 51234 packets/s, 98765 frames, 4321 flows");
    f.total_bytes = 0; /* standard input: the size is not known */
    capture_progress_text(line, sizeof line, &f);
    CU_ASSERT_STRING_EQUAL(line, "portsleuth: 12.3 MB, 51234 packets/s, 98765 frames, 4321 flows");
    f.have_flows = false;
    capture_progress_text(line, sizeof line, &f);
    CU_ASSERT_STRING_EQUAL(line, "portsleuth: 12.3 MB, 51234 packets/s, 98765 frames");
    capture_progress_text(line, 20, &f); /* cut, still a string */
    CU_ASSERT_EQUAL(strlen(line), 19);
}

static void test_live_missing_interface(void)
{
    struct capture_options opt = {.duration_s = 0.2};
    struct seen s = {0};
    struct capture_stats st;
    stderr_begin();
    int rc = capture_live("psnosuch0", &opt, record, &s, &st);
    const char *err = stderr_end();
    CU_ASSERT_EQUAL(rc, 1);
    CU_ASSERT_STRING_EQUAL(err, "portsleuth: no such interface 'psnosuch0' (see `ip link`)\n");
}

/* As root: a short capture on loopback ends by itself when the duration is up. */
static void test_live_duration(void)
{
    if (geteuid() != 0)
        return;
    struct capture_options opt = {.duration_s = 0.3, .bpf = "tcp port 9"};
    struct seen s = {0};
    struct capture_stats st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL(capture_live("lo", &opt, record, &s, &st), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT(took >= 0.3 && took < 1.5);
    CU_ASSERT(st.have_kernel_stats);
}

void suite_capture(void)
{
    UNIT_SUITE("capture", NULL, NULL, {"pcap micro and nano", test_pcap_micro_and_nano},
               {"pcapng micro and nano", test_pcapng_micro_and_nano},
               {"several files in order", test_several_in_order}, {"directory", test_directory},
               {"truncated", test_truncated}, {"not a capture", test_not_a_capture},
               {"standard input", test_standard_input}, {"filter and stop", test_filter_and_stop},
               {"pcapng with two link types", test_pcapng_two_linktypes},
               {"records over the snapshot length", test_over_snaplen},
               {"lying times and empty records", test_lying_times},
               {"damaged record header", test_damaged_record},
               {"progress text", test_progress_text},
               {"live: missing interface", test_live_missing_interface},
               {"live: duration", test_live_duration});
}
