/*
 * main.c - the command line: options, loading the data files, running the
 * pipeline over files or a live interface, and writing the report.
 *
 * Exit status: 0 done, 1 an input could not be read, 2 bad usage (or bad
 * data files), 3 --fail-on triggered.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "shard.h"
#include "inventory.h"
#include "ports.h"
#include "report.h"
#include "signature.h"

#define PS_VERSION "0.1.0"
#define MAX_INPUTS 256
#define MAX_SIG_FILES 64

struct cli {
    const char *inputs[MAX_INPUTS];
    int ninputs;
    const char *iface;
    const char *bpf;
    const char *sig_files[MAX_SIG_FILES];
    int nsig_files;
    const char *nmap_probes;
    const char *ports_files[8];
    int nports_files;
    const char *data_dir;
    const char *out_path;
    int format; /* -1: by terminal */
    unsigned only;
    unsigned fail_on;
    bool stats, quiet, verbose, no_ndpi, promisc, list_sigs, clients;
    int snaplen;
    unsigned threads;
    double duration;
    struct flow_config flow;
};

static void usage(FILE *out)
{
    fputs(
        "usage: portsleuth [options] FILE...\n"
        "       portsleuth [options] -i IFACE\n"
        "\n"
        "Passive service fingerprinting: names the service, product and version behind every\n"
        "server host:port in a capture or on a live interface, and flags ports whose traffic\n"
        "is not what the port is for. It never sends a packet.\n"
        "\n"
        "Input:\n"
        "  FILE..., -r FILE       pcap or pcapng files, read in order as one capture; a\n"
        "                         directory means every capture file in it; - is stdin\n"
        "  -i, --interface IFACE  capture live (promiscuous unless --no-promisc)\n"
        "  -f, --filter BPF       capture filter, on files and interfaces\n"
        "      --snaplen N        live: bytes kept per packet (default 262144)\n"
        "      --no-promisc       live: do not put the interface in promiscuous mode\n"
        "      --duration SEC     live: stop after SEC seconds (SIGINT/SIGTERM also stop)\n"
        "\n"
        "Signatures and expectations:\n"
        "  -s, --signatures FILE  add a signature file (nmap-service-probes grammar)\n"
        "      --nmap-probes FILE load an nmap-service-probes file you have, e.g.\n"
        "                         /usr/share/nmap/nmap-service-probes (unusable lines\n"
        "                         are counted; -v lists them)\n"
        "      --ports FILE       add port expectations (transport,port,services,strength)\n"
        "      --data-dir DIR     where the *.sig files, ports.csv, aliases and\n"
        "                         ndpi-map.csv are (default: $PORTSLEUTH_DATA, then\n"
        "                         signatures/ beside the binary, then " PS_DATADIR ")\n"
        "      --no-ndpi          do not use nDPI as a second witness\n"
        "      --list-signatures  print how many signatures each service has, and exit\n"
        "\n"
        "Flows:\n"
        "      --head-bytes N     payload bytes kept per direction for classification\n"
        "                         (default 4096)\n"
        "      --max-flows N      flows tracked at once; the oldest idle are evicted\n"
        "                         (default 1000000)\n"
        "      --max-memory MIB   memory for flows, their stream heads and nDPI's state;\n"
        "                         over it the oldest idle flows are classified and\n"
        "                         evicted (default 1024, at least 16)\n"
        "      --tcp-timeout SEC  idle TCP flow timeout, packet time (default 300)\n"
        "      --tcp-closed-timeout SEC  after FIN/RST (default 15)\n"
        "      --udp-timeout SEC  idle UDP flow timeout (default 60)\n"
        "      --threads N        threads in all, the reading one included; flows are\n"
        "                         sharded across them, each with its own nDPI module\n"
        "                         (default 1)\n"
        "\n"
        "Output:\n"
        "  -F, --format FMT       table, csv or json (JSON lines); default: table on a\n"
        "                         terminal, csv otherwise\n"
        "  -o, --output FILE      write the report to FILE\n"
        "      --only LIST        show only these verdicts: ok,mismatch,nonstandard,unknown\n"
        "      --fail-on LIST     exit with status 3 if any endpoint has one of these\n"
        "                         verdicts (e.g. mismatch)\n"
        "      --clients          add a second report: per client host, the client\n"
        "                         software seen (SSH banners, User-Agents, TLS JA3)\n"
        "      --stats            print decode, flow and classification counters to stderr\n"
        "  -q, --quiet            no progress display\n"
        "  -v, --verbose          say more (unusable signature lines, ...)\n"
        "  -h, --help             this help\n"
        "  -V, --version          print the version\n"
        "\n"
        "Exit status: 0 done, 1 an input could not be read, 2 bad usage, 3 --fail-on.\n",
        out);
}

