/*
 * fuzz_tcp - tcp_parse() on any bytes, and tcp_emit() back.
 *
 * Input: one flags byte (FUZZ_FIX_L4: compute the TCP checksum first), the
 * source and destination IPv4 addresses of the pseudo-header (4 bytes
 * each), then the TCP segment (an IPv4 payload).
 *
 * Checks:
 *   - tcp_parse and tcp_opts_parse never read past len (ASan); tcp_parse
 *     refuses exactly what tcp.h says, in that order: fewer than 20 bytes,
 *     a data offset below 5 or past len, a checksum that does not verify
 *     (or a segment over 65535 bytes), options the walker refuses (a kind
 *     other than 0 and 1 without a length byte, a length below 2 or past
 *     the end), SYN with FIN or RST, no flag at all.  The options are
 *     judged by a second walker written here, and what tcp_opts_parse
 *     found (MSS and window scale only from their own lengths, window
 *     scale at most 14, timestamps' two values, SACK blocks only from a
 *     length of 2 + 8n with n of 1 to 4) must equal what it found;
 *   - accepted: data is the len - offset*4 bytes after the header;
 *     tcp_emit into a block of exactly tcp_hdr_len() + data_len bytes
 *     writes ports, seq, ack, flags and window as parsed, the data
 *     untouched, urgent 0, reserved bits 0, and a checksum that verifies;
 *     parsed again it is accepted, with the MSS, window scale,
 *     SACK-permitted and timestamp of the original when it is a SYN, and
 *     its timestamp and SACK blocks (as many as fit) when it is not; the
 *     header length is what tcp_hdr_len said.  Where header and data
 *     would pass 65535 bytes, emit writes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/cksum.h"
#include "../lib/tcp.h"
#include "fuzz.h"

#define PREFIX	9	/* flags, source, destination */

static uint16_t tcp_sum(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst)
{
	return cksum_finish(cksum_add(cksum_pseudo_ipv4(src, dst, IPV4_PROTO_TCP,
							(uint16_t)len), buf, len));
}

/* The option rules of tcp.h, walked again by position: returns false for
 * options tcp_opts_parse must refuse, and fills what it must find. */
static bool options_ok(const uint8_t *o, size_t len, struct tcp_opts *want)
{
	size_t at = 0;

	memset(want, 0, sizeof(*want));
	while (at < len && o[at] != TCP_OPT_END) {
		size_t olen;

		if (o[at] == TCP_OPT_NOP) {
			at += 1;
			continue;
		}
		if (at + 1 >= len)
			return false;
		olen = o[at + 1];
		if (olen < 2 || at + olen > len)
			return false;
		if (o[at] == TCP_OPT_MSS && olen == 4) {
			want->has_mss = true;
			want->mss = (uint16_t)(o[at + 2] << 8 | o[at + 3]);
		} else if (o[at] == TCP_OPT_WSCALE && olen == 3) {
			want->has_wscale = true;
			want->wscale = (uint8_t)(o[at + 2] < 14 ? o[at + 2] : 14);
		} else if (o[at] == TCP_OPT_SACK_PERM && olen == 2) {
			want->sack_permitted = true;
		} else if (o[at] == TCP_OPT_TIMESTAMP && olen == 10) {
			want->has_timestamp = true;
			want->ts_val = get32(o + at + 2);
			want->ts_ecr = get32(o + at + 6);
		} else if (o[at] == TCP_OPT_SACK && olen >= 10 && olen <= 34 &&
			   (olen - 2) % 8 == 0) {
			size_t b;

			want->n_sack = (uint8_t)((olen - 2) / 8);
			for (b = 0; b < want->n_sack; b++) {
				want->sack[b].start = get32(o + at + 2 + 8 * b);
				want->sack[b].end = get32(o + at + 6 + 8 * b);
			}
		}
		at += olen;
	}
	return true;
}

static enum drop expected(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
			  struct tcp_opts *want)
{
	size_t hlen;
	uint8_t flags;

	if (len < 20)
		return DROP_TCP_TRUNCATED;
	hlen = (size_t)(buf[12] >> 4) * 4;
	if (hlen < 20 || hlen > len)
		return DROP_TCP_BAD_OFFSET;
	if (len > 65535 || tcp_sum(buf, len, src, dst) != 0)
		return DROP_TCP_BAD_CHECKSUM;
	if (!options_ok(buf + 20, hlen - 20, want))
		return DROP_TCP_BAD_OPTIONS;
	flags = buf[13];
	if (flags == 0 || ((flags & TCP_FLAG_SYN) && (flags & (TCP_FLAG_FIN | TCP_FLAG_RST))))
		return DROP_TCP_BAD_FLAGS;
	return DROP_NONE;
}

/* The first n SACK blocks of a and b are the same. */
static bool same_sack(const struct tcp_opts *a, const struct tcp_opts *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a->sack[i].start != b->sack[i].start || a->sack[i].end != b->sack[i].end)
			return false;
	return true;
}

static bool same_opts(const struct tcp_opts *a, const struct tcp_opts *b)
{
	return a->has_mss == b->has_mss && (!a->has_mss || a->mss == b->mss) &&
	       a->has_wscale == b->has_wscale && (!a->has_wscale || a->wscale == b->wscale) &&
	       a->sack_permitted == b->sack_permitted && a->has_timestamp == b->has_timestamp &&
	       (!a->has_timestamp || (a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr)) &&
	       a->n_sack == b->n_sack && same_sack(a, b, a->n_sack);
}

