/*
 * report_table.c - the human table: aligned columns, one endpoint per line.
 *
 *   HOST  PORT  SERVICE  PRODUCT  VERSION  VERDICT  CONF  FLOWS  BANNER
 *
 * A whole inventory is measured first so the columns fit what is there (each
 * capped, so one long product string cannot push the rest off the screen),
 * then followed by a summary line counting every record, filtered or not.
 * Live rows cannot be measured ahead, so they use fixed minimum widths and a
 * header written once. Cells hold escaped text only (report_fields_of); a cut
 * never splits an escape and is marked with "...".
 */
#include "report_internal.h"

#include <string.h>

enum table_cell {
    T_HOST,
    T_PORT,
    T_SERVICE,
    T_PRODUCT,
    T_VERSION,
    T_VERDICT,
    T_CONF,
    T_FLOWS,
    T_BANNER,
    T_CELLS
};

/* Longest cell plus its terminator; a host (PS_ADDR_TEXT_MAX) is never cut. */
#define TABLE_CELL_MAX 64
#define TABLE_GAP "  "
#define TABLE_CUT "..."

struct table_column {
    const char *title;
    size_t cap;  /* longest text kept, 0 = never cut */
    size_t live; /* width in live mode */
    bool right;  /* numbers are right-aligned */
};

static const struct table_column columns[T_CELLS] = {
    [T_HOST] = {"HOST", 0, 15, false},        [T_PORT] = {"PORT", 0, 9, false},
    [T_SERVICE] = {"SERVICE", 24, 14, false}, [T_PRODUCT] = {"PRODUCT", 28, 24, false},
    [T_VERSION] = {"VERSION", 20, 12, false}, [T_VERDICT] = {"VERDICT", 0, 11, false},
    [T_CONF] = {"CONF", 0, 4, true},          [T_FLOWS] = {"FLOWS", 0, 6, true},
    [T_BANNER] = {"BANNER", 60, 0, false},
};

_Static_assert(TABLE_CELL_MAX > PS_ADDR_TEXT_MAX && TABLE_CELL_MAX > 60,
               "table cells must hold a host and every capped column");

struct table_row {
    char cell[T_CELLS][TABLE_CELL_MAX];
};

/* Length of the escape unit starting at s (escaped text: "\xHH", "\c" or one byte). */
static size_t unit_len(const char *s)
{
    if (s[0] != '\\' || !s[1])
        return 1;
    return s[1] == 'x' ? 4 : 2;
}

/* Copy escaped text into a cell, cut to cap (if any) at a whole escape, marked "...". */
static void set_cell(char out[TABLE_CELL_MAX], const char *s, size_t cap)
{
    if (!*s)
        s = "-"; /* an empty cell would shift the eye to the next column */
    size_t len = strlen(s), limit = cap ? cap : TABLE_CELL_MAX - 1;
    if (len <= limit) {
        memcpy(out, s, len + 1);
        return;
    }
    size_t keep = 0, room = limit - strlen(TABLE_CUT);
    while (s[keep] && keep + unit_len(s + keep) <= room)
        keep += unit_len(s + keep);
    memcpy(out, s, keep);
    memcpy(out + keep, TABLE_CUT, sizeof TABLE_CUT);
}

static void row_of(const struct endpoint_record *rec, struct table_row *row)
{
    struct report_fields f;
    char joined[2 * TABLE_CELL_MAX];
    report_fields_of(rec, &f);
    set_cell(row->cell[T_HOST], f.col[COL_HOST], 0);
    snprintf(joined, sizeof joined, "%s/%s", f.col[COL_PORT], f.col[COL_TRANSPORT]);
    set_cell(row->cell[T_PORT], joined, 0);
    /* nmap's way of saying "inside TLS": ssl/http. */
    const char *tunnel = f.col[COL_TUNNEL];
    if (*tunnel && *f.col[COL_SERVICE])
        snprintf(joined, sizeof joined, "%.20s/%.100s", strcmp(tunnel, "tls") ? tunnel : "ssl",
                 f.col[COL_SERVICE]);
    else
        snprintf(joined, sizeof joined, "%.100s", f.col[COL_SERVICE]);
    set_cell(row->cell[T_SERVICE], joined, columns[T_SERVICE].cap);
    set_cell(row->cell[T_PRODUCT], f.col[COL_PRODUCT], columns[T_PRODUCT].cap);
    set_cell(row->cell[T_VERSION], f.col[COL_VERSION], columns[T_VERSION].cap);
    set_cell(row->cell[T_VERDICT], f.col[COL_VERDICT], 0);
    set_cell(row->cell[T_CONF], f.col[COL_CONFIDENCE], 0);
    set_cell(row->cell[T_FLOWS], f.col[COL_FLOWS], 0);
    set_cell(row->cell[T_BANNER], f.col[COL_BANNER], columns[T_BANNER].cap);
    if (!rec->banner_len)
        row->cell[T_BANNER][0] = '\0';
}

