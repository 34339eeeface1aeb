/*
 * vnet.c - the virtio-net header: decode, check, encode (vnet.h).
 */
#include "vnet.h"

#include "cksum.h"
#include "eth.h"

/* The header's 16-bit fields are little-endian (we set TUNSETVNETLE:
 * without it they would be in the host's own order). */
static uint16_t get16le(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

enum drop vnet_parse(const uint8_t *buf, size_t len, struct vnet_hdr *h)
{
	/* build-it 07.1 begin: the receive side: the virtio-net header, decoded and checked against its frame */
	size_t frame_len;

	if (len < VNET_HDR_LEN)
		return DROP_VNET_TRUNCATED;
	frame_len = len - VNET_HDR_LEN;
	h->flags = buf[0];
	h->gso_type = buf[1];
	h->hdr_len = get16le(buf + 2);
	h->gso_size = get16le(buf + 4);
	h->csum_start = get16le(buf + 6);
	h->csum_offset = get16le(buf + 8);
	/* Only what we can act on: the kernel sends nothing else to a
	 * program that took only TUN_F_CSUM, TSO4 and USO4, and acting on
	 * half of a header would be wrong. */
	if (h->flags & ~(VNET_F_NEEDS_CSUM | VNET_F_DATA_VALID))
		return DROP_VNET_BAD;
	switch (h->gso_type & ~VNET_GSO_ECN) {
	case VNET_GSO_NONE:
		if (h->gso_type & VNET_GSO_ECN)
			return DROP_VNET_BAD;
		break;
	case VNET_GSO_TCPV4:
		if (h->gso_size == 0)
			return DROP_VNET_BAD;
		break;
	case VNET_GSO_UDP_L4:
		/* Cut by us (lib/run.c), with a checksum per datagram:
		 * the header must say where the UDP header is. */
		if (h->gso_size == 0 || (h->gso_type & VNET_GSO_ECN) ||
		    !(h->flags & VNET_F_NEEDS_CSUM) || h->csum_offset != 6)
			return DROP_VNET_BAD;
		break;
	default:
		return DROP_VNET_BAD;
	}
	/* The field to fill must lie in the frame, past the Ethernet
	 * header: vnet_csum_finish() writes there. */
	if ((h->flags & VNET_F_NEEDS_CSUM) &&
	    (h->csum_start < ETH_HDR_LEN ||
	     (size_t)h->csum_start + h->csum_offset + 2 > frame_len))
		return DROP_VNET_BAD;
	return DROP_NONE;
	/* build-it 07.1 end; the starter has: (void)buf, (void)len, (void)h, (void)get16le; return DROP_NOT_IMPLEMENTED; */
}

void vnet_put(uint8_t *buf, const struct vnet_hdr *h)
{
	buf[0] = h->flags;
	buf[1] = h->gso_type;
	put16le(buf + 2, h->hdr_len);
	put16le(buf + 4, h->gso_size);
	put16le(buf + 6, h->csum_start);
	put16le(buf + 8, h->csum_offset);
}

void vnet_csum_finish(uint8_t *frame, size_t len, const struct vnet_hdr *h)
{
	uint8_t *field = frame + h->csum_start + h->csum_offset;
	uint16_t sum = cksum(frame + h->csum_start, len - h->csum_start);

	/* For UDP a computed 0 goes out as 0xffff: 0 there means "no
	 * checksum" (RFC 768), and the kernel does the same. */
	if (sum == 0 && h->csum_offset == 6)
		sum = 0xffff;
	field[0] = (uint8_t)(sum >> 8);
	field[1] = (uint8_t)sum;
}
