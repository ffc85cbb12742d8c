/*
 * test_ntp.c - the NTP parser on a real exchange (ntpdig asking ntpsec's
 * ntpd, unsynchronised, in tests/data/udp/ntp.*, made by make-captures.sh)
 * and on headers built here from RFC 5905 (a stratum 1 GPS server, a
 * stratum 2 server, a MAC after the header): origin timestamps that do not
 * match, wrong modes, versions and strata, every truncation, and ports that
 * say nothing.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "unit.h"

#define SIDE_MAX 1024

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

static bool run_port(uint16_t port, struct ntp_detail *d)
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
    bool seen = ntp_parse(&in, d, collect, NULL);
    free(s);
    free(c);
    return seen;
}

static bool exchange(const void *q, size_t qn, const void *r, size_t rn, struct ntp_detail *d)
{
    side_reset(&client);
    side_reset(&server);
    if (q)
        side_add(&client, q, qn);
    if (r)
        side_add(&server, r, rn);
    return run_port(123, d);
}

static uint8_t *load(const char *path, size_t *n)
{
    uint8_t *p = unit_read_file(path, n);
    CU_ASSERT_FATAL(p != NULL);
    return p;
}

static void test_ntpsec(void)
{
    size_t qn, rn;
    uint8_t *q = load("tests/data/udp/ntp.client.0", &qn);
    uint8_t *r = load("tests/data/udp/ntp.server.0", &rn);
    struct ntp_detail d;
    CU_ASSERT(exchange(q, qn, r, rn, &d));
    CU_ASSERT(d.seen);
    CU_ASSERT_EQUAL(d.version, 4);
    CU_ASSERT_EQUAL(d.stratum, 0);
    CU_ASSERT_EQUAL(d.leap, 3);
    CU_ASSERT_EQUAL(d.precision, -24);
    CU_ASSERT_STRING_EQUAL(d.refid, "INIT");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "ntp");
    CU_ASSERT_STRING_EQUAL(last.rule, "ntp:response");
    CU_ASSERT_STRING_EQUAL(last.version, "v4");
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 0, refid INIT, unsynchronized");
    CU_ASSERT_STRING_EQUAL(last.product, "");
    CU_ASSERT_EQUAL(last.witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(last.strength, STRENGTH_PARSER);

    /* Any port; and the same bytes are neither DNS nor SNMP. */
    static const uint16_t ports[] = {53, 123, 161, 40000};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        side_reset(&client);
        side_reset(&server);
        side_add(&client, q, qn);
        side_add(&server, r, rn);
        CU_ASSERT(run_port(ports[i], &d));
        CU_ASSERT_EQUAL(evidence_count, 1);
    }
    struct flow_detail *fd = malloc(sizeof *fd);
    CU_ASSERT_FATAL(fd != NULL);
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_UDP;
    in.server_port = 53;
    in.client_head = client.h;
    in.server_head = server.h;
    evidence_count = 0;
    detail_parse(&in, fd, collect, NULL);
    CU_ASSERT(fd->ntp.seen && !fd->dns.seen && !fd->snmp.seen);
    CU_ASSERT_EQUAL(evidence_count, 1);
    free(fd);

    /* Cut at every length: nothing until the 48-byte header is whole. */
    for (size_t n = 0; n < rn; n++) {
        CU_ASSERT(!exchange(q, qn, r, n, &d));
        CU_ASSERT(!exchange(q, n, r, rn, &d));
    }
    CU_ASSERT_EQUAL(evidence_count, 0);
    free(q);
    free(r);
}

/* --- headers built from RFC 5905 --------------------------------------------------------- */

static void header(uint8_t *p, unsigned leap, unsigned version, unsigned mode, uint8_t stratum)
{
    memset(p, 0, 48);
    p[0] = (uint8_t)(leap << 6 | version << 3 | mode);
    p[1] = stratum;
    p[2] = 6;    /* poll 64 s */
    p[3] = 0xec; /* precision 2^-20 */
}

static const uint8_t t1[8] = {0xea, 0x2b, 0x3c, 0x4d, 0x12, 0x34, 0x56, 0x78};

/* A mode 3 request with transmit timestamp t1, and a reply copying it as its origin. */
static void request(uint8_t *q, unsigned version)
{
    header(q, 0, version, 3, 0);
    memcpy(q + 40, t1, 8);
}

static void reply(uint8_t *r, unsigned version, uint8_t stratum, const char *refid)
{
    header(r, 0, version, 4, stratum);
    memcpy(r + 12, refid, 4);
    memcpy(r + 24, t1, 8); /* origin = the client's transmit */
    memset(r + 32, 0x11, 16);
}

