/*
 * test_flow.c - the flow table: keys, roles, packet-time timeouts, eviction, flood.
 *
 * Packets are hand-built packet_views (no decoder involved). An expire
 * callback records every flow that leaves the table and why, and frees the
 * flow's owner_state as the real owner must, so the sanitizer build also
 * checks that nothing leaks. The flood test pushes two million distinct SYNs
 * through a table capped at 100000 flows and checks counts and peak heap.
 */
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNIT_ASAN 1
#endif
#endif

#ifdef UNIT_ASAN
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define SEC 1000000ull
#define T0 (1136073600ull * SEC) /* 2006-01-01: packet time has nothing to do with today */

static struct packet_view tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                              uint8_t flags, uint32_t seq, uint32_t ack, const char *payload,
                              uint64_t ts)
{
    return unit_packet(IPPROTO_TCP, src, sport, dst, dport, flags, seq, ack, payload, ts);
}

static struct packet_view udp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                              const char *payload, uint64_t ts)
{
    return unit_packet(IPPROTO_UDP, src, sport, dst, dport, 0, 0, 0, payload, ts);
}

struct expiry {
    enum flow_end_reason why;
    uint16_t port[2];
    uint8_t server, role_reason;
    uint32_t head_len[2];
    bool gap[2];
};

struct recorder {
    int n;
    struct expiry e[64];
    int witness_freed;
};

static void record(struct flow *f, enum flow_end_reason why, void *ctx)
{
    struct recorder *r = ctx;
    if (r->n < 64) {
        struct expiry *e = &r->e[r->n];
        e->why = why;
        e->port[0] = f->key.port[0];
        e->port[1] = f->key.port[1];
        e->server = f->server;
        e->role_reason = f->role_reason;
        for (int s = 0; s < 2; s++) {
            struct head_bytes v;
            stream_head_view(&f->head[s], &v);
            e->head_len[s] = v.len;
            e->gap[s] = v.gap;
        }
    }
    r->n++;
    /* owner_state belongs to the owner: the table only hands it back. */
    if (f->owner_state) {
        free(f->owner_state);
        f->owner_state = NULL;
        r->witness_freed++;
    }
}

static struct flow_config config(uint32_t max_flows)
{
    struct flow_config c = {.max_flows = max_flows,
                            .head_bytes = PS_DEFAULT_HEAD_BYTES,
                            .tcp_idle_s = PS_DEFAULT_TCP_IDLE_S,
                            .tcp_closed_s = PS_DEFAULT_TCP_CLOSED_S,
                            .udp_idle_s = PS_DEFAULT_UDP_IDLE_S,
                            .hash_seed = 0x5eed};
    return c;
}

static struct flow *feed(struct flow_table *t, struct packet_view p, int *side)
{
    return flow_table_packet(t, &p, side);
}

static void test_handshake_roles(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    const char *banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    int side = -1;
    /* 2222 is not a listed port: only the handshake can tell who serves. */
    struct flow *f =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 2222, PS_TCP_SYN, 100, 0, NULL, T0), &side);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(side, 0);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_HANDSHAKE);
    CU_ASSERT_EQUAL(f->syn_seen, 1);
    struct flow *g = feed(
        t,
        tcp("10.0.0.2", 2222, "10.0.0.1", 40000, PS_TCP_SYN | PS_TCP_ACK, 5000, 101, NULL, T0 + 10),
        &side);
    CU_ASSERT_PTR_EQUAL(g, f);
    CU_ASSERT_EQUAL(side, 1);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->syn_seen, 3);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 2222, PS_TCP_ACK, 101, 5001, NULL, T0 + 20), &side);
    feed(t,
         tcp("10.0.0.2", 2222, "10.0.0.1", 40000, PS_TCP_ACK | PS_TCP_PSH, 5001, 101, banner,
             T0 + 30),
         &side);
    feed(t,
         tcp("10.0.0.1", 40000, "10.0.0.2", 2222, PS_TCP_ACK | PS_TCP_PSH, 101, 5041,
             "SSH-2.0-client\r\n", T0 + 40),
         &side);
    CU_ASSERT_EQUAL(f->first_talker, 2); /* 1 + side 1: the server spoke first */
    CU_ASSERT_EQUAL(f->packets[0], 3);
    CU_ASSERT_EQUAL(f->packets[1], 2);
    CU_ASSERT_EQUAL(f->bytes[1], strlen(banner));
    CU_ASSERT_EQUAL(f->first_us, T0);
    CU_ASSERT_EQUAL(f->last_us, T0 + 40);

    struct classify_input in;
    flow_classify_input(f, f->server, &in);
    CU_ASSERT_EQUAL(in.transport, IPPROTO_TCP);
    CU_ASSERT_EQUAL(in.server_port, 2222);
    CU_ASSERT_EQUAL(in.client_port, 40000);
    CU_ASSERT_EQUAL(addr_compare(&in.server, &f->key.addr[1]), 0);
    CU_ASSERT_EQUAL(in.first_talker, TALKER_SERVER);
    CU_ASSERT_EQUAL(in.server_head.len, strlen(banner));
    CU_ASSERT_EQUAL(memcmp(in.server_head.data, banner, strlen(banner)), 0);
    CU_ASSERT_EQUAL(in.client_head.len, 16);
    CU_ASSERT_STRING_EQUAL(role_reason_name(f->role_reason), "handshake");

    /* classify may override, e.g. when a server-first banner came from the other side */
    flow_set_server(f, 0, ROLE_BANNER);
    CU_ASSERT_EQUAL(f->server, 0);
    CU_ASSERT_STRING_EQUAL(role_reason_name(f->role_reason), "banner");
    flow_table_destroy(t);
}

