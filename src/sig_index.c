/*
 * sig_index.c - what a regex can start with, the first-byte index built from
 * it, and sigset_finalize (fallbacks, index; JIT happens on first use).
 *
 * For an anchored pattern the set of bytes the subject can begin with is
 * derived twice and the two are intersected (each is a superset of the
 * truth, so their intersection is too):
 *   - from the pattern text, by a small recursive reader of PCRE syntax that
 *     follows alternations, groups, optional items, classes, escapes and
 *     (?i) and gives up (every byte) on anything it does not know;
 *   - from PCRE2 itself: PCRE2_INFO_FIRSTCODEUNIT (both cases, since PCRE2
 *     does not say whether it is caseless) or PCRE2_INFO_FIRSTBITMAP.
 * The reader also records the literal bytes every match starts with, which
 * the matcher compares before running the regex at all.
 * Signatures are then put in one bucket per possible first byte; those with
 * no usable information go to the "any" list, tried on every head.
 */
#include <ctype.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sig_internal.h"

typedef uint8_t byteset[32];

struct rx {
    const char *p, *end;
    bool caseless;
    bool fail; /* met something not understood: every byte is possible */
    int depth;
    bool prefix_open; /* still collecting the literal prefix */
    struct sig *g;
    uint8_t run[PS_SIG_RUN_MAX]; /* the literal run being read at the top level */
    unsigned run_len;
    bool run_caseless;
    bool run_dead; /* a top-level alternation: no run is required */
    int offset;    /* bytes every match has before the current top-level item, -1: varies */
    int run_start; /* offset of the run being read, -1: varies */
};

