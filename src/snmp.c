/*
 * snmp.c - recognises SNMP (v1, v2c, v3) over UDP by its structure, on any
 * port: a request from the client and the response that answers it.
 *
 * How: an SNMP message is BER (X.690). v1 and v2c (RFC 1157, RFC 1901):
 * SEQUENCE { version INTEGER (0 or 1), community OCTET STRING, PDU }, the PDU
 * a context-tagged SEQUENCE { request-id, error-status, error-index INTEGERs,
 * variable-bindings SEQUENCE OF SEQUENCE { name OID, value } }. v3 (RFC
 * 3412): SEQUENCE { msgVersion 3, msgGlobalData SEQUENCE { msgID, msgMaxSize,
 * msgFlags, msgSecurityModel }, msgSecurityParameters OCTET STRING (for the
 * USM, RFC 3414, a SEQUENCE with the engine id and the user name), msgData:
 * a plaintext ScopedPDU SEQUENCE { contextEngineID, contextName, PDU } or an
 * encrypted OCTET STRING }.
 *
 * A server datagram answers a client datagram when both are whole messages
 * of the same version, the client's PDU is a request (Get, GetNext, Set,
 * GetBulk, Inform) and the server's a Response with the same request-id and
 * community; for v3 the msgIDs must be equal and a plaintext server PDU must
 * be a Response or a Report (the answer to engine discovery).
 *
 * The BER reader takes definite lengths only (short form, or long form of
 * at most PS_BER_MAX_LENGTH_BYTES octets), single-octet tags, INTEGERs of at
 * most 8 octets, and checks every length against what is left of its
 * enclosing value; the message structure is fixed, so nesting is bounded by
 * the code itself (at most six levels), never by the input.
 *
 * From a response: sysDescr.0 becomes info, and product "net-snmp" (spelled
 * as the signatures spell it) is claimed only when the bytes say so: sysObjectID.0 under Net-SNMP's
 * enterprise arc (1.3.6.1.4.1.8072) or, for v3, an engine id whose
 * enterprise number (RFC 3411 SnmpEngineID) is 8072.
 */
#include <string.h>

#include "config.h"
#include "detail.h"
#include "detail_wire.h"

enum {
    BER_INTEGER = 0x02,
    BER_OCTET_STRING = 0x04,
    BER_OID = 0x06,
    BER_SEQUENCE = 0x30,
    BER_TAG_MULTI = 0x1f, /* the low bits of a tag whose number follows in more octets */
    BER_LENGTH_LONG = 0x80,
    PDU_GET = 0xa0,
    PDU_GET_NEXT = 0xa1,
    PDU_RESPONSE = 0xa2,
    PDU_SET = 0xa3,
    PDU_GET_BULK = 0xa5,
    PDU_INFORM = 0xa6,
    PDU_REPORT = 0xa8,
    SNMP_V1 = 0,
    SNMP_V2C = 1,
    SNMP_V3 = 3,
    SNMP_USM = 3,          /* msgSecurityModel of the User-based Security Model */
    SNMP_FLAG_PRIV = 0x02, /* msgFlags: the scoped PDU is encrypted */
    NET_SNMP_ENTERPRISE = 8072,
    ENGINE_ID_MAX = 32, /* RFC 3411: 5..32 octets */
};

/* OID contents (not the tag or length) of the values the response is read for. */
static const uint8_t oid_sys_descr[] = {0x2b, 6, 1, 2, 1, 1, 1, 0};     /* 1.3.6.1.2.1.1.1.0 */
static const uint8_t oid_sys_object_id[] = {0x2b, 6, 1, 2, 1, 1, 2, 0}; /* 1.3.6.1.2.1.1.2.0 */
static const uint8_t oid_net_snmp[] = {0x2b, 6, 1, 4, 1, 0xbf, 0x08};   /* 1.3.6.1.4.1.8072 */

/* --- BER -------------------------------------------------------------------------------- */

/* The next TLV: its tag and its contents as a cursor. False (w poisoned) if malformed. */
static bool ber_next(struct wire *w, uint8_t *tag, struct wire *body)
{
    *tag = wire_u8(w);
    uint32_t len = wire_u8(w);
    if (w->ok && (*tag & BER_TAG_MULTI) == BER_TAG_MULTI)
        w->ok = false;
    if (w->ok && (len & BER_LENGTH_LONG)) {
        size_t octets = len & 0x7f;
        /* 0x80 alone is the indefinite form, which SNMP forbids. */
        if (octets == 0 || octets > PS_BER_MAX_LENGTH_BYTES)
            w->ok = false;
        else
            len = wire_be(w, octets);
    }
    if (!w->ok) {
        w->left = 0;
        body->ok = false;
        body->left = 0;
        return false;
    }
    *body = wire_sub(w, len);
    return w->ok;
}