static int parse_verdicts(const char *list, unsigned *mask)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        enum verdict v;
        if (strcmp(tok, "ok") == 0)
            v = VERDICT_OK;
        else if (strcmp(tok, "mismatch") == 0)
            v = VERDICT_MISMATCH;
        else if (strcmp(tok, "nonstandard") == 0)
            v = VERDICT_NONSTANDARD;
        else if (strcmp(tok, "unknown") == 0)
            v = VERDICT_UNKNOWN;
        else
            return -1;
        *mask |= 1u << v;
    }
    return *mask ? 0 : -1;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max || *s == '-')
        return -1;
    *out = v;
    return 0;
}

enum long_only {
    OPT_SNAPLEN = 256,
    OPT_NO_PROMISC,
    OPT_DURATION,
    OPT_NMAP,
    OPT_PORTS,
    OPT_DATA_DIR,
    OPT_NO_NDPI,
    OPT_LIST_SIGS,
    OPT_HEAD_BYTES,
    OPT_MAX_FLOWS,
    OPT_MAX_MEMORY,
    OPT_TCP_TIMEOUT,
    OPT_TCP_CLOSED,
    OPT_UDP_TIMEOUT,
    OPT_ONLY,
    OPT_FAIL_ON,
    OPT_STATS,
    OPT_THREADS,
    OPT_CLIENTS,
};

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "portsleuth: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see portsleuth --help)\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    static const struct option opts[] = {
        {"read", required_argument, 0, 'r'},
        {"interface", required_argument, 0, 'i'},
        {"filter", required_argument, 0, 'f'},
        {"snaplen", required_argument, 0, OPT_SNAPLEN},
        {"no-promisc", no_argument, 0, OPT_NO_PROMISC},
        {"duration", required_argument, 0, OPT_DURATION},
        {"signatures", required_argument, 0, 's'},
        {"nmap-probes", required_argument, 0, OPT_NMAP},
        {"ports", required_argument, 0, OPT_PORTS},
        {"data-dir", required_argument, 0, OPT_DATA_DIR},
        {"no-ndpi", no_argument, 0, OPT_NO_NDPI},
        {"list-signatures", no_argument, 0, OPT_LIST_SIGS},
        {"head-bytes", required_argument, 0, OPT_HEAD_BYTES},
        {"max-flows", required_argument, 0, OPT_MAX_FLOWS},
        {"max-memory", required_argument, 0, OPT_MAX_MEMORY},
        {"tcp-timeout", required_argument, 0, OPT_TCP_TIMEOUT},
        {"tcp-closed-timeout", required_argument, 0, OPT_TCP_CLOSED},
        {"udp-timeout", required_argument, 0, OPT_UDP_TIMEOUT},
        {"format", required_argument, 0, 'F'},
        {"output", required_argument, 0, 'o'},
        {"only", required_argument, 0, OPT_ONLY},
        {"fail-on", required_argument, 0, OPT_FAIL_ON},
        {"stats", no_argument, 0, OPT_STATS},
        {"threads", required_argument, 0, OPT_THREADS},
        {"clients", no_argument, 0, OPT_CLIENTS},
        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    int ch;
    unsigned long v;
    while ((ch = getopt_long(argc, argv, "r:i:f:s:F:o:qvhV", opts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            if (c->ninputs == MAX_INPUTS)
                return bad_usage("more than %s inputs", "256");
            c->inputs[c->ninputs++] = optarg;
            break;
        case 'i':
            c->iface = optarg;
            break;
        case 'f':
            c->bpf = optarg;
            break;
        case OPT_SNAPLEN:
            if (parse_uint(optarg, 64, 262144, &v))
                return bad_usage("--snaplen wants 64 to 262144, not '%s'", optarg);
            c->snaplen = (int)v;
            break;
        case OPT_NO_PROMISC:
            c->promisc = false;
            break;
        case OPT_DURATION: {
            char *end;
            c->duration = strtod(optarg, &end);
            if (end == optarg || *end || c->duration <= 0)
                return bad_usage("--duration wants seconds, not '%s'", optarg);
            break;
        }
        case 's':
            if (c->nsig_files == MAX_SIG_FILES)
                return bad_usage("more than %s signature files", "64");
            c->sig_files[c->nsig_files++] = optarg;
            break;
        case OPT_NMAP:
            c->nmap_probes = optarg;
            break;
        case OPT_PORTS:
            if (c->nports_files == 8)
                return bad_usage("more than %s --ports files", "8");
            c->ports_files[c->nports_files++] = optarg;
            break;
        case OPT_DATA_DIR:
            c->data_dir = optarg;
            break;
        case OPT_NO_NDPI:
            c->no_ndpi = true;
            break;
        case OPT_LIST_SIGS:
            c->list_sigs = true;
            break;
        case OPT_HEAD_BYTES:
            if (parse_uint(optarg, 16, PS_MAX_HEAD_BYTES, &v))
                return bad_usage("--head-bytes wants 16 to 65536, not '%s'", optarg);
            c->flow.head_bytes = (uint32_t)v;
            break;
        case OPT_MAX_FLOWS:
            if (parse_uint(optarg, 16, 100000000, &v))
                return bad_usage("--max-flows wants 16 to 100000000, not '%s'", optarg);
            c->flow.max_flows = (uint32_t)v;
            break;
        case OPT_MAX_MEMORY:
            if (parse_uint(optarg, PS_MIN_MAX_MEMORY_MIB, 1048576, &v))
                return bad_usage("--max-memory wants 16 to 1048576 MiB, not '%s'", optarg);
            c->flow.max_memory = (uint64_t)v << 20;
            break;
        case OPT_TCP_TIMEOUT:
        case OPT_TCP_CLOSED:
        case OPT_UDP_TIMEOUT:
            if (parse_uint(optarg, 1, 86400 * 7, &v))
                return bad_usage("a timeout wants 1 to 604800 seconds, not '%s'", optarg);
            if (ch == OPT_TCP_TIMEOUT)
                c->flow.tcp_idle_s = (uint32_t)v;
            else if (ch == OPT_TCP_CLOSED)
                c->flow.tcp_closed_s = (uint32_t)v;
            else
                c->flow.udp_idle_s = (uint32_t)v;
            break;
        case 'F':
            if (strcmp(optarg, "table") == 0)
                c->format = REPORT_TABLE;
            else if (strcmp(optarg, "csv") == 0)
                c->format = REPORT_CSV;
            else if (strcmp(optarg, "json") == 0)
                c->format = REPORT_JSON;
            else
                return bad_usage("-F wants table, csv or json, not '%s'", optarg);
            break;
        case 'o':
            c->out_path = optarg;
            break;
        case OPT_ONLY:
            if (parse_verdicts(optarg, &c->only))
                return bad_usage("--only wants ok,mismatch,nonstandard,unknown, not '%s'",
                                 optarg);
            break;
        case OPT_FAIL_ON:
            if (parse_verdicts(optarg, &c->fail_on))
                return bad_usage("--fail-on wants ok,mismatch,nonstandard,unknown, not '%s'",
                                 optarg);
            break;
        case OPT_STATS:
            c->stats = true;
            break;
        case OPT_CLIENTS:
            c->clients = true;
            break;
        case OPT_THREADS:
            if (parse_uint(optarg, 1, PS_MAX_THREADS, &v))
                return bad_usage("--threads wants 1 to 16, not '%s'", optarg);
            c->threads = (unsigned)v;
            break;
        case 'q':
            c->quiet = true;
            break;
        case 'v':
            c->verbose = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf("portsleuth %s\n", PS_VERSION);
            exit(0);
        default:
            fprintf(stderr, "(see portsleuth --help)\n");
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (c->ninputs == MAX_INPUTS)
            return bad_usage("more than %s inputs", "256");
        c->inputs[c->ninputs++] = argv[i];
    }
    if (c->list_sigs)
        return 0;
    if (c->iface && c->ninputs)
        return bad_usage("%s", "give either capture files or -i IFACE, not both");
    if (!c->iface && !c->ninputs)
        return bad_usage("%s", "no input: give capture files or -i IFACE");
    return 0;
}

/* dir/file into out; false if it does not fit. */
static bool join_path(char *out, size_t len, const char *dir, const char *file)
{
    int n = snprintf(out, len, "%s/%s", dir, file);
    return n > 0 && (size_t)n < len;
}

static bool is_dir_with(const char *dir, const char *file)
{
    char path[PATH_MAX];
    struct stat st;
    return join_path(path, sizeof path, dir, file) && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* Where the data files are: --data-dir, $PORTSLEUTH_DATA, next to the binary, the install. */
static const char *find_data_dir(const struct cli *c, char *buf, size_t len)
{
    if (c->data_dir)
        return c->data_dir;
    const char *env = getenv("PORTSLEUTH_DATA");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (join_path(buf, len, exe, "signatures") && is_dir_with(buf, "ports.csv"))
                return buf;
        }
    }
    return PS_DATADIR;
}

