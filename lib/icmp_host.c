/*
 * icmp_host.c - the IPv4 host of rung 2 (icmp_reply), shared by every rung
 * above it: validate, own one address, answer ping, send ICMP errors.
 *
 * The steps, numbered as in icmp_host_input():
 *
 *   1. the IPv4 header (RFC 791 3.1; lib/ipv4.c): version, IHL >= 5 and
 *      inside the packet, IHL*4 <= total length <= bytes read, checksum;
 *      then the source must be a single host (RFC 1122 3.2.1.3), the
 *      destination our address (a host does not forward), and fragments are
 *      dropped (rung 4 reassembles them);
 *   2. demultiplex on the protocol: ICMP is the only one spoken here; any
 *      other gets ICMP destination unreachable, protocol unreachable
 *      (RFC 1122 3.2.2.1), quoting the IP header and 8 bytes of data,
 *      rate-limited;
 *   3. ICMP: the checksum covers the whole message; only echo requests are
 *      answered;
 *   4. the reply, built from scratch (RFC 792, RFC 1122 3.2.2.6): a new
 *      header from us, TTL 64, no options; identifier, sequence and data
 *      copied.
 *
 * Left out on purpose: IP options are not processed or echoed (RFC 1122
 * 3.2.2.6 says Record Route and Timestamp SHOULD be returned); timestamp
 * and information requests are not answered.
 */
#include "icmp_host.h"

#include "ipv4.h"
#include "ping.h"

void icmp_host_init(struct icmp_host *st, uint32_t addr, int mtu, uint64_t now_ms)
{
	st->addr = addr;
	st->mtu = mtu;
	st->next_id = 1;
	st->link_broadcast = false;
	st->ping = NULL;
	icmp_ratelimit_init(&st->errors, ICMP_HOST_ERROR_BURST,
			    ICMP_HOST_ERROR_INTERVAL_MS, now_ms);
}

enum drop icmp_host_error(struct icmp_host *st, uint8_t type, uint8_t code,
			  enum drop why, const uint8_t *pkt,
			  const struct ipv4_hdr *ip, uint64_t now_ms, struct txq *tx)
{
	/* build-it 02.4 begin: send an ICMP error, only where RFC 1122 allows one, rate-limited */
	uint8_t *out;
	size_t len;

	if (!icmp_error_allowed(ip) || st->link_broadcast)
		return DROP_ICMP_ERROR_NOT_ALLOWED;
	/* At most 20+8+60+8 bytes: over only with a tiny --mtu. Checked before
	 * a token is spent on it. */
	if (icmp_error_len(ip) > (size_t)st->mtu)
		return DROP_REPLY_EXCEEDS_MTU;
	out = txq_slot(tx);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	if (!icmp_ratelimit_take(&st->errors, now_ms))
		return DROP_ICMP_ERROR_RATE_LIMITED;
	len = icmp_build_error(type, code, st->addr, pkt, ip, st->next_id++,
			       out, PKT_BUF_SIZE);
	txq_push(tx, len);
	return why;
	/* build-it 02.4 end; the starter has:
	 *	(void)st, (void)type, (void)code, (void)why, (void)pkt, (void)ip, (void)now_ms, (void)tx;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

enum drop icmp_host_accept(const struct icmp_host *st, const uint8_t *pkt,
			   size_t len, struct ipv4_hdr *ip)
{
	/* build-it 02.2 begin: take only whole datagrams from a host to our address; demultiplex */
	enum drop why = ipv4_parse(pkt, len, ip);

	if (why != DROP_NONE)
		return why;
	if (!ipv4_is_host_source(ip->src))
		return DROP_IPV4_BAD_SOURCE;
	if (ip->dst != st->addr)
		return DROP_IPV4_NOT_FOR_US;	/* a host doesn't forward */
	return DROP_NONE;
	/* build-it 02.2 end; the starter has: (void)st, (void)pkt, (void)len, (void)ip; return DROP_NOT_IMPLEMENTED; */
}

enum drop icmp_host_icmp(struct icmp_host *st, const struct ipv4_hdr *ip,
			 struct txq *tx)
{
	enum drop ping_why;

	/* Rungs 3-5: replies to our own ping, and errors about its requests,
	 * are the pinger's (lib/ping.c).  Rung 2 has none. */
	if (st->ping && pinger_input(st->ping, ip, &ping_why))
		return ping_why;
	/* build-it 02.3 begin: answer an echo request with a reply of our own */
	struct icmp_hdr icmp;
	enum drop why;
	uint8_t *out;
	size_t n;

	/* 3. ICMP: the checksum covers the whole message. */
	why = icmp_parse(ip->payload, ip->payload_len, &icmp);
	if (why != DROP_NONE)
		return why;
	if (icmp.type != ICMP_TYPE_ECHO_REQUEST || icmp.code != 0)
		return DROP_ICMP_NOT_ECHO_REQUEST;

	/* 4. The reply, built fresh in the out queue. */
	out = txq_slot(tx);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	n = icmp_build_echo_reply(ip, &icmp, st->next_id, out, PKT_BUF_SIZE);
	/* A reply can only be as large as the request minus its options, so
	 * this fires only when --mtu is set below the device's. */
	if (n == 0 || n > (size_t)st->mtu)
		return DROP_REPLY_EXCEEDS_MTU;
	st->next_id++;
	txq_push(tx, n);
	return DROP_NONE;
	/* build-it 02.3 end; the starter has: (void)st, (void)ip, (void)tx; return DROP_NOT_IMPLEMENTED; */
}

enum drop icmp_host_input(struct icmp_host *st, const uint8_t *pkt, size_t len,
			  uint64_t now_ms, struct txq *tx)
{
	/* build-it 02.2 begin: take only whole datagrams from a host to our address; demultiplex */
	struct ipv4_hdr ip;
	enum drop why;

	/* 1. The IPv4 header, and is it for us?  Fragments wait for rung 4. */
	why = icmp_host_accept(st, pkt, len, &ip);
	if (why != DROP_NONE)
		return why;
	if (ipv4_is_fragment(&ip))
		return DROP_IPV4_FRAGMENT;

	/* 2. Demultiplex on the protocol: ICMP is the only one we speak. */
	if (ip.proto != IPV4_PROTO_ICMP)
		return icmp_host_error(st, ICMP_TYPE_DEST_UNREACHABLE,
				       ICMP_CODE_PROTOCOL_UNREACHABLE,
				       DROP_IPV4_PROTOCOL_UNREACHABLE, pkt, &ip, now_ms, tx);

	/* 3 and 4: answer ICMP. */
	return icmp_host_icmp(st, &ip, tx);
	/* build-it 02.2 end; the starter has:
	 *	(void)st, (void)pkt, (void)len, (void)now_ms, (void)tx;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}
