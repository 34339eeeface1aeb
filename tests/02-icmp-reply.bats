#!/usr/bin/env bats
# Lesson 02: icmp_reply is a host: it owns 10.10.10.1, validates what it
# gets, builds real replies and ICMP errors.
# Run: sudo bash tests/run.sh 02

load helpers

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

@test "icmp_reply: ping answered, ready line names the address" {
	start_stack icmp_reply
	grep -qx 'ready tun0 10.10.10.1' "$OUT"
	kernel_side
	ping_ok -c 3 -i 0.2 10.10.10.1
	[[ "$output" == *"3 received"* ]]
	stop_stack
}

@test "icmp_reply: attaches to a device pre-created with ip tuntap add" {
	ip -n "$NS" tuntap add dev tun0 mode tun
	start_stack icmp_reply
	kernel_side
	ping_ok -c 2 -i 0.2 10.10.10.1
	stop_stack
}

@test "icmp_reply: ping sizes 0, 56 and 1472" {
	start_stack icmp_reply
	kernel_side
	for size in 0 56 1472; do
		ping_ok -c 2 -i 0.2 -s "$size" 10.10.10.1
		[[ "$output" == *"2 received"* ]]
	done
	stop_stack
}

@test "icmp_reply: ping -f of 2000 requests, none lost" {
	start_stack icmp_reply
	kernel_side
	ping_ok -f -c 2000 -w 30 10.10.10.1
	[[ "$output" == *"2000 packets transmitted, 2000 received"* ]]
	stop_stack
	grep -q '^icmp_reply: in 2000 out 2000 ' "$ERR"
}

@test "icmp_reply: the reply is its own: TTL 64 whatever the request's, no options" {
	require_tool tcpdump tcpdump
	start_stack icmp_reply --pcap "$BATS_TEST_TMPDIR/r.pcap"
	kernel_side
	ping_ok -c 1 -t 7 10.10.10.1
	[[ "$output" == *"ttl=64"* ]]
	# Record Route puts a 39-byte option in the request; the reply has none.
	in_ns ping -n -c 1 -W 2 -R 10.10.10.1 || true
	stop_stack
	run tcpdump -nvr "$BATS_TEST_TMPDIR/r.pcap"
	echo "$output"
	[[ "$output" == *"ttl 7, "*"proto ICMP (1), length 84)"* ]]
	[[ "$output" == *"length 124, options (NOP,RR 10.10.10.2"* ]]
	[ "$(grep -c 'ttl 64, id [0-9]*, offset 0, flags \[none\], proto ICMP (1), length 84)' <<<"$output")" -eq 2 ]
	[[ "$output" != *"bad cksum"* && "$output" != *"wrong icmp cksum"* ]]
}

@test "icmp_reply: ping to another address in the subnet gets no reply" {
	start_stack icmp_reply
	kernel_side
	run in_ns ping -n -c 2 -i 0.2 -W 1 10.10.10.3
	echo "$output"
	[[ "$output" == *"2 packets transmitted, 0 received"* ]]
	stop_stack
	[ "$(drops ipv4_not_for_us)" -eq 2 ]
	grep -q '^icmp_reply: in 2 out 0 ' "$ERR"
}

@test "icmp_reply: --addr moves it to another address" {
	start_stack icmp_reply --addr 10.10.10.5
	grep -qx 'ready tun0 10.10.10.5' "$OUT"
	kernel_side
	ping_ok -c 1 10.10.10.5
	run in_ns ping -n -c 1 -W 1 10.10.10.1
	[[ "$output" == *"0 received"* ]]
	stop_stack
}

@test "icmp_reply: UDP to it makes socat fail with the error protocol unreachable maps to" {
	# ICMP protocol unreachable (type 3 code 2): Linux hands a UDP socket
	# ENOPROTOOPT, "Protocol not available".  (Port unreachable, code 3,
	# is what becomes "Connection refused"; rung 4 sends that.)
	require_tool socat socat
	require_tool tcpdump tcpdump
	start_stack icmp_reply --trace --pcap "$BATS_TEST_TMPDIR/u.pcap"
	kernel_side
	run bash -c "echo hello | timeout 5 ip netns exec $NS socat -t 2 - UDP:10.10.10.1:7"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Protocol not available"* ]]
	stop_stack
	grep -q 'out 10.10.10.1 > 10.10.10.2 ICMP destination unreachable (protocol unreachable)' "$ERR"
	[ "$(drops ipv4_protocol_unreachable)" -eq 1 ]
	# The error quotes the datagram's header and its first 8 bytes.
	run tcpdump -nvr "$BATS_TEST_TMPDIR/u.pcap" icmp
	echo "$output"
	[[ "$output" == *"10.10.10.1 > 10.10.10.2: ICMP 10.10.10.1 protocol 17 unreachable, length 36"* ]]
	[[ "$output" == *"10.10.10.2."*" > 10.10.10.1.7: UDP, length 6"* ]]
}

