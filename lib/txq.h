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
 *
 * In front of every packet the queue leaves TXQ_HEADROOM bytes free: on a
 * TAP device with offloads the loop writes the packet's virtio-net header
 * there (lib/vnet.h) and sends both with one write().  The offload fields
 * below are all zero unless the loop set them, and then the queue is
 * exactly what it was before lesson 07.
 */
#ifndef TUNLAB_TXQ_H
#define TUNLAB_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Big enough for any IPv4 packet (65535 bytes) plus a link header.  A buffer
 * smaller than the largest packet loses the rest of it: one read() returns
 * one packet, and whatever does not fit is discarded by the kernel. */
#define PKT_BUF_SIZE	(65536 + 64)
#define TXQ_MAX		256		/* packets */
#define TXQ_BYTES	(512 * 1024)	/* all of them together */
#define TXQ_HEADROOM	16		/* free in front of each packet */

struct txq {
	size_t n;			/* packets queued */
	size_t used;			/* bytes of buf they take */
	size_t off[TXQ_MAX];		/* where packet i starts in buf */
	size_t len[TXQ_MAX];
	uint64_t pushes;		/* packets ever queued: tells a core
					 * whether packet n - 1 is still the
					 * one it queued last */
	/* Lesson 07 (lib/vnet.h).  What the device behind the queue does
	 * for us, VNET_OFF_*: set by the loop; 0 on a TUN device, with
	 * --no-offload, in replay, and in a unit test that does not set
	 * it.  A core may leave a checksum partial (csum_start and
	 * csum_offset of the packet, as in the virtio-net header) only with
	 * VNET_OFF_CSUM, and send a TCP segment that stands for many
	 * (gso_size) only with VNET_OFF_TSO4. */
	unsigned offload;
	uint16_t gso_size[TXQ_MAX];	/* 0: the packet is what it is */
	uint8_t csum_start[TXQ_MAX];	/* 0: its checksum is complete */
	uint8_t csum_offset[TXQ_MAX];
	/* The packet being handed to the core: its transport checksum need
	 * not be checked, the device vouched for it (the kernel made it and
	 * left the sum partial, or a card checked it).  Set by the loop
	 * before each input. */
	bool in_csum_ok;
	uint8_t buf[TXQ_BYTES];
};

/* Room for one more packet of up to PKT_BUF_SIZE bytes, or NULL if the
 * queue is full.  Nothing is queued until txq_push(). */
static inline uint8_t *txq_slot(struct txq *q)
{
	if (q->n >= TXQ_MAX || TXQ_BYTES - q->used < TXQ_HEADROOM + PKT_BUF_SIZE)
		return NULL;
	return q->buf + q->used + TXQ_HEADROOM;
}

/* Room for one more packet of up to need bytes (a TCP segment, say, which
 * is never larger than the MTU), or NULL: lets a sender fill the queue with
 * many small packets where txq_slot() would stop at the last 64 KB. */
static inline uint8_t *txq_slot_n(struct txq *q, size_t need)
{
	if (q->n >= TXQ_MAX || TXQ_BYTES - q->used < TXQ_HEADROOM + need)
		return NULL;
	return q->buf + q->used + TXQ_HEADROOM;
}

/* Where txq_slot() and txq_slot_n() put the next packet. */
static inline uint8_t *txq_next(struct txq *q)
{
	return q->buf + q->used + TXQ_HEADROOM;
}

/* Queue the packet of len bytes just built in txq_slot(). */
static inline void txq_push(struct txq *q, size_t len)
{
	q->off[q->n] = q->used + TXQ_HEADROOM;
	q->len[q->n] = len;
	q->gso_size[q->n] = 0;
	q->csum_start[q->n] = 0;
	q->csum_offset[q->n] = 0;
	q->used += TXQ_HEADROOM + len;
	q->n++;
	q->pushes++;
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
