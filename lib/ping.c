/*
 * ping.c - the stack's own ping (see ping.h).
 */
#include "ping.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "icmp.h"
#include "ip_host.h"
#include "opts.h"
#include "random.h"
#include "run.h"

/* Text for stdout; a line that does not fit is cut (the loop empties the
 * buffer after every batch, so only a flood of thousands could fill it). */
static void say(struct pinger *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->out_len >= sizeof(p->out) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->out + p->out_len, sizeof(p->out) - p->out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->out_len += (size_t)n < sizeof(p->out) - p->out_len ?
			      (size_t)n : sizeof(p->out) - p->out_len - 1;
}

void pinger_init(struct pinger *p, uint32_t src, uint32_t dst, uint16_t id,
		 unsigned count, uint64_t interval_us, const uint64_t *clock_us)
{
	char a[16];

	memset(p, 0, sizeof(*p));
	p->src = src;
	p->dst = dst;
	p->id = id;
	p->count = count;
	p->interval_us = interval_us;
	p->clock_us = clock_us;
	p->next_seq = 1;		/* iputils counts from 1 */
	p->next_us = *clock_us;		/* the first one at once */
	p->rtt_min = UINT64_MAX;
	ipv4_addr_format(dst, a);
	say(p, "PING %s (%s) %d(%d) bytes of data.\n", a, a, PING_DATA_LEN,
	    PING_DATA_LEN + ICMP_HDR_LEN + IPV4_HDR_LEN);
}

/* All answered, or waited long enough for the rest. */
static void maybe_done(struct pinger *p, uint64_t now_us)
{
	if (!p->count || p->sent < p->count)
		return;
	if (p->received + p->errors >= p->count ||
	    now_us >= p->last_sent_us + (uint64_t)PING_LINGER_MS * 1000)
		p->done = true;
}

/* The echo request with sequence number seq, sent now: an IPv4 header of
 * ours, then RFC 792's echo message. */
