/*
 * fuzz_udp_echo - rung 4's core, udp_echo_input() and udp_echo_tick(), on
 * any run of Ethernet frames with time passing: UDP echo, reassembly of
 * what comes in, fragmentation of what goes out.
 *
 * Input: records (fuzz.h), each a frame as a TAP device hands it over.  The
 * host is started afresh for each input, as udp_echo starts it: address
 * 10.10.10.1, MAC 02:00:0a:0a:0a:01, echo port 7, MTU 1500.  Time moves as
 * in fuzz_tap_arp.c; steps of seconds also time reassembly out (30 s).
 *
 * Checks, after the start, every frame and every tick:
 *   - the drop reason is a named one;
 *   - every frame sent passes fuzz_check_frame_out() (fuzz.h): at most
 *     1514 bytes, so every datagram larger than the MTU went out in
 *     fragments; whole datagrams have ICMP or UDP checksums that verify;
 *   - the fragments we send are put back together with a reassembler of
 *     our own: each must be accepted as new data (no overlap, no
 *     duplicate, no bad length), and each datagram they complete must have
 *     an ICMP or UDP checksum that verifies;
 *   - an IPv4 frame to the broadcast address gets no ICMP error (RFC 1122
 *     3.2.2), nor does the datagram it completes;
 *   - the next timer is in the future (or there is none), and no further
 *     away than reassembly's timeout.
 */
#include <stdlib.h>

#include "../lib/eth.h"
#include "../lib/reasm.h"
#include "../udp_echo/udp_echo.h"
#include "fuzz.h"

static struct udp_echo st;		/* large (a reassembler inside): static */
static struct txq tx;
static struct reasm sent;		/* puts our own fragments back together */
static uint8_t whole[IPV4_MAX_LEN];

/* A fragment we sent: into our reassembler. */
static void check_fragment(const uint8_t *pkt, const struct ipv4_hdr *ip,
			   uint64_t now_ms)
{
	struct ipv4_hdr wip;
	size_t len;

	FUZZ_CHECK(reasm_add(&sent, pkt, ip, now_ms, whole, sizeof(whole), &len) ==
		   DROP_NONE);
	if (len == 0)
		return;
	FUZZ_CHECK(ipv4_parse(whole, len, &wip) == DROP_NONE);
	fuzz_check_l4_out(&wip);
}

/* Check what the core queued, then "send" it: empty the queue.  With
 * no_errors, it was answering a broadcast.  (An ICMP error is at most 96
 * bytes, never fragmented, so checking whole datagrams is enough.) */
static void check_sent(uint64_t now_ms, bool no_errors)
{
	struct ipv4_hdr ip;
	size_t i;

	for (i = 0; i < tx.n; i++) {
		const uint8_t *frame = txq_pkt(&tx, i);

		if (!fuzz_check_frame_out(frame, tx.len[i], &ip))
			continue;
		FUZZ_CHECK(!(no_errors && fuzz_is_icmp_error(&ip)));
		if (ipv4_is_fragment(&ip))
			check_fragment(frame + ETH_HDR_LEN, &ip, now_ms);
	}
	txq_clear(&tx);
}

static uint64_t tick(uint64_t now_ms)
{
	uint64_t next = udp_echo_tick(&st, now_ms, &tx);

	check_sent(now_ms, false);
	FUZZ_CHECK(next > now_ms);
	FUZZ_CHECK(next == UINT64_MAX || next <= now_ms + REASM_TIMEOUT_MS);
	return next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_record rec;
	uint64_t now_ms = 1000000, deadline = UINT64_MAX;

	reasm_init(&sent);
	txq_clear(&tx);
	udp_echo_init(&st, fuzz_our_mac, FUZZ_OUR_ADDR, FUZZ_UDP_PORT, FUZZ_MTU,
		      now_ms, &tx);
	/* Replies to sources off the link go through a gateway. */
	eth_host_route(&st.host.link, 24, IPV4_ADDR(10, 10, 10, 2));
	check_sent(now_ms, false);	/* the gratuitous ARP */
	while (fuzz_next(&in, &rec)) {
		now_ms += rec.dt_ms;
		/* Timers that fell between two frames fire at their own time. */
		while (deadline <= now_ms)
			deadline = tick(deadline);
		fuzz_fix_frame(rec.pkt, rec.len, rec.flags);
		fuzz_check_drop(udp_echo_input(&st, rec.pkt, rec.len, now_ms, &tx));
		check_sent(now_ms, fuzz_is_broadcast_ipv4(rec.pkt, rec.len));
		deadline = tick(now_ms);
		free(rec.pkt);
	}
	fuzz_free_arp(&st.host.link);
	return 0;
}
