/*
 * craft - send hand-made packets into a TUN device, for the scenario tests.
 *
 * A packet socket (AF_PACKET) bound to tun0 transmits on it, and what is
 * transmitted on a TUN device is what the program attached to it reads.  So
 * these bytes reach the program exactly as built here, bypassing the kernel
 * IP stack, which would refuse to send most of them (a raw IP socket fixes up
 * the total length and header checksum, for one).
 *
 * usage: craft [-e] [-i IFNAME] [-s SRC] [-d DST] [-D DSTMAC] [-n COUNT] KIND...
 * KIND: echo, echo-zero (identifier 0, sequence 0, no data), truncated ihl4 totlen badsum badicmpsum fragment ipv6 udp
 *       udp-badsum udp-len7 udp-len13 (a UDP checksum or Length wrong)
 *       runt (1 byte), cksum=HHHH (an echo request whose ICMP checksum
 *       is exactly HHHH, hex: the last data word is chosen to make it so)
 * -e: an Ethernet frame for a TAP device, from the interface's own MAC to
 *     DSTMAC (default 02:00:0a:0a:0a:01), around the packet of KIND, or one of
 *     these ARP kinds: arp (a valid who-has DST tell SRC), arp-short (20 of
 *     its 28 bytes), arp-htype, arp-ptype, arp-hlen, arp-plen, arp-op (each
 *     field wrong), arp-gmac (sender MAC multicast), eth-only (just the
 *     14-byte header, type ARP).  A packet socket refuses frames under 14
 *     bytes (the kernel checks the link header), so shorter runts can only be
 *     tested in the unit tests.
 * Fragments of one UDP datagram to port 7 (source port 40000): 2040 bytes of
 * data in 4 fragments of 512 bytes at offsets 0, 512, 1024, 1536:
 *   frag:ORDER   e.g. frag:3120 sends them in that order; a digit twice is a
 *                duplicate; x is a fragment at offset 256 that overlaps 0
 *                and 1 with different bytes.  All share one IP id (-I).
 *   fragflood    with -n N: N first fragments, each of its own datagram (ids
 *                1..N), none ever completed.
 * -o FILE writes the UDP data of the frag: datagram to FILE, to compare with
 * what comes back.
 * Hostile kinds (tests/90-hostile.bats):
 *   prefixes      every truncated prefix of an echo request (TAP: from the
 *                 bare 14-byte header on)
 *   boundaries    29 echo requests, each with one IPv4 or ICMP field at a
 *                 boundary value (version 0/15, IHL 0/15, total length 0 ...)
 *   opt0 opt1 optlong   a Record Route option of length 0, 1, or past the
 *                 end of the header
 *   icmperrflood  with -n N: N ICMP port-unreachable errors sent to us
 *   arpflood      with -e -n N: N ARP requests from N different senders
 * TCP kinds (tests/05-tcp-mini.bats, tests/90-hostile.bats), from SRC to DST
 * with the TCP checksum over the pseudo-header made right unless said:
 *   tcp:FLAGS:SPORT:DPORT:SEQ:ACK:WIN[:LEN]   any one segment: FLAGS are
 *                 letters of F S R P A U (or . for none), SEQ and ACK
 *                 decimal or 0x hex, LEN bytes of data ("abc...z" again)
 *   tcp-badsum    a SYN to port 7 whose TCP checksum is wrong
 *   tcp-off4      a SYN whose data offset is 4 (inside the fixed header)
 *   tcp-offlong   a 20-byte SYN whose data offset is 6 (past the end)
 *   tcp-opt0 tcp-opt1 tcp-optlong   a SYN with an MSS option of length 0,
 *                 1, or past the end of the header
 *   tcp-synfin tcp-synrst tcp-noflags   SYN+FIN, SYN+RST, no flag at all
 *   tcpprefixes   every truncated prefix (0..39 bytes) of a SYN carrying
 *                 Linux's 20 option bytes, the IPv4 total length fitted
 *   tcpboundaries SYNs and ACKs to port 7 with one field at a boundary
 *                 (ports 0, window 0, every flag, reserved bits, MSS 0,
 *                 window scale 255, an unknown option, urgent 0xffff ...)
 *   Hostile SYNs come from port 40000 with sequence number 1000.
 * Needs root (CAP_NET_RAW).  Only ever run inside a test namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint16_t frag_id = 0x5151;

static uint32_t src_addr, dst_addr;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A correct IPv4 header for a datagram of `payload` bytes. */
static void ip_header(uint8_t *b, uint8_t proto, size_t payload)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + payload));
	put16(b + 4, 0x7a7a);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &src_addr, 4);		/* already network order */
	memcpy(b + 16, &dst_addr, 4);
	put16(b + 10, sum16(b, 20));
}

