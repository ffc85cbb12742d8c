/*
 * test_snmp.c - the SNMP parser on real exchanges with Net-SNMP's snmpd
 * (snmpget v1, v2c and v3, snmpbulkget; tests/data/udp/snmp-*, made by
 * make-captures.sh) and on messages built here with every BER length form:
 * request-ids, communities and versions that do not match, every
 * truncation, indefinite and over-long lengths, INTEGERs past 8 octets,
 * multi-octet tags, trailing bytes, odd OIDs, encrypted v3, and ports that
 * say nothing. The community string reaches the detail, never the evidence.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "unit.h"

#define SIDE_MAX 4096
#define SYS_DESCR "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64"

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

static bool run_port(uint16_t port, struct snmp_detail *d)
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
    bool seen = snmp_parse(&in, d, collect, NULL);
    free(s);
    free(c);
    return seen;
}

static bool exchange(const void *q, size_t qn, const void *r, size_t rn, struct snmp_detail *d)
{
    side_reset(&client);
    side_reset(&server);
    if (q)
        side_add(&client, q, qn);
    if (r)
        side_add(&server, r, rn);
    return run_port(161, d);
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

static struct pair load_pair(const char *name, int index)
{
    char path[128];
    struct pair p;
    snprintf(path, sizeof path, "tests/data/udp/%s.client.%d", name, index);
    p.q = load(path, &p.qn);
    snprintf(path, sizeof path, "tests/data/udp/%s.server.%d", name, index);
    p.r = load(path, &p.rn);
    return p;
}

static void free_pair(struct pair *p)
{
    free(p->q);
    free(p->r);
}

/* No text field of the evidence holds the community. */
static void assert_no_community(const char *community)
{
    const char *fields[] = {last.service, last.product, last.version, last.info, last.hostname,
                            last.os,      last.device,  last.cpe,     last.rule};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CU_ASSERT(strstr(fields[i], community) == NULL);
}

static void test_v2c(void)
{
    struct pair p = load_pair("snmp-v2c", 0);
    struct snmp_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT(d.seen);
    CU_ASSERT_EQUAL(d.version, 2);
    CU_ASSERT_STRING_EQUAL(d.community, "public");
    CU_ASSERT_STRING_EQUAL(d.pdu, "get-response");
    CU_ASSERT_EQUAL(d.error_status, 0);
    CU_ASSERT_STRING_EQUAL(d.sys_descr, SYS_DESCR);
    CU_ASSERT_STRING_EQUAL(d.sys_object_id, "1.3.6.1.4.1.8072.3.2.10");
    CU_ASSERT_STRING_EQUAL(d.engine_id, "");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "snmp");
    CU_ASSERT_STRING_EQUAL(last.rule, "snmp:response");
    CU_ASSERT_STRING_EQUAL(last.product, "net-snmp");
    CU_ASSERT_STRING_EQUAL(last.info, SYS_DESCR);
    CU_ASSERT_EQUAL(last.witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(last.strength, STRENGTH_PARSER);
    assert_no_community("public");
    free_pair(&p);
}

/* v1 asked for sysDescr.0 only: no sysObjectID, so no product claimed. */
static void test_v1(void)
{
    struct pair p = load_pair("snmp-v1", 0);
    struct snmp_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT_EQUAL(d.version, 1);
    CU_ASSERT_STRING_EQUAL(d.community, "public");
    CU_ASSERT_STRING_EQUAL(d.sys_descr, SYS_DESCR);
    CU_ASSERT_STRING_EQUAL(d.sys_object_id, "");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.product, "");
    CU_ASSERT_STRING_EQUAL(last.info, SYS_DESCR);
    assert_no_community("public");
    free_pair(&p);
}

