/*
 * test_inventory.c - merging evidence per server endpoint, confidence, clients,
 * announced channels, aliases, and the detail merged part by part from several flows.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "unit.h"

static struct classify_input input(const char *server, const char *client, uint16_t port,
                                   uint8_t transport, const char *banner)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    uint8_t b[4];
    sscanf(server, "%hhu.%hhu.%hhu.%hhu", &b[0], &b[1], &b[2], &b[3]);
    addr_set_v4(&in.server, b);
    sscanf(client, "%hhu.%hhu.%hhu.%hhu", &b[0], &b[1], &b[2], &b[3]);
    addr_set_v4(&in.client, b);
    in.server_port = port;
    in.client_port = 40000;
    in.transport = transport;
    in.server_head.data = (const uint8_t *)banner;
    in.server_head.len = banner ? (uint32_t)strlen(banner) : 0;
    return in;
}

static struct evidence ev(const char *service, const char *tunnel, const char *product,
                          const char *version, uint8_t witness, uint8_t strength)
{
    struct evidence e;
    memset(&e, 0, sizeof e);
    EV_SET(e.service, service);
    EV_SET(e.tunnel, tunnel);
    EV_SET(e.product, product);
    EV_SET(e.version, version);
    e.witness = witness;
    e.strength = strength;
    return e;
}

static void test_witnesses_agree(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 22, IPPROTO_TCP,
                                     "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    struct evidence e[2] = {ev("ssh", "", "", "", WITNESS_NDPI, STRENGTH_NDPI),
                            ev("ssh", "", "OpenSSH", "9.2p1", WITNESS_SIGNATURE, STRENGTH_HARD)};
    struct endpoint_record *r = inventory_add_flow(inv, &in, 10, 20, NULL, e, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->best.service, "ssh");
    CU_ASSERT_STRING_EQUAL(r->best.product, "OpenSSH");
    CU_ASSERT_STRING_EQUAL(r->best.version, "9.2p1");
    CU_ASSERT_EQUAL(r->sources, WITNESS_SIGNATURE | WITNESS_NDPI);
    CU_ASSERT_EQUAL(r->evidence_count, 2);
    CU_ASSERT_EQUAL(r->evidence[0].witness, WITNESS_SIGNATURE); /* strongest first */
    CU_ASSERT(r->confidence >= 90);
    CU_ASSERT_EQUAL(r->banner_len, strlen("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"));
    CU_ASSERT_EQUAL(r->verdict, VERDICT_NONSTANDARD); /* no port table given */
    inventory_destroy(inv);
}

static void test_witnesses_disagree(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 22, IPPROTO_TCP, "HTTP/1.1 200 OK");
    struct evidence e[2] = {ev("ssh", "", "", "", WITNESS_NDPI, STRENGTH_NDPI),
                            ev("http", "", "nginx", "1.22.1", WITNESS_SIGNATURE, STRENGTH_HARD)};
    struct endpoint_record *r = inventory_add_flow(inv, &in, 10, 20, NULL, e, 2);
    CU_ASSERT_STRING_EQUAL(r->best.service, "http");
    CU_ASSERT_EQUAL(r->evidence_count, 2); /* both kept */
    struct inventory *inv2 = inventory_create(NULL);
    struct endpoint_record *r2 = inventory_add_flow(inv2, &in, 10, 20, NULL, &e[1], 1);
    CU_ASSERT(r->confidence < r2->confidence); /* the disagreement shows */
    inventory_destroy(inv);
    inventory_destroy(inv2);
}

