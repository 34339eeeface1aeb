#!/usr/bin/env bash
# prove.sh - the grader can fail and can pass (make test runs it; TAP out).
#
# For each rung, through the same path as a learner's make check:
#   1. the untouched starter compiles (make check as a learner runs it,
#      timed), and the tests its table
#      (tests/build-it/NN.tests) says fail, fail; the others pass.  A test
#      that passes on the starter and is not listed as testing what the
#      starter keeps does not test the lesson's part: fix the test or the cut;
#   2. step by step: with step K alone cut, step K's unit tests fail (on
#      both builds); with the project's own source (markers taken out),
#      make check STEP=K passes (its unit tests on both builds, its
#      scenarios on the plain one), and the times are printed; every test
#      of the table passes in its step's check;
#   3. each deliberately wrong solution (tests/build-it/wrong/NN-*.sh) fails
#      the test named to catch it.
#
# usage: bash tests/build-it/prove.sh [NN...]     default: every rung
#        bash tests/build-it/prove.sh --steps NN
#            by hand, when the cuts or the tests change: make check with
#            steps 1..K done, for each K, and so the step after which each
#            test passes: what the STEP column of NN.tests must say.
#            Prints the table's lines and how the file differs.
# Needs root, like make test.  Builds under build/prove/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/build-it/rungs.sh
. tests/build-it/rungs.sh

# A scenario of a starter that waits on a peer that never answers is
# stopped after this many seconds (a test the starter must pass takes a few;
# check.sh's own limit, for a learner, is 300).
LIMIT=${BATS_TEST_TIMEOUT:-60}

if [ "${1:-}" = --steps ]; then
	r=${2:?--steps needs a rung}
	rung_check "$r" || exit 2
	dir=build/prove/$r/steps
	rm -rf "$dir"
	mkdir -p "$dir"
	last=$(rung_steps "$r" | tail -n 1 | cut -f1 | cut -d. -f2)
	for k in $(seq 0 "$last"); do
		bash tests/build-it/start.sh "$r" --into "$dir/upto$k" --upto "$k" >/dev/null
		BATS_TEST_TIMEOUT=$LIMIT bash tests/build-it/check.sh "$r" --src "$dir/upto$k" --out "$dir/build$k" \
			--plain-only --no-progress --results "$dir/$k.results" >"$dir/$k.log" 2>&1
		echo "# steps 1..$k done: $(grep -c '^ok' "$dir/$k.results") pass," \
			"$(grep -c '^not ok' "$dir/$k.results") fail"
	done
	# A test's step: the first K from which it passes for good.
	for k in $(seq 0 "$last"); do
		awk -F'\t' -v k="$k" '$2 != "build" { print k "\t" $1 "\t" $3 }' "$dir/$k.results"
	done | awk -F'\t' -v last="$last" '
		{ if (!($3 in order)) order[$3] = ++n; name[order[$3]] = $3
		  if ($2 == "ok") { if (!($3 in from)) from[$3] = $1 } else delete from[$3] }
		END { for (i = 1; i <= n; i++) { t = name[i]
			if (!(t in from)) print "? fails even with every step done: " t
			else if (from[t] == 0) print "- passes " t
			else print from[t] " fails " t } }' | sort -s -k1,1 >"$dir/table.new"
	cat "$dir/table.new"
	echo "# against tests/build-it/$r.tests (< the file, > what the runs say):"
	table "$r" | awk -F'\t' '{ print $1 " " $2 " " $3 }' | sort -s -k1,1 |
		diff - "$dir/table.new" && echo "# no difference"
	exit 0
fi

n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n $*"; }

