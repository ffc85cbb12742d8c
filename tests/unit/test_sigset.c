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
 *   2. no hard evidence names another service, neither from the whole set nor
 *      from any hard line loaded on its own (a line that would misname another
 *      service's traffic is caught even when an earlier line hides it);
 *   3. every signature line is the reported rule of at least one example.
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
    bool is_client; /* a .client file: its bytes are the client head */
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

static void run_example(const struct sigset *s, const struct example *e, struct collected *out)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    bool udp = e->transport == IPPROTO_UDP;
    in.transport = e->transport;
    in.server_port = e->port;
    in.client_port = 40000;
    if (e->is_client) {
        set_head(&in.client_head, e->bytes, e->len, udp);
        in.first_talker = TALKER_CLIENT;
    } else {
        set_head(&in.server_head, e->bytes, e->len, udp);
        set_head(&in.client_head, e->ctx_bytes, e->ctx_len, udp);
        in.first_talker = e->ctx_bytes ? TALKER_CLIENT : TALKER_SERVER;
    }
    out->n = 0;
    sigset_match(s, &in, collect, out);
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
 * A proxy relays the origin server's answer, headers and all, so an origin line
 * may match a proxy's example on its own; in the set the proxy lines come first,
 * which the whole-set check above verifies.
 */
static bool relays(const char *example_service, const char *line_service)
{
    static const char *const pairs[][2] = {{"http-proxy", "http"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(example_service, pairs[i][0]) == 0 && strcmp(line_service, pairs[i][1]) == 0)
            return true;
    return false;
}

/* Each hard line alone, under its own Probe line, against every other service's example. */
static void test_no_foreign_hard_match_per_line(void)
{
    char dir[] = "/tmp/ps_sigset_XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/one.sig", dir);
    unsigned bad = 0, loaded = 0;
    for (unsigned l = 0; l < nlines; l++) {
        if (!lines[l].hard)
            continue;
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
                relays(examples[i].service, lines[l].service))
                continue;
            struct collected c;
            run_example(one, &examples[i], &c);
            for (unsigned k = 0; k < c.n; k++)
                if (c.ev[k].strength == STRENGTH_HARD) {
                    bad++;
                    fprintf(stderr, "sigset: %s (%s) matches %s's example %s\n", lines[l].rule,
                            lines[l].service, examples[i].service, examples[i].file);
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

void suite_sigset(void)
{
    UNIT_SUITE("sigset", suite_init, suite_cleanup, {"loads strictly", test_loads_strictly},
               {"examples give the expected evidence", test_examples_expected},
               {"no foreign hard match from the set", test_no_foreign_hard_match_in_set},
               {"no foreign hard match from any line", test_no_foreign_hard_match_per_line},
               {"every line has an example", test_every_line_has_an_example});
}