static int sig_file_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.sig in the data directory, in name order, strictly. */
static int load_own_signatures(struct sigset *s, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        if (snprintf(err, errlen, "%s: cannot open the data directory (%s)", dir,
                     strerror(e)) < 0)
            err[0] = '\0';
        return -1;
    }
    char *names[256];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".sig") == 0)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, sig_file_order);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        if (rc == 0 && names[i] && join_path(path, sizeof path, dir, names[i]) &&
            sigset_load_file(s, path, true, NULL, err, errlen) != 0)
            rc = -1;
        free(names[i]);
    }
    return rc;
}

struct run {
    struct cli *cli;
    struct shard_pool *pool;
    struct report *live_report;
    unsigned long live_rows;
};

static bool on_frame(const struct capture_frame *frame, void *ctx)
{
    struct run *r = ctx;
    return shard_pool_frame(r->pool, frame);
}

static uint64_t active_flows(void *ctx)
{
    return shard_pool_active_flows(((struct run *)ctx)->pool);
}

static void on_record_changed(const struct endpoint_record *rec, void *ctx)
{
    struct run *r = ctx;
    if (r->live_report) {
        report_record(r->live_report, rec);
        r->live_rows++;
    }
}

static void on_signal(int sig)
{
    (void)sig;
    capture_request_stop();
}

