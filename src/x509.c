/*
 * x509.c - a minimal DER reader for the one certificate a TLS server shows
 * in clear: its subject and issuer names, its validity, its subject
 * alternative names, and whether it signed itself.
 *
 * How: DER is read element by element (tag, length, body) with the bounded
 * cursor of detail_wire.h; only the single-byte tags and definite lengths of
 * DER are accepted, and every length must fit inside its parent. The
 * TBSCertificate is walked in the order RFC 5280 4.1 fixes; anything the
 * walk does not expect ends it, keeping what was already read.
 *
 * Names are printed RFC 4514 style: the RDNs last to first, "CN=...,O=...",
 * multi-valued RDNs joined with '+', special characters escaped with '\',
 * non-text bytes as "\NN". Only the common attributes (CN, O, OU, C, ST, L)
 * are printed. "Self-signed" here means the issuer and subject names are the
 * same bytes, as a quick tell; the signature is not checked.
 */
#include <string.h>

#include "addr.h"
#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    DER_INTEGER = 0x02,
    DER_BOOLEAN = 0x01,
    DER_OCTET_STRING = 0x04,
    DER_OID = 0x06,
    DER_UTF8_STRING = 0x0c,
    DER_PRINTABLE_STRING = 0x13,
    DER_TELETEX_STRING = 0x14,
    DER_IA5_STRING = 0x16,
    DER_UTC_TIME = 0x17,
    DER_GENERALIZED_TIME = 0x18,
    DER_VISIBLE_STRING = 0x1a,
    DER_UNIVERSAL_STRING = 0x1c,
    DER_BMP_STRING = 0x1e,
    DER_SEQUENCE = 0x30,
    DER_SET = 0x31,
    DER_VERSION = 0xa0,       /* [0] EXPLICIT Version */
    DER_ISSUER_UID = 0x81,    /* [1] IMPLICIT UniqueIdentifier */
    DER_SUBJECT_UID = 0x82,   /* [2] IMPLICIT UniqueIdentifier */
    DER_EXTENSIONS = 0xa3,    /* [3] EXPLICIT Extensions */
    DER_GN_DNS_NAME = 0x82,   /* GeneralName [2] IMPLICIT IA5String */
    DER_GN_IP_ADDRESS = 0x87, /* GeneralName [7] IMPLICIT OCTET STRING */
};

struct der {
    uint8_t tag;
    struct wire body;
    const uint8_t *start; /* first byte of the tag */
    size_t total;         /* tag, length and body */
};

/* The next element of w; false (and w poisoned) if it is not well formed DER. */
static bool der_next(struct wire *w, struct der *e)
{
    e->start = w->p;
    e->tag = wire_u8(w);
    uint8_t first = wire_u8(w);
    if (!w->ok || (e->tag & 0x1f) == 0x1f) {
        w->ok = false;
        return false;
    }
    size_t len = first;
    if (first & 0x80) {
        size_t k = first & 0x7f;
        if (k == 0 || k > 4) { /* indefinite lengths are BER, not DER */
            w->ok = false;
            return false;
        }
        len = wire_be(w, k);
    }
    e->body = wire_sub(w, len);
    if (!w->ok)
        return false;
    e->total = (size_t)(e->body.p + len - e->start);
    return true;
}

/* The next element, which must carry this tag. */
static bool der_expect(struct wire *w, uint8_t tag, struct der *e)
{
    if (!der_next(w, e) || e->tag != tag) {
        w->ok = false;
        return false;
    }
    return true;
}

static bool der_peek_tag(const struct wire *w, uint8_t tag)
{
    return w->ok && w->left && w->p[0] == tag;
}

/* --- names ------------------------------------------------------------------------------ */

/* Short names of the attributes we print (OID 2.5.4.x: last byte x). */
static const char *attribute_name(const struct wire *oid)
{
    static const uint8_t at[] = {0x55, 0x04};
    if (oid->left != 3 || memcmp(oid->p, at, 2) != 0)
        return NULL;
    switch (oid->p[2]) {
    case 3:
        return "CN";
    case 6:
        return "C";
    case 7:
        return "L";
    case 8:
        return "ST";
    case 10:
        return "O";
    case 11:
        return "OU";
    default:
        return NULL;
    }
}

/* Marks a raw byte (not a code point) passed from next_codepoint to put_codepoint. */
#define RAW_BYTE 0x80000000u

