/*
 * eth.h - the Ethernet II header (IEEE 802.3, RFC 894 for IPv4 over it).
 *
 *   +--------------------+--------------------+-----------+--------------+
 *   | destination MAC (6)|   source MAC (6)   | EtherType | payload      |
 *   |                    |                    |    (2)    | 46..1500     |
 *   +--------------------+--------------------+-----------+--------------+
 *
 * A TAP device hands us the frame without preamble and without the 4-byte
 * frame check sequence.  On the wire a frame is at least 64 bytes with the
 * FCS, so at least 60 without it: shorter frames are padded with zeros, and
 * the padding is not part of the payload (the IPv4 total length says where
 * the datagram ends).
 */
#ifndef TUNLAB_ETH_H
#define TUNLAB_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"

#define ETH_HDR_LEN	14
#define ETH_MIN_FRAME	60	/* without the FCS */
#define ETH_ADDR_LEN	6

#define ETH_TYPE_IPV4	0x0800
#define ETH_TYPE_ARP	0x0806

extern const uint8_t eth_broadcast[ETH_ADDR_LEN];

struct eth_hdr {
	uint8_t dst[ETH_ADDR_LEN];
	uint8_t src[ETH_ADDR_LEN];
	uint16_t type;
	const uint8_t *payload;	/* points into the parsed frame */
	size_t payload_len;	/* may include padding */
};

/* Check and decode a frame: at least the 14-byte header. */
enum drop eth_parse(const uint8_t *buf, size_t len, struct eth_hdr *h);

/* Write the header in front of payload_len bytes already placed at
 * buf + ETH_HDR_LEN, padding with zeros to the 60-byte minimum.
 * Returns the frame length. */
size_t eth_emit(uint8_t *buf, const uint8_t dst[ETH_ADDR_LEN],
		const uint8_t src[ETH_ADDR_LEN], uint16_t type, size_t payload_len);

/* The group bit: set in broadcast and multicast addresses. */
bool eth_is_multicast(const uint8_t mac[ETH_ADDR_LEN]);

/* "02:00:0a:0a:0a:01" */
void eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], char out[18]);

#endif
