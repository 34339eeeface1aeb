/*
 * input.c - SEGMENT ARRIVES, RFC 9293 section 3.10.7, in the RFC's order,
 * top to bottom:
 *
 *   tcp_input        the entry: which connection, and which state's rules
 *   closed_input     3.10.7.1  no connection: an RST (never for an RST)
 *   listen_input     3.10.7.2  a SYN to a listening port opens one
 *   syn_sent_input   3.10.7.3  the answer to our SYN
 *   conn_input       3.10.7.4  every other state, its eight checks, one
 *                              function each, after the helpers they share
 *
 * Input only changes state and marks what is due (c->ack_due, syn_due,
 * ...); the output step (output.c) sends it once per batch.  The one
 * exception is an RST to a segment that belongs to no connection, or that
 * a connection's rules answer with an RST at once: it is built here.
 */
#include "tcp_mini.h"

/*
 * The segment as the checks see it: RFC 9293's SEG.* variables (3.3.1),
 * read once from the parsed header.  The first check may cut off what we
 * already have and what the window cannot hold; it edits only the part
 * below "what is left", so SEG.SEQ stays as sent for the checks that need
 * it (an RST's exact number, the window update's SND.WL1).
 */
struct seg {
	seq_t seq;		/* SEG.SEQ */
	seq_t ack;		/* SEG.ACK (if ACK is set) */
	uint32_t len;		/* SEG.LEN: the data, and one each for SYN, FIN */
	uint32_t wnd;		/* SEG.WND, scaled; a SYN's never is (RFC 7323) */
	uint8_t flags;
	const struct tcp_hdr *h;	/* ports and options */

	/* What is left to take, after the first check. */
	seq_t text_seq;		/* the sequence number of data[0] */
	const uint8_t *data;
	uint32_t data_len;
	bool fin;		/* the FIN, if it is in the window */
	bool cut_at_right;	/* data past the window was cut off */
};

static enum drop closed_input(struct tcp_mini *st, uint32_t src,
			      const struct seg *sg, enum drop why,
			      uint64_t now_ms, struct txq *tx);
static enum drop listen_input(struct tcp_mini *st, uint32_t src,
			      struct seg *sg, bool have_min_iss,
			      seq_t min_iss, uint64_t now_ms, struct txq *tx);
static enum drop syn_sent_input(struct tcp_mini *st, struct tcp_conn *c,
				const struct seg *sg, uint64_t now_ms,
				struct txq *tx);
static enum drop conn_input(struct tcp_mini *st, struct tcp_conn *c,
			    struct seg *sg, uint64_t now_ms, struct txq *tx);
static enum drop check_paws(struct tcp_conn *c, const struct seg *sg);
static void take_ts_recent(struct tcp_conn *c, const struct seg *sg);

/* The view of header h; the window scaled by shift unless SYN is set. */
static void seg_view(struct seg *sg, const struct tcp_hdr *h, uint8_t shift)
{
	bool syn = h->flags & TCP_FLAG_SYN, fin = h->flags & TCP_FLAG_FIN;

	sg->seq = seq(h->seq);
	sg->ack = seq(h->ack);
	sg->len = (uint32_t)h->data_len + syn + fin;
	sg->wnd = syn ? h->window : (uint32_t)h->window << shift;
	sg->flags = h->flags;
	sg->h = h;
	sg->text_seq = seq_add(sg->seq, syn);
	sg->data = h->data;
	sg->data_len = (uint32_t)h->data_len;
	sg->fin = fin;
	sg->cut_at_right = false;
}

/* The segment passed the checks up to the fifth, SEG.ACK's: whatever
 * became of its data, its ACK was taken. */
static bool ack_was_taken(enum drop why)
{
	return why == DROP_NONE || why == DROP_TCP_DUPLICATE ||
	       why == DROP_TCP_OUT_OF_ORDER || why == DROP_TCP_PAST_WINDOW ||
	       why == DROP_TCP_DATA_IGNORED || why == DROP_TCP_OLD_ACK;
}

