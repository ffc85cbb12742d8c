/*
 * fuzz_report.c - libFuzzer target for the report writers.
 *
 * The input fills an endpoint record the way hostile traffic could: the
 * banner and every string a signature copies from the wire. Each format is
 * written to memory and checked: the table holds printable ASCII and line
 * ends only, the CSV parses back (libcsv) to 20 fields per line, and every
 * JSON line parses back (jansson).
 */
#include <csv.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Take the next n bytes of input (fewer at the end) into a field, terminated. */
static void take(const uint8_t **p, size_t *left, char *field, size_t size)
{
    size_t n = *left < size - 1 ? *left : size - 1;
    if (*left && **p < n)
        n = **p; /* the first byte picks the length, so fields vary independently */
    memcpy(field, *p, n);
    field[n] = '\0';
    *p += n;
    *left -= n;
}

#define TAKE(p, left, field) take((p), (left), (field), sizeof(field))

struct csv_count {
    unsigned fields, bad_rows;
};

static void on_field(void *d, size_t n, void *ctx)
{
    ((struct csv_count *)ctx)->fields++;
}

static void on_row(int c, void *ctx)
{
    struct csv_count *k = ctx;
    if (k->fields != REPORT_COLUMNS)
        k->bad_rows++;
    k->fields = 0;
}

static char *write_report(enum report_format fmt, unsigned only,
                          const struct endpoint_record *const *recs, size_t n, bool live)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    struct report_options opt = {.format = fmt, .only_verdicts = only};
    struct report *r = report_open(f, &opt);
    if (live)
        for (size_t i = 0; i < n; i++)
            report_record(r, recs[i]);
    else
        report_records(r, recs, n);
    report_close(r);
    fclose(f);
    return buf;
}

static void check_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p != '\n' && (*p < 0x20 || *p >= 0x7f))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct endpoint_record rec[2];
    static struct evidence ev[2];
    static struct flow_detail detail;
    if (size < 8)
        return 0;
    memset(rec, 0, sizeof rec);
    memset(ev, 0, sizeof ev);
    memset(&detail, 0, sizeof detail);
    rec[0].host.family = data[0] & 1 ? 6 : 4;
    memcpy(rec[0].host.bytes, data + 1,
           rec[0].host.family == 4 ? 4
           : 16 > size - 1         ? size - 1
                                   : 16);
    rec[0].port = (uint16_t)(data[1] << 8 | data[2]);
    rec[0].transport = data[3] & 1 ? IPPROTO_UDP : IPPROTO_TCP;
    rec[0].verdict = (enum verdict)(data[4] % 4);
    rec[0].confidence = data[5];
    rec[0].sources = data[6];
    rec[0].flows = data[7];
    const uint8_t *p = data + 8;
    size_t left = size - 8;
    rec[0].banner_len = left < PS_BANNER_BYTES ? (uint32_t)left : PS_BANNER_BYTES;
    memcpy(rec[0].banner, p, rec[0].banner_len);
    struct evidence *b = &rec[0].best;
    TAKE(&p, &left, b->service);
    TAKE(&p, &left, b->tunnel);
    TAKE(&p, &left, b->product);
    TAKE(&p, &left, b->version);
    TAKE(&p, &left, b->info);
    TAKE(&p, &left, b->os);
    TAKE(&p, &left, b->device);
    TAKE(&p, &left, b->cpe);
    TAKE(&p, &left, rec[0].expected);
    TAKE(&p, &left, detail.tls.sni);
    TAKE(&p, &left, detail.tls.sans);
    TAKE(&p, &left, detail.ssh.server_banner);
    TAKE(&p, &left, detail.http.server);
    detail.tls.seen = detail.tls.have_cert = detail.ssh.seen = detail.http.seen = true;
    ev[0] = *b;
    ev[0].strength = data[5] % 8;
    ev[0].witness = data[6];
    rec[0].detail = &detail;
    rec[0].evidence = ev;
    rec[0].evidence_count = 2;
    rec[1] = rec[0];
    rec[1].port ^= 1;
    rec[1].detail = NULL;
    rec[1].evidence = NULL;

    const struct endpoint_record *recs[2] = {&rec[1], &rec[0]};
    for (int live = 0; live < 2; live++) {
        char *out = write_report(REPORT_TABLE, data[4] & 0xf0 ? 0 : data[4] >> 2, recs, 2, live);
        check_clean(out);
        free(out);

        out = write_report(REPORT_CSV, 0, recs, 2, live);
        check_clean(out);
        struct csv_parser cp;
        struct csv_count k = {0};
        csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI);
        if (csv_parse(&cp, out, strlen(out), on_field, on_row, &k) != strlen(out) ||
            csv_fini(&cp, on_field, on_row, &k) != 0 || k.bad_rows)
            abort();
        csv_free(&cp);
        free(out);

        out = write_report(REPORT_JSON, 0, recs, 2, live);
        check_clean(out);
        for (char *line = out, *end; *line; line = end + 1) {
            end = strchr(line, '\n');
            if (!end)
                abort();
            json_error_t err;
            json_t *o = json_loadb(line, (size_t)(end - line), 0, &err);
            if (!o)
                abort();
            json_decref(o);
        }
        free(out);
    }
    return 0;
}
