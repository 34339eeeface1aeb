/*
 * test_ipv4.c - ipv4_parse on good, truncated and malformed headers;
 * ipv4_emit round trips; address helpers.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/ipv4.h"
#include "unit.h"

/* A 28-byte ICMP datagram 10.10.10.2 -> 10.10.10.1 with a correct header
 * checksum, and optionally ihl_words of header (options filled with NOPs). */
static size_t make_packet(uint8_t *b, unsigned ihl_words)
{
	size_t hlen = ihl_words * 4, total = hlen + 8;

	memset(b, 0, total);
	b[0] = (uint8_t)(0x40 | ihl_words);
	put16(b + 2, (uint16_t)total);
	put16(b + 4, 0x1c46);
	b[8] = 64;
	b[9] = IPV4_PROTO_ICMP;
	put32(b + 12, IPV4_ADDR(10, 10, 10, 2));
	put32(b + 16, IPV4_ADDR(10, 10, 10, 1));
	memset(b + 20, 1, hlen - 20);		/* option: NOP */
	put16(b + 10, cksum(b, hlen));
	b[hlen] = 8;				/* some payload */
	return total;
}

/* After editing header bytes, make the checksum right again. */
static void refresh_checksum(uint8_t *b, size_t hlen)
{
	put16(b + 10, 0);
	put16(b + 10, cksum(b, hlen));
}

static void parse_good(void)
{
	uint8_t b[128];
	struct ipv4_hdr h;
	size_t n = make_packet(b, 5);

	REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	CHECK_EQ(h.ihl, 5);
	CHECK_EQ(h.total_len, 28);
	CHECK_EQ(h.id, 0x1c46);
	CHECK_EQ(h.ttl, 64);
	CHECK_EQ(h.proto, IPV4_PROTO_ICMP);
	CHECK_EQ(h.src, IPV4_ADDR(10, 10, 10, 2));
	CHECK_EQ(h.dst, IPV4_ADDR(10, 10, 10, 1));
	CHECK(h.payload == b + 20);
	CHECK_EQ(h.payload_len, 8);
	CHECK(!ipv4_is_fragment(&h));

	n = make_packet(b, 15);			/* 40 bytes of options */
	REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	CHECK(h.payload == b + 60);
	CHECK_EQ(h.payload_len, 8);
}

static void every_truncated_prefix(void)
{
	uint8_t b[128];
	struct ipv4_hdr h;
	size_t n, len;
	unsigned ihl;

	for (ihl = 5; ihl <= 15; ihl++) {
		n = make_packet(b, ihl);
		for (len = 0; len < n; len++) {
			enum drop why = ipv4_parse(b, len, &h);

			if (len < ihl * 4)
				CHECK_EQ(why, DROP_IPV4_TRUNCATED);
			else
				CHECK_EQ(why, DROP_IPV4_BAD_TOTAL_LENGTH);
		}
		REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	}
}

static void each_bad_field(void)
{
	uint8_t b[128];
	struct ipv4_hdr h;
	size_t n;
	unsigned ihl;

	n = make_packet(b, 5);
	b[0] = 0x65;				/* version 6 */
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_VERSION);

	for (ihl = 0; ihl < 5; ihl++) {		/* IHL below 5 */
		n = make_packet(b, 5);
		b[0] = (uint8_t)(0x40 | ihl);
		CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_IHL);
	}

	n = make_packet(b, 5);			/* total length < header */
	put16(b + 2, 19);
	refresh_checksum(b, 20);
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_TOTAL_LENGTH);

	n = make_packet(b, 6);			/* total length < IHL*4 */
	put16(b + 2, 23);
	refresh_checksum(b, 24);
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_TOTAL_LENGTH);

	n = make_packet(b, 5);			/* total length > bytes read */
	put16(b + 2, (uint16_t)(n + 1));
	refresh_checksum(b, 20);
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_TOTAL_LENGTH);
	put16(b + 2, 0xffff);
	refresh_checksum(b, 20);
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_TOTAL_LENGTH);

	n = make_packet(b, 5);			/* one bit flipped anywhere */
	b[8] ^= 0x01;
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_CHECKSUM);

	n = make_packet(b, 7);			/* the checksum covers options */
	b[21] ^= 0x80;
	CHECK_EQ(ipv4_parse(b, n, &h), DROP_IPV4_BAD_CHECKSUM);
}

