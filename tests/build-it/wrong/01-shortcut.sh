# Rung 01, deliberately wrong: the seed posts' one-line checksum "fix",
# *(unsigned short *)&buf[22] += 8, instead of RFC 1624's update.  It is
# right for all but 8 of the 65536 checksums on a little-endian machine,
# so most pings work: only the test with those 8 catches it.
file=tun_echo.c
what="the += 8 checksum shortcut"
catches="tun_echo: correct replies to the 8 request checksums the one-line shortcut gets wrong"
wrong() {
	# The project keeps the shortcut for lesson 01 behind this macro.
	swap "$1" '#include "tun_echo.h"' '#define TUN_ECHO_SHORTCUT	/* wrong on purpose */
#include "tun_echo.h"'
}
