/*
 * fuzz_tap_arp - rung 3's core, tap_arp_input() and tap_arp_tick(), on any
 * run of Ethernet frames with time passing.
 *
 * Input: records (fuzz.h), each a frame as a TAP device hands it over.  The
 * host is started afresh for each input, as tap_arp starts it: address
 * 10.10.10.1, MAC 02:00:0a:0a:0a:01, MTU 1500, the gateway 10.10.10.2 (so
 * replies to any source off the link go through it), and its own ping of
 * 10.10.10.2 running (lib/ping.c: replies and ICMP errors from the input
 * may be its own).  Time moves as in a replay
 * (lib/run.c): before each frame the clock moves on by the record's step,
 * and every timer that fell due on the way fires at its own time; after
 * each frame the timers are asked again.  Steps of seconds make ARP ask
 * again, give up, and forget.
 *
 * Checks, after the start, every frame and every tick:
 *   - the drop reason is a named one;
 *   - every frame sent passes fuzz_check_frame_out(): 60 to 1514 bytes from
 *     our MAC; ARP from our MAC and address (requests broadcast, replies to
 *     the asker); IPv4 to a unicast MAC, from our address, a valid header,
 *     an ICMP message whose checksum verifies;
 *   - an IPv4 frame to the broadcast address gets no ICMP error (RFC 1122
 *     3.2.2: else every host on the link would answer one broadcast with
 *     an error, a storm);
 *   - the next timer is in the future (or there is none), and no further
 *     away than ARP's retry interval: ARP's and the ping's, a second.
 */
#include <stdlib.h>

#include "../lib/arp.h"
#include "../lib/ping.h"
#include "../tap_arp/tap_arp.h"
#include "fuzz.h"

static struct tap_arp st;		/* large: not on the stack */
static struct txq tx;
static struct pinger ping;
static uint64_t now_us;			/* the pinger's clock */

/* Check what the core queued, then "send" it: empty the queue.  With
 * no_errors, it was answering a broadcast. */
static void check_sent(bool no_errors)
{
	struct ipv4_hdr ip;
	size_t i;

	for (i = 0; i < tx.n; i++) {
		if (!fuzz_check_frame_out(txq_pkt(&tx, i), tx.len[i], &ip))
			continue;
		FUZZ_CHECK(ip.proto == IPV4_PROTO_ICMP);
		FUZZ_CHECK(!(no_errors && fuzz_is_icmp_error(&ip)));
	}
	txq_clear(&tx);
}

static uint64_t tick(uint64_t now_ms)
{
	uint64_t next;

	now_us = now_ms * 1000;
	next = tap_arp_tick(&st, now_ms, &tx);
	pinger_take(&ping);

	check_sent(false);
	FUZZ_CHECK(next > now_ms);
	FUZZ_CHECK(next == UINT64_MAX || next <= now_ms + ARP_RETRY_MS);
	return next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_record rec;
	uint64_t now_ms = 1000000, deadline = UINT64_MAX;

	txq_clear(&tx);
	tap_arp_init(&st, fuzz_our_mac, FUZZ_OUR_ADDR, FUZZ_MTU, now_ms, &tx);
	eth_host_route(&st.link, 24, IPV4_ADDR(10, 10, 10, 2));
	now_us = now_ms * 1000;
	pinger_init(&ping, FUZZ_OUR_ADDR, IPV4_ADDR(10, 10, 10, 2), 7, 0, 1000000, &now_us);
	st.ip.ping = &ping;
	fuzz_ping_dst = IPV4_ADDR(10, 10, 10, 2);
	check_sent(false);		/* the gratuitous ARP */
	while (fuzz_next(&in, &rec)) {
		now_ms += rec.dt_ms;
		/* Timers that fell between two frames fire at their own time. */
		while (deadline <= now_ms)
			deadline = tick(deadline);
		fuzz_fix_frame(rec.pkt, rec.len, rec.flags);
		now_us = now_ms * 1000;
		fuzz_check_drop(tap_arp_input(&st, rec.pkt, rec.len, now_ms, &tx));
		check_sent(fuzz_is_broadcast_ipv4(rec.pkt, rec.len));
		deadline = tick(now_ms);
		free(rec.pkt);
	}
	fuzz_free_arp(&st.link);
	return 0;
}
