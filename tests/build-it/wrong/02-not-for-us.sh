# Rung 02, deliberately wrong: a host that answers for any address, because
# the destination check was left out.  Its own address still works, so a
# plain ping passes; pinging a neighbour's address catches it.
file=icmp_host.c
what="answering for every address"
catches="icmp_reply: ping to another address in the subnet gets no reply"
wrong() {
	swap "$1" '	if (ip->dst != st->addr)
		return DROP_IPV4_NOT_FOR_US;	/* a host doesn'"'"'t forward */
' '	(void)st;	/* never asked: is it for us? */
'
}
