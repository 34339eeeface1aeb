/*
 * conn.c - the connection table, initial sequence numbers, the user calls
 * (RFC 9293 3.10.1-3.10.6) and the timers (3.10.8, RFC 6298).
 */
#include "tcp_mini.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/bytes.h"

static const char *const state_names[] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN-SENT",
	[TCP_SYN_RECEIVED] = "SYN-RECEIVED",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_FIN_WAIT_1] = "FIN-WAIT-1",
	[TCP_FIN_WAIT_2] = "FIN-WAIT-2",
	[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_CLOSING] = "CLOSING",
	[TCP_LAST_ACK] = "LAST-ACK",
	[TCP_TIME_WAIT] = "TIME-WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	return state_names[s];
}

/* One line of --trace text, "tcp 10.10.10.1:7 < 10.10.10.2:40000 ...".
 * A full log loses lines rather than the program blocking. */
void tcp_log(struct tcp_mini *st, const struct tcp_conn *c, const char *fmt, ...)
{
	char peer[16];
	size_t room = sizeof(st->log) - st->log_len;
	va_list ap;
	int n;

	ipv4_addr_format(c->raddr, peer);
	n = snprintf(st->log + st->log_len, room, "tcp :%u %s:%u ", c->lport,
		     peer, c->rport);
	if (n < 0 || (size_t)n >= room)
		return;
	va_start(ap, fmt);
	n += vsnprintf(st->log + st->log_len + n, room - (size_t)n, fmt, ap);
	va_end(ap);
	if ((size_t)n + 1 >= room)
		return;		/* did not fit: the line is dropped whole */
	st->log[st->log_len + (size_t)n] = '\n';
	st->log_len += (size_t)n + 1;
	st->log[st->log_len] = '\0';
}

void tcp_set_state(struct tcp_mini *st, struct tcp_conn *c, enum tcp_state s)
{
	if (c->state == s)
		return;
	tcp_log(st, c, "%s -> %s", tcp_state_name(c->passive && c->state == TCP_CLOSED ?
						   TCP_LISTEN : c->state),
		tcp_state_name(s));
	if (c->passive && c->state == TCP_SYN_RECEIVED)
		st->half_open--;
	if (c->passive && s == TCP_SYN_RECEIVED)
		st->half_open++;
	/* TIME-WAIT only remembers the connection's numbers: its send ring
	 * is empty (all acknowledged), so its memory goes back now, not
	 * 2*MSL later.  The client's receive ring may still hold data for
	 * stdout; a server's is drained. */
	if (s == TCP_TIME_WAIT) {
		st->mem_used -= c->snd.cap;
		ring_free_buf(&c->snd);
		tcp_sent_free(st, c);
		if (c->app != APP_CLIENT || c->rcv.len == 0) {
			st->mem_used -= c->rcv.cap;
			ring_free_buf(&c->rcv);
		}
	}
	c->state = s;
}

/* --- the table -------------------------------------------------------- */

/* Is c the connection of this four-tuple?  (Our address is the host's.) */
static bool same_tuple(const struct tcp_conn *c, uint32_t raddr, uint16_t rport,
		       uint16_t lport)
{
	return c->state != TCP_CLOSED && c->raddr == raddr && c->rport == rport &&
	       c->lport == lport;
}

/* The connection a segment from raddr:rport to our lport belongs to.  A
 * linear search: 128 slots; the last one found is tried first, since a
 * batch of segments mostly belongs to one busy connection. */
struct tcp_conn *tcp_find(struct tcp_mini *st, uint32_t raddr, uint16_t rport,
			  uint16_t lport)
{
	size_t i;

	if (same_tuple(&st->conn[st->last_hit], raddr, rport, lport))
		return &st->conn[st->last_hit];
	for (i = 0; i < TCP_MAX_CONN; i++) {
		if (same_tuple(&st->conn[i], raddr, rport, lport)) {
			st->last_hit = i;
			return &st->conn[i];
		}
	}
	return NULL;
}

struct tcp_conn *tcp_alloc(struct tcp_mini *st, enum drop *why)
{
	size_t i;

	for (i = 0; i < TCP_MAX_CONN; i++) {
		struct tcp_conn *c = &st->conn[i];

		if (c->state == TCP_CLOSED) {
			memset(c, 0, sizeof(*c));
			c->rto_ms = TCP_RTO_INITIAL_MS;
			return c;
		}
	}
	*why = DROP_TCP_TABLE_FULL;
	return NULL;
}