static void set_add(byteset s, unsigned c)
{
    s[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool set_has(const byteset s, unsigned c)
{
    return s[c >> 3] & (1u << (c & 7));
}

static void set_add_char(const struct rx *rx, byteset s, unsigned c)
{
    set_add(s, c);
    if (rx->caseless && isalpha((int)c)) {
        set_add(s, (unsigned)tolower((int)c));
        set_add(s, (unsigned)toupper((int)c));
    }
}

static void set_fill(byteset s)
{
    memset(s, 0xff, sizeof(byteset));
}

static void set_or(byteset a, const byteset b)
{
    for (int i = 0; i < 32; i++)
        a[i] |= b[i];
}

static unsigned set_count(const byteset s)
{
    unsigned n = 0;
    for (int i = 0; i < 32; i++)
        n += (unsigned)__builtin_popcount(s[i]);
    return n;
}

static bool peek(const struct rx *rx, char c)
{
    return rx->p < rx->end && *rx->p == c;
}

/* Whether byte c is in the class of a lower-case class escape letter (ASCII, no UCP). */
static bool in_class(char lower, unsigned c)
{
    switch (lower) {
    case 'd':
        return c >= '0' && c <= '9';
    case 'w':
        return c < 128 && (isalnum((int)c) || c == '_');
    case 's':
        return c == ' ' || (c >= 9 && c <= 13);
    case 'h':
        return c == ' ' || c == 9 || c == 0xa0;
    default: /* 'v' */
        return (c >= 10 && c <= 13) || c == 0x85;
    }
}

/*
 * The byte sets of \d \w \s \h \v and their negations, made once: a large
 * set (nmap's) asks for them a hundred thousand times while loading.
 */
static const char class_letters[] = "dwshv";
static byteset class_sets[2][sizeof class_letters - 1];
static pthread_once_t class_sets_once = PTHREAD_ONCE_INIT;

static void make_class_sets(void)
{
    for (unsigned k = 0; k < sizeof class_letters - 1; k++)
        for (unsigned c = 0; c < 256; c++)
            set_add(class_sets[!in_class(class_letters[k], c)][k], c);
}

/* The bytes a \d \w \s \h \v class escape (or \D \W ...) stands for, added to s. */
static bool class_escape(char e, byteset s)
{
    char lower = (char)tolower((unsigned char)e);
    const char *k = lower ? strchr(class_letters, lower) : NULL;
    if (!k)
        return false;
    pthread_once(&class_sets_once, make_class_sets);
    set_or(s, class_sets[e != lower][k - class_letters]);
    return true;
}

/* A literal escape's byte (\xHH \x{H} \0oo \ooo \n ... \W-like punctuation), -1 if not one. */
static int escape_literal(struct rx *rx, char e)
{
    static const char from[] = "tnrfaeb";
    static const unsigned char to[] = {9, 10, 13, 12, 7, 0x1b, 8};
    const char *k = strchr(from, e);
    if (k && e)
        return to[k - from];
    if (e == 'x') {
        unsigned v = 0;
        int digits = 0;
        if (peek(rx, '{')) {
            rx->p++;
            while (rx->p < rx->end && isxdigit((unsigned char)*rx->p) && digits < 3) {
                v = v * 16 + (unsigned)(isdigit((unsigned char)*rx->p)
                                            ? *rx->p - '0'
                                            : (tolower((unsigned char)*rx->p) - 'a' + 10));
                rx->p++, digits++;
            }
            if (!peek(rx, '}') || v > 255)
                return -1;
            rx->p++;
            return (int)v;
        }
        while (rx->p < rx->end && isxdigit((unsigned char)*rx->p) && digits < 2) {
            v = v * 16 + (unsigned)(isdigit((unsigned char)*rx->p)
                                        ? *rx->p - '0'
                                        : (tolower((unsigned char)*rx->p) - 'a' + 10));
            rx->p++, digits++;
        }
        return (int)v;
    }
    if (e == '0') {
        unsigned v = 0;
        for (int i = 0; i < 2 && rx->p < rx->end && *rx->p >= '0' && *rx->p <= '7'; i++)
            v = v * 8 + (unsigned)(*rx->p++ - '0');
        return (int)v;
    }
    if (!isalnum((unsigned char)e) && (unsigned char)e < 128)
        return (unsigned char)e;
    return -1;
}

/* [...] : the set of bytes the class matches. */
static void char_class(struct rx *rx, byteset out)
{
    byteset s = {0};
    bool negate = false;
    if (peek(rx, '^'))
        negate = true, rx->p++;
    bool first = true;
    for (;;) {
        if (rx->p >= rx->end) {
            rx->fail = true;
            return;
        }
        char c = *rx->p++;
        if (c == ']' && !first)
            break;
        first = false;
        int lo;
        if (c == '[' && peek(rx, ':')) {
            rx->fail = true; /* POSIX classes: not worth reading */
            return;
        }
        if (c == '\\') {
            if (rx->p >= rx->end) {
                rx->fail = true;
                return;
            }
            char e = *rx->p++;
            if (class_escape(e, s))
                continue;
            lo = e == 'b' ? 8 : escape_literal(rx, e);
            if (lo < 0) {
                rx->fail = true;
                return;
            }
        } else {
            lo = (unsigned char)c;
        }
        int hi = lo;
        if (peek(rx, '-') && rx->p + 1 < rx->end && rx->p[1] != ']') {
            rx->p++;
            char d = *rx->p++;
            if (d == '\\') {
                if (rx->p >= rx->end) {
                    rx->fail = true;
                    return;
                }
                char e = *rx->p++;
                hi = e == 'b' ? 8 : escape_literal(rx, e);
            } else if (d == '[') {
                rx->fail = true;
                return;
            } else {
                hi = (unsigned char)d;
            }
            if (hi < lo) {
                rx->fail = true;
                return;
            }
        }
        for (int b = lo; b <= hi; b++)
            set_add_char(rx, s, (unsigned)b);
    }
    if (negate) {
        /* caseless negation: a byte whose other case is excluded is excluded too */
        for (int i = 0; i < 32; i++)
            s[i] = (uint8_t)~s[i];
    }
    set_or(out, s);
}

/* A quantifier after an item: its minimum count (1 if none); *exact when it is {n}. */
static unsigned quantifier(struct rx *rx, bool *had, bool *exact)
{
    unsigned min = 1;
    *had = false;
    *exact = false;
    if (rx->p >= rx->end)
        return 1;
    char c = *rx->p;
    if (c == '*' || c == '?')
        min = 0, rx->p++, *had = true;
    else if (c == '+')
        rx->p++, *had = true;
    else if (c == '{') {
        const char *q = rx->p + 1;
        unsigned v = 0;
        int digits = 0;
        while (q < rx->end && isdigit((unsigned char)*q) && digits < 6)
            v = v * 10 + (unsigned)(*q++ - '0'), digits++;
        if (digits == 0)
            return 1; /* not a quantifier: '{' is a literal, read as the next item */
        bool comma = q < rx->end && *q == ',';
        if (comma)
            for (q++; q < rx->end && isdigit((unsigned char)*q); q++)
                ;
        if (q >= rx->end || *q != '}')
            return 1;
        rx->p = q + 1;
        min = v;
        *had = true;
        *exact = !comma;
    }
    if (*had && rx->p < rx->end && (*rx->p == '?' || *rx->p == '+'))
        rx->p++;
    return min;
}

static bool alternation(struct rx *rx, byteset out);

/* (?letters) or (?letters: ... ) : option settings; returns false if unsupported. */
static bool options_group(struct rx *rx, bool *scoped)
{
    bool on = true;
    while (rx->p < rx->end) {
        char c = *rx->p++;
        if (c == ')') {
            *scoped = false;
            return true;
        }
        if (c == ':') {
            *scoped = true;
            return true;
        }
        if (c == '-')
            on = false;
        else if (c == '^')
            rx->caseless = false;
        else if (c == 'i')
            rx->caseless = on;
        else if (c == 'x')
            return false; /* extended syntax changes the meaning of blanks and '#' */
        else if (!strchr("msnJU", c))
            return false;
    }
    return false;
}

/* One group after '(': first set into out; returns whether it can match empty. */
static bool group(struct rx *rx, byteset out, bool *literal_ok)
{
    bool saved = rx->caseless;
    bool zero_width = false;
    *literal_ok = false;
    if (peek(rx, '*')) {
        rx->fail = true; /* (*VERB) */
        return true;
    }
    if (peek(rx, '?')) {
        rx->p++;
        if (rx->p >= rx->end) {
            rx->fail = true;
            return true;
        }
        char c = *rx->p;
        if (c == ':' || c == '>' || c == '|') {
            rx->p++;
        } else if (c == '=' || c == '!') {
            rx->p++, zero_width = true;
        } else if (c == '<' && rx->p + 1 < rx->end && (rx->p[1] == '=' || rx->p[1] == '!')) {
            rx->p += 2, zero_width = true;
        } else if (c == '<' || c == '\'' || (c == 'P' && rx->p + 1 < rx->end && rx->p[1] == '<')) {
            char close = c == '\'' ? '\'' : '>';
            while (rx->p < rx->end && *rx->p != close)
                rx->p++;
            if (rx->p >= rx->end) {
                rx->fail = true;
                return true;
            }
            rx->p++;
        } else if (c == '#') {
            while (rx->p < rx->end && *rx->p != ')')
                rx->p++;
            if (rx->p < rx->end)
                rx->p++;
            *literal_ok = true; /* a comment does not end the literal prefix */
            return true;
        } else {
            bool scoped;
            if (!options_group(rx, &scoped)) {
                rx->fail = true;
                return true;
            }
            if (!scoped) {
                *literal_ok = true; /* (?i) applies to the rest of the enclosing group */
                return true;
            }
        }
    }
    rx->depth++;
    byteset inner = {0};
    bool nullable = alternation(rx, inner);
    rx->depth--;
    if (!peek(rx, ')')) {
        rx->fail = true;
        return true;
    }
    rx->p++;
    rx->caseless = saved;
    if (zero_width) {
        *literal_ok = true; /* lookaround consumes nothing */
        return true;
    }
    set_or(out, inner);
    return nullable;
}

static void prefix_add(struct rx *rx, unsigned c)
{
    struct sig *g = rx->g;
    if (g->prefix_len >= PS_SIG_PREFIX_MAX) {
        rx->prefix_open = false;
        return;
    }
    g->prefix[g->prefix_len++] = (uint8_t)c;
    if (rx->caseless && isalpha((int)c))
        g->caseless_prefix = true;
}

/*
 * One item and its quantifier. Adds the item's first bytes to out and
 * returns whether the item can match empty. literal gets the byte when the
 * item is a single literal byte, else -1; zero_width says it consumes nothing;
 * width is the number of bytes it always consumes, -1 when that varies (or is
 * not known: a group, \R).
 */
static bool item(struct rx *rx, byteset out, int *literal, bool *zero_width, int *width)
{
    byteset s = {0};
    bool nullable = false;
    *literal = -1;
    *zero_width = false;
    *width = -1;
    char c = *rx->p++;
    switch (c) {
    case '(': {
        bool lit_ok;
        nullable = group(rx, s, &lit_ok);
        *zero_width = lit_ok;
        *width = lit_ok ? 0 : -1;
        break;
    }
    case '[':
        char_class(rx, s);
        *width = 1;
        break;
    case '.':
        set_fill(s);
        *width = 1;
        break;
    case '^':
    case '$':
        *zero_width = true;
        *width = 0;
        return true;
    case ')':
    case '|':
    case '*':
    case '+':
    case '?':
        rx->fail = true;
        return true;
    case '\\': {
        if (rx->p >= rx->end) {
            rx->fail = true;
            return true;
        }
        char e = *rx->p++;
        if (strchr("bBAGzZK", e) && e) {
            *zero_width = true;
            *width = 0;
            return true;
        }
        if (e == 'E') {
            *zero_width = true;
            *width = 0;
            return true;
        }
        if (class_escape(e, s)) {
            *width = 1;
            break;
        }
        if (e == 'N' || e == 'R') {
            set_fill(s);
            *width = e == 'N' ? 1 : -1; /* \R may be \r\n */
            break;
        }
        int b = escape_literal(rx, e);
        if (b < 0) {
            rx->fail = true; /* backreferences, \Q, \p, \c, ... */
            return true;
        }
        set_add_char(rx, s, (unsigned)b);
        *literal = b;
        *width = 1;
        break;
    }
    default:
        set_add_char(rx, s, (unsigned char)c);
        *literal = (unsigned char)c;
        *width = 1;
        break;
    }
    bool had, exact;
    unsigned min = quantifier(rx, &had, &exact);
    if (had && *zero_width) {
        /* a quantified zero-width item is still zero-width */
        *width = 0;
        return true;
    }
    if (had)
        *width = exact && *width == 1 && min <= 65535 ? (int)min : -1;
    if (min == 0)
        nullable = true, *literal = -1;
    if (had)
        *literal = *literal >= 0 ? -2 - *literal : -1; /* literal, but the prefix stops here */
    set_or(out, s);
    return nullable;
}

/* The current top-level literal run ends; keep it if it is the longest. */
static void run_end(struct rx *rx)
{
    struct sig *g = rx->g;
    if (!rx->run_dead && rx->run_len > g->run_len) {
        memcpy(g->run, rx->run, rx->run_len);
        g->run_len = (uint8_t)rx->run_len;
        g->run_caseless = rx->run_caseless;
        g->run_at = rx->run_start <= INT16_MAX ? (int16_t)rx->run_start : -1;
    }
    rx->run_len = 0;
    rx->run_caseless = false;
}

static void run_add(struct rx *rx, unsigned c)
{
    if (rx->run_len < PS_SIG_RUN_MAX) /* any part of a required run is required too */
        rx->run[rx->run_len++] = (uint8_t)c;
    if (rx->caseless && isalpha((int)c))
        rx->run_caseless = true;
}

/* What one top-level item does to the literal prefix and the literal run. */
static void top_level_literal(struct rx *rx, int literal, bool zero_width)
{
    if (rx->prefix_open && !zero_width) {
        if (literal >= 0)
            prefix_add(rx, (unsigned)literal);
        else if (literal <= -2)
            prefix_add(rx, (unsigned)(-2 - literal)), rx->prefix_open = false;
        else
            rx->prefix_open = false;
    }
    if (zero_width || literal == -1) {
        run_end(rx);
    } else if (literal >= 0) {
        run_add(rx, (unsigned)literal);
    } else {
        run_add(rx, (unsigned)(-2 - literal));
        run_end(rx);
    }
}

/* A sequence of items up to '|' or ')': first set, and whether it can match empty. */
static bool sequence(struct rx *rx, byteset out)
{
    bool nullable = true;
    while (rx->p < rx->end && *rx->p != '|' && *rx->p != ')' && !rx->fail) {
        byteset s = {0};
        int literal, width;
        bool zero_width;
        int at = rx->offset;
        bool item_nullable = item(rx, s, &literal, &zero_width, &width);
        if (rx->depth == 0) {
            if (rx->run_len == 0)
                rx->run_start = at; /* a run that starts with this item starts here */
            top_level_literal(rx, literal, zero_width);
            rx->offset = (at | width) >= 0 ? at + width : -1;
        }
        if (nullable)
            set_or(out, s);
        if (!item_nullable)
            nullable = false;
    }
    if (rx->depth == 0)
        run_end(rx);
    return nullable;
}

static bool alternation(struct rx *rx, byteset out)
{
    bool nullable = sequence(rx, out);
    while (peek(rx, '|') && !rx->fail) {
        rx->p++;
        if (rx->depth == 0) {
            rx->prefix_open = false;
            rx->g->prefix_len = 0;
            rx->g->caseless_prefix = false;
            rx->run_dead = true;
            rx->g->run_len = 0;
        }
        if (sequence(rx, out))
            nullable = true;
    }
    return nullable;
}

/* PCRE2's own idea of the first byte, as a superset; false if it has none. */
static bool pcre_first_set(pcre2_code *code, byteset s)
{
    uint32_t type = 0;
    pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type);
    if (type == 1) {
        uint32_t cu = 0;
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &cu);
        memset(s, 0, sizeof(byteset));
        set_add(s, cu & 0xff);
        if (isalpha((int)(cu & 0xff))) {
            set_add(s, (unsigned)tolower((int)(cu & 0xff)));
            set_add(s, (unsigned)toupper((int)(cu & 0xff)));
        }
        return true;
    }
    const uint8_t *bitmap = NULL;
    if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap) {
        memcpy(s, bitmap, sizeof(byteset));
        return true;
    }
    return false;
}

