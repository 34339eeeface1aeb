/*
 * tap_arp - rung 3: the host of rung 2, now on Ethernet, on a TAP device.
 *
 * On a TUN device the kernel hands us IP packets.  On a TAP device it hands
 * us Ethernet frames, and it will not send an IP packet to 10.10.10.1 until
 * it knows the MAC address that goes with it: it asks with ARP (RFC 826)
 * and waits.  So this rung adds the link layer (lib/eth_host.c):
 *
 *   - Ethernet: keep frames to our MAC or to broadcast, drop the rest (a
 *     NIC would filter them in hardware); pad what we send to 60 bytes;
 *   - ARP: answer requests for our address; learn from every ARP packet as
 *     RFC 826's algorithm says; keep a cache whose entries expire; resolve
 *     addresses ourselves before sending, holding the packet meanwhile;
 *     announce ourselves with a gratuitous ARP at start.
 *
 * IPv4 and ICMP are rung 2's code, unchanged (lib/icmp_host.c): the IP
 * layer queues datagrams, and the link layer frames and addresses them.
 *
 * Beyond the link (--gateway, --prefix): a destination off our /24 goes
 * to the gateway's MAC, which ARP resolves like any neighbour's; with no
 * gateway it is "no route" (lib/eth_host.c).  --ping sends echo requests
 * of our own (lib/ping.c).
 *
 * Left out on purpose: one gateway, no routing table; no ARP conflict
 * detection (RFC 5227), no proxy ARP.
 *
 * Run:   sudo ./tap_arp/tap_arp --trace
 *        sudo ip addr add 10.10.10.2/24 dev tap0 && sudo ip link set tap0 up
 *        (a tap0 it creates is down when it starts, so its announcement is
 *        refused: "not sent", write_errors 1.  Make tap0 with ip tuntap and
 *        bring it up first to see the announcement go out.)
 *        arping -c 2 -I tap0 10.10.10.1;  ping 10.10.10.1;  ip neigh
 * Lesson: lessons/03-tap-arp.md
 */
#include "tap_arp.h"

#include <stdio.h>
#include <string.h>

#include "../lib/ipv4.h"
#include "../lib/opts.h"
#include "../lib/ping.h"
#include "../lib/run.h"

void tap_arp_init(struct tap_arp *st, const uint8_t mac[6], uint32_t addr,
		  int mtu, uint64_t now_ms, struct txq *tx)
{
	memset(st->drops, 0, sizeof(st->drops));
	eth_host_init(&st->link, mac, addr, st->drops);
	icmp_host_init(&st->ip, addr, mtu, now_ms);
	txq_clear(&st->ipq);
	eth_host_announce(&st->link, tx);
}

enum drop tap_arp_input(struct tap_arp *st, const uint8_t *frame, size_t len,
			uint64_t now_ms, struct txq *tx)
{
	const uint8_t *ip;
	size_t ip_len;
	enum drop why;

	/* The link layer: Ethernet filtering, and ARP, answered right there. */
	why = eth_host_input(&st->link, frame, len, now_ms, tx, &ip, &ip_len,
			     &st->ip.link_broadcast);
	if (why != DROP_NONE || !ip)
		return why;
	/* The IP layer, exactly as on TUN; then frame what it wants sent. */
	why = icmp_host_input(&st->ip, ip, ip_len, now_ms, &st->ipq);
	eth_host_output(&st->link, &st->ipq, now_ms, tx);
	return why;
}

uint64_t tap_arp_tick(struct tap_arp *st, uint64_t now_ms, struct txq *tx)
{
	uint64_t p = UINT64_MAX, next;
	uint8_t head[ETH_HOST_UNREACH_LEN];
	size_t len;

	/* --ping: the request that is due goes out like any datagram. */
	if (st->ip.ping) {
		p = pinger_tick(st->ip.ping, &st->ipq, &st->ip.next_id);
		eth_host_output(&st->link, &st->ipq, now_ms, tx);
	}
	next = eth_host_tick(&st->link, now_ms, tx);
	/* What ARP gave up on: our ping hears of its own requests; replies
	 * to others are only counted (arp_resolve_failed). */
	while (eth_host_take_unreachable(&st->link, head, &len))
		if (st->ip.ping)
			pinger_unreachable(st->ip.ping, head, len);
	return p < next ? p : next;
}

#ifndef TUNLAB_NO_MAIN	/* unit tests link the core without main() */
static struct tap_arp st;
static struct opts opts;	/* the command line, for start() */
static struct pinger ping;	/* --ping */
static bool pinging;

/* The adapters the loop calls. */
static void start(void *state, int mtu, uint64_t now_ms, struct txq *tx)
{
	tap_arp_init(state, opts.mac, opts.addr, mtu, now_ms, tx);
	eth_host_route(&st.link, opts.prefix, opts.gateway);
	st.ip.ping = pinging ? &ping : NULL;
}

static enum drop input(void *state, const uint8_t *pkt, size_t len,
		       uint64_t now_ms, struct txq *tx)
{
	return tap_arp_input(state, pkt, len, now_ms, tx);
}

static uint64_t tick(void *state, uint64_t now_ms, struct txq *tx)
{
	return tap_arp_tick(state, now_ms, tx);
}

int main(int argc, char **argv)
{
	static const struct prog prog = {
		.name = "tap_arp",
		.summary = "Rung 3: an IPv4 host on a TAP device: Ethernet, ARP and ping.",
		.dev_type = DEV_TAP,
		.extra = OPT_ADDR | OPT_MAC | OPT_ROUTE,
	};
	char addr[16], mac[18], ready[40];
	struct core core = { .state = &st, .start = start, .input = input,
			     .tick = tick, .own_drops = st.drops };

	opts_parse(&prog, argc, argv, &opts);
	pinging = ping_setup(&ping, &opts, &core);
	ipv4_addr_format(opts.addr, addr);
	eth_addr_format(opts.mac, mac);
	snprintf(ready, sizeof(ready), "%s %s", addr, mac);
	core.ready_detail = ready;
	return run(&prog, &opts, &core);
}
#endif
