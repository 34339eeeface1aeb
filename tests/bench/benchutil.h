/*
 * benchutil: what the three bench tools have in common.
 *
 * echoload (ICMP echo), udpload (UDP echo) and udpechod (the kernel's
 * stack answering UDP echo) measure different things, but they check
 * their arguments the same way, read the same clock and write big-endian
 * fields the same way; and the two load generators run the very same
 * loop: keep N requests in flight, count each one received or lost, keep
 * the round-trip times for percentiles, stop after -t seconds. That part
 * is written here, once, so that a fix to it is a fix to every tool, and
 * so that each tool's own file shows only what is particular to it: the
 * packet it builds, how it recognises the answer, and its socket.
 *
 * The load loop in one picture (bench_load_run() in benchutil.c):
 *
 *   the tool (echoload.c, udpload.c)       benchutil.c
 *
 *   main: parse the options,
 *         bench_load_init(), open socket,
 *         bench_load_run()  ---------------> loop until -t seconds are over:
 *                                              expire requests too old,
 *   ops->send:   build one request, send <---- fill up to -n in flight,
 *                it, set r->sent_ns and        poll(),
 *                r->token                      read a batch:
 *   ops->handle: take one answer apart,  <---- each datagram
 *                bench_load_match() it,      stop sending; one timeout more
 *                bench_load_received(),      for the last answers
 *                bench_load_fill()
 *   main: print the result line, its RTT
 *         fields with bench_load_print_rtt()
 *
 * It is compiled into each tool (cc ... echoload.c benchutil.c). It is not
 * part of the stack: nothing in lib/ uses it, and it uses nothing in lib/.
 */
#ifndef TUNLAB_BENCHUTIL_H
#define TUNLAB_BENCHUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netinet/in.h>

/* --- messages and arguments --------------------------------------------- */

/* The tool's name, for messages. Each tool defines it: "echoload", ... */
extern const char *const bench_progname;

/* A usage error: say which argument and why, point at -h, exit 2. */
_Noreturn void bench_usage_error(const char *what, const char *value,
				 const char *why);

/* An unsigned decimal in [min, max], nothing before or after it; a usage
 * error otherwise. */
uint64_t bench_parse_uint(const char *what, const char *s,
			  uint64_t min, uint64_t max);

/* Seconds as a decimal fraction, 0 < s <= max; a usage error otherwise. */
double bench_parse_seconds(const char *what, const char *s, double max);

/* A dotted-quad IPv4 address into *addr; a usage error otherwise. */
void bench_parse_ipv4(const char *what, const char *s, struct in_addr *addr);

/*
 * The load generators' -d: dst (NULL if -d was not given) and port into
 * *sin. noun names it in messages: "target address" gives "a target
 * address (-d) is required" and "target address (-d) is ...".
 */
void bench_parse_dst(const char *noun, const char *dst, uint16_t port,
		     struct sockaddr_in *sin);

/*
 * The getopt() cases every tool ends with: -h prints usage(stdout) and
 * exits 0; anything else is an option getopt() did not know or one that
 * lacks its argument (getopt() has already said which): usage(stderr),
 * exit 2.
 */
_Noreturn void bench_help_or_bad_option(int opt, void (*usage)(FILE *out));

/* After getopt(): anything left over is a usage error. */
void bench_no_more_args(int argc, char **argv);

/* The options both servers (udpechod, tcpsrvd) take: -a ADDR to bind,
 * -p PORT (1..65535), -t SECONDS of lifetime (at most a day), -h.  Sets
 * what was given, leaves the rest; a mistake exits 2 with usage(). */
void bench_server_options(int argc, char **argv, void (*usage)(FILE *out),
			  const char **addr, unsigned long *port, double *seconds);

/* --- time and bytes ------------------------------------------------------ */

#define BENCH_NS_PER_S  1000000000ull
#define BENCH_NS_PER_MS 1000000ull

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/*
 * Big-endian ("network order") reads and writes: byte order lives here
 * only. Inline, because the load generators call them for every packet.
 */
