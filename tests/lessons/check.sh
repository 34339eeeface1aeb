#!/usr/bin/env bash
# tests/lessons/check.sh - keep the lessons true to the code.
#
#   sudo bash tests/lessons/check.sh        every lesson
#   sudo bash tests/lessons/check.sh 03     lessons/03-*.md only
#   sudo bash tests/lessons/check.sh FILE   that file, as a lesson
#   sudo bash tests/lessons/check.sh --self-test
#                                           show that it fails when a
#                                           captured line or an excerpt
#                                           line is altered
#   CHECK_KEEP=DIR ...                      also keep each session's real
#                                           transcript in DIR (to re-capture)
#   CHECK_IN_ORDER=1 ...                    run each lesson's blocks one
#                                           after the other in one namespace,
#                                           as a learner does (see
#                                           run_in_order below)
#
# What it checks, printing TAP lines ("ok N - ...", "not ok N - ...") that
# tests/run.sh adds up, and one summary line per lesson:
#
#   1. Every captured shell session in lessons/NN-*.md: a fenced block with
#      "$ command" lines, each followed by the output it printed.  The
#      commands are run again, one fresh network namespace per block (made
#      here and deleted after it, everything under `timeout`: 40 s a block,
#      plus what its setup sleeps on purpose), and the real
#      transcript is compared with the lesson's after both are normalised
#      (see normalise() below: times, rtt figures, dates, PIDs, make's
#      Makefile line numbers, kernel-made
#      MACs, IP and ICMP identifiers, ephemeral ports, hex dumps, checksums
#      that follow from those, runs of blanks).  A mismatch prints a unified
#      diff.  A "..." line in the lesson stands for any number of lines.
#   2. Every C excerpt (a ```c block) against the file it quotes.
#   3. Every drop reason named in lib/drop.c appears in some lesson.
#   4. Every script that runs external tools names each one in its tool list.
#
# How a session block is run:
#   - each "$ " line (with its continuation lines: a trailing "\" or an
#     unclosed quote) is one command; "# " is the prompt of a block that is
#     all root-shell commands;
#   - "sudo " is dropped (this runs as root); the namespace name "tunlab" is
#     replaced by the block's own (tunlab-v6 by its own-v6), and "/tmp/" by
#     the block's private temporary directory; both are mapped back in the
#     output;
#   - the commands run in a scratch directory where tun_echo/, icmp_reply/,
#     tap_arp/, udp_echo/, tcp_mini/, tools/, build/, tests/, lib/, fuzz/, lessons/
#     and the Makefile lead to the project's, so "./tun_echo/tun_echo" is
#     the real program and files a lesson writes ("out", "z.pcap", the
#     mine/ of "make start") land in the scratch directory;
#   - a command that starts a rung program for good ("terminal 1": a
#     ./PROG/PROG that is not --read, --help, --version, --connect or
#     --ping) is run in the
#     background: its stdout is shown once it says "ready" (or, if it exits
#     at once, its stdout and stderr), and it keeps running, inside the
#     namespace, until the block ends;
#   - any other command left running with "&" (a socat that waits for
#     the echo) gets 0.3 s before the next command, the time a person
#     takes to type it;
#   - what setup starts, and a rung started for good, are not jobs of the
#     block's shell: the block's own "wait" and "%1" mean its own jobs;
#   - stdout and stderr are shown together, as on a terminal.
#
# Markers: HTML comments in the lesson source, invisible when rendered.
#   <!-- check: skip REASON [words] -->
#       just before a block: do not run or compare it; it is counted and
#       listed under REASON (one word: second-terminal, wait, patch,
#       interactive, host, slow, illustration, earlier-run, ...).
#   <!-- check: setup SHELL -->
#       just before a session block: run SHELL first (instead of the
#       context), silently, in the block's shell, with the same rewriting
#       as the commands.  Besides any shell
#       command, SHELL may use:
#         ns            the namespace of lesson 00 (lo up, IPv6 off,
#                       ping_group_range), named "tunlab"
#         ns6           the same with IPv6 left on
#         standalone    true unless the blocks run in order: "if
#                       standalone; then CMD; fi" for a CMD that stands for
#                       an earlier block's (in order, it has run already)
#         fresh         "ns", and when the blocks run in order
#                       (CHECK_IN_ORDER=1), made anew: what earlier
#                       blocks left in it is gone.  For a block the lesson
#                       says starts in a new namespace (lesson 00's recipe)
#         start PROG [ARGS]   ./PROG/PROG ARGS in the namespace, in the
#                       background until the block ends; waits for "ready"
#         up DEV        10.10.10.2/24 on DEV, and DEV up (the kernel side)
#         world         lesson 03's "world": a namespace tunlab-world whose
#                       eth0 (192.0.2.2/24, default route via 192.0.2.1) is
#                       a veth to world0 (192.0.2.1/24) in tunlab, which
#                       forwards (ip_forward=1); after "ns"
#   <!-- check: not-in-order [WHY] -->
#       just before a session block that a learner who did the earlier
#       blocks skips ("make the namespace if you have not yet"): with
#       CHECK_IN_ORDER=1 it is not run (counted as skipped, not-in-order).
#   <!-- check: context SHELL -->
#       anywhere: SHELL becomes the setup of every following session block
#       of this lesson that has no setup marker of its own (until the next
#       context marker).  "context none" resets it.  A lesson starts with none.
#   <!-- check: stderr -->
#       just before a session block: a rung it starts for good shows its
#       stderr too (the trace, an error), as much as it printed within
#       0.5 s of "ready"; without it, only stdout is shown.
#   <!-- check: alone [WHY] -->
#       just before a session block: run it with no other block running
#       beside it (blocks otherwise run CHECK_JOBS at a time, default 4),
#       for a capture that depends on timing a busy machine disturbs.
#   <!-- check: limit SECONDS -->
#       just before a session block: its time limit, instead of 40 s (a
#       make check that builds and runs a rung's tests).
#   <!-- check: single -->
#       just before a session block: its first line is the only command,
#       and every other line its output, even one that starts with "$ "
#       (make demo shows the commands it runs that way).
#   <!-- check: code PATH -->
#       just before a ```c block: its lines must appear in PATH, in order
#       and contiguous, ignoring blank lines, differences in blanks and the
#       "build it yourself" markers (tests/build-it/cut.awk); a
#       line that starts with "..." is an elision (each piece between
#       elisions is found in turn).
#   A ```c block that is not the project's code (a wrong version on
#   purpose, a learner's program) is marked "skip illustration".  Fenced
#   blocks with no "$ " command and no language (output of another
#   terminal, diagrams) are not sessions and are not run.
#
# Needs root (network namespaces), the built programs (make) and the test
# tools (make tools).  Without root it fails and says so.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
only=${1:-}

