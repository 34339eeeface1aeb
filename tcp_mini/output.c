/*
 * output.c - what is due on a connection, and the segments that carry it.
 *
 * Called once per connection at the end of each batch of packets (and
 * after the timers).  Input has marked what is due; this sends, in order:
 * a SYN or SYN-ACK; a segment the timers or the duplicate ACKs asked for
 * again; new data as far as the peer's window allows; the FIN after the
 * last byte; and, if none of those carried it, a bare ACK.  So one batch
 * of 64 segments in is answered by one ACK, not 64 (Linux takes such
 * "stretch ACKs" in its stride).
 *
 * Each segment is built once, in its frame in the out queue: the data is
 * copied there from the send ring, the TCP header written in front of it,
 * and lib/ip_host.c puts the IPv4 and Ethernet headers in front of that.
 */
#include "tcp_mini.h"

/*
 * The right edge of the receive window we would offer now.  It is bounded
 * three ways: by the receive ring's free space (a window is a promise to
 * hold what the peer sends: never promise space the ring does not have),
 * by this connection's share of the device queue, and by what the window
 * field can carry.  It is a whole number of window-scale units past
 * RCV.NXT, so that the field says it exactly.
 *
 * And it moves only in useful steps: receiver-side silly window avoidance
 * (RFC 1122 4.2.3.3, RFC 9293 3.8.6.2.2) keeps the right edge where it is
 * until it can move by at least min(half the ring, one MSS).  Otherwise a
 * reader that takes 10 bytes at a time would make us offer 10-byte
 * windows, and the peer would fill them with 10-byte segments.  lwIP's
 * tcp_update_rcv_ann_wnd has the same shape.
 *
 * The edge never moves left either (RFC 9293 3.8.6): when the share
 * shrinks, the old edge stays, and the window closes as data fills it.
 */
seq_t tcp_rcv_edge_to_offer(const struct tcp_mini *st, const struct tcp_conn *c)
{
	uint32_t space = (uint32_t)ring_free(&c->rcv);
	uint32_t share = st->wnd_share > 4u * c->mss ? st->wnd_share : 4u * c->mss;
	uint32_t max = 65535u << c->rcv_wscale;
	uint32_t step = (uint32_t)c->rcv.cap / 2 < c->mss ? (uint32_t)c->rcv.cap / 2 : c->mss;
	/* (A FIN takes a number past a shut window: RCV.NXT may be one
	 * past the advertised edge.) */
	seq_t adv = seq_lt(c->rcv_adv, c->rcv_nxt) ? c->rcv_nxt : c->rcv_adv;
	seq_t edge;

	if (space > share)
		space = share;			/* the device queue's share */
	if (space > max)
		space = max;
	space &= ~((1u << c->rcv_wscale) - 1);	/* what the field can say */
	edge = seq_add(c->rcv_nxt, space);
	if (!seq_gt(edge, adv) || (uint32_t)seq_diff(edge, adv) < step)
		return adv;			/* not worth moving yet */
	return edge;
}

/*
 * The SACK blocks of an ACK (RFC 2018 4): what we hold past a hole, the
 * range the latest segment joined first (ooo.c keeps them in that order),
 * as many as fit.  A D-SACK block (RFC 2883), if a duplicate came, goes
 * before them all.  The MSS counts options too (RFC 6691), so a segment
 * with len bytes of data has room for len's complement only: a full-sized
 * segment carries no blocks, a bare ACK up to four (three beside a
 * timestamp).
 */
static void put_sack_blocks(const struct tcp_conn *c, struct tcp_opts *o,
			    size_t len)
{
	size_t room = c->mss + (c->ts_ok ? 12u : 0u), used = o->has_timestamp ? 12 : 0;
	unsigned i, n = 0, max;

	if (!c->sack_ok || (!c->n_ooo && !c->dsack_due))
		return;
	if (len + used + 4 + 8 >= room)
		return;
	max = (unsigned)((room - len - used - 4) / 8);
	if (max > TCP_MAX_SACK)
		max = TCP_MAX_SACK;
	if (c->dsack_due) {
		o->sack[n].start = c->dsack_start.v;
		o->sack[n].end = c->dsack_end.v;
		n++;
	}
	for (i = 0; i < c->n_ooo && n < max; i++, n++) {
		o->sack[n].start = c->ooo[i].start.v;
		o->sack[n].end = c->ooo[i].end.v;
	}
	o->n_sack = (uint8_t)(n < max ? n : max);
}

/* Build and queue one segment of c: flags, sequence number sq, and len
 * bytes from the send ring at offset off.  False if the out queue is full
 * (the loop writes it out and calls the output step again). */
