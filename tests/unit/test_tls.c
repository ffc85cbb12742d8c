/*
 * test_tls.c - the TLS handshake parser and the certificate reader, on real
 * handshakes captured from openssl s_server / s_client (tests/data/detail,
 * made by make-captures.sh).
 *
 * Expected JA3/JA3S values are tshark's own (tls.handshake.ja3, kept in the
 * .tshark files next to the captures); the certificate fields are what
 * `openssl x509 -nameopt RFC2253` prints for the same certificates. Every
 * head is also cut at every length and damaged byte by byte: the parser must
 * never read past a head (the sanitizer build checks) and must give either
 * the full value of a field or nothing.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "detail_wire.h"
#include "unit.h"

struct conv {
    uint8_t *server, *client;
    size_t server_len, client_len;
};

static struct conv load(const char *name)
{
    struct conv c = {0};
    char path[256];
    snprintf(path, sizeof path, "tests/data/detail/%s.server", name);
    c.server = unit_read_file(path, &c.server_len);
    snprintf(path, sizeof path, "tests/data/detail/%s.client", name);
    c.client = unit_read_file(path, &c.client_len);
    CU_ASSERT_FATAL(c.server != NULL && c.client != NULL);
    return c;
}

static void unload(struct conv *c)
{
    free(c->server);
    free(c->client);
}

static struct classify_input input_of(const uint8_t *s, size_t sn, const uint8_t *c, size_t cn,
                                      uint16_t port)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = port;
    in.client_port = 40000;
    in.server_head.data = s;
    in.server_head.len = (uint32_t)sn;
    in.client_head.data = c;
    in.client_head.len = (uint32_t)cn;
    return in;
}

struct seen {
    int n;
    struct evidence ev[4];
};

static void collect(const struct evidence *ev, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 4)
        s->ev[s->n] = *ev;
    s->n++;
}

static void parse(const struct conv *c, uint16_t port, struct tls_detail *d, struct seen *s)
{
    struct classify_input in = input_of(c->server, c->server_len, c->client, c->client_len, port);
    memset(s, 0, sizeof *s);
    tls_parse(&in, d, collect, s);
}

static void test_tls12_self_signed(void)
{
    struct conv c = load("tls12");
    struct tls_detail d;
    struct seen s;
    parse(&c, 443, &d, &s);
    CU_ASSERT(d.seen);
    CU_ASSERT_STRING_EQUAL(d.sni, "example.test");
    CU_ASSERT_STRING_EQUAL(d.alpn_offered, "h2,http/1.1");
    CU_ASSERT_STRING_EQUAL(d.alpn, "h2");
    CU_ASSERT_STRING_EQUAL(d.version, "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(d.ja3, "22558766122974704364c9c75c5cce0a");
    CU_ASSERT_STRING_EQUAL(d.ja3s, "895252f3ce80cebf7a8837be83ec8e16");
    CU_ASSERT(d.have_client_hello && d.have_server_hello);
    CU_ASSERT(d.have_cert);
    CU_ASSERT_STRING_EQUAL(
        d.subject, "CN=example.test,OU=Detail Unit,O=Portsleuth Test,L=Berlin,ST=Berlin,C=DE");
    CU_ASSERT_STRING_EQUAL(d.issuer, d.subject);
    CU_ASSERT_STRING_EQUAL(d.sans, "example.test,www.example.test,127.0.0.1");
    CU_ASSERT_STRING_EQUAL(d.not_before, "2026-11-21T14:07:27Z");
    CU_ASSERT_STRING_EQUAL(d.not_after, "2027-11-21T14:07:27Z");
    CU_ASSERT(d.self_signed);
    /* The server chose h2: HTTP inside TLS. */
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.ev[0].service, "http");
    CU_ASSERT_STRING_EQUAL(s.ev[0].tunnel, "tls");
    CU_ASSERT_STRING_EQUAL(s.ev[0].product, "");
    CU_ASSERT_EQUAL(s.ev[0].witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(s.ev[0].strength, STRENGTH_PARSER);
    unload(&c);
}

