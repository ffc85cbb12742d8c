/*
 * test_sig_nmap.c - the signature engine at scale: loading the nmap file the
 * system has (/usr/share/nmap/nmap-service-probes, loaded, never copied), and
 * the first-byte index against a plain linear scan on many random heads.
 *
 * With PS_SIG_BENCH=1 in the environment it also prints matches/s for an SSH
 * banner and an HTTP exchange, with a ~250-line set and with the nmap file.
 */
#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "signature.h"
#include "unit.h"

#define NMAP_PROBES "/usr/share/nmap/nmap-service-probes"

struct got {
    struct evidence ev[4];
    int n;
};

static void collect(const struct evidence *ev, void *ctx)
{
    struct got *g = ctx;
    if (g->n < 4)
        g->ev[g->n++] = *ev;
}

static struct sigset *nmap_set(void)
{
    struct sigset *s = sigset_create();
    char err[256];
    if (sigset_load_file(s, NMAP_PROBES, false, NULL, err, sizeof err) != 0 ||
        sigset_finalize(s, err, sizeof err) != 0) {
        sigset_destroy(s);
        return NULL;
    }
    return s;
}

/*
 * nmap 7.93's file: 148 probes, 11,721 match and 196 softmatch lines, and
 * every one of them compiles with PCRE2 10.42 and none matches the empty
 * string, so nothing is rejected.
 */
static void test_nmap_counts(void)
{
    struct sigset *s = nmap_set();
    /* make deps installs nmap: without its file this test fails rather than pass unseen */
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const struct sigset_load_stats *st = sigset_stats(s);
    CU_ASSERT_EQUAL(st->probes, 148);
    CU_ASSERT_EQUAL(st->matches, 11721);
    CU_ASSERT_EQUAL(st->softmatches, 196);
    CU_ASSERT_EQUAL(st->clientmatches, 0);
    CU_ASSERT_EQUAL(st->rejected, 0);
    /* unanchored or unanalysable patterns, tried on every head: a small minority */
    unsigned any = sigset_unindexed(s);
    CU_ASSERT(any < 400);
    if (getenv("PS_SIG_BENCH"))
        fprintf(stderr, "\nnmap file: %u of %u signatures in the any list\n", any,
                st->matches + st->softmatches);
    /* a known shape end to end */
    const char *ssh = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.first_talker = TALKER_SERVER;
    in.server_head =
        (struct head_bytes){.data = (const uint8_t *)ssh, .len = (uint32_t)strlen(ssh)};
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "ssh");
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "OpenSSH");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "9.2p1 Debian 2");
    sigset_destroy(s);
}

/* nmap's file loaded beside our own set, as users run it: no probe of ours collides with one
 * of nmap's (a same-named probe with other bytes once cost nmap's 44 SIPOptions lines). */
