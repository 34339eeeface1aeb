/*
 * sack.c - lesson 06's sender: what the peer's SACK blocks say, which
 * segments are lost, and what to send again (RFC 2018, RFC 6675, RFC
 * 8985's RACK-TLP).
 *
 * Lesson 05's sender knows one number about the peer: SND.UNA, where its
 * cumulative ACK stands.  After a time-out it can only go back there and
 * send everything again, and it finds one hole per round trip.  With SACK
 * (RFC 2018) each ACK also says which ranges past the hole arrived, so
 * the sender keeps a record of every segment in flight (the send log) and
 * marks each one SACKed, lost, or still on its way:
 *
 *   SND.UNA                                                     SND.MAX
 *      |  lost  | sacked | sacked |  lost  | in flight | in flight |
 *
 * Three questions, each answered here:
 *   which segments are lost?   RACK (RFC 8985 6): a segment is lost if
 *                              one sent after it has arrived, and a
 *                              little time (the reordering window) has
 *                              passed; or, with --no-rack, RFC 6675's
 *                              rule: more than two segments' worth of
 *                              data SACKed above it
 *   how much may go out?       pipe (RFC 6675 4): what is still in the
 *                              network, that is, in flight but neither
 *                              SACKed nor lost; the sender sends while
 *                              pipe < cwnd
 *   what if the last segments  TLP (RFC 8985 7): after two round trips of
 *   are lost, and no ACK       silence, send the last segment again (or
 *   comes at all?              one new one), so its ACK brings the SACK
 *                              blocks that start recovery, instead of a
 *                              time-out that costs a second or more
 *
 * The log is a ring of struct tcp_sent, one per segment, in sequence
 * order: tcp_sent_log() adds what output.c sends, tcp_sack_input() reads
 * each ACK, tcp_sack_output() sends the lost segments again before the
 * output step sends new data.  Lesson 05's code calls none of this when
 * SACK was not agreed (--no-sack, or a peer without it).
 */
#include "tcp_mini.h"

#include <stdlib.h>

/* RFC 6675 2: "DupThresh ... 3". */
#define DUPTHRESH	3
/* RFC 8985 7.2: the delayed ACK a probe waits out when only one segment
 * is in flight (the peer ACKs every second segment at once, a lone one
 * only after its delayed-ACK timer); and the shortest PTO our
 * millisecond clock keeps. */
#define TLP_WCDELACK_MS	200
#define TLP_MIN_MS	10

static struct tcp_sent *rec(const struct tcp_conn *c, unsigned i)
{
	return &c->sent[(c->sent_head + i) % TCP_SENT_MAX];
}

static uint32_t rec_len(const struct tcp_sent *r)
{
	return (uint32_t)seq_diff(r->end, r->start);
}

/* RFC 6675 4, "pipe": bytes that are still in the network. */
uint32_t tcp_pipe(const struct tcp_conn *c)
{
	/* build-it 06.2 begin: the SACK scoreboard: the cumulative ACK, SACK blocks, D-SACKs, pipe */
	uint32_t flight = (uint32_t)seq_diff(c->snd_nxt, c->snd_una);
	uint32_t gone = c->sacked_bytes + c->lost_bytes;

	return flight > gone ? flight - gone : 0;
	/* build-it 06.2 end; the starter has: (void)c; return 0; */
}

static void set_flag(struct tcp_conn *c, struct tcp_sent *r, uint8_t f)
{
	if (r->flags & f)
		return;
	r->flags |= f;
	if (f == SENT_SACKED)
		c->sacked_bytes += rec_len(r);
	if (f == SENT_LOST)
		c->lost_bytes += rec_len(r);
}

static void clear_flag(struct tcp_conn *c, struct tcp_sent *r, uint8_t f)
{
	if (!(r->flags & f))
		return;
	r->flags &= (uint8_t)~f;
	if (f == SENT_SACKED)
		c->sacked_bytes -= rec_len(r);
	if (f == SENT_LOST)
		c->lost_bytes -= rec_len(r);
}

/* output.c sent len sequence numbers from sq (the FIN among them if
 * fin): a new segment at SND.MAX becomes a record; one below it is sent
 * again, and every record it covers says so, with the new time. */
