/*
 * shard.c - the pipeline on several cores: a dispatcher and its workers.
 *
 * The dispatcher (the capture thread) decodes each frame and picks the
 * packet's shard by a symmetric, seeded hash of the two endpoints, so both
 * directions of a conversation reach the same engine. Shard 0 is the
 * dispatcher's own: its packets go straight to its engine, with no copy and
 * no handoff, so --threads N runs N threads (a dispatcher that only
 * dispatched would be a third thread on two cores, copying every packet).
 * Since the dispatcher also reads and decodes everything, its share of the
 * flows is the smaller one (SHARD_DISPATCHER_WEIGHT).
 *
 * For every other shard the packet's IP datagram (what is captured of it)
 * and its view go into that worker's ring; the worker rebases the view's
 * pointers onto its copy and runs the flow stage, nDPI and classification
 * exactly as the single-threaded engine does. A worker sets up its own
 * engine (its nDPI module takes tens of milliseconds) while the dispatcher
 * already reads: its ring holds the packets meanwhile. If it cannot, the
 * dispatcher stops reading and shard_pool_finish says why.
 *
 * Rings are single-producer, single-consumer byte rings with acquire/release
 * indices. A record never wraps: when it does not fit before the end, a pad
 * record fills the rest and the record starts at offset 0.
 *
 * Steady flows go without payload. A worker's engine says when a flow went
 * steady (engine.h: classified, so its packets only update counters, flags
 * and times); the worker passes that on, and the dispatcher then copies only
 * the headers of the flow's packets, for as long as it can prove that the
 * worker still holds that same classified flow when the packet gets there:
 *  - the flow cannot have timed out: the latest packet time (of all shards:
 *    the worker's engine keeps that time, see engine_advance) is at most the
 *    shortest timeout later than the flow's last packet, else the dispatcher
 *    forgets the flow;
 *  - it cannot have been replaced: a SYN, FIN or RST of the flow (or, while
 *    the note was on its way, a SYN of any flow in the same slot) makes the
 *    dispatcher forget it, and such packets always go whole;
 *  - it cannot have been evicted: once the worker's table has evicted a
 *    flow, or holds a quarter of its --max-flows or --max-memory share, no
 *    payload is left out again;
 *  - live captures always send everything.
 * A bulk transfer then costs the dispatcher a header per packet, not 1.5 KB.
 *
 * Handoffs are batched. The dispatcher writes records past the published
 * head and publishes them SHARD_BATCH_BYTES at a time (each packet at once in
 * a live capture, where a packet must not wait for the next one); the worker
 * returns space in steps of SHARD_RELEASE_BYTES (or when it has caught up).
 * The two indices live on separate cache lines, and each side keeps a private
 * copy of the other's index, reloading it only when the copy says the ring is
 * full (dispatcher) or empty (worker): the lines holding the indices move
 * between cores once per batch, not once per packet.
 *
 * A side that finds nothing to do spins briefly, then sleeps on a futex; the
 * other side wakes it only when it said it sleeps, so a busy pipeline makes
 * no system calls. A worker that caught up is woken only once
 * SHARD_WAKE_BYTES wait for it (or the end), so a worker with little to do
 * (a bulk transfer) does not sleep and wake per batch; it also wakes by
 * itself every SHARD_IDLE_WAIT_NS, which bounds how long a packet of a quiet
 * live capture waits.
 */
#include "shard.h"

#include <linux/futex.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

enum rec_kind { REC_PACKET = 1, REC_PAD, REC_END };

struct ring_rec {
    uint32_t size; /* whole record, header included, multiple of 8 */
    uint32_t kind;
    struct packet_view view;
    uint32_t payload_off; /* payload - l3 in the original */
    uint32_t bytes;       /* bytes copied after the header */
    uint64_t now_us;      /* the latest packet time the dispatcher has seen */
};

/* Flows to the dispatcher's own shard against each worker's (see the header comment).
 * Tuned on the mixed benchmark with two threads, by the time each side waited for the
 * other: at 5 the reading thread waited for a full ring (up to 69 ms a run), at 7-8 the
 * worker waited for packets (up to 90 ms); at 6 neither waited more than 40 ms. */
