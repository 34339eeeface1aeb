#!/usr/bin/env bats
# Lesson 07 (issue 17): the loop that reads and writes the device through
# io_uring (--uring, lib/uring.c), on every rung; and UDP segmentation
# offload (TUN_F_USO4): many datagrams sent with one send() come to
# tcp_mini as one frame, which its loop cuts (lib/run.c cut_udp).
#
# Content is compared by hash, every datagram byte for byte.  Every client
# runs under `timeout`; no test asserts a speed (that is `make bench`).
# Against the sanitizer build the bulk transfers are scaled down.
# Run: sudo bash tests/run.sh 07

load helpers
load tcp

setup() {
	setup_ns
	T="$BATS_TEST_TMPDIR"
	UDPCHECK="$TOP/build/tools/udpcheck"
	UDPGSO="$TOP/build/tools/udpgso"
}

teardown() {
	teardown_ns
}

# bulk_both_ways MB: MB into discard (nc ends cleanly only after the
# stack's FIN, which follows every byte) and MB out of chargen, compared
# with RFC 864's stream.
bulk_both_ways() {
	local mb=$1 want got
	run bash -c "head -c ${mb}M /dev/zero | timeout 120 ip netns exec $NS nc -N 10.10.10.1 9"
	[ "$status" -eq 0 ]
	want=$(chargen_expected $((mb * 1048576)) | sha256sum | cut -d' ' -f1)
	got=$(timeout 120 ip netns exec "$NS" nc -d 10.10.10.1 19 </dev/null |
		head -c "${mb}M" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ]
}

@test "tcp_mini lesson 07: --uring: 100 MB into discard and out of chargen intact, with offloads and with --no-offload" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 100 20)
	start_tcp --uring
	bulk_both_ways "$mb"
	stop_stack
	cat "$ERR"
	[ "$(drops tcp_bad_checksum)" -eq 0 ]
	# io_uring really carried them: fewer system calls than frames.
	local frames enters
	frames=$(awk '$1 == "tcp_mini:" && $2 == "in" { print $3 + $5 }' "$ERR")
	enters=$(awk '$1 == "tcp_mini:" && $2 == "uring" { print $4 }' "$ERR")
	echo "frames $frames, io_uring_enter calls $enters"
	[ "$enters" -gt 0 ]
	[ "$enters" -lt "$frames" ]
	start_tcp --uring --no-offload
	bulk_both_ways "$mb"
	stop_stack
	cat "$ERR"
	# Without offloads every frame is at most the MTU: at least one
	# frame per 1460 bytes came in.
	[ "$(awk '$1 == "tcp_mini:" && $2 == "in" { print $3 }' "$ERR")" -ge $((mb * 1048576 / 1460)) ]
}

@test "tcp_mini lesson 07: --uring --loss 2 --reorder 5: 5 MB through echo intact" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	start_tcp --uring --loss 2 --reorder 5 --seed 7
	timeout 60 ip netns exec "$NS" nc -N 10.10.10.1 7 <"$T/in" >"$T/out"
	same_content "$T/in" "$T/out"
	stop_stack
	cat "$ERR"
	[ "$(awk '$1 == "tcp_mini:" && $10 == "loss_in" { print $11 }' "$ERR")" -gt 0 ]
}

@test "lesson 07: --uring: every rung answers 2000 pings (ping -f) and stops at SIGTERM with exit 0" {
	require_tool ping iputils-ping
	local prog dev
	for prog in tun_echo icmp_reply tap_arp udp_echo tcp_mini; do
		dev=tap0
		case $prog in tun_echo | icmp_reply) dev=tun0 ;; esac
		start_stack "$prog" --uring
		kernel_side "$dev"
		echo "$prog:"
		ping_ok -f -c 2000 -q 10.10.10.1
		stop_stack
		grep -q "^$prog: in [0-9]* out [0-9]* read_errors 0 write_errors [01] " "$ERR"
	done
}

@test "lesson 07: --uring: udp_echo echoes 500 datagrams of 0 to 4000 bytes exact (fragments too)" {
	start_stack udp_echo --uring
	kernel_side tap0
	run in_ns "$UDPCHECK" -n 500 -s 0-4000 -S 7
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
}

@test "lesson 07: --uring with --connect or --read is a usage error, exit 2; --help names it" {
	run "$BIN/tcp_mini/tcp_mini" --uring --connect 10.10.10.2:7
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--uring and --connect"* ]]
	run "$BIN/tap_arp/tap_arp" --uring --read /dev/null
	echo "$output"
	[ "$status" -eq 2 ]
	run "$BIN/tun_echo/tun_echo" --help
	[[ "$output" == *"--uring"* ]]
}

@test "tcp_mini lesson 07: ten datagrams in one send (UDP_SEGMENT) come in as one frame, are cut, and each is echoed exact" {
	start_stack tcp_mini --trace
	kernel_side tap0
	run in_ns "$UDPGSO" -n 10 -s 1000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "sent 10 in one send, echoed 10, exact 10" ]
	run in_ns "$UDPGSO" -n 3 -s 1472
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
	# One frame in for the ten, the trace says so: 10 x 1000 bytes of
	# data, with one IP and one UDP header, and the size of each.
	grep -E ' in .* UDP port [0-9]+ > 7, .*length 10028, gso 1000$' "$ERR"
	[ "$(grep -c ' out .* UDP port 7 > ' "$ERR")" -eq 13 ]
	# With --no-offload the kernel cuts them itself: ten frames in.
	start_stack tcp_mini --trace --no-offload
	kernel_side tap0
	run in_ns "$UDPGSO" -n 10 -s 1000
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
	[ "$(grep -c ' in .* UDP port [0-9]* > 7, ttl 64, length 1028$' "$ERR")" -eq 10 ]
}