static void test_ranks(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 6379, IPPROTO_TCP, "+PONG\r\n");
    /* nDPI outranks a softmatch; a hard match outranks nDPI whatever the order of arrival. */
    struct evidence soft = ev("memcached", "", "", "", WITNESS_SIGNATURE, STRENGTH_SOFT);
    struct evidence ndpi = ev("redis", "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &soft, 1);
    CU_ASSERT_STRING_EQUAL(r->best.service, "memcached");
    r = inventory_add_flow(inv, &in, 3, 4, NULL, &ndpi, 1);
    CU_ASSERT_STRING_EQUAL(r->best.service, "redis");
    struct evidence hard =
        ev("redis", "", "Redis key-value store", "7.0.15", WITNESS_SIGNATURE, STRENGTH_HARD);
    r = inventory_add_flow(inv, &in, 5, 6, NULL, &hard, 1);
    CU_ASSERT_STRING_EQUAL(r->best.product, "Redis key-value store");
    CU_ASSERT_EQUAL(r->flows, 3);
    CU_ASSERT_EQUAL(r->clients, 1);
    CU_ASSERT_EQUAL(r->first_us, 1);
    CU_ASSERT_EQUAL(r->last_us, 6);
    CU_ASSERT_EQUAL(inventory_count(inv), 1);
    inventory_destroy(inv);
}

static void test_tls_specific_wins(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 443, IPPROTO_TCP, "\x16\x03\x03");
    struct evidence e[3] = {ev("ssl", "", "", "", WITNESS_PARSER, STRENGTH_PARSER),
                            ev("http", "tls", "", "", WITNESS_PARSER, STRENGTH_PARSER),
                            ev("ssl", "", "", "", WITNESS_NDPI, STRENGTH_NDPI)};
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, e, 3);
    CU_ASSERT_STRING_EQUAL(r->best.service, "http");
    CU_ASSERT_STRING_EQUAL(r->best.tunnel, "tls");
    inventory_destroy(inv);

    /* The parser saw only TLS; nDPI saw HTTP inside it: the inside is the identification. */
    inv = inventory_create(NULL);
    struct evidence f[2] = {ev("ssl", "", "", "", WITNESS_PARSER, STRENGTH_PARSER),
                            ev("http", "tls", "", "", WITNESS_NDPI, STRENGTH_NDPI)};
    r = inventory_add_flow(inv, &in, 1, 2, NULL, f, 2);
    CU_ASSERT_STRING_EQUAL(r->best.service, "http");
    CU_ASSERT_STRING_EQUAL(r->best.tunnel, "tls");
    CU_ASSERT_EQUAL(r->sources, WITNESS_PARSER | WITNESS_NDPI);
    CU_ASSERT(r->confidence >= 85); /* two witnesses agree */
    inventory_destroy(inv);
}

