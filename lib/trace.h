/*
 * trace.h - one decoded line per packet, like a tiny tcpdump, on stderr.
 *
 * Tracing costs nothing unless --trace is given: the loop tests the flag
 * before calling any of this.
 */
#ifndef TUNLAB_TRACE_H
#define TUNLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev.h"
#include "drop.h"
#include "vnet.h"

/* dir is "in" or "out"; t_us the time since the program started.
 * Example:  0.000812 in  10.10.10.2 > 10.10.10.1 ICMP echo request id 7 seq 1, length 84 */
void trace_packet(FILE *f, uint64_t t_us, const char *dir, enum dev_type type,
		  const uint8_t *pkt, size_t len);

/* The same for a frame that came with a virtio-net header (lesson 07): a
 * checksum the header says is partial or checked is not called bad, and
 * a GSO frame's line ends with ", gso SIZE". */
void trace_packet_vnet(FILE *f, uint64_t t_us, const char *dir, enum dev_type type,
		       const uint8_t *pkt, size_t len, const struct vnet_hdr *vh);

/* Example:  0.000813 drop ipv4_bad_checksum */
void trace_drop(FILE *f, uint64_t t_us, enum drop why);

#endif
