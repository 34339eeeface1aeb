/*
 * pcap.c - write and read classic pcap files.
 *
 * The pcap format stores its fields in the byte order of the machine that
 * wrote it; the magic number tells the reader which.  We write ours in host
 * order, as libpcap does.
 */
#include "pcap.h"

#include <errno.h>
#include <string.h>

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_SNAPLEN	262144u

static uint32_t swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

int pcap_open_write(struct pcap *p, const char *path, uint32_t linktype)
{
	uint32_t hdr[6] = { PCAP_MAGIC_US, 0, 0, 0, PCAP_SNAPLEN, linktype };

	hdr[1] = 2 | (4u << 16);	/* version 2.4: two uint16 in host order */
	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "wb");
	if (!p->f)
		return -1;
	p->linktype = linktype;
	if (fwrite(hdr, sizeof(hdr), 1, p->f) != 1) {
		fclose(p->f);
		p->f = NULL;
		return -1;
	}
	return 0;
}

int pcap_write(struct pcap *p, uint64_t ts_us, const uint8_t *pkt, size_t len)
{
	uint32_t rec[4];

	rec[0] = (uint32_t)(ts_us / 1000000);
	rec[1] = (uint32_t)(ts_us % 1000000);
	rec[2] = (uint32_t)len;
	rec[3] = (uint32_t)len;
	if (fwrite(rec, sizeof(rec), 1, p->f) != 1 ||
	    (len && fwrite(pkt, len, 1, p->f) != 1))
		return -1;
	return 0;
}

int pcap_open_read(struct pcap *p, const char *path, char *err, size_t errlen)
{
	uint32_t hdr[6];

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "rb");
	if (!p->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fread(hdr, sizeof(hdr), 1, p->f) != 1)
		goto bad;
	if (hdr[0] == PCAP_MAGIC_US || hdr[0] == PCAP_MAGIC_NS) {
		p->swapped = 0;
	} else if (swap32(hdr[0]) == PCAP_MAGIC_US || swap32(hdr[0]) == PCAP_MAGIC_NS) {
		p->swapped = 1;
		hdr[0] = swap32(hdr[0]);
		hdr[5] = swap32(hdr[5]);
	} else {
		goto bad;
	}
	p->nanos = hdr[0] == PCAP_MAGIC_NS;
	/* The top bits of the link-type field may carry FCS information. */
	p->linktype = hdr[5] & 0x0fffffff;
	return 0;
bad:
	snprintf(err, errlen, "%s: not a pcap file (pcapng is not supported: "
		 "convert with 'tcpdump -r in.pcapng -w out.pcap')", path);
	fclose(p->f);
	p->f = NULL;
	return -1;
}

int pcap_read(struct pcap *p, uint8_t *buf, size_t cap, size_t *len,
	      uint64_t *ts_us, char *err, size_t errlen)
{
	uint32_t rec[4];
	size_t caplen, keep;
	int i;

	if (fread(rec, sizeof(rec), 1, p->f) != 1)
		return 0;		/* end of file (a cut record counts too) */
	if (p->swapped)
		for (i = 0; i < 4; i++)
			rec[i] = swap32(rec[i]);
	caplen = rec[2];
	if (caplen > PCAP_SNAPLEN) {
		snprintf(err, errlen, "pcap record of %zu bytes: damaged file", caplen);
		return -1;
	}
	keep = caplen < cap ? caplen : cap;
	if (keep && fread(buf, keep, 1, p->f) != 1)
		return 0;
	if (caplen > keep && fseek(p->f, (long)(caplen - keep), SEEK_CUR) != 0)
		return 0;
	*len = keep;
	*ts_us = (uint64_t)rec[0] * 1000000 + (p->nanos ? rec[1] / 1000 : rec[1]);
	return 1;
}

void pcap_close(struct pcap *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
}