void sig_analyze(struct sig *g, const char *pattern, size_t len, uint32_t options)
{
    struct rx rx = {.p = pattern,
                    .end = pattern + len,
                    .caseless = (options & PCRE2_CASELESS) != 0,
                    .prefix_open = true,
                    .g = g,
                    .offset = 0,
                    .run_start = -1};
    g->prefix_len = 0;
    g->caseless_prefix = false;
    g->run_len = 0;
    g->run_at = -1;
    byteset set = {0};
    bool nullable = alternation(&rx, set);
    if (rx.p != rx.end)
        rx.fail = true; /* an unbalanced ')' */
    uint32_t all = 0;
    pcre2_pattern_info(g->code, PCRE2_INFO_ALLOPTIONS, &all);
    bool anchored = (all & PCRE2_ANCHORED) != 0;
    if (!anchored || rx.fail) {
        g->prefix_len = 0;
        g->caseless_prefix = false;
    }
    if (rx.fail)
        g->run_len = 0;
    if (!anchored || rx.fail || g->run_len == 0)
        g->run_at = -1; /* offsets count from the start of the subject */
    if (!anchored || rx.fail || nullable)
        set_fill(set);
    byteset theirs;
    if (anchored && pcre_first_set(g->code, theirs))
        for (int i = 0; i < 32; i++)
            set[i] &= theirs[i];
    memcpy(g->first, set, sizeof set);
    /* More than half the bytes: cheaper to keep it in one list than in 129+ buckets. */
    g->first_any = set_count(set) > 128;
}

