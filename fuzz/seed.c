/*
 * seed - write the fuzz targets' seed corpus from the replay fixtures, and
 * a few inputs made by hand that the fixtures lack (fragments, IP options,
 * a reassembly that times out, an ARP cache filled up, an error burst).
 *
 * A fuzzer starts from its seeds and mutates them.  Seeds that already are
 * real traffic (a ping, an ARP request, a UDP datagram) take it past the
 * first checks at once, instead of after millions of tries.
 *
 * Usage: build/fuzz/seed TUN.pcap TAP.pcap OUTDIR [TCP.pcap]  (`make fuzz-seeds`)
 *   TUN.pcap: IPv4 packets (LINKTYPE_RAW), tests/fixtures/tun-requests.pcap
 *   TAP.pcap: Ethernet frames, tests/fixtures/tap-frames.pcap
 *   TCP.pcap: Ethernet frames, tests/fixtures/tcp-frames.pcap; by default
 *             tcp-frames.pcap in TAP.pcap's directory
 * writes OUTDIR/<target>/<name> in each target's input format (fuzz.h and
 * the comment at the top of each fuzz_*.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/arp.h"
#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/eth.h"
#include "../lib/frag.h"
#include "../lib/icmp.h"
#include "../lib/icmp_host.h"
#include "../lib/ipv4.h"
#include "../lib/pcap.h"
#include "../lib/tcp.h"
#include "../tcp_mini/tcp_mini.h"
#include "fuzz.h"

#define MAX_PKTS	32
#define FIX_ALL		(FUZZ_FIX_IP | FUZZ_FIX_L4)

static const uint8_t peer_mac[ETH_ADDR_LEN] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x02 };
static const uint32_t peer_addr = IPV4_ADDR(10, 10, 10, 2);

/* A fixture, read whole. */
struct capture {
	size_t n;
	uint8_t pkt[MAX_PKTS][2048];
	size_t len[MAX_PKTS];
	uint64_t ts_us[MAX_PKTS];
};

static struct capture tun, tap, tcpcap;
static const char *outdir;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "seed: %s: %s\n", what, why);
	exit(1);
}

static void read_capture(const char *path, uint32_t linktype, struct capture *c)
{
	char err[256];
	static uint8_t scratch[2048];
	struct pcap p;
	uint64_t ts;
	size_t len;
	int got;

	if (pcap_open_read(&p, path, err, sizeof(err)) < 0)
		die(path, err);
	if (p.linktype != linktype)
		die(path, "unexpected link type");
	while (c->n < MAX_PKTS &&
	       (got = pcap_read(&p, c->pkt[c->n], sizeof(c->pkt[0]), &c->len[c->n],
				&c->ts_us[c->n], err, sizeof(err))) == 1)
		c->n++;
	if (c->n == MAX_PKTS && pcap_read(&p, scratch, sizeof(scratch), &len, &ts,
					  err, sizeof(err)) == 1)
		die(path, "more packets than MAX_PKTS");
	pcap_close(&p);
	if (c->n == 0)
		die(path, "no packets");
}

/* --- writing seed files ----------------------------------------------- */

/* A seed being built: bytes appended, then written out. */
static uint8_t seed_buf[256 * 1024];
static size_t seed_len;

static void add(const void *p, size_t len)
{
	if (len > sizeof(seed_buf) - seed_len)
		die("seed", "too large");
	memcpy(seed_buf + seed_len, p, len);
	seed_len += len;
}

static void add8(uint8_t v)
{
	add(&v, 1);
}

static void add16(uint16_t v)
{
	uint8_t b[2];

	put16(b, v);
	add(b, 2);
}

/* The time-step byte for dt_ms, the inverse of fuzz_time_step() up to
 * rounding: under 200 ms as is, then whole seconds (at most 56). */
static uint8_t time_byte(uint64_t dt_ms)
{
	uint64_t s;

	if (dt_ms < 200)
		return (uint8_t)dt_ms;
	s = (dt_ms + 500) / 1000;
	if (s < 1)
		s = 1;
	if (s > 56)
		s = 56;
	return (uint8_t)(199 + s);
}

