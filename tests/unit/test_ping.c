/*
 * test_ping.c - the stack's own ping (lib/ping.c): what it sends, what it
 * prints, when it ends; and the next hop it is sent to (lib/eth_host.c).
 */
#include <string.h>

#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/icmp.h"
#include "../../lib/ipv4.h"
#include "../../lib/ping.h"
#include "unit.h"

static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);
static const uint32_t FAR = IPV4_ADDR(192, 0, 2, 2);

static struct pinger p;
static struct txq ipq;
static uint64_t now_us;
static uint16_t ip_id;

/* The request the pinger queued last, parsed: false if it is not one. */
static bool last_request(struct ipv4_hdr *ip, struct icmp_hdr *icmp)
{
	if (ipq.n == 0 ||
	    ipv4_parse(txq_pkt(&ipq, ipq.n - 1), ipq.len[ipq.n - 1], ip) != DROP_NONE)
		return false;
	return icmp_parse(ip->payload, ip->payload_len, icmp) == DROP_NONE;
}

/* The echo reply to the last request, as its target sends it (ttl), into
 * buf; *ip parsed from it. */
static void reply_to_last(uint8_t *buf, uint8_t ttl, struct ipv4_hdr *ip)
{
	struct ipv4_hdr req, out;
	struct icmp_hdr icmp;
	size_t len;

	if (!last_request(&req, &icmp))
		return;
	icmp.type = ICMP_TYPE_ECHO_REPLY;
	len = icmp_emit(&icmp, buf + IPV4_HDR_LEN, 2000);
	out = (struct ipv4_hdr){ .ttl = ttl, .proto = IPV4_PROTO_ICMP, .src = req.dst,
				 .dst = req.src, .total_len = (uint16_t)(IPV4_HDR_LEN + len) };
	ipv4_emit(&out, buf, IPV4_HDR_LEN);
	ipv4_parse(buf, IPV4_HDR_LEN + len, ip);
}

/* An ICMP error (type, code) from `from` quoting the last request. */
static void error_about_last(uint8_t *buf, uint32_t from, uint8_t type, uint8_t code,
			     struct ipv4_hdr *ip)
{
	struct icmp_hdr icmp = { .type = type, .code = code,
				 .data = txq_pkt(&ipq, ipq.n - 1), .data_len = 28 };
	struct ipv4_hdr out;
	size_t len = icmp_emit(&icmp, buf + IPV4_HDR_LEN, 2000);

	out = (struct ipv4_hdr){ .ttl = 64, .proto = IPV4_PROTO_ICMP, .src = from,
				 .dst = US, .total_len = (uint16_t)(IPV4_HDR_LEN + len) };
	ipv4_emit(&out, buf, IPV4_HDR_LEN);
	ipv4_parse(buf, IPV4_HDR_LEN + len, ip);
}

static const char *text(void)
{
	const char *t = pinger_take(&p);

	return t ? t : "";
}

static void start(uint32_t dst, unsigned count)
{
	now_us = 5000000;
	ip_id = 100;
	txq_clear(&ipq);
	pinger_init(&p, US, dst, 0x1234, count, 1000000, &now_us);
}

static void requests_and_replies(void)
{
	static uint8_t buf[2048];
	struct ipv4_hdr ip;
	struct icmp_hdr icmp;
	enum drop why = DROP_COUNT;
	uint64_t next;
	size_t i;

	start(PEER, 0);
	CHECK(strcmp(text(), "PING 10.10.10.2 (10.10.10.2) 56(84) bytes of data.\n") == 0);
	next = pinger_tick(&p, &ipq, &ip_id);
	REQUIRE(last_request(&ip, &icmp));
	/* RFC 792's echo: type 8 code 0, our identifier, sequence from 1. */
	CHECK_EQ(icmp.type, ICMP_TYPE_ECHO_REQUEST);
	CHECK_EQ(icmp.code, 0);
	CHECK_EQ(icmp.id, 0x1234);
	CHECK_EQ(icmp.seq, 1);
	CHECK_EQ(icmp.data_len, PING_DATA_LEN);
	CHECK_EQ(ip.src, US);
	CHECK_EQ(ip.dst, PEER);
	CHECK_EQ(ip.ttl, 64);
	CHECK_EQ(ip.id, 100);
	CHECK_EQ(ip_id, 101);
	/* The send time rides in the data; the rest is a pattern. */
	CHECK_EQ(get32(icmp.data + 4), 5000000);
	for (i = 8; i < PING_DATA_LEN; i++)
		CHECK_EQ(icmp.data[i], i);
	CHECK_EQ(next, 6000);				/* the next in a second */
	CHECK_EQ(pinger_tick(&p, &ipq, &ip_id), 6000);	/* not before */
	CHECK_EQ(ipq.n, 1);

	/* The reply, 250 us later: iputils' line, to the microsecond. */
	now_us += 250;
	reply_to_last(buf, 64, &ip);
	CHECK(pinger_input(&p, &ip, &why));
	CHECK_EQ(why, DROP_NONE);
	CHECK(strcmp(text(), "64 bytes from 10.10.10.2: icmp_seq=1 ttl=64 time=0.250 ms\n") == 0);
	/* The same reply again: a duplicate, not a second answer. */
	CHECK(pinger_input(&p, &ip, &why));
	CHECK(strcmp(text(), "64 bytes from 10.10.10.2: icmp_seq=1 ttl=64 time=0.250 ms (DUP!)\n") == 0);
	CHECK_EQ(p.received, 1);
	CHECK_EQ(p.dups, 1);

	/* Someone else's echo reply (another identifier) is not ours. */
	reply_to_last(buf, 64, &ip);
	put16(buf + IPV4_HDR_LEN + 4, 0x4321);
	put16(buf + IPV4_HDR_LEN + 2, 0);
	put16(buf + IPV4_HDR_LEN + 2, cksum(buf + IPV4_HDR_LEN, ip.payload_len));
	CHECK(!pinger_input(&p, &ip, &why));

	/* A second later the next request, seq 2; 12.5 ms: two decimals. */
	now_us = 6000000;
	pinger_tick(&p, &ipq, &ip_id);
	REQUIRE(last_request(&ip, &icmp));
	CHECK_EQ(icmp.seq, 2);
	now_us += 12500;
	reply_to_last(buf, 63, &ip);
	CHECK(pinger_input(&p, &ip, &why));
	CHECK(strcmp(text(), "64 bytes from 10.10.10.2: icmp_seq=2 ttl=63 time=12.5 ms\n") == 0);
	CHECK(!p.done);				/* no --count: until SIGINT */
}

