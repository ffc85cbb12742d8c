/*
 * witness_ndpi.c - libndpi 4.2 as the second, independent witness.
 *
 * How it works. One nDPI detection module per worker thread (struct
 * ndpi_witness). A flow gets nDPI's per-flow state when the caller attaches
 * it (the engine does on the first packet that carries payload) and is fed
 * IP headers with the packet time in milliseconds until nDPI has a
 * DPI-confidence label and no further dissection to do, or until
 * PS_NDPI_PACKET_BUDGET packets (TCP segments without payload are not fed,
 * see ndpi_witness_feed). Then nDPI's state is freed at once: what it
 * concluded (the label, and what it read: SNI, JA3, certificate names, SSH
 * banners and HASSH, HTTP User-Agent and status) is kept as a few short
 * strings until the flow is classified. At finish the label becomes
 * evidence and what nDPI read fills the empty fields of the flow's detail.
 * So nDPI's state (688 bytes, and about 2 KB more inside once TCP payload
 * was seen) lives only while nDPI is still reading the flow.
 *
 * Memory. Every byte nDPI allocates goes through counting allocators
 * (set_ndpi_malloc/set_ndpi_free) that charge it to the witness whose call
 * made it (a thread-local set at each entry point), and the witness's own
 * per-flow records are charged alike: ndpi_witness_bytes() is exact, and the
 * flow table holds it against --max-memory.
 *
 * What counts as evidence. nDPI mixes what it saw with what it guessed from
 * the ports and addresses. Both guesses are switched off per flow (the flow is
 * marked as already guessed before its first packet): without that, HTTP on
 * port 22 comes back as "SSH.HTTP" and HTTP for www.google.com on port 22 as
 * "SSH.Google", a port guess in the master's place. Then only
 * NDPI_CONFIDENCE_DPI is taken: DPI_CACHE (another flow's result) and matches
 * by port or IP never become evidence.
 *
 * From a label to a service (signatures/ndpi-map.csv names the services):
 *  - app unknown: the master's row; master unknown: the app's row;
 *  - master and app both known ("HTTP.Google", "TLS.Google", "SSH.HTTP"): the
 *    app's row if the map lists the app (it is a protocol), otherwise the app
 *    is a website or company carried by the master, and the master's row
 *    counts. An app carried by TLS (a master whose row is the TLS row) gets
 *    tunnel "tls";
 *  - rows with tunnel "tls" (IMAPS, POPS, SMTPS, DoH_DoT) are names nDPI
 *    gives to TLS by the port it runs on: HTTPS on 993 is labelled "IMAPS".
 *    When nDPI dissected a TLS handshake, only TLS is proved and the TLS row
 *    counts instead. When it did not, its mail dissector read the protocol
 *    in clear (nDPI 4.2 labels plain IMAP on 143 "IMAPS" too): the row's
 *    service without the tunnel;
 *  - the TLS row ("ssl") becomes "http" in tunnel "tls" when every protocol the
 *    client offered by ALPN is an HTTP version (h2, http/1.1, ...): the
 *    client asked for nothing but HTTP inside. So "TLS.Google" fetched by a
 *    browser is http/tls; TLS offering no ALPN, or also offering other
 *    protocols, stays ssl;
 *  - a row whose service is "-" names a heuristic nDPI applies without proof
 *    (Skype_Teams: any small UDP exchange, SNMP on udp/53 included): that name
 *    is never the service; under a master the master's row counts, alone it
 *    says nothing;
 *  - a name the map does not list is reported as its lowercased name.
 *
 * Blind spots of nDPI 4.2 measured on this machine (real servers and clients
 * on the loopback of a private network namespace, with the guesses off),
 * which the signature witness must cover:
 *  - FTP: a session that only reads the 220 banner and QUITs is Unknown on 21
 *    and on 2121; with USER/PASS it is FTP_CONTROL on both;
 *  - DNS (dnsmasq, dig) on port 5300 is Unknown over UDP and over TCP; on 53
 *    it is DNS over both;
 *  - SNMP (snmpd, snmpget) on udp/53 is "Skype_Teams" at DPI confidence (so
 *    Skype_Teams maps to "-"); on 161 it is SNMP;
 *  - random bytes to 22 or 443 are "SSH"/"TLS" by port only (no evidence);
 *  - HTTPS on 993 is labelled IMAPS (handled above);
 *  - with the guesses on, Redis (redis-server, redis-cli) on 443 is "TLS" by
 *    port; with them off it is Redis by DPI, as on 6379;
 *  - the nDPI notes add NTP only on 123; nDPI does no general TCP reassembly.
 *
 * Threads: nothing here is global except one mutex around module creation and
 * destruction, because nDPI 4.2 does not allow modules to be set up from
 * several threads at once. After that each module is used by its own thread.
 */
