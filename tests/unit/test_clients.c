/*
 * test_clients.c - the --clients inventory: what each client host showed of itself, the
 * same whatever order its flows were classified in (as with --threads).
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "unit.h"

struct flow_said {
    const char *server;
    uint16_t port;
    const char *user_agent, *host;
    uint64_t first_us, last_us;
};

static struct flow_detail said(const struct flow_said *f)
{
    struct flow_detail d;
    memset(&d, 0, sizeof d);
    d.http.seen = true;
    snprintf(d.http.user_agent, sizeof d.http.user_agent, "%s", f->user_agent);
    snprintf(d.http.host, sizeof d.http.host, "%s", f->host);
    return d;
}

/* Feed flows in the order given by idx; return the one client's record. */
static const struct client_record *feed(struct client_inventory *ci, const struct flow_said *f,
                                        const unsigned *idx, unsigned n)
{
    struct ps_addr client = unit_addr("10.0.0.2");
    for (unsigned i = 0; i < n; i++) {
        const struct flow_said *x = &f[idx[i]];
        struct ps_addr server = unit_addr(x->server);
        struct flow_detail d = said(x);
        client_inventory_add(ci, &client, &server, x->port, &d, x->first_us, x->last_us);
    }
    const struct client_record **recs;
    size_t hosts = client_inventory_sorted(ci, &recs);
    CU_ASSERT_EQUAL_FATAL(hosts, 1);
    return recs[0];
}

static void test_earliest_flow_represents(void)
{
    const struct flow_said f[] = {
        {"10.0.0.1", 995, "curl/7.88.1", "late.test", 300, 310},
        {"10.0.0.1", 993, "curl/7.88.1", "early.test", 100, 110},
        {"10.0.0.1", 80, "Mozilla/5.0", "www.test", 200, 500},
    };
    const unsigned orders[2][3] = {{0, 1, 2}, {2, 1, 0}};
    char seen[2][512];
    for (int o = 0; o < 2; o++) {
        struct client_inventory *ci = client_inventory_create();
        const struct client_record *r = feed(ci, f, orders[o], 3);
        CU_ASSERT_EQUAL_FATAL(r->count, 2);
        /* Listed by first seen; curl named with its earliest flow's server and Host. */
        CU_ASSERT_STRING_EQUAL(r->software[0].value, "curl/7.88.1");
        CU_ASSERT_EQUAL(r->software[0].server_port, 993);
        CU_ASSERT_STRING_EQUAL(r->software[0].extra, "early.test");
        CU_ASSERT_EQUAL(r->software[0].flows, 2);
        CU_ASSERT_EQUAL(r->software[0].first_us, 100);
        CU_ASSERT_EQUAL(r->software[0].last_us, 310);
        CU_ASSERT_STRING_EQUAL(r->software[1].value, "Mozilla/5.0");
        snprintf(seen[o], sizeof seen[o], "%s %u %s %s %u", r->software[0].value,
                 r->software[0].server_port, r->software[0].extra, r->software[1].value,
                 r->software[1].server_port);
        client_inventory_destroy(ci);
    }
    CU_ASSERT_STRING_EQUAL(seen[0], seen[1]);
}

/* More distinct software than a host keeps: the same pieces, with whole counts, whatever
 * the order. */
static void test_full_host_same_in_any_order(void)
{
    enum { N = PS_MAX_SOFTWARE_PER_CLIENT + 3 };
    struct flow_said f[2 * N];
    char ua[N][16];
    for (unsigned i = 0; i < N; i++) {
        snprintf(ua[i], sizeof ua[i], "agent-%02u", i);
        /* Each agent twice; the later-sorting agents are seen first. */
        f[2 * i] = (struct flow_said){"10.0.0.1", 80, ua[i], "h", 1000 - i, 1000 - i};
        f[2 * i + 1] = (struct flow_said){"10.0.0.1", 80, ua[i], "h", 2000 + i, 2000 + i};
    }
    unsigned fwd[2 * N], rev[2 * N];
    for (unsigned i = 0; i < 2 * N; i++) {
        fwd[i] = i;
        rev[i] = 2 * N - 1 - i;
    }
    char seen[2][1024];
    const unsigned *orders[2] = {fwd, rev};
    for (int o = 0; o < 2; o++) {
        struct client_inventory *ci = client_inventory_create();
        const struct client_record *r = feed(ci, f, orders[o], 2 * N);
        CU_ASSERT_EQUAL(r->count, PS_MAX_SOFTWARE_PER_CLIENT);
        size_t len = 0;
        for (unsigned i = 0; i < r->count; i++) {
            CU_ASSERT_EQUAL(r->software[i].flows, 2);
            /* The kept ones are the first in (kind, value) order: agent-00 .. agent-07. */
            CU_ASSERT(strcmp(r->software[i].value, ua[PS_MAX_SOFTWARE_PER_CLIENT]) < 0);
            len +=
                (size_t)snprintf(seen[o] + len, sizeof seen[o] - len, "%s/%llu ",
                                 r->software[i].value, (unsigned long long)r->software[i].first_us);
        }
        client_inventory_destroy(ci);
    }
    CU_ASSERT_STRING_EQUAL(seen[0], seen[1]);
}

void suite_clients(void)
{
    UNIT_SUITE("clients", NULL, NULL, {"earliest flow represents", test_earliest_flow_represents},
               {"full host same in any order", test_full_host_same_in_any_order});
}