static void test_lost_syn(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    /* The capture starts at the SYN-ACK: its sender is the server, though it is side 0. */
    struct flow *f = feed(
        t, tcp("10.0.0.2", 40001, "10.0.0.1", 40000, PS_TCP_SYN | PS_TCP_ACK, 7000, 300, NULL, T0),
        &side);
    CU_ASSERT_EQUAL(f->server, 0);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_HANDSHAKE);
    /* The SYN-ACK's ack numbered the client's stream: its first data lost leaves a hole. */
    CU_ASSERT_TRUE(f->head[1].flags & HEAD_HAVE_SEQ);
    CU_ASSERT_EQUAL(f->head[1].next_seq, 300);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 40001, PS_TCP_ACK, 305, 7001, "later", T0 + 5),
         &side);
    CU_ASSERT_EQUAL(side, 1);
    CU_ASSERT_EQUAL(f->head[1].len, 0);
    CU_ASSERT_EQUAL(flow_table_stats(t)->out_of_order, 1);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 40001, PS_TCP_ACK, 300, 7001, "first", T0 + 6),
         &side);
    CU_ASSERT_EQUAL(f->head[1].len, 10);
    CU_ASSERT_EQUAL(memcmp(f->head[1].buf, "firstlater", 10), 0);
    CU_ASSERT_EQUAL(f->first_talker, 2);
    flow_table_destroy(t);
}

static void test_mid_stream_port_evidence(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    /* Picked up mid-stream on the server's reply: the well-known port is side 0. */
    struct flow *f = feed(t,
                          tcp("10.0.0.2", 22, "10.0.0.1", 51000, PS_TCP_ACK, 123456, 777,
                              "SSH-2.0-OpenSSH_9.2p1\r\n", T0),
                          &side);
    CU_ASSERT_EQUAL(f->server, 0);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    CU_ASSERT_EQUAL(f->first_talker, 1);
    CU_ASSERT_EQUAL(f->head[0].len, 23);
    CU_ASSERT_EQUAL(f->head[0].next_seq, 123456 + 23);

    /* A listed port at or above 1024 against an ephemeral one. */
    f = feed(t, tcp("10.0.0.1", 51001, "10.0.0.3", 5432, PS_TCP_ACK, 1, 1, "Q", T0 + 1), &side);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    f = feed(t, tcp("10.0.0.4", 8080, "10.0.0.1", 61000, PS_TCP_ACK, 1, 1, NULL, T0 + 2), &side);
    CU_ASSERT_EQUAL(f->server, 0);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    CU_ASSERT_STRING_EQUAL(role_reason_name(f->role_reason), "port");

    CU_ASSERT_TRUE(flow_port_is_server_like(22));
    CU_ASSERT_TRUE(flow_port_is_server_like(6379));
    CU_ASSERT_TRUE(flow_port_is_server_like(27017));
    CU_ASSERT_FALSE(flow_port_is_server_like(1024));
    CU_ASSERT_FALSE(flow_port_is_server_like(51000));
    flow_table_destroy(t);
}

static void test_guess(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    /* Two ephemeral ports and no handshake: the receiver of the first packet, a guess. */
    struct flow *f =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 50000, PS_TCP_ACK, 1, 1, "x", T0), &side);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_GUESS);
    feed(t, tcp("10.0.0.2", 50000, "10.0.0.1", 40000, PS_TCP_ACK, 1, 2, "y", T0 + 1), &side);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_GUESS);
    /* Two well-known ports say nothing either. */
    f = feed(t, tcp("10.0.0.1", 80, "10.0.0.2", 443, PS_TCP_ACK, 1, 1, NULL, T0 + 2), &side);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_GUESS);
    CU_ASSERT_STRING_EQUAL(role_reason_name(ROLE_GUESS), "guess");
    flow_table_destroy(t);
}

static void test_udp_roles(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    struct flow *f = feed(t, udp("10.0.0.1", 40000, "10.0.0.2", 40001, "ping", T0), &side);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_GUESS);
    feed(t, udp("10.0.0.2", 40001, "10.0.0.1", 40000, "pong", T0 + 1), &side);
    CU_ASSERT_EQUAL(side, 1);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_RESPONDER);
    CU_ASSERT_STRING_EQUAL(role_reason_name(f->role_reason), "responder");
    CU_ASSERT_EQUAL(f->head[0].datagrams, 1);
    CU_ASSERT_EQUAL(f->head[1].datagrams, 1);

    /* Port evidence comes first, also when the first datagram seen is the answer. */
    f = feed(t, udp("10.0.0.1", 53000, "10.0.0.53", 53, "q", T0 + 2), &side);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    f = feed(t, udp("10.0.0.54", 53, "10.0.0.1", 53001, "a", T0 + 3), &side);
    CU_ASSERT_EQUAL(f->server, 0);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    feed(t, udp("10.0.0.1", 53001, "10.0.0.54", 53, "q", T0 + 4), &side);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    flow_table_destroy(t);
}