#include "witness_ndpi.h"

#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi/ndpi_api.h>

#include "config.h"

/* Rows per nDPI protocol id: any transport, TCP only, UDP only. */
enum map_transport { MAP_ANY = 0, MAP_TCP, MAP_UDP, MAP_TRANSPORTS };

struct map_row {
    bool set;
    char service[EV_SERVICE_MAX];
    char tunnel[sizeof(((struct evidence *)0)->tunnel)];
};

struct ndpi_witness {
    struct ndpi_detection_module_struct *mod;
    uint32_t nprotos;     /* ids 0 .. nprotos-1 are nDPI's protocols */
    struct map_row *rows; /* rows[id * MAP_TRANSPORTS + transport] */
    int64_t heap_bytes;   /* allocated by nDPI for this module and its flows, and our records */
    int64_t module_bytes; /* of which the module itself, once set up */
};

/*
 * Which side filled the SSH fields nDPI keeps. nDPI 4.2 stores the first
 * banner it sees in client_signature and the second in server_signature,
 * whoever sent them. Its HASSH slots were right in every capture measured
 * (client address above and below the server's), but they rest on nDPI's own
 * idea of direction; so every field, banner or HASSH, is attributed here to
 * the side whose packet filled it, which the caller knows for certain.
 */
enum ssh_field { SSH_FIRST_BANNER, SSH_SECOND_BANNER, SSH_HASSH_A, SSH_HASSH_B, SSH_FIELDS };

/* The strings kept from nDPI's state when it is freed (the SSH ones in enum ssh_field order). */
enum fact {
    FACT_HOST, /* SNI or HTTP Host */
    FACT_JA3,
    FACT_JA3S,
    FACT_ALPN, /* the ClientHello's list */
    FACT_SUBJECT,
    FACT_ISSUER,
    FACT_SSH,
    FACT_USER_AGENT = FACT_SSH + SSH_FIELDS,
    FACTS,
};
#define FACT_NONE UINT16_MAX

struct ndpi_witness_flow {
    struct ndpi_flow_struct *flow; /* nDPI's state while it reads the flow; NULL once done */
    ndpi_protocol proto;           /* the last label nDPI returned */
    uint16_t packets;
    bool done;
    bool have_transport;
    uint8_t transport;       /* of the first packet given to nDPI; others are not given */
    uint8_t ssh_seen;        /* bit per enum ssh_field: filled */
    uint8_t ssh_from_client; /* bit per enum ssh_field: filled by a client packet */
    /* The client as the feeder saw it: the roles may be swapped before finish. */
    bool have_client;
    uint16_t client_port;
    struct ps_addr client;
    /* What nDPI concluded, taken from its state before freeing it (take_facts). */
    bool dpi;            /* the label is known at DPI confidence */
    bool tls_dissected;  /* nDPI read a TLS handshake */
    bool alpn_only_http; /* the ClientHello offered nothing but HTTP versions */
    uint8_t l4_proto;
    uint16_t tls_version; /* nDPI's ssl_version */
    uint16_t http_status;
    uint16_t fact_at[FACTS]; /* offset of each fact in text, or FACT_NONE */
    char *text;              /* the facts, each NUL-terminated, one after another */
};

/* nDPI 4.2 forbids setting modules up concurrently; this lock and the allocators are the
   only shared state. */
static pthread_mutex_t module_setup_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t allocators_once = PTHREAD_ONCE_INIT;

/* ---- counting allocators ------------------------------------------------------------ */

/* The witness this thread is working for: its nDPI calls allocate on its account. */
static _Thread_local struct ndpi_witness *charged;

/* The heap bytes a block takes: what it can hold and glibc's size word before it. */
static int64_t block_bytes(void *p)
{
    return (int64_t)(malloc_usable_size(p) + sizeof(size_t));
}

static void *counted_malloc(size_t size)
{
    void *p = malloc(size);
    if (p && charged)
        charged->heap_bytes += block_bytes(p);
    return p;
}

static void counted_free(void *p)
{
    if (p && charged)
        charged->heap_bytes -= block_bytes(p);
    free(p);
}

static void install_allocators(void)
{
    set_ndpi_malloc(counted_malloc);
    set_ndpi_free(counted_free);
}

/* Work for w until leave(): returns the witness to restore. */
static struct ndpi_witness *enter(struct ndpi_witness *w)
{
    struct ndpi_witness *prev = charged;
    charged = w;
    return prev;
}

static void leave(struct ndpi_witness *prev)
{
    charged = prev;
}

