#!/usr/bin/env bats
# Lesson 07 (issue 17): speed.  tcp_mini opens its TAP device with the
# virtio-net header (IFF_VNET_HDR) and the offloads TUN_F_CSUM and
# TUN_F_TSO4: the kernel hands it TCP segments of up to 64 KB whose
# checksums are partial, and it hands the kernel frames of up to 64 KB
# that stand for many MSS-sized segments (tcp_mini/gso.c), for the kernel
# to cut.  --no-offload is the old path: frames of at most the MTU, every
# checksum summed.
#
# Here: 100 MB each way with offloads and without, by hash, and proof
# that the frames really were large; 64 connections at once; loss and
# reordering with frames of many segments in flight (one lost frame is
# many segments lost); the kernel's cut seen on a link beyond the gateway
# (every piece at most one MSS, each where the last one ended); partial
# checksums taken, a wrong full one still dropped; --trace and --help.
# Then the loop that reads and writes the device through io_uring
# (--uring, lib/uring.c) on every rung, and UDP segmentation offload
# (TUN_F_USO4): many datagrams sent with one send() come to tcp_mini as
# one frame, which its loop cuts (lib/run.c cut_udp).
#
# Real kernel peers; content compared by hash; every client under
# `timeout`; no test asserts a speed (that is `make bench`): a time bound
# is a bound on a transfer that hangs.  Against the sanitizer build
# (TUNLAB_BIN=build/san) the bulk transfers are smaller (size_mb).
# Run: sudo bash tests/run.sh 07

load helpers
load tcp

# The data in one full-sized segment: an MTU of 1500 less the IPv4 and
# TCP headers (20 + 20) and the timestamps option (12), which tcp_mini
# and the kernel both use.  It is also the gso_size of tcp_mini's frames.
DATA_MSS=1448

setup() {
	setup_ns
	CAPTURE_PID=
	BG_PIDS=()
	T="$BATS_TEST_TMPDIR"
	UDPCHECK="$TOP/build/tools/udpcheck"
	UDPGSO="$TOP/build/tools/udpgso"
}

teardown() {
	local p
	# TERM first: a `timeout` passes it on to its client.
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		sleep 0.1
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ -n "${CAPTURE_PID:-}" ] && stop_capture
	# What this test started in its namespace and is still there, but the
	# program: teardown_ns stops that one (SIGTERM first: its counters).
	if [ -n "${NS:-}" ]; then
		for p in $(ip netns pids "$NS" 2>/dev/null); do
			[ "$p" = "${STACK_PID:-}" ] || kill -KILL "$p" 2>/dev/null || true
		done
	fi
	teardown_ns
}

# no_vnet_drops: every virtio-net header the kernel wrote was one we take.
no_vnet_drops() {
	[ "$(drops vnet_bad)" -eq 0 ]
	[ "$(drops vnet_truncated)" -eq 0 ]
}

# capture_on DEV FILE ARGS...: tcpdump on DEV in the namespace in the
# background (as helpers' capture, which is tap0's), until stop_capture.
capture_on() {
	local dev=$1 file=$2
	shift 2
	ip netns exec "$NS" tcpdump --immediate-mode -U -ni "$dev" -w "$file" "$@" 2>"$file.log" &
	CAPTURE_PID=$!
	wait_for 10 grep -q 'listening on' "$file.log" && return 0
	echo "tcpdump did not start on $dev" >&2
	return 1
}

# packets FILE FILTER: how many packets in FILE match FILTER.
packets() {
	read_pcap -nr "$1" "$2" | grep -c . || true
}

# big_capture: on tap0, the frames longer than the longest one an MTU of
# 1500 allows (1514 bytes), their first 96 bytes.  Stop it with
# stop_capture, then count with big_frames.
big_capture() {
	capture "$T/big.pcap" -s 96 greater 1515
}

# big_frames SRC: frames over 1514 bytes from SRC in the big capture.
big_frames() {
	packets "$T/big.pcap" "src host $1"
}

