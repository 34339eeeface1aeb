#!/usr/bin/env bash
# check.sh - make check RUNG=NN: build rung NN with the learner's files from
# mine/NN/ in place of the project's, run that rung's unit tests and bats
# scenarios against it (plain, then ASan+UBSan), and print a scoreboard.
# make check with no RUNG: which rungs are passed.
#
# usage: bash tests/build-it/check.sh [NN [options]]
#   --src DIR       the learner's files (default mine/NN)
#   --out DIR       where to build (default build/mine/NN)
#   --plain-only    the scenarios against the plain build only
#   --step K        only the tests of step K of the lesson's "Build it
#                   yourself" (tests/build-it/NN.tests), and what the earlier
#                   steps did the last time they were checked
#                   (its scenarios against the plain build only)
#   --jobs N        run the scenarios in N groups side by side (default 1;
#                   with --step, what tests/build-it/rungs.sh allows)
#   --filter REGEX  only the scenarios whose names match (bats --filter)
#   --results FILE  also write "ok|not ok<TAB>suite<TAB>name" per test
#   --no-progress   don't record the result in mine/progress
# Needs root for the scenarios (network namespaces), as make test does.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/build-it/rungs.sh
. tests/build-it/rungs.sh

PROGRESS=mine/progress
STEPS_DONE=mine/steps		# "NN K verdict" per make check ... STEP=K

