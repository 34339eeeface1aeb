/*
 * arp.h - the Address Resolution Protocol (RFC 826) for IPv4 over Ethernet:
 * the packet, and the cache of what we have learned.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |     Hardware type (1)         |     Protocol type (0x0800)    |
 *   +---------------+---------------+-------------------------------+
 *   | HW len (6)    | Proto len (4) |     Opcode (1 req, 2 reply)   |
 *   +---------------+---------------+-------------------------------+
 *   |                 Sender hardware address (6 bytes)             |
 *   +                               +-------------------------------+
 *   |                               |  Sender protocol address (4)  |
 *   +-------------------------------+-------------------------------+
 *   |                               |                               |
 *   +-------------------------------+                               +
 *   |                 Target hardware address (6 bytes)             |
 *   +---------------------------------------------------------------+
 *   |                 Target protocol address (4 bytes)             |
 *   +---------------------------------------------------------------+
 */
#ifndef TUNLAB_ARP_H
#define TUNLAB_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "eth.h"

#define ARP_LEN			28
#define ARP_HTYPE_ETHERNET	1
#define ARP_OP_REQUEST		1
#define ARP_OP_REPLY		2

struct arp_pkt {
	uint16_t op;
	uint8_t sha[ETH_ADDR_LEN];	/* sender hardware address */
	uint32_t spa;			/* sender protocol address, host order */
	uint8_t tha[ETH_ADDR_LEN];	/* target hardware address */
	uint32_t tpa;			/* target protocol address */
};

/* Check and decode: at least 28 bytes (the rest is Ethernet padding),
 * Ethernet hardware of length 6, IPv4 of length 4, request or reply. */
enum drop arp_parse(const uint8_t *buf, size_t len, struct arp_pkt *a);

/* Write the 28 bytes. */
size_t arp_emit(const struct arp_pkt *a, uint8_t *buf);

/*
 * The cache.  An entry is INCOMPLETE while we ask (a request sent, no reply
 * yet) and RESOLVED once we know the MAC.  A resolved entry is forgotten
 * ARP_ENTRY_TTL_MS after it was last confirmed, so a host that changes its
 * MAC is relearned.  The table has a fixed size: when it is full, the entry
 * closest to expiry makes room, so a flood of senders cannot grow it.
 */
#define ARP_CACHE_SIZE		64
#define ARP_ENTRY_TTL_MS	60000	/* RFC 1122 2.3.2.1: entries must time out */
#define ARP_RETRY_MS		1000	/* between requests for one address */
#define ARP_MAX_REQUESTS	3	/* then give up and drop what waits */
#define ARP_HOLD_MAX		64	/* packets held per address: the 45 */
#define ARP_HOLD_BYTES		(96 * 1024) /* fragments of a 64 KB datagram fit */

enum arp_state { ARP_FREE = 0, ARP_INCOMPLETE, ARP_RESOLVED };

struct arp_entry {
	enum arp_state state;
	uint32_t ip;
	uint8_t mac[ETH_ADDR_LEN];	/* RESOLVED only */
	uint64_t deadline_ms;	/* RESOLVED: expiry; INCOMPLETE: next request */
	int requests;		/* INCOMPLETE: requests sent so far */
	/* INCOMPLETE: the packets waiting for this address, oldest first.
	 * RFC 1122 2.3.2.2 asks for at least the latest one; we keep up to
	 * ARP_HOLD_MAX (and ARP_HOLD_BYTES), because the fragments of one
	 * datagram all wait at once, and a datagram missing one is lost.
	 * Each is malloc'd. */
	uint8_t *held[ARP_HOLD_MAX];
	size_t held_len[ARP_HOLD_MAX];
	size_t n_held, held_bytes;
};

struct arp_cache {
	struct arp_entry e[ARP_CACHE_SIZE];
};

/* The entry for ip, if there is one that has not expired. */
struct arp_entry *arp_cache_find(struct arp_cache *c, uint32_t ip, uint64_t now_ms);

/* A fresh FREE-to-be-filled entry for ip: a free one, else an expired one,
 * else the resolved one closest to expiry.  NULL if every entry is
 * INCOMPLETE (each holds a packet someone is waiting for). */
struct arp_entry *arp_cache_alloc(struct arp_cache *c, uint32_t ip, uint64_t now_ms);

/* Hold a copy of pkt on e, dropping the oldest held packets to make room.
 * Returns how many were dropped, or -1 if no memory. */
int arp_entry_hold(struct arp_entry *e, const uint8_t *pkt, size_t len);

/* Free the packets e holds (after they were sent). */
void arp_entry_release(struct arp_entry *e);

/* Mark e RESOLVED with mac, valid for ARP_ENTRY_TTL_MS from now. */
void arp_entry_resolve(struct arp_entry *e, const uint8_t mac[ETH_ADDR_LEN],
		       uint64_t now_ms);

/* Forget e, and any packets it held. */
void arp_entry_free(struct arp_entry *e);

#endif