enum drop tcp_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
		    uint64_t now_ms, struct txq *tx)
{
	struct tcp_hdr h;
	struct seg sg;
	struct tcp_conn *c;
	bool have_min_iss = false, was_recovering;
	seq_t min_iss = seq(0);
	uint32_t lost;
	enum drop why;

	/* (Lesson 07: a checksum the device vouched for is not summed.) */
	why = tcp_parse_csum(ip->payload, ip->payload_len, ip->src, ip->dst,
			     !tx->in_csum_ok, &h);
	if (why != DROP_NONE)
		return why;
	c = tcp_find(st, ip->src, h.src_port, h.dst_port);
	seg_view(&sg, &h, c ? c->snd_wscale : 0);

	/* RFC 1122 4.2.2.13 (and RFC 6191): a new SYN for a connection in
	 * TIME-WAIT may start a new one if its sequence number is past the
	 * old connection's, so no old duplicate can be mistaken for new. */
	if (c && c->state == TCP_TIME_WAIT &&
	    (sg.flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) == TCP_FLAG_SYN &&
	    seq_gt(sg.seq, c->rcv_nxt) && tcp_is_listening(st, h.dst_port)) {
		tcp_log(st, c, "new SYN ends TIME-WAIT");
		have_min_iss = true;
		min_iss = c->snd_max;
		tcp_free(st, c);
		c = NULL;
	}
	if (!c) {
		if (tcp_is_listening(st, h.dst_port))
			return listen_input(st, ip->src, &sg, have_min_iss, min_iss,
					    now_ms, tx);
		return closed_input(st, ip->src, &sg, DROP_TCP_NO_CONNECTION,
				    now_ms, tx);
	}
	if (c->state == TCP_SYN_SENT)
		return syn_sent_input(st, c, &sg, now_ms, tx);
	was_recovering = c->recovering;
	lost = c->lost_bytes;
	if (c->state != TCP_SYN_RECEIVED || !(sg.flags & TCP_FLAG_SYN)) {
		why = check_paws(c, &sg);	/* (lesson 06) */
		if (why != DROP_NONE)
			return why;
	} else if (c->ts_ok && h.opts.has_timestamp && seq_eq(sg.seq, c->irs)) {
		/* Its SYN again: the SYN-ACK we send again echoes this one's
		 * TSval, so that the peer's first RTT sample is the round
		 * trip of this SYN-ACK, not the time since its first SYN. */
		c->ts_recent = h.opts.ts_val;
	}
	why = conn_input(st, c, &sg, now_ms, tx);
	if (c->state == TCP_CLOSED || !ack_was_taken(why))
		return why;
	take_ts_recent(c, &sg);
	/* Lesson 06: what the ACK's SACK blocks say (sack.c), if the
	 * segment was accepted as far as its ACK; and --cc-log's row. */
	if (c->sent)
		tcp_sack_input(st, c, &h, now_ms);
	if ((h.flags & TCP_FLAG_PSH) && h.data_len)
		c->psh_seen = true;	/* (ack.c) */
	/* The receiver's round trip (apps.c): data echoing our TSval came
	 * one round trip after we sent it; the smallest such is kept, over
	 * a window of the last few (a queue only ever adds delay). */
	if (c->ts_ok && h.data_len && h.opts.has_timestamp && h.opts.ts_ecr) {
		int32_t r = (int32_t)(tcp_ts_now(c, now_ms) - h.opts.ts_ecr);

		if (r >= 0 && (c->rcv_rtt_ms == 0 || (uint32_t)r < c->rcv_rtt_ms))
			c->rcv_rtt_ms = (uint32_t)r ? (uint32_t)r : 1;
	}
	if (st->cc_log && c->state >= TCP_ESTABLISHED)
		tcp_cc_log(st, c, c->recovering && !was_recovering ? "loss" :
			   was_recovering && !c->recovering ? "recovered" :
			   c->lost_bytes > lost ? "rack" : "ack");
	return why;
}

/* --- what the states share ---------------------------------------------- */

/* The RST that answers a segment nobody should have sent us (RFC 9293
 * 3.10.7.1, and the same formula wherever an RST answers a segment):
 *   "If the ACK bit is off, sequence number zero is used,
 *      <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
 *    If the ACK bit is on,
 *      <SEQ=SEG.ACK><CTL=RST>"
 * so that the RST is acceptable to whoever sent the segment. */
static void reset_for(struct tcp_mini *st, uint32_t src, const struct seg *sg,
		      uint64_t now_ms, struct txq *tx)
{
	if (sg->flags & TCP_FLAG_ACK)
		tcp_send_rst(st, src, sg->h->dst_port, sg->h->src_port, sg->ack,
			     seq(0), false, now_ms, tx);
	else
		tcp_send_rst(st, src, sg->h->dst_port, sg->h->src_port, seq(0),
			     seq_add(sg->seq, sg->len), true, now_ms, tx);
}

/* SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK: the peer's
 * window, and which segment told us (so that an older one cannot undo
 * it).  MAX.SND.WND remembers the largest (sender SWS avoidance, RFC
 * 5961 5's oldest acceptable ACK). */
static void take_window(struct tcp_conn *c, const struct seg *sg)
{
	c->snd_wnd = sg->wnd;
	if (sg->wnd > c->max_snd_wnd)
		c->max_snd_wnd = sg->wnd;
	c->snd_wl1 = sg->seq;
	c->snd_wl2 = sg->ack;
}

/* What the peer's SYN tells us: IRS and RCV.NXT, its window (a SYN's is
 * never scaled, RFC 7323 2.2), its MSS (536 if it says nothing, RFC 9293
 * 3.7.1), window scale (RFC 7323 2.2: used only if both sides send one),
 * SACK and timestamps (the same rule). */
static void take_syn(struct tcp_mini *st, struct tcp_conn *c, const struct seg *sg)
{
	const struct tcp_opts *o = &sg->h->opts;
	uint16_t mss = o->has_mss ? o->mss : TCP_DEFAULT_MSS;

	c->irs = sg->seq;
	c->rcv_nxt = seq_add(c->irs, 1);
	if (mss > st->mss_ours)
		mss = (uint16_t)st->mss_ours;
	if (mss < 64)			/* nonsense: a segment must carry data */
		mss = 64;
	c->mss = mss;
	c->snd_wscale = o->has_wscale ? o->wscale : 0;
	if (!o->has_wscale)
		c->rcv_wscale = 0;	/* and ours is not used either */
	/* SACK and timestamps: used only if both SYNs carry them (RFC 2018
	 * 2, RFC 7323 3.2), that is, if we offer them and the peer did. */
	c->sack_ok = st->sack_on && o->sack_permitted;
	c->ts_ok = st->ts_on && o->has_timestamp;
	if (c->ts_ok) {
		c->ts_recent = o->ts_val;
		/* The MSS counts data and options together (RFC 6691): a
		 * segment with the 12 bytes of a timestamp carries 12 bytes
		 * less data (1448 at MTU 1500, as Linux sends). */
		c->mss = (uint16_t)(c->mss - 12);
	}
	take_window(c, sg);
}

/* Our SYN is acknowledged (SND.UNA < SEG.ACK =< SND.NXT): the handshake
 * is done, from SYN-SENT or SYN-RECEIVED alike.  ESTABLISHED. */
