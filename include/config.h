/*
 * config.h - every limit portsleuth obeys, in one place.
 *
 * Tables and buffers are bounded by these constants (or by options whose
 * defaults these are), so that hostile traffic cannot make the process grow
 * without limit. Timeouts are in packet time: a capture from two years ago
 * behaves exactly like live traffic.
 */
#ifndef PS_CONFIG_H
#define PS_CONFIG_H

/* Stream heads: bytes kept per direction before classification. */
#define PS_DEFAULT_HEAD_BYTES 4096u
#define PS_MAX_HEAD_BYTES 65536u
/* Out-of-order TCP segments held per direction while waiting for a gap. */
#define PS_MAX_OOO_SEGMENTS 16u
/* UDP: datagrams kept per direction in a head. */
#define PS_MAX_UDP_DATAGRAMS 4u

/* Flow table. */
#define PS_DEFAULT_MAX_FLOWS 1000000u
#define PS_DEFAULT_TCP_IDLE_S 300u
#define PS_DEFAULT_TCP_CLOSED_S 15u
#define PS_DEFAULT_UDP_IDLE_S 60u
/* A flow whose heads are not complete after this many packets is classified anyway. */
#define PS_CLASSIFY_PACKET_BUDGET 64u
/* Stream head buffers start this small and double up to head_bytes as bytes arrive. */
#define PS_HEAD_MIN_ALLOC 256u
/* Flows allocated together in one slab (the pool grows a slab at a time up to max_flows). */
#define PS_FLOW_SLAB_FLOWS 4096u
/* Timed-out flows expired per packet at most (the rest on later packets: amortised). */
#define PS_FLOW_EXPIRE_PER_PACKET 8u
/*
 * Memory cap (--max-memory, MiB): what the flow table, its stream heads and
 * nDPI's per-flow state may hold together. Over it, the least recently
 * active flows are classified and evicted. The default leaves the default
 * --max-flows (about 230 MB of payload-less flows) room for heads and nDPI.
 */
#define PS_DEFAULT_MAX_MEMORY_MIB 1024u
#define PS_MIN_MAX_MEMORY_MIB 16u
/* Bytes the allocator adds to each block (glibc: a size word, and rounding to 16). */
#define PS_ALLOC_OVERHEAD 16u

/* IP fragment reassembly. */
#define PS_FRAG_MAX_DATAGRAMS 256u
#define PS_FRAG_MAX_FRAGMENTS 64u /* per datagram */
#define PS_FRAG_MAX_BYTES (4u * 1024u * 1024u)
#define PS_FRAG_TIMEOUT_S 30u
#define PS_MAX_IP_DATAGRAM 65535u

/* Nested encapsulations (VLAN, MPLS, tunnels) followed before giving up. */
#define PS_MAX_ENCAP_DEPTH 8u
#define PS_MAX_VLAN_TAGS 2u
#define PS_MAX_MPLS_LABELS 8u
#define PS_MAX_IPV6_EXT_HEADERS 8u /* extension headers followed per IPv6 header */

/* Capture: default snap length, live read timeout, progress refresh interval (wall clock). */
#define PS_DEFAULT_SNAPLEN 262144
#define PS_LIVE_TIMEOUT_MS 200
#define PS_PROGRESS_INTERVAL_MS 250u
/* pcapng read without libpcap (interfaces of several link types): largest block, interfaces. */
#define PS_PCAPNG_MAX_BLOCK (16u * 1024u * 1024u)
#define PS_PCAPNG_MAX_IFACES 256u

/* nDPI: packets fed to a flow before giving up. */
#define PS_NDPI_PACKET_BUDGET 32u
/* nDPI: longest line accepted in signatures/ndpi-map.csv. */
#define PS_NDPI_MAP_MAX_LINE 256u

/* Signatures: PCRE2 limits so that no payload makes matching slow. */
#define PS_PCRE_MATCH_LIMIT 50000u
#define PS_PCRE_DEPTH_LIMIT 1000u
/* Signature files: longest line, probes per set, bytes of a probe, literal prefix kept per regex. */
#define PS_SIG_MAX_LINE 8192u
#define PS_SIG_MAX_PROBES 1024u
#define PS_SIG_MAX_PROBE_BYTES 4096u
#define PS_SIG_MAX_FALLBACKS 16u
#define PS_SIG_PREFIX_MAX 16u
#define PS_SIG_RUN_MAX 32u /* literal run kept per regex for the gram filter */
#define PS_SIG_MAX_CPE 8u
/* Capture groups a signature may refer to ($1..$9) and the ovector size kept per thread. */
#define PS_SIG_MAX_GROUPS 9u
#define PS_SIG_OVECTOR_PAIRS 64u

/* Inventory. */
#define PS_MAX_EVIDENCE_PER_ENDPOINT 8u
#define PS_MAX_CLIENTS_TRACKED 64u /* distinct clients counted exactly up to this */
#define PS_BANNER_BYTES 128u
#define PS_MAX_ENDPOINTS 200000u     /* server endpoints recorded; more are counted, not kept */
#define PS_MAX_EXPECTATIONS 4096u    /* announced FTP data endpoints remembered */
#define PS_MAX_ALIASES 512u

/* Port expectations (signatures/ports.csv and --ports files). */
#define PS_PORTS_LINE_MAX 1024u    /* longest line of a ports file */
#define PS_PORTS_MAX_ROWS 65535u   /* distinct rows kept (the per-port index is 16 bits) */
#define PS_PORTS_SERVICES_MAX 96u  /* services text of a row, NUL included (= record.expected) */

/* Detail parsers (TLS, SSH, HTTP: src/detail.c and the files it runs). */
#define PS_TLS_RECORD_MAX 18432u         /* 2^14 + 2048: the longest record TLS allows */
#define PS_JA3_STRING_MAX 8192u          /* a longer JA3/JA3S string gets no hash */
#define PS_X509_MAX_RDNS 32u             /* RDNs of a certificate name printed */
#define PS_SSH_PACKET_MAX 35000u         /* longest SSH packet (RFC 4253 6.1) */
#define PS_SSH_MAX_PRE_BANNER_LINES 16u  /* lines a server may send before "SSH-" */

/* UDP parsers (DNS, SNMP, NTP: src/dns.c, src/snmp.c, src/ntp.c). */
#define PS_DNS_NAME_MAX 255u        /* longest name on the wire (RFC 1035 3.1) */
#define PS_DNS_LABEL_MAX 63u        /* longest label */
#define PS_DNS_MAX_POINTER_HOPS 16u /* compression pointers followed in one name */
#define PS_DNS_MAX_RRS 64u          /* answer records walked in one response */
#define PS_DNS_TCP_MAX_MESSAGES 4u  /* DNS messages read per head (over TCP; UDP: datagrams) */
#define PS_BER_MAX_LENGTH_BYTES 4u  /* long-form BER length octets accepted */
#define PS_BER_MAX_INTEGER_BYTES 8u /* BER INTEGER octets accepted (int64_t) */
#define PS_SNMP_MAX_VARBINDS 64u    /* variable bindings read from one PDU */
#define PS_SNMP_MAX_OID_ARCS 128u   /* arcs of one OBJECT IDENTIFIER (RFC 2578 3.5) */

#endif
