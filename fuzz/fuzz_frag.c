/*
 * fuzz_frag - ipv4_fragment() on any datagram and MTU, then the fragments
 * put back together with reasm_add(), which must give the datagram back.
 *
 * Input: the MTU (2 bytes, big-endian: 0..65535), then the datagram.  Its
 * header checksum is always computed first: what ipv4_fragment gets was
 * built by our own IP layer.
 *
 * Checks:
 *   - a header ipv4_parse refuses: the same reason, nothing emitted;
 *   - a datagram that fits the MTU: emitted once, byte for byte, Total
 *     Length bytes (not what follows them);
 *   - too big with DF set or an MTU below 68: DROP_IPV4_DF_TOO_BIG; an
 *     offset and length past 65515 bytes: DROP_REASM_TOO_BIG; nothing
 *     emitted either way;
 *   - otherwise every fragment: at most MTU bytes; a header that parses
 *     with the original's IHL, TOS, identification, TTL, protocol,
 *     addresses and reserved bit; DF clear; the offset where the last one
 *     ended; MF on all but the last (and on the last if the original had
 *     it); a payload that is the original's next slice, the same multiple
 *     of 8 bytes in all but the last; options: the first fragment's are
 *     the original's, a later one's are the original's or NOPs, the same
 *     in every later fragment; the slices add up to the whole payload;
 *   - reassembled (in order, then in reverse order): only the last
 *     fragment in completes the datagram, and it equals the original byte
 *     for byte.  A datagram that was already a fragment never completes.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/frag.h"
#include "../lib/reasm.h"
#include "fuzz.h"

#define RESERVED_FLAG	0x80	/* in byte 6: the bit before DF */
#define OPT_NOP		1

/* The fragments, as ipv4_fragment emits them.  At most 65515 payload bytes
 * in slices of at least 8 under headers of at most 60 bytes. */
#define MAX_FRAGS	8192
static struct {
	size_t n, used;
	size_t off[MAX_FRAGS], len[MAX_FRAGS];
	uint8_t buf[1024 * 1024];
} frags;

static struct reasm r;			/* about 1 MB: not on the stack */
static uint8_t whole[IPV4_MAX_LEN];

static void collect(void *ctx, const uint8_t *frag, size_t len)
{
	(void)ctx;
	FUZZ_CHECK(frags.n < MAX_FRAGS && len <= sizeof(frags.buf) - frags.used);
	memcpy(frags.buf + frags.used, frag, len);
	frags.off[frags.n] = frags.used;
	frags.len[frags.n] = len;
	frags.used += len;
	frags.n++;
}

static const uint8_t *frag_pkt(size_t k)
{
	return frags.buf + frags.off[k];
}

/* Each fragment against the original (orig, parsed as ip). */
static void check_fragments(const uint8_t *orig, const struct ipv4_hdr *ip, int mtu)
{
	size_t hlen = (size_t)ip->ihl * 4, pos = 0, k, i;
	struct ipv4_hdr fh;

	FUZZ_CHECK(frags.n >= 2);
	for (k = 0; k < frags.n; k++) {
		const uint8_t *f = frag_pkt(k);
		bool last = k == frags.n - 1;

		FUZZ_CHECK(frags.len[k] <= (size_t)mtu);
		FUZZ_CHECK(ipv4_parse(f, frags.len[k], &fh) == DROP_NONE);
		FUZZ_CHECK(fh.total_len == frags.len[k]);
		FUZZ_CHECK(fh.ihl == ip->ihl && fh.tos == ip->tos && fh.id == ip->id &&
			   fh.ttl == ip->ttl && fh.proto == ip->proto &&
			   fh.src == ip->src && fh.dst == ip->dst);
		FUZZ_CHECK((f[6] & RESERVED_FLAG) == (orig[6] & RESERVED_FLAG));
		FUZZ_CHECK(!fh.df);
		FUZZ_CHECK(fh.frag_offset == ip->frag_offset + pos);
		FUZZ_CHECK(fh.mf == (!last || ip->mf));
		FUZZ_CHECK(fh.payload_len > 0);
		if (!last) {
			FUZZ_CHECK(fh.payload_len % 8 == 0);
			FUZZ_CHECK(fh.payload_len == frags.len[0] - hlen);
		}
		FUZZ_CHECK(memcmp(fh.payload, ip->payload + pos, fh.payload_len) == 0);

		/* Options: all in the first; copied ones or NOPs after. */
		if (k == 0) {
			FUZZ_CHECK(memcmp(f + IPV4_HDR_LEN, orig + IPV4_HDR_LEN,
					  hlen - IPV4_HDR_LEN) == 0);
		} else {
			for (i = IPV4_HDR_LEN; i < hlen; i++)
				FUZZ_CHECK(f[i] == orig[i] || f[i] == OPT_NOP);
			FUZZ_CHECK(memcmp(f + IPV4_HDR_LEN, frag_pkt(1) + IPV4_HDR_LEN,
					  hlen - IPV4_HDR_LEN) == 0);
		}
		pos += fh.payload_len;
	}
	FUZZ_CHECK(pos == ip->payload_len);
}

