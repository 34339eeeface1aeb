/*
 * fuzz_tcp_mini - rung 5's core, tcp_mini_input(), tcp_mini_flush() and
 * tcp_mini_tick(), on any run of Ethernet frames with time passing: the
 * TCP state machine, the rings, the timers, the three services and the
 * client, on top of rung 4's host.
 *
 * Input: one byte of setup, then records (fuzz.h).
 *
 *   setup bit 0  also open a client at the start (--connect 10.10.10.2:7),
 *                from port 63921 (tcp_mini_connect with seed 1);
 *   setup bit 1  the client's stdin holds 3000 bytes ...
 *   setup bit 2  ... and then ends: the client closes (a half-close);
 *   setup bit 3  every ISN is 0xfffff000, 4 KB before 2^32
 *                (TUNLAB_TCP_ISN): a fuzzer cannot guess the keyed ISN
 *                that acknowledgments must match, and the sequence space
 *                wraps early in the connection;
 *   setup bit 4  the client never reads: its receive window fills up.
 *   setup bit 6  lesson 07's offloads: the device takes partial checksums
 *                and TSO (tx.offload), and vouches for every frame's
 *                checksum (tx.in_csum_ok, as for the kernel's own): what
 *                goes out is checked once its checksum is finished as the
 *                device would, a joined frame for what it stands for.
 *
 *   record flag 0x04 (besides fuzz.h's FUZZ_FIX_*): the next frame comes
 *                in the same batch as this one, at the same time (its
 *                time step is ignored).  The device loop reads up to 64
 *                frames before the output step runs once; within a batch,
 *                input only marks what is due.
 *
 * The host is started afresh for each input, as tcp_mini starts it:
 * address 10.10.10.1, MAC 02:00:0a:0a:0a:01, echo on port 7 (discard 9,
 * chargen 19), MTU 1500, --seed 1, --msl 1 (TIME-WAIT lasts 2 s).  Time
 * moves as in fuzz_udp_echo.c: timers that fall due between two batches
 * fire at their own time.  Each batch is followed, as in lib/run.c, by the
 * client's stdin and stdout, the output step (tcp_mini_flush until it
 * returns false, the out queue emptied in between) and the timers.
 *
 * Checks, after every call into the core:
 *   - the drop reason is a named one;
 *   - every frame sent passes fuzz_check_frame_out() (fuzz.h): 60 to 1514
 *     bytes, from our MAC and address to a host; TCP segments parse with
 *     tcp_parse, so their checksum verifies; and a TCP segment is never
 *     sent in fragments (it is at most the MSS, and the MSS fits the MTU);
 *   - no RST is sent in reply to a segment that carried one (RFC 9293
 *     3.10.7.1: two hosts could bounce them for ever);
 *   - a frame to the Ethernet broadcast address opens no connection
 *     (RFC 1122 4.2.3.10);
 *   - the output step ends (in at most 4096 calls: each fills a queue of
 *     256 frames), and after it every connection has sent the ACK that
 *     input asked for;
 *   - per connection: SND.UNA =< SND.NXT =< SND.MAX; what is in flight
 *     (SND.MAX - SND.UNA) is at most the bytes the send ring holds, plus
 *     one for a SYN not yet acknowledged and one for a FIN sent; SND.UNA is
 *     the ISS while the SYN is unacknowledged; a queued FIN's sequence
 *     number is SND.UNA + the bytes held (until it is acknowledged, when
 *     SND.UNA is one past it and the ring is empty); RCV.NXT is never past
 *     the right edge we advertised, RCV.ADV (one past it for a FIN that
 *     came right at the edge), and that edge never moves left; data kept
 *     past a hole lies inside that window and inside the receive ring's
 *     free space past its tail; the rings
 *     hold no more than their capacity, a power of two between 16 KB and
 *     1 MB (or none in TIME-WAIT); a connection with something in flight, or data that waits, in
 *     any state but TIME-WAIT, has its retransmission (or persist) timer
 *     running after the output step;
 *   - mem_used is at most TCP_MEM_BUDGET and is the sum of the rings'
 *     capacities, over all slots (a closed slot holds no ring); half_open
 *     is the number of passive connections in SYN-RECEIVED, at most
 *     TCP_BACKLOG;
 *   - the next timer is in the future (or there is none), and at most the
 *     longest timer away: RTO's 60 s maximum, or an ARP entry's 60 s.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/bytes.h"
#include "../lib/eth.h"
#include "../lib/tcp.h"
#include "../lib/vnet.h"
#include "../tcp_mini/tcp_mini.h"
#include "fuzz.h"

#define SETUP_CLIENT		0x01
#define SETUP_CLIENT_DATA	0x02
#define SETUP_CLIENT_EOF	0x04
#define SETUP_FIXED_ISN		0x08
#define SETUP_CLIENT_DEAF	0x10
#define SETUP_LESSON_05		0x20	/* lesson 06's additions off */
#define SETUP_OFFLOAD		0x40	/* lesson 07's TSO and checksums */

