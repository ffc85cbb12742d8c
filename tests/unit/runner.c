/*
 * runner.c - runs every CUnit suite and exits non-zero on any failure.
 *
 * An optional argument names one suite to run alone.
 */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

void unit_register_all(void);

struct ps_addr unit_addr(const char *text)
{
    struct ps_addr a;
    uint8_t b[16];
    if (strchr(text, ':')) {
        inet_pton(AF_INET6, text, b);
        addr_set_v6(&a, b);
    } else {
        inet_pton(AF_INET, text, b);
        addr_set_v4(&a, b);
    }
    return a;
}

struct packet_view unit_packet(uint8_t transport, const char *src, uint16_t sport, const char *dst,
                               uint16_t dport, uint8_t tcp_flags, uint32_t seq, uint32_t ack,
                               const char *payload, uint64_t ts_us)
{
    struct packet_view p;
    memset(&p, 0, sizeof p);
    p.ts_us = ts_us;
    p.src = unit_addr(src);
    p.dst = unit_addr(dst);
    p.sport = sport;
    p.dport = dport;
    p.transport = transport;
    p.tcp_flags = tcp_flags;
    p.seq = seq;
    p.ack = ack;
    p.payload = (const uint8_t *)payload;
    p.payload_len = p.payload_wire_len = payload ? (uint32_t)strlen(payload) : 0;
    return p;
}

void unit_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
                    const struct unit_test *tests, size_t n)
{
    CU_pSuite s = CU_add_suite(name, init, cleanup);
    if (!s) {
        fprintf(stderr, "unit: cannot add suite %s\n", name);
        exit(2);
    }
    for (size_t i = 0; i < n; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) {
            fprintf(stderr, "unit: cannot add test %s/%s\n", name, tests[i].name);
            exit(2);
        }
}

uint8_t *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        *len = n;
    return buf;
}

size_t unit_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p && n < cap; p++) {
        if (!isxdigit((unsigned char)*p))
            continue;
        int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    unit_register_all();
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        CU_pSuite s = CU_get_suite(argv[1]);
        if (!s) {
            fprintf(stderr, "unit: no suite %s\n", argv[1]);
            CU_cleanup_registry();
            return 2;
        }
        CU_basic_run_suite(s);
    } else {
        CU_basic_run_tests();
    }
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "unit: no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
