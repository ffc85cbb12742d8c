/*
 * tls.c - reads the clear part of a TLS handshake from the stream heads:
 * ClientHello (SNI, ALPN offered, JA3), ServerHello (negotiated version,
 * chosen ALPN, JA3S) and, before TLS 1.3, the server's first certificate.
 *
 * How: each side's head is walked record by record (content type 22,
 * versions 0x0300-0x0304) and the record bodies are joined into one
 * handshake byte string, since a message may span records and a record may
 * hold several messages. The walk stops at the first record that is not a
 * handshake (ChangeCipherSpec: what follows is encrypted) or that is not
 * TLS at all, and at the end of the head; a record cut by the end of the
 * head still gives its bytes. Messages are then read while complete, except
 * a Certificate message, whose first certificate is used as soon as it is
 * complete (a 4 KiB head often cuts a chain).
 *
 * JA3 (Salesforce): md5 of "SSLVersion,Ciphers,Extensions,EllipticCurves,
 * EllipticCurvePointFormats", decimal values joined with '-', GREASE values
 * (RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa) left out. JA3S: md5 of
 * "SSLVersion,Cipher,Extensions" from the ServerHello.
 *
 * The server is named "ssl" unless its ALPN or its port says what runs
 * inside: then the inner service is named with tunnel "tls", as nmap's
 * "ssl/imap". A ClientHello alone says nothing about the server, so only a
 * ServerHello makes evidence.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    TLS_CONTENT_HANDSHAKE = 22,
    TLS_HS_CLIENT_HELLO = 1,
    TLS_HS_SERVER_HELLO = 2,
    TLS_HS_CERTIFICATE = 11,
    TLS_EXT_SERVER_NAME = 0,
    TLS_EXT_SUPPORTED_GROUPS = 10,
    TLS_EXT_EC_POINT_FORMATS = 11,
    TLS_EXT_ALPN = 16,
    TLS_EXT_SUPPORTED_VERSIONS = 43,
    TLS_VERSION_1_3 = 0x0304,
};

/*
 * Ports registered for a service that runs inside TLS from the first byte
 * (nmap says "ssl/<service>"; we say <service> with tunnel "tls"). Kept small
 * on purpose: only ports whose owner is not in doubt.
 */
static const struct {
    uint16_t port;
    const char *service;
} tls_port_services[] = {
    {443, "http"},   {465, "smtp"}, {563, "nntp"},  {636, "ldap"},  {853, "domain"}, {990, "ftp"},
    {992, "telnet"}, {993, "imap"}, {994, "irc"},   {995, "pop3"},  {3269, "ldap"},  {5061, "sip"},
    {5671, "amqp"},  {6697, "irc"}, {8443, "http"}, {8883, "mqtt"},
};

static bool is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static bool record_version_ok(uint16_t v)
{
    return v >= 0x0300 && v <= 0x0304;
}

/*
 * The bodies of the head's leading handshake records, joined, into buf.
 * Returns the number of bytes; *records_seen tells whether any record was valid.
 */
static size_t handshake_bytes(const struct head_bytes *h, uint8_t *buf, size_t cap,
                              bool *records_seen)
{
    struct wire w = wire_of(h->data, h->len);
    size_t n = 0;
    *records_seen = false;
    while (w.left >= 5) {
        uint8_t type = wire_u8(&w);
        uint16_t version = wire_u16(&w);
        uint16_t len = wire_u16(&w);
        if (type != TLS_CONTENT_HANDSHAKE || !record_version_ok(version) || len == 0 ||
            len > PS_TLS_RECORD_MAX)
            break;
        *records_seen = true;
        size_t take = len < w.left ? len : w.left;
        if (take > cap - n)
            take = cap - n;
        struct wire body = wire_sub(&w, take);
        memcpy(buf + n, body.p, take);
        n += take;
        if (take < len)
            break;
    }
    return n;
}

/* Version names as the TLS libraries print them. */
static void version_name(uint16_t v, char *out, size_t cap)
{
    switch (v) {
    case 0x0300:
        snprintf(out, cap, "SSLv3");
        break;
    case 0x0301:
        snprintf(out, cap, "TLSv1.0");
        break;
    case 0x0302:
        snprintf(out, cap, "TLSv1.1");
        break;
    case 0x0303:
        snprintf(out, cap, "TLSv1.2");
        break;
    case 0x0304:
        snprintf(out, cap, "TLSv1.3");
        break;
    default:
        snprintf(out, cap, "0x%04x", v);
    }
}

/* Append a list of u16 values (width 2) or u8 values (width 1), GREASE left out. */
static bool ja3_list(struct textbuf *t, struct wire list, size_t width)
{
    bool first = true;
    while (list.left >= width) {
        uint16_t v = (uint16_t)wire_be(&list, width);
        if (width == 2 && is_grease(v))
            continue;
        if (!first && !textbuf_put(t, "-", 1))
            return false;
        if (!textbuf_uint(t, v))
            return false;
        first = false;
    }
    return true;
}

