/*
 * report_json.c - JSON lines: one compact object per endpoint, flushed at once.
 *
 * The object carries the contract's columns under the same names (port,
 * confidence, flows and clients as numbers), then what the parsers read:
 * "tls", "ssh", "http", "dns", "snmp" and "ntp" objects when that protocol was seen, and the list
 * of "evidence" behind the verdict. jansson needs valid UTF-8; every string
 * goes through report_escape first, which leaves printable ASCII only, so the
 * JSON and CSV values of a field are the same text.
 */
#include "report_internal.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>

/* The longest text field of a detail or evidence record, escaped. */
#define JSON_TEXT_MAX REPORT_ESCAPED(DETAIL_SAN_MAX)
_Static_assert(DETAIL_SAN_MAX >= DETAIL_NAME_MAX && DETAIL_SAN_MAX >= EV_CPE_MAX,
               "JSON_TEXT_MAX must hold the longest field");

static void set_text(json_t *o, const char *key, const char *field, size_t size)
{
    char buf[JSON_TEXT_MAX];
    report_escape_field(field, size, buf, sizeof buf);
    json_object_set_new(o, key, json_string(buf));
}

#define SET_TEXT(o, key, field) set_text((o), (key), (field), sizeof(field))

static json_t *number(uint64_t v)
{
    return json_integer(v > (uint64_t)LLONG_MAX ? LLONG_MAX : (json_int_t)v);
}

static const char *strength_name(uint8_t s)
{
    static const char *const names[] = {
        [STRENGTH_NONE] = "none",     [STRENGTH_SOFT] = "soft", [STRENGTH_NDPI] = "ndpi",
        [STRENGTH_PARSER] = "parser", [STRENGTH_HARD] = "hard", [STRENGTH_ANNOUNCED] = "announced",
    };
    return s < sizeof names / sizeof names[0] && names[s] ? names[s] : "none";
}

/* "a.example, b.example" as ["a.example","b.example"]; the text is escaped already. */
static json_t *san_list(const char *sans, size_t size)
{
    char buf[JSON_TEXT_MAX];
    json_t *a = json_array();
    report_escape_field(sans, size, buf, sizeof buf);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok += strspn(tok, " ");
        if (*tok)
            json_array_append_new(a, json_string(tok));
    }
    return a;
}

static json_t *tls_object(const struct tls_detail *t)
{
    json_t *o = json_object();
    SET_TEXT(o, "sni", t->sni);
    SET_TEXT(o, "alpn", t->alpn);
    SET_TEXT(o, "alpn_offered", t->alpn_offered);
    SET_TEXT(o, "version", t->version);
    SET_TEXT(o, "ja3", t->ja3);
    SET_TEXT(o, "ja3s", t->ja3s);
    if (t->have_cert) {
        json_t *c = json_object();
        SET_TEXT(c, "subject", t->subject);
        SET_TEXT(c, "issuer", t->issuer);
        json_object_set_new(c, "sans", san_list(t->sans, sizeof t->sans));
        SET_TEXT(c, "not_before", t->not_before);
        SET_TEXT(c, "not_after", t->not_after);
        json_object_set_new(c, "self_signed", json_boolean(t->self_signed));
        json_object_set_new(o, "cert", c);
    }
    return o;
}

static json_t *ssh_object(const struct ssh_detail *s)
{
    json_t *o = json_object();
    SET_TEXT(o, "client_banner", s->client_banner);
    SET_TEXT(o, "server_banner", s->server_banner);
    SET_TEXT(o, "hassh", s->hassh);
    SET_TEXT(o, "hassh_server", s->hassh_server);
    return o;
}

static json_t *http_object(const struct http_detail *h)
{
    json_t *o = json_object();
    SET_TEXT(o, "server", h->server);
    SET_TEXT(o, "powered_by", h->powered_by);
    json_object_set_new(o, "status", json_integer(h->status));
    SET_TEXT(o, "host", h->host);
    SET_TEXT(o, "user_agent", h->user_agent);
    SET_TEXT(o, "method", h->method);
    return o;
}

