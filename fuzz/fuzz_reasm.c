/*
 * fuzz_reasm - reasm_add() on any run of fragments, with time passing and
 * reasm_expire() called as the programs call it.
 *
 * Input: records (fuzz.h), each an IPv4 packet; FUZZ_FIX_IP in a record's
 * flags computes its header checksum first.  Packets ipv4_parse() refuses,
 * and whole datagrams, are skipped: reasm_add() takes only fragments.
 * Before each packet the clock moves on by the record's time step and every
 * datagram whose time is up is expired, as udp_echo_tick() does.
 *
 * Checks:
 *   - reasm_add never reads or writes outside the packet, its 16 slots or
 *     the out buffer (ASan), and returns a named reason;
 *   - a datagram it completes is a whole datagram: its header parses, is
 *     not a fragment, has the Total Length reasm_add reported and the same
 *     source, destination, protocol and identification as the fragment
 *     that completed it; and that fragment's bytes are in it at their
 *     offset;
 *   - reasm_expire hands back at most 68 bytes: nothing, or the first
 *     fragment's header (version 4, IHL inside) and up to 8 payload bytes;
 *     once it says no more, no deadline is due, and none lies further than
 *     30 s ahead.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/reasm.h"
#include "fuzz.h"

static struct reasm r;			/* about 1 MB: not on the stack */
static uint8_t whole[IPV4_MAX_LEN];

static void check_complete(const struct ipv4_hdr *frag, size_t len)
{
	struct ipv4_hdr ip;

	FUZZ_CHECK(len <= sizeof(whole));
	FUZZ_CHECK(ipv4_parse(whole, len, &ip) == DROP_NONE);
	FUZZ_CHECK(ip.total_len == len);
	FUZZ_CHECK(!ipv4_is_fragment(&ip));
	FUZZ_CHECK(ip.src == frag->src && ip.dst == frag->dst &&
		   ip.proto == frag->proto && ip.id == frag->id);
	FUZZ_CHECK(frag->frag_offset + frag->payload_len <= ip.payload_len);
	FUZZ_CHECK(memcmp(ip.payload + frag->frag_offset, frag->payload,
			  frag->payload_len) == 0);
}

static void expire(uint64_t now_ms)
{
	uint8_t first[REASM_FIRST_MAX];
	size_t first_len, hlen;
	uint64_t next;

	while (reasm_expire(&r, now_ms, first, &first_len)) {
		FUZZ_CHECK(first_len <= REASM_FIRST_MAX);
		if (first_len == 0)
			continue;	/* the first fragment never came */
		FUZZ_CHECK(first_len >= IPV4_HDR_LEN && (first[0] >> 4) == 4);
		hlen = (size_t)(first[0] & 0x0f) * 4;
		FUZZ_CHECK(hlen >= IPV4_HDR_LEN && hlen <= first_len);
		FUZZ_CHECK(first_len - hlen <= 8);
	}
	next = reasm_next_deadline(&r);
	FUZZ_CHECK(next > now_ms);
	FUZZ_CHECK(next == UINT64_MAX || next <= now_ms + REASM_TIMEOUT_MS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_record rec;
	uint64_t now_ms = 1000000;	/* any start will do */

	reasm_init(&r);

	while (fuzz_next(&in, &rec)) {
		struct ipv4_hdr ip;
		enum drop why;
		size_t out_len = 1;	/* must be set by reasm_add */

		now_ms += rec.dt_ms;
		expire(now_ms);
		fuzz_fix_ipv4(rec.pkt, rec.len, rec.flags & FUZZ_FIX_IP);
		if (ipv4_parse(rec.pkt, rec.len, &ip) == DROP_NONE && ipv4_is_fragment(&ip)) {
			why = reasm_add(&r, rec.pkt, &ip, now_ms, whole, sizeof(whole), &out_len);
			fuzz_check_drop(why);
			if (why == DROP_NONE && out_len > 0)
				check_complete(&ip, out_len);
			else
				FUZZ_CHECK(out_len == 0);
		}
		free(rec.pkt);
	}
	return 0;
}
