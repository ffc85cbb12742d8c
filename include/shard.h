/*
 * shard.h - the pipeline on several cores.
 *
 * One dispatcher (the capture thread) decodes every frame, reassembling
 * fragments in one place, and hands each packet to the engine that owns its
 * flow: flows are sharded by a seeded hash of their endpoints, so a flow, its
 * stream heads and its nDPI state always live in one thread, and each thread
 * has its own nDPI module. With N threads there are N shards: the dispatcher
 * runs the first itself, and N - 1 workers the others. Packets reach a
 * worker through a bounded single-producer, single-consumer ring; the
 * dispatcher waits when a ring is full (capture files) rather than drop. The
 * engines share the inventory under a lock that is taken once per classified
 * flow (and per FTP command or reply that may announce a data channel), never
 * per packet.
 *
 * With one thread there is no dispatcher: frames go straight to one engine.
 */
#ifndef PS_SHARD_H
#define PS_SHARD_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "engine.h"

#define PS_MAX_THREADS 16u
#define PS_SHARD_RING_BYTES (8u * 1024u * 1024u) /* per worker; a power of two */

struct shard_pool;

/* live: packets come from an interface, and each is handed over at once (files: in batches). */
struct shard_pool *shard_pool_create(const struct engine_options *opt, unsigned threads, bool live,
                                     char *err, size_t errlen);
/* One frame. false: a worker could not set itself up; stop, and shard_pool_finish says why. */
bool shard_pool_frame(struct shard_pool *p, const struct capture_frame *frame);
/*
 * Flows in the tables now, for the progress line. With workers it is what each
 * said when it last handed ring space back (a few times per megabyte).
 */
uint64_t shard_pool_active_flows(struct shard_pool *p);
/*
 * End of input: every shard classifies what it still holds, and the workers stop. false
 * (with the reason in err) when a worker could not set up its engine: the report would
 * lack its flows.
 */
bool shard_pool_finish(struct shard_pool *p, char *err, size_t errlen);
void shard_pool_print_stats(const struct shard_pool *p, FILE *out);
void shard_pool_destroy(struct shard_pool *p);

#endif
