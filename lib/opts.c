/*
 * opts.c - parse the shared command line.  Every numeric argument is checked,
 * and a bad one is named in the message.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4.h"

enum { LONG_MTU = 256, LONG_LOSS, LONG_SEED, LONG_USER, LONG_MSL, LONG_SYN_TIMEOUT,
       LONG_GATEWAY, LONG_PREFIX, LONG_PING, LONG_COUNT, LONG_INTERVAL,
       LONG_DUP, LONG_REORDER, LONG_DELAY, LONG_RATE, LONG_QUEUE,
       LONG_CC, LONG_NO_SACK, LONG_NO_TIMESTAMPS, LONG_NO_RACK, LONG_NO_DELAYED_ACK,
       LONG_NODELAY, LONG_CC_LOG, LONG_NO_SYN_COOKIES, LONG_NO_OFFLOAD, LONG_URING };

static void usage(const struct prog *p, FILE *out)
{
	bool tun = p->dev_type == DEV_TUN;

	fprintf(out, "usage: %s [options]\n%s\n\noptions:\n", p->name, p->summary);
	fprintf(out, "  -d, --dev NAME        device name (default %s); attaches to an\n"
		     "                        existing %s device or creates it\n",
		tun ? "tun0" : "tap0", tun ? "TUN" : "TAP");
	if (p->extra & OPT_ADDR)
		fprintf(out, "  -a, --addr A.B.C.D    our IPv4 address (default 10.10.10.1)\n");
	if (p->extra & OPT_MAC)
		fprintf(out, "  -m, --mac MAC         our MAC address (default 02:00:0a:0a:0a:01)\n");
	if (p->extra & OPT_PORT)
		fprintf(out, "  -p, --port N          service port (default %u)\n", p->default_port);
	if (p->extra & OPT_ROUTE)
		fprintf(out, "      --prefix N        our link is --addr/N (default 24): those addresses\n"
			     "                        are neighbours, reached by ARP\n"
			     "      --gateway A.B.C.D the router (on our link) for every other address;\n"
			     "                        without one they are \"no route to host\"\n"
			     "      --ping A.B.C.D    send ICMP echo requests to A.B.C.D and print what\n"
			     "                        ping prints ('ready' goes to stderr); exit 0 if a\n"
			     "                        reply came, 1 if none did\n"
			     "      --count N         stop after N requests (default: at SIGINT)\n"
			     "      --interval S      seconds between requests (default 1)\n");
	fprintf(out,
		"      --mtu N           link MTU (default: the device's MTU at start)\n"
		"  -t, --trace           one line per packet in and out, on stderr\n"
		"  -w, --pcap FILE       write every packet read and written to FILE (pcap)\n"
		"  -r, --read FILE       replay packets from a pcap file instead of a\n"
		"                        device (no root needed); output goes to --pcap\n"
		"      --loss PCT        drop PCT percent of packets each way (0-100)\n"
		"      --dup PCT         deliver PCT percent of packets twice (0-100)\n"
		"      --reorder PCT     hold PCT percent of packets back until the next 3\n"
		"                        have passed them (or 10 ms): out of order (0-100)\n"
		"      --delay MS[+-J]   add MS ms of one-way latency (0-10000), with J ms of\n"
		"                        uniform jitter either way (never below 0): jitter\n"
		"                        reorders packets too, as on a real path\n"
		"      --rate MBIT       a bottleneck of MBIT Mbit/s (0.01-100000, 0: none):\n"
		"                        packets leave one by one, bytes*8/MBIT us each\n"
		"      --queue N         packets that may wait for --rate (1-4096, default\n"
		"                        100); one more is dropped (a tail drop)\n"
		"                        These six act on both ways; in:VALUE only on what\n"
		"                        is read from the device, out:VALUE only on what is\n"
		"                        written (--delay in:20 --delay out:30). With --read\n"
		"                        only --loss applies: the others need the device\n"
		"      --seed N          seed for the faults above (default 1) and, when\n"
		"                        given, for what is random; without it, the TCP ISN\n"
		"                        key and ephemeral port come from getrandom()\n"
		"      --user NAME       drop root privileges to NAME once the device is open\n");
	if (p->offload)
		fprintf(out, "      --no-offload      no virtio-net header, no offloads (lesson 07): every\n"
			     "                        checksum summed, one frame of at most the MTU per\n"
			     "                        read() and write()\n");
	else
		fprintf(out, "      --no-offload      accepted for scripts; this rung uses no offloads\n");
	fprintf(out, "      --uring           read and write the device through io_uring: many\n"
		     "                        frames for one system call (lesson 07)%s\n",
		(p->extra & OPT_CONNECT) ? "; not with\n                        --connect" : "");
	if (p->extra & OPT_MSL)
		fprintf(out, "      --msl S           maximum segment lifetime (default 30)\n");
	if (p->extra & OPT_TCP)
		fprintf(out, "      --cc NAME         congestion control: cubic (default), reno or none\n"
			     "      --no-sack         no selective ACKs (SACK, RFC 2018/6675)\n"
			     "      --no-timestamps   no TCP timestamps option (RFC 7323)\n"
			     "      --no-rack         no RACK-TLP loss detection (RFC 8985)\n"
			     "      --no-delayed-ack  ACK each segment now (RFC 1122 4.2.3.2, RFC 5681 4.2)\n"
			     "      --nodelay         Nagle off: small segments go at once (RFC 896)\n"
			     "      --no-syn-cookies  a full backlog drops SYNs (no RFC 4987 cookies)\n"
			     "      --cc-log FILE     the congestion state over time, as CSV, in FILE\n");
	if (p->extra & OPT_CONNECT)
		fprintf(out, "  -c, --connect H:P     connect to H:P: stdin to it, it to stdout, as nc\n"
			     "                        ('ready' goes to stderr); from a random port unless\n"
			     "                        --seed, so it exits without waiting out TIME-WAIT:\n"
			     "                        the next run is a new connection\n"
			     "      --syn-timeout S   give up a --connect after S seconds of SYNs (default\n"
			     "                        180, as RFC 9293 3.8.3 asks; less departs from it)\n");
	fprintf(out,
		"  -h, --help            this text\n"
		"  -V, --version         the version\n\n"
		"Prints 'ready ...' on stdout when the device is open (on stderr with\n"
		"--connect or --ping); counters on exit, on stderr.\n"
		"Set up the kernel side:  ip addr add 10.10.10.2/24 dev %s && ip link set %s up\n"
		"Exit status: 0 after SIGINT/SIGTERM, 1 on a runtime failure (no route to a\n"
		"--connect or --ping target included), 2 on a usage error.\n",
		tun ? "tun0" : "tap0", tun ? "tun0" : "tap0");
}

/* The long name of the option that getopt_long() returned as c. */
static const char *long_name(const struct option *longs, int c)
{
	for (; longs->name; longs++)
		if (longs->val == c)
			return longs->name;
	return "?";
}

