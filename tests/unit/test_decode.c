/*
 * test_decode.c - the decoder on real captures and on bytes derived from them.
 *
 * Real: tests/data/decode/make-captures.sh records tiny TCP conversations
 * (an "SSH-2.0-portsleuth_test" banner answered by "hello") between two
 * network namespaces on Ethernet, Linux cooked v1/v2 and VXLAN, and
 * fragmented UDP over IPv4 and IPv6. Derived: craft.py wraps the same real
 * packets in the links and tunnels this kernel cannot make (VLAN, QinQ, MPLS,
 * PPPoE, GRE, IP-in-IP, BSD loopback, raw IP, IPv6 extension headers, IPv4
 * options). Every case must find the same inner conversation. Malformed
 * cases are built here by cutting or patching those real frames.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "unit.h"

#define DATA "tests/data/decode/"
#define MAX_FRAMES 64
#define BANNER "SSH-2.0-portsleuth_test\r\n"
#define HELLO "hello\r\n"
#define FRAG_PAYLOAD 3000u

struct frames {
    int linktype;
    unsigned n;
    uint8_t *data[MAX_FRAMES];
    uint32_t len[MAX_FRAMES];
    uint64_t ts[MAX_FRAMES];
};

static struct frames *load(const char *name)
{
    char path[256], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, DATA "%s", name);
    pcap_t *p = pcap_open_offline(path, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    struct frames *f = calloc(1, sizeof *f);
    f->linktype = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *d;
    while (f->n < MAX_FRAMES && pcap_next_ex(p, &h, &d) == 1) {
        f->data[f->n] = malloc(h->caplen);
        memcpy(f->data[f->n], d, h->caplen);
        f->len[f->n] = h->caplen;
        f->ts[f->n] = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        f->n++;
    }
    pcap_close(p);
    CU_ASSERT_FATAL(f->n > 0);
    return f;
}

static void release(struct frames *f)
{
    for (unsigned i = 0; i < f->n; i++)
        free(f->data[i]);
    free(f);
}

static const char *text(const struct ps_addr *a)
{
    static char buf[4][PS_ADDR_TEXT_MAX];
    static int i;
    return addr_to_text(a, buf[i++ & 3]);
}

static enum decode_result dec(struct decoder *d, int lt, const uint8_t *p, uint32_t caplen,
                              uint32_t wire, struct packet_view *v)
{
    return decoder_decode(d, lt, p, caplen, wire, 1000000, v);
}

/* The single event one decode of (p, caplen, wire) counts, or DECODE_EV_COUNT. */
static enum decode_event event_of(int lt, const uint8_t *p, uint32_t caplen, uint32_t wire,
                                  enum decode_result *r)
{
    struct decoder *d = decoder_create();
    struct packet_view v;
    enum decode_result res = dec(d, lt, p, caplen, wire, &v);
    if (r)
        *r = res;
    enum decode_event ev = DECODE_EV_COUNT;
    for (int i = 0; i < DECODE_EV_COUNT; i++)
        if (decoder_stats(d)->events[i]) {
            CU_ASSERT_EQUAL(ev, DECODE_EV_COUNT); /* only one */
            ev = (enum decode_event)i;
        }
    decoder_destroy(d);
    return ev;
}

struct expect {
    const char *file;
    const char *client, *server;
    uint16_t port;
    uint8_t encap;
    uint16_t vlan0, vlan1;
    uint8_t vlans;
    int linktype; /* decode as this link type instead of the file's (0: the file's) */
};

/*
 * Every TCP frame of the conversation decodes to the same endpoints; the
 * banner comes from the server port, "hello" goes to it.
 */
static void conversation(const struct expect *e)
{
    struct frames *f = load(e->file);
    if (e->linktype)
        f->linktype = e->linktype;
    struct decoder *d = decoder_create();
    unsigned ok = 0, banner = 0, hello = 0, syn = 0;
    for (unsigned i = 0; i < f->n; i++) {
        struct packet_view v;
        enum decode_result r = dec(d, f->linktype, f->data[i], f->len[i], f->len[i], &v);
        CU_ASSERT(r == DECODE_OK || r == DECODE_OTHER);
        if (r != DECODE_OK)
            continue;
        ok++;
        CU_ASSERT_EQUAL(v.transport, IPPROTO_TCP);
        CU_ASSERT_EQUAL(v.encap, e->encap);
        CU_ASSERT_EQUAL(v.vlan_count, e->vlans);
        CU_ASSERT_EQUAL(v.vlan[0], e->vlan0);
        CU_ASSERT_EQUAL(v.vlan[1], e->vlan1);
        bool to_server = v.dport == e->port;
        CU_ASSERT(to_server || v.sport == e->port);
        CU_ASSERT_STRING_EQUAL(text(to_server ? &v.src : &v.dst), e->client);
        CU_ASSERT_STRING_EQUAL(text(to_server ? &v.dst : &v.src), e->server);
        CU_ASSERT_PTR_NOT_NULL(v.l3);
        CU_ASSERT((v.l3[0] >> 4) == (v.src.family == 4 ? 4 : 6));
        CU_ASSERT_EQUAL(v.payload_len, v.payload_wire_len);
        if (to_server && v.tcp_flags == PS_TCP_SYN)
            syn++;
        if (!to_server && v.payload_len == strlen(BANNER) &&
            memcmp(v.payload, BANNER, v.payload_len) == 0)
            banner++;
        if (to_server && v.payload_len == strlen(HELLO) &&
            memcmp(v.payload, HELLO, v.payload_len) == 0)
            hello++;
    }
    CU_ASSERT(ok >= 10);
    CU_ASSERT_EQUAL(syn, 1);
    CU_ASSERT_EQUAL(banner, 1);
    CU_ASSERT_EQUAL(hello, 1);
    CU_ASSERT_EQUAL(decoder_stats(d)->malformed, 0);
    CU_ASSERT_EQUAL(decoder_stats(d)->packets, f->n);
    CU_ASSERT_EQUAL(decoder_stats(d)->ok, ok);
    decoder_destroy(d);
    release(f);
}

