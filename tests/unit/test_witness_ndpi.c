/*
 * test_witness_ndpi.c - libndpi 4.2 as a witness, on captures made for real.
 *
 * The captures in tests/data/ndpi/ were recorded with tcpdump on the loopback
 * of a private network namespace while real clients talked to real servers:
 * OpenSSH's sshd, python3 -m http.server, dnsmasq, openssl s_server with curl
 * (TLS 1.2, SNI svc.portsleuth.test), redis-server and redis-cli, snmpd and
 * snmpget, and curl against small Python responders speaking FTP and IMAP;
 * random bytes came from Python peers. The test reads them with libpcap,
 * skips the link layer itself and hands nDPI the IP header through a
 * hand-built packet_view, so it depends on nothing but the witness. The first
 * packet's sender is the client.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "witness_ndpi.h"

#define MAP_PATH "signatures/ndpi-map.csv"
#define DATA "tests/data/ndpi/"
#define MAX_EV 4

/* Fingerprints of these captures as Wireshark 4.0 (tshark) computes them, independently of nDPI. */
#define HASSH_OPENSSH_CLIENT "472b5de333ad665af5cbf10ff892c4df"
#define HASSH_OPENSSH_SERVER "425d29fe50d8e4f5e37efb6e24bcf660"
#define JA3_CURL "87b9bfc7da97115ed2276737b09f8d74"
#define JA3S_OPENSSL "a548c224ffe85e7076d7897c27f6758c"

struct run {
    struct evidence ev[MAX_EV];
    int n_ev;
    struct flow_detail detail;
    unsigned fed;         /* packets fed before the witness said done */
    bool done;            /* the witness said done before the capture ended */
    bool freed;           /* the state was NULL after finish */
    bool read_ok;         /* the capture was read */
    long long bytes_left; /* ndpi_witness_bytes after finish, less what it was before */
};

static void collect(const struct evidence *ev, void *ctx)
{
    struct run *r = ctx;
    if (r->n_ev < MAX_EV)
        r->ev[r->n_ev] = *ev;
    r->n_ev++;
}

static int link_header_len(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
        return 14;
    case DLT_NULL:
        return 4;
    case DLT_LINUX_SLL:
        return 16;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        return 20;
#endif
    case DLT_RAW:
        return 0;
    default:
        return -1;
    }
}

/* A packet_view from an IP packet, just enough for the witness. False if not TCP/UDP. */
static bool view_of(const uint8_t *ip, uint32_t len, uint64_t ts_us, struct packet_view *v)
{
    memset(v, 0, sizeof *v);
    if (len < 20)
        return false;
    uint32_t l4;
    if ((ip[0] >> 4) == 4) {
        l4 = (uint32_t)(ip[0] & 15) * 4;
        v->transport = ip[9];
        addr_set_v4(&v->src, ip + 12);
        addr_set_v4(&v->dst, ip + 16);
    } else if ((ip[0] >> 4) == 6 && len >= 40) {
        l4 = 40;
        v->transport = ip[6];
        addr_set_v6(&v->src, ip + 8);
        addr_set_v6(&v->dst, ip + 24);
    } else {
        return false;
    }
    if ((v->transport != IPPROTO_TCP && v->transport != IPPROTO_UDP) || len < l4 + 8)
        return false;
    v->sport = (uint16_t)(ip[l4] << 8 | ip[l4 + 1]);
    v->dport = (uint16_t)(ip[l4 + 2] << 8 | ip[l4 + 3]);
    v->ts_us = ts_us;
    v->l3 = ip;
    v->l3_len = len;
    /* The witness leaves payload-less TCP segments (but SYN and RST) out: it needs both. */
    uint32_t hdr = 8;
    if (v->transport == IPPROTO_TCP) {
        if (len < l4 + 20)
            return false;
        v->tcp_flags = ip[l4 + 13];
        hdr = (uint32_t)(ip[l4 + 12] >> 4) * 4;
    }
    if (len < l4 + hdr)
        return false;
    v->payload = ip + l4 + hdr;
    v->payload_len = len - l4 - hdr;
    return true;
}

/* Feed a whole capture (one conversation) to w and finish it. */
/* Set to finish with the roles the other way round, as classify does after a banner. */
static bool finish_swapped;

