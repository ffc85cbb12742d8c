/*
 * test_hotpath.c - the shortcuts the per-packet and per-flow paths take for speed.
 *
 * The flow table tries the previous packet's flow before hashing: these tests
 * interleave conversations, close and reopen them on the same ports, let them
 * time out and get evicted while they are the cached flow, and check that each
 * packet still lands in the right flow on the right side, and that a flow
 * that left the table is never found again. The inventory looks aliases up by
 * binary search over a sorted copy: the first line still wins among equal
 * names, and only whole names match.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "inventory.h"
#include "unit.h"

#define HP_SEC 1000000ull
#define HP_T0 (1136073600ull * HP_SEC)

static struct packet_view hp_pkt(uint8_t transport, const char *src, uint16_t sport,
                                 const char *dst, uint16_t dport, uint8_t flags, uint32_t seq,
                                 const char *payload, uint64_t ts)
{
    return unit_packet(transport, src, sport, dst, dport, flags, seq, 0, payload, ts);
}

struct hp_owner {
    int expired;
    enum flow_end_reason last_why;
};

static void hp_expire(struct flow *f, enum flow_end_reason why, void *ctx)
{
    struct hp_owner *o = ctx;
    o->expired++;
    o->last_why = why;
    (void)f;
}

static struct flow_table *hp_table(uint32_t max_flows, struct hp_owner *o)
{
    struct flow_config c = {.max_flows = max_flows,
                            .head_bytes = PS_DEFAULT_HEAD_BYTES,
                            .tcp_idle_s = PS_DEFAULT_TCP_IDLE_S,
                            .tcp_closed_s = PS_DEFAULT_TCP_CLOSED_S,
                            .udp_idle_s = PS_DEFAULT_UDP_IDLE_S,
                            .hash_seed = 0x5eed};
    return flow_table_create(&c, hp_expire, o);
}

static struct flow *hp_feed(struct flow_table *t, struct packet_view p, int *side)
{
    return flow_table_packet(t, &p, side);
}

/* Two conversations interleaved, in both directions: each packet finds its own flow. */
static void test_interleaved_trains(void)
{
    struct hp_owner o = {0};
    struct flow_table *t = hp_table(64, &o);
    int side = -1;
    struct flow *a = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.9", 80, 0x02, 1, NULL, HP_T0), &side);
    CU_ASSERT_EQUAL(side, 0);
    struct flow *b = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "10.0.0.2", 40000, "10.0.0.9", 80, 0x02, 7, NULL, HP_T0 + 1), &side);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_EQUAL(a, b);
    /* The answer to a, right after b: not the cached flow, found by hash. */
    CU_ASSERT_PTR_EQUAL(
        hp_feed(t,
                hp_pkt(IPPROTO_TCP, "10.0.0.9", 80, "10.0.0.1", 40000, 0x12, 100, NULL, HP_T0 + 2),
                &side),
        a);
    CU_ASSERT_EQUAL(side, 1);
    /* A train of a, alternating direction: found through the cache. */
    for (int i = 0; i < 6; i++) {
        bool back = i % 2;
        struct packet_view p = back ? hp_pkt(IPPROTO_TCP, "10.0.0.9", 80, "10.0.0.1", 40000, 0x10,
                                             101, NULL, HP_T0 + 3 + (uint64_t)i)
                                    : hp_pkt(IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.9", 80, 0x10,
                                             2, NULL, HP_T0 + 3 + (uint64_t)i);
        CU_ASSERT_PTR_EQUAL(hp_feed(t, p, &side), a);
        CU_ASSERT_EQUAL(side, back ? 1 : 0);
    }
    /* Same ports, same server, other client: not a's flow even though a is cached. */
    CU_ASSERT_PTR_EQUAL(
        hp_feed(t,
                hp_pkt(IPPROTO_TCP, "10.0.0.2", 40000, "10.0.0.9", 80, 0x10, 8, NULL, HP_T0 + 10),
                &side),
        b);
    /* Same endpoints over UDP: another flow. */
    struct flow *u = hp_feed(
        t, hp_pkt(IPPROTO_UDP, "10.0.0.2", 40000, "10.0.0.9", 80, 0, 0, "x", HP_T0 + 11), &side);
    CU_ASSERT_PTR_NOT_EQUAL(u, b);
    CU_ASSERT_EQUAL(a->packets[0] + a->packets[1], 8);
    CU_ASSERT_EQUAL(b->packets[0], 2);
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, 3);
    flow_table_destroy(t);
}

