#!/usr/bin/env bats
# Lesson 01: tun_echo answers the kernel's own ping through a TUN device.
# Run: sudo bash tests/run.sh 01

load helpers

setup() {
	setup_ns
}

teardown() {
	teardown_ns
}

@test "tun_echo: ping answered on a tun0 it creates itself" {
	start_stack tun_echo
	grep -qx 'ready tun0' "$OUT"
	kernel_side
	ping_ok -c 3 -i 0.2 10.10.10.1
	[[ "$output" == *"3 received"* ]]
	[[ "$output" == *"from 10.10.10.1: icmp_seq=3"* ]]
	stop_stack
	grep -q '^tun_echo: in 3 out 3 ' "$ERR"
}

@test "tun_echo: attaches to a device pre-created with ip tuntap add" {
	ip -n "$NS" tuntap add dev tun0 mode tun
	start_stack tun_echo
	kernel_side
	ping_ok -c 2 -i 0.2 10.10.10.1
	stop_stack
	# The device outlives the program: it was made persistent by ip tuntap.
	ip -n "$NS" link show tun0
}

@test "tun_echo: --dev names the device" {
	start_stack tun_echo --dev tunlab7
	grep -qx 'ready tunlab7' "$OUT"
	kernel_side tunlab7
	ping_ok -c 1 10.10.10.1
	stop_stack
}

@test "tun_echo: ping sizes 0, 56 and 1472 (a full 1500-byte packet)" {
	start_stack tun_echo
	kernel_side
	for size in 0 56 1472; do
		ping_ok -c 2 -i 0.2 -s "$size" 10.10.10.1
		[[ "$output" == *"2 received"* ]]
	done
	ping_ok -c 1 -s 1472 10.10.10.1
	[[ "$output" == *"1480 bytes from 10.10.10.1"* ]]
	stop_stack
}

@test "tun_echo: a reflector answers for every address routed into it" {
	start_stack tun_echo
	kernel_side
	ping_ok -c 1 10.10.10.77
	[[ "$output" == *"from 10.10.10.77"* ]]
	stop_stack
}

@test "tun_echo: ping -f of 2000 requests, none lost" {
	start_stack tun_echo
	kernel_side
	ping_ok -f -c 2000 -w 30 10.10.10.1
	[[ "$output" == *"2000 packets transmitted, 2000 received"* ]]
	stop_stack
	grep -q '^tun_echo: in 2000 out 2000 ' "$ERR"
}

@test "tun_echo: --trace prints one line per packet in and out" {
	start_stack tun_echo --trace
	kernel_side
	ping_ok -c 1 10.10.10.1
	stop_stack
	grep -E '^ +[0-9]+\.[0-9]{6} in +10\.10\.10\.2 > 10\.10\.10\.1 ICMP echo request id [0-9]+ seq 1, ttl 64, length 84$' "$ERR"
	grep -E '^ +[0-9]+\.[0-9]{6} out +10\.10\.10\.1 > 10\.10\.10\.2 ICMP echo reply id [0-9]+ seq 1, ttl 64, length 84$' "$ERR"
}

@test "tun_echo: --pcap file read back by tcpdump -r" {
	require_tool tcpdump tcpdump
	start_stack tun_echo --pcap "$BATS_TEST_TMPDIR/t.pcap"
	kernel_side
	ping_ok -c 2 -i 0.2 10.10.10.1
	# Readable while it runs: each batch of packets is flushed.
	run read_pcap -nr "$BATS_TEST_TMPDIR/t.pcap"
	[ "${#lines[@]}" -eq 4 ]
	stop_stack
	run tcpdump -nr "$BATS_TEST_TMPDIR/t.pcap"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"link-type RAW"* ]]
	[ "$(grep -c 'IP 10.10.10.2 > 10.10.10.1: ICMP echo request' <<<"$output")" -eq 2 ]
	[ "$(grep -c 'IP 10.10.10.1 > 10.10.10.2: ICMP echo reply' <<<"$output")" -eq 2 ]
	# tcpdump -v checks the checksums of what we wrote.
	run tcpdump -nvr "$BATS_TEST_TMPDIR/t.pcap"
	[[ "$output" != *"bad cksum"* && "$output" != *"wrong icmp cksum"* ]]
}

