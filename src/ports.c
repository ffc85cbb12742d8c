/*
 * ports.c - port expectations: which services a port is registered or commonly
 * used for, and the verdict on what was actually found there.
 *
 * A ports file is CSV read with libcsv, one row per transport/port (or range
 * "6000-6063"):
 *   transport,port,services,strength
 * Lines whose first non-blank character is '#' and blank lines are skipped
 * before libcsv sees them, so that line numbers stay exact for errors. A row
 * whose first field is "transport" is the header. A file is applied only when
 * every row of it is valid, so a bad user file leaves the table as it was.
 *
 * Service tokens: "X" is service X in the clear, "ssl/X" is X inside TLS, and
 * "ssl" is a TLS handshake whose inner service was not seen. Names like
 * "https" or "imaps" may be listed too; they match only when a witness reports
 * that exact name. So plain HTTP on 443 ("https ssl/http ssl") is a mismatch,
 * while HTTP inside TLS and bare TLS are ok.
 *
 * Storage: a 16-bit row index per transport and port (256 KiB) pointing into
 * a growing array of rows; a later row for the same port simply re-points the
 * index, which is how later files override earlier ones.
 */
#include "ports.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

#define PORT_TRANSPORTS 2 /* tcp, udp */
#define PORT_FIELDS 4     /* transport,port,services,strength */
#define PORT_FIELD_MAX PS_PORTS_LINE_MAX

struct port_row {
    char services[PS_PORTS_SERVICES_MAX];
    bool strong;
};

struct port_table {
    uint16_t index[PORT_TRANSPORTS][65536]; /* 0 = nothing expected, else row + 1 */
    struct port_row *rows;
    size_t nrows, cap;
};

/* One parsed row of a file, waiting for the whole file to be valid. */
struct pending_row {
    struct port_row row;
    int transport; /* index into port_table.index */
    uint16_t first, last;
};

struct load_state {
    const char *path;
    unsigned lineno;
    char fields[PORT_FIELDS][PORT_FIELD_MAX];
    unsigned nfields;
    bool failed;
    char *err;
    size_t errlen;
    struct pending_row *pending;
    size_t npending, cap;
};

struct port_table *port_table_create(void)
{
    return calloc(1, sizeof(struct port_table));
}

void port_table_destroy(struct port_table *t)
{
    if (!t)
        return;
    free(t->rows);
    free(t);
}

static int transport_slot(uint8_t transport)
{
    if (transport == IPPROTO_TCP)
        return 0;
    if (transport == IPPROTO_UDP)
        return 1;
    return -1;
}

static const struct port_row *row_for(const struct port_table *t, uint8_t transport, uint16_t port)
{
    int slot = transport_slot(transport);
    if (!t || slot < 0 || !t->index[slot][port])
        return NULL;
    return &t->rows[t->index[slot][port] - 1];
}

const char *port_table_expected(const struct port_table *t, uint8_t transport, uint16_t port)
{
    const struct port_row *r = row_for(t, transport, port);
    return r ? r->services : "";
}

/* Is the token (len bytes, not terminated) prefix followed by s, ignoring case? */
static bool token_is(const char *tok, size_t len, const char *prefix, const char *s)
{
    size_t pl = strlen(prefix), sl = strlen(s);
    return len == pl + sl && strncasecmp(tok, prefix, pl) == 0 && strncasecmp(tok + pl, s, sl) == 0;
}

static bool is_tls_tunnel(const char *tunnel)
{
    return tunnel && (strcasecmp(tunnel, "tls") == 0 || strcasecmp(tunnel, "ssl") == 0);
}

/*
 * Does the row list what was seen? Bare TLS ("ssl") is at home on any port
 * that expects TLS, whatever it expects inside; a wrapped service needs its
 * "ssl/" token; a clear one its bare token.
 */
static bool row_accepts(const struct port_row *r, const char *service, const char *tunnel)
{
    bool bare_tls = strcasecmp(service, "ssl") == 0;
    bool wrapped = !bare_tls && is_tls_tunnel(tunnel);
    const char *p = r->services;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len) {
            if (bare_tls) {
                if (token_is(p, len, "", "ssl") || (len > 4 && strncasecmp(p, "ssl/", 4) == 0))
                    return true;
            } else if (token_is(p, len, wrapped ? "ssl/" : "", service)) {
                return true;
            }
        }
        p += len;
    }
    return false;
}

