#!/usr/bin/env bash
# loss.sh: `make bench-loss`, TCP on a wire that loses segments.  tcp_mini
# against the kernel's TCP, the same client, the same loss, the same run.
#
# The wire (every namespace made here, deleted on exit):
#
#   [P] eth0 10.10.10.2 --veth-- p0 -+
#                                    |  [B] br0, a Linux bridge:
#   [K] eth0 10.10.10.3 --veth-- k0 -+       nftables drops TCP frames
#                                    |       at random, both directions
#       tcp_mini 10.10.10.1 -- tap0 -+       (bridge family, forward hook)
#
# P is the kernel's client (nc).  K is the reference: tcpsrvd, the kernel's
# own TCP serving discard (9) and chargen (19) as tcp_mini does.  tcp_mini
# runs in B, attached to tap0, a port of the bridge.
#
# Where the loss is, and why there: in the bridge, between the two ends, on
# what crosses it.  A drop in the sending host's own output path is not a
# loss for Linux TCP (it sees the failed transmit and sends again at once),
# and its packets there are still 64 KB GSO packets, cut up only at the
# device: one drop there is ~45 segments.  So P's and K's eth0 have
# gso_max_segs 1 (one segment per packet the kernel's TCP hands down), and
# a drop in the bridge is one segment on the wire.  tcp_mini writes one
# segment per frame anyway.
#
# Cases, each at each loss rate, each run 3 times (the median is printed):
#   into discard   P sends BENCH_LOSS_KB into port 9 (tcp_mini receives)
#   out of chargen P reads BENCH_LOSS_KB from port 19 (tcp_mini sends)
# A run that does not finish in BENCH_LOSS_LIMIT seconds counts as that
# limit and is shown as "> LIMIT".  The ratio is tcp_mini's median over the
# kernel's: 1 is as fast as Linux; "worst" is tcp_mini's slowest run over
# the kernel's median (lesson 06's aims: ratio <= 2, worst <= 10).
#
# Then a bottleneck (BENCH_LOSS_BOTTLENECK, default 1; 0 skips it): no
# bridge, no nftables: tcp_mini in a namespace of its own with its own
# fault injection, --delay 10 --rate 100 each way (a 100 Mbit/s path with a
# 20 ms round trip and a 100-frame queue, tail drop), and P's nc reading
# BENCH_LOSS_BOTTLENECK_MB from chargen with each of --cc cubic, reno and
# none: goodput in MB/s and as a share of the 12.5 MB/s the link carries
# (frames: 1514 bytes carry 1448 of data, so 95.6% is the most there is).
#
# Usage (as root):  make bench-loss      or      bash tests/bench/loss.sh
# Environment:
#   BENCH_LOSS_RATES    percent lost, each way (default "1 2 5 10"; 0..50,
#                       one decimal at most: 0.5)
#   BENCH_LOSS_KB       kilobytes per transfer (default 20480, 1..1048576)
#   BENCH_LOSS_LIMIT    seconds a run may take (default 120, 5..600)
#   BENCH_LOSS_BOTTLENECK, BENCH_LOSS_BOTTLENECK_MB
#                       the bottleneck case: 1 or 0 (default 1); megabytes
#                       read from chargen (default 50, 1..1000)
#   BENCH_LOSS_RUNS     runs per case (default 3, 1..11)
#   BIN_DIR             where tcp_mini is: BIN_DIR/tcp_mini/tcp_mini
#   CC                  compiler for tcpsrvd (default cc)
# Tools: ip (iproute2), nft (nftables), nc (netcat-openbsd), timeout and
# head (coreutils), awk.  Exit status: 0 if every case ran, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN_DIR=${BIN_DIR:-$root}
RATES=${BENCH_LOSS_RATES:-1 2 5 10}
KB=${BENCH_LOSS_KB:-20480}
LIMIT=${BENCH_LOSS_LIMIT:-120}
BOTTLENECK=${BENCH_LOSS_BOTTLENECK:-1}
BOTTLENECK_MB=${BENCH_LOSS_BOTTLENECK_MB:-50}
RUNS=${BENCH_LOSS_RUNS:-3}
CC=${CC:-cc}