static bool send_segment(struct tcp_mini *st, struct tcp_conn *c, uint8_t flags,
			 seq_t sq, size_t off, size_t len, uint64_t now_ms,
			 struct txq *tx)
{
	struct tcp_hdr h = {
		.src_port = c->lport, .dst_port = c->rport, .seq = sq.v,
		.flags = flags,
	};
	size_t hlen;
	seq_t edge = tcp_rcv_edge_to_offer(st, c);
	uint32_t wnd = (uint32_t)seq_diff(edge, c->rcv_nxt);
	uint8_t *seg;

	/* RFC 7323 3.2: once agreed, a timestamp in every segment but an
	 * RST: our clock, and the peer's latest TSval (0 in our first SYN,
	 * which has none to echo). */
	if (c->ts_ok) {
		h.opts.has_timestamp = true;
		h.opts.ts_val = tcp_ts_now(c, now_ms);
		h.opts.ts_ecr = c->state == TCP_SYN_SENT ? 0 : c->ts_recent;
	}
	if (flags & TCP_FLAG_SYN) {
		/* MSS always; window scale, SACK-permitted and timestamps
		 * only in a SYN that offers them, or a SYN-ACK to a SYN that
		 * did (RFC 7323 2.2, RFC 2018 2). */
		h.opts.has_mss = true;
		h.opts.mss = (uint16_t)st->mss_ours;
		h.opts.has_wscale = c->rcv_wscale != 0;
		h.opts.wscale = c->rcv_wscale;
		h.opts.sack_permitted = c->sack_ok;
		/* "The Window field in a SYN ... is never scaled." */
		h.window = (uint16_t)(wnd > 65535 ? 65535 : wnd);
		edge = seq_add(c->rcv_nxt, h.window);
	} else {
		/* RFC 7323 2.3: SEG.WND = RCV.WND >> Rcv.Wind.Shift.  The
		 * edge is a whole number of units past RCV.NXT when it moves;
		 * when it stays, the shift rounds the window down, never up
		 * past what the ring holds. */
		wnd >>= c->rcv_wscale;
		h.window = (uint16_t)(wnd > 65535 ? 65535 : wnd);
		if (flags & TCP_FLAG_ACK)
			put_sack_blocks(c, &h.opts, len);
	}
	hlen = tcp_hdr_len(&h);
	if (flags & TCP_FLAG_ACK)
		h.ack = c->rcv_nxt.v;
	/* Lesson 07: join the segment queued last, if the device cuts
	 * segments itself (gso.c); else a frame of its own. */
	if (!tcp_gso_append(st, c, &h, hlen, off, len, tx)) {
		seg = ip_host_tx_payload(&st->host, tx, hlen + len);
		if (!seg)
			return false;
		ring_peek(&c->snd, off, seg + hlen, len);	/* the one copy */
		tcp_seg_push(st, c, &h, seg, hlen, len, now_ms, tx);
	}
	if (flags & TCP_FLAG_ACK) {
		c->rcv_adv = edge;
		c->last_ack_sent = c->rcv_nxt;
		c->ack_due = false;	/* this segment carries it */
		c->delack_at = 0;	/* (and the one that waited) */
		if (h.opts.n_sack && c->dsack_due)
			c->dsack_due = false;	/* said once */
	}
	return true;
}

/* A segment with data (and maybe the FIN) from snd_nxt on. */
static bool send_data(struct tcp_mini *st, struct tcp_conn *c, uint32_t n,
		      bool fin, uint64_t now_ms, struct txq *tx)
{
	size_t off = (size_t)seq_diff(c->snd_nxt, c->snd_una);
	uint8_t flags = TCP_FLAG_ACK;

	if (fin)
		flags |= TCP_FLAG_FIN;
	/* PSH on the last segment of what is queued, as Linux does. */
	if (n > 0 && off + n == c->snd.len)
		flags |= TCP_FLAG_PSH;
	if (!send_segment(st, c, flags, c->snd_nxt, off, n, now_ms, tx))
		return false;
	tcp_sent_log(st, c, c->snd_nxt, n + fin, fin, now_ms);	/* lesson 06 */
	if (n > 0 && n < c->mss)
		c->snd_small = seq_add(c->snd_nxt, n);		/* (Nagle) */
	/* RFC 6298: time one segment at a time, and only new data. */
	if (!c->timing && seq_eq(c->snd_nxt, c->snd_max) && n > 0) {
		c->timing = true;
		c->rtt_seq = seq_add(c->snd_nxt, n);
		c->rtt_start_ms = now_ms;
	}
	c->snd_nxt = seq_add(c->snd_nxt, n + fin);
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	return true;
}

