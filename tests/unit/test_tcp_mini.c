/*
 * test_tcp_mini.c - rung 5's core driven by scripted segments: the rings,
 * the RTO estimator, and the connection through every state of RFC 9293's
 * diagram, checking each segment it sends back.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../lib/arp.h"
#include "../../lib/bytes.h"
#include "../../lib/eth.h"
#include "../../lib/icmp.h"
#include "../../lib/ipv4.h"
#include "../../lib/tcp.h"
#include "../../lib/vnet.h"
#include "../../tcp_mini/tcp_mini.h"

#define US	IPV4_ADDR(10, 10, 10, 1)
#define PEER	IPV4_ADDR(10, 10, 10, 2)
#define PPORT	40000
#define MSL_S	1

static const uint8_t OUR_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0x00, 0x0a, 0x0a, 0x0a, 0x02 };

static struct tcp_mini st;
static struct txq tx;

/* --- rings ------------------------------------------------------------ */

static void ring_wraps_and_grows(void)
{
	struct ring r = { 0 };
	uint8_t in[300], out[300];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	CHECK(ring_resize(&r, 256));
	CHECK_EQ(ring_write(&r, in, 200), 200);
	ring_drop(&r, 150);
	/* 50 held at offset 150; 200 more wrap round the end. */
	CHECK_EQ(ring_write(&r, in + 200, 100), 100);
	CHECK_EQ(ring_write(&r, in, 300), 106);		/* only what fits */
	CHECK_EQ(r.len, 256);
	ring_peek(&r, 0, out, 50);
	CHECK(memcmp(out, in + 150, 50) == 0);
	ring_peek(&r, 50, out, 100);
	CHECK(memcmp(out, in + 200, 100) == 0);
	/* Growing keeps the bytes in order, the oldest first. */
	CHECK(ring_resize(&r, 512));
	ring_peek(&r, 0, out, 150);
	CHECK(memcmp(out, in + 150, 150) == 0);
	ring_peek(&r, 150, out, 106);
	CHECK(memcmp(out, in, 106) == 0);
	CHECK_EQ(ring_free(&r), 256);
	ring_drop(&r, 1000);
	CHECK_EQ(r.len, 0);
	ring_free_buf(&r);
}

/* --- the RTO estimator (RFC 6298) ------------------------------------- */

static void rto_estimator_vectors(void)
{
	struct tcp_conn c = { .rto_ms = TCP_RTO_INITIAL_MS };

	/* (2.2): SRTT = R = 100 ms, RTTVAR = R/2, RTO = 100 + 4 * 50. */
	tcp_rtt_sample(&c, 100);
	CHECK_EQ(c.srtt_us, 100000);
	CHECK_EQ(c.rttvar_us, 50000);
	CHECK_EQ(c.rto_ms, 300);
	/* (2.3) with R' = 200: RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5,
	 * SRTT = 7/8 * 100 + 1/8 * 200 = 112.5, RTO = 112.5 + 250. */
	tcp_rtt_sample(&c, 200);
	CHECK_EQ(c.rttvar_us, 62500);
	CHECK_EQ(c.srtt_us, 112500);
	CHECK_EQ(c.rto_ms, 362);
	/* A LAN's 0-1 ms samples: the minimum, 200 ms (Linux's, not 1 s). */
	memset(&c, 0, sizeof(c));
	tcp_rtt_sample(&c, 0);
	CHECK_EQ(c.rto_ms, TCP_RTO_MIN_MS);
	/* A huge sample: capped at 60 s (2.5). */
	tcp_rtt_sample(&c, 100000);
	CHECK_EQ(c.rto_ms, TCP_RTO_MAX_MS);
}

/* --- the core, segment by segment -------------------------------------- */

/* What the stack sent, parsed: the i-th TCP segment in tx. */
struct sent {
	size_t n;
	struct tcp_hdr h[64];
	uint16_t gso_size[64];	/* lesson 07: what its frame asked of the device */
	uint16_t ip_id[64];
	uint8_t data[64][65536];
};
static struct sent sent;

static void collect(void)
{
	size_t i;

	sent.n = 0;
	for (i = 0; i < tx.n && sent.n < 64; i++) {
		struct eth_hdr eth;
		struct ipv4_hdr ip;
		struct tcp_hdr *h = &sent.h[sent.n];

		/* A checksum left partial (lesson 07) is finished, as the
		 * device would. */
		if (tx.csum_start[i]) {
			struct vnet_hdr vh = { .flags = VNET_F_NEEDS_CSUM,
					       .csum_start = tx.csum_start[i],
					       .csum_offset = tx.csum_offset[i] };

			vnet_csum_finish(tx.buf + tx.off[i], tx.len[i], &vh);
		}
		if (eth_parse(txq_pkt(&tx, i), tx.len[i], &eth) != DROP_NONE ||
		    eth.type != ETH_TYPE_IPV4 ||
		    ipv4_parse(eth.payload, eth.payload_len, &ip) != DROP_NONE ||
		    ip.proto != IPV4_PROTO_TCP)
			continue;
		CHECK_EQ(ip.src, US);
		CHECK_EQ(ip.dst, PEER);
		CHECK_EQ(tcp_parse(ip.payload, ip.payload_len, ip.src, ip.dst, h),
			 DROP_NONE);
		if (h->data_len <= sizeof(sent.data[0]))
			memcpy(sent.data[sent.n], h->data, h->data_len);
		sent.gso_size[sent.n] = tx.gso_size[i];
		sent.ip_id[sent.n] = ip.id;
		h->data = sent.data[sent.n];
		sent.n++;
	}
	txq_clear(&tx);
}

/* The end of a batch: the output step, then collect what went out. */
static void batch(uint64_t now_ms)
{
	while (tcp_mini_flush(&st, now_ms, &tx))
		collect();
	collect();
}

static void tick(uint64_t now_ms)
{
	tcp_mini_tick(&st, now_ms, &tx);
	batch(now_ms);
}

/* A segment from the peer, in a frame, into the core. */
struct seg {
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;		/* 0: 65535, unless shut */
	bool shut;		/* window 0 */
	const char *data;
	bool mss, wscale;
	const uint8_t *raw;	/* data of raw_len bytes, instead of data */
	size_t raw_len;
	bool bad_sum;		/* its checksum wrong */
};

static enum drop from_peer(const struct seg *s, uint64_t now_ms)
{
	static uint8_t f[ETH_HDR_LEN + 65536];
	struct tcp_hdr h = {
		.src_port = s->sport ? s->sport : PPORT,
		.dst_port = s->dport ? s->dport : 7,
		.seq = s->seq, .ack = s->ack, .flags = s->flags,
		.window = s->shut ? 0 : s->win ? s->win : 65535,
	};
	size_t dlen = s->raw ? s->raw_len : s->data ? strlen(s->data) : 0, hl;
	struct ipv4_hdr ip = { .ttl = 64, .proto = IPV4_PROTO_TCP, .src = PEER,
			       .dst = US, .id = 1 };

	h.opts.has_mss = s->mss;
	h.opts.mss = 1460;
	h.opts.has_wscale = s->wscale;
	h.opts.wscale = 7;
	hl = tcp_hdr_len(&h);
	if (dlen)
		memcpy(f + ETH_HDR_LEN + 20 + hl, s->raw ? s->raw : (const uint8_t *)s->data,
		       dlen);
	tcp_emit(&h, PEER, US, f + ETH_HDR_LEN + 20, dlen);
	if (s->bad_sum)
		f[ETH_HDR_LEN + 20 + 17] ^= 0x01;
	ip.total_len = (uint16_t)(20 + hl + dlen);
	ipv4_emit(&ip, f + ETH_HDR_LEN, 20);
	return tcp_mini_input(&st, f, eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_IPV4,
					       20 + hl + dlen), now_ms, &tx);
}

/* The peer's MAC, learned (again) from its ARP reply at now_ms. */
static void peer_arp_reply(uint64_t now_ms)
{
	uint8_t f[64];
	struct arp_pkt a = { .op = ARP_OP_REPLY, .spa = PEER, .tpa = US };

	memcpy(a.sha, PEER_MAC, 6);
	memcpy(a.tha, OUR_MAC, 6);
	arp_emit(&a, f + ETH_HDR_LEN);
	eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
	tcp_mini_input(&st, f, 60, now_ms, &tx);
	txq_clear(&tx);
}