static void test_clients_and_endpoints(void)
{
    struct inventory *inv = inventory_create(NULL);
    char client[32];
    struct evidence e = ev("domain", "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
    for (int i = 0; i < 100; i++) {
        snprintf(client, sizeof client, "10.1.0.%d", i % 10);
        struct classify_input in = input("10.0.0.53", client, 53, IPPROTO_UDP, NULL);
        inventory_add_flow(inv, &in, (uint64_t)i, (uint64_t)i + 1, NULL, &e, 1);
    }
    /* The same address and port over TCP is another endpoint. */
    struct classify_input tcp = input("10.0.0.53", "10.1.0.1", 53, IPPROTO_TCP, NULL);
    inventory_add_flow(inv, &tcp, 1, 2, NULL, &e, 1);
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(inv, &recs);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(recs[0]->transport, IPPROTO_TCP);
    CU_ASSERT_EQUAL(recs[1]->flows, 100);
    CU_ASSERT_EQUAL(recs[1]->clients, 10);
    CU_ASSERT_EQUAL(recs[1]->evidence_count, 1); /* duplicates folded */
    inventory_destroy(inv);
}

static void test_many_endpoints_sorted(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct evidence e = ev("http", "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
    char server[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(server, sizeof server, "10.%d.%d.1", (i * 7919) % 200, i % 250);
        struct classify_input in = input(server, "192.0.2.1", (uint16_t)(1 + i % 3), 6, NULL);
        inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
    }
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(inv, &recs);
    CU_ASSERT_EQUAL(n, inventory_count(inv));
    int ordered = 1;
    for (size_t i = 1; i < n; i++) {
        int c = addr_compare(&recs[i - 1]->host, &recs[i]->host);
        if (c > 0 || (c == 0 && recs[i - 1]->port >= recs[i]->port))
            ordered = 0;
    }
    CU_ASSERT(ordered);
    inventory_destroy(inv);
}

static struct channel_origin origin(const char *host, uint16_t port, const char *how,
                                    bool same_software)
{
    struct channel_origin o;
    memset(&o, 0, sizeof o);
    uint8_t b[4];
    sscanf(host, "%hhu.%hhu.%hhu.%hhu", &b[0], &b[1], &b[2], &b[3]);
    addr_set_v4(&o.host, b);
    o.port = port;
    EV_SET(o.how, how);
    o.same_software = same_software;
    return o;
}

static void test_announced_channel(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct channel_origin pasv = origin("10.0.0.21", 21, "PASV", true);
    struct channel_origin epsv = origin("10.0.0.21", 21, "EPSV", true);
    /* Payload of a data connection that happens to look like SSH: the announcement wins. */
    struct classify_input data =
        input("10.0.0.21", "10.0.0.2", 40123, IPPROTO_TCP, "SSH-2.0-this is file content");
    struct evidence looks = ev("ssh", "", "OpenSSH", "", WITNESS_SIGNATURE, STRENGTH_HARD);
    struct endpoint_record *r = inventory_add_flow(inv, &data, 1, 2, NULL, &looks, 1);
    CU_ASSERT_STRING_EQUAL(r->best.service, "ssh");
    inventory_expect(inv, &data.server, 40123, IPPROTO_TCP, "ftp-data", "ftp:PASV", &pasv, 1);
    CU_ASSERT_STRING_EQUAL(r->best.service, "ftp-data");
    CU_ASSERT(r->sources & WITNESS_CONTROL);
    /* Announced first, seen after. */
    struct classify_input later = input("10.0.0.21", "10.0.0.2", 40124, IPPROTO_TCP, "x");
    inventory_expect(inv, &later.server, 40124, IPPROTO_TCP, "ftp-data", "ftp:EPSV", &epsv, 1);
    r = inventory_add_flow(inv, &later, 1, 2, NULL, NULL, 0);
    CU_ASSERT_STRING_EQUAL(r->best.service, "ftp-data");
    CU_ASSERT_STRING_EQUAL(r->best.rule, "ftp:EPSV");
    inventory_destroy(inv);
}

/* What the report shows of a record: the identification and the verdict. */
static void shown(const struct endpoint_record *r, char *out, size_t size)
{
    snprintf(out, size, "%s|%s|%s|%s|%s|%d|%u", r->best.service, r->best.product, r->best.version,
             r->best.info, r->best.cpe, (int)r->verdict, r->confidence);
}

/* An FTP control connection 10.0.0.21:21 (vsftpd) and one channel it announced, added in
 * the order given: 'c' the control flow, 'a' the announcement, 'd' the channel's flow
 * (whose payload looks like SSH). Returns the channel's record as the report shows it. */
static void ftp_session(const char *order, const char *how, bool passive, char *out, size_t size)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input control =
        input("10.0.0.21", "10.0.0.2", 21, IPPROTO_TCP, "220 (vsFTPd 3.0.3)\r\n");
    struct evidence vsftpd = ev("ftp", "", "vsftpd", "3.0.3", WITNESS_SIGNATURE, STRENGTH_HARD);
    EV_SET(vsftpd.cpe, "cpe:/a:beasts:vsftpd:3.0.3");
    /* Passive: the server listens on the channel; active: the client does. */
    struct classify_input data =
        passive ? input("10.0.0.21", "10.0.0.2", 40123, IPPROTO_TCP, "SSH-2.0-file content")
                : input("10.0.0.2", "10.0.0.21", 40123, IPPROTO_TCP, "SSH-2.0-file content");
    struct evidence looks = ev("ssh", "", "OpenSSH", "9.2p1", WITNESS_SIGNATURE, STRENGTH_HARD);
    struct channel_origin o = origin("10.0.0.21", 21, how, passive);
    char rule[EV_RULE_MAX];
    snprintf(rule, sizeof rule, "ftp:%s", how);
    for (const char *step = order; *step; step++) {
        if (*step == 'c')
            inventory_add_flow(inv, &control, 100, 900, NULL, &vsftpd, 1);
        else if (*step == 'a')
            inventory_expect(inv, &data.server, 40123, IPPROTO_TCP, "ftp-data", rule, &o, 200);
        else
            inventory_add_flow(inv, &data, 300, 400, NULL, &looks, 1);
    }
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(inv, &recs);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    const struct endpoint_record *r = recs[passive ? 1 : 0];
    CU_ASSERT_EQUAL(r->port, 40123);
    shown(r, out, size);
    inventory_destroy(inv);
}

/* A passive channel shows the FTP server's product, version and cpe; an active one only
 * which control connection announced it. Whatever the order in which the control flow,
 * the announcement and the channel's flow arrive, the record is the same. */
static void test_channel_of_control(void)
{
    static const char *const orders[] = {"cad", "cda", "acd", "adc", "dac", "dca"};
    char first[512], got[512];
    ftp_session(orders[0], "EPSV", true, first, sizeof first);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "ftp-data|vsftpd|3.0.3|data channel of 10.0.0.21:21 "
                                         "(EPSV)|cpe:/a:beasts:vsftpd:3.0.3|"));
    for (size_t i = 1; i < sizeof orders / sizeof *orders; i++) {
        ftp_session(orders[i], "EPSV", true, got, sizeof got);
        CU_ASSERT_STRING_EQUAL(got, first);
    }
    ftp_session(orders[0], "PORT", false, first, sizeof first);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "ftp-data|||data channel of 10.0.0.21:21 (PORT)||"));
    for (size_t i = 1; i < sizeof orders / sizeof *orders; i++) {
        ftp_session(orders[i], "PORT", false, got, sizeof got);
        CU_ASSERT_STRING_EQUAL(got, first);
    }
}