static void conv(const char *file, const char *client, const char *server, uint16_t port,
                 uint8_t encap)
{
    conversation(&(struct expect){
        .file = file, .client = client, .server = server, .port = port, .encap = encap});
}

#define V4C "10.99.1.1"
#define V4S "10.99.1.2"
#define V6C "fd00:99::1"
#define V6S "fd00:99::2"

static void test_ethernet(void)
{
    conv("eth_tcp4.pcap", V4C, V4S, 2201, 0);
    conv("eth_tcp6.pcap", V6C, V6S, 2202, 0);
    conv("nano_tcp4.pcap", V4C, V4S, 2205, 0);
    conv("opts_tcp4.pcap", V4C, V4S, 2201, 0);
}

static void test_linux_cooked(void)
{
    conv("sll_tcp4.pcap", V4C, V4S, 2204, 0);
    conv("sll2_tcp4.pcap", V4C, V4S, 2203, 0);
}

static void test_bsd_loopback_and_raw(void)
{
    conv("null_tcp4.pcap", V4C, V4S, 2201, 0);
    conv("null_tcp6.pcap", V6C, V6S, 2202, 0);
    conv("loop_tcp6.pcap", V6C, V6S, 2202, 0);
    conv("raw_tcp4.pcap", V4C, V4S, 2201, 0);
    conv("raw_tcp6.pcap", V6C, V6S, 2202, 0);
    conv("ipv4_tcp4.pcap", V4C, V4S, 2201, 0);
    conv("ipv6_tcp6.pcap", V6C, V6S, 2202, 0);
    /* Raw IP as a pcapng interface names it (LINKTYPE_RAW, which libpcap maps to DLT_RAW):
       capture_pcapng.c hands frames on with the file's number. */
    conversation(&(struct expect){
        .file = "raw_tcp4.pcap", .client = V4C, .server = V4S, .port = 2201, .linktype = 101});
    conversation(&(struct expect){
        .file = "raw_tcp6.pcap", .client = V6C, .server = V6S, .port = 2202, .linktype = 101});
}

static void test_vlan_mpls_pppoe(void)
{
    conversation(&(struct expect){.file = "vlan_tcp4.pcap",
                                  .client = V4C,
                                  .server = V4S,
                                  .port = 2201,
                                  .encap = ENCAP_VLAN,
                                  .vlan0 = 10,
                                  .vlans = 1});
    conversation(&(struct expect){.file = "qinq_tcp4.pcap",
                                  .client = V4C,
                                  .server = V4S,
                                  .port = 2201,
                                  .encap = ENCAP_VLAN,
                                  .vlan0 = 200,
                                  .vlan1 = 100,
                                  .vlans = 2});
    conv("mpls_tcp4.pcap", V4C, V4S, 2201, ENCAP_MPLS);
    conv("mplspw_tcp4.pcap", V4C, V4S, 2201, ENCAP_MPLS);
    conv("pppoe_tcp4.pcap", V4C, V4S, 2201, ENCAP_PPPOE);
    conv("pppoe_tcp6.pcap", V6C, V6S, 2202, ENCAP_PPPOE);
}

static void test_tunnels(void)
{
    conv("vxlan_tcp4.pcap", "10.99.33.1", "10.99.33.2", 2233, ENCAP_VXLAN);
    conv("gre_tcp4.pcap", V4C, V4S, 2201, ENCAP_GRE);
    conv("gretap_tcp4.pcap", V4C, V4S, 2201, ENCAP_GRE);
    conv("ip6gre_tcp4.pcap", V4C, V4S, 2201, ENCAP_GRE);
    conv("ipip_tcp4.pcap", V4C, V4S, 2201, ENCAP_IPIP);
    conv("sit_tcp6.pcap", V6C, V6S, 2202, ENCAP_IPIP);
    conv("ip4in6_tcp4.pcap", V4C, V4S, 2201, ENCAP_IPIP);
}

static void test_ipv6_extension_headers(void)
{
    conv("ext6_tcp6.pcap", V6C, V6S, 2202, 0);
    /* l3 is the IPv6 header, whose next header is hop-by-hop. */
    struct frames *f = load("ext6_tcp6.pcap");
    struct packet_view v;
    struct decoder *d = decoder_create();
    CU_ASSERT_EQUAL(dec(d, f->linktype, f->data[0], f->len[0], f->len[0], &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.l3[6], 0);
    CU_ASSERT_EQUAL(v.l3_len, f->len[0] - 14);
    decoder_destroy(d);

    /* Nine destination-options headers: more than PS_MAX_IPV6_EXT_HEADERS. */
    struct frames *t = load("eth_tcp6.pcap");
    uint8_t buf[512];
    uint32_t n = t->len[0];
    memcpy(buf, t->data[0], 54);
    uint8_t next = buf[20];
    buf[20] = 60;
    uint32_t at = 54;
    for (int i = 0; i < 9; i++, at += 8) {
        memset(buf + at, 0, 8);
        buf[at] = i == 8 ? next : 60;
        buf[at + 2] = 1; /* PadN of 4 */
        buf[at + 3] = 4;
    }
    memcpy(buf + at, t->data[0] + 54, n - 54);
    uint32_t plen = (uint32_t)(at - 54 + n - 54);
    buf[18] = (uint8_t)(plen >> 8);
    buf[19] = (uint8_t)plen;
    CU_ASSERT_EQUAL(event_of(1, buf, at + n - 54, at + n - 54, NULL), DECODE_EV_IPV6_TOO_MANY_EXT);
    /* Snapped in the middle of the extension headers. */
    CU_ASSERT_EQUAL(event_of(1, buf, 54 + 12, at + n - 54, NULL), DECODE_EV_IPV6_EXT_TRUNCATED);
    CU_ASSERT_EQUAL(event_of(1, f->data[0], 54 + 4, f->len[0], NULL), DECODE_EV_IPV6_EXT_TRUNCATED);
    /* Next header 59: nothing follows. */
    memcpy(buf, t->data[0], n);
    buf[20] = 59;
    enum decode_result r;
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, &r), DECODE_EV_COUNT);
    CU_ASSERT_EQUAL(r, DECODE_OTHER);
    release(t);
    release(f);
}

