/*
 * flow.c - the conversation table: lookup, roles, timeouts, eviction.
 *
 * Flows live in an open hash table (chained through hash_next) whose bucket
 * count is the power of two at or above the flows pooled so far (at least one
 * slab's worth, at most what max_flows needs): it doubles, taking every flow
 * again, as the pool grows, so a capture that never holds many flows at once
 * keeps a small array that stays in the cache. The hash is SipHash-1-3
 * over the key with its two endpoints in a canonical order (the smaller
 * address/port first), so both directions of a conversation land in the same
 * bucket, keyed with a per-run random seed so that nobody can choose
 * addresses that pile into one chain. The stored key keeps the real order:
 * side 0 is whoever sent the flow's first packet.
 *
 * The bucket array is first touched by writing, one page-sized block at a
 * time: a block no flow was ever put in holds only empty buckets, so a lookup
 * there reads nothing (bucket_head), and the first insert clears the block
 * (bucket_prepare). Had the lookup read it, the kernel would have mapped its
 * shared zero page there, and the first insert would then copy that page and
 * flush the TLB of every core the process runs on: with --threads, one
 * cross-core interrupt per page, which cost a second thread more than any
 * other part of its flow table.
 *
 * Flows come from a pool that grows a slab of PS_FLOW_SLAB_FLOWS at a time,
 * never past max_flows, and recycles expired flows through a free list: the
 * table allocates per flow at most, never per packet, and its memory is
 * bounded by max_flows * sizeof(struct flow) plus the bucket array.
 *
 * Memory cap: the table counts the bytes it holds (the table and buckets,
 * the pool's slabs, every head's buffers, recounted per flow whenever the
 * table touches the flow) and asks its owner for the bytes it keeps per flow
 * (nDPI's state). After each packet, while the sum is over max_memory, the
 * least recently active flow leaves as it would if the table were full,
 * except the packet's own flow, so the sum exceeds the cap by at most what
 * one packet added. Evicted flows go to the free list, and a new flow that
 * would need a new slab (and the larger bucket array it may bring) past the
 * cap takes the place of the least recently active one instead: the pool
 * stops growing once the cap is reached.
 *
 * Time is packet time. Each flow sits in one of three LRU lists, one per
 * timeout class (TCP open, TCP after FIN/RST, UDP), most recently active at
 * the head. Within a list every flow has the same timeout, so the tail is
 * always the next to expire: each packet expires at most
 * PS_FLOW_EXPIRE_PER_PACKET flows from the tails (each flow expires once, so
 * the work is amortised), and a flow found by lookup past its deadline is
 * expired on the spot, so laziness never changes what is seen. When the
 * table is full, the oldest of the three tails makes room: as a timeout if it
 * is due, else as an eviction.
 *
 * Roles: a SYN-ACK names its sender the server, a bare SYN its receiver.
 * Without a handshake the ports decide when exactly one of them is a server
 * port (below 1024 or in common_server_ports), UDP names the side that
 * answers the first datagram, and otherwise the receiver of the first packet
 * is a guess. The handshake also numbers the heads: a SYN fixes its side's
 * ISN, and a SYN-ACK's ack fixes the other side's when that SYN was lost.
 * bytes[] counts transport payload as sent (payload_wire_len).
 */
#include "flow.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

enum lru_class { LRU_TCP_OPEN = 0, LRU_TCP_CLOSED, LRU_UDP, LRU_CLASSES };

/* Buckets per block of the bucket array: a page of pointers (or all of a smaller array). */
#define BUCKET_BLOCK_BYTES 4096u

struct lru_list {
    struct flow *head, *tail;
};

struct flow_slab {
    struct flow_slab *next;
    struct flow flows[];
};

struct flow_table {
    struct flow_config cfg;
    flow_expire_fn on_expire;
    void *ctx;
    struct flow **buckets; /* aligned to BUCKET_BLOCK_BYTES */
    size_t mask;           /* bucket count - 1 */
    size_t block;          /* buckets per block */
    uint64_t *written;     /* one bit per block: ever written (else every bucket is empty) */
    size_t written_words;  /* of written: enough for the most buckets max_flows needs */
    struct lru_list lru[LRU_CLASSES];
    uint64_t timeout_us[LRU_CLASSES];
    struct flow *free_list; /* chained through hash_next */
    struct flow *last;      /* the previous packet's flow (NULL once it leaves the table) */
    struct flow_slab *slabs;
    uint32_t pooled;      /* flows carved from slabs so far (<= max_flows) */
    uint64_t fixed_bytes; /* the table, its buckets and its slabs (heads: stats.head_bytes) */
    uint64_t now_us;      /* latest packet time seen */
    uint64_t quiet_until; /* no tail is due before this packet time (0: look) */
    uint64_t k0, k1;      /* hash key */
    struct flow_stats stats;
};