static void padding_is_not_payload(void)
{
	uint8_t b[128];
	struct ipv4_hdr h;
	size_t n = make_packet(b, 5);

	memset(b + n, 0xee, 18);		/* Ethernet-style padding */
	REQUIRE_EQ(ipv4_parse(b, n + 18, &h), DROP_NONE);
	CHECK_EQ(h.payload_len, 8);
}

static void fragments(void)
{
	uint8_t b[128];
	struct ipv4_hdr h;
	size_t n = make_packet(b, 5);

	put16(b + 6, IPV4_FLAG_MF);		/* first fragment */
	refresh_checksum(b, 20);
	REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	CHECK(h.mf && h.frag_offset == 0 && ipv4_is_fragment(&h));

	put16(b + 6, 185);			/* last fragment at 1480 bytes */
	refresh_checksum(b, 20);
	REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	CHECK(!h.mf && h.frag_offset == 1480 && ipv4_is_fragment(&h));

	put16(b + 6, IPV4_FLAG_DF);		/* DF alone: not a fragment */
	refresh_checksum(b, 20);
	REQUIRE_EQ(ipv4_parse(b, n, &h), DROP_NONE);
	CHECK(h.df && !ipv4_is_fragment(&h));
}

static void emit_round_trip(void)
{
	struct ipv4_hdr in = {
		.tos = 0x10, .total_len = 20, .id = 77, .df = true,
		.frag_offset = 0, .ttl = 9, .proto = IPV4_PROTO_UDP,
		.src = IPV4_ADDR(1, 2, 3, 4), .dst = IPV4_ADDR(5, 6, 7, 8),
	}, out;
	uint8_t b[20];

	CHECK_EQ(ipv4_emit(&in, b, sizeof(b)), 20);
	REQUIRE_EQ(ipv4_parse(b, 20, &out), DROP_NONE);
	CHECK_EQ(out.tos, 0x10);
	CHECK_EQ(out.id, 77);
	CHECK(out.df && !out.mf);
	CHECK_EQ(out.ttl, 9);
	CHECK_EQ(out.proto, IPV4_PROTO_UDP);
	CHECK_EQ(out.src, IPV4_ADDR(1, 2, 3, 4));
	CHECK_EQ(out.dst, IPV4_ADDR(5, 6, 7, 8));
	CHECK_EQ(ipv4_emit(&in, b, 19), 0);
}

static void addresses(void)
{
	uint32_t a;
	char s[16];

	CHECK(ipv4_addr_parse("10.10.10.1", &a) && a == IPV4_ADDR(10, 10, 10, 1));
	CHECK(ipv4_addr_parse("255.255.255.255", &a) && a == 0xffffffffu);
	CHECK(!ipv4_addr_parse("256.1.1.1", &a));
	CHECK(!ipv4_addr_parse("10.10.10", &a));
	CHECK(!ipv4_addr_parse("10.10.10.1.", &a));
	CHECK(!ipv4_addr_parse(" 10.10.10.1", &a));
	CHECK(!ipv4_addr_parse("10.10.-1.1", &a));
	CHECK(!ipv4_addr_parse("", &a));
	CHECK(!ipv4_addr_parse("0010.1.1.1", &a));
	ipv4_addr_format(IPV4_ADDR(192, 168, 0, 199), s);
	CHECK(strcmp(s, "192.168.0.199") == 0);

	CHECK(ipv4_is_host_source(IPV4_ADDR(10, 10, 10, 2)));
	CHECK(!ipv4_is_host_source(IPV4_ADDR(0, 0, 0, 0)));
	CHECK(!ipv4_is_host_source(IPV4_ADDR(127, 0, 0, 1)));
	CHECK(!ipv4_is_host_source(IPV4_ADDR(224, 0, 0, 1)));
	CHECK(!ipv4_is_host_source(IPV4_ADDR(255, 255, 255, 255)));
}

const struct unit_test ipv4_tests[] = {
	{ "ipv4: parse good headers", parse_good },
	{ "ipv4: every truncated prefix", every_truncated_prefix },
	{ "ipv4: each bad field", each_bad_field },
	{ "ipv4: padding is not payload", padding_is_not_payload },
	{ "ipv4: fragment flags and offsets", fragments },
	{ "ipv4: emit then parse", emit_round_trip },
	{ "ipv4: address parse, format, host source", addresses },
	{ NULL, NULL },
};
