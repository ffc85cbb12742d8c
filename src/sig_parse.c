/*
 * sig_parse.c - the signature file reader (nmap-service-probes grammar plus
 * clientmatch / softclientmatch), documented in signatures/README.md.
 *
 * A file is read whole and split into lines; each line is one directive,
 * parsed left to right by a cursor over (pointer, end) so that no line is
 * trusted to be terminated or well formed. Every regex is compiled here (so
 * a bad one is reported with its file and line) and checked for matching
 * the empty string, which nmap refuses too. In strict mode (our own files)
 * the first unusable line stops the load with "file:line: reason"; otherwise
 * (a user's nmap file) it is counted as rejected and reported to verbose.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sig_internal.h"

struct cursor {
    const char *p, *end;
};

struct load_state {
    struct sigset *s;
    const char *base; /* file name without directories, for rules */
    unsigned line;
    int probe; /* current probe section, -1 before the first */
    bool saw_exclude;
    bool strict;
    char *why; /* reason buffer */
    size_t whylen;
};

static bool fail(struct load_state *st, const char *fmt, const char *arg)
{
    snprintf(st->why, st->whylen, fmt, arg ? arg : "");
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void skip_blanks(struct cursor *c)
{
    while (c->p < c->end && is_blank(*c->p))
        c->p++;
}

static bool at_end(const struct cursor *c)
{
    return c->p >= c->end;
}

/* The next run of non-blank characters; its length, 0 if none. */
static size_t word(struct cursor *c, const char **start)
{
    skip_blanks(c);
    *start = c->p;
    while (c->p < c->end && !is_blank(*c->p))
        c->p++;
    return (size_t)(c->p - *start);
}

static bool word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* "<d>...<d>" at the cursor: the text between, cursor after the closing <d>. */
static bool delimited(struct cursor *c, const char **text, size_t *len)
{
    if (at_end(c) || is_blank(*c->p))
        return false;
    char d = *c->p++;
    const char *close = memchr(c->p, d, (size_t)(c->end - c->p));
    if (!close)
        return false;
    *text = c->p;
    *len = (size_t)(close - c->p);
    c->p = close + 1;
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Probe bytes with their C escapes undone; false on a bad escape or too many bytes. */
static bool unescape(const char *in, size_t n, uint8_t *out, uint32_t *outlen, const char **why)
{
    static const char from[] = "0abtnvfre\\";
    static const uint8_t to[] = {0, 7, 8, 9, 10, 11, 12, 13, 0x1b, '\\'};
    uint32_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)in[i];
        if (b == '\\') {
            if (++i >= n)
                return *why = "backslash at the end of the probe bytes", false;
            const char *k = strchr(from, in[i]);
            if (in[i] == 'x') {
                int hi = i + 1 < n ? hex_value(in[i + 1]) : -1;
                int lo = i + 2 < n ? hex_value(in[i + 2]) : -1;
                if (hi < 0 || lo < 0)
                    return *why = "\\x needs two hex digits", false;
                b = (uint8_t)(hi * 16 + lo);
                i += 2;
            } else if (k && in[i]) {
                b = to[k - from];
            } else if (isprint((unsigned char)in[i])) {
                b = (uint8_t)in[i];
            } else {
                return *why = "backslash before an unprintable character", false;
            }
        }
        if (o >= PS_SIG_MAX_PROBE_BYTES)
            return *why = "probe bytes longer than PS_SIG_MAX_PROBE_BYTES", false;
        out[o++] = b;
    }
    *outlen = o;
    return true;
}

static bool number(const char *p, size_t n, unsigned long max, unsigned long *v)
{
    if (n == 0 || n > 9)
        return false;
    unsigned long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        x = x * 10 + (unsigned long)(p[i] - '0');
    }
    *v = x;
    return x <= max;
}

/* "80,443,8000-8100", optionally with T:/U: prefixes (Exclude). */
static bool portlist_valid(const char *p, size_t n, bool proto_prefix)
{
    size_t i = 0;
    while (i < n) {
        if (proto_prefix && i + 1 < n && (p[i] == 'T' || p[i] == 'U') && p[i + 1] == ':')
            i += 2;
        size_t a = i;
        while (i < n && isdigit((unsigned char)p[i]))
            i++;
        unsigned long lo, hi;
        if (!number(p + a, i - a, 65535, &lo))
            return false;
        hi = lo;
        if (i < n && p[i] == '-') {
            size_t b = ++i;
            while (i < n && isdigit((unsigned char)p[i]))
                i++;
            if (!number(p + b, i - b, 65535, &hi) || hi < lo)
                return false;
        }
        if (i < n && p[i++] != ',')
            return false;
        if (i == n && p[n - 1] == ',')
            return false;
    }
    return n > 0;
}