static void run_capture_with(struct ndpi_witness *w, const char *path, struct flow_detail *pre,
                             struct run *r)
{
    memset(r, 0, sizeof *r);
    if (pre)
        r->detail = *pre;
    size_t bytes_before = ndpi_witness_bytes(w);
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p)
        return;
    int skip = link_header_len(pcap_datalink(p));
    struct ndpi_witness_flow *state = NULL;
    struct classify_input in;
    memset(&in, 0, sizeof in);
    bool first = true;
    struct pcap_pkthdr *h;
    const u_char *frame;
    while (skip >= 0 && !r->done && pcap_next_ex(p, &h, &frame) == 1) {
        struct packet_view v;
        if (h->caplen <= (uint32_t)skip ||
            !view_of(frame + skip, h->caplen - (uint32_t)skip,
                     (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec, &v))
            continue;
        if (first) {
            in.transport = v.transport;
            in.client = v.src, in.client_port = v.sport;
            in.server = v.dst, in.server_port = v.dport;
            first = false;
        }
        bool from_client = addr_compare(&v.src, &in.client) == 0 && v.sport == in.client_port;
        r->fed++;
        r->done = ndpi_witness_feed(w, &state, &v, from_client);
    }
    r->read_ok = skip >= 0 && !first;
    pcap_close(p);
    if (finish_swapped) {
        struct ps_addr a = in.client;
        uint16_t port = in.client_port;
        in.client = in.server, in.client_port = in.server_port;
        in.server = a, in.server_port = port;
    }
    ndpi_witness_finish(w, &state, &in, &r->detail, collect, r);
    r->freed = state == NULL;
    r->bytes_left = (long long)ndpi_witness_bytes(w) - (long long)bytes_before;
}

static struct ndpi_witness *witness;
static struct ndpi_witness *witness_from(const char *text, char *err, size_t errlen);

static int suite_init(void)
{
    char err[256];
    witness = ndpi_witness_create(MAP_PATH, err, sizeof err);
    if (!witness)
        fprintf(stderr, "witness_ndpi: %s\n", err);
    return witness ? 0 : 1;
}

static int suite_cleanup(void)
{
    ndpi_witness_destroy(witness);
    witness = NULL;
    return 0;
}

static void run_capture(const char *name, struct run *r)
{
    char path[256];
    snprintf(path, sizeof path, DATA "%s", name);
    run_capture_with(witness, path, NULL, r);
    CU_ASSERT_TRUE_FATAL(r->read_ok);
    CU_ASSERT_TRUE(r->freed);
    CU_ASSERT_EQUAL(r->bytes_left, 0); /* every byte nDPI took for the flow came back */
}

/* Exactly one piece of nDPI evidence with this service, tunnel and rule. */
static void assert_one(const struct run *r, const char *service, const char *tunnel,
                       const char *rule)
{
    CU_ASSERT_EQUAL_FATAL(r->n_ev, 1);
    CU_ASSERT_STRING_EQUAL(r->ev[0].service, service);
    CU_ASSERT_STRING_EQUAL(r->ev[0].tunnel, tunnel);
    CU_ASSERT_STRING_EQUAL(r->ev[0].rule, rule);
    CU_ASSERT_EQUAL(r->ev[0].witness, WITNESS_NDPI);
    CU_ASSERT_EQUAL(r->ev[0].strength, STRENGTH_NDPI);
}

/* (1) OpenSSH on 22: ssh by DPI, banners and HASSH into the detail. */
static void test_ssh_on_22(void)
{
    struct run r;
    run_capture("ssh-22.pcap", &r);
    assert_one(&r, "ssh", "", "ndpi:SSH");
    CU_ASSERT_TRUE(r.done); /* nDPI finished after both KEXINITs, before the capture ended */
    CU_ASSERT_TRUE(r.detail.ssh.seen);
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.server_banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.client_banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh, HASSH_OPENSSH_CLIENT);
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh_server, HASSH_OPENSSH_SERVER);
}

/*
 * sshd on 2222 and a client that sends its banner only after the server's:
 * nDPI keeps the server's banner in "client_signature"; the witness must put
 * each banner and the server's HASSH on the right side.
 */
static void test_ssh_sides(void)
{
    struct run r;
    run_capture("ssh-2222.pcap", &r);
    assert_one(&r, "ssh", "", "ndpi:SSH");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.server_banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.client_banner, "SSH-2.0-portsleuth_probe_client");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh_server, HASSH_OPENSSH_SERVER);
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh, ""); /* this client sent no KEXINIT */
}

