/*
 * fuzz_ipv4 - ipv4_parse() on any bytes, and ipv4_emit() back.
 *
 * Input: one flags byte (FUZZ_FIX_IP: compute the header checksum first),
 * then the packet.
 *
 * Checks:
 *   - ipv4_parse never reads past len (ASan), and its reason is an IPv4 one;
 *   - accepted: what ipv4.h promises: IHL >= 5, IHL*4 <= total length
 *     <= len, the payload inside the packet, the checksum verifying;
 *   - accepted with no options: ipv4_emit of the parsed header gives the
 *     same 20 bytes, with two exceptions a learner should know: the
 *     reserved flag bit (struct ipv4_hdr has no field for it, so emit
 *     writes 0) and the checksum's two forms of zero (0x0000 and 0xffff
 *     both verify when the other words sum to 0xffff; emit writes 0x0000);
 *     the emitted header parses to the same fields;
 *   - ipv4_is_host_source refuses exactly 0/8, 127/8 and 224/3;
 *   - ipv4_addr_format then ipv4_addr_parse gives the address back, and a
 *     string ipv4_addr_parse accepts formats and parses back to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/ipv4.h"
#include "fuzz.h"

#define RESERVED_FLAG	0x80	/* in byte 6: the bit before DF */

static void check_accepted(const uint8_t *buf, size_t len, const struct ipv4_hdr *h)
{
	size_t hlen = (size_t)h->ihl * 4;

	FUZZ_CHECK((buf[0] >> 4) == 4);
	FUZZ_CHECK(h->ihl >= 5);
	FUZZ_CHECK(hlen <= h->total_len && h->total_len <= len);
	FUZZ_CHECK(h->payload == buf + hlen);
	FUZZ_CHECK(h->payload_len == h->total_len - hlen);
	FUZZ_CHECK(cksum(buf, hlen) == 0);
	/* Read every payload byte: ASan complains if any lies outside. */
	(void)cksum(h->payload, h->payload_len);
}

/* Decode, encode, compare: the round trip for a header with no options. */
static void check_round_trip(const uint8_t *buf, size_t len, const struct ipv4_hdr *h)
{
	uint8_t *out = malloc(len);
	struct ipv4_hdr again;

	if (!out)
		abort();
	memcpy(out, buf, len);
	FUZZ_CHECK(ipv4_emit(h, out, IPV4_HDR_LEN - 1) == 0);	/* too small */
	FUZZ_CHECK(ipv4_emit(h, out, len) == IPV4_HDR_LEN);
	FUZZ_CHECK(memcmp(out, buf, 6) == 0);
	FUZZ_CHECK(out[6] == (buf[6] & ~RESERVED_FLAG));
	FUZZ_CHECK(memcmp(out + 7, buf + 7, 3) == 0);
	/* With the reserved bit dropped the checksum differs too; it must
	 * still verify, which ipv4_parse below checks. */
	if (!(buf[6] & RESERVED_FLAG))
		FUZZ_CHECK(get16(out + 10) == get16(buf + 10) ||
			   (get16(out + 10) == 0 && get16(buf + 10) == 0xffff));
	FUZZ_CHECK(memcmp(out + 12, buf + 12, 8) == 0);

	FUZZ_CHECK(ipv4_parse(out, len, &again) == DROP_NONE);
	FUZZ_CHECK(again.tos == h->tos && again.total_len == h->total_len &&
		   again.id == h->id && again.df == h->df && again.mf == h->mf &&
		   again.frag_offset == h->frag_offset && again.ttl == h->ttl &&
		   again.proto == h->proto && again.src == h->src &&
		   again.dst == h->dst && again.payload_len == h->payload_len);
	free(out);
}

static void check_addr(uint32_t addr)
{
	uint8_t first = (uint8_t)(addr >> 24);
	char s[16];
	uint32_t back;

	FUZZ_CHECK(ipv4_is_host_source(addr) ==
		   (first != 0 && first != 127 && first < 224));

	ipv4_addr_format(addr, s);
	FUZZ_CHECK(ipv4_addr_parse(s, &back) && back == addr);
}

/* The packet's first bytes as a string (the --addr option's parser). */
static void check_addr_string(const uint8_t *buf, size_t len)
{
	char s[24];
	uint32_t addr;
	size_t n = len < sizeof(s) - 1 ? len : sizeof(s) - 1;

	memcpy(s, buf, n);
	s[n] = '\0';
	if (ipv4_addr_parse(s, &addr))
		check_addr(addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_hdr h;
	enum drop why;
	uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	/* A block of its own, exactly the packet's size: see fuzz_next(). */
	len = size - 1;
	buf = fuzz_copy(data + 1, len);
	if (data[0] & FUZZ_FIX_IP)
		fuzz_fix_ipv4(buf, len, FUZZ_FIX_IP);

	why = ipv4_parse(buf, len, &h);
	FUZZ_CHECK(why == DROP_NONE || why == DROP_IPV4_TRUNCATED ||
		   why == DROP_IPV4_BAD_VERSION || why == DROP_IPV4_BAD_IHL ||
		   why == DROP_IPV4_BAD_TOTAL_LENGTH || why == DROP_IPV4_BAD_CHECKSUM);
	if (why == DROP_NONE) {
		check_accepted(buf, len, &h);
		if (h.ihl == 5)
			check_round_trip(buf, len, &h);
		check_addr(h.src);
		check_addr(h.dst);
		FUZZ_CHECK(ipv4_is_fragment(&h) == (h.mf || h.frag_offset != 0));
	}
	check_addr_string(buf, len);
	free(buf);
	return 0;
}
