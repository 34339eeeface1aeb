/*
 * test_tcp.c - the TCP wire format (lib/tcp.c): a real Linux SYN decoded
 * field by field, emit and parse round trips, every truncated prefix, each
 * malformed field, the option walker's bounds, sequence numbers across the
 * wrap; and TCP in the --trace line (lib/trace.c).
 */
#include <stdio.h>		/* open_memstream: POSIX 2008, and _GNU_SOURCE */
#include <stdlib.h>
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/ipv4.h"
#include "../../lib/tcp.h"
#include "../../lib/trace.h"
#include "unit.h"

static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);

/*
 * The SYN Linux sent when `socat - TCP:10.10.10.1:7` connected, taken from
 * tests/fixtures/udp-frames.pcap (the IPv4 payload; the kernel computed the
 * checksum, so this also checks ours against Linux's):
 * 60606 > 7, seq 0x4ae32b0f, data offset 10, SYN, window 64240, and 20
 * bytes of options: MSS 1460, SACK permitted, timestamps (val 0x78d40aa1,
 * ecr 0), a no-op, window scale 10.
 */
static const uint8_t linux_syn[40] = {
	0xec, 0xbe, 0x00, 0x07,			/* ports 60606 > 7 */
	0x4a, 0xe3, 0x2b, 0x0f,			/* seq */
	0x00, 0x00, 0x00, 0x00,			/* ack */
	0xa0, 0x02, 0xfa, 0xf0,			/* offset 10, SYN, window */
	0x3e, 0xc8, 0x00, 0x00,			/* checksum, urgent */
	0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
	0x04, 0x02,				/* SACK permitted */
	0x08, 0x0a, 0x78, 0xd4, 0x0a, 0xa1,	/* timestamps */
	0x00, 0x00, 0x00, 0x00,
	0x01,					/* no-op */
	0x03, 0x03, 0x0a,			/* window scale 10 */
};

/* Put the right checksum into the segment of len bytes at b, by hand
 * (not through tcp_emit), so that a test reaches the check after it. */
static void fix_checksum(uint8_t *b, size_t len, uint32_t src, uint32_t dst)
{
	put16(b + 16, 0);
	put16(b + 16, cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_TCP,
								(uint16_t)len), b, len)));
}

/* tcp_parse on an exact-size heap copy, so that ASan (in the sanitizer
 * build) reports a read one byte past the end. */
static enum drop parse_copy(const uint8_t *b, size_t len, struct tcp_hdr *h)
{
	uint8_t *copy = calloc(len ? len : 1, 1);
	enum drop why;

	if (!copy)
		abort();
	memcpy(copy, b, len);
	why = tcp_parse(copy, len, PEER, US, h);
	free(copy);
	return why;
}

static void decodes_linux_syn(void)
{
	struct tcp_hdr h;

	REQUIRE_EQ(tcp_parse(linux_syn, sizeof(linux_syn), PEER, US, &h), DROP_NONE);
	CHECK_EQ(h.src_port, 60606);
	CHECK_EQ(h.dst_port, 7);
	CHECK_EQ(h.seq, 0x4ae32b0fu);
	CHECK_EQ(h.ack, 0);
	CHECK_EQ(h.data_off, 10);
	CHECK_EQ(h.flags, TCP_FLAG_SYN);
	CHECK_EQ(h.window, 64240);
	CHECK_EQ(h.checksum, 0x3ec8);
	CHECK_EQ(h.urgent, 0);
	CHECK(h.opts.has_mss);
	CHECK_EQ(h.opts.mss, 1460);
	CHECK(h.opts.sack_permitted);
	CHECK(h.opts.has_timestamp);
	CHECK(h.opts.has_wscale);
	CHECK_EQ(h.opts.wscale, 10);
	CHECK(h.data == linux_syn + 40);
	CHECK_EQ(h.data_len, 0);
	/* The same bytes to another address fail: the pseudo-header. */
	CHECK_EQ(tcp_parse(linux_syn, sizeof(linux_syn), PEER, IPV4_ADDR(10, 10, 10, 3), &h),
		 DROP_TCP_BAD_CHECKSUM);
}