static void handshake_done(struct tcp_mini *st, struct tcp_conn *c,
			   const struct seg *sg, uint64_t now_ms)
{
	/* An RTT sample from the SYN, unless it was sent twice (Karn:
	 * send_syn called the timing off then). */
	if (c->timing)
		tcp_rtt_sample(c, (uint32_t)(now_ms - c->rtt_start_ms));
	c->timing = false;
	/* RFC 6298 5.7: "If the timer expires awaiting the ACK of a SYN
	 * segment ... the RTO MUST be re-initialized to 3 seconds when data
	 * transmission begins". */
	if (c->syn_timed_out && !c->rtt_valid)
		c->rto_ms = TCP_RTO_AFTER_SYN_MS;
	c->snd_una = sg->ack;
	c->snd_nxt = sg->ack;
	c->syn_due = false;	/* a SYN-ACK still due is not needed */
	c->retries = 0;
	tcp_timer_set(c, TIMER_IDLE, 0);
	take_window(c, sg);
	c->recover = c->iss;	/* RFC 6582 3.2: recover starts at ISS */
	c->cc = st->cc;
	cc_init(c);
	tcp_ack_start(c);
	c->snd_small = c->snd_una;	/* no small segment sent yet (Nagle) */
	c->rack = st->rack_on;		/* (sack.c) */
	c->rcv_mark = c->rcv_nxt;	/* (apps.c: received per round trip) */
	c->rcv_mark_ms = now_ms;
	tcp_set_state(st, c, TCP_ESTABLISHED);
	tcp_cc_log(st, c, "open");
	/* A CLOSE that came in SYN-RECEIVED: now the FIN can be queued. */
	if (c->close_pending)
		tcp_close(st, c);
}

/* RFC 5961 7: an ACK sent to challenge a segment that may be a blind
 * attacker's guess (an RST in the window, a SYN, an ACK far too old).  A
 * real peer answers it; an attacker learns nothing.  At most
 * TCP_CHALLENGES_PER_SEC a second, per connection: with one counter for
 * the whole host, an attacker who exhausts it could tell from the
 * challenge ACKs that stop on its own connection whether a guess hit
 * another (CVE-2016-5696). */
static void challenge_ack(struct tcp_conn *c, uint64_t now_ms)
{
	if (now_ms / 1000 != c->challenge_sec) {
		c->challenge_sec = now_ms / 1000;
		c->challenge_count = 0;
	}
	if (c->challenge_count < TCP_CHALLENGES_PER_SEC) {
		c->challenge_count++;
		c->ack_due = true;
	}
}

/* Both FINs sent and acknowledged: TIME-WAIT, for 2 MSL (RFC 9293
 * 3.6), so that no segment of this connection still in the network can
 * be taken for one of a new connection on the same four numbers. */
static void enter_time_wait(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms)
{
	tcp_set_state(st, c, TCP_TIME_WAIT);
	tcp_timer_set(c, TIMER_TIME_WAIT, now_ms + 2ull * st->msl_ms);
}

/* Lesson 06: RFC 7323 5.3, PAWS (Protection Against Wrapped Sequences):
 * a segment whose TSval is older than TS.Recent is an old duplicate, even
 * if its sequence number looks right (after 2^32 bytes, it can).  Not
 * acceptable: an ACK, unless it is an RST.  The RFC puts this before the
 * first check; tcp_input() calls it there, around conn_input(). */
static enum drop check_paws(struct tcp_conn *c, const struct seg *sg)
{
	const struct tcp_opts *o = &sg->h->opts;

	if (!c->ts_ok || !o->has_timestamp || (sg->flags & TCP_FLAG_RST))
		return DROP_NONE;
	/* One tick of slack, as Linux allows (TCP_PAWS_WINDOW): the peer's
	 * clock ticks in milliseconds, and a segment sent just before
	 * another may come just after it. */
	if ((int32_t)(c->ts_recent - o->ts_val) > 1) {
		c->ack_due = true;
		/* What it repeats of data we hold: a D-SACK, so that the
		 * sender learns it sent it again for nothing (Linux too). */
		if (sg->data_len)
			tcp_dsack_held(c, sg->text_seq, seq_add(sg->text_seq, sg->data_len));
		return DROP_TCP_PAWS;
	}
	return DROP_NONE;
}

/* And for a segment that was accepted, TS.Recent <- SEG.TSval, if the
 * segment holds the byte our last ACK asked for (SEG.SEQ =< Last.ACK.sent,
 * RFC 7323 4.3), so that our TSecr echoes the segment that moved the left
 * edge: what the peer's RTT measurement needs. */
static void take_ts_recent(struct tcp_conn *c, const struct seg *sg)
{
	const struct tcp_opts *o = &sg->h->opts;

	if (c->ts_ok && o->has_timestamp && seq_le(sg->seq, c->last_ack_sent) &&
	    (int32_t)(o->ts_val - c->ts_recent) >= 0)
		c->ts_recent = o->ts_val;
}

/* --- 3.10.7.1 to 3.10.7.3 ------------------------------------------------ */

/* 3.10.7.1: CLOSED, that is, no connection at all. */
static enum drop closed_input(struct tcp_mini *st, uint32_t src,
			      const struct seg *sg, enum drop why,
			      uint64_t now_ms, struct txq *tx)
{
	/* "An incoming segment containing a RST is discarded": never answer
	 * an RST with an RST, or two hosts could bounce them forever. */
	if (sg->flags & TCP_FLAG_RST)
		return DROP_TCP_RST_NO_CONNECTION;
	/* Nor reset what came to the whole link (RFC 1122 4.2.3.10 lets TCP
	 * ignore broadcasts altogether). */
	if (st->host.ip.link_broadcast)
		return why;
	reset_for(st, src, sg, now_ms, tx);
	return why;
}

