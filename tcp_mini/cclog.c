/*
 * cclog.c - --cc-log FILE: the congestion state of every connection over
 * time, one CSV row per event, for tools/ccplot to draw (lesson 06).
 *
 *   t_ms,conn,event,cwnd,ssthresh,pipe,snd_wnd,srtt_us,rttvar_us,rto_ms,sacked,lost,state
 *
 * tools/ccplot's opening comment is the format's documentation.  Rows go
 * through stdio's buffer: a log costs a formatted line per ACK, not a
 * system call.
 */
#include "tcp_mini.h"

#include <stdio.h>

#include "../lib/ipv4.h"

void tcp_cc_log_header(FILE *f)
{
	fputs("t_ms,conn,event,cwnd,ssthresh,pipe,snd_wnd,srtt_us,rttvar_us,"
	      "rto_ms,sacked,lost,state\n", f);
}

/* The state column: "recovery" during fast recovery, "loss" after a
 * time-out until what was in flight then is acknowledged, else "open". */
static const char *cc_state(const struct tcp_conn *c)
{
	if (c->recovering)
		return "recovery";
	if (c->after_rto && seq_lt(c->snd_una, c->recover))
		return "loss";
	return "open";
}

void tcp_cc_log(struct tcp_mini *st, const struct tcp_conn *c, const char *event)
{
	char peer[16];
	uint32_t pipe;

	if (!st->cc_log)
		return;
	pipe = c->sent ? tcp_pipe(c) : (uint32_t)seq_diff(c->snd_nxt, c->snd_una);
	ipv4_addr_format(c->raddr, peer);
	fprintf(st->cc_log, "%llu.000,%s:%u-%u,%s,%u,%u,%u,%u,%u,%u,%u,%u,%u,%s\n",
		(unsigned long long)(st->now_ms - st->start_ms), peer, c->rport, c->lport,
		event, c->cwnd, c->ssthresh, pipe, c->snd_wnd, c->srtt_us,
		c->rttvar_us, c->rto_ms, c->sacked_bytes, c->lost_bytes, cc_state(c));
}
