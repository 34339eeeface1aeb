/*
 * fuzz_eth - eth_parse() on any bytes, and eth_emit() back.
 *
 * Input: the frame (no flags byte: Ethernet has no checksum we see; a TAP
 * device hands us frames without the FCS).
 *
 * Checks:
 *   - eth_parse never reads past len (ASan), and refuses only fewer than
 *     14 bytes;
 *   - accepted: the payload is the rest of the frame; eth_emit of the
 *     parsed header in front of the same payload gives the same frame,
 *     padded with zeros to 60 bytes if shorter.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/cksum.h"
#include "../lib/eth.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct eth_hdr h;
	enum drop why;
	uint8_t *buf, *out;
	size_t out_len, i;

	buf = fuzz_copy(data, len);

	why = eth_parse(buf, len, &h);
	FUZZ_CHECK(why == (len < ETH_HDR_LEN ? DROP_ETH_TRUNCATED : DROP_NONE));
	if (why == DROP_NONE) {
		FUZZ_CHECK(h.payload == buf + ETH_HDR_LEN && h.payload_len == len - ETH_HDR_LEN);
		(void)cksum(h.payload, h.payload_len);	/* every byte inside? */
		FUZZ_CHECK(eth_is_multicast(h.dst) == ((buf[0] & 1) != 0));

		/* eth_emit writes the header in front of a payload already in
		 * place, and pads: give it room for both. */
		out_len = len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len;
		out = malloc(out_len);
		if (!out)
			abort();
		memset(out, 0xa5, out_len);	/* not zero: padding must be written */
		memcpy(out + ETH_HDR_LEN, h.payload, h.payload_len);
		FUZZ_CHECK(eth_emit(out, h.dst, h.src, h.type, h.payload_len) == out_len);
		FUZZ_CHECK(memcmp(out, buf, len) == 0);
		for (i = len; i < out_len; i++)
			FUZZ_CHECK(out[i] == 0);
		free(out);
	}
	free(buf);
	return 0;
}
