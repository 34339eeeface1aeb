/*
 * trace.c - print one line per packet.  The decoding here is for people, not
 * for the stack: it shows what arrived even when the stack will drop it.
 */
#include "trace.h"

#include <stdbool.h>
#include <string.h>

#include "arp.h"
#include "bytes.h"
#include "eth.h"
#include "icmp.h"
#include "ipv4.h"
#include "tcp.h"

static const char *icmp_type_name(uint8_t type)
{
	switch (type) {
	case ICMP_TYPE_ECHO_REPLY: return "echo reply";
	case ICMP_TYPE_DEST_UNREACHABLE: return "destination unreachable";
	case ICMP_TYPE_REDIRECT: return "redirect";
	case ICMP_TYPE_ECHO_REQUEST: return "echo request";
	case ICMP_TYPE_TIME_EXCEEDED: return "time exceeded";
	case ICMP_TYPE_PARAMETER_PROBLEM: return "parameter problem";
	default: return NULL;
	}
}

/*
 * TCP, in tcpdump's words:
 *
 *   TCP 40000 > 7 [S] seq 0 win 64240 <mss 1460,sackOK,TS,nop,wscale 7>
 *   TCP 7 > 40000 [S.] seq 0 ack 1 win 65535 <mss 1460,nop,wscale 7>
 *   TCP 40000 > 7 [P.] seq 1:6 ack 1 win 502, len 5
 *   TCP 7 > 40000 [.] ack 1 win 2047 <nop,nop,TS,nop,nop,sack 1 {1461:2921}>
 *
 * Flags are one letter each, in tcpdump's order: F(IN) S(YN) R(ST) P(SH)
 * . (ACK) U(RG) E(CE) W (CWR), "none" for none.  seq is shown for data
 * (first:past-the-last) and for SYN, FIN or RST, which take a sequence
 * number of their own; ack when ACK is set; win is the window field as
 * sent (not scaled).  ", len N" is the data length when there is data.  A
 * segment that tcp_parse() refuses past its header shows why, in
 * parentheses: " (tcp_bad_checksum)".
 *
 * Sequence numbers are relative, as tcpdump prints them.  Each direction
 * of a connection numbers its bytes from an initial sequence number (ISN)
 * of its own choosing (RFC 9293 3.4.1), a random 32-bit value, so the
 * absolute numbers are ten digits that say little.  The trace remembers
 * each direction's ISN from the SYN it sends, and prints seq relative to
 * the sender's ISN and ack relative to the receiver's: a SYN is seq 0, the
 * first data byte seq 1.  Before a direction's SYN was seen (the trace
 * began mid-connection, or the table forgot it), its numbers are printed as
 * they are.
 *
 * The table is small and fixed: TRACE_TCP_FLOWS directions, keyed by
 * (source, source port, destination, destination port), learned only from
 * a SYN that tcp_parse() accepts.  When it is full, the oldest entry makes
 * room: the slots are reused in turn, like a ring.
 */
#define TRACE_TCP_FLOWS	256

struct trace_flow {
	bool used;
	uint32_t src, dst;
	uint16_t src_port, dst_port;
	uint32_t isn;
};

static struct trace_flow flows[TRACE_TCP_FLOWS];
static size_t flows_oldest;	/* the slot to reuse next */

static struct trace_flow *flow_find(uint32_t src, uint16_t src_port,
				    uint32_t dst, uint16_t dst_port)
{
	size_t i;

	for (i = 0; i < TRACE_TCP_FLOWS; i++) {
		struct trace_flow *fl = &flows[i];

		if (fl->used && fl->src == src && fl->dst == dst &&
		    fl->src_port == src_port && fl->dst_port == dst_port)
			return fl;
	}
	return NULL;
}

/* A SYN from src: its sequence number is that direction's ISN (a new
 * connection on the same ports replaces the old one's). */
static void flow_learn(uint32_t src, uint16_t src_port, uint32_t dst,
		       uint16_t dst_port, uint32_t isn)
{
	struct trace_flow *fl = flow_find(src, src_port, dst, dst_port);

	if (!fl) {
		fl = &flows[flows_oldest];
		flows_oldest = (flows_oldest + 1) % TRACE_TCP_FLOWS;
	}
	*fl = (struct trace_flow){ .used = true, .src = src, .dst = dst,
				   .src_port = src_port, .dst_port = dst_port,
				   .isn = isn };
}

