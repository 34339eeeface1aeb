/*
 * echoload: keep N ICMP echo requests in flight to one IPv4 address and
 * measure what comes back.
 *
 * This is the load generator behind `make bench` (see tests/bench/README.md).
 * `ping` sends one request and waits; `ping -f` sends at most one request per
 * reply or every 10 ms. Neither can say how a stack behaves with 32 requests
 * queued in front of it, which is what tells a stack whose cost is one
 * system call per packet from one that can keep up. echoload can:
 *
 *   1. Send N echo requests (RFC 792, type 8) at once.
 *   2. Each time a reply (type 0) comes back, record its round-trip time and
 *      send a replacement, so N stay in flight.
 *   3. A request unanswered after the timeout (-w, 200 ms) is counted lost,
 *      and a replacement goes out for it too.
 *   4. After -t seconds (or -c requests), stop sending, give the requests
 *      still out one last timeout to come back, and print one line:
 *
 *   sent 9000 received 9000 lost 0 duration_s 3.000 rate_per_s 3000 p50_us 21.3
 *     p90_us 30.1 p99_us 55.0 mean_us 23.0 min_us 15.2 max_us 310.4 inflight 1
 *     payload 56 timeout_ms 200 unmatched 0 bad 0 send_errors 0 samples 9000
 *
 *   (all on one line; "key value" pairs, so `awk` can pick any of them).
 *
 * How a reply is matched to its request: the ICMP identifier is our process
 * id, the sequence number indexes a table of 65536 requests, and the first
 * 8 bytes of the payload carry a "token", the request's serial number. The
 * token matters because sequence numbers wrap: a reply that limps in after
 * its request was declared lost, and after its sequence number was reused,
 * must not be credited to the newer request.
 *
 * What the numbers mean:
 *   sent, received, lost  sent = received + lost, always.
 *   duration_s            the sending window: -t, or less if -c ran out first.
 *   rate_per_s            replies that arrived inside the window / duration_s.
 *   p50/p90/p99/min/max   round-trip times (CLOCK_MONOTONIC, taken just before
 *                         sendto() and just after recvfrom()), microseconds;
 *                         "-" when nothing came back.
 *   unmatched             echo replies with our identifier but no request
 *                         waiting for them: late (already counted lost) or
 *                         duplicated.
 *   bad                   replies too short or with a wrong checksum.
 *   samples               RTTs kept for the percentiles: all of them, or a
 *                         uniform random 4M of them on a very long run.
 *
 * Usage:
 *   echoload -d DST_IPV4 [-n INFLIGHT] [-t SECONDS] [-s PAYLOAD_BYTES]
 *            [-c MAX_REQUESTS] [-w TIMEOUT_MS]
 *
 * Needs a raw socket, so root or CAP_NET_RAW. Exit codes: 0 after a run
 * (whatever the loss), 1 on a setup failure, 2 on a usage error.
 *
 * What it leaves out: IPv6; ICMP errors coming back (an unreachable target
 * simply shows up as loss); sending in bursts of more than one packet per
 * system call (sendmmsg), which would measure the tool less and the target
 * more but is harder to read.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* ICMP message types we send and expect (RFC 792). */
#define ICMP_TYPE_ECHO_REPLY   0
#define ICMP_TYPE_ECHO_REQUEST 8

/*
 * Linux raw-socket filter: a bit mask of ICMP types the kernel should NOT
 * queue on this socket. These two values are from <linux/icmp.h>, written
 * here because that header clashes with <netinet/in.h> on some systems.
 */
#define LINUX_ICMP_FILTER 1
struct linux_icmp_filter {
	uint32_t data;
};

#define IPV4_HDR_MIN    20   /* IPv4 header without options */
#define ICMP_ECHO_HDR   8    /* type, code, checksum, identifier, sequence */
#define TOKEN_LEN       8    /* our request serial number, in the payload */
#define IPV4_MAX_TOTAL  65535
#define PAYLOAD_MAX     (IPV4_MAX_TOTAL - IPV4_HDR_MIN - ICMP_ECHO_HDR)
#define PAYLOAD_DEFAULT 56   /* what ping sends */

/* The sequence number is 16 bits, so at most 65536 distinct requests exist. */
#define SEQ_SPACE 65536u

/*
 * In-flight cap: far below SEQ_SPACE, so sequence numbers are almost never
 * all busy, and far above what a teaching stack can usefully absorb.
 */
#define INFLIGHT_MAX 4096u

