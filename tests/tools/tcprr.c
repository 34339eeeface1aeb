/*
 * tcprr - request/response over one TCP connection, for the scenario tests.
 *
 * Connects to HOST:PORT (an echo server), then N times: writes one message
 * and reads until the same bytes came back, checking each byte.  Messages
 * alternate in size between 1 and 1461 bytes (one more than fits a
 * 1500-byte MTU's segment, so every other one is two segments, the second
 * of them 1 byte: the case where Nagle's algorithm on one side and a
 * delayed ACK on the other used to cost 40 ms a round trip).  The socket
 * keeps the kernel's defaults (Nagle on), as a naive client would.
 *
 * usage: tcprr [-n N] [-s SIZE,SIZE...] HOST PORT
 * Prints "round trips N bytes B" and exits 0 when all N came back exact;
 * 1 with a message on the first mismatch, error or early end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SIZES 16
#define MAX_MSG 65536

int main(int argc, char **argv)
{
	static uint8_t out[MAX_MSG], in[MAX_MSG];
	size_t sizes[MAX_SIZES] = { 1, 1461 }, nsizes = 2, i, got, size;
	unsigned long long bytes = 0;
	long n = 1000, k;
	struct sockaddr_in sa;
	char *p, *end;
	ssize_t r;
	int c, fd;

	while ((c = getopt(argc, argv, "n:s:")) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 10000000) {
				fprintf(stderr, "tcprr: -n value is '%s': 1 to 10000000\n", optarg);
				return 2;
			}
			break;
		case 's':
			nsizes = 0;
			for (p = optarg; *p && nsizes < MAX_SIZES; p = *end ? end + 1 : end) {
				sizes[nsizes] = strtoul(p, &end, 10);
				if (end == p || sizes[nsizes] < 1 || sizes[nsizes] > MAX_MSG) {
					fprintf(stderr, "tcprr: -s wants sizes 1 to %d, comma-separated\n",
						MAX_MSG);
					return 2;
				}
				nsizes++;
			}
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &sa.sin_addr) != 1)
		goto usage;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "tcprr: connect: %s\n", strerror(errno));
		return 1;
	}
	for (k = 0; k < n; k++) {
		size = sizes[(size_t)k % nsizes];
		for (i = 0; i < size; i++)
			out[i] = (uint8_t)(k * 131 + (long)i * 7);
		for (i = 0; i < size; i += (size_t)r) {
			r = write(fd, out + i, size - i);
			if (r <= 0) {
				fprintf(stderr, "tcprr: write: %s\n", strerror(errno));
				return 1;
			}
		}
		for (got = 0; got < size; got += (size_t)r) {
			r = read(fd, in + got, size - got);
			if (r <= 0) {
				fprintf(stderr, "tcprr: round trip %ld: %s after %zu of %zu bytes\n",
					k + 1, r == 0 ? "end of stream" : strerror(errno), got, size);
				return 1;
			}
		}
		if (memcmp(in, out, size) != 0) {
			fprintf(stderr, "tcprr: round trip %ld: the echo differs\n", k + 1);
			return 1;
		}
		bytes += size;
	}
	close(fd);
	printf("round trips %ld bytes %llu\n", n, bytes);
	return 0;
usage:
	fprintf(stderr, "usage: tcprr [-n N] [-s SIZE,SIZE...] HOST PORT\n");
	return 2;
}
