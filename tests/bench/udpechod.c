/*
 * udpechod: the smallest UDP echo server (RFC 862) there is, on the
 * kernel's own stack. The yardstick for udp_echo in `make bench` (see
 * tests/bench/README.md).
 *
 * udp_echo answers a datagram with one read() from its TAP device and one
 * write() back, and does Ethernet, ARP, IPv4, reassembly, UDP and
 * fragmentation itself in between. "The kernel doing the same job" is the
 * kernel's stack doing all of that, plus this loop: one recvfrom() and one
 * sendto() per datagram, the same two system calls per packet, so the
 * comparison is about the stacks and not about batching.
 *
 *   1. Bind a UDP socket to ADDR:PORT, print "ready udpechod ADDR:PORT" on
 *      stdout (as the rungs print "ready ...").
 *   2. Send every datagram back to where it came from, unchanged.
 *   3. Stop on SIGINT or SIGTERM, or when -t seconds are over, and print
 *      a summary on stderr:
 *
 *      udpechod: in 9000 out 9000 send_errors 0 recv_errors 0
 *
 * A send the kernel refuses (full buffer, ENOBUFS) is counted and the
 * datagram is lost, as in udp_echo; so is a receive error it can retry.
 *
 * Usage: udpechod [-a ADDR] [-p PORT] [-t SECONDS]
 * Exit codes: 0 after a signal or the end of the lifetime, 1 on a setup
 * failure (port in use, no permission for a port below 1024), 2 on a usage
 * error.
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

#include "benchutil.h"

#define UDP_MAX          65507   /* largest UDP payload over IPv4 */
#define PORT_DEFAULT     7       /* echo (RFC 862) */
#define SECONDS_MAX      86400.0
#define SECONDS_DEFAULT  60.0
/* Socket buffers: room for many large datagrams queued at once. */
#define SOCKBUF_WANT     (8 << 20)
/* Datagrams handled per poll() before looking at the clock and signals. */
#define BATCH            64

const char *const bench_progname = "udpechod";
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
		"Echo every UDP datagram sent to ADDR:PORT back to its sender (RFC 862)\n"
		"until SIGINT/SIGTERM or for SECONDS at most; then a summary on stderr.\n"
		"\n"
		"  -a ADDR     local IPv4 address to bind (default 0.0.0.0: all)\n"
		"  -p PORT     port, 1..65535 (default %d)\n"
		"  -t SECONDS  lifetime, > 0 and <= %.0f (default %.0f)\n"
		"  -h          this help\n",
		bench_progname, PORT_DEFAULT, SECONDS_MAX, SECONDS_DEFAULT);
}

int main(int argc, char **argv)
{
	struct sockaddr_in local;
	const char *addr = "0.0.0.0";
	unsigned long port = PORT_DEFAULT;
	double seconds = SECONDS_DEFAULT;
	uint64_t in = 0, out = 0, send_errors = 0, recv_errors = 0, deadline;
	static uint8_t buf[UDP_MAX + 1];   /* static: too big for the stack */
	struct sigaction sa;
	sigset_t block, wait_mask;
	int fd;

	bench_server_options(argc, argv, usage, &addr, &port, &seconds);
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons((uint16_t)port);
	bench_parse_ipv4("address (-a)", addr, &local.sin_addr);

	/*
	 * SIGINT and SIGTERM are blocked except inside ppoll(), so a signal
	 * cannot slip in between checking stop_signal and going to sleep.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);

	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", bench_progname, strerror(errno));
		return 1;
	}
	/* Best effort: the defaults work, just with less room. */
	(void)bench_grow_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, SOCKBUF_WANT);
	(void)bench_grow_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE, SOCKBUF_WANT);
	if (bind(fd, (const struct sockaddr *)&local, sizeof(local)) != 0) {
		fprintf(stderr, "%s: bind %s:%lu: %s%s\n", bench_progname, addr,
			port, strerror(errno),
			errno == EACCES ? " (ports below 1024 need root)" :
			errno == EADDRINUSE ? " (something else has it)" :
			errno == EADDRNOTAVAIL ? " (not an address of this host)" : "");
		return 1;
	}
	printf("ready %s %s:%lu\n", bench_progname, addr, port);
	fflush(stdout);

	deadline = bench_now_ns() + (uint64_t)(seconds * (double)BENCH_NS_PER_S);
	while (!stop_signal) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = bench_now_ns(), left;
		struct timespec ts;

		if (now >= deadline)
			break;
		left = deadline - now;
		ts.tv_sec = (time_t)(left / BENCH_NS_PER_S);
		ts.tv_nsec = (long)(left % BENCH_NS_PER_S);
		if (ppoll(&pfd, 1, &ts, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", bench_progname,
				strerror(errno));
			return 1;
		}
		for (int i = 0; i < BATCH && (pfd.revents & (POLLIN | POLLERR)); i++) {
			struct sockaddr_in peer;
			socklen_t plen = sizeof(peer);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
					     (struct sockaddr *)&peer, &plen);

			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				if (errno == EINTR)
					continue;
				/* ICMP errors about earlier echoes, memory
				 * pressure: count and go on. */
				recv_errors++;
				if (bench_icmp_error(errno) ||
				    errno == ENOMEM || errno == ENOBUFS)
					continue;
				fprintf(stderr, "%s: recvfrom: %s\n",
					bench_progname, strerror(errno));
				return 1;
			}
			in++;
			/* MSG_DONTWAIT: a full buffer loses the echo, never
			 * stops the loop. */
			if (sendto(fd, buf, (size_t)n, MSG_DONTWAIT,
				   (const struct sockaddr *)&peer, plen) != n)
				send_errors++;
			else
				out++;
		}
	}
	fprintf(stderr, "%s: in %" PRIu64 " out %" PRIu64 " send_errors %" PRIu64
		" recv_errors %" PRIu64 "%s\n", bench_progname, in, out,
		send_errors, recv_errors, stop_signal ? "" : " (lifetime over)");
	close(fd);
	return 0;
}
