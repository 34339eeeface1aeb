#!/usr/bin/env bats
# Lesson 06: TCP on a bad network.  tcp_mini against the kernel's own TCP
# with loss, reordering, duplication and delay (lib/fault.c's --loss,
# --reorder, --dup, --delay, and a Linux bridge that drops frames with
# nftables), SACK and timestamps negotiated (or not), a SYN flood met with
# SYN cookies, the congestion log and its figure, the three congestion
# controls, and the stall of Nagle against a delayed ACK.
#
# Real kernel peers; content compared by hash; every client under
# `timeout`, every namespace made and deleted by the test, every flood
# bounded in count and time.  A time bound here is a correctness bound
# (a transfer that hangs or crawls fails), not a benchmark: that is
# `make bench-loss`.  Against the sanitizer build (TUNLAB_BIN=build/san),
# which may run several times slower, the bulk transfers are smaller
# (size_mb).  The whole file takes about 35 s on either build.
# Run: sudo bats tests/06-tcp-bad-network.bats

load helpers
load tcp

setup() {
	setup_ns
	CAPTURE_PID=
	BG_PIDS=()
	PEER=
	T="$BATS_TEST_TMPDIR"
	# nstat keeps a history file (by default in /tmp, per user): this
	# test's own, so that nothing outside it is read or written.
	export NSTAT_HISTORY="$T/nstat.history"
}

teardown() {
	local p
	# TERM first: a `timeout` passes it on to its client, which would
	# otherwise live on, holding bats' output open.
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		sleep 0.1
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -n "${CAPTURE_PID:-}" ] && stop_capture
	if [ -n "${PEER:-}" ]; then
		for p in $(ip netns pids "$PEER" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$PEER" 2>/dev/null || true
	fi
	# What this test started in its namespace and is still there (a
	# client whose `timeout` was killed above, when a test failed, lives
	# on without it), but the program: teardown_ns stops that one, with
	# SIGTERM first so that it prints its counters.
	if [ -n "${NS:-}" ]; then
		for p in $(ip netns pids "$NS" 2>/dev/null); do
			[ "$p" = "${STACK_PID:-}" ] || kill -KILL "$p" 2>/dev/null || true
		done
	fi
	teardown_ns
}

# cookies sent|accepted: from the summary's syn_cookies line (0 if none).
cookies() {
	awk -v k="$1" '$1 == "tcp_mini:" && $2 == "syn_cookies" {
		for (i = 3; i < NF; i++) if ($i == k) n = $(i + 1)
	} END { print n + 0 }' "$ERR"
}

# listening NETNS PORT: a kernel socket listens on PORT in NETNS.
listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

wait_listen() {
	wait_for 5 listening "$1" "$2" && return 0
	echo "nothing listening on port $2 in $1" >&2
	return 1
}

# run_client IN OUT ARGS...: tcp_mini --connect ... in the foreground,
# stdin from IN, stdout to OUT, bounded by CLIENT_TIMEOUT (60) s; its
# status in CLIENT_RC, its stderr in $ERR.
run_client() {
	local in=$1 out=$2
	shift 2
	CLIENT_RC=0
	timeout "${CLIENT_TIMEOUT:-60}" ip netns exec "$NS" "$BIN/tcp_mini/tcp_mini" "$@" \
		<"$in" >"$out" 2>"$ERR" || CLIENT_RC=$?
	check_sanitizers
	echo "tcp_mini exited $CLIENT_RC; stderr ends:"
	tail -n 5 "$ERR"
}

# nstat_get FILE NAME: a counter from a saved `nstat -az` (0 if absent).
nstat_get() {
	awk -v k="$2" '$1 == k { n = $2 } END { print n + 0 }' "$1"
}

# --- 1. bulk transfers under loss ----------------------------------------

