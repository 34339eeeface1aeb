#!/usr/bin/env bash
# tests/run.sh - what `make test` runs after building.
#
#   1. installs the test tools if any is missing (root on Debian/Ubuntu),
#      or says exactly what to install;
#   2. runs the C unit tests, plain and under ASan+UBSan;
#   3. runs the bats scenarios against the plain build, then against the
#      sanitizer build (build/san), where any sanitizer report fails the test;
#      then tcp_mini's (05, 06) once more with --no-offload (lesson 07);
#   4. proves the "build it yourself" grader (tests/build-it/prove.sh): per
#      rung, the untouched starter fails, the project's code passes through
#      make check's path, a deliberately wrong solution is caught;
#   5. checks the lessons (tests/lessons/check.sh), each block alone and
#      all of a lesson's blocks in order, and the checker itself;
#   6. ends with "N passed, N failed" and a non-zero status on any failure.
#
# usage: bash tests/run.sh [LESSON]     e.g. "01" runs only tests/01-*.bats
set -uo pipefail
cd "$(dirname "$0")/.."

lesson=${1:-}
# shellcheck source=tests/deps.sh
. tests/deps.sh
# shellcheck disable=SC2086
need_tools $TEST_TOOLS
if [ "$(id -u)" != 0 ]; then
	echo "note: the scenario tests need root (they create network namespaces);"
	echo "      run 'sudo make test'. Each one will fail and say so."
fi

# Sanitizer reports go to stderr, which the scenario helpers check.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# count NAME COMMAND...: run a TAP-printing command, show its output, add up.
count() {
	local name=$1 p f t0=$SECONDS
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name ran no test"
		f=1
	fi
	echo "== $name: $p passed, $f failed ($((SECONDS - t0)) s)"
	passed=$((passed + p))
	failed=$((failed + f))
}

count "unit tests" ./build/unit
count "unit tests (ASan+UBSan)" ./build/san/unit

files=(tests/"${lesson}"*.bats)
if [ ! -e "${files[0]}" ]; then
	echo "no scenario files match tests/${lesson}*.bats"
	failed=$((failed + 1))
elif command -v bats >/dev/null 2>&1; then
	count "scenarios" env TUNLAB_BIN= bats --tap "${files[@]}"
	count "scenarios (ASan+UBSan build)" env TUNLAB_BIN="$PWD/build/san" bats --tap "${files[@]}"
	# Lesson 07: the rungs that use offloads (tcp_mini: 05 and 06) once
	# more on the plain build with --no-offload, the path without them
	# (every other rung has none to turn off).
	nofl=()
	for f in "${files[@]}"; do
		case $(basename "$f") in 05-* | 06-*) nofl+=("$f") ;; esac
	done
	if [ "${#nofl[@]}" -gt 0 ]; then
		count "scenarios with --no-offload" env TUNLAB_BIN= TUNLAB_STACK_OPTS=--no-offload \
			bats --tap "${nofl[@]}"
	fi
else
	echo "not ok - bats is not installed: apt-get install bats"
	failed=$((failed + 1))
fi

# make start / make check, for the rung of each scenario file that ran.
rungs=$(for f in "${files[@]}"; do b=$(basename "$f"); case $b in 0[1-9]-*) echo "${b%%-*}" ;; esac; done)
if [ -n "$rungs" ]; then
	# shellcheck disable=SC2086
	count "build it yourself: starters, the project's code, wrong solutions" \
		bash tests/build-it/prove.sh $rungs
fi

# The lessons' captured sessions, C excerpts and drop reasons, against the
# programs as they are now (tests/lessons/check.sh; for one lesson: ...check.sh 01).
# Without make's variables: under them the lessons' own "make demo" would be a
# sub-make and print "make[1]: Entering directory", which no lesson shows.
count "lessons" env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS bash tests/lessons/check.sh "$lesson"
# ... and run in order, each lesson's blocks one after the other in one
# namespace, as a learner runs them: no block leaves behind what the next
# one trips over.
count "lessons, in order" env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS CHECK_IN_ORDER=1 \
	bash tests/lessons/check.sh "$lesson"
# ... and that the checker fails when a captured line or an excerpt drifts.
count "lesson checker self-test" bash tests/lessons/check.sh --self-test

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