#define SHARD_DISPATCHER_WEIGHT 6u
#define SHARD_WORKER_WEIGHT 8u
/* Spins on an empty or full ring before sleeping (each spin is a pause, then a reload). */
#define SHARD_SPINS 256u
/* The dispatcher publishes what it wrote to a ring in batches of this many bytes. */
#define SHARD_BATCH_BYTES (16u * 1024u)
/* The worker hands space back to the dispatcher in steps of this many bytes (or when caught up). */
#define SHARD_RELEASE_BYTES (PS_SHARD_RING_BYTES / 16u)
/* A sleeping worker is woken once this many bytes wait for it. */
#define SHARD_WAKE_BYTES (PS_SHARD_RING_BYTES / 8u)
/* ... and wakes by itself this often (live captures: the longest a packet waits). */
#define SHARD_IDLE_WAIT_NS 2000000L
/* Longest message of a worker that could not set up its engine. */
#define SHARD_ERR_MAX 256u
/* Steady flows (see the header comment): remembered per worker, direct-mapped by hash. */
#define SHARD_STEADY_SLOTS 256u
/* Steady notes on their way from a worker to the dispatcher (more wait for a later note). */
#define SHARD_STEADY_NOTES 64u
/* Slots (by hash) remembering where the latest SYN sent to the worker went in its ring. */
#define SHARD_SYN_SLOTS 1024u

/* A flow as both directions see it: the smaller endpoint (address, then port) first. */
struct steady_key {
    struct ps_addr addr[2];
    uint16_t port[2];
    uint16_t vlan; /* the outer tag's id, as the flow table keys it */
    uint8_t transport;
};

/* Worker to dispatcher: this flow went steady at that ring position. */
struct steady_note {
    struct steady_key key;
    uint64_t last_us; /* the flow's last packet time then */
    size_t pos;       /* ring position of the packet that made it steady */
};

/* Dispatcher: a steady flow and a time the worker's flow has certainly reached. */
struct steady_flow {
    struct steady_key key;
    uint64_t last_us;
    bool used;
};

/* A futex word one side sleeps on, and whether it does. */
struct sleeper {
    _Atomic uint32_t seq;     /* bumped by the waker */
    _Atomic uint32_t waiting; /* 1 while the side is about to sleep or asleep */
};

struct worker {
    struct shard_pool *pool;
    struct engine *engine; /* the worker's own, from set-up to its end */
    pthread_t thread;
    uint8_t *ring;
    bool started;
    bool set_up;             /* it had an engine */
    char err[SHARD_ERR_MAX]; /* why it had none */
    /* What the engine counted, kept when the worker frees it at the end. */
    struct flow_stats flow_stats;
    struct engine_stats engine_stats;
    /* The dispatcher's line: its index, its copy of the worker's, and the worker's sleeper. */
    alignas(64) _Atomic size_t head; /* published by the dispatcher */
    size_t fill;                     /* end of what the dispatcher wrote: head <= fill */
    size_t tail_seen;                /* dispatcher's copy of tail */
    size_t need;                     /* bytes the dispatcher waits for */
    struct sleeper worker_sleep;     /* the worker sleeps here when the ring is empty */
    /* The worker's line. */
    alignas(64) _Atomic size_t tail; /* written by the worker */
    size_t head_seen;                /* worker's copy of head */
    struct sleeper dispatcher_sleep; /* the dispatcher sleeps here when the ring is full */
    _Atomic uint64_t active_flows;   /* its flow table's count as of the last release */
    size_t pos;                      /* ring position of the record in the engine now */
    /* Steady notes, written by the worker now and then, read by the dispatcher. */
    alignas(64) _Atomic size_t notes_made;
    _Atomic bool steady_off; /* the table evicts, or may soon: send everything */
    struct steady_note notes[SHARD_STEADY_NOTES];
    /* The dispatcher's (steady flows): notes taken, flows, SYN positions. */
    alignas(64) _Atomic size_t notes_taken;
    struct steady_flow steady[SHARD_STEADY_SLOTS];
    size_t syn_pos[SHARD_SYN_SLOTS];
};

struct shard_pool {
    unsigned n;            /* shards: the dispatcher's, and n - 1 workers */
    struct engine *single; /* n == 1 */
    struct engine *local;  /* shard 0, run by the dispatcher itself */
    bool live;             /* hand each packet over at once */
    bool finished;
    uint64_t total_weight;      /* the dispatcher's and every worker's */
    struct engine_options wopt; /* what every shard's engine is made from */
    _Atomic bool failed;        /* a worker could not set up its engine */
    struct decoder *dec;
    uint64_t seed;
    pthread_mutex_t inv_lock;
    struct inventory *inv;
    uint64_t ftp_channels;                 /* announced channels the dispatcher registered */
    uint64_t steady_window_us;             /* the shortest flow timeout */
    uint64_t now_us;                       /* the latest packet time of all shards */
    struct worker workers[PS_MAX_THREADS]; /* [0] unused: shard 0 is local */
};