static void test_keys(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    struct flow *f =
        feed(t, tcp("2001:db8::1", 40000, "2001:db8::2", 443, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    struct flow *g = feed(
        t,
        tcp("2001:db8::2", 443, "2001:db8::1", 40000, PS_TCP_SYN | PS_TCP_ACK, 9, 2, NULL, T0 + 1),
        &side);
    CU_ASSERT_PTR_EQUAL(f, g);
    CU_ASSERT_EQUAL(side, 1);
    /* Same addresses, other port: another flow. */
    g = feed(t, tcp("2001:db8::2", 443, "2001:db8::1", 40001, PS_TCP_ACK, 9, 2, NULL, T0 + 2),
             &side);
    CU_ASSERT_PTR_NOT_EQUAL(f, g);
    CU_ASSERT_EQUAL(side, 0);
    /* Same five-tuple on another VLAN: another flow; the priority bits do not count. */
    struct packet_view p = tcp("10.1.1.1", 40000, "10.1.1.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + 3);
    p.vlan_count = 1;
    p.vlan[0] = 100;
    struct flow *v100 = flow_table_packet(t, &p, &side);
    p.vlan[0] = 200;
    struct flow *v200 = flow_table_packet(t, &p, &side);
    CU_ASSERT_PTR_NOT_EQUAL(v100, v200);
    struct packet_view q =
        tcp("10.1.1.2", 80, "10.1.1.1", 40000, PS_TCP_SYN | PS_TCP_ACK, 5, 2, NULL, T0 + 4);
    q.vlan_count = 1;
    q.vlan[0] = 100 | (5 << 13);
    CU_ASSERT_PTR_EQUAL(flow_table_packet(t, &q, &side), v100);
    CU_ASSERT_EQUAL(side, 1);
    /* Same addresses and ports over UDP: another flow. */
    struct flow *u = feed(t, udp("10.1.1.1", 40000, "10.1.1.2", 80, "x", T0 + 5), &side);
    CU_ASSERT_PTR_NOT_EQUAL(u, v100);
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, 5);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 5);
    /* Neither TCP nor UDP: no flow. */
    struct packet_view icmp = p;
    icmp.transport = IPPROTO_ICMP;
    CU_ASSERT_PTR_NULL(flow_table_packet(t, &icmp, &side));
    flow_table_destroy(t);
}

static void test_random_seed(void)
{
    /* Without a fixed seed each table draws its own; lookups work all the same. */
    struct flow_config c = config(64);
    c.hash_seed = 0;
    struct flow_table *t = flow_table_create(&c, NULL, NULL);
    int side;
    char a[32];
    struct flow *first[40];
    for (int i = 0; i < 40; i++) {
        snprintf(a, sizeof a, "10.9.0.%d", i);
        first[i] = feed(t, tcp(a, 40000, "10.9.1.1", 80, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(a, sizeof a, "10.9.0.%d", i);
        CU_ASSERT_PTR_EQUAL(
            feed(t, tcp("10.9.1.1", 80, a, 40000, PS_TCP_SYN | PS_TCP_ACK, 1, 2, NULL, T0 + 1),
                 &side),
            first[i]);
        CU_ASSERT_EQUAL(side, 1);
    }
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 40);
    flow_table_flush(t);
    flow_table_destroy(t);
}

static void test_idle_timeouts(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    struct flow *a =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    a->owner_state = malloc(32);
    feed(t, udp("10.0.0.1", 40000, "10.0.0.2", 53, "q", T0), &side);
    /* UDP idle is 60 s: at exactly 60 s it is still there, a microsecond later it is gone. */
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 60 * SEC), &side);
    CU_ASSERT_EQUAL(r.n, 0);
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 60 * SEC + 1), &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_TIMEOUT);
    CU_ASSERT_EQUAL(r.e[0].port[1], 53);
    /* TCP idle is 300 s. */
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 300 * SEC), &side);
    CU_ASSERT_EQUAL(r.n, 1);
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 300 * SEC + 1), &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 2);
    CU_ASSERT_EQUAL(r.e[1].why, FLOW_END_TIMEOUT);
    CU_ASSERT_EQUAL(r.e[1].port[1], 22);
    CU_ASSERT_EQUAL(r.witness_freed, 1);
    CU_ASSERT_EQUAL(flow_table_stats(t)->timed_out, 2);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 1);
    CU_ASSERT_STRING_EQUAL(flow_end_reason_name(FLOW_END_TIMEOUT), "timeout");

    /* With no packets at all, tick advances packet time. */
    flow_table_tick(t, T0 + 600 * SEC);
    CU_ASSERT_EQUAL(r.n, 2);
    flow_table_tick(t, T0 + 600 * SEC + 2);
    CU_ASSERT_EQUAL(r.n, 3);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 0);
    /* A tick back in time changes nothing. */
    flow_table_tick(t, T0);
    flow_table_destroy(t);
}

