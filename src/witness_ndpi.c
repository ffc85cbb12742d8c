/*
 * witness_ndpi.c - libndpi 4.2 as the second, independent witness.
 *
 * How it works. One nDPI detection module per worker thread (struct
 * ndpi_witness). Each flow gets nDPI's per-flow state on its first packet and
 * is fed IP headers with the packet time in milliseconds until nDPI has a
 * DPI-confidence label and no further dissection to do, or until
 * PS_NDPI_PACKET_BUDGET packets. At finish the label becomes evidence, what
 * nDPI read (SNI, JA3, certificate names, SSH banners and HASSH, HTTP
 * User-Agent and status) fills the empty fields of the flow's detail, and the
 * nDPI state is freed at once: a flow costs nDPI memory only while attached.
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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi/ndpi_api.h>

#include "config.h"

/*
 * What nDPI allocates inside an attached TCP flow beyond the flow struct,
 * measured with malloc_usable_size on this machine's captures: 2056 bytes
 * once payload was seen (its TLS reassembly buffer), more only while a large
 * record is being reassembled. Used for memory estimates, not as a limit.
 */
#define NDPI_FLOW_INNER_BYTES 2056u

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

struct ndpi_witness_flow {
    struct ndpi_flow_struct *flow;
    ndpi_protocol proto; /* the last label nDPI returned */
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
};

/* nDPI 4.2 forbids setting modules up concurrently; this is the only shared state. */
static pthread_mutex_t module_setup_lock = PTHREAD_MUTEX_INITIALIZER;

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
    pthread_mutex_lock(&module_setup_lock);
    struct ndpi_detection_module_struct *mod = ndpi_init_detection_module(ndpi_no_prefs);
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
    w->mod = module_new();
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
        pthread_mutex_lock(&module_setup_lock);
        ndpi_exit_detection_module(w->mod);
        pthread_mutex_unlock(&module_setup_lock);
    }
    free(w->rows);
    free(w);
}

/* ---- feeding ------------------------------------------------------------------------ */

