/*
 * test_cc.c - congestion control (tcp_mini/cc.c, cc_cubic.c) on a
 * connection set up by hand: no segments, only the cc_on_* calls input.c
 * and conn.c make, with "time" passed in as now_ms.  A round trip is a
 * whole window acknowledged, one segment an ACK, the ACKs spread over it.
 */
#include <string.h>

#include "unit.h"
#include "../../lib/tcp.h"
#include "../../tcp_mini/tcp_mini.h"

#define MSS	1460u

static void conn_with(struct tcp_conn *c, const struct cc_algo *a)
{
	memset(c, 0, sizeof(*c));
	c->mss = MSS;
	c->cc = a;
	c->snd_una = seq(1000);
	c->snd_max = seq(1000);
	cc_init(c);
}

static void set_rtt(struct tcp_conn *c, uint32_t rtt_ms)
{
	c->srtt_us = rtt_ms * 1000;
	c->rtt_valid = true;
}

/* A window of w bytes, all of it in flight. */
static void in_flight(struct tcp_conn *c, uint32_t w)
{
	c->cwnd = w;
	c->snd_max = seq_add(c->snd_una, w);
}

/* A fast retransmit at a window of w bytes, and the end of its recovery:
 * cwnd is at ssthresh, and congestion avoidance comes next. */
static void loss_at(struct tcp_conn *c, uint32_t w, uint64_t now_ms)
{
	in_flight(c, w);
	cc_on_loss(c, now_ms);
	cc_on_recovered(c);
}

/* One round trip of rtt_ms from *now_ms; the window after it. */
static uint32_t round_trip(struct tcp_conn *c, uint64_t *now_ms,
			   uint32_t rtt_ms)
{
	uint32_t n = (c->cwnd + MSS - 1) / MSS, i;

	for (i = 0; i < n; i++)
		cc_on_ack(c, MSS, *now_ms + (uint64_t)i * rtt_ms / n);
	*now_ms += rtt_ms;
	return c->cwnd;
}

static void shared_start(void)
{
	const struct cc_algo *algos[] = { &cc_reno, &cc_cubic };
	struct tcp_conn c;
	uint64_t now = 1000;
	size_t i;

	for (i = 0; i < 2; i++) {
		conn_with(&c, algos[i]);
		/* RFC 6928: min(10 MSS, max(2 MSS, 14600)). */
		CHECK_EQ(c.cwnd, 10 * MSS);
		CHECK_EQ(c.ssthresh, CWND_MAX);
		/* Slow start doubles a round trip, up to ssthresh (the ACKs
		 * after it are congestion avoidance's: some 1/3 MSS more
		 * for CUBIC, none yet for NewReno). */
		CHECK_EQ(round_trip(&c, &now, 100), 20 * MSS);
		c.ssthresh = 30 * MSS;
		round_trip(&c, &now, 100);
		CHECK(c.cwnd >= 30 * MSS && c.cwnd < 30 * MSS + MSS / 2);
	}
}

static void reno_half_the_flight(void)
{
	struct tcp_conn c;

	conn_with(&c, &cc_reno);
	in_flight(&c, 100 * MSS);
	c.snd_max = seq_add(c.snd_una, 60 * MSS);	/* less than cwnd */
	cc_on_loss(&c, 1000);
	CHECK_EQ(c.ssthresh, 30 * MSS);
	CHECK_EQ(c.cwnd, 33 * MSS);		/* + the 3 duplicate ACKs */
	/* Never below two segments. */
	conn_with(&c, &cc_reno);
	in_flight(&c, MSS);
	cc_on_loss(&c, 1000);
	CHECK_EQ(c.ssthresh, 2 * MSS);
	/* A time-out: the same ssthresh, and one segment. */
	conn_with(&c, &cc_reno);
	in_flight(&c, 40 * MSS);
	cc_on_rto(&c, 1000);
	CHECK_EQ(c.ssthresh, 20 * MSS);
	CHECK_EQ(c.cwnd, MSS);
}

static void reno_one_mss_a_round_trip(void)
{
	struct tcp_conn c;
	uint64_t now = 1000;
	uint32_t w;
	int i;

	conn_with(&c, &cc_reno);
	c.cwnd = 20 * MSS;
	c.ssthresh = 10 * MSS;
	for (i = 0; i < 20; i++) {
		w = c.cwnd;
		CHECK_EQ(round_trip(&c, &now, 100), w + MSS);
	}
}

static void none_never_limits(void)
{
	struct tcp_conn c;
	uint64_t now = 1000;

	conn_with(&c, &cc_none);
	CHECK_EQ(c.cwnd, CWND_MAX);
	c.snd_max = seq_add(c.snd_una, 100 * MSS);
	cc_on_loss(&c, now);
	cc_on_dupack(&c);
	cc_on_partial_ack(&c, 10 * MSS);
	cc_on_recovered(&c);
	cc_on_rto(&c, now);
	round_trip(&c, &now, 100);
	CHECK_EQ(c.cwnd, CWND_MAX);
	CHECK_EQ(c.ssthresh, CWND_MAX);
}

