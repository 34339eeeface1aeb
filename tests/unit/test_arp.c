/*
 * test_arp.c - Ethernet and ARP wire formats, the ARP cache, and rung 3's
 * core (tap_arp) driven frame by frame.
 */
#include <string.h>

#include "../../lib/arp.h"
#include "../../lib/bytes.h"
#include "../../lib/cksum.h"
#include "../../lib/eth.h"
#include "../../lib/eth_host.h"
#include "../../tap_arp/tap_arp.h"
#include "unit.h"

static const uint8_t OUR_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x02 };
static const uint32_t US = IPV4_ADDR(10, 10, 10, 1);
static const uint32_t PEER = IPV4_ADDR(10, 10, 10, 2);

/* A frame holding an ARP packet of op from PEER about tpa. */
static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t dst[6], uint32_t tpa)
{
	struct arp_pkt a = { .op = op, .spa = PEER, .tpa = tpa };

	memcpy(a.sha, PEER_MAC, 6);
	if (op == ARP_OP_REPLY)
		memcpy(a.tha, OUR_MAC, 6);
	arp_emit(&a, f + ETH_HDR_LEN);
	return eth_emit(f, dst, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
}

/* A frame holding an echo request from PEER to US. */
static size_t echo_frame(uint8_t *f, const uint8_t dst[6])
{
	uint8_t *b = f + ETH_HDR_LEN;

	memset(b, 0, 36);
	b[0] = 0x45;
	put16(b + 2, 36);
	b[8] = 64;
	b[9] = 1;
	put32(b + 12, PEER);
	put32(b + 16, US);
	put16(b + 10, cksum(b, 20));
	b[20] = 8;
	put16(b + 24, 9);
	memcpy(b + 28, "abcdefgh", 8);
	put16(b + 22, cksum(b + 20, 16));
	return eth_emit(f, dst, PEER_MAC, ETH_TYPE_IPV4, 36);
}

static void eth_wire(void)
{
	uint8_t f[64];
	struct eth_hdr h;
	size_t len;

	memset(f, 0xaa, sizeof(f));
	CHECK_EQ(eth_emit(f, eth_broadcast, OUR_MAC, ETH_TYPE_ARP, 28), 60);
	CHECK(f[42] == 0 && f[59] == 0);		/* zero padding */
	CHECK_EQ(eth_emit(f, eth_broadcast, OUR_MAC, ETH_TYPE_ARP, 50), 64);
	REQUIRE_EQ(eth_parse(f, 60, &h), DROP_NONE);
	CHECK_EQ(h.type, ETH_TYPE_ARP);
	CHECK(memcmp(h.src, OUR_MAC, 6) == 0);
	CHECK_EQ(h.payload_len, 46);
	for (len = 0; len < ETH_HDR_LEN; len++)		/* every runt */
		CHECK_EQ(eth_parse(f, len, &h), DROP_ETH_TRUNCATED);
	CHECK(eth_is_multicast(eth_broadcast));
	CHECK(!eth_is_multicast(OUR_MAC));
}

static void arp_wire(void)
{
	uint8_t b[28], bad[28];
	struct arp_pkt a = { .op = ARP_OP_REQUEST, .spa = PEER, .tpa = US }, o;
	size_t len;

	memcpy(a.sha, PEER_MAC, 6);
	CHECK_EQ(arp_emit(&a, b), 28);
	REQUIRE_EQ(arp_parse(b, 28, &o), DROP_NONE);
	CHECK_EQ(o.op, ARP_OP_REQUEST);
	CHECK_EQ(o.spa, PEER);
	CHECK_EQ(o.tpa, US);
	CHECK(memcmp(o.sha, PEER_MAC, 6) == 0);
	for (len = 0; len < 28; len++)
		CHECK_EQ(arp_parse(b, len, &o), DROP_ARP_TRUNCATED);
	memcpy(bad, b, 28); bad[1] = 6;		/* hardware type 6 */
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_HARDWARE);
	memcpy(bad, b, 28); bad[4] = 8;		/* hardware length 8 */
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_HARDWARE);
	memcpy(bad, b, 28); bad[2] = 0x86;	/* protocol 0x86dd */
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_PROTOCOL);
	memcpy(bad, b, 28); bad[5] = 16;	/* protocol length 16 */
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_PROTOCOL);
	memcpy(bad, b, 28); bad[7] = 3;		/* RARP request: not ours */
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_OPCODE);
	memcpy(bad, b, 28); bad[7] = 0;
	CHECK_EQ(arp_parse(bad, 28, &o), DROP_ARP_BAD_OPCODE);
}

