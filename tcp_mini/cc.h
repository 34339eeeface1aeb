/*
 * cc.h - the seam between tcp_mini and its congestion control.
 *
 * What every algorithm shares lives in cc.c: the initial window (RFC
 * 6928), slow start, recovery's bookkeeping (RFC 5681 3.2, RFC 6582) and
 * the one-segment loss window after a time-out.  What differs between
 * algorithms is small, and is all an algorithm gives (Linux's struct
 * tcp_congestion_ops has the same split):
 *
 *   ssthresh     where to go after a loss: NewReno halves the flight,
 *                CUBIC takes 0.7 of cwnd (RFC 9438 4.6)
 *   cong_avoid   how cwnd grows above ssthresh, per ACK of new data: one
 *                MSS a round trip (NewReno), or CUBIC's curve of time
 *                since the last loss
 *
 * --cc reno|cubic|none chooses one per run; "none" is no congestion
 * control at all (cwnd never limits), so a learner can watch what it buys.
 */
#ifndef TUNLAB_TCP_MINI_CC_H
#define TUNLAB_TCP_MINI_CC_H

#include <stdbool.h>
#include <stdint.h>

struct tcp_conn;

/* CUBIC's state per connection (RFC 9438 4.1's variables; cc_cubic.c).
 * Windows are in bytes, like cwnd; times in ms, like now_ms. */
struct cc_cubic {
	bool in_epoch;			/* an epoch (congestion avoidance
					 * since the last loss) has begun */
	uint64_t epoch_start_ms;	/* ... at this time */
	uint32_t w_max;			/* cwnd just before the last loss,
					 * less after fast convergence (4.7);
					 * 0: no loss yet */
	uint32_t cwnd_prior;		/* cwnd at the last loss (4.6) */
	uint32_t k_ms;			/* K: the time the curve takes from
					 * the epoch's cwnd back to w_max */
	uint32_t origin;		/* the curve's plateau: w_max, or the
					 * epoch's cwnd if that is above */
	uint32_t w_est;			/* the Reno-friendly estimate (4.3) */
	uint64_t est_frac;		/* w_est's growth not yet a whole
					 * byte (in 1/(17 cwnd) bytes) */
	uint64_t grow_frac;		/* cwnd's growth not yet a whole
					 * byte (in 1/cwnd bytes) */
};

struct cc_algo {
	const char *name;
	/* A connection is established: the algorithm's own state. */
	void (*init)(struct tcp_conn *c);
	/* A loss was detected (fast retransmit, or a time-out): the new
	 * ssthresh.  Also updates the algorithm's own state. */
	uint32_t (*ssthresh)(struct tcp_conn *c, uint64_t now_ms);
	/* acked bytes of new data acknowledged, outside recovery, with
	 * cwnd >= ssthresh: grow cwnd. */
	void (*cong_avoid)(struct tcp_conn *c, uint32_t acked, uint64_t now_ms);
};

extern const struct cc_algo cc_reno, cc_cubic, cc_none;

/* "reno", "cubic" or "none"; NULL for any other name. */
const struct cc_algo *cc_find(const char *name);

/* Nothing in tcp_mini needs more in flight than its largest ring. */
#define CWND_MAX	(4u * 1024 * 1024)

#endif