/*
 * Timeout cap: an accepted RTT is below the timeout, and we store RTTs as
 * 32-bit nanosecond counts, which hold up to 4.29 s.
 */
#define TIMEOUT_MS_MAX     4000u
#define TIMEOUT_MS_DEFAULT 200u

#define SECONDS_MAX     3600.0
#define SECONDS_DEFAULT 3.0

/* At most 4M RTT samples (16 MiB): memory stays bounded on any run. */
#define SAMPLES_MAX (4u * 1024u * 1024u)

/* How long to wait before retrying after the kernel refused a send. */
#define SEND_BACKOFF_NS 1000000ull

#define NS_PER_S  1000000000ull
#define NS_PER_MS 1000000ull

/* One request slot per sequence number. */
struct request {
	uint64_t sent_ns;   /* CLOCK_MONOTONIC just before sendto() */
	uint64_t token;     /* serial number; also in the payload */
	int outstanding;    /* 1 while we wait for its reply */
};

/* RTT samples for the percentiles: a bounded reservoir. */
struct samples {
	uint32_t *v;        /* RTTs in ns */
	size_t n;           /* how many v[] holds */
	uint64_t seen;      /* how many were offered */
	uint64_t rng;       /* xorshift64 state for reservoir replacement */
};

struct config {
	struct sockaddr_in dst;
	unsigned inflight;
	double seconds;
	size_t payload;
	uint64_t max_requests;
	unsigned timeout_ms;
};

struct load {
	const struct config *cfg;
	int fd;
	uint16_t ident;             /* ICMP identifier: our pid */
	uint8_t *pkt;               /* the echo request we send, rebuilt per send */
	size_t pkt_len;
	struct request *table;      /* SEQ_SPACE entries, indexed by sequence */
	uint16_t next_seq;          /* sequence number of the next request */
	uint16_t oldest_seq;        /* no request older than this is outstanding */
	unsigned inflight;
	uint64_t timeout_ns;
	uint64_t backoff_until_ns;  /* no sends before this, after ENOBUFS & co */
	int filling;                /* 0 once the window is over: no more sends */

	uint64_t sent, received, lost, unmatched, bad, send_errors;
	uint64_t received_in_window;
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	struct samples samples;
};

static const char *progname = "echoload";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s -d DST_IPV4 [-n INFLIGHT] [-t SECONDS] [-s PAYLOAD_BYTES]\n"
		"          [-c MAX_REQUESTS] [-w TIMEOUT_MS]\n"
		"\n"
		"Keep INFLIGHT ICMP echo requests outstanding to DST_IPV4 for SECONDS,\n"
		"then print one line: sent, received, lost, rate and RTT percentiles.\n"
		"\n"
		"  -d DST_IPV4       target address (required)\n"
		"  -n INFLIGHT       requests kept in flight, 1..%u (default 1)\n"
		"  -t SECONDS        sending window, > 0 and <= %.0f (default %.0f)\n"
		"  -s PAYLOAD_BYTES  ICMP payload, %d..%d (default %d)\n"
		"  -c MAX_REQUESTS   stop after this many requests (default: no limit)\n"
		"  -w TIMEOUT_MS     a request unanswered this long is lost, 1..%u\n"
		"                    (default %u)\n"
		"  -h                this help\n"
		"\n"
		"Needs root or CAP_NET_RAW (raw ICMP socket).\n",
		progname, INFLIGHT_MAX, SECONDS_MAX, SECONDS_DEFAULT,
		TOKEN_LEN, PAYLOAD_MAX, PAYLOAD_DEFAULT,
		TIMEOUT_MS_MAX, TIMEOUT_MS_DEFAULT);
}

/* A usage error: say which argument and why, point at -h, exit 2. */
static void usage_error(const char *what, const char *value, const char *why)
{
	fprintf(stderr, "%s: %s is \"%s\": %s (try -h)\n",
		progname, what, value, why);
	exit(2);
}

/*
 * Parse an unsigned decimal in [min, max]. strtoull() alone accepts
 * " -1" (and wraps it to a huge number), "12abc" and "", so check all three.
 */
static uint64_t parse_uint(const char *what, const char *s,
			   uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;
	char why[96];

	if (*s < '0' || *s > '9')
		usage_error(what, s, "not an unsigned decimal number");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		usage_error(what, s, "not an unsigned decimal number");
	if (errno == ERANGE || v < min || v > max) {
		if (max == UINT64_MAX)
			snprintf(why, sizeof(why), "must be at least %" PRIu64, min);
		else
			snprintf(why, sizeof(why), "must be between %" PRIu64
				 " and %" PRIu64, min, max);
		usage_error(what, s, why);
	}
	return v;
}

