/*
 * run.c - the device loop, replay, and everything around the core.
 *
 * Between the device and the core sits the bad wire of lib/fault.c
 * (--loss, --dup, --reorder, --delay, --rate): packets read go through its
 * "in" direction before the core sees them, and packets the core queued go
 * through its "out" direction before they are written.  So --trace and
 * --pcap show what the core really got, and what was really written, when.
 */
/* ppoll() needs _GNU_SOURCE, which the Makefile defines for every file. */
#include "run.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "fault.h"
#include "pcap.h"
#include "bytes.h"
#include "cksum.h"
#include "eth.h"
#include "ipv4.h"
#include "trace.h"
#include "uring.h"
#include "vnet.h"

/* How many packets to read after one poll() before looking at timers and
 * signals again: enough to amortise the poll() under load, few enough that a
 * flood cannot starve the timers. */
#define READ_BATCH 64

struct counters {
	uint64_t in, out;		/* packets the core saw / we wrote */
	uint64_t read_errors, write_errors;
	uint64_t drop[DROP_COUNT];
};

struct runner {
	const struct prog *p;
	const struct opts *o;
	struct core *c;
	enum dev_type type;
	int fd;				/* -1 in replay */
	bool uring;			/* --uring: reads and writes through
					 * io_uring (lib/uring.c) */
	struct uring ring;
	bool vnet;			/* every frame read and written has a
					 * virtio-net header in front (lesson
					 * 07): the offloads of tx.offload */
	struct pcap pcap;		/* --pcap, if f != NULL */
	uint64_t rng;			/* --loss draws, both ways */
	struct fault_dir fault[2];	/* FAULT_IN, FAULT_OUT */
	bool fault_more;		/* a fault besides --loss is on */
	uint64_t start_us;		/* for trace times */
	struct counters n;
	uint64_t own_seen[DROP_COUNT];	/* own_drops already traced */
	struct txq tx;
	uint8_t rx[PKT_BUF_SIZE];
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* --trace: one line for the frame in pkt, which has a virtio-net header
 * in front if the device has one. */
static void trace_one(const struct runner *r, uint64_t ts_us, const char *dir,
		      const uint8_t *pkt, size_t len)
{
	struct vnet_hdr vh;

	if (r->vnet && vnet_parse(pkt, len, &vh) == DROP_NONE)
		trace_packet_vnet(stderr, ts_us - r->start_us, dir, r->type,
				  pkt + VNET_HDR_LEN, len - VNET_HDR_LEN, &vh);
	else
		trace_packet(stderr, ts_us - r->start_us, dir, r->type, pkt, len);
}

/* Write one packet (or, in replay, just record it).  On a device with a
 * virtio-net header, pkt starts with it; --pcap records the frame only. */
static void send_one(struct runner *r, const uint8_t *pkt, size_t len, uint64_t ts_us)
{
	size_t skip = r->vnet ? VNET_HDR_LEN : 0;

	/* --uring: queued, handed over with the rest of the batch
	 * (flush_tx); a failure is counted when it completes. */
	if (r->uring && uring_write(&r->ring, pkt, len) < 0) {
		r->n.write_errors++;
		return;
	}
	if (!r->uring && r->fd >= 0 && write(r->fd, pkt, len) != (ssize_t)len) {
		/* EIO while the link is down, ENOBUFS or EAGAIN under load:
		 * the packet is lost, as on a wire. */
		r->n.write_errors++;
		if (r->o->trace) {
			int e = errno;

			trace_one(r, ts_us, "err", pkt, len);
			fprintf(stderr, "%12s not sent: %s%s\n", "", strerror(e),
				e == EIO ? " (is the link up?)" : "");
		}
		return;
	}
	if (r->o->trace)
		trace_one(r, ts_us, "out", pkt, len);
	if (r->pcap.f)
		pcap_write(&r->pcap, ts_us, pkt + skip, len - skip);
	r->n.out++;
}

/* Lesson 07: the virtio-net header of packet i of tx, written in the
 * headroom in front of it (lib/txq.h): what the core asks the kernel to
 * finish, a partial checksum and a segment that stands for many. */
static void put_vnet_hdr(struct txq *tx, size_t i, uint8_t *at)
{
	const uint8_t *frame = txq_pkt(tx, i);
	struct vnet_hdr h = { 0 };

	if (tx->csum_start[i]) {
		h.flags = VNET_F_NEEDS_CSUM;
		h.csum_start = tx->csum_start[i];
		h.csum_offset = tx->csum_offset[i];
	}
	if (tx->gso_size[i]) {
		h.gso_type = VNET_GSO_TCPV4;
		h.gso_size = tx->gso_size[i];
		/* Ethernet, IP and TCP headers: the TCP header's data offset
		 * says how long it is. */
		h.hdr_len = (uint16_t)(h.csum_start + (frame[h.csum_start + 12] >> 4) * 4);
	}
	vnet_put(at, &h);
}

/* Write what the core queued, through the "out" faults: each packet is
 * written at once (or twice, or not at all), or waits on the fault
 * timeline; then whatever there is due now goes out too.  Without faults
 * fault_push() says 1 and nothing is copied. */
static void flush_tx(struct runner *r, uint64_t ts_us)
{
	struct fault_dir *out = &r->fault[FAULT_OUT];
	const uint8_t *pkt;
	size_t i, len;

	for (i = 0; i < r->tx.n; i++) {
		unsigned copies;

		pkt = txq_pkt(&r->tx, i);
		len = r->tx.len[i];
		if (r->vnet) {	/* the header in the headroom: one write() */
			put_vnet_hdr(&r->tx, i, (uint8_t *)pkt - VNET_HDR_LEN);
			pkt -= VNET_HDR_LEN;
			len += VNET_HDR_LEN;
		}
		for (copies = fault_push(out, pkt, len, r->c->now_us); copies; copies--)
			send_one(r, pkt, len, ts_us);
	}
	/* --uring: every write done before the queue is used again. */
	if (r->uring)
		r->n.write_errors += uring_writes_done(&r->ring);
	txq_clear(&r->tx);
	while ((pkt = fault_pop_due(out, r->c->now_us, &len))) {
		send_one(r, pkt, len, ts_us);
		if (r->uring)	/* (the faults reuse the memory at the next pop) */
			r->n.write_errors += uring_writes_done(&r->ring);
	}
}

/* --trace: one "drop" line for each drop the core counted on its own since
 * the last call (a packet held for ARP and given up, a reassembly that timed
 * out): there is no input packet to put them next to. */
static void trace_own_drops(struct runner *r, uint64_t ts_us)
{
	int i;

	if (!r->o->trace || !r->c->own_drops)
		return;
	for (i = 1; i < DROP_COUNT; i++)
		for (; r->own_seen[i] < r->c->own_drops[i]; r->own_seen[i]++)
			trace_drop(stderr, ts_us - r->start_us, (enum drop)i);
}

static void make_room(struct runner *r, uint64_t ts_us);

/* Lesson 07: the virtio-net header in front of the frame read: checked
 * (a bad one is dropped and counted), then what it says is done.  A
 * partial TCP checksum stays as it is, for a core that is told not to
 * check it (tx.in_csum_ok); any other is finished here, as the device
 * would have, so that a core sees a frame as from a wire.  Returns the
 * frame's length, at pkt + VNET_HDR_LEN, or 0 with *why set. */
static size_t take_vnet_hdr(struct runner *r, uint8_t *pkt, size_t len,
			    struct vnet_hdr *h, enum drop *why)
{
	uint8_t *frame = pkt + VNET_HDR_LEN;