static void fix_ip_checksum(uint8_t *b)
{
	put16(b + 10, 0);
	put16(b + 10, sum16(b, (size_t)(b[0] & 0x0f) * 4));
}

/* A valid echo request with 56 bytes of data: 84 bytes in all. */
static size_t echo(uint8_t *b)
{
	size_t i;

	ip_header(b, 1, 64);
	memset(b + 20, 0, 8);
	b[20] = 8;
	put16(b + 24, 0xc0de);
	put16(b + 26, 1);
	for (i = 0; i < 56; i++)
		b[28 + i] = (uint8_t)i;
	put16(b + 22, sum16(b + 20, 64));
	return 84;
}

/* An ARP request who-has DST tell SRC from mac, with one field spoiled
 * according to kind.  Returns 0 for a kind that is not an ARP kind. */
static size_t build_arp(const char *kind, uint8_t *b, const uint8_t mac[6])
{
	if (strncmp(kind, "arp", 3) != 0 && strcmp(kind, "eth-only") != 0)
		return 0;
	if (!strcmp(kind, "eth-only"))
		return 0 + 1;			/* 1 marks "no payload" */
	put16(b, 1);				/* Ethernet */
	put16(b + 2, 0x0800);			/* IPv4 */
	b[4] = 6;
	b[5] = 4;
	put16(b + 6, 1);			/* request */
	memcpy(b + 8, mac, 6);
	memcpy(b + 14, &src_addr, 4);
	memset(b + 18, 0, 6);
	memcpy(b + 24, &dst_addr, 4);
	if (!strcmp(kind, "arp-short"))
		return 20;
	if (!strcmp(kind, "arp-htype"))
		put16(b, 6);
	else if (!strcmp(kind, "arp-ptype"))
		put16(b + 2, 0x86dd);
	else if (!strcmp(kind, "arp-hlen"))
		b[4] = 8;
	else if (!strcmp(kind, "arp-plen"))
		b[5] = 16;
	else if (!strcmp(kind, "arp-op"))
		put16(b + 6, 9);
	else if (!strcmp(kind, "arp-gmac"))
		b[8] |= 0x01;
	else if (strcmp(kind, "arp") != 0)
		return 0;
	return 28;
}

/* The datagram the frag: kinds cut up: UDP header and 2040 bytes of data. */
#define FRAG_DGRAM 2048
static uint8_t dgram[FRAG_DGRAM];

static void make_dgram(void)
{
	uint8_t pseudo[12];
	uint32_t s = 0;
	size_t i;

	put16(dgram, 40000);
	put16(dgram + 2, 7);
	put16(dgram + 4, FRAG_DGRAM);
	put16(dgram + 6, 0);
	for (i = 8; i < FRAG_DGRAM; i++)
		dgram[i] = (uint8_t)(i * 7 + 3);
	memcpy(pseudo, &src_addr, 4);
	memcpy(pseudo + 4, &dst_addr, 4);
	pseudo[8] = 0;
	pseudo[9] = 17;
	put16(pseudo + 10, FRAG_DGRAM);
	for (i = 0; i < 12; i += 2)
		s += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	s += (uint16_t)~sum16(dgram, FRAG_DGRAM);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(dgram + 6, (uint16_t)~s ? (uint16_t)~s : 0xffff);
}

