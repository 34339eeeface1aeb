/*
 * eth_host.c - Ethernet in and out, and ARP as RFC 826 describes it.
 */
#include "eth_host.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "ipv4.h"

void eth_host_init(struct eth_host *h, const uint8_t mac[ETH_ADDR_LEN],
		   uint32_t addr, uint64_t *drops)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->mac, mac, ETH_ADDR_LEN);
	h->addr = addr;
	h->drops = drops;
	eth_host_route(h, 24, 0);
}

void eth_host_route(struct eth_host *h, int prefix, uint32_t gateway)
{
	h->mask = ipv4_prefix_mask(prefix);
	h->gateway = gateway;
}

bool eth_host_next_hop(const struct eth_host *h, uint32_t dst, uint32_t *hop)
{
	return ipv4_next_hop(h->addr, h->mask, h->gateway, dst, hop);
}

bool eth_host_take_unreachable(struct eth_host *h, uint8_t head[ETH_HOST_UNREACH_LEN],
			       size_t *len)
{
	unsigned i;

	if (h->unreach_n == 0)
		return false;
	i = (h->unreach_head + ETH_HOST_UNREACH_MAX - h->unreach_n) % ETH_HOST_UNREACH_MAX;
	memcpy(head, h->unreach[i], h->unreach_len[i]);
	*len = h->unreach_len[i];
	h->unreach_n--;
	return true;
}

/* ARP gave up on e: drop what waited, and keep the start of each datagram
 * for eth_host_take_unreachable(). */
static void give_up(struct eth_host *h, struct arp_entry *e)
{
	size_t i, n;

	h->drops[DROP_ARP_RESOLVE_FAILED] += e->n_held;
	for (i = 0; i < e->n_held; i++) {
		/* A fragment after the first carries no transport header to
		 * tell whose it was: the first one speaks for the datagram. */
		if (e->held_len[i] >= IPV4_HDR_LEN && (get16(e->held[i] + 6) & 0x1fff))
			continue;
		n = e->held_len[i] < ETH_HOST_UNREACH_LEN ? e->held_len[i] : ETH_HOST_UNREACH_LEN;
		memcpy(h->unreach[h->unreach_head], e->held[i], n);
		h->unreach_len[h->unreach_head] = n;
		h->unreach_head = (h->unreach_head + 1) % ETH_HOST_UNREACH_MAX;
		if (h->unreach_n < ETH_HOST_UNREACH_MAX)
			h->unreach_n++;
	}
	arp_entry_free(e);
}

/* Queue a frame around an ARP packet. */
static void send_arp(struct eth_host *h, uint16_t op, const uint8_t eth_dst[ETH_ADDR_LEN],
		     const uint8_t tha[ETH_ADDR_LEN], uint32_t tpa, struct txq *tx)
{
	struct arp_pkt a = { .op = op, .spa = h->addr, .tpa = tpa };
	uint8_t *out = txq_slot(tx);

	if (!out)
		return;		/* an input queues at most 2: never full here */
	memcpy(a.sha, h->mac, ETH_ADDR_LEN);
	memcpy(a.tha, tha, ETH_ADDR_LEN);
	arp_emit(&a, out + ETH_HDR_LEN);
	txq_push(tx, eth_emit(out, eth_dst, h->mac, ETH_TYPE_ARP, ARP_LEN));
}

static void send_request(struct eth_host *h, uint32_t ip, struct txq *tx)
{
	static const uint8_t unknown[ETH_ADDR_LEN];	/* all zero: "don't know" */

	send_arp(h, ARP_OP_REQUEST, eth_broadcast, unknown, ip, tx);
}

void eth_host_announce(struct eth_host *h, struct txq *tx)
{
	static const uint8_t unknown[ETH_ADDR_LEN];

	send_arp(h, ARP_OP_REQUEST, eth_broadcast, unknown, h->addr, tx);
}

