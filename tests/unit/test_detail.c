/*
 * test_detail.c - what detail.c shares between the protocol parsers: bounded
 * text from wire bytes.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "detail_wire.h"
#include "unit.h"

/* The same text one character at a time (a byte, or a whole UTF-8 sequence where allowed):
   what textbuf_wire must produce however it copies, since a character is all or nothing. */
static bool reference_wire(struct textbuf *t, const uint8_t *p, size_t n, bool utf8)
{
    size_t i = 0;
    while (i < n) {
        size_t seq = utf8 ? detail_utf8_sequence(p + i, n - i) : 0;
        size_t step = seq ? seq : 1;
        if (!textbuf_wire(t, p + i, step, utf8))
            return false;
        i += step;
    }
    return true;
}

/* Mostly printable runs, with control bytes, UTF-8 sequences and broken ones among them. */
static size_t random_text(uint8_t *out, size_t cap, unsigned *seed)
{
    static const char *const pieces[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                         "\xc3",     "\xed\xa0\x80", "\x00",
                                         "\r\n",     "\x7f",         "\xff"};
    size_t n = (size_t)(rand_r(seed) % (unsigned)cap);
    size_t i = 0;
    while (i < n) {
        unsigned r = (unsigned)rand_r(seed) % 10;
        if (r < 7) {
            out[i++] = (uint8_t)(0x20 + rand_r(seed) % 0x5f);
            continue;
        }
        const char *s = pieces[rand_r(seed) % (int)(sizeof pieces / sizeof *pieces)];
        size_t len = s[0] ? strlen(s) : 1;
        for (size_t k = 0; k < len && i < n; k++)
            out[i++] = (uint8_t)s[k];
    }
    return n;
}

/* Whole runs of printable bytes are copied at once, and stop exactly where bytes stopped. */
static void test_wire_runs(void)
{
    unsigned seed = 7;
    uint8_t in[96];
    for (int round = 0; round < 4000; round++) {
        size_t n = random_text(in, sizeof in, &seed);
        size_t cap = (size_t)(round % 48);
        bool utf8 = round & 1;
        char a[64], b[64];
        memset(a, 'A', sizeof a);
        memset(b, 'A', sizeof b);
        struct textbuf ta, tb;
        textbuf_init(&ta, a, cap);
        textbuf_init(&tb, b, cap);
        /* Sometimes the buffer already holds text. */
        if (round % 3 == 0) {
            textbuf_str(&ta, "ab");
            textbuf_str(&tb, "ab");
        }
        bool ra = textbuf_wire(&ta, in, n, utf8);
        bool rb = reference_wire(&tb, in, n, utf8);
        CU_ASSERT_EQUAL(ra, rb);
        CU_ASSERT_EQUAL(ta.len, tb.len);
        CU_ASSERT_EQUAL(ta.full, tb.full);
        CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    }
}

static void test_wire_exact_fit(void)
{
    char s[6];
    struct textbuf t;
    textbuf_init(&t, s, sizeof s);
    CU_ASSERT_TRUE(textbuf_wire(&t, (const uint8_t *)"hello", 5, false));
    CU_ASSERT_STRING_EQUAL(s, "hello");
    CU_ASSERT_FALSE(t.full);
    textbuf_init(&t, s, sizeof s);
    CU_ASSERT_FALSE(textbuf_wire(&t, (const uint8_t *)"hello!", 6, false));
    CU_ASSERT_STRING_EQUAL(s, "hello");
    CU_ASSERT_TRUE(t.full);
    CU_ASSERT_FALSE(textbuf_wire(&t, (const uint8_t *)"x", 1, false));
    CU_ASSERT_STRING_EQUAL(s, "hello");
}

static unsigned evidence_count;

static void count_evidence(const struct evidence *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
    evidence_count++;
}

static struct classify_input tcp_input(const char *server, const char *client)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = 2222;
    in.server_head.data = (const uint8_t *)server;
    in.server_head.len = (uint32_t)strlen(server);
    in.client_head.data = (const uint8_t *)client;
    in.client_head.len = (uint32_t)strlen(client);
    return in;
}

/*
 * When SSH is read: a client opening with "SSH-", or "SSH-" anywhere in the server's
 * head. A client's identification string after other lines is read only then.
 */