@test "tcp_mini lesson 06: --loss 5: 10 MB through echo come back intact within 60 s" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 10 5)
	head -c "${mb}M" /dev/urandom >"$T/in"
	# (--no-offload: the faults act on frames, and with offloads, lesson
	# 07, a few MB are a few dozen frames of many segments each: too few
	# for every fault counted below to be sure to happen.)
	start_tcp --loss 5 --seed 11 --no-offload
	arp_first
	# In lesson 05, without SACK and timestamps, 2 MB at this loss took
	# up to minutes (05's --loss test, 256 KB).  With them, each way, a
	# loss is repaired within a round trip or a probe timeout.
	echo_through "$T/in" 60
	stop_stack
	cat "$ERR"
	# Loss really happened, both ways.
	[ "$(summary_count loss_in)" -gt 0 ]
	[ "$(summary_count loss_out)" -gt 0 ]
}

@test "tcp_mini lesson 06: --loss 10: 20 MB into discard, and 4 MB out of chargen, intact within 60 s each" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	local dmb cmb t0 want got
	dmb=$(size_mb 20 10)
	cmb=$(size_mb 4 2)
	start_tcp --loss 10 --seed 12
	arp_first
	# Into discard: nc -N exits 0 only once the stack's FIN came back,
	# which discard sends after the FIN that follows every byte.
	t0=$(date +%s%3N)
	run bash -c "head -c ${dmb}M /dev/zero | timeout 60 ip netns exec $NS nc -N 10.10.10.1 9"
	echo "discard: ${dmb} MB, status $status after $(($(date +%s%3N) - t0)) ms"
	[ "$status" -eq 0 ]
	# Out of chargen: the first 4 MB of RFC 864's stream, by hash.  Not
	# 20: at 10% loss each way tcp_mini sends at about 0.5 to 1 MB/s here
	# (the kernel, into discard, at 20 or more): its window is a segment
	# or two, and when the one ACK or probe of a flight is lost it waits
	# out a retransmission timeout (200 ms, then doubled), and keeps the
	# window it cut then (no undo of a spurious timeout, RFC 5682).
	want=$(chargen_expected $((cmb * 1048576)) | sha256sum | cut -d' ' -f1)
	t0=$(date +%s%3N)
	got=$(timeout 60 ip netns exec "$NS" nc -d 10.10.10.1 19 </dev/null |
		head -c "${cmb}M" | sha256sum | cut -d' ' -f1)
	echo "chargen: ${cmb} MB in $(($(date +%s%3N) - t0)) ms"
	[ "$got" = "$want" ]
	stop_stack
	cat "$ERR"
	[ "$(summary_count loss_in)" -gt 0 ]
	[ "$(summary_count loss_out)" -gt 0 ]
	# Into discard, every byte came through the device: at least one
	# frame per 64 KB (with offloads, lesson 07, a frame of up to 64 KB
	# stands for many segments, and --loss loses them all at once).
	[ "$(summary_count in)" -ge $((dmb * 1048576 / 65536)) ]
}

# bridge_wire PERMILLE: the wire of tests/bench/loss.sh, smaller.  In this
# test's namespace a bridge br0 joins tap0 (tcp_mini's, made here, before
# the program opens it) and a veth to a second namespace, $PEER, the
# kernel's side at 10.10.10.2.  nftables in the bridge family drops
# PERMILLE of every 1000 IPv4 TCP frames it forwards, each way.  The
# peer's eth0 hands its device one segment per packet (gso_max_segs 1),
# so a drop on the bridge is one segment, as on a real wire.
bridge_wire() {
	require_tool nft nftables
	PEER="$NS-peer"
	ip netns add "$PEER"
	ip -n "$PEER" link set lo up
	ip netns exec "$PEER" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 up
	ip -n "$NS" link add p0 type veth peer name eth0 netns "$PEER"
	ip -n "$NS" link set p0 master br0 up
	ip -n "$PEER" link set eth0 gso_max_segs 1
	ip -n "$PEER" addr add 10.10.10.2/24 dev eth0
	ip -n "$PEER" link set eth0 up
	ip -n "$NS" tuntap add dev tap0 mode tap
	ip -n "$NS" link set tap0 master br0 up
	ip netns exec "$NS" nft -f - <<-EOF
	table bridge lossy {
		chain forward {
			type filter hook forward priority 0; policy accept;
			ip protocol tcp numgen random mod 1000 < $1 counter drop
		}
	}
	EOF
}

