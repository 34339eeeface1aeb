# helpers.bash - shared by every scenario file.
#
# Each test gets a network namespace of its own, made in setup and deleted in
# teardown (which bats runs even when the test fails), so nothing a test does
# can reach the host's interfaces, addresses or routes.
#
#   TUNLAB_BIN   where the programs are: the project root (default) or
#                build/san for the ASan+UBSan build (tests/run.sh runs both)

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
BIN="${TUNLAB_BIN:-$TOP}"	# empty or unset: the plain build
CRAFT="$TOP/build/tools/craft"
# shellcheck source=tests/world.sh
. "$TOP/tests/world.sh"

# Fail (never skip) when the test can't run here, saying why.
require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "this test needs root: it creates a network namespace (run it with sudo)" >&2
		return 1
	fi
}

require_tool() {	# require_tool COMMAND DEBIAN-PACKAGE
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "this test needs $1: apt-get install $2" >&2
		return 1
	fi
}

# Make this test's namespace.  IPv6 is off inside it so that the kernel's
# router solicitations don't add to the drop counters the tests check.
#
# ping_group_range lets ping use an ICMP "ping socket" instead of a raw one.
# That matters: a raw socket gets the reply before the kernel checks its ICMP
# checksum, and iputils ping doesn't check it either, so a reply with a wrong
# checksum would still count as received.  A ping socket gets only replies the
# kernel has verified.
setup_ns() {
	require_root
	NS="tunlab-$$-${BATS_TEST_NUMBER}"
	WORLD=
	STACK_PID=
	OUT="$BATS_TEST_TMPDIR/stack.out"
	ERR="$BATS_TEST_TMPDIR/stack.err"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.ping_group_range="0 2147483647"
	# Under make check (tests/build-it/check.sh sets TUNLAB_GRADING), a
	# learner's stack that does not answer yet should fail a test in
	# seconds, not in the kernel's minutes: the kernel's clients here give
	# up a connect after 2 SYN retries (7 s, not 127) and unacknowledged
	# data after 5 retransmissions (about 13 s, not 15 minutes).
	if [ -n "${TUNLAB_GRADING:-}" ]; then
		ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_retries=2 net.ipv4.tcp_retries2=5
	fi
}

# setup_world: beside this test's namespace (the stack's side, which now
# forwards), a second one, $NS-world, playing the world beyond the gateway
# (tests/world.sh draws it).  Deleted with the test's namespace.
setup_world() {
	WORLD="$NS-world"
	world_up "$NS" "$WORLD"
}

in_world() {
	ip netns exec "$WORLD" "$@"
}