/* Push every expectation out of the bounded ring with announcements of other endpoints. */
static void flood_expectations(struct inventory *inv, const struct channel_origin *o)
{
    uint8_t b[4] = {192, 0, 2, 0};
    for (unsigned i = 0; i < PS_MAX_EXPECTATIONS; i++) {
        struct ps_addr host;
        b[2] = (uint8_t)(i >> 8);
        b[3] = (uint8_t)i;
        addr_set_v4(&host, b);
        inventory_expect(inv, &host, 50000, IPPROTO_TCP, "ftp-data", "ftp:PASV", o, 1);
    }
}

/* The record keeps the control endpoint it was announced by: once the ring has forgotten
 * the announcement, the channel still takes that control's product; and of two control
 * endpoints that announced it (the second after the ring forgot the first) it names the
 * same one whichever came first. */
static void test_channel_outlives_expectation(void)
{
    struct classify_input control[2] = {
        input("10.0.0.21", "10.0.0.2", 21, IPPROTO_TCP, "220 (vsFTPd 3.0.3)\r\n"),
        input("10.0.0.21", "10.0.0.2", 2121, IPPROTO_TCP, "220 (vsFTPd 3.0.5)\r\n")};
    struct evidence vsftpd[2] = {
        ev("ftp", "", "vsftpd", "3.0.3", WITNESS_SIGNATURE, STRENGTH_HARD),
        ev("ftp", "", "vsftpd", "3.0.5", WITNESS_SIGNATURE, STRENGTH_HARD)};
    struct channel_origin via[2] = {origin("10.0.0.21", 21, "EPSV", true),
                                    origin("10.0.0.21", 2121, "PASV", true)};
    struct classify_input data = input("10.0.0.21", "10.0.0.2", 40123, IPPROTO_TCP, "x");
    char shown_as[2][512];
    for (int first = 0; first < 2; first++) {
        struct inventory *inv = inventory_create(NULL);
        inventory_expect(inv, &data.server, 40123, IPPROTO_TCP, "ftp-data", "ftp:x", &via[first],
                         1);
        inventory_add_flow(inv, &data, 2, 3, NULL, NULL, 0);
        flood_expectations(inv, &via[0]);
        CU_ASSERT(!inventory_is_expected(inv, &data.server, 40123, IPPROTO_TCP));
        for (int c = 0; c < 2; c++)
            inventory_add_flow(inv, &control[c], 1, 9, NULL, &vsftpd[c], 1);
        const struct endpoint_record **recs;
        size_t n = inventory_sorted(inv, &recs);
        CU_ASSERT_EQUAL_FATAL(n, 3);
        CU_ASSERT_EQUAL(recs[2]->port, 40123);
        CU_ASSERT_STRING_EQUAL(recs[2]->best.service, "ftp-data");
        CU_ASSERT_STRING_EQUAL(recs[2]->best.product, "vsftpd");
        CU_ASSERT_STRING_EQUAL(recs[2]->best.version, vsftpd[first].version);
        /* Announced again by the other control endpoint. */
        inventory_expect(inv, &data.server, 40123, IPPROTO_TCP, "ftp-data", "ftp:x", &via[!first],
                         1);
        n = inventory_sorted(inv, &recs);
        CU_ASSERT_EQUAL_FATAL(n, 3);
        CU_ASSERT_EQUAL(recs[2]->evidence_count, 1); /* one announcement held */
        shown(recs[2], shown_as[first], sizeof shown_as[first]);
        inventory_destroy(inv);
    }
    CU_ASSERT_STRING_EQUAL(shown_as[0], shown_as[1]);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(shown_as[0], "ftp-data|vsftpd|3.0.3|data channel of 10.0.0.21:21 (EPSV)|"));
}