static void test_closed_timeout(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 25, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.2", 25, "10.0.0.1", 40000, PS_TCP_SYN | PS_TCP_ACK, 50, 2, NULL, T0 + 1),
         &side);
    feed(t, tcp("10.0.0.2", 25, "10.0.0.1", 40000, PS_TCP_ACK, 51, 2, "220 hello\r\n", T0 + 2),
         &side);
    struct flow *f = feed(
        t, tcp("10.0.0.1", 40000, "10.0.0.2", 25, PS_TCP_FIN | PS_TCP_ACK, 2, 62, NULL, T0 + 3),
        &side);
    CU_ASSERT_TRUE(f->closing);
    CU_ASSERT_TRUE(f->head[0].flags & HEAD_FIN);
    /* An open flow that stays quiet as long survives; the closed one goes after 15 s. */
    feed(t, tcp("10.0.0.5", 40000, "10.0.0.6", 80, PS_TCP_SYN, 1, 0, NULL, T0 + 3), &side);
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 3 + 15 * SEC), &side);
    CU_ASSERT_EQUAL(r.n, 0);
    feed(t, tcp("10.0.0.9", 1, "10.0.0.8", 2, PS_TCP_ACK, 1, 1, NULL, T0 + 3 + 15 * SEC + 1),
         &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_CLOSED);
    CU_ASSERT_EQUAL(r.e[0].port[1], 25);
    CU_ASSERT_EQUAL(r.e[0].server, 1);
    CU_ASSERT_EQUAL(r.e[0].head_len[1], 11); /* on_expire still sees the heads */
    CU_ASSERT_EQUAL(flow_table_stats(t)->closed, 1);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, 2);
    CU_ASSERT_STRING_EQUAL(flow_end_reason_name(FLOW_END_CLOSED), "closed");
    flow_table_destroy(t);
}

static void test_port_reuse(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    struct flow *f =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.2", 80, "10.0.0.1", 40000, PS_TCP_RST | PS_TCP_ACK, 0, 2, NULL, T0 + 1),
         &side);
    CU_ASSERT_TRUE(f->closing);
    /* A new SYN on the same ports a second later: the old conversation is over. */
    struct flow *g =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 80, PS_TCP_SYN, 999, 0, NULL, T0 + SEC), &side);
    CU_ASSERT_PTR_NOT_NULL(g);
    CU_ASSERT_EQUAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_CLOSED);
    CU_ASSERT_FALSE(g->closing);
    CU_ASSERT_EQUAL(g->head[0].next_seq, 1000);
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, 2);
    CU_ASSERT_EQUAL(flow_table_stats(t)->closed, 1);
    flow_table_destroy(t);
}

static void test_lazy_expiry_bound(void)
{
    struct recorder r = {0};
    struct flow_config c = config(64);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    char a[32];
    for (int i = 0; i < 20; i++) {
        snprintf(a, sizeof a, "10.0.1.%d", i);
        feed(
            t,
            tcp(a, (uint16_t)(40000 + i), "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + (uint64_t)i),
            &side);
    }
    /* Long after, a packet of the newest flow: a bounded batch expires from the tail... */
    struct flow *f = feed(
        t, tcp("10.0.1.19", 40019, "10.0.0.2", 80, PS_TCP_ACK, 2, 1, NULL, T0 + 1000 * SEC), &side);
    /* ...and the flow itself, due though not reached yet, is ended before it is used. */
    CU_ASSERT_EQUAL(r.n, (int)PS_FLOW_EXPIRE_PER_PACKET + 1);
    CU_ASSERT_EQUAL(r.e[0].port[0], 40000);
    CU_ASSERT_EQUAL(r.e[PS_FLOW_EXPIRE_PER_PACKET - 1].port[0],
                    40000 + PS_FLOW_EXPIRE_PER_PACKET - 1);
    CU_ASSERT_EQUAL(r.e[PS_FLOW_EXPIRE_PER_PACKET].port[0], 40019);
    CU_ASSERT_EQUAL(f->first_us, T0 + 1000 * SEC);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_PORT);
    const struct flow_stats *st = flow_table_stats(t);
    CU_ASSERT_EQUAL(st->timed_out, PS_FLOW_EXPIRE_PER_PACKET + 1);
    CU_ASSERT_EQUAL(st->created, 21);
    CU_ASSERT_EQUAL(st->active, 20 - (PS_FLOW_EXPIRE_PER_PACKET + 1) + 1);
    flow_table_tick(t, T0 + 1000 * SEC);
    CU_ASSERT_EQUAL(st->timed_out, 20);
    CU_ASSERT_EQUAL(st->active, 1);
    flow_table_destroy(t);
}

/* Packets skip the look at the tails until one can be due; a new tail (a flow moved into
 * an empty list, or the tail leaving its place) makes them look again. */
static void test_quiet_until_due(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.3", 40000, "10.0.0.2", 25, PS_TCP_SYN, 1, 0, NULL, T0 + 1), &side);
    /* Closing, the second flow is the first of its list: due 15 s on, not 300. */
    feed(t, tcp("10.0.0.3", 40000, "10.0.0.2", 25, PS_TCP_RST, 2, 0, NULL, T0 + 2), &side);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_ACK, 2, 0, NULL, T0 + 2 + 15 * SEC),
         &side);
    CU_ASSERT_EQUAL(r.n, 0);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_ACK, 2, 0, NULL, T0 + 3 + 15 * SEC),
         &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].port[1], 25);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_CLOSED);
    flow_table_destroy(t);

    /* Packet time going back: the tail's successor is due before the tail was. */
    r.n = 0;
    t = flow_table_create(&c, record, &r);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_SYN, 1, 0, NULL, T0 + 10), &side);
    feed(t, tcp("10.0.0.3", 40000, "10.0.0.2", 25, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_ACK, 2, 0, NULL, T0 + 20), &side);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_ACK, 2, 0, NULL, T0 + 300 * SEC), &side);
    CU_ASSERT_EQUAL(r.n, 0);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_ACK, 2, 0, NULL, T0 + 300 * SEC + 1),
         &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].port[1], 25);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_TIMEOUT);
    flow_table_destroy(t);
}

