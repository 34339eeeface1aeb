/*
 * ladder - one TCP connection from a pcap file, drawn as a ladder: the two
 * ends in two columns, each segment an arrow from the one that sent it.
 *
 *   $ ./tools/ladder z.pcap
 *               10.10.10.2:38298                                      10.10.10.1:7
 *      0.000000 ---- [S] seq 0 win 64240 <mss 1460,sackOK,TS,wscale 10> --------->
 *      0.000000 <--- [S.] seq 0 ack 1 win 65535 <mss 1460,wscale 5> --------------
 *
 * It reads what the rungs' --pcap writes (Ethernet frames from a TAP rung,
 * raw IPv4 from a TUN rung) and what tcpdump -w writes on tap0 or tun0.
 * The connection is the first TCP segment's, or the first one with PORT at
 * either end (-p PORT); its first sender is on the left.  Sequence and
 * acknowledgement numbers are relative to each side's first sequence
 * number, as tcpdump shows them, unless -S (absolute: what is on the
 * wire).  Each line: the time since the first segment, the flags in
 * tcpdump's letters ([S] SYN, [.] ACK, [P.] PSH+ACK, [F.] FIN+ACK, [R]
 * RST), seq first:past-the-last when it carries data (or a SYN or FIN,
 * which take a number), ack, the window as written (before scaling), the
 * data's length, and the options of a SYN.
 *
 * A checksum is not checked: tcpdump on tap0 records the kernel's
 * segments before their checksum is filled in.  Libc only, like the rungs.
 *
 * usage: ladder [-S] [-p PORT] [-w WIDTH] FILE.pcap
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/bytes.h"
#include "../lib/eth.h"
#include "../lib/ipv4.h"
#include "../lib/pcap.h"
#include "../lib/tcp.h"
#include "../lib/txq.h"

struct end {
	uint32_t addr;
	uint16_t port;
	bool isn_known;
	uint32_t isn;		/* its first sequence number seen */
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ladder [-S] [-p PORT] [-w WIDTH] FILE.pcap\n"
		     "  draws the first TCP connection in FILE (or the first with PORT at\n"
		     "  either end) as a ladder: the first sender on the left\n"
		     "  -S        absolute sequence numbers (default: relative, as tcpdump)\n"
		     "  -p PORT   the first connection with PORT at either end\n"
		     "  -w WIDTH  the width of a line (default 78, at least 60)\n");
}

/* The IPv4 datagram in a captured packet, or NULL. */
static const uint8_t *ipv4_in(const struct pcap *p, const uint8_t *pkt, size_t len,
			      size_t *ip_len)
{
	if (p->linktype == PCAP_LINKTYPE_RAW) {
		*ip_len = len;
		return pkt;
	}
	if (p->linktype != PCAP_LINKTYPE_ETHERNET || len < ETH_HDR_LEN ||
	    get16(pkt + 12) != ETH_TYPE_IPV4)
		return NULL;
	*ip_len = len - ETH_HDR_LEN;
	return pkt + ETH_HDR_LEN;
}

/* A number relative to where its side started, or as it is (-S). */
static uint32_t rel(const struct end *e, uint32_t v, bool absolute)
{
	return absolute || !e->isn_known ? v : v - e->isn;
}

/* The text of the segment's arrow. */
static void describe(const struct tcp_hdr *t, const uint8_t *hdr, const struct end *from,
		     const struct end *to, bool absolute, char *out, size_t cap)
{
	char flags[8];
	size_t n = 0, f = 0, span;
	struct tcp_opts o;
	int w;

	flags[f++] = '[';
	if (t->flags & TCP_FLAG_SYN)
		flags[f++] = 'S';
	if (t->flags & TCP_FLAG_FIN)
		flags[f++] = 'F';
	if (t->flags & TCP_FLAG_RST)
		flags[f++] = 'R';
	if (t->flags & TCP_FLAG_PSH)
		flags[f++] = 'P';
	if (t->flags & TCP_FLAG_ACK)
		flags[f++] = '.';
	flags[f++] = ']';
	flags[f] = '\0';
#define ADD(...) do { \
	w = snprintf(out + n, cap - n, __VA_ARGS__); \
	if (w > 0) n += (size_t)w < cap - n ? (size_t)w : cap - n - 1; \
} while (0)
	ADD("%s", flags);
	span = t->data_len + !!(t->flags & TCP_FLAG_SYN) + !!(t->flags & TCP_FLAG_FIN);
	if (t->data_len || !(t->flags & TCP_FLAG_ACK) || (t->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN))) {
		if (t->data_len)
			ADD(" seq %u:%u", rel(from, t->seq, absolute),
			    rel(from, t->seq + (uint32_t)span, absolute));
		else
			ADD(" seq %u", rel(from, t->seq, absolute));
	}
	if (t->flags & TCP_FLAG_ACK)
		ADD(" ack %u", rel(to, t->ack, absolute));
	ADD(" win %u", t->window);
	if (t->data_len)
		ADD(" len %zu", t->data_len);
	if ((t->flags & TCP_FLAG_SYN) && t->data_off > 5 &&
	    tcp_opts_parse(hdr + 20, (size_t)t->data_off * 4 - 20, &o) == DROP_NONE) {
		const char *sep = " <";

		if (o.has_mss) {
			ADD("%smss %u", sep, o.mss);
			sep = ",";
		}
		if (o.sack_permitted) {
			ADD("%ssackOK", sep);
			sep = ",";
		}
		if (o.has_timestamp) {
			ADD("%sTS", sep);
			sep = ",";
		}
		if (o.has_wscale) {
			ADD("%swscale %u", sep, o.wscale);
			sep = ",";
		}
		if (sep[0] == ',')
			ADD(">");
	}