# bridge_dropped: the frames the bridge's rule has dropped so far.
bridge_dropped() {
	ip netns exec "$NS" nft list table bridge lossy | grep -o 'packets [0-9]*' |
		head -n 1 | cut -d' ' -f2
}

@test "tcp_mini lesson 06: loss made by the kernel (a bridge dropping 5%): --connect sends 5 MB intact to a kernel server" {
	require_tool socat socat
	require_tool ss iproute2
	local mb t0
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/to_kernel"
	bridge_wire 50
	# The kernel's server: one connection, what it gets to a file; it
	# closes when our FIN has come, and then we exit.
	ip netns exec "$PEER" socat -u TCP-LISTEN:5000,reuseaddr STDOUT >"$T/got_kernel" &
	BG_PIDS+=($!)
	wait_listen "$PEER" 5000
	t0=$(date +%s%3N)
	run_client "$T/to_kernel" "$T/client.out" --seed 13 --connect 10.10.10.2:5000
	echo "--connect: ${mb} MB in $(($(date +%s%3N) - t0)) ms; the bridge dropped $(bridge_dropped) frames"
	[ "$CLIENT_RC" -eq 0 ]
	wait "${BG_PIDS[0]}"
	same_content "$T/to_kernel" "$T/got_kernel"
	[ "$(bridge_dropped)" -gt 0 ]
	# The loss was the bridge's, not the program's own.
	[ "$(summary_count loss_out)" -eq 0 ]
}

# --- 2. reordering, duplication, delay ------------------------------------

# nstat_snap FILE: the kernel's SNMP counters in this test's namespace
# (iproute2's nstat, absolute values: -a; zeros too: -z; the history file
# left alone: -s), to FILE.
nstat_snap() {
	in_ns nstat -azs >"$1"
}

# nstat_delta NAME: NAME's growth from $T/nstat.0 to $T/nstat.1.
nstat_delta() {
	echo $(($(nstat_get "$T/nstat.1" "$1") - $(nstat_get "$T/nstat.0" "$1")))
}

# data_bytes_out PCAP: the payload bytes tcp_mini sent from port 7 (echo)
# in its own --pcap, which records what went out after the faults (a
# segment the fault held back is there once, where it went out).
data_bytes_out() {
	read_pcap -nr "$1" 'src host 10.10.10.1 and tcp src port 7' |
		awk '{ for (i = 1; i < NF; i++) if ($i == "length") n += $(i + 1) } END { print n + 0 }'
}

