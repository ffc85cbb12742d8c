/*
 * fuzz_udp.c - libFuzzer target for the UDP parsers (DNS, SNMP and its BER,
 * NTP), all reached through detail_parse with transport UDP (or TCP), and
 * detail_parse_again on a reused flow_detail, which must give the same.
 *
 * The input is a list of datagrams, each a 2-byte header and its bytes: the
 * header's top bit says which side sent it (1: the server), its low 15 bits
 * how long it is (cut to what is left). Up to PS_MAX_UDP_DATAGRAMS per side
 * are kept, as the stream stage keeps them, with their boundaries. Each head
 * is copied into an allocation of its exact size, so a read one byte past a
 * head is caught by AddressSanitizer. An input whose size is 7 modulo 8 is
 * given as TCP instead (one head per side, the boundaries ignored), which
 * reaches DNS over TCP and the TCP parsers. The kept inputs in
 * tests/fuzz/corpus/udp start from the real exchanges in tests/data/udp in
 * this same layout.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"

struct fuzz_side {
    uint8_t *data;
    struct head_bytes h;
};

static void ignore(const struct evidence *ev, void *ctx)
{
    /* Every emitted record must be terminated text; strlen reads to the NUL. */
    size_t n = strlen(ev->service) + strlen(ev->product) + strlen(ev->version) + strlen(ev->info) +
               strlen(ev->rule);
    *(size_t *)ctx += n;
}

static void side_add(struct fuzz_side *s, const uint8_t *p, size_t n)
{
    if (s->h.datagrams >= PS_MAX_UDP_DATAGRAMS)
        return;
    uint8_t *grown = realloc(s->data, s->h.len + n + 1);
    if (!grown)
        return;
    s->data = grown;
    memcpy(s->data + s->h.len, p, n);
    s->h.len += (uint32_t)n;
    s->h.datagram_end[s->h.datagrams++] = s->h.len;
}

/* The head in an allocation of exactly its size. */
static uint8_t *exact(struct fuzz_side *s)
{
    uint8_t *c = malloc(s->h.len ? s->h.len : 1);
    if (c && s->h.len)
        memcpy(c, s->data, s->h.len);
    s->h.data = c;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_side client, server;
    memset(&client, 0, sizeof client);
    memset(&server, 0, sizeof server);
    size_t at = 0;
    while (at + 2 <= size) {
        unsigned header = (unsigned)data[at] << 8 | data[at + 1];
        size_t n = header & 0x7fff;
        at += 2;
        if (n > size - at)
            n = size - at;
        side_add(header & 0x8000 ? &server : &client, data + at, n);
        at += n;
    }
    uint8_t *s = exact(&server), *c = exact(&client);
    if (s && c) {
        struct classify_input in;
        memset(&in, 0, sizeof in);
        in.transport = size % 8 == 7 ? IPPROTO_TCP : IPPROTO_UDP;
        in.server_port = (uint16_t)(size % 3 == 0 ? 53 : size % 3 == 1 ? 161 : 123);
        in.client_port = 50000;
        in.server_head = server.h;
        in.client_head = client.h;
        struct flow_detail d;
        size_t total = 0;
        detail_parse(&in, &d, ignore, &total);
        /* The engine's way, one flow_detail reused from input to input, gives the same. */
        static struct flow_detail reused;
        size_t again = 0;
        detail_parse_again(&in, &reused, ignore, &again);
        if (memcmp(&d, &reused, sizeof d) != 0 || again != total)
            abort();
        total += strlen(d.dns.qname) + strlen(d.dns.version) + strlen(d.snmp.community) +
                 strlen(d.snmp.sys_descr) + strlen(d.snmp.sys_object_id) +
                 strlen(d.snmp.engine_id) + strlen(d.snmp.user) + strlen(d.ntp.refid);
        if (total == (size_t)-1)
            abort();
    }
    free(s);
    free(c);
    free(server.data);
    free(client.data);
    return 0;
}
