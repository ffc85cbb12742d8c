/*
 * test_ports.c - port expectations: the verdicts of signatures/ports.csv, user
 * files overriding rows, and errors that name their file and line.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ports.h"
#include "unit.h"

#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP

static struct port_table *shipped(void)
{
    char err[256] = "";
    struct port_table *t = port_table_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    int rc = port_table_load(t, "signatures/ports.csv", err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "\n%s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return t;
}

/* A temporary file holding text; its name in path (caller unlinks). */
static void temp_file(char path[64], const char *text)
{
    strcpy(path, "/tmp/ps_ports_XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    size_t len = strlen(text);
    CU_ASSERT_FATAL(write(fd, text, len) == (ssize_t)len);
    close(fd);
}

static void test_mismatches(void)
{
    struct port_table *t = shipped();
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "ssh", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 22, "http", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "redis", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 53, "snmp", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 123, "domain", ""), VERDICT_MISMATCH);
    /* Plain HTTP where TLS belongs, and TLS where plain HTTP belongs. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "http", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "ssl", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "http", "tls"), VERDICT_MISMATCH);
    /* A different service hidden inside TLS on 443 is still a disguise. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "ssh", "tls"), VERDICT_MISMATCH);
    /* The transport matters: tcp/53's owner says nothing about udp/53. */
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 22, "ssh", ""), VERDICT_NONSTANDARD);
    port_table_destroy(t);
}

static void test_ok(void)
{
    struct port_table *t = shipped();
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "ssl", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "http", "tls"), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 443, "https", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 993, "imap", "tls"), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 993, "ssl", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 993, "imap", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8080, "http", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8080, "http-proxy", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "http", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 22, "ssh", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 53, "domain", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 587, "smtp", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8443, "http", "tls"), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8443, "git", ""), VERDICT_MISMATCH);
    /* Service names are compared without regard to case (nmap writes X11). */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 6010, "x11", ""), VERDICT_OK);
    /* SSH on 2222 is listed as a weak, common home. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 2222, "ssh", ""), VERDICT_OK);
    port_table_destroy(t);
}

static void test_nonstandard_and_unknown(void)
{
    struct port_table *t = shipped();
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 2121, "ftp", ""), VERDICT_NONSTANDARD);
    /* Weak owner, different service: nothing to contradict. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8080, "ssh", ""), VERDICT_NONSTANDARD);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 8080, "http", "tls"), VERDICT_NONSTANDARD);
    /* Negotiated data ports are fine anywhere, even on a strong port. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 40000, "ftp-data", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "ftp-data", ""), VERDICT_OK);
    /* The port alone never identifies. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "", ""), VERDICT_UNKNOWN);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, NULL, NULL), VERDICT_UNKNOWN);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 40000, "", ""), VERDICT_UNKNOWN);
    /* Transports other than tcp and udp have no expectations. */
    CU_ASSERT_EQUAL(port_table_verdict(t, 132, 80, "http", ""), VERDICT_NONSTANDARD);
    port_table_destroy(t);
}

static void test_expected_text(void)
{
    struct port_table *t = shipped();
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 22), "ssh");
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 443), "https ssl/http ssl");
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 40000), "");
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, 132, 22), "");
    /* Ranges cover both ends and stop there. */
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 6000), "X11");
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 6063), "X11");
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 6064), "");
    CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_OK), "ok");
    CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_MISMATCH), "mismatch");
    CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_NONSTANDARD), "nonstandard");
    CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_UNKNOWN), "unknown");
    port_table_destroy(t);
}

