/*
 * udp_host.h - UDP on the IPv4 host of lib/ip_host.c: the echo service of
 * rung 4 (RFC 862), which tcp_mini keeps too.
 */
#ifndef TUNLAB_UDP_HOST_H
#define TUNLAB_UDP_HOST_H

#include <stdint.h>

#include "ip_host.h"

/* A UDP datagram to us (pkt, parsed as ip): checked (lib/udp.c), echoed
 * back if it is for port, else ICMP port unreachable.  Returns why it was
 * dropped, or DROP_NONE. */
enum drop udp_host_input(struct ip_host *h, uint16_t port, const uint8_t *pkt,
			 const struct ipv4_hdr *ip, uint64_t now_ms, struct txq *tx);

#endif
