/*
 * test_capture_walk.c - classic pcap files walked by capture_pcap.c against libpcap's reading.
 *
 * The records are the real packets of tests/data/decode/eth_tcp4.pcap, written again into
 * files of either byte order, micro- or nanosecond times, the patched 24-byte record
 * header, other snapshot lengths and versions, and cut or bent where a damaged capture
 * would be (the cases no real server produces). Every file is read twice through
 * capture_read_files: by its path (walked by capture_pcap.c, which the counters confirm) and
 * as standard input (libpcap's pcap_next_ex on the counting stream). The frames, times, counters
 * and messages must be the same; where a case has an answer of its own, that is checked too.
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "unit.h"

#define SOURCE "tests/data/decode/eth_tcp4.pcap"
#define NPKT 10                /* records in SOURCE */
#define MAX_FRAMES 64          /* frames one read keeps */
#define FILE_CAP 8192          /* bytes of the files written here */
#define PAGE 4096u             /* a file this long ends on a page */
#define ERR_CAP 2048           /* bytes of messages kept */
#define BIG_FILE (1200u << 10) /* longer than two of the walker\'s windows */
#define SUB_US_NS 789u         /* nanoseconds below the microsecond, dropped on reading */
#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
#define MAGIC_PATCHED 0xa1b2cd34u

/* The real packets. */
static struct {
    uint32_t sec, usec, len;
    uint8_t data[128];
} pkt[NPKT];

static int load_source(void)
{
    size_t len;
    uint8_t *d = unit_read_file(SOURCE, &len);
    if (!d)
        return -1;
    size_t off = 24;
    for (unsigned i = 0; i < NPKT; i++) {
        uint32_t h[4];
        memcpy(h, d + off, sizeof h); /* little endian, as is this machine */
        if (h[2] > sizeof pkt[i].data || off + 16 + h[2] > len) {
            free(d);
            return -1;
        }
        pkt[i].sec = h[0];
        pkt[i].usec = h[1];
        pkt[i].len = h[2];
        memcpy(pkt[i].data, d + off + 16, h[2]);
        off += 16 + h[2];
    }
    free(d);
    return 0;
}

/* ---- writing files ------------------------------------------------------------------ */

struct form {
    bool swapped; /* big endian */
    bool nano;
    bool patched; /* 24-byte record headers */
    uint32_t snaplen;
    uint16_t major, minor; /* 0.0: 2.4 */
};

struct file {
    struct form form;
    uint8_t b[FILE_CAP];
    size_t len;
    size_t rec[MAX_FRAMES]; /* where each record starts */
    unsigned n;
};

static void put32(struct file *f, size_t at, uint32_t v)
{
    if (f->form.swapped)
        v = __builtin_bswap32(v);
    memcpy(f->b + at, &v, 4);
}

static void put16(struct file *f, size_t at, uint16_t v)
{
    if (f->form.swapped)
        v = __builtin_bswap16(v);
    memcpy(f->b + at, &v, 2);
}

static void start(struct file *f, const struct form *form)
{
    memset(f, 0, sizeof *f);
    f->form = *form;
    put32(f, 0, form->patched ? MAGIC_PATCHED : form->nano ? MAGIC_NSEC : MAGIC_USEC);
    put16(f, 4, form->major ? form->major : 2);
    put16(f, 6, form->major ? form->minor : 4);
    put32(f, 16, form->snaplen ? form->snaplen : 262144);
    put32(f, 20, DLT_EN10MB);
    f->len = 24;
}

/* A record of packet i holding data_len bytes (zeros past the packet: an Ethernet trailer). */
static void add(struct file *f, unsigned i, uint32_t data_len, uint32_t wire)
{
    unsigned h = f->form.patched ? 24 : 16;
    CU_ASSERT_FATAL(f->len + h + data_len <= sizeof f->b && f->n < MAX_FRAMES);
    f->rec[f->n++] = f->len;
    put32(f, f->len, pkt[i].sec);
    put32(f, f->len + 4, f->form.nano ? pkt[i].usec * 1000u + SUB_US_NS : pkt[i].usec);
    /* Before 2.3 the wire length came first. */
    bool old = f->form.major == 543 || (f->form.major == 2 && f->form.minor < 3);
    put32(f, f->len + 8, old ? wire : data_len);
    put32(f, f->len + 12, old ? data_len : wire);
    memcpy(f->b + f->len + h, pkt[i].data, data_len < pkt[i].len ? data_len : pkt[i].len);
    f->len += h + data_len;
}

