/*
 * test_addr.c - address text forms (RFC 5952 for IPv6).
 */
#include <string.h>

#include "addr.h"
#include "unit.h"

static void text_of(const char *hex16, const char *want)
{
    uint8_t b[16];
    struct ps_addr a;
    char out[PS_ADDR_TEXT_MAX];
    size_t n = unit_hex(hex16, b, sizeof b);
    if (n == 4)
        addr_set_v4(&a, b);
    else
        addr_set_v6(&a, b);
    CU_ASSERT_STRING_EQUAL(addr_to_text(&a, out), want);
}

static void test_v4(void)
{
    text_of("c0 a8 01 02", "192.168.1.2");
}

static void test_v6_short_form(void)
{
    text_of("20010db8000000000000000000000001", "2001:db8::1");
    text_of("20010db8000000010000000000000001", "2001:db8:0:1::1");
    text_of("20010db8000000000001000000000001", "2001:db8::1:0:0:1");
    text_of("00000000000000000000000000000001", "::1");
}

static void test_compare(void)
{
    struct ps_addr a, b;
    addr_set_v4(&a, (const uint8_t *)"\x0a\x00\x00\x01");
    addr_set_v4(&b, (const uint8_t *)"\x0a\x00\x00\x02");
    CU_ASSERT(addr_compare(&a, &b) < 0);
    CU_ASSERT(addr_compare(&b, &a) > 0);
    CU_ASSERT(addr_compare(&a, &a) == 0);
}

void suite_addr(void)
{
    UNIT_SUITE("addr", NULL, NULL, {"v4", test_v4}, {"v6 short form", test_v6_short_form},
               {"compare", test_compare});
}
