/*
 * test_sack.c - lesson 06's sender (tcp_mini/sack.c): the send log, the
 * SACK scoreboard and pipe (RFC 2018, RFC 6675), RACK's loss marking and
 * the tail loss probe (RFC 8985), and what congestion control makes of
 * them (cc.c).
 *
 * Each test builds a connection by hand: ESTABLISHED, SACK agreed, an MSS
 * of 1000 to keep the numbers round, segments logged as output.c logs
 * them (tcp_sent_log at SND.MAX), then hands tcp_sack_input() the ACKs a
 * peer would send, with SND.UNA moved as input.c's fifth check moves it.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tcp_mini/tcp_mini.h"
#include "unit.h"

#define MSS	1000
#define ISS	100000u

static struct tcp_mini st;
static struct tcp_conn conn;

/* A fresh connection: SND.UNA = SND.NXT = SND.MAX = ISS + 1, cwnd 10
 * segments, RTT known (SRTT 100 ms), RACK or RFC 6675 as asked. */
static struct tcp_conn *fresh(bool rack)
{
	struct tcp_conn *c = &conn;

	free(c->sent);
	memset(&st, 0, sizeof(st));
	memset(c, 0, sizeof(*c));
	st.rack_on = rack;
	conn.rack = rack;
	st.sack_on = true;
	c->state = TCP_ESTABLISHED;
	c->sack_ok = true;
	c->mss = MSS;
	c->iss = seq(ISS);
	c->snd_una = c->snd_nxt = c->snd_max = seq(ISS + 1);
	c->recover = c->iss;
	c->snd_wnd = 1000000;
	c->cc = &cc_reno;
	cc_init(c);
	c->cwnd = 10 * MSS;
	c->srtt_us = 100000;
	c->rttvar_us = 10000;
	c->rtt_valid = true;
	c->rto_ms = 200;
	return c;
}

/* Segment i (0, 1, ...) starts at ISS + 1 + i * MSS. */
static seq_t at(unsigned i)
{
	return seq(ISS + 1 + i * MSS);
}

/* Send segments first..last-1 at time t, as output.c does. */
static void send_new(struct tcp_conn *c, unsigned first, unsigned last, uint64_t t)
{
	unsigned i;

	for (i = first; i < last; i++) {
		tcp_sent_log(&st, c, at(i), MSS, false, t);
		c->snd_max = c->snd_nxt = at(i + 1);
	}
}

/* The peer's ACK of everything below segment una, with SACK blocks
 * [b0, b1), [b2, b3) in segment numbers (0, 0 for none). */
static void ack(struct tcp_conn *c, unsigned una, unsigned b0, unsigned b1,
		unsigned b2, unsigned b3, uint64_t t)
{
	struct tcp_hdr h = { .flags = TCP_FLAG_ACK, .ack = at(una).v };

	if (b1 > b0) {
		h.opts.sack[h.opts.n_sack].start = at(b0).v;
		h.opts.sack[h.opts.n_sack++].end = at(b1).v;
	}
	if (b3 > b2) {
		h.opts.sack[h.opts.n_sack].start = at(b2).v;
		h.opts.sack[h.opts.n_sack++].end = at(b3).v;
	}
	if (seq_gt(at(una), c->snd_una))
		c->snd_una = at(una);
	tcp_sack_input(&st, c, &h, t);
}

/* The flags of the record for segment i (the log starts at SND.UNA). */
static uint8_t flags_of(const struct tcp_conn *c, unsigned i)
{
	unsigned k;

	for (k = 0; k < c->sent_n; k++) {
		const struct tcp_sent *r = &c->sent[(c->sent_head + k) % TCP_SENT_MAX];

		if (seq_eq(r->start, at(i)))
			return r->flags;
	}
	return 0xff;		/* no such record */
}

