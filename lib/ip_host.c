/*
 * ip_host.c - the IPv4 host on Ethernet that udp_echo and tcp_mini share:
 * steps 1-3 of input and both ways out (see ip_host.h).
 */
#include "ip_host.h"

#include <string.h>

#include "bytes.h"
#include "frag.h"
#include "ping.h"

void ip_host_init(struct ip_host *h, const uint8_t mac[6], uint32_t addr,
		  int mtu, uint64_t now_ms, struct txq *tx)
{
	memset(h->drops, 0, sizeof(h->drops));
	eth_host_init(&h->link, mac, addr, h->drops);
	/* The IP layer may build replies up to the IPv4 maximum: the output
	 * step fragments them to the real MTU. */
	icmp_host_init(&h->ip, addr, IPV4_MAX_LEN, now_ms);
	reasm_init(&h->reasm);
	h->mtu = mtu;
	h->icmp_errors_up = false;
	txq_clear(&h->ipq);
	eth_host_announce(&h->link, tx);
}

bool ip_host_icmp_quote(const uint8_t *data, size_t len, struct icmp_quote *q)
{
	size_t ihl;

	if (len < IPV4_HDR_LEN + 8 || data[0] >> 4 != 4)
		return false;
	ihl = (size_t)(data[0] & 0x0f) * 4;
	if (ihl < IPV4_HDR_LEN || len < ihl + 8)
		return false;
	q->proto = data[9];
	q->src = get32(data + 12);
	q->dst = get32(data + 16);
	q->l4 = data + ihl;
	return true;
}

/* An ICMP error a transport protocol can act on (RFC 1122 3.2.2: "the
 * ICMP message MUST be passed to the transport layer"): a verified
 * checksum, an error type, and a quote that says which datagram it is
 * about, one of the transport's (errors about ICMP we sent, our own
 * ping's, stay with ICMP). */
static bool icmp_error_for_rung(const struct ipv4_hdr *ip)
{
	struct icmp_hdr icmp;
	struct icmp_quote q;

	return icmp_parse(ip->payload, ip->payload_len, &icmp) == DROP_NONE &&
	       icmp_is_error(icmp.type) && ip_host_icmp_quote(icmp.data, icmp.data_len, &q) &&
	       q.proto != IPV4_PROTO_ICMP;
}

enum drop ip_host_input(struct ip_host *h, const uint8_t *frame, size_t len,
			uint64_t now_ms, struct txq *tx, const uint8_t **pkt,
			struct ipv4_hdr *ip)
{
	const uint8_t *p;
	size_t p_len, whole_len;
	enum drop why;

	*pkt = NULL;
	/* 1. Ethernet and ARP. */
	why = eth_host_input(&h->link, frame, len, now_ms, tx, &p, &p_len,
			     &h->ip.link_broadcast);
	if (why != DROP_NONE || !p)
		return why;

	/* 2. The IPv4 header, and is it for us? */
	why = icmp_host_accept(&h->ip, p, p_len, ip);
	if (why != DROP_NONE)
		return why;

	/* 3. A fragment waits for the rest; the last one makes it whole. */
	if (ipv4_is_fragment(ip)) {
		why = reasm_add(&h->reasm, p, ip, now_ms, h->whole,
				sizeof(h->whole), &whole_len);
		/* Datagrams pushed out of a full table, for the summary. */
		h->drops[DROP_REASM_EVICTED] = h->reasm.evicted;
		if (why != DROP_NONE || whole_len == 0)
			return why;
		p = h->whole;
		why = ipv4_parse(p, whole_len, ip);
		if (why != DROP_NONE)	/* reasm_add writes a valid header */
			return why;
	}

	/* 4. ICMP is the host's own, but for the errors a rung asked for;
	 * the rest goes up to the rung. */
	if (ip->proto == IPV4_PROTO_ICMP &&
	    !(h->icmp_errors_up && icmp_error_for_rung(ip)))
		return icmp_host_icmp(&h->ip, ip, &h->ipq);
	*pkt = p;
	return DROP_NONE;
}

enum drop ip_host_unreachable(struct ip_host *h, uint8_t code, enum drop why,
			      const uint8_t *pkt, const struct ipv4_hdr *ip,
			      uint64_t now_ms)
{
	return icmp_host_error(&h->ip, ICMP_TYPE_DEST_UNREACHABLE, code, why,
			       pkt, ip, now_ms, &h->ipq);
}

/* The frame a payload is written into starts this far before it. */
#define HDRS_LEN	(ETH_HDR_LEN + IPV4_HDR_LEN)

uint8_t *ip_host_tx_payload(struct ip_host *h, struct txq *tx, size_t cap)
{
	size_t need = HDRS_LEN + cap;
	uint8_t *frame;

	(void)h;
	/* eth_emit() pads a short frame to 60 bytes, in the slot. */
	frame = txq_slot_n(tx, need < ETH_MIN_FRAME ? ETH_MIN_FRAME : need);
	return frame ? frame + HDRS_LEN : NULL;
}

