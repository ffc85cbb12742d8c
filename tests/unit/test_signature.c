/*
 * test_signature.c - the signature engine: grammar, substitutions, strict
 * errors, passive semantics, limits. Every signature line here is made up
 * for the test (never copied from nmap's file); the nmap file itself is only
 * loaded from /usr/share/nmap to check counts (see test_sig_nmap.c).
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/sig_internal.h" /* the match limit test checks PCRE2's own answer */
#include "signature.h"
#include "unit.h"

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

static struct sigset *load(const char *text, bool strict, char *err, size_t errlen)
{
    struct sigset *s = sigset_create();
    if (sigset_load_buffer(s, "t.sig", text, strlen(text), strict, NULL, err, errlen) != 0 ||
        sigset_finalize(s, err, errlen) != 0) {
        sigset_destroy(s);
        return NULL;
    }
    return s;
}

static struct sigset *load_ok(const char *text)
{
    char err[256] = "";
    struct sigset *s = load(text, true, err, sizeof err);
    if (!s)
        fprintf(stderr, "\nload failed: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

static struct got match_conv(const struct sigset *s, uint8_t transport, enum first_talker who,
                             const void *server, size_t slen, const void *client, size_t clen)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = transport;
    in.first_talker = who;
    in.server_head.data = server;
    in.server_head.len = (uint32_t)slen;
    in.client_head.data = client;
    in.client_head.len = (uint32_t)clen;
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    return g;
}

static struct got banner(const struct sigset *s, const char *text)
{
    return match_conv(s, IPPROTO_TCP, TALKER_SERVER, text, strlen(text), NULL, 0);
}

static const char every_directive[] =
    "# a comment\n"
    "\n"
    "Exclude T:9100-9107,U:53\n"
    "Probe TCP NULL q||\n"
    "totalwaitms 5000\n"
    "tcpwrappedms 2500\n"
    "match zork m|^ZORK ready (\\d+)\\r\\n| p/Zork daemon/ v/$1/\n"
    "softmatch zork m|^ZORK |\n"
    "clientmatch zork m|^HELLO-ZORK\\r\\n|\n"
    "softclientmatch zork m|^HELLO-|\n"
    "  Probe UDP Ping q|\\x01ping|\n"
    "rarity 3\n"
    "ports 1000,2000-2010\n"
    "sslports 3000\n"
    "fallback NULL\n"
    "match pingd m|^\\x02pong| p/pingd/\n";

static void test_every_directive(void)
{
    struct sigset *s = load_ok(every_directive);
    const struct sigset_load_stats *st = sigset_stats(s);
    CU_ASSERT_EQUAL(st->probes, 2);
    CU_ASSERT_EQUAL(st->matches, 2);
    CU_ASSERT_EQUAL(st->softmatches, 1);
    CU_ASSERT_EQUAL(st->clientmatches, 2);
    CU_ASSERT_EQUAL(st->rejected, 0);
    struct got g = banner(s, "ZORK ready 42\r\n");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "zork");
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "Zork daemon");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "42");
    CU_ASSERT_STRING_EQUAL(g.ev[0].rule, "t.sig:7");
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_HARD);
    CU_ASSERT_EQUAL(g.ev[0].witness, WITNESS_SIGNATURE);
    sigset_destroy(s);
}

static void test_any_delimiter(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match a m=^AAA (\\w+)= p%A/B%  v@$1@ i#x|y# h,host, o;os; d:dev:\n"
                               "match b m%^B|B% p|pipe|\n"
                               "match c m@^C/C@i cpe:|a:x:c|a\n");
    struct got g = banner(s, "AAA one");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "A/B");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "one");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "x|y");
    CU_ASSERT_STRING_EQUAL(g.ev[0].hostname, "host");
    CU_ASSERT_STRING_EQUAL(g.ev[0].os, "os");
    CU_ASSERT_STRING_EQUAL(g.ev[0].device, "dev");
    g = banner(s, "B|B");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "pipe");
    g = banner(s, "c/c");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].cpe, "cpe:/a:x:c");
    sigset_destroy(s);
}