# --- make check: where the learner is ----------------------------------
show_progress() {
	local r status line
	echo "build it yourself: your rungs (make start RUNG=NN, make check RUNG=NN)"
	for r in $RUNGS; do
		status="not started: make start RUNG=$r"
		if [ -d "mine/$r" ]; then
			status="started, not checked yet: make check RUNG=$r"
			line=$(grep "^$r " "$PROGRESS" 2>/dev/null | tail -n 1)
			if [ -n "$line" ]; then
				status=${line#* }
				status=${status% files *}
				[ "$(sum_files "$r")" = "${line##* files }" ] ||
					status="$status (your files changed since)"
			fi
		fi
		printf '  %s %-11s %s\n' "$r" "$(rung_prog "$r")" "$status"
	done
}

# A checksum of the learner's files, to tell "passed" from "passed, then
# changed".
sum_files() {
	cat "mine/$1"/*.c 2>/dev/null | cksum | cut -d' ' -f1
}

rung=${1:-}
if [ -z "$rung" ]; then
	show_progress
	exit 0
fi
rung_check "$rung" || exit 2
shift
src=mine/$rung
out=${TUNLAB_MINE_OUT:-build/mine}/$rung	# (the lesson checker gives each block its own)
builds="plain san"
filter=
user_filter=	# --filter's own (the gate below narrows $filter too)
step_only=
results=
progress=1
jobs=
while [ $# -gt 0 ]; do
	case $1 in
	--src) src=$2; shift ;;
	--out) out=$2; shift ;;
	--plain-only) builds=plain ;;
	--filter) filter=$2; user_filter=$2; shift ;;
	--step) step_only=$2; shift ;;
	--jobs) jobs=$2; shift ;;
	--results) results=$2; shift ;;
	--no-progress) progress= ;;
	*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# One step at a time is the quick loop: the unit tests on both builds, the
# scenarios on the plain one (the whole rung's check runs them on both),
# side by side where the rung's scenarios allow it.
if [ -n "$step_only" ]; then
	builds_scen=plain
	[ -n "$jobs" ] || jobs=$(rung_jobs "$rung")
else
	builds_scen=$builds
fi
[ -n "$jobs" ] || jobs=1
prog=$(rung_prog "$rung")
lesson=$(rung_lesson "$rung")
bats_file=$(rung_bats "$rung")
files=$(rung_files "$rung")
if [ ! -d "$src" ]; then
	echo "$src/ does not exist yet: make start RUNG=$rung writes it."
	exit 1
fi
for f in $files; do
	if [ ! -f "$src/$(basename "$f")" ]; then
		echo "$src/$(basename "$f") is missing (rung $rung needs each of:" \
			"$(for g in $files; do printf '%s ' "$(basename "$g")"; done))"
		echo "make start RUNG=$rung FORCE=1 writes a new set (the old is kept)."
		exit 1
	fi
done

# --step K: the tests of step K, from the rung's table; the unit tests by
# their names, the scenarios by a bats filter that matches exactly theirs.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step_units=()
: >"$tmp/step.names"
if [ -n "$step_only" ]; then
	if ! rung_steps "$rung" | cut -f1 | grep -qx "$rung.$step_only"; then
		echo "STEP must be one of: $(rung_steps "$rung" | cut -f1 | cut -d. -f2 | paste -sd' ' -)" \
			"(the steps of $(rung_lesson "$rung"), \"Build it yourself\")" >&2
		exit 2
	fi
	table "$rung" | awk -F'\t' -v k="$step_only" '$1 == k { print $3 }' >"$tmp/step.names"
	while IFS= read -r n; do
		[[ $n == "unit: "* ]] && step_units+=("${n#unit: }")
	done <"$tmp/step.names"
	# bats --filter is a regular expression: each name, its specials
	# escaped, anchored; none if the step has no scenario.
	filter=$(grep -v '^unit: ' "$tmp/step.names" | sed -E 's/[][\\.^$*+?(){}|\/]/\\&/g; s/^/^/; s/$/$/' |
		paste -sd'|' -)
fi

# shellcheck source=tests/deps.sh
. tests/deps.sh
# shellcheck disable=SC2086
need_tools $TEST_TOOLS

# As make test has them: a sanitizer report ends the program (or the unit
# test) and shows its stack.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The scenarios' kernel gives up sooner on a stack that does not answer
# (tests/helpers.bash), and tcp_mini's own client is given 45 s, not 90.
export TUNLAB_GRADING=1 CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-45}

: >"$tmp/board"		# status<TAB>suite<TAB>name<TAB>detail, in order
passed=0
failed=0

# record STATUS SUITE NAME DETAIL: DETAIL may have several lines; the
# board keeps the first.  With --step, only the step's own tests count
# (a unit name given to pick a test may pick a longer one too).
record() {
	if [ -n "$step_only" ] && [ "$2" != build ] && ! grep -qxF -- "$3" "$tmp/step.names" &&
		[[ $3 != *": the unit tests ran to the end"* && $3 != *"bats ran no test"* ]]; then
		return 0
	fi
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4%%$'\n'*}" >>"$tmp/board"
	if [ "$1" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	if [ "$1" = ok ]; then
		printf '  ok    %s\n' "$3"
	else
		printf '  FAIL  %s\n' "$3"
		[ -n "$4" ] && printf '%s\n' "$4" | sed 's/^/        /'
	fi
}

# A sanitizer report's first lines after its headline: the first frames of
# the stack, where it happened (in the learner's file, most often).
sanitizer_frames() {
	grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" || return 0
	grep -m3 -E '^[ \t]*#[0-9]+ ' "$1" |
		sed 's/^[ \t]*//; s/^\(#[0-9]*\) 0x[0-9a-f]* in /\1 /; s/ (.*+0x[0-9a-f]*)$//' | cut -c1-150
}

# The one line of a failure's output most worth reading first: a sanitizer
# report; then what a client, the kernel or tcpdump said went wrong; then
# the test's check that failed; then the first line that is not bats' own.
useful_line() {
	local f=$1 line re
	for re in 'ERROR: (Address|Leak)Sanitizer|runtime error:|crashed:' \
		'[Ww]rong|[Bb]ad |[Rr]efused|[Tt]imed out|[Uu]nreachable|not available|No route|[Rr]eset by|differ|[Mm]ismatch| [1-9][0-9]*% packet loss|no .ready.|exited before|did not|[Ee]xpected|fewer than|CHECK' \
		"^\`.*' failed"; do
		# (not in the text of the failed check itself, which bats prints
		# first: "wrong" there is what the test looks for)
		line=$(grep -v "^\`" "$f" | grep -m1 -E "$re" | sed 's/^[ \t]*//') || true
		[ -n "$line" ] || [ "$re" != "^\`.*' failed" ] ||
			line=$(grep -m1 -E "$re" "$f") || true
		if [ -n "$line" ]; then
			echo "${line:0:160}"
			return
		fi
	done
	line=$(grep -v -E '^\(in test file|^\(from function|^[ \t]+in test file|^[ \t]*$|^the program.s counters' "$f" |
		head -n 1 | sed 's/^[ \t]*//')
	echo "${line:0:160}"
}

# A scenario's failure as two lines: what the test expected (its check
# that failed, as bats prints it), and what was observed (the line of the
# output most worth reading: a sanitizer report, what a client, the kernel
# or tcpdump said).  One line when there is only one.
expected_observed() {
	local f=$1 want seen bt='`' q="'"
	want=$(grep -m1 -E "^[[:space:]]*$bt.*$q failed" "$f" | sed -E "s/^[[:space:]]*$bt(.*)$q failed.*/\\1/")
	grep -v -E "^[[:space:]]*$bt" "$f" >"$f.seen"
	seen=$(useful_line "$f.seen")
	if [ -n "$want" ] && [ -n "$seen" ]; then
		printf 'expected: %s\nobserved: %s\n' "${want:0:150}" "$seen"
	elif [ -n "$want" ]; then
		printf 'expected: %s\n' "${want:0:150}"
	else
		useful_line "$f"
	fi
}

# A unit test's "CHECK_EQ(..., DROP_X) failed: 57 != 8" with the numbers
# named: "(not_implemented != ipv4_not_for_us)".  The names' order is
# lib/drop.h's enum; their spelling, lib/drop.c's.
name_drops() {
	local line
	while IFS= read -r line; do
		if [[ $line == *DROP_*"failed: "*" != "* ]]; then
			line="$line $(awk -v l="$line" '
				FILENAME ~ /drop\.h$/ && /^[ \t]*DROP_[A-Z0-9_]+/ {
					sub(/^[ \t]*/, ""); sub(/[ ,=].*/, ""); num[$0] = n++; next }
				FILENAME ~ /drop\.c$/ && /\[DROP_[A-Z0-9_]+\] = "/ {
					k = $0; sub(/^[^[]*\[/, "", k); sub(/\].*/, "", k)
					v = $0; sub(/^[^"]*"/, "", v); sub(/".*/, "", v)
					name[num[k]] = v }
				END { split(l, p, "failed: "); split(p[2], ab, " != ")
					if ((ab[1] + 0) in name && (ab[2] + 0) in name)
						printf "(%s != %s)", name[ab[1] + 0], name[ab[2] + 0] }' \
				lib/drop.h lib/drop.c)"
		fi
		echo "$line"
	done
}

# The program's counters from a failure's output, on one line.
counters() {
	grep -o -E 'drop [a-z_0-9]+ [0-9]+' "$1" | sort -u | head -n 4 | paste -sd, - |
		sed 's/,/, /g'
}

echo "== make check RUNG=$rung: $prog, built from $src/"

# --- build ---------------------------------------------------------------
echo "build"
# shellcheck disable=SC2086
mine_files=$(echo $files)
# Nothing left from an earlier build may stand in for this one.
rm -f "$out/$prog/$prog" "$out/san/$prog/$prog" "$out/unit" "$out/san/unit"
if make --no-print-directory MINE="$src" MINE_OUT="$out" MINE_PROG="$prog" \
	MINE_FILES="$mine_files" mine-build >"$tmp/build.log" 2>&1; then
	built=1
	record ok build "it compiles, with -Wall -Wextra -Werror, plain and with ASan+UBSan" ""
else
	built=
	record "not ok" build "it compiles, with -Wall -Wextra -Werror, plain and with ASan+UBSan" \
		"$(grep -m1 -E ': (fatal )?error:|undefined reference|No rule' "$tmp/build.log")"
	echo "the compiler said:"
	grep -E -A3 ': (fatal )?error:|undefined reference|No rule' "$tmp/build.log" | head -n 30 |
		sed 's/^/    /'
fi

# --- unit tests ------------------------------------------------------------
# run_unit LABEL BINARY: each "ok"/"not ok" line with the CHECK lines
# printed before it (stderr, unbuffered) as its detail.
run_unit() {
	local label=$1 bin=$2 rc line detail= frames
	echo "$label"
	# shellcheck disable=SC2046
	if [ -n "$step_only" ]; then
		if [ ${#step_units[@]} -eq 0 ]; then
			echo "  (no unit test in step $step_only)"
			return 0
		fi
		timeout 300 "$bin" "${step_units[@]}" >"$tmp/unit.log" 2>&1
	else
		timeout 300 "$bin" $(rung_units "$rung") >"$tmp/unit.log" 2>&1
	fi
	rc=$?
	: >"$tmp/unit.detail"
	while IFS= read -r line; do
		case $line in
		"ok "*" unit: "*)
			record ok unit "unit: ${line#* unit: }" ""
			: >"$tmp/unit.detail" ;;
		"not ok "*" unit: "*)
			detail=$(useful_line "$tmp/unit.detail" | name_drops)
			frames=$(sanitizer_frames "$tmp/unit.detail")
			[ -n "$frames" ] && detail="$detail"$'\n'"$frames"
			record "not ok" unit "unit: ${line#* unit: }" "$detail"
			: >"$tmp/unit.detail" ;;
		*" passed, "*" failed") ;;
		*) echo "$line" >>"$tmp/unit.detail" ;;
		esac
	done <"$tmp/unit.log"
	# A crash or a sanitizer report ends the run before its summary.
	if [ $rc -gt 1 ] || ! grep -q ' passed, .* failed$' "$tmp/unit.log"; then
		detail=$(useful_line "$tmp/unit.detail")
		record "not ok" unit "unit: the unit tests ran to the end (exit status $rc)" "$detail"
		grep -m3 -E 'ERROR|SUMMARY|runtime error|#[0-3] ' "$tmp/unit.detail" | sed 's/^/        /'
	fi
}

# Nothing to test until both builds are made.
if [ -n "$built" ]; then
	run_unit "unit tests" "$out/unit"
	case " $builds " in
	*" san "*) run_unit "unit tests (ASan+UBSan)" "$out/san/unit" ;;
	esac
fi

# --- scenarios -------------------------------------------------------------
# run_bats LABEL BIN-DIR: bats' TAP, each failure with its useful line and
# the program's counters.
run_bats() {
	local label=$1 bin=$2 line name g grp detail frames
	echo "$label"
	if [ -n "${no_scenario:-}" ]; then	# every one held back
		return 0
	fi
	if [ -z "$bats_file" ]; then	# a rung whose scenarios are still to come
		echo "  (no scenario file tests/$rung-*.bats yet: the unit tests alone)"
		return 0
	fi
	if [ -n "$step_only" ] && [ -z "$filter" ]; then
		echo "  (no scenario in step $step_only)"
		return 0
	fi
	# Each scenario is bounded: a starter that never answers fails at the
	# tests' own timeouts, and BATS_TEST_TIMEOUT catches anything else.
	: >"$tmp/bats.log"
	# The scenarios to run, in $jobs groups run side by side (each test
	# has a namespace of its own); one group is bats with the filter.
	local filters=()
	if [ "$jobs" -gt 1 ] && [ -n "$filter" ]; then
		mapfile -t filters < <(tr '|' '\n' <<<"$filter" |
			awk -v n="$jobs" '{ g[NR % n] = g[NR % n] (g[NR % n] == "" ? "" : "|") $0 }
				END { for (i = 0; i < n; i++) if (g[i] != "") print g[i] }')
	else
		filters=("$filter")
	fi
	local -A st nm
	flush() {	# GROUP: report the group's test that just ended
		local g=$1 cnt
		[ -n "${st[$g]:-}" ] || return 0
		if [ "${st[$g]}" = ok ]; then
			record ok scenario "${nm[$g]}" ""
		else
			detail=$(expected_observed "$tmp/bats.detail.$g")
			cnt=$(counters "$tmp/bats.detail.$g")
			[ -n "$cnt" ] && [[ "$detail" != *"$cnt"* ]] && detail="$detail  [$cnt]"
			frames=$(sanitizer_frames "$tmp/bats.detail.$g")
			[ -n "$frames" ] && detail="$detail"$'\n'"$frames"
			record "not ok" scenario "${nm[$g]}" "$detail"
		fi
		st[$g]=
	}
	# Read as bats writes it, so that each test's line appears as soon as
	# the next one of its group starts (a failure's detail comes after its
	# "not ok"); each line comes tagged with its group.
	while IFS= read -r line; do
		g=${line%% *}; line=${line#* }
		printf '%s\n' "$line" >>"$tmp/bats.log"
		case $line in
		"ok "*)
			flush "$g"
			st[$g]=ok
			nm[$g]=$(sed -E 's/^ok [0-9]+ //; s/ # timeout after.*//' <<<"$line") ;;
		"not ok "*)
			flush "$g"
			st[$g]="not ok"
			nm[$g]=$(sed -E 's/^not ok [0-9]+ //; s/ # timeout after.*//' <<<"$line")
			: >"$tmp/bats.detail.$g"
			[[ $line == *"# timeout after"* ]] &&
				echo "killed: still running after ${BATS_TEST_TIMEOUT:-300} s" >>"$tmp/bats.detail.$g" ;;
		"# "*) [ "${st[$g]:-}" = "not ok" ] && echo "${line#\# }" >>"$tmp/bats.detail.$g" ;;
		esac
	done < <(grp=0
		for f in "${filters[@]}"; do
			grp=$((grp + 1))
			local args=(--tap)
			[ -n "$f" ] && args+=(--filter "$f")
			env TUNLAB_BIN="$(case $bin in /*) echo "$bin" ;; *) echo "$PWD/$bin" ;; esac)" \
				BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-300}" \
				bats "${args[@]}" "$bats_file" 2>&1 | sed -u "s/^/$grp /" &
		done
		wait)
	for g in "${!st[@]}"; do flush "$g"; done
	if ! grep -q -E '^(not )?ok ' "$tmp/bats.log"; then
		record "not ok" scenario "$label: bats ran no test" "$(head -n 1 "$tmp/bats.log")"
	fi
}

