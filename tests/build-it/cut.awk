# cut.awk - the "build it yourself" markers in the project's C source.
#
# A part of a rung that the learner writes is marked in the real source,
# which stays the one copy of the code:
#
#	/* build-it 01.1 begin: turn the request into a reply */
#	... the project's code ...
#	/* build-it 01.1 end; the starter has: return DROP_NOT_IMPLEMENTED; */
#
# 01.1 is rung 01, step 1 of its lesson's "Build it yourself" section.  What
# the starter has instead may take several lines, ended by "*/":
#
#	/* build-it 05.3 end; the starter has:
#	 *	(void)c;
#	 *	return DROP_NOT_IMPLEMENTED;
#	 */
#
# or nothing at all ("the starter has nothing */").  A step may have more
# than one marked part.
#
#   awk -v mode=strip -f cut.awk FILE       the code with every marker taken out
#   awk -v mode=starter -v rung=01 -v lesson=lessons/01-tun-echo.md -f cut.awk FILE
#                                          the learner's copy: each of the
#                                          rung's parts is a TODO and its stub
#                                          (-v upto=K: steps 1..K are left
#                                          done, as a learner would have them;
#                                          -v only=K: step K alone is cut)
#   awk -v mode=steps -v rung=01 -f cut.awk FILE...
#                                          "01.1<TAB>title" per part, in order
#   awk -v mode=lint -f cut.awk FILE...    exit 1, saying where, on a marker
#                                          that is malformed or unpaired
# Plain POSIX awk (mawk on a minimal Debian).

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
}

# The marker's id "NN.K" from a line, or "".
function marker_id(s) {
	if (!match(s, /build-it [0-9][0-9]\.[0-9]+ /))
		return ""
	return substr(s, RSTART + 9, RLENGTH - 10)
}

function leading(s) {
	match(s, /^[ \t]*/)
	return substr(s, 1, RLENGTH)
}

# Print the TODO and the stub lines kept in stub[1..nstub].
function emit_stub(   i, k, min, t, n) {
	split(cur, k, ".")
	print cur_indent "/* TODO(lesson " k[1] ", step " k[2] "): " cur_title \
		(cur_title ~ /[.?!]$/ ? "" : ".")
	print cur_indent " * Read " lesson ", \"Build it yourself\", step " k[2] ". */"
	# The stub's lines keep their indentation relative to each other.
	min = -1
	for (i = 1; i <= nstub; i++) {
		if (stub[i] == "")
			continue
		match(stub[i], /^\t*/)
		if (min < 0 || RLENGTH < min)
			min = RLENGTH
	}
	for (i = 1; i <= nstub; i++) {
		t = stub[i]
		if (t == "") {
			print ""
			continue
		}
		print cur_indent substr(t, min + 1)
	}
}

# The end marker's line (and the lines after it, for a stub of several):
# keep the stub in stub[].
function end_marker(line,   rest, p) {
	nstub = 0
	if (line ~ /the starter has nothing \*\//)
		return 1
	p = index(line, "the starter has:")
	if (!p) {
		fail("an end marker says \"the starter has: ...\" or \"the starter has nothing */\"")
		return 1
	}
	rest = substr(line, p + 16)
	if (rest ~ /\*\/[ \t]*$/) {	# on one line
		sub(/[ \t]*\*\/[ \t]*$/, "", rest)
		sub(/^[ \t]+/, "", rest)
		# "a; b;" is two lines of the starter
		while ((p = index(rest, "; ")) > 0) {
			stub[++nstub] = substr(rest, 1, p)
			rest = substr(rest, p + 2)
		}
		if (rest != "")
			stub[++nstub] = rest
		return 1
	}
	in_stub = 1
	return 1
}

BEGIN {
	if (mode != "strip" && mode != "starter" && mode != "steps" && mode != "lint") {
		print "cut.awk: mode is strip, starter, steps or lint" > "/dev/stderr"
		exit 2
	}
	cur = ""
	in_stub = 0
	bad = 0
}

FNR == 1 && NR > 1 {
	if (cur != "")
		fail("build-it " cur " has no end marker in the file before")
	cur = ""
	in_stub = 0
}

# The lines of a stub of several lines, up to the "*/".
in_stub {
	if ($0 ~ /^[ \t]*\*\/[ \t]*$/) {
		in_stub = 0
		if (mine)
			emit_stub()
		cur = ""
		next
	}
	t = $0
	sub(/^[ \t]*\* ?/, "", t)
	stub[++nstub] = t
	next
}

/\/\* build-it [0-9][0-9]\.[0-9]+ begin: / {
	if (cur != "")
		fail("build-it " cur " begins again before its end")
	cur = marker_id($0)
	cur_indent = leading($0)
	cur_title = $0
	sub(/^.* begin: /, "", cur_title)
	sub(/[ \t]*\*\/[ \t]*$/, "", cur_title)
	mine = mode == "starter" && substr(cur, 1, 2) == rung && substr(cur, 4) + 0 > upto + 0 &&
		(only == "" || substr(cur, 4) + 0 == only + 0)
	if (mode == "steps" && substr(cur, 1, 2) == rung && !(cur in listed)) {
		listed[cur] = 1
		printf "%s\t%s\n", cur, cur_title
	}
	next
}

/\/\* build-it [0-9][0-9]\.[0-9]+ end/ {
	if (cur == "")
		fail("an end marker with no begin")
	else if (marker_id($0) != cur)
		fail("build-it " marker_id($0) " ends, but " cur " began")
	end_marker($0)
	if (!in_stub) {
		if (mine)
			emit_stub()
		cur = ""
	}
	next
}

/build-it [0-9]/ {
	fail("not a marker: \"/* build-it NN.K begin: ...\" or \"... end; the starter has...\"")
}

{
	if (mode == "strip" || (mode == "starter" && !(cur != "" && mine)))
		print
}

END {
	if (cur != "")
		fail("build-it " cur " has no end marker")
	exit bad
}