static void start(bool fixed_isn, uint32_t isn)
{
	tx.offload = 0;			/* lesson 07's tests set them */
	tx.in_csum_ok = false;
	tcp_mini_init(&st, OUR_MAC, US, 7, 1500, 1, MSL_S, 0, &tx);
	st.isn_fixed = fixed_isn;
	st.isn_base = isn;
	txq_clear(&tx);
	peer_arp_reply(0);
}

static struct tcp_conn *conn(uint16_t lport)
{
	return tcp_find(&st, PEER, PPORT, lport);
}

#define ISS	1000u
#define IRS	5000u

/* A client connection to the peer's port 5555, its SYN sent (and
 * collected): SYN-SENT. */
static struct tcp_conn *client_syn_sent(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	CHECK(tcp_mini_connect(&st, PEER, 5555, 1, 0));
	c = &st.conn[st.client_slot];
	CHECK(c->state == TCP_SYN_SENT);
	batch(0);
	return c;
}

/* LISTEN -> SYN-RECEIVED -> ESTABLISHED on port 7, checked. */
static struct tcp_conn *open_passive(uint16_t port, bool wscale)
{
	struct tcp_conn *c;

	CHECK_EQ(from_peer(&(struct seg){ .dport = port, .flags = TCP_FLAG_SYN,
					  .seq = IRS, .mss = true, .wscale = wscale }, 10),
		 DROP_NONE);
	c = conn(port);
	CHECK(c && c->state == TCP_SYN_RECEIVED);
	batch(10);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].seq, ISS);
	CHECK_EQ(sent.h[0].ack, IRS + 1);
	CHECK(sent.h[0].opts.has_mss && sent.h[0].opts.mss == 1460);
	CHECK_EQ(sent.h[0].opts.has_wscale, wscale);
	CHECK_EQ(from_peer(&(struct seg){ .dport = port, .flags = TCP_FLAG_ACK,
					  .seq = IRS + 1, .ack = ISS + 1 }, 11), DROP_NONE);
	CHECK(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->snd_wnd, wscale ? 65535u << 7 : 65535u);
	batch(11);
	CHECK_EQ(sent.n, 0);		/* nothing due: the ACK needs no ACK */
	return c;
}

static void passive_open_echo_and_passive_close(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(7, true);
	/* Data: echoed, and the ACK rides on the echo. */
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_PSH,
					  .seq = IRS + 1, .ack = ISS + 1,
					  .data = "hello" }, 12), DROP_NONE);
	batch(12);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].seq, ISS + 1);
	CHECK_EQ(sent.h[0].ack, IRS + 6);
	CHECK_EQ(sent.h[0].data_len, 5);
	CHECK(memcmp(sent.h[0].data, "hello", 5) == 0);
	/* The peer acknowledges it and closes: CLOSE-WAIT, and echo, owing
	 * nothing, closes too: LAST-ACK, with FIN+ACK. */
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_FIN,
					  .seq = IRS + 6, .ack = ISS + 6 }, 13), DROP_NONE);
	CHECK(c->state == TCP_CLOSE_WAIT);
	batch(13);
	CHECK(c->state == TCP_LAST_ACK);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK | TCP_FLAG_FIN);
	CHECK_EQ(sent.h[0].seq, ISS + 6);
	CHECK_EQ(sent.h[0].ack, IRS + 7);
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 7,
					  .ack = ISS + 7 }, 14), DROP_NONE);
	CHECK(conn(7) == NULL);		/* CLOSED: the slot is free */
	CHECK_EQ(st.mem_used, 0);
}

static void half_close_echo_keeps_sending(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(7, false);
	/* Data and FIN in one segment: the echo is still owed. */
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .seq = IRS + 1,
				 .ack = ISS + 1, .data = "abc" }, 12);
	CHECK(c->state == TCP_CLOSE_WAIT);
	batch(12);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK | TCP_FLAG_PSH | TCP_FLAG_FIN);
	CHECK_EQ(sent.h[0].data_len, 3);
	CHECK_EQ(sent.h[0].ack, IRS + 5);
	CHECK(c->state == TCP_LAST_ACK);
}

static void active_open_and_close_through_time_wait(void)
{
	struct tcp_conn *c;

	c = client_syn_sent();
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN);
	CHECK_EQ(sent.h[0].seq, ISS);
	CHECK(sent.h[0].opts.has_wscale);
	/* SYN-ACK: ESTABLISHED, and our ACK. */
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1, .mss = true, .wscale = true }, 5);
	CHECK(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->snd_wscale, 7);
	batch(5);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].ack, IRS + 1);
	/* The end of stdin: CLOSE, FIN-WAIT-1. */
	st.stdin_eof = true;
	batch(6);
	CHECK(c->state == TCP_FIN_WAIT_1);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK | TCP_FLAG_FIN);
	/* Our FIN acknowledged: FIN-WAIT-2; theirs: TIME-WAIT. */
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport, .flags = TCP_FLAG_ACK,
				 .seq = IRS + 1, .ack = ISS + 2 }, 7);
	CHECK(c->state == TCP_FIN_WAIT_2);
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .seq = IRS + 1,
				 .ack = ISS + 2 }, 8);
	CHECK(c->state == TCP_TIME_WAIT);
	batch(8);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].ack, IRS + 2);
	/* Their FIN again (our ACK was lost): ACKed, and the 2 MSL start
	 * over (RFC 9293 3.10.7.4, eighth step). */
	CHECK_EQ(from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
					  .flags = TCP_FLAG_ACK | TCP_FLAG_FIN,
					  .seq = IRS + 1, .ack = ISS + 2 }, 500), DROP_NONE);
	batch(500);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].ack, IRS + 2);
	/* 2 * MSL after that, CLOSED. */
	tick(8 + 2000);
	CHECK(c->state == TCP_TIME_WAIT);
	tick(500 + 2000 - 1);
	CHECK(c->state == TCP_TIME_WAIT);
	tick(500 + 2000);
	CHECK(c->state == TCP_CLOSED);
	CHECK_EQ(st.client_end, END_CLOSED);
}

/* Our SYN out to port 5555, and the peer's SYN crossing it (window win,
 * window scale if wscale): SYN-RECEIVED, and our SYN-ACK collected. */
static struct tcp_conn *crossing_syns(bool wscale, uint16_t win)
{
	struct tcp_conn *c;

	c = client_syn_sent();
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport, .flags = TCP_FLAG_SYN,
				 .seq = IRS, .mss = true, .wscale = wscale, .win = win }, 1);
	CHECK(c->state == TCP_SYN_RECEIVED);
	batch(1);
	return c;
}

static void simultaneous_open_and_close(void)
{
	/* Their SYN crosses ours: SYN-RECEIVED, and a SYN-ACK. */
	struct tcp_conn *c = crossing_syns(false, 0);

	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].seq, ISS);
	CHECK(!sent.h[0].opts.has_wscale);	/* they offered none */
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1 }, 2);
	/* (their SYN-ACK: the SYN part is old news, the ACK is new) */
	CHECK(c->state == TCP_ESTABLISHED);
	/* Both close at once: FIN-WAIT-1, their FIN: CLOSING, the ACK of
	 * ours: TIME-WAIT. */
	st.stdin_eof = true;
	batch(3);
	CHECK(c->state == TCP_FIN_WAIT_1);
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .seq = IRS + 1,
				 .ack = ISS + 1 }, 4);
	CHECK(c->state == TCP_CLOSING);
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport, .flags = TCP_FLAG_ACK,
				 .seq = IRS + 2, .ack = ISS + 2 }, 5);
	CHECK(c->state == TCP_TIME_WAIT);
}