static void test_tls12_ca_signed(void)
{
    struct conv c = load("tls12ca");
    struct tls_detail d;
    struct seen s;
    parse(&c, 993, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.sni, "mail.example.test");
    CU_ASSERT_STRING_EQUAL(d.alpn_offered, "");
    CU_ASSERT_STRING_EQUAL(d.alpn, "");
    CU_ASSERT_STRING_EQUAL(d.version, "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(d.ja3, "871a754af286dfb70c1b53c6887c62e0");
    CU_ASSERT_STRING_EQUAL(d.ja3s, "abade5a4a7f42baf54766e5d108283b6");
    CU_ASSERT_STRING_EQUAL(d.subject, "CN=mail.example.test,O=Mail Example,C=US");
    CU_ASSERT_STRING_EQUAL(d.issuer, "CN=Portsleuth Test Root,O=Portsleuth CA,C=US");
    CU_ASSERT_STRING_EQUAL(d.sans, "mail.example.test,imap.example.test,::1");
    CU_ASSERT_STRING_EQUAL(d.not_before, "2026-11-21T14:07:27Z"); /* UTCTime */
    CU_ASSERT_STRING_EQUAL(d.not_after, "2057-01-02T14:07:27Z");  /* GeneralizedTime */
    CU_ASSERT(!d.self_signed);
    /* Port 993 is IMAP over TLS. */
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.ev[0].service, "imap");
    CU_ASSERT_STRING_EQUAL(s.ev[0].tunnel, "tls");
    /* On a port with no TLS owner and no ALPN, it is just "ssl". */
    parse(&c, 12345, &d, &s);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.ev[0].service, "ssl");
    CU_ASSERT_STRING_EQUAL(s.ev[0].tunnel, "");
    unload(&c);
}

static void test_tls13(void)
{
    struct conv c = load("tls13");
    struct tls_detail d;
    struct seen s;
    parse(&c, 9999, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.sni, "example.test");
    CU_ASSERT_STRING_EQUAL(d.version, "TLSv1.3");
    CU_ASSERT_STRING_EQUAL(d.ja3, "9dffdb8b608a430b774a2ff7d36c1a0c");
    CU_ASSERT_STRING_EQUAL(d.ja3s, "15af977ce25de452b96affa2addb1036");
    /* ALPN and the certificate are encrypted in TLS 1.3. */
    CU_ASSERT_STRING_EQUAL(d.alpn, "");
    CU_ASSERT(!d.have_cert);
    CU_ASSERT_STRING_EQUAL(d.subject, "");
    /* The server's choice is hidden, so the client's offer of h2 decides. */
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.ev[0].service, "http");
    CU_ASSERT_STRING_EQUAL(s.ev[0].tunnel, "tls");
    unload(&c);
}

static void test_client_hello_alone(void)
{
    struct conv c = load("tls12");
    struct classify_input in = input_of(NULL, 0, c.client, c.client_len, 443);
    struct tls_detail d;
    struct seen s = {0};
    CU_ASSERT(tls_parse(&in, &d, collect, &s));
    CU_ASSERT_STRING_EQUAL(d.sni, "example.test");
    CU_ASSERT_STRING_EQUAL(d.version, "");
    /* A ClientHello says nothing about the server. */
    CU_ASSERT_EQUAL(s.n, 0);
    unload(&c);
}

/* Fields of a parse of a cut head are either empty or exactly the full parse's. */
static void assert_prefix_of(const struct tls_detail *cut, const struct tls_detail *full)
{
#define SAME_OR_EMPTY(f) CU_ASSERT(cut->f[0] == '\0' || strcmp(cut->f, full->f) == 0)
    SAME_OR_EMPTY(sni);
    SAME_OR_EMPTY(alpn_offered);
    SAME_OR_EMPTY(alpn);
    SAME_OR_EMPTY(version);
    SAME_OR_EMPTY(ja3);
    SAME_OR_EMPTY(ja3s);
    SAME_OR_EMPTY(subject);
    SAME_OR_EMPTY(issuer);
    SAME_OR_EMPTY(sans);
    SAME_OR_EMPTY(not_before);
    SAME_OR_EMPTY(not_after);
#undef SAME_OR_EMPTY
    CU_ASSERT(!cut->have_cert || cut->self_signed == full->self_signed);
}

/* Offset just past the first handshake message of a head made of one-message records. */
static size_t first_message_end(const uint8_t *p)
{
    return 5 + 4 + ((size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8]);
}