static void add_all(struct file *f)
{
    for (unsigned i = 0; i < NPKT; i++)
        add(f, i, pkt[i].len, pkt[i].len);
}

static void write_file(const struct file *f, size_t len, char *path)
{
    strcpy(path, "/tmp/ps-walk-XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, f->b, len) == (ssize_t)len);
    close(fd);
}

/* ---- reading them twice --------------------------------------------------------------- */

struct run {
    int rc;
    unsigned n;
    struct capture_stats st;
    uint32_t caplen[MAX_FRAMES], wire[MAX_FRAMES], sum[MAX_FRAMES];
    uint64_t ts[MAX_FRAMES];
    unsigned stop_after;
    uint64_t all; /* a digest of every frame, those past MAX_FRAMES too */
    char err[ERR_CAP];
};

static bool keep(const struct capture_frame *f, void *ctx)
{
    struct run *r = ctx;
    if (r->n < MAX_FRAMES) {
        r->caplen[r->n] = f->caplen;
        r->wire[r->n] = f->wire_len;
        r->ts[r->n] = f->ts_us;
        uint32_t s = 0;
        for (uint32_t i = 0; i < f->caplen; i++)
            s = s * 31u + f->data[i];
        r->sum[r->n] = s;
    }
    r->all = r->all * 1000003u + f->caplen * 31u + f->wire_len + f->ts_us;
    for (uint32_t i = 0; i < f->caplen; i++)
        r->all = r->all * 131u + f->data[i];
    r->n++;
    return !(r->stop_after && r->n >= r->stop_after);
}

/* Read path (or, as_stdin, the same file on standard input); messages go to r->err. */
static void read_one(const char *path, bool as_stdin, const char *bpf, struct run *r)
{
    unsigned stop_after = r->stop_after;
    memset(r, 0, sizeof *r);
    r->stop_after = stop_after;
    int saved_in = -1;
    if (as_stdin) {
        int fd = open(path, O_RDONLY);
        CU_ASSERT_FATAL(fd >= 0);
        saved_in = dup(STDIN_FILENO);
        dup2(fd, STDIN_FILENO);
        close(fd);
    }
    fflush(stderr);
    FILE *err = tmpfile();
    CU_ASSERT_FATAL(err != NULL);
    int saved_err = dup(STDERR_FILENO);
    dup2(fileno(err), STDERR_FILENO);
    const char *paths[] = {as_stdin ? "-" : path};
    struct capture_options opt = {.bpf = bpf};
    r->rc = capture_read_files(paths, 1, &opt, keep, r, &r->st);
    fflush(stderr);
    dup2(saved_err, STDERR_FILENO);
    close(saved_err);
    rewind(err);
    size_t got = fread(r->err, 1, sizeof r->err - 1, err);
    r->err[got] = '\0';
    fclose(err);
    if (as_stdin) {
        dup2(saved_in, STDIN_FILENO);
        close(saved_in);
    }
}

/* The messages of a read of standard input, naming path instead. */
static void renamed(const char *err, const char *path, char *out, size_t cap)
{
    static const char who[] = "standard input";
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = err; *p && o + 1 < cap;) {
        if (strncmp(p, who, sizeof who - 1) == 0) {
            o += (size_t)snprintf(out + o, cap - o, "%s", path);
            p += sizeof who - 1;
        } else {
            out[o++] = *p++;
            out[o] = '\0';
        }
    }
}