#define SAME_BATCH		0x04	/* a record flag: see above */

#define PEER_ADDR		IPV4_ADDR(10, 10, 10, 2)
#define CLIENT_PORT		7
#define CLIENT_STDIN		3000
#define FIXED_ISN		0xfffff000u
#define MAX_FLUSH_CALLS		4096
#define LONGEST_TIMER_MS	60000

static struct tcp_mini st;		/* large: static */
static struct txq tx;

/* What we knew of each slot at the last check, to see its advertised right
 * edge never move left. */
static struct edge {
	bool valid;
	uint32_t raddr;
	uint16_t lport, rport;
	seq_t irs, rcv_adv;
} edges[TCP_MAX_CONN];

static uint8_t setup;
static size_t client_stdin_left;

/* --- what goes out ---------------------------------------------------- */

/* Check and "send" what the core queued.  in_rst: it answers a segment
 * that carried an RST. */
static void check_sent(bool in_rst)
{
	struct ipv4_hdr ip;
	struct tcp_hdr h;
	size_t i;

	for (i = 0; i < tx.n; i++) {
		uint8_t *frame = tx.buf + tx.off[i];

		/* Lesson 07: what the device is asked to finish, only if it
		 * can; then finished, as it would. */
		if (tx.csum_start[i]) {
			struct vnet_hdr vh = { .flags = VNET_F_NEEDS_CSUM,
					       .csum_start = tx.csum_start[i],
					       .csum_offset = tx.csum_offset[i] };

			FUZZ_CHECK(tx.offload & VNET_OFF_CSUM);
			FUZZ_CHECK(vh.csum_start == ETH_HDR_LEN + IPV4_HDR_LEN &&
				   vh.csum_offset == 16);
			FUZZ_CHECK(tx.len[i] >= (size_t)vh.csum_start + 20);
			vnet_csum_finish(frame, tx.len[i], &vh);
		}
		if (tx.gso_size[i]) {
			/* One TCP segment that stands for several of at most
			 * gso_size bytes of data each, more than one of them. */
			struct eth_hdr eth;

			FUZZ_CHECK(tx.offload & VNET_OFF_TSO4);
			FUZZ_CHECK(tx.csum_start[i] != 0);
			FUZZ_CHECK(tx.gso_size[i] <= FUZZ_MTU - 40);
			FUZZ_CHECK(eth_parse(frame, tx.len[i], &eth) == DROP_NONE);
			FUZZ_CHECK(ipv4_parse(eth.payload, eth.payload_len, &ip) == DROP_NONE);
			FUZZ_CHECK(ip.total_len == eth.payload_len && !ipv4_is_fragment(&ip));
			FUZZ_CHECK(tcp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, &h) ==
				   DROP_NONE);
			FUZZ_CHECK(h.data_len > tx.gso_size[i]);
			FUZZ_CHECK(!(h.flags & (TCP_FLAG_SYN | TCP_FLAG_RST)));
			continue;
		}
		if (!fuzz_check_frame_out(frame, tx.len[i], &ip) ||
		    ip.proto != IPV4_PROTO_TCP)
			continue;
		/* Whole: fuzz_check_l4_out() parsed it (checksum and all). */
		FUZZ_CHECK(!ipv4_is_fragment(&ip));
		FUZZ_CHECK(tcp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, &h) ==
			   DROP_NONE);
		FUZZ_CHECK(!(in_rst && (h.flags & TCP_FLAG_RST)));
	}
	txq_clear(&tx);
	st.log_len = 0;		/* what the loop's take_log() does */
}