/* The rest of the line as one argument word, nothing after it. */
static bool sole_argument(struct cursor *c, const char **w, size_t *n)
{
    *n = word(c, w);
    skip_blanks(c);
    return *n > 0 && at_end(c);
}

int sig_probe_find(const struct sigset *s, uint8_t transport, const char *name, size_t len)
{
    for (uint32_t i = 0; i < s->nprobes; i++)
        if (s->probes[i].transport == transport && strlen(s->probes[i].name) == len &&
            memcmp(s->probes[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static bool probe_name_valid(const char *w, size_t n)
{
    if (n == 0 || n >= sizeof(((struct sig_probe *)0)->name))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)w[i]) && !strchr("-_.", w[i]))
            return false;
    return true;
}

static bool parse_probe(struct load_state *st, struct cursor *c)
{
    const char *w;
    size_t n = word(c, &w);
    uint8_t transport;
    if (word_is(w, n, "TCP"))
        transport = IPPROTO_TCP;
    else if (word_is(w, n, "UDP"))
        transport = IPPROTO_UDP;
    else
        return fail(st, "Probe: transport must be TCP or UDP", NULL);
    const char *name;
    size_t namelen = word(c, &name);
    if (!probe_name_valid(name, namelen))
        return fail(st, "Probe: bad probe name", NULL);
    skip_blanks(c);
    const char *q;
    size_t qlen;
    if (at_end(c) || *c->p++ != 'q' || !delimited(c, &q, &qlen))
        return fail(st, "Probe: expected q<d>bytes<d>", NULL);
    bool no_payload = false;
    n = word(c, &w);
    if (n) {
        if (!word_is(w, n, "no-payload"))
            return fail(st, "Probe: unexpected text after the bytes", NULL);
        no_payload = true;
    }
    skip_blanks(c);
    if (!at_end(c))
        return fail(st, "Probe: unexpected text after no-payload", NULL);
    uint8_t bytes[PS_SIG_MAX_PROBE_BYTES];
    uint32_t blen;
    const char *why;
    if (!unescape(q, qlen, bytes, &blen, &why))
        return fail(st, "Probe: %s", why);
    struct sigset *s = st->s;
    int found = sig_probe_find(s, transport, name, namelen);
    if (found >= 0) {
        struct sig_probe *p = &s->probes[found];
        if (p->len != blen || (blen && memcmp(p->payload, bytes, blen) != 0))
            return fail(st, "Probe: reopened with different bytes", NULL);
        st->probe = found;
        return true;
    }
    if (s->nprobes >= PS_SIG_MAX_PROBES)
        return fail(st, "Probe: more than PS_SIG_MAX_PROBES probes", NULL);
    struct sig_probe *np = realloc(s->probes, (s->nprobes + 1) * sizeof *np);
    if (!np)
        return fail(st, "out of memory", NULL);
    s->probes = np;
    struct sig_probe *p = &np[s->nprobes];
    memset(p, 0, sizeof *p);
    p->payload = malloc(blen ? blen : 1);
    if (!p->payload)
        return fail(st, "out of memory", NULL);
    memcpy(p->payload, bytes, blen);
    p->len = blen;
    memcpy(p->name, name, namelen);
    p->transport = transport;
    p->no_payload = no_payload;
    st->probe = (int)s->nprobes++;
    s->stats.probes++;
    return true;
}

static struct sig_probe *current_probe(struct load_state *st, const char *directive)
{
    if (st->probe < 0) {
        fail(st, "%s outside a Probe section", directive);
        return NULL;
    }
    return &st->s->probes[st->probe];
}

static bool parse_ports(struct load_state *st, struct cursor *c, bool ssl)
{
    struct sig_probe *p = current_probe(st, ssl ? "sslports" : "ports");
    if (!p)
        return false;
    bool *seen = ssl ? &p->has_sslports : &p->has_ports;
    if (*seen)
        return fail(st, "%s given twice for this probe", ssl ? "sslports" : "ports");
    const char *w;
    size_t n;
    if (!sole_argument(c, &w, &n) || !portlist_valid(w, n, false))
        return fail(st, "bad port list", NULL);
    *seen = true;
    return true;
}

static bool parse_exclude(struct load_state *st, struct cursor *c)
{
    if (st->probe >= 0)
        return fail(st, "Exclude after a Probe", NULL);
    if (st->saw_exclude)
        return fail(st, "Exclude given twice", NULL);
    const char *w;
    size_t n;
    if (!sole_argument(c, &w, &n) || !portlist_valid(w, n, true))
        return fail(st, "Exclude: bad port list", NULL);
    st->saw_exclude = true;
    return true;
}

static bool parse_number_directive(struct load_state *st, struct cursor *c, const char *what,
                                   unsigned long lo, unsigned long hi)
{
    struct sig_probe *p = current_probe(st, what);
    if (!p)
        return false;
    const char *w;
    size_t n;
    unsigned long v;
    if (!sole_argument(c, &w, &n) || !number(w, n, hi, &v) || v < lo)
        return fail(st, "%s: bad number", what);
    if (strcmp(what, "rarity") == 0) {
        if (p->has_rarity)
            return fail(st, "rarity given twice for this probe", NULL);
        p->has_rarity = true;
    }
    return true;
}

static bool parse_fallback(struct load_state *st, struct cursor *c)
{
    struct sig_probe *p = current_probe(st, "fallback");
    if (!p)
        return false;
    if (p->has_fallback)
        return fail(st, "fallback given twice for this probe", NULL);
    const char *w;
    size_t n;
    if (!sole_argument(c, &w, &n))
        return fail(st, "fallback: expected probe names", NULL);
    size_t count = 1;
    for (size_t i = 0, a = 0; i <= n; i++)
        if (i == n || w[i] == ',') {
            if (!probe_name_valid(w + a, i - a))
                return fail(st, "fallback: bad probe name", NULL);
            a = i + 1;
            count += i < n;
        }
    if (count > PS_SIG_MAX_FALLBACKS)
        return fail(st, "fallback: more than PS_SIG_MAX_FALLBACKS probes", NULL);
    p->fallback_names = strndup(w, n);
    if (!p->fallback_names)
        return fail(st, "out of memory", NULL);
    snprintf(p->fallback_rule, sizeof p->fallback_rule, "%s:%u", st->base, st->line);
    p->fallback_strict = st->strict;
    p->has_fallback = true;
    return true;
}

static void sig_free_fields(struct sig *g)
{
    for (int f = 0; f < SF_COUNT; f++)
        free(g->field[f]);
    for (unsigned i = 0; i < g->ncpe; i++)
        free(g->cpe[i]);
    pcre2_code_free(g->code);
}

/* Version info: p/ v/ i/ h/ o/ d/ and cpe:/.../[a], separated by blanks. */
static bool parse_version_info(struct load_state *st, struct cursor *c, struct sig *g,
                               uint32_t groups)
{
    static const char letters[] = "pvihod";
    for (;;) {
        skip_blanks(c);
        if (at_end(c))
            return true;
        const char *text;
        size_t len;
        char **slot;
        if (c->end - c->p >= 4 && memcmp(c->p, "cpe:", 4) == 0) {
            c->p += 4;
            if (g->ncpe >= PS_SIG_MAX_CPE)
                return fail(st, "more than PS_SIG_MAX_CPE cpe: fields", NULL);
            if (!delimited(c, &text, &len))
                return fail(st, "unterminated cpe: field", NULL);
            if (c->p < c->end && isalpha((unsigned char)*c->p))
                c->p++; /* the optional flag letter, e.g. "a" */
            slot = &g->cpe[g->ncpe++];
        } else {
            const char *k = strchr(letters, *c->p);
            if (!k || !*c->p)
                return fail(st, "unknown version info field", NULL);
            c->p++;
            if (!delimited(c, &text, &len))
                return fail(st, "unterminated version info field", NULL);
            slot = &g->field[k - letters];
            if (*slot)
                return fail(st, "version info field given twice", NULL);
        }
        if (c->p < c->end && !is_blank(*c->p))
            return fail(st, "text right after a version info field", NULL);
        *slot = strndup(text, len);
        if (!*slot)
            return fail(st, "out of memory", NULL);
        const char *why = sig_template_error(*slot, groups, st->strict);
        if (why)
            return fail(st, "version info: %s", why);
    }
}

/* True when the compiled regex matches the empty subject: nmap refuses those. */
static bool matches_empty(pcre2_code *code)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return true;
    int rc = pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0 || rc == PCRE2_ERROR_NOMEMORY;
}