/*
 * Ports at or above 1024 that servers commonly listen on, so that a
 * conversation picked up mid-stream between, say, 51234 and 5432 is read as
 * a client talking to PostgreSQL. Every port below 1024 counts as a server
 * port too. Sorted, for bsearch; a port here is evidence, never an
 * identification.
 */
static const uint16_t common_server_ports[] = {
    1080,  /* SOCKS */
    1194,  /* OpenVPN */
    1433,  /* Microsoft SQL Server */
    1521,  /* Oracle TNS */
    1723,  /* PPTP */
    1812,  /* RADIUS */
    1883,  /* MQTT */
    1900,  /* SSDP */
    2049,  /* NFS */
    2181,  /* ZooKeeper */
    2375,  /* Docker API */
    2376,  /* Docker API over TLS */
    3128,  /* HTTP proxies (Squid) */
    3306,  /* MySQL */
    3389,  /* RDP */
    3690,  /* Subversion */
    4369,  /* Erlang port mapper */
    4500,  /* IPsec NAT traversal */
    5060,  /* SIP */
    5061,  /* SIP over TLS */
    5222,  /* XMPP client */
    5353,  /* multicast DNS */
    5432,  /* PostgreSQL */
    5671,  /* AMQP over TLS */
    5672,  /* AMQP */
    5900,  /* VNC */
    5984,  /* CouchDB */
    6379,  /* Redis */
    6443,  /* Kubernetes API */
    6667,  /* IRC */
    8000,  /* HTTP alternate */
    8008,  /* HTTP alternate */
    8080,  /* HTTP proxy / alternate */
    8443,  /* HTTPS alternate */
    8888,  /* HTTP alternate */
    9042,  /* Cassandra */
    9092,  /* Kafka */
    9100,  /* printer raw (JetDirect) */
    9200,  /* Elasticsearch */
    9418,  /* git */
    11211, /* memcached */
    27017, /* MongoDB */
};

