/*
 * gso.c - lesson 07: checksums the device finishes, and segments that
 * stand for many (TSO/GSO).
 *
 * On a TAP device opened with offloads (lib/dev.c, lib/vnet.h) the loop
 * tells the core what the device takes, in tx->offload:
 *
 *   VNET_OFF_CSUM  a segment may go with its checksum partial: only the
 *                  pseudo-header's sum in the field, the data never summed
 *                  here.  The kernel finishes it if the packet leaves the
 *                  machine, and need not when it stays (its own socket
 *                  trusts it: no wire was crossed).
 *   VNET_OFF_TSO4  a segment may carry many MSS of data and say so
 *                  (gso_size): the kernel cuts it into segments of at most
 *                  that much data, each with its own headers, sequence
 *                  number, IP ID and checksum, PSH and FIN on the last
 *                  only; or, for a socket of its own, takes it whole.
 *
 * The sender (output.c) does not change for this: it still sends one MSS
 * at a time, and each goes into the send log as its own record, so SACK
 * and RACK still see segments of one MSS.  What changes is packing: a
 * full-sized segment that follows the one queued last, of the same
 * connection and in sequence, joins it in its frame (tcp_gso_append), up
 * to 64 KB.  The headers are written again for the whole; the data is
 * copied once, where it will be sent from, as before.
 */
#include "tcp_mini.h"

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/eth.h"
#include "../lib/vnet.h"

/* Where the segment starts in the frame: we send no IP options. */
#define SEG_START	(ETH_HDR_LEN + IPV4_HDR_LEN)

void tcp_seg_push(struct tcp_mini *st, struct tcp_conn *c, const struct tcp_hdr *h,
		  uint8_t *seg, size_t hlen, size_t len, uint64_t now_ms,
		  struct txq *tx)
{
	bool partial = (tx->offload & VNET_OFF_CSUM) != 0;
	uint64_t pushes = tx->pushes, held = st->host.ipq.pushes;
	size_t i;

	if (!partial) {
		tcp_emit(h, st->host.ip.addr, c->raddr, seg, len);
		ip_host_tx_push(&st->host, c->raddr, IPV4_PROTO_TCP, hlen + len, now_ms, tx);
		return;
	}
	/* The header alone, then the pseudo-header's sum in its field. */
	tcp_emit(h, st->host.ip.addr, c->raddr, seg, 0);
	tcp_sum_partial(seg, hlen + len, st->host.ip.addr, c->raddr);
	ip_host_tx_push(&st->host, c->raddr, IPV4_PROTO_TCP, hlen + len, now_ms, tx);
	if (tx->pushes == pushes) {
		/* It waits for ARP in the IP layer's own queue (or was
		 * dropped): no header will go with it to say "partial", so
		 * its checksum is finished now. */
		if (st->host.ipq.pushes != held) {
			struct txq *q = &st->host.ipq;
			uint8_t *copy = (uint8_t *)txq_pkt(q, q->n - 1) + IPV4_HDR_LEN;

			tcp_sum_finish(copy, hlen + len, st->host.ip.addr, c->raddr);
		}
		st->gso.c = NULL;
		return;
	}
	i = tx->n - 1;
	tx->csum_start[i] = SEG_START;
	tx->csum_offset[i] = 16;		/* TCP's checksum field */
	/* A full segment of data (no SYN, no FIN) may be joined by the
	 * next one of this connection. */
	if ((tx->offload & VNET_OFF_TSO4) && len == c->mss &&
	    !(h->flags & ~(TCP_FLAG_ACK | TCP_FLAG_PSH))) {
		st->gso = (struct tcp_gso){
			.c = c, .pushes = tx->pushes, .first = seq(h->seq),
			.next = seq_add(seq(h->seq), (uint32_t)len),
			.hlen = hlen, .size = (uint16_t)len,
		};
	} else {
		st->gso.c = NULL;
	}
}

bool tcp_gso_append(struct tcp_mini *st, struct tcp_conn *c, const struct tcp_hdr *h,
		    size_t hlen, size_t off, size_t len, struct txq *tx)
{
	/* build-it 07.2 begin: the send side: a full-sized segment joins the frame queued last */
	struct tcp_gso *g = &st->gso;
	struct tcp_hdr whole;
	uint8_t *frame, *ip, *seg;
	size_t i, total;

	/* The frame queued last is this connection's full-sized segment
	 * (nothing was queued after it), and this one goes on from it with
	 * the same headers: at most one MSS of data, no SYN or RST. */
	if (g->c != c || g->pushes != tx->pushes || tx->n == 0 || len == 0 ||
	    len > g->size || hlen != g->hlen || !seq_eq(seq(h->seq), g->next) ||
	    (h->flags & ~(TCP_FLAG_ACK | TCP_FLAG_PSH | TCP_FLAG_FIN)))
		return false;
	i = tx->n - 1;
	total = tx->len[i] - ETH_HDR_LEN + len;	/* the IPv4 datagram */
	if (total > IPV4_MAX_LEN || TXQ_BYTES - tx->used < len)
		return false;
	frame = tx->buf + tx->off[i];
	ip = frame + ETH_HDR_LEN;
	seg = frame + SEG_START;
	ring_peek(&c->snd, off, frame + tx->len[i], len);	/* the one copy */
	tx->len[i] += len;
	tx->used += len;
	/* The headers again, for the whole: the first sequence number, the
	 * latest ACK, window and timestamp, this piece's PSH and FIN (the
	 * kernel puts them on the last piece only). */
	whole = *h;
	whole.seq = g->first.v;
	tcp_emit(&whole, st->host.ip.addr, c->raddr, seg, 0);
	tcp_sum_partial(seg, total - IPV4_HDR_LEN, st->host.ip.addr, c->raddr);
	put16(ip + 2, (uint16_t)total);
	put16(ip + 10, 0);
	put16(ip + 10, cksum(ip, IPV4_HDR_LEN));
	/* Each piece gets the next IP ID from the kernel: ours go on from
	 * the last one it will use. */
	st->host.ip.next_id++;
	tx->gso_size[i] = g->size;
	g->next = seq_add(g->next, (uint32_t)len);
	if (len < g->size || (h->flags & TCP_FLAG_FIN))
		g->c = NULL;		/* the last piece */
	return true;
	/* build-it 07.2 end; the starter has: (void)st, (void)c, (void)h, (void)hlen, (void)off, (void)len, (void)tx; return false; */
}
