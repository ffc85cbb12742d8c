/*
 * test_report.c - the report formats: escaping of bytes from the wire, CSV
 * that parses back (libcsv) to the contract's columns, JSON lines that parse
 * back (jansson) to the same values, the table's alignment, order, filter and
 * summary. Records are built by hand, as the inventory would fill them.
 */
#include <arpa/inet.h>
#include <csv.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "ports.h"
#include "report.h"
#include "unit.h"

/* A banner with everything hostile: an ANSI colour, commas, quotes, CR LF, a NUL, a backslash. */
static const char hostile_banner[] = "SSH-2.0-\x1b[31mEvil, \"quoted\"\r\n\0tail\\";
#define HOSTILE_ESCAPED "SSH-2.0-\\x1b[31mEvil, \"quoted\"\\r\\n\\x00tail\\\\"

#define T_FIRST 1795269740123456ull /* 2026-11-21T14:02:20.123456Z */
#define T_LAST 1795269900000007ull  /* 2026-11-21T14:05:00.000007Z */

static struct evidence evidence_store[4][2];
static struct flow_detail detail_store;

static struct endpoint_record record(const char *host, uint16_t port, uint8_t transport,
                                     const char *service, const char *tunnel, enum verdict v)
{
    struct endpoint_record r;
    uint8_t b[16];
    memset(&r, 0, sizeof r);
    if (inet_pton(AF_INET, host, b) == 1)
        addr_set_v4(&r.host, b);
    else if (inet_pton(AF_INET6, host, b) == 1)
        addr_set_v6(&r.host, b);
    r.port = port;
    r.transport = transport;
    EV_SET(r.best.service, service);
    EV_SET(r.best.tunnel, tunnel);
    r.verdict = v;
    r.confidence = 90;
    r.flows = 3;
    r.clients = 2;
    r.first_us = T_FIRST;
    r.last_us = T_LAST;
    r.sources = WITNESS_SIGNATURE;
    return r;
}

/* SSH on port 80 with a hostile banner and hostile strings from a signature's $1. */
static struct endpoint_record hostile_record(void)
{
    struct endpoint_record r = record("192.0.2.7", 80, IPPROTO_TCP, "ssh", "", VERDICT_MISMATCH);
    EV_SET(r.best.product, "Open\x1b]0;pwned\x07SSH");
    EV_SET(r.best.version, "8.9p1\r\n");
    EV_SET(r.best.info, "protocol 2.0, \"x\"");
    EV_SET(r.best.os, "Linux");
    EV_SET(r.best.cpe, "cpe:/a:openbsd:openssh:8.9p1");
    EV_SET(r.expected, "http");
    r.sources = WITNESS_SIGNATURE | WITNESS_NDPI | WITNESS_PARSER;
    memcpy(r.banner, hostile_banner, sizeof hostile_banner - 1);
    r.banner_len = sizeof hostile_banner - 1;

    struct evidence *ev = evidence_store[0];
    memset(ev, 0, 2 * sizeof *ev);
    ev[0] = r.best;
    EV_SET(ev[0].rule, "ssh.sig:3");
    ev[0].witness = WITNESS_SIGNATURE;
    ev[0].strength = STRENGTH_HARD;
    EV_SET(ev[1].service, "ssh");
    EV_SET(ev[1].rule, "ndpi:SSH");
    ev[1].witness = WITNESS_NDPI;
    ev[1].strength = STRENGTH_NDPI;
    r.evidence = ev;
    r.evidence_count = 2;

    memset(&detail_store, 0, sizeof detail_store);
    detail_store.ssh.seen = true;
    EV_SET(detail_store.ssh.server_banner, "SSH-2.0-\x1b[31mEvil");
    EV_SET(detail_store.ssh.hassh_server, "0123456789abcdef0123456789abcdef");
    r.detail = &detail_store;
    return r;
}

