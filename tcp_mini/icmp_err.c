/*
 * icmp_err.c - ICMP errors about our connections (RFC 1122 4.2.3.9,
 * RFC 5461, RFC 5927).
 *
 * A router that cannot deliver our SYN, or a host whose firewall rejects
 * it, says so with an ICMP error: destination unreachable, time exceeded,
 * parameter problem.  lib/ip_host.c hands those up to us (icmp_errors_up)
 * once their checksum is verified and they quote enough of the datagram
 * they are about: its IPv4 header and the first 8 bytes after it, which
 * for TCP are both ports and the sequence number (RFC 792):
 *
 *   | type | code | checksum | unused        |  the ICMP header
 *   | IPv4 header we sent: src us, dst peer |  the quote
 *   | src port | dst port | sequence number |
 *
 * Anyone can send an ICMP error with any quote in it, so before it changes
 * anything it must be about a connection of ours (the addresses, protocol
 * and ports) and about a segment of it still in flight: SND.UNA =< SEG.SEQ
 * < SND.MAX, which Linux checks too (RFC 5927 describes the attacks this
 * stops).  An attacker off the path must then guess a sequence number in
 * our flight, as for an RST (RFC 5961).  In SYN-SENT the flight is the SYN
 * alone: the quote must carry our ISS, which nobody off the path knows
 * (RFC 6528).
 *
 * What an error does then:
 *
 *   - RFC 1122 4.2.3.9 calls port and protocol unreachable hard errors
 *     (nobody is there: abort), and the rest soft (a route may come back:
 *     go on, and tell the application).
 *   - In SYN-SENT, Linux ends the connect on either kind, at once: RFC 5461
 *     describes this "non-standard, but widely implemented" departure,
 *     made so that a client hears "no route to host" now rather than after
 *     minutes of SYNs.  So do we.
 *   - In every other state even the hard ones are kept as soft (RFC 5927
 *     warns that a forged one would otherwise reset any connection, and
 *     Linux does the same): the last one is remembered in soft_error, and
 *     if the connection times out later, the client says why: "timed out
 *     (last error: no route to host)".
 *
 * The client says what an error meant in two words, as nc would: port
 * and protocol unreachable are "connection refused" (Linux's ECONNREFUSED
 * and ENOPROTOOPT); every other code of destination unreachable (net or
 * host unreachable, unknown, administratively prohibited: a firewall),
 * and time exceeded, "no route to host" (Linux has ENETUNREACH for the net
 * codes, EHOSTUNREACH for the rest); parameter problem "protocol error"
 * (EPROTO).
 */
#include "tcp_mini.h"

#include "../lib/bytes.h"
#include "../lib/icmp.h"

#include <stdio.h>

/* Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812);
 * 0 and 1 are net and host unreachable, 9, 10 and 13 administratively
 * prohibited. */
#define UNREACH_PROTOCOL	2
#define UNREACH_PORT		3
#define UNREACH_FRAG_NEEDED	4	/* path MTU discovery (RFC 1191) */
#define UNREACH_MAX		15	/* codes above are unassigned */

/* What an error means for a connection: the end it names (tcp_mini.h),
 * or END_NONE for one we do not act on. */
static enum tcp_end error_end(uint8_t type, uint8_t code)
{
	switch (type) {
	case ICMP_TYPE_DEST_UNREACHABLE:
		switch (code) {
		case UNREACH_PROTOCOL:
		case UNREACH_PORT:
			return END_REFUSED;
		case UNREACH_FRAG_NEEDED:
			/* "Fragmentation needed and DF set": we never set
			 * DF, and leave path MTU discovery out. */
			return END_NONE;
		default:	/* net, host, prohibited, ... */
			return code <= UNREACH_MAX ? END_UNREACHABLE : END_NONE;
		}
	case ICMP_TYPE_TIME_EXCEEDED:
		return END_UNREACHABLE;		/* a routing loop, say */
	case ICMP_TYPE_PARAMETER_PROBLEM:
		return END_PROTOCOL_ERROR;
	}
	return END_NONE;
}

/* The error (end, already decided) about the segment quoted. */
static enum drop error_in(struct tcp_mini *st, enum tcp_end end, const char *what,
			  const uint8_t *quoted, size_t len)
{
	struct icmp_quote q;
	struct tcp_conn *c;
	seq_t sq;

	/* The quote: our IPv4 header, then 8 bytes of TCP: our port, the
	 * peer's, the sequence number. */
	if (!ip_host_icmp_quote(quoted, len, &q) || q.proto != IPV4_PROTO_TCP ||
	    q.src != st->host.ip.addr)
		return DROP_ICMP_ERROR_NO_CONNECTION;
	c = tcp_find(st, q.dst, get16(q.l4 + 2), get16(q.l4));
	if (!c)
		return DROP_ICMP_ERROR_NO_CONNECTION;
	sq = seq(get32(q.l4 + 4));
	if (!seq_in(sq, c->snd_una, c->snd_max))
		return DROP_ICMP_ERROR_OUT_OF_WINDOW;
	if (end == END_NONE)
		return DROP_ICMP_NOT_ECHO_REQUEST;	/* nothing we act on */

	tcp_log(st, c, "%s in %s", what, tcp_state_name(c->state));
	if (c->state == TCP_SYN_SENT)
		tcp_abort(st, c, end);		/* the connect fails now */
	else
		c->soft_error = end;		/* said if it times out */
	return DROP_NONE;
}

enum drop tcp_icmp_error(struct tcp_mini *st, uint8_t type, uint8_t code,
			 const uint8_t *quoted, size_t len)
{
	char what[32];

	snprintf(what, sizeof(what), "ICMP type %u code %u", type, code);
	return error_in(st, error_end(type, code), what, quoted, len);
}

enum drop tcp_no_arp(struct tcp_mini *st, const uint8_t *head, size_t len)
{
	return error_in(st, END_NO_ARP, "no ARP reply from the next hop", head, len);
}
