# rungs.sh - what "build it yourself" knows about each rung; sourced by
# start.sh, check.sh and prove.sh (run from the project's top folder).

RUNGS="01 02 03 04 05 06 07"

# rung_check NN: is NN a rung?  Says which are, if not.
rung_check() {
	case " $RUNGS " in
	*" $1 "*) return 0 ;;
	esac
	echo "RUNG must be one of: $RUNGS (for example: make start RUNG=01)" >&2
	return 1
}

rung_prog() {
	case $1 in
	01) echo tun_echo ;;
	02) echo icmp_reply ;;
	03) echo tap_arp ;;
	04) echo udp_echo ;;
	05 | 06 | 07) echo tcp_mini ;;
	esac
}

# rung_lesson NN: the lesson's file.  Its name is known before the file
# is written (a rung's code and tests may come before its lesson): then
# that name, so that the TODOs and the scoreboard say where to read.
rung_lesson() {
	local f
	for f in lessons/"$1"-*.md; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	case $1 in
	06) echo lessons/06-tcp-bad-network.md ;;
	07) echo lessons/07-speed.md ;;
	*) echo "lessons/$1-*.md" ;;
	esac
}

# rung_bats NN: the rung's scenario file; nothing if it has none yet
# (check.sh then runs the unit tests alone, and says so).
rung_bats() {
	local f
	for f in tests/"$1"-*.bats; do
		[ -e "$f" ] && echo "$f"
	done
	return 0
}

# rung_jobs NN: how many groups of the rung's scenarios make check STEP=K
# runs side by side.  Each scenario has a namespace of its own; rungs 4
# to 6's also find their programs by PID, never by name (pgrep), so two
# groups cannot see each other's.  Rung 1's look for tun_echo by name
# (the --user tests), rungs 2 and 3 are quick: one at a time.
rung_jobs() {
	case $1 in
	04 | 05 | 06 | 07) echo 2 ;;
	*) echo 1 ;;
	esac
}

# The unit tests of the rung: each name that contains one of these.
rung_units() {
	case $1 in
	01) echo "tun_echo:" ;;
	02) echo "icmp_reply: ipv4: icmp:" ;;
	03) echo "tap_arp: arp: arp cache:" ;;
	04) echo "udp_echo: reasm: udp:" ;;
	05) echo "tcp_mini:" ;;
	06) echo "cc: sack: rack:" ;;	# CUBIC, the scoreboard, RACK-TLP
	07) echo "vnet: gso:" ;;	# the virtio-net header, joined segments
	esac
}

# The project's files that have parts of rung NN cut out: the files of
# mine/NN/.  The markers in the source say which they are.  Two rungs of
# one program (05 and 06: tcp_mini) each replace only their own files;
# every other file is the project's, complete.  (A file may hold parts of
# two rungs: each rung's starter cuts only its own parts, and keeps the
# other rung's code with its markers taken out.)
rung_files() {
	grep -l "build-it $1\.[0-9]* begin" -- */*.c | grep -v '^tests/' | sort
}

# rung_steps NN: "NN.K<TAB>title", one line per step, in order.
rung_steps() {
	# shellcheck disable=SC2046
	awk -v mode=steps -v rung="$1" -f tests/build-it/cut.awk $(rung_files "$1") |
		sort -t. -k2,2n | awk -F'\t' '!seen[$1]++'
}

# table NN: tests/build-it/NN.tests as "step<TAB>starter<TAB>name" lines.
# The file has one line per test of the rung, "STEP STARTER NAME":
#   STEP     the step of the lesson's "Build it yourself" after which the
#            test passes (it needs that step and those before it; make
#            check points to the lowest step with a failing test), or -
#            for a test of what the starter keeps (prove.sh --steps NN
#            computes this column)
#   STARTER  fails or passes: what the untouched starter must do
#   NAME     the test's name as the scoreboard prints it
table() {
	awk '/^[ \t]*(#|$)/ { next }
	{ n = $0; sub(/^[^ ]+ +[^ ]+ +/, "", n); printf "%s\t%s\t%s\n", $1, $2, n }' \
		tests/build-it/"$1".tests
}
