/*
 * trace.c - print one line per packet.  The decoding here is for people, not
 * for the stack: it shows what arrived even when the stack will drop it.
 */
#include "trace.h"

#include "arp.h"
#include "bytes.h"
#include "eth.h"
#include "icmp.h"
#include "ipv4.h"

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
	case IPV4_PROTO_TCP:
		fprintf(f, " %s", ip->proto == IPV4_PROTO_UDP ? "UDP" : "TCP");
		if (n >= 4)
			fprintf(f, " port %u > %u", get16(p), get16(p + 2));
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
