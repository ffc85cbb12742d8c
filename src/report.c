/*
 * report.c - what people read: the parts every format shares.
 *
 * A report writes endpoint records in one of three formats (report_table.c,
 * report_csv.c, report_json.c). This file opens and closes reports, applies
 * the verdict filter, sorts, and turns a record into the text of the contract's
 * columns (report_fields_of). Everything that came from the wire, directly (the
 * banner) or through a signature's $1 (product, version, info, ...), is escaped
 * here: printable ASCII only, so no terminal escape sequence, control byte or
 * invalid UTF-8 ever reaches a terminal, a CSV reader or a JSON encoder.
 */
#include "report_internal.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const report_columns[REPORT_COLUMNS] = {
    "host",   "port",  "transport", "service",    "tunnel",    "product", "version",
    "info",   "os",    "device",    "cpe",        "expected",  "verdict", "confidence",
    "source", "flows", "clients",   "first_seen", "last_seen", "banner",
};

/* The arena holds every column escaped: the evidence's text, expected, banner, and short rest. */
_Static_assert(REPORT_FIELDS_BYTES >=
                   REPORT_ESCAPED(sizeof(struct evidence)) +
                       REPORT_ESCAPED(sizeof(((struct endpoint_record *)0)->expected)) +
                       REPORT_ESCAPED(PS_BANNER_BYTES) + PS_ADDR_TEXT_MAX + 256,
               "REPORT_FIELDS_BYTES too small for one record");

struct report *report_open(FILE *out, const struct report_options *opt)
{
    if (!out || !opt)
        return NULL;
    struct report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->out = out;
    r->opt = *opt;
    r->header_done = opt->no_header && opt->format == REPORT_CSV;
    return r;
}

void report_close(struct report *r)
{
    if (!r)
        return;
    fflush(r->out);
    free(r);
}

bool report_shown(const struct report *r, const struct endpoint_record *rec)
{
    return !r->opt.only_verdicts || (r->opt.only_verdicts & (1u << rec->verdict));
}

void report_record(struct report *r, const struct endpoint_record *rec)
{
    if (!r || !rec || !report_shown(r, rec))
        return;
    switch (r->opt.format) {
    case REPORT_TABLE:
        report_table_row(r, rec);
        break;
    case REPORT_CSV:
        report_csv_header(r);
        report_csv_row(r, rec);
        break;
    case REPORT_JSON:
        report_json_row(r, rec);
        break;
    }
    fflush(r->out);
}

static int record_order(const void *pa, const void *pb)
{
    const struct endpoint_record *a = *(const struct endpoint_record *const *)pa;
    const struct endpoint_record *b = *(const struct endpoint_record *const *)pb;
    int c = addr_compare(&a->host, &b->host);
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return (int)a->transport - (int)b->transport;
}

/* The records in report order; a copy (the caller frees it), or NULL if out of memory. */
static const struct endpoint_record **sorted_copy(const struct endpoint_record *const *recs,
                                                  size_t n)
{
    const struct endpoint_record **s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    if (n) {
        memcpy(s, recs, n * sizeof *s);
        qsort(s, n, sizeof *s, record_order);
    }
    return s;
}

void report_records(struct report *r, const struct endpoint_record *const *recs, size_t n)
{
    if (!r)
        return;
    /* Records usually come sorted already (inventory_sorted); sorting again is cheap and
       keeps the order a property of the report whoever calls it. Without memory for the
       copy, the given order is still a complete report. */
    const struct endpoint_record **s = sorted_copy(recs, n);
    const struct endpoint_record *const *list = s ? s : recs;
    switch (r->opt.format) {
    case REPORT_TABLE:
        report_table_all(r, list, n);
        break;
    case REPORT_CSV:
        report_csv_header(r);
        for (size_t i = 0; i < n; i++)
            if (report_shown(r, list[i]))
                report_csv_row(r, list[i]);
        break;
    case REPORT_JSON:
        for (size_t i = 0; i < n; i++)
            if (report_shown(r, list[i]))
                report_json_row(r, list[i]);
        break;
    }
    free(s);
    fflush(r->out);
}

/* --- escaping and field text --------------------------------------------------------- */

