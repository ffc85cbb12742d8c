/*
 * report.h - what people read: a human table, CSV (libcsv) and JSON lines.
 *
 * CSV columns, in this order (the contract of DESIGN.md):
 *   host,port,transport,service,tunnel,product,version,info,os,device,cpe,
 *   expected,verdict,confidence,source,flows,clients,first_seen,last_seen,banner
 * JSON lines carry the same fields plus the detail (TLS, SSH, HTTP, evidence).
 * Bytes from the wire are escaped everywhere: no control character or
 * terminal escape sequence is ever written raw.
 */
#ifndef PS_REPORT_H
#define PS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "inventory.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

struct report_options {
    enum report_format format;
    unsigned only_verdicts; /* bit (1 << enum verdict) per verdict shown; 0 = all */
    bool no_header;         /* CSV: the stream already has its header row (live rows came first) */
};

struct report;

struct report *report_open(FILE *out, const struct report_options *opt);
/* Live mode: one record, written and flushed at once (JSON line or table row). */
void report_record(struct report *r, const struct endpoint_record *rec);
/* The whole inventory, sorted, with the table's summary line. */
void report_inventory(struct report *r, struct inventory *inv);
void report_close(struct report *r);

/*
 * Escape bytes from the wire for humans and CSV: printable ASCII kept, the rest
 * as \xHH, \r \n \t, and a backslash doubled. The output is always terminated
 * and holds only whole escapes, so a short buffer cuts it cleanly; returns the
 * length written. REPORT_ESCAPED(n) bytes always hold n input bytes.
 */
size_t report_escape(const uint8_t *in, size_t len, char *out, size_t outlen);
#define REPORT_ESCAPED(n) ((size_t)(n)*4 + 1)

/* The columns of the contract, in order (also the JSON field names). */
#define REPORT_COLUMNS 20
extern const char *const report_columns[REPORT_COLUMNS];

/*
 * What report_inventory does, for records from anywhere: the records are
 * written in host, port, transport order (the array itself is not changed).
 */
void report_records(struct report *r, const struct endpoint_record *const *recs, size_t n);

/* The witnesses in sources, named and joined with '+' in a fixed order: "sig+parser+ndpi+control".
 */
const char *report_sources(uint8_t sources, char out[32]);

/* One CSV text field, quoted (by libcsv) only if it needs to be. */
void report_csv_field(FILE *out, const char *text);

/* ISO 8601 UTC with microseconds: 2026-11-21T14:02:20.123456Z */
void report_time(uint64_t us, char out[32]);

#endif