static void rst_for_no_connection_by_the_formula(void)
{
	start(true, ISS);
	/* ACK on: <SEQ=SEG.ACK><CTL=RST>. */
	CHECK_EQ(from_peer(&(struct seg){ .dport = 4444, .flags = TCP_FLAG_ACK,
					  .seq = 77, .ack = 12345 }, 1),
		 DROP_TCP_NO_CONNECTION);
	collect();
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_RST);
	CHECK_EQ(sent.h[0].seq, 12345);
	/* ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; a SYN counts 1. */
	from_peer(&(struct seg){ .dport = 4444, .flags = TCP_FLAG_SYN, .seq = 77 }, 2);
	collect();
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_RST | TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].seq, 0);
	CHECK_EQ(sent.h[0].ack, 78);
	from_peer(&(struct seg){ .dport = 4444, .flags = TCP_FLAG_FIN | TCP_FLAG_PSH,
				 .seq = 0xfffffffe, .data = "xyz" }, 3);
	collect();
	CHECK_EQ(sent.h[0].ack, 0xfffffffeu + 4);	/* 2, across the wrap */
	/* An RST is never answered. */
	CHECK_EQ(from_peer(&(struct seg){ .dport = 4444, .flags = TCP_FLAG_RST,
					  .seq = 5 }, 4), DROP_TCP_RST_NO_CONNECTION);
	collect();
	REQUIRE_EQ(sent.n, 0);
}

static void rst_exact_resets_in_window_challenges(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(7, true);
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_RST, .seq = IRS + 100 }, 20),
		 DROP_TCP_RST_CHALLENGED);
	batch(20);
	CHECK(c->state == TCP_ESTABLISHED);
	REQUIRE_EQ(sent.n, 1);			/* the challenge ACK */
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].ack, IRS + 1);
	/* Outside the window: dropped without a word. */
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_RST, .seq = IRS - 100 }, 21),
		 DROP_TCP_NOT_ACCEPTABLE);
	batch(21);
	REQUIRE_EQ(sent.n, 0);
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_RST, .seq = IRS + 1 }, 22),
		 DROP_NONE);
	CHECK(conn(7) == NULL);
	batch(22);
	REQUIRE_EQ(sent.n, 0);
}

static void duplicate_syn_in_syn_received_gets_syn_ack(void)
{
	start(true, ISS);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 1);
	batch(1);
	REQUIRE_EQ(sent.n, 1);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 2);
	batch(2);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].seq, ISS);
	CHECK(conn(7)->state == TCP_SYN_RECEIVED);
	/* ... and if the ACK comes in the same batch as a third SYN, the
	 * connection is established with SND.NXT = SND.UNA = ISS+1 and no
	 * SYN-ACK goes out (fuzz_tcp_mini found SND.NXT left at ISS). */
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 3);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1 }, 3);
	CHECK(conn(7)->state == TCP_ESTABLISHED);
	CHECK_EQ(conn(7)->snd_nxt.v, ISS + 1);
	CHECK_EQ(conn(7)->snd_una.v, ISS + 1);
	batch(3);
	REQUIRE_EQ(sent.n, 0);
}

static void old_ack_never_shrinks_the_window(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(9, false);
	/* The peer sends "12345" offering a window of 100, then "67890"
	 * offering 40000, and the network swaps them.  The later one comes
	 * first: kept out of order, and its ACK and window are taken
	 * (SND.WL1 <- its SEG.SEQ). */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 6,
				 .ack = ISS + 1, .data = "67890", .win = 40000 }, 12);
	REQUIRE_EQ(c->snd_wnd, 40000);
	/* Then the earlier one: acceptable (it is at RCV.NXT) and acknowledging
	 * as much as the other, so only SND.WL1 < SEG.SEQ can tell that its
	 * window is the older news. */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
				 .ack = ISS + 1, .data = "12345", .win = 100 }, 13);
	CHECK_EQ(c->rcv_nxt.v, IRS + 11);	/* both taken */
	CHECK_EQ(c->snd_wnd, 40000);
	/* A bare ACK from before both (its SEG.SEQ behind RCV.NXT) is not
	 * even acceptable. */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
				 .ack = ISS + 1, .win = 100 }, 14);
	CHECK_EQ(c->snd_wnd, 40000);
}

static void retransmit_backoff_then_give_up(void)
{
	struct tcp_conn *c;
	uint64_t now = 100, at, rto;
	int i;

	start(true, ISS);
	c = open_passive(7, false);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1,
				 .data = "ping" }, now);
	batch(now);
	REQUIRE_EQ(sent.n, 1);		/* the echo, never acknowledged */
	/* The handshake measured about 1 ms: RTO is the 200 ms floor. */
	rto = TCP_RTO_MIN_MS;
	CHECK_EQ(c->rto_ms, rto);
	CHECK_EQ(c->timer_at, now + rto);
	for (i = 1; i <= TCP_MAX_RETRIES; i++) {
		at = c->timer_at;
		tick(at);
		REQUIRE_EQ(sent.n, 1);
		CHECK_EQ(sent.h[0].seq, ISS + 1);
		CHECK_EQ(sent.h[0].data_len, 4);
		rto = rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto * 2;
		CHECK_EQ(c->timer_at - at, rto);	/* 0.4, 0.8, 1.6 ... s */
	}
	tick(c->timer_at);
	CHECK(conn(7) == NULL);
	CHECK_EQ(st.host.drops[DROP_TCP_RETRIES_EXCEEDED], 1);
}

static void time_wait_accepts_a_newer_syn(void)
{
	struct tcp_conn *c;

	/* Our side closes first (an echo connection closed by CLOSE here),
	 * so TIME-WAIT is ours. */
	start(true, ISS);
	c = open_passive(7, false);
	tcp_close(&st, c);			/* FIN-WAIT-1 */
	batch(20);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .seq = IRS + 1,
				 .ack = ISS + 2 }, 21);
	CHECK(c->state == TCP_TIME_WAIT);
	batch(21);
	/* A new SYN from the same port, seq past the old: a new connection. */
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS + 100000 }, 22),
		 DROP_NONE);
	c = conn(7);
	CHECK(c && c->state == TCP_SYN_RECEIVED);
	batch(22);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	CHECK(sent.h[0].seq != ISS);		/* past the old one's */
}

static void sequence_numbers_wrap(void)
{
	struct tcp_conn *c;
	static char big[1461];
	uint32_t base = 0xffffffffu - 3000, total = 0;
	int i;

	start(true, base);
	/* The peer's numbers wrap too. */
	CHECK_EQ(from_peer(&(struct seg){ .dport = 7, .flags = TCP_FLAG_SYN,
					  .seq = 0xfffffff0u }, 1), DROP_NONE);
	batch(1);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = 0xfffffff1u,
				 .ack = base + 1 }, 2);
	c = conn(7);
	CHECK(c && c->state == TCP_ESTABLISHED);
	memset(big, 'w', 1460);
	for (i = 0; i < 4; i++) {
		from_peer(&(struct seg){ .flags = TCP_FLAG_ACK,
					 .seq = 0xfffffff1u + total,
					 .ack = base + 1 + total, .data = big }, 3);
		batch(3);
		REQUIRE_EQ(sent.n, 1);
		CHECK_EQ(sent.h[0].seq, base + 1 + total);
		CHECK_EQ(sent.h[0].data_len, 1460);
		total += 1460;
		CHECK_EQ(sent.h[0].ack, 0xfffffff1u + total);
		from_peer(&(struct seg){ .flags = TCP_FLAG_ACK,
					 .seq = 0xfffffff1u + total,
					 .ack = base + 1 + total }, 4);
		batch(4);
	}
	CHECK(seq_gt(c->snd_una, seq(0)));		/* past the wrap */
	CHECK_EQ(c->snd_una.v, base + 1 + total);
	CHECK_EQ(c->snd.len, 0);
}

/* Data after a hole is kept in the receive ring past its tail, and joins
 * in when the hole is filled; the application draining the ring in
 * between must not move it (a bug the first version had: an emptied ring
 * moved its head back to 0, and the kept bytes with it). */
static void out_of_order_kept_until_the_hole_fills(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(7, false);
	/* "abc" in order, "fgh" after a hole "de", in one batch: the echo
	 * drains "abc", leaving the ring empty with "fgh" kept past it. */
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1,
				 .data = "abc" }, 20);
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_FIN,
					  .seq = IRS + 6, .ack = ISS + 1, .data = "fgh" }, 20),
		 DROP_NONE);
	CHECK_EQ(c->n_ooo, 1);
	batch(20);
	/* The echo of "abc" with ack IRS+4, and one duplicate ACK. */
	REQUIRE_EQ(sent.n, 2);
	CHECK_EQ(sent.h[0].data_len, 3);
	CHECK_EQ(sent.h[0].ack, IRS + 4);
	CHECK_EQ(sent.h[1].data_len, 0);
	CHECK_EQ(sent.h[1].ack, IRS + 4);
	CHECK(c->state == TCP_ESTABLISHED);	/* the FIN waits for the hole */
	/* The hole: "defgh" echoed, and the kept FIN taken: CLOSE-WAIT and,
	 * owing nothing more, our FIN. */
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 4, .ack = ISS + 4,
				 .data = "de" }, 21);
	CHECK_EQ(c->n_ooo, 0);
	CHECK(c->state == TCP_CLOSE_WAIT);
	CHECK_EQ(c->rcv_nxt.v, IRS + 10);
	batch(21);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].data_len, 5);
	CHECK(memcmp(sent.h[0].data, "defgh", 5) == 0);
	CHECK_EQ(sent.h[0].ack, IRS + 10);
	CHECK(sent.h[0].flags & TCP_FLAG_FIN);
}

