/*
 * sig_match.c - matching a conversation's heads against a finalized set,
 * and turning a match into evidence (version-info templates).
 *
 * Which lines apply is decided as signatures/README.md says: the NULL
 * probe for a server that spoke first, the probes equivalent to the client
 * head (same leading bytes or same protocol shape) with their fallbacks
 * otherwise, clientmatch lines over the client head in any case. Lines are
 * taken from the first-byte index in priority (file) order: the bucket of
 * the head's first byte merged with the "any" list. A literal-prefix and
 * minimum-length check skip most regex runs. Softmatch semantics follow
 * nmap: the first softmatch fixes the service, later softmatches are
 * ignored and a hard match counts only for that service.
 *
 * A head that stopped before its side did (--head-bytes reached, or a gap
 * that never filled) is matched with PCRE2_NOTEOL: its last byte is not the
 * end of a message, so `$` does not match there. A line that ends a version
 * with `(?=\r|$)` then gives no version for "OpenSSH_9.2" cut out of
 * "OpenSSH_9.2p1" (signatures/README.md, "Heads cut short").
 *
 * A signature whose regex requires a literal run is not in the first-byte
 * index at all: it becomes a candidate only when the run's key gram occurs
 * in the head (see the gram filter in sig_index.c), and candidates are
 * merged into the index's order. The head is scanned once; the signatures of
 * a leniently loaded file (tier 1, sig_internal.h: a user's nmap file after
 * our own) are looked up from the windows that scan kept only when a search
 * gets to them, which it does not once one of our lines matched hard.
 *
 * Thread safety: the set is read-only once finalized but for each
 * signature's JIT state, set once under the set's lock on the signature's
 * first use; the only per-call state is a per-thread scratch (PCRE2 match
 * data and gram marks), created on first use and freed when the thread
 * exits, so the per-flow path does not allocate (but for a first JIT).
 */
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sig_internal.h"

/* ---- version-info templates ------------------------------------------------------------ */

enum tmpl_kind { T_LITERAL, T_GROUP, T_PRINTABLE, T_SUBST, T_INT_BE, T_INT_LE };

struct tmpl_token {
    enum tmpl_kind kind;
    char literal;
    unsigned group;
    const char *find, *repl;
    size_t findlen, repllen;
};

/* "..." at *p: its text; false if not there. */
static bool quoted(const char **p, const char **text, size_t *len)
{
    const char *q = *p;
    while (*q == ' ')
        q++;
    if (*q != '"')
        return false;
    const char *close = strchr(q + 1, '"');
    if (!close)
        return false;
    *text = q + 1;
    *len = (size_t)(close - q - 1);
    *p = close + 1;
    return true;
}

