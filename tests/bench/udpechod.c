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

#define UDP_MAX          65507   /* largest UDP payload over IPv4 */
#define PORT_DEFAULT     7       /* echo (RFC 862) */
#define SECONDS_MAX      86400.0
#define SECONDS_DEFAULT  60.0
/* Socket buffers: room for many large datagrams queued at once. */
#define SOCKBUF_WANT     (8 << 20)
/* Datagrams handled per poll() before looking at the clock and signals. */
#define BATCH            64

#define NS_PER_S 1000000000ull

static const char *progname = "udpechod";
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
		progname, PORT_DEFAULT, SECONDS_MAX, SECONDS_DEFAULT);
}

static void usage_error(const char *what, const char *value, const char *why)
{
	fprintf(stderr, "%s: %s is \"%s\": %s (try -h)\n",
		progname, what, value, why);
	exit(2);
}

/* An unsigned decimal in [min, max], nothing before or after it. */
static unsigned long parse_ulong(const char *what, const char *s,
				 unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;
	char why[64];

	if (*s < '0' || *s > '9')
		usage_error(what, s, "not an unsigned decimal number");
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		usage_error(what, s, "not an unsigned decimal number");
	if (errno == ERANGE || v < min || v > max) {
		snprintf(why, sizeof(why), "must be between %lu and %lu", min, max);
		usage_error(what, s, why);
	}
	return v;
}

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
	/* "!(v > 0)" also rejects NaN. */
	if (errno == ERANGE || !(v > 0.0) || v > SECONDS_MAX) {
		snprintf(why, sizeof(why), "must be above 0 and at most %.0f",
			 SECONDS_MAX);
		usage_error(what, s, why);
	}
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Bigger buffers: past net.core.[rw]mem_max with CAP_NET_ADMIN, else
 * what we may have. Best effort: the defaults work, just with less room. */
static void grow_buffer(int fd, int opt, int opt_force)
{
	int want = SOCKBUF_WANT;

	if (setsockopt(fd, SOL_SOCKET, opt_force, &want, sizeof(want)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
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
	int c, fd;

	while ((c = getopt(argc, argv, "a:p:t:h")) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = parse_ulong("port (-p)", optarg, 1, 65535);
			break;
		case 't':
			seconds = parse_seconds("lifetime (-t)", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\" (try -h)\n",
			progname, argv[optind]);
		return 2;
	}
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	local.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &local.sin_addr) != 1)
		usage_error("address (-a)", addr, "not a dotted-quad IPv4 address");

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
		fprintf(stderr, "%s: socket: %s\n", progname, strerror(errno));
		return 1;
	}
	grow_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE);
	grow_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE);
	if (bind(fd, (const struct sockaddr *)&local, sizeof(local)) != 0) {
		fprintf(stderr, "%s: bind %s:%lu: %s%s\n", progname, addr, port,
			strerror(errno),
			errno == EACCES ? " (ports below 1024 need root)" :
			errno == EADDRINUSE ? " (something else has it)" :
			errno == EADDRNOTAVAIL ? " (not an address of this host)" : "");
		return 1;
	}
	printf("ready %s %s:%lu\n", progname, addr, port);
	fflush(stdout);

	deadline = now_ns() + (uint64_t)(seconds * (double)NS_PER_S);
	while (!stop_signal) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns(), left;
		struct timespec ts;

		if (now >= deadline)
			break;
		left = deadline - now;
		ts.tv_sec = (time_t)(left / NS_PER_S);
		ts.tv_nsec = (long)(left % NS_PER_S);
		if (ppoll(&pfd, 1, &ts, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", progname, strerror(errno));
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
				if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
				    errno == ENETUNREACH || errno == EHOSTDOWN ||
				    errno == ENOMEM || errno == ENOBUFS)
					continue;
				fprintf(stderr, "%s: recvfrom: %s\n", progname,
					strerror(errno));
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
		" recv_errors %" PRIu64 "%s\n", progname, in, out, send_errors,
		recv_errors, stop_signal ? "" : " (lifetime over)");
	close(fd);
	return 0;
}