/* Frame 3 of eth_tcp4.pcap is the server's banner: Ethernet, IPv4, TCP with 12 option bytes. */
static void test_truncation_every_byte(void)
{
    struct frames *f = load("eth_tcp4.pcap");
    const uint8_t *p = f->data[3];
    uint32_t len = f->len[3];
    CU_ASSERT_EQUAL_FATAL(len, 14 + 20 + 32 + strlen(BANNER));
    for (uint32_t k = 0; k < len; k++) {
        enum decode_result r;
        /* Snapped: the wire had the whole frame. */
        enum decode_event ev = event_of(DLT_EN10MB, p, k, len, &r);
        enum decode_event want = k < 14   ? DECODE_EV_ETH_TRUNCATED
                                 : k < 34 ? DECODE_EV_IPV4_TRUNCATED
                                 : k < 66 ? DECODE_EV_TCP_TRUNCATED
                                          : DECODE_EV_PAYLOAD_SNAPPED;
        CU_ASSERT_EQUAL(ev, want);
        CU_ASSERT_EQUAL(r, k < 66 ? DECODE_MALFORMED : DECODE_OK);
        /* Cut on the wire too: the IP total length cannot be true. */
        ev = event_of(DLT_EN10MB, p, k, k, &r);
        CU_ASSERT_EQUAL(r, DECODE_MALFORMED);
        if (k >= 34) {
            CU_ASSERT_EQUAL(ev, DECODE_EV_IPV4_BAD_TOTAL_LEN);
        }
    }
    struct decoder *d = decoder_create();
    struct packet_view v;
    CU_ASSERT_EQUAL(dec(d, DLT_EN10MB, p, len - 10, len, &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.payload_len, strlen(BANNER) - 10);
    CU_ASSERT_EQUAL(v.payload_wire_len, strlen(BANNER));
    CU_ASSERT_EQUAL(v.wire_len, len);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_PAYLOAD_SNAPPED], 1);
    decoder_destroy(d);
    release(f);
}

/* Cut every derived capture at every byte: each layer reports its own truncation. */
static void snaps(const char *file, uint32_t from, uint32_t to, enum decode_event want)
{
    struct frames *f = load(file);
    for (uint32_t k = from; k < to; k++)
        CU_ASSERT_EQUAL(event_of(f->linktype, f->data[3], k, f->len[3], NULL), want);
    /* And nothing, anywhere, makes the decoder read past what it was given. */
    for (uint32_t k = 0; k < f->len[3]; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, f->data[3], k);
        event_of(f->linktype, copy, k, k, NULL);
        event_of(f->linktype, copy, k, f->len[3], NULL);
        free(copy);
    }
    release(f);
}

static void test_truncation_each_layer(void)
{
    snaps("vlan_tcp4.pcap", 14, 18, DECODE_EV_VLAN_TRUNCATED);
    snaps("qinq_tcp4.pcap", 18, 22, DECODE_EV_VLAN_TRUNCATED);
    snaps("mpls_tcp4.pcap", 14, 23, DECODE_EV_MPLS_TRUNCATED);
    snaps("mplspw_tcp4.pcap", 18, 22, DECODE_EV_MPLS_TRUNCATED);
    snaps("mplspw_tcp4.pcap", 22, 36, DECODE_EV_ETH_TRUNCATED);
    snaps("pppoe_tcp4.pcap", 14, 22, DECODE_EV_PPPOE_TRUNCATED);
    snaps("sll_tcp4.pcap", 0, 16, DECODE_EV_SLL_TRUNCATED);
    snaps("sll2_tcp4.pcap", 0, 20, DECODE_EV_SLL_TRUNCATED);
    snaps("null_tcp4.pcap", 0, 4, DECODE_EV_NULL_TRUNCATED);
    snaps("loop_tcp6.pcap", 0, 4, DECODE_EV_NULL_TRUNCATED);
    snaps("loop_tcp6.pcap", 4, 44, DECODE_EV_IPV6_TRUNCATED);
    snaps("gre_tcp4.pcap", 34, 50, DECODE_EV_GRE_TRUNCATED);
    snaps("gre_tcp4.pcap", 50, 70, DECODE_EV_IPV4_TRUNCATED);
    snaps("gretap_tcp4.pcap", 38, 52, DECODE_EV_ETH_TRUNCATED);
    snaps("ipip_tcp4.pcap", 34, 54, DECODE_EV_IPV4_TRUNCATED);
    snaps("sit_tcp6.pcap", 34, 74, DECODE_EV_IPV6_TRUNCATED);
    snaps("ext6_tcp6.pcap", 54, 102, DECODE_EV_IPV6_EXT_TRUNCATED); /* 8+8+8+24 bytes */
    snaps("ext6_tcp6.pcap", 102, 122, DECODE_EV_TCP_TRUNCATED);
    snaps("raw_tcp4.pcap", 0, 20, DECODE_EV_IPV4_TRUNCATED);
    snaps("opts_tcp4.pcap", 14, 42, DECODE_EV_IPV4_TRUNCATED);
    snaps("ipv6_tcp6.pcap", 0, 40, DECODE_EV_IPV6_TRUNCATED);
}

