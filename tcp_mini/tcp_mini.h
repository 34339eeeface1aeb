/*
 * tcp_mini.h - rungs 5 and 6's state: the connections, the rings that hold
 * their bytes, and the core's entry points.  The files of tcp_mini/ follow
 * RFC 9293's own sections (lesson 05):
 *
 *   conn.c     the connection table, initial sequence numbers (RFC 6528),
 *              the user calls OPEN, SEND, RECEIVE, CLOSE, ABORT (3.10.1-6)
 *              and the timers (3.10.8, with RFC 6298's estimator)
 *   input.c    SEGMENT ARRIVES (3.10.7), its steps walked in order
 *   ooo.c      data after a hole, kept until the hole is filled
 *   output.c   what is due on a connection, and the segments that carry it
 *   cc.c       congestion control (RFC 5681, RFC 6582, RFC 6928), and
 *              NewReno behind the seam of cc.h
 *   cc_cubic.c CUBIC (RFC 9438), the default
 *   apps.c     the services: echo, discard, chargen, and the client
 *   icmp_err.c ICMP errors about our connections (RFC 1122 4.2.3.9)
 *   ring.c     the byte rings
 *   tcp_mini.c the core the loop calls, and main()
 *   client.c   --connect's stdin and stdout: the adapter, outside the core
 *
 * and what lesson 06 adds for a bad network:
 *
 *   sack.c      the send log: SACK's scoreboard and pipe (RFC 2018, RFC
 *               6675), RACK's loss marking and the tail loss probe (RFC
 *               8985)
 *   ack.c       delayed ACKs (RFC 1122 4.2.3.2, RFC 5681 4.2) and Nagle
 *               (RFC 896)
 *   syncookie.c SYN cookies (RFC 4987 3.6)
 *   cclog.c     --cc-log: the congestion state, one CSV row per event
 *
 * (timestamps and PAWS, RFC 7323, are in input.c and output.c; the
 * receiver's SACK blocks in ooo.c and output.c).
 *
 * Input only marks what is due (an ACK, a window update, data to send);
 * one output step per connection per batch of packets sends it.
 */
#ifndef TUNLAB_TCP_MINI_H
#define TUNLAB_TCP_MINI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/ip_host.h"
#include "../lib/siphash.h"
#include "../lib/tcp.h"
#include "../lib/txq.h"
#include "cc.h"

/* --- rings ------------------------------------------------------------ */

/* A byte ring.  The send ring's head is SND.UNA: an ACK drops bytes from
 * it, a retransmission only peeks.  The receive ring's tail is RCV.NXT:
 * in-order data is appended, the application takes from the head. */
struct ring {
	uint8_t *buf;
	size_t cap;		/* a power of two, or 0 before the first use */
	size_t head;		/* offset of the oldest byte */
	size_t len;		/* bytes held */
};

static inline size_t ring_free(const struct ring *r)
{
	return r->cap - r->len;
}

size_t ring_write(struct ring *r, const uint8_t *data, size_t n);
void ring_peek(const struct ring *r, size_t off, uint8_t *dst, size_t n);
void ring_drop(struct ring *r, size_t n);
/* The longest run of held bytes from the head / of free space after the
 * tail that lies in one piece of memory. */
size_t ring_data(const struct ring *r, uint8_t **p);
size_t ring_space(const struct ring *r, uint8_t **p);
void ring_commit(struct ring *r, size_t n);	/* after writing in ring_space */
/* Write n bytes off bytes past the tail, into the free space, without
 * holding them yet (ring_commit does, later); off + n <= ring_free(r). */
void ring_put_at(struct ring *r, size_t off, const uint8_t *data, size_t n);
/* Move to a buffer of new_cap bytes (>= len), keeping the bytes in order. */
bool ring_resize(struct ring *r, size_t new_cap);
void ring_free_buf(struct ring *r);

/* --- connections ------------------------------------------------------ */

