/*
 * test_syncookie.c - SYN cookies (tcp_mini/syncookie.c, RFC 4987 3.6):
 * what a cookie carries comes back out; a cookie for anything else, a
 * changed bit, an old cookie or a guess is refused.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../lib/bytes.h"
#include "../../lib/ipv4.h"
#include "../../lib/siphash.h"
#include "../../tcp_mini/tcp_mini.h"

#define US	IPV4_ADDR(10, 10, 10, 1)
#define PEER	IPV4_ADDR(10, 10, 10, 2)
#define LPORT	7
#define RPORT	40000
#define IRS	seq(0x12345678)
#define PERIOD	60000		/* ms: syncookie.c's period */

static const uint8_t MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };

static struct tcp_mini st;
static struct txq tx;

/* A state with the key 00 01 .. 0f. */
static void setup(void)
{
	uint8_t key[SIPHASH_KEY_LEN];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	tcp_mini_init(&st, MAC, US, LPORT, 1500, 1, 1, 0, &tx);
	tcp_mini_set_key(&st, key);
}

static seq_t make(const struct tcp_cookie *w, uint64_t now_ms)
{
	return tcp_cookie_make(&st, PEER, LPORT, RPORT, IRS, w, now_ms);
}

static bool check(seq_t iss, uint64_t now_ms, struct tcp_cookie *w)
{
	return tcp_cookie_check(&st, PEER, LPORT, RPORT, IRS, iss, now_ms, w);
}

/* splitmix64: a fixed stream of guesses, the same on every run. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Every MSS comes back as the largest table value not above it (536 for
 * less), with every window scale (none, 0, 7, 14; 15 is read as 14, RFC
 * 7323 2.3) and both SACK settings, at several moments. */
static void round_trip(void)
{
	static const struct { uint16_t in, out; } mss[] = {
		{ 536, 536 }, { 1220, 1220 }, { 1440, 1440 }, { 1460, 1460 },
		{ 537, 536 }, { 1219, 536 }, { 1439, 1220 }, { 1459, 1440 },
		{ 1500, 1460 }, { 65535, 1460 }, { 100, 536 }, { 0, 536 },
	};
	static const struct { bool has; uint8_t in, out; } ws[] = {
		{ false, 0, 0 }, { true, 0, 0 }, { true, 7, 7 }, { true, 14, 14 },
		{ true, 15, 14 },
	};
	static const uint64_t when[] = { 0, 59999, 60000, 1234567, 1000000000000ull };
	struct tcp_cookie in, out;
	size_t m, w, s, t;
	seq_t iss;

	setup();
	for (m = 0; m < sizeof(mss) / sizeof(mss[0]); m++)
		for (w = 0; w < sizeof(ws) / sizeof(ws[0]); w++)
			for (s = 0; s < 2; s++)
				for (t = 0; t < sizeof(when) / sizeof(when[0]); t++) {
					in.mss = mss[m].in;
					in.has_wscale = ws[w].has;
					in.wscale = ws[w].in;
					in.sack_ok = s;
					iss = make(&in, when[t]);
					memset(&out, 0xa5, sizeof(out));
					REQUIRE(check(iss, when[t], &out));
					CHECK_EQ(out.mss, mss[m].out);
					CHECK_EQ(out.has_wscale, ws[w].has);
					CHECK_EQ(out.wscale, ws[w].out);
					CHECK_EQ(out.sack_ok, s);
				}
	/* what may be NULL: only the verdict is wanted. */
	CHECK(check(make(&in, 5000), 5000, NULL));
}

/* The bits are where syncookie.c's diagram says, and H is SipHash-2-4
 * of the 33-byte message it describes: the label "syncook1", our
 * address and port, the peer's, IRS, the 64-bit period, the top byte. */