static void test_flags(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match nocase m|^hello world|i\n"
                               "match dotall m|^BEGIN.END|s\n"
                               "match both m|^xx.yy|si\n"
                               "match plain m|^LINE.NEXT|\n");
    CU_ASSERT_STRING_EQUAL(banner(s, "HeLLo WORLD").ev[0].service, "nocase");
    CU_ASSERT_STRING_EQUAL(banner(s, "BEGIN\nEND").ev[0].service, "dotall");
    CU_ASSERT_STRING_EQUAL(banner(s, "XX\nYY").ev[0].service, "both");
    CU_ASSERT_EQUAL(banner(s, "LINE\nNEXT").n, 0); /* no s: '.' stops at a newline */
    CU_ASSERT_STRING_EQUAL(banner(s, "LINE NEXT").ev[0].service, "plain");
    CU_ASSERT_EQUAL(banner(s, "begin\nend").n, 0);
    sigset_destroy(s);
}

/* The probe's bytes are what a client must send for its lines to apply. */
static void test_probe_escapes(void)
{
    struct sigset *s = load_ok("Probe TCP Esc q|\\0\\x41\\r\\n\\t\\\\\\a\\e\\\"z|\n"
                               "match esc m|^OK|\n");
    const uint8_t want[] = {0, 'A', '\r', '\n', '\t', '\\', 7, 0x1b, '"', 'z', 'x'};
    struct got g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "OK", 2, want, sizeof want);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "esc");
    uint8_t other[sizeof want];
    memcpy(other, want, sizeof want);
    other[1] = 'B';
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "OK", 2, other, sizeof other).n, 0);
    sigset_destroy(s);
}

static void test_substitutions(void)
{
    struct sigset *s =
        load_ok("Probe TCP NULL q||\n"
                "match num m|^N(..)(....)(x)?|s v/$I(1,\">\")/ i/$I(2,\"<\")/ p/opt $3/ o/$1-$2/\n"
                "match pr m|^P ([^\\r]*)\\r| p/$P(1)/ v/$SUBST(1,\".\",\"_\")/ i/[$SUBST(1, \"x\" "
                ", \"\")]/\n");
    struct got g =
        match_conv(s, IPPROTO_TCP, TALKER_SERVER, "N\x01\x02\x01\0\0\0tail", 11, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "258");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "1");
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, ""); /* group 3 did not take part: field dropped */
    CU_ASSERT_EQUAL(g.ev[0].os[0], 1);           /* raw bytes of $1 */
    g = match_conv(s, IPPROTO_TCP, TALKER_SERVER, "N\xff\xff\0\0\0\x01x", 8, NULL, 0);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "65535");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "16777216");
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "opt x");
    g = banner(s, "P a\x01.b\x7f.x\r");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "a.b.x");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "a\x01_b\x7f_x");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "[a\x01.b\x7f.]");
    sigset_destroy(s);
}

static void test_cpe_and_tls(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match ssl/imap m|^\\* OK Imapd (\\d)( beta)?| p/Imapd/ "
                               "cpe:/a:ex:imapd:$1/a cpe:/o:ex:os/ cpe:/h:ex:box:$2/\n");
    struct got g = banner(s, "* OK Imapd 7 ready");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "imap");
    CU_ASSERT_STRING_EQUAL(g.ev[0].tunnel, "tls");
    CU_ASSERT_STRING_EQUAL(g.ev[0].cpe, "cpe:/a:ex:imapd:7 cpe:/o:ex:os");
    sigset_destroy(s);
}

