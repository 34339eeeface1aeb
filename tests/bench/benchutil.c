/*
 * benchutil.c: the parts echoload, udpload and udpechod share (see
 * benchutil.h for what is here and why).
 */

#include "benchutil.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

/* --- messages and arguments --------------------------------------------- */

void bench_usage_error(const char *what, const char *value, const char *why)
{
	fprintf(stderr, "%s: %s is \"%s\": %s (try -h)\n",
		bench_progname, what, value, why);
	exit(2);
}

/*
 * Parse an unsigned decimal in [min, max]. strtoull() alone accepts
 * " -1" (and wraps it to a huge number), "12abc" and "", so check all three.
 */
uint64_t bench_parse_uint(const char *what, const char *s,
			  uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;
	char why[96];

	if (*s < '0' || *s > '9')
		bench_usage_error(what, s, "not an unsigned decimal number");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		bench_usage_error(what, s, "not an unsigned decimal number");
	if (errno == ERANGE || v < min || v > max) {
		if (max == UINT64_MAX)
			snprintf(why, sizeof(why), "must be at least %" PRIu64, min);
		else
			snprintf(why, sizeof(why), "must be between %" PRIu64
				 " and %" PRIu64, min, max);
		bench_usage_error(what, s, why);
	}
	return v;
}

/* Parse seconds as a decimal fraction, 0 < s <= max. */
double bench_parse_seconds(const char *what, const char *s, double max)
{
	char *end;
	double v;
	char why[64];

	if ((*s < '0' || *s > '9') && *s != '.')
		bench_usage_error(what, s, "not a number of seconds");
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s)
		bench_usage_error(what, s, "not a number of seconds");
	/* "!(v > 0)" also rejects NaN, which every comparison fails. */
	if (errno == ERANGE || !(v > 0.0) || v > max) {
		snprintf(why, sizeof(why), "must be above 0 and at most %.0f", max);
		bench_usage_error(what, s, why);
	}
	return v;
}

void bench_parse_ipv4(const char *what, const char *s, struct in_addr *addr)
{
	if (inet_pton(AF_INET, s, addr) != 1)
		bench_usage_error(what, s, "not a dotted-quad IPv4 address");
}

void bench_parse_dst(const char *noun, const char *dst, uint16_t port,
		     struct sockaddr_in *sin)
{
	char what[64];

	if (dst == NULL) {
		fprintf(stderr, "%s: a %s (-d) is required (try -h)\n",
			bench_progname, noun);
		exit(2);
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	snprintf(what, sizeof(what), "%s (-d)", noun);
	bench_parse_ipv4(what, dst, &sin->sin_addr);
}

void bench_help_or_bad_option(int opt, void (*usage)(FILE *out))
{
	if (opt == 'h') {
		usage(stdout);
		exit(0);
	}
	/* getopt() has already said what was wrong. */
	usage(stderr);
	exit(2);
}

void bench_no_more_args(int argc, char **argv)
{
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\" (try -h)\n",
			bench_progname, argv[optind]);
		exit(2);
	}
}

void bench_server_options(int argc, char **argv, void (*usage)(FILE *out),
			  const char **addr, unsigned long *port, double *seconds)
{
	int c;

	while ((c = getopt(argc, argv, "a:p:t:h")) != -1) {
		switch (c) {
		case 'a':
			*addr = optarg;
			break;
		case 'p':
			*port = (unsigned long)bench_parse_uint("port (-p)", optarg,
								1, 65535);
			break;
		case 't':
			*seconds = bench_parse_seconds("lifetime (-t)", optarg, 86400.0);
			break;
		default:        /* -h, and mistakes */
			bench_help_or_bad_option(c, usage);
		}
	}
	bench_no_more_args(argc, argv);
}

/* --- time ------------------------------------------------------------------ */

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	/* MONOTONIC: never jumps when someone sets the wall clock. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * BENCH_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* --- sockets --------------------------------------------------------------- */

int bench_grow_buffer(int fd, int opt, int opt_force, int want)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, opt_force, &want, sizeof(want)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, opt, &got, &len) != 0)
		got = -1;
	return got;
}

/*
 * A socket may report an ICMP error about something it sent earlier (port
 * unreachable, host unreachable, ...) on a later receive, once each. The
 * packets it concerns show up as lost (or unanswered); the error itself is
 * no reason to stop.
 */
