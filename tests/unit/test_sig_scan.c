/*
 * test_sig_scan.c - the gram scan of a head (sig_match.c) against a plain
 * linear scan: eight-byte case folding, heads whose grams sit anywhere
 * (across the scan's 256-byte blocks, at the very end, far past the banner),
 * and the two tiers of the gram tables: our own files loaded strictly, then a
 * file loaded leniently (nmap's, when the system has it) whose candidates are
 * looked up only when a search gets to them, from the windows the scan kept or,
 * past SIG_LAZY_WINDOWS of them, from a second scan.
 */
#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sig_internal.h" /* sig_lower8, the tiers and the folded filter */
#include "signature.h"
#include "unit.h"

#define NMAP_PROBES "/usr/share/nmap/nmap-service-probes"

/* Every byte value in every position folds as sig_lower folds it alone. */
static void test_lower8(void)
{
    for (unsigned pos = 0; pos < 8; pos++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned other = 0; other < 256; other += 13) {
                uint8_t in[8];
                for (int k = 0; k < 8; k++)
                    in[k] = (uint8_t)(other * (k + 1) + k * 0x41);
                in[pos] = (uint8_t)b;
                uint64_t w;
                memcpy(&w, in, 8);
                w = sig_lower8(w);
                uint8_t out[8];
                memcpy(out, &w, 8);
                for (int k = 0; k < 8; k++)
                    CU_ASSERT_EQUAL_FATAL(out[k], sig_lower(in[k]));
            }
}

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

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* What servers say first (written from the protocols), and text that fills a long head. */
static const char *const banners[] = {
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
    "SSH-2.0-dropbear_2022.83\r\n",
    "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n",
    "220 (vsFTPd 3.0.3)\r\n",
    "220 ProFTPD Server (Debian) [::ffff:10.0.0.1]\r\n",
    "+OK Dovecot (Debian) ready.\r\n",
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE] Dovecot ready.\r\n",
    "+PONG\r\n",
    "VERSION 1.6.18\r\n",
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\nhello\n",
    "HTTP/1.1 404 Not Found\r\nDate: Sat, 21 Nov 2026 10:00:00 GMT\r\nServer: Apache/2.4.62 "
    "(Debian)\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n\r\n",
    "RFB 003.008\n",
    "@RSYNCD: 31.0\n",
    "-ERR unknown command 'GET'\r\n",
};

static const char *const fillers[] = {
    "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
    "Server: Apache\r\nServer: nginx\r\nServer: Microsoft-IIS/10.0\r\n",
    "HTTP/1.0 200 OK\r\n",
    "<html><head><title>Welcome</title></head><body>It works</body></html>\n",
    "220 ESMTP ready\r\n",
    "aaaaa17Q\r\nTAIL-17!\r\n",
};

static const char *const requests[] = {
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "OPTIONS * HTTP/1.0\r\n\r\n",
    "\r\n\r\n",
    "*1\r\n$4\r\nPING\r\n",
    "SSH-2.0-OpenSSH_9.2p1\r\n",
    "EHLO client.example\r\n",
};

/* A head: a banner (maybe cut, maybe case-flipped), then random bytes or filler text. */
static uint32_t make_head(uint8_t *out, uint32_t cap)
{
    const char *b = banners[rnd(sizeof banners / sizeof banners[0])];
    uint32_t n = (uint32_t)strlen(b);
    memcpy(out, b, n);
    if (rnd(4) == 0)
        n = rnd(n + 1);
    if (rnd(6) == 0)
        for (uint32_t i = 0; i < n; i++)
            if (rnd(3) == 0 && (out[i] | 0x20) >= 'a' && (out[i] | 0x20) <= 'z')
                out[i] ^= 0x20;
    uint32_t target = n + (rnd(3) ? rnd(600) : rnd(cap - n));
    if (target > cap)
        target = cap;
    bool text = rnd(2);
    while (n < target) {
        if (text) {
            const char *f = fillers[rnd(sizeof fillers / sizeof fillers[0])];
            for (size_t k = 0; f[k] && n < target; k++)
                out[n++] = (uint8_t)f[k];
        } else {
            out[n++] = (uint8_t)rnd(256);
        }
    }
    return n;
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

/* Windows of a head the scan keeps for tier 1 (those at even offsets that may hold a key):
 * past SIG_LAZY_WINDOWS the head is scanned again when tier 1 is needed, and the test
 * wants to see that happen too. */
static uint32_t tier1_windows(const struct sigset *s, const uint8_t *p, uint32_t len)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i + 4 <= len; i += 2) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        n += (s->folded_filter[sig_folded_slot(sig_lower4(w), s->folded_shift)] & 2) != 0;
    }
    return n;
}

struct tally {
    unsigned differ, matched, from_tier1, overflowed;
};

