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
#include "../../lib/ipv4.h"
#include "../../lib/tcp.h"
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
	uint8_t data[64][2048];
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
	uint16_t win;
	const char *data;
	bool mss, wscale;
};

static enum drop from_peer(const struct seg *s, uint64_t now_ms)
{
	static uint8_t f[2048];
	struct tcp_hdr h = {
		.src_port = s->sport ? s->sport : PPORT,
		.dst_port = s->dport ? s->dport : 7,
		.seq = s->seq, .ack = s->ack, .flags = s->flags,
		.window = s->win ? s->win : 65535,
	};
	size_t dlen = s->data ? strlen(s->data) : 0, hl;
	struct ipv4_hdr ip = { .ttl = 64, .proto = IPV4_PROTO_TCP, .src = PEER,
			       .dst = US, .id = 1 };

	h.opts.has_mss = s->mss;
	h.opts.mss = 1460;
	h.opts.has_wscale = s->wscale;
	h.opts.wscale = 7;
	hl = tcp_hdr_len(&h);
	if (dlen)
		memcpy(f + ETH_HDR_LEN + 20 + hl, s->data, dlen);
	tcp_emit(&h, PEER, US, f + ETH_HDR_LEN + 20, dlen);
	ip.total_len = (uint16_t)(20 + hl + dlen);
	ipv4_emit(&ip, f + ETH_HDR_LEN, 20);
	return tcp_mini_input(&st, f, eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_IPV4,
					       20 + hl + dlen), now_ms, &tx);
}

static void start(bool fixed_isn, uint32_t isn)
{
	uint8_t f[64];
	struct arp_pkt a = { .op = ARP_OP_REPLY, .spa = PEER, .tpa = US };

	tcp_mini_init(&st, OUR_MAC, US, 7, 1500, 1, MSL_S, 0, &tx);
	st.isn_fixed = fixed_isn;
	st.isn_base = isn;
	txq_clear(&tx);
	/* The peer's MAC, learned from its ARP reply. */
	memcpy(a.sha, PEER_MAC, 6);
	memcpy(a.tha, OUR_MAC, 6);
	arp_emit(&a, f + ETH_HDR_LEN);
	eth_emit(f, OUR_MAC, PEER_MAC, ETH_TYPE_ARP, ARP_LEN);
	tcp_mini_input(&st, f, 60, 0, &tx);
	txq_clear(&tx);
}

static struct tcp_conn *conn(uint16_t lport)
{
	return tcp_find(&st, PEER, PPORT, lport);
}

#define ISS	1000u
#define IRS	5000u

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

	start(true, ISS);
	CHECK(tcp_mini_connect(&st, PEER, 5555, 1, 0));
	c = &st.conn[st.client_slot];
	CHECK(c->state == TCP_SYN_SENT);
	batch(0);
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

static void simultaneous_open_and_close(void)
{
	struct tcp_conn *c;

	start(true, ISS);
	CHECK(tcp_mini_connect(&st, PEER, 5555, 1, 0));
	c = &st.conn[st.client_slot];
	batch(0);
	/* Their SYN crosses ours: SYN-RECEIVED, and a SYN-ACK. */
	from_peer(&(struct seg){ .sport = 5555, .dport = c->lport,
				 .flags = TCP_FLAG_SYN, .seq = IRS, .mss = true }, 1);
	CHECK(c->state == TCP_SYN_RECEIVED);
	batch(1);
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
	CHECK_EQ(c->rto_at, now + rto);
	for (i = 1; i <= TCP_MAX_RETRIES; i++) {
		at = c->rto_at;
		tick(at);
		REQUIRE_EQ(sent.n, 1);
		CHECK_EQ(sent.h[0].seq, ISS + 1);
		CHECK_EQ(sent.h[0].data_len, 4);
		rto = rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto * 2;
		CHECK_EQ(c->rto_at - at, rto);	/* 0.4, 0.8, 1.6 ... s */
	}
	tick(c->rto_at);
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
	{ NULL, NULL },
};
