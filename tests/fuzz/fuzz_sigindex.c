/*
 * fuzz_sigindex.c - libFuzzer target: the candidate machinery (first-byte index, literal
 * prefix, run at a fixed place, gram pairs, lazy tier) against a plain linear scan.
 *
 * Input: one byte of flags (bit 0: our lines strict, bit 1: a second, lenient copy of the
 * lines, which becomes tier 1), one byte n, n bytes of head, then a signature file. The
 * head is matched as a server banner, as an answer to an HTTP request and as a client
 * head, once through the index and once linearly; any difference aborts.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signature.h"

struct got {
    struct evidence ev[4];
    int n;
};

static void collect(const struct evidence *ev, void *ctx)
{
    struct got *g = ctx;
    if (g->n < 4)
        g->ev[g->n++] = *ev;
}

static void compare(struct sigset *s, const struct classify_input *in)
{
    struct got a = {.n = 0}, b = {.n = 0};
    sigset_set_linear(s, true);
    sigset_match(s, in, collect, &a);
    sigset_set_linear(s, false);
    sigset_match(s, in, collect, &b);
    if (a.n != b.n)
        abort();
    for (int i = 0; i < a.n; i++)
        if (memcmp(&a.ev[i], &b.ev[i], sizeof a.ev[i]) != 0)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || (size_t)data[1] + 2 > size)
        return 0;
    uint8_t flags = data[0];
    const uint8_t *head = data + 2;
    uint32_t hlen = data[1];
    const char *text = (const char *)head + hlen;
    size_t tlen = size - 2 - hlen;
    struct sigset *s = sigset_create();
    char err[512];
    bool ok =
        s && sigset_load_buffer(s, "a.sig", text, tlen, flags & 1, NULL, err, sizeof err) == 0;
    if (ok && (flags & 2))
        ok = sigset_load_buffer(s, "b.sig", text, tlen, false, NULL, err, sizeof err) == 0;
    if (ok && sigset_finalize(s, err, sizeof err) == 0) {
        static const char req[] = "GET / HTTP/1.0\r\n\r\n";
        struct classify_input in;
        memset(&in, 0, sizeof in);
        in.transport = IPPROTO_TCP;
        in.first_talker = TALKER_SERVER;
        in.server_head = (struct head_bytes){.data = head, .len = hlen, .truncated = flags & 4};
        compare(s, &in);
        in.first_talker = TALKER_CLIENT;
        in.client_head = (struct head_bytes){.data = (const uint8_t *)req, .len = sizeof req - 1};
        compare(s, &in);
        in.server_head = (struct head_bytes){.data = (const uint8_t *)"x", .len = 1};
        in.client_head = (struct head_bytes){.data = head, .len = hlen};
        compare(s, &in);
        in.transport = IPPROTO_UDP;
        compare(s, &in);
    }
    sigset_destroy(s);
    return 0;
}
