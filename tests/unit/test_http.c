/*
 * test_http.c - the HTTP request/response head parser, on a real exchange
 * between python's http.server and curl (tests/data/detail/http.*), on
 * hand-written heads for the cases servers rarely send (folded lines, odd
 * case, RTSP and SIP look-alikes), and detail_parse choosing the parsers
 * for each captured conversation.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "unit.h"

static int evidence_count;
static struct evidence last;

static void collect(const struct evidence *ev, void *ctx)
{
    (void)ctx;
    last = *ev;
    evidence_count++;
}

static struct classify_input input_of(const void *s, size_t sn, const void *c, size_t cn,
                                      uint16_t port)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = port;
    in.server_head.data = s;
    in.server_head.len = (uint32_t)sn;
    in.client_head.data = c;
    in.client_head.len = (uint32_t)cn;
    evidence_count = 0;
    memset(&last, 0, sizeof last);
    return in;
}

static bool run(const void *s, size_t sn, const void *c, size_t cn, struct http_detail *d)
{
    struct classify_input in = input_of(s, sn, c, cn, 80);
    return http_parse(&in, d, collect, NULL);
}

static bool run_text(const char *server, const char *client, struct http_detail *d)
{
    return run(server, server ? strlen(server) : 0, client, client ? strlen(client) : 0, d);
}

static uint8_t *load(const char *path, size_t *n)
{
    uint8_t *p = unit_read_file(path, n);
    CU_ASSERT_FATAL(p != NULL);
    return p;
}

static void test_python_and_curl(void)
{
    size_t sn, cn;
    uint8_t *s = load("tests/data/detail/http.server", &sn);
    uint8_t *c = load("tests/data/detail/http.client", &cn);
    struct http_detail d;
    CU_ASSERT(run(s, sn, c, cn, &d));
    CU_ASSERT_EQUAL(d.status, 200);
    CU_ASSERT_STRING_EQUAL(d.server, "SimpleHTTP/0.6 Python/3.11.7");
    CU_ASSERT_STRING_EQUAL(d.powered_by, "PortsleuthTest/1.0");
    CU_ASSERT_STRING_EQUAL(d.method, "GET");
    CU_ASSERT_STRING_EQUAL(d.host, "127.0.0.1:8080");
    CU_ASSERT_STRING_EQUAL(d.user_agent, "portsleuth-test/1.0");
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "http");
    CU_ASSERT_STRING_EQUAL(last.product, ""); /* left to the signatures */
    CU_ASSERT_EQUAL(last.witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(last.strength, STRENGTH_PARSER);
    free(s);
    free(c);
}

/* Offset just past the line that contains needle. */
static size_t line_end(const uint8_t *p, size_t n, const char *needle)
{
    const uint8_t *at = memmem(p, n, needle, strlen(needle));
    CU_ASSERT_FATAL(at != NULL);
    const uint8_t *lf = memchr(at, '\n', n - (size_t)(at - p));
    return (size_t)(lf - p) + 1;
}

static void test_cut_at_every_length(void)
{
    size_t sn, cn;
    uint8_t *s = load("tests/data/detail/http.server", &sn);
    uint8_t *c = load("tests/data/detail/http.client", &cn);
    size_t status_end = line_end(s, sn, "HTTP/1.0"), server_end = line_end(s, sn, "Server:");
    size_t ua_end = line_end(c, cn, "User-Agent:");
    struct http_detail d;
    for (size_t n = 0; n <= sn; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, s, n);
        run(cut, n, NULL, 0, &d);
        CU_ASSERT_EQUAL(evidence_count, n >= status_end ? 1 : 0);
        CU_ASSERT_EQUAL(d.status, n >= status_end ? 200 : 0);
        /* Never half a value: a line counts once its LF is there. */
        CU_ASSERT_STRING_EQUAL(d.server, n >= server_end ? "SimpleHTTP/0.6 Python/3.11.7" : "");
        free(cut);
    }
    for (size_t n = 0; n <= cn; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, c, n);
        run(NULL, 0, cut, n, &d);
        CU_ASSERT_EQUAL(evidence_count, 0);
        CU_ASSERT_STRING_EQUAL(d.user_agent, n >= ua_end ? "portsleuth-test/1.0" : "");
        free(cut);
    }
    free(s);
    free(c);
}

