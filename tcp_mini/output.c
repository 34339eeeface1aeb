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

/* The window to advertise: the free space in the receive ring, in units of
 * our window scale, and never less than what we already promised: the
 * right edge (RCV.NXT + RCV.WND) must not move left (RFC 9293 3.8.6.2.2). */
uint32_t tcp_rcv_window(const struct tcp_mini *st, const struct tcp_conn *c)
{
	uint32_t w = (uint32_t)ring_free(&c->rcv);
	uint32_t share = st->wnd_share > 4u * c->mss ? st->wnd_share : 4u * c->mss;
	uint32_t max = 65535u << c->rcv_wscale;
	int32_t promised = seq_diff(c->rcv_adv, c->rcv_nxt);

	if (w > max)
		w = max;
	if (w > share)
		w = share;			/* the device queue's share */
	w &= ~((1u << c->rcv_wscale) - 1);	/* what the field can say */
	if (promised > 0 && (uint32_t)promised > w)
		w = (uint32_t)promised;
	return w;
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
	size_t hlen = TCP_HDR_LEN;
	uint32_t wnd = tcp_rcv_window(st, c);
	uint8_t *seg;

	if (flags & TCP_FLAG_SYN) {
		/* MSS always; window scale only in a SYN that offers it, or
		 * a SYN-ACK to a SYN that did (RFC 7323 2.2). */
		h.opts.has_mss = true;
		h.opts.mss = (uint16_t)st->mss_ours;
		h.opts.has_wscale = c->rcv_wscale != 0;
		h.opts.wscale = c->rcv_wscale;
		hlen += h.opts.has_wscale ? 8 : 4;
		/* "The Window field in a SYN ... is never scaled." */
		h.window = (uint16_t)(wnd > 65535 ? 65535 : wnd);
		wnd = h.window;
	} else {
		/* Round up: a promise not a multiple of the scale is kept. */
		uint32_t field = (wnd + (1u << c->rcv_wscale) - 1) >> c->rcv_wscale;

		h.window = (uint16_t)(field > 65535 ? 65535 : field);
		wnd = (uint32_t)h.window << c->rcv_wscale;
	}
	seg = ip_host_tx_payload(&st->host, tx, hlen + len);
	if (!seg)
		return false;
	ring_peek(&c->snd, off, seg + hlen, len);	/* the one copy */
	if (flags & TCP_FLAG_ACK) {
		h.ack = c->rcv_nxt.v;
		c->rcv_adv = seq_add(c->rcv_nxt, wnd);
		c->ack_due = false;	/* this segment carries it */
	}
	tcp_emit(&h, st->host.ip.addr, c->raddr, seg, len);
	ip_host_tx_push(&st->host, c->raddr, IPV4_PROTO_TCP, hlen + len, now_ms, tx);
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
	/* RFC 6298: time one segment at a time, and only new data. */
	if (!c->timing && seq_eq(c->snd_nxt, c->snd_max) && n > 0) {
		c->timing = true;
		c->rtt_seq = seq_add(c->snd_nxt, n);
		c->rtt_start_ms = now_ms;
	}
	c->snd_nxt = seq_add(c->snd_nxt, n + fin);
	if (seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	tcp_timer_start(c, now_ms);
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

bool tcp_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		struct txq *tx)
{
	/* build-it 05.2 begin: the sender: SYN, data within the window, FIN, ACK, and again after a loss */
	seq_t data_end, right;
	uint32_t avail, n;
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
		/* Our SYN, or SYN-ACK: sequence number ISS. */
		if (c->retries == 0) {
			c->timing = true;
			c->rtt_seq = seq_add(c->iss, 1);
			c->rtt_start_ms = now_ms;
		}
		if (!send_segment(st, c, c->state == TCP_SYN_SENT ? TCP_FLAG_SYN :
				  TCP_FLAG_SYN | TCP_FLAG_ACK, c->iss, 0, 0, now_ms, tx))
			return false;
		c->syn_due = false;
		c->ack_due = false;
		c->snd_nxt = seq_add(c->iss, 1);
		if (seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		tcp_timer_start(c, now_ms);
		return true;
	default:
		break;
	}

	data_end = seq_add(c->snd_una, (uint32_t)c->snd.len);
	/* Fast retransmit: the one segment at SND.UNA, now (Karn: no RTT
	 * sample from it). */
	if (c->rexmit_one) {
		n = (uint32_t)(c->snd.len < c->mss ? c->snd.len : c->mss);
		c->timing = false;
		if (!send_again(st, c, n, c->fin_queued && n == c->snd.len, now_ms, tx))
			return false;
		c->rexmit_one = false;
	}
	/* The persist timer fired: the first byte(s) past the window at
	 * SND.UNA, so that a lost window update cannot leave both sides
	 * waiting for ever.  One byte into a shut window; what fits into a
	 * small one. */
	if (c->probe_due) {
		n = c->snd_wnd > 1 ? c->snd_wnd : 1;
		if (n > c->mss)
			n = c->mss;
		if (n > c->snd.len)
			n = (uint32_t)c->snd.len;
		if (!send_again(st, c, n, false, now_ms, tx))
			return false;
		c->probe_due = false;
	}
	/* New data (or data again after a time-out), within the window. */
	right = seq_add(c->snd_una, c->snd_wnd);
	while (seq_lt(c->snd_nxt, data_end)) {
		avail = (uint32_t)seq_diff(data_end, c->snd_nxt);
		room = seq_diff(right, c->snd_nxt);
		if (room <= 0)
			break;
		n = avail < c->mss ? avail : c->mss;
		if (n > (uint32_t)room)
			n = (uint32_t)room;
		/* Sender-side silly window avoidance (RFC 9293 3.8.6.2.1):
		 * a small segment only if it is all we have, or the window
		 * is at least half the largest the peer ever offered. */
		if (n < c->mss && n < avail && n < c->max_snd_wnd / 2)
			break;
		fin = c->fin_queued && n == avail;
		if (!send_data(st, c, n, fin, now_ms, tx))
			return false;
	}
	/* The FIN alone, once every byte before it has gone. */
	if (c->fin_queued && seq_eq(c->snd_nxt, c->fin_seq) &&
	    !send_data(st, c, 0, true, now_ms, tx))
		return false;
	/* Data waits for a window that stays shut: arm the persist timer
	 * (the same timer: when nothing is in flight it is not running). */
	if (seq_lt(c->snd_nxt, data_end) && c->rto_at == 0)
		c->rto_at = now_ms + c->rto_ms;
	/* Duplicate ACKs for out-of-order data: as many as such segments
	 * came (at most 8 a batch), each the same "I still want RCV.NXT". */
	if (c->dup_acks_due > 8)
		c->dup_acks_due = 8;
	for (; c->dup_acks_due > 0; c->dup_acks_due--)
		if (!send_segment(st, c, TCP_FLAG_ACK, c->snd_nxt, 0, 0, now_ms, tx))
			return false;
	/* Nothing above carried the ACK that input asked for. */
	if (c->ack_due &&
	    !send_segment(st, c, TCP_FLAG_ACK, c->snd_nxt, 0, 0, now_ms, tx))
		return false;
	return true;
	/* build-it 05.2 end; the starter has:
	 *	(void)st, (void)c, (void)now_ms, (void)tx, (void)send_again;
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
