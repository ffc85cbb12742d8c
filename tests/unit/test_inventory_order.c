/*
 * test_inventory_order.c - a record does not depend on the order in which its flows came.
 *
 * With --threads, flows of one endpoint are classified by several threads in no fixed
 * order. The banner is the earliest flow's; two flows that began in the same microsecond
 * (one conversation read from two files, as standard.pcap and standard.pcapng are) once
 * left it to whichever was classified first. Every order of the same flows must give the
 * same banner.
 */
#include <netinet/in.h>
#include <string.h>

#include "inventory.h"
#include "unit.h"

static struct classify_input io_input(const char *banner)
{
    struct classify_input in = {.transport = IPPROTO_TCP, .server_port = 143, .client_port = 40000};
    in.server = unit_addr("10.0.0.1");
    in.client = unit_addr("10.0.0.2");
    in.server_head.data = (const uint8_t *)banner;
    in.server_head.len = (uint32_t)strlen(banner);
    return in;
}

/* The banner after adding flows (banner, first_us) in the order given by idx. */
static void io_banner(const char *const *banners, const uint64_t *first, const int *idx, int n,
                      char *out, size_t outlen)
{
    struct inventory *inv = inventory_create(NULL);
    struct endpoint_record *r = NULL;
    for (int i = 0; i < n; i++) {
        struct classify_input in = io_input(banners[idx[i]]);
        r = inventory_add_flow(inv, &in, first[idx[i]], first[idx[i]] + 10, NULL, NULL, 0);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    size_t len = r->banner_len < outlen - 1 ? r->banner_len : outlen - 1;
    memcpy(out, r->banner, len);
    out[len] = '\0';
    inventory_destroy(inv);
}

static void test_banner_ties_any_order(void)
{
    /* A greeting read whole, the same greeting cut short, another server's words, all
       beginning in the same microsecond; a later flow never wins. */
    const char *const banners[] = {"* OK Dovecot ready.\r\n* CAPABILITY IMAP4rev1\r\n",
                                   "* OK Dovecot ready.\r\n", "* OK Cyrus IMAP ready\r\n",
                                   "* OK [later] ready\r\n"};
    const uint64_t first[] = {1000, 1000, 1000, 2000};
    const int orders[][4] = {{0, 1, 2, 3}, {1, 0, 3, 2}, {3, 2, 1, 0}, {2, 3, 0, 1}, {1, 2, 0, 3}};
    char want[256], got[256];
    io_banner(banners, first, orders[0], 4, want, sizeof want);
    CU_ASSERT_STRING_EQUAL(want, banners[0]); /* the longest of the earliest */
    for (size_t o = 1; o < sizeof orders / sizeof orders[0]; o++) {
        io_banner(banners, first, orders[o], 4, got, sizeof got);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    /* Of two as long, the smaller bytes, whichever comes first. */
    const char *const same_len[] = {"220 b\r\n", "220 a\r\n"};
    const uint64_t same_first[] = {5, 5};
    const int ab[] = {0, 1}, ba[] = {1, 0};
    io_banner(same_len, same_first, ab, 2, want, sizeof want);
    io_banner(same_len, same_first, ba, 2, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(want, "220 a\r\n");
    CU_ASSERT_STRING_EQUAL(got, "220 a\r\n");
}

void suite_inventory_order(void)
{
    UNIT_SUITE("inventory_order", NULL, NULL,
               {"banner ties, any order", test_banner_ties_any_order});
}