/* Emit h with its data, parse it back, and compare. */
static void round_trip(const struct tcp_hdr *h, uint32_t src, uint32_t dst)
{
	size_t hlen = tcp_hdr_len(h), total = hlen + h->data_len;
	struct tcp_hdr again;
	uint8_t *out;

	FUZZ_CHECK(hlen >= 20 && hlen <= TCP_MAX_HDR_LEN && hlen % 4 == 0);
	if (total > 65535) {
		uint8_t hdr[TCP_MAX_HDR_LEN];

		FUZZ_CHECK(tcp_emit(h, src, dst, hdr, h->data_len) == 0);
		return;
	}
	out = malloc(total);
	if (!out)
		abort();
	if (h->data_len)
		memcpy(out + hlen, h->data, h->data_len);
	FUZZ_CHECK(tcp_emit(h, src, dst, out, h->data_len) == hlen);
	FUZZ_CHECK(get16(out) == h->src_port && get16(out + 2) == h->dst_port);
	FUZZ_CHECK(get32(out + 4) == h->seq && get32(out + 8) == h->ack);
	FUZZ_CHECK(out[12] == (uint8_t)((hlen / 4) << 4));
	FUZZ_CHECK(out[13] == h->flags);
	FUZZ_CHECK(get16(out + 14) == h->window);
	FUZZ_CHECK(get16(out + 18) == 0);
	FUZZ_CHECK(h->data_len == 0 || memcmp(out + hlen, h->data, h->data_len) == 0);
	FUZZ_CHECK(tcp_sum(out, total, src, dst) == 0);

	FUZZ_CHECK(tcp_parse(out, total, src, dst, &again) == DROP_NONE);
	FUZZ_CHECK(again.data == out + hlen && again.data_len == h->data_len);
	FUZZ_CHECK(again.opts.has_timestamp == h->opts.has_timestamp);
	FUZZ_CHECK(!h->opts.has_timestamp || (again.opts.ts_val == h->opts.ts_val &&
					      again.opts.ts_ecr == h->opts.ts_ecr));
	if (h->flags & TCP_FLAG_SYN) {
		FUZZ_CHECK(again.opts.has_mss && again.opts.mss == h->opts.mss);
		FUZZ_CHECK(again.opts.has_wscale == h->opts.has_wscale);
		FUZZ_CHECK(!h->opts.has_wscale || again.opts.wscale == h->opts.wscale);
		FUZZ_CHECK(again.opts.sack_permitted == h->opts.sack_permitted);
		FUZZ_CHECK(again.opts.n_sack == 0);
	} else {
		FUZZ_CHECK(!again.opts.has_mss && !again.opts.has_wscale);
		FUZZ_CHECK(!again.opts.sack_permitted);
		/* As many blocks as fit: all 4 alone, 3 beside a timestamp. */
		FUZZ_CHECK(again.opts.n_sack <= h->opts.n_sack);
		FUZZ_CHECK(again.opts.n_sack == h->opts.n_sack ||
			   again.opts.n_sack == (h->opts.has_timestamp ? 3 : 4));
		FUZZ_CHECK(same_sack(&again.opts, &h->opts, again.opts.n_sack));
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_opts want, walked;
	struct tcp_hdr h;
	uint32_t src, dst;
	enum drop why;
	uint8_t *buf;
	size_t len;

	if (size < PREFIX)
		return 0;
	src = get32(data + 1);
	dst = get32(data + 5);
	len = size - PREFIX;
	buf = fuzz_copy(data + PREFIX, len);
	if ((data[0] & FUZZ_FIX_L4) && len >= 20 && len <= 65535) {
		put16(buf + 16, 0);
		put16(buf + 16, tcp_sum(buf, len, src, dst));
	}

	why = tcp_parse(buf, len, src, dst, &h);
	FUZZ_CHECK(why == expected(buf, len, src, dst, &want));
	/* The walker alone, over whatever the data offset claims. */
	if (len >= 20 && (size_t)(buf[12] >> 4) * 4 >= 20 && (size_t)(buf[12] >> 4) * 4 <= len) {
		size_t olen = (size_t)(buf[12] >> 4) * 4 - 20;
		uint8_t *opts = fuzz_copy(buf + 20, olen);
		bool ok = options_ok(opts, olen, &want);

		FUZZ_CHECK(tcp_opts_parse(opts, olen, &walked) ==
			   (ok ? DROP_NONE : DROP_TCP_BAD_OPTIONS));
		FUZZ_CHECK(!ok || same_opts(&walked, &want));
		FUZZ_CHECK(walked.wscale <= TCP_WSCALE_MAX);
		free(opts);
	}
	if (why == DROP_NONE) {
		FUZZ_CHECK(h.data_off >= 5 && (size_t)h.data_off * 4 <= len);
		FUZZ_CHECK(h.data == buf + (size_t)h.data_off * 4);
		FUZZ_CHECK(h.data_len == len - (size_t)h.data_off * 4);
		FUZZ_CHECK(same_opts(&h.opts, &want));
		(void)cksum(h.data, h.data_len);	/* every byte inside? */
		round_trip(&h, src, dst);
	}
	free(buf);
	return 0;
}