/* ---- the map file ------------------------------------------------------------------- */

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static char *trimmed(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static bool is_service_name(const char *s)
{
    if (!*s || strlen(s) >= EV_SERVICE_MAX)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

/* nDPI's id for an exact (case-sensitive) name, or -1. */
static int proto_id_named(const struct ndpi_witness *w, const char *name)
{
    for (uint32_t id = 0; id < w->nprotos; id++) {
        const char *n = ndpi_get_proto_name(w->mod, (u_int16_t)id);
        if (n && strcmp(n, name) == 0)
            return (int)id;
    }
    return -1;
}

/* Split "Name/tcp" into the name and its transport. Returns false for a bad suffix. */
static bool split_transport(char *name, enum map_transport *t)
{
    *t = MAP_ANY;
    char *slash = strchr(name, '/');
    if (!slash)
        return true;
    *slash = '\0';
    if (strcmp(slash + 1, "tcp") == 0)
        *t = MAP_TCP;
    else if (strcmp(slash + 1, "udp") == 0)
        *t = MAP_UDP;
    else
        return false;
    return true;
}

/* One non-comment line; on error writes the reason (without file:line) to why. */
static bool map_line_parse(struct ndpi_witness *w, char *line, char *why, size_t whylen)
{
    char *fields[4] = {0};
    int n = 0;
    for (char *p = line; n < 4;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    if (n < 2 || n > 3) {
        set_error(why, whylen, "expected ndpi_name,service[,tunnel], got %d field%s", n,
                  n == 1 ? "" : "s");
        return false;
    }
    char *name = trimmed(fields[0]), *service = trimmed(fields[1]);
    char *tunnel = n == 3 ? trimmed(fields[2]) : "";
    enum map_transport t;
    if (!split_transport(name, &t)) {
        set_error(why, whylen, "transport suffix must be /tcp or /udp");
        return false;
    }
    int id = *name ? proto_id_named(w, name) : -1;
    if (id < 0) {
        set_error(why, whylen, "'%s' is not an nDPI protocol name", name);
        return false;
    }
    if (strcmp(service, "-") != 0 && !is_service_name(service)) {
        set_error(why, whylen, "bad service name '%s'", service);
        return false;
    }
    if (*tunnel && (strcmp(tunnel, "tls") != 0 || strcmp(service, "-") == 0)) {
        set_error(why, whylen, "tunnel must be empty or tls, not '%s'", tunnel);
        return false;
    }
    struct map_row *row = &w->rows[(size_t)id * MAP_TRANSPORTS + t];
    if (row->set) {
        set_error(why, whylen, "'%s' mapped twice", name);
        return false;
    }
    row->set = true;
    EV_SET(row->service, service);
    EV_SET(row->tunnel, tunnel);
    return true;
}

static bool map_load(struct ndpi_witness *w, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        set_error(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[PS_NDPI_MAP_MAX_LINE + 2];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            set_error(err, errlen, "%s:%u: line longer than %u bytes", path, lineno,
                      PS_NDPI_MAP_MAX_LINE);
            ok = false;
            break;
        }
        char *s = trimmed(line);
        if (!*s || *s == '#')
            continue;
        char why[160];
        if (!map_line_parse(w, s, why, sizeof why)) {
            set_error(err, errlen, "%s:%u: %s", path, lineno, why);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        set_error(err, errlen, "%s: read error", path);
        ok = false;
    }
    fclose(f);
    return ok;
}

/* ---- the module --------------------------------------------------------------------- */

static struct ndpi_detection_module_struct *module_new(void)
{
    pthread_once(&allocators_once, install_allocators);
    pthread_mutex_lock(&module_setup_lock);
    /* Tor's relay list only names flows by address, which is never evidence here
     * (as with the guesses by port): not loading it saves an eighth of the setup. */
    struct ndpi_detection_module_struct *mod = ndpi_init_detection_module(ndpi_dont_load_tor_hosts);
    if (mod) {
        NDPI_PROTOCOL_BITMASK all;
        NDPI_BITMASK_SET_ALL(all);
        ndpi_set_protocol_detection_bitmask2(mod, &all);
        ndpi_finalize_initialization(mod);
    }
    pthread_mutex_unlock(&module_setup_lock);
    return mod;
}

struct ndpi_witness *ndpi_witness_create(const char *map_path, char *err, size_t errlen)
{
    struct ndpi_witness *w = calloc(1, sizeof *w);
    if (!w) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    struct ndpi_witness *prev = enter(w);
    w->mod = module_new();
    leave(prev);
    w->module_bytes = w->heap_bytes;
    if (!w->mod) {
        set_error(err, errlen, "nDPI: cannot initialise a detection module");
        free(w);
        return NULL;
    }
    w->nprotos = ndpi_get_num_supported_protocols(w->mod);
    w->rows = calloc((size_t)w->nprotos * MAP_TRANSPORTS, sizeof *w->rows);
    if (!w->rows) {
        set_error(err, errlen, "out of memory");
        ndpi_witness_destroy(w);
        return NULL;
    }
    if (!map_path) {
        set_error(err, errlen, "nDPI: no map file given");
        ndpi_witness_destroy(w);
        return NULL;
    }
    if (!map_load(w, map_path, err, errlen)) {
        ndpi_witness_destroy(w);
        return NULL;
    }
    return w;
}

void ndpi_witness_destroy(struct ndpi_witness *w)
{
    if (!w)
        return;
    if (w->mod) {
        struct ndpi_witness *prev = enter(w);
        pthread_mutex_lock(&module_setup_lock);
        ndpi_exit_detection_module(w->mod);
        pthread_mutex_unlock(&module_setup_lock);
        leave(prev);
    }
    free(w->rows);
    free(w);
}

/* ---- what a label says --------------------------------------------------------------- */

static bool label_known(ndpi_protocol p)
{
    return p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
}

static bool is_ssh(ndpi_protocol p)
{
    return p.app_protocol == NDPI_PROTOCOL_SSH ||
           (p.app_protocol == NDPI_PROTOCOL_UNKNOWN && p.master_protocol == NDPI_PROTOCOL_SSH);
}

static bool label_has(ndpi_protocol p, uint16_t id)
{
    return p.master_protocol == id || p.app_protocol == id;
}

/* nDPI filled the TLS union member only for labels built on its TLS dissector. */
static bool tls_family(uint16_t id)
{
    return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_DTLS || id == NDPI_PROTOCOL_QUIC ||
           id == NDPI_PROTOCOL_MAIL_IMAPS || id == NDPI_PROTOCOL_MAIL_POPS ||
           id == NDPI_PROTOCOL_MAIL_SMTPS || id == NDPI_PROTOCOL_DOH_DOT;
}

static bool label_is_tls(ndpi_protocol p)
{
    return tls_family(p.master_protocol) || tls_family(p.app_protocol);
}

/* Fixed nDPI string fields are read only up to their size: they come from the wire. */
#define FIELD_FILLED(f) (strnlen((f), sizeof(f)) > 0)

static bool tls_handshake_dissected(const struct ndpi_flow_struct *f)
{
    return f->protos.tls_quic.hello_processed || f->protos.tls_quic.ssl_version ||
           FIELD_FILLED(f->protos.tls_quic.ja3_client);
}

/* True when the ALPN list is non-empty and holds only HTTP versions. */
static bool alpn_only_http(const char *alpn)
{
    if (!alpn || !*alpn)
        return false;
    static const char *const http[] = {"http/0.9", "http/1.0", "http/1.1", "h2", "h2c", "h3"};
    for (const char *p = alpn; *p;) {
        size_t n = strcspn(p, ",");
        bool found = false;
        for (size_t i = 0; i < sizeof http / sizeof http[0]; i++)
            if (strlen(http[i]) == n && strncmp(p, http[i], n) == 0)
                found = true;
        if (!found && !(n > 5 && strncmp(p, "spdy/", 5) == 0))
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    return true;
}

/* ---- per-flow state ----------------------------------------------------------------- */

/* Called with charged set: every allocation here is on the witness's account. */
static struct ndpi_witness_flow *flow_state_new(void)
{
    struct ndpi_witness_flow *s = counted_malloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->flow = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
    if (!s->flow) {
        counted_free(s);
        return NULL;
    }
    memset(s->flow, 0, SIZEOF_FLOW_STRUCT);
    /* Mark nDPI's guesses by port and by address as done so it never makes them. */
    s->flow->protocol_id_already_guessed = 1;
    s->flow->host_already_guessed = 1;
    return s;
}

static void flow_state_free(struct ndpi_witness_flow **state)
{
    if ((*state)->flow)
        ndpi_free_flow((*state)->flow);
    counted_free((*state)->text);
    counted_free(*state);
    *state = NULL;
}

#define DETAIL_FIELD_MAX(type, field) (sizeof(((struct type *)0)->field) - 1)

/* One string nDPI read, cut to the longest detail field it can fill. */
struct fact_source {
    const char *text;
    size_t max;
};

/* A string nDPI keeps in a fixed array (read no further than the array) or on its heap. */
static struct fact_source source(const char *text, size_t field_size, size_t detail_max)
{
    return (struct fact_source){text, field_size < detail_max ? field_size : detail_max};
}
#define FROM_ARRAY(a, max) source((a), sizeof(a), (max))
#define FROM_HEAP(p, max) source((p), SIZE_MAX, (max))

/* The strings detail_fill will want, by the kind of label (as detail_fill chooses). */
static void fact_sources(const struct ndpi_witness_flow *s, struct fact_source src[FACTS])
{
    const struct ndpi_flow_struct *f = s->flow;
    memset(src, 0, FACTS * sizeof *src);
    if (!s->dpi)
        return;
    if (label_is_tls(s->proto) && s->tls_dissected) {
        src[FACT_HOST] = FROM_ARRAY(f->host_server_name, DETAIL_FIELD_MAX(tls_detail, sni));
        src[FACT_JA3] =
            FROM_ARRAY(f->protos.tls_quic.ja3_client, DETAIL_FIELD_MAX(tls_detail, ja3));
        src[FACT_JA3S] =
            FROM_ARRAY(f->protos.tls_quic.ja3_server, DETAIL_FIELD_MAX(tls_detail, ja3s));
        src[FACT_ALPN] =
            FROM_HEAP(f->protos.tls_quic.alpn, DETAIL_FIELD_MAX(tls_detail, alpn_offered));
        src[FACT_SUBJECT] =
            FROM_HEAP(f->protos.tls_quic.subjectDN, DETAIL_FIELD_MAX(tls_detail, subject));
        src[FACT_ISSUER] =
            FROM_HEAP(f->protos.tls_quic.issuerDN, DETAIL_FIELD_MAX(tls_detail, issuer));
    } else if (is_ssh(s->proto)) {
        const size_t banner = DETAIL_FIELD_MAX(ssh_detail, client_banner);
        const size_t hassh = DETAIL_FIELD_MAX(ssh_detail, hassh);
        src[FACT_SSH + SSH_FIRST_BANNER] = FROM_ARRAY(f->protos.ssh.client_signature, banner);
        src[FACT_SSH + SSH_SECOND_BANNER] = FROM_ARRAY(f->protos.ssh.server_signature, banner);
        src[FACT_SSH + SSH_HASSH_A] = FROM_ARRAY(f->protos.ssh.hassh_client, hassh);
        src[FACT_SSH + SSH_HASSH_B] = FROM_ARRAY(f->protos.ssh.hassh_server, hassh);
    } else if (label_has(s->proto, NDPI_PROTOCOL_HTTP)) {
        src[FACT_HOST] = FROM_ARRAY(f->host_server_name, DETAIL_FIELD_MAX(http_detail, host));
        src[FACT_USER_AGENT] =
            FROM_HEAP(f->http.user_agent, DETAIL_FIELD_MAX(http_detail, user_agent));
    }
}

/*
 * nDPI is done with the flow (or the flow is being classified): keep what it
 * concluded and free its state. Called with charged set.
 */
static void take_facts(struct ndpi_witness *w, struct ndpi_witness_flow *s)
{
    struct ndpi_flow_struct *f = s->flow;
    if (!f)
        return;
    if (!label_known(s->proto)) {
        u_int8_t guessed = 0;
        s->proto = ndpi_detection_giveup(w->mod, f, 0, &guessed);
    }
    s->dpi = label_known(s->proto) && f->confidence == NDPI_CONFIDENCE_DPI;
    s->l4_proto = f->l4_proto;
    /* protos is a union: its TLS member means something only under a TLS label. */
    if (label_is_tls(s->proto) && tls_handshake_dissected(f)) {
        s->tls_dissected = true;
        s->alpn_only_http = alpn_only_http(f->protos.tls_quic.alpn);
        s->tls_version = f->protos.tls_quic.ssl_version;
    }
    s->http_status = f->http.response_status_code;

    struct fact_source src[FACTS];
    fact_sources(s, src);
    size_t len[FACTS], total = 0;
    for (int i = 0; i < FACTS; i++) {
        len[i] = src[i].text ? strnlen(src[i].text, src[i].max) : 0;
        total += len[i] ? len[i] + 1 : 0;
    }
    char *text = total ? counted_malloc(total) : NULL;
    size_t at = 0;
    for (int i = 0; i < FACTS; i++) {
        s->fact_at[i] = FACT_NONE;
        if (!len[i] || !text)
            continue;
        memcpy(text + at, src[i].text, len[i]);
        text[at + len[i]] = '\0';
        s->fact_at[i] = (uint16_t)at;
        at += len[i] + 1;
    }
    s->text = text;
    ndpi_free_flow(f);
    s->flow = NULL;
}

/* A kept string, or NULL. */
static const char *fact(const struct ndpi_witness_flow *s, enum fact i)
{
    return s->text && s->fact_at[i] != FACT_NONE ? s->text + s->fact_at[i] : NULL;
}

/* ---- feeding ------------------------------------------------------------------------ */

/* Attribute every SSH field this packet filled to the side that sent it. */
static void note_ssh_fields(struct ndpi_witness_flow *s, bool from_client)
{
    if (!is_ssh(s->proto) || s->flow->confidence != NDPI_CONFIDENCE_DPI)
        return;
    const bool filled[SSH_FIELDS] = {
        FIELD_FILLED(s->flow->protos.ssh.client_signature),
        FIELD_FILLED(s->flow->protos.ssh.server_signature),
        FIELD_FILLED(s->flow->protos.ssh.hassh_client),
        FIELD_FILLED(s->flow->protos.ssh.hassh_server),
    };
    for (int i = 0; i < SSH_FIELDS; i++) {
        uint8_t bit = (uint8_t)(1u << i);
        if (filled[i] && !(s->ssh_seen & bit)) {
            s->ssh_seen |= bit;
            if (from_client)
                s->ssh_from_client |= bit;
        }
    }
}

static bool dissection_complete(struct ndpi_witness *w, const struct ndpi_witness_flow *s)
{
    return label_known(s->proto) && s->flow->confidence == NDPI_CONFIDENCE_DPI &&
           !ndpi_extra_dissection_possible(w->mod, s->flow);
}

/* The transport nDPI will read from this IP header, as far as one byte tells it. */
static uint8_t l3_transport(const struct packet_view *pkt)
{
    if (pkt->l3_len >= 20 && (pkt->l3[0] >> 4) == 4)
        return pkt->l3[9];
    return pkt->transport;
}

/*
 * Whether this packet may go to nDPI. nDPI keeps TCP and UDP state in one
 * union and frees its TCP buffers only if the flow's last packet was TCP: a
 * packet of another transport in the same flow state corrupts it and leaks.
 * The flow table never mixes transports; this holds even if it did.
 */
static bool same_transport(struct ndpi_witness_flow *s, const struct packet_view *pkt)
{
    uint8_t t = l3_transport(pkt);
    if (!s->have_transport) {
        s->have_transport = true;
        s->transport = t;
    }
    return t == s->transport;
}

/*
 * nDPI 4.2 learns from the SYN and the SYN-ACK it is fed that it saw the
 * connection begin (l4.tcp.seen_syn, seen_syn_ack), and some dissectors
 * insist on it: FTP_DATA is only ever named on a connection seen from its
 * SYN. Later nDPI versions take this from the caller (seen_flow_beginning);
 * 4.2 has no such input, so when the handshake went by before nDPI was
 * attached, the two flags its connection tracking would have set are set
 * here. The handshake's last ACK is not needed: any ACK nDPI is fed next
 * (the first data segment of either side carries one) sets seen_ack.
 */
static void handshake_seen(struct ndpi_flow_struct *f)
{
    f->l4.tcp.seen_syn = 1;
    f->l4.tcp.seen_syn_ack = 1;
}

bool ndpi_witness_attach(struct ndpi_witness *w, struct ndpi_witness_flow **state, bool handshake)
{
    if (!w || !state)
        return false;
    if (!*state) {
        struct ndpi_witness *prev = enter(w);
        *state = flow_state_new();
        leave(prev);
        if (!*state)
            return false;
        if (handshake)
            handshake_seen((*state)->flow);
    }
    return true;
}

bool ndpi_witness_feed(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                       const struct packet_view *pkt, bool from_client)
{
    if (!w || !state || !pkt)
        return true;
    if (!*state && !ndpi_witness_attach(w, state, false))
        return true; /* no memory: nDPI sits this flow out */
    struct ndpi_witness_flow *s = *state;
    if (s->done)
        return true;
    /* A TCP segment without payload gives no dissector anything to read, and nDPI's
       sequence tracking only looks at segments with payload: a pure ACK or a bare FIN
       is not fed (it cost 1.4% of the instructions on the mixed benchmark) and spends
       none of the budget. The handshake's flags are set by handshake_seen. */
    if (pkt->transport == IPPROTO_TCP && pkt->payload_len == 0 &&
        !(pkt->tcp_flags & (PS_TCP_SYN | PS_TCP_RST)))
        return false;
    struct ndpi_witness *prev = enter(w);
    /* nDPI takes the length as an unsigned short; a larger datagram cannot be given whole. */
    if (pkt->l3 && pkt->l3_len && pkt->l3_len <= UINT16_MAX && same_transport(s, pkt)) {
        s->proto = ndpi_detection_process_packet(w->mod, s->flow, pkt->l3,
                                                 (unsigned short)pkt->l3_len, pkt->ts_us / 1000u);
        note_ssh_fields(s, from_client);
    }
    if (!s->have_client) {
        s->have_client = true;
        s->client = from_client ? pkt->src : pkt->dst;
        s->client_port = from_client ? pkt->sport : pkt->dport;
    }
    s->packets++;
    s->done = dissection_complete(w, s) || s->packets >= PS_NDPI_PACKET_BUDGET;
    if (s->done)
        take_facts(w, s); /* nDPI's state is freed as soon as it is done */
    leave(prev);
    return s->done;
}

/*
 * The classify stage may decide that the side fed as client is the server
 * (a banner told it so); then what the client sent is what the server sent.
 */
static void follow_roles(struct ndpi_witness_flow *s, const struct classify_input *in)
{
    if (!in || !s->have_client)
        return;
    if (s->client_port == in->server_port && addr_compare(&s->client, &in->server) == 0 &&
        !(s->client_port == in->client_port && addr_compare(&s->client, &in->client) == 0))
        s->ssh_from_client = (uint8_t)(~s->ssh_from_client & s->ssh_seen);
}

size_t ndpi_witness_bytes(const struct ndpi_witness *w)
{
    if (!w || w->heap_bytes <= w->module_bytes)
        return 0;
    return (size_t)(w->heap_bytes - w->module_bytes);
}

/* ---- the verdict -------------------------------------------------------------------- */

static const struct map_row *row_of(const struct ndpi_witness *w, uint16_t id, uint8_t transport)
{
    if (id >= w->nprotos)
        return NULL;
    const struct map_row *r = &w->rows[(size_t)id * MAP_TRANSPORTS];
    enum map_transport t = transport == IPPROTO_TCP   ? MAP_TCP
                           : transport == IPPROTO_UDP ? MAP_UDP
                                                      : MAP_ANY;
    if (t != MAP_ANY && r[t].set)
        return &r[t];
    return r[MAP_ANY].set ? &r[MAP_ANY] : NULL;
}

static bool is_tls_row(const struct ndpi_witness *w, uint16_t id, uint8_t transport)
{
    const struct map_row *r = row_of(w, id, transport);
    return r && r == row_of(w, NDPI_PROTOCOL_TLS, transport);
}

/* A "-" row: nDPI's name for a heuristic, never the service. */
static bool never_service(const struct ndpi_witness *w, uint16_t id, uint8_t transport)
{
    const struct map_row *r = row_of(w, id, transport);
    return r && strcmp(r->service, "-") == 0;
}

/* The part of a label that names the service (see the header comment); 0 for none. */
static uint16_t service_part(const struct ndpi_witness *w, ndpi_protocol p, uint8_t transport)
{
    uint16_t app = p.app_protocol, master = p.master_protocol;
    if (never_service(w, master, transport))
        master = NDPI_PROTOCOL_UNKNOWN;
    if (never_service(w, app, transport))
        app = NDPI_PROTOCOL_UNKNOWN;
    if (app == NDPI_PROTOCOL_UNKNOWN)
        return master;
    if (master == NDPI_PROTOCOL_UNKNOWN || master == app)
        return app;
    return row_of(w, app, transport) ? app : master;
}

/* Service and tunnel for a DPI label; false if there is nothing to say. */
static bool label_service(const struct ndpi_witness *w, const struct ndpi_witness_flow *s,
                          uint8_t transport, char service[EV_SERVICE_MAX], char tunnel[8])
{
    ndpi_protocol p = s->proto;
    uint16_t id = service_part(w, p, transport);
    if (id == NDPI_PROTOCOL_UNKNOWN)
        return false;
    bool tls = label_is_tls(p) && s->tls_dissected;
    const struct map_row *row = row_of(w, id, transport);
    bool named_by_port = row && strcmp(row->tunnel, "tls") == 0;
    if (named_by_port && tls) {
        id = NDPI_PROTOCOL_TLS; /* the service came from the port; TLS is what was seen */
        row = row_of(w, id, transport);
    }
    if (!row) {
        const char *name = ndpi_get_proto_name(w->mod, id);
        if (!name || !*name)
            return false;
        size_t i = 0;
        for (; name[i] && i < EV_SERVICE_MAX - 1; i++)
            service[i] = (char)tolower((unsigned char)name[i]);
        service[i] = '\0';
        tunnel[0] = '\0';
    } else {
        evidence_set(service, EV_SERVICE_MAX, row->service);
        /* No TLS handshake seen: what nDPI read was the service in clear. */
        evidence_set(tunnel, 8, named_by_port && !tls ? "" : row->tunnel);
    }
    if (id != p.master_protocol && is_tls_row(w, p.master_protocol, transport))
        evidence_set(tunnel, 8, "tls");
    if (id == NDPI_PROTOCOL_TLS && tls && s->alpn_only_http) {
        evidence_set(service, EV_SERVICE_MAX, "http");
        evidence_set(tunnel, 8, "tls");
    }
    return true;
}

/* ---- metadata into the flow detail --------------------------------------------------- */

/* Copy a kept string into an empty detail field only: the protocol parsers read the heads
   first. */
static bool fill_empty(char *dst, size_t size, const char *src)
{
    if (!src || !*src || dst[0] || !size)
        return false;
    evidence_set(dst, size, src);
    return true;
}
#define FILL(dst, s, which) fill_empty((dst), sizeof(dst), fact((s), (which)))

static void lowercase(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* The negotiated version in the words of our TLS parser; NULL if not one of them. */
static const char *tls_version_name(uint16_t v)
{
    switch (v) {
    case 0x0300:
        return "SSLv3";
    case 0x0301:
        return "TLSv1.0";
    case 0x0302:
        return "TLSv1.1";
    case 0x0303:
        return "TLSv1.2";
    case 0x0304:
        return "TLSv1.3";
    default:
        return NULL;
    }
}

static void tls_detail_fill(const struct ndpi_witness_flow *s, struct tls_detail *d)
{
    bool any = FILL(d->sni, s, FACT_HOST);
    any |= FILL(d->ja3, s, FACT_JA3);
    any |= FILL(d->ja3s, s, FACT_JA3S);
    /* ssl_version is the negotiated one once the ServerHello (and so JA3S) was read. */
    if (fact(s, FACT_JA3S))
        any |= fill_empty(d->version, sizeof d->version, tls_version_name(s->tls_version));
    /* nDPI 4.2 keeps the ClientHello's ALPN list here. */
    any |= FILL(d->alpn_offered, s, FACT_ALPN);
    bool cert = FILL(d->subject, s, FACT_SUBJECT);
    cert |= FILL(d->issuer, s, FACT_ISSUER);
    if (cert)
        d->have_cert = true;
    if (any || cert)
        d->seen = true;
}

static void ssh_detail_fill(const struct ndpi_witness_flow *s, struct ssh_detail *d)
{
    bool any = false;
    for (int i = 0; i < SSH_FIELDS; i++) {
        if (!(s->ssh_seen & (1u << i)))
            continue;
        bool client = s->ssh_from_client & (1u << i);
        bool banner = i == SSH_FIRST_BANNER || i == SSH_SECOND_BANNER;
        char *dst = banner ? (client ? d->client_banner : d->server_banner)
                           : (client ? d->hassh : d->hassh_server);
        size_t size = banner ? sizeof d->client_banner : sizeof d->hassh;
        if (fill_empty(dst, size, fact(s, (enum fact)(FACT_SSH + i)))) {
            any = true;
            if (!banner)
                lowercase(dst); /* nDPI writes HASSH in upper case; the usual form is lower */
        }
    }
    if (any)
        d->seen = true;
}

static void http_detail_fill(const struct ndpi_witness_flow *s, struct http_detail *d)
{
    bool any = FILL(d->host, s, FACT_HOST);
    any |= FILL(d->user_agent, s, FACT_USER_AGENT);
    if (!d->status && s->http_status) {
        d->status = s->http_status;
        any = true;
    }
    if (any)
        d->seen = true;
}

/* The same choice as fact_sources made when the strings were kept. */
static void detail_fill(const struct ndpi_witness_flow *s, struct flow_detail *detail)
{
    if (label_is_tls(s->proto) && s->tls_dissected)
        tls_detail_fill(s, &detail->tls);
    else if (is_ssh(s->proto))
        ssh_detail_fill(s, &detail->ssh);
    else if (label_has(s->proto, NDPI_PROTOCOL_HTTP))
        http_detail_fill(s, &detail->http);
}

void ndpi_witness_finish(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                         const struct classify_input *in, struct flow_detail *detail,
                         evidence_fn emit, void *ctx)
{
    if (!state || !*state)
        return;
    struct ndpi_witness_flow *s = *state;
    struct ndpi_witness *prev = enter(w);
    if (w) {
        take_facts(w, s);
        follow_roles(s, in);
    }
    if (w && s->dpi) {
        uint8_t transport = in ? in->transport : s->l4_proto;
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        if (emit && label_service(w, s, transport, ev.service, ev.tunnel)) {
            char label[64];
            ndpi_protocol2name(w->mod, s->proto, label, sizeof label);
            snprintf(ev.rule, sizeof ev.rule, "ndpi:%s", label);
            ev.witness = WITNESS_NDPI;
            ev.strength = STRENGTH_NDPI;
            emit(&ev, ctx);
        }
        if (detail)
            detail_fill(s, detail);
    }
    flow_state_free(state);
    leave(prev);
}