/* Each malformed line, alone after a valid probe, must fail strictly at line 2. */
static void test_strict_errors(void)
{
    static const char *bad[] = {
        "match x m|^(a|",               /* regex does not compile */
        "match x m|^a",                 /* unterminated */
        "match x m|^a|q",               /* unknown flag */
        "match x m|^a|ii",              /* flag twice */
        "match x m|a*|",                /* matches the empty string */
        "match x m|^a| z/zz/",          /* unknown field */
        "match x m|^a| p/a/ p/b/",      /* field twice */
        "match x m|^a| p/unterminated", /* unterminated field */
        "match x",                      /* no regex */
        "match m|^a|",                  /* no service (the regex is read as one) */
        "frobnicate 1",                 /* unknown directive */
        "rarity 0",                     /* out of range */
        "rarity ten",                   /* not a number */
        "ports 1-",                     /* bad list */
        "ports 70000",                  /* out of range */
        "Exclude 80",                   /* after a Probe */
        "Probe SCTP X q||",             /* transport */
        "Probe TCP X q|\\x4|",          /* short hex escape */
        "Probe TCP X q|abc",            /* unterminated bytes */
        "Probe TCP X q|a| payload",     /* junk after the bytes */
        "Probe TCP NULL q|x|",          /* reopened with other bytes */
        "fallback a,,b",                /* empty name */
        "match toolongservicename-abcdefghijklmnop m|^a|",
        /* from here on, lenient loading keeps the line (nmap copies such '$' as text) */
        "match x m|^a| p/$2/",            /* no such group */
        "match x m|^(a)| p/$Q(1)/",       /* unknown substitution */
        "match x m|^(a)| p/$I(1,\"=\")/", /* bad endianness */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], err[256] = "";
        snprintf(text, sizeof text, "Probe TCP NULL q||\n%s\n", bad[i]);
        struct sigset *s = load(text, true, err, sizeof err);
        CU_ASSERT_PTR_NULL(s);
        if (s)
            fprintf(stderr, "\naccepted: %s\n", bad[i]);
        sigset_destroy(s);
        CU_ASSERT_EQUAL(strncmp(err, "t.sig:2: ", 9), 0);
        /* leniently, the same line is counted and reported, the rest still loads */
        if (i + 3 >= sizeof bad / sizeof bad[0])
            continue;
        struct sigset *l = sigset_create();
        char out[512] = "";
        FILE *v = fmemopen(out, sizeof out, "w");
        CU_ASSERT_EQUAL(
            sigset_load_buffer(l, "dir/t.sig", text, strlen(text), false, v, err, sizeof err), 0);
        fclose(v);
        CU_ASSERT_EQUAL(sigset_stats(l)->rejected, 1);
        CU_ASSERT_EQUAL(sigset_stats(l)->probes, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "dir/t.sig:2: rejected: "));
        sigset_destroy(l);
    }
    char err[256];
    struct sigset *s = load("match x m|^a|\n", true, err, sizeof err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(err, "t.sig:1: match outside a Probe section");
    s = load("Probe TCP A q|a|\nfallback Nope\n", true, err, sizeof err);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_STRING_EQUAL(err, "t.sig:2: fallback probe Nope not found");
}

/* Leniently, the lines under a rejected Probe are rejected too, not given to the one before. */
static void test_lenient_bad_probe(void)
{
    const char *text = "Probe TCP NULL q||\n"
                       "match a m|^A|\n"
                       "Probe TCP Bad q|\\xZZ|\n"
                       "match b m|^B|\n"
                       "Probe TCP Good q|G|\n"
                       "match c m|^C|\n";
    struct sigset *s = sigset_create();
    char err[256];
    CU_ASSERT_EQUAL(
        sigset_load_buffer(s, "t.sig", text, strlen(text), false, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_finalize(s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_stats(s)->rejected, 2);
    CU_ASSERT_EQUAL(sigset_stats(s)->matches, 2);
    CU_ASSERT_EQUAL(banner(s, "B").n, 0);
    CU_ASSERT_EQUAL(banner(s, "A").n, 1);
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "C", 1, "G", 1).n, 1);
    sigset_destroy(s);
}