/* Emit h with n data bytes after it into b, parse it back, compare. */
static void round_trip(const struct tcp_hdr *h, size_t n, size_t want_hlen)
{
	static uint8_t b[2000];
	struct tcp_hdr back;
	size_t i, hlen;

	memset(b, 0xee, sizeof(b));
	for (i = 0; i < n; i++)
		b[want_hlen + i] = (uint8_t)(i * 7 + 3);
	CHECK_EQ(tcp_hdr_len(h), want_hlen);
	hlen = tcp_emit(h, US, PEER, b, n);
	CHECK_EQ(hlen, want_hlen);
	CHECK_EQ(b[hlen + n], 0xee);		/* nothing written past the end */
	REQUIRE_EQ(tcp_parse(b, hlen + n, US, PEER, &back), DROP_NONE);
	CHECK_EQ(back.src_port, h->src_port);
	CHECK_EQ(back.dst_port, h->dst_port);
	CHECK_EQ(back.seq, h->seq);
	CHECK_EQ(back.ack, h->ack);
	CHECK_EQ(back.data_off, hlen / 4);
	CHECK_EQ(b[12] & 0x0f, 0);		/* reserved bits */
	CHECK_EQ(back.flags, h->flags);
	CHECK_EQ(back.window, h->window);
	CHECK_EQ(back.urgent, 0);
	CHECK_EQ(back.data_len, n);
	CHECK(back.data == b + hlen);
	for (i = 0; i < n; i++)
		if (back.data[i] != (uint8_t)(i * 7 + 3))
			break;
	CHECK_EQ(i, n);
	CHECK_EQ(back.opts.has_timestamp, h->opts.has_timestamp);
	if (h->opts.has_timestamp) {
		CHECK_EQ(back.opts.ts_val, h->opts.ts_val);
		CHECK_EQ(back.opts.ts_ecr, h->opts.ts_ecr);
	}
	if (h->flags & TCP_FLAG_SYN) {
		CHECK_EQ(back.opts.sack_permitted, h->opts.sack_permitted);
		CHECK(back.opts.has_mss);
		CHECK_EQ(back.opts.mss, h->opts.mss);
		CHECK_EQ(back.opts.has_wscale, h->opts.has_wscale);
		if (h->opts.has_wscale)
			CHECK_EQ(back.opts.wscale, h->opts.wscale);
	} else {
		CHECK(!back.opts.has_mss && !back.opts.has_wscale);
	}
	/* The checksum, from scratch over pseudo-header and segment. */
	{
		static uint8_t p[12 + 2000];

		put32(p, US);
		put32(p + 4, PEER);
		p[8] = 0;
		p[9] = IPV4_PROTO_TCP;
		put16(p + 10, (uint16_t)(hlen + n));
		memcpy(p + 12, b, hlen + n);
		CHECK_EQ(cksum(p, 12 + hlen + n), 0);
	}
}

static void emit_parse_round_trips(void)
{
	struct tcp_hdr h = { .src_port = 7, .dst_port = 40000, .seq = 0xfffffff0u,
			     .ack = 0x12345678u, .flags = TCP_FLAG_ACK, .window = 65535 };
	static const size_t lens[] = { 0, 1, 5, 6, 1459, 1460 };
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		h.flags = TCP_FLAG_ACK | (lens[i] ? TCP_FLAG_PSH : 0);
		round_trip(&h, lens[i], 20);
		h.flags = TCP_FLAG_FIN | TCP_FLAG_ACK;
		round_trip(&h, lens[i], 20);
	}
	h.flags = TCP_FLAG_RST;
	round_trip(&h, 0, 20);
	/* A SYN-ACK with window scale: MSS, no-op, window scale: 28. */
	h.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	h.opts.mss = 1460;
	h.opts.has_wscale = true;
	h.opts.wscale = 7;
	round_trip(&h, 0, 28);
	round_trip(&h, 3, 28);			/* data on a SYN: allowed */
	/* And its exact bytes. */
	{
		uint8_t b[28];

		tcp_emit(&h, US, PEER, b, 0);
		CHECK_EQ(b[12], 7 << 4);
		CHECK(memcmp(b + 20, "\x02\x04\x05\xb4\x01\x03\x03\x07", 8) == 0);
	}
	/* Without window scale: MSS only, 24 bytes. */
	h.flags = TCP_FLAG_SYN;
	h.opts.has_wscale = false;
	h.opts.mss = 536;
	round_trip(&h, 0, 24);
	round_trip(&h, 1, 24);
	/* Window scale above 14 goes out as 14. */
	h.opts.has_wscale = true;
	h.opts.wscale = 200;
	{
		uint8_t b[28];
		struct tcp_hdr back;

		CHECK_EQ(tcp_emit(&h, US, PEER, b, 0), 28);
		CHECK_EQ(b[27], 14);
		REQUIRE_EQ(tcp_parse(b, 28, US, PEER, &back), DROP_NONE);
		CHECK_EQ(back.opts.wscale, 14);
	}
}

/* SACK-permitted, timestamps and SACK blocks go out where Linux puts
 * them, and come back as they went. */