	*why = vnet_parse(pkt, len, h);
	if (*why != DROP_NONE)
		return 0;
	len -= VNET_HDR_LEN;
	r->tx.in_csum_ok = (h->flags & VNET_F_DATA_VALID) != 0;
	if ((h->flags & VNET_F_NEEDS_CSUM) && h->gso_type != VNET_GSO_UDP_L4) {
		if (h->csum_offset == 16) {	/* TCP's checksum field */
			r->tx.in_csum_ok = true;
		} else {
			vnet_csum_finish(frame, len, h);
			/* (done: a copy of it, --dup's, is not summed twice) */
			pkt[0] = (uint8_t)((h->flags & ~VNET_F_NEEDS_CSUM) | VNET_F_DATA_VALID);
			r->tx.in_csum_ok = true;
		}
	}
	return len;
}

/* The core's verdict on one frame: counted, and traced if a drop. */
static void verdict(struct runner *r, enum drop why, uint64_t ts_us)
{
	if (why != DROP_NONE) {
		r->n.drop[why]++;
		if (r->o->trace)
			trace_drop(stderr, ts_us - r->start_us, why);
	}
}

/* Lesson 07: a UDP frame that stands for many datagrams (USO, from a
 * sender that used UDP_SEGMENT): cut it as the sender's kernel would
 * have, each datagram with its own IP length, ID and checksum, its own
 * UDP length and checksum, and hand each to the core.  Headers that do
 * not say what the virtio-net header says are vnet_bad. */
static enum drop cut_udp(struct runner *r, const uint8_t *frame, size_t len,
			 const struct vnet_hdr *h, uint64_t ts_us, uint64_t now_ms)
{
	static uint8_t one[ETH_HDR_LEN + IPV4_MAX_LEN];
	const uint8_t *ip = frame + ETH_HDR_LEN;
	size_t l4 = h->csum_start, ihl, off, n;
	uint16_t id;
	uint8_t *ip1 = one + ETH_HDR_LEN, *udp1 = one + l4;

	if (len < ETH_HDR_LEN + 20)
		return DROP_VNET_BAD;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || ETH_HDR_LEN + ihl != l4 || len < l4 + 8 ||
	    ip[9] != IPV4_PROTO_UDP || get16(ip + 2) != len - ETH_HDR_LEN)
		return DROP_VNET_BAD;
	id = get16(ip + 4);
	memcpy(one, frame, l4 + 8);		/* Ethernet, IP and UDP headers */
	for (off = l4 + 8; off < len; off += n) {
		n = len - off < h->gso_size ? len - off : h->gso_size;
		memcpy(udp1 + 8, frame + off, n);
		put16(ip1 + 2, (uint16_t)(ihl + 8 + n));
		put16(ip1 + 4, id++);		/* the next ID for each */
		put16(ip1 + 10, 0);
		put16(ip1 + 10, cksum(ip1, ihl));
		put16(udp1 + 4, (uint16_t)(8 + n));
		put16(udp1 + 6, (uint16_t)cksum_pseudo_ipv4(get32(ip1 + 12), get32(ip1 + 16),
							    IPV4_PROTO_UDP, (uint16_t)(8 + n)));
		vnet_csum_finish(one, l4 + 8 + n, h);
		make_room(r, ts_us);	/* (as many replies as datagrams) */
		r->tx.in_csum_ok = true;
		verdict(r, r->c->input(r->c->state, one, l4 + 8 + n, now_ms, &r->tx), ts_us);
	}
	r->tx.in_csum_ok = false;
	return DROP_NONE;
}

