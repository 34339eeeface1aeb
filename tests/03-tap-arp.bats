#!/usr/bin/env bats
# Lesson 03: tap_arp speaks Ethernet and ARP on a TAP device, so the kernel's
# arping, ip neigh and ping work with it.
# Run: sudo bash tests/run.sh 03

load helpers

setup() {
	setup_ns
	CAPTURE_PID=
}

teardown() {
	[ -n "${CAPTURE_PID:-}" ] && stop_capture
	teardown_ns
}

MAC=02:00:0a:0a:0a:01

@test "tap_arp: arping gets replies carrying our MAC" {
	require_tool arping iputils-arping
	start_stack tap_arp
	grep -qx "ready tap0 10.10.10.1 $MAC" "$OUT"
	kernel_side tap0
	run in_ns arping -c 3 -w 5 -I tap0 10.10.10.1
	echo "$output"
	[ "$status" -eq 0 ]
	# "Unicast": each reply came to the asker's MAC, not to broadcast
	# (arping says "Broadcast reply" for one every host had to read).
	[ "$(grep -c 'Unicast reply from 10.10.10.1 \[02:00:0A:0A:0A:01\]' <<<"$output")" -eq 3 ]
	stop_stack
}

@test "tap_arp: the kernel's neighbour table learns our MAC" {
	start_stack tap_arp
	kernel_side tap0
	ping_ok -c 1 10.10.10.1
	run ip -n "$NS" neigh show dev tap0
	echo "$output"
	[[ "$output" == *"10.10.10.1 lladdr $MAC "* ]]
	[[ "$output" == *"REACHABLE"* || "$output" == *"STALE"* || "$output" == *"DELAY"* ]]
	stop_stack
}

@test "tap_arp: ping over TAP, sizes 0, 56 and 1472" {
	start_stack tap_arp
	kernel_side tap0
	for size in 0 56 1472; do
		ping_ok -c 2 -i 0.2 -s "$size" 10.10.10.1
		[[ "$output" == *"2 received"* ]]
	done
	stop_stack
}

@test "tap_arp: ping -f of 2000 over TAP, none lost" {
	start_stack tap_arp
	kernel_side tap0
	ping_ok -f -c 2000 -w 30 10.10.10.1
	[[ "$output" == *"2000 packets transmitted, 2000 received"* ]]
	stop_stack
}

@test "tap_arp: ARP for another address gets no reply" {
	require_tool arping iputils-arping
	start_stack tap_arp --trace
	kernel_side tap0
	run in_ns arping -c 2 -w 3 -I tap0 10.10.10.9
	echo "$output"
	[[ "$output" == *"Received 0 response"* ]]
	stop_stack
	[ "$(drops arp_not_for_us)" -eq 2 ]
	! grep -q 'ARP reply 10.10.10.9' "$ERR"
}

@test "tap_arp: frames to another MAC are ignored" {
	start_stack tap_arp --trace
	kernel_side tap0
	in_ns "$CRAFT" -e -D 02:00:00:00:00:99 echo
	in_ns "$CRAFT" -e -D 02:00:00:00:00:99 arp
	ping_ok -c 1 10.10.10.1
	stop_stack
	[ "$(drops eth_not_for_us)" -eq 2 ]
	[ "$(grep -c ' out .*ICMP echo reply' "$ERR")" -eq 1 ]
}

