/*
 * test_udp.c - UDP parse/emit with the pseudo-header checksum, and rung 4's
 * core (udp_echo) driven frame by frame.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/eth.h"
#include "../../lib/icmp.h"
#include "../../lib/udp.h"
#include "../../udp_echo/udp_echo.h"
#include "unit.h"

static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);
static const uint8_t OUR_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x02 };

/* A UDP datagram from PEER:40000 to US:port with n data bytes. */
static size_t make_udp(uint8_t *b, uint16_t port, size_t n)
{
	struct udp_hdr h = { .src_port = 40000, .dst_port = port, .data = NULL };
	static uint8_t data[70000];
	size_t i;

	for (i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 13 + 5);
	h.data = data;
	h.data_len = n;
	return udp_emit(&h, PEER, US, b, 70000);
}

static void parse_emit(void)
{
	static uint8_t b[2000];
	struct udp_hdr h;
	size_t n = make_udp(b, 7, 100), len;

	CHECK_EQ(n, 108);
	REQUIRE_EQ(udp_parse(b, n, PEER, US, &h), DROP_NONE);
	CHECK_EQ(h.src_port, 40000);
	CHECK_EQ(h.dst_port, 7);
	CHECK_EQ(h.length, 108);
	CHECK_EQ(h.data_len, 100);
	CHECK_EQ(h.data[99], (uint8_t)(99 * 13 + 5));
	for (len = 0; len < 8; len++)
		CHECK_EQ(udp_parse(b, len, PEER, US, &h), DROP_UDP_TRUNCATED);
	for (len = 8; len < n; len++)		/* Length beyond what arrived */
		CHECK_EQ(udp_parse(b, len, PEER, US, &h), DROP_UDP_BAD_LENGTH);
	put16(b + 4, 7);			/* Length below the header */
	CHECK_EQ(udp_parse(b, n, PEER, US, &h), DROP_UDP_BAD_LENGTH);
}

static void pseudo_header_checksum(void)
{
	static uint8_t b[2000];
	struct udp_hdr h;
	size_t n = make_udp(b, 7, 33);		/* odd length */

	REQUIRE_EQ(udp_parse(b, n, PEER, US, &h), DROP_NONE);
	/* Delivered to another address, the same bytes fail: the pseudo-
	 * header is what catches a misdelivered datagram. */
	CHECK_EQ(udp_parse(b, n, PEER, IPV4_ADDR(10, 10, 10, 3), &h), DROP_UDP_BAD_CHECKSUM);
	b[20] ^= 1;
	CHECK_EQ(udp_parse(b, n, PEER, US, &h), DROP_UDP_BAD_CHECKSUM);
	put16(b + 6, 0);			/* zero: "no checksum", accepted */
	REQUIRE_EQ(udp_parse(b, n, PEER, US, &h), DROP_NONE);
	/* The checksum over pseudo-header and datagram, from scratch. */
	n = make_udp(b, 7, 33);
	{
		uint8_t p[12 + 41];

		put32(p, PEER);
		put32(p + 4, US);
		p[8] = 0;
		p[9] = 17;
		put16(p + 10, 41);
		memcpy(p + 12, b, 41);
		CHECK_EQ(cksum(p, sizeof(p)), 0);
	}
}

static void computed_zero_is_sent_as_ffff(void)
{
	static uint8_t b[64];
	struct udp_hdr h = { .src_port = 1, .dst_port = 2 };
	uint8_t data[2] = { 0, 0 };
	uint32_t sum;

	/* Pick the 2 data bytes that make the sum 0xffff, so ~sum is 0. */
	h.data = data;
	h.data_len = 2;
	udp_emit(&h, PEER, US, b, sizeof(b));
	put16(b + 6, 0);
	sum = cksum_add(cksum_pseudo_ipv4(PEER, US, 17, 10), b, 10);
	put16(data, (uint16_t)(0xffff - sum));
	CHECK_EQ(udp_emit(&h, PEER, US, b, sizeof(b)), 10);
	CHECK_EQ(get16(b + 6), 0xffff);
	REQUIRE_EQ(udp_parse(b, 10, PEER, US, &h), DROP_NONE);
}