/* --- ICMP errors about our connections (icmp_err.c) ------------------ */

/* An ICMP error (type, code) from the peer about a segment we sent from
 * lport to rport with sequence number sq: it quotes our IPv4 header and
 * the first 8 bytes of our TCP header, as RFC 792 says. */
static enum drop icmp_from_peer(uint8_t type, uint8_t code, uint16_t lport,
				uint16_t rport, uint32_t sq, uint64_t now_ms)
{
	static uint8_t f[128];
	uint8_t quote[IPV4_HDR_LEN + 8];
	struct ipv4_hdr ours = { .ttl = 64, .proto = IPV4_PROTO_TCP, .src = US,
				 .dst = PEER, .id = 7, .total_len = 40 };
	struct ipv4_hdr ip = { .ttl = 64, .proto = IPV4_PROTO_ICMP, .src = PEER,
			       .dst = US, .id = 2,
			       .total_len = IPV4_HDR_LEN + ICMP_HDR_LEN + sizeof(quote) };
	struct icmp_hdr icmp = { .type = type, .code = code, .data = quote,
				 .data_len = sizeof(quote) };

	ipv4_emit(&ours, quote, IPV4_HDR_LEN);
	put16(quote + IPV4_HDR_LEN, lport);
	put16(quote + IPV4_HDR_LEN + 2, rport);
	put32(quote + IPV4_HDR_LEN + 4, sq);
	icmp_emit(&icmp, f + ETH_HDR_LEN + IPV4_HDR_LEN, sizeof(f) - ETH_HDR_LEN - IPV4_HDR_LEN);
	ipv4_emit(&ip, f + ETH_HDR_LEN, IPV4_HDR_LEN);
	return tcp_mini_input(&st, f, eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_IPV4,
					       ip.total_len), now_ms, &tx);
}

/* In SYN-SENT the one segment in flight is the SYN: only an error quoting
 * ISS, from our port to the peer's, is about it (RFC 5927); that one ends
 * the connect at once, as Linux does. */
static void icmp_error_outside_the_flight_is_ignored(void)
{
	struct tcp_conn *c;
	uint16_t lport;

	c = client_syn_sent();
	lport = c->lport;
	REQUIRE_EQ(sent.n, 1);		/* the SYN: SND.UNA = ISS, SND.MAX = ISS+1 */
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				lport, 5555, ISS + 1, 1), DROP_ICMP_ERROR_OUT_OF_WINDOW);
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				lport, 5555, ISS - 1, 1), DROP_ICMP_ERROR_OUT_OF_WINDOW);
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				lport, 5556, ISS, 1), DROP_ICMP_ERROR_NO_CONNECTION);
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				(uint16_t)(lport + 1), 5555, ISS, 1),
		 DROP_ICMP_ERROR_NO_CONNECTION);
	CHECK(c->state == TCP_SYN_SENT);
	CHECK_EQ(st.client_slot, (int)(c - st.conn));
	/* The one that quotes our SYN: refused, the connect is over. */
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				lport, 5555, ISS, 2), DROP_NONE);
	CHECK(c->state == TCP_CLOSED);
	CHECK_EQ(st.client_slot, -1);
	CHECK_EQ(st.client_end, END_REFUSED);
	CHECK_EQ(st.mem_used, 0);
}

/* A connect beyond a gateway that never answers ARP: the SYN and its
 * retransmission wait for ARP, which gives up after 3 requests; then the
 * connect ends at once, "no route to host", as Linux's does, rather than
 * after minutes of SYNs nobody can carry. */
static void connect_through_a_silent_gateway(void)
{
	uint64_t t;

	start(true, ISS);
	eth_host_route(&st.host.link, 24, IPV4_ADDR(10, 10, 10, 9));
	REQUIRE(tcp_mini_connect(&st, IPV4_ADDR(192, 0, 2, 2), 80, 1, 0));
	batch(0);
	CHECK_EQ(sent.n, 0);			/* no segment left: it waits */
	for (t = 100; t <= 10000 && st.client_slot >= 0; t += 100)
		tick(t);
	CHECK_EQ(st.client_slot, -1);
	CHECK_EQ(st.client_end, END_NO_ARP);
	CHECK(t <= ARP_MAX_REQUESTS * ARP_RETRY_MS + 100);
	CHECK(st.host.drops[DROP_ARP_RESOLVE_FAILED] >= 1);
	CHECK_EQ(st.mem_used, 0);
}

/* --- the sender alone (build it yourself, step 2) ----------------------
 * These reach ESTABLISHED through the SYN-SENT handler (not a step of the
 * lesson), then put data in the send ring with SEND and set by hand what
 * the input side (steps 3 and 4) would have set: so they grade
 * tcp_output() with only it written. */

/* Our client, ESTABLISHED with a peer whose window is win (unscaled)
 * and whose MSS is 1460: the SYN-ACK's ACK collected. */
static struct tcp_conn *client_established(uint16_t win)
{
	struct tcp_conn *c = client_syn_sent();

	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1, .win = win, .mss = true }, 5);
	CHECK(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->snd_wnd, win);
	CHECK_EQ(c->mss, 1460);
	batch(5);
	return c;
}

static uint8_t bytes[8192];

/* Segment i of what went out: seq (relative to ISS), length, flags. */
#define CHECK_SEG(i, rel_seq, len, flags_) do {				\
		CHECK_EQ(sent.h[i].seq, ISS + (rel_seq));		\
		CHECK_EQ(sent.h[i].data_len, (len));			\
		CHECK_EQ(sent.h[i].flags, (flags_));			\
		CHECK_EQ(sent.h[i].ack, IRS + 1);			\
	} while (0)

/* RFC 9293 3.8.6.2.1 and 3.10.2: data leaves in segments of at most the
 * MSS, never past SND.UNA + SND.WND nor the congestion window; a segment
 * smaller than the MSS only when it is all there is, or the window is at
 * least half the largest the peer offered; the FIN rides on the last
 * byte, and takes a sequence number. */
static void sender_fills_the_window_in_mss_segments(void)
{
	struct tcp_conn *c;
	size_t i;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7);
	/* A window of 65535, a congestion window of 10 segments (RFC 6928):
	 * 20000 bytes go as 10 full segments, the rest waits. */
	c = client_established(65535);
	CHECK_EQ(tcp_send(&st, c, bytes, 8192), 8192);
	CHECK_EQ(tcp_send(&st, c, bytes, 8192), 8192);
	batch(6);
	REQUIRE_EQ(sent.n, 10);
	for (i = 0; i < 10; i++)
		CHECK_SEG(i, 1 + i * 1460, 1460, TCP_FLAG_ACK);	/* more waits: no PSH */
	CHECK(memcmp(sent.h[0].data, bytes, 1460) == 0);
	CHECK_EQ(c->snd_nxt.v, ISS + 1 + 14600);
	CHECK_EQ(c->snd_max.v, ISS + 1 + 14600);
	/* Nothing more in the same batch: the windows are full. */
	batch(6);
	CHECK_EQ(sent.n, 0);

	/* A window of 3000: two full segments; 80 bytes more would fit, but
	 * 80 is small, more is waiting and 80 < 3000 / 2: silly, wait. */
	c = client_established(3000);
	CHECK_EQ(tcp_send(&st, c, bytes, 5000), 5000);
	batch(6);
	REQUIRE_EQ(sent.n, 2);
	CHECK_SEG(0, 1, 1460, TCP_FLAG_ACK);
	CHECK_SEG(1, 1461, 1460, TCP_FLAG_ACK);

	/* The same window with exactly 3000 bytes: the last 80 are all
	 * there is, so they go; then CLOSE: the FIN waits for room in the
	 * window (3000 bytes and the FIN would be 3001). */
	c = client_established(3000);
	CHECK_EQ(tcp_send(&st, c, bytes, 3000), 3000);
	batch(6);
	REQUIRE_EQ(sent.n, 3);
	CHECK_SEG(2, 2921, 80, TCP_FLAG_ACK | TCP_FLAG_PSH);
	tcp_close(&st, c);
	batch(7);
	CHECK_EQ(sent.n, 0);

	/* 2000 bytes, then CLOSE, in a wide window: FIN on the second. */
	c = client_established(65535);
	CHECK_EQ(tcp_send(&st, c, bytes, 2000), 2000);
	tcp_close(&st, c);
	batch(6);
	REQUIRE_EQ(sent.n, 2);
	CHECK_SEG(0, 1, 1460, TCP_FLAG_ACK);
	CHECK_SEG(1, 1461, 540, TCP_FLAG_ACK | TCP_FLAG_PSH | TCP_FLAG_FIN);
	CHECK_EQ(c->snd_max.v, ISS + 1 + 2000 + 1);
}