/* One packet to the core: counted, recorded, traced, handed in.  On a
 * device with a virtio-net header, pkt starts with it; --pcap records
 * the frame as it came, a partial checksum as it was. */
static void deliver(struct runner *r, uint8_t *pkt, size_t len, uint64_t ts_us,
		    uint64_t now_ms)
{
	enum drop why = DROP_NONE;
	size_t skip = r->vnet ? VNET_HDR_LEN : 0;
	struct vnet_hdr vh = { 0 };

	make_room(r, ts_us);
	r->n.in++;
	if (r->pcap.f && len >= skip)
		pcap_write(&r->pcap, ts_us, pkt + skip, len - skip);
	if (r->o->trace)
		trace_one(r, ts_us, "in", pkt, len);
	r->tx.in_csum_ok = false;
	if (r->vnet) {
		len = take_vnet_hdr(r, pkt, len, &vh, &why);
		pkt += VNET_HDR_LEN;
	}
	if (why == DROP_NONE && vh.gso_type == VNET_GSO_UDP_L4 && len >= ETH_HDR_LEN &&
	    get16(pkt + 12) == ETH_TYPE_IPV4)	/* (IPv6: the core drops it) */
		why = cut_udp(r, pkt, len, &vh, ts_us, now_ms);
	else if (why == DROP_NONE)
		why = r->c->input(r->c->state, pkt, len, now_ms, &r->tx);
	r->tx.in_csum_ok = false;
	verdict(r, why, ts_us);
	trace_own_drops(r, ts_us);
}

