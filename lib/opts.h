/*
 * opts.h - the command-line options every rung shares (docs/CONTRACT.md).
 *
 * Each program describes itself in a struct prog and says which of the
 * rung-specific options it takes; opts_parse() does the rest, exiting with
 * status 2 and the usage on a mistake, or 0 after --help or --version.
 */
#ifndef TUNLAB_OPTS_H
#define TUNLAB_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "dev.h"
#include "fault.h"

#define TUNLAB_VERSION "0.1.0"

/* Options only some rungs take. */
#define OPT_ADDR	0x01	/* -a, --addr */
#define OPT_MAC		0x02	/* -m, --mac */
#define OPT_PORT	0x04	/* -p, --port */
#define OPT_MSL		0x08	/* --msl */
#define OPT_CONNECT	0x10	/* -c, --connect, --syn-timeout */
#define OPT_ROUTE	0x20	/* --gateway, --prefix, --ping, --count, --interval */
#define OPT_TCP		0x40	/* --cc, --no-sack, --no-timestamps, --no-rack,
				 * --no-delayed-ack, --nodelay, --cc-log,
				 * --no-syn-cookies */

struct prog {
	const char *name;	/* "tun_echo" */
	const char *summary;	/* one line for --help */
	enum dev_type dev_type;
	unsigned extra;		/* the OPT_* it takes */
	uint16_t default_port;
	unsigned offload;	/* VNET_OFF_* it can use on a TAP device
				 * (lib/vnet.h, lesson 07); 0: none, and no
				 * virtio-net header */
};

struct opts {
	const char *dev;	/* tun0 or tap0 unless --dev */
	uint32_t addr;		/* 10.10.10.1 unless --addr (host order) */
	uint8_t mac[6];		/* 02:00:0a:0a:0a:01 unless --mac */
	uint16_t port;
	int mtu;		/* 0: the device's MTU at start */
	bool trace;
	const char *pcap_path;	/* --pcap */
	const char *read_path;	/* --read: replay instead of a device */
	const char *user;	/* --user */
	/* --loss, --dup, --reorder, --delay, --rate, --queue: what the bad
	 * wire does to packets read from the device (fault[FAULT_IN]) and
	 * to those the core writes (fault[FAULT_OUT]); all zero: nothing. */
	struct fault_cfg fault[2];
	uint64_t seed;		/* 1 unless --seed */
	bool seed_given;	/* --seed: secrets from the seed too, to repeat a run */
	unsigned msl;		/* seconds */
	const char *connect;	/* A.B.C.D:PORT as given, or NULL */
	uint32_t connect_addr;	/* ... parsed: host order */
	uint16_t connect_port;
	unsigned syn_timeout;	/* --syn-timeout: seconds of SYNs (180) */
	int prefix;		/* --prefix: our link is addr/prefix (24) */
	uint32_t gateway;	/* --gateway: the router off the link, or 0 */
	const char *ping;	/* --ping A.B.C.D as given, or NULL */
	uint32_t ping_addr;	/* ... parsed: host order */
	unsigned count;		/* --count: requests; 0 until SIGINT */
	uint64_t interval_us;	/* --interval: between requests (1 s) */
	/* OPT_TCP (tcp_mini): parsed here, used by the TCP core. */
	const char *cc;		/* --cc: "reno", "cubic" (default) or "none" */
	bool no_sack;		/* --no-sack: no SACK (RFC 2018, 6675) */
	bool no_timestamps;	/* --no-timestamps: no RFC 7323 timestamps */
	bool no_rack;		/* --no-rack: no RACK-TLP (RFC 8985) */
	bool no_delayed_ack;	/* --no-delayed-ack: ACK every segment */
	bool nodelay;		/* --nodelay: Nagle (RFC 896) off */
	bool no_syn_cookies;	/* --no-syn-cookies: a full backlog drops */
	const char *cc_log;	/* --cc-log FILE: CSV of the congestion state */
	bool no_offload;	/* --no-offload: no virtio-net header (every rung
				 * takes it; only those with offloads use it) */
	bool uring;		/* --uring: the device through io_uring */
};

/* Parse the command line into o; on a mistake, exit 2 with the usage.  A
 * --connect or --ping target off our link with no --gateway exits 1 at
 * once: "no route to host", as the kernel's connect() and ping say. */
void opts_parse(const struct prog *p, int argc, char **argv, struct opts *o);

/* "02:00:0a:0a:0a:01" -> bytes; false unless exactly six hex pairs. */
bool mac_parse(const char *s, uint8_t mac[6]);

#endif