static void test_ssh_choice(void)
{
    static const char banner[] = "SSH-2.0-OpenSSH_9.2p1\r\n";
    struct flow_detail *d = malloc(sizeof *d);
    CU_ASSERT_FATAL(d != NULL);

    /* The server's identification string after other lines. */
    struct classify_input in = tcp_input("hello there\r\nwait\r\nSSH-2.0-OpenSSH_9.2p1\r\n", "");
    evidence_count = 0;
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_TRUE(d->ssh.seen);
    CU_ASSERT_STRING_EQUAL(d->ssh.server_banner, "SSH-2.0-OpenSSH_9.2p1");
    CU_ASSERT_EQUAL(evidence_count, 1);

    /* The client's after another line: read when the server's head says "SSH-" somewhere. */
    in = tcp_input("HTTP/1.1 400 Bad Request\r\n\r\nnot for SSH-2.0 clients\n",
                   "x\r\nSSH-2.0-PuTTY_Release_0.78\r\n");
    evidence_count = 0;
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_TRUE(d->ssh.seen);
    CU_ASSERT_STRING_EQUAL(d->ssh.client_banner, "SSH-2.0-PuTTY_Release_0.78");
    CU_ASSERT_STRING_EQUAL(d->ssh.server_banner, "");
    /* ... and not when it does not. */
    in = tcp_input("HTTP/1.1 400 Bad Request\r\n\r\n", "x\r\nSSH-2.0-PuTTY_Release_0.78\r\n");
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_FALSE(d->ssh.seen);
    CU_ASSERT_STRING_EQUAL(d->ssh.client_banner, "");

    /* A client that opens with its string is read whatever the server said. */
    in = tcp_input("HTTP/1.1 400 Bad Request\r\n\r\n", banner);
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_TRUE(d->ssh.seen);
    CU_ASSERT_STRING_EQUAL(d->ssh.client_banner, "SSH-2.0-OpenSSH_9.2p1");

    /* "SSH-" inside a line is no identification string. */
    in = tcp_input("220 ready for SSH-2.0-x\r\n", "USER SSH-2.0-y\r\n");
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_FALSE(d->ssh.seen);
    free(d);
}

/* One conversation's heads, read from tests/data (kept bytes of real captures). */
struct conversation {
    uint8_t *server, *client;
    size_t sn, cn;
    bool udp;
};

static struct conversation load_conversation(const char *dir, const char *name, bool udp)
{
    char path[160];
    struct conversation c = {.udp = udp};
    snprintf(path, sizeof path, "tests/data/%s/%s.server%s", dir, name, udp ? ".0" : "");
    c.server = unit_read_file(path, &c.sn);
    snprintf(path, sizeof path, "tests/data/%s/%s.client%s", dir, name, udp ? ".0" : "");
    c.client = unit_read_file(path, &c.cn);
    CU_ASSERT_PTR_NOT_NULL(c.server);
    CU_ASSERT_PTR_NOT_NULL(c.client);
    return c;
}

static struct head_bytes head_of(const uint8_t *p, size_t n, bool udp)
{
    struct head_bytes h;
    memset(&h, 0, sizeof h);
    h.data = p;
    h.len = (uint32_t)n;
    if (udp && n) {
        h.datagrams = 1;
        h.datagram_end[0] = (uint32_t)n;
    }
    return h;
}

struct evidence_log {
    struct evidence ev[8];
    unsigned n;
};

static void log_evidence(const struct evidence *ev, void *ctx)
{
    struct evidence_log *log = ctx;
    if (log->n < 8)
        log->ev[log->n++] = *ev;
}

/* What nDPI's witness does between two readings: fill an empty field, and set seen. */
static void fill_like_ndpi(struct flow_detail *d, unsigned which)
{
    if (which == 0 && !d->tls.sni[0]) {
        snprintf(d->tls.sni, sizeof d->tls.sni, "ndpi.example");
        d->tls.seen = true;
    } else if (which == 1 && !d->ssh.hassh[0]) {
        snprintf(d->ssh.hassh, sizeof d->ssh.hassh, "0123456789abcdef0123456789abcdef");
        d->ssh.seen = true;
    } else if (which == 2 && !d->http.status) {
        d->http.status = 204;
        d->http.seen = true;
    }
}

/*
 * detail_parse_again on one reused flow_detail gives, conversation after
 * conversation, what detail_parse gives on a fresh one (filled with junk first),
 * with the same evidence in the same order, whatever the previous conversation was.
 */
