/*
 * ring.c - a byte ring: a buffer used round and round.
 *
 * The capacity is a power of two, so "offset modulo capacity" is a mask.
 * Bytes go in at the tail (head + len) and leave at the head.  For TCP the
 * point is that sequence numbers map onto it with one subtraction: the
 * send ring's byte at sequence s is at offset s - SND.UNA from the head.
 */
#include "tcp_mini.h"

#include <stdlib.h>
#include <string.h>

size_t ring_write(struct ring *r, const uint8_t *data, size_t n)
{
	size_t tail, first;

	if (n > ring_free(r))
		n = ring_free(r);
	if (n == 0)
		return 0;
	tail = (r->head + r->len) & (r->cap - 1);
	first = r->cap - tail < n ? r->cap - tail : n;	/* up to the end */
	memcpy(r->buf + tail, data, first);
	memcpy(r->buf, data + first, n - first);	/* the rest from 0 */
	r->len += n;
	return n;
}

void ring_put_at(struct ring *r, size_t off, const uint8_t *data, size_t n)
{
	size_t at, first;

	if (n == 0)
		return;
	at = (r->head + r->len + off) & (r->cap - 1);
	first = r->cap - at < n ? r->cap - at : n;
	memcpy(r->buf + at, data, first);
	memcpy(r->buf, data + first, n - first);
}

void ring_peek(const struct ring *r, size_t off, uint8_t *dst, size_t n)
{
	size_t at, first;

	if (n == 0)
		return;
	at = (r->head + off) & (r->cap - 1);
	first = r->cap - at < n ? r->cap - at : n;
	memcpy(dst, r->buf + at, first);
	memcpy(dst + first, r->buf, n - first);
}

void ring_drop(struct ring *r, size_t n)
{
	if (n > r->len)
		n = r->len;
	if (n == 0)
		return;
	/* (The head is not moved back to 0 when the ring empties: the
	 * receive ring may hold out-of-order bytes past its tail.) */
	r->head = (r->head + n) & (r->cap - 1);
	r->len -= n;
}

size_t ring_data(const struct ring *r, uint8_t **p)
{
	*p = r->buf + r->head;
	return r->cap - r->head < r->len ? r->cap - r->head : r->len;
}

size_t ring_space(const struct ring *r, uint8_t **p)
{
	size_t tail = (r->head + r->len) & (r->cap - 1);
	size_t free = ring_free(r);

	*p = r->buf + tail;
	return r->cap - tail < free ? r->cap - tail : free;
}

void ring_commit(struct ring *r, size_t n)
{
	r->len += n;
}

bool ring_resize(struct ring *r, size_t new_cap)
{
	uint8_t *nb;

	if (new_cap < r->len)
		return false;
	nb = malloc(new_cap);
	if (!nb)
		return false;
	if (r->len)
		ring_peek(r, 0, nb, r->len);
	free(r->buf);
	r->buf = nb;
	r->cap = new_cap;
	r->head = 0;
	return true;
}

void ring_free_buf(struct ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