#define TCP_MAX_CONN	128	/* connections at once, all states */
#define TCP_BACKLOG	64	/* of them at most this many half-open */
#define TCP_RING_MIN	(16 * 1024)
#define TCP_RING_START	(64 * 1024)
#define TCP_RING_MAX	(1024 * 1024)
/* All rings together: 64 connections at their starting size take 8 MB;
 * the rest lets a few busy ones grow to TCP_RING_MAX. */
#define TCP_MEM_BUDGET	(12 * 1024 * 1024)
/* Growing stops this far short of the budget, so that a few connections
 * whose peers never read cannot take it all: 64 new connections at the
 * smallest size still fit. */
#define TCP_MEM_RESERVE	(64 * 2 * TCP_RING_MIN)
/* What the kernel's queue in front of the TAP device holds for us to read
 * is 1000 frames (txqueuelen), whatever their size.  All our windows
 * together must stay well below it, or a burst from the kernel overflows
 * it and frames are lost before we ever see them (tcp-notes pitfall 11);
 * the kernel's own ACKs for what we send share the queue.  So each of N
 * connections may offer TCP_RX_QUEUE_BYTES / N (350 full segments in
 * all), and never less than 4 segments. */
#define TCP_RX_QUEUE_BYTES	(350 * 1460)
/* Our window scale: TCP_RING_MAX >> 5 fits the 16-bit window field. */
#define TCP_OUR_WSCALE	5

/* RFC 6298 2.1, 2.4, 2.5; and how often to try before giving up. */
#define TCP_RTO_INITIAL_MS	1000
#define TCP_RTO_MIN_MS		200	/* Linux's; RFC 6298 says 1 s: see conn.c */
#define TCP_RTO_MAX_MS		60000
#define TCP_RTO_AFTER_SYN_MS	3000	/* RFC 6298 5.7 */
/* RFC 9293 3.8.3: "R2 for a SYN segment MUST be set large enough to
 * provide retransmission of the segment for at least 3 minutes." */
#define TCP_SYN_TIMEOUT_MS	180000
#define TCP_SYNACK_RETRIES	4	/* a passive open: 1+2+4+8+16 s */
#define TCP_MAX_RETRIES		8	/* data: 0.2 s doubling, about 100 s */
#define TCP_MAX_PROBES		8	/* unanswered window probes in a row */
/* RFC 5961 7: challenge ACKs a connection may send a second.  Per
 * connection, not one counter for the host: a shared counter lets an
 * off-path attacker see whether its guess drew a challenge ACK on another
 * connection (CVE-2016-5696). */
#define TCP_CHALLENGES_PER_SEC	10

/* Ranges of out-of-order data kept.  Each is a hole's worth of news for a
 * SACK block, so under loss there are many: Linux keeps them in a tree;
 * we keep this many, most recent first. */
#define TCP_OOO_MAX	32