/* One record (fuzz.h): time step, flags, length, packet. */
static void add_record(uint64_t dt_ms, uint8_t flags, const uint8_t *pkt, size_t len)
{
	add8(time_byte(dt_ms));
	add8(flags);
	add16((uint16_t)len);
	add(pkt, len);
}

static void write_seed(const char *target, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		die(path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(seed_buf, 1, seed_len, f) != seed_len || fclose(f) != 0)
		die(path, strerror(errno));
	seed_len = 0;
}

/* --- packets made by hand --------------------------------------------- */

/* Wrap an IPv4 packet in a frame from the peer to us. */
static size_t frame(uint8_t *out, const uint8_t *pkt, size_t len)
{
	memcpy(out + ETH_HDR_LEN, pkt, len);
	return eth_emit(out, fuzz_our_mac, peer_mac, ETH_TYPE_IPV4, len);
}

/* A UDP datagram from the peer to our port with data bytes of payload. */
static size_t make_udp(uint8_t *b, uint16_t port, size_t data)
{
	struct ipv4_hdr ip = {
		.total_len = (uint16_t)(IPV4_HDR_LEN + 8 + data), .id = 0x4242,
		.ttl = 64, .proto = IPV4_PROTO_UDP, .src = peer_addr,
		.dst = FUZZ_OUR_ADDR,
	};
	uint8_t *u = b + IPV4_HDR_LEN;
	size_t i;

	ipv4_emit(&ip, b, IPV4_HDR_LEN);
	put16(u, 40000);
	put16(u + 2, port);
	put16(u + 4, (uint16_t)(8 + data));
	put16(u + 6, 0);
	for (i = 0; i < data; i++)
		u[8 + i] = (uint8_t)('a' + i % 26);
	put16(u + 6, cksum_finish(cksum_add(cksum_pseudo_ipv4(peer_addr, FUZZ_OUR_ADDR,
							       IPV4_PROTO_UDP,
							       (uint16_t)(8 + data)),
					    u, 8 + data)));
	return ip.total_len;
}

/* An echo request with no data from src to us, sequence number seq. */
static size_t make_ping(uint8_t *b, uint32_t src, uint16_t seq)
{
	struct ipv4_hdr ip = {
		.total_len = IPV4_HDR_LEN + 8, .id = seq, .ttl = 64,
		.proto = IPV4_PROTO_ICMP, .src = src, .dst = FUZZ_OUR_ADDR,
	};
	uint8_t *icmp = b + IPV4_HDR_LEN;

	ipv4_emit(&ip, b, IPV4_HDR_LEN);
	icmp[0] = ICMP_TYPE_ECHO_REQUEST;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, 0x77);
	put16(icmp + 6, seq);
	put16(icmp + 2, cksum(icmp, 8));
	return ip.total_len;
}

/* A datagram with options: Router Alert (RFC 2113; copied into every
 * fragment) and Record Route (RFC 791; first fragment only), padded with
 * End of Option List.  IHL 8: a 32-byte header. */
static size_t make_with_options(uint8_t *b, size_t data)
{
	static const uint8_t opts[12] = {
		0x94, 4, 0, 0,		/* router alert: copied flag set */
		7, 7, 4, 0, 0, 0, 0,	/* record route, room for one address */
		0,			/* end of options */
	};
	size_t total = 32 + data, i;

	memset(b, 0, 32);
	b[0] = 0x48;
	put16(b + 2, (uint16_t)total);
	put16(b + 4, 0x5151);
	b[8] = 64;
	b[9] = IPV4_PROTO_UDP;
	put32(b + 12, peer_addr);
	put32(b + 16, FUZZ_OUR_ADDR);
	memcpy(b + 20, opts, sizeof(opts));
	for (i = 0; i < data; i++)
		b[32 + i] = (uint8_t)i;
	put16(b + 10, cksum(b, 32));
	return total;
}

/* The fragments of a datagram, from ipv4_fragment. */
static struct {
	size_t n;
	uint8_t pkt[8][1600];
	size_t len[8];
} frags;

static void collect(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	if (frags.n == 8 || len > sizeof(frags.pkt[0]))
		die("fragments", "more than expected");
	memcpy(frags.pkt[frags.n], pkt, len);
	frags.len[frags.n++] = len;
}

