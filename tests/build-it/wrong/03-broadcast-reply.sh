# Rung 03, deliberately wrong: the ARP reply sent to the broadcast MAC
# instead of to the asker.  Every host on the link has to look at it, and a
# careful asker ignores it; the kernel's own neighbour table still learns
# from it, so only a test that reads the reply's Ethernet header catches it.
file=eth_host.c
what="an ARP reply to the broadcast MAC"
catches="tap_arp: arping gets replies carrying our MAC"
wrong() {
	swap "$1" 'send_arp(h, ARP_OP_REPLY, a.sha, a.sha, a.spa, tx);' \
		'send_arp(h, ARP_OP_REPLY, eth_broadcast, a.sha, a.spa, tx);'
}
