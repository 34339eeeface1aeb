/*
 * test_pcap.c - what pcap_write writes, pcap_read reads back.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/pcap.h"
#include "unit.h"

static void round_trip(void)
{
	char path[] = "/tmp/tunlab-unit-XXXXXX";
	const uint8_t a[3] = { 1, 2, 3 }, b[1] = { 9 };
	uint8_t buf[16];
	char err[128];
	struct pcap w, r;
	uint64_t ts;
	size_t len;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(pcap_open_write(&w, path, PCAP_LINKTYPE_RAW), 0);
	CHECK_EQ(pcap_write(&w, 1500000, a, 3), 0);
	CHECK_EQ(pcap_write(&w, 2000001, b, 1), 0);
	pcap_close(&w);

	CHECK_EQ(pcap_open_read(&r, path, err, sizeof(err)), 0);
	CHECK_EQ(r.linktype, PCAP_LINKTYPE_RAW);
	CHECK_EQ(pcap_read(&r, buf, sizeof(buf), &len, &ts, err, sizeof(err)), 1);
	CHECK_EQ(len, 3);
	CHECK_EQ(ts, 1500000);
	CHECK(memcmp(buf, a, 3) == 0);
	CHECK_EQ(pcap_read(&r, buf, 0, &len, &ts, err, sizeof(err)), 1);
	CHECK_EQ(len, 0);			/* cut to the buffer: 0 */
	CHECK_EQ(ts, 2000001);
	CHECK_EQ(pcap_read(&r, buf, sizeof(buf), &len, &ts, err, sizeof(err)), 0);
	pcap_close(&r);
	unlink(path);
}

static void not_a_pcap(void)
{
	char path[] = "/tmp/tunlab-unit-XXXXXX";
	char err[256];
	struct pcap r;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello, this is not a pcap file", 30), 30);
	close(fd);
	CHECK_EQ(pcap_open_read(&r, path, err, sizeof(err)), -1);
	CHECK(strstr(err, "not a pcap file") != NULL);
	unlink(path);
	CHECK_EQ(pcap_open_read(&r, "/nonexistent/x.pcap", err, sizeof(err)), -1);
}

const struct unit_test pcap_tests[] = {
	{ "pcap: write then read", round_trip },
	{ "pcap: not a pcap file", not_a_pcap },
	{ NULL, NULL },
};
