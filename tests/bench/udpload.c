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
 * The loop itself (datagrams in flight, timeouts, percentiles, the result
 * line's RTT fields) is echoload's too, and lives in benchutil.c; this
 * file holds what is particular to UDP echo: the options, the connected
 * socket, and building and checking the datagrams.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "benchutil.h"

#define HDR_LEN       12     /* sequence number (4) + token (8) */
#define UDP_MAX       65507  /* 65535 - 20 (IPv4 header) - 8 (UDP header) */
#define SIZE_DEFAULT  64
#define PORT_DEFAULT  7      /* echo (RFC 862) */

/* The limits on -n, -t and -w, and why, are in benchutil.h. */

/*
 * Socket buffers: room for every datagram in flight, several times over
 * (a reassembled datagram is charged for all its fragments' buffers), at
 * least 1 MiB, at most 64 MiB.
 */
#define SOCKBUF_MIN (1 << 20)
#define SOCKBUF_MAX (64 << 20)

/* The pattern's multiplier: odd, so different tokens give different words. */
#define PATTERN_MUL 0x9e3779b97f4a7c15ull

struct config {
	struct bench_config load;   /* -n, -t, -c, -w */
	struct sockaddr_in dst;
	size_t size;
};

/* What only udpload needs; the loop's state is a struct bench_load. */
struct udp {
	const struct config *cfg;
	uint64_t key;               /* per-run: token = serial ^ key */
	uint64_t mismatched;
	int rcvbuf, sndbuf;
};

const char *const bench_progname = "udpload";

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
		bench_progname, PORT_DEFAULT, BENCH_INFLIGHT_MAX, BENCH_SECONDS_MAX,
		BENCH_SECONDS_DEFAULT, HDR_LEN, UDP_MAX, SIZE_DEFAULT,
		BENCH_TIMEOUT_MS_MAX, BENCH_TIMEOUT_MS_DEFAULT);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	const char *dst = NULL;
	uint16_t port = PORT_DEFAULT;
	int c;

	bench_config_defaults(&cfg->load);
	cfg->size = SIZE_DEFAULT;

	while ((c = getopt(argc, argv, "d:p:n:t:s:c:w:h")) != -1) {
		switch (c) {
		case 'd':
			dst = optarg;
			break;
		case 'p':
			port = (uint16_t)bench_parse_uint("port (-p)", optarg, 1, 65535);
			break;
		case 's':
			cfg->size = (size_t)bench_parse_uint("datagram size (-s)", optarg,
							     HDR_LEN, UDP_MAX);
			break;
		default:        /* -n, -t, -c, -w, -h, and mistakes */
			bench_config_option(&cfg->load, c, optarg,
					    "datagram count (-c)", usage);
		}
	}
	bench_no_more_args(argc, argv);
	bench_parse_dst("server address", dst, port, &cfg->dst);
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

/*
 * Send the datagram for slot r, sequence number ld->next_seq. Returns 1
 * if sent, 0 if the kernel said "not now". The socket is connected, so
 * send() needs no address, and only the server's datagrams reach our
 * recv().
 */
static int send_request(struct bench_load *ld, struct bench_request *r)
{
	struct udp *u = ld->tool;
	size_t size = u->cfg->size;
	uint64_t token = ld->sent ^ u->key;
	uint8_t *p = ld->txbuf;
	ssize_t n;

	bench_put_be32(p, ld->next_seq);
	bench_put_be64(p + 4, token);
	pattern_fill(p, size, token);

	r->sent_ns = bench_now_ns();
	/* MSG_DONTWAIT: a full send buffer is "not now", never a hang. */
	n = send(ld->fd, p, size, MSG_DONTWAIT);
	if (n < 0) {
		switch (bench_send_failure(errno)) {
		case BENCH_SEND_BUSY:
			ld->send_errors++;
			break;
		case BENCH_SEND_UNREACH:
			ld->icmp_errors++;
			break;
		default:
			fprintf(stderr, "%s: send to %s:%u: %s\n", bench_progname,
				inet_ntoa(u->cfg->dst.sin_addr),
				ntohs(u->cfg->dst.sin_port), strerror(errno));
			exit(1);
		}
		bench_load_backoff(ld);
		return 0;
	}
	if ((size_t)n != size) {
		/* UDP sends all or nothing; this would be a kernel bug. */
		fprintf(stderr, "%s: send: %zd of %zu bytes sent\n", bench_progname,
			n, size);
		exit(1);
	}
	r->token = token;
	return 1;
}