static struct udp_echo st;
static struct txq tx;

/* Frame an IPv4 datagram (header built here) from PEER to US. */
static size_t frame_ip(uint8_t *f, const uint8_t *payload, size_t n,
		       uint16_t id, uint16_t frag_word)
{
	struct ipv4_hdr ip = { .total_len = (uint16_t)(20 + n), .id = id,
			       .ttl = 64, .proto = IPV4_PROTO_UDP,
			       .src = PEER, .dst = US };

	ip.mf = (frag_word & IPV4_FLAG_MF) != 0;
	ip.frag_offset = (uint16_t)((frag_word & IPV4_OFFSET_MASK) * 8);
	ipv4_emit(&ip, f + ETH_HDR_LEN, 20);
	memcpy(f + ETH_HDR_LEN + 20, payload, n);
	return eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_IPV4, 20 + n);
}

/* A peer we have heard ARP from, so replies go straight out. */
static void learn_peer(void)
{
	uint8_t f[64];
	struct arp_pkt a = { .op = ARP_OP_REPLY, .spa = PEER, .tpa = US };

	memcpy(a.sha, PEER_MAC, 6);
	memcpy(a.tha, OUR_MAC, 6);
	arp_emit(&a, f + ETH_HDR_LEN);
	eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
	udp_echo_input(&st, f, 60, 0, &tx);
	txq_clear(&tx);
}

static void core_echoes_and_refuses(void)
{
	static uint8_t f[2000], u[2000];
	struct eth_hdr eth;
	struct ipv4_hdr ip;
	struct udp_hdr h;
	struct icmp_hdr icmp;
	size_t n;

	udp_echo_init(&st, OUR_MAC, US, 7, 1500, 0, &tx);
	txq_clear(&tx);
	learn_peer();

	n = make_udp(u, 7, 100);
	n = frame_ip(f, u, n, 1, 0);
	CHECK_EQ(udp_echo_input(&st, f, n, 10, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	REQUIRE_EQ(ipv4_parse(eth.payload, eth.payload_len, &ip), DROP_NONE);
	CHECK(ip.src == US && ip.dst == PEER && ip.ttl == 64);
	REQUIRE_EQ(udp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, &h), DROP_NONE);
	CHECK(h.src_port == 7 && h.dst_port == 40000 && h.data_len == 100);
	CHECK_EQ(h.data[50], (uint8_t)(50 * 13 + 5));

	txq_clear(&tx);
	n = make_udp(u, 9, 10);			/* nobody on port 9 */
	n = frame_ip(f, u, n, 2, 0);
	CHECK_EQ(udp_echo_input(&st, f, n, 20, &tx), DROP_UDP_PORT_UNREACHABLE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	REQUIRE_EQ(ipv4_parse(eth.payload, eth.payload_len, &ip), DROP_NONE);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &icmp), DROP_NONE);
	CHECK(icmp.type == ICMP_TYPE_DEST_UNREACHABLE && icmp.code == ICMP_CODE_PORT_UNREACHABLE);
	CHECK_EQ(icmp.data_len, 28);		/* header + 8 bytes */
}

static void core_no_error_for_broadcast_frame(void)
{
	static uint8_t f[2000], u[2000];
	size_t n;

	udp_echo_init(&st, OUR_MAC, US, 7, 1500, 0, &tx);
	txq_clear(&tx);
	learn_peer();
	/* To port 9 in a broadcast frame: no error (RFC 1122 3.2.2). */
	n = frame_ip(f, u, make_udp(u, 9, 10), 3, 0);
	memcpy(f, eth_broadcast, 6);
	CHECK_EQ(udp_echo_input(&st, f, n, 30, &tx), DROP_ICMP_ERROR_NOT_ALLOWED);
	REQUIRE_EQ(tx.n, 0);
	/* The same in a frame to our MAC: the error goes out. */
	memcpy(f, OUR_MAC, 6);
	CHECK_EQ(udp_echo_input(&st, f, n, 31, &tx), DROP_UDP_PORT_UNREACHABLE);
	REQUIRE_EQ(tx.n, 1);
	/* Source port 0: "no reply expected" (RFC 768). */
	txq_clear(&tx);
	n = make_udp(u, 7, 10);
	put16(u, 0);
	put16(u + 6, 0);			/* no checksum, so no need to redo it */
	n = frame_ip(f, u, n, 4, 0);
	CHECK_EQ(udp_echo_input(&st, f, n, 32, &tx), DROP_UDP_NO_SOURCE_PORT);
	REQUIRE_EQ(tx.n, 0);
}

