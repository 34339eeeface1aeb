/*
 * tap_arp.h - rung 3's core, for the program, its tests and fuzzers.
 */
#ifndef TUNLAB_TAP_ARP_H
#define TUNLAB_TAP_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/eth_host.h"
#include "../lib/icmp_host.h"
#include "../lib/txq.h"

struct tap_arp {
	struct eth_host link;	/* Ethernet and ARP: this rung */
	struct icmp_host ip;	/* IPv4 and ICMP: rung 2, unchanged */
	struct txq ipq;		/* what the IP layer wants sent */
	uint64_t drops[DROP_COUNT];	/* what it dropped on its own, after */
					/* the input it came with was done */
};

void tap_arp_init(struct tap_arp *st, const uint8_t mac[6], uint32_t addr,
		  int mtu, uint64_t now_ms, struct txq *tx);
enum drop tap_arp_input(struct tap_arp *st, const uint8_t *frame, size_t len,
			uint64_t now_ms, struct txq *tx);
uint64_t tap_arp_tick(struct tap_arp *st, uint64_t now_ms, struct txq *tx);

#endif
