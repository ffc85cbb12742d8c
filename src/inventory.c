/*
 * inventory.c - one record per server endpoint, merging the evidence of every flow.
 *
 * Records live in a hash table keyed by (host, port, transport) with a
 * per-run seed. Each flow's evidence is merged into its endpoint's list
 * (duplicates folded, strongest first, bounded); the record's identification
 * is the strongest evidence, with empty fields (product, version, ...) filled
 * from weaker evidence that names the same service. Confidence starts from
 * the winner's strength, rises when another witness agrees and falls when a
 * witness of nDPI strength or more names a different service.
 *
 * The detail (TLS, SSH, HTTP, DNS, SNMP, NTP) is merged part by part: each
 * part (a field, or a group that only makes sense whole, such as a
 * certificate) comes from the earliest flow that has it. So the record shows
 * what its first flow saw, completed by later flows (a TLS 1.2 flow's
 * certificate beside a TLS 1.3 flow's hellos), and the result does not
 * depend on the order in which flows were classified.
 *
 * Announced channels (FTP data) are kept in a small ring of expectations:
 * an endpoint announced before or after its flows were seen gets evidence of
 * strength STRENGTH_ANNOUNCED, which outranks whatever its payload resembles.
 * The record keeps the control endpoint that announced it (one, the first in a
 * fixed order when several did), so it does not need the ring once it has its
 * evidence. A channel announced in passive mode is the control endpoint's own
 * software: it shows that record's product, version and cpe, taken again each
 * time the inventory is sorted for a report, since the control connection
 * usually outlives its channels and is classified after them.
 */
#include "inventory.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* One part of a flow_detail that is kept from a single flow. */
enum part_kind {
    PART_TEXT,   /* a string: present when not empty */
    PART_NUMBER, /* an int: present when not zero */
    PART_GROUP,  /* bytes that go together: present when the bool at flag is true */
};

struct detail_part {
    size_t offset, size, flag;
    uint8_t kind;
};

#define FD_SIZE(m) sizeof(((struct flow_detail *)0)->m)
#define TEXT_PART(m)                                                                               \
    {                                                                                              \
        offsetof(struct flow_detail, m), FD_SIZE(m), 0, PART_TEXT                                  \
    }
#define NUMBER_PART(m)                                                                             \
    {                                                                                              \
        offsetof(struct flow_detail, m), FD_SIZE(m), 0, PART_NUMBER                                \
    }
/* From member first to member last, inclusive, present when flag is true. */
#define GROUP_PART(first, last, flag)                                                              \
    {                                                                                              \
        offsetof(struct flow_detail, first),                                                       \
            offsetof(struct flow_detail, last) + FD_SIZE(last) -                                   \
                offsetof(struct flow_detail, first),                                               \
            offsetof(struct flow_detail, flag), PART_GROUP                                         \
    }

static const struct detail_part detail_parts[] = {
    /* A ClientHello and a ServerHello are each kept whole, from one flow: an ALPN choice
     * from a TLS 1.2 flow must not appear as a TLS 1.3 flow's. */
    GROUP_PART(tls.have_client_hello, tls.ja3, tls.have_client_hello),
    GROUP_PART(tls.have_server_hello, tls.ja3s, tls.have_server_hello),
    /* The certificate's fields describe one certificate: never mixed from two flows. */
    GROUP_PART(tls.have_cert, tls.self_signed, tls.have_cert),
    TEXT_PART(ssh.client_banner),
    TEXT_PART(ssh.server_banner),
    TEXT_PART(ssh.hassh),
    TEXT_PART(ssh.hassh_server),
    TEXT_PART(http.server),
    TEXT_PART(http.powered_by),
    NUMBER_PART(http.status),
    TEXT_PART(http.host),
    TEXT_PART(http.user_agent),
    TEXT_PART(http.method),
    /* One query and the answer to it: a UDP exchange is described whole. */
    GROUP_PART(dns, dns, dns.seen),
    GROUP_PART(snmp, snmp, snmp.seen),
    GROUP_PART(ntp, ntp, ntp.seen),
};
#define DETAIL_PARTS (sizeof detail_parts / sizeof *detail_parts)

/* A record's detail and, for each part, the first_us of the flow it came from. */
struct detail_store {
    struct flow_detail detail;
    uint64_t part_us[DETAIL_PARTS];
};