/* Read f's first len bytes both ways; they must agree. The walked read is left in *m. */
static void both(const struct file *f, size_t len, const char *bpf, struct run *m)
{
    char path[32];
    write_file(f, len, path);
    static struct run s;
    s.stop_after = m->stop_after;
    read_one(path, false, bpf, m);
    read_one(path, true, bpf, &s);
    unlink(path);
    /* The path was walked by capture_pcap.c, standard input read by libpcap. */
    CU_ASSERT_EQUAL(m->st.inputs_walked, 1);
    CU_ASSERT_EQUAL(s.st.inputs_walked, 0);
    CU_ASSERT_EQUAL(m->all, s.all);
    CU_ASSERT_EQUAL(m->rc, s.rc);
    CU_ASSERT_EQUAL_FATAL(m->n, s.n);
    for (unsigned i = 0; i < m->n && i < MAX_FRAMES; i++) {
        CU_ASSERT_EQUAL(m->caplen[i], s.caplen[i]);
        CU_ASSERT_EQUAL(m->wire[i], s.wire[i]);
        CU_ASSERT_EQUAL(m->sum[i], s.sum[i]);
        CU_ASSERT_EQUAL(m->ts[i], s.ts[i]);
    }
    CU_ASSERT_EQUAL(m->st.frames, s.st.frames);
    CU_ASSERT_EQUAL(m->st.bytes, s.st.bytes);
    CU_ASSERT_EQUAL(m->st.inputs_truncated, s.st.inputs_truncated);
    CU_ASSERT_EQUAL(m->st.records_over_snaplen, s.st.records_over_snaplen);
    CU_ASSERT_EQUAL(m->st.records_empty, s.st.records_empty);
    CU_ASSERT_EQUAL(m->st.records_bad_time, s.st.records_bad_time);
    char want[ERR_CAP];
    renamed(s.err, path, want, sizeof want);
    CU_ASSERT_STRING_EQUAL(m->err, want);
    /* The messages name the temporary file: the callers' expectations leave it out. */
    char *at;
    while ((at = strstr(m->err, path)) != NULL)
        memmove(at, at + strlen(path), strlen(at + strlen(path)) + 1);
}

static uint32_t sum_of(unsigned i, uint32_t len)
{
    uint32_t s = 0;
    for (uint32_t k = 0; k < len; k++)
        s = s * 31u + (k < pkt[i].len ? pkt[i].data[k] : 0);
    return s;
}

/* The run holds packets first..first+n-1 whole, with their own times. */
static void holds(const struct run *r, unsigned first, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        unsigned i = first + k;
        CU_ASSERT_EQUAL(r->caplen[k], pkt[i].len);
        CU_ASSERT_EQUAL(r->wire[k], pkt[i].len);
        CU_ASSERT_EQUAL(r->sum[k], sum_of(i, pkt[i].len));
        CU_ASSERT_EQUAL(r->ts[k], (uint64_t)pkt[i].sec * 1000000u + pkt[i].usec);
    }
}

/* ---- the cases ------------------------------------------------------------------------- */

/* Both byte orders, micro- and nanoseconds, and the patched record header: the same packets. */
static void test_forms(void)
{
    static const struct form forms[] = {
        {.swapped = false}, {.swapped = true},
        {.nano = true},     {.nano = true, .swapped = true},
        {.patched = true},  {.patched = true, .swapped = true},
    };
    static struct file f;
    static struct run r;
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        start(&f, &forms[k]);
        add_all(&f);
        both(&f, f.len, NULL, &r);
        CU_ASSERT_EQUAL_FATAL(r.n, NPKT);
        holds(&r, 0, NPKT); /* a nanosecond file's 789 ns are dropped, not read as us */
        CU_ASSERT_STRING_EQUAL(r.err, "");
        CU_ASSERT_EQUAL(r.rc, 0);
    }
}

