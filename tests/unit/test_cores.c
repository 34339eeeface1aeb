/*
 * test_cores.c - the cores of tun_echo and icmp_reply, driven directly:
 * packet in, packets out, no device.
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/icmp.h"
#include "../../lib/icmp_host.h"
#include "../../tun_echo/tun_echo.h"
#include "unit.h"

static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);
static struct txq tx;			/* large: not on the stack */

/* An IPv4 datagram of protocol proto with `data` payload bytes; for ICMP, an
 * echo request with a correct checksum. */
static size_t make(uint8_t *b, uint8_t proto, uint32_t dst, size_t data)
{
	size_t total = 20 + 8 + data, i;

	memset(b, 0, total);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)total);
	b[8] = 64;
	b[9] = proto;
	put32(b + 12, PEER);
	put32(b + 16, dst);
	put16(b + 10, cksum(b, 20));
	b[20] = ICMP_TYPE_ECHO_REQUEST;
	put16(b + 24, 0x77);
	put16(b + 26, 3);
	for (i = 0; i < data; i++)
		b[28 + i] = (uint8_t)i;
	put16(b + 22, cksum(b + 20, 8 + data));
	return total;
}

static void set_frag(uint8_t *b, uint16_t word)
{
	put16(b + 6, word);
	put16(b + 10, 0);
	put16(b + 10, cksum(b, 20));
}

static void tun_echo_reflects(void)
{
	uint8_t b[1600];
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	size_t n = make(b, IPV4_PROTO_ICMP, IPV4_ADDR(10, 10, 10, 77), 56);

	memset(b + n, 0xee, 10);		/* trailing junk is not copied */
	txq_clear(&tx);
	CHECK_EQ(tun_echo_input(b, n + 10, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	CHECK_EQ(tx.len[0], n);
	REQUIRE_EQ(ipv4_parse(txq_pkt(&tx, 0), tx.len[0], &ip), DROP_NONE);
	CHECK_EQ(ip.src, IPV4_ADDR(10, 10, 10, 77));	/* any address */
	CHECK_EQ(ip.dst, PEER);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &icmp), DROP_NONE);
	CHECK_EQ(icmp.type, ICMP_TYPE_ECHO_REPLY);
	CHECK_EQ(icmp.id, 0x77);
	CHECK(memcmp(txq_pkt(&tx, 0) + 24, b + 24, n - 24) == 0);
}

/* Found by fuzzing: identifier 0, sequence 0, no data.  The reply is all
 * zeros but its checksum, which must then be 0xffff (RFC 1624's equation 3
 * alone gives 0x0000, which no receiver accepts). */
static void tun_echo_all_zero_reply(void)
{
	uint8_t b[28];
	struct ipv4_hdr ip;

	make(b, IPV4_PROTO_ICMP, US, 0);
	put16(b + 24, 0);
	put16(b + 26, 0);
	put16(b + 22, 0);
	put16(b + 22, cksum(b + 20, 8));
	CHECK_EQ(get16(b + 22), 0xf7ff);
	CHECK_EQ(cksum_update16(0xf7ff, 0x0800, 0x0000), 0x0000);
	txq_clear(&tx);
	CHECK_EQ(tun_echo_input(b, 28, &tx), DROP_NONE);
	REQUIRE_EQ(ipv4_parse(txq_pkt(&tx, 0), tx.len[0], &ip), DROP_NONE);
	CHECK_EQ(get16(ip.payload + 2), 0xffff);
	CHECK_EQ(cksum(ip.payload, 8), 0);		/* it verifies */
}