static inline uint16_t bench_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void bench_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t bench_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void bench_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint64_t bench_get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void bench_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* --- sockets -------------------------------------------------------------- */

/*
 * Make a socket buffer at least `want` bytes: with CAP_NET_ADMIN the
 * *FORCE option goes past net.core.[rw]mem_max; without it, ask for what
 * we can get. Best effort. Returns the size the kernel reports (twice what
 * it grants the data, the other half being its bookkeeping), -1 if it
 * would not say.
 */
int bench_grow_buffer(int fd, int opt, int opt_force, int want);

/* 1 if a receive error is one the kernel queued from an ICMP error about
 * something we sent earlier (port or host unreachable): not fatal. */
int bench_icmp_error(int err);

/* What a send the kernel refused with errno err means. */
enum bench_send_failure {
	BENCH_SEND_BUSY,        /* full queue (ENOBUFS, EAGAIN): the load is winning */
	BENCH_SEND_UNREACH,     /* no route, ARP failed, port unreachable before */
	BENCH_SEND_FATAL,       /* anything else: give up */
};
enum bench_send_failure bench_send_failure(int err);

/* --- RTT samples ----------------------------------------------------------- */

/* At most 4M RTT samples (16 MiB): memory stays bounded on any run. */
#define BENCH_SAMPLES_MAX (4u * 1024u * 1024u)

/* RTT samples for the percentiles: a bounded reservoir. */
struct bench_samples {
	uint32_t *v;        /* RTTs in ns */
	size_t n;           /* how many v[] holds */
	uint64_t seen;      /* how many were offered */
	uint64_t rng;       /* xorshift64 state for reservoir replacement */
};

/* Room for BENCH_SAMPLES_MAX. Returns -1 when out of memory. */
int bench_samples_init(struct bench_samples *s);
/* Offer one RTT to the reservoir. */
void bench_samples_add(struct bench_samples *s, uint32_t rtt_ns);
/* Sort v[0..n-1], smallest first, for bench_percentile(). */
void bench_samples_sort(struct bench_samples *s);
/* Nearest-rank percentile of sorted v[0..n-1], n > 0. */
uint32_t bench_percentile(const uint32_t *v, size_t n, unsigned pct);
/* " key 12.3" (ns shown in microseconds), or " key -" if !have. */
void bench_print_us(const char *key, int have, uint64_t ns);

/* --- the load loop (echoload and udpload) ---------------------------------- */

/* Request slots, indexed by the low 16 bits of the sequence number (ICMP's
 * sequence field has 16 bits, so at most 65536 distinct requests exist). */
#define BENCH_SEQ_SPACE 65536u

/*
 * In-flight cap: far below BENCH_SEQ_SPACE, so sequence numbers are almost
 * never all busy, and far above what a teaching stack can usefully absorb.
 */
#define BENCH_INFLIGHT_MAX 4096u

/*
 * Timeout cap: an accepted RTT is below the timeout, and we store RTTs as
 * 32-bit nanosecond counts, which hold up to 4.29 s.
 */
#define BENCH_TIMEOUT_MS_MAX     4000u
#define BENCH_TIMEOUT_MS_DEFAULT 200u

#define BENCH_SECONDS_MAX     3600.0
#define BENCH_SECONDS_DEFAULT 3.0

/* How long to wait before retrying after the kernel refused a send. */
#define BENCH_SEND_BACKOFF_NS 1000000ull

/* The options both load generators take: -n, -t, -c, -w. */
struct bench_config {
	unsigned inflight;      /* -n */
	double seconds;         /* -t */
	uint64_t max_requests;  /* -c */
	unsigned timeout_ms;    /* -w */
};

void bench_config_defaults(struct bench_config *cfg);

/*
 * The `default:` of a load generator's getopt() switch: -n, -t, -c or -w
 * go into cfg (a usage error if arg is wrong; count_what names -c in it:
 * "request count (-c)"); anything else goes to bench_help_or_bad_option().
 */
void bench_config_option(struct bench_config *cfg, int opt, const char *arg,
			 const char *count_what, void (*usage)(FILE *out));