static void log_records_new_and_resent(void)
{
	struct tcp_conn *c = fresh(true);
	const struct tcp_sent *r;

	send_new(c, 0, 5, 10);
	REQUIRE(c->sent != NULL);
	CHECK_EQ(c->sent_n, 5);
	/* Segment 2 sent again at 50: its record says so, and when. */
	tcp_sent_log(&st, c, at(2), MSS, false, 50);
	CHECK_EQ(c->sent_n, 5);
	r = &c->sent[(c->sent_head + 2) % TCP_SENT_MAX];
	CHECK_EQ(r->xmit_ms, 50);
	CHECK(r->flags & SENT_RETRANS);
	CHECK_EQ(flags_of(c, 1), 0);
	/* A FIN alone is a record of one sequence number. */
	tcp_sent_log(&st, c, at(5), 1, true, 60);
	CHECK_EQ(c->sent_n, 6);
	CHECK(flags_of(c, 5) & SENT_FIN);
	/* Without SACK, no log at all (lesson 05's sender). */
	c = fresh(true);
	c->sack_ok = false;
	send_new(c, 0, 3, 10);
	CHECK(c->sent == NULL);
}

static void scoreboard_and_pipe(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 6, 10);
	CHECK_EQ(tcp_pipe(c), 6 * MSS);
	/* Segment 0 arrives; 1 is lost; 2 and 3 arrive (SACKed). */
	ack(c, 1, 2, 4, 0, 0, 20);
	CHECK_EQ(c->sent_n, 5);			/* segment 0 left the log */
	CHECK_EQ(flags_of(c, 2) & SENT_SACKED, SENT_SACKED);
	CHECK_EQ(flags_of(c, 3) & SENT_SACKED, SENT_SACKED);
	CHECK_EQ(flags_of(c, 1) & SENT_SACKED, 0);
	CHECK_EQ(c->sacked_bytes, 2 * MSS);
	/* Segment 1 went out with segment 3, which arrived: RACK calls it
	 * lost once the reordering window (min RTT 10 / 4: 2 ms) has passed
	 * too: at 22, the reordering timer's time. */
	CHECK(!(flags_of(c, 1) & SENT_LOST));
	CHECK_EQ(c->rack_timeout_ms, 22);
	CHECK_EQ(tcp_pipe(c), 3 * MSS);
	tcp_rack_detect(c, 22);
	/* pipe: 5 in flight, 2 of them SACKed, 1 lost. */
	CHECK(flags_of(c, 1) & SENT_LOST);
	CHECK_EQ(c->lost_bytes, MSS);
	CHECK_EQ(tcp_pipe(c), 2 * MSS);
	/* The window the sender may fill: cwnd counts only the pipe. */
	CHECK_EQ(cc_window(c), c->cwnd + 3 * MSS);
	/* A block that covers half a segment marks nothing; one past
	 * SND.MAX, or below SND.UNA, is ignored. */
	ack(c, 1, 4, 4, 0, 0, 21);
	{
		struct tcp_hdr h = { .flags = TCP_FLAG_ACK, .ack = at(1).v };

		h.opts.n_sack = 2;
		h.opts.sack[0].start = at(2).v;		/* (not a D-SACK:) */
		h.opts.sack[0].end = at(4).v;
		h.opts.sack[1].start = at(4).v + MSS / 2;
		h.opts.sack[1].end = at(9).v;		/* past SND.MAX */
		tcp_sack_input(&st, c, &h, 22);
	}
	CHECK_EQ(flags_of(c, 4) & SENT_SACKED, 0);
	CHECK_EQ(c->sacked_bytes, 2 * MSS);
	/* The cumulative ACK past them all: the log empties, and so do the
	 * counts. */
	ack(c, 6, 0, 0, 0, 0, 30);
	CHECK_EQ(c->sent_n, 0);
	CHECK_EQ(c->sacked_bytes, 0);
	CHECK_EQ(c->lost_bytes, 0);
}

static void cumulative_ack_cuts_a_record(void)
{
	struct tcp_conn *c = fresh(true);
	const struct tcp_sent *r;

	send_new(c, 0, 3, 10);
	c->snd_una = seq_add(at(1), 300);	/* half of segment 1 */
	{
		struct tcp_hdr h = { .flags = TCP_FLAG_ACK, .ack = c->snd_una.v };

		tcp_sack_input(&st, c, &h, 20);
	}
	REQUIRE_EQ(c->sent_n, 2);
	r = &c->sent[c->sent_head];
	CHECK(seq_eq(r->start, seq_add(at(1), 300)));
	CHECK(seq_eq(r->end, at(2)));
}