#define RING_MASK (PS_SHARD_RING_BYTES - 1u)

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Sleep while *word == expected, at most `timeout` (NULL: no limit). */
static void futex_wait(_Atomic uint32_t *word, uint32_t expected, const struct timespec *timeout)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, timeout, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * Wait until ready(arg) holds: spin, then sleep. The sleeper announces itself
 * (waiting = 1, sequentially consistent) before its last check, and the waker
 * reads waiting after publishing: one of the two sees the other's store, so
 * no wake-up is lost.
 */
static void wait_until(struct sleeper *sl, bool (*ready)(struct worker *), struct worker *w,
                       const struct timespec *timeout)
{
    for (unsigned i = 0; i < SHARD_SPINS; i++) {
        if (ready(w))
            return;
        cpu_relax();
    }
    for (;;) {
        uint32_t seq = atomic_load(&sl->seq);
        atomic_store(&sl->waiting, 1);
        if (ready(w)) {
            atomic_store_explicit(&sl->waiting, 0, memory_order_relaxed);
            return;
        }
        futex_wait(&sl->seq, seq, timeout);
        atomic_store_explicit(&sl->waiting, 0, memory_order_relaxed);
    }
}

static void wake(struct sleeper *sl)
{
    atomic_fetch_add(&sl->seq, 1);
    futex_wake(&sl->seq);
}

/* sizeof rounded up to the pool's alignment, as aligned_alloc wants. */
static size_t align_up(size_t n)
{
    size_t a = alignof(struct shard_pool);
    return (n + a - 1) / a * a;
}

static size_t align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* One endpoint, keyed by the seed: the address's two words and the port, mixed once. */
static uint64_t endpoint_hash(uint64_t seed, const struct ps_addr *a, uint16_t port)
{
    uint64_t w0, w1;
    memcpy(&w0, a->bytes, 8);
    memcpy(&w1, a->bytes + 8, 8);
    return mix64((seed ^ w0) + (w1 ^ port) * 0x9e3779b97f4a7c15ull);
}

/* The outer VLAN id (the decoder keeps no priority bits), as the flow table keys it. */
static uint16_t vlan_id(const struct packet_view *v)
{
    return v->vlan_count ? v->vlan[0] : 0;
}

/* A conversation's hash: the same for both directions. */
static uint64_t conversation_hash(uint64_t seed, const struct ps_addr *a, uint16_t pa,
                                  const struct ps_addr *b, uint16_t pb, uint8_t transport,
                                  uint16_t vlan)
{
    uint64_t h = endpoint_hash(seed, a, pa) ^ endpoint_hash(seed, b, pb);
    return mix64(h ^ transport ^ (uint64_t)vlan << 8);
}

static uint64_t packet_hash(const struct shard_pool *p, const struct packet_view *v)
{
    return conversation_hash(p->seed, &v->src, v->sport, &v->dst, v->dport, v->transport,
                             vlan_id(v));
}

/* Shards get flows by weight. */
static unsigned shard_of(const struct shard_pool *p, uint64_t h)
{
    uint64_t pick = ((h >> 32) * p->total_weight) >> 32; /* uniform in [0, total_weight) */
    if (pick < SHARD_DISPATCHER_WEIGHT)
        return 0;
    return 1u + (unsigned)((pick - SHARD_DISPATCHER_WEIGHT) / SHARD_WORKER_WEIGHT);
}

static bool endpoint_less(const struct ps_addr *a, uint16_t pa, const struct ps_addr *b,
                          uint16_t pb)
{
    int c = memcmp(a, b, sizeof *a);
    return c < 0 || (c == 0 && pa < pb);
}

static void steady_key_set(struct steady_key *k, const struct ps_addr *a, uint16_t pa,
                           const struct ps_addr *b, uint16_t pb, uint8_t transport, uint16_t vlan)
{
    memset(k, 0, sizeof *k); /* keys are compared whole, padding included */
    bool swap = endpoint_less(b, pb, a, pa);
    k->addr[0] = swap ? *b : *a;
    k->addr[1] = swap ? *a : *b;
    k->port[0] = swap ? pb : pa;
    k->port[1] = swap ? pa : pb;
    k->vlan = vlan;
    k->transport = transport;
}

