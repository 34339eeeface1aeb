/*
 * uring.h - the device read and written through io_uring (lesson 07,
 * --uring): many frames for one system call.
 *
 * On this kind of machine a system call costs a microsecond or two before
 * it does anything (lesson 07 measures it), about as much as the work of
 * moving one small frame through a TAP device.  With one read() and one
 * write() per frame, half the time of a ping goes into getting in and out
 * of the kernel.  io_uring shares two rings with the kernel: we put
 * requests in one (a submission: "read the device into this buffer",
 * "write this frame"), it puts results in the other (a completion), and
 * one io_uring_enter() hands over any number of submissions and waits for
 * any number of completions.  So a batch of frames costs one call, not
 * one per frame.
 *
 * Here: URING_READS reads are always waiting on the device, each into its
 * own buffer; a completed one is taken, handed to the core, and asked for
 * again.  Writes are queued and handed over together, and waited for
 * before their buffer (the out queue) is used again.  libc has no
 * io_uring wrapper: the two system calls are made by number.
 */
#ifndef TUNLAB_URING_H
#define TUNLAB_URING_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define URING_READS	32		/* reads waiting on the device */
#define URING_ENTRIES	256		/* submissions at once */

struct uring {
	int ring_fd, dev_fd;
	size_t buf_size;
	uint8_t *bufs;			/* URING_READS buffers of buf_size */
	/* The submission ring, shared with the kernel. */
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	struct io_uring_sqe *sqes;
	unsigned sq_pending;		/* filled, not yet handed over */
	/* The completion ring. */
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	void *sq_map, *cq_map;
	size_t sq_map_len, cq_map_len, sqe_map_len;
	unsigned writes_out;		/* handed over, not yet completed */
	unsigned write_errors;		/* completed with an error */
	/* Reads completed, not yet taken: their buffer and result. */
	unsigned done_n, done_next;
	uint16_t done_buf[URING_READS];
	int32_t done_res[URING_READS];
	unsigned read_errors;
	uint64_t enters;		/* io_uring_enter() calls: the system
					 * calls the loop made for its frames */
};

/* Set up the rings on the device fd (made blocking: a read waits in the
 * kernel, not in our loop) and ask for the first reads.  Returns 0, or -1
 * with a message in err. */
int uring_open(struct uring *u, int dev_fd, size_t buf_size, char *err, size_t errlen);

/* Hand over what is queued and wait until a read has completed, the
 * timeout (NULL: none) has passed, or a signal not in mask came (-1,
 * EINTR).  Returns 0, or -1 with errno. */
int uring_wait(struct uring *u, const struct timespec *timeout, const sigset_t *mask);

/* The next completed read: its frame (*len bytes), or NULL if none is
 * left.  uring_again() gives the buffer back for the next read. */
uint8_t *uring_take(struct uring *u, size_t *len);
void uring_again(struct uring *u, uint8_t *buf);

/* Queue a write of pkt; the bytes must stay as they are until
 * uring_writes_done().  Returns 0, or -1 if the ring is full (the
 * caller hands over what is queued, then tries again). */
int uring_write(struct uring *u, const uint8_t *pkt, size_t len);

/* Hand over what is queued and wait for every write to complete.
 * Returns how many failed since the last call. */
unsigned uring_writes_done(struct uring *u);

void uring_close(struct uring *u);

#endif
