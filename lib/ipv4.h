/*
 * ipv4.h - the IPv4 header (RFC 791 section 3.1): parse and emit.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------+-------+---------------+-------------------------------+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-------+-------+---------------+-----+-------------------------+
 *   |         Identification        |Flags|     Fragment Offset     |
 *   +---------------+---------------+-----+-------------------------+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +---------------+---------------+-------------------------------+
 *   |                       Source Address                          |
 *   +---------------------------------------------------------------+
 *   |                    Destination Address                        |
 *   +-----------------------------------------------+---------------+
 *   |                    Options (IHL > 5)          |    Padding    |
 *   +-----------------------------------------------+---------------+
 *
 * IHL counts 32-bit words (5..15, so 20..60 bytes).  Total Length counts
 * bytes, header included.  Flags: bit 0 reserved, DF (don't fragment), MF
 * (more fragments).  Fragment Offset counts 8-byte units.
 *
 * ipv4_parse() checks the header once and fills a host-order struct; after
 * it returns DROP_NONE, payload/payload_len lie inside the buffer and nothing
 * else needs checking.  It trusts only the length read() returned.
 */
#ifndef TUNLAB_IPV4_H
#define TUNLAB_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"

#define IPV4_HDR_LEN	20	/* without options */
#define IPV4_MAX_LEN	65535	/* Total Length is 16 bits */
#define IPV4_FLAG_DF	0x4000	/* in the flags+offset word */
#define IPV4_FLAG_MF	0x2000
#define IPV4_OFFSET_MASK 0x1fff

#define IPV4_PROTO_ICMP	1
#define IPV4_PROTO_TCP	6
#define IPV4_PROTO_UDP	17

/* An address as a host-order number: 10.10.10.1 is 0x0a0a0a01. */
#define IPV4_ADDR(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

struct ipv4_hdr {
	uint8_t ihl;		/* header length in 32-bit words, 5..15 */
	uint8_t tos;
	uint16_t total_len;	/* header + payload, bytes */
	uint16_t id;
	bool df, mf;		/* don't fragment, more fragments */
	uint16_t frag_offset;	/* in bytes (the field times 8) */
	uint8_t ttl;
	uint8_t proto;
	uint16_t checksum;
	uint32_t src, dst;	/* host order */
	const uint8_t *payload;	/* points into the parsed buffer */
	size_t payload_len;	/* total_len - ihl*4: padding after it is ignored */
};

/* Check and decode the header at buf.  Checks, in order: at least 20 bytes,
 * version 4, IHL >= 5, IHL*4 <= len, IHL*4 <= total length <= len, header
 * checksum.  Returns DROP_NONE or the reason.  On DROP_IPV4_BAD_CHECKSUM the
 * fields are filled in (for tracing) but must not be trusted. */
enum drop ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_hdr *h);

/* Write a 20-byte header (no options) with a fresh checksum.  h->ihl is
 * ignored (always 5); h->total_len must already include the payload.
 * Returns IPV4_HDR_LEN, or 0 if cap is too small. */
size_t ipv4_emit(const struct ipv4_hdr *h, uint8_t *buf, size_t cap);

/* True for a fragment: MF set or a non-zero offset. */
bool ipv4_is_fragment(const struct ipv4_hdr *h);

/* True if addr can be the source of a datagram: not 0.0.0.0/8, loopback,
 * multicast, or class E (which includes 255.255.255.255).  RFC 1122 3.2.1.3
 * says to discard datagrams from anything else. */
bool ipv4_is_host_source(uint32_t addr);

/* The netmask of a prefix length: 24 -> 255.255.255.0 (host order). */
uint32_t ipv4_prefix_mask(int prefix);

/* The next hop from a host at addr, whose link is the addresses that agree
 * with it under mask, with a gateway (0: none) for the rest: dst itself,
 * or the gateway; false if there is none. */
bool ipv4_next_hop(uint32_t addr, uint32_t mask, uint32_t gateway, uint32_t dst,
		   uint32_t *hop);

/* "10.10.10.1" <-> host order.  Parse returns false on anything that is not
 * exactly four decimal numbers 0..255 separated by dots. */
bool ipv4_addr_parse(const char *s, uint32_t *addr);
void ipv4_addr_format(uint32_t addr, char out[16]);

#endif