/* What the input side asks tcp_output() for, each on its own: a window
 * probe when the persist timer fired (one byte into a shut window), one
 * fast retransmission at SND.UNA, duplicate ACKs for out-of-order data,
 * and a bare ACK. */
static void sender_probes_retransmits_and_acks_when_asked(void)
{
	struct tcp_conn *c = client_established(65535);

	CHECK_EQ(tcp_send(&st, c, bytes, 3000), 3000);
	batch(6);
	REQUIRE_EQ(sent.n, 3);
	/* The peer's window shut (as step 4 records it); the persist timer
	 * fired (as the timers do): one byte at SND.UNA, nothing else. */
	c->snd_wnd = 0;
	c->probe_due = true;
	batch(7);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 1, 1, TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].data[0], bytes[0]);
	CHECK(!c->probe_due);
	/* Three duplicate ACKs came (step 4 counts them): the first
	 * segment again, whole, at SND.UNA. */
	c->snd_wnd = 65535;
	c->rexmit_one = true;
	batch(8);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 1, 1460, TCP_FLAG_ACK);
	CHECK(memcmp(sent.h[0].data, bytes, 1460) == 0);
	CHECK(!c->rexmit_one);
	CHECK(!c->timing);		/* Karn: no RTT sample from it */
	/* Two out-of-order segments arrived (step 3 counts them): two
	 * duplicate ACKs, each "I still want RCV.NXT". */
	c->dupacks_to_send = 2;
	batch(9);
	REQUIRE_EQ(sent.n, 2);
	CHECK_SEG(0, 3001, 0, TCP_FLAG_ACK);
	CHECK_SEG(1, 3001, 0, TCP_FLAG_ACK);
	CHECK_EQ(c->dupacks_to_send, 0);
	/* An ACK is due and no data carries it: a bare one. */
	c->ack_due = true;
	batch(10);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 3001, 0, TCP_FLAG_ACK);
	CHECK(!c->ack_due);
}

/* Past the handshake an error is soft, even port unreachable: kept, said
 * if the connection times out, never an abort (RFC 1122 4.2.3.9). */
static void icmp_error_in_established_is_soft(void)
{
	struct tcp_conn *c;
	uint16_t lport;
	uint64_t t;

	c = client_syn_sent();
	lport = c->lport;
	from_peer(&(struct seg){ .sport = 5555, .dport = lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1, .mss = true }, 5);
	REQUIRE(c->state == TCP_ESTABLISHED);
	batch(5);
	/* "abc" in flight: ISS+1 .. ISS+3. */
	CHECK_EQ(tcp_send(&st, c, (const uint8_t *)"abc", 3), 3);
	batch(6);
	CHECK_EQ(c->snd_max.v, ISS + 4);
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, 1 /* host */, lport, 5555,
				ISS + 2, 7), DROP_NONE);
	CHECK(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->soft_error, END_UNREACHABLE);
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_DEST_UNREACHABLE, ICMP_CODE_PORT_UNREACHABLE,
				lport, 5555, ISS + 1, 8), DROP_NONE);
	CHECK(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->soft_error, END_REFUSED);
	/* Past what is in flight: ignored, the soft error stays. */
	CHECK_EQ(icmp_from_peer(ICMP_TYPE_TIME_EXCEEDED, 0, lport, 5555, ISS + 4, 9),
		 DROP_ICMP_ERROR_OUT_OF_WINDOW);
	CHECK_EQ(c->soft_error, END_REFUSED);
	/* No ACK ever comes: the connection times out, and says the last
	 * error it had. */
	for (t = 10; c->state != TCP_CLOSED && t < 3600 * 1000; t += 1000)
		tick(t);
	CHECK(c->state == TCP_CLOSED);
	CHECK_EQ(st.client_end, END_TIMED_OUT);
	CHECK_EQ(st.client_error, END_REFUSED);
}

/* --- issue 14: real use, the RFCs' timers, blind attacks ---------------- */

/* LISTEN -> ESTABLISHED with the windows given (the SYN's, the ACK's). */
static struct tcp_conn *open_with(uint16_t port, uint16_t syn_win, uint16_t ack_win,
				  bool wscale)
{
	struct tcp_conn *c;

	from_peer(&(struct seg){ .dport = port, .flags = TCP_FLAG_SYN, .seq = IRS,
				 .mss = true, .wscale = wscale, .win = syn_win }, 10);
	batch(10);
	from_peer(&(struct seg){ .dport = port, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
				 .ack = ISS + 1, .win = ack_win }, 11);
	c = conn(port);
	CHECK(c && c->state == TCP_ESTABLISHED);
	return c;
}

/* Data segments in what was last collected. */
static size_t data_segments(void)
{
	size_t i, n = 0;

	for (i = 0; i < sent.n; i++)
		n += sent.h[i].data_len > 0;
	return n;
}

/* Item 8: 200 in-window RSTs on one connection draw at most 10 challenge
 * ACKs, and do not use up another connection's. */
static void challenge_acks_limited_per_connection(void)
{
	int i;

	start(true, ISS);
	open_passive(7, false);
	open_passive(9, false);
	for (i = 0; i < 200; i++) {
		from_peer(&(struct seg){ .flags = TCP_FLAG_RST, .seq = IRS + 100 }, 20);
		batch(20);
		if (i == TCP_CHALLENGES_PER_SEC - 1)
			CHECK_EQ(sent.n, 1);
		if (i >= TCP_CHALLENGES_PER_SEC)
			REQUIRE_EQ(sent.n, 0);
	}
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_RST,
					  .seq = IRS + 100 }, 20), DROP_TCP_RST_CHALLENGED);
	batch(20);
	REQUIRE_EQ(sent.n, 1);			/* port 9's own challenge ACK */
	CHECK_EQ(sent.h[0].src_port, 9);
	/* A new second, a new allowance. */
	from_peer(&(struct seg){ .flags = TCP_FLAG_RST, .seq = IRS + 100 }, 1020);
	batch(1020);
	CHECK_EQ(sent.n, 1);
}

/* Item 9: RFC 5961 5.2, SEG.ACK below SND.UNA - MAX.SND.WND. */
static void ack_too_old_dropped_and_answered(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(9, false);		/* MAX.SND.WND 65535 */
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK,
					  .seq = IRS + 1, .ack = ISS + 1 - 70000,
					  .data = "blind" }, 12), DROP_TCP_ACK_TOO_OLD);
	CHECK_EQ(c->rcv_nxt.v, IRS + 1);	/* its data not taken */
	batch(12);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK);
	CHECK_EQ(sent.h[0].ack, IRS + 1);
	/* Within MAX.SND.WND of SND.UNA: an old ACK, its data taken. */
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK,
					  .seq = IRS + 1, .ack = ISS + 1 - 60000,
					  .data = "fine" }, 13), DROP_NONE);
	CHECK_EQ(c->rcv_nxt.v, IRS + 5);
}

/* The right edge of our window as the peer reads the segment. */
static uint32_t edge_said(const struct tcp_hdr *h, uint8_t shift)
{
	return h->ack + ((uint32_t)h->window << shift);
}