/* The cached flow closes and its ports are reused at once: the SYN starts a new flow. */
static void test_reuse_of_cached_flow(void)
{
    struct hp_owner o = {0};
    struct flow_table *t = hp_table(64, &o);
    int side = -1;
    struct flow *a = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.9", 21, 0x02, 1, NULL, HP_T0), &side);
    hp_feed(t, hp_pkt(IPPROTO_TCP, "10.0.0.9", 21, "10.0.0.1", 40000, 0x12, 100, NULL, HP_T0 + 1),
            &side);
    hp_feed(
        t,
        hp_pkt(IPPROTO_TCP, "10.0.0.9", 21, "10.0.0.1", 40000, 0x18, 101, "220 hi\r\n", HP_T0 + 2),
        &side);
    hp_feed(t, hp_pkt(IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.9", 21, 0x11, 2, NULL, HP_T0 + 3),
            &side);
    CU_ASSERT_EQUAL(o.expired, 0);
    CU_ASSERT_EQUAL(a->head[1].len, 8);
    struct flow *n = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.9", 21, 0x02, 5000, NULL, HP_T0 + 4),
        &side);
    CU_ASSERT_EQUAL(o.expired, 1);
    CU_ASSERT_EQUAL(o.last_why, FLOW_END_CLOSED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(side, 0);
    CU_ASSERT_EQUAL(n->packets[0], 1);
    CU_ASSERT_EQUAL(n->packets[1], 0);
    CU_ASSERT_EQUAL(n->head[1].len, 0); /* nothing of the old conversation */
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, 2);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 1);
    flow_table_destroy(t);
}

/* The cached flow times out (UDP idle) or is evicted: the next packet makes a new flow. */
static void test_cached_flow_leaves(void)
{
    struct hp_owner o = {0};
    struct flow_table *t = hp_table(1, &o);
    int side = -1;
    struct flow *a =
        hp_feed(t, hp_pkt(IPPROTO_UDP, "10.0.0.1", 5000, "10.0.0.9", 53, 0, 0, "q", HP_T0), &side);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    struct flow *again = hp_feed(t,
                                 hp_pkt(IPPROTO_UDP, "10.0.0.1", 5000, "10.0.0.9", 53, 0, 0, "q",
                                        HP_T0 + (PS_DEFAULT_UDP_IDLE_S + 1) * HP_SEC),
                                 &side);
    CU_ASSERT_EQUAL(o.expired, 1);
    CU_ASSERT_EQUAL(o.last_why, FLOW_END_TIMEOUT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again);
    CU_ASSERT_EQUAL(again->packets[0], 1);
    /* A one-flow table: b evicts the cached flow, then a's next packet evicts b. */
    uint64_t ts = HP_T0 + (PS_DEFAULT_UDP_IDLE_S + 2) * HP_SEC;
    struct flow *b =
        hp_feed(t, hp_pkt(IPPROTO_UDP, "10.0.0.2", 5000, "10.0.0.9", 53, 0, 0, "q", ts), &side);
    CU_ASSERT_EQUAL(o.expired, 2);
    CU_ASSERT_EQUAL(o.last_why, FLOW_END_EVICTED);
    CU_ASSERT_EQUAL(b->packets[0], 1);
    struct flow *a2 =
        hp_feed(t, hp_pkt(IPPROTO_UDP, "10.0.0.9", 53, "10.0.0.1", 5000, 0, 0, "r", ts + 1), &side);
    CU_ASSERT_EQUAL(o.expired, 3);
    CU_ASSERT_EQUAL(side, 0); /* a new flow: its first packet's sender is side 0 */
    CU_ASSERT_EQUAL(a2->packets[0], 1);
    CU_ASSERT_EQUAL(a2->packets[1], 0);
    CU_ASSERT_EQUAL(flow_table_stats(t)->evicted, 2);
    flow_table_destroy(t);
}