@test "tap_arp: resolves the kernel's address itself before it replies" {
	# A permanent neighbour entry: the kernel sends the ping without asking
	# ARP first, so the stack has never heard of 10.10.10.2's MAC.
	require_tool tcpdump tcpdump
	start_stack tap_arp --trace
	kernel_side tap0
	ip -n "$NS" neigh add 10.10.10.1 lladdr "$MAC" dev tap0 nud permanent
	capture "$BATS_TEST_TMPDIR/r.pcap" arp or icmp
	ping_ok -c 2 -i 0.3 10.10.10.1
	stop_capture
	stop_stack
	run read_pcap -nr "$BATS_TEST_TMPDIR/r.pcap"
	echo "$output"
	# Its own request, the kernel's reply, and only then the echo reply.
	[ "$(sed -n 1p <<<"$output" | grep -c 'ICMP echo request')" -eq 1 ]
	[ "$(sed -n 2p <<<"$output" | grep -c 'ARP, Request who-has 10.10.10.2 tell 10.10.10.1')" -eq 1 ]
	[ "$(sed -n 3p <<<"$output" | grep -c 'ARP, Reply 10.10.10.2 is-at')" -eq 1 ]
	[ "$(sed -n 4p <<<"$output" | grep -c 'ICMP echo reply')" -eq 1 ]
	grep -q 'out .* ARP request who-has 10.10.10.2 tell 10.10.10.1$' "$ERR"
}

@test "tap_arp: a packet for a host that never answers ARP is dropped after 3 requests" {
	start_stack tap_arp --trace
	kernel_side tap0
	# An echo request from 10.10.10.50, which nobody on the link owns.
	in_ns "$CRAFT" -e -s 10.10.10.50 echo
	# 3 requests one second apart, then it gives up: at most 10 s.
	wait_for 10 grep -q 'drop arp_resolve_failed' "$ERR" || true
	stop_stack
	[ "$(grep -c 'out .*ARP request who-has 10.10.10.50 tell 10.10.10.1' "$ERR")" -eq 3 ]
	[ "$(drops arp_resolve_failed)" -eq 1 ]
}

@test "tap_arp: a gratuitous ARP announces it at start" {
	require_tool tcpdump tcpdump
	tap_up_before_start
	capture "$BATS_TEST_TMPDIR/g.pcap" arp
	start_stack tap_arp
	ping_ok -c 1 10.10.10.1		# by now the announcement is out
	stop_capture
	stop_stack
	run read_pcap -enr "$BATS_TEST_TMPDIR/g.pcap"
	echo "$output"
	[[ "$(sed -n 1p <<<"$output")" == *"$MAC > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: Request who-has 10.10.10.1 tell 10.10.10.1, length 46"* ]]
}

@test "tap_arp: malformed ARP and runt frames are dropped and counted, it keeps answering" {
	start_stack tap_arp
	kernel_side tap0
	in_ns "$CRAFT" -e arp-short arp-htype arp-ptype arp-hlen arp-plen arp-op arp-gmac eth-only
	in_ns "$CRAFT" -e truncated ipv6
	ping_ok -c 2 -i 0.2 10.10.10.1
	stop_stack
	cat "$ERR"
	[ "$(drops arp_truncated)" -eq 2 ]	# arp-short, eth-only
	[ "$(drops arp_bad_hardware)" -eq 2 ]	# htype, hlen
	[ "$(drops arp_bad_protocol)" -eq 2 ]	# ptype, plen
	[ "$(drops arp_bad_opcode)" -eq 1 ]
	[ "$(drops arp_bad_sender)" -eq 1 ]
	[ "$(drops ipv4_truncated)" -eq 1 ]
	[ "$(drops eth_unknown_type)" -eq 1 ]
}

@test "tap_arp: --pcap writes Ethernet frames tcpdump reads, padded to 60 bytes" {
	require_tool tcpdump tcpdump
	start_stack tap_arp --pcap "$BATS_TEST_TMPDIR/e.pcap"
	kernel_side tap0
	ping_ok -c 1 10.10.10.1
	stop_stack
	run tcpdump -envr "$BATS_TEST_TMPDIR/e.pcap"
	echo "$output"
	[[ "$output" == *"link-type EN10MB"* ]]
	[[ "$output" == *"$MAC > "*"ethertype ARP (0x0806), length 60: Ethernet (len 6), IPv4 (len 4), Reply 10.10.10.1 is-at $MAC"* ]]
	[[ "$output" == *"$MAC > "*"ethertype IPv4 (0x0800), length 98"*"10.10.10.1 > 10.10.10.2: ICMP echo reply"* ]]
	[[ "$output" != *"bad cksum"* && "$output" != *"wrong icmp cksum"* ]]
}