/* --- TCP ------------------------------------------------------------- */

/* The TCP checksum of the segment of len bytes at seg (its checksum field
 * already 0), over the pseudo-header from src_addr to dst_addr. */
static uint16_t tcp_checksum(const uint8_t *seg, size_t len)
{
	uint8_t pseudo[12];
	uint32_t s = 0;
	size_t i;

	memcpy(pseudo, &src_addr, 4);
	memcpy(pseudo + 4, &dst_addr, 4);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)len);
	for (i = 0; i < 12; i += 2)
		s += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	s += (uint16_t)~sum16(seg, len);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* An IPv4 packet holding one TCP segment: header of 20 + optlen bytes
 * (opts copied in), datalen bytes of data.  Returns the packet's length. */
static size_t tcp_segment(uint8_t *b, uint8_t flags, uint16_t sport, uint16_t dport,
			  uint32_t seq, uint32_t ack, uint16_t win,
			  const uint8_t *opts, size_t optlen, size_t datalen)
{
	uint8_t *t = b + 20;
	size_t hlen = 20 + optlen, i;

	ip_header(b, 6, hlen + datalen);
	memset(t, 0, hlen);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((hlen / 4) << 4);
	t[13] = flags;
	put16(t + 14, win);
	if (optlen)
		memcpy(t + 20, opts, optlen);
	for (i = 0; i < datalen; i++)
		t[hlen + i] = (uint8_t)('a' + i % 26);
	put16(t + 16, tcp_checksum(t, hlen + datalen));
	return 20 + hlen + datalen;
}

/* Make the TCP checksum right again after a field was changed. */
static void tcp_fix(uint8_t *b, size_t n)
{
	put16(b + 20 + 16, 0);
	put16(b + 20 + 16, tcp_checksum(b + 20, n - 20));
}

#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_PSH 0x08
#define TF_ACK 0x10
#define TF_URG 0x20

/* Linux's SYN options: MSS 1460, SACK permitted, timestamps, NOP, wscale 7. */
static const uint8_t linux_syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7
};

/* tcp:FLAGS:SPORT:DPORT:SEQ:ACK:WIN[:LEN]; 0 if it doesn't parse. */
static size_t tcp_generic(const char *spec, uint8_t *b)
{
	char flags[16];
	unsigned long sport, dport, seq, ack, win, len = 0;
	uint8_t f = 0;
	size_t i;
	int n;

	n = sscanf(spec, "tcp:%15[FSRPAU.]:%lu:%lu:%li:%li:%lu:%lu", flags, &sport,
		   &dport, &seq, &ack, &win, &len);
	if (n < 6)
		return 0;
	/* %li reads 0x... but stops at LONG_MAX: fine for 32-bit values. */
	for (i = 0; flags[i]; i++)
		f |= (uint8_t)(flags[i] == 'F' ? TF_FIN : flags[i] == 'S' ? TF_SYN :
			       flags[i] == 'R' ? TF_RST : flags[i] == 'P' ? TF_PSH :
			       flags[i] == 'A' ? TF_ACK : flags[i] == 'U' ? TF_URG : 0);
	if (sport > 65535 || dport > 65535 || win > 65535 || len > 1400)
		return 0;
	return tcp_segment(b, f, (uint16_t)sport, (uint16_t)dport, (uint32_t)seq,
			   (uint32_t)ack, (uint16_t)win, NULL, 0, len);
}

