/*
 * test_engine_ended.c - the last time an endpoint was seen, when its flows go on after
 * classification.
 *
 * classify keeps the endpoint record it added the flow to, so that the flow's end does
 * not look the endpoint up again. These tests hold that shortcut to what the lookup
 * gave: packets after classification move the record's last time on, and a flow whose
 * server changed after classification (a late SYN-ACK names the other side) updates the
 * endpoint it now names, which was never recorded, not the record it was added to.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "unit.h"

#define EE_SEC 1000000ull
#define EE_T0 (1136073600ull * EE_SEC)

struct ee_run {
    struct inventory *inv;
    struct engine *e;
};

static void ee_start(struct ee_run *r, pthread_mutex_t *lock)
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
    };
    char err[256];
    r->e = engine_create(&opt, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->e);
}

static void ee_send(struct ee_run *r, const char *src, uint16_t sport, const char *dst,
                    uint16_t dport, uint8_t flags, uint32_t seq, const char *payload, uint64_t ts)
{
    struct packet_view p =
        unit_packet(IPPROTO_TCP, src, sport, dst, dport, flags, seq, 0, payload, ts);
    engine_packet(r->e, &p);
}

/* The record of port, or NULL. */
static const struct endpoint_record *ee_record(struct ee_run *r, uint16_t port)
{
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(r->inv, &recs);
    for (size_t i = 0; i < n; i++)
        if (recs[i]->port == port)
            return recs[i];
    return NULL;
}

static void ee_finish(struct ee_run *r)
{
    engine_finish(r->e);
    engine_destroy(r->e);
}

/* A handshake, a banner, both FINs (classified), then an ACK five seconds later. */
static void ee_after_classification(pthread_mutex_t *lock)
{
    struct ee_run r;
    ee_start(&r, lock);
    const char *c = "10.0.0.1", *s = "10.0.0.9";
    ee_send(&r, c, 40000, s, 22, PS_TCP_SYN, 100, NULL, EE_T0);
    ee_send(&r, s, 22, c, 40000, PS_TCP_SYN | PS_TCP_ACK, 500, NULL, EE_T0 + 1);
    ee_send(&r, s, 22, c, 40000, PS_TCP_ACK, 501, "SSH-2.0-OpenSSH_9.2p1\r\n", EE_T0 + 2);
    ee_send(&r, c, 40000, s, 22, PS_TCP_ACK, 101, "SSH-2.0-OpenSSH_9.2p1\r\n", EE_T0 + 3);
    ee_send(&r, s, 22, c, 40000, PS_TCP_FIN | PS_TCP_ACK, 524, NULL, EE_T0 + 4);
    ee_send(&r, c, 40000, s, 22, PS_TCP_FIN | PS_TCP_ACK, 124, NULL, EE_T0 + 5);
    const struct endpoint_record *rec = ee_record(&r, 22);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_EQUAL(rec->last_us, EE_T0 + 5);
    ee_send(&r, c, 40000, s, 22, PS_TCP_ACK, 125, NULL, EE_T0 + 5 * EE_SEC);
    ee_finish(&r);
    CU_ASSERT_EQUAL(rec->last_us, EE_T0 + 5 * EE_SEC);
    inventory_destroy(r.inv);
}

/* Picked up mid-stream between two ephemeral ports: the receiver of the first packet is
 * the guessed server. After classification a SYN-ACK from the other side names it the
 * server: the flow's end concerns that endpoint, of which there is no record. */
static void ee_server_changed(pthread_mutex_t *lock)
{
    struct ee_run r;
    ee_start(&r, lock);
    const char *a = "10.0.0.1", *b = "10.0.0.9";
    ee_send(&r, a, 40000, b, 50000, PS_TCP_ACK, 100, "hello\r\n", EE_T0);
    ee_send(&r, b, 50000, a, 40000, PS_TCP_ACK, 500, "world\r\n", EE_T0 + 1);
    ee_send(&r, a, 40000, b, 50000, PS_TCP_FIN | PS_TCP_ACK, 107, NULL, EE_T0 + 2);
    ee_send(&r, b, 50000, a, 40000, PS_TCP_FIN | PS_TCP_ACK, 507, NULL, EE_T0 + 3);
    const struct endpoint_record *rec = ee_record(&r, 50000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    CU_ASSERT_EQUAL(rec->last_us, EE_T0 + 3);
    ee_send(&r, a, 40000, b, 50000, PS_TCP_SYN | PS_TCP_ACK, 99, NULL, EE_T0 + 4 * EE_SEC);
    ee_finish(&r);
    CU_ASSERT_EQUAL(rec->last_us, EE_T0 + 3);
    CU_ASSERT_PTR_NULL(ee_record(&r, 40000));
    inventory_destroy(r.inv);
}

static void test_ended_after_classification(void)
{
    ee_after_classification(NULL);
}

static void test_ended_after_classification_locked(void)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    ee_after_classification(&lock);
}

static void test_ended_server_changed(void)
{
    ee_server_changed(NULL);
}

static void test_ended_server_changed_locked(void)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    ee_server_changed(&lock);
}

void suite_engine_ended(void)
{
    UNIT_SUITE("engine ended", NULL, NULL,
               {"after classification", test_ended_after_classification},
               {"after classification, shared inventory", test_ended_after_classification_locked},
               {"server changed", test_ended_server_changed},
               {"server changed, shared inventory", test_ended_server_changed_locked});
}