/* When classify swaps the roles after feeding, the banners and HASSH follow. */
static void test_ssh_roles_swapped(void)
{
    struct run r;
    finish_swapped = true;
    run_capture("ssh-2222.pcap", &r);
    finish_swapped = false;
    assert_one(&r, "ssh", "", "ndpi:SSH");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.client_banner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.server_banner, "SSH-2.0-portsleuth_probe_client");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh, HASSH_OPENSSH_SERVER);
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh_server, "");
}

/* The HASSH pair lands on the same sides whichever address is the lower. */
static void test_ssh_address_order(void)
{
    static const char *const captures[] = {"ssh-client-above-server.pcap",
                                           "ssh-client-below-server.pcap"};
    for (size_t i = 0; i < 2; i++) {
        struct run r;
        run_capture(captures[i], &r);
        assert_one(&r, "ssh", "", "ndpi:SSH");
        CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh, HASSH_OPENSSH_CLIENT);
        CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh_server, HASSH_OPENSSH_SERVER);
    }
}

/* (2) HTTP on port 22 is http, never ssh: nDPI's port guess must not become the service. */
static void test_http_on_22(void)
{
    struct run r;
    run_capture("http-22.pcap", &r);
    assert_one(&r, "http", "", "ndpi:HTTP");
    CU_ASSERT_TRUE(r.detail.http.seen);
    CU_ASSERT_STRING_EQUAL(r.detail.http.host, "127.0.0.1");
    CU_ASSERT_STRING_EQUAL(r.detail.http.user_agent, "portsleuth-test/1.0");
    CU_ASSERT_EQUAL(r.detail.http.status, 200);
    CU_ASSERT_FALSE(r.detail.ssh.seen);
}

/* HTTP for Host www.google.com on 22: plain nDPI says "SSH.Google"; the carrier is HTTP. */
static void test_http_website_on_22(void)
{
    struct run r;
    run_capture("http-google-host-22.pcap", &r);
    assert_one(&r, "http", "", "ndpi:HTTP.Google");
    CU_ASSERT_STRING_EQUAL(r.detail.http.host, "www.google.com");
    CU_ASSERT_STRING_EQUAL(r.detail.http.user_agent, "curl/7.88.1");
}

/* (3) Random bytes to 22 and 443: nDPI can only guess by port, so no evidence and no detail. */
static void test_port_guess_is_no_evidence(void)
{
    static const char *const captures[] = {"random-22.pcap", "random-443.pcap"};
    struct flow_detail empty;
    memset(&empty, 0, sizeof empty);
    for (size_t i = 0; i < 2; i++) {
        struct run r;
        run_capture(captures[i], &r);
        CU_ASSERT_EQUAL(r.n_ev, 0);
        CU_ASSERT_FALSE(r.done); /* nDPI never became sure: fed to the end of the capture */
        CU_ASSERT_EQUAL(memcmp(&r.detail, &empty, sizeof empty), 0);
    }
}

/* (4) A DNS query and answer over udp/53 (dig and dnsmasq). */
static void test_dns_udp_53(void)
{
    struct run r;
    run_capture("dns-53.pcap", &r);
    assert_one(&r, "domain", "", "ndpi:DNS");
    CU_ASSERT_TRUE(r.done);
    CU_ASSERT_EQUAL(r.fed, 2);
}

/* (7) TLS 1.2 with SNI: the detail gets SNI, JA3/JA3S, ALPN offer and certificate names. */
static void test_tls_sni(void)
{
    struct run r;
    run_capture("tls-sni-443.pcap", &r);
    /* curl offered only h2 and http/1.1 by ALPN: HTTP inside TLS. */
    assert_one(&r, "http", "tls", "ndpi:TLS");
    CU_ASSERT_TRUE(r.detail.tls.seen);
    CU_ASSERT_STRING_EQUAL(r.detail.tls.sni, "svc.portsleuth.test");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.alpn_offered, "h2,http/1.1");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.ja3, JA3_CURL);
    CU_ASSERT_STRING_EQUAL(r.detail.tls.ja3s, JA3S_OPENSSL);
    CU_ASSERT_STRING_EQUAL(r.detail.tls.version, "TLSv1.2");
    CU_ASSERT_TRUE(r.detail.tls.have_cert);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.detail.tls.subject, "CN=svc.portsleuth.test"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.detail.tls.issuer, "O=portsleuth"));
    CU_ASSERT_FALSE(r.detail.http.seen);
}

