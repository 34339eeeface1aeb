/*
 * icmp.c - ICMP messages (RFC 792) and the rules for sending them
 * (RFC 1122 3.2.2).
 */
#include "icmp.h"

#include <string.h>

#include "bytes.h"
#include "cksum.h"

enum drop icmp_parse(const uint8_t *buf, size_t len, struct icmp_hdr *h)
{
	if (len < ICMP_HDR_LEN)
		return DROP_ICMP_TRUNCATED;
	if (cksum(buf, len) != 0)
		return DROP_ICMP_BAD_CHECKSUM;
	h->type = buf[0];
	h->code = buf[1];
	h->checksum = get16(buf + 2);
	h->id = get16(buf + 4);
	h->seq = get16(buf + 6);
	h->data = buf + ICMP_HDR_LEN;
	h->data_len = len - ICMP_HDR_LEN;
	return DROP_NONE;
}

size_t icmp_emit(const struct icmp_hdr *h, uint8_t *buf, size_t cap)
{
	size_t len = ICMP_HDR_LEN + h->data_len;

	if (cap < len)
		return 0;
	buf[0] = h->type;
	buf[1] = h->code;
	put16(buf + 2, 0);
	put16(buf + 4, h->id);
	put16(buf + 6, h->seq);
	/* memmove: the data may already sit where it is going (a reply built
	 * in the request's buffer). */
	if (h->data_len)
		memmove(buf + ICMP_HDR_LEN, h->data, h->data_len);
	put16(buf + 2, cksum(buf, len));
	return len;
}

bool icmp_is_error(uint8_t type)
{
	return type == ICMP_TYPE_DEST_UNREACHABLE || type == 4 /* source quench */ ||
	       type == ICMP_TYPE_REDIRECT || type == ICMP_TYPE_TIME_EXCEEDED ||
	       type == ICMP_TYPE_PARAMETER_PROBLEM;
}

bool icmp_error_allowed(const struct ipv4_hdr *ip)
{
	/* build-it 02.4 begin: send an ICMP error, only where RFC 1122 allows one, rate-limited */
	if (ip->frag_offset != 0)		/* not the first fragment */
		return false;
	if (!ipv4_is_host_source(ip->src))
		return false;
	if ((ip->dst >> 28) == 0xe || ip->dst == 0xffffffffu)
		return false;			/* multicast or broadcast */
	/* An ICMP error about an ICMP error could ping-pong forever.  We need the
	 * type byte to tell, and it must have arrived. */
	if (ip->proto == IPV4_PROTO_ICMP &&
	    (ip->payload_len < 1 || icmp_is_error(ip->payload[0])))
		return false;
	return true;
	/* build-it 02.4 end; the starter has: (void)ip; return false; */
}

/* The IPv4 header of everything we originate. */
static size_t emit_ip(uint32_t src, uint32_t dst, uint16_t id,
		      size_t payload_len, uint8_t *out, size_t cap)
{
	struct ipv4_hdr ip = {
		.tos = 0,
		.total_len = (uint16_t)(IPV4_HDR_LEN + payload_len),
		.id = id,
		.ttl = 64,	/* RFC 1700's default; what Linux uses */
		.proto = IPV4_PROTO_ICMP,
		.src = src,
		.dst = dst,
	};

	if (IPV4_HDR_LEN + payload_len > IPV4_MAX_LEN)
		return 0;
	return ipv4_emit(&ip, out, cap);
}

size_t icmp_build_echo_reply(const struct ipv4_hdr *ip,
			     const struct icmp_hdr *echo, uint16_t ip_id,
			     uint8_t *out, size_t cap)
{
	/* build-it 02.3 begin: answer an echo request with a reply of our own */
	struct icmp_hdr reply = *echo;	/* id, seq and data stay the same */
	size_t hl, il;

	reply.type = ICMP_TYPE_ECHO_REPLY;
	reply.code = 0;
	/* RFC 1122 3.2.2.6: the reply's source is the request's destination. */
	hl = emit_ip(ip->dst, ip->src, ip_id, ICMP_HDR_LEN + echo->data_len,
		     out, cap);
	if (hl == 0)
		return 0;
	il = icmp_emit(&reply, out + hl, cap - hl);
	return il ? hl + il : 0;
	/* build-it 02.3 end; the starter has:
	 *	(void)ip, (void)echo, (void)ip_id, (void)out, (void)cap, (void)emit_ip;
	 *	return 0;
	 */
}

/* Quote the header with its options and 8 bytes of payload: enough for the
 * sender to find the UDP or TCP ports of the socket it came from. */
static size_t quote_len(const struct ipv4_hdr *ip)
{
	return (size_t)ip->ihl * 4 + (ip->payload_len < 8 ? ip->payload_len : 8);
}

size_t icmp_error_len(const struct ipv4_hdr *ip)
{
	return IPV4_HDR_LEN + ICMP_HDR_LEN + quote_len(ip);
}

size_t icmp_build_error(uint8_t type, uint8_t code, uint32_t src,
			const uint8_t *orig, const struct ipv4_hdr *ip,
			uint16_t ip_id, uint8_t *out, size_t cap)
{
	size_t quote = quote_len(ip);
	struct icmp_hdr err = {
		.type = type, .code = code, .id = 0, .seq = 0,
		.data = orig, .data_len = quote,
	};
	size_t hl, il;

	hl = emit_ip(src, ip->src, ip_id, ICMP_HDR_LEN + quote, out, cap);
	if (hl == 0)
		return 0;
	il = icmp_emit(&err, out + hl, cap - hl);
	return il ? hl + il : 0;
}

void icmp_ratelimit_init(struct icmp_ratelimit *rl, uint32_t burst,
			 uint32_t interval_ms, uint64_t now_ms)
{
	rl->tokens = burst;
	rl->burst = burst;
	rl->interval_ms = interval_ms;
	rl->last_ms = now_ms;
}

bool icmp_ratelimit_take(struct icmp_ratelimit *rl, uint64_t now_ms)
{
	if (now_ms > rl->last_ms) {
		uint64_t earned = (now_ms - rl->last_ms) / rl->interval_ms;

		if (earned > 0) {
			rl->tokens = earned >= rl->burst - rl->tokens ?
				     rl->burst : rl->tokens + (uint32_t)earned;
			rl->last_ms += earned * rl->interval_ms;
		}
	} else if (now_ms < rl->last_ms) {
		rl->last_ms = now_ms;	/* replayed clocks can go backwards */
	}
	if (rl->tokens == 0)
		return false;
	rl->tokens--;
	return true;
}