static void compare(struct sigset *s, unsigned rounds, struct tally *t)
{
    static uint8_t head[4096], chead[512];
    for (unsigned r = 0; r < rounds; r++) {
        uint32_t len = make_head(head, sizeof head);
        struct classify_input in;
        memset(&in, 0, sizeof in);
        in.transport = rnd(10) ? IPPROTO_TCP : IPPROTO_UDP;
        in.first_talker = rnd(2) ? TALKER_SERVER : TALKER_CLIENT;
        in.server_head = (struct head_bytes){.data = head, .len = len, .truncated = rnd(5) == 0};
        uint32_t clen;
        if (rnd(3)) {
            const char *req = requests[rnd(sizeof requests / sizeof requests[0])];
            clen = (uint32_t)strlen(req);
            memcpy(chead, req, clen);
        } else {
            clen = make_head(chead, sizeof chead);
        }
        if (in.first_talker == TALKER_CLIENT || rnd(3) == 0)
            in.client_head = (struct head_bytes){.data = chead, .len = clen};
        struct got a = {.n = 0}, b = {.n = 0};
        sigset_set_linear(s, true);
        sigset_match(s, &in, collect, &a);
        sigset_set_linear(s, false);
        sigset_match(s, &in, collect, &b);
        if (!same_evidence(&a, &b)) {
            t->differ++;
            fprintf(stderr, "\nscan and linear differ on a head of %u bytes: %.40s\n", len,
                    (const char *)head);
        }
        t->matched += a.n > 0;
        for (int i = 0; i < a.n; i++)
            t->from_tier1 += strncmp(a.ev[i].rule, "lenient", 7) == 0 ||
                             strncmp(a.ev[i].rule, "nmap-service-probes", 19) == 0;
        t->overflowed += tier1_windows(s, head, len) > SIG_LAZY_WINDOWS;
    }
}

/* Lines for tier 1 of our own making: ours would match most of these heads first. The
 * key of "pad" is "aaaa", which the padding filler repeats: a long padded head has far
 * more than SIG_LAZY_WINDOWS windows that may hold a tier 1 key, and "tail" is found
 * only past them. */
static const char lenient[] = "Probe TCP NULL q||\n"
                              "match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)| p/other/ v/$2/\n"
                              "match rsync m|^@RSYNCD: (\\d+)| v/$1/\n"
                              "match vnc m|^RFB 0*(\\d+)\\.0*(\\d+)\\n| v/$1.$2/\n"
                              "match http m|^HTTP/1\\.[01] \\d+ .*\\r\\nServer: nginx/([\\d.]+)|s "
                              "p/nginx/ v/$1/\n"
                              "match http m|Server: Microsoft-IIS/([\\d.]+)| v/$1/\n"
                              "softmatch http m|^HTTP/1\\.[01] \\d\\d\\d |\n"
                              "match smtp m|^220 ESMTP ready\\r\\n|\n"
                              "match pad m|aaaaa(\\d\\d)Q| v/$1/\n"
                              "match tail m|TAIL-(\\d\\d)!| v/$1/\n"
                              "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
                              "match http m|^HTTP/1\\.[01] \\d+ .*<title>Welcome</title>|s\n";

/* Our files strictly, then (if asked and the system has it) nmap's file and our lenient
 * lines, each leniently: tier 1 starts at the first lenient file. */
static struct sigset *two_tier_set(bool nmap, bool *with_nmap)
{
    glob_t g;
    if (glob("signatures/*.sig", 0, NULL, &g) != 0)
        return NULL;
    struct sigset *s = sigset_create();
    char err[256];
    for (size_t i = 0; i < g.gl_pathc; i++)
        CU_ASSERT_EQUAL(sigset_load_file(s, g.gl_pathv[i], true, NULL, err, sizeof err), 0);
    globfree(&g);
    *with_nmap = nmap && sigset_load_file(s, NMAP_PROBES, false, NULL, err, sizeof err) == 0;
    CU_ASSERT_EQUAL(sigset_load_buffer(s, "lenient.sig", lenient, strlen(lenient), false, NULL, err,
                                       sizeof err),
                    0);
    CU_ASSERT_EQUAL(sigset_finalize(s, err, sizeof err), 0);
    return s;
}

