/*
 * eth_host.h - the link layer of a host on Ethernet: rung 3 (tap_arp), and
 * the ground rungs 4 and 5 stand on.
 *
 * In: a frame.  Ours (our MAC or broadcast) or dropped; ARP is answered and
 * learned from here; an IPv4 datagram is handed back for the IP layer.
 * Out: an IPv4 datagram, to the neighbour that takes it on: its destination
 * itself if that is on our link (the same first prefix bits as our address),
 * else the gateway, if there is one (RFC 1122 3.3.1.1).  If that neighbour's
 * MAC is known, the datagram goes out in a frame at once; if not, it is
 * held, and an ARP request asks for the MAC, again every second, three times
 * at most, before it is dropped.  Note what ARP asks for: the next hop's
 * address, never the destination's when that is beyond the gateway.
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

/* Datagrams that were held for ARP and given up on, the start of each kept
 * (its IPv4 header and 8 bytes) so that the rung can tell whoever sent it,
 * as Linux tells a socket with an ICMP host unreachable of its own. */
#define ETH_HOST_UNREACH_MAX	16
#define ETH_HOST_UNREACH_LEN	(60 + 8)

struct eth_host {
	uint8_t mac[ETH_ADDR_LEN];
	uint32_t addr;			/* our IPv4 address, host order */
	uint32_t mask;			/* our link: addresses a with
					 * (a & mask) == (addr & mask) */
	uint32_t gateway;		/* the router for the rest, or 0 */
	struct arp_cache arp;
	/* Where to count packets dropped after they left the IP layer (held
	 * for ARP and never sent): there is no input packet to blame them on.
	 * The rung owns the array (DROP_COUNT of them); run() adds it to its
	 * summary. */
	uint64_t *drops;
	/* Given up on, for eth_host_take_unreachable(): a ring, oldest
	 * overwritten. */
	uint8_t unreach[ETH_HOST_UNREACH_MAX][ETH_HOST_UNREACH_LEN];
	size_t unreach_len[ETH_HOST_UNREACH_MAX];
	unsigned unreach_head, unreach_n;
};

void eth_host_init(struct eth_host *h, const uint8_t mac[ETH_ADDR_LEN],
		   uint32_t addr, uint64_t *drops);

/* The link and the way off it: prefix bits of our address are the link's
 * (24 after eth_host_init), gateway the router for everything else (0:
 * none, the link is all we reach). */
void eth_host_route(struct eth_host *h, int prefix, uint32_t gateway);

/* The neighbour a datagram to dst goes to: dst on our link, else the
 * gateway.  False if there is none: "no route to host". */
bool eth_host_next_hop(const struct eth_host *h, uint32_t dst, uint32_t *hop);

/* One datagram given up on because its next hop never answered ARP: its
 * first bytes (IPv4 header and 8 more) into head, true; false when there
 * are none left. */
bool eth_host_take_unreachable(struct eth_host *h, uint8_t head[ETH_HOST_UNREACH_LEN],
			       size_t *len);

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

/* One IPv4 datagram out, to its next hop (eth_host_next_hop): a frame now
 * if that neighbour's MAC is known, else held while ARP asks.  With no next
 * hop it is dropped (no_route). */
void eth_host_send(struct eth_host *h, const uint8_t *pkt, size_t len,
		   uint64_t now_ms, struct txq *tx);

/* eth_host_send() each IPv4 datagram in ipq, and empty ipq. */
void eth_host_output(struct eth_host *h, struct txq *ipq, uint64_t now_ms,
		     struct txq *tx);

/* ARP timers: ask again or give up.  Returns when to call again, or
 * UINT64_MAX. */
uint64_t eth_host_tick(struct eth_host *h, uint64_t now_ms, struct txq *tx);

#endif