static void fragment(const uint8_t *pkt, size_t len, int mtu)
{
	frags.n = 0;
	if (ipv4_fragment(pkt, len, mtu, collect, NULL) != DROP_NONE)
		die("fragment", "ipv4_fragment refused a seed");
}

/* An ARP request from the peer for our address, in a frame. */
static size_t arp_request(uint8_t *out)
{
	struct arp_pkt a = { .op = ARP_OP_REQUEST, .spa = peer_addr, .tpa = FUZZ_OUR_ADDR };

	memcpy(a.sha, peer_mac, ETH_ADDR_LEN);
	arp_emit(&a, out + ETH_HDR_LEN);
	return eth_emit(out, eth_broadcast, peer_mac, ETH_TYPE_ARP, ARP_LEN);
}

/* --- the seeds, target by target -------------------------------------- */

/* Every packet of a capture as records, with the times between them. */
static void add_capture(const struct capture *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		add_record(i ? (c->ts_us[i] - c->ts_us[i - 1]) / 1000 : 0, FIX_ALL,
			   c->pkt[i], c->len[i]);
}

static void seed_decoders(void)
{
	uint8_t b[2048];
	char name[32];
	size_t i, n, hlen;

	for (i = 0; i < tun.n; i++) {
		snprintf(name, sizeof(name), "tun-%zu", i + 1);
		add8(FUZZ_FIX_IP);
		add(tun.pkt[i], tun.len[i]);
		write_seed("ipv4", name);
	}
	n = make_with_options(b, 8);
	add8(FUZZ_FIX_IP);
	add(b, n);
	write_seed("ipv4", "options");

	/* The first packet is a ping; its ICMP message starts after IHL*4. */
	hlen = (size_t)(tun.pkt[0][0] & 0x0f) * 4;
	add8(FUZZ_FIX_L4);
	add(tun.pkt[0] + hlen, tun.len[0] - hlen);
	write_seed("icmp", "echo-request");

	/* The last one is the UDP datagram to port 7. */
	i = tun.n - 1;
	add8(FUZZ_FIX_L4);
	add(tun.pkt[i] + 12, 8);		/* source, destination */
	add(tun.pkt[i] + 20, tun.len[i] - 20);
	write_seed("udp", "hello-echo");

	for (i = 0; i < tap.n; i++) {
		snprintf(name, sizeof(name), "tap-%zu", i + 1);
		add(tap.pkt[i], tap.len[i]);
		write_seed("eth", name);
		if (get16(tap.pkt[i] + 12) == ETH_TYPE_ARP) {
			snprintf(name, sizeof(name), "arp-%zu", i + 1);
			add(tap.pkt[i] + ETH_HDR_LEN, tap.len[i] - ETH_HDR_LEN);
			write_seed("arp", name);
		}
	}
}

/*
 * fuzz_tcp's seeds: flags, source and destination, a segment.  The fixtures
 * hold no TCP (tun-requests.pcap, tap-frames.pcap), so these are made here:
 * the SYN Linux sends (from tests/fixtures/udp-frames.pcap: MSS, SACK
 * permitted, timestamps, a no-op, window scale), and what we would send
 * back: a SYN-ACK, data, a FIN.
 */