# The gate: a step's scenarios wait for the unit tests of that step and the
# steps before it.  A scenario needs the kernel, a namespace and its own
# time-outs, and on a stub it can only wait for them to run out; the unit
# tests say the same in milliseconds, with the values.  So the scenarios of
# step K run once every unit test of steps 1..K passes; until then each is
# counted as failed, "not run", without being run.  (--filter runs what it
# names, gate or not.)
held_back() {	# the table's scenarios whose step's unit tests fail: step<TAB>name
	table "$rung" | awk -F'\t' -v board="$tmp/board" '
		FILENAME == board { if ($2 == "unit" && $1 != "ok") bad[$3] = 1; next }
		$3 ~ /^unit: / { if ($3 in bad && $1 != "-" && (low == "" || $1 + 0 < low + 0)) low = $1; next }
		{ sc[++n] = $1 "\t" $3 }
		END { for (i = 1; i <= n; i++) { split(sc[i], f, "\t")
			if (low != "" && f[1] != "-" && f[1] + 0 >= low + 0) print sc[i] } }' "$tmp/board" -
}
steps_upto() { case $1 in 1) echo "step 1" ;; 2) echo "steps 1 and 2" ;; *) echo "steps 1 to $1" ;; esac; }
# report_held LABEL: the held-back scenarios, on the board, a line per step
report_held() {
	local k cnt
	[ -s "$tmp/held" ] || return 0
	for k in $(cut -f1 "$tmp/held" | sort -u); do
		cnt=$(awk -F'\t' -v k="$k" '$1 == k' "$tmp/held" | wc -l)
		printf '  --    %d scenario%s of step %s not run: %s\n' "$cnt" "$([ "$cnt" = 1 ] || echo s)" "$k" \
			"$([ "$cnt" = 1 ] && echo it || echo they) wait$([ "$cnt" = 1 ] && echo s) for the unit tests of $(steps_upto "$k") to pass"
	done
	while IFS=$'\t' read -r k name; do
		printf 'not ok\tscenario\t%s\tnot run: the unit tests of %s do not all pass\n' "$name" "$(steps_upto "$k")" >>"$tmp/board"
		failed=$((failed + 1)); held=$((held + 1))
	done <"$tmp/held"
}
held=0
if [ -n "$built" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "note: the scenarios need root (network namespaces): sudo make check RUNG=$rung"
	fi
	: >"$tmp/held"
	if [ -z "$filter" ] || [ -n "$step_only" ]; then
		held_back >"$tmp/held"
		if [ -n "$step_only" ]; then	# only this step's own
			awk -F'\t' -v names="$tmp/step.names" 'FILENAME == names { want[$0] = 1; next } $2 in want' \
				"$tmp/step.names" "$tmp/held" >"$tmp/held.step"
			mv "$tmp/held.step" "$tmp/held"
		fi
		if [ -s "$tmp/held" ]; then
			# run the others: the table's scenarios (this step's, with
			# --step) that are not held back
			table "$rung" | awk -F'\t' -v held="$tmp/held" -v names="$tmp/step.names" -v step="$step_only" '
				FILENAME == held { h[$2] = 1; next }
				FILENAME == names { s[$0] = 1; next }
				$3 !~ /^unit: / && !($3 in h) && (step == "" || ($3 in s)) { print $3 }' \
				"$tmp/held" "$tmp/step.names" - |
				sed -E 's/[][\\.^$*+?(){}|\/]/\\&/g; s/^/^/; s/$/$/' | paste -sd'|' - >"$tmp/run.filter"
			filter=$(cat "$tmp/run.filter")
			[ -n "$filter" ] || no_scenario=1
		fi
	fi
	run_bats "scenarios (${bats_file:-tests/$rung-*.bats}, plain build)" "$out"
	report_held
	case " $builds_scen " in
	*" san "*) run_bats "scenarios (ASan+UBSan build: a sanitizer report fails the test)" "$out/san"
		report_held ;;
	esac
