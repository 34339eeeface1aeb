/*
 * tcp.c - TCP headers, their options and their checksum (RFC 9293 3.1,
 * 3.7.1; RFC 7323 2).  The header diagram is in tcp.h.
 *
 * This file knows where the bytes are.  What a segment means to a
 * connection (states, windows, retransmission) is tcp_mini's.
 */
#include "tcp.h"

#include <string.h>

#include "bytes.h"
#include "cksum.h"
#include "ipv4.h"

/*
 * Byte 12 holds the data offset in its high four bits; its low four bits
 * are reserved (RFC 9293 3.1: sent as zero, and a receiver pays them no
 * attention; the lowest one was once the experimental "NS" bit of RFC 3540,
 * now historic).  Byte 13 holds the eight flag bits, TCP_FLAG_*.
 */
#define OFF_BYTE	12
#define FLAGS_BYTE	13

/* The checksum over pseudo-header and the len bytes of segment. */
static uint16_t tcp_sum(const uint8_t *seg, uint16_t len, uint32_t src, uint32_t dst)
{
	return cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_TCP, len),
				      seg, len));
}

/*
 * RFC 9293 3.1 on options: they sit at the end of the header, each starting
 * on any byte, and come in two shapes.  End of Option List (kind 0) and
 * No-Operation (kind 1) are a single kind byte.  Every other kind is a kind
 * byte, a length byte that counts the kind and length bytes themselves, and
 * length - 2 bytes of value.  The list may end before the header does (what
 * follows an End of Option List is padding, zeros), or run to its end with
 * no End at all.  A receiver must accept an option in any segment, and
 * must step over one it does not know by its length: that is why every kind
 * but 0 and 1 has to carry one.  It must also expect an illegal length
 * (zero, say); the RFC suggests resetting the connection.  We drop the
 * segment and count it, which a sender can only have earned with a bug or a
 * probe.
 *
 * The bounds are what make a walker safe: a length of 0 or 1 would make no
 * progress (the loop would spin on the same byte, or read its own length as
 * a kind), and a length past the end would make the next read land beyond
 * the buffer.  Both are refused before anything is read.
 */
enum drop tcp_opts_parse(const uint8_t *buf, size_t len, struct tcp_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = buf[i];
		size_t olen;

		if (kind == TCP_OPT_END)
			break;
		if (kind == TCP_OPT_NOP) {	/* used to align what follows */
			i++;
			continue;
		}
		if (len - i < 2)		/* a kind with no length byte */
			return DROP_TCP_BAD_OPTIONS;
		olen = buf[i + 1];
		if (olen < 2 || olen > len - i)
			return DROP_TCP_BAD_OPTIONS;
		/* From here on buf[i .. i + olen - 1] are all inside. */
		switch (kind) {
		case TCP_OPT_MSS:
			/* RFC 9293 3.7.1: the largest segment (data only, no
			 * TCP or IP header) the sender of this SYN is willing
			 * to receive, as 16 bits.  Without one, a peer assumes
			 * 536.  A value of 0 is recorded as it came: what to
			 * do with it is the connection's decision. */
			if (olen == 4) {
				o->has_mss = true;
				o->mss = get16(buf + i + 2);
			}
			break;
		case TCP_OPT_WSCALE:
			/* RFC 7323 2: one byte, the shift count: the peer's
			 * window field is to be read as window << shift.  It
			 * is only valid in a SYN, and only takes effect when
			 * both SYNs carry it.  A shift above 14 would allow a
			 * window of 2^31 bytes or more, half the sequence
			 * space, where old and new sequence numbers can no
			 * longer be told apart: it is read as 14 (2.3). */
			if (olen == 3) {
				o->has_wscale = true;
				o->wscale = buf[i + 2] > TCP_WSCALE_MAX ?
					    TCP_WSCALE_MAX : buf[i + 2];
			}
			break;
		case TCP_OPT_SACK_PERM:
			/* RFC 2018 2: "this end may receive SACK options", in
			 * a SYN; SACK is used only if both SYNs carry it. */
			if (olen == 2)
				o->sack_permitted = true;
			break;
		case TCP_OPT_SACK:
			/* RFC 2018 3: blocks of two 32-bit edges, left (the
			 * first byte held) and right (one past the last).  A
			 * length that is not 2 + 8n for n of 1 to 4 is no
			 * SACK option: ignored. */
			if (olen >= 10 && (olen - 2) % 8 == 0 &&
			    (olen - 2) / 8 <= TCP_MAX_SACK) {
				size_t b;

				o->n_sack = (uint8_t)((olen - 2) / 8);
				for (b = 0; b < o->n_sack; b++) {
					o->sack[b].start = get32(buf + i + 2 + 8 * b);
					o->sack[b].end = get32(buf + i + 6 + 8 * b);
				}
			}
			break;
		case TCP_OPT_TIMESTAMP:
			/* RFC 7323 3: the sender's clock (TSval) and the
			 * last TSval it received from us (TSecr). */
			if (olen == 10) {
				o->has_timestamp = true;
				o->ts_val = get32(buf + i + 2);
				o->ts_ecr = get32(buf + i + 6);
			}
			break;
		default:
			break;		/* unknown: stepped over by its length */
		}
		/* A known kind with another length than its own is ignored,
		 * like an unknown one (Linux does the same). */
		i += olen;
	}
	return DROP_NONE;
}

