/*
 * report_csv.c - CSV: a header row, then one line per endpoint, the columns of
 * the contract in order (report_columns).
 *
 * Text fields are quoted by libcsv (csv_fwrite); numbers are written bare.
 * Every value is already escaped (report_fields_of), so a record is always
 * exactly one line even though CSV could quote a newline: grep and cut keep
 * working on the output.
 */
#include "report_internal.h"

#include <csv.h>
#include <string.h>

static bool column_is_number(enum report_column c)
{
    return c == COL_PORT || c == COL_CONFIDENCE || c == COL_FLOWS || c == COL_CLIENTS;
}

void report_csv_header(struct report *r)
{
    if (r->header_done)
        return;
    for (int i = 0; i < REPORT_COLUMNS; i++)
        fprintf(r->out, "%s%s", i ? "," : "", report_columns[i]);
    fputc('\n', r->out);
    r->header_done = true;
}

void report_csv_row(struct report *r, const struct endpoint_record *rec)
{
    struct report_fields f;
    report_fields_of(rec, &f);
    for (int i = 0; i < REPORT_COLUMNS; i++) {
        if (i)
            fputc(',', r->out);
        if (column_is_number((enum report_column)i))
            fputs(f.col[i], r->out);
        else
            csv_fwrite(r->out, f.col[i], strlen(f.col[i]));
    }
    fputc('\n', r->out);
}