/* First host_name of a server_name extension. */
static void read_sni(struct wire ext, struct tls_detail *out)
{
    struct wire list = wire_sub(&ext, wire_u16(&ext));
    while (list.ok && list.left >= 3) {
        uint8_t type = wire_u8(&list);
        struct wire name = wire_sub(&list, wire_u16(&list));
        if (list.ok && type == 0 && name.left) {
            detail_text(out->sni, sizeof out->sni, name.p, name.left);
            return;
        }
    }
}

/* An ALPN protocol_name_list as "h2,http/1.1". */
static void read_alpn(struct wire ext, char *dst, size_t cap)
{
    struct textbuf t;
    textbuf_init(&t, dst, cap);
    struct wire list = wire_sub(&ext, wire_u16(&ext));
    while (list.ok && list.left) {
        struct wire proto = wire_sub(&list, wire_u8(&list));
        if (!list.ok || !proto.left)
            break;
        size_t mark = t.len;
        if ((t.len && !textbuf_put(&t, ",", 1)) || !textbuf_wire(&t, proto.p, proto.left, false)) {
            /* Keep whole names only. */
            t.len = mark;
            t.s[mark] = '\0';
            break;
        }
    }
}

static bool client_hello(const uint8_t *body, size_t len, struct tls_detail *out)
{
    struct wire w = wire_of(body, len);
    uint16_t version = wire_u16(&w);
    wire_sub(&w, 32);          /* random */
    wire_sub(&w, wire_u8(&w)); /* session id */
    struct wire ciphers = wire_sub(&w, wire_u16(&w));
    wire_sub(&w, wire_u8(&w)); /* compression methods */
    struct wire exts = wire_of(NULL, 0);
    if (w.ok && w.left)
        exts = wire_sub(&w, wire_u16(&w));
    if (!w.ok || ciphers.left % 2)
        return false;

    char ja3[PS_JA3_STRING_MAX];
    struct textbuf t;
    textbuf_init(&t, ja3, sizeof ja3);
    textbuf_uint(&t, version);
    textbuf_put(&t, ",", 1);
    ja3_list(&t, ciphers, 2);
    textbuf_put(&t, ",", 1);

    struct wire groups = wire_of(NULL, 0), formats = wire_of(NULL, 0);
    bool first = true;
    while (exts.left >= 4) {
        uint16_t type = wire_u16(&exts);
        struct wire data = wire_sub(&exts, wire_u16(&exts));
        if (!exts.ok)
            return false;
        if (type == TLS_EXT_SERVER_NAME)
            read_sni(data, out);
        else if (type == TLS_EXT_ALPN)
            read_alpn(data, out->alpn_offered, sizeof out->alpn_offered);
        else if (type == TLS_EXT_SUPPORTED_GROUPS)
            groups = wire_sub(&data, wire_u16(&data));
        else if (type == TLS_EXT_EC_POINT_FORMATS)
            formats = wire_sub(&data, wire_u8(&data));
        if (is_grease(type))
            continue;
        if (!first)
            textbuf_put(&t, "-", 1);
        textbuf_uint(&t, type);
        first = false;
    }
    if (exts.left)
        return false;
    textbuf_put(&t, ",", 1);
    ja3_list(&t, groups, 2);
    textbuf_put(&t, ",", 1);
    ja3_list(&t, formats, 1);
    if (!t.full) {
        struct detail_piece piece = {ja3, t.len};
        detail_md5_hex(&piece, 1, out->ja3);
    }
    return true;
}

/* Reads the ServerHello; *version gets the negotiated version. */
static bool server_hello(const uint8_t *body, size_t len, struct tls_detail *out, uint16_t *version,
                         bool *alpn_seen)
{
    struct wire w = wire_of(body, len);
    uint16_t legacy = wire_u16(&w);
    wire_sub(&w, 32);
    wire_sub(&w, wire_u8(&w));
    uint16_t cipher = wire_u16(&w);
    wire_u8(&w); /* compression method */
    struct wire exts = wire_of(NULL, 0);
    if (w.ok && w.left)
        exts = wire_sub(&w, wire_u16(&w));
    if (!w.ok)
        return false;

    char ja3s[PS_JA3_STRING_MAX];
    struct textbuf t;
    textbuf_init(&t, ja3s, sizeof ja3s);
    textbuf_uint(&t, legacy);
    textbuf_put(&t, ",", 1);
    textbuf_uint(&t, cipher);
    textbuf_put(&t, ",", 1);

    *version = legacy;
    bool first = true;
    while (exts.left >= 4) {
        uint16_t type = wire_u16(&exts);
        struct wire data = wire_sub(&exts, wire_u16(&exts));
        if (!exts.ok)
            return false;
        if (type == TLS_EXT_SUPPORTED_VERSIONS && data.left == 2) {
            *version = wire_u16(&data);
        } else if (type == TLS_EXT_ALPN) {
            read_alpn(data, out->alpn, sizeof out->alpn);
            *alpn_seen = true;
        }
        if (is_grease(type))
            continue;
        if (!first)
            textbuf_put(&t, "-", 1);
        textbuf_uint(&t, type);
        first = false;
    }
    if (exts.left)
        return false;
    if (!t.full) {
        struct detail_piece piece = {ja3s, t.len};
        detail_md5_hex(&piece, 1, out->ja3s);
    }
    version_name(*version, out->version, sizeof out->version);
    return true;
}