/* TLS 1.3 (curl --tlsv1.3): SNI and version, but the certificate is encrypted. */
static void test_tls13(void)
{
    struct run r;
    run_capture("tls13-sni-8443.pcap", &r);
    assert_one(&r, "http", "tls", "ndpi:TLS");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.sni, "svc.portsleuth.test");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.version, "TLSv1.3");
    CU_ASSERT_FALSE(r.detail.tls.have_cert);
    CU_ASSERT_STRING_EQUAL(r.detail.tls.subject, "");
}

/* What a parser already filled stays; only empty fields are taken from nDPI. */
static void test_detail_only_fills_empty(void)
{
    struct flow_detail pre;
    memset(&pre, 0, sizeof pre);
    EV_SET(pre.tls.sni, "from.parser.test");
    EV_SET(pre.tls.ja3, "0123456789abcdef0123456789abcdef");
    struct run r;
    run_capture_with(witness, DATA "tls-sni-443.pcap", &pre, &r);
    CU_ASSERT_TRUE_FATAL(r.read_ok);
    CU_ASSERT_STRING_EQUAL(r.detail.tls.sni, "from.parser.test");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.ja3, "0123456789abcdef0123456789abcdef");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.ja3s, JA3S_OPENSSL); /* was empty: filled */
}

/* HTTPS on 993: nDPI names TLS on that port "IMAPS"; only TLS (with HTTP inside) was seen. */
static void test_tls_named_by_port(void)
{
    struct run r;
    run_capture("https-993.pcap", &r);
    assert_one(&r, "http", "tls", "ndpi:IMAPS");
    CU_ASSERT_STRING_EQUAL(r.detail.tls.sni, "svc.portsleuth.test");
}

/* curl against a small IMAP responder on 143, no TLS at all: nDPI 4.2 says "IMAPS". */
static void test_plain_imap(void)
{
    struct run r;
    run_capture("imap-plain-143.pcap", &r);
    assert_one(&r, "imap", "", "ndpi:IMAPS");
    CU_ASSERT_FALSE(r.detail.tls.seen);
}

/* Measured blind spot: FTP that only reads the banner is Unknown; with a login it is ftp. */
static void test_ftp_on_2121(void)
{
    struct run r;
    run_capture("ftp-banner-2121.pcap", &r);
    CU_ASSERT_EQUAL(r.n_ev, 0);
    run_capture("ftp-login-2121.pcap", &r);
    assert_one(&r, "ftp", "", "ndpi:FTP_CONTROL");
}

/* Redis (redis-cli PING) on 443: with nDPI's port guess on this was "TLS". */
static void test_redis_on_443(void)
{
    struct run r;
    run_capture("redis-443.pcap", &r);
    assert_one(&r, "redis", "", "ndpi:Redis");
}

/*
 * snmpget against snmpd on udp/161 is snmp; on udp/53 nDPI 4.2 calls the same
 * exchange "Skype_Teams" at DPI confidence, which the map marks "-": no evidence.
 */
