/*
 * addr.h - an IPv4 or IPv6 address as a value, and its text form.
 *
 * IPv4 addresses are stored in the first four bytes; comparison and hashing
 * look at the family and all sixteen bytes, so the unused tail must be zero.
 */
#ifndef PS_ADDR_H
#define PS_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PS_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

struct ps_addr {
    uint8_t family; /* 4 or 6; 0 means none */
    uint8_t bytes[16];
};

void addr_set_v4(struct ps_addr *a, const uint8_t *four);
void addr_set_v6(struct ps_addr *a, const uint8_t *sixteen);
int addr_compare(const struct ps_addr *a, const struct ps_addr *b);
/* Equality alone: inlined, for the loops that run per packet or per flow. */
static inline int addr_equal(const struct ps_addr *a, const struct ps_addr *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}
/* RFC 5952 short form for IPv6, dotted quad for IPv4. */
const char *addr_to_text(const struct ps_addr *a, char out[PS_ADDR_TEXT_MAX]);

#endif