static void test_stratum1_gps(void)
{
    uint8_t q[48], r[68];
    struct ntp_detail d;
    request(q, 4);
    reply(r, 4, 1, "GPS\0");
    CU_ASSERT(exchange(q, 48, r, 48, &d));
    CU_ASSERT_STRING_EQUAL(d.refid, "GPS");
    CU_ASSERT_EQUAL(d.stratum, 1);
    CU_ASSERT_EQUAL(d.leap, 0);
    CU_ASSERT_EQUAL(d.precision, -20);
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 1, refid GPS");
    CU_ASSERT_STRING_EQUAL(last.version, "v4");
    /* A MAC after the header (key id + MD5) changes nothing. */
    memset(r + 48, 0xaa, 20);
    CU_ASSERT(exchange(q, 48, r, sizeof r, &d));
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 1, refid GPS");
    /* An NTPv3 client answered by a v3 server. */
    request(q, 3);
    reply(r, 3, 1, "PPS\0");
    CU_ASSERT(exchange(q, 48, r, 48, &d));
    CU_ASSERT_STRING_EQUAL(last.version, "v3");
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 1, refid PPS");
    /* Control bytes in a refid are escaped. */
    reply(r, 4, 1, "G\nS\0");
    CU_ASSERT(exchange(q, 48, r, 48, &d));
    CU_ASSERT_STRING_EQUAL(d.refid, "G\\x0aS");
}

static void test_stratum2(void)
{
    uint8_t q[48], r[48];
    struct ntp_detail d;
    request(q, 4);
    reply(r, 4, 2, "\xc0\x00\x02\x01");
    CU_ASSERT(exchange(q, 48, r, 48, &d));
    CU_ASSERT_STRING_EQUAL(d.refid, "192.0.2.1");
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 2");
    reply(r, 4, 16, "\x7f\x00\x00\x01");
    CU_ASSERT(exchange(q, 48, r, 48, &d));
    CU_ASSERT_STRING_EQUAL(last.info, "stratum 16");
}

static void test_not_answers(void)
{
    uint8_t q[48], r[48];
    struct ntp_detail d;
    request(q, 4);
    reply(r, 4, 2, "\xc0\x00\x02\x01");
    CU_ASSERT(exchange(q, 48, r, 48, &d));

    r[31] ^= 1; /* origin differs from the transmit timestamp in its last bit */
    CU_ASSERT(!exchange(q, 48, r, 48, &d));
    reply(r, 4, 17, "\xc0\x00\x02\x01"); /* stratum past 16 */
    CU_ASSERT(!exchange(q, 48, r, 48, &d));
    static const unsigned bad_versions[] = {0, 5, 7};
    for (size_t i = 0; i < sizeof bad_versions / sizeof bad_versions[0]; i++) {
        reply(r, bad_versions[i], 2, "\xc0\x00\x02\x01");
        CU_ASSERT(!exchange(q, 48, r, 48, &d));
        request(q, bad_versions[i]);
        reply(r, 4, 2, "\xc0\x00\x02\x01");
        CU_ASSERT(!exchange(q, 48, r, 48, &d));
        request(q, 4);
    }
    for (unsigned mode = 0; mode < 8; mode++) {
        if (mode == 4)
            continue;
        reply(r, 4, 2, "\xc0\x00\x02\x01");
        r[0] = (uint8_t)((r[0] & ~7u) | mode); /* the server not in server mode */
        CU_ASSERT(!exchange(q, 48, r, 48, &d));
    }
    for (unsigned mode = 0; mode < 8; mode++) {
        if (mode == 3)
            continue;
        request(q, 4);
        q[0] = (uint8_t)((q[0] & ~7u) | mode); /* the client not in client mode */
        reply(r, 4, 2, "\xc0\x00\x02\x01");
        CU_ASSERT(!exchange(q, 48, r, 48, &d));
    }
    /* A request without a transmit timestamp proves nothing, even echoed (zero = zero). */
    request(q, 4);
    memset(q + 40, 0, 8);
    reply(r, 4, 2, "\xc0\x00\x02\x01");
    memset(r + 24, 0, 8);
    CU_ASSERT(!exchange(q, 48, r, 48, &d));
    /* Alone, or swapped. */
    request(q, 4);
    reply(r, 4, 2, "\xc0\x00\x02\x01");
    CU_ASSERT(!exchange(q, 48, NULL, 0, &d));
    CU_ASSERT(!exchange(NULL, 0, r, 48, &d));
    CU_ASSERT(!exchange(r, 48, q, 48, &d));
    CU_ASSERT_EQUAL(evidence_count, 0);
}

/* Several datagrams: the reply to the second request is found. */
static void test_datagrams(void)
{
    uint8_t q[48], q2[48], r[48];
    struct ntp_detail d;
    request(q, 4);
    request(q2, 4);
    q2[47] ^= 0x55;
    reply(r, 4, 1, "GPS\0");
    memcpy(r + 24, q2 + 40, 8);
    side_reset(&client);
    side_reset(&server);
    side_add(&client, q, 48);
    side_add(&client, q2, 48);
    side_add(&server, "x", 1);
    side_add(&server, r, 48);
    CU_ASSERT(run_port(123, &d));
    CU_ASSERT_EQUAL(evidence_count, 1);
    /* The last boundary past the head: that datagram is not read. */
    server.h.datagram_end[1] = server.h.len + 1;
    CU_ASSERT(!run_port(123, &d));
}

void suite_ntp(void)
{
    UNIT_SUITE("ntp", NULL, NULL, {"ntpsec ntpd", test_ntpsec},
               {"stratum 1 gps", test_stratum1_gps}, {"stratum 2", test_stratum2},
               {"not answers", test_not_answers}, {"datagrams", test_datagrams});
}