static void test_two_tiers_equal_linear(void)
{
    bool with_nmap;
    struct sigset *s = two_tier_set(false, &with_nmap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(s->has_lazy && s->lazy_from > 0 && s->lazy_from < s->nsigs);
    struct tally t = {0};
    compare(s, 3000, &t);
    CU_ASSERT_EQUAL(t.differ, 0);
    CU_ASSERT(t.matched > 1500);
    CU_ASSERT(t.from_tier1 > 0); /* heads that only a tier 1 line names */
    CU_ASSERT(t.overflowed > 0); /* heads whose tier 1 windows did not all fit */

    /* A tier 1 key only after thousands of windows that may hold another. */
    static uint8_t head[4096];
    uint32_t n = 0;
    const char *pad = "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    while (n + strlen(pad) + 8 < sizeof head) {
        memcpy(head + n, pad, strlen(pad));
        n += (uint32_t)strlen(pad);
    }
    memcpy(head + n, "TAIL-42!", 8);
    n += 8;
    CU_ASSERT(tier1_windows(s, head, n) > SIG_LAZY_WINDOWS);
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.first_talker = TALKER_SERVER;
    in.server_head = (struct head_bytes){.data = head, .len = n};
    struct got got = {.n = 0};
    sigset_match(s, &in, collect, &got);
    CU_ASSERT_EQUAL_FATAL(got.n, 1);
    CU_ASSERT_STRING_EQUAL(got.ev[0].service, "tail");
    CU_ASSERT_STRING_EQUAL(got.ev[0].version, "42");
    sigset_destroy(s);

    /* and with nmap's 11,917 lines between ours and those */
    s = two_tier_set(true, &with_nmap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    if (!with_nmap) {
        sigset_destroy(s);
        return;
    }
    memset(&t, 0, sizeof t);
    compare(s, 300, &t);
    CU_ASSERT_EQUAL(t.differ, 0);
    CU_ASSERT(t.matched > 150);
    CU_ASSERT(t.from_tier1 > 0);
    sigset_destroy(s);
}

/* Our own files alone: one tier, and the scan over long heads of every kind. */
static void test_own_set_equal_linear(void)
{
    glob_t g;
    CU_ASSERT_EQUAL_FATAL(glob("signatures/*.sig", 0, NULL, &g), 0);
    struct sigset *s = sigset_create();
    char err[256];
    for (size_t i = 0; i < g.gl_pathc; i++)
        CU_ASSERT_EQUAL(sigset_load_file(s, g.gl_pathv[i], true, NULL, err, sizeof err), 0);
    globfree(&g);
    CU_ASSERT_EQUAL_FATAL(sigset_finalize(s, err, sizeof err), 0);
    CU_ASSERT(!s->has_lazy && s->lazy_from == s->nsigs);
    struct tally t = {0};
    compare(s, 3000, &t);
    CU_ASSERT_EQUAL(t.differ, 0);
    CU_ASSERT(t.matched > 1500);
    CU_ASSERT_EQUAL(t.from_tier1, 0);
    sigset_destroy(s);
}

/* Which probe's lines a server head is matched under (the probes are found through their
 * first byte and their shape): exact-prefix probes in file order, then same-shape ones. */
static const char probes[] = "Probe TCP P1 q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
                             "match p1 m|^R|\n"
                             "Probe TCP P2 q|GET |\n"
                             "match p2 m|^R|\n"
                             "Probe UDP P3 q|GET |\n"
                             "match p3 m|^R|\n"
                             "Probe TCP P4 q|OPTIONS / HTTP/1.0\\r\\n\\r\\n|\n"
                             "match p4 m|^R|\n"
                             "Probe TCP P5 q|G|\n"
                             "match p5 m|^R|\n";

static const char *probe_for(struct sigset *s, uint8_t transport, const char *client)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = transport;
    in.first_talker = TALKER_CLIENT;
    in.server_head = (struct head_bytes){.data = (const uint8_t *)"R", .len = 1};
    in.client_head =
        (struct head_bytes){.data = (const uint8_t *)client, .len = (uint32_t)strlen(client)};
    static struct got g;
    g.n = 0;
    sigset_match(s, &in, collect, &g);
    return g.n ? g.ev[0].service : "-";
}

static void test_probe_order(void)
{
    struct sigset *s = sigset_create();
    char err[256];
    CU_ASSERT_EQUAL_FATAL(
        sigset_load_buffer(s, "p.sig", probes, strlen(probes), true, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(sigset_finalize(s, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_TCP, "GET /index HTTP/1.1\r\nHost: x\r\n\r\n"),
                           "p2");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_TCP, "GET / HTTP/1.0\r\n\r\n"), "p1");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_TCP, "Gx"), "p5");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_UDP, "GET x"), "p3");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_UDP, "Gx"), "-");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_TCP, "OPTIONS * HTTP/1.1\r\n\r\n"), "p1");
    CU_ASSERT_STRING_EQUAL(probe_for(s, IPPROTO_TCP, "HELO x\r\n"), "-");
    sigset_destroy(s);
}

/* Where the analyser puts the run (sig_index.c): after fixed-width items only, from the
 * start of an anchored pattern; and the matcher's check of those bytes against linear. */