static void tun_echo_drops(void)
{
	uint8_t b[256];
	size_t n, len;

	n = make(b, IPV4_PROTO_UDP, US, 8);
	txq_clear(&tx);
	CHECK_EQ(tun_echo_input(b, n, &tx), DROP_IPV4_NOT_ICMP);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	b[20] = ICMP_TYPE_ECHO_REPLY;
	CHECK_EQ(tun_echo_input(b, n, &tx), DROP_ICMP_NOT_ECHO_REQUEST);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	set_frag(b, IPV4_FLAG_MF);
	CHECK_EQ(tun_echo_input(b, n, &tx), DROP_IPV4_FRAGMENT);
	n = make(b, IPV4_PROTO_ICMP, US, 0);
	put16(b + 2, 27);			/* 7 bytes of ICMP */
	put16(b + 10, 0);
	put16(b + 10, cksum(b, 20));
	CHECK_EQ(tun_echo_input(b, 27, &tx), DROP_ICMP_TRUNCATED);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	for (len = 0; len < n; len++)		/* no prefix is answered */
		CHECK(tun_echo_input(b, len, &tx) != DROP_NONE);
	REQUIRE_EQ(tx.n, 0);
}

static void icmp_reply_answers_echo(void)
{
	struct icmp_host st;
	uint8_t b[1600];
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	size_t n = make(b, IPV4_PROTO_ICMP, US, 1472);	/* ping -s 1472 */

	icmp_host_init(&st, US, 1500, 0);
	txq_clear(&tx);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	CHECK_EQ(tx.len[0], 1500);
	REQUIRE_EQ(ipv4_parse(txq_pkt(&tx, 0), tx.len[0], &ip), DROP_NONE);
	CHECK_EQ(ip.src, US);
	CHECK_EQ(ip.dst, PEER);
	CHECK_EQ(ip.ttl, 64);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &icmp), DROP_NONE);
	CHECK_EQ(icmp.type, ICMP_TYPE_ECHO_REPLY);
	CHECK(memcmp(icmp.data, b + 28, 1472) == 0);

	icmp_host_init(&st, US, 1400, 0);	/* --mtu below the request */
	txq_clear(&tx);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_REPLY_EXCEEDS_MTU);
	REQUIRE_EQ(tx.n, 0);
}

/* Step 2 of lesson 02's "Build it yourself" alone: what is taken, and
 * what is dropped, before any ICMP is looked at (so neither the echo
 * reply of step 3 nor the errors of step 4 are needed). */
static void icmp_reply_takes_whole_datagrams_to_us(void)
{
	struct icmp_host st;
	uint8_t b[256];
	struct ipv4_hdr ip;
	size_t n;

	icmp_host_init(&st, US, 1500, 0);
	txq_clear(&tx);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	CHECK_EQ(icmp_host_accept(&st, b, n, &ip), DROP_NONE);
	CHECK_EQ(ip.src, PEER);
	CHECK_EQ(ip.dst, US);
	CHECK_EQ(ip.payload_len, 16);
	/* A header that does not parse: ipv4_parse()'s own reason. */
	CHECK_EQ(icmp_host_accept(&st, b, 19, &ip), DROP_IPV4_TRUNCATED);
	CHECK_EQ(icmp_host_input(&st, b, 19, 0, &tx), DROP_IPV4_TRUNCATED);
	/* Not to our address: a host does not forward. */
	n = make(b, IPV4_PROTO_ICMP, IPV4_ADDR(10, 10, 10, 3), 8);
	CHECK_EQ(icmp_host_accept(&st, b, n, &ip), DROP_IPV4_NOT_FOR_US);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_NOT_FOR_US);
	/* From no host: a broadcast source. */
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	put32(b + 12, IPV4_ADDR(255, 255, 255, 255));
	put16(b + 10, 0);
	put16(b + 10, cksum(b, 20));
	CHECK_EQ(icmp_host_accept(&st, b, n, &ip), DROP_IPV4_BAD_SOURCE);
	/* A fragment, first or not: rung 4 reassembles; here, dropped. */
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	set_frag(b, IPV4_FLAG_MF);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_FRAGMENT);
	set_frag(b, 1);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_FRAGMENT);
	CHECK_EQ(tx.n, 0);
}