enum drop tcp_parse_csum(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
			 bool check_sum, struct tcp_hdr *h)
{
	size_t hlen;
	uint8_t flags;
	enum drop why;

	if (len < TCP_HDR_LEN)
		return DROP_TCP_TRUNCATED;
	h->src_port = get16(buf);
	h->dst_port = get16(buf + 2);
	h->seq = get32(buf + 4);
	h->ack = get32(buf + 8);
	h->data_off = (uint8_t)(buf[OFF_BYTE] >> 4);
	h->flags = buf[FLAGS_BYTE];
	h->window = get16(buf + 14);
	h->checksum = get16(buf + 16);
	h->urgent = get16(buf + 18);
	/* RFC 9293 3.1: the data offset counts the header in 32-bit words, so
	 * it also says where the data begins.  Below 5 it would put the data
	 * inside the fixed header; past len, beyond what arrived. */
	hlen = (size_t)h->data_off * 4;
	if (h->data_off < 5 || hlen > len)
		return DROP_TCP_BAD_OFFSET;
	h->data = buf + hlen;
	h->data_len = len - hlen;
	/* The checksum covers the pseudo-header (whose TCP length is the
	 * IPv4 payload's, options and data included), the header with its
	 * checksum field as sent, and the data padded to an even length:
	 * summed with the field in place, a correct segment gives 0.  Unlike
	 * UDP's, TCP's checksum is never optional. */
	if (len > 65535 || (check_sum && tcp_sum(buf, (uint16_t)len, src, dst) != 0))
		return DROP_TCP_BAD_CHECKSUM;
	why = tcp_opts_parse(buf + TCP_HDR_LEN, hlen - TCP_HDR_LEN, &h->opts);
	if (why != DROP_NONE)
		return why;
	/* SYN opens a sequence space, FIN and RST end one: no peer sends them
	 * together, and no peer sends a segment with no flag at all.  These
	 * are port scanners' probes ("Christmas tree", "null" scans); the
	 * RFC gives each a meaning in some state, we refuse them here. */
	flags = h->flags;
	if ((flags & TCP_FLAG_SYN) && (flags & (TCP_FLAG_FIN | TCP_FLAG_RST)))
		return DROP_TCP_BAD_FLAGS;
	if (flags == 0)
		return DROP_TCP_BAD_FLAGS;
	return DROP_NONE;
}

enum drop tcp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		    struct tcp_hdr *h)
{
	return tcp_parse_csum(buf, len, src, dst, true, h);
}

/* How many SACK blocks fit beside the other options of h (not a SYN). */
static size_t sack_fit(const struct tcp_hdr *h)
{
	size_t room = TCP_MAX_OPT_LEN - (h->opts.has_timestamp ? 12 : 0) - 4;
	size_t n = h->opts.n_sack < TCP_MAX_SACK ? h->opts.n_sack : TCP_MAX_SACK;

	return n < room / 8 ? n : room / 8;
}

size_t tcp_hdr_len(const struct tcp_hdr *h)
{
	size_t len = TCP_HDR_LEN;

	if (h->flags & TCP_FLAG_SYN) {
		len += 4;				/* MSS */
		if (h->opts.sack_permitted || h->opts.has_timestamp)
			len += 12;	/* SACK-perm + TS, or no-ops and one */
		if (h->opts.sack_permitted && !h->opts.has_timestamp)
			len -= 8;	/* no-op, no-op, SACK-permitted: 4 */
		if (h->opts.has_wscale)
			len += 4;			/* no-op, window scale */
		return len;
	}
	if (h->opts.has_timestamp)
		len += 12;				/* no-op, no-op, TS */
	if (sack_fit(h))
		len += 4 + 8 * sack_fit(h);		/* no-op, no-op, SACK */
	return len;
}

