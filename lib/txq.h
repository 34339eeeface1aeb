/*
 * txq.h - the packets a core wants sent.
 *
 * A core never writes to the device itself: it fills slots of this queue and
 * returns.  The loop then writes them (or, in replay, records them), which is
 * what lets the same core run under a unit test or a fuzzer.
 */
#ifndef TUNLAB_TXQ_H
#define TUNLAB_TXQ_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any IPv4 packet (65535 bytes) plus a link header.  A buffer
 * smaller than the largest packet loses the rest of it: one read() returns
 * one packet, and whatever does not fit is discarded by the kernel. */
#define PKT_BUF_SIZE	(65536 + 64)
#define TXQ_SLOTS	8

struct txq {
	size_t n;			/* slots in use */
	size_t len[TXQ_SLOTS];
	uint8_t buf[TXQ_SLOTS][PKT_BUF_SIZE];
};

/* The next free slot, PKT_BUF_SIZE bytes, or NULL if the queue is full.
 * Nothing is queued until txq_push(). */
static inline uint8_t *txq_slot(struct txq *q)
{
	return q->n < TXQ_SLOTS ? q->buf[q->n] : NULL;
}

/* Queue the packet of len bytes just built in txq_slot(). */
static inline void txq_push(struct txq *q, size_t len)
{
	q->len[q->n++] = len;
}

#endif
