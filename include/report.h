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
};

struct report;

struct report *report_open(FILE *out, const struct report_options *opt);
/* Live mode: one record, written and flushed at once (JSON line or table row). */
void report_record(struct report *r, const struct endpoint_record *rec);
/* The whole inventory, sorted, with the table's summary line. */
void report_inventory(struct report *r, struct inventory *inv);
void report_close(struct report *r);

/* Escape bytes from the wire for humans and CSV: printable ASCII kept, the rest as \xHH, \r \n \t. */
size_t report_escape(const uint8_t *in, size_t len, char *out, size_t outlen);

/* ISO 8601 UTC with microseconds: 2026-11-21T14:02:20.123456Z */
void report_time(uint64_t us, char out[32]);

#endif
