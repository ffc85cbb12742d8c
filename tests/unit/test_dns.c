/*
 * test_dns.c - the DNS parser on real exchanges with dnsmasq (dig queries,
 * tests/data/udp/dns-*, made by make-captures.sh) and on crafted messages:
 * wrong ids and questions, every truncation, compression loops and forward
 * pointers, names and labels at and past their limits, absurd counts and
 * lengths, version.bind strings of several servers, ports that say nothing
 * (SNMP bytes on 53 are not DNS, DNS on 123 is), and DNS over TCP framing.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "unit.h"

#define SIDE_MAX 4096

struct side {
    uint8_t buf[SIDE_MAX];
    struct head_bytes h;
};

static int evidence_count;
static struct evidence last;

static void collect(const struct evidence *ev, void *ctx)
{
    (void)ctx;
    last = *ev;
    evidence_count++;
}

static void side_reset(struct side *s)
{
    memset(s, 0, sizeof *s);
    s->h.data = s->buf;
}

/* Append one datagram to a head, recording its end as the stream stage does. */
static void side_add(struct side *s, const void *p, size_t n)
{
    CU_ASSERT_FATAL(s->h.len + n <= SIDE_MAX && s->h.datagrams < PS_MAX_UDP_DATAGRAMS);
    memcpy(s->buf + s->h.len, p, n);
    s->h.len += (uint32_t)n;
    s->h.datagram_end[s->h.datagrams++] = s->h.len;
}

static struct side client, server;

static uint8_t *exact_copy(struct head_bytes *h)
{
    uint8_t *p = malloc(h->len ? h->len : 1);
    CU_ASSERT_FATAL(p != NULL);
    memcpy(p, h->data, h->len);
    h->data = p;
    return p;
}

static bool run_port(uint16_t port, struct dns_detail *d)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_UDP;
    in.server_port = port;
    in.client_port = 40000;
    in.server_head = server.h;
    in.client_head = client.h;
    /* Exact-size copies, so that a read past a head is caught by AddressSanitizer. */
    uint8_t *s = exact_copy(&in.server_head), *c = exact_copy(&in.client_head);
    evidence_count = 0;
    memset(&last, 0, sizeof last);
    bool seen = dns_parse(&in, d, collect, NULL);
    free(s);
    free(c);
    return seen;
}

static bool run(struct dns_detail *d)
{
    return run_port(53, d);
}

/* One query and one response (either may be NULL for none). */
static bool exchange(const void *q, size_t qn, const void *r, size_t rn, struct dns_detail *d)
{
    side_reset(&client);
    side_reset(&server);
    if (q)
        side_add(&client, q, qn);
    if (r)
        side_add(&server, r, rn);
    return run(d);
}

static uint8_t *load(const char *path, size_t *n)
{
    uint8_t *p = unit_read_file(path, n);
    CU_ASSERT_FATAL(p != NULL);
    return p;
}

struct pair {
    uint8_t *q, *r;
    size_t qn, rn;
};

static struct pair load_pair(const char *name)
{
    char path[128];
    struct pair p;
    snprintf(path, sizeof path, "tests/data/udp/%s.client.0", name);
    p.q = load(path, &p.qn);
    snprintf(path, sizeof path, "tests/data/udp/%s.server.0", name);
    p.r = load(path, &p.rn);
    return p;
}

static void free_pair(struct pair *p)
{
    free(p->q);
    free(p->r);
}

static void test_dnsmasq_a(void)
{
    struct pair p = load_pair("dns-a");
    struct dns_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT(d.seen);
    CU_ASSERT_EQUAL(d.id, 0x37c3);
    CU_ASSERT_STRING_EQUAL(d.qname, "www.example.test");
    CU_ASSERT_EQUAL(d.qtype, 1);
    CU_ASSERT_EQUAL(d.qclass, 1);
    CU_ASSERT_EQUAL(d.opcode, 0);
    CU_ASSERT_EQUAL(d.rcode, 0);
    CU_ASSERT_EQUAL(d.answers, 1);
    CU_ASSERT_STRING_EQUAL(d.version, "");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "domain");
    CU_ASSERT_STRING_EQUAL(last.rule, "dns:response");
    CU_ASSERT_STRING_EQUAL(last.product, "");
    CU_ASSERT_STRING_EQUAL(last.info, "");
    CU_ASSERT_EQUAL(last.witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(last.strength, STRENGTH_PARSER);
    free_pair(&p);
}