static void test_bulk(void)
{
    struct pair p = load_pair("snmp-bulk", 0);
    struct snmp_detail d;
    CU_ASSERT(exchange(p.q, p.qn, p.r, p.rn, &d));
    CU_ASSERT_EQUAL(d.version, 2);
    CU_ASSERT_STRING_EQUAL(d.sys_descr, SYS_DESCR);
    CU_ASSERT_STRING_EQUAL(d.sys_object_id, "1.3.6.1.4.1.8072.3.2.10");
    CU_ASSERT_STRING_EQUAL(last.product, "net-snmp");
    free_pair(&p);
}

/* v3: engine discovery answered by a Report, then the unknown user's request, both heads. */
static void test_v3(void)
{
    struct pair a = load_pair("snmp-v3", 0), b = load_pair("snmp-v3", 1);
    struct snmp_detail d;
    CU_ASSERT(exchange(a.q, a.qn, a.r, a.rn, &d));
    CU_ASSERT_EQUAL(d.version, 3);
    CU_ASSERT_STRING_EQUAL(d.pdu, "report");
    CU_ASSERT_STRING_EQUAL(d.community, "");
    CU_ASSERT_STRING_EQUAL(d.engine_id, "80001f88804d5bcf7627ac016b00000000");
    CU_ASSERT_STRING_EQUAL(d.user, "");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.product, "net-snmp"); /* enterprise 8072 in the engine id */
    CU_ASSERT_STRING_EQUAL(last.info, "SNMPv3");
    /* The second exchange alone: the user name is the client's. */
    CU_ASSERT(exchange(b.q, b.qn, b.r, b.rn, &d));
    CU_ASSERT_STRING_EQUAL(d.user, "nobody");
    CU_ASSERT_STRING_EQUAL(d.pdu, "report");
    /* Both in one flow, as captured. */
    side_reset(&client);
    side_reset(&server);
    side_add(&client, a.q, a.qn);
    side_add(&client, b.q, b.qn);
    side_add(&server, a.r, a.rn);
    side_add(&server, b.r, b.rn);
    CU_ASSERT(run_port(161, &d));
    CU_ASSERT_EQUAL(evidence_count, 1);
    /* A request answered by the other request's report: msgIDs differ. */
    CU_ASSERT(!exchange(a.q, a.qn, b.r, b.rn, &d));
    free_pair(&a);
    free_pair(&b);
}

static void test_any_port(void)
{
    struct pair p = load_pair("snmp-v2c", 0);
    static const uint16_t ports[] = {53, 123, 161, 162, 40000};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        struct snmp_detail d;
        side_reset(&client);
        side_reset(&server);
        side_add(&client, p.q, p.qn);
        side_add(&server, p.r, p.rn);
        CU_ASSERT(run_port(ports[i], &d));
        CU_ASSERT_EQUAL(evidence_count, 1);
    }
    free_pair(&p);
    static const char *const others[] = {"dns-a", "dns-version", "dns-edns", "ntp"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        struct pair o = load_pair(others[i], 0);
        struct snmp_detail d;
        CU_ASSERT(!exchange(o.q, o.qn, o.r, o.rn, &d));
        CU_ASSERT_EQUAL(evidence_count, 0);
        free_pair(&o);
    }
}

static void test_mismatches(void)
{
    struct pair p = load_pair("snmp-v2c", 0);
    uint8_t r[256], q[256];
    struct snmp_detail d;
    memcpy(r, p.r, p.rn);
    r[0x13] ^= 1; /* request-id */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x08] = 'P'; /* "Public": another community */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x04] = 0; /* version 1 answering version 2c */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x04] = 2; /* version 2 (v2u/v2*): not read */
    memcpy(q, p.q, p.qn);
    q[0x04] = 2;
    CU_ASSERT(!exchange(q, p.qn, r, p.rn, &d));
    memcpy(r, p.r, p.rn);
    r[0x0d] = 0xa0; /* the server sends a GetRequest back */
    CU_ASSERT(!exchange(p.q, p.qn, r, p.rn, &d));
    memcpy(q, p.q, p.qn);
    q[0x0d] = 0xa2; /* a response answering a response */
    CU_ASSERT(!exchange(q, p.qn, p.r, p.rn, &d));
    /* Alone, swapped, or echoed: nothing. */
    CU_ASSERT(!exchange(p.q, p.qn, NULL, 0, &d));
    CU_ASSERT(!exchange(NULL, 0, p.r, p.rn, &d));
    CU_ASSERT(!exchange(p.r, p.rn, p.q, p.qn, &d));
    CU_ASSERT(!exchange(p.q, p.qn, p.q, p.qn, &d));
    CU_ASSERT_EQUAL(evidence_count, 0);
    free_pair(&p);
}