/* Counting sort, first half: bucket b's ids start at off[b]; fill gets the offsets as the
 * next free place of each bucket, for the caller's second pass. */
static int index_alloc(struct sig_index *ix, const uint32_t count[258], uint32_t fill[257])
{
    ix->off[0] = 0;
    for (int b = 0; b < 257; b++)
        ix->off[b + 1] = ix->off[b] + count[b];
    ix->ids = malloc((ix->off[257] ? ix->off[257] : 1) * sizeof *ix->ids);
    if (!ix->ids)
        return -1;
    memcpy(fill, ix->off, 257 * sizeof *fill);
    return 0;
}

int sig_index_build(const struct sigset *s, const struct sig_list *list, struct sig_index *ix)
{
    uint32_t count[258] = {0};
    for (uint32_t i = 0; i < list->n; i++) {
        const struct sig *g = &s->sigs[list->ids[i]];
        if (g->has_gram)
            continue; /* found through the gram filter instead */
        if (g->first_any)
            count[256]++;
        else
            for (unsigned b = 0; b < 256; b++)
                count[b] += set_has(g->first, b);
    }
    uint32_t fill[257];
    if (index_alloc(ix, count, fill) != 0)
        return -1;
    for (uint32_t i = 0; i < list->n; i++) {
        uint32_t id = list->ids[i];
        const struct sig *g = &s->sigs[id];
        if (g->has_gram)
            continue;
        if (g->first_any)
            ix->ids[fill[256]++] = id;
        else
            for (unsigned b = 0; b < 256; b++)
                if (set_has(g->first, b))
                    ix->ids[fill[b]++] = id;
    }
    return 0;
}