/* Run fn over a memory stream; returns the output (caller frees). */
static char *capture(const struct report_options *opt, const struct endpoint_record *const *recs,
                     size_t n, bool live)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    struct report *r = report_open(f, opt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    if (live)
        for (size_t i = 0; i < n; i++)
            report_record(r, recs[i]);
    else
        report_records(r, recs, n);
    report_close(r);
    fclose(f);
    return buf;
}

/* --- escaping and times ------------------------------------------------------------- */

static void test_escape(void)
{
    char out[256];
    size_t n =
        report_escape((const uint8_t *)hostile_banner, sizeof hostile_banner - 1, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, HOSTILE_ESCAPED);
    CU_ASSERT_EQUAL(n, strlen(HOSTILE_ESCAPED));
    n = report_escape((const uint8_t *)"\x7f\x80\xff\t~ ", 6, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\\x7f\\x80\\xff\\t~ ");

    /* A short buffer holds whole escapes only, always terminated. */
    n = report_escape((const uint8_t *)"ab\x1b", 3, out, 5);
    CU_ASSERT_STRING_EQUAL(out, "ab");
    CU_ASSERT_EQUAL(n, 2);
    n = report_escape((const uint8_t *)"ab\x1b", 3, out, 7);
    CU_ASSERT_STRING_EQUAL(out, "ab\\x1b");
    n = report_escape((const uint8_t *)"\\\\", 2, out, 4);
    CU_ASSERT_STRING_EQUAL(out, "\\\\");
    CU_ASSERT_EQUAL(report_escape((const uint8_t *)"x", 1, out, 0), 0);
    /* The worst case fits REPORT_ESCAPED. */
    uint8_t all_bad[32];
    char big[REPORT_ESCAPED(sizeof all_bad)];
    memset(all_bad, 0x01, sizeof all_bad);
    CU_ASSERT_EQUAL(report_escape(all_bad, sizeof all_bad, big, sizeof big), 4 * sizeof all_bad);
}

static void test_time(void)
{
    char t[32];
    report_time(0, t);
    CU_ASSERT_STRING_EQUAL(t, "1970-01-01T00:00:00.000000Z");
    report_time(T_FIRST, t);
    CU_ASSERT_STRING_EQUAL(t, "2026-11-21T14:02:20.123456Z");
    report_time(1709251199999999ull, t);
    CU_ASSERT_STRING_EQUAL(t, "2024-02-29T23:59:59.999999Z");
    report_time(T_LAST, t);
    CU_ASSERT_STRING_EQUAL(t, "2026-11-21T14:05:00.000007Z");
}

static void test_sources(void)
{
    char s[32];
    CU_ASSERT_STRING_EQUAL(report_sources(0, s), "");
    CU_ASSERT_STRING_EQUAL(report_sources(WITNESS_NDPI, s), "ndpi");
    CU_ASSERT_STRING_EQUAL(
        report_sources(WITNESS_CONTROL | WITNESS_NDPI | WITNESS_PARSER | WITNESS_SIGNATURE, s),
        "sig+parser+ndpi+control");
    CU_ASSERT_STRING_EQUAL(report_sources(WITNESS_NDPI | WITNESS_SIGNATURE, s), "sig+ndpi");
}

/* --- the table ---------------------------------------------------------------------- */

/* Nothing but printable ASCII and line ends. */
static void assert_clean_text(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        CU_ASSERT(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
        if (!(*p == '\n' || (*p >= 0x20 && *p < 0x7f))) {
            fprintf(stderr, "\nraw byte 0x%02x at offset %zu\n", *p,
                    (size_t)(p - (const unsigned char *)text));
            return;
        }
    }
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_table_escapes(void)
{
    struct endpoint_record h = hostile_record();
    const struct endpoint_record *recs[] = {&h};
    struct report_options opt = {.format = REPORT_TABLE};
    char *out = capture(&opt, recs, 1, false);
    assert_clean_text(out);
    CU_ASSERT_PTR_NULL(strchr(out, 0x1b));
    CU_ASSERT_EQUAL(count_lines(out), 3); /* header, row, summary */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SSH-2.0-\\x1b[31mEvil, \"quoted\"\\r\\n\\x00tail\\\\"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Open\\x1b]0;pwned\\x07SSH"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "8.9p1\\r\\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "80/tcp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "mismatch"));
    free(out);

    /* Live rows are just as clean. */
    out = capture(&opt, recs, 1, true);
    assert_clean_text(out);
    CU_ASSERT_EQUAL(count_lines(out), 2); /* header, row */
    free(out);
}

/* The start offset of each column title in the header is where every row's cell starts. */
static void test_table_alignment(void)
{
    struct endpoint_record a = record("2001:db8::1", 443, IPPROTO_TCP, "http", "tls", VERDICT_OK);
    struct endpoint_record b = record("10.0.0.1", 22, IPPROTO_TCP, "ssh", "", VERDICT_OK);
    EV_SET(b.best.product, "OpenSSH");
    /* A product longer than its column's cap is cut, never splitting an escape. */
    EV_SET(a.best.product, "ABCDEFGHIJKLMNOPQRSTUVW\x1bXYZ and more");
    const struct endpoint_record *recs[] = {&a, &b};
    struct report_options opt = {.format = REPORT_TABLE};
    char *out = capture(&opt, recs, 2, false);
    char *line2 = strchr(out, '\n') + 1, *line3 = strchr(line2, '\n') + 1;
    size_t prod = (size_t)(strstr(out, "PRODUCT") - out),
           ver = (size_t)(strstr(out, "VERSION") - out);
    /* Sorted: the IPv4 host first. */
    CU_ASSERT_EQUAL(strncmp(line2, "10.0.0.1 ", 9), 0);
    CU_ASSERT_EQUAL(strncmp(line3, "2001:db8::1 ", 12), 0);
    CU_ASSERT_EQUAL(strncmp(line2 + prod, "OpenSSH ", 8), 0);
    /* Cut to 28 characters before the escape, not inside it. */
    CU_ASSERT_EQUAL(strncmp(line3 + prod, "ABCDEFGHIJKLMNOPQRSTUVW...  ", 28), 0);
    CU_ASSERT_PTR_NULL(strstr(out, "\\x"));
    CU_ASSERT_EQUAL(strncmp(line2 + ver, "-  ", 3), 0); /* empty cells show "-" */
    CU_ASSERT_PTR_NOT_NULL(strstr(line3, "ssl/http"));
    CU_ASSERT_PTR_NOT_NULL(strstr(line3, "443/tcp"));
    /* No trailing blanks: the banner column is last and these have none. */
    CU_ASSERT_PTR_NULL(strstr(out, " \n"));
    free(out);
}

static void test_table_filter_and_summary(void)
{
    struct endpoint_record r[5] = {
        record("10.0.0.2", 80, IPPROTO_TCP, "ssh", "", VERDICT_MISMATCH),
        record("10.0.0.2", 2121, IPPROTO_TCP, "ftp", "", VERDICT_NONSTANDARD),
        record("10.0.0.2", 22, IPPROTO_TCP, "ssh", "", VERDICT_OK),
        record("10.0.0.2", 9999, IPPROTO_TCP, "", "", VERDICT_UNKNOWN),
        record("10.0.0.3", 53, IPPROTO_UDP, "snmp", "", VERDICT_MISMATCH),
    };
    const struct endpoint_record *recs[] = {&r[0], &r[1], &r[2], &r[3], &r[4]};
    struct report_options opt = {.format = REPORT_TABLE};
    char *out = capture(&opt, recs, 5, false);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "\n5 endpoints, 4 identified, 2 mismatches, 1 nonstandard, 1 unknown\n"));
    CU_ASSERT_EQUAL(count_lines(out), 7);
    /* Ports in numeric order within a host. */
    char *p22 = strstr(out, "22/tcp"), *p80 = strstr(out, "80/tcp"),
         *p2121 = strstr(out, "2121/tcp");
    CU_ASSERT(p22 && p80 && p2121 && p22 < p80 && p80 < p2121);
    free(out);

    opt.only_verdicts = 1u << VERDICT_MISMATCH;
    out = capture(&opt, recs, 5, false);
    CU_ASSERT_EQUAL(count_lines(out), 4); /* header, two mismatches, summary */
    CU_ASSERT_PTR_NULL(strstr(out, "2121/tcp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "80/tcp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "53/udp"));
    /* The summary still counts everything. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "5 endpoints, 4 identified, 2 mismatches"));
    free(out);

    opt.only_verdicts = 1u << VERDICT_UNKNOWN | 1u << VERDICT_NONSTANDARD;
    out = capture(&opt, recs, 5, true);
    CU_ASSERT_EQUAL(count_lines(out), 3); /* live: header, two rows */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "9999/tcp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2121/tcp"));
    free(out);
}