void tcp_sent_log(struct tcp_mini *st, struct tcp_conn *c, seq_t sq, uint32_t len,
		  bool fin, uint64_t now_ms)
{
	/* (The log is not counted in mem_used, the rings' budget: at most
	 * TCP_MAX_CONN logs of 24 KB, 3 MB, besides it.) */
	seq_t end = seq_add(sq, len);
	struct tcp_sent *r;
	unsigned i;

	(void)st;
	if (!c->sack_ok || len == 0)
		return;
	if (!c->sent) {
		c->sent = malloc(TCP_SENT_MAX * sizeof(*c->sent));
		if (!c->sent)
			return;		/* then lesson 05's sender it is */
		c->sent_head = c->sent_n = 0;
		c->sacked_bytes = c->lost_bytes = 0;
	}
	if (seq_ge(sq, c->snd_max) || c->sent_n == 0) {
		if (c->sent_n == TCP_SENT_MAX)
			return;		/* (cc_window kept this from happening) */
		r = rec(c, c->sent_n++);
		r->start = sq;
		r->end = end;
		r->xmit_ms = now_ms;
		r->flags = fin ? SENT_FIN : 0;
		return;
	}
	for (i = 0; i < c->sent_n; i++) {
		r = rec(c, i);
		if (!seq_lt(r->start, end))
			break;
		if (seq_le(r->end, sq))
			continue;
		r->xmit_ms = now_ms;
		r->flags |= SENT_RETRANS;
		clear_flag(c, r, SENT_LOST);
	}
}

void tcp_sent_free(struct tcp_mini *st, struct tcp_conn *c)
{
	if (!c->sent)
		return;
	(void)st;
	free(c->sent);
	c->sent = NULL;
}

/* RFC 8985 6.2 step 2, "RACK_sent_after": was (t1, seq1) sent after
 * (t2, seq2)?  Within one millisecond the sequence number decides. */
static bool sent_after(uint64_t t1, seq_t seq1, uint64_t t2, seq_t seq2)
{
	return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}

/* RFC 8985 6.2 step 2: record r was delivered (acknowledged or SACKed):
 * the latest such segment and its RTT are what RACK judges others by.  A
 * segment sent more than once is ambiguous (Karn's problem): if the ACK
 * came sooner than the minimum RTT after the last sending, it answers an
 * earlier one, and says nothing. */
static void rack_update(struct tcp_conn *c, const struct tcp_sent *r, uint64_t now_ms)
{
	/* build-it 06.3 begin: RACK: the latest segment delivered, the reordering window, losses by time */
	uint32_t rtt = (uint32_t)(now_ms - r->xmit_ms);

	if ((r->flags & SENT_RETRANS) && c->rack_valid && rtt + 1 < c->min_rtt_ms)
		return;		/* (+ 1: our clock rounds to milliseconds) */
	if (!c->rack_valid || rtt < c->min_rtt_ms)
		c->min_rtt_ms = rtt;
	if (!c->rack_valid || sent_after(r->xmit_ms, r->end, c->rack_xmit_ms, c->rack_end)) {
		c->rack_rtt_ms = rtt;
		c->rack_xmit_ms = r->xmit_ms;
		c->rack_end = r->end;
	}
	c->rack_valid = true;
	/* Step 3: delivered below something already SACKed: the network
	 * reorders, so RACK waits a little before it calls a hole a loss. */
	if (seq_lt(r->end, c->rack_fack))
		c->reordering_seen = true;
	else
		c->rack_fack = r->end;
	/* build-it 06.3 end; the starter has: (void)c, (void)r, (void)now_ms; */
}

/* RFC 8985 6.2 step 4: how long past RACK.rtt a hole may stay a hole
 * before it is a loss.  Zero while no reordering was seen and recovery
 * is under way (losses are then what holes are); else a quarter of the
 * minimum RTT, times the number of D-SACK'd round trips (spurious
 * retransmissions: the window was too small), at most SRTT.  Our clock
 * counts milliseconds: once reordering was seen, at least 1. */
static uint32_t reo_wnd(const struct tcp_conn *c)
{
	/* build-it 06.3 begin: RACK: the latest segment delivered, the reordering window, losses by time */
	uint32_t w, srtt_ms = c->srtt_us / 1000;

	if (!c->reordering_seen && (c->recovering || c->sacked_bytes >= DUPTHRESH * c->mss))
		return 0;
	w = c->min_rtt_ms / 4 * (c->reo_wnd_mult ? c->reo_wnd_mult : 1);
	if (w > srtt_ms)
		w = srtt_ms;
	if (c->reordering_seen && w < 1)
		w = 1;
	return w;
	/* build-it 06.3 end; the starter has: (void)c; return 0; */
}

