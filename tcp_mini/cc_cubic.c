/*
 * cc_cubic.c - CUBIC congestion control (RFC 9438), Linux's default.
 *
 * NewReno adds one segment a round trip.  On a path of 1 Gb/s and 100 ms
 * the window is some 8,500 segments; after a loss halves it, NewReno needs
 * 4,300 round trips, seven minutes, to fill the path again.  CUBIC grows
 * the window as a function of the time since the last loss instead, the
 * same for every flow whatever its round trip (RFC 9438 4.2, Figure 1):
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max
 *
 *  cwnd                                                   convex: probe,
 *    ^                                                  / slowly, then
 *    |                                                 /  faster
 *    |  W_max .......................____________..--'
 *    |                        __..--'      plateau
 *    |                   _.-''
 *    |               _.-'  concave: fast while far below W_max,
 *    |             /       slower as it comes close
 *    |  0.7 W_max /
 *    +------------|-----------------------|--------------------> t
 *               loss                      K
 *
 * W_max is the window at which the last loss came: as far as we know,
 * where the path's limit is.  So the curve hurries back towards it, lingers
 * around it (the plateau, t near K, where the window that last worked is
 * used longest), and then, since the limit may have moved (another flow
 * left), probes past it, gently at first and faster the longer no loss
 * comes.  K is how long the curve takes from the window an epoch starts at
 * (cwnd_epoch) back up to W_max: setting W_cubic(0) = cwnd_epoch gives
 * K = cbrt((W_max - cwnd_epoch) / C) (Figure 2).  C = 0.4, in segments per
 * second cubed, sets the scale: 30 segments short of W_max, K is 4.2 s.
 *
 * A loss takes the window to 0.7 of what it was, not NewReno's half
 * (4.6).  A deep cut empties the bottleneck's queue and then some: the
 * path idles until the window has grown back.  Keeping more of the window
 * leaves less of the path idle after each loss, and the rate smoother.
 * What the milder cut costs: a new flow takes longer to get its share,
 * which fast convergence (4.7) pays back; and a flow that cut to 0.7 but
 * then grew as NewReno does would take more than NewReno's share, which
 * is why the Reno-friendly estimate below (4.3) grows slower than that.
 *
 * Units: windows in bytes, like cwnd (a curve in segments times the MSS);
 * times in ms, like now_ms.  No floating point: beta, C and alpha are
 * fractions, and the cube root is an integer one.
 */
#include "tcp_mini.h"

/* beta_cubic = 7/10: the window kept at a loss (4.6). */
#define BETA_NUM	7
#define BETA_DEN	10
/* alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17 (4.3, Figure 5). */
#define ALPHA_NUM	9
#define ALPHA_DEN	17

static uint32_t at_most_cwnd_max(uint64_t w)
{
	return w < CWND_MAX ? (uint32_t)w : CWND_MAX;
}

/* The largest r with r^3 <= x, by halving the range it can be in: 22
 * steps, once an epoch.  (2642245^3 is the last cube below 2^64.) */
