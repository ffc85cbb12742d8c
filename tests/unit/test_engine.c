/*
 * test_engine.c - what the engine tells its owner about a flow going steady.
 *
 * With --threads, the dispatcher stops copying the payload of a worker's flow once the
 * worker's engine says the flow went steady (engine.h: on_steady). These tests hold the
 * engine to its word: the call comes once per flow, only for a classified flow whose first
 * talker is known, not before ENGINE_STEADY_PACKETS packets, and never for a flow that
 * carried no payload; a new conversation on the same ports is a new flow that goes steady
 * on its own.
 *
 * classify keeps the endpoint record it added the flow to, so that the flow's end need
 * not look the endpoint up: packets after classification still move the record's last
 * time on, and a flow whose server changed after classification (a late SYN-ACK from the
 * other side) ends for the endpoint it now names, as the lookup did, not that record.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "unit.h"

#define EN_SEC 1000000ull
#define EN_T0 (1136073600ull * EN_SEC)

struct steady_seen {
    unsigned calls;
    uint64_t packets; /* the flow's packets at the call */
    bool classified, talker;
    struct flow_key key;
};

static void en_steady(const struct flow *f, void *ctx)
{
    struct steady_seen *s = ctx;
    s->calls++;
    s->packets = f->packets[0] + f->packets[1];
    s->classified = f->classified;
    s->talker = f->first_talker != 0;
    s->key = f->key;
}

struct en_run {
    struct inventory *inv;
    struct engine *e;
    struct steady_seen seen;
    uint64_t ts;
};

/* lock: the inventory's, as when it is shared by several threads (or NULL). */
static void en_start_locked(struct en_run *r, pthread_mutex_t *lock)
{
    memset(r, 0, sizeof *r);
    r->inv = inventory_create(NULL);
    struct engine_options opt = {
        .flow = {.max_flows = 64,
                 .head_bytes = PS_DEFAULT_HEAD_BYTES,
                 .tcp_idle_s = PS_DEFAULT_TCP_IDLE_S,
                 .tcp_closed_s = PS_DEFAULT_TCP_CLOSED_S,
                 .udp_idle_s = PS_DEFAULT_UDP_IDLE_S,
                 .hash_seed = 0x5eed},
        .inv = r->inv,
        .inv_lock = lock,
        .on_steady = en_steady,
        .steady_ctx = &r->seen,
    };
    char err[256];
    r->e = engine_create(&opt, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->e);
    r->ts = EN_T0;
}

static void en_start(struct en_run *r)
{
    en_start_locked(r, NULL);
}

static void en_stop(struct en_run *r)
{
    engine_finish(r->e);
    engine_destroy(r->e);
    inventory_destroy(r->inv);
}

static void en_send(struct en_run *r, bool from_server, uint16_t cport, uint8_t flags, uint32_t seq,
                    const char *payload)
{
    struct packet_view p = from_server ? unit_packet(IPPROTO_TCP, "10.0.0.9", 22, "10.0.0.1", cport,
                                                     flags, seq, 0, payload, r->ts)
                                       : unit_packet(IPPROTO_TCP, "10.0.0.1", cport, "10.0.0.9", 22,
                                                     flags, seq, 0, payload, r->ts);
    r->ts += 10;
    engine_packet(r->e, &p);
}

