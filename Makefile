# tunlab - one non-recursive Makefile for the whole ladder.
#
#   make            build every program (seconds; libc only)
#   make test       build, unit tests, bats scenarios (plain and sanitizer builds)
#   make demo       build, then run the ladder in a throwaway network namespace
#   make bench      measure the rungs against the kernel (root; namespaces)
#   make sanitize   the same programs with ASan + UBSan, under build/san/
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
           lib/eth.c lib/arp.c lib/eth_host.c lib/udp.c lib/pcap.c lib/dev.c lib/opts.c \
           lib/trace.c lib/run.c lib/reasm.c lib/frag.c

# One program per rung: its folder, its source, its binary.
PROGS    := tun_echo icmp_reply tap_arp udp_echo
BINS     := $(foreach p,$(PROGS),$(p)/$(p))
SAN_BINS := $(foreach p,$(PROGS),build/san/$(p)/$(p))

UNIT_SRC := tests/unit/unit.c tests/unit/test_cksum.c tests/unit/test_ipv4.c \
            tests/unit/test_icmp.c tests/unit/test_pcap.c tests/unit/test_cores.c \
            tests/unit/test_arp.c tests/unit/test_udp.c tests/unit/test_frag.c
TOOLS    := build/tools/craft build/tools/udpcheck
BENCH_TOOL := tests/bench/echoload

LIB_OBJ     := $(LIB_SRC:%.c=build/obj/%.o)
LIB_SAN_OBJ := $(LIB_SRC:%.c=build/san/obj/%.o)
# Rung cores that live in their program's file, again without main(), for
# the unit tests.  (icmp_reply's core is lib/icmp_host.c.)
CORE_SRC    := tun_echo/tun_echo.c tap_arp/tap_arp.c udp_echo/udp_echo.c
CORE_OBJ    := $(CORE_SRC:%.c=build/obj/core/%.o)
CORE_SAN_OBJ := $(CORE_SRC:%.c=build/san/obj/core/%.o)
UNIT_OBJ     := $(UNIT_SRC:%.c=build/obj/%.o)
UNIT_SAN_OBJ := $(UNIT_SRC:%.c=build/san/obj/%.o)

.PHONY: all test demo bench sanitize install clean unit tools
.DELETE_ON_ERROR:

all: $(BINS)

# --- plain build --------------------------------------------------------
build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

build/obj/core/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -DTUNLAB_NO_MAIN -c $< -o $@

$(BINS): %: build/obj/%.o $(LIB_OBJ)
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

build/san/unit: $(UNIT_SAN_OBJ) $(CORE_SAN_OBJ) $(LIB_SAN_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^

sanitize: $(SAN_BINS) build/san/unit

# --- test tools --------------------------------------------------------
build/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

$(BENCH_TOOL): tests/bench/echoload.c
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $<

unit: build/unit
tools: $(TOOLS)

# --- the two commands of the README ------------------------------------
test: all sanitize build/unit tools
	bash tests/run.sh

demo: all
	bash tests/demo.sh

bench: all $(BENCH_TOOL)
	bash tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build $(BINS) $(BENCH_TOOL)

-include $(shell find build -name '*.d' 2>/dev/null)
