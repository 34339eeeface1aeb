# Rung 06, deliberately wrong: RACK takes an RTT sample from every
# segment delivered, a retransmitted one too: RFC 8985 6.2's check for
# Karn's problem (an ACK that comes sooner than the minimum RTT after the
# retransmission answers the first sending) switched off.  A spurious
# retransmission then makes the minimum RTT look tiny and moves RACK's
# "latest segment delivered" to the retransmission's time, and every hole
# sent before it is soon judged lost.  On a path that only drops, an
# ACK of a retransmission comes a round trip after it and nothing shows;
# the unit test that acknowledges one 10 ms after it catches it.
file=sack.c
what="RACK sampling the RTT of an ambiguous retransmission"
catches="unit: rack: a retransmission acknowledged sooner than the minimum RTT is no sample"
wrong() {
	swap "$1" '	if ((r->flags & SENT_RETRANS) && c->rack_valid' \
		'	if (false && (r->flags & SENT_RETRANS) && c->rack_valid'
}