#undef ADD
}

/* One arrow: "---- TEXT ---->" from left to right, "<--- TEXT -----"
 * the other way, width columns. */
static void arrow(bool rightward, const char *text, int width)
{
	int len = (int)strlen(text), pad = width - len - 7, i;

	if (pad < 0)
		pad = 0;
	fputs(rightward ? "---- " : "<--- ", stdout);
	fputs(text, stdout);
	putchar(' ');
	for (i = 0; i < pad; i++)
		putchar('-');
	fputs(rightward ? ">\n" : "-\n", stdout);
}

int main(int argc, char **argv)
{
	static uint8_t buf[PKT_BUF_SIZE];
	struct end ends[2];
	bool absolute = false, have = false;
	unsigned long port = 0;
	uint64_t ts_us, t0 = 0;
	unsigned long others = 0;
	char err[256], text[256], a[16], b[16], right[32];
	int width = 78, c, got;
	struct pcap p;
	size_t len;

	while ((c = getopt(argc, argv, "Sp:w:h")) != -1) {
		switch (c) {
		case 'S':
			absolute = true;
			break;
		case 'p':
			port = strtoul(optarg, NULL, 10);
			if (port < 1 || port > 65535) {
				fprintf(stderr, "ladder: -p wants a port from 1 to 65535\n");
				return 2;
			}
			break;
		case 'w':
			width = atoi(optarg);
			if (width < 60 || width > 400) {
				fprintf(stderr, "ladder: -w wants a width from 60 to 400\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (pcap_open_read(&p, argv[optind], err, sizeof(err)) < 0) {
		fprintf(stderr, "ladder: %s\n", err);
		return 1;
	}
	while ((got = pcap_read(&p, buf, sizeof(buf), &len, &ts_us, err, sizeof(err))) == 1) {
		const uint8_t *pkt;
		struct ipv4_hdr ip;
		struct tcp_hdr t;
		enum drop why;
		size_t ip_len;
		int from;

		pkt = ipv4_in(&p, buf, len, &ip_len);
		if (!pkt || ipv4_parse(pkt, ip_len, &ip) != DROP_NONE ||
		    ip.proto != IPV4_PROTO_TCP || ipv4_is_fragment(&ip))
			continue;
		/* Any checksum: see the top. */
		why = tcp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, &t);
		if (why != DROP_NONE && why != DROP_TCP_BAD_CHECKSUM && why != DROP_TCP_BAD_FLAGS)
			continue;
		if (!have) {
			if (port && t.src_port != port && t.dst_port != port)
				continue;
			ends[0] = (struct end){ .addr = ip.src, .port = t.src_port };
			ends[1] = (struct end){ .addr = ip.dst, .port = t.dst_port };
			have = true;
			t0 = ts_us;
			ipv4_addr_format(ends[0].addr, a);
			ipv4_addr_format(ends[1].addr, b);
			snprintf(text, sizeof(text), "%s:%u", a, ends[0].port);
			snprintf(right, sizeof(right), "%s:%u", b, ends[1].port);
			printf("%12s%-*s%s\n", "", width - 12 - (int)strlen(right), text, right);
		}
		if (ip.src == ends[0].addr && t.src_port == ends[0].port &&
		    ip.dst == ends[1].addr && t.dst_port == ends[1].port)
			from = 0;
		else if (ip.src == ends[1].addr && t.src_port == ends[1].port &&
			 ip.dst == ends[0].addr && t.dst_port == ends[0].port)
			from = 1;
		else {
			others++;
			continue;
		}
		if (!ends[from].isn_known) {
			ends[from].isn_known = true;
			ends[from].isn = t.seq;
		}
		describe(&t, ip.payload, &ends[from], &ends[!from], absolute, text, sizeof(text));
		printf("%4llu.%06llu ", (unsigned long long)((ts_us - t0) / 1000000),
		       (unsigned long long)((ts_us - t0) % 1000000));
		arrow(from == 0, text, width - 12);
	}
	pcap_close(&p);
	if (got < 0) {
		fprintf(stderr, "ladder: %s\n", err);
		return 1;
	}
	if (!have) {
		fprintf(stderr, "ladder: no TCP segment%s in %s\n", port ? " with that port" : "",
			argv[optind]);
		return 1;
	}
	if (others)
		printf("(%lu segments of other connections left out)\n", others);
	return 0;
}