/* Slots of a client set's index: twice its hosts, so a probe sequence stays short. */
#define CLIENT_SLOTS (2u * PS_MAX_CLIENTS_TRACKED)
_Static_assert(PS_MAX_CLIENTS_TRACKED < 255u, "a client set's index holds 1 + a host's place");
_Static_assert((CLIENT_SLOTS & (CLIENT_SLOTS - 1u)) == 0, "CLIENT_SLOTS must be a power of two");

/*
 * The distinct client hosts of one endpoint, in the order they came, with an
 * open-addressing index over them hashed with the inventory's seed: a flow from
 * a known client costs one probe or two, not a pass over every host kept.
 */
struct client_set {
    uint8_t slot[CLIENT_SLOTS]; /* 1 + the host's place in host[], 0 when free */
    struct ps_addr host[PS_MAX_CLIENTS_TRACKED];
};

/* The chain pointer sits just before the record's key (host, port, transport) so a
 * lookup walking a chain touches one cache line per record. */
struct endpoint_slot {
    struct endpoint_slot *next;
    struct endpoint_record rec;
    struct client_set *clients;  /* NULL until the first client is counted */
    uint64_t banner_us;          /* first_us of the flow the banner came from */
    struct detail_store *detail; /* rec.detail points into it; NULL until some detail is seen */
    uint8_t evidence_cap;        /* room in rec.evidence; grows by doubling */
    bool announced;              /* origin is set: the record holds announced evidence */
    struct channel_origin origin;
};

struct expectation {
    struct ps_addr host;
    uint16_t port;
    uint8_t transport;
    char service[EV_SERVICE_MAX];
    char rule[EV_RULE_MAX];
    struct channel_origin origin;
};

/* Slots of the alias index: twice the most aliases, so probe sequences stay short. */
#define ALIAS_SLOTS (2u * PS_MAX_ALIASES)
_Static_assert((ALIAS_SLOTS & (ALIAS_SLOTS - 1u)) == 0, "ALIAS_SLOTS must be a power of two");
_Static_assert(PS_MAX_ALIASES < UINT16_MAX, "alias_slot holds 1 + an alias's place");

struct alias {
    char from[EV_SERVICE_MAX], to[EV_SERVICE_MAX];
    unsigned order; /* line order: among equal names the first line wins */
};