/* n bytes (and the FIN, if fin) from SND.UNA once more, without moving
 * SND.NXT back: what was sent after them need not go again.  Nothing to
 * send is not a failure. */
static bool send_again(struct tcp_mini *st, struct tcp_conn *c, uint32_t n,
		       bool fin, uint64_t now_ms, struct txq *tx)
{
	seq_t keep = c->snd_nxt;

	if (n == 0 && !fin)
		return true;
	c->snd_nxt = c->snd_una;
	if (!send_data(st, c, n, fin, now_ms, tx)) {
		c->snd_nxt = keep;
		return false;
	}
	if (seq_gt(keep, c->snd_nxt))
		c->snd_nxt = keep;
	return true;
}

bool tcp_send_range(struct tcp_mini *st, struct tcp_conn *c, seq_t sq,
		    uint32_t n, bool fin, uint64_t now_ms, struct txq *tx)
{
	seq_t keep = c->snd_nxt;
	bool ok;

	c->snd_nxt = sq;
	ok = send_data(st, c, n, fin, now_ms, tx);
	if (!ok || seq_gt(keep, c->snd_nxt))
		c->snd_nxt = keep;
	return ok;
}

/* Our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED): sequence number ISS. */
static bool send_syn(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		     struct txq *tx)
{
	uint64_t at = now_ms + c->rto_ms;

	if (!send_segment(st, c, c->state == TCP_SYN_SENT ? TCP_FLAG_SYN :
			  TCP_FLAG_SYN | TCP_FLAG_ACK, c->iss, 0, 0, now_ms, tx))
		return false;
	if (!c->syn_sent_once) {
		c->syn_sent_once = true;
		c->syn_first_ms = now_ms;
		c->timing = true;
		c->rtt_seq = seq_add(c->iss, 1);
		c->rtt_start_ms = now_ms;
	} else {
		/* Sent again (the timer, or the peer's SYN again): Karn's
		 * rule, no RTT sample from it. */
		c->timing = false;
	}
	c->syn_due = false;
	c->ack_due = false;
	c->snd_nxt = seq_add(c->iss, 1);
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (c->timer != TIMER_RETRANSMIT) {
		/* An active open gives up at --syn-timeout, to the ms. */
		if (c->state == TCP_SYN_SENT &&
		    at > c->syn_first_ms + st->syn_timeout_ms)
			at = c->syn_first_ms + st->syn_timeout_ms;
		tcp_timer_set(c, TIMER_RETRANSMIT, at);
	}
	return true;
}

/* After the output step: the one timer, running for what c waits for.
 * Something in flight into an open window: the retransmission timer (RFC
 * 6298 5.1: started if not running, so it is not restarted here).
 * Something waiting, or probing, with nothing the peer could acknowledge
 * to open its window: the persist timer (RFC 9293 3.8.6.1).  Nothing:
 * no timer (5.2). */
static void arm_timer(struct tcp_conn *c, seq_t data_end, uint64_t now_ms)
{
	bool in_flight = seq_lt(c->snd_una, c->snd_max);
	bool waiting = seq_lt(c->snd_nxt, data_end) ||
		       (c->fin_queued && seq_le(c->snd_nxt, c->fin_seq));
	enum tcp_timer want = TIMER_IDLE;
	uint64_t wait;

	if (in_flight && c->snd_wnd > 0)
		want = TIMER_RETRANSMIT;
	else if (in_flight || waiting)
		want = TIMER_PERSIST;
	if (want != TIMER_PERSIST)
		c->persist_shift = 0;
	/* Lesson 06: with a send log, RACK's reordering timer or the tail
	 * loss probe may come before the retransmission timer (sack.c). */
	if (want == TIMER_RETRANSMIT && tcp_sack_timer(c, now_ms))
		return;
	if (want == c->timer)
		return;
	wait = want == TIMER_RETRANSMIT ? c->rto_ms :
	       (uint64_t)c->rto_ms << c->persist_shift;
	tcp_timer_set(c, want, now_ms + (wait < TCP_RTO_MAX_MS ? wait : TCP_RTO_MAX_MS));
}

