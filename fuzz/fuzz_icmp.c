/*
 * fuzz_icmp - icmp_parse() on any bytes, icmp_emit() back, and the echo
 * reply built from what was parsed.
 *
 * Input: one flags byte (FUZZ_FIX_L4: compute the ICMP checksum first),
 * then the ICMP message (an IPv4 payload).
 *
 * Checks:
 *   - icmp_parse never reads past len (ASan); it refuses only fewer than 8
 *     bytes or a checksum that does not verify;
 *   - accepted: icmp_emit gives the same bytes back, but for the checksum's
 *     two forms of zero (see fuzz_ipv4.c), and what it emits verifies;
 *     with one byte too little room it writes nothing;
 *   - icmp_build_echo_reply to it, from a fixed request header, is a valid
 *     IPv4 + ICMP echo reply with the same identifier, sequence and data.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/icmp.h"
#include "fuzz.h"

static void check_round_trip(const uint8_t *buf, size_t len, const struct icmp_hdr *h)
{
	uint8_t *out = malloc(len);
	struct icmp_hdr again;

	if (!out)
		abort();
	FUZZ_CHECK(icmp_emit(h, out, len - 1) == 0);
	FUZZ_CHECK(icmp_emit(h, out, len) == len);
	FUZZ_CHECK(memcmp(out, buf, 2) == 0);
	FUZZ_CHECK(get16(out + 2) == get16(buf + 2) ||
		   (get16(out + 2) == 0 && get16(buf + 2) == 0xffff));
	FUZZ_CHECK(memcmp(out + 4, buf + 4, len - 4) == 0);
	FUZZ_CHECK(icmp_parse(out, len, &again) == DROP_NONE);
	free(out);
}

static void check_echo_reply(const struct icmp_hdr *h)
{
	/* The request's header: from a peer to us. */
	struct ipv4_hdr req = {
		.ihl = 5, .total_len = (uint16_t)(IPV4_HDR_LEN + ICMP_HDR_LEN + h->data_len),
		.ttl = 64, .proto = IPV4_PROTO_ICMP,
		.src = IPV4_ADDR(10, 10, 10, 2), .dst = FUZZ_OUR_ADDR,
	};
	size_t cap = IPV4_HDR_LEN + ICMP_HDR_LEN + h->data_len;
	uint8_t *out = malloc(cap);
	struct ipv4_hdr ip;
	struct icmp_hdr reply;
	size_t n;

	if (!out)
		abort();
	FUZZ_CHECK(icmp_build_echo_reply(&req, h, 7, out, cap - 1) == 0);
	n = icmp_build_echo_reply(&req, h, 7, out, cap);
	if (cap > IPV4_MAX_LEN) {	/* no IPv4 datagram is that long */
		FUZZ_CHECK(n == 0);
		free(out);
		return;
	}
	FUZZ_CHECK(n == cap);
	FUZZ_CHECK(ipv4_parse(out, n, &ip) == DROP_NONE);
	FUZZ_CHECK(ip.src == req.dst && ip.dst == req.src && ip.id == 7);
	FUZZ_CHECK(icmp_parse(ip.payload, ip.payload_len, &reply) == DROP_NONE);
	FUZZ_CHECK(reply.type == ICMP_TYPE_ECHO_REPLY && reply.code == 0);
	FUZZ_CHECK(reply.id == h->id && reply.seq == h->seq);
	FUZZ_CHECK(reply.data_len == h->data_len);
	FUZZ_CHECK(h->data_len == 0 || memcmp(reply.data, h->data, h->data_len) == 0);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_hdr h;
	enum drop why;
	uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = fuzz_copy(data + 1, len);
	if ((data[0] & FUZZ_FIX_L4) && len >= ICMP_HDR_LEN) {
		put16(buf + 2, 0);
		put16(buf + 2, cksum(buf, len));
	}

	why = icmp_parse(buf, len, &h);
	if (len < ICMP_HDR_LEN)
		FUZZ_CHECK(why == DROP_ICMP_TRUNCATED);
	else
		FUZZ_CHECK(why == (cksum(buf, len) == 0 ? DROP_NONE : DROP_ICMP_BAD_CHECKSUM));
	if (why == DROP_NONE) {
		FUZZ_CHECK(h.type == buf[0] && h.code == buf[1]);
		FUZZ_CHECK(h.data == buf + ICMP_HDR_LEN && h.data_len == len - ICMP_HDR_LEN);
		check_round_trip(buf, len, &h);
		check_echo_reply(&h);
	}
	free(buf);
	return 0;
}