static void bad(const struct prog *p, const char *fmt, const char *opt, const char *arg)
{
	fprintf(stderr, "%s: ", p->name);
	fprintf(stderr, fmt, opt, arg);
	fprintf(stderr, "\n\n");
	usage(p, stderr);
	exit(2);
}

/* --connect A.B.C.D:PORT, or exit 2 with the usage. */
static void connect_parse(const struct prog *p, const char *s, struct opts *o)
{
	const char *colon = strrchr(s, ':');
	char host[16], *end;
	unsigned long port;

	if (colon && (size_t)(colon - s) < sizeof(host)) {
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		errno = 0;
		port = strtoul(colon + 1, &end, 10);
		if (ipv4_addr_parse(host, &o->connect_addr) && isdigit((unsigned char)colon[1]) &&
		    !*end && !errno && port >= 1 && port <= 65535) {
			o->connect_port = (uint16_t)port;
			return;
		}
	}
	bad(p, "--connect wants A.B.C.D:PORT (an IPv4 address, a port 1-65535), not '%s'%s",
	    s, "");
}

/* Is a one host's address?  0.0.0.0, loopback, multicast (224/4), 240/4
 * and 255.255.255.255 are not, nor the broadcast address of our own link
 * (all host bits set: 10.10.10.255 on the lessons' /24), known only once
 * --addr and --prefix are. */
