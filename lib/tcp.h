/*
 * tcp.h - the Transmission Control Protocol's wire format (RFC 9293 3.1):
 * parse, emit, the option walker, and sequence-number arithmetic.  What a
 * connection does with a segment is tcp_mini's business (tcp_mini/).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           [Options]                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                             data ...                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Data Offset is the header's length in 32-bit words (5..15, so 20..60
 * bytes); options fill the words past the first five.  The checksum covers
 * the same pseudo-header as UDP's (source, destination, zero, protocol 6,
 * TCP length), then header and data.  Unlike UDP's, it is never optional.
 *
 * Options are (kind) alone for kinds 0 (end of list) and 1 (no-op), else
 * (kind, length, value) with length counting kind and length bytes.
 */
#ifndef TUNLAB_TCP_H
#define TUNLAB_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"

#define TCP_HDR_LEN		20	/* without options */
#define TCP_MAX_HDR_LEN		60
#define TCP_MAX_OPT_LEN		40	/* 60 - 20: all the room there is */

#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_RST	0x04
#define TCP_FLAG_PSH	0x08
#define TCP_FLAG_ACK	0x10
#define TCP_FLAG_URG	0x20
#define TCP_FLAG_ECE	0x40
#define TCP_FLAG_CWR	0x80

#define TCP_OPT_END		0
#define TCP_OPT_NOP		1
#define TCP_OPT_MSS		2	/* length 4: 16-bit MSS (RFC 9293 3.7.1) */
#define TCP_OPT_WSCALE		3	/* length 3: shift count (RFC 7323 2) */
#define TCP_OPT_SACK_PERM	4	/* length 2, in a SYN (RFC 2018 2) */
#define TCP_OPT_SACK		5	/* length 2 + 8 per block (RFC 2018 3) */
#define TCP_OPT_TIMESTAMP	8	/* length 10: TSval, TSecr (RFC 7323 3) */

/* SACK blocks one option can carry: 4 fill 34 of the 40 bytes; with the
 * timestamp option (10 bytes, 12 aligned) only 3 fit (RFC 2018 3). */
#define TCP_MAX_SACK		4

#define TCP_WSCALE_MAX		14	/* RFC 7323 2.3: larger is read as 14 */
#define TCP_DEFAULT_MSS		536	/* RFC 9293 3.7.1: when no MSS option */

/* A range of sequence numbers the receiver holds: [start, end). */
struct tcp_sack_block {
	uint32_t start, end;
};

/* What the option walker found, in any segment.  Only a SYN's MSS, window
 * scale and SACK-permitted count: the connection code ignores them
 * elsewhere (RFC 9293 3.7.1, RFC 7323 2.2, RFC 2018 2).  A kind seen
 * twice: the last one is kept.  tcp_emit() writes the same fields. */
struct tcp_opts {
	bool has_mss;
	uint16_t mss;
	bool has_wscale;
	uint8_t wscale;		/* already capped at TCP_WSCALE_MAX */
	bool sack_permitted;
	bool has_timestamp;
	uint32_t ts_val, ts_ecr;	/* TSval, TSecr */
	uint8_t n_sack;		/* SACK blocks (0..TCP_MAX_SACK) */
	struct tcp_sack_block sack[TCP_MAX_SACK];
};

/* A parsed segment, in host order. */
struct tcp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t seq;
	uint32_t ack;
	uint8_t data_off;	/* header length in 32-bit words, 5..15 */
	uint8_t flags;		/* TCP_FLAG_* */
	uint16_t window;	/* as on the wire: not yet scaled */
	uint16_t checksum;
	uint16_t urgent;
	struct tcp_opts opts;
	const uint8_t *data;	/* points into the parsed buffer */
	size_t data_len;
};

/* Check and decode the segment in buf (an IPv4 payload of len bytes, from
 * src to dst), in this order: at least 20 bytes (else DROP_TCP_TRUNCATED);
 * 5 <= data offset and offset*4 <= len (DROP_TCP_BAD_OFFSET); the checksum
 * over pseudo-header, header and data (DROP_TCP_BAD_CHECKSUM; also for len
 * above 65535, which the pseudo-header cannot express and IPv4 never
 * carries); options walked by tcp_opts_parse() (DROP_TCP_BAD_OPTIONS); and
 * no SYN together with FIN or RST, no segment with no flag at all (both
 * are scans, never a real peer's: DROP_TCP_BAD_FLAGS).  Returns DROP_NONE
 * or why not.  From DROP_TCP_BAD_CHECKSUM on, the fixed fields, data and
 * data_len are filled in (a trace can show them); opts only from
 * DROP_TCP_BAD_FLAGS on.  The reserved bits are ignored. */
