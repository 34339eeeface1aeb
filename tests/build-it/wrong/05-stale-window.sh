# Rung 05, deliberately wrong: the send window taken from every acceptable
# segment that acknowledges no less than SND.UNA, without RFC 9293's
# SND.WL1/SND.WL2 test.  In order, nothing shows; when two data segments
# acknowledging the same arrive swapped, the older one's window, stale
# news, replaces the newer.  Only the unit test that swaps them catches it
# (a kernel peer does not reorder on a TAP device).
file=input.c
what="a window update without the WL1/WL2 check"
catches="unit: tcp_mini: an old reordered ACK never shrinks SND.WND (WL1/WL2)"
wrong() {
	swap "$1" '	if (seq_le(c->snd_una, ack) &&
	    (seq_lt(c->snd_wl1, sg->seq) ||
	     (seq_eq(c->snd_wl1, sg->seq) && seq_le(c->snd_wl2, ack)))) {' \
		'	if (seq_le(c->snd_una, ack)) {'
}
