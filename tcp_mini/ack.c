/*
 * ack.c - when to acknowledge, and when to wait for one: delayed ACKs
 * (RFC 1122 4.2.3.2, RFC 5681 4.2) and Nagle's algorithm (RFC 896, RFC
 * 1122 4.2.3.4).  Lesson 06.
 *
 * Both save segments.  A receiver that waits a little before it ACKs can
 * often put the ACK on data it sends anyway (the echo), or cover two
 * segments with one ACK.  A sender that holds a small segment back while
 * earlier data is unacknowledged sends one segment of many keystrokes
 * instead of one per keystroke.
 *
 * Together they can stall: the sender holds its second small write until
 * the first is acknowledged; the receiver holds that ACK for up to 40 ms,
 * waiting for data to put it on, and there is none until the request is
 * complete.  Lesson 06 shows the stall and the two ways out: ACK at once
 * while a connection is young or interactive ("quick ACKs", as Linux
 * does), or turn Nagle off where writes are requests (--nodelay, like
 * TCP_NODELAY).
 */
#include "tcp_mini.h"

/* RFC 1122 4.2.3.2: "an ACK should not be excessively delayed; in
 * particular, the delay MUST be less than 0.5 seconds"; Linux's least
 * delay, and ours: 40 ms. */
#define DELACK_MS	40
/* ACKs sent at once at the start of a connection, while the peer's
 * congestion window is small and every ACK lets it send more (Linux
 * starts its "quick ACK" mode with up to 16). */
#define QUICK_ACKS	16

void tcp_ack_start(struct tcp_conn *c)
{
	c->quick_acks = QUICK_ACKS;
	c->delack_at = 0;
}

/* After input, before the output step: input asked for an ACK (ack_due).
 * Send it now, or wait?  Now, if any of these hold (RFC 5681 4.2: "an ACK
 * SHOULD be generated for at least every second full-sized segment",
 * "out-of-order data ... immediately", "a segment that fills in all or
 * part of a gap"): delayed ACKs are off; quick ACKs are left; two full
 * segments or more are unacknowledged; nothing new is (the ACK is a
 * window update or a challenge); the peer's FIN came, or a PSH (the end
 * of what it had to send: it waits for this ACK, and its tail loss probe
 * would fire before our 40 ms were up); data is held after
 * a hole, or a D-SACK is due; our window is nearly shut.  Else the ACK
 * waits, at most DELACK_MS, for data of ours to ride on. */
void tcp_ack_policy(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms)
{
	uint32_t unacked;
	bool psh = c->psh_seen;

	c->psh_seen = false;
	if (!c->ack_due || c->state < TCP_ESTABLISHED)
		return;
	if (!st->delayed_ack || c->quick_acks) {
		if (c->quick_acks)
			c->quick_acks--;
		return;
	}
	unacked = (uint32_t)seq_diff(c->rcv_nxt, c->last_ack_sent);
	if (unacked == 0 || unacked >= 2u * c->mss || c->fin_received || psh ||
	    c->n_ooo || c->dupacks_to_send || c->dsack_due ||
	    tcp_rcv_wnd(c) < 2u * c->mss)
		return;
	c->ack_due = false;
	if (!c->delack_at)
		c->delack_at = now_ms + DELACK_MS;
}

/* The delayed ACK's deadline passed: send it (tcp_timers). */
void tcp_delack_expired(struct tcp_conn *c, uint64_t now_ms)
{
	if (c->delack_at && c->delack_at <= now_ms) {
		c->delack_at = 0;
		c->ack_due = true;
	}
}

/* Nagle (RFC 1122 4.2.3.4): "If there is unacknowledged data ..., then
 * the sending TCP buffers all user data ... until the outstanding data
 * has been acknowledged or until the TCP can send a full-sized segment."
 * n of avail bytes are ready to go; true if they should wait.
 *
 * As Linux does, with Greg Minshall's refinement: only a small segment
 * still unacknowledged holds the next one back, not any data.  An echo of
 * a 1460-byte request is a full segment and 12 bytes (the timestamp takes
 * 12 of the 1460); with Nagle as the RFC words it the 12 wait for the
 * ACK of the full one, which the peer delays by up to 40 ms, since it
 * has nothing to send: the stall this file's comment describes, on every
 * request.  With Minshall's rule they go at once.  The last segment before
 * our FIN goes at once too (nothing more will come to fill it). */
bool tcp_nagle_holds(const struct tcp_mini *st, const struct tcp_conn *c,
		     uint32_t n, uint32_t avail)
{
	if (!st->nagle || n >= c->mss || !seq_lt(c->snd_una, c->snd_small))
		return false;
	return !(c->fin_queued && n == avail);
}