# bulk_both_ways ARGS...: tcp_mini ARGS; the file $T/in (random bytes)
# through echo and back, exact; then as many bytes of chargen, by hash;
# with big_capture running.  Ends with the program stopped.
bulk_both_ways() {
	local bytes
	bytes=$(stat -c %s "$T/in")
	start_tcp "$@"
	big_capture
	echo_through "$T/in" 120
	chargen_ok "$bytes" 120
	stop_capture
	CAPTURE_PID=
	stop_stack
	cat "$ERR"
	# After head stops reading chargen, the kernel resets the connection
	# and then each segment still in flight: those drops only (and the
	# kernel's tail loss probe of a segment we had, 05's tcp_duplicate).
	[ -z "$(other_drops tcp_no_connection tcp_not_acceptable tcp_duplicate tcp_rst_no_connection)" ]
	[ "$(drops tcp_bad_checksum)" -eq 0 ]
	no_vnet_drops
}

# --- 1. bulk, with offloads and without ---------------------------------

@test "tcp_mini lesson 07: offloads on: 100 MB through echo and 100 MB of chargen exact, in frames of up to 64 KB both ways" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	local mb segs frames
	mb=$(size_mb 100 40)		# sanitizer build: 40 MB
	head -c "${mb}M" /dev/urandom >"$T/in"
	bulk_both_ways
	# Frames longer than any an MTU of 1500 allows crossed tap0 both
	# ways: the kernel's TSO into the program, its GSO frames out.
	echo "frames over 1514 bytes: $(big_frames 10.10.10.1) from tcp_mini, $(big_frames 10.10.10.2) from the kernel"
	[ "$(big_frames 10.10.10.1)" -gt 0 ]
	[ "$(big_frames 10.10.10.2)" -gt 0 ]
	# 3 x mb MB crossed tap0 (echo, both ways, and chargen): as frames
	# of one segment each, that many frames at least.  In frames of up
	# to 45 segments, far fewer crossed, ACKs included: measured, one
	# for every 20 segments' worth of data.
	segs=$((3 * mb * 1048576 / DATA_MSS))
	frames=$(($(summary_count in) + $(summary_count out)))
	echo "$frames frames read and written for $segs full-sized segments' worth of data"
	[ "$((frames * 3))" -lt "$segs" ]
}

@test "tcp_mini lesson 07: --no-offload: 100 MB through echo and 100 MB of chargen exact, no frame over 1514 bytes" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	local mb bytes
	mb=$(size_mb 100 40)
	bytes=$((mb * 1048576))
	head -c "${mb}M" /dev/urandom >"$T/in"
	bulk_both_ways --no-offload
	[ "$(packets "$T/big.pcap" ip)" -eq 0 ]
	# A frame holds at most one segment: in, at least one per 1448
	# bytes of the echo's; out, of the echo's and chargen's.
	echo "in $(summary_count in) out $(summary_count out) frames"
	[ "$(summary_count in)" -ge $((bytes / DATA_MSS)) ]
	[ "$(summary_count out)" -ge $((2 * bytes / DATA_MSS)) ]
}

@test "tcp_mini lesson 07: --trace: frames of many segments end with ', gso 1448' both ways; with --no-offload none does, and none is over the MTU" {
	require_tool nc netcat-openbsd
	local gin gout longest
	head -c 1M /dev/urandom >"$T/in"
	start_tcp --trace
	echo_through "$T/in" 30
	stop_stack
	gin=$(grep -cE '^ *[0-9.]+ in  .*, gso 1448$' "$ERR" || true)
	gout=$(grep -cE '^ *[0-9.]+ out .*, gso 1448$' "$ERR" || true)
	echo "with offloads: $gin GSO frames in, $gout out"
	grep -m 2 ', gso 1448$' "$ERR"
	[ "$gin" -gt 0 ]
	[ "$gout" -gt 0 ]
	# The lines of GSO frames give the whole datagram's length.
	[ "$(grep ', gso 1448$' "$ERR" | grep -m1 -oE 'length [0-9]+' | cut -d' ' -f2)" -gt 1500 ]
	start_tcp --trace --no-offload
	echo_through "$T/in" 30
	stop_stack
	[ "$(grep -c ', gso ' "$ERR" || true)" -eq 0 ]
	# Every IPv4 datagram traced, in or out, is at most the MTU.
	longest=$(grep -E '^ *[0-9.]+ (in |out) .*, length [0-9]+' "$ERR" |
		grep -oE 'length [0-9]+$' | cut -d' ' -f2 | sort -n | tail -n 1)
	echo "--no-offload: the longest datagram traced: $longest bytes"
	[ "$longest" -le 1500 ]
}