static bool expect(const char **p, char c)
{
    while (**p == ' ')
        (*p)++;
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool group_number(const char **p, unsigned *n)
{
    while (**p == ' ')
        (*p)++;
    if (**p < '1' || **p > '9')
        return false;
    *n = (unsigned)(*(*p)++ - '0');
    return true;
}

/*
 * The next token of a template at *p (not at its end). A '$' that starts no
 * known substitution is a literal '$' and *bad says so (strict loading
 * refuses it; nmap copies it as written).
 */
static void next_token(const char **p, struct tmpl_token *t, bool *bad)
{
    const char *s = *p;
    memset(t, 0, sizeof *t);
    *bad = false;
    if (s[0] == '$') {
        const char *q = s + 1;
        if (*q >= '1' && *q <= '9') {
            t->kind = T_GROUP;
            t->group = (unsigned)(*q - '0');
            *p = q + 1;
            return;
        }
        if (strncmp(q, "P(", 2) == 0) {
            q += 2;
            if (group_number(&q, &t->group) && expect(&q, ')')) {
                t->kind = T_PRINTABLE;
                *p = q;
                return;
            }
        } else if (strncmp(q, "SUBST(", 6) == 0) {
            q += 6;
            if (group_number(&q, &t->group) && expect(&q, ',') &&
                quoted(&q, &t->find, &t->findlen) && expect(&q, ',') &&
                quoted(&q, &t->repl, &t->repllen) && expect(&q, ')')) {
                t->kind = T_SUBST;
                *p = q;
                return;
            }
        } else if (strncmp(q, "I(", 2) == 0) {
            q += 2;
            const char *e;
            size_t elen;
            if (group_number(&q, &t->group) && expect(&q, ',') && quoted(&q, &e, &elen) &&
                elen == 1 && (*e == '<' || *e == '>') && expect(&q, ')')) {
                t->kind = *e == '>' ? T_INT_BE : T_INT_LE;
                *p = q;
                return;
            }
        }
        *bad = true;
    }
    t->kind = T_LITERAL;
    t->literal = s[0];
    *p = s + 1;
}

const char *sig_template_error(const char *tmpl, uint32_t groups, bool strict)
{
    const char *p = tmpl;
    while (*p) {
        struct tmpl_token t;
        bool bad;
        next_token(&p, &t, &bad);
        if (bad && strict)
            return "'$' that starts no substitution";
        if (t.kind != T_LITERAL && t.group > groups && strict)
            return "substitution refers to a group the regex does not have";
    }
    return NULL;
}

struct out_buf {
    char *p;
    size_t size, len;
};

/* Append n bytes, as many as fit with the terminating NUL. */
static void put(struct out_buf *o, const char *s, size_t n)
{
    if (!o->size)
        return;
    size_t room = o->size - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void put_int(struct out_buf *o, const uint8_t *g, size_t n, bool big_endian)
{
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (unsigned long long)g[big_endian ? i : n - 1 - i] << (8 * (n - 1 - i));
    char num[24];
    int k = snprintf(num, sizeof num, "%llu", v);
    put(o, num, (size_t)k);
}

static void put_subst(struct out_buf *o, const struct tmpl_token *t, const char *g, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (t->findlen && n - i >= t->findlen && memcmp(g + i, t->find, t->findlen) == 0) {
            put(o, t->repl, t->repllen);
            i += t->findlen;
        } else {
            put(o, g + i++, 1);
        }
    }
}

bool sig_expand(const char *tmpl, const uint8_t *subject, const PCRE2_SIZE *ov, int rc, char *out,
                size_t outsize)
{
    struct out_buf o = {out, outsize, 0};
    if (outsize)
        out[0] = '\0';
    const char *p = tmpl;
    while (*p) {
        /* text up to the next '$' is literal: copied in one piece */
        const char *dollar = strchrnul(p, '$');
        if (dollar > p) {
            put(&o, p, (size_t)(dollar - p));
            p = dollar;
            continue;
        }
        struct tmpl_token t;
        bool bad;
        next_token(&p, &t, &bad);
        if (t.kind == T_LITERAL) {
            put(&o, &t.literal, 1);
            continue;
        }
        if ((int)t.group >= rc || ov[2 * t.group] == PCRE2_UNSET)
            return false; /* the group did not take part: the field is dropped */
        const uint8_t *g = subject + ov[2 * t.group];
        size_t n = ov[2 * t.group + 1] - ov[2 * t.group];
        switch (t.kind) {
        case T_GROUP:
            put(&o, (const char *)g, n);
            break;
        case T_PRINTABLE:
            for (size_t i = 0; i < n; i++)
                if (g[i] >= 0x20 && g[i] < 0x7f)
                    put(&o, (const char *)g + i, 1);
            break;
        case T_SUBST:
            put_subst(&o, &t, (const char *)g, n);
            break;
        case T_INT_BE:
        case T_INT_LE:
            if (n == 0 || n > 8)
                return false;
            put_int(&o, g, n, t.kind == T_INT_BE);
            break;
        case T_LITERAL:
            break;
        }
    }
    return true;
}

/* ---- per-thread scratch ---------------------------------------------------------------
 * A PCRE2 match data block and the gram marks: bit id of marks is set when
 * signature id's gram occurs in the subject being matched. Reading the marks
 * out word by word gives the candidates in id order (the order the lists are
 * merged in) without a sort, and clears them for the next subject. Grown
 * (rarely) when a set is larger than any this thread matched before; freed
 * when the thread exits.
 */

struct scratch {
    pcre2_match_data *md;
    uint64_t *marks;
    uint32_t lo, hi; /* the words of marks that may hold a bit: [lo, hi) */
    uint32_t *cand;  /* ids marked for this subject, in id order */
    uint32_t ncand;
    uint32_t cap;
    /* Tier 1 (sig_internal.h), not looked up yet: where its filter let a window pass. */
    bool lazy_pending;
    bool lazy_overflow; /* more than SIG_LAZY_WINDOWS passed: scan the head again */
    uint32_t nlazy;
    uint32_t lazy[SIG_LAZY_WINDOWS];
};

static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static _Thread_local struct scratch *scratch_thread;

static void scratch_free(void *p)
{
    struct scratch *sc = p;
    pcre2_match_data_free(sc->md);
    free(sc->marks);
    free(sc->cand);
    free(sc);
}

static void scratch_key_create(void)
{
    pthread_key_create(&scratch_key, scratch_free);
}

static uint32_t mark_words(uint32_t nsigs)
{
    return (nsigs + 63) / 64;
}

static struct scratch *thread_scratch(uint32_t nsigs)
{
    if (nsigs == 0)
        nsigs = 1; /* an empty set still gets real arrays: no pointer arithmetic on NULL */
    struct scratch *sc = scratch_thread;
    if (!sc) {
        pthread_once(&scratch_once, scratch_key_create);
        sc = calloc(1, sizeof *sc);
        if (!sc)
            return NULL;
        sc->md = pcre2_match_data_create(PS_SIG_OVECTOR_PAIRS, NULL);
        if (!sc->md) {
            free(sc);
            return NULL;
        }
        scratch_thread = sc;
        pthread_setspecific(scratch_key, sc);
    }
    if (nsigs > sc->cap) {
        uint64_t *m = realloc(sc->marks, mark_words(nsigs) * sizeof *m);
        if (!m)
            return NULL;
        memset(m, 0, mark_words(nsigs) * sizeof *m);
        sc->marks = m;
        sc->lo = sc->hi = 0;
        uint32_t *c = realloc(sc->cand, nsigs * sizeof *c);
        if (!c)
            return NULL;
        sc->cand = c;
        sc->cap = nsigs;
    }
    return sc;
}

static void mark_ids(struct scratch *sc, const uint32_t *ids, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        uint32_t w = ids[k] >> 6;
        sc->marks[w] |= 1ull << (ids[k] & 63);
        if (w < sc->lo)
            sc->lo = w;
        if (w >= sc->hi)
            sc->hi = w + 1;
    }
}

