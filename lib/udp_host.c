/*
 * udp_host.c - the UDP echo service of rung 4, on lib/ip_host.c.
 */
#include "udp_host.h"

#include "udp.h"

/* Echo a UDP datagram to its sender, or say the port is unreachable. */
enum drop udp_host_input(struct ip_host *h, uint16_t port, const uint8_t *pkt,
			 const struct ipv4_hdr *ip, uint64_t now_ms, struct txq *tx)
{
	/* build-it 04.1 begin: echo a UDP datagram to its sender, or say the port is unreachable */
	struct udp_hdr u, reply;
	enum drop why;
	uint8_t *out;
	size_t n;

	why = udp_parse(ip->payload, ip->payload_len, ip->src, ip->dst, &u);
	if (why != DROP_NONE)
		return why;
	/* RFC 768: source port 0 means "no reply expected". */
	if (u.src_port == 0)
		return DROP_UDP_NO_SOURCE_PORT;
	if (u.dst_port != port)
		return ip_host_unreachable(h, ICMP_CODE_PORT_UNREACHABLE,
					   DROP_UDP_PORT_UNREACHABLE, pkt, ip,
					   now_ms);
	/* RFC 862: "send back any data it receives", to where it came from.
	 * The reply is written straight into the out queue, where the IP
	 * layer puts its headers in front of it (lib/ip_host.c). */
	out = ip_host_tx_payload(h, tx, UDP_HDR_LEN + u.data_len);
	if (!out)
		return DROP_TX_QUEUE_FULL;
	reply = u;
	reply.src_port = u.dst_port;
	reply.dst_port = u.src_port;
	n = udp_emit(&reply, ip->dst, ip->src, out, UDP_HDR_LEN + u.data_len);
	ip_host_tx_push(h, ip->src, IPV4_PROTO_UDP, n, now_ms, tx);
	return DROP_NONE;
	/* build-it 04.1 end; the starter has:
	 *	(void)h, (void)port, (void)pkt, (void)ip, (void)now_ms, (void)tx;
	 *	return DROP_NOT_IMPLEMENTED;
	 */
}

