/*
 * tcpload: the TCP measurements of `make bench` that nc cannot make (see
 * tests/bench/README.md; the bulk transfers use nc itself).
 *
 *   -m rr    round trips on one connection to an echo server: write -s
 *            bytes, read the -s bytes back, compare, again, for -t
 *            seconds.  TCP_NODELAY, as a request/response client sets it.
 *            One line on stdout:
 *
 *            round_trips 81234 duration_s 3.000 rate_per_s 27078 size 1
 *            mismatched 0 p50_us 35.1 p90_us ... max_us ...
 *
 *   -m many  -k connections to an echo server at once, each writing -b
 *            bytes of its own pseudo-random stream and reading them back,
 *            all in one poll() loop; every byte compared.  One line:
 *
 *            connections 64 bytes_each 1048576 ok 64 mismatched 0
 *            failed 0 duration_s 1.234 mbytes_per_s 54.3
 *
 *   -m send  bulk into a discard server (RFC 863, -p 9): -b bytes in
 *   -m recv  1 MB write()s, then a FIN and wait for the server's; or bulk
 *            out of a chargen server (RFC 864, -p 19): read() 1 MB at a
 *            time until -b bytes have come.  A client that is not the
 *            bottleneck (nc moves 64 KB per system call, through a pipe,
 *            and tops out near 500 MB/s), for tcp_mini and the kernel
 *            alike.  One line:
 *
 *            bulk send bytes 1073741824 duration_s 0.612 mbytes_per_s 1754.6
 *
 * Exit codes: 0 if every byte came back as sent (rr, many) or moved
 * (send, recv), 1 otherwise or on a failure (refused, reset, -t passed),
 * 2 on a usage error.
 *
 * Usage: tcpload -d ADDR [-p PORT] -m rr [-s SIZE] [-t SECONDS]
 *        tcpload -d ADDR [-p PORT] -m many [-k CONNS] [-b BYTES] [-t SECONDS]
 *        tcpload -d ADDR -p PORT -m send|recv [-b BYTES] [-t SECONDS]
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "benchutil.h"

#define PORT_DEFAULT   7
#define SIZE_MAX_RR    65536
#define CONNS_MAX      128
#define BYTES_MAX      (1ull << 36)
#define BULK_CHUNK     (1 << 20)
#define CHUNK          16384

const char *const bench_progname = "tcpload";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s -d ADDR [-p PORT] -m rr [-s SIZE] [-t SECONDS]\n"
		"       %s -d ADDR [-p PORT] -m many [-k CONNS] [-b BYTES] [-t SECONDS]\n"
		"\n"
		"Against a TCP echo server (RFC 862) at ADDR:PORT (default port %d):\n"
		"  -m rr    round trips of SIZE bytes (1..%d, default 1) on one\n"
		"           connection for SECONDS (default 3)\n"
		"  -m many  CONNS connections at once (1..%d, default 64), each\n"
		"           sending BYTES (default 1048576) and reading them back,\n"
		"           within SECONDS (default 30)\n"
		"Every byte that comes back is compared with what was sent.\n"
		"       %s -d ADDR -p PORT -m send|recv [-b BYTES] [-t SECONDS]\n"
		"  -m send  BYTES into a discard server (port 9), then close\n"
		"  -m recv  BYTES out of a chargen server (port 19)\n"
		"           1 MB per system call; within SECONDS (default 120)\n",
		bench_progname, bench_progname, PORT_DEFAULT, SIZE_MAX_RR, CONNS_MAX,
		bench_progname);
}

/* A byte stream per connection: xorshift, so no two are alike. */
static uint8_t stream_byte(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (uint8_t)(x >> 32);
}

