/*
 * gen.c - builds the benchmark captures, deterministically.
 *
 *   gen mixed FILE [CONVERSATIONS]   short conversations over many services (default 110000,
 *                                    about 1.1 million packets)
 *   gen bulk FILE [MBYTES]           a few long transfers in 1514-byte frames (default 220 MB)
 *   gen flows FILE [FLOWS]           that many DNS exchanges from distinct clients within a
 *                                    few seconds, so all of them are in the flow table at
 *                                    once (default 1000000): memory per concurrent flow
 *   gen syns FILE [SYNS]             a SYN flood: that many SYNs from distinct clients to
 *                                    one web server, a microsecond apart (default 2000000)
 *   gen spoofed FILE [FLOWS]         traffic from spoofed sources: that many one-packet
 *                                    flows from random addresses, each carrying payload
 *                                    (UDP datagrams and TCP segments of a few sizes, no
 *                                    handshake), ten microseconds apart (default 1000000)
 *
 * Every conversation of mixed and bulk is a real-looking TCP or UDP exchange:
 * handshake, what each side of the protocol says first (the same bytes the
 * servers in pcaps/ send), some data, and the close. syns and spoofed are
 * what an attacker sends instead: nobody answers. Addresses, ports and times
 * come from a fixed-seed generator, so two runs write identical files.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng {
    uint64_t s;
};

static uint32_t next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

struct service {
    uint16_t port;
    int udp;
    const char *client; /* first bytes the client sends (may be NULL) */
    const char *server; /* first bytes the server sends */
    int server_first;
};

/* What servers and clients say first, written from the protocols. */
static const struct service services[] = {
    {22, 0, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
     "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", 1},
    {80, 0, "GET / HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
     "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: "
     "6\r\n\r\nhello\n",
     0},
    {25, 0, "EHLO client.bench.test\r\n",
     "220 mail.bench.test ESMTP Postfix (Debian/GNU)\r\n", 1},
    {21, 0, "USER anonymous\r\n", "220 (vsFTPd 3.0.3)\r\n", 1},
    {6379, 0, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n", 0},
    {110, 0, "CAPA\r\n", "+OK Dovecot (Debian) ready.\r\n", 1},
    {143, 0, "a1 CAPABILITY\r\n",
     "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
     "AUTH=PLAIN] Dovecot (Debian) ready.\r\n",
     1},
    {11211, 0, "version\r\n", "VERSION 1.6.18\r\n", 0},
    {8080, 0, "GET /api HTTP/1.1\r\nHost: bench.test:8080\r\n\r\n",
     "HTTP/1.1 404 Not Found\r\nServer: Apache/2.4.62 (Debian)\r\nContent-Length: 0\r\n\r\n", 0},
    {80, 0, "SSH-2.0-OpenSSH_9.2p1\r\n", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", 1},
    {53, 1, NULL, NULL, 0}, /* DNS: the bytes below */
};
#define NSERVICES (sizeof services / sizeof services[0])
/* A DNS query for bench.test and its answer (they hold NULs, so they are arrays). */
static const uint8_t dns_query[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                   "\x05" "bench" "\x04" "test" "\x00\x00\x01\x00\x01";
static const uint8_t dns_answer[] = "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
                                    "\x05" "bench" "\x04" "test" "\x00\x00\x01\x00\x01"
                                    "\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04"
                                    "\x0a\x00\x00\x01";

struct writer {
    pcap_dumper_t *d;
    uint64_t ts_us;
    uint64_t packets, bytes;
    uint8_t frame[1514];
};

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* One Ethernet/IPv4 frame with a TCP or UDP header and payload. */
static void emit(struct writer *w, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                 int udp, uint8_t flags, uint32_t seq, uint32_t ack, const uint8_t *data,
                 size_t len)
{
    uint8_t *f = w->frame;
    size_t l4 = udp ? 8 : 20;
    if (len > 1514 - 14 - 20 - l4)
        len = 1514 - 14 - 20 - l4;
    memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + l4 + len));
    ip[8] = 64;
    ip[9] = udp ? 17 : 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, csum(ip, 20));
    uint8_t *t = ip + 20;
    memset(t, 0, l4);
    put16(t, sport);
    put16(t + 2, dport);
    if (udp) {
        put16(t + 4, (uint16_t)(8 + len));
    } else {
        put32(t + 4, seq);
        put32(t + 8, ack);
        t[12] = 5 << 4;
        t[13] = flags;
        put16(t + 14, 64240);
    }
    if (len)
        memcpy(t + l4, data, len);
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(w->ts_us / 1000000);
    h.ts.tv_usec = (suseconds_t)(w->ts_us % 1000000);
    h.caplen = h.len = (bpf_u_int32)(14 + 20 + l4 + len);
    pcap_dump((u_char *)w->d, &h, f);
    w->packets++;
    w->bytes += h.len;
}

