#!/usr/bin/env bash
# make-07.sh - the measurements and the figure of lessons/07-speed.md.
#
#   sudo bash lessons/figures/make-07.sh [OUTDIR]     (default: lessons/figures)
#
# Bulk TCP, 1 GB each way, three rounds in which the targets take turns
# (so that a busy moment of the machine falls on all of them alike):
#
#   kernel         the kernel's TCP at both ends, across a veth pair
#                  between two namespaces (tcpsrvd: discard and chargen)
#   tcp_mini       tcp_mini's discard and chargen on tap0, offloads on
#   --no-offload   the same, tcp_mini --no-offload: a frame per segment
#   --uring        each of the two with --uring: io_uring instead of
#                  read() and write()
#
# The client is tests/bench/tcpload (1 MB per system call), built here from
# its source into a scratch folder.  For tcp_mini, besides the time: the
# frames it read and wrote (its exit summary: a tcp_mini of its own for
# each transfer), its system calls for frames (read() and write(), from
# /proc/PID/io syscr and syscw; io_uring_enter(), from its summary) and
# the CPU time it used (/proc/PID/stat: kernel time in its system calls,
# and io_uring's worker threads, included), each per MB moved.  Then,
# each round, 1-byte round trips on one connection (tcpload -m rr, 3 s):
# the loop of lessons 01-06 against --uring, with the system calls each
# made per round trip (ppoll() not counted).
#
# Prints a table of medians (and every run) on stdout; writes 07-bulk.svg,
# three panels of bars: MB/s, system calls per MB, CPU ms per MB.  The
# figures vary with the machine's load; the ratios are what repeat.
# About five minutes.
#
# Tools: ip (iproute2), cc, awk, sort; tcp_mini from this project (make).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here}
ns=tunlab-fig07-$$
k1=$ns-k1 k2=$ns-k2
work=$(mktemp -d)
ROUNDS=${ROUNDS:-3}
BYTES=$((1024 * 1048576))

