/*
 * txq.h - the packets a core wants sent.
 *
 * A core never writes to the device itself: it fills this queue and
 * returns.  The loop then writes each packet (or, in replay, records it),
 * which is what lets the same core run under a unit test or a fuzzer.
 *
 * The packets lie one after the other in one buffer.  txq_slot() offers the
 * free space after the last one, always room for the largest possible
 * packet; txq_push() keeps the len bytes written there.  So many small
 * packets (the fragments of one big datagram, say) fit as well as a few big
 * ones.
 */
#ifndef TUNLAB_TXQ_H
#define TUNLAB_TXQ_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any IPv4 packet (65535 bytes) plus a link header.  A buffer
 * smaller than the largest packet loses the rest of it: one read() returns
 * one packet, and whatever does not fit is discarded by the kernel. */
#define PKT_BUF_SIZE	(65536 + 64)
#define TXQ_MAX		256		/* packets */
#define TXQ_BYTES	(512 * 1024)	/* all of them together */

struct txq {
	size_t n;			/* packets queued */
	size_t used;			/* bytes of buf they take */
	size_t off[TXQ_MAX];		/* where packet i starts in buf */
	size_t len[TXQ_MAX];
	uint8_t buf[TXQ_BYTES];
};

/* Room for one more packet of up to PKT_BUF_SIZE bytes, or NULL if the
 * queue is full.  Nothing is queued until txq_push(). */
static inline uint8_t *txq_slot(struct txq *q)
{
	if (q->n >= TXQ_MAX || TXQ_BYTES - q->used < PKT_BUF_SIZE)
		return NULL;
	return q->buf + q->used;
}

/* Room for one more packet of up to need bytes (a TCP segment, say, which
 * is never larger than the MTU), or NULL: lets a sender fill the queue with
 * many small packets where txq_slot() would stop at the last 64 KB. */
static inline uint8_t *txq_slot_n(struct txq *q, size_t need)
{
	if (q->n >= TXQ_MAX || TXQ_BYTES - q->used < need)
		return NULL;
	return q->buf + q->used;
}

/* Queue the packet of len bytes just built in txq_slot(). */
static inline void txq_push(struct txq *q, size_t len)
{
	q->off[q->n] = q->used;
	q->len[q->n] = len;
	q->used += len;
	q->n++;
}

/* Packet i, for i < q->n. */
static inline const uint8_t *txq_pkt(const struct txq *q, size_t i)
{
	return q->buf + q->off[i];
}

/* Empty the queue (after its packets were sent). */
static inline void txq_clear(struct txq *q)
{
	q->n = 0;
	q->used = 0;
}

#endif