static void core_reassembles_and_fragments(void)
{
	static uint8_t f[4000], u[4000];
	struct eth_hdr eth;
	struct ipv4_hdr ip;
	size_t n, i, total = 0;

	udp_echo_init(&st, OUR_MAC, US, 7, 1500, 0, &tx);
	txq_clear(&tx);
	learn_peer();
	n = make_udp(u, 7, 2992);		/* 3000 bytes of UDP */
	/* In as two fragments, the second first. */
	CHECK_EQ(udp_echo_input(&st, f, frame_ip(f, u + 1480, n - 1480, 77, 185), 5, &tx),
		 DROP_NONE);
	REQUIRE_EQ(tx.n, 0);
	CHECK_EQ(udp_echo_input(&st, f, frame_ip(f, u, 1480, 77, IPV4_FLAG_MF), 6, &tx),
		 DROP_NONE);
	/* Out as 3020 bytes of IP: fragments of 1500, 1500 and 40. */
	REQUIRE_EQ(tx.n, 3);
	for (i = 0; i < tx.n; i++) {
		REQUIRE_EQ(eth_parse(txq_pkt(&tx, i), tx.len[i], &eth), DROP_NONE);
		REQUIRE_EQ(ipv4_parse(eth.payload, eth.payload_len, &ip), DROP_NONE);
		CHECK(ip.total_len <= 1500);
		CHECK_EQ(ip.frag_offset, total);
		CHECK_EQ(ip.mf, i + 1 < tx.n);
		total += ip.payload_len;
	}
	CHECK_EQ(total, 3000);
}

static void core_time_exceeded(void)
{
	static uint8_t f[2000], u[4000];
	struct eth_hdr eth;
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	uint64_t next;
	size_t n;

	udp_echo_init(&st, OUR_MAC, US, 7, 1500, 0, &tx);
	txq_clear(&tx);
	learn_peer();
	make_udp(u, 7, 2992);
	n = frame_ip(f, u, 1480, 78, IPV4_FLAG_MF);	/* only the first */
	CHECK_EQ(udp_echo_input(&st, f, n, 1000, &tx), DROP_NONE);
	next = udp_echo_tick(&st, 1000, &tx);
	CHECK_EQ(next, 1000 + REASM_TIMEOUT_MS);
	REQUIRE_EQ(tx.n, 0);
	next = udp_echo_tick(&st, next, &tx);
	CHECK_EQ(next, UINT64_MAX);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	REQUIRE_EQ(ipv4_parse(eth.payload, eth.payload_len, &ip), DROP_NONE);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &icmp), DROP_NONE);
	CHECK(icmp.type == ICMP_TYPE_TIME_EXCEEDED &&
	      icmp.code == ICMP_CODE_REASSEMBLY_TIME_EXCEEDED);
	CHECK_EQ(icmp.data_len, 28);		/* the first fragment's header + 8 */
	CHECK_EQ(st.host.drops[DROP_REASM_TIMEOUT], 1);
}

const struct unit_test udp_tests[] = {
	{ "udp: parse, emit, every truncated prefix, bad lengths", parse_emit },
	{ "udp: the pseudo-header checksum, zero means none", pseudo_header_checksum },
	{ "udp: a computed 0 is sent as 0xffff", computed_zero_is_sent_as_ffff },
	{ "udp_echo: echoes to port 7, port unreachable elsewhere", core_echoes_and_refuses },
	{ "udp_echo: no error about a broadcast frame, no reply to port 0", core_no_error_for_broadcast_frame },
	{ "udp_echo: reassembles in, fragments out", core_reassembles_and_fragments },
	{ "udp_echo: time exceeded after 30 s", core_time_exceeded },
	{ NULL, NULL },
};