static void rack_marks_by_time(void)
{
	struct tcp_conn *c = fresh(true);

	/* Segments 0, 1, 2 sent at 0, 50, 90; segment 3 at 100. */
	send_new(c, 0, 1, 0);
	send_new(c, 1, 2, 50);
	send_new(c, 2, 3, 90);
	send_new(c, 3, 4, 100);
	/* At 200, segment 3 is SACKed: RACK.rtt 100, min RTT 100, so the
	 * reordering window is 25 ms: a segment sent before it is lost
	 * 125 ms after it went out. */
	ack(c, 0, 3, 4, 0, 0, 200);
	CHECK_EQ(c->rack_rtt_ms, 100);
	CHECK_EQ(c->min_rtt_ms, 100);
	CHECK(flags_of(c, 0) & SENT_LOST);	/* 0 + 125 <= 200 */
	CHECK(flags_of(c, 1) & SENT_LOST);	/* 50 + 125 <= 200 */
	CHECK(!(flags_of(c, 2) & SENT_LOST));	/* 90 + 125 = 215 */
	CHECK_EQ(c->rack_timeout_ms, 215);	/* the reordering timer */
	/* The loss starts recovery: NewReno halves the flight. */
	CHECK(c->recovering);
	CHECK(seq_eq(c->recover, at(4)));
	CHECK_EQ(c->ssthresh, 2 * MSS);
	CHECK_EQ(c->cwnd, c->ssthresh);		/* no inflation with SACK */
	/* The timer: RACK's, at 215. */
	CHECK(tcp_sack_timer(c, 200));
	CHECK_EQ(c->timer, TIMER_RACK);
	CHECK_EQ(c->timer_at, 215);
	tcp_rack_detect(c, 215);
	CHECK(flags_of(c, 2) & SENT_LOST);
	CHECK_EQ(c->rack_timeout_ms, 0);
	CHECK_EQ(c->lost_bytes, 3 * MSS);
	CHECK_EQ(tcp_pipe(c), 0);
}

static void rack_later_segments_not_judged(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 2, 0);
	send_new(c, 2, 4, 150);
	/* Segment 1 (sent at 0) is SACKed at 100: only segment 0 was sent
	 * before it; 2 and 3 went later and may simply be on their way. */
	ack(c, 0, 1, 2, 0, 0, 100);
	CHECK_EQ(c->rack_timeout_ms, 125);	/* 0 + 100 + 100 / 4 */
	tcp_rack_detect(c, 500);
	CHECK(flags_of(c, 0) & SENT_LOST);
	CHECK(!(flags_of(c, 2) & SENT_LOST));
	CHECK(!(flags_of(c, 3) & SENT_LOST));
}

static void rack_ignores_ambiguous_retransmission(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 3, 0);
	ack(c, 0, 1, 2, 0, 0, 100);		/* min RTT 100 */
	CHECK_EQ(c->min_rtt_ms, 100);
	/* Segment 0 is sent again at 150 and acknowledged at 160: 10 ms
	 * after the retransmission, less than any RTT seen, so the ACK is
	 * for the first sending: no sample, RACK stays where it was. */
	tcp_sent_log(&st, c, at(0), MSS, false, 150);
	ack(c, 2, 0, 0, 0, 0, 160);
	CHECK_EQ(c->min_rtt_ms, 100);
	CHECK_EQ(c->rack_xmit_ms, 0);
	/* One a millisecond short of the minimum is the retransmission's
	 * own ACK: the clock rounds to milliseconds (a tail probe's SACK
	 * must count, or RACK cannot see what the probe found). */
	c = fresh(true);
	send_new(c, 0, 3, 0);
	ack(c, 0, 1, 2, 0, 0, 100);		/* min RTT 100 */
	tcp_sent_log(&st, c, at(2), MSS, false, 150);
	ack(c, 0, 1, 3, 0, 0, 249);		/* 99 ms after it */
	CHECK_EQ(c->rack_xmit_ms, 150);
	CHECK(flags_of(c, 0) & SENT_LOST);
}