static void test_header_forms(void)
{
    struct http_detail d;
    /* Names in any case, a folded value, no space after the colon, spaces around values. */
    run_text("HTTP/1.1 404 Not Found\r\nserver: Apache/2.4.57\r\n \t(Debian)\r\n"
             "X-POWERED-BY:PHP/8.1.2  \r\nServer: second-one\r\n\r\n",
             "get / HTTP/1.1\r\n", &d);
    CU_ASSERT_EQUAL(d.status, 404);
    CU_ASSERT_STRING_EQUAL(d.server, "Apache/2.4.57 (Debian)");
    CU_ASSERT_STRING_EQUAL(d.powered_by, "PHP/8.1.2");
    CU_ASSERT_STRING_EQUAL(d.method, ""); /* methods are upper case */
    CU_ASSERT_EQUAL(evidence_count, 1);

    /* Bare LF line ends; headers stop at the empty line (the body is not headers). */
    run_text("HTTP/1.0 301 Moved\n\nServer: in-the-body\n", "POST /x HTTP/1.0\nHost: a\n\n", &d);
    CU_ASSERT_EQUAL(d.status, 301);
    CU_ASSERT_STRING_EQUAL(d.server, "");
    CU_ASSERT_STRING_EQUAL(d.method, "POST");
    CU_ASSERT_STRING_EQUAL(d.host, "a");

    /* Control bytes in a value are escaped, not passed on. */
    run_text("HTTP/1.1 200 OK\r\nServer: a\x01"
             "b\r\n\r\n",
             NULL, &d);
    CU_ASSERT_STRING_EQUAL(d.server, "a\\x01b");

    /* A value longer than its field is cut, still terminated. */
    char big[600] = "HTTP/1.1 200 OK\r\nServer: ";
    size_t n = strlen(big);
    memset(big + n, 'x', 400);
    memcpy(big + n + 400, "\r\n\r\n", 5);
    run_text(big, NULL, &d);
    CU_ASSERT_EQUAL(strlen(d.server), sizeof d.server - 1);
}

static void test_not_http(void)
{
    struct http_detail d;
    static const char *const servers[] = {
        "RTSP/1.0 200 OK\r\nServer: GStreamer RTSP server\r\n\r\n",
        "SIP/2.0 200 OK\r\nServer: Asterisk PBX\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 abc OK\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1 200 OK", /* no line end yet */
    };
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++) {
        CU_ASSERT(!run_text(servers[i], NULL, &d));
        CU_ASSERT_EQUAL(evidence_count, 0);
        CU_ASSERT_STRING_EQUAL(d.server, "");
    }
    /* RTSP and SIP requests are not HTTP requests either. */
    CU_ASSERT(!run_text(NULL, "OPTIONS rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", &d));
    CU_ASSERT(!run_text(NULL, "INVITE sip:bob@example.test SIP/2.0\r\n\r\n", &d));
    CU_ASSERT(!run_text(NULL, "GET  HTTP/1.1\r\n\r\n", &d)); /* no request target */
    /* A request alone says nothing about the server. */
    CU_ASSERT(run_text("\x16\x03\x01", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", &d));
    CU_ASSERT_STRING_EQUAL(d.host, "h");
    CU_ASSERT_EQUAL(evidence_count, 0);
}

/* detail_parse runs the parser each captured conversation needs, and no other. */
struct dispatch_case {
    const char *name;
    uint16_t port;
    bool tls, ssh, http;
    const char *service;
};

static void test_detail_parse(void)
{
    static const struct dispatch_case cases[] = {
        {"tls12", 443, true, false, false, "http"},  {"tls12ca", 993, true, false, false, "imap"},
        {"tls13", 8443, true, false, false, "http"}, {"ssh", 2222, false, true, false, "ssh"},
        {"http", 8080, false, false, true, "http"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        size_t sn, cn;
        snprintf(path, sizeof path, "tests/data/detail/%s.server", cases[i].name);
        uint8_t *s = load(path, &sn);
        snprintf(path, sizeof path, "tests/data/detail/%s.client", cases[i].name);
        uint8_t *c = load(path, &cn);
        struct classify_input in = input_of(s, sn, c, cn, cases[i].port);
        struct flow_detail d;
        detail_parse(&in, &d, collect, NULL);
        CU_ASSERT_EQUAL(d.tls.seen, cases[i].tls);
        CU_ASSERT_EQUAL(d.ssh.seen, cases[i].ssh);
        CU_ASSERT_EQUAL(d.http.seen, cases[i].http);
        CU_ASSERT_EQUAL(evidence_count, 1);
        CU_ASSERT_STRING_EQUAL(last.service, cases[i].service);
        /* The same bytes over UDP are none of these protocols. */
        in.transport = IPPROTO_UDP;
        evidence_count = 0;
        detail_parse(&in, &d, collect, NULL);
        CU_ASSERT(!d.tls.seen && !d.ssh.seen && !d.http.seen);
        CU_ASSERT_EQUAL(evidence_count, 0);
        free(s);
        free(c);
    }
    /* Nothing at all. */
    struct classify_input in = input_of(NULL, 0, NULL, 0, 80);
    struct flow_detail d;
    detail_parse(&in, &d, NULL, NULL);
    CU_ASSERT(!d.tls.seen && !d.ssh.seen && !d.http.seen);
}

void suite_http(void)
{
    UNIT_SUITE("http", NULL, NULL, {"python http.server and curl", test_python_and_curl},
               {"cut at every length", test_cut_at_every_length},
               {"header forms", test_header_forms}, {"not HTTP", test_not_http},
               {"detail_parse", test_detail_parse});
}
