/*
 * dns.c - recognises DNS over UDP by its structure, on any port: a query from
 * the client and a response from the server that answers it.
 *
 * How (RFC 1035 4.1): a 12-byte header (id, flags, four section counts),
 * then the question (name, type, class) and the resource records. A server
 * datagram is taken as the answer to a client datagram only when the client's
 * is a query (QR = 0) with one question, the server's is a response (QR = 1)
 * with the same id, the same opcode and the same question (names compared
 * without regard to ASCII case, as DNS does), and every answer record parses
 * within the datagram. A 16-bit id and a whole question repeated back do not
 * happen by chance, and no other protocol answers that way.
 *
 * Names are read with compression (RFC 1035 4.1.4) but never trusted: a
 * pointer must point strictly before the place it was read from (so a chain
 * can only walk backwards and always ends), at most PS_DNS_MAX_POINTER_HOPS
 * pointers are followed, labels are at most 63 bytes, names at most 255, and
 * the label types 0x40 and 0x80 (extended, obsolete) are refused.
 *
 * Over TCP the same holds for the length-prefixed messages of each head
 * (RFC 7766); detail_parse runs this parser there too, where it costs a few
 * comparisons for anything that is not DNS.
 *
 * A CHAOS-class TXT answer to version.bind or version.server says which
 * server this is; the few products whose strings have a known shape
 * (dnsmasq, BIND 9, Unbound, PowerDNS, Knot, NSD) become product and
 * version, spelled as the signatures spell them so that both witnesses agree;
 * any other string is kept as info.
 */
#include <netinet/in.h>
#include <string.h>

#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    DNS_HEADER_LEN = 12,
    DNS_FLAG_QR = 0x8000,
    DNS_FLAG_TC = 0x0200,
    DNS_TYPE_TXT = 16,
    DNS_CLASS_CH = 3,
    DNS_POINTER = 0xc0,
    DNS_OPCODE_MAX = 6, /* QUERY .. DSO (RFC 8490); the others are unassigned */
};

struct dns_header {
    uint16_t id, flags, qd, an, ns, ar;
};

/* A name in wire form with compression removed: length-prefixed labels, then 0. */
struct dns_name {
    uint8_t b[PS_DNS_NAME_MAX];
    size_t len;
};

struct dns_question {
    struct dns_name name;
    uint16_t type, qclass;
};

static bool read_header(struct wire *w, struct dns_header *h)
{
    h->id = wire_u16(w);
    h->flags = wire_u16(w);
    h->qd = wire_u16(w);
    h->an = wire_u16(w);
    h->ns = wire_u16(w);
    h->ar = wire_u16(w);
    return w->ok;
}

static uint8_t opcode_of(uint16_t flags)
{
    return (uint8_t)(flags >> 11 & 15);
}

/*
 * Reads the name at *pos of msg into out and moves *pos past it (past the
 * first pointer when the name is compressed). False if the name is malformed.
 */
static bool read_name(const uint8_t *msg, size_t len, size_t *pos, struct dns_name *out)
{
    size_t at = *pos, after = 0, limit = at; /* a pointer must point before limit */
    unsigned hops = 0;
    out->len = 0;
    for (;;) {
        if (at >= len)
            return false;
        uint8_t c = msg[at];
        if ((c & DNS_POINTER) == DNS_POINTER) {
            if (at + 1 >= len || ++hops > PS_DNS_MAX_POINTER_HOPS)
                return false;
            size_t target = (size_t)(c & 0x3f) << 8 | msg[at + 1];
            if (!after)
                after = at + 2;
            if (target >= limit)
                return false;
            at = limit = target;
            continue;
        }
        if (c & DNS_POINTER)
            return false; /* 0x40 and 0x80: extended and obsolete label types */
        if (c > PS_DNS_LABEL_MAX || at + 1 + c > len || out->len + 1 + c > sizeof out->b)
            return false;
        memcpy(out->b + out->len, msg + at, 1 + (size_t)c);
        out->len += 1 + (size_t)c;
        at += 1 + (size_t)c;
        if (c == 0)
            break;
    }
    *pos = after ? after : at;
    return true;
}

static uint8_t ascii_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Label lengths are below 'A', so comparing the whole form caselessly is exact. */
static bool same_name(const struct dns_name *a, const struct dns_name *b)
{
    if (a->len != b->len)
        return false;
    for (size_t i = 0; i < a->len; i++)
        if (ascii_lower(a->b[i]) != ascii_lower(b->b[i]))
            return false;
    return true;
}