static void test_vxlan_and_udp(void)
{
    struct frames *f = load("vxlan_tcp4.pcap");
    /* Outer Ethernet 14 + IPv4 20 + UDP 8, then the 8-byte VXLAN header. */
    uint32_t i;
    for (i = 0; i < f->n; i++) {
        struct decoder *d = decoder_create();
        struct packet_view v;
        bool tcp = dec(d, 1, f->data[i], f->len[i], f->len[i], &v) == DECODE_OK;
        decoder_destroy(d);
        if (tcp)
            break;
    }
    CU_ASSERT_FATAL(i < f->n);
    for (uint32_t k = 42; k < 50; k++)
        CU_ASSERT_EQUAL(event_of(1, f->data[i], k, f->len[i], NULL), DECODE_EV_VXLAN_TRUNCATED);
    for (uint32_t k = 50; k < 64; k++)
        CU_ASSERT_EQUAL(event_of(1, f->data[i], k, f->len[i], NULL), DECODE_EV_ETH_TRUNCATED);
    /* Without the I flag it is ordinary UDP to port 4789. */
    uint8_t copy[2048];
    memcpy(copy, f->data[i], f->len[i]);
    copy[42] = 0;
    struct decoder *d = decoder_create();
    struct packet_view v;
    CU_ASSERT_EQUAL(dec(d, 1, copy, f->len[i], f->len[i], &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.transport, IPPROTO_UDP);
    CU_ASSERT_EQUAL(v.dport, 4789);
    CU_ASSERT_EQUAL(v.encap, 0);
    decoder_destroy(d);
    release(f);

    f = load("eth_udp4.pcap");
    d = decoder_create();
    CU_ASSERT_EQUAL(dec(d, 1, f->data[0], f->len[0], f->len[0], &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.transport, IPPROTO_UDP);
    CU_ASSERT_EQUAL(v.dport, 5353);
    CU_ASSERT_EQUAL(v.payload_len, 40);
    CU_ASSERT_EQUAL(v.payload[1], 7);
    decoder_destroy(d);
    for (uint32_t k = 34; k < 42; k++)
        CU_ASSERT_EQUAL(event_of(1, f->data[0], k, f->len[0], NULL), DECODE_EV_UDP_TRUNCATED);
    memcpy(copy, f->data[0], f->len[0]);
    copy[38] = 0, copy[39] = 7; /* UDP length below its header */
    CU_ASSERT_EQUAL(event_of(1, copy, f->len[0], f->len[0], NULL), DECODE_EV_UDP_BAD_LEN);
    copy[39] = 49; /* longer than the IP payload */
    CU_ASSERT_EQUAL(event_of(1, copy, f->len[0], f->len[0], NULL), DECODE_EV_UDP_BAD_LEN);
    copy[39] = 28; /* shorter: the rest is trailing bytes, not payload */
    d = decoder_create();
    CU_ASSERT_EQUAL(dec(d, 1, copy, f->len[0], f->len[0], &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.payload_len, 20);
    decoder_destroy(d);
    release(f);
}

static void test_padding_and_bad_headers(void)
{
    struct frames *f = load("eth_tcp4.pcap");
    uint8_t buf[256];
    uint32_t n = f->len[2]; /* the client's bare ACK, 66 bytes */
    memcpy(buf, f->data[2], n);
    memset(buf + n, 0xee, 10);
    struct decoder *d = decoder_create();
    struct packet_view v;
    CU_ASSERT_EQUAL(dec(d, 1, buf, n + 10, n + 10, &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.payload_len, 0);
    CU_ASSERT_EQUAL(v.l3_len, n - 14);
    CU_ASSERT_EQUAL(v.tcp_flags, PS_TCP_ACK);
    decoder_destroy(d);

    memcpy(buf, f->data[2], n);
    buf[14] = 0x55;
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_IPV4_BAD_VERSION);
    buf[14] = 0x44;
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_IPV4_BAD_IHL);
    buf[14] = 0x4f; /* 60-byte header in a 52-byte packet */
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_IPV4_BAD_TOTAL_LEN);
    buf[14] = 0x45;
    buf[46] = 0x40; /* TCP data offset 16 bytes */
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_TCP_BAD_OFFSET);
    buf[46] = 0xf0; /* 60 bytes, more than the segment */
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_TCP_BAD_OFFSET);
    release(f);

    f = load("eth_tcp6.pcap");
    memcpy(buf, f->data[2], f->len[2]);
    buf[14] = 0x40;
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[2], f->len[2], NULL), DECODE_EV_IPV6_BAD_VERSION);
    buf[14] = 0x60;
    buf[18] = 0x10; /* payload length 4096 */
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[2], f->len[2], NULL), DECODE_EV_IPV6_TRUNCATED);
    release(f);
}

static void test_not_tcp_udp(void)
{
    uint8_t arp[60];
    unit_hex("ffffffffffff 02aa00000001 0806 0001 0800 06 04 0001 02aa00000001 0a630101"
             "000000000000 0a630102",
             arp, sizeof arp);
    enum decode_result r;
    CU_ASSERT_EQUAL(event_of(1, arp, 42, 42, &r), DECODE_EV_COUNT);
    CU_ASSERT_EQUAL(r, DECODE_OTHER);
    struct frames *f = load("frag_udp4.pcap"); /* the ICMP port unreachable at the end */
    CU_ASSERT_EQUAL(event_of(1, f->data[f->n - 1], f->len[f->n - 1], f->len[f->n - 1], &r),
                    DECODE_EV_COUNT);
    CU_ASSERT_EQUAL(r, DECODE_OTHER);
    release(f);
    CU_ASSERT_EQUAL(event_of(9999, arp, 42, 42, &r), DECODE_EV_LINKTYPE_UNSUPPORTED);
    CU_ASSERT_EQUAL(r, DECODE_MALFORMED);
    CU_ASSERT_EQUAL(event_of(DLT_NULL, (const uint8_t *)"\x07\0\0\0\x45", 5, 5, &r),
                    DECODE_EV_COUNT);
    CU_ASSERT_EQUAL(r, DECODE_OTHER);
}

