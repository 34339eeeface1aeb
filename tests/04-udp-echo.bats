#!/usr/bin/env bats
# Lesson 04: udp_echo echoes UDP (RFC 862), says "port unreachable" for
# other ports, and reassembles and fragments datagrams larger than the link.
# Run: sudo bash tests/run.sh 04

load helpers

setup() {
	setup_ns
	CAPTURE_PID=
	LISTEN_PID=
	UDPCHECK="$TOP/build/tools/udpcheck"
}

teardown() {
	[ -n "${CAPTURE_PID:-}" ] && stop_capture
	[ -n "${LISTEN_PID:-}" ] && kill "$LISTEN_PID" 2>/dev/null
	teardown_ns
}

start_udp_echo() {
	start_stack udp_echo "$@"
	kernel_side tap0
}

@test "udp_echo: nc -u gets its datagram back" {
	require_tool nc netcat-openbsd
	start_udp_echo
	grep -qx 'ready tap0 10.10.10.1 02:00:0a:0a:0a:01 port 7' "$OUT"
	run bash -c "echo 'hello, echo' | ip netns exec $NS nc -u -w 1 10.10.10.1 7"
	echo "$output"
	[ "$output" = "hello, echo" ]
	stop_stack
}

@test "udp_echo: socat gets its datagram back" {
	require_tool socat socat
	start_udp_echo
	run bash -c "echo 'via socat' | ip netns exec $NS socat -t 1 - UDP:10.10.10.1:7"
	echo "$output"
	[ "$output" = "via socat" ]
	stop_stack
}

@test "udp_echo: 1000 datagrams of random sizes 0..1472, each echoed byte-exact" {
	start_udp_echo
	run in_ns "$UDPCHECK" -n 1000 -s 0-1472 -S 42
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "sent 1000 echoed 1000 exact 1000 mismatched 0 lost 0" ]
	stop_stack
}

@test "udp_echo: 4000, 8000 and 65507-byte datagrams, fragmented both ways, echoed byte-exact" {
	require_tool socat socat
	require_tool sha256sum coreutils
	start_udp_echo --pcap "$BATS_TEST_TMPDIR/big.pcap"
	local size
	for size in 4000 8000 65507; do
		head -c "$size" /dev/urandom >"$BATS_TEST_TMPDIR/in"
		in_ns socat -t 3 -b 65536 - UDP:10.10.10.1:7 <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
		[ "$(sha256sum <"$BATS_TEST_TMPDIR/in")" = "$(sha256sum <"$BATS_TEST_TMPDIR/out")" ]
	done
	stop_stack
	# Our own fragments: offsets in 8-byte units, MF on all but the last.
	run read_pcap -nvr "$BATS_TEST_TMPDIR/big.pcap" 'src host 10.10.10.1 and udp'
	[[ "$output" == *"offset 0, flags [+], proto UDP (17), length 1500"* ]]
	[[ "$output" == *"offset 1480, flags [+], proto UDP (17), length 1500"* ]]
	[[ "$output" == *"offset 7400, flags [none], proto UDP (17), length 628"* ]]
}

@test "udp_echo: ping -s 4000 is reassembled and answered in fragments" {
	start_udp_echo
	ping_ok -c 2 -i 0.3 -s 4000 10.10.10.1
	[[ "$output" == *"4008 bytes from 10.10.10.1"* ]]
	ping_ok -c 1 -s 56 10.10.10.1
	stop_stack
}

@test "udp_echo: another port makes socat report connection refused" {
	require_tool socat socat
	require_tool tcpdump tcpdump
	start_udp_echo --trace --pcap "$BATS_TEST_TMPDIR/p.pcap"
	run bash -c "echo knock | timeout 5 ip netns exec $NS socat -t 2 - UDP:10.10.10.1:9"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
	stop_stack
	grep -q 'out .*10.10.10.1 > 10.10.10.2 ICMP destination unreachable (port unreachable)' "$ERR"
	[ "$(drops udp_port_unreachable)" -eq 1 ]
	run read_pcap -nvr "$BATS_TEST_TMPDIR/p.pcap" icmp
	echo "$output"
	[[ "$output" == *"ICMP 10.10.10.1 udp port 9 unreachable"* ]]
}

@test "udp_echo: bad UDP checksum and lengths are dropped, a zero checksum is accepted" {
	require_tool tcpdump tcpdump
	start_udp_echo --pcap "$BATS_TEST_TMPDIR/c.pcap"
	in_ns "$CRAFT" -e udp-badsum udp-len7 udp-len13
	in_ns "$CRAFT" -e udp			# checksum 0: "none computed"
	run in_ns "$UDPCHECK" -n 5
	[ "$status" -eq 0 ]
	stop_stack
	[ "$(drops udp_bad_checksum)" -eq 1 ]
	[ "$(drops udp_bad_length)" -eq 2 ]
	# The zero-checksum datagram was echoed, with a checksum computed.
	run read_pcap -nvvr "$BATS_TEST_TMPDIR/c.pcap" 'src host 10.10.10.1 and udp dst port 40000'
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" == *"10.10.10.1.7 > 10.10.10.2.40000: [udp sum ok] UDP, length 4"* ]]
}