static const struct {
    const char *line;
    int run_at;
    const char *sample; /* a subject the line matches */
    size_t len;         /* its length when it holds NULs */
} placed[] = {
    {"match a m|^[\\s\\S]\\x00\\x00\\x00\\x0aAB|", 1, "x\0\0\0\nAB", 8},
    {"match b m|^\\w{4} is not|", 4, "wxyz is not", 0},
    {"match c m|^a{2,3}bcde|", -1, "aaabcde", 0},
    {"match d m|^(?:ab)cdef|", -1, "abcdef", 0},
    {"match e m|^\\R?abcde|", -1, "\r\nabcde", 0},
    {"match f m|^x(?=y)yabcd|", 1, "xyabcd", 0},
    {"match g m|^(?i)abcde|", 0, "ABCDE", 0},
    {"match h m|^\\d\\d\\d[ -]abcde|", 4, "220-abcde", 0},
    {"match i m|abcde|", -1, "xxabcde", 0},
    {"match j m|^.{3}Q12345|", 3, "abcQ12345", 0},
    {"match k m|^\\x00{3}abcde|", 3, "\0\0\0abcde", 8},
    {"match l m|^a\\Kbcdef|", 1, "abcdef", 0},
    {"match m m|^[ab]{0}cdefg|", 0, "cdefg", 0},
    {"match n m|^a*bcdef|", -1, "aabcdef", 0},
    {"match o m|^ab(?#c)cdefgh|", 2, "abcdefgh", 0},
    {"match p m|^..(?i:X)Yzabcdef|", -1, /* a group: its width is not worked out */ "12xYzabcdef",
     0},
    {"match q m|^[\\s\\S]{2}\\x00\\x00\\x00\\x03[\\s\\S]{1}ABCD|", 2, "..\0\0\0\3.ABCD", 11},
    {"match r m|^\\N\\x{41}BCDE|", 1, "zABCDE", 0},
};

static void test_run_placed(void)
{
    char text[2048];
    size_t used = (size_t)snprintf(text, sizeof text, "Probe TCP NULL q||\n");
    size_t n = sizeof placed / sizeof placed[0];
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", placed[i].line);
    struct sigset *s = sigset_create();
    char err[256];
    CU_ASSERT_EQUAL_FATAL(sigset_load_buffer(s, "at.sig", text, used, true, NULL, err, sizeof err),
                          0);
    CU_ASSERT_EQUAL_FATAL(sigset_finalize(s, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(s->nsigs, n);
    for (size_t i = 0; i < n; i++) {
        if (s->sigs[i].run_at != placed[i].run_at)
            fprintf(stderr, "\n%s: run at %d\n", placed[i].line, s->sigs[i].run_at);
        CU_ASSERT_EQUAL(s->sigs[i].run_at, placed[i].run_at);
    }
    /* each sample, moved by a byte either way, cut, or with a byte changed */
    unsigned differ = 0, matched = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sample = placed[i].sample;
        size_t len = placed[i].len ? placed[i].len : strlen(sample);
        for (unsigned v = 0; v < 200; v++) {
            uint8_t head[64];
            uint32_t hl = (uint32_t)len;
            memcpy(head, sample, len);
            switch (v % 4) {
            case 0: /* a byte in front */
                memmove(head + 1, head, hl++);
                head[0] = (uint8_t)rnd(256);
                break;
            case 1: /* a byte less in front */
                if (hl)
                    memmove(head, head + 1, --hl);
                break;
            case 2:
                hl = rnd(hl + 1);
                break;
            default:
                if (hl)
                    head[rnd(hl)] = (uint8_t)rnd(256);
            }
            if (v == 0)
                hl = (uint32_t)len, memcpy(head, sample, len);
            struct classify_input in;
            memset(&in, 0, sizeof in);
            in.transport = IPPROTO_TCP;
            in.first_talker = TALKER_SERVER;
            in.server_head = (struct head_bytes){.data = head, .len = hl};
            struct got a = {.n = 0}, b = {.n = 0};
            sigset_set_linear(s, true);
            sigset_match(s, &in, collect, &a);
            sigset_set_linear(s, false);
            sigset_match(s, &in, collect, &b);
            differ += !same_evidence(&a, &b);
            matched += v == 0 && a.n == 1;
        }
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT_EQUAL(matched, n); /* every sample matches (its own line or an earlier one) */
    sigset_destroy(s);
}

void suite_sig_scan(void)
{
    UNIT_SUITE("sig_scan", NULL, NULL, {"sig_lower8", test_lower8},
               {"own set: scan equals linear", test_own_set_equal_linear},
               {"two tiers: scan equals linear", test_two_tiers_equal_linear},
               {"probes by first byte and shape", test_probe_order},
               {"run at a fixed place", test_run_placed});
}
