/*
 * udpload: keep N UDP datagrams in flight to an echo server (RFC 862) and
 * check and time what comes back.
 *
 * This is the UDP load generator behind `make bench` (see
 * tests/bench/README.md), the sister of echoload.c, which does the same
 * with ICMP echo. `nc -u` sends one datagram and waits; udpload keeps N of
 * them outstanding, which is what tells a server whose cost is one system
 * call per packet from one that keeps up:
 *
 *   1. Send N datagrams of S bytes at once, from one connected UDP socket.
 *   2. Each time an echo comes back, check it byte for byte, record its
 *      round-trip time and send a replacement, so N stay in flight.
 *   3. A datagram unanswered after the timeout (-w, 200 ms) is counted lost,
 *      and a replacement goes out for it too.
 *   4. After -t seconds (or -c datagrams), stop sending, give the datagrams
 *      still out one last timeout to come back, and print one line:
 *
 *   sent 9000 received 9000 lost 0 mismatched 0 duration_s 3.000
 *     rate_per_s 3000 mbytes_per_s 0.19 p50_us 21.3 p90_us 30.1 p99_us 55.0
 *     mean_us 23.0 min_us 15.2 max_us 310.4 inflight 1 size 64
 *     timeout_ms 200 unmatched 0 bad 0 send_errors 0 icmp_errors 0
 *     rcvbuf 8388608 sndbuf 8388608 samples 9000
 *
 *   (all on one line; "key value" pairs, so `awk` can pick any of them).
 *
 * What a datagram carries (S bytes, S >= 12):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  sequence number (big-endian)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  token (64 bits, big-endian)                  |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  pattern: 64-bit words made from the token and their position |
 *   +-+-+-+-+-+-+-+- ...
 *
 * The sequence number is the datagram's serial number (mod 2^32); its low
 * 16 bits pick one of 65536 request slots. The token is the serial number
 * mixed with a key chosen per run, so an echo from an earlier run (or one
 * that limps in after its slot was reused) is never credited to a newer
 * datagram. The pattern differs for every datagram and every position, so
 * an echo stitched together from the wrong pieces (fragments of two
 * datagrams reassembled as one, say) cannot pass the byte-for-byte check.
 *
 * What the numbers mean:
 *   sent, received, lost, mismatched
 *                  sent = received + lost + mismatched, always. received:
 *                  echoed byte for byte within the timeout. mismatched: an
 *                  echo whose header matched a datagram still waiting but
 *                  whose length or content did not. lost: nothing (or
 *                  nothing recognisable) came back in time.
 *   duration_s     the sending window: -t, or less if -c ran out first.
 *   rate_per_s     exact echoes that arrived inside the window / duration_s.
 *   mbytes_per_s   payload bytes of those echoes / duration_s / 1e6.
 *   p50/p90/p99/min/max/mean
 *                  round-trip times of the exact echoes (CLOCK_MONOTONIC,
 *                  taken just before send() and just after recv()),
 *                  microseconds; "-" when nothing came back.
 *   unmatched      echoes with a well-formed header but no datagram waiting
 *                  for them: late (already counted lost) or duplicated.
 *   bad            echoes too short to carry the 12-byte header.
 *   send_errors    sends the kernel refused (ENOBUFS, EAGAIN: the load is
 *                  winning); we back off 1 ms and try again.
 *   icmp_errors    errors the kernel reported from ICMP messages (port
 *                  unreachable: nobody listening; host unreachable: no
 *                  answer to ARP). The datagrams concerned show up as lost.
 *   rcvbuf, sndbuf the socket buffer sizes the kernel granted (it reports
 *                  twice what is asked, for its own overhead).
 *   samples        RTTs kept for the percentiles: all of them, or a uniform
 *                  random 4M of them on a very long run.
 *
 * Usage:
 *   udpload -d DST_IPV4 [-p PORT] [-n INFLIGHT] [-t SECONDS] [-s BYTES]
 *           [-c MAX_DATAGRAMS] [-w TIMEOUT_MS]
 *
 * Needs no privileges, but with CAP_NET_ADMIN (root) it can make its socket
 * buffers bigger than net.core.rmem_max / wmem_max, which 32 datagrams of
 * 8000 bytes need. Exit codes: 0 after a run (whatever the loss), 1 on a
 * setup failure, 2 on a usage error.
 *
 * What it leaves out: IPv6; host names (give an address); sending or
 * receiving more than one datagram per system call (sendmmsg, recvmmsg).
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

#define HDR_LEN       12     /* sequence number (4) + token (8) */
#define UDP_MAX       65507  /* 65535 - 20 (IPv4 header) - 8 (UDP header) */
#define SIZE_DEFAULT  64
#define PORT_DEFAULT  7      /* echo (RFC 862) */

