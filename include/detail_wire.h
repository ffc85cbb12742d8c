/*
 * detail_wire.h - the small tools the detail parsers (tls.c, x509.c, ssh.c,
 * http.c, dns.c, snmp.c, ntp.c) share: a bounds-checked byte cursor, the
 * datagrams of a UDP head, a bounded text builder, and MD5 in hex for the
 * JA3/JA3S/HASSH fingerprints.
 *
 * The cursor is the only way those parsers read wire bytes: every read
 * checks what is left, and a failed read poisons the cursor (ok = false) so
 * that a chain of reads can be checked once at the end. The text builder
 * appends whole pieces or nothing, so a cut value never ends inside an
 * escape or a UTF-8 sequence. Internal to the detail modules.
 */
#ifndef PS_DETAIL_WIRE_H
#define PS_DETAIL_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detail.h"

struct wire {
    const uint8_t *p;
    size_t left;
    bool ok;
};

static inline struct wire wire_of(const uint8_t *p, size_t n)
{
    struct wire w = {p, n, p != NULL || n == 0};
    if (!p)
        w.left = 0;
    return w;
}

static inline bool wire_has(const struct wire *w, size_t n)
{
    return w->ok && w->left >= n;
}

static inline uint32_t wire_be(struct wire *w, size_t n)
{
    if (!wire_has(w, n)) {
        w->ok = false;
        w->left = 0;
        return 0;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | w->p[i];
    w->p += n;
    w->left -= n;
    return v;
}

static inline uint8_t wire_u8(struct wire *w)
{
    return (uint8_t)wire_be(w, 1);
}

static inline uint16_t wire_u16(struct wire *w)
{
    return (uint16_t)wire_be(w, 2);
}

static inline uint32_t wire_u24(struct wire *w)
{
    return wire_be(w, 3);
}

static inline uint32_t wire_u32(struct wire *w)
{
    return wire_be(w, 4);
}

/* The next n bytes as a cursor of their own; the outer cursor moves past them. */
static inline struct wire wire_sub(struct wire *w, size_t n)
{
    struct wire s = {w->p, 0, false};
    if (!wire_has(w, n)) {
        w->ok = false;
        w->left = 0;
        return s;
    }
    s.left = n;
    s.ok = true;
    w->p += n;
    w->left -= n;
    return s;
}

/*
 * UDP heads: how many datagrams a head holds, and the i-th one as a cursor. A
 * head with no recorded boundaries (datagrams == 0) but some bytes is one
 * datagram. Boundaries are checked, not trusted: one that runs backwards or
 * past the head gives a failed, empty cursor.
 */
static inline unsigned wire_datagram_count(const struct head_bytes *h)
{
    if (!h->data)
        return 0;
    if (h->datagrams == 0)
        return h->len ? 1 : 0;
    return h->datagrams < PS_MAX_UDP_DATAGRAMS ? h->datagrams : PS_MAX_UDP_DATAGRAMS;
}

static inline struct wire wire_datagram(const struct head_bytes *h, unsigned i)
{
    struct wire none = {NULL, 0, false};
    if (i >= wire_datagram_count(h))
        return none;
    if (h->datagrams == 0)
        return wire_of(h->data, h->len);
    uint32_t start = i ? h->datagram_end[i - 1] : 0, end = h->datagram_end[i];
    if (start > end || end > h->len)
        return none;
    return wire_of(h->data + start, end - start);
}

/* A bounded, always terminated string that takes whole pieces or stops. */
struct textbuf {
    char *s;
    size_t cap; /* including the NUL */
    size_t len;
    bool full; /* a piece did not fit: everything after it was dropped */
};

void textbuf_init(struct textbuf *t, char *s, size_t cap);
/* Append n bytes as one piece (all or nothing). */
bool textbuf_put(struct textbuf *t, const char *s, size_t n);
bool textbuf_str(struct textbuf *t, const char *s);
bool textbuf_uint(struct textbuf *t, unsigned long v);
/*
 * Append wire bytes as text: printable ASCII as is, valid UTF-8 sequences as is
 * when utf8 is set, every other byte as "\xNN". Returns false if cut.
 */
bool textbuf_wire(struct textbuf *t, const uint8_t *p, size_t n, bool utf8);

/* Length of the valid UTF-8 sequence (2..4 bytes) starting at p, 0 if none. */
size_t detail_utf8_sequence(const uint8_t *p, size_t n);

/* Wire bytes to a fixed field as textbuf_wire does (printable ASCII, escapes). */
void detail_text(char *dst, size_t cap, const uint8_t *p, size_t n);

/* MD5 of the concatenation of the pieces, as 32 lower-case hex digits. */
struct detail_piece {
    const void *p;
    size_t n;
};
#define DETAIL_MD5_MAX_PIECES 8
void detail_md5_hex(const struct detail_piece *pieces, size_t n, char out[DETAIL_HASH_MAX]);

/* x509.c: read the first certificate (DER) into the certificate fields of a tls_detail. */
bool x509_read(const uint8_t *der, size_t len, struct tls_detail *out);

#endif
