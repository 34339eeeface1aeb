/*
 * reasm.h - IPv4 reassembly (RFC 791 sections 2.3 and 3.2, RFC 815, RFC 1122
 * 3.3.2): put the fragments of a datagram back together.
 *
 * A datagram too big for a link is cut into fragments (lib/frag.c).  Each
 * fragment carries a copy of the header and a piece of the payload; the
 * Fragment Offset field says where the piece goes, in 8-byte units, and MF
 * ("more fragments") is set on every piece but the last.  `ping -s 4000`
 * sends 4008 bytes of ICMP (8 header + 4000 data); over an MTU of 1500 each
 * fragment has room for 1500 - 20 = 1480 payload bytes:
 *
 *   payload bytes  0           1480        2960       4008
 *                  +-----------+-----------+----------+
 *                  |   1480    |   1480    |   1048   |
 *                  +-----------+-----------+----------+
 *   offset field   0           185         370         (1480 / 8 = 185)
 *   MF             1           1           0
 *   total length   1500        1500        1068
 *
 * Only the last piece may have a length that is not a multiple of 8, and
 * only the last (MF clear) tells how long the whole payload is: its offset
 * plus its length.  The fragments can arrive in any order, twice, or never.
 *
 * Fragments belong together when source, destination, protocol and
 * Identification are equal (RFC 791 3.2).  We follow RFC 791's own sample
 * procedure: a buffer for the payload and a bit table with one bit per
 * 8-byte block received.  The datagram is complete when the last fragment
 * has come and there is no hole (RFC 815's word) left before its end.
 *
 * What a real stack does more: Linux bounds reassembly by memory, not by a
 * count of slots, and keeps the fragments in a tree instead of a 64 KB
 * buffer each.  RFC 791's sample procedure starts the timer at 15 s and
 * lets each fragment's TTL raise it; RFC 1122 3.3.2 replaced that: the
 * timeout MUST be a fixed value (60 to 120 s recommended).  We use one fixed
 * timeout from the first arrival, 30 s as Linux does.
 */
#ifndef TUNLAB_REASM_H
#define TUNLAB_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"
#include "ipv4.h"

#define REASM_MAX_DATAGRAMS 16		/* datagrams in reassembly at once */
#define REASM_TIMEOUT_MS   30000	/* fixed (RFC 1122 3.3.2); Linux's value */
/* The largest payload a datagram can have: Total Length is 16 bits and the
 * header at least 20 bytes.  A fragment reaching past this is the "ping of
 * death" (1996): reassembled naively, it overflowed 65535-byte buffers. */
#define REASM_MAX_PAYLOAD  (IPV4_MAX_LEN - IPV4_HDR_LEN)
#define REASM_FIRST_MAX    (60 + 8)	/* largest header + 8 payload bytes */

struct reasm_slot {
	bool used;
	uint32_t src, dst;		/* the key (RFC 791 3.2) ... */
	uint8_t proto;
	uint16_t id;			/* ... all four must match */
	uint64_t deadline_ms;		/* first fragment's arrival + timeout */
	bool have_last;			/* the fragment with MF clear arrived */
	size_t payload_len;		/* known once have_last: its offset + length */
	size_t max_end;			/* the furthest byte any fragment reached */
	uint8_t first[REASM_FIRST_MAX];	/* offset-0 fragment's IP header + 8 payload
					 * bytes, for ICMP time exceeded */
	size_t first_len;		/* 0 until the offset-0 fragment arrives */
	uint8_t seen[65536 / 8 / 8];	/* one bit per 8-byte block received */
	uint8_t data[IPV4_MAX_LEN];	/* the payload being assembled */
};

/* About 1 MB: programs keep it static (zeroed: every slot unused). */
struct reasm {
	struct reasm_slot s[REASM_MAX_DATAGRAMS];
	/* Datagrams thrown away unfinished because the table was full and a
	 * fragment of a new one came: the slot with the earliest deadline
	 * made room.  No ICMP error is sent for them. */
	uint64_t evicted;
};

/* Empty the table.  Only the slots' used flags and the counter are touched,
 * so the megabyte of buffers is not paged in until fragments arrive. */
void reasm_init(struct reasm *r);

/*
 * One fragment in: ip was parsed by ipv4_parse() from pkt, and
 * ipv4_is_fragment(ip) is true.  Only the header (ip->ihl * 4 bytes of pkt)
 * and ip->payload_len bytes of ip->payload are read.
 *
 * DROP_NONE and *out_len == 0: held, waiting for more.
 * DROP_NONE and *out_len > 0: the datagram is complete and written to out
 *   (cap bytes): the first fragment's header (with its options) with MF and
 *   offset cleared, total length set, checksum recomputed, then the payload.
 *   The slot is freed.
 * Otherwise a drop reason (see drop.h).  DROP_REASM_DUPLICATE drops only the
 * fragment; every other reason drops the whole datagram and frees its slot.
 */
enum drop reasm_add(struct reasm *r, const uint8_t *pkt,
		    const struct ipv4_hdr *ip, uint64_t now_ms,
		    uint8_t *out, size_t cap, size_t *out_len);

/*
 * Expire one datagram whose time is up (now_ms >= its deadline), the one
 * that has waited longest.  Returns false if none has.  Otherwise frees its
 * slot, copies the offset-0 fragment's header and 8 payload bytes to first
 * (*first_len = 0 if that fragment never came: RFC 1122 3.3.2 then sends no
 * error) and returns true.  The caller sends ICMP time exceeded, "fragment
 * reassembly time exceeded" (type 11 code 1, RFC 792) quoting first, and
 * calls again until it returns false.
 */
bool reasm_expire(struct reasm *r, uint64_t now_ms,
		  uint8_t first[REASM_FIRST_MAX], size_t *first_len);

/* The earliest deadline of any datagram in reassembly, UINT64_MAX if none:
 * when the loop must wake up to call reasm_expire(). */
uint64_t reasm_next_deadline(const struct reasm *r);

#endif
