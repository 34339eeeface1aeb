/*
 * drop.h - every reason a packet is dropped, by name.
 *
 * Parsers return one of these (DROP_NONE means "parsed fine"), and so does each
 * program's core for the packet it was handed.  The loop counts them and
 * prints the non-zero counts on exit, so "my ping gets no answer" becomes
 * "drop ipv4_bad_checksum: 3".  lwIP keeps a statistics counter for every
 * malformed-packet drop for the same reason.
 */
#ifndef TUNLAB_DROP_H
#define TUNLAB_DROP_H

enum drop {
	DROP_NONE = 0,		/* not dropped: handled */

	/* IPv4 header (lib/ipv4.c) */
	DROP_IPV4_TRUNCATED,	/* fewer than 20 bytes, or fewer than IHL*4 */
	DROP_IPV4_BAD_VERSION,	/* version is not 4 (an IPv6 packet, say) */
	DROP_IPV4_BAD_IHL,	/* header length below 5 words */
	DROP_IPV4_BAD_TOTAL_LENGTH, /* below IHL*4 or beyond the bytes read */
	DROP_IPV4_BAD_CHECKSUM,
	DROP_IPV4_BAD_SOURCE,	/* source is not a single host (RFC 1122 3.2.1.3) */
	DROP_IPV4_FRAGMENT,	/* fragments are reassembled only from rung 4 */
	DROP_IPV4_NOT_FOR_US,	/* destination is not our address */
	DROP_IPV4_NOT_ICMP,	/* tun_echo: only ICMP is reflected */
	DROP_IPV4_PROTOCOL_UNREACHABLE, /* no such protocol here: ICMP error sent */

	/* ICMP (lib/icmp.c) */
	DROP_ICMP_TRUNCATED,	/* fewer than 8 bytes */
	DROP_ICMP_BAD_CHECKSUM,
	DROP_ICMP_NOT_ECHO_REQUEST, /* replies, errors, timestamps: not answered */
	DROP_ICMP_ERROR_RATE_LIMITED, /* an error was due but the bucket was empty */
	DROP_ICMP_ERROR_NOT_ALLOWED, /* RFC 1122 3.2.2 forbids an error about it */
	DROP_ICMP_ERROR_NO_CONNECTION, /* an ICMP error quoting no connection
				 * of ours (tcp_mini): ignored */
	DROP_ICMP_ERROR_OUT_OF_WINDOW, /* quotes a sequence number we have
				 * nothing in flight at (RFC 5927):
				 * ignored, maybe forged */

	/* Ethernet (lib/eth.c) */
	DROP_ETH_TRUNCATED,	/* shorter than the 14-byte header: a runt */
	DROP_ETH_NOT_FOR_US,	/* destination is neither our MAC nor broadcast */
	DROP_ETH_UNKNOWN_TYPE,	/* neither IPv4 nor ARP (IPv6, say) */

	/* ARP (lib/arp.c) */
	DROP_ARP_TRUNCATED,	/* fewer than 28 bytes */
	DROP_ARP_BAD_HARDWARE,	/* hardware type not Ethernet, or length not 6 */
	DROP_ARP_BAD_PROTOCOL,	/* protocol type not IPv4, or length not 4 */
	DROP_ARP_BAD_OPCODE,	/* neither request nor reply */
	DROP_ARP_BAD_SENDER,	/* sender MAC group, IP not a host, or our own IP */
	DROP_ARP_NOT_FOR_US,	/* handled: merged if known, but asks for another */
	DROP_ARP_RESOLVE_FAILED, /* held for an address that never answered ARP */
	DROP_ARP_HOLD_FULL,	/* held for ARP, pushed out by newer ones */
	DROP_ARP_CACHE_FULL,	/* no entry free to resolve another address */
	DROP_NO_ROUTE,		/* to an address off our link, and no --gateway */

	/* UDP (lib/udp.c) */
	DROP_UDP_TRUNCATED,	/* fewer than 8 bytes */
	DROP_UDP_BAD_LENGTH,	/* Length below 8 or beyond the IP payload */
	DROP_UDP_BAD_CHECKSUM,
	DROP_UDP_PORT_UNREACHABLE, /* no service on that port: ICMP error sent */
	DROP_UDP_NO_SOURCE_PORT, /* source port 0: no reply expected (RFC 768) */

