#!/usr/bin/env bash
# tests/demo.sh - what `make demo` runs: the ladder, rung by rung, in a
# throwaway network namespace, answering the kernel's own ping, nc and socat;
# then, through the kernel as a router, a web page from a second namespace
# playing "the world".
#
# Needs root (for the namespace).  Nothing here touches the host's
# interfaces, addresses or routes: everything happens inside "$ns" and
# "$ns-world", which are deleted at the end, even on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/deps.sh
. tests/world.sh

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root: it creates a network namespace. Try: sudo make demo"
	exit 1
fi
need_tools ip:iproute2 ping:iputils-ping arping:iputils-arping socat:socat nc:netcat-openbsd sysctl:procps \
	timeout:coreutils python3:python3

ns=tunlab-demo-$$
tmp=$(mktemp -d)
pid=
web=
cleanup() {
	# No command here may fail: under set -e a failure would end the trap
	# before the namespace is deleted.
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ -n "$web" ]; then
		kill "$web" 2>/dev/null || true
		wait "$web" 2>/dev/null || true
	fi
	ip netns del "$ns-world" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /' || true; }

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# start PROGRAM DEV ARGS...: run it with --trace, wait for "ready", and set
# up the kernel's side of the device.
start() {
	local prog=$1 dev=$2
	shift 2
	ip netns exec "$ns" "./$prog/$prog" --trace "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 100); do grep -q '^ready' "$tmp/out" && break; sleep 0.05; done
	echo "  $prog says: $(cat "$tmp/out")"
	ip -n "$ns" addr add 10.10.10.2/24 dev "$dev"
	ip -n "$ns" link set "$dev" up
}

stop() {
	kill -TERM "$pid"
	wait "$pid" || true
	pid=
	say "  what it traced, and its counters on exit:"
	sed 's/^/  /' "$tmp/err"
}

say "Rung 1: tun_echo answers every echo request routed into tun0"
start tun_echo tun0
show ip netns exec "$ns" ping -n -c 3 -i 0.3 10.10.10.1
stop

say "Rung 2: icmp_reply owns 10.10.10.1, validates, and sends ICMP errors"
start icmp_reply tun0
show ip netns exec "$ns" ping -n -c 3 -i 0.3 10.10.10.1
echo "  (10.10.10.3 is not its address: no answer)"
show ip netns exec "$ns" ping -n -c 1 -W 1 10.10.10.3
echo "  (UDP is not a protocol it speaks: ICMP protocol unreachable)"
echo "\$ echo hello | ip netns exec $ns socat -t 1 - UDP:10.10.10.1:7"
echo hello | ip netns exec "$ns" socat -t 1 - UDP:10.10.10.1:7 2>&1 | sed 's/^/  /' || true
stop

say "Rung 3: tap_arp speaks Ethernet and ARP on tap0"
start tap_arp tap0
echo "  (the kernel asks who has 10.10.10.1 before it sends any IP packet)"
show ip netns exec "$ns" arping -c 2 -w 3 -I tap0 10.10.10.1
show ip netns exec "$ns" ping -n -c 2 -i 0.3 10.10.10.1
show ip -n "$ns" neigh show dev tap0
stop

say "Rung 4: udp_echo echoes UDP and carries datagrams larger than the link"
start udp_echo tap0
echo "\$ echo 'hello, udp' | ip netns exec $ns nc -u -w 1 10.10.10.1 7"
echo 'hello, udp' | ip netns exec "$ns" nc -u -w 1 10.10.10.1 7 2>&1 | sed 's/^/  /' || true
echo "  (4000 bytes do not fit in 1500: fragments both ways)"
show ip netns exec "$ns" ping -n -c 1 -s 4000 10.10.10.1
echo "  (nothing listens on port 9: ICMP port unreachable, 'Connection refused')"
echo "\$ echo knock | ip netns exec $ns socat -t 1 - UDP:10.10.10.1:9"
echo knock | ip netns exec "$ns" socat -t 1 - UDP:10.10.10.1:9 2>&1 | sed 's/^/  /' || true
stop

say "Rung 5: tcp_mini speaks TCP: echo on 7, discard on 9, chargen on 19"
start tcp_mini tap0
echo "\$ echo 'hello, tcp' | ip netns exec $ns nc -N 10.10.10.1 7"
echo 'hello, tcp' | timeout 10 ip netns exec "$ns" nc -N 10.10.10.1 7 2>&1 | sed 's/^/  /' || true
echo "  (nothing listens on port 80: an RST, 'Connection refused')"
echo "\$ ip netns exec $ns nc -z 10.10.10.1 80"
timeout 10 ip netns exec "$ns" nc -z 10.10.10.1 80 2>&1 | sed 's/^/  /' || true
stop

say "Beyond the link: a web page through tcp_mini, routed by the kernel (never bridged)"
echo "  (a second namespace plays the world: 192.0.2.2, behind the router 10.10.10.2)"
world_up "$ns" "$ns-world"
mkdir "$tmp/www"
printf '<html><body><h1>Hello from beyond the gateway</h1></body></html>\n' >"$tmp/www/index.html"
(cd "$tmp/www" && exec ip netns exec "$ns-world" python3 -m http.server -b 192.0.2.2 8000) \
	>"$tmp/web.log" 2>&1 &
web=$!
for _ in $(seq 100); do
	ip netns exec "$ns-world" bash -c ': </dev/tcp/192.0.2.2/8000' 2>/dev/null && break
	sleep 0.05
done
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" addr add 10.10.10.2/24 dev tap0
ip -n "$ns" link set tap0 up
echo "  (the stack's own ping: ARP for the router, then echo; ttl 63 is one hop)"
show timeout 10 ip netns exec "$ns" ./tcp_mini/tcp_mini --gateway 10.10.10.2 --ping 192.0.2.2 \
	--count 2 --interval 0.3
echo "  (an HTTP GET on stdin, the response on stdout, as with nc)"
echo "\$ printf 'GET / HTTP/1.0\\r\\n\\r\\n' | ip netns exec $ns ./tcp_mini/tcp_mini --gateway 10.10.10.2 --connect 192.0.2.2:8000"
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 20 ip netns exec "$ns" ./tcp_mini/tcp_mini \
	--gateway 10.10.10.2 --connect 192.0.2.2:8000 2>/dev/null | sed 's/^/  /' || true

say "Done. Next: lessons/01-tun-echo.md, and 'sudo make test'."