/* The bucket array grows with the pool: every flow is still found after each doubling,
 * and a table that never held many flows counts no array for max_flows. */
static void test_buckets_grow(void)
{
    struct recorder r = {0};
    struct flow_config c = config(1000000);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    feed(t, udp("10.0.0.1", 1, "10.0.0.2", 53, "q", T0), &side);
    /* A slab and an array for one slab, not 2^20 buckets (8 MiB). */
    CU_ASSERT_TRUE(flow_table_stats(t)->memory < 2u * 1024u * 1024u);
    const unsigned n = 5 * PS_FLOW_SLAB_FLOWS + 7;
    char a[32];
    for (unsigned i = 0; i < n; i++) {
        snprintf(a, sizeof a, "10.%u.%u.%u", 1 + i / 65536, i / 256 % 256, i % 256);
        feed(t, tcp(a, 40000, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + i), &side);
    }
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, n + 1);
    for (unsigned i = 0; i < n; i++) {
        snprintf(a, sizeof a, "10.%u.%u.%u", 1 + i / 65536, i / 256 % 256, i % 256);
        struct flow *f =
            feed(t, tcp("10.0.0.2", 80, a, 40000, PS_TCP_SYN | PS_TCP_ACK, 9, 2, NULL, T0 + n + i),
                 &side);
        CU_ASSERT_EQUAL(side, 1);
        CU_ASSERT_EQUAL(f->packets[0] + f->packets[1], 2);
    }
    CU_ASSERT_EQUAL(flow_table_stats(t)->created, n + 1);
    CU_ASSERT_EQUAL(flow_table_stats(t)->active, n + 1);
    flow_table_flush(t);
    CU_ASSERT_EQUAL(r.n, (int)n + 1);
    flow_table_destroy(t);
}

static void test_eviction(void)
{
    struct recorder r = {0};
    struct flow_config c = config(4);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    char a[32];
    for (int i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "10.0.2.%d", i);
        struct flow *f =
            feed(t, tcp(a, (uint16_t)(40000 + i), "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + i),
                 &side);
        f->owner_state = malloc(16);
    }
    /* Touch the oldest: now flow 1 is the least recently active. */
    feed(t, tcp("10.0.0.2", 80, "10.0.2.0", 40000, PS_TCP_SYN | PS_TCP_ACK, 1, 2, NULL, T0 + 10),
         &side);
    feed(t, tcp("10.0.2.9", 40009, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + 11), &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 1);
    CU_ASSERT_EQUAL(r.e[0].why, FLOW_END_EVICTED);
    CU_ASSERT_EQUAL(r.e[0].port[0], 40001);
    feed(t, tcp("10.0.2.10", 40010, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + 12), &side);
    CU_ASSERT_EQUAL_FATAL(r.n, 2);
    CU_ASSERT_EQUAL(r.e[1].port[0], 40002);
    const struct flow_stats *st = flow_table_stats(t);
    CU_ASSERT_EQUAL(st->evicted, 2);
    CU_ASSERT_EQUAL(st->active, 4);
    CU_ASSERT_EQUAL(st->peak_active, 4);
    CU_ASSERT_EQUAL(st->created, 6);
    CU_ASSERT_EQUAL(r.witness_freed, 2);
    CU_ASSERT_STRING_EQUAL(flow_end_reason_name(FLOW_END_EVICTED), "evicted");

    /* Flows past their timeout leave as timeouts, not evictions, even when the table is full. */
    feed(t, tcp("10.0.2.11", 40011, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0 + 301 * SEC), &side);
    CU_ASSERT_EQUAL(st->evicted, 2);
    CU_ASSERT_EQUAL(st->timed_out, 4);

    flow_table_flush(t);
    CU_ASSERT_EQUAL(r.witness_freed, 4);
    flow_table_destroy(t);
}

static void test_flush(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.2", 22, "10.0.0.1", 40000, PS_TCP_SYN | PS_TCP_ACK, 50, 2, NULL, T0 + 1),
         &side);
    /* The server's banner arrives with a hole before it: the flush ends that head at the gap. */
    feed(t, tcp("10.0.0.2", 22, "10.0.0.1", 40000, PS_TCP_ACK, 60, 2, "after a hole", T0 + 2),
         &side);
    feed(t, udp("10.0.0.1", 5353, "224.0.0.251", 5353, "mdns", T0 + 3), &side);
    feed(t,
         tcp("10.0.0.1", 40001, "10.0.0.3", 80, PS_TCP_ACK, 1, 1, "GET / HTTP/1.0\r\n\r\n", T0 + 4),
         &side);
    flow_table_flush(t);
    CU_ASSERT_EQUAL_FATAL(r.n, 3);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(r.e[i].why, FLOW_END_FLUSH);
    CU_ASSERT_TRUE(r.e[0].gap[1]);
    CU_ASSERT_EQUAL(r.e[0].head_len[1], 0);
    CU_ASSERT_EQUAL(r.e[2].head_len[0], 18);
    const struct flow_stats *st = flow_table_stats(t);
    CU_ASSERT_EQUAL(st->active, 0);
    CU_ASSERT_EQUAL(st->heads_with_gaps, 1);
    CU_ASSERT_EQUAL(st->timed_out + st->closed + st->evicted, 0);
    CU_ASSERT_STRING_EQUAL(flow_end_reason_name(FLOW_END_FLUSH), "flush");
    /* The table works on after a flush. */
    CU_ASSERT_PTR_NOT_NULL(
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 22, PS_TCP_SYN, 1, 0, NULL, T0 + 5), &side));
    flow_table_destroy(t);
}