/* The hostile single-segment kinds; 0 for a kind that is not one. */
static size_t tcp_hostile(const char *kind, uint8_t *b)
{
	uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };	/* MSS 1460 */
	size_t n;

	if (!strcmp(kind, "tcp-badsum")) {
		n = tcp_segment(b, TF_SYN, 40000, 7, 1000, 0, 64240, NULL, 0, 0);
		b[20 + 16] ^= 0x5a;
		return n;
	}
	if (!strcmp(kind, "tcp-off4") || !strcmp(kind, "tcp-offlong")) {
		n = tcp_segment(b, TF_SYN, 40000, 7, 1000, 0, 64240, NULL, 0, 0);
		b[20 + 12] = !strcmp(kind, "tcp-off4") ? 0x40 : 0x60;
		tcp_fix(b, n);
		return n;
	}
	if (!strncmp(kind, "tcp-opt", 7)) {
		if (!strcmp(kind, "tcp-opt0"))
			opt[1] = 0;
		else if (!strcmp(kind, "tcp-opt1"))
			opt[1] = 1;
		else if (!strcmp(kind, "tcp-optlong"))
			opt[1] = 8;		/* 4 bytes of options are there */
		else
			return 0;
		return tcp_segment(b, TF_SYN, 40000, 7, 1000, 0, 64240, opt, 4, 0);
	}
	if (!strcmp(kind, "tcp-synfin"))
		return tcp_segment(b, TF_SYN | TF_FIN, 40000, 7, 1000, 0, 64240, NULL, 0, 0);
	if (!strcmp(kind, "tcp-synrst"))
		return tcp_segment(b, TF_SYN | TF_RST, 40000, 7, 1000, 0, 64240, NULL, 0, 0);
	if (!strcmp(kind, "tcp-noflags"))
		return tcp_segment(b, 0, 40000, 7, 1000, 0, 64240, NULL, 0, 0);
	return 0;
}

/* Boundary value number k of tcpboundaries; 0 past the last.  Source
 * ports 41000 + k, so each is a connection of its own. */
static size_t tcp_boundary(uint8_t *b, int k)
{
	uint16_t sp = (uint16_t)(41000 + k);
	uint8_t o[8];

	switch (k) {
	case 0: return tcp_segment(b, TF_SYN, 0, 7, 1000, 0, 64240, NULL, 0, 0);
	case 1: return tcp_segment(b, TF_SYN, sp, 0, 1000, 0, 64240, NULL, 0, 0);
	case 2: return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 0, NULL, 0, 0);
	case 3: return tcp_segment(b, 0xff, sp, 7, 1000, 0, 64240, NULL, 0, 0);
	case 4: return tcp_segment(b, TF_SYN, sp, 7, 0xffffffffu, 0, 64240, NULL, 0, 0);
	case 5: return tcp_segment(b, TF_ACK, sp, 7, 0, 0xffffffffu, 65535, NULL, 0, 0);
	case 6: {					/* reserved bits set */
		size_t n = tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, NULL, 0, 0);

		b[20 + 12] |= 0x0f;
		tcp_fix(b, n);
		return n;
	}
	case 7:						/* urgent, pointer 0xffff */
		{
		size_t n = tcp_segment(b, TF_SYN | TF_URG, sp, 7, 1000, 0, 64240, NULL, 0, 0);

		put16(b + 20 + 18, 0xffff);
		tcp_fix(b, n);
		return n;
		}
	case 8:						/* MSS 0 */
		o[0] = 2; o[1] = 4; o[2] = 0; o[3] = 0;
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, o, 4, 0);
	case 9:						/* window scale 255 */
		o[0] = 1; o[1] = 3; o[2] = 3; o[3] = 255;
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, o, 4, 0);
	case 10:					/* unknown kind 254, len 2 */
		o[0] = 254; o[1] = 2; o[2] = 0; o[3] = 0;
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, o, 4, 0);
	case 11:					/* MSS with length 3 */
		o[0] = 2; o[1] = 3; o[2] = 5; o[3] = 0;
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, o, 4, 0);
	case 12:					/* kind with no length byte */
		o[0] = 1; o[1] = 1; o[2] = 1; o[3] = 8;
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, o, 4, 0);
	case 13:					/* 40 bytes of NOPs */
		{
		uint8_t nops[40];

		memset(nops, 1, sizeof(nops));
		return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, nops, 40, 0);
		}
	case 14: return tcp_segment(b, TF_FIN | TF_PSH | TF_URG, sp, 7, 1000, 0, 64240, NULL, 0, 0);
	case 15: return tcp_segment(b, TF_RST | TF_ACK, sp, 7, 1000, 1, 64240, NULL, 0, 0);
	case 16: return tcp_segment(b, TF_SYN, sp, 7, 1000, 0, 64240, NULL, 0, 1400);
	default: return 0;
	}
}

