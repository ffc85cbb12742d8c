/*
 * clients.c - client software per client host.
 *
 * A hash table of client hosts (seeded, grown as it fills, capped at
 * PS_MAX_CLIENT_HOSTS); each host keeps up to PS_MAX_SOFTWARE_PER_CLIENT
 * distinct (kind, value) pairs. Hosts that never said anything about
 * themselves cost nothing: a record is made only when there is software.
 *
 * Flows arrive in the order they are classified, which --threads does not
 * fix, so nothing kept may depend on it: each piece of software names the
 * server and detail of its earliest flow, a full host keeps the pairs that
 * come first in (kind, value) order (a pair in that final set is never pushed
 * out, so its counts are whole), and the report lists them by first seen.
 */
#include "clients.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "evidence.h"

struct client_slot {
    struct client_record rec;
    struct client_slot *next;
};

struct client_inventory {
    struct client_slot **buckets;
    size_t nbuckets, count;
    uint64_t seed;
    const struct client_record **sorted;
};

static size_t bucket_of(const struct client_inventory *ci, const struct ps_addr *a)
{
    uint64_t w0, w1;
    memcpy(&w0, a->bytes, 8);
    memcpy(&w1, a->bytes + 8, 8);
    uint64_t h = ci->seed ^ (w0 * 0x9e3779b97f4a7c15ull) ^ (w1 + a->family) * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 31;
    h *= 0xff51afd7ed558ccdull;
    return (size_t)(h ^ (h >> 29)) & (ci->nbuckets - 1);
}

struct client_inventory *client_inventory_create(void)
{
    struct client_inventory *ci = calloc(1, sizeof *ci);
    if (!ci)
        return NULL;
    ci->nbuckets = 1024;
    ci->buckets = calloc(ci->nbuckets, sizeof *ci->buckets);
    if (!ci->buckets || getrandom(&ci->seed, sizeof ci->seed, 0) != sizeof ci->seed) {
        free(ci->buckets);
        free(ci);
        return NULL;
    }
    return ci;
}

void client_inventory_destroy(struct client_inventory *ci)
{
    if (!ci)
        return;
    for (size_t b = 0; b < ci->nbuckets; b++) {
        struct client_slot *s = ci->buckets[b], *next;
        for (; s; s = next) {
            next = s->next;
            free(s);
        }
    }
    free(ci->buckets);
    free(ci->sorted);
    free(ci);
}

static void grow(struct client_inventory *ci)
{
    size_t nb = ci->nbuckets * 2;
    struct client_slot **nbk = calloc(nb, sizeof *nbk);
    if (!nbk)
        return;
    struct client_slot **old = ci->buckets;
    size_t oldn = ci->nbuckets;
    ci->buckets = nbk;
    ci->nbuckets = nb;
    for (size_t b = 0; b < oldn; b++) {
        struct client_slot *s = old[b], *next;
        for (; s; s = next) {
            next = s->next;
            size_t i = bucket_of(ci, &s->rec.host);
            s->next = nbk[i];
            nbk[i] = s;
        }
    }
    free(old);
}

static struct client_record *host_record(struct client_inventory *ci, const struct ps_addr *a)
{
    size_t b = bucket_of(ci, a);
    for (struct client_slot *s = ci->buckets[b]; s; s = s->next)
        if (addr_compare(&s->rec.host, a) == 0)
            return &s->rec;
    if (ci->count >= PS_MAX_CLIENT_HOSTS)
        return NULL;
    if (ci->count >= ci->nbuckets * 2) {
        grow(ci);
        b = bucket_of(ci, a);
    }
    struct client_slot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->rec.host = *a;
    s->next = ci->buckets[b];
    ci->buckets[b] = s;
    ci->count++;
    return &s->rec;
}

/* The order in which a full host keeps its software: by kind, then value. */
static int software_order(const struct client_software *sw, enum software_kind kind,
                          const char *value)
{
    if (sw->kind != kind)
        return sw->kind < kind ? -1 : 1;
    return strncmp(sw->value, value, sizeof sw->value);
}

/* Is this flow a better representative (server, detail) than the one kept: the earlier
 * flow, and between flows that began together the smaller server, port and detail. */
