/*
 * fuzz.c - the helpers every fuzz target links: records, checksum repair,
 * and the checks on what a core sends.  See fuzz.h.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/arp.h"
#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/eth.h"
#include "../lib/icmp.h"
#include "../lib/tcp.h"
#include "../lib/udp.h"

const uint8_t fuzz_our_mac[ETH_ADDR_LEN] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };

void fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "\nfuzz check failed: %s\n  at %s:%d\n", what, file, line);
	abort();
}

bool fuzz_next(struct fuzz_input *in, struct fuzz_record *r)
{
	size_t len;

	if (in->left < 4)
		return false;	/* not even a record header: the end */
	r->dt_ms = fuzz_time_step(in->p[0]);
	r->flags = in->p[1];
	len = get16(in->p + 2);
	in->p += 4;
	in->left -= 4;
	if (len > in->left)
		len = in->left;
	r->len = len;
	r->pkt = fuzz_copy(in->p, len);
	in->p += len;
	in->left -= len;
	return true;
}

uint8_t *fuzz_copy(const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len);

	if (!copy && len)
		abort();	/* out of memory: not a finding */
	if (len)
		memcpy(copy, p, len);
	return copy;
}

uint64_t fuzz_time_step(uint8_t b)
{
	if (b < 200)
		return b;
	return (uint64_t)(b - 199) * 1000;
}

void fuzz_fix_ipv4(uint8_t *pkt, size_t len, uint8_t flags)
{
	size_t hlen, total;
	uint8_t *l4;
	size_t l4_len;

	if (len < IPV4_HDR_LEN || (pkt[0] >> 4) != 4)
		return;
	hlen = (size_t)(pkt[0] & 0x0f) * 4;
	if (hlen < IPV4_HDR_LEN || hlen > len)
		return;
	total = get16(pkt + 2);
	/* The transport checksum first: the header's does not cover it. */
	if ((flags & FUZZ_FIX_L4) && total >= hlen && total <= len &&
	    (get16(pkt + 6) & (IPV4_FLAG_MF | IPV4_OFFSET_MASK)) == 0) {
		l4 = pkt + hlen;
		l4_len = total - hlen;
		if (pkt[9] == IPV4_PROTO_ICMP && l4_len >= ICMP_HDR_LEN) {
			put16(l4 + 2, 0);
			put16(l4 + 2, cksum(l4, l4_len));
		} else if (pkt[9] == IPV4_PROTO_UDP && l4_len >= UDP_HDR_LEN) {
			uint16_t ulen = get16(l4 + 4);
			uint16_t sum;

			if (ulen >= UDP_HDR_LEN && ulen <= l4_len) {
				put16(l4 + 6, 0);
				sum = cksum_finish(cksum_add(
					cksum_pseudo_ipv4(get32(pkt + 12), get32(pkt + 16),
							  IPV4_PROTO_UDP, ulen),
					l4, ulen));
				put16(l4 + 6, sum == 0 ? 0xffff : sum);
			}
		} else if (pkt[9] == IPV4_PROTO_TCP && l4_len >= TCP_HDR_LEN) {
			/* TCP's checksum may be 0x0000: it is never "absent". */
			put16(l4 + 16, 0);
			put16(l4 + 16, cksum_finish(cksum_add(
				cksum_pseudo_ipv4(get32(pkt + 12), get32(pkt + 16),
						  IPV4_PROTO_TCP, (uint16_t)l4_len),
				l4, l4_len)));
		}
	}
	if (flags & FUZZ_FIX_IP) {
		put16(pkt + 10, 0);
		put16(pkt + 10, cksum(pkt, hlen));
	}
}

void fuzz_fix_frame(uint8_t *frame, size_t len, uint8_t flags)
{
	if (len >= ETH_HDR_LEN && get16(frame + 12) == ETH_TYPE_IPV4)
		fuzz_fix_ipv4(frame + ETH_HDR_LEN, len - ETH_HDR_LEN, flags);
}

void fuzz_check_drop(enum drop why)
{
	FUZZ_CHECK((unsigned)why < DROP_COUNT);
}

uint32_t fuzz_ping_dst;