static void test_dnsmasq_version(void)
{
    struct pair p = load_pair("dns-version");
    struct dns_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT_STRING_EQUAL(d.qname, "version.bind");
    CU_ASSERT_EQUAL(d.qtype, 16);
    CU_ASSERT_EQUAL(d.qclass, 3);
    CU_ASSERT_EQUAL(d.id, 0xea0e);
    CU_ASSERT_STRING_EQUAL(d.version, "dnsmasq-2.90");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "domain");
    CU_ASSERT_STRING_EQUAL(last.product, "dnsmasq");
    CU_ASSERT_STRING_EQUAL(last.version, "2.90");
    free_pair(&p);
}

/* dig with EDNS (an OPT record in both) and a REFUSED answer: still an answer. */
static void test_dnsmasq_edns_refused(void)
{
    struct pair p = load_pair("dns-edns");
    struct dns_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT_EQUAL(d.qtype, 28);
    CU_ASSERT_EQUAL(d.rcode, 5);
    CU_ASSERT_EQUAL(d.answers, 0);
    CU_ASSERT_EQUAL(evidence_count, 1);
    free_pair(&p);
}

/* The port says nothing: the same bytes on 123, 161 and 53 are the same answer. */
static void test_any_port(void)
{
    struct pair p = load_pair("dns-version");
    static const uint16_t ports[] = {53, 123, 161, 5353, 40000};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        struct dns_detail d;
        side_reset(&client);
        side_reset(&server);
        side_add(&client, p.q, p.qn);
        side_add(&server, p.r, p.rn);
        CU_ASSERT(run_port(ports[i], &d));
        CU_ASSERT_EQUAL(evidence_count, 1);
        CU_ASSERT_STRING_EQUAL(last.product, "dnsmasq");
    }
    free_pair(&p);
    /* And SNMP and NTP exchanges are not DNS, whatever the port. */
    static const char *const others[] = {"snmp-v2c", "snmp-v1", "snmp-v3", "ntp"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        struct pair o = load_pair(others[i]);
        struct dns_detail d;
        side_reset(&client);
        side_reset(&server);
        side_add(&client, o.q, o.qn);
        side_add(&server, o.r, o.rn);
        CU_ASSERT(!run_port(53, &d));
        CU_ASSERT(!d.seen);
        CU_ASSERT_EQUAL(evidence_count, 0);
        free_pair(&o);
    }
}

static void test_mismatches(void)
{
    struct pair p = load_pair("dns-a");
    uint8_t r[512];
    struct dns_detail d;
    memcpy(r, p.r, p.rn);

    r[1] ^= 1; /* another id */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    CU_ASSERT_EQUAL(evidence_count, 0);
    memcpy(r, p.r, p.rn);
    r[2] &= 0x7f; /* QR clear: a query echoed, not a response */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x1f] = 28; /* type AAAA: another question */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x12] = 'z'; /* "ezample": another name */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[2] |= 0x08; /* opcode 1 (IQUERY) answering opcode 0 */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));

    /* Case differs (DNS 0x20 randomisation): the same name. */
    memcpy(r, p.r, p.rn);
    r[0x0d] = 'W';
    CU_ASSERT(exchange(p.q, p.qn, r, p.rn, &d));
    CU_ASSERT_EQUAL(evidence_count, 1);

    /* One side alone, or the sides swapped, is no answer. */
    CU_ASSERT(!exchange(p.q, p.qn, NULL, 0, &d));
    CU_ASSERT(!exchange(NULL, 0, p.r, p.rn, &d));
    CU_ASSERT(!exchange(p.r, p.rn, p.q, p.qn, &d));
    CU_ASSERT(!exchange(p.q, p.qn, p.q, p.qn, &d));
    CU_ASSERT_EQUAL(evidence_count, 0);
    free_pair(&p);
}