struct inventory {
    const struct port_table *ports;
    struct endpoint_slot **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    uint64_t dropped;
    uint64_t seed;
    const struct endpoint_record **sorted;
    struct expectation expect[PS_MAX_EXPECTATIONS];
    size_t expect_count, expect_next;
    struct alias *aliases;
    size_t alias_count;
    /* Open addressing over the alias names, hashed with seed: 1 + the place in aliases of
       a name's first line, 0 when free. Most services are no alias: their probe meets a
       free slot, with no string compared. */
    uint16_t alias_slot[ALIAS_SLOTS];
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

/* FNV-1a over a name, started from the seed. */
static uint64_t name_hash(uint64_t seed, const char *name)
{
    uint64_t h = seed ^ 0xcbf29ce484222325ull;
    for (; *name; name++) {
        h ^= (unsigned char)*name;
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 32);
}

static uint64_t addr_hash(uint64_t seed, const struct ps_addr *host)
{
    uint64_t h = seed, w;
    for (int i = 0; i < 16; i += 8) {
        memcpy(&w, host->bytes + i, 8);
        h = mix(h, w);
    }
    return h;
}

static size_t bucket_of(const struct inventory *inv, const struct ps_addr *host, uint16_t port,
                        uint8_t transport)
{
    uint64_t h = mix(addr_hash(inv->seed, host),
                     (uint64_t)host->family << 24 | (uint64_t)transport << 16 | port);
    return (size_t)h & (inv->nbuckets - 1);
}

struct inventory *inventory_create(const struct port_table *ports)
{
    struct inventory *inv = calloc(1, sizeof *inv);
    if (!inv)
        return NULL;
    inv->ports = ports;
    inv->nbuckets = 4096;
    inv->buckets = calloc(inv->nbuckets, sizeof *inv->buckets);
    if (!inv->buckets || getrandom(&inv->seed, sizeof inv->seed, 0) != sizeof inv->seed) {
        free(inv->buckets);
        free(inv);
        return NULL;
    }
    return inv;
}

void inventory_destroy(struct inventory *inv)
{
    if (!inv)
        return;
    for (size_t b = 0; b < inv->nbuckets; b++) {
        struct endpoint_slot *s = inv->buckets[b], *next;
        for (; s; s = next) {
            next = s->next;
            free(s->detail);
            free(s->rec.evidence);
            free(s->clients);
            free(s);
        }
    }
    free(inv->buckets);
    free(inv->sorted);
    free(inv->aliases);
    free(inv);
}

static int alias_order(const void *pa, const void *pb)
{
    const struct alias *a = pa, *b = pb;
    int c = strcmp(a->from, b->from);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Aliases: "other-name canonical" per line, # comments. */
int inventory_load_aliases(struct inventory *inv, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    char line[256];
    unsigned lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char from[EV_SERVICE_MAX], to[EV_SERVICE_MAX], extra[2];
        int n = sscanf(line, "%31s %31s %1s", from, to, extra);
        if (n <= 0)
            continue;
        if (n != 2) {
            snprintf(err, errlen, "%s:%u: expected \"alias canonical\"", path, lineno);
            rc = -1;
            break;
        }
        if (inv->alias_count == PS_MAX_ALIASES) {
            snprintf(err, errlen, "%s:%u: more than %u aliases", path, lineno, PS_MAX_ALIASES);
            rc = -1;
            break;
        }
        if (inv->alias_count % 64 == 0) {
            struct alias *na =
                realloc(inv->aliases, (inv->alias_count + 64) * sizeof *inv->aliases);
            if (!na) {
                snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
                rc = -1;
                break;
            }
            inv->aliases = na;
        }
        EV_SET(inv->aliases[inv->alias_count].from, from);
        EV_SET(inv->aliases[inv->alias_count].to, to);
        inv->aliases[inv->alias_count].order = (unsigned)inv->alias_count;
        inv->alias_count++;
    }
    fclose(f);
    /* Sorted by name then line, so the first line of each name is indexed. */
    if (inv->alias_count)
        qsort(inv->aliases, inv->alias_count, sizeof *inv->aliases, alias_order);
    memset(inv->alias_slot, 0, sizeof inv->alias_slot);
    for (size_t a = 0; a < inv->alias_count; a++) {
        if (a && strcmp(inv->aliases[a].from, inv->aliases[a - 1].from) == 0)
            continue;
        size_t i = name_hash(inv->seed, inv->aliases[a].from) & (ALIAS_SLOTS - 1u);
        while (inv->alias_slot[i])
            i = (i + 1u) & (ALIAS_SLOTS - 1u);
        inv->alias_slot[i] = (uint16_t)(a + 1u);
    }
    return rc;
}

/* The canonical name of service when it is an alias (the first line naming it), else NULL. */
static const char *alias_of(const struct inventory *inv, const char *service)
{
    if (!inv->alias_count)
        return NULL;
    /* At most PS_MAX_ALIASES slots are taken: the probe meets a free one. */
    for (size_t i = name_hash(inv->seed, service) & (ALIAS_SLOTS - 1u); inv->alias_slot[i];
         i = (i + 1u) & (ALIAS_SLOTS - 1u)) {
        const struct alias *a = &inv->aliases[inv->alias_slot[i] - 1u];
        if (strcmp(a->from, service) == 0)
            return a->to;
    }
    return NULL;
}

/* Keep chains short: double the bucket array when records outnumber buckets twice over. */
static void grow(struct inventory *inv)
{
    size_t nb = inv->nbuckets * 2;
    struct endpoint_slot **nbk = calloc(nb, sizeof *nbk);
    if (!nbk)
        return; /* chains get longer; still correct */
    struct endpoint_slot **old = inv->buckets;
    size_t oldn = inv->nbuckets;
    inv->buckets = nbk;
    inv->nbuckets = nb;
    for (size_t b = 0; b < oldn; b++) {
        struct endpoint_slot *s = old[b], *next;
        for (; s; s = next) {
            next = s->next;
            size_t nbi = bucket_of(inv, &s->rec.host, s->rec.port, s->rec.transport);
            s->next = nbk[nbi];
            nbk[nbi] = s;
        }
    }
    free(old);
}

static struct endpoint_slot *lookup_slot(const struct inventory *inv, const struct ps_addr *host,
                                         uint16_t port, uint8_t transport)
{
    size_t b = bucket_of(inv, host, port, transport);
    for (struct endpoint_slot *s = inv->buckets[b]; s; s = s->next)
        if (s->rec.port == port && s->rec.transport == transport && addr_equal(&s->rec.host, host))
            return s;
    return NULL;
}

static struct endpoint_slot *find_slot(struct inventory *inv, const struct ps_addr *host,
                                       uint16_t port, uint8_t transport, bool create)
{
    struct endpoint_slot *found = lookup_slot(inv, host, port, transport);
    if (found || !create)
        return found;
    if (inv->count >= PS_MAX_ENDPOINTS) {
        inv->dropped++;
        return NULL;
    }
    if (inv->count >= inv->nbuckets * 2)
        grow(inv);
    size_t b = bucket_of(inv, host, port, transport);
    struct endpoint_slot *s = calloc(1, sizeof *s);
    if (!s) {
        inv->dropped++;
        return NULL;
    }
    s->rec.host = *host;
    s->rec.port = port;
    s->rec.transport = transport;
    evidence_set(s->rec.expected, sizeof s->rec.expected,
                 inv->ports ? port_table_expected(inv->ports, transport, port) : "");
    s->next = inv->buckets[b];
    inv->buckets[b] = s;
    inv->count++;
    return s;
}

/* Two statements about one endpoint agree if they name the same service, counting a
 * service seen inside TLS as agreeing with plain "ssl". */
static bool services_agree(const struct evidence *a, const struct evidence *b)
{
    if (strcmp(a->service, b->service) == 0)
        return true;
    if (strcmp(a->service, "ssl") == 0 && strcmp(b->tunnel, "tls") == 0)
        return true;
    return strcmp(b->service, "ssl") == 0 && strcmp(a->tunnel, "tls") == 0;
}

/* Order of evidence: strength, then the more specific (inside TLS beats bare "ssl"),
 * then the one that says more (a product, a version). */
static int evidence_rank(const struct evidence *e)
{
    int r = e->strength * 8;
    if (e->tunnel[0])
        r += 4;
    if (e->product[0])
        r += 2;
    if (e->version[0])
        r += 1;
    return r;
}

static bool same_evidence(const struct evidence *a, const struct evidence *b)
{
    return a->witness == b->witness && a->strength == b->strength &&
           strcmp(a->service, b->service) == 0 && strcmp(a->tunnel, b->tunnel) == 0 &&
           strcmp(a->product, b->product) == 0 && strcmp(a->version, b->version) == 0 &&
           strcmp(a->info, b->info) == 0;
}

/* Room for one more piece of evidence, up to the cap. Most endpoints hold two or three,
 * so the list starts small. */
static bool evidence_room(struct endpoint_slot *s)
{
    if (s->rec.evidence_count < s->evidence_cap || s->evidence_cap == PS_MAX_EVIDENCE_PER_ENDPOINT)
        return true;
    unsigned cap = s->evidence_cap ? s->evidence_cap * 2u : 2u;
    if (cap > PS_MAX_EVIDENCE_PER_ENDPOINT)
        cap = PS_MAX_EVIDENCE_PER_ENDPOINT;
    struct evidence *ne = realloc(s->rec.evidence, cap * sizeof *ne);
    if (!ne)
        return s->rec.evidence_count > 0; /* keep what there is; the weakest may be dropped */
    s->rec.evidence = ne;
    s->evidence_cap = (uint8_t)cap;
    return true;
}

/* A total order, so that the list (and the identification) does not depend on the order in
 * which flows were classified, which --threads does not fix. Its leading keys are those of
 * same_evidence, so one of two duplicates can replace the other in place. */
static int evidence_order(const struct evidence *a, const struct evidence *b)
{
    int d = evidence_rank(b) - evidence_rank(a);
    const char *const ka[] = {a->service, a->tunnel, a->product, a->version, a->info};
    const char *const kb[] = {b->service, b->tunnel, b->product, b->version, b->info};
    for (size_t i = 0; !d && i < sizeof ka / sizeof *ka; i++)
        d = strcmp(ka[i], kb[i]);
    if (!d)
        d = (int)a->witness - (int)b->witness;
    const char *const ta[] = {a->os, a->hostname, a->device, a->cpe, a->rule};
    const char *const tb[] = {b->os, b->hostname, b->device, b->cpe, b->rule};
    for (size_t i = 0; !d && i < sizeof ta / sizeof *ta; i++)
        d = strcmp(ta[i], tb[i]);
    return d;
}

/* Insert keeping the list in evidence_order; when full, the last is dropped. */
static bool add_evidence(struct endpoint_slot *s, const struct evidence *ev)
{
    struct endpoint_record *rec = &s->rec;
    /* One pass. Byte for byte a statement the list holds (the usual case: the endpoint's
       earlier flows made it, with the same witness code) changes nothing and costs one
       memcmp; the list never holds two statements same_evidence finds equal, so the entry
       it matches is the only one the comparisons below could find. */
    for (unsigned i = 0; i < rec->evidence_count; i++) {
        if (memcmp(&rec->evidence[i], ev, sizeof *ev) == 0)
            return false;
        if (same_evidence(&rec->evidence[i], ev)) {
            /* The same statement by another rule: the one first in order stays. */
            if (evidence_order(ev, &rec->evidence[i]) >= 0)
                return false;
            rec->evidence[i] = *ev;
            return true;
        }
    }
    if (!evidence_room(s))
        return false;
    unsigned n = rec->evidence_count, pos = n;
    while (pos > 0 && evidence_order(&rec->evidence[pos - 1], ev) > 0)
        pos--;
    if (pos >= s->evidence_cap)
        return false;
    if (n == s->evidence_cap)
        n--;
    memmove(&rec->evidence[pos + 1], &rec->evidence[pos], (n - pos) * sizeof *rec->evidence);
    rec->evidence[pos] = *ev;
    rec->evidence_count = (uint8_t)(n + 1);
    return true;
}

static void fill_empty(char *dst, size_t size, const char *src)
{
    if (!dst[0] && src[0])
        evidence_set(dst, size, src);
}

/* Bare "ssl" says only that TLS was seen; when a witness named what runs inside (nDPI from
 * the ALPN it saw, say) that more specific statement is the identification. */
static const struct evidence *refine_tls(const struct endpoint_record *rec)
{
    const struct evidence *top = &rec->evidence[0];
    if (strcmp(top->service, "ssl") != 0 || top->tunnel[0])
        return top;
    for (unsigned i = 1; i < rec->evidence_count; i++)
        if (strcmp(rec->evidence[i].tunnel, "tls") == 0 &&
            rec->evidence[i].strength >= STRENGTH_NDPI)
            return &rec->evidence[i];
    return top;
}

/* The record's identification, sources, confidence and verdict from its evidence. */
static void judge(const struct inventory *inv, struct endpoint_record *rec)
{
    memset(&rec->best, 0, sizeof rec->best);
    rec->sources = 0;
    rec->confidence = 0;
    for (unsigned i = 0; i < rec->evidence_count; i++)
        rec->sources |= rec->evidence[i].witness;
    if (rec->evidence_count) {
        const struct evidence *top = refine_tls(rec);
        rec->best = *top;
        /* The strongest evidence sets the base (it agrees with top: refine_tls only moves
           from bare ssl to a service inside TLS). */
        static const uint8_t base[] = {0, 45, 65, 75, 85, 95};
        uint8_t strongest = rec->evidence[0].strength;
        int conf = base[strongest <= STRENGTH_ANNOUNCED ? strongest : 0];
        uint8_t agreeing = rec->evidence[0].witness;
        for (unsigned i = 0; i < rec->evidence_count; i++) {
            const struct evidence *e = &rec->evidence[i];
            if (i == 0 || e == top) {
                if (!(agreeing & e->witness))
                    conf += 10;
                agreeing |= e->witness;
                continue;
            }
            if (services_agree(top, e)) {
                if (strcmp(e->service, top->service) == 0) {
                    fill_empty(rec->best.product, sizeof rec->best.product, e->product);
                    fill_empty(rec->best.version, sizeof rec->best.version, e->version);
                    fill_empty(rec->best.info, sizeof rec->best.info, e->info);
                    fill_empty(rec->best.os, sizeof rec->best.os, e->os);
                    fill_empty(rec->best.device, sizeof rec->best.device, e->device);
                    fill_empty(rec->best.cpe, sizeof rec->best.cpe, e->cpe);
                    fill_empty(rec->best.hostname, sizeof rec->best.hostname, e->hostname);
                }
                if (!(agreeing & e->witness))
                    conf += 10;
                agreeing |= e->witness;
            } else if (e->strength >= STRENGTH_NDPI && top->strength < STRENGTH_ANNOUNCED) {
                conf -= 25;
            }
        }
        rec->confidence = (uint8_t)(conf > 100 ? 100 : conf < 5 ? 5 : conf);
    }
    rec->verdict = inv->ports ? port_table_verdict(inv->ports, rec->transport, rec->port,
                                                   rec->best.service, rec->best.tunnel)
                              : (rec->best.service[0] ? VERDICT_NONSTANDARD : VERDICT_UNKNOWN);
}

static void count_client(const struct inventory *inv, struct endpoint_slot *s,
                         const struct ps_addr *client)
{
    if (!s->clients) {
        s->clients = calloc(1, sizeof *s->clients);
        if (!s->clients)
            return;
    }
    struct client_set *cs = s->clients;
    unsigned n = s->rec.clients < PS_MAX_CLIENTS_TRACKED ? s->rec.clients : PS_MAX_CLIENTS_TRACKED;
    unsigned i = (unsigned)mix(addr_hash(inv->seed, client), client->family) & (CLIENT_SLOTS - 1u);
    /* At most PS_MAX_CLIENTS_TRACKED slots are taken: the probe meets a free one. */
    for (; cs->slot[i]; i = (i + 1u) & (CLIENT_SLOTS - 1u))
        if (addr_equal(&cs->host[cs->slot[i] - 1u], client))
            return;
    if (n == PS_MAX_CLIENTS_TRACKED) {
        /* Past the cap the count is a lower bound: each new flow from an untracked
           host may be a host already counted, so count none. */
        return;
    }
    cs->host[n] = *client;
    cs->slot[i] = (uint8_t)(n + 1u);
    s->rec.clients++;
}

static bool part_present(const struct detail_part *p, const struct flow_detail *d)
{
    const uint8_t *b = (const uint8_t *)d;
    if (p->kind == PART_TEXT)
        return b[p->offset] != 0;
    if (p->kind == PART_NUMBER) {
        int v;
        memcpy(&v, b + p->offset, sizeof v);
        return v != 0;
    }
    bool flag;
    memcpy(&flag, b + p->flag, sizeof flag);
    return flag;
}

/* Does the part of flow d (first seen at us) replace the kept one? The earlier flow's
 * part wins; between flows that began in the same microsecond the smaller bytes do, so
 * that any order of arrival gives the same record. */
static bool part_wins(const struct detail_part *p, const struct flow_detail *d, uint64_t us,
                      const struct detail_store *kept, size_t i)
{
    if (!part_present(p, d))
        return false;
    if (!part_present(p, &kept->detail))
        return true;
    if (us != kept->part_us[i])
        return us < kept->part_us[i];
    const uint8_t *a = (const uint8_t *)d + p->offset;
    const uint8_t *b = (const uint8_t *)&kept->detail + p->offset;
    if (p->kind == PART_TEXT)
        return strncmp((const char *)a, (const char *)b, p->size) < 0;
    return memcmp(a, b, p->size) < 0;
}

static bool detail_has_any(const struct flow_detail *d)
{
    if (d->tls.seen || d->ssh.seen || d->http.seen)
        return true;
    for (size_t i = 0; i < DETAIL_PARTS; i++)
        if (part_present(&detail_parts[i], d))
            return true;
    return false;
}

/* Merge one flow's detail into the record's, part by part. Returns true if it changed. */
static bool merge_detail(struct endpoint_slot *s, const struct flow_detail *d, uint64_t first_us)
{
    if (!d || !detail_has_any(d))
        return false;
    if (!s->detail) {
        s->detail = calloc(1, sizeof *s->detail);
        if (!s->detail)
            return false;
        s->rec.detail = &s->detail->detail;
    }
    struct detail_store *kept = s->detail;
    bool changed = false;
    for (size_t i = 0; i < DETAIL_PARTS; i++) {
        const struct detail_part *p = &detail_parts[i];
        if (!part_wins(p, d, first_us, kept, i))
            continue;
        memcpy((uint8_t *)&kept->detail + p->offset, (const uint8_t *)d + p->offset, p->size);
        kept->part_us[i] = first_us;
        changed = true;
    }
    /* "seen" says a handshake or exchange was parsed, even one that gave no field. */
    struct flow_detail *k = &kept->detail;
    if ((d->tls.seen && !k->tls.seen) || (d->ssh.seen && !k->ssh.seen) ||
        (d->http.seen && !k->http.seen))
        changed = true;
    k->tls.seen |= d->tls.seen;
    k->ssh.seen |= d->ssh.seen;
    k->http.seen |= d->http.seen;
    return changed;
}

/*
 * Does a flow's banner (its server's first n bytes) replace the kept one? The banner is
 * that of the earliest flow that has one; between flows that began in the same
 * microsecond (the same conversation read from two files, say) the longer, then the
 * smaller bytes, so that the order in which flows were classified never shows.
 */
static bool banner_wins(const struct endpoint_slot *s, const uint8_t *banner, uint32_t n,
                        uint64_t first_us)
{
    const struct endpoint_record *rec = &s->rec;
    if (!n)
        return false;
    if (!rec->banner_len)
        return true;
    if (first_us != s->banner_us)
        return first_us < s->banner_us;
    if (n != rec->banner_len)
        return n > rec->banner_len;
    return memcmp(banner, rec->banner, n) < 0;
}

static const struct expectation *find_expectation(const struct inventory *inv,
                                                  const struct ps_addr *host, uint16_t port,
                                                  uint8_t transport)
{
    for (size_t i = 0; i < inv->expect_count; i++) {
        const struct expectation *x = &inv->expect[i];
        if (x->port == port && x->transport == transport && addr_equal(&x->host, host))
            return x;
    }
    return NULL;
}

static void announced_evidence(const struct expectation *x, struct evidence *ev)
{
    memset(ev, 0, sizeof *ev);
    EV_SET(ev->service, x->service);
    EV_SET(ev->rule, x->rule);
    char host[PS_ADDR_TEXT_MAX];
    addr_to_text(&x->origin.host, host);
    const char *fmt =
        x->origin.host.family == 6 ? "data channel of [%s]:%u (%s)" : "data channel of %s:%u (%s)";
    snprintf(ev->info, sizeof ev->info, fmt, host, x->origin.port, x->origin.how);
    ev->witness = WITNESS_CONTROL;
    ev->strength = STRENGTH_ANNOUNCED;
}

/* A fixed order of origins, so that a channel announced by several control endpoints
 * names the same one whatever the order in which they reached it. */
static int origin_order(const struct channel_origin *a, const struct channel_origin *b)
{
    int d = addr_compare(&a->host, &b->host);
    if (!d)
        d = (int)a->port - (int)b->port;
    if (!d)
        d = strcmp(a->how, b->how);
    if (!d)
        d = (int)a->same_software - (int)b->same_software;
    return d;
}

/* Give the record the announcement x: its evidence and its origin, unless the record
 * already holds an announcement first in order. It holds one only, so that its info
 * names the very endpoint its product is taken from. Returns true if the record changed. */
static bool take_announcement(struct endpoint_slot *s, const struct expectation *x)
{
    struct endpoint_record *rec = &s->rec;
    struct evidence e;
    announced_evidence(x, &e);
    unsigned held = rec->evidence_count;
    for (unsigned i = 0; i < rec->evidence_count; i++)
        if (rec->evidence[i].witness == WITNESS_CONTROL)
            held = i;
    bool removed = held < rec->evidence_count;
    if (removed) {
        int d = origin_order(&x->origin, &s->origin);
        if (!d)
            d = evidence_order(&e, &rec->evidence[held]);
        if (d >= 0)
            return false;
        rec->evidence_count--;
        memmove(&rec->evidence[held], &rec->evidence[held + 1],
                (rec->evidence_count - held) * sizeof *rec->evidence);
    }
    s->announced = add_evidence(s, &e);
    if (s->announced)
        s->origin = x->origin;
    return removed || s->announced;
}

/* judge, then a channel announced in passive mode shows its control endpoint's product,
 * version and cpe as that record stands now: empty if the control endpoint is not
 * recorded, or is itself an announced channel (whose product is borrowed in turn: taking
 * it would make the result depend on which of the two was judged first). */
static void judge_slot(const struct inventory *inv, struct endpoint_slot *s)
{
    struct endpoint_record *rec = &s->rec;
    judge(inv, rec);
    if (!s->announced || !s->origin.same_software || rec->best.witness != WITNESS_CONTROL)
        return;
    const struct endpoint_slot *c =
        lookup_slot(inv, &s->origin.host, s->origin.port, rec->transport);
    const struct evidence *from = c && c->rec.best.witness != WITNESS_CONTROL ? &c->rec.best : NULL;
    EV_SET(rec->best.product, from ? from->product : "");
    EV_SET(rec->best.version, from ? from->version : "");
    EV_SET(rec->best.cpe, from ? from->cpe : "");
}

struct endpoint_record *inventory_add_flow(struct inventory *inv, const struct classify_input *in,
                                           uint64_t first_us, uint64_t last_us,
                                           const struct flow_detail *detail,
                                           const struct evidence *ev, unsigned nev)
{
    struct endpoint_slot *s = find_slot(inv, &in->server, in->server_port, in->transport, true);
    if (!s)
        return NULL;
    struct endpoint_record *rec = &s->rec;
    bool first_flow = rec->flows == 0;
    rec->flows++;
    count_client(inv, s, &in->client);
    if (first_flow || first_us < rec->first_us)
        rec->first_us = first_us;
    if (last_us > rec->last_us)
        rec->last_us = last_us;
    uint32_t n = in->server_head.len < PS_BANNER_BYTES ? in->server_head.len : PS_BANNER_BYTES;
    if (banner_wins(s, in->server_head.data, n, first_us)) {
        memcpy(rec->banner, in->server_head.data, n);
        rec->banner_len = n;
        s->banner_us = first_us;
        rec->changed = true;
    }
    if (merge_detail(s, detail, first_us))
        rec->changed = true;
    bool added = false;
    for (unsigned i = 0; i < nev; i++) {
        /* Copied only to be renamed: most services are no alias. */
        const char *canonical = alias_of(inv, ev[i].service);
        if (!canonical) {
            added |= add_evidence(s, &ev[i]);
            continue;
        }
        struct evidence e = ev[i];
        EV_SET(e.service, canonical);
        added |= add_evidence(s, &e);
    }
    const struct expectation *x =
        find_expectation(inv, &in->server, in->server_port, in->transport);
    if (x)
        added |= take_announcement(s, x);
    if (added || first_flow) {
        struct evidence before = rec->best;
        enum verdict v = rec->verdict;
        judge_slot(inv, s);
        if (first_flow || v != rec->verdict || strcmp(before.service, rec->best.service) ||
            strcmp(before.product, rec->best.product) || strcmp(before.version, rec->best.version))
            rec->changed = true;
    }
    return rec;
}

bool inventory_expect(struct inventory *inv, const struct ps_addr *host, uint16_t port,
                      uint8_t transport, const char *service, const char *rule,
                      const struct channel_origin *origin, uint64_t ts_us)
{
    (void)ts_us;
    if (find_expectation(inv, host, port, transport))
        return false;
    struct expectation *x = &inv->expect[inv->expect_next];
    inv->expect_next = (inv->expect_next + 1) % PS_MAX_EXPECTATIONS;
    if (inv->expect_count < PS_MAX_EXPECTATIONS)
        inv->expect_count++;
    memset(x, 0, sizeof *x);
    x->host = *host;
    x->port = port;
    x->transport = transport;
    EV_SET(x->service, service);
    EV_SET(x->rule, rule);
    x->origin = *origin;
    /* Flows of this channel may already be recorded. */
    struct endpoint_slot *s = find_slot(inv, host, port, transport, false);
    if (s && take_announcement(s, x)) {
        judge_slot(inv, s);
        s->rec.changed = true;
    }
    return true;
}

void inventory_flow_ended(struct inventory *inv, const struct ps_addr *host, uint16_t port,
                          uint8_t transport, uint64_t last_us)
{
    struct endpoint_slot *s = find_slot(inv, host, port, transport, false);
    if (s)
        inventory_record_ended(&s->rec, last_us);
}

void inventory_record_ended(struct endpoint_record *rec, uint64_t last_us)
{
    if (last_us > rec->last_us)
        rec->last_us = last_us;
}

bool inventory_is_expected(const struct inventory *inv, const struct ps_addr *host, uint16_t port,
                           uint8_t transport)
{
    return find_expectation(inv, host, port, transport) != NULL;
}

uint64_t inventory_dropped(const struct inventory *inv)
{
    return inv->dropped;
}

size_t inventory_count(const struct inventory *inv)
{
    return inv->count;
}

/* The control record may have changed since the channel was judged: judge it again. */
static void refresh_channel(const struct inventory *inv, struct endpoint_slot *s)
{
    struct evidence before = s->rec.best;
    judge_slot(inv, s);
    if (strcmp(before.product, s->rec.best.product) ||
        strcmp(before.version, s->rec.best.version) || strcmp(before.cpe, s->rec.best.cpe))
        s->rec.changed = true;
}

static int record_order(const void *pa, const void *pb)
{
    const struct endpoint_record *a = *(const struct endpoint_record *const *)pa;
    const struct endpoint_record *b = *(const struct endpoint_record *const *)pb;
    int c = addr_compare(&a->host, &b->host);
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return (int)a->transport - (int)b->transport;
}

size_t inventory_sorted(struct inventory *inv, const struct endpoint_record ***out)
{
    free(inv->sorted);
    inv->sorted = malloc((inv->count ? inv->count : 1) * sizeof *inv->sorted);
    if (!inv->sorted) {
        *out = NULL;
        return 0;
    }
    size_t n = 0;
    for (size_t b = 0; b < inv->nbuckets; b++)
        for (struct endpoint_slot *s = inv->buckets[b]; s; s = s->next) {
            if (s->announced && s->origin.same_software)
                refresh_channel(inv, s);
            inv->sorted[n++] = &s->rec;
        }
    qsort(inv->sorted, n, sizeof *inv->sorted, record_order);
    *out = inv->sorted;
    return n;
}
