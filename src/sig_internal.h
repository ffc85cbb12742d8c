/*
 * sig_internal.h - the signature set's private layout, shared by the loader
 * (sig_parse.c), the index (sig_index.c) and the matcher (sig_match.c).
 *
 * Signatures live in one array in load order, so an index into it is also
 * the priority order (file order, files in the order loaded). Each probe
 * keeps the indices of its match/softmatch lines and, once finalized, a
 * first-byte index over them: 256 buckets plus an "any" list, stored flat
 * (offsets + one array) so lookups touch two small contiguous arrays.
 */
#ifndef PS_SIG_INTERNAL_H
#define PS_SIG_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "evidence.h"
#include "signature.h"

enum sig_kind { SIG_MATCH, SIG_SOFTMATCH, SIG_CLIENTMATCH, SIG_SOFTCLIENTMATCH };

/* Version info fields, in the order p v i h o d. */
enum sig_field { SF_PRODUCT, SF_VERSION, SF_INFO, SF_HOSTNAME, SF_OS, SF_DEVICE, SF_COUNT };

/* What a probe's bytes (or a client head) look like, recognised from the bytes. */
enum sig_shape {
    SHAPE_NONE = 0,
    SHAPE_HTTP_REQUEST,
    SHAPE_RTSP_REQUEST,
    SHAPE_SIP_REQUEST,
    SHAPE_BLANK_LINES,
    SHAPE_DNS_QUERY,
    SHAPE_SNMP_COMMUNITY,
    SHAPE_SNMP_V3,
    SHAPE_TLS_HELLO,
    SHAPE_DTLS_HELLO,
};

enum sig_jit {
    SIG_JIT_UNTRIED = 0,
    SIG_JIT_READY, /* matched with pcre2_jit_match */
    SIG_JIT_FAILED /* the interpreter runs it */
};

struct sig {
    uint8_t kind;      /* enum sig_kind */
    uint8_t transport; /* IPPROTO_TCP / IPPROTO_UDP */
    bool tls;          /* service was written "ssl/<name>" */
    bool caseless_prefix;
    uint8_t prefix_len;
    uint8_t prefix[PS_SIG_PREFIX_MAX]; /* bytes every match starts with */
    uint32_t min_len;                  /* PCRE2_INFO_MINLENGTH */
    uint32_t probe;                    /* the probe section it was written in */
    char service[EV_SERVICE_MAX];
    char rule[EV_RULE_MAX]; /* "file.sig:line" */
    char *field[SF_COUNT];  /* templates, NULL when absent */
    char *cpe[PS_SIG_MAX_CPE];
    uint8_t ncpe;
    /* The longest run of literal bytes every match contains (top level), and the two
     * adjacent 4-byte pieces of it chosen as keys of the gram filter (sig_index.c). */
    uint8_t run[PS_SIG_RUN_MAX];
    uint8_t run_len;
    bool run_caseless;
    bool has_gram;
    uint32_t gram, gram2;
    /* Where the run is in every match of an anchored pattern whose items before it
     * have fixed widths, -1 otherwise: the matcher then compares those bytes first. */
    int16_t run_at;
    uint8_t first[32]; /* possible first bytes of the subject (bitmap) */
    bool first_any;    /* no usable first-byte information */
    pcre2_code *code;
};

/* A flat first-byte index: ids of bucket b are ids[off[b] .. off[b+1]), any list last. */
struct sig_index {
    uint32_t off[258];
    uint32_t *ids;
};

/* 4-byte gram -> the signatures keyed by it: open addressing, count 0 = empty slot. */
#define SIG_GRAM_FILTER_BITS                                                                       \
    65536u /* one bit per 16-bit hash of a gram: most windows stop here                            \
            */

/* Windows of a head the matcher keeps for tier 1 of the gram filter (their offsets, in
 * its per-thread scratch); past that many it scans the head again when tier 1 is needed. */
#define SIG_LAZY_WINDOWS 512u

#define SIG_FOLDED_FILTER_MIN (1u << 16)
#define SIG_FOLDED_FILTER_MAX (1u << 20)
#define SIG_FOLDED_FILTER_PER_KEY 32u /* entries per key: about 3% of entries set */

struct gram_table {
    uint64_t filter[SIG_GRAM_FILTER_BITS / 64];
    uint32_t *key, *start, *count;
    uint32_t mask;
    uint32_t *ids;
};

struct sig_list {
    uint32_t *ids;
    uint32_t n, cap;
};

struct sig_probe {
    char name[64];
    uint8_t transport;
    bool no_payload, has_ports, has_sslports, has_rarity, has_fallback;
    uint8_t shape; /* enum sig_shape of the payload */
    uint8_t *payload;
    uint32_t len;
    char *fallback_names;            /* as written, resolved at finalize */
    char fallback_rule[EV_RULE_MAX]; /* where the fallback line was, for errors */
    bool fallback_strict;
    uint32_t fallback[PS_SIG_MAX_FALLBACKS];
    uint8_t nfallback;
    struct sig_list sigs; /* match + softmatch, load order */
    struct sig_index index;
};

