/*
 * tcp_mini - rung 5: a small but real TCP (RFC 9293) that the Linux
 * kernel's own nc, socat and curl talk to as a peer.
 *
 * On top of rung 4's host (lib/ip_host.c: Ethernet, ARP, IPv4, ICMP,
 * fragments; lib/udp_host.c: UDP echo), this rung adds TCP:
 *
 *   - three servers: echo on --port (default 7, RFC 862), discard on 9
 *     (RFC 863), chargen on 19 (RFC 864);
 *   - a client: --connect A.B.C.D:PORT copies stdin to the connection and
 *     the connection to stdout, like nc; a half-close at the end of stdin;
 *     exit 0 once both directions are closed, 1 if refused or timed out;
 *   - every state of RFC 9293's diagram, both opens, both closes, RST;
 *   - MSS and window scaling (RFC 7323) so the window can pass 64 KB;
 *     retransmission with RFC 6298's timer, fast retransmit with NewReno's
 *     partial ACKs; data after a hole kept until the hole is filled;
 *     TIME-WAIT for 2*MSL (--msl).
 *
 * Left out on purpose (lessons/05-tcp-mini.md says why, and what lesson 06
 * adds): SACK and timestamps (never offered, so never agreed: each is a
 * second mechanism to get right, and a Linux peer works without them, if
 * slower under loss); congestion control (the peer is one hop away on a
 * virtual wire, and the windows share the TAP queue instead); urgent
 * data; path MTU discovery; IPv6.
 *
 * The files: see tcp_mini.h.  This one is the core the loop calls (input,
 * the output step once per batch, the timers) and main().
 *
 * Run:   sudo ./tcp_mini/tcp_mini --trace
 *        sudo ip addr add 10.10.10.2/24 dev tap0 && sudo ip link set tap0 up
 *        echo hello | nc -N 10.10.10.1 7
 * Lesson: lessons/05-tcp-mini.md
 */
#include "tcp_mini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/opts.h"
#include "../lib/run.h"
#include "../lib/udp_host.h"

void tcp_mini_init(struct tcp_mini *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t echo_port, int mtu, uint64_t seed, unsigned msl_s,
		   uint64_t now_ms, struct txq *tx)
{
	size_t i;

	for (i = 0; i < TCP_MAX_CONN; i++)	/* rings left from a last run */
		if (st->conn[i].state != TCP_CLOSED)
			tcp_free(st, &st->conn[i]);
	memset(st->conn, 0, sizeof(st->conn));
	ip_host_init(&st->host, mac, addr, mtu, now_ms, tx);
	st->last_hit = 0;
	st->echo_port = echo_port;
	st->mss_ours = mtu - IPV4_HDR_LEN - TCP_HDR_LEN;
	st->key[0] = seed * 0x9e3779b97f4a7c15ull + 1;
	st->key[1] = (seed ^ 0xd1b54a32d192ed03ull) * 0x9e3779b97f4a7c15ull;
	st->msl_ms = msl_s * 1000;
	st->mem_used = 0;
	st->half_open = 0;
	st->wnd_share = TCP_RX_QUEUE_BYTES;
	st->challenge_sec = 0;
	st->challenge_count = 0;
	st->client_slot = -1;
	st->stdin_eof = false;
	st->client_end = END_NONE;
	ring_free_buf(&st->client_rest);
	st->log_len = 0;
	st->log[0] = '\0';
}

/* --connect: OPEN, active.  The local port is an ephemeral one (RFC 6335's
 * range 49152-65535), picked from the seed so a run can be repeated. */
bool tcp_mini_connect(struct tcp_mini *st, uint32_t addr, uint16_t port,
		      uint64_t seed, uint64_t now_ms)
{
	uint16_t lport = (uint16_t)(49152 + (seed * 2654435761u) % 16384);
	struct tcp_conn *c;

	st->client = true;
	st->client_addr = addr;
	st->client_port = port;
	c = tcp_open(st, addr, port, lport, now_ms);
	if (!c)
		return false;
	st->client_slot = (int)(c - st->conn);
	return true;
}