static struct arp_cache cache;

static void cache_expiry_and_update(void)
{
	struct arp_entry *e;

	memset(&cache, 0, sizeof(cache));
	CHECK(arp_cache_find(&cache, PEER, 0) == NULL);
	e = arp_cache_alloc(&cache, PEER, 0);
	REQUIRE(e != NULL);
	arp_entry_resolve(e, PEER_MAC, 1000);
	CHECK(arp_cache_find(&cache, PEER, 1000 + ARP_ENTRY_TTL_MS - 1) == e);
	arp_entry_resolve(e, OUR_MAC, 5000);		/* updated: new MAC, new life */
	e = arp_cache_find(&cache, PEER, 5000 + ARP_ENTRY_TTL_MS - 1);
	CHECK(e && memcmp(e->mac, OUR_MAC, 6) == 0);
	CHECK(arp_cache_find(&cache, PEER, 5000 + ARP_ENTRY_TTL_MS) == NULL);
	CHECK(arp_cache_find(&cache, PEER, 0) == NULL);	/* and it was freed */
}

static void cache_full(void)
{
	struct arp_entry *e;
	uint32_t i;

	memset(&cache, 0, sizeof(cache));
	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		e = arp_cache_alloc(&cache, IPV4_ADDR(10, 0, 0, 1) + i, 0);
		REQUIRE(e != NULL);
		arp_entry_resolve(e, PEER_MAC, i);	/* entry i expires first */
	}
	/* Full: the entry closest to expiry (10.0.0.1) makes room. */
	e = arp_cache_alloc(&cache, IPV4_ADDR(10, 0, 1, 0), 100);
	REQUIRE(e != NULL);
	arp_entry_resolve(e, PEER_MAC, 100);
	CHECK(arp_cache_find(&cache, IPV4_ADDR(10, 0, 0, 1), 100) == NULL);
	CHECK(arp_cache_find(&cache, IPV4_ADDR(10, 0, 0, 2), 100) != NULL);
	CHECK(arp_cache_find(&cache, IPV4_ADDR(10, 0, 1, 0), 100) != NULL);
	/* Every entry waiting on a reply: nothing may be evicted. */
	for (i = 0; i < ARP_CACHE_SIZE; i++)
		cache.e[i].state = ARP_INCOMPLETE;
	CHECK(arp_cache_alloc(&cache, IPV4_ADDR(10, 0, 2, 0), 100) == NULL);
	for (i = 0; i < ARP_CACHE_SIZE; i++)
		arp_entry_free(&cache.e[i]);
}

static struct tap_arp st;
static struct txq tx;