enum verdict port_table_verdict(const struct port_table *t, uint8_t transport, uint16_t port,
                                const char *service, const char *tunnel)
{
    if (!service || !*service)
        return VERDICT_UNKNOWN;
    /* Data connections use negotiated ports: their control connection vouches for them. */
    if (strcasecmp(service, "ftp-data") == 0)
        return VERDICT_OK;
    const struct port_row *r = row_for(t, transport, port);
    if (r && row_accepts(r, service, tunnel))
        return VERDICT_OK;
    return r && r->strong ? VERDICT_MISMATCH : VERDICT_NONSTANDARD;
}

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_OK:
        return "ok";
    case VERDICT_MISMATCH:
        return "mismatch";
    case VERDICT_NONSTANDARD:
        return "nonstandard";
    case VERDICT_UNKNOWN:
        break;
    }
    return "unknown";
}

/* --- loading ------------------------------------------------------------------------- */

static void load_fail(struct load_state *st, const char *fmt, ...)
{
    if (st->failed)
        return;
    st->failed = true;
    int n = snprintf(st->err, st->errlen, "%s:%u: ", st->path, st->lineno);
    if (n < 0 || (size_t)n >= st->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err + n, st->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct load_state *st = ctx;
    if (st->nfields < PORT_FIELDS) {
        char *f = st->fields[st->nfields];
        if (len >= PORT_FIELD_MAX)
            len = PORT_FIELD_MAX - 1;
        memcpy(f, data ? data : "", len);
        f[len] = '\0';
        if (strlen(f) != len)
            load_fail(st, "NUL byte in field %u", st->nfields + 1);
    }
    st->nfields++;
}

/* A decimal port 1-65535, the whole string. */
static bool parse_port(const char *s, size_t len, uint16_t *out)
{
    unsigned long v = 0;
    if (len == 0 || len > 5)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

static bool parse_port_range(const char *s, uint16_t *first, uint16_t *last)
{
    const char *dash = strchr(s, '-');
    if (!dash)
        return parse_port(s, strlen(s), first) && (*last = *first, true);
    return parse_port(s, (size_t)(dash - s), first) &&
           parse_port(dash + 1, strlen(dash + 1), last) && *first <= *last;
}

/* Service names: nmap's vocabulary is letters, digits and - _ . + with "ssl/" for TLS. */
static bool service_token_ok(const char *tok, size_t len)
{
    if (len > 4 && strncasecmp(tok, "ssl/", 4) == 0) {
        tok += 4;
        len -= 4;
    }
    if (len == 0 || len >= 32)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tok[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != '+')
            return false;
    }
    return true;
}

/* The services field with blanks collapsed to single spaces; false (and an error) if bad. */
static bool normalise_services(struct load_state *st, const char *in, char *out, size_t cap)
{
    size_t n = 0;
    const char *p = in;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, " \t");
        if (!len)
            break;
        if (!service_token_ok(p, len)) {
            load_fail(st, "bad service name \"%.*s\"", (int)(len > 40 ? 40 : len), p);
            return false;
        }
        if (n + (n ? 1 : 0) + len >= cap) {
            load_fail(st, "services list longer than %u characters", (unsigned)cap - 1);
            return false;
        }
        if (n)
            out[n++] = ' ';
        memcpy(out + n, p, len);
        n += len;
        p += len;
    }
    out[n] = '\0';
    if (!n)
        load_fail(st, "no services listed");
    return n > 0;
}

static bool is_header(const struct load_state *st)
{
    return st->nfields == PORT_FIELDS && strcasecmp(st->fields[0], "transport") == 0 &&
           strcasecmp(st->fields[1], "port") == 0;
}

static bool pending_push(struct load_state *st, const struct pending_row *row)
{
    if (st->npending == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct pending_row *p = realloc(st->pending, cap * sizeof *p);
        if (!p) {
            load_fail(st, "out of memory");
            return false;
        }
        st->pending = p;
        st->cap = cap;
    }
    st->pending[st->npending++] = *row;
    return true;
}