@test "tap_arp: --mac and --addr change who it is" {
	require_tool arping iputils-arping
	start_stack tap_arp --mac 02:00:00:00:00:42 --addr 10.10.10.42
	grep -qx 'ready tap0 10.10.10.42 02:00:00:00:00:42' "$OUT"
	kernel_side tap0
	run in_ns arping -c 1 -w 3 -I tap0 10.10.10.42
	[[ "$output" == *"[02:00:00:00:00:42]"* ]]
	ping_ok -c 1 10.10.10.42
	stop_stack
	run "$BIN/tap_arp/tap_arp" --mac 01:00:5e:00:00:01
	[ "$status" -eq 2 ]
	[[ "$output" == *"--mac value is '01:00:5e:00:00:01'"* ]]
}

@test "tap_arp: replays an Ethernet pcap fixture without root" {
	require_tool tcpdump tcpdump
	replay_unprivileged tap_arp tap-frames.pcap
	[ "$status" -eq 0 ]
	run tcpdump -enr "$REPLAY_OUT" "ether src $MAC"
	echo "$output"
	# The announcement, an ARP reply to each request, an echo reply to each
	# echo request.
	[ "$(grep -c 'Request who-has 10.10.10.1 tell 10.10.10.1' <<<"$output")" -eq 1 ]
	[ "$(grep -c 'Reply 10.10.10.1 is-at' <<<"$output")" -ge 1 ]
	[ "$(grep -c 'ICMP echo reply' <<<"$output")" -eq 3 ]
}

@test "tap_arp: refuses a TUN device of that name" {
	ip -n "$NS" tuntap add dev tap0 mode tun
	run in_ns "$BIN/tap_arp/tap_arp"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tap0 exists but is a TUN"*"needs a TAP device"* ]]
}

# --- beyond the link: --gateway, --prefix, --ping -----------------------

@test "tap_arp --ping: on the link, ARP first, then iputils' lines; exit 0" {
	tap_up_before_start
	run_ping tap_arp --trace --ping 10.10.10.2 --count 3 --interval 0.2
	[ "$PING_RC" -eq 0 ]
	ping_lines 3 10.10.10.2 64
	# The active side of rung 3: it asks for the MAC before the first echo.
	grep -n -m1 -E 'out .*ARP request who-has 10.10.10.2 tell 10.10.10.1' "$ERR"
	[ "$(grep -n -m1 'ARP request who-has 10.10.10.2' "$ERR" | cut -d: -f1)" -lt \
	  "$(grep -n -m1 'ICMP echo request' "$ERR" | cut -d: -f1)" ]
	# The ready line went to stderr: stdout is ping's alone.
	grep -q '^ready tap0' "$ERR"
	! grep -q '^ready' "$OUT"
}

@test "tap_arp --gateway: pings a host beyond the router; ARP asks for the router only" {
	setup_world
	tap_up_before_start
	run_ping tap_arp --trace --gateway 10.10.10.2 --ping 192.0.2.2 --count 3 --interval 0.2
	[ "$PING_RC" -eq 0 ]
	ping_lines 3 192.0.2.2 63	# one router on the way: 64 - 1
	grep -q 'ARP request who-has 10.10.10.2 tell 10.10.10.1' "$ERR"
	! grep -q 'who-has 192.0.2.2' "$ERR"
	grep -q 'out .* 10.10.10.1 > 192.0.2.2 ICMP echo request' "$ERR"
}

