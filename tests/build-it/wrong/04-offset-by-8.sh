# Rung 04, deliberately wrong: a fragment's offset taken as if it still
# counted 8-byte units, when lib/ipv4.c has already made it bytes: each
# fragment lands at 1/8 of its place.  Small datagrams never fragment and
# still work; big ones come back wrong or not at all.
file=reasm.c
what="a fragment offset off by a factor of 8"
catches="udp_echo: 4000, 8000 and 65507-byte datagrams, fragmented both ways, echoed byte-exact"
wrong() {
	swap "$1" '	size_t off = ip->frag_offset, end = off + ip->payload_len, b;' \
		'	size_t off = ip->frag_offset / 8, end = off + ip->payload_len, b;'
}