static void test_too_deep(void)
{
    struct frames *f = load("eth_tcp4.pcap");
    uint8_t buf[512];
    /* Three VLAN tags. */
    memcpy(buf, f->data[0], 12);
    unit_hex("8100 0001 8100 0002 8100 0003", buf + 12, 12);
    memcpy(buf + 24, f->data[0] + 12, f->len[0] - 12);
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[0] + 12, f->len[0] + 12, NULL),
                    DECODE_EV_VLAN_TOO_DEEP);
    /* Nine MPLS labels, none at the bottom. */
    memcpy(buf, f->data[0], 12);
    buf[12] = 0x88, buf[13] = 0x47;
    for (int i = 0; i < 9; i++)
        unit_hex("00064040", buf + 14 + 4 * i, 4);
    memcpy(buf + 50, f->data[0] + 14, f->len[0] - 14);
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[0] + 36, f->len[0] + 36, NULL),
                    DECODE_EV_MPLS_TOO_DEEP);
    /* IPv4 in IPv4 nine times over. */
    uint32_t len = f->len[0] - 14;
    memcpy(buf + 9 * 20, f->data[0] + 14, len);
    for (int i = 8; i >= 0; i--) {
        uint8_t *h = buf + i * 20;
        memcpy(h, f->data[0] + 14, 20);
        len += 20;
        h[2] = (uint8_t)(len >> 8), h[3] = (uint8_t)len, h[9] = 4;
    }
    CU_ASSERT_EQUAL(event_of(DLT_RAW, buf, len, len, NULL), DECODE_EV_ENCAP_TOO_DEEP);
    /* Eight levels are fine. */
    struct decoder *d = decoder_create();
    struct packet_view v;
    CU_ASSERT_EQUAL(dec(d, DLT_RAW, buf + 20, len - 20, len - 20, &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.encap, ENCAP_IPIP);
    decoder_destroy(d);
    release(f);
}

static void test_gre_unsupported(void)
{
    struct frames *f = load("gretap_tcp4.pcap");
    uint8_t buf[512];
    memcpy(buf, f->data[0], f->len[0]);
    buf[35] = 0x01; /* version 1 (PPTP) */
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[0], f->len[0], NULL), DECODE_EV_GRE_UNSUPPORTED);
    buf[35] = 0x00;
    buf[36] = 0x88, buf[37] = 0x0b; /* PPP */
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[0], f->len[0], NULL), DECODE_EV_GRE_UNSUPPORTED);
    buf[34] = 0x40, buf[36] = 0x65, buf[37] = 0x58; /* source routing */
    CU_ASSERT_EQUAL(event_of(1, buf, f->len[0], f->len[0], NULL), DECODE_EV_GRE_UNSUPPORTED);
    release(f);
}

/* ---- fragments ----------------------------------------------------------------------- */

static uint8_t pattern(uint32_t i)
{
    return (uint8_t)((i * 7) & 0xff); /* what traffic.py sends */
}

/* Feed frames in the given order; the last must complete the datagram. */
static void reassemble(const char *file, const unsigned *order, unsigned n, unsigned overlaps)
{
    struct frames *f = load(file);
    struct decoder *d = decoder_create();
    struct packet_view v;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = order[i];
        enum decode_result r = dec(d, f->linktype, f->data[k], f->len[k], f->len[k], &v);
        CU_ASSERT_EQUAL(r, i + 1 < n ? DECODE_FRAGMENT_HELD : DECODE_OK);
    }
    CU_ASSERT_EQUAL(v.transport, IPPROTO_UDP);
    CU_ASSERT_EQUAL(v.dport, 5353);
    CU_ASSERT_EQUAL(v.encap, ENCAP_FRAGMENTED);
    CU_ASSERT_EQUAL_FATAL(v.payload_len, FRAG_PAYLOAD);
    CU_ASSERT_EQUAL(v.payload_wire_len, FRAG_PAYLOAD);
    bool same = true;
    for (uint32_t i = 0; i < FRAG_PAYLOAD; i++)
        same = same && v.payload[i] == pattern(i);
    CU_ASSERT(same);
    if (v.src.family == 4) {
        CU_ASSERT_STRING_EQUAL(text(&v.src), V4C);
        CU_ASSERT_EQUAL(v.l3_len, 20 + 8 + FRAG_PAYLOAD);
        CU_ASSERT_EQUAL((v.l3[2] << 8 | v.l3[3]), 20 + 8 + FRAG_PAYLOAD);
        CU_ASSERT_EQUAL(v.l3[6] & 0x3f, 0);
        CU_ASSERT_EQUAL(v.l3[7], 0);
    } else {
        CU_ASSERT_STRING_EQUAL(text(&v.src), V6C);
        CU_ASSERT_EQUAL(v.l3_len, 40 + 8 + FRAG_PAYLOAD);
        CU_ASSERT_EQUAL(v.l3[6], IPPROTO_UDP);
    }
    const struct decode_stats *s = decoder_stats(d);
    CU_ASSERT_EQUAL(s->fragments, n);
    CU_ASSERT_EQUAL(s->reassembled, 1);
    CU_ASSERT_EQUAL(s->ok, 1);
    CU_ASSERT_EQUAL(s->events[DECODE_EV_FRAG_OVERLAP], overlaps);
    decoder_destroy(d);
    release(f);
}

static void test_fragments_order(void)
{
    reassemble("frag_udp4.pcap", (const unsigned[]){0, 1, 2}, 3, 0);
    reassemble("frag_udp4.pcap", (const unsigned[]){2, 1, 0}, 3, 0);
    reassemble("frag_udp4.pcap", (const unsigned[]){1, 2, 0}, 3, 0);
    reassemble("frag_udp6.pcap", (const unsigned[]){0, 1, 2}, 3, 0);
    reassemble("frag_udp6.pcap", (const unsigned[]){2, 0, 1}, 3, 0);
}

static void test_fragments_duplicated(void)
{
    reassemble("frag_udp4.pcap", (const unsigned[]){0, 0, 1, 2}, 4, 1);
    reassemble("frag_udp6.pcap", (const unsigned[]){1, 0, 1, 2}, 4, 1);
}

/*
 * A datagram in three fragments (f) and a forged fragment of frame_len bytes
 * whose 0xaa payload covers junk_len bytes from datagram offset foff, over
 * part of the middle one. Fed before and after the middle fragment: the one
 * that came first wins, and the overlap is counted.
 */