@test "tcp_mini lesson 06: --reorder 10: 5 MB through echo intact; retransmissions stay under 10% of what each side sent" {
	require_tool nc netcat-openbsd
	require_tool nstat iproute2
	require_tool tcpdump tcpdump
	local mb sent resent kout kre
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	# (--no-offload: the faults act on frames, and with offloads, lesson
	# 07, a few MB are a few dozen frames of many segments each: too few
	# for every fault counted below to be sure to happen.)
	start_tcp --reorder 10 --seed 21 --no-offload --pcap "$T/r.pcap"
	nstat_snap "$T/nstat.0"
	echo_through "$T/in" 60
	nstat_snap "$T/nstat.1"
	stop_stack
	cat "$ERR"
	[ "$(summary_count reordered_in)" -gt 0 ]
	[ "$(summary_count reordered_out)" -gt 0 ]
	# Nothing was lost, so every retransmission is spurious: a segment
	# held back taken for a lost one.  --reorder 10 holds one packet in
	# ten back until the next 3 have passed it: just what makes a sender
	# counting duplicate ACKs or SACKed segments (RFC 5681, RFC 6675's
	# DupThresh of 3) retransmit.  A sender that took every held-back
	# segment for a loss would resend about 10% of what it sent: that is
	# the bound, for each side.  Neither comes near it: RACK (RFC 8985)
	# waits a reordering window past the most recent delivery before it
	# calls a segment lost and widens it when a D-SACK says it was wrong
	# (Linux does the same), and acknowledgments that cover a batch hide
	# much of the reordering.  Measured here: tcp_mini about 1% of its
	# bytes (3% with --no-rack), the kernel 0.1% of its segments.  A loose
	# bound, then, that reordering mistaken for loss on a large scale (a
	# retransmission storm, a go-back-N) would still cross.
	#
	# The kernel's side, sending into echo: nstat's TcpRetransSegs against
	# TcpOutSegs (the segments it sent, retransmissions included).
	kout=$(nstat_delta TcpOutSegs)
	kre=$(nstat_delta TcpRetransSegs)
	echo "kernel: $kre of $kout segments retransmitted;" \
		"spurious RTOs $(nstat_delta TcpExtTCPSpuriousRTOs);" \
		"D-SACKs sent (duplicates it got from tcp_mini): $(($(nstat_delta TcpExtTCPDSACKOldSent) + $(nstat_delta TcpExtTCPDSACKOfoSent)))"
	[ "$((kre * 100))" -lt "$((kout * 10))" ]
	# tcp_mini's side, sending the echo: its pcap holds each segment it
	# sent; whatever it sent beyond the file's bytes was sent again.
	sent=$(data_bytes_out "$T/r.pcap")
	resent=$((sent - $(stat -c %s "$T/in")))
	echo "tcp_mini: $resent of $sent bytes sent were retransmissions"
	[ "$resent" -ge 0 ]
	[ "$((resent * 100))" -lt "$((sent * 10))" ]
}

@test "tcp_mini lesson 06: --dup 5: 5 MB through echo intact; the duplicates are counted and dropped" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	# (--no-offload: the faults act on frames, and with offloads, lesson
	# 07, a few MB are a few dozen frames of many segments each: too few
	# for every fault counted below to be sure to happen.)
	start_tcp --dup 5 --seed 22 --no-offload
	echo_through "$T/in" 60
	stop_stack
	cat "$ERR"
	[ "$(summary_count dup_in)" -gt 0 ]
	[ "$(summary_count dup_out)" -gt 0 ]
	# A duplicate of a data segment it already had: tcp_duplicate.
	[ "$(drops tcp_duplicate)" -gt 0 ]
}

@test "tcp_mini lesson 06: --delay 20: 5 MB through echo intact on a 40 ms round trip" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	start_tcp --delay 20 --seed 23
	echo_through "$T/in" 60
	stop_stack
	cat "$ERR"
	[ "$(summary_count delayed_in)" -gt 0 ]
	[ "$(summary_count delayed_out)" -gt 0 ]
}

# --- 3. negotiation: SACK and timestamps ----------------------------------

# syn_capture FILE FILTER: tcpdump in the namespace prints (-v: the
# options) the first packet on tap0 that matches FILTER to FILE, then
# exits (-c 1); bounded by 20 s.  Returns once it listens.
syn_capture() {
	local file=$1
	shift
	timeout 20 ip netns exec "$NS" tcpdump -c 1 -nvli tap0 "$@" >"$file" 2>"$file.log" &
	CAPTURE_PID=$!
	wait_for 10 grep -q 'listening on' "$file.log" && return 0
	echo "tcpdump did not start" >&2
	return 1
}

# syn_captured FILE: the capture's tcpdump has exited with its packet.
syn_captured() {
	wait "$CAPTURE_PID" || true
	CAPTURE_PID=
	cat "$1"
	grep -q 'Flags \[S' "$1"
}

# held_chargen: a kernel client of chargen whose reader never reads: the
# connection stays open (its receive queue full), for ss to look at.
held_chargen() {
	mkfifo "$T/fifo"
	# shellcheck disable=SC2217	# it holds the fifo open, reading nothing
	sleep 60 <"$T/fifo" &
	BG_PIDS+=($!)
	ip netns exec "$NS" nc -d 10.10.10.1 19 </dev/null >"$T/fifo" &
	BG_PIDS+=($!)
}

