/*
 * test_frag.c - ipv4_fragment and reasm_add: fragment then reassemble in
 * every order, duplicates, overlaps, bad lengths, the ping of death,
 * timeouts, a full table.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/frag.h"
#include "../../lib/ipv4.h"
#include "../../lib/reasm.h"
#include "unit.h"

#define SRC	IPV4_ADDR(10, 10, 10, 2)
#define DST	IPV4_ADDR(10, 10, 10, 1)

/* About 1 MB each: static, like a program keeps them. */
static struct reasm rs;
static uint8_t dgram[IPV4_MAX_LEN];	/* the original datagram */
static uint8_t out[IPV4_MAX_LEN];	/* what reassembly writes */

static struct reasm *fresh_reasm(void)
{
	memset(&rs, 0, sizeof(rs));
	return &rs;
}

/* Payload bytes that differ from block to block and datagram to datagram,
 * so a piece put in the wrong place shows. */
static uint8_t pattern(uint16_t id, size_t i)
{
	return (uint8_t)(i * 7 + i / 251 + id);
}

/* A UDP datagram SRC -> DST of payload_len bytes.  With options, a 32-byte
 * header: Router Alert (type 148, copied flag set), Record Route (type 7,
 * not copied), End of Option List. */
static size_t make_datagram(uint8_t *b, uint16_t id, size_t payload_len,
			    bool options)
{
	static const uint8_t opts[12] = {
		0x94, 4, 0, 0,			/* Router Alert */
		0x07, 7, 4, 0, 0, 0, 0,		/* Record Route, one empty slot */
		0x00,				/* End of Option List */
	};
	size_t hlen = options ? 32 : 20, i;
	struct ipv4_hdr h = {
		.total_len = (uint16_t)(hlen + payload_len), .id = id,
		.ttl = 64, .proto = IPV4_PROTO_UDP, .src = SRC, .dst = DST,
	};

	ipv4_emit(&h, b, IPV4_HDR_LEN);
	if (options) {
		b[0] = 0x48;			/* IHL 8 */
		memcpy(b + 20, opts, sizeof(opts));
		put16(b + 10, 0);
		put16(b + 10, cksum(b, hlen));
	}
	for (i = 0; i < payload_len; i++)
		b[hlen + i] = pattern(id, i);
	return hlen + payload_len;
}

/* One hand-made fragment with a 20-byte header: len bytes of data at byte
 * offset off. */
static size_t make_fragment(uint8_t *b, uint16_t id, uint8_t proto, size_t off,
			    const uint8_t *data, size_t len, bool mf)
{
	struct ipv4_hdr h = {
		.total_len = (uint16_t)(IPV4_HDR_LEN + len), .id = id,
		.mf = mf, .frag_offset = (uint16_t)off, .ttl = 64,
		.proto = proto, .src = SRC, .dst = DST,
	};

	ipv4_emit(&h, b, IPV4_HDR_LEN);
	memcpy(b + IPV4_HDR_LEN, data, len);
	return IPV4_HDR_LEN + len;
}

/* What ipv4_fragment emitted, copied one after the other. */
#define MAX_PIECES 1400		/* 65515 bytes at MTU 68: 1365 */
static struct pieces {
	size_t n, used;
	size_t off[MAX_PIECES], len[MAX_PIECES];
	uint8_t buf[2 * IPV4_MAX_LEN];
} got;

static void collect(void *ctx, const uint8_t *frag, size_t len)
{
	struct pieces *p = ctx;

	CHECK(p->n < MAX_PIECES && p->used + len <= sizeof(p->buf));
	if (p->n == MAX_PIECES || p->used + len > sizeof(p->buf))
		return;
	memcpy(p->buf + p->used, frag, len);
	p->off[p->n] = p->used;
	p->len[p->n] = len;
	p->used += len;
	p->n++;
}

static enum drop fragment(const uint8_t *pkt, size_t len, int mtu)
{
	memset(&got, 0, sizeof(got));
	return ipv4_fragment(pkt, len, mtu, collect, &got);
}

static const uint8_t *piece(size_t i)
{
	return got.buf + got.off[i];
}

