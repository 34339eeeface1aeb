/*
 * pcap.h - the classic pcap file format, written and read.
 *
 * A file header (24 bytes: magic, version 2.4, snap length, link type) then,
 * per packet, a 16-byte record header (seconds, microseconds, captured
 * length, original length) and the bytes.  tcpdump -r and Wireshark read it.
 * The reader accepts either byte order and the nanosecond variant.
 */
#ifndef TUNLAB_PCAP_H
#define TUNLAB_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAP_LINKTYPE_ETHERNET	1	/* TAP: frames start with Ethernet */
#define PCAP_LINKTYPE_RAW	101	/* TUN: packets start with the IP header */

struct pcap {
	FILE *f;
	uint32_t linktype;
	int swapped;		/* reader: file written on the other byte order */
	int nanos;		/* reader: timestamps in nanoseconds */
};

/* Create path and write the file header.  Returns 0, or -1 with errno set. */
int pcap_open_write(struct pcap *p, const char *path, uint32_t linktype);
/* Append one packet with a timestamp in microseconds. */
int pcap_write(struct pcap *p, uint64_t ts_us, const uint8_t *pkt, size_t len);

/* Open path and read the file header.  Returns 0, or -1 with a message in
 * err (errno-based or "not a pcap file"). */
int pcap_open_read(struct pcap *p, const char *path, char *err, size_t errlen);
/* Read the next packet into buf.  Returns 1 with *len and *ts_us set, 0 at
 * the end of the file, -1 on a damaged record (message in err).  A packet
 * longer than cap is cut to cap. */
int pcap_read(struct pcap *p, uint8_t *buf, size_t cap, size_t *len,
	      uint64_t *ts_us, char *err, size_t errlen);

void pcap_close(struct pcap *p);

#endif
