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

#include "../lib/bytes.h"
#include "../lib/frag.h"
#include "../lib/opts.h"
#include "../lib/run.h"
#include "../lib/udp.h"

void udp_echo_init(struct udp_echo *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t port, int mtu, uint64_t now_ms, struct txq *tx)
{
	memset(st->drops, 0, sizeof(st->drops));
	eth_host_init(&st->link, mac, addr, st->drops);
	/* The IP layer may build replies up to the IPv4 maximum: step 5
	 * fragments them to the real MTU. */
	icmp_host_init(&st->ip, addr, IPV4_MAX_LEN, now_ms);
	reasm_init(&st->reasm);
	st->port = port;
	st->mtu = mtu;
	txq_clear(&st->ipq);
	eth_host_announce(&st->link, tx);
}

/* Echo a UDP datagram to its sender, or say the port is unreachable. */
static enum drop udp_input(struct udp_echo *st, const uint8_t *pkt,
			   const struct ipv4_hdr *ip, uint64_t now_ms)
{
	struct udp_hdr u, reply;
	struct ipv4_hdr out_ip = {
		.ttl = 64, .proto = IPV4_PROTO_UDP, .src = ip->dst, .dst = ip->src,
	};
	enum drop why;
	uint8_t *out;
	size_t n;

	why = udp_parse(ip->payload, ip->payload_len, ip->src, ip->dst, &u);
	if (why != DROP_NONE)
		return why;
	/* RFC 768: source port 0 means "no reply expected". */
	if (u.src_port == 0)
		return DROP_UDP_NO_SOURCE_PORT;
	if (u.dst_port != st->port)
		return icmp_host_error(&st->ip, ICMP_TYPE_DEST_UNREACHABLE,
				       ICMP_CODE_PORT_UNREACHABLE,
				       DROP_UDP_PORT_UNREACHABLE, pkt, ip, now_ms,
				       &st->ipq);
	/* RFC 862: "send back any data it receives", to where it came from. */
	out = txq_slot(&st->ipq);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	reply = u;
	reply.src_port = u.dst_port;
	reply.dst_port = u.src_port;
	/* The reply is never larger than the request (whose IP options, if
	 * any, it does not carry), so it always fits. */
	n = udp_emit(&reply, out_ip.src, out_ip.dst, out + IPV4_HDR_LEN,
		     PKT_BUF_SIZE - IPV4_HDR_LEN);
	out_ip.total_len = (uint16_t)(IPV4_HDR_LEN + n);
	out_ip.id = st->ip.next_id++;
	ipv4_emit(&out_ip, out, IPV4_HDR_LEN);
	txq_push(&st->ipq, IPV4_HDR_LEN + n);
	return DROP_NONE;
}

/* Step 5, for one fragment (or a datagram that fits): frame and send it. */
struct emit_ctx {
	struct udp_echo *st;
	uint64_t now_ms;
	struct txq *tx;
};

static void emit_fragment(void *ctx, const uint8_t *frag, size_t len)
{
	struct emit_ctx *e = ctx;

	eth_host_send(&e->st->link, frag, len, e->now_ms, e->tx);
}

static void output(struct udp_echo *st, uint64_t now_ms, struct txq *tx)
{
	struct emit_ctx ctx = { st, now_ms, tx };
	size_t i;

	for (i = 0; i < st->ipq.n; i++) {
		enum drop why = ipv4_fragment(txq_pkt(&st->ipq, i), st->ipq.len[i],
					      st->mtu, emit_fragment, &ctx);

		if (why != DROP_NONE)
			st->drops[why]++;
	}
	txq_clear(&st->ipq);
}

enum drop udp_echo_input(struct udp_echo *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx)
{
	const uint8_t *pkt;
	struct ipv4_hdr ip;
	size_t pkt_len, whole_len;
	enum drop why;

	/* 1. Ethernet and ARP. */
	why = eth_host_input(&st->link, frame, len, now_ms, tx, &pkt, &pkt_len,
			     &st->ip.link_broadcast);
	if (why != DROP_NONE || !pkt)
		return why;

	/* 2. The IPv4 header, and is it for us? */
	why = icmp_host_accept(&st->ip, pkt, pkt_len, &ip);
	if (why != DROP_NONE)
		return why;