/* Regression (fuzz): a set with no signatures at all matches nothing, harmlessly. */
static void *empty_set_body(void *p)
{
    const struct sigset *s = p;
    static int n;
    n = banner(s, "SSH-2.0-x\r\n").n;
    n += match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "a", 1, "b", 1).n;
    n += match_conv(s, IPPROTO_UDP, TALKER_CLIENT, "a", 1, "b", 1).n;
    return &n;
}

static void test_empty_set(void)
{
    struct sigset *s = load_ok("# nothing here\n\n");
    /* a fresh thread: its scratch is first sized by this empty set */
    pthread_t t;
    void *n = NULL;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, empty_set_body, s), 0);
    pthread_join(t, &n);
    CU_ASSERT_EQUAL(*(int *)n, 0);
    sigset_destroy(s);
}

/* Several files each open the NULL probe; lines accumulate in load order. */
static void test_reopen_across_files(void)
{
    struct sigset *s = sigset_create();
    char err[256];
    const char *a = "Probe TCP NULL q||\nmatch one m|^X1|\n";
    const char *b = "Probe TCP NULL q||\nmatch two m|^X|\n";
    CU_ASSERT_EQUAL(sigset_load_buffer(s, "a.sig", a, strlen(a), true, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_load_buffer(s, "b.sig", b, strlen(b), true, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_finalize(s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sigset_stats(s)->probes, 1);
    CU_ASSERT_STRING_EQUAL(banner(s, "X1").ev[0].rule, "a.sig:2");
    CU_ASSERT_STRING_EQUAL(banner(s, "X2").ev[0].rule, "b.sig:2");
    sigset_destroy(s);
}

static void test_softmatch(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "softmatch ftp m|^220 |\n"
                               "match smtp m|^220 .* ESMTP| p/mailer/\n"
                               "match ftp m|^220 .*FTP| p/ftpd/\n"
                               "softmatch smtp m|^220 .*mail|\n");
    struct got g = banner(s, "220 host FTP ready");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "ftpd");
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_HARD);
    /* the softmatch fixed ftp, so the smtp hard match does not count */
    g = banner(s, "220 host ESMTP mail");
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "ftp");
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_SOFT);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "");
    CU_ASSERT_STRING_EQUAL(g.ev[0].rule, "t.sig:2");
    sigset_destroy(s);
}

static const char web[] = "Probe TCP NULL q||\n"
                          "match ssh m|^SSH-([\\d.]+)-(\\S+)| p/$2/ i/protocol $1/\n"
                          "Probe TCP WebGet q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
                          "match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: Zed/([\\d.]+)|s "
                          "p/Zed httpd/ v/$1/\n"
                          "Probe TCP Blank q|\\r\\n\\r\\n|\n"
                          "match lineproto m|^ERR unknown\\r\\n|\n"
                          "Probe TCP Hello q|HELLO\\r\\n|\n"
                          "fallback WebGet\n";

static void test_passive_server_first_vs_http(void)
{
    struct sigset *s = load_ok(web);
    const char *resp = "HTTP/1.1 200 OK\r\nDate: x\r\nServer: Zed/1.2\r\n\r\n";
    const char *req = "POST /submit HTTP/1.1\r\nHost: a\r\n\r\n";
    struct got g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, resp, strlen(resp), req, strlen(req));
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "http");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "1.2");
    CU_ASSERT_STRING_EQUAL(g.ev[0].rule, "t.sig:4");
    /* the same bytes sent unprompted are not an answer to an HTTP request */
    CU_ASSERT_EQUAL(banner(s, resp).n, 0);
    /* a client that said something else: no probe applies, only NULL */
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_TCP, TALKER_CLIENT, resp, strlen(resp), "xyz", 3).n, 0);
    /* the server greeted first: NULL applies even though the client then spoke */
    const char *ssh = "SSH-2.0-Zssh_3\r\n";
    g = match_conv(s, IPPROTO_TCP, TALKER_SERVER, ssh, strlen(ssh), "SSH-2.0-c\r\n", 11);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "Zssh_3");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "protocol 2.0");
    /* blank line -> the Blank probe; exact bytes of Hello -> Hello, then its fallback */
    const char *err = "ERR unknown\r\n";
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_TCP, TALKER_CLIENT, err, strlen(err), "\r\n", 2).n, 1);
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_TCP, TALKER_CLIENT, err, strlen(err), "x\r\n", 3).n, 0);
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, resp, strlen(resp), "HELLO\r\n", 7);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "http");
    sigset_destroy(s);
}