/* The packet just read into rx, through the "in" faults: to the core at
 * once (or twice, or not at all), or later, from the timeline (see
 * take_due_input). */
static void handle(struct runner *r, uint8_t *pkt, size_t len, uint64_t ts_us,
		   uint64_t now_ms)
{
	unsigned copies = fault_push(&r->fault[FAULT_IN], pkt, len, r->c->now_us);

	for (; copies; copies--)
		deliver(r, pkt, len, ts_us, now_ms);
}

/* The packets read earlier whose time to reach the core has come. */
static void take_due_input(struct runner *r, uint64_t ts_us, uint64_t now_ms)
{
	uint8_t *pkt;
	size_t len;

	while ((pkt = fault_pop_due(&r->fault[FAULT_IN], r->c->now_us, &len)))
		deliver(r, pkt, len, ts_us, now_ms);
}

/* --trace: what the core said about itself, each line with the time. */
static void trace_log(struct runner *r, uint64_t ts_us)
{
	const char *text, *nl;
	uint64_t t = ts_us - r->start_us;

	if (!r->c->take_log || !(text = r->c->take_log(r->c->state)))
		return;
	if (!r->o->trace)
		return;
	for (; *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (!nl)
			break;
		fprintf(stderr, "%4llu.%06llu %.*s\n", (unsigned long long)(t / 1000000),
			(unsigned long long)(t % 1000000), (int)(nl - text), text);
	}
}

/* --ping: what the pinger said, on stdout at once. */
static void say_ping(struct runner *r)
{
	const char *text;

	if (r->c->ping && (text = pinger_take(r->c->ping))) {
		fputs(text, stdout);
		fflush(stdout);
	}
}

/* The end of a batch: the core's own output step, then everything goes
 * out.  A core whose output filled tx is called again once tx is written;
 * 64 rounds (16384 packets) at most, so that input is never starved. */
static void end_batch(struct runner *r, uint64_t ts_us, uint64_t now_ms)
{
	int round;

	for (round = 0; r->c->flush && round < 64; round++) {
		bool more = r->c->flush(r->c->state, now_ms, &r->tx);

		trace_own_drops(r, ts_us);
		trace_log(r, ts_us);
		flush_tx(r, ts_us);
		if (!more)
			break;
	}
	trace_log(r, ts_us);
	flush_tx(r, ts_us);
	say_ping(r);
}

static uint64_t tick(struct runner *r, uint64_t ts_us, uint64_t now_ms)
{
	uint64_t next;

	if (!r->c->tick)
		return RUN_NO_DEADLINE;
	next = r->c->tick(r->c->state, now_ms, &r->tx);
	trace_own_drops(r, ts_us);
	end_batch(r, ts_us, now_ms);
	/* A core with an output step may start a timer there (tcp_mini
	 * sends a SYN again and starts its retransmission timer): ask once
	 * more, so the wait ends in time for it.  Nothing is due twice. */
	if (r->c->flush) {
		next = r->c->tick(r->c->state, now_ms, &r->tx);
		trace_own_drops(r, ts_us);
		end_batch(r, ts_us, now_ms);
	}
	return next;
}