/* --- CSV ---------------------------------------------------------------------------- */

#define MAX_ROWS 8
struct csv_back {
    char *field[MAX_ROWS][REPORT_COLUMNS + 4];
    unsigned nfields[MAX_ROWS];
    unsigned rows;
};

static void csv_back_field(void *data, size_t len, void *ctx)
{
    struct csv_back *b = ctx;
    if (b->rows >= MAX_ROWS || b->nfields[b->rows] >= REPORT_COLUMNS + 4)
        return;
    char *s = malloc(len + 1);
    memcpy(s, data ? data : "", len);
    s[len] = '\0';
    b->field[b->rows][b->nfields[b->rows]++] = s;
}

static void csv_back_row(int c, void *ctx)
{
    struct csv_back *b = ctx;
    b->rows++;
}

static void csv_back_parse(const char *text, struct csv_back *b)
{
    struct csv_parser p;
    memset(b, 0, sizeof *b);
    CU_ASSERT_EQUAL_FATAL(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    CU_ASSERT_EQUAL(csv_parse(&p, text, strlen(text), csv_back_field, csv_back_row, b),
                    strlen(text));
    CU_ASSERT_EQUAL(csv_fini(&p, csv_back_field, csv_back_row, b), 0);
    csv_free(&p);
}

static void csv_back_free(struct csv_back *b)
{
    for (unsigned r = 0; r < MAX_ROWS; r++)
        for (unsigned i = 0; i < b->nfields[r]; i++)
            free(b->field[r][i]);
}

static const char *const hostile_fields[REPORT_COLUMNS] = {
    "192.0.2.7",
    "80",
    "tcp",
    "ssh",
    "",
    "Open\\x1b]0;pwned\\x07SSH",
    "8.9p1\\r\\n",
    "protocol 2.0, \"x\"",
    "Linux",
    "",
    "cpe:/a:openbsd:openssh:8.9p1",
    "http",
    "mismatch",
    "90",
    "sig+parser+ndpi",
    "3",
    "2",
    "2026-11-21T14:02:20.123456Z",
    "2026-11-21T14:05:00.000007Z",
    HOSTILE_ESCAPED,
};

static void test_csv_round_trip(void)
{
    struct endpoint_record h = hostile_record();
    const struct endpoint_record *recs[] = {&h};
    struct report_options opt = {.format = REPORT_CSV};
    char *out = capture(&opt, recs, 1, false);
    assert_clean_text(out);
    CU_ASSERT_EQUAL(count_lines(out), 2); /* one record is one line */
    static const char header[] = "host,port,transport,service,tunnel,product,version,info,os,"
                                 "device,cpe,expected,verdict,confidence,source,flows,clients,"
                                 "first_seen,last_seen,banner\n";
    CU_ASSERT_EQUAL(strncmp(out, header, sizeof header - 1), 0);
    struct csv_back b;
    csv_back_parse(out, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 2);
    CU_ASSERT_EQUAL(b.nfields[0], REPORT_COLUMNS);
    CU_ASSERT_EQUAL_FATAL(b.nfields[1], REPORT_COLUMNS);
    for (int i = 0; i < REPORT_COLUMNS; i++) {
        CU_ASSERT_STRING_EQUAL(b.field[0][i], report_columns[i]);
        CU_ASSERT_STRING_EQUAL(b.field[1][i], hostile_fields[i]);
        if (strcmp(b.field[1][i], hostile_fields[i]))
            fprintf(stderr, "\ncolumn %s: got \"%s\"\n", report_columns[i], b.field[1][i]);
    }
    csv_back_free(&b);
    free(out);
}

static void test_csv_ipv6_udp_tunnel_and_header_once(void)
{
    struct endpoint_record a =
        record("2001:db8:0:0:1:0:0:1", 993, IPPROTO_TCP, "imap", "tls", VERDICT_OK);
    struct endpoint_record b = record("10.0.0.9", 123, IPPROTO_UDP, "domain", "", VERDICT_MISMATCH);
    const struct endpoint_record *recs[] = {&a, &b};
    struct report_options opt = {.format = REPORT_CSV};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct report *r = report_open(f, &opt);
    report_record(r, &a); /* live first, then the whole inventory: one header in all */
    report_records(r, recs, 2);
    report_close(r);
    fclose(f);
    struct csv_back back;
    csv_back_parse(buf, &back);
    CU_ASSERT_EQUAL_FATAL(back.rows, 4);
    CU_ASSERT_STRING_EQUAL(back.field[0][0], "host");
    CU_ASSERT_STRING_EQUAL(back.field[1][0], "2001:db8::1:0:0:1");
    CU_ASSERT_STRING_EQUAL(back.field[1][4], "tls");
    /* Sorted: IPv4 before IPv6. */
    CU_ASSERT_STRING_EQUAL(back.field[2][0], "10.0.0.9");
    CU_ASSERT_STRING_EQUAL(back.field[2][2], "udp");
    CU_ASSERT_STRING_EQUAL(back.field[3][0], "2001:db8::1:0:0:1");
    csv_back_free(&back);
    free(buf);

    /* A second report on a stream that has its header already. */
    opt.no_header = true;
    buf = capture(&opt, recs, 2, false);
    CU_ASSERT_EQUAL(count_lines(buf), 2);
    CU_ASSERT_EQUAL(strncmp(buf, "10.0.0.9,123,", 13), 0); /* plain fields stay unquoted */
    free(buf);
}

/* --- JSON --------------------------------------------------------------------------- */

static void test_json_round_trip(void)
{
    struct endpoint_record h = hostile_record();
    const struct endpoint_record *recs[] = {&h};
    struct report_options opt = {.format = REPORT_JSON};
    char *out = capture(&opt, recs, 1, true);
    assert_clean_text(out);
    CU_ASSERT_EQUAL(count_lines(out), 1);
    json_error_t err;
    json_t *o = json_loads(out, 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    for (int i = 0; i < REPORT_COLUMNS; i++) {
        json_t *v = json_object_get(o, report_columns[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        if (json_is_integer(v)) {
            char num[24];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            CU_ASSERT_STRING_EQUAL(num, hostile_fields[i]);
        } else {
            CU_ASSERT_STRING_EQUAL(json_string_value(v), hostile_fields[i]);
        }
    }
    CU_ASSERT(json_is_integer(json_object_get(o, "port")));
    CU_ASSERT(json_is_integer(json_object_get(o, "confidence")));
    CU_ASSERT(json_is_integer(json_object_get(o, "flows")));
    CU_ASSERT(json_is_integer(json_object_get(o, "clients")));
    CU_ASSERT(json_is_string(json_object_get(o, "verdict")));

    json_t *ssh = json_object_get(o, "ssh");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ssh, "server_banner")),
                           "SSH-2.0-\\x1b[31mEvil");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ssh, "hassh_server")),
                           "0123456789abcdef0123456789abcdef");
    CU_ASSERT_PTR_NULL(json_object_get(o, "tls")); /* only when seen */
    CU_ASSERT_PTR_NULL(json_object_get(o, "http"));
    json_t *ev = json_object_get(o, "evidence");
    CU_ASSERT_EQUAL_FATAL(json_array_size(ev), 2);
    json_t *e0 = json_array_get(ev, 0), *e1 = json_array_get(ev, 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e0, "product")),
                           "Open\\x1b]0;pwned\\x07SSH");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e0, "witness")), "sig");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e0, "strength")), "hard");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e0, "rule")), "ssh.sig:3");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e1, "witness")), "ndpi");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e1, "strength")), "ndpi");
    json_decref(o);
    free(out);
}

