/*
 * icmp.h - ICMP for IPv4 (RFC 792): parse, emit, and the two messages a host
 * sends: echo replies and destination-unreachable errors.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------+---------------+-------------------------------+
 *   |     Type      |     Code      |          Checksum             |
 *   +---------------+---------------+-------------------------------+
 *   |           Identifier          |        Sequence Number        |  echo
 *   +-------------------------------+-------------------------------+
 *   |                      unused (zero)                            |  errors
 *   +---------------------------------------------------------------+
 *   |     Data: echo payload, or the offending IP header + 8 bytes  |
 *   +---------------------------------------------------------------+
 *
 * The checksum covers the whole ICMP message, header and data.
 */
#ifndef TUNLAB_ICMP_H
#define TUNLAB_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "ipv4.h"

#define ICMP_HDR_LEN			8

#define ICMP_TYPE_ECHO_REPLY		0
#define ICMP_TYPE_DEST_UNREACHABLE	3
#define ICMP_TYPE_REDIRECT		5
#define ICMP_TYPE_ECHO_REQUEST		8
#define ICMP_TYPE_TIME_EXCEEDED		11
#define ICMP_TYPE_PARAMETER_PROBLEM	12

#define ICMP_CODE_HOST_UNREACHABLE	1
#define ICMP_CODE_PROTOCOL_UNREACHABLE	2
#define ICMP_CODE_PORT_UNREACHABLE	3
#define ICMP_CODE_REASSEMBLY_TIME_EXCEEDED 1	/* with ICMP_TYPE_TIME_EXCEEDED */

struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint16_t id;		/* echo: identifier; errors: first half of "unused" */
	uint16_t seq;		/* echo: sequence;   errors: second half */
	const uint8_t *data;	/* points into the parsed buffer */
	size_t data_len;
};

/* Check and decode the ICMP message in buf (an IPv4 payload): at least 8
 * bytes, and a checksum over all len bytes that verifies. */
enum drop icmp_parse(const uint8_t *buf, size_t len, struct icmp_hdr *h);

/* Write header and data (copied from h->data) with a fresh checksum.
 * Returns the bytes written, or 0 if cap is too small. */
size_t icmp_emit(const struct icmp_hdr *h, uint8_t *buf, size_t cap);

/* True for the types that report an error (RFC 1122 3.2.2 lists them):
 * destination unreachable, source quench, redirect, time exceeded,
 * parameter problem. */
bool icmp_is_error(uint8_t type);

/* RFC 1122 3.2.2: may we send an ICMP error about this datagram?  Never
 * about an ICMP error, a datagram sent to a broadcast or multicast address,
 * a fragment other than the first, or one whose source is not a single host
 * (an error about it would go to many hosts, or to nobody). */
bool icmp_error_allowed(const struct ipv4_hdr *ip);

/* Build a complete IPv4 + ICMP echo reply to the request (ip, echo) in out:
 * a fresh header from our address back to the sender, TTL 64, no options;
 * identifier, sequence and data copied.  Returns the length, 0 if cap is
 * too small. */
size_t icmp_build_echo_reply(const struct ipv4_hdr *ip,
			     const struct icmp_hdr *echo, uint16_t ip_id,
			     uint8_t *out, size_t cap);

/* The length of the IPv4 + ICMP error icmp_build_error() makes about ip. */
size_t icmp_error_len(const struct ipv4_hdr *ip);

/* Build a complete IPv4 + ICMP error (type, code) about the datagram orig
 * (parsed as ip), from our address src.  It quotes the offending IP header
 * and the first 8 bytes of its payload (RFC 792; RFC 1122 3.2.2).  Returns
 * the length, 0 if cap is too small. */
size_t icmp_build_error(uint8_t type, uint8_t code, uint32_t src,
			const uint8_t *orig, const struct ipv4_hdr *ip,
			uint16_t ip_id, uint8_t *out, size_t cap);

/*
 * A token bucket for ICMP errors (RFC 1812 4.3.2.8 asks routers to limit
 * them; Linux does for hosts too): at most `burst` at once, refilled at one
 * token per `interval_ms`.  Keeps an error storm from becoming our storm.
 */
struct icmp_ratelimit {
	uint32_t tokens;
	uint32_t burst;
	uint32_t interval_ms;
	uint64_t last_ms;	/* when the bucket was last refilled */
};

void icmp_ratelimit_init(struct icmp_ratelimit *rl, uint32_t burst,
			 uint32_t interval_ms, uint64_t now_ms);
/* Take a token if one is there.  Returns false if the error must be skipped. */
bool icmp_ratelimit_take(struct icmp_ratelimit *rl, uint64_t now_ms);

#endif
