/*
 * detail.h - what protocol parsers read out of stream heads: TLS, SSH, HTTP.
 *
 * These protocols need real parsing (TLS records and handshake messages, the
 * SSH KEXINIT, HTTP headers) to be recognised and described, so they are
 * code rather than signature lines. Each parser reads a classify_input,
 * fills its part of a flow_detail and emits evidence with WITNESS_PARSER.
 * Parsers never trust lengths from the wire and never read past a head.
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
    bool seen;           /* a TLS handshake was parsed */
    char sni[DETAIL_NAME_MAX];
    char alpn_offered[128]; /* client's list, comma-separated */
    char alpn[32];          /* server's choice */
    char version[16];       /* negotiated: "TLSv1.2", "TLSv1.3", ... */
    char ja3[DETAIL_HASH_MAX], ja3s[DETAIL_HASH_MAX];
    /* Certificate (TLS 1.2 and older, where it is sent in clear). */
    bool have_cert;
    char subject[DETAIL_NAME_MAX];
    char issuer[DETAIL_NAME_MAX];
    char sans[DETAIL_SAN_MAX]; /* comma-separated DNS names and addresses */
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

struct flow_detail {
    struct tls_detail tls;
    struct ssh_detail ssh;
    struct http_detail http;
};

/* Run every parser on the conversation; fills *out and emits evidence. */
void detail_parse(const struct classify_input *in, struct flow_detail *out, evidence_fn emit,
                  void *ctx);

/* The individual parsers, for tests and fuzzing. Each returns true if it recognised its protocol. */
bool tls_parse(const struct classify_input *in, struct tls_detail *out, evidence_fn emit, void *ctx);
bool ssh_parse(const struct classify_input *in, struct ssh_detail *out, evidence_fn emit, void *ctx);
bool http_parse(const struct classify_input *in, struct http_detail *out, evidence_fn emit,
                void *ctx);

#endif