static void test_snmp_heuristic(void)
{
    struct run r;
    run_capture("snmp-161.pcap", &r);
    assert_one(&r, "snmp", "", "ndpi:SNMP");
    run_capture("snmp-53.pcap", &r);
    CU_ASSERT_EQUAL(r.n_ev, 0);

    char err[256] = "";
    struct ndpi_witness *w = witness_from("# Skype_Teams not marked\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    run_capture_with(w, DATA "snmp-53.pcap", NULL, &r);
    assert_one(&r, "skype_teams", "", "ndpi:Skype_Teams");
    ndpi_witness_destroy(w);
}

/* Measured blind spot: DNS on a port other than 53/5353/5355 is Unknown. */
static void test_dns_on_5300(void)
{
    struct run r;
    run_capture("dns-5300.pcap", &r);
    CU_ASSERT_EQUAL(r.n_ev, 0);
}

/* (5) State is freed by finish whatever happened before; finish with no state is a no-op. */
static void test_state_freed(void)
{
    struct ndpi_witness_flow *state = NULL;
    struct run r;
    memset(&r, 0, sizeof r);
    ndpi_witness_finish(witness, &state, NULL, &r.detail, collect, &r);
    CU_ASSERT_PTR_NULL(state);
    CU_ASSERT_EQUAL(r.n_ev, 0);
    ndpi_witness_finish(witness, NULL, NULL, NULL, collect, &r);

    /* One SYN, then finish early: the state exists, gets freed, says nothing. */
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(DATA "ssh-22.pcap", errbuf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    struct pcap_pkthdr *h;
    const u_char *frame;
    CU_ASSERT_EQUAL_FATAL(pcap_next_ex(p, &h, &frame), 1);
    struct packet_view v;
    CU_ASSERT_TRUE_FATAL(view_of(frame + 14, h->caplen - 14, 0, &v));
    CU_ASSERT_FALSE(ndpi_witness_feed(witness, &state, &v, true));
    CU_ASSERT_PTR_NOT_NULL(state);
    ndpi_witness_finish(witness, &state, NULL, NULL, collect, &r);
    CU_ASSERT_PTR_NULL(state);
    CU_ASSERT_EQUAL(r.n_ev, 0);

    /* The packet budget ends a flow nDPI never becomes sure of. */
    unsigned fed = 0;
    bool done = false;
    while (!done && fed < 2 * PS_NDPI_PACKET_BUDGET) {
        done = ndpi_witness_feed(witness, &state, &v, true);
        fed++;
    }
    CU_ASSERT_TRUE(done);
    CU_ASSERT_EQUAL(fed, PS_NDPI_PACKET_BUDGET);
    CU_ASSERT_TRUE(ndpi_witness_feed(witness, &state, &v, true)); /* stays done */
    ndpi_witness_finish(witness, &state, NULL, NULL, NULL, NULL);
    CU_ASSERT_PTR_NULL(state);

    /* Segments without payload (the handshake's last ACK here) are not fed to nDPI and
       spend none of the budget: the flow is never done by them alone. */
    CU_ASSERT_EQUAL_FATAL(pcap_next_ex(p, &h, &frame), 1);
    CU_ASSERT_EQUAL_FATAL(pcap_next_ex(p, &h, &frame), 1);
    CU_ASSERT_TRUE_FATAL(view_of(frame + 14, h->caplen - 14, 0, &v));
    CU_ASSERT_EQUAL_FATAL(v.payload_len, 0);
    CU_ASSERT_EQUAL_FATAL(v.tcp_flags & (PS_TCP_SYN | PS_TCP_RST), 0);
    CU_ASSERT_TRUE_FATAL(ndpi_witness_attach(witness, &state, true));
    size_t bytes = ndpi_witness_bytes(witness);
    for (unsigned i = 0; i < 2 * PS_NDPI_PACKET_BUDGET; i++)
        CU_ASSERT_FALSE(ndpi_witness_feed(witness, &state, &v, true));
    CU_ASSERT_EQUAL(ndpi_witness_bytes(witness), bytes); /* nDPI never read them */
    ndpi_witness_finish(witness, &state, NULL, NULL, NULL, NULL);
    CU_ASSERT_PTR_NULL(state);
    pcap_close(p);
}

/* Whether v came from the conversation's client: the sender of its first packet, which
 * sets in's transport and endpoints. */
static bool sent_by_client(struct classify_input *in, const struct packet_view *v)
{
    if (!in->transport) {
        in->transport = v->transport;
        in->client = v->src, in->client_port = v->sport;
        in->server = v->dst, in->server_port = v->dport;
    }
    return addr_compare(&v->src, &in->client) == 0 && v->sport == in->client_port;
}

/*
 * nDPI's state is freed the moment nDPI is done, not when the flow is
 * classified: on OpenSSH's exchange the witness holds nDPI's flow struct
 * (688 bytes) and its TCP buffers while reading, then only what it
 * concluded (the label, two banners and two HASSH) until finish, which
 * gives the same evidence and detail as before and returns every byte.
 */
static void test_state_freed_when_done(void)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(DATA "ssh-22.pcap", errbuf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    size_t before = ndpi_witness_bytes(witness), reading = 0, kept = 0;
    struct ndpi_witness_flow *state = NULL;
    struct classify_input in;
    memset(&in, 0, sizeof in);
    struct pcap_pkthdr *h;
    const u_char *frame;
    bool done = false;
    while (!done && pcap_next_ex(p, &h, &frame) == 1) {
        struct packet_view v;
        if (!view_of(frame + 14, h->caplen - 14, 0, &v))
            continue;
        bool from_client = sent_by_client(&in, &v);
        done = ndpi_witness_feed(witness, &state, &v, from_client);
        size_t now = ndpi_witness_bytes(witness) - before;
        if (!done && now > reading)
            reading = now;
        if (done)
            kept = now;
    }
    pcap_close(p);
    CU_ASSERT_TRUE_FATAL(done);
    CU_ASSERT_PTR_NOT_NULL(state);
    CU_ASSERT_TRUE(reading >= 688 + 2048); /* the flow struct and nDPI's TCP buffer */
    CU_ASSERT_TRUE(kept > 0);
    CU_ASSERT_TRUE(kept < 512); /* the conclusions: nDPI's state is gone */
    struct run r;
    memset(&r, 0, sizeof r);
    ndpi_witness_finish(witness, &state, &in, &r.detail, collect, &r);
    CU_ASSERT_PTR_NULL(state);
    CU_ASSERT_EQUAL(ndpi_witness_bytes(witness), before);
    assert_one(&r, "ssh", "", "ndpi:SSH");
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh, HASSH_OPENSSH_CLIENT);
    CU_ASSERT_STRING_EQUAL(r.detail.ssh.hassh_server, HASSH_OPENSSH_SERVER);
    CU_ASSERT_TRUE(strncmp(r.detail.ssh.server_banner, "SSH-2.0-OpenSSH", 15) == 0);
}

/*
 * The engine attaches nDPI from a flow's first payload, after the handshake
 * went by. nDPI 4.2 names FTP_DATA only on a connection it saw begin, so the
 * witness must be told the handshake was seen. pcaps/standard.pcap holds
 * vsftpd's active-mode data connections (from port 20, with handshakes): fed
 * from their first payload with the handshake announced they are FTP_DATA,
 * as when every packet is fed; without the announcement nDPI says nothing.
 */
enum ftp_feed { FEED_ALL, FEED_PAYLOAD_AFTER_HANDSHAKE, FEED_PAYLOAD_ONLY };

static int ftp_data_evidence(enum ftp_feed how)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline("pcaps/standard.pcap", errbuf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    struct bpf_program prog;
    CU_ASSERT_EQUAL_FATAL(pcap_compile(p, &prog, "tcp port 20", 1, PCAP_NETMASK_UNKNOWN), 0);
    CU_ASSERT_EQUAL_FATAL(pcap_setfilter(p, &prog), 0);
    pcap_freecode(&prog);
    struct ndpi_witness_flow *state = NULL;
    struct classify_input in;
    memset(&in, 0, sizeof in);
    struct pcap_pkthdr *h;
    const u_char *frame;
    bool done = false;
    while (!done && pcap_next_ex(p, &h, &frame) == 1) {
        struct packet_view v;
        if (!view_of(frame + 14, h->caplen - 14, 0, &v))
            continue;
        /* the first data connection's SYN: its sender is the client */
        bool from_client = sent_by_client(&in, &v);
        bool from_server = addr_compare(&v.src, &in.server) == 0 && v.sport == in.server_port;
        if (!from_client && !from_server)
            continue; /* another data connection */
        uint32_t l4 = (uint32_t)(v.l3[0] & 15) * 4;
        bool payload = v.l3_len > l4 + (uint32_t)(v.l3[l4 + 12] >> 4) * 4;
        if (how != FEED_ALL && !payload)
            continue;
        if (!state && how != FEED_ALL)
            CU_ASSERT_TRUE_FATAL(
                ndpi_witness_attach(witness, &state, how == FEED_PAYLOAD_AFTER_HANDSHAKE));
        done = ndpi_witness_feed(witness, &state, &v, from_client);
    }
    pcap_close(p);
    struct run r;
    memset(&r, 0, sizeof r);
    ndpi_witness_finish(witness, &state, &in, NULL, collect, &r);
    if (r.n_ev == 1) {
        CU_ASSERT_STRING_EQUAL(r.ev[0].service, "ftp-data");
        CU_ASSERT_STRING_EQUAL(r.ev[0].rule, "ndpi:FTP_DATA");
    }
    return r.n_ev;
}

static void test_handshake_seen(void)
{
    CU_ASSERT_EQUAL(ftp_data_evidence(FEED_ALL), 1);
    CU_ASSERT_EQUAL(ftp_data_evidence(FEED_PAYLOAD_AFTER_HANDSHAKE), 1);
    CU_ASSERT_EQUAL(ftp_data_evidence(FEED_PAYLOAD_ONLY), 0);
}

/* Read packet n (from 1) of a capture into buf; fills v. */
static bool packet_of(const char *path, int n, uint8_t *buf, size_t cap, struct packet_view *v)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p)
        return false;
    struct pcap_pkthdr *h;
    const u_char *frame;
    bool ok = false;
    for (int i = 0; i < n && pcap_next_ex(p, &h, &frame) == 1; i++)
        ok = i == n - 1 && h->caplen > 14 && h->caplen - 14 <= cap;
    if (ok) {
        memcpy(buf, frame + 14, h->caplen - 14);
        ok = view_of(buf, h->caplen - 14, 0, v);
    }
    pcap_close(p);
    return ok;
}

