/*
 * vnet.h - the virtio-net header: what a TAP device and its program tell
 * each other about a frame besides its bytes (lesson 07).
 *
 * Opened with IFF_VNET_HDR, a TAP device puts this header in front of
 * every frame it gives us, and expects one in front of every frame we
 * write: one read() is header + frame, one write() is header + frame.
 * It is the header a virtual machine's network card (virtio-net) and its
 * host exchange, and it lets the two skip work nobody needs done:
 *
 *    0      1      2             4             6             8            10
 *   +------+------+-------------+-------------+-------------+-------------+
 *   |flags | gso  |   hdr_len   |  gso_size   | csum_start  | csum_offset |
 *   |      | type |             |             |             |             |
 *   +------+------+-------------+-------------+-------------+-------------+
 *   (the 16-bit fields little-endian: we ask for that with TUNSETVNETLE)
 *
 *   flags        NEEDS_CSUM: the transport checksum is not done.  Its
 *                field holds only the pseudo-header's sum; whoever takes
 *                the frame on sums the bytes from csum_start to the end
 *                and puts the result at csum_start + csum_offset.  The
 *                kernel sends us TCP and UDP this way once we said we can
 *                take it (TUN_F_CSUM): its own packets never crossed a
 *                wire, so there is nothing to check, and no one sums them.
 *                DATA_VALID: the checksum is there and someone checked it.
 *   gso_type     NONE, or TCPV4: the frame is one TCP segment of up to
 *                64 KB that stands for many of at most gso_size bytes of
 *                data each (TSO/GSO, TUN_F_TSO4).  The kernel cuts it
 *                where it has to, late, or never: a segment for a local
 *                socket is taken whole.  Or UDP_L4: one UDP header for
 *                many datagrams of gso_size bytes (the last may be
 *                shorter), which the receiver cuts (TUN_F_USO4).
 *   hdr_len      how long the headers (Ethernet, IP, TCP) are: a hint
 *   gso_size     the data in each piece: the MSS
 *
 * Every offload is optional: the kernel sends a frame this way only after
 * TUNSETOFFLOAD said we take it, and treats what we send the same way only
 * if the header says so.  Without them the header is all zero, and the
 * frames are what they are without it.
 */
#ifndef TUNLAB_VNET_H
#define TUNLAB_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drop.h"

#define VNET_HDR_LEN		10	/* struct virtio_net_hdr */

#define VNET_F_NEEDS_CSUM	0x01
#define VNET_F_DATA_VALID	0x02

#define VNET_GSO_NONE		0
#define VNET_GSO_TCPV4		1
#define VNET_GSO_UDP_L4		5	/* many UDP datagrams of gso_size
					 * bytes each, one header (USO) */
#define VNET_GSO_ECN		0x80	/* the segment has CWR set */

/* The offloads a program takes (struct prog, txq.offload), as the kernel
 * names them for TUNSETOFFLOAD. */
#define VNET_OFF_CSUM		0x01u	/* TUN_F_CSUM: partial checksums */
#define VNET_OFF_TSO4		0x02u	/* TUN_F_TSO4: TCP segments to 64 KB */
#define VNET_OFF_USO4		0x04u	/* TUN_F_USO4: UDP datagrams the
					 * sender's kernel did not cut
					 * (UDP_SEGMENT), one frame for many;
					 * Linux 6.2 and later */

struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;	/* from the start of the frame */
	uint16_t csum_offset;	/* from csum_start: 16 for TCP, 6 for UDP */
};

/* Decode the header at the start of buf, in front of a frame of
 * len - VNET_HDR_LEN bytes, and check it against that frame: shorter than
 * the header (DROP_VNET_TRUNCATED); a flag or GSO type we never asked
 * for, a GSO frame with no gso_size, or a checksum place outside the
 * frame or inside its Ethernet header (DROP_VNET_BAD). */
enum drop vnet_parse(const uint8_t *buf, size_t len, struct vnet_hdr *h);

/* Write h as the VNET_HDR_LEN bytes at buf. */
void vnet_put(uint8_t *buf, const struct vnet_hdr *h);

/* Finish a partial checksum in the frame of len bytes, as the device
 * would have: sum the bytes from csum_start on (the field holds the
 * pseudo-header's sum) and put the result in the field.  For a frame
 * that vnet_parse() accepted with NEEDS_CSUM. */
void vnet_csum_finish(uint8_t *frame, size_t len, const struct vnet_hdr *h);

#endif