/* The first certificate of a Certificate message, from the bytes there are. */
static void certificate(const uint8_t *body, size_t avail, struct tls_detail *out)
{
    struct wire w = wire_of(body, avail);
    uint32_t list_len = wire_u24(&w);
    uint32_t cert_len = wire_u24(&w);
    if (!w.ok || list_len < 3 || cert_len == 0 || cert_len > list_len - 3)
        return;
    struct wire der = wire_sub(&w, cert_len);
    if (der.ok)
        out->have_cert = x509_read(der.p, der.left, out);
}

struct hs_state {
    bool client_hello, server_hello, alpn_seen;
    uint16_t version;
};

/* Every handshake message of one side, in order. */
static void read_messages(const uint8_t *buf, size_t n, bool from_server, struct tls_detail *out,
                          struct hs_state *st)
{
    struct wire w = wire_of(buf, n);
    while (w.left >= 4) {
        uint8_t type = wire_u8(&w);
        uint32_t len = wire_u24(&w);
        bool complete = len <= w.left;
        struct wire body = wire_sub(&w, complete ? len : w.left);
        if (!from_server && type == TLS_HS_CLIENT_HELLO && complete && !st->client_hello) {
            st->client_hello = client_hello(body.p, body.left, out);
            out->have_client_hello = st->client_hello;
        } else if (from_server && type == TLS_HS_SERVER_HELLO && complete && !st->server_hello) {
            st->server_hello = server_hello(body.p, body.left, out, &st->version, &st->alpn_seen);
            out->have_server_hello = st->server_hello;
        } else if (from_server && type == TLS_HS_CERTIFICATE && !out->have_cert &&
                   st->version < TLS_VERSION_1_3)
            certificate(body.p, body.left, out);
        if (!complete)
            break;
    }
}

static bool alpn_is_http(const char *list)
{
    char buf[sizeof((struct tls_detail *)0)->alpn_offered];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if (!strcmp(p, "h2") || !strcmp(p, "http/1.1"))
            return true;
    return false;
}

static const char *port_service(uint16_t port)
{
    for (size_t i = 0; i < sizeof tls_port_services / sizeof tls_port_services[0]; i++)
        if (tls_port_services[i].port == port)
            return tls_port_services[i].service;
    return NULL;
}

static void emit_evidence(const struct classify_input *in, const struct tls_detail *d,
                          const struct hs_state *st, evidence_fn emit, void *ctx)
{
    struct evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.witness = WITNESS_PARSER;
    ev.strength = STRENGTH_PARSER;
    const char *alpn = st->alpn_seen ? d->alpn : d->alpn_offered;
    const char *service = port_service(in->server_port);
    if (alpn_is_http(alpn)) {
        EV_SET(ev.service, "http");
        EV_SET(ev.tunnel, "tls");
        EV_SET(ev.rule, st->alpn_seen ? "tls:alpn" : "tls:alpn-offered");
    } else if (service) {
        EV_SET(ev.service, service);
        EV_SET(ev.tunnel, "tls");
        EV_SET(ev.rule, "tls:port");
    } else {
        EV_SET(ev.service, "ssl");
        EV_SET(ev.rule, "tls:handshake");
    }
    if (emit)
        emit(&ev, ctx);
}

bool tls_parse(const struct classify_input *in, struct tls_detail *out, evidence_fn emit, void *ctx)
{
    static _Thread_local uint8_t buf[PS_MAX_HEAD_BYTES];
    struct hs_state st = {0};
    bool records;

    memset(out, 0, sizeof *out);
    size_t n = handshake_bytes(&in->client_head, buf, sizeof buf, &records);
    read_messages(buf, n, false, out, &st);
    n = handshake_bytes(&in->server_head, buf, sizeof buf, &records);
    read_messages(buf, n, true, out, &st);

    out->seen = st.client_hello || st.server_hello;
    if (st.server_hello)
        emit_evidence(in, out, &st, emit, ctx);
    return out->seen;
}