/* Fragment k (0..3) of dgram, or the overlapping one ('x'), with IP id. */
static size_t fragment(uint8_t *b, char k, uint16_t id)
{
	size_t off = k == 'x' ? 256 : (size_t)(k - '0') * 512;
	int last = k == '3';

	ip_header(b, 17, 512);
	put16(b + 4, id);
	put16(b + 6, (uint16_t)((last ? 0 : 0x2000) | off / 8));
	memcpy(b + 20, dgram + off, 512);
	if (k == 'x')
		memset(b + 20, 0xee, 512);	/* different bytes */
	fix_ip_checksum(b);
	return 532;
}

static size_t build(const char *kind, uint8_t *b)
{
	size_t n = echo(b);

	if (!strcmp(kind, "echo"))
		return n;
	if (!strcmp(kind, "echo-zero")) {	/* id 0, seq 0, no data */
		put16(b + 2, 28);
		fix_ip_checksum(b);
		put16(b + 22, 0);
		put16(b + 24, 0);
		put16(b + 26, 0);
		put16(b + 22, sum16(b + 20, 8));	/* 0xf7ff */
		return 28;
	}
	if (!strncmp(kind, "opt", 3)) {		/* a 4-byte Record Route option */
		uint8_t optlen = !strcmp(kind, "opt0") ? 0 : !strcmp(kind, "opt1") ? 1 :
				 !strcmp(kind, "optlong") ? 40 : 255;

		if (optlen == 255)
			return 0;
		memmove(b + 24, b + 20, 64);
		b[0] = 0x46;			/* IHL 6 */
		put16(b + 2, 88);
		b[20] = 7;			/* Record Route */
		b[21] = optlen;			/* 0, 1 or past the header */
		b[22] = 4;
		b[23] = 0;
		fix_ip_checksum(b);
		return 88;
	}
	if (!strncmp(kind, "cksum=", 6)) {
		unsigned long want = strtoul(kind + 6, NULL, 16);
		uint32_t w;

		/* ~(rest + w) == want  <=>  w = ~want + ~rest (one's complement) */
		put16(b + 22, 0);
		put16(b + 82, 0);
		w = (uint32_t)(uint16_t)~want + sum16(b + 20, 64);
		w = (w & 0xffff) + (w >> 16);
		put16(b + 82, (uint16_t)w);
		put16(b + 22, (uint16_t)want);
		return n;
	}
	if (!strcmp(kind, "runt"))
		return 1;
	if (!strcmp(kind, "truncated"))		/* half an IPv4 header */
		return 10;
	if (!strcmp(kind, "ihl4")) {		/* header length 16 bytes */
		b[0] = 0x44;
		fix_ip_checksum(b);
		return n;
	}
	if (!strcmp(kind, "totlen")) {		/* claims more than arrives */
		put16(b + 2, 1000);
		fix_ip_checksum(b);
		return n;
	}
	if (!strcmp(kind, "badsum")) {
		b[10] ^= 0x5a;
		return n;
	}
	if (!strcmp(kind, "badicmpsum")) {
		b[22] ^= 0x5a;
		return n;
	}
	if (!strcmp(kind, "fragment")) {	/* first of two: MF set */
		put16(b + 6, 0x2000);
		fix_ip_checksum(b);
		return n;
	}
	if (!strcmp(kind, "ipv6")) {		/* an IPv6 header, ICMPv6 echo */
		memset(b, 0, 48);
		b[0] = 0x60;
		put16(b + 4, 8);
		b[6] = 58;
		b[7] = 64;
		b[23] = 2;			/* fd00::2 > fd00::1, roughly */
		b[39] = 1;
		b[40] = 128;
		return 48;
	}
	if (!strncmp(kind, "udp-", 4)) {	/* to port 7, spoiled */
		ip_header(b, 17, 12);
		put16(b + 20, 40000);
		put16(b + 22, 7);
		put16(b + 24, 12);
		put16(b + 26, 0x1234);		/* udp-badsum: not the checksum */
		memcpy(b + 28, "hey!", 4);
		if (!strcmp(kind, "udp-len7"))
			put16(b + 24, 7);	/* shorter than its own header */
		else if (!strcmp(kind, "udp-len13"))
			put16(b + 24, 13);	/* longer than the IP payload */
		else if (strcmp(kind, "udp-badsum") != 0)
			return 0;
		return 32;
	}
	if (!strcmp(kind, "udp")) {		/* to port 7, no checksum */
		ip_header(b, 17, 12);
		put16(b + 20, 40000);
		put16(b + 22, 7);
		put16(b + 24, 12);
		put16(b + 26, 0);
		memcpy(b + 28, "hey!", 4);
		return 32;
	}
	return 0;
}

