/*
 * udp_echo - rung 4: UDP, and datagrams larger than the link.
 *
 * The host of rungs 2 and 3 learns its first transport protocol and learns
 * to carry datagrams that don't fit in one frame:
 *
 *   - UDP (RFC 768, lib/udp.c): length and checksum (with the pseudo-header)
 *     checked; datagrams to --port (default 7) are echoed back byte for byte
 *     (the echo service, RFC 862); datagrams to any other port get ICMP
 *     destination unreachable, port unreachable (RFC 1122 3.2.2.1,
 *     4.1.3.1), which a client's socket reports as "connection refused";
 *   - reassembly (RFC 791 3.2, lib/reasm.c): fragments are collected until
 *     the datagram is whole; an incomplete one is dropped after 30 s and, if
 *     its first fragment came, answered with ICMP time exceeded, fragment
 *     reassembly time exceeded (RFC 792, RFC 1122 3.3.2);
 *   - fragmentation (RFC 791 2.3, lib/frag.c): anything we send that is
 *     larger than the MTU goes out in fragments, so `ping -s 4000` works and
 *     an 8000-byte datagram is echoed whole.
 *
 * The steps of input, in order:
 *   1. Ethernet and ARP (rung 3, lib/eth_host.c);
 *   2. the IPv4 header and the addresses (rung 2, icmp_host_accept());
 *   3. a fragment goes to reassembly, and on only when it completes a datagram;
 *   4. demultiplex on the protocol: ICMP (rung 2), UDP (here), else protocol
 *      unreachable;
 *   5. what the IP layer queued is fragmented to the MTU and framed.
 * Steps 1-3 and 5 are lib/ip_host.c, which tcp_mini shares; this file is
 * the UDP on top.
 *
 * Left out on purpose: no UDP sockets or other services; no path MTU
 * discovery (we never set DF); IP options are not processed.
 *
 * Run:   sudo ./udp_echo/udp_echo --trace
 *        sudo ip addr add 10.10.10.2/24 dev tap0 && sudo ip link set tap0 up
 *        echo hello | nc -u -w1 10.10.10.1 7;  ping -s 4000 10.10.10.1
 * Lesson: lessons/04-udp-echo.md
 */
#include "udp_echo.h"

#include <stdio.h>
#include <string.h>

#include "../lib/opts.h"
#include "../lib/run.h"
#include "../lib/udp_host.h"

void udp_echo_init(struct udp_echo *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t port, int mtu, uint64_t now_ms, struct txq *tx)
{
	ip_host_init(&st->host, mac, addr, mtu, now_ms, tx);
	st->port = port;
}

enum drop udp_echo_input(struct udp_echo *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx)
{
	const uint8_t *pkt;
	struct ipv4_hdr ip;
	enum drop why;

	/* 1-3. Ethernet, ARP, the IPv4 header, reassembly, and ICMP: the
	 * host of rungs 2 and 3 (lib/ip_host.c).  What comes back is a whole
	 * datagram to us, for another protocol. */
	why = ip_host_input(&st->host, frame, len, now_ms, tx, &pkt, &ip);
	if (why == DROP_NONE && pkt) {
		/* 4. Demultiplex on the protocol. */
		if (ip.proto == IPV4_PROTO_UDP)
			why = udp_host_input(&st->host, st->port, pkt, &ip,
					       now_ms, tx);
		else
			why = ip_host_unreachable(&st->host,
						  ICMP_CODE_PROTOCOL_UNREACHABLE,
						  DROP_IPV4_PROTOCOL_UNREACHABLE,
						  pkt, &ip, now_ms);
	}
	/* 5. What waited in the IP layer: fragment to the MTU, frame, send. */
	ip_host_output(&st->host, now_ms, tx);
	return why;
}

uint64_t udp_echo_tick(struct udp_echo *st, uint64_t now_ms, struct txq *tx)
{
	uint64_t next = ip_host_tick(&st->host, now_ms, tx);
	uint8_t head[ETH_HOST_UNREACH_LEN];
	size_t len;

	/* Replies ARP gave up on: counted (arp_resolve_failed); an echo
	 * server has nobody to tell. */
	while (ip_host_take_unreachable(&st->host, head, &len))
		;
	return next;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
static struct udp_echo st;
static struct opts opts;	/* the command line, for start() */
static struct pinger ping;	/* --ping */
static bool pinging;

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	udp_echo_init(state, opts.mac, opts.addr, opts.port, mtu, now_ms, tx);
	eth_host_route(&st.host.link, opts.prefix, opts.gateway);
	st.host.ip.ping = pinging ? &ping : NULL;
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	return udp_echo_input(state, pkt, len, now_ms, tx);
}

static uint64_t tick(void *state, uint64_t now_ms, struct txq *tx)
{
	return udp_echo_tick(state, now_ms, tx);
}

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "udp_echo",
		.summary = "Rung 4: UDP echo (RFC 862) on a TAP device, with IP fragmentation\n"
			   "and reassembly.",
		.dev_type = DEV_TAP,
		.extra = OPT_ADDR | OPT_MAC | OPT_PORT | OPT_ROUTE,
		.default_port = 7,
	};
	char addr[16], mac[18], ready[48];
	struct core core = { .state = &st, .start = start, .input = input,
			     .tick = tick, .own_drops = st.host.drops };

	opts_parse(&prog, argc, argv, &opts);
	pinging = ping_setup(&ping, &opts, &core);
	ipv4_addr_format(opts.addr, addr);
	eth_addr_format(opts.mac, mac);
	snprintf(ready, sizeof(ready), "%s %s port %u", addr, mac, opts.port);
	core.ready_detail = ready;
	return run(&prog, &opts, &core);
}
#endif