@test "tun_echo: replays a pcap fixture without root" {
	require_tool tcpdump tcpdump
	replay_unprivileged tun_echo tun-requests.pcap
	[ "$status" -eq 0 ]
	[[ "$output" == *"ready replay"* ]]
	[[ "$output" == *"tun_echo: in 5 out 4 "* ]]
	[[ "$output" == *"tun_echo: drop ipv4_not_icmp 1"* ]]
	run tcpdump -nr "$REPLAY_OUT"
	echo "$output"
	[ "$(grep -c 'ICMP echo reply' <<<"$output")" -eq 4 ]
	[[ "$output" == *"IP 10.10.10.3 > 10.10.10.2: ICMP echo reply"* ]]
}

@test "tun_echo: malformed and non-ICMP packets are dropped and counted, ping still works" {
	start_stack tun_echo
	kernel_side
	in_ns "$CRAFT" runt truncated ihl4 totlen badsum fragment ipv6 udp
	ping_ok -c 1 10.10.10.1
	stop_stack
	[ "$(drops ipv4_truncated)" -eq 2 ]
	[ "$(drops ipv4_bad_ihl)" -eq 1 ]
	[ "$(drops ipv4_bad_total_length)" -eq 1 ]
	[ "$(drops ipv4_bad_checksum)" -eq 1 ]
	[ "$(drops ipv4_fragment)" -eq 1 ]
	[ "$(drops ipv4_bad_version)" -eq 1 ]
	[ "$(drops ipv4_not_icmp)" -eq 1 ]
}

@test "tun_echo: --loss 100 drops every packet, and says so" {
	start_stack tun_echo --loss 100
	kernel_side
	run in_ns ping -n -c 3 -i 0.2 -W 1 10.10.10.1
	[[ "$output" == *"0 received"* ]]
	stop_stack
	grep -q 'loss_in 3 ' "$ERR"
}

@test "tun_echo: SIGINT also ends it with status 0 and the counters" {
	start_stack tun_echo
	kernel_side
	ping_ok -c 1 10.10.10.1
	stop_stack INT
	grep -q '^tun_echo: in 1 out 1 ' "$ERR"
}

@test "tun_echo: --user drops root and it still answers" {
	start_stack tun_echo --user nobody
	kernel_side
	ping_ok -c 1 10.10.10.1
	local pid
	pid=$(pgrep -f "$BIN/tun_echo/tun_echo --user nobody" | head -1)
	grep -E '^Uid:\s+65534\s+65534\s+65534\s+65534$' "/proc/$pid/status"
	grep -E '^Gid:\s+65534\s+65534\s+65534\s+65534$' "/proc/$pid/status"
	stop_stack
}

@test "tun_echo: a TAP device of that name is refused with what to do" {
	ip -n "$NS" tuntap add dev tun0 mode tap
	run in_ns "$BIN/tun_echo/tun_echo"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tun0 exists but is a TAP"* ]]
	[[ "$output" == *"ip link del tun0"* ]]
}

@test "tun_echo: a device already in use is reported busy" {
	start_stack tun_echo
	run in_ns "$BIN/tun_echo/tun_echo"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tun0 is busy"* ]]
	stop_stack
}

@test "tun_echo: no /dev/net/tun gives the way to get one" {
	# A private mount namespace hides /dev/net/tun from this one command.
	run unshare --mount --propagation private sh -c \
		"mount -t tmpfs none /dev/net && ip netns exec $NS $BIN/tun_echo/tun_echo"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no /dev/net/tun"* ]]
	[[ "$output" == *"modprobe tun"* ]]
}

@test "tun_echo: --help exits 0, a bad option exits 2 with the usage" {
	run "$BIN/tun_echo/tun_echo" --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	run "$BIN/tun_echo/tun_echo" --no-such-option
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option --no-such-option"* ]]
	run "$BIN/tun_echo/tun_echo" --loss 101
	[ "$status" -eq 2 ]
	[[ "$output" == *"--loss value is '101'"* ]]
	run "$BIN/tun_echo/tun_echo" --addr 10.10.10.1
	[ "$status" -eq 2 ]
	run "$BIN/tun_echo/tun_echo" --dev 0123456789abcdefg
	[ "$status" -eq 2 ]
	[[ "$output" == *"1 to 15 characters"* ]]
}

