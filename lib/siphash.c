/*
 * siphash.c - SipHash-2-4, as section 2 of the paper describes it.
 *
 * The state is four 64-bit words, v0..v3.  The key goes in once, at the
 * start; the message goes in 8 bytes at a time, each word m xored into v3,
 * mixed by c = 2 SipRounds, then xored into v0; at the end d = 4 more
 * SipRounds, and the four words xored together are the output.  "2-4" is
 * (c, d).  The message's length is the top byte of its last word, so that
 * messages that differ only by trailing zero bytes hash differently.
 */
#include "siphash.h"

/* A little-endian 64-bit word, whatever the machine's own order. */
static uint64_t get64le(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/*
 * One SipRound: only additions, rotations and xors (an "ARX" design), on
 * two halves of the state at once: (v0, v1) and (v2, v3) each add, rotate
 * and xor within the pair, then they swap partners (v0 with v3, v2 with
 * v1) and do it again.  The additions mix bits upward (a carry only moves
 * up); the rotations by 32 swap a word's halves, so that what was carried
 * into the high bits comes back down to the low ones in the next round.
 */
static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32);
	v[2] += v[3]; v[3] = rotl(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = rotl(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32);
}

/* One message word, c = 2 rounds: the word goes into v3 before the rounds
 * and into v0 after them, so both halves of the state take it in. */
static void compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *msg,
		   size_t len)
{
	uint64_t k0 = get64le(key), k1 = get64le(key + 8), last;
	/* The key, xored with the ASCII of "somepseudorandomlygeneratedbytes":
	 * there is nothing special about the text; it only has to make
	 * v0 differ from v2 and v1 from v3, which the key alone would not. */
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
			  k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull };
	size_t i, whole = len - len % 8;

	for (i = 0; i < whole; i += 8)
		compress(v, get64le(msg + i));
	/* The last word: the 0 to 7 bytes left, zeros, and len mod 256 in
	 * its top byte. */
	last = (uint64_t)(len & 0xff) << 56;
	for (i = 0; i < len % 8; i++)
		last |= (uint64_t)msg[whole + i] << (8 * i);
	compress(v, last);
	/* Finalization: a constant into v2 marks the end (no message word
	 * xors 0xff into v2), then d rounds to spread the last word. */
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