/* One probe index: bucket key(p) of each probe of the transport that has one (-1: none). */
static int probe_index(const struct sigset *s, uint8_t transport,
                       int (*key)(const struct sig_probe *), struct sig_index *ix)
{
    uint32_t count[258] = {0};
    for (uint32_t i = 0; i < s->nprobes; i++)
        if (s->probes[i].transport == transport && key(&s->probes[i]) >= 0)
            count[key(&s->probes[i])]++;
    uint32_t fill[257];
    if (index_alloc(ix, count, fill) != 0)
        return -1;
    for (uint32_t i = 0; i < s->nprobes; i++)
        if (s->probes[i].transport == transport && key(&s->probes[i]) >= 0)
            ix->ids[fill[key(&s->probes[i])]++] = i;
    return 0;
}

static int first_byte_key(const struct sig_probe *p)
{
    return p->len > 0 ? p->payload[0] : -1;
}

static int shape_key(const struct sig_probe *p)
{
    return p->shape != SHAPE_NONE ? p->shape : -1;
}

static int sig_probe_index_build(struct sigset *s)
{
    for (int t = 0; t < 2; t++) {
        uint8_t transport = t ? IPPROTO_UDP : IPPROTO_TCP;
        if (probe_index(s, transport, first_byte_key, &s->probe_first[t]) < 0 ||
            probe_index(s, transport, shape_key, &s->probe_shape[t]) < 0)
            return -1;
    }
    return 0;
}