/* Records that end exactly where a page-long file ends: whole, cut mid-data, mid-header. */
static void test_file_end(void)
{
    static struct file f;
    static struct run r;
    start(&f, &(struct form){0});
    add_all(&f);
    size_t last = PAGE - f.len - 16; /* packet 0 and a zero trailer, up to the page's end */
    add(&f, 0, (uint32_t)last, (uint32_t)last);
    CU_ASSERT_EQUAL_FATAL(f.len, PAGE);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL_FATAL(r.n, NPKT + 1);
    holds(&r, 0, NPKT);
    CU_ASSERT_EQUAL(r.caplen[NPKT], last);
    CU_ASSERT_EQUAL(r.sum[NPKT], sum_of(0, (uint32_t)last));
    CU_ASSERT_STRING_EQUAL(r.err, "");

    /* The last record claims 100 bytes more than the page holds. */
    put32(&f, f.rec[NPKT] + 8, (uint32_t)last + 100);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.n, NPKT);
    char want[256];
    snprintf(want, sizeof want,
             "portsleuth: warning: : capture cut off at byte 4096 after 10 packets (truncated dump "
             "file; tried to read %zu captured bytes, only got %zu)\n",
             last + 100, last);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    CU_ASSERT_EQUAL(r.st.inputs_truncated, 1);

    /* A file of one page whose last 10 bytes are the start of a record header. */
    start(&f, &(struct form){0});
    add_all(&f);
    uint32_t fill = (uint32_t)(PAGE - 10 - f.len - 16);
    add(&f, 0, fill, fill);
    add(&f, 1, pkt[1].len, pkt[1].len);
    both(&f, PAGE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, NPKT + 1);
    CU_ASSERT_STRING_EQUAL(r.err,
                           "portsleuth: warning: : capture cut off at byte 4096 after 11 packets "
                           "(truncated dump file; tried to read 16 header bytes, only got 10)\n");
}

/*
 * A file longer than two of the walker's windows (PCAP_WINDOW, 512 KB and a little):
 * records of lengths from 60 to 1500 bytes (the real packets with zero trailers) fall
 * across its refills; read whole, and cut inside a record well past the first refill.
 */
static void test_window(void)
{
    static const struct form nano = {.nano = true};
    static struct run r, s;
    uint8_t *b = malloc(BIG_FILE);
    CU_ASSERT_FATAL(b != NULL);
    static struct file one;
    start(&one, &nano);
    memcpy(b, one.b, 24);
    size_t len = 24;
    unsigned n = 0;
    for (uint32_t caplen = 60; len + 24 + 1500 < BIG_FILE; caplen = caplen % 1500 + 37, n++) {
        start(&one, &nano);
        one.len = 0;
        add(&one, n % NPKT, caplen, caplen);
        memcpy(b + len, one.b, one.len);
        len += one.len;
    }
    for (unsigned cut = 0; cut < 2; cut++) {
        char path[32];
        strcpy(path, "/tmp/ps-walk-XXXXXX");
        int fd = mkstemp(path);
        CU_ASSERT_FATAL(fd >= 0);
        size_t size = cut ? len - 700 : len;
        CU_ASSERT_FATAL(write(fd, b, size) == (ssize_t)size);
        close(fd);
        read_one(path, false, NULL, &r);
        read_one(path, true, NULL, &s);
        unlink(path);
        CU_ASSERT_EQUAL(r.st.inputs_walked, 1);
        CU_ASSERT(cut ? r.n < n : r.n == n);
        CU_ASSERT_EQUAL(r.n, s.n);
        CU_ASSERT_EQUAL(r.all, s.all);
        CU_ASSERT_EQUAL(r.st.inputs_truncated, cut);
        char want[ERR_CAP];
        renamed(s.err, path, want, sizeof want);
        CU_ASSERT_STRING_EQUAL(r.err, want);
        CU_ASSERT_EQUAL(strlen(r.err) > 0, cut == 1);
    }
    free(b);
}

/* Cut inside a record header and inside a record's data, in both byte orders and resolutions. */
static void test_cuts(void)
{
    static struct file f;
    static struct run r;
    for (unsigned k = 0; k < 4; k++) {
        start(&f, &(struct form){.swapped = k & 1, .nano = k & 2});
        add_all(&f);
        size_t at = f.rec[3] + 10;
        both(&f, at, NULL, &r);
        CU_ASSERT_EQUAL_FATAL(r.n, 3);
        holds(&r, 0, 3);
        char want[256];
        snprintf(want, sizeof want,
                 "portsleuth: warning: : capture cut off at byte %zu after 3 packets (truncated "
                 "dump file; tried to read 16 header bytes, only got 10)\n",
                 at);
        CU_ASSERT_STRING_EQUAL(r.err, want);

        at = f.rec[3] + 16 + 30;
        both(&f, at, NULL, &r);
        CU_ASSERT_EQUAL(r.n, 3);
        snprintf(want, sizeof want,
                 "portsleuth: warning: : capture cut off at byte %zu after 3 packets (truncated "
                 "dump file; tried to read 91 captured bytes, only got 30)\n",
                 at);
        CU_ASSERT_STRING_EQUAL(r.err, want);

        at = f.rec[3]; /* between records: the file just ends */
        both(&f, at, NULL, &r);
        CU_ASSERT_EQUAL(r.n, 3);
        CU_ASSERT_STRING_EQUAL(r.err, "");
    }
}