enum { FIN = 1, SYN = 2, PSH = 8, ACK = 16 };

struct conv {
    uint32_t c, s;
    uint16_t cport, sport;
    uint32_t cseq, sseq;
};

static void said(struct writer *w, struct conv *k, int from_server, const void *data, size_t len)
{
    if (from_server) {
        emit(w, k->s, k->c, k->sport, k->cport, 0, PSH | ACK, k->sseq, k->cseq, data, len);
        k->sseq += (uint32_t)len;
    } else {
        emit(w, k->c, k->s, k->cport, k->sport, 0, PSH | ACK, k->cseq, k->sseq, data, len);
        k->cseq += (uint32_t)len;
    }
    w->ts_us += 40;
}

static void tcp_open(struct writer *w, struct conv *k)
{
    emit(w, k->c, k->s, k->cport, k->sport, 0, SYN, k->cseq++, 0, NULL, 0);
    emit(w, k->s, k->c, k->sport, k->cport, 0, SYN | ACK, k->sseq++, k->cseq, NULL, 0);
    emit(w, k->c, k->s, k->cport, k->sport, 0, ACK, k->cseq, k->sseq, NULL, 0);
    w->ts_us += 100;
}

static void tcp_close(struct writer *w, struct conv *k)
{
    emit(w, k->c, k->s, k->cport, k->sport, 0, FIN | ACK, k->cseq++, k->sseq, NULL, 0);
    emit(w, k->s, k->c, k->sport, k->cport, 0, FIN | ACK, k->sseq++, k->cseq, NULL, 0);
    emit(w, k->c, k->s, k->cport, k->sport, 0, ACK, k->cseq, k->sseq, NULL, 0);
    w->ts_us += 100;
}

static void one_conversation(struct writer *w, struct rng *r, const struct service *sv)
{
    struct conv k = {
        .c = 0x0a000000u | (next(r) & 0xffffu) << 8 | (1 + next(r) % 250),
        .s = 0xac100000u | (1 + next(r) % 200), /* few servers, many clients */
        .cport = (uint16_t)(32768 + next(r) % 28000),
        .sport = sv->port,
        .cseq = next(r),
        .sseq = next(r),
    };
    if (sv->udp) {
        emit(w, k.c, k.s, k.cport, k.sport, 1, 0, 0, 0, dns_query, sizeof dns_query - 1);
        emit(w, k.s, k.c, k.sport, k.cport, 1, 0, 0, 0, dns_answer, sizeof dns_answer - 1);
        w->ts_us += 200;
        return;
    }
    tcp_open(w, &k);
    if (sv->server_first) {
        said(w, &k, 1, sv->server, strlen(sv->server));
        said(w, &k, 0, sv->client, strlen(sv->client));
    } else {
        said(w, &k, 0, sv->client, strlen(sv->client));
        said(w, &k, 1, sv->server, strlen(sv->server));
    }
    uint8_t data[512];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)next(r);
    said(w, &k, 1, data, 200 + next(r) % 300);
    emit(w, k.c, k.s, k.cport, k.sport, 0, ACK, k.cseq, k.sseq, NULL, 0);
    tcp_close(w, &k);
}

static void bulk_transfer(struct writer *w, struct rng *r, const struct service *sv,
                          uint64_t bytes)
{
    struct conv k = {.c = 0x0a000002u, .s = 0xac100001u, .cport = (uint16_t)(40000 + next(r) % 1000),
                     .sport = sv->port, .cseq = next(r), .sseq = next(r)};
    tcp_open(w, &k);
    said(w, &k, 0, sv->client, strlen(sv->client));
    said(w, &k, 1, sv->server, strlen(sv->server));
    uint8_t data[1460];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)next(r);
    for (uint64_t sent = 0; sent < bytes; sent += sizeof data) {
        said(w, &k, 1, data, sizeof data);
        if ((sent / sizeof data) % 2 == 1)
            emit(w, k.c, k.s, k.cport, k.sport, 0, ACK, k.cseq, k.sseq, NULL, 0);
        w->ts_us += 10;
    }
    tcp_close(w, &k);
}

