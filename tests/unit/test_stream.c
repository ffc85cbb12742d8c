/*
 * test_stream.c - stream heads: order, holes, retransmissions, overlaps, wrap, UDP.
 *
 * Each test feeds hand-made segments to one head and checks the bytes it
 * keeps and the flags it sets. The banner tests split real server greetings
 * at every byte and deliver the halves in both orders: the head must not
 * depend on how the network cut or reordered them.
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "unit.h"

static const char ssh_banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
static const char smtp_banner[] = "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n";

static enum segment_fate put(struct stream_head *h, uint32_t seq, const char *s, uint32_t hb)
{
    return stream_head_place_tcp(h, seq, (const uint8_t *)s, (uint32_t)strlen(s), hb);
}

static bool head_is(const struct stream_head *h, const char *want)
{
    struct head_bytes v;
    stream_head_view(h, &v);
    return v.len == strlen(want) && (v.len == 0 || memcmp(v.data, want, v.len) == 0);
}

static void test_in_order(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 1000);
    CU_ASSERT_PTR_NULL(h.buf); /* nothing allocated before payload */
    CU_ASSERT_EQUAL(h.next_seq, 1001);
    CU_ASSERT_EQUAL(put(&h, 1001, "hello ", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(stream_head_add_tcp(&h, 1007, (const uint8_t *)"world", 5, 4096));
    CU_ASSERT_TRUE(head_is(&h, "hello world"));
    CU_ASSERT_EQUAL(h.next_seq, 1012);
    CU_ASSERT_FALSE(stream_head_complete(&h));
    stream_head_release(&h);
    CU_ASSERT_PTR_NULL(h.buf);
    CU_ASSERT_TRUE(h.flags & HEAD_RELEASED);
    CU_ASSERT_TRUE(stream_head_complete(&h));
    CU_ASSERT_EQUAL(put(&h, 1012, "more", 4096), SEG_NONE);
}

static void test_out_of_order(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 99);
    CU_ASSERT_EQUAL(put(&h, 110, "CCCCC", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&h, 105, "BBBBB", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(h.held_count, 1); /* adjacent held ranges merge */
    CU_ASSERT_TRUE(head_is(&h, ""));
    CU_ASSERT_EQUAL(put(&h, 100, "AAAAA", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "AAAAABBBBBCCCCC"));
    CU_ASSERT_EQUAL(h.held_count, 0);
    CU_ASSERT_PTR_NULL(h.held);
    CU_ASSERT_EQUAL(h.next_seq, 115);
    stream_head_release(&h);
}

static void test_retransmission(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    CU_ASSERT_EQUAL(put(&h, 1, "abcdef", 4096), SEG_IN_ORDER);
    CU_ASSERT_EQUAL(put(&h, 1, "abcdef", 4096), SEG_RETRANSMISSION);
    CU_ASSERT_EQUAL(put(&h, 3, "cd", 4096), SEG_RETRANSMISSION);
    /* A resegmented retransmission that also carries new bytes: only the tail is new. */
    CU_ASSERT_EQUAL(put(&h, 5, "efgh", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "abcdefgh"));
    /* A held segment sent twice is a retransmission too. */
    CU_ASSERT_EQUAL(put(&h, 20, "zz", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&h, 20, "zz", 4096), SEG_RETRANSMISSION);
    CU_ASSERT_EQUAL(put(&h, 21, "z", 4096), SEG_RETRANSMISSION);
    stream_head_release(&h);
}

static void test_overlap_first_wins(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    CU_ASSERT_EQUAL(put(&h, 1, "GET /", 4096), SEG_IN_ORDER);
    /* Different bytes for data already in order: the first copy stays. */
    CU_ASSERT_EQUAL(put(&h, 1, "XXXXX", 4096), SEG_RETRANSMISSION);
    CU_ASSERT_EQUAL(put(&h, 4, "YYYYYY", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "GET /YYYY"));
    /* A held segment wins over a later in-order one that covers it. */
    CU_ASSERT_EQUAL(put(&h, 14, "held", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&h, 10, "0123456789", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "GET /YYYY0123held89"));
    /* Overlapping held segments: the first held bytes win as well. */
    CU_ASSERT_EQUAL(put(&h, 30, "aaaa", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&h, 28, "bbbbbbbb", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(h.held_count, 1);
    CU_ASSERT_TRUE(stream_head_valid(&h, 4096));
    CU_ASSERT_EQUAL(put(&h, 20, "cccccccc", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "GET /YYYY0123held89ccccccccbbaaaabb"));
    stream_head_release(&h);
}

static void test_wraparound(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 0xfffffff8u); /* data starts at 0xfffffff9 */
    CU_ASSERT_EQUAL(put(&h, 0xfffffff9u, "0123", 4096), SEG_IN_ORDER);
    /* This segment starts past 2^32: held out of order across the wrap. */
    CU_ASSERT_EQUAL(put(&h, 0x00000005u, "CDEF", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&h, 0xfffffffdu, "456789AB", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "0123456789ABCDEF"));
    CU_ASSERT_EQUAL(h.next_seq, 0x00000009u);
    /* Numbers just before the wrap are now in the past. */
    CU_ASSERT_EQUAL(put(&h, 0xfffffffbu, "23", 4096), SEG_RETRANSMISSION);
    stream_head_release(&h);

    /* The SYN itself at 0xffffffff: its sequence number wraps to 0. */
    struct stream_head w = {0};
    stream_head_syn(&w, 0xffffffffu);
    CU_ASSERT_EQUAL(w.next_seq, 0);
    CU_ASSERT_EQUAL(put(&w, 0, "x", 4096), SEG_IN_ORDER);
    stream_head_release(&w);
}

static void test_mid_stream(void)
{
    struct stream_head h = {0};
    /* No SYN: the first segment seen sets the start. */
    CU_ASSERT_EQUAL(put(&h, 3000000000u, "middle", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(h.flags & HEAD_HAVE_SEQ);
    CU_ASSERT_EQUAL(h.next_seq, 3000000006u);
    /* Earlier bytes that turn up later are before the start: ignored. */
    CU_ASSERT_EQUAL(put(&h, 2999999990u, "0123456789", 4096), SEG_RETRANSMISSION);
    CU_ASSERT_EQUAL(put(&h, 3000000006u, " end", 4096), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "middle end"));
    /* A SYN seen after data changes nothing. */
    stream_head_syn(&h, 5);
    CU_ASSERT_EQUAL(h.next_seq, 3000000010u);
    stream_head_release(&h);
}

/* The banner cut at every byte, halves delivered in order and reversed, from several ISNs. */
static void split_everywhere(const char *banner)
{
    const uint32_t isns[] = {1u, 0x7fffffffu, 0xfffffff0u, 0xffffffffu};
    uint32_t n = (uint32_t)strlen(banner);
    const uint8_t *b = (const uint8_t *)banner;
    for (size_t k = 0; k < sizeof isns / sizeof isns[0]; k++) {
        uint32_t first = isns[k] + 1;
        for (uint32_t cut = 1; cut < n; cut++) {
            for (int reverse = 0; reverse < 2; reverse++) {
                struct stream_head h = {0};
                stream_head_syn(&h, isns[k]);
                if (!reverse) {
                    CU_ASSERT_EQUAL(stream_head_place_tcp(&h, first, b, cut, 4096), SEG_IN_ORDER);
                    CU_ASSERT_EQUAL(stream_head_place_tcp(&h, first + cut, b + cut, n - cut, 4096),
                                    SEG_IN_ORDER);
                } else {
                    CU_ASSERT_EQUAL(stream_head_place_tcp(&h, first + cut, b + cut, n - cut, 4096),
                                    SEG_OUT_OF_ORDER);
                    CU_ASSERT_EQUAL(stream_head_place_tcp(&h, first, b, cut, 4096), SEG_IN_ORDER);
                }
                CU_ASSERT_TRUE(head_is(&h, banner));
                CU_ASSERT_EQUAL(h.next_seq, first + n);
                CU_ASSERT_EQUAL(h.held_count, 0);
                stream_head_fin(&h, first + n);
                CU_ASSERT_TRUE(stream_head_complete(&h));
                CU_ASSERT_FALSE(h.flags & HEAD_GAP);
                stream_head_release(&h);
            }
        }
    }
}

static void test_banner_ssh_split(void)
{
    split_everywhere(ssh_banner);
}

static void test_banner_smtp_split(void)
{
    split_everywhere(smtp_banner);
}

/* Three pieces in all six orders, also with the whole banner retransmitted in between. */
static void test_banner_three_pieces(void)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    uint32_t n = (uint32_t)strlen(smtp_banner);
    const uint8_t *b = (const uint8_t *)smtp_banner;
    for (uint32_t c1 = 1; c1 + 1 < n; c1 += 3)
        for (uint32_t c2 = c1 + 1; c2 < n; c2 += 5)
            for (int o = 0; o < 6; o++) {
                uint32_t start[3] = {0, c1, c2}, end[3] = {c1, c2, n};
                struct stream_head h = {0};
                stream_head_syn(&h, 0xfffffffeu);
                for (int i = 0; i < 3; i++) {
                    int p = orders[o][i];
                    stream_head_place_tcp(&h, 0xffffffffu + start[p], b + start[p],
                                          end[p] - start[p], 4096);
                    if (i == 1)
                        stream_head_place_tcp(&h, 0xffffffffu, b, n, 4096);
                }
                CU_ASSERT_TRUE(head_is(&h, smtp_banner));
                stream_head_release(&h);
            }
}

static void test_truncated_at_head_bytes(void)
{
    const char *text = "0123456789abcdefghijklmnopqrstuvwxyz";
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    CU_ASSERT_EQUAL(put(&h, 1, "0123456", 10), SEG_IN_ORDER);
    CU_ASSERT_FALSE(h.flags & HEAD_FULL);
    CU_ASSERT_EQUAL(put(&h, 8, "789abcdef", 10), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&h, "0123456789"));
    CU_ASSERT_TRUE(h.flags & HEAD_FULL);
    CU_ASSERT_TRUE(stream_head_complete(&h));
    CU_ASSERT_EQUAL(put(&h, 11, "abc", 10), SEG_NONE);
    struct head_bytes v;
    stream_head_view(&h, &v);
    CU_ASSERT_TRUE(v.truncated);
    CU_ASSERT_FALSE(v.gap);
    CU_ASSERT_EQUAL(v.len, 10);
    stream_head_release(&h);

    /* Filled up to the limit by a held segment that straddles it. */
    struct stream_head o = {0};
    stream_head_syn(&o, 0);
    CU_ASSERT_EQUAL(put(&o, 6, text + 5, 10), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(put(&o, 30, "far", 10), SEG_OUT_OF_ORDER); /* past the head: dropped */
    CU_ASSERT_EQUAL(o.held_count, 1);
    CU_ASSERT_EQUAL(put(&o, 1, "01234", 10), SEG_IN_ORDER);
    CU_ASSERT_TRUE(head_is(&o, "0123456789"));
    CU_ASSERT_TRUE(o.flags & HEAD_FULL);
    CU_ASSERT_TRUE(o.cap <= 10);
    stream_head_release(&o);

    /* A big head grows its buffer but never past head_bytes. */
    uint8_t big[5000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    struct stream_head g = {0};
    stream_head_syn(&g, 41);
    for (uint32_t at = 0; at < sizeof big; at += 100)
        stream_head_place_tcp(&g, 42 + at, big + at, 100, 4096);
    CU_ASSERT_EQUAL(g.len, 4096);
    CU_ASSERT_EQUAL(g.cap, 4096);
    CU_ASSERT_EQUAL(memcmp(g.buf, big, 4096), 0);
    stream_head_release(&g);
}

static void test_gap_on_finish(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    put(&h, 1, "abc", 4096);
    put(&h, 10, "later", 4096);
    CU_ASSERT_FALSE(stream_head_complete(&h));
    stream_head_finish(&h);
    CU_ASSERT_TRUE(h.flags & HEAD_GAP);
    CU_ASSERT_TRUE(head_is(&h, "abc")); /* the head stops at the hole */
    CU_ASSERT_TRUE(stream_head_complete(&h));
    CU_ASSERT_EQUAL(put(&h, 4, "defghi", 4096), SEG_NONE);
    stream_head_release(&h);

    /* Ending with nothing held is not a gap. */
    struct stream_head c = {0};
    put(&c, 7, "all", 4096);
    stream_head_finish(&c);
    CU_ASSERT_FALSE(c.flags & HEAD_GAP);
    stream_head_release(&c);
}

static void test_gap_held_bound(void)
{
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    put(&h, 1, "ab", 4096);
    /* PS_MAX_OOO_SEGMENTS disjoint held ranges fit... */
    for (uint32_t i = 0; i < PS_MAX_OOO_SEGMENTS; i++)
        CU_ASSERT_EQUAL(put(&h, 10 + 10 * i, "xy", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(h.held_count, PS_MAX_OOO_SEGMENTS);
    /* ...one touching an existing range merges and costs nothing... */
    CU_ASSERT_EQUAL(put(&h, 12, "zz", 4096), SEG_OUT_OF_ORDER);
    CU_ASSERT_EQUAL(h.held_count, PS_MAX_OOO_SEGMENTS);
    /* ...and one more hole ends the head at the first hole. */
    CU_ASSERT_EQUAL(put(&h, 1000, "no", 4096), SEG_GAP);
    CU_ASSERT_TRUE(h.flags & HEAD_GAP);
    CU_ASSERT_TRUE(head_is(&h, "ab"));
    CU_ASSERT_EQUAL(h.held_count, 0);
    CU_ASSERT_TRUE(stream_head_complete(&h));
    stream_head_release(&h);
}

static void test_fin_and_rst(void)
{
    /* FIN right after the data: complete, no gap. */
    struct stream_head h = {0};
    stream_head_syn(&h, 0);
    put(&h, 1, "bye", 4096);
    stream_head_fin(&h, 4);
    CU_ASSERT_TRUE(h.flags & HEAD_FIN);
    CU_ASSERT_FALSE(h.flags & HEAD_GAP);
    CU_ASSERT_TRUE(stream_head_complete(&h));
    stream_head_release(&h);

    /* FIN beyond a hole: the head ends at the hole. */
    struct stream_head g = {0};
    stream_head_syn(&g, 0);
    put(&g, 1, "abc", 4096);
    put(&g, 8, "held", 4096);
    stream_head_fin(&g, 12);
    CU_ASSERT_TRUE(g.flags & HEAD_GAP);
    CU_ASSERT_TRUE(head_is(&g, "abc"));
    CU_ASSERT_TRUE(stream_head_complete(&g));
    stream_head_release(&g);

    /* A FIN beyond a hole does not matter once the head is full. */
    struct stream_head f = {0};
    stream_head_syn(&f, 0);
    put(&f, 1, "abcd", 4);
    stream_head_fin(&f, 100);
    CU_ASSERT_FALSE(f.flags & HEAD_GAP);
    stream_head_release(&f);

    /* RST with held segments: they will never be completed. */
    struct stream_head r = {0};
    stream_head_syn(&r, 0);
    put(&r, 5, "x", 4096);
    stream_head_rst(&r);
    CU_ASSERT_TRUE(r.flags & HEAD_RST);
    CU_ASSERT_TRUE(r.flags & HEAD_GAP);
    CU_ASSERT_TRUE(stream_head_complete(&r));
    stream_head_release(&r);

    /* A FIN with no data seen at all ends the head cleanly. */
    struct stream_head e = {0};
    stream_head_fin(&e, 77);
    CU_ASSERT_TRUE(stream_head_complete(&e));
    CU_ASSERT_FALSE(e.flags & HEAD_GAP);
    stream_head_release(&e);
}

static void test_udp(void)
{
    struct stream_head h = {0};
    CU_ASSERT_TRUE(stream_head_add_udp(&h, (const uint8_t *)"one", 3, 4096));
    CU_ASSERT_TRUE(stream_head_add_udp(&h, NULL, 0, 4096)); /* an empty datagram still counts */
    CU_ASSERT_TRUE(stream_head_add_udp(&h, (const uint8_t *)"three", 5, 4096));
    CU_ASSERT_FALSE(stream_head_complete(&h));
    CU_ASSERT_TRUE(stream_head_add_udp(&h, (const uint8_t *)"4", 1, 4096));
    CU_ASSERT_TRUE(stream_head_complete(&h));
    CU_ASSERT_FALSE(stream_head_add_udp(&h, (const uint8_t *)"five", 4, 4096));
    struct head_bytes v;
    stream_head_view(&h, &v);
    CU_ASSERT_EQUAL(v.datagrams, 4);
    CU_ASSERT_EQUAL(v.datagram_end[0], 3);
    CU_ASSERT_EQUAL(v.datagram_end[1], 3);
    CU_ASSERT_EQUAL(v.datagram_end[2], 8);
    CU_ASSERT_EQUAL(v.datagram_end[3], 9);
    CU_ASSERT_EQUAL(v.len, 9);
    CU_ASSERT_EQUAL(memcmp(v.data, "onethree4", 9), 0);
    CU_ASSERT_FALSE(v.truncated);
    stream_head_release(&h);

    /* head_bytes counts across datagrams; the one that crosses it is cut. */
    struct stream_head t = {0};
    CU_ASSERT_TRUE(stream_head_add_udp(&t, (const uint8_t *)"abcdef", 6, 8));
    CU_ASSERT_TRUE(stream_head_add_udp(&t, (const uint8_t *)"ghijkl", 6, 8));
    CU_ASSERT_TRUE(t.flags & HEAD_FULL);
    CU_ASSERT_FALSE(stream_head_add_udp(&t, (const uint8_t *)"m", 1, 8));
    stream_head_view(&t, &v);
    CU_ASSERT_EQUAL(v.len, 8);
    CU_ASSERT_EQUAL(v.datagrams, 2);
    CU_ASSERT_EQUAL(v.datagram_end[1], 8);
    CU_ASSERT_TRUE(v.truncated);
    stream_head_release(&t);
}

/* Deterministic pseudo-random numbers for the shuffle test. */
static uint32_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* A stream cut into random pieces, delivered shuffled with stray duplicates, comes out whole. */
static void test_shuffled_delivery(void)
{
    enum { N = 3000, PIECES = 12 };
    uint8_t stream[N];
    uint64_t rng = 42;
    for (int i = 0; i < N; i++)
        stream[i] = (uint8_t)rng_next(&rng);
    for (int round = 0; round < 300; round++) {
        uint32_t cut[PIECES + 1] = {0};
        for (int i = 1; i < PIECES; i++)
            cut[i] = rng_next(&rng) % N;
        cut[PIECES] = N;
        /* sort the cuts */
        for (int i = 1; i < PIECES; i++)
            for (int j = i; j > 0 && cut[j] < cut[j - 1]; j--) {
                uint32_t x = cut[j];
                cut[j] = cut[j - 1];
                cut[j - 1] = x;
            }
        int order[PIECES];
        for (int i = 0; i < PIECES; i++)
            order[i] = i;
        for (int i = PIECES - 1; i > 0; i--) {
            int j = (int)(rng_next(&rng) % (uint32_t)(i + 1));
            int x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        uint32_t isn = rng_next(&rng) ^ (rng_next(&rng) << 16);
        uint32_t hb = round % 3 ? 4096 : 1000;
        struct stream_head h = {0};
        stream_head_syn(&h, isn);
        for (int i = 0; i < PIECES; i++) {
            int p = order[i];
            uint32_t a = cut[p], b = cut[p + 1];
            stream_head_place_tcp(&h, isn + 1 + a, stream + a, b - a, hb);
            /* A stray copy of a random range, cut where no piece was (resegmented). */
            uint32_t d0 = rng_next(&rng) % N, dl = rng_next(&rng) % 200;
            if (d0 + dl > N)
                dl = N - d0;
            if (i % 4 == 3)
                stream_head_place_tcp(&h, isn + 1 + d0, stream + d0, dl, hb);
            CU_ASSERT_TRUE(stream_head_valid(&h, hb));
        }
        uint32_t want = N < hb ? N : hb;
        CU_ASSERT_EQUAL_FATAL(h.len, want);
        CU_ASSERT_EQUAL(memcmp(h.buf, stream, want), 0);
        CU_ASSERT_FALSE(h.flags & HEAD_GAP);
        stream_head_release(&h);
    }
}

void suite_stream(void)
{
    UNIT_SUITE("stream", NULL, NULL, {"in order", test_in_order},
               {"out of order", test_out_of_order}, {"retransmission", test_retransmission},
               {"overlap first wins", test_overlap_first_wins}, {"wrap-around", test_wraparound},
               {"mid-stream start", test_mid_stream},
               {"ssh banner split everywhere", test_banner_ssh_split},
               {"smtp banner split everywhere", test_banner_smtp_split},
               {"banner in three pieces", test_banner_three_pieces},
               {"truncated at head_bytes", test_truncated_at_head_bytes},
               {"gap when the flow ends", test_gap_on_finish},
               {"gap at the held bound", test_gap_held_bound}, {"fin and rst", test_fin_and_rst},
               {"udp datagrams", test_udp}, {"shuffled delivery", test_shuffled_delivery});
}
