/*
 * udp_echo.h - rung 4's core, for the program, its tests and fuzzers.
 */
#ifndef TUNLAB_UDP_ECHO_H
#define TUNLAB_UDP_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/eth_host.h"
#include "../lib/icmp_host.h"
#include "../lib/ipv4.h"
#include "../lib/reasm.h"
#include "../lib/txq.h"

struct udp_echo {
	struct eth_host link;	/* Ethernet and ARP: rung 3 */
	struct icmp_host ip;	/* IPv4 checks, ICMP: rung 2 */
	struct reasm reasm;	/* fragments waiting for the rest: this rung */
	uint16_t port;		/* the echo service (RFC 862) */
	int mtu;		/* what we send is fragmented to this */
	struct txq ipq;		/* whole datagrams the IP layer wants sent */
	uint64_t drops[DROP_COUNT];	/* dropped on its own: ARP give-ups,
					 * reassembly timeouts and evictions */
	uint8_t whole[IPV4_MAX_LEN];	/* the datagram reassembly completed */
};

void udp_echo_init(struct udp_echo *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t port, int mtu, uint64_t now_ms, struct txq *tx);
enum drop udp_echo_input(struct udp_echo *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx);
uint64_t udp_echo_tick(struct udp_echo *st, uint64_t now_ms, struct txq *tx);

#endif
