#!/usr/bin/env bats
# tools/ccplot draws tcp_mini's congestion log (--cc-log, a CSV: the format
# is described at the top of tools/ccplot) as an SVG figure.  The logs here
# are written by the tests: a short hand-made one whose every row is known,
# and longer ones from gen_log below.  No root, no namespace.
# The SVGs are checked with xmllint (package libxml2-utils).
# Run: bats tests/81-ccplot.bats

load helpers

CCPLOT="$TOP/tools/ccplot"
HEADER="t_ms,conn,event,cwnd,ssthresh,pipe,snd_wnd,srtt_us,rttvar_us,rto_ms,sacked,lost,state"
A="10.10.10.2:40000-7"
B="10.10.10.3:40001-7"

setup() {
	T="$BATS_TEST_TMPDIR"
	SVG="$T/out.svg"
	# Connection A: slow start, a fast retransmit and its recovery, a tail
	# loss (tlp, then rto: cwnd back to one MSS, the rto doubled) and slow
	# start again; cwnd changes on 8 rows.  Connection B: three rows, the
	# first row of the log.
	cat >"$T/story.csv" <<-EOF
		$HEADER
		0.500,$B,open,14600,4194304,0,65535,0,0,1000,0,0,open
		1.000,$A,open,14600,4194304,0,65535,0,0,1000,0,0,open
		21.000,$A,ack,29200,4194304,14600,65535,20000,10000,200,0,0,open
		25.000,$B,ack,16060,4194304,1460,65535,350,175,200,0,0,open
		41.000,$A,ack,58400,4194304,29200,65535,20500,8000,200,0,0,open
		45.000,$B,close,16060,4194304,0,65535,350,175,200,0,0,open
		61.000,$A,ack,116800,4194304,58400,65535,21000,7000,200,0,0,open
		62.000,$A,loss,58400,58400,58400,65535,21000,7000,200,1460,1460,recovery
		70.000,$A,ack,58400,58400,50000,65535,22000,6000,200,14600,1460,recovery
		82.000,$A,recovered,58400,58400,56940,65535,21500,5000,200,0,0,open
		102.000,$A,ack,59862,58400,58402,65535,21000,4000,200,0,0,open
		124.000,$A,tlp,59862,58400,59862,65535,21000,4000,200,0,0,open
		324.000,$A,rto,1460,29931,0,65535,21000,4000,400,0,0,loss
		345.000,$A,ack,2920,29931,1460,65535,21000,4000,200,0,0,loss
		366.000,$A,ack,5840,29931,2920,65535,21000,4000,200,0,0,loss
		400.000,$A,close,5840,29931,0,65535,21000,4000,200,0,0,open
	EOF
}

# plot ARGS...: run ccplot, the SVG to $SVG; what it says (stderr) is the
# output bats keeps.
plot() {
	# shellcheck disable=SC2069  # stderr to the output, stdout to the file
	"$CCPLOT" "$@" 2>&1 >"$SVG"
}

# absent GREP-ARGS...: grep finds nothing (a plain "! grep" would not fail
# a bats test).
absent() {
	if grep "$@"; then
		echo "found, and should not be: $*"
		return 1
	fi
}

# points CLASS: the number of points of the (first) polyline of CLASS.
points() {
	grep -m1 "<polyline class=\"$1\"" "$SVG" | sed 's/.*points="//; s/".*//' | wc -w
}

# markers KIND: how many event markers of KIND the figure has.
markers() {
	grep -c "<use xlink:href=\"#m-$1\"" "$SVG" || true
}

wellformed() {
	require_tool xmllint libxml2-utils || return 1
	xmllint --noout "$1"
}

