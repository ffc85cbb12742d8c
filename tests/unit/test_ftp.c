/*
 * test_ftp.c - data channels announced on FTP control connections.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "ftp.h"
#include "unit.h"

struct seen {
    char text[8][64];
    int n;
};

static void record(const struct ps_addr *host, uint16_t port, const char *how, void *ctx)
{
    struct seen *s = ctx;
    char a[PS_ADDR_TEXT_MAX];
    if (s->n < 8)
        snprintf(s->text[s->n++], 64, "%s %s:%u", how, addr_to_text(host, a), port);
}

static struct seen run(const char *server, const char *client)
{
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    addr_set_v4(&in.server, (const uint8_t *)"\x0a\x00\x00\x15");
    addr_set_v4(&in.client, (const uint8_t *)"\x0a\x00\x00\x02");
    in.server_port = 21;
    in.server_head.data = (const uint8_t *)server;
    in.server_head.len = (uint32_t)strlen(server);
    in.client_head.data = (const uint8_t *)client;
    in.client_head.len = (uint32_t)strlen(client);
    struct seen s = {.n = 0};
    unsigned found = ftp_announced_channels(&in, record, &s);
    CU_ASSERT(found <= (unsigned)s.n);
    return s;
}

static void test_pasv(void)
{
    /* vsftpd's own wording. */
    struct seen s = run("220 (vsFTPd 3.0.3)\r\n230 Login successful.\r\n"
                        "227 Entering Passive Mode (10,0,0,21,156,64).\r\n",
                        "USER anonymous\r\nPASS x\r\nPASV\r\n");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "PASV 10.0.0.21:40000");
}

static void test_pasv_behind_nat(void)
{
    struct seen s = run("220 ProFTPD Server\r\n227 Entering Passive Mode (192,0,2,7,4,1)\r\n", "");
    CU_ASSERT_EQUAL_FATAL(s.n, 2); /* the announced address and where it will really appear */
    CU_ASSERT_STRING_EQUAL(s.text[0], "PASV 192.0.2.7:1025");
    CU_ASSERT_STRING_EQUAL(s.text[1], "PASV 10.0.0.21:1025");
    s = run("220 x\r\n227 Entering Passive Mode (0,0,0,0,4,1)\r\n", "");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "PASV 10.0.0.21:1025");
}

static void test_epsv(void)
{
    struct seen s =
        run("220-welcome\r\n220 ready\r\n229 Entering Extended Passive Mode (|||40001|)\r\n"
            "229 Entering Extended Passive Mode (!!!40002!)\r\n",
            "EPSV\r\n");
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_STRING_EQUAL(s.text[0], "EPSV 10.0.0.21:40001");
    CU_ASSERT_STRING_EQUAL(s.text[1], "EPSV 10.0.0.21:40002");
}

static void test_port_eprt(void)
{
    struct seen s = run("220 ready\r\n200 PORT command successful\r\n",
                        "PORT 10,0,0,2,195,80\r\nEPRT |1|10.0.0.2|50001|\r\n"
                        "eprt |2|fd99::2|50002|\r\n");
    CU_ASSERT_EQUAL_FATAL(s.n, 4);
    CU_ASSERT_STRING_EQUAL(s.text[0], "PORT 10.0.0.2:50000");
    CU_ASSERT_STRING_EQUAL(s.text[1], "EPRT 10.0.0.2:50001");
    CU_ASSERT_STRING_EQUAL(s.text[2], "EPRT fd99::2:50002");
}

static void test_midstream(void)
{
    /* The capture began after the greeting and login: the replies still identify it. */
    struct seen s = run("150 Here comes the directory listing.\r\n226 Directory send OK.\r\n"
                        "229 Entering Extended Passive Mode (|||40777|)\r\n",
                        "LIST\r\nEPSV\r\n");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "EPSV 10.0.0.21:40777");
}

static void test_not_ftp_or_cut(void)
{
    struct seen s = run("SSH-2.0-OpenSSH_9.2\r\n227 Entering Passive Mode (10,0,0,21,1,1)\r\n", "");
    CU_ASSERT_EQUAL(s.n, 0); /* not an FTP greeting */
    s = run("220 ok\r\n227 Entering Passive Mode (10,0,0,21,156,6", "");
    CU_ASSERT_EQUAL(s.n, 0); /* the head ends mid-line: the port could be cut */
    s = run("220 ok\r\n227 Entering Passive Mode (10,0,0,300,1,1)\r\n229 (|||0|)\r\n"
            "229 (|||70000|)\r\n",
            "PORT 1,2,3\r\nEPRT |1|x|\r\n");
    CU_ASSERT_EQUAL(s.n, 0);
}