enum tcp_state {
	TCP_CLOSED = 0,		/* the slot is free */
	TCP_LISTEN,		/* never a slot: listeners are the ports */
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

enum tcp_app { APP_ECHO, APP_DISCARD, APP_CHARGEN, APP_CLIENT };

/* How a connection ended, for the client's exit status.  The last three
 * also name an ICMP error about a connection (icmp_err.c): the end it
 * makes in SYN-SENT, and the soft error it leaves in any other state. */
enum tcp_end {
	END_NONE, END_CLOSED, END_RESET, END_TIMED_OUT,
	END_REFUSED,		/* RST to our SYN; ICMP port or protocol
				 * unreachable */
	END_UNREACHABLE,	/* ICMP net or host unreachable, prohibited,
				 * time exceeded: "no route to host" */
	END_PROTOCOL_ERROR,	/* ICMP parameter problem */
	END_NO_ARP,		/* the next hop never answered ARP: "no
				 * route to host", said with why */
};

/* The one timer of a connection, and what it is running for.  A
 * connection waits for one thing at a time, so one deadline is enough;
 * naming its purpose keeps the purposes from mixing (a persist deadline
 * is never taken for a retransmission's).  smoltcp's Timer enum is the
 * model. */
enum tcp_timer {
	TIMER_IDLE = 0,		/* nothing in flight, nothing waiting */
	TIMER_RETRANSMIT,	/* a SYN, data or a FIN in flight, not yet
				 * acknowledged (RFC 6298) */
	TIMER_PERSIST,		/* data or a FIN waits for a window the peer
				 * keeps shut (RFC 9293 3.8.6.1) */
	TIMER_TIME_WAIT,	/* both FINs done: 2*MSL, then CLOSED */
	TIMER_RACK,		/* a segment may be lost once its reordering
				 * window has passed (RFC 8985 6.3; sack.c) */
	TIMER_TLP,		/* the tail loss probe: nothing came back
				 * for two round trips (RFC 8985 7; sack.c) */
};

/* One segment sent and not yet acknowledged: a record of the send log
 * (sack.c), in sequence order from SND.UNA.  What SACK, RACK and the
 * tail loss probe need to know per segment: which bytes, when they last
 * went out, and what the peer said of them since. */
struct tcp_sent {
	seq_t start, end;	/* [start, end); a FIN counts one */
	uint64_t xmit_ms;	/* when last (re)sent */
	uint8_t flags;		/* SENT_* */
};
#define SENT_SACKED	0x01	/* the peer holds it (a SACK block said so) */
#define SENT_LOST	0x02	/* judged lost, not yet sent again */
#define SENT_RETRANS	0x04	/* sent more than once */
#define SENT_FIN	0x08	/* carries our FIN */
/* Records per connection: 1024 segments of 1448 bytes are 1.4 MB in
 * flight, more than the largest ring.  A full log holds new data back. */
#define TCP_SENT_MAX	1024

struct tcp_conn {
	enum tcp_state state;
	enum tcp_app app;
	bool passive;		/* opened by a SYN to a listening port */
	uint32_t raddr;		/* the peer; our address is the host's */
	uint16_t lport, rport;

	/* Send sequence space (RFC 9293 3.3.1). */
	seq_t iss;
	seq_t snd_una;		/* oldest unacknowledged: the send ring's head */
	seq_t snd_nxt;		/* next to send */
	seq_t snd_max;		/* highest sent + 1: snd_nxt goes back on a
				 * retransmission, this does not */
	uint32_t snd_wnd;	/* the peer's window, scaled */
	uint32_t max_snd_wnd;	/* the largest it has been (SWS avoidance,
				 * RFC 5961 5's oldest acceptable ACK) */
	seq_t snd_wl1, snd_wl2;	/* seq and ack of the last window update */
	uint8_t snd_wscale;	/* the peer's shift, 0 unless both sent one */
	uint16_t mss;		/* the most data we put in one segment */
	/* Options both SYNs carried, so both ends use them. */
	bool sack_ok;		/* SACK (RFC 2018) */
	bool ts_ok;		/* timestamps (RFC 7323) */
	uint32_t ts_offset;	/* our TSval is the ms clock plus this,
				 * different per connection (RFC 7323 5.4) */
	uint32_t ts_recent;	/* TS.Recent: the peer's TSval we echo */
	seq_t last_ack_sent;	/* Last.ACK.sent: the ACK we last sent */
	bool close_pending;	/* CLOSE came in SYN-RECEIVED: the FIN is
				 * queued once our SYN is acknowledged */
	bool fin_queued;	/* CLOSE was called: FIN after the data */
	seq_t fin_seq;		/* its sequence number, once queued */

	/* Congestion control (cc.c, RFC 5681): how much may be in flight,
	 * whatever the peer's window says. */
	const struct cc_algo *cc;	/* which algorithm (--cc) */
	uint32_t cwnd, ssthresh;
	uint32_t acked_in_ca;	/* bytes acknowledged towards the next
				 * MSS of growth in congestion avoidance */
	struct cc_cubic cubic;	/* CUBIC's own state (cc_cubic.c) */

