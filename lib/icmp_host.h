/*
 * icmp_host.h - rung 2's IPv4 host: owns one address, validates every
 * datagram, answers ping and sends ICMP errors.  icmp_reply is this and
 * nothing else; tap_arp, udp_echo and tcp_mini put it behind Ethernet.
 */
#ifndef TUNLAB_ICMP_HOST_H
#define TUNLAB_ICMP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "icmp.h"
#include "txq.h"

/* ICMP errors: a burst of 10, then one every 100 ms (10 a second). */
struct pinger;

#define ICMP_HOST_ERROR_BURST		10
#define ICMP_HOST_ERROR_INTERVAL_MS	100

struct icmp_host {
	uint32_t addr;			/* ours, host order */
	int mtu;			/* no reply larger than this */
	uint16_t next_id;		/* IPv4 identification of what we send */
	struct icmp_ratelimit errors;
	/* Set by an Ethernet rung for the datagram at hand: it came in a
	 * broadcast frame, so no ICMP error may answer it (RFC 1122 3.2.2). */
	bool link_broadcast;
	/* --ping (rungs 3-5): echo replies to it, and errors about its
	 * requests, are its own (lib/ping.c); NULL otherwise. */
	struct pinger *ping;
};

void icmp_host_init(struct icmp_host *st, uint32_t addr, int mtu, uint64_t now_ms);

/* One IPv4 packet in; replies or errors queued in tx.  It is the three
 * steps below in a row, with fragments dropped between the first two. */
enum drop icmp_host_input(struct icmp_host *st, const uint8_t *pkt, size_t len,
			  uint64_t now_ms, struct txq *tx);

/* Step 1: parse and check the header (lib/ipv4.c), then the addresses: the
 * source must be a single host and the destination ours. */
enum drop icmp_host_accept(const struct icmp_host *st, const uint8_t *pkt,
			   size_t len, struct ipv4_hdr *ip);

/* Steps 3 and 4: an ICMP message to us (ip accepted, not a fragment):
 * check it, answer an echo request. */
enum drop icmp_host_icmp(struct icmp_host *st, const struct ipv4_hdr *ip,
			 struct txq *tx);

/* Queue ICMP error (type, code) about pkt (parsed as ip), if RFC 1122 3.2.2,
 * the MTU and the rate limit allow.  Returns why: the reason to count the
 * offending packet under if the error went out, or why it did not. */
enum drop icmp_host_error(struct icmp_host *st, uint8_t type, uint8_t code,
			  enum drop why, const uint8_t *pkt,
			  const struct ipv4_hdr *ip, uint64_t now_ms, struct txq *tx);

#endif