/* IPv6 and IPv4 endpoints with equal leading bytes hash and compare apart. */
static void test_families_apart(void)
{
    struct hp_owner o = {0};
    struct flow_table *t = hp_table(64, &o);
    int side = -1;
    struct flow *v4 = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "10.0.0.1", 1000, "10.0.0.2", 22, 0x02, 1, NULL, HP_T0), &side);
    struct flow *v6 = hp_feed(
        t, hp_pkt(IPPROTO_TCP, "a00:1::", 1000, "a00:2::", 22, 0x02, 1, NULL, HP_T0 + 1), &side);
    CU_ASSERT_PTR_NOT_EQUAL(v4, v6);
    CU_ASSERT_PTR_EQUAL(
        hp_feed(t, hp_pkt(IPPROTO_TCP, "10.0.0.2", 22, "10.0.0.1", 1000, 0x12, 9, NULL, HP_T0 + 2),
                &side),
        v4);
    CU_ASSERT_EQUAL(side, 1);
    CU_ASSERT_PTR_EQUAL(
        hp_feed(t, hp_pkt(IPPROTO_TCP, "a00:2::", 22, "a00:1::", 1000, 0x12, 9, NULL, HP_T0 + 3),
                &side),
        v6);
    CU_ASSERT_EQUAL(side, 1);
    flow_table_destroy(t);
}

static const char *service_after_alias(struct inventory *inv, const char *name, uint8_t last)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    uint8_t server[4] = {10, 0, 0, last}, client[4] = {10, 0, 1, 1};
    addr_set_v4(&in.server, server);
    addr_set_v4(&in.client, client);
    in.server_port = 7000;
    in.client_port = 40000;
    in.transport = IPPROTO_TCP;
    struct evidence e;
    memset(&e, 0, sizeof e);
    EV_SET(e.service, name);
    e.witness = WITNESS_NDPI;
    e.strength = STRENGTH_NDPI;
    struct endpoint_record *r = inventory_add_flow(inv, &in, 1, 2, NULL, &e, 1);
    return r ? r->best.service : "(no record)";
}

/* Unsorted lines, a repeated name (the first line wins), names that prefix one another. */
static void test_alias_lookup(void)
{
    char path[] = "/tmp/ps-hotpath-aliases-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    const char *text = "zeta last\n"
                       "web http\n"
                       "sshd ssh\n"
                       "alpha first\n"
                       "web www-other\n"
                       "ssh-alt ssh\n";
    CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct inventory *inv = inventory_create(NULL);
    char err[256];
    CU_ASSERT_EQUAL_FATAL(inventory_load_aliases(inv, path, err, sizeof err), 0);
    unlink(path);
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "web", 1), "http");
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "alpha", 2), "first");
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "zeta", 3), "last");
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "sshd", 4), "ssh");
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "ssh-alt", 5), "ssh");
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "ssh", 6), "ssh");   /* a prefix: no alias */
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "aaa", 7), "aaa");   /* before every name */
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "zzzz", 8), "zzzz"); /* after every name */
    CU_ASSERT_STRING_EQUAL(service_after_alias(inv, "we", 9), "we");
    inventory_destroy(inv);
}

void suite_hotpath(void)
{
    UNIT_SUITE("hotpath", NULL, NULL, {"interleaved trains", test_interleaved_trains},
               {"reuse of the cached flow", test_reuse_of_cached_flow},
               {"cached flow leaves", test_cached_flow_leaves},
               {"families apart", test_families_apart}, {"alias lookup", test_alias_lookup});
}