void tcp_free(struct tcp_mini *st, struct tcp_conn *c)
{
	if (c->state >= TCP_ESTABLISHED)
		tcp_cc_log(st, c, "close");
	tcp_set_state(st, c, TCP_CLOSED);
	if (st->client_slot >= 0 && &st->conn[st->client_slot] == c) {
		st->client_end = c->end == END_NONE ? END_CLOSED : c->end;
		st->client_error = c->soft_error;
		st->client_slot = -1;
		/* What came in before the end still goes to stdout: the
		 * ring moves to client_rest before the rings are freed
		 * below (freeing first lost what stdout had not taken yet).
		 * Only a reset flushes it (RFC 9293 3.10.7.4, second check). */
		if (c->rcv.len > 0 && c->end != END_RESET) {
			st->mem_used -= c->rcv.cap;
			st->client_rest = c->rcv;
			memset(&c->rcv, 0, sizeof(c->rcv));
		}
	}
	st->mem_used -= c->snd.cap + c->rcv.cap;
	ring_free_buf(&c->snd);
	ring_free_buf(&c->rcv);
	tcp_sent_free(st, c);
}

/* Both rings at their starting size, or smaller when many connections
 * share the budget; false if not even the smallest fits. */
bool tcp_rings_alloc(struct tcp_mini *st, struct tcp_conn *c)
{
	size_t size = TCP_RING_START, others = 0, i;

	/* Leave every other free slot room for its smallest rings, so that
	 * the table, not the memory, is what limits connections. */
	for (i = 0; i < TCP_MAX_CONN; i++)
		others += st->conn[i].state == TCP_CLOSED && &st->conn[i] != c;
	others *= 2 * TCP_RING_MIN;
	while (size > TCP_RING_MIN &&
	       st->mem_used + 2 * size + others > TCP_MEM_BUDGET)
		size /= 2;
	if (st->mem_used + 2 * size > TCP_MEM_BUDGET)
		return false;
	if (!ring_resize(&c->snd, size))
		return false;
	if (!ring_resize(&c->rcv, size)) {
		ring_free_buf(&c->snd);
		return false;
	}
	st->mem_used += 2 * size;
	return true;
}

/* Double a ring that is filling up, if it may still grow and the budget
 * has room: a busy connection gets a window that covers the time data
 * spends in flight, while 64 idle ones stay small. */
void tcp_ring_grow(struct tcp_mini *st, struct ring *r)
{
	size_t old = r->cap;

	if (old == 0 || old >= TCP_RING_MAX ||
	    st->mem_used + old > TCP_MEM_BUDGET - TCP_MEM_RESERVE)
		return;
	if (ring_resize(r, old * 2))
		st->mem_used += old;
}

/*
 * RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * with M a clock ticking every 4 microseconds.  The clock makes numbers
 * climb for successive connections of the same four-tuple (so an old
 * duplicate cannot land in the new one's window); the keyed hash makes
 * them unguessable from outside, so that nobody can forge a segment into
 * a connection they cannot see (the attack of RFC 6528 section 1).
 *
 * RFC 6528 section 3 (and RFC 9293 3.4.1, MUST-9): F "MUST NOT be
 * computable from the outside, or an attacker could still guess at
 * sequence numbers from the ISN used for some other connection".  Two
 * things make it so.  F is a pseudorandom function: SipHash-2-4
 * (lib/siphash.c), which is what Linux uses for this too; a plain mixer
 * would let a few observed ISNs give the key away.  And the key is secret:
 * 128 bits from getrandom() at start (tcp_mini.c), unless --seed asks for
 * a run that repeats, in which case anyone who knows the seed can compute
 * every ISN, as a test wants.
 */
void tcp_mini_set_key(struct tcp_mini *st, const uint8_t key[SIPHASH_KEY_LEN])
{
	memcpy(st->isn_key, key, SIPHASH_KEY_LEN);
}

/* --seed's key: the seed's 8 bytes, then zeros.  Not a secret, and not
 * meant to be: SipHash spreads any key over its output just the same. */
void tcp_mini_key_from_seed(uint64_t seed, uint8_t key[SIPHASH_KEY_LEN])
{
	int i;

	memset(key, 0, SIPHASH_KEY_LEN);
	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)(seed >> (8 * i));
}

