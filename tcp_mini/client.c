/*
 * client.c - tcp_mini --connect: stdin and stdout on one side, the client
 * connection's rings on the other, as nc does it.
 *
 * This is not part of the core: the core never touches a descriptor, so
 * that replay, the unit tests and the fuzzer can run it.  main() installs
 * the three functions below in the loop (lib/run.h), which calls them
 * around each poll():
 *
 *   stdin   read while the send ring has room and the connection may still
 *           send; its end is CLOSE, a half-close (apps.c).
 *   stdout  written while there are received bytes, and the ring gives up
 *           only what write() took: a reader that stops leaves the ring
 *           full, and the window we offer shuts, as a kernel socket's does
 *           when its application stops reading.
 *   the end once both directions are closed and stdout has every byte
 *           received: exit 0.  Refused, reset, unreachable, timed out, or
 *           stdout gone before it had everything: a message and exit 1.
 *
 * One loop does everything: ACKs, timers, ARP, ping, signals.  A write()
 * that blocks on a pipe whose reader sleeps would stop all of it, so stdin
 * and stdout are made non-blocking (O_NONBLOCK): a write takes what fits,
 * and the rest waits for the next POLLOUT.  That flag belongs to the open
 * file, which the shell and whoever else holds the same pipe or terminal
 * share, so it is put back at exit.  One exception: when stdin or stdout is
 * the same file as stderr (a terminal, "2>&1"), it stays blocking, because
 * a non-blocking stderr would lose --trace lines that stdio does not retry.
 * A write to it is then at most PIPE_BUF bytes, which a pipe takes without
 * blocking once poll() said POLLOUT.
 */
#include "tcp_mini.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/run.h"

static int saved_flags[2] = { -1, -1 };	/* stdin's and stdout's, for exit */
static bool nonblocking[2];
static bool stdout_gone;	/* its reader went away */
static size_t lost;		/* ... with these bytes still for it */
static bool said_end;

static struct tcp_conn *client_conn(struct tcp_mini *st)
{
	return st->client_slot >= 0 ? &st->conn[st->client_slot] : NULL;
}

/* What waits for stdout: the connection's receive ring, or what it left
 * behind when it ended (tcp_free). */
static struct ring *client_out(struct tcp_mini *st)
{
	struct tcp_conn *c = client_conn(st);

	return c ? &c->rcv : &st->client_rest;
}

/* --- the descriptors -------------------------------------------------- */

/* fd and stderr are the same file: one device and inode. */
static bool shares_stderr(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void make_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return;			/* closed: read() will say so */
	nonblocking[fd] = fl & O_NONBLOCK;
	if (nonblocking[fd] || shares_stderr(fd))
		return;
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0) {
		saved_flags[fd] = fl;
		nonblocking[fd] = true;
	}
}

static void restore_flags(void)
{
	int fd;

	for (fd = 0; fd < 2; fd++)
		if (saved_flags[fd] >= 0)
			fcntl(fd, F_SETFL, saved_flags[fd]);
}

/* --- the loop's three calls ------------------------------------------- */

/* Read stdin while the send ring has room and the connection can send;
 * write stdout while there is something for it. */
