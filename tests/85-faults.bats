#!/usr/bin/env bats
# Fault injection (lib/fault.c), at every rung: --loss, --dup, --reorder,
# --delay and --rate/--queue, each way or one way (in:/out:), against the
# kernel's own ping, nc and a UDP socket.  What each fault must do is seen
# from outside: ping's round-trip times and its "DUP!", datagrams that
# come back in another order, a transfer that takes as long as the
# bottleneck says; and the exit summary counts each fault.
#
# Every test runs in a namespace of its own (helpers.bash), every client
# under timeout, every flood bounded in count.
# Run: sudo bats tests/85-faults.bats   (TUNLAB_BIN=$PWD/build/san for the
# sanitizer build)

load helpers

setup() {
	setup_ns
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	teardown_ns
}

# fault_count NAME: a counter of the summary's "faults" line (dup_in,
# reordered_out, ...), or of its first line (loss_in, loss_out); 0 if absent.
fault_count() {
	awk -v k="$1" '$2 == "faults" || $2 == "in" {
		for (i = 2; i < NF; i++) if ($i == k) n = $(i + 1)
	} END { print n + 0 }' "$ERR"
}

# rtt_min: the smallest time=... of ping's reply lines in $output, in
# whole milliseconds (rounded down).
rtt_min() {
	grep -o 'time=[0-9.]*' <<<"$output" | cut -d= -f2 |
		awk 'NR == 1 || $1 < m { m = $1 } END { printf "%d\n", m }'
}

start_tap() {
	start_stack "$@"
	kernel_side tap0
}

@test "faults: tap_arp --delay 50: every ping round trip takes at least 100 ms; without it, far less" {
	start_tap tap_arp
	ping_ok -c 3 -i 0.2 10.10.10.1
	[ "$(rtt_min)" -lt 50 ]
	stop_stack
	! grep -q ': faults ' "$ERR"	# no fault, no faults line

	start_tap tap_arp --delay 50
	ping_ok -c 3 -i 0.2 10.10.10.1
	# 50 ms on the way in, 50 ms on the way out.
	[ "$(rtt_min)" -ge 100 ]
	stop_stack
	[ "$(fault_count delayed_in)" -ge 3 ]
	[ "$(fault_count delayed_out)" -ge 3 ]
}

@test "faults: udp_echo --delay out:30 --delay in:20: round trips of at least 50 ms" {
	start_tap udp_echo --delay out:30 --delay in:20
	ping_ok -c 3 -i 0.2 10.10.10.1
	[ "$(rtt_min)" -ge 50 ]
	stop_stack
	[ "$(fault_count delayed_in)" -ge 3 ]
	[ "$(fault_count delayed_out)" -ge 3 ]
}

@test "faults: udp_echo --delay 20+-10: round trips from 20 to 60 ms (and a little for the scheduler)" {
	start_tap udp_echo --delay 20+-10 --seed 5
	ping_ok -c 5 -i 0.1 10.10.10.1
	local max
	# From the second on: the first also waits for ARP, itself delayed.
	max=$(grep 'icmp_seq=[2-9]' <<<"$output" | grep -o 'time=[0-9.]*' | cut -d= -f2 |
		sort -n | tail -1)
	echo "min $(rtt_min) max $max"
	[ "$(rtt_min)" -ge 20 ]
	[ "${max%.*}" -lt 90 ]
	stop_stack
	[ "$(fault_count delayed_in)" -ge 5 ]
}

@test "faults: tap_arp --dup out:100: ping sees every reply twice (DUP!)" {
	start_tap tap_arp --dup out:100
	run in_ns ping -n -c 3 -i 0.2 -W 2 10.10.10.1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'DUP!' <<<"$output")" -ge 2 ]
	[[ "$output" == *"3 received, +"*" duplicates"* ]]
	stop_stack
	[ "$(fault_count dup_out)" -ge 3 ]
	[ "$(fault_count dup_in)" -eq 0 ]
}

