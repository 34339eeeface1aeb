/*
 * cc_cubic.c - CUBIC congestion control (RFC 9438), Linux's default.
 * (For now NewReno's rules under CUBIC's name; CUBIC's own come next.)
 */
#include "tcp_mini.h"

static void cubic_init(struct tcp_conn *c)
{
	c->cubic = (struct cc_cubic){ 0 };
}

const struct cc_algo cc_cubic = {
	"cubic", cubic_init, cc_reno_ssthresh, cc_reno_cong_avoid,
};
