/*
 * sig_shape.c - the protocol shape of a probe's bytes or of a client head.
 *
 * A passive tool never sends nmap's probes, but clients send things that
 * play the same role: any HTTP request gets the answers GetRequest's lines
 * describe, any DNS query the answers of the DNS probes. The shape is read
 * from the bytes themselves (request line, DNS header, BER envelope, TLS
 * record), so it works for probes of any name, in our files or nmap's. Every
 * length is checked against the bytes present.
 */
#include <ctype.h>
#include <netinet/in.h>
#include <string.h>

#include "sig_internal.h"

/* "METHOD SP target SP PROTO/d": the shape named by PROTO, SHAPE_NONE otherwise. */
static enum sig_shape request_line(const uint8_t *p, uint32_t len)
{
    uint32_t i = 0;
    while (i < len && i < 24 && isupper(p[i]))
        i++;
    if (i == 0 || i >= len || p[i] != ' ')
        return SHAPE_NONE;
    i++;
    uint32_t t = i;
    while (i < len && i < 2048 && p[i] != ' ' && p[i] != '\r' && p[i] != '\n')
        i++;
    if (i == t || i >= len || p[i] != ' ')
        return SHAPE_NONE;
    i++;
    static const struct {
        const char *proto;
        enum sig_shape shape;
    } protos[] = {
        {"HTTP/", SHAPE_HTTP_REQUEST}, {"RTSP/", SHAPE_RTSP_REQUEST}, {"SIP/", SHAPE_SIP_REQUEST}};
    for (size_t k = 0; k < sizeof protos / sizeof protos[0]; k++) {
        size_t n = strlen(protos[k].proto);
        if (len - i > n && memcmp(p + i, protos[k].proto, n) == 0 && isdigit(p[i + n]))
            return protos[k].shape;
    }
    return SHAPE_NONE;
}

static bool only_line_ends(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (p[i] != '\r' && p[i] != '\n')
            return false;
    return len > 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* A DNS query header (12 bytes), with its question names inside the bytes present. */
static bool dns_query(const uint8_t *p, uint32_t len)
{
    if (len < 12)
        return false;
    unsigned opcode = (p[2] >> 3) & 0x0f;
    if ((p[2] & 0x80) || (opcode != 0 && opcode != 2 && opcode != 4 && opcode != 5))
        return false;
    unsigned qd = be16(p + 4), an = be16(p + 6), ns = be16(p + 8);
    if (qd > 16 || an != 0 || (ns != 0 && opcode != 5) || be16(p + 10) > 4)
        return false;
    uint32_t i = 12;
    for (unsigned q = 0; q < qd && i < len; q++) {
        while (i < len && p[i] != 0) {
            if (p[i] > 63)
                return false; /* a query's names are not compressed */
            i += 1u + p[i];
        }
        i += 5; /* the root label, type, class */
    }
    return i <= len;
}

/* BER length at p[*i]; false if malformed or past len. */
static bool ber_length(const uint8_t *p, uint32_t len, uint32_t *i, uint32_t *out)
{
    if (*i >= len)
        return false;
    uint8_t b = p[(*i)++];
    if (b < 0x80) {
        *out = b;
        return true;
    }
    unsigned n = b & 0x7f;
    if (n == 0 || n > 3 || *i + n > len)
        return false;
    uint32_t v = 0;
    for (unsigned k = 0; k < n; k++)
        v = v << 8 | p[(*i)++];
    *out = v;
    return true;
}

/* SEQUENCE { INTEGER version, OCTET STRING community | SEQUENCE (v3) ... }. */
static enum sig_shape snmp(const uint8_t *p, uint32_t len)
{
    uint32_t i = 0, l;
    if (len < 8 || p[i++] != 0x30 || !ber_length(p, len, &i, &l))
        return SHAPE_NONE;
    if (i + 3 > len || p[i] != 0x02 || p[i + 1] != 0x01)
        return SHAPE_NONE;
    uint8_t version = p[i + 2];
    i += 3;
    if (i >= len)
        return SHAPE_NONE;
    if (version <= 1 && p[i] == 0x04)
        return SHAPE_SNMP_COMMUNITY;
    if (version == 3 && p[i] == 0x30)
        return SHAPE_SNMP_V3;
    return SHAPE_NONE;
}

static bool tls_client_hello(const uint8_t *p, uint32_t len)
{
    if (len >= 6 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04 && p[5] == 0x01)
        return true;
    /* SSLv2-compatible ClientHello: 2-byte length with the top bit, type 1, version 3.x */
    return len >= 5 && (p[0] & 0x80) && p[2] == 0x01 && p[3] == 0x03;
}

static bool dtls_client_hello(const uint8_t *p, uint32_t len)
{
    return len >= 14 && p[0] == 0x16 && p[1] == 0xfe && p[13] == 0x01;
}

enum sig_shape sig_shape_of(const uint8_t *p, uint32_t len, uint8_t transport)
{
    if (!p || len == 0)
        return SHAPE_NONE;
    enum sig_shape r = request_line(p, len);
    if (r != SHAPE_NONE)
        return r;
    if (transport == IPPROTO_TCP) {
        if (only_line_ends(p, len) || p[0] == '\n' || (len >= 2 && p[0] == '\r' && p[1] == '\n'))
            return SHAPE_BLANK_LINES;
        if (tls_client_hello(p, len))
            return SHAPE_TLS_HELLO;
        if (len >= 14 && be16(p) >= 12 && dns_query(p + 2, len - 2))
            return SHAPE_DNS_QUERY;
        return SHAPE_NONE;
    }
    if (dtls_client_hello(p, len))
        return SHAPE_DTLS_HELLO;
    r = snmp(p, len);
    if (r != SHAPE_NONE)
        return r;
    if (dns_query(p, len))
        return SHAPE_DNS_QUERY;
    return SHAPE_NONE;
}