static void test_nmap_beside_ours(void)
{
    glob_t g;
    CU_ASSERT_EQUAL_FATAL(glob("signatures/*.sig", 0, NULL, &g), 0);
    struct sigset *s = sigset_create();
    char err[256];
    for (size_t i = 0; i < g.gl_pathc; i++)
        CU_ASSERT_EQUAL(sigset_load_file(s, g.gl_pathv[i], true, NULL, err, sizeof err), 0);
    unsigned ours = sigset_stats(s)->matches;
    CU_ASSERT_EQUAL(sigset_load_file(s, NMAP_PROBES, false, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_finalize(s, err, sizeof err), 0);
    const struct sigset_load_stats *st = sigset_stats(s);
    CU_ASSERT_EQUAL(st->rejected, 0);
    CU_ASSERT_EQUAL(st->matches, ours + 11721);
    sigset_destroy(s);
    globfree(&g);
}

/* ---- index == linear ---------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static const char *const seeds[] = {
    "SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n",
    "SSH-1.99-Cisco-1.25\r\n",
    "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n",
    "220 ProFTPD 1.3.6 Server (Debian) [::ffff:10.0.0.1]\r\n",
    "220-FileZilla Server 0.9.60 beta\r\n",
    "+OK Dovecot ready.\r\n",
    "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] Dovecot ready.\r\n",
    "RFB 003.008\n",
    "-ERR unknown command 'GET'\r\n",
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n",
    "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n",
    "\x4a\x00\x00\x00\x0a"
    "8.0.32\x00\x08\x00\x00\x00",
    "\x16\x03\x03\x00\x4a\x02\x00\x00\x46\x03\x03",
    "AMQP\x00\x00\x09\x01",
    "@RSYNCD: 31.0\n",
    "ZORK ready 3\r\n",
    "zork READY\r\n",
    "Xa-b 99\n",
    "\x00\x01\x02\x03",
};

/* Seeds with NUL bytes inside have their length written out. */
static size_t seed_length(const char *seed)
{
    if (seed[0] == '\x4a')
        return 15;
    if (seed[0] == '\x16')
        return 11;
    if (seed[0] == 'A')
        return 8;
    return seed[0] ? strlen(seed) : 4;
}

static void mutate(const char *seed, size_t seedlen, uint8_t *out, uint32_t *len)
{
    uint32_t n = (uint32_t)seedlen;
    memcpy(out, seed, n);
    switch (rnd(6)) {
    case 0: /* cut */
        n = rnd(n + 1);
        break;
    case 1: /* flip a byte */
        if (n)
            out[rnd(n)] = (uint8_t)rnd(256);
        break;
    case 2: /* flip case */
        for (uint32_t i = 0; i < n; i++)
            if (rnd(3) == 0 && ((out[i] | 0x20) >= 'a' && (out[i] | 0x20) <= 'z'))
                out[i] ^= 0x20;
        break;
    case 3: /* random bytes */
        n = 1 + rnd(40);
        for (uint32_t i = 0; i < n; i++)
            out[i] = (uint8_t)(rnd(2) ? rnd(256) : ' ' + rnd(95));
        break;
    default: /* append */
        for (uint32_t k = rnd(20); k && n < 200; k--)
            out[n++] = (uint8_t)(' ' + rnd(95));
    }
    *len = n;
}

static bool same_evidence(const struct got *a, const struct got *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (memcmp(&a->ev[i], &b->ev[i], sizeof a->ev[i]) != 0)
            return false;
    return true;
}

static unsigned compare_index_linear(struct sigset *s, unsigned rounds, unsigned *differ)
{
    static const char *const requests[] = {"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                                           "OPTIONS * HTTP/1.0\r\n\r\n", "\r\n\r\n", "HELO x\r\n"};
    unsigned matched = 0;
    *differ = 0;
    for (unsigned r = 0; r < rounds; r++) {
        uint8_t head[256];
        uint32_t len;
        const char *seed = seeds[rnd(sizeof seeds / sizeof seeds[0])];
        mutate(seed, seed_length(seed), head, &len);
        struct classify_input in;
        memset(&in, 0, sizeof in);
        in.transport = IPPROTO_TCP;
        in.first_talker = rnd(3) ? TALKER_SERVER : TALKER_CLIENT;
        in.server_head = (struct head_bytes){.data = head, .len = len};
        const char *req = requests[rnd(4)];
        uint8_t chead[256];
        uint32_t clen = (uint32_t)strlen(req);
        memcpy(chead, req, clen);
        if (rnd(2)) { /* a client that says something else: clientmatch lines */
            const char *cseed = seeds[rnd(sizeof seeds / sizeof seeds[0])];
            mutate(cseed, seed_length(cseed), chead, &clen);
        }
        if (in.first_talker == TALKER_CLIENT || rnd(4) == 0)
            in.client_head = (struct head_bytes){.data = chead, .len = clen};
        if (rnd(8) == 0)
            in.transport = IPPROTO_UDP;
        struct got a = {.n = 0}, b = {.n = 0};
        sigset_set_linear(s, true);
        sigset_match(s, &in, collect, &a);
        sigset_set_linear(s, false);
        sigset_match(s, &in, collect, &b);
        if (!same_evidence(&a, &b)) {
            (*differ)++;
            fprintf(stderr, "\nindex and linear differ on a head of %u bytes (%d vs %d)\n", len,
                    a.n, b.n);
        }
        matched += a.n > 0;
    }
    return matched;
}

/* Patterns that exercise what the first-byte reader must get right. */
static const char tricky[] = "Probe TCP NULL q||\n"
                             "match zork m|^ZORK ready (\\d+)| v/$1/\n"
                             "match zork2 m|^zork|i\n"
                             "match alt m=^(?:SSH|RFB) =\n"
                             "match alt2 m=^SSH-1\\.99|^220-=\n"
                             "match opt m|^(?:\\+)?OK|\n"
                             "match opt2 m|^x?y*\\*? OK|\n"
                             "match cls m|^[A-Z]{3}[-.]|\n"
                             "match negcls m|^[^A-Z0-9]{2}|\n"
                             "match icls m|^(?i)[a-c]a-B|\n"
                             "match scoped m|^(?i:x)A-|\n"
                             "match esc m|^\\x00\\x01|\n"
                             "match dig m|^\\d\\d\\d[ -]|\n"
                             "match look m|^(?=H)HTTP/1\\.[01] (\\d+)| i/$1/\n"
                             "match lookneg m|^(?!SSH)\\S+ \\d|\n"
                             "match back m|^(.)\\1|s\n"
                             "match unanch m|ready|\n"
                             "match brace m|^a{,2}b|\n"
                             "match cnt m|^X{0}a|\n"
                             "match comment m|^(?#note)@RS|\n"
                             "match dotall m|^.{3}Q|s\n"
                             "match named m|^(?<n>AM)QP|\n"
                             "match caseoff m|^(?i)a(?-i)MQ|\n"
                             "match multi m|(?m)^Server:|\n"
                             "clientmatch redis m|^\\*\\d+\\r\\n\\$\\d+\\r\\n(?i)ping|\n"
                             "clientmatch ssh m|^SSH-([\\d.]+)-| i/client protocol $1/\n"
                             "softclientmatch http m|^[A-Z]+ /|\n"
                             "clientmatch http m|^GET / HTTP/1\\.1\\r\\nHost: |\n"
                             "clientmatch zork m|ready \\d|i\n"
                             "softmatch http m|^HTTP/1\\.|\n"
                             "match http m|^HTTP/1\\.1 200.*nginx/([\\d.]+)|s v/$1/\n"
                             "Probe TCP Get q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
                             "match http m|^HTTP/1\\.[01] 401|\n"
                             "match http m|^HTTP/1\\.1 200 OK\\r\\nServer: (\\w+)| p/$1/\n"
                             "Probe UDP Ping q|\\x00\\x01|\n"
                             "match pingd m|^\\x00\\x01\\x02(.)|s v/$I(1,\">\")/\n"
                             "match zork m|^ZORK ready|\n"
                             "clientmatch pingd m|^\\x00\\x01\\x02\\x03|\n";

static void test_index_equals_linear(void)
{
    char err[256];
    struct sigset *s = sigset_create();
    CU_ASSERT_EQUAL_FATAL(
        sigset_load_buffer(s, "tricky.sig", tricky, strlen(tricky), true, NULL, err, sizeof err),
        0);
    CU_ASSERT_EQUAL_FATAL(sigset_finalize(s, err, sizeof err), 0);
    unsigned differ;
    unsigned matched = compare_index_linear(s, 20000, &differ);
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(matched > 2000); /* the heads do reach the signatures */
    sigset_destroy(s);
    s = nmap_set();
    if (!s)
        return;
    matched = compare_index_linear(s, 600, &differ);
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(matched > 100);
    sigset_destroy(s);
}

/* ---- benchmark (PS_SIG_BENCH=1) ----------------------------------------------------- */

static void noop(const struct evidence *ev, void *ctx)
{
    (void)ev;
    (*(unsigned *)ctx)++;
}

static double rate(const struct sigset *s, const struct classify_input *in)
{
    unsigned n = 0, rounds = 3000;
    struct timespec a, b;
    /* CPU time of this thread: the machine is shared, wall time would measure the others */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    for (unsigned i = 0; i < rounds; i++)
        sigset_match(s, in, noop, &n);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    return rounds / ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
}

static void bench_set(const char *name, const struct sigset *s)
{
    const char *ssh = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
    const char *req = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    const char *resp = "HTTP/1.1 200 OK\r\nDate: Sat, 21 Nov 2026 10:00:00 GMT\r\n"
                       "Server: Apache/2.4.57 (Debian)\r\nContent-Length: 5\r\n\r\nhello";
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.first_talker = TALKER_SERVER;
    in.server_head =
        (struct head_bytes){.data = (const uint8_t *)ssh, .len = (uint32_t)strlen(ssh)};
    double r1 = rate(s, &in);
    in.first_talker = TALKER_CLIENT;
    in.client_head =
        (struct head_bytes){.data = (const uint8_t *)req, .len = (uint32_t)strlen(req)};
    in.server_head =
        (struct head_bytes){.data = (const uint8_t *)resp, .len = (uint32_t)strlen(resp)};
    double r2 = rate(s, &in);
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    fprintf(stderr, "\nbench %s: ssh banner %.0f matches/s, http exchange %.0f matches/s (%s %s)\n",
            name, r1, r2, g.n ? g.ev[0].service : "-", g.n ? g.ev[0].product : "-");
}

static void test_bench(void)
{
    if (!getenv("PS_SIG_BENCH"))
        return;
    /* ~250 lines of the shape our own files have: anchored banners and HTTP servers */
    size_t cap = 64 * 1024, used = 0;
    char *text = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    used += (size_t)snprintf(text + used, cap - used, "Probe TCP NULL q||\n");
    for (int i = 0; i < 120; i++)
        used +=
            (size_t)snprintf(text + used, cap - used,
                             "match svc%d m|^%c%cBANNER%d ([\\d.]+)\\r\\n| p/Product %d/ v/$1/\n",
                             i, 'A' + i % 26, 'a' + i % 7, i, i);
    used +=
        (size_t)snprintf(text + used, cap - used,
                         "match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w._-]+)[ -]| p/OpenSSH/ v/$2/\n"
                         "Probe TCP Get q|GET / HTTP/1.0\\r\\n\\r\\n|\n");
    for (int i = 0; i < 120; i++)
        used += (size_t)snprintf(
            text + used, cap - used,
            "match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: Web%d/([\\d.]+)|s "
            "p/Web%d/ v/$1/\n",
            i, i);
    used +=
        (size_t)snprintf(text + used, cap - used,
                         "match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: Apache/([\\d.]+)|s "
                         "p/Apache httpd/ v/$1/\n");
    struct sigset *s = sigset_create();
    char err[256];
    CU_ASSERT_EQUAL_FATAL(sigset_load_buffer(s, "own.sig", text, used, true, NULL, err, sizeof err),
                          0);
    CU_ASSERT_EQUAL_FATAL(sigset_finalize(s, err, sizeof err), 0);
    bench_set("own-sized (243 lines)", s);
    sigset_destroy(s);
    free(text);
    s = nmap_set();
    if (s)
        bench_set("nmap file", s);
    sigset_destroy(s);
    /* and our own files, as they are today */
    glob_t files;
    if (glob("signatures/*.sig", 0, NULL, &files) == 0) {
        s = sigset_create();
        bool ok = true;
        for (size_t i = 0; i < files.gl_pathc && ok; i++)
            ok = sigset_load_file(s, files.gl_pathv[i], true, NULL, err, sizeof err) == 0;
        if (ok && sigset_finalize(s, err, sizeof err) == 0)
            bench_set("signatures/*.sig", s);
        else
            fprintf(stderr, "\nsignatures/*.sig: %s\n", err);
        sigset_destroy(s);
        globfree(&files);
    }
}

void suite_sig_nmap(void)
{
    UNIT_SUITE("sig_nmap", NULL, NULL, {"nmap file counts", test_nmap_counts},
               {"nmap file beside our set", test_nmap_beside_ours},
               {"index equals linear scan", test_index_equals_linear}, {"bench", test_bench});
}
