/*
 * test_cksum.c - RFC 1071 checksums, odd lengths, and RFC 1624 incremental
 * update checked exhaustively against the famous one-line shortcut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "unit.h"

/* A second, independent way to compute the checksum: the one's complement
 * sum of 16-bit words is the ordinary sum modulo 0xffff (RFC 1071 2(B)),
 * except that a non-zero total that is a multiple of 0xffff is 0xffff. */
static uint16_t reference(const uint8_t *d, size_t len)
{
	uint64_t s = 0, r;
	size_t i;

	for (i = 0; i < len; i++)
		s += (i & 1) ? d[i] : (uint64_t)d[i] << 8;
	r = s % 0xffff;
	if (r == 0 && s != 0)
		r = 0xffff;
	return (uint16_t)~r;
}

static void rfc1071_example(void)
{
	/* RFC 1071 section 3: these bytes sum to ddf2 (one's complement). */
	const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(cksum_add(0, d, sizeof(d)), 0xddf2);
	CHECK_EQ(cksum(d, sizeof(d)), 0x220d);
}

static void ipv4_header_example(void)
{
	/* A real IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199), checksum b861. */
	uint8_t h[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	CHECK_EQ(cksum(h, sizeof(h)), 0);	/* verifies */
	h[10] = h[11] = 0;
	CHECK_EQ(cksum(h, sizeof(h)), 0xb861);	/* computes */
}

static void odd_lengths(void)
{
	const uint8_t one[] = { 0x01 };
	uint8_t buf[301];
	size_t len, i;

	/* An odd last byte is padded with zero on the right: 0x0100. */
	CHECK_EQ(cksum(one, 1), 0xfeff);
	CHECK_EQ(cksum(NULL, 0), 0xffff);
	srand(7);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (len = 0; len <= sizeof(buf); len++)
		CHECK_EQ(cksum(buf, len), reference(buf, len));
	/* All ones, the case where sums overflow most. */
	memset(buf, 0xff, sizeof(buf));
	for (len = 0; len <= sizeof(buf); len++)
		CHECK_EQ(cksum(buf, len), reference(buf, len));
}

static void chained_pieces(void)
{
	uint8_t buf[64];
	size_t i, cut;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	/* Even-length pieces may be added one after the other. */
	for (cut = 0; cut <= 62; cut += 2)
		CHECK_EQ(cksum_finish(cksum_add(cksum_add(0, buf, cut), buf + cut,
						 63 - cut)),
			 cksum(buf, 63));
}

static void pseudo_header(void)
{
	uint8_t p[12] = { 10, 10, 10, 2, 10, 10, 10, 1, 0, 17, 0x05, 0xdc };

	CHECK_EQ(cksum_finish(cksum_pseudo_ipv4(0x0a0a0a02, 0x0a0a0a01, 17, 1500)),
		 cksum(p, sizeof(p)));
}

/*
 * The exhaustive measurement behind lesson 01.  For every value HC the ICMP
 * checksum of an echo request can take, build such a request, turn it into a
 * reply (type 8 -> 0) three ways, and verify the reply's checksum in full:
 *
 *   rfc1624   cksum_update16(HC, 0x0800, 0x0000), what tun_echo does
 *   shortcut  the seed posts' *((unsigned short *)&buf[22]) += 8, done on this
 *             machine (through memcpy: the cast itself breaks C's aliasing rule)
 *   be        the same line as a big-endian machine would run it: the 16-bit
 *             value read big-endian, plus 8
 */
struct measure {
	int reachable, rfc1624_wrong, shortcut_wrong, be_wrong;
	uint16_t shortcut_bad[16];
};

/* An 8-byte ICMP header and 8 bytes of data whose checksum is exactly hc.
 * Returns 0 if the result does not verify (it always does). */
static int make_request(uint8_t m[16], uint16_t hc)
{
	uint32_t rest, sum;
	uint16_t w;

	memset(m, 0, 16);
	m[0] = 8;			/* echo request */
	put16(m + 4, 0x1234);		/* identifier */
	put16(m + 6, 1);		/* sequence */
	memcpy(m + 8, "tunlab!", 7);
	/* Choose the last data word w so that ~(rest + w) == hc, that is
	 * w = ~hc - rest = ~hc + ~rest in one's complement arithmetic. */
	rest = cksum_add(0, m, 14);
	sum = (uint16_t)~hc + (uint16_t)~rest;
	w = (uint16_t)((sum & 0xffff) + (sum >> 16));
	put16(m + 14, w);
	put16(m + 2, hc);
	return cksum(m, 16) == 0;
}

static void measure_all(struct measure *r)
{
	uint32_t hc;

	memset(r, 0, sizeof(*r));
	for (hc = 0; hc <= 0xffff; hc++) {
		uint8_t req[16], m[16];
		uint16_t v;

		if (!make_request(req, (uint16_t)hc))
			continue;
		r->reachable++;

		memcpy(m, req, 16);		/* RFC 1624 equation 3 */
		m[0] = 0;
		put16(m + 2, cksum_update16(get16(req + 2), 0x0800, 0x0000));
		if (cksum(m, 16) != 0)
			r->rfc1624_wrong++;

		memcpy(m, req, 16);		/* the shortcut, native order */
		m[0] = 0;
		memcpy(&v, m + 2, 2);
		v = (uint16_t)(v + 8);
		memcpy(m + 2, &v, 2);
		if (cksum(m, 16) != 0) {
			if (r->shortcut_wrong < 16)
				r->shortcut_bad[r->shortcut_wrong] = (uint16_t)hc;
			r->shortcut_wrong++;
		}

		memcpy(m, req, 16);		/* the shortcut on big-endian */
		m[0] = 0;
		put16(m + 2, (uint16_t)(get16(m + 2) + 8));
		if (cksum(m, 16) != 0)
			r->be_wrong++;
	}
}

static void shortcut_vs_rfc1624_all_65536(void)
{
	const uint16_t one = 1;
	int little_endian = *(const uint8_t *)&one == 1;
	struct measure r;
	int i;

	measure_all(&r);
	/* A request can carry every one of the 65536 values and verify.  (A
	 * sender that computes ~sum, as Linux does, never writes 0xffff, but
	 * a receiver accepts it: RFC 1624 section 3.) */
	CHECK_EQ(r.reachable, 65536);
	CHECK_EQ(r.rfc1624_wrong, 0);
	CHECK_EQ(r.be_wrong, 65536);
	fprintf(stderr, "  # %s machine: of %d request checksums, RFC 1624 gets %d "
		"wrong, the shortcut %d, the shortcut on big-endian %d\n",
		little_endian ? "little-endian" : "big-endian", r.reachable,
		r.rfc1624_wrong, r.shortcut_wrong, r.be_wrong);
	fprintf(stderr, "  # shortcut wrong for:");
	for (i = 0; i < r.shortcut_wrong && i < 16; i++)
		fprintf(stderr, " 0x%04x", r.shortcut_bad[i]);
	fprintf(stderr, "\n");
	if (little_endian) {
		/* Adding 8 to the low-addressed byte is adding 0x0800 to the
		 * checksum, and the carry out of that byte lands in the other
		 * byte: an end-around carry, as one's complement needs.  It goes
		 * wrong only when that carry ripples out of the 16 bits, which
		 * needs the high byte >= 0xf8 and the low byte 0xff. */
		CHECK_EQ(r.shortcut_wrong, 8);
		for (i = 0; i < 8 && i < r.shortcut_wrong; i++)
			CHECK_EQ(r.shortcut_bad[i], 0xf8ff + 0x100 * i);
	}
}

/* The fast sum equals the RFC 1071 loop on every length 0..2000, at every
 * alignment of the start (0..7), from a few starting partial sums, on
 * random bytes and on all-0xff (where every carry is taken). */
static void fast_equals_simple(void)
{
	static uint8_t buf[2000 + 8];
	static const uint32_t starts[] = { 0, 1, 0xffff, 0x1fffe, 0x7fffffff };
	uint64_t x = 0x243f6a8885a308d3ull;
	size_t len, off, i, s, bad = 0;
	int fill;

	for (fill = 0; fill < 2; fill++) {
		for (i = 0; i < sizeof(buf); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = fill ? 0xff : (uint8_t)x;
		}
		for (len = 0; len <= 2000; len++)
			for (off = 0; off < 8; off++)
				for (s = 0; s < sizeof(starts) / sizeof(starts[0]); s++)
					if (cksum_finish(cksum_add(starts[s], buf + off, len)) !=
					    cksum_finish(cksum_add_simple(starts[s], buf + off, len)))
						bad++;
	}
	CHECK_EQ(bad, 0);
}

const struct unit_test cksum_tests[] = {
	{ "cksum: fast sum equals the RFC 1071 loop, lengths 0..2000", fast_equals_simple },
	{ "cksum: RFC 1071 example", rfc1071_example },
	{ "cksum: IPv4 header example", ipv4_header_example },
	{ "cksum: odd lengths against a reference", odd_lengths },
	{ "cksum: chained even pieces", chained_pieces },
	{ "cksum: pseudo-header", pseudo_header },
	{ "cksum: shortcut vs RFC 1624 for all 65536 checksums", shortcut_vs_rfc1624_all_65536 },
	{ NULL, NULL },
};