# kernel_tcp_info: ss -tino's lines for the kernel's connection to
# chargen, once it is established (at most 10 s), on one line.  (-o:
# iproute2 6.1's ss prints the "ts" and "sack" words only with it, beside
# the timers.)
kernel_tcp_info() {
	wait_for 10 bash -c "ip netns exec $NS ss -Htn state established 'dport = :19' | grep -q ."
	in_ns ss -Htino state established 'dport = :19' | tr -s ' \t\n' ' '
}

# has_word WORD TEXT: WORD is one of TEXT's words (ss prints "sack" and
# "ts" alone when they were negotiated).
has_word() {
	tr ' ' '\n' <<<"$2" | grep -qx -- "$1"
}

# lacks_word WORD TEXT, lacks PATTERN FILE: the opposite, as a function
# (a bare "! command" does not fail a bats test: errexit ignores it).
lacks_word() {
	! has_word "$1" "$2"
}

lacks() {
	! grep -q -- "$1" "$2"
}

@test "tcp_mini lesson 06: the SYN-ACK offers sackOK and TS val; the kernel's socket (ss -tino) uses sack and ts" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	require_tool ss iproute2
	local info
	start_tcp
	syn_capture "$T/synack.txt" 'src host 10.10.10.1 and tcp[tcpflags] == (tcp-syn|tcp-ack)'
	held_chargen
	syn_captured "$T/synack.txt"
	grep -q 'sackOK' "$T/synack.txt"
	grep -qE 'TS val [0-9]+ ecr [0-9]+' "$T/synack.txt"
	info=$(kernel_tcp_info)
	echo "ss: $info"
	has_word sack "$info"
	has_word ts "$info"
	# The timestamps option takes 12 bytes of every segment: 1460 - 12.
	has_word mss:1448 "$info"
	head -c 1M /dev/urandom >"$T/in"
	echo_through "$T/in" 30
	stop_stack
}

@test "tcp_mini lesson 06: --no-sack --no-timestamps: neither in the SYN-ACK nor in ss; a transfer still works" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	require_tool ss iproute2
	local info
	start_tcp --no-sack --no-timestamps
	syn_capture "$T/synack.txt" 'src host 10.10.10.1 and tcp[tcpflags] == (tcp-syn|tcp-ack)'
	held_chargen
	syn_captured "$T/synack.txt"
	lacks 'sackOK' "$T/synack.txt"
	lacks 'TS val' "$T/synack.txt"
	grep -q 'mss 1460' "$T/synack.txt"	# the options are there, the two are not
	info=$(kernel_tcp_info)
	echo "ss: $info"
	lacks_word sack "$info"
	lacks_word ts "$info"
	has_word mss:1460 "$info"		# no option in each segment
	head -c 2M /dev/urandom >"$T/in"
	echo_through "$T/in" 30
	stop_stack
}

@test "tcp_mini lesson 06: --connect: our SYN offers sackOK and TS val, and with --no-sack --no-timestamps neither" {
	require_tool socat socat
	require_tool tcpdump tcpdump
	require_tool ss iproute2
	local flags
	tap_up_before_start
	head -c 256K /dev/urandom >"$T/to_kernel"
	for flags in "" "--no-sack --no-timestamps"; do
		ip netns exec "$NS" socat -u TCP-LISTEN:5000,reuseaddr STDOUT >"$T/got_kernel" &
		BG_PIDS+=($!)
		wait_listen "$NS" 5000
		syn_capture "$T/syn.txt" 'src host 10.10.10.1 and tcp[tcpflags] == tcp-syn'
		# shellcheck disable=SC2086
		run_client "$T/to_kernel" "$T/client.out" $flags --connect 10.10.10.2:5000
		[ "$CLIENT_RC" -eq 0 ]
		wait "${BG_PIDS[-1]}"
		same_content "$T/to_kernel" "$T/got_kernel"
		syn_captured "$T/syn.txt"
		if [ -z "$flags" ]; then
			grep -q 'sackOK' "$T/syn.txt"
			grep -qE 'TS val [0-9]+ ecr 0' "$T/syn.txt"
		else
			lacks 'sackOK' "$T/syn.txt"
			lacks 'TS val' "$T/syn.txt"
		fi
	done
}