# frags_echoed ORDER ID: send the 4 fragments of craft's test datagram in
# ORDER, and check what comes back to port 40000 against the original data.
frags_echoed() {
	local got="$BATS_TEST_TMPDIR/got" want="$BATS_TEST_TMPDIR/want"
	: >"$got"
	ip netns exec "$NS" socat -u UDP-RECV:40000 "OPEN:$got,append" &
	LISTEN_PID=$!
	# socat is listening once its socket shows up (at most 5 s).
	for _ in $(seq 100); do
		ip netns exec "$NS" ss -Hlun 'sport = :40000' | grep -q . && break
		sleep 0.05
	done
	in_ns "$CRAFT" -e -I "$2" -o "$want" "frag:$1"
	for _ in $(seq 100); do
		[ "$(stat -c %s "$got")" -ge 2040 ] && break
		sleep 0.05
	done
	kill "$LISTEN_PID"
	wait "$LISTEN_PID" 2>/dev/null || true
	LISTEN_PID=
	cmp "$got" "$want"
}

@test "udp_echo: fragments out of order and duplicated are reassembled exactly" {
	require_tool ss iproute2
	start_udp_echo
	frags_echoed 3120 0x101
	frags_echoed 1032 0x102
	frags_echoed 0011223 0x103
	stop_stack
	[ "$(drops reasm_duplicate)" -eq 3 ]
}

@test "udp_echo: overlapping fragments with different data drop the datagram" {
	require_tool ss iproute2
	start_udp_echo
	run frags_echoed 0x123 0x201
	[ "$status" -ne 0 ]			# nothing came back
	[ ! -s "$BATS_TEST_TMPDIR/got" ]
	frags_echoed 0123 0x202			# the next datagram is fine
	stop_stack
	[ "$(drops reasm_overlap)" -eq 1 ]
}

@test "udp_echo: an incomplete datagram gets time exceeded after 30 s" {
	start_udp_echo --trace
	in_ns "$CRAFT" -e -I 0x301 frag:012	# the last fragment never comes
	# RFC 1122 3.3.2: time exceeded, code 1, once the timer runs out.
	wait_for 40 grep -q 'ICMP time exceeded (fragment reassembly)' "$ERR" || true
	stop_stack
	grep -q 'out .*10.10.10.1 > 10.10.10.2 ICMP time exceeded (fragment reassembly)' "$ERR"
	grep -q ' drop reasm_timeout$' "$ERR"
	[ "$(drops reasm_timeout)" -eq 1 ]
}

@test "udp_echo: a flood of incomplete fragment sets leaves memory bounded and echo working" {
	start_udp_echo
	in_ns "$CRAFT" -e -n 5000 fragflood
	run in_ns "$UDPCHECK" -n 50 -s 0-4000
	echo "$output"
	[ "$status" -eq 0 ]
	local pid kb
	pid=$STACK_PID		# (ip netns exec runs the program in its own process)
	kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	echo "peak RSS: $kb kB"
	# 16 reassembly slots of 64 KB, two 512 KB queues, and the program:
	# well under 8 MB without sanitizers, 64 MB with them.
	if [[ "$BIN" == *san* ]]; then [ "$kb" -lt 65536 ]; else [ "$kb" -lt 8192 ]; fi
	# 16 held at a time, every other one pushed out and counted.  Not all
	# 5000 need arrive: the kernel's queue for tap0 (500 frames) overflows
	# when the program reads slowly, and the kernel drops those itself, as
	# tap0's tx "dropped" counter says.  So: all that arrived, less 16.
	local sent_to_us dropped_by_kernel
	dropped_by_kernel=$(kernel_dropped tap0)
	sent_to_us=$((5000 - dropped_by_kernel))
	stop_stack
	echo "fragments that reached it: $sent_to_us; evicted: $(drops reasm_evicted)"
	[ "$(drops reasm_evicted)" -ge $((sent_to_us - 16)) ]
}

@test "udp_echo: replaying udp-frames.pcap sends byte for byte what it sent before the IP layer moved to lib/" {
	# tests/fixtures/udp-frames.udp_echo.pcap was written by udp_echo
	# before its IP layer became lib/ip_host.c (make-fixtures.sh): ARP,
	# ping -s 4000 in and out in fragments, UDP echo of 1, 1472 and 8000
	# bytes, port and protocol unreachable.  Any change to what goes out,
	# to an IP identification or a byte of padding, fails here.
	require_tool cmp diffutils
	replay_unprivileged udp_echo udp-frames.pcap
	[ "$status" -eq 0 ]
	[[ "$output" == *"udp_echo: in 17 out 18 "* ]]
	cmp "$REPLAY_OUT" "$TOP/tests/fixtures/udp-frames.udp_echo.pcap"
}

# --- beyond the link -----------------------------------------------------

@test "udp_echo --gateway: a client beyond the router gets 8000-byte datagrams back, fragmented both ways" {
	require_tool socat socat
	require_tool sha256sum coreutils
	setup_world
	start_udp_echo --gateway 10.10.10.2
	local size
	for size in 100 8000; do
		head -c "$size" /dev/urandom >"$BATS_TEST_TMPDIR/in"
		in_world socat -t 3 -b 65536 - UDP:10.10.10.1:7 <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
		[ "$(sha256sum <"$BATS_TEST_TMPDIR/in")" = "$(sha256sum <"$BATS_TEST_TMPDIR/out")" ]
	done
	stop_stack
	[ "$(drops no_route)" -eq 0 ]
}

@test "udp_echo --ping through the gateway while it serves echo" {
	setup_world
	tap_up_before_start
	run_ping udp_echo --gateway 10.10.10.2 --ping 192.0.2.2 --count 2 --interval 0.2
	[ "$PING_RC" -eq 0 ]
	ping_lines 2 192.0.2.2 63
}
