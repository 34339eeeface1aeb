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
 * The logic is in lib/icmp_host.c, because rungs 3 to 5 are this same host
 * behind Ethernet: this file only connects it to a TUN device.
 *
 * Run:   sudo ./icmp_reply/icmp_reply --trace
 *        sudo ip addr add 10.10.10.2/24 dev tun0 && sudo ip link set tun0 up
 *        ping 10.10.10.1      (10.10.10.3 gets no answer: not our address)
 * Lesson: lessons/02-icmp-reply.md
 */

#include "../lib/icmp_host.h"
#include "../lib/ipv4.h"
#include "../lib/opts.h"
#include "../lib/run.h"

static struct opts opts;	/* the command line, for start() */

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	(void)tx;
	icmp_host_init(state, opts.addr, mtu, now_ms);
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	return icmp_host_input(state, pkt, len, now_ms, tx);
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
	static struct icmp_host st;
	char addr[16];
	struct core core = { .state = &st, .start = start, .input = input };

	opts_parse(&prog, argc, argv, &opts);
	ipv4_addr_format(opts.addr, addr);
	core.ready_detail = addr;
	return run(&prog, &opts, &core);
}