/*
 * Records longer than the snapshot length: cut to it and told once, the next record in step;
 * a file cut inside one names what libpcap was reading when it ran out (the part it keeps,
 * then the rest it skips).
 */
static void test_over_snaplen(void)
{
    static struct file f;
    static struct run r;
    for (unsigned k = 0; k < 2; k++) {
        start(&f, &(struct form){.snaplen = 70, .swapped = k});
        add_all(&f);
        both(&f, f.len, NULL, &r);
        CU_ASSERT_EQUAL_FATAL(r.n, NPKT);
        CU_ASSERT_EQUAL(r.caplen[0], 70);
        CU_ASSERT_EQUAL(r.wire[0], 74);
        CU_ASSERT_EQUAL(r.sum[0], sum_of(0, 70));
        CU_ASSERT_EQUAL(r.caplen[2], 66);
        CU_ASSERT_EQUAL(r.sum[2], sum_of(2, 66));
        CU_ASSERT_EQUAL(r.st.records_over_snaplen, 4); /* 74, 74, 91, 73 */
        CU_ASSERT_STRING_EQUAL(r.err,
                               "portsleuth: warning: : 4 packets recorded longer than the snapshot "
                               "length 70 (first: packet 1); cut to 70 bytes\n");

        size_t at = f.rec[3] + 16 + 50; /* packet 4 (91 bytes) cut inside what is kept */
        both(&f, at, NULL, &r);
        CU_ASSERT_EQUAL(r.n, 3);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tried to read 70 captured bytes, only got 50)"));
        at = f.rec[3] + 16 + 80; /* ... and inside what is skipped */
        both(&f, at, NULL, &r);
        CU_ASSERT_EQUAL(r.n, 3);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "tried to read 91 captured bytes, only got 80)"));
    }
    /* Patched files of Ethernet get 14 bytes more snapshot length from libpcap. */
    start(&f, &(struct form){.snaplen = 60, .patched = true});
    add_all(&f);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.caplen[0], 74);
    CU_ASSERT_EQUAL(r.caplen[3], 74);
    CU_ASSERT_EQUAL(r.st.records_over_snaplen, 1);
}

/* Old versions: the two lengths the other way round (2.2, DG/UX 543.0), or either (2.3). */
static void test_versions(void)
{
    static const struct form forms[] = {{.major = 2, .minor = 2},
                                        {.major = 543, .minor = 0},
                                        {.major = 2, .minor = 2, .swapped = true}};
    static struct file f;
    static struct run r;
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        start(&f, &forms[k]);
        add_all(&f);
        add(&f, 1, 50, pkt[1].len); /* 50 bytes kept of 74 */
        both(&f, f.len, NULL, &r);
        CU_ASSERT_EQUAL_FATAL(r.n, NPKT + 1);
        holds(&r, 0, NPKT);
        CU_ASSERT_EQUAL(r.caplen[NPKT], 50);
        CU_ASSERT_EQUAL(r.wire[NPKT], 74);
    }
    /* 2.3: records whose captured length exceeds the wire's were written the old way. */
    start(&f, &(struct form){.major = 2, .minor = 3});
    add(&f, 0, pkt[0].len, pkt[0].len);
    add(&f, 1, 60, pkt[1].len); /* cut: 60 of 74, in the new order */
    add(&f, 2, 40, 66);         /* 40 captured of 66, written the old way round */
    put32(&f, f.rec[2] + 8, 66);
    put32(&f, f.rec[2] + 12, 40);
    add(&f, 3, pkt[3].len, 2 * 91); /* in order */
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.caplen[1], 60);
    CU_ASSERT_EQUAL(r.wire[1], 74);
    CU_ASSERT_EQUAL(r.caplen[2], 40);
    CU_ASSERT_EQUAL(r.wire[2], 66);
}