/* Parse a packet and hand it to reasm_add, as a rung 4 core would. */
static enum drop add(struct reasm *r, const uint8_t *pkt, size_t len,
		     uint64_t now_ms, size_t *out_len)
{
	struct ipv4_hdr ip;

	CHECK_EQ(ipv4_parse(pkt, len, &ip), DROP_NONE);
	CHECK(ipv4_is_fragment(&ip));
	return reasm_add(r, pkt, &ip, now_ms, out, sizeof(out), out_len);
}

static size_t slots_used(const struct reasm *r)
{
	size_t i, n = 0;

	for (i = 0; i < REASM_MAX_DATAGRAMS; i++)
		n += r->s[i].used;
	return n;
}

/* --- fragmentation ------------------------------------------------------ */

static void frag_fits_unchanged(void)
{
	size_t n = make_datagram(dgram, 1, 1480, false);

	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(got.n, 1);
	CHECK_EQ(got.len[0], 1500);
	CHECK(memcmp(piece(0), dgram, n) == 0);

	put16(dgram + 6, IPV4_FLAG_DF);		/* DF does not matter if it fits */
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 20));
	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(got.n, 1);
	CHECK(memcmp(piece(0), dgram, n) == 0);

	/* Bytes after Total Length (link padding) are not part of it. */
	CHECK_EQ(fragment(dgram, n + 10, 1500), DROP_NONE);
	CHECK_EQ(got.n, 1);
	CHECK_EQ(got.len[0], n);
}

static void frag_df_too_big(void)
{
	size_t n = make_datagram(dgram, 2, 1481, false);

	put16(dgram + 6, IPV4_FLAG_DF);
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 20));
	CHECK_EQ(fragment(dgram, n, 1500), DROP_IPV4_DF_TOO_BIG);
	CHECK_EQ(got.n, 0);

	n = make_datagram(dgram, 2, 100, false);	/* mtu below 68 */
	CHECK_EQ(fragment(dgram, n, 67), DROP_IPV4_DF_TOO_BIG);
	CHECK_EQ(got.n, 0);

	dgram[10] ^= 1;				/* a header that does not parse */
	CHECK_EQ(fragment(dgram, n, 68), DROP_IPV4_BAD_CHECKSUM);
	CHECK_EQ(got.n, 0);
}

static void frag_ping_4000(void)
{
	/* ping -s 4000: 8 bytes of ICMP header + 4000 of data. */
	static const size_t total[3] = { 1500, 1500, 1068 };
	static const size_t offset[3] = { 0, 1480, 2960 };
	size_t n = make_datagram(dgram, 3, 4008, false), i;

	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(got.n, 3);
	for (i = 0; i < got.n && i < 3; i++) {
		struct ipv4_hdr ip;

		REQUIRE_EQ(ipv4_parse(piece(i), got.len[i], &ip), DROP_NONE);
		CHECK_EQ(ip.total_len, total[i]);
		CHECK_EQ(got.len[i], total[i]);
		CHECK_EQ(ip.frag_offset, offset[i]);
		CHECK_EQ(get16(piece(i) + 6) & IPV4_OFFSET_MASK, offset[i] / 8);
		CHECK_EQ(ip.mf, i < 2);
		CHECK(!ip.df);
		CHECK_EQ(ip.id, 3);
		CHECK(memcmp(ip.payload, dgram + 20 + offset[i], ip.payload_len) == 0);
	}
}

static void frag_options_copied_flag(void)
{
	static const uint8_t later[12] = {
		0x94, 4, 0, 0,			/* Router Alert: copied */
		1, 1, 1, 1, 1, 1, 1,		/* Record Route became NOPs */
		0x00,
	};
	size_t n = make_datagram(dgram, 4, 2000, true), i;

	CHECK_EQ(fragment(dgram, n, 576), DROP_NONE);
	CHECK_EQ(got.n, 4);			/* (576 - 32) / 8 * 8 = 544 a piece */
	for (i = 0; i < got.n; i++) {
		struct ipv4_hdr ip;

		REQUIRE_EQ(ipv4_parse(piece(i), got.len[i], &ip), DROP_NONE);
		CHECK_EQ(ip.ihl, 8);
		CHECK(got.len[i] <= 576);
		CHECK_EQ(ip.frag_offset, i * 544);
		if (i == 0)
			CHECK(memcmp(piece(i) + 20, dgram + 20, 12) == 0);
		else
			CHECK(memcmp(piece(i) + 20, later, 12) == 0);
	}

	/* A malformed option (length 1) turns everything after it into NOPs
	 * instead of walking off the header. */
	dgram[20] = 0x94;
	dgram[21] = 1;
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 32));
	CHECK_EQ(fragment(dgram, n, 576), DROP_NONE);
	CHECK_EQ(got.n, 4);
	for (i = 20; i < 32; i++)
		CHECK_EQ(piece(1)[i], 1);
}