/* Item 10: a client connection whose stdout takes nothing: the peer
 * fills the window it is offered, segment by segment; the edge it is
 * offered never passes the end of the receive ring, and every byte sent
 * within it is taken.  Then the reader takes a little (no update: receiver
 * SWS avoidance), then enough (an update). */
static void window_never_promises_past_the_ring(void)
{
	static char seg[1461];
	struct tcp_conn *c;
	uint32_t nxt = IRS + 1, edge, ring_end;
	int i;

	memset(seg, 'r', 1460);
	c = client_syn_sent();
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1, .mss = true, .wscale = true }, 1);
	batch(1);
	REQUIRE_EQ(sent.n, 1);
	edge = edge_said(&sent.h[0], 0);	/* our SYN's window: unscaled */
	for (i = 0; i < 2000; i++) {
		size_t len = edge - nxt < 1460 ? edge - nxt : 1460;
		char save;

		if (len == 0)
			break;
		save = seg[len];
		seg[len] = '\0';
		CHECK_EQ(from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
						  .flags = TCP_FLAG_ACK, .seq = nxt,
						  .ack = ISS + 1, .data = seg }, 2), DROP_NONE);
		seg[len] = save;
		nxt += (uint32_t)len;
		REQUIRE_EQ(c->rcv_nxt.v, nxt);	/* all of it taken */
		batch(2);
		REQUIRE_EQ(sent.n, 1);
		ring_end = nxt + (uint32_t)ring_free(&c->rcv);
		edge = edge_said(&sent.h[0], TCP_OUR_WSCALE);
		REQUIRE(seq_le(seq(edge), seq(ring_end)));
	}
	CHECK_EQ(sent.h[0].window, 0);		/* the ring is full */
	CHECK(ring_free(&c->rcv) < 1460);	/* less than is worth offering */
	/* Data into the shut window: its ACK is taken, its bytes dropped and
	 * counted (not dropped silently, as when the window lied). */
	seg[100] = '\0';
	CHECK_EQ(from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
					  .flags = TCP_FLAG_ACK, .seq = nxt,
					  .ack = ISS + 1, .data = seg }, 3), DROP_TCP_PAST_WINDOW);
	seg[100] = 'r';
	/* (what the field, rounded down, did not say is still taken: less
	 * than one unit of the scale) */
	CHECK(c->rcv_nxt.v - nxt < (1u << TCP_OUR_WSCALE));
	nxt = c->rcv_nxt.v;
	batch(3);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].ack, nxt);
	/* The reader takes 100 bytes: not worth a window update. */
	tcp_received(&st, c, 100);
	batch(3);
	CHECK_EQ(sent.n, 0);
	/* It takes 1400 more: now the edge may move by an MSS. */
	tcp_received(&st, c, 1400);
	batch(4);
	REQUIRE_EQ(sent.n, 1);
	CHECK(sent.h[0].window > 0);
	CHECK(seq_le(seq(edge_said(&sent.h[0], TCP_OUR_WSCALE)),
		     seq(c->rcv_nxt.v + (uint32_t)ring_free(&c->rcv))));
}

/* Item 11: data the RFC says to ignore is counted, not dropped silently. */
static void ignored_data_is_counted(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(9, false);
	/* After the peer's FIN: CLOSE-WAIT (before the batch lets discard
	 * close); data there "should not occur". */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK | TCP_FLAG_FIN,
				 .seq = IRS + 1, .ack = ISS + 1 }, 12);
	CHECK(c->state == TCP_CLOSE_WAIT);
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK,
					  .seq = IRS + 2, .ack = ISS + 1,
					  .data = "late" }, 12), DROP_TCP_DATA_IGNORED);
	/* TIME-WAIT, ours: an echo connection we close first. */
	start(true, ISS);
	c = open_passive(7, false);
	tcp_close(&st, c);
	batch(20);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .seq = IRS + 1,
				 .ack = ISS + 2 }, 21);
	REQUIRE(c->state == TCP_TIME_WAIT);
	CHECK_EQ(from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 2,
					  .ack = ISS + 2, .data = "late" }, 22),
		 DROP_TCP_DATA_IGNORED);
}

/* Item 12: chargen held back by a small window (sender SWS avoidance):
 * the persist timer runs.  The window opens and data goes out: the
 * retransmission timer takes over, and the persist deadline is gone. */
static void persist_timer_gives_way_to_retransmission(void)
{
	struct tcp_conn *c;
	uint64_t persist_at;

	start(true, ISS);
	c = open_with(19, 8000, 1000, false);
	batch(11);
	CHECK_EQ(data_segments(), 0);		/* 1000 < 8000 / 2: wait */
	REQUIRE(c->timer == TIMER_PERSIST);
	persist_at = c->timer_at;
	/* A window update (same ACK, more window) at 50 ms. */
	from_peer(&(struct seg){ .dport = 19, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
				 .ack = ISS + 1, .win = 65535 }, 60);
	batch(60);
	CHECK(data_segments() >= 10);
	CHECK(c->timer == TIMER_RETRANSMIT);
	CHECK_EQ(c->timer_at, 60 + c->rto_ms);
	/* At the old persist deadline nothing fires. */
	REQUIRE(persist_at < 60 + c->rto_ms);
	tick(persist_at);
	CHECK_EQ(sent.n, 0);
}

/* Chargen on port 19 after a handshake with a large window: the first
 * flight out (the initial congestion window). */
static struct tcp_conn *chargen_flowing(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_with(19, 65535, 65535, true);	/* 65535 << 7: 8 MB */
	batch(11);
	return c;
}

/* Item 17: RFC 6928's initial window, slow start, one segment after a
 * time-out. */
static void congestion_window_slow_start_and_rto(void)
{
	struct tcp_conn *c = chargen_flowing();
	uint32_t una = ISS + 1;

	/* min(10 * 1460, max(2 * 1460, 14600)) = 14600: 10 segments. */
	CHECK_EQ(data_segments(), 10);
	CHECK_EQ(c->cwnd, 14600);
	/* All 10 acknowledged: cwnd 29200, 20 in flight. */
	una += 14600;
	from_peer(&(struct seg){ .dport = 19, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
				 .ack = una, .win = 65535 }, 20);
	batch(20);
	CHECK_EQ(c->cwnd, 29200);
	CHECK_EQ(data_segments(), 20);
	/* Nothing more acknowledged: the time-out sends one segment, from
	 * SND.UNA, not the whole window. */
	tick(c->timer_at);
	REQUIRE_EQ(data_segments(), 1);
	CHECK_EQ(sent.h[0].seq, una);
	CHECK_EQ(c->cwnd, 1460);
	CHECK_EQ(c->ssthresh, 14600);		/* half of 20 in flight */
}

/* Items 13 and 14: three duplicate ACKs start a fast retransmit; a time-
 * out ends the recovery (recover = the highest sent), and duplicate ACKs
 * of data sent before it start none.  Nor do duplicate ACKs while the
 * peer's window is shut. */
static void recovery_ends_on_rto_and_zero_window_dupacks(void)
{
	struct tcp_conn *c = chargen_flowing();
	seq_t max;
	int i;

	for (i = 0; i < 3; i++)
		from_peer(&(struct seg){ .dport = 19, .flags = TCP_FLAG_ACK,
					 .seq = IRS + 1, .ack = ISS + 1, .win = 65535 }, 20);
	CHECK(c->recovering);
	batch(20);
	REQUIRE(data_segments() >= 1);
	CHECK_EQ(sent.h[0].seq, ISS + 1);	/* the fast retransmit */
	tick(c->timer_at);
	max = c->snd_max;
	CHECK(!c->recovering);
	CHECK_EQ(c->recover.v, max.v);
	for (i = 0; i < 4; i++)
		from_peer(&(struct seg){ .dport = 19, .flags = TCP_FLAG_ACK,
					 .seq = IRS + 1, .ack = ISS + 1, .win = 65535 }, 300);
	CHECK(!c->recovering);
	CHECK(!c->rexmit_one);

	/* The window shut, everything outstanding: ACKs that answer the
	 * probes are not duplicate ACKs. */
	c = chargen_flowing();
	for (i = 0; i < 4; i++)
		from_peer(&(struct seg){ .dport = 19, .flags = TCP_FLAG_ACK,
					 .seq = IRS + 1, .ack = ISS + 1 + 2920, .shut = true }, 20);
	batch(20);
	CHECK(!c->recovering);
	CHECK_EQ(data_segments(), 0);
}

