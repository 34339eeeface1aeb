/*
 * input.c - SEGMENT ARRIVES, RFC 9293 section 3.10.7, in the RFC's order.
 *
 * Input only changes state and marks what is due (c->ack_due, syn_due,
 * ...); the output step (output.c) sends it once per batch.  The one
 * exception is an RST to a segment that has no connection: there is no
 * connection to mark it on.
 */
#include "tcp_mini.h"

/* RFC 5961 section 7: challenge ACKs are rate-limited, so that an attacker
 * cannot use us to flood (Linux: tcp_challenge_ack_limit). */
#define TCP_CHALLENGE_PER_SEC 100

static bool challenge_allowed(struct tcp_mini *st, uint64_t now_ms)
{
	if (now_ms / 1000 != st->challenge_sec) {
		st->challenge_sec = now_ms / 1000;
		st->challenge_count = 0;
	}
	return st->challenge_count++ < TCP_CHALLENGE_PER_SEC;
}

/* SEG.LEN: the data, and one each for SYN and FIN. */
static uint32_t seg_len(const struct tcp_hdr *s)
{
	return (uint32_t)s->data_len + !!(s->flags & TCP_FLAG_SYN) +
	       !!(s->flags & TCP_FLAG_FIN);
}

/* What a SYN tells us: the peer's MSS (536 if it says nothing, RFC 9293
 * 3.7.1) and window scale (RFC 7323 2.2: only if both sides send one). */
static void take_syn_options(struct tcp_mini *st, struct tcp_conn *c,
			     const struct tcp_hdr *s)
{
	uint16_t mss = s->opts.has_mss ? s->opts.mss : TCP_DEFAULT_MSS;

	if (mss > st->mss_ours)
		mss = (uint16_t)st->mss_ours;
	if (mss < 64)			/* nonsense: a segment must carry data */
		mss = 64;
	c->mss = mss;
	if (s->opts.has_wscale) {
		c->snd_wscale = s->opts.wscale;
		c->rcv_wscale = TCP_OUR_WSCALE;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;	/* and ours is not sent either */
	}
}

/* 3.10.7.1: CLOSED, that is, no connection at all. */
static enum drop closed_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
			      const struct tcp_hdr *s, enum drop why,
			      uint64_t now_ms, struct txq *tx)
{
	/* "An incoming segment containing a RST is discarded": never answer
	 * an RST with an RST, or two hosts could bounce them forever. */
	if (s->flags & TCP_FLAG_RST)
		return DROP_TCP_RST_NO_CONNECTION;
	/* Nor reset what came to the whole link (RFC 1122 4.2.3.10 lets TCP
	 * ignore broadcasts altogether). */
	if (st->host.ip.link_broadcast)
		return why;
	/* "If the ACK bit is off, sequence number zero is used,
	 *    <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
	 *  If the ACK bit is on,
	 *    <SEQ=SEG.ACK><CTL=RST>" */
	if (s->flags & TCP_FLAG_ACK)
		tcp_send_rst(st, ip->src, s->dst_port, s->src_port, seq(s->ack),
			     seq(0), false, now_ms, tx);
	else
		tcp_send_rst(st, ip->src, s->dst_port, s->src_port, seq(0),
			     seq_add(seq(s->seq), seg_len(s)), true, now_ms, tx);
	return why;
}

/* 3.10.7.2: LISTEN, a port with a service and no connection yet.
 * min_iss: after a TIME-WAIT connection was ended by this SYN, the new
 * ISN must be past everything the old one sent. */