static void test_truncated(void)
{
    static const char *const names[] = {"snmp-v2c", "snmp-v1", "snmp-bulk", "snmp-v3"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        struct pair p = load_pair(names[k], 0);
        struct snmp_detail d;
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
        /* And one byte too many: a message fills its datagram. */
        uint8_t *more = malloc(p.rn + 1);
        memcpy(more, p.r, p.rn);
        more[p.rn] = 0;
        CU_ASSERT(!exchange(p.q, p.qn, more, p.rn + 1, &d));
        free(more);
        free_pair(&p);
    }
}

/* --- messages built here ----------------------------------------------------------------- */

struct ber {
    uint8_t b[1024];
    size_t n;
};

/* How lengths are written: 0 short form, else long form with that many octets. */
static unsigned length_octets;

static void ber_put(struct ber *o, const void *p, size_t n)
{
    CU_ASSERT_FATAL(o->n + n <= sizeof o->b);
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static struct ber tlv(uint8_t tag, const void *content, size_t n)
{
    struct ber o = {.n = 0};
    uint8_t head[8];
    size_t h = 0;
    head[h++] = tag;
    if (length_octets == 0) {
        CU_ASSERT_FATAL(n < 0x80);
        head[h++] = (uint8_t)n;
    } else {
        head[h++] = (uint8_t)(0x80 | length_octets);
        for (unsigned i = length_octets; i-- > 0;)
            head[h++] = (uint8_t)(i < 4 ? n >> (8 * i) : 0);
    }
    ber_put(&o, head, h);
    ber_put(&o, content, n);
    return o;
}

static struct ber wrap(uint8_t tag, const struct ber *content)
{
    return tlv(tag, content->b, content->n);
}

static void append(struct ber *o, const struct ber *part)
{
    ber_put(o, part->b, part->n);
}

static struct ber integer(int64_t v)
{
    uint8_t b[8];
    size_t n = 8;
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
    size_t skip = 0; /* minimal two's complement */
    while (skip < 7 &&
           ((b[skip] == 0 && !(b[skip + 1] & 0x80)) || (b[skip] == 0xff && (b[skip + 1] & 0x80))))
        skip++;
    return tlv(0x02, b + skip, n - skip);
}

/* A v1/v2c message: version, community, PDU(tag, request-id, 0, 0, one varbind). */
static struct ber message(int version, const char *community, uint8_t pdu, int64_t id,
                          const struct ber *oid, const struct ber *value)
{
    struct ber vb = {.n = 0}, pdu_body = {.n = 0}, body = {.n = 0};
    append(&vb, oid);
    append(&vb, value);
    struct ber vbs = wrap(0x30, &vb), vblist = wrap(0x30, &vbs), id_ber = integer(id),
               zero = integer(0);
    append(&pdu_body, &id_ber);
    append(&pdu_body, &zero);
    append(&pdu_body, &zero);
    append(&pdu_body, &vblist);
    struct ber pdu_ber = wrap(pdu, &pdu_body), v = integer(version),
               c = tlv(0x04, community, strlen(community));
    append(&body, &v);
    append(&body, &c);
    append(&body, &pdu_ber);
    return wrap(0x30, &body);
}

static const uint8_t sys_descr_oid[] = {0x2b, 6, 1, 2, 1, 1, 1, 0};
static const uint8_t sys_object_id_oid[] = {0x2b, 6, 1, 2, 1, 1, 2, 0};

static bool built_exchange(int64_t qid, int64_t rid, struct snmp_detail *d)
{
    struct ber oid = tlv(0x06, sys_descr_oid, sizeof sys_descr_oid), null = tlv(0x05, "", 0),
               text = tlv(0x04, "router", 6);
    struct ber q = message(1, "private", 0xa0, qid, &oid, &null);
    struct ber r = message(1, "private", 0xa2, rid, &oid, &text);
    return exchange(q.b, q.n, r.b, r.n, d);
}

static void test_length_forms(void)
{
    struct snmp_detail d;
    static const unsigned ok_forms[] = {0, 1, 2, 3, 4};
    for (size_t i = 0; i < sizeof ok_forms / sizeof ok_forms[0]; i++) {
        length_octets = ok_forms[i];
        CU_ASSERT(built_exchange(77, 77, &d));
        CU_ASSERT_STRING_EQUAL(d.sys_descr, "router");
        CU_ASSERT_STRING_EQUAL(d.community, "private");
        CU_ASSERT_EQUAL(evidence_count, 1);
        CU_ASSERT_STRING_EQUAL(last.info, "router");
        assert_no_community("private");
        CU_ASSERT(!built_exchange(77, 78, &d));
    }
    /* Five length octets are more than allowed. */
    length_octets = 5;
    CU_ASSERT(!built_exchange(77, 77, &d));
    length_octets = 0;

    /* The indefinite form (0x80 ... 00 00) is refused. */
    struct ber oid = tlv(0x06, sys_descr_oid, sizeof sys_descr_oid), null = tlv(0x05, "", 0);
    struct ber q = message(1, "private", 0xa0, 5, &oid, &null);
    struct ber indefinite = q;
    indefinite.b[1] = 0x80;
    ber_put(&indefinite, "\0\0", 2);
    struct ber resp = message(1, "private", 0xa2, 5, &oid, &null);
    CU_ASSERT(exchange(q.b, q.n, resp.b, resp.n, &d));
    CU_ASSERT(!exchange(indefinite.b, indefinite.n, resp.b, resp.n, &d));
    /* A length past what is left. */
    struct ber longer = resp;
    longer.b[1]++;
    CU_ASSERT(!exchange(q.b, q.n, longer.b, longer.n, &d));
}

static void test_integers(void)
{
    struct snmp_detail d;
    length_octets = 0;
    /* 8-octet request-ids, negative ones, and the largest: all read exactly. */
    CU_ASSERT(built_exchange(INT64_MAX, INT64_MAX, &d));
    CU_ASSERT(built_exchange(INT64_MIN, INT64_MIN, &d));
    CU_ASSERT(built_exchange(-1, -1, &d));
    CU_ASSERT(!built_exchange(-1, 255, &d)); /* 0xff is -1, not 255 */
    CU_ASSERT(!built_exchange(INT64_MAX, INT64_MIN, &d));

    /* A 9-octet INTEGER is refused. */
    static const uint8_t nine[] = {0, 0x80, 0, 0, 0, 0, 0, 0, 1};
    struct ber oid = tlv(0x06, sys_descr_oid, sizeof sys_descr_oid), null = tlv(0x05, "", 0);
    struct ber q = message(1, "c", 0xa0, 0x7fffffff, &oid, &null);
    struct ber r = message(1, "c", 0xa2, 0x7fffffff, &oid, &null);
    CU_ASSERT(exchange(q.b, q.n, r.b, r.n, &d));
    /* Rebuild the request with the 9-octet id in place of the 4-octet one. */
    struct ber big = tlv(0x02, nine, sizeof nine), vb = {.n = 0}, body = {.n = 0},
               pdu_body = {.n = 0}, zero = integer(0), v = integer(1), c = tlv(0x04, "c", 1);
    append(&vb, &oid);
    append(&vb, &null);
    struct ber vbs = wrap(0x30, &vb), vblist = wrap(0x30, &vbs);
    append(&pdu_body, &big);
    append(&pdu_body, &zero);
    append(&pdu_body, &zero);
    append(&pdu_body, &vblist);
    struct ber pdu = wrap(0xa0, &pdu_body);
    append(&body, &v);
    append(&body, &c);
    append(&body, &pdu);
    struct ber bigq = wrap(0x30, &body);
    CU_ASSERT(!exchange(bigq.b, bigq.n, r.b, r.n, &d));
    /* An empty INTEGER is refused too. */
    struct ber empty_version = q;
    CU_ASSERT_EQUAL(empty_version.b[2], 0x02);
    empty_version.b[3] = 0; /* version INTEGER of no octets; the next byte becomes a tag */
    CU_ASSERT(!exchange(empty_version.b, empty_version.n, r.b, r.n, &d));
}

static void test_tags_and_oids(void)
{
    struct snmp_detail d;
    length_octets = 0;
    struct ber oid = tlv(0x06, sys_descr_oid, sizeof sys_descr_oid), null = tlv(0x05, "", 0);
    struct ber q = message(1, "c", 0xa1, 9, &oid, &null);
    /* A multi-octet tag in a value: refused, the message with it is not SNMP. */
    static const uint8_t multi[] = {0x1f, 0x81, 0x00, 0x00};
    struct ber bad = {.n = 0};
    ber_put(&bad, multi, sizeof multi);
    struct ber r = message(1, "c", 0xa2, 9, &oid, &bad),
               fine = message(1, "c", 0xa2, 9, &oid, &null);
    CU_ASSERT(exchange(q.b, q.n, fine.b, fine.n, &d));
    CU_ASSERT(!exchange(q.b, q.n, r.b, r.n, &d));
    /* A varbind whose name is not an OID, or with bytes after its value. */
    struct ber not_oid = tlv(0x04, sys_descr_oid, sizeof sys_descr_oid);
    r = message(1, "c", 0xa2, 9, &not_oid, &null);
    CU_ASSERT(!exchange(q.b, q.n, r.b, r.n, &d));
    struct ber two_values = null;
    append(&two_values, &null);
    r = message(1, "c", 0xa2, 9, &oid, &two_values);
    CU_ASSERT(!exchange(q.b, q.n, r.b, r.n, &d));
    /* sysObjectID.0 values: an arc of the 2.x branch, a huge arc, an unfinished arc. */
    struct ber soid = tlv(0x06, sys_object_id_oid, sizeof sys_object_id_oid);
    static const uint8_t branch2[] = {0x88, 0x37, 0x03};                /* 2.999.3 */
    static const uint8_t huge[] = {0x2b, 0x90, 0x80, 0x80, 0x80, 0x00}; /* 1.3.2^32 */
    static const uint8_t unfinished[] = {0x2b, 0x06, 0x81};
    static const uint8_t net_snmp[] = {0x2b, 6, 1, 4, 1, 0xbf, 0x08, 3, 2, 10};
    static const uint8_t net_snmp_bare[] = {0x2b, 6, 1, 4, 1, 0xbf, 0x08};
    static const uint8_t other_vendor[] = {0x2b, 6, 1, 4, 1, 9, 1, 1};
    struct {
        const uint8_t *b;
        size_t n;
        const char *text;
        const char *product;
    } cases[] = {
        {branch2, sizeof branch2, "2.999.3", ""},
        {huge, sizeof huge, "", ""},
        {unfinished, sizeof unfinished, "", ""},
        {net_snmp, sizeof net_snmp, "1.3.6.1.4.1.8072.3.2.10", "net-snmp"},
        {net_snmp_bare, sizeof net_snmp_bare, "1.3.6.1.4.1.8072", ""},
        {other_vendor, sizeof other_vendor, "1.3.6.1.4.1.9.1.1", ""},
    };
    struct ber qo = message(1, "c", 0xa0, 10, &soid, &null);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ber value = tlv(0x06, cases[i].b, cases[i].n);
        struct ber ro = message(1, "c", 0xa2, 10, &soid, &value);
        CU_ASSERT(exchange(qo.b, qo.n, ro.b, ro.n, &d));
        CU_ASSERT_STRING_EQUAL(d.sys_object_id, cases[i].text);
        CU_ASSERT_STRING_EQUAL(last.product, cases[i].product);
        CU_ASSERT_STRING_EQUAL(last.info, "SNMPv2c");
    }
    /* A v1 Trap (0xa4) is not a request, and nothing answers it. */
    struct ber trap = message(0, "c", 0xa4, 11, &oid, &null);
    struct ber tr = message(0, "c", 0xa2, 11, &oid, &null);
    CU_ASSERT(!exchange(trap.b, trap.n, tr.b, tr.n, &d));
}