static void overlap_first_wins(struct frames *f, const uint8_t *forged, uint32_t frame_len,
                               uint32_t foff, uint32_t junk_len)
{
    for (int forged_first = 0; forged_first < 2; forged_first++) {
        struct decoder *d = decoder_create();
        struct packet_view v;
        CU_ASSERT_EQUAL(dec(d, 1, f->data[0], f->len[0], f->len[0], &v), DECODE_FRAGMENT_HELD);
        if (forged_first)
            CU_ASSERT_EQUAL(dec(d, 1, forged, frame_len, frame_len, &v), DECODE_FRAGMENT_HELD);
        CU_ASSERT_EQUAL(dec(d, 1, f->data[1], f->len[1], f->len[1], &v), DECODE_FRAGMENT_HELD);
        if (!forged_first)
            CU_ASSERT_EQUAL(dec(d, 1, forged, frame_len, frame_len, &v), DECODE_FRAGMENT_HELD);
        CU_ASSERT_EQUAL(dec(d, 1, f->data[2], f->len[2], f->len[2], &v), DECODE_OK);
        CU_ASSERT_EQUAL_FATAL(v.payload_len, FRAG_PAYLOAD);
        /* Payload index = datagram offset - 8 (the UDP header). */
        uint32_t wrong = 0;
        for (uint32_t i = 0; i < FRAG_PAYLOAD; i++) {
            bool in_forged = i + 8 >= foff && i + 8 < foff + junk_len;
            wrong += v.payload[i] != (forged_first && in_forged ? 0xaa : pattern(i));
        }
        CU_ASSERT_EQUAL(wrong, 0);
        CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_OVERLAP], 1);
        decoder_destroy(d);
    }
}

/* A forged fragment over part of the middle one: whichever came first wins. */
static void test_fragments_overlap(void)
{
    struct frames *f = load("frag_udp4.pcap");
    uint8_t forged[1600];
    uint32_t off = ((f->data[1][20] & 0x1f) << 8 | f->data[1][21]) * 8;
    memcpy(forged, f->data[1], 34);
    uint32_t flen = 800;
    forged[16] = (uint8_t)((20 + flen) >> 8), forged[17] = (uint8_t)(20 + flen);
    uint32_t foff = off + 8;
    forged[20] = (uint8_t)(0x20 | (foff / 8) >> 8), forged[21] = (uint8_t)(foff / 8);
    memset(forged + 34, 0xaa, flen);

    overlap_first_wins(f, forged, 34 + flen, foff, flen);
    release(f);
}

/*
 * The first fragment of f, then the others after the timeout: nothing is
 * reassembled and the timeout is counted; the first fragment sent again
 * within the timeout of the others completes the datagram into *v.
 */
static struct decoder *fragments_after_timeout(struct frames *f, struct packet_view *v)
{
    struct decoder *d = decoder_create();
    uint64_t t0 = 5000000000ull;
    uint64_t late = t0 + (PS_FRAG_TIMEOUT_S + 1) * 1000000ull;
    CU_ASSERT_EQUAL(decoder_decode(d, 1, f->data[0], f->len[0], f->len[0], t0, v),
                    DECODE_FRAGMENT_HELD);
    CU_ASSERT_EQUAL(decoder_decode(d, 1, f->data[1], f->len[1], f->len[1], late, v),
                    DECODE_FRAGMENT_HELD);
    CU_ASSERT_EQUAL(decoder_decode(d, 1, f->data[2], f->len[2], f->len[2], late, v),
                    DECODE_FRAGMENT_HELD);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_TIMEOUT], 1);
    CU_ASSERT_EQUAL(decoder_stats(d)->reassembled, 0);
    CU_ASSERT_EQUAL(decoder_decode(d, 1, f->data[0], f->len[0], f->len[0], late + 1, v), DECODE_OK);
    return d;
}

static void test_fragments_timeout(void)
{
    struct frames *f = load("frag_udp4.pcap");
    struct packet_view v;
    decoder_destroy(fragments_after_timeout(f, &v));
    release(f);
}

/* An IPv4 fragment of 8 bytes at off (in 8-byte units), built on a real header. */
static uint32_t tiny_fragment(const struct frames *f, uint8_t *buf, uint16_t id, uint32_t off,
                              bool more)
{
    memcpy(buf, f->data[0], 34);
    buf[16] = 0, buf[17] = 28;
    buf[18] = (uint8_t)(id >> 8), buf[19] = (uint8_t)id;
    buf[20] = (uint8_t)((more ? 0x20 : 0) | off >> 8), buf[21] = (uint8_t)off;
    memset(buf + 34, (int)off, 8);
    return 42;
}

static void test_fragments_too_many(void)
{
    struct frames *f = load("frag_udp4.pcap");
    uint8_t buf[128];
    struct packet_view v;
    /* More fragments than a datagram may have. */
    struct decoder *d = decoder_create();
    for (uint32_t i = 0; i < PS_FRAG_MAX_FRAGMENTS; i++) {
        uint32_t n = tiny_fragment(f, buf, 7, i, true);
        CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    }
    uint32_t n = tiny_fragment(f, buf, 7, PS_FRAG_MAX_FRAGMENTS, false);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_MALFORMED);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_TOO_MANY], 1);
    decoder_destroy(d);

    /* More datagrams than the table holds: the oldest goes. */
    d = decoder_create();
    for (uint32_t id = 0; id <= PS_FRAG_MAX_DATAGRAMS; id++) {
        n = tiny_fragment(f, buf, (uint16_t)id, 1, false);
        CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    }
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_TOO_MANY], 1);
    n = tiny_fragment(f, buf, 0, 0, true); /* id 0 was evicted: held again */
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    n = tiny_fragment(f, buf, PS_FRAG_MAX_DATAGRAMS, 0, true);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_MALFORMED); /* complete, but 16 bytes */
    CU_ASSERT_EQUAL(decoder_stats(d)->reassembled, 1);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_UDP_BAD_LEN], 1);
    decoder_destroy(d);

    /* Far-reaching fragments exhaust the byte budget before the table fills. */
    d = decoder_create();
    uint32_t far = (PS_MAX_IP_DATAGRAM - 100) / 8;
    for (uint32_t id = 0; id < PS_FRAG_MAX_DATAGRAMS; id++) {
        n = tiny_fragment(f, buf, (uint16_t)id, far, true);
        CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    }
    CU_ASSERT(decoder_stats(d)->events[DECODE_EV_FRAG_TOO_MANY] >=
              PS_FRAG_MAX_DATAGRAMS - PS_FRAG_MAX_BYTES / PS_MAX_IP_DATAGRAM);
    decoder_destroy(d);
    release(f);
}