static int port_order(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

bool flow_port_is_server_like(uint16_t port)
{
    if (port < 1024)
        return true;
    return bsearch(&port, common_server_ports,
                   sizeof common_server_ports / sizeof common_server_ports[0],
                   sizeof common_server_ports[0], port_order) != NULL;
}

/* --- hashing ---------------------------------------------------------------------------- */

static uint64_t rotl64(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl64(s->v1, 13) ^ s->v0;
    s->v0 = rotl64(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl64(s->v3, 16) ^ s->v2;
    s->v0 += s->v3;
    s->v3 = rotl64(s->v3, 21) ^ s->v0;
    s->v2 += s->v1;
    s->v1 = rotl64(s->v1, 17) ^ s->v2;
    s->v2 = rotl64(s->v2, 32);
}

static void sip_absorb(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    s->v0 ^= m;
}

/*
 * SipHash-1-3 (one compression round, three finalisation rounds) over whole
 * 64-bit words: keyed, and fast on a short key that is already laid out in
 * words, so no message is assembled byte by byte.
 */
static uint64_t siphash13_words(uint64_t k0, uint64_t k1, const uint64_t *m, size_t words)
{
    struct sip_state s = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
                          k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
    for (size_t i = 0; i < words; i++)
        sip_absorb(&s, m[i]);
    sip_absorb(&s, (uint64_t)(words * 8) << 56);
    s.v2 ^= 0xff;
    for (int i = 0; i < 3; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

struct endpoint {
    const struct ps_addr *addr;
    uint16_t port;
};

/* One endpoint as three words: the address bytes, then family (4 bits: 0, 4 or 6) and port. */
struct endpoint_words {
    uint64_t w[3];
};

static struct endpoint_words endpoint_words(struct endpoint e)
{
    struct endpoint_words x;
    memcpy(&x.w[0], e.addr->bytes, 8);
    memcpy(&x.w[1], e.addr->bytes + 8, 8);
    x.w[2] = (uint64_t)(e.addr->family & 0x0f) << 16 | e.port;
    return x;
}

/* Any total order will do, as long as both directions agree on it. */
static bool words_after(const struct endpoint_words *a, const struct endpoint_words *b)
{
    if (a->w[0] != b->w[0])
        return a->w[0] > b->w[0];
    if (a->w[1] != b->w[1])
        return a->w[1] > b->w[1];
    return a->w[2] > b->w[2];
}

/* The same for both directions: the endpoints go in canonical order. */
static uint64_t conversation_hash(const struct flow_table *t, uint8_t transport, uint16_t vlan,
                                  struct endpoint a, struct endpoint b)
{
    struct endpoint_words x = endpoint_words(a), y = endpoint_words(b);
    if (words_after(&x, &y)) {
        struct endpoint_words z = x;
        x = y;
        y = z;
    }
    /* Ports, families, VLAN id and transport share the last word: 20 + 20 + 16 + 8 bits. */
    uint64_t m[5] = {x.w[0], x.w[1], y.w[0], y.w[1],
                     x.w[2] | y.w[2] << 20 | (uint64_t)vlan << 40 | (uint64_t)transport << 56};
    return siphash13_words(t->k0, t->k1, m, 5);
}

static void seed_hash(struct flow_table *t, uint64_t fixed)
{
    uint64_t key[2] = {0, 0};
    if (fixed) {
        key[0] = fixed;
        key[1] = fixed * 0x9e3779b97f4a7c15ULL;
    } else if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
        /* No kernel randomness: clock and pid still differ run to run. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        key[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30);
        key[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)t;
    }
    t->k0 = key[0];
    t->k1 = key[1];
}

/* --- LRU lists -------------------------------------------------------------------------- */

static enum lru_class class_of(const struct flow *f)
{
    if (f->key.transport == IPPROTO_UDP)
        return LRU_UDP;
    return f->closing ? LRU_TCP_CLOSED : LRU_TCP_OPEN;
}

static void lru_push_head(struct flow_table *t, struct flow *f)
{
    struct lru_list *l = &t->lru[class_of(f)];
    f->lru_prev = NULL;
    f->lru_next = l->head;
    if (l->head) {
        l->head->lru_prev = f;
    } else {
        l->tail = f;
        t->quiet_until = 0; /* a new tail */
    }
    l->head = f;
}

/* Out of list c (the flow's class when it was put there). */
static void lru_unlink_from(struct flow_table *t, struct flow *f, enum lru_class c)
{
    struct lru_list *l = &t->lru[c];
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        l->head = f->lru_next;
    if (f->lru_next) {
        f->lru_next->lru_prev = f->lru_prev;
    } else {
        l->tail = f->lru_prev;
        t->quiet_until = 0; /* a new tail */
    }
    f->lru_prev = f->lru_next = NULL;
}

static void lru_unlink(struct flow_table *t, struct flow *f)
{
    lru_unlink_from(t, f, class_of(f));
}

/* Idle past the timeout of list c, the flow's. */
static bool due_in(const struct flow_table *t, const struct flow *f, enum lru_class c)
{
    return t->now_us > f->last_us && t->now_us - f->last_us > t->timeout_us[c];
}

static bool is_due(const struct flow_table *t, const struct flow *f)
{
    return due_in(t, f, class_of(f));
}

/* The least recently active flow of all three lists, or NULL when empty. */
static struct flow *oldest_flow(const struct flow_table *t)
{
    struct flow *oldest = NULL;
    for (int c = 0; c < LRU_CLASSES; c++) {
        struct flow *f = t->lru[c].tail;
        if (f && (!oldest || f->last_us < oldest->last_us))
            oldest = f;
    }
    return oldest;
}

/* --- pool ------------------------------------------------------------------------------- */

static void grow_buckets(struct flow_table *t);

/* Flows the next slab holds (0 when the pool is at max_flows). */
static uint32_t next_slab_flows(const struct flow_table *t)
{
    uint32_t n = t->cfg.max_flows - t->pooled;
    return n > PS_FLOW_SLAB_FLOWS ? PS_FLOW_SLAB_FLOWS : n;
}

static size_t slab_bytes(uint32_t flows)
{
    return sizeof(struct flow_slab) + (size_t)flows * sizeof(struct flow) + PS_ALLOC_OVERHEAD;
}

static struct flow *flow_alloc(struct flow_table *t)
{
    if (!t->free_list && t->pooled < t->cfg.max_flows) {
        uint32_t n = next_slab_flows(t);
        struct flow_slab *slab = malloc(slab_bytes(n) - PS_ALLOC_OVERHEAD);
        if (!slab)
            return NULL;
        slab->next = t->slabs;
        t->slabs = slab;
        t->pooled += n;
        t->fixed_bytes += slab_bytes(n);
        grow_buckets(t);
        for (uint32_t i = n; i-- > 0;) {
            slab->flows[i].hash_next = t->free_list;
            t->free_list = &slab->flows[i];
        }
    }
    struct flow *f = t->free_list;
    if (f)
        t->free_list = f->hash_next;
    return f;
}

static void flow_recycle(struct flow_table *t, struct flow *f)
{
    f->hash_next = t->free_list;
    t->free_list = f;
}

/* --- table ------------------------------------------------------------------------------ */

/* Buckets for `flows` flows: the power of two at or above, at least 16. */
static size_t bucket_count(uint32_t flows)
{
    size_t n = 16;
    while (n < flows)
        n <<= 1;
    return n;
}

/* Buckets the pool needs once it holds `pooled` flows (never more than max_flows needs). */
static size_t buckets_for_pool(const struct flow_table *t, uint32_t pooled)
{
    size_t n = bucket_count(pooled > PS_FLOW_SLAB_FLOWS ? pooled : PS_FLOW_SLAB_FLOWS);
    size_t most = bucket_count(t->cfg.max_flows);
    return n < most ? n : most;
}

/* A new bucket array of n buckets, every block unwritten. Returns false, changing nothing,
   without memory. */
static bool buckets_replace(struct flow_table *t, size_t n)
{
    void *buckets = NULL;
    if (posix_memalign(&buckets, BUCKET_BLOCK_BYTES, n * sizeof *t->buckets) != 0)
        return false;
    free(t->buckets);
    t->buckets = buckets;
    t->mask = n - 1;
    size_t per_page = BUCKET_BLOCK_BYTES / sizeof *t->buckets;
    t->block = n < per_page ? n : per_page;
    memset(t->written, 0, t->written_words * sizeof *t->written);
    return true;
}

struct flow_table *flow_table_create(const struct flow_config *cfg, flow_expire_fn on_expire,
                                     void *ctx)
{
    struct flow_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cfg = *cfg;
    if (!t->cfg.max_flows)
        t->cfg.max_flows = 1;
    if (t->cfg.head_bytes > PS_MAX_HEAD_BYTES)
        t->cfg.head_bytes = PS_MAX_HEAD_BYTES;
    /* The bitmap is sized once for the largest array; the array starts at the first
       slab's size and doubles as the pool grows (grow_buckets). */
    size_t most = bucket_count(t->cfg.max_flows);
    size_t per_page = BUCKET_BLOCK_BYTES / sizeof *t->buckets;
    t->written_words = (most / (most < per_page ? most : per_page) + 63) / 64;
    t->written = calloc(t->written_words, sizeof *t->written);
    size_t n = buckets_for_pool(t, 0);
    if (!t->written || !buckets_replace(t, n)) {
        free(t->written);
        free(t);
        return NULL;
    }
    t->fixed_bytes = sizeof *t + n * sizeof *t->buckets + t->written_words * sizeof *t->written +
                     3 * PS_ALLOC_OVERHEAD;
    t->on_expire = on_expire;
    t->ctx = ctx;
    t->timeout_us[LRU_TCP_OPEN] = (uint64_t)t->cfg.tcp_idle_s * 1000000u;
    t->timeout_us[LRU_TCP_CLOSED] = (uint64_t)t->cfg.tcp_closed_s * 1000000u;
    t->timeout_us[LRU_UDP] = (uint64_t)t->cfg.udp_idle_s * 1000000u;
    seed_hash(t, cfg->hash_seed);
    return t;
}

static void release_heads(struct flow *f)
{
    stream_head_release(&f->head[0]);
    stream_head_release(&f->head[1]);
}

/* Bring the table's count of head memory up to date with this flow's heads. */
static void count_heads(struct flow_table *t, struct flow *f)
{
    uint32_t now = (uint32_t)(stream_head_bytes(&f->head[0]) + stream_head_bytes(&f->head[1]));
    t->stats.head_bytes = t->stats.head_bytes - f->head_mem + now;
    f->head_mem = now;
}

void flow_finish_heads(struct flow_table *t, struct flow *f)
{
    stream_head_finish(&f->head[0]);
    stream_head_finish(&f->head[1]);
    count_heads(t, f);
}

void flow_release_heads(struct flow_table *t, struct flow *f)
{
    release_heads(f);
    count_heads(t, f);
}

void flow_table_destroy(struct flow_table *t)
{
    if (!t)
        return;
    for (int c = 0; c < LRU_CLASSES; c++)
        for (struct flow *f = t->lru[c].head; f; f = f->lru_next)
            release_heads(f);
    while (t->slabs) {
        struct flow_slab *next = t->slabs->next;
        free(t->slabs);
        t->slabs = next;
    }
    free(t->buckets);
    free(t->written);
    free(t);
}

/* The first flow of a bucket's chain; a block never written is not read. */
static struct flow *bucket_head(const struct flow_table *t, size_t bucket)
{
    size_t blk = bucket / t->block;
    if (!(t->written[blk / 64] >> (blk % 64) & 1u))
        return NULL;
    return t->buckets[bucket];
}

/* Before a flow goes into a bucket: its block, if never written, is cleared (written first). */
static void bucket_prepare(struct flow_table *t, size_t bucket)
{
    size_t blk = bucket / t->block;
    uint64_t bit = 1ull << (blk % 64);
    if (t->written[blk / 64] & bit)
        return;
    memset(&t->buckets[blk * t->block], 0, t->block * sizeof *t->buckets);
    t->written[blk / 64] |= bit;
}

/*
 * The pool grew past the buckets: a bucket array twice as large (or more) takes every
 * flow of the table, so chains stay at one flow per bucket or less, as with an array
 * sized for max_flows from the start, while a table that never holds many flows never
 * touches (page-faults, and misses the cache on) an array for max_flows. Without
 * memory for it the old array stays, with longer chains.
 */
static void grow_buckets(struct flow_table *t)
{
    size_t n = buckets_for_pool(t, t->pooled), old = t->mask + 1;
    if (n <= old || !buckets_replace(t, n))
        return;
    t->fixed_bytes += (n - old) * sizeof *t->buckets;
    for (int c = 0; c < LRU_CLASSES; c++)
        for (struct flow *f = t->lru[c].head; f; f = f->lru_next) {
            size_t b = f->hash & t->mask;
            bucket_prepare(t, b);
            f->hash_next = t->buckets[b];
            t->buckets[b] = f;
        }
}

static void hash_unlink(struct flow_table *t, struct flow *f)
{
    struct flow **pp = &t->buckets[f->hash & t->mask];
    while (*pp && *pp != f)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = f->hash_next;
    f->hash_next = NULL;
}

static void flow_expire(struct flow_table *t, struct flow *f, enum flow_end_reason why)
{
    /*
     * Gaps are counted here, once per head, whoever found them (this table,
     * or the owner finishing the heads when it classified early).
     */
    flow_finish_heads(t, f);
    for (int s = 0; s < 2; s++)
        if (f->head[s].flags & HEAD_GAP)
            t->stats.heads_with_gaps++;
    if (t->on_expire)
        t->on_expire(f, why, t->ctx);
    flow_release_heads(t, f);
    hash_unlink(t, f);
    lru_unlink(t, f);
    if (t->last == f)
        t->last = NULL; /* recycled, its key still in place: never found through the cache */
    t->stats.active--;
    switch (why) {
    case FLOW_END_TIMEOUT:
        t->stats.timed_out++;
        break;
    case FLOW_END_CLOSED:
        t->stats.closed++;
        break;
    case FLOW_END_EVICTED:
        t->stats.evicted++;
        break;
    case FLOW_END_FLUSH:
        t->stats.flushed++;
        break;
    }
    flow_recycle(t, f);
}

static enum flow_end_reason timeout_reason(const struct flow *f)
{
    return class_of(f) == LRU_TCP_CLOSED ? FLOW_END_CLOSED : FLOW_END_TIMEOUT;
}

/*
 * Expire up to budget flows whose timeout has passed, oldest of each list first.
 * When no tail is left due, the earliest time one will be is remembered, so the
 * packets before it skip the look; a tail's time only moves later, and a new tail
 * (unlinked or pushed into an empty list) makes the next packet look again.
 */
static void expire_due(struct flow_table *t, uint64_t budget)
{
    if (t->now_us < t->quiet_until)
        return;
    uint64_t quiet = UINT64_MAX;
    for (enum lru_class c = 0; c < LRU_CLASSES; c++) {
        struct flow *f;
        while ((f = t->lru[c].tail) && due_in(t, f, c)) {
            if (!budget) {
                t->quiet_until = 0; /* more are due: the next packet goes on */
                return;
            }
            flow_expire(t, f, timeout_reason(f));
            budget--;
        }
        if (f && f->last_us + t->timeout_us[c] < quiet)
            quiet = f->last_us + t->timeout_us[c];
    }
    /* due_in is now_us - last_us > timeout: the first due time is one past. */
    t->quiet_until = quiet == UINT64_MAX ? UINT64_MAX : quiet + 1;
}

/* The least recently active flow leaves (timed out if it is due). Returns whether it was
   evicted. */
static bool expire_oldest(struct flow_table *t, struct flow *f)
{
    bool evicted = !is_due(t, f);
    flow_expire(t, f, evicted ? FLOW_END_EVICTED : timeout_reason(f));
    return evicted;
}

/* The table is full: the least recently active flow leaves. Returns whether it was
   evicted. */
static bool make_room(struct flow_table *t)
{
    struct flow *f = oldest_flow(t);
    return f && expire_oldest(t, f);
}

static uint64_t memory_in_use(struct flow_table *t)
{
    t->stats.owner_bytes = t->cfg.owner_bytes ? t->cfg.owner_bytes(t->ctx) : 0;
    return t->fixed_bytes + t->stats.head_bytes + t->stats.owner_bytes;
}

/* A new flow would need a new slab, and the slab (with the larger bucket array it may
   bring) would take the table over max_memory. */
static bool pool_growth_over_cap(struct flow_table *t)
{
    if (!t->cfg.max_memory || t->free_list || t->pooled >= t->cfg.max_flows)
        return false;
    uint32_t n = next_slab_flows(t);
    size_t want = buckets_for_pool(t, t->pooled + n), have = t->mask + 1;
    size_t more = want > have ? want - have : 0;
    return memory_in_use(t) + slab_bytes(n) + more * sizeof *t->buckets > t->cfg.max_memory;
}

/* Over max_memory: the least recently active flows leave, all but keep (this packet's). */
static void enforce_memory_cap(struct flow_table *t, const struct flow *keep)
{
    uint64_t used = memory_in_use(t);
    if (used > t->stats.memory_peak)
        t->stats.memory_peak = used;
    struct flow *f;
    while (t->cfg.max_memory && used > t->cfg.max_memory && (f = oldest_flow(t)) && f != keep) {
        if (expire_oldest(t, f))
            t->stats.evicted_for_memory++;
        used = memory_in_use(t);
    }
    t->stats.memory = used;
}

static uint16_t outer_vlan(const struct packet_view *p)
{
    /* The id only: priority bits may differ between the two directions. */
    return p->vlan_count ? (uint16_t)(p->vlan[0] & 0x0fff) : 0;
}

/* Which side of flow f sent packet p, or -1 when p is not of this flow. */
static int side_of(const struct flow *f, const struct packet_view *p, uint16_t vlan)
{
    const struct flow_key *k = &f->key;
    if (k->transport != p->transport || k->vlan != vlan)
        return -1;
    if (k->port[0] == p->sport && k->port[1] == p->dport && addr_equal(&k->addr[0], &p->src) &&
        addr_equal(&k->addr[1], &p->dst))
        return 0;
    if (k->port[1] == p->sport && k->port[0] == p->dport && addr_equal(&k->addr[1], &p->src) &&
        addr_equal(&k->addr[0], &p->dst))
        return 1;
    return -1;
}

static struct flow *lookup(const struct flow_table *t, uint32_t hash, const struct packet_view *p,
                           uint16_t vlan, int *side)
{
    for (struct flow *f = bucket_head(t, hash & t->mask); f; f = f->hash_next)
        if ((*side = side_of(f, p, vlan)) >= 0)
            return f;
    return NULL;
}

/* The low 32 bits of the conversation's hash: a bucket array never has more than 2^32
   buckets (max_flows is 32-bit), so they choose the bucket at every size. */
static uint32_t packet_hash(const struct flow_table *t, const struct packet_view *p, uint16_t vlan)
{
    return (uint32_t)conversation_hash(t, p->transport, vlan, (struct endpoint){&p->src, p->sport},
                                       (struct endpoint){&p->dst, p->dport});
}

/* Before any handshake: which side is the server, judged from the ports alone. */
static void initial_role(struct flow *f)
{
    bool srv0 = flow_port_is_server_like(f->key.port[0]);
    bool srv1 = flow_port_is_server_like(f->key.port[1]);
    if (srv0 != srv1)
        flow_set_server(f, srv0 ? 0 : 1, ROLE_PORT);
    else
        flow_set_server(f, 1, ROLE_GUESS);
}

static struct flow *flow_create(struct flow_table *t, uint32_t hash, const struct packet_view *p,
                                uint16_t vlan)
{
    if (t->stats.active >= t->cfg.max_flows)
        make_room(t);
    else if (pool_growth_over_cap(t) && make_room(t))
        t->stats.evicted_for_memory++;
    struct flow *f = flow_alloc(t);
    if (!f)
        return NULL;
    memset(f, 0, sizeof *f);
    f->key.addr[0] = p->src;
    f->key.addr[1] = p->dst;
    f->key.port[0] = p->sport;
    f->key.port[1] = p->dport;
    f->key.vlan = vlan;
    f->key.transport = p->transport;
    f->first_us = f->last_us = p->ts_us;
    initial_role(f);
    f->hash = hash;
    size_t bucket = hash & t->mask; /* after flow_alloc, which may grow the buckets */
    bucket_prepare(t, bucket);
    f->hash_next = t->buckets[bucket];
    t->buckets[bucket] = f;
    lru_push_head(t, f);
    t->stats.created++;
    if (++t->stats.active > t->stats.peak_active)
        t->stats.peak_active = t->stats.active;
    return f;
}

/* SYN, FIN and RST: roles, the closing state and the heads' sequence numbers. */
static void tcp_flags(struct flow *f, int side, const struct packet_view *p)
{
    uint8_t fl = p->tcp_flags;
    if (fl & PS_TCP_SYN) {
        f->syn_seen |= (uint8_t)(1u << side);
        if (fl & PS_TCP_ACK)
            flow_set_server(f, side, ROLE_HANDSHAKE);
        else if (f->role_reason != ROLE_HANDSHAKE)
            flow_set_server(f, 1 - side, ROLE_HANDSHAKE);
    }
    if (fl & (PS_TCP_FIN | PS_TCP_RST))
        f->closing = 1;
}

static void feed_tcp(struct flow_table *t, struct flow *f, int side, const struct packet_view *p)
{
    struct stream_head *h = &f->head[side];
    uint32_t seq = p->seq;
    if (p->tcp_flags & PS_TCP_SYN) {
        stream_head_syn(h, seq);
        seq++; /* data on a SYN (TCP Fast Open) starts after it */
        /* A SYN-ACK acknowledges the other side's ISN + 1: enough when its SYN was lost. */
        if (p->tcp_flags & PS_TCP_ACK)
            stream_head_syn(&f->head[1 - side], p->ack - 1);
    }
    if (p->payload_len) {
        switch (stream_head_place_tcp(h, seq, p->payload, p->payload_len, t->cfg.head_bytes)) {
        case SEG_OUT_OF_ORDER:
        case SEG_GAP:
            t->stats.out_of_order++;
            break;
        case SEG_RETRANSMISSION:
            t->stats.retransmissions++;
            break;
        case SEG_NONE:
        case SEG_IN_ORDER:
            break;
        }
    }
    if (p->tcp_flags & PS_TCP_FIN) {
        /* Snapped payloads still took their full length of sequence space. */
        uint32_t sent = p->payload_wire_len > p->payload_len ? p->payload_wire_len : p->payload_len;
        stream_head_fin(h, seq + sent);
    }
    if (p->tcp_flags & PS_TCP_RST)
        stream_head_rst(h);
}

static void feed_udp(struct flow_table *t, struct flow *f, int side, const struct packet_view *p)
{
    struct stream_head *h = &f->head[side];
    if (!stream_head_add_udp(h, p->payload, p->payload_len, t->cfg.head_bytes))
        return;
    /* A datagram cut by the snap length: the head ends where its bytes went missing, so
     * nothing reads its last byte as the end of what was said. */
    if (p->payload_wire_len > p->payload_len)
        h->flags |= HEAD_GAP;
}

/* A bare SYN on a flow that already ended: the ports are being reused for a new conversation. */
static bool starts_new_conversation(const struct flow *f, const struct packet_view *p)
{
    return p->transport == IPPROTO_TCP && f->closing &&
           (p->tcp_flags & (PS_TCP_SYN | PS_TCP_ACK)) == PS_TCP_SYN;
}

struct flow *flow_table_packet(struct flow_table *t, const struct packet_view *pkt, int *side)
{
    if (pkt->transport != IPPROTO_TCP && pkt->transport != IPPROTO_UDP)
        return NULL;
    if (pkt->ts_us > t->now_us)
        t->now_us = pkt->ts_us;
    expire_due(t, PS_FLOW_EXPIRE_PER_PACKET);

    uint16_t vlan = outer_vlan(pkt);
    /*
     * Packets come in trains (a transfer, a request and its answer): when this
     * one belongs to the previous packet's flow, the key comparison alone finds
     * it and the hash is not computed. A flow leaving the table clears last.
     */
    int s = 0;
    struct flow *f = t->last && (s = side_of(t->last, pkt, vlan)) >= 0 ? t->last : NULL;
    uint32_t hash = 0;
    if (!f) {
        hash = packet_hash(t, pkt, vlan);
        f = lookup(t, hash, pkt, vlan, &s);
    }
    bool due = f && is_due(t, f);
    if (f && (due || starts_new_conversation(f, pkt))) {
        hash = f->hash; /* a flow found by the last-flow shortcut: the hash is the flow's */
        flow_expire(t, f, due ? timeout_reason(f) : FLOW_END_CLOSED);
        f = NULL;
    }
    if (!f) {
        f = flow_create(t, hash, pkt, vlan);
        if (!f) {
            t->stats.alloc_failures++;
            return NULL;
        }
        s = 0;
    }
    *side = s;
    t->last = f;

    enum lru_class was = class_of(f); /* its list may change with its state */
    f->packets[s]++;
    f->bytes[s] += pkt->payload_wire_len;
    if (pkt->ts_us > f->last_us)
        f->last_us = pkt->ts_us;
    if (pkt->payload_len && !f->first_talker)
        f->first_talker = (uint8_t)(1 + s);
    if (pkt->transport == IPPROTO_TCP)
        tcp_flags(f, s, pkt);
    else if (s == 1 && f->role_reason == ROLE_GUESS)
        flow_set_server(f, 1, ROLE_RESPONDER);
    /* A train of packets finds its flow at the head of its list already. */
    if (t->lru[was].head != f || class_of(f) != was) {
        lru_unlink_from(t, f, was);
        lru_push_head(t, f);
    }

    if (!f->classified) {
        if (pkt->transport == IPPROTO_TCP)
            feed_tcp(t, f, s, pkt);
        else
            feed_udp(t, f, s, pkt);
        count_heads(t, f);
    } else {
        if (!(f->head[0].flags & f->head[1].flags & HEAD_RELEASED))
            release_heads(f);
        /* Released heads hold nothing: only a count not yet brought to zero changes. */
        if (f->head_mem)
            count_heads(t, f);
    }
    enforce_memory_cap(t, f);
    return f;
}

void flow_table_flush(struct flow_table *t)
{
    struct flow *f;
    while ((f = oldest_flow(t)))
        flow_expire(t, f, FLOW_END_FLUSH);
    t->stats.memory = memory_in_use(t);
}

void flow_table_tick(struct flow_table *t, uint64_t now_us)
{
    flow_table_advance(t, now_us);
    expire_due(t, UINT64_MAX);
    t->stats.memory = memory_in_use(t);
}

void flow_table_advance(struct flow_table *t, uint64_t now_us)
{
    if (now_us > t->now_us)
        t->now_us = now_us;
}

const struct flow_stats *flow_table_stats(const struct flow_table *t)
{
    return &t->stats;
}

size_t flow_table_bytes_per_flow(void)
{
    /* Buckets are the power of two at or above max_flows: at most two slots per flow. */
    return sizeof(struct flow) + 2 * sizeof(struct flow *);
}

void flow_set_server(struct flow *f, int side, enum role_reason why)
{
    f->server = side ? 1 : 0;
    f->role_reason = (uint8_t)why;
}

const char *role_reason_name(enum role_reason r)
{
    switch (r) {
    case ROLE_GUESS:
        return "guess";
    case ROLE_HANDSHAKE:
        return "handshake";
    case ROLE_BANNER:
        return "banner";
    case ROLE_PORT:
        return "port";
    case ROLE_RESPONDER:
        return "responder";
    case ROLE_ANNOUNCED:
        return "announced";
    }
    return "unknown";
}

const char *flow_end_reason_name(enum flow_end_reason r)
{
    switch (r) {
    case FLOW_END_TIMEOUT:
        return "timeout";
    case FLOW_END_CLOSED:
        return "closed";
    case FLOW_END_EVICTED:
        return "evicted";
    case FLOW_END_FLUSH:
        return "flush";
    }
    return "unknown";
}

bool flow_heads_complete(const struct flow *f)
{
    return stream_head_complete(&f->head[0]) && stream_head_complete(&f->head[1]);
}

void flow_classify_input(const struct flow *f, int server, struct classify_input *in)
{
    int srv = server, cli = 1 - server;
    memset(in, 0, sizeof *in);
    in->transport = f->key.transport;
    in->server = f->key.addr[srv];
    in->client = f->key.addr[cli];
    in->server_port = f->key.port[srv];
    in->client_port = f->key.port[cli];
    stream_head_view(&f->head[srv], &in->server_head);
    stream_head_view(&f->head[cli], &in->client_head);
    if (!f->first_talker)
        in->first_talker = TALKER_NONE;
    else
        in->first_talker = f->first_talker - 1 == srv ? TALKER_SERVER : TALKER_CLIENT;
}
