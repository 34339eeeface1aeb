#!/usr/bin/env bash
# make-06.sh - the congestion-window figures of lessons/06-tcp-bad-network.md.
#
#   sudo bash lessons/figures/make-06.sh [OUTDIR]     (default: lessons/figures)
#
# Each figure is one real transfer: tcp_mini --connect sends a file to the
# kernel's nc -l in a network namespace made here (and deleted on exit),
# with lib/fault.c's faults on tcp_mini's side, and --cc-log FILE; then
# tools/ccplot draws the log as an SVG:
#
#   06-loss-lesson05.svg  2 MB, --loss 5 --seed 4, --no-sack --no-rack:
#                         lesson 05's sender, time-outs and all
#   06-loss-sack.svg      the same 2 MB and the same seed, SACK and RACK-TLP
#   06-cc-none.svg        10 MB through --delay 20 --rate 100, --cc none:
#                         no congestion window, the queue overflows
#   06-reno.svg           250 MB through the same path, --cc reno
#   06-cubic.svg          250 MB through the same path, --cc cubic
#
# The seeds are fixed, but the figures still differ in their details from
# run to run: which packets a seeded --loss drops depends on how the
# kernel's ACKs fall, and the bottleneck's timing on how busy the machine
# is.  The shapes (the RTOs of lesson 05's sender, the sawtooth of NewReno,
# CUBIC's curve) are what repeat.  About a minute and a half in all.
#
# Tools: ip (iproute2), nc (netcat-openbsd), head and cmp (coreutils,
# diffutils), awk; tcp_mini and tools/ccplot from this project (make).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here}
ns=tunlab-fig06-$$
work=$(mktemp -d)

say() { printf 'make-06: %s\n' "$*" >&2; }
[[ $(id -u) -eq 0 ]] || { say "must run as root (network namespaces)"; exit 1; }
for t in ip nc head cmp awk; do
	command -v "$t" >/dev/null || { say "needs $t"; exit 1; }
done
[[ -x $top/tcp_mini/tcp_mini ]] || { say "tcp_mini is not built: run make first"; exit 1; }
mkdir -p "$out"

cleanup() {
	local p
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" addr add 10.10.10.2/24 dev tap0
ip -n "$ns" link set tap0 up

# send NAME FILE ARGS...: FILE from tcp_mini --connect to nc -l, with
# --cc-log $work/NAME.csv and ARGS; what arrived must be FILE.
send() {
	local name=$1 file=$2 i
	shift 2
	ip netns exec "$ns" nc -l 10.10.10.2 5000 </dev/null >"$work/got" &
	for i in $(seq 50); do
		ip netns exec "$ns" ss -Hltn 'sport = :5000' | grep -q . && break
		sleep 0.1
	done
	timeout 300 ip netns exec "$ns" "$top/tcp_mini/tcp_mini" --connect 10.10.10.2:5000 \
		--cc-log "$work/$name.csv" "$@" <"$file" 2>"$work/$name.err"
	wait
	cmp -s "$file" "$work/got" || { say "$name: what arrived differs from what was sent"; exit 1; }
	say "$name: $(awk -F, 'NR > 1 { if (!o) o = $1; e = $1 } END { print e - o }' "$work/$name.csv") ms from open to the last ACK; $(grep -o 'queue_drop_out [0-9]*' "$work/$name.err" || echo 'no queue')"
}

# draw NAME TITLE: $work/NAME.csv to $out/NAME.svg.
draw() {
	"$top/tools/ccplot" --title "$2" "$work/$1.csv" >"$out/$1.svg" 2>/dev/null
	say "wrote $out/$1.svg"
}

head -c 2000000 /dev/urandom >"$work/2mb"
head -c 10000000 /dev/urandom >"$work/10mb"
head -c 250000000 /dev/zero >"$work/250mb"

send 06-loss-lesson05 "$work/2mb" --loss 5 --seed 4 --no-sack --no-rack
draw 06-loss-lesson05 "2 MB, --loss 5 --seed 4, --no-sack --no-rack (lesson 05's sender)"
send 06-loss-sack "$work/2mb" --loss 5 --seed 4
draw 06-loss-sack "2 MB, --loss 5 --seed 4, SACK and RACK-TLP"
send 06-cc-none "$work/10mb" --delay 20 --rate 100 --seed 1 --cc none
draw 06-cc-none "10 MB, --delay 20 --rate 100 (queue 100), --cc none"
send 06-reno "$work/250mb" --delay 20 --rate 100 --seed 1 --cc reno
draw 06-reno "250 MB, --delay 20 --rate 100 (queue 100), --cc reno"
send 06-cubic "$work/250mb" --delay 20 --rate 100 --seed 1 --cc cubic
draw 06-cubic "250 MB, --delay 20 --rate 100 (queue 100), --cc cubic"