static bool one_host(const struct opts *o, uint32_t a)
{
	uint32_t mask = ipv4_prefix_mask(o->prefix);

	return ipv4_is_host_source(a) &&
	       !(o->prefix < 31 && (a & mask) == (o->addr & mask) && (a | mask) == 0xffffffffu);
}

/* RFC 1122 4.2.3.10: "A TCP implementation MUST reject as an error a local
 * OPEN call for an invalid remote IP address (e.g., a broadcast or
 * multicast address)."  A connection has one host at each end; so does a
 * ping here (iputils wants -b for a broadcast one). */
static void target_check(const struct prog *p, const struct opts *o, uint32_t a,
			 const char *opt, const char *arg)
{
	uint32_t mask = ipv4_prefix_mask(o->prefix), hop;
	char net[16], gw[16];

	if (!one_host(o, a))
		bad(p, "%s value is '%s': not the address of one host (broadcast, "
		    "multicast and 0.0.0.0 are not: RFC 1122 4.2.3.10)", opt, arg);
	if (a == o->addr)
		bad(p, "%s value is '%s': that is our own address", opt, arg);
	/* RFC 1122 3.3.1.1: on our link, or through the gateway, or nowhere.
	 * Nowhere is said now, as the kernel's connect() and ping say it,
	 * rather than after minutes of ARP and SYNs for nobody. */
	if (!ipv4_next_hop(o->addr, mask, o->gateway, a, &hop)) {
		ipv4_addr_format(o->addr & mask, net);
		ipv4_addr_format(a, gw);
		fprintf(stderr, "%s: %s %s: no route to host: %s is not on our link "
			"%s/%d, and there is no --gateway\n", p->name, opt, arg, gw, net,
			o->prefix);
		exit(1);
	}
}

/* --gateway: a neighbour of ours (on the link), not us. */
static void gateway_check(const struct prog *p, const struct opts *o, const char *arg)
{
	uint32_t mask = ipv4_prefix_mask(o->prefix);

	if ((o->gateway & mask) != (o->addr & mask) || o->gateway == o->addr ||
	    !one_host(o, o->gateway))
		bad(p, "%s value is '%s': the gateway must be another host on our "
		    "link (--addr/--prefix)", "--gateway", arg);
}

/* Seconds with a fraction, from lo to hi, into microseconds. */
static uint64_t seconds_us(const struct prog *p, const char *opt, const char *arg,
			   double lo, double hi)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno || !(v >= lo && v <= hi)) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%%s value is '%%s': expected seconds "
			 "from %g to %g", lo, hi);
		bad(p, msg, opt, arg);
	}
	return (uint64_t)(v * 1e6 + 0.5);
}

/* An integer in [lo, hi], or exit 2 naming the option. */
static unsigned long long number(const struct prog *p, const char *opt,
				 const char *arg, unsigned long long lo,
				 unsigned long long hi)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno || v < lo || v > hi) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%%s value is '%%s': expected a whole "
			 "number from %llu to %llu", lo, hi);
		bad(p, msg, opt, arg);
	}
	return v;
}

/* A fault option's value: "in:VALUE" (packets read from the device only),
 * "out:VALUE" (packets the core writes only) or a bare VALUE (both ways).
 * Sets way[] to the directions it is for and returns VALUE. */
static const char *fault_way(const char *arg, bool way[2])
{
	way[FAULT_IN] = way[FAULT_OUT] = true;
	if (strncmp(arg, "in:", 3) == 0) {
		way[FAULT_OUT] = false;
		return arg + 3;
	}
	if (strncmp(arg, "out:", 4) == 0) {
		way[FAULT_IN] = false;
		return arg + 4;
	}
	return arg;
}

/* A decimal number from lo to hi at the start of s, digits first (no sign,
 * no space, no "inf"); *end is what follows it.  False if there is none. */