/* Boundary value number k (0 and up) of the IPv4 and ICMP header fields,
 * on an echo request, with the header checksum made right again.  Returns
 * 0 past the last. */
static size_t boundary(uint8_t *b, int k)
{
	size_t n = echo(b);
	static const uint32_t addrs[] = { 0x00000000, 0xffffffff, 0x7f000001,
					  0xe0000001, 0x0a0a0aff };

	switch (k) {
	case 0: b[0] = 0x05; break;			/* version 0 */
	case 1: b[0] = 0xf5; break;			/* version 15 */
	case 2: b[0] = 0x40; break;			/* IHL 0 */
	case 3: b[0] = 0x4f; break;			/* IHL 15: 60-byte header */
	case 4: b[1] = 0xff; break;			/* TOS 255 */
	case 5: put16(b + 2, 0); break;			/* total length 0 */
	case 6: put16(b + 2, 20); break;		/* header only */
	case 7: put16(b + 2, 65535); break;
	case 8: put16(b + 4, 0xffff); break;		/* id */
	case 9: put16(b + 6, 0x8000); break;		/* the reserved flag */
	case 10: put16(b + 6, 0x1fff); break;		/* the last offset */
	case 11: put16(b + 6, 0x3fff); break;		/* DF, MF, last offset */
	case 12: b[8] = 0; break;			/* TTL 0 */
	case 13: b[8] = 255; break;
	case 14: b[9] = 0; break;			/* protocol 0 */
	case 15: b[9] = 255; break;
	case 16: case 17: case 18: case 19: case 20:	/* source addresses */
		put16(b + 12, (uint16_t)(addrs[k - 16] >> 16));
		put16(b + 14, (uint16_t)addrs[k - 16]);
		break;
	case 21: case 22: case 23: case 24: case 25:	/* destinations */
		put16(b + 16, (uint16_t)(addrs[k - 21] >> 16));
		put16(b + 18, (uint16_t)addrs[k - 21]);
		break;
	case 26: b[20] = 255; b[21] = 255; break;	/* ICMP type, code */
	case 27: put16(b + 22, 0); break;		/* ICMP checksum 0 */
	case 28: put16(b + 22, 0xffff); break;
	default: return 0;
	}
	fix_ip_checksum(b);
	return n;
}