static bool name_is(const struct dns_name *n, const char *dotted)
{
    struct dns_name want = {.len = 0};
    const char *p = dotted;
    while (*p) {
        size_t l = strcspn(p, ".");
        want.b[want.len++] = (uint8_t)l;
        memcpy(want.b + want.len, p, l);
        want.len += l;
        p += l + (p[l] == '.');
    }
    want.b[want.len++] = 0;
    return same_name(n, &want);
}

/* The name as dotted text, escaped like every wire text; "." for the root. */
static void name_text(const struct dns_name *n, char *dst, size_t cap)
{
    struct textbuf t;
    textbuf_init(&t, dst, cap);
    size_t i = 0;
    if (n->len <= 1) {
        textbuf_str(&t, ".");
        return;
    }
    while (i < n->len && n->b[i]) {
        if (i && !textbuf_put(&t, ".", 1))
            return;
        if (!textbuf_wire(&t, n->b + i + 1, n->b[i], false))
            return;
        i += 1 + (size_t)n->b[i];
    }
}

static bool read_question(const uint8_t *msg, size_t len, size_t *pos, struct dns_question *q)
{
    if (!read_name(msg, len, pos, &q->name))
        return false;
    struct wire w = wire_of(msg + *pos, len - *pos);
    q->type = wire_u16(&w);
    q->qclass = wire_u16(&w);
    *pos += 4;
    return w.ok;
}

/* A query: QR clear, a known opcode, one question that parses. */
static bool read_query(struct wire dg, struct dns_header *h, struct dns_question *q)
{
    struct wire w = dg;
    size_t pos = DNS_HEADER_LEN;
    return read_header(&w, h) && !(h->flags & DNS_FLAG_QR) &&
           opcode_of(h->flags) <= DNS_OPCODE_MAX && h->qd == 1 &&
           read_question(dg.p, dg.left, &pos, q);
}

/*
 * Walks the answer records after the question (pos); true if every one
 * parses (up to PS_DNS_MAX_RRS of them). The first CHAOS TXT answer owned by
 * the question's name goes into version when the question is version.bind
 * or version.server.
 */
static bool read_answers(const uint8_t *msg, size_t len, size_t pos, unsigned count,
                         const struct dns_question *q, char *version, size_t cap)
{
    bool want_version = q->type == DNS_TYPE_TXT && q->qclass == DNS_CLASS_CH &&
                        (name_is(&q->name, "version.bind") || name_is(&q->name, "version.server"));
    for (unsigned i = 0; i < count && i < PS_DNS_MAX_RRS; i++) {
        struct dns_name owner;
        if (!read_name(msg, len, &pos, &owner))
            return false;
        struct wire w = wire_of(msg + pos, len - pos);
        uint16_t type = wire_u16(&w), rclass = wire_u16(&w);
        wire_u32(&w); /* TTL */
        struct wire rdata = wire_sub(&w, wire_u16(&w));
        if (!w.ok)
            return false;
        pos = len - w.left;
        if (want_version && !version[0] && type == DNS_TYPE_TXT && rclass == DNS_CLASS_CH &&
            same_name(&owner, &q->name)) {
            /* TXT RDATA: character-strings (length byte, bytes); the first is the version. */
            struct wire s = wire_sub(&rdata, wire_u8(&rdata));
            if (s.ok)
                detail_text(version, cap, s.p, s.left);
        }
    }
    return true;
}

/*
 * True if server datagram rs answers query (qh, qq): fills d from it. The
 * answer section must parse unless the server set TC (it cut the message).
 */
static bool read_response(struct wire rs, const struct dns_header *qh,
                          const struct dns_question *qq, struct dns_detail *d)
{
    struct wire w = rs;
    struct dns_header h;
    struct dns_question q;
    size_t pos = DNS_HEADER_LEN;
    if (!read_header(&w, &h) || !(h.flags & DNS_FLAG_QR) || h.id != qh->id ||
        opcode_of(h.flags) != opcode_of(qh->flags) || h.qd != 1 ||
        !read_question(rs.p, rs.left, &pos, &q))
        return false;
    if (q.type != qq->type || q.qclass != qq->qclass || !same_name(&q.name, &qq->name))
        return false;
    char version[DETAIL_TEXT_MAX] = "";
    if (!read_answers(rs.p, rs.left, pos, h.an, &q, version, sizeof version) &&
        !(h.flags & DNS_FLAG_TC))
        return false;
    if (!d->seen) {
        d->seen = true;
        d->id = h.id;
        name_text(&q.name, d->qname, sizeof d->qname);
        d->qtype = q.type;
        d->qclass = q.qclass;
        d->opcode = opcode_of(h.flags);
        d->rcode = (uint8_t)(h.flags & 15);
        d->answers = h.an;
    }
    if (!d->version[0] && version[0])
        memcpy(d->version, version, sizeof d->version);
    return true;
}