say() { printf 'make-07: %s\n' "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { say "must run as root (network namespaces)"; exit 1; }
for t in ip cc awk sort; do
	command -v "$t" >/dev/null || { say "needs $t"; exit 1; }
done
[[ -x $top/tcp_mini/tcp_mini ]] || { say "tcp_mini is not built: run make first"; exit 1; }
mkdir -p "$out"

cleanup() {
	local n p
	for n in "$ns" "$k1" "$k2"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$n" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

for src in tcpload tcpsrvd; do
	cc -std=c11 -D_GNU_SOURCE -O2 -o "$work/$src" "$top/tests/bench/$src.c" \
		"$top/tests/bench/benchutil.c"
done

for n in "$ns" "$k1" "$k2"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$k1" link add v1 type veth peer name v2 netns "$k2"
ip -n "$k1" addr add 10.10.11.1/24 dev v1
ip -n "$k2" addr add 10.10.11.2/24 dev v2
ip -n "$k1" link set v1 up
ip -n "$k2" link set v2 up
ip netns exec "$k1" "$work/tcpsrvd" -a 10.10.11.1 -t 600 >"$work/srv.out" 2>/dev/null &
disown
for _ in $(seq 100); do grep -q ready "$work/srv.out" && break; sleep 0.05; done

# tcpload MODE NS DST: one transfer; prints its MB/s
load() {
	local port=9
	[[ $1 == recv ]] && port=19
	ip netns exec "$2" timeout 120 "$work/tcpload" -d "$3" -p $port -m "$1" -b $BYTES |
		awk '{ for (i = 1; i < NF; i++) if ($i == "mbytes_per_s") print $(i + 1) }'
}

# mini MODE [OPTIONS]: a tcp_mini of its own on tap0, one transfer; prints
# "MB/s frames_per_MB syscalls_per_MB cpu_ms_per_MB"
mini() {
	local mode=$1 pid mbs r0 w0 c0 r1 w1 c1
	shift
	pid=$(start "$@")
	read -r r0 w0 c0 < <(stats $pid)
	mbs=$(load "$mode" "$ns" 10.10.10.1)
	read -r r1 w1 c1 < <(stats $pid)
	stop $pid
	# With --uring the frames go through io_uring_enter(), which the
	# summary counts (its "uring enters" line), not syscr and syscw.
	awk -v mbs="$mbs" -v mb=$((BYTES / 1048576)) -v sc=$((r1 - r0 + w1 - w0)) -v ns=$((c1 - c0)) '
		$1 == "tcp_mini:" && $2 == "in" { frames = $3 + $5 }
		$1 == "tcp_mini:" && $2 == "uring" { sc += $4 }
		END { printf "%s %.1f %.1f %.2f\n", mbs, frames / mb, sc / mb, ns / 1e6 / mb }' "$work/tm.err"
}

# start OPTIONS: a tcp_mini of its own on tap0 (the last one's tap0 gone
# first: it goes with its program), addressed and up; prints its PID
start() {
	local pid
	while ip -n "$ns" link show tap0 >/dev/null 2>&1; do sleep 0.05; done
	ip netns exec "$ns" "$top/tcp_mini/tcp_mini" "$@" >"$work/tm.out" 2>"$work/tm.err" &
	pid=$!
	for _ in $(seq 100); do grep -q ready "$work/tm.out" && break; sleep 0.05; done
	ip -n "$ns" addr add 10.10.10.2/24 dev tap0
	ip -n "$ns" link set tap0 up
	ip netns exec "$ns" ping -c 1 -W 2 10.10.10.1 >/dev/null
	echo $pid
}

# stop PID: SIGTERM, and wait until it has written its summary and gone
# (not a child of this shell: start ran in a subshell)
stop() {
	kill "$1"
	while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}

# stats PID: read calls, write calls, CPU ns so far (user and system, all
# its threads: io_uring's workers too, in clock ticks)
stats() {
	awk '$1 == "syscr:" { r = $2 } $1 == "syscw:" { w = $2 } END { printf "%s %s ", r, w }' "/proc/$1/io"
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$1/stat"
}

# rr [OPTIONS]: 1-byte round trips for 3 s through tcp_mini's echo;
# prints "round_trips_per_s syscalls_per_round_trip"
rr() {
	local pid rate n r0 w0 r1 w1 enters
	pid=$(start "$@")
	read -r r0 w0 _ < <(stats $pid)
	read -r n rate < <(ip netns exec "$ns" timeout 20 "$work/tcpload" -d 10.10.10.1 -p 7 -m rr -s 1 -t 3 |
		awk '{ for (i = 1; i < NF; i++) { if ($i == "round_trips") n = $(i + 1)
			if ($i == "rate_per_s") r = $(i + 1) } } END { print n, r }')
	read -r r1 w1 _ < <(stats $pid)
	stop $pid
	# With --uring the frames go through io_uring_enter(), which the
	# summary counts (on its "uring enters" line), not syscr/syscw.
	enters=$(awk '$1 == "tcp_mini:" && $2 == "uring" { print $4 }' "$work/tm.err")
	awk -v n="$n" -v rate="$rate" -v sc=$((r1 - r0 + w1 - w0)) -v e="${enters:-0}" \
		'BEGIN { printf "%s %.1f\n", rate, (sc + e) / n }'
}

: >"$work/runs"
for round in $(seq "$ROUNDS"); do
	for mode in send recv; do
		say "round $round, $mode: kernel"
		echo "kernel $mode $(load $mode "$k2" 10.10.11.1) - - -" >>"$work/runs"
		say "round $round, $mode: tcp_mini"
		echo "tcp_mini $mode $(mini $mode)" >>"$work/runs"
		say "round $round, $mode: tcp_mini --uring"
		echo "--uring $mode $(mini $mode --uring)" >>"$work/runs"
		say "round $round, $mode: tcp_mini --no-offload"
		echo "--no-offload $mode $(mini $mode --no-offload)" >>"$work/runs"
		say "round $round, $mode: tcp_mini --no-offload --uring"
		echo "--no-offload,--uring $mode $(mini $mode --no-offload --uring)" >>"$work/runs"
	done
	say "round $round: round trips"
	echo "tcp_mini rr $(rr)" >>"$work/runs"
	echo "--uring rr $(rr --uring)" >>"$work/runs"
done

echo "Bulk TCP, 1 GB a transfer, MTU 1500, medians of $ROUNDS (every run below);"
echo "send: into discard (tcp_mini receives), recv: out of chargen (tcp_mini sends)."
echo "Per MB: tcp_mini's frames read and written, read() and write() calls, CPU ms."
echo
# The median of each figure, once, for the table and the figure: a line
# "TARGET DIR MB/s frames/MB syscalls/MB CPU-ms/MB" per target and
# direction, in the order they were first measured ("-": not measured).
awk '
	$2 != "rr" { k = $1 " " $2; if (!(k in n)) order[++o] = k; n[k]++
		for (f = 3; f <= 6; f++) v[k, f, n[k]] = $f }
	function median(k, f,   i, j, m, t, a) {
		m = n[k]
		for (i = 1; i <= m; i++) a[i] = v[k, f, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((m + 1) / 2)]
	}
	END {
		for (i = 1; i <= o; i++)
			print order[i], median(order[i], 3), median(order[i], 4),
				median(order[i], 5), median(order[i], 6)
	}' "$work/runs" >"$work/medians"
printf '%-21s %-5s %9s %10s %12s %11s\n' "" "" "MB/s" "frames/MB" "syscalls/MB" "CPU ms/MB"
awk '{ printf "%-21s %-5s %9s %10s %12s %11s\n", $1, $2, $3, $4, $5, $6 }' "$work/medians"
echo
echo "1-byte round trips on one connection through echo, 3 s; system calls per"
echo "round trip: read() and write(), or io_uring_enter() with --uring."
awk '$2 == "rr" { printf "%-13s %8s round trips/s  %5s system calls each\n", $1, $3, $4 }' "$work/runs"
echo
echo "every run:"
sed 's/^/  /' "$work/runs"

# The figure: three panels, bars per target for send and recv.
awk -v out="$out/07-bulk.svg" '
	{ k = $1 " " $2; n[k] = 1; for (f = 3; f <= 6; f++) med[k, f] = $f }
	function median(k, f) {
		return med[k, f]
	}
	function panel(x0, title, f, unit,   i, j, k, max, val, h, y, bx) {
		max = 0
		for (i = 1; i <= nw; i++) for (j = 1; j <= 2; j++) {
			k = who[i] " " dir[j]
			if ((k in n) && median(k, f) != "-" && median(k, f) + 0 > max) max = median(k, f) + 0
		}
		printf "<text x=\"%d\" y=\"24\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", x0, title > out
		printf "<line x1=\"%d\" y1=\"250\" x2=\"%d\" y2=\"250\" stroke=\"#000\"/>\n", x0, x0 + 250 > out
		for (j = 1; j <= 2; j++) {
			printf "<text x=\"%d\" y=\"290\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n", x0 + 62 + (j - 1) * 125, label[j] > out
			for (i = 1; i <= nw; i++) {
				k = who[i] " " dir[j]
				bx = x0 + 4 + (j - 1) * 125 + (i - 1) * 24
				if (!(k in n) || median(k, f) == "-") {
					printf "<text x=\"%d\" y=\"245\" font-size=\"9\" text-anchor=\"middle\">n/a</text>\n", bx + 11 > out
					continue
				}
				val = median(k, f) + 0
				h = max > 0 ? 185 * val / max : 0
				y = 250 - h
				printf "<rect x=\"%d\" y=\"%.1f\" width=\"22\" height=\"%.1f\" fill=\"%s\"/>\n", bx, y, h, color[i] > out
				printf "<text x=\"%d\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">%s</text>\n", bx + 11, y - 4, \
					sprintf(val >= 10 ? "%.0f" : "%.2g", val) > out
			}
		}
		printf "<text x=\"%d\" y=\"42\" font-size=\"11\" fill=\"#555\">%s</text>\n", x0, unit > out
	}
	END {
		nw = 5
		who[1] = "kernel"; who[2] = "tcp_mini"; who[3] = "--uring"
		who[4] = "--no-offload"; who[5] = "--no-offload,--uring"
		color[1] = "#888888"; color[2] = "#1f77b4"; color[3] = "#9ecae1"
		color[4] = "#d62728"; color[5] = "#fc9272"
		dir[1] = "send"; dir[2] = "recv"
		label[1] = "into discard"; label[2] = "out of chargen"
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"840\" height=\"340\" font-family=\"sans-serif\">\n" > out
		printf "<rect width=\"840\" height=\"340\" fill=\"#fff\"/>\n" > out
		panel(20, "MB/s", 3, "1 GB a transfer, median")
		panel(300, "system calls per MB", 5, "tcp_mini: read(), write(), io_uring_enter()")
		panel(580, "CPU ms per MB", 6, "tcp_mini, its system calls included")
		legend[1] = "the kernel at both ends (veth)"; legend[2] = "tcp_mini"
		legend[3] = "tcp_mini --uring"; legend[4] = "tcp_mini --no-offload"
		legend[5] = "--no-offload --uring"
		lx[1] = 20; lx[2] = 220; lx[3] = 310; lx[4] = 440; lx[5] = 600
		for (i = 1; i <= nw; i++) {
			printf "<rect x=\"%d\" y=\"310\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx[i], color[i] > out
			printf "<text x=\"%d\" y=\"321\" font-size=\"11\">%s</text>\n", lx[i] + 16, legend[i] > out
		}
		print "</svg>" > out
		close(out)
	}' "$work/medians"
say "wrote $out/07-bulk.svg"