static bool compile_regex(struct load_state *st, struct sig *g, const char *re, size_t len,
                          uint32_t options)
{
    int code;
    PCRE2_SIZE at;
    g->code = pcre2_compile((PCRE2_SPTR)re, len, options, &code, &at, NULL);
    if (!g->code) {
        char msg[160], why[200];
        pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(why, sizeof why, "%s at offset %zu", msg, (size_t)at);
        return fail(st, "regex: %s", why);
    }
    uint32_t groups = 0, minlen = 0;
    pcre2_pattern_info(g->code, PCRE2_INFO_CAPTURECOUNT, &groups);
    pcre2_pattern_info(g->code, PCRE2_INFO_MINLENGTH, &minlen);
    if (groups >= PS_SIG_OVECTOR_PAIRS)
        return fail(st, "regex: more capture groups than PS_SIG_OVECTOR_PAIRS", NULL);
    if (matches_empty(g->code))
        return fail(st, "regex can match the empty string", NULL);
    g->min_len = minlen;
    return true;
}

static bool append_sig(struct sigset *s, struct sig_list *list, struct sig *g)
{
    if (s->nsigs == s->capsigs) {
        uint32_t cap = s->capsigs ? s->capsigs * 2 : 256;
        struct sig *n = realloc(s->sigs, cap * sizeof *n);
        if (!n)
            return false;
        s->sigs = n;
        s->capsigs = cap;
    }
    if (list->n == list->cap) {
        uint32_t cap = list->cap ? list->cap * 2 : 16;
        uint32_t *n = realloc(list->ids, cap * sizeof *n);
        if (!n)
            return false;
        list->ids = n;
        list->cap = cap;
    }
    list->ids[list->n++] = s->nsigs;
    s->sigs[s->nsigs++] = *g;
    return true;
}