# --- 2. many connections --------------------------------------------------

@test "tcp_mini lesson 07: offloads on: 64 nc clients at once through echo, every byte of each compared" {
	require_tool nc netcat-openbsd
	local i kb pids=() failed=0
	kb=$(size_mb 1024 512)		# KB each; sanitizer build: 512 KB
	# One file of random bytes cut in 64 (in.00 ... in.63): one process,
	# not 64.
	head -c "$((64 * kb))K" /dev/urandom | (cd "$T" && split -d -b "${kb}K" - in.)
	start_tcp
	for i in $(seq -w 0 63); do
		timeout 120 ip netns exec "$NS" nc -N 10.10.10.1 7 <"$T/in.$i" >"$T/out.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { echo "client $i: status $?"; failed=1; }
	done
	[ "$failed" -eq 0 ]
	# Each client's bytes against what came back to it: the hashes of
	# all 64 in one sha256sum each way, a line per client.
	(cd "$T" && sha256sum in.* | sed 's/ in\./ /') >"$T/sums.in"
	(cd "$T" && sha256sum out.* | sed 's/ out\./ /') >"$T/sums.out"
	diff "$T/sums.in" "$T/sums.out"
	[ "$(grep -c . "$T/sums.out")" -eq 64 ]
	echo_ok
	stop_stack
	cat "$ERR"
	echo "$((64 * kb / 1024)) MB each way in $(summary_count in) frames in, $(summary_count out) out"
	[ "$(drops tcp_bad_checksum)" -eq 0 ]
	no_vnet_drops
}

# --- 3. loss and reordering, with frames of many segments ----------------

# data_frames PCAP: "seq A:B val TSVAL LEN" for each segment of data the
# kernel (10.10.10.2) sent in PCAP: the range and its timestamp name one
# transmission (a retransmission has a later timestamp, or another range).
data_frames() {
	read_pcap -Snr "$1" 'src host 10.10.10.2 and tcp' | awk '
		match($0, /seq [0-9]+:[0-9]+/) {
			r = substr($0, RSTART + 4, RLENGTH - 4)
			split(r, ab, ":")
			v = "-"
			if (match($0, /TS val [0-9]+/))
				v = substr($0, RSTART + 7, RLENGTH - 7)
			print r, v, (ab[2] - ab[1] + 4294967296) % 4294967296
		}'
}

@test "tcp_mini lesson 07: offloads on, --loss 2: echo and chargen intact within 60 s each; lost frames of many segments were among the losses" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	local mb lost
	# 20 MB on both builds (the sanitizer build's takes about 2 s too):
	# at 2% the echo's few hundred frames of data in must lose some.
	mb=20
	head -c "${mb}M" /dev/urandom >"$T/in"
	start_tcp --loss 2 --seed 71 --pcap "$T/stack.pcap"
	arp_first
	# What the kernel sent, on tap0 (before --loss), beside what the
	# program took in (its --pcap, after): the difference was lost.
	capture "$T/tap.pcap" -s 128 'src host 10.10.10.2 and tcp'
	echo_through "$T/in" 60
	stop_capture
	CAPTURE_PID=
	chargen_ok $((mb * 1048576 / 2)) 60
	stop_stack
	cat "$ERR"
	[ "$(summary_count loss_in)" -gt 0 ]
	[ "$(summary_count loss_out)" -gt 0 ]
	no_vnet_drops
	# Segments of data the kernel sent that the program never took in:
	# each lost frame of more than one MSS took all its segments with it,
	# and the transfer above still came back whole.
	data_frames "$T/stack.pcap" >"$T/took"
	data_frames "$T/tap.pcap" >"$T/sent"
	awk 'NR == FNR { took[$1 " " $2] = 1; next } !(($1 " " $2) in took)' \
		"$T/took" "$T/sent" >"$T/lost"
	lost=$(awk -v m=$DATA_MSS '$3 > m { n++ } END { print n + 0 }' "$T/lost")
	echo "$(grep -c . "$T/lost") frames of data lost on the way in, $lost of them more than one segment:"
	head -n 5 "$T/lost"
	[ "$lost" -gt 0 ]
}