/* Put an IPv4 datagram in a frame to mac. */
static void send_ip(struct eth_host *h, const uint8_t mac[ETH_ADDR_LEN],
		    const uint8_t *pkt, size_t len, struct txq *tx)
{
	uint8_t *out = txq_slot(tx);

	if (!out || len > PKT_BUF_SIZE - ETH_HDR_LEN) {
		h->drops[DROP_TX_QUEUE_FULL]++;
		return;
	}
	memcpy(out + ETH_HDR_LEN, pkt, len);
	txq_push(tx, eth_emit(out, mac, h->mac, ETH_TYPE_IPV4, len));
}

/* The MAC of e is now known: send what waited for it. */
static void resolved(struct eth_host *h, struct arp_entry *e,
		     const uint8_t mac[ETH_ADDR_LEN], uint64_t now_ms, struct txq *tx)
{
	size_t i;

	arp_entry_resolve(e, mac, now_ms);
	for (i = 0; i < e->n_held; i++)
		send_ip(h, e->mac, e->held[i], e->held_len[i], tx);
	arp_entry_release(e);
}

/* RFC 826, "Packet Reception", step by step. */
static enum drop arp_input(struct eth_host *h, const uint8_t *buf, size_t len,
			   uint64_t now_ms, struct txq *tx)
{
	/* build-it 03.2 begin: answer ARP as RFC 826's reception algorithm says, learning the asker */
	struct arp_pkt a;
	struct arp_entry *e;
	bool merged = false;
	enum drop why;

	/* "Do I have the hardware type in ar$hrd?  Do I speak the protocol
	 * in ar$pro?"  (and the lengths, and an opcode we know) */
	why = arp_parse(buf, len, &a);
	if (why != DROP_NONE)
		return why;
	/* Not in RFC 826: never learn a group MAC or a non-host address. An
	 * ARP probe (RFC 5227) has sender address 0.0.0.0: nothing to learn. */
	if (eth_is_multicast(a.sha) || (a.spa != 0 && !ipv4_is_host_source(a.spa)))
		return DROP_ARP_BAD_SENDER;
	/* Someone else claiming our address (or our own frame looped back):
	 * never learn our own address.  RFC 5227 would defend it; we don't. */
	if (a.spa == h->addr)
		return DROP_ARP_BAD_SENDER;

	/* "If the pair <protocol type, sender protocol address> is already
	 * in my translation table, update the sender hardware address field
	 * of the entry with the new information in the packet and set
	 * Merge_flag to true." */
	e = a.spa ? arp_cache_find(&h->arp, a.spa, now_ms) : NULL;
	if (e) {
		resolved(h, e, a.sha, now_ms, tx);
		merged = true;
	}

	/* "Am I the target protocol address?" */
	if (a.tpa != h->addr)
		return DROP_ARP_NOT_FOR_US;

	/* "If Merge_flag is false, add the triplet ... to the table." */
	if (!merged && a.spa) {
		e = arp_cache_alloc(&h->arp, a.spa, now_ms);
		if (e)
			arp_entry_resolve(e, a.sha, now_ms);
	}

	/* "Is the opcode ares_op$REQUEST?  (NOW look at the opcode!!)"  Then
	 * answer, to the asker's MAC, with ours as the sender. */
	if (a.op == ARP_OP_REQUEST)
		send_arp(h, ARP_OP_REPLY, a.sha, a.sha, a.spa, tx);
	return DROP_NONE;
	/* build-it 03.2 end; the starter has:
	 *	(void)h, (void)buf, (void)len, (void)now_ms, (void)tx, (void)resolved;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

enum drop eth_host_input(struct eth_host *h, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx,
			 const uint8_t **ip, size_t *ip_len, bool *broadcast)
{
	/* build-it 03.1 begin: keep only the frames for our MAC or broadcast; pass ARP and IPv4 on */
	struct eth_hdr eth;
	enum drop why;

	*ip = NULL;
	*ip_len = 0;
	*broadcast = false;
	why = eth_parse(frame, len, &eth);
	if (why != DROP_NONE)
		return why;
	/* A NIC does this filtering in hardware; a TAP device passes every
	 * frame the kernel sends, so we do it here. */
	if (memcmp(eth.dst, h->mac, ETH_ADDR_LEN) != 0 &&
	    memcmp(eth.dst, eth_broadcast, ETH_ADDR_LEN) != 0)
		return DROP_ETH_NOT_FOR_US;
	switch (eth.type) {
	case ETH_TYPE_ARP:
		return arp_input(h, eth.payload, eth.payload_len, now_ms, tx);
	case ETH_TYPE_IPV4:
		*ip = eth.payload;
		*ip_len = eth.payload_len;
		*broadcast = memcmp(eth.dst, eth_broadcast, ETH_ADDR_LEN) == 0;
		return DROP_NONE;
	default:
		return DROP_ETH_UNKNOWN_TYPE;
	}
	/* build-it 03.1 end; the starter has:
	 *	(void)h, (void)frame, (void)len, (void)now_ms, (void)tx, (void)arp_input;
	 *	*ip = NULL;
	 *	*ip_len = 0;
	 *	*broadcast = false;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

/* One datagram to hop, a neighbour on our link. */
static void send_to_neighbour(struct eth_host *h, uint32_t hop, const uint8_t *pkt,
			      size_t len, uint64_t now_ms, struct txq *tx)
{
	/* build-it 03.4 begin: send IPv4 only to a resolved MAC: ask, hold, ask again, give up */
	struct arp_entry *e = arp_cache_find(&h->arp, hop, now_ms);
	int dropped;

	if (e && e->state == ARP_RESOLVED) {
		send_ip(h, e->mac, pkt, len, tx);
		return;
	}
	if (!e) {
		e = arp_cache_alloc(&h->arp, hop, now_ms);
		if (!e) {
			h->drops[DROP_ARP_CACHE_FULL]++;
			return;
		}
		e->state = ARP_INCOMPLETE;
		e->requests = 1;
		e->deadline_ms = now_ms + ARP_RETRY_MS;
		send_request(h, hop, tx);
	}
	/* Hold it until the reply comes; the oldest go if there are too many. */
	dropped = arp_entry_hold(e, pkt, len);
	if (dropped < 0)
		h->drops[DROP_TX_QUEUE_FULL]++;
	else
		h->drops[DROP_ARP_HOLD_FULL] += (uint64_t)dropped;
	/* build-it 03.4 end; the starter has:
	 *	(void)hop, (void)pkt, (void)len, (void)now_ms, (void)tx, (void)send_request, (void)send_ip;
	 *	h->drops[DROP_NOT_IMPLEMENTED]++;
	 */
}

void eth_host_send(struct eth_host *h, const uint8_t *pkt, size_t len,
		   uint64_t now_ms, struct txq *tx)
{
	uint32_t hop;

	/* Every queued datagram has a header: its destination at byte 16. */
	if (!eth_host_next_hop(h, get32(pkt + 16), &hop)) {
		h->drops[DROP_NO_ROUTE]++;
		return;
	}
	send_to_neighbour(h, hop, pkt, len, now_ms, tx);
}

void eth_host_output(struct eth_host *h, struct txq *ipq, uint64_t now_ms,
		     struct txq *tx)
{
	size_t i;

	for (i = 0; i < ipq->n; i++)
		eth_host_send(h, txq_pkt(ipq, i), ipq->len[i], now_ms, tx);
	txq_clear(ipq);
}

uint64_t eth_host_tick(struct eth_host *h, uint64_t now_ms, struct txq *tx)
{
	/* build-it 03.4 begin: send IPv4 only to a resolved MAC: ask, hold, ask again, give up */
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &h->arp.e[i];

		if (e->state != ARP_INCOMPLETE)
			continue;
		if (e->deadline_ms <= now_ms) {
			if (e->requests >= ARP_MAX_REQUESTS) {
				/* RFC 1122 2.3.2.1 asks only not to flood (at most
				 * one request a second); like Linux (mcast_solicit
				 * 3) we stop after 3 and drop what waited. */
				give_up(h, e);
				continue;
			}
			if (!txq_slot(tx)) {	/* queue full: the rest next time */
				next = now_ms;
				continue;
			}
			e->requests++;
			e->deadline_ms = now_ms + ARP_RETRY_MS;
			send_request(h, e->ip, tx);
		}
		if (e->deadline_ms < next)
			next = e->deadline_ms;
	}
	return next;
	/* build-it 03.4 end; the starter has: (void)h, (void)now_ms, (void)tx, (void)give_up; return UINT64_MAX; */
}