static uint64_t cube_root(uint64_t x)
{
	uint64_t lo = 0, hi = 2642245, mid;

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (mid * mid * mid <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* C * (d/1000)^3 segments, d in ms, as bytes: 2 * mss * d^3 / (5 * 10^9).
 * Past 2^21 ms (35 minutes) the curve is far beyond any window anyway;
 * capping d there keeps d^3 within 64 bits, and dividing by 10^6 first
 * keeps the product with the MSS within them too. */
static uint64_t cube_bytes(uint32_t mss, uint64_t d_ms)
{
	if (d_ms > 1u << 21)
		d_ms = 1u << 21;
	return d_ms * d_ms * d_ms / 1000000 * 2 * mss / 5000;
}

/* W_cubic(t) in bytes, t ms after the epoch began (Figure 1). */
static uint64_t w_cubic(const struct tcp_conn *c, uint64_t t_ms)
{
	/* build-it 06.1 begin: CUBIC: the 0.7 cut, fast convergence, W_cubic(t) and K, the Reno-friendly region */
	const struct cc_cubic *cu = &c->cubic;
	uint64_t below;

	if (t_ms >= cu->k_ms)
		return cu->origin + cube_bytes(c->mss, t_ms - cu->k_ms);
	below = cube_bytes(c->mss, cu->k_ms - t_ms);
	return below < cu->origin ? cu->origin - below : 0;
	/* build-it 06.1 end; the starter has: (void)c, (void)t_ms, (void)cube_bytes; return 0; */
}

static void cubic_init(struct tcp_conn *c)
{
	c->cubic = (struct cc_cubic){ 0 };
}

/* A loss (fast retransmit or time-out; 4.6 and 4.8 cut the same way):
 * remember where it came, and keep 0.7 of the window.  (4.8 also starts
 * the first epoch after a time-out with K = 0, from where it is; this
 * seam does not say which loss it was, so after either the curve climbs
 * back towards W_max.) */
static uint32_t cubic_ssthresh(struct tcp_conn *c, uint64_t now_ms)
{
	/* build-it 06.1 begin: CUBIC: the 0.7 cut, fast convergence, W_cubic(t) and K, the Reno-friendly region */
	struct cc_cubic *cu = &c->cubic;
	uint32_t ss;

	(void)now_ms;
	/* cwnd is still the one-segment loss window of a time-out: nothing
	 * was acknowledged since, and this is the same segment timing out
	 * again.  RFC 5681 (4): ssthresh is then held constant (NewReno's
	 * half of the flight stays put by itself; 0.7 of this cwnd would
	 * not). */
	if (c->cwnd <= c->mss && c->ssthresh < CWND_MAX)
		return c->ssthresh;
	/* Fast convergence (4.7): a loss before the window got back to the
	 * last W_max says the path is giving us less (a new flow came):
	 * aim lower, halfway between this window and 0.7 of it, and so
	 * leave the newcomer room sooner. */
	if (c->cwnd < cu->w_max)
		cu->w_max = (uint32_t)((uint64_t)c->cwnd *
				       (BETA_DEN + BETA_NUM) / (2 * BETA_DEN));
	else
		cu->w_max = c->cwnd;
	cu->cwnd_prior = c->cwnd;
	cu->in_epoch = false;		/* the next epoch starts afresh */
	ss = (uint32_t)((uint64_t)c->cwnd * BETA_NUM / BETA_DEN);
	return ss > 2u * c->mss ? ss : 2u * c->mss;
	/* build-it 06.1 end; the starter has: (void)c, (void)now_ms; return CWND_MAX; */
}

/* The first ACK in congestion avoidance after a loss: the curve starts
 * here, at cwnd_epoch = cwnd (4.2). */
static void epoch_begin(struct tcp_conn *c, uint64_t now_ms)
{
	/* build-it 06.1 begin: CUBIC: the 0.7 cut, fast convergence, W_cubic(t) and K, the Reno-friendly region */
	struct cc_cubic *cu = &c->cubic;

	cu->in_epoch = true;
	cu->epoch_start_ms = now_ms;
	cu->w_est = c->cwnd;		/* 4.3: from cwnd_epoch */
	cu->est_frac = 0;
	cu->grow_frac = 0;
	if (cu->w_max > c->cwnd) {
		/* K = cbrt((W_max - cwnd) / (C * MSS)) s: in ms, the cube
		 * root of (W_max - cwnd) * 10^9 / (0.4 * MSS). */
		cu->origin = cu->w_max;
		cu->k_ms = (uint32_t)cube_root((uint64_t)(cu->w_max - c->cwnd) *
					       2500000000u / c->mss);
	} else {
		/* Already at or above W_max (or no loss yet): no concave
		 * part to climb; the plateau is here and now. */
		cu->origin = c->cwnd;
		cu->k_ms = 0;
	}
	/* build-it 06.1 end; the starter has: (void)c, (void)now_ms, (void)cube_root; */
}

/* acked bytes newly acknowledged, cwnd >= ssthresh. */
static void cubic_cong_avoid(struct tcp_conn *c, uint32_t acked,
			     uint64_t now_ms)
{
	/* build-it 06.1 begin: CUBIC: the 0.7 cut, fast convergence, W_cubic(t) and K, the Reno-friendly region */
	struct cc_cubic *cu = &c->cubic;
	uint64_t cwnd = c->cwnd, t, rtt, target, inc;
	uint32_t alpha;

	if (!cu->in_epoch)
		epoch_begin(c, now_ms);
	t = now_ms > cu->epoch_start_ms ? now_ms - cu->epoch_start_ms : 0;
	rtt = c->rtt_valid ? c->srtt_us / 1000 : 0;

	/* The Reno-friendly region (4.3).  With a short round trip and a
	 * small window, a curve in seconds is slow: 6 segments short of
	 * W_max, K is 2.5 s, 250 round trips of 10 ms, where a segment a
	 * round trip would be back in 6.  CUBIC must do no worse than
	 * NewReno where NewReno does well, so it keeps W_est, the window of
	 * a flow that cuts to 0.7 and adds alpha segments a round trip:
	 * alpha = 9/17 gives that flow, at the same loss rate, NewReno's
	 * (1, 0.5) average rate.  Once W_est is back at the window of the
	 * last loss, the 0.7 head start is used up, and alpha is NewReno's
	 * own 1.  Per ACK, W_est += alpha * acked / cwnd segments (Figure
	 * 4), in bytes alpha * acked * MSS / cwnd; est_frac keeps what is
	 * not yet a whole byte. */
	alpha = cu->w_est >= cu->cwnd_prior ? ALPHA_DEN : ALPHA_NUM;
	cu->est_frac += (uint64_t)alpha * acked * c->mss;
	inc = cu->est_frac / (ALPHA_DEN * cwnd);
	cu->est_frac -= inc * ALPHA_DEN * cwnd;
	cu->w_est = at_most_cwnd_max(cu->w_est + inc);
	if (w_cubic(c, t) < cu->w_est) {
		/* The estimate is ahead of the curve: follow it (but an ACK
		 * never shrinks the window). */
		if (cu->w_est > c->cwnd)
			c->cwnd = cu->w_est;
		return;
	}

	/* The concave and convex regions (4.4, 4.5, both 4.2): aim where
	 * the curve will be a round trip from now, but no lower than cwnd
	 * (an ACK never shrinks it) and no higher than 1.5 cwnd (Figure 3:
	 * far past K the curve is steep; half a window a round trip is
	 * already close to slow start's doubling). */
	target = w_cubic(c, t + rtt);
	if (target < cwnd)
		target = cwnd;
	if (target > cwnd + cwnd / 2)
		target = cwnd + cwnd / 2;
	/* cwnd += (target - cwnd) / cwnd per segment acknowledged: over a
	 * whole window's ACKs, cwnd reaches target.  In bytes that is
	 * (target - cwnd) / cwnd per byte; grow_frac keeps the fraction,
	 * as Linux's counter of ACKs to the next segment does. */
	cu->grow_frac += acked * (target - cwnd);
	inc = cu->grow_frac / cwnd;
	cu->grow_frac -= inc * cwnd;
	c->cwnd = at_most_cwnd_max(cwnd + inc);
	/* build-it 06.1 end; the starter has:
	 *	(void)c, (void)acked, (void)now_ms;
	 *	(void)epoch_begin, (void)w_cubic, (void)at_most_cwnd_max;
	 */
}

const struct cc_algo cc_cubic = {
	"cubic", cubic_init, cubic_ssthresh, cubic_cong_avoid,
};