static void send_request(struct pinger *p, struct txq *ipq, uint16_t *ip_id,
			 uint64_t now_us)
{
	uint8_t data[PING_DATA_LEN];
	struct icmp_hdr icmp = { .type = ICMP_TYPE_ECHO_REQUEST, .id = p->id,
				 .seq = p->next_seq, .data = data,
				 .data_len = sizeof(data) };
	size_t len = IPV4_HDR_LEN + ICMP_HDR_LEN + sizeof(data);
	struct ipv4_hdr ip = { .ttl = 64, .proto = IPV4_PROTO_ICMP, .src = p->src,
			       .dst = p->dst, .total_len = (uint16_t)len };
	uint8_t *out = txq_slot(ipq);
	size_t i;

	if (!out)
		return;		/* the host's queue is emptied every batch */
	/* The time it left, then a pattern a reply must carry back. */
	put32(data, (uint32_t)(now_us >> 32));
	put32(data + 4, (uint32_t)now_us);
	for (i = 8; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	ip.id = (*ip_id)++;
	ipv4_emit(&ip, out, IPV4_HDR_LEN);
	icmp_emit(&icmp, out + IPV4_HDR_LEN, PKT_BUF_SIZE - IPV4_HDR_LEN);
	txq_push(ipq, len);

	p->seen[p->next_seq / 8] &= (uint8_t)~(1u << (p->next_seq % 8));
	p->next_seq++;
	if (p->sent++ == 0)
		p->first_us = now_us;
	p->last_sent_us = now_us;
}

uint64_t pinger_tick(struct pinger *p, struct txq *ipq, uint16_t *ip_id)
{
	uint64_t now_us = *p->clock_us, next;

	if (p->done)
		return UINT64_MAX;
	if ((!p->count || p->sent < p->count) && now_us >= p->next_us) {
		send_request(p, ipq, ip_id, now_us);
		/* Keep to the beat; after a long stall, start it again. */
		p->next_us += p->interval_us;
		if (p->next_us <= now_us)
			p->next_us = now_us + p->interval_us;
	}
	maybe_done(p, now_us);
	if (p->done)
		return UINT64_MAX;
	if (!p->count || p->sent < p->count)
		next = p->next_us;
	else
		next = p->last_sent_us + (uint64_t)PING_LINGER_MS * 1000;
	return (next + 999) / 1000;
}

/* "time=0.045 ms": as many digits as iputils shows for its size. */
static void say_rtt(struct pinger *p, uint64_t us)
{
	if (us >= 100000 - 50)
		say(p, " time=%llu ms", (unsigned long long)((us + 500) / 1000));
	else if (us >= 10000 - 5)
		say(p, " time=%llu.%01llu ms", (unsigned long long)((us + 50) / 1000),
		    (unsigned long long)((us + 50) % 1000 / 100));
	else if (us >= 1000)
		say(p, " time=%llu.%02llu ms", (unsigned long long)((us + 5) / 1000),
		    (unsigned long long)((us + 5) % 1000 / 10));
	else
		say(p, " time=%llu.%03llu ms", (unsigned long long)(us / 1000),
		    (unsigned long long)(us % 1000));
}

static void reply_in(struct pinger *p, const struct ipv4_hdr *ip,
		     const struct icmp_hdr *icmp, uint64_t now_us)
{
	uint64_t sent_us, rtt;
	bool dup;
	char a[16];

	/* Our own data came back, so the time in it is the one we wrote. */
	sent_us = icmp->data_len >= 8 ?
		  (uint64_t)get32(icmp->data) << 32 | get32(icmp->data + 4) : now_us;
	rtt = now_us >= sent_us ? now_us - sent_us : 0;
	dup = p->seen[icmp->seq / 8] & (1u << (icmp->seq % 8));
	p->seen[icmp->seq / 8] |= (uint8_t)(1u << (icmp->seq % 8));
	if (dup) {
		p->dups++;
	} else {
		p->received++;
		if (rtt < p->rtt_min)
			p->rtt_min = rtt;
		if (rtt > p->rtt_max)
			p->rtt_max = rtt;
		p->rtt_sum += rtt;
		p->rtt_sum2 += rtt * rtt;
	}
	ipv4_addr_format(ip->src, a);
	say(p, "%zu bytes from %s: icmp_seq=%u ttl=%u", ip->payload_len, a,
	    (unsigned)icmp->seq, (unsigned)ip->ttl);
	say_rtt(p, rtt);
	say(p, "%s\n", dup ? " (DUP!)" : "");
}

/* iputils' words for an ICMP error. */
static const char *error_text(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
		"Destination Net Unreachable", "Destination Host Unreachable",
		"Destination Protocol Unreachable", "Destination Port Unreachable",
		"Frag needed and DF set", "Source Route Failed",
		"Destination Net Unknown", "Destination Host Unknown",
		"Source Host Isolated", "Destination Net Prohibited",
		"Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service",
		"Packet filtered", "Precedence Violation", "Precedence Cutoff",
	};

	switch (type) {
	case ICMP_TYPE_DEST_UNREACHABLE:
		return code < sizeof(unreach) / sizeof(unreach[0]) ? unreach[code] :
		       "Dest Unreachable, Bad Code";
	case ICMP_TYPE_TIME_EXCEEDED:
		return code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
	case ICMP_TYPE_PARAMETER_PROBLEM:
		return "Parameter problem";
	case ICMP_TYPE_REDIRECT:
		return "Redirect";
	default:
		return "Source Quench";
	}
}

/* An error from `from` about the datagram quoted (its IPv4 header and 8
 * bytes): one of our requests? */
