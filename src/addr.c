/*
 * addr.c - address values and their text form.
 *
 * inet_ntop already writes RFC 5952 short form on glibc (lower case, longest
 * run of zero groups compressed, a single zero group left alone).
 */
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

void addr_set_v4(struct ps_addr *a, const uint8_t *four)
{
    memset(a, 0, sizeof *a);
    a->family = 4;
    memcpy(a->bytes, four, 4);
}

void addr_set_v6(struct ps_addr *a, const uint8_t *sixteen)
{
    a->family = 6;
    memcpy(a->bytes, sixteen, 16);
}

int addr_compare(const struct ps_addr *a, const struct ps_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, 16);
}

const char *addr_to_text(const struct ps_addr *a, char out[PS_ADDR_TEXT_MAX])
{
    const char *r = NULL;
    if (a->family == 4)
        r = inet_ntop(AF_INET, a->bytes, out, PS_ADDR_TEXT_MAX);
    else if (a->family == 6)
        r = inet_ntop(AF_INET6, a->bytes, out, PS_ADDR_TEXT_MAX);
    if (!r)
        strcpy(out, "?");
    return out;
}
