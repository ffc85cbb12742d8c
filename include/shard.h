/*
 * shard.h - the pipeline on several cores.
 *
 * One dispatcher (the capture thread) decodes every frame, reassembling
 * fragments in one place, and sends each packet to the worker that owns its
 * flow: flows are sharded by a seeded hash of their endpoints, so a flow, its
 * stream heads and its nDPI state always live in one thread, and each thread
 * has its own nDPI module. Packets travel through a bounded single-producer,
 * single-consumer ring per worker; the dispatcher waits when a ring is full
 * (capture files) rather than drop. The workers share the inventory under a
 * lock that is taken once per classified flow, never per packet.
 *
 * With one thread there is no dispatcher: frames go straight to one engine.
 */
#ifndef PS_SHARD_H
#define PS_SHARD_H

#include <stdio.h>

#include "capture.h"
#include "engine.h"

#define PS_MAX_THREADS 16u
#define PS_SHARD_RING_BYTES (8u * 1024u * 1024u) /* per worker; a power of two */

struct shard_pool;

struct shard_pool *shard_pool_create(const struct engine_options *opt, unsigned threads,
                                     char *err, size_t errlen);
void shard_pool_frame(struct shard_pool *p, const struct capture_frame *frame);
/*
 * Flows in the tables now, for the progress line. With workers it is what each
 * said when it last handed ring space back (a few times per megabyte).
 */
uint64_t shard_pool_active_flows(struct shard_pool *p);
/* End of input: every worker classifies what it still holds, then stops. */
void shard_pool_finish(struct shard_pool *p);
void shard_pool_print_stats(const struct shard_pool *p, FILE *out);
void shard_pool_destroy(struct shard_pool *p);

#endif