/* One line of cells, without trailing blanks (the last cells may be empty). */
static void print_line(FILE *out, const char *const cells[T_CELLS], const size_t width[T_CELLS])
{
    char line[T_CELLS * (TABLE_CELL_MAX + sizeof TABLE_GAP)];
    size_t n = 0;
    for (int i = 0; i < T_CELLS && n < sizeof line; i++) {
        int w = i < T_CELLS - 1 ? (int)width[i] : 0;
        n += (size_t)snprintf(line + n, sizeof line - n, columns[i].right ? "%*s%s" : "%-*s%s", w,
                              cells[i], i < T_CELLS - 1 ? TABLE_GAP : "");
    }
    if (n >= sizeof line)
        n = sizeof line - 1;
    while (n && line[n - 1] == ' ')
        n--;
    fprintf(out, "%.*s\n", (int)n, line);
}

static void print_header(FILE *out, const size_t width[T_CELLS])
{
    const char *titles[T_CELLS];
    for (int i = 0; i < T_CELLS; i++)
        titles[i] = columns[i].title;
    print_line(out, titles, width);
}

static void print_row(FILE *out, const struct table_row *row, const size_t width[T_CELLS])
{
    const char *cells[T_CELLS];
    for (int i = 0; i < T_CELLS; i++)
        cells[i] = row->cell[i];
    print_line(out, cells, width);
}

void report_table_row(struct report *r, const struct endpoint_record *rec)
{
    size_t width[T_CELLS];
    struct table_row row;
    for (int i = 0; i < T_CELLS; i++)
        width[i] = columns[i].live;
    if (!r->header_done) {
        print_header(r->out, width);
        r->header_done = true;
    }
    row_of(rec, &row);
    print_row(r->out, &row, width);
}

static void print_summary(FILE *out, const struct endpoint_record *const *recs, size_t n)
{
    size_t identified = 0, mismatch = 0, nonstandard = 0, unknown = 0;
    for (size_t i = 0; i < n; i++) {
        identified += recs[i]->best.service[0] != '\0';
        mismatch += recs[i]->verdict == VERDICT_MISMATCH;
        nonstandard += recs[i]->verdict == VERDICT_NONSTANDARD;
        unknown += recs[i]->verdict == VERDICT_UNKNOWN;
    }
    fprintf(out, "%zu endpoints, %zu identified, %zu mismatches, %zu nonstandard, %zu unknown\n", n,
            identified, mismatch, nonstandard, unknown);
}

void report_table_all(struct report *r, const struct endpoint_record *const *recs, size_t n)
{
    size_t width[T_CELLS];
    struct table_row row;
    for (int i = 0; i < T_CELLS; i++)
        width[i] = strlen(columns[i].title);
    for (size_t k = 0; k < n; k++) {
        if (!report_shown(r, recs[k]))
            continue;
        row_of(recs[k], &row);
        for (int i = 0; i < T_CELLS; i++)
            if (strlen(row.cell[i]) > width[i])
                width[i] = strlen(row.cell[i]);
    }
    print_header(r->out, width);
    for (size_t k = 0; k < n; k++) {
        if (!report_shown(r, recs[k]))
            continue;
        row_of(recs[k], &row);
        print_row(r->out, &row, width);
    }
    print_summary(r->out, recs, n);
}