static enum drop listen_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
			      const struct tcp_hdr *s, bool have_min_iss,
			      seq_t min_iss, uint64_t now_ms, struct txq *tx)
{
	enum drop why = DROP_NONE;
	struct tcp_conn *c;

	/* "first, check for a RST: An incoming RST should be ignored." */
	if (s->flags & TCP_FLAG_RST)
		return DROP_TCP_RST_NO_CONNECTION;
	/* Nothing that came to the whole link is answered, nor opens a
	 * connection (RFC 1122 4.2.3.10 lets TCP ignore broadcasts). */
	if (st->host.ip.link_broadcast)
		return DROP_TCP_NO_CONNECTION;
	/* "second, check for an ACK: ... <SEQ=SEG.ACK><CTL=RST>" */
	if (s->flags & TCP_FLAG_ACK) {
		tcp_send_rst(st, ip->src, s->dst_port, s->src_port, seq(s->ack),
			     seq(0), false, now_ms, tx);
		return DROP_TCP_NO_CONNECTION;
	}
	/* "fourth, other text or control": no SYN, nothing to do. */
	if (!(s->flags & TCP_FLAG_SYN))
		return DROP_TCP_NO_CONNECTION;

	/* "third, check for a SYN".  A bounded backlog: past it, SYNs are
	 * dropped without a word (as Linux does), and the peer tries again. */
	if (st->half_open >= TCP_BACKLOG)
		return DROP_TCP_BACKLOG_FULL;
	c = tcp_alloc(st, &why);
	if (!c || !tcp_rings_alloc(st, c)) {
		/* No room: refuse, as a closed port would. */
		if (c)
			c->state = TCP_CLOSED;
		tcp_send_rst(st, ip->src, s->dst_port, s->src_port, seq(0),
			     seq_add(seq(s->seq), seg_len(s)), true, now_ms, tx);
		return DROP_TCP_TABLE_FULL;
	}
	c->passive = true;
	c->app = tcp_app_for_port(st, s->dst_port);
	c->raddr = ip->src;
	c->lport = s->dst_port;
	c->rport = s->src_port;
	/* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ" */
	c->irs = seq(s->seq);
	c->rcv_nxt = seq_add(c->irs, 1);
	c->rcv_adv = c->rcv_nxt;
	take_syn_options(st, c, s);
	/* The window of a SYN is never scaled (RFC 7323 2.2). */
	c->snd_wnd = s->window;
	c->max_snd_wnd = s->window;
	c->snd_wl1 = c->irs;
	c->snd_wl2 = seq(0);
	/* "ISS should be selected and a SYN segment sent ... SND.NXT is set
	 * to ISS+1 and SND.UNA to ISS": the output step sends it. */
	c->iss = tcp_isn(st, c->raddr, c->lport, c->rport, now_ms);
	if (have_min_iss && seq_le(c->iss, min_iss))
		c->iss = seq_add(min_iss, 1000000);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss;
	c->snd_max = c->iss;
	c->syn_due = true;
	tcp_set_state(st, c, TCP_SYN_RECEIVED);
	/* Data in a SYN is not kept (we don't do TCP Fast Open); not
	 * acknowledging it makes the peer send it again. */
	return DROP_NONE;
}

