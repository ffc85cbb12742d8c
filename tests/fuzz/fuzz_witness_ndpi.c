/*
 * fuzz_witness_ndpi.c - libFuzzer target for the nDPI witness: feed and finish.
 *
 * Input: a sequence of IP packets of one flow, each introduced by a 1-byte
 * side (bit 0 set: from the client) and a 2-byte big-endian length; a length
 * running past the end takes what is left. Every packet is copied into a
 * buffer of exactly its length (so AddressSanitizer sees reads beyond it) and
 * fed until the witness says done; then the flow is finished into a detail
 * that is checked for terminated strings. Whatever label nDPI reaches from
 * hostile bytes, the witness must read nDPI's per-flow metadata safely and
 * free the flow. One module is made at the first input and kept: setting one
 * up costs far more than a run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "witness_ndpi.h"

#define PACKET_HEADER 3u

static struct ndpi_witness *witness;

static void count(const struct evidence *ev, void *ctx)
{
    if (strnlen(ev->service, sizeof ev->service) == sizeof ev->service ||
        strnlen(ev->rule, sizeof ev->rule) == sizeof ev->rule)
        abort();
    (*(unsigned *)ctx)++;
}

static void check_terminated(const char *s, size_t size)
{
    if (strnlen(s, size) == size)
        abort();
}

static void check_detail(const struct flow_detail *d)
{
    check_terminated(d->tls.sni, sizeof d->tls.sni);
    check_terminated(d->tls.ja3, sizeof d->tls.ja3);
    check_terminated(d->tls.ja3s, sizeof d->tls.ja3s);
    check_terminated(d->tls.alpn_offered, sizeof d->tls.alpn_offered);
    check_terminated(d->tls.subject, sizeof d->tls.subject);
    check_terminated(d->tls.issuer, sizeof d->tls.issuer);
    check_terminated(d->ssh.client_banner, sizeof d->ssh.client_banner);
    check_terminated(d->ssh.server_banner, sizeof d->ssh.server_banner);
    check_terminated(d->ssh.hassh, sizeof d->ssh.hassh);
    check_terminated(d->ssh.hassh_server, sizeof d->ssh.hassh_server);
    check_terminated(d->http.host, sizeof d->http.host);
    check_terminated(d->http.user_agent, sizeof d->http.user_agent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!witness) {
        char err[256];
        witness = ndpi_witness_create("signatures/ndpi-map.csv", err, sizeof err);
        if (!witness) {
            fprintf(stderr, "fuzz_witness_ndpi: %s (run from the repository root)\n", err);
            abort();
        }
    }
    struct ndpi_witness_flow *state = NULL;
    uint64_t ts_us = 1700000000000000ull;
    bool done = false;
    while (!done && size >= PACKET_HEADER) {
        bool from_client = data[0] & 1;
        size_t len = (size_t)data[1] << 8 | data[2];
        data += PACKET_HEADER, size -= PACKET_HEADER;
        if (len > size)
            len = size;
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy)
            break;
        memcpy(copy, data, len);
        struct packet_view v;
        memset(&v, 0, sizeof v);
        v.ts_us = ts_us += 1000;
        v.l3 = copy;
        v.l3_len = (uint32_t)len;
        /* As the decoder would say: the IPv4 protocol or the IPv6 next header. */
        if (len >= 20 && copy[0] >> 4 == 4)
            v.transport = copy[9];
        else if (len >= 40 && copy[0] >> 4 == 6)
            v.transport = copy[6];
        done = ndpi_witness_feed(witness, &state, &v, from_client);
        free(copy);
        data += len, size -= len;
    }
    struct flow_detail detail;
    memset(&detail, 0, sizeof detail);
    unsigned evidence = 0;
    ndpi_witness_finish(witness, &state, NULL, &detail, count, &evidence);
    if (state || evidence > 1)
        abort();
    check_detail(&detail);
    return 0;
}