/* inventory_load_aliases on a file holding text. */
static int load_aliases(struct inventory *inv, const char *text, char *err, size_t errlen)
{
    char path[] = "/tmp/ps-aliases-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    int rc = inventory_load_aliases(inv, path, err, errlen);
    unlink(path);
    return rc;
}

static void test_aliases(void)
{
    struct inventory *inv = inventory_create(NULL);
    char err[256];
    CU_ASSERT_EQUAL(
        load_aliases(inv, "# comment\nhttps ssl\n\ndns domain  # trailing\n", err, sizeof err), 0);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 53, IPPROTO_UDP, NULL);
    struct evidence e = ev("dns", "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
    CU_ASSERT_STRING_EQUAL(r->best.service, "domain");
    inventory_destroy(inv);

    inv = inventory_create(NULL);
    CU_ASSERT_EQUAL(load_aliases(inv, "https ssl\nthree words here\n", err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2:"));
    inventory_destroy(inv);
}

/* Clients are counted exactly up to PS_MAX_CLIENTS_TRACKED, in any order of repeats, and
 * not at all past it (a lower bound). */
static void test_clients_cap(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct evidence e = ev("http", "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
    char client[32];
    const struct endpoint_record *r = NULL;
    for (unsigned round = 0; round < 3; round++)
        for (unsigned i = 0; i < PS_MAX_CLIENTS_TRACKED - 1; i++) {
            snprintf(client, sizeof client, "10.%u.%u.1", i % 7, i);
            struct classify_input in = input("10.0.0.80", client, 80, IPPROTO_TCP, NULL);
            r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
        }
    CU_ASSERT_EQUAL(r->clients, PS_MAX_CLIENTS_TRACKED - 1);
    for (unsigned i = 0; i < 200; i++) {
        snprintf(client, sizeof client, "10.9.%u.%u", i / 100, i % 100);
        struct classify_input in = input("10.0.0.80", client, 80, IPPROTO_TCP, NULL);
        r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
        r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
    }
    CU_ASSERT_EQUAL(r->clients, PS_MAX_CLIENTS_TRACKED);
    CU_ASSERT_EQUAL(r->flows, 3 * (PS_MAX_CLIENTS_TRACKED - 1) + 400);
    inventory_destroy(inv);
}

/* Aliases that share an initial, names no alias has, and a name given twice (the first
 * line wins). */
static void test_aliases_shared_initial(void)
{
    struct inventory *inv = inventory_create(NULL);
    char err[256];
    const char *text = "dnsx other\ndns domain\nd2 two\ndup first\ndup second\nzz last\n";
    CU_ASSERT_EQUAL(load_aliases(inv, text, err, sizeof err), 0);
    const char *cases[][2] = {{"dns", "domain"}, {"dnsx", "other"}, {"d2", "two"},
                              {"dup", "first"},  {"dn", "dn"},      {"dnsxy", "dnsxy"},
                              {"zz", "last"},    {"z", "z"},        {"a", "a"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct classify_input in =
            input("10.0.0.1", "10.0.0.2", (uint16_t)(1000 + i), IPPROTO_TCP, NULL);
        struct evidence e = ev(cases[i][0], "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
        struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
        CU_ASSERT_STRING_EQUAL(r->best.service, cases[i][1]);
    }
    inventory_destroy(inv);
}

/* Many aliases: each name is found through whatever probe sequence it shares, and a name
 * that is no alias is left alone. */
static void test_aliases_many(void)
{
    static char text[400 * 24];
    size_t len = 0;
    for (unsigned i = 0; i < 400; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "n%u c%u\n", i, i);
    struct inventory *inv = inventory_create(NULL);
    char err[256];
    CU_ASSERT_EQUAL_FATAL(load_aliases(inv, text, err, sizeof err), 0);
    char name[32], want[32];
    for (unsigned i = 0; i < 800; i++) {
        snprintf(name, sizeof name, "n%u", i);
        snprintf(want, sizeof want, i < 400 ? "c%u" : "n%u", i);
        struct classify_input in =
            input("10.0.0.1", "10.0.0.2", (uint16_t)(2000 + i), IPPROTO_TCP, NULL);
        struct evidence e = ev(name, "", "", "", WITNESS_NDPI, STRENGTH_NDPI);
        struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
        CU_ASSERT_STRING_EQUAL(r->best.service, want);
    }
    inventory_destroy(inv);
}

/* The same statement again folds into the one kept, whatever bytes follow its strings; the
 * same statement by a rule first in order takes its place. */
static void test_evidence_folded(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 22, IPPROTO_TCP, NULL);
    struct evidence b = ev("ssh", "", "OpenSSH", "9.2p1", WITNESS_SIGNATURE, STRENGTH_HARD);
    EV_SET(b.rule, "ssh.sig:9");
    struct evidence a = b;
    EV_SET(a.rule, "ssh.sig:1");
    struct evidence tail = b;
    memset(tail.product, 'x', sizeof tail.product);
    EV_SET(tail.product, "OpenSSH");
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &b, 1);
    r->changed = false;
    r = inventory_add_flow(inv, &in, 1, 2, NULL, &tail, 1);
    CU_ASSERT_EQUAL(r->evidence_count, 1);
    CU_ASSERT_FALSE(r->changed);
    r = inventory_add_flow(inv, &in, 1, 2, NULL, &a, 1);
    CU_ASSERT_EQUAL(r->evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(r->evidence[0].rule, "ssh.sig:1");
    r = inventory_add_flow(inv, &in, 1, 2, NULL, &b, 1);
    CU_ASSERT_EQUAL(r->evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(r->evidence[0].rule, "ssh.sig:1");
    CU_ASSERT_EQUAL(r->flows, 4);
    inventory_destroy(inv);
}

static void test_detail_kept(void)
{
    struct inventory *inv = inventory_create(NULL);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 443, IPPROTO_TCP, NULL);
    struct flow_detail d;
    memset(&d, 0, sizeof d);
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, &d, NULL, 0);
    CU_ASSERT_PTR_NULL(r->detail); /* nothing seen: nothing allocated */
    CU_ASSERT_EQUAL(r->verdict, VERDICT_UNKNOWN);
    d.tls.seen = true;
    d.tls.have_client_hello = true;
    strcpy(d.tls.sni, "example.test");
    r = inventory_add_flow(inv, &in, 1, 2, &d, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->detail);
    CU_ASSERT_STRING_EQUAL(r->detail->tls.sni, "example.test");
    inventory_destroy(inv);
}

/* Two TLS flows to one endpoint: the earlier TLS 1.3 (certificate encrypted), the later
 * TLS 1.2 (certificate in clear, another ALPN). */
static void tls_flows(struct flow_detail *early, struct flow_detail *late)
{
    memset(early, 0, sizeof *early);
    early->tls.seen = true;
    early->tls.have_client_hello = early->tls.have_server_hello = true;
    strcpy(early->tls.sni, "www.example.test");
    strcpy(early->tls.version, "TLSv1.3");
    strcpy(early->tls.ja3s, "15af977ce25de452b96affa2addb1036");
    memset(late, 0, sizeof *late);
    late->tls.seen = true;
    late->tls.have_client_hello = late->tls.have_server_hello = true;
    strcpy(late->tls.sni, "other.example.test");
    strcpy(late->tls.version, "TLSv1.2");
    strcpy(late->tls.alpn, "http/1.1");
    late->tls.have_cert = true;
    strcpy(late->tls.subject, "CN=www.example.test");
    strcpy(late->tls.issuer, "CN=www.example.test");
    strcpy(late->tls.sans, "www.example.test");
    strcpy(late->tls.not_before, "2024-01-01T00:00:00Z");
    late->tls.self_signed = true;
}

static void test_detail_merged(void)
{
    struct flow_detail early, late;
    tls_flows(&early, &late);
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 443, IPPROTO_TCP, NULL);
    struct flow_detail got[2];
    for (int order = 0; order < 2; order++) {
        struct inventory *inv = inventory_create(NULL);
        struct endpoint_record *r;
        if (order == 0) {
            inventory_add_flow(inv, &in, 100, 200, &early, NULL, 0);
            r = inventory_add_flow(inv, &in, 300, 400, &late, NULL, 0);
        } else {
            inventory_add_flow(inv, &in, 300, 400, &late, NULL, 0);
            r = inventory_add_flow(inv, &in, 100, 200, &early, NULL, 0);
        }
        CU_ASSERT_PTR_NOT_NULL_FATAL(r->detail);
        /* The earlier flow's hellos stay whole (its ServerHello chose no ALPN: the later
         * flow's choice is not shown as its); the certificate it lacks comes from the
         * later one. */
        CU_ASSERT_STRING_EQUAL(r->detail->tls.version, "TLSv1.3");
        CU_ASSERT_STRING_EQUAL(r->detail->tls.sni, "www.example.test");
        CU_ASSERT_STRING_EQUAL(r->detail->tls.ja3s, "15af977ce25de452b96affa2addb1036");
        CU_ASSERT_STRING_EQUAL(r->detail->tls.alpn, "");
        CU_ASSERT(r->detail->tls.have_cert);
        CU_ASSERT_STRING_EQUAL(r->detail->tls.subject, "CN=www.example.test");
        CU_ASSERT_STRING_EQUAL(r->detail->tls.sans, "www.example.test");
        CU_ASSERT(r->detail->tls.self_signed);
        memcpy(&got[order], r->detail, sizeof got[order]);
        inventory_destroy(inv);
    }
    /* Either order of arrival gives the same record. */
    CU_ASSERT_EQUAL(memcmp(&got[0], &got[1], sizeof got[0]), 0);
}

/* A certificate is taken whole from one flow: an earlier flow's certificate is never
 * completed with a later flow's fields. */
static void test_detail_cert_whole(void)
{
    struct flow_detail a, b;
    tls_flows(&a, &b);
    a = b;
    strcpy(a.tls.subject, "CN=first.example.test");
    a.tls.sans[0] = '\0';
    a.tls.not_before[0] = '\0';
    a.tls.self_signed = false;
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 443, IPPROTO_TCP, NULL);
    struct inventory *inv = inventory_create(NULL);
    inventory_add_flow(inv, &in, 300, 400, &b, NULL, 0);
    struct endpoint_record *r = inventory_add_flow(inv, &in, 100, 200, &a, NULL, 0);
    CU_ASSERT_STRING_EQUAL(r->detail->tls.subject, "CN=first.example.test");
    CU_ASSERT_STRING_EQUAL(r->detail->tls.sans, "");
    CU_ASSERT_STRING_EQUAL(r->detail->tls.not_before, "");
    CU_ASSERT(!r->detail->tls.self_signed);
    /* Flows that began in the same microsecond: a fixed choice, whatever the order. */
    struct flow_detail c = b;
    strcpy(c.tls.subject, "CN=a.example.test");
    struct inventory *i1 = inventory_create(NULL), *i2 = inventory_create(NULL);
    inventory_add_flow(i1, &in, 50, 60, &b, NULL, 0);
    struct endpoint_record *r1 = inventory_add_flow(i1, &in, 50, 60, &c, NULL, 0);
    inventory_add_flow(i2, &in, 50, 60, &c, NULL, 0);
    struct endpoint_record *r2 = inventory_add_flow(i2, &in, 50, 60, &b, NULL, 0);
    CU_ASSERT_STRING_EQUAL(r1->detail->tls.subject, r2->detail->tls.subject);
    CU_ASSERT_EQUAL(memcmp(r1->detail, r2->detail, sizeof *r1->detail), 0);
    inventory_destroy(i1);
    inventory_destroy(i2);
    inventory_destroy(inv);
}

/* The UDP parsers' detail (DNS, SNMP, NTP) is kept too, not only TLS, SSH and HTTP. */
static void test_detail_udp_kept(void)
{
    struct flow_detail d;
    memset(&d, 0, sizeof d);
    d.dns.seen = true;
    d.dns.id = 7;
    strcpy(d.dns.qname, "www.example.test");
    struct classify_input in = input("10.0.0.1", "10.0.0.2", 53, IPPROTO_UDP, NULL);
    struct inventory *inv = inventory_create(NULL);
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, &d, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->detail);
    CU_ASSERT(r->detail->dns.seen);
    CU_ASSERT_STRING_EQUAL(r->detail->dns.qname, "www.example.test");
    inventory_destroy(inv);
}

void suite_inventory(void)
{
    UNIT_SUITE("inventory", NULL, NULL, {"witnesses agree", test_witnesses_agree},
               {"witnesses disagree", test_witnesses_disagree}, {"ranks", test_ranks},
               {"tls specific wins", test_tls_specific_wins},
               {"clients and endpoints", test_clients_and_endpoints},
               {"many endpoints sorted", test_many_endpoints_sorted},
               {"announced channel", test_announced_channel},
               {"channel of control", test_channel_of_control},
               {"channel outlives expectation", test_channel_outlives_expectation},
               {"aliases", test_aliases}, {"clients cap", test_clients_cap},
               {"aliases shared initial", test_aliases_shared_initial},
               {"aliases many", test_aliases_many}, {"evidence folded", test_evidence_folded},
               {"detail kept", test_detail_kept}, {"detail merged", test_detail_merged},
               {"detail cert whole", test_detail_cert_whole},
               {"detail udp kept", test_detail_udp_kept});
}