static void layout_as_documented(void)
{
	struct tcp_cookie w = { .mss = 1460, .has_wscale = true, .wscale = 7,
				.sack_ok = true };
	uint8_t m[33], key[SIPHASH_KEY_LEN];
	uint32_t v;
	size_t i;

	setup();
	v = make(&w, 61000).v;		/* period 1: P = 1 */
	/* P 1, M 3 (1460), W 8 (shift 7), S 1: 1 11 1000 1 */
	CHECK_EQ(v >> 24, 0xf1);
	memcpy(m, "syncook1", 8);
	put32(m + 8, US);
	put16(m + 12, LPORT);
	put32(m + 14, PEER);
	put16(m + 18, RPORT);
	put32(m + 20, IRS.v);
	put32(m + 24, 0);
	put32(m + 28, 1);
	m[32] = 0xf1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	CHECK_EQ(v & 0xffffff, siphash24(key, m, sizeof(m)) & 0xffffff);
	/* No options, period 2: P 0, M 0, W 0, S 0. */
	w = (struct tcp_cookie){ .mss = 536 };
	CHECK_EQ(make(&w, 2 * PERIOD).v >> 24, 0x00);
}

/* A cookie is for one four-tuple and one client ISN: another remote
 * address, remote port, local port or IRS refuses it, and so does the
 * same SYN sent to another of our addresses. */
static void bound_to_the_syn(void)
{
	struct tcp_cookie w = { .mss = 1460, .has_wscale = true, .wscale = 7 };
	uint64_t now = 1000000;
	seq_t iss;

	setup();
	iss = make(&w, now);
	REQUIRE(check(iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, PEER + 1, LPORT, RPORT, IRS, iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, IPV4_ADDR(192, 168, 1, 2), LPORT, RPORT, IRS,
				iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, PEER, LPORT, RPORT + 1, IRS, iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, PEER, LPORT + 1, RPORT, IRS, iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, PEER, RPORT, LPORT, IRS, iss, now, NULL));
	CHECK(!tcp_cookie_check(&st, PEER, LPORT, RPORT, seq_add(IRS, 1), iss, now,
				NULL));
	CHECK(!tcp_cookie_check(&st, PEER, LPORT, RPORT, seq_add(IRS, 0xffffffffu),
				iss, now, NULL));
	st.host.ip.addr = US + 1;
	CHECK(!check(iss, now, NULL));
	st.host.ip.addr = US;
	CHECK(check(iss, now, NULL));
}

/* Every one of the 32 bits counts: the hash bits, and the top byte's
 * too (the top byte is hashed), in cookies of either parity. */
static void every_bit_counts(void)
{
	static const struct tcp_cookie ws[] = {
		{ .mss = 536 },
		{ .mss = 1460, .has_wscale = true, .wscale = 7, .sack_ok = true },
		{ .mss = 1220, .has_wscale = true, .wscale = 14 },
		{ .mss = 1440, .has_wscale = true, .wscale = 0, .sack_ok = true },
	};
	static const uint64_t when[] = { 30000, 90000 };
	size_t i, t;
	unsigned bit;
	seq_t iss;

	setup();
	for (i = 0; i < sizeof(ws) / sizeof(ws[0]); i++)
		for (t = 0; t < 2; t++) {
			iss = make(&ws[i], when[t]);
			REQUIRE(check(iss, when[t], NULL));
			for (bit = 0; bit < 32; bit++) {
				if (check(seq(iss.v ^ (UINT32_C(1) << bit)), when[t], NULL))
					fprintf(stderr, "  bit %u of cookie %zu at %llu\n", bit, i,
						(unsigned long long)when[t]);
				CHECK(!check(seq(iss.v ^ (UINT32_C(1) << bit)), when[t], NULL));
			}
		}
}

/* Accepted in the period it was made in and the next: until
 * (t / 60000 + 2) * 60000 ms, not a millisecond more.  So at least 60 s
 * (made at the end of a period), at most 120 s (at its start).  And
 * nothing from before the clock's first period. */
static void expires_after_the_next_period(void)
{
	static const uint64_t when[] = { 0, 1, 59999, 60000, 119999, 1234567,
					 1000000000000ull };
	struct tcp_cookie w = { .mss = 1440, .has_wscale = true, .wscale = 2 };
	uint64_t t, end;
	size_t i;
	seq_t iss;

	setup();
	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		t = when[i];
		end = (t / PERIOD + 2) * PERIOD;
		iss = make(&w, t);
		CHECK(check(iss, t, NULL));
		CHECK(check(iss, t + PERIOD - 1, NULL));	/* 60 s, always */
		CHECK(check(iss, end - 1, NULL));	/* just before */
		CHECK(!check(iss, end, NULL));		/* just after */
		CHECK(!check(iss, end + PERIOD, NULL));
		CHECK(!check(iss, end + 10 * PERIOD + 1234, NULL));
	}
	/* The two extremes, said in seconds. */
	iss = make(&w, 0);
	CHECK(check(iss, 119999, NULL));
	CHECK(!check(iss, 120000, NULL));
	iss = make(&w, 59999);
	CHECK(check(iss, 60000 + 59999, NULL));
	CHECK(!check(iss, 120000, NULL));
	/* In period 0, a cookie claiming the period before (P = 1) is
	 * refused without a hash: there was none. */
	iss = make(&w, PERIOD);		/* P = 1 */
	CHECK(!check(iss, 0, NULL));
}