static unsigned verdicts_present(struct inventory *inv)
{
    const struct endpoint_record **recs;
    size_t n = inventory_sorted(inv, &recs);
    unsigned mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= 1u << recs[i]->verdict;
    return mask;
}

int main(int argc, char **argv)
{
    struct cli c = {.format = -1, .promisc = true, .threads = 1};
    c.flow = (struct flow_config){.max_flows = PS_DEFAULT_MAX_FLOWS,
                                  .head_bytes = PS_DEFAULT_HEAD_BYTES,
                                  .tcp_idle_s = PS_DEFAULT_TCP_IDLE_S,
                                  .tcp_closed_s = PS_DEFAULT_TCP_CLOSED_S,
                                  .udp_idle_s = PS_DEFAULT_UDP_IDLE_S,
                                  .max_memory = (uint64_t)PS_DEFAULT_MAX_MEMORY_MIB << 20};
    int rc = parse_args(argc, argv, &c);
    if (rc)
        return rc;

    char err[512], dirbuf[PATH_MAX], path[PATH_MAX];
    const char *data = find_data_dir(&c, dirbuf, sizeof dirbuf);

    struct sigset *sigs = sigset_create();
    struct port_table *ports = port_table_create();
    struct inventory *inv = NULL;
    struct shard_pool *pool = NULL;
    struct client_inventory *clients = NULL;
    struct report *report = NULL;
    FILE *out = stdout;
    int status = 0;
    if (!sigs || !ports) {
        fprintf(stderr, "portsleuth: out of memory\n");
        return 1;
    }
    if (load_own_signatures(sigs, data, err, sizeof err) != 0)
        goto bad_data;
    for (int i = 0; i < c.nsig_files; i++)
        if (sigset_load_file(sigs, c.sig_files[i], true, NULL, err, sizeof err) != 0)
            goto bad_data;
    if (c.nmap_probes &&
        sigset_load_file(sigs, c.nmap_probes, false, c.verbose ? stderr : NULL, err,
                         sizeof err) != 0)
        goto bad_data;
    if (sigset_finalize(sigs, err, sizeof err) != 0)
        goto bad_data;
    /* -v asks for this line even under -q; --nmap-probes alone shows it unless -q. */
    if (c.verbose || (c.nmap_probes && !c.quiet)) {
        const struct sigset_load_stats *ls = sigset_stats(sigs);
        fprintf(stderr,
                "portsleuth: signatures: %u probes, %u matches, %u softmatches, "
                "%u client matches, %u lines rejected%s\n",
                ls->probes, ls->matches, ls->softmatches, ls->clientmatches, ls->rejected,
                ls->rejected && !c.verbose ? " (-v lists them)" : "");
    }
    if (c.list_sigs) {
        sigset_list(sigs, stdout);
        sigset_destroy(sigs);
        port_table_destroy(ports);
        return 0;
    }

    if (!join_path(path, sizeof path, data, "ports.csv") ||
        port_table_load(ports, path, err, sizeof err) != 0)
        goto bad_data;
    for (int i = 0; i < c.nports_files; i++)
        if (port_table_load(ports, c.ports_files[i], err, sizeof err) != 0)
            goto bad_data;
    inv = inventory_create(ports);
    if (!inv) {
        fprintf(stderr, "portsleuth: out of memory\n");
        return 1;
    }
    if (!join_path(path, sizeof path, data, "aliases") ||
        inventory_load_aliases(inv, path, err, sizeof err) != 0)
        goto bad_data;

    if (c.out_path) {
        out = fopen(c.out_path, "w");
        if (!out) {
            fprintf(stderr, "portsleuth: %s: cannot write (%s)\n", c.out_path, strerror(errno));
            status = 1;
            goto done;
        }
    }
    struct report_options ropt = {
        .format = c.format >= 0 ? (enum report_format)c.format
                                : (isatty(fileno(out)) ? REPORT_TABLE : REPORT_CSV),
        .only_verdicts = c.only,
    };

    if (c.clients && !(clients = client_inventory_create())) {
        fprintf(stderr, "portsleuth: out of memory\n");
        status = 1;
        goto done;
    }
    struct run run = {.cli = &c};
    char ndpi_map[PATH_MAX];
    if (!join_path(ndpi_map, sizeof ndpi_map, data, "ndpi-map.csv"))
        ndpi_map[0] = '\0';
    struct engine_options eopt = {
        .flow = c.flow,
        .sigs = sigs,
        .ndpi_map = c.no_ndpi ? NULL : ndpi_map,
        .inv = inv,
        .clients = clients,
        .on_change = c.iface ? on_record_changed : NULL,
        .ctx = &run,
    };
    pool = shard_pool_create(&eopt, c.threads, c.iface != NULL, err, sizeof err);
    if (!pool)
        goto bad_data;
    run.pool = pool;

    struct capture_options copt = {
        .bpf = c.bpf,
        .snaplen = c.snaplen,
        .promisc = c.promisc,
        .duration_s = c.duration,
        .progress = !c.quiet && isatty(STDERR_FILENO),
        .active_flows = active_flows,
        .active_flows_ctx = &run,
    };
    struct capture_stats cstats = {0};
    if (c.iface) {
        /* Live: each endpoint is written as soon as it is identified or changes. */
        run.live_report = report_open(out, &ropt);
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        status = capture_live(c.iface, &copt, on_frame, &run, &cstats);
        bool finished = shard_pool_finish(pool, err, sizeof err);
        report_close(run.live_report);
        run.live_report = NULL;
        if (!finished)
            goto bad_data;
        if (cstats.have_kernel_stats && !c.quiet)
            fprintf(stderr, "portsleuth: kernel received %llu packets, dropped %llu (%llu by the "
                            "interface)\n",
                    (unsigned long long)cstats.kernel_received,
                    (unsigned long long)cstats.kernel_dropped,
                    (unsigned long long)cstats.iface_dropped);
    } else {
        status = capture_read_files(c.inputs, c.ninputs, &copt, on_frame, &run, &cstats);
        if (!shard_pool_finish(pool, err, sizeof err))
            goto bad_data;
    }

    /* Live CSV rows already carry the header; the final inventory follows under it. */
    ropt.no_header = run.live_rows > 0;
    report = report_open(out, &ropt);
    if (report) {
        report_inventory(report, inv);
        report_close(report);
    }
    if (clients)
        report_clients(out, ropt.format, clients);
    if (inventory_dropped(inv))
        fprintf(stderr, "portsleuth: %llu endpoints not recorded: more than %u\n",
                (unsigned long long)inventory_dropped(inv), PS_MAX_ENDPOINTS);
    if (c.stats) {
        fprintf(stderr, "capture: %llu frames, %llu bytes, %u inputs read, %u failed, "
                        "%u truncated\n",
                (unsigned long long)cstats.frames, (unsigned long long)cstats.bytes,
                cstats.inputs_read, cstats.inputs_failed, cstats.inputs_truncated);
        fprintf(stderr, "capture: records %llu over the snapshot length, %llu empty, %llu with "
                        "absurd times\n",
                (unsigned long long)cstats.records_over_snaplen,
                (unsigned long long)cstats.records_empty,
                (unsigned long long)cstats.records_bad_time);
        shard_pool_print_stats(pool, stderr);
        fprintf(stderr, "inventory: %zu endpoints\n", inventory_count(inv));
    }
    if (status == 0 && c.fail_on && (verdicts_present(inv) & c.fail_on))
        status = 3;
    goto done;

bad_data:
    fprintf(stderr, "portsleuth: %s\n", err);
    status = 2;
done:
    if (out && out != stdout && fclose(out) != 0 && status == 0)
        status = 1;
    shard_pool_destroy(pool);
    client_inventory_destroy(clients);
    inventory_destroy(inv);
    port_table_destroy(ports);
    sigset_destroy(sigs);
    return status;
}