/* The marked ids, in order, appended to cand; the marks are cleared on the way. */
static void collect_marks(struct scratch *sc)
{
    for (uint32_t w = sc->lo; w < sc->hi; w++) {
        for (uint64_t bits = sc->marks[w]; bits; bits &= bits - 1)
            sc->cand[sc->ncand++] = w * 64 + (uint32_t)__builtin_ctzll(bits);
        sc->marks[w] = 0;
    }
    sc->lo = UINT32_MAX;
    sc->hi = 0;
}

/*
 * A head is scanned in blocks of GRAM_BLOCK bytes. Each block's bytes (and the
 * three its last window reaches into the next) are lower-cased once, eight at a
 * time, into a buffer on the stack; the windows at even offsets (every key is a
 * pair of adjacent pieces, sig_index.c) then cost one load, one multiply and one
 * byte test of the folded filter each. The raw bytes are read again only for the
 * few windows that pass it.
 */
#define GRAM_BLOCK 256u

static void fold_block(uint8_t *out, const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        w = sig_lower8(w);
        memcpy(out + i, &w, 8);
    }
    for (; i < n; i++)
        out[i] = sig_lower(p[i]);
}

static void mark_window(const struct sigset *s, unsigned tier, struct scratch *sc,
                        const uint8_t *at, uint32_t folded)
{
    uint32_t n, gram;
    const uint32_t *ids;
    const struct gram_table *t = s->grams[tier];
    memcpy(&gram, at, 4);
    if (t[0].count && (ids = sig_grams_find(&t[0], gram, &n)))
        mark_ids(sc, ids, n);
    if (t[1].count && (ids = sig_grams_find(&t[1], folded, &n)))
        mark_ids(sc, ids, n);
}

/* The filter's tiers for the folded window at f: 0 for most windows. */
static inline uint8_t filter_tiers(const struct sigset *s, const uint8_t *f)
{
    uint32_t folded;
    memcpy(&folded, f, 4);
    return s->folded_filter[sig_folded_slot(folded, s->folded_shift)];
}

/* Window i of the block at base, which passed the filter for tiers: tier 0 signatures
 * marked now, tier 1 noted for later. */
static void mark_or_keep(const struct sigset *s, struct scratch *sc, const uint8_t *fold,
                         const uint8_t *p, uint32_t base, uint32_t i, uint8_t tiers)
{
    if (tiers & 1) {
        uint32_t folded;
        memcpy(&folded, fold + i, 4);
        mark_window(s, 0, sc, p + base + i, folded);
    }
    if (tiers & 2) {
        if (sc->nlazy < SIG_LAZY_WINDOWS)
            sc->lazy[sc->nlazy++] = base + i;
        else
            sc->lazy_overflow = true;
    }
}