static json_t *dns_object(const struct dns_detail *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    SET_TEXT(o, "qname", d->qname);
    json_object_set_new(o, "qtype", json_integer(d->qtype));
    json_object_set_new(o, "qclass", json_integer(d->qclass));
    json_object_set_new(o, "opcode", json_integer(d->opcode));
    json_object_set_new(o, "rcode", json_integer(d->rcode));
    json_object_set_new(o, "answers", json_integer(d->answers));
    SET_TEXT(o, "version", d->version);
    return o;
}

static json_t *snmp_object(const struct snmp_detail *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer(s->version));
    SET_TEXT(o, "community", s->community);
    SET_TEXT(o, "pdu", s->pdu);
    json_object_set_new(o, "error_status", json_integer(s->error_status));
    SET_TEXT(o, "sys_descr", s->sys_descr);
    SET_TEXT(o, "sys_object_id", s->sys_object_id);
    SET_TEXT(o, "engine_id", s->engine_id);
    SET_TEXT(o, "user", s->user);
    return o;
}

static json_t *ntp_object(const struct ntp_detail *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer(n->version));
    json_object_set_new(o, "stratum", json_integer(n->stratum));
    json_object_set_new(o, "leap", json_integer(n->leap));
    json_object_set_new(o, "precision", json_integer(n->precision));
    SET_TEXT(o, "refid", n->refid);
    return o;
}

static json_t *evidence_object(const struct evidence *e)
{
    char sources[32];
    json_t *o = json_object();
    SET_TEXT(o, "service", e->service);
    SET_TEXT(o, "tunnel", e->tunnel);
    SET_TEXT(o, "product", e->product);
    SET_TEXT(o, "version", e->version);
    SET_TEXT(o, "info", e->info);
    SET_TEXT(o, "hostname", e->hostname);
    SET_TEXT(o, "os", e->os);
    SET_TEXT(o, "device", e->device);
    SET_TEXT(o, "cpe", e->cpe);
    json_object_set_new(o, "witness", json_string(report_sources(e->witness, sources)));
    json_object_set_new(o, "strength", json_string(strength_name(e->strength)));
    SET_TEXT(o, "rule", e->rule);
    return o;
}

static json_t *column_value(const struct endpoint_record *rec, const struct report_fields *f,
                            enum report_column c)
{
    switch (c) {
    case COL_PORT:
        return number(rec->port);
    case COL_CONFIDENCE:
        return number(rec->confidence);
    case COL_FLOWS:
        return number(rec->flows);
    case COL_CLIENTS:
        return number(rec->clients);
    default:
        return json_string(f->col[c]);
    }
}

static json_t *record_object(const struct endpoint_record *rec)
{
    struct report_fields f;
    json_t *o = json_object();
    report_fields_of(rec, &f);
    for (int i = 0; i < REPORT_COLUMNS; i++)
        json_object_set_new(o, report_columns[i], column_value(rec, &f, (enum report_column)i));
    const struct flow_detail *d = rec->detail;
    if (d && d->tls.seen)
        json_object_set_new(o, "tls", tls_object(&d->tls));
    if (d && d->ssh.seen)
        json_object_set_new(o, "ssh", ssh_object(&d->ssh));
    if (d && d->http.seen)
        json_object_set_new(o, "http", http_object(&d->http));
    if (d && d->dns.seen)
        json_object_set_new(o, "dns", dns_object(&d->dns));
    if (d && d->snmp.seen)
        json_object_set_new(o, "snmp", snmp_object(&d->snmp));
    if (d && d->ntp.seen)
        json_object_set_new(o, "ntp", ntp_object(&d->ntp));
    json_t *ev = json_array();
    unsigned n = rec->evidence ? rec->evidence_count : 0;
    for (unsigned i = 0; i < n && i < PS_MAX_EVIDENCE_PER_ENDPOINT; i++)
        json_array_append_new(ev, evidence_object(&rec->evidence[i]));
    json_object_set_new(o, "evidence", ev);
    return o;
}

void report_json_row(struct report *r, const struct endpoint_record *rec)
{
    json_t *o = record_object(rec);
    if (!o)
        return;
    json_dumpf(o, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', r->out);
    fflush(r->out);
    json_decref(o);
}
