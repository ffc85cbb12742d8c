/*
 * signature.h - nmap-compatible service signatures, indexed, matched with PCRE2.
 *
 * A signature set is loaded from files in the nmap-service-probes grammar
 * (Probe, match, softmatch, ports, sslports, rarity, fallback, Exclude,
 * totalwaitms, tcpwrappedms; version info p/ v/ i/ h/ o/ d/ cpe:/) plus one
 * extension for a passive tool: "clientmatch" lines, matched against what the
 * client says first (see signatures/README.md).
 *
 * Passive semantics: a server head sent before any client data is matched
 * against the NULL probe's signatures; when the client head is equivalent to
 * a probe (an HTTP request for GetRequest, a DNS query, ...), that probe's
 * signatures and its fallbacks apply; UDP responses against UDP probes.
 * Softmatch fixes the service and keeps looking for a hard match.
 *
 * Cost does not grow with the number of signatures: each is indexed by the
 * literal bytes its regex must start with, so a head is tried only against
 * the signatures that can match it. Signatures whose regex requires a longer
 * literal run are found instead through a 4-byte "gram" of that run that
 * occurs in the head (see src/sig_index.c).
 *
 * Threads: load and finalize from one thread; after sigset_finalize the set
 * is read-only and sigset_match may run in several threads at once (each
 * thread keeps its own small scratch, made on its first call).
 */
#ifndef PS_SIGNATURE_H
#define PS_SIGNATURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "evidence.h"

struct sigset;

struct sigset_load_stats {
    unsigned probes;
    unsigned matches;     /* hard matches loaded */
    unsigned softmatches; /* softmatches loaded */
    unsigned clientmatches;
    unsigned rejected;    /* lines that could not be used (reported under -v) */
};

struct sigset *sigset_create(void);
void sigset_destroy(struct sigset *s);

/*
 * Load a file. strict: an unusable line is an error (our own files); not
 * strict: it is counted as rejected and, if verbose is non-NULL, reported
 * there with file and line (a user's nmap file). Returns 0 on success, -1 on
 * error (message "file:line: what" written to err).
 */
int sigset_load_file(struct sigset *s, const char *path, bool strict, FILE *verbose,
                     char *err, size_t errlen);

/* The same from bytes already in memory; name is used in messages and rules. */
int sigset_load_buffer(struct sigset *s, const char *name, const char *data, size_t len,
                       bool strict, FILE *verbose, char *err, size_t errlen);

/* Finish loading: build the index and JIT-compile. Must be called before matching. */
int sigset_finalize(struct sigset *s, char *err, size_t errlen);

const struct sigset_load_stats *sigset_stats(const struct sigset *s);

/*
 * Emit the conversation's signature evidence, best first: at most one record
 * from the server's head (its first hard match, else its first softmatch)
 * and one from the client's head (clientmatch lines). Does not allocate
 * (after a thread's first call).
 */
void sigset_match(const struct sigset *s, const struct classify_input *in, evidence_fn emit,
                  void *ctx);

/* Signatures with no usable first-byte information (tried on every head). */
unsigned sigset_unindexed(const struct sigset *s);

/* Tests: try every signature in order, bypassing the index and prefilters. */
void sigset_set_linear(struct sigset *s, bool linear);

/* --list-signatures: counts by service, one line each. */
void sigset_list(const struct sigset *s, FILE *out);

#endif
