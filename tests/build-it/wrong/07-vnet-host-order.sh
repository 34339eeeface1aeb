# Rung 07, deliberately wrong: the virtio-net header's 16-bit fields read
# big-endian, in network order, the way every other header of the ladder
# is read.  virtio 1.0's header is little-endian (we ask for that with
# TUNSETVNETLE), so gso_size 1448 (a8 05) reads as 43013 and csum_start
# 34 (22 00) as 8704: the checksum place falls outside every frame and
# each partial-checksum frame the kernel sends is dropped as vnet_bad.
# The unit test that decodes the kernel's own bytes catches it.
file=vnet.c
what="the virtio-net header's fields read in network byte order"
catches="unit: vnet: the header decodes little-endian and encodes back byte for byte"
wrong() {
	swap "$1" '	return (uint16_t)(p[0] | p[1] << 8);' \
		'	return (uint16_t)(p[0] << 8 | p[1]);'
}
