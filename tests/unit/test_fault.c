/*
 * test_fault.c - the bad wire of lib/fault.c, packet by packet, with the
 * clock in the test's hands: what is dropped, copied, held back, delayed
 * and queued, how often, exactly when, and that it repeats with the seed.
 */
#include <stdlib.h>
#include <string.h>

#include "../../lib/fault.h"
#include "unit.h"

#define N_MANY 10000

/* A packet of len bytes (at least 4) that says which one it is. */
static const uint8_t *pkt_of(uint32_t id, size_t len)
{
	static uint8_t buf[65536];

	memset(buf, 0xa5, len);
	memcpy(buf, &id, sizeof(id));
	return buf;
}

static uint32_t id_of(const uint8_t *pkt)
{
	uint32_t id;

	memcpy(&id, pkt, sizeof(id));
	return id;
}

/* Take every packet due up to until, each at the time it is due; their
 * ids in ids[], those times in at[] (either may be NULL).  Returns how
 * many. */
static size_t drain(struct fault_dir *d, uint64_t until, uint32_t *ids, uint64_t *at,
		    size_t max)
{
	size_t n = 0, len;
	uint64_t due;
	const uint8_t *p;

	while ((due = fault_next_due(d)) != FAULT_NONE && due <= until) {
		while ((p = fault_pop_due(d, due, &len))) {
			if (n < max) {
				if (ids)
					ids[n] = id_of(p);
				if (at)
					at[n] = due;
			}
			n++;
		}
	}
	return n;
}

/* n packets of len bytes, one every gap us from time 0, each taken out
 * when due, as the loop does; then the rest.  Their ids and times out in
 * ids[] and at[] (either may be NULL); returns how many came out. */
static size_t flow(struct fault_dir *d, uint32_t n, uint64_t gap, size_t len,
		   uint32_t *ids, uint64_t *at, size_t max)
{
	size_t out = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		out += drain(d, i * gap, ids ? ids + out : NULL, at ? at + out : NULL,
			     max > out ? max - out : 0);
		fault_push(d, pkt_of(i, len), len, i * gap);
	}
	return out + drain(d, UINT64_MAX - 1, ids ? ids + out : NULL, at ? at + out : NULL,
			   max > out ? max - out : 0);
}

/* The generator and the test --loss always used (lib/run.c before
 * lib/fault.c), written out again here to hold the module to them. */
static bool old_lose(uint64_t *s, double loss)
{
	if (loss <= 0)
		return false;
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53 * 100.0 < loss;
}

static void test_off(void)
{
	struct fault_cfg cfg = { 0 };
	struct fault_dir d;
	uint64_t shared = 1, before;
	size_t len;
	uint32_t i;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_IN, &shared), 0);
	CHECK(!fault_cfg_any(&cfg));
	CHECK(d.line == NULL);		/* no timeline: no memory, no copies */
	before = d.rng;
	for (i = 0; i < 1000; i++)
		CHECK_EQ(fault_push(&d, pkt_of(i, 60), 60, i), 1);
	CHECK_EQ(shared, 1);		/* nothing drawn */
	CHECK(d.rng == before);
	CHECK(fault_next_due(&d) == FAULT_NONE);
	CHECK(fault_pop_due(&d, 1000, &len) == NULL);
	CHECK_EQ(fault_in_flight(&d), 0);
	fault_free(&d);
}

static void test_loss_rate_and_order(void)
{
	struct fault_cfg cfg = { .loss = 10 };
	struct fault_dir in, out;
	uint64_t shared = 7, ref = 7;
	unsigned lost = 0, i;

	REQUIRE_EQ(fault_init(&in, &cfg, 7, FAULT_IN, &shared), 0);
	REQUIRE_EQ(fault_init(&out, &cfg, 7, FAULT_OUT, &shared), 0);
	/* Both directions draw from the one generator, in the order the
	 * packets come: the decisions are exactly the old ones. */
	for (i = 0; i < N_MANY; i++) {
		struct fault_dir *d = i % 3 ? &in : &out;
		unsigned copies = fault_push(d, pkt_of(i, 60), 60, i);
		bool gone = old_lose(&ref, 10);

		CHECK_EQ(copies, gone ? 0 : 1);
		lost += gone;
	}
	CHECK_EQ(in.n.loss + out.n.loss, lost);
	printf("  loss 10%%: %u of %u\n", lost, N_MANY);
	CHECK(lost >= 900 && lost <= 1100);
	CHECK(in.line == NULL && out.line == NULL);
	fault_free(&in);
	fault_free(&out);
}