/* The next TLV if it has the tag wanted. */
static bool ber_expect(struct wire *w, uint8_t want, struct wire *body)
{
    uint8_t tag;
    if (!ber_next(w, &tag, body))
        return false;
    if (tag != want) {
        w->ok = false;
        return false;
    }
    return true;
}

static bool ber_integer(struct wire *w, int64_t *v)
{
    struct wire b;
    if (!ber_expect(w, BER_INTEGER, &b) || b.left == 0 || b.left > PS_BER_MAX_INTEGER_BYTES) {
        w->ok = false;
        return false;
    }
    uint64_t u = b.p[0] & 0x80 ? UINT64_MAX : 0; /* two's complement: sign-extend */
    for (size_t i = 0; i < b.left; i++)
        u = u << 8 | b.p[i];
    *v = (int64_t)u;
    return true;
}

/* OID contents as dotted text; false if an arc is malformed, too large or too many. */
static bool oid_text(struct wire oid, char *dst, size_t cap)
{
    struct textbuf t;
    textbuf_init(&t, dst, cap);
    unsigned arcs = 0;
    while (oid.left) {
        uint64_t v = 0;
        uint8_t c;
        do {
            c = wire_u8(&oid);
            if (!oid.ok || v > UINT32_MAX >> 7)
                return false;
            v = v << 7 | (c & 0x7f);
        } while (c & 0x80);
        if (++arcs > PS_SNMP_MAX_OID_ARCS)
            return false;
        if (arcs == 1) {
            /* The first subidentifier holds two arcs: 40 * X + Y, X in 0..2. */
            unsigned long x = v < 40 ? 0 : v < 80 ? 1 : 2;
            if (!textbuf_uint(&t, x) || !textbuf_put(&t, ".", 1) ||
                !textbuf_uint(&t, (unsigned long)(v - 40 * x)))
                return false;
        } else if (!textbuf_put(&t, ".", 1) || !textbuf_uint(&t, (unsigned long)v)) {
            return false;
        }
    }
    return arcs > 0;
}

static bool oid_equal(struct wire oid, const uint8_t *want, size_t n)
{
    return oid.left == n && memcmp(oid.p, want, n) == 0;
}

/* True if oid lies strictly under the arc prefix (its next arc starts after it). */
static bool oid_under(struct wire oid, const uint8_t *prefix, size_t n)
{
    return oid.left > n && memcmp(oid.p, prefix, n) == 0;
}

/* --- messages --------------------------------------------------------------------------- */

struct snmp_msg {
    int64_t version; /* on the wire: 0 (v1), 1 (v2c), 3 */
    struct wire community;
    int64_t msg_id;              /* v3 */
    struct wire engine_id, user; /* v3 USM */
    bool has_pdu;                /* false for an encrypted v3 scoped PDU */
    uint8_t pdu;
    int64_t request_id, error_status;
    struct wire varbinds;
};

/*
 * Every variable binding is SEQUENCE { OID, one value }, each whole; past
 * PS_SNMP_MAX_VARBINDS the rest is left unread (its outer length was checked).
 */
static bool varbinds_valid(struct wire vbs)
{
    for (unsigned i = 0; i < PS_SNMP_MAX_VARBINDS && vbs.left; i++) {
        struct wire vb, name, value;
        uint8_t tag;
        if (!ber_expect(&vbs, BER_SEQUENCE, &vb) || !ber_expect(&vb, BER_OID, &name) ||
            name.left == 0 || !ber_next(&vb, &tag, &value) || vb.left != 0)
            return false;
    }
    return true;
}

/* A PDU: tag, then request-id, two INTEGERs and the variable-bindings SEQUENCE; nothing after. */
static bool read_pdu(struct wire *w, struct snmp_msg *m)
{
    struct wire body;
    int64_t error_index;
    if (!ber_next(w, &m->pdu, &body) || m->pdu < PDU_GET || m->pdu > PDU_REPORT ||
        m->pdu == 0xa4 /* v1 Trap: another shape, and nothing answers it */)
        return false;
    if (!ber_integer(&body, &m->request_id) || !ber_integer(&body, &m->error_status) ||
        !ber_integer(&body, &error_index) || !ber_expect(&body, BER_SEQUENCE, &m->varbinds) ||
        !varbinds_valid(m->varbinds))
        return false;
    m->has_pdu = true;
    return body.left == 0;
}