static void icmp_reply_drops(void)
{
	struct icmp_host st;
	uint8_t b[256];
	size_t n, len;

	icmp_host_init(&st, US, 1500, 0);
	txq_clear(&tx);
	n = make(b, IPV4_PROTO_ICMP, IPV4_ADDR(10, 10, 10, 3), 8);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_NOT_FOR_US);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	b[30] ^= 1;
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_ICMP_BAD_CHECKSUM);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	set_frag(b, IPV4_FLAG_MF);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_FRAGMENT);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	put32(b + 12, IPV4_ADDR(255, 255, 255, 255));
	put16(b + 10, 0);
	put16(b + 10, cksum(b, 20));
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_BAD_SOURCE);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	b[20] = ICMP_TYPE_TIME_EXCEEDED;	/* an error to us: no answer */
	put16(b + 22, 0);
	put16(b + 22, cksum(b + 20, 16));
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_ICMP_NOT_ECHO_REQUEST);
	n = make(b, IPV4_PROTO_ICMP, US, 8);
	for (len = 0; len < n; len++)
		CHECK(icmp_host_input(&st, b, len, 0, &tx) != DROP_NONE);
	REQUIRE_EQ(tx.n, 0);
}

static void icmp_reply_protocol_unreachable(void)
{
	struct icmp_host st;
	uint8_t b[256];
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	size_t n = make(b, IPV4_PROTO_UDP, US, 20);
	int i, sent = 0;

	icmp_host_init(&st, US, 1500, 0);
	txq_clear(&tx);
	CHECK_EQ(icmp_host_input(&st, b, n, 0, &tx), DROP_IPV4_PROTOCOL_UNREACHABLE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(ipv4_parse(txq_pkt(&tx, 0), tx.len[0], &ip), DROP_NONE);
	CHECK_EQ(ip.dst, PEER);
	REQUIRE_EQ(icmp_parse(ip.payload, ip.payload_len, &icmp), DROP_NONE);
	CHECK_EQ(icmp.type, ICMP_TYPE_DEST_UNREACHABLE);
	CHECK_EQ(icmp.code, ICMP_CODE_PROTOCOL_UNREACHABLE);
	CHECK_EQ(icmp.data_len, 28);
	CHECK(memcmp(icmp.data, b, 28) == 0);

	/* The burst of 10 is spent by the 10th; 100 ms later there is one more. */
	for (i = 1; i < 40; i++) {
		txq_clear(&tx);
		icmp_host_input(&st, b, n, 0, &tx);
		sent += (int)tx.n;
	}
	CHECK_EQ(sent, ICMP_HOST_ERROR_BURST - 1);
	txq_clear(&tx);
	CHECK_EQ(icmp_host_input(&st, b, n, 50, &tx), DROP_ICMP_ERROR_RATE_LIMITED);
	CHECK_EQ(icmp_host_input(&st, b, n, 100, &tx), DROP_IPV4_PROTOCOL_UNREACHABLE);
	REQUIRE_EQ(tx.n, 1);

	/* Never about a non-first fragment: fragments are dropped first. */
	set_frag(b, 10);
	txq_clear(&tx);
	CHECK_EQ(icmp_host_input(&st, b, n, 10000, &tx), DROP_IPV4_FRAGMENT);
	REQUIRE_EQ(tx.n, 0);
}

const struct unit_test core_tests[] = {
	{ "tun_echo: reflects a request", tun_echo_reflects },
	{ "tun_echo: drops everything else", tun_echo_drops },
	{ "tun_echo: an all-zero reply gets checksum 0xffff", tun_echo_all_zero_reply },
	{ "icmp_reply: answers echo to its address", icmp_reply_answers_echo },
	{ "icmp_reply: drops by reason", icmp_reply_drops },
	{ "icmp_reply: takes whole datagrams from a host to our address, drops the rest", icmp_reply_takes_whole_datagrams_to_us },
	{ "icmp_reply: protocol unreachable, rate-limited", icmp_reply_protocol_unreachable },
	{ NULL, NULL },
};