enum drop tcp_mini_input(struct tcp_mini *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx)
{
	const uint8_t *pkt;
	struct ipv4_hdr ip;
	enum drop why;

	/* Ethernet, ARP, IPv4, reassembly, ICMP: rungs 2-4 (lib/ip_host.c). */
	why = ip_host_input(&st->host, frame, len, now_ms, tx, &pkt, &ip);
	if (why == DROP_NONE && pkt) {
		switch (ip.proto) {
		case IPV4_PROTO_TCP:
			why = tcp_input(st, &ip, now_ms, tx);
			break;
		case IPV4_PROTO_UDP:
			why = udp_host_input(&st->host, st->echo_port, pkt, &ip,
					     now_ms, tx);
			break;
		default:
			why = ip_host_unreachable(&st->host,
						  ICMP_CODE_PROTOCOL_UNREACHABLE,
						  DROP_IPV4_PROTOCOL_UNREACHABLE,
						  pkt, &ip, now_ms);
		}
	}
	ip_host_output(&st->host, now_ms, tx);
	return why;
}

/* The output step, once per batch: each connection's application moves
 * its bytes, then whatever became due is sent.  True if tx filled up
 * before every connection was done (the loop writes tx and calls again;
 * the connections already done have nothing left to send). */
bool tcp_mini_flush(struct tcp_mini *st, uint64_t now_ms, struct txq *tx)
{
	uint32_t open = 0;
	size_t i;

	/* Each connection's share of the device queue, for its window. */
	for (i = 0; i < TCP_MAX_CONN; i++)
		open += st->conn[i].state != TCP_CLOSED;
	st->wnd_share = TCP_RX_QUEUE_BYTES / (open ? open : 1);
	for (i = 0; i < TCP_MAX_CONN; i++) {
		struct tcp_conn *c = &st->conn[i];

		if (c->state == TCP_CLOSED)
			continue;
		tcp_app_run(st, c);
		if (c->state != TCP_CLOSED && !tcp_output(st, c, now_ms, tx)) {
			ip_host_output(&st->host, now_ms, tx);
			return true;
		}
	}
	ip_host_output(&st->host, now_ms, tx);
	return false;
}

uint64_t tcp_mini_tick(struct tcp_mini *st, uint64_t now_ms, struct txq *tx)
{
	uint64_t t = tcp_timers(st, now_ms);
	uint64_t h = ip_host_tick(&st->host, now_ms, tx);

	return t < h ? t : h;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
static struct tcp_mini st;
static struct opts opts;
static uint32_t connect_addr;
static uint16_t connect_port;
static bool said_end;

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	const char *isn = getenv("TUNLAB_TCP_ISN");

	tcp_mini_init(state, opts.mac, opts.addr, opts.port, mtu, opts.seed,
		      opts.msl, now_ms, tx);
	/* For the tests of sequence-number wraparound: every ISN this value
	 * (say 0xffff0000, 64 KB before 2^32).  Not for normal use. */
	if (isn) {
		st.isn_fixed = true;
		st.isn_base = (uint32_t)strtoul(isn, NULL, 0);
	}
	if (opts.connect && !tcp_mini_connect(&st, connect_addr, connect_port,
					      opts.seed, now_ms))
		st.client_end = END_REFUSED;
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	return tcp_mini_input(state, pkt, len, now_ms, tx);
}

static uint64_t tick(void *state, uint64_t now_ms, struct txq *tx)
{
	return tcp_mini_tick(state, now_ms, tx);
}

static bool flush(void *state, uint64_t now_ms, struct txq *tx)
{
	return tcp_mini_flush(state, now_ms, tx);
}

static const char *take_log(void *state)
{
	struct tcp_mini *s = state;

	if (s->log_len == 0)
		return NULL;
	s->log_len = 0;		/* the text stays until the next line */
	return s->log;
}

static struct tcp_conn *client_conn(void)
{
	return st.client_slot >= 0 ? &st.conn[st.client_slot] : NULL;
}

/* What is waiting for stdout: the connection's receive ring, or what it
 * left behind when it ended. */
static struct ring *client_out(void)
{
	struct tcp_conn *c = client_conn();