static void test_passive_udp_dns(void)
{
    struct sigset *s = load_ok(
        "Probe UDP Query "
        "q|\\x12\\x34\\x01\\0\\0\\x01\\0\\0\\0\\0\\0\\0\\x03www\\x04test\\0\\0\\x01\\0\\x01|\n"
        "match domain m|^..\\x81[\\x80-\\x83]|s p/resolver/\n"
        "Probe UDP Knock q|KNOCK|\n"
        "match knockd m|^OPEN (\\d+)| v/$1/\n"
        "clientmatch snmp m|^\\x30.\\x02\\x01[\\x00\\x01]\\x04|s i/community request/\n");
    /* another id, another name: same shape */
    const uint8_t q[] = {0xab, 0xcd, 0x01, 0x00, 0,   1,   0,   0, 0, 0, 0, 0, 3,
                         'f',  'o',  'o',  3,    'n', 'e', 't', 0, 0, 1, 0, 1};
    uint8_t r[40] = {0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_UDP;
    in.first_talker = TALKER_CLIENT;
    in.client_head = (struct head_bytes){.data = q, .len = sizeof q, .datagrams = 1};
    in.client_head.datagram_end[0] = sizeof q;
    in.server_head = (struct head_bytes){.data = r, .len = sizeof r, .datagrams = 1};
    in.server_head.datagram_end[0] = sizeof r;
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "domain");
    /* a response to a datagram that is not a DNS query is not matched */
    const uint8_t junk[] = {0xab, 0xcd, 0x81, 0x00, 0, 9};
    CU_ASSERT_EQUAL(match_conv(s, IPPROTO_UDP, TALKER_CLIENT, r, sizeof r, junk, sizeof junk).n, 0);
    /* only the first response datagram is the subject */
    const char two[] = "XXXXOPEN 7";
    in.client_head = (struct head_bytes){.data = (const uint8_t *)"KNOCK", .len = 5};
    in.server_head = (struct head_bytes){.data = (const uint8_t *)two, .len = 10, .datagrams = 2};
    in.server_head.datagram_end[0] = 4;
    in.server_head.datagram_end[1] = 10;
    g.n = 0;
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL(g.n, 0);
    in.server_head.data = (const uint8_t *)"OPEN 7XXXX";
    in.server_head.datagram_end[0] = 6;
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "7");
    /* a UDP clientmatch, with no server answer at all */
    const uint8_t snmp[] = {0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b'};
    g = match_conv(s, IPPROTO_UDP, TALKER_CLIENT, NULL, 0, snmp, sizeof snmp);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "snmp");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "community request");
    sigset_destroy(s);
}