enum drop tcp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		    struct tcp_hdr *h);

/* The same, with the checksum checked only if check_sum: false for a
 * segment whose device vouched for it (lib/vnet.h, lesson 07). */
enum drop tcp_parse_csum(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
			 bool check_sum, struct tcp_hdr *h);

/* The option walker: the len bytes between the fixed header and the data.
 * Stops at End of Option List; steps over No-Operation; for every other
 * kind reads the length byte and refuses a length below 2 or past the end
 * (the walker must never loop or read beyond len).  Unknown kinds are
 * skipped by their length.  A known kind with the wrong length is ignored,
 * as Linux does.  Returns DROP_NONE or DROP_TCP_BAD_OPTIONS. */
enum drop tcp_opts_parse(const uint8_t *buf, size_t len, struct tcp_opts *o);

/* Write a segment header (tcp_hdr_len(h) bytes) at buf, in front of
 * data_len bytes of data that are already in place right after it, and
 * compute the checksum for a segment from src to dst.  The options, laid
 * out as Linux lays them (each on its 32-bit boundary, no-ops between):
 *   a SYN: MSS h->opts.mss always; SACK-permitted, the timestamp and the
 *          window scale if the opts say so;
 *   any other segment: the timestamp, and up to n_sack SACK blocks (as
 *          many as fit: 3 beside a timestamp, else 4).
 * The urgent pointer is written as 0 and the data offset from the header
 * length.  Returns the header length written (h->data is not read: the
 * data is wherever the caller put it, at buf + returned length), or 0 when
 * header and data would pass 65535 bytes, more than the pseudo-header's
 * length can say.  buf must hold tcp_hdr_len(h) + data_len bytes. */
size_t tcp_emit(const struct tcp_hdr *h, uint32_t src, uint32_t dst,
		uint8_t *buf, size_t data_len);

/* Leave the checksum of the segment at buf (seg_len bytes, header and
 * data) partial, for the device to finish (lib/vnet.h): only the
 * pseudo-header's sum, folded, not complemented, in the field.  The
 * device sums the segment from its first byte with that in place and
 * puts the complement there, which is the checksum tcp_emit() writes. */
void tcp_sum_partial(uint8_t *buf, size_t seg_len, uint32_t src, uint32_t dst);

/* Finish that checksum here instead: the full sum, as tcp_emit() puts it. */
void tcp_sum_finish(uint8_t *buf, size_t seg_len, uint32_t src, uint32_t dst);

/* The header length tcp_emit() will write for h, options included. */
size_t tcp_hdr_len(const struct tcp_hdr *h);

/*
 * Sequence numbers (RFC 9293 3.4) live on a circle of 2^32: after
 * 4294967295 comes 0.  So "a is before b" cannot be a < b; it is "the
 * distance from a forward to b is less than half the circle", which is
 * what the signed difference says.  A type of its own keeps a plain < from
 * ever being written on one: seq_t has no operators, only these.
 */
typedef struct {
	uint32_t v;
} seq_t;

static inline seq_t seq(uint32_t v)
{
	return (seq_t){ v };
}

static inline seq_t seq_add(seq_t a, uint32_t n)
{
	return (seq_t){ a.v + n };	/* unsigned: wraps, as it must */
}

/* b - a: how far b is ahead of a (negative: behind). */
static inline int32_t seq_diff(seq_t b, seq_t a)
{
	return (int32_t)(b.v - a.v);
}

static inline bool seq_lt(seq_t a, seq_t b) { return seq_diff(b, a) > 0; }
static inline bool seq_le(seq_t a, seq_t b) { return seq_diff(b, a) >= 0; }
static inline bool seq_gt(seq_t a, seq_t b) { return seq_diff(a, b) > 0; }
static inline bool seq_ge(seq_t a, seq_t b) { return seq_diff(a, b) >= 0; }
static inline bool seq_eq(seq_t a, seq_t b) { return a.v == b.v; }

/* lo <= x < hi, on the circle. */
static inline bool seq_in(seq_t x, seq_t lo, seq_t hi)
{
	return seq_le(lo, x) && seq_lt(x, hi);
}

#endif