/* USM security parameters (RFC 3414 2.4): engine id and user name. */
static bool read_usm(struct wire params, struct snmp_msg *m)
{
    struct wire usm, ignored;
    int64_t boots, time;
    if (!ber_expect(&params, BER_SEQUENCE, &usm) || params.left != 0)
        return false;
    return ber_expect(&usm, BER_OCTET_STRING, &m->engine_id) && ber_integer(&usm, &boots) &&
           ber_integer(&usm, &time) && ber_expect(&usm, BER_OCTET_STRING, &m->user) &&
           ber_expect(&usm, BER_OCTET_STRING, &ignored) &&
           ber_expect(&usm, BER_OCTET_STRING, &ignored) && usm.left == 0;
}

static bool read_v3(struct wire *msg, struct snmp_msg *m)
{
    struct wire global, flags, params, data, ignored;
    int64_t max_size, model;
    if (!ber_expect(msg, BER_SEQUENCE, &global) || !ber_integer(&global, &m->msg_id) ||
        !ber_integer(&global, &max_size) || !ber_expect(&global, BER_OCTET_STRING, &flags) ||
        !ber_integer(&global, &model) || global.left != 0 || flags.left != 1 || m->msg_id < 0)
        return false;
    if (!ber_expect(msg, BER_OCTET_STRING, &params))
        return false;
    if (model == SNMP_USM && !read_usm(params, m))
        return false;
    if (flags.p[0] & SNMP_FLAG_PRIV)
        return ber_expect(msg, BER_OCTET_STRING, &data) && msg->left == 0;
    return ber_expect(msg, BER_SEQUENCE, &data) && ber_expect(&data, BER_OCTET_STRING, &ignored) &&
           ber_expect(&data, BER_OCTET_STRING, &ignored) && read_pdu(&data, m) && data.left == 0 &&
           msg->left == 0;
}

/* One whole message filling a datagram (nothing after it). */
static bool read_message(struct wire dg, struct snmp_msg *m)
{
    struct wire msg;
    memset(m, 0, sizeof *m);
    if (!ber_expect(&dg, BER_SEQUENCE, &msg) || dg.left != 0 || !ber_integer(&msg, &m->version))
        return false;
    if (m->version == SNMP_V3)
        return read_v3(&msg, m);
    if (m->version != SNMP_V1 && m->version != SNMP_V2C)
        return false;
    return ber_expect(&msg, BER_OCTET_STRING, &m->community) && read_pdu(&msg, m) && msg.left == 0;
}

static bool is_request(uint8_t pdu)
{
    return pdu == PDU_GET || pdu == PDU_GET_NEXT || pdu == PDU_SET || pdu == PDU_GET_BULK ||
           pdu == PDU_INFORM;
}

static bool same_bytes(struct wire a, struct wire b)
{
    return a.left == b.left && (a.left == 0 || memcmp(a.p, b.p, a.left) == 0);
}

static bool answers(const struct snmp_msg *req, const struct snmp_msg *resp)
{
    if (req->version != resp->version)
        return false;
    if (req->version == SNMP_V3)
        return req->msg_id == resp->msg_id && (!req->has_pdu || is_request(req->pdu)) &&
               (!resp->has_pdu || resp->pdu == PDU_RESPONSE || resp->pdu == PDU_REPORT);
    return is_request(req->pdu) && resp->pdu == PDU_RESPONSE &&
           req->request_id == resp->request_id && same_bytes(req->community, resp->community);
}

/* --- what a response says --------------------------------------------------------------- */

/* sysDescr.0 and sysObjectID.0 from the response's variable bindings, if there. */
static void read_varbinds(struct wire vbs, struct snmp_detail *d)
{
    for (unsigned i = 0; i < PS_SNMP_MAX_VARBINDS && vbs.left; i++) {
        struct wire vb, name, value;
        uint8_t tag;
        if (!ber_expect(&vbs, BER_SEQUENCE, &vb) || !ber_expect(&vb, BER_OID, &name) ||
            !ber_next(&vb, &tag, &value) || vb.left != 0)
            return;
        if (tag == BER_OCTET_STRING && oid_equal(name, oid_sys_descr, sizeof oid_sys_descr))
            detail_text(d->sys_descr, sizeof d->sys_descr, value.p, value.left);
        else if (tag == BER_OID && oid_equal(name, oid_sys_object_id, sizeof oid_sys_object_id) &&
                 !oid_text(value, d->sys_object_id, sizeof d->sys_object_id))
            d->sys_object_id[0] = '\0';
    }
}

