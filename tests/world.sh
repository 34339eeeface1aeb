# tests/world.sh - "the world" beyond the stack's gateway, for the tests,
# the demo and the lesson checker (lesson 03, "Beyond the link"):
#
#   stack 10.10.10.1 --tap0-- 10.10.10.2 [NS, a router] 192.0.2.1 --veth--
#                                          eth0 192.0.2.2 [WORLD]
#
# world_up NS WORLD: make the namespace WORLD, join it to NS (which must
# exist) with a veth pair (world0 in NS, eth0 in WORLD), give WORLD a
# default route through NS, and make NS forward (ip_forward=1 there only).
# Routed, never bridged; 192.0.2.0/24 is TEST-NET-1 (RFC 5737), on no
# real network.  Deleting both namespaces undoes all of it.
# Tools: ip (iproute2), sysctl (procps).
world_up() {
	local ns=$1 world=$2
	ip netns add "$world" &&
	ip -n "$world" link set lo up &&
	ip netns exec "$world" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ping_group_range="0 2147483647" &&
	ip -n "$ns" link add world0 type veth peer name eth0 netns "$world" &&
	ip -n "$ns" addr add 192.0.2.1/24 dev world0 &&
	ip -n "$ns" link set world0 up &&
	ip -n "$world" addr add 192.0.2.2/24 dev eth0 &&
	ip -n "$world" link set eth0 up &&
	ip -n "$world" route add default via 192.0.2.1 &&
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}