	return c ? &c->rcv : &st.client_rest;
}

/* --connect: read stdin while the send ring has room and the connection
 * can send; write stdout while the receive ring holds data. */
static int poll_fds(void *state, struct pollfd *pfd, int max)
{
	struct tcp_conn *c = client_conn();
	int n = 0;

	(void)state;
	if (max < 2)
		return 0;
	if (c && !st.stdin_eof && !c->fin_queued && ring_free(&c->snd) > 0 &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
		pfd[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (client_out()->len > 0)
		pfd[n++] = (struct pollfd){ .fd = STDOUT_FILENO, .events = POLLOUT };
	return n;
}

static void ready(void *state, const struct pollfd *pfd, int n,
		  uint64_t now_ms, struct txq *tx)
{
	struct tcp_conn *c = client_conn();
	uint8_t *p;
	ssize_t got;
	size_t room;
	int i;

	(void)state;
	(void)now_ms;
	(void)tx;
	for (i = 0; i < n; i++) {
		if (c && pfd[i].fd == STDIN_FILENO && pfd[i].revents) {
			room = ring_space(&c->snd, &p);
			got = read(STDIN_FILENO, p, room);
			if (got > 0)
				ring_commit(&c->snd, (size_t)got);
			else if (got == 0 || (errno != EAGAIN && errno != EINTR))
				st.stdin_eof = true;	/* CLOSE in apps.c */
		}
		if (pfd[i].fd == STDOUT_FILENO && pfd[i].revents) {
			struct ring *out = client_out();

			room = ring_data(out, &p);
			/* At most a pipe's worth, so the write can't block. */
			got = write(STDOUT_FILENO, p, room < 65536 ? room : 65536);
			if (got < 0 && errno != EAGAIN && errno != EINTR)
				got = (ssize_t)out->len;	/* stdout is gone */
			if (got > 0 && c)
				tcp_received(&st, c, (size_t)got);
			else if (got > 0)
				ring_drop(out, (size_t)got);
		}
	}
}

/* --connect: done when both directions are closed (TIME-WAIT, or CLOSED
 * after LAST-ACK) and stdout has everything; or when it failed. */
static int finished(void *state)
{
	struct tcp_conn *c = client_conn();
	enum tcp_end end = st.client_end;

	(void)state;
	if (!opts.connect)
		return -1;
	if (c && !(c->state == TCP_TIME_WAIT && c->rcv.len == 0))
		return -1;
	if (st.client_rest.len > 0)
		return -1;		/* stdout first */
	if (c)
		end = END_CLOSED;
	if (!said_end && end != END_CLOSED) {
		char peer[16];

		ipv4_addr_format(connect_addr, peer);
		fprintf(stderr, "tcp_mini: %s:%u: %s\n", peer, connect_port,
			end == END_REFUSED ? "connection refused" :
			end == END_TIMED_OUT ? "timed out" : "connection reset by peer");
	}
	said_end = true;
	return end == END_CLOSED ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "tcp_mini",
		.summary = "Rung 5: TCP (RFC 9293) on a TAP device: echo on --port, discard on 9,\n"
			   "chargen on 19, and a client with --connect; with rung 4's UDP echo.",
		.dev_type = DEV_TAP,
		.extra = OPT_ADDR | OPT_MAC | OPT_PORT | OPT_MSL | OPT_CONNECT,
		.default_port = 7,
	};
	char addr[16], mac[18], ready_line[64];
	struct core core = { .state = &st, .start = start, .input = input,
			     .tick = tick, .own_drops = st.host.drops,
			     .flush = flush, .take_log = take_log,
			     .finished = finished };

	opts_parse(&prog, argc, argv, &opts);
	if (opts.connect) {
		connect_addr = opts.connect_addr;
		connect_port = opts.connect_port;
		core.poll_fds = poll_fds;
		core.ready = ready;
	}
	ipv4_addr_format(opts.addr, addr);
	eth_addr_format(opts.mac, mac);
	snprintf(ready_line, sizeof(ready_line), "%s %s port %u", addr, mac, opts.port);
	core.ready_detail = ready_line;
	return run(&prog, &opts, &core);
}
#endif
