/*
 * report_csv.c - CSV: a header row, then one line per endpoint, the columns of
 * the contract in order (report_columns).
 *
 * A text field is quoted by libcsv (csv_fwrite) only when it needs it (a comma,
 * a quote, or space at either end), so plain rows stay plain for grep and cut;
 * numbers are written bare. Every value is already escaped (report_fields_of),
 * so a record is always exactly one line even though CSV could quote a newline.
 */
#include "report_internal.h"

#include <csv.h>
#include <string.h>

static bool column_is_number(enum report_column c)
{
    return c == COL_PORT || c == COL_CONFIDENCE || c == COL_FLOWS || c == COL_CLIENTS;
}

void report_csv_field(FILE *out, const char *text)
{
    size_t n = strlen(text);
    bool quote = strpbrk(text, ",\"\r\n") != NULL ||
                 (n && (text[0] == ' ' || text[n - 1] == ' '));
    if (quote)
        csv_fwrite(out, text, n);
    else
        fputs(text, out);
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
            report_csv_field(r->out, f.col[i]);
    }
    fputc('\n', r->out);
}