@test "tun_echo: correct replies to the 8 request checksums the one-line shortcut gets wrong" {
	# lessons/01 and tests/unit/test_cksum.c: *(unsigned short *)&buf[22] += 8
	# is wrong on little-endian for exactly these; RFC 1624 is right for all.
	require_tool tcpdump tcpdump
	start_stack tun_echo --pcap "$BATS_TEST_TMPDIR/s.pcap"
	kernel_side
	in_ns "$CRAFT" cksum=f8ff cksum=f9ff cksum=faff cksum=fbff cksum=fcff \
		cksum=fdff cksum=feff cksum=ffff cksum=0000 cksum=1234
	ping_ok -c 1 10.10.10.1
	stop_stack
	run tcpdump -nvvr "$BATS_TEST_TMPDIR/s.pcap" icmp
	echo "$output"
	[ "$(grep -c 'ICMP echo request, id 49374' <<<"$output")" -eq 10 ]
	[ "$(grep -c 'ICMP echo reply, id 49374' <<<"$output")" -eq 10 ]
	# tcpdump -vv verifies every ICMP checksum and flags a wrong one.
	[[ "$output" != *"wrong icmp cksum"* ]]
	# The requests did carry those checksums (bytes 22-23 of each packet).
	run tcpdump -nxr "$BATS_TEST_TMPDIR/s.pcap" 'icmp[icmptype] = icmp-echo and icmp[4:2] = 0xc0de'
	[[ "$output" == *"0800 f8ff c0de"* && "$output" == *"0800 ffff c0de"* ]]
}

@test "tun_echo: the one-line shortcut (make SHORTCUT=1) sends a reply the kernel refuses for checksum 0xf8ff; the real build's is accepted" {
	# lessons/01: ping -e 4660 -s 8 -p ecca000000000000 sends an echo request
	# whose checksum is 0xf8ff, one of the 8 that *(unsigned short *)&buf[22]
	# += 8 gets wrong.  The namespace's ping socket only sees replies whose
	# checksum the kernel verified, so the broken one is lost and counted.
	require_tool nstat iproute2
	require_tool tcpdump tcpdump
	local shortcut="$TOP/build/shortcut/tun_echo/tun_echo"
	if [ ! -x "$shortcut" ]; then
		echo "no $shortcut: build it with 'make SHORTCUT=1'" >&2
		return 1
	fi
	local crafted=(-c 1 -W 1 -e 4660 -s 8 -p ecca000000000000 10.10.10.1)

	# The shortcut build: an ordinary ping is answered, the crafted one not.
	ip -n "$NS" tuntap add dev tun0 mode tun
	kernel_side
	ip netns exec "$NS" "$shortcut" --pcap "$BATS_TEST_TMPDIR/short.pcap" >"$OUT" 2>"$ERR" &
	STACK_PID=$!
	wait_ready
	ping_ok -c 1 10.10.10.1
	run in_ns ping -n "${crafted[@]}"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"1 packets transmitted, 0 received"* ]]
	run in_ns nstat -az IcmpInCsumErrors
	echo "$output"
	[[ "$output" =~ IcmpInCsumErrors\ +1\  ]]
	stop_stack
	grep -q '^tun_echo: in 2 out 2 ' "$ERR"
	# It did answer, with 0x0000 where 0x0100 was due.
	run read_pcap -nvr "$BATS_TEST_TMPDIR/short.pcap" 'icmp[icmptype] = icmp-echoreply and icmp[4:2] = 4660'
	echo "$output"
	[[ "$output" == *"(wrong icmp cksum 0 (->100)!)"* ]]

	# The real build, on the same device: the same request is answered,
	# and the kernel's count of bad checksums stays at 1.
	start_stack tun_echo --pcap "$BATS_TEST_TMPDIR/real.pcap"
	ping_ok "${crafted[@]}"
	[[ "$output" == *"16 bytes from 10.10.10.1: icmp_seq=1"* ]]
	run in_ns nstat -az IcmpInCsumErrors
	echo "$output"
	[[ "$output" =~ IcmpInCsumErrors\ +1\  ]]
	stop_stack
	run read_pcap -nxr "$BATS_TEST_TMPDIR/real.pcap" 'icmp[icmptype] = icmp-echoreply'
	echo "$output"
	[[ "$output" == *"0000 0100 1234 0001 ecca"* ]]
}

@test "tun_echo: without root or a device of its own, it says what to do" {
	require_tool setpriv util-linux
	run in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$(nobody_bin tun_echo)"
	echo "$output"
	[ "$status" -eq 1 ]
	# /dev/net/tun is 0600 on some systems (open fails) and 0666 on Debian
	# (creating the device fails): either way, the way out is named.
	[[ "$output" == *"root"* ]]
	[[ "$output" == *"ip tuntap add dev tun0 mode tun user \$USER"* ]]
}