/* RFC 8985 6.2 step 5, "RACK_detect_loss": every segment sent before the
 * latest delivered one and not delivered itself is lost once RACK.rtt +
 * the reordering window have passed since it went out.  Those not yet
 * that old set the reordering timer for when they will be. */
void tcp_rack_detect(struct tcp_conn *c, uint64_t now_ms)
{
	/* build-it 06.3 begin: RACK: the latest segment delivered, the reordering window, losses by time */
	uint64_t due, timeout = 0;
	uint32_t wait = c->rack_rtt_ms + reo_wnd(c);
	struct tcp_sent *r;
	unsigned i;

	c->rack_timeout_ms = 0;
	if (!c->sent || !c->rack_valid)
		return;
	for (i = 0; i < c->sent_n; i++) {
		r = rec(c, i);
		if (r->flags & (SENT_SACKED | SENT_LOST))
			continue;
		if (!sent_after(c->rack_xmit_ms, c->rack_end, r->xmit_ms, r->end))
			continue;
		due = r->xmit_ms + wait;
		if (due <= now_ms)
			set_flag(c, r, SENT_LOST);
		else if (!timeout || due < timeout)
			timeout = due;
	}
	c->rack_timeout_ms = timeout;
	/* build-it 06.3 end; the starter has: (void)c, (void)now_ms, (void)reo_wnd, (void)sent_after; */
}

/* Without RACK, RFC 6675 4's IsLost(): a segment is lost when more than
 * (DupThresh - 1) * SMSS bytes above it have been SACKed. */
static void rfc6675_detect(struct tcp_conn *c)
{
	uint32_t above = 0;
	struct tcp_sent *r;
	unsigned i;

	for (i = c->sent_n; i-- > 0; ) {
		r = rec(c, i);
		if (r->flags & SENT_SACKED)
			above += rec_len(r);
		else if (!(r->flags & (SENT_LOST | SENT_RETRANS)) &&
			 above > (DUPTHRESH - 1) * c->mss)
			set_flag(c, r, SENT_LOST);
	}
}

/* One SACK block: every record inside it is held by the peer.  Records
 * only partly inside stay as they are (the peer acknowledges whole
 * segments; a record half SACKed would be news only after a resize). */
static void take_block(struct tcp_conn *c, seq_t start, seq_t end, uint64_t now_ms)
{
	/* build-it 06.2 begin: the SACK scoreboard: the cumulative ACK, SACK blocks, D-SACKs, pipe */
	struct tcp_sent *r;
	unsigned i;

	for (i = 0; i < c->sent_n; i++) {
		r = rec(c, i);
		if (seq_le(end, r->start))
			break;
		if (seq_lt(r->start, start) || seq_gt(r->end, end) ||
		    (r->flags & SENT_SACKED))
			continue;
		clear_flag(c, r, SENT_LOST);
		set_flag(c, r, SENT_SACKED);
		rack_update(c, r, now_ms);
	}
	/* build-it 06.2 end; the starter has: (void)c, (void)start, (void)end, (void)now_ms, (void)rack_update; */
}

/* RFC 2883 4: the first block is a D-SACK, a report of a duplicate, if
 * it lies below the cumulative ACK or inside the second block. */
static bool is_dsack(const struct tcp_hdr *h)
{
	/* build-it 06.2 begin: the SACK scoreboard: the cumulative ACK, SACK blocks, D-SACKs, pipe */
	const struct tcp_sack_block *b = h->opts.sack;

	if (seq_le(seq(b[0].end), seq(h->ack)))
		return true;
	return h->opts.n_sack > 1 && seq_ge(seq(b[0].start), seq(b[1].start)) &&
	       seq_le(seq(b[0].end), seq(b[1].end));
	/* build-it 06.2 end; the starter has: (void)h; return false; */
}

/* An ACK came (after input.c moved SND.UNA, SND.WND and the rest): drop
 * the records it acknowledges, mark what its SACK blocks hold, find what
 * is lost, and start recovery if something is. */