static void emit_sack_and_timestamps(void)
{
	struct tcp_hdr h = { .src_port = 7, .dst_port = 40000, .seq = 1, .ack = 2,
			     .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535 };
	uint8_t b[60];
	struct tcp_hdr back;

	h.opts.mss = 1460;
	h.opts.has_wscale = true;
	h.opts.wscale = 5;
	h.opts.sack_permitted = true;
	h.opts.has_timestamp = true;
	h.opts.ts_val = 0x01020304;
	h.opts.ts_ecr = 0x0a0b0c0d;
	/* mss, sackOK, TS, nop, wscale: 20 bytes of options. */
	round_trip(&h, 0, 40);
	tcp_emit(&h, US, PEER, b, 0);
	CHECK(memcmp(b + 20, "\x02\x04\x05\xb4\x04\x02\x08\x0a\x01\x02\x03\x04"
			     "\x0a\x0b\x0c\x0d\x01\x03\x03\x05", 20) == 0);
	/* SACK-permitted alone: mss, nop, nop, sackOK, nop, wscale. */
	h.opts.has_timestamp = false;
	round_trip(&h, 0, 32);
	tcp_emit(&h, US, PEER, b, 0);
	CHECK(memcmp(b + 20, "\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x03\x03\x05", 12) == 0);
	/* Timestamps alone: mss, nop, nop, TS, nop, wscale. */
	h.opts.sack_permitted = false;
	h.opts.has_timestamp = true;
	round_trip(&h, 0, 40);
	CHECK_EQ(tcp_emit(&h, US, PEER, b, 0), 40);
	CHECK(memcmp(b + 20, "\x02\x04\x05\xb4\x01\x01\x08\x0a", 8) == 0);

	/* An ACK: nop, nop, TS, then nop, nop, SACK with three blocks. */
	h.flags = TCP_FLAG_ACK;
	h.opts.n_sack = 4;
	h.opts.sack[0] = (struct tcp_sack_block){ 100, 200 };
	h.opts.sack[1] = (struct tcp_sack_block){ 300, 400 };
	h.opts.sack[2] = (struct tcp_sack_block){ 0xfffffff0u, 5 };
	h.opts.sack[3] = (struct tcp_sack_block){ 600, 700 };
	CHECK_EQ(tcp_hdr_len(&h), 60);		/* only 3 blocks fit */
	CHECK_EQ(tcp_emit(&h, US, PEER, b, 0), 60);
	CHECK(memcmp(b + 20, "\x01\x01\x08\x0a", 4) == 0);
	CHECK(memcmp(b + 32, "\x01\x01\x05\x1a", 4) == 0);
	REQUIRE_EQ(tcp_parse(b, 60, US, PEER, &back), DROP_NONE);
	REQUIRE_EQ(back.opts.n_sack, 3);
	CHECK_EQ(back.opts.sack[0].start, 100);
	CHECK_EQ(back.opts.sack[1].end, 400);
	CHECK_EQ(back.opts.sack[2].start, 0xfffffff0u);
	CHECK_EQ(back.opts.sack[2].end, 5);
	CHECK_EQ(back.opts.ts_val, 0x01020304);
	/* Without the timestamp all four fit: 20 + 4 + 32. */
	h.opts.has_timestamp = false;
	CHECK_EQ(tcp_emit(&h, US, PEER, b, 0), 56);
	REQUIRE_EQ(tcp_parse(b, 56, US, PEER, &back), DROP_NONE);
	CHECK_EQ(back.opts.n_sack, 4);
	CHECK_EQ(back.opts.sack[3].end, 700);
	/* A SACK option of another length than 2 + 8n (n 1..4) is ignored. */
	{
		static const uint8_t odd[] = { 5, 9, 0, 0, 0, 1, 0, 0, 2, 0, 0 };
		struct tcp_opts o;

		CHECK_EQ(tcp_opts_parse(odd, sizeof(odd), &o), DROP_NONE);
		CHECK_EQ(o.n_sack, 0);
	}
}

static void emit_refuses_over_65535(void)
{
	struct tcp_hdr h = { .flags = TCP_FLAG_ACK };
	static uint8_t b[65536];
	struct tcp_hdr back;

	CHECK_EQ(tcp_emit(&h, US, PEER, b, 65535 - 20 + 1), 0);
	CHECK_EQ(tcp_emit(&h, US, PEER, b, 65535 - 20), 20);
	REQUIRE_EQ(tcp_parse(b, 65535, US, PEER, &back), DROP_NONE);
	/* 65536 bytes: the pseudo-header cannot say it, nothing verifies. */
	CHECK_EQ(tcp_parse(b, 65536, US, PEER, &back), DROP_TCP_BAD_CHECKSUM);
}

static void every_truncated_prefix(void)
{
	static uint8_t b[100];
	struct tcp_hdr h = { .src_port = 40000, .dst_port = 7, .seq = 1, .ack = 2,
			     .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 100,
			     .opts = { .mss = 1460, .has_wscale = true, .wscale = 7 } };
	size_t n, len, i;

	for (i = 0; i < 13; i++)
		b[28 + i] = (uint8_t)(i + 1);
	n = tcp_emit(&h, PEER, US, b, 13) + 13;
	CHECK_EQ(n, 41);
	CHECK_EQ(parse_copy(b, n, &h), DROP_NONE);
	for (len = 0; len < n; len++) {
		enum drop why = parse_copy(b, len, &h);

		if (len < 20)
			CHECK_EQ(why, DROP_TCP_TRUNCATED);
		else if (len < 28)		/* the options are cut */
			CHECK_EQ(why, DROP_TCP_BAD_OFFSET);
		else				/* data cut: length in the sum */
			CHECK_EQ(why, DROP_TCP_BAD_CHECKSUM);
	}
	/* The Linux SYN too, whose options fill the header. */
	for (len = 0; len < sizeof(linux_syn); len++)
		CHECK(parse_copy(linux_syn, len, &h) != DROP_NONE);
}

