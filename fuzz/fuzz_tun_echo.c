/*
 * fuzz_tun_echo - rung 1's core, tun_echo_input(), on any run of packets.
 *
 * Input: records (fuzz.h), each a packet as a TUN device hands it over (no
 * link header), cut to the 1500-byte MTU: a TUN device never delivers more
 * than its MTU, and tun_echo, a reflector, sends back what it got.  The
 * time steps are read but do not matter: tun_echo has no clock.
 *
 * Checks, after every packet:
 *   - the drop reason is a named one;
 *   - at most one reply, and only for DROP_NONE;
 *   - the reply is the request turned around: as long as the request's
 *     Total Length (not the bytes read after it), at most the MTU, a header
 *     that parses (the checksum still verifies after the address swap),
 *     source and destination swapped, everything else in the header
 *     unchanged, an echo reply with the request's code, identifier,
 *     sequence and data;
 *   - its ICMP checksum verifies exactly when the request's did: tun_echo
 *     trusts the request's checksum and updates it with RFC 1624, so a
 *     good one must stay good (and a bad one stays bad).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/icmp.h"
#include "../tun_echo/tun_echo.h"
#include "fuzz.h"

static struct txq tx;			/* large: not on the stack */

static void check_reply(const uint8_t *req, size_t req_len)
{
	const uint8_t *out = txq_pkt(&tx, 0);
	size_t len = tx.len[0], hlen;
	struct ipv4_hdr in_ip, out_ip;

	FUZZ_CHECK(ipv4_parse(req, req_len, &in_ip) == DROP_NONE);
	hlen = (size_t)in_ip.ihl * 4;
	FUZZ_CHECK(len == in_ip.total_len && len <= FUZZ_MTU);
	FUZZ_CHECK(ipv4_parse(out, len, &out_ip) == DROP_NONE);
	FUZZ_CHECK(out_ip.src == in_ip.dst && out_ip.dst == in_ip.src);
	/* The rest of the header, options included, as it came. */
	FUZZ_CHECK(memcmp(out, req, 12) == 0);
	FUZZ_CHECK(memcmp(out + 20, req + 20, hlen - 20) == 0);
	/* The ICMP message: type 0, the rest but the checksum unchanged. */
	FUZZ_CHECK(out[hlen] == ICMP_TYPE_ECHO_REPLY);
	FUZZ_CHECK(out[hlen + 1] == req[hlen + 1]);
	FUZZ_CHECK(memcmp(out + hlen + 4, req + hlen + 4, len - hlen - 4) == 0);
	FUZZ_CHECK((cksum(out + hlen, len - hlen) == 0) ==
		   (cksum(req + hlen, len - hlen) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_record rec;

	while (fuzz_next(&in, &rec)) {
		size_t len = rec.len < FUZZ_MTU ? rec.len : FUZZ_MTU;
		enum drop why;

		fuzz_fix_ipv4(rec.pkt, len, rec.flags);
		txq_clear(&tx);
		why = tun_echo_input(rec.pkt, len, &tx);
		fuzz_check_drop(why);
		FUZZ_CHECK(tx.n == (why == DROP_NONE ? 1u : 0u));
		if (tx.n == 1)
			check_reply(rec.pkt, len);
		free(rec.pkt);
	}
	return 0;
}
