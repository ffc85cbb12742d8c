/*
 * test_ssh.c - the SSH identification and KEXINIT parser, on a real
 * conversation between OpenSSH's sshd and ssh (tests/data/detail/ssh.*,
 * made by make-captures.sh).
 *
 * The expected HASSH and HASSHServer are tshark's (ssh.kex.hassh and
 * ssh.kex.hasshserver, kept in ssh.tshark). Heads are also cut at every
 * length and damaged byte by byte: a field is either complete or empty.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "unit.h"

#define OPENSSH_BANNER "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"
#define HASSH "472b5de333ad665af5cbf10ff892c4df"
#define HASSH_SERVER "425d29fe50d8e4f5e37efb6e24bcf660"

static int evidence_count;
static struct evidence last;

static void collect(const struct evidence *ev, void *ctx)
{
    (void)ctx;
    last = *ev;
    evidence_count++;
}

static bool run(const void *s, size_t sn, const void *c, size_t cn, struct ssh_detail *d)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = 2222;
    in.server_head.data = s;
    in.server_head.len = (uint32_t)sn;
    in.client_head.data = c;
    in.client_head.len = (uint32_t)cn;
    evidence_count = 0;
    memset(&last, 0, sizeof last);
    return ssh_parse(&in, d, collect, NULL);
}

static uint8_t *load(const char *path, size_t *n)
{
    uint8_t *p = unit_read_file(path, n);
    CU_ASSERT_FATAL(p != NULL);
    return p;
}

static void test_openssh(void)
{
    size_t sn, cn;
    uint8_t *s = load("tests/data/detail/ssh.server", &sn);
    uint8_t *c = load("tests/data/detail/ssh.client", &cn);
    struct ssh_detail d;
    CU_ASSERT(run(s, sn, c, cn, &d));
    CU_ASSERT(d.seen);
    CU_ASSERT_STRING_EQUAL(d.server_banner, OPENSSH_BANNER);
    CU_ASSERT_STRING_EQUAL(d.client_banner, OPENSSH_BANNER);
    CU_ASSERT_STRING_EQUAL(d.hassh, HASSH);
    CU_ASSERT_STRING_EQUAL(d.hassh_server, HASSH_SERVER);
    CU_ASSERT_EQUAL(evidence_count, 1);
    CU_ASSERT_STRING_EQUAL(last.service, "ssh");
    CU_ASSERT_STRING_EQUAL(last.product, ""); /* left to the signatures */
    CU_ASSERT_STRING_EQUAL(last.tunnel, "");
    CU_ASSERT_EQUAL(last.witness, WITNESS_PARSER);
    CU_ASSERT_EQUAL(last.strength, STRENGTH_PARSER);
    free(s);
    free(c);
}

/* Where the KEXINIT packet of a head ends: after the banner line and the packet. */
static size_t kexinit_end(const uint8_t *p, size_t n)
{
    const uint8_t *lf = memchr(p, '\n', n);
    size_t at = (size_t)(lf - p) + 1;
    return at + 4 +
           ((size_t)p[at] << 24 | (size_t)p[at + 1] << 16 | (size_t)p[at + 2] << 8 | p[at + 3]);
}

static void test_cut_at_every_length(void)
{
    size_t sn, cn;
    uint8_t *s = load("tests/data/detail/ssh.server", &sn);
    uint8_t *c = load("tests/data/detail/ssh.client", &cn);
    size_t banner_end = (size_t)((uint8_t *)memchr(s, '\n', sn) - s) + 1;
    size_t skex = kexinit_end(s, sn), ckex = kexinit_end(c, cn);
    CU_ASSERT_FATAL(skex <= sn && ckex <= cn);
    struct ssh_detail d;
    for (size_t n = 0; n <= sn; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, s, n);
        run(cut, n, NULL, 0, &d);
        CU_ASSERT_EQUAL(evidence_count, n >= banner_end ? 1 : 0);
        CU_ASSERT_STRING_EQUAL(d.server_banner, n >= banner_end ? OPENSSH_BANNER : "");
        /* The hash needs only the first eight name-lists, so it comes before the packet ends. */
        CU_ASSERT(d.hassh_server[0] == '\0' || strcmp(d.hassh_server, HASSH_SERVER) == 0);
        if (n >= skex)
            CU_ASSERT_STRING_EQUAL(d.hassh_server, HASSH_SERVER);
        free(cut);
    }
    for (size_t n = 0; n <= cn; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, c, n);
        run(s, sn, cut, n, &d);
        CU_ASSERT(d.hassh[0] == '\0' || strcmp(d.hassh, HASSH) == 0);
        if (n >= ckex)
            CU_ASSERT_STRING_EQUAL(d.hassh, HASSH);
        free(cut);
    }
    free(s);
    free(c);
}