/*
 * One echo, len bytes. The header says which datagram it claims to be; it
 * counts only if that datagram is still waiting, and it is received only if
 * it is the same length and the same bytes.
 */
static void handle_echo(struct bench_load *ld, const uint8_t *buf, size_t len,
			uint64_t now)
{
	struct udp *u = ld->tool;
	uint64_t token, rtt;

	if (len < HDR_LEN) {
		ld->bad++;
		return;
	}
	token = bench_get_be64(buf + 4);
	if (bench_load_match(ld, bench_get_be32(buf), token, now, &rtt) == NULL)
		return;                 /* counted unmatched */
	if (len != u->cfg->size || !pattern_ok(buf, len, token))
		u->mismatched++;
	else
		bench_load_received(ld, rtt);
	/* Keep the pipe full: the replacement goes out before the next read. */
	bench_load_fill(ld);
}

static void open_socket(struct bench_load *ld)
{
	struct udp *u = ld->tool;
	const struct config *cfg = u->cfg;
	/* 4 x (datagram + a page of overhead per datagram), in bounds. */
	uint64_t want = 4 * (uint64_t)cfg->load.inflight * (cfg->size + 4096);

	if (want < SOCKBUF_MIN)
		want = SOCKBUF_MIN;
	if (want > SOCKBUF_MAX)
		want = SOCKBUF_MAX;

	ld->fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (ld->fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", bench_progname, strerror(errno));
		exit(1);
	}
	u->rcvbuf = bench_grow_buffer(ld->fd, SO_RCVBUF, SO_RCVBUFFORCE, (int)want);
	u->sndbuf = bench_grow_buffer(ld->fd, SO_SNDBUF, SO_SNDBUFFORCE, (int)want);
	/* Connected: send() without an address, recv() only from the server,
	 * and ICMP errors (port unreachable) reported to us. */
	if (connect(ld->fd, (const struct sockaddr *)&cfg->dst,
		    sizeof(cfg->dst)) != 0) {
		fprintf(stderr, "%s: connect to %s:%u: %s\n", bench_progname,
			inet_ntoa(cfg->dst.sin_addr), ntohs(cfg->dst.sin_port),
			strerror(errno));
		exit(1);
	}
}

static void report(struct bench_load *ld, const struct udp *u,
		   uint64_t duration_ns)
{
	const struct config *cfg = u->cfg;
	double dur_s = (double)duration_ns / 1e9;
	double rate = bench_load_rate(ld, dur_s);

	printf("sent %" PRIu64 " received %" PRIu64 " lost %" PRIu64
	       " mismatched %" PRIu64 " duration_s %.3f rate_per_s %.0f"
	       " mbytes_per_s %.2f",
	       ld->sent, ld->received, ld->lost, u->mismatched, dur_s, rate,
	       rate * (double)cfg->size / 1e6);
	bench_load_print_rtt(ld);
	printf(" inflight %u size %zu timeout_ms %u unmatched %" PRIu64
	       " bad %" PRIu64 " send_errors %" PRIu64 " icmp_errors %" PRIu64
	       " rcvbuf %d sndbuf %d samples %zu\n",
	       cfg->load.inflight, cfg->size, cfg->load.timeout_ms,
	       ld->unmatched, ld->bad, ld->send_errors, ld->icmp_errors,
	       u->rcvbuf, u->sndbuf, ld->samples.n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct bench_ops ops = {
		.send = send_request,
		.handle = handle_echo,
	};
	struct config cfg;
	struct udp u;
	struct bench_load ld;

	parse_args(argc, argv, &cfg);

	memset(&u, 0, sizeof(u));
	u.cfg = &cfg;
	/* The per-run key: different for every run, and never the same as
	 * the bare serial numbers. */
	u.key = (bench_now_ns() ^ (uint64_t)getpid() << 32) * PATTERN_MUL | 1;
	bench_load_init(&ld, &cfg.load, &ops, &u, cfg.size);

	open_socket(&ld);
	report(&ld, &u, bench_load_run(&ld));
	bench_load_free(&ld);
	return 0;
}
