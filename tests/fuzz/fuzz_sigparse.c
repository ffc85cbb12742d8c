/*
 * fuzz_sigparse.c - libFuzzer target for the signature file reader.
 *
 * The input is a signature file. The first byte picks strict or lenient
 * loading; the rest is loaded, finalized (index, JIT) and then matched
 * against a few fixed heads, so a line the reader accepts is also exercised
 * by the index and the matcher.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "signature.h"

static void ignore(const struct evidence *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
}

static void match_heads(const struct sigset *s)
{
    static const char *const heads[] = {"SSH-2.0-x\r\n",
                                        "HTTP/1.1 200 OK\r\n\r\n",
                                        "\x30\x26\x02\x01\x01\x04\x06public",
                                        "220 ready\r\n",
                                        "a",
                                        ""};
    static const char *const clients[] = {"GET / HTTP/1.0\r\n\r\n", "\r\n", "",
                                          "*1\r\n$4\r\nPING\r\n"};
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++)
        for (size_t c = 0; c < sizeof clients / sizeof clients[0]; c++)
            for (int udp = 0; udp < 2; udp++) {
                struct classify_input in;
                memset(&in, 0, sizeof in);
                in.transport = udp ? IPPROTO_UDP : IPPROTO_TCP;
                in.first_talker = clients[c][0] ? TALKER_CLIENT : TALKER_SERVER;
                in.server_head.data = (const uint8_t *)heads[h];
                in.server_head.len = (uint32_t)strlen(heads[h]);
                in.client_head.data = (const uint8_t *)clients[c];
                in.client_head.len = (uint32_t)strlen(clients[c]);
                sigset_match(s, &in, ignore, NULL);
            }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool strict = data[0] & 1;
    struct sigset *s = sigset_create();
    char err[512];
    if (s &&
        sigset_load_buffer(s, "fuzz.sig", (const char *)data + 1, size - 1, strict, NULL, err,
                           sizeof err) == 0 &&
        sigset_finalize(s, err, sizeof err) == 0) {
        static FILE *devnull;
        if (!devnull)
            devnull = fopen("/dev/null", "w");
        if (devnull)
            sigset_list(s, devnull);
        match_heads(s);
    }
    sigset_destroy(s);
    return 0;
}