# --- 4. a SYN flood --------------------------------------------------------

# vmrss_kb PID: the process's resident set, in kB.
vmrss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

@test "tcp_mini lesson 06: a SYN flood of 3000 spoofed SYNs: a transfer and a new connection during it complete, by SYN cookie; memory bounded" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	local synflood="$TOP/build/tools/synflood" a rss max
	[ -x "$synflood" ] || { echo "build the tool first: make build/tools/synflood" >&2; return 1; }
	head -c 1M /dev/urandom >"$T/a1"
	head -c 1M /dev/urandom >"$T/a2"
	cat "$T/a1" "$T/a2" >"$T/a"
	head -c 256K /dev/urandom >"$T/b"
	# No --gateway: the SYN-ACKs to the spoofed 10.99.0.0/16 have no
	# route and go nowhere (the summary's drop no_route), as a flood's go
	# to nobody who answers.  Each spoofed SYN leaves an entry in
	# SYN-RECEIVED for about 30 s of SYN-ACK retries; 64 of them fill the
	# backlog, and from then on a SYN gets a cookie.  (No route is needed
	# in the namespace: nothing is to reach 10.99/16.)
	start_tcp
	# A: 2 MB through echo on a connection opened before the flood, half
	# before it, half 2 s later, in the middle of it.
	(cat "$T/a1"; sleep 2; cat "$T/a2") |
		timeout 60 ip netns exec "$NS" nc -N 10.10.10.1 7 >"$T/a.out" &
	a=$!
	BG_PIDS+=("$a")
	wait_for 10 bash -c "ip netns exec $NS ss -Htn state established 'dport = :7' | grep -q ."
	# The flood: 3000 SYNs at 1000 a second to port 7 (3 s; at most 10).
	# Before it, a tcpdump that exits once 200 of them have crossed tap0
	# towards the program: then the backlog is full (the device's queue
	# is in order, so they are all ahead of B's SYN).
	timeout 20 ip netns exec "$NS" tcpdump -c 200 -nli tap0 -w /dev/null \
		'tcp[tcpflags] == tcp-syn and src net 10.99.0.0/16' 2>"$T/flood.tcpdump" &
	CAPTURE_PID=$!
	wait_for 10 grep -q 'listening on' "$T/flood.tcpdump"
	timeout 20 ip netns exec "$NS" "$synflood" --dst 10.10.10.1 --port 7 \
		--from 10.99.0.0/16 --count 3000 --rate 1000 --seconds 10 >"$T/flood.out" &
	BG_PIDS+=($!)
	wait "$CAPTURE_PID"
	CAPTURE_PID=
	# B: a new connection in the middle of the flood: its SYN finds the
	# backlog full; only a cookie lets it in.
	timeout 30 ip netns exec "$NS" nc -N 10.10.10.1 7 <"$T/b" >"$T/b.out"
	same_content "$T/b" "$T/b.out"
	# The program's memory, sampled now and through the rest of the
	# flood: a fixed table of connections, no state per cookie.
	max=$(vmrss_kb "$STACK_PID")
	while ! gone "${BG_PIDS[-1]}"; do
		rss=$(vmrss_kb "$STACK_PID")
		[ "$rss" -gt "$max" ] && max=$rss
		sleep 0.2
	done
	wait "${BG_PIDS[-1]}"
	cat "$T/flood.out"
	grep -q '^synflood: sent 3000 SYNs to 10.10.10.1:7' "$T/flood.out"
	wait "$a"
	same_content "$T/a" "$T/a.out"
	echo "VmRSS at most $max kB during the flood"
	[ "$max" -gt 0 ]
	[ "$max" -lt 65536 ]
	stop_stack
	cat "$ERR"
	# Past the 64 that filled the backlog, the flood's SYNs were answered
	# by cookie, with no state kept (all of them but any the device's
	# queue dropped: half at least); one cookie came back, B's (the
	# spoofed sources never answer).
	[ "$(cookies sent)" -ge 1500 ]
	[ "$(cookies accepted)" -ge 1 ]
}