/* 3.10.7.3: SYN-SENT, our SYN is out. */
static enum drop syn_sent_input(struct tcp_mini *st, struct tcp_conn *c,
				const struct ipv4_hdr *ip, const struct tcp_hdr *s,
				uint64_t now_ms, struct txq *tx)
{
	seq_t ack = seq(s->ack);
	bool has_ack = s->flags & TCP_FLAG_ACK;

	/* "first, check the ACK bit: If SEG.ACK =< ISS or SEG.ACK > SND.NXT,
	 * send a reset (unless the RST bit is set ...) <SEQ=SEG.ACK><CTL=RST>
	 * and discard the segment." */
	if (has_ack && (seq_le(ack, c->iss) || seq_gt(ack, c->snd_max))) {
		if (!(s->flags & TCP_FLAG_RST))
			tcp_send_rst(st, ip->src, c->lport, c->rport, ack, seq(0),
				     false, now_ms, tx);
		return DROP_TCP_BAD_ACK;
	}
	/* "second, check the RST bit: If the ACK was acceptable, then signal
	 * to the user "error: connection reset" [we say: refused], drop the
	 * segment, enter CLOSED state ...  Otherwise ... drop the segment." */
	if (s->flags & TCP_FLAG_RST) {
		if (!has_ack)
			return DROP_TCP_NOT_ACCEPTABLE;
		tcp_log(st, c, "connection refused");
		tcp_abort(st, c, END_REFUSED);
		return DROP_NONE;
	}
	/* "fifth, if neither of the SYN or RST bits is set, then drop". */
	if (!(s->flags & TCP_FLAG_SYN))
		return DROP_TCP_NOT_ACCEPTABLE;

	/* "fourth, check the SYN bit": RCV.NXT, IRS; the options. */
	c->irs = seq(s->seq);
	c->rcv_nxt = seq_add(c->irs, 1);
	/* Our SYN offered a window (unscaled: at most 64 KB): the peer may
	 * send that much before it hears from us again. */
	c->rcv_adv = seq_add(c->rcv_nxt, c->rcv.cap < 65535 ? (uint32_t)c->rcv.cap : 65535);
	take_syn_options(st, c, s);
	c->snd_wnd = s->window;		/* a SYN's window: never scaled */
	c->max_snd_wnd = s->window;
	c->snd_wl1 = c->irs;
	c->ack_due = true;
	if (has_ack) {
		/* "SND.UNA should be advanced to equal SEG.ACK ... If SND.UNA
		 * > ISS (our SYN has been ACKed), change the connection state
		 * to ESTABLISHED, form an ACK segment and send it." */
		c->snd_una = ack;
		c->snd_wl2 = ack;
		if (c->timing && c->retries == 0)
			tcp_rtt_sample(c, (uint32_t)(now_ms - c->rtt_start_ms));
		c->timing = false;
		c->rto_at = 0;
		c->retries = 0;
		tcp_set_state(st, c, TCP_ESTABLISHED);
	} else {
		/* Both sides sent a SYN at once: "enter SYN-RECEIVED, form a
		 * SYN,ACK segment and send it". */
		c->syn_due = true;	/* output.c sends it at ISS again */
		c->rto_at = 0;
		tcp_set_state(st, c, TCP_SYN_RECEIVED);
	}
	/* Data in the SYN-ACK is not kept (see listen_input). */
	return DROP_NONE;
}

/* The window we offered, as the first check measures it. */
static uint32_t rcv_wnd_now(const struct tcp_conn *c)
{
	int32_t w = seq_diff(c->rcv_adv, c->rcv_nxt);

	return w > 0 ? (uint32_t)w : 0;
}

/* "first, check sequence number": the four cases of RFC 9293's table. */
static bool acceptable(const struct tcp_conn *c, seq_t sq, uint32_t len)
{
	/* build-it 05.3 begin: segment arrival: RFC 9293 3.10.7.4's checks, first to eighth */
	uint32_t wnd = rcv_wnd_now(c);
	seq_t end = seq_add(c->rcv_nxt, wnd);

	if (len == 0 && wnd == 0)
		return seq_eq(sq, c->rcv_nxt);
	/* RFC 9293 says RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND.  Like Linux we
	 * also take a segment without data at the right edge itself: a peer
	 * that has filled our window and lost a segment of it sends its ACKs
	 * from there, and they carry news we need (its window, what it got). */
	if (len == 0)
		return seq_le(c->rcv_nxt, sq) && seq_le(sq, end);
	if (wnd == 0)
		return false;
	return seq_in(sq, c->rcv_nxt, end) ||
	       seq_in(seq_add(sq, len - 1), c->rcv_nxt, end);
	/* build-it 05.3 end; the starter has: (void)c, (void)sq, (void)len; return false; */
}

/* Both FINs sent and acknowledged: TIME-WAIT, for 2 MSL (RFC 9293
 * 3.6), so that no segment of this connection still in the network can
 * be taken for one of a new connection on the same four numbers. */
static void enter_time_wait(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms)
{
	tcp_set_state(st, c, TCP_TIME_WAIT);
	c->tw_at = now_ms + 2ull * st->msl_ms;
	c->rto_at = 0;
}