/* Publish everything written; wake a sleeping worker when enough waits for it (or `now`). */
static void ring_publish(struct worker *w, bool now)
{
    atomic_store(&w->head, w->fill); /* sequentially consistent: see wait_until */
    if (atomic_load(&w->worker_sleep.waiting) &&
        (now || w->fill - atomic_load(&w->tail) >= SHARD_WAKE_BYTES))
        wake(&w->worker_sleep);
}

/* Dispatcher: is there room for the bytes it waits for (need)? Reloads the worker's tail. */
static bool has_room(struct worker *w)
{
    w->tail_seen = atomic_load(&w->tail); /* sequentially consistent: see wait_until */
    return w->fill + w->need - w->tail_seen <= PS_SHARD_RING_BYTES;
}

/* Wait for space, then reserve `size` contiguous bytes; returns the offset. */
static size_t ring_reserve(struct worker *w, size_t size)
{
    size_t off = w->fill & RING_MASK;
    size_t need = size;
    if (off + size > PS_SHARD_RING_BYTES)
        need += PS_SHARD_RING_BYTES - off; /* pad to the end, then start over */
    if (w->fill + need - w->tail_seen > PS_SHARD_RING_BYTES) {
        /* The worker must see all that was written before it can make room. */
        ring_publish(w, true);
        w->need = need;
        wait_until(&w->dispatcher_sleep, has_room, w, NULL);
    }
    if (need != size) {
        struct ring_rec *pad = (struct ring_rec *)(w->ring + off);
        pad->size = (uint32_t)(PS_SHARD_RING_BYTES - off);
        pad->kind = REC_PAD;
        w->fill += pad->size;
        off = 0;
    }
    return off;
}

/* Dispatcher: the notes the worker made since the last look become steady flows. */
static void take_steady_notes(const struct shard_pool *p, struct worker *w)
{
    size_t made = atomic_load_explicit(&w->notes_made, memory_order_acquire);
    size_t taken = atomic_load_explicit(&w->notes_taken, memory_order_relaxed);
    for (; taken != made; taken++) {
        const struct steady_note *n = &w->notes[taken % SHARD_STEADY_NOTES];
        const struct steady_key *k = &n->key;
        uint64_t h = conversation_hash(p->seed, &k->addr[0], k->port[0], &k->addr[1], k->port[1],
                                       k->transport, k->vlan);
        /* A SYN sent after that packet may start a new conversation on these ports; a time
           past the window may have ended the flow already. */
        if (w->syn_pos[h % SHARD_SYN_SLOTS] > n->pos ||
            p->now_us > n->last_us + p->steady_window_us)
            continue;
        struct steady_flow *sf = &w->steady[h % SHARD_STEADY_SLOTS];
        sf->key = *k;
        sf->last_us = n->last_us;
        sf->used = true;
    }
    atomic_store_explicit(&w->notes_taken, taken, memory_order_release);
}

/* Dispatcher: may this packet (at ring position pos) go without its payload? */
static bool steady_packet(const struct shard_pool *p, struct worker *w, const struct packet_view *v,
                          uint64_t h, size_t pos)
{
    bool control =
        v->transport == IPPROTO_TCP && (v->tcp_flags & (PS_TCP_SYN | PS_TCP_FIN | PS_TCP_RST));
    if (v->transport == IPPROTO_TCP && (v->tcp_flags & PS_TCP_SYN))
        w->syn_pos[h % SHARD_SYN_SLOTS] = pos;
    struct steady_flow *sf = &w->steady[h % SHARD_STEADY_SLOTS];
    if (!sf->used)
        return false;
    struct steady_key k;
    steady_key_set(&k, &v->src, v->sport, &v->dst, v->dport, v->transport, vlan_id(v));
    if (memcmp(&k, &sf->key, sizeof k) != 0)
        return false;
    if (control || p->live || atomic_load_explicit(&w->steady_off, memory_order_relaxed) ||
        p->now_us > sf->last_us + p->steady_window_us) {
        sf->used = false;
        return false;
    }
    if (v->ts_us > sf->last_us)
        sf->last_us = v->ts_us;
    return true;
}