static bool parse_sig_body(struct load_state *st, struct cursor *c, struct sig *g,
                           struct sig_probe *p)
{
    const char *svc;
    size_t svclen = word(c, &svc);
    if (svclen == 0)
        return fail(st, "expected a service name", NULL);
    if (svclen > 4 && memcmp(svc, "ssl/", 4) == 0) {
        g->tls = true;
        svc += 4;
        svclen -= 4;
    }
    if (svclen >= sizeof g->service)
        return fail(st, "service name too long", NULL);
    memcpy(g->service, svc, svclen);
    skip_blanks(c);
    const char *re;
    size_t relen;
    if (at_end(c) || *c->p++ != 'm' || !delimited(c, &re, &relen))
        return fail(st, "expected m<d>regex<d>", NULL);
    uint32_t options = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP;
    while (c->p < c->end && !is_blank(*c->p)) {
        uint32_t bit = *c->p == 'i' ? PCRE2_CASELESS : *c->p == 's' ? PCRE2_DOTALL : 0;
        if (!bit || (options & bit))
            return fail(st, "bad regex flag (only i and s, once each)", NULL);
        options |= bit;
        c->p++;
    }
    if (!compile_regex(st, g, re, relen, options))
        return false;
    uint32_t groups = 0;
    pcre2_pattern_info(g->code, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (!parse_version_info(st, c, g, groups))
        return false;
    g->transport = p->transport;
    sig_analyze(g, re, relen, options);
    if (groups > st->s->max_groups)
        st->s->max_groups = groups;
    return true;
}

static bool parse_sig(struct load_state *st, struct cursor *c, enum sig_kind kind,
                      const char *directive)
{
    struct sig_probe *p = current_probe(st, directive);
    if (!p)
        return false;
    struct sig g;
    memset(&g, 0, sizeof g);
    g.kind = (uint8_t)kind;
    g.probe = (uint32_t)st->probe;
    snprintf(g.rule, sizeof g.rule, "%s:%u", st->base, st->line);
    if (!parse_sig_body(st, c, &g, p)) {
        sig_free_fields(&g);
        return false;
    }
    struct sigset *s = st->s;
    bool client = kind == SIG_CLIENTMATCH || kind == SIG_SOFTCLIENTMATCH;
    struct sig_list *list = client ? &s->client[p->transport == IPPROTO_UDP] : &p->sigs;
    if (!append_sig(s, list, &g)) {
        sig_free_fields(&g);
        return fail(st, "out of memory", NULL);
    }
    if (kind == SIG_MATCH)
        s->stats.matches++;
    else if (kind == SIG_SOFTMATCH)
        s->stats.softmatches++;
    else
        s->stats.clientmatches++;
    return true;
}

static bool parse_line(struct load_state *st, const char *line, size_t len)
{
    struct cursor c = {line, line + len};
    skip_blanks(&c);
    if (at_end(&c) || *c.p == '#')
        return true;
    const char *w;
    size_t n = word(&c, &w);
    if (word_is(w, n, "match"))
        return parse_sig(st, &c, SIG_MATCH, "match");
    if (word_is(w, n, "softmatch"))
        return parse_sig(st, &c, SIG_SOFTMATCH, "softmatch");
    if (word_is(w, n, "clientmatch"))
        return parse_sig(st, &c, SIG_CLIENTMATCH, "clientmatch");
    if (word_is(w, n, "softclientmatch"))
        return parse_sig(st, &c, SIG_SOFTCLIENTMATCH, "softclientmatch");
    if (word_is(w, n, "Probe")) {
        /* a rejected Probe line must not leave its lines to the previous section */
        if (!parse_probe(st, &c)) {
            st->probe = -1;
            return false;
        }
        return true;
    }
    if (word_is(w, n, "ports"))
        return parse_ports(st, &c, false);
    if (word_is(w, n, "sslports"))
        return parse_ports(st, &c, true);
    if (word_is(w, n, "rarity"))
        return parse_number_directive(st, &c, "rarity", 1, 9);
    if (word_is(w, n, "totalwaitms"))
        return parse_number_directive(st, &c, "totalwaitms", 0, 999999999);
    if (word_is(w, n, "tcpwrappedms"))
        return parse_number_directive(st, &c, "tcpwrappedms", 0, 999999999);
    if (word_is(w, n, "fallback"))
        return parse_fallback(st, &c);
    if (word_is(w, n, "Exclude"))
        return parse_exclude(st, &c);
    return fail(st, "unknown directive", NULL);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int sigset_load_buffer(struct sigset *s, const char *name, const char *data, size_t len,
                       bool strict, FILE *verbose, char *err, size_t errlen)
{
    if (s->finalized) {
        snprintf(err, errlen, "%s: signature set already finalized", name);
        return -1;
    }
    if (!strict && !s->has_lazy) { /* tier 1 of the gram filter starts here (sig_internal.h) */
        s->has_lazy = true;
        s->lazy_from = s->nsigs;
    }
    char why[320];
    struct load_state st = {s, base_name(name), 0, -1, false, strict, why, sizeof why};
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        size_t n = (size_t)(eol - p);
        if (n && p[n - 1] == '\r')
            n--;
        st.line++;
        bool ok;
        if (n > PS_SIG_MAX_LINE)
            ok = fail(&st, "line longer than PS_SIG_MAX_LINE", NULL);
        else if (memchr(p, '\0', n))
            ok = fail(&st, "NUL byte in the line", NULL);
        else
            ok = parse_line(&st, p, n);
        if (!ok) {
            if (strict) {
                snprintf(err, errlen, "%s:%u: %s", st.base, st.line, why);
                return -1;
            }
            s->stats.rejected++;
            if (verbose)
                fprintf(verbose, "%s:%u: rejected: %s\n", name, st.line, why);
        }
        p = eol + (nl != NULL);
    }
    return 0;
}

int sigset_load_file(struct sigset *s, const char *path, bool strict, FILE *verbose, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[65536];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got > cap) {
            cap = (len + got) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    int rc = sigset_load_buffer(s, path, buf ? buf : "", len, strict, verbose, err, errlen);
    free(buf);
    return rc;
}

struct sigset *sigset_create(void)
{
    struct sigset *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->mctx = pcre2_match_context_create(NULL);
    if (!s->mctx) {
        free(s);
        return NULL;
    }
    pcre2_set_match_limit(s->mctx, PS_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, PS_PCRE_DEPTH_LIMIT);
    pthread_mutex_init(&s->jit_lock, NULL);
    return s;
}

void sigset_destroy(struct sigset *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->nsigs; i++)
        sig_free_fields(&s->sigs[i]);
    free(s->sigs);
    for (uint32_t i = 0; i < s->nprobes; i++) {
        free(s->probes[i].payload);
        free(s->probes[i].fallback_names);
        free(s->probes[i].sigs.ids);
        sig_index_free(&s->probes[i].index);
    }
    free(s->probes);
    for (int t = 0; t < 2; t++) {
        free(s->client[t].ids);
        sig_index_free(&s->client_index[t]);
        sig_index_free(&s->probe_first[t]);
        sig_index_free(&s->probe_shape[t]);
    }
    sig_grams_free(s);
    pcre2_match_context_free(s->mctx);
    free(s->jit_state);
    pthread_mutex_destroy(&s->jit_lock);
    free(s);
}

const struct sigset_load_stats *sigset_stats(const struct sigset *s)
{
    return &s->stats;
}