/* Probes are recognised by the shape of their bytes, whatever their names. */
static void test_passive_shapes(void)
{
    struct sigset *s = load_ok(
        "Probe UDP Snmp1 "
        "q|\\x30\\x1a\\x02\\x01\\x00\\x04\\x04abcd\\xa0\\x0f\\x02\\x01\\x01\\x02\\x01"
        "\\x00\\x02\\x01\\x00\\x30\\x04\\x30\\x02\\x06\\x00|\n"
        "match snmp m|^\\x30.\\x02\\x01\\x00\\x04|s p/agent/\n"
        "Probe TCP Hi q|\\x16\\x03\\x01\\x00\\x05\\x01\\x00\\x00\\x01\\x00|\n"
        "match ssl m|^\\x16\\x03[\\x00-\\x04]..\\x02|s p/tls server/\n"
        "Probe TCP DnsT q|\\x00\\x0c\\x00\\x00\\x10\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00|\n"
        "match domain m|^..\\x00\\x00\\x90|s\n"
        "Probe TCP Web q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
        "match http m|^HTTP/1\\.|\n"
        "Probe TCP Rtsp q|OPTIONS / RTSP/1.0\\r\\n\\r\\n|\n"
        "match rtsp m|^RTSP/1\\.0 |\n");
    const uint8_t get[] = {0x30, 0x1c, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c'};
    const uint8_t resp[] = {0x30, 0x30, 0x02, 0x01, 0x00, 0x04, 0x06, 'p', 'u', 'b'};
    struct got g = match_conv(s, IPPROTO_UDP, TALKER_CLIENT, resp, sizeof resp, get, sizeof get);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "agent");
    const uint8_t ch[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};
    const uint8_t sh[] = {0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56};
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, sh, sizeof sh, ch, sizeof ch);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "tls server");
    const uint8_t q[] = {0x00, 0x1d, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                         0x00, 0x00, 0x01, 'a',  0x02, 'b',  'c',  0x00, 0x00, 0x01, 0x00, 0x01};
    const uint8_t a[] = {0x00, 0x30, 0x00, 0x00, 0x90, 0x00};
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, a, sizeof a, q, sizeof q);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "domain");
    const char *rtsp = "DESCRIBE rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "RTSP/1.0 200 OK\r\n", 17, rtsp, strlen(rtsp));
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "rtsp");
    /* an HTTP answer to an RTSP request is not looked up under the HTTP probe */
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "HTTP/1.0 200 OK\r\n", 17, rtsp, strlen(rtsp));
    CU_ASSERT_EQUAL(g.n, 0);
    sigset_destroy(s);
}

static void test_clientmatch(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match redis m|^\\+PONG\\r\\n| p/Redis key-value store/\n"
                               "clientmatch redis m|^\\*1\\r\\n\\$4\\r\\nPING\\r\\n|i\n"
                               "softclientmatch ssl m|^\\x16\\x03[\\x00-\\x04]..\\x01|s\n"
                               "clientmatch mqtt m|^\\x10.\\x00\\x04MQTT|s\n"
                               "Probe UDP U q|u|\n"
                               "clientmatch udponly m|^\\*1|\n");
    const char *ping = "*1\r\n$4\r\nping\r\n";
    struct got g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, "+PONG\r\n", 7, ping, strlen(ping));
    /* the client says redis; the reply matches the NULL line too: two statements */
    CU_ASSERT_EQUAL_FATAL(g.n, 2);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "redis");
    CU_ASSERT_STRING_EQUAL(g.ev[0].rule, "t.sig:2");
    CU_ASSERT_STRING_EQUAL(g.ev[1].rule, "t.sig:3");
    CU_ASSERT_EQUAL(g.ev[1].strength, STRENGTH_HARD);
    const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x50, 0x01, 0x00};
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, NULL, 0, hello, sizeof hello);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "ssl");
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_SOFT);
    const uint8_t mqtt[] = {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 4};
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, NULL, 0, mqtt, sizeof mqtt);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].service, "mqtt");
    /* a UDP clientmatch does not apply to TCP */
    g = match_conv(s, IPPROTO_TCP, TALKER_CLIENT, NULL, 0, "*1x", 3);
    CU_ASSERT_EQUAL(g.n, 0);
    g = match_conv(s, IPPROTO_UDP, TALKER_CLIENT, NULL, 0, "*1x", 3);
    CU_ASSERT_EQUAL(g.n, 1);
    sigset_destroy(s);
}