static void test_loss_100_and_0(void)
{
	struct fault_cfg all = { .loss = 100 }, none = { .loss = 0 };
	struct fault_dir d, e;
	uint64_t shared = 3;
	unsigned i;

	REQUIRE_EQ(fault_init(&d, &all, 3, FAULT_IN, &shared), 0);
	REQUIRE_EQ(fault_init(&e, &none, 3, FAULT_OUT, &shared), 0);
	for (i = 0; i < 1000; i++) {
		CHECK_EQ(fault_push(&d, pkt_of(i, 60), 60, 0), 0);
		CHECK_EQ(fault_push(&e, pkt_of(i, 60), 60, 0), 1);
	}
	CHECK_EQ(d.n.loss, 1000);
	CHECK_EQ(e.n.loss, 0);
	fault_free(&d);
	fault_free(&e);
}

static void test_dup_rate(void)
{
	struct fault_cfg cfg = { .dup = 10 };
	struct fault_dir d;
	unsigned twice = 0, i;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	CHECK(d.line == NULL);		/* dup needs no copies either */
	for (i = 0; i < N_MANY; i++) {
		unsigned copies = fault_push(&d, pkt_of(i, 60), 60, 0);

		CHECK(copies == 1 || copies == 2);
		twice += copies == 2;
	}
	printf("  dup 10%%: %u of %u\n", twice, N_MANY);
	CHECK_EQ(d.n.dup, twice);
	CHECK(twice >= 900 && twice <= 1100);
	fault_free(&d);
}

static void test_dup_with_timeline(void)
{
	struct fault_cfg cfg = { .dup = 100, .delay_us = 5000 };
	struct fault_dir d;
	uint32_t ids[8];
	uint64_t at[8];

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_IN, NULL), 0);
	CHECK_EQ(fault_push(&d, pkt_of(1, 100), 100, 1000), 0);
	CHECK_EQ(fault_push(&d, pkt_of(2, 100), 100, 1100), 0);
	CHECK_EQ(fault_in_flight(&d), 4);
	REQUIRE_EQ(drain(&d, UINT64_MAX - 1, ids, at, 8), 4);
	CHECK_EQ(ids[0], 1);
	CHECK_EQ(ids[1], 1);
	CHECK_EQ(ids[2], 2);
	CHECK_EQ(ids[3], 2);
	CHECK_EQ(at[0], 6000);
	CHECK_EQ(at[3], 6100);
	CHECK_EQ(d.n.dup, 2);
	CHECK_EQ(d.n.delayed, 4);
	fault_free(&d);
}

static void test_reorder_after_three(void)
{
	struct fault_cfg cfg = { .reorder = 100 };
	struct fault_dir d;
	uint32_t ids[8], i;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	/* Packet 1 is picked; then no more are (the test turns it off). */
	fault_push(&d, pkt_of(1, 60), 60, 100);
	d.cfg.reorder = 0;
	for (i = 2; i <= 6; i++)
		fault_push(&d, pkt_of(i, 60), 60, 100 + i);
	CHECK_EQ(d.n.reordered, 1);
	/* Everything is due at once: 2, 3, 4 pass it, then 1, then 5, 6. */
	REQUIRE_EQ(drain(&d, 200, ids, NULL, 8), 6);
	CHECK_EQ(ids[0], 2);
	CHECK_EQ(ids[1], 3);
	CHECK_EQ(ids[2], 4);
	CHECK_EQ(ids[3], 1);
	CHECK_EQ(ids[4], 5);
	CHECK_EQ(ids[5], 6);
	CHECK_EQ(fault_in_flight(&d), 0);
	fault_free(&d);
}

