/*
 * unit.h - shared helpers for the CUnit suites.
 *
 * Each tests/unit/test_<name>.c defines void suite_<name>(void), which adds
 * its suite with CU_add_suite/CU_add_test; the Makefile makes the list of
 * suites from the file names. Tests run from the repository root, so paths
 * like "pcaps/x.pcap" work.
 */
#ifndef PS_UNIT_H
#define PS_UNIT_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Add a suite and its tests: UNIT_SUITE("decode", NULL, NULL, {"name", fn}, ...). */
struct unit_test {
    const char *name;
    CU_TestFunc fn;
};
void unit_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
                    const struct unit_test *tests, size_t n);
#define UNIT_SUITE(name, init, cleanup, ...)                                                       \
    do {                                                                                           \
        static const struct unit_test unit_tests_[] = {__VA_ARGS__};                               \
        unit_add_suite((name), (init), (cleanup), unit_tests_,                                     \
                       sizeof unit_tests_ / sizeof unit_tests_[0]);                                \
    } while (0)

/* Read a whole file (tests only). Returns malloc'd bytes, NULL if it cannot be read. */
uint8_t *unit_read_file(const char *path, size_t *len);

/* Hex text ("45 00 00 3c ...", spaces ignored) to bytes. Returns the length. */
size_t unit_hex(const char *hex, uint8_t *out, size_t cap);

/* An address from its text form, IPv4 or IPv6 (tests only: the text must be valid). */
struct ps_addr unit_addr(const char *text);

/* A hand-built packet_view (no decoder involved); payload is text, NULL for none. */
struct packet_view unit_packet(uint8_t transport, const char *src, uint16_t sport, const char *dst,
                               uint16_t dport, uint8_t tcp_flags, uint32_t seq, uint32_t ack,
                               const char *payload, uint64_t ts_us);

#endif