static void bad_data_offset(void)
{
	uint8_t b[60];
	struct tcp_hdr h;
	uint8_t off;

	memset(b, 0, sizeof(b));
	memcpy(b, linux_syn, 20);
	for (off = 0; off < 5; off++) {		/* inside the fixed header */
		b[12] = (uint8_t)(off << 4);
		fix_checksum(b, 40, PEER, US);
		CHECK_EQ(parse_copy(b, 40, &h), DROP_TCP_BAD_OFFSET);
	}
	b[12] = 11 << 4;			/* 44 bytes, past the 40 there are */
	fix_checksum(b, 40, PEER, US);
	CHECK_EQ(parse_copy(b, 40, &h), DROP_TCP_BAD_OFFSET);
	b[12] = 15 << 4;
	fix_checksum(b, 40, PEER, US);
	CHECK_EQ(parse_copy(b, 40, &h), DROP_TCP_BAD_OFFSET);
	b[12] = 15 << 4;			/* 60 of 60: fine, all no-ops */
	memset(b + 20, TCP_OPT_NOP, 40);
	fix_checksum(b, 60, PEER, US);
	CHECK_EQ(parse_copy(b, 60, &h), DROP_NONE);
	CHECK_EQ(h.data_len, 0);
	/* The offset is checked before the checksum. */
	b[12] = 4 << 4;
	CHECK_EQ(parse_copy(b, 60, &h), DROP_TCP_BAD_OFFSET);
}

static void bad_checksum(void)
{
	uint8_t b[40];
	struct tcp_hdr h;
	size_t i;

	/* One bit flipped anywhere, header, options or checksum: refused. */
	for (i = 0; i < sizeof(b) * 8; i++) {
		memcpy(b, linux_syn, sizeof(b));
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (i / 8 == 12 && i % 8 >= 4)
			continue;		/* the data offset: its own drop */
		CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_TCP_BAD_CHECKSUM);
	}
	/* The checksum is checked before the options and the flags. */
	memcpy(b, linux_syn, sizeof(b));
	b[21] = 0;				/* MSS length 0 */
	b[13] = TCP_FLAG_SYN | TCP_FLAG_FIN;
	CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_TCP_BAD_CHECKSUM);
	fix_checksum(b, sizeof(b), PEER, US);
	CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_TCP_BAD_OPTIONS);
	/* A checksum field of 0 is not "none", as it is in UDP. */
	memcpy(b, linux_syn, sizeof(b));
	put16(b + 16, 0);
	CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_TCP_BAD_CHECKSUM);
}

/* A SYN with the given option bytes (padded with End to a multiple of 4),
 * through tcp_parse. */
static enum drop parse_with_opts(const uint8_t *opt, size_t n, struct tcp_hdr *h)
{
	uint8_t b[60];
	size_t olen = (n + 3) / 4 * 4;

	memset(b, 0, sizeof(b));
	memcpy(b, linux_syn, 20);
	memcpy(b + 20, opt, n);
	b[12] = (uint8_t)(((20 + olen) / 4) << 4);
	fix_checksum(b, 20 + olen, PEER, US);
	return parse_copy(b, 20 + olen, h);
}

/* tcp_opts_parse on an exact-size heap copy. */
static enum drop opts_copy(const uint8_t *opt, size_t n, struct tcp_opts *o)
{
	uint8_t *copy = calloc(n ? n : 1, 1);
	enum drop why;

	if (!copy)
		abort();
	memcpy(copy, opt, n);
	why = tcp_opts_parse(copy, n, o);
	free(copy);
	return why;
}

