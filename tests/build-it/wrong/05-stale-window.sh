# Rung 05, deliberately wrong: the send window taken from every acceptable
# ACK, without RFC 9293's SND.WL1/SND.WL2 test.  In order, nothing shows;
# an old segment that arrives late shrinks the window with stale news.
file=input.c
what="a window update without the WL1/WL2 check"
catches="tcp_mini: an old ACK, reordered, never changes the send window (SND.WL1/WL2)"
wrong() {
	swap "$1" '	if (seq_le(c->snd_una, ack) &&
	    (seq_lt(c->snd_wl1, seq(s->seq)) ||
	     (seq_eq(c->snd_wl1, seq(s->seq)) && seq_le(c->snd_wl2, ack)))) {' \
		'	if (seq_le(c->snd_una, ack)) {'
}
