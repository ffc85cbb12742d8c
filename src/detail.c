/*
 * detail.c - runs the protocol parsers (TLS, SSH, HTTP over TCP; DNS, SNMP,
 * NTP over UDP) over a conversation, and holds what they share: bounded text
 * building and MD5 fingerprints.
 *
 * detail_parse looks at the first bytes of each head and runs only the
 * parsers whose protocol can be there (a TLS record starts with 0x16, an SSH
 * identification with "SSH-", HTTP with "HTTP/" or a request method), so a
 * conversation that is none of them costs a few comparisons; DNS over TCP
 * is tried when the client's head starts like a length-prefixed query. The
 * UDP parsers each reject a foreign datagram in a few comparisons of their own.
 *
 * A flow_detail is some 3.4 KB of fixed fields, mostly empty. The engine fills
 * the same one for every conversation, so detail_parse_again clears only the
 * parts the previous conversation can have left bytes in (each parser clears
 * its own part before it fills it), not the whole of it every time.
 *
 * Text taken from the wire is made safe here once: printable ASCII is kept,
 * valid UTF-8 is kept where the field allows it, and every other byte
 * becomes "\xNN", so reports (CSV, JSON) never see control bytes or broken
 * UTF-8. MD5 comes from libgcrypt (already linked through libndpi), which
 * must be initialised once per process before use; pthread_once does that
 * safely whichever thread gets there first.
 */
#include "detail.h"

#include <gcrypt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "detail_wire.h"

void textbuf_init(struct textbuf *t, char *s, size_t cap)
{
    t->s = s;
    t->cap = cap;
    t->len = 0;
    t->full = cap == 0;
    if (cap)
        s[0] = '\0';
}

