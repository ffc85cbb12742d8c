/*
 * http.c - reads the client's first HTTP/1.x request (method, Host,
 * User-Agent) and the server's first response (status, Server,
 * X-Powered-By) from the stream heads.
 *
 * How (RFC 9112): a start line, then header lines "Name: value" up to an
 * empty line. Only complete lines (ending in LF, CR optional) are read, so
 * a head cut inside a line never yields half a value. Header names compare
 * case-insensitively; a line starting with a space or tab continues the
 * previous header (obsolete line folding), joined with one space. The first
 * occurrence of a header wins.
 *
 * Only a valid status line from the server ("HTTP/1.0 " or "HTTP/1.1 " and
 * three digits) names the service: a request alone says what the client
 * wanted, not what answered. RTSP and SIP share the syntax but not the
 * version token, so they never pass for HTTP here.
 */
#include <string.h>
#include <strings.h>

#include "detail.h"
#include "detail_wire.h"

struct line {
    const uint8_t *p;
    size_t n;
};

/* The next complete line of w without its line end; false at the end of the head. */
static bool next_line(struct wire *w, struct line *l)
{
    if (!w->ok || !w->left)
        return false;
    const uint8_t *lf = memchr(w->p, '\n', w->left);
    if (!lf)
        return false;
    size_t n = (size_t)(lf - w->p);
    struct wire taken = wire_sub(w, n + 1);
    l->p = taken.p;
    l->n = n && l->p[n - 1] == '\r' ? n - 1 : n;
    return true;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static void trim(struct line *l)
{
    while (l->n && is_space(l->p[0])) {
        l->p++;
        l->n--;
    }
    while (l->n && is_space(l->p[l->n - 1]))
        l->n--;
}

/* A header this parser keeps, and where. */
struct header_want {
    const char *name;
    char *dst;
    size_t cap;
};

/* Read header lines up to the empty line, filling the wanted fields. */
static void read_headers(struct wire w, const struct header_want *want, size_t nwant)
{
    struct textbuf cur; /* the wanted header being filled, if any */
    bool filling = false;
    struct line l;
    while (next_line(&w, &l) && l.n) {
        if (is_space(l.p[0])) {
            trim(&l);
            if (filling && l.n && textbuf_put(&cur, " ", 1))
                textbuf_wire(&cur, l.p, l.n, false);
            continue;
        }
        filling = false;
        const uint8_t *colon = memchr(l.p, ':', l.n);
        if (!colon)
            continue;
        size_t name_len = (size_t)(colon - l.p);
        struct line value = {colon + 1, l.n - name_len - 1};
        trim(&value);
        for (size_t i = 0; i < nwant; i++) {
            if (strlen(want[i].name) != name_len ||
                strncasecmp(want[i].name, (const char *)l.p, name_len) != 0 || want[i].dst[0])
                continue;
            textbuf_init(&cur, want[i].dst, want[i].cap);
            textbuf_wire(&cur, value.p, value.n, false);
            filling = true;
            break;
        }
    }
}

/* "HTTP/1.0 " or "HTTP/1.1 " and three digits, then the end of the line or a space. */
static int status_code(const struct line *l)
{
    if (l->n < 12 || (memcmp(l->p, "HTTP/1.0 ", 9) != 0 && memcmp(l->p, "HTTP/1.1 ", 9) != 0))
        return 0;
    int code = 0;
    for (size_t i = 9; i < 12; i++) {
        if (l->p[i] < '0' || l->p[i] > '9')
            return 0;
        code = code * 10 + (l->p[i] - '0');
    }
    if (l->n > 12 && l->p[12] != ' ')
        return 0;
    return code >= 100 ? code : 0;
}

static bool read_response(const struct head_bytes *h, struct http_detail *out)
{
    struct wire w = wire_of(h->data, h->len);
    struct line l;
    if (!next_line(&w, &l) || !(out->status = status_code(&l)))
        return false;
    const struct header_want want[] = {
        {"Server", out->server, sizeof out->server},
        {"X-Powered-By", out->powered_by, sizeof out->powered_by},
    };
    read_headers(w, want, sizeof want / sizeof want[0]);
    return true;
}

/* "METHOD SP request-target SP HTTP/1.x"; the method is kept in out. */
static bool request_line(const struct line *l, struct http_detail *out)
{
    size_t m = 0;
    while (m < l->n && m < sizeof out->method - 1 && l->p[m] >= 'A' && l->p[m] <= 'Z')
        m++;
    if (m == 0 || m >= l->n || l->p[m] != ' ')
        return false;
    const uint8_t *last_sp = NULL;
    for (size_t i = m + 1; i < l->n; i++)
        if (l->p[i] == ' ')
            last_sp = l->p + i;
    if (!last_sp || last_sp == l->p + m + 1)
        return false; /* no request-target */
    size_t ver = (size_t)(l->p + l->n - (last_sp + 1));
    if (ver != 8 || memcmp(last_sp + 1, "HTTP/1.", 7) != 0 || last_sp[8] < '0' || last_sp[8] > '9')
        return false;
    memcpy(out->method, l->p, m);
    out->method[m] = '\0';
    return true;
}

static bool read_request(const struct head_bytes *h, struct http_detail *out)
{
    struct wire w = wire_of(h->data, h->len);
    struct line l;
    if (!next_line(&w, &l) || !request_line(&l, out))
        return false;
    const struct header_want want[] = {
        {"Host", out->host, sizeof out->host},
        {"User-Agent", out->user_agent, sizeof out->user_agent},
    };
    read_headers(w, want, sizeof want / sizeof want[0]);
    return true;
}

bool http_parse(const struct classify_input *in, struct http_detail *out, evidence_fn emit,
                void *ctx)
{
    memset(out, 0, sizeof *out);
    bool response = read_response(&in->server_head, out);
    bool request = read_request(&in->client_head, out);
    out->seen = response || request;
    if (response && emit) {
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        EV_SET(ev.service, "http");
        EV_SET(ev.rule, "http:status");
        ev.witness = WITNESS_PARSER;
        ev.strength = STRENGTH_PARSER;
        emit(&ev, ctx);
    }
    return out->seen;
}