seq_t tcp_isn(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
	      uint16_t rport, uint64_t now_ms)
{
	uint8_t id[12];		/* the connection's identity, RFC 6528's order */
	uint32_t f;

	if (st->isn_fixed)
		return seq(st->isn_base);
	put32(id, st->host.ip.addr);
	put16(id + 4, lport);
	put32(id + 6, raddr);
	put16(id + 10, rport);
	f = (uint32_t)siphash24(st->isn_key, id, sizeof(id));
	/* M, RFC 6528's "4 microsecond timer": 250 ticks a millisecond,
	 * wrapping at 2^32 (every 4.77 hours). */
	return seq((uint32_t)(now_ms * 250) + f);
}

/* RFC 7323 5.4: a timestamp clock that starts at a random point per
 * connection, so that a TSval tells an observer neither how long the host
 * has been up nor which connections share a clock.  The ISN's keyed hash,
 * with the four numbers in another order, so that the two values say
 * nothing about each other. */
uint32_t tcp_ts_offset(const struct tcp_mini *st, const struct tcp_conn *c)
{
	uint8_t id[12];

	put32(id, c->raddr);
	put16(id + 4, c->rport);
	put32(id + 6, st->host.ip.addr);
	put16(id + 10, c->lport);
	return (uint32_t)siphash24(st->isn_key, id, sizeof(id));
}

/* --- user calls (RFC 9293 3.10.1-3.10.6) ------------------------------ */

/* OPEN, active: a SYN to raddr:rport from lport.  The output step sends
 * it, once ARP has found the peer's MAC. */
struct tcp_conn *tcp_open(struct tcp_mini *st, uint32_t raddr, uint16_t rport,
			  uint16_t lport, uint64_t now_ms)
{
	enum drop why = DROP_NONE;
	struct tcp_conn *c = tcp_alloc(st, &why);

	if (!c)
		return NULL;
	c->app = APP_CLIENT;
	c->raddr = raddr;
	c->rport = rport;
	c->lport = lport;
	if (!tcp_rings_alloc(st, c))
		return NULL;
	c->iss = tcp_isn(st, raddr, lport, rport, now_ms);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss;
	c->snd_max = c->iss;
	c->rcv_wscale = TCP_OUR_WSCALE;	/* offered; kept if the peer agrees */
	c->sack_ok = st->sack_on;	/* offered; the SYN-ACK says if kept */
	c->ts_ok = st->ts_on;
	c->ts_offset = tcp_ts_offset(st, c);
	c->syn_due = true;
	c->state = TCP_CLOSED;
	tcp_set_state(st, c, TCP_SYN_SENT);
	return c;
}

/* SEND: queue data behind what is queued; returns how much fitted. */
size_t tcp_send(struct tcp_mini *st, struct tcp_conn *c, const uint8_t *data,
		size_t n)
{
	(void)st;
	if (c->fin_queued)
		return 0;	/* "error: connection closing" */
	/* A full ring grows only when the data in flight needs it
	 * (apps.c), not because an application writes fast. */
	return ring_write(&c->snd, data, n);
}

/* RECEIVE, done: the application took n bytes from the receive ring. */
void tcp_received(struct tcp_mini *st, struct tcp_conn *c, size_t n)
{
	ring_drop(&c->rcv, n);
	if (c->fin_received)
		return;		/* the peer sends no more: no window to offer */
	/* A window update, if the right edge can now move far enough to be
	 * worth a segment (tcp_rcv_edge_to_offer, output.c: RFC 9293
	 * 3.8.6.2.2's receiver-side silly window avoidance). */
	if (seq_gt(tcp_rcv_edge_to_offer(st, c), c->rcv_adv))
		c->ack_due = true;
}