static void test_reorder_pass_one_by_one(void)
{
	struct fault_cfg cfg = { .reorder = 100 };
	struct fault_dir d;
	const uint8_t *p;
	size_t len;

	/* The later packets come one at a time, 1 ms apart, each taken when
	 * it comes: the held one leaves right after the third. */
	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_IN, NULL), 0);
	fault_push(&d, pkt_of(1, 60), 60, 0);
	d.cfg.reorder = 0;
	CHECK(fault_pop_due(&d, 0, &len) == NULL);
	fault_push(&d, pkt_of(2, 60), 60, 1000);
	p = fault_pop_due(&d, 1000, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 2);
	CHECK(fault_pop_due(&d, 1000, &len) == NULL);
	fault_push(&d, pkt_of(3, 60), 60, 2000);
	p = fault_pop_due(&d, 2000, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 3);
	CHECK(fault_pop_due(&d, 2000, &len) == NULL);
	fault_push(&d, pkt_of(4, 60), 60, 3000);
	p = fault_pop_due(&d, 3000, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 4);
	p = fault_pop_due(&d, 3000, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 1);
	CHECK_EQ(len, 60);
	CHECK(fault_pop_due(&d, 3000, &len) == NULL);
	fault_free(&d);
}

static void test_reorder_timeout(void)
{
	struct fault_cfg cfg = { .reorder = 100 };
	struct fault_dir d;
	const uint8_t *p;
	size_t len;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	fault_push(&d, pkt_of(9, 60), 60, 5000);
	CHECK(fault_pop_due(&d, 5000, &len) == NULL);	/* held aside */
	CHECK_EQ(fault_next_due(&d), 5000 + FAULT_REORDER_WAIT_US);
	CHECK(fault_pop_due(&d, 5000 + FAULT_REORDER_WAIT_US - 1, &len) == NULL);
	p = fault_pop_due(&d, 5000 + FAULT_REORDER_WAIT_US, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 9);
	CHECK(fault_next_due(&d) == FAULT_NONE);
	fault_free(&d);
}

static void test_reorder_rate(void)
{
	struct fault_cfg cfg = { .reorder = 20 };
	struct fault_dir d;
	static uint32_t ids[N_MANY];
	static bool seen[N_MANY];
	unsigned late = 0, i;
	size_t n;

	REQUIRE_EQ(fault_init(&d, &cfg, 5, FAULT_IN, NULL), 0);
	n = flow(&d, N_MANY, 100, 60, ids, NULL, N_MANY);
	REQUIRE_EQ(n, N_MANY);
	for (i = 0; i < N_MANY; i++) {
		CHECK(!seen[ids[i]]);
		seen[ids[i]] = true;
		if (i > 0 && ids[i] < ids[i - 1])
			late++;
	}
	printf("  reorder 20%%: %llu held, %u arrived behind a later one\n",
	       (unsigned long long)d.n.reordered, late);
	CHECK(d.n.reordered >= 1800 && d.n.reordered <= 2200);
	CHECK(late > 1000);
	fault_free(&d);
}

static void test_delay_exact(void)
{
	struct fault_cfg cfg = { .delay_us = 20000 };
	struct fault_dir d;
	const uint8_t *p;
	size_t len;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	fault_push(&d, pkt_of(1, 100), 100, 1000);
	fault_push(&d, pkt_of(2, 100), 100, 1500);
	CHECK_EQ(fault_next_due(&d), 21000);
	CHECK(fault_pop_due(&d, 20999, &len) == NULL);
	p = fault_pop_due(&d, 21000, &len);
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 1);
	CHECK_EQ(len, 100);
	CHECK(fault_pop_due(&d, 21000, &len) == NULL);
	CHECK_EQ(fault_next_due(&d), 21500);
	p = fault_pop_due(&d, 30000, &len);	/* late: it goes, at once */
	REQUIRE(p != NULL);
	CHECK_EQ(id_of(p), 2);
	CHECK_EQ(d.n.delayed, 2);
	fault_free(&d);
}

/* Latencies of N_MANY packets 100 us apart through cfg, into lat[]; and
 * how many arrived behind one sent after them. */
static unsigned latencies(const struct fault_cfg *cfg, uint64_t *lat)
{
	static uint32_t ids[N_MANY];
	static uint64_t at[N_MANY];
	struct fault_dir d;
	unsigned late = 0, i;

	if (fault_init(&d, cfg, 11, FAULT_IN, NULL) < 0)
		return 0;
	CHECK_EQ(flow(&d, N_MANY, 100, 60, ids, at, N_MANY), N_MANY);
	for (i = 0; i < N_MANY; i++) {
		lat[ids[i]] = at[i] - (uint64_t)ids[i] * 100;
		if (i > 0 && ids[i] < ids[i - 1])
			late++;
	}
	fault_free(&d);
	return late;
}

