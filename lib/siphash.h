/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", INDOCRYPT 2012): a keyed hash of a short message to 64
 * bits.
 *
 * A PRF, not a checksum: without the 128-bit key, its outputs cannot be
 * told from random ones, even by someone who chooses the messages and sees
 * every output.  That is what RFC 6528 asks of the hash in a TCP initial
 * sequence number (tcp_mini/conn.c), and SipHash-2-4 is what Linux uses
 * there too.  It is fast on short inputs (a four-tuple is 12 bytes).
 */
#ifndef TUNLAB_SIPHASH_H
#define TUNLAB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/* SipHash-2-4 of len bytes under key.  The paper's byte order throughout:
 * the key and the message are read as little-endian 64-bit words. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const uint8_t *msg,
		   size_t len);

#endif