# swap FILE OLD NEW: OLD, which must be in FILE exactly once, becomes NEW.
swap() {
	local text rest
	text=$(<"$1")
	rest=${text#*"$2"}
	if [ "$rest" = "$text" ] || [[ "$rest" == *"$2"* ]]; then
		echo "# swap: not exactly once in $1: $2"
		return 1
	fi
	printf '%s\n' "${text/"$2"/"$3"}" >"$1"
}

# project_copy NN DIR: the rung's files as the project has them, markers
# taken out: a learner's finished work.
project_copy() {
	local f
	rm -rf "$2"
	mkdir -p "$2"
	for f in $(rung_files "$1"); do
		awk -v mode=strip -f tests/build-it/cut.awk "$f" >"$2/$(basename "$f")"
	done
}

# show FILE: a log, indented, for a failure's reader.
show() {
	sed 's/^/#   /' "$1" | tail -n 40
}

# 0. Every marker in the source is well formed and paired.
# shellcheck disable=SC2046
if lint=$(awk -v mode=lint -f tests/build-it/cut.awk $(grep -l 'build-it' -- */*.c) 2>&1); then
	ok "build-it: every marker in the source is paired and well formed"
else
	not_ok "build-it: every marker in the source is paired and well formed"
	echo "$lint" | sed 's/^/#   /'
fi

rungs=${*:-$RUNGS}
for r in $rungs; do
	rung_check "$r" || exit 2
	dir=build/prove/$r
	rm -rf "$dir"
	mkdir -p "$dir"
	table "$r" >"$dir/table"
	if [ ! -s "$dir/table" ]; then
		not_ok "build-it $r: tests/build-it/$r.tests lists the rung's tests"
		continue
	fi

	# 1. The starter, checked as a learner checks it (make check RUNG=NN:
	# both builds, the gate in front of the scenarios), timed.
	bash tests/build-it/start.sh "$r" --into "$dir/starter" >/dev/null
	t0=$(date +%s)
	BATS_TEST_TIMEOUT=$LIMIT bash tests/build-it/check.sh "$r" --src "$dir/starter" --out "$dir/build-starter" \
		--no-progress --results "$dir/starter.results" >"$dir/starter.log" 2>&1
	secs=$(( $(date +%s) - t0 ))
	if ! grep -q $'^ok\tbuild\t' "$dir/starter.results" 2>/dev/null; then
		not_ok "build-it $r: the untouched starter compiles"
		show "$dir/starter.log"
		continue
	fi
	ok "build-it $r: the untouched starter compiles"
	# Each test against its line of the table.
	if out=$(awk -F'\t' '
		NR == FNR { want[$3] = $2; step[$3] = $1; next }
		$2 == "build" { next }
		{
			seen[$3] = 1
			if (!($3 in want)) { printf "# not in the table: %s\n", $3; bad = 1; next }
			if (want[$3] == "fails" && $1 == "ok") {
				printf "# passes on the starter, but the table says it tests step %s: %s\n", step[$3], $3
				bad = 1
			}
			if (want[$3] == "passes" && $1 != "ok") {
				printf "# fails on the starter, but the table says it tests what the starter keeps: %s\n", $3
				bad = 1
			}
			if ($1 != "ok") nf[$3] = 1
		}
		END {
			for (t in want) if (!(t in seen)) { printf "# in the table, not run: %s\n", t; bad = 1 }
			for (t in nf) n++
			if (n == 0) { print "# the starter fails no test"; bad = 1 }
			printf "# %d tests fail on the starter\n", n
			exit bad
		}' "$dir/table" "$dir/starter.results"); then
		ok "build-it $r: the starter fails the $(grep -c $'\tfails\t' "$dir/table") tests of the lesson's steps, and only those"
		echo "$out"
	else
		not_ok "build-it $r: the starter fails the tests of the lesson's steps, and only those"
		echo "$out"
	fi
	echo "# the starter's whole check (make check RUNG=$r, both builds): $secs s," \
		"$(grep -m1 -E '^[0-9]+ passed' "$dir/starter.log")"
	# 2. Step by step.  For each step K: with K alone cut (every other step
	# done), the unit tests of step K fail, and so the check stops before
	# its scenarios; with the project's own source, make check STEP=K
	# passes, timed.  Together the steps and the starter's own tests are
	# every test of the table, so this is also the project's source
	# passing make check, test by test.
	project_copy "$r" "$dir/project"
	for k in $(rung_steps "$r" | cut -f1 | cut -d. -f2); do
		bash tests/build-it/start.sh "$r" --into "$dir/only$k" --only "$k" >/dev/null
		BATS_TEST_TIMEOUT=$LIMIT bash tests/build-it/check.sh "$r" --src "$dir/only$k" --out "$dir/build-only$k" \
			--step "$k" --no-progress --results "$dir/only$k.results" >"$dir/only$k.log" 2>&1
		units=$(awk -F'\t' -v k="$k" '$1 == k && $3 ~ /^unit: /' "$dir/table" | wc -l)
		ufail=$(awk -F'\t' -v k="$k" 'NR == FNR { if ($1 == k) s[$3] = 1; next }
			$1 != "ok" && $2 == "unit" && ($3 in s) { f[$3] = 1 } END { print length(f) }' \
			"$dir/table" "$dir/only$k.results")
		if [ "$units" -gt 0 ] && [ "$ufail" -eq "$units" ]; then
			ok "build-it $r: step $k alone cut: its $units unit test$([ "$units" = 1 ] || echo s) fail$([ "$units" = 1 ] && echo s), on both builds"
		elif [ "$units" -gt 0 ] && [ "$ufail" -gt 0 ]; then
			ok "build-it $r: step $k alone cut: $ufail of its $units unit tests fail"
			awk -F'\t' -v k="$k" 'NR == FNR { if ($1 == k && $3 ~ /^unit: /) s[$3] = 1; next }
				$1 == "ok" && ($3 in s) { print "#   passes all the same: " $3 }' "$dir/table" "$dir/only$k.results" | sort -u
		elif [ "$units" -eq 0 ] && grep -q $'^not ok\tscenario' "$dir/only$k.results"; then
			ok "build-it $r: step $k alone cut: it has no unit test; its scenarios fail"
		else
			not_ok "build-it $r: step $k alone cut: its tests fail"
			show "$dir/only$k.log"
		fi
		t0=$(date +%s)
		if bash tests/build-it/check.sh "$r" --src "$dir/project" --out "$dir/build-project" \
			--step "$k" --no-progress --results "$dir/project$k.results" >"$dir/project$k.log" 2>&1; then
			secs=$(( $(date +%s) - t0 ))
			ok "build-it $r: the project's own source passes make check STEP=$k ($(grep -m1 -E '^[0-9]+ passed' "$dir/project$k.log"); $secs s)"
		else
			not_ok "build-it $r: the project's own source passes make check STEP=$k"
			grep -E '^  FAIL|^        ' "$dir/project$k.log" | sed 's/^/#/' | head -n 30
		fi
	done
	# every test of the table ran on the project's source, or on the
	# starter for what it keeps
	missing=$(awk -F'\t' 'FILENAME ~ /table$/ { if ($1 != "-") want[$3] = 1; next }
		$1 == "ok" { ran[$3] = 1 } END { for (t in want) if (!(t in ran)) print "#   " t }' \
		"$dir/table" "$dir"/project*.results)
	if [ -z "$missing" ]; then
		ok "build-it $r: every step's test passed on the project's source in its step's check"
	else
		not_ok "build-it $r: every step's test passed on the project's source in its step's check"
		echo "$missing"
	fi
	# 3. The wrong solutions.
	for w in tests/build-it/wrong/"$r"-*.sh; do
		[ -e "$w" ] || { not_ok "build-it $r: a deliberately wrong solution (tests/build-it/wrong/$r-*.sh)"; break; }
		name=$(basename "$w" .sh)
		file= catches= what=
		# shellcheck disable=SC1090
		. "$w"		# sets file, what, catches and defines wrong()
		project_copy "$r" "$dir/$name"
		if ! wrong "$dir/$name/$file"; then
			not_ok "build-it $r: $name applies to $file"
			continue
		fi
		bash tests/build-it/check.sh "$r" --src "$dir/$name" --out "$dir/build-$name" \
			--plain-only --no-progress --filter "^$(sed 's/[][\\.*^$(){}+?|]/\\&/g' <<<"$catches")\$" \
			--results "$dir/$name.results" >"$dir/$name.log" 2>&1
		if grep -qxF $'not ok\tscenario\t'"$catches" "$dir/$name.results" ||
			grep -qxF $'not ok\tunit\t'"$catches" "$dir/$name.results"; then
			ok "build-it $r: $what fails \"$catches\""
			grep -A1 -F "FAIL  $catches" "$dir/$name.log" | tail -n 1 | sed 's/^ */#   /'
		else
			not_ok "build-it $r: $what fails \"$catches\""
			show "$dir/$name.log"
		fi
	done
done
echo "# build-it: $((n - nfail)) passed, $nfail failed"
[ "$nfail" -eq 0 ]
