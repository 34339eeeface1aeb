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
 * The loop itself (requests in flight, timeouts, percentiles, the result
 * line's RTT fields) is udpload's too, and lives in benchutil.c; this file
 * holds what is particular to ICMP echo: the options, the raw socket, and
 * building and matching the packets.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "benchutil.h"

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

/*
 * The limits on -n, -t and -w, and why, are in benchutil.h: the 16-bit
 * ICMP sequence number is the reason for BENCH_SEQ_SPACE.
 */

struct config {
	struct bench_config load;   /* -n, -t, -c, -w */
	struct sockaddr_in dst;
	size_t payload;
};

/* What only echoload needs; the loop's state is a struct bench_load. */
struct echo {
	const struct config *cfg;
	uint16_t ident;             /* ICMP identifier: our pid */
};

const char *const bench_progname = "echoload";

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
		bench_progname, BENCH_INFLIGHT_MAX, BENCH_SECONDS_MAX,
		BENCH_SECONDS_DEFAULT, TOKEN_LEN, PAYLOAD_MAX, PAYLOAD_DEFAULT,
		BENCH_TIMEOUT_MS_MAX, BENCH_TIMEOUT_MS_DEFAULT);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	const char *dst = NULL;
	int c;

	bench_config_defaults(&cfg->load);
	cfg->payload = PAYLOAD_DEFAULT;

	while ((c = getopt(argc, argv, "d:n:t:s:c:w:h")) != -1) {
		switch (c) {
		case 'd':
			dst = optarg;
			break;
		case 's':
			cfg->payload = (size_t)bench_parse_uint("payload size (-s)",
								optarg, TOKEN_LEN,
								PAYLOAD_MAX);
			break;
		default:        /* -n, -t, -c, -w, -h, and mistakes */
			bench_config_option(&cfg->load, c, optarg,
					    "request count (-c)", usage);
		}
	}
	bench_no_more_args(argc, argv);
	bench_parse_dst("target address", dst, 0, &cfg->dst);
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
 * Send the request for slot r, sequence number ld->next_seq (its low 16
 * bits: the field has no more). Returns 1 if sent, 0 if the kernel said
 * "not now". The kernel adds the IPv4 header: a raw socket without
 * IP_HDRINCL does that for us.
 */
static int send_request(struct bench_load *ld, struct bench_request *r)
{
	const struct echo *e = ld->tool;
	uint64_t token = ld->sent + ld->send_errors;   /* unique per attempt */
	uint8_t *p = ld->txbuf;
	ssize_t n;

	p[0] = ICMP_TYPE_ECHO_REQUEST;
	p[1] = 0;                                       /* code */
	bench_put_be16(p + 2, 0);                       /* checksum: 0 while summing */
	bench_put_be16(p + 4, e->ident);
	bench_put_be16(p + 6, (uint16_t)ld->next_seq);
	bench_put_be64(p + ICMP_ECHO_HDR, token);
	bench_put_be16(p + 2, cksum_rfc1071(p, ld->txbuf_len));

	r->sent_ns = bench_now_ns();
	n = sendto(ld->fd, p, ld->txbuf_len, 0,
		   (const struct sockaddr *)&e->cfg->dst, sizeof(e->cfg->dst));
	if (n < 0) {
		/* Unreachable counts as loss: the request never gets an answer. */
		if (bench_send_failure(errno) == BENCH_SEND_FATAL) {
			fprintf(stderr, "%s: sendto %s: %s\n", bench_progname,
				inet_ntoa(e->cfg->dst.sin_addr), strerror(errno));
			exit(1);
		}
		ld->send_errors++;
		bench_load_backoff(ld);
		return 0;
	}
	r->token = token;
	return 1;
}

/*
 * One datagram from the raw socket: an IPv4 header (the kernel always
 * includes it on receive), then ICMP. Take it apart with explicit bounds
 * checks; anything that is not an echo reply to us is ignored.
 */