/* Item 14: our FIN alone waits on a shut window like data, probed by the
 * persist timer; a peer that answers every probe keeps the connection,
 * far past the number of retransmissions that would end it. */
static void fin_into_zero_window_is_persist(void)
{
	struct tcp_conn *c;
	uint64_t now = 12;
	int i;

	start(true, ISS);
	c = open_passive(9, false);
	/* The peer closes with its window shut: discard closes too. */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK | TCP_FLAG_FIN,
				 .seq = IRS + 1, .ack = ISS + 1, .shut = true }, now);
	batch(now);
	CHECK(c->state == TCP_LAST_ACK);
	REQUIRE(c->timer == TIMER_PERSIST);
	for (i = 0; i < 3 * TCP_MAX_RETRIES; i++) {
		REQUIRE(c->timer_at > now);
		now = c->timer_at;
		peer_arp_reply(now - 1);	/* (minutes pass: ARP again) */
		tick(now);
		REQUIRE(conn(9) == c);		/* still there */
		REQUIRE(sent.n >= 1);
		CHECK(sent.h[0].flags & TCP_FLAG_FIN);	/* the probe */
		/* The answer: window still shut, FIN not taken. */
		from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK,
					 .seq = IRS + 2, .ack = ISS + 1, .shut = true }, now + 1);
		batch(now + 1);
	}
	/* The window opens and the FIN is taken: CLOSED. */
	from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 2,
				 .ack = ISS + 2, .win = 1000 }, now + 2);
	CHECK(conn(9) == NULL);
}

/* Item 15: Karn for the SYN-ACK; RFC 6298 5.7's 3 s after a SYN time-out. */
static void syn_ack_karn_and_rto_after_syn_timeout(void)
{
	struct tcp_conn *c;

	/* Sent twice (the peer's SYN came again): no sample from it. */
	start(true, ISS);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 0);
	batch(0);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 500);
	batch(500);
	REQUIRE_EQ(sent.n, 1);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1 }, 510);
	c = conn(7);
	REQUIRE(c && c->state == TCP_ESTABLISHED);
	CHECK(!c->rtt_valid);
	CHECK_EQ(c->rto_ms, TCP_RTO_INITIAL_MS);
	/* Sent again by the timer: RTO 3 s once the connection is open. */
	start(true, ISS);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 0);
	batch(0);
	tick(1000);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1 }, 1500);
	c = conn(7);
	REQUIRE(c && c->state == TCP_ESTABLISHED);
	CHECK(!c->rtt_valid);
	CHECK_EQ(c->rto_ms, TCP_RTO_AFTER_SYN_MS);
}

/* Item 16: in a simultaneous open, the SYN-ACK's window is not scaled;
 * CLOSE in SYN-RECEIVED sends the FIN only after our SYN is acknowledged,
 * and numbered after it. */
static void syn_window_unscaled_and_close_in_syn_received(void)
{
	struct tcp_conn *c = crossing_syns(true, 1000);

	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .seq = IRS,
				 .ack = ISS + 1, .win = 1000 }, 2);
	REQUIRE(c->state == TCP_ESTABLISHED);
	CHECK_EQ(c->snd_wscale, 7);
	CHECK_EQ(c->snd_wnd, 1000);		/* not 1000 << 7 */

	start(true, ISS);
	from_peer(&(struct seg){ .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 0);
	c = conn(7);
	tcp_close(&st, c);
	batch(0);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	CHECK(c->state == TCP_SYN_RECEIVED);
	from_peer(&(struct seg){ .flags = TCP_FLAG_ACK, .seq = IRS + 1, .ack = ISS + 1 }, 5);
	CHECK(c->state == TCP_FIN_WAIT_1);
	batch(5);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_ACK | TCP_FLAG_FIN);
	CHECK_EQ(sent.h[0].seq, ISS + 1);
}

/* Item 5: a SYN nobody answers is tried for syn_timeout (3 minutes by
 * default), then the open times out. */
static void syn_tried_for_three_minutes(void)
{
	struct tcp_conn *c;
	uint64_t now = 0;
	unsigned expiries = 0;

	c = client_syn_sent();
	while (c->state == TCP_SYN_SENT && c->timer_at > now && expiries < 20) {
		now = c->timer_at;
		tick(now);
		expiries++;
	}
	CHECK(c->state == TCP_CLOSED);
	CHECK_EQ(st.client_end, END_TIMED_OUT);
	CHECK_EQ(now, TCP_SYN_TIMEOUT_MS);
	CHECK_EQ(expiries, 8);	/* again at 1, 3, 7, 15, 31, 63, 123 s */
}

/* Lesson 07 (gso.c): with TSO, the full-sized segments one output step
 * sends on a connection leave as one frame that stands for them all
 * (gso_size the MSS, the checksum partial); the sender still counted
 * them one by one, and the IP IDs go on past the ones the kernel will
 * give the pieces. */
static void gso_joins_full_segments(void)
{
	struct tcp_conn *c;
	uint16_t id;
	size_t i;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7);
	c = client_established(65535);
	tx.offload = VNET_OFF_CSUM | VNET_OFF_TSO4;
	CHECK_EQ(tcp_send(&st, c, bytes, 8192), 8192);	/* 5 x 1460 + 892 */
	batch(6);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 1, 8192, TCP_FLAG_ACK | TCP_FLAG_PSH);
	CHECK_EQ(sent.gso_size[0], 1460);
	CHECK(memcmp(sent.data[0], bytes, 8192) == 0);
	CHECK_EQ(c->snd_nxt.v, ISS + 1 + 8192);
	id = sent.ip_id[0];
	/* All acknowledged; 1000 more bytes: a frame of one segment, with
	 * the IP ID after the six the kernel gave the pieces. */
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport, .flags = TCP_FLAG_ACK,
				 .seq = IRS + 1, .ack = ISS + 1 + 8192 }, 7);
	CHECK_EQ(tcp_send(&st, c, bytes, 1000), 1000);
	batch(7);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 8193, 1000, TCP_FLAG_ACK | TCP_FLAG_PSH);
	CHECK_EQ(sent.gso_size[0], 0);
	CHECK_EQ(sent.ip_id[0], (uint16_t)(id + 6));
	/* 2000 bytes and CLOSE: the FIN on the frame, for its last piece. */
	c = client_established(65535);
	tx.offload = VNET_OFF_CSUM | VNET_OFF_TSO4;
	CHECK_EQ(tcp_send(&st, c, bytes, 2000), 2000);
	tcp_close(&st, c);
	batch(6);
	REQUIRE_EQ(sent.n, 1);
	CHECK_SEG(0, 1, 2000, TCP_FLAG_ACK | TCP_FLAG_PSH | TCP_FLAG_FIN);
	CHECK_EQ(sent.gso_size[0], 1460);
	CHECK_EQ(c->snd_max.v, ISS + 1 + 2000 + 1);
}

/* Without TSO each segment is a frame of its own; with checksum offload
 * alone its checksum is partial (collect() finishes it as the device
 * would, and checks it); without any offload, complete. */
static void gso_off_without_tso_checksum_partial_with_csum(void)
{
	struct tcp_conn *c;
	size_t i;

	c = client_established(65535);
	tx.offload = VNET_OFF_CSUM;
	CHECK_EQ(tcp_send(&st, c, bytes, 8192), 8192);
	CHECK(!tcp_mini_flush(&st, 6, &tx));
	REQUIRE_EQ(tx.n, 6);
	for (i = 0; i < tx.n; i++) {
		CHECK_EQ(tx.csum_start[i], ETH_HDR_LEN + 20);
		CHECK_EQ(tx.csum_offset[i], 16);
		CHECK_EQ(tx.gso_size[i], 0);
	}
	collect();
	REQUIRE_EQ(sent.n, 6);
	CHECK_SEG(4, 1 + 4 * 1460, 1460, TCP_FLAG_ACK);
	CHECK_SEG(5, 1 + 5 * 1460, 892, TCP_FLAG_ACK | TCP_FLAG_PSH);
	c = client_established(65535);		/* (offload 0 again) */
	CHECK_EQ(tcp_send(&st, c, bytes, 3000), 3000);
	CHECK(!tcp_mini_flush(&st, 6, &tx));
	REQUIRE_EQ(tx.n, 3);
	for (i = 0; i < tx.n; i++)
		CHECK_EQ(tx.csum_start[i], 0);
	collect();
}