/* CLOSE: "I have no more to send."  A FIN follows the queued data. */
void tcp_close(struct tcp_mini *st, struct tcp_conn *c)
{
	if (c->fin_queued)
		return;
	switch (c->state) {
	case TCP_SYN_SENT:
		tcp_free(st, c);	/* nothing was said yet */
		return;
	case TCP_SYN_RECEIVED:
		/* "queue for processing after entering ESTABLISHED state":
		 * our SYN holds ISS, so the FIN's number is not known before
		 * the SYN is acknowledged (input.c's handshake_done). */
		c->close_pending = true;
		return;
	case TCP_ESTABLISHED:
		tcp_set_state(st, c, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(st, c, TCP_LAST_ACK);
		break;
	default:
		return;
	}
	c->fin_queued = true;
	c->fin_seq = seq_add(c->snd_una, (uint32_t)c->snd.len);
}

/* ABORT (and a reset from the peer, and giving up): the connection is
 * gone at once.  Whoever calls it sends the RST, if one is due. */
void tcp_abort(struct tcp_mini *st, struct tcp_conn *c, enum tcp_end end)
{
	c->end = end;
	tcp_free(st, c);
}

/* --- timers (RFC 9293 3.10.8, RFC 6298) ------------------------------- */

/*
 * RFC 6298 section 2, on each measurement R of a round-trip time:
 *   (2.2) the first:  SRTT <- R,  RTTVAR <- R/2
 *   (2.3) later ones: RTTVAR <- (1 - 1/4) * RTTVAR + 1/4 * |SRTT - R'|
 *                     SRTT <- (1 - 1/8) * SRTT + 1/8 * R'
 *         (RTTVAR first: it uses the old SRTT)
 *   then RTO <- SRTT + max(G, 4 * RTTVAR), with G the clock's granularity
 *   (1 ms here).
 * (2.4) says a minimum of 1 s.  Like Linux we use 200 ms: 1 s dates from
 * coarse clocks and makes one lost segment on a LAN cost a second; RFC
 * 6298 itself allows a smaller minimum "if experience shows".  (2.5) A
 * maximum may be placed on RTO provided it is at least 60 s.
 */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r_ms)
{
	/* build-it 05.1 begin: the retransmission timer: RFC 6298's estimator, backing off, giving up */
	uint32_t r = r_ms * 1000, rto, delta;

	if (!c->rtt_valid) {
		c->srtt_us = r;
		c->rttvar_us = r / 2;
		c->rtt_valid = true;
	} else {
		delta = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = c->rttvar_us - c->rttvar_us / 4 + delta / 4;
		c->srtt_us = c->srtt_us - c->srtt_us / 8 + r / 8;
	}
	rto = (c->srtt_us + (4 * c->rttvar_us > 1000 ? 4 * c->rttvar_us : 1000)) / 1000;
	if (rto < TCP_RTO_MIN_MS)
		rto = TCP_RTO_MIN_MS;
	if (rto > TCP_RTO_MAX_MS)
		rto = TCP_RTO_MAX_MS;
	c->rto_ms = rto;
	/* build-it 05.1 end; the starter has: (void)c, (void)r_ms; */
}

/* Set c's one timer: what it waits for, and when (ms) it fires. */
void tcp_timer_set(struct tcp_conn *c, enum tcp_timer t, uint64_t at_ms)
{
	c->timer = t;
	c->timer_at = t == TIMER_IDLE ? 0 : at_ms;
}

/* Give up on a connection whose peer has stopped answering. */
static void give_up(struct tcp_mini *st, struct tcp_conn *c, const char *what)
{
	st->host.drops[DROP_TCP_RETRIES_EXCEEDED]++;
	tcp_log(st, c, "gave up after %u %s", c->retries - 1, what);
	tcp_abort(st, c, END_TIMED_OUT);	/* the client says "timed out" */
}

/* The retransmission timer went off: what was sent has not been
 * acknowledged in time. */