# shellcheck source=tests/deps.sh
. tests/deps.sh

# Everything this script runs outside the shell, with what the lessons'
# sessions run (arping, nc, nstat, setpriv, xxd, ifconfig and route, and
# lesson 07's strace).
LESSON_TOOLS="ip:iproute2 ping:iputils-ping arping:iputils-arping nc:netcat-openbsd
socat:socat tcpdump:tcpdump timeout:coreutils setpriv:util-linux
sysctl:procps pgrep:procps nstat:iproute2 xxd:xxd diff:diffutils
ifconfig:net-tools route:net-tools nft:nftables python3:python3 sha256sum:coreutils
flock:util-linux strace:strace"

t=0		# TAP test number
fails=0
tap_ok()   { t=$((t + 1)); echo "ok $t - $*"; }
tap_fail() { t=$((t + 1)); fails=$((fails + 1)); echo "not ok $t - $*"; }

# --- normalise: what legitimately differs from run to run ---------------
# Applied to the lesson's text and to the real output alike.
normalise() {
	awk '
	BEGIN { X4 = "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"; H = "[0-9A-Fa-f][0-9A-Fa-f]"
		MAC = H ":" H ":" H ":" H ":" H ":" H }
	function mac_ok(m,  l) {	# MACs the project sets: keep; others vary
		l = tolower(m)
		return l ~ /^02:00:0a:0a:0a:/ || l == "ff:ff:ff:ff:ff:ff" ||
		       l == "00:00:00:00:00:00" || l ~ /^01:00:5e:/ || l ~ /^33:33:/
	}
	function eport(s,  out, p) {	# ephemeral ports after an address or "port "
		out = ""
		while (match(s, /([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\.|port |:)[0-9][0-9][0-9][0-9][0-9]?/)) {
			p = substr(s, RSTART, RLENGTH)
			pre = p; sub(/[0-9]+$/, "", pre)
			num = substr(p, length(pre) + 1) + 0
			if (num >= 32768 && num <= 60999)
				p = pre "EPORT"
			out = out substr(s, 1, RSTART - 1) p
			s = substr(s, RSTART + RLENGTH)
		}
		return out s
	}
	{
		s = $0
		gsub(/\033\[[0-9;]*m/, "", s)				# terminal bold
		# hex dumps (tcpdump -x/-X/-xx, xxd): offsets and sizes only
		if (s ~ /^[ \t]*0x[0-9a-f]+:  / || s ~ ("^" X4 X4 ": " X4 " ")) {
			sub(/^[ \t]+/, "", s)
			off = s; sub(/:.*/, "", off)
			s = substr(s, length(off) + 2); sub(/^ +/, "", s)
			sub(/  .*/, "", s)			# the ASCII column
			gsub(/[^0-9a-f]/, "", s)
			s = off ": [" length(s) / 2 " bytes]"
		}
		gsub(/time=[0-9.]+ ?ms/, "time=T ms", s)		# ping
		gsub(/, time [0-9]+ms/, ", time Tms", s)
		sub(/(rtt|round-trip) min\/avg\/max(\/mdev)? = .*/, "rtt = R", s)
		gsub(/[0-9]+\.[0-9]+ ?ms(ec)?/, "Tms", s)		# arping, others
		gsub(/[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+/, "HH:MM:SS", s)
		if (s ~ /^[ \t]*[0-9]+\.[0-9]+ (in |out|drop|err|tcp )/)	# trace
			sub(/^[ \t]*[0-9]+\.[0-9]+/, "T", s)
		gsub(/[0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/, "DATE", s)
		gsub(/[A-Z][a-z][a-z] +[0-9]+ +[0-9]+:[0-9][0-9]/, "DATE", s)	# ls -l
		gsub(/\[[0-9]+\]/, "[PID]", s)				# socat[1234]
		gsub("0x" X4 X4 "[0-9a-f]*", "0xPTR", s)
		gsub(/tunlab-demo-[0-9]+/, "tunlab-demo-PID", s)
		gsub(/\/tmp\/tmp\.[A-Za-z0-9]+/, "/tmp/TMP", s)
		if (s ~ /^(root|nobody) +[0-9]+ /)			# ps -o user,pid
			sub(/ +[0-9]+ /, " PID ", s)
		gsub(/\[Makefile:[0-9]+: /, "[Makefile:N: ", s)	# make: *** [Makefile:177: check]
		if (s ~ /^[0-9]+: [a-z][a-z0-9_.@-]*: </)		# ip link: ifindex
			sub(/^[0-9]+:/, "N:", s)
		gsub(/ id [0-9]+/, " id N", s); sub(/^id [0-9]+/, "id N", s)	# IP, ICMP ids
		gsub(/cksum 0x[0-9a-f]+/, "cksum X", s)
		gsub(/cksum [0-9a-f]+ \(->[0-9a-f]+\)/, "cksum X (->Y)", s)
		out = ""
		while (match(s, MAC)) {
			m = substr(s, RSTART, RLENGTH)
			out = out substr(s, 1, RSTART - 1) (mac_ok(m) ? m : "MAC")
			s = substr(s, RSTART + RLENGTH)
		}
		s = eport(out s)
		gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
		print s
	}' | awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--
		for (i = 1; i <= n; i++) print l[i] }'
}

# match_elided EXPECTED ACTUAL: does ACTUAL fit EXPECTED, where a line "..."
# in EXPECTED matches any number of lines?  (Wildcard matching over lines.)
match_elided() {
	awk 'NR == FNR { p[++np] = $0; next } { a[++na] = $0 }
	END {
		i = 1; j = 1; star = 0
		while (j <= na) {
			if (i <= np && p[i] == "...") { star = i++; mark = j; continue }
			if (i <= np && p[i] == a[j]) { i++; j++; continue }
			if (star) { i = star + 1; j = ++mark; continue }
			exit 1
		}
		while (i <= np && p[i] == "...") i++
		exit !(i > np)
	}' "$1" "$2"
}

# --- the blocks of one lesson -------------------------------------------
# split_blocks LESSON DIR: one DIR/NNN.body and DIR/NNN.meta per fenced
# block; meta: line, lang, kind (session, code, other), the markers.
split_blocks() {
	awk -v dir="$2" '
	function flush_marker_error() {
		if (npend) { print "stray marker before line " NR ": " pend[1] > "/dev/stderr"
			printf "stray\t%d\t%s\n", NR, pend[1] >> (dir "/stray") }
		npend = 0
	}
	BEGIN { ctx = "none"; n = 0 }
	!inb && /^[ \t]*<!-- check: .* -->[ \t]*$/ {
		m = $0; sub(/^[ \t]*<!-- check: /, "", m); sub(/ -->[ \t]*$/, "", m)
		if (m ~ /^context /) { ctx = substr(m, 9); next }
		pend[++npend] = m; next
	}
	!inb && /^[ \t]*```/ {
		inb = 1; n++; start = NR; ind = $0; sub(/```.*/, "", ind); ind = length(ind)
		lang = $0; sub(/^[ \t]*```/, "", lang); sub(/[ \t]+$/, "", lang)
		body = sprintf("%s/%03d.body", dir, n); printf "" > body
		dollar = 0; first = ""
		next
	}
	inb && /^[ \t]*```[ \t]*$/ {
		inb = 0
		kind = "other"
		if (lang == "c") kind = "code"
		else if (lang == "" && (dollar || first ~ /^# /)) kind = "session"
		meta = sprintf("%s/%03d.meta", dir, n)
		printf "line\t%d\nlang\t%s\nkind\t%s\ncontext\t%s\n", start, lang, kind, ctx > meta
		for (i = 1; i <= npend; i++) {
			d = pend[i]; w = d; sub(/ .*/, "", w); r = d; sub(/^[^ ]+ ?/, "", r)
			if (r == "") r = "yes"
			printf "%s\t%s\n", w, r > meta
		}
		close(meta); close(body); npend = 0
		next
	}
	inb {
		l = $0
		for (k = 0; k < ind && substr(l, 1, 1) ~ /[ \t]/; k++) l = substr(l, 2)
		if (first == "") first = l
		if (l ~ /^\$ /) dollar = 1
		print l > body
		next
	}
	/^[ \t]*$/ { next }
	{ flush_marker_error() }
	' "$1"
}

meta() { awk -F'\t' -v k="$2" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' "$1"; }

# --- running one session block ------------------------------------------
PRELUDE='
set +e
ns()  { ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ping_group_range="0 2147483647"; }
ns6() { ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip netns exec "$NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"; }
fresh() {	# ns, made anew: in order, what earlier blocks left is gone
	local n2 p
	for n2 in $(ip netns list 2>/dev/null | cut -d" " -f1 | grep -E "^$NS(-|$)"); do
		for p in $(ip netns pids "$n2" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n2"
	done
	ns; }
standalone() { [ -z "${__INORDER:-}" ]; }	# not CHECK_IN_ORDER
up()  { ip -n "$NS" addr add 10.10.10.2/24 dev "$1" && ip -n "$NS" link set "$1" up; }
world() {	# lesson 03 "Beyond the link": tunlab routes to tunlab-world
	. tests/world.sh && world_up "$NS" "$NS-world"; }
__wait_ready() {	# PID OUT: until "ready" on OUT or PID gone, at most 10 s
	local i
	for i in $(seq 200); do
		grep -q "^ready" "$2" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
start() {
	local prog=$1; shift
	local pid
	: >"$B/start.$prog.out"
	timeout 120 ip netns exec "$NS" "./$prog/$prog" "$@" >"$B/start.$prog.out" 2>"$B/start.$prog.err" &
	pid=$!
	echo $pid >>"$B/pids"
	# not a job of the block'"'"'s shell: its "wait" and "%1" are the lesson'"'"'s own
	disown $pid
	__wait_ready $pid "$B/start.$prog.out" || { echo "setup: $prog did not start"; cat "$B/start.$prog.err"; }
}
__wait_more_ready() {	# N: until the transcript has more than N ready lines, at most 10 s
	local i
	for i in $(seq 200); do
		[ "$(grep -c "^ready" "$B/actual.raw")" -gt "$1" ] && return 0
		sleep 0.05
	done
}
__daemon() {		# K: run cmd K in the background; show it like a terminal
	local st=0 pid
	: >"$B/d$1.out"		# (in order, an earlier block may have left one)
	if [ -n "${__DSTDERR:-}" ]; then	# "check: stderr": what it says at once too
		timeout 120 bash -c "$(cat "$B/cmd$1.run")" >"$B/d$1.out" 2>&1 &
		: >"$B/d$1.err"
	else
		timeout 120 bash -c "$(cat "$B/cmd$1.run")" >"$B/d$1.out" 2>"$B/d$1.err" &
	fi
	pid=$!
	echo $pid >>"$B/pids"
	if __wait_ready $pid "$B/d$1.out"; then
		disown $pid	# terminal 1'"'"'s, not a job of this shell
		[ -n "${__DSTDERR:-}" ] && sleep 0.5
		cat "$B/d$1.out"
	else
		wait $pid; st=$?
		cat "$B/d$1.out" "$B/d$1.err"
	fi
	return $st
}
'

# is_daemon CMD: starts a rung program for good (not replay/help/version)?
is_daemon() {
	[[ $1 =~ \./(tun_echo|icmp_reply|tap_arp|udp_echo|tcp_mini)/(tun_echo|icmp_reply|tap_arp|udp_echo|tcp_mini)([[:space:]]|$) ]] || return 1
	[[ $1 =~ (--read|[[:space:]]-r[[:space:]]|--version|[[:space:]]-V([[:space:]]|$)|--help|[[:space:]]-h([[:space:]]|$)|[|\&;]|--connect|[[:space:]]-c[[:space:]]|--ping) ]] && return 1
	return 0
}

# is_background_rung CMD: "PROG ... &", a rung started as a job of the shell
# (the lesson then stops it with kill %1): wait for its ready line too.
is_background_rung() {
	local re='\./(tun_echo|icmp_reply|tap_arp|udp_echo|tcp_mini)/[a-z_]+[[:space:]].*&[[:space:]]*$'
	[[ $1 =~ $re ]] && [[ $1 != *"&&"* ]]
}

# is_background CMD: ends in a single "&" (a job of the shell)?
is_background() { [[ $1 =~ [^\&]\&[[:space:]]*$ ]]; }

# rewrite: sudo away, the block's namespace and /tmp
rewrite() { sed -E -e 's/(^|[^[:alnum:]_-])sudo /\1/g' -e "s/\\btunlab\\b/$NS/g" -e "s#/tmp/#$B/tmp/#g"; }

# new_scratch: a scratch directory for a block (or, in order, a lesson):
# tmp/ for the lesson's /tmp/, work/ with the project's folders linked in.
new_scratch() {
	local B d
	B=$(mktemp -d /tmp/tunlab-check.XXXXXX)
	chmod 755 "$B"
	mkdir -m 1777 "$B/tmp"
	mkdir "$B/work"; chmod 777 "$B/work"
	for d in tun_echo icmp_reply tap_arp udp_echo tcp_mini tools build tests lib fuzz lessons Makefile; do
		[ -e "$TOP/$d" ] && ln -s "$TOP/$d" "$B/work/$d"
	done
	echo "$B"
}

# stop_namespaces NS [del]: kill every process in NS and its NS-* (the
# world); with "del", delete them too.
stop_namespaces() {
	local n2 p
	for n2 in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1(-|$)"); do
		for p in $(ip netns pids "$n2" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		[ "${2:-}" = del ] && ip netns del "$n2" 2>/dev/null
	done
}

# run_session META BODY: print "ok"/"not ok" for one block.
run_session() {
	local metaf=$1 body=$2 label=$3
	local B k=0 line prompt='$ ' cmd st
	local single
	single=$(meta "$metaf" single)
	if [[ -n ${SEQ_B:-} ]]; then	# in order: one scratch and namespace for the lesson
		B=$SEQ_B NS=$SEQ_NS
	else
		B=$(new_scratch)
		NS="tlchk-$BASHPID-$(basename "$body" .body)"
	fi
	: >"$B/pids"

	# split into commands (with their continuation lines) and output
	mapfile -t L <"$body"
	[[ ${L[0]} == '# '* ]] && ! grep -q '^\$ ' "$body" && prompt='# '
	local script="$B/script.sh"
	{
		echo "B='$B'; NS='$NS'; cd '$B/work' || exit 1"
		# nstat keeps its history in one file per user: one per block here
		echo "export NSTAT_HISTORY='$B/nstat.history'"
		# make check builds a learner's rung here, not in the shared
		# build/mine/NN, so that blocks that run it can run side by side
		echo "export TUNLAB_MINE_OUT='$B/mine-build'"
		echo "$PRELUDE"
		[[ -n ${SEQ_B:-} ]] && echo "__INORDER=1"
		{ echo "{ :"
		  if [ -n "$(meta "$metaf" setup)" ]; then meta "$metaf" setup | rewrite
		  else meta "$metaf" context | grep -vx none | rewrite; fi
		  echo "}"; } >"$B/setup.sh"
		# the TUN/TAP devices the setup makes (another terminal's, in
		# the lesson): in order, they go when the block ends
		echo "__tt() { ip -n \"\$NS\" tuntap show 2>/dev/null | cut -d: -f1 | sort; }"
		echo "__tt >'$B/tt.before'"
		echo ". '$B/setup.sh' >'$B/setup.log' 2>&1 </dev/null"
		echo "__tt >'$B/tt.setup'"
		echo "exec 2>&1 </dev/null"
		[ -n "$(meta "$metaf" stderr)" ] && echo "__DSTDERR=1"
		echo "__st=0"
	} >"$script"
	local i=0 n=${#L[@]}
	while [ $i -lt $n ]; do
		line=${L[$i]}
		if [[ $line == "$prompt"* ]] && { [ $k -eq 0 ] || [ -z "$single" ]; }; then
			k=$((k + 1))
			cmd=${line#"$prompt"}
			printf '%s\n' "$line" >"$B/cmd$k.txt"
			i=$((i + 1))
			while [ $i -lt $n ]; do
				if [[ $cmd == *\\ ]] || ! bash -n <<<"$cmd" 2>/dev/null; then
					cmd+=$'\n'${L[$i]}
					printf '%s\n' "${L[$i]}" >>"$B/cmd$k.txt"
					i=$((i + 1))
				else
					break
				fi
			done
			rewrite <<<"$cmd" >"$B/cmd$k.run"
			{
				echo "cat '$B/cmd$k.txt'"
				if is_daemon "$cmd"; then
					echo "(exit \$__st); __daemon $k"
				elif is_background_rung "$cmd"; then
					echo "__n=\$(grep -c ^ready '$B/actual.raw')"
					echo "(exit \$__st); $(cat "$B/cmd$k.run")"
					echo "__wait_more_ready \$__n"
				elif is_background "$cmd"; then
					# any other job: the time to type the next command
					echo "(exit \$__st); $(cat "$B/cmd$k.run")"
					echo "sleep 0.3"
				else
					echo "(exit \$__st); $(cat "$B/cmd$k.run")"
				fi
				echo "__st=\$?"
			} >>"$script"
		else
			i=$((i + 1))
		fi
	done

	# 40 s a block (or its "limit"), and the time its setup spends
	# waiting on purpose
	local limit=40 w
	[ -n "$(meta "$metaf" limit)" ] && limit=$(meta "$metaf" limit)
	for w in $(grep -oE 'sleep [0-9]+' "$B/setup.sh" | awk '{ print $2 }'); do
		limit=$((limit + w))
	done
	timeout $limit bash "$script" >"$B/actual.raw" 2>&1
	st=$?
	# stop what the block left running: our daemons, then anything in our
	# namespaces; delete the namespaces (in order: keep them, and what is
	# in them, for the next block, as a learner's terminal would)
	local p
	while read -r p; do kill -TERM "$p" 2>/dev/null; done <"$B/pids"
	sleep 0.1
	if [[ -n ${SEQ_B:-} ]]; then
		stop_namespaces "$NS"
		for p in $(comm -13 "$B/tt.before" "$B/tt.setup" 2>/dev/null); do
			ip -n "$NS" link del "$p" 2>/dev/null
		done
	else
		stop_namespaces "$NS" del
	fi
	while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$B/pids"
	wait 2>/dev/null

	sed -e "s#$B/tmp/#/tmp/#g" -e "s#$B/work/##g" -e "s#$B/tmp#/tmp#g" -e "s/$NS/tunlab/g" \
		"$B/actual.raw" >"$B/actual"
	if [ -n "${CHECK_KEEP:-}" ]; then
		mkdir -p "$CHECK_KEEP" && cp "$B/actual" "$CHECK_KEEP/${label// /_}.txt"
	fi
	normalise <"$body" >"$B/want.n"
	normalise <"$B/actual" >"$B/got.n"
	if [ $st -eq 124 ]; then
		tap_fail "$label: timed out"
		diff -u --label "lesson $label" --label "real run" "$B/want.n" "$B/got.n"
		rc=1
	elif match_elided "$B/want.n" "$B/got.n"; then
		tap_ok "$label"
		rc=0
	else
		tap_fail "$label: the real output differs"
		diff -u --label "lesson $label" --label "real run" "$B/want.n" "$B/got.n"
		if [ -s "$B/setup.log" ]; then
			echo "# setup said:"; sed 's/^/#   /' "$B/setup.log"
		fi
		rc=1
	fi
	[[ -n ${SEQ_B:-} ]] || rm -rf "$B"
	return $rc
}

# --- C excerpts -----------------------------------------------------------
check_code() {	# BODY FILE LABEL
	local body=$1 src=$2 label=$3
	if [ ! -f "$TOP/$src" ]; then
		tap_fail "$label: excerpt of $src, which does not exist"
		return
	fi
	local out
	if out=$(awk '
	function norm(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
	NR == FNR { s = norm($0); if (s != "") f[++nf] = s; next }
	{ s = norm($0); if (s == "") next
	  if (s ~ /^\.\.\./) { if (np[npc]) npc++; next }
	  if (!npc) npc = 1
	  p[npc, ++np[npc]] = s; raw[npc, np[npc]] = $0 }
	END {
		pos = 1
		for (k = 1; k <= npc; k++) {
			if (!np[k]) continue
			found = 0; best = 0; bestat = 0
			for (i = pos; i + np[k] - 1 <= nf + np[k] && i <= nf; i++) {
				for (j = 1; j <= np[k] && i + j - 1 <= nf && f[i + j - 1] == p[k, j]; j++) ;
				if (j > np[k]) { found = i; break }
				if (j - 1 > best) { best = j - 1; bestat = i }
			}
			if (!found) {
				printf "# piece %d: line %d of it is not in the source:\n", k, best + 1
				printf "#   excerpt: %s\n", p[k, best + 1]
				if (bestat) printf "#   source:  %s\n", f[bestat + best]
				else printf "#   (not even its first line matches)\n"
				exit 1
			}
			pos = found + np[k]
		}
	}' <(awk -v mode=strip -f "$TOP/tests/build-it/cut.awk" "$TOP/$src") "$body"); then
		tap_ok "$label: excerpt matches $src"
	else
		tap_fail "$label: excerpt does not match $src"
		echo "$out"
	fi
}

# --- per lesson -----------------------------------------------------------
# Every session block runs in a namespace of its own, so blocks run side by
# side (CHECK_JOBS at a time, default 4: most of a block's time is spent
# waiting for pings and timers).  Each block's result goes to a file; the
# results are printed, numbered, in lesson order once all are done.
JOBS=${CHECK_JOBS:-4}
IN_ORDER_LABEL=
[ -n "${CHECK_IN_ORDER:-}" ] && IN_ORDER_LABEL=" (in order)"
queue=()		# session blocks to run: "META"

# check_size LESSON NN: lesson 00's promise, "about 15 minutes" for the
# fast path and deep dives in the appendix: the fast path's blocks hold at
# most 10 commands, and the main text at most 6,000 words of prose (words
# outside fenced blocks and markers, in every "## " section but "Build it
# yourself", "Exercises", "Tests", "Appendix..." and "Answers").
MAX_WORDS=6000 MAX_FAST=10
check_size() {
	local words fast
	read -r words fast < <(awk '
		BEGIN { main = 1 }
		/^```/ { code = !code; next }
		code { if (fp && /^(\$|#) /) nfast++; next }
		/^[ \t]*<!--/ { next }
		/^## / { sec = substr($0, 4); fp = (sec ~ /^Fast path/)
			 main = (sec !~ /^(Build it yourself|Exercises|Tests|Appendix|Answers)/) }
		main { nw += NF }
		END { print nw + 0, nfast + 0 }' "$1")
	if [ "$words" -le $MAX_WORDS ] && [ "$fast" -le $MAX_FAST ]; then
		tap_ok "lesson $2: main text $words words (at most $MAX_WORDS), fast path $fast commands (at most $MAX_FAST)"
	else
		tap_fail "lesson $2: main text $words words (at most $MAX_WORDS), fast path $fast commands (at most $MAX_FAST): move deep dives to the appendix"
	fi
}

# prepare_lesson LESSON DIR: split it; skipped blocks, excerpts and stray
# markers are judged at once; session blocks join the queue.
prepare_lesson() {
	local lesson=$1 dir=$2 nn f kind line label reason src
	nn=$(basename "$lesson"); nn=${nn%.md}; nn=${nn%%-*}
	echo "$nn" >"$dir/nn"
	: >"$dir/skips"
	split_blocks "$lesson" "$dir"
	if [ -f "$dir/stray" ]; then
		(while IFS=$'\t' read -r _ line m; do
			tap_fail "lesson $nn line $line: marker not just before a block: $m"
		done <"$dir/stray") >"$dir/000.res"
	fi
	[ -z "${CHECK_IN_ORDER:-}" ] && check_size "$lesson" "$nn" >"$dir/words.res"
	for f in "$dir"/*.meta; do
		[ -e "$f" ] || continue
		kind=$(meta "$f" kind)
		line=$(meta "$f" line)
		label="lesson $nn line $line"
		reason=$(meta "$f" skip)
		[ -z "$reason" ] && [ -n "${CHECK_IN_ORDER:-}" ] && [ -n "$(meta "$f" not-in-order)" ] &&
			reason=not-in-order
		if [ -n "$reason" ] && [ "$kind" != other ]; then
			reason=${reason%% *}
			echo "$reason" >>"$dir/skips"
			echo "# skipped: $label ($reason)" >"${f%.meta}.res"
			continue
		fi
		case $kind in
		session)
			queue+=("$f") ;;
		code)
			[ -n "${CHECK_IN_ORDER:-}" ] && continue	# checked in the usual run
			src=$(meta "$f" code)
			(	# a subshell: numbered when reported
				if [ -z "$src" ]; then
					tap_fail "$label: C excerpt with no <!-- check: code FILE --> or skip marker"
				else
					check_code "${f%.meta}.body" "$src" "$label"
				fi
			) >"${f%.meta}.res" ;;
		esac
	done
}

# run_queue: every queued session block, JOBS at a time; the ones that
# wait long (a "sleep NN" in their setup) first; then the "alone" ones,
# one by one, with nothing else running.
run_queue() {
	local f order=() rest=() alone=()
	for f in "${queue[@]}"; do
		if [ -n "$(meta "$f" alone)" ]; then alone+=("$f")
		elif grep -qE 'sleep [1-9][0-9]' "$f"; then order+=("$f")
		else rest+=("$f"); fi
	done
	order+=("${rest[@]}")
	for f in "${order[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
		run_one "$f" &
	done
	wait
	for f in "${alone[@]}"; do
		run_one "$f"
	done
}
run_one() {	# META: one session block, its result in NNN.res
	( run_session "$1" "${1%.meta}.body" "lesson $(cat "$(dirname "$1")/nn") line $(meta "$1" line)${SEQ_B:+ (in order)}" \
		>"${1%.meta}.res" 2>&1 )
}

# run_in_order: CHECK_IN_ORDER=1.  A learner runs a lesson's blocks one
# after the other, in one namespace, with one /tmp: so does this, lesson
# by lesson.  A block's setup then only adds what is missing (each step
# of it fails, silently, where the state is already there); what a block
# started is stopped at its end, as a learner stops a program before the
# next step; the namespace, its devices and addresses, the world and the
# files stay, except a TUN/TAP device the setup made (in the lesson, a
# program in another terminal made it, and it went when that program
# did).  A block that leaves behind what the next one trips over
# ("Address already assigned", "Device or resource busy") fails here.
# Lessons run side by side, each in its own namespace: IN_ORDER_JOBS (2).
run_in_order() {
	local f d dirs=() lock
	lock=$(mktemp /tmp/tunlab-check-lock.XXXXXX)
	for f in "${queue[@]}"; do
		d=$(dirname "$f")
		[[ " ${dirs[*]} " == *" $d "* ]] || dirs+=("$d")
	done
	# Lessons side by side, IN_ORDER_JOBS at a time (default 2): each has
	# its own namespace; within one, the blocks run one after the other.
	for d in "${dirs[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "${IN_ORDER_JOBS:-2}" ]; do wait -n; done
		(
			SEQ_B=$(new_scratch)
			SEQ_NS="tlchk-$$-inorder-$(cat "$d/nn")"
			export SEQ_B SEQ_NS
			for f in "${queue[@]}"; do
				[ "$(dirname "$f")" = "$d" ] || continue
				# an "alone" block runs with no other lesson's
				# block beside it: an exclusive lock, the others
				# a shared one
				if [ -n "$(meta "$f" alone)" ]; then
					( flock -x 9; run_one "$f" ) 9>"$lock"
				else
					( flock -s 9; run_one "$f" ) 9>"$lock"
				fi
			done
			stop_namespaces "$SEQ_NS" del
			rm -rf "$SEQ_B"
		) &
	done
	wait
	rm -f "$lock"
}

# report_lesson DIR: its results in order, numbered; its summary line.
report_lesson() {
	local dir=$1 nn checked failed skipped by r n
	nn=$(cat "$dir/nn")
	skipped=$(wc -l <"$dir/skips")
	# one NNN.res per block judged (000.res: stray markers)
	checked=$(find "$dir" -name '[0-9][0-9][0-9].res' ! -name 000.res | wc -l)
	checked=$((checked - skipped))
	failed=$(cat /dev/null "$dir"/*.res | grep -c '^not ok')
	by=""
	while read -r n r; do
		by+="${by:+, }$r $n"
	done < <(sort "$dir/skips" | uniq -c)
	for r in "$dir"/*.res; do
		[ -e "$r" ] || continue
		awk -v t="$t" '/^(not )?ok [0-9]+ - / { t++; sub(/ok [0-9]+ - /, "ok " t " - ") } { print }' "$r"
		n=$(grep -cE '^(not )?ok [0-9]+ - ' "$r")
		t=$((t + n))
		fails=$((fails + $(grep -c '^not ok' "$r")))
	done
	summaries+=("lesson $nn$IN_ORDER_LABEL: checked $checked, skipped $skipped${by:+ ($by)}, failed $failed")
	rm -rf "$dir"
}

# --- drop reasons: each one explained in some lesson ----------------------
check_drop_reasons() {
	local names missing=() name have05=
	names=$(grep -oE '\[DROP_[A-Z0-9_]+\] = "[a-z0-9_]+"' lib/drop.c | sed -E 's/.*"(.*)"/\1/' | grep -v '^none$')
	compgen -G "lessons/05-*.md" >/dev/null && have05=1
	for name in $names; do
		if [[ $name == tcp_* ]] && [ -z "$have05" ]; then continue; fi
		grep -qw -- "$name" lessons/[0-9][0-9]-*.md || missing+=("$name")
	done
	[ -z "$have05" ] && echo "# drop reasons tcp_*: exempt until lessons/05-*.md exists"
	if [ ${#missing[@]} -eq 0 ]; then
		tap_ok "every drop reason in lib/drop.c is mentioned in a lesson"
	else
		tap_fail "drop reasons no lesson mentions: ${missing[*]}"
	fi
}

# --- tool lists: each script names the external tools it runs -------------
# The tools to look for; a script that runs one must name it in need_tools
# (directly, or through a variable set in tests/deps.sh or the script) or in
# a "for tool in ...; do command -v" list.
WATCHED="sysctl ping arping nc socat tcpdump ip curl timeout unshare pgrep sha256sum setpriv nstat bats xxd
python3 nft"
check_tool_lists() {
	local s used listed tool missing
	for s in tests/demo.sh tests/run.sh tests/bench/run.sh tests/bench/loss.sh \
		tests/fixtures/make-fixtures.sh tests/lessons/check.sh; do
		[ -f "$s" ] || { tap_fail "tool list: $s does not exist"; continue; }
		# what it names: need_tools arguments, with $VARS expanded from
		# deps.sh and the script itself, and "for tool in ..." lists
		listed=$(
			# shellcheck disable=SC1090
			(. tests/deps.sh; eval "$(grep -E '^[A-Z_]*TOOLS="' "$s" | sed -n '/^[A-Z_]*TOOLS="/,/"$/p')" 2>/dev/null
			 sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$s" | grep -E '^[[:space:]]*need_tools ' | sed 's/^[[:space:]]*need_tools //' |
				while read -r args; do eval "printf '%s\n' $args"; done) |
				tr ' ' '\n' | sed 's/:.*//'
			grep -oE 'for tool in [^;]*; do' "$s" | sed -E 's/for tool in //; s/; do//' | tr ' ' '\n')
		missing=()
		# what it runs: the watched words in command position, outside
		# comments and quoted messages
		used=$(sed -E 's/^[[:space:]]*#.*//' "$s" | sed -zE 's/"[^"$]*"//g; s/'"'"'[^'"'"']*'"'"'//g')
		for tool in $WATCHED; do
			if grep -qE "(^|[[:space:];|&(\`]|\\\$\\()$tool([[:space:]]|$)" <<<"$used"; then
				grep -qx -- "$tool" <<<"$listed" || missing+=("$tool")
			fi
		done
		if [ ${#missing[@]} -eq 0 ]; then
			tap_ok "tool list: $s names every tool it runs"
		else
			tap_fail "tool list: $s runs ${missing[*]} but does not install or name it"
		fi
	done
}

# --- self-test: the checker can fail -----------------------------------------
# Copies a real session block and a real C excerpt from the lessons into a
# scratch lesson, checks that the copies pass, then alters one output line
# of the block and one line of the excerpt, and checks that each now fails
# with a diff.  A checker that passes everything would pass the lessons too.
self_test() {
	local tmp d f lesson body n out cand_s="" cand_c="" last
	tmp=$(mktemp -d /tmp/tunlab-selftest.XXXXXX)
	# a short session block with a setup of its own and some output, no
	# ping, nothing left running; the first C excerpt with its source
	for lesson in lessons/[0-9][0-9]-*.md; do
		d="$tmp/split.$(basename "$lesson" .md)"
		mkdir -p "$d"
		split_blocks "$lesson" "$d" 2>/dev/null
		for f in "$d"/*.meta; do
			[ -e "$f" ] || continue
			[ -n "$(meta "$f" skip)" ] && continue
			body=${f%.meta}.body
			case $(meta "$f" kind) in
			session)
				[ -z "$cand_s" ] || continue
				[ -n "$(meta "$f" setup)" ] || continue
				n=$(wc -l <"$body")
				[ "$n" -ge 2 ] && [ "$n" -le 6 ] || continue
				grep -q -v '^\$ ' "$body" || continue
				grep -qE 'ping|&|\./(tun_echo|icmp_reply|tap_arp|udp_echo|tcp_mini)/' "$body" && continue
				cand_s=$f ;;
			code)
				[ -z "$cand_c" ] && [ -n "$(meta "$f" code)" ] && cand_c=$f ;;
			esac
		done
	done
	if [ -z "$cand_s" ] || [ -z "$cand_c" ]; then
		tap_fail "self-test: no short session block or C excerpt to copy from the lessons"
		echo "1..$t"; rm -rf "$tmp"; return 1
	fi
	# sessions: the copy, then the copy with its last output line altered
	# (an extra word at its end); excerpts: the same with the last line
	for kind in session code; do
		[ $kind = session ] && f=$cand_s || f=$cand_c
		body=${f%.meta}.body
		last=$(grep -n -v '^\$ ' "$body" | grep -v '^[0-9]*:[[:space:]]*$' | tail -1 | cut -d: -f1)
		for variant in copy altered; do
			{
				if [ $kind = session ]; then
					echo "<!-- check: setup $(meta "$f" setup) -->"
					echo '```'
				else
					echo "<!-- check: code $(meta "$f" code) -->"
					echo '```c'
				fi
				if [ $variant = copy ]; then cat "$body"
				else awk -v n="$last" 'NR == n { $0 = $0 " altered" } { print }' "$body"; fi
				echo '```'
			} >"$tmp/90-$kind-$variant.md"
			out=$(CHECK_BLOCKS_ONLY=1 bash "$0" "$tmp/90-$kind-$variant.md" 2>&1)
			local what="a $kind block copied from lesson $(basename "$(dirname "$f")" | sed 's/^split\.//') line $(meta "$f" line)"
			if [ $variant = copy ]; then
				if grep -q '^ok ' <<<"$out" && ! grep -q '^not ok' <<<"$out"; then
					tap_ok "self-test: $what passes"
				else
					tap_fail "self-test: $what should pass"
					sed 's/^/# /' <<<"$out"
				fi
			else
				if grep -q '^not ok' <<<"$out" &&
				   { [ $kind = code ] || grep -q '^+++ real run' <<<"$out"; } &&
				   grep -q 'altered' <<<"$out"; then
					tap_ok "self-test: $what, one line altered, fails and shows it"
				else
					tap_fail "self-test: $what, one line altered, should fail with a diff"
					sed 's/^/# /' <<<"$out"
				fi
			fi
		done
	done
	rm -rf "$tmp"
	echo "1..$t"
	[ $fails -eq 0 ]
}

# --- main -----------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "not ok 1 - the lesson checker needs root: it creates network namespaces (sudo bash tests/lessons/check.sh)"
	exit 1
fi
# shellcheck disable=SC2086
need_tools $LESSON_TOOLS || { echo "not ok 1 - the lesson checker's tools are missing"; exit 1; }
for p in tun_echo/tun_echo icmp_reply/icmp_reply tap_arp/tap_arp udp_echo/udp_echo build/tools/craft; do
	if [ ! -x "$p" ]; then
		echo "not ok 1 - $p is not built: run 'make -j2 && make tools' first"
		exit 1
	fi
done

if [ "$only" = --self-test ]; then
	self_test
	exit
fi
summaries=()
lessons=(lessons/"${only}"*.md)
[ -n "$only" ] && [ -f "$only" ] && lessons=("$only")	# a lesson file by its path
if [ ! -e "${lessons[0]}" ]; then
	echo "# no lesson matches lessons/${only}*.md"
fi
dirs=()
for l in "${lessons[@]}"; do
	[ -e "$l" ] || continue
	d=$(mktemp -d /tmp/tunlab-blocks.XXXXXX)
	dirs+=("$d")
	prepare_lesson "$l" "$d"
done
if [ -n "${CHECK_IN_ORDER:-}" ]; then run_in_order; else run_queue; fi
for d in "${dirs[@]}"; do
	report_lesson "$d"
done
if [ -z "${CHECK_BLOCKS_ONLY:-}${CHECK_IN_ORDER:-}" ]; then	# (self-test; in order)
	check_drop_reasons
	check_tool_lists
fi
echo "1..$t"
printf '%s\n' "${summaries[@]}"
[ $fails -eq 0 ]