static void test_json_tls_http(void)
{
    struct endpoint_record r = record("10.1.1.1", 443, IPPROTO_TCP, "http", "tls", VERDICT_OK);
    struct flow_detail d;
    memset(&d, 0, sizeof d);
    d.tls.seen = true;
    EV_SET(d.tls.sni, "www.example.com");
    EV_SET(d.tls.alpn, "h2");
    EV_SET(d.tls.alpn_offered, "h2,http/1.1");
    EV_SET(d.tls.version, "TLSv1.2");
    EV_SET(d.tls.ja3s, "ffeeddccbbaa99887766554433221100");
    d.tls.have_cert = true;
    EV_SET(d.tls.subject, "CN=www.example.com");
    EV_SET(d.tls.issuer, "CN=Example CA\x01");
    EV_SET(d.tls.sans, "www.example.com, example.com,192.0.2.1");
    EV_SET(d.tls.not_before, "2026-01-01T00:00:00Z");
    EV_SET(d.tls.not_after, "2027-01-01T00:00:00Z");
    d.http.seen = true;
    EV_SET(d.http.server, "nginx/1.22.1\xc3\xa9");
    d.http.status = 200;
    EV_SET(d.http.method, "GET");
    EV_SET(d.http.host, "www.example.com");
    r.detail = &d;
    const struct endpoint_record *recs[] = {&r, &r};
    struct report_options opt = {.format = REPORT_JSON};
    char *out = capture(&opt, recs, 2, false);
    CU_ASSERT_EQUAL(count_lines(out), 2);
    json_error_t err;
    json_t *o = json_loadb(out, (size_t)(strchr(out, '\n') - out), 0, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    json_t *tls = json_object_get(o, "tls"), *cert = json_object_get(tls, "cert");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tls, "sni")), "www.example.com");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tls, "alpn")), "h2");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(cert, "issuer")),
                           "CN=Example CA\\x01");
    json_t *sans = json_object_get(cert, "sans");
    CU_ASSERT_EQUAL_FATAL(json_array_size(sans), 3);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(sans, 1)), "example.com");
    CU_ASSERT(json_is_false(json_object_get(cert, "self_signed")));
    json_t *http = json_object_get(o, "http");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(http, "server")),
                           "nginx/1.22.1\\xc3\\xa9");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(http, "status")), 200);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "tunnel")), "tls");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(o, "evidence")), 0);
    json_decref(o);
    free(out);
}

