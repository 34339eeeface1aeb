#!/usr/bin/env bash
# start.sh - make start RUNG=NN: write mine/NN/, the learner's copy of the
# files rung NN teaches, with each part the lesson asks for cut out and
# replaced by a TODO and a stub that compiles and fails cleanly.
#
# usage: bash tests/build-it/start.sh NN [--into DIR] [--upto K]
#   --upto K  steps 1..K left done (tests/build-it/prove.sh --steps uses it)
#   --only K  step K alone cut, every other step done (prove.sh uses it)
#   FORCE=1   start over: an existing folder is moved aside, never deleted
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/build-it/rungs.sh
. tests/build-it/rungs.sh

rung=${1:-}
if [ -z "$rung" ]; then
	echo "which rung?  make start RUNG=NN, NN one of: $RUNGS" >&2
	exit 2
fi
rung_check "$rung" || exit 2
into=mine/$rung
upto=0
only=
shift
while [ $# -gt 0 ]; do
	case $1 in
	--into) into=${2:?--into needs a folder}; shift ;;
	--upto) upto=${2:?--upto needs a step}; shift ;;	# steps 1..K done
	--only) only=${2:?--only needs a step}; shift ;;	# step K alone cut
	*) echo "start.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

lesson=$(rung_lesson "$rung")
files=$(rung_files "$rung")
if [ -e "$into" ]; then
	if [ "${FORCE:-}" != 1 ]; then
		echo "$into/ exists already: your work is there, and it is left as it is."
		echo "  go on:        \$EDITOR $into/ then make check RUNG=$rung"
		echo "  start over:   make start RUNG=$rung FORCE=1   (keeps the old copy beside it)"
		exit 1
	fi
	old=$into.old-$(date +%Y%m%d-%H%M%S)
	mv "$into" "$old"
	echo "moved your old copy to $old/"
fi
mkdir -p "$into"
for f in $files; do
	awk -v mode=starter -v rung="$rung" -v lesson="$lesson" -v upto="$upto" -v only="$only" \
		-f tests/build-it/cut.awk "$f" >"$into/$(basename "$f")"
done

echo "wrote $into/, rung $rung ($(rung_prog "$rung")), from the project's own source:"
for f in $files; do
	printf '  %-22s (the project has it as %s)\n' "$into/$(basename "$f")" "$f"
done
echo "the steps, in $lesson, \"Build it yourself\":"
rung_steps "$rung" | while IFS=$'\t' read -r id title; do
	echo "  step ${id#*.}: $title"
done
echo "each is a TODO(lesson $rung, step K) in the files.  Then: make check RUNG=$rung"
# Under sudo, the copy belongs to the learner, not to root.
if [ -n "${SUDO_UID:-}" ] && [ "$(stat -c %u .)" = "$SUDO_UID" ]; then
	chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" mine 2>/dev/null || true
fi