fi

# --- the score ---------------------------------------------------------------
echo
if [ "$held" -gt 0 ]; then
	echo "$passed passed, $failed failed ($held of them scenarios not run yet: the unit tests come first)"
else
	echo "$passed passed, $failed failed"
fi
if [ -n "$results" ]; then
	cut -f1-3 "$tmp/board" >"$results"
fi
step_title() {
	rung_steps "$rung" | awk -F'\t' -v s="$rung.$1" '$1 == s { print $2 }'
}

# --step K: this step's verdict, kept; where the earlier ones stood when
# last checked alone; what to do next.
if [ -n "$step_only" ]; then
	last=$(rung_steps "$rung" | tail -n 1 | cut -f1 | cut -d. -f2)
	if [ "$failed" -eq 0 ]; then
		verdict="passed"
	else
		verdict="failed ($failed of $((passed + failed)))"
	fi
	if [ "$src" = "mine/$rung" ] && [ -n "$progress" ]; then
		mkdir -p mine
		echo "$rung $step_only $verdict on $(date '+%Y-%m-%d %H:%M') files $(sum_files "$rung")" >>"$STEPS_DONE"
	fi
	echo "step $step_only, $(step_title "$step_only"): $verdict"
	for j in $(seq 1 $((step_only - 1))); do
		line=$(grep "^$rung $j " "$STEPS_DONE" 2>/dev/null | tail -n 1)
		if [ -z "$line" ]; then
			state="not checked alone yet: make check RUNG=$rung STEP=$j"
		else
			state=${line#"$rung $j "}
			state=${state% files *}
			[ "$(sum_files "$rung")" = "${line##* files }" ] ||
				state="$state (your files changed since)"
		fi
		echo "  step $j, $(step_title "$j"): $state"
	done
	if [ "$failed" -gt 0 ]; then
		echo "  read $lesson, \"Build it yourself\", step $step_only"
	elif [ "$step_only" -lt "$last" ]; then
		echo "next: step $((step_only + 1)), $(step_title $((step_only + 1))):" \
			"make check RUNG=$rung STEP=$((step_only + 1))"
	else
		echo "that was the last step: make check RUNG=$rung grades the whole rung"
	fi
# Where to read: the earliest step of the lesson that has a failing test.
elif [ "$failed" -gt 0 ]; then
	table "$rung" >"$tmp/table"
	first=$(awk -F'\t' -v table="$tmp/table" '
		FILENAME == table { step[$3] = $1; next }
		$1 != "ok" { s = ($3 in step) ? step[$3] : "-"
			if (s != "-" && (best == "" || s + 0 < best + 0)) { best = s; name = $3 }
			if (any == "") any = $3 }
		END { if (best != "") print best "\t" name; else print "-\t" any }' \
		"$tmp/table" "$tmp/board")
	step=${first%%$'\t'*}
	# Only the tests that ran say anything: with --filter, an earlier
	# step whose tests did not run may be the one that is wrong.
	unrun=
	if [ -n "$user_filter" ]; then
		unrun=$(awk -F'\t' -v board="$tmp/board" '
			FILENAME == board { ran[$3] = 1; next }
			$1 != "-" && !($3 in ran) && (low == "" || $1 + 0 < low + 0) { low = $1 }
			END { print low }' "$tmp/board" "$tmp/table")
	fi
	if [ -n "$unrun" ] && { [ "$step" = - ] || [ "$unrun" -lt "$step" ]; }; then
		echo "step $unrun's tests did not run (--filter left them out): make check" \
			"RUNG=$rung STEP=$unrun checks it"
	fi
	if [ "$step" != - ]; then
		title=$(step_title "$step")
		echo "first step with a failing test: step $step, $title"
		echo "  (for one: \"${first#*$'\t'}\")"
		echo "  read $lesson, \"Build it yourself\", step $step"
	else
		echo "first failure: \"${first#*$'\t'}\""
		echo "  read $lesson, \"Build it yourself\""
	fi
fi
# Only a whole check counts toward progress.
if [ -n "$progress" ] && [ "$src" = "mine/$rung" ] && [ -z "$user_filter" ] && [ -z "$step_only" ] &&
	[ "$builds" != plain ]; then
	mkdir -p mine
	if [ "$failed" -eq 0 ]; then
		verdict="passed: all $passed checks on $(date '+%Y-%m-%d %H:%M')"
	else
		verdict="started: $passed passed, $failed failed on $(date '+%Y-%m-%d %H:%M')"
	fi
	echo "$rung $verdict files $(sum_files "$rung")" >>"$PROGRESS"
	[ "$failed" -eq 0 ] && echo "rung $rung passed.  make check shows every rung."
fi
# Under sudo, what this run made belongs to the learner, not to root.
if [ -n "${SUDO_UID:-}" ] && [ "$(stat -c %u .)" = "$SUDO_UID" ]; then
	chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" build mine 2>/dev/null
	for p in tun_echo icmp_reply tap_arp udp_echo tcp_mini; do
		[ -e "$p/$p" ] && chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$p/$p"
	done
fi
[ "$failed" -eq 0 ]
