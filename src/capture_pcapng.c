/*
 * capture_pcapng.c - a pcapng reader for files libpcap will not read whole.
 *
 * libpcap 1.10 stops on a pcapng file whose interfaces have different link
 * types (Ethernet and Linux cooked, say, from a capture on several
 * interfaces), and on a record longer than the snapshot length. capture.c
 * then reopens the file here and goes on from where libpcap stopped. A record
 * longer than its interface's snapshot length is cut to it, as libpcap cuts
 * classic pcap records, and the caller is told. This reader walks the blocks
 * itself: section headers
 * (byte order), interface descriptions (link type, snap length, timestamp
 * resolution and offset) and the three packet blocks (enhanced, simple,
 * obsolete); every other block is skipped by its length. Every length is
 * checked against the block it sits in; a block may not exceed
 * PS_PCAPNG_MAX_BLOCK and a section may not describe more than
 * PS_PCAPNG_MAX_IFACES interfaces. The one block buffer grows to the largest
 * block seen, so nothing is allocated per packet.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "capture_internal.h"
#include "config.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 0x00000001u
#define BT_OPB 0x00000002u
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du
#define BLOCK_MIN 12u
#define OPT_END 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define US_PER_S 1000000u
#define TSOFFSET_MAX_S 10000000000ll
#define LINKTYPE_RAW 101

struct ng_iface {
    int linktype;
    uint32_t snaplen;
    bool tsresol_pow2;  /* resolution 2^-exp rather than 10^-exp */
    unsigned tsresol;   /* the exponent */
    int64_t tsoffset_s; /* seconds added to every timestamp */
    struct bpf_program prog;
    bool has_prog;
};

struct ng_reader {
    FILE *f;
    bool swap;
    uint8_t *buf;
    uint32_t cap;
    struct ng_iface ifaces[PS_PCAPNG_MAX_IFACES];
    unsigned nifaces;
    const char *bpf;
    struct pcapng_result *res;
};

static uint32_t u32(const struct ng_reader *r, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct ng_reader *r, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return r->swap ? __builtin_bswap16(v) : v;
}

static void set_why(struct pcapng_result *res, const char *why)
{
    snprintf(res->why, sizeof res->why, "%s", why);
}

static void drop_ifaces(struct ng_reader *r)
{
    for (unsigned i = 0; i < r->nifaces; i++)
        if (r->ifaces[i].has_prog)
            pcap_freecode(&r->ifaces[i].prog);
    r->nifaces = 0;
}

/* Microseconds since the epoch from a 64-bit timestamp in the interface's units. */
static uint64_t ts_us(const struct ng_iface *i, uint64_t t)
{
    uint64_t us;
    if (i->tsresol_pow2) {
        unsigned e = i->tsresol < 63 ? i->tsresol : 63;
        us = (t >> e) * US_PER_S + (((t & ((1ull << e) - 1)) * US_PER_S) >> e);
    } else if (i->tsresol >= 6) {
        us = t;
        for (unsigned k = 6; k < i->tsresol && k < 26; k++)
            us /= 10;
    } else {
        us = t;
        for (unsigned k = i->tsresol; k < 6; k++)
            us *= 10;
    }
    int64_t off = i->tsoffset_s * (int64_t)US_PER_S;
    if (off < 0 && (uint64_t)-off > us)
        return 0;
    return us + (uint64_t)off;
}

static void read_idb_options(struct ng_reader *r, struct ng_iface *i, const uint8_t *p,
                             uint32_t len)
{
    while (len >= 4) {
        uint16_t code = u16(r, p), olen = u16(r, p + 2);
        uint32_t padded = (olen + 3u) & ~3u;
        if (code == OPT_END || padded > len - 4)
            return;
        if (code == OPT_IF_TSRESOL && olen >= 1) {
            i->tsresol_pow2 = p[4] & 0x80;
            i->tsresol = p[4] & 0x7f;
        } else if (code == OPT_IF_TSOFFSET && olen >= 8) {
            uint64_t v;
            memcpy(&v, p + 4, 8);
            int64_t off = (int64_t)(r->swap ? __builtin_bswap64(v) : v);
            /* Beyond a few centuries it is nonsense; clamped so microseconds cannot overflow. */
            i->tsoffset_s = off > TSOFFSET_MAX_S    ? TSOFFSET_MAX_S
                            : off < -TSOFFSET_MAX_S ? -TSOFFSET_MAX_S
                                                    : off;
        }
        p += 4 + padded;
        len -= 4 + padded;
    }
}