static void truncate_every_length(const char *name)
{
    struct conv c = load(name);
    struct tls_detail full, d;
    struct seen s;
    parse(&c, 443, &full, &s);
    size_t hello_end = first_message_end(c.server);
    for (size_t n = 0; n <= c.server_len; n++) {
        /* An exact-size copy, so that reading past the head trips the sanitizer. */
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, c.server, n);
        struct conv t = {cut, c.client, n, c.client_len};
        parse(&t, 443, &d, &s);
        assert_prefix_of(&d, &full);
        CU_ASSERT_EQUAL(s.n, n >= hello_end ? 1 : 0);
        CU_ASSERT((n >= hello_end) == (strcmp(d.version, full.version) == 0));
        free(cut);
    }
    for (size_t n = 0; n <= c.client_len; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, c.client, n);
        struct conv t = {c.server, cut, c.server_len, n};
        parse(&t, 443, &d, &s);
        assert_prefix_of(&d, &full);
        CU_ASSERT((n >= first_message_end(c.client)) == (strcmp(d.ja3, full.ja3) == 0));
        free(cut);
    }
    unload(&c);
}

static void test_truncated_tls12(void)
{
    truncate_every_length("tls12");
}

static void test_truncated_tls12ca(void)
{
    truncate_every_length("tls12ca");
}

static void test_truncated_tls13(void)
{
    truncate_every_length("tls13");
}

/* A head cut inside the certificate chain still gives the first certificate. */
static void test_first_cert_of_cut_chain(void)
{
    struct conv c = load("tls12ca");
    struct tls_detail full, d;
    struct seen s;
    parse(&c, 993, &full, &s);
    /* The chain (leaf, then the CA) is the second message: cut the head 100 bytes into the CA. */
    size_t hello_end = first_message_end(c.server);
    const uint8_t *cert_msg = c.server + hello_end + 5;
    size_t leaf_len = (size_t)cert_msg[7] << 16 | (size_t)cert_msg[8] << 8 | cert_msg[9];
    size_t cut = hello_end + 5 + 4 + 3 + 3 + leaf_len + 100;
    CU_ASSERT_FATAL(cut < c.server_len);
    struct conv t = {c.server, c.client, cut, c.client_len};
    parse(&t, 993, &d, &s);
    CU_ASSERT(d.have_cert);
    CU_ASSERT_STRING_EQUAL(d.subject, full.subject);
    CU_ASSERT_STRING_EQUAL(d.sans, full.sans);
    unload(&c);
}

/*
 * The same handshake re-framed into records of a few bytes each: messages now
 * span many records, and the results must not change.
 */
static void test_messages_spanning_records(void)
{
    struct conv c = load("tls12");
    struct tls_detail full, d;
    struct seen s;
    parse(&c, 443, &full, &s);

    uint8_t hs[8192], framed[16384];
    size_t hn = 0, fn = 0;
    for (size_t i = 0; i + 5 <= c.server_len && c.server[i] == 22;) {
        size_t len = (size_t)c.server[i + 3] << 8 | c.server[i + 4];
        CU_ASSERT_FATAL(hn + len <= sizeof hs && i + 5 + len <= c.server_len);
        memcpy(hs + hn, c.server + i + 5, len);
        hn += len;
        i += 5 + len;
    }
    for (size_t i = 0; i < hn; i += 7) {
        size_t len = hn - i < 7 ? hn - i : 7;
        CU_ASSERT_FATAL(fn + 5 + len <= sizeof framed);
        const uint8_t head[5] = {22, 3, 3, 0, (uint8_t)len};
        memcpy(framed + fn, head, 5);
        memcpy(framed + fn + 5, hs + i, len);
        fn += 5 + len;
    }
    struct conv t = {framed, c.client, fn, c.client_len};
    parse(&t, 443, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.ja3s, full.ja3s);
    CU_ASSERT_STRING_EQUAL(d.version, "TLSv1.2");
    CU_ASSERT_STRING_EQUAL(d.subject, full.subject);
    CU_ASSERT_STRING_EQUAL(d.sans, full.sans);
    CU_ASSERT_STRING_EQUAL(d.not_after, full.not_after);
    unload(&c);
}

