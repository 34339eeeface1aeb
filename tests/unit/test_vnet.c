/*
 * test_vnet.c - the virtio-net header (lib/vnet.c, lesson 07): decode and
 * encode, every way it can be wrong, and a partial checksum finished.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/eth.h"
#include "../../lib/ipv4.h"
#include "../../lib/tcp.h"
#include "../../lib/udp.h"
#include "../../lib/vnet.h"
#include "unit.h"

static const uint32_t SRC = IPV4_ADDR(10, 10, 10, 2);
static const uint32_t DST = IPV4_ADDR(10, 10, 10, 1);

/* The kernel's header for a 64 KB TCP segment, as its bytes come. */
static void header_decodes_little_endian_and_round_trips(void)
{
	static const uint8_t wire[VNET_HDR_LEN] = {
		0x01, 0x01, 0x42, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00,
	};
	uint8_t buf[VNET_HDR_LEN + 100] = { 0 }, again[VNET_HDR_LEN];
	struct vnet_hdr h;

	memcpy(buf, wire, sizeof(wire));
	REQUIRE_EQ(vnet_parse(buf, sizeof(buf), &h), DROP_NONE);
	CHECK_EQ(h.flags, VNET_F_NEEDS_CSUM);
	CHECK_EQ(h.gso_type, VNET_GSO_TCPV4);
	CHECK_EQ(h.hdr_len, 66);
	CHECK_EQ(h.gso_size, 1448);
	CHECK_EQ(h.csum_start, 34);
	CHECK_EQ(h.csum_offset, 16);
	vnet_put(again, &h);
	CHECK(memcmp(again, wire, sizeof(wire)) == 0);
}

static enum drop parse_with(uint8_t flags, uint8_t gso_type, uint16_t gso_size,
			    uint16_t csum_start, uint16_t csum_offset, size_t frame_len)
{
	static uint8_t buf[VNET_HDR_LEN + 2000];
	struct vnet_hdr h = { .flags = flags, .gso_type = gso_type, .gso_size = gso_size,
			      .csum_start = csum_start, .csum_offset = csum_offset };

	vnet_put(buf, &h);
	return vnet_parse(buf, VNET_HDR_LEN + frame_len, &h);
}

static void every_bad_header_is_dropped(void)
{
	uint8_t buf[VNET_HDR_LEN] = { 0 };
	struct vnet_hdr h;
	size_t n;

	for (n = 0; n < VNET_HDR_LEN; n++)
		CHECK_EQ(vnet_parse(buf, n, &h), DROP_VNET_TRUNCATED);
	CHECK_EQ(vnet_parse(buf, VNET_HDR_LEN, &h), DROP_NONE);	/* an empty frame:
								 * the Ethernet layer's */
	CHECK_EQ(parse_with(0, 0, 0, 0, 0, 60), DROP_NONE);
	CHECK_EQ(parse_with(VNET_F_DATA_VALID, 0, 0, 0, 0, 60), DROP_NONE);
	CHECK_EQ(parse_with(0x04, 0, 0, 0, 0, 60), DROP_VNET_BAD);	/* RSC_INFO */
	CHECK_EQ(parse_with(0x80, 0, 0, 0, 0, 60), DROP_VNET_BAD);
	CHECK_EQ(parse_with(0, 3, 1000, 0, 0, 60), DROP_VNET_BAD);	/* UFO */
	CHECK_EQ(parse_with(0, 4, 1000, 0, 0, 60), DROP_VNET_BAD);	/* TCPv6 */
	/* USO: many UDP datagrams, which we cut: the UDP checksum's place
	 * is needed, and no ECN. */
	CHECK_EQ(parse_with(0, VNET_GSO_UDP_L4, 1000, 0, 0, 60), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4, 1000, 34, 6, 1500), DROP_NONE);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4, 0, 34, 6, 1500), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4, 1000, 34, 16, 1500), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_UDP_L4 | VNET_GSO_ECN, 1000, 34, 6, 1500),
		 DROP_VNET_BAD);
	CHECK_EQ(parse_with(0, VNET_GSO_ECN, 0, 0, 0, 60), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4, 0, 34, 16, 1500),
		 DROP_VNET_BAD);				/* no gso_size */
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4 | VNET_GSO_ECN, 1448,
			    34, 16, 1500), DROP_NONE);
	/* The field to fill: inside the frame, past the Ethernet header. */
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, 0, 0, 34, 16, 52), DROP_NONE);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, 0, 0, 34, 16, 51), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, 0, 0, 13, 16, 1500), DROP_VNET_BAD);
	CHECK_EQ(parse_with(VNET_F_NEEDS_CSUM, 0, 0, 65535, 65535, 1500), DROP_VNET_BAD);
	/* A checksum place is ignored when NEEDS_CSUM is not set. */
	CHECK_EQ(parse_with(0, 0, 0, 65535, 65535, 60), DROP_NONE);
}

