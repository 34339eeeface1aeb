#!/usr/bin/env bats
# tools/ladder draws one TCP connection of a pcap file as a ladder (lesson
# 05's figures are drawn with it from real captures).  No root needed.
# Run: bats tests/80-ladder.bats

load helpers

LADDER="$TOP/tools/ladder"

@test "ladder: a replayed connection, both ways, relative numbers as tcpdump has them" {
	run "$LADDER" -p 38500 "$TOP/tests/fixtures/tcp-frames.tcp_mini.pcap"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "            10.10.10.2:38500                                      10.10.10.1:7" ]
	[[ "${lines[1]}" == "   0.000000 ---- [S] seq 0 win 64240 <mss 1460,sackOK,TS,wscale 10> ---"*"->" ]]
	[[ "${lines[2]}" == "   0.000000 <--- [S.] seq 0 ack 1 win 65535 <mss 1460,sackOK,TS,wscale 5> ---"*"-" ]]
	[[ "${lines[4]}" == *" ---- [.] seq 1:1449 ack 1 win 63 len 1448 ---"* ]]
	[[ "${lines[5]}" == *" <--- [P.] seq 1:1449 ack 1449 win 2048 len 1448 ---"* ]]
	# Every line is as wide as the first: a ladder, not a ragged list.
	[ "$(awk 'NR > 1 && /^ / { print length($0) }' <<<"$output" | sort -u)" = 78 ]
}

@test "ladder: -S gives the numbers on the wire; no TCP, or a bad file, is exit 1 with why" {
	run "$LADDER" -S -p 38500 "$TOP/tests/fixtures/tcp-frames.tcp_mini.pcap"
	[ "$status" -eq 0 ]
	# The replay's ISN was fixed at 0xfffff000 (tests/fixtures/README).
	[[ "${lines[2]}" == *"[S.] seq 4294963200 ack "* ]]
	run "$LADDER" "$TOP/tests/fixtures/tun-requests.pcap"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no TCP segment in"* ]]
	run "$LADDER" "$TOP/README.md"
	[ "$status" -eq 1 ]
	run "$LADDER"
	[ "$status" -eq 2 ]
	[[ "$output" == *"usage: ladder"* ]]
}