/* Lengths that lie: each must end parsing with what was learned, never more. */
static void test_malformed_lengths(void)
{
    struct conv c = load("tls12");
    struct tls_detail d;
    struct seen s;
    uint8_t *srv = malloc(c.server_len);
    struct conv t = {srv, c.client, c.server_len, c.client_len};

    /* A record longer than TLS allows: not TLS at all. */
    memcpy(srv, c.server, c.server_len);
    srv[3] = 0xff;
    srv[4] = 0xff;
    parse(&t, 443, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.version, "");
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT_STRING_EQUAL(d.ja3, "22558766122974704364c9c75c5cce0a"); /* the client is fine */

    /* A ServerHello claiming more bytes than the head has: incomplete, so ignored. */
    memcpy(srv, c.server, c.server_len);
    srv[6] = 0x7f;
    parse(&t, 443, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.version, "");
    CU_ASSERT(!d.have_cert);

    /* An extension block longer than the ServerHello: the hello is malformed. */
    memcpy(srv, c.server, c.server_len);
    size_t sid_at = 5 + 4 + 2 + 32;
    size_t ext_len_at = sid_at + 1 + srv[sid_at] + 2 + 1;
    srv[ext_len_at] = 0x40;
    parse(&t, 443, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.version, "");
    CU_ASSERT_STRING_EQUAL(d.ja3s, "");

    /* A certificate whose DER length runs past its end: no certificate, the hello stays. */
    memcpy(srv, c.server, c.server_len);
    size_t cert_at = first_message_end(c.server) + 5 + 4 + 3 + 3;
    CU_ASSERT_FATAL(srv[cert_at] == 0x30 && srv[cert_at + 1] == 0x82);
    srv[cert_at + 2] = 0x7f;
    parse(&t, 443, &d, &s);
    CU_ASSERT_STRING_EQUAL(d.version, "TLSv1.2");
    CU_ASSERT(!d.have_cert);
    CU_ASSERT_STRING_EQUAL(d.subject, "");

    /* Every single byte damaged in turn: any result, but no read past the head. */
    for (size_t i = 0; i < c.server_len; i++) {
        memcpy(srv, c.server, c.server_len);
        srv[i] ^= 0xff;
        parse(&t, 443, &d, &s);
        CU_ASSERT(s.n <= 1);
    }
    free(srv);
    unload(&c);
}