/* A frame with a TCP segment of n data bytes from SRC to DST, its
 * checksum partial (as the kernel sends it) or full. */
static size_t tcp_frame(uint8_t *f, size_t n, bool partial)
{
	struct tcp_hdr h = { .src_port = 40000, .dst_port = 9, .seq = 7, .ack = 9,
			     .flags = TCP_FLAG_ACK, .window = 500 };
	struct ipv4_hdr ip = { .ttl = 64, .proto = IPV4_PROTO_TCP, .src = SRC, .dst = DST,
			       .total_len = (uint16_t)(20 + 20 + n) };
	uint8_t *seg = f + ETH_HDR_LEN + 20;
	size_t i;

	for (i = 0; i < n; i++)
		seg[20 + i] = (uint8_t)(i * 31 + 3);
	tcp_emit(&h, SRC, DST, seg, n);
	if (partial)
		tcp_sum_partial(seg, 20 + n, SRC, DST);
	ipv4_emit(&ip, f + ETH_HDR_LEN, 20);
	return ETH_HDR_LEN + 20 + 20 + n;
}

static void partial_checksum_finished_equals_the_full_one(void)
{
	static uint8_t full[70000], part[70000];
	const size_t sizes[] = { 0, 1, 2, 1447, 1448, 65495 };
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM, .csum_start = 34,
			      .csum_offset = 16 };
	struct tcp_hdr th;
	size_t i, len;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = tcp_frame(full, sizes[i], false);
		CHECK_EQ(tcp_frame(part, sizes[i], true), len);
		/* Partial: only the pseudo-header's sum; not a checksum. */
		CHECK_EQ(tcp_parse(part + 34, len - 34, SRC, DST, &th),
			 DROP_TCP_BAD_CHECKSUM);
		CHECK_EQ(tcp_parse_csum(part + 34, len - 34, SRC, DST, false, &th),
			 DROP_NONE);
		vnet_csum_finish(part, len, &h);
		CHECK(memcmp(part, full, len) == 0);
		CHECK_EQ(tcp_parse(part + 34, len - 34, SRC, DST, &th), DROP_NONE);
		/* tcp_sum_finish() does the same from the partial form. */
		tcp_frame(part, sizes[i], true);
		tcp_sum_finish(part + 34, len - 34, SRC, DST);
		CHECK(memcmp(part, full, len) == 0);
	}
}

/* UDP: a sum that comes out 0 is sent as 0xffff (RFC 768: 0 is "none"). */
static void udp_partial_checksum_zero_goes_as_ffff(void)
{
	uint8_t f[ETH_HDR_LEN + 20 + 8 + 2] = { 0 };
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM, .csum_start = 34,
			      .csum_offset = 6 };
	struct udp_hdr u;
	uint8_t *d = f + 34;
	uint32_t sum;
	uint16_t want;

	/* Two data bytes chosen so that the whole sum is 0xffff: its
	 * complement, the checksum, is 0. */
	put16(d, 1);
	put16(d + 2, 2);
	put16(d + 4, 10);
	put16(d + 6, 0);
	sum = cksum_add(cksum_pseudo_ipv4(SRC, DST, IPV4_PROTO_UDP, 10), d, 8);
	want = (uint16_t)~cksum_finish(sum);	/* the fold of the sum so far */
	put16(d + 8, (uint16_t)(0xffff - want));
	put16(d + 6, (uint16_t)cksum_pseudo_ipv4(SRC, DST, IPV4_PROTO_UDP, 10));
	vnet_csum_finish(f, sizeof(f), &h);
	CHECK_EQ(get16(d + 6), 0xffff);
	CHECK_EQ(udp_parse(d, 10, SRC, DST, &u), DROP_NONE);
}

const struct unit_test vnet_tests[] = {
	{ "vnet: the header decodes little-endian and encodes back byte for byte", header_decodes_little_endian_and_round_trips },
	{ "vnet: short headers, flags and GSO types never asked for, a checksum place outside the frame: dropped", every_bad_header_is_dropped },
	{ "vnet: a partial TCP checksum, finished, is the full one; unfinished it is bad unless vouched for", partial_checksum_finished_equals_the_full_one },
	{ "vnet: a finished UDP checksum of 0 goes as 0xffff", udp_partial_checksum_zero_goes_as_ffff },
	{ NULL, NULL },
};