/*
 * A pcapng interface names a LINKTYPE_ value; libpcap's names are for DLT_
 * values, which are the same numbers except for a few (raw IP is 101 here).
 */
static const char *linktype_name(int linktype)
{
    if (linktype == LINKTYPE_RAW)
        return "RAW";
    const char *name = pcap_datalink_val_to_name(linktype);
    return name ? name : "unknown";
}

static bool add_iface(struct ng_reader *r, const uint8_t *body, uint32_t len)
{
    if (len < 8) {
        set_why(r->res, "interface description block too short");
        return false;
    }
    if (r->nifaces == PS_PCAPNG_MAX_IFACES) {
        set_why(r->res, "too many interfaces");
        return false;
    }
    struct ng_iface *i = &r->ifaces[r->nifaces];
    memset(i, 0, sizeof *i);
    i->linktype = u16(r, body);
    i->snaplen = u32(r, body + 4);
    i->tsresol = 6;
    read_idb_options(r, i, body + 8, len - 8);
    if (r->nifaces > 0 && i->linktype != r->ifaces[0].linktype && !r->res->note[0])
        snprintf(r->res->note, sizeof r->res->note,
                 "interfaces of different link types (0: %s, %u: %s); each packet is decoded "
                 "by its own interface's type",
                 linktype_name(r->ifaces[0].linktype), r->nifaces, linktype_name(i->linktype));
    if (r->bpf && *r->bpf) {
        pcap_t *dead = pcap_open_dead(i->linktype, i->snaplen ? (int)i->snaplen : 262144);
        if (!dead || pcap_compile(dead, &i->prog, r->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(r->res->why, sizeof r->res->why, "bad filter '%s' for link type %d: %s",
                     r->bpf, i->linktype, dead ? pcap_geterr(dead) : "no memory");
            if (dead)
                pcap_close(dead);
            return false;
        }
        pcap_close(dead);
        i->has_prog = true;
    }
    r->nifaces++;
    return true;
}

/* Hand one packet record to the callback unless it is skipped. */
static bool deliver(struct ng_reader *r, uint64_t *skip, const struct ng_iface *i,
                    const uint8_t *data, uint32_t caplen, uint32_t wire, uint64_t ts,
                    capture_record_fn fn, void *ctx)
{
    if (*skip) {
        (*skip)--;
        return true;
    }
    struct capture_record rec = {.stored_len = caplen, .snaplen = i->snaplen, .matched = true};
    if (i->snaplen && caplen > i->snaplen)
        caplen = i->snaplen;
    rec.frame = (struct capture_frame){.linktype = i->linktype,
                                       .data = data,
                                       .caplen = caplen,
                                       .wire_len = wire,
                                       .ts_us = ts_us(i, ts)};
    if (i->has_prog) {
        struct pcap_pkthdr h = {.caplen = caplen, .len = wire};
        rec.matched = pcap_offline_filter(&i->prog, &h, data) != 0;
    }
    return fn(&rec, ctx);
}

/* The packet in a block body, or false (why set) if its lengths do not fit. */
static bool packet_of(struct ng_reader *r, uint32_t type, const uint8_t *body, uint32_t len,
                      const struct ng_iface **iface, const uint8_t **data, uint32_t *caplen,
                      uint32_t *wire, uint64_t *ts)
{
    uint32_t id, hdr;
    if (type == BT_SPB) {
        if (len < 4)
            goto bad;
        id = 0, hdr = 4;
        *wire = u32(r, body);
        *caplen = *wire < len - hdr ? *wire : len - hdr;
        *ts = 0;
    } else {
        if (len < 20)
            goto bad;
        hdr = 20;
        if (type == BT_OPB) {
            id = u16(r, body);
        } else {
            id = u32(r, body);
        }
        *ts = (uint64_t)u32(r, body + 4) << 32 | u32(r, body + 8);
        *caplen = u32(r, body + 12);
        *wire = u32(r, body + 16);
        if (*caplen > len - hdr)
            goto bad;
    }
    if (id >= r->nifaces) {
        set_why(r->res, "packet for an interface never described");
        return false;
    }
    *iface = &r->ifaces[id];
    if (type == BT_SPB && (*iface)->snaplen && *caplen > (*iface)->snaplen)
        *caplen = (*iface)->snaplen;
    *data = body + hdr;
    return true;
bad:
    set_why(r->res, "packet block lengths do not fit the block");
    return false;
}

/* Read the next block into r->buf. 1: got one; 0: clean end of file; -1: cut or bad. */
static int next_block(struct ng_reader *r, uint32_t *type, uint32_t *len)
{
    uint8_t head[8];
    size_t got = fread(head, 1, sizeof head, r->f);
    if (got == 0 && feof(r->f))
        return 0;
    if (got < sizeof head) {
        set_why(r->res, "truncated pcapng file: block header cut");
        r->res->cut = true;
        return -1;
    }
    uint32_t t;
    memcpy(&t, head, 4);
    if (t == BT_SHB) {
        uint8_t magic[4];
        if (fread(magic, 1, 4, r->f) != 4) {
            set_why(r->res, "truncated pcapng file: section header cut");
            r->res->cut = true;
            return -1;
        }
        uint32_t m;
        memcpy(&m, magic, 4);
        if (m != BYTE_ORDER_MAGIC && __builtin_bswap32(m) != BYTE_ORDER_MAGIC) {
            set_why(r->res, "bad byte-order magic");
            return -1;
        }
        r->swap = m != BYTE_ORDER_MAGIC;
        drop_ifaces(r);
    }
    *type = r->swap ? __builtin_bswap32(t) : t;
    *len = u32(r, head + 4);
    if (*len < BLOCK_MIN || *len % 4 || *len > PS_PCAPNG_MAX_BLOCK ||
        (*type == BT_SHB && *len < 28)) {
        set_why(r->res, "bad block length");
        return -1;
    }
    uint32_t rest = *len - 8 - (*type == BT_SHB ? 4 : 0);
    if (rest > r->cap) {
        uint8_t *nb = realloc(r->buf, rest);
        if (!nb) {
            set_why(r->res, "out of memory");
            return -1;
        }
        r->buf = nb;
        r->cap = rest;
    }
    if (fread(r->buf, 1, rest, r->f) != rest) {
        set_why(r->res, "truncated pcapng file: block cut");
        r->res->cut = true;
        return -1;
    }
    return 1;
}

void pcapng_read(FILE *f, uint64_t skip, const char *bpf, capture_record_fn fn, void *ctx,
                 const volatile sig_atomic_t *stop, struct pcapng_result *res)
{
    memset(res, 0, sizeof *res);
    struct ng_reader *r = calloc(1, sizeof *r);
    if (!r) {
        res->failed = true;
        set_why(res, "out of memory");
        return;
    }
    r->f = f, r->bpf = bpf, r->res = res;
    bool first = true;
    for (;;) {
        if (*stop) {
            res->stopped = true;
            break;
        }
        uint32_t type, len;
        int got = next_block(r, &type, &len);
        if (got == 0)
            break;
        if (got < 0 || (first && type != BT_SHB)) {
            if (first) {
                res->failed = true;
                res->cut = false;
                set_why(res, "not a pcapng file");
            } else {
                res->cut = true;
            }
            break;
        }
        first = false;
        /* body: what follows the 8-byte header (and the SHB magic), minus the trailing length */
        uint32_t body_len = len - 12 - (type == BT_SHB ? 4 : 0);
        const struct ng_iface *iface;
        const uint8_t *data;
        uint32_t caplen, wire;
        uint64_t ts;
        if (type == BT_IDB) {
            if (!add_iface(r, r->buf, body_len)) {
                res->cut = true;
                break;
            }
        } else if (type == BT_EPB || type == BT_SPB || type == BT_OPB) {
            if (!packet_of(r, type, r->buf, body_len, &iface, &data, &caplen, &wire, &ts)) {
                res->cut = true;
                break;
            }
            if (!deliver(r, &skip, iface, data, caplen, wire, ts, fn, ctx)) {
                res->stopped = true;
                break;
            }
        }
    }
    res->offset = ftell(f);
    drop_ifaces(r);
    free(r->buf);
    free(r);
}