/* The fifth step for ESTABLISHED and after: what SEG.ACK tells us. */
static enum drop ack_input(struct tcp_mini *st, struct tcp_conn *c,
			   const struct tcp_hdr *s, uint64_t now_ms)
{
	/* build-it 05.4 begin: the fifth check: what SEG.ACK says (SND.UNA, the window, RTT, our FIN) */
	seq_t ack = seq(s->ack);
	uint32_t wnd = (uint32_t)s->window << c->snd_wscale;

	/* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then
	 * send an ACK, drop the segment, and return."  (SND.NXT as the RFC
	 * means it: the most we ever sent, snd_max.) */
	if (seq_gt(ack, c->snd_max)) {
		c->ack_due = true;
		return DROP_TCP_BAD_ACK;
	}
	/* "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK." The
	 * bytes acknowledged leave the send ring: its head is SND.UNA. */
	if (seq_lt(c->snd_una, ack)) {
		uint32_t acked = (uint32_t)seq_diff(ack, c->snd_una);

		ring_drop(&c->snd, acked < c->snd.len ? acked : c->snd.len);
		c->snd_una = ack;
		if (seq_lt(c->snd_nxt, ack))
			c->snd_nxt = ack;
		/* RFC 6298 (2.2-2.3): a sample from the timed segment, and
		 * Karn: the timing was called off if it was sent again. */
		if (c->timing && seq_ge(ack, c->rtt_seq)) {
			tcp_rtt_sample(c, (uint32_t)(now_ms - c->rtt_start_ms));
			c->timing = false;
		}
		c->retries = 0;
		c->dup_acks = 0;
		/* (5.2) "When all outstanding data has been acknowledged,
		 * turn off the retransmission timer."  (5.3) "When an ACK is
		 * received that acknowledges new data, restart [it]". */
		c->rto_at = seq_eq(c->snd_una, c->snd_max) ? 0 : now_ms + c->rto_ms;
		/* RFC 6582 (NewReno): after a fast retransmit, an ACK that
		 * covers some but not all of what was in flight shows where
		 * the next hole is: send that segment at once. */
		if (c->recovering) {
			if (seq_lt(ack, c->recover))
				c->rexmit_one = true;
			else
				c->recovering = false;
		}
	} else if (seq_lt(ack, c->snd_una)) {
		/* An old ACK "can be ignored"; a segment that is nothing else
		 * is counted as such. */
		if (s->data_len == 0 && !(s->flags & TCP_FLAG_FIN))
			return DROP_TCP_OLD_ACK;
	} else if (seq_eq(ack, c->snd_una) && s->data_len == 0 &&
		   !(s->flags & TCP_FLAG_FIN) && seq_lt(c->snd_una, c->snd_max) &&
		   wnd == c->snd_wnd) {
		/* A duplicate ACK: the peer got something after a hole.  The
		 * third in a row sends the missing segment at once (fast
		 * retransmit, RFC 5681 3.2) instead of waiting for the timer. */
		if (++c->dup_acks == 3 && !c->recovering) {
			c->rexmit_one = true;
			c->recovering = true;
			c->recover = c->snd_max;
		}
	}
	if (seq_ge(ack, c->snd_una))
		c->heard = true;	/* the peer is alive (persist timer) */
	/* An old ACK (SEG.ACK < SND.UNA) "can be ignored"; its segment's
	 * data and FIN are still processed. */

	/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	 * updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =<
	 * SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set
	 * SND.WL2 <- SEG.ACK."  So an old segment, reordered, never shrinks
	 * the window with stale news. */
	if (seq_le(c->snd_una, ack) &&
	    (seq_lt(c->snd_wl1, seq(s->seq)) ||
	     (seq_eq(c->snd_wl1, seq(s->seq)) && seq_le(c->snd_wl2, ack)))) {
		if (c->snd_wnd == 0 && wnd > 0 && seq_eq(c->snd_una, c->snd_max))
			c->rto_at = 0;	/* the persist timer's job is done */
		c->snd_wnd = wnd;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
		c->snd_wl1 = seq(s->seq);
		c->snd_wl2 = ack;
	}

	/* The states that wait for the FIN we sent to be acknowledged. */
	if (c->fin_queued && seq_gt(c->snd_una, c->fin_seq)) {
		switch (c->state) {
		case TCP_FIN_WAIT_1:
			tcp_set_state(st, c, TCP_FIN_WAIT_2);
			break;
		case TCP_CLOSING:
			enter_time_wait(st, c, now_ms);
			break;
		case TCP_LAST_ACK:
			tcp_free(st, c);	/* "enter the CLOSED state" */
			break;
		default:
			break;
		}
	}
	return DROP_NONE;
	/* build-it 05.4 end; the starter has: (void)st, (void)c, (void)s, (void)now_ms, (void)enter_time_wait; return DROP_NOT_IMPLEMENTED; */
}

