#!/usr/bin/env bats
# tests/deps.sh (issue 14): the tools the tests need, and the right variant
# of the two that come in more than one under the same name.  Fake arping
# and nc first on PATH stand for the other variants, printing what Thomas
# Habets' arping 2.23 and nc.traditional 1.10 print; what deps.sh would
# install or change is recorded instead of done.  No root, no network, no
# namespace.  Run: bats tests/00-deps.bats

setup() {
	TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
	T="$BATS_TEST_TMPDIR"
	mkdir -p "$T/bin"
	PATH="$T/bin:$PATH"
	# shellcheck source=tests/deps.sh
	. "$TOP/tests/deps.sh"
	# As a user without root, unless a test says otherwise; and what a
	# fix would run goes to a file.
	can_install() { false; }
	run_fix() { echo "$1" >>"$T/ran"; }
}

# fake NAME TEXT: a NAME in $T/bin that prints TEXT on stderr, whatever its
# arguments, and exits 1 (as the real ones do for an option they lack).
fake() {
	printf '#!/bin/sh\ncat >&2 <<"EOF"\n%s\nEOF\nexit 1\n' "$2" >"$T/bin/$1"
	chmod +x "$T/bin/$1"
}

HABETS="arping: option requires an argument -- 'V'
ARPing 2.23, by Thomas Habets <thomas@habets.se>
usage: arping [ -0aAbdDeFpPqrRuUvzZ ] [ -w <sec> ] [ -W <sec> ] [ -S <host/ip> ]"
IPUTILS="arping from iputils 20221126"
TRADITIONAL="[v1.10-47]
connect to somewhere:	nc [-options] hostname port[s] [ports] ... "
OPENBSD="OpenBSD netcat (Debian patchlevel 1.219-1)
usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]"

@test "deps: iputils' arping and OpenBSD netcat are accepted" {
	fake arping "$IPUTILS"
	fake nc "$OPENBSD"
	run need_tools arping:iputils-arping nc:netcat-openbsd
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "deps: Habets' arping is refused, with the apt-get command that replaces it" {
	fake arping "$HABETS"
	run need_tools arping:iputils-arping
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "wrong arping: $T/bin/arping is not iputils' arping, the one the tests are written for" ]
	[[ "$output" == *"Habets' arping, Debian's package arping"* ]]
	[[ "$output" == *$'fix it with:\n  sudo apt-get install iputils-arping\n'* ]]
	[ ! -e "$T/ran" ]
}

@test "deps: nc.traditional is refused, with the update-alternatives command that fixes it" {
	fake nc "$TRADITIONAL"
	run need_tools nc:netcat-openbsd
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "wrong nc: $T/bin/nc is not OpenBSD netcat, the one the tests are written for" ]
	[[ "$output" == *"nc.traditional has no -N"* ]]
	[[ "$output" == *"  sudo update-alternatives --set nc /bin/nc.openbsd"* ]]
	# Without netcat-openbsd installed, the way first installs it.
	if [ -x /bin/nc.openbsd ]; then
		[[ "$output" != *"apt-get install netcat-openbsd"* ]]
	else
		[[ "$output" == *"  sudo apt-get install netcat-openbsd"* ]]
	fi
}

@test "deps: as root with apt it runs the fix, and says so if the wrong one still comes first on PATH" {
	can_install() { true; }
	fake arping "$HABETS"
	fake nc "$TRADITIONAL"
	run need_tools arping:iputils-arping nc:netcat-openbsd
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qx "apt-get install iputils-arping" "$T/ran"
	grep -qx "update-alternatives --set nc /bin/nc.openbsd" "$T/ran"
	[[ "$output" == *"running: apt-get install iputils-arping"* ]]
	[[ "$output" == *"still the wrong arping: $T/bin/arping comes first on PATH"* ]]
	[[ "$output" == *"still the wrong nc: $T/bin/nc comes first on PATH"* ]]
}

@test "deps: a missing tool is named with the package to install" {
	run need_tools no-such-tool-tunlab:tunlab-package
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *$'missing tools; install them with:\n  sudo apt-get install tunlab-package'* ]]
}

@test "deps: the scenario tests' list names nft (nftables)" {
	[[ " $(echo $TEST_TOOLS) " == *" nft:nftables "* ]]
}