/* Request slots, indexed by the low 16 bits of the sequence number. */
#define SEQ_SPACE 65536u

/* In-flight cap: far below SEQ_SPACE, as in echoload. */
#define INFLIGHT_MAX 4096u

/* RTTs are stored as 32-bit nanosecond counts: at most 4.29 s. */
#define TIMEOUT_MS_MAX     4000u
#define TIMEOUT_MS_DEFAULT 200u

#define SECONDS_MAX     3600.0
#define SECONDS_DEFAULT 3.0

/* At most 4M RTT samples (16 MiB): memory stays bounded on any run. */
#define SAMPLES_MAX (4u * 1024u * 1024u)

#define SEND_BACKOFF_NS 1000000ull

/*
 * Socket buffers: room for every datagram in flight, several times over
 * (a reassembled datagram is charged for all its fragments' buffers), at
 * least 1 MiB, at most 64 MiB.
 */
#define SOCKBUF_MIN (1 << 20)
#define SOCKBUF_MAX (64 << 20)

/* The pattern's multiplier: odd, so different tokens give different words. */
#define PATTERN_MUL 0x9e3779b97f4a7c15ull

#define NS_PER_S  1000000000ull
#define NS_PER_MS 1000000ull

/* One slot per low 16 bits of the sequence number. */
struct request {
	uint64_t sent_ns;   /* CLOCK_MONOTONIC just before send() */
	uint64_t token;
	uint32_t seq;
	int outstanding;    /* 1 while we wait for its echo */
};

/* RTT samples for the percentiles: a bounded reservoir. */
struct samples {
	uint32_t *v;        /* RTTs in ns */
	size_t n;
	uint64_t seen;
	uint64_t rng;       /* xorshift64 state for reservoir replacement */
};

struct config {
	struct sockaddr_in dst;
	unsigned inflight;
	double seconds;
	size_t size;
	uint64_t max_requests;
	unsigned timeout_ms;
};

struct load {
	const struct config *cfg;
	int fd;
	uint64_t key;               /* per-run: token = serial ^ key */
	uint8_t *pkt;               /* the datagram we send, rebuilt per send */
	struct request *table;      /* SEQ_SPACE entries */
	uint32_t next_seq;          /* sequence number of the next datagram */
	uint32_t oldest_seq;        /* no datagram older than this is out */
	unsigned inflight;
	uint64_t timeout_ns;
	uint64_t backoff_until_ns;  /* no sends before this, after ENOBUFS & co */
	int filling;                /* 0 once the window is over: no more sends */
	int rcvbuf, sndbuf;

	uint64_t sent, received, lost, mismatched, unmatched, bad;
	uint64_t send_errors, icmp_errors;
	uint64_t received_in_window;
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	struct samples samples;
};

