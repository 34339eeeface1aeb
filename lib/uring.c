/*
 * uring.c - the device through io_uring (uring.h), with the two system
 * calls made by number: libc has no wrapper for them.
 */
#include "uring.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WRITE_TAG	0xffffu		/* user_data of a write; a read's is
					 * its buffer's number */

static int enter(struct uring *u, unsigned submit, unsigned min_complete, unsigned flags,
		 const void *arg, size_t argsz)
{
	u->enters++;
	return (int)syscall(__NR_io_uring_enter, u->ring_fd, submit, min_complete, flags,
			    arg, argsz);
}

/* The next free submission, or NULL if the ring is full.  The kernel
 * reads submissions only inside io_uring_enter(), so the tail can move
 * at once; sq_pending counts those not yet handed over. */
static struct io_uring_sqe *next_sqe(struct uring *u)
{
	unsigned tail = *u->sq_tail;
	unsigned head = __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;

	if (tail - head > *u->sq_mask)
		return NULL;
	sqe = &u->sqes[tail & *u->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	u->sq_pending++;
	return sqe;
}

/* Hand over what is queued, without waiting. */
static void submit(struct uring *u)
{
	while (u->sq_pending) {
		int n = enter(u, u->sq_pending, 0, 0, NULL, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		u->sq_pending -= (unsigned)n;
	}
}

/* Take what the kernel completed: writes counted, reads kept for
 * uring_take(). */
static void reap(struct uring *u)
{
	unsigned head = *u->cq_head;
	unsigned tail = __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE);

	for (; head != tail; head++) {
		const struct io_uring_cqe *cqe = &u->cqes[head & *u->cq_mask];

		if (cqe->user_data == WRITE_TAG) {
			u->writes_out--;
			if (cqe->res < 0)
				u->write_errors++;
		} else if (cqe->res > 0 && u->done_n < URING_READS) {
			u->done_buf[u->done_n] = (uint16_t)cqe->user_data;
			u->done_res[u->done_n++] = cqe->res;
		} else {
			/* A failed read (EIO while the link is down): counted,
			 * and asked for again at the next wait. */
			u->read_errors++;
			uring_again(u, u->bufs + cqe->user_data * u->buf_size);
		}
	}
	__atomic_store_n(u->cq_head, head, __ATOMIC_RELEASE);
}

/* Ask for a read into buffer i. */
static void read_into(struct uring *u, unsigned i)
{
	struct io_uring_sqe *sqe = next_sqe(u);

	if (!sqe) {
		submit(u);
		sqe = next_sqe(u);
	}
	if (!sqe)
		return;		/* (cannot happen: submit() emptied it) */
	sqe->opcode = IORING_OP_READ;
	sqe->fd = u->dev_fd;
	sqe->addr = (uint64_t)(uintptr_t)(u->bufs + i * u->buf_size);
	sqe->len = (uint32_t)u->buf_size;
	sqe->off = (uint64_t)-1;	/* a stream: no offset */
	sqe->user_data = i;
}

int uring_open(struct uring *u, int dev_fd, size_t buf_size, char *err, size_t errlen)
{
	struct io_uring_params p;
	uint8_t *sq, *cq;
	unsigned i;

	memset(u, 0, sizeof(*u));
	memset(&p, 0, sizeof(p));
	u->dev_fd = dev_fd;
	u->buf_size = buf_size;
	u->ring_fd = (int)syscall(__NR_io_uring_setup, URING_ENTRIES, &p);
	if (u->ring_fd < 0) {
		snprintf(err, errlen, "--uring: io_uring_setup: %s%s", strerror(errno),
			 errno == EPERM || errno == ENOSYS ?
			 " (io_uring is off on this machine: see the sysctl "
			 "kernel.io_uring_disabled)" : "");
		return -1;
	}
	if (!(p.features & IORING_FEAT_EXT_ARG)) {
		snprintf(err, errlen, "--uring: this kernel's io_uring is too old "
			 "(no IORING_FEAT_EXT_ARG: Linux 5.11 or later is needed)");
		close(u->ring_fd);
		return -1;
	}
	/* The two rings and the submissions, shared with the kernel. */
	u->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	u->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	u->sqe_map_len = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sq_map = mmap(NULL, u->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			 u->ring_fd, IORING_OFF_SQ_RING);
	u->cq_map = mmap(NULL, u->cq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			 u->ring_fd, IORING_OFF_CQ_RING);
	u->sqes = mmap(NULL, u->sqe_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       u->ring_fd, IORING_OFF_SQES);
	u->bufs = malloc(URING_READS * buf_size);
	if (u->sq_map == MAP_FAILED || u->cq_map == MAP_FAILED || u->sqes == MAP_FAILED ||
	    !u->bufs) {
		snprintf(err, errlen, "--uring: mapping the rings: %s", strerror(errno));
		uring_close(u);
		return -1;
	}
	sq = u->sq_map;
	cq = u->cq_map;
	u->sq_head = (unsigned *)(sq + p.sq_off.head);
	u->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned *)(sq + p.sq_off.array);
	u->cq_head = (unsigned *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	u->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	/* Submission slot i is always the i-th entry: we fill them in order. */
	for (i = 0; i < p.sq_entries; i++)
		u->sq_array[i] = i;
	/* A read waits in the kernel for a frame; on a non-blocking
	 * descriptor it would come back at once with EAGAIN. */
	fcntl(dev_fd, F_SETFL, fcntl(dev_fd, F_GETFL) & ~O_NONBLOCK);
	for (i = 0; i < URING_READS; i++)
		read_into(u, i);
	submit(u);
	return 0;
}

int uring_wait(struct uring *u, const struct timespec *timeout, const sigset_t *mask)
{
	struct __kernel_timespec ts;
	struct io_uring_getevents_arg arg = {
		.sigmask = (uint64_t)(uintptr_t)mask, .sigmask_sz = _NSIG / 8,
	};
	int n;

	if (u->done_next < u->done_n) {		/* frames left: no wait */
		submit(u);
		return 0;
	}
	if (timeout) {
		ts.tv_sec = timeout->tv_sec;
		ts.tv_nsec = timeout->tv_nsec;
		arg.ts = (uint64_t)(uintptr_t)&ts;
	}
	n = enter(u, u->sq_pending, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
		  &arg, sizeof(arg));
	if (n >= 0)
		u->sq_pending -= (unsigned)n < u->sq_pending ? (unsigned)n : u->sq_pending;
	reap(u);
	if (n < 0 && errno != ETIME && errno != EBUSY)
		return -1;
	return 0;
}

uint8_t *uring_take(struct uring *u, size_t *len)
{
	unsigned i;

	if (u->done_next == u->done_n) {
		reap(u);	/* what completed since the wait */
		if (u->done_next == u->done_n)
			return NULL;
	}
	i = u->done_buf[u->done_next];
	*len = (size_t)u->done_res[u->done_next++];
	if (u->done_next == u->done_n)
		u->done_next = u->done_n = 0;
	return u->bufs + i * u->buf_size;
}

void uring_again(struct uring *u, uint8_t *buf)
{
	read_into(u, (unsigned)((size_t)(buf - u->bufs) / u->buf_size));
}

int uring_write(struct uring *u, const uint8_t *pkt, size_t len)
{
	struct io_uring_sqe *sqe = next_sqe(u);

	if (!sqe) {
		submit(u);
		if (!(sqe = next_sqe(u)))
			return -1;
	}
	sqe->opcode = IORING_OP_WRITE;
	sqe->fd = u->dev_fd;
	sqe->addr = (uint64_t)(uintptr_t)pkt;
	sqe->len = (uint32_t)len;
	sqe->off = (uint64_t)-1;
	sqe->user_data = WRITE_TAG;
	u->writes_out++;
	return 0;
}

unsigned uring_writes_done(struct uring *u)
{
	unsigned failed;

	while (u->writes_out) {
		int n = enter(u, u->sq_pending, 1, IORING_ENTER_GETEVENTS, NULL, 0);

		if (n < 0 && errno != EINTR && errno != EBUSY && errno != EAGAIN)
			break;
		if (n > 0)
			u->sq_pending -= (unsigned)n < u->sq_pending ? (unsigned)n : u->sq_pending;
		reap(u);
	}
	failed = u->write_errors;
	u->write_errors = 0;
	return failed;
}

void uring_close(struct uring *u)
{
	if (u->sqes && u->sqes != MAP_FAILED)
		munmap(u->sqes, u->sqe_map_len);
	if (u->cq_map && u->cq_map != MAP_FAILED)
		munmap(u->cq_map, u->cq_map_len);
	if (u->sq_map && u->sq_map != MAP_FAILED)
		munmap(u->sq_map, u->sq_map_len);
	free(u->bufs);
	if (u->ring_fd >= 0)
		close(u->ring_fd);
	memset(u, 0, sizeof(*u));
	u->ring_fd = -1;
}