static void test_parse_again(void)
{
    static const struct {
        const char *dir, *name;
        bool udp;
    } sources[] = {
        {"detail", "tls12", false},   {"detail", "tls12ca", false}, {"detail", "tls13", false},
        {"detail", "ssh", false},     {"detail", "http", false},    {"udp", "dns-a", true},
        {"udp", "dns-version", true}, {"udp", "ntp", true},         {"udp", "snmp-v2c", true},
        {"udp", "snmp-v3", true},     {"udp", "snmp-v1", true},
    };
    enum { NSOURCES = sizeof sources / sizeof sources[0] };
    struct conversation conv[NSOURCES];
    for (size_t i = 0; i < NSOURCES; i++)
        conv[i] = load_conversation(sources[i].dir, sources[i].name, sources[i].udp);

    struct flow_detail *reused = calloc(1, sizeof *reused);
    struct flow_detail *fresh = malloc(sizeof *fresh);
    CU_ASSERT_FATAL(reused != NULL && fresh != NULL);
    unsigned seed = 11;
    for (int round = 0; round < 600; round++) {
        const struct conversation *c = &conv[rand_r(&seed) % NSOURCES];
        /* Now and then the bytes of one protocol over the other transport, or one side only. */
        bool udp = rand_r(&seed) % 5 ? c->udp : !c->udp;
        unsigned sides = (unsigned)rand_r(&seed) % 6;
        struct classify_input in;
        memset(&in, 0, sizeof in);
        in.transport = udp ? IPPROTO_UDP : IPPROTO_TCP;
        in.server_port = 4242;
        if (sides != 1)
            in.server_head = head_of(c->server, c->sn, udp);
        if (sides != 2)
            in.client_head = head_of(c->client, c->cn, udp);

        struct evidence_log a = {.n = 0}, b = {.n = 0};
        memset(fresh, 0xa5, sizeof *fresh);
        detail_parse(&in, fresh, log_evidence, &a);
        detail_parse_again(&in, reused, log_evidence, &b);
        CU_ASSERT_EQUAL(memcmp(fresh, reused, sizeof *fresh), 0);
        CU_ASSERT_EQUAL(a.n, b.n);
        CU_ASSERT_EQUAL(memcmp(a.ev, b.ev, a.n * sizeof a.ev[0]), 0);
        if (rand_r(&seed) % 3 == 0)
            fill_like_ndpi(reused, (unsigned)rand_r(&seed) % 3);
    }
    free(reused);
    free(fresh);
    for (size_t i = 0; i < NSOURCES; i++) {
        free(conv[i].server);
        free(conv[i].client);
    }
}

/* DNS over TCP is read when the client's head opens with a whole length-prefixed query. */
static void test_dns_tcp_choice(void)
{
    struct conversation a = load_conversation("udp", "dns-a", true);
    uint8_t q[512], r[512];
    CU_ASSERT_FATAL(a.cn + 2 <= sizeof q && a.sn + 2 <= sizeof r);
    q[0] = (uint8_t)(a.cn >> 8);
    q[1] = (uint8_t)a.cn;
    memcpy(q + 2, a.client, a.cn);
    r[0] = (uint8_t)(a.sn >> 8);
    r[1] = (uint8_t)a.sn;
    memcpy(r + 2, a.server, a.sn);
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = 53;
    in.server_head = head_of(r, a.sn + 2, false);
    in.client_head = head_of(q, a.cn + 2, false);
    struct flow_detail *d = malloc(sizeof *d);
    CU_ASSERT_FATAL(d != NULL);
    evidence_count = 0;
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_TRUE(d->parsed & DETAIL_DNS);
    CU_ASSERT_TRUE(d->dns.seen);
    CU_ASSERT_STRING_EQUAL(d->dns.qname, "www.example.test");
    CU_ASSERT_EQUAL(evidence_count, 1);
    /* The query cut by the head's end: nothing dns_parse could read, so it is not run. */
    in.client_head.len--;
    evidence_count = 0;
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_FALSE(d->parsed & DETAIL_DNS);
    CU_ASSERT_FALSE(d->dns.seen);
    CU_ASSERT_TRUE(dns_parse(&in, &d->dns, count_evidence, NULL) == false);
    CU_ASSERT_EQUAL(evidence_count, 0);
    /* A request line reads as a length far past the head. */
    in = tcp_input("HTTP/1.1 200 OK\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    detail_parse(&in, d, count_evidence, NULL);
    CU_ASSERT_EQUAL(d->parsed, DETAIL_HTTP);
    free(d);
    free(a.server);
    free(a.client);
}

void suite_detail(void)
{
    UNIT_SUITE("detail", NULL, NULL, {"wire text in runs", test_wire_runs},
               {"wire text that just fits", test_wire_exact_fit},
               {"when SSH is read", test_ssh_choice},
               {"a reused detail reads as a fresh one", test_parse_again},
               {"when DNS over TCP is read", test_dns_tcp_choice});
}