/*
 * Version strings of a known shape: the digits and dots after prefix are the
 * version (the whole string stays in dns_detail.version).
 */
struct dns_product {
    const char *prefix;
    const char *product;
};

static const struct dns_product dns_products[] = {
    {"dnsmasq-", "dnsmasq"},
    {"unbound ", "Unbound"},
    {"PowerDNS Recursor ", "PowerDNS Recursor"},
    {"PowerDNS Authoritative Server ", "PowerDNS Authoritative Server"},
    {"Knot DNS ", "Knot DNS"},
    {"Knot Resolver ", "Knot Resolver"},
    {"NSD ", "NSD"},
    {"BIND ", "ISC BIND"},
};

/* The version proper: the run of digits and dots ("9.18.28" of "9.18.28-1~deb12u2-Debian"). */
static void copy_version(char *dst, size_t cap, const char *src)
{
    size_t n = strspn(src, "0123456789.");
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* product/version from a version.bind string; info with the string when its shape is unknown. */
static void describe_version(const char *v, struct evidence *ev)
{
    for (size_t i = 0; i < sizeof dns_products / sizeof dns_products[0]; i++) {
        size_t n = strlen(dns_products[i].prefix);
        if (strncmp(v, dns_products[i].prefix, n) == 0 && is_digit(v[n])) {
            EV_SET(ev->product, dns_products[i].product);
            copy_version(ev->version, sizeof ev->version, v + n);
            return;
        }
    }
    /* BIND 9 answers with its bare version: "9.18.28-1~deb12u2-Debian". */
    if (v[0] == '9' && v[1] == '.' && is_digit(v[2])) {
        EV_SET(ev->product, "ISC BIND");
        copy_version(ev->version, sizeof ev->version, v);
        return;
    }
    static const char label[] = "version.bind: ";
    memcpy(ev->info, label, sizeof label);
    evidence_set(ev->info + sizeof label - 1, sizeof ev->info - (sizeof label - 1), v);
}

/*
 * The messages of one side: its datagrams over UDP; over TCP (RFC 1035
 * 4.2.2, RFC 7766) each message is preceded by a 2-byte length, and only
 * whole messages within the head are taken.
 */
_Static_assert(PS_DNS_TCP_MAX_MESSAGES >= PS_MAX_UDP_DATAGRAMS, "a UDP head's datagrams must fit");

struct dns_messages {
    struct wire m[PS_DNS_TCP_MAX_MESSAGES];
    unsigned n;
};

static void messages_of(const struct head_bytes *h, bool tcp, struct dns_messages *out)
{
    out->n = 0;
    if (!tcp) {
        unsigned count = wire_datagram_count(h);
        for (unsigned i = 0; i < count && out->n < PS_DNS_TCP_MAX_MESSAGES; i++)
            out->m[out->n++] = wire_datagram(h, i);
        return;
    }
    struct wire w = wire_of(h->data, h->data ? h->len : 0);
    while (w.left && out->n < PS_DNS_TCP_MAX_MESSAGES) {
        struct wire m = wire_sub(&w, wire_u16(&w));
        if (!w.ok)
            return;
        out->m[out->n++] = m;
    }
}

bool dns_parse(const struct classify_input *in, struct dns_detail *out, evidence_fn emit, void *ctx)
{
    memset(out, 0, sizeof *out);
    bool tcp = in->transport == IPPROTO_TCP;
    struct dns_messages queries, responses;
    messages_of(&in->client_head, tcp, &queries);
    messages_of(&in->server_head, tcp, &responses);
    for (unsigned i = 0; i < queries.n; i++) {
        struct dns_header qh;
        struct dns_question qq;
        struct wire c = queries.m[i];
        if (!c.ok || !read_query(c, &qh, &qq))
            continue;
        for (unsigned j = 0; j < responses.n; j++) {
            struct wire s = responses.m[j];
            if (s.ok && read_response(s, &qh, &qq, out))
                break;
        }
    }
    if (out->seen && emit) {
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        EV_SET(ev.service, "domain");
        EV_SET(ev.rule, "dns:response");
        if (out->version[0])
            describe_version(out->version, &ev);
        ev.witness = WITNESS_PARSER;
        ev.strength = STRENGTH_PARSER;
        emit(&ev, ctx);
    }
    return out->seen;
}
