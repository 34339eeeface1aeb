/*
 * fuzz_udp - udp_parse() on any bytes, and udp_emit() back.
 *
 * Input: one flags byte (FUZZ_FIX_L4: compute the UDP checksum first), the
 * source and destination IPv4 addresses of the pseudo-header (4 bytes
 * each), then the UDP datagram (an IPv4 payload).
 *
 * Checks:
 *   - udp_parse never reads past len (ASan); it refuses exactly what udp.h
 *     says, in that order: fewer than 8 bytes, a Length below 8 or beyond
 *     len, a non-zero checksum that does not verify;
 *   - accepted: data is the Length - 8 bytes after the header; udp_emit
 *     gives the same Length bytes back, but for the checksum: emit always
 *     computes one (where the datagram may have had 0, "none"), so that
 *     field is compared only when the datagram had one.  (Unlike IPv4 and
 *     ICMP, UDP has one form of zero only: a computed 0 is sent as 0xffff.)
 *     The emitted checksum verifies and is never 0; emit works the same
 *     with the data already in place (as udp_echo does); with one byte too
 *     little room it writes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/udp.h"
#include "fuzz.h"

#define PREFIX	9	/* flags, source, destination */

static uint16_t udp_sum(const uint8_t *buf, uint16_t len, uint32_t src, uint32_t dst)
{
	return cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_UDP, len),
				      buf, len));
}

static enum drop expected(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst)
{
	uint16_t ulen;

	if (len < UDP_HDR_LEN)
		return DROP_UDP_TRUNCATED;
	ulen = get16(buf + 4);
	if (ulen < UDP_HDR_LEN || ulen > len)
		return DROP_UDP_BAD_LENGTH;
	if (get16(buf + 6) != 0 && udp_sum(buf, ulen, src, dst) != 0)
		return DROP_UDP_BAD_CHECKSUM;
	return DROP_NONE;
}

/* Emit h into out (room for len bytes) and compare with the datagram buf. */
static void check_emitted(const uint8_t *buf, const uint8_t *out,
			  const struct udp_hdr *h, uint32_t src, uint32_t dst)
{
	struct udp_hdr again;
	uint16_t was = get16(buf + 6), now = get16(out + 6);

	FUZZ_CHECK(memcmp(out, buf, 6) == 0);
	FUZZ_CHECK(h->length <= UDP_HDR_LEN ||
		   memcmp(out + UDP_HDR_LEN, buf + UDP_HDR_LEN, h->length - UDP_HDR_LEN) == 0);
	FUZZ_CHECK(now != 0);
	FUZZ_CHECK(was == 0 || was == now);
	FUZZ_CHECK(udp_parse(out, h->length, src, dst, &again) == DROP_NONE);
	FUZZ_CHECK(again.length == h->length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct udp_hdr h, in_place;
	uint32_t src, dst;
	enum drop why;
	uint8_t *buf, *out;
	size_t len;

	if (size < PREFIX)
		return 0;
	src = get32(data + 1);
	dst = get32(data + 5);
	len = size - PREFIX;
	buf = fuzz_copy(data + PREFIX, len);
	if ((data[0] & FUZZ_FIX_L4) && len >= UDP_HDR_LEN &&
	    get16(buf + 4) >= UDP_HDR_LEN && get16(buf + 4) <= len) {
		uint16_t sum;

		put16(buf + 6, 0);
		sum = udp_sum(buf, get16(buf + 4), src, dst);
		put16(buf + 6, sum == 0 ? 0xffff : sum);
	}

	why = udp_parse(buf, len, src, dst, &h);
	FUZZ_CHECK(why == expected(buf, len, src, dst));
	if (why == DROP_NONE) {
		FUZZ_CHECK(h.data == buf + UDP_HDR_LEN);
		FUZZ_CHECK(h.data_len == (size_t)h.length - UDP_HDR_LEN);
		(void)cksum(h.data, h.data_len);	/* every byte inside? */

		out = malloc(h.length);
		if (!out)
			abort();
		FUZZ_CHECK(udp_emit(&h, src, dst, out, h.length - 1u) == 0);
		FUZZ_CHECK(udp_emit(&h, src, dst, out, h.length) == h.length);
		check_emitted(buf, out, &h, src, dst);

		/* Again with the data already where it goes. */
		memcpy(out, buf, h.length);
		in_place = h;
		in_place.data = out + UDP_HDR_LEN;
		FUZZ_CHECK(udp_emit(&in_place, src, dst, out, h.length) == h.length);
		check_emitted(buf, out, &h, src, dst);
		free(out);
	}
	free(buf);
	return 0;
}
