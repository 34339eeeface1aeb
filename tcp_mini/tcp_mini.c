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
 *     the connection to stdout, like nc (client.c); a half-close at the
 *     end of stdin; exit 0 once both directions are closed and stdout has
 *     every byte, 1 if refused, reset, unreachable (ICMP: icmp_err.c) or
 *     timed out;
 *   - every state of RFC 9293's diagram, both opens, both closes, RST;
 *   - MSS and window scaling (RFC 7323) so the window can pass 64 KB; a
 *     receive window that never promises more than the ring holds, with
 *     receiver-side silly window avoidance;
 *   - retransmission with RFC 6298's timer, a persist timer for shut
 *     windows, fast retransmit with NewReno's partial ACKs; congestion
 *     control (RFC 5681: slow start, congestion avoidance, RFC 6928's
 *     initial window; cc.c); data after a hole kept until the hole is
 *     filled; TIME-WAIT for 2*MSL (--msl);
 *   - blind attacks (RFC 5961, RFC 6528): a secret ISN key, challenge
 *     ACKs limited per connection, old ACKs refused;
 *   - lesson 06, TCP on a bad network: SACK both ways (RFC 2018, D-SACK
 *     of RFC 2883, recovery by RFC 6675's pipe), RACK-TLP (RFC 8985),
 *     timestamps and PAWS (RFC 7323), CUBIC (RFC 9438) or NewReno or
 *     none (--cc); each can be switched off (--no-sack, --no-rack,
 *     --no-timestamps) to watch what it buys.
 *
 * Left out on purpose (lessons 05 and 06 say why): urgent data; path MTU
 * discovery; IPv6; TCP Fast Open; ECN.
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
#include "../lib/random.h"
#include "../lib/run.h"
#include "../lib/udp_host.h"
#include "../lib/vnet.h"

void tcp_mini_init(struct tcp_mini *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t echo_port, int mtu, uint64_t seed, unsigned msl_s,
		   uint64_t now_ms, struct txq *tx)
{
	uint8_t key[SIPHASH_KEY_LEN];
	size_t i;

	for (i = 0; i < TCP_MAX_CONN; i++)	/* rings left from a last run */
		if (st->conn[i].state != TCP_CLOSED)
			tcp_free(st, &st->conn[i]);
	memset(st->conn, 0, sizeof(st->conn));
	ip_host_init(&st->host, mac, addr, mtu, now_ms, tx);
	st->host.icmp_errors_up = true;	/* ICMP errors to us: icmp_err.c */
	st->last_hit = 0;
	st->echo_port = echo_port;
	st->mss_ours = mtu - IPV4_HDR_LEN - TCP_HDR_LEN;
	/* The ISN key from the seed, so that unit tests and the fuzzer
	 * repeat; main() replaces it with a secret one (start()). */
	tcp_mini_key_from_seed(seed, key);
	tcp_mini_set_key(st, key);
	st->msl_ms = msl_s * 1000;
	st->mem_used = 0;
	st->half_open = 0;
	st->wnd_share = TCP_RX_QUEUE_BYTES;
	st->syn_timeout_ms = TCP_SYN_TIMEOUT_MS;
	/* Lesson 05's TCP: lesson 06's additions off.  main() turns them on
	 * unless an option says not (--no-sack, --cc reno, ...); the unit
	 * tests and the fuzzer turn on what they test. */
	st->cc = &cc_reno;
	st->sack_on = false;
	st->ts_on = false;
	st->rack_on = false;
	st->syn_cookies = false;
	st->delayed_ack = false;
	st->nagle = false;
	st->start_ms = st->now_ms = now_ms;
	st->cookies_sent = st->cookies_ok = 0;
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
	struct icmp_hdr icmp;
	enum drop why;

	st->now_ms = now_ms;
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
		case IPV4_PROTO_ICMP:	/* an error, checked: ip_host_input */
			why = icmp_parse(ip.payload, ip.payload_len, &icmp);
			if (why == DROP_NONE)
				why = tcp_icmp_error(st, icmp.type, icmp.code,
						     icmp.data, icmp.data_len);
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

	st->now_ms = now_ms;

	/* Each connection's share of the device queue, for its window. */
	for (i = 0; i < TCP_MAX_CONN; i++)
		open += st->conn[i].state != TCP_CLOSED;
	st->wnd_share = TCP_RX_QUEUE_BYTES / (open ? open : 1);
	for (i = 0; i < TCP_MAX_CONN; i++) {
		struct tcp_conn *c = &st->conn[i];

		if (c->state == TCP_CLOSED)
			continue;
		tcp_app_run(st, c);
		/* Lesson 06: the ACK now or a little later; lost segments
		 * go again before new data. */
		tcp_ack_policy(st, c, now_ms);
		if (c->sent && !tcp_sack_output(st, c, now_ms, tx)) {
			ip_host_output(&st->host, now_ms, tx);
			return true;
		}
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
	uint64_t t = (st->now_ms = now_ms, tcp_timers(st, now_ms));
	uint64_t h = ip_host_tick(&st->host, now_ms, tx);
	uint8_t head[ETH_HOST_UNREACH_LEN];
	size_t len;

	/* A segment whose next hop never answered ARP: the connection hears
	 * of it as of an ICMP host unreachable (icmp_err.c), which ends a
	 * connect at once: "no route to host". */
	while (ip_host_take_unreachable(&st->host, head, &len))
		tcp_no_arp(st, head, len);
	return t < h ? t : h;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
static struct tcp_mini st;
static struct opts opts;
static uint64_t port_seed;	/* picks --connect's local port */
static uint8_t isn_key[SIPHASH_KEY_LEN];	/* the secret one, if any */
static bool isn_key_secret;
static struct pinger ping;	/* --ping */
static bool pinging;
static FILE *cc_log;		/* --cc-log */

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	const char *isn = getenv("TUNLAB_TCP_ISN");

	tcp_mini_init(state, opts.mac, opts.addr, opts.port, mtu, opts.seed,
		      opts.msl, now_ms, tx);
	eth_host_route(&st.host.link, opts.prefix, opts.gateway);
	st.host.ip.ping = pinging ? &ping : NULL;
	if (isn_key_secret)
		tcp_mini_set_key(&st, isn_key);
	/* For the tests of sequence-number wraparound: every ISN this value
	 * (say 0xffff0000, 64 KB before 2^32).  Not for normal use. */
	if (isn) {
		st.isn_fixed = true;
		st.isn_base = (uint32_t)strtoul(isn, NULL, 0);
	}
	/* RFC 9293 3.8.3: a SYN is tried for at least 3 minutes, unless
	 * --syn-timeout says less. */
	st.syn_timeout_ms = opts.syn_timeout * 1000;
	/* Lesson 06's switches, each on unless turned off. */
	st.syn_cookies = !opts.no_syn_cookies;
	st.cc = cc_find(opts.cc ? opts.cc : "cubic");
	if (!st.cc)
		st.cc = &cc_cubic;
	st.sack_on = !opts.no_sack;
	st.ts_on = !opts.no_timestamps;
	st.rack_on = !opts.no_rack;
	st.delayed_ack = !opts.no_delayed_ack;
	st.nagle = !opts.nodelay;
	st.cc_log = cc_log;
	if (opts.connect && !tcp_mini_connect(&st, opts.connect_addr,
					      opts.connect_port, port_seed, now_ms))
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

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "tcp_mini",
		.summary = "Rung 5: TCP (RFC 9293) on a TAP device: echo on --port, discard on 9,\n"
			   "chargen on 19, and a client with --connect; with rung 4's UDP echo.",
		.dev_type = DEV_TAP,
		.extra = OPT_ADDR | OPT_MAC | OPT_PORT | OPT_MSL | OPT_CONNECT | OPT_ROUTE |
			 OPT_TCP,
		.default_port = 7,
		.offload = VNET_OFF_CSUM | VNET_OFF_TSO4 | VNET_OFF_USO4,	/* lesson 07 */
	};
	char addr[16], mac[18], ready_line[64];
	int rc;
	struct core core = { .state = &st, .start = start, .input = input,
			     .tick = tick, .own_drops = st.host.drops,
			     .flush = flush, .take_log = take_log };

	opts_parse(&prog, argc, argv, &opts);
	pinging = ping_setup(&ping, &opts, &core);
	if (opts.cc_log) {
		cc_log = fopen(opts.cc_log, "w");
		if (!cc_log) {
			fprintf(stderr, "tcp_mini: --cc-log %s: %s\n", opts.cc_log,
				strerror(errno));
			return 1;
		}
		tcp_cc_log_header(cc_log);
	}
	/* RFC 6528's secret key: 128 bits from the kernel, so that one ISN
	 * seen tells nothing about another's (conn.c).  Unless the run is to
	 * repeat: --seed, or TUNLAB_TCP_ISN fixing every ISN. */
	if (!opts.seed_given && !getenv("TUNLAB_TCP_ISN")) {
		if (!random_bytes(isn_key, sizeof(isn_key))) {
			fprintf(stderr, "tcp_mini: no random bytes for the ISN key: %s "
				"(--seed N makes the key from N instead)\n", strerror(errno));
			return 1;
		}
		isn_key_secret = true;
	}
	/* RFC 6056: the local port of a connect should be hard to guess, so
	 * that an attacker off the path must guess it as well as the ISN to
	 * forge a segment; and a new one each run keeps a new connection off
	 * the four numbers the peer may still hold in TIME-WAIT from the last
	 * run.  --seed, given, picks it instead, so that a run can repeat. */
	port_seed = opts.seed;
	if (opts.connect && !opts.seed_given &&
	    !random_bytes(&port_seed, sizeof(port_seed))) {
		fprintf(stderr, "tcp_mini: no random bytes for the local port: %s "
			"(--seed N picks it from N instead)\n", strerror(errno));
		return 1;
	}
	if (opts.connect)
		client_install(&core);
	ipv4_addr_format(opts.addr, addr);
	eth_addr_format(opts.mac, mac);
	snprintf(ready_line, sizeof(ready_line), "%s %s port %u", addr, mac, opts.port);
	core.ready_detail = ready_line;
	rc = run(&prog, &opts, &core);
	if (cc_log && fclose(cc_log) != 0) {
		fprintf(stderr, "tcp_mini: --cc-log %s: %s\n", opts.cc_log, strerror(errno));
		rc = rc ? rc : 1;
	}
	if (st.cookies_sent)
		fprintf(stderr, "tcp_mini: syn_cookies sent %llu accepted %llu\n",
			(unsigned long long)st.cookies_sent,
			(unsigned long long)st.cookies_ok);
	return rc;
}
#endif
