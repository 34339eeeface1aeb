/*
 * udp.h - the User Datagram Protocol (RFC 768): parse and emit.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |          Source Port          |       Destination Port        |
 *   +-------------------------------+-------------------------------+
 *   |            Length             |           Checksum            |
 *   +-------------------------------+-------------------------------+
 *   |                          data ...                             |
 *   +---------------------------------------------------------------+
 *
 * Length counts header and data (so at least 8).  The checksum covers a
 * pseudo-header taken from the IP header, then the UDP header and data:
 *
 *   +-------------------------------+-------------------------------+
 *   |                       Source Address                          |
 *   +---------------------------------------------------------------+
 *   |                    Destination Address                        |
 *   +---------------+---------------+-------------------------------+
 *   |     zero      |  Protocol 17  |          UDP Length           |
 *   +---------------+---------------+-------------------------------+
 *
 * so a datagram delivered to the wrong address fails it.  A checksum of 0
 * means the sender computed none (allowed for IPv4); a computed checksum that
 * comes out 0 is sent as 0xffff, its other one's complement form.
 */
#ifndef TUNLAB_UDP_H
#define TUNLAB_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "drop.h"

#define UDP_HDR_LEN	8

struct udp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t length;	/* header + data */
	uint16_t checksum;	/* 0: none was computed */
	const uint8_t *data;	/* points into the parsed buffer */
	size_t data_len;	/* length - 8; bytes past it are ignored */
};

/* Check and decode the UDP datagram in buf (an IPv4 payload of len bytes,
 * from src to dst): at least 8 bytes, 8 <= Length <= len, and the checksum
 * verifies unless it is 0. */
enum drop udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		    struct udp_hdr *h);

/* Write header and data (copied from h->data; it may already be in place)
 * for a datagram from src to dst, computing Length and the checksum.
 * Returns the bytes written, or 0 if cap is too small. */
size_t udp_emit(const struct udp_hdr *h, uint32_t src, uint32_t dst,
		uint8_t *buf, size_t cap);

#endif