/* Parse seconds as a decimal fraction, 0 < s <= SECONDS_MAX. */
static double parse_seconds(const char *what, const char *s)
{
	char *end;
	double v;
	char why[64];

	if ((*s < '0' || *s > '9') && *s != '.')
		usage_error(what, s, "not a number of seconds");
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s)
		usage_error(what, s, "not a number of seconds");
	/* "!(v > 0)" also rejects NaN, which every comparison fails. */
	if (errno == ERANGE || !(v > 0.0) || v > SECONDS_MAX) {
		snprintf(why, sizeof(why), "must be above 0 and at most %.0f",
			 SECONDS_MAX);
		usage_error(what, s, why);
	}
	return v;
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	const char *dst = NULL;
	int c;

	cfg->inflight = 1;
	cfg->seconds = SECONDS_DEFAULT;
	cfg->payload = PAYLOAD_DEFAULT;
	cfg->max_requests = UINT64_MAX;
	cfg->timeout_ms = TIMEOUT_MS_DEFAULT;

	while ((c = getopt(argc, argv, "d:n:t:s:c:w:h")) != -1) {
		switch (c) {
		case 'd':
			dst = optarg;
			break;
		case 'n':
			cfg->inflight = (unsigned)parse_uint("in-flight count (-n)",
							     optarg, 1, INFLIGHT_MAX);
			break;
		case 't':
			cfg->seconds = parse_seconds("duration (-t)", optarg);
			break;
		case 's':
			cfg->payload = (size_t)parse_uint("payload size (-s)", optarg,
							  TOKEN_LEN, PAYLOAD_MAX);
			break;
		case 'c':
			cfg->max_requests = parse_uint("request count (-c)", optarg,
						       1, UINT64_MAX);
			break;
		case 'w':
			cfg->timeout_ms = (unsigned)parse_uint("timeout (-w)", optarg,
							       1, TIMEOUT_MS_MAX);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			/* getopt() has already said what was wrong. */
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\" (try -h)\n",
			progname, argv[optind]);
		exit(2);
	}
	if (dst == NULL) {
		fprintf(stderr, "%s: a target address (-d) is required (try -h)\n",
			progname);
		exit(2);
	}
	memset(&cfg->dst, 0, sizeof(cfg->dst));
	cfg->dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, dst, &cfg->dst.sin_addr) != 1)
		usage_error("target address (-d)", dst,
			    "not a dotted-quad IPv4 address");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* MONOTONIC: never jumps when someone sets the wall clock. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/*
 * The Internet checksum (RFC 1071): the one's complement of the one's
 * complement sum of the data taken as big-endian 16-bit words, an odd last
 * byte padded with a zero. A 32-bit accumulator cannot overflow here:
 * at most 32768 words of at most 0xffff sum to less than 2^31. The result
 * is in host order; store it high byte first.
 */
static uint16_t cksum_rfc1071(const uint8_t *buf, size_t len)
{
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)buf[0] << 8 | buf[1];
		buf += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)buf[0] << 8;
	/* Fold the carries back in until they stop appearing. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Big-endian ("network order") reads and writes: byte order lives here only. */
