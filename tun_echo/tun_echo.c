/*
 * tun_echo - rung 1: answer every ping routed into a TUN device.
 *
 * The kernel routes packets for 10.10.10.0/24 into tun0; we read each one as
 * a whole IPv4 packet.  For an ICMP echo request we turn it around in place:
 *
 *   - swap the source and destination addresses.  The IPv4 header checksum
 *     is a sum, and a sum doesn't care about order: it stays correct.
 *   - change the ICMP type from 8 (echo request) to 0 (echo reply), and fix
 *     the ICMP checksum for that one changed word with RFC 1624's
 *     incremental update, which is right for every checksum value (and
 *     one message whose other words are all zero needs a second look).
 *
 * Everything else is dropped and counted.  This is a reflector, not a host:
 * it answers for any address and trusts the rest of the request.  Rung 2
 * (icmp_reply) owns one address, validates every field and builds replies of
 * its own.
 *
 * Run:   sudo ./tun_echo/tun_echo --trace
 *        sudo ip addr add 10.10.10.2/24 dev tun0 && sudo ip link set tun0 up
 *        ping 10.10.10.1          (any address in 10.10.10.0/24 but .2 works)
 * Lesson: lessons/01-tun-echo.md
 */
#include "tun_echo.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/icmp.h"
#include "../lib/ipv4.h"
#include "../lib/opts.h"
#include "../lib/run.h"

/* Is every byte of the ICMP message but its checksum (bytes 2-3) zero? */
static bool all_zero_but_checksum(const uint8_t *icmp, size_t len)
{
	/* build-it 01.2 begin: find the one reply that needs checksum 0xffff */
	size_t i;

	for (i = 0; i < len; i++)
		if (icmp[i] != 0 && i != 2 && i != 3)
			return false;
	return true;
	/* build-it 01.2 end; the starter has: (void)icmp, (void)len; return false; */
}

enum drop tun_echo_input(const uint8_t *pkt, size_t len, struct txq *tx)
{
	/* build-it 01.1 begin: check the request, then turn it into a reply */
	struct ipv4_hdr ip;
	enum drop why;
	uint8_t *out, *icmp;
	size_t hlen;
	uint16_t old_word, hc;

	why = ipv4_parse(pkt, len, &ip);
	if (why != DROP_NONE)
		return why;
	if (ip.proto != IPV4_PROTO_ICMP)
		return DROP_IPV4_NOT_ICMP;
	/* Only a whole datagram starts with the ICMP header; rung 4
	 * reassembles fragments. */
	if (ipv4_is_fragment(&ip))
		return DROP_IPV4_FRAGMENT;
	if (ip.payload_len < ICMP_HDR_LEN)
		return DROP_ICMP_TRUNCATED;
	if (ip.payload[0] != ICMP_TYPE_ECHO_REQUEST || ip.payload[1] != 0)
		return DROP_ICMP_NOT_ECHO_REQUEST;

	out = txq_slot(tx);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	/* Copy the datagram, and only the datagram: ip.total_len, not len. */
	memcpy(out, pkt, ip.total_len);
	hlen = (size_t)ip.ihl * 4;

	memcpy(out + 12, pkt + 16, 4);	/* source      <- old destination */
	memcpy(out + 16, pkt + 12, 4);	/* destination <- old source */

	icmp = out + hlen;
	old_word = get16(icmp);		/* type and code: 0x0800 */
	icmp[0] = ICMP_TYPE_ECHO_REPLY;	/* now 0x0000 */
#ifndef TUN_ECHO_SHORTCUT
	hc = cksum_update16(get16(icmp + 2), old_word, get16(icmp));
	/* Equation 3 never gives 0xffff.  But when every other word of the
	 * reply is zero (identifier 0, sequence 0, no data) the data sum to +0,
	 * and the one checksum that verifies is ~(+0) = 0xffff: equation 3's
	 * 0x0000 would be refused.  (Found by fuzzing: fuzz/fuzz_tun_echo.c.) */
	if (hc == 0 && all_zero_but_checksum(icmp, ip.payload_len))
		hc = 0xffff;
	put16(icmp + 2, hc);
#else
	/* The wrong way, built only by 'make SHORTCUT=1' for lesson 01: the
	 * seed posts' *(unsigned short *)&buf[22] += 8, through memcpy() so
	 * that it is valid C.  It adds 8 to the field as this machine reads a
	 * short, and a carry out of 16 bits is lost: wrong for 8 checksums of
	 * 65536 on a little-endian machine, for every one on a big-endian. */
	(void)old_word, (void)all_zero_but_checksum;
	memcpy(&hc, icmp + 2, 2);
	hc = (uint16_t)(hc + 8);
	memcpy(icmp + 2, &hc, 2);
#endif

	txq_push(tx, ip.total_len);
	return DROP_NONE;
	/* build-it 01.1 end; the starter has:
	 *	(void)pkt, (void)len, (void)tx, (void)all_zero_but_checksum;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
/* The adapters the loop calls: tun_echo keeps no state and no timers. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	(void)state, (void)mtu, (void)now_ms, (void)tx;
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	(void)state, (void)now_ms;
	return tun_echo_input(pkt, len, tx);
}

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "tun_echo",
		.summary = "Rung 1: answer every ICMP echo request routed into a TUN device.",
		.dev_type = DEV_TUN,
	};
	struct opts o;
	struct core core = { .start = start, .input = input };

	opts_parse(&prog, argc, argv, &o);
	return run(&prog, &o, &core);
}
#endif