/* Data past a hole (sq > RCV.NXT, within the window): written into the
 * receive ring where it belongs, and its range noted.  RFC 9293 3.10.7.4
 * allows this ("segments with higher beginning sequence numbers may be
 * held for later processing"); without it, everything sent after a lost
 * segment would have to be sent again.  Up to TCP_OOO_MAX ranges. */
static enum drop keep_out_of_order(struct tcp_conn *c, seq_t sq,
				   const struct tcp_hdr *s)
{
	size_t off = (size_t)seq_diff(sq, c->rcv_nxt), n = s->data_len;
	seq_t end;
	unsigned i;

	if (off >= ring_free(&c->rcv))
		return DROP_TCP_OUT_OF_ORDER;
	if (n > ring_free(&c->rcv) - off)
		n = ring_free(&c->rcv) - off;	/* and no FIN: not all of it */
	end = seq_add(sq, (uint32_t)n);
	/* Merge with every range it touches or overlaps. */
	for (i = 0; i < c->n_ooo; ) {
		if (seq_le(c->ooo[i].start, end) && seq_le(sq, c->ooo[i].end)) {
			if (seq_lt(c->ooo[i].start, sq))
				sq = c->ooo[i].start;
			if (seq_gt(c->ooo[i].end, end))
				end = c->ooo[i].end;
			c->ooo[i] = c->ooo[--c->n_ooo];
			continue;
		}
		i++;
	}
	if (c->n_ooo == TCP_OOO_MAX)
		return DROP_TCP_OUT_OF_ORDER;	/* full: the peer sends it again */
	ring_put_at(&c->rcv, off, s->data, n);
	c->ooo[c->n_ooo].start = sq;
	c->ooo[c->n_ooo].end = end;
	c->n_ooo++;
	if ((s->flags & TCP_FLAG_FIN) && n == s->data_len) {
		c->ooo_fin = true;
		c->ooo_fin_seq = seq_add(seq(s->seq), (uint32_t)s->data_len);
	}
	return DROP_NONE;
}

/* RCV.NXT moved: take in the kept ranges that now start at or before it.
 * Returns true if a kept FIN is now next. */
static bool fill_from_out_of_order(struct tcp_conn *c)
{
	unsigned i;
	bool moved = true;

	while (moved) {
		moved = false;
		for (i = 0; i < c->n_ooo; i++) {
			if (seq_gt(c->ooo[i].start, c->rcv_nxt))
				continue;
			if (seq_gt(c->ooo[i].end, c->rcv_nxt)) {
				ring_commit(&c->rcv, (size_t)seq_diff(c->ooo[i].end,
								    c->rcv_nxt));
				c->rcv_nxt = c->ooo[i].end;
			}
			c->ooo[i] = c->ooo[--c->n_ooo];
			moved = true;
			break;
		}
	}
	if (c->ooo_fin && seq_eq(c->ooo_fin_seq, c->rcv_nxt)) {
		c->ooo_fin = false;
		return true;
	}
	return false;
}

