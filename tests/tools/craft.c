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
 * KIND: echo truncated ihl4 totlen badsum badicmpsum fragment ipv6 udp
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
		const char *k;

		/* Fragment kinds: one packet per letter, or per -n for a flood. */
		if (!strncmp(argv[a], "frag:", 5) || !strcmp(argv[a], "fragflood")) {
			int flood = argv[a][4] == 'f';

			k = flood ? NULL : argv[a] + 5;
			for (i = 0; flood ? i < count : k[i] != '\0'; i++) {
				size_t n;

				if (!flood && !strchr("0123x", k[i])) {
					fprintf(stderr, "craft: bad fragment '%c' in %s\n", k[i], argv[a]);
					return 2;
				}
				n = fragment(pkt, flood ? '0' : k[i],
					     flood ? (uint16_t)(i + 1) : frag_id);
				if (ether) {
					memcpy(buf, dst_mac, 6);
					memcpy(buf + 6, src_mac, 6);
					put16(buf + 12, 0x0800);
					n += 14;
				}
				if (sendto(fd, buf, n, 0, (struct sockaddr *)&ll, sizeof(ll)) != (ssize_t)n) {
					fprintf(stderr, "craft: send %s: %s\n", argv[a], strerror(errno));
					rc = 1;
				}
			}
			continue;
		}
		size_t n = ether ? build_arp(argv[a], pkt, src_mac) : 0;
		uint16_t type = 0x0806;

		if (n == 1)			/* eth-only: no payload */
			n = 0;
		else if (n == 0) {
			n = build(argv[a], pkt);
			type = pkt[0] >> 4 == 6 ? 0x86dd : 0x0800;
			if (n == 0) {
				fprintf(stderr, "craft: unknown kind '%s'\n", argv[a]);
				return 2;
			}
		}
		if (ether) {
			memcpy(buf, dst_mac, 6);
			memcpy(buf + 6, src_mac, 6);
			put16(buf + 12, type);
			n += 14;
		}
		for (i = 0; i < count; i++)
			if (sendto(fd, buf, n, 0, (struct sockaddr *)&ll, sizeof(ll)) != (ssize_t)n) {
				fprintf(stderr, "craft: send %s: %s\n", argv[a], strerror(errno));
				rc = 1;
			}
	}
	close(fd);
	return rc;
}
