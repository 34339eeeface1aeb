/*
 * udp_echo.h - rung 4's core, for the program, its tests and fuzzers.
 */
#ifndef TUNLAB_UDP_ECHO_H
#define TUNLAB_UDP_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/ip_host.h"
#include "../lib/txq.h"

struct udp_echo {
	struct ip_host host;	/* Ethernet, ARP, IPv4, ICMP, fragments: lib/ */
	uint16_t port;		/* the echo service (RFC 862) */
};

void udp_echo_init(struct udp_echo *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t port, int mtu, uint64_t now_ms, struct txq *tx);
enum drop udp_echo_input(struct udp_echo *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx);
uint64_t udp_echo_tick(struct udp_echo *st, uint64_t now_ms, struct txq *tx);

#endif