/*
 * Mark the tier 0 signatures whose gram occurs somewhere in the subject, and
 * note the windows that may hold a tier 1 gram for lazy_marks. Candidates are
 * appended to cand (cleared by the caller for a new subject).
 */
static void mark_grams(const struct sigset *s, struct scratch *sc, const uint8_t *p, uint32_t len)
{
    sc->lo = UINT32_MAX;
    sc->hi = 0;
    sc->nlazy = 0;
    sc->lazy_overflow = false;
    uint8_t fold[GRAM_BLOCK + 3];
    for (uint32_t base = 0; base + 4 <= len; base += GRAM_BLOCK) {
        uint32_t n = len - base < GRAM_BLOCK + 3 ? len - base : GRAM_BLOCK + 3;
        fold_block(fold, p + base, n);
        uint32_t windows = n - 3, i = 0; /* windows start at 0 .. windows - 1 */
        /* Four windows per test: most groups of four pass none, and one branch rejects them. */
        for (; i + 7 < windows; i += 8) {
            uint8_t t0 = filter_tiers(s, fold + i), t1 = filter_tiers(s, fold + i + 2),
                    t2 = filter_tiers(s, fold + i + 4), t3 = filter_tiers(s, fold + i + 6);
            if (__builtin_expect((t0 | t1 | t2 | t3) == 0, 1))
                continue;
            if (t0)
                mark_or_keep(s, sc, fold, p, base, i, t0);
            if (t1)
                mark_or_keep(s, sc, fold, p, base, i + 2, t1);
            if (t2)
                mark_or_keep(s, sc, fold, p, base, i + 4, t2);
            if (t3)
                mark_or_keep(s, sc, fold, p, base, i + 6, t3);
        }
        for (; i < windows; i += 2) {
            uint8_t t = filter_tiers(s, fold + i);
            if (t)
                mark_or_keep(s, sc, fold, p, base, i, t);
        }
    }
    collect_marks(sc);
    sc->lazy_pending = sc->nlazy > 0;
}

/* Tier 1's candidates for the subject, appended to cand: all of them come after tier 0's. */
static void lazy_marks(const struct sigset *s, struct scratch *sc, const uint8_t *p, uint32_t len)
{
    sc->lo = UINT32_MAX;
    sc->hi = 0;
    if (sc->lazy_overflow) {
        for (uint32_t i = 0; i + 4 <= len; i += 2) {
            uint32_t w;
            memcpy(&w, p + i, 4);
            uint32_t folded = sig_lower4(w);
            if (s->folded_filter[sig_folded_slot(folded, s->folded_shift)] & 2)
                mark_window(s, 1, sc, p + i, folded);
        }
    } else {
        for (uint32_t k = 0; k < sc->nlazy; k++) {
            uint32_t w;
            memcpy(&w, p + sc->lazy[k], 4);
            mark_window(s, 1, sc, p + sc->lazy[k], sig_lower4(w));
        }
    }
    collect_marks(sc);
    sc->lazy_pending = false;
}

/* ---- one side's search ----------------------------------------------------------------- */

struct search {
    const struct sigset *s;
    const uint8_t *subject;
    uint32_t len;
    uint32_t options; /* PCRE2_NOTEOL when the subject is a cut head */
    pcre2_match_data *md;
    struct scratch *sc;     /* gram marks for this subject */
    const struct sig *soft; /* first softmatch seen */
    bool hard;              /* ev holds a hard match */
    struct evidence *ev;
};

/* n bytes of a against b, byte for byte or without case. */
static bool bytes_eq(const uint8_t *a, const uint8_t *b, unsigned n, bool caseless)
{
    if (!caseless)
        return memcmp(a, b, n) == 0;
    for (unsigned i = 0; i < n; i++)
        if (sig_lower(a[i]) != sig_lower(b[i]))
            return false;
    return true;
}

/* The literal bytes a match must have where it must have them: the prefix, and the run
 * when its place is fixed (sig_index.c). */