/* One slot per low 16 bits of the sequence number. */
struct bench_request {
	uint64_t sent_ns;   /* CLOCK_MONOTONIC just before the send */
	uint64_t token;     /* what the tool put in the request to know it again */
	uint32_t seq;       /* its sequence number; seq % BENCH_SEQ_SPACE is
			     * always this slot's index */
	int outstanding;    /* 1 while we wait for its answer */
};

struct bench_load;

/* What the tool gives the loop. */
struct bench_ops {
	/*
	 * Build request number ld->next_seq in ld->txbuf and send it on
	 * ld->fd. Set r->sent_ns just before the send; on success set
	 * r->token and return 1. If the kernel said "not now", count it,
	 * call bench_load_backoff() and return 0.
	 */
	int (*send)(struct bench_load *ld, struct bench_request *r);
	/* One datagram read from ld->fd at `now`: take it apart, and if it is
	 * an answer, bench_load_match() it. */
	void (*handle)(struct bench_load *ld, const uint8_t *buf, size_t len,
		       uint64_t now);
};

struct bench_load {
	const struct bench_config *cfg;
	const struct bench_ops *ops;
	void *tool;                 /* the tool's own state, for its ops */
	int fd;                     /* the tool's socket */
	uint8_t *txbuf;             /* the request ops->send rebuilds per send */
	size_t txbuf_len;           /* its length: every request is this long */
	struct bench_request *table;    /* BENCH_SEQ_SPACE entries */
	uint32_t next_seq;          /* sequence number of the next request */
	uint32_t oldest_seq;        /* no request older than this is outstanding */
	unsigned inflight;
	uint64_t timeout_ns;
	uint64_t backoff_until_ns;  /* no sends before this, after ENOBUFS & co */
	int filling;                /* 0 once the window is over: no more sends */

	uint64_t sent, received, lost, unmatched, bad;
	uint64_t send_errors;       /* sends refused; counted by ops->send */
	uint64_t icmp_errors;       /* bench_icmp_error()s read from the socket
				     * (and, if the tool wants, refused sends) */
	uint64_t received_in_window;
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	struct bench_samples samples;
};

/* Zero everything, allocate the table, the samples and a txbuf of
 * txbuf_len bytes; out of memory, say so and exit 1. */
void bench_load_init(struct bench_load *ld, const struct bench_config *cfg,
		     const struct bench_ops *ops, void *tool, size_t txbuf_len);
/* Close ld->fd, free what bench_load_init() allocated. */
void bench_load_free(struct bench_load *ld);

/*
 * Send for cfg->seconds (or cfg->max_requests), then give what is still
 * out one timeout to come back, so every request ends up received, lost
 * or (the tool's count) mismatched. Returns the length of the sending
 * window in ns.
 */
uint64_t bench_load_run(struct bench_load *ld);

/* Top up to the configured number in flight, if we are still sending. */
void bench_load_fill(struct bench_load *ld);
/* No sends for BENCH_SEND_BACKOFF_NS: for ops->send after a refusal. */
void bench_load_backoff(struct bench_load *ld);

/*
 * The request an answer claims to be for, by sequence number and token.
 * If it is still waiting and the answer is in time, it is no longer in
 * flight: return it with its round-trip time in *rtt_ns. Otherwise count
 * the answer unmatched and return NULL.
 */
struct bench_request *bench_load_match(struct bench_load *ld, uint32_t seq,
				       uint64_t token, uint64_t now,
				       uint64_t *rtt_ns);
/* Count an exact answer: received, its RTT in the statistics. */
void bench_load_received(struct bench_load *ld, uint64_t rtt_ns);

/* Replies per second inside a sending window of dur_s seconds. */
double bench_load_rate(const struct bench_load *ld, double dur_s);
/* Sort the samples and print " p50_us .. p90_us .. p99_us .. mean_us ..
 * min_us .. max_us ..", part of the tool's result line. */
void bench_load_print_rtt(struct bench_load *ld);

#endif
