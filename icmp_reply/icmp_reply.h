/*
 * icmp_reply.h - rung 2's core, for the program, its tests and fuzzers.
 */
#ifndef TUNLAB_ICMP_REPLY_H
#define TUNLAB_ICMP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/drop.h"
#include "../lib/icmp.h"
#include "../lib/txq.h"

/* ICMP errors: a burst of 10, then one every 100 ms (10 a second). */
#define ICMP_REPLY_ERROR_BURST		10
#define ICMP_REPLY_ERROR_INTERVAL_MS	100

struct icmp_reply {
	uint32_t addr;			/* ours, host order */
	int mtu;			/* no reply larger than this */
	uint16_t next_id;		/* IPv4 identification of what we send */
	struct icmp_ratelimit errors;
};

void icmp_reply_init(struct icmp_reply *st, uint32_t addr, int mtu, uint64_t now_ms);

/* One IPv4 packet in; replies or errors queued in tx. */
enum drop icmp_reply_input(struct icmp_reply *st, const uint8_t *pkt, size_t len,
			   uint64_t now_ms, struct txq *tx);

#endif