static void frag_a_fragment_again(void)
{
	size_t n = make_datagram(dgram, 5, 1480, false), i;
	struct ipv4_hdr ip;

	/* The middle fragment of something bigger, over a smaller link. */
	put16(dgram + 6, IPV4_FLAG_MF | 1480 / 8);
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 20));
	CHECK_EQ(fragment(dgram, n, 576), DROP_NONE);
	CHECK_EQ(got.n, 3);			/* 552 + 552 + 376 */
	for (i = 0; i < got.n; i++) {
		REQUIRE_EQ(ipv4_parse(piece(i), got.len[i], &ip), DROP_NONE);
		CHECK_EQ(ip.frag_offset, 1480 + i * 552);
		CHECK(ip.mf);			/* the last too: more follow */
	}

	/* An offset and length reaching past 65535: not passed on. */
	n = make_datagram(dgram, 5, 100, false);
	put16(dgram + 6, 8190);			/* 65520 + 100 bytes */
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 20));
	CHECK_EQ(fragment(dgram, n, 68), DROP_REASM_TOO_BIG);
	CHECK_EQ(got.n, 0);
}

/* --- reassembly ---------------------------------------------------------- */

static void reasm_every_order(void)
{
	struct reasm *r = fresh_reasm();
	size_t n = make_datagram(dgram, 6, 3000, true), out_len = 0;
	unsigned a, b, c, d, orders = 0;

	CHECK_EQ(fragment(dgram, n, 800), DROP_NONE);
	CHECK_EQ(got.n, 4);			/* 768 * 3 + 696 */
	for (a = 0; a < 4; a++)
	for (b = 0; b < 4; b++)
	for (c = 0; c < 4; c++)
	for (d = 0; d < 4; d++) {
		unsigned order[4] = { a, b, c, d }, k;
		struct ipv4_hdr ip;

		if (a == b || a == c || a == d || b == c || b == d || c == d)
			continue;
		orders++;
		for (k = 0; k < 4; k++) {
			enum drop why = add(r, piece(order[k]), got.len[order[k]],
					    1000 + k, &out_len);

			CHECK_EQ(why, DROP_NONE);
			CHECK_EQ(out_len, k < 3 ? 0 : n);
		}
		CHECK(memcmp(out, dgram, n) == 0);
		REQUIRE_EQ(ipv4_parse(out, out_len, &ip), DROP_NONE);
		CHECK(!ipv4_is_fragment(&ip));
		CHECK_EQ(slots_used(r), 0);
	}
	CHECK_EQ(orders, 24);
}

/* Fragment a datagram of payload_len bytes for mtu, reassemble the pieces
 * (last first, to make reassembly wait for the offset-0 one), compare. */
static void round_trip(size_t payload_len, int mtu)
{
	struct reasm *r = fresh_reasm();
	size_t n = make_datagram(dgram, (uint16_t)payload_len, payload_len, false);
	size_t i, out_len = 0;

	CHECK_EQ(fragment(dgram, n, mtu), DROP_NONE);
	if (n <= (size_t)mtu) {			/* fits: nothing to reassemble */
		CHECK_EQ(got.n, 1);
		CHECK(memcmp(piece(0), dgram, n) == 0);
		return;
	}
	CHECK(got.n >= 2);
	for (i = got.n; i-- > 0;) {
		CHECK(got.len[i] <= (size_t)mtu);
		CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len), DROP_NONE);
		CHECK_EQ(out_len, i > 0 ? 0 : n);
	}
	CHECK(memcmp(out, dgram, n) == 0);
}