/*
 * Times libpcap reads as signed 32-bit fields (unsigned in a file of the other byte order):
 * a second count with the top bit set is before 1970, or past 2038 - not a believable time
 * either way; a microsecond count of 5 s is not a fraction (libpcap scales it to 5e9 ns
 * without wrapping); a nanosecond count of 2^31 is negative, or past a second.
 */
static void test_times(void)
{
    static struct file f;
    static struct run r;
    for (unsigned k = 0; k < 4; k++) {
        start(&f, &(struct form){.swapped = k & 1, .nano = k & 2});
        add_all(&f);
        put32(&f, f.rec[1], 0x80000000u + 5u);
        put32(&f, f.rec[2] + 4, (k & 2) ? 1000000000u : 5000000u);
        put32(&f, f.rec[3] + 4, (k & 2) ? 0x80000000u : 0xffffffffu);
        put32(&f, f.rec[4] + 4, (k & 2) ? 999999999u : 999999u);
        put32(&f, f.rec[5], 0);
        put32(&f, f.rec[5] + 4, 0);
        both(&f, f.len, NULL, &r);
        CU_ASSERT_EQUAL_FATAL(r.n, NPKT);
        CU_ASSERT_EQUAL(r.st.records_bad_time, 4); /* packets 2, 3, 4 and 6 */
        uint64_t t0 = (uint64_t)pkt[0].sec * 1000000u + pkt[0].usec;
        for (unsigned i = 1; i < 4; i++)
            CU_ASSERT_EQUAL(r.ts[i], t0); /* the last believable one */
        CU_ASSERT_EQUAL(r.ts[4], (uint64_t)pkt[4].sec * 1000000u + 999999u);
        CU_ASSERT_EQUAL(r.ts[5], r.ts[4]);
    }
}

/*
 * A record header past libpcap's longest record: "bigger than snaplen" in the usual case,
 * "bigger than maximum" where the patched format's 14 extra bytes let the snapshot length
 * pass 262144. Both read on past the damage the same way.
 */
static void test_refused(void)
{
    static struct file f;
    static struct run r;
    start(&f, &(struct form){0});
    add_all(&f);
    put32(&f, f.rec[3] + 8, 0x7ffffff0u);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.n, NPKT - 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "damaged record at byte 286 after 3 packets (invalid "
                                         "packet capture length 2147483632, bigger than snaplen "
                                         "of 262144): 107 bytes skipped"));
    start(&f, &(struct form){.patched = true, .snaplen = 262144});
    add_all(&f);
    put32(&f, f.rec[3] + 8, 262150u);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.err, "(invalid packet capture length 262150, bigger than maximum of 262144)"));
    /* Damage as the last bytes of the file: nothing good after it. */
    start(&f, &(struct form){.swapped = true});
    add_all(&f);
    put32(&f, f.rec[NPKT - 1] + 8, 0x7ffffff0u);
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.n, NPKT - 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no good record after it)"));
}

/* The filter and a reader that stops early work on the walked records as on libpcap's. */
static void test_filter_and_stop(void)
{
    static struct file f;
    static struct run r;
    start(&f, &(struct form){.nano = true});
    add_all(&f);
    both(&f, f.len, "tcp[tcpflags] & tcp-push != 0", &r);
    CU_ASSERT_EQUAL(r.n, 2);
    CU_ASSERT_EQUAL(r.caplen[0], 91);
    memset(&r, 0, sizeof r);
    r.stop_after = 4;
    both(&f, f.len, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    CU_ASSERT_EQUAL(r.st.frames, 4);
}

void suite_capture_walk(void);
void suite_capture_walk(void)
{
    UNIT_SUITE(
        "capture_walk", load_source, NULL, {"byte orders, resolutions, patched", test_forms},
        {"records at the file's end", test_file_end},
        {"records across window refills", test_window}, {"cut mid-header and mid-data", test_cuts},
        {"records over the snapshot length", test_over_snaplen},
        {"old versions' length order", test_versions}, {"times as libpcap reads them", test_times},
        {"refused record headers", test_refused}, {"filter and stop", test_filter_and_stop});
}
