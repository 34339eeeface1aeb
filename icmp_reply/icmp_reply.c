/*
 * icmp_reply - rung 2: an IPv4 host that owns one address and speaks ICMP.
 *
 * Where tun_echo reflects whatever arrives, icmp_reply behaves like a host
 * (RFC 1122):
 *
 *   - it validates the IPv4 header: version, IHL >= 5 and inside the packet,
 *     total length between the header length and the bytes read, header
 *     checksum (RFC 791 3.1; lib/ipv4.c);
 *   - it drops datagrams from a source that is not a single host
 *     (RFC 1122 3.2.1.3) and datagrams not addressed to it;
 *   - it drops fragments: rung 4 (udp_echo) reassembles them;
 *   - it validates the ICMP checksum and answers echo requests with a reply
 *     built from scratch: a new IPv4 header from us, TTL 64, no options;
 *     identifier, sequence and data copied (RFC 792, RFC 1122 3.2.2.6);
 *   - it answers any other protocol with ICMP destination unreachable,
 *     protocol unreachable (RFC 1122 3.2.2.1), quoting the offending IP
 *     header and 8 bytes of its data, at most 10 a second.
 *
 * Left out on purpose: IP options are not processed or echoed (RFC 1122
 * 3.2.2.6 says Record Route and Timestamp SHOULD be updated and returned);
 * ICMP timestamp and information requests are not answered.
 *
 * Run:   sudo ./icmp_reply/icmp_reply --trace
 *        sudo ip addr add 10.10.10.2/24 dev tun0 && sudo ip link set tun0 up
 *        ping 10.10.10.1      (10.10.10.3 gets no answer: not our address)
 * Lesson: lessons/02-icmp-reply.md
 */
#include "icmp_reply.h"

#include <stdio.h>

#include "../lib/ipv4.h"
#include "../lib/opts.h"
#include "../lib/run.h"

void icmp_reply_init(struct icmp_reply *st, uint32_t addr, int mtu, uint64_t now_ms)
{
	st->addr = addr;
	st->mtu = mtu;
	st->next_id = 1;
	icmp_ratelimit_init(&st->errors, ICMP_REPLY_ERROR_BURST,
			    ICMP_REPLY_ERROR_INTERVAL_MS, now_ms);
}

/* Queue an ICMP error about pkt, if RFC 1122 and the rate limit allow.
 * Returns why the offending packet was dropped. */
static enum drop send_error(struct icmp_reply *st, uint8_t type, uint8_t code,
			    enum drop why, const uint8_t *pkt,
			    const struct ipv4_hdr *ip, uint64_t now_ms, struct txq *tx)
{
	uint8_t *out;
	size_t len;

	if (!icmp_error_allowed(ip))
		return DROP_ICMP_ERROR_NOT_ALLOWED;
	if (!icmp_ratelimit_take(&st->errors, now_ms))
		return DROP_ICMP_ERROR_RATE_LIMITED;
	out = txq_slot(tx);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	len = icmp_build_error(type, code, st->addr, pkt, ip, st->next_id++,
			       out, PKT_BUF_SIZE);
	if (len == 0 || len > (size_t)st->mtu)	/* at most 20+8+60+8 bytes */
		return DROP_REPLY_EXCEEDS_MTU;
	txq_push(tx, len);
	return why;
}

enum drop icmp_reply_input(struct icmp_reply *st, const uint8_t *pkt, size_t len,
			   uint64_t now_ms, struct txq *tx)
{
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	enum drop why;
	uint8_t *out;
	size_t n;

	/* 1. The IPv4 header: every check that needs only the header. */
	why = ipv4_parse(pkt, len, &ip);
	if (why != DROP_NONE)
		return why;
	if (!ipv4_is_host_source(ip.src))
		return DROP_IPV4_BAD_SOURCE;
	if (ip.dst != st->addr)
		return DROP_IPV4_NOT_FOR_US;	/* a host doesn't forward */
	if (ipv4_is_fragment(&ip))
		return DROP_IPV4_FRAGMENT;

	/* 2. Demultiplex on the protocol: ICMP is the only one we speak. */
	if (ip.proto != IPV4_PROTO_ICMP)
		return send_error(st, ICMP_TYPE_DEST_UNREACHABLE,
				  ICMP_CODE_PROTOCOL_UNREACHABLE,
				  DROP_IPV4_PROTOCOL_UNREACHABLE, pkt, &ip, now_ms, tx);

	/* 3. ICMP: the checksum covers the whole message. */
	why = icmp_parse(ip.payload, ip.payload_len, &icmp);
	if (why != DROP_NONE)
		return why;
	if (icmp.type != ICMP_TYPE_ECHO_REQUEST || icmp.code != 0)
		return DROP_ICMP_NOT_ECHO_REQUEST;

	/* 4. The reply, built fresh in the out queue. */
	out = txq_slot(tx);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	n = icmp_build_echo_reply(&ip, &icmp, st->next_id, out, PKT_BUF_SIZE);
	/* A reply can only be as large as the request minus its options, so
	 * this fires only when --mtu is set below the device's. */
	if (n == 0 || n > (size_t)st->mtu)
		return DROP_REPLY_EXCEEDS_MTU;
	st->next_id++;
	txq_push(tx, n);
	return DROP_NONE;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	struct icmp_reply *st = state;

	(void)tx;
	icmp_reply_init(st, st->addr, mtu, now_ms);
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	return icmp_reply_input(state, pkt, len, now_ms, tx);
}

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "icmp_reply",
		.summary = "Rung 2: an IPv4 host on a TUN device that answers ping to its "
			   "address\nand sends ICMP errors.",
		.dev_type = DEV_TUN,
		.extra = OPT_ADDR,
	};
	static struct icmp_reply st;
	struct opts o;
	char addr[16];
	struct core core = { .state = &st, .start = start, .input = input };

	opts_parse(&prog, argc, argv, &o);
	st.addr = o.addr;
	ipv4_addr_format(o.addr, addr);
	core.ready_detail = addr;
	return run(&prog, &o, &core);
}
#endif
