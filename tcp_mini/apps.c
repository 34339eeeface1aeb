/*
 * apps.c - the services on top of TCP, run once per batch per connection,
 * before the output step: each moves bytes between a connection's rings.
 *
 *   echo (RFC 862, --port, default 7): what arrives goes back.  After the
 *        peer's FIN, whatever is still owed is sent, then our FIN.
 *   discard (RFC 863, port 9): what arrives is thrown away.
 *   chargen (RFC 864, port 19): lines of text, until the peer closes.
 *   client (--connect): stdin and stdout, in tcp_mini.c's adapters.
 */
#include "tcp_mini.h"

#define PORT_DISCARD	9
#define PORT_CHARGEN	19

bool tcp_is_listening(const struct tcp_mini *st, uint16_t port)
{
	return port == st->echo_port || port == PORT_DISCARD || port == PORT_CHARGEN;
}

enum tcp_app tcp_app_for_port(const struct tcp_mini *st, uint16_t port)
{
	if (port == st->echo_port)
		return APP_ECHO;
	return port == PORT_CHARGEN ? APP_CHARGEN : APP_DISCARD;
}

/*
 * RFC 864's pattern: the 95 printable ASCII characters (space to '~') in
 * a circle; each line is 72 of them followed by CR LF, and each line
 * starts one character further round than the one before.  After 95
 * lines (95 * 74 = 7030 bytes) it repeats, so the whole stream is that
 * one block over and over.
 */
#define CHARGEN_LINE	72
#define CHARGEN_PERIOD	(95 * (CHARGEN_LINE + 2))

static uint8_t chargen_block[CHARGEN_PERIOD];

static void chargen_fill_block(void)
{
	size_t line, col;

	if (chargen_block[0])
		return;
	for (line = 0; line < 95; line++) {
		uint8_t *p = chargen_block + line * (CHARGEN_LINE + 2);

		for (col = 0; col < CHARGEN_LINE; col++)
			p[col] = (uint8_t)(' ' + (line + col) % 95);
		p[CHARGEN_LINE] = '\r';
		p[CHARGEN_LINE + 1] = '\n';
	}
}

static void chargen(struct tcp_mini *st, struct tcp_conn *c)
{
	size_t n;

	chargen_fill_block();
	while (ring_free(&c->snd) > 0) {
		n = CHARGEN_PERIOD - c->chargen_pos;
		n = tcp_send(st, c, chargen_block + c->chargen_pos, n);
		if (n == 0)
			break;
		c->chargen_pos = (uint32_t)((c->chargen_pos + n) % CHARGEN_PERIOD);
	}
}

/* Did the peer send more than half the receive ring in the last round
 * trip (as the receiver measures it, from timestamps; 100 ms without)? */
static bool window_limited(const struct tcp_mini *st, struct tcp_conn *c)
{
	uint32_t rtt = c->rcv_rtt_ms ? c->rcv_rtt_ms : 100;
	uint32_t got;

	if (st->now_ms - c->rcv_mark_ms < rtt)
		return false;
	got = (uint32_t)seq_diff(c->rcv_nxt, c->rcv_mark);
	c->rcv_mark = c->rcv_nxt;
	c->rcv_mark_ms = st->now_ms;
	return got > c->rcv.cap / 2;
}

void tcp_app_run(struct tcp_mini *st, struct tcp_conn *c)
{
	bool can_send = (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
			!c->fin_queued;
	size_t n, m;
	uint8_t *p;

	if (c->state < TCP_ESTABLISHED || c->state == TCP_TIME_WAIT)
		return;
	/* A receive ring the peer filled past half in one batch is too small
	 * for the rate: double it (within TCP_MEM_BUDGET), and the window
	 * we advertise grows with it.  So is one of which the peer sent more
	 * than half in one round trip, even if the application reads at
	 * once: on a long path a whole window is in flight for a round trip,
	 * and a sender that has used it up waits (the bandwidth-delay
	 * product; Linux grows its buffers by the same measure).  Likewise a
	 * send ring with more than half of it in flight. */
	if ((c->rcv.len > c->rcv.cap / 2 || window_limited(st, c)) && c->n_ooo == 0)
		tcp_ring_grow(st, &c->rcv);	/* (growing keeps only what
						 * is held: no holes) */
	if ((size_t)seq_diff(c->snd_max, c->snd_una) > c->snd.cap / 2)
		tcp_ring_grow(st, &c->snd);

	switch (c->app) {
	case APP_ECHO:
		/* RFC 862: "send back any data it receives".  After the
		 * peer's FIN (CLOSE-WAIT) we still owe it what it sent. */
		while (can_send && c->rcv.len > 0) {
			n = ring_data(&c->rcv, &p);
			m = tcp_send(st, c, p, n);
			if (m == 0)
				break;	/* send ring full: the rest waits */
			tcp_received(st, c, m);
		}
		if (c->state == TCP_CLOSE_WAIT && c->rcv.len == 0)
			tcp_close(st, c);
		break;
	case APP_DISCARD:
		tcp_received(st, c, c->rcv.len);
		if (c->state == TCP_CLOSE_WAIT)
			tcp_close(st, c);
		break;
	case APP_CHARGEN:
		tcp_received(st, c, c->rcv.len);	/* "any data received is thrown away" */
		if (c->state == TCP_CLOSE_WAIT)
			tcp_close(st, c);
		else if (can_send)
			chargen(st, c);
		break;
	case APP_CLIENT:
		/* stdin and stdout are moved by the adapters in tcp_mini.c;
		 * here only the end of stdin: CLOSE, a half-close. */
		if (st->stdin_eof && can_send)
			tcp_close(st, c);
		break;
	}
}
