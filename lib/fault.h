/*
 * fault.h - a bad network, made on purpose, between the device and the core.
 *
 * Real paths lose packets, send some twice, deliver some out of order, take
 * time, and have a slowest link with a queue in front of it.  A stack that
 * only ever met a perfect wire has never been tested.  This module is that
 * bad wire, in user space: no tc, no root, and the same --seed gives the
 * same faults, so that a surprising run can be repeated.
 *
 * There is one struct fault_dir per direction: "in" for packets read from
 * the device (before the core sees them), "out" for packets the core wrote
 * (before they reach the device).  Each packet goes through, in order:
 *
 *   loss      dropped, with probability --loss
 *   dup       made into two copies, with probability --dup; each copy then
 *             goes its own way through the rest
 *   rate      a bottleneck of --rate Mbit/s: a copy leaves it only when the
 *             ones before it have, bytes*8/rate after the link became free;
 *             if --queue copies are already waiting there, it is dropped
 *             (a tail drop), as a router's full queue does
 *   delay     --delay ms more, plus or minus up to the jitter
 *   reorder   with probability --reorder, a copy that is due is held aside
 *             until 3 packets that came after it have left, or 10 ms have
 *             passed: then it leaves, behind them
 *
 * The model is pure: it never reads a clock or touches a device.  The loop
 * (lib/run.c) hands it packets with the time (fault_push), asks when the
 * next one is due (fault_next_due) and takes them then (fault_pop_due).
 * That is what lets the unit tests check it packet by packet.
 *
 * Only loss and dup need no memory: the packet goes on at once, or twice,
 * or not at all, and no copy is made.  Rate, delay and reorder keep copies
 * of the packets in flight, in a timeline ordered by the time each is due;
 * it is allocated only for a direction that has one of them, and bounded:
 * past FAULT_MAX_PKTS packets or FAULT_MAX_BYTES bytes a packet is dropped
 * and counted as "overflow", whatever the options asked for.
 */
#ifndef TUNLAB_FAULT_H
#define TUNLAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The two directions, as indices of arrays of two. */
enum fault_way { FAULT_IN = 0, FAULT_OUT = 1 };

#define FAULT_MAX_PKTS		4096			/* per direction */
#define FAULT_MAX_BYTES		(16u * 1024 * 1024)	/* per direction */
#define FAULT_REORDER_PASS	3	/* a held packet waits for this many */
#define FAULT_REORDER_WAIT_US	10000	/* ... or this long */
#define FAULT_QUEUE_DEFAULT	100	/* --queue: packets before --rate */
#define FAULT_NONE		UINT64_MAX	/* fault_next_due(): nothing */

/* What the options ask of one direction.  All zero: no fault at all. */
struct fault_cfg {
	double loss;		/* --loss: percent dropped */
	double dup;		/* --dup: percent sent twice */
	double reorder;		/* --reorder: percent held back */
	uint64_t delay_us;	/* --delay: added one-way latency */
	uint64_t jitter_us;	/* ... plus or minus up to this, uniformly */
	double rate_mbit;	/* --rate: the bottleneck; 0 for none */
	unsigned queue;		/* --queue: packets waiting for it (100) */
};

/* What happened to the packets of one direction. */
struct fault_counts {
	uint64_t loss;		/* dropped by --loss */
	uint64_t dup;		/* extra copies made by --dup */
	uint64_t reordered;	/* held back by --reorder */
	uint64_t delayed;	/* given a latency above 0 by --delay */
	uint64_t queue_drop;	/* tail-dropped: the --rate queue was full */
	uint64_t overflow;	/* dropped: FAULT_MAX_PKTS or _BYTES in flight */
};

/* One packet in flight: a copy, with when it may go. */
struct fault_pkt {
	uint64_t due_us;	/* when it leaves (held: when the wait ends) */
	uint64_t seq;		/* arrival order: breaks ties, and tells a held
				 * packet which ones came after it */
	uint32_t len;
	uint8_t passed;		/* held: later packets that left since */
	bool hold;		/* --reorder picked it: hold it when due */
	uint8_t data[];
};

struct fault_dir {
	struct fault_cfg cfg;
	struct fault_counts n;
	uint64_t rng;		/* dup, reorder, jitter: this direction's own */
	uint64_t *loss_rng;	/* --loss: one generator for both directions */

	/* The timeline (only with rate, delay or reorder): a ring of
	 * FAULT_MAX_PKTS pointers, sorted by (due_us, seq). */
	struct fault_pkt **line;
	size_t head, count;
	/* The held packets (reorder), in the order they were put aside. */
	struct fault_pkt **held;
	size_t nheld;
	size_t bytes;		/* of every packet above, for the bound */
	uint64_t seq;		/* the next arrival's */
	struct fault_pkt *taken;	/* returned by the last fault_pop_due() */

	/* The bottleneck (rate): when each packet still in it will have
	 * left, a ring of cfg.queue times, and when the link is free. */
	uint64_t *link;
	size_t link_head, link_count;
	uint64_t link_free_ns;
};

/* Does cfg ask for any fault?  One that needs the timeline? */
bool fault_cfg_any(const struct fault_cfg *cfg);
bool fault_cfg_queues(const struct fault_cfg *cfg);

/* Set d up for cfg.  seed and way give this direction's generator (the
 * same seed, the same faults); loss_rng is the generator --loss draws from,
 * shared by both directions.  Returns 0, or -1 if memory for the timeline
 * could not be had. */
int fault_init(struct fault_dir *d, const struct fault_cfg *cfg, uint64_t seed,
	       enum fault_way way, uint64_t *loss_rng);

/* Free every copy and the timeline. */
void fault_free(struct fault_dir *d);

/* One packet of len bytes arrives at now_us.  Returns how many times the
 * caller should pass it on at once, itself: 0 (lost), 1, or 2 (a dup).
 * With a timeline this is always 0: copies of it, if any, wait there, and
 * come out of fault_pop_due(), even those due at once. */
unsigned fault_push(struct fault_dir *d, const uint8_t *pkt, size_t len, uint64_t now_us);

/* When the next packet is due (it may already be), or FAULT_NONE. */
uint64_t fault_next_due(const struct fault_dir *d);

/* A packet due at now_us, in the order they are due, or NULL when none is.
 * The bytes stay valid until the next call on d. */
uint8_t *fault_pop_due(struct fault_dir *d, uint64_t now_us, size_t *len);

/* The packets d holds now: on the timeline and held aside. */
size_t fault_in_flight(const struct fault_dir *d);

#endif