static void summary(const struct runner *r)
{
	const struct fault_counts *fi = &r->fault[FAULT_IN].n, *fo = &r->fault[FAULT_OUT].n;
	int i;

	fprintf(stderr, "%s: in %llu out %llu read_errors %llu write_errors %llu "
		"loss_in %llu loss_out %llu\n", r->p->name,
		(unsigned long long)r->n.in, (unsigned long long)r->n.out,
		(unsigned long long)r->n.read_errors,
		(unsigned long long)r->n.write_errors,
		(unsigned long long)fi->loss, (unsigned long long)fo->loss);
	/* The other faults' line only when one was asked for, so that the
	 * summary of a run without them stays what it always was. */
	if (r->fault_more)
		fprintf(stderr, "%s: faults dup_in %llu dup_out %llu reordered_in %llu "
			"reordered_out %llu delayed_in %llu delayed_out %llu "
			"queue_drop_in %llu queue_drop_out %llu overflow_in %llu "
			"overflow_out %llu\n", r->p->name,
			(unsigned long long)fi->dup, (unsigned long long)fo->dup,
			(unsigned long long)fi->reordered, (unsigned long long)fo->reordered,
			(unsigned long long)fi->delayed, (unsigned long long)fo->delayed,
			(unsigned long long)fi->queue_drop, (unsigned long long)fo->queue_drop,
			(unsigned long long)fi->overflow, (unsigned long long)fo->overflow);
	/* --uring: how many system calls its frames took. */
	if (r->uring)
		fprintf(stderr, "%s: uring enters %llu read_errors %u\n", r->p->name,
			(unsigned long long)r->ring.enters, r->ring.read_errors);
	for (i = 1; i < DROP_COUNT; i++) {
		uint64_t n = r->n.drop[i] + (r->c->own_drops ? r->c->own_drops[i] : 0);

		if (n)
			fprintf(stderr, "%s: drop %s %llu\n", r->p->name,
				drop_name((enum drop)i), (unsigned long long)n);
	}
}

/* --user: give up root for good once the device is open. */
static int drop_privileges(const char *name)
{
	struct passwd *pw = getpwnam(name);

	if (!pw) {
		fprintf(stderr, "--user: no user called '%s'\n", name);
		return -1;
	}
	/* Supplementary groups first, while we still may; then the group,
	 * then the user: after setuid() we could change neither. */
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "--user %s: cannot switch user (%s): this needs "
			"root\n", name, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		fprintf(stderr, "--user %s: root could be regained; refusing to go on\n",
			name);
		return -1;
	}
	return 0;
}

/* Where the ready line goes: stdout, unless stdout is the core's data
 * (the client's bytes, or what ping prints). */
static FILE *ready_out(const struct core *c)
{
	return c->ready_on_stderr || c->ping ? stderr : stdout;
}

/* A core that says it is done, with the exit status; or a pinger that is
 * (its status is taken at the end). */
static int finished(const struct core *c)
{
	if (c->finished)
		return c->finished(c->state);
	return c->ping && c->ping->done ? 0 : -1;
}