/* The cookie is as secret as the key: another key (one bit of it), other
 * cookies; the key again, the same cookie. */
static void depends_on_the_key(void)
{
	struct tcp_cookie w = { .mss = 1460, .has_wscale = true, .wscale = 7 };
	uint8_t key[SIPHASH_KEY_LEN];
	seq_t a, b;
	size_t i;

	setup();
	a = make(&w, 1000);
	memcpy(key, st.isn_key, sizeof(key));
	for (i = 0; i < 8 * sizeof(key); i += 13) {
		key[i / 8] ^= (uint8_t)(1u << (i % 8));
		tcp_mini_set_key(&st, key);
		b = make(&w, 1000);
		CHECK(a.v != b.v);
		CHECK_EQ(a.v >> 24, b.v >> 24);	/* the fields are the same */
		CHECK(!check(a, 1000, NULL));	/* and the old cookie fails */
		key[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	tcp_mini_set_key(&st, key);
	CHECK_EQ(make(&w, 1000).v, a.v);
	CHECK(check(a, 1000, NULL));
}

/* A blind attacker's odds: every top byte decodes to something valid, so
 * a random ISN passes when its 24 hash bits are right, 1 in 2^24.  2^20
 * random guesses at one four-tuple and IRS: 1/16 expected to pass.  At
 * most 3 may (Poisson(1/16): more than 3 has a chance of 1 in 1.5 million;
 * key and guesses are fixed, so the outcome is the same every run).
 * Half the guesses are made in another period, where P names the other
 * period of the two. */
static void guesses_pass_at_two_to_the_minus_24(void)
{
	uint64_t s = 20240601, now;
	unsigned long n, passed = 0;

	setup();
	for (n = 0; n < (1ul << 20); n++) {
		now = n & 1 ? 1234567 : 1234567 + PERIOD;
		if (check(seq((uint32_t)next_random(&s)), now, NULL))
			passed++;
	}
	fprintf(stderr, "  %lu of %lu random guesses passed (1/16 expected)\n", passed, n);
	CHECK(passed <= 3);
}

/* The same odds counted, not sampled: of the 2^24 ISNs with a given top
 * byte, exactly one passes (H is a function of the rest), so of all 2^32
 * exactly 256 do, 2^-24 of them. */
static void one_in_two_to_the_24_exactly(void)
{
	struct tcp_cookie w = { .mss = 1220, .has_wscale = true, .wscale = 3 };
	uint32_t top, h, passed = 0;
	seq_t iss;

	setup();
	iss = make(&w, 1234567);
	top = iss.v & ~UINT32_C(0xffffff);
	for (h = 0; h <= 0xffffff; h++)
		if (check(seq(top | h), 1234567, NULL))
			passed++;
	CHECK_EQ(passed, 1);
}

const struct unit_test syncookie_tests[] = {
	{ "syn cookie: round trip: MSS rounded down, window scale none/0/7/14, SACK", round_trip },
	{ "syn cookie: bits and hash are laid out as documented", layout_as_documented },
	{ "syn cookie: fails for another address, port, or IRS", bound_to_the_syn },
	{ "syn cookie: fails with any one of its 32 bits flipped", every_bit_counts },
	{ "syn cookie: works to the end of the next 60 s period, not after", expires_after_the_next_period },
	{ "syn cookie: depends on the key", depends_on_the_key },
	{ "syn cookie: 2^20 random guesses, at most 3 pass (2^-24 each)", guesses_pass_at_two_to_the_minus_24 },
	{ "syn cookie: of 2^24 ISNs with one top byte, exactly one passes", one_in_two_to_the_24_exactly },
	{ NULL, NULL },
};