static bool prefix_matches(const struct sig *g, const uint8_t *subject, uint32_t len)
{
    if (len < g->prefix_len || len < g->min_len)
        return false;
    if (g->run_at >= 0 && (len < (uint32_t)g->run_at + g->run_len ||
                           !bytes_eq(subject + g->run_at, g->run, g->run_len, g->run_caseless)))
        return false;
    return bytes_eq(subject, g->prefix, g->prefix_len, g->caseless_prefix);
}

/* Whether signature id runs JIT-compiled; compiles it on its first use. */
static bool jit_ready(const struct sigset *cs, uint32_t id)
{
    uint8_t state = atomic_load_explicit(&cs->jit_state[id], memory_order_acquire);
    if (state != SIG_JIT_UNTRIED)
        return state == SIG_JIT_READY;
    struct sigset *s = (struct sigset *)cs; /* only the lock and the JIT state change */
    pthread_mutex_lock(&s->jit_lock);
    state = atomic_load_explicit(&s->jit_state[id], memory_order_relaxed);
    if (state == SIG_JIT_UNTRIED) {
        state = pcre2_jit_compile(s->sigs[id].code, PCRE2_JIT_COMPLETE) == 0 ? SIG_JIT_READY
                                                                             : SIG_JIT_FAILED;
        atomic_store_explicit(&s->jit_state[id], state, memory_order_release);
    }
    pthread_mutex_unlock(&s->jit_lock);
    return state == SIG_JIT_READY;
}

static int run(const struct search *se, uint32_t id)
{
    const struct sig *g = &se->s->sigs[id];
    if (!se->s->linear && !prefix_matches(g, se->subject, se->len))
        return PCRE2_ERROR_NOMATCH;
    if (jit_ready(se->s, id))
        return pcre2_jit_match(g->code, se->subject, se->len, 0, se->options, se->md, se->s->mctx);
    return pcre2_match(g->code, se->subject, se->len, 0, se->options, se->md, se->s->mctx);
}

static void set_service(struct evidence *ev, const struct sig *g)
{
    memset(ev, 0, sizeof *ev);
    EV_SET(ev->service, g->service);
    if (g->tls)
        EV_SET(ev->tunnel, "tls");
    EV_SET(ev->rule, g->rule);
    ev->witness = WITNESS_SIGNATURE;
}

static void hard_evidence(struct search *se, const struct sig *g, int rc)
{
    struct evidence *ev = se->ev;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(se->md);
    set_service(ev, g);
    ev->strength = STRENGTH_HARD;
    struct {
        char *field;
        size_t size;
    } dst[SF_COUNT] = {
        {ev->product, sizeof ev->product}, {ev->version, sizeof ev->version},
        {ev->info, sizeof ev->info},       {ev->hostname, sizeof ev->hostname},
        {ev->os, sizeof ev->os},           {ev->device, sizeof ev->device},
    };
    for (int f = 0; f < SF_COUNT; f++)
        if (g->field[f] && !sig_expand(g->field[f], se->subject, ov, rc, dst[f].field, dst[f].size))
            dst[f].field[0] = '\0';
    size_t used = 0;
    for (unsigned i = 0; i < g->ncpe; i++) {
        char one[EV_CPE_MAX];
        if (!sig_expand(g->cpe[i], se->subject, ov, rc, one, sizeof one) || !one[0])
            continue;
        size_t sep = used ? 1 : 0, n = strlen(one);
        if (sep + 5 + n >= sizeof ev->cpe - used)
            break; /* keep only whole names */
        memcpy(ev->cpe + used, &" cpe:/"[1 - sep], sep + 5);
        memcpy(ev->cpe + used + sep + 5, one, n + 1);
        used += sep + 5 + n;
    }
    se->hard = true;
}

/* Try one signature; false once the search is over (a hard match was found). */
static bool try_sig(struct search *se, uint32_t id)
{
    const struct sig *g = &se->s->sigs[id];
    bool soft = g->kind == SIG_SOFTMATCH || g->kind == SIG_SOFTCLIENTMATCH;
    if (soft && se->soft)
        return true;
    if (!soft && se->soft && strcmp(se->soft->service, g->service) != 0)
        return true;
    int rc = run(se, id);
    if (rc < 0)
        return true; /* no match, or a PCRE2 limit hit: not a match */
    if (soft) {
        se->soft = g;
        return true;
    }
    hard_evidence(se, g, rc);
    return false;
}