void tcp_sack_input(struct tcp_mini *st, struct tcp_conn *c,
		    const struct tcp_hdr *h, uint64_t now_ms)
{
	seq_t ack = seq(h->ack);
	struct tcp_sent *r;
	unsigned b = 0;

	(void)st;
	if (!c->sent || !(h->flags & TCP_FLAG_ACK) || seq_gt(ack, c->snd_max))
		return;
	/* build-it 06.2 begin: the SACK scoreboard: the cumulative ACK, SACK blocks, D-SACKs, pipe */
	/* The cumulative ACK: whole records leave the log; one cut in two
	 * keeps its unacknowledged end. */
	while (c->sent_n > 0 && seq_lt((r = rec(c, 0))->start, c->snd_una)) {
		if (seq_gt(r->end, c->snd_una)) {
			uint8_t f = r->flags;

			clear_flag(c, r, SENT_SACKED);
			clear_flag(c, r, SENT_LOST);
			r->start = c->snd_una;
			if (f & SENT_SACKED)
				set_flag(c, r, SENT_SACKED);
			break;
		}
		if (!(r->flags & SENT_SACKED))
			rack_update(c, r, now_ms);
		clear_flag(c, r, SENT_SACKED);
		clear_flag(c, r, SENT_LOST);
		c->sent_head = (c->sent_head + 1) % TCP_SENT_MAX;
		c->sent_n--;
	}
	/* build-it 06.2 end; the starter has: (void)r; */
	/* A D-SACK: a retransmission was not needed.  If it was the tail
	 * loss probe's, nothing was lost (RFC 8985 7.4); either way the
	 * reordering window widens, once per round trip (6.2 step 4). */
	if (h->opts.n_sack && is_dsack(h)) {
		b = 1;
		if (c->tlp_out && c->tlp_retrans)
			c->tlp_dsacked = true;
		if (seq_ge(c->snd_una, c->dsack_round)) {
			c->dsack_round = c->snd_max;
			if (c->reo_wnd_mult < 16)
				c->reo_wnd_mult++;
		}
	}
	for (; b < h->opts.n_sack; b++) {
		seq_t s = seq(h->opts.sack[b].start), e = seq(h->opts.sack[b].end);

		/* Only blocks between SND.UNA and SND.MAX mean anything. */
		if (seq_lt(s, e) && seq_ge(s, c->snd_una) && seq_le(e, c->snd_max))
			take_block(c, s, e, now_ms);
	}
	/* The probe's episode is over once everything up to it is
	 * acknowledged (RFC 8985 7.4.2): if its retransmission was not
	 * reported as a duplicate, the segment it repeated was lost, and
	 * congestion control hears of it as of a fast retransmit. */
	if (c->tlp_out && seq_ge(c->snd_una, c->tlp_end)) {
		c->tlp_out = false;
		if (c->tlp_retrans && !c->tlp_dsacked && !c->recovering) {
			cc_on_loss(c, now_ms);
			c->cwnd = c->ssthresh;
		}
	}
	/* Which segments are lost now. */
	if (c->sacked_bytes || c->rack_timeout_ms) {
		if (c->rack)
			tcp_rack_detect(c, now_ms);
		else
			rfc6675_detect(c);
	}
	/* A loss starts recovery (RFC 6675 5): once per window of data,
	 * and not for data sent before a time-out (RFC 6582's recover). */
	if (c->lost_bytes && !c->recovering && seq_gt(c->snd_una, c->recover)) {
		c->recovering = true;
		c->recover = c->snd_max;
		cc_on_loss(c, now_ms);
	}
}

/* The retransmission timer fired and input.c's lesson 05 rules ran (RTO
 * doubled, cwnd one segment, SND.NXT back to SND.UNA).  With a send log
 * there is no need to go back: every segment not SACKed is lost (RFC
 * 8985 6.3, RFC 6675 5.1), and the lost ones go again, oldest first, as
 * cwnd allows.  If the segment at SND.UNA was SACKed, the peer has
 * dropped what it held (reneging, RFC 2018 8): forget every SACK. */
void tcp_sack_rto(struct tcp_conn *c)
{
	struct tcp_sent *r;
	bool reneged = c->sent_n && (rec(c, 0)->flags & SENT_SACKED);
	unsigned i;

	if (!c->sent)
		return;
	c->snd_nxt = c->snd_max;
	c->tlp_out = false;
	c->tlp_due = false;
	c->rack_timeout_ms = 0;
	for (i = 0; i < c->sent_n; i++) {
		r = rec(c, i);
		if (reneged)
			clear_flag(c, r, SENT_SACKED);
		if (!(r->flags & SENT_SACKED))
			set_flag(c, r, SENT_LOST);
	}
}