	/* TCP wire format (lib/tcp.c) */
	DROP_TCP_TRUNCATED,	/* fewer than 20 bytes */
	DROP_TCP_BAD_OFFSET,	/* data offset below 5 words, or past the end */
	DROP_TCP_BAD_CHECKSUM,
	DROP_TCP_BAD_OPTIONS,	/* an option length of 0 or 1, or past the end */
	DROP_TCP_BAD_FLAGS,	/* SYN with FIN or RST, or no flag at all */

	/* TCP connections (tcp_mini/) */
	DROP_TCP_NO_CONNECTION,	/* no connection and no listener: RST sent */
	DROP_TCP_RST_NO_CONNECTION, /* an RST for no connection: never answered */
	DROP_TCP_NOT_ACCEPTABLE, /* outside the receive window (RFC 9293
				 * 3.10.7.4 first check): ACK sent */
	DROP_TCP_BAD_ACK,	/* acknowledges what we never sent: ACK or RST */
	DROP_TCP_OLD_ACK,	/* acknowledges less than an earlier one did,
				 * and carries nothing else: ignored */
	DROP_TCP_RST_CHALLENGED, /* an RST in the window, not at RCV.NXT:
				 * challenge ACK (RFC 5961 3.2) */
	DROP_TCP_TABLE_FULL,	/* no connection slot free: RST sent */
	DROP_TCP_BACKLOG_FULL,	/* too many half-open (SYN-RECEIVED): the SYN
				 * is dropped without a word; the peer retries */
	DROP_TCP_OUT_OF_ORDER,	/* data after a gap that could not be kept
				 * (all 32 ranges in use): duplicate ACK sent */
	DROP_TCP_RETRIES_EXCEEDED, /* no answer after the last retransmission:
				    * connection aborted (own drop) */
	DROP_TCP_PAST_WINDOW,	/* data past the right edge of the window we
				 * offered: cut off (what lay inside is kept) */
	DROP_TCP_DATA_IGNORED,	/* data after the peer's FIN, or in TIME-WAIT:
				 * RFC 9293 3.10.7.4 says ignore it */
	DROP_TCP_ACK_TOO_OLD,	/* acknowledges less than SND.UNA - MAX.SND.WND
				 * (RFC 5961 5.2): dropped, an ACK sent */

	/* IPv4 reassembly (lib/reasm.c) */
	DROP_REASM_BAD_LENGTH,	/* empty, not a multiple of 8 with MF, past the
				 * end, or a second end: datagram dropped */
	DROP_REASM_TOO_BIG,	/* past 65535 bytes (the "ping of death"), or
				 * larger than the out buffer: datagram dropped */
	DROP_REASM_DUPLICATE,	/* every byte already held, the same: only this
				 * fragment dropped, the datagram goes on */
	DROP_REASM_OVERLAP,	/* overlaps held bytes in any other way (RFC 5722,
				 * Linux): datagram dropped */
	DROP_REASM_EVICTED,	/* table full: the oldest datagram made room */
	DROP_REASM_TIMEOUT,	/* not complete within 30 s: the datagram is
				 * dropped (ICMP time exceeded if its first
				 * fragment came) */

	/* IPv4 fragmentation (lib/frag.c) */
	DROP_IPV4_DF_TOO_BIG,	/* larger than the MTU with DF set (or the MTU
				 * below 68): not sent */

	/* The stack itself */
	DROP_TX_QUEUE_FULL,	/* more replies than the out queue holds */
	DROP_REPLY_EXCEEDS_MTU,	/* rung 4 fragments; until then, no reply */
	DROP_NOT_IMPLEMENTED,	/* a learner's starter (make start): the
				 * step that handles it is still a TODO */

	/* Lesson 06's TCP (tcp_mini/), after the rest so that the numbers
	 * above stay as the lessons show them. */
	DROP_TCP_DUPLICATE,	/* data we already hold (before RCV.NXT, or
				 * kept after a gap): an ACK with a D-SACK block
				 * (RFC 2883) sent */
	DROP_TCP_PAWS,		/* its timestamp is older than the last one
				 * (RFC 7323 5, PAWS): an old duplicate; ACK */

	/* Lesson 07: the virtio-net header in front of each frame of a TAP
	 * device opened with offloads (lib/vnet.c). */
	DROP_VNET_TRUNCATED,	/* a read shorter than the 10-byte header */
	DROP_VNET_BAD,		/* a flag or GSO type never asked for, or a
				 * checksum place outside the frame */

	DROP_COUNT		/* keep last: the number of reasons */
};

/* The reason's name as printed in trace lines and the exit summary. */
const char *drop_name(enum drop why);

#endif