/* trace_packet_vnet(): the device vouched for the transport checksum. */
static bool sum_vouched;

static void trace_tcp_flags(FILE *f, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		char letter;
	} letters[] = {
		{ TCP_FLAG_FIN, 'F' }, { TCP_FLAG_SYN, 'S' }, { TCP_FLAG_RST, 'R' },
		{ TCP_FLAG_PSH, 'P' }, { TCP_FLAG_ACK, '.' }, { TCP_FLAG_URG, 'U' },
		{ TCP_FLAG_ECE, 'E' }, { TCP_FLAG_CWR, 'W' },
	};
	size_t i;

	fputs(" [", f);
	if (flags == 0)
		fputs("none", f);
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].bit)
			fputc(letters[i].letter, f);
	fputc(']', f);
}

/* The options, in the order they came, with the walker's bounds (see
 * tcp_opts_parse()): where those refuse a length, "malformed" ends the
 * list.  A known kind with the wrong length, or an unknown kind, shows as
 * "kind K len L".  SACK blocks are in the other direction's numbers, like
 * ack: ack_base is what makes them relative. */
static void trace_tcp_opts(FILE *f, const uint8_t *o, size_t len, uint32_t ack_base)
{
	size_t i = 0, olen, b;
	const char *sep = "";

	fputs(" <", f);
	while (i < len) {
		fputs(sep, f);
		sep = ",";
		if (o[i] == TCP_OPT_END) {
			fputs("eol", f);	/* the rest is padding */
			break;
		}
		if (o[i] == TCP_OPT_NOP) {
			fputs("nop", f);
			i++;
			continue;
		}
		if (len - i < 2 || o[i + 1] < 2 || o[i + 1] > len - i) {
			fputs("malformed", f);
			break;
		}
		olen = o[i + 1];
		if (o[i] == TCP_OPT_MSS && olen == 4)
			fprintf(f, "mss %u", get16(o + i + 2));
		else if (o[i] == TCP_OPT_WSCALE && olen == 3)
			fprintf(f, "wscale %u", o[i + 2]);	/* as sent */
		else if (o[i] == TCP_OPT_SACK_PERM && olen == 2)
			fputs("sackOK", f);
		else if (o[i] == TCP_OPT_TIMESTAMP && olen == 10)
			fputs("TS", f);
		else if (o[i] == TCP_OPT_SACK && olen >= 10 && (olen - 2) % 8 == 0) {
			fprintf(f, "sack %zu ", (olen - 2) / 8);
			for (b = i + 2; b < i + olen; b += 8)
				fprintf(f, "{%u:%u}", get32(o + b) - ack_base,
					get32(o + b + 4) - ack_base);
		} else
			fprintf(f, "kind %u len %zu", o[i], olen);
		i += olen;
	}
	fputc('>', f);
}

/* A TCP segment, or the first fragment of one: only what its length shows
 * is read. */