static const char *pdu_name(const struct snmp_msg *m)
{
    if (!m->has_pdu)
        return "encrypted";
    return m->pdu == PDU_REPORT ? "report" : "get-response";
}

static void hex_text(struct wire b, char *dst, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (size_t i = 0; i < b.left && 2 * i + 2 < cap; i++) {
        dst[n++] = hex[b.p[i] >> 4];
        dst[n++] = hex[b.p[i] & 15];
    }
    dst[n] = '\0';
}

/* RFC 3411 SnmpEngineID: the first four octets are the enterprise number, high bit set. */
static bool engine_is_net_snmp(struct wire id)
{
    if (id.left < 5 || id.left > ENGINE_ID_MAX || !(id.p[0] & 0x80))
        return false;
    uint32_t enterprise = (uint32_t)(id.p[0] & 0x7f) << 24 | (uint32_t)id.p[1] << 16 |
                          (uint32_t)id.p[2] << 8 | id.p[3];
    return enterprise == NET_SNMP_ENTERPRISE;
}

static void fill(const struct snmp_msg *req, const struct snmp_msg *resp, struct snmp_detail *d)
{
    d->seen = true;
    d->version = resp->version == SNMP_V1 ? 1 : resp->version == SNMP_V2C ? 2 : 3;
    if (resp->version != SNMP_V3)
        detail_text(d->community, sizeof d->community, resp->community.p, resp->community.left);
    EV_SET(d->pdu, pdu_name(resp));
    d->error_status = resp->has_pdu ? (int)(resp->error_status & 0x7fffffff) : -1;
    if (resp->has_pdu)
        read_varbinds(resp->varbinds, d);
    if (resp->engine_id.ok && resp->engine_id.left <= ENGINE_ID_MAX)
        hex_text(resp->engine_id, d->engine_id, sizeof d->engine_id);
    if (req->user.ok)
        detail_text(d->user, sizeof d->user, req->user.p, req->user.left);
}

static bool under_net_snmp(const struct snmp_msg *resp)
{
    if (engine_is_net_snmp(resp->engine_id))
        return true;
    /* Look for sysObjectID.0 again, as an OID value, not as text. */
    struct wire vbs = resp->varbinds;
    for (unsigned i = 0; resp->has_pdu && i < PS_SNMP_MAX_VARBINDS && vbs.left; i++) {
        struct wire vb, name, value;
        uint8_t tag;
        if (!ber_expect(&vbs, BER_SEQUENCE, &vb) || !ber_expect(&vb, BER_OID, &name) ||
            !ber_next(&vb, &tag, &value))
            return false;
        if (tag == BER_OID && oid_equal(name, oid_sys_object_id, sizeof oid_sys_object_id))
            return oid_under(value, oid_net_snmp, sizeof oid_net_snmp);
    }
    return false;
}

bool snmp_parse(const struct classify_input *in, struct snmp_detail *out, evidence_fn emit,
                void *ctx)
{
    memset(out, 0, sizeof *out);
    unsigned nc = wire_datagram_count(&in->client_head), ns = wire_datagram_count(&in->server_head);
    bool net_snmp = false;
    for (unsigned i = 0; i < nc && !out->seen; i++) {
        struct snmp_msg req, resp;
        if (!read_message(wire_datagram(&in->client_head, i), &req))
            continue;
        for (unsigned j = 0; j < ns && !out->seen; j++) {
            if (read_message(wire_datagram(&in->server_head, j), &resp) && answers(&req, &resp)) {
                fill(&req, &resp, out);
                net_snmp = under_net_snmp(&resp);
            }
        }
    }
    if (out->seen && emit) {
        static const char *const names[] = {"", "SNMPv1", "SNMPv2c", "SNMPv3"};
        struct evidence ev;
        memset(&ev, 0, sizeof ev);
        EV_SET(ev.service, "snmp");
        EV_SET(ev.rule, "snmp:response");
        if (net_snmp)
            EV_SET(ev.product, "net-snmp");
        EV_SET(ev.info, out->sys_descr[0] ? out->sys_descr : names[out->version]);
        ev.witness = WITNESS_PARSER;
        ev.strength = STRENGTH_PARSER;
        emit(&ev, ctx);
    }
    return out->seen;
}