static void dsack_widens_the_reordering_window(void)
{
	struct tcp_conn *c = fresh(true);
	struct tcp_hdr h = { .flags = TCP_FLAG_ACK };

	send_new(c, 0, 4, 0);
	ack(c, 2, 0, 0, 0, 0, 100);
	CHECK_EQ(c->reo_wnd_mult, 0);
	/* A D-SACK for segment 1, below the cumulative ACK: a segment we
	 * sent twice was not lost.  It is no SACK of anything in flight. */
	h.ack = at(2).v;
	h.opts.n_sack = 1;
	h.opts.sack[0].start = at(1).v;
	h.opts.sack[0].end = at(2).v;
	tcp_sack_input(&st, c, &h, 110);
	CHECK_EQ(c->reo_wnd_mult, 1);
	CHECK_EQ(c->sacked_bytes, 0);
	/* Another in the same round trip: no further widening. */
	tcp_sack_input(&st, c, &h, 111);
	CHECK_EQ(c->reo_wnd_mult, 1);
	/* A D-SACK inside the second block is one too. */
	h.opts.n_sack = 2;
	h.opts.sack[0].start = at(3).v;
	h.opts.sack[0].end = at(3).v + 500;
	h.opts.sack[1].start = at(3).v;
	h.opts.sack[1].end = at(4).v;
	c->dsack_round = c->snd_una;		/* (a new round trip) */
	tcp_sack_input(&st, c, &h, 200);
	CHECK_EQ(c->reo_wnd_mult, 2);
	CHECK(flags_of(c, 3) & SENT_SACKED);
}

static void rfc6675_without_rack(void)
{
	struct tcp_conn *c = fresh(false);

	send_new(c, 0, 6, 0);
	/* Two segments above segment 0 SACKed: 2 MSS, not more than
	 * (DupThresh - 1) * SMSS: not yet lost. */
	ack(c, 0, 1, 3, 0, 0, 100);
	CHECK(!(flags_of(c, 0) & SENT_LOST));
	CHECK(!c->recovering);
	/* A third: lost, and recovery starts. */
	ack(c, 0, 1, 4, 0, 0, 101);
	CHECK(flags_of(c, 0) & SENT_LOST);
	CHECK(!(flags_of(c, 4) & SENT_LOST));	/* nothing SACKed above 4 */
	CHECK(c->recovering);
	/* pipe: 6 in flight, 3 SACKed, 1 lost: 2 still in the network. */
	CHECK_EQ(c->sacked_bytes, 3 * MSS);
	CHECK_EQ(c->lost_bytes, MSS);
	CHECK_EQ(tcp_pipe(c), 2 * MSS);
}

static void timeout_marks_all_lost(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 5, 0);
	ack(c, 0, 2, 3, 0, 0, 1);		/* segment 2 SACKed */
	/* lesson 05's rules went back to SND.UNA; the log does not. */
	c->snd_nxt = c->snd_una;
	tcp_sack_rto(c);
	CHECK(seq_eq(c->snd_nxt, c->snd_max));
	CHECK(flags_of(c, 0) & SENT_LOST);
	CHECK(flags_of(c, 1) & SENT_LOST);
	CHECK(!(flags_of(c, 2) & SENT_LOST));	/* SACKed: held */
	CHECK(flags_of(c, 3) & SENT_LOST);
	CHECK_EQ(c->lost_bytes, 4 * MSS);
	CHECK_EQ(tcp_pipe(c), 0);
	/* A SACKed segment at SND.UNA itself: the peer dropped what it
	 * held (reneging): every SACK is forgotten. */
	c = fresh(true);
	send_new(c, 0, 3, 0);
	ack(c, 0, 0, 1, 0, 0, 1);
	tcp_sack_rto(c);
	CHECK_EQ(c->sacked_bytes, 0);
	CHECK_EQ(c->lost_bytes, 3 * MSS);
}

