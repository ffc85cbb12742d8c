/*
 * report_inventory.c - the whole inventory as a report.
 *
 * Kept apart from report.c so that the report's formats can be used (and
 * tested) on records from anywhere without pulling in the inventory.
 */
#include "report_internal.h"

void report_inventory(struct report *r, struct inventory *inv)
{
    const struct endpoint_record **recs = NULL;
    size_t n = inv ? inventory_sorted(inv, &recs) : 0;
    report_records(r, recs, n);
}