# --- 5. the congestion log -------------------------------------------------

@test "tcp_mini lesson 06: --cc-log at --loss 5: the CSV has its header, loss and recovered rows, and ccplot draws it (xmllint)" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	require_tool xmllint libxml2-utils
	local mb
	mb=$(size_mb 2 1)
	head -c "${mb}M" /dev/urandom >"$T/in"
	# --no-offload: a frame per segment, so that 5% of them lost is many
	# losses (with offloads 2 MB are some 60 frames out, lesson 07).
	start_tcp --loss 5 --seed 31 --no-offload --cc-log "$T/cc.csv"
	arp_first
	echo_through "$T/in" 60
	stop_stack
	head -n 3 "$T/cc.csv"
	[ "$(head -n 1 "$T/cc.csv")" = "t_ms,conn,event,cwnd,ssthresh,pipe,snd_wnd,srtt_us,rttvar_us,rto_ms,sacked,lost,state" ]
	# Every row has the 13 columns.
	awk -F, 'NF != 13 { print "line " NR ": " $0; bad = 1 } END { exit bad }' "$T/cc.csv"
	awk -F, 'NR > 1 { n[$3]++ } END { for (e in n) print e, n[e] }' "$T/cc.csv"
	grep -q '^[0-9.]*,10\.10\.10\.2:[0-9]*-7,loss,' "$T/cc.csv"
	grep -q '^[0-9.]*,10\.10\.10\.2:[0-9]*-7,recovered,' "$T/cc.csv"
	"$TOP/tools/ccplot" "$T/cc.csv" >"$T/cc.svg"
	xmllint --noout "$T/cc.svg"
	grep -q '<svg' "$T/cc.svg"
}

# --- 6. congestion controls ------------------------------------------------

@test "tcp_mini lesson 06: --cc reno, cubic and none each carry 5 MB through echo at --loss 2 intact" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	local mb cc
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	for cc in reno cubic none; do
		# (--no-offload: see the --loss 5 test above)
		start_tcp --cc "$cc" --loss 2 --seed 41 --no-offload
		arp_first
		echo "--cc $cc:"
		echo_through "$T/in" 60
		stop_stack
		[ "$(summary_count loss_out)" -gt 0 ]
	done
}

@test "tcp_mini lesson 06: --cc bogus is a usage error, exit 2" {
	run timeout 10 ip netns exec "$NS" "$BIN/tcp_mini/tcp_mini" --cc bogus
	echo "$output"
	[ "$status" -eq 2 ]
	# It says which option and value, then the usage.
	[[ "${lines[0]}" == *"--cc"*"bogus"* ]]
	[[ "$output" == *"usage: tcp_mini"* ]]
}

# --- 7. Nagle against a delayed ACK ----------------------------------------

# The kernel's server for the Nagle test: one connection; a request is a
# line, and only a whole line gets its answer ("done: LINE").  No Nagle
# on its side (TCP_NODELAY): the stall measured is ours.
nagle_server() {
	cat >"$T/server.py" <<-'EOF'
	import socket, sys
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("10.10.10.2", int(sys.argv[1])))
	s.listen(1)
	c, _ = s.accept()
	c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
	buf = b""
	while True:
	    d = c.recv(4096)
	    if not d:
	        break
	    buf += d
	    while b"\n" in buf:
	        line, buf = buf.split(b"\n", 1)
	        c.sendall(b"done: " + line + b"\n")
	c.close()
	EOF
	ip netns exec "$NS" python3 "$T/server.py" "$1" &
	BG_PIDS+=($!)
	wait_listen "$NS" "$1"
}