static int connect_to(const struct sockaddr_in *dst, int nonblock)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) != 0) {
		fprintf(stderr, "%s: connect: %s\n", bench_progname, strerror(errno));
		close(fd);
		return -1;
	}
	if (nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int run_rr(const struct sockaddr_in *dst, size_t size, double seconds)
{
	static uint8_t out[SIZE_MAX_RR], in[SIZE_MAX_RR];
	struct bench_samples samples;
	uint64_t start, now, until, t0, trips = 0, mism = 0, state = 1;
	int fd = connect_to(dst, 0);

	if (fd < 0 || bench_samples_init(&samples) != 0)
		return 1;
	start = bench_now_ns();
	until = start + (uint64_t)(seconds * (double)BENCH_NS_PER_S);
	do {
		size_t got = 0;

		for (size_t i = 0; i < size; i++)
			out[i] = stream_byte(&state);
		t0 = bench_now_ns();
		if (write(fd, out, size) != (ssize_t)size) {
			fprintf(stderr, "%s: write: %s\n", bench_progname, strerror(errno));
			return 1;
		}
		while (got < size) {
			ssize_t n = read(fd, in + got, size - got);

			if (n <= 0) {
				fprintf(stderr, "%s: read: %s\n", bench_progname,
					n == 0 ? "the server closed" : strerror(errno));
				return 1;
			}
			got += (size_t)n;
		}
		now = bench_now_ns();
		if (memcmp(in, out, size) != 0)
			mism++;
		bench_samples_add(&samples, (uint32_t)(now - t0));
		trips++;
	} while (now < until);
	close(fd);
	printf("round_trips %" PRIu64 " duration_s %.3f rate_per_s %.0f size %zu mismatched %" PRIu64,
	       trips, (double)(now - start) / 1e9,
	       (double)trips * 1e9 / (double)(now - start), size, mism);
	bench_samples_sort(&samples);
	bench_print_us("p50_us", samples.n > 0, bench_percentile(samples.v, samples.n, 50));
	bench_print_us("p90_us", samples.n > 0, bench_percentile(samples.v, samples.n, 90));
	bench_print_us("p99_us", samples.n > 0, bench_percentile(samples.v, samples.n, 99));
	printf("\n");
	return mism != 0;
}

struct conn {
	int fd;
	uint64_t tx_state, rx_state;	/* the same seed: what comes back */
	uint64_t sent, received;
	int done, bad;
	uint8_t pending[CHUNK];		/* generated, not yet all written */
	size_t pend_off, pend_len;
};

static int run_many(const struct sockaddr_in *dst, unsigned k, uint64_t bytes,
		    double seconds)
{
	static struct conn c[CONNS_MAX];
	static struct pollfd pfd[CONNS_MAX];
	static uint8_t buf[CHUNK];
	uint64_t start = bench_now_ns(), until, now;
	unsigned i, left = k, ok = 0, mism = 0, failed = 0;

	until = start + (uint64_t)(seconds * (double)BENCH_NS_PER_S);
	for (i = 0; i < k; i++) {
		c[i].fd = connect_to(dst, 1);
		c[i].tx_state = c[i].rx_state = 0x9e3779b97f4a7c15ull * (i + 1);
		if (c[i].fd < 0) {
			c[i].done = 1;
			failed++;
			left--;
		}
	}
	while (left > 0 && (now = bench_now_ns()) < until) {
		for (i = 0; i < k; i++) {
			pfd[i].fd = c[i].done ? -1 : c[i].fd;
			pfd[i].events = POLLIN;
			if (c[i].sent < bytes)
				pfd[i].events |= POLLOUT;
		}
		if (poll(pfd, k, 100) < 0 && errno != EINTR)
			break;
		for (i = 0; i < k; i++) {
			struct conn *p = &c[i];
			ssize_t n;

			if (p->done || !pfd[i].revents)
				continue;
			if ((pfd[i].revents & POLLOUT) && p->sent < bytes) {
				if (p->pend_off == p->pend_len) {
					size_t m = bytes - p->sent < CHUNK ? bytes - p->sent : CHUNK;

					for (size_t j = 0; j < m; j++)
						p->pending[j] = stream_byte(&p->tx_state);
					p->pend_off = 0;
					p->pend_len = m;
				}
				n = write(p->fd, p->pending + p->pend_off,
					  p->pend_len - p->pend_off);
				if (n > 0) {
					p->pend_off += (size_t)n;
					p->sent += (uint64_t)n;
					if (p->sent == bytes)
						shutdown(p->fd, SHUT_WR);
				}
			}
			n = read(p->fd, buf, sizeof(buf));
			if (n > 0) {
				for (ssize_t j = 0; j < n; j++)
					if (buf[j] != stream_byte(&p->rx_state))
						p->bad = 1;
				p->received += (uint64_t)n;
			}
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				p->done = 1;
				left--;
				close(p->fd);
				if (p->received == bytes && !p->bad)
					ok++;
				else if (p->bad)
					mism++;
				else
					failed++;
			}
		}
	}
	now = bench_now_ns();
	for (i = 0; i < k; i++)
		if (!c[i].done) {
			failed++;
			close(c[i].fd);
		}
	printf("connections %u bytes_each %" PRIu64 " ok %u mismatched %u failed %u"
	       " duration_s %.3f mbytes_per_s %.1f\n", k, bytes, ok, mism, failed,
	       (double)(now - start) / 1e9,
	       (double)ok * (double)bytes * 2 / 1e6 / ((double)(now - start) / 1e9));
	return ok != k;
}