# gen_log CONN ACKS [CAP [RTOAT [RACKAT]]]: a made-up connection, as
# tcp_mini --cc-log would log it (without the header): 20 ms round trips,
# slow start until cwnd passes CAP bytes, then Reno's sawtooth (each loss
# halves cwnd; recovery takes a round trip), a tail loss at ack number RTOAT
# (a tlp, then an rto), one rack row in the first recovery after ack RACKAT.
gen_log() {
	awk -v conn="$1" -v nack="$2" -v cap="${3:-110000}" -v rtoat="${4:-0}" -v rackat="${5:-0}" '
	function row(ev) {
		printf "%.3f,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%s\n", t, conn, ev, cwnd, ss,
			pipe, 262144, srtt, rttvar, rto, sacked, lost, st
	}
	BEGIN {
		mss = 1460; cwnd = 10 * mss; ss = 4194304; t = 12.5; st = "open"; rto = 1000
		row("open")
		for (i = 1; i <= nack; i++) {
			t += 20 / (cwnd / mss)
			s = 20000 * (1 + 0.15 * sin(i / 23))
			if (srtt == 0) { srtt = s; rttvar = s / 2 }
			else { d = srtt - s; rttvar = 0.75 * rttvar + 0.25 * (d < 0 ? -d : d); srtt = 0.875 * srtt + 0.125 * s }
			rto = int((srtt + 4 * rttvar) / 1000); if (rto < 200) rto = 200
			if (st == "recovery") {
				left--; sacked += mss
				if (rackat && !rackdone && i > rackat) { rackdone = 1; lost += mss; row("rack"); continue }
				if (left <= 0) { st = "open"; sacked = 0; lost = 0; pipe = cwnd; row("recovered"); continue }
				pipe = cwnd - mss * (left % 3); row("ack"); continue
			}
			if (i == rtoat) {
				t += 40; row("tlp")
				t += rto; ss = int(cwnd / 2); cwnd = mss; pipe = 0; rto *= 2; st = "loss"; row("rto")
				continue
			}
			if (cwnd < ss) cwnd += mss; else cwnd += int(mss * mss / cwnd)
			pipe = cwnd - mss
			if (st == "loss" && cwnd >= ss) st = "open"
			if (cwnd > cap && st == "open") {
				ss = int(cwnd / 2); cwnd = ss; pipe = cwnd; st = "recovery"; left = int(cwnd / mss)
				lost = mss; row("loss"); continue
			}
			row("ack")
		}
		t += 20; st = "open"; row("close")
	}'
}

@test "ccplot: a made-up connection: well-formed SVG, axes, legend, one marker per event" {
	run plot "$T/story.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	# the busiest connection, named on stderr
	[ "$output" = "ccplot: connection $A (13 rows; the log has 2 connections, --conn picks another)" ]
	head -c 200 "$SVG" | grep -q '^<?xml version="1.0" encoding="UTF-8"?>'
	grep -q '<svg xmlns="http://www.w3.org/2000/svg" .* width="900" height="560" viewBox="0 0 900 560"' "$SVG"
	grep -q "<title>cwnd of $A (tcp_mini --cc-log)</title>" "$SVG"
	grep -q ">cwnd of $A (tcp_mini --cc-log)</text>" "$SVG"
	# axis titles; the RTT panel is logarithmic (20 ms beside a 1000 ms rto)
	grep -q '>window (KiB)</text>' "$SVG"
	grep -q '>srtt, rto (ms, log)</text>' "$SVG"
	grep -q '>time since tcp_mini started (ms)</text>' "$SVG"
	# round tick labels: 0 to 140 KiB by 20 (cwnd peaks at 114 KiB), time
	# by 50 ms from 0 to 400, decades and 2, 5 in the RTT panel
	for v in 0 20 40 60 80 100 120 140; do grep -q "class=\"tick\" text-anchor=\"end\">$v</text>" "$SVG"; done
	for v in 0 50 100 150 200 250 300 350 400; do grep -q "class=\"tick\" text-anchor=\"middle\">$v</text>" "$SVG"; done
	for v in 10 20 50 100 200 500 1000; do grep -q "class=\"tick\" text-anchor=\"end\">$v</text>" "$SVG"; done
	# one marker for each event of a kind that has markers, none for rack
	[ "$(markers loss)" -eq 1 ]
	[ "$(markers recovered)" -eq 1 ]
	[ "$(markers tlp)" -eq 1 ]
	[ "$(markers rto)" -eq 1 ]
	[ "$(markers rack)" -eq 0 ]
	absent 'id="m-rack"' "$SVG"
	# the legend: each line, and each kind of event present, with its count
	for s in cwnd ssthresh "pipe (in flight)" "snd_wnd (peer)" "in recovery" \
		"in loss (after rto)" srtt "srtt ± rttvar" rto \
		"loss × 1" "rto × 1" "tlp × 1" "recovered × 1"; do
		grep -qF ">$s</text>" "$SVG" || { echo "no legend entry: $s"; return 1; }
	done
	absent '>rack × ' "$SVG"
	# the time in recovery (62 to 82 ms) and in loss (324 to 400) is shaded
	[ "$(grep -c '<rect class="span-recovery"' "$SVG")" -eq 1 ]
	[ "$(grep -c '<rect class="span-loss"' "$SVG")" -eq 1 ]
}