static void cubic_ssthresh_is_0_7(void)
{
	struct tcp_conn c;

	conn_with(&c, &cc_cubic);
	in_flight(&c, 100 * MSS);
	cc_on_loss(&c, 1000);
	CHECK_EQ(c.ssthresh, 70 * MSS);
	CHECK_EQ(c.cwnd, 73 * MSS);
	CHECK_EQ(c.cubic.w_max, 100 * MSS);
	CHECK_EQ(c.cubic.cwnd_prior, 100 * MSS);
	CHECK(!c.cubic.in_epoch);
	/* Never below two segments. */
	conn_with(&c, &cc_cubic);
	in_flight(&c, 2 * MSS);
	cc_on_loss(&c, 1000);
	CHECK_EQ(c.ssthresh, 2 * MSS);
	/* A time-out cuts the same (RFC 9438 4.8), to one segment ... */
	conn_with(&c, &cc_cubic);
	in_flight(&c, 50 * MSS);
	cc_on_rto(&c, 1000);
	CHECK_EQ(c.ssthresh, 35 * MSS);
	CHECK_EQ(c.cwnd, MSS);
	/* ... and the same segment timing out again changes nothing
	 * (RFC 5681 (4): ssthresh held constant). */
	cc_on_rto(&c, 3000);
	CHECK_EQ(c.ssthresh, 35 * MSS);
	CHECK_EQ(c.cubic.w_max, 50 * MSS);
}

static void cubic_fast_convergence(void)
{
	struct tcp_conn c;
	uint64_t now = 1000;

	conn_with(&c, &cc_cubic);
	set_rtt(&c, 100);
	loss_at(&c, 100 * MSS, now);
	CHECK_EQ(c.cubic.w_max, 100 * MSS);
	round_trip(&c, &now, 100);
	CHECK(c.cubic.in_epoch);
	CHECK_EQ(c.cubic.epoch_start_ms, 1000);
	/* The next loss comes at 80, short of 100: aim at (1 + 0.7) / 2 of
	 * it, 68, not at 80. */
	now = 5000;
	loss_at(&c, 80 * MSS, now);
	CHECK_EQ(c.ssthresh, 56 * MSS);
	CHECK_EQ(c.cubic.w_max, 68 * MSS);
	CHECK_EQ(c.cubic.cwnd_prior, 80 * MSS);
	/* A new epoch from the first ACK after it. */
	round_trip(&c, &now, 100);
	CHECK_EQ(c.cubic.epoch_start_ms, 5000);
	CHECK_EQ(c.cubic.origin, 68 * MSS);
	/* A loss above w_max: the path gave more; aim at all of it. */
	loss_at(&c, 90 * MSS, now);
	CHECK_EQ(c.cubic.w_max, 90 * MSS);
}

static void cubic_k(void)
{
	struct tcp_conn c;

	/* w_max 100 segments, cwnd 70: K = cbrt(30 / 0.4) = 4.217 s. */
	conn_with(&c, &cc_cubic);
	loss_at(&c, 100 * MSS, 1000);
	CHECK_EQ(c.cwnd, 70 * MSS);
	cc_on_ack(&c, MSS, 2000);
	CHECK_EQ(c.cubic.epoch_start_ms, 2000);
	CHECK_EQ(c.cubic.k_ms, 4217);
	CHECK_EQ(c.cubic.origin, 100 * MSS);
	/* w_max 1000: K = cbrt(300 / 0.4) = 9.086 s. */
	conn_with(&c, &cc_cubic);
	loss_at(&c, 1000 * MSS, 1000);
	cc_on_ack(&c, MSS, 1000);
	CHECK_EQ(c.cubic.k_ms, 9085);
	/* 3.2 segments short: K = cbrt(8) = 2 s exactly. */
	conn_with(&c, &cc_cubic);
	c.ssthresh = c.cwnd;
	c.cubic.w_max = c.cwnd + 32 * MSS / 10;
	cc_on_ack(&c, MSS, 1000);
	CHECK_EQ(c.cubic.k_ms, 2000);
	/* No loss yet: no w_max to climb back to; the plateau is here. */
	conn_with(&c, &cc_cubic);
	c.ssthresh = c.cwnd;
	cc_on_ack(&c, MSS, 1000);
	CHECK_EQ(c.cubic.k_ms, 0);
	CHECK_EQ(c.cubic.origin, 10 * MSS);
}

/* After a loss at 100 segments with a round trip of 200 ms (long enough
 * that the curve, not the Reno-friendly estimate, sets the pace): fast,
 * then slower up to w_max at about K = 4.2 s, flat around it, then faster
 * and faster past it. */
