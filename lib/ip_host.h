/*
 * ip_host.h - one IPv4 host on Ethernet: the layer udp_echo and tcp_mini
 * stand on.  It is rungs 2-4 put together, so that each transport protocol
 * above it only ever sees whole datagrams addressed to it:
 *
 *   in:   a frame -> Ethernet and ARP (eth_host.c) -> the IPv4 header and
 *         the addresses (icmp_host_accept) -> reassembly (reasm.c) -> ICMP
 *         is answered here; any other protocol is handed back to the rung.
 *   out:  a datagram -> fragmented to the MTU (frag.c) -> a frame to the
 *         neighbour's MAC, or held while ARP asks for it.
 *
 * Two ways out.  The fast one, for a transport that sends a lot (TCP): ask
 * ip_host_tx_payload() for the place where the payload goes inside the
 * next frame of the out queue, write the segment there, and
 * ip_host_tx_push() writes the IPv4 and Ethernet headers in front of it:
 * the bytes are written once and never copied.  That works when the
 * datagram fits the MTU and the neighbour's MAC is known.  Otherwise
 * ip_host_tx_push() falls back to the slow path, which copies: the
 * datagram goes to the host's own queue (ipq), from where ip_host_output()
 * fragments it and hands it to ARP.  ICMP replies and errors always take
 * the slow path; they are rare and small.
 */
#ifndef TUNLAB_IP_HOST_H
#define TUNLAB_IP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "eth_host.h"
#include "icmp_host.h"
#include "ipv4.h"
#include "reasm.h"
#include "txq.h"

struct ip_host {
	struct eth_host link;	/* Ethernet and ARP: rung 3 */
	struct icmp_host ip;	/* IPv4 checks, ICMP: rung 2 */
	struct reasm reasm;	/* fragments waiting for the rest: rung 4 */
	int mtu;		/* what we send is fragmented to this */
	struct txq ipq;		/* the slow path: whole datagrams to send */
	uint64_t drops[DROP_COUNT];	/* dropped on its own: ARP give-ups,
					 * reassembly timeouts and evictions;
					 * the rung's core reports them */
	bool icmp_errors_up;	/* the rung takes ICMP errors (tcp_mini:
				 * they may end a connect); else they are
				 * counted here as icmp_not_echo_request */
	uint8_t whole[IPV4_MAX_LEN];	/* the datagram reassembly completed */
};

/* Start the host: address, MAC, link MTU; announce the address (gratuitous
 * ARP) in tx. */
void ip_host_init(struct ip_host *h, const uint8_t mac[6], uint32_t addr,
		  int mtu, uint64_t now_ms, struct txq *tx);

/* One frame in.  ARP, ICMP and broken or foreign datagrams are dealt with
 * here (the return value says why a frame was dropped).  A whole datagram
 * for another protocol comes back for the rung: DROP_NONE with *pkt set to
 * it (header included) and *ip parsed; otherwise *pkt is NULL.  So does an
 * ICMP error (destination unreachable, time exceeded, parameter problem)
 * if icmp_errors_up is set: its checksum verified, and quoting at least an
 * IPv4 header and 8 bytes (ip->proto is then IPV4_PROTO_ICMP). */
enum drop ip_host_input(struct ip_host *h, const uint8_t *frame, size_t len,
			uint64_t now_ms, struct txq *tx, const uint8_t **pkt,
			struct ipv4_hdr *ip);

/* What an ICMP error quotes (RFC 792): the IPv4 header of the datagram
 * it is about, and at least the first 8 bytes after it (for TCP and UDP
 * the ports, for TCP also the sequence number). */
struct icmp_quote {
	uint8_t proto;
	uint32_t src, dst;	/* host order */
	const uint8_t *l4;	/* the 8 bytes after the quoted header */
};

/* Read the quote of an ICMP error (its data, len bytes): false if it is
 * not an IPv4 header (options and all) and 8 bytes more. */
bool ip_host_icmp_quote(const uint8_t *data, size_t len, struct icmp_quote *q);

/* ICMP destination unreachable about the datagram pkt (parsed as ip), with
 * the code given, if the rules and the rate limit allow (icmp_host_error).
 * Returns the reason to count pkt under: why, or why no error was sent. */
enum drop ip_host_unreachable(struct ip_host *h, uint8_t code, enum drop why,
			      const uint8_t *pkt, const struct ipv4_hdr *ip,
			      uint64_t now_ms);

/* The fast way out.  Where the payload of the next datagram goes, inside
 * tx's next frame (room for cap bytes of it), or NULL if tx is full. */
uint8_t *ip_host_tx_payload(struct ip_host *h, struct txq *tx, size_t cap);

/* Send the len bytes of payload just written at ip_host_tx_payload(), to
 * dst with protocol proto: headers in front of them, in place, if the MAC
 * is known and it fits the MTU; else a copy to the slow path. */
void ip_host_tx_push(struct ip_host *h, uint32_t dst, uint8_t proto,
		     size_t len, uint64_t now_ms, struct txq *tx);

/* The slow way out: every datagram in h->ipq, fragmented to the MTU and
 * framed (or held for ARP).  Call it after each input and tick. */
void ip_host_output(struct ip_host *h, uint64_t now_ms, struct txq *tx);

/* Timers: reassembly time-outs (ICMP time exceeded), our own ping's next
 * request (h->ip.ping), ARP retries.  Returns when to call again, or
 * UINT64_MAX. */
uint64_t ip_host_tick(struct ip_host *h, uint64_t now_ms, struct txq *tx);

/* After a tick: a datagram ARP gave up on (its IPv4 header and 8 bytes, as
 * eth_host_take_unreachable() has them) that is not our own ping's (those
 * the pinger is told of here), for the rung to tell its sender; false when
 * none is left. */
bool ip_host_take_unreachable(struct ip_host *h, uint8_t head[ETH_HOST_UNREACH_LEN],
			      size_t *len);

#endif