@test "faults: udp_echo --reorder 30: 100 numbered datagrams all come back, some out of order" {
	start_tap udp_echo --reorder 30 --seed 4
	ping_ok -c 1 10.10.10.1		# ARP first
	# One datagram per write through bash's /dev/udp, 100 in a burst;
	# cat reads one echoed datagram per read, in the order they came.
	run in_ns timeout 10 bash -c 'exec 3<>/dev/udp/10.10.10.1/7
		for i in $(seq 100); do echo "$i" >&3; done
		timeout 2 cat <&3'
	echo "${output//$'\n'/ }"
	# Every one back, once...
	[ "$(sort -n <<<"$output" | tr '\n' ' ')" = "$(seq 100 | tr '\n' ' ')" ]
	# ... but not in the order sent.
	[ "$(tr '\n' ' ' <<<"$output")" != "$(seq 100 | tr '\n' ' ')" ]
	stop_stack
	cat "$ERR"
	[ "$(fault_count reordered_in)" -gt 0 ]
	[ "$(fault_count reordered_out)" -gt 0 ]
}

@test "faults: tcp_mini --reorder 10 --dup 2: 1 MB through echo arrives intact" {
	require_tool nc netcat-openbsd
	head -c 1M /dev/urandom >"$T/in"
	# --no-offload: the faults act on frames, and with offloads (lesson
	# 07) 1 MB is a few dozen frames, too few to be sure of a duplicate.
	start_tap tcp_mini --reorder 10 --dup 2 --seed 2 --no-offload
	timeout 60 ip netns exec "$NS" nc -N 10.10.10.1 7 <"$T/in" >"$T/out"
	[ "$(sha256sum <"$T/in")" = "$(sha256sum <"$T/out")" ]
	stop_stack
	cat "$ERR"
	[ "$(fault_count reordered_in)" -gt 0 ]
	[ "$(fault_count reordered_out)" -gt 0 ]
	[ "$(fault_count dup_in)" -gt 0 ]
}

@test "faults: tcp_mini --rate 10 --queue 20: 2 MB into discard take at least 1.6 s, tail drops counted" {
	require_tool nc netcat-openbsd
	# --no-offload: the queue counts frames, and with offloads (lesson 07)
	# a frame of up to 64 KB stands for 45 segments: 20 of them hold all
	# that slow start sends here.
	start_tap tcp_mini --rate 10 --queue 20 --no-offload
	local t0 t1 ms
	t0=$(date +%s%N)
	run bash -c "head -c 2M /dev/zero | timeout 60 ip netns exec $NS nc -N 10.10.10.1 9"
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	ms=$(((t1 - t0) / 1000000))
	echo "2 MB in $ms ms"
	# 2 MB is 16.8 Mbit: 1.68 s at 10 Mbit/s, with the headers more.
	[ "$ms" -ge 1600 ]
	stop_stack
	cat "$ERR"
	# Slow start overshoots a 20-packet queue: tail drops, which TCP
	# recovered from (the transfer completed).
	[ "$(fault_count queue_drop_in)" -gt 0 ]
}

@test "faults: tun_echo with every fault at once still answers, and counts each" {
	start_stack tun_echo --loss 5 --dup 30 --reorder 30 --delay 5+-2 --rate 50 --queue 50 --seed 3
	kernel_side
	run in_ns ping -n -c 30 -i 0.02 -W 2 10.10.10.1
	echo "$output"
	[[ "$output" =~ ([0-9]+)\ received ]]
	[ "${BASH_REMATCH[1]}" -ge 15 ]
	stop_stack
	cat "$ERR"
	local k
	for k in dup_in dup_out reordered_in reordered_out delayed_in delayed_out; do
		[ "$(fault_count "$k")" -gt 0 ] || { echo "$k is 0"; return 1; }
	done
	[ "$(fault_count loss_in)" -gt 0 ] || [ "$(fault_count loss_out)" -gt 0 ]
}

@test "faults: icmp_reply --delay in:10 --rate out:1: answered, at least 10 ms plus the 1 Mbit/s link" {
	start_stack icmp_reply --delay in:10 --rate out:1
	kernel_side
	# 1000 bytes of data: a 1028-byte reply, 8.2 ms at 1 Mbit/s.
	ping_ok -c 3 -i 0.2 -s 1000 10.10.10.1
	[ "$(rtt_min)" -ge 18 ]
	stop_stack
	[ "$(fault_count delayed_in)" -ge 3 ]
	[ "$(fault_count delayed_out)" -eq 0 ]
}