/* Bulk, one way: 1 MB per write() or read(); every call bounded by the
 * socket's time-outs, the whole by the deadline. */
static int run_bulk(const struct sockaddr_in *dst, int send_side, uint64_t bytes,
		    double seconds)
{
	static uint8_t buf[BULK_CHUNK];
	struct timeval tv = { .tv_sec = (time_t)seconds };
	uint64_t done = 0, t0, deadline;
	double dur;
	ssize_t n;
	int fd;

	t0 = bench_now_ns();
	deadline = t0 + (uint64_t)(seconds * 1e9);
	fd = connect_to(dst, 0);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (done < bytes && bench_now_ns() < deadline) {
		size_t want = bytes - done < sizeof(buf) ? (size_t)(bytes - done) : sizeof(buf);

		n = send_side ? write(fd, buf, want) : read(fd, buf, want);
		if (n <= 0) {
			fprintf(stderr, "%s: %s after %" PRIu64 " bytes: %s\n", bench_progname,
				send_side ? "write" : "read", done,
				n == 0 ? "the server closed" : strerror(errno));
			close(fd);
			return 1;
		}
		done += (uint64_t)n;
	}
	/* Sending: our FIN, then the server's, once it has read it all. */
	if (send_side && done == bytes) {
		shutdown(fd, SHUT_WR);
		while ((n = read(fd, buf, sizeof(buf))) > 0 && bench_now_ns() < deadline)
			;
	}
	dur = (double)(bench_now_ns() - t0) / 1e9;
	close(fd);
	if (done < bytes) {
		fprintf(stderr, "%s: only %" PRIu64 " of %" PRIu64 " bytes in %.0f s\n",
			bench_progname, done, bytes, seconds);
		return 1;
	}
	printf("bulk %s bytes %" PRIu64 " duration_s %.3f mbytes_per_s %.1f\n",
	       send_side ? "send" : "recv", bytes, dur, (double)bytes / 1e6 / dur);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst;
	const char *addr = NULL, *mode = NULL;
	unsigned long port = PORT_DEFAULT;
	size_t size = 1;
	unsigned k = 64;
	uint64_t bytes = 1048576;
	double seconds = -1;
	int c;

	while ((c = getopt(argc, argv, "d:p:m:s:k:b:t:h")) != -1) {
		switch (c) {
		case 'd': addr = optarg; break;
		case 'm': mode = optarg; break;
		case 'p':
			port = (unsigned long)bench_parse_uint("port (-p)", optarg, 1, 65535);
			break;
		case 's':
			size = (size_t)bench_parse_uint("size (-s)", optarg, 1, SIZE_MAX_RR);
			break;
		case 'k':
			k = (unsigned)bench_parse_uint("connections (-k)", optarg, 1, CONNS_MAX);
			break;
		case 'b':
			bytes = bench_parse_uint("bytes (-b)", optarg, 1, BYTES_MAX);
			break;
		case 't':
			seconds = bench_parse_seconds("seconds (-t)", optarg, 600);
			break;
		default:
			bench_help_or_bad_option(c, usage);
		}
	}
	bench_no_more_args(argc, argv);
	bench_parse_dst("target address", addr, (uint16_t)port, &dst);
	signal(SIGPIPE, SIG_IGN);
	if (mode && strcmp(mode, "rr") == 0)
		return run_rr(&dst, size, seconds > 0 ? seconds : 3);
	if (mode && strcmp(mode, "many") == 0)
		return run_many(&dst, k, bytes, seconds > 0 ? seconds : 30);
	if (mode && (strcmp(mode, "send") == 0 || strcmp(mode, "recv") == 0))
		return run_bulk(&dst, mode[0] == 's', bytes, seconds > 0 ? seconds : 120);
	bench_usage_error("mode (-m)", mode ? mode : "", "must be rr, many, send or recv");
}
