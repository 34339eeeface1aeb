/*
 * fuzz_vnet - vnet_parse() on any bytes, vnet_put() back, and
 * vnet_csum_finish() on what vnet_parse accepted with NEEDS_CSUM.
 *
 * Input: what one read() from a TAP device opened with IFF_VNET_HDR gives
 * (lib/run.c hands it to vnet_parse before anything else looks at it):
 * the 10-byte virtio-net header, then the frame.  No flags byte: the
 * header has no checksum, and the frame's is the one vnet_csum_finish
 * computes.
 *
 * Checks:
 *   - vnet_parse never reads past len (ASan), and refuses exactly what
 *     vnet.h says, judged by a second decoder written here: fewer than 10
 *     bytes (vnet_truncated); a flag other than NEEDS_CSUM and
 *     DATA_VALID, a GSO type other than NONE, TCPV4 and UDP_L4 (TCPV4
 *     may carry the ECN bit, the others may not), TCPV4 or UDP_L4 with
 *     gso_size 0, UDP_L4 without NEEDS_CSUM at UDP's field (offset 6),
 *     or with NEEDS_CSUM a checksum field that is not wholly inside the
 *     frame past its 14-byte Ethernet header (vnet_bad);
 *   - accepted: the fields are the header's little-endian words, and
 *     vnet_put of them gives the same 10 bytes back;
 *   - accepted with NEEDS_CSUM: vnet_csum_finish on the frame, in a heap
 *     block of exactly its length (ASan: not one byte written or read
 *     outside it), changes at most the two bytes of the field and
 *     nothing else; UDP's field (csum_offset 6) never ends up 0x0000
 *     (RFC 768: "no checksum"); and when the field lies on a 16-bit
 *     word of the summed range (an even csum_offset, as TCP's 16 and
 *     UDP's 6 are), the result verifies: the range summed again, with
 *     the pseudo-header's sum that the field held, is 0xffff (summed
 *     here by a second RFC 1071 sum, not lib/cksum.c's).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/eth.h"
#include "../lib/cksum.h"
#include "../lib/vnet.h"
#include "fuzz.h"

struct model {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* What vnet.h says vnet_parse returns for these bytes; *m is the header
 * as decoded here (when len >= VNET_HDR_LEN). */
static enum drop expected(const uint8_t *buf, size_t len, struct model *m)
{
	size_t frame_len;

	if (len < VNET_HDR_LEN)
		return DROP_VNET_TRUNCATED;
	frame_len = len - VNET_HDR_LEN;
	m->flags = buf[0];
	m->gso_type = buf[1];
	m->hdr_len = le16(buf + 2);
	m->gso_size = le16(buf + 4);
	m->csum_start = le16(buf + 6);
	m->csum_offset = le16(buf + 8);
	if (m->flags & ~(VNET_F_NEEDS_CSUM | VNET_F_DATA_VALID))
		return DROP_VNET_BAD;
	switch (m->gso_type) {
	case VNET_GSO_NONE:
		break;
	case VNET_GSO_TCPV4:
	case VNET_GSO_TCPV4 | VNET_GSO_ECN:
		if (m->gso_size == 0)
			return DROP_VNET_BAD;
		break;
	case VNET_GSO_UDP_L4:
		/* We cut these ourselves, a checksum per datagram: the
		 * header must say where UDP's field is. */
		if (m->gso_size == 0 || !(m->flags & VNET_F_NEEDS_CSUM) ||
		    m->csum_offset != 6)
			return DROP_VNET_BAD;
		break;
	default:
		return DROP_VNET_BAD;
	}
	if ((m->flags & VNET_F_NEEDS_CSUM) &&
	    (m->csum_start < ETH_HDR_LEN ||
	     (size_t)m->csum_start + m->csum_offset + 2 > frame_len))
		return DROP_VNET_BAD;
	return DROP_NONE;
}

static void check_finish(const uint8_t *frame_in, size_t frame_len, const struct vnet_hdr *h)
{
	uint8_t *frame = fuzz_copy(frame_in, frame_len);
	size_t at = (size_t)h->csum_start + h->csum_offset;
	uint16_t held = (uint16_t)(frame_in[at] << 8 | frame_in[at + 1]), now;

	vnet_csum_finish(frame, frame_len, h);
	/* Only the field changed. */
	FUZZ_CHECK(memcmp(frame, frame_in, at) == 0);
	FUZZ_CHECK(memcmp(frame + at + 2, frame_in + at + 2, frame_len - at - 2) == 0);
	now = (uint16_t)(frame[at] << 8 | frame[at + 1]);
	if (h->csum_offset == 6)
		FUZZ_CHECK(now != 0);
	/* The sum over the range as sent now, plus the pseudo-header's sum
	 * the field held, is all ones: the receiver's check passes (summed
	 * by lib/cksum.c's plain RFC 1071 loop, not the fast one that
	 * vnet_csum_finish() uses).  (With
	 * the field across two words, at an odd offset, the bytes of the
	 * sum land swapped and no such identity holds; the kernel puts the
	 * field at 16 or 6.) */
	if (h->csum_offset % 2 == 0)
		FUZZ_CHECK(cksum_add_simple(held, frame + h->csum_start,
					    frame_len - h->csum_start) == 0xffff);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct vnet_hdr h;
	struct model m = { 0 };
	enum drop why, want;
	uint8_t *buf, out[VNET_HDR_LEN];

	buf = fuzz_copy(data, len);
	want = expected(buf, len, &m);
	why = vnet_parse(buf, len, &h);
	fuzz_check_drop(why);
	FUZZ_CHECK(why == want);
	if (why == DROP_NONE) {
		FUZZ_CHECK(h.flags == m.flags && h.gso_type == m.gso_type);
		FUZZ_CHECK(h.hdr_len == m.hdr_len && h.gso_size == m.gso_size);
		FUZZ_CHECK(h.csum_start == m.csum_start && h.csum_offset == m.csum_offset);
		memset(out, 0xa5, sizeof(out));
		vnet_put(out, &h);
		FUZZ_CHECK(memcmp(out, buf, VNET_HDR_LEN) == 0);
		if (h.flags & VNET_F_NEEDS_CSUM)
			check_finish(buf + VNET_HDR_LEN, len - VNET_HDR_LEN, &h);
	}
	free(buf);
	return 0;
}