static void option_walker_bounds(void)
{
	struct tcp_opts o;
	struct tcp_hdr h;

	/* Empty, only no-ops, only End: nothing found. */
	CHECK_EQ(opts_copy((const uint8_t *)"", 0, &o), DROP_NONE);
	CHECK(!o.has_mss && !o.has_wscale && !o.sack_permitted && !o.has_timestamp);
	CHECK_EQ(opts_copy((const uint8_t *)"\x01\x01\x01", 3, &o), DROP_NONE);
	CHECK_EQ(opts_copy((const uint8_t *)"\x00", 1, &o), DROP_NONE);
	/* Lengths 0 and 1 would never move on: refused. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x00\x05\xb4", 4, &o), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x01\x05\xb4", 4, &o), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(opts_copy((const uint8_t *)"\x1e\x00", 2, &o), DROP_TCP_BAD_OPTIONS);
	/* Past the end, by one. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x05\x05\xb4", 4, &o), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(opts_copy((const uint8_t *)"\x01\x08\x0a\x00\x00\x00\x00\x00\x00\x00", 10, &o),
		 DROP_TCP_BAD_OPTIONS);
	/* Exactly to the end: fine. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x01\x1e\x03\x00", 4, &o), DROP_NONE);
	/* A kind with no length byte, as the last byte. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x01\x01\x01\x02", 4, &o), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(opts_copy((const uint8_t *)"\x1e", 1, &o), DROP_TCP_BAD_OPTIONS);
	/* After End, anything: not read. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x04\x02\x18\x00\x02\x00\xff", 8, &o), DROP_NONE);
	CHECK(o.has_mss && o.mss == 536);
	/* The same through tcp_parse. */
	CHECK_EQ(parse_with_opts((const uint8_t *)"\x02\x00", 2, &h), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(parse_with_opts((const uint8_t *)"\x02\x01", 2, &h), DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(parse_with_opts((const uint8_t *)"\x01\x01\x01\x03", 4, &h),
		 DROP_TCP_BAD_OPTIONS);
	CHECK_EQ(parse_with_opts((const uint8_t *)"\x01\x01\x03\x03", 4, &h),
		 DROP_TCP_BAD_OPTIONS);	/* length 3 from the last 2 bytes */
	CHECK_EQ(parse_with_opts((const uint8_t *)"\x01\x01\x01\x01\x02\x04\x05\xb4", 8, &h),
		 DROP_NONE);
	CHECK(h.opts.has_mss && h.opts.mss == 1460);
}

static void option_kinds(void)
{
	struct tcp_opts o;

	/* An unknown kind (30, multipath TCP) is stepped over by its length. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x1e\x06\x02\x04\x05\xb4\x02\x04\x01\x2c", 10, &o),
		 DROP_NONE);
	CHECK(o.has_mss);
	CHECK_EQ(o.mss, 300);			/* not the 1460 inside kind 30 */
	/* Window scale 15 is read as 14; 14 stays 14. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x03\x03\x0f", 3, &o), DROP_NONE);
	CHECK(o.has_wscale);
	CHECK_EQ(o.wscale, 14);
	CHECK_EQ(opts_copy((const uint8_t *)"\x03\x03\xff", 3, &o), DROP_NONE);
	CHECK_EQ(o.wscale, 14);
	CHECK_EQ(opts_copy((const uint8_t *)"\x03\x03\x0e", 3, &o), DROP_NONE);
	CHECK_EQ(o.wscale, 14);
	CHECK_EQ(opts_copy((const uint8_t *)"\x03\x03\x00", 3, &o), DROP_NONE);
	CHECK(o.has_wscale);
	CHECK_EQ(o.wscale, 0);
	/* A known kind with the wrong length: ignored, walked over. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x03\x05\x03\x03\x07", 6, &o), DROP_NONE);
	CHECK(!o.has_mss);
	CHECK(o.has_wscale && o.wscale == 7);
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x06\x05\xb4\x00\x00", 6, &o), DROP_NONE);
	CHECK(!o.has_mss);
	CHECK_EQ(opts_copy((const uint8_t *)"\x03\x04\x07\x00", 4, &o), DROP_NONE);
	CHECK(!o.has_wscale);
	CHECK_EQ(opts_copy((const uint8_t *)"\x04\x03\x00\x08\x02\x00", 6, &o), DROP_NONE);
	CHECK(!o.sack_permitted && !o.has_timestamp);
	/* MSS 0: recorded as given. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x04\x00\x00", 4, &o), DROP_NONE);
	CHECK(o.has_mss);
	CHECK_EQ(o.mss, 0);
	/* A second MSS wins over the first. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x02\x04\x05\xb4\x02\x04\x02\x18", 8, &o), DROP_NONE);
	CHECK_EQ(o.mss, 536);
	/* A result from an earlier walk never leaks into this one. */
	CHECK_EQ(opts_copy((const uint8_t *)"\x01", 1, &o), DROP_NONE);
	CHECK(!o.has_mss && !o.has_wscale);
}

static void bad_flags(void)
{
	static const struct {
		uint8_t flags;
		enum drop want;
	} cases[] = {
		{ TCP_FLAG_SYN | TCP_FLAG_FIN, DROP_TCP_BAD_FLAGS },
		{ TCP_FLAG_SYN | TCP_FLAG_RST, DROP_TCP_BAD_FLAGS },
		{ TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_FIN | TCP_FLAG_ACK, DROP_TCP_BAD_FLAGS },
		{ 0xff, DROP_TCP_BAD_FLAGS },		/* "Christmas tree" */
		{ 0, DROP_TCP_BAD_FLAGS },		/* "null" scan */
		{ TCP_FLAG_SYN, DROP_NONE },
		{ TCP_FLAG_SYN | TCP_FLAG_ACK, DROP_NONE },
		{ TCP_FLAG_SYN | TCP_FLAG_ECE | TCP_FLAG_CWR, DROP_NONE },
		{ TCP_FLAG_FIN, DROP_NONE },
		{ TCP_FLAG_FIN | TCP_FLAG_ACK, DROP_NONE },
		{ TCP_FLAG_RST, DROP_NONE },
		{ TCP_FLAG_RST | TCP_FLAG_ACK, DROP_NONE },
		{ TCP_FLAG_ACK, DROP_NONE },
		{ TCP_FLAG_PSH | TCP_FLAG_ACK, DROP_NONE },
		{ TCP_FLAG_URG, DROP_NONE },
	};
	uint8_t b[40];
	struct tcp_hdr h;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(b, linux_syn, sizeof(b));
		b[13] = cases[i].flags;
		fix_checksum(b, sizeof(b), PEER, US);
		CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), cases[i].want);
		CHECK_EQ(h.flags, cases[i].flags);
	}
	/* Options are checked before flags. */
	memcpy(b, linux_syn, sizeof(b));
	b[13] = 0;
	b[21] = 1;
	fix_checksum(b, sizeof(b), PEER, US);
	CHECK_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_TCP_BAD_OPTIONS);
	/* The reserved bits are ignored. */
	memcpy(b, linux_syn, sizeof(b));
	b[12] |= 0x0f;
	fix_checksum(b, sizeof(b), PEER, US);
	REQUIRE_EQ(tcp_parse(b, sizeof(b), PEER, US, &h), DROP_NONE);
	CHECK_EQ(h.data_off, 10);
}