/* v3 with privacy: the scoped PDU is an encrypted OCTET STRING; the msgIDs decide. */
static void test_v3_encrypted(void)
{
    struct snmp_detail d;
    length_octets = 0;
    struct ber msgs[2];
    for (int side = 0; side < 2; side++) {
        static const uint8_t engine[] = {0x80, 0, 0, 9, 3, 1, 2, 3, 4, 5};
        struct ber global = {.n = 0}, usm = {.n = 0}, body = {.n = 0};
        struct ber id = integer(1234), size = integer(65507), model = integer(3),
                   flags = tlv(0x04, side ? "\x03" : "\x07", 1);
        append(&global, &id);
        append(&global, &size);
        append(&global, &flags);
        append(&global, &model);
        struct ber e = tlv(0x04, engine, sizeof engine), boots = integer(1), time = integer(2),
                   user = tlv(0x04, "alice", 5), auth = tlv(0x04, "0123456789ab", 12),
                   priv = tlv(0x04, "saltsalt", 8);
        append(&usm, &e);
        append(&usm, &boots);
        append(&usm, &time);
        append(&usm, &user);
        append(&usm, &auth);
        append(&usm, &priv);
        struct ber usm_seq = wrap(0x30, &usm), params = wrap(0x04, &usm_seq), v = integer(3),
                   g = wrap(0x30, &global), data = tlv(0x04, "ciphertext-ciphertext", 21);
        append(&body, &v);
        append(&body, &g);
        append(&body, &params);
        append(&body, &data);
        msgs[side] = wrap(0x30, &body);
    }
    CU_ASSERT(exchange(msgs[0].b, msgs[0].n, msgs[1].b, msgs[1].n, &d));
    CU_ASSERT_EQUAL(d.version, 3);
    CU_ASSERT_STRING_EQUAL(d.pdu, "encrypted");
    CU_ASSERT_EQUAL(d.error_status, -1);
    CU_ASSERT_STRING_EQUAL(d.engine_id, "80000009030102030405");
    CU_ASSERT_STRING_EQUAL(d.user, "alice");
    CU_ASSERT_STRING_EQUAL(last.product, ""); /* enterprise 9, not Net-SNMP */
    CU_ASSERT_STRING_EQUAL(last.info, "SNMPv3");
    /* The privacy flag set but a plaintext scoped PDU: refused. */
    struct pair p = load_pair("snmp-v3", 0);
    uint8_t q[128];
    memcpy(q, p.q, p.qn);
    CU_ASSERT_EQUAL(q[0x14], 0x04); /* msgFlags: reportable */
    q[0x14] |= 0x02;
    CU_ASSERT(!exchange(q, p.qn, p.r, p.rn, &d));
    free_pair(&p);
}

void suite_snmp(void)
{
    UNIT_SUITE("snmp", NULL, NULL, {"net-snmp v2c", test_v2c}, {"net-snmp v1", test_v1},
               {"net-snmp getbulk", test_bulk}, {"net-snmp v3 discovery", test_v3},
               {"any port", test_any_port}, {"mismatches", test_mismatches},
               {"truncated", test_truncated}, {"length forms", test_length_forms},
               {"integers", test_integers}, {"tags and oids", test_tags_and_oids},
               {"v3 encrypted", test_v3_encrypted});
}
