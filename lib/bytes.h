/*
 * bytes.h - the one place where byte order is handled.
 *
 * Every multi-byte field on the wire is big-endian ("network byte order").
 * Instead of casting a struct over the packet buffer (which breaks on
 * alignment, padding and byte order), we read and write fields one byte at
 * a time with these helpers.  They compile to a load and a byte swap.
 *
 * The caller must already have checked that the bytes exist: these helpers
 * do no bounds checking.  The parsers in lib/ check the length once, up
 * front, and only then call these.
 */
#ifndef TUNLAB_BYTES_H
#define TUNLAB_BYTES_H

#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