static bool represents(const struct client_software *sw, const struct ps_addr *server,
                       uint16_t port, const char *extra, uint64_t first_us)
{
    if (first_us != sw->first_us)
        return first_us < sw->first_us;
    int c = addr_compare(server, &sw->server);
    if (!c)
        c = port == sw->server_port ? 0 : port < sw->server_port ? -1 : 1;
    if (!c)
        c = strncmp(extra, sw->extra, sizeof sw->extra);
    return c < 0;
}

static void set_representative(struct client_software *sw, const struct ps_addr *server,
                               uint16_t port, const char *extra)
{
    evidence_set(sw->extra, sizeof sw->extra, extra);
    sw->server = *server;
    sw->server_port = port;
}

static void note(struct client_inventory *ci, const struct ps_addr *client,
                 const struct ps_addr *server, uint16_t port, enum software_kind kind,
                 const char *value, const char *extra, uint64_t first_us, uint64_t last_us)
{
    if (!value[0])
        return;
    struct client_record *r = host_record(ci, client);
    if (!r)
        return;
    unsigned last = 0; /* the entry last in software_order: the one a full host gives up */
    for (unsigned i = 0; i < r->count; i++) {
        struct client_software *sw = &r->software[i];
        if (software_order(sw, kind, value) == 0) {
            sw->flows++;
            if (represents(sw, server, port, extra, first_us)) {
                set_representative(sw, server, port, extra);
                sw->first_us = first_us;
            }
            if (last_us > sw->last_us)
                sw->last_us = last_us;
            return;
        }
        if (software_order(sw, r->software[last].kind, r->software[last].value) > 0)
            last = i;
    }
    struct client_software *sw;
    if (r->count < PS_MAX_SOFTWARE_PER_CLIENT) {
        sw = &r->software[r->count++];
    } else {
        sw = &r->software[last];
        if (software_order(sw, kind, value) < 0)
            return;
    }
    memset(sw, 0, sizeof *sw);
    sw->kind = (uint8_t)kind;
    evidence_set(sw->value, sizeof sw->value, value);
    set_representative(sw, server, port, extra);
    sw->flows = 1;
    sw->first_us = first_us;
    sw->last_us = last_us;
}

void client_inventory_add(struct client_inventory *ci, const struct ps_addr *client,
                          const struct ps_addr *server, uint16_t server_port,
                          const struct flow_detail *d, uint64_t first_us, uint64_t last_us)
{
    if (!ci || !d)
        return;
    if (d->ssh.seen)
        note(ci, client, server, server_port, SOFTWARE_SSH, d->ssh.client_banner, d->ssh.hassh,
             first_us, last_us);
    if (d->http.seen)
        note(ci, client, server, server_port, SOFTWARE_HTTP, d->http.user_agent, d->http.host,
             first_us, last_us);
    if (d->tls.seen)
        note(ci, client, server, server_port, SOFTWARE_TLS, d->tls.ja3, d->tls.sni, first_us,
             last_us);
}

/* A host's software in the report: by first seen, then kind and value. */
static int listed_order(const void *pa, const void *pb)
{
    const struct client_software *a = pa, *b = pb;
    if (a->first_us != b->first_us)
        return a->first_us < b->first_us ? -1 : 1;
    return software_order(a, (enum software_kind)b->kind, b->value);
}

static int host_order(const void *pa, const void *pb)
{
    const struct client_record *a = *(const struct client_record *const *)pa;
    const struct client_record *b = *(const struct client_record *const *)pb;
    return addr_compare(&a->host, &b->host);
}

size_t client_inventory_sorted(struct client_inventory *ci, const struct client_record ***out)
{
    free(ci->sorted);
    ci->sorted = malloc((ci->count ? ci->count : 1) * sizeof *ci->sorted);
    if (!ci->sorted) {
        *out = NULL;
        return 0;
    }
    size_t n = 0;
    for (size_t b = 0; b < ci->nbuckets; b++)
        for (struct client_slot *s = ci->buckets[b]; s; s = s->next) {
            qsort(s->rec.software, s->rec.count, sizeof *s->rec.software, listed_order);
            ci->sorted[n++] = &s->rec;
        }
    qsort(ci->sorted, n, sizeof *ci->sorted, host_order);
    *out = ci->sorted;
    return n;
}

const char *software_kind_name(enum software_kind k)
{
    switch (k) {
    case SOFTWARE_SSH:
        return "ssh";
    case SOFTWARE_HTTP:
        return "http";
    case SOFTWARE_TLS:
        return "tls";
    }
    return "?";
}
