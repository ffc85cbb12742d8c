/*
 * test_sigset.c - portsleuth's own signature set (the .sig files under signatures/)
 * against its example corpus (tests/signatures/examples.csv and examples/).
 *
 * Each example is the raw bytes one side of a real (or, where no server could
 * be run, a specification-built) conversation sent. The suite loads every .sig
 * file strictly, feeds each example to sigset_match as the engine would see
 * the conversation (server head, client head from the probe_context example,
 * who spoke first, transport and port) and checks:
 *   1. the best evidence has the expected service, product and version;
 *   2. no hard evidence from the whole set names another service, and no line
 *      loaded on its own (match, softmatch, clientmatch or softclientmatch) gives
 *      any evidence on another service's example (a line that would misname
 *      another service's traffic is caught even when an earlier line hides it);
 *   3. every signature line is the reported rule of at least one example;
 *   4. heads cut short (--head-bytes, a snap length, a capture that stops): every
 *      prefix of every example is matched; none may give a product or version
 *      other than the example's (a version cut in its middle is a wrong version),
 *      and every prefix that holds the version and the byte after it gives the
 *      version (signatures/README.md, "Heads cut short").
 */
#include <CUnit/CUnit.h>
#include <glob.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signature.h"
#include "unit.h"

#define EXAMPLES_CSV "tests/signatures/examples.csv"
#define EXAMPLES_DIR "tests/signatures/examples/"
#define SIG_GLOB "signatures/*.sig"
#define MAX_EXAMPLES 1024
#define MAX_LINES 2048
#define MAX_EVIDENCE 4
#define FIELD_MAX 96

struct example {
    char file[FIELD_MAX], context[FIELD_MAX];
    char service[EV_SERVICE_MAX], product[EV_PRODUCT_MAX], version[EV_VERSION_MAX];
    uint8_t transport;
    uint16_t port;
    uint8_t *bytes, *ctx_bytes;
    size_t len, ctx_len;
    bool is_client;    /* a .client file: its bytes are the client head */
    bool cut, ctx_cut; /* "-cut" in the name: a head that stopped at --head-bytes */
};

/* One signature line of the .sig files, with the Probe line it sits under. */
struct sig_line {
    char rule[EV_RULE_MAX]; /* "file.sig:line", as the engine names it */
    char service[EV_SERVICE_MAX];
    bool hard;
    char *text, *probe;
};

struct collected {
    struct evidence ev[MAX_EVIDENCE];
    unsigned n;
};

static struct example examples[MAX_EXAMPLES];
static unsigned nexamples;
static struct sig_line lines[MAX_LINES];
static unsigned nlines;
static struct sigset *set;
static glob_t sig_files;

/* ---- loading ---------------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* The n-th comma-separated field of a CSV line (no quoting in our file). */
static bool split_fields(char *line, char **f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        f[i] = line;
        char *c = strchr(line, i + 1 < n ? ',' : '\n');
        if (!c && i + 1 < n)
            return false;
        if (c) {
            *c = '\0';
            line = c + 1;
        }
    }
    return true;
}

static uint8_t *read_example(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, EXAMPLES_DIR "%s", name);
    return unit_read_file(path, len);
}