static void test_damaged_bytes(void)
{
    size_t sn, cn;
    uint8_t *s = load("tests/data/detail/ssh.server", &sn);
    uint8_t *c = load("tests/data/detail/ssh.client", &cn);
    uint8_t *t = malloc(sn);
    struct ssh_detail d;
    for (size_t i = 0; i < sn; i++) {
        memcpy(t, s, sn);
        t[i] ^= 0xff;
        run(t, sn, c, cn, &d);
        CU_ASSERT(evidence_count <= 1);
        CU_ASSERT(d.hassh_server[0] == '\0' || strlen(d.hassh_server) == 32);
    }
    /* A packet length past any SSH packet: the banner stays, no hash. */
    memcpy(t, s, sn);
    size_t at = (size_t)((uint8_t *)memchr(s, '\n', sn) - s) + 1;
    t[at] = 0x7f;
    run(t, sn, c, cn, &d);
    CU_ASSERT_STRING_EQUAL(d.server_banner, OPENSSH_BANNER);
    CU_ASSERT_STRING_EQUAL(d.hassh_server, "");
    /* A name-list longer than its packet: no hash. */
    memcpy(t, s, sn);
    t[at + 4 + 1 + 1 + 16] = 0x40;
    run(t, sn, c, cn, &d);
    CU_ASSERT_STRING_EQUAL(d.hassh_server, "");
    free(t);
    free(s);
    free(c);
}

static void banner_case(const char *server, const char *want_banner, int want_evidence)
{
    struct ssh_detail d;
    run(server, strlen(server), NULL, 0, &d);
    CU_ASSERT_STRING_EQUAL(d.server_banner, want_banner);
    CU_ASSERT_EQUAL(evidence_count, want_evidence);
}

static void test_banners(void)
{
    /* A server may greet with other lines first (RFC 4253 4.2). */
    banner_case("Welcome\r\nno SSH here\r\nSSH-2.0-dropbear_2022.83\r\n",
                "SSH-2.0-dropbear_2022.83", 1);
    banner_case("SSH-1.99-OpenSSH_3.9p1\n", "SSH-1.99-OpenSSH_3.9p1", 1);
    banner_case("SSH-2.0-Go\r\n", "SSH-2.0-Go", 1);
    banner_case("SSH-2.0-\r\n", "", 0);            /* no software version */
    banner_case("SSH-2.0- x\r\n", "", 0);          /* nor here */
    banner_case("SSH-x.0-OpenSSH\r\n", "", 0);     /* no protocol version */
    banner_case("SSH-2.0-OpenSSH_9.2", "", 0);     /* no line end yet */
    banner_case("SSH-2.0-Open\x01SSH\r\n", "", 0); /* not printable */
    banner_case("HTTP/1.1 200 OK\r\n\r\n", "", 0);
    /* A client's banner alone does not identify the server. */
    struct ssh_detail d;
    const char *client = "SSH-2.0-PuTTY_Release_0.78\r\n";
    CU_ASSERT(run(NULL, 0, client, strlen(client), &d));
    CU_ASSERT_STRING_EQUAL(d.client_banner, "SSH-2.0-PuTTY_Release_0.78");
    CU_ASSERT_EQUAL(evidence_count, 0);
}

/* A KEXINIT built by hand: the hash must be md5 of the four lists joined with ';'. */
static void test_hassh_definition(void)
{
    static const char *lists[10] = {
        "curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes256-ctr", "hmac-sha2-256",
        "hmac-sha1",         "none",        "zlib",       "",           ""};
    uint8_t buf[512];
    size_t n = 0;
    const char *banner = "SSH-2.0-Test_1.0\r\n";
    memcpy(buf, banner, strlen(banner));
    n += strlen(banner);
    size_t len_at = n;
    n += 4;
    buf[n++] = 4; /* padding length */
    buf[n++] = 20;
    memset(buf + n, 0xab, 16);
    n += 16;
    for (int i = 0; i < 10; i++) {
        uint32_t l = (uint32_t)strlen(lists[i]);
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = (uint8_t)l;
        memcpy(buf + n, lists[i], l);
        n += l;
    }
    buf[n++] = 0;              /* first_kex_packet_follows */
    memset(buf + n, 0, 4 + 4); /* reserved, padding */
    n += 8;
    uint32_t plen = (uint32_t)(n - len_at - 4);
    buf[len_at + 2] = (uint8_t)(plen >> 8);
    buf[len_at + 3] = (uint8_t)plen;
    struct ssh_detail d;
    run(buf, n, buf, n, &d);
    /* md5sum of "curve25519-sha256;aes128-ctr;hmac-sha2-256;none" */
    CU_ASSERT_STRING_EQUAL(d.hassh, "e97d07603350d1111ec2b64bf25413c9");
    /* md5sum of "curve25519-sha256;aes256-ctr;hmac-sha1;zlib" */
    CU_ASSERT_STRING_EQUAL(d.hassh_server, "1d28bf246fed683b2556414dbd13cd28");
}

void suite_ssh(void)
{
    UNIT_SUITE("ssh", NULL, NULL, {"OpenSSH sshd and ssh", test_openssh},
               {"cut at every length", test_cut_at_every_length},
               {"damaged bytes", test_damaged_bytes}, {"banners", test_banners},
               {"HASSH definition", test_hassh_definition});
}