/* SYN i comes from a distinct client: address 10.0.0.0 + i (distinct up to 2^24 SYNs). */
static void syn_flood(struct writer *w, struct rng *r, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        uint32_t c = 0x0a000000u | (uint32_t)(i & 0xffffffu);
        uint16_t cport = (uint16_t)(1024 + i % 60000);
        emit(w, c, 0xac100001u, cport, 80, 0, SYN, next(r), 0, NULL, 0);
        w->ts_us += 1;
    }
}

/*
 * One packet from each of n random source addresses (anywhere in the IPv4
 * space; a repeat is simply another packet of that flow), carrying payload
 * of 16 to 1400 bytes: random bytes, a DNS query or an HTTP request, to a
 * handful of ports, as UDP or as TCP segments with ACK set and no
 * handshake. Nothing answers.
 */
static void spoofed_flows(struct writer *w, struct rng *r, unsigned long n)
{
    static const uint16_t ports[] = {53, 80, 123, 443, 5060, 8080, 11211, 31337};
    static const char http_get[] = "GET / HTTP/1.1\r\nHost: victim.test\r\n\r\n";
    uint8_t data[1400];
    for (unsigned long i = 0; i < n; i++) {
        uint32_t src = next(r) << 16 ^ next(r);
        uint16_t sport = (uint16_t)(1024 + next(r) % 64000);
        uint16_t dport = ports[next(r) % (sizeof ports / sizeof ports[0])];
        int udp = next(r) & 1;
        size_t len = 16 + next(r) % 1385;
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)next(r);
        const uint8_t *payload = data;
        switch (next(r) % 4) {
        case 0:
            payload = dns_query;
            len = sizeof dns_query - 1;
            break;
        case 1:
            payload = (const uint8_t *)http_get;
            len = sizeof http_get - 1;
            break;
        default:
            break;
        }
        emit(w, src, 0xac100001u, sport, dport, udp, PSH | ACK, next(r), next(r), payload, len);
        w->ts_us += 10;
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 ||
        (strcmp(argv[1], "mixed") && strcmp(argv[1], "bulk") && strcmp(argv[1], "flows") &&
         strcmp(argv[1], "syns") && strcmp(argv[1], "spoofed"))) {
        fprintf(stderr, "usage: gen mixed|bulk|flows|syns|spoofed FILE [COUNT]\n");
        return 2;
    }
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct writer w = {.ts_us = 1767225600000000ull}; /* 2026-01-01 */
    w.d = pcap_dump_open(dead, argv[2]);
    if (!w.d) {
        fprintf(stderr, "gen: %s: %s\n", argv[2], pcap_geterr(dead));
        return 1;
    }
    struct rng r = {0x5eed5eed12345678ull};
    if (strcmp(argv[1], "mixed") == 0) {
        unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 110000;
        for (unsigned long i = 0; i < n; i++)
            one_conversation(&w, &r, &services[next(&r) % NSERVICES]);
    } else if (strcmp(argv[1], "flows") == 0) {
        unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
        for (unsigned long i = 0; i < n; i++) {
            /* Client i: a distinct address in 10.0.0.0/8; 200 servers answer. */
            uint32_t c = 0x0a000000u | (uint32_t)(i & 0xffffffu);
            uint32_t srv = 0xac100000u | (1 + next(&r) % 200);
            uint16_t cport = (uint16_t)(32768 + next(&r) % 28000);
            emit(&w, c, srv, cport, 53, 1, 0, 0, 0, dns_query, sizeof dns_query - 1);
            emit(&w, srv, c, 53, cport, 1, 0, 0, 0, dns_answer, sizeof dns_answer - 1);
            w.ts_us += 5; /* a million exchanges in five seconds: none idles out */
        }
    } else if (strcmp(argv[1], "syns") == 0) {
        syn_flood(&w, &r, argc > 3 ? strtoul(argv[3], NULL, 10) : 2000000);
    } else if (strcmp(argv[1], "spoofed") == 0) {
        spoofed_flows(&w, &r, argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000);
    } else {
        unsigned long mb = argc > 3 ? strtoul(argv[3], NULL, 10) : 220;
        /* Four transfers: HTTP downloads on 80 and 8080, and two plain SSH-port streams. */
        const struct service *pick[] = {&services[1], &services[8], &services[0], &services[1]};
        for (int i = 0; i < 4; i++)
            bulk_transfer(&w, &r, pick[i], (uint64_t)mb * 1000000 / 4);
    }
    pcap_dump_close(w.d);
    pcap_close(dead);
    fprintf(stderr, "gen: %s: %llu packets, %llu bytes\n", argv[2],
            (unsigned long long)w.packets, (unsigned long long)w.bytes);
    return 0;
}
