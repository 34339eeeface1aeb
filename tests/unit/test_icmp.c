/*
 * test_icmp.c - ICMP parse/emit, echo replies, errors and the rules for
 * sending them, the rate limiter.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/icmp.h"
#include "unit.h"

static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);

/* An echo request with `extra` bytes of IP options and 16 bytes of data. */
static size_t make_request(uint8_t *b, size_t extra)
{
	size_t hlen = 20 + extra, total = hlen + 8 + 16, i;

	memset(b, 0, total);
	b[0] = (uint8_t)(0x40 | (hlen / 4));
	put16(b + 2, (uint16_t)total);
	b[8] = 3;				/* a TTL the reply must not copy */
	b[9] = IPV4_PROTO_ICMP;
	put32(b + 12, PEER);
	put32(b + 16, US);
	memset(b + 20, 1, extra);		/* NOP options */
	put16(b + 10, cksum(b, hlen));
	b[hlen] = ICMP_TYPE_ECHO_REQUEST;
	put16(b + hlen + 4, 0xbeef);
	put16(b + hlen + 6, 42);
	for (i = 0; i < 16; i++)
		b[hlen + 8 + i] = (uint8_t)(0xa0 + i);
	put16(b + hlen + 2, cksum(b + hlen, 24));
	return total;
}

static void parse_and_prefixes(void)
{
	uint8_t b[64];
	struct icmp_hdr h;
	size_t n = make_request(b, 0), len;

	REQUIRE_EQ(icmp_parse(b + 20, n - 20, &h), DROP_NONE);
	CHECK_EQ(h.type, ICMP_TYPE_ECHO_REQUEST);
	CHECK_EQ(h.id, 0xbeef);
	CHECK_EQ(h.seq, 42);
	CHECK_EQ(h.data_len, 16);
	for (len = 0; len < 8; len++)
		CHECK_EQ(icmp_parse(b + 20, len, &h), DROP_ICMP_TRUNCATED);
	/* Cut anywhere in the data: the checksum no longer verifies (every data
	 * byte here is non-zero, so each cut changes the sum). */
	for (len = 8; len < n - 20; len++)
		CHECK_EQ(icmp_parse(b + 20, len, &h), DROP_ICMP_BAD_CHECKSUM);
	b[30] ^= 0x40;
	CHECK_EQ(icmp_parse(b + 20, n - 20, &h), DROP_ICMP_BAD_CHECKSUM);
}

static void emit_round_trip(void)
{
	const uint8_t data[3] = { 1, 2, 3 };
	struct icmp_hdr in = { .type = 13, .code = 0, .id = 5, .seq = 6,
			       .data = data, .data_len = 3 }, out;
	uint8_t b[16];

	CHECK_EQ(icmp_emit(&in, b, sizeof(b)), 11);
	CHECK_EQ(icmp_parse(b, 11, &out), DROP_NONE);	/* odd length */
	CHECK_EQ(out.type, 13);
	CHECK_EQ(out.id, 5);
	CHECK_EQ(out.seq, 6);
	CHECK(memcmp(out.data, data, 3) == 0);
	CHECK_EQ(icmp_emit(&in, b, 10), 0);
}

static void echo_reply_is_built_fresh(void)
{
	uint8_t req[128], rep[128];
	struct ipv4_hdr ip, rip;
	struct icmp_hdr echo, r;
	size_t n = make_request(req, 8), m;

	REQUIRE_EQ(ipv4_parse(req, n, &ip), DROP_NONE);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &echo), DROP_NONE);
	m = icmp_build_echo_reply(&ip, &echo, 99, rep, sizeof(rep));
	CHECK_EQ(m, n - 8);			/* the options are gone */
	REQUIRE_EQ(ipv4_parse(rep, m, &rip), DROP_NONE);
	CHECK_EQ(rip.ihl, 5);
	CHECK_EQ(rip.ttl, 64);
	CHECK_EQ(rip.id, 99);
	CHECK_EQ(rip.src, US);
	CHECK_EQ(rip.dst, PEER);
	REQUIRE_EQ(icmp_parse(rip.payload, rip.payload_len, &r), DROP_NONE);
	CHECK_EQ(r.type, ICMP_TYPE_ECHO_REPLY);
	CHECK_EQ(r.id, 0xbeef);
	CHECK_EQ(r.seq, 42);
	CHECK_EQ(r.data_len, 16);
	CHECK(memcmp(r.data, echo.data, 16) == 0);
	CHECK_EQ(icmp_build_echo_reply(&ip, &echo, 99, rep, m - 1), 0);
}

