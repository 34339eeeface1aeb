/*
 * frag.c - IPv4 fragmentation, after the example procedure of RFC 791 3.2.
 */
#include "frag.h"

#include <string.h>

#include "bytes.h"
#include "cksum.h"
#include "ipv4.h"

/* IP options (RFC 791 3.1).  The top bit of an option's type is the copied
 * flag: set, the option goes into every fragment (security, source routes);
 * clear, only into the first (record route, timestamp).  Every option but
 * these two single bytes is type, length (counting both), data. */
#define OPT_END		0	/* End of Option List: the rest is padding */
#define OPT_NOP		1	/* No Operation: one byte */
#define OPT_COPIED	0x80

/* Reused for every fragment: see the note in frag.h.  A fragment is at most
 * the size of the datagram it came from. */
static uint8_t frag_buf[IPV4_MAX_LEN];

/* Make the options of hdr (hlen bytes) those of a later fragment: each
 * option without the copied flag becomes NOPs of the same length.  Linux's
 * ip_options_fragment() does the same; RFC 791's procedure instead rebuilds
 * a shorter header, which would change how much payload each fragment
 * holds.  The walk trusts no length: a length below 2 or one that runs past
 * the header ends it, and the rest becomes NOPs (the bug class OpenBSD's
 * ping was hardened against). */
static void keep_copied_options(uint8_t *hdr, size_t hlen)
{
	size_t i = IPV4_HDR_LEN;

	while (i < hlen) {
		uint8_t type = hdr[i];
		size_t olen;

		if (type == OPT_END)
			return;
		if (type == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || hdr[i + 1] < 2 || i + hdr[i + 1] > hlen) {
			memset(hdr + i, OPT_NOP, hlen - i);
			return;
		}
		olen = hdr[i + 1];
		if (!(type & OPT_COPIED))
			memset(hdr + i, OPT_NOP, olen);
		i += olen;
	}
}

enum drop ipv4_fragment(const uint8_t *pkt, size_t len, int mtu,
			void (*emit)(void *ctx, const uint8_t *frag,
				     size_t frag_len),
			void *ctx)
{
	struct ipv4_hdr ip;
	enum drop why = ipv4_parse(pkt, len, &ip);
	uint8_t hdr[60];		/* the header as each fragment gets it */
	size_t hlen, room, pos;

	if (why != DROP_NONE)
		return why;
	/* RFC 791 3.2, step 1: a datagram that fits goes as it is ... */
	if (mtu > 0 && ip.total_len <= (size_t)mtu) {
		emit(ctx, pkt, ip.total_len);
		return DROP_NONE;
	}
	/* ... one that does not, with DF set, is discarded.  Path MTU
	 * discovery (RFC 1191) relies on it: a router sends back ICMP
	 * "fragmentation needed", and Linux fails a host's own send with
	 * EMSGSIZE. */
	if (ip.df || mtu < IPV4_MIN_MTU)
		return DROP_IPV4_DF_TOO_BIG;
	/* The last fragment's offset must fit the 13-bit field: refuse what
	 * reassembly would refuse as the ping of death (lib/reasm.c). */
	if ((size_t)ip.frag_offset + ip.payload_len > IPV4_MAX_LEN - IPV4_HDR_LEN)
		return DROP_REASM_TOO_BIG;

	hlen = (size_t)ip.ihl * 4;
	/* Step 2: payload per fragment, in whole 8-byte blocks (RFC 791's
	 * NFB).  mtu >= 68 and hlen <= 60 leave at least one block. */
	room = ((size_t)mtu - hlen) / 8 * 8;
	memcpy(hdr, pkt, hlen);
	for (pos = 0; pos < ip.payload_len; pos += room) {
		size_t n = ip.payload_len - pos < room ? ip.payload_len - pos : room;
		bool last = pos + n == ip.payload_len;
		/* DF is clear here; keep the reserved bit as it was. */
		uint16_t frag = (uint16_t)(get16(hdr + 6) &
					   ~(IPV4_FLAG_MF | IPV4_OFFSET_MASK));

		frag = (uint16_t)(frag | (ip.frag_offset + pos) / 8);
		if (!last || ip.mf)
			frag |= IPV4_FLAG_MF;
		memcpy(frag_buf, hdr, hlen);
		put16(frag_buf + 2, (uint16_t)(hlen + n));
		put16(frag_buf + 6, frag);
		put16(frag_buf + 10, 0);
		put16(frag_buf + 10, cksum(frag_buf, hlen));
		memcpy(frag_buf + hlen, ip.payload + pos, n);
		emit(ctx, frag_buf, hlen + n);
		if (pos == 0)
			keep_copied_options(hdr, hlen);
	}
	return DROP_NONE;
}
