/*
 * eth_host.h - the link layer of a host on Ethernet: rung 3 (tap_arp), and
 * the ground rungs 4 and 5 stand on.
 *
 * In: a frame.  Ours (our MAC or broadcast) or dropped; ARP is answered and
 * learned from here; an IPv4 datagram is handed back for the IP layer.
 * Out: an IPv4 datagram for a neighbour.  If its MAC is known, the datagram
 * goes out in a frame at once; if not, it is held, and an ARP request asks
 * for the MAC, again every second, three times at most, before it is dropped.
 */
#ifndef TUNLAB_ETH_HOST_H
#define TUNLAB_ETH_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arp.h"
#include "drop.h"
#include "eth.h"
#include "txq.h"

struct eth_host {
	uint8_t mac[ETH_ADDR_LEN];
	uint32_t addr;			/* our IPv4 address, host order */
	struct arp_cache arp;
	/* Where to count packets dropped after they left the IP layer (held
	 * for ARP and never sent): there is no input packet to blame them on.
	 * The rung owns the array (DROP_COUNT of them); run() adds it to its
	 * summary. */
	uint64_t *drops;
};

void eth_host_init(struct eth_host *h, const uint8_t mac[ETH_ADDR_LEN],
		   uint32_t addr, uint64_t *drops);

/* A gratuitous ARP request (sender and target both our address), sent at
 * start so that neighbours with a stale entry for it update it. */
void eth_host_announce(struct eth_host *h, struct txq *tx);

/* One frame in.  Returns why it was dropped, or DROP_NONE.  For an IPv4
 * frame to us, *ip and *ip_len are the datagram for the IP layer (with any
 * Ethernet padding still on: the IPv4 total length says where it ends), and
 * *broadcast says whether the frame was sent to the broadcast address (RFC
 * 1122 3.2.2: then no ICMP error may answer it); otherwise *ip is NULL. */
enum drop eth_host_input(struct eth_host *h, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx,
			 const uint8_t **ip, size_t *ip_len, bool *broadcast);

/* One IPv4 datagram out to its destination (a neighbour on this link:
 * there is no router here): a frame now if its MAC is known, else held
 * while ARP asks. */
void eth_host_send(struct eth_host *h, const uint8_t *pkt, size_t len,
		   uint64_t now_ms, struct txq *tx);

/* eth_host_send() each IPv4 datagram in ipq, and empty ipq. */
void eth_host_output(struct eth_host *h, struct txq *ipq, uint64_t now_ms,
		     struct txq *tx);

/* ARP timers: ask again or give up.  Returns when to call again, or
 * UINT64_MAX. */
uint64_t eth_host_tick(struct eth_host *h, uint64_t now_ms, struct txq *tx);

#endif