static void reasm_round_trip(void)
{
	size_t len;

	for (len = 0; len <= 3000; len += 97) {
		round_trip(len, 576);
		round_trip(len, 1500);
	}
	round_trip(IPV4_MAX_LEN - IPV4_HDR_LEN, 1500);
	CHECK_EQ(got.n, 45);			/* 44 * 1480 + 395 */
	round_trip(IPV4_MAX_LEN - IPV4_HDR_LEN, IPV4_MIN_MTU);
}

static void reasm_duplicates_ignored(void)
{
	struct reasm *r = fresh_reasm();
	size_t n = make_datagram(dgram, 7, 3003, false), out_len = 0, i;

	CHECK_EQ(fragment(dgram, n, 1000), DROP_NONE);
	CHECK_EQ(got.n, 4);			/* 976 * 3 + 75 */
	/* The last one first, twice: its final block is a partial one. */
	CHECK_EQ(add(r, piece(3), got.len[3], 0, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(3), got.len[3], 0, &out_len), DROP_REASM_DUPLICATE);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len), DROP_NONE);
		if (i < 2) {
			CHECK_EQ(out_len, 0);
			CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len),
				 DROP_REASM_DUPLICATE);
			CHECK_EQ(out_len, 0);
		}
	}
	CHECK_EQ(out_len, n);
	CHECK(memcmp(out, dgram, n) == 0);
}

static void reasm_exact_overlap_is_duplicate(void)
{
	struct reasm *r = fresh_reasm();
	uint8_t frag[2100];
	size_t n = make_datagram(dgram, 8, 3000, false), out_len = 0, fl;

	CHECK_EQ(fragment(dgram, n, 1000), DROP_NONE);
	CHECK_EQ(add(r, piece(0), got.len[0], 0, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(1), got.len[1], 0, &out_len), DROP_NONE);
	/* Part of one piece, then a span of two pieces, the same bytes. */
	fl = make_fragment(frag, 8, IPV4_PROTO_UDP, 8, dgram + 20 + 8, 16, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_DUPLICATE);
	fl = make_fragment(frag, 8, IPV4_PROTO_UDP, 0, dgram + 20, 1952, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_DUPLICATE);
	CHECK_EQ(add(r, piece(2), got.len[2], 0, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(3), got.len[3], 0, &out_len), DROP_NONE);
	CHECK_EQ(out_len, n);
	CHECK(memcmp(out, dgram, n) == 0);
}

static void reasm_overlap_drops_datagram(void)
{
	struct reasm *r = fresh_reasm();
	uint8_t frag[2100];
	size_t n = make_datagram(dgram, 9, 3000, false), out_len = 0, fl, i;

	CHECK_EQ(fragment(dgram, n, 1000), DROP_NONE);

	/* Same place, one byte different: the RFC 1858 rewrite. */
	CHECK_EQ(add(r, piece(0), got.len[0], 0, &out_len), DROP_NONE);
	memcpy(frag, piece(0), got.len[0]);
	frag[20 + 2] ^= 0xff;			/* the UDP destination port */
	CHECK_EQ(add(r, frag, got.len[0], 0, &out_len), DROP_REASM_OVERLAP);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);
	CHECK_EQ(reasm_next_deadline(r), UINT64_MAX);
	/* The rest starts a new datagram that lacks offset 0: never done. */
	for (i = 1; i < 4; i++) {
		CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len), DROP_NONE);
		CHECK_EQ(out_len, 0);
	}

	/* Partly over held bytes, partly over a hole, same bytes or not. */
	r = fresh_reasm();
	CHECK_EQ(add(r, piece(0), got.len[0], 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 9, IPV4_PROTO_UDP, 968, dgram + 20 + 968, 16, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_OVERLAP);
	CHECK_EQ(slots_used(r), 0);

	/* The same, in a slot whose stale bytes from an earlier, completed
	 * datagram happen to match: the seen bits decide, not the bytes. */
	r = fresh_reasm();
	for (i = 0; i < 4; i++)
		CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len), DROP_NONE);
	CHECK_EQ(out_len, n);
	CHECK_EQ(add(r, piece(0), got.len[0], 0, &out_len), DROP_NONE);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_OVERLAP);
	CHECK_EQ(slots_used(r), 0);

	/* The last fragment overlapping the one before it. */
	r = fresh_reasm();
	CHECK_EQ(add(r, piece(2), got.len[2], 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 9, IPV4_PROTO_UDP, 2920, dgram + 20 + 2920, 80, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_OVERLAP);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);
}