	/* Receive sequence space. */
	seq_t irs;
	seq_t rcv_nxt;		/* next expected: the receive ring's tail */
	seq_t rcv_adv;		/* right edge of the window we advertised:
				 * RCV.NXT + RCV.WND as the peer knows it */
	uint8_t rcv_wscale;	/* our shift, 0 unless both sent one */
	bool fin_received;
	/* Data that came after a hole, kept in the receive ring past its
	 * tail (at offset seq - RCV.NXT) until the hole is filled: these
	 * are the ranges held, the one that grew last first (the order SACK
	 * blocks report them in), and a FIN that came after them (ooo.c). */
	struct { seq_t start, end; } ooo[TCP_OOO_MAX];
	unsigned n_ooo;
	bool ooo_fin;
	seq_t ooo_fin_seq;
	/* A duplicate that came in: the D-SACK block (RFC 2883) of the
	 * next ACK, which tells the sender its retransmission was not
	 * needed. */
	bool dsack_due;
	seq_t dsack_start, dsack_end;

	struct ring snd, rcv;

	/* What input marked as due, for the output step. */
	bool ack_due;		/* send an ACK (or data that carries one) */
	bool syn_due;		/* (re)send our SYN or SYN-ACK */
	bool rexmit_one;	/* fast retransmit: one segment at snd_una */
	bool probe_due;		/* the persist timer fired: probe the window */
	unsigned dupacks_to_send; /* out-of-order segments this batch: one
				 * duplicate ACK each (RFC 5681 4.2) */

	/* What the peer's ACKs told us. */
	unsigned dupacks_seen;	/* duplicate ACKs in a row (RFC 5681 3.2) */
	bool recovering;	/* after a fast retransmit, until ... */
	seq_t recover;		/* ... this is acknowledged (RFC 6582) */
	bool answered;		/* an acceptable ACK came since the timer last
				 * fired: the peer is alive (persist) */

	/* Lesson 06 (sack.c): the send log and what it tells.  sent is
	 * NULL until SACK is agreed and data flows; without it, the sender
	 * is lesson 05's (go back to SND.UNA after a time-out, NewReno). */
	struct tcp_sent *sent;	/* TCP_SENT_MAX records, a ring */
	unsigned sent_head, sent_n;
	uint32_t sacked_bytes;	/* in records marked SENT_SACKED */
	uint32_t lost_bytes;	/* in records marked SENT_LOST */
	/* RACK (RFC 8985 6): the most recently sent segment that the peer
	 * has acknowledged or SACKed, and the RTT it took. */
	bool rack_valid;
	uint64_t rack_xmit_ms;	/* RACK.xmit_ts */
	seq_t rack_end;		/* RACK.end_seq */
	uint32_t rack_rtt_ms;	/* RACK.rtt */
	uint32_t min_rtt_ms;	/* RACK.min_RTT */
	seq_t rack_fack;	/* RACK.fack: the highest end SACKed */
	bool reordering_seen;	/* RACK.reordering_seen */
	unsigned reo_wnd_mult;	/* RACK.reo_wnd_mult: D-SACKs widen it */
	seq_t dsack_round;	/* one widening per round trip */
	uint64_t rack_timeout_ms; /* a reordering timer is due, or 0 */
	bool rack;		/* RACK-TLP for this connection (--no-rack:
				 * RFC 6675's rules, and no probes) */
	/* TLP (RFC 8985 7). */
	bool tlp_due;		/* the PTO fired: send the probe */
	bool tlp_out;		/* a probe is out, for ... */
	seq_t tlp_end;		/* ... everything up to this (TLP.end_seq) */
	bool tlp_retrans;	/* the probe was a retransmission */
	bool tlp_dsacked;	/* and the peer said it had it already */
	bool after_rto;		/* a time-out happened (cclog.c's "loss") */
	/* Delayed ACKs (ack.c): the ACK that waits, and until when.  Its
	 * own deadline, beside the timer above: a connection can wait for
	 * an ACK of its data and owe one for the peer's at the same time. */
	unsigned quick_acks;	/* ACKs still sent at once */
	bool psh_seen;		/* data with PSH came this batch */
	/* How much the peer sends in a round trip, to grow the receive
	 * ring when the window is what limits it (apps.c). */
	uint32_t rcv_rtt_ms;	/* the round trip as the receiver sees it:
				 * our TSval, echoed in the peer's data */
	seq_t rcv_mark;		/* RCV.NXT ... */
	uint64_t rcv_mark_ms;	/* ... at this time */
	seq_t snd_small;	/* the end of the last segment we sent that
				 * was smaller than the MSS (Nagle) */
	uint64_t delack_at;	/* the delayed ACK goes then (ms), or 0 */

