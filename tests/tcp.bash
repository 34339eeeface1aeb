# tcp.bash - what the TCP scenario files (tests/05-*.bats, tests/06-*.bats)
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
