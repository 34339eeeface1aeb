/*
 * cksum.c - RFC 1071 Internet checksum, RFC 1624 incremental update.
 */
#include "cksum.h"

#include <string.h>

/* Fold a 32-bit partial sum to 16 bits, adding each carry back in at the
 * bottom.  Two rounds always suffice: after the first the value is at most
 * 0xffff + 0xffff = 0x1fffe. */
static uint32_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The plain RFC 1071 loop: big-endian 16-bit words, one at a time.  This is
 * the definition, and the one lesson 01 shows; cksum_add() below computes
 * the same sum faster, and a unit test holds them equal. */
uint32_t cksum_add_simple(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	/* A uint32_t holds 65537 additions of 0xffff before it can overflow,
	 * but folding first keeps the caller free to chain any number of
	 * pieces. */
	sum = fold(sum);
	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)((data[i] << 8) | data[i + 1]);
		if (sum & 0x80000000u)
			sum = fold(sum);
	}
	if (len & 1)			/* odd byte: pad with zero on the right */
		sum += (uint32_t)data[len - 1] << 8;
	return fold(sum);
}

/*
 * The same sum, four bytes at a time in the machine's own byte order.  Two
 * facts from RFC 1071 section 2 make that legal:
 *   (B) the one's complement sum does not care about byte order: summing
 *       byte-swapped words gives the byte-swapped sum, so on a little-endian
 *       machine we add words as they lie in memory and swap the result once;
 *   (C) it can be computed in wider words: the carries out of each 16-bit
 *       half are added back in when the wide sum is folded at the end.
 * 32-bit words into a 64-bit accumulator cannot overflow for any packet (it
 * would take 2^32 words), so the loop has no carry test at all.  memcpy()
 * reads a word from any alignment; the compiler turns it into one load.
 * Measured on the project's machines: 4-5 times the speed of the simple loop.
 */
uint32_t cksum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	uint64_t acc = 0, acc2 = 0;
	uint32_t w, w2, part;
	uint16_t h;

	while (len >= 8) {		/* two chains: independent adds */
		memcpy(&w, data, 4);
		memcpy(&w2, data + 4, 4);
		acc += w;
		acc2 += w2;
		data += 8;
		len -= 8;
	}
	acc += acc2;
	if (len >= 4) {
		memcpy(&w, data, 4);
		acc += w;
		data += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, data, 2);
		acc += h;
		data += 2;
		len -= 2;
	}
	if (len) {			/* odd byte, padded with a zero byte */
		uint8_t last[2] = { data[0], 0 };

		memcpy(&h, last, 2);
		acc += h;
	}
	/* 64 -> 32 -> 16 bits, each fold adding the carries back in. */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	part = fold((uint32_t)acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	part = ((part & 0xff) << 8) | (part >> 8);	/* fact (B) */
#endif
	return fold(fold(sum) + part);
}

uint16_t cksum_finish(uint32_t sum)
{
	return (uint16_t)~fold(sum);
}

uint16_t cksum(const uint8_t *data, size_t len)
{
	return cksum_finish(cksum_add(0, data, len));
}

uint16_t cksum_update16(uint16_t hc, uint16_t old_word, uint16_t new_word)
{
	/* RFC 1624 section 3, equation 3.  Working in the complemented domain
	 * avoids the "-0" (0xffff vs 0x0000) trap of equation 2. */
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~old_word;
	sum += new_word;
	return (uint16_t)~fold(sum);
}

uint32_t cksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto,
			   uint16_t len)
{
	uint32_t sum = 0;

	sum += src >> 16;
	sum += src & 0xffff;
	sum += dst >> 16;
	sum += dst & 0xffff;
	sum += proto;		/* the zero byte, then the protocol byte */
	sum += len;
	return fold(sum);
}