	/* The timer, and RFC 6298's estimator. */
	enum tcp_timer timer;
	uint64_t timer_at;	/* when it fires (ms); 0 while TIMER_IDLE */
	unsigned persist_shift;	/* probes back off: RTO << this */
	uint32_t rto_ms;
	uint32_t srtt_us, rttvar_us;
	bool rtt_valid;		/* srtt/rttvar hold a measurement */
	bool timing;		/* one segment is being timed ... */
	seq_t rtt_seq;		/* ... this one: its last byte + 1 */
	uint64_t rtt_start_ms;
	unsigned retries;	/* expiries in a row without progress */
	uint64_t syn_first_ms;	/* our first SYN or SYN-ACK went out */
	bool syn_sent_once;	/* (a second one is not timed: Karn) */
	bool syn_timed_out;	/* the timer fired for it (RFC 6298 5.7) */

	/* RFC 5961 7: challenge ACKs, rate-limited per connection. */
	uint64_t challenge_sec;
	unsigned challenge_count;

	uint32_t chargen_pos;	/* where the chargen pattern goes on */
	enum tcp_end end;
	enum tcp_end soft_error; /* the last ICMP error about it, outside
				  * SYN-SENT (RFC 1122 4.2.3.9): said if it
				  * times out; END_NONE if none came */
};

/* Lesson 07 (gso.c): the frame queued last, which the next full-sized
 * segment of its connection may join; c is NULL when there is none. */
struct tcp_gso {
	const struct tcp_conn *c;
	uint64_t pushes;	/* tx->pushes when it was queued or joined */
	seq_t first, next;	/* its first sequence number; where the next
				 * piece must start */
	size_t hlen;		/* its TCP header's length */
	uint16_t size;		/* the data in each piece: its gso_size */
};

struct tcp_mini {
	struct ip_host host;
	struct tcp_conn conn[TCP_MAX_CONN];
	size_t last_hit;	/* the slot the last segment was for */
	uint16_t echo_port;	/* --port; discard is 9, chargen 19 */
	int mss_ours;		/* MTU - 40: what our SYN announces */
	uint8_t isn_key[SIPHASH_KEY_LEN];	/* the ISN secret (RFC 6528): from
				 * getrandom(), or --seed to repeat a run */
	bool isn_fixed;		/* tests: every ISN is isn_base */
	uint32_t isn_base;
	uint32_t msl_ms;
	size_t mem_used;	/* bytes of all rings */
	unsigned half_open;	/* passive connections in SYN-RECEIVED */
	uint32_t wnd_share;	/* each connection's share of what the device
				 * queue holds, for its window (per batch) */
	uint32_t syn_timeout_ms; /* an unanswered SYN is tried this long
				 * (RFC 9293 3.8.3: at least 3 minutes) */
	const struct cc_algo *cc;	/* --cc: every new connection's */
	bool sack_on;		/* offer SACK (--no-sack: not) */
	bool rack_on;		/* RACK-TLP (--no-rack: RFC 6675's rules) */
	bool syn_cookies;	/* SYN cookies when the backlog is full */
	bool delayed_ack;	/* (--no-delayed-ack: every batch's ACK at once) */
	bool nagle;		/* (--nodelay: off) */
	FILE *cc_log;	/* --cc-log: CSV rows (cclog.c), or NULL */
	uint64_t start_ms;	/* when the core started (the log's zero) */
	uint64_t now_ms;	/* the clock at the latest input, tick or flush */
	uint64_t cookies_sent, cookies_ok;	/* (said at exit) */
	bool ts_on;		/* offer timestamps (--no-timestamps: not) */