static bool decimal(const char *s, double lo, double hi, double *v, char **end)
{
	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return false;
	errno = 0;
	*v = strtod(s, end);
	return *end != s && !errno && *v >= lo && *v <= hi;
}

/* --loss, --dup, --reorder: [in:|out:]PCT.  (A bare --loss is read as it
 * always was, by strtod(), so that every value it took it still takes.) */
static void fault_pct(const struct prog *p, int c, const char *arg, struct opts *o)
{
	const char *opt = c == LONG_LOSS ? "--loss" : c == LONG_DUP ? "--dup" : "--reorder";
	const char *val;
	bool way[2];
	double v;
	char *end;
	int w;

	val = fault_way(arg, way);
	errno = 0;
	v = strtod(val, &end);
	if (end == val || *end != '\0' || errno || !(v >= 0 && v <= 100))
		bad(p, "%s value is '%s': expected a percentage from 0 to 100 (in:PCT "
		    "or out:PCT for one direction)", opt, arg);
	for (w = FAULT_IN; w <= FAULT_OUT; w++) {
		struct fault_cfg *f = &o->fault[w];

		if (way[w])
			*(c == LONG_LOSS ? &f->loss : c == LONG_DUP ? &f->dup : &f->reorder) = v;
	}
}

/* --delay [in:|out:]MS[+-JITTER], in milliseconds, fractions allowed. */
static void fault_delay(const struct prog *p, const char *arg, struct opts *o)
{
	const char *val;
	double ms, jitter = 0;
	bool way[2];
	char *end;
	int w;

	val = fault_way(arg, way);
	if (!decimal(val, 0, 10000, &ms, &end) ||
	    (*end && (strncmp(end, "+-", 2) != 0 ||
		      !decimal(end + 2, 0, 10000, &jitter, &end) || *end)))
		bad(p, "%s value is '%s': expected MS or MS+-JITTER, milliseconds from 0 "
		    "to 10000 such as 20 or 20+-5 (in:... or out:... for one direction)",
		    "--delay", arg);
	for (w = FAULT_IN; w <= FAULT_OUT; w++) {
		if (!way[w])
			continue;
		o->fault[w].delay_us = (uint64_t)(ms * 1000 + 0.5);
		o->fault[w].jitter_us = (uint64_t)(jitter * 1000 + 0.5);
	}
}

/* --rate [in:|out:]MBIT: 0 for no bottleneck, else from 0.01 (a 1500-byte
 * packet takes 1.2 s) to 100000 (100 Gbit/s, faster than the loop). */
static void fault_rate(const struct prog *p, const char *arg, struct opts *o)
{
	const char *val;
	bool way[2];
	double v;
	char *end;
	int w;

	val = fault_way(arg, way);
	if (!decimal(val, 0, 100000, &v, &end) || *end || (v > 0 && v < 0.01))
		bad(p, "%s value is '%s': expected megabits per second, 0 (no bottleneck) "
		    "or 0.01 to 100000 (in:MBIT or out:MBIT for one direction)", "--rate", arg);
	for (w = FAULT_IN; w <= FAULT_OUT; w++)
		if (way[w])
			o->fault[w].rate_mbit = v;
}

/* --queue [in:|out:]N; which directions got one is kept in given[], so
 * that a queue with no --rate to wait for can be called a mistake. */
static void fault_queue(const struct prog *p, const char *arg, struct opts *o, bool given[2])
{
	const char *val;
	bool way[2];
	unsigned long v;
	char *end;
	int w;

	val = fault_way(arg, way);
	errno = 0;
	v = strtoul(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end || errno || v < 1 || v > FAULT_MAX_PKTS)
		bad(p, "%s value is '%s': expected a whole number of packets from 1 to 4096 "
		    "(in:N or out:N for one direction)", "--queue", arg);
	for (w = FAULT_IN; w <= FAULT_OUT; w++) {
		if (!way[w])
			continue;
		o->fault[w].queue = (unsigned)v;
		given[w] = true;
	}
}