/* The PTO fired (RFC 8985 7.3): the output step sends the probe. */
void tcp_tlp_fire(struct tcp_conn *c, uint64_t now_ms)
{
	tcp_timer_set(c, TIMER_RETRANSMIT, now_ms + c->rto_ms);
	if (c->sent && c->sent_n && !c->recovering)
		c->tlp_due = true;
}

/* The one timer, while data is in flight and SACK is in use: RACK's
 * reordering timer if a segment waits to be judged, else the PTO if a
 * probe may be sent, else the retransmission timer (what arm_timer in
 * output.c sets when this returns false). */
bool tcp_sack_timer(struct tcp_conn *c, uint64_t now_ms)
{
	uint64_t pto, srtt_ms = c->srtt_us / 1000;

	if (!c->sent || c->sent_n == 0)
		return false;
	if (c->rack_timeout_ms) {
		if (c->timer != TIMER_RACK || c->timer_at != c->rack_timeout_ms)
			tcp_timer_set(c, TIMER_RACK, c->rack_timeout_ms);
		return true;
	}
	/* RFC 8985 7.2: a PTO when no recovery is under way, no probe is
	 * out, and the RTT is known. */
	if (c->rack && !c->tlp_out && !c->recovering && c->rtt_valid && c->lost_bytes == 0) {
		if (c->timer == TIMER_TLP)
			return true;
		pto = 2 * srtt_ms;
		if (c->sent_n == 1)
			pto += TLP_WCDELACK_MS;
		if (pto < TLP_MIN_MS)
			pto = TLP_MIN_MS;
		if (pto > c->rto_ms)
			pto = c->rto_ms;
		tcp_timer_set(c, TIMER_TLP, now_ms + pto);
		return true;
	}
	return false;
}

/* Before the output step's new data: the segments judged lost, oldest
 * first, while pipe < cwnd (RFC 6675 5 (C), NextSeg rule 1); and the
 * probe if the PTO fired (RFC 8985 7.3: one new segment if the window
 * lets it go, else the last segment sent, whatever cwnd says).  False if
 * the out queue filled. */
bool tcp_sack_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		     struct txq *tx)
{
	struct tcp_sent *r;
	uint32_t avail, n;
	unsigned i;

	if (!c->sent || c->state < TCP_ESTABLISHED || c->state == TCP_TIME_WAIT)
		return true;
	/* Lesson 05's fast retransmit or partial ACK asked for the segment
	 * at SND.UNA: with a log, that is a loss mark (unless it was SACKed
	 * or is already on its way again). */
	if (c->rexmit_one) {
		c->rexmit_one = false;
		if (c->sent_n && !(rec(c, 0)->flags & (SENT_SACKED | SENT_RETRANS)))
			set_flag(c, rec(c, 0), SENT_LOST);
	}
	for (i = 0; i < c->sent_n && c->lost_bytes; i++) {
		r = rec(c, i);
		if (!(r->flags & SENT_LOST))
			continue;
		if (tcp_pipe(c) >= c->cwnd && tcp_pipe(c) > 0)
			break;
		if (!tcp_send_range(st, c, r->start, rec_len(r) - !!(r->flags & SENT_FIN),
				    r->flags & SENT_FIN, now_ms, tx))
			return false;
	}
	if (c->tlp_due) {
		c->tlp_due = false;
		avail = (uint32_t)c->snd.len - (uint32_t)seq_diff(c->snd_max, c->snd_una);
		n = avail < c->mss ? avail : c->mss;
		c->tlp_out = true;
		if (n > 0 && seq_diff(seq_add(c->snd_una, c->snd_wnd), c->snd_max) >= (int32_t)n &&
		    c->sent_n < TCP_SENT_MAX && !c->fin_queued) {
			c->tlp_retrans = false;
			if (!tcp_send_range(st, c, c->snd_max, n, false, now_ms, tx))
				return false;
		} else if (c->sent_n) {
			r = rec(c, c->sent_n - 1);
			c->tlp_retrans = true;
			if (!tcp_send_range(st, c, r->start, rec_len(r) - !!(r->flags & SENT_FIN),
					    r->flags & SENT_FIN, now_ms, tx))
				return false;
		}
		c->tlp_end = c->snd_max;
		c->tlp_dsacked = false;
	}
	return true;
}