static void test_fragments_bad(void)
{
    struct frames *f = load("frag_udp4.pcap");
    uint8_t buf[2048];
    memcpy(buf, f->data[0], f->len[0]);
    /* More fragments follow, but the length is not a multiple of 8. */
    uint32_t n = f->len[0] - 3;
    uint32_t total = n - 14;
    buf[16] = (uint8_t)(total >> 8), buf[17] = (uint8_t)total;
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_FRAG_BAD);
    /* Reaching past 65535 bytes. */
    n = tiny_fragment(f, buf, 9, 8191, false);
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_FRAG_BAD);
    /* Cut by the snap length: can never be completed. */
    CU_ASSERT_EQUAL(event_of(1, f->data[0], 600, f->len[0], NULL), DECODE_EV_PAYLOAD_SNAPPED);
    /* Two different ends. */
    struct decoder *d = decoder_create();
    struct packet_view v;
    n = tiny_fragment(f, buf, 9, 3, false);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    n = tiny_fragment(f, buf, 9, 5, false);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_MALFORMED);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_BAD], 1);
    decoder_destroy(d);
    release(f);
}

/* The datagram traffic.py sent, rebuilt: UDP to 5353 carrying FRAG_PAYLOAD pattern bytes. */
static void whole_datagram(const struct packet_view *v, uint8_t encap)
{
    CU_ASSERT_EQUAL(v->transport, IPPROTO_UDP);
    CU_ASSERT_EQUAL(v->dport, 5353);
    CU_ASSERT_EQUAL(v->encap, encap);
    CU_ASSERT_EQUAL_FATAL(v->payload_len, FRAG_PAYLOAD);
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < FRAG_PAYLOAD; i++)
        wrong += v->payload[i] != pattern(i);
    CU_ASSERT_EQUAL(wrong, 0);
}

/*
 * frag_udp6.pcap: three real fragments, Ethernet + IPv6 (40) + fragment header
 * (8, at byte 54) + data from byte 62: 1448 bytes at offset 0, 1448 at 1448,
 * 112 at 2896 (UDP header and FRAG_PAYLOAD bytes).
 */
#define FRAG6_HDR 54u
#define FRAG6_DATA 62u

/* An IPv6 fragment of frag_udp6.pcap's datagram with its own offset, M flag and data. */
static uint32_t fragment6(const struct frames *f, uint8_t *buf, uint32_t off, bool more,
                          const uint8_t *data, uint32_t len)
{
    memcpy(buf, f->data[0], FRAG6_DATA);
    uint32_t plen = 8 + len;
    buf[18] = (uint8_t)(plen >> 8), buf[19] = (uint8_t)plen;
    uint16_t off_flags = (uint16_t)(off | (more ? 1u : 0u));
    buf[FRAG6_HDR + 2] = (uint8_t)(off_flags >> 8), buf[FRAG6_HDR + 3] = (uint8_t)off_flags;
    memcpy(buf + FRAG6_DATA, data, len);
    return FRAG6_DATA + len;
}

/* A forged IPv6 fragment over part of the middle one: whichever came first wins. */
static void test_ipv6_fragments_overlap(void)
{
    struct frames *f = load("frag_udp6.pcap");
    CU_ASSERT_EQUAL_FATAL(f->data[1][FRAG6_HDR + 2] << 8 | f->data[1][FRAG6_HDR + 3], 1448 | 1);
    uint8_t junk[800], forged[1600];
    memset(junk, 0xaa, sizeof junk);
    uint32_t foff = 1448 + 8;
    uint32_t flen = fragment6(f, forged, foff, true, junk, sizeof junk);
    overlap_first_wins(f, forged, flen, foff, sizeof junk);
    release(f);
}

static void test_ipv6_fragments_timeout_and_bad(void)
{
    struct frames *f = load("frag_udp6.pcap");
    struct packet_view v;
    struct decoder *d = fragments_after_timeout(f, &v);
    whole_datagram(&v, ENCAP_FRAGMENTED);
    decoder_destroy(d);

    uint8_t buf[2048];
    const uint8_t *first = f->data[0] + FRAG6_DATA;
    /* More fragments follow, but the length is not a multiple of 8. */
    uint32_t n = fragment6(f, buf, 0, true, first, 1445);
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_FRAG_BAD);
    /* Reaching past 65535 bytes. */
    n = fragment6(f, buf, 65528, false, first, 16);
    CU_ASSERT_EQUAL(event_of(1, buf, n, n, NULL), DECODE_EV_FRAG_BAD);
    /* Cut by the snap length: can never be completed. */
    CU_ASSERT_EQUAL(event_of(1, f->data[0], 600, f->len[0], NULL), DECODE_EV_PAYLOAD_SNAPPED);
    /* Two different ends. */
    d = decoder_create();
    n = fragment6(f, buf, 24, false, first, 8);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_FRAGMENT_HELD);
    n = fragment6(f, buf, 40, false, first, 8);
    CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), DECODE_MALFORMED);
    CU_ASSERT_EQUAL(decoder_stats(d)->events[DECODE_EV_FRAG_BAD], 1);
    decoder_destroy(d);
    release(f);
}

/*
 * Extension headers before the fragment header (hop-by-hop, as RFC 8200 orders
 * them) stay in each fragment; the rebuilt datagram is a plain IPv6 header
 * followed by UDP.
 */