void ip_host_tx_push(struct ip_host *h, uint32_t dst, uint8_t proto,
		     size_t len, uint64_t now_ms, struct txq *tx)
{
	uint8_t *frame = txq_next(tx);	/* ip_host_tx_payload's slot */
	uint8_t *pkt = frame + ETH_HDR_LEN;
	size_t total = IPV4_HDR_LEN + len;
	struct ipv4_hdr out = {
		.ttl = 64, .proto = proto, .src = h->ip.addr, .dst = dst,
		.total_len = (uint16_t)total, .id = h->ip.next_id++,
	};
	struct arp_entry *e;
	uint32_t hop;
	uint8_t *copy;

	ipv4_emit(&out, pkt, IPV4_HDR_LEN);
	/* The fast path: the next hop's MAC is known and no fragmenting is
	 * needed.  Only the two headers are written; the payload stays put. */
	if (total <= (size_t)h->mtu && eth_host_next_hop(&h->link, dst, &hop)) {
		e = arp_cache_find(&h->link.arp, hop, now_ms);
		if (e && e->state == ARP_RESOLVED) {
			txq_push(tx, eth_emit(frame, e->mac, h->link.mac,
					      ETH_TYPE_IPV4, total));
			return;
		}
	}
	/* The slow path copies the datagram: it must wait for ARP, or be cut
	 * into fragments, and the out queue's slot is wanted for the next. */
	copy = txq_slot_n(&h->ipq, total);
	if (!copy) {
		h->drops[DROP_TX_QUEUE_FULL]++;
		return;
	}
	memcpy(copy, pkt, total);
	txq_push(&h->ipq, total);
}

/* One fragment (or a datagram that fits): frame it and send it. */
struct emit_ctx {
	struct ip_host *h;
	uint64_t now_ms;
	struct txq *tx;
};

static void emit_fragment(void *ctx, const uint8_t *frag, size_t len)
{
	struct emit_ctx *e = ctx;

	eth_host_send(&e->h->link, frag, len, e->now_ms, e->tx);
}

void ip_host_output(struct ip_host *h, uint64_t now_ms, struct txq *tx)
{
	struct emit_ctx ctx = { h, now_ms, tx };
	size_t i;

	for (i = 0; i < h->ipq.n; i++) {
		enum drop why = ipv4_fragment(txq_pkt(&h->ipq, i), h->ipq.len[i],
					      h->mtu, emit_fragment, &ctx);

		if (why != DROP_NONE)
			h->drops[why]++;
	}
	txq_clear(&h->ipq);
}

/* A reassembly that timed out: time exceeded to the sender, if its first
 * fragment told us who and what (RFC 1122 3.3.2: only then). */
static void reasm_timed_out(struct ip_host *h, const uint8_t *first,
			    size_t first_len, uint64_t now_ms)
{
	struct ipv4_hdr ip;
	enum drop why;
	size_t hlen;

	h->drops[DROP_REASM_TIMEOUT]++;
	if (first_len < IPV4_HDR_LEN)
		return;
	/* first holds the header and 8 bytes, not the whole fragment, so it
	 * is read field by field rather than with ipv4_parse(). */
	hlen = (size_t)(first[0] & 0x0f) * 4;
	memset(&ip, 0, sizeof(ip));
	ip.ihl = (uint8_t)(first[0] & 0x0f);
	ip.proto = first[9];
	ip.src = get32(first + 12);
	ip.dst = get32(first + 16);
	ip.payload = first + hlen;
	ip.payload_len = first_len - hlen;
	/* The time out is counted above; an error that could not be sent
	 * (rate limit, RFC 1122 rules) is counted under its own reason. */
	h->ip.link_broadcast = false;
	why = icmp_host_error(&h->ip, ICMP_TYPE_TIME_EXCEEDED,
			      ICMP_CODE_REASSEMBLY_TIME_EXCEEDED, DROP_REASM_TIMEOUT,
			      first, &ip, now_ms, &h->ipq);
	if (why != DROP_REASM_TIMEOUT)
		h->drops[why]++;
}

uint64_t ip_host_tick(struct ip_host *h, uint64_t now_ms, struct txq *tx)
{
	uint8_t first[68];
	size_t first_len;
	uint64_t next, r;

	while (reasm_expire(&h->reasm, now_ms, first, &first_len))
		reasm_timed_out(h, first, first_len, now_ms);
	r = h->ip.ping ? pinger_tick(h->ip.ping, &h->ipq, &h->ip.next_id) : UINT64_MAX;
	ip_host_output(h, now_ms, tx);
	next = eth_host_tick(&h->link, now_ms, tx);
	if (r < next)
		next = r;
	r = reasm_next_deadline(&h->reasm);
	return r < next ? r : next;
}

bool ip_host_take_unreachable(struct ip_host *h, uint8_t head[ETH_HOST_UNREACH_LEN],
			      size_t *len)
{
	while (eth_host_take_unreachable(&h->link, head, len))
		if (!h->ip.ping || !pinger_unreachable(h->ip.ping, head, *len))
			return true;
	return false;
}
