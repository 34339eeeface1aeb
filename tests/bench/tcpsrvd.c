/*
 * tcpsrvd: tcp_mini's three servers on the kernel's own stack, the
 * yardstick for tcp_mini in `make bench` (see tests/bench/README.md):
 *
 *   echo     (RFC 862) on -p (default 7): what arrives goes back;
 *   discard  (RFC 863) on 9: what arrives is read and thrown away;
 *   chargen  (RFC 864) on 19: the rotating 72-character lines, the same
 *            7030-byte block tcp_mini sends, until the peer closes.
 *
 * One child process per connection, blocking read()/write() with 64 KB
 * buffers: the simplest correct server, so that "the kernel doing the
 * same job" measures the kernel's TCP, not a clever server.
 *
 *   1. Listen on ADDR:7 (or -p), ADDR:9 and ADDR:19, print
 *      "ready tcpsrvd ADDR" on stdout.
 *   2. Fork a child per connection; each child prints, when its peer has
 *      closed, one line on stderr:
 *
 *      tcpsrvd: discard in 1073741824 out 0
 *
 *   3. Stop on SIGINT or SIGTERM, or after -t seconds (children too).
 *
 * Usage: tcpsrvd [-a ADDR] [-p PORT] [-t SECONDS]
 * Exit codes: 0 after a signal or the end of the lifetime, 1 on a setup
 * failure, 2 on a usage error.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "benchutil.h"

#define PORT_DEFAULT     7
#define PORT_DISCARD     9
#define PORT_CHARGEN     19
#define SECONDS_MAX      86400.0
#define SECONDS_DEFAULT  120.0
#define BUF_SIZE         65536
#define CHARGEN_LINE     72
#define CHARGEN_PERIOD   (95 * (CHARGEN_LINE + 2))

const char *const bench_progname = "tcpsrvd";
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [-a ADDR] [-p PORT] [-t SECONDS]\n"
		"\n"
		"TCP echo on PORT (RFC 862), discard on 9 (RFC 863) and chargen on 19\n"
		"(RFC 864) on the kernel's stack, a process per connection, until\n"
		"SIGINT/SIGTERM or for SECONDS at most.\n"
		"\n"
		"  -a ADDR     local IPv4 address to bind (default 0.0.0.0: all)\n"
		"  -p PORT     echo port, 1..65535 (default %d)\n"
		"  -t SECONDS  lifetime, > 0 and <= %.0f (default %.0f)\n"
		"  -h          this help\n",
		bench_progname, PORT_DEFAULT, SECONDS_MAX, SECONDS_DEFAULT);
}

static int listen_on(const struct sockaddr_in *local, uint16_t port)
{
	struct sockaddr_in a = *local;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	a.sin_port = htons(port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 128) != 0) {
		fprintf(stderr, "%s: port %u: %s\n", bench_progname, port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all n bytes; 0 on success, -1 once the peer is gone. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One connection, in its own process. */
static void serve(int fd, uint16_t port, uint16_t echo_port)
{
	static uint8_t buf[BUF_SIZE];
	static uint8_t block[CHARGEN_PERIOD + BUF_SIZE];
	uint64_t in = 0, out = 0;
	const char *what;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	if (port == PORT_CHARGEN) {
		size_t line, col, pos = 0;

		what = "chargen";
		/* The block, and its start again after it, so that any 64 KB
		 * from any offset is one contiguous piece. */
		for (size_t i = 0; i < sizeof(block); i++) {
			line = (i % CHARGEN_PERIOD) / (CHARGEN_LINE + 2);
			col = (i % CHARGEN_PERIOD) % (CHARGEN_LINE + 2);
			block[i] = col < CHARGEN_LINE ? (uint8_t)(' ' + (line + col) % 95) :
				   col == CHARGEN_LINE ? '\r' : '\n';
		}
		shutdown(fd, SHUT_RD);	/* what the peer says is thrown away */
		while (!stop_signal) {
			n = write(fd, block + pos, BUF_SIZE);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			out += (uint64_t)n;
			pos = (pos + (size_t)n) % CHARGEN_PERIOD;
		}
	} else {
		what = port == echo_port ? "echo" : "discard";
		while (!stop_signal) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			in += (uint64_t)n;
			if (port == echo_port) {
				if (write_all(fd, buf, (size_t)n) != 0)
					break;
				out += (uint64_t)n;
			}
		}
	}
	fprintf(stderr, "%s: %s in %" PRIu64 " out %" PRIu64 "\n",
		bench_progname, what, in, out);
	close(fd);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in local;
	const char *addr = "0.0.0.0";
	unsigned long port = PORT_DEFAULT;
	double seconds = SECONDS_DEFAULT;
	uint16_t ports[3];
	struct pollfd pfd[3];
	struct sigaction sa;
	uint64_t deadline;
	int i;

	bench_server_options(argc, argv, usage, &addr, &port, &seconds);
	if (port == PORT_DISCARD || port == PORT_CHARGEN)
		bench_usage_error("port (-p)", port == PORT_DISCARD ? "9" : "19",
				  "9 and 19 are discard and chargen");
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	bench_parse_ipv4("address (-a)", addr, &local.sin_addr);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	/* A process group of our own, so that the kill(0, ...) at the end
	 * reaches our children and not whoever started us. */
	setpgid(0, 0);

	ports[0] = (uint16_t)port;
	ports[1] = PORT_DISCARD;
	ports[2] = PORT_CHARGEN;
	for (i = 0; i < 3; i++) {
		pfd[i].fd = listen_on(&local, ports[i]);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0)
			return 1;
	}
	printf("ready %s %s\n", bench_progname, addr);
	fflush(stdout);

	deadline = bench_now_ns() + (uint64_t)(seconds * (double)BENCH_NS_PER_S);
	while (!stop_signal && bench_now_ns() < deadline) {
		if (poll(pfd, 3, 200) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 3; i++) {
			int fd;

			if (!(pfd[i].revents & POLLIN))
				continue;
			fd = accept(pfd[i].fd, NULL, NULL);
			if (fd < 0)
				continue;
			if (fork() == 0) {
				alarm((unsigned)seconds + 1);	/* a backstop */
				serve(fd, ports[i], (uint16_t)port);
			}
			close(fd);
		}
	}
	/* Our children too: they are in our process group. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	return 0;
}