static void test_ipv6_fragments_after_hop_by_hop(void)
{
    struct frames *f = load("frag_udp6.pcap");
    struct decoder *d = decoder_create();
    struct packet_view v;
    uint8_t buf[2048];
    for (unsigned i = 0; i < 3; i++) {
        memcpy(buf, f->data[i], FRAG6_HDR);
        unit_hex("2c 00 01 04 00000000", buf + FRAG6_HDR, 8); /* next: fragment; PadN 4 */
        memcpy(buf + FRAG6_HDR + 8, f->data[i] + FRAG6_HDR, f->len[i] - FRAG6_HDR);
        buf[20] = 0; /* next: hop-by-hop */
        uint32_t plen = (uint32_t)(buf[18] << 8 | buf[19]) + 8;
        buf[18] = (uint8_t)(plen >> 8), buf[19] = (uint8_t)plen;
        enum decode_result r = dec(d, 1, buf, f->len[i] + 8, f->len[i] + 8, &v);
        CU_ASSERT_EQUAL(r, i < 2 ? DECODE_FRAGMENT_HELD : DECODE_OK);
    }
    whole_datagram(&v, ENCAP_FRAGMENTED);
    CU_ASSERT_STRING_EQUAL(text(&v.src), V6C);
    CU_ASSERT_EQUAL(v.l3[6], IPPROTO_UDP);
    CU_ASSERT_EQUAL(v.l3_len, 40 + 8 + FRAG_PAYLOAD);
    CU_ASSERT_EQUAL((v.l3[4] << 8 | v.l3[5]), 8 + FRAG_PAYLOAD);
    CU_ASSERT_EQUAL(decoder_stats(d)->reassembled, 1);
    decoder_destroy(d);
    release(f);
}

/* Ethernet + a 20-byte IPv4 header (protocol proto) + the IP packet of frame. */
static uint32_t in_ipv4(const uint8_t *frame, uint32_t len, uint8_t proto, uint8_t *buf)
{
    memcpy(buf, frame, 12);
    uint32_t inner = len - 14, total = 20 + inner;
    unit_hex("0800 4500 0000 4321 0000 40 00 0000 0a630101 0a630102", buf + 12, 22);
    buf[16] = (uint8_t)(total >> 8), buf[17] = (uint8_t)total, buf[23] = proto;
    memcpy(buf + 34, frame + 14, inner);
    return 14 + total;
}

/*
 * Fragments inside a tunnel: the real IPv6 fragments in 6in4 and the real IPv4
 * fragments in IP-in-IP are reassembled inside, and the view says both.
 */
static void test_fragments_in_tunnels(void)
{
    static const struct {
        const char *file;
        uint8_t proto;
    } cases[] = {{"frag_udp6.pcap", 41}, {"frag_udp4.pcap", 4}};
    for (unsigned c = 0; c < 2; c++) {
        struct frames *f = load(cases[c].file);
        struct decoder *d = decoder_create();
        struct packet_view v;
        uint8_t buf[2048];
        for (unsigned i = 0; i < 3; i++) {
            uint32_t n = in_ipv4(f->data[i], f->len[i], cases[c].proto, buf);
            CU_ASSERT_EQUAL(dec(d, 1, buf, n, n, &v), i < 2 ? DECODE_FRAGMENT_HELD : DECODE_OK);
        }
        whole_datagram(&v, ENCAP_IPIP | ENCAP_FRAGMENTED);
        CU_ASSERT_STRING_EQUAL(text(&v.src), c == 0 ? V6C : V4C);
        decoder_destroy(d);
        release(f);
    }
}

/* An IPv6 fragment header with offset 0 and M clear is no fragmentation at all. */
static void test_ipv6_atomic_fragment(void)
{
    struct frames *f = load("eth_tcp6.pcap");
    uint8_t buf[512];
    uint32_t n = f->len[3];
    memcpy(buf, f->data[3], 54);
    buf[20] = 44;
    unit_hex("06 00 0000 12345678", buf + 54, 8);
    memcpy(buf + 62, f->data[3] + 54, n - 54);
    uint32_t plen = n - 54 + 8;
    buf[18] = (uint8_t)(plen >> 8), buf[19] = (uint8_t)plen;
    struct decoder *d = decoder_create();
    struct packet_view v;
    CU_ASSERT_EQUAL(dec(d, 1, buf, n + 8, n + 8, &v), DECODE_OK);
    CU_ASSERT_EQUAL(v.payload_len, strlen(BANNER));
    CU_ASSERT_EQUAL(v.encap, 0);
    CU_ASSERT_EQUAL(decoder_stats(d)->fragments, 0);
    decoder_destroy(d);
    release(f);
}

static void test_event_names(void)
{
    CU_ASSERT_STRING_EQUAL(decode_event_name(DECODE_EV_FRAG_OVERLAP), "FRAG_OVERLAP");
    CU_ASSERT_STRING_EQUAL(decode_event_text(DECODE_EV_TCP_TRUNCATED), "TCP header truncated");
    CU_ASSERT_STRING_EQUAL(decode_event_name(DECODE_EV_COUNT), "?");
}

void suite_decode(void)
{
    UNIT_SUITE(
        "decode", NULL, NULL, {"ethernet", test_ethernet},
        {"linux cooked v1 v2", test_linux_cooked},
        {"bsd loopback and raw", test_bsd_loopback_and_raw},
        {"vlan mpls pppoe", test_vlan_mpls_pppoe}, {"tunnels", test_tunnels},
        {"ipv6 extension headers", test_ipv6_extension_headers},
        {"truncation every byte", test_truncation_every_byte},
        {"truncation each layer", test_truncation_each_layer},
        {"vxlan and udp", test_vxlan_and_udp},
        {"padding and bad headers", test_padding_and_bad_headers},
        {"not tcp/udp", test_not_tcp_udp}, {"too deep", test_too_deep},
        {"gre unsupported", test_gre_unsupported}, {"fragments in any order", test_fragments_order},
        {"fragments duplicated", test_fragments_duplicated},
        {"fragments overlap first wins", test_fragments_overlap},
        {"fragments timeout", test_fragments_timeout},
        {"fragments too many", test_fragments_too_many}, {"fragments bad", test_fragments_bad},
        {"ipv6 atomic fragment", test_ipv6_atomic_fragment},
        {"ipv6 fragments overlap first wins", test_ipv6_fragments_overlap},
        {"ipv6 fragments timeout and bad", test_ipv6_fragments_timeout_and_bad},
        {"ipv6 fragments after hop-by-hop", test_ipv6_fragments_after_hop_by_hop},
        {"fragments in tunnels", test_fragments_in_tunnels}, {"event names", test_event_names});
}