	struct tcp_gso gso;	/* lesson 07: the frame a segment may join */

	/* --connect: the one active connection, and stdin/stdout's state. */
	bool client;
	int client_slot;	/* -1 before the open */
	uint32_t client_addr;
	uint16_t client_port;
	bool stdin_eof;
	enum tcp_end client_end;
	enum tcp_end client_error;	/* its soft_error, when it ended */
	struct ring client_rest;	/* received, not yet on stdout, when
					 * the connection ended */

	/* --trace text about state changes, taken by the loop. */
	char log[8192];
	size_t log_len;
};

/* tcp_mini.c: the core. */
void tcp_mini_init(struct tcp_mini *st, const uint8_t mac[6], uint32_t addr,
		   uint16_t echo_port, int mtu, uint64_t seed, unsigned msl_s,
		   uint64_t now_ms, struct txq *tx);
enum drop tcp_mini_input(struct tcp_mini *st, const uint8_t *frame, size_t len,
			 uint64_t now_ms, struct txq *tx);
bool tcp_mini_connect(struct tcp_mini *st, uint32_t addr, uint16_t port,
		      uint64_t seed, uint64_t now_ms);
bool tcp_mini_flush(struct tcp_mini *st, uint64_t now_ms, struct txq *tx);
uint64_t tcp_mini_tick(struct tcp_mini *st, uint64_t now_ms, struct txq *tx);

/* gso.c (lesson 07): finish and queue the segment built at seg (hlen
 * bytes of header h, len of data after it), its checksum left partial if
 * the device takes that; and join the frame queued last instead, if the
 * device takes segments that stand for many and this one goes on from it
 * (true: done, the data copied from the send ring at off). */
void tcp_seg_push(struct tcp_mini *st, struct tcp_conn *c, const struct tcp_hdr *h,
		  uint8_t *seg, size_t hlen, size_t len, uint64_t now_ms,
		  struct txq *tx);
bool tcp_gso_append(struct tcp_mini *st, struct tcp_conn *c, const struct tcp_hdr *h,
		    size_t hlen, size_t off, size_t len, struct txq *tx);

/* conn.c */
struct tcp_conn *tcp_find(struct tcp_mini *st, uint32_t raddr, uint16_t rport,
			  uint16_t lport);
struct tcp_conn *tcp_alloc(struct tcp_mini *st, enum drop *why);
void tcp_free(struct tcp_mini *st, struct tcp_conn *c);
seq_t tcp_isn(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
	      uint16_t rport, uint64_t now_ms);
uint32_t tcp_ts_offset(const struct tcp_mini *st, const struct tcp_conn *c);
void tcp_dsack(struct tcp_conn *c, seq_t start, seq_t end);
void tcp_dsack_held(struct tcp_conn *c, seq_t start, seq_t end);
void tcp_mini_set_key(struct tcp_mini *st, const uint8_t key[SIPHASH_KEY_LEN]);
void tcp_mini_key_from_seed(uint64_t seed, uint8_t key[SIPHASH_KEY_LEN]);
void tcp_set_state(struct tcp_mini *st, struct tcp_conn *c, enum tcp_state s);
bool tcp_rings_alloc(struct tcp_mini *st, struct tcp_conn *c);
void tcp_ring_grow(struct tcp_mini *st, struct ring *r);
struct tcp_conn *tcp_open(struct tcp_mini *st, uint32_t raddr, uint16_t rport,
			  uint16_t lport, uint64_t now_ms);
size_t tcp_send(struct tcp_mini *st, struct tcp_conn *c, const uint8_t *data,
		size_t n);
void tcp_close(struct tcp_mini *st, struct tcp_conn *c);
void tcp_abort(struct tcp_mini *st, struct tcp_conn *c, enum tcp_end end);
void tcp_received(struct tcp_mini *st, struct tcp_conn *c, size_t n);
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r_ms);
void tcp_timer_set(struct tcp_conn *c, enum tcp_timer t, uint64_t at_ms);
uint64_t tcp_timers(struct tcp_mini *st, uint64_t now_ms);
const char *tcp_state_name(enum tcp_state s);
void tcp_log(struct tcp_mini *st, const struct tcp_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* RCV.WND: what the window we last advertised still offers. */
static inline uint32_t tcp_rcv_wnd(const struct tcp_conn *c)
{
	int32_t w = seq_diff(c->rcv_adv, c->rcv_nxt);

	return w > 0 ? (uint32_t)w : 0;
}

/* Our timestamp clock (RFC 7323 5.4): milliseconds, from a point of the
 * connection's own. */
static inline uint32_t tcp_ts_now(const struct tcp_conn *c, uint64_t now_ms)
{
	return (uint32_t)now_ms + c->ts_offset;
}

/* input.c */
enum drop tcp_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
		    uint64_t now_ms, struct txq *tx);