size_t report_escape(const uint8_t *in, size_t len, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (!outlen)
        return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        char unit[4];
        size_t u = 0;
        if (c == '\\') {
            unit[u++] = '\\';
            unit[u++] = '\\';
        } else if (c >= 0x20 && c < 0x7f) {
            unit[u++] = (char)c;
        } else if (c == '\r' || c == '\n' || c == '\t') {
            unit[u++] = '\\';
            unit[u++] = c == '\r' ? 'r' : c == '\n' ? 'n' : 't';
        } else {
            unit[u++] = '\\';
            unit[u++] = 'x';
            unit[u++] = hex[c >> 4];
            unit[u++] = hex[c & 15];
        }
        if (n + u >= outlen)
            break;
        memcpy(out + n, unit, u);
        n += u;
    }
    out[n] = '\0';
    return n;
}

size_t report_escape_field(const char *field, size_t size, char *out, size_t outlen)
{
    return report_escape((const uint8_t *)field, strnlen(field, size), out, outlen);
}

void report_time(uint64_t us, char out[32])
{
    time_t s = (time_t)(us / 1000000u);
    unsigned frac = (unsigned)(us % 1000000u);
    struct tm tm;
    if (!gmtime_r(&s, &tm)) {
        strcpy(out, "?");
        return;
    }
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0 || n + 9 > 32) {
        strcpy(out, "?");
        return;
    }
    snprintf(out + n, 32 - n, ".%06uZ", frac);
}

const char *report_sources(uint8_t sources, char out[32])
{
    static const struct {
        uint8_t bit;
        const char *name;
    } order[] = {{WITNESS_SIGNATURE, "sig"},
                 {WITNESS_PARSER, "parser"},
                 {WITNESS_NDPI, "ndpi"},
                 {WITNESS_CONTROL, "control"}};
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(sources & order[i].bit))
            continue;
        n += (size_t)snprintf(out + n, 32 - n, "%s%s", n ? "+" : "", order[i].name);
    }
    return out;
}

static const char *transport_name(uint8_t transport, char buf[8])
{
    if (transport == IPPROTO_TCP)
        return "tcp";
    if (transport == IPPROTO_UDP)
        return "udp";
    snprintf(buf, 8, "%u", transport);
    return buf;
}

/* Append escaped bytes as the next column; the arena is sized for the largest record. */
static void put_bytes(struct report_fields *f, enum report_column c, const void *bytes, size_t len)
{
    char *at = f->arena + f->used;
    size_t n = report_escape(bytes, len, at, sizeof f->arena - f->used);
    f->col[c] = at;
    f->used += n + 1;
}

static void put_text(struct report_fields *f, enum report_column c, const char *field, size_t size)
{
    put_bytes(f, c, field, strnlen(field, size));
}

#define PUT_FIELD(f, c, field) put_text((f), (c), (field), sizeof(field))

static void put_number(struct report_fields *f, enum report_column c, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    put_text(f, c, buf, sizeof buf);
}

void report_fields_of(const struct endpoint_record *rec, struct report_fields *f)
{
    char host[PS_ADDR_TEXT_MAX], tbuf[8], sources[32], t[32];
    const struct evidence *b = &rec->best;
    f->used = 0;
    addr_to_text(&rec->host, host);
    put_text(f, COL_HOST, host, sizeof host);
    put_number(f, COL_PORT, rec->port);
    put_text(f, COL_TRANSPORT, transport_name(rec->transport, tbuf), sizeof tbuf);
    PUT_FIELD(f, COL_SERVICE, b->service);
    PUT_FIELD(f, COL_TUNNEL, b->tunnel);
    PUT_FIELD(f, COL_PRODUCT, b->product);
    PUT_FIELD(f, COL_VERSION, b->version);
    PUT_FIELD(f, COL_INFO, b->info);
    PUT_FIELD(f, COL_OS, b->os);
    PUT_FIELD(f, COL_DEVICE, b->device);
    PUT_FIELD(f, COL_CPE, b->cpe);
    PUT_FIELD(f, COL_EXPECTED, rec->expected);
    put_text(f, COL_VERDICT, verdict_name(rec->verdict), 16);
    put_number(f, COL_CONFIDENCE, rec->confidence);
    put_text(f, COL_SOURCE, report_sources(rec->sources, sources), sizeof sources);
    put_number(f, COL_FLOWS, rec->flows);
    put_number(f, COL_CLIENTS, rec->clients);
    report_time(rec->first_us, t);
    put_text(f, COL_FIRST_SEEN, t, sizeof t);
    report_time(rec->last_us, t);
    put_text(f, COL_LAST_SEEN, t, sizeof t);
    put_bytes(f, COL_BANNER, rec->banner,
              rec->banner_len < PS_BANNER_BYTES ? rec->banner_len : PS_BANNER_BYTES);
}