/* After the whole command line: the faults asked for make sense together. */
static void fault_check(const struct prog *p, const struct opts *o, const bool queue_given[2])
{
	bool queue_used = false;
	int w;

	for (w = FAULT_IN; w <= FAULT_OUT; w++) {
		const struct fault_cfg *f = &o->fault[w];

		if (queue_given[w] && f->rate_mbit > 0)
			queue_used = true;
		/* A replay has no wire and no clock of its own: time is the
		 * packets' timestamps, and what is "sent" only goes to
		 * --pcap.  Loss still means something there (as it always
		 * has); holding packets for later does not. */
		if (o->read_path && (f->dup > 0 || fault_cfg_queues(f)))
			bad(p, "%s with %s: a replay takes --loss alone; --dup, --reorder, "
			    "--delay and --rate need a device", f->dup > 0 ? "--dup" :
			    f->reorder > 0 ? "--reorder" : f->rate_mbit > 0 ? "--rate" :
			    "--delay", "--read");
	}
	if ((queue_given[FAULT_IN] || queue_given[FAULT_OUT]) && !queue_used)
		bad(p, "%s is the queue of %s's bottleneck: give --rate too (for the same "
		    "direction)", "--queue", "--rate");
}

bool mac_parse(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	/* Exactly "xx:xx:xx:xx:xx:xx": no signs, spaces or short groups, which
	 * sscanf("%2x") would let through. */
	if (strlen(s) != 17)
		return false;
	for (i = 0; i < 6; i++) {
		const char *hi = strchr(hex, tolower((unsigned char)s[3 * i]));
		const char *lo = strchr(hex, tolower((unsigned char)s[3 * i + 1]));

		if (!hi || !lo || !*hi || !*lo || (i < 5 && s[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	/* All zeros is what ARP requests put in the target field for
	 * "unknown": no station may have it. */
	for (i = 0; i < 6; i++)
		if (mac[i])
			return true;
	return false;
}

void opts_parse(const struct prog *p, int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "addr", required_argument, NULL, 'a' },
		{ "mac", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "mtu", required_argument, NULL, LONG_MTU },
		{ "trace", no_argument, NULL, 't' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "loss", required_argument, NULL, LONG_LOSS },
		{ "dup", required_argument, NULL, LONG_DUP },
		{ "reorder", required_argument, NULL, LONG_REORDER },
		{ "delay", required_argument, NULL, LONG_DELAY },
		{ "rate", required_argument, NULL, LONG_RATE },
		{ "queue", required_argument, NULL, LONG_QUEUE },
		{ "seed", required_argument, NULL, LONG_SEED },
		{ "user", required_argument, NULL, LONG_USER },
		{ "msl", required_argument, NULL, LONG_MSL },
		{ "connect", required_argument, NULL, 'c' },
		{ "syn-timeout", required_argument, NULL, LONG_SYN_TIMEOUT },
		{ "gateway", required_argument, NULL, LONG_GATEWAY },
		{ "prefix", required_argument, NULL, LONG_PREFIX },
		{ "ping", required_argument, NULL, LONG_PING },
		{ "count", required_argument, NULL, LONG_COUNT },
		{ "interval", required_argument, NULL, LONG_INTERVAL },
		{ "cc", required_argument, NULL, LONG_CC },
		{ "no-sack", no_argument, NULL, LONG_NO_SACK },
		{ "no-timestamps", no_argument, NULL, LONG_NO_TIMESTAMPS },
		{ "no-rack", no_argument, NULL, LONG_NO_RACK },
		{ "no-delayed-ack", no_argument, NULL, LONG_NO_DELAYED_ACK },
		{ "nodelay", no_argument, NULL, LONG_NODELAY },
		{ "cc-log", required_argument, NULL, LONG_CC_LOG },
		{ "no-syn-cookies", no_argument, NULL, LONG_NO_SYN_COOKIES },
		{ "no-offload", no_argument, NULL, LONG_NO_OFFLOAD },
		{ "uring", no_argument, NULL, LONG_URING },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const uint8_t default_mac[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };
	const char *gateway_arg = NULL, *ping_only = NULL;
	bool queue_given[2] = { false, false };
	int c;

	memset(o, 0, sizeof(*o));
	o->dev = p->dev_type == DEV_TUN ? "tun0" : "tap0";
	o->addr = IPV4_ADDR(10, 10, 10, 1);
	memcpy(o->mac, default_mac, 6);
	o->port = p->default_port;
	o->msl = 30;
	o->seed = 1;
	o->syn_timeout = 180;	/* RFC 9293 3.8.3: at least 3 minutes */
	o->prefix = 24;		/* 10.10.10.0/24: the lessons' link */
	o->interval_us = 1000000;
	o->fault[FAULT_IN].queue = o->fault[FAULT_OUT].queue = FAULT_QUEUE_DEFAULT;
	o->cc = "cubic";

	opterr = 0;	/* we print our own messages */
	while ((c = getopt_long(argc, argv, ":d:a:m:p:tw:r:c:hV", longs, NULL)) != -1) {
		/* Rung-specific options are errors on rungs that lack them. */
		if ((c == 'a' && !(p->extra & OPT_ADDR)) ||
		    (c == 'm' && !(p->extra & OPT_MAC)) ||
		    (c == 'p' && !(p->extra & OPT_PORT)) ||
		    (c == LONG_MSL && !(p->extra & OPT_MSL)) ||
		    ((c == 'c' || c == LONG_SYN_TIMEOUT) && !(p->extra & OPT_CONNECT)) ||
		    ((c == LONG_GATEWAY || c == LONG_PREFIX || c == LONG_PING ||
		      c == LONG_COUNT || c == LONG_INTERVAL) && !(p->extra & OPT_ROUTE)) ||
		    ((c == LONG_CC || c == LONG_NO_SACK || c == LONG_NO_TIMESTAMPS ||
		      c == LONG_NO_RACK || c == LONG_NO_DELAYED_ACK || c == LONG_NODELAY ||
		      c == LONG_CC_LOG || c == LONG_NO_SYN_COOKIES) && !(p->extra & OPT_TCP)))
			bad(p, "--%s is not an option of %s", long_name(longs, c), p->name);
		switch (c) {
		case 'd':
			if (optarg[0] == '\0' || strlen(optarg) > 15)
				bad(p, "%s value is '%s': a device name has 1 to 15 "
				    "characters", "--dev", optarg);
			o->dev = optarg;
			break;
		case 'a':
			if (!ipv4_addr_parse(optarg, &o->addr) ||
			    !ipv4_is_host_source(o->addr))
				bad(p, "%s value is '%s': expected a unicast IPv4 "
				    "address such as 10.10.10.1", "--addr", optarg);
			break;
		case 'm':
			if (!mac_parse(optarg, o->mac) || (o->mac[0] & 1))
				bad(p, "%s value is '%s': expected a unicast MAC such "
				    "as 02:00:0a:0a:0a:01", "--mac", optarg);
			break;
		case 'p':
			o->port = (uint16_t)number(p, "--port", optarg, 1, 65535);
			break;
		case LONG_MTU:
			/* 68 is the smallest MTU IPv4 allows (RFC 791). */
			o->mtu = (int)number(p, "--mtu", optarg, 68, 65535);
			break;
		case 't':
			o->trace = true;
			break;
		case 'w':
			o->pcap_path = optarg;
			break;
		case 'r':
			o->read_path = optarg;
			break;
		case LONG_LOSS:
		case LONG_DUP:
		case LONG_REORDER:
			fault_pct(p, c, optarg, o);
			break;
		case LONG_DELAY:
			fault_delay(p, optarg, o);
			break;
		case LONG_RATE:
			fault_rate(p, optarg, o);
			break;
		case LONG_QUEUE:
			fault_queue(p, optarg, o, queue_given);
			break;
		case LONG_SEED:
			o->seed = number(p, "--seed", optarg, 0, UINT64_MAX);
			o->seed_given = true;
			break;
		case LONG_USER:
			o->user = optarg;
			break;
		case LONG_MSL:
			o->msl = (unsigned)number(p, "--msl", optarg, 0, 3600);
			break;
		case 'c':
			o->connect = optarg;
			connect_parse(p, optarg, o);
			break;
		case LONG_SYN_TIMEOUT:
			o->syn_timeout = (unsigned)number(p, "--syn-timeout", optarg, 1, 3600);
			break;
		case LONG_GATEWAY:
			gateway_arg = optarg;
			if (!ipv4_addr_parse(optarg, &o->gateway) || !o->gateway)
				bad(p, "%s value is '%s': expected an IPv4 address such "
				    "as 10.10.10.2", "--gateway", optarg);
			break;
		case LONG_PREFIX:
			o->prefix = (int)number(p, "--prefix", optarg, 0, 32);
			break;
		case LONG_PING:
			o->ping = optarg;
			if (!ipv4_addr_parse(optarg, &o->ping_addr))
				bad(p, "%s value is '%s': expected an IPv4 address such "
				    "as 10.10.10.2 (no names: there is no DNS here)",
				    "--ping", optarg);
			break;
		case LONG_COUNT:
			ping_only = "--count";
			o->count = (unsigned)number(p, "--count", optarg, 1, 1000000000);
			break;
		case LONG_INTERVAL:
			ping_only = "--interval";
			o->interval_us = seconds_us(p, "--interval", optarg, 0.001, 3600);
			break;
		case LONG_CC:
			if (strcmp(optarg, "reno") != 0 && strcmp(optarg, "cubic") != 0 &&
			    strcmp(optarg, "none") != 0)
				bad(p, "%s value is '%s': expected reno, cubic or none", "--cc",
				    optarg);
			o->cc = optarg;
			break;
		case LONG_NO_SACK:
			o->no_sack = true;
			break;
		case LONG_NO_TIMESTAMPS:
			o->no_timestamps = true;
			break;
		case LONG_NO_RACK:
			o->no_rack = true;
			break;
		case LONG_NO_DELAYED_ACK:
			o->no_delayed_ack = true;
			break;
		case LONG_NODELAY:
			o->nodelay = true;
			break;
		case LONG_NO_SYN_COOKIES:
			o->no_syn_cookies = true;
			break;
		case LONG_NO_OFFLOAD:
			o->no_offload = true;
			break;
		case LONG_URING:
			o->uring = true;
			break;
		case LONG_CC_LOG:
			if (optarg[0] == '\0')
				bad(p, "%s value is '%s': expected a file name", "--cc-log", optarg);
			o->cc_log = optarg;
			break;
		case 'h':
			usage(p, stdout);
			exit(0);
		case 'V':
			printf("%s (tunlab) %s\n", p->name, TUNLAB_VERSION);
			exit(0);
		case ':':
			bad(p, "%s needs a value%s", argv[optind - 1], "");
			break;
		default:
			if (optopt)
				fprintf(stderr, "%s: unknown option -%c\n\n", p->name, optopt);
			else
				fprintf(stderr, "%s: unknown option %s\n\n", p->name,
					argv[optind - 1]);
			usage(p, stderr);
			exit(2);
		}
	}
	if (optind < argc)
		bad(p, "unexpected argument '%s'%s", argv[optind], "");
	fault_check(p, o, queue_given);
	if (gateway_arg)
		gateway_check(p, o, gateway_arg);
	if (ping_only && !o->ping)
		bad(p, "%s is for --ping%s", ping_only, "");
	if (o->ping && o->connect)
		bad(p, "%s and %s: one at a time", "--ping", "--connect");
	/* --connect waits on stdin and stdout too, which the io_uring loop
	 * does not (lib/uring.h); --read has no device. */
	if (o->uring && o->connect)
		bad(p, "%s and %s: one at a time", "--uring", "--connect");
	if (o->uring && o->read_path)
		bad(p, "%s and %s: one at a time", "--uring", "--read");
	if (o->connect)
		target_check(p, o, o->connect_addr, "--connect", o->connect);
	if (o->ping)
		target_check(p, o, o->ping_addr, "--ping", o->ping);
}