/*
 * A UDP packet in a TCP flow's state (the flow table never does this) is not
 * given to nDPI: after TCP payload nDPI holds a reassembly buffer, and a UDP
 * packet would make it forget that buffer, a leak the AddressSanitizer build
 * reports. Then the flow goes on as the TCP flow it was.
 */
static void test_mixed_transport(void)
{
    static uint8_t bufs[3][2048];
    struct packet_view v;
    struct ndpi_witness_flow *state = NULL;
    /* The client's first segment of random bytes to 443: TCP payload nDPI cannot place. */
    CU_ASSERT_TRUE_FATAL(packet_of(DATA "random-443.pcap", 4, bufs[0], 2048, &v));
    CU_ASSERT_EQUAL_FATAL(v.transport, IPPROTO_TCP);
    CU_ASSERT_FALSE(ndpi_witness_feed(witness, &state, &v, true));
    CU_ASSERT_TRUE_FATAL(packet_of(DATA "dns-53.pcap", 1, bufs[1], 2048, &v));
    CU_ASSERT_FALSE(ndpi_witness_feed(witness, &state, &v, true));
    struct run r;
    memset(&r, 0, sizeof r);
    ndpi_witness_finish(witness, &state, NULL, &r.detail, collect, &r);
    CU_ASSERT_PTR_NULL(state);
    CU_ASSERT_EQUAL(r.n_ev, 0); /* the DNS query was not seen */

    for (int i = 1; i <= 4; i++) { /* SYN, SYN-ACK, ACK, ClientHello; then the DNS query */
        CU_ASSERT_TRUE_FATAL(packet_of(DATA "tls-sni-443.pcap", i, bufs[2], 2048, &v));
        ndpi_witness_feed(witness, &state, &v, i != 2);
    }
    CU_ASSERT_TRUE_FATAL(packet_of(DATA "dns-53.pcap", 1, bufs[1], 2048, &v));
    ndpi_witness_feed(witness, &state, &v, true);
    ndpi_witness_finish(witness, &state, NULL, &r.detail, collect, &r);
    CU_ASSERT_PTR_NULL(state);
    assert_one(&r, "http", "tls", "ndpi:TLS");
}

