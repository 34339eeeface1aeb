/*
 * test_siphash.c - SipHash-2-4 against the paper's vectors, and the TCP
 * initial sequence numbers rung 5 makes with it (RFC 6528).
 *
 * The vectors: key 00 01 .. 0f, message 00 01 .. (n-1) for n = 0 .. 63,
 * the table that comes with the paper's reference code; n = 15 is the
 * worked example of the paper's appendix A.  Cross-checked by a separate
 * Python implementation written from the paper.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "../../lib/ipv4.h"
#include "../../lib/siphash.h"
#include "../../tcp_mini/tcp_mini.h"

static const uint64_t vectors[] = {
	0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull,
	0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
	0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull,
	0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
	0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
	0xa129ca6149be45e5ull, 0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull,
	0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull,
};

static void paper_vectors(void)
{
	uint8_t key[SIPHASH_KEY_LEN], msg[sizeof(vectors) / sizeof(vectors[0])];
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	/* Every length from the empty message past two whole words: each
	 * count of bytes left over for the last word, 0 to 7. */
	for (i = 0; i < sizeof(msg); i++) {
		if (siphash24(key, msg, i) != vectors[i])
			fprintf(stderr, "  length %zu\n", i);
		CHECK(siphash24(key, msg, i) == vectors[i]);
	}
	/* Appendix A: 15 bytes, the output as the paper prints it. */
	CHECK(siphash24(key, msg, 15) == 0xa129ca6149be45e5ull);
}

/* A trailing zero byte makes a different message: the length in the
 * last word keeps "ab" and "ab\0" apart, and so on past a whole word. */
static void length_is_hashed(void)
{
	static const uint8_t key[SIPHASH_KEY_LEN] = { 1 };
	static const uint8_t msg[10] = { 'a', 'b' };
	size_t i;

	for (i = 0; i + 1 < sizeof(msg); i++)
		CHECK(siphash24(key, msg, i) != siphash24(key, msg, i + 1));
}

/* --- rung 5: RFC 6528's ISN = M + F(four-tuple, key) ------------------ */

#define US	IPV4_ADDR(10, 10, 10, 1)
#define PEER	IPV4_ADDR(10, 10, 10, 2)

static const uint8_t MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };

static struct tcp_mini st;
static struct txq tx;

static uint32_t isn(uint16_t lport, uint16_t rport, uint64_t now_ms)
{
	return tcp_isn(&st, PEER, lport, rport, now_ms).v;
}

static void isn_is_clock_plus_keyed_siphash(void)
{
	uint8_t key[SIPHASH_KEY_LEN], other[SIPHASH_KEY_LEN];
	uint32_t a, b;
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	tcp_mini_init(&st, MAC, US, 7, 1500, 1, 1, 0, &tx);
	tcp_mini_set_key(&st, key);
	/* F: SipHash-2-4 of local address, local port, remote address,
	 * remote port (0a0a0a01 0007 0a0a0a02 9c40), its low 32 bits; the
	 * value from the Python implementation.  M: 250 a millisecond. */
	CHECK_EQ(isn(7, 40000, 0), 0x8ad1b8d0u);
	CHECK_EQ(isn(7, 40000, 1000), 0x8ad1b8d0u + 250000u);
	CHECK_EQ(isn(7, 40000, 1001) - isn(7, 40000, 1000), 250);
	/* Another four-tuple at the same moment: a number unrelated to the
	 * first (not one the clock or a small step explains). */
	a = isn(7, 40000, 1000);
	b = isn(7, 40001, 1000);
	CHECK(b - a > 1000000u && a - b > 1000000u);
	/* Another key, the same four-tuple and moment: unrelated too.  One
	 * bit of the key is enough.  This is what a secret key buys: an
	 * attacker who saw a, without the key, cannot tell what b is. */
	memcpy(other, key, sizeof(key));
	other[15] ^= 0x80;
	tcp_mini_set_key(&st, other);
	b = isn(7, 40000, 1000);
	CHECK(b - a > 1000000u && a - b > 1000000u);
	/* The key set again: the same numbers again. */
	tcp_mini_set_key(&st, key);
	CHECK_EQ(isn(7, 40000, 1000), a);
}

/* Unit tests and the fuzzer pass a seed to tcp_mini_init and must repeat:
 * the same seed gives the same key; another seed, another.  The key from
 * seed 5 is 05 00 .. 00 (conn.c). */
static void seed_key_repeats(void)
{
	uint32_t a;

	tcp_mini_init(&st, MAC, US, 7, 1500, 5, 1, 0, &tx);
	a = isn(7, 40000, 0);
	CHECK_EQ(a, 0x1706df32u);
	tcp_mini_init(&st, MAC, US, 7, 1500, 5, 1, 0, &tx);
	CHECK_EQ(isn(7, 40000, 0), a);
	tcp_mini_init(&st, MAC, US, 7, 1500, 6, 1, 0, &tx);
	CHECK(isn(7, 40000, 0) != a);
}

const struct unit_test siphash_tests[] = {
	{ "siphash: SipHash-2-4 vectors, lengths 0..19, the paper's appendix A", paper_vectors },
	{ "siphash: the message length is hashed (a trailing zero counts)", length_is_hashed },
	{ "tcp_mini: ISN is the 4 us clock plus SipHash-2-4 of the four-tuple under the key", isn_is_clock_plus_keyed_siphash },
	{ "tcp_mini: the ISN key from a seed repeats; another seed, another key", seed_key_repeats },
	{ NULL, NULL },
};
