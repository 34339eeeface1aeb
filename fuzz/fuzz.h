/*
 * fuzz.h - what the fuzz targets share: reading an input as a run of
 * packets, repairing checksums when the input asks, and checking what a
 * core sends.
 *
 * A fuzzer (libFuzzer here: `make fuzz`, fuzz/README.md) calls a target's
 * LLVMFuzzerTestOneInput() millions of times with inputs it mutates, and
 * keeps those that reach code no earlier input reached.  The target feeds
 * the input to our code and checks, after every step, what must hold
 * whatever the input is.  AddressSanitizer catches a read past the end of a
 * packet, UBSan an overflow or a bad shift; the checks here catch a wrong
 * answer: a checksum that does not verify, a frame larger than the MTU.
 *
 * Targets that take one packet (fuzz_ipv4.c, ...) get it whole.  Targets
 * that take a conversation (the four cores, reassembly) read the input as
 * records, each one packet and how much time passed before it:
 *
 *   +--------+--------+-----------------+--------------------+
 *   |  time  | flags  | length (2 bytes,|  length bytes:     |  ... and the
 *   |  step  |        | big-endian)     |  the packet        |  next record
 *   +--------+--------+-----------------+--------------------+
 *
 * The last record may be cut short: it gets the bytes that are left.
 */
#ifndef TUNLAB_FUZZ_H
#define TUNLAB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/drop.h"
#include "../lib/eth_host.h"
#include "../lib/ipv4.h"

/* libFuzzer calls this once per input; 0 means "done, go on".  Declared
 * here because -Wmissing-prototypes wants a prototype before the
 * definition. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The flags byte of a record, and the first byte of the one-packet
 * targets that have a checksum.  A mutated packet almost never has a
 * checksum that verifies (the fuzzer cannot see that the sum of the bytes
 * must come out 0), so without help it would test the "bad checksum" drop
 * and little else.  These bits ask the target to compute the checksums
 * before the packet goes in; with them clear, the bad-checksum paths get
 * their share too.  The seeds have them set.
 */
#define FUZZ_FIX_IP	0x01	/* the IPv4 header checksum */
#define FUZZ_FIX_L4	0x02	/* the ICMP, UDP or TCP checksum of a whole datagram */

/* The addresses the cores are started with: the programs' defaults. */
#define FUZZ_OUR_ADDR	IPV4_ADDR(10, 10, 10, 1)
#define FUZZ_UDP_PORT	7
#define FUZZ_MTU	1500
extern const uint8_t fuzz_our_mac[ETH_ADDR_LEN];	/* 02:00:0a:0a:0a:01 */

/* A check that must hold.  On failure it says which one and where, then
 * aborts: libFuzzer reports the crash and writes the input that caused it
 * to build/fuzz/crashes/. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(#cond, __FILE__, __LINE__); \
	} while (0)

#define FUZZ_FAIL(what)	fuzz_fail(what, __FILE__, __LINE__)

_Noreturn void fuzz_fail(const char *what, const char *file, int line);

/* The records of one input (see above). */
struct fuzz_input {
	const uint8_t *p;	/* the next record */
	size_t left;		/* bytes from p to the end of the input */
};

struct fuzz_record {
	uint64_t dt_ms;		/* time that passed before this packet */
	uint8_t flags;		/* FUZZ_FIX_* */
	uint8_t *pkt;		/* a copy on the heap: free() it */
	size_t len;
};

/*
 * The next record, false when there is none.  The packet is copied into a
 * heap block of exactly len bytes: the input's next record follows it in
 * the fuzzer's buffer, so a read past the packet's end would read those
 * bytes quietly; in a block of its own, ASan reports it.  (A copy can also
 * be written to, for fuzz_fix_ipv4.)
 */
bool fuzz_next(struct fuzz_input *in, struct fuzz_record *r);

/* A heap block of exactly len bytes holding a copy of p, so that ASan
 * reports any read past the end of a packet.  Free it with free(). */
uint8_t *fuzz_copy(const uint8_t *p, size_t len);

/* The time-step byte: 0..199 is that many milliseconds; 200..255 is 1..56
 * seconds, long enough to fire the timers (ARP retries after 1 s, gives up
 * after 3, reassembly times out after 30 s, ARP entries expire after 60). */
uint64_t fuzz_time_step(uint8_t b);

/* Compute the checksums flags asks for in the IPv4 packet pkt, if it looks
 * enough like one (version 4, header inside len).  The transport checksum
 * only for a whole datagram: a fragment carries part of one. */
void fuzz_fix_ipv4(uint8_t *pkt, size_t len, uint8_t flags);

/* The same for an Ethernet frame that carries IPv4. */
void fuzz_fix_frame(uint8_t *frame, size_t len, uint8_t flags);

/* A drop reason a core or parser returned is one of the named reasons. */
void fuzz_check_drop(enum drop why);

/*
 * An IPv4 datagram one of our hosts sends (rungs 2 to 4): at most mtu
 * bytes; a header ipv4_parse() accepts whose Total Length is len; from our
 * address to a single host (never a broadcast: RFC 1122 3.2.2); and, unless
 * it is a fragment, an ICMP, UDP or TCP message whose checksum verifies.  The
 * header is returned in *ip.
 */
void fuzz_check_ipv4_out(const uint8_t *pkt, size_t len, size_t mtu,
			 struct ipv4_hdr *ip);

/* The ICMP, UDP or TCP message inside a whole datagram we send (ip
 * parsed): it parses, and its checksum verifies; ICMP is a reply or an
 * error, or an echo request to fuzz_ping_dst if a target sets it (its
 * own ping running; 0: none). */
void fuzz_check_l4_out(const struct ipv4_hdr *ip);
extern uint32_t fuzz_ping_dst;

/*
 * An Ethernet frame one of our TAP hosts sends: 60 to 1514 bytes, from our
 * MAC; an ARP packet from our MAC and address, or an IPv4 datagram that
 * passes fuzz_check_ipv4_out() (with padding only in a 60-byte frame), to a
 * unicast MAC.  Returns true for IPv4, with its header in *ip.
 */
bool fuzz_check_frame_out(const uint8_t *frame, size_t len, struct ipv4_hdr *ip);

/* True for an ICMP error in a whole datagram we send (ip parsed). */
bool fuzz_is_icmp_error(const struct ipv4_hdr *ip);

/* True for an IPv4 frame sent to the Ethernet broadcast address: RFC 1122
 * 3.2.2 forbids an ICMP error about it. */
bool fuzz_is_broadcast_ipv4(const uint8_t *frame, size_t len);

/* Free what the ARP cache holds (copies of packets waiting for an
 * address), so that a host can be started afresh for the next input
 * without leaking: eth_host_init() only zeroes the cache. */
void fuzz_free_arp(struct eth_host *h);

#endif