@test "ccplot: cwnd is a step line: a first point, two for each change, a last point" {
	run plot "$T/story.csv"
	[ "$status" -eq 0 ]
	# cwnd changes on 8 of connection A's 13 rows (not on the last): 1 + 2 * 8 + 1
	[ "$(grep -c '<polyline class="cwnd"' "$SVG")" -eq 1 ]
	[ "$(points cwnd)" -eq 18 ]
	# the corners: cwnd holds 116800 (61 ms) until the loss row (62 ms) halves it
	pts=$(grep -m1 '<polyline class="cwnd"' "$SVG" | sed 's/.*points="//; s/".*//')
	read -r -a p <<<"$pts"
	[ "${p[7]%,*}" = "${p[8]%,*}" ]			# a vertical step at the loss ...
	[ "${p[6]#*,}" = "${p[7]#*,}" ]			# ... after a level stretch
	awk -v a="${p[7]#*,}" -v b="${p[8]#*,}" 'BEGIN { exit !(a + 0 < b + 0) }'	# ... down (y grows)
	# ssthresh is drawn from the loss row on, where it is first set
	[ "$(grep -c '<polyline class="ssthresh"' "$SVG")" -eq 1 ]
	x_cwnd=$(grep -m1 '<polyline class="cwnd"' "$SVG" | sed 's/.*points="//; s/,.*//')
	x_ss=$(grep -m1 '<polyline class="ssthresh"' "$SVG" | sed 's/.*points="//; s/,.*//')
	[ "$x_ss" = "${p[7]%,*}" ]
	[ "$x_cwnd" != "$x_ss" ]
	# srtt starts at the first sample (21 ms), not at the open row's 0
	x_srtt=$(grep -m1 '<polyline class="srtt"' "$SVG" | sed 's/.*points="//; s/,.*//')
	[ "$x_srtt" = "${p[1]%,*}" ]
}

@test "ccplot: --conn draws that connection; one not in the log is exit 1, naming those that are" {
	run plot --conn "$B" "$T/story.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]		# asked for: nothing to say
	wellformed "$SVG"
	grep -q "<title>cwnd of $B (tcp_mini --cc-log)</title>" "$SVG"
	# B's cwnd: 14600, then 16060 twice: 1 + 2 + 1
	[ "$(points cwnd)" -eq 4 ]
	[ "$(markers loss)" -eq 0 ]
	run plot --conn=10.10.10.9:1-7 "$T/story.csv"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "ccplot: $T/story.csv: no row for connection 10.10.10.9:1-7; the connections in it: $B (3 rows), $A (13 rows)" ]
	[ ! -s "$SVG" ]
}

@test "ccplot: a 200000-row log: under 1 MB, every loss and rto row drawn, the acks thinned" {
	{ echo "$HEADER"; gen_log "$A" 200000 110000 150000 100000; gen_log "$B" 500; } >"$T/big.csv"
	[ "$(wc -l <"$T/big.csv")" -gt 200000 ]
	run plot "$T/big.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	size=$(wc -c <"$SVG")
	echo "size: $size"
	[ "$size" -lt 1000000 ]
	# every event row of A has its marker (they are far apart on the page)
	for kind in loss recovered rto tlp rack; do
		rows=$(grep -c ",$A,$kind," "$T/big.csv")
		echo "$kind: $rows rows, $(markers "$kind") markers"
		[ "$rows" -ge 1 ]
		[ "$(markers "$kind")" -eq "$rows" ]
	done
	[ "$(grep -c ",$A,loss," "$T/big.csv")" -gt 50 ]
	# about 2000 ack rows drawn, plus the one before each other row
	nack=$(grep -c ",$A,ack," "$T/big.csv")
	nev=$(grep -v ",ack," "$T/big.csv" | grep -c ",$A,")
	[[ "${lines[1]}" == "ccplot: "*" rows: drew all $nev non-ack rows and "*" of the $nack ack rows" ]]
	kept=$(sed -E 's/.* and ([0-9]+) of the .*/\1/' <<<"${lines[1]}")
	[ "$kept" -le $((2000 + nev)) ]
	[ "$kept" -ge 2000 ]
	grep -q "ack rows (1 in $(((nack + 1999) / 2000)))</text>" "$SVG"
	[ "$(points cwnd)" -le $((2 * (kept + nev) + 2)) ]
	# more than 10 s: the time axis is in seconds
	grep -q '>time since tcp_mini started (s)</text>' "$SVG"
}

@test "ccplot: & < > and quotes are escaped in the title, the file name and a connection's name" {
	run plot --title 'R&D: <cwnd> "after" 5 > 3 \n' "$T/story.csv"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	grep -qF '<title>R&amp;D: &lt;cwnd&gt; &quot;after&quot; 5 &gt; 3 \n</title>' "$SVG"
	grep -qF '>R&amp;D: &lt;cwnd&gt; &quot;after&quot; 5 &gt; 3 \n</text>' "$SVG"
	# control characters, which XML 1.0 does not allow, become "?"
	run plot --title "$(printf 'bell\007 escape\033[1m')" "$T/story.csv"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	grep -qF '<title>bell? escape?[1m</title>' "$SVG"
	# a file name and a connection name with them (a log from elsewhere)
	f="$T/a&b<c>.csv"
	{ echo "$HEADER"; echo '1.500,x&y<z>,ack,14600,4194304,0,65535,350,120,200,0,0,open'; } >"$f"
	run plot "$f"
	echo "$output"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	grep -qF '<title>cwnd of x&amp;y&lt;z&gt; (tcp_mini --cc-log)</title>' "$SVG"
	grep -qF 'a&amp;b&lt;c&gt;.csv</desc>' "$SVG"
	# and an awk assignment look-alike is still a file name
	cp "$T/story.csv" "$T/x=1.csv"
	cd "$T"
	run plot x=1.csv
	[ "$status" -eq 0 ]
	[ "$(markers loss)" -eq 1 ]
}

