/*
 * cc.c - congestion control: how much a connection may have in flight,
 * whatever the peer's window says (RFC 5681, with RFC 6582's NewReno
 * recovery).
 *
 * The peer's window says how much its receive buffer holds; it says
 * nothing about the network in between.  A sender that fills the peer's
 * window after every loss sends a burst the path may not carry, loses
 * more, and so on: the congestion collapse of 1986 that Van Jacobson's
 * algorithms ended.  RFC 5681 3.1 makes them a MUST:
 *
 *   cwnd       the congestion window: in flight at most min(cwnd, SND.WND)
 *   ssthresh   below it, slow start: cwnd grows by what each ACK
 *              acknowledges, so it doubles every round trip; above it,
 *              congestion avoidance: one MSS more per round trip
 *   a loss     seen by three duplicate ACKs (fast retransmit): ssthresh
 *              and cwnd to half of what was in flight; seen by the timer:
 *              cwnd to one segment, and slow start again from there
 *
 * The rest of tcp_mini calls only the cc_on_* functions below.  What
 * differs between algorithms (the ssthresh after a loss, the growth above
 * it) is behind struct cc_algo (cc.h): NewReno's is here, CUBIC's in
 * cc_cubic.c, and "none" turns congestion control off, to watch what it
 * buys.
 */
#include "tcp_mini.h"

#include <string.h>

static bool no_cc(const struct tcp_conn *c)
{
	return c->cc == &cc_none;
}

static uint32_t flight(const struct tcp_conn *c)
{
	return (uint32_t)seq_diff(c->snd_max, c->snd_una);
}

/* NewReno's ssthresh after a loss (RFC 5681 (4)): half of what was in
 * flight, and never below two segments. */
uint32_t cc_reno_ssthresh(struct tcp_conn *c, uint64_t now_ms)
{
	uint32_t half = flight(c) / 2;

	(void)now_ms;
	return half > 2u * c->mss ? half : 2u * c->mss;
}

/* NewReno's congestion avoidance (RFC 5681 (3), byte counting): one MSS
 * more for every cwnd bytes acknowledged, that is, one a round trip. */
void cc_reno_cong_avoid(struct tcp_conn *c, uint32_t acked, uint64_t now_ms)
{
	(void)now_ms;
	c->acked_in_ca += acked;
	if (c->acked_in_ca >= c->cwnd) {
		c->acked_in_ca -= c->cwnd;
		c->cwnd += c->mss;
	}
}

static void reno_init(struct tcp_conn *c)
{
	(void)c;
}

const struct cc_algo cc_reno = {
	"reno", reno_init, cc_reno_ssthresh, cc_reno_cong_avoid,
};

/* No congestion control: only the peer's window limits what is in flight. */
static uint32_t none_ssthresh(struct tcp_conn *c, uint64_t now_ms)
{
	(void)c, (void)now_ms;
	return CWND_MAX;
}

static void none_cong_avoid(struct tcp_conn *c, uint32_t acked, uint64_t now_ms)
{
	(void)c, (void)acked, (void)now_ms;
}

const struct cc_algo cc_none = {
	"none", reno_init, none_ssthresh, none_cong_avoid,
};

const struct cc_algo *cc_find(const char *name)
{
	const struct cc_algo *all[] = { &cc_reno, &cc_cubic, &cc_none };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

/* RFC 6928: an initial window of min(10*MSS, max(2*MSS, 14600)) bytes;
 * ssthresh starts "arbitrarily high" (RFC 5681 3.1). */
void cc_init(struct tcp_conn *c)
{
	uint32_t iw = 2u * c->mss > 14600 ? 2u * c->mss : 14600;

	c->cwnd = no_cc(c) ? CWND_MAX : 10u * c->mss < iw ? 10u * c->mss : iw;
	c->ssthresh = CWND_MAX;
	c->acked_in_ca = 0;
	c->cc->init(c);
}

/* How far past SND.UNA the sender may go.  Lesson 05: cwnd.  With a
 * send log (sack.c, RFC 6675), what the peer SACKed and what was lost
 * have left the network and do not count against cwnd: the window is
 * cwnd plus those, so that the room left is cwnd - pipe.  A full log
 * leaves no room. */
uint32_t cc_window(const struct tcp_conn *c)
{
	if (!c->sent)
		return c->cwnd;
	if (c->sent_n == TCP_SENT_MAX)
		return (uint32_t)seq_diff(c->snd_nxt, c->snd_una);
	return c->cwnd + c->sacked_bytes + c->lost_bytes;
}

/* An ACK of new data, outside recovery. */
void cc_on_ack(struct tcp_conn *c, uint32_t acked, uint64_t now_ms)
{
	if (no_cc(c))
		return;
	if (c->cwnd < c->ssthresh) {
		/* Slow start.  RFC 5681 (2) grows cwnd by at most one MSS an
		 * ACK; like Linux we count the bytes acknowledged (RFC 3465),
		 * since the kernel acknowledges many segments at once. */
		c->cwnd += acked;
		if (c->cwnd > c->ssthresh)
			c->cwnd = c->ssthresh;
	} else {
		c->cc->cong_avoid(c, acked, now_ms);
	}
	if (c->cwnd > CWND_MAX)
		c->cwnd = CWND_MAX;
}

/* The third duplicate ACK: fast retransmit and fast recovery (RFC 5681
 * 3.2 steps 2-3, RFC 6582 3.2 step 2): the algorithm's ssthresh, plus
 * the three segments the duplicate ACKs say have left the network. */
void cc_on_loss(struct tcp_conn *c, uint64_t now_ms)
{
	if (no_cc(c))
		return;
	c->ssthresh = c->cc->ssthresh(c, now_ms);
	/* With SACK, pipe counts what left the network, so cwnd needs no
	 * inflating: cwnd = ssthresh (RFC 6675 5 step 4.2). */
	c->cwnd = c->sent ? c->ssthresh : c->ssthresh + 3u * c->mss;
	c->acked_in_ca = 0;
}

/* Each further duplicate ACK in recovery: one more segment has left the
 * network, so one more may go in (RFC 5681 3.2 step 4). */
void cc_on_dupack(struct tcp_conn *c)
{
	if (!no_cc(c) && !c->sent)
		c->cwnd += c->mss;
}

/* A partial ACK in recovery (RFC 6582 3.2 step 5): take back what it
 * acknowledged, and add one segment back if it was at least one. */
void cc_on_partial_ack(struct tcp_conn *c, uint32_t acked)
{
	if (no_cc(c) || c->sent)
		return;
	c->cwnd = c->cwnd > acked ? c->cwnd - acked : c->mss;
	if (acked >= c->mss)
		c->cwnd += c->mss;
}

/* Recovery is over, everything up to `recover` acknowledged (RFC 6582 3.2
 * step 3, its option 1): cwnd to min(ssthresh, FlightSize + MSS), so no
 * burst follows. */
void cc_on_recovered(struct tcp_conn *c)
{
	uint32_t f = flight(c) > c->mss ? flight(c) : c->mss;

	if (no_cc(c))
		return;
	c->cwnd = c->ssthresh < f + c->mss ? c->ssthresh : f + c->mss;
}

/* The retransmission timer fired (RFC 5681 (4) and 3.1): the loss window
 * is one segment, and slow start begins again up to the algorithm's
 * ssthresh. */
void cc_on_rto(struct tcp_conn *c, uint64_t now_ms)
{
	if (no_cc(c))
		return;
	c->ssthresh = c->cc->ssthresh(c, now_ms);
	c->cwnd = c->mss;
	c->acked_in_ca = 0;
}