static void test_stats_and_classified(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    c.head_bytes = 8;
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    const struct flow_stats *st = flow_table_stats(t);
    struct flow *f =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 6379, PS_TCP_SYN, 10, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 6379, PS_TCP_ACK, 15, 1, "WORLD", T0 + 1), &side);
    CU_ASSERT_EQUAL(st->out_of_order, 1);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 6379, PS_TCP_ACK, 15, 1, "WORLD", T0 + 2), &side);
    CU_ASSERT_EQUAL(st->retransmissions, 1);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 6379, PS_TCP_ACK, 11, 1, "HELL", T0 + 3), &side);
    CU_ASSERT_EQUAL(st->out_of_order, 1);
    CU_ASSERT_EQUAL(f->head[0].len, 8); /* head_bytes from the config */
    CU_ASSERT_EQUAL(memcmp(f->head[0].buf, "HELLWORL", 8), 0);
    CU_ASSERT_TRUE(stream_head_complete(&f->head[0]));
    CU_ASSERT_FALSE(flow_heads_complete(f));
    feed(t, tcp("10.0.0.2", 6379, "10.0.0.1", 40000, PS_TCP_ACK, 1, 20, "+PONG\r\n", T0 + 4),
         &side);
    CU_ASSERT_EQUAL(f->first_talker, 1);
    CU_ASSERT_EQUAL(f->server, 1);
    CU_ASSERT_EQUAL(f->role_reason, ROLE_HANDSHAKE);

    /* Once classified, a packet costs counters only and the heads' memory goes. */
    f->classified = 1;
    feed(t, tcp("10.0.0.2", 6379, "10.0.0.1", 40000, PS_TCP_ACK, 8, 20, "zzz", T0 + 5), &side);
    CU_ASSERT_PTR_NULL(f->head[0].buf);
    CU_ASSERT_PTR_NULL(f->head[1].buf);
    CU_ASSERT_TRUE(f->head[1].flags & HEAD_RELEASED);
    CU_ASSERT_EQUAL(f->packets[1], 2);
    CU_ASSERT_EQUAL(f->bytes[1], 10);
    feed(t, tcp("10.0.0.2", 6379, "10.0.0.1", 40000, PS_TCP_ACK, 1, 20, "+PONG\r\n", T0 + 6),
         &side);
    CU_ASSERT_EQUAL(st->retransmissions, 1); /* no stream work any more */
    CU_ASSERT_EQUAL(f->packets[1], 3);
    flow_table_destroy(t);
}

static void test_gap_found_by_owner(void)
{
    struct recorder r = {0};
    struct flow_config c = config(16);
    struct flow_table *t = flow_table_create(&c, record, &r);
    int side;
    struct flow *f =
        feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 80, PS_TCP_SYN, 1, 0, NULL, T0), &side);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 80, PS_TCP_ACK, 9, 1, "late", T0 + 1), &side);
    /* The owner classifies early: it finishes and releases the heads itself. */
    f->classified = 1;
    stream_head_finish(&f->head[0]);
    stream_head_finish(&f->head[1]);
    stream_head_release(&f->head[0]);
    stream_head_release(&f->head[1]);
    feed(t, tcp("10.0.0.1", 40000, "10.0.0.2", 80, PS_TCP_ACK, 2, 1, "ABCDEFG", T0 + 2), &side);
    CU_ASSERT_PTR_NULL(f->head[0].buf);
    flow_table_flush(t);
    CU_ASSERT_EQUAL(flow_table_stats(t)->heads_with_gaps, 1);
    CU_ASSERT_TRUE(r.e[0].gap[0]);
    CU_ASSERT_FALSE(r.e[0].gap[1]);
    flow_table_destroy(t);
}

/* --- flood ------------------------------------------------------------------------------ */

struct flood {
    uint64_t why[4];
};

static void count_end(struct flow *f, enum flow_end_reason why, void *ctx)
{
    ((struct flood *)ctx)->why[why]++;
}

/* Bytes of heap in use: the allocator's own count (ASan replaces glibc's malloc). */
static size_t heap_in_use(void)
{
#ifdef UNIT_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd; /* big slabs are mmapped: count those too */
#endif
}