/* Cut at every length: never an answer unless whole; never a read past the cut (ASan). */
static void test_truncated(void)
{
    static const char *const names[] = {"dns-a", "dns-version"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        struct pair p = load_pair(names[k]);
        struct dns_detail d;
        for (size_t n = 0; n < p.rn; n++) {
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, p.r, n);
            CU_ASSERT(!exchange(p.q, p.qn, cut, n, &d));
            CU_ASSERT_EQUAL(evidence_count, 0);
            free(cut);
        }
        for (size_t n = 0; n < p.qn; n++) {
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, p.q, n);
            CU_ASSERT(!exchange(cut, n, p.r, p.rn, &d));
            CU_ASSERT_EQUAL(evidence_count, 0);
            free(cut);
        }
        free_pair(&p);
    }
}

/* --- crafted responses to www.example.test A IN ------------------------------------------ */

static const uint8_t query_www[] = {
    0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0, 0,   0,   0,   0,   3, 'w', 'w', 'w', 7,
    'e',  'x',  'a',  'm',  'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0,   1,   0,   1,
};
#define QUESTION_END sizeof query_www /* where the answers start in a response */

struct msg {
    uint8_t b[2048];
    size_t n;
};

/* The response header and question, with ancount answers to come. */
static void response_start(struct msg *m, uint16_t ancount)
{
    memcpy(m->b, query_www, sizeof query_www);
    m->b[2] = 0x81;
    m->b[3] = 0x80;
    m->b[6] = (uint8_t)(ancount >> 8);
    m->b[7] = (uint8_t)ancount;
    m->n = sizeof query_www;
}

