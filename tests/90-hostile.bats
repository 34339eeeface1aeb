#!/usr/bin/env bats
# Hostile input at every rung: runts, every truncated prefix of a valid
# packet, every header field at boundary values, broken IP option lengths,
# ICMP error floods, ARP floods from thousands of senders.  After each, the
# program must be alive, within a stated peak memory, still answering ping
# and its service, and its counters must name why it dropped what it did.
# (Fragment floods and overlapping fragments: tests/04-udp-echo.bats.)
# Everything is bounded: at most 5000 packets per flood.
# Run: sudo bash tests/run.sh 90

load helpers

setup() {
	setup_ns
	UDPCHECK="$TOP/build/tools/udpcheck"
}

teardown() {
	teardown_ns
}

# The peak resident memory, in kB, of the running program.
peak_rss_kb() {
	local pid
	pid=$(pgrep -f "$BIN/$1/$1" | head -1)
	awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"
}

# still_fine PROGRAM: alive, memory within bounds (8 MB; 64 MB for the
# sanitizer build, whose shadow memory costs more), answering ping.
still_fine() {
	local kb
	kill -0 "$STACK_PID"
	kb=$(peak_rss_kb "$1")
	echo "$1 peak RSS: $kb kB"
	if [[ "$BIN" == *san* ]]; then [ "$kb" -lt 65536 ]; else [ "$kb" -lt 8192 ]; fi
	ping_ok -c 2 -i 0.2 10.10.10.1
}

# Every drop the summary names is a reason we know: no "unknown".
reasons_named() {
	cat "$ERR"
	! grep -q 'drop unknown' "$ERR"
	grep -q ': drop ' "$ERR"
}

hostile_tun() {
	local prog=$1 lost
	start_stack "$prog"
	kernel_side
	in_ns "$CRAFT" prefixes boundaries opt0 opt1 optlong
	in_ns "$CRAFT" -n 2000 icmperrflood
	still_fine "$prog"
	lost=$(kernel_dropped tun0)
	stop_stack
	reasons_named
	# 83 prefixes: the first 19 are shorter than a header.
	[ "$(drops ipv4_truncated)" -ge 19 ]
	[ "$(drops ipv4_bad_version)" -ge 2 ]
	[ "$(drops ipv4_bad_ihl)" -ge 1 ]
	[ "$(drops ipv4_bad_total_length)" -ge 60 ]
	# 2000 errors about nothing of ours (less any the kernel dropped before
	# they reached the program): every one counted, none answered.
	echo "dropped by the kernel: $lost"
	[ "$(drops icmp_not_echo_request)" -ge $((2000 - lost)) ]
}

@test "hostile: tun_echo survives truncations, boundary values, bad options, an ICMP error flood" {
	hostile_tun tun_echo
}

@test "hostile: icmp_reply survives truncations, boundary values, bad options, an ICMP error flood" {
	hostile_tun icmp_reply
	# It answered the pings, and never an error about an error: had it
	# answered the 2000 errors, it would have sent 2000 packets or more.
	local out
	out=$(awk '$2 == "in" { print $5 }' "$ERR")
	echo "sent: $out"
	[ "$out" -ge 2 ] && [ "$out" -lt 100 ]
	grep -q '^icmp_reply: drop ipv4_bad_source [0-9]' "$ERR"
	grep -q '^icmp_reply: drop ipv4_not_for_us [0-9]' "$ERR"
}

hostile_tap() {
	local prog=$1 lost
	start_stack "$prog"
	kernel_side tap0
	in_ns "$CRAFT" -e prefixes boundaries opt0 opt1 optlong
	in_ns "$CRAFT" -e -n 2000 icmperrflood
	in_ns "$CRAFT" -e arp-short arp-htype arp-ptype arp-hlen arp-plen arp-op arp-gmac eth-only
	# Thousands of senders asking for us: the cache (64 entries) churns
	# but stays the same size.
	in_ns "$CRAFT" -e -n 5000 arpflood
	still_fine "$prog"
	lost=$(kernel_dropped tap0)
	stop_stack
	reasons_named
	echo "dropped by the kernel: $lost"
	[ "$(drops eth_truncated)" -eq 0 ]	# the kernel can't send under 14
	[ "$(drops ipv4_truncated)" -ge 19 ]
	[ "$(drops icmp_not_echo_request)" -ge $((2000 - lost)) ]
	[ "$(drops arp_truncated)" -ge 2 ]
}

@test "hostile: tap_arp survives truncations, boundary values, bad options, ICMP and ARP floods" {
	hostile_tap tap_arp
}

@test "hostile: udp_echo survives truncations, boundary values, bad options, ICMP and ARP floods" {
	hostile_tap udp_echo
	# Its service too, not just ping.
	start_stack udp_echo
	kernel_side tap0
	run in_ns "$UDPCHECK" -n 100 -s 0-3000
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
}

@test "hostile: tcp_mini survives all of that, and TCP's truncations, boundaries and bad headers" {
	require_tool nc netcat-openbsd
	hostile_tap tcp_mini
	start_stack tcp_mini
	kernel_side tap0
	# Every prefix of a SYN with Linux's 20 option bytes (0..19 bytes:
	# truncated; 20..39: the data offset points past the end), TCP fields
	# at boundary values, and each malformed header.
	in_ns "$CRAFT" -e tcpprefixes tcpboundaries tcp-badsum tcp-off4 tcp-offlong \
		tcp-opt0 tcp-opt1 tcp-optlong tcp-synfin tcp-synrst tcp-noflags
	still_fine tcp_mini
	# Its service too.
	run bash -c "echo 'after all that' | timeout 10 ip netns exec $NS nc -N 10.10.10.1 7"
	echo "$output"
	[ "$output" = "after all that" ]
	stop_stack
	reasons_named
	[ "$(drops tcp_truncated)" -ge 20 ]
	[ "$(drops tcp_bad_offset)" -ge 22 ]
	[ "$(drops tcp_bad_checksum)" -ge 1 ]
	[ "$(drops tcp_bad_options)" -ge 4 ]
	[ "$(drops tcp_bad_flags)" -ge 4 ]
}