static struct ndpi_witness_flow *flow_state_new(void)
{
    struct ndpi_witness_flow *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->flow = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
    if (!s->flow) {
        free(s);
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
    ndpi_free_flow((*state)->flow);
    free(*state);
    *state = NULL;
}

static bool label_known(ndpi_protocol p)
{
    return p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
}

static bool is_ssh(ndpi_protocol p)
{
    return p.app_protocol == NDPI_PROTOCOL_SSH ||
           (p.app_protocol == NDPI_PROTOCOL_UNKNOWN && p.master_protocol == NDPI_PROTOCOL_SSH);
}

/* Fixed nDPI string fields are read only up to their size: they come from the wire. */
#define FIELD_FILLED(f) (strnlen((f), sizeof(f)) > 0)

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

bool ndpi_witness_feed(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                       const struct packet_view *pkt, bool from_client)
{
    if (!w || !state || !pkt)
        return true;
    if (!*state) {
        *state = flow_state_new();
        if (!*state)
            return true; /* no memory: nDPI sits this flow out */
    }
    struct ndpi_witness_flow *s = *state;
    if (s->done)
        return true;
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

/* Service and tunnel for a DPI label; false if there is nothing to say. */
static bool label_service(const struct ndpi_witness *w, const struct ndpi_witness_flow *s,
                          uint8_t transport, char service[EV_SERVICE_MAX], char tunnel[8])
{
    ndpi_protocol p = s->proto;
    uint16_t id = service_part(w, p, transport);
    if (id == NDPI_PROTOCOL_UNKNOWN)
        return false;
    bool tls = label_is_tls(p) && tls_handshake_dissected(s->flow);
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
    if (id == NDPI_PROTOCOL_TLS && tls && alpn_only_http(s->flow->protos.tls_quic.alpn)) {
        evidence_set(service, EV_SERVICE_MAX, "http");
        evidence_set(tunnel, 8, "tls");
    }
    return true;
}

/* ---- metadata into the flow detail --------------------------------------------------- */

/* Copy into an empty detail field only: the protocol parsers read the heads first. */
static bool fill_empty(char *dst, size_t size, const char *src, size_t srcmax)
{
    if (!src || dst[0] || !size)
        return false;
    size_t n = strnlen(src, srcmax);
    if (!n)
        return false;
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return true;
}
#define FILL(dst, src) fill_empty((dst), sizeof(dst), (src), sizeof(src))
/* nDPI terminates its heap strings; reading at most sizeof(dst) bytes of them is enough. */
#define FILL_PTR(dst, src) fill_empty((dst), sizeof(dst), (src), sizeof(dst))

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

static void tls_detail_fill(const struct ndpi_flow_struct *f, struct tls_detail *d)
{
    bool any = FILL(d->sni, f->host_server_name);
    any |= FILL(d->ja3, f->protos.tls_quic.ja3_client);
    any |= FILL(d->ja3s, f->protos.tls_quic.ja3_server);
    /* ssl_version is the negotiated one once the ServerHello (and so JA3S) was read. */
    if (FIELD_FILLED(f->protos.tls_quic.ja3_server))
        any |= fill_empty(d->version, sizeof d->version,
                          tls_version_name(f->protos.tls_quic.ssl_version), sizeof d->version);
    /* nDPI 4.2 keeps the ClientHello's ALPN list here. */
    any |= FILL_PTR(d->alpn_offered, f->protos.tls_quic.alpn);
    bool cert = FILL_PTR(d->subject, f->protos.tls_quic.subjectDN);
    cert |= FILL_PTR(d->issuer, f->protos.tls_quic.issuerDN);
    if (cert)
        d->have_cert = true;
    if (any || cert)
        d->seen = true;
}

static void ssh_detail_fill(const struct ndpi_witness_flow *s, struct ssh_detail *d)
{
    const struct ndpi_flow_struct *f = s->flow;
    const char *fields[SSH_FIELDS] = {f->protos.ssh.client_signature,
                                      f->protos.ssh.server_signature, f->protos.ssh.hassh_client,
                                      f->protos.ssh.hassh_server};
    const size_t sizes[SSH_FIELDS] = {
        sizeof f->protos.ssh.client_signature, sizeof f->protos.ssh.server_signature,
        sizeof f->protos.ssh.hassh_client, sizeof f->protos.ssh.hassh_server};
    bool any = false;
    for (int i = 0; i < SSH_FIELDS; i++) {
        if (!(s->ssh_seen & (1u << i)))
            continue;
        bool client = s->ssh_from_client & (1u << i);
        bool banner = i == SSH_FIRST_BANNER || i == SSH_SECOND_BANNER;
        char *dst = banner ? (client ? d->client_banner : d->server_banner)
                           : (client ? d->hassh : d->hassh_server);
        size_t size = banner ? sizeof d->client_banner : sizeof d->hassh;
        if (fill_empty(dst, size, fields[i], sizes[i])) {
            any = true;
            if (!banner)
                lowercase(dst); /* nDPI writes HASSH in upper case; the usual form is lower */
        }
    }
    if (any)
        d->seen = true;
}

static void http_detail_fill(const struct ndpi_flow_struct *f, struct http_detail *d)
{
    bool any = FILL(d->host, f->host_server_name);
    any |= FILL_PTR(d->user_agent, f->http.user_agent);
    if (!d->status && f->http.response_status_code) {
        d->status = f->http.response_status_code;
        any = true;
    }
    if (any)
        d->seen = true;
}

static bool label_has(ndpi_protocol p, uint16_t id)
{
    return p.master_protocol == id || p.app_protocol == id;
}

static void detail_fill(const struct ndpi_witness_flow *s, struct flow_detail *detail)
{
    if (label_is_tls(s->proto) && tls_handshake_dissected(s->flow))
        tls_detail_fill(s->flow, &detail->tls);
    else if (is_ssh(s->proto))
        ssh_detail_fill(s, &detail->ssh);
    else if (label_has(s->proto, NDPI_PROTOCOL_HTTP))
        http_detail_fill(s->flow, &detail->http);
}

void ndpi_witness_finish(struct ndpi_witness *w, struct ndpi_witness_flow **state,
                         const struct classify_input *in, struct flow_detail *detail,
                         evidence_fn emit, void *ctx)
{
    if (!state || !*state)
        return;
    struct ndpi_witness_flow *s = *state;
    if (!w) {
        flow_state_free(state);
        return;
    }
    if (!label_known(s->proto)) {
        u_int8_t guessed = 0;
        s->proto = ndpi_detection_giveup(w->mod, s->flow, 0, &guessed);
    }
    follow_roles(s, in);
    if (label_known(s->proto) && s->flow->confidence == NDPI_CONFIDENCE_DPI) {
        uint8_t transport = in ? in->transport : (uint8_t)s->flow->l4_proto;
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
}

size_t ndpi_witness_flow_bytes(void)
{
    return sizeof(struct ndpi_witness_flow) + SIZEOF_FLOW_STRUCT + NDPI_FLOW_INNER_BYTES;
}
