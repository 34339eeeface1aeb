#!/usr/bin/env bash
# fuzz/deps.sh - make sure clang can build a libFuzzer target: clang itself
# and Debian's libclang-rt-14-dev (libFuzzer and the sanitizer runtimes for
# clang).  Installs them when missing (root on Debian), or says what to do.
set -u
try() {
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' |
		"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -x c - -o /dev/null 2>/dev/null
}
try && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing: clang libclang-rt-14-dev (for make fuzz)"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			clang libclang-rt-14-dev >/dev/null
	try && exit 0
fi
echo "make fuzz needs clang with libFuzzer: sudo apt-get install clang libclang-rt-14-dev" >&2
exit 1