static void send_packet(const struct shard_pool *p, struct worker *w, const struct packet_view *v,
                        uint64_t h)
{
    const uint8_t *end = v->l3 + v->l3_len;
    if (v->payload + v->payload_len > end)
        end = v->payload + v->payload_len;
    uint32_t bytes = (uint32_t)(end - v->l3);
    uint32_t payload_off = (uint32_t)(v->payload - v->l3);
    /* Room for the whole packet: the record's position decides whether it needs it. */
    size_t size = align8(sizeof(struct ring_rec) + bytes);
    size_t off = ring_reserve(w, size);
    struct ring_rec *r = (struct ring_rec *)(w->ring + off);
    r->view = *v;
    if (steady_packet(p, w, v, h, w->fill)) {
        bytes = payload_off;
        r->view.l3_len = bytes < v->l3_len ? bytes : v->l3_len;
        r->view.payload_len = 0; /* payload_wire_len still counts what was sent */
        size = align8(sizeof(struct ring_rec) + bytes);
    }
    r->size = (uint32_t)size;
    r->kind = REC_PACKET;
    r->payload_off = payload_off;
    r->bytes = bytes;
    r->now_us = p->now_us;
    memcpy(r + 1, v->l3, bytes);
    w->fill += size;
    if (p->live ||
        w->fill - atomic_load_explicit(&w->head, memory_order_relaxed) >= SHARD_BATCH_BYTES) {
        ring_publish(w, false);
        take_steady_notes(p, w);
    }
}

static void send_end(struct worker *w)
{
    size_t size = align8(sizeof(struct ring_rec));
    size_t off = ring_reserve(w, size);
    struct ring_rec *r = (struct ring_rec *)(w->ring + off);
    r->size = (uint32_t)size;
    r->kind = REC_END;
    w->fill += size;
    ring_publish(w, true);
}

/* Worker: has the dispatcher published past what it has read? Reloads the head. */
static bool has_records(struct worker *w)
{
    w->head_seen = atomic_load(&w->head); /* sequentially consistent: see wait_until */
    return w->head_seen != atomic_load_explicit(&w->tail, memory_order_relaxed);
}

/* Worker: hand the bytes read so far back to the dispatcher, waking it if it waits for them. */
static void release_space(struct worker *w, size_t tail)
{
    if (w->engine) {
        const struct flow_stats *fs = engine_flow_stats(w->engine);
        const struct flow_config *cfg = &w->pool->wopt.flow;
        atomic_store_explicit(&w->active_flows, fs->active, memory_order_relaxed);
        /* Far from both caps, with room for all the ring may still bring, or never again. */
        if (fs->evicted || fs->active >= cfg->max_flows / 4 ||
            (cfg->max_memory && fs->memory >= cfg->max_memory / 4))
            atomic_store_explicit(&w->steady_off, true, memory_order_relaxed);
    }
    atomic_store(&w->tail, tail);
    if (atomic_load(&w->dispatcher_sleep.waiting))
        wake(&w->dispatcher_sleep);
}

/* Worker (engine callback): flow f went steady; tell the dispatcher, if there is room. */
static void note_steady(const struct flow *f, void *ctx)
{
    struct worker *w = ctx;
    size_t made = atomic_load_explicit(&w->notes_made, memory_order_relaxed);
    if (made - atomic_load_explicit(&w->notes_taken, memory_order_acquire) == SHARD_STEADY_NOTES)
        return;
    struct steady_note *n = &w->notes[made % SHARD_STEADY_NOTES];
    const struct flow_key *k = &f->key;
    steady_key_set(&n->key, &k->addr[0], k->port[0], &k->addr[1], k->port[1], k->transport,
                   k->vlan);
    n->last_us = f->last_us;
    n->pos = w->pos;
    atomic_store_explicit(&w->notes_made, made + 1, memory_order_release);
}

/* The end: the engine classifies what it holds, and is freed here, while the reading thread
   is busy with its own share and the report (its statistics are kept). */
static void worker_end(struct worker *w)
{
    if (!w->engine)
        return;
    engine_finish(w->engine);
    w->flow_stats = *engine_flow_stats(w->engine);
    w->engine_stats = *engine_stats(w->engine);
    engine_destroy(w->engine);
    w->engine = NULL;
}