/* A segment that waits for ARP has no virtio-net header to go with it
 * when it leaves: its checksum is finished before it waits. */
static void gso_held_for_arp_leaves_with_a_full_checksum(void)
{
	uint8_t f[64];
	struct arp_pkt a = { .op = ARP_OP_REPLY, .spa = PEER, .tpa = US };
	size_t i;

	tx.offload = VNET_OFF_CSUM | VNET_OFF_TSO4;
	tcp_mini_init(&st, OUR_MAC, US, 7, 1500, 1, MSL_S, 0, &tx);
	st.isn_fixed = true;
	st.isn_base = ISS;
	txq_clear(&tx);
	CHECK(tcp_mini_connect(&st, PEER, 5555, 1, 0));
	CHECK(!tcp_mini_flush(&st, 0, &tx));
	REQUIRE_EQ(tx.n, 1);			/* the ARP request only */
	collect();
	CHECK_EQ(sent.n, 0);
	memcpy(a.sha, PEER_MAC, 6);
	memcpy(a.tha, OUR_MAC, 6);
	arp_emit(&a, f + ETH_HDR_LEN);
	eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
	tcp_mini_input(&st, f, 60, 1, &tx);
	tcp_mini_flush(&st, 1, &tx);
	for (i = 0; i < tx.n; i++)
		CHECK_EQ(tx.csum_start[i], 0);	/* complete: collect() checks it */
	collect();
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].flags, TCP_FLAG_SYN);
	tx.offload = 0;
}

/* A checksum the device vouched for (lib/run.c sets in_csum_ok for the
 * kernel's partial ones) is not summed; any other wrong one is dropped. */
static void gso_vouched_checksum_not_summed(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(9, false);
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
					  .ack = ISS + 1, .data = "hello", .bad_sum = true }, 12),
		 DROP_TCP_BAD_CHECKSUM);
	CHECK_EQ(c->rcv_nxt.v, IRS + 1);
	tx.in_csum_ok = true;
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
					  .ack = ISS + 1, .data = "hello", .bad_sum = true }, 12),
		 DROP_NONE);
	tx.in_csum_ok = false;
	CHECK_EQ(c->rcv_nxt.v, IRS + 1 + 5);
}

/* A segment of 20000 bytes (the kernel's TSO, taken whole): RCV.NXT
 * moves by all of it, and one ACK answers it. */
static void gso_big_segment_from_the_peer_taken_whole(void)
{
	static uint8_t big[20000];
	struct tcp_conn *c;

	start(true, ISS);
	c = open_passive(9, true);
	CHECK(seq_diff(c->rcv_adv, c->rcv_nxt) >= 20000);
	CHECK_EQ(from_peer(&(struct seg){ .dport = 9, .flags = TCP_FLAG_ACK, .seq = IRS + 1,
					  .ack = ISS + 1, .raw = big, .raw_len = sizeof(big) }, 12),
		 DROP_NONE);
	CHECK_EQ(c->rcv_nxt.v, IRS + 1 + 20000);
	batch(12);
	REQUIRE_EQ(sent.n, 1);
	CHECK_EQ(sent.h[0].ack, IRS + 1 + 20000);
}

const struct unit_test tcp_mini_tests[] = {
	{ "tcp_mini: out-of-order data kept until the hole fills, then echoed", out_of_order_kept_until_the_hole_fills },
	{ "tcp_mini: rings wrap, refuse past full, grow in order", ring_wraps_and_grows },
	{ "tcp_mini: RFC 6298 estimator vectors, 200 ms floor, 60 s cap", rto_estimator_vectors },
	{ "tcp_mini: LISTEN to CLOSED: passive open, echo, passive close", passive_open_echo_and_passive_close },
	{ "tcp_mini: half-close: echo sends what it owes, then FIN", half_close_echo_keeps_sending },
	{ "tcp_mini: SYN-SENT to TIME-WAIT to CLOSED after 2 MSL", active_open_and_close_through_time_wait },
	{ "tcp_mini: simultaneous open and simultaneous close (CLOSING)", simultaneous_open_and_close },
	{ "tcp_mini: RST for no connection per 3.10.7.1, an RST never answered", rst_for_no_connection_by_the_formula },
	{ "tcp_mini: RST at RCV.NXT resets, in window challenges (RFC 5961)", rst_exact_resets_in_window_challenges },
	{ "tcp_mini: duplicate SYN in SYN-RECEIVED gets the SYN-ACK again", duplicate_syn_in_syn_received_gets_syn_ack },
	{ "tcp_mini: an old reordered ACK never shrinks SND.WND (WL1/WL2)", old_ack_never_shrinks_the_window },
	{ "tcp_mini: retransmission backs off 0.2, 0.4, 0.8 ... s, then gives up", retransmit_backoff_then_give_up },
	{ "tcp_mini: TIME-WAIT accepts a new SYN past the old sequence", time_wait_accepts_a_newer_syn },
	{ "tcp_mini: sequence numbers across 2^32 both ways", sequence_numbers_wrap },
	{ "tcp_mini: an ICMP error quoting no segment in flight is ignored; one about our SYN ends the connect", icmp_error_outside_the_flight_is_ignored },
	{ "tcp_mini: a connect through a gateway that never answers ARP ends in 3 s: no route to host", connect_through_a_silent_gateway },
	{ "tcp_mini: an ICMP error in ESTABLISHED is a soft error, said when it times out", icmp_error_in_established_is_soft },
	{ "tcp_mini: challenge ACKs are limited per connection, not for the host (CVE-2016-5696)", challenge_acks_limited_per_connection },
	{ "tcp_mini: an ACK below SND.UNA - MAX.SND.WND is dropped and answered (RFC 5961 5)", ack_too_old_dropped_and_answered },
	{ "tcp_mini: the window never promises more than the ring holds; receiver SWS avoidance", window_never_promises_past_the_ring },
	{ "tcp_mini: data after the peer's FIN or in TIME-WAIT is counted (tcp_data_ignored)", ignored_data_is_counted },
	{ "tcp_mini: the persist timer gives way to the retransmission timer when data flows", persist_timer_gives_way_to_retransmission },
	{ "tcp_mini: congestion control: 10 segments first, slow start, one segment after a time-out", congestion_window_slow_start_and_rto },
	{ "tcp_mini: a time-out ends fast recovery; zero-window ACKs are not duplicate ACKs", recovery_ends_on_rto_and_zero_window_dupacks },
	{ "tcp_mini: a FIN into a shut window is probed; a peer that answers keeps the connection", fin_into_zero_window_is_persist },
	{ "tcp_mini: Karn: no RTT sample from a SYN-ACK sent twice; RTO 3 s after a SYN time-out", syn_ack_karn_and_rto_after_syn_timeout },
	{ "tcp_mini: a SYN-ACK's window is never scaled; CLOSE in SYN-RECEIVED waits for the ACK", syn_window_unscaled_and_close_in_syn_received },
	{ "tcp_mini: an unanswered SYN is tried for 3 minutes (RFC 9293 3.8.3)", syn_tried_for_three_minutes },
	{ "tcp_mini: the sender: MSS segments within SND.WND and cwnd, sender SWS avoidance, FIN last", sender_fills_the_window_in_mss_segments },
	{ "tcp_mini: the sender: a window probe, a fast retransmission, duplicate ACKs, a bare ACK", sender_probes_retransmits_and_acks_when_asked },
	{ "gso: with TSO, full segments leave as one frame, gso_size the MSS; PSH and FIN on it; IP IDs go on past its pieces", gso_joins_full_segments },
	{ "gso: without TSO a frame per segment, its checksum partial with checksum offload, complete without", gso_off_without_tso_checksum_partial_with_csum },
	{ "gso: a segment that waits for ARP leaves with its checksum finished", gso_held_for_arp_leaves_with_a_full_checksum },
	{ "gso: a checksum the device vouched for is not summed; any other bad one is dropped", gso_vouched_checksum_not_summed },
	{ "gso: a 20000-byte segment from the peer (its TSO) is taken whole, one ACK for it", gso_big_segment_from_the_peer_taken_whole },
	{ NULL, NULL },
};
