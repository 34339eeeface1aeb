/*
 * icmp_host.h - rung 2's IPv4 host: owns one address, validates every
 * datagram, answers ping and sends ICMP errors.  icmp_reply is this and
 * nothing else; tap_arp, udp_echo and tcp_mini put it behind Ethernet.
 */
#ifndef TUNLAB_ICMP_HOST_H
#define TUNLAB_ICMP_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "icmp.h"
#include "txq.h"

/* ICMP errors: a burst of 10, then one every 100 ms (10 a second). */
#define ICMP_HOST_ERROR_BURST		10
#define ICMP_HOST_ERROR_INTERVAL_MS	100

struct icmp_host {
	uint32_t addr;			/* ours, host order */
	int mtu;			/* no reply larger than this */
	uint16_t next_id;		/* IPv4 identification of what we send */
	struct icmp_ratelimit errors;
};

void icmp_host_init(struct icmp_host *st, uint32_t addr, int mtu, uint64_t now_ms);

/* One IPv4 packet in; replies or errors queued in tx. */
enum drop icmp_host_input(struct icmp_host *st, const uint8_t *pkt, size_t len,
			   uint64_t now_ms, struct txq *tx);

#endif