/* A ClientHello built by hand with GREASE values (RFC 8701) in every list JA3 reads. */
static void test_ja3_without_grease(void)
{
    uint8_t ch[256];
    const char *hex = "16 03 01 00 59"    /* record */
                      "01 00 00 55 03 03" /* ClientHello, version 771 */
                      "0000000000000000000000000000000000000000000000000000000000000000"
                      "00"                                    /* session id */
                      "00 06 0a0a 1301 1302"                  /* ciphers: GREASE, 4865, 4866 */
                      "01 00"                                 /* compression */
                      "00 26"                                 /* extensions */
                      "1a1a 0000"                             /* GREASE extension */
                      "0000 000c 000a 00 0007 6578616d706c65" /* SNI "example" */
                      "000a 0008 0006 2a2a 001d 0017"         /* groups: GREASE, 29, 23 */
                      "000b 0002 01 00";                      /* point formats: 0 */
    size_t n = unit_hex(hex, ch, sizeof ch);
    CU_ASSERT_FATAL(n == 94);
    struct classify_input in = input_of(NULL, 0, ch, n, 443);
    struct tls_detail d;
    CU_ASSERT(tls_parse(&in, &d, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(d.sni, "example");
    /* md5 of "771,4865-4866,0-10-11,29-23,0" (md5sum). */
    CU_ASSERT_STRING_EQUAL(d.ja3, "38eaca597c62da4c9db8cfad482f14ad");
}

static void test_not_tls(void)
{
    static const uint8_t alert[] = {21, 3, 3, 0, 2, 2, 40};
    static const uint8_t text[] = "HTTP/1.1 200 OK\r\n\r\n";
    struct tls_detail d;
    struct seen s = {0};
    struct classify_input in = input_of(alert, sizeof alert, text, sizeof text - 1, 443);
    CU_ASSERT(!tls_parse(&in, &d, collect, &s));
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT(!d.seen);
}

/* A certificate full of characters RFC 4514 escapes, made by openssl (odd.der). */
static void test_x509_escaping(void)
{
    size_t n;
    uint8_t *der = unit_read_file("tests/data/detail/odd.der", &n);
    CU_ASSERT_FATAL(der != NULL);
    struct tls_detail d;
    memset(&d, 0, sizeof d);
    CU_ASSERT(x509_read(der, n, &d));
    /* openssl prints the multi-valued RDN in the other order; RFC 4514 leaves it open. */
    CU_ASSERT_STRING_EQUAL(
        d.subject,
        "CN=\\#hash\\;semi \\<x\\>\\ ,OU=a+OU=b,O=Soci\xc3\xa9t\xc3\xa9 \xc3\x9cn\xc3\xaf"
        "code\\, Inc.,C=FR");
    CU_ASSERT(d.self_signed);
    /* The e-mail name is not one we print; the IPv6 address is in its short form. */
    CU_ASSERT_STRING_EQUAL(d.sans, "odd.example,2001:db8::1");
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *p = malloc(cut ? cut : 1);
        memcpy(p, der, cut);
        memset(&d, 0, sizeof d);
        CU_ASSERT(!x509_read(p, cut, &d)); /* the outer SEQUENCE is never complete */
        free(p);
    }
    free(der);
}

/* Names that do not fit are cut between attributes, never inside one. */
static void test_x509_long_name(void)
{
    uint8_t der[4096];
    size_t n = 0;
    /* SEQUENCE { SEQUENCE { INTEGER 1, SEQUENCE {}, issuer, SEQUENCE {}, subject } } */
    uint8_t name[1300];
    size_t nn = 0;
    for (int i = 0; i < 20; i++) { /* 20 RDNs of CN=<50 x 'a'+i> */
        const uint8_t rdn[] = {0x31, 0x3b, 0x30, 0x39, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x32};
        memcpy(name + nn, rdn, sizeof rdn);
        nn += sizeof rdn;
        memset(name + nn, 'a' + i, 50);
        nn += 50;
    }
    size_t tbs_len = 3 + 2 + (4 + nn) + 2 + (4 + nn);
    const uint8_t head[] = {0x30,
                            0x82,
                            (uint8_t)((tbs_len + 4) >> 8),
                            (uint8_t)(tbs_len + 4),
                            0x30,
                            0x82,
                            (uint8_t)(tbs_len >> 8),
                            (uint8_t)tbs_len,
                            0x02,
                            0x01,
                            0x01,
                            0x30,
                            0x00};
    memcpy(der, head, sizeof head);
    n = sizeof head;
    for (int k = 0; k < 2; k++) {
        const uint8_t seq[] = {0x30, 0x82, (uint8_t)(nn >> 8), (uint8_t)nn};
        memcpy(der + n, seq, 4);
        memcpy(der + n + 4, name, nn);
        n += 4 + nn;
        if (k == 0) {
            der[n++] = 0x30;
            der[n++] = 0x00;
        }
    }
    CU_ASSERT_FATAL(n <= sizeof der);
    struct tls_detail d;
    memset(&d, 0, sizeof d);
    CU_ASSERT(x509_read(der, n, &d));
    size_t len = strlen(d.subject);
    CU_ASSERT(len > 0 && len < DETAIL_NAME_MAX);
    /* Whole "CN=" + 50 letters attributes, joined by commas: 53 + 54 * k characters. */
    CU_ASSERT_EQUAL((len - 53) % 54, 0);
    CU_ASSERT(strncmp(d.subject, "CN=ttt", 6) == 0); /* last RDN first */
    CU_ASSERT(d.self_signed);
}

/* DER tag-length-value into out (lengths up to 65535); returns its size. */
static size_t tlv(uint8_t *out, uint8_t tag, const void *body, size_t n)
{
    size_t h = 0;
    out[h++] = tag;
    if (n < 0x80) {
        out[h++] = (uint8_t)n;
    } else {
        out[h++] = 0x82;
        out[h++] = (uint8_t)(n >> 8);
        out[h++] = (uint8_t)n;
    }
    memmove(out + h, body, n);
    return h + n;
}

/* A Name of one RDN holding a CN of the given string type. */
static size_t cn_name(uint8_t *out, uint8_t type, const void *value, size_t n)
{
    uint8_t atv[128], set[160], tmp[128];
    size_t k = tlv(atv, 0x06, "\x55\x04\x03", 3);
    k += tlv(atv + k, type, value, n);
    size_t a = tlv(tmp, 0x30, atv, k);
    size_t sn = tlv(set, 0x31, tmp, a);
    return tlv(out, 0x30, set, sn);
}

/* A certificate with the given names and validity, and nothing after them that we read. */
static size_t make_cert(uint8_t *out, const uint8_t *issuer, size_t in, const uint8_t *subject,
                        size_t sn, const char *not_before, uint8_t nb_tag, const char *not_after,
                        uint8_t na_tag)
{
    uint8_t tbs[1024], validity[128];
    size_t v = tlv(validity, nb_tag, not_before, strlen(not_before));
    v += tlv(validity + v, na_tag, not_after, strlen(not_after));
    size_t k = tlv(tbs, 0x02, "\x01", 1);
    k += tlv(tbs + k, 0x30, "", 0);
    memcpy(tbs + k, issuer, in);
    k += in;
    k += tlv(tbs + k, 0x30, validity, v);
    memcpy(tbs + k, subject, sn);
    k += sn;
    uint8_t seq[1100];
    size_t t = tlv(seq, 0x30, tbs, k);
    return tlv(out, 0x30, seq, t);
}

static void test_x509_strings_and_times(void)
{
    uint8_t issuer[200], subject[200], der[1200];
    /* BMPString "e-acute euro" and UniversalString "G-clef" (outside the BMP). */
    static const uint8_t bmp[] = {0x00, 0xe9, 0x20, 0xac};
    static const uint8_t ucs4[] = {0x00, 0x01, 0xd1, 0x1e};
    size_t in = cn_name(issuer, 0x1e, bmp, sizeof bmp);
    size_t sn = cn_name(subject, 0x1c, ucs4, sizeof ucs4);
    struct tls_detail d;

    memset(&d, 0, sizeof d);
    size_t n =
        make_cert(der, issuer, in, subject, sn, "991231235959Z", 0x17, "20500101000000.5Z", 0x18);
    CU_ASSERT(x509_read(der, n, &d));
    CU_ASSERT_STRING_EQUAL(d.issuer, "CN=\xc3\xa9\xe2\x82\xac");
    CU_ASSERT_STRING_EQUAL(d.subject, "CN=\xf0\x9d\x84\x9e");
    CU_ASSERT(!d.self_signed);
    CU_ASSERT_STRING_EQUAL(d.not_before, "1999-12-31T23:59:59Z"); /* YY >= 50: 19YY */
    CU_ASSERT_STRING_EQUAL(d.not_after, "2050-01-01T00:00:00Z");

    /* Times that are not DER (an offset, a bad month, letters) are left empty. */
    memset(&d, 0, sizeof d);
    n = make_cert(der, issuer, in, issuer, in, "4912310000+0100", 0x17, "20501301000000Z", 0x18);
    CU_ASSERT(x509_read(der, n, &d));
    CU_ASSERT_STRING_EQUAL(d.not_before, "");
    CU_ASSERT_STRING_EQUAL(d.not_after, "");
    CU_ASSERT(d.self_signed);
    memset(&d, 0, sizeof d);
    n = make_cert(der, issuer, in, issuer, in, "4912310000Z", 0x17, "2O500101000000Z", 0x18);
    CU_ASSERT(x509_read(der, n, &d));
    CU_ASSERT_STRING_EQUAL(d.not_before, "2049-12-31T00:00:00Z"); /* no seconds: tolerated */
    CU_ASSERT_STRING_EQUAL(d.not_after, "");

    /* Control bytes and broken UTF-8 in a UTF8String become RFC 4514 hex pairs. */
    static const uint8_t bad[] = {'a', 0x0a, 0xc3, 'b', 0xed, 0xa0, 0x80};
    sn = cn_name(subject, 0x0c, bad, sizeof bad);
    memset(&d, 0, sizeof d);
    n = make_cert(der, issuer, in, subject, sn, "991231235959Z", 0x17, "991231235959Z", 0x17);
    CU_ASSERT(x509_read(der, n, &d));
    CU_ASSERT_STRING_EQUAL(d.subject, "CN=a\\0A\\C3b\\ED\\A0\\80");
}

void suite_tls(void)
{
    UNIT_SUITE("tls", NULL, NULL, {"TLS 1.2 self-signed", test_tls12_self_signed},
               {"TLS 1.2 CA-signed, imaps", test_tls12_ca_signed}, {"TLS 1.3", test_tls13},
               {"ClientHello alone", test_client_hello_alone},
               {"TLS 1.2 cut at every length", test_truncated_tls12},
               {"TLS 1.2 chain cut at every length", test_truncated_tls12ca},
               {"TLS 1.3 cut at every length", test_truncated_tls13},
               {"first cert of a cut chain", test_first_cert_of_cut_chain},
               {"messages spanning records", test_messages_spanning_records},
               {"malformed lengths", test_malformed_lengths},
               {"JA3 without GREASE", test_ja3_without_grease}, {"not TLS", test_not_tls},
               {"x509 escaping", test_x509_escaping}, {"x509 long name", test_x509_long_name},
               {"x509 string types and times", test_x509_strings_and_times});
}