int bench_icmp_error(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH ||
	       err == ENETUNREACH || err == EHOSTDOWN;
}

enum bench_send_failure bench_send_failure(int err)
{
	switch (err) {
	case EINTR:
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS:       /* queue full: the load is winning */
		return BENCH_SEND_BUSY;
	case ECONNREFUSED:  /* an earlier packet met port unreachable */
	case EHOSTUNREACH:  /* ARP failed, or ICMP host unreachable */
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return BENCH_SEND_UNREACH;
	default:
		return BENCH_SEND_FATAL;
	}
}

/* --- RTT samples ------------------------------------------------------------ */

int bench_samples_init(struct bench_samples *s)
{
	memset(s, 0, sizeof(*s));
	s->v = malloc(BENCH_SAMPLES_MAX * sizeof(*s->v));
	s->rng = 0x9e3779b97f4a7c15ull;
	return s->v == NULL ? -1 : 0;
}

/* Offer one RTT to the reservoir (Algorithm R: every RTT equally likely kept). */
void bench_samples_add(struct bench_samples *s, uint32_t rtt_ns)
{
	s->seen++;
	if (s->n < BENCH_SAMPLES_MAX) {
		s->v[s->n++] = rtt_ns;
		return;
	}
	/* xorshift64: plenty random for picking a slot, and reproducible. */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	uint64_t j = s->rng % s->seen;
	if (j < BENCH_SAMPLES_MAX)
		s->v[j] = rtt_ns;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void bench_samples_sort(struct bench_samples *s)
{
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
}

/* Nearest-rank percentile of sorted v[0..n-1], n > 0: the smallest value
 * with at least pct percent of the samples at or below it. */
uint32_t bench_percentile(const uint32_t *v, size_t n, unsigned pct)
{
	uint64_t rank = ((uint64_t)n * pct + 99) / 100;

	if (rank == 0)
		rank = 1;
	return v[rank - 1];
}

void bench_print_us(const char *key, int have, uint64_t ns)
{
	if (have)
		printf(" %s %.1f", key, (double)ns / 1000.0);
	else
		printf(" %s -", key);
}

/* --- the load loop ----------------------------------------------------------- */

void bench_config_defaults(struct bench_config *cfg)
{
	cfg->inflight = 1;
	cfg->seconds = BENCH_SECONDS_DEFAULT;
	cfg->max_requests = UINT64_MAX;
	cfg->timeout_ms = BENCH_TIMEOUT_MS_DEFAULT;
}

void bench_config_option(struct bench_config *cfg, int opt, const char *arg,
			 const char *count_what, void (*usage)(FILE *out))
{
	switch (opt) {
	case 'n':
		cfg->inflight = (unsigned)bench_parse_uint("in-flight count (-n)",
							   arg, 1, BENCH_INFLIGHT_MAX);
		break;
	case 't':
		cfg->seconds = bench_parse_seconds("duration (-t)", arg,
						   BENCH_SECONDS_MAX);
		break;
	case 'c':
		cfg->max_requests = bench_parse_uint(count_what, arg, 1, UINT64_MAX);
		break;
	case 'w':
		cfg->timeout_ms = (unsigned)bench_parse_uint("timeout (-w)", arg,
							     1, BENCH_TIMEOUT_MS_MAX);
		break;
	default:
		bench_help_or_bad_option(opt, usage);
	}
}

void bench_load_init(struct bench_load *ld, const struct bench_config *cfg,
		     const struct bench_ops *ops, void *tool, size_t txbuf_len)
{
	memset(ld, 0, sizeof(*ld));
	ld->cfg = cfg;
	ld->ops = ops;
	ld->tool = tool;
	ld->fd = -1;
	ld->timeout_ns = (uint64_t)cfg->timeout_ms * BENCH_NS_PER_MS;
	ld->rtt_min_ns = UINT64_MAX;
	ld->txbuf_len = txbuf_len;
	ld->txbuf = malloc(txbuf_len);
	ld->table = calloc(BENCH_SEQ_SPACE, sizeof(*ld->table));
	if (bench_samples_init(&ld->samples) != 0 || ld->table == NULL ||
	    ld->txbuf == NULL) {
		fprintf(stderr, "%s: out of memory\n", bench_progname);
		exit(1);
	}
	/* Slot i starts as request i, so seq % BENCH_SEQ_SPACE is always the
	 * slot's index (a tool may look a slot's full number up by index). */
	for (uint32_t i = 0; i < BENCH_SEQ_SPACE; i++)
		ld->table[i].seq = i;
}

void bench_load_free(struct bench_load *ld)
{
	if (ld->fd >= 0)
		close(ld->fd);
	free(ld->samples.v);
	free(ld->table);
	free(ld->txbuf);
}

void bench_load_backoff(struct bench_load *ld)
{
	ld->backoff_until_ns = bench_now_ns() + BENCH_SEND_BACKOFF_NS;
}

/*
 * Send one request with the next sequence number. Returns 1 if sent, 0 if
 * not (its slot still busy, or the kernel said "not now").
 */
static int send_request(struct bench_load *ld)
{
	struct bench_request *r = &ld->table[ld->next_seq % BENCH_SEQ_SPACE];

	/*
	 * All 65536 slots in use (only at extreme rates, with answers going
	 * missing): wait for the oldest to be answered or time out rather
	 * than reuse its slot.
	 */
	if (r->outstanding)
		return 0;
	if (!ld->ops->send(ld, r))
		return 0;
	r->seq = ld->next_seq;
	r->outstanding = 1;
	ld->next_seq++;         /* uint32_t: wraps from 2^32-1 to 0 by itself */
	ld->sent++;
	ld->inflight++;
	return 1;
}

void bench_load_fill(struct bench_load *ld)
{
	if (!ld->filling)
		return;
	while (ld->inflight < ld->cfg->inflight &&
	       ld->sent < ld->cfg->max_requests &&
	       bench_now_ns() >= ld->backoff_until_ns) {
		if (!send_request(ld))
			break;
	}
}

/*
 * Declare lost every request older than the timeout. Requests are sent in
 * sequence order, so the oldest outstanding one is found by walking forward
 * from oldest_seq past the ones already answered: each slot is stepped over
 * once, so this costs O(1) per request on average.
 */
static void expire(struct bench_load *ld, uint64_t now)
{
	while (ld->inflight > 0) {
		struct bench_request *r = &ld->table[ld->oldest_seq % BENCH_SEQ_SPACE];

		if (r->outstanding && r->seq == ld->oldest_seq) {
			if (now - r->sent_ns < ld->timeout_ns)
				return;          /* the oldest is still in time */
			r->outstanding = 0;
			ld->lost++;
			ld->inflight--;
		}
		ld->oldest_seq++;
	}
	/* Nothing outstanding: the next request sent is the oldest. */
	ld->oldest_seq = ld->next_seq;
}

struct bench_request *bench_load_match(struct bench_load *ld, uint32_t seq,
				       uint64_t token, uint64_t now,
				       uint64_t *rtt_ns)
{
	struct bench_request *r = &ld->table[seq % BENCH_SEQ_SPACE];
	uint64_t rtt = now - r->sent_ns;

	/*
	 * The answer must match a request still waiting, by sequence number
	 * and token. Anything else is a duplicate, or an answer to a request
	 * already counted lost (possibly one whose slot has been reused).
	 * An answer at or past the timeout is late even if expire() has not
	 * run yet, so "lost" means the same thing however the loop is timed.
	 */
	if (!r->outstanding || r->seq != seq || r->token != token ||
	    rtt >= ld->timeout_ns) {
		ld->unmatched++;
		return NULL;
	}
	r->outstanding = 0;
	ld->inflight--;
	*rtt_ns = rtt;
	return r;
}

void bench_load_received(struct bench_load *ld, uint64_t rtt_ns)
{
	ld->received++;
	if (ld->filling)
		ld->received_in_window++;
	ld->rtt_sum_ns += rtt_ns;
	if (rtt_ns < ld->rtt_min_ns)
		ld->rtt_min_ns = rtt_ns;
	if (rtt_ns > ld->rtt_max_ns)
		ld->rtt_max_ns = rtt_ns;
	/* rtt < timeout <= 4 s: fits in 32 bits of nanoseconds. */
	bench_samples_add(&ld->samples, (uint32_t)rtt_ns);
}

/*
 * Read what the socket has queued, without blocking, but at most a batch.
 * The batch limit is not an optimisation: over veth (and loopback) the
 * answer to a request is often queued before the send even returns, so
 * "read until empty" while sending a replacement per answer never ends,
 * and the caller would never get to look at the clock.
 */
#define RECV_BATCH 64

static void drain_socket(struct bench_load *ld)
{
	/*
	 * Room for the largest IPv4 datagram there is, header included (a
	 * raw socket hands us the header): no answer is ever cut short, so a
	 * tool sees every answer's true length. Static: 64 KiB is too big to
	 * be polite on the stack.
	 */
	static uint8_t buf[65535 + 1];

	for (int i = 0; i < RECV_BATCH; i++) {
		ssize_t n = recv(ld->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			if (bench_icmp_error(errno)) {
				ld->icmp_errors++;
				continue;
			}
			fprintf(stderr, "%s: recv: %s\n", bench_progname,
				strerror(errno));
			exit(1);
		}
		ld->ops->handle(ld, buf, (size_t)n, bench_now_ns());
	}
}

/* Milliseconds poll() should wait for the next thing we must act on. */
static int poll_timeout_ms(const struct bench_load *ld, uint64_t now,
			   uint64_t until)
{
	uint64_t next = until;

	if (ld->inflight > 0) {
		/* expire() left oldest_seq on the oldest outstanding request. */
		uint64_t deadline = ld->table[ld->oldest_seq % BENCH_SEQ_SPACE].sent_ns +
				    ld->timeout_ns;
		if (deadline < next)
			next = deadline;
	}
	if (ld->filling && ld->backoff_until_ns > now && ld->backoff_until_ns < next)
		next = ld->backoff_until_ns;
	if (next <= now)
		return 0;
	/* Round up: waking a little late is fine, spinning early is not. */
	return (int)((next - now + BENCH_NS_PER_MS - 1) / BENCH_NS_PER_MS);
}

/*
 * Run the loop until `until` (sending phase) or until nothing is in flight
 * (drain phase, where `until` is the end of the last grace timeout).
 */
static void run_loop(struct bench_load *ld, uint64_t until)
{
	struct pollfd pfd = { .fd = ld->fd, .events = POLLIN };

	for (;;) {
		uint64_t now = bench_now_ns();

		expire(ld, now);
		if (now >= until)
			return;
		if (ld->filling) {
			if (ld->sent >= ld->cfg->max_requests && ld->inflight == 0)
				return;         /* -c reached and all accounted for */
		} else if (ld->inflight == 0) {
			return;                 /* drained */
		}
		bench_load_fill(ld);
		if (poll(&pfd, 1, poll_timeout_ms(ld, now, until)) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", bench_progname,
				strerror(errno));
			exit(1);
		}
		if (pfd.revents & (POLLIN | POLLERR))
			drain_socket(ld);
	}
}