static void tail_loss_probe_timer(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 3, 0);
	/* SRTT 100 ms: the PTO is 200 ms (RFC 8985 7.2), before the RTO. */
	c->rto_ms = 1000;
	CHECK(tcp_sack_timer(c, 0));
	CHECK_EQ(c->timer, TIMER_TLP);
	CHECK_EQ(c->timer_at, 200);
	/* It fires: a probe is due, and the RTO runs behind it. */
	tcp_tlp_fire(c, 200);
	CHECK(c->tlp_due);
	CHECK_EQ(c->timer, TIMER_RETRANSMIT);
	CHECK_EQ(c->timer_at, 1200);
	/* One segment in flight: the peer may delay its ACK, so 200 ms
	 * more; and never past the RTO. */
	c = fresh(true);
	send_new(c, 0, 1, 0);
	c->rto_ms = 300;
	CHECK(tcp_sack_timer(c, 0));
	CHECK_EQ(c->timer_at, 300);
	/* No probe during recovery, or while one is out, or without RACK
	 * (--no-rack: RFC 6675's rules only). */
	c = fresh(true);
	send_new(c, 0, 3, 0);
	c->tlp_out = true;
	CHECK(!tcp_sack_timer(c, 0));
	c = fresh(false);
	send_new(c, 0, 3, 0);
	CHECK(!tcp_sack_timer(c, 0));
}

static void lost_probe_is_a_loss_for_cc(void)
{
	struct tcp_conn *c = fresh(true);

	send_new(c, 0, 4, 0);
	/* The probe resent segment 3; the ACK of everything comes without
	 * a D-SACK: the first segment 3 was lost: cwnd is cut once. */
	c->tlp_out = true;
	c->tlp_retrans = true;
	c->tlp_end = c->snd_max;
	ack(c, 4, 0, 0, 0, 0, 300);
	CHECK(!c->tlp_out);
	CHECK_EQ(c->cwnd, c->ssthresh);
	CHECK(c->ssthresh < 10 * MSS);
	/* The same with a D-SACK of the probe: nothing was lost. */
	c = fresh(true);
	send_new(c, 0, 4, 0);
	c->tlp_out = true;
	c->tlp_retrans = true;
	c->tlp_end = c->snd_max;
	{
		struct tcp_hdr h = { .flags = TCP_FLAG_ACK, .ack = at(4).v };

		h.opts.n_sack = 1;
		h.opts.sack[0].start = at(3).v;
		h.opts.sack[0].end = at(4).v;
		c->snd_una = at(4);
		tcp_sack_input(&st, c, &h, 300);
	}
	CHECK(!c->tlp_out);
	CHECK_EQ(c->cwnd, 10 * MSS);
}

const struct unit_test sack_tests[] = {
	{ "sack: the send log: a record per new segment; one sent again says when", log_records_new_and_resent },
	{ "sack: SACK blocks mark whole segments; pipe counts what is still in the network", scoreboard_and_pipe },
	{ "sack: the cumulative ACK drops whole records and cuts one in two", cumulative_ack_cuts_a_record },
	{ "sack: without RACK, RFC 6675: lost once more than 2 MSS above it are SACKed", rfc6675_without_rack },
	{ "sack: a time-out marks every segment not SACKed lost; a SACKed head is reneging", timeout_marks_all_lost },
	{ "rack: lost once RACK.rtt and the reordering window have passed; the timer for the rest", rack_marks_by_time },
	{ "rack: segments sent after the latest delivered one are not judged", rack_later_segments_not_judged },
	{ "rack: a retransmission acknowledged sooner than the minimum RTT is no sample", rack_ignores_ambiguous_retransmission },
	{ "rack: a D-SACK widens the reordering window, once a round trip", dsack_widens_the_reordering_window },
	{ "rack: the tail loss probe: PTO 2 SRTT, +200 ms for one segment, never past the RTO; none with --no-rack", tail_loss_probe_timer },
	{ "rack: a probe's repeat not reported as a duplicate cuts cwnd once", lost_probe_is_a_loss_for_cc },
	{ NULL, NULL },
};