static void trace_tcp(FILE *f, const struct ipv4_hdr *ip)
{
	const uint8_t *p = ip->payload;
	size_t n = ip->payload_len, hlen, data_len;
	const struct trace_flow *mine, *theirs;
	enum drop why = DROP_NONE;
	struct tcp_hdr h;
	uint16_t sport, dport;
	uint32_t seqn, ackn;
	uint8_t flags;

	if (n < 4) {
		fprintf(f, " TCP malformed (%s)", drop_name(DROP_TCP_TRUNCATED));
		return;
	}
	sport = get16(p);
	dport = get16(p + 2);
	fprintf(f, " TCP %u > %u", sport, dport);
	if (n < TCP_HDR_LEN) {
		fprintf(f, " malformed (%s)", drop_name(DROP_TCP_TRUNCATED));
		return;
	}
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < TCP_HDR_LEN || hlen > n) {
		fprintf(f, " malformed (%s)", drop_name(DROP_TCP_BAD_OFFSET));
		return;
	}
	data_len = n - hlen;
	flags = p[13];
	/* A first fragment holds part of the segment: no checksum to check;
	 * nor has one the device left partial (lesson 07). */
	if (!ip->mf) {
		why = tcp_parse_csum(p, n, ip->src, ip->dst, !sum_vouched, &h);
		if (why == DROP_NONE && (flags & TCP_FLAG_SYN))
			flow_learn(ip->src, sport, ip->dst, dport, h.seq);
	}
	mine = flow_find(ip->src, sport, ip->dst, dport);
	theirs = flow_find(ip->dst, dport, ip->src, sport);
	seqn = get32(p + 4) - (mine ? mine->isn : 0);	/* mod 2^32 */
	ackn = get32(p + 8) - (theirs ? theirs->isn : 0);

	trace_tcp_flags(f, flags);
	if (data_len)
		fprintf(f, " seq %u:%u", seqn, seqn + (uint32_t)data_len);
	else if (flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST))
		fprintf(f, " seq %u", seqn);
	if (flags & TCP_FLAG_ACK)
		fprintf(f, " ack %u", ackn);
	fprintf(f, " win %u", get16(p + 14));
	if (flags & TCP_FLAG_URG)
		fprintf(f, " urg %u", get16(p + 18));
	if (hlen > TCP_HDR_LEN)
		trace_tcp_opts(f, p + TCP_HDR_LEN, hlen - TCP_HDR_LEN,
			       theirs ? theirs->isn : 0);
	if (why != DROP_NONE)
		fprintf(f, " (%s)", drop_name(why));
	if (data_len)
		fprintf(f, ", len %zu", data_len);
}

/* The part after the addresses: what the IPv4 payload is. */
static void trace_ipv4_payload(FILE *f, const struct ipv4_hdr *ip)
{
	const uint8_t *p = ip->payload;
	size_t n = ip->payload_len;

	if (ip->frag_offset != 0) {
		fprintf(f, " fragment offset %u%s proto %u", ip->frag_offset,
			ip->mf ? " MF" : "", ip->proto);
		return;
	}
	switch (ip->proto) {
	case IPV4_PROTO_ICMP:
		if (n < ICMP_HDR_LEN) {
			fprintf(f, " ICMP truncated");
			break;
		}
		if (icmp_type_name(p[0]))
			fprintf(f, " ICMP %s", icmp_type_name(p[0]));
		else
			fprintf(f, " ICMP type %u", p[0]);
		if (p[0] == ICMP_TYPE_ECHO_REQUEST || p[0] == ICMP_TYPE_ECHO_REPLY)
			fprintf(f, " id %u seq %u", get16(p + 4), get16(p + 6));
		else if (p[0] == ICMP_TYPE_DEST_UNREACHABLE &&
			 p[1] == ICMP_CODE_PROTOCOL_UNREACHABLE)
			fprintf(f, " (protocol unreachable)");
		else if (p[0] == ICMP_TYPE_DEST_UNREACHABLE &&
			 p[1] == ICMP_CODE_PORT_UNREACHABLE)
			fprintf(f, " (port unreachable)");
		else if (p[0] == ICMP_TYPE_TIME_EXCEEDED &&
			 p[1] == ICMP_CODE_REASSEMBLY_TIME_EXCEEDED)
			fprintf(f, " (fragment reassembly)");
		else if (p[1] != 0)
			fprintf(f, " code %u", p[1]);
		break;
	case IPV4_PROTO_UDP:
		fprintf(f, " UDP");
		if (n >= 4)
			fprintf(f, " port %u > %u", get16(p), get16(p + 2));
		break;
	case IPV4_PROTO_TCP:
		trace_tcp(f, ip);
		break;
	default:
		fprintf(f, " protocol %u", ip->proto);
	}
	if (ip->mf)
		fprintf(f, " (first fragment, MF)");
}