/* 3.10.7.4: every other state, the eight steps in order. */
static enum drop conn_input(struct tcp_mini *st, struct tcp_conn *c,
			    const struct ipv4_hdr *ip, struct tcp_hdr *s,
			    uint64_t now_ms, struct txq *tx)
{
	/* build-it 05.3 begin: segment arrival: RFC 9293 3.10.7.4's checks, first to eighth */
	seq_t sq = seq(s->seq);
	uint32_t wnd, trim, n;
	enum drop why;

	/* A SYN again in SYN-RECEIVED, the same one (our SYN-ACK was lost):
	 * the RFC's first check would only ACK it; a SYN-ACK again is what
	 * the peer is waiting for. */
	if (c->state == TCP_SYN_RECEIVED && (s->flags & TCP_FLAG_SYN) &&
	    !(s->flags & TCP_FLAG_ACK) && seq_eq(sq, c->irs)) {
		c->syn_due = true;	/* output.c sends it at ISS again */
		return DROP_NONE;
	}

	/* Simultaneous open: our SYN-ACK crossed theirs.  Their SYN is the
	 * one we already have (so the first check would refuse the segment),
	 * but its ACK of our SYN is what completes the open.  As Linux does
	 * (RFC 5961 4.2's exception), take it as the ACK it carries. */
	if (c->state == TCP_SYN_RECEIVED && !c->passive &&
	    (s->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK) &&
	    seq_eq(sq, c->irs) && s->data_len == 0 && seq_eq(seq(s->ack), c->snd_max)) {
		s->flags &= (uint8_t)~TCP_FLAG_SYN;
		sq = seq_add(sq, 1);
		s->seq = sq.v;
	}

	/* TIME-WAIT: the peer's FIN again (our ACK of it was lost).  It
	 * lies just before RCV.NXT, so the first check would only ACK it;
	 * RFC 9293 also asks to "restart the 2 MSL timeout". */
	if (c->state == TCP_TIME_WAIT && (s->flags & TCP_FLAG_FIN) &&
	    !(s->flags & (TCP_FLAG_SYN | TCP_FLAG_RST)) &&
	    seq_eq(seq_add(sq, (uint32_t)s->data_len + 1), c->rcv_nxt)) {
		c->ack_due = true;
		c->tw_at = now_ms + 2ull * st->msl_ms;
		return DROP_NONE;
	}

	/* "first, check sequence number" */
	if (!acceptable(c, sq, seg_len(s))) {
		/* "If the RCV.WND is zero, no segments will be acceptable,
		 * but special allowance should be made to accept valid ACKs,
		 * URGs, and RSTs": a probe at RCV.NXT still tells us its ACK
		 * and window; its data and FIN are dropped. */
		if (rcv_wnd_now(c) == 0 && seq_eq(sq, c->rcv_nxt)) {
			s->data_len = 0;
			s->flags &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_SYN);
			c->ack_due = true;
		} else {
			/* "If an incoming segment is not acceptable, an
			 * acknowledgment should be sent in reply (unless the
			 * RST bit is set ...)" */
			if (!(s->flags & TCP_FLAG_RST))
				c->ack_due = true;
			return DROP_TCP_NOT_ACCEPTABLE;
		}
	}
	/* Keep only what lies in the window: cut what we already have off
	 * the front (a SYN first, then data, then a FIN), and what does not
	 * fit off the end. */
	if (seq_lt(sq, c->rcv_nxt)) {
		trim = (uint32_t)seq_diff(c->rcv_nxt, sq);
		if (s->flags & TCP_FLAG_SYN) {
			s->flags &= (uint8_t)~TCP_FLAG_SYN;
			trim--;
			sq = seq_add(sq, 1);
		}
		n = trim < s->data_len ? trim : (uint32_t)s->data_len;
		s->data += n;
		s->data_len -= n;
		sq = seq_add(sq, n);
		if (trim > n)
			s->flags &= (uint8_t)~TCP_FLAG_FIN;	/* a FIN we had */
	}
	wnd = rcv_wnd_now(c);
	if (seq_gt(seq_add(sq, (uint32_t)s->data_len), seq_add(c->rcv_nxt, wnd))) {
		int32_t fits = seq_diff(seq_add(c->rcv_nxt, wnd), sq);

		s->data_len = fits > 0 ? (size_t)fits : 0;
		s->flags &= (uint8_t)~TCP_FLAG_FIN;	/* past the window */
	}

	/* "second, check the RST bit".  RFC 5961 3.2: only an RST exactly
	 * at RCV.NXT resets; one elsewhere in the window may be a blind
	 * attacker's guess, and gets a challenge ACK (a real peer that
	 * lost its state answers that ACK with a correct RST). */
	if (s->flags & TCP_FLAG_RST) {
		/* RFC 1337: an RST must not end TIME-WAIT early ("TIME-WAIT
		 * assassination"): an old duplicate could then be taken for
		 * a new connection's.  Ignored; TIME-WAIT runs its course. */
		if (c->state == TCP_TIME_WAIT)
			return DROP_TCP_NOT_ACCEPTABLE;
		if (!seq_eq(seq(s->seq), c->rcv_nxt)) {
			if (challenge_allowed(st, now_ms))
				c->ack_due = true;
			return DROP_TCP_RST_CHALLENGED;
		}
		tcp_log(st, c, "reset by the peer");
		if (c->state == TCP_SYN_RECEIVED && !c->passive)
			tcp_abort(st, c, END_REFUSED);
		else if (c->state == TCP_SYN_RECEIVED || c->state == TCP_CLOSING ||
			 c->state == TCP_LAST_ACK || c->state == TCP_TIME_WAIT)
			tcp_free(st, c);	/* passive: back to LISTEN */
		else
			tcp_abort(st, c, END_RESET);
		return DROP_NONE;
	}

	/* "third, check security": no security compartments here. */

	/* "fourth, check the SYN bit": a SYN in a synchronized state.  RFC
	 * 5961 4.2: a challenge ACK, not a reset. */
	if (s->flags & TCP_FLAG_SYN) {
		if (challenge_allowed(st, now_ms))
			c->ack_due = true;
		return DROP_TCP_NOT_ACCEPTABLE;
	}

	/* "fifth, check the ACK field": "if the ACK bit is off, drop the
	 * segment and return". */
	if (!(s->flags & TCP_FLAG_ACK))
		return DROP_TCP_BAD_FLAGS;
	if (c->state == TCP_SYN_RECEIVED) {
		seq_t ack = seq(s->ack);

		/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED
		 * state and continue processing" ... "If the segment
		 * acknowledgment is not acceptable, form a reset segment
		 * <SEQ=SEG.ACK><CTL=RST>". */
		if (!(seq_lt(c->snd_una, ack) && seq_le(ack, c->snd_max))) {
			tcp_send_rst(st, ip->src, c->lport, c->rport, ack, seq(0),
				     false, now_ms, tx);
			return DROP_TCP_BAD_ACK;
		}
		if (c->timing && c->retries == 0)
			tcp_rtt_sample(c, (uint32_t)(now_ms - c->rtt_start_ms));
		c->timing = false;
		c->snd_una = seq_add(c->iss, 1);	/* our SYN, acknowledged */
		c->snd_nxt = c->snd_una;
		c->syn_due = false;	/* a SYN-ACK still due is not needed */
		c->rto_at = 0;
		c->retries = 0;
		c->snd_wnd = (uint32_t)s->window << c->snd_wscale;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = seq(s->seq);
		c->snd_wl2 = ack;
		tcp_set_state(st, c, c->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED);
	}
	why = ack_input(st, c, s, now_ms);
	if (why != DROP_NONE || c->state == TCP_CLOSED)
		return why;
	if (c->state == TCP_TIME_WAIT && !(s->flags & TCP_FLAG_FIN))
		return DROP_NONE;

	/* "sixth, check the URG bit": urgent data is not supported (RFC 6093
	 * advises new applications not to use it); read as ordinary data. */

	/* "seventh, process the segment text", in ESTABLISHED, FIN-WAIT-1
	 * and FIN-WAIT-2. */
	if (s->data_len > 0 && (c->state == TCP_ESTABLISHED ||
				c->state == TCP_FIN_WAIT_1 ||
				c->state == TCP_FIN_WAIT_2)) {
		if (!seq_eq(sq, c->rcv_nxt)) {
			/* After a hole: kept aside, and one duplicate ACK per
			 * such segment, so that the peer sees three and sends
			 * the hole again at once (RFC 5681 4.2). */
			c->dup_acks_due++;
			return keep_out_of_order(c, sq, s);
		}
		n = (uint32_t)ring_write(&c->rcv, s->data, s->data_len);
		c->rcv_nxt = seq_add(c->rcv_nxt, n);
		c->ack_due = true;	/* sent once, at the end of the batch */
		if (n < s->data_len)	/* did not all fit: no FIN yet */
			return DROP_NONE;
		sq = seq_add(sq, n);
		/* The hole may be filled now: what was kept joins in. */
		if (c->n_ooo && fill_from_out_of_order(c)) {
			s->flags |= TCP_FLAG_FIN;	/* the FIN kept aside */
			sq = c->rcv_nxt;
		}
	}

	/* "eighth, check the FIN bit": only once everything before it is
	 * here, that is, at RCV.NXT. */
	if ((s->flags & TCP_FLAG_FIN) && seq_eq(sq, c->rcv_nxt)) {
		c->rcv_nxt = seq_add(c->rcv_nxt, 1);
		c->fin_received = true;
		c->ack_due = true;
		switch (c->state) {
		case TCP_SYN_RECEIVED:
		case TCP_ESTABLISHED:
			tcp_set_state(st, c, TCP_CLOSE_WAIT);
			break;
		case TCP_FIN_WAIT_1:	/* our FIN not yet acknowledged */
			tcp_set_state(st, c, TCP_CLOSING);
			break;
		case TCP_FIN_WAIT_2:
			enter_time_wait(st, c, now_ms);
			break;
		default:
			break;
		}
	}
	return DROP_NONE;
	/* build-it 05.3 end; the starter has:
	 *	(void)st, (void)c, (void)ip, (void)s, (void)now_ms, (void)tx;
	 *	(void)acceptable, (void)ack_input, (void)rcv_wnd_now, (void)challenge_allowed;
	 *	(void)keep_out_of_order, (void)fill_from_out_of_order, (void)enter_time_wait;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

enum drop tcp_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
		    uint64_t now_ms, struct txq *tx)
{
	struct tcp_hdr s;
	struct tcp_conn *c;
	bool have_min_iss = false;
	seq_t min_iss = seq(0);
	enum drop why;

	why = tcp_parse(ip->payload, ip->payload_len, ip->src, ip->dst, &s);
	if (why != DROP_NONE)
		return why;
	c = tcp_find(st, ip->src, s.src_port, s.dst_port);

	/* RFC 1122 4.2.2.13 (and RFC 6191): a new SYN for a connection in
	 * TIME-WAIT may start a new one if its sequence number is past the
	 * old connection's, so no old duplicate can be mistaken for new. */
	if (c && c->state == TCP_TIME_WAIT &&
	    (s.flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) == TCP_FLAG_SYN &&
	    seq_gt(seq(s.seq), c->rcv_nxt) && tcp_is_listening(st, s.dst_port)) {
		tcp_log(st, c, "new SYN ends TIME-WAIT");
		have_min_iss = true;
		min_iss = c->snd_max;
		tcp_free(st, c);
		c = NULL;
	}
	if (!c) {
		if (tcp_is_listening(st, s.dst_port))
			return listen_input(st, ip, &s, have_min_iss, min_iss,
					    now_ms, tx);
		return closed_input(st, ip, &s, DROP_TCP_NO_CONNECTION, now_ms, tx);
	}
	if (c->state == TCP_SYN_SENT)
		return syn_sent_input(st, c, ip, &s, now_ms, tx);
	return conn_input(st, c, ip, &s, now_ms, tx);
}