static int replay(struct runner *r)
{
	char err[256];
	struct pcap in;
	bool started = false;
	uint64_t ts_us, deadline = RUN_NO_DEADLINE;
	size_t len;
	int got = 0;

	if (pcap_open_read(&in, r->o->read_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", r->p->name, err);
		return 1;
	}
	if (in.linktype != (r->type == DEV_TUN ? PCAP_LINKTYPE_RAW : PCAP_LINKTYPE_ETHERNET)) {
		fprintf(stderr, "%s: %s has link type %u; this rung replays %s\n",
			r->p->name, r->o->read_path, in.linktype,
			r->type == DEV_TUN ? "LINKTYPE_RAW (101), as written by the TUN "
			"rungs' --pcap" : "LINKTYPE_ETHERNET (1), as written by the TAP "
			"rungs' --pcap");
		pcap_close(&in);
		return 1;
	}
	fprintf(ready_out(r->c), "ready replay %s\n", r->o->read_path);
	fflush(ready_out(r->c));

	while (!stop_signal &&
	       (got = pcap_read(&in, r->rx, sizeof(r->rx), &len, &ts_us, err,
				sizeof(err))) == 1) {
		uint64_t now_ms = ts_us / 1000;

		r->c->now_us = ts_us;
		if (!started) {
			r->start_us = ts_us;
			r->c->start(r->c->state, r->o->mtu ? r->o->mtu : 1500, now_ms, &r->tx);
			end_batch(r, ts_us, now_ms);
			started = true;
		}
		/* Timers that fall between two packets fire at their own time. */
		while (deadline <= now_ms) {
			uint64_t due = deadline;

			r->c->now_us = due * 1000;
			deadline = tick(r, due * 1000, due);
			if (deadline <= due)	/* a core must move its clock on */
				deadline = due + 1;
		}
		r->c->now_us = ts_us;
		handle(r, r->rx, len, ts_us, now_ms);
		end_batch(r, ts_us, now_ms);	/* in replay, a batch is one packet */
		if (finished(r->c) >= 0)
			break;
		if (r->c->tick)
			deadline = tick(r, ts_us, now_ms);
	}
	pcap_close(&in);
	if (got < 0) {
		fprintf(stderr, "%s: %s\n", r->p->name, err);
		return 1;
	}
	return 0;
}

/* Room in tx for whatever one more input can queue (a 64 KB datagram in
 * fragments and a slot besides), else write tx out now, mid-batch. */
static void make_room(struct runner *r, uint64_t ts_us)
{
	if (r->tx.n + 64 > TXQ_MAX || TXQ_BYTES - r->tx.used < 2 * (TXQ_HEADROOM + PKT_BUF_SIZE))
		flush_tx(r, ts_us);
}

#define MAX_CORE_FDS 4

/* When the fault timeline of either direction next has a packet due, or
 * FAULT_NONE. */
static uint64_t fault_due(const struct runner *r)
{
	uint64_t in = fault_next_due(&r->fault[FAULT_IN]);
	uint64_t out = fault_next_due(&r->fault[FAULT_OUT]);

	return in < out ? in : out;
}

/* The core is done (a --connect whose connection closed, say), but its
 * last packets, the final ACK among them, may still be on the slow wire
 * of --delay or --rate.  A real link would deliver them after the program
 * ended; here they go out before it ends, 10 s at most. */
static void let_out_last(struct runner *r, const sigset_t *wait_mask)
{
	uint64_t until = clock_us(CLOCK_MONOTONIC) + 10000000;

	while (!stop_signal) {
		uint64_t due = fault_next_due(&r->fault[FAULT_OUT]);
		uint64_t now = clock_us(CLOCK_MONOTONIC);
		struct timespec wait;

		if (due == FAULT_NONE || now >= until)
			return;
		if (due > now) {
			due = due < until ? due - now : until - now;
			wait.tv_sec = (time_t)(due / 1000000);
			wait.tv_nsec = (long)(due % 1000000) * 1000;
			ppoll(NULL, 0, &wait, wait_mask);
			continue;
		}
		r->c->now_us = now;
		flush_tx(r, clock_us(CLOCK_REALTIME));
	}
}

static int device_loop(struct runner *r, const sigset_t *wait_mask)
{
	struct pollfd pfd[1 + MAX_CORE_FDS];
	uint64_t deadline = 0;		/* the first round runs the timers */
	int status;

	while (!stop_signal) {
		uint64_t now_us = clock_us(CLOCK_MONOTONIC), now_ms = now_us / 1000, ts_us, due;
		struct timespec timeout, *tp = NULL;
		int i, nfds = 0;

		if ((status = finished(r->c)) >= 0) {
			let_out_last(r, wait_mask);
			return status;
		}
		if (deadline != RUN_NO_DEADLINE) {
			uint64_t wait = deadline > now_ms ? deadline - now_ms : 0;

			timeout.tv_sec = (time_t)(wait / 1000);
			timeout.tv_nsec = (long)(wait % 1000) * 1000000;
			tp = &timeout;
		}
		/* Wake in time for the next packet the faults hold, too, to
		 * the microsecond: at 100 Mbit/s a 1500-byte packet takes
		 * 120 us, and a wake-up per millisecond would send them in
		 * bursts the bottleneck is there to prevent. */
		if ((due = fault_due(r)) != FAULT_NONE) {
			uint64_t wait = due > now_us ? due - now_us : 0;

			if (!tp || wait < (uint64_t)timeout.tv_sec * 1000000 +
					  (uint64_t)timeout.tv_nsec / 1000) {
				timeout.tv_sec = (time_t)(wait / 1000000);
				timeout.tv_nsec = (long)(wait % 1000000) * 1000;
				tp = &timeout;
			}
		}
		pfd[0] = (struct pollfd){ .fd = r->fd, .events = POLLIN };
		if (r->c->poll_fds)
			nfds = r->c->poll_fds(r->c->state, pfd + 1, MAX_CORE_FDS);
		/* SIGINT and SIGTERM are blocked except inside ppoll(), so a
		 * signal can't slip in between the check above and the wait.
		 * (--uring: its wait takes the same mask.) */
		if (r->uring) {
			if (uring_wait(&r->ring, tp, wait_mask) < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, "%s: io_uring: %s\n", r->p->name, strerror(errno));
				return 1;
			}
			pfd[0].revents = 0;
		} else if (ppoll(pfd, (nfds_t)(1 + nfds), tp, wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", r->p->name, strerror(errno));
			return 1;
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			fprintf(stderr, "%s: %s went away (deleted?)\n", r->p->name, r->o->dev);
			return 1;
		}
		/* One batch: the clock is read once for all of it. */
		ts_us = clock_us(CLOCK_REALTIME);
		r->c->now_us = clock_us(CLOCK_MONOTONIC);
		now_ms = r->c->now_us / 1000;
		for (i = 0; r->uring && i < READ_BATCH; i++) {
			size_t n;
			uint8_t *buf = uring_take(&r->ring, &n);

			if (!buf)
				break;
			handle(r, buf, n, ts_us, now_ms);
			uring_again(&r->ring, buf);
		}
		for (i = 0; i < READ_BATCH && (pfd[0].revents & POLLIN); i++) {
			/* One read() is one packet, and the buffer holds the
			 * largest there can be. */
			ssize_t n = read(r->fd, r->rx, sizeof(r->rx));

			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				r->n.read_errors++;
				if (errno == EIO || errno == ENOBUFS || errno == ENOMEM)
					break;
				fprintf(stderr, "%s: read %s: %s\n", r->p->name,
					r->o->dev, strerror(errno));
				return 1;
			}
			handle(r, r->rx, (size_t)n, ts_us, now_ms);
		}
		take_due_input(r, ts_us, now_ms);
		if (nfds > 0)
			r->c->ready(r->c->state, pfd + 1, nfds, now_ms, &r->tx);
		end_batch(r, ts_us, now_ms);
		if (r->c->tick)
			deadline = tick(r, ts_us, now_ms);
		/* Once per batch, so that tcpdump -r can read the file while
		 * we run, and a kill -9 loses at most one batch. */
		if (r->pcap.f)
			fflush(r->pcap.f);
	}
	return 0;
}