static void reasm_bad_lengths(void)
{
	struct reasm *r = fresh_reasm();
	uint8_t data[64] = { 0 }, frag[128];
	size_t fl, out_len = 7;

	/* MF set and 12 bytes: the next offset could not be written. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 0, data, 12, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);
	/* ... and it takes a datagram in progress with it. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 0, data, 16, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 16, data, 12, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);

	/* An empty fragment. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 800, data, 0, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);

	/* Past the end a last fragment gave: 1000 + 4, then 8 at 1000. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 1000, data, 4, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 1000, data, 8, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);

	/* A second last fragment with a different end, shorter and longer. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 800, data, 10, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 800, data, 5, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 800, data, 10, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 808, data, 10, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);

	/* A last fragment ending before bytes already held. */
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 800, data, 16, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 10, IPV4_PROTO_UDP, 792, data, 4, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_BAD_LENGTH);
	CHECK_EQ(slots_used(r), 0);
}

static void reasm_ping_of_death(void)
{
	struct reasm *r = fresh_reasm();
	uint8_t data[64] = { 0 }, frag[128];
	size_t fl, out_len = 0;

	/* Offset 65528 (the field's largest, 8191) + 16 bytes = 65544. */
	fl = make_fragment(frag, 11, IPV4_PROTO_ICMP, 0, data, 16, true);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 11, IPV4_PROTO_ICMP, 65528, data, 16, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_TOO_BIG);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);
	/* The largest legal end, 65515, is fine. */
	fl = make_fragment(frag, 11, IPV4_PROTO_ICMP, 65504, data, 11, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_NONE);
	fl = make_fragment(frag, 11, IPV4_PROTO_ICMP, 65504, data, 12, false);
	CHECK_EQ(add(r, frag, fl, 0, &out_len), DROP_REASM_TOO_BIG);
}

static void reasm_first_options_count(void)
{
	static uint8_t big[IPV4_MAX_LEN];
	struct reasm *r = fresh_reasm();
	size_t n = make_datagram(dgram, 12, 8, true), out_len = 0, fl;
	struct ipv4_hdr ip;

	/* A first fragment with a 32-byte header and 8 bytes ... */
	put16(dgram + 6, IPV4_FLAG_MF);
	put16(dgram + 10, 0);
	put16(dgram + 10, cksum(dgram, 32));
	REQUIRE_EQ(ipv4_parse(dgram, n, &ip), DROP_NONE);
	CHECK_EQ(reasm_add(r, dgram, &ip, 0, out, sizeof(out), &out_len), DROP_NONE);
	/* ... and the rest up to 65515 bytes: 32 + 65515 > 65535, however
	 * big the out buffer. */
	fl = make_fragment(big, 12, IPV4_PROTO_UDP, 8, dgram, 65515 - 8, false);
	REQUIRE_EQ(ipv4_parse(big, fl, &ip), DROP_NONE);
	CHECK_EQ(reasm_add(r, big, &ip, 0, got.buf, sizeof(got.buf), &out_len),
		 DROP_REASM_TOO_BIG);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);

	/* An out buffer too small for the datagram is the same. */
	n = make_datagram(dgram, 13, 3000, false);
	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(add(r, piece(0), got.len[0], 0, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(1), got.len[1], 0, &out_len), DROP_NONE);
	REQUIRE_EQ(ipv4_parse(piece(2), got.len[2], &ip), DROP_NONE);
	CHECK_EQ(reasm_add(r, piece(2), &ip, 0, out, n - 1, &out_len),
		 DROP_REASM_TOO_BIG);
	CHECK_EQ(out_len, 0);
	CHECK_EQ(slots_used(r), 0);
}

