/*
 * report_clients.c - the --clients report: per client host, the software it showed.
 *
 * Written after the endpoint report in the same format. Every value from the
 * wire goes through report_escape, as in the endpoint report.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "report.h"

#define CLIENT_COLUMNS 8
static const char *const client_columns[CLIENT_COLUMNS] = {
    "client", "kind", "software", "detail", "server", "flows", "first_seen", "last_seen"};

struct client_fields {
    char client[PS_ADDR_TEXT_MAX];
    char software[REPORT_ESCAPED(CLIENT_SOFTWARE_MAX)];
    char detail[REPORT_ESCAPED(96)];
    char server[PS_ADDR_TEXT_MAX + 8];
    char flows[24];
    char first[32], last[32];
};

static void fields_of(const struct client_record *r, const struct client_software *sw,
                      struct client_fields *f)
{
    char a[PS_ADDR_TEXT_MAX];
    addr_to_text(&r->host, f->client);
    report_escape((const uint8_t *)sw->value, strnlen(sw->value, sizeof sw->value), f->software,
                  sizeof f->software);
    report_escape((const uint8_t *)sw->extra, strnlen(sw->extra, sizeof sw->extra), f->detail,
                  sizeof f->detail);
    addr_to_text(&sw->server, a);
    snprintf(f->server, sizeof f->server, sw->server.family == 6 ? "[%s]:%u" : "%s:%u", a,
             sw->server_port);
    snprintf(f->flows, sizeof f->flows, "%llu", (unsigned long long)sw->flows);
    report_time(sw->first_us, f->first);
    report_time(sw->last_us, f->last);
}

static void write_csv(FILE *out, const struct client_record *const *recs, size_t n)
{
    fputc('\n', out);
    for (int i = 0; i < CLIENT_COLUMNS; i++)
        fprintf(out, "%s%s", i ? "," : "", client_columns[i]);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < recs[i]->count; j++) {
            const struct client_software *sw = &recs[i]->software[j];
            struct client_fields f;
            fields_of(recs[i], sw, &f);
            const char *col[CLIENT_COLUMNS] = {f.client,  software_kind_name(sw->kind),
                                               f.software, f.detail,
                                               f.server,   f.flows,
                                               f.first,    f.last};
            for (int c = 0; c < CLIENT_COLUMNS; c++) {
                if (c)
                    fputc(',', out);
                if (c == 5)
                    fputs(col[c], out);
                else
                    report_csv_field(out, col[c]);
            }
            fputc('\n', out);
        }
}

static void write_json(FILE *out, const struct client_record *const *recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < recs[i]->count; j++) {
            const struct client_software *sw = &recs[i]->software[j];
            struct client_fields f;
            fields_of(recs[i], sw, &f);
            json_t *o = json_object();
            json_object_set_new(o, "type", json_string("client"));
            json_object_set_new(o, "client", json_string(f.client));
            json_object_set_new(o, "kind", json_string(software_kind_name(sw->kind)));
            json_object_set_new(o, "software", json_string(f.software));
            json_object_set_new(o, "detail", json_string(f.detail));
            json_object_set_new(o, "server", json_string(f.server));
            json_object_set_new(o, "flows", json_integer((json_int_t)sw->flows));
            json_object_set_new(o, "first_seen", json_string(f.first));
            json_object_set_new(o, "last_seen", json_string(f.last));
            json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fputc('\n', out);
            json_decref(o);
        }
}

static void write_table(FILE *out, const struct client_record *const *recs, size_t n)
{
    fprintf(out, "\nClients\n%-39s %-5s %-22s %s\n", "CLIENT", "KIND", "SERVER", "SOFTWARE");
    size_t rows = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < recs[i]->count; j++, rows++) {
            const struct client_software *sw = &recs[i]->software[j];
            struct client_fields f;
            fields_of(recs[i], sw, &f);
            fprintf(out, "%-39s %-5s %-22s %s%s%s%s\n", f.client, software_kind_name(sw->kind),
                    f.server, f.software, f.detail[0] ? "  (" : "", f.detail,
                    f.detail[0] ? ")" : "");
        }
    fprintf(out, "%zu client hosts, %zu pieces of client software\n", n, rows);
}

void report_clients(FILE *out, enum report_format format, struct client_inventory *ci)
{
    const struct client_record **recs;
    size_t n = client_inventory_sorted(ci, &recs);
    if (format == REPORT_CSV)
        write_csv(out, recs, n);
    else if (format == REPORT_JSON)
        write_json(out, recs, n);
    else
        write_table(out, recs, n);
    fflush(out);
}