/* Does a gram candidate belong to the list being searched, and can it start with first? */
static bool candidate_fits(const struct sig *g, int probe, uint8_t transport, uint8_t first)
{
    bool client = g->kind == SIG_CLIENTMATCH || g->kind == SIG_SOFTCLIENTMATCH;
    if (probe >= 0 ? client || g->probe != (uint32_t)probe : !client || g->transport != transport)
        return false;
    return g->first_any || (g->first[first >> 3] & (1u << (first & 7)));
}

/*
 * Every signature of a list that can match, in priority order; false once
 * done. The list is a probe's (probe >= 0) or the client lines of a
 * transport. Three id-sorted streams are merged: the first-byte bucket and
 * the "any" list (signatures without a gram), and the gram candidates marked
 * for this subject that belong here.
 */
static bool search_list(struct search *se, const struct sig_list *list, const struct sig_index *ix,
                        int probe, uint8_t transport)
{
    if (se->len == 0 || list->n == 0)
        return true; /* no pattern can match an empty subject */
    if (se->s->linear) {
        for (uint32_t i = 0; i < list->n; i++)
            if (!try_sig(se, list->ids[i]))
                return false;
        return true;
    }
    uint8_t first = se->subject[0];
    const uint32_t *a = ix->ids + ix->off[first], *ae = ix->ids + ix->off[first + 1];
    const uint32_t *b = ix->ids + ix->off[256], *be = ix->ids + ix->off[257];
    struct scratch *sc = se->sc;
    const uint32_t *c = sc->cand, *ce = c + sc->ncand;
    const struct sig *sigs = se->s->sigs;
    /* Tier 1 candidates may belong here: the list reaches into tier 1. */
    bool lazy = list->ids[list->n - 1] >= se->s->lazy_from;
    for (;;) {
        while (c < ce && !candidate_fits(&sigs[*c], probe, transport, first))
            c++;
        uint32_t next = UINT32_MAX;
        const uint32_t **from = NULL;
        if (a < ae && *a < next)
            next = *a, from = &a;
        if (b < be && *b < next)
            next = *b, from = &b;
        if (c < ce && *c < next)
            next = *c, from = &c;
        if (lazy && sc->lazy_pending && next >= se->s->lazy_from) {
            /* cand does not move (it has room for every id): c stays valid */
            lazy_marks(se->s, sc, se->subject, se->len);
            ce = sc->cand + sc->ncand;
            continue;
        }
        if (!from)
            return true;
        (*from)++;
        if (!try_sig(se, next))
            return false;
    }
}

/* ---- which probes apply ---------------------------------------------------------------- */

struct probe_order {
    uint32_t ids[PS_SIG_MAX_PROBES];
    uint32_t n;
    uint8_t seen[PS_SIG_MAX_PROBES / 8];
};

static void order_add(struct probe_order *o, const struct sigset *s, uint32_t id, int depth)
{
    if (o->seen[id >> 3] & (1u << (id & 7)))
        return;
    o->seen[id >> 3] |= (uint8_t)(1u << (id & 7));
    o->ids[o->n++] = id;
    const struct sig_probe *p = &s->probes[id];
    if (depth < 2)
        for (unsigned k = 0; k < p->nfallback; k++)
            order_add(o, s, p->fallback[k], depth + 1);
}

/* The probes whose lines apply to the server head, in the order they are tried. */
static void probes_for(const struct sigset *s, const struct classify_input *in,
                       const uint8_t *client, uint32_t clen, struct probe_order *o)
{
    bool udp = in->transport == IPPROTO_UDP;
    uint8_t transport = udp ? IPPROTO_UDP : IPPROTO_TCP;
    o->n = 0;
    memset(o->seen, 0, sizeof o->seen);
    bool server_first = in->first_talker == TALKER_SERVER || clen == 0;
    if (!(server_first && !udp) && clen > 0) {
        enum sig_shape shape = sig_shape_of(client, clen, transport);
        const struct sig_index *ix = &s->probe_first[udp];
        for (uint32_t k = ix->off[client[0]]; k < ix->off[client[0] + 1]; k++) {
            const struct sig_probe *p = &s->probes[ix->ids[k]];
            if (clen >= p->len && memcmp(client, p->payload, p->len) == 0)
                order_add(o, s, ix->ids[k], 0);
        }
        ix = &s->probe_shape[udp];
        for (uint32_t k = ix->off[shape]; shape != SHAPE_NONE && k < ix->off[shape + 1]; k++)
            order_add(o, s, ix->ids[k], 0);
    }
    if (!udp && s->null_probe >= 0)
        order_add(o, s, (uint32_t)s->null_probe, 0);
    /* UDP has no unprompted banners. Lines under "Probe UDP NULL" describe an answer
     * to a request whose bytes no probe can fix (a random request id first), so they
     * are tried on every answer, after every equivalent probe. */
    if (udp && clen > 0 && s->udp_null_probe >= 0)
        order_add(o, s, (uint32_t)s->udp_null_probe, 0);
}