static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Offer one RTT to the reservoir (Algorithm R: every RTT equally likely kept). */
static void samples_add(struct samples *s, uint32_t rtt_ns)
{
	s->seen++;
	if (s->n < SAMPLES_MAX) {
		s->v[s->n++] = rtt_ns;
		return;
	}
	/* xorshift64: plenty random for picking a slot, and reproducible. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	uint64_t j = s->rng % s->seen;
	if (j < SAMPLES_MAX)
		s->v[j] = rtt_ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n-1], n > 0: the smallest value
 * with at least pct percent of the samples at or below it. */
static uint32_t percentile(const uint32_t *v, size_t n, unsigned pct)
{
	uint64_t rank = ((uint64_t)n * pct + 99) / 100;

	if (rank == 0)
		rank = 1;
	return v[rank - 1];
}

/*
 * Echo request (RFC 792):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Identifier          |        Sequence Number        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Data: our 8-byte token, then a fixed byte pattern ...
 *   +-+-+-+-+-
 *
 * Send one with the next free sequence number. Returns 1 if sent, 0 if not
 * (sequence space busy, or the kernel said "not now"). The kernel adds the
 * IPv4 header: a raw socket without IP_HDRINCL does that for us.
 */
static int send_request(struct load *ld)
{
	struct request *r = &ld->table[ld->next_seq];
	uint64_t token = ld->sent + ld->send_errors;   /* unique per attempt */
	uint8_t *p = ld->pkt;
	ssize_t n;

	/*
	 * All 65536 sequence numbers in use (only at extreme rates, with
	 * replies going missing): wait for the oldest to be answered or time
	 * out rather than reuse its number.
	 */
	if (r->outstanding)
		return 0;

	p[0] = ICMP_TYPE_ECHO_REQUEST;
	p[1] = 0;                                       /* code */
	put_be16(p + 2, 0);                             /* checksum: 0 while summing */
	put_be16(p + 4, ld->ident);
	put_be16(p + 6, ld->next_seq);
	put_be64(p + ICMP_ECHO_HDR, token);
	put_be16(p + 2, cksum_rfc1071(p, ld->pkt_len));

	r->sent_ns = now_ns();
	n = sendto(ld->fd, p, ld->pkt_len, 0,
		   (const struct sockaddr *)&ld->cfg->dst, sizeof(ld->cfg->dst));
	if (n < 0) {
		switch (errno) {
		case EINTR:
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
		case ENOBUFS:       /* queue full: the load is winning */
		case EHOSTUNREACH:  /* neighbour resolution failed: counts as loss */
		case ENETUNREACH:
		case EHOSTDOWN:
		case ENETDOWN:
		case ECONNREFUSED:
			ld->send_errors++;
			ld->backoff_until_ns = now_ns() + SEND_BACKOFF_NS;
			return 0;
		default:
			fprintf(stderr, "%s: sendto %s: %s\n", progname,
				inet_ntoa(ld->cfg->dst.sin_addr), strerror(errno));
			exit(1);
		}
	}
	r->token = token;
	r->outstanding = 1;
	ld->next_seq++;         /* uint16_t: wraps from 65535 to 0 by itself */
	ld->sent++;
	ld->inflight++;
	return 1;
}

/* Top up to the configured number in flight, if we are still sending. */
static void fill(struct load *ld)
{
	if (!ld->filling)
		return;
	while (ld->inflight < ld->cfg->inflight &&
	       ld->sent < ld->cfg->max_requests &&
	       now_ns() >= ld->backoff_until_ns) {
		if (!send_request(ld))
			break;
	}
}

/*
 * Declare lost every request older than the timeout. Requests are sent in
 * sequence order, so the oldest outstanding one is found by walking forward
 * from oldest_seq past the ones already answered: each slot is stepped over
 * once, so this costs O(1) per request on average.
 */
static void expire(struct load *ld, uint64_t now)
{
	while (ld->inflight > 0) {
		struct request *r = &ld->table[ld->oldest_seq];

		if (r->outstanding) {
			if (now - r->sent_ns < ld->timeout_ns)
				return;          /* the oldest is still in time */
			r->outstanding = 0;
			ld->lost++;
			ld->inflight--;
		}
		ld->oldest_seq++;
	}
	/* Nothing outstanding: the next request sent is the oldest. */
	ld->oldest_seq = ld->next_seq;
}

/*
 * One datagram from the raw socket: an IPv4 header (the kernel always
 * includes it on receive), then ICMP. Take it apart with explicit bounds
 * checks; anything that is not an echo reply to us is ignored.
 */
static void handle_packet(struct load *ld, const uint8_t *buf, size_t len,
			  uint64_t now)
{
	size_t ihl, total, icmp_len;
	const uint8_t *icmp;
	uint16_t seq;
	struct request *r;
	uint64_t rtt;

	/* IPv4 header: version 4, IHL >= 5, IHL*4 <= total length <= bytes read. */
	if (len < IPV4_HDR_MIN || buf[0] >> 4 != 4)
		goto bad;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	total = get_be16(buf + 2);
	if (ihl < IPV4_HDR_MIN || ihl > total || total > len)
		goto bad;
	/* From our target? (The raw socket sees all ICMP in this namespace.) */
	if (memcmp(buf + 12, &ld->cfg->dst.sin_addr, 4) != 0)
		return;
	icmp = buf + ihl;
	icmp_len = total - ihl;
	if (icmp_len < ICMP_ECHO_HDR)
		goto bad;
	/* Someone else's ICMP (another ping, or an error message): not ours. */
	if (icmp[0] != ICMP_TYPE_ECHO_REPLY || icmp[1] != 0 ||
	    get_be16(icmp + 4) != ld->ident)
		return;
	/* Summing a message with its checksum in place gives 0 if intact. */
	if (cksum_rfc1071(icmp, icmp_len) != 0 || icmp_len < ICMP_ECHO_HDR + TOKEN_LEN)
		goto bad;

	seq = get_be16(icmp + 6);
	r = &ld->table[seq];
	rtt = now - r->sent_ns;
	/*
	 * The reply must match a request still waiting, by sequence number
	 * and token. Anything else is a duplicate, or a reply to a request
	 * already counted lost (possibly one whose number has been reused).
	 * A reply at or past the timeout is late even if expire() has not
	 * run yet, so "lost" means the same thing however the loop is timed.
	 */
	if (!r->outstanding || r->token != get_be64(icmp + ICMP_ECHO_HDR) ||
	    rtt >= ld->timeout_ns) {
		ld->unmatched++;
		return;
	}
	r->outstanding = 0;
	ld->inflight--;
	ld->received++;
	if (ld->filling)
		ld->received_in_window++;
	ld->rtt_sum_ns += rtt;
	if (rtt < ld->rtt_min_ns)
		ld->rtt_min_ns = rtt;
	if (rtt > ld->rtt_max_ns)
		ld->rtt_max_ns = rtt;
	samples_add(&ld->samples, (uint32_t)rtt);   /* rtt < timeout <= 4 s */

	/* Keep the pipe full: the replacement goes out before the next read. */
	fill(ld);
	return;
bad:
	ld->bad++;
}

/*
 * Read what the socket has queued, without blocking, but at most a batch.
 * The batch limit is not an optimisation: over veth (and loopback) the
 * reply to a request is often queued before sendto() even returns, so
 * "read until empty" while sending a replacement per reply never ends, and
 * the caller would never get to look at the clock.
 */
#define RECV_BATCH 64

static void drain_socket(struct load *ld)
{
	/* Static: 64 KiB is too big to be polite on the stack. */
	static uint8_t buf[IPV4_MAX_TOTAL + 1];

	for (int i = 0; i < RECV_BATCH; i++) {
		ssize_t n = recv(ld->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			/*
			 * Raw sockets also report errors queued by ICMP
			 * messages (host unreachable, ...) here; the
			 * requests they concern will show up as lost.
			 */
			if (errno == EHOSTUNREACH || errno == ENETUNREACH ||
			    errno == ECONNREFUSED || errno == EHOSTDOWN)
				continue;
			fprintf(stderr, "%s: recv: %s\n", progname, strerror(errno));
			exit(1);
		}
		handle_packet(ld, buf, (size_t)n, now_ns());
	}
}

/* Milliseconds poll() should wait for the next thing we must act on. */
static int poll_timeout_ms(const struct load *ld, uint64_t now, uint64_t until)
{
	uint64_t next = until;

	if (ld->inflight > 0) {
		/* expire() left oldest_seq on the oldest outstanding request. */
		uint64_t deadline = ld->table[ld->oldest_seq].sent_ns + ld->timeout_ns;
		if (deadline < next)
			next = deadline;
	}
	if (ld->filling && ld->backoff_until_ns > now && ld->backoff_until_ns < next)
		next = ld->backoff_until_ns;
	if (next <= now)
		return 0;
	/* Round up: waking a little late is fine, spinning early is not. */
	return (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}

/*
 * Run the loop until `until` (sending phase) or until nothing is in flight
 * (drain phase, where `until` is the end of the last grace timeout).
 */
static void run_loop(struct load *ld, uint64_t until)
{
	struct pollfd pfd = { .fd = ld->fd, .events = POLLIN };

	for (;;) {
		uint64_t now = now_ns();

		expire(ld, now);
		if (now >= until)
			return;
		if (ld->filling) {
			if (ld->sent >= ld->cfg->max_requests && ld->inflight == 0)
				return;         /* -c reached and all accounted for */
		} else if (ld->inflight == 0) {
			return;                 /* drained */
		}
		fill(ld);
		if (poll(&pfd, 1, poll_timeout_ms(ld, now, until)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", progname, strerror(errno));
			exit(1);
		}
		if (pfd.revents & (POLLIN | POLLERR))
			drain_socket(ld);
	}
}

static void open_socket(struct load *ld)
{
	struct linux_icmp_filter filt;
	int rcvbuf = 4 << 20;

	ld->fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (ld->fd < 0) {
		if (errno == EPERM || errno == EACCES)
			fprintf(stderr, "%s: cannot open a raw ICMP socket: %s; "
				"run as root (or give the binary CAP_NET_RAW)\n",
				progname, strerror(errno));
		else
			fprintf(stderr, "%s: socket: %s\n", progname, strerror(errno));
		exit(1);
	}
	/*
	 * Ask the kernel to queue only echo replies for us: under load the
	 * namespace may carry other ICMP we would only read and throw away.
	 * Linux-only and an optimisation; handle_packet() checks the type anyway.
	 */
	filt.data = ~(UINT32_C(1) << ICMP_TYPE_ECHO_REPLY);
	(void)setsockopt(ld->fd, SOL_RAW, LINUX_ICMP_FILTER, &filt, sizeof(filt));
	/* Room for every reply of a large burst; the kernel may cap it. */
	(void)setsockopt(ld->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
}

static void print_us(const char *key, int have, uint64_t ns)
{
	if (have)
		printf(" %s %.1f", key, (double)ns / 1000.0);
	else
		printf(" %s -", key);
}

static void report(struct load *ld, uint64_t duration_ns)
{
	struct samples *s = &ld->samples;
	double dur_s = (double)duration_ns / 1e9;
	int have = ld->received > 0;

	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
	printf("sent %" PRIu64 " received %" PRIu64 " lost %" PRIu64
	       " duration_s %.3f rate_per_s %.0f",
	       ld->sent, ld->received, ld->lost, dur_s,
	       dur_s > 0 ? (double)ld->received_in_window / dur_s : 0.0);
	print_us("p50_us", have, have ? percentile(s->v, s->n, 50) : 0);
	print_us("p90_us", have, have ? percentile(s->v, s->n, 90) : 0);
	print_us("p99_us", have, have ? percentile(s->v, s->n, 99) : 0);
	print_us("mean_us", have, have ? ld->rtt_sum_ns / ld->received : 0);
	print_us("min_us", have, ld->rtt_min_ns);
	print_us("max_us", have, ld->rtt_max_ns);
	printf(" inflight %u payload %zu timeout_ms %u unmatched %" PRIu64
	       " bad %" PRIu64 " send_errors %" PRIu64 " samples %zu\n",
	       ld->cfg->inflight, ld->cfg->payload, ld->cfg->timeout_ms,
	       ld->unmatched, ld->bad, ld->send_errors, s->n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct load ld;
	uint64_t start, window_end, send_end;

	parse_args(argc, argv, &cfg);

	memset(&ld, 0, sizeof(ld));
	ld.cfg = &cfg;
	ld.ident = (uint16_t)getpid();
	ld.timeout_ns = (uint64_t)cfg.timeout_ms * NS_PER_MS;
	ld.rtt_min_ns = UINT64_MAX;
	ld.pkt_len = ICMP_ECHO_HDR + cfg.payload;
	ld.pkt = malloc(ld.pkt_len);
	ld.table = calloc(SEQ_SPACE, sizeof(*ld.table));
	ld.samples.v = malloc(SAMPLES_MAX * sizeof(*ld.samples.v));
	ld.samples.rng = 0x9e3779b97f4a7c15ull;
	if (ld.pkt == NULL || ld.table == NULL || ld.samples.v == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 1;
	}
	/* A recognisable payload after the token, like ping's 0x10, 0x11, ... */
	for (size_t i = ICMP_ECHO_HDR + TOKEN_LEN; i < ld.pkt_len; i++)
		ld.pkt[i] = (uint8_t)i;

	open_socket(&ld);

	/* Phase 1: keep cfg.inflight requests out until the window closes. */
	ld.filling = 1;
	start = now_ns();
	window_end = start + (uint64_t)(cfg.seconds * (double)NS_PER_S);
	run_loop(&ld, window_end);
	send_end = now_ns();

	/*
	 * Phase 2: stop sending; give what is still out one timeout to come
	 * back, so every request sent ends up either received or lost.
	 */
	ld.filling = 0;
	run_loop(&ld, send_end + ld.timeout_ns);
	/* Normally a no-op: with "now" at the end of time, anything left is lost. */
	expire(&ld, UINT64_MAX);

	report(&ld, send_end - start);
	close(ld.fd);
	free(ld.samples.v);
	free(ld.table);
	free(ld.pkt);
	return 0;
}