@test "tcp_mini lesson 07: offloads on, --reorder 10: echo and chargen intact within 60 s each" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 20 10)
	head -c "${mb}M" /dev/urandom >"$T/in"
	start_tcp --reorder 10 --seed 72
	echo_through "$T/in" 60
	chargen_ok $((mb * 1048576 / 2)) 60
	stop_stack
	cat "$ERR"
	[ "$(summary_count reordered_in)" -gt 0 ]
	[ "$(summary_count reordered_out)" -gt 0 ]
	no_vnet_drops
}

@test "tcp_mini lesson 07: offloads on, --loss 2 --reorder 5 --dup 2 together: 20 MB through echo intact within 60 s" {
	require_tool ping iputils-ping
	require_tool nc netcat-openbsd
	# 20 MB on both builds: in frames of many segments that is only some
	# 1000 frames each way, and each fault must have struck.
	head -c 20M /dev/urandom >"$T/in"
	start_tcp --loss 2 --reorder 5 --dup 2 --seed 73
	arp_first
	echo_through "$T/in" 60
	stop_stack
	cat "$ERR"
	[ "$(($(summary_count loss_in) + $(summary_count loss_out)))" -gt 0 ]
	[ "$(($(summary_count reordered_in) + $(summary_count reordered_out)))" -gt 0 ]
	[ "$(($(summary_count dup_in) + $(summary_count dup_out)))" -gt 0 ]
	no_vnet_drops
}

# --- 4. the kernel cuts what we send -------------------------------------

# world_listening PORT: a socket listens on PORT in the world.
world_listening() {
	in_world ss -Hltn "sport = :$1" | grep -q .
}

@test "tcp_mini lesson 07: beyond the gateway, GSO frames cut in pieces of at most 1448 bytes, each where the last ended, IP IDs in a row; the server there gets every byte" {
	require_tool socat socat
	require_tool tcpdump tcpdump
	require_tool ss iproute2
	local mb out segs bytes over short bad again ids ids_bad
	mb=$(size_mb 8 4)
	head -c "${mb}M" /dev/urandom >"$T/to_world"
	setup_world
	tap_up_before_start
	# The router (this namespace) forwards our frames from tap0 to
	# world0, a veth, which would pass a 64 KB frame on whole.  With
	# gso_max_size 1500 the kernel cuts every longer one in software
	# before world0 sends it, and the capture there sees the pieces.
	# (gso_max_segs 1 does not do it here: a frame from a TAP device
	# comes with its count of segments unknown, 0, until it is cut.)
	ip -n "$NS" link set world0 gso_max_size 1500
	capture_on world0 "$T/w.pcap" -s 128 'src host 10.10.10.1 and tcp'
	ip netns exec "$WORLD" socat -u TCP-LISTEN:5000,reuseaddr STDOUT >"$T/got_world" &
	BG_PIDS+=($!)
	wait_for 5 world_listening 5000
	CLIENT_RC=0
	timeout 60 ip netns exec "$NS" "$BIN/tcp_mini/tcp_mini" --gateway 10.10.10.2 --seed 74 \
		--connect 192.0.2.2:5000 <"$T/to_world" >/dev/null 2>"$ERR" || CLIENT_RC=$?
	check_sanitizers
	tail -n 3 "$ERR"
	[ "$CLIENT_RC" -eq 0 ]
	wait "${BG_PIDS[-1]}"
	same_content "$T/to_world" "$T/got_world"
	sleep 0.2
	stop_capture
	CAPTURE_PID=
	# Each data segment on world0, in the order sent: its length at most
	# 1448 bytes; its first byte where the last new one's ended (no gap,
	# no overlap: the pieces of a frame, and the frames, follow on), or
	# else the very range of one sent before (a retransmission: a
	# spurious tail loss probe, now and then, when an ACK is slow); the
	# new bytes all of the file.  And every datagram from tcp_mini,
	# pieces or not, has the IP ID one past the last one's: the kernel
	# numbers the pieces on from the frame's ID, and tcp_mini goes on
	# from the last piece's.
	read_pcap -vSnr "$T/w.pcap" | awk -v mss=$DATA_MSS '
		match($0, / id [0-9]+,/) {
			id = substr($0, RSTART + 4, RLENGTH - 5) + 0
			if (ids++ && id != (last_id + 1) % 65536) {
				ids_bad++
				print "IP ID " id " after " last_id
			}
			last_id = id
		}
		match($0, /seq [0-9]+:[0-9]+/) {
			split(substr($0, RSTART + 4, RLENGTH - 4), ab, ":")
			if (!n++)
				first = ab[1]
			# offsets from the first byte, across 2^32
			s = (ab[1] - first + 4294967296) % 4294967296
			e = s + (ab[2] - ab[1] + 4294967296) % 4294967296
			if (e - s > mss) { over++; print "over " mss " bytes: " $0 }
			if (s == end) {
				end = e
				if (e - s < mss)
					short++
			} else if ((s ":" e) in sent) {
				again++
			} else {
				bad++
				print "not where the last ended (" end "), nor sent before: " $0
			}
			sent[s ":" e] = 1
		}
		END {
			printf "segments %d bytes %d over %d short %d bad %d again %d ids %d ids_bad %d\n",
				n, end, over, short, bad, again, ids, ids_bad
		}' >"$T/cut"
	tail -n 5 "$T/cut"
	out=$(summary_count out)
	echo "tcp_mini wrote $out frames"
	read -r _ segs _ bytes _ over _ short _ bad _ again _ ids _ ids_bad < <(tail -n 1 "$T/cut")
	[ "$bytes" -eq "$(stat -c %s "$T/to_world")" ]
	[ "$over" -eq 0 ]
	# Cut exactly at 1448: a frame's pieces are all full but its last,
	# so there are no more short pieces than frames tcp_mini wrote.
	[ "$short" -le "$out" ]
	[ "$bad" -eq 0 ]
	[ "$((again * 20))" -lt "$segs" ]	# under 5%: no storm
	[ "$ids" -gt "$segs" ]
	[ "$ids_bad" -eq 0 ]
	# And they were cut: far more segments than frames tcp_mini wrote.
	[ "$segs" -gt $((3 * out)) ]
}