bool tcp_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		struct txq *tx)
{
	/* build-it 05.2 begin: the sender: SYN, data within the window, FIN, ACK, and again after a loss */
	seq_t data_end, right;
	uint32_t avail, n, wnd;
	int32_t room;
	bool fin;

	switch (c->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		return true;
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		if (!c->syn_due && !c->ack_due)
			return true;
		return send_syn(st, c, now_ms, tx);
	default:
		break;
	}

	data_end = seq_add(c->snd_una, (uint32_t)c->snd.len);
	if (c->state != TCP_TIME_WAIT) {
		/* Fast retransmit: the one segment at SND.UNA, now (Karn: no
		 * RTT sample from it). */
		if (c->rexmit_one) {
			n = (uint32_t)(c->snd.len < c->mss ? c->snd.len : c->mss);
			c->timing = false;
			if (!send_again(st, c, n, c->fin_queued && n == c->snd.len,
					now_ms, tx))
				return false;
			c->rexmit_one = false;
		}
		/* The persist timer fired: the first byte(s) at SND.UNA, one
		 * byte into a shut window, what fits into a small one; or our
		 * FIN, if it is all that waits. */
		if (c->probe_due) {
			n = c->snd_wnd > 1 ? c->snd_wnd : 1;
			if (n > c->mss)
				n = c->mss;
			if (n > c->snd.len)
				n = (uint32_t)c->snd.len;
			if (!send_again(st, c, n, c->fin_queued && n == c->snd.len,
					now_ms, tx))
				return false;
			c->probe_due = false;
		}
		/* New data (or data again after a time-out), as far as the
		 * peer's window and the congestion window both allow. */
		wnd = c->snd_wnd < cc_window(c) ? c->snd_wnd : cc_window(c);
		right = seq_add(c->snd_una, wnd);
		while (seq_lt(c->snd_nxt, data_end)) {
			avail = (uint32_t)seq_diff(data_end, c->snd_nxt);
			room = seq_diff(right, c->snd_nxt);
			if (room <= 0)
				break;
			n = avail < c->mss ? avail : c->mss;
			if (n > (uint32_t)room)
				n = (uint32_t)room;
			/* Sender-side silly window avoidance (RFC 9293
			 * 3.8.6.2.1): a small segment only if it is all we
			 * have, or the window is at least half the largest
			 * the peer ever offered. */
			if (n < c->mss && n < avail && n < c->max_snd_wnd / 2)
				break;
			/* Nagle (lesson 06): a small segment waits while
			 * data is unacknowledged. */
			if (tcp_nagle_holds(st, c, n, avail))
				break;
			fin = c->fin_queued && n == avail;
			if (!send_data(st, c, n, fin, now_ms, tx))
				return false;
		}
		/* The FIN alone, once every byte before it has gone, and if
		 * the window has room for it: a FIN takes a sequence number
		 * too, and one into a shut window waits for the persist
		 * timer, as data does. */
		if (c->fin_queued && seq_eq(c->snd_nxt, c->fin_seq) &&
		    seq_lt(c->fin_seq, seq_add(c->snd_una, c->snd_wnd)) &&
		    !send_data(st, c, 0, true, now_ms, tx))
			return false;
		arm_timer(c, data_end, now_ms);
	}
	/* Duplicate ACKs for out-of-order data: as many as such segments
	 * came (at most 8 a batch), each the same "I still want RCV.NXT". */
	if (c->dupacks_to_send > 8)
		c->dupacks_to_send = 8;
	for (; c->dupacks_to_send > 0; c->dupacks_to_send--)
		if (!send_segment(st, c, TCP_FLAG_ACK, c->snd_nxt, 0, 0, now_ms, tx))
			return false;
	/* Nothing above carried the ACK that input asked for. */
	if (c->ack_due &&
	    !send_segment(st, c, TCP_FLAG_ACK, c->snd_nxt, 0, 0, now_ms, tx))
		return false;
	return true;
	/* build-it 05.2 end; the starter has:
	 *	(void)st, (void)c, (void)now_ms, (void)tx, (void)send_again;
	 *	(void)send_syn, (void)arm_timer;
	 *	return true;
	 */
}

/* An RST to a segment that has no connection (or was not acceptable). */
void tcp_send_rst(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		  uint16_t rport, seq_t sq, seq_t ack, bool with_ack,
		  uint64_t now_ms, struct txq *tx)
{
	struct tcp_hdr h = {
		.src_port = lport, .dst_port = rport, .seq = sq.v,
		.ack = with_ack ? ack.v : 0,
		.flags = (uint8_t)(TCP_FLAG_RST | (with_ack ? TCP_FLAG_ACK : 0)),
	};
	uint8_t *seg = ip_host_tx_payload(&st->host, tx, TCP_HDR_LEN);

	if (!seg) {
		st->host.drops[DROP_TX_QUEUE_FULL]++;
		return;
	}
	tcp_emit(&h, st->host.ip.addr, raddr, seg, 0);
	ip_host_tx_push(&st->host, raddr, IPV4_PROTO_TCP, TCP_HDR_LEN, now_ms, tx);
}