static void cubic_concave_plateau_convex(void)
{
	enum { RTT = 200, ROUNDS = 45 };
	uint32_t w[ROUNDS + 1], w_max = 100 * MSS;	/* w[i]: at i * RTT */
	struct tcp_conn c;
	uint64_t now = 10000;
	int i;

	conn_with(&c, &cc_cubic);
	set_rtt(&c, RTT);
	loss_at(&c, w_max, now);
	w[0] = c.cwnd;
	for (i = 1; i <= ROUNDS; i++) {
		w[i] = round_trip(&c, &now, RTT);
		CHECK(w[i] >= w[i - 1]);
	}
	CHECK_EQ(c.cubic.k_ms, 4217);
	/* Each ACK aims where the curve will be a round trip later (RFC
	 * 9438 4.2): in the first round trip, from W_cubic(0.2 s) = 74.1
	 * segments up (aiming at W_cubic(t) would reach only 71.5). */
	CHECK(w[1] > 73 * MSS);
	/* Concave: each second (5 rounds) adds less than the one before. */
	for (i = 0; i + 10 <= 20; i += 5)
		CHECK(w[i + 5] - w[i] > w[i + 10] - w[i + 5]);
	CHECK(w[5] - w[0] > 5 * MSS);
	/* At t = 4.2 s, about K: within 3% of w_max. */
	CHECK(w[21] >= w_max - w_max * 3 / 100);
	CHECK(w[21] <= w_max + w_max * 3 / 100);
	/* The plateau: from K - 1 s to K + 1 s, under two segments more. */
	CHECK(w[26] - w[16] < 2 * MSS);
	/* Convex past K: each second adds more than the one before. */
	for (i = 21; i + 10 <= ROUNDS; i += 5)
		CHECK(w[i + 5] - w[i] < w[i + 10] - w[i + 5]);
	/* Four seconds past K: C * 4^3 = 25.6 segments past w_max. */
	CHECK(w[41] > w_max + 20 * MSS && w[41] < w_max + 30 * MSS);
}

/* A short round trip and a small window: the curve would take K = 2.5 s,
 * 250 round trips, to regain 6 segments; the Reno-friendly estimate
 * (RFC 9438 4.3) does it in about 6 / 0.53 = 11, and after that adds one
 * segment a round trip, as NewReno does. */
static void cubic_reno_friendly(void)
{
	enum { RTT = 10 };
	struct tcp_conn c;
	uint64_t now = 1000;
	uint32_t before, after, prior = 20 * MSS;
	int i, regained = -1;

	conn_with(&c, &cc_cubic);
	set_rtt(&c, RTT);
	loss_at(&c, prior, now);
	CHECK_EQ(c.cwnd, 14 * MSS);
	for (i = 1; i <= 40; i++) {
		before = c.cwnd;
		after = round_trip(&c, &now, RTT);
		if (after < prior) {
			/* alpha = 9/17 of a segment a round trip (a little
			 * more: a round trip of whole segments acknowledges
			 * a little more than cwnd) */
			CHECK(after - before >= MSS / 2);
			CHECK(after - before <= MSS * 6 / 10);
		} else if (before >= prior) {
			/* NewReno's one segment (a little less: each ACK
			 * adds a share of a window that has grown) */
			CHECK(after - before >= MSS * 9 / 10);
			CHECK(after - before <= MSS + MSS / 10);
		}
		if (regained < 0 && after >= prior)
			regained = i;
	}
	CHECK(regained >= 11 && regained <= 13);
	CHECK(c.cwnd >= prior + 25 * MSS);
	CHECK(c.cubic.w_est >= c.cwnd);
}

/* Long past K the curve is far above cwnd: the target is held to 1.5
 * cwnd, so a round trip adds half a window at most, and up to CWND_MAX. */
static void cubic_at_most_1_5_a_round_trip(void)
{
	enum { RTT = 100 };
	struct tcp_conn c;
	uint64_t now = 1000;
	uint32_t before, after;
	int i;

	conn_with(&c, &cc_cubic);
	set_rtt(&c, RTT);
	loss_at(&c, 100 * MSS, now);
	cc_on_ack(&c, MSS, now);		/* the epoch starts */
	now += 60000;				/* 60 s without a loss */
	for (i = 0; i < 12; i++) {
		before = c.cwnd;
		after = round_trip(&c, &now, RTT);
		CHECK(after <= before + (before + MSS) / 2);
		if (after < CWND_MAX)
			CHECK(after >= before + before / 2);
	}
	CHECK_EQ(c.cwnd, CWND_MAX);
}

const struct unit_test cc_tests[] = {
	{ "cc: initial window and slow start (shared)", shared_start },
	{ "cc: reno's ssthresh is half the flight", reno_half_the_flight },
	{ "cc: reno adds one MSS a round trip", reno_one_mss_a_round_trip },
	{ "cc: none never limits", none_never_limits },
	{ "cc: cubic's ssthresh is 0.7 of cwnd", cubic_ssthresh_is_0_7 },
	{ "cc: cubic fast convergence lowers w_max", cubic_fast_convergence },
	{ "cc: cubic K = cbrt((w_max - cwnd) / C)", cubic_k },
	{ "cc: cubic concave to w_max at K, plateau, convex",
	  cubic_concave_plateau_convex },
	{ "cc: cubic Reno-friendly at a short RTT", cubic_reno_friendly },
	{ "cc: cubic grows at most 1.5x a round trip",
	  cubic_at_most_1_5_a_round_trip },
	{ NULL, NULL },
};