/* Lines that cannot announce are skipped unread; the ones that can are found among them. */
static void test_among_other_lines(void)
{
    /* An SMTP-like head of many lines, blank ones, binary bytes, then the reply. */
    char server[2048];
    size_t n = 0;
    n += (size_t)snprintf(server + n, sizeof server - n, "220 mail ESMTP\r\n\r\n\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(server + n, sizeof server - n, "250-%c\x01\xff line %d\r\n",
                              'A' + i % 26, i);
    /* A NUL is read as a space, so this is "227 ..." to the reader as before. */
    static const char pasv[] = "227\0Entering Passive Mode (10,0,0,21,156,64)\r\n";
    memcpy(server + n, pasv, sizeof pasv - 1);
    n += sizeof pasv - 1;
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    addr_set_v4(&in.server, (const uint8_t *)"\x0a\x00\x00\x15");
    addr_set_v4(&in.client, (const uint8_t *)"\x0a\x00\x00\x02");
    in.server_head.data = (const uint8_t *)server;
    in.server_head.len = (uint32_t)n;
    static const char client[] = "EHLO x\r\n\r\nQUIT\r\neprt |1|10.0.0.2|50001|\r\n"
                                 "pOrT 10,0,0,2,195,80\r\nPORT 10,0,0,2,195,81";
    in.client_head.data = (const uint8_t *)client;
    in.client_head.len = (uint32_t)strlen(client);
    struct seen s = {.n = 0};
    CU_ASSERT_EQUAL(ftp_announced_channels(&in, record, &s), 3);
    CU_ASSERT_EQUAL_FATAL(s.n, 3); /* the last PORT is cut by the head's end */
    CU_ASSERT_STRING_EQUAL(s.text[0], "PASV 10.0.0.21:40000");
    CU_ASSERT_STRING_EQUAL(s.text[1], "EPRT 10.0.0.2:50001");
    CU_ASSERT_STRING_EQUAL(s.text[2], "PORT 10.0.0.2:50000");
}

static struct seen run_segment(const char *payload, const char *sender)
{
    struct ps_addr from;
    addr_set_v4(&from, (const uint8_t *)sender);
    struct seen s = {.n = 0};
    uint32_t len = (uint32_t)strlen(payload);
    unsigned found = ftp_segment_channels((const uint8_t *)payload, len, &from, record, &s);
    CU_ASSERT(found <= (unsigned)s.n);
    if (found) /* the cheap check never turns away a segment that announces */
        CU_ASSERT_TRUE(ftp_segment_may_announce((const uint8_t *)payload, len));
    return s;
}

/* One segment as captured, before its flow is classified (the dispatcher of --threads). */
static void test_segments(void)
{
    struct seen s =
        run_segment("227 Entering Passive Mode (10,0,0,21,156,64).\r\n", "\x0a\x00\x00\x15");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "PASV 10.0.0.21:40000");
    s = run_segment("229 Entering Extended Passive Mode (|||40001|)\r\n", "\x0a\x00\x00\x15");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "EPSV 10.0.0.21:40001");
    /* A command is the client's: the sender is where the channel will be. */
    s = run_segment("port 10,0,0,2,195,80\r\n", "\x0a\x00\x00\x02");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "PORT 10.0.0.2:50000");
    s = run_segment("EPRT |1|10.0.0.2|50001|\r\n", "\x0a\x00\x00\x02");
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_STRING_EQUAL(s.text[0], "EPRT 10.0.0.2:50001");
}

/* What the per-segment check must pass over cheaply: other replies, short or cut segments. */
static void test_segments_not_announcing(void)
{
    static const char *quiet[] = {
        "226 Transfer complete.\r\n",
        "227 Entering Passive Mode (10,0,0,21,156",      /* cut: the port could be wrong */
        "227-Entering Passive Mode (10,0,0,21,1,1)\r\n", /* not a final reply line */
        "2279 x\r\n",
        "PORTS 1,2,3,4,5,6\r\n",
        "PORT 1,2,3\r\n",
        "EPRT |1|x|\r\n",
        "229 (|||0|)\r\n",
        "GET / HTTP/1.1\r\n",
        "227 ",
        "",
    };
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++) {
        struct seen s = run_segment(quiet[i], "\x0a\x00\x00\x15");
        CU_ASSERT_EQUAL(s.n, 0);
    }
    CU_ASSERT_FALSE(ftp_segment_may_announce((const uint8_t *)"226 Transfer complete.\r\n", 24));
    CU_ASSERT_FALSE(ftp_segment_may_announce((const uint8_t *)"227 ", 4));
    CU_ASSERT_TRUE(ftp_segment_may_announce((const uint8_t *)"227 Entering Passive", 20));
}

/* Passive mode: the server announced the channel and listens on it; active: the client. */
static void test_who_listens(void)
{
    CU_ASSERT(ftp_server_listens("PASV"));
    CU_ASSERT(ftp_server_listens("EPSV"));
    CU_ASSERT(!ftp_server_listens("PORT"));
    CU_ASSERT(!ftp_server_listens("EPRT"));
}

void suite_ftp(void)
{
    UNIT_SUITE("ftp", NULL, NULL, {"PASV", test_pasv}, {"PASV behind NAT", test_pasv_behind_nat},
               {"EPSV", test_epsv}, {"PORT and EPRT", test_port_eprt},
               {"capture began mid-session", test_midstream},
               {"not FTP, cut, invalid", test_not_ftp_or_cut},
               {"among other lines", test_among_other_lines},
               {"one segment at a time", test_segments},
               {"segments that announce nothing", test_segments_not_announcing},
               {"who listens", test_who_listens});
}