static void handle_packet(struct bench_load *ld, const uint8_t *buf, size_t len,
			  uint64_t now)
{
	const struct echo *e = ld->tool;
	size_t ihl, total, icmp_len;
	const uint8_t *icmp;
	uint32_t seq;
	uint64_t rtt;

	/* IPv4 header: version 4, IHL >= 5, IHL*4 <= total length <= bytes read. */
	if (len < IPV4_HDR_MIN || buf[0] >> 4 != 4)
		goto bad;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	total = bench_get_be16(buf + 2);
	if (ihl < IPV4_HDR_MIN || ihl > total || total > len)
		goto bad;
	/* From our target? (The raw socket sees all ICMP in this namespace.) */
	if (memcmp(buf + 12, &e->cfg->dst.sin_addr, 4) != 0)
		return;
	icmp = buf + ihl;
	icmp_len = total - ihl;
	if (icmp_len < ICMP_ECHO_HDR)
		goto bad;
	/* Someone else's ICMP (another ping, or an error message): not ours. */
	if (icmp[0] != ICMP_TYPE_ECHO_REPLY || icmp[1] != 0 ||
	    bench_get_be16(icmp + 4) != e->ident)
		return;
	/* Summing a message with its checksum in place gives 0 if intact. */
	if (cksum_rfc1071(icmp, icmp_len) != 0 || icmp_len < ICMP_ECHO_HDR + TOKEN_LEN)
		goto bad;

	/*
	 * The reply carries the low 16 bits of the request's sequence number,
	 * which are the index of its slot; the slot knows the full number.
	 * The token then tells this request from an older one that had the
	 * same slot (see bench_load_match()).
	 */
	seq = ld->table[bench_get_be16(icmp + 6)].seq;
	if (bench_load_match(ld, seq, bench_get_be64(icmp + ICMP_ECHO_HDR), now,
			     &rtt) == NULL)
		return;                 /* counted unmatched */
	bench_load_received(ld, rtt);

	/* Keep the pipe full: the replacement goes out before the next read. */
	bench_load_fill(ld);
	return;
bad:
	ld->bad++;
}

static void open_socket(struct bench_load *ld)
{
	struct linux_icmp_filter filt;
	int rcvbuf = 4 << 20;

	ld->fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (ld->fd < 0) {
		if (errno == EPERM || errno == EACCES)
			fprintf(stderr, "%s: cannot open a raw ICMP socket: %s; "
				"run as root (or give the binary CAP_NET_RAW)\n",
				bench_progname, strerror(errno));
		else
			fprintf(stderr, "%s: socket: %s\n", bench_progname,
				strerror(errno));
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

static void report(struct bench_load *ld, const struct config *cfg,
		   uint64_t duration_ns)
{
	double dur_s = (double)duration_ns / 1e9;

	printf("sent %" PRIu64 " received %" PRIu64 " lost %" PRIu64
	       " duration_s %.3f rate_per_s %.0f",
	       ld->sent, ld->received, ld->lost, dur_s, bench_load_rate(ld, dur_s));
	bench_load_print_rtt(ld);
	printf(" inflight %u payload %zu timeout_ms %u unmatched %" PRIu64
	       " bad %" PRIu64 " send_errors %" PRIu64 " samples %zu\n",
	       cfg->load.inflight, cfg->payload, cfg->load.timeout_ms,
	       ld->unmatched, ld->bad, ld->send_errors, ld->samples.n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct bench_ops ops = {
		.send = send_request,
		.handle = handle_packet,
	};
	struct config cfg;
	struct echo e;
	struct bench_load ld;

	parse_args(argc, argv, &cfg);

	e.cfg = &cfg;
	e.ident = (uint16_t)getpid();
	/* The request: the ICMP header, the token, then the payload... */
	bench_load_init(&ld, &cfg.load, &ops, &e, ICMP_ECHO_HDR + cfg.payload);
	/* ... recognisable after the token, like ping's 0x10, 0x11, ... */
	for (size_t i = ICMP_ECHO_HDR + TOKEN_LEN; i < ld.txbuf_len; i++)
		ld.txbuf[i] = (uint8_t)i;

	open_socket(&ld);
	report(&ld, &cfg, bench_load_run(&ld));
	bench_load_free(&ld);
	return 0;
}