/* A handshake and the server's banner: the flow then has a first talker. */
static void en_open(struct en_run *r, uint16_t cport, uint32_t *sseq)
{
    en_send(r, false, cport, 0x02, 1000, NULL);
    en_send(r, true, cport, 0x12, 5000, NULL);
    en_send(r, false, cport, 0x10, 1001, NULL);
    en_send(r, true, cport, 0x18, 5001, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    *sseq = 5001 + 32;
}

/* Once, only after ENGINE_STEADY_PACKETS packets, and then the flow is classified. */
static void test_steady_once_after_enough_packets(void)
{
    struct en_run r;
    en_start(&r);
    uint32_t sseq;
    en_open(&r, 40000, &sseq);
    unsigned sent = 4;
    while (sent < ENGINE_STEADY_PACKETS - 1) {
        en_send(&r, true, 40000, 0x10, sseq, "0123456789abcdef");
        sseq += 16;
        sent++;
    }
    CU_ASSERT_EQUAL(r.seen.calls, 0);
    for (unsigned i = 0; i < 100; i++) {
        en_send(&r, true, 40000, 0x10, sseq, "0123456789abcdef");
        sseq += 16;
    }
    CU_ASSERT_EQUAL(r.seen.calls, 1);
    CU_ASSERT_EQUAL(r.seen.packets, ENGINE_STEADY_PACKETS);
    CU_ASSERT_TRUE(r.seen.classified);
    CU_ASSERT_TRUE(r.seen.talker);
    CU_ASSERT_EQUAL(r.seen.key.transport, IPPROTO_TCP);
    CU_ASSERT_TRUE((r.seen.key.port[0] == 40000 && r.seen.key.port[1] == 22) ||
                   (r.seen.key.port[0] == 22 && r.seen.key.port[1] == 40000));
    en_stop(&r);
}

/* Classified by its packet budget, but nobody ever said anything: no first talker, no call
   (its first payload could still decide who talked first). */
static void test_no_steady_without_payload(void)
{
    struct en_run r;
    en_start(&r);
    en_send(&r, false, 40001, 0x02, 1000, NULL);
    en_send(&r, true, 40001, 0x12, 5000, NULL);
    for (unsigned i = 0; i < 2 * ENGINE_STEADY_PACKETS; i++)
        en_send(&r, i % 2 == 0, 40001, 0x10, i % 2 ? 1001 : 5001, NULL);
    CU_ASSERT_EQUAL(r.seen.calls, 0);
    en_stop(&r);
}

/* FINs, then a new handshake on the same ports: a new flow, which goes steady again. */
static void test_new_conversation_goes_steady_again(void)
{
    struct en_run r;
    en_start(&r);
    uint32_t sseq;
    en_open(&r, 40002, &sseq);
    for (unsigned i = 0; i < ENGINE_STEADY_PACKETS; i++, sseq += 16)
        en_send(&r, true, 40002, 0x10, sseq, "0123456789abcdef");
    CU_ASSERT_EQUAL(r.seen.calls, 1);
    en_send(&r, false, 40002, 0x11, 1001, NULL);
    en_send(&r, true, 40002, 0x11, sseq, NULL);
    en_open(&r, 40002, &sseq);
    for (unsigned i = 0; i < ENGINE_STEADY_PACKETS; i++, sseq += 16)
        en_send(&r, true, 40002, 0x10, sseq, "0123456789abcdef");
    CU_ASSERT_EQUAL(r.seen.calls, 2);
    CU_ASSERT_EQUAL(r.seen.packets, ENGINE_STEADY_PACKETS);
    en_stop(&r);
}

/* The record of port, or NULL. */
static const struct endpoint_record *en_record(struct en_run *r, uint16_t port)
{
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(r->inv, &recs);
    for (size_t i = 0; i < n; i++)
        if (recs[i]->port == port)
            return recs[i];
    return NULL;
}

/* Classified at its FINs; an ACK five seconds later is its endpoint's last time. */
static void en_ended_after_classification(pthread_mutex_t *lock)
{
    struct en_run r;
    en_start_locked(&r, lock);
    uint32_t sseq;
    en_open(&r, 40003, &sseq);
    en_send(&r, false, 40003, 0x11, 1001, NULL);
    en_send(&r, true, 40003, 0x11, sseq, NULL);
    const struct endpoint_record *rec = en_record(&r, 22);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_EQUAL(rec->last_us, r.ts - 10);
    r.ts += 5 * EN_SEC;
    en_send(&r, false, 40003, 0x10, 1002, NULL);
    engine_finish(r.e);
    CU_ASSERT_EQUAL(rec->last_us, r.ts - 10);
    en_stop(&r);
}

/* Picked up mid-stream, classified at its FINs with port 22 as the server; then a SYN-ACK
   from the client's side names that side the server: the flow's end concerns the client's
   endpoint, of which there is no record, and leaves port 22's last time alone. */
static void en_ended_server_changed(pthread_mutex_t *lock)
{
    struct en_run r;
    en_start_locked(&r, lock);
    en_send(&r, false, 40004, 0x18, 1000, "hello\r\n");
    en_send(&r, true, 40004, 0x18, 5000, "world\r\n");
    en_send(&r, false, 40004, 0x11, 1007, NULL);
    en_send(&r, true, 40004, 0x11, 5007, NULL);
    const struct endpoint_record *rec = en_record(&r, 22);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    uint64_t classified_at = r.ts - 10;
    CU_ASSERT_EQUAL(rec->last_us, classified_at);
    r.ts += 5 * EN_SEC;
    en_send(&r, false, 40004, 0x12, 999, NULL);
    engine_finish(r.e);
    CU_ASSERT_EQUAL(rec->last_us, classified_at);
    CU_ASSERT_PTR_NULL(en_record(&r, 40004));
    en_stop(&r);
}

static void test_ended_after_classification(void)
{
    en_ended_after_classification(NULL);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    en_ended_after_classification(&lock);
}

static void test_ended_server_changed(void)
{
    en_ended_server_changed(NULL);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    en_ended_server_changed(&lock);
}

void suite_engine(void)
{
    UNIT_SUITE("engine", NULL, NULL,
               {"steady once, after enough packets", test_steady_once_after_enough_packets},
               {"no steady without payload", test_no_steady_without_payload},
               {"a new conversation goes steady again", test_new_conversation_goes_steady_again},
               {"ended after classification", test_ended_after_classification},
               {"ended after the server changed", test_ended_server_changed});
}