/* A connection for a SYN from src to a listening port (or for the ACK of
 * a SYN cookie): a slot, its rings, its four numbers and its service.
 * NULL if the table or the memory budget has no room. */
static struct tcp_conn *passive_open(struct tcp_mini *st, uint32_t src,
				     const struct seg *sg)
{
	enum drop why = DROP_NONE;
	struct tcp_conn *c = tcp_alloc(st, &why);

	if (!c || !tcp_rings_alloc(st, c)) {
		if (c)
			c->state = TCP_CLOSED;
		return NULL;
	}
	c->passive = true;
	c->app = tcp_app_for_port(st, sg->h->dst_port);
	c->raddr = src;
	c->lport = sg->h->dst_port;
	c->rport = sg->h->src_port;
	c->ts_offset = tcp_ts_offset(st, c);
	return c;
}

/* --- SYN cookies (lesson 06; syncookie.c) --------------------------------- */

/* The backlog is full: answer the SYN with a SYN-ACK whose ISS is a
 * cookie, and keep nothing.  Its options are what the cookie can carry:
 * MSS, window scale, SACK-permitted; no timestamps. */
static enum drop cookie_syn(struct tcp_mini *st, uint32_t src, const struct seg *sg,
			    uint64_t now_ms, struct txq *tx)
{
	const struct tcp_opts *o = &sg->h->opts;
	struct tcp_cookie what = {
		.mss = o->has_mss ? o->mss : TCP_DEFAULT_MSS,
		.has_wscale = o->has_wscale, .wscale = o->wscale,
		.sack_ok = o->sack_permitted && st->sack_on,
	};
	struct tcp_hdr h = {
		.src_port = sg->h->dst_port, .dst_port = sg->h->src_port,
		.ack = seq_add(sg->seq, 1).v, .flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
		.window = TCP_RING_MIN,
	};
	size_t hlen;
	uint8_t *seg;

	if (what.mss > st->mss_ours)
		what.mss = (uint16_t)st->mss_ours;
	h.seq = tcp_cookie_make(st, src, h.src_port, h.dst_port, sg->seq, &what,
				now_ms).v;
	h.opts.has_mss = true;
	h.opts.mss = (uint16_t)st->mss_ours;
	h.opts.has_wscale = what.has_wscale;
	h.opts.wscale = TCP_OUR_WSCALE;
	h.opts.sack_permitted = what.sack_ok;
	hlen = tcp_hdr_len(&h);
	seg = ip_host_tx_payload(&st->host, tx, hlen);
	if (!seg)
		return DROP_TX_QUEUE_FULL;
	tcp_emit(&h, st->host.ip.addr, src, seg, 0);
	ip_host_tx_push(&st->host, src, IPV4_PROTO_TCP, hlen, now_ms, tx);
	st->cookies_sent++;
	return DROP_NONE;
}

/* An ACK for no connection: if SEG.ACK - 1 is a cookie we made for this
 * four-tuple and SEG.SEQ - 1, open the connection its SYN asked for, as
 * if it had waited in SYN-RECEIVED, and take the segment (it may carry
 * data already).  False if it is no cookie of ours. */
static bool cookie_ack(struct tcp_mini *st, uint32_t src, struct seg *sg,
		       uint64_t now_ms, struct txq *tx)
{
	seq_t irs = seq_add(sg->seq, (uint32_t)-1), iss = seq_add(sg->ack, (uint32_t)-1);
	struct tcp_cookie what;
	struct tcp_conn *c;

	if (!st->syn_cookies || !st->cookies_sent ||
	    !tcp_cookie_check(st, src, sg->h->dst_port, sg->h->src_port, irs, iss,
			      now_ms, &what))
		return false;
	c = passive_open(st, src, sg);
	if (!c)
		return false;		/* no room: the RST of a closed port */
	st->cookies_ok++;
	c->irs = irs;
	c->rcv_nxt = sg->seq;
	c->mss = what.mss;
	c->snd_wscale = what.has_wscale ? what.wscale : 0;
	c->rcv_wscale = what.has_wscale ? TCP_OUR_WSCALE : 0;
	c->sack_ok = what.sack_ok;
	/* The window our SYN-ACK offered, unscaled. */
	c->rcv_adv = seq_add(c->rcv_nxt, TCP_RING_MIN);
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = seq_add(iss, 1);
	c->snd_max = c->snd_nxt;
	tcp_log(st, c, "SYN cookie accepted");
	tcp_set_state(st, c, TCP_SYN_RECEIVED);	/* for a moment */
	handshake_done(st, c, sg, now_ms);
	conn_input(st, c, sg, now_ms, tx);
	return true;
}

/* 3.10.7.2: LISTEN, a port with a service and no connection yet.
 * min_iss: after a TIME-WAIT connection was ended by this SYN, the new
 * ISN must be past everything the old one sent. */
