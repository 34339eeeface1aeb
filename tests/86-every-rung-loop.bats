#!/usr/bin/env bats
# Lesson 07 (issue 17), on every rung rather than one: --no-offload, which
# every rung takes (only tcp_mini has offloads to turn off), and the loop
# that reads and writes the device through io_uring (--uring,
# lib/uring.c).  tests/07-speed.bats has tcp_mini's offloads; this file is
# not part of rung 07's "build it yourself" grading, which builds
# tcp_mini alone.
#
# Every client runs under `timeout`; no test asserts a speed (that is
# `make bench`).  Run: sudo bash tests/run.sh 86

load helpers
load tcp

setup() {
	setup_ns
	T="$BATS_TEST_TMPDIR"
	UDPCHECK="$TOP/build/tools/udpcheck"
}

teardown() {
	teardown_ns
}

@test "every rung: --help names --no-offload; a TUN rung takes it and still answers ping" {
	require_tool ping iputils-ping
	local p
	for p in tun_echo icmp_reply tap_arp udp_echo tcp_mini; do
		run "$BIN/$p/$p" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"--no-offload"* ]] || { echo "$p --help does not name --no-offload"; return 1; }
	done
	run "$BIN/tcp_mini/tcp_mini" --help
	[[ "$output" == *"--no-offload      no virtio-net header, no offloads"* ]]
	start_stack tun_echo --no-offload
	kernel_side
	ping_ok -c 2 -i 0.2 10.10.10.1
	stop_stack
}

@test "every rung: --uring: answers 2000 pings (ping -f) and stops at SIGTERM with exit 0" {
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
		# io_uring carried them: its calls are counted, and none failed.
		grep -q "^$prog: uring enters [1-9][0-9]* read_errors 0$" "$ERR"
	done
}

@test "every rung: --uring: udp_echo echoes 500 datagrams of 0 to 4000 bytes exact (fragments too)" {
	start_stack udp_echo --uring
	kernel_side tap0
	run in_ns "$UDPCHECK" -n 500 -s 0-4000 -S 7
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
	grep -q "^udp_echo: uring enters [1-9][0-9]* read_errors 0$" "$ERR"
}

@test "every rung: --uring with --connect or --read is a usage error, exit 2; --help names it" {
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