/* --- the state -------------------------------------------------------- */

static bool is_pow2(size_t x)
{
	return x && (x & (x - 1)) == 0;
}

/* A ring: its memory goes back on entering TIME-WAIT (conn.c), so there
 * it may have none. */
static void check_ring(const struct ring *r, bool may_be_freed)
{
	if (may_be_freed && r->cap == 0) {
		FUZZ_CHECK(r->buf == NULL && r->len == 0 && r->head == 0);
		return;
	}
	FUZZ_CHECK(is_pow2(r->cap));
	FUZZ_CHECK(r->cap >= TCP_RING_MIN && r->cap <= TCP_RING_MAX);
	FUZZ_CHECK(r->len <= r->cap);
	FUZZ_CHECK(r->head < r->cap);
}

static void check_conn(size_t slot, bool after_flush)
{
	const struct tcp_conn *c = &st.conn[slot];
	struct edge *e = &edges[slot];
	bool syn_unacked = c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED;
	bool fin_sent = c->fin_queued && seq_gt(c->snd_max, c->fin_seq);
	int32_t in_flight = seq_diff(c->snd_max, c->snd_una);
	int32_t past_edge = seq_diff(c->rcv_nxt, c->rcv_adv);
	seq_t data_end = seq_add(c->snd_una, (uint32_t)c->snd.len);
	unsigned i;

	check_ring(&c->snd, c->state == TCP_TIME_WAIT);
	check_ring(&c->rcv, c->state == TCP_TIME_WAIT);

	/* Send sequence space (RFC 9293 3.3.1). */
	FUZZ_CHECK(seq_le(c->snd_una, c->snd_nxt));
	FUZZ_CHECK(seq_le(c->snd_nxt, c->snd_max));
	FUZZ_CHECK(in_flight >= 0);
	FUZZ_CHECK((uint64_t)in_flight <= c->snd.len + syn_unacked + fin_sent);
	if (syn_unacked)
		FUZZ_CHECK(seq_eq(c->snd_una, c->iss));
	else
		FUZZ_CHECK(seq_gt(c->snd_una, c->iss));
	if (c->fin_queued)
		FUZZ_CHECK(seq_eq(c->fin_seq, data_end) ||
			   (c->snd.len == 0 && seq_eq(c->snd_una, seq_add(c->fin_seq, 1))));
	FUZZ_CHECK(c->snd_wnd <= (65535u << TCP_WSCALE_MAX));

	/* Receive sequence space: what came in stayed inside the window we
	 * offered (a FIN may sit right at its edge), and the edge never moves
	 * left (3.8.6.2.2). */
	if (c->state != TCP_SYN_SENT) {
		FUZZ_CHECK(past_edge <= (c->fin_received ? 1 : 0));
		if (e->valid && e->raddr == c->raddr && e->lport == c->lport &&
		    e->rport == c->rport && seq_eq(e->irs, c->irs))
			FUZZ_CHECK(seq_ge(c->rcv_adv, e->rcv_adv));
		*e = (struct edge){ true, c->raddr, c->lport, c->rport, c->irs,
				    c->rcv_adv };
	}
	/* ... and never passes the end of the receive ring: a window is a
	 * promise to hold what the peer sends. */
	if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT && past_edge <= 0)
		FUZZ_CHECK(seq_le(c->rcv_adv, seq_add(c->rcv_nxt,
						     (uint32_t)ring_free(&c->rcv))));
	/* Data kept past a hole: inside the window, and inside the receive
	 * ring's free space past its tail, where it was written. */
	FUZZ_CHECK(c->n_ooo <= TCP_OOO_MAX);
	for (i = 0; c->state != TCP_TIME_WAIT && i < c->n_ooo; i++) {
		FUZZ_CHECK(seq_lt(c->ooo[i].start, c->ooo[i].end));
		FUZZ_CHECK(seq_le(c->ooo[i].end, c->rcv_adv));
		FUZZ_CHECK(seq_diff(c->ooo[i].end, c->rcv_nxt) <= 0 ||
			   (size_t)seq_diff(c->ooo[i].end, c->rcv_nxt) <= ring_free(&c->rcv));
	}

	if (!after_flush)
		return;
	/* The output step sent what input asked for ... */
	FUZZ_CHECK(!c->ack_due);
	/* ... and nothing waits without a timer to send it again: the
	 * retransmission timer for what is in flight into an open window,
	 * the persist timer for what waits on a shut one. */
	FUZZ_CHECK((c->timer == TIMER_IDLE) == (c->timer_at == 0));
	if (c->state != TCP_TIME_WAIT &&
	    (in_flight > 0 || seq_lt(c->snd_nxt, data_end) || (c->fin_queued && !fin_sent)))
		FUZZ_CHECK(c->timer == TIMER_RETRANSMIT || c->timer == TIMER_PERSIST ||
			   (c->sent && (c->timer == TIMER_RACK || c->timer == TIMER_TLP)));
	/* (never a persist timer for data in flight into an open window) */
	if (c->state > TCP_SYN_RECEIVED && c->state != TCP_TIME_WAIT && in_flight > 0 &&
	    c->snd_wnd > 0)
		FUZZ_CHECK(c->timer != TIMER_PERSIST);
	if (c->state == TCP_TIME_WAIT)
		FUZZ_CHECK(c->timer == TIMER_TIME_WAIT);
}