/* A fault besides --loss: the summary gets a second line for them. */
static bool more_than_loss(const struct fault_cfg *f)
{
	return f->dup > 0 || fault_cfg_queues(f);
}

int run(const struct prog *p, const struct opts *o, struct core *c)
{
	static struct runner r;	/* big buffers: not on the stack */
	struct sigaction sa;
	sigset_t block, wait_mask;
	char err[512];
	int rc, mtu;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.o = o;
	r.c = c;
	r.type = p->dev_type;
	r.fd = -1;
	r.rng = o->seed ? o->seed : 0x9e3779b97f4a7c15ull;	/* xorshift needs non-zero */
	if (fault_init(&r.fault[FAULT_IN], &o->fault[FAULT_IN], o->seed, FAULT_IN, &r.rng) < 0 ||
	    fault_init(&r.fault[FAULT_OUT], &o->fault[FAULT_OUT], o->seed, FAULT_OUT, &r.rng) < 0) {
		fprintf(stderr, "%s: no memory for the fault queues\n", p->name);
		fault_free(&r.fault[FAULT_IN]);
		return 1;
	}
	r.fault_more = more_than_loss(&o->fault[FAULT_IN]) || more_than_loss(&o->fault[FAULT_OUT]);

	/* Signals: handled only while waiting in ppoll() (see device_loop). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);

	if (!o->read_path) {
		/* Lesson 07: on a TAP device, the offloads the program can
		 * use, unless --no-offload; whatever the kernel takes. */
		if (p->dev_type == DEV_TAP && p->offload && !o->no_offload) {
			r.fd = dev_open_vnet(o->dev, p->offload, &r.tx.offload, err,
					     sizeof(err));
			r.vnet = r.fd >= 0;
		} else {
			r.fd = dev_open(o->dev, p->dev_type, err, sizeof(err));
		}
		if (r.fd < 0) {
			fprintf(stderr, "%s: %s\n", p->name, err);
			return 1;
		}
	}
	if (r.fd >= 0 && o->uring) {
		if (uring_open(&r.ring, r.fd, sizeof(r.rx), err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", p->name, err);
			rc = 1;
			goto out;
		}
		r.uring = true;
	}
	if (o->pcap_path &&
	    pcap_open_write(&r.pcap, o->pcap_path,
			    p->dev_type == DEV_TUN ? PCAP_LINKTYPE_RAW : PCAP_LINKTYPE_ETHERNET) < 0) {
		fprintf(stderr, "%s: --pcap %s: %s\n", p->name, o->pcap_path, strerror(errno));
		rc = 1;
		goto out;
	}
	if (o->user && drop_privileges(o->user) < 0) {
		rc = 1;
		goto out;
	}

	if (o->read_path) {
		sigprocmask(SIG_SETMASK, &wait_mask, NULL);	/* replay: no ppoll */
		rc = replay(&r);
	} else {
		mtu = o->mtu ? o->mtu : dev_mtu(o->dev);
		if (mtu < 68)
			mtu = 1500;
		dev_wait_running(o->dev, 1500);	/* before the first frame out */
		r.start_us = clock_us(CLOCK_REALTIME);
		c->now_us = clock_us(CLOCK_MONOTONIC);
		c->start(c->state, mtu, c->now_us / 1000, &r.tx);
		fprintf(ready_out(c), "ready %s%s%s\n", o->dev, c->ready_detail ? " " : "",
			c->ready_detail ? c->ready_detail : "");
		fflush(ready_out(c));
		end_batch(&r, r.start_us, clock_us(CLOCK_MONOTONIC) / 1000);
		rc = device_loop(&r, &wait_mask);
	}
	if (c->ping) {		/* the statistics, even after SIGINT */
		pinger_finish(c->ping);
		say_ping(&r);
		if (rc == 0)
			rc = pinger_status(c->ping);
	}
	summary(&r);
out:
	fault_free(&r.fault[FAULT_IN]);
	fault_free(&r.fault[FAULT_OUT]);
	if (r.pcap.f)
		pcap_close(&r.pcap);
	if (r.uring)
		uring_close(&r.ring);
	if (r.fd >= 0)
		close(r.fd);
	return rc;
}