/*
 * A worker: set up the engine, then run every packet of the ring through it
 * until the end record. Without an engine it still empties the ring, so that
 * the dispatcher never waits for it, until the dispatcher sees the failure.
 */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct engine_options opt = w->pool->wopt;
    opt.on_steady = note_steady;
    opt.steady_ctx = w;
    w->engine = engine_create(&opt, w->err, sizeof w->err);
    w->set_up = w->engine != NULL;
    if (!w->set_up)
        atomic_store(&w->pool->failed, true);
    size_t tail = atomic_load_explicit(&w->tail, memory_order_relaxed);
    size_t released = tail;
    for (;;) {
        if (w->head_seen == tail) {
            if (tail != released) {
                release_space(w, tail);
                released = tail;
            }
            const struct timespec idle = {0, SHARD_IDLE_WAIT_NS};
            wait_until(&w->worker_sleep, has_records, w, &idle);
        }
        struct ring_rec *r = (struct ring_rec *)(w->ring + (tail & RING_MASK));
        uint32_t size = r->size, kind = r->kind;
        if (kind == REC_PACKET && w->engine) {
            struct packet_view v = r->view;
            w->pos = tail;
            if (r->now_us > v.ts_us)
                engine_advance(w->engine, r->now_us);
            v.l3 = (const uint8_t *)(r + 1);
            v.payload = v.l3 + r->payload_off;
            engine_packet(w->engine, &v);
        }
        tail += size;
        if (kind == REC_END) {
            release_space(w, tail);
            worker_end(w);
            return NULL;
        }
        if (tail - released >= SHARD_RELEASE_BYTES) {
            release_space(w, tail);
            released = tail;
        }
    }
}

/* The inventory lock is held for a few microseconds per classified flow: a contender
   spins a little before it sleeps, since a futex sleep and wake-up cost more. */
static void inventory_lock_init(pthread_mutex_t *lock)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

struct shard_pool *shard_pool_create(const struct engine_options *opt, unsigned threads, bool live,
                                     char *err, size_t errlen)
{
    if (threads < 1 || threads > PS_MAX_THREADS) {
        snprintf(err, errlen, "threads must be 1 to %u", PS_MAX_THREADS);
        return NULL;
    }
    /* The workers' indices sit on their own cache lines: the pool is aligned like them. */
    struct shard_pool *p = aligned_alloc(alignof(struct shard_pool), align_up(sizeof *p));
    if (p)
        memset(p, 0, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->n = threads;
    p->live = live;
    if (threads == 1) {
        p->single = engine_create(opt, err, errlen);
        if (!p->single) {
            free(p);
            return NULL;
        }
        return p;
    }
    p->total_weight = SHARD_DISPATCHER_WEIGHT + (uint64_t)(threads - 1) * SHARD_WORKER_WEIGHT;
    inventory_lock_init(&p->inv_lock);
    p->dec = decoder_create();
    if (!p->dec || getrandom(&p->seed, sizeof p->seed, 0) != sizeof p->seed) {
        snprintf(err, errlen, "cannot set up the dispatcher");
        shard_pool_destroy(p);
        return NULL;
    }
    p->wopt = *opt;
    p->wopt.inv_lock = &p->inv_lock;
    /* --max-flows and --max-memory bound the whole process: each shard gets its share. */
    p->wopt.flow.max_flows = (opt->flow.max_flows + threads - 1) / threads;
    p->wopt.flow.max_memory = opt->flow.max_memory / threads;
    /* Announcements are registered here, in packet order, before any worker could
       classify the channel they announce. */
    p->wopt.segments_watched = true;
    const struct flow_config *fc = &opt->flow;
    uint32_t window_s = fc->tcp_idle_s < fc->tcp_closed_s ? fc->tcp_idle_s : fc->tcp_closed_s;
    if (fc->udp_idle_s < window_s)
        window_s = fc->udp_idle_s;
    p->steady_window_us = (uint64_t)window_s * 1000000u;
    p->inv = opt->inv;
    /* The dispatcher's engine first: an error in the options is reported here, once. */
    p->local = engine_create(&p->wopt, err, errlen);
    if (!p->local) {
        shard_pool_destroy(p);
        return NULL;
    }
    for (unsigned i = 1; i < threads; i++) {
        struct worker *w = &p->workers[i];
        w->pool = p;
        w->ring = aligned_alloc(64, PS_SHARD_RING_BYTES);
        if (!w->ring) {
            snprintf(err, errlen, "out of memory for the packet rings");
            shard_pool_destroy(p);
            return NULL;
        }
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            snprintf(err, errlen, "cannot start worker thread %u", i);
            shard_pool_destroy(p);
            return NULL;
        }
        w->started = true;
    }
    return p;
}

