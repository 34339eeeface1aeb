# tunlab - one non-recursive Makefile for the whole ladder.
#
#   make            build every program (seconds; libc only)
#   make test       build, unit tests, bats scenarios (plain and sanitizer builds)
#   make demo       build, then run the ladder in a throwaway network namespace
#   make bench      measure the rungs against the kernel (root; namespaces)
#   make bench-loss TCP on a lossy wire, tcp_mini against the kernel (root)
#   make sanitize   the same programs with ASan + UBSan, under build/san/
#   make SHORTCUT=1 also build/shortcut/tun_echo/tun_echo, lesson 01's wrong
#                   one-line checksum fix (make test builds it too)
#   make start RUNG=01, make check RUNG=01
#                   build it yourself: a learner's own rung, graded by its
#                   tests (tests/build-it/README.md)
#   make install    copy the programs to $(DESTDIR)$(PREFIX)/bin
#   make clean

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wconversion \
           -Wstrict-prototypes -Wmissing-prototypes
SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
DEPFLAGS = -MMD -MP

# The shared library of the ladder: wire formats, checksums, device, loop.
LIB_SRC := lib/cksum.c lib/drop.c lib/ipv4.c lib/icmp.c lib/icmp_host.c \
           lib/eth.c lib/arp.c lib/eth_host.c lib/udp.c lib/tcp.c lib/pcap.c lib/dev.c lib/opts.c \
           lib/trace.c lib/run.c lib/reasm.c lib/frag.c lib/ip_host.c lib/udp_host.c \
           lib/siphash.c lib/random.c lib/ping.c lib/fault.c lib/vnet.c lib/uring.c

# One program per rung: its folder, its source, its binary.
PROGS    := tun_echo icmp_reply tap_arp udp_echo tcp_mini
BINS     := $(foreach p,$(PROGS),$(p)/$(p))
SAN_BINS := $(foreach p,$(PROGS),build/san/$(p)/$(p))
# Rung 5 is more than one file: its protocol logic, by RFC 9293 section.
TCP_MINI_SRC := tcp_mini/conn.c tcp_mini/input.c tcp_mini/output.c \
                tcp_mini/apps.c tcp_mini/ring.c tcp_mini/ooo.c tcp_mini/cc.c \
                tcp_mini/cc_cubic.c tcp_mini/syncookie.c tcp_mini/sack.c tcp_mini/cclog.c tcp_mini/ack.c \
                tcp_mini/icmp_err.c tcp_mini/client.c tcp_mini/gso.c

UNIT_SRC := tests/unit/unit.c tests/unit/test_cksum.c tests/unit/test_ipv4.c \
            tests/unit/test_icmp.c tests/unit/test_pcap.c tests/unit/test_cores.c \
            tests/unit/test_arp.c tests/unit/test_udp.c tests/unit/test_frag.c \
            tests/unit/test_tcp.c tests/unit/test_tcp_mini.c tests/unit/test_siphash.c \
            tests/unit/test_ping.c tests/unit/test_cc.c tests/unit/test_syncookie.c \
            tests/unit/test_fault.c tests/unit/test_sack.c tests/unit/test_vnet.c
TOOLS    := build/tools/craft build/tools/udpcheck build/tools/tcprr build/tools/synflood build/tools/udpgso
BENCH_TOOL := tests/bench/echoload

LIB_OBJ     := $(LIB_SRC:%.c=build/obj/%.o)
LIB_SAN_OBJ := $(LIB_SRC:%.c=build/san/obj/%.o)
# Rung cores that live in their program's file, again without main(), for
# the unit tests.  (icmp_reply's core is lib/icmp_host.c.)
CORE_SRC    := tun_echo/tun_echo.c tap_arp/tap_arp.c udp_echo/udp_echo.c \
               tcp_mini/tcp_mini.c
CORE_OBJ    := $(CORE_SRC:%.c=build/obj/core/%.o) $(TCP_MINI_SRC:%.c=build/obj/%.o)
CORE_SAN_OBJ := $(CORE_SRC:%.c=build/san/obj/core/%.o) $(TCP_MINI_SRC:%.c=build/san/obj/%.o)
UNIT_OBJ     := $(UNIT_SRC:%.c=build/obj/%.o)
UNIT_SAN_OBJ := $(UNIT_SRC:%.c=build/san/obj/%.o)

.PHONY: all test demo bench bench-loss sanitize install clean unit tools fuzz fuzz-regress fuzz-seeds \
        start check mine-build FUZZ_ALWAYS
.DELETE_ON_ERROR:
# Keep intermediate objects (the sanitizer build's): faster rebuilds, and no
# "rm ..." printed after the test summary.
.SECONDARY:

all: $(BINS) tools/ladder

# --- plain build --------------------------------------------------------
build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

build/obj/core/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -DTUNLAB_NO_MAIN -c $< -o $@

$(BINS): %: build/obj/%.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
tcp_mini/tcp_mini: $(TCP_MINI_SRC:%.c=build/obj/%.o)

# A learner's tool: one TCP connection of a pcap file drawn as a ladder.
tools/ladder: build/obj/tools/ladder.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

build/unit: $(UNIT_OBJ) $(CORE_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# --- sanitizer build (ASan + UBSan): the tests run these too -----------
build/san/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

build/san/obj/core/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(SANFLAGS) $(DEPFLAGS) -DTUNLAB_NO_MAIN -c $< -o $@

build/san/%: build/san/obj/%.o $(LIB_SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^
build/san/tcp_mini/tcp_mini: $(TCP_MINI_SRC:%.c=build/san/obj/%.o)

build/san/unit: $(UNIT_SAN_OBJ) $(CORE_SAN_OBJ) $(LIB_SAN_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^

sanitize: $(SAN_BINS) build/san/unit

# --- lesson 01's counter-example ----------------------------------------
# make SHORTCUT=1 also builds tun_echo with the seed posts' one-line checksum
# shortcut (-DTUN_ECHO_SHORTCUT), under build/shortcut/ so that it never
# replaces the real one.  Lesson 01 and tests/01-tun-echo.bats catch it out.
SHORTCUT_BIN := build/shortcut/tun_echo/tun_echo
ifeq ($(SHORTCUT),1)
all: $(SHORTCUT_BIN)
endif

build/shortcut/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -DTUN_ECHO_SHORTCUT -c $< -o $@

$(SHORTCUT_BIN): build/shortcut/obj/tun_echo/tun_echo.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# --- test tools --------------------------------------------------------
build/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

$(BENCH_TOOL): tests/bench/echoload.c tests/bench/benchutil.c tests/bench/benchutil.h
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $(filter %.c,$^)

unit: build/unit
tools: $(TOOLS)

# --- the two commands of the README ------------------------------------
test: all sanitize build/unit tools $(SHORTCUT_BIN)
	bash tests/run.sh

demo: all
	bash tests/demo.sh

bench: all $(BENCH_TOOL)
	bash tests/bench/run.sh

# TCP on a lossy wire: tcp_mini against the kernel, loss in a bridge
bench-loss: all
	bash tests/bench/loss.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build $(BINS) tools/ladder $(BENCH_TOOL) tests/bench/udpload tests/bench/udpechod \
		tests/bench/tcpload tests/bench/tcpsrvd

# --- build it yourself (tests/build-it/README.md) -----------------------
#   make start RUNG=01      mine/01/: the files rung 1 teaches, with the
#                           lesson's parts cut out (FORCE=1: start over,
#                           keeping the old copy beside it)
#   make check RUNG=01      rung 1 built from mine/01/, graded by its tests
#   make check RUNG=05 STEP=2
#                           only the tests of step 2 of the lesson's "Build
#                           it yourself" (and what the earlier steps did
#                           when last checked)
#   make check              which rungs you have passed
start:
	@bash tests/build-it/start.sh $(RUNG)

# (Without RUNG it only reads mine/progress: nothing to build.)
# The project's own build comes first (the learner's links against it); its
# compiler lines are shown only if it fails, so that the scoreboard is what
# a learner reads.
check:
	@if [ -n "$(RUNG)" ]; then mkdir -p build && \
		$(MAKE) --no-print-directory all sanitize build/unit tools $(SHORTCUT_BIN) \
			>build/check-project.log 2>&1 || \
		{ cat build/check-project.log; echo "make check: the project itself did not build (above)"; exit 1; }; fi
	@bash tests/build-it/check.sh $(RUNG) $(if $(STEP),--step $(STEP))

# The learner's build, which tests/build-it/check.sh asks for: the program
# MINE_PROG, its unit tests and both with ASan+UBSan, under MINE_OUT, with
# each project file in MINE_FILES replaced by the file of that name in MINE.
# Every other object is the project's own.  A learner's file is compiled as
# if it were in the project file's folder (-I), so its #includes work as
# they are.
ifneq ($(MINE_PROG),)
MINE_OUT ?= build/mine
MINE_SRC := $(MINE_PROG)/$(MINE_PROG).c $(if $(filter tcp_mini,$(MINE_PROG)),$(TCP_MINI_SRC)) \
            $(LIB_SRC)
# mine_obj SRC, PREFIX (obj/, obj/core/, san/obj/, san/obj/core/)
mine_obj = $(if $(filter $(1),$(MINE_FILES)),$(MINE_OUT)/$(2)$(1:.c=.o),build/$(2)$(1:.c=.o))
mine_core = $(if $(filter $(1),$(CORE_SRC)),$(subst obj/,obj/core/,$(2)),$(2))
MINE_BIN     := $(MINE_OUT)/$(MINE_PROG)/$(MINE_PROG)
MINE_SAN_BIN := $(MINE_OUT)/san/$(MINE_PROG)/$(MINE_PROG)

$(MINE_BIN): $(foreach f,$(MINE_SRC),$(call mine_obj,$(f),obj/))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(MINE_SAN_BIN): $(foreach f,$(MINE_SRC),$(call mine_obj,$(f),san/obj/))
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^
$(MINE_OUT)/unit: $(UNIT_OBJ) $(foreach f,$(CORE_SRC) $(TCP_MINI_SRC) $(LIB_SRC),\
                  $(call mine_obj,$(f),$(call mine_core,$(f),obj/)))
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(MINE_OUT)/san/unit: $(UNIT_SAN_OBJ) $(foreach f,$(CORE_SRC) $(TCP_MINI_SRC) $(LIB_SRC),\
                      $(call mine_obj,$(f),$(call mine_core,$(f),san/obj/)))
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^

define MINE_RULES
$(MINE_OUT)/obj/$(1:.c=.o) $(MINE_OUT)/obj/core/$(1:.c=.o): $(MINE)/$(notdir $(1))
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(CFLAGS) $$(DEPFLAGS) -I$(dir $(1)) \
		$$(if $$(findstring /obj/core/,$$@),-DTUNLAB_NO_MAIN) -c $$< -o $$@
$(MINE_OUT)/san/obj/$(1:.c=.o) $(MINE_OUT)/san/obj/core/$(1:.c=.o): $(MINE)/$(notdir $(1))
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(SANFLAGS) $$(DEPFLAGS) -I$(dir $(1)) \
		$$(if $$(findstring /obj/core/,$$@),-DTUNLAB_NO_MAIN) -c $$< -o $$@
endef
$(foreach f,$(MINE_FILES),$(eval $(call MINE_RULES,$(f))))

mine-build: $(MINE_BIN) $(MINE_SAN_BIN) $(MINE_OUT)/unit $(MINE_OUT)/san/unit
endif

# --- fuzzing (clang + libFuzzer; see fuzz/README.md) --------------------
#   make fuzz               each target FUZZ_SECONDS (default 10), then a table
#   FUZZ_SECONDS=60 make -j2 fuzz        longer, two targets at a time
#   make fuzz-regress       only replay tests/fuzz-regressions/<target>/*
#   make fuzz-seeds         rewrite fuzz/corpus/ from tests/fixtures/
# Everything it builds and finds goes under build/fuzz/: the targets, a
# corpus that grows from run to run (rm -rf build/fuzz/corpus to start
# over), logs, and crashes/ (the inputs that crashed).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
FUZZ_MAX_LEN ?= 70000
FUZZ_TARGETS := ipv4 icmp eth arp udp tcp vnet reasm frag tun_echo icmp_reply tap_arp udp_echo tcp_mini
# Objects get coverage instrumentation (fuzzer-no-link); only the link adds
# libFuzzer's main(), which calls LLVMFuzzerTestOneInput().
FUZZFLAGS    := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
                -fsanitize=fuzzer-no-link,address,undefined
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_LOGS    := $(FUZZ_TARGETS:%=build/fuzz/logs/%.log)
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/fuzz/fuzz.o \
                $(CORE_SRC:%.c=build/fuzz/obj/core/%.o) \
                $(TCP_MINI_SRC:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZFLAGS) $(DEPFLAGS) -c $< -o $@

build/fuzz/obj/core/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZFLAGS) $(DEPFLAGS) -DTUNLAB_NO_MAIN -c $< -o $@

$(FUZZ_BINS): build/fuzz/fuzz_%: build/fuzz/obj/fuzz/fuzz_%.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $^

# clang and libFuzzer's runtime, installed if missing (fuzz/deps.sh).
build/fuzz/deps-ok:
	FUZZ_CC=$(FUZZ_CC) bash fuzz/deps.sh
	@mkdir -p $(@D) && touch $@
$(FUZZ_OBJ) $(FUZZ_TARGETS:%=build/fuzz/obj/fuzz/fuzz_%.o): | build/fuzz/deps-ok

# The seed writer is an ordinary program: the plain build's objects.
build/fuzz/seed: build/obj/fuzz/seed.o build/obj/fuzz/fuzz.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# (fuzz/corpus/vnet's seeds are made by hand: the header as the kernel
# writes it, in front of a frame; they stay.)
fuzz-seeds: build/fuzz/seed
	find fuzz/corpus -mindepth 1 -maxdepth 1 ! -name vnet -exec rm -rf {} +
	build/fuzz/seed tests/fixtures/tun-requests.pcap tests/fixtures/tap-frames.pcap fuzz/corpus

# One target's run: its saved regressions once each, then fuzzing from a
# copy of the seeds.  The log ends with both exit codes; the recipe itself
# never fails, so that every target runs and the table shows them all.
$(FUZZ_LOGS): build/fuzz/logs/%.log: build/fuzz/fuzz_% FUZZ_ALWAYS
	@mkdir -p build/fuzz/logs build/fuzz/crashes build/fuzz/corpus/$*
	@cp fuzz/corpus/$*/* build/fuzz/corpus/$*/
	@echo "fuzz_$*: running for $(FUZZ_SECONDS) s"
	@files=$$(find tests/fuzz-regressions/$* -type f 2>/dev/null | sort); \
	if [ -n "$$files" ]; then build/fuzz/fuzz_$* \
		-artifact_prefix=build/fuzz/crashes/$*-regress- $$files > $@ 2>&1; \
		echo "regress $$?" >> $@; else echo "regress none" > $@; fi
	@build/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
		-timeout=25 -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/$*- \
		build/fuzz/corpus/$* >> $@ 2>&1; echo "exit $$?" >> $@
	@$(call FUZZ_ROW,$*) $@

# No file has this name, so it is always out of date, and so is every log:
# each `make fuzz` runs every target again.
FUZZ_ALWAYS:

# One row of the table from a log: the result, libFuzzer's final counts
# (executions, edges covered, features, executions per second, corpus
# size) and the input that crashed, if one did.
FUZZ_ROW = awk -v t=$(1) ' \
	/^\#[0-9]+/ { for (i = 1; i < NF; i++) { \
		if ($$i == "cov:") cov = $$(i + 1); \
		if ($$i == "ft:") ft = $$(i + 1); \
		if ($$i == "corp:") corp = $$(i + 1) } } \
	/^stat::number_of_executed_units:/ { execs = $$2 } \
	/^stat::average_exec_per_sec:/ { rate = $$2 } \
	/Test unit written to/ { crash = $$NF } \
	/^regress / { regress = $$2 } \
	/^exit / { code = $$2 } \
	END { result = code == 0 ? "ok" : "CRASH"; \
		if (regress != "none" && regress != 0) result = "REGRESS+" result; \
		printf "%-16s %-13s %11s %6s %7s %8s %12s  %s\n", \
			"fuzz_" t, result, execs, cov, ft, rate, corp, crash }'

FUZZ_HEADER = printf "%-16s %-13s %11s %6s %7s %8s %12s  %s\n" \
	target result executions cov ft exec/s corpus crash

fuzz: $(FUZZ_LOGS)
	@echo
	@echo "fuzzing, $(FUZZ_SECONDS) s a target (logs in build/fuzz/logs/):"
	@$(FUZZ_HEADER)
	@for t in $(FUZZ_TARGETS); do $(call FUZZ_ROW,$$t) build/fuzz/logs/$$t.log; done
	@if grep -q -E '^(exit|regress) [1-9]' $(FUZZ_LOGS); then \
		echo "fuzz: FAILED: inputs that crash are in build/fuzz/crashes/;" \
		     "save each in tests/fuzz-regressions/<target>/"; exit 1; fi

fuzz-regress: $(FUZZ_BINS)
	@mkdir -p build/fuzz/logs build/fuzz/crashes
	@fail=0; for t in $(FUZZ_TARGETS); do \
		files=$$(find tests/fuzz-regressions/$$t -type f 2>/dev/null | sort); \
		[ -n "$$files" ] || continue; \
		if build/fuzz/fuzz_$$t -artifact_prefix=build/fuzz/crashes/$$t-regress- \
			$$files > build/fuzz/logs/regress-$$t.log 2>&1; then \
			echo "fuzz-regress fuzz_$$t: ok ($$(echo $$files | wc -w) inputs)"; \
		else \
			echo "fuzz-regress fuzz_$$t: FAILED (build/fuzz/logs/regress-$$t.log)"; \
			fail=1; \
		fi; \
	done; exit $$fail

-include $(shell find build -name '*.d' 2>/dev/null)
