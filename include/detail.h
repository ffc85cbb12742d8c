/*
 * detail.h - what protocol parsers read out of stream heads: TLS, SSH, HTTP
 * over TCP; DNS, SNMP and NTP over UDP.
 *
 * These protocols need real parsing (TLS records and handshake messages, the
 * SSH KEXINIT, HTTP headers, DNS messages, SNMP's BER, NTP headers) to be
 * recognised and described, so they are code rather than signature lines.
 * The UDP parsers name a service only when a server datagram answers a
 * client datagram (same DNS id and question, same SNMP request-id or msgID,
 * NTP origin timestamp = the client's transmit timestamp), never by port.
 * Each parser reads a classify_input, fills its part of a flow_detail and
 * emits evidence with WITNESS_PARSER. Parsers never trust lengths from the
 * wire and never read past a head.
 */
#ifndef PS_DETAIL_H
#define PS_DETAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "evidence.h"

#define DETAIL_NAME_MAX 256
#define DETAIL_SAN_MAX 512
#define DETAIL_HASH_MAX 33 /* md5 hex + NUL */

struct tls_detail {
    bool seen; /* a TLS handshake was parsed */
    /* What one ClientHello said (the inventory keeps these together, from one flow). */
    bool have_client_hello;
    char sni[DETAIL_NAME_MAX];
    char alpn_offered[128]; /* client's list, comma-separated */
    char ja3[DETAIL_HASH_MAX];
    /* What the ServerHello answering it said. */
    bool have_server_hello;
    char alpn[32];    /* server's choice */
    char version[16]; /* negotiated: "TLSv1.2", "TLSv1.3", ... */
    char ja3s[DETAIL_HASH_MAX];
    /* Certificate (TLS 1.2 and older, where it is sent in clear). */
    bool have_cert;
    char subject[DETAIL_NAME_MAX];
    char issuer[DETAIL_NAME_MAX];
    char sans[DETAIL_SAN_MAX];          /* comma-separated DNS names and addresses */
    char not_before[24], not_after[24]; /* ISO 8601 UTC */
    bool self_signed;
};

struct ssh_detail {
    bool seen;
    char client_banner[128], server_banner[128];
    char hassh[DETAIL_HASH_MAX], hassh_server[DETAIL_HASH_MAX];
};

struct http_detail {
    bool seen;
    char server[128];     /* Server: header of the first response */
    char powered_by[96];  /* X-Powered-By: */
    int status;           /* first response status, 0 if none */
    char host[128];       /* Host: of the first request */
    char user_agent[160]; /* User-Agent: of the first request */
    char method[16];
};

#define DETAIL_TEXT_MAX 128

struct dns_detail {
    bool seen; /* a query and the response that answers it */
    uint16_t id;
    char qname[DETAIL_NAME_MAX]; /* the question, dotted ("." for the root), escaped */
    uint16_t qtype, qclass;
    uint8_t opcode, rcode;
    uint16_t answers;              /* ANCOUNT of the response */
    char version[DETAIL_TEXT_MAX]; /* CHAOS TXT version.bind / version.server answer */
};

struct snmp_detail {
    bool seen;                       /* a request and the response that answers it */
    int version;                     /* 1, 2 (v2c) or 3 */
    char community[64];              /* v1/v2c community string: sensitive, never put in evidence */
    char pdu[16];                    /* the server's PDU: "get-response", "report", "encrypted" */
    int error_status;                /* of the server's PDU, -1 if it was not readable */
    char sys_descr[DETAIL_NAME_MAX]; /* sysDescr.0 in the response */
    char sys_object_id[DETAIL_TEXT_MAX]; /* sysObjectID.0 in the response, dotted */
    char engine_id[65];                  /* v3: the server's msgAuthoritativeEngineID, hex */
    char user[64];                       /* v3: the client's msgUserName */
};

struct ntp_detail {
    bool seen;       /* a mode 3 request and the mode 4 reply that answers it */
    uint8_t version; /* of the server's reply */
    uint8_t stratum;
    uint8_t leap;     /* 3: the server's clock is not synchronised */
    int8_t precision; /* log2 seconds */
    char refid[24];   /* stratum 0/1: the ASCII code ("GPS", "INIT"); else dotted IPv4 */
};

/* The parsers, each filling its part of a flow_detail (flow_detail.parsed). */
enum detail_parser {
    DETAIL_TLS = 1 << 0,
    DETAIL_SSH = 1 << 1,
    DETAIL_HTTP = 1 << 2,
    DETAIL_DNS = 1 << 3,
    DETAIL_SNMP = 1 << 4,
    DETAIL_NTP = 1 << 5,
};

struct flow_detail {
    struct tls_detail tls;
    struct ssh_detail ssh;
    struct http_detail http;
    struct dns_detail dns;
    struct snmp_detail snmp;
    struct ntp_detail ntp;
    uint8_t parsed; /* enum detail_parser: the parsers detail_parse ran on the conversation */
};

/*
 * Run the parsers that can apply to the conversation (chosen by the first bytes of
 * each head); clears and fills *out, and emits evidence.
 */
void detail_parse(const struct classify_input *in, struct flow_detail *out, evidence_fn emit,
                  void *ctx);

/*
 * The same for a flow_detail filled again for every conversation (the engine's
 * scratch), without clearing all of it each time: only the parts that can hold
 * bytes are cleared, those the previous call ran a parser on (parsed) and those
 * whose seen is set. *out must be zeroed before its first use; between calls other
 * witnesses may fill a part only if they set its seen (ndpi_witness_finish does).
 * The result is what detail_parse gives.
 */
void detail_parse_again(const struct classify_input *in, struct flow_detail *out, evidence_fn emit,
                        void *ctx);

/* The individual parsers, for tests and fuzzing. Each returns true if it recognised it. */
bool tls_parse(const struct classify_input *in, struct tls_detail *out, evidence_fn emit,
               void *ctx);
bool ssh_parse(const struct classify_input *in, struct ssh_detail *out, evidence_fn emit,
               void *ctx);
/* Does ssh_parse find an identification string in this head (for detail_parse's choice)? */
bool ssh_banner_present(const struct head_bytes *h);
bool http_parse(const struct classify_input *in, struct http_detail *out, evidence_fn emit,
                void *ctx);
/*
 * UDP: they read the datagrams of both heads (head_bytes.datagram_end) and
 * ignore ports. dns_parse also reads DNS over TCP (length-prefixed messages).
 */
bool dns_parse(const struct classify_input *in, struct dns_detail *out, evidence_fn emit,
               void *ctx);
bool snmp_parse(const struct classify_input *in, struct snmp_detail *out, evidence_fn emit,
                void *ctx);
bool ntp_parse(const struct classify_input *in, struct ntp_detail *out, evidence_fn emit,
               void *ctx);

#endif