static void retransmit_expired(struct tcp_mini *st, struct tcp_conn *c,
			       uint64_t now_ms)
{
	/* build-it 05.1 begin: the retransmission timer: RFC 6298's estimator, backing off, giving up */
	bool syn = c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED;

	tcp_timer_set(c, TIMER_IDLE, 0);
	c->retries++;
	/* Bounded: the peer is gone.  An active open keeps trying for
	 * --syn-timeout (RFC 9293 3.8.3: at least 3 minutes by default);
	 * an answer to someone else's SYN, or data, for so many tries. */
	if (c->state == TCP_SYN_SENT ? now_ms - c->syn_first_ms >= st->syn_timeout_ms :
	    c->retries > (syn ? TCP_SYNACK_RETRIES : TCP_MAX_RETRIES)) {
		give_up(st, c, "tries");
		return;
	}
	/* (5.5) "The host MUST set RTO <- RTO * 2 ("back off the timer")";
	 * the maximum of (2.5) applies. */
	c->rto_ms = c->rto_ms * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : c->rto_ms * 2;
	/* Karn's rule: a segment sent twice gives no RTT sample. */
	c->timing = false;
	if (syn) {
		c->syn_due = true;
		c->syn_timed_out = true;	/* RFC 6298 5.7, at the handshake */
		return;
	}
	/* (5.4) "Retransmit the earliest segment that has not been
	 * acknowledged": we go back to SND.UNA and send again from there
	 * (go-back-N; with no SACK we can't know what arrived). */
	c->snd_nxt = c->snd_una;
	/* RFC 6582 3.2 step 4: "record the highest sequence number
	 * transmitted in the variable recover, and exit the fast recovery
	 * procedure": duplicate ACKs of what was sent before the time-out
	 * must not start a fast retransmit now. */
	c->recover = c->snd_max;
	c->recovering = false;
	c->dupacks_seen = 0;
	/* RFC 5681: one segment in flight, then slow start again, instead
	 * of the whole window in one burst. */
	cc_on_rto(c, now_ms);
	/* (5.6) "Start the retransmission timer": the output step does, as
	 * it sends. */
	/* build-it 05.1 end; the starter has:
	 *	(void)st, (void)now_ms, (void)give_up;
	 *	tcp_timer_set(c, TIMER_IDLE, 0);
	 */
}

/* The persist timer went off (RFC 9293 3.8.6.1): data or our FIN waits
 * and the peer's window is shut (or too small to send into, and nothing
 * is in flight whose ACK could open it).  A probe asks for the window
 * again, so that a lost window update cannot leave both sides waiting for
 * ever.  A peer that answers each probe is alive, however long its reader
 * sleeps (RFC 1122 4.2.2.17): only probes that go unanswered count. */
static void persist_expired(struct tcp_mini *st, struct tcp_conn *c)
{
	tcp_timer_set(c, TIMER_IDLE, 0);
	if (c->answered)
		c->retries = 0;
	c->answered = false;
	if (++c->retries > TCP_MAX_PROBES) {
		give_up(st, c, "window probes");
		return;
	}
	if (c->persist_shift < 16)
		c->persist_shift++;	/* the next probe later: output.c */
	c->probe_due = true;
}

/* All timers due by now_ms; returns the next deadline. */
uint64_t tcp_timers(struct tcp_mini *st, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < TCP_MAX_CONN; i++) {
		struct tcp_conn *c = &st->conn[i];

		if (c->state == TCP_CLOSED)
			continue;
		tcp_delack_expired(c, now_ms);
		if (c->timer != TIMER_IDLE && c->timer_at <= now_ms) {
			switch (c->timer) {
			case TIMER_TIME_WAIT:
				/* 2*MSL: no old duplicate can be left. */
				tcp_free(st, c);
				break;
			case TIMER_RETRANSMIT:
				/* Sent, and then the peer shut its window:
				 * sending again cannot help, probing can. */
				if (c->snd_wnd == 0 && c->state > TCP_SYN_RECEIVED) {
					persist_expired(st, c);
					break;
				}
				retransmit_expired(st, c, now_ms);
				if (c->state < TCP_ESTABLISHED)
					break;
				/* Lesson 06: with a send log, every segment
				 * not SACKed is lost, and only those go again. */
				if (c->sent)
					tcp_sack_rto(c);
				c->after_rto = true;
				tcp_cc_log(st, c, "rto");
				break;
			case TIMER_RACK:
				/* RFC 8985 6.3: the reordering window of a
				 * segment has passed: judge it again. */
				tcp_timer_set(c, TIMER_IDLE, 0);
				tcp_rack_detect(c, now_ms);
				break;
			case TIMER_TLP:
				tcp_tlp_fire(c, now_ms);
				tcp_cc_log(st, c, "tlp");
				break;
			case TIMER_PERSIST:
				persist_expired(st, c);
				break;
			case TIMER_IDLE:
				break;
			}
		}
		if (c->state != TCP_CLOSED && c->timer != TIMER_IDLE &&
		    c->timer_at < next)
			next = c->timer_at;
		if (c->state != TCP_CLOSED && c->delack_at && c->delack_at < next)
			next = c->delack_at;
	}
	return next;
}