static void parse_row(struct load_state *st)
{
    struct pending_row row = {0};
    if (st->nfields != PORT_FIELDS) {
        load_fail(st, "expected %u fields (transport,port,services,strength), got %u", PORT_FIELDS,
                  st->nfields);
        return;
    }
    if (is_header(st))
        return;
    if (strcasecmp(st->fields[0], "tcp") == 0)
        row.transport = 0;
    else if (strcasecmp(st->fields[0], "udp") == 0)
        row.transport = 1;
    else
        row.transport = -1;
    if (row.transport < 0)
        load_fail(st, "transport \"%.16s\" is not tcp or udp", st->fields[0]);
    else if (!parse_port_range(st->fields[1], &row.first, &row.last))
        load_fail(st, "port \"%.16s\" is not 1-65535 or a range N-M", st->fields[1]);
    else if (!normalise_services(st, st->fields[2], row.row.services, sizeof row.row.services))
        return;
    else if (strcasecmp(st->fields[3], "strong") != 0 && strcasecmp(st->fields[3], "weak") != 0)
        load_fail(st, "strength \"%.16s\" is not strong or weak", st->fields[3]);
    else {
        row.row.strong = strcasecmp(st->fields[3], "strong") == 0;
        pending_push(st, &row);
    }
}

static void on_row(int terminator, void *ctx)
{
    struct load_state *st = ctx;
    if (!st->failed)
        parse_row(st);
    st->nfields = 0;
}

static bool blank_or_comment(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return *line == '#' || *line == '\n' || *line == '\r' || *line == '\0';
}

/* Read every line into st->pending; false with st->err set on the first bad one. */
static bool read_rows(FILE *f, struct load_state *st)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        load_fail(st, "cannot start the CSV parser");
        return false;
    }
    char line[PS_PORTS_LINE_MAX + 2];
    while (!st->failed && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        size_t content = len && line[len - 1] == '\n' ? len - 1 : len;
        st->lineno++;
        if (content > PS_PORTS_LINE_MAX) {
            load_fail(st, "line longer than %u bytes", PS_PORTS_LINE_MAX);
            break;
        }
        if (blank_or_comment(line))
            continue;
        if (csv_parse(&p, line, len, on_field, on_row, st) != len)
            load_fail(st, "malformed CSV (%s)", csv_strerror(csv_error(&p)));
    }
    if (!st->failed && ferror(f))
        load_fail(st, "read error: %s", strerror(errno));
    if (!st->failed && csv_fini(&p, on_field, on_row, st) != 0)
        load_fail(st, "malformed CSV (%s)", csv_strerror(csv_error(&p)));
    csv_free(&p);
    return !st->failed;
}

/* Room for n more rows, so that applying a file cannot fail half-way. */
static bool table_reserve(struct port_table *t, size_t n)
{
    if (t->nrows + n <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->nrows + n)
        cap *= 2;
    if (cap > PS_PORTS_MAX_ROWS)
        cap = PS_PORTS_MAX_ROWS;
    struct port_row *r = realloc(t->rows, cap * sizeof *r);
    if (!r)
        return false;
    t->rows = r;
    t->cap = cap;
    return true;
}

static void table_apply(struct port_table *t, const struct pending_row *p)
{
    t->rows[t->nrows++] = p->row;
    for (uint32_t port = p->first; port <= p->last; port++)
        t->index[p->transport][port] = (uint16_t)t->nrows;
}

int port_table_load(struct port_table *t, const char *path, char *err, size_t errlen)
{
    static char dummy[1];
    struct load_state *st = calloc(1, sizeof *st);
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (!st) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    st->path = path;
    st->err = err;
    st->errlen = errlen;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(st);
        return -1;
    }
    bool ok = read_rows(f, st);
    fclose(f);
    if (ok && t->nrows + st->npending > PS_PORTS_MAX_ROWS) {
        snprintf(err, errlen, "%s: more than %u rows in all", path, PS_PORTS_MAX_ROWS);
        ok = false;
    } else if (ok && !table_reserve(t, st->npending)) {
        snprintf(err, errlen, "%s: out of memory", path);
        ok = false;
    }
    for (size_t i = 0; ok && i < st->npending; i++)
        table_apply(t, &st->pending[i]);
    free(st->pending);
    free(st);
    return ok ? 0 : -1;
}