/* ---- the public entry ------------------------------------------------------------------ */

/* A head as a subject: for UDP, its first datagram. */
static uint32_t subject_len(const struct head_bytes *h, bool udp)
{
    if (!h->data)
        return 0;
    uint32_t len = h->len;
    if (udp && h->datagrams > 0 && h->datagram_end[0] < len)
        len = h->datagram_end[0];
    return len;
}

/* PCRE2_NOTEOL when the subject ends where the head was cut, not where the side stopped.
 * A UDP subject is the first datagram: cut only if it is the last bytes of the head. */
static uint32_t subject_options(const struct head_bytes *h, uint32_t subject_len)
{
    bool cut = h->truncated || h->gap;
    return cut && subject_len == h->len ? PCRE2_NOTEOL : 0;
}

static bool side_result(struct search *se)
{
    if (se->hard)
        return true;
    if (!se->soft)
        return false;
    set_service(se->ev, se->soft);
    se->ev->strength = STRENGTH_SOFT;
    return true;
}

void sigset_match(const struct sigset *s, const struct classify_input *in, evidence_fn emit,
                  void *ctx)
{
    if (!s || !s->finalized || !in || !emit)
        return;
    if (in->transport != IPPROTO_TCP && in->transport != IPPROTO_UDP)
        return;
    struct scratch *sc = thread_scratch(s->nsigs);
    if (!sc)
        return;
    bool udp = in->transport == IPPROTO_UDP;
    const uint8_t *client = in->client_head.data;
    uint32_t clen = subject_len(&in->client_head, udp);
    struct evidence ev[2];
    uint32_t slen = subject_len(&in->server_head, udp);
    struct search server = {.s = s,
                            .subject = in->server_head.data,
                            .len = slen,
                            .options = subject_options(&in->server_head, slen),
                            .md = sc->md,
                            .sc = sc,
                            .ev = &ev[0]};
    struct probe_order order;
    probes_for(s, in, client, clen, &order);
    sc->ncand = 0;
    sc->lazy_pending = false;
    if (!s->linear && server.len)
        mark_grams(s, sc, server.subject, server.len);
    for (uint32_t k = 0; k < order.n; k++)
        if (!search_list(&server, &s->probes[order.ids[k]].sigs, &s->probes[order.ids[k]].index,
                         (int)order.ids[k], 0))
            break;
    struct search cl = {.s = s,
                        .subject = client,
                        .len = clen,
                        .options = subject_options(&in->client_head, clen),
                        .md = sc->md,
                        .sc = sc,
                        .ev = &ev[1]};
    sc->ncand = 0;
    sc->lazy_pending = false;
    if (!s->linear && clen && s->client[udp].n)
        mark_grams(s, sc, client, clen);
    search_list(&cl, &s->client[udp], &s->client_index[udp], -1, udp ? IPPROTO_UDP : IPPROTO_TCP);
    bool have_server = side_result(&server), have_client = side_result(&cl);
    /* best first: a hard statement before a soft one, the server's side before the client's */
    if (have_client && (!have_server || ev[1].strength > ev[0].strength)) {
        emit(&ev[1], ctx);
        have_client = false;
    }
    if (have_server)
        emit(&ev[0], ctx);
    if (have_client)
        emit(&ev[1], ctx);
}

void sigset_set_linear(struct sigset *s, bool linear)
{
    s->linear = linear;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sigset_list(const struct sigset *s, FILE *out)
{
    if (!s->nsigs)
        return;
    const char **names = malloc(s->nsigs * sizeof *names);
    if (!names)
        return;
    for (uint32_t i = 0; i < s->nsigs; i++)
        names[i] = s->sigs[i].service;
    qsort(names, s->nsigs, sizeof *names, by_name);
    for (uint32_t i = 0, run_start = 0; i <= s->nsigs; i++)
        if (i == s->nsigs || strcmp(names[i], names[run_start]) != 0) {
            fprintf(out, "%-24s %u signatures\n", names[run_start], i - run_start);
            run_start = i;
        }
    free(names);
}