/* ---- (6) the map file ---------------------------------------------------------------- */

/* Write text to a temporary map file; path receives its name. */
static void write_map(const char *text, char path[64])
{
    snprintf(path, 64, "/tmp/ps-ndpi-map-XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* Create a witness from text; NULL on error (err then holds the message). */
static struct ndpi_witness *witness_from(const char *text, char *err, size_t errlen)
{
    char path[64];
    write_map(text, path);
    struct ndpi_witness *w = ndpi_witness_create(path, err, errlen);
    unlink(path);
    return w;
}

/* The error names the file and line, and says why. */
static void assert_map_error(const char *text, const char *line_tag, const char *why)
{
    char err[256] = "";
    CU_ASSERT_PTR_NULL(witness_from(text, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/tmp/ps-ndpi-map-"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, line_tag));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
}

static void test_map_errors(void)
{
    assert_map_error("# comment\n\nSSH,ssh\nNoSuchProto,x\n", ":4: ", "not an nDPI protocol");
    assert_map_error("SSH\n", ":1: ", "got 1 field");
    assert_map_error("SSH,ssh,tls,extra\n", ":1: ", "got 4 fields");
    assert_map_error("  # indented comment\nSSH,ssh,ipsec\n", ":2: ", "tunnel");
    assert_map_error("SSH,ssh\nSSH,ssh2\n", ":2: ", "mapped twice");
    assert_map_error("SSH,has space\n", ":1: ", "bad service name");
    assert_map_error("DNS/sctp,domain\n", ":1: ", "/tcp or /udp");
    assert_map_error("ssh,ssh\n", ":1: ", "not an nDPI protocol"); /* names are exact */
    assert_map_error("Skype_Teams,-,tls\n", ":1: ", "tunnel");
    char longline[PS_NDPI_MAP_MAX_LINE + 40];
    memset(longline, 'a', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    char text[sizeof longline + 16];
    snprintf(text, sizeof text, "SSH,ssh\n%s", longline);
    assert_map_error(text, ":2: ", "longer than");
    char err[256] = "";
    CU_ASSERT_PTR_NULL(ndpi_witness_create("/nonexistent/ndpi-map.csv", err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ndpi-map.csv"));
}

/* Transport rows win over plain ones; unmapped names are lowercased; spaces and CRLF are fine. */
static void test_map_rows(void)
{
    char err[256] = "";
    struct ndpi_witness *w =
        witness_from(" DNS , plain-dns \r\nDNS/tcp,tcp-dns\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    struct run r;
    run_capture_with(w, DATA "dns-53.pcap", NULL, &r);
    assert_one(&r, "plain-dns", "", "ndpi:DNS");
    ndpi_witness_destroy(w);

    w = witness_from("DNS,plain-dns\nDNS/udp,udp-dns\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    run_capture_with(w, DATA "dns-53.pcap", NULL, &r);
    assert_one(&r, "udp-dns", "", "ndpi:DNS");
    ndpi_witness_destroy(w);

    w = witness_from("# nothing mapped\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    run_capture_with(w, DATA "dns-53.pcap", NULL, &r);
    assert_one(&r, "dns", "", "ndpi:DNS");
    run_capture_with(w, DATA "ftp-login-2121.pcap", NULL, &r);
    assert_one(&r, "ftp_control", "", "ndpi:FTP_CONTROL");
    ndpi_witness_destroy(w);
}

/* The shipped map loads and names the services the inventory expects. */
static void test_shipped_map(void)
{
    struct run r;
    run_capture("ftp-login-2121.pcap", &r);
    assert_one(&r, "ftp", "", "ndpi:FTP_CONTROL");
    FILE *f = fopen(MAP_PATH, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char line[PS_NDPI_MAP_MAX_LINE + 2];
    int rows = 0;
    bool imaps = false, smb = false;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        rows++;
        imaps |= strcmp(line, "IMAPS,imap,tls\n") == 0;
        smb |= strcmp(line, "SMBv23,microsoft-ds\n") == 0;
    }
    fclose(f);
    CU_ASSERT_TRUE(rows > 100);
    CU_ASSERT_TRUE(imaps);
    CU_ASSERT_TRUE(smb);
}

/* ---- one module per thread ----------------------------------------------------------- */

struct thread_job {
    const char *capture;
    struct run r;
    bool created;
};

static void *thread_main(void *arg)
{
    struct thread_job *job = arg;
    char err[256];
    struct ndpi_witness *w = ndpi_witness_create(MAP_PATH, err, sizeof err);
    job->created = w != NULL;
    if (w) {
        for (int i = 0; i < 20; i++)
            run_capture_with(w, job->capture, NULL, &job->r);
        ndpi_witness_destroy(w);
    }
    return NULL;
}

static void test_two_threads(void)
{
    struct thread_job jobs[2] = {{.capture = DATA "ssh-22.pcap"}, {.capture = DATA "http-22.pcap"}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CU_ASSERT_TRUE(jobs[0].created && jobs[1].created);
    assert_one(&jobs[0].r, "ssh", "", "ndpi:SSH");
    assert_one(&jobs[1].r, "http", "", "ndpi:HTTP");
}

void suite_witness_ndpi(void)
{
    UNIT_SUITE(
        "witness_ndpi", suite_init, suite_cleanup, {"ssh on 22", test_ssh_on_22},
        {"ssh banners by side", test_ssh_sides}, {"ssh address order", test_ssh_address_order},
        {"ssh roles swapped", test_ssh_roles_swapped}, {"http on 22", test_http_on_22},
        {"http website on 22", test_http_website_on_22},
        {"port guess is no evidence", test_port_guess_is_no_evidence},
        {"dns udp 53", test_dns_udp_53}, {"tls sni", test_tls_sni}, {"tls 1.3", test_tls13},
        {"detail only fills empty", test_detail_only_fills_empty},
        {"tls named by port", test_tls_named_by_port}, {"plain imap", test_plain_imap},
        {"ftp on 2121", test_ftp_on_2121}, {"redis on 443", test_redis_on_443},
        {"snmp heuristic", test_snmp_heuristic}, {"dns on 5300", test_dns_on_5300},
        {"state freed", test_state_freed}, {"state freed when done", test_state_freed_when_done},
        {"handshake seen", test_handshake_seen}, {"mixed transport", test_mixed_transport},
        {"map errors", test_map_errors}, {"map rows", test_map_rows},
        {"shipped map", test_shipped_map}, {"two threads", test_two_threads});
}
