/*
 * unit.h - a very small test harness.  Each test is a function; CHECK records
 * a failure with its line and goes on, so one run shows every failure.
 * main() (unit.c) prints "ok N name" / "not ok N name" per test and a closing
 * "N passed, N failed" line.
 */
#ifndef TUNLAB_UNIT_H
#define TUNLAB_UNIT_H

#include <stdio.h>

extern int unit_failed_checks;

#define CHECK(cond) do { \
	if (!(cond)) { \
		unit_failed_checks++; \
		fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		unit_failed_checks++; \
		fprintf(stderr, "  %s:%d: CHECK_EQ(%s, %s) failed: %lld != %lld\n", \
			__FILE__, __LINE__, #a, #b, a_, b_); \
	} \
} while (0)

/* The same, but the rest of the test depends on it: return at once, rather
 * than go on to read what was never written (a learner's stub, say). */
#define REQUIRE(cond) do { \
	int n_ = unit_failed_checks; \
	CHECK(cond); \
	if (unit_failed_checks != n_) \
		return; \
} while (0)

#define REQUIRE_EQ(a, b) do { \
	int n_ = unit_failed_checks; \
	CHECK_EQ(a, b); \
	if (unit_failed_checks != n_) \
		return; \
} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* Each test file defines one of these tables, ended by { NULL, NULL }. */
extern const struct unit_test cksum_tests[], ipv4_tests[], icmp_tests[],
	pcap_tests[], core_tests[], arp_tests[], udp_tests[], frag_tests[],
	tcp_tests[], tcp_mini_tests[], siphash_tests[], ping_tests[], cc_tests[],
	syncookie_tests[], fault_tests[], sack_tests[], vnet_tests[];

#endif