# nobody_bin PROGRAM: the path of a copy of the program that user nobody
# can run, in a folder of its own (removed in teardown): the checkout may be
# in a private folder (/root, a home folder) that nobody cannot enter.
nobody_bin() {
	[ -n "${NOBODY_DIR:-}" ] || { NOBODY_DIR=$(mktemp -d /tmp/tunlab-nobody.XXXXXX) &&
		chmod 0755 "$NOBODY_DIR"; }
	cp "$BIN/$1/$1" "$NOBODY_DIR/$1"
	chmod 0755 "$NOBODY_DIR/$1"
	echo "$NOBODY_DIR/$1"
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.05 s until it succeeds
# (status 0) or SECONDS have passed (status 1).  Its output is dropped.
wait_for() {
	local i
	for i in $(seq $(($1 * 20))); do
		"${@:2}" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# gone PID: the process has ended.
gone() {
	! kill -0 "$1" 2>/dev/null
}

teardown_ns() {
	local p
	if [ -n "${STACK_PID:-}" ]; then
		# The test failed with the program still running: stop it with
		# SIGTERM, so that it prints its counters for the failure's output
		# (make check's scoreboard quotes them).
		if [ -z "${BATS_TEST_COMPLETED:-}" ] && kill -TERM "$STACK_PID" 2>/dev/null; then
			wait_for 2 gone "$STACK_PID" || true
		fi
		kill -KILL "$STACK_PID" 2>/dev/null || true
		wait "$STACK_PID" 2>/dev/null || true
	fi
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -s "${ERR:-}" ]; then
		if grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$ERR"; then
			echo "the program's sanitizer report (first lines):"
			grep -m1 -B2 -A12 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$ERR"
		fi
		echo "the program's counters:"
		grep -E ': (in|drop) ' "$ERR" || echo "(none printed)"
	fi
	if [ -n "${WORLD:-}" ]; then
		# what a test left running there (a web server), then the namespace
		for p in $(ip netns pids "$WORLD" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$WORLD" 2>/dev/null || true
	fi
	if [ -n "${NS:-}" ]; then
		ip netns del "$NS" 2>/dev/null || true
	fi
	if [ -n "${REPLAY_DIR:-}" ]; then
		rm -rf "$REPLAY_DIR"
	fi
	if [ -n "${NOBODY_DIR:-}" ]; then
		rm -rf "$NOBODY_DIR"
	fi
}

in_ns() {
	ip netns exec "$NS" "$@"
}

# start_stack PROGRAM ARGS...: start it in the namespace, wait for "ready".
start_stack() {
	local prog=$1
	shift
	# (TUNLAB_STACK_OPTS: options for every program a test starts, as
	# tests/run.sh's --no-offload round gives them.)
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$BIN/$prog/$prog" "$@" ${TUNLAB_STACK_OPTS:-} >"$OUT" 2>"$ERR" &
	STACK_PID=$!
	wait_ready
}

# Poll for the ready line: at most 10 s (the sanitizer build starts slower).
wait_ready() {
	local i
	for i in $(seq 200); do
		grep -q '^ready' "$OUT" 2>/dev/null && return 0
		if ! kill -0 "$STACK_PID" 2>/dev/null; then
			echo "the program exited before 'ready':" >&2
			cat "$ERR" >&2
			STACK_PID=
			return 1
		fi
		sleep 0.05
	done
	echo "no 'ready' line within 10 s" >&2
	return 1
}

# The kernel's side of the device, as the contract says.
kernel_side() {
	local dev=${1:-tun0}
	ip -n "$NS" addr add 10.10.10.2/24 dev "$dev"
	ip -n "$NS" link set "$dev" up
}

# Stop the program with a signal (SIGTERM unless given) and insist on exit
# status 0 within 10 s and no sanitizer report.
stop_stack() {
	local sig=${1:-TERM} rc
	kill -"$sig" "$STACK_PID"
	if ! wait_for 10 gone "$STACK_PID"; then
		echo "the program did not exit within 10 s of SIG$sig" >&2
		return 1
	fi
	rc=0
	wait "$STACK_PID" || rc=$?
	STACK_PID=
	check_sanitizers
	if [ "$rc" != 0 ]; then
		echo "exit status $rc, expected 0; stderr:" >&2
		cat "$ERR" >&2
		return 1
	fi
}

check_sanitizers() {
	if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$ERR"; then
		echo "sanitizer report:" >&2
		cat "$ERR" >&2
		return 1
	fi
}

# drops REASON: the count the exit summary gives for it (0 if absent).
drops() {
	awk -v r="$1" '$2 == "drop" && $3 == r { n = $4 } END { print n + 0 }' "$ERR"
}

# ping_ok ARGS...: ping from the kernel side; all sent must come back.
ping_ok() {
	run ip netns exec "$NS" ping -n -W 2 "$@"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0% packet loss"* ]]
}

# run_ping PROG ARGS...: PROG ARGS (a --ping run) in the foreground, on a
# device made beforehand (tap_up_before_start), bounded by 30 s: what it
# prints in $OUT, its stderr in $ERR, its exit status in PING_RC.
run_ping() {
	local prog=$1
	shift
	PING_RC=0
	timeout 30 ip netns exec "$NS" "$BIN/$prog/$prog" "$@" >"$OUT" 2>"$ERR" || PING_RC=$?
	check_sanitizers
	echo "$prog exited $PING_RC; stdout:"
	cat "$OUT"
	echo "stderr ends:"
	tail -n 5 "$ERR"
}

# ping_lines N TARGET TTL: $OUT is what iputils ping prints for N requests
# to TARGET all answered with TTL: the header, N reply lines in order, the
# statistics.
ping_lines() {
	local n=$1 target=$2 ttl=$3 i
	[ "$(sed -n 1p "$OUT")" = "PING $target ($target) 56(84) bytes of data." ]
	for i in $(seq "$n"); do
		sed -n "$((i + 1))p" "$OUT" |
			grep -qE "^64 bytes from $target: icmp_seq=$i ttl=$ttl time=[0-9]+(\.[0-9]+)? ms\$"
	done
	grep -qx -- "--- $target ping statistics ---" "$OUT"
	grep -qE "^$n packets transmitted, $n received, 0% packet loss, time [0-9]+ms\$" "$OUT"
	grep -qE '^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$' "$OUT"
}

# A TAP device made beforehand, up, with the kernel's address: for the
# tests that must see what the stack sends the moment it starts.
tap_up_before_start() {
	ip -n "$NS" tuntap add dev tap0 mode tap
	kernel_side tap0
}

# capture FILE FILTER...: tcpdump on tap0 in the background, until
# stop_capture; returns once tcpdump is listening (at most 10 s).
capture() {
	local file=$1
	shift
	ip netns exec "$NS" tcpdump --immediate-mode -U -nei tap0 -w "$file" "$@" 2>"$file.log" &
	CAPTURE_PID=$!
	wait_for 10 grep -q 'listening on' "$file.log" && return 0
	echo "tcpdump did not start" >&2
	return 1
}

stop_capture() {
	kill -INT "$CAPTURE_PID" 2>/dev/null || true
	wait "$CAPTURE_PID" 2>/dev/null || true
}

# read_pcap TCPDUMP-ARGS...: tcpdump -r's packet lines only (its banner goes
# to stderr, which is dropped so that line N is packet N).
read_pcap() {
	tcpdump "$@" 2>/dev/null
}

# replay_unprivileged PROGRAM FIXTURE: replay tests/fixtures/FIXTURE through
# PROGRAM as user nobody (no root, no device), with bats' run: $status and
# $output are set, and what it sent is in $REPLAY_OUT.
replay_unprivileged() {
	require_tool setpriv util-linux
	REPLAY_DIR=$(mktemp -d)
	chmod 0777 "$REPLAY_DIR"
	cp "$TOP/tests/fixtures/$2" "$REPLAY_DIR/in.pcap"
	chmod 0644 "$REPLAY_DIR/in.pcap"
	# A copy of the program where nobody can reach it: the checkout may be
	# in a private folder (/root, a home folder) that nobody cannot enter.
	cp "$BIN/$1/$1" "$REPLAY_DIR/$1"
	chmod 0755 "$REPLAY_DIR/$1"
	REPLAY_OUT="$REPLAY_DIR/out.pcap"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$REPLAY_DIR/$1" --read "$REPLAY_DIR/in.pcap" --pcap "$REPLAY_OUT"
	echo "$output"
}

# kernel_dropped DEV: packets the kernel dropped on their way to the program
# (the device's transmit queue was full), from its tx "dropped" counter.
# Read it before the program exits if the program created the device.
kernel_dropped() {
	ip -n "$NS" -s -j link show "$1" | grep -o '"tx":{[^}]*}' |
		grep -o '"dropped":[0-9]*' | cut -d: -f2
}