# nagle_client N ARGS...: tcp_mini --connect ARGS as the client, driven by
# python3: N requests, each written in two small writes 3 ms apart (so
# that the program reads, and may send, the first alone), the next only
# once the answer came.  Prints each request's time, ms, first write to
# answer; fails if an answer is wrong or the program does not exit 0.
nagle_client() {
	cat >"$T/client.py" <<-'EOF'
	import os, subprocess, sys, time
	n, err, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
	with open(err, "wb") as ef:
	    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=ef)
	fi, fo = p.stdin.fileno(), p.stdout.fileno()
	times = []
	for i in range(n):
	    t0 = time.monotonic()
	    os.write(fi, b"request %d: part one," % i)
	    time.sleep(0.003)
	    os.write(fi, b" part two\n")
	    got = b""
	    while not got.endswith(b"\n"):
	        d = os.read(fo, 4096)
	        if not d:
	            sys.exit("tcp_mini's stdout ended; got %r" % got)
	        got += d
	    if got != b"done: request %d: part one, part two\n" % i:
	        sys.exit("request %d: wrong answer %r" % (i, got))
	    times.append((time.monotonic() - t0) * 1000)
	p.stdin.close()
	rest = p.stdout.read()
	rc = p.wait(timeout=20)
	print(" ".join("%.1f" % t for t in times))
	if rest or rc:
	    sys.exit("tcp_mini exited %d; after the last answer: %r" % (rc, rest))
	EOF
	local n=$1
	shift
	timeout 60 python3 "$T/client.py" "$n" "$ERR" \
		ip netns exec "$NS" "$BIN/tcp_mini/tcp_mini" "$@"
}

@test "tcp_mini lesson 06: Nagle against Linux's delayed ACK: two small writes a request stall ~40 ms; --nodelay: no stall" {
	require_tool python3 python3
	require_tool ss iproute2
	local times slow fast
	tap_up_before_start
	# Linux leaves "ping-pong" (interactive) mode when its delayed-ACK
	# timer fires, and enters it again after this many quick answers;
	# while in it, it delays its ACKs.  1 is the default since Linux 6.6
	# (the sysctl's first release); 5.1 to 6.5 had 3, fixed, and there a
	# request in three would stall, not every one.
	if in_ns test -e /proc/sys/net/ipv4/tcp_pingpong_thresh; then
		in_ns sysctl -qw net.ipv4.tcp_pingpong_thresh=1
	fi
	# Nagle on (the default): the first write of a request goes at once
	# (nothing unacknowledged); the second waits for its ACK.  The server
	# has nothing to send until the request is whole, so its kernel holds
	# that ACK for its delayed-ACK timeout, 40 ms.  The first requests
	# are not counted: the first carries the connection's opening (ARP,
	# the handshake), and before its first answer the server's socket is
	# not in ping-pong mode but ACKs at once (so, with a threshold of 3,
	# for longer).  Here every request from the second on takes 40-50 ms.
	nagle_server 5000
	times=$(nagle_client 20 --connect 10.10.10.2:5000)
	echo "Nagle on:  $times"
	check_sanitizers
	slow=$(awk '{ for (i = 4; i <= NF; i++) if ($i >= 35) n++; print n + 0 }' <<<"$times")
	echo "requests 4 to 20 that took 35 ms or more: $slow of 17"
	# (Now and then the server's kernel leaves ping-pong mode for one
	# request and ACKs it at once: 16 of 17 has been seen.  Most stall.)
	if in_ns test -e /proc/sys/net/ipv4/tcp_pingpong_thresh; then
		[ "$slow" -ge 12 ]
	else
		[ "$slow" -ge 4 ]
	fi
	# --nodelay: the second write goes at once, the server answers, and a
	# request takes the 3 ms between the writes and a round trip: about
	# 3.5 ms here, on either build.
	nagle_server 5001
	times=$(nagle_client 20 --nodelay --connect 10.10.10.2:5001)
	echo "--nodelay: $times"
	check_sanitizers
	fast=$(awk '{ for (i = 2; i <= NF; i++) if ($i < 20) n++; print n + 0 }' <<<"$times")
	echo "requests 2 to 20 under 20 ms: $fast of 19"
	[ "$fast" -eq 19 ]
}