/* The timestamp option's 10 bytes at p. */
static uint8_t *put_timestamp(uint8_t *p, const struct tcp_opts *o)
{
	p[0] = TCP_OPT_TIMESTAMP;
	p[1] = 10;
	put32(p + 2, o->ts_val);
	put32(p + 6, o->ts_ecr);
	return p + 10;
}

/* The options of h at p, in the order and alignment Linux uses (tcpdump
 * then prints ours as it prints the kernel's). */
static void put_options(const struct tcp_hdr *h, uint8_t *p)
{
	const struct tcp_opts *o = &h->opts;
	size_t b, n;

	if (h->flags & TCP_FLAG_SYN) {
		/* Our MSS, always: without it the peer would assume 536
		 * (RFC 9293 3.7.1). */
		p[0] = TCP_OPT_MSS;
		p[1] = 4;
		put16(p + 2, o->mss);
		p += 4;
		if (o->sack_permitted && o->has_timestamp) {
			p[0] = TCP_OPT_SACK_PERM;	/* 2 + 10: aligned */
			p[1] = 2;
			p = put_timestamp(p + 2, o);
		} else if (o->has_timestamp) {
			p[0] = p[1] = TCP_OPT_NOP;
			p = put_timestamp(p + 2, o);
		} else if (o->sack_permitted) {
			p[0] = p[1] = TCP_OPT_NOP;
			p[2] = TCP_OPT_SACK_PERM;
			p[3] = 2;
			p += 4;
		}
		if (o->has_wscale) {
			/* A no-op first, so the 3-byte option ends the
			 * header on a 32-bit boundary. */
			p[0] = TCP_OPT_NOP;
			p[1] = TCP_OPT_WSCALE;
			p[2] = 3;
			p[3] = o->wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : o->wscale;
		}
		return;
	}
	if (o->has_timestamp) {
		p[0] = p[1] = TCP_OPT_NOP;
		p = put_timestamp(p + 2, o);
	}
	n = sack_fit(h);
	if (n) {
		p[0] = p[1] = TCP_OPT_NOP;
		p[2] = TCP_OPT_SACK;
		p[3] = (uint8_t)(2 + 8 * n);
		for (b = 0; b < n; b++) {
			put32(p + 4 + 8 * b, o->sack[b].start);
			put32(p + 8 + 8 * b, o->sack[b].end);
		}
	}
}

size_t tcp_emit(const struct tcp_hdr *h, uint32_t src, uint32_t dst,
		uint8_t *buf, size_t data_len)
{
	size_t hlen = tcp_hdr_len(h);

	if (data_len > 65535 - hlen)
		return 0;
	put16(buf, h->src_port);
	put16(buf + 2, h->dst_port);
	put32(buf + 4, h->seq);
	put32(buf + 8, h->ack);
	buf[OFF_BYTE] = (uint8_t)((hlen / 4) << 4);	/* reserved bits 0 */
	buf[FLAGS_BYTE] = h->flags;
	put16(buf + 14, h->window);
	put16(buf + 16, 0);	/* the checksum is computed with this 0 */
	put16(buf + 18, 0);	/* urgent pointer: we send no urgent data */
	put_options(h, buf + TCP_HDR_LEN);
	/* Unlike UDP, TCP has no "no checksum" value, so a computed 0 goes
	 * out as 0: both forms of zero verify. */
	put16(buf + 16, tcp_sum(buf, (uint16_t)(hlen + data_len), src, dst));
	return hlen;
}

void tcp_sum_finish(uint8_t *buf, size_t seg_len, uint32_t src, uint32_t dst)
{
	put16(buf + 16, 0);
	put16(buf + 16, tcp_sum(buf, (uint16_t)seg_len, src, dst));
}

void tcp_sum_partial(uint8_t *buf, size_t seg_len, uint32_t src, uint32_t dst)
{
	put16(buf + 16, (uint16_t)cksum_pseudo_ipv4(src, dst, IPV4_PROTO_TCP,
						    (uint16_t)seg_len));
}
