# tests/deps.sh - sourced by tests/run.sh, tests/demo.sh and the bench:
# install the tools they use when missing (root on Debian/Ubuntu), or say
# exactly what to install.
#
# need_tools COMMAND:PACKAGE...
need_tools() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	# shellcheck disable=SC2207
	missing=($(printf '%s\n' "${missing[@]}" | sort -u))
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "missing tools; install them with:"
		echo "  sudo apt-get install ${missing[*]}"
		return 1
	fi
}

# Everything the scenario tests use.
TEST_TOOLS="bats:bats ip:iproute2 ping:iputils-ping arping:iputils-arping
nc:netcat-openbsd socat:socat tcpdump:tcpdump setpriv:util-linux
unshare:util-linux pgrep:procps sysctl:procps curl:curl"
