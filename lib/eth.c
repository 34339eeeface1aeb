/*
 * eth.c - Ethernet II headers.
 */
#include "eth.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"

const uint8_t eth_broadcast[ETH_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

enum drop eth_parse(const uint8_t *buf, size_t len, struct eth_hdr *h)
{
	if (len < ETH_HDR_LEN)
		return DROP_ETH_TRUNCATED;
	memcpy(h->dst, buf, ETH_ADDR_LEN);
	memcpy(h->src, buf + 6, ETH_ADDR_LEN);
	h->type = get16(buf + 12);
	h->payload = buf + ETH_HDR_LEN;
	h->payload_len = len - ETH_HDR_LEN;
	return DROP_NONE;
}

size_t eth_emit(uint8_t *buf, const uint8_t dst[ETH_ADDR_LEN],
		const uint8_t src[ETH_ADDR_LEN], uint16_t type, size_t payload_len)
{
	size_t len = ETH_HDR_LEN + payload_len;

	memcpy(buf, dst, ETH_ADDR_LEN);
	memcpy(buf + 6, src, ETH_ADDR_LEN);
	put16(buf + 12, type);
	if (len < ETH_MIN_FRAME) {
		memset(buf + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	return len;
}

bool eth_is_multicast(const uint8_t mac[ETH_ADDR_LEN])
{
	return (mac[0] & 0x01) != 0;
}

void eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}