static enum drop listen_input(struct tcp_mini *st, uint32_t src,
			      struct seg *sg, bool have_min_iss,
			      seq_t min_iss, uint64_t now_ms, struct txq *tx)
{
	struct tcp_conn *c;

	/* "first, check for a RST: An incoming RST should be ignored." */
	if (sg->flags & TCP_FLAG_RST)
		return DROP_TCP_RST_NO_CONNECTION;
	/* Nothing that came to the whole link is answered, nor opens a
	 * connection (RFC 1122 4.2.3.10 lets TCP ignore broadcasts). */
	if (st->host.ip.link_broadcast)
		return DROP_TCP_NO_CONNECTION;
	/* "second, check for an ACK: ... <SEQ=SEG.ACK><CTL=RST>": unless it
	 * answers a SYN cookie of ours (lesson 06), which opens the
	 * connection the SYN asked for. */
	if (sg->flags & TCP_FLAG_ACK) {
		if (!(sg->flags & TCP_FLAG_SYN) && cookie_ack(st, src, sg, now_ms, tx))
			return DROP_NONE;
		reset_for(st, src, sg, now_ms, tx);
		return DROP_TCP_NO_CONNECTION;
	}
	/* "fourth, other text or control": no SYN, nothing to do. */
	if (!(sg->flags & TCP_FLAG_SYN))
		return DROP_TCP_NO_CONNECTION;

	/* "third, check for a SYN".  A bounded backlog: past it, a SYN gets
	 * a SYN cookie and no state (lesson 06, RFC 4987 3.6), so a flood of
	 * spoofed SYNs does not lock real clients out; with --no-syn-cookies
	 * it is dropped without a word, and the peer tries again. */
	if (st->half_open >= TCP_BACKLOG) {
		if (st->syn_cookies)
			return cookie_syn(st, src, sg, now_ms, tx);
		return DROP_TCP_BACKLOG_FULL;
	}
	c = passive_open(st, src, sg);
	if (!c) {
		/* No room: refuse, as a closed port would. */
		reset_for(st, src, sg, now_ms, tx);
		return DROP_TCP_TABLE_FULL;
	}
	/* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ", and what else
	 * the SYN says. */
	c->rcv_wscale = TCP_OUR_WSCALE;	/* if the peer offered one */
	take_syn(st, c, sg);
	c->rcv_adv = c->rcv_nxt;
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
				const struct seg *sg, uint64_t now_ms,
				struct txq *tx)
{
	bool has_ack = sg->flags & TCP_FLAG_ACK;

	/* "first, check the ACK bit: If SEG.ACK =< ISS or SEG.ACK > SND.NXT,
	 * send a reset (unless the RST bit is set ...) <SEQ=SEG.ACK><CTL=RST>
	 * and discard the segment." */
	if (has_ack && (seq_le(sg->ack, c->iss) || seq_gt(sg->ack, c->snd_max))) {
		if (!(sg->flags & TCP_FLAG_RST))
			reset_for(st, c->raddr, sg, now_ms, tx);
		return DROP_TCP_BAD_ACK;
	}
	/* "second, check the RST bit: If the ACK was acceptable, then signal
	 * to the user "error: connection reset" [we say: refused], drop the
	 * segment, enter CLOSED state ...  Otherwise ... drop the segment." */
	if (sg->flags & TCP_FLAG_RST) {
		if (!has_ack)
			return DROP_TCP_NOT_ACCEPTABLE;
		tcp_log(st, c, "connection refused");
		tcp_abort(st, c, END_REFUSED);
		return DROP_NONE;
	}
	/* "fifth, if neither of the SYN or RST bits is set, then drop". */
	if (!(sg->flags & TCP_FLAG_SYN))
		return DROP_TCP_NOT_ACCEPTABLE;

	/* "fourth, check the SYN bit": RCV.NXT, IRS; the options.  Our SYN
	 * offered a window (unscaled, at most 64 KB): the peer may send that
	 * much before it hears from us again. */
	take_syn(st, c, sg);
	c->rcv_adv = seq_add(c->rcv_nxt, c->rcv.cap < 65535 ? (uint32_t)c->rcv.cap : 65535);
	c->ack_due = true;
	if (has_ack) {
		/* "SND.UNA should be advanced to equal SEG.ACK ... If SND.UNA
		 * > ISS (our SYN has been ACKed), change the connection state
		 * to ESTABLISHED, form an ACK segment and send it." */
		handshake_done(st, c, sg, now_ms);
	} else {
		/* Both sides sent a SYN at once: "enter SYN-RECEIVED, form a
		 * SYN,ACK segment and send it". */
		c->syn_due = true;	/* output.c sends it at ISS again */
		tcp_set_state(st, c, TCP_SYN_RECEIVED);
	}
	/* Data in the SYN-ACK is not kept (see listen_input). */
	return DROP_NONE;
}

/* --- 3.10.7.4: the other states ----------------------------------------- */

