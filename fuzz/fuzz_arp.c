/*
 * fuzz_arp - arp_parse() on any bytes, and arp_emit() back.
 *
 * Input: the ARP packet (an Ethernet payload; ARP has no checksum).
 *
 * Checks:
 *   - arp_parse never reads past len (ASan); it refuses exactly what arp.h
 *     says, in that order: fewer than 28 bytes, hardware not Ethernet/6,
 *     protocol not IPv4/4, an opcode other than request and reply;
 *   - accepted: arp_emit gives the first 28 bytes back exactly (the rest
 *     is Ethernet padding, which parse ignores).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/arp.h"
#include "../lib/bytes.h"
#include "fuzz.h"

/* What arp_parse must answer, worked out independently from arp.h. */
static enum drop expected(const uint8_t *buf, size_t len)
{
	if (len < ARP_LEN)
		return DROP_ARP_TRUNCATED;
	if (get16(buf) != ARP_HTYPE_ETHERNET || buf[4] != 6)
		return DROP_ARP_BAD_HARDWARE;
	if (get16(buf + 2) != ETH_TYPE_IPV4 || buf[5] != 4)
		return DROP_ARP_BAD_PROTOCOL;
	if (get16(buf + 6) != ARP_OP_REQUEST && get16(buf + 6) != ARP_OP_REPLY)
		return DROP_ARP_BAD_OPCODE;
	return DROP_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct arp_pkt a;
	uint8_t out[ARP_LEN];
	enum drop why;
	uint8_t *buf;

	buf = fuzz_copy(data, len);

	why = arp_parse(buf, len, &a);
	FUZZ_CHECK(why == expected(buf, len));
	if (why == DROP_NONE) {
		FUZZ_CHECK(arp_emit(&a, out) == ARP_LEN);
		FUZZ_CHECK(memcmp(out, buf, ARP_LEN) == 0);
	}
	free(buf);
	return 0;
}
