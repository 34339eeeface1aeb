/*
 * ping.h - the active side of ICMP echo: the stack pings someone itself
 * (--ping HOST, rungs 3-5), and says what iputils ping says.
 *
 * Rungs 1-3 answer echo requests; this sends them.  A request is a
 * datagram like any other the host sends: it goes to the IP layer's out
 * queue, and from there to the next hop, ARP first if its MAC is not known
 * yet (lib/eth_host.c).  So a learner sees the whole active path in a
 * --trace: the ARP request, the reply, then the echo and its answer.
 *
 *   out:  every interval, an echo request (RFC 792: type 8, our identifier,
 *         the next sequence number), 56 bytes of data of which the first 8
 *         are the time it left, in microseconds: like iputils, we keep the
 *         send time in the packet, and need no table of what is in flight;
 *   in:   an echo reply from the target with our identifier: a "64 bytes
 *         from" line with its round trip; an ICMP error quoting one of our
 *         requests (from a router, or from us when ARP gave up): a "From"
 *         line;
 *   end:  after count requests, when every one is answered (or errored),
 *         or PING_LINGER_MS after the last; or at SIGINT.  Then the
 *         statistics, as iputils prints them.
 *
 * What it prints goes to a buffer that the loop (lib/run.c) writes to
 * stdout after each batch: the core itself never touches the console.
 */
#ifndef TUNLAB_PING_H
#define TUNLAB_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "ipv4.h"
#include "txq.h"

#define PING_DATA_LEN	56	/* iputils' default: 64 bytes of ICMP */
#define PING_LINGER_MS	10000	/* after the last request, as iputils waits */
#define PING_OUT_MAX	16384	/* text not yet written to stdout */

struct pinger {
	uint32_t src, dst;		/* us, the target (host order) */
	uint16_t id;			/* the echo identifier: ours */
	unsigned count;			/* requests to send; 0: until SIGINT */
	uint64_t interval_us;
	const uint64_t *clock_us;	/* the loop's time of the batch */

	uint16_t next_seq;		/* the next request's sequence number */
	uint64_t sent, received, dups, errors;
	uint64_t first_us, last_sent_us; /* the first request sent; the last */
	uint64_t next_us;		/* when the next request is due */
	uint64_t rtt_min, rtt_max, rtt_sum, rtt_sum2;	/* microseconds */
	uint8_t seen[65536 / 8];	/* replies had, by sequence: DUP! */
	bool done;
	bool summed;			/* the statistics are in out */

	char out[PING_OUT_MAX];
	size_t out_len;
};

/* Ready to ping dst from src with identifier id: count requests (0: no
 * end), one every interval_us.  clock_us is read for send and receive
 * times; the header line "PING ..." goes to the output. */
void pinger_init(struct pinger *p, uint32_t src, uint32_t dst, uint16_t id,
		 unsigned count, uint64_t interval_us, const uint64_t *clock_us);

/* Send the request that is due, if one is, into ipq (an IPv4 datagram,
 * IP identification *ip_id, then incremented); end the run when its time
 * has come.  Returns when to call again, in ms, or UINT64_MAX. */
uint64_t pinger_tick(struct pinger *p, struct txq *ipq, uint16_t *ip_id);

/* An ICMP message to us (ip accepted, whole, checksum not yet checked):
 * true if it was for the pinger (a reply to it, or an error about one of
 * its requests), with *why what to count it under; false if not. */
bool pinger_input(struct pinger *p, const struct ipv4_hdr *ip, enum drop *why);

/* A request of ours that never left: ARP for its next hop gave up
 * (eth_host_take_unreachable(): its IPv4 header and 8 bytes).  Said as
 * Linux says it, an ICMP host unreachable from ourselves.  False if head
 * is not one of our requests. */
bool pinger_unreachable(struct pinger *p, const uint8_t *head, size_t len);

/* The statistics, once, into the output: at the end of the run. */
void pinger_finish(struct pinger *p);

/* The text waiting for stdout (NUL-terminated), or NULL; taking it empties
 * the buffer. */
const char *pinger_take(struct pinger *p);

/* The exit status, as iputils has it: 0 if any reply came, else 1. */
int pinger_status(const struct pinger *p);

/* For a rung's main(): with --ping, set p up from the options (the
 * identifier from --seed if given, else random) and hand it to the core
 * (c->ping), which the loop then serves; the rung's start() attaches it to
 * its icmp_host.  False without --ping; exits 1 if no random bytes. */
struct core;
struct opts;
bool ping_setup(struct pinger *p, const struct opts *o, struct core *c);

#endif
