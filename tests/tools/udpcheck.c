/*
 * udpcheck - send UDP datagrams of random sizes to an echo server, one at a
 * time, and check that each comes back byte for byte.
 *
 * usage: udpcheck [-d ADDR] [-p PORT] [-n COUNT] [-s MIN-MAX] [-S SEED]
 * Prints "sent N echoed N exact N mismatched N lost N" and exits 0 only if
 * every datagram came back exact.  Each wait is at most one second, and
 * after 5 unanswered in a row it stops (a server that does not answer at
 * all, such as a learner's starter under make check), so it always ends
 * soon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned long long rng = 88172645463325252ull;

static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static unsigned char out[65536], in[65536];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(7) };
	long count = 1000, min = 0, max = 1472, sent = 0, echoed = 0, exact = 0;
	int fd, c, unanswered = 0;

	inet_pton(AF_INET, "10.10.10.1", &sa.sin_addr);
	while ((c = getopt(argc, argv, "d:p:n:s:S:")) != -1) {
		switch (c) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &sa.sin_addr) != 1)
				goto usage;
			break;
		case 'p': sa.sin_port = htons((unsigned short)atoi(optarg)); break;
		case 'n': count = atol(optarg); break;
		case 's':
			if (sscanf(optarg, "%ld-%ld", &min, &max) != 2)
				goto usage;
			break;
		case 'S': rng = strtoull(optarg, NULL, 10) | 1; break;
		default: goto usage;
		}
	}
	if (count < 1 || count > 1000000 || min < 0 || max > 65507 || min > max)
		goto usage;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "udpcheck: %s\n", strerror(errno));
		return 1;
	}
	for (sent = 0; sent < count; sent++) {
		size_t len = (size_t)(min + (long)(next() % (unsigned long long)(max - min + 1)));
		struct pollfd p = { .fd = fd, .events = POLLIN };
		size_t i;
		ssize_t n;

		for (i = 0; i < len; i++)
			out[i] = (unsigned char)next();
		if (send(fd, out, len, 0) != (ssize_t)len) {
			fprintf(stderr, "udpcheck: send %zu bytes: %s\n", len, strerror(errno));
			break;
		}
		if (poll(&p, 1, 1000) != 1) {		/* lost */
			if (++unanswered == 5) {
				fprintf(stderr, "udpcheck: 5 datagrams in a row got no answer: giving up\n");
				sent++;
				break;
			}
			continue;
		}
		unanswered = 0;
		n = recv(fd, in, sizeof(in), 0);
		if (n < 0)
			continue;
		echoed++;
		if ((size_t)n == len && memcmp(in, out, len) == 0)
			exact++;
		else
			fprintf(stderr, "udpcheck: datagram %ld: sent %zu bytes, got %zd back, different\n",
				sent, len, n);
	}
	printf("sent %ld echoed %ld exact %ld mismatched %ld lost %ld\n", sent,
	       echoed, exact, echoed - exact, sent - echoed);
	return exact == count ? 0 : 1;
usage:
	fprintf(stderr, "usage: udpcheck [-d ADDR] [-p PORT] [-n 1..1000000] [-s MIN-MAX (0..65507)] [-S SEED]\n");
	return 2;
}
