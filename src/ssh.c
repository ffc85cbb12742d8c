/*
 * ssh.c - reads the SSH identification strings of both sides and the
 * algorithms each side proposes in its first SSH_MSG_KEXINIT, for the
 * HASSH fingerprints.
 *
 * How (RFC 4253): each side first sends "SSH-protoversion-softwareversion
 * [SP comments]" CR LF (a server may send other lines before it); then
 * binary packets: uint32 packet_length, byte padding_length, payload,
 * padding. The first payload is KEXINIT: byte 20, a 16-byte cookie, then
 * ten name-lists (uint32 length + comma-separated names): kex, host key,
 * encryption c2s and s2c, mac c2s and s2c, compression c2s and s2c,
 * languages c2s and s2c. Nothing is encrypted yet, so both are readable.
 *
 * HASSH (Salesforce): md5 of "kex;enc_c2s;mac_c2s;comp_c2s" from the
 * client's KEXINIT; HASSHServer: md5 of "kex;enc_s2c;mac_s2c;comp_s2c" from
 * the server's, each list exactly as sent.
 *
 * Only a valid identification string from the server names the service;
 * product and version are left to the signatures, which read the
 * software version better.
 */
#include <string.h>

#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    SSH_MSG_KEXINIT = 20,
    SSH_COOKIE_LEN = 16,
    SSH_BANNER_MAX = 255, /* RFC 4253 4.2, CR LF included */
    /* Name-lists of KEXINIT, in order. */
    SSH_LIST_KEX = 0,
    SSH_LIST_ENC_C2S = 2,
    SSH_LIST_ENC_S2C = 3,
    SSH_LIST_MAC_C2S = 4,
    SSH_LIST_MAC_S2C = 5,
    SSH_LIST_COMP_C2S = 6,
    SSH_LIST_COMP_S2C = 7,
    SSH_LISTS_NEEDED = 8,
};

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* "SSH-" digits "." digits "-" softwareversion [SP comments], printable ASCII only. */
static bool banner_valid(const uint8_t *p, size_t n)
{
    size_t i = 4;
    if (n < 4 || memcmp(p, "SSH-", 4) != 0)
        return false;
    size_t start = i;
    while (i < n && is_digit(p[i]))
        i++;
    if (i == start || i >= n || p[i++] != '.')
        return false;
    start = i;
    while (i < n && is_digit(p[i]))
        i++;
    if (i == start || i >= n || p[i++] != '-')
        return false;
    if (i >= n || p[i] == ' ')
        return false; /* no software version */
    for (size_t k = 0; k < n; k++)
        if (p[k] < 0x20 || p[k] > 0x7e)
            return false;
    return true;
}

/*
 * Finds the identification string in a head. Returns its length without the
 * line end and sets *after to the offset of the first byte after its LF;
 * 0 if there is no complete, valid one.
 */
static size_t find_banner(const struct head_bytes *h, size_t *start, size_t *after)
{
    size_t pos = 0;
    for (unsigned line = 0; line < PS_SSH_MAX_PRE_BANNER_LINES && pos < h->len; line++) {
        const uint8_t *lf = memchr(h->data + pos, '\n', h->len - pos);
        if (!lf)
            return 0;
        size_t end = (size_t)(lf - h->data), len = end - pos;
        if (len && h->data[end - 1] == '\r')
            len--;
        if (len >= 4 && memcmp(h->data + pos, "SSH-", 4) == 0) {
            if (len + 2 > SSH_BANNER_MAX || !banner_valid(h->data + pos, len))
                return 0;
            *start = pos;
            *after = end + 1;
            return len;
        }
        pos = end + 1;
    }
    return 0;
}

bool ssh_banner_present(const struct head_bytes *h)
{
    size_t start, after;
    return h->data && find_banner(h, &start, &after) != 0;
}

/* HASSH of the first binary packet at w if it is a KEXINIT; out stays empty if not. */
static void kexinit_hassh(struct wire w, bool from_server, char out[DETAIL_HASH_MAX])
{
    uint32_t packet_len = wire_u32(&w);
    if (!w.ok || packet_len < 2 || packet_len > PS_SSH_PACKET_MAX)
        return;
    /* The packet may be cut by the end of the head: read what there is of it. */
    struct wire pkt = wire_sub(&w, packet_len < w.left ? packet_len : w.left);
    uint8_t padding = wire_u8(&pkt);
    if (wire_u8(&pkt) != SSH_MSG_KEXINIT || padding > packet_len - 1)
        return;
    wire_sub(&pkt, SSH_COOKIE_LEN);
    struct wire lists[SSH_LISTS_NEEDED];
    for (size_t i = 0; i < SSH_LISTS_NEEDED; i++)
        lists[i] = wire_sub(&pkt, wire_u32(&pkt));
    if (!pkt.ok)
        return;
    size_t enc = from_server ? SSH_LIST_ENC_S2C : SSH_LIST_ENC_C2S;
    size_t mac = from_server ? SSH_LIST_MAC_S2C : SSH_LIST_MAC_C2S;
    size_t comp = from_server ? SSH_LIST_COMP_S2C : SSH_LIST_COMP_C2S;
    const struct detail_piece pieces[] = {
        {lists[SSH_LIST_KEX].p, lists[SSH_LIST_KEX].left},
        {";", 1},
        {lists[enc].p, lists[enc].left},
        {";", 1},
        {lists[mac].p, lists[mac].left},
        {";", 1},
        {lists[comp].p, lists[comp].left},
    };
    detail_md5_hex(pieces, sizeof pieces / sizeof pieces[0], out);
}

/* One side: its banner into banner[], its KEXINIT's HASSH into hash[]. */
static bool read_side(const struct head_bytes *h, bool from_server, char *banner, size_t cap,
                      char hash[DETAIL_HASH_MAX])
{
    size_t start = 0, after = 0;
    if (!h->data)
        return false;
    size_t len = find_banner(h, &start, &after);
    if (!len)
        return false;
    detail_text(banner, cap, h->data + start, len);
    kexinit_hassh(wire_of(h->data + after, h->len - after), from_server, hash);
    return true;
}

bool ssh_parse(const struct classify_input *in, struct ssh_detail *out, evidence_fn emit, void *ctx)
{
    memset(out, 0, sizeof *out);
    bool server = read_side(&in->server_head, true, out->server_banner, sizeof out->server_banner,
                            out->hassh_server);
    bool client = read_side(&in->client_head, false, out->client_banner, sizeof out->client_banner,
                            out->hassh);
    out->seen = server || client;
    if (server && emit) {
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        EV_SET(ev.service, "ssh");
        EV_SET(ev.rule, "ssh:banner");
        ev.witness = WITNESS_PARSER;
        ev.strength = STRENGTH_PARSER;
        emit(&ev, ctx);
    }
    return out->seen;
}