@test "ccplot: header only is a 'no data' SVG and exit 1; one row, and rows of zeros, are drawn" {
	echo "$HEADER" >"$T/empty.csv"
	run plot "$T/empty.csv"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "ccplot: $T/empty.csv: no rows after the header: nothing to draw (stdout gets an SVG saying so)" ]
	wellformed "$SVG"
	grep -q '>no data</text>' "$SVG"
	: >"$T/zero-bytes.csv"
	run plot "$T/zero-bytes.csv"
	[ "$status" -eq 1 ]
	[[ "$output" == *"empty file (not even the header line)"* ]]
	wellformed "$SVG"
	grep -q '>no data</text>' "$SVG"
	# one row: each line is a single point, drawn as a dot
	{ echo "$HEADER"; echo "12.345,$A,ack,14600,4194304,13140,65535,350,120,200,0,0,open"; } >"$T/one.csv"
	run plot "$T/one.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	[ "$(points cwnd)" -eq 1 ]
	grep -q '<circle class="cwnd dot"' "$SVG"
	grep -q '<circle class="srtt dot"' "$SVG"
	# all zeros (no RTT sample, nothing in flight, at time 0): no division
	# by zero, no logarithm of 0
	{ echo "$HEADER"; echo "0.000,$A,open,0,4194304,0,0,0,0,0,0,0,open"
	  echo "0.000,$A,close,0,4194304,0,0,0,0,0,0,0,open"; } >"$T/zero.csv"
	run plot "$T/zero.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	wellformed "$SVG"
	absent -iE '="[^"]*(nan|inf)' "$SVG"
	absent '<polyline class="srtt"' "$SVG"
}

@test "ccplot: usage errors are exit 2; not a cc-log, or no file, exit 1; a torn last line is skipped" {
	run "$CCPLOT"
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: ccplot"* ]]
	run "$CCPLOT" --width wide "$T/story.csv"
	[ "$status" -eq 2 ]
	run "$CCPLOT" --height 100 "$T/story.csv"
	[ "$status" -eq 2 ]
	run "$CCPLOT" --rtt-scale cubic "$T/story.csv"
	[ "$status" -eq 2 ]
	run "$CCPLOT" --frobnicate "$T/story.csv"
	[ "$status" -eq 2 ]
	run "$CCPLOT" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: ccplot "* ]]
	run plot "$T/nowhere.csv"
	[ "$status" -eq 1 ]
	[ "$output" = "ccplot: $T/nowhere.csv: no such file (or not readable)" ]
	run plot "$TOP/README.md"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a tcp_mini --cc-log file: the first line has no column t_ms"* ]]
	# tcp_mini killed while writing: half a row at the end
	{ cat "$T/story.csv"; printf '410.000,%s,ack,58' "$A"; } >"$T/torn.csv"
	run plot "$T/torn.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ccplot: $T/torn.csv: skipped 1 malformed line (the first is line 18)" ]
	wellformed "$SVG"
	# the size and the scale as asked: a small figure is the same drawing, scaled
	run plot --width 480 --height 320 --rtt-scale linear "$T/story.csv"
	[ "$status" -eq 0 ]
	grep -q 'width="480" height="320" viewBox="0 0 800 533"' "$SVG"
	grep -q '>srtt, rto (ms)</text>' "$SVG"
}

@test "ccplot: every awk here (mawk, gawk, ...) draws the same figure" {
	{ echo "$HEADER"; gen_log "$A" 5000 110000 3000 4000; } >"$T/mid.csv"
	n=0
	for awk in mawk gawk original-awk nawk awk; do
		command -v "$awk" >/dev/null 2>&1 || continue
		AWK=$awk "$CCPLOT" "$T/mid.csv" >"$T/$awk.svg" 2>/dev/null
		wellformed "$T/$awk.svg"
		echo "$awk: $(wc -c <"$T/$awk.svg") bytes"
		[ "$(grep -c '<use xlink:href="#m-' "$T/$awk.svg")" -eq "$(grep -v ',ack,' "$T/mid.csv" | grep -cE ',(loss|rto|tlp|rack|recovered),')" ]
		[ -n "${first:-}" ] || first=$awk
		cmp "$T/$first.svg" "$T/$awk.svg"
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}