# --- 5. checksums ------------------------------------------------------------

@test "tcp_mini lesson 07: partial checksums from the kernel, TCP and UDP, are taken; a TCP segment with a wrong full checksum is still dropped" {
	require_tool nc netcat-openbsd
	require_tool tcpdump tcpdump
	local partial
	start_tcp
	capture "$T/c.pcap"
	head -c 256K /dev/urandom >"$T/in"
	echo_through "$T/in" 30
	# UDP echo too (rung 4's, on port 7): the loop finishes a partial
	# UDP checksum before the core checks it.
	run in_ns "$UDPCHECK" -n 20 -s 0-1472 -S 7
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "sent 20 echoed 20 exact 20 mismatched 0 lost 0" ]
	# A SYN to port 7 whose checksum is wrong, from a packet socket: it
	# comes with no "partial" in its header and must be summed.
	in_ns "$CRAFT" -e tcp-badsum
	echo_ok
	stop_capture
	CAPTURE_PID=
	stop_stack
	cat "$ERR"
	[ "$(drops tcp_bad_checksum)" -eq 1 ]
	[ "$(drops udp_bad_checksum)" -eq 0 ]
	no_vnet_drops
	# The kernel's own segments to port 7 crossed tap0 with partial
	# checksums: tcpdump, summing them, calls them incorrect.  The
	# program took every one (one bad checksum above: the crafted SYN).
	partial=$(read_pcap -vvnr "$T/c.pcap" 'src host 10.10.10.2 and tcp dst port 7 and not tcp src port 40000' |
		grep -c 'incorrect' || true)
	echo "kernel TCP segments with a partial checksum: $partial"
	[ "$partial" -gt 0 ]
	partial=$(read_pcap -vvnr "$T/c.pcap" 'src host 10.10.10.2 and udp dst port 7' |
		grep -c 'bad udp cksum' || true)
	echo "kernel UDP datagrams with a partial checksum: $partial"
	[ "$partial" -gt 0 ]
	# The crafted SYN arrived, and drew no answer.
	[ "$(packets "$T/c.pcap" 'dst host 10.10.10.1 and tcp src port 40000')" -eq 1 ]
	[ "$(packets "$T/c.pcap" 'src host 10.10.10.1 and tcp dst port 40000')" -eq 0 ]
}