/* The fifth check, for ESTABLISHED and after: what SEG.ACK tells us. */
static enum drop ack_input(struct tcp_mini *st, struct tcp_conn *c,
			   const struct seg *sg, uint64_t now_ms)
{
	/* build-it 05.4 begin: the fifth check: what SEG.ACK says (SND.UNA, the window, RTT, our FIN) */
	seq_t ack = sg->ack, oldest = seq(c->snd_una.v - c->max_snd_wnd);
	uint32_t acked;

	/* RFC 5961 5.2: an ACK is acceptable only in (SND.UNA - MAX.SND.WND)
	 * =< SEG.ACK =< SND.NXT.  Older, it is no ACK a real peer could
	 * send now: "discarded and an ACK sent back". */
	if (seq_lt(ack, oldest)) {
		challenge_ack(c, now_ms);
		return DROP_TCP_ACK_TOO_OLD;
	}
	/* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then
	 * send an ACK, drop the segment, and return."  (SND.NXT as the RFC
	 * means it: the most we ever sent, snd_max.) */
	if (seq_gt(ack, c->snd_max)) {
		challenge_ack(c, now_ms);
		return DROP_TCP_BAD_ACK;
	}
	if (seq_lt(c->snd_una, ack)) {
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <-
		 * SEG.ACK."  The bytes acknowledged leave the send ring: its
		 * head is SND.UNA. */
		acked = (uint32_t)seq_diff(ack, c->snd_una);
		ring_drop(&c->snd, acked < c->snd.len ? acked : c->snd.len);
		c->snd_una = ack;
		if (seq_lt(c->snd_nxt, ack))
			c->snd_nxt = ack;
		/* RFC 6298 (2.2-2.3): a sample from the timed segment, and
		 * Karn: the timing was called off if it was sent again.  With
		 * timestamps, every ACK of new data is a sample (RFC 7323
		 * 4.1): TSecr is the TSval of the segment that the peer's
		 * ACK answers, even a retransmitted one, so Karn's doubt
		 * does not arise. */
		if (c->ts_ok && sg->h->opts.has_timestamp && sg->h->opts.ts_ecr) {
			int32_t r = (int32_t)(tcp_ts_now(c, now_ms) - sg->h->opts.ts_ecr);

			if (r >= 0)
				tcp_rtt_sample(c, (uint32_t)r);
			c->timing = false;
		} else if (c->timing && seq_ge(ack, c->rtt_seq)) {
			tcp_rtt_sample(c, (uint32_t)(now_ms - c->rtt_start_ms));
			c->timing = false;
		}
		c->retries = 0;
		c->dupacks_seen = 0;
		c->soft_error = END_NONE;	/* an ICMP error is old news now */
		/* RFC 6582 (NewReno): after a fast retransmit, an ACK that
		 * covers some but not all of what was in flight shows where
		 * the next hole is: send that segment at once. */
		if (c->recovering && seq_lt(ack, c->recover)) {
			c->rexmit_one = true;
			cc_on_partial_ack(c, acked);
		} else if (c->recovering) {
			c->recovering = false;
			cc_on_recovered(c);
		} else {
			cc_on_ack(c, acked, now_ms);
		}
		/* (5.2) "When all outstanding data has been acknowledged,
		 * turn off the retransmission timer."  (5.3) "When an ACK is
		 * received that acknowledges new data, restart [it]". */
		if (seq_eq(c->snd_una, c->snd_max))
			tcp_timer_set(c, TIMER_IDLE, 0);
		else
			tcp_timer_set(c, TIMER_RETRANSMIT, now_ms + c->rto_ms);
	} else if (seq_lt(ack, c->snd_una)) {
		/* An old ACK "can be ignored"; a segment that is nothing else
		 * is counted as such.  Its data and FIN are still processed. */
		if (sg->data_len == 0 && !sg->fin)
			return DROP_TCP_OLD_ACK;
	} else if (sg->len == 0 && seq_lt(c->snd_una, c->snd_max) &&
		   sg->wnd == c->snd_wnd && c->snd_wnd > 0) {
		/* A duplicate ACK (RFC 5681 2): nothing new acknowledged, no
		 * data, the same window, data outstanding.  Not while the
		 * window is shut: then the ACKs answer our window probes, and
		 * say nothing about loss.  The peer got something after a
		 * hole; the third in a row sends the missing segment at once
		 * (fast retransmit, RFC 5681 3.2), unless the ACK is of data
		 * sent before a time-out (RFC 6582 3.2 step 1: recover). */
		if (++c->dupacks_seen == 3 && !c->recovering &&
		    seq_gt(ack, c->recover)) {
			c->rexmit_one = true;
			c->recovering = true;
			c->recover = c->snd_max;
			cc_on_loss(c, now_ms);
		} else if (c->recovering && c->dupacks_seen > 3) {
			cc_on_dupack(c);
		}
	}
	if (seq_ge(ack, c->snd_una))
		c->answered = true;	/* the peer is alive (persist timer) */

	/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	 * updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =<
	 * SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set
	 * SND.WL2 <- SEG.ACK."  So an old segment, reordered, never shrinks
	 * the window with stale news. */
	if (seq_le(c->snd_una, ack) &&
	    (seq_lt(c->snd_wl1, sg->seq) ||
	     (seq_eq(c->snd_wl1, sg->seq) && seq_le(c->snd_wl2, ack)))) {
		/* A shut window opens: what the probes sent past it was
		 * dropped unless acknowledged, so send on from SND.UNA. */
		if (c->snd_wnd == 0 && sg->wnd > 0)
			c->snd_nxt = c->snd_una;
		take_window(c, sg);
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
	/* build-it 05.4 end; the starter has: (void)st, (void)c, (void)sg, (void)now_ms, (void)enter_time_wait; return DROP_NOT_IMPLEMENTED; */
}

/* build-it 05.3 begin: segment arrival: RFC 9293 3.10.7.4's checks, first to eighth */
/* Segments that the checks below would misread, taken first: true if
 * the segment was one of them (and is done with). */
static bool special_case(struct tcp_mini *st, struct tcp_conn *c,
			 const struct seg *sg, uint64_t now_ms)
{
	/* A SYN again in SYN-RECEIVED, the same one (our SYN-ACK was lost):
	 * the first check would only ACK it; a SYN-ACK again is what the
	 * peer is waiting for. */
	if (c->state == TCP_SYN_RECEIVED &&
	    (sg->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN &&
	    seq_eq(sg->seq, c->irs)) {
		c->syn_due = true;	/* output.c sends it at ISS again */
		return true;
	}
	/* Simultaneous open: our SYN-ACK crossed theirs.  Their SYN is the
	 * one we already have (so the first check would refuse the segment),
	 * but its ACK of our SYN is what completes the open.  As Linux does
	 * (RFC 5961 4.2's exception), take it as the ACK it carries. */
	if (c->state == TCP_SYN_RECEIVED && !c->passive &&
	    (sg->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK) &&
	    seq_eq(sg->seq, c->irs) && sg->data_len == 0 && seq_eq(sg->ack, c->snd_max)) {
		handshake_done(st, c, sg, now_ms);
		return true;
	}
	/* TIME-WAIT: the peer's FIN again (our ACK of it was lost).  It
	 * lies just before RCV.NXT, so the first check would only ACK it;
	 * RFC 9293 also asks to "restart the 2 MSL timeout". */
	if (c->state == TCP_TIME_WAIT && sg->fin &&
	    !(sg->flags & (TCP_FLAG_SYN | TCP_FLAG_RST)) &&
	    seq_eq(seq_add(sg->seq, sg->len), c->rcv_nxt)) {
		c->ack_due = true;
		enter_time_wait(st, c, now_ms);
		return true;
	}
	return false;
}

/* "first, check sequence number": the four cases of RFC 9293's table. */
static bool acceptable(const struct tcp_conn *c, seq_t sq, uint32_t len)
{
	uint32_t wnd = tcp_rcv_wnd(c);
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
}

/* The first check: is the segment acceptable?  DROP_NONE if so. */
static enum drop check_sequence(struct tcp_conn *c, struct seg *sg)
{
	if (acceptable(c, sg->seq, sg->len))
		return DROP_NONE;
	/* "If the RCV.WND is zero, no segments will be acceptable, but
	 * special allowance should be made to accept valid ACKs, URGs, and
	 * RSTs": a probe at RCV.NXT still tells us its ACK and window; its
	 * data and FIN have no room. */
	if (tcp_rcv_wnd(c) == 0 && seq_eq(sg->seq, c->rcv_nxt) &&
	    !(sg->flags & TCP_FLAG_SYN)) {
		sg->cut_at_right = sg->data_len > 0;
		sg->data_len = 0;
		sg->fin = false;
		c->ack_due = true;
		return DROP_NONE;
	}
	/* "If an incoming segment is not acceptable, an acknowledgment
	 * should be sent in reply (unless the RST bit is set ...)".  Data we
	 * had already: the ACK's D-SACK block says so (RFC 2883). */
	if (!(sg->flags & TCP_FLAG_RST))
		c->ack_due = true;
	if (sg->data_len && seq_le(seq_add(sg->text_seq, sg->data_len), c->rcv_nxt) &&
	    !(sg->flags & (TCP_FLAG_RST | TCP_FLAG_SYN))) {
		tcp_dsack(c, sg->text_seq, seq_add(sg->text_seq, sg->data_len));
		return DROP_TCP_DUPLICATE;
	}
	return DROP_TCP_NOT_ACCEPTABLE;
}

/* The rest of the first check, once the segment is known to be neither
 * an RST nor a SYN: keep only what lies in the window.  Cut what we
 * already have off the front (data, then a FIN we had), and what does not
 * fit off the end (RFC 9293 3.10.7.4: "trimmed"). */
static void trim_to_window(struct tcp_conn *c, struct seg *sg)
{
	seq_t right = seq_add(c->rcv_nxt, tcp_rcv_wnd(c));
	uint32_t cut;
	int32_t fits;

	if (seq_lt(sg->text_seq, c->rcv_nxt)) {
		cut = (uint32_t)seq_diff(c->rcv_nxt, sg->text_seq);
		if (cut > sg->data_len)
			sg->fin = false;	/* a FIN we had */
		if (cut > sg->data_len)
			cut = sg->data_len;
		tcp_dsack(c, sg->text_seq, seq_add(sg->text_seq, cut));
		sg->data += cut;
		sg->data_len -= cut;
		sg->text_seq = seq_add(sg->text_seq, cut);
	}
	if (seq_gt(seq_add(sg->text_seq, sg->data_len), right)) {
		fits = seq_diff(right, sg->text_seq);
		sg->data_len = fits > 0 ? (uint32_t)fits : 0;
		sg->fin = false;		/* past the window */
		sg->cut_at_right = true;
	}
}

/* "second, check the RST bit".  RFC 5961 3.2: only an RST exactly at
 * RCV.NXT resets; one elsewhere in the window may be a blind attacker's
 * guess, and gets a challenge ACK (a real peer that lost its state
 * answers that ACK with a correct RST). */
static enum drop check_rst(struct tcp_mini *st, struct tcp_conn *c,
			   const struct seg *sg, uint64_t now_ms)
{
	/* RFC 1337: an RST must not end TIME-WAIT early ("TIME-WAIT
	 * assassination"): an old duplicate could then be taken for a new
	 * connection's.  Ignored; TIME-WAIT runs its course. */
	if (c->state == TCP_TIME_WAIT)
		return DROP_TCP_NOT_ACCEPTABLE;
	if (!seq_eq(sg->seq, c->rcv_nxt)) {
		challenge_ack(c, now_ms);
		return DROP_TCP_RST_CHALLENGED;
	}
	tcp_log(st, c, "reset by the peer");
	if (c->state == TCP_SYN_RECEIVED && !c->passive)
		tcp_abort(st, c, END_REFUSED);
	else if (c->state == TCP_SYN_RECEIVED || c->state == TCP_CLOSING ||
		 c->state == TCP_LAST_ACK)
		tcp_free(st, c);	/* passive: back to LISTEN */
	else
		tcp_abort(st, c, END_RESET);
	return DROP_NONE;
}

/* "fifth, check the ACK field": "if the ACK bit is off, drop the segment
 * and return"; in SYN-RECEIVED, an ACK of our SYN completes the open. */
static enum drop check_ack(struct tcp_mini *st, struct tcp_conn *c,
			   const struct seg *sg, uint64_t now_ms, struct txq *tx)
{
	if (!(sg->flags & TCP_FLAG_ACK))
		return DROP_TCP_BAD_FLAGS;
	if (c->state == TCP_SYN_RECEIVED) {
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED
		 * state and continue processing" ... "If the segment
		 * acknowledgment is not acceptable, form a reset segment
		 * <SEQ=SEG.ACK><CTL=RST>". */
		if (!(seq_lt(c->snd_una, sg->ack) && seq_le(sg->ack, c->snd_max))) {
			reset_for(st, c->raddr, sg, now_ms, tx);
			return DROP_TCP_BAD_ACK;
		}
		handshake_done(st, c, sg, now_ms);
	}
	return ack_input(st, c, sg, now_ms);
}

/* "seventh, process the segment text", in ESTABLISHED, FIN-WAIT-1 and
 * FIN-WAIT-2; in the other states the peer has sent its FIN, and text
 * after it "should not occur ... Ignore the segment text."  Returns
 * DROP_NONE to go on to the eighth check. */
static enum drop take_text(struct tcp_conn *c, struct seg *sg, bool *kept_aside)
{
	uint32_t n;

	*kept_aside = false;
	if (sg->data_len == 0)
		return DROP_NONE;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return DROP_TCP_DATA_IGNORED;
	if (!seq_eq(sg->text_seq, c->rcv_nxt)) {
		/* After a hole: kept aside (ooo.c), with its FIN, and one
		 * duplicate ACK per such segment, so that the peer sees three
		 * and sends the hole again at once (RFC 5681 4.2). */
		*kept_aside = true;
		c->dupacks_to_send++;
		return tcp_ooo_keep(c, sg->text_seq, sg->data, sg->data_len, sg->fin);
	}
	/* The window never passes the ring's free space: it all fits. */
	n = (uint32_t)ring_write(&c->rcv, sg->data, sg->data_len);
	c->rcv_nxt = seq_add(c->rcv_nxt, n);
	sg->text_seq = c->rcv_nxt;
	c->ack_due = true;	/* sent once, at the end of the batch */
	/* The hole may be filled now: what was kept joins in, and a FIN
	 * kept with it is next. */
	if (c->n_ooo && tcp_ooo_fill(c)) {
		sg->fin = true;
		sg->text_seq = c->rcv_nxt;
	}
	return DROP_NONE;
}

/* "eighth, check the FIN bit": only once everything before it is here,
 * that is, at RCV.NXT. */
static void take_fin(struct tcp_mini *st, struct tcp_conn *c, const struct seg *sg,
		     uint64_t now_ms)
{
	if (!sg->fin || !seq_eq(sg->text_seq, c->rcv_nxt))
		return;
	c->rcv_nxt = seq_add(c->rcv_nxt, 1);
	c->fin_received = true;
	c->ack_due = true;
	switch (c->state) {
	case TCP_ESTABLISHED:
		tcp_set_state(st, c, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:	/* our FIN not yet acknowledged */
		tcp_set_state(st, c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		enter_time_wait(st, c, now_ms);
		break;
	default:		/* CLOSE-WAIT, CLOSING, LAST-ACK: stay */
		break;
	}
}

/* 3.10.7.4: every other state, the eight checks in order. */
static enum drop conn_input(struct tcp_mini *st, struct tcp_conn *c,
			    struct seg *sg, uint64_t now_ms, struct txq *tx)
{
	enum drop why;
	bool kept_aside;

	if (special_case(st, c, sg, now_ms))
		return DROP_NONE;
	/* "first, check sequence number" */
	why = check_sequence(c, sg);
	if (why != DROP_NONE)
		return why;
	/* "second, check the RST bit" */
	if (sg->flags & TCP_FLAG_RST)
		return check_rst(st, c, sg, now_ms);
	/* "third, check security": no security compartments here. */
	/* "fourth, check the SYN bit": a SYN in a synchronized state.  RFC
	 * 5961 4.2: a challenge ACK, not a reset, whatever its number. */
	if (sg->flags & TCP_FLAG_SYN) {
		challenge_ack(c, now_ms);
		return DROP_TCP_NOT_ACCEPTABLE;
	}
	/* (the first check's trimming, now that SEG.SEQ has done its part) */
	trim_to_window(c, sg);
	/* "fifth, check the ACK field" */
	why = check_ack(st, c, sg, now_ms, tx);
	if (why != DROP_NONE || c->state == TCP_CLOSED)
		return why;
	/* "sixth, check the URG bit": urgent data is not supported (RFC 6093
	 * advises new applications not to use it); read as ordinary data. */
	/* "seventh, process the segment text" */
	why = take_text(c, sg, &kept_aside);
	if (why != DROP_NONE || kept_aside)
		return why;
	/* "eighth, check the FIN bit" */
	take_fin(st, c, sg, now_ms);
	/* Data past the window was cut off: the rest was taken, but those
	 * bytes are dropped, and counted. */
	return sg->cut_at_right ? DROP_TCP_PAST_WINDOW : DROP_NONE;
}
/* build-it 05.3 end; the starter has:
 * static enum drop conn_input(struct tcp_mini *st, struct tcp_conn *c,
 *			    struct seg *sg, uint64_t now_ms, struct txq *tx)
 * {
 *	(void)st, (void)c, (void)sg, (void)now_ms, (void)tx;
 *	(void)ack_input, (void)handshake_done, (void)challenge_ack;
 *	(void)enter_time_wait, (void)reset_for;
 *	return DROP_NOT_IMPLEMENTED;
 * }
 */
