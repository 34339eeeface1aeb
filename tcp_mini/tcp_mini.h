/*
 * tcp_mini.h - rung 5's state: the connections, the rings that hold their
 * bytes, and the core's entry points.  The files of tcp_mini/ follow RFC
 * 9293's own sections:
 *
 *   conn.c     the connection table, initial sequence numbers (RFC 6528),
 *              the user calls OPEN, SEND, RECEIVE, CLOSE, ABORT (3.10.1-6)
 *              and the timers (3.10.8, with RFC 6298's estimator)
 *   input.c    SEGMENT ARRIVES (3.10.7), its steps walked in order
 *   output.c   what is due on a connection, and the segments that carry it
 *   apps.c     the services: echo, discard, chargen, and the client
 *   ring.c     the byte rings
 *   tcp_mini.c the core the loop calls, and main()
 *
 * Input only marks what is due (an ACK, a window update, data to send);
 * one output step per connection per batch of packets sends it.
 */
#ifndef TUNLAB_TCP_MINI_H
#define TUNLAB_TCP_MINI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/ip_host.h"
#include "../lib/tcp.h"
#include "../lib/txq.h"

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
#define TCP_SYN_RETRIES		4	/* 1+2+4+8+16 s: "timed out" after 31 s */
#define TCP_MAX_RETRIES		8	/* data: 0.2 s doubling, about 100 s */

#define TCP_OOO_MAX	8	/* ranges of out-of-order data kept */

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

/* How a connection ended, for the client's exit status. */
enum tcp_end { END_NONE, END_CLOSED, END_REFUSED, END_RESET, END_TIMED_OUT };

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
	uint32_t max_snd_wnd;	/* the largest it has been (SWS avoidance) */
	seq_t snd_wl1, snd_wl2;	/* seq and ack of the last window update */
	uint8_t snd_wscale;	/* the peer's shift, 0 unless both sent one */
	uint16_t mss;		/* the most data we put in one segment */
	bool fin_queued;	/* CLOSE was called: FIN after the data */
	seq_t fin_seq;		/* its sequence number, once queued */

	/* Receive sequence space. */
	seq_t irs;
	seq_t rcv_nxt;		/* next expected: the receive ring's tail */
	seq_t rcv_adv;		/* right edge of the window we advertised */
	uint8_t rcv_wscale;	/* our shift, 0 unless both sent one */
	bool fin_received;
	/* Data that came after a hole, kept in the receive ring past its
	 * tail (at offset seq - RCV.NXT) until the hole is filled: these
	 * are the ranges held, and a FIN that came after them. */
	struct { seq_t start, end; } ooo[TCP_OOO_MAX];
	unsigned n_ooo;
	bool ooo_fin;
	seq_t ooo_fin_seq;

	struct ring snd, rcv;

	/* What input marked as due, for the output step. */
	bool ack_due;		/* send an ACK (or data that carries one) */
	bool syn_due;		/* (re)send our SYN or SYN-ACK */
	bool rexmit_one;	/* fast retransmit: one segment at snd_una */
	bool recovering;	/* after a fast retransmit, until ... */
	seq_t recover;		/* ... this is acknowledged (RFC 6582) */
	unsigned dup_acks_due;	/* out-of-order segments this batch: one
				 * duplicate ACK each (RFC 5681 4.2) */
	bool probe_due;		/* zero window: one byte past it */
	bool heard;		/* an ACK came since the last probe */
	unsigned dup_acks;

	/* Timers (RFC 6298), in milliseconds and microseconds. */
	uint64_t rto_at;	/* retransmission or persist: 0 = stopped */
	uint64_t tw_at;		/* TIME-WAIT ends: 0 = not in it */
	uint32_t rto_ms;
	uint32_t srtt_us, rttvar_us;
	bool rtt_valid;		/* srtt/rttvar hold a measurement */
	bool timing;		/* one segment is being timed ... */
	seq_t rtt_seq;		/* ... this one: its last byte + 1 */
	uint64_t rtt_start_ms;
	unsigned retries;

	uint32_t chargen_pos;	/* where the chargen pattern goes on */
	enum tcp_end end;
};

struct tcp_mini {
	struct ip_host host;
	struct tcp_conn conn[TCP_MAX_CONN];
	size_t last_hit;	/* the slot the last segment was for */
	uint16_t echo_port;	/* --port; discard is 9, chargen 19 */
	int mss_ours;		/* MTU - 40: what our SYN announces */
	uint64_t key[2];	/* the ISN secret (RFC 6528), from --seed */
	bool isn_fixed;		/* tests: every ISN is isn_base */
	uint32_t isn_base;
	uint32_t msl_ms;
	size_t mem_used;	/* bytes of all rings */
	unsigned half_open;	/* passive connections in SYN-RECEIVED */
	uint32_t wnd_share;	/* each connection's share of what the device
				 * queue holds, for its window (per batch) */
	/* RFC 5961 7: at most this many challenge ACKs a second. */
	uint64_t challenge_sec;
	unsigned challenge_count;

	/* --connect: the one active connection, and stdin/stdout's state. */
	bool client;
	int client_slot;	/* -1 before the open */
	uint32_t client_addr;
	uint16_t client_port;
	bool stdin_eof;
	enum tcp_end client_end;
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

/* conn.c */
struct tcp_conn *tcp_find(struct tcp_mini *st, uint32_t raddr, uint16_t rport,
			  uint16_t lport);
struct tcp_conn *tcp_alloc(struct tcp_mini *st, enum drop *why);
void tcp_free(struct tcp_mini *st, struct tcp_conn *c);
seq_t tcp_isn(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
	      uint16_t rport, uint64_t now_ms);
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
void tcp_timer_start(struct tcp_conn *c, uint64_t now_ms);
uint64_t tcp_timers(struct tcp_mini *st, uint64_t now_ms);
const char *tcp_state_name(enum tcp_state s);
void tcp_log(struct tcp_mini *st, const struct tcp_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* input.c */
enum drop tcp_input(struct tcp_mini *st, const struct ipv4_hdr *ip,
		    uint64_t now_ms, struct txq *tx);

/* output.c */
bool tcp_output(struct tcp_mini *st, struct tcp_conn *c, uint64_t now_ms,
		struct txq *tx);
void tcp_send_rst(struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		  uint16_t rport, seq_t seq, seq_t ack, bool with_ack,
		  uint64_t now_ms, struct txq *tx);
uint32_t tcp_rcv_window(const struct tcp_mini *st, const struct tcp_conn *c);

/* apps.c */
void tcp_app_run(struct tcp_mini *st, struct tcp_conn *c);
bool tcp_is_listening(const struct tcp_mini *st, uint16_t port);
enum tcp_app tcp_app_for_port(const struct tcp_mini *st, uint16_t port);

#endif