@test "tun_echo: runs without root on a device pre-created for its user" {
	require_tool setpriv util-linux
	ip -n "$NS" tuntap add dev tun0 mode tun user nobody
	kernel_side
	# Give nobody a usable /dev/net/tun in a private mount namespace only,
	# whatever its mode is on this machine.
	local dev="$BATS_TEST_TMPDIR/tun" prog
	mknod "$dev" c 10 200
	chmod 0666 "$dev"
	prog=$(nobody_bin tun_echo)
	unshare --mount --propagation private sh -c \
		"mount --bind $dev /dev/net/tun && exec ip netns exec $NS setpriv --reuid=nobody --regid=nogroup --clear-groups $prog" \
		>"$OUT" 2>"$ERR" &
	STACK_PID=$!
	wait_ready
	ping_ok -c 2 -i 0.2 10.10.10.1
	local pid
	pid=$(pgrep -u nobody -f "$prog" | head -1)
	[ -n "$pid" ]
	grep -E '^Uid:\s+65534\s' "/proc/$pid/status"
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$STACK_PID" 2>/dev/null || break; sleep 0.05; done
	wait "$STACK_PID"
	STACK_PID=
	check_sanitizers
	grep -q '^tun_echo: in 2 out 2 ' "$ERR"
}

@test "tun_echo: runs with no root at all, in a user namespace of its own" {
	# unshare --user --map-root-user --net: an ordinary user becomes "root"
	# of a new user namespace and owns a new network namespace, where it may
	# create a TUN device.  Needs a kernel that allows unprivileged user
	# namespaces, and a /dev/net/tun the user can open (0666 on Debian; given
	# here through a private bind mount, whatever the mode on this machine).
	require_tool setpriv util-linux
	if [ "$(cat /proc/sys/user/max_user_namespaces)" = 0 ]; then
		echo "this kernel allows no user namespaces (user.max_user_namespaces = 0)" >&2
		return 1
	fi
	local d
	d=$(mktemp -d)
	chmod 0777 "$d"
	mknod "$d/tun" c 10 200
	chmod 0666 "$d/tun"
	# nobody runs a copy: the checkout may be in a folder it cannot enter.
	cp "$BIN/tun_echo/tun_echo" "$d/tun_echo"
	chmod 0755 "$d/tun_echo"
	run unshare --mount --propagation private sh -c "mount --bind $d/tun /dev/net/tun &&
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups unshare --user --map-root-user --net sh -c '
		$d/tun_echo >$d/out 2>$d/err & p=\$!
		for i in \$(seq 200); do grep -q ^ready $d/out && break; sleep 0.05; done
		ip link set lo up && ip addr add 10.10.10.2/24 dev tun0 && ip link set tun0 up &&
		ping -n -c 2 -i 0.2 -W 2 10.10.10.1; rc=\$?
		kill \$p; wait \$p; echo exit \$?; exit \$rc'"
	echo "$output"
	cat "$d/err"
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 received"* ]]
	[[ "$output" == *"exit 0"* ]]
	grep -q '^tun_echo: in [0-9]* out 2 ' "$d/err"
	! grep -qE 'AddressSanitizer|runtime error:' "$d/err"
	rm -rf "$d"
}

@test "tun_echo: the all-zero reply (id 0, seq 0, no data) carries checksum 0xffff, which the kernel accepts" {
	# Found by fuzzing: RFC 1624's equation 3 alone gives 0x0000 here.
	require_tool nstat iproute2
	start_stack tun_echo --pcap "$BATS_TEST_TMPDIR/z.pcap"
	kernel_side
	in_ns nstat -n			# start counting from here
	in_ns "$CRAFT" echo-zero
	ping_ok -c 1 10.10.10.1
	stop_stack
	run in_ns nstat -az IcmpInCsumErrors IcmpInEchoReps
	echo "$output"
	[[ "$output" =~ IcmpInCsumErrors\ +0\  ]]
	[[ "$output" =~ IcmpInEchoReps\ +2\  ]]
	run read_pcap -nxr "$BATS_TEST_TMPDIR/z.pcap" 'icmp[icmptype] = icmp-echoreply and icmp[4:4] = 0'
	echo "$output"
	[[ "$output" == *"0000 ffff 0000 0000"* ]]
}