static void put(struct msg *m, const void *p, size_t n)
{
    CU_ASSERT_FATAL(m->n + n <= sizeof m->b);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* An A record with the owner name given as raw wire bytes. */
static void answer_a(struct msg *m, const void *owner, size_t n)
{
    static const uint8_t rest[] = {0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
    put(m, owner, n);
    put(m, rest, sizeof rest);
}

static bool answered(const struct msg *m)
{
    struct dns_detail d;
    return exchange(query_www, sizeof query_www, m->b, m->n, &d);
}

static void test_crafted_valid(void)
{
    struct msg m;
    static const uint8_t to_question[] = {0xc0, 12};
    response_start(&m, 1);
    answer_a(&m, to_question, sizeof to_question);
    CU_ASSERT(answered(&m));
    CU_ASSERT_EQUAL(evidence_count, 1);
}

static void test_compression(void)
{
    struct msg m;
    uint8_t owner[2];

    /* A pointer to itself. */
    response_start(&m, 1);
    owner[0] = (uint8_t)(0xc0 | QUESTION_END >> 8);
    owner[1] = (uint8_t)QUESTION_END;
    answer_a(&m, owner, 2);
    CU_ASSERT(!answered(&m));
    /* A pointer forward (into its own record's data). */
    response_start(&m, 1);
    owner[1] = (uint8_t)(QUESTION_END + 4);
    answer_a(&m, owner, 2);
    CU_ASSERT(!answered(&m));
    /* A pointer past the message. */
    response_start(&m, 1);
    owner[0] = 0xff;
    owner[1] = 0xff;
    answer_a(&m, owner, 2);
    CU_ASSERT(!answered(&m));
    /* A label then a pointer back to that label: a loop through a label. */
    response_start(&m, 1);
    const uint8_t loop[] = {1, 'a', 0xc0, (uint8_t)QUESTION_END};
    answer_a(&m, loop, sizeof loop);
    CU_ASSERT(!answered(&m));
    /* A pointer cut in half at the end of the message. */
    response_start(&m, 1);
    put(&m, "\xc0", 1);
    CU_ASSERT(!answered(&m));

    /*
     * A chain: each record's owner points at the previous record's owner, so
     * record k is k pointer hops from the question. 16 hops are followed, 17 are not.
     */
    for (unsigned records = 16; records <= 17; records++) {
        response_start(&m, (uint16_t)records);
        size_t prev = 12;
        for (unsigned k = 0; k < records; k++) {
            size_t at = m.n;
            owner[0] = (uint8_t)(0xc0 | prev >> 8);
            owner[1] = (uint8_t)prev;
            answer_a(&m, owner, 2);
            prev = at;
        }
        CU_ASSERT_EQUAL(answered(&m), records <= PS_DNS_MAX_POINTER_HOPS);
    }
}

/* A name of labels of the given lengths (0-terminated list), then the root. */
static size_t build_name(uint8_t *name, const size_t *lens, uint8_t fill)
{
    size_t n = 0;
    for (; *lens; lens++) {
        name[n++] = (uint8_t)*lens;
        memset(name + n, fill, *lens);
        n += *lens;
    }
    name[n++] = 0;
    return n;
}

static void test_name_limits(void)
{
    struct msg m;
    uint8_t name[300];
    size_t n;

    /* 3 labels of 63 and one of 61: 255 bytes with the root, the longest allowed. */
    static const size_t longest[] = {63, 63, 63, 61, 0}, too_long[] = {63, 63, 63, 62, 0};
    n = build_name(name, longest, 'a');
    CU_ASSERT_EQUAL(n, 255);
    response_start(&m, 1);
    answer_a(&m, name, n);
    CU_ASSERT(answered(&m));
    /* One byte more is too long. */
    n = build_name(name, too_long, 'a');
    CU_ASSERT_EQUAL(n, 256);
    response_start(&m, 1);
    answer_a(&m, name, n);
    CU_ASSERT(!answered(&m));
    /* Too long through compression: 4 labels of 63 then a pointer to the question. */
    n = 0;
    for (int l = 0; l < 4; l++) {
        name[n++] = 63;
        memset(name + n, 'b', 63);
        n += 63;
    }
    name[n++] = 0xc0;
    name[n++] = 12;
    response_start(&m, 1);
    answer_a(&m, name, n);
    CU_ASSERT(!answered(&m));
    /* Label types 0x40 (extended) and 0x80 (reserved): "label length" 64 and 128. */
    static const uint8_t ext[] = {0x41, 'x', 0}, reserved[] = {0x81, 'x', 0};
    response_start(&m, 1);
    answer_a(&m, ext, sizeof ext);
    CU_ASSERT(!answered(&m));
    response_start(&m, 1);
    answer_a(&m, reserved, sizeof reserved);
    CU_ASSERT(!answered(&m));
}

static void test_absurd_lengths(void)
{
    struct msg m;
    static const uint8_t to_question[] = {0xc0, 12};
    /* 65535 answers announced, one present. */
    response_start(&m, 0xffff);
    answer_a(&m, to_question, sizeof to_question);
    CU_ASSERT(!answered(&m));
    /* RDLENGTH past the end. */
    response_start(&m, 1);
    answer_a(&m, to_question, sizeof to_question);
    m.b[m.n - 6] = 0xff;
    m.b[m.n - 5] = 0xff;
    CU_ASSERT(!answered(&m));
    /* The same, but the server set TC (it cut the message itself): the question suffices. */
    m.b[2] |= 0x02;
    CU_ASSERT(answered(&m));
    /* More answers than are walked: the first PS_DNS_MAX_RRS must parse, the rest are not read. */
    response_start(&m, PS_DNS_MAX_RRS + 1);
    for (unsigned k = 0; k < PS_DNS_MAX_RRS; k++)
        answer_a(&m, to_question, sizeof to_question);
    CU_ASSERT(answered(&m));
    /* Two questions are not a query we read. */
    uint8_t q2[sizeof query_www];
    memcpy(q2, query_www, sizeof q2);
    q2[5] = 2;
    struct dns_detail d;
    response_start(&m, 0);
    CU_ASSERT(!exchange(q2, sizeof q2, m.b, m.n, &d));
}

/* --- version.bind answers of several servers --------------------------------------------- */

static const uint8_t query_version[] = {
    0xab, 0xcd, 0x00, 0x00, 0,   1, 0,   0,   0,   0,   0, 0, 7,  'v', 'e',
    'r',  's',  'i',  'o',  'n', 4, 'b', 'i', 'n', 'd', 0, 0, 16, 0,   3,
};

/* A CH TXT answer carrying text; the detail keeps it as shown (escaped). */
static void version_answer_shown(const char *text, const char *shown)
{
    struct msg m;
    size_t len = strlen(text);
    memcpy(m.b, query_version, sizeof query_version);
    m.b[2] = 0x84;
    m.b[7] = 1;
    m.n = sizeof query_version;
    const uint8_t head[] = {0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0, (uint8_t)(len + 1), (uint8_t)len};
    put(&m, head, sizeof head);
    put(&m, text, len);
    struct dns_detail d;
    CU_ASSERT(exchange(query_version, sizeof query_version, m.b, m.n, &d));
    CU_ASSERT_STRING_EQUAL(d.version, shown);
}

static void version_answer(const char *text)
{
    version_answer_shown(text, text);
}

static void test_version_strings(void)
{
    version_answer("9.18.28-1~deb12u2-Debian");
    CU_ASSERT_STRING_EQUAL(last.product, "ISC BIND");
    CU_ASSERT_STRING_EQUAL(last.version, "9.18.28");
    version_answer("unbound 1.17.1");
    CU_ASSERT_STRING_EQUAL(last.product, "Unbound");
    CU_ASSERT_STRING_EQUAL(last.version, "1.17.1");
    version_answer("PowerDNS Recursor 4.8.4");
    CU_ASSERT_STRING_EQUAL(last.product, "PowerDNS Recursor");
    CU_ASSERT_STRING_EQUAL(last.version, "4.8.4");
    version_answer("PowerDNS Authoritative Server 4.7.3 (built Jan  1 2024)");
    CU_ASSERT_STRING_EQUAL(last.product, "PowerDNS Authoritative Server");
    CU_ASSERT_STRING_EQUAL(last.version, "4.7.3");
    version_answer("Knot DNS 3.2.6");
    CU_ASSERT_STRING_EQUAL(last.product, "Knot DNS");
    CU_ASSERT_STRING_EQUAL(last.version, "3.2.6");
    version_answer("none of your business");
    CU_ASSERT_STRING_EQUAL(last.product, "");
    CU_ASSERT_STRING_EQUAL(last.version, "");
    CU_ASSERT_STRING_EQUAL(last.info, "version.bind: none of your business");
    /* Control bytes are escaped before they reach any field. */
    version_answer_shown("x\ny", "x\\x0ay");
    CU_ASSERT_STRING_EQUAL(last.info, "version.bind: x\\x0ay");
    CU_ASSERT_EQUAL(evidence_count, 1);
}

/* --- heads of several datagrams, and boundaries not to be trusted ------------------------ */

static void test_datagrams(void)
{
    struct pair a = load_pair("dns-a"), v = load_pair("dns-version");
    struct dns_detail d;
    /* Two queries, the answers in the other order, noise before them. */
    side_reset(&client);
    side_reset(&server);
    side_add(&client, "junk", 4);
    side_add(&client, a.q, a.qn);
    side_add(&client, v.q, v.qn);
    side_add(&server, v.r, v.rn);
    side_add(&server, a.r, a.rn);
    CU_ASSERT(run(&d));
    CU_ASSERT_STRING_EQUAL(d.qname, "www.example.test"); /* the first query answered */
    CU_ASSERT_STRING_EQUAL(d.version, "dnsmasq-2.90");   /* and the version from the other */
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.product, "dnsmasq");

    /* Boundaries past the head or running backwards are not read. */
    server.h.datagram_end[0] = server.h.len + 100;
    server.h.datagram_end[1] = 3;
    CU_ASSERT(!run(&d));
    /* No boundaries at all: the head is one datagram. */
    side_reset(&server);
    memcpy(server.buf, a.r, a.rn);
    server.h.len = (uint32_t)a.rn;
    CU_ASSERT(run(&d));
    free_pair(&a);
    free_pair(&v);
}

/* detail_parse runs the UDP parsers on UDP only. */
static void test_dispatch(void)
{
    struct pair p = load_pair("dns-version");
    struct classify_input in;
    struct flow_detail *fd = malloc(sizeof *fd);
    CU_ASSERT_FATAL(fd != NULL);
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_UDP;
    in.server_port = 123;
    in.client_head.data = p.q;
    in.client_head.len = (uint32_t)p.qn;
    in.server_head.data = p.r;
    in.server_head.len = (uint32_t)p.rn;
    evidence_count = 0;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(fd->dns.seen);
    CU_ASSERT(!fd->snmp.seen && !fd->ntp.seen && !fd->tls.seen);
    CU_ASSERT_EQUAL(evidence_count, 1);
    in.transport = IPPROTO_TCP;
    evidence_count = 0;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(!fd->dns.seen);
    CU_ASSERT_EQUAL(evidence_count, 0);
    free(fd);
    free_pair(&p);
}

/* DNS over TCP: the same messages, each after a 2-byte length (RFC 7766). */
static void test_tcp(void)
{
    struct pair p = load_pair("dns-version"), a = load_pair("dns-a");
    uint8_t q[256], r[256];
    size_t qn = 0, rn = 0;
    const struct {
        const uint8_t *b;
        size_t n;
        uint8_t *out;
        size_t *at;
    } parts[] = {
        {p.q, p.qn, q, &qn}, {a.q, a.qn, q, &qn}, {p.r, p.rn, r, &rn}, {a.r, a.rn, r, &rn}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        parts[i].out[(*parts[i].at)++] = (uint8_t)(parts[i].n >> 8);
        parts[i].out[(*parts[i].at)++] = (uint8_t)parts[i].n;
        memcpy(parts[i].out + *parts[i].at, parts[i].b, parts[i].n);
        *parts[i].at += parts[i].n;
    }
    struct classify_input in;
    struct flow_detail *fd = malloc(sizeof *fd);
    CU_ASSERT_FATAL(fd != NULL);
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = 443; /* the port says nothing here either */
    in.client_head.data = q;
    in.client_head.len = (uint32_t)qn;
    in.server_head.data = r;
    in.server_head.len = (uint32_t)rn;
    evidence_count = 0;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(fd->dns.seen);
    CU_ASSERT_STRING_EQUAL(fd->dns.qname, "version.bind");
    CU_ASSERT_STRING_EQUAL(fd->dns.version, "dnsmasq-2.90");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.product, "dnsmasq");
    /* The server's first message cut by the end of the head: only whole messages count. */
    for (size_t n = 0; n < 2 + p.rn; n++) {
        in.server_head.len = (uint32_t)n;
        evidence_count = 0;
        detail_parse(&in, fd, collect, NULL);
        CU_ASSERT(!fd->dns.seen);
        CU_ASSERT_EQUAL(evidence_count, 0);
    }
    /* A length prefix claiming more than the head holds. */
    in.server_head.len = (uint32_t)rn;
    r[0] = 0xff;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(!fd->dns.seen);
    /* The same bytes without framing are not DNS over TCP. */
    in.client_head.data = p.q;
    in.client_head.len = (uint32_t)p.qn;
    in.server_head.data = p.r;
    in.server_head.len = (uint32_t)p.rn;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(!fd->dns.seen);
    free(fd);
    free_pair(&p);
    free_pair(&a);
}

void suite_dns(void)
{
    UNIT_SUITE("dns", NULL, NULL, {"dnsmasq A", test_dnsmasq_a},
               {"dnsmasq version.bind", test_dnsmasq_version},
               {"dnsmasq EDNS refused", test_dnsmasq_edns_refused}, {"any port", test_any_port},
               {"mismatches", test_mismatches}, {"truncated", test_truncated},
               {"crafted valid", test_crafted_valid}, {"compression", test_compression},
               {"name limits", test_name_limits}, {"absurd lengths", test_absurd_lengths},
               {"version strings", test_version_strings}, {"datagrams", test_datagrams},
               {"dispatch", test_dispatch}, {"tcp", test_tcp});
}