void sig_index_free(struct sig_index *ix)
{
    free(ix->ids);
    ix->ids = NULL;
}

/* ---- the gram filter ------------------------------------------------------------------
 * Each signature with a required literal run of 5+ bytes is keyed by two
 * adjacent 4-byte pieces of that run, the pair shared by the fewest
 * signatures. Before matching, the matcher looks up every 4-byte window of
 * the head that starts at an even offset, once, and marks the signatures one
 * of whose keys is present: if the run is in the head, one of its two pieces
 * starts at an even offset. The others cannot match and are skipped without
 * running their regex. The tables hold only our signatures' keys, so traffic
 * cannot lengthen a lookup beyond the set's own longest cluster.
 */

static uint32_t gram_slot(uint32_t gram, uint32_t mask)
{
    uint32_t h = gram * 0x9e3779b1u;
    return (h ^ (h >> 15)) & mask;
}

static uint32_t gram_of(const uint8_t *p, bool caseless)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = caseless ? sig_lower(p[i]) : p[i];
    uint32_t v;
    memcpy(&v, b, 4);
    return v;
}

const uint32_t *sig_grams_find(const struct gram_table *t, uint32_t gram, uint32_t *n)
{
    if (!sig_gram_maybe(t, gram))
        return NULL;
    for (uint32_t i = gram_slot(gram, t->mask);; i = (i + 1) & t->mask) {
        if (!t->count[i])
            return NULL;
        if (t->key[i] == gram) {
            *n = t->count[i];
            return t->ids + t->start[i];
        }
    }
}

static uint32_t table_size(uint32_t entries)
{
    uint32_t size = 16;
    while (size < entries * 2)
        size *= 2;
    return size;
}

/* A counting table: how many signatures' runs contain each gram. */
struct gram_counts {
    uint32_t *key, *count, mask;
};

static uint32_t *counts_slot(struct gram_counts *c, uint32_t gram)
{
    uint32_t i = gram_slot(gram, c->mask);
    while (c->count[i] && c->key[i] != gram)
        i = (i + 1) & c->mask;
    c->key[i] = gram;
    return &c->count[i];
}

