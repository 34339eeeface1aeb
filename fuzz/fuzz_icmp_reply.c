/*
 * fuzz_icmp_reply - rung 2's core, icmp_host_input() (lib/icmp_host.c), on
 * any run of packets with time passing.
 *
 * Input: records (fuzz.h), each a packet as a TUN device hands it over.
 * The host is started afresh for each input, as icmp_reply starts it:
 * address 10.10.10.1, MTU 1500.  The time steps drive the error rate
 * limit (10 at once, then one per 100 ms).
 *
 * Checks, after every packet:
 *   - the drop reason is a named one;
 *   - at most one packet queued, an echo reply only for DROP_NONE;
 *   - every packet sent passes fuzz_check_ipv4_out(): at most the MTU, a
 *     header that verifies, from our address to a single host, an echo
 *     reply or an ICMP error whose checksum verifies;
 *   - an ICMP error is never sent about an ICMP error (RFC 1122 3.2.2);
 *   - over the whole input, no more errors than the rate limit allows:
 *     10, plus one per 100 ms that passed.
 */
#include <stdlib.h>

#include "../lib/icmp.h"
#include "../lib/icmp_host.h"
#include "fuzz.h"

static struct icmp_host st;
static struct txq tx;			/* large: not on the stack */

/* An error we send quotes the datagram it is about: was that one an ICMP
 * error itself? */
static void check_not_about_error(const struct ipv4_hdr *ip)
{
	struct icmp_hdr icmp;
	const uint8_t *quote;
	size_t qhlen;

	FUZZ_CHECK(icmp_parse(ip->payload, ip->payload_len, &icmp) == DROP_NONE);
	if (!icmp_is_error(icmp.type))
		return;
	quote = icmp.data;
	FUZZ_CHECK(icmp.data_len >= IPV4_HDR_LEN);
	qhlen = (size_t)(quote[0] & 0x0f) * 4;
	FUZZ_CHECK(qhlen >= IPV4_HDR_LEN && qhlen <= icmp.data_len);
	if (quote[9] == IPV4_PROTO_ICMP) {
		/* Its type byte must have come, and not be an error's. */
		FUZZ_CHECK(icmp.data_len > qhlen);
		FUZZ_CHECK(!icmp_is_error(quote[qhlen]));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_record rec;
	uint64_t start_ms = 1000000, now_ms = start_ms, errors = 0;

	icmp_host_init(&st, FUZZ_OUR_ADDR, FUZZ_MTU, now_ms);
	while (fuzz_next(&in, &rec)) {
		struct ipv4_hdr ip;
		struct icmp_hdr icmp;
		enum drop why;

		now_ms += rec.dt_ms;
		fuzz_fix_ipv4(rec.pkt, rec.len, rec.flags);
		txq_clear(&tx);
		why = icmp_host_input(&st, rec.pkt, rec.len, now_ms, &tx);
		fuzz_check_drop(why);
		FUZZ_CHECK(tx.n <= 1);
		FUZZ_CHECK(why != DROP_NONE || tx.n == 1);	/* handled: answered */
		if (tx.n == 1) {
			fuzz_check_ipv4_out(txq_pkt(&tx, 0), tx.len[0], FUZZ_MTU, &ip);
			FUZZ_CHECK(ip.proto == IPV4_PROTO_ICMP);
			check_not_about_error(&ip);
			FUZZ_CHECK(icmp_parse(ip.payload, ip.payload_len, &icmp) == DROP_NONE);
			if (icmp.type == ICMP_TYPE_ECHO_REPLY)
				FUZZ_CHECK(why == DROP_NONE);
			else
				errors++;
		}
		FUZZ_CHECK(errors <= ICMP_HOST_ERROR_BURST +
				     (now_ms - start_ms) / ICMP_HOST_ERROR_INTERVAL_MS);
		free(rec.pkt);
	}
	return 0;
}