static const char *progname = "udpload";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s -d DST_IPV4 [-p PORT] [-n INFLIGHT] [-t SECONDS] [-s BYTES]\n"
		"          [-c MAX_DATAGRAMS] [-w TIMEOUT_MS]\n"
		"\n"
		"Keep INFLIGHT UDP datagrams of BYTES bytes outstanding to the echo\n"
		"server at DST_IPV4:PORT for SECONDS, check every echo byte for byte,\n"
		"then print one line: sent, received, lost, mismatched, rate, MB/s\n"
		"and RTT percentiles.\n"
		"\n"
		"  -d DST_IPV4       server address (required)\n"
		"  -p PORT           server port, 1..65535 (default %d)\n"
		"  -n INFLIGHT       datagrams kept in flight, 1..%u (default 1)\n"
		"  -t SECONDS        sending window, > 0 and <= %.0f (default %.0f)\n"
		"  -s BYTES          UDP payload, %d..%d (default %d)\n"
		"  -c MAX_DATAGRAMS  stop after this many datagrams (default: no limit)\n"
		"  -w TIMEOUT_MS     a datagram unanswered this long is lost, 1..%u\n"
		"                    (default %u)\n"
		"  -h                this help\n",
		progname, PORT_DEFAULT, INFLIGHT_MAX, SECONDS_MAX, SECONDS_DEFAULT,
		HDR_LEN, UDP_MAX, SIZE_DEFAULT, TIMEOUT_MS_MAX, TIMEOUT_MS_DEFAULT);
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
	uint16_t port = PORT_DEFAULT;
	int c;

	cfg->inflight = 1;
	cfg->seconds = SECONDS_DEFAULT;
	cfg->size = SIZE_DEFAULT;
	cfg->max_requests = UINT64_MAX;
	cfg->timeout_ms = TIMEOUT_MS_DEFAULT;

	while ((c = getopt(argc, argv, "d:p:n:t:s:c:w:h")) != -1) {
		switch (c) {
		case 'd':
			dst = optarg;
			break;
		case 'p':
			port = (uint16_t)parse_uint("port (-p)", optarg, 1, 65535);
			break;
		case 'n':
			cfg->inflight = (unsigned)parse_uint("in-flight count (-n)",
							     optarg, 1, INFLIGHT_MAX);
			break;
		case 't':
			cfg->seconds = parse_seconds("duration (-t)", optarg);
			break;
		case 's':
			cfg->size = (size_t)parse_uint("datagram size (-s)", optarg,
						       HDR_LEN, UDP_MAX);
			break;
		case 'c':
			cfg->max_requests = parse_uint("datagram count (-c)", optarg,
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
		fprintf(stderr, "%s: a server address (-d) is required (try -h)\n",
			progname);
		exit(2);
	}
	memset(&cfg->dst, 0, sizeof(cfg->dst));
	cfg->dst.sin_family = AF_INET;
	cfg->dst.sin_port = htons(port);
	if (inet_pton(AF_INET, dst, &cfg->dst.sin_addr) != 1)
		usage_error("server address (-d)", dst,
			    "not a dotted-quad IPv4 address");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* MONOTONIC: never jumps when someone sets the wall clock. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Big-endian ("network order") reads and writes: byte order lives here only. */
static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
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

/*
 * The pattern after the header: word j is token ^ (j * PATTERN_MUL), in
 * host byte order (only this program writes and reads it), the last word
 * cut short when the size says so. A word at a time, so writing and
 * checking 8000 bytes costs about a microsecond.
 */
static void pattern_fill(uint8_t *p, size_t len, uint64_t token)
{
	size_t i = HDR_LEN;
	uint64_t j = 0, w;

	for (; i + 8 <= len; i += 8, j++) {
		w = token ^ (j * PATTERN_MUL);
		memcpy(p + i, &w, 8);
	}
	if (i < len) {
		w = token ^ (j * PATTERN_MUL);
		memcpy(p + i, &w, len - i);
	}
}

/* 1 if p[HDR_LEN..len) is exactly the pattern for token. */
static int pattern_ok(const uint8_t *p, size_t len, uint64_t token)
{
	size_t i = HDR_LEN;
	uint64_t j = 0, w;

	for (; i + 8 <= len; i += 8, j++) {
		w = token ^ (j * PATTERN_MUL);
		if (memcmp(p + i, &w, 8) != 0)
			return 0;
	}
	if (i < len) {
		w = token ^ (j * PATTERN_MUL);
		if (memcmp(p + i, &w, len - i) != 0)
			return 0;
	}
	return 1;
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
 * Send one datagram with the next sequence number. Returns 1 if sent, 0 if
 * not (its slot still busy, or the kernel said "not now"). The socket is
 * connected, so send() needs no address, and only the server's datagrams
 * reach our recv().
 */
static int send_request(struct load *ld)
{
	struct request *r = &ld->table[ld->next_seq % SEQ_SPACE];
	uint64_t token = ld->sent ^ ld->key;
	uint8_t *p = ld->pkt;
	ssize_t n;

	/*
	 * All 65536 slots in use (only at extreme rates, with echoes going
	 * missing): wait for the oldest to be answered or time out rather
	 * than reuse its slot.
	 */
	if (r->outstanding)
		return 0;

	put_be32(p, ld->next_seq);
	put_be64(p + 4, token);
	pattern_fill(p, ld->cfg->size, token);

	r->sent_ns = now_ns();
	/* MSG_DONTWAIT: a full send buffer is "not now", never a hang. */
	n = send(ld->fd, p, ld->cfg->size, MSG_DONTWAIT);
	if (n < 0) {
		switch (errno) {
		case EINTR:
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
		case ENOBUFS:       /* queue full: the load is winning */
			ld->send_errors++;
			ld->backoff_until_ns = now_ns() + SEND_BACKOFF_NS;
			return 0;
		case ECONNREFUSED:  /* an earlier datagram met port unreachable */
		case EHOSTUNREACH:  /* ARP failed, or ICMP host unreachable */
		case ENETUNREACH:
		case EHOSTDOWN:
		case ENETDOWN:
			ld->icmp_errors++;
			ld->backoff_until_ns = now_ns() + SEND_BACKOFF_NS;
			return 0;
		default:
			fprintf(stderr, "%s: send to %s:%u: %s\n", progname,
				inet_ntoa(ld->cfg->dst.sin_addr),
				ntohs(ld->cfg->dst.sin_port), strerror(errno));
			exit(1);
		}
	}
	if ((size_t)n != ld->cfg->size) {
		/* UDP sends all or nothing; this would be a kernel bug. */
		fprintf(stderr, "%s: send: %zd of %zu bytes sent\n", progname,
			n, ld->cfg->size);
		exit(1);
	}
	r->token = token;
	r->seq = ld->next_seq;
	r->outstanding = 1;
	ld->next_seq++;         /* uint32_t: wraps from 2^32-1 to 0 by itself */
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
 * Declare lost every datagram older than the timeout. Datagrams are sent
 * in sequence order, so the oldest outstanding one is found by walking
 * forward from oldest_seq past the ones already answered: each slot is
 * stepped over once, so this costs O(1) per datagram on average.
 */
static void expire(struct load *ld, uint64_t now)
{
	while (ld->inflight > 0) {
		struct request *r = &ld->table[ld->oldest_seq % SEQ_SPACE];

		if (r->outstanding && r->seq == ld->oldest_seq) {
			if (now - r->sent_ns < ld->timeout_ns)
				return;          /* the oldest is still in time */
			r->outstanding = 0;
			ld->lost++;
			ld->inflight--;
		}
		ld->oldest_seq++;
	}
	/* Nothing outstanding: the next datagram sent is the oldest. */
	ld->oldest_seq = ld->next_seq;
}

/*
 * One echo, len bytes. The header says which datagram it claims to be; it
 * counts only if that datagram is still waiting, and it is received only if
 * it is the same length and the same bytes.
 */
static void handle_echo(struct load *ld, const uint8_t *buf, size_t len,
			uint64_t now)
{
	struct request *r;
	uint32_t seq;
	uint64_t token, rtt;

	if (len < HDR_LEN) {
		ld->bad++;
		return;
	}
	seq = get_be32(buf);
	token = get_be64(buf + 4);
	r = &ld->table[seq % SEQ_SPACE];
	rtt = now - r->sent_ns;
	/*
	 * A duplicate, or an echo of a datagram already counted lost
	 * (possibly one whose slot has been reused): not ours to count. An
	 * echo at or past the timeout is late even if expire() has not run
	 * yet, so "lost" means the same thing however the loop is timed.
	 */
	if (!r->outstanding || r->seq != seq || r->token != token ||
	    rtt >= ld->timeout_ns) {
		ld->unmatched++;
		return;
	}
	r->outstanding = 0;
	ld->inflight--;
	if (len != ld->cfg->size || !pattern_ok(buf, len, token)) {
		ld->mismatched++;
	} else {
		ld->received++;
		if (ld->filling)
			ld->received_in_window++;
		ld->rtt_sum_ns += rtt;
		if (rtt < ld->rtt_min_ns)
			ld->rtt_min_ns = rtt;
		if (rtt > ld->rtt_max_ns)
			ld->rtt_max_ns = rtt;
		samples_add(&ld->samples, (uint32_t)rtt);   /* rtt < timeout <= 4 s */
	}
	/* Keep the pipe full: the replacement goes out before the next read. */
	fill(ld);
}

/*
 * Read what the socket has queued, without blocking, but at most a batch,
 * so the caller gets to look at the clock (see echoload.c: over veth an
 * echo can be queued before send() returns, and "read until empty" while
 * sending a replacement per echo would never end).
 */
#define RECV_BATCH 64

static void drain_socket(struct load *ld)
{
	/* Static: 64 KiB is too big to be polite on the stack. The largest
	 * UDP payload fits; one byte more would show an oversized echo. */
	static uint8_t buf[UDP_MAX + 1];

	for (int i = 0; i < RECV_BATCH; i++) {
		ssize_t n = recv(ld->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			/*
			 * A connected UDP socket reports ICMP errors about
			 * what it sent here, once each; the datagrams they
			 * concern will show up as lost.
			 */
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH || errno == EHOSTDOWN) {
				ld->icmp_errors++;
				continue;
			}
			fprintf(stderr, "%s: recv: %s\n", progname, strerror(errno));
			exit(1);
		}
		handle_echo(ld, buf, (size_t)n, now_ns());
	}
}

/* Milliseconds poll() should wait for the next thing we must act on. */
static int poll_timeout_ms(const struct load *ld, uint64_t now, uint64_t until)
{
	uint64_t next = until;

	if (ld->inflight > 0) {
		/* expire() left oldest_seq on the oldest outstanding datagram. */
		uint64_t deadline = ld->table[ld->oldest_seq % SEQ_SPACE].sent_ns +
				    ld->timeout_ns;
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

/*
 * Make a socket buffer at least `want` bytes: with CAP_NET_ADMIN the
 * *FORCE option goes past net.core.[rw]mem_max; without it, ask for what
 * we can get. Returns the size the kernel reports (twice what it grants
 * the data, the other half being its bookkeeping).
 */
static int grow_buffer(int fd, int opt, int opt_force, int want)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, opt_force, &want, sizeof(want)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, opt, &got, &len) != 0)
		got = -1;
	return got;
}

static void open_socket(struct load *ld)
{
	const struct config *cfg = ld->cfg;
	/* 4 x (datagram + a page of overhead per datagram), in bounds. */
	uint64_t want = 4 * (uint64_t)cfg->inflight * (cfg->size + 4096);

	if (want < SOCKBUF_MIN)
		want = SOCKBUF_MIN;
	if (want > SOCKBUF_MAX)
		want = SOCKBUF_MAX;

	ld->fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (ld->fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", progname, strerror(errno));
		exit(1);
	}
	ld->rcvbuf = grow_buffer(ld->fd, SO_RCVBUF, SO_RCVBUFFORCE, (int)want);
	ld->sndbuf = grow_buffer(ld->fd, SO_SNDBUF, SO_SNDBUFFORCE, (int)want);
	/* Connected: send() without an address, recv() only from the server,
	 * and ICMP errors (port unreachable) reported to us. */
	if (connect(ld->fd, (const struct sockaddr *)&cfg->dst,
		    sizeof(cfg->dst)) != 0) {
		fprintf(stderr, "%s: connect to %s:%u: %s\n", progname,
			inet_ntoa(cfg->dst.sin_addr), ntohs(cfg->dst.sin_port),
			strerror(errno));
		exit(1);
	}
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
	double rate = dur_s > 0 ? (double)ld->received_in_window / dur_s : 0.0;
	int have = ld->received > 0;

	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
	printf("sent %" PRIu64 " received %" PRIu64 " lost %" PRIu64
	       " mismatched %" PRIu64 " duration_s %.3f rate_per_s %.0f"
	       " mbytes_per_s %.2f",
	       ld->sent, ld->received, ld->lost, ld->mismatched, dur_s, rate,
	       rate * (double)ld->cfg->size / 1e6);
	print_us("p50_us", have, have ? percentile(s->v, s->n, 50) : 0);
	print_us("p90_us", have, have ? percentile(s->v, s->n, 90) : 0);
	print_us("p99_us", have, have ? percentile(s->v, s->n, 99) : 0);
	print_us("mean_us", have, have ? ld->rtt_sum_ns / ld->received : 0);
	print_us("min_us", have, ld->rtt_min_ns);
	print_us("max_us", have, ld->rtt_max_ns);
	printf(" inflight %u size %zu timeout_ms %u unmatched %" PRIu64
	       " bad %" PRIu64 " send_errors %" PRIu64 " icmp_errors %" PRIu64
	       " rcvbuf %d sndbuf %d samples %zu\n",
	       ld->cfg->inflight, ld->cfg->size, ld->cfg->timeout_ms,
	       ld->unmatched, ld->bad, ld->send_errors, ld->icmp_errors,
	       ld->rcvbuf, ld->sndbuf, s->n);
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
	ld.timeout_ns = (uint64_t)cfg.timeout_ms * NS_PER_MS;
	ld.rtt_min_ns = UINT64_MAX;
	/* The per-run key: different for every run, and never the same as
	 * the bare serial numbers. */
	ld.key = (now_ns() ^ (uint64_t)getpid() << 32) * PATTERN_MUL | 1;
	ld.pkt = malloc(cfg.size);
	ld.table = calloc(SEQ_SPACE, sizeof(*ld.table));
	ld.samples.v = malloc(SAMPLES_MAX * sizeof(*ld.samples.v));
	ld.samples.rng = 0x9e3779b97f4a7c15ull;
	if (ld.pkt == NULL || ld.table == NULL || ld.samples.v == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 1;
	}

	open_socket(&ld);

	/* Phase 1: keep cfg.inflight datagrams out until the window closes. */
	ld.filling = 1;
	start = now_ns();
	window_end = start + (uint64_t)(cfg.seconds * (double)NS_PER_S);
	run_loop(&ld, window_end);
	send_end = now_ns();

	/*
	 * Phase 2: stop sending; give what is still out one timeout to come
	 * back, so every datagram sent ends up received, mismatched or lost.
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