static void test_user_override(void)
{
    struct port_table *t = shipped();
    char path[64], err[256] = "";
    /* Comments, a quoted field, blanks around tokens, no trailing newline. */
    temp_file(path, "# our site\n"
                    "transport,port,services,strength\n"
                    "\n"
                    "tcp,80,\"ssh  http\",strong\n"
                    "   # indented comment\n"
                    "tcp,2121,ftp,weak\n"
                    "udp,40000-40002,wireguard,strong");
    CU_ASSERT_EQUAL(port_table_load(t, path, err, sizeof err), 0);
    unlink(path);
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 80), "ssh http");
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 80, "ssh", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 2121, "ftp", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 40001, "domain", ""), VERDICT_MISMATCH);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 40003, "domain", ""), VERDICT_NONSTANDARD);
    /* Rows not in the user's file are untouched. */
    CU_ASSERT_EQUAL(port_table_verdict(t, TCP, 22, "http", ""), VERDICT_MISMATCH);

    /* A later file overrides one port inside an earlier range. */
    temp_file(path, "udp,40001,domain,weak\n");
    CU_ASSERT_EQUAL(port_table_load(t, path, err, sizeof err), 0);
    unlink(path);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 40001, "domain", ""), VERDICT_OK);
    CU_ASSERT_EQUAL(port_table_verdict(t, UDP, 40002, "domain", ""), VERDICT_MISMATCH);
    port_table_destroy(t);
}

/* Load text; expect failure with an error that starts "path:line: " and holds why. */
static void expect_error(const char *text, unsigned line, const char *why)
{
    struct port_table *t = port_table_create();
    char path[64], err[256] = "", want[96];
    temp_file(path, text);
    CU_ASSERT_EQUAL(port_table_load(t, path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:%u: ", path, line);
    CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
    if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, why))
        fprintf(stderr, "\ngot \"%s\", want \"%s...%s\"\n", err, want, why);
    /* Nothing of a bad file is applied, not even its good rows. */
    CU_ASSERT_STRING_EQUAL(port_table_expected(t, TCP, 22), "");
    unlink(path);
    port_table_destroy(t);
}

static void test_errors(void)
{
    expect_error("tcp,22,ssh,strong\n# fine\ntcp,23,telnet\n", 3, "expected 4 fields");
    expect_error("tcp,22,ssh,strong\ntcp,23,telnet,strong,extra\n", 2, "got 5");
    expect_error("tcp,22,ssh,strong\nsctp,22,ssh,strong\n", 2, "not tcp or udp");
    expect_error("tcp,22,ssh,strong\ntcp,0,ssh,strong\n", 2, "port");
    expect_error("tcp,22,ssh,strong\ntcp,65536,ssh,strong\n", 2, "port");
    expect_error("tcp,22,ssh,strong\ntcp,22x,ssh,strong\n", 2, "port");
    expect_error("tcp,22,ssh,strong\ntcp,30-20,ssh,strong\n", 2, "port");
    expect_error("tcp,22,ssh,strong\n\ntcp,23,telnet,medium\n", 3, "strength");
    expect_error("tcp,22,ssh,strong\ntcp,23, ,strong\n", 2, "no services");
    expect_error("tcp,22,ssh,strong\ntcp,23,tel;net,strong\n", 2, "bad service name");
    expect_error("tcp,22,ssh,strong\ntcp,23,\"telnet,strong\n", 2, "malformed CSV");
    expect_error("tcp,22,ssh,strong\ntcp,23,tel\"net,strong\n", 2, "malformed CSV");

    char longline[PS_PORTS_LINE_MAX + 64];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    memcpy(longline, "tcp,1,", 6);
    char text[sizeof longline + 32];
    snprintf(text, sizeof text, "tcp,22,ssh,strong\n%s\n", longline);
    expect_error(text, 2, "longer than");

    struct port_table *t = port_table_create();
    char err[256];
    CU_ASSERT_EQUAL(port_table_load(t, "/nonexistent/ports.csv", err, sizeof err), -1);
    CU_ASSERT_EQUAL(strncmp(err, "/nonexistent/ports.csv: ", 24), 0);
    port_table_destroy(t);
}

void suite_ports(void)
{
    UNIT_SUITE("ports", NULL, NULL, {"mismatches", test_mismatches}, {"ok", test_ok},
               {"nonstandard and unknown", test_nonstandard_and_unknown},
               {"expected text", test_expected_text}, {"user file overrides", test_user_override},
               {"errors name file:line", test_errors});
}