/* The interface's own MAC, the source of the frames we send. */
static int if_mac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* Send the packet of n bytes at buf (TUN) or buf + 14 (TAP: an Ethernet
 * header of the given type goes in front).  Returns 0, or 1 on an error. */
static long sent;	/* packets sent so far */

static int send_one(int fd, const struct sockaddr_ll *ll, uint8_t *buf, size_t n,
		    int ether, uint16_t type, const uint8_t dst_mac[6],
		    const uint8_t src_mac[6])
{
	if (ether) {
		memcpy(buf, dst_mac, 6);
		memcpy(buf + 6, src_mac, 6);
		put16(buf + 12, type);
		n += 14;
	}
	if (sendto(fd, buf, n, 0, (const struct sockaddr *)ll, sizeof(*ll)) != (ssize_t)n) {
		fprintf(stderr, "craft: send %zu bytes: %s\n", n, strerror(errno));
		return 1;
	}
	/* The device queues 500 packets for the program; past that the kernel
	 * drops them.  A pause every 100 lets a slow (sanitizer) build keep up,
	 * and the tests count what the kernel dropped anyway. */
	if (++sent % 100 == 0)
		usleep(2000);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: craft [-e] [-i IF] [-s SRC] [-d DST] [-D DSTMAC] [-n N] KIND...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *src = "10.10.10.2", *dst = "10.10.10.1";
	uint8_t dst_mac[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 }, src_mac[6];
	struct sockaddr_ll ll;
	static uint8_t buf[2048];
	long count = 1, i;
	int fd, c, a, rc = 0, ether = 0;
	const char *out_path = NULL;

	while ((c = getopt(argc, argv, "ei:s:d:D:n:I:o:")) != -1) {
		switch (c) {
		case 'e': ether = 1; break;
		case 'I': frag_id = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'o': out_path = optarg; break;
		case 'i': ifname = optarg; break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'D':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst_mac[0],
				   &dst_mac[1], &dst_mac[2], &dst_mac[3], &dst_mac[4],
				   &dst_mac[5]) != 6)
				usage();
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			if (count < 1 || count > 100000) {
				fprintf(stderr, "craft: -n value is '%s': 1 to 100000\n", optarg);
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (!ifname)
		ifname = ether ? "tap0" : "tun0";
	if (optind >= argc || inet_pton(AF_INET, src, &src_addr) != 1 ||
	    inet_pton(AF_INET, dst, &dst_addr) != 1)
		usage();
	/* TUN: a datagram socket, no link header.  TAP: raw, we write it. */
	fd = socket(AF_PACKET, ether ? SOCK_RAW : SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0) {
		fprintf(stderr, "craft: packet socket: %s (needs root)\n", strerror(errno));
		return 1;
	}
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (ll.sll_ifindex == 0 || (ether && if_mac(fd, ifname, src_mac) < 0)) {
		fprintf(stderr, "craft: no interface %s\n", ifname);
		return 1;
	}
	make_dgram();
	if (out_path) {
		FILE *f = fopen(out_path, "wb");

		if (!f || fwrite(dgram + 8, FRAG_DGRAM - 8, 1, f) != 1) {
			fprintf(stderr, "craft: %s: %s\n", out_path, strerror(errno));
			return 1;
		}
		fclose(f);
	}
	for (a = optind; a < argc; a++) {
		uint8_t *pkt = ether ? buf + 14 : buf;
		const char *kind = argv[a];
		size_t n;
		int k;

		/* Kinds that are many packets: each one built, then sent. */
		if (!strncmp(kind, "frag:", 5)) {
			for (k = 5; kind[k] != '\0'; k++) {
				if (!strchr("0123x", kind[k])) {
					fprintf(stderr, "craft: bad fragment '%c' in %s\n", kind[k], kind);
					return 2;
				}
				n = fragment(pkt, kind[k], frag_id);
				rc |= send_one(fd, &ll, buf, n, ether, 0x0800, dst_mac, src_mac);
			}
			continue;
		}
		if (!strcmp(kind, "fragflood")) {	/* -n first fragments */
			for (i = 0; i < count; i++) {
				n = fragment(pkt, '0', (uint16_t)(i + 1));
				rc |= send_one(fd, &ll, buf, n, ether, 0x0800, dst_mac, src_mac);
			}
			continue;
		}
		if (!strcmp(kind, "prefixes")) {	/* every cut of an echo */
			size_t full = echo(pkt), len;

			for (len = ether ? 0 : 1; len < full; len++)
				rc |= send_one(fd, &ll, buf, len, ether, 0x0800, dst_mac, src_mac);
			continue;
		}
		if (!strcmp(kind, "tcpprefixes")) {	/* every cut of a SYN */
			size_t len;

			for (len = 0; len < 40; len++) {
				tcp_segment(pkt, TF_SYN, 40000, 7, 1000, 0, 64240,
					    linux_syn_opts, 20, 0);
				put16(pkt + 2, (uint16_t)(20 + len));
				fix_ip_checksum(pkt);
				rc |= send_one(fd, &ll, buf, 20 + len, ether, 0x0800, dst_mac, src_mac);
			}
			continue;
		}
		if (!strcmp(kind, "tcpboundaries")) {
			for (k = 0; (n = tcp_boundary(pkt, k)) != 0; k++)
				rc |= send_one(fd, &ll, buf, n, ether, 0x0800, dst_mac, src_mac);
			continue;
		}
		if (!strcmp(kind, "boundaries")) {
			for (k = 0; (n = boundary(pkt, k)) != 0; k++)
				rc |= send_one(fd, &ll, buf, n, ether, 0x0800, dst_mac, src_mac);
			continue;
		}
		if (!strcmp(kind, "icmperrflood")) {	/* -n errors sent to us */
			n = echo(pkt);
			pkt[20] = 3;			/* destination unreachable */
			pkt[21] = 3;			/* port unreachable */
			put16(pkt + 22, 0);
			put16(pkt + 22, sum16(pkt + 20, 64));
			for (i = 0; i < count; i++)
				rc |= send_one(fd, &ll, buf, n, ether, 0x0800, dst_mac, src_mac);
			continue;
		}
		if (!strcmp(kind, "arpflood")) {	/* -n senders, all new */
			uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0, 0 };

			for (i = 0; i < count; i++) {
				uint32_t spa = htonl(0x0a140000u + (uint32_t)i + 1); /* 10.20.x.y */

				mac[3] = (uint8_t)(i >> 16);
				mac[4] = (uint8_t)(i >> 8);
				mac[5] = (uint8_t)i;
				n = build_arp("arp", pkt, mac);
				memcpy(pkt + 14, &spa, 4);
				rc |= send_one(fd, &ll, buf, n, ether, 0x0806, dst_mac, mac);
			}
			continue;
		}

		/* Kinds that are one packet, sent -n times. */
		n = ether ? build_arp(kind, pkt, src_mac) : 0;
		if (n == 1) {				/* eth-only: no payload */
			n = 0;
			k = 0x0806;
		} else if (n != 0) {
			k = 0x0806;
		} else {
			if (!strncmp(kind, "tcp:", 4))
				n = tcp_generic(kind, pkt);
			else if (!strncmp(kind, "tcp-", 4))
				n = tcp_hostile(kind, pkt);
			else
				n = build(kind, pkt);
			k = pkt[0] >> 4 == 6 ? 0x86dd : 0x0800;
			if (n == 0) {
				fprintf(stderr, "craft: unknown kind '%s'\n", kind);
				return 2;
			}
		}
		for (i = 0; i < count; i++)
			rc |= send_one(fd, &ll, buf, n, ether, (uint16_t)k, dst_mac, src_mac);
	}
	close(fd);
	return rc;
}
