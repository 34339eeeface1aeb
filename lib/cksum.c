/*
 * cksum.c - RFC 1071 Internet checksum, RFC 1624 incremental update.
 */
#include "cksum.h"

/* Fold a 32-bit partial sum to 16 bits, adding each carry back in at the
 * bottom.  Two rounds always suffice: after the first the value is at most
 * 0xffff + 0xffff = 0x1fffe. */
static uint32_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint32_t cksum_add(uint32_t sum, const uint8_t *data, size_t len)
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