/* ooo.c: data after a hole, kept until the hole is filled. */
enum drop tcp_ooo_keep(struct tcp_conn *c, seq_t sq, const uint8_t *data,
		       uint32_t len, bool fin);
bool tcp_ooo_fill(struct tcp_conn *c);

/* syncookie.c: SYN cookies (RFC 4987 3.6) */
/* What a SYN said that a cookie keeps: the peer's MSS (stored rounded
 * down to 536, 1220, 1440 or 1460), its window scale if it sent one
 * (0..14), and SACK-permitted. */
struct tcp_cookie {
	uint16_t mss;
	bool has_wscale;
	uint8_t wscale;
	bool sack_ok;
};
/* The ISS of a stateless SYN-ACK to a SYN from raddr:rport to our lport
 * whose sequence number was irs. */
seq_t tcp_cookie_make(const struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		      uint16_t rport, seq_t irs, const struct tcp_cookie *what,
		      uint64_t now_ms);
/* An ACK for no connection on a listening port: irs = SEG.SEQ - 1, iss =
 * SEG.ACK - 1.  True, and what the SYN said in *what (if not NULL), if iss
 * is a cookie we made for this four-tuple and irs in the current 60 s
 * period or the one before (so: accepted for 60 s at least, 120 s at most). */
bool tcp_cookie_check(const struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		      uint16_t rport, seq_t irs, seq_t iss, uint64_t now_ms,
		      struct tcp_cookie *what);

/* sack.c: lesson 06's sender: the send log, SACK (RFC 2018, RFC 6675),
 * RACK-TLP (RFC 8985). */
void tcp_sent_log(struct tcp_mini *st, struct tcp_conn *c, seq_t sq, uint32_t len,
		  bool fin, uint64_t now_ms);
void tcp_sent_free(struct tcp_mini *st, struct tcp_conn *c);
void tcp_sack_input(struct tcp_mini *st, struct tcp_conn *c,
		    const struct tcp_hdr *h, uint64_t now_ms);
bool tcp_sack_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		     struct txq *tx);
void tcp_sack_rto(struct tcp_conn *c);
void tcp_rack_detect(struct tcp_conn *c, uint64_t now_ms);
void tcp_tlp_fire(struct tcp_conn *c, uint64_t now_ms);
bool tcp_sack_timer(struct tcp_conn *c, uint64_t now_ms);
uint32_t tcp_pipe(const struct tcp_conn *c);

