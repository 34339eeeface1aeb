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
# which runs several times slower, the bulk transfers are smaller (size_mb).
# Run: sudo bats tests/06-tcp-bad-network.bats

load helpers

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
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -n "${CAPTURE_PID:-}" ] && stop_capture
	if [ -n "${PEER:-}" ]; then
		for p in $(ip netns pids "$PEER" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$PEER" 2>/dev/null || true
	fi
	teardown_ns
}

# size_mb PLAIN SAN: megabytes for a bulk transfer on this build.
size_mb() {
	if [[ "$BIN" == *san* ]]; then echo "$2"; else echo "$1"; fi
}

start_tcp() {
	start_stack tcp_mini "$@"
	kernel_side tap0
}

hash_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# same_content A B: equal sizes and hashes (the sizes said when not).
same_content() {
	local a b
	a=$(stat -c %s "$1")
	b=$(stat -c %s "$2")
	if [ "$a" != "$b" ] || [ "$(hash_of "$1")" != "$(hash_of "$2")" ]; then
		echo "content differs: $1 $a bytes, $2 $b bytes" >&2
		return 1
	fi
}

# chargen_expected BYTES: RFC 864's stream, computed here (as in 05).
chargen_expected() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < 95; i++) ring = ring sprintf("%c", 32 + i)
		ring = ring ring
		lines = int(n / 74) + 1
		for (l = 0; l < lines; l++)
			printf "%s\r\n", substr(ring, l % 95 + 1, 72)
	}' | head -c "$1"
}

# summary_count NAME: a counter of the exit summary's first line (in, out,
# loss_in, loss_out) or of its faults line (dup_in, reordered_out, ...).
summary_count() {
	awk -v k="$1" '$1 == "tcp_mini:" && ($2 == "in" || $2 == "faults") {
		for (i = 2; i < NF; i++) if ($i == k) n = $(i + 1)
	} END { print n + 0 }' "$ERR"
}

# cookies sent|accepted: from the summary's syn_cookies line (0 if none).
cookies() {
	awk -v k="$1" '$1 == "tcp_mini:" && $2 == "syn_cookies" {
		for (i = 3; i < NF; i++) if ($i == k) n = $(i + 1)
	} END { print n + 0 }' "$ERR"
}

# echo_through FILE SECONDS: FILE through tcp_mini's echo with nc -N, in
# at most SECONDS; what came back must be FILE exactly.
echo_through() {
	local t0
	t0=$(date +%s%3N)
	timeout "$2" ip netns exec "$NS" nc -N 10.10.10.1 7 <"$1" >"$T/echoed"
	echo "$(stat -c %s "$1") bytes through echo in $(($(date +%s%3N) - t0)) ms" | tee -a /tmp/t06.log
	same_content "$1" "$T/echoed"
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
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 10 4)
	head -c "${mb}M" /dev/urandom >"$T/in"
	start_tcp --loss 5 --seed 11
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

@test "tcp_mini lesson 06: --loss 10: 20 MB into discard, and 20 MB out of chargen, intact within 60 s each" {
	require_tool nc netcat-openbsd
	local mb bytes t0 want got
	mb=$(size_mb 20 5)
	bytes=$((mb * 1048576))
	start_tcp --loss 10 --seed 12
	# Into discard: nc -N exits 0 only once the stack's FIN came back,
	# which discard sends after the FIN that follows every byte.
	t0=$(date +%s%3N)
	run bash -c "head -c $bytes /dev/zero | timeout 60 ip netns exec $NS nc -N 10.10.10.1 9"
	echo "discard: status $status after $(($(date +%s%3N) - t0)) ms" | tee -a /tmp/t06.log
	[ "$status" -eq 0 ]
	# Out of chargen: the first BYTES of RFC 864's stream, by hash.
	want=$(chargen_expected "$bytes" | sha256sum | cut -d' ' -f1)
	t0=$(date +%s%3N)
	got=$(timeout 60 ip netns exec "$NS" nc -d 10.10.10.1 19 </dev/null |
		head -c "$bytes" | sha256sum | cut -d' ' -f1)
	echo "chargen: $(($(date +%s%3N) - t0)) ms" | tee -a /tmp/t06.log
	[ "$got" = "$want" ]
	stop_stack
	cat "$ERR"
	[ "$(summary_count loss_in)" -gt 0 ]
	[ "$(summary_count loss_out)" -gt 0 ]
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
	echo "--connect: ${mb} MB in $(($(date +%s%3N) - t0)) ms; the bridge dropped $(bridge_dropped) frames" | tee -a /tmp/t06.log
	[ "$CLIENT_RC" -eq 0 ]
	wait "${BG_PIDS[0]}"
	same_content "$T/to_kernel" "$T/got_kernel"
	[ "$(bridge_dropped)" -gt 0 ]
	# The loss was the bridge's, not the program's own.
	[ "$(summary_count loss_out)" -eq 0 ]
}