bool shard_pool_frame(struct shard_pool *p, const struct capture_frame *frame)
{
    if (p->single) {
        engine_frame(p->single, frame);
        return true;
    }
    struct packet_view v;
    if (decoder_decode(p->dec, frame->linktype, frame->data, frame->caplen, frame->wire_len,
                       frame->ts_us, &v) == DECODE_OK) {
        p->ftp_channels += engine_watch_segment(p->inv, &p->inv_lock, &v);
        /* Each engine's packet time is that of all packets, as one engine's would be. */
        if (v.ts_us > p->now_us)
            p->now_us = v.ts_us;
        uint64_t h = packet_hash(p, &v);
        unsigned shard = shard_of(p, h);
        if (shard == 0) {
            if (p->now_us > v.ts_us)
                engine_advance(p->local, p->now_us);
            engine_packet(p->local, &v);
        } else {
            send_packet(p, &p->workers[shard], &v, h);
        }
    }
    return !atomic_load_explicit(&p->failed, memory_order_relaxed);
}

bool shard_pool_finish(struct shard_pool *p, char *err, size_t errlen)
{
    if (p->single) {
        engine_finish(p->single);
        return true;
    }
    for (unsigned i = 1; i < p->n; i++)
        if (p->workers[i].started)
            send_end(&p->workers[i]);
    /* The dispatcher's own share, while the workers empty their rings. */
    if (p->local && !p->finished)
        engine_finish(p->local);
    p->finished = true;
    bool ok = true;
    for (unsigned i = 1; i < p->n; i++) {
        struct worker *w = &p->workers[i];
        if (w->started) {
            pthread_join(w->thread, NULL);
            w->started = false;
        }
        if (ok && w->ring && !w->set_up) {
            snprintf(err, errlen, "worker thread %u: %s", i, w->err);
            ok = false;
        }
    }
    return ok;
}

uint64_t shard_pool_active_flows(struct shard_pool *p)
{
    if (p->single)
        return engine_flow_stats(p->single)->active;
    uint64_t n = engine_flow_stats(p->local)->active;
    for (unsigned i = 1; i < p->n; i++)
        n += atomic_load_explicit(&p->workers[i].active_flows, memory_order_relaxed);
    return n;
}

void shard_pool_print_stats(const struct shard_pool *p, FILE *out)
{
    if (p->single) {
        engine_print_stats(p->single, out);
        return;
    }
    struct flow_stats fs = {0};
    struct engine_stats es = {0};
    for (unsigned i = 0; i < p->n; i++) {
        const struct flow_stats *f = i ? &p->workers[i].flow_stats : engine_flow_stats(p->local);
        const struct engine_stats *s = i ? &p->workers[i].engine_stats : engine_stats(p->local);
        fs.created += f->created;
        fs.active += f->active;
        fs.timed_out += f->timed_out;
        fs.closed += f->closed;
        fs.evicted += f->evicted;
        fs.flushed += f->flushed;
        fs.heads_with_gaps += f->heads_with_gaps;
        fs.retransmissions += f->retransmissions;
        fs.out_of_order += f->out_of_order;
        fs.peak_active += f->peak_active;
        fs.evicted_for_memory += f->evicted_for_memory;
        fs.memory += f->memory;
        fs.head_bytes += f->head_bytes;
        fs.owner_bytes += f->owner_bytes;
        fs.memory_peak += f->memory_peak;
        es.flows_classified += s->flows_classified;
        es.flows_unanswered += s->flows_unanswered;
        es.roles_from_banner += s->roles_from_banner;
        es.ftp_channels += s->ftp_channels;
    }
    es.ftp_channels += p->ftp_channels;
    engine_print_counts(out, decoder_stats(p->dec), &fs, &es);
    fprintf(out,
            "threads: %u (the reading thread runs one share of the flows; peak flows and peak "
            "memory are the sums of each share's)\n",
            p->n);
}

void shard_pool_destroy(struct shard_pool *p)
{
    if (!p)
        return;
    if (p->single) {
        engine_destroy(p->single);
        free(p);
        return;
    }
    char ignored[SHARD_ERR_MAX];
    shard_pool_finish(p, ignored, sizeof ignored);
    engine_destroy(p->local);
    for (unsigned i = 1; i < p->n; i++)
        free(p->workers[i].ring);
    decoder_destroy(p->dec);
    pthread_mutex_destroy(&p->inv_lock);
    free(p);
}