static void count_and_statistics(void)
{
	static uint8_t buf[2048];
	struct ipv4_hdr ip;
	enum drop why;

	start(FAR, 2);
	text();
	pinger_tick(&p, &ipq, &ip_id);
	now_us += 250;
	reply_to_last(buf, 63, &ip);
	CHECK(pinger_input(&p, &ip, &why));
	now_us = 6000000;
	pinger_tick(&p, &ipq, &ip_id);
	CHECK(!p.done);
	now_us += 500;
	reply_to_last(buf, 63, &ip);
	CHECK(pinger_input(&p, &ip, &why));
	/* Both answered: done at once, as iputils is. */
	CHECK(p.done);
	CHECK_EQ(pinger_tick(&p, &ipq, &ip_id), UINT64_MAX);
	CHECK_EQ(ipq.n, 2);
	text();
	pinger_finish(&p);
	CHECK(strcmp(text(), "\n--- 192.0.2.2 ping statistics ---\n"
		     "2 packets transmitted, 2 received, 0% packet loss, time 1001ms\n"
		     "rtt min/avg/max/mdev = 0.250/0.375/0.500/0.125 ms\n") == 0);
	CHECK_EQ(pinger_status(&p), 0);
	pinger_finish(&p);			/* once only */
	CHECK(pinger_take(&p) == NULL);
}

static void errors_and_silence(void)
{
	static uint8_t buf[2048];
	struct ipv4_hdr ip;
	enum drop why;
	uint64_t next;

	/* A router's error quoting our request: a From line, an error. */
	start(FAR, 3);
	text();
	pinger_tick(&p, &ipq, &ip_id);
	error_about_last(buf, PEER, ICMP_TYPE_TIME_EXCEEDED, 0, &ip);
	CHECK(pinger_input(&p, &ip, &why));
	CHECK(strcmp(text(), "From 10.10.10.2 icmp_seq=1 Time to live exceeded\n") == 0);
	/* ARP gave up on the next hop: host unreachable, from ourselves, as
	 * Linux reports its own neighbour failures. */
	now_us = 6000000;
	pinger_tick(&p, &ipq, &ip_id);
	CHECK(pinger_unreachable(&p, txq_pkt(&ipq, 1), 28));
	CHECK(strcmp(text(), "From 10.10.10.1 icmp_seq=2 Destination Host Unreachable\n") == 0);
	/* Not one of ours: a TCP segment's head. */
	memcpy(buf, txq_pkt(&ipq, 1), 28);
	buf[9] = IPV4_PROTO_TCP;
	CHECK(!pinger_unreachable(&p, buf, 28));
	CHECK_EQ(p.errors, 2);

	/* The third goes unanswered: 10 s after it, iputils' linger, done. */
	now_us = 7000000;
	next = pinger_tick(&p, &ipq, &ip_id);
	CHECK_EQ(p.sent, 3);
	CHECK_EQ(next, 7000 + PING_LINGER_MS);
	now_us = 7000000 + PING_LINGER_MS * 1000ull - 1;
	pinger_tick(&p, &ipq, &ip_id);
	CHECK(!p.done);
	now_us += 1;
	CHECK_EQ(pinger_tick(&p, &ipq, &ip_id), UINT64_MAX);
	CHECK(p.done);
	pinger_finish(&p);
	CHECK(strcmp(text(), "\n--- 192.0.2.2 ping statistics ---\n"
		     "3 packets transmitted, 0 received, +2 errors, 100% packet loss, time 12000ms\n") == 0);
	CHECK_EQ(pinger_status(&p), 1);
}

const struct unit_test ping_tests[] = {
	{ "ping: an echo request of ours, a reply's line to the microsecond, DUP!", requests_and_replies },
	{ "ping: --count ends when all are answered; iputils' statistics", count_and_statistics },
	{ "ping: From lines for a router's error and for ARP giving up; 10 s linger", errors_and_silence },
	{ NULL, NULL },
};