static void reasm_keys_do_not_mix(void)
{
	struct reasm *r = fresh_reasm();
	static uint8_t other[IPV4_MAX_LEN];
	static struct pieces got2;
	size_t n = make_datagram(dgram, 14, 2000, false), out_len = 0, i;

	/* The same id, another protocol: another datagram (RFC 791 3.2). */
	make_datagram(other, 14, 2000, false);
	other[9] = IPV4_PROTO_TCP;
	for (i = 0; i < 2000; i++)
		other[20 + i] = (uint8_t)~other[20 + i];
	put16(other + 10, 0);
	put16(other + 10, cksum(other, 20));
	CHECK_EQ(ipv4_fragment(other, n, 1000, collect, &got2), DROP_NONE);
	CHECK_EQ(fragment(dgram, n, 1000), DROP_NONE);
	CHECK_EQ(got.n, 3);
	CHECK_EQ(got2.n, 3);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(add(r, piece(i), got.len[i], 0, &out_len), DROP_NONE);
		CHECK_EQ(out_len, i < 2 ? 0 : n);
		if (i < 2)
			CHECK_EQ(slots_used(r), 2 - (i == 0));
		else
			CHECK(memcmp(out, dgram, n) == 0);
		CHECK_EQ(add(r, got2.buf + got2.off[i], got2.len[i], 0, &out_len),
			 DROP_NONE);
		CHECK_EQ(out_len, i < 2 ? 0 : n);
	}
	CHECK(memcmp(out, other, n) == 0);
	CHECK_EQ(slots_used(r), 0);
}

static void reasm_timeout(void)
{
	struct reasm *r = fresh_reasm();
	uint8_t first[REASM_FIRST_MAX];
	size_t n = make_datagram(dgram, 15, 3000, false), out_len = 0, first_len = 99;

	CHECK_EQ(reasm_next_deadline(r), UINT64_MAX);
	CHECK(!reasm_expire(r, UINT64_MAX, first, &first_len));
	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);

	/* The first fragment came: it is quoted, header and 8 bytes. */
	CHECK_EQ(add(r, piece(0), got.len[0], 1000, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(1), got.len[1], 5000, &out_len), DROP_NONE);
	CHECK_EQ(reasm_next_deadline(r), 1000 + REASM_TIMEOUT_MS);
	CHECK(!reasm_expire(r, 1000 + REASM_TIMEOUT_MS - 1, first, &first_len));
	CHECK(reasm_expire(r, 1000 + REASM_TIMEOUT_MS, first, &first_len));
	CHECK_EQ(first_len, 20 + 8);
	CHECK(memcmp(first, piece(0), 28) == 0);
	CHECK_EQ(reasm_next_deadline(r), UINT64_MAX);
	CHECK(!reasm_expire(r, UINT64_MAX, first, &first_len));

	/* Only later fragments came: nothing to quote, so no ICMP error. */
	CHECK_EQ(add(r, piece(2), got.len[2], 2000, &out_len), DROP_NONE);
	CHECK_EQ(add(r, piece(1), got.len[1], 3000, &out_len), DROP_NONE);
	CHECK_EQ(reasm_next_deadline(r), 2000 + REASM_TIMEOUT_MS);
	CHECK(reasm_expire(r, 2000 + REASM_TIMEOUT_MS, first, &first_len));
	CHECK_EQ(first_len, 0);

	/* Three due at once, begun at 200, 100, 300 (ids 15, 16, 17): the
	 * longest waiting goes first, whatever slot it is in. */
	CHECK_EQ(add(r, piece(0), got.len[0], 200, &out_len), DROP_NONE);
	make_datagram(dgram, 16, 3000, false);
	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(add(r, piece(0), got.len[0], 100, &out_len), DROP_NONE);
	make_datagram(dgram, 17, 3000, false);
	CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
	CHECK_EQ(add(r, piece(0), got.len[0], 300, &out_len), DROP_NONE);
	CHECK_EQ(reasm_next_deadline(r), 100 + REASM_TIMEOUT_MS);
	CHECK(reasm_expire(r, 1000000, first, &first_len));
	CHECK_EQ(get16(first + 4), 16);
	CHECK_EQ(reasm_next_deadline(r), 200 + REASM_TIMEOUT_MS);
	CHECK(reasm_expire(r, 1000000, first, &first_len));
	CHECK_EQ(get16(first + 4), 15);
	CHECK(reasm_expire(r, 1000000, first, &first_len));
	CHECK_EQ(get16(first + 4), 17);
	CHECK(!reasm_expire(r, 1000000, first, &first_len));
}