static void test_flood(void)
{
    enum { MAX = 100000, PACKETS = 2000000 };
    struct flood fl = {{0}};
    struct flow_config c = config(MAX);
    size_t base = heap_in_use(), peak = 0;
    struct flow_table *t = flow_table_create(&c, count_end, &fl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const struct flow_stats *st = flow_table_stats(t);
    struct packet_view p = tcp("192.0.2.1", 1, "198.51.100.1", 80, PS_TCP_SYN, 0, 0, NULL, T0);
    bool over = false;
    for (uint32_t i = 0; i < PACKETS; i++) {
        uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        addr_set_v4(&p.src, a);
        p.sport = (uint16_t)(1024 + i % 60000);
        p.seq = i * 2654435761u;
        p.ts_us = T0 + i;
        int side;
        if (!flow_table_packet(t, &p, &side) || side != 0)
            over = true;
        if (st->active > MAX)
            over = true;
        if ((i & 4095) == 0 || i == PACKETS - 1) {
            size_t used = heap_in_use() - base;
            if (used > peak)
                peak = used;
        }
    }
    CU_ASSERT_FALSE(over);
    CU_ASSERT_EQUAL(st->created, PACKETS);
    CU_ASSERT_EQUAL(st->active, MAX);
    CU_ASSERT_EQUAL(st->peak_active, MAX);
    CU_ASSERT_EQUAL(st->evicted, PACKETS - MAX);
    CU_ASSERT_EQUAL(fl.why[FLOW_END_EVICTED], PACKETS - MAX);
    CU_ASSERT_EQUAL(st->timed_out, 0);
    CU_ASSERT_EQUAL(st->alloc_failures, 0);

    size_t buckets = 131072 * sizeof(struct flow *); /* the power of two at or above MAX */
    size_t slack = 256 * 1024;
    CU_ASSERT(peak < (size_t)MAX * flow_table_bytes_per_flow() + buckets + slack);
    /* Tighter: the pool holds exactly MAX flows and nothing else grows per flow. */
    CU_ASSERT(peak < (size_t)MAX * sizeof(struct flow) + buckets + slack);
    CU_ASSERT(peak > (size_t)MAX * sizeof(struct flow)); /* and the measure is real */

    flow_table_flush(t);
    CU_ASSERT_EQUAL(fl.why[FLOW_END_FLUSH], MAX);
    CU_ASSERT_EQUAL(st->active, 0);
    flow_table_destroy(t);
}

/* --- memory cap ------------------------------------------------------------------------ */

/* An owner that holds OWNER_BYTES for every flow it was given, and lets go when it leaves. */
#define OWNER_BYTES 2000u

struct owner {
    uint64_t why[4];
    size_t held;      /* bytes the owner holds now */
    int unclassified; /* flows that left without the owner seeing them (must stay 0) */
};

static size_t owner_held(void *ctx)
{
    return ((struct owner *)ctx)->held;
}

static void owner_end(struct flow *f, enum flow_end_reason why, void *ctx)
{
    struct owner *o = ctx;
    o->why[why]++;
    if (f->owner_state) {
        o->held -= OWNER_BYTES;
        f->owner_state = NULL;
    } else if (!f->classified) {
        o->unclassified++;
    }
}

static struct packet_view datagram(uint32_t i, const char *payload, uint64_t ts)
{
    struct packet_view p = udp("192.0.2.1", 1, "198.51.100.1", 5353, payload, ts);
    uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    addr_set_v4(&p.src, a);
    p.sport = (uint16_t)(1024 + i % 60000);
    return p;
}

/*
 * Heads count against max_memory: 6000 one-datagram flows of 1000 bytes
 * (a 1024-byte head each) through a 4 MiB cap, in a table that could hold
 * 8192 flows and whose first slab of PS_FLOW_SLAB_FLOWS flows costs about
 * 0.9 MB. The table never holds more
 * than the cap after a packet, the least recently active flows are evicted
 * (through on_expire, never lost) and counted, the count agrees with the
 * heap, and nothing is left counted once the table is flushed.
 */
static void test_memory_cap_heads(void)
{
    enum { FLOWS = 6000, CAP = 4 << 20 };
    static char payload[1001];
    memset(payload, 'x', 1000);
    struct owner o;
    memset(&o, 0, sizeof o);
    struct flow_config c = config(8192);
    c.max_memory = CAP;
    size_t base = heap_in_use();
    struct flow_table *t = flow_table_create(&c, owner_end, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const struct flow_stats *st = flow_table_stats(t);
    bool over = false, lost = false;
    size_t most = 0;
    for (uint32_t i = 0; i < FLOWS; i++) {
        struct packet_view p = datagram(i, payload, T0 + i);
        int side;
        if (!flow_table_packet(t, &p, &side))
            lost = true;
        if (st->memory > CAP)
            over = true;
        if (st->memory > most)
            most = st->memory;
    }
    CU_ASSERT_FALSE(over);
    CU_ASSERT_FALSE(lost);
    CU_ASSERT_TRUE(most > CAP - 2048); /* the cap was reached: it is what limited the table */
    CU_ASSERT_TRUE(st->memory_peak > CAP);
    CU_ASSERT_TRUE(st->memory_peak <= CAP + 1024 + PS_ALLOC_OVERHEAD); /* one head over, at most */
    CU_ASSERT_EQUAL(st->created, FLOWS);
    CU_ASSERT_TRUE(st->evicted > 0);
    CU_ASSERT_EQUAL(st->evicted_for_memory, st->evicted);
    CU_ASSERT_EQUAL(o.why[FLOW_END_EVICTED], st->evicted);
    CU_ASSERT_EQUAL(st->active + st->evicted, FLOWS);
    /* Memory was the limit: about 3000 heads fit beside the pool, never grown past a slab. */
    CU_ASSERT_TRUE(st->active > 2500);
    CU_ASSERT_TRUE(st->active < PS_FLOW_SLAB_FLOWS);
    CU_ASSERT_EQUAL(st->peak_active, st->active + 1);
    CU_ASSERT_EQUAL(st->head_bytes, st->active * (1024 + PS_ALLOC_OVERHEAD));

    /* The count is the heap's: within the allocator's rounding of the table's own blocks. */
    size_t heap = heap_in_use() - base;
    CU_ASSERT_TRUE(heap <= st->memory + 4096);
    CU_ASSERT_TRUE(heap + st->active * PS_ALLOC_OVERHEAD + 4096 >= st->memory);

    flow_table_flush(t);
    CU_ASSERT_EQUAL(o.why[FLOW_END_FLUSH], FLOWS - st->evicted);
    CU_ASSERT_EQUAL(st->head_bytes, 0);
    CU_ASSERT_EQUAL(o.unclassified, FLOWS);
    flow_table_destroy(t);
}

/*
 * What the owner holds per flow (nDPI's state, in the engine) counts too:
 * payload-less flows, each with OWNER_BYTES held by the owner, fill a cap
 * that the flows alone would not; evictions bring the owner's bytes down.
 */
static void test_memory_cap_owner(void)
{
    enum { FLOWS = 2000 };
    struct owner o;
    memset(&o, 0, sizeof o);
    struct flow_config c = config(4096);
    c.owner_bytes = owner_held;
    struct flow_table *t = flow_table_create(&c, owner_end, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const struct flow_stats *st = flow_table_stats(t);
    int side;
    struct packet_view p = datagram(0, NULL, T0);
    flow_table_packet(t, &p, &side);
    uint64_t fixed = st->memory; /* the table, its buckets and one slab */
    flow_table_flush(t);
    flow_table_destroy(t);

    c.max_memory = fixed + 500 * OWNER_BYTES;
    memset(&o, 0, sizeof o);
    t = flow_table_create(&c, owner_end, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    st = flow_table_stats(t);
    bool over = false;
    for (uint32_t i = 0; i < FLOWS; i++) {
        p = datagram(i, NULL, T0 + i);
        struct flow *f = flow_table_packet(t, &p, &side);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        if (st->memory > c.max_memory)
            over = true;
        /* The owner attaches its state after the table is done with the packet. */
        f->owner_state = &o;
        o.held += OWNER_BYTES;
    }
    CU_ASSERT_FALSE(over);
    CU_ASSERT_EQUAL(st->head_bytes, 0);
    CU_ASSERT_TRUE(st->evicted_for_memory > 0);
    CU_ASSERT_EQUAL(o.why[FLOW_END_EVICTED], st->evicted_for_memory);
    CU_ASSERT_TRUE(st->active <= 501);
    CU_ASSERT_TRUE(st->active >= 499);
    CU_ASSERT_EQUAL(o.held, st->active * OWNER_BYTES);
    flow_table_flush(t);
    CU_ASSERT_EQUAL(o.held, 0);
    CU_ASSERT_EQUAL(o.unclassified, 0);
    flow_table_destroy(t);
}

/* A cap below what the table needs for itself: every packet's flow survives its own
   packet, every other flow is evicted (classified, counted), nothing breaks. */
static void test_memory_cap_tiny(void)
{
    struct owner o;
    memset(&o, 0, sizeof o);
    struct flow_config c = config(64);
    c.max_memory = 1;
    struct flow_table *t = flow_table_create(&c, owner_end, &o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const struct flow_stats *st = flow_table_stats(t);
    for (uint32_t i = 0; i < 10; i++) {
        struct packet_view p = datagram(i, "ping", T0 + i);
        int side;
        CU_ASSERT_PTR_NOT_NULL(flow_table_packet(t, &p, &side));
        CU_ASSERT_EQUAL(st->active, 1);
    }
    CU_ASSERT_EQUAL(st->evicted_for_memory, 9);
    CU_ASSERT_EQUAL(o.why[FLOW_END_EVICTED], 9);
    flow_table_flush(t);
    CU_ASSERT_EQUAL(o.why[FLOW_END_FLUSH], 1);
    flow_table_destroy(t);
}

static void test_bytes_per_flow(void)
{
    CU_ASSERT(flow_table_bytes_per_flow() >= sizeof(struct flow) + sizeof(struct flow *));
    CU_ASSERT(flow_table_bytes_per_flow() <= 256 + 2 * sizeof(struct flow *));
}

void suite_flow(void)
{
    UNIT_SUITE(
        "flow", NULL, NULL, {"handshake roles", test_handshake_roles}, {"lost syn", test_lost_syn},
        {"mid-stream port evidence", test_mid_stream_port_evidence}, {"guess", test_guess},
        {"udp roles", test_udp_roles}, {"keys", test_keys}, {"random seed", test_random_seed},
        {"idle timeouts", test_idle_timeouts}, {"closed timeout", test_closed_timeout},
        {"port reuse", test_port_reuse}, {"lazy expiry bound", test_lazy_expiry_bound},
        {"quiet until due", test_quiet_until_due}, {"buckets grow", test_buckets_grow},
        {"eviction", test_eviction}, {"flush", test_flush},
        {"stats and classified", test_stats_and_classified},
        {"gap found by the owner", test_gap_found_by_owner},
        {"bytes per flow", test_bytes_per_flow}, {"flood", test_flood},
        {"memory cap: heads", test_memory_cap_heads},
        {"memory cap: owner's bytes", test_memory_cap_owner},
        {"memory cap below the table's own", test_memory_cap_tiny});
}
