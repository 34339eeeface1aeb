# tcp.bash - what the TCP scenario files (tests/05-*.bats to tests/07-*.bats)
# share: starting tcp_mini with the kernel's side up, sizes per build, and
# comparing what went through with what came back.  Loaded after helpers.

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

# chargen_expected BYTES: RFC 864's stream, computed here independently of
# tcp_mini: 72 of the 95 printable characters (' ' to '~', in a circle)
# and CR LF per line, each line starting one character further round.
chargen_expected() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < 95; i++) ring = ring sprintf("%c", 32 + i)
		ring = ring ring
		lines = int(n / 74) + 1
		for (l = 0; l < lines; l++)
			printf "%s\r\n", substr(ring, l % 95 + 1, 72)
	}' | head -c "$1"
}

# summary_count NAME: a counter of tcp_mini's exit summary, its first line
# (in, out, loss_in, loss_out) or its faults line (dup_in, reordered_out,
# ...); 0 if absent.  in and out count frames, however many segments each
# one stands for (lesson 07).
summary_count() {
	awk -v k="$1" '$1 == "tcp_mini:" && ($2 == "in" || $2 == "faults") {
		for (i = 2; i < NF; i++) if ($i == k) n = $(i + 1)
	} END { print n + 0 }' "$ERR"
}

# other_drops REASON...: the summary's drop lines for any other reason.
other_drops() {
	local pat
	pat=$(printf '%s|' "$@")
	grep -E '^tcp_mini: drop ' "$ERR" | grep -vE " drop (${pat%|}) " || true
}

# echo_ok: one nc round trip on the echo port, the way a learner checks.
echo_ok() {
	run bash -c "echo 'still there?' | timeout 10 ip netns exec $NS nc -N 10.10.10.1 7"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "still there?" ]
}

# echo_through FILE SECONDS: FILE through tcp_mini's echo with nc -N, in
# at most SECONDS; what came back ($T/echoed) must be FILE exactly.
echo_through() {
	local t0
	t0=$(date +%s%3N)
	timeout "$2" ip netns exec "$NS" nc -N 10.10.10.1 7 <"$1" >"$T/echoed"
	echo "$(stat -c %s "$1") bytes through echo in $(($(date +%s%3N) - t0)) ms"
	same_content "$1" "$T/echoed"
}

# chargen_ok BYTES SECONDS: the first BYTES of chargen, read with nc in at
# most SECONDS, are RFC 864's stream (by hash).
chargen_ok() {
	local want got t0
	want=$(chargen_expected "$1" | sha256sum | cut -d' ' -f1)
	t0=$(date +%s%3N)
	# head closes the pipe after the last byte; nc then closes, which
	# ends the connection.  Fewer bytes, or other ones, change the hash.
	got=$(timeout "$2" ip netns exec "$NS" nc -d 10.10.10.1 19 </dev/null |
		head -c "$1" | sha256sum | cut -d' ' -f1)
	echo "$1 bytes from chargen in $(($(date +%s%3N) - t0)) ms"
	[ "$got" = "$want" ]
}

# arp_first: the kernel knows the program's MAC address before a test's
# connection opens (a ping answered; each one tried may be lost to the
# faults).  Otherwise, under --loss, a lost ARP request or reply holds the
# kernel's SYN for a second or two in its ARP queue, with the timestamp
# of the connect() in it; the SYN-ACK echoes that, Linux takes a round
# trip of seconds from it and sets its retransmission timeout to match
# (srtt + 4 rttvar), and each loss it has to time out in the first
# seconds then stalls the transfer that long.
arp_first() {
	wait_for 20 in_ns ping -n -c 1 -W 1 10.10.10.1 && return 0
	echo "no ping answered in 20 s" >&2
	return 1
}