static void core_answers_arp_and_ping(void)
{
	uint8_t f[128];
	struct eth_hdr eth;
	struct arp_pkt a;
	size_t n;

	txq_clear(&tx);
	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	CHECK_EQ(tx.n, 1);				/* gratuitous ARP */
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	REQUIRE_EQ(arp_parse(eth.payload, eth.payload_len, &a), DROP_NONE);
	CHECK(a.op == ARP_OP_REQUEST && a.spa == US && a.tpa == US);

	txq_clear(&tx);
	n = arp_frame(f, ARP_OP_REQUEST, eth_broadcast, US);
	CHECK_EQ(tap_arp_input(&st, f, n, 10, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	CHECK_EQ(tx.len[0], 60);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	CHECK(memcmp(eth.dst, PEER_MAC, 6) == 0);
	REQUIRE_EQ(arp_parse(eth.payload, eth.payload_len, &a), DROP_NONE);
	CHECK(a.op == ARP_OP_REPLY && a.spa == US && a.tpa == PEER);
	CHECK(memcmp(a.sha, OUR_MAC, 6) == 0 && memcmp(a.tha, PEER_MAC, 6) == 0);

	/* The asker was learned: the echo reply goes straight out. */
	txq_clear(&tx);
	n = echo_frame(f, OUR_MAC);
	CHECK_EQ(tap_arp_input(&st, f, n, 20, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	CHECK_EQ(eth.type, ETH_TYPE_IPV4);
	CHECK(memcmp(eth.dst, PEER_MAC, 6) == 0);
	CHECK_EQ(eth.payload[20], 0);			/* echo reply */

	txq_clear(&tx);
	n = arp_frame(f, ARP_OP_REQUEST, eth_broadcast, IPV4_ADDR(10, 10, 10, 9));
	CHECK_EQ(tap_arp_input(&st, f, n, 30, &tx), DROP_ARP_NOT_FOR_US);
	n = echo_frame(f, (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x99 });
	CHECK_EQ(tap_arp_input(&st, f, n, 30, &tx), DROP_ETH_NOT_FOR_US);
	f[12] = 0x86;					/* IPv6 */
	f[13] = 0xdd;
	n = 60;
	memcpy(f, OUR_MAC, 6);
	CHECK_EQ(tap_arp_input(&st, f, n, 30, &tx), DROP_ETH_UNKNOWN_TYPE);
	REQUIRE_EQ(tx.n, 0);
}

static void core_resolves_before_replying(void)
{
	uint8_t f[128];
	struct eth_hdr eth;
	struct arp_pkt a;
	size_t n;
	uint64_t next;

	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	txq_clear(&tx);
	/* A ping from a peer we never heard ARP from: hold the reply, ask. */
	n = echo_frame(f, OUR_MAC);
	CHECK_EQ(tap_arp_input(&st, f, n, 100, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	CHECK_EQ(eth.type, ETH_TYPE_ARP);
	REQUIRE_EQ(arp_parse(eth.payload, eth.payload_len, &a), DROP_NONE);
	CHECK(a.op == ARP_OP_REQUEST && a.tpa == PEER);

	/* A second ping while we wait is held too: no new request. */
	txq_clear(&tx);
	CHECK_EQ(tap_arp_input(&st, f, n, 150, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 0);

	/* The answer comes: both held replies go out, in order, to the MAC. */
	n = arp_frame(f, ARP_OP_REPLY, OUR_MAC, US);
	CHECK_EQ(tap_arp_input(&st, f, n, 200, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 2);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	CHECK_EQ(eth.type, ETH_TYPE_IPV4);
	CHECK(memcmp(eth.dst, PEER_MAC, 6) == 0);
	CHECK_EQ(st.drops[DROP_ARP_HOLD_FULL], 0);
	next = tap_arp_tick(&st, 300, &tx);
	CHECK_EQ(next, UINT64_MAX);			/* nothing left to ask */
}

static void hold_is_bounded(void)
{
	static uint8_t pkt[2000];
	struct arp_entry e;
	int i, dropped = 0;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < ARP_HOLD_MAX + 10; i++) {
		pkt[0] = (uint8_t)i;
		dropped += arp_entry_hold(&e, pkt, 100);
	}
	CHECK_EQ(dropped, 10);			/* the oldest went */
	CHECK_EQ(e.n_held, ARP_HOLD_MAX);
	CHECK_EQ(e.held[0][0], 10);
	for (i = 0; i < 60; i++)		/* then the byte limit */
		dropped += arp_entry_hold(&e, pkt, 2000);
	CHECK(e.held_bytes <= ARP_HOLD_BYTES);
	CHECK_EQ(e.held_len[e.n_held - 1], 2000);
	arp_entry_free(&e);
	CHECK_EQ(e.n_held, 0);
}

static void own_address_is_never_learned(void)
{
	uint8_t f[128];
	struct arp_pkt a = { .op = ARP_OP_REQUEST, .spa = US, .tpa = US };

	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	txq_clear(&tx);
	memcpy(a.sha, PEER_MAC, 6);		/* someone claims our address */
	arp_emit(&a, f + ETH_HDR_LEN);
	eth_emit(f, eth_broadcast, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
	CHECK_EQ(tap_arp_input(&st, f, 60, 0, &tx), DROP_ARP_BAD_SENDER);
	REQUIRE_EQ(tx.n, 0);
	CHECK(arp_cache_find(&st.link.arp, US, 0) == NULL);
}

static void core_gives_up_after_3_requests(void)
{
	uint8_t f[128];
	size_t n;
	uint64_t t = 1000;
	int requests = 0, i;

	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	txq_clear(&tx);
	n = echo_frame(f, OUR_MAC);
	CHECK_EQ(tap_arp_input(&st, f, n, t, &tx), DROP_NONE);
	requests += (int)tx.n;
	for (i = 0; i < 10; i++) {
		txq_clear(&tx);
		t = tap_arp_tick(&st, t, &tx);
		requests += (int)tx.n;
		if (t == UINT64_MAX)
			break;
	}
	CHECK_EQ(requests, ARP_MAX_REQUESTS);
	CHECK_EQ(t, UINT64_MAX);
	CHECK_EQ(st.drops[DROP_ARP_RESOLVE_FAILED], 1);
}

/* Replies to a host beyond the link go to the gateway's MAC: ARP asks for
 * the gateway, never for the far host; with no gateway they have no way
 * out (no_route); the ARP give-up keeps each datagram's head. */
static void core_routes_beyond_the_link(void)
{
	static const uint32_t FAR = IPV4_ADDR(192, 0, 2, 2);
	uint8_t f[128], head[ETH_HOST_UNREACH_LEN];
	struct eth_hdr eth;
	struct arp_pkt a;
	size_t n, len;
	uint32_t hop;
	int i;

	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	eth_host_route(&st.link, 24, PEER);
	CHECK(eth_host_next_hop(&st.link, IPV4_ADDR(10, 10, 10, 77), &hop) &&
	      hop == IPV4_ADDR(10, 10, 10, 77));
	CHECK(eth_host_next_hop(&st.link, FAR, &hop) && hop == PEER);
	txq_clear(&tx);
	/* A ping from FAR, forwarded by the router at PEER. */
	n = echo_frame(f, OUR_MAC);
	put32(f + ETH_HDR_LEN + 12, FAR);
	put16(f + ETH_HDR_LEN + 10, 0);
	put16(f + ETH_HDR_LEN + 10, cksum(f + ETH_HDR_LEN, 20));
	CHECK_EQ(tap_arp_input(&st, f, n, 100, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	REQUIRE_EQ(eth.type, ETH_TYPE_ARP);
	REQUIRE_EQ(arp_parse(eth.payload, eth.payload_len, &a), DROP_NONE);
	CHECK_EQ(a.tpa, PEER);			/* the router, not FAR */
	txq_clear(&tx);
	n = arp_frame(f, ARP_OP_REPLY, OUR_MAC, US);
	CHECK_EQ(tap_arp_input(&st, f, n, 200, &tx), DROP_NONE);
	REQUIRE_EQ(tx.n, 1);
	REQUIRE_EQ(eth_parse(txq_pkt(&tx, 0), tx.len[0], &eth), DROP_NONE);
	CHECK(memcmp(eth.dst, PEER_MAC, 6) == 0);
	CHECK_EQ(get32(eth.payload + 16), FAR);	/* the IP destination stays */

	/* No gateway: the reply is dropped, no_route, and no ARP asked. */
	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	txq_clear(&tx);
	n = echo_frame(f, OUR_MAC);
	put32(f + ETH_HDR_LEN + 12, FAR);
	put16(f + ETH_HDR_LEN + 10, 0);
	put16(f + ETH_HDR_LEN + 10, cksum(f + ETH_HDR_LEN, 20));
	CHECK(!eth_host_next_hop(&st.link, FAR, &hop));
	CHECK_EQ(tap_arp_input(&st, f, n, 100, &tx), DROP_NONE);
	CHECK_EQ(tx.n, 0);
	CHECK_EQ(st.drops[DROP_NO_ROUTE], 1);

	/* A gateway that never answers: the held reply is given up after 3
	 * requests, and its head is kept for whoever sent it. */
	eth_host_route(&st.link, 24, IPV4_ADDR(10, 10, 10, 9));
	CHECK_EQ(tap_arp_input(&st, f, n, 1000, &tx), DROP_NONE);
	for (i = 0; i < 10 && !st.drops[DROP_ARP_RESOLVE_FAILED]; i++)
		tap_arp_tick(&st, 1000 + (uint64_t)i * ARP_RETRY_MS, &tx);
	CHECK_EQ(st.drops[DROP_ARP_RESOLVE_FAILED], 1);
	/* tap_arp_tick() passed it to the pinger, which there is none of:
	 * the ring is empty again. */
	CHECK(!eth_host_take_unreachable(&st.link, head, &len));
}

static void core_survives_every_prefix(void)
{
	uint8_t f[128];
	size_t n, len;

	tap_arp_init(&st, OUR_MAC, US, 1500, 0, &tx);
	n = arp_frame(f, ARP_OP_REQUEST, eth_broadcast, US);
	for (len = 0; len < ETH_HDR_LEN + ARP_LEN; len++) {
		txq_clear(&tx);
		CHECK(tap_arp_input(&st, f, len, 0, &tx) != DROP_NONE);
		REQUIRE_EQ(tx.n, 0);
	}
	/* The whole request is answered: the prefixes were refused for being
	 * short, not because nothing ever is. */
	txq_clear(&tx);
	CHECK_EQ(tap_arp_input(&st, f, n, 0, &tx), DROP_NONE);
	CHECK_EQ(tx.n, 1);
	n = echo_frame(f, OUR_MAC);
	for (len = 0; len < ETH_HDR_LEN + 36; len++) {
		txq_clear(&tx);
		CHECK(tap_arp_input(&st, f, len, 0, &tx) != DROP_NONE);
		REQUIRE_EQ(tx.n, 0);
	}
	(void)n;
}

/* The Ethernet layer alone (lib/eth_host.c): frames to our MAC or to
 * broadcast are taken, IPv4 is handed up with where it came to, the rest
 * is dropped by reason and nothing is sent. */
static void eth_host_filters(void)
{
	static const uint8_t OTHER_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
	static struct eth_host h;
	uint64_t drops[DROP_COUNT] = { 0 };
	const uint8_t *ip;
	uint8_t f[128];
	size_t n, ip_len;
	bool bcast;

	eth_host_init(&h, OUR_MAC, US, drops);
	txq_clear(&tx);
	n = echo_frame(f, OUR_MAC);
	CHECK_EQ(eth_host_input(&h, f, n, 0, &tx, &ip, &ip_len, &bcast), DROP_NONE);
	CHECK(ip == f + ETH_HDR_LEN);
	CHECK_EQ(ip_len, n - ETH_HDR_LEN);
	CHECK(!bcast);
	n = echo_frame(f, eth_broadcast);
	CHECK_EQ(eth_host_input(&h, f, n, 0, &tx, &ip, &ip_len, &bcast), DROP_NONE);
	CHECK(ip == f + ETH_HDR_LEN);
	CHECK(bcast);
	n = echo_frame(f, OTHER_MAC);
	CHECK_EQ(eth_host_input(&h, f, n, 0, &tx, &ip, &ip_len, &bcast), DROP_ETH_NOT_FOR_US);
	CHECK(ip == NULL);
	n = echo_frame(f, OUR_MAC);
	put16(f + 12, 0x86dd);		/* IPv6 */
	CHECK_EQ(eth_host_input(&h, f, n, 0, &tx, &ip, &ip_len, &bcast), DROP_ETH_UNKNOWN_TYPE);
	CHECK(ip == NULL);
	CHECK_EQ(eth_host_input(&h, f, ETH_HDR_LEN - 1, 0, &tx, &ip, &ip_len, &bcast),
		 DROP_ETH_TRUNCATED);
	CHECK_EQ(tx.n, 0);
}

const struct unit_test arp_tests[] = {
	{ "eth: emit pads to 60, parse, every runt", eth_wire },
	{ "arp: emit then parse, each bad field, every prefix", arp_wire },
	{ "arp cache: expiry and update", cache_expiry_and_update },
	{ "arp cache: full", cache_full },
	{ "tap_arp: answers ARP, learns the asker, answers ping", core_answers_arp_and_ping },
	{ "tap_arp: resolves before replying, holds the latest", core_resolves_before_replying },
	{ "tap_arp: gives up after 3 requests", core_gives_up_after_3_requests },
	{ "tap_arp: replies beyond the link go to the gateway's MAC; none: no_route", core_routes_beyond_the_link },
	{ "arp cache: held packets are bounded, oldest dropped", hold_is_bounded },
	{ "tap_arp: its own address is never learned", own_address_is_never_learned },
	{ "tap_arp: no prefix of a frame is answered", core_survives_every_prefix },
	{ "tap_arp: the Ethernet filter: our MAC or broadcast, then ARP or IPv4", eth_host_filters },
	{ NULL, NULL },
};