static void sequence_numbers_wrap(void)
{
	/* 0x10 is 32 after 0xfffffff0, across 2^32. */
	CHECK(seq_lt(seq(0xfffffff0u), seq(0x10)));
	CHECK(!seq_lt(seq(0x10), seq(0xfffffff0u)));
	CHECK(seq_gt(seq(0x10), seq(0xfffffff0u)));
	CHECK(seq_le(seq(0xfffffff0u), seq(0x10)));
	CHECK(seq_ge(seq(0x10), seq(0xfffffff0u)));
	CHECK_EQ(seq_diff(seq(0x10), seq(0xfffffff0u)), 32);
	CHECK_EQ(seq_diff(seq(0xfffffff0u), seq(0x10)), -32);
	CHECK(seq_eq(seq_add(seq(0xffffffffu), 1), seq(0)));
	CHECK(seq_eq(seq_add(seq(0xfffffff0u), 0x20), seq(0x10)));
	CHECK(seq_le(seq(5), seq(5)) && seq_ge(seq(5), seq(5)));
	CHECK(!seq_lt(seq(5), seq(5)) && !seq_gt(seq(5), seq(5)));
	/* A window that straddles 2^32: [0xfffffffe, 5). */
	CHECK(seq_in(seq(0xfffffffeu), seq(0xfffffffeu), seq(5)));
	CHECK(seq_in(seq(0xffffffffu), seq(0xfffffffeu), seq(5)));
	CHECK(seq_in(seq(0), seq(0xfffffffeu), seq(5)));
	CHECK(seq_in(seq(4), seq(0xfffffffeu), seq(5)));
	CHECK(!seq_in(seq(5), seq(0xfffffffeu), seq(5)));	/* hi: outside */
	CHECK(!seq_in(seq(0xfffffffdu), seq(0xfffffffeu), seq(5)));
	CHECK(!seq_in(seq(0x80000000u), seq(0xfffffffeu), seq(5)));
	CHECK(!seq_in(seq(7), seq(7), seq(7)));			/* empty */
	/* The half-circle: up to 2^31 - 1 ahead is "after"; exactly 2^31
	 * apart, neither is before the other; one more, and it turns round. */
	CHECK(seq_lt(seq(0), seq(0x7fffffffu)));
	CHECK_EQ(seq_diff(seq(0x7fffffffu), seq(0)), 0x7fffffff);
	CHECK(!seq_lt(seq(0), seq(0x80000000u)));
	CHECK(!seq_lt(seq(0x80000000u), seq(0)));
	CHECK(!seq_gt(seq(0), seq(0x80000000u)));
	CHECK_EQ(seq_diff(seq(0x80000000u), seq(0)), -0x7fffffff - 1);
	CHECK(seq_lt(seq(0x80000001u), seq(0)));
	CHECK_EQ(seq_diff(seq(0x80000001u), seq(0)), -0x7fffffff);
	CHECK(seq_lt(seq(0xc0000000u), seq(0x3fffffffu)));	/* across the wrap */
}

