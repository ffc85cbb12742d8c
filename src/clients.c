/*
 * clients.c - client software per client host.
 *
 * A hash table of client hosts (seeded, grown as it fills, capped at
 * PS_MAX_CLIENT_HOSTS); each host keeps up to PS_MAX_SOFTWARE_PER_CLIENT
 * distinct (kind, value) pairs. Hosts that never said anything about
 * themselves cost nothing: a record is made only when there is software.
 */
#include "clients.h"

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

static void note(struct client_inventory *ci, const struct ps_addr *client,
                 const struct ps_addr *server, uint16_t port, enum software_kind kind,
                 const char *value, const char *extra, uint64_t first_us, uint64_t last_us)
{
    if (!value[0])
        return;
    struct client_record *r = host_record(ci, client);
    if (!r)
        return;
    for (unsigned i = 0; i < r->count; i++) {
        struct client_software *sw = &r->software[i];
        if (sw->kind == kind && strcmp(sw->value, value) == 0) {
            sw->flows++;
            if (first_us < sw->first_us)
                sw->first_us = first_us;
            if (last_us > sw->last_us)
                sw->last_us = last_us;
            return;
        }
    }
    if (r->count == PS_MAX_SOFTWARE_PER_CLIENT)
        return;
    struct client_software *sw = &r->software[r->count++];
    sw->kind = (uint8_t)kind;
    evidence_set(sw->value, sizeof sw->value, value);
    evidence_set(sw->extra, sizeof sw->extra, extra);
    sw->server = *server;
    sw->server_port = port;
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
        for (struct client_slot *s = ci->buckets[b]; s; s = s->next)
            ci->sorted[n++] = &s->rec;
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
