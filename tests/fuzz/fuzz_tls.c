/*
 * fuzz_tls.c - libFuzzer target for the detail parsers (TLS and its DER
 * certificate reader, SSH, HTTP), all reached through detail_parse (and
 * detail_parse_again on a reused flow_detail, which must give the same).
 *
 * The input is split in two heads: the first two bytes (little endian) say
 * how many of the remaining bytes are the server's head; the rest is the
 * client's. Each head is copied into an allocation of its exact size, so a
 * read one byte past either head is caught by AddressSanitizer. The kept
 * inputs in tests/fuzz/corpus/tls start from real captured conversations
 * (tests/data/detail) in this same layout.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"

static void ignore(const struct evidence *ev, void *ctx)
{
    /* Every emitted record must be terminated text; strlen reads to the NUL. */
    size_t n = strlen(ev->service) + strlen(ev->tunnel) + strlen(ev->rule);
    *(size_t *)ctx += n;
}

static uint8_t *copy(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    if (c && n)
        memcpy(c, p, n);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t rest = size - 2;
    size_t split = (size_t)(data[0] | data[1] << 8);
    if (split > rest)
        split = rest;
    uint8_t *server = copy(data + 2, split);
    uint8_t *client = copy(data + 2 + split, rest - split);
    if (!server || !client) {
        free(server);
        free(client);
        return 0;
    }
    static const uint16_t ports[] = {443, 993, 22, 80, 12345};
    struct classify_input in;
    memset(&in, 0, sizeof in);
    in.transport = IPPROTO_TCP;
    in.server_port = ports[size % (sizeof ports / sizeof ports[0])];
    in.client_port = 50000;
    in.server_head.data = server;
    in.server_head.len = (uint32_t)split;
    in.client_head.data = client;
    in.client_head.len = (uint32_t)(rest - split);
    struct flow_detail d;
    size_t total = 0;
    detail_parse(&in, &d, ignore, &total);
    /* The engine's way, one flow_detail reused from input to input, gives the same. */
    static struct flow_detail reused;
    size_t again = 0;
    detail_parse_again(&in, &reused, ignore, &again);
    if (memcmp(&d, &reused, sizeof d) != 0 || again != total)
        abort();
    total += strlen(d.tls.subject) + strlen(d.tls.sans) + strlen(d.ssh.server_banner) +
             strlen(d.http.server);
    free(server);
    free(client);
    return total == (size_t)-1;
}