static void reasm_table_full(void)
{
	struct reasm *r = fresh_reasm();
	size_t n = 0, out_len = 0, i;
	uint16_t id;

	/* 17 datagrams begun, one ms apart: the 17th evicts the 1st. */
	for (id = 100; id < 100 + REASM_MAX_DATAGRAMS + 1; id++) {
		n = make_datagram(dgram, id, 3000, false);
		CHECK_EQ(fragment(dgram, n, 1500), DROP_NONE);
		CHECK_EQ(add(r, piece(0), got.len[0], id, &out_len), DROP_NONE);
		CHECK_EQ(out_len, 0);
		CHECK_EQ(r->evicted, id < 100 + REASM_MAX_DATAGRAMS ? 0 : 1);
		CHECK_EQ(slots_used(r), id < 100 + REASM_MAX_DATAGRAMS ? id - 99 :
			 REASM_MAX_DATAGRAMS);
	}
	for (i = 0; i < REASM_MAX_DATAGRAMS; i++)
		CHECK(r->s[i].id != 100);
	CHECK_EQ(reasm_next_deadline(r), 101 + REASM_TIMEOUT_MS);

	/* The newest still completes, in the fixed table. */
	for (i = 1; i < got.n; i++)
		CHECK_EQ(add(r, piece(i), got.len[i], 200, &out_len), DROP_NONE);
	CHECK_EQ(out_len, n);
	CHECK(memcmp(out, dgram, n) == 0);
	CHECK_EQ(slots_used(r), REASM_MAX_DATAGRAMS - 1);
	CHECK_EQ(r->evicted, 1);
}

static void drop_names(void)
{
	CHECK(strcmp(drop_name(DROP_REASM_BAD_LENGTH), "reasm_bad_length") == 0);
	CHECK(strcmp(drop_name(DROP_REASM_TOO_BIG), "reasm_too_big") == 0);
	CHECK(strcmp(drop_name(DROP_REASM_DUPLICATE), "reasm_duplicate") == 0);
	CHECK(strcmp(drop_name(DROP_REASM_OVERLAP), "reasm_overlap") == 0);
	CHECK(strcmp(drop_name(DROP_IPV4_DF_TOO_BIG), "ipv4_df_too_big") == 0);
}

const struct unit_test frag_tests[] = {
	{ "frag: a datagram that fits passes unchanged", frag_fits_unchanged },
	{ "frag: DF and too big is refused, nothing emitted", frag_df_too_big },
	{ "frag: ping -s 4000 over 1500 is offsets 0, 185, 370", frag_ping_4000 },
	{ "frag: later fragments keep only copied options", frag_options_copied_flag },
	{ "frag: a fragment fragmented again keeps MF", frag_a_fragment_again },
	{ "reasm: 4 fragments in all 24 orders", reasm_every_order },
	{ "reasm: fragment then reassemble, 0..3000 and 65515 bytes", reasm_round_trip },
	{ "reasm: duplicates ignored, completion still works", reasm_duplicates_ignored },
	{ "reasm: exact overlap with the same bytes is a duplicate", reasm_exact_overlap_is_duplicate },
	{ "reasm: overlap with other bytes drops the datagram", reasm_overlap_drops_datagram },
	{ "reasm: bad lengths drop the datagram", reasm_bad_lengths },
	{ "reasm: ping of death (offset 65528 + 16) is too big", reasm_ping_of_death },
	{ "reasm: first fragment's options count toward 65535", reasm_first_options_count },
	{ "reasm: same id, other protocol, do not mix", reasm_keys_do_not_mix },
	{ "reasm: timeout, quoting the first fragment if it came", reasm_timeout },
	{ "reasm: full table evicts the oldest and counts it", reasm_table_full },
	{ "drop: reassembly and fragmentation reason names", drop_names },
	{ NULL, NULL },
};