static void check_state(bool after_flush)
{
	size_t i, mem = 0;
	unsigned half_open = 0;

	for (i = 0; i < TCP_MAX_CONN; i++) {
		const struct tcp_conn *c = &st.conn[i];

		mem += c->snd.cap + c->rcv.cap;
		if (c->state == TCP_CLOSED) {
			FUZZ_CHECK(c->snd.cap == 0 && c->rcv.cap == 0);
			edges[i].valid = false;
			continue;
		}
		FUZZ_CHECK(c->state != TCP_LISTEN);	/* listeners are ports */
		if (c->passive && c->state == TCP_SYN_RECEIVED)
			half_open++;
		check_conn(i, after_flush);
	}
	FUZZ_CHECK(st.mem_used == mem);
	FUZZ_CHECK(st.mem_used <= TCP_MEM_BUDGET);
	FUZZ_CHECK(st.half_open == half_open);
	FUZZ_CHECK(st.half_open <= TCP_BACKLOG);
}

static size_t live_conns(void)
{
	size_t i, n = 0;

	for (i = 0; i < TCP_MAX_CONN; i++)
		n += st.conn[i].state != TCP_CLOSED;
	return n;
}

/* --- the loop's steps -------------------------------------------------- */

/* --connect's stdin and stdout, as client.c's poll_fds() and ready()
 * move them: stdin into the send ring while the connection can send,
 * everything received out to stdout (unless the client is deaf). */
static void client_io(void)
{
	struct tcp_conn *c;
	uint8_t *p;
	size_t room, n;

	if (!st.client || st.client_slot < 0)
		return;
	c = &st.conn[st.client_slot];
	if (!st.stdin_eof && !c->fin_queued &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)) {
		room = ring_space(&c->snd, &p);
		n = room < client_stdin_left ? room : client_stdin_left;
		memset(p, 'x', n);
		ring_commit(&c->snd, n);
		client_stdin_left -= n;
		if (client_stdin_left == 0 && (setup & SETUP_CLIENT_EOF))
			st.stdin_eof = true;
	}
	if (!(setup & SETUP_CLIENT_DEAF))
		while (c->rcv.len > 0) {
			n = ring_data(&c->rcv, &p);
			tcp_received(&st, c, n);
		}
}

/* The output step: until tcp_mini_flush says it is done. */
static void flush(uint64_t now_ms)
{
	int calls = 0;
	bool more;

	do {
		FUZZ_CHECK(++calls <= MAX_FLUSH_CALLS);
		more = tcp_mini_flush(&st, now_ms, &tx);
		check_sent(false);
		check_state(false);
	} while (more);
	check_state(true);
}

static uint64_t tick(uint64_t now_ms)
{
	uint64_t next = tcp_mini_tick(&st, now_ms, &tx);

	check_sent(false);
	check_state(false);
	flush(now_ms);
	FUZZ_CHECK(next > now_ms);
	FUZZ_CHECK(next == UINT64_MAX || next <= now_ms + LONGEST_TIMER_MS);
	return next;
}

