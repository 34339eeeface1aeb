/*
 * udp.c - UDP headers and their checksum (RFC 768).
 */
#include "udp.h"

#include <string.h>

#include "bytes.h"
#include "cksum.h"
#include "ipv4.h"

enum drop udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		    struct udp_hdr *h)
{
	if (len < UDP_HDR_LEN)
		return DROP_UDP_TRUNCATED;
	h->src_port = get16(buf);
	h->dst_port = get16(buf + 2);
	h->length = get16(buf + 4);
	h->checksum = get16(buf + 6);
	/* The UDP length may be shorter than the IP payload (the rest is
	 * ignored), never longer, and never shorter than its own header. */
	if (h->length < UDP_HDR_LEN || h->length > len)
		return DROP_UDP_BAD_LENGTH;
	if (h->checksum != 0 &&
	    cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_UDP,
						     h->length),
				   buf, h->length)) != 0)
		return DROP_UDP_BAD_CHECKSUM;
	h->data = buf + UDP_HDR_LEN;
	h->data_len = h->length - UDP_HDR_LEN;
	return DROP_NONE;
}

size_t udp_emit(const struct udp_hdr *h, uint32_t src, uint32_t dst,
		uint8_t *buf, size_t cap)
{
	size_t len = UDP_HDR_LEN + h->data_len;
	uint16_t sum;

	if (cap < len || len > 65535)
		return 0;
	if (h->data_len)
		memmove(buf + UDP_HDR_LEN, h->data, h->data_len);
	put16(buf, h->src_port);
	put16(buf + 2, h->dst_port);
	put16(buf + 4, (uint16_t)len);
	put16(buf + 6, 0);
	sum = cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_UDP,
						       (uint16_t)len), buf, len));
	put16(buf + 6, sum == 0 ? 0xffff : sum);	/* 0 would mean "none" */
	return len;
}