# --- 6. --uring, and UDP segmentation offload --------------------------------
#
# (--no-offload and --uring on every rung: tests/86-every-rung-loop.bats)

# discard_and_chargen MB: MB into discard (nc ends cleanly only after the
# stack's FIN, which follows every byte) and MB out of chargen, compared
# with RFC 864's stream.
discard_and_chargen() {
	run bash -c "head -c ${1}M /dev/zero | timeout 120 ip netns exec $NS nc -N 10.10.10.1 9"
	[ "$status" -eq 0 ]
	chargen_ok $(($1 * 1048576)) 120
}

@test "tcp_mini lesson 07: --uring: 100 MB into discard and out of chargen intact, with offloads and with --no-offload" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 100 20)
	start_tcp --uring
	discard_and_chargen "$mb"
	stop_stack
	cat "$ERR"
	[ "$(drops tcp_bad_checksum)" -eq 0 ]
	# io_uring really carried them: fewer system calls than frames.
	local frames enters
	frames=$(awk '$1 == "tcp_mini:" && $2 == "in" { print $3 + $5 }' "$ERR")
	enters=$(awk '$1 == "tcp_mini:" && $2 == "uring" { print $4 }' "$ERR")
	echo "frames $frames, io_uring_enter calls $enters"
	[ "$enters" -gt 0 ]
	[ "$enters" -lt "$frames" ]
	start_tcp --uring --no-offload
	discard_and_chargen "$mb"
	stop_stack
	cat "$ERR"
	# Without offloads every frame is at most the MTU: at least one
	# frame per 1460 bytes came in.
	[ "$(awk '$1 == "tcp_mini:" && $2 == "in" { print $3 }' "$ERR")" -ge $((mb * 1048576 / 1460)) ]
}

@test "tcp_mini lesson 07: --uring --no-offload --loss 2 --reorder 5: 5 MB through echo intact" {
	require_tool nc netcat-openbsd
	local mb
	mb=$(size_mb 5 2)
	head -c "${mb}M" /dev/urandom >"$T/in"
	# --no-offload: frames of one segment, thousands of them, so that the
	# faults surely hit (and io_uring carries many small frames).
	start_tcp --uring --loss 2 --reorder 5 --seed 7 --no-offload
	timeout 60 ip netns exec "$NS" nc -N 10.10.10.1 7 <"$T/in" >"$T/out"
	same_content "$T/in" "$T/out"
	stop_stack
	cat "$ERR"
	[ "$(awk '$1 == "tcp_mini:" && $10 == "loss_in" { print $11 }' "$ERR")" -gt 0 ]
}

@test "tcp_mini lesson 07: ten datagrams in one send (UDP_SEGMENT) come in as one frame, are cut, and each is echoed exact" {
	start_stack tcp_mini --trace
	kernel_side tap0
	run in_ns "$UDPGSO" -n 10 -s 1000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "sent 10 in one send, echoed 10, exact 10" ]
	run in_ns "$UDPGSO" -n 3 -s 1472
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
	# One frame in for the ten, the trace says so: 10 x 1000 bytes of
	# data, with one IP and one UDP header, and the size of each.
	grep -E ' in .* UDP port [0-9]+ > 7, .*length 10028, gso 1000$' "$ERR"
	[ "$(grep -c ' out .* UDP port 7 > ' "$ERR")" -eq 13 ]
	# With --no-offload the kernel cuts them itself: ten frames in.
	start_stack tcp_mini --trace --no-offload
	kernel_side tap0
	run in_ns "$UDPGSO" -n 10 -s 1000
	echo "$output"
	[ "$status" -eq 0 ]
	stop_stack
	[ "$(grep -c ' in .* UDP port [0-9]* > 7, ttl 64, length 1028$' "$ERR")" -eq 10 ]
}
