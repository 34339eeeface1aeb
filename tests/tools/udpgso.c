/*
 * udpgso - many UDP datagrams in one send() (UDP_SEGMENT, Linux 4.18+),
 * to an echo server, and each echo checked (lesson 07).
 *
 * usage: udpgso [-d ADDR] [-p PORT] [-n COUNT] [-s SIZE]
 * Sends COUNT datagrams of SIZE bytes (default 10 of 1000) with one
 * sendto(): the kernel keeps them as one buffer as long as it can, and a
 * TAP device that took TUN_F_USO4 gets them as one frame that its
 * program cuts.  Then reads the echoes, at most 1 s each, and prints
 * "sent N in one send, echoed N, exact N"; exits 0 only if every datagram
 * came back exact (each one's bytes tell which it is).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

int main(int argc, char **argv)
{
	static unsigned char out[65536], in[65536];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(7) };
	long count = 10, size = 1000, i, echoed = 0, exact = 0;
	int fd, c, seg;

	inet_pton(AF_INET, "10.10.10.1", &sa.sin_addr);
	while ((c = getopt(argc, argv, "d:p:n:s:")) != -1) {
		switch (c) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &sa.sin_addr) != 1)
				goto usage;
			break;
		case 'p':
			sa.sin_port = htons((uint16_t)atoi(optarg));
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 's':
			size = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (count < 1 || count > 64 || size < 1 || size > 1472 || count * size > 65000)
		goto usage;
	for (i = 0; i < count * size; i++)
		out[i] = (unsigned char)(i / size * 37 + i % size);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	seg = (int)size;
	if (fd < 0 || setsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &seg, sizeof(seg)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpgso");
		return 1;
	}
	if (send(fd, out, (size_t)(count * size), 0) != count * size) {
		perror("udpgso: send");
		return 1;
	}
	while (echoed < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 1000) != 1)
			break;
		n = recv(fd, in, sizeof(in), 0);
		if (n < 0)
			break;
		echoed++;
		/* The first byte says which datagram it is. */
		for (i = 0; i < count; i++)
			if (n == size && memcmp(in, out + i * size, (size_t)size) == 0) {
				exact++;
				break;
			}
	}
	printf("sent %ld in one send, echoed %ld, exact %ld\n", count, echoed, exact);
	return exact == count ? 0 : 1;
usage:
	fprintf(stderr, "usage: udpgso [-d ADDR] [-p PORT] [-n COUNT 1-64] [-s SIZE 1-1472]\n");
	return 2;
}