/*
 * The key of each signature: two 4-byte pieces next to each other in its run, the pair
 * the fewest other runs share. The matcher looks at every second window of a head only
 * (sig_match.c): wherever the run is, one of the two pieces starts at an even offset.
 * A run of exactly 4 bytes has one piece: such a signature goes to the first-byte index.
 */
static void choose_grams(struct sigset *s, struct gram_counts *c)
{
    for (uint32_t i = 0; i < s->nsigs; i++) {
        struct sig *g = &s->sigs[i];
        for (unsigned k = 0; k + 4 <= g->run_len; k++)
            (*counts_slot(c, gram_of(g->run + k, g->run_caseless)))++;
    }
    for (uint32_t i = 0; i < s->nsigs; i++) {
        struct sig *g = &s->sigs[i];
        g->has_gram = g->run_len >= 5;
        if (!g->has_gram)
            continue;
        uint32_t gram[PS_SIG_RUN_MAX], count[PS_SIG_RUN_MAX];
        for (unsigned k = 0; k + 4 <= g->run_len; k++) {
            gram[k] = gram_of(g->run + k, g->run_caseless);
            count[k] = *counts_slot(c, gram[k]);
        }
        uint32_t best = UINT32_MAX;
        for (unsigned k = 0; k + 5 <= g->run_len; k++)
            if (count[k] + count[k + 1] < best)
                best = count[k] + count[k + 1], g->gram = gram[k], g->gram2 = gram[k + 1];
    }
}

struct gram_entry {
    uint32_t gram, id;
};

