/*
 * evidence.h - what the classify stage hands to the inventory.
 *
 * classify_input is the plain view of one conversation that every witness
 * reads (the stream heads of both sides, who spoke first, the ports); an
 * evidence record is one witness's statement about the server endpoint.
 * Fixed-size strings keep every record bounded; longer values are cut.
 */
#ifndef PS_EVIDENCE_H
#define PS_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"

/* Which witness said it (bit values, so a record's sources can be a set). */
enum witness {
    WITNESS_SIGNATURE = 1 << 0, /* our .sig files or a user's nmap file */
    WITNESS_NDPI = 1 << 1,      /* libndpi, DPI confidence only */
    WITNESS_PARSER = 1 << 2,    /* a protocol parser (TLS records, SSH, HTTP, ...) */
    WITNESS_CONTROL = 1 << 3,   /* announced on a control connection (FTP PASV/PORT) */
};

/* How strongly: a hard signature match outranks nDPI, nDPI outranks a softmatch. */
enum strength {
    STRENGTH_NONE = 0,
    STRENGTH_SOFT = 1,   /* softmatch: service only */
    STRENGTH_NDPI = 2,   /* nDPI by DPI */
    STRENGTH_PARSER = 3, /* a parser recognised the protocol's structure */
    STRENGTH_HARD = 4,   /* a hard signature match */
    STRENGTH_ANNOUNCED = 5, /* announced by its control connection (FTP data): the payload of
                               a negotiated channel is user data and proves nothing */
};

#define EV_SERVICE_MAX 32
#define EV_PRODUCT_MAX 80
#define EV_VERSION_MAX 48
#define EV_INFO_MAX 96
#define EV_OS_MAX 48
#define EV_DEVICE_MAX 32
#define EV_CPE_MAX 160
#define EV_RULE_MAX 96

struct evidence {
    char service[EV_SERVICE_MAX]; /* nmap vocabulary: ssh, http, domain, ... */
    char tunnel[8];               /* "tls" when seen inside TLS, else "" */
    char product[EV_PRODUCT_MAX];
    char version[EV_VERSION_MAX];
    char info[EV_INFO_MAX];
    char hostname[EV_DEVICE_MAX];
    char os[EV_OS_MAX];
    char device[EV_DEVICE_MAX];
    char cpe[EV_CPE_MAX]; /* space-separated when several */
    char rule[EV_RULE_MAX]; /* which rule said it: "ssh.sig:12", "ndpi:SSH" */
    uint8_t witness;        /* enum witness */
    uint8_t strength;       /* enum strength */
};

/* One side's stream head, as the witnesses see it. */
struct head_bytes {
    const uint8_t *data;
    uint32_t len;
    bool gap;       /* the head ends at a gap that was never filled */
    bool truncated; /* the head stopped at --head-bytes */
    /* UDP: datagram boundaries inside data (end offsets), count <= PS_MAX_UDP_DATAGRAMS. */
    uint8_t datagrams;
    uint32_t datagram_end[PS_MAX_UDP_DATAGRAMS];
};

enum first_talker { TALKER_NONE = 0, TALKER_SERVER, TALKER_CLIENT };

struct classify_input {
    uint8_t transport; /* IPPROTO_TCP or IPPROTO_UDP */
    struct ps_addr server, client;
    uint16_t server_port, client_port;
    struct head_bytes server_head, client_head;
    enum first_talker first_talker; /* who sent payload first */
};

typedef void (*evidence_fn)(const struct evidence *ev, void *ctx);

/* Copy a string into a fixed field, cutting it, always terminated. */
void evidence_set(char *field, size_t size, const char *value);
#define EV_SET(field, value) evidence_set((field), sizeof(field), (value))

#endif