/* An IPv4 packet (or what claims to be one). */
static void trace_ip(FILE *f, const uint8_t *pkt, size_t len)
{
	struct ipv4_hdr ip;
	char src[16], dst[16];
	enum drop why;

	if (len >= 1 && (pkt[0] >> 4) == 6) {
		fprintf(f, " IPv6, length %zu\n", len);
		return;
	}
	why = ipv4_parse(pkt, len, &ip);
	/* A bad checksum still leaves a readable header: show it. */
	if (why != DROP_NONE && why != DROP_IPV4_BAD_CHECKSUM) {
		fprintf(f, " malformed IPv4 (%s), length %zu\n", drop_name(why), len);
		return;
	}
	ipv4_addr_format(ip.src, src);
	ipv4_addr_format(ip.dst, dst);
	fprintf(f, " %s > %s", src, dst);
	trace_ipv4_payload(f, &ip);
	fprintf(f, ", ttl %u, length %u%s\n", ip.ttl, ip.total_len,
		why == DROP_IPV4_BAD_CHECKSUM ? " (bad header checksum)" : "");
}

/* An ARP packet, in tcpdump's words. */
static void trace_arp(FILE *f, const uint8_t *p, size_t len)
{
	struct arp_pkt a;
	char spa[16], tpa[16], sha[18];
	enum drop why = arp_parse(p, len, &a);

	if (why != DROP_NONE) {
		fprintf(f, " ARP malformed (%s), length %zu\n", drop_name(why), len);
		return;
	}
	ipv4_addr_format(a.spa, spa);
	ipv4_addr_format(a.tpa, tpa);
	eth_addr_format(a.sha, sha);
	if (a.op == ARP_OP_REQUEST)
		fprintf(f, " ARP request who-has %s tell %s%s\n", tpa, spa,
			a.spa == a.tpa ? " (gratuitous)" : "");
	else
		fprintf(f, " ARP reply %s is-at %s\n", spa, sha);
}

void trace_packet_vnet(FILE *f, uint64_t t_us, const char *dir, enum dev_type type,
		       const uint8_t *pkt, size_t len, const struct vnet_hdr *vh)
{
	char line[1024];
	size_t n;
	FILE *m;

	if (!(vh->flags & (VNET_F_NEEDS_CSUM | VNET_F_DATA_VALID)) &&
	    vh->gso_type == VNET_GSO_NONE) {
		trace_packet(f, t_us, dir, type, pkt, len);
		return;
	}
	/* The line as trace_packet() makes it, with the checksum taken as
	 * good, and what the header asks of the device at its end. */
	m = fmemopen(line, sizeof(line) - 64, "w");
	if (!m)
		return;
	sum_vouched = true;
	trace_packet(m, t_us, dir, type, pkt, len);
	sum_vouched = false;
	fclose(m);
	n = strcspn(line, "\n");
	line[n] = '\0';
	if (vh->gso_type != VNET_GSO_NONE)
		snprintf(line + n, 64, ", gso %u", vh->gso_size);
	fprintf(f, "%s\n", line);
}

void trace_packet(FILE *f, uint64_t t_us, const char *dir, enum dev_type type,
		  const uint8_t *pkt, size_t len)
{
	struct eth_hdr eth;
	char src[18], dst[18];

	fprintf(f, "%4llu.%06llu %-3s", (unsigned long long)(t_us / 1000000),
		(unsigned long long)(t_us % 1000000), dir);
	if (type == DEV_TUN) {
		trace_ip(f, pkt, len);
		return;
	}
	if (eth_parse(pkt, len, &eth) != DROP_NONE) {
		fprintf(f, " runt frame, length %zu\n", len);
		return;
	}
	eth_addr_format(eth.src, src);
	eth_addr_format(eth.dst, dst);
	fprintf(f, " %s > %s,", src, dst);
	if (eth.type == ETH_TYPE_ARP)
		trace_arp(f, eth.payload, eth.payload_len);
	else if (eth.type == ETH_TYPE_IPV4 || eth.type == 0x86dd)
		trace_ip(f, eth.payload, eth.payload_len);	/* IPv6: one line */
	else
		fprintf(f, " ethertype 0x%04x, length %zu\n", eth.type, len);
}

void trace_drop(FILE *f, uint64_t t_us, enum drop why)
{
	fprintf(f, "%4llu.%06llu drop %s\n", (unsigned long long)(t_us / 1000000),
		(unsigned long long)(t_us % 1000000), drop_name(why));
}