static int by_gram_then_id(const void *a, const void *b)
{
    const struct gram_entry *x = a, *y = b;
    if (x->gram != y->gram)
        return x->gram < y->gram ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The gram table of one tier and case mode; its keys' filter bits go into folded_filter. */
static int build_table(const struct sigset *s, unsigned tier, bool caseless, struct gram_table *t,
                       uint8_t *folded_filter)
{
    uint32_t from = tier ? s->lazy_from : 0, to = tier ? s->nsigs : s->lazy_from;
    uint32_t n = 0;
    for (uint32_t i = from; i < to; i++)
        n += s->sigs[i].has_gram && s->sigs[i].run_caseless == caseless;
    if (n == 0)
        return 0;
    struct gram_entry *e = malloc(2 * n * sizeof *e);
    t->ids = malloc(2 * n * sizeof *t->ids);
    uint32_t size = table_size(2 * n);
    t->key = calloc(size, sizeof *t->key);
    t->start = calloc(size, sizeof *t->start);
    t->count = calloc(size, sizeof *t->count);
    if (!e || !t->ids || !t->key || !t->start || !t->count) {
        free(e);
        return -1;
    }
    t->mask = size - 1;
    n = 0;
    for (uint32_t i = from; i < to; i++) {
        const struct sig *g = &s->sigs[i];
        if (!g->has_gram || g->run_caseless != caseless)
            continue;
        e[n++] = (struct gram_entry){g->gram, i};
        if (g->gram2 != g->gram)
            e[n++] = (struct gram_entry){g->gram2, i};
    }
    qsort(e, n, sizeof *e, by_gram_then_id);
    for (uint32_t k = 0; k < n; k++)
        t->ids[k] = e[k].id;
    for (uint32_t k = 0; k < n;) {
        uint32_t gram = e[k].gram, end = k;
        while (end < n && e[end].gram == gram)
            end++;
        uint32_t slot = gram_slot(gram, t->mask);
        while (t->count[slot])
            slot = (slot + 1) & t->mask;
        t->key[slot] = gram;
        uint32_t bit = sig_gram_filter_bit(gram);
        t->filter[bit >> 6] |= 1ull << (bit & 63);
        folded_filter[sig_folded_slot(sig_lower4(gram), s->folded_shift)] |= (uint8_t)(1u << tier);
        t->start[slot] = k;
        t->count[slot] = end - k;
        k = end;
    }
    free(e);
    return 0;
}

int sig_grams_build(struct sigset *s)
{
    uint32_t windows = 0;
    for (uint32_t i = 0; i < s->nsigs; i++)
        windows += s->sigs[i].run_len >= 4 ? s->sigs[i].run_len - 3u : 0u;
    uint32_t size = table_size(windows ? windows : 1);
    struct gram_counts c = {calloc(size, sizeof(uint32_t)), calloc(size, sizeof(uint32_t)),
                            size - 1};
    uint32_t keys = 0;
    for (uint32_t i = 0; i < s->nsigs; i++)
        keys += s->sigs[i].run_len >= 5 ? 2 : 0;
    uint32_t entries = SIG_FOLDED_FILTER_MIN, shift = 16;
    while (entries < SIG_FOLDED_FILTER_MAX && entries < keys * SIG_FOLDED_FILTER_PER_KEY)
        entries *= 2, shift--;
    s->folded_filter = calloc(entries, 1);
    s->folded_shift = shift;
    int rc = -1;
    if (c.key && c.count && s->folded_filter) {
        choose_grams(s, &c);
        rc = 0;
        for (unsigned tier = 0; tier < 2 && rc == 0; tier++)
            for (unsigned caseless = 0; caseless < 2 && rc == 0; caseless++)
                rc = build_table(s, tier, caseless, &s->grams[tier][caseless], s->folded_filter);
    }
    free(c.key);
    free(c.count);
    return rc;
}

void sig_grams_free(struct sigset *s)
{
    free(s->folded_filter);
    s->folded_filter = NULL;
    for (int tier = 0; tier < 2; tier++)
        for (int t = 0; t < 2; t++) {
            struct gram_table *g = &s->grams[tier][t];
            free(g->key);
            free(g->start);
            free(g->count);
            free(g->ids);
            memset(g, 0, sizeof *g);
        }
}

/* Resolve "a,b,c" to probe numbers, same transport first. */
static int resolve_fallbacks(struct sigset *s, struct sig_probe *p, char *err, size_t errlen)
{
    const char *w = p->fallback_names;
    p->nfallback = 0;
    while (w && *w) {
        size_t n = strcspn(w, ",");
        int f = sig_probe_find(s, p->transport, w, n);
        if (f < 0)
            f = sig_probe_find(s, p->transport == IPPROTO_TCP ? IPPROTO_UDP : IPPROTO_TCP, w, n);
        if (f >= 0 && p->nfallback < PS_SIG_MAX_FALLBACKS)
            p->fallback[p->nfallback++] = (uint32_t)f;
        else if (f < 0 && p->fallback_strict) {
            snprintf(err, errlen, "%s: fallback probe %.*s not found", p->fallback_rule, (int)n, w);
            return -1;
        }
        w += n + (w[n] == ',');
    }
    return 0;
}

int sigset_finalize(struct sigset *s, char *err, size_t errlen)
{
    if (s->finalized)
        return 0;
    s->jit_state = calloc(s->nsigs ? s->nsigs : 1, sizeof *s->jit_state);
    if (!s->jit_state) {
        snprintf(err, errlen, "signatures: out of memory");
        return -1;
    }
    s->null_probe = sig_probe_find(s, IPPROTO_TCP, "NULL", 4);
    s->udp_null_probe = sig_probe_find(s, IPPROTO_UDP, "NULL", 4);
    s->any_count = 0;
    for (uint32_t i = 0; i < s->nsigs; i++)
        s->any_count += s->sigs[i].first_any;
    if (!s->has_lazy)
        s->lazy_from = s->nsigs;
    if (sig_grams_build(s) < 0) {
        snprintf(err, errlen, "signatures: out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < s->nprobes; i++) {
        struct sig_probe *p = &s->probes[i];
        if (resolve_fallbacks(s, p, err, errlen) < 0)
            return -1;
        p->shape = (uint8_t)sig_shape_of(p->payload, p->len, p->transport);
        if (sig_index_build(s, &p->sigs, &p->index) < 0) {
            snprintf(err, errlen, "signatures: out of memory");
            return -1;
        }
    }
    if (sig_probe_index_build(s) < 0) {
        snprintf(err, errlen, "signatures: out of memory");
        return -1;
    }
    for (int t = 0; t < 2; t++)
        if (sig_index_build(s, &s->client[t], &s->client_index[t]) < 0) {
            snprintf(err, errlen, "signatures: out of memory");
            return -1;
        }

    s->finalized = true;
    return 0;
}

unsigned sigset_unindexed(const struct sigset *s)
{
    return s->any_count;
}