/* ack.c: delayed ACKs and Nagle (lesson 06). */
void tcp_ack_start(struct tcp_conn *c);
void tcp_ack_policy(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms);
void tcp_delack_expired(struct tcp_conn *c, uint64_t now_ms);
bool tcp_nagle_holds(const struct tcp_mini *st, const struct tcp_conn *c,
		     uint32_t n, uint32_t avail);

/* cclog.c: --cc-log's rows (tools/ccplot draws them). */
void tcp_cc_log_header(FILE *f);
void tcp_cc_log(struct tcp_mini *st, const struct tcp_conn *c, const char *event);

/* cc.c: congestion control (RFC 5681, RFC 6582), behind one small seam;
 * the algorithms: cc.h. */
void cc_init(struct tcp_conn *c);
uint32_t cc_window(const struct tcp_conn *c);
void cc_on_ack(struct tcp_conn *c, uint32_t acked, uint64_t now_ms);
void cc_on_loss(struct tcp_conn *c, uint64_t now_ms);
void cc_on_dupack(struct tcp_conn *c);
void cc_on_partial_ack(struct tcp_conn *c, uint32_t acked);
void cc_on_recovered(struct tcp_conn *c);
void cc_on_rto(struct tcp_conn *c, uint64_t now_ms);
/* NewReno's two rules, which CUBIC also uses (RFC 9438 4.3, 4.6). */
uint32_t cc_reno_ssthresh(struct tcp_conn *c, uint64_t now_ms);
void cc_reno_cong_avoid(struct tcp_conn *c, uint32_t acked, uint64_t now_ms);

/* output.c */
bool tcp_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		struct txq *tx);
void tcp_send_rst(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		  uint16_t rport, seq_t seq, seq_t ack, bool with_ack,
		  uint64_t now_ms, struct txq *tx);
seq_t tcp_rcv_edge_to_offer(const struct tcp_mini *st, const struct tcp_conn *c);

/* Send n bytes (and the FIN, if fin) from sequence number sq, which is
 * at or below SND.MAX: a retransmission, or new data at SND.MAX (for
 * sack.c; lesson 05's sender is tcp_output). */
bool tcp_send_range(struct tcp_mini *st, struct tcp_conn *c, seq_t sq,
		    uint32_t n, bool fin, uint64_t now_ms, struct txq *tx);

/* apps.c */
void tcp_app_run(struct tcp_mini *st, struct tcp_conn *c);
bool tcp_is_listening(const struct tcp_mini *st, uint16_t port);
enum tcp_app tcp_app_for_port(const struct tcp_mini *st, uint16_t port);

/* icmp_err.c: an ICMP error (type, code) that lib/ip_host.c handed up,
 * quoting len bytes of a datagram we sent.  DROP_NONE if it was about a
 * segment in flight on one of our connections (and aborted it, or was
 * kept as its soft error); else why it was ignored. */
/* icmp_err.c: a segment that never left, because ARP for its next hop
 * gave up (ip_host_take_unreachable: its IPv4 header and 8 bytes).  Linux
 * tells the socket with an ICMP host unreachable of its own; so do we,
 * with END_NO_ARP.  Same checks, same effects as tcp_icmp_error(). */
enum drop tcp_no_arp(struct tcp_mini *st, const uint8_t *head, size_t len);

enum drop tcp_icmp_error(struct tcp_mini *st, uint8_t type, uint8_t code,
			 const uint8_t *quoted, size_t len);

/* client.c: --connect's adapter between stdin/stdout and the client
 * connection of the core's state (a struct tcp_mini).  Puts its functions
 * in the loop's core (poll_fds, ready, finished; the ready line to
 * stderr) and makes stdin and stdout non-blocking until the program exits. */
struct core;
void client_install(struct core *core);

#endif
