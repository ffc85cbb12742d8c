/*
 * report_internal.h - what the report's format writers (report_table.c,
 * report_csv.c, report_json.c) share with report.c.
 *
 * report_fields turns one endpoint record into the text of every column of
 * the contract, escaped once, so that the table, CSV and JSON can never
 * disagree about a value or let a raw byte from the wire through.
 */
#ifndef PS_REPORT_INTERNAL_H
#define PS_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

enum report_column {
    COL_HOST,
    COL_PORT,
    COL_TRANSPORT,
    COL_SERVICE,
    COL_TUNNEL,
    COL_PRODUCT,
    COL_VERSION,
    COL_INFO,
    COL_OS,
    COL_DEVICE,
    COL_CPE,
    COL_EXPECTED,
    COL_VERDICT,
    COL_CONFIDENCE,
    COL_SOURCE,
    COL_FLOWS,
    COL_CLIENTS,
    COL_FIRST_SEEN,
    COL_LAST_SEEN,
    COL_BANNER,
};

/* Room for every column of one record, escaped (the sum of their REPORT_ESCAPED sizes). */
#define REPORT_FIELDS_BYTES 4096u

struct report_fields {
    const char *col[REPORT_COLUMNS]; /* each points into arena */
    char arena[REPORT_FIELDS_BYTES];
    size_t used;
};

struct report {
    FILE *out;
    struct report_options opt;
    bool header_done; /* CSV header, or the live table's header, already written */
};

/* Every column of rec as text, escaped. */
void report_fields_of(const struct endpoint_record *rec, struct report_fields *f);

/* Escape a C string field of at most size bytes (it need not be terminated). */
size_t report_escape_field(const char *field, size_t size, char *out, size_t outlen);

/* Does the only_verdicts filter let rec through? */
bool report_shown(const struct report *r, const struct endpoint_record *rec);

/* The table: one live row (header first, once), or a whole list with widths and summary. */
void report_table_row(struct report *r, const struct endpoint_record *rec);
void report_table_all(struct report *r, const struct endpoint_record *const *recs, size_t n);

void report_csv_header(struct report *r);
void report_csv_row(struct report *r, const struct endpoint_record *rec);

void report_json_row(struct report *r, const struct endpoint_record *rec);

#endif