static void test_delay_jitter_bounds(void)
{
	struct fault_cfg cfg = { .delay_us = 20000, .jitter_us = 5000 };
	static uint64_t lat[N_MANY];
	uint64_t lo = UINT64_MAX, hi = 0, sum = 0;
	unsigned late, i;

	late = latencies(&cfg, lat);
	for (i = 0; i < N_MANY; i++) {
		lo = lat[i] < lo ? lat[i] : lo;
		hi = lat[i] > hi ? lat[i] : hi;
		sum += lat[i];
	}
	printf("  delay 20+-5 ms: min %llu max %llu mean %llu us, %u behind\n",
	       (unsigned long long)lo, (unsigned long long)hi,
	       (unsigned long long)(sum / N_MANY), late);
	CHECK(lo >= 15000 && lo < 15100);	/* the whole range is used */
	CHECK(hi <= 25000 && hi > 24900);
	CHECK(sum / N_MANY > 19800 && sum / N_MANY < 20200);
	CHECK(late > 0);	/* jitter of 10 ms on packets 0.1 ms apart */
}

static void test_delay_never_negative(void)
{
	struct fault_cfg cfg = { .delay_us = 1000, .jitter_us = 5000 };
	static uint64_t lat[N_MANY];
	unsigned zero = 0, i;

	latencies(&cfg, lat);
	for (i = 0; i < N_MANY; i++) {
		CHECK(lat[i] <= 6000);
		zero += lat[i] == 0;
	}
	/* Draws below -1 ms are clamped to 0: about 4 in 10. */
	printf("  delay 1+-5 ms: %u of %u at 0\n", zero, N_MANY);
	CHECK(zero > 3500 && zero < 4500);
}

static void test_rate_spacing(void)
{
	struct fault_cfg cfg = { .rate_mbit = 10, .queue = 100 };
	static uint64_t at[16];
	struct fault_dir d;
	uint32_t ids[16], i;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	/* 1250 bytes are 10000 bits: 1 ms each at 10 Mbit/s.  A burst of
	 * ten at t=0 leaves one per millisecond. */
	for (i = 0; i < 10; i++)
		fault_push(&d, pkt_of(i, 1250), 1250, 0);
	REQUIRE_EQ(drain(&d, 100000, ids, at, 16), 10);
	for (i = 0; i < 10; i++) {
		CHECK_EQ(ids[i], i);
		CHECK_EQ(at[i], (i + 1) * 1000);
	}
	/* An idle link: a 125-byte packet takes 100 us from when it comes. */
	fault_push(&d, pkt_of(20, 125), 125, 500000);
	REQUIRE_EQ(drain(&d, 1000000, ids, at, 16), 1);
	CHECK_EQ(at[0], 500100);
	/* Sizes add up: 1250, 125, 2500 bytes queued at once. */
	fault_push(&d, pkt_of(21, 1250), 1250, 600000);
	fault_push(&d, pkt_of(22, 125), 125, 600000);
	fault_push(&d, pkt_of(23, 2500), 2500, 600000);
	REQUIRE_EQ(drain(&d, 1000000, ids, at, 16), 3);
	CHECK_EQ(at[0], 601000);
	CHECK_EQ(at[1], 601100);
	CHECK_EQ(at[2], 603100);
	CHECK_EQ(d.n.queue_drop, 0);
	CHECK_EQ(d.n.delayed, 0);	/* queueing is not --delay */
	fault_free(&d);
}

static void test_rate_tail_drop(void)
{
	struct fault_cfg cfg = { .rate_mbit = 10, .queue = 20 };
	static uint64_t at[64];
	struct fault_dir d;
	uint32_t ids[64], i;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_IN, NULL), 0);
	for (i = 0; i < 30; i++)
		fault_push(&d, pkt_of(i, 1250), 1250, 0);
	CHECK_EQ(d.n.queue_drop, 10);
	CHECK_EQ(fault_in_flight(&d), 20);
	/* After 5 ms, 5 have left the bottleneck: room for 5 more, not 6. */
	for (i = 30; i < 36; i++)
		fault_push(&d, pkt_of(i, 1250), 1250, 5000);
	CHECK_EQ(d.n.queue_drop, 11);
	REQUIRE_EQ(drain(&d, 1000000, ids, at, 64), 25);
	for (i = 0; i < 20; i++)
		CHECK_EQ(ids[i], i);		/* the first 20, in order */
	for (i = 20; i < 25; i++)
		CHECK_EQ(ids[i], i + 10);	/* then 30..34 */
	CHECK_EQ(at[24], 25000);
	fault_free(&d);
}