@test "icmp_reply: protocol-unreachable errors are rate-limited" {
	require_tool tcpdump tcpdump
	start_stack icmp_reply --pcap "$BATS_TEST_TMPDIR/rl.pcap"
	kernel_side
	in_ns "$CRAFT" -n 100 udp
	ping_ok -c 1 10.10.10.1
	stop_stack
	run tcpdump -nr "$BATS_TEST_TMPDIR/rl.pcap" 'icmp[icmptype] = icmp-unreach'
	local sent
	sent=$(grep -c 'protocol 17 unreachable' <<<"$output")
	echo "errors sent: $sent"
	# A burst of 10, then 10 a second: the 100 arrive well within a second.
	[ "$sent" -ge 10 ] && [ "$sent" -le 12 ]
	[ "$(( $(drops icmp_error_rate_limited) + sent ))" -eq 100 ]
}

@test "icmp_reply: crafted bad packets are dropped and counted by reason, ping still works" {
	start_stack icmp_reply
	kernel_side
	in_ns "$CRAFT" runt truncated ihl4 totlen badsum badicmpsum fragment ipv6
	in_ns "$CRAFT" -s 0.0.0.0 echo
	in_ns "$CRAFT" -s 10.10.10.2 -d 10.10.10.9 echo
	ping_ok -c 2 -i 0.2 10.10.10.1
	stop_stack
	cat "$ERR"
	[ "$(drops ipv4_truncated)" -eq 2 ]
	[ "$(drops ipv4_bad_ihl)" -eq 1 ]
	[ "$(drops ipv4_bad_total_length)" -eq 1 ]
	[ "$(drops ipv4_bad_checksum)" -eq 1 ]
	[ "$(drops icmp_bad_checksum)" -eq 1 ]
	[ "$(drops ipv4_fragment)" -eq 1 ]
	[ "$(drops ipv4_bad_version)" -eq 1 ]
	[ "$(drops ipv4_bad_source)" -eq 1 ]
	[ "$(drops ipv4_not_for_us)" -eq 1 ]
	grep -q '^icmp_reply: in 12 out 2 ' "$ERR"
}

@test "icmp_reply: --trace shows each packet and each drop" {
	start_stack icmp_reply --trace
	kernel_side
	ping_ok -c 1 10.10.10.1
	in_ns "$CRAFT" badsum
	stop_stack
	grep -E ' in +10\.10\.10\.2 > 10\.10\.10\.1 ICMP echo request id [0-9]+ seq 1, ttl 64, length 84$' "$ERR"
	grep -E ' out 10\.10\.10\.1 > 10\.10\.10\.2 ICMP echo reply id [0-9]+ seq 1, ttl 64, length 84$' "$ERR"
	grep -E ' in +[0-9.]+ > [0-9.]+ .*\(bad header checksum\)$' "$ERR"
	grep -E '[0-9] drop ipv4_bad_checksum$' "$ERR"
}

@test "icmp_reply: replays a pcap fixture without root" {
	require_tool tcpdump tcpdump
	replay_unprivileged icmp_reply tun-requests.pcap
	[ "$status" -eq 0 ]
	[[ "$output" == *"icmp_reply: in 5 out 4 "* ]]
	[[ "$output" == *"icmp_reply: drop ipv4_not_for_us 1"* ]]
	[[ "$output" == *"icmp_reply: drop ipv4_protocol_unreachable 1"* ]]
	run tcpdump -nr "$REPLAY_OUT" 'src host 10.10.10.1'
	echo "$output"
	[ "$(grep -c 'ICMP echo reply' <<<"$output")" -eq 3 ]
	[ "$(grep -c 'protocol 17 unreachable' <<<"$output")" -eq 1 ]
}

@test "icmp_reply: a replay file of the wrong link type is refused" {
	local f="$BATS_TEST_TMPDIR/eth.pcap"
	# A pcap header with link type 1 (Ethernet) and no packets.
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\x00\x00\x04\x00\x01\x00\x00\x00' >"$f"
	run "$BIN/icmp_reply/icmp_reply" --read "$f"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"link type 1"*"LINKTYPE_RAW"* ]]
}

@test "icmp_reply: usage errors exit 2 and name the bad value" {
	run "$BIN/icmp_reply/icmp_reply" --addr 10.10.10
	[ "$status" -eq 2 ]
	[[ "$output" == *"--addr value is '10.10.10'"* ]]
	run "$BIN/icmp_reply/icmp_reply" --addr 224.0.0.1
	[ "$status" -eq 2 ]
	run "$BIN/icmp_reply/icmp_reply" --mtu abc
	[ "$status" -eq 2 ]
	[[ "$output" == *"--mtu value is 'abc'"* ]]
	run "$BIN/icmp_reply/icmp_reply" --port 7
	[ "$status" -eq 2 ]
	# A TUN rung has no link and no next hop: --gateway and --ping are
	# the TAP rungs' (3-5).
	run "$BIN/icmp_reply/icmp_reply" --gateway 10.10.10.2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--gateway is not an option of icmp_reply"* ]]
	run "$BIN/icmp_reply/icmp_reply" --ping 10.10.10.2
	[ "$status" -eq 2 ]
	run "$BIN/icmp_reply/icmp_reply" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "icmp_reply (tunlab) "* ]]
}

@test "icmp_reply: --mtu caps the size of what it sends" {
	start_stack icmp_reply --mtu 576
	kernel_side
	ping_ok -c 1 -s 548 10.10.10.1		# 576 bytes: fits
	run in_ns ping -n -c 1 -W 1 -s 549 10.10.10.1
	[[ "$output" == *"0 received"* ]]
	stop_stack
	[ "$(drops reply_exceeds_mtu)" -eq 1 ]
}
