/*
 * cksum.h - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624).
 *
 * The checksum of IPv4, ICMP, UDP and TCP is the 16-bit one's complement of
 * the one's complement sum of the data taken as big-endian 16-bit words.  A
 * trailing odd byte is padded with a zero byte on the right (RFC 1071 4.1).
 *
 * Sums are carried in a uint32_t "partial sum" so that several pieces (a
 * pseudo-header and a segment, say) can be added before folding.
 */
#ifndef TUNLAB_CKSUM_H
#define TUNLAB_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes to a partial sum.  Only the last piece may have an odd length:
 * an odd piece in the middle would shift every following byte by one. */
uint32_t cksum_add(uint32_t sum, const uint8_t *data, size_t len);

/* The same, as RFC 1071 writes it: one big-endian 16-bit word at a time.
 * cksum_add() is the fast equivalent (a unit test holds them equal). */
uint32_t cksum_add_simple(uint32_t sum, const uint8_t *data, size_t len);

/* Fold the carries back in (end-around carry) and complement: the value to
 * put in a checksum field. */
uint16_t cksum_finish(uint32_t sum);

/* The checksum of one buffer.  Over a buffer that already holds a correct
 * checksum field, the result is 0: that is how a receiver verifies. */
uint16_t cksum(const uint8_t *data, size_t len);

/* RFC 1624 equation 3: the new checksum after one 16-bit word of the covered
 * data changed from old_word to new_word:  HC' = ~(~HC + ~m + m').
 * Correct for every value of HC, unlike the tempting HC' = HC + m - m'. */
uint16_t cksum_update16(uint16_t hc, uint16_t old_word, uint16_t new_word);

/* The partial sum of the IPv4 pseudo-header that UDP and TCP checksums cover
 * (RFC 768, RFC 793 3.1): source, destination, zero, protocol, length. */
uint32_t cksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto,
			   uint16_t len);

#endif