static const uint8_t linux_syn[40] = {
	0xec, 0xbe, 0x00, 0x07, 0x4a, 0xe3, 0x2b, 0x0f, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x3e, 0xc8, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x78, 0xd4, 0x0a, 0xa1,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* The pseudo-header's addresses, as fuzz_udp and fuzz_tcp take them. */
static void add_addrs(uint32_t src, uint32_t dst)
{
	uint8_t a[8];

	put32(a, src);
	put32(a + 4, dst);
	add(a, 8);
}

static void add_tcp(uint8_t flags, uint8_t seg_flags, const char *data, const char *name)
{
	struct tcp_hdr h = { .src_port = 7, .dst_port = 60606, .seq = 0x1000,
			     .ack = 0x4ae32b10, .flags = seg_flags, .window = 65535,
			     .opts = { .mss = 1460, .has_wscale = true, .wscale = 7 } };
	uint8_t b[100];
	size_t n = strlen(data), hlen = tcp_hdr_len(&h);

	memcpy(b + hlen, data, n);
	tcp_emit(&h, FUZZ_OUR_ADDR, peer_addr, b, n);
	add8(flags);
	add_addrs(FUZZ_OUR_ADDR, peer_addr);
	add(b, hlen + n);
	write_seed("tcp", name);
}

static void seed_tcp(void)
{
	add8(FUZZ_FIX_L4);
	add_addrs(peer_addr, FUZZ_OUR_ADDR);
	add(linux_syn, sizeof(linux_syn));
	write_seed("tcp", "linux-syn");
	add_tcp(FUZZ_FIX_L4, TCP_FLAG_SYN | TCP_FLAG_ACK, "", "syn-ack");
	add_tcp(FUZZ_FIX_L4, TCP_FLAG_PSH | TCP_FLAG_ACK, "hello\n", "data");
	add_tcp(FUZZ_FIX_L4, TCP_FLAG_FIN | TCP_FLAG_ACK, "", "fin");
}

static void seed_frag(void)
{
	uint8_t b[2048];
	size_t n;

	add16(68);			/* the smallest MTU: many fragments */
	add(tun.pkt[0], tun.len[0]);
	write_seed("frag", "ping-mtu68");
	add16(1500);			/* fits: passed on unchanged */
	add(tun.pkt[0], tun.len[0]);
	write_seed("frag", "ping-fits");
	n = make_with_options(b, 200);
	add16(96);
	add(b, n);
	write_seed("frag", "options-mtu96");
	n = make_udp(b, FUZZ_UDP_PORT, 1000);
	put16(b + 6, IPV4_FLAG_DF);	/* too big, may not be fragmented */
	add16(576);
	add(b, n);
	write_seed("frag", "df-too-big");
}

static void seed_reasm(void)
{
	uint8_t b[2048];
	size_t n;

	/* 128 bytes over an MTU of 68: payloads of 48, 48 and 12 bytes. */
	n = make_udp(b, FUZZ_UDP_PORT, 100);
	fragment(b, n, 68);
	add_record(0, FUZZ_FIX_IP, frags.pkt[0], frags.len[0]);
	add_record(5, FUZZ_FIX_IP, frags.pkt[1], frags.len[1]);
	add_record(5, FUZZ_FIX_IP, frags.pkt[2], frags.len[2]);
	write_seed("reasm", "in-order");
	add_record(0, FUZZ_FIX_IP, frags.pkt[2], frags.len[2]);
	add_record(5, FUZZ_FIX_IP, frags.pkt[0], frags.len[0]);
	add_record(5, FUZZ_FIX_IP, frags.pkt[0], frags.len[0]);	/* duplicate */
	add_record(5, FUZZ_FIX_IP, frags.pkt[1], frags.len[1]);
	write_seed("reasm", "reverse-with-duplicate");
	add_record(0, FUZZ_FIX_IP, frags.pkt[0], frags.len[0]);
	add_record(31000, FUZZ_FIX_IP, frags.pkt[1], frags.len[1]);	/* too late */
	add_record(0, FUZZ_FIX_IP, frags.pkt[2], frags.len[2]);
	write_seed("reasm", "timeout");
}

static void seed_cores(void)
{
	uint8_t b[2048], f[2048];
	size_t n, i;

	add_capture(&tun);
	write_seed("tun_echo", "fixture");
	add_capture(&tun);
	write_seed("icmp_reply", "fixture");
	n = make_udp(b, FUZZ_UDP_PORT, 100);	/* a fragment: rung 2 drops it */
	fragment(b, n, 68);
	add_record(0, FIX_ALL, frags.pkt[0], frags.len[0]);
	write_seed("icmp_reply", "fragment");
	/* UDP is no protocol of rung 2's: each datagram earns a protocol
	 * unreachable, until the 11th in a row finds the error bucket empty. */
	for (i = 0; i <= ICMP_HOST_ERROR_BURST; i++) {
		n = make_udp(b, FUZZ_UDP_PORT, 4);
		add_record(0, FIX_ALL, b, n);
	}
	write_seed("icmp_reply", "error-burst");

	add_capture(&tap);
	write_seed("tap_arp", "fixture");

	/* Pings from 65 hosts we have no MAC for: each reply waits for ARP in
	 * an entry of its own, and the 65th finds the cache full. */
	for (i = 0; i <= ARP_CACHE_SIZE; i++) {
		n = make_ping(b, peer_addr + (uint32_t)i, (uint16_t)(i + 1));
		add_record(0, FIX_ALL, f, frame(f, b, n));
	}
	write_seed("tap_arp", "arp-cache-full");

	/* 65 pings from one host we have no MAC for: the replies wait in one
	 * entry, and the 65th pushes the oldest out. */
	for (i = 0; i <= ARP_HOLD_MAX; i++) {
		n = make_ping(b, peer_addr, (uint16_t)(i + 1));
		add_record(0, FIX_ALL, f, frame(f, b, n));
	}
	write_seed("tap_arp", "arp-hold-full");
	add_capture(&tap);
	write_seed("udp_echo", "fixture");

	/* ARP first, so that replies go out instead of waiting for it. */
	n = make_udp(b, FUZZ_UDP_PORT, 12);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_record(10, FIX_ALL, f, frame(f, b, n));
	n = make_udp(b, 9, 12);			/* no one there */
	add_record(10, FIX_ALL, f, frame(f, b, n));
	write_seed("udp_echo", "echo-and-unreachable");

	/* 2000 bytes of UDP: in two fragments, echoed in two fragments. */
	n = make_udp(b, FUZZ_UDP_PORT, 2000 - 28);
	fragment(b, n, 1500);
	add_record(0, FIX_ALL, f, arp_request(f));
	for (i = 0; i < frags.n; i++)
		add_record(1, FIX_ALL, f, frame(f, frags.pkt[i], frags.len[i]));
	write_seed("udp_echo", "fragmented-echo");

	/* Only the first fragment, then 31 s of nothing: time exceeded. */
	add_record(0, FIX_ALL, f, arp_request(f));
	add_record(1, FIX_ALL, f, frame(f, frags.pkt[0], frags.len[0]));
	add_record(31000, 0, f, 0);		/* an empty record: just time */
	write_seed("udp_echo", "reassembly-timeout");
}

/*
 * fuzz_tcp_mini's seeds: a byte of setup (fuzz_tcp_mini.c), then records.
 * Every one fixes the ISN at 0xfffff000, as the fixture was recorded, so
 * that the peer's acknowledgments fit.
 */
#define TM_CLIENT	0x01
#define TM_CLIENT_DATA	0x02
#define TM_CLIENT_EOF	0x04
#define TM_FIXED_ISN	0x08
#define TM_SAME_BATCH	0x04	/* a record flag */
#define TM_ISS		0xfffff000u
#define PEER_ISS	5000u

/* A TCP segment from the peer to us, in an IPv4 packet; a SYN carries MSS
 * 1460 and window scale 7, as Linux's do (without SACK and timestamps). */
static size_t make_tcp(uint8_t *b, uint16_t sport, uint16_t dport, uint8_t flags,
		       uint32_t sq, uint32_t ack, const char *data)
{
	struct tcp_hdr h = { .src_port = sport, .dst_port = dport, .seq = sq,
			     .ack = ack, .flags = flags, .window = 502,
			     .opts = { .has_mss = true, .mss = 1460,
				       .has_wscale = true, .wscale = 7 } };
	size_t n = strlen(data), hlen = tcp_hdr_len(&h);
	struct ipv4_hdr ip = {
		.total_len = (uint16_t)(IPV4_HDR_LEN + hlen + n), .id = 0x4343,
		.ttl = 64, .proto = IPV4_PROTO_TCP, .src = peer_addr,
		.dst = FUZZ_OUR_ADDR,
	};

	if (flags & TCP_FLAG_SYN)
		h.window = 64240;	/* a SYN's window is not scaled */
	ipv4_emit(&ip, b, IPV4_HDR_LEN);
	memcpy(b + IPV4_HDR_LEN + hlen, data, n);
	tcp_emit(&h, peer_addr, FUZZ_OUR_ADDR, b + IPV4_HDR_LEN, n);
	return ip.total_len;
}

/* One segment from the peer as a record. */
static void add_seg(uint64_t dt_ms, uint8_t flags, uint16_t sport, uint16_t dport,
		    uint8_t tcp_flags, uint32_t sq, uint32_t ack, const char *data)
{
	uint8_t b[2048], f[2048];
	size_t n = make_tcp(b, sport, dport, tcp_flags, sq, ack, data);

	add_record(dt_ms, flags, f, frame(f, b, n));
}

static void seed_tcp_mini(void)
{
	const uint8_t A = TCP_FLAG_ACK, PA = TCP_FLAG_PSH | TCP_FLAG_ACK,
		      FA = TCP_FLAG_FIN | TCP_FLAG_ACK;
	/* tcp_mini_connect()'s port with --seed 1. */
	const uint16_t client = (uint16_t)(49152 + 2654435761u % 16384);
	const uint32_t us = TM_ISS + 1, peer = PEER_ISS + 1;
	uint8_t f[2048];
	size_t i;

	add8(TM_FIXED_ISN);
	add_capture(&tcpcap);
	write_seed("tcp_mini", "fixture");

	/* Echo: handshake, "hello\n", the peer's FIN; our echo and FIN; the
	 * last ACK.  Then 3 s: nothing is left. */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 40000, 7, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL, 40000, 7, A, peer, us, "");
	add_seg(1, FIX_ALL, 40000, 7, PA, peer, us, "hello\n");
	add_seg(1, FIX_ALL, 40000, 7, FA, peer + 6, us, "");
	add_seg(1, FIX_ALL, 40000, 7, A, peer + 7, us + 7, "");
	add_record(3000, 0, f, 0);
	write_seed("tcp_mini", "echo-handshake-data-fin");

	/* The same to discard, with the ACK, the data and the FIN in one
	 * batch, as the device loop reads them when they come together. */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 40001, 9, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL | TM_SAME_BATCH, 40001, 9, A, peer, us, "");
	add_seg(0, FIX_ALL | TM_SAME_BATCH, 40001, 9, PA, peer, us, "discard me\n");
	add_seg(0, FIX_ALL, 40001, 9, FA, peer + 11, us, "");
	add_seg(1, FIX_ALL, 40001, 9, A, peer + 12, us + 1, "");
	write_seed("tcp_mini", "discard-one-batch");

	/* Chargen: the peer reads 1000 bytes, its window shuts, then it
	 * resets. */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 40002, 19, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL, 40002, 19, A, peer, us, "");
	add_seg(1, FIX_ALL, 40002, 19, A, peer, us + 1000, "");
	add_seg(1, FIX_ALL, 40002, 19, TCP_FLAG_RST, peer, 0, "");
	write_seed("tcp_mini", "chargen-reset");

	/* The client: its SYN waits for ARP; the SYN-ACK; 3000 bytes of
	 * stdin and its end go out; the peer acknowledges, answers and
	 * closes; TIME-WAIT ends. */
	add8(TM_FIXED_ISN | TM_CLIENT | TM_CLIENT_DATA | TM_CLIENT_EOF);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 7, client, TCP_FLAG_SYN | TCP_FLAG_ACK, PEER_ISS, us, "");
	add_seg(1, FIX_ALL, 7, client, A, peer, us + 3000 + 1, "");
	add_seg(1, FIX_ALL, 7, client, PA, peer, us + 3000 + 1, "thanks\n");
	add_seg(1, FIX_ALL, 7, client, FA, peer + 7, us + 3000 + 1, "");
	add_record(3000, 0, f, 0);
	write_seed("tcp_mini", "client-send-and-close");

	/* Both close at once: the peer's FIN crosses ours (CLOSING), then
	 * acknowledges it (TIME-WAIT) and sends its FIN again. */
	add8(TM_FIXED_ISN | TM_CLIENT | TM_CLIENT_EOF);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 7, client, TCP_FLAG_SYN | TCP_FLAG_ACK, PEER_ISS, us, "");
	add_seg(1, FIX_ALL, 7, client, FA, peer, us, "");
	add_seg(1, FIX_ALL, 7, client, A, peer + 1, us + 1, "");
	add_seg(1, FIX_ALL, 7, client, FA, peer, us + 1, "");
	write_seed("tcp_mini", "client-simultaneous-close");

	/* Both open at once: the peer's SYN crosses ours, then its SYN-ACK. */
	add8(TM_FIXED_ISN | TM_CLIENT);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 7, client, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL, 7, client, TCP_FLAG_SYN | TCP_FLAG_ACK, PEER_ISS, us, "");
	add_seg(1, FIX_ALL, 7, client, PA, peer, us, "hi\n");
	write_seed("tcp_mini", "client-simultaneous-open");

	/* Echo: data sent again overlapping what came (trimmed at the front),
	 * a SYN again with data in the window, and three duplicate ACKs while
	 * our echo is unacknowledged (fast retransmit). */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 40003, 7, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL, 40003, 7, A, peer, us, "");
	add_seg(1, FIX_ALL, 40003, 7, PA, peer, us, "hello");
	add_seg(1, FIX_ALL, 40003, 7, PA, peer, us, "hello world\n");
	add_seg(1, FIX_ALL, 40003, 7, TCP_FLAG_SYN, PEER_ISS, 0, "xhello world\nmore\n");
	add_seg(1, FIX_ALL, 40003, 7, A, peer + 12, us, "");
	add_seg(1, FIX_ALL, 40003, 7, A, peer + 12, us, "");
	add_seg(1, FIX_ALL, 40003, 7, A, peer + 12, us, "");
	write_seed("tcp_mini", "echo-overlap-syn-dupacks");

	/* Echo, out of order: the second half and the FIN first (kept past
	 * the hole), then the first half fills the hole. */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	add_seg(1, FIX_ALL, 40004, 7, TCP_FLAG_SYN, PEER_ISS, 0, "");
	add_seg(1, FIX_ALL, 40004, 7, A, peer, us, "");
	add_seg(1, FIX_ALL, 40004, 7, TCP_FLAG_FIN | PA, peer + 6, us, "world\n");
	add_seg(1, FIX_ALL, 40004, 7, PA, peer, us, "hello ");
	add_seg(1, FIX_ALL, 40004, 7, A, peer + 13, us + 13, "");
	write_seed("tcp_mini", "echo-out-of-order");

	/* 129 connections to discard: the 65th half-open one finds the backlog
	 * full, and once they are established the 129th finds the table full
	 * (and the rings shrink to share the memory budget). */
	add8(TM_FIXED_ISN);
	add_record(0, FIX_ALL, f, arp_request(f));
	for (i = 0; i <= TCP_BACKLOG; i++)
		add_seg(0, FIX_ALL, (uint16_t)(1000 + i), 9, TCP_FLAG_SYN, PEER_ISS, 0, "");
	for (i = 0; i <= TCP_BACKLOG; i++)
		add_seg(0, FIX_ALL, (uint16_t)(1000 + i), 9, A, peer, us, "");
	for (i = TCP_BACKLOG + 1; i <= TCP_MAX_CONN; i++) {
		add_seg(0, FIX_ALL, (uint16_t)(1000 + i), 9, TCP_FLAG_SYN, PEER_ISS, 0, "");
		add_seg(0, FIX_ALL, (uint16_t)(1000 + i), 9, A, peer, us, "");
	}
	write_seed("tcp_mini", "backlog-and-table-full");
}

int main(int argc, char **argv)
{
	char tcp_path[1024];
	const char *slash;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: seed TUN.pcap TAP.pcap OUTDIR [TCP.pcap]\n");
		return 2;
	}
	read_capture(argv[1], PCAP_LINKTYPE_RAW, &tun);
	read_capture(argv[2], PCAP_LINKTYPE_ETHERNET, &tap);
	if (argc == 5) {
		snprintf(tcp_path, sizeof(tcp_path), "%s", argv[4]);
	} else {
		slash = strrchr(argv[2], '/');
		snprintf(tcp_path, sizeof(tcp_path), "%.*stcp-frames.pcap",
			 slash ? (int)(slash - argv[2] + 1) : 0, argv[2]);
	}
	read_capture(tcp_path, PCAP_LINKTYPE_ETHERNET, &tcpcap);
	outdir = argv[3];
	if (mkdir(outdir, 0777) < 0 && errno != EEXIST)
		die(outdir, strerror(errno));
	seed_decoders();
	seed_tcp();
	seed_frag();
	seed_reasm();
	seed_cores();
	seed_tcp_mini();
	return 0;
}