/* Catastrophic backtracking stops at the match limit instead of hanging. */
static void test_match_limit(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match evil m|^(a+)+$|\n"
                               "match evil2 m|^(\\w+\\s?)+$|\n"
                               "match fine m|^a+c|\n");
    char head[4097];
    memset(head, 'a', sizeof head - 1);
    head[sizeof head - 1] = '\0';
    head[4000] = '!';
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(banner(s, head).n, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT(secs < 2.0);
    /* it is the limit that stops them, not a quick failure */
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(
            pcre2_match(s->sigs[i].code, (PCRE2_SPTR)head, strlen(head), 0, 0, md, s->mctx),
            PCRE2_ERROR_MATCHLIMIT);
    pcre2_match_data_free(md);
    head[4000] = 'c';
    head[4001] = '!';
    CU_ASSERT_STRING_EQUAL(banner(s, head).ev[0].service, "fine");
    sigset_destroy(s);
}

/* How the head was put together is not the engine's business: same bytes, same answer. */
static void test_head_assembly(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match ssh m|^SSH-([\\d.]+)-([^\\r\\n ]+)| p/$2/ v/$1/\n");
    const char *full = "SSH-2.0-Zssh_9.1 extra words that go on\r\n";
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.first_talker = TALKER_SERVER;
    in.server_head = (struct head_bytes){.data = (const uint8_t *)full, .len = 16};
    in.server_head.truncated = true; /* cut at --head-bytes 16 */
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "Zssh_9.1");
    in.server_head.len = (uint32_t)strlen(full);
    in.server_head.truncated = false;
    in.server_head.gap = true; /* after a long pause, with a hole later */
    g.n = 0;
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].product, "Zssh_9.1");
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "2.0");
    in.server_head.len = 5; /* too little to say anything */
    g.n = 0;
    sigset_match(s, &in, collect, &g);
    CU_ASSERT_EQUAL(g.n, 0);
    sigset_destroy(s);
}

static struct got cut_banner(const struct sigset *s, const char *text, bool truncated, bool gap)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.first_talker = TALKER_SERVER;
    in.server_head = (struct head_bytes){.data = (const uint8_t *)text,
                                         .len = (uint32_t)strlen(text),
                                         .truncated = truncated,
                                         .gap = gap};
    struct got g = {.n = 0};
    sigset_match(s, &in, collect, &g);
    return g;
}

/*
 * A head that stopped at --head-bytes or at a gap does not end where its side stopped
 * talking: `$` does not match at its last byte (PCRE2_NOTEOL), `\z` still does. A UDP
 * subject (the first datagram) is cut only when it is the last bytes the head kept.
 */
static void test_cut_head_end(void)
{
    struct sigset *s =
        load_ok("Probe TCP NULL q||\n"
                "match zork m%^ZORK (\\d+(?:\\.\\d+)*)(?=[ \\r]|$)% p/Zork/ v/$1/\n"
                "match zork m|^ZORK (\\d+\\.\\d+p\\d)\\z| p/Zork/ v/$1/ i/complete/\n"
                "softmatch zork m|^ZORK |\n"
                "Probe UDP Ping q|\\x01|\n"
                "match pingd m|^\\x02pong (\\d+)$| p/pingd/ v/$1/\n");
    struct got g = cut_banner(s, "ZORK 1.2", false, false); /* the server said just that */
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "1.2");
    g = cut_banner(s, "ZORK 1.2", true, false); /* maybe the start of 1.23 */
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_SOFT);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "");
    g = cut_banner(s, "ZORK 1.2", false, true);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_EQUAL(g.ev[0].strength, STRENGTH_SOFT);
    g = cut_banner(s, "ZORK 1.2 ", true, false); /* the delimiter is in the head */
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "1.2");
    g = cut_banner(s, "ZORK 1.2p3", true, false); /* a complete form, by \z */
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "1.2p3");
    CU_ASSERT_STRING_EQUAL(g.ev[0].info, "complete");

    static const uint8_t ping[] = "\x01", pongs[] = "\x02pong 7\x02pong 8";
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_UDP;
    in.first_talker = TALKER_CLIENT;
    in.client_head =
        (struct head_bytes){.data = ping, .len = 1, .datagrams = 1, .datagram_end = {1}};
    in.server_head = (struct head_bytes){
        .data = pongs, .len = 14, .truncated = true, .datagrams = 2, .datagram_end = {7, 14}};
    g.n = 0;
    sigset_match(s, &in, collect, &g); /* the second datagram was cut, the first is whole */
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.ev[0].version, "7");
    in.server_head.len = 7;
    in.server_head.datagrams = 1;
    g.n = 0;
    sigset_match(s, &in, collect, &g); /* the only datagram was cut */
    CU_ASSERT_EQUAL(g.n, 0);
    sigset_destroy(s);
}

