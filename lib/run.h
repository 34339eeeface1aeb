/*
 * run.h - the loop around a program's core.
 *
 * A core is the protocol logic of one rung as a pure function: given one
 * packet and the time, it queues the packets to send and says whether it
 * dropped the one it was given.  It never touches the device, the clock or
 * the console.  run() supplies all three:
 *
 *   device mode   open the TUN/TAP device, print "ready", then poll() it,
 *                 read a batch of packets, one per read(), hand each to the
 *                 core, then write what the batch made the core queue;
 *                 until SIGINT or SIGTERM.
 *   replay mode   (--read FILE) take the packets from a pcap file instead,
 *                 with the clock read from their timestamps; exit at the end.
 *
 * Around the core it does --trace, --pcap, --user, the counters printed on
 * exit, and the faults of lib/fault.c (--loss, --dup, --reorder, --delay,
 * --rate): packets read pass them before the core, packets it sends after,
 * and the wait in poll() ends in time for the next packet they hold.  One thread, one poll(): no threads to reason about, and
 * no signal-driven I/O, which loses packets when the signal queue overflows.
 */
#ifndef TUNLAB_RUN_H
#define TUNLAB_RUN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "opts.h"
#include "ping.h"
#include "txq.h"

#define RUN_NO_DEADLINE UINT64_MAX

struct core {
	void *state;
	/* Once, before the first packet, with the link MTU. */
	void (*start)(void *state, int mtu, uint64_t now_ms, struct txq *tx);
	/* One packet in.  Queue replies in tx; return DROP_NONE, or why the
	 * packet was dropped. */
	enum drop (*input)(void *state, const uint8_t *pkt, size_t len,
			   uint64_t now_ms, struct txq *tx);
	/* Optional: run the timers due at now_ms and return the time of the
	 * next one, or RUN_NO_DEADLINE. */
	uint64_t (*tick)(void *state, uint64_t now_ms, struct txq *tx);
	/* The loop's clock, in microseconds, for a core that measures round
	 * trips (--ping): set before each input, tick and flush; monotonic
	 * on a device, the packet's time in replay.  now_ms is it / 1000. */
	uint64_t now_us;
	/* --ping (rungs 3-5): the pinger the core feeds (lib/ping.c).  The
	 * loop writes what it says to stdout, ends the run when it is done,
	 * and then prints its statistics and takes its exit status. */
	struct pinger *ping;
	/* What follows "ready <dev>" on the ready line, e.g. "10.10.10.1". */
	const char *ready_detail;
	/* The ready line (and replay's) goes to stderr, not stdout: for
	 * tcp_mini --connect, whose stdout carries the peer's bytes only. */
	bool ready_on_stderr;
	/* Optional: drops the core counted itself, DROP_COUNT of them, for
	 * packets it held and never sent (waiting for ARP, say).  Added to
	 * the summary. */
	const uint64_t *own_drops;

	/* The rest is optional too, and only tcp_mini uses it. */
	/* After each batch of inputs (and after tick): send what became due.
	 * A core that sends a lot does its output here, once per batch,
	 * rather than once per packet.  Returns true if it stopped because
	 * tx was full: the loop writes tx out and calls it again. */
	bool (*flush)(void *state, uint64_t now_ms, struct txq *tx);
	/* Descriptors besides the device (tcp_mini --connect: stdin and
	 * stdout): fill at most max entries with the events wanted now and
	 * return how many; after the wait, ready() gets them back with their
	 * revents.  Not used in replay. */
	int (*poll_fds)(void *state, struct pollfd *pfd, int max);
	void (*ready)(void *state, const struct pollfd *pfd, int n,
		      uint64_t now_ms, struct txq *tx);
	/* -1 while the core wants to go on; else the exit status, now. */
	int (*finished)(void *state);
	/* --trace: lines the core wrote about itself (a TCP state change)
	 * since the last call, or NULL.  The loop prints each with its time. */
	const char *(*take_log)(void *state);
};

/* Run the core as the options say.  Returns the exit status: 0 after a
 * signal or the end of a replay, 1 on a runtime failure; with a pinger,
 * its status (0 if a reply came, 1 if none did). */
int run(const struct prog *p, const struct opts *o, struct core *c);

#endif
