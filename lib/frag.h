/*
 * frag.h - IPv4 fragmentation on send (RFC 791 2.3 and 3.2, RFC 1122 3.3.3).
 *
 * A datagram larger than the link's MTU is cut into fragments that each fit.
 * Every fragment gets a copy of the header; its payload is a slice of the
 * original payload, a multiple of 8 bytes except the last, because the
 * Fragment Offset field counts 8-byte units.  MF is set on every fragment
 * but the last.  A 4000-byte ping (`ping -s 4000`: 4008 bytes of ICMP) over
 * an MTU of 1500, 1480 payload bytes a fragment:
 *
 *   +--------+------------------+
 *   | hdr 20 | ICMP 0..1479     |  total 1500, offset 0,   MF 1
 *   +--------+------------------+
 *   +--------+------------------+
 *   | hdr 20 | ICMP 1480..2959  |  total 1500, offset 185, MF 1
 *   +--------+------------------+
 *   +--------+-------------+
 *   | hdr 20 | 2960..4007  |       total 1068, offset 370, MF 0
 *   +--------+-------------+
 *
 * The receiver puts them back together (lib/reasm.c).  Losing any one
 * fragment loses the whole datagram, which is why TCP picks segments that
 * need no fragmenting and why IPv6 routers never fragment.
 */
#ifndef TUNLAB_FRAG_H
#define TUNLAB_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "drop.h"

/* RFC 791 3.1: "Every internet module must be able to forward a datagram of
 * 68 octets without further fragmentation": a 60-byte header and 8 bytes. */
#define IPV4_MIN_MTU	68

/*
 * Split one IPv4 datagram (pkt, len: a header ipv4_parse() accepts; its
 * Total Length is the datagram, bytes after it are ignored) for a link of
 * mtu bytes (mtu >= IPV4_MIN_MTU).  Calls emit(ctx, frag, frag_len) for each
 * piece, in order of offset, then returns DROP_NONE.
 *
 * A datagram that fits is passed to emit unchanged, in one call (DF or not).
 * Otherwise each fragment has the original header with:
 *   - total length, offset (in 8-byte units) and checksum recomputed;
 *   - MF set on all but the last, and on the last too if the original had
 *     it (a fragment being fragmented again);
 *   - in every fragment but the first, the options whose "copied" flag is
 *     clear replaced by NOPs, so all fragments have the same header length.
 * Every payload is the same multiple of 8 bytes but the last one's.
 *
 * Nothing is emitted and the reason returned when: the header does not
 * parse (ipv4_parse's reason); DF is set and it does not fit, or mtu is
 * below 68 (DROP_IPV4_DF_TOO_BIG); its offset plus length reaches past
 * 65535 bytes (DROP_REASM_TOO_BIG: the "ping of death" is not passed on).
 *
 * Each fragment is built in one static buffer that is reused for the next,
 * so emit must copy it, and ipv4_fragment is not reentrant (fine: tunlab is
 * one thread).
 */
enum drop ipv4_fragment(const uint8_t *pkt, size_t len, int mtu,
			void (*emit)(void *ctx, const uint8_t *frag,
				     size_t frag_len),
			void *ctx);

#endif