@test "tap_arp --gateway: a ping from beyond the router is answered through it" {
	setup_world
	start_stack tap_arp --gateway 10.10.10.2
	kernel_side tap0
	run in_world ping -n -c 3 -i 0.2 -W 2 10.10.10.1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0% packet loss"* ]]
	[[ "$output" == *"from 10.10.10.1: icmp_seq=1 ttl=63 "* ]]
	stop_stack
	[ "$(drops no_route)" -eq 0 ]
}

@test "tap_arp without --gateway: replies beyond the link are dropped, no_route" {
	setup_world
	start_stack tap_arp
	kernel_side tap0
	run in_world ping -n -c 2 -i 0.2 -W 1 10.10.10.1
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *" 0 received"* ]]
	stop_stack
	[ "$(drops no_route)" -eq 2 ]
	[ "$(drops arp_resolve_failed)" -eq 0 ]		# it never asked ARP for 192.0.2.2
}

@test "tap_arp --ping off the link without --gateway: exit 1 at once, no route to host" {
	tap_up_before_start
	SECONDS=0
	run_ping tap_arp --ping 192.0.2.2 --count 1
	[ "$PING_RC" -eq 1 ]
	[ "$SECONDS" -le 2 ]
	grep -q 'no route to host: 192.0.2.2 is not on our link 10.10.10.0/24, and there is no --gateway' "$ERR"
	# With --prefix 8, 10.99.0.1 is on the link: asked by ARP (nobody has it).
	run_ping tap_arp --prefix 8 --ping 10.99.0.1 --count 1
	[ "$PING_RC" -eq 1 ]
	grep -q 'From 10.10.10.1 icmp_seq=1 Destination Host Unreachable' "$OUT"
}

@test "tap_arp --ping a host that never answers ARP: Destination Host Unreachable, exit 1" {
	tap_up_before_start
	SECONDS=0
	run_ping tap_arp --ping 10.10.10.9 --count 2 --interval 0.2
	[ "$PING_RC" -eq 1 ]
	[ "$SECONDS" -le 8 ]		# ARP gives up after 3 s; no 10 s linger
	[ "$(grep -c '^From 10.10.10.1 icmp_seq=[12] Destination Host Unreachable$' "$OUT")" -eq 2 ]
	grep -qE '^2 packets transmitted, 0 received, \+2 errors, 100% packet loss, time [0-9]+ms$' "$OUT"
	! grep -q '^rtt' "$OUT"
	[ "$(drops arp_resolve_failed)" -eq 2 ]
}

@test "tap_arp --ping beyond the gateway to nobody: the router's host unreachable is heard" {
	setup_world
	tap_up_before_start
	# 192.0.2.99 is on the world's link, and nobody has it: the router
	# (the kernel in the stack's namespace) gives up ARP for it and says so.
	run_ping tap_arp --gateway 10.10.10.2 --ping 192.0.2.99 --count 1
	[ "$PING_RC" -eq 1 ]
	grep -qE '^From (10.10.10.2|192.0.2.1) icmp_seq=1 Destination Host Unreachable$' "$OUT"
	grep -qE '^1 packets transmitted, 0 received, \+1 errors, 100% packet loss' "$OUT"
}

@test "tap_arp: --gateway, --prefix and --ping are checked: usage errors, exit 2" {
	local args
	for args in "--gateway 192.0.2.1" "--gateway 10.10.10.1" "--gateway 10.10.10.255" \
		    "--prefix 33" "--ping 10.10.10.255" "--ping 224.0.0.1" "--ping 10.10.10.1" \
		    "--ping nowhere.example" "--count 0 --ping 10.10.10.2" \
		    "--interval 0 --ping 10.10.10.2" "--count 3" \
		    "--ping 10.10.10.2 --prefix 16 --gateway 10.11.0.1 --connect 10.10.10.2:7"; do
		# shellcheck disable=SC2086
		run "$BIN/tap_arp/tap_arp" $args
		echo "$args: $status: $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"usage:"* ]]
	done
}