static void error_quotes_header_and_8_bytes(void)
{
	uint8_t pkt[64], out[128];
	struct ipv4_hdr ip, eip;
	struct icmp_hdr e;
	size_t n = make_request(pkt, 4), m;

	pkt[9] = IPV4_PROTO_UDP;		/* pretend it is UDP */
	put16(pkt + 10, 0);
	put16(pkt + 10, cksum(pkt, 24));
	REQUIRE_EQ(ipv4_parse(pkt, n, &ip), DROP_NONE);
	m = icmp_build_error(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PROTOCOL_UNREACHABLE,
			     US, pkt, &ip, 7, out, sizeof(out));
	CHECK_EQ(m, 20 + 8 + 24 + 8);
	REQUIRE_EQ(ipv4_parse(out, m, &eip), DROP_NONE);
	CHECK_EQ(eip.src, US);
	CHECK_EQ(eip.dst, PEER);
	REQUIRE_EQ(icmp_parse(eip.payload, eip.payload_len, &e), DROP_NONE);
	CHECK_EQ(e.type, ICMP_TYPE_DEST_UNREACHABLE);
	CHECK_EQ(e.code, ICMP_CODE_PROTOCOL_UNREACHABLE);
	CHECK_EQ(e.id, 0);
	CHECK_EQ(e.seq, 0);
	CHECK(memcmp(e.data, pkt, 32) == 0);

	ip.payload_len = 3;			/* less than 8 bytes to quote */
	m = icmp_build_error(3, 2, US, pkt, &ip, 7, out, sizeof(out));
	CHECK_EQ(m, 20 + 8 + 24 + 3);
}

static void when_errors_are_allowed(void)
{
	uint8_t err_msg[1] = { ICMP_TYPE_DEST_UNREACHABLE };
	uint8_t echo_msg[1] = { ICMP_TYPE_ECHO_REQUEST };
	struct ipv4_hdr ip = { .ihl = 5, .proto = IPV4_PROTO_UDP, .src = PEER,
			       .dst = US, .payload = echo_msg, .payload_len = 1 };
	struct ipv4_hdr t;

	CHECK(icmp_error_allowed(&ip));
	t = ip; t.frag_offset = 8;		/* not the first fragment */
	CHECK(!icmp_error_allowed(&t));
	t = ip; t.mf = true;			/* the first fragment is fine */
	CHECK(icmp_error_allowed(&t));
	t = ip; t.dst = 0xffffffffu;
	CHECK(!icmp_error_allowed(&t));
	t = ip; t.dst = IPV4_ADDR(224, 0, 0, 251);
	CHECK(!icmp_error_allowed(&t));
	t = ip; t.src = 0;
	CHECK(!icmp_error_allowed(&t));
	t = ip; t.proto = IPV4_PROTO_ICMP; t.payload = err_msg;
	CHECK(!icmp_error_allowed(&t));		/* about an ICMP error */
	t = ip; t.proto = IPV4_PROTO_ICMP;
	CHECK(icmp_error_allowed(&t));		/* about an echo request */
	t = ip; t.proto = IPV4_PROTO_ICMP; t.payload_len = 0;
	CHECK(!icmp_error_allowed(&t));		/* can't tell: no */
}

static void rate_limit(void)
{
	struct icmp_ratelimit rl;
	int i, granted = 0;

	icmp_ratelimit_init(&rl, 10, 100, 1000);
	for (i = 0; i < 50; i++)
		granted += icmp_ratelimit_take(&rl, 1000);
	CHECK_EQ(granted, 10);			/* the burst */
	CHECK(!icmp_ratelimit_take(&rl, 1099));
	CHECK(icmp_ratelimit_take(&rl, 1100));	/* one token per 100 ms */
	CHECK(!icmp_ratelimit_take(&rl, 1100));
	granted = 0;
	for (i = 0; i < 50; i++)		/* a long pause refills, no more */
		granted += icmp_ratelimit_take(&rl, 1000000);
	CHECK_EQ(granted, 10);
	/* A replayed clock may jump back: no tokens appear from nowhere, and
	 * the bucket refills from the new time on. */
	CHECK(!icmp_ratelimit_take(&rl, 5));
	CHECK(icmp_ratelimit_take(&rl, 105));
}

const struct unit_test icmp_tests[] = {
	{ "icmp: parse, every truncated prefix", parse_and_prefixes },
	{ "icmp: emit then parse", emit_round_trip },
	{ "icmp: echo reply built fresh", echo_reply_is_built_fresh },
	{ "icmp: error quotes header + 8 bytes", error_quotes_header_and_8_bytes },
	{ "icmp: RFC 1122 3.2.2 rules for errors", when_errors_are_allowed },
	{ "icmp: error rate limit", rate_limit },
	{ NULL, NULL },
};