bool textbuf_put(struct textbuf *t, const char *s, size_t n)
{
    if (t->full || n >= t->cap - t->len) {
        t->full = true;
        return false;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

bool textbuf_str(struct textbuf *t, const char *s)
{
    return textbuf_put(t, s, strlen(s));
}

bool textbuf_uint(struct textbuf *t, unsigned long v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%lu", v);
    return textbuf_put(t, num, (size_t)n);
}

size_t detail_utf8_sequence(const uint8_t *p, size_t n)
{
    size_t len;
    uint32_t cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates and code points past Unicode are not text. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static bool printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/*
 * Put a run of printable bytes, as much of it as fits: the same text as putting
 * them one at a time (which stops at the first that does not fit), in one copy.
 */
static bool put_printable_run(struct textbuf *t, const uint8_t *p, size_t n)
{
    if (t->full)
        return false;
    size_t room = t->cap - 1 - t->len; /* cap > len: the NUL always fits */
    if (n <= room)
        return textbuf_put(t, (const char *)p, n);
    textbuf_put(t, (const char *)p, room);
    t->full = true;
    return false;
}

bool textbuf_wire(struct textbuf *t, const uint8_t *p, size_t n, bool utf8)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        if (printable(p[i])) {
            size_t run = i + 1;
            while (run < n && printable(p[run]))
                run++;
            if (!put_printable_run(t, p + i, run - i))
                return false;
            i = run;
            continue;
        }
        size_t seq = utf8 ? detail_utf8_sequence(p + i, n - i) : 0;
        bool ok;
        if (seq) {
            ok = textbuf_put(t, (const char *)p + i, seq);
            i += seq;
        } else {
            char esc[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
            ok = textbuf_put(t, esc, sizeof esc);
            i++;
        }
        if (!ok)
            return false;
    }
    return true;
}

void detail_text(char *dst, size_t cap, const uint8_t *p, size_t n)
{
    struct textbuf t;
    textbuf_init(&t, dst, cap);
    textbuf_wire(&t, p, n, false);
}

static pthread_once_t gcrypt_once = PTHREAD_ONCE_INIT;

static void gcrypt_init(void)
{
    gcry_check_version(NULL);
    /* nDPI may have finished libgcrypt's initialisation already; do it only if not. */
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
}

void detail_md5_hex(const struct detail_piece *pieces, size_t n, char out[DETAIL_HASH_MAX])
{
    static const char hex[] = "0123456789abcdef";
    gcry_buffer_t iov[DETAIL_MD5_MAX_PIECES];
    unsigned char digest[16];

    out[0] = '\0';
    if (n > DETAIL_MD5_MAX_PIECES)
        return;
    pthread_once(&gcrypt_once, gcrypt_init);
    memset(iov, 0, sizeof iov);
    for (size_t i = 0; i < n; i++) {
        iov[i].size = pieces[i].n;
        iov[i].len = pieces[i].n;
        iov[i].data = (void *)pieces[i].p;
    }
    if (gcry_md_hash_buffers(GCRY_MD_MD5, 0, digest, iov, (int)n))
        return;
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[32] = '\0';
}

/* --- which parsers can apply ------------------------------------------------------------ */

static bool starts_with(const struct head_bytes *h, const char *s)
{
    size_t n = strlen(s);
    return h->data && h->len >= n && memcmp(h->data, s, n) == 0;
}

static bool looks_like_tls(const struct head_bytes *h)
{
    return h->data && h->len >= 1 && h->data[0] == 0x16;
}

/*
 * SSH runs when the client opens with "SSH-" or the server's head holds "SSH-"
 * anywhere (a server may send lines before its identification string, RFC 4253
 * 4.2). The search through the server's whole head is made only when ssh_parse
 * would find something: when neither head has an identification string where it
 * looks (at a line start, in the first lines), running it or not leaves the same
 * cleared ssh_detail, and most heads are told so by a few line ends.
 */
static bool looks_like_ssh(const struct classify_input *in)
{
    const struct head_bytes *s = &in->server_head;
    if (starts_with(&in->client_head, "SSH-") || ssh_banner_present(s))
        return true;
    if (!ssh_banner_present(&in->client_head))
        return false;
    return s->data && s->len >= 4 && memmem(s->data, s->len, "SSH-", 4) != NULL;
}

/* "HTTP/" from a server, or an upper-case token and a space (a method) from a client. */
static bool looks_like_http(const struct classify_input *in)
{
    if (starts_with(&in->server_head, "HTTP/"))
        return true;
    const struct head_bytes *c = &in->client_head;
    if (!c->data)
        return false;
    size_t i = 0;
    while (i < c->len && i < 20 && c->data[i] >= 'A' && c->data[i] <= 'Z')
        i++;
    return i >= 3 && i < c->len && c->data[i] == ' ';
}

/*
 * DNS over TCP: a 2-byte length of at least a DNS header, then a query (QR clear).
 * dns_parse reads nothing from a client head whose first message runs past its end
 * (text such as "GET /" reads as a length of some 18000), so that one is passed over.
 */
static bool looks_like_dns_tcp(const struct classify_input *in)
{
    const struct head_bytes *c = &in->client_head;
    if (!c->data || c->len < 14)
        return false;
    uint32_t first = (uint32_t)(c->data[0] << 8 | c->data[1]);
    return first >= 12 && 2 + first <= c->len && !(c->data[4] & 0x80);
}

/* The parsers that can apply: UDP's all (each rejects a foreign datagram itself). */
static unsigned parsers_for(const struct classify_input *in)
{
    /*
     * TLS, SSH and HTTP run over TCP only (on UDP, DTLS and SSDP look alike but
     * are other things); DNS, SNMP and NTP over UDP, each rejecting what is not
     * its own within the first bytes of a datagram.
     */
    if (in->transport == IPPROTO_UDP)
        return DETAIL_DNS | DETAIL_SNMP | DETAIL_NTP;
    unsigned run = 0;
    if (looks_like_tls(&in->server_head) || looks_like_tls(&in->client_head))
        run |= DETAIL_TLS;
    if (looks_like_ssh(in))
        run |= DETAIL_SSH;
    if (looks_like_http(in))
        run |= DETAIL_HTTP;
    if (looks_like_dns_tcp(in))
        run |= DETAIL_DNS;
    return run;
}

/* Each parser clears its own part before it fills it. */
static void run_parsers(const struct classify_input *in, unsigned run, struct flow_detail *out,
                        evidence_fn emit, void *ctx)
{
    if (run & DETAIL_TLS)
        tls_parse(in, &out->tls, emit, ctx);
    if (run & DETAIL_SSH)
        ssh_parse(in, &out->ssh, emit, ctx);
    if (run & DETAIL_HTTP)
        http_parse(in, &out->http, emit, ctx);
    if (run & DETAIL_DNS)
        dns_parse(in, &out->dns, emit, ctx);
    if (run & DETAIL_SNMP)
        snmp_parse(in, &out->snmp, emit, ctx);
    if (run & DETAIL_NTP)
        ntp_parse(in, &out->ntp, emit, ctx);
    out->parsed = (uint8_t)run;
}

void detail_parse(const struct classify_input *in, struct flow_detail *out, evidence_fn emit,
                  void *ctx)
{
    memset(out, 0, sizeof *out);
    run_parsers(in, parsers_for(in), out, emit, ctx);
}

/* Where each parser's part of a flow_detail lies, and its seen flag. */
static const struct {
    uint8_t parser; /* enum detail_parser */
    size_t offset, size, seen;
} detail_parts[] = {
#define DETAIL_PART(bit, m)                                                                        \
    {                                                                                              \
        bit, offsetof(struct flow_detail, m), sizeof(((struct flow_detail *)0)->m),                \
            offsetof(struct flow_detail, m.seen)                                                   \
    }
    DETAIL_PART(DETAIL_TLS, tls), DETAIL_PART(DETAIL_SSH, ssh),   DETAIL_PART(DETAIL_HTTP, http),
    DETAIL_PART(DETAIL_DNS, dns), DETAIL_PART(DETAIL_SNMP, snmp), DETAIL_PART(DETAIL_NTP, ntp),
#undef DETAIL_PART
};

void detail_parse_again(const struct classify_input *in, struct flow_detail *out, evidence_fn emit,
                        void *ctx)
{
    unsigned run = parsers_for(in);
    uint8_t *base = (uint8_t *)out;
    for (size_t i = 0; i < sizeof detail_parts / sizeof detail_parts[0]; i++) {
        bool used =
            (out->parsed & detail_parts[i].parser) || *(bool *)(base + detail_parts[i].seen);
        if (used && !(run & detail_parts[i].parser))
            memset(base + detail_parts[i].offset, 0, detail_parts[i].size);
    }
    run_parsers(in, run, out, emit, ctx);
}