@test "faults: --loss alone prints the summary as it always did, no faults line" {
	start_stack tun_echo --loss in:100
	kernel_side
	run in_ns ping -n -c 2 -i 0.2 -W 1 10.10.10.1
	[[ "$output" == *"0 received"* ]]
	stop_stack
	grep -qE '^tun_echo: in 0 out 0 read_errors 0 write_errors 0 loss_in 2 loss_out 0$' "$ERR"
	! grep -q ': faults ' "$ERR"
}

@test "faults: replay takes --loss as before, and refuses the faults that need a device" {
	local fx="$TOP/tests/fixtures/tun-requests.pcap"
	run "$BIN/tun_echo/tun_echo" --read "$fx" --pcap "$T/out.pcap" --loss 50 --seed 1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ loss_in\ [1-9] ]]
	local opt
	for opt in "--dup 10" "--reorder 10" "--delay 5" "--rate 10"; do
		# shellcheck disable=SC2086
		run "$BIN/tun_echo/tun_echo" --read "$fx" --pcap "$T/out.pcap" $opt
		echo "$opt: $output" | head -1
		[ "$status" -eq 2 ]
		[[ "$output" == *"with --read: a replay takes --loss alone"* ]]
	done
}

@test "faults: bad values exit 2 with a message naming the option" {
	local bad prog
	for prog in tun_echo tcp_mini; do
		while read -r opt val want; do
			run "$BIN/$prog/$prog" "$opt" "$val" </dev/null
			echo "$prog $opt $val: $status ${output%%$'\n'*}"
			[ "$status" -eq 2 ]
			[[ "$output" == *"$opt value is '$val': expected $want"* ]]
			[[ "$output" == *"usage: $prog"* ]]
		done <<-EOF
			--loss 101 a percentage
			--loss in:-1 a percentage
			--dup out:x a percentage
			--dup up:5 a percentage
			--reorder 100.5 a percentage
			--delay 20+5 MS or MS+-JITTER
			--delay -5 MS or MS+-JITTER
			--delay 10001 MS or MS+-JITTER
			--delay in:20+- MS or MS+-JITTER
			--rate fast megabits per second
			--rate 0.001 megabits per second
			--queue 0 a whole number of packets
			--queue in:5000 a whole number of packets
		EOF
	done
	run "$BIN/tun_echo/tun_echo" --queue 5
	[ "$status" -eq 2 ]
	[[ "$output" == *"--queue is the queue of --rate's bottleneck"* ]]
	run "$BIN/tun_echo/tun_echo" --rate out:10 --queue in:5
	[ "$status" -eq 2 ]
	# tcp_mini's own options are not the other rungs'.
	for bad in --no-sack --nodelay "--cc reno"; do
		# shellcheck disable=SC2086
		run "$BIN/udp_echo/udp_echo" $bad
		[ "$status" -eq 2 ]
		[[ "$output" == *"${bad%% *} is not an option of udp_echo"* ]]
	done
}

@test "faults: every program's --help shows the fault options and their directions" {
	local prog
	for prog in tun_echo icmp_reply tap_arp udp_echo tcp_mini; do
		run "$BIN/$prog/$prog" --help
		[ "$status" -eq 0 ]
		for opt in "--loss PCT" "--dup PCT" "--reorder PCT" "--delay MS[+-J]" \
			"--rate MBIT" "--queue N" "in:VALUE" "out:VALUE"; do
			[[ "$output" == *"$opt"* ]] || { echo "$prog --help lacks $opt"; return 1; }
		done
	done
	run "$BIN/tun_echo/tun_echo" --help
	[[ "$output" != *"--no-sack"* ]]
	# tcp_mini: its TCP switches, once it takes them (OPT_TCP).
	run "$BIN/tcp_mini/tcp_mini" --help
	if [[ "$output" == *"--cc NAME"* ]]; then
		for opt in "RFC 2018/6675" "RFC 7323" "RFC 8985" "RFC 1122 4.2.3.2" "RFC 896" \
			"--cc-log FILE"; do
			[[ "$output" == *"$opt"* ]] || { echo "tcp_mini --help lacks $opt"; return 1; }
		done
		run "$BIN/tcp_mini/tcp_mini" --cc vegas
		[ "$status" -eq 2 ]
		[[ "$output" == *"--cc value is 'vegas': expected reno, cubic or none"* ]]
	fi
}