/* --- through the real inventory and signatures/ports.csv ---------------------------- */

static struct classify_input conversation(const char *server, uint16_t port, uint8_t transport,
                                          const char *banner, size_t banner_len)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    uint8_t b[4];
    inet_pton(AF_INET, server, b);
    addr_set_v4(&in.server, b);
    inet_pton(AF_INET, "198.51.100.1", b);
    addr_set_v4(&in.client, b);
    in.server_port = port;
    in.client_port = 50000;
    in.transport = transport;
    in.server_head.data = (const uint8_t *)banner;
    in.server_head.len = (uint32_t)banner_len;
    in.first_talker = TALKER_SERVER;
    return in;
}

static void add(struct inventory *inv, const char *server, uint16_t port, uint8_t transport,
                const char *service, const char *banner, size_t banner_len)
{
    struct evidence e;
    memset(&e, 0, sizeof e);
    EV_SET(e.service, service);
    e.witness = WITNESS_SIGNATURE;
    e.strength = STRENGTH_HARD;
    struct classify_input in = conversation(server, port, transport, banner, banner_len);
    CU_ASSERT_PTR_NOT_NULL(
        inventory_add_flow(inv, &in, T_FIRST, T_LAST, NULL, &e, *service ? 1 : 0));
}

static void test_inventory_report(void)
{
    char err[256];
    struct port_table *ports = port_table_create();
    CU_ASSERT_EQUAL_FATAL(port_table_load(ports, "signatures/ports.csv", err, sizeof err), 0);
    struct inventory *inv = inventory_create(ports);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
    add(inv, "10.0.0.5", 9999, IPPROTO_TCP, "", hostile_banner, sizeof hostile_banner - 1);
    add(inv, "10.0.0.5", 80, IPPROTO_TCP, "ssh", "SSH-2.0-x\r\n", 11);
    add(inv, "10.0.0.4", 22, IPPROTO_TCP, "http", "HTTP/1.1 400 Bad\r\n", 18);
    add(inv, "10.0.0.5", 53, IPPROTO_UDP, "snmp", "0\x82", 2);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct report_options opt = {.format = REPORT_CSV};
    struct report *r = report_open(f, &opt);
    report_inventory(r, inv);
    report_close(r);
    fclose(f);
    assert_clean_text(buf);
    struct csv_back b;
    csv_back_parse(buf, &b);
    CU_ASSERT_EQUAL_FATAL(b.rows, 5);
    static const char *const want[4][4] = {
        /* host, port, transport, verdict, in report order */
        {"10.0.0.4", "22", "tcp", "mismatch"},
        {"10.0.0.5", "53", "udp", "mismatch"},
        {"10.0.0.5", "80", "tcp", "mismatch"},
        {"10.0.0.5", "9999", "tcp", "unknown"},
    };
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL_FATAL(b.nfields[i + 1], REPORT_COLUMNS);
        CU_ASSERT_STRING_EQUAL(b.field[i + 1][0], want[i][0]);
        CU_ASSERT_STRING_EQUAL(b.field[i + 1][1], want[i][1]);
        CU_ASSERT_STRING_EQUAL(b.field[i + 1][2], want[i][2]);
        CU_ASSERT_STRING_EQUAL(b.field[i + 1][12], want[i][3]);
    }
    CU_ASSERT_STRING_EQUAL(b.field[1][11], "ssh"); /* expected on 22 */
    CU_ASSERT_STRING_EQUAL(b.field[3][11], "http");
    CU_ASSERT_STRING_EQUAL(b.field[4][19], HOSTILE_ESCAPED);
    csv_back_free(&b);
    free(buf);
    inventory_destroy(inv);
    port_table_destroy(ports);
}

void suite_report(void)
{
    UNIT_SUITE("report", NULL, NULL, {"escape", test_escape}, {"time", test_time},
               {"sources", test_sources}, {"table escapes", test_table_escapes},
               {"table alignment and order", test_table_alignment},
               {"table filter and summary", test_table_filter_and_summary},
               {"csv round trip", test_csv_round_trip},
               {"csv ipv6, udp, tunnel, one header", test_csv_ipv6_udp_tunnel_and_header_once},
               {"json round trip", test_json_round_trip}, {"json tls and http", test_json_tls_http},
               {"inventory to report", test_inventory_report});
}