say() { printf 'bench-loss: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
check_int() {	# NAME VALUE MIN MAX
	if [[ ! $2 =~ ^[0-9]+$ ]] || (( 10#$2 < $3 || 10#$2 > $4 )); then
		say "$1 is \"$2\": must be a whole number from $3 to $4"
		exit 2
	fi
}
check_int BENCH_LOSS_KB "$KB" 1 1048576
check_int BENCH_LOSS_LIMIT "$LIMIT" 5 600
check_int BENCH_LOSS_RUNS "$RUNS" 1 11
check_int BENCH_LOSS_BOTTLENECK "$BOTTLENECK" 0 1
check_int BENCH_LOSS_BOTTLENECK_MB "$BOTTLENECK_MB" 1 1000
for r in $RATES; do
	[[ $r =~ ^[0-9]+(\.[0-9])?$ ]] && awk -v r="$r" 'BEGIN { exit !(r <= 50) }' ||
		{ say "BENCH_LOSS_RATES: \"$r\" is not a percentage from 0 to 50"; exit 2; }
done
[[ $(id -u) -eq 0 ]] || die "must run as root: it creates network namespaces (sudo make bench-loss)"
for tool in ip nft nc timeout head awk; do
	command -v "$tool" >/dev/null ||
		die "needs '$tool' (Debian: apt-get install iproute2 nftables netcat-openbsd coreutils gawk)"
done
tcp_mini=$BIN_DIR/tcp_mini/tcp_mini
[[ -x $tcp_mini ]] || tcp_mini=$BIN_DIR/tcp_mini
[[ -x $tcp_mini ]] || die "tcp_mini is not built: run make first"
tcpsrvd=$here/tcpsrvd
if [[ ! -x $tcpsrvd || $tcpsrvd.c -nt $tcpsrvd ]]; then
	say "building $tcpsrvd with $CC"
	read -r -a cc_cmd <<<"$CC"
	"${cc_cmd[@]}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
		-o "$tcpsrvd" "$tcpsrvd.c" "$here/benchutil.c"
fi

# --- the wire, and its cleanup --------------------------------------------
prefix="tlloss-$$"
P=$prefix-p B=$prefix-b K=$prefix-k N=$prefix-n
tmp=$(mktemp -d /tmp/tlloss.XXXXXX)
pids=()
cleanup() {
	local rc=$? ns p
	trap - EXIT
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for ns in "$P" "$B" "$K" "$N"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in "$P" "$B" "$K"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
done
ip -n "$B" link add br0 type bridge
ip -n "$B" link set br0 up
for end in p:"$P":10.10.10.2 k:"$K":10.10.10.3; do
	IFS=: read -r n ns addr <<<"$end"
	ip -n "$B" link add "${n}0" type veth peer name eth0 netns "$ns"
	ip -n "$B" link set "${n}0" master br0 up
	ip -n "$ns" link set eth0 gso_max_segs 1
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
done
ip -n "$B" tuntap add dev tap0 mode tap
ip -n "$B" link set tap0 master br0 up

# loss PERCENT: drop that share of TCP frames crossing the bridge, each way
loss() {
	local permille
	permille=$(awk -v r="$1" 'BEGIN { printf "%d", r * 10 + 0.5 }')
	ip netns exec "$B" nft delete table bridge tunlab_loss 2>/dev/null || true
	ip netns exec "$B" nft -f - <<-EOF
	table bridge tunlab_loss {
		chain forward {
			type filter hook forward priority 0; policy accept;
			ip protocol tcp numgen random mod 1000 < $permille counter drop
		}
	}
	EOF
}

wait_ready() {	# FILE: its "ready" line, at most 10 s
	local i
	for i in $(seq 100); do
		grep -q '^ready' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

ip netns exec "$B" "$tcp_mini" --dev tap0 >"$tmp/mini.out" 2>"$tmp/mini.err" &
pids+=($!)
wait_ready "$tmp/mini.out" || die "tcp_mini did not start: $(cat "$tmp/mini.err")"
ip netns exec "$K" "$tcpsrvd" -a 10.10.10.3 -t 36000 >"$tmp/srvd.out" 2>"$tmp/srvd.err" &
pids+=($!)
wait_ready "$tmp/srvd.out" || die "tcpsrvd did not start: $(cat "$tmp/srvd.err")"
head -c $((KB * 1024)) /dev/urandom >"$tmp/data"

# one CASE ADDR: seconds for one transfer (LIMIT if it did not finish or
# came up short), on stdout
one() {
	local t0 t1 ok=1 got
	t0=$(date +%s.%N)
	case $1 in
	discard)
		timeout "$LIMIT" ip netns exec "$P" nc -N "$2" 9 <"$tmp/data" >/dev/null 2>&1 || ok= ;;
	chargen)
		got=$(timeout "$LIMIT" ip netns exec "$P" sh -c "nc -d $2 19 | head -c $((KB * 1024)) | wc -c" 2>/dev/null) || ok=
		[ "${got:-0}" -eq $((KB * 1024)) ] || ok= ;;
	esac
	t1=$(date +%s.%N)
	if [ -n "$ok" ]; then awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
	else echo "$LIMIT"; fi
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
shown() { awk -v s="$1" -v l="$LIMIT" 'BEGIN { if (s + 0 >= l) printf "> %d s", l; else printf "%.2f s", s }'; }

say "tcp_mini $(basename "$tcp_mini") against the kernel; ${KB} KB a transfer, $RUNS runs a case, at most $LIMIT s a run"
out=$tmp/table
{
	echo "TCP on a lossy wire: loss in a bridge between the two ends, TCP frames only, each way"
	echo "(nftables, bridge family, forward hook; senders at one segment per packet)."
	echo "Medians of $RUNS runs; ratio = tcp_mini / kernel, 1 is as fast as Linux."
	echo
	printf '%-34s %-9s %-9s %-7s %-7s %s\n' "case" "tcp_mini" "kernel" "ratio" "worst" \
		"each run, s (tcp_mini; kernel)"
} >"$out"
status=0
for r in $RATES; do
	loss "$r"
	for c in discard chargen; do
		m=() k=()
		for _ in $(seq "$RUNS"); do
			m+=("$(one "$c" 10.10.10.1)")
			k+=("$(one "$c" 10.10.10.3)")
		done
		mm=$(echo "${m[*]}" | median)
		km=$(echo "${k[*]}" | median)
		if [ "$c" = discard ]; then what="$KB KB into discard (tcp_mini receives)"
		else what="$KB KB out of chargen (tcp_mini sends)"; fi
		ratio=$(awk -v a="$mm" -v b="$km" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
		[ "$(awk -v a="$mm" -v l="$LIMIT" 'BEGIN { print (a >= l) }')" = 1 ] && ratio="> $ratio"
		worst=$(echo "${m[*]}" | tr ' ' '\n' | sort -g | tail -1)
		worst=$(awk -v a="$worst" -v b="$km" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
		printf '%-34s %-9s %-9s %-7s %-7s %s; %s\n' "$r% loss, ${what%% (*}" "$(shown "$mm")" \
			"$(shown "$km")" "$ratio" "$worst" "${m[*]}" "${k[*]}" >>"$out"
		say "$r% loss, $what: tcp_mini ${m[*]} s, kernel ${k[*]} s"
		[ "$(awk -v a="$km" -v l="$LIMIT" 'BEGIN { print (a >= l) }')" = 1 ] && status=1
	done
done
{
	echo
	echo "frames the bridge dropped at $r% loss: $(ip netns exec "$B" nft list table bridge tunlab_loss | grep -o 'packets [0-9]*' | head -1 | cut -d' ' -f2)"
	echo "tcp_mini's own counters after the runs:"
} >>"$out"
kill -TERM "${pids[0]}" 2>/dev/null || true
wait "${pids[0]}" 2>/dev/null || true
grep '^tcp_mini: ' "$tmp/mini.err" | sed 's/^/  /' >>"$out" || true

# --- the bottleneck -------------------------------------------------------
if [ "$BOTTLENECK" = 1 ]; then
	ip netns add "$N"
	ip -n "$N" link set lo up
	{
		echo
		echo "A bottleneck: tcp_mini --delay 10 --rate 100 (each way: 20 ms round trip,"
		echo "100 Mbit/s, a queue of 100 frames); nc reads $BOTTLENECK_MB MB from chargen."
		printf '%-8s %-10s %-10s %s\n' "--cc" "seconds" "MB/s" "share of 12.5 MB/s"
	} >>"$out"
	for cc in cubic reno none; do
		ip netns exec "$N" "$tcp_mini" --delay 10 --rate 100 --cc "$cc" \
			>"$tmp/bn.out" 2>"$tmp/bn.err" &
		bn=$!
		wait_ready "$tmp/bn.out" || die "tcp_mini did not start: $(cat "$tmp/bn.err")"
		ip -n "$N" addr add 10.10.10.2/24 dev tap0
		ip -n "$N" link set tap0 up
		t0=$(date +%s.%N)
		got=$(timeout "$LIMIT" ip netns exec "$N" sh -c \
			"nc -d 10.10.10.1 19 | head -c $((BOTTLENECK_MB * 1048576)) | wc -c" 2>/dev/null) || got=0
		t1=$(date +%s.%N)
		kill -TERM "$bn" 2>/dev/null || true
		wait "$bn" 2>/dev/null || true
		awk -v a="$t0" -v b="$t1" -v n="$got" -v want=$((BOTTLENECK_MB * 1048576)) -v cc="$cc" 'BEGIN {
			s = b - a
			if (n < want) { printf "%-8s %-10s %-10s %s\n", cc, "failed", "-", "-"; exit }
			printf "%-8s %-10.2f %-10.2f %.0f%%\n", cc, s, n / s / 1e6, n / s / 12.5e6 * 100
		}' >>"$out"
		say "bottleneck, --cc $cc: $(tail -1 "$out")"
		grep '^tcp_mini: faults' "$tmp/bn.err" | sed 's/^/  /' >>"$out" || true
	done
fi
cat "$out"
exit $status