/* A TCP segment with RST set, as far as the frame shows. */
static bool carries_rst(const uint8_t *frame, size_t len)
{
	struct ipv4_hdr ip;

	if (len < ETH_HDR_LEN || get16(frame + 12) != ETH_TYPE_IPV4 ||
	    ipv4_parse(frame + ETH_HDR_LEN, len - ETH_HDR_LEN, &ip) != DROP_NONE ||
	    ip.proto != IPV4_PROTO_TCP || ipv4_is_fragment(&ip) || ip.payload_len < 14)
		return false;
	return ip.payload[13] & TCP_FLAG_RST;
}

static void input(struct fuzz_record *rec, uint64_t now_ms)
{
	bool broadcast = fuzz_is_broadcast_ipv4(rec->pkt, rec->len);
	size_t before = live_conns();

	fuzz_fix_frame(rec->pkt, rec->len, rec->flags);
	tx.in_csum_ok = (setup & SETUP_OFFLOAD) != 0;
	fuzz_check_drop(tcp_mini_input(&st, rec->pkt, rec->len, now_ms, &tx));
	tx.in_csum_ok = false;
	check_sent(carries_rst(rec->pkt, rec->len));
	check_state(false);
	FUZZ_CHECK(!(broadcast && live_conns() > before));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct fuzz_record rec;
	uint64_t now_ms = 1000000, deadline;
	bool in_batch = false;
	size_t i;

	if (size < 1)
		return 0;
	setup = data[0];
	in = (struct fuzz_input){ data + 1, size - 1 };
	memset(edges, 0, sizeof(edges));
	txq_clear(&tx);
	tx.offload = (setup & SETUP_OFFLOAD) ? VNET_OFF_CSUM | VNET_OFF_TSO4 : 0;
	tcp_mini_init(&st, fuzz_our_mac, FUZZ_OUR_ADDR, FUZZ_UDP_PORT, FUZZ_MTU,
		      1, 1, now_ms, &tx);
	/* Segments to sources off the link go through a gateway. */
	eth_host_route(&st.host.link, 24, IPV4_ADDR(10, 10, 10, 2));
	/* Lesson 06's TCP, as main() runs it (SACK, timestamps, RACK-TLP,
	 * SYN cookies, delayed ACKs, Nagle, CUBIC), unless the setup byte
	 * asks for lesson 05's. */
	if (!(setup & SETUP_LESSON_05)) {
		st.sack_on = st.ts_on = st.rack_on = true;
		st.syn_cookies = st.delayed_ack = st.nagle = true;
		st.cc = &cc_cubic;
	}
	st.isn_fixed = setup & SETUP_FIXED_ISN;
	st.isn_base = FIXED_ISN;
	st.client = false;
	client_stdin_left = (setup & SETUP_CLIENT_DATA) ? CLIENT_STDIN : 0;
	if (setup & SETUP_CLIENT)
		FUZZ_CHECK(tcp_mini_connect(&st, PEER_ADDR, CLIENT_PORT, 1, now_ms));
	check_sent(false);	/* the gratuitous ARP */
	check_state(false);
	/* As lib/run.c starts: the output step and the timers, so that a
	 * client's SYN goes out before anything comes in. */
	flush(now_ms);
	deadline = tick(now_ms);

	while (fuzz_next(&in, &rec)) {
		if (!in_batch) {
			now_ms += rec.dt_ms;
			/* Timers that fell between two batches fire at their
			 * own time. */
			while (deadline <= now_ms)
				deadline = tick(deadline);
		}
		input(&rec, now_ms);
		in_batch = rec.flags & SAME_BATCH;
		free(rec.pkt);
		if (in_batch)
			continue;
		client_io();
		flush(now_ms);
		deadline = tick(now_ms);
	}
	if (in_batch) {		/* the last batch ends with the input */
		client_io();
		flush(now_ms);
		(void)tick(now_ms);
	}

	/* Free what this input left, as tcp_mini_init would next time: the
	 * rings, and packets waiting for ARP. */
	for (i = 0; i < TCP_MAX_CONN; i++)
		if (st.conn[i].state != TCP_CLOSED)
			tcp_free(&st, &st.conn[i]);
	FUZZ_CHECK(st.mem_used == 0);
	fuzz_free_arp(&st.host.link);
	return 0;
}