/* One code point of an attribute value, RFC 4514 escaped. */
static bool put_codepoint(struct textbuf *t, uint32_t cp, bool first, bool last)
{
    static const char hex[] = "0123456789ABCDEF";
    if (cp & RAW_BYTE) { /* a byte that is not text: its value as a hex pair */
        char esc[3] = {'\\', hex[cp >> 4 & 15], hex[cp & 15]};
        return textbuf_put(t, esc, 3);
    }
    if (cp < 0x80) {
        char c = (char)cp;
        if (cp < 0x20 || cp == 0x7f) {
            char esc[3] = {'\\', hex[cp >> 4], hex[cp & 15]};
            return textbuf_put(t, esc, 3);
        }
        bool special = strchr(",+\"\\<>;", c) != NULL || (first && (c == '#' || c == ' ')) ||
                       (last && c == ' ');
        char esc[2] = {'\\', c};
        return special ? textbuf_put(t, esc, 2) : textbuf_put(t, &c, 1);
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return textbuf_str(t, "\\EF\\BF\\BD"); /* U+FFFD as RFC 4514 hex pairs */
    char u[4];
    size_t n;
    if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return textbuf_put(t, u, n);
}

/*
 * The next code point of a string value in its ASN.1 encoding; a byte that is
 * not text in that encoding comes back as RAW_BYTE | byte.
 */
static uint32_t next_codepoint(uint8_t tag, struct wire *v)
{
    if (tag == DER_BMP_STRING && v->left >= 2)
        return wire_u16(v);
    if (tag == DER_UNIVERSAL_STRING && v->left >= 4) {
        uint32_t cp = wire_u32(v);
        return cp > 0x10ffff ? 0x110000u : cp; /* not Unicode: printed as U+FFFD */
    }
    uint8_t b = wire_u8(v);
    if (b < 0x80 || tag != DER_UTF8_STRING)
        return b < 0x80 && tag != DER_BMP_STRING && tag != DER_UNIVERSAL_STRING ? b : RAW_BYTE | b;
    size_t n = detail_utf8_sequence(v->p - 1, v->left + 1);
    if (!n)
        return RAW_BYTE | b;
    uint32_t cp = b & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (size_t i = 0; i + 1 < n; i++)
        cp = cp << 6 | (v->p[i] & 0x3f);
    wire_sub(v, n - 1);
    return cp;
}

static bool put_value(struct textbuf *t, const struct der *value)
{
    struct wire v = value->body;
    bool first = true;
    while (v.ok && v.left) {
        uint32_t cp = next_codepoint(value->tag, &v);
        if (!put_codepoint(t, cp, first, v.left == 0))
            return false;
        first = false;
    }
    return true;
}

/* One RDN (a SET of type-and-value); *wrote tells whether it printed anything. */
static bool put_rdn(struct textbuf *t, struct wire set, bool *wrote)
{
    while (set.ok && set.left) {
        struct der atv, oid, value;
        if (!der_expect(&set, DER_SEQUENCE, &atv) || !der_expect(&atv.body, DER_OID, &oid) ||
            !der_next(&atv.body, &value))
            return true;
        const char *name = attribute_name(&oid.body);
        if (!name)
            continue;
        size_t mark = t->len;
        if ((*wrote && !textbuf_put(t, "+", 1)) || !textbuf_str(t, name) ||
            !textbuf_put(t, "=", 1) || !put_value(t, &value)) {
            /* Whole attributes only: drop the one that did not fit. */
            t->len = mark;
            t->s[mark] = '\0';
            return false;
        }
        *wrote = true;
    }
    return true;
}

/* A Name as RFC 4514 text (RDNs last first). */
static void name_text(const struct der *name, char *dst, size_t cap)
{
    struct wire rdns[PS_X509_MAX_RDNS];
    size_t n = 0;
    struct wire w = name->body;
    struct der rdn;
    while (n < PS_X509_MAX_RDNS && w.left && der_expect(&w, DER_SET, &rdn))
        rdns[n++] = rdn.body;

    struct textbuf t;
    textbuf_init(&t, dst, cap);
    while (n--) {
        size_t mark = t.len;
        bool wrote = false;
        if (mark && !textbuf_put(&t, ",", 1))
            return;
        bool fit = put_rdn(&t, rdns[n], &wrote);
        if (!wrote) { /* nothing printed: take the comma back */
            t.len = mark;
            t.s[mark] = '\0';
        }
        if (!fit)
            return;
    }
}

/* --- validity --------------------------------------------------------------------------- */

static int digits(const uint8_t *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/*
 * UTCTime (YYMMDDHHMM[SS]Z) or GeneralizedTime (YYYYMMDDHHMM[SS][.fff]Z) as
 * ISO 8601 UTC. Times with an offset instead of Z are not DER and are refused.
 */
static void time_text(const struct der *e, char out[24])
{
    const uint8_t *p = e->body.p;
    size_t n = e->body.left, y;
    int year;
    out[0] = '\0';
    if (e->tag == DER_UTC_TIME) {
        y = 2;
        year = digits(p, 2);
        if (year < 0)
            return;
        year += year >= 50 ? 1900 : 2000; /* RFC 5280 4.1.2.5.1 */
    } else if (e->tag == DER_GENERALIZED_TIME) {
        y = 4;
        year = n >= 4 ? digits(p, 4) : -1;
    } else {
        return;
    }
    if (year < 0 || n < y + 9 || p[n - 1] != 'Z')
        return;
    int mon = digits(p + y, 2), day = digits(p + y + 2, 2), hour = digits(p + y + 4, 2),
        min = digits(p + y + 6, 2), sec = 0;
    size_t rest = n - 1 - (y + 8); /* bytes between the minutes and the Z */
    if (rest >= 2)
        sec = digits(p + y + 8, 2);
    if (rest == 1 || (rest > 2 && (e->tag == DER_UTC_TIME || p[y + 10] != '.')))
        return;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 ||
        min > 59 || sec < 0 || sec > 60)
        return;
    struct textbuf t;
    textbuf_init(&t, out, 24);
    static const char *const sep[] = {"-", "-", "T", ":", ":", "Z"};
    int parts[] = {mon, day, hour, min, sec};
    textbuf_uint(&t, (unsigned long)year);
    for (size_t i = 0; i < 5; i++) {
        char two[2] = {(char)('0' + parts[i] / 10), (char)('0' + parts[i] % 10)};
        textbuf_str(&t, sep[i]);
        textbuf_put(&t, two, 2);
    }
    textbuf_str(&t, sep[5]);
}

/* --- subject alternative names ---------------------------------------------------------- */

static bool is_san_oid(const struct wire *oid)
{
    static const uint8_t san[] = {0x55, 0x1d, 0x11}; /* 2.5.29.17 */
    return oid->left == sizeof san && memcmp(oid->p, san, sizeof san) == 0;
}

/* One GeneralName as text in entry; false if it is a kind we do not print. */
static bool general_name_text(const struct der *gn, char *entry, size_t cap)
{
    struct textbuf t;
    textbuf_init(&t, entry, cap);
    if (gn->tag == DER_GN_DNS_NAME && gn->body.left) {
        /* A comma would split the list: DNS names have none, so escape any. */
        for (size_t i = 0; i < gn->body.left; i++)
            if (!(gn->body.p[i] == ',' ? textbuf_str(&t, "\\x2c")
                                       : textbuf_wire(&t, gn->body.p + i, 1, false)))
                return false;
        return true;
    }
    if (gn->tag == DER_GN_IP_ADDRESS && (gn->body.left == 4 || gn->body.left == 16)) {
        struct ps_addr a;
        char text[PS_ADDR_TEXT_MAX];
        if (gn->body.left == 4)
            addr_set_v4(&a, gn->body.p);
        else
            addr_set_v6(&a, gn->body.p);
        return textbuf_str(&t, addr_to_text(&a, text));
    }
    return false;
}

static void read_sans(struct wire names, struct tls_detail *out)
{
    struct textbuf t;
    textbuf_init(&t, out->sans, sizeof out->sans);
    struct der gn;
    while (names.left && der_next(&names, &gn)) {
        char entry[DETAIL_NAME_MAX + 2];
        entry[0] = ',';
        if (!general_name_text(&gn, entry + 1, sizeof entry - 1))
            continue;
        /* Whole names only. */
        if (!textbuf_str(&t, t.len ? entry : entry + 1))
            return;
    }
}

static void read_extensions(struct wire w, struct tls_detail *out)
{
    struct der list, ext, oid, value;
    if (!der_expect(&w, DER_SEQUENCE, &list))
        return;
    while (list.body.left && der_expect(&list.body, DER_SEQUENCE, &ext)) {
        if (!der_expect(&ext.body, DER_OID, &oid))
            continue;
        if (der_peek_tag(&ext.body, DER_BOOLEAN))
            der_next(&ext.body, &value);
        if (!is_san_oid(&oid.body) || !der_expect(&ext.body, DER_OCTET_STRING, &value))
            continue;
        struct der names;
        if (der_expect(&value.body, DER_SEQUENCE, &names))
            read_sans(names.body, out);
        return;
    }
}

/* --- the certificate -------------------------------------------------------------------- */

bool x509_read(const uint8_t *der, size_t len, struct tls_detail *out)
{
    struct wire w = wire_of(der, len);
    struct der cert, tbs, e, issuer, validity, subject, t0, t1;
    if (!der_expect(&w, DER_SEQUENCE, &cert) || !der_expect(&cert.body, DER_SEQUENCE, &tbs))
        return false;
    struct wire *f = &tbs.body;
    if (der_peek_tag(f, DER_VERSION))
        der_next(f, &e);
    if (!der_expect(f, DER_INTEGER, &e) || !der_expect(f, DER_SEQUENCE, &e) ||
        !der_expect(f, DER_SEQUENCE, &issuer) || !der_expect(f, DER_SEQUENCE, &validity) ||
        !der_expect(f, DER_SEQUENCE, &subject))
        return false;
    name_text(&issuer, out->issuer, sizeof out->issuer);
    name_text(&subject, out->subject, sizeof out->subject);
    out->self_signed =
        issuer.total == subject.total && memcmp(issuer.start, subject.start, issuer.total) == 0;
    if (der_next(&validity.body, &t0) && der_next(&validity.body, &t1)) {
        time_text(&t0, out->not_before);
        time_text(&t1, out->not_after);
    }
    if (!der_expect(f, DER_SEQUENCE, &e)) /* subjectPublicKeyInfo */
        return true;
    while (der_peek_tag(f, DER_ISSUER_UID) || der_peek_tag(f, DER_SUBJECT_UID))
        der_next(f, &e);
    if (der_peek_tag(f, DER_EXTENSIONS) && der_next(f, &e))
        read_extensions(e.body, out);
    return true;
}