struct thread_arg {
    const struct sigset *s;
    int ok;
};

static void *thread_body(void *p)
{
    struct thread_arg *a = p;
    for (int i = 0; i < 2000; i++) {
        char b[64];
        snprintf(b, sizeof b, "SSH-2.0-T%d\r\n", i);
        struct got g = banner(a->s, b);
        char want[32];
        snprintf(want, sizeof want, "T%d", i);
        a->ok += g.n == 1 && strcmp(g.ev[0].product, want) == 0;
    }
    return NULL;
}

static void test_threads(void)
{
    struct sigset *s = load_ok("Probe TCP NULL q||\n"
                               "match ssh m|^SSH-([\\d.]+)-([^\\r\\n ]+)| p/$2/ v/$1/\n");
    pthread_t t[4];
    struct thread_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (struct thread_arg){s, 0};
        pthread_create(&t[i], NULL, thread_body, &a[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CU_ASSERT_EQUAL(a[i].ok, 2000);
    }
    sigset_destroy(s);
}

static void test_list(void)
{
    struct sigset *s = load_ok(every_directive);
    char out[512] = "";
    FILE *f = fmemopen(out, sizeof out, "w");
    sigset_list(s, f);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "pingd                    1 signatures\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "zork                     4 signatures\n"));
    sigset_destroy(s);
}

/*
 * The gram prefilter lower-cases four bytes at once; every byte value in every
 * position must fold exactly as sig_lower folds it alone, or a caseless
 * signature would be skipped on a head it matches.
 */
static void test_lower4(void)
{
    for (unsigned pos = 0; pos < 4; pos++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned other = 0; other < 256; other += 17) {
                uint8_t in[4] = {(uint8_t)other, (uint8_t)(255 - other), (uint8_t)(other ^ 0x41),
                                 (uint8_t)other};
                in[pos] = (uint8_t)b;
                uint32_t w, folded;
                memcpy(&w, in, 4);
                folded = sig_lower4(w);
                uint8_t out[4];
                memcpy(out, &folded, 4);
                for (int k = 0; k < 4; k++)
                    CU_ASSERT_EQUAL_FATAL(out[k], sig_lower(in[k]));
            }
}

void suite_signature(void)
{
    UNIT_SUITE("signature", NULL, NULL, {"every directive", test_every_directive},
               {"any delimiter", test_any_delimiter}, {"flags i and s", test_flags},
               {"probe escapes", test_probe_escapes}, {"substitutions", test_substitutions},
               {"cpe and ssl/", test_cpe_and_tls}, {"strict errors", test_strict_errors},
               {"lenient: bad Probe", test_lenient_bad_probe}, {"empty set", test_empty_set},
               {"probe reopened across files", test_reopen_across_files},
               {"softmatch", test_softmatch},
               {"passive: server first vs HTTP", test_passive_server_first_vs_http},
               {"passive: UDP DNS", test_passive_udp_dns},
               {"passive: probe shapes", test_passive_shapes}, {"clientmatch", test_clientmatch},
               {"match limit", test_match_limit}, {"head assembly", test_head_assembly},
               {"cut head end", test_cut_head_end}, {"threads", test_threads}, {"list", test_list},
               {"four bytes lower-cased at once", test_lower4});
}