static int poll_fds(void *state, struct pollfd *pfd, int max)
{
	struct tcp_mini *st = state;
	struct tcp_conn *c = client_conn(st);
	int n = 0;

	if (max < 2)
		return 0;
	if (c && !st->stdin_eof && !c->fin_queued && ring_free(&c->snd) > 0 &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
		pfd[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (!stdout_gone && client_out(st)->len > 0)
		pfd[n++] = (struct pollfd){ .fd = STDOUT_FILENO, .events = POLLOUT };
	return n;
}

static void read_stdin(struct tcp_mini *st)
{
	struct tcp_conn *c = client_conn(st);
	uint8_t *p;
	size_t room;
	ssize_t got;

	if (!c || (room = ring_space(&c->snd, &p)) == 0)
		return;		/* (input, meanwhile, ended it) */
	got = read(STDIN_FILENO, p, room);
	if (got > 0)
		ring_commit(&c->snd, (size_t)got);
	else if (got == 0 || (errno != EAGAIN && errno != EINTR))
		st->stdin_eof = true;	/* CLOSE, in apps.c */
}

/*
 * stdout's reader went away (POLLERR on a pipe it closed, EPIPE, a
 * terminal that hung up): what was received can never be delivered.  A
 * kernel socket closed with data unread does not close politely either:
 * it resets the connection (RFC 2525 2.17), so that the peer learns at
 * once that its data was not taken.  We do the same.
 */
static void reader_gone(struct tcp_mini *st, uint64_t now_ms, struct txq *tx)
{
	struct tcp_conn *c = client_conn(st);

	stdout_gone = true;
	lost = client_out(st)->len;
	ring_free_buf(&st->client_rest);
	if (!c)
		return;
	if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT)
		tcp_send_rst(st, c->raddr, c->lport, c->rport, c->snd_max,
			     c->rcv_nxt, true, now_ms, tx);
	tcp_abort(st, c, END_RESET);
}

static void write_stdout(struct tcp_mini *st, short revents, uint64_t now_ms,
			 struct txq *tx)
{
	struct tcp_conn *c = client_conn(st);
	struct ring *out = client_out(st);
	uint8_t *p;
	size_t n;
	ssize_t got;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		reader_gone(st, now_ms, tx);
		return;
	}
	n = ring_data(out, &p);
	if (!nonblocking[STDOUT_FILENO] && n > PIPE_BUF)
		n = PIPE_BUF;	/* blocking: what a pipe takes at once */
	if (n == 0)
		return;
	got = write(STDOUT_FILENO, p, n);
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			reader_gone(st, now_ms, tx);	/* EPIPE, say */
		return;
	}
	/* Only what stdout took leaves the ring.  RECEIVE done: the window
	 * may open again (conn.c). */
	if (c)
		tcp_received(st, c, (size_t)got);
	else
		ring_drop(out, (size_t)got);
}

static void ready(void *state, const struct pollfd *pfd, int n,
		  uint64_t now_ms, struct txq *tx)
{
	struct tcp_mini *st = state;
	int i;

	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == STDIN_FILENO)
			read_stdin(st);
		else if (pfd[i].fd == STDOUT_FILENO)
			write_stdout(st, pfd[i].revents, now_ms, tx);
	}
}

/* The words the client ends with, as nc's for the same errno. */
static const char *end_text(enum tcp_end end)
{
	switch (end) {
	case END_REFUSED:		return "connection refused";
	case END_RESET:			return "connection reset by peer";
	case END_TIMED_OUT:		return "timed out";
	case END_UNREACHABLE:		return "no route to host";
	case END_PROTOCOL_ERROR:	return "protocol error";
	case END_NO_ARP:		return "no route to host (the next hop, the "
					       "host or the --gateway, did not answer ARP)";
	default:			return "closed";
	}
}

/* Done when both directions are closed (TIME-WAIT, or CLOSED after
 * LAST-ACK) and stdout has everything; or when it failed.  We do not wait
 * out TIME-WAIT's 2*MSL: the next run starts from a new random port, so
 * it is a new connection, whatever the peer remembers of this one. */
static int finished(void *state)
{
	struct tcp_mini *st = state;
	struct tcp_conn *c = client_conn(st);
	enum tcp_end end = st->client_end;
	char peer[16];

	if (c && !(c->state == TCP_TIME_WAIT && c->rcv.len == 0))
		return -1;
	if (st->client_rest.len > 0)
		return -1;		/* stdout first */
	if (c)
		end = END_CLOSED;
	if (!said_end && stdout_gone) {
		fprintf(stderr, "tcp_mini: stdout was closed with %zu bytes received "
			"still to write: connection reset\n", lost);
	} else if (!said_end && end != END_CLOSED) {
		ipv4_addr_format(st->client_addr, peer);
		fprintf(stderr, "tcp_mini: %s:%u: %s", peer, st->client_port,
			end_text(end));
		if (end == END_TIMED_OUT && st->client_error != END_NONE)
			fprintf(stderr, " (last error: %s)", end_text(st->client_error));
		fprintf(stderr, "\n");
	}
	said_end = true;
	return end == END_CLOSED && !stdout_gone ? 0 : 1;
}

void client_install(struct core *core)
{
	core->poll_fds = poll_fds;
	core->ready = ready;
	core->finished = finished;
	core->ready_on_stderr = true;	/* stdout is the peer's bytes only */
	/* A write to a pipe nobody reads raises SIGPIPE, which would end us
	 * mid-connection without a word to the peer; ignored, it is EPIPE,
	 * one more way stdout goes away. */
	signal(SIGPIPE, SIG_IGN);
	make_nonblocking(STDIN_FILENO);
	make_nonblocking(STDOUT_FILENO);
	atexit(restore_flags);
}