static void test_rate_and_delay(void)
{
	struct fault_cfg cfg = { .rate_mbit = 100, .delay_us = 10000 };
	struct fault_dir d;
	uint64_t at[4];

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_OUT, NULL), 0);
	/* 1500 bytes at 100 Mbit/s: 120 us on the link, then 10 ms. */
	fault_push(&d, pkt_of(1, 1500), 1500, 0);
	fault_push(&d, pkt_of(2, 1500), 1500, 0);
	REQUIRE_EQ(drain(&d, 1000000, NULL, at, 4), 2);
	CHECK_EQ(at[0], 10120);
	CHECK_EQ(at[1], 10240);
	fault_free(&d);
}

/* Everything at once, the trace of what came out when (id << 32 | time
 * since the start, the low bits), for the same-seed test. */
static size_t mixed_run(uint64_t seed, uint64_t *trace, size_t max)
{
	struct fault_cfg cfg = { .loss = 5, .dup = 5, .reorder = 10, .delay_us = 3000,
				 .jitter_us = 1000, .rate_mbit = 50, .queue = 30 };
	static uint32_t ids[4000];
	static uint64_t at[4000];
	struct fault_dir d;
	uint64_t shared = seed ? seed : 1;
	size_t n, i;

	if (fault_init(&d, &cfg, seed, FAULT_OUT, &shared) < 0)
		return 0;
	n = flow(&d, 2000, 150, 700, ids, at, 4000);
	for (i = 0; i < n && i < max; i++)
		trace[i] = (uint64_t)ids[i] << 32 | (at[i] & 0xffffffffu);
	CHECK_EQ(n + d.n.loss + d.n.queue_drop + d.n.overflow, 2000 + d.n.dup);
	fault_free(&d);
	return n;
}

static void test_same_seed(void)
{
	static uint64_t a[4000], b[4000], c[4000];
	size_t na, nb, nc;

	na = mixed_run(42, a, 4000);
	nb = mixed_run(42, b, 4000);
	nc = mixed_run(43, c, 4000);
	REQUIRE(na > 1000);
	CHECK_EQ(na, nb);
	CHECK(memcmp(a, b, na * sizeof(a[0])) == 0);
	CHECK(na != nc || memcmp(a, c, na * sizeof(a[0])) != 0);
}

static void test_directions_differ(void)
{
	struct fault_cfg cfg = { .dup = 50 };
	struct fault_dir in, out;
	unsigned same = 0, i;

	/* One seed, two directions: not the same choices packet for packet. */
	REQUIRE_EQ(fault_init(&in, &cfg, 1, FAULT_IN, NULL), 0);
	REQUIRE_EQ(fault_init(&out, &cfg, 1, FAULT_OUT, NULL), 0);
	for (i = 0; i < 1000; i++)
		same += fault_push(&in, pkt_of(i, 60), 60, 0) == fault_push(&out, pkt_of(i, 60), 60, 0);
	CHECK(same < 700);
	fault_free(&in);
	fault_free(&out);
}

static void test_memory_bound(void)
{
	struct fault_cfg cfg = { .delay_us = 1000000 };
	struct fault_dir d;
	uint32_t i;
	size_t n;

	REQUIRE_EQ(fault_init(&d, &cfg, 1, FAULT_IN, NULL), 0);
	for (i = 0; i < FAULT_MAX_PKTS + 1000; i++)
		fault_push(&d, pkt_of(i, 64), 64, i);
	CHECK_EQ(fault_in_flight(&d), FAULT_MAX_PKTS);
	CHECK_EQ(d.n.overflow, 1000);
	n = drain(&d, UINT64_MAX - 1, NULL, NULL, 0);
	CHECK_EQ(n, FAULT_MAX_PKTS);
	CHECK_EQ(d.bytes, 0);

	/* Bytes: 16 MB of 65000-byte packets is 258 of them. */
	for (i = 0; i < 300; i++)
		fault_push(&d, pkt_of(i, 65000), 65000, 2000000);
	CHECK_EQ(fault_in_flight(&d), FAULT_MAX_BYTES / 65000);
	CHECK(d.bytes <= FAULT_MAX_BYTES);
	CHECK_EQ(d.n.overflow, 1000 + 300 - FAULT_MAX_BYTES / 65000);
	fault_free(&d);		/* with packets in flight: ASan sees no leak */
	CHECK_EQ(fault_in_flight(&d), 0);
}