struct sigset {
    struct sig *sigs;
    uint32_t nsigs, capsigs;
    struct sig_probe *probes;
    uint32_t nprobes;
    struct sig_list client[2]; /* clientmatch lines: [0] TCP, [1] UDP */
    struct sig_index client_index[2];
    /* Probes by transport ([0] TCP, [1] UDP), in probe order: those with bytes under their
     * first byte, and by shape (bucket = enum sig_shape), so that matching a client head
     * against the probes looks only at the few that can be equivalent. */
    struct sig_index probe_first[2], probe_shape[2];
    /*
     * Gram tables in two tiers: [tier][0] exact bytes, [tier][1] caseless (lower-cased).
     * Tier 1 holds the signatures from lazy_from on: those of the first file loaded
     * leniently (a user's nmap file, after our own) and later. Our lines come first
     * in priority and decide most heads, so tier 1's candidates are looked up only
     * once a search gets past them (sig_match.c).
     */
    struct gram_table grams[2][2];
    uint32_t lazy_from; /* first signature of tier 1 (nsigs when there is none) */
    bool has_lazy;      /* a lenient load started tier 1 */
    /* All tables' keys lower-cased, one filter: bit 1 << tier is set where a key of that
     * tier folds to, so a window in no table costs one test. A byte per hash rather than
     * a bit: the matcher tests every window of a head against it, and a byte is one load
     * and one test where a bit takes a shift and a mask more. Its size grows with the
     * number of keys (SIG_FOLDED_FILTER_MIN..MAX entries) so that few windows of
     * random bytes pass even with nmap's 11,000 keys. */
    uint8_t *folded_filter;
    uint32_t folded_shift; /* 32 - log2(entries) */
    struct sigset_load_stats stats;
    pcre2_match_context *mctx;
    uint32_t max_groups; /* largest capture count of any pattern */
    int null_probe;      /* "Probe TCP NULL", -1 if none */
    int udp_null_probe;  /* "Probe UDP NULL": answers whatever the request, -1 if none */
    bool finalized;
    /*
     * JIT compilation on first use (enum sig_jit per signature): most lines of a
     * large set (nmap's) never pass the index for a given capture, and compiling
     * all of them up front cost more than matching a whole capture. The lock makes
     * one thread compile while others wait; after that a load is all it costs.
     */
    _Atomic uint8_t *jit_state;
    pthread_mutex_t jit_lock;
    bool linear;        /* tests: try every signature, bypassing index and prefilters */
    uint32_t any_count; /* signatures in "any" lists (no first-byte information) */
};

/* Case folding as PCRE2 does it for bytes (its default tables): ASCII letters only,
 * whatever the process locale. */
static inline uint8_t sig_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* sig_parse.c: probe lookup by transport and name, -1 if absent. */
int sig_probe_find(const struct sigset *s, uint8_t transport, const char *name, size_t len);

/* sig_index.c */
void sig_analyze(struct sig *g, const char *pattern, size_t len, uint32_t options);
int sig_index_build(const struct sigset *s, const struct sig_list *list, struct sig_index *ix);
void sig_index_free(struct sig_index *ix);
int sig_grams_build(struct sigset *s);
void sig_grams_free(struct sigset *s);
/* Signatures keyed by gram in table t: *n ids, NULL if none. */
const uint32_t *sig_grams_find(const struct gram_table *t, uint32_t gram, uint32_t *n);

/* The filter bit of a gram; inline because the matcher asks it for every window of a head. */
static inline uint32_t sig_gram_filter_bit(uint32_t gram)
{
    return (gram * 0x85ebca6bu) >> 16;
}

/* Whether a filter may hold a gram: false for most windows of most heads. */
static inline bool sig_filter_maybe(const uint64_t *filter, uint32_t gram)
{
    uint32_t bit = sig_gram_filter_bit(gram);
    return (filter[bit >> 6] >> (bit & 63)) & 1u;
}

/* A folded window's entry in the set's folded filter. */
static inline uint32_t sig_folded_slot(uint32_t folded, uint32_t shift)
{
    return (folded * 0x85ebca6bu) >> shift;
}

static inline bool sig_gram_maybe(const struct gram_table *t, uint32_t gram)
{
    return sig_filter_maybe(t->filter, gram);
}

/*
 * Four bytes lower-cased at once, as sig_lower does each: a byte in 'A'..'Z'
 * gains 0x20. Within each byte's low seven bits, adding 0x3f sets the top bit
 * from 'A' up, adding 0x25 from '[' up; bytes with the top bit set are left.
 */
static inline uint32_t sig_lower4(uint32_t w)
{
    uint32_t low = w & 0x7f7f7f7fu;
    uint32_t upper = (low + 0x3f3f3f3fu) & ~(low + 0x25252525u) & ~w & 0x80808080u;
    return w | (upper >> 2);
}

/* The same for eight bytes: the matcher folds a head eight bytes at a time, once. */
static inline uint64_t sig_lower8(uint64_t w)
{
    uint64_t low = w & 0x7f7f7f7f7f7f7f7full;
    uint64_t upper =
        (low + 0x3f3f3f3f3f3f3f3full) & ~(low + 0x2525252525252525ull) & ~w & 0x8080808080808080ull;
    return w | (upper >> 2);
}
enum sig_shape sig_shape_of(const uint8_t *p, uint32_t len, uint8_t transport);

/* sig_match.c: expand one version-info template; false if a group it needs is unset. */
bool sig_expand(const char *tmpl, const uint8_t *subject, const PCRE2_SIZE *ov, int rc, char *out,
                size_t outsize);
/* Check a template's syntax at load time; NULL if fine, else why not. strict also
 * refuses a reference to a group the regex does not have (it could never be set). */
const char *sig_template_error(const char *tmpl, uint32_t groups, bool strict);

#endif