	/* 3. A fragment waits for the rest; the last one makes it whole. */
	if (ipv4_is_fragment(&ip)) {
		why = reasm_add(&st->reasm, pkt, &ip, now_ms, st->whole,
				sizeof(st->whole), &whole_len);
		/* Datagrams pushed out of a full table, for the summary. */
		st->drops[DROP_REASM_EVICTED] = st->reasm.evicted;
		if (why != DROP_NONE || whole_len == 0)
			return why;
		pkt = st->whole;
		why = ipv4_parse(pkt, whole_len, &ip);
		if (why != DROP_NONE)	/* reasm_add writes a valid header */
			return why;
	}

	/* 4. Demultiplex on the protocol. */
	switch (ip.proto) {
	case IPV4_PROTO_ICMP:
		why = icmp_host_icmp(&st->ip, &ip, &st->ipq);
		break;
	case IPV4_PROTO_UDP:
		why = udp_input(st, pkt, &ip, now_ms);
		break;
	default:
		why = icmp_host_error(&st->ip, ICMP_TYPE_DEST_UNREACHABLE,
				      ICMP_CODE_PROTOCOL_UNREACHABLE,
				      DROP_IPV4_PROTOCOL_UNREACHABLE, pkt, &ip,
				      now_ms, &st->ipq);
	}

	/* 5. Fragment to the MTU, frame, send. */
	output(st, now_ms, tx);
	return why;
}

/* A reassembly that timed out: time exceeded to the sender, if its first
 * fragment told us who and what (RFC 1122 3.3.2: only then). */
static void reasm_timed_out(struct udp_echo *st, const uint8_t *first,
			    size_t first_len, uint64_t now_ms)
{
	struct ipv4_hdr ip;
	enum drop why;
	size_t hlen;

	st->drops[DROP_REASM_TIMEOUT]++;
	if (first_len < IPV4_HDR_LEN)
		return;
	/* first holds the header and 8 bytes, not the whole fragment, so it
	 * is read field by field rather than with ipv4_parse(). */
	hlen = (size_t)(first[0] & 0x0f) * 4;
	memset(&ip, 0, sizeof(ip));
	ip.ihl = (uint8_t)(first[0] & 0x0f);
	ip.proto = first[9];
	ip.src = get32(first + 12);
	ip.dst = get32(first + 16);
	ip.payload = first + hlen;
	ip.payload_len = first_len - hlen;
	/* The time out is counted above; an error that could not be sent
	 * (rate limit, RFC 1122 rules) is counted under its own reason. */
	st->ip.link_broadcast = false;
	why = icmp_host_error(&st->ip, ICMP_TYPE_TIME_EXCEEDED,
			      ICMP_CODE_REASSEMBLY_TIME_EXCEEDED, DROP_REASM_TIMEOUT,
			      first, &ip, now_ms, &st->ipq);
	if (why != DROP_REASM_TIMEOUT)
		st->drops[why]++;
}

uint64_t udp_echo_tick(struct udp_echo *st, uint64_t now_ms, struct txq *tx)
{
	uint8_t first[68];
	size_t first_len;
	uint64_t next, r;

	while (reasm_expire(&st->reasm, now_ms, first, &first_len))
		reasm_timed_out(st, first, first_len, now_ms);
	output(st, now_ms, tx);
	next = eth_host_tick(&st->link, now_ms, tx);
	r = reasm_next_deadline(&st->reasm);
	return r < next ? r : next;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
static struct udp_echo st;
static struct opts opts;	/* the command line, for start() */

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	udp_echo_init(state, opts.mac, opts.addr, opts.port, mtu, now_ms, tx);
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
		.extra = OPT_ADDR | OPT_MAC | OPT_PORT,
		.default_port = 7,
	};
	char addr[16], mac[18], ready[48];
	struct core core = { .state = &st, .start = start, .input = input,
			     .tick = tick, .own_drops = st.drops };

	opts_parse(&prog, argc, argv, &opts);
	ipv4_addr_format(opts.addr, addr);
	eth_addr_format(opts.mac, mac);
	snprintf(ready, sizeof(ready), "%s %s port %u", addr, mac, opts.port);
	core.ready_detail = ready;
	return run(&prog, &opts, &core);
}
#endif