static void test_conservation(void)
{
	struct fault_cfg cfg = { .dup = 10, .reorder = 30, .delay_us = 2000,
				 .jitter_us = 2000, .rate_mbit = 20, .queue = 50 };
	static uint32_t ids[3 * N_MANY];
	static unsigned times[N_MANY];
	struct fault_dir d;
	size_t n, i;
	unsigned twice = 0;

	REQUIRE_EQ(fault_init(&d, &cfg, 9, FAULT_OUT, NULL), 0);
	n = flow(&d, N_MANY, 200, 500, ids, NULL, 3 * N_MANY);
	CHECK_EQ(n + d.n.queue_drop + d.n.overflow, N_MANY + d.n.dup);
	for (i = 0; i < n && i < 3 * N_MANY; i++)
		times[ids[i]]++;
	for (i = 0; i < N_MANY; i++) {
		CHECK(times[i] <= 2);
		twice += times[i] == 2;
	}
	CHECK(twice > 0);
	CHECK_EQ(fault_in_flight(&d), 0);
	CHECK_EQ(d.bytes, 0);
	fault_free(&d);
}

static void test_cfg(void)
{
	struct fault_cfg none = { 0 }, loss = { .loss = 1 }, dup = { .dup = 1 };
	struct fault_cfg rate = { .rate_mbit = 1 }, jit = { .jitter_us = 1 };

	CHECK(!fault_cfg_any(&none));
	CHECK(fault_cfg_any(&loss) && !fault_cfg_queues(&loss));
	CHECK(fault_cfg_any(&dup) && !fault_cfg_queues(&dup));
	CHECK(fault_cfg_queues(&rate));
	CHECK(fault_cfg_queues(&jit));
}

const struct unit_test fault_tests[] = {
	{ "fault: no options: every packet passes at once, nothing drawn or copied", test_off },
	{ "fault: --loss 10 drops about 10% of 10000, exactly as --loss always drew", test_loss_rate_and_order },
	{ "fault: --loss 100 drops all, --loss 0 none", test_loss_100_and_0 },
	{ "fault: --dup 10 sends about 10% of 10000 twice, with no copies kept", test_dup_rate },
	{ "fault: --dup with a timeline: both copies come out, in order", test_dup_with_timeline },
	{ "fault: --reorder: a held packet leaves right after the next 3", test_reorder_after_three },
	{ "fault: --reorder: packets coming one by one pass a held one, 3 then it", test_reorder_pass_one_by_one },
	{ "fault: --reorder: a held packet with none behind it leaves after 10 ms", test_reorder_timeout },
	{ "fault: --reorder 20 holds about 20% of 10000, each delivered once", test_reorder_rate },
	{ "fault: --delay 20 releases each packet at exactly +20 ms", test_delay_exact },
	{ "fault: --delay 20+-5: latencies within 15..25 ms, mean 20, jitter reorders", test_delay_jitter_bounds },
	{ "fault: --delay 1+-5: jitter never makes a latency negative", test_delay_never_negative },
	{ "fault: --rate 10 spaces packets by their serialisation time", test_rate_spacing },
	{ "fault: --rate 10 --queue 20: a burst of 30 keeps 20, tail-drops 10", test_rate_tail_drop },
	{ "fault: --rate 100 with --delay 10: the link first, then the delay", test_rate_and_delay },
	{ "fault: the same seed gives the same faults, another seed others", test_same_seed },
	{ "fault: the two directions of one seed make different choices", test_directions_differ },
	{ "fault: memory is bounded: 4096 packets or 16 MB, the rest counted", test_memory_bound },
	{ "fault: everything at once: each packet out once (twice if duped), none left", test_conservation },
	{ "fault: which options need the timeline", test_cfg },
	{ NULL, NULL },
};