/*
 * The --trace line.  Packets are traced as a TUN device would deliver them
 * (an IPv4 header, no Ethernet), and the TCP part of the line compared.
 */
static char *trace_line(const uint8_t *seg, size_t n, uint32_t src, uint32_t dst,
			const char *dir)
{
	static uint8_t pkt[2000];
	struct ipv4_hdr ip = { .total_len = (uint16_t)(20 + n), .ttl = 64,
			       .proto = IPV4_PROTO_TCP, .src = src, .dst = dst };
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);

	if (!f)
		abort();
	ipv4_emit(&ip, pkt, 20);
	memcpy(pkt + 20, seg, n);
	trace_packet(f, 1500000, dir, DEV_TUN, pkt, 20 + n);
	fclose(f);
	return out;
}

/* The line's text after "in  " or "out " must be want. */
static void check_trace(const uint8_t *seg, size_t n, uint32_t src, uint32_t dst,
			const char *want)
{
	char *line = trace_line(seg, n, src, dst, src == US ? "out" : "in");
	const char *rest = strstr(line, src == US ? "out " : "in  ");

	CHECK(rest != NULL);
	if (rest && strcmp(rest + 4, want) != 0) {
		unit_failed_checks++;
		fprintf(stderr, "  %s:%d: trace line\n    got:  %s    want: %s",
			__FILE__, __LINE__, rest + 4, want);
	}
	free(line);
}

/* A segment from one end of the connection 10.10.10.2:60606 - 10.10.10.1:7. */
static size_t segment(uint8_t *b, bool from_us, uint8_t flags, uint32_t seq_, uint32_t ack,
		      uint16_t window, const char *data)
{
	struct tcp_hdr h = { .src_port = from_us ? 7 : 60606, .dst_port = from_us ? 60606 : 7,
			     .seq = seq_, .ack = ack, .flags = flags, .window = window,
			     .opts = { .mss = 1460, .has_wscale = true, .wscale = 7 } };
	size_t n = strlen(data), hlen = tcp_hdr_len(&h);

	memcpy(b + hlen, data, n);
	return tcp_emit(&h, from_us ? US : PEER, from_us ? PEER : US, b, n) + n;
}

static void trace_a_connection(void)
{
	const uint32_t isn = 0x4ae32b0fu, our_isn = 0xfffffffeu;	/* ours wraps */
	uint8_t b[100];
	size_t n;

	/* Before its SYN, this connection's numbers are shown as they are. */
	n = segment(b, false, TCP_FLAG_ACK, isn + 1, our_isn + 1, 502, "");
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 60606 > 7 [.] ack 4294967295 win 502, "
		    "ttl 64, length 40\n");
	check_trace(linux_syn, sizeof(linux_syn), PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 60606 > 7 [S] seq 0 win 64240 "
		    "<mss 1460,sackOK,TS,nop,wscale 10>, ttl 64, length 60\n");
	n = segment(b, true, TCP_FLAG_SYN | TCP_FLAG_ACK, our_isn, isn + 1, 65535, "");
	check_trace(b, n, US, PEER,
		    "10.10.10.1 > 10.10.10.2 TCP 7 > 60606 [S.] seq 0 ack 1 win 65535 "
		    "<mss 1460,nop,wscale 7>, ttl 64, length 48\n");
	n = segment(b, false, TCP_FLAG_ACK, isn + 1, our_isn + 1, 502, "");
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 60606 > 7 [.] ack 1 win 502, ttl 64, length 40\n");
	n = segment(b, false, TCP_FLAG_PSH | TCP_FLAG_ACK, isn + 1, our_isn + 1, 502, "hello");
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 60606 > 7 [P.] seq 1:6 ack 1 win 502, "
		    "len 5, ttl 64, length 45\n");
	n = segment(b, true, TCP_FLAG_PSH | TCP_FLAG_ACK, our_isn + 1, isn + 6, 65535, "hello");
	check_trace(b, n, US, PEER,
		    "10.10.10.1 > 10.10.10.2 TCP 7 > 60606 [P.] seq 1:6 ack 6 win 65535, "
		    "len 5, ttl 64, length 45\n");
	n = segment(b, false, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 6, our_isn + 6, 502, "");
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 60606 > 7 [F.] seq 6 ack 6 win 502, "
		    "ttl 64, length 40\n");
	n = segment(b, true, TCP_FLAG_RST, our_isn + 6, 0, 0, "");
	check_trace(b, n, US, PEER,
		    "10.10.10.1 > 10.10.10.2 TCP 7 > 60606 [R] seq 6 win 0, ttl 64, length 40\n");
}

