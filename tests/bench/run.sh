#!/usr/bin/env bash
#
# run.sh: the `make bench` driver. Measures how fast each rung of the ladder
# answers ICMP echo, and how fast udp_echo answers UDP echo, next to the
# Linux kernel answering the same thing.
#
# What it does, in order:
#   1. Builds tests/bench/echoload, udpload and udpechod if they are missing
#      or older than their source.
#   2. kernel-veth: two network namespaces joined by a veth pair; echoload in
#      one pings the kernel of the other (10.10.11.2 -> 10.10.11.1). This is
#      the baseline: the cost of the same socket calls with no user-space
#      stack in the path.
#   3. Each rung that is built (tun_echo, icmp_reply, tap_arp, udp_echo,
#      tcp_mini): a namespace of its own; the program is started inside it,
#      we wait for its "ready" line, give the kernel side of its device
#      10.10.10.2/24 and ping the stack at 10.10.10.1. A rung not built yet
#      gets a "not built" line and is skipped.
#   4. For every target: echoload with 1 and with 32 requests in flight,
#      then `ping -f`.  Every rung twice: with its plain loop and with
#      --uring (lesson 07: the device through io_uring), as NAME+uring;
#      the UDP and TCP targets below too.
#   5. UDP: udpload against udp_echo (and tcp_mini, when built: rung 5 keeps
#      rung 4's UDP echo) at 10.10.10.1:7 through tap0, and against udpechod,
#      a recvfrom/sendto loop on the kernel's stack, across a veth pair
#      (10.10.11.2 -> 10.10.11.1:7): 64-byte datagrams with 1 and 32 in
#      flight, 1472 and 8000 bytes with 32 in flight.
#   6. TCP, tcp_mini against tcpsrvd (the kernel's TCP with a process per
#      connection serving echo, discard and chargen) across a veth pair,
#      the same client for both, at MTU 1500. tcp_mini runs in both of its
#      modes: with the virtio-net header's offloads (the default since
#      lesson 07: TCP segments of up to 64 KB per read() and write(), the
#      kernel cuts and checksums them) and with --no-offload (one frame of
#      at most 1514 bytes per system call, as before lesson 07).
#      a. Bulk: tcpload -m send into discard (9) and -m recv out of
#         chargen (19), BENCH_TCP_MB each way, 1 MB per system call (so
#         that the client is not the bottleneck; nc is), BENCH_TCP_RUNS
#         times each, the three targets taking turns, medians reported.
#         Each of tcp_mini's transfers gets a tcp_mini of its own, so that
#         its exit summary ("tcp_mini: in N out N ...") counts that
#         transfer's frames; its system calls come from /proc/PID/io.
#         No byte lost: the server's FIN after ours, a byte count.
#      b. Then, per target (a tcp_mini per mode): a hash of 64 MB of the
#         chargen stream, by nc, against RFC 864's pattern; tcpload's
#         round trips per second on one echo connection (1 and 1460
#         bytes); 64 echo connections at once, 1 MB each, every byte
#         compared (BENCH_TCP_RUNS times, median); tcp_mini's peak RSS
#         (VmHWM) after them; the tap's tx_dropped.
#   7. The ceiling: iperf3 between two kernel namespaces across a veth
#      pair (installed if missing), one stream for BENCH_SECONDS.
#   8. The tables, then the aims of lesson 07's issue as one check line
#      each (PASS or BELOW; BELOW does not fail the bench), on stdout and
#      in $BENCH_OUT.
#
# Safety: everything happens inside namespaces named tlbench-<our pid>-*,
# created here and deleted on exit (trap EXIT), whatever happens. Nothing
# touches the host namespace's interfaces, addresses or routes, and no
# packet leaves those namespaces. Every load is bounded in time and count,
# and every wait is bounded.
#
# Usage (as root):  make bench      or      bash tests/bench/run.sh
# Environment:
#   BIN_DIR             where the rungs are: BIN_DIR/tun_echo/tun_echo (the
#                       build tree, default: project root) or BIN_DIR/tun_echo
#                       (an installed bin directory)
#   BENCH_OUT           where to write the table (default tests/bench/last-run.txt)
#   BENCH_SECONDS       length of each echoload and udpload run (default 3, 1..60)
#   BENCH_PING_COUNT    ping -f count (default 20000, 1..1000000)
#   BENCH_MAX_REQUESTS  cap on requests per echoload run, and on datagrams per
#                       udpload run (default 10000000)
#   BENCH_TCP_MB        megabytes per bulk TCP transfer (default 1024, 1..16384)
#   BENCH_TCP_RUNS      bulk transfers per target and direction, and 64-connection
#                       runs per target; the median is reported (default 3, 1..9)
#   CC                  compiler for the bench tools (default cc)
# Exit status: 0 if every built target was measured, 1 if any failed,
# 2 on a bad environment setting.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

BIN_DIR=${BIN_DIR:-$root}
BENCH_OUT=${BENCH_OUT:-$root/tests/bench/last-run.txt}
BENCH_SECONDS=${BENCH_SECONDS:-3}
BENCH_PING_COUNT=${BENCH_PING_COUNT:-20000}
BENCH_MAX_REQUESTS=${BENCH_MAX_REQUESTS:-10000000}
BENCH_TCP_MB=${BENCH_TCP_MB:-1024}
BENCH_TCP_RUNS=${BENCH_TCP_RUNS:-3}
CC=${CC:-cc}

# The in-flight counts to measure: 1 shows latency, 32 shows throughput.
INFLIGHTS=(1 32)
# ping -f gives up after this many seconds even if replies are missing.
PING_DEADLINE=30
# How long a stack gets to print "ready", and to exit after SIGTERM.
READY_TENTHS=50
STOP_TENTHS=50

# The rungs: binary name and device name (see shared contract).
RUNGS=(tun_echo:tun0 icmp_reply:tun0 tap_arp:tap0 udp_echo:tap0 tcp_mini:tap0)

# UDP: the rungs that answer UDP echo on port 7, and the udpload runs, as
# datagram size:in-flight. 64 bytes shows datagrams per second (latency at
# 1 in flight, throughput at 32); 1472 is the largest datagram that fits a
# 1500-byte frame; 8000 is cut in 6 fragments each way (by the kernel on
# the way in, by the rung on the way back) and reassembled at each end.
UDP_RUNGS=(udp_echo:tap0 tcp_mini:tap0)
UDP_RUNS=(64:1 64:32 1472:32 8000:32)
UDP_PORT=7

# TCP: the round-trip sizes (1 byte: pure latency; 1460: one full segment
# at MTU 1500), the connections held at once, the bytes each sends, and
# the megabytes of chargen whose hash is checked (hashing costs more than
# the transfer, so it is a run of its own, not the timed one).
TCP_RR_SIZES=(1 1460)
TCP_CONNS=64
TCP_CONN_BYTES=1048576
TCP_HASH_MB=64

