# tests/deps.sh - sourced by tests/run.sh, tests/demo.sh and the bench:
# install the tools they use when missing (root on Debian/Ubuntu), or say
# exactly what to install.
#
# need_tools COMMAND:PACKAGE...
#
# Two of the tools come in more than one variant under the same name, and
# the tests are written for one: for those, being on PATH is not enough
# (need_variant, below).
need_tools() {
	local pair missing=() bad=0
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		# shellcheck disable=SC2207
		missing=($(printf '%s\n' "${missing[@]}" | sort -u))
		if can_install; then
			echo "installing: ${missing[*]}"
			DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
				DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
					--no-install-recommends "${missing[@]}" >/dev/null
		else
			echo "missing tools; install them with:"
			echo "  sudo apt-get install ${missing[*]}"
			return 1
		fi
	fi
	for pair in "$@"; do
		need_variant "${pair%%:*}" || bad=1
	done
	return $bad
}

# Root with apt: need_tools may install and fix things itself.
can_install() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

# variant_ok COMMAND: the COMMAND found on PATH is the variant the tests
# are written for (true for a command that has no variants).
#   arping  iputils' (package iputils-arping).  Thomas Habets' arping
#           (package arping) takes other options and prints other lines,
#           which the tests cannot parse.
#   nc      OpenBSD netcat (package netcat-openbsd): the tests use its -N
#           (shut the sending side down at the end of stdin), which
#           nc.traditional (package netcat-traditional) does not have.
# The output is read whole, not piped into grep -q: under pipefail, grep
# exiting at its first match could fail the pipeline.
variant_ok() {
	local out
	case $1 in
	arping)
		out=$(arping -V 2>&1 </dev/null)
		[[ $out == *iputils* ]] ;;
	nc)
		out=$(nc -h 2>&1 </dev/null)
		[[ $out == *"OpenBSD netcat"* ]] ;;
	*) return 0 ;;
	esac
}

# variant_fix COMMAND: the commands, one a line, that put the right
# variant in the place where Debian and Ubuntu install it.
variant_fix() {
	case $1 in
	arping)
		# The two packages conflict: installing iputils-arping removes
		# Habets' arping.
		echo "apt-get install iputils-arping" ;;
	nc)
		# /usr/bin/nc is a link that update-alternatives manages; with
		# both packages installed it may point at nc.traditional.
		[ -x /bin/nc.openbsd ] || echo "apt-get install netcat-openbsd"
		echo "update-alternatives --set nc /bin/nc.openbsd" ;;
	esac
}

# run_fix LINE: one line of variant_fix, unattended.
run_fix() {
	case $1 in
	"apt-get install "*)
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends ${1#apt-get install } ;;
	*)
		# shellcheck disable=SC2086
		$1 ;;
	esac
}

# need_variant COMMAND: fine if it is the right variant; else say what is
# wrong and fix it (root with apt) or say how.
need_variant() {
	local cmd=$1 path fix line
	command -v "$cmd" >/dev/null 2>&1 || return 0	# need_tools said so
	variant_ok "$cmd" && return 0
	path=$(command -v "$cmd")
	case $cmd in
	arping)
		echo "wrong arping: $path is not iputils' arping, the one the tests are written for"
		echo "  (Thomas Habets' arping, Debian's package arping, takes other options and prints other lines)" ;;
	nc)
		echo "wrong nc: $path is not OpenBSD netcat, the one the tests are written for"
		echo "  (the tests use its -N, which shuts the sending side at the end of input; nc.traditional has no -N)" ;;
	esac
	fix=$(variant_fix "$cmd")
	if can_install; then
		while read -r line; do
			echo "running: $line"
			run_fix "$line" >/dev/null 2>&1 || true
		done <<<"$fix"
		hash -r
		variant_ok "$cmd" && return 0
		echo "still the wrong $cmd: $(command -v "$cmd") comes first on PATH; remove it, or put /usr/bin ahead of its folder in PATH"
		return 1
	fi
	echo "fix it with:"
	while read -r line; do
		echo "  sudo $line"
	done <<<"$fix"
	echo "(if $path is not from a package, remove it, or put /usr/bin ahead of its folder in PATH)"
	return 1
}

# Everything the scenario tests use.
TEST_TOOLS="bats:bats ip:iproute2 ping:iputils-ping arping:iputils-arping
nc:netcat-openbsd socat:socat tcpdump:tcpdump setpriv:util-linux
unshare:util-linux pgrep:procps sysctl:procps curl:curl nft:nftables
python3:python3 xmllint:libxml2-utils"