/* Hand fragment k to reassembly; returns the length completed, or 0. */
static size_t add(size_t k)
{
	struct ipv4_hdr fh;
	size_t out_len;
	enum drop why;

	FUZZ_CHECK(ipv4_parse(frag_pkt(k), frags.len[k], &fh) == DROP_NONE);
	why = reasm_add(&r, frag_pkt(k), &fh, 0, whole, sizeof(whole), &out_len);
	fuzz_check_drop(why);
	if (why != DROP_NONE)
		return 0;
	return out_len;
}

static void check_reassembly(const uint8_t *orig, const struct ipv4_hdr *ip)
{
	size_t k, n;

	reasm_init(&r);
	if (ipv4_is_fragment(ip)) {
		/* The pieces of a piece: the rest of the datagram is missing. */
		for (k = 0; k < frags.n; k++)
			FUZZ_CHECK(add(k) == 0);
		return;
	}
	for (k = 0; k + 1 < frags.n; k++)
		FUZZ_CHECK(add(k) == 0);
	n = add(frags.n - 1);
	FUZZ_CHECK(n == ip->total_len && memcmp(whole, orig, n) == 0);

	reasm_init(&r);
	for (k = frags.n - 1; k > 0; k--)
		FUZZ_CHECK(add(k) == 0);
	n = add(0);
	FUZZ_CHECK(n == ip->total_len && memcmp(whole, orig, n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_hdr ip;
	enum drop why, parsed;
	uint8_t *buf;
	size_t len;
	int mtu;

	if (size < 2)
		return 0;
	mtu = get16(data);
	len = size - 2;
	buf = fuzz_copy(data + 2, len);
	fuzz_fix_ipv4(buf, len, FUZZ_FIX_IP);
	frags.n = 0;
	frags.used = 0;

	why = ipv4_fragment(buf, len, mtu, collect, NULL);
	parsed = ipv4_parse(buf, len, &ip);
	if (parsed != DROP_NONE) {
		FUZZ_CHECK(why == parsed && frags.n == 0);
	} else if (ip.total_len <= (size_t)mtu) {
		FUZZ_CHECK(why == DROP_NONE && frags.n == 1);
		FUZZ_CHECK(frags.len[0] == ip.total_len);
		FUZZ_CHECK(memcmp(frag_pkt(0), buf, ip.total_len) == 0);
	} else if (ip.df || mtu < IPV4_MIN_MTU) {
		FUZZ_CHECK(why == DROP_IPV4_DF_TOO_BIG && frags.n == 0);
	} else if ((size_t)ip.frag_offset + ip.payload_len > REASM_MAX_PAYLOAD) {
		FUZZ_CHECK(why == DROP_REASM_TOO_BIG && frags.n == 0);
	} else {
		FUZZ_CHECK(why == DROP_NONE);
		check_fragments(buf, &ip, mtu);
		check_reassembly(buf, &ip);
	}
	free(buf);
	return 0;
}