static int load_examples(void)
{
    FILE *f = fopen(EXAMPLES_CSV, "r");
    if (!f)
        return -1;
    char buf[1024];
    int rc = 0;
    while (fgets(buf, sizeof buf, f)) {
        if (buf[0] == '#' || buf[0] == '\n' || strncmp(buf, "file,", 5) == 0)
            continue;
        char *fld[7];
        if (!split_fields(buf, fld, 7) || nexamples == MAX_EXAMPLES) {
            rc = -1;
            break;
        }
        struct example *e = &examples[nexamples++];
        copy_field(e->file, sizeof e->file, fld[0]);
        e->transport = strcmp(fld[1], "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
        e->port = (uint16_t)atoi(fld[2]);
        copy_field(e->context, sizeof e->context, strcmp(fld[3], "NULL") == 0 ? "" : fld[3]);
        copy_field(e->service, sizeof e->service, fld[4]);
        copy_field(e->product, sizeof e->product, fld[5]);
        copy_field(e->version, sizeof e->version, fld[6]);
        size_t n = strlen(e->file);
        e->is_client = n > 7 && strcmp(e->file + n - 7, ".client") == 0;
        e->cut = strstr(e->file, "-cut") != NULL;
        e->ctx_cut = strstr(e->context, "-cut") != NULL;
        e->bytes = read_example(e->file, &e->len);
        if (e->context[0])
            e->ctx_bytes = read_example(e->context, &e->ctx_len);
        if (!e->bytes || (e->context[0] && !e->ctx_bytes)) {
            fprintf(stderr, "sigset: cannot read example %s (context '%s')\n", e->file, e->context);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

static char *dup_line(const char *s)
{
    size_t n = strcspn(s, "\r\n");
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Record every match/softmatch/clientmatch/softclientmatch line of one file. */
static int scan_sig_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[8192], *probe = NULL;
    unsigned lineno = 0;
    int rc = 0;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        const char *s = buf + strspn(buf, " \t");
        if (strncmp(s, "Probe ", 6) == 0) {
            free(probe);
            probe = dup_line(s);
            continue;
        }
        static const char *const kinds[] = {"match ", "softmatch ", "clientmatch ",
                                            "softclientmatch "};
        int kind = -1;
        for (int k = 0; k < 4; k++)
            if (strncmp(s, kinds[k], strlen(kinds[k])) == 0)
                kind = k;
        if (kind < 0)
            continue;
        if (nlines == MAX_LINES || !probe) {
            rc = -1;
            break;
        }
        struct sig_line *l = &lines[nlines++];
        snprintf(l->rule, sizeof l->rule, "%s:%u", base_name(path), lineno);
        const char *svc = s + strlen(kinds[kind]);
        if (strncmp(svc, "ssl/", 4) == 0)
            svc += 4;
        size_t n = strcspn(svc, " \t");
        snprintf(l->service, sizeof l->service, "%.*s", (int)n, svc);
        l->hard = kind == 0 || kind == 2;
        l->text = dup_line(s);
        l->probe = dup_line(probe);
    }
    free(probe);
    fclose(f);
    return rc;
}

static struct sigset *load_paths(char **paths, size_t n)
{
    struct sigset *s = sigset_create();
    char err[512];
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (sigset_load_file(s, paths[i], true, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "sigset: %s\n", err);
            sigset_destroy(s);
            return NULL;
        }
    if (sigset_finalize(s, err, sizeof err) != 0) {
        fprintf(stderr, "sigset: %s\n", err);
        sigset_destroy(s);
        return NULL;
    }
    return s;
}

static int suite_init(void)
{
    if (glob(SIG_GLOB, 0, NULL, &sig_files) != 0 || sig_files.gl_pathc == 0)
        return -1;
    for (size_t i = 0; i < sig_files.gl_pathc; i++)
        if (scan_sig_file(sig_files.gl_pathv[i]) != 0)
            return -1;
    set = load_paths(sig_files.gl_pathv, sig_files.gl_pathc);
    return set && load_examples() == 0 ? 0 : -1;
}

static int suite_cleanup(void)
{
    for (unsigned i = 0; i < nexamples; i++) {
        free(examples[i].bytes);
        free(examples[i].ctx_bytes);
    }
    for (unsigned i = 0; i < nlines; i++) {
        free(lines[i].text);
        free(lines[i].probe);
    }
    sigset_destroy(set);
    globfree(&sig_files);
    return 0;
}

/* ---- running one example ---------------------------------------------------------------- */

static void collect(const struct evidence *ev, void *ctx)
{
    struct collected *c = ctx;
    if (c->n < MAX_EVIDENCE)
        c->ev[c->n++] = *ev;
}

static void set_head(struct head_bytes *h, const uint8_t *data, size_t len, bool udp)
{
    memset(h, 0, sizeof *h);
    h->data = data;
    h->len = (uint32_t)len;
    if (udp && len) {
        h->datagrams = 1;
        h->datagram_end[0] = (uint32_t)len;
    }
}

/* cut: the example's bytes are a head that stopped at --head-bytes (flagged as the engine does);
 * examples named "-cut" are such heads already. */
static void run_cut_example(const struct sigset *s, const struct example *e, bool cut,
                            struct collected *out)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    bool udp = e->transport == IPPROTO_UDP;
    in.transport = e->transport;
    in.server_port = e->port;
    in.client_port = 40000;
    if (e->is_client) {
        set_head(&in.client_head, e->bytes, e->len, udp);
        in.client_head.truncated = cut || e->cut;
        in.first_talker = TALKER_CLIENT;
    } else {
        set_head(&in.server_head, e->bytes, e->len, udp);
        in.server_head.truncated = cut || e->cut;
        set_head(&in.client_head, e->ctx_bytes, e->ctx_len, udp);
        in.client_head.truncated = e->ctx_cut;
        in.first_talker = e->ctx_bytes ? TALKER_CLIENT : TALKER_SERVER;
    }
    out->n = 0;
    sigset_match(s, &in, collect, out);
}

static void run_example(const struct sigset *s, const struct example *e, struct collected *out)
{
    run_cut_example(s, e, false, out);
}

/* ---- the checks ------------------------------------------------------------------------- */

static void test_loads_strictly(void)
{
    const struct sigset_load_stats *st = sigset_stats(set);
    CU_ASSERT_EQUAL(st->rejected, 0);
    CU_ASSERT(st->matches + st->softmatches + st->clientmatches >= 200);
    CU_ASSERT_EQUAL(st->matches + st->softmatches + st->clientmatches, nlines);
    CU_ASSERT(nexamples >= 200);
    /* at least 60 services are named */
    unsigned distinct = 0;
    for (unsigned i = 0; i < nlines; i++) {
        bool seen = false;
        for (unsigned j = 0; j < i && !seen; j++)
            seen = strcmp(lines[i].service, lines[j].service) == 0;
        distinct += !seen;
    }
    CU_ASSERT(distinct >= 60);
}

static void test_examples_expected(void)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < nexamples; i++) {
        const struct example *e = &examples[i];
        struct collected c;
        run_example(set, e, &c);
        bool ok;
        if (!e->service[0])
            ok = c.n == 0;
        else
            ok = c.n > 0 && strcmp(c.ev[0].service, e->service) == 0 &&
                 strcmp(c.ev[0].product, e->product) == 0 &&
                 strcmp(c.ev[0].version, e->version) == 0;
        if (!ok) {
            bad++;
            fprintf(stderr, "sigset: %s: want %s|%s|%s, got %s|%s|%s (%s)\n", e->file, e->service,
                    e->product, e->version, c.n ? c.ev[0].service : "-",
                    c.n ? c.ev[0].product : "-", c.n ? c.ev[0].version : "-",
                    c.n ? c.ev[0].rule : "no evidence");
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* No hard evidence from the whole set names a service other than the example's. */
static void test_no_foreign_hard_match_in_set(void)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < nexamples; i++) {
        struct collected c;
        run_example(set, &examples[i], &c);
        for (unsigned k = 0; k < c.n; k++)
            if (c.ev[k].strength == STRENGTH_HARD &&
                strcmp(c.ev[k].service, examples[i].service) != 0) {
                bad++;
                fprintf(stderr, "sigset: %s (%s) hard-matched as %s by %s\n", examples[i].file,
                        examples[i].service, c.ev[k].service, c.ev[k].rule);
            }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Services whose bytes are another service's bytes: a proxy relays the origin
 * server's answer, headers and all, and IPP is carried in HTTP requests and
 * responses (RFC 8010). A line of the carrier may match the carried
 * service's example on its own; in the set the carried service's lines come
 * first, which the whole-set check above verifies.
 */
static bool carries(const char *example_service, const char *line_service)
{
    static const char *const pairs[][2] = {{"http-proxy", "http"}, {"ipp", "http"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(example_service, pairs[i][0]) == 0 && strcmp(line_service, pairs[i][1]) == 0)
            return true;
    return false;
}

/* Each line alone, under its own Probe line, against every other service's example. */
static void test_no_foreign_match_per_line(void)
{
    char dir[] = "/tmp/ps_sigset_XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/one.sig", dir);
    unsigned bad = 0, loaded = 0;
    for (unsigned l = 0; l < nlines; l++) {
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f != NULL);
        fprintf(f, "%s\n%s\n", lines[l].probe, lines[l].text);
        fclose(f);
        char *paths[] = {path};
        struct sigset *one = load_paths(paths, 1);
        CU_ASSERT(one != NULL);
        if (!one)
            continue;
        loaded++;
        for (unsigned i = 0; i < nexamples; i++) {
            if (strcmp(examples[i].service, lines[l].service) == 0 ||
                carries(examples[i].service, lines[l].service))
                continue;
            struct collected c;
            run_example(one, &examples[i], &c);
            if (c.n) {
                bad++;
                fprintf(stderr, "sigset: %s (%s%s) matches %s's example %s\n", lines[l].rule,
                        lines[l].hard ? "" : "soft ", lines[l].service, examples[i].service,
                        examples[i].file);
            }
        }
        sigset_destroy(one);
    }
    unlink(path);
    rmdir(dir);
    CU_ASSERT(loaded > 0);
    CU_ASSERT_EQUAL(bad, 0);
}

/* Every line is the rule of some evidence the examples produce. */
static void test_every_line_has_an_example(void)
{
    static bool hit[MAX_LINES];
    memset(hit, 0, sizeof hit);
    for (unsigned i = 0; i < nexamples; i++) {
        struct collected c;
        run_example(set, &examples[i], &c);
        for (unsigned k = 0; k < c.n; k++)
            for (unsigned l = 0; l < nlines; l++)
                if (strcmp(c.ev[k].rule, lines[l].rule) == 0)
                    hit[l] = true;
    }
    unsigned missing = 0;
    for (unsigned l = 0; l < nlines; l++)
        if (!hit[l]) {
            missing++;
            fprintf(stderr, "sigset: no example reaches %s (%s)\n", lines[l].rule,
                    lines[l].service);
        }
    CU_ASSERT_EQUAL(missing, 0);
}

/* Where the last occurrence of the expected version ends in the example's bytes (0: it is not
 * there literally). The last: a version may also occur earlier in another role (Bitvise's
 * "SSH-2.0-9.33 FlowSsh: ... (WinSSHD) 9.33", "HTTP/1.1" before "Apache-Coyote/1.1"). */
static size_t version_end(const struct example *e)
{
    size_t n = strlen(e->version), end = 0;
    const uint8_t *p = e->bytes, *stop = e->bytes + e->len;
    for (const uint8_t *v; n && (v = memmem(p, (size_t)(stop - p), e->version, n)); p = v + 1)
        end = (size_t)(v - e->bytes) + n;
    return end;
}

/*
 * Applications served by a general server: until the bytes that name the application are in
 * the head, the server underneath is what the head shows, and naming it is right.
 */
static bool serves(const char *product, const char *server_product)
{
    static const char *const pairs[][2] = {{"RabbitMQ management", "Cowboy httpd"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(product, pairs[i][0]) == 0 && strcmp(server_product, pairs[i][1]) == 0)
            return true;
    return false;
}

/* Evidence that misnames what the cut head showed: another product, or another
 * (e.g. a partial) version. A carrier's service is what the bytes showed so far. */
static bool misnames(const struct example *e, const struct evidence *ev)
{
    if (!e->service[0] || carries(e->service, ev->service))
        return false;
    if (serves(e->product, ev->product))
        return ev->version[0] != '\0';
    return strcmp(ev->service, e->service) != 0 ||
           (ev->product[0] && strcmp(ev->product, e->product) != 0) ||
           (ev->version[0] && strcmp(ev->version, e->version) != 0);
}

/*
 * Examples whose product is told only by bytes after the version: a head cut between the two
 * cannot say whose version it is, so it gives none (signatures/README.md, "Heads cut short").
 */
static bool named_after_version(const char *file)
{
    static const char *const prefixes[] = {
        "mysql--",                    /* "-MariaDB" follows the version; MySQL's ends at its NUL */
        "http--elasticsearch-",       /* "tagline" follows "number" */
        "http--opensearch-",          /* "distribution" follows "number" */
        "http--prometheus-buildinfo", /* the build fields follow "version" */
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(file, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static void test_cut_heads(void)
{
    unsigned wrong = 0, lost = 0, versions = 0;
    for (unsigned i = 0; i < nexamples; i++) {
        struct example cut = examples[i];
        size_t end = named_after_version(examples[i].file) ? 0 : version_end(&examples[i]);
        versions += end > 0;
        for (size_t n = 1; n < examples[i].len; n++) {
            cut.len = n;
            struct collected c;
            run_cut_example(set, &cut, true, &c);
            if (c.n && misnames(&examples[i], &c.ev[0])) {
                wrong++;
                fprintf(stderr, "sigset: %s cut at %zu gives %s|%s|%s (%s)\n", cut.file, n,
                        c.ev[0].service, c.ev[0].product, c.ev[0].version, c.ev[0].rule);
            } else if (end && n > end && (!c.n || strcmp(c.ev[0].version, cut.version) != 0)) {
                lost++;
                fprintf(stderr,
                        "sigset: %s cut at %zu (version ends at %zu) gives no version%s%s\n",
                        cut.file, n, end, c.n ? " by " : "", c.n ? c.ev[0].rule : "");
            }
        }
    }
    CU_ASSERT(versions >= 50);
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(lost, 0);
}

void suite_sigset(void)
{
    UNIT_SUITE("sigset", suite_init, suite_cleanup, {"loads strictly", test_loads_strictly},
               {"examples give the expected evidence", test_examples_expected},
               {"no foreign hard match from the set", test_no_foreign_hard_match_in_set},
               {"no foreign match from any line", test_no_foreign_match_per_line},
               {"every line has an example", test_every_line_has_an_example},
               {"heads cut short", test_cut_heads});
}
