/*
 * ooo.c - data that came after a hole ("out of order"), kept until the
 * hole is filled.
 *
 * RFC 9293 3.10.7.4 allows it ("segments with higher beginning sequence
 * numbers may be held for later processing"); without it, everything sent
 * after a lost segment would have to be sent again.  The bytes go straight
 * into the receive ring, past its tail, at offset SEG.SEQ - RCV.NXT: where
 * they will be once the hole is filled.  Only their ranges are noted here
 * (up to TCP_OOO_MAX of them), and a FIN that came after them.
 *
 * The ranges are also what our SACK blocks tell the sender (RFC 2018 4),
 * so they are kept in the order the RFC reports them in: the range the
 * latest segment joined first, then the others, most recently changed
 * first.  An ACK has room for three or four blocks; the order makes sure
 * every range is reported in a few ACKs, and the newest in every one.
 */
#include "tcp_mini.h"

#include <string.h>

/* Take range i out of the list, keeping the others' order. */
static void ooo_remove(struct tcp_conn *c, unsigned i)
{
	memmove(&c->ooo[i], &c->ooo[i + 1], (c->n_ooo - i - 1) * sizeof(c->ooo[0]));
	c->n_ooo--;
}

/* A duplicate arrived, [start, end): say so in the next ACK's first SACK
 * block (RFC 2883's D-SACK), so that the sender learns that what it sent
 * again had not been lost.  The latest duplicate wins. */
void tcp_dsack(struct tcp_conn *c, seq_t start, seq_t end)
{
	if (!c->sack_ok || !seq_lt(start, end))
		return;
	c->dsack_due = true;
	c->dsack_start = start;
	c->dsack_end = end;
}

/* A segment [start, end) was refused before the sequence check (PAWS):
 * D-SACK what of it we hold, below RCV.NXT or inside a kept range. */
void tcp_dsack_held(struct tcp_conn *c, seq_t start, seq_t end)
{
	unsigned i;

	if (seq_lt(start, c->rcv_nxt)) {
		tcp_dsack(c, start, seq_lt(end, c->rcv_nxt) ? end : c->rcv_nxt);
		return;
	}
	for (i = 0; i < c->n_ooo; i++)
		if (seq_le(c->ooo[i].start, start) && seq_le(end, c->ooo[i].end)) {
			tcp_dsack(c, start, end);
			return;
		}
}

/* Keep len bytes of data at sq (> RCV.NXT), and the FIN after them if
 * fin.  The caller has cut the segment to the window, which never passes
 * the ring's free space. */
enum drop tcp_ooo_keep(struct tcp_conn *c, seq_t sq, const uint8_t *data,
		       uint32_t len, bool fin)
{
	size_t off = (size_t)seq_diff(sq, c->rcv_nxt);
	seq_t start = sq, end = seq_add(sq, len);
	unsigned i;

	if (off + len > ring_free(&c->rcv))
		return DROP_TCP_PAST_WINDOW;	/* (cut to the window before) */
	/* All of it held already: a duplicate, nothing to keep. */
	for (i = 0; i < c->n_ooo; i++)
		if (seq_le(c->ooo[i].start, start) && seq_le(end, c->ooo[i].end)) {
			tcp_dsack(c, start, end);
			return DROP_TCP_DUPLICATE;
		}
	/* Merge with every range it touches or overlaps. */
	for (i = 0; i < c->n_ooo; ) {
		if (seq_le(c->ooo[i].start, end) && seq_le(start, c->ooo[i].end)) {
			if (seq_lt(c->ooo[i].start, start))
				start = c->ooo[i].start;
			if (seq_gt(c->ooo[i].end, end))
				end = c->ooo[i].end;
			ooo_remove(c, i);
			continue;
		}
		i++;
	}
	if (c->n_ooo == TCP_OOO_MAX)
		return DROP_TCP_OUT_OF_ORDER;	/* full: the peer sends it again */
	ring_put_at(&c->rcv, off, data, len);
	/* The range this segment joined goes first. */
	memmove(&c->ooo[1], &c->ooo[0], c->n_ooo * sizeof(c->ooo[0]));
	c->ooo[0].start = start;
	c->ooo[0].end = end;
	c->n_ooo++;
	if (fin) {
		c->ooo_fin = true;
		c->ooo_fin_seq = seq_add(sq, len);
	}
	return DROP_NONE;
}

/* RCV.NXT moved: take in the kept ranges that now start at or before it.
 * Returns true if a kept FIN is now next. */
bool tcp_ooo_fill(struct tcp_conn *c)
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
			ooo_remove(c, i);
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