static void trace_flags_and_malformed(void)
{
	uint8_t b[100];
	size_t n;

	/* Other ports: no SYN seen, absolute numbers.  Every flag letter. */
	n = segment(b, false, 0xff & ~TCP_FLAG_SYN, 1000, 2000, 9, "");
	put16(b, 50000);
	put16(b + 18, 3);			/* urgent pointer */
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 [FRP.UEW] seq 1000 ack 2000 win 9 "
		    "urg 3, ttl 64, length 40\n");
	b[13] = 0;
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 [none] win 9 (tcp_bad_flags), "
		    "ttl 64, length 40\n");
	b[13] = TCP_FLAG_ACK;			/* checksum not fixed */
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 [.] ack 2000 win 9 "
		    "(tcp_bad_checksum), ttl 64, length 40\n");
	/* The header cut short, the data offset wrong either way. */
	check_trace(b, 19, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 malformed (tcp_truncated), "
		    "ttl 64, length 39\n");
	check_trace(b, 3, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP malformed (tcp_truncated), ttl 64, length 23\n");
	b[12] = 4 << 4;
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 malformed (tcp_bad_offset), "
		    "ttl 64, length 40\n");
	b[12] = 6 << 4;
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 malformed (tcp_bad_offset), "
		    "ttl 64, length 40\n");
	/* Options: an unknown kind, a wrong length, then one past the end. */
	memset(b + 20, 0, 20);
	memcpy(b + 20, "\x1e\x03\x00\x02\x03\x00\x03\x03\x0f\x01\x00\x00", 12);
	memcpy(b + 32, "\x01\x04\x09", 3);
	b[12] = 9 << 4;				/* 36 bytes of header */
	n = 36;
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 [.] ack 2000 win 9 "
		    "<kind 30 len 3,kind 2 len 3,wscale 15,nop,eol>, ttl 64, length 56\n");
	b[29] = TCP_OPT_NOP;
	b[30] = TCP_OPT_NOP;
	b[31] = TCP_OPT_NOP;
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 50000 > 7 [.] ack 2000 win 9 "
		    "<kind 30 len 3,kind 2 len 3,wscale 15,nop,nop,nop,nop,malformed> "
		    "(tcp_bad_options), ttl 64, length 56\n");
}

static void trace_forgets_oldest_first(void)
{
	uint8_t b[100];
	size_t n;
	uint16_t port;

	/* Port 61000's SYN, then 256 other connections' SYNs: the table
	 * (256 directions) forgets 61000 first, and shows it absolute. */
	n = segment(b, false, TCP_FLAG_SYN, 5000, 0, 100, "");
	put16(b, 61000);
	fix_checksum(b, n, PEER, US);
	free(trace_line(b, n, PEER, US, "in"));
	n = segment(b, false, TCP_FLAG_ACK, 5001, 0, 100, "");
	put16(b, 61000);
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 61000 > 7 [.] ack 0 win 100, ttl 64, length 40\n");
	n = segment(b, false, TCP_FLAG_FIN | TCP_FLAG_ACK, 5001, 0, 100, "");
	put16(b, 61000);
	fix_checksum(b, n, PEER, US);
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 61000 > 7 [F.] seq 1 ack 0 win 100, "
		    "ttl 64, length 40\n");
	for (port = 62000; port < 62000 + 256; port++) {
		uint8_t s[40];
		size_t m = segment(s, false, TCP_FLAG_SYN, 1, 0, 100, "");

		put16(s, port);
		fix_checksum(s, m, PEER, US);
		free(trace_line(s, m, PEER, US, "in"));
	}
	check_trace(b, n, PEER, US,
		    "10.10.10.2 > 10.10.10.1 TCP 61000 > 7 [F.] seq 5001 ack 0 win 100, "
		    "ttl 64, length 40\n");
}

const struct unit_test tcp_tests[] = {
	{ "tcp: decodes a real Linux SYN, every field and option", decodes_linux_syn },
	{ "tcp: emit then parse, with and without SYN options, odd data", emit_parse_round_trips },
	{ "tcp: SACK-permitted, timestamps, SACK blocks: Linux's layout, both ways", emit_sack_and_timestamps },
	{ "tcp: emit refuses more than 65535 bytes, parse beyond it", emit_refuses_over_65535 },
	{ "tcp: every truncated prefix is dropped, never read past", every_truncated_prefix },
	{ "tcp: data offset below 5 or past the end", bad_data_offset },
	{ "tcp: any flipped bit fails the checksum; 0 is not none", bad_checksum },
	{ "tcp: option lengths 0, 1, past the end, no length byte", option_walker_bounds },
	{ "tcp: unknown kind skipped, wscale capped, wrong lengths ignored", option_kinds },
	{ "tcp: SYN+FIN, SYN+RST, no flags refused; reserved bits ignored", bad_flags },
	{ "tcp: sequence numbers across 2^32 and the half-circle", sequence_numbers_wrap },
	{ "trace: a TCP connection, relative seq/ack per direction", trace_a_connection },
	{ "trace: TCP flag letters, options, malformed segments", trace_flags_and_malformed },
	{ "trace: the TCP flow table forgets the oldest first", trace_forgets_oldest_first },
	{ NULL, NULL },
};