prefix="tlbench-$$"
bench_start=$SECONDS	# bash counts the seconds since it started

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# Check an integer setting: name, value, min, max. Exit 2 if it is wrong.
check_int() {
	if [[ ! $2 =~ ^[0-9]+$ ]] || (( 10#$2 < $3 || 10#$2 > $4 )); then
		printf 'bench: %s is "%s": must be a whole number from %s to %s\n' \
			"$1" "$2" "$3" "$4" >&2
		exit 2
	fi
	# Normalise ("08" -> "8") so the tools we hand it to agree on its value.
	printf -v "$1" '%d' "$((10#$2))"
}

check_int BENCH_SECONDS "$BENCH_SECONDS" 1 60
check_int BENCH_PING_COUNT "$BENCH_PING_COUNT" 1 1000000
check_int BENCH_MAX_REQUESTS "$BENCH_MAX_REQUESTS" 1 1000000000
check_int BENCH_TCP_MB "$BENCH_TCP_MB" 1 16384
check_int BENCH_TCP_RUNS "$BENCH_TCP_RUNS" 1 9

if [[ $(id -u) -ne 0 ]]; then
	die "must run as root: it creates network namespaces and raw sockets (try: sudo make bench)"
fi
for tool in ip ping timeout awk sysctl; do
	command -v "$tool" >/dev/null || die "needs '$tool' (Debian: apt-get install iproute2 iputils-ping coreutils gawk procps)"
done

for tool in nc sha256sum head wc; do
	command -v "$tool" >/dev/null || die "needs '$tool' (Debian: apt-get install netcat-openbsd coreutils)"
done

# iperf3, for the ceiling (step 7 above): installed here if it is missing, as
# the tests install what they run (tests/deps.sh). Without it the bench
# still runs, with a note instead of the ceiling. (Debian's package asks
# whether to start an iperf3 daemon at boot; unattended, the answer is its
# default, no.)
# shellcheck source=tests/deps.sh
. "$root/tests/deps.sh"
have_iperf3=1
if ! need_tools iperf3:iperf3 >&2; then
	have_iperf3=0
fi

# --- cleanup: runs however we exit ------------------------------------------

created_ns=()      # every namespace we made, to delete on exit
stack_pid=""       # the rung program running right now, if any
srvd_pid=""        # tcpsrvd, while the TCP section runs (beside tcp_mini)
tmp=$(mktemp -d /tmp/tlbench.XXXXXX)

# shellcheck disable=SC2317  # (called by the trap, which shellcheck cannot see)
cleanup() {
	local rc=$?
	trap - EXIT
	# A namespace outlives "ip netns del" while a process is inside it, so
	# stop the program first.
	if [[ -n $stack_pid ]]; then
		stop_stack >/dev/null 2>&1 || true
	fi
	if [[ -n $srvd_pid ]]; then
		stop_proc "$srvd_pid" >/dev/null 2>&1 || true
	fi
	local ns
	for ns in "${created_ns[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
# Ctrl-C or kill: exit, which runs the EXIT trap above.
trap 'exit 130' INT
trap 'exit 143' TERM

# Make a namespace of ours, with loopback up and without IPv6 (so the
# kernel does not send router solicitations into the device under test).
ns_add() {
	ip netns add "$1" || return 1
	created_ns+=("$1")
	ip -n "$1" link set lo up || return 1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
}

# --- the rung programs --------------------------------------------------------

# Is this pid alive? (A zombie, exited but not yet reaped, is not.)
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[[ ${st:0:1} != Z ]]
}

# Where a rung's binary is, or fail: the build tree, then a bin directory.
find_bin() {
	local cand
	for cand in "$BIN_DIR/$1/$1" "$BIN_DIR/$1"; do
		if [[ -f $cand && -x $cand ]]; then
			printf '%s\n' "$cand"
			return 0
		fi
	done
	return 1
}

# wait_ready NAME: wait for the line starting with "ready" that the program
# started as $stack_pid prints on $tmp/NAME.out. On failure, stop it.
wait_ready() {
	local name=$1 i
	for ((i = 0; i < READY_TENTHS; i++)); do
		if grep -q '^ready' "$tmp/$name.out"; then
			break
		fi
		if ! alive "$stack_pid"; then
			say "$name exited before saying ready; its stderr:"
			sed 's/^/    /' "$tmp/$name.err" >&2
			wait "$stack_pid" || true
			stack_pid=""
			return 1
		fi
		sleep 0.1
	done
	if ((i == READY_TENTHS)); then
		say "$name did not print 'ready' within $((READY_TENTHS / 10)) s"
		stop_stack || true
		return 1
	fi
}

# start_stack NAME BINARY DEVICE NAMESPACE [OPTION...]: run it (with the
# options, if any), wait for "ready", then configure the kernel side of the
# device as the contract says.
start_stack() {
	local name=$1 bin=$2 dev=$3 ns=$4
	shift 4
	ip netns exec "$ns" "$bin" -d "$dev" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	stack_pid=$!
	wait_ready "$name" || return 1
	if ! ip -n "$ns" addr add 10.10.10.2/24 dev "$dev" ||
		! ip -n "$ns" link set "$dev" up; then
		say "$name is ready but its device $dev could not be configured"
		stop_stack || true
		return 1
	fi
}

# Stop the running rung with SIGTERM (the contract: it exits 0), wait for
# it, and fall back to SIGKILL if it has not gone after STOP_TENTHS/10 s.
# Returns 0 only if it exited 0.
stop_stack() {
	local pid=$stack_pid
	stack_pid=""
	stop_proc "$pid"
}

# stop_proc PID: the same for any process of ours started in the background.
stop_proc() {
	local pid=$1 i rc=0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < STOP_TENTHS; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		say "pid $pid still running $((STOP_TENTHS / 10)) s after SIGTERM; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

# gone_early LABEL: if the rung program ($stack_pid) has already ended,
# before we stopped it, say so: a measurement that failed then failed for
# that reason. Its exit summary (printed when it takes SIGTERM or SIGINT)
# is in the raw section; with no error line before it, the signal came
# from outside this script, which signals only the processes it started.
gone_early() {
	[[ -n $stack_pid ]] || return 0
	alive "$stack_pid" && return 0
	notes+=("$1: the program had exited before the bench stopped it; its stderr: $(tail -n 5 "$tmp/${1%%[ +]*}.err" | tr '\n' ' ')")
}

# --- measuring ----------------------------------------------------------------

# Results, keyed "target,inflight" or "target".
declare -A rate loss p50 p90 p99 ping_mean ping_rate
targets=()         # measured targets, in order
notes=()           # skipped and failed targets, one line each
details=()         # raw tool output, for the record
failed=0

# The value after KEY in a "key value key value" line.
field() {
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$1"
}

# measure TARGET NAMESPACE DST: echoload at each in-flight count, then ping -f.
measure() {
	local target=$1 ns=$2 dst=$3 n line out sent lost tx rx ms avg

	# Reachable at all? Also resolves ARP for the TAP rungs before timing.
	if ! timeout 10 ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -W 1 "$dst" >/dev/null 2>&1; then
		notes+=("$target: FAILED: no reply to a plain ping of $dst")
		return 1
	fi

	for n in "${INFLIGHTS[@]}"; do
		say "$target: echoload -n $n for ${BENCH_SECONDS} s"
		# timeout: echoload stops by itself; this is only a backstop.
		if ! line=$(timeout $((BENCH_SECONDS + 15)) ip netns exec "$ns" \
			"$echoload" -d "$dst" -n "$n" -t "$BENCH_SECONDS" -c "$BENCH_MAX_REQUESTS"); then
			notes+=("$target: FAILED: echoload -n $n did not complete")
			return 1
		fi
		details+=("$target echoload -n $n: $line")
		sent=$(field "$line" sent)
		lost=$(field "$line" lost)
		rate[$target,$n]=$(field "$line" rate_per_s)
		loss[$target,$n]=$(awk -v s="$sent" -v l="$lost" \
			'BEGIN { printf "%.2f%%", (s ? 100 * l / s : 0) }')
		p50[$target,$n]=$(field "$line" p50_us)
		p90[$target,$n]=$(field "$line" p90_us)
		p99[$target,$n]=$(field "$line" p99_us)
	done

	say "$target: ping -f -c $BENCH_PING_COUNT"
	# ping exits 1 when some replies are missing; that is a result, not an error.
	out=$(timeout $((PING_DEADLINE + 10)) ip netns exec "$ns" \
		ping -f -q -n -c "$BENCH_PING_COUNT" -w "$PING_DEADLINE" "$dst" 2>&1) || true
	# "20000 packets transmitted, 20000 received, 0% packet loss, time 191ms"
	# "rtt min/avg/max/mdev = 0.002/0.004/0.104/0.006 ms, ipg/ewma ..."
	tx=$(awk '/packets transmitted/ { print $1 }' <<<"$out")
	rx=$(awk '/packets transmitted/ { print $4 }' <<<"$out")
	ms=$(sed -n 's/.*, time \([0-9]*\)ms.*/\1/p' <<<"$out")
	avg=$(sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$out")
	details+=("$target ping -f: $(grep -E 'transmitted|rtt' <<<"$out" | tr '\n' ' ')")
	if [[ -n $tx && -n $ms && -n $avg ]]; then
		ping_mean[$target]=$(awk -v a="$avg" 'BEGIN { printf "%.1f", a * 1000 }')
		# rate = replies / elapsed; ping's own "time" is the elapsed time.
		# (An "if", not "printf ..., t > 0 ? ...": in awk's printf a bare
		# ">" is an output redirection, to a file named "0".)
		ping_rate[$target]=$(awk -v r="$rx" -v t="$ms" \
			'BEGIN { if (t > 0) printf "%.0f", r * 1000 / t; else print "-" }')
	else
		notes+=("$target: ping -f gave no usable summary: $(tr '\n' ' ' <<<"$out")")
	fi
	targets+=("$target")
}

# UDP results, keyed "target,size,inflight".
declare -A urate umbps uloss umism up50 up90 up99
utargets=()        # targets measured with udpload, in order

# measure_udp TARGET NAMESPACE DST: udpload for each of UDP_RUNS.
measure_udp() {
	local target=$1 ns=$2 dst=$3 run size n line sent lost mism received

	# One ping: is it there at all, and (on TAP) ARP resolved before timing.
	if ! timeout 10 ip netns exec "$ns" ping -n -q -c 1 -W 2 "$dst" >/dev/null 2>&1; then
		notes+=("$target (udp): FAILED: no reply to a ping of $dst")
		return 1
	fi
	for run in "${UDP_RUNS[@]}"; do
		size=${run%%:*}
		n=${run#*:}
		say "$target: udpload -s $size -n $n for ${BENCH_SECONDS} s"
		# timeout: udpload stops by itself; this is only a backstop.
		if ! line=$(timeout $((BENCH_SECONDS + 15)) ip netns exec "$ns" \
			"$udpload" -d "$dst" -p "$UDP_PORT" -s "$size" -n "$n" \
			-t "$BENCH_SECONDS" -c "$BENCH_MAX_REQUESTS"); then
			notes+=("$target: FAILED: udpload -s $size -n $n did not complete")
			return 1
		fi
		details+=("$target udpload -s $size -n $n: $line")
		sent=$(field "$line" sent)
		lost=$(field "$line" lost)
		mism=$(field "$line" mismatched)
		received=$(field "$line" received)
		urate[$target,$size,$n]=$(field "$line" rate_per_s)
		umbps[$target,$size,$n]=$(field "$line" mbytes_per_s)
		uloss[$target,$size,$n]=$(awk -v s="$sent" -v l="$lost" \
			'BEGIN { printf "%.2f%%", (s ? 100 * l / s : 0) }')
		umism[$target,$size,$n]=$mism
		up50[$target,$size,$n]=$(field "$line" p50_us)
		up90[$target,$size,$n]=$(field "$line" p90_us)
		up99[$target,$size,$n]=$(field "$line" p99_us)
		if [[ $received == 0 ]]; then
			notes+=("$target: FAILED: no echo at all to udpload -s $size -n $n")
			return 1
		fi
	done
	utargets+=("$target")
}

# kernel_counters NAMESPACE [DEVICE]: one line of the kernel's own counters
# in that namespace that say where datagrams went missing: the device's
# drops (TAP: rx = frames the program wrote that the kernel dropped, tx =
# frames queued for the program that it did not read in time), the UDP
# socket drops (RcvbufErrors: a socket buffer was full) and reassembly
# failures. The namespace is new, so the counts are this run's.
kernel_counters() {
	local ns=$1 dev=${2:-} out=""
	if [[ -n $dev ]]; then
		out="$dev rx_dropped $(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/rx_dropped" 2>/dev/null || echo -)"
		out+=" tx_dropped $(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/tx_dropped" 2>/dev/null || echo -); "
	fi
	# shellcheck disable=SC2016  # (the $s are awk's, not the shell's)
	out+=$(ip netns exec "$ns" awk '
		/^(Ip|Udp):/ {
			if (!($1 in hdr)) { hdr[$1] = $0; next }
			split(hdr[$1], h)
			for (i = 2; i <= NF; i++)
				if (h[i] ~ /^(InDiscards|OutDiscards|ReasmFails|ReasmTimeout|FragFails|InErrors|RcvbufErrors|SndbufErrors|MemErrors)$/)
					printf "%s%s %s ", $1, h[i], $i
		}' /proc/net/snmp 2>/dev/null) || true
	printf '%s\n' "$out"
}

# veth_pair NS1 NS2: 10.10.11.1/24 in NS1, 10.10.11.2/24 in NS2, joined by
# a veth pair made inside NS1 with its peer put straight into NS2.
veth_pair() {
	ip -n "$1" link add veth0 type veth peer name veth0 netns "$2" &&
		ip -n "$1" addr add 10.10.11.1/24 dev veth0 &&
		ip -n "$2" addr add 10.10.11.2/24 dev veth0 &&
		ip -n "$1" link set veth0 up &&
		ip -n "$2" link set veth0 up
}

# --- 1. the load tools ----------------------------------------------------------

echoload=$here/echoload
udpload=$here/udpload
udpechod=$here/udpechod
tcpload=$here/tcpload
tcpsrvd=$here/tcpsrvd
for tool in "$echoload" "$udpload" "$udpechod" "$tcpload" "$tcpsrvd"; do
	if [[ ! -x $tool || $tool.c -nt $tool || $here/benchutil.c -nt $tool ||
		$here/benchutil.h -nt $tool ]]; then
		say "building $tool with $CC"
		read -r -a cc_cmd <<<"$CC"
		"${cc_cmd[@]}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
			-o "$tool" "$tool.c" "$here/benchutil.c"
	fi
done

# --- 2. the baseline: the kernel across a veth pair ---------------------------

k1=$prefix-k1
k2=$prefix-k2
ns_add "$k1"
ns_add "$k2"
# Create the pair inside k1 with its peer placed straight into k2, so it
# never exists in the host namespace, not even for a moment.
ip -n "$k1" link add veth0 type veth peer name veth0 netns "$k2"
ip -n "$k1" addr add 10.10.11.1/24 dev veth0
ip -n "$k2" addr add 10.10.11.2/24 dev veth0
ip -n "$k1" link set veth0 up
ip -n "$k2" link set veth0 up
if ! measure kernel-veth "$k2" 10.10.11.1; then
	failed=1
fi
ip netns del "$k1"
ip netns del "$k2"

# --- 3. the rungs ---------------------------------------------------------------

# Each rung twice: with its plain loop (one read() or write() per frame)
# and with --uring (lesson 07: io_uring, many frames per system call),
# the second as the target "NAME+uring".
for rung in "${RUNGS[@]}"; do
	name=${rung%%:*}
	dev=${rung#*:}
	if ! bin=$(find_bin "$name"); then
		notes+=("$name: not built (no $BIN_DIR/$name/$name; run make) - skipped")
		continue
	fi
	for variant in "" --uring; do
	target=$name${variant:++uring}
	ns=$prefix-$name${variant:+-u}
	ns_add "$ns"
	# shellcheck disable=SC2086  # (no option: no argument)
	if ! start_stack "$name" "$bin" "$dev" "$ns" $variant; then
		notes+=("$target: FAILED: did not start (see messages above)")
		failed=1
		continue
	fi
	ok=1
	measure "$target" "$ns" 10.10.10.1 || ok=0
	gone_early "$target"
	if ! stop_stack; then
		notes+=("$target: did not exit 0 on SIGTERM")
		ok=0
	fi
	# The program's exit summary: its counters, drops by reason.
	details+=("$target stderr (last lines): $(tail -n 4 "$tmp/$name.err" | tr '\n' ' ')")
	((ok)) || failed=1
	ip netns del "$ns"
	done
done

# --- 4. UDP echo: the rungs that have it, and the kernel -------------------------

# kernel-veth: udpechod (the kernel's stack plus a recvfrom/sendto loop) in
# uk1, udpload in uk2. udpechod's lifetime is a backstop: we stop it with
# SIGTERM as soon as the runs are over.
uk1=$prefix-uk1
uk2=$prefix-uk2
echod_life=$((${#UDP_RUNS[@]} * (BENCH_SECONDS + 15) + 10))
ns_add "$uk1"
ns_add "$uk2"
veth_pair "$uk1" "$uk2"
ip netns exec "$uk1" "$udpechod" -a 10.10.11.1 -p "$UDP_PORT" -t "$echod_life" \
	>"$tmp/udpechod.out" 2>"$tmp/udpechod.err" &
stack_pid=$!
if ! wait_ready udpechod; then
	notes+=("kernel-veth (udp): FAILED: udpechod did not start")
	failed=1
else
	ok=1
	measure_udp kernel-veth "$uk2" 10.10.11.1 || ok=0
	if ! stop_stack; then
		notes+=("kernel-veth (udp): udpechod did not exit 0 on SIGTERM")
		ok=0
	fi
	details+=("kernel-veth (udp) udpechod: $(tr '\n' ' ' <"$tmp/udpechod.err")")
	details+=("kernel-veth (udp) kernel counters, server side: $(kernel_counters "$uk1" veth0)")
	details+=("kernel-veth (udp) kernel counters, udpload side: $(kernel_counters "$uk2" veth0)")
	((ok)) || failed=1
fi
ip netns del "$uk1"
ip netns del "$uk2"

# The rungs: started afresh, so their exit counters are the UDP runs' alone.
# Not built: already noted by section 3.
for rung in "${UDP_RUNGS[@]}"; do
	name=${rung%%:*}
	dev=${rung#*:}
	bin=$(find_bin "$name") || continue
	for variant in "" --uring; do
	target=$name${variant:++uring}
	ns=$prefix-$name-udp${variant:+-u}
	ns_add "$ns"
	# shellcheck disable=SC2086  # (no option: no argument)
	if ! start_stack "$name" "$bin" "$dev" "$ns" $variant; then
		notes+=("$target (udp): FAILED: did not start (see messages above)")
		failed=1
		continue
	fi
	ok=1
	measure_udp "$target" "$ns" 10.10.10.1 || ok=0
	gone_early "$target (udp)"
	# Read before the program exits: its device goes away with it.
	counters=$(kernel_counters "$ns" "$dev")
	if ! stop_stack; then
		notes+=("$target (udp): did not exit 0 on SIGTERM")
		ok=0
	fi
	# The exit summary, every line of it: counters and drops by reason.
	details+=("$target (udp) stderr: $(tail -n 30 "$tmp/$name.err" | tr '\n' ' ')")
	details+=("$target (udp) kernel counters: $counters")
	((ok)) || failed=1
	ip netns del "$ns"
	done
done

# --- 5. TCP: tcp_mini next to the kernel ------------------------------------------

# The TCP targets: the kernel's TCP across veth (tcpsrvd), and tcp_mini in
# its two modes: with the offloads of the virtio-net header (its default
# since lesson 07) and without them (--no-offload: one frame per read()
# and write(), as before lesson 07). The keys used in the tables, what the
# report calls each, and tcp_mini's options for each mode.
# Each also with --uring (lesson 07: the device through io_uring).
TCP_MODES=(tcp_mini tcp_mini-nooff tcp_mini-uring tcp_mini-uring-nooff)
declare -A tcp_label=([kernel-veth]=kernel-veth [tcp_mini]=tcp_mini
	[tcp_mini-nooff]="tcp_mini --no-offload" [tcp_mini-uring]="tcp_mini --uring"
	[tcp_mini-uring-nooff]="tcp_mini --uring --no-offload")
declare -A tcp_opts=([tcp_mini]="" [tcp_mini-nooff]=--no-offload [tcp_mini-uring]=--uring
	[tcp_mini-uring-nooff]="--uring --no-offload")

# Results, keyed "target,what". tcp_runs keeps each run's figure, as a
# space-separated list under the same key, for the medians.
declare -A tcp tcp_runs
btargets=()        # targets with bulk figures, in order
ttargets=()        # targets measured for round trips and 64 connections

# add_run KEY VALUE: one more run's figure.
add_run() { tcp_runs[$1]+="${tcp_runs[$1]:+ }$2"; }

# median V...: the middle value, or the mean of the two middle ones for an
# even count; nothing for none. A median, not a mean: one run slowed down
# by other work on the machine moves a mean a long way, a median not.
median() {
	(($#)) || return 0
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The RFC 864 stream from its start, N bytes of it, hashed: what a correct
# chargen must send. awk builds the 7030-byte block once and repeats it.
chargen_hash() {
	awk -v n=$(($1 / 7030 + 1)) 'BEGIN {
		for (l = 0; l < 95; l++) {
			for (c = 0; c < 72; c++) b = b sprintf("%c", 32 + (l + c) % 95)
			b = b "\r\n"
		}
		for (i = 0; i < n; i++) printf "%s", b
	}' | head -c "$1" | sha256sum | cut -d' ' -f1
}

# syscalls PID: the read and write system calls PID has made so far
# (/proc/PID/io's syscr + syscw), or nothing. A rung makes one per frame
# it reads or writes, plus the read() that finds its device empty (EAGAIN)
# and ends each batch: so a little more than frames, never fewer.
syscalls() {
	[[ -n $1 && -r /proc/$1/io ]] || return 0
	awk '/^sysc[rw]:/ { n += $2 } END { print n + 0 }' "/proc/$1/io"
}

# per_mb BEFORE AFTER BYTES: (AFTER - BEFORE) per MB (10^6 bytes) moved.
per_mb() {
	[[ -n $1 && -n $2 ]] || return 0
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", (b - a) / (n / 1000000) }'
}

# frames FILE: "IN OUT" from a rung's exit summary on FILE, the line
# "tcp_mini: in N out N read_errors ...": the frames it read from its
# device and wrote to it in its whole life. Nothing if there is no such line.
frames() {
	sed -n 's/^[a-z_]*: in \([0-9]*\) out \([0-9]*\) read_errors .*/\1 \2/p' "$1" | head -n 1
}

# bulk_once TARGET DIR: one bulk transfer of BENCH_TCP_MB megabytes, DIR
# "discard" (tcpload -m send to port 9) or "chargen" (tcpload -m recv
# from port 19). tcpload checks that every byte moved: send ends with our
# FIN and waits for the server's, which comes only after the server has
# read the last byte; recv counts every byte it reads.
#
# For tcp_mini, each transfer has a tcp_mini of its own, started just
# before it and stopped just after, so that the frame counts of its exit
# summary are this transfer's: plus the handful of the ARP exchange and
# the ping before it (about 6, under 0.05% of the smallest count at the
# default 1024 MB). Its system calls are counted across the transfer alone.
# Adds to tcp_runs; returns 1 on a failure, which it notes.
bulk_once() {
	local target=$1 dir=$2 port=9 mode=send ns=$tk2 dst=10.10.11.1 what="into discard"
	local bytes=$((BENCH_TCP_MB * 1000000)) limit=$((BENCH_TCP_MB / 10 + 30))
	local label=${tcp_label[$1]} pid="" line rc=0 sc0 sc1 fr="" opts=() enters=
	if [[ $dir == chargen ]]; then
		port=19 mode=recv what="out of chargen"
	fi
	if [[ $target != kernel-veth ]]; then
		ns=$tm_ns dst=10.10.10.1
		read -r -a opts <<<"${tcp_opts[$target]}"
		if ! start_stack tcp_mini "$tm_bin" tap0 "$ns" "${opts[@]}"; then
			notes+=("$label (tcp): FAILED: did not start for a transfer (see messages above)")
			return 1
		fi
		pid=$stack_pid
	fi
	# One ping: is it there at all, and ARP resolved before timing.
	if ! timeout 10 ip netns exec "$ns" ping -n -q -c 1 -W 2 "$dst" >/dev/null 2>&1; then
		notes+=("$label (tcp): FAILED: no reply to a ping of $dst")
		[[ -z $pid ]] || stop_stack || true
		return 1
	fi
	say "$label: tcpload -m $mode, $BENCH_TCP_MB MB $what"
	sc0=$(syscalls "$pid")
	line=$(timeout "$limit" ip netns exec "$ns" "$tcpload" -d "$dst" -p "$port" \
		-m "$mode" -b "$bytes" -t "$limit") || rc=$?
	sc1=$(syscalls "$pid")
	if [[ -n $pid ]]; then
		if ! stop_stack; then
			notes+=("$label (tcp): did not exit 0 on SIGTERM after a transfer $what")
			rc=1
		fi
		fr=$(frames "$tmp/tcp_mini.err")
		# --uring: its reads and writes are not read() and write()
		# calls; the system calls are its io_uring_enter() calls, which
		# its exit summary counts.
		enters=$(sed -n 's/^tcp_mini: uring enters \([0-9]*\) .*/\1/p' "$tmp/tcp_mini.err")
		details+=("$label tcpload -m $mode: $line; frames in/out ${fr:-?}; system calls ${sc0:-?} -> ${sc1:-?}")
	else
		details+=("$label tcpload -m $mode: $line")
	fi
	if ((rc)) || [[ -z $(field "$line" mbytes_per_s) ]]; then
		notes+=("$label (tcp): FAILED: tcpload -m $mode $what: $line")
		return 1
	fi
	add_run "$target,$dir" "$(field "$line" mbytes_per_s)"
	[[ -z $pid ]] && return 0
	if [[ -n $enters ]]; then
		add_run "$target,${dir}_sc" "$(per_mb 0 "$enters" "$bytes")"
	else
		add_run "$target,${dir}_sc" "$(per_mb "$sc0" "$sc1" "$bytes")"
	fi
	if [[ -n $fr ]]; then
		add_run "$target,${dir}_fin" "$(per_mb 0 "${fr% *}" "$bytes")"
		add_run "$target,${dir}_fout" "$(per_mb 0 "${fr#* }" "$bytes")"
		add_run "$target,${dir}_fr" "$(per_mb 0 $((${fr% *} + ${fr#* })) "$bytes")"
	fi
}

# measure_tcp_more TARGET NAMESPACE DST: what runs in one life of the
# server: the chargen hash, tcpload's round trips, and 64 connections at
# once, BENCH_TCP_RUNS times (median).
measure_tcp_more() {
	local target=$1 ns=$2 dst=$3 size line hash r ok worst=""
	local label=${tcp_label[$1]} limit=$((BENCH_TCP_MB / 10 + 30))

	if ! timeout 10 ip netns exec "$ns" ping -n -q -c 1 -W 2 "$dst" >/dev/null 2>&1; then
		notes+=("$label (tcp): FAILED: no reply to a ping of $dst")
		return 1
	fi

	# The chargen stream's content: RFC 864's pattern, byte for byte.
	# (Hashing costs more than the transfer: a run of its own, not timed.)
	say "$label: nc, $TCP_HASH_MB MB of chargen hashed"
	hash=$(timeout "$limit" ip netns exec "$ns" nc -d "$dst" 19 </dev/null |
		head -c $((TCP_HASH_MB * 1000000)) | sha256sum | cut -d' ' -f1) || true
	if [[ $hash == "$chargen_want" ]]; then
		tcp[$target,pattern]=ok
	else
		tcp[$target,pattern]=WRONG
		notes+=("$label (tcp): FAILED: chargen's bytes are not RFC 864's pattern")
		failed=1
	fi

	for size in "${TCP_RR_SIZES[@]}"; do
		say "$label: tcpload -m rr -s $size for ${BENCH_SECONDS} s"
		if ! line=$(timeout $((BENCH_SECONDS + 15)) ip netns exec "$ns" \
			"$tcpload" -d "$dst" -m rr -s "$size" -t "$BENCH_SECONDS"); then
			notes+=("$label (tcp): FAILED: tcpload -m rr -s $size: $line")
			return 1
		fi
		details+=("$label tcpload -m rr -s $size: $line")
		tcp[$target,rr$size]=$(field "$line" rate_per_s)
		tcp[$target,rrp50_$size]=$(field "$line" p50_us)
	done

	ttargets+=("$target")

	# Many at once: each connection must finish within 40 s. A failure
	# here is noted and the row keeps the other figures; "conns" shows the
	# worst of the runs.
	for ((r = 1; r <= BENCH_TCP_RUNS; r++)); do
		say "$label: tcpload -m many: $TCP_CONNS connections, $TCP_CONN_BYTES bytes each ($r of $BENCH_TCP_RUNS)"
		line=$(timeout 60 ip netns exec "$ns" "$tcpload" -d "$dst" -m many \
			-k "$TCP_CONNS" -b "$TCP_CONN_BYTES" -t 40) || true
		details+=("$label tcpload -m many: $line")
		ok=$(field "$line" ok)
		ok=${ok:-0}
		if [[ -z $worst ]] || ((ok < worst)); then
			worst=$ok
		fi
		if [[ $ok == "$TCP_CONNS" ]]; then
			add_run "$target,many_mbps" "$(field "$line" mbytes_per_s)"
		else
			notes+=("$label (tcp): FAILED: tcpload -m many: $line")
			failed=1
		fi
	done
	tcp[$target,many]="$worst/$TCP_CONNS"
	# shellcheck disable=SC2086  # (unquoted on purpose: the runs are the arguments)
	tcp[$target,many_mbps]=$(median ${tcp_runs[$target,many_mbps]:-})
}

chargen_want=$(chargen_hash $((TCP_HASH_MB * 1000000)))
tm_bin=$(find_bin tcp_mini) || tm_bin=""

# kernel-veth: tcpsrvd in tk1, the clients in tk2. It stays up through the
# whole section (as srvd_pid, beside the tcp_mini being measured), so that
# its bulk transfers can take turns with tcp_mini's: the machine's other
# work then falls on every target alike. Its lifetime is a backstop: it is
# stopped with SIGTERM when the section is over.
tk1=$prefix-tk1
tk2=$prefix-tk2
ns_add "$tk1"
ns_add "$tk2"
veth_pair "$tk1" "$tk2"
srvd_life=$(((BENCH_TCP_RUNS * 6 + 3) * (BENCH_TCP_MB / 10 + 40) +
	3 * 2 * (BENCH_SECONDS + 15) + 3 * BENCH_TCP_RUNS * 60 + 120))
ip netns exec "$tk1" "$tcpsrvd" -a 10.10.11.1 -t "$srvd_life" \
	>"$tmp/tcpsrvd.out" 2>"$tmp/tcpsrvd.err" &
stack_pid=$!
bulk_targets=()
if wait_ready tcpsrvd; then
	srvd_pid=$stack_pid
	stack_pid=""
	bulk_targets+=(kernel-veth)
else
	notes+=("kernel-veth (tcp): FAILED: tcpsrvd did not start")
	failed=1
fi
# tcp_mini: one namespace for all of its lives (tap0 goes away with each).
if [[ -n $tm_bin ]]; then
	tm_ns=$prefix-tcp_mini-tcp
	ns_add "$tm_ns"
	bulk_targets+=("${TCP_MODES[@]}")
fi

# a. Bulk, round after round: each target into discard and out of chargen.
for ((r = 1; r <= BENCH_TCP_RUNS; r++)); do
	for t in "${bulk_targets[@]}"; do
		for dir in discard chargen; do
			bulk_once "$t" "$dir" || failed=1
		done
	done
done
for t in "${bulk_targets[@]}"; do
	for what in discard chargen discard_sc chargen_sc discard_fin discard_fout \
		discard_fr chargen_fin chargen_fout chargen_fr; do
		# shellcheck disable=SC2086  # (unquoted on purpose: the runs are the arguments)
		tcp[$t,$what]=$(median ${tcp_runs[$t,$what]:-})
	done
	[[ -n ${tcp[$t,discard]} || -n ${tcp[$t,chargen]} ]] && btargets+=("$t")
done

# b. The rest: the kernel with the same tcpsrvd, then a tcp_mini per mode.
if [[ -n $srvd_pid ]]; then
	measure_tcp_more kernel-veth "$tk2" 10.10.11.1 || failed=1
	if ! stop_proc "$srvd_pid"; then
		notes+=("kernel-veth (tcp): tcpsrvd did not exit 0 on SIGTERM")
		failed=1
	fi
	srvd_pid=""
	details+=("kernel-veth (tcp) tcpsrvd: $(grep -c discard "$tmp/tcpsrvd.err") discard, $(grep -c chargen "$tmp/tcpsrvd.err") chargen, $(grep -c echo "$tmp/tcpsrvd.err") echo connections; discard lines: $(grep discard "$tmp/tcpsrvd.err" | tr '\n' ' ')")
	details+=("kernel-veth (tcp) MTU: veth0 $(ip netns exec "$tk1" cat /sys/class/net/veth0/mtu)")
fi
ip netns del "$tk1"
ip netns del "$tk2"

# tcp_mini, started afresh per mode: its peak RSS and counters are then
# those of the hash, the round trips and the connections.
if [[ -n $tm_bin ]]; then
	for t in "${TCP_MODES[@]}"; do
		read -r -a opts <<<"${tcp_opts[$t]}"
		if ! start_stack tcp_mini "$tm_bin" tap0 "$tm_ns" "${opts[@]}"; then
			notes+=("${tcp_label[$t]} (tcp): FAILED: did not start (see messages above)")
			failed=1
			continue
		fi
		ok=1
		measure_tcp_more "$t" "$tm_ns" 10.10.10.1 || ok=0
		gone_early "${tcp_label[$t]} (tcp)"
		# Read before the program exits: the process and its device go
		# away with it. VmHWM is the peak resident set of the whole run.
		tcp[$t,rss]=$(awk '/^VmHWM:/ { print $2 }' "/proc/$stack_pid/status" 2>/dev/null || echo -)
		tcp[$t,tx_dropped]=$(ip netns exec "$tm_ns" cat /sys/class/net/tap0/statistics/tx_dropped 2>/dev/null || echo -)
		tcp[$t,mtu]=$(ip netns exec "$tm_ns" cat /sys/class/net/tap0/mtu 2>/dev/null || echo -)
		counters=$(kernel_counters "$tm_ns" tap0)
		if ! stop_stack; then
			notes+=("${tcp_label[$t]} (tcp): did not exit 0 on SIGTERM")
			ok=0
		fi
		details+=("${tcp_label[$t]} (tcp) MTU: tap0 ${tcp[$t,mtu]}")
		details+=("${tcp_label[$t]} (tcp) stderr: $(tail -n 30 "$tmp/tcp_mini.err" | tr '\n' ' ')")
		details+=("${tcp_label[$t]} (tcp) kernel counters: $counters")
		((ok)) || failed=1
	done
	ip netns del "$tm_ns"
fi

# --- 6. the ceiling: iperf3, the kernel's TCP at both ends ----------------------

# iperf3 in two namespaces across a veth pair (MTU 1500): the kernel
# sending to the kernel, with a client and a server written to be fast
# (128 KB per system call). No user-space stack can do better than this
# on the machine; it is printed as the ceiling, not as a target.
declare -A ceiling
if ((have_iperf3)); then
	ik1=$prefix-ik1
	ik2=$prefix-ik2
	ns_add "$ik1"
	ns_add "$ik2"
	veth_pair "$ik1" "$ik2"
	# The server: one test (-1) and gone; timeout is its backstop.
	ip netns exec "$ik1" timeout $((BENCH_SECONDS + 30)) iperf3 -s -1 -B 10.10.11.1 \
		>"$tmp/iperf3-server.out" 2>&1 &
	stack_pid=$!
	# Wait (at most 5 s) until it listens on its port, 5201.
	for ((i = 0; i < READY_TENTHS; i++)); do
		[[ -n $(ip netns exec "$ik1" ss -Hltn 'sport = :5201' 2>/dev/null) ]] && break
		sleep 0.1
	done
	say "iperf3: kernel to kernel across veth, ${BENCH_SECONDS} s"
	json=$(timeout $((BENCH_SECONDS + 20)) ip netns exec "$ik2" \
		iperf3 -c 10.10.11.1 -t "$BENCH_SECONDS" -J 2>&1) || true
	stop_stack >/dev/null 2>&1 || true	# gone by itself after its test
	# The JSON's end: "sum_sent": { ..., "retransmits": N, ... },
	# "sum_received": { ..., "bits_per_second": X, ... }: the receiver's
	# figure, as bytes per second / 10^6.
	# shellcheck disable=SC2016  # (the $s are awk's, not the shell's)
	ceiling[mbps]=$(awk '/"sum_received"/ { r = 1 }
		r && /"bits_per_second"/ { gsub(/[^0-9.e+]/, "", $2); printf "%.0f", $2 / 8e6; exit }' <<<"$json")
	# shellcheck disable=SC2016
	ceiling[retr]=$(awk '/"sum_sent"/ { s = 1 }
		s && /"retransmits"/ { gsub(/[^0-9]/, "", $2); print $2; exit }' <<<"$json")
	if [[ -n ${ceiling[mbps]} ]]; then
		details+=("iperf3 -c -t $BENCH_SECONDS: received ${ceiling[mbps]} MB/s, retransmits ${ceiling[retr]:-?}")
	else
		notes+=("iperf3: no result: $(head -c 300 <<<"$json" | tr '\n' ' ')")
	fi
	ip netns del "$ik1"
	ip netns del "$ik2"
else
	notes+=("iperf3: not installed and could not be installed (apt-get install iperf3): no ceiling")
fi

# --- 7. the report ----------------------------------------------------------------

# "x.xx" = a / b, or "-" when either is missing.
ratio() {
	awk -v a="${1:-}" -v b="${2:-}" \
		'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

# int V: V rounded to a whole number, or "-" when it is missing.
int() {
	awk -v v="${1:-}" 'BEGIN { if (v == "") print "-"; else printf "%.0f", v }'
}

# The UDP tables: what udpload measured, then each rung next to the kernel.
report_udp() {
	local t run size n k=kernel-veth
	echo
	echo "udpload: ${BENCH_SECONDS} s per run, 200 ms timeout, port $UDP_PORT; kernel-veth = udpechod (recvfrom/sendto) across veth"
	echo
	printf '%-16s %6s %9s %9s %7s %5s %8s %8s %8s %8s\n' \
		target bytes in-flight dgrams/s loss mism p50_us p90_us p99_us MB/s
	for t in "${utargets[@]}"; do
		for run in "${UDP_RUNS[@]}"; do
			size=${run%%:*}
			n=${run#*:}
			printf '%-16s %6s %9s %9s %7s %5s %8s %8s %8s %8s\n' \
				"$t" "$size" "$n" "${urate[$t,$size,$n]:--}" \
				"${uloss[$t,$size,$n]:--}" "${umism[$t,$size,$n]:--}" \
				"${up50[$t,$size,$n]:--}" "${up90[$t,$size,$n]:--}" \
				"${up99[$t,$size,$n]:--}" "${umbps[$t,$size,$n]:--}"
		done
	done
	# The ratios need the kernel and at least one rung.
	if [[ -z ${urate[$k,${UDP_RUNS[0]%%:*},${UDP_RUNS[0]#*:}]:-} ]] ||
		((${#utargets[@]} < 2)); then
		return 0
	fi
	echo
	echo "rung / kernel-veth (dgrams/s is also the MB/s ratio; for the RTTs, above 1 = slower)"
	echo
	printf '%-16s %6s %9s %9s %8s %8s\n' target bytes in-flight dgrams/s p50_us p99_us
	for t in "${utargets[@]}"; do
		[[ $t == "$k" ]] && continue
		for run in "${UDP_RUNS[@]}"; do
			size=${run%%:*}
			n=${run#*:}
			printf '%-16s %6s %9s %9s %8s %8s\n' "$t" "$size" "$n" \
				"$(ratio "${urate[$t,$size,$n]:-}" "${urate[$k,$size,$n]:-}")" \
				"$(ratio "${up50[$t,$size,$n]:-}" "${up50[$k,$size,$n]:-}")" \
				"$(ratio "${up99[$t,$size,$n]:-}" "${up99[$k,$size,$n]:-}")"
		done
	done
}

# The TCP tables: bulk MB/s, tcp_mini's cost per MB, the rest, the ratios.
report_tcp() {
	local t k=kernel-veth dir
	echo
	echo "tcp bulk: tcpload -m send into discard (9), -m recv out of chargen (19), 1 MB a system call,"
	echo "     $BENCH_TCP_MB MB a transfer, MTU 1500; median of $BENCH_TCP_RUNS transfers each, the targets taking turns"
	echo "     (each transfer in the raw section); a tcp_mini of its own for each transfer;"
	echo "     kernel-veth = tcpsrvd (the kernel's TCP, a process per connection) across veth"
	echo
	printf '%-30s %12s %9s %12s %9s\n' target discard_MB/s vs_kernel chargen_MB/s vs_kernel
	for t in "${btargets[@]}"; do
		printf '%-30s %12s %9s %12s %9s\n' "${tcp_label[$t]}" \
			"$(int "${tcp[$t,discard]:-}")" "$(ratio "${tcp[$t,discard]:-}" "${tcp[$k,discard]:-}")" \
			"$(int "${tcp[$t,chargen]:-}")" "$(ratio "${tcp[$t,chargen]:-}" "${tcp[$k,chargen]:-}")"
	done
	if [[ -n ${ceiling[mbps]:-} ]]; then
		printf '%-30s %12s %9s %12s %9s   (the ceiling: one stream, %s s, kernel to kernel)\n' \
			"iperf3" "${ceiling[mbps]}" "$(ratio "${ceiling[mbps]}" "${tcp[$k,discard]:-}")" \
			- - "$BENCH_SECONDS"
	fi

	if [[ -n ${tcp[tcp_mini,discard_fr]:-}${tcp[tcp_mini-nooff,discard_fr]:-} ]]; then
		echo
		echo "tcp_mini's cost per MB moved (medians): frames read (in) and written (out), from its"
		echo "exit summary; read and write system calls (/proc/PID/io syscr + syscw; with"
		echo "--uring, its io_uring_enter calls, from its exit summary)"
		echo
		printf '%-30s %-8s %10s %10s %10s %12s\n' target transfer in/MB out/MB frames/MB syscalls/MB
		for t in "${TCP_MODES[@]}"; do
			for dir in discard chargen; do
				[[ -n ${tcp[$t,$dir]:-} ]] || continue
				printf '%-30s %-8s %10s %10s %10s %12s\n' "${tcp_label[$t]}" "$dir" \
					"${tcp[$t,${dir}_fin]:--}" "${tcp[$t,${dir}_fout]:--}" \
					"${tcp[$t,${dir}_fr]:--}" "${tcp[$t,${dir}_sc]:--}"
			done
		done
	fi

	((${#ttargets[@]})) || return 0
	echo
	echo "tcp: chargen's first $TCP_HASH_MB MB against RFC 864 (nc); tcpload rr ${BENCH_SECONDS} s;"
	echo "     $TCP_CONNS echo connections x $TCP_CONN_BYTES bytes, median of $BENCH_TCP_RUNS runs (conns: the worst run)"
	echo
	printf '%-30s %8s %9s %9s %9s %8s %10s %8s %10s\n' target pattern \
		rr1/s rr1460/s rr1_p50us conns conns_MB/s rss_kB tx_dropped
	for t in "${ttargets[@]}"; do
		printf '%-30s %8s %9s %9s %9s %8s %10s %8s %10s\n' "${tcp_label[$t]}" \
			"${tcp[$t,pattern]:--}" "${tcp[$t,rr1]:--}" "${tcp[$t,rr1460]:--}" \
			"${tcp[$t,rrp50_1]:--}" "${tcp[$t,many]:--}" "${tcp[$t,many_mbps]:--}" \
			"${tcp[$t,rss]:--}" "${tcp[$t,tx_dropped]:--}"
	done
	[[ -n ${tcp[$k,rr1]:-} ]] || return 0
	echo
	echo "tcp_mini / kernel-veth (above 1 = faster than the kernel)"
	echo
	printf '%-30s %9s %9s %9s %9s %10s\n' target discard chargen rr1 rr1460 conns_MB/s
	for t in "${TCP_MODES[@]}"; do
		[[ -n ${tcp[$t,rr1]:-}${tcp[$t,discard]:-} ]] || continue
		printf '%-30s %9s %9s %9s %9s %10s\n' "${tcp_label[$t]}" \
			"$(ratio "${tcp[$t,discard]:-}" "${tcp[$k,discard]:-}")" \
			"$(ratio "${tcp[$t,chargen]:-}" "${tcp[$k,chargen]:-}")" \
			"$(ratio "${tcp[$t,rr1]:-}" "${tcp[$k,rr1]:-}")" \
			"$(ratio "${tcp[$t,rr1460]:-}" "${tcp[$k,rr1460]:-}")" \
			"$(ratio "${tcp[$t,many_mbps]:-}" "${tcp[$k,many_mbps]:-}")"
	done
}

# aim TEXT VALUE AT_LEAST SHOWN: one check line, PASS when VALUE >= AT_LEAST,
# BELOW when it is less, MISSING when it was not measured. Never a failure
# of the bench: these are the aims of lesson 07's issue, and on a shared
# 2-core machine a run can fall short for reasons that are not the program's.
aim() {
	local verdict
	verdict=$(awk -v v="${2:-}" -v m="$3" \
		'BEGIN { if (v == "" || v == "-") print "MISSING"; else if (v + 0 >= m + 0) print "PASS"; else print "BELOW" }')
	printf '%-7s  %-58s %s\n' "$verdict" "$1" "$4"
}

# The aims, one line each. Ratios are of medians.
report_aims() {
	local k=kernel-veth t r dir u=8000,32 n=tcp_mini-nooff
	echo
	echo "aims (lesson 07): PASS or BELOW, one line each; BELOW does not fail the bench"
	echo
	for t in discard chargen; do
		[[ $t == discard ]] && dir="into discard" || dir="out of chargen"
		aim "tcp_mini $dir >= 1000 MB/s" "${tcp[tcp_mini,$t]:-}" 1000 \
			"$(int "${tcp[tcp_mini,$t]:-}") MB/s"
		r=$(ratio "${tcp[tcp_mini,$t]:-}" "${tcp[$k,$t]:-}")
		aim "tcp_mini $dir >= 0.5 x kernel-veth" "$r" 0.5 \
			"$r ($(int "${tcp[tcp_mini,$t]:-}") / $(int "${tcp[$k,$t]:-}") MB/s)"
	done
	for t in discard chargen; do
		[[ $t == discard ]] && dir="into discard" || dir="out of chargen"
		aim "tcp_mini --no-offload $dir >= 250 MB/s" "${tcp[$n,$t]:-}" 250 \
			"$(int "${tcp[$n,$t]:-}") MB/s"
	done
	r=$(ratio "${tcp[tcp_mini,many_mbps]:-}" "${tcp[$k,many_mbps]:-}")
	aim "$TCP_CONNS x 1 MB echo at least the kernel's MB/s" "$r" 1 \
		"$r (${tcp[tcp_mini,many_mbps]:--} / ${tcp[$k,many_mbps]:--} MB/s)"
	for t in udp_echo udp_echo+uring tcp_mini tcp_mini+uring; do
		[[ -n ${urate[$t,$u]:-} ]] || continue
		r=$(ratio "${urate[$t,$u]:-}" "${urate[$k,$u]:-}")
		aim "$t UDP echo, 8000 B x 32 in flight, >= the kernel's rate" "$r" 1 \
			"$r (${urate[$t,$u]:--} / ${urate[$k,$u]:--} dgrams/s)"
	done
	# Every rung's ping -f rate with its default loop (the one lessons
	# 01-05 show, which lesson 07 leaves as it was), against the 35 000/s
	# the rungs were first built to (README "Against the aims").  --uring
	# is an option for many frames at once, not for a ping at a time.
	for t in "${targets[@]}"; do
		[[ $t == "$k" || $t == *+uring ]] && continue
		aim "$t ping -f >= 35000/s" "${ping_rate[$t]:-}" 35000 "${ping_rate[$t]:--}/s"
	done
}

report() {
	local t n
	echo "tunlab bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(uname -r), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "echoload: ${BENCH_SECONDS} s per run, 56-byte payload, 200 ms timeout; ping -f -c $BENCH_PING_COUNT"
	echo
	printf '%-16s %9s %9s %7s %8s %8s %8s %9s %9s\n' \
		target in-flight req/s loss p50_us p90_us p99_us vs_tun vs_kernel
	for t in "${targets[@]}"; do
		for n in "${INFLIGHTS[@]}"; do
			printf '%-16s %9s %9s %7s %8s %8s %8s %9s %9s\n' "$t" "$n" \
				"${rate[$t,$n]:--}" "${loss[$t,$n]:--}" \
				"${p50[$t,$n]:--}" "${p90[$t,$n]:--}" "${p99[$t,$n]:--}" \
				"$(ratio "${rate[$t,$n]:-}" "${rate[tun_echo,$n]:-}")" \
				"$(ratio "${rate[$t,$n]:-}" "${rate[kernel-veth,$n]:-}")"
		done
	done
	echo
	printf '%-16s %14s %12s\n' target ping_f_mean_us ping_f_rate
	for t in "${targets[@]}"; do
		printf '%-16s %14s %12s\n' "$t" "${ping_mean[$t]:--}" "${ping_rate[$t]:--}"
	done
	if ((${#utargets[@]})); then
		report_udp
	fi
	if ((${#btargets[@]} + ${#ttargets[@]})); then
		report_tcp
	fi
	report_aims
	if ((${#notes[@]})); then
		echo
		printf '%s\n' "${notes[@]}"
	fi
	echo
	echo "raw:"
	if ((${#details[@]})); then
		printf '  %s\n' "${details[@]}"
	fi
	echo "took $((SECONDS - bench_start)) s"
}

mkdir -p "$(dirname "$BENCH_OUT")"
report | tee "$BENCH_OUT"
say "table written to $BENCH_OUT"
exit "$failed"