static bool error_in(struct pinger *p, uint32_t from, uint8_t type, uint8_t code,
		     const uint8_t *quote, size_t len)
{
	struct icmp_quote q;
	char a[16];

	if (!ip_host_icmp_quote(quote, len, &q) || q.proto != IPV4_PROTO_ICMP ||
	    q.src != p->src || q.dst != p->dst ||
	    q.l4[0] != ICMP_TYPE_ECHO_REQUEST || get16(q.l4 + 4) != p->id)
		return false;
	p->errors++;
	ipv4_addr_format(from, a);
	say(p, "From %s icmp_seq=%u %s\n", a, (unsigned)get16(q.l4 + 6),
	    error_text(type, code));
	maybe_done(p, *p->clock_us);
	return true;
}

bool pinger_input(struct pinger *p, const struct ipv4_hdr *ip, enum drop *why)
{
	struct icmp_hdr icmp;

	if (icmp_parse(ip->payload, ip->payload_len, &icmp) != DROP_NONE)
		return false;		/* the host counts it */
	*why = DROP_NONE;
	if (icmp.type == ICMP_TYPE_ECHO_REPLY && icmp.code == 0 &&
	    icmp.id == p->id && ip->src == p->dst) {
		reply_in(p, ip, &icmp, *p->clock_us);
		maybe_done(p, *p->clock_us);
		return true;
	}
	return icmp_is_error(icmp.type) &&
	       error_in(p, ip->src, icmp.type, icmp.code, icmp.data, icmp.data_len);
}

bool pinger_unreachable(struct pinger *p, const uint8_t *head, size_t len)
{
	return error_in(p, p->src, ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_HOST_UNREACHABLE,
			head, len);
}

/* The integer square root, for mdev: no libm. */
static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void say_ms(struct pinger *p, uint64_t us, const char *after)
{
	say(p, "%llu.%03llu%s", (unsigned long long)(us / 1000),
	    (unsigned long long)(us % 1000), after);
}

void pinger_finish(struct pinger *p)
{
	/* As iputils: from the first request to now, the end. */
	uint64_t elapsed = p->sent ? *p->clock_us - p->first_us : 0;
	char a[16];

	if (p->summed)
		return;
	p->summed = true;
	ipv4_addr_format(p->dst, a);
	say(p, "\n--- %s ping statistics ---\n", a);
	say(p, "%llu packets transmitted, %llu received", (unsigned long long)p->sent,
	    (unsigned long long)p->received);
	if (p->dups)
		say(p, ", +%llu duplicates", (unsigned long long)p->dups);
	if (p->errors)
		say(p, ", +%llu errors", (unsigned long long)p->errors);
	if (p->sent)
		say(p, ", %g%% packet loss, time %llums",
		    (double)(p->sent - p->received) * 100.0 / (double)p->sent,
		    (unsigned long long)((elapsed + 500) / 1000));
	say(p, "\n");
	if (p->received) {
		uint64_t avg = p->rtt_sum / p->received;
		uint64_t sq = p->rtt_sum2 / p->received;

		say(p, "rtt min/avg/max/mdev = ");
		say_ms(p, p->rtt_min, "/");
		say_ms(p, avg, "/");
		say_ms(p, p->rtt_max, "/");
		say_ms(p, isqrt(sq > avg * avg ? sq - avg * avg : 0), " ms\n");
	}
}

const char *pinger_take(struct pinger *p)
{
	if (!p->out_len)
		return NULL;
	p->out[p->out_len] = '\0';
	p->out_len = 0;
	return p->out;
}

int pinger_status(const struct pinger *p)
{
	return p->received ? 0 : 1;
}

bool ping_setup(struct pinger *p, const struct opts *o, struct core *c)
{
	uint16_t id = (uint16_t)o->seed;

	if (!o->ping)
		return false;
	/* The identifier tells our replies from anyone else's; iputils takes
	 * its process ID, or the kernel picks one for a ping socket. */
	if (!o->seed_given && !random_bytes(&id, sizeof(id))) {
		fprintf(stderr, "no random bytes for the ping identifier: %s "
			"(--seed N picks it from N instead)\n", strerror(errno));
		exit(1);
	}
	pinger_init(p, o->addr, o->ping_addr, id, o->count, o->interval_us, &c->now_us);
	c->ping = p;
	return true;
}