void fuzz_check_l4_out(const struct ipv4_hdr *ip)
{
	struct icmp_hdr icmp;
	struct tcp_hdr tcp;
	struct udp_hdr udp;

	switch (ip->proto) {
	case IPV4_PROTO_ICMP:
		FUZZ_CHECK(icmp_parse(ip->payload, ip->payload_len, &icmp) == DROP_NONE);
		/* We send echo replies and errors; requests only from our
		 * own ping (lib/ping.c), to its target. */
		FUZZ_CHECK(icmp.type == ICMP_TYPE_ECHO_REPLY || icmp_is_error(icmp.type) ||
			   (fuzz_ping_dst && icmp.type == ICMP_TYPE_ECHO_REQUEST &&
			    ip->dst == fuzz_ping_dst));
		break;
	case IPV4_PROTO_UDP:
		FUZZ_CHECK(udp_parse(ip->payload, ip->payload_len, ip->src, ip->dst,
				     &udp) == DROP_NONE);
		FUZZ_CHECK(udp.checksum != 0);	/* we always compute one */
		FUZZ_CHECK(udp.length == ip->payload_len);
		break;
	case IPV4_PROTO_TCP:
		/* Rung 5's segments: a header tcp_parse accepts (offset, flags,
		 * options) and a checksum that verifies. */
		FUZZ_CHECK(tcp_parse(ip->payload, ip->payload_len, ip->src, ip->dst,
				     &tcp) == DROP_NONE);
		break;
	default:
		FUZZ_FAIL("we send only ICMP, UDP and TCP");
	}
}

void fuzz_check_ipv4_out(const uint8_t *pkt, size_t len, size_t mtu,
			 struct ipv4_hdr *ip)
{
	FUZZ_CHECK(len <= mtu);
	FUZZ_CHECK(ipv4_parse(pkt, len, ip) == DROP_NONE);
	FUZZ_CHECK(ip->total_len == len);
	FUZZ_CHECK(ip->src == FUZZ_OUR_ADDR);
	/* Replies and errors go back to the source of what came in, which
	 * had to be a single host (RFC 1122 3.2.1.3, 3.2.2). */
	FUZZ_CHECK(ipv4_is_host_source(ip->dst));
	FUZZ_CHECK(!ip->df);	/* no path MTU discovery here */
	if (!ipv4_is_fragment(ip))
		fuzz_check_l4_out(ip);
}

bool fuzz_check_frame_out(const uint8_t *frame, size_t len, struct ipv4_hdr *ip)
{
	struct eth_hdr eth;
	struct arp_pkt arp;

	FUZZ_CHECK(len >= ETH_MIN_FRAME);
	FUZZ_CHECK(len <= ETH_HDR_LEN + FUZZ_MTU);
	FUZZ_CHECK(eth_parse(frame, len, &eth) == DROP_NONE);
	FUZZ_CHECK(memcmp(eth.src, fuzz_our_mac, ETH_ADDR_LEN) == 0);
	switch (eth.type) {
	case ETH_TYPE_ARP:
		FUZZ_CHECK(arp_parse(eth.payload, eth.payload_len, &arp) == DROP_NONE);
		FUZZ_CHECK(memcmp(arp.sha, fuzz_our_mac, ETH_ADDR_LEN) == 0);
		FUZZ_CHECK(arp.spa == FUZZ_OUR_ADDR);
		FUZZ_CHECK(len == ETH_MIN_FRAME);	/* 14 + 28, padded */
		if (arp.op == ARP_OP_REQUEST) {
			FUZZ_CHECK(memcmp(eth.dst, eth_broadcast, ETH_ADDR_LEN) == 0);
		} else {
			/* A reply goes to the asker alone (RFC 826), and
			 * an asker with a group MAC was dropped. */
			FUZZ_CHECK(memcmp(eth.dst, arp.tha, ETH_ADDR_LEN) == 0);
			FUZZ_CHECK(!eth_is_multicast(eth.dst));
		}
		return false;
	case ETH_TYPE_IPV4:
		/* Only the MACs ARP learned, and it never learns a group one. */
		FUZZ_CHECK(!eth_is_multicast(eth.dst));
		FUZZ_CHECK(eth.payload_len >= IPV4_HDR_LEN);
		FUZZ_CHECK(ipv4_parse(eth.payload, eth.payload_len, ip) == DROP_NONE);
		/* Padding only to reach the 60-byte minimum. */
		FUZZ_CHECK(ip->total_len == eth.payload_len || len == ETH_MIN_FRAME);
		fuzz_check_ipv4_out(eth.payload, ip->total_len, FUZZ_MTU, ip);
		return true;
	default:
		FUZZ_FAIL("we send only ARP and IPv4");
	}
	return false;
}

bool fuzz_is_icmp_error(const struct ipv4_hdr *ip)
{
	return ip->proto == IPV4_PROTO_ICMP && !ipv4_is_fragment(ip) &&
	       ip->payload_len >= 1 && icmp_is_error(ip->payload[0]);
}

bool fuzz_is_broadcast_ipv4(const uint8_t *frame, size_t len)
{
	return len >= ETH_HDR_LEN && memcmp(frame, eth_broadcast, ETH_ADDR_LEN) == 0 &&
	       get16(frame + 12) == ETH_TYPE_IPV4;
}

void fuzz_free_arp(struct eth_host *h)
{
	size_t i;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		arp_entry_free(&h->arp.e[i]);
}