uint64_t bench_load_run(struct bench_load *ld)
{
	uint64_t start, window_end, send_end;

	/* Phase 1: keep cfg->inflight requests out until the window closes. */
	ld->filling = 1;
	start = bench_now_ns();
	window_end = start + (uint64_t)(ld->cfg->seconds * (double)BENCH_NS_PER_S);
	run_loop(ld, window_end);
	send_end = bench_now_ns();

	/*
	 * Phase 2: stop sending; give what is still out one timeout to come
	 * back, so every request sent ends up accounted for.
	 */
	ld->filling = 0;
	run_loop(ld, send_end + ld->timeout_ns);
	/* Normally a no-op: with "now" at the end of time, anything left is lost. */
	expire(ld, UINT64_MAX);
	return send_end - start;
}

double bench_load_rate(const struct bench_load *ld, double dur_s)
{
	return dur_s > 0 ? (double)ld->received_in_window / dur_s : 0.0;
}

void bench_load_print_rtt(struct bench_load *ld)
{
	struct bench_samples *s = &ld->samples;
	int have = ld->received > 0;

	bench_samples_sort(s);
	bench_print_us("p50_us", have, have ? bench_percentile(s->v, s->n, 50) : 0);
	bench_print_us("p90_us", have, have ? bench_percentile(s->v, s->n, 90) : 0);
	bench_print_us("p99_us", have, have ? bench_percentile(s->v, s->n, 99) : 0);
	bench_print_us("mean_us", have, have ? ld->rtt_sum_ns / ld->received : 0);
	bench_print_us("min_us", have, ld->rtt_min_ns);
	bench_print_us("max_us", have, ld->rtt_max_ns);
}
