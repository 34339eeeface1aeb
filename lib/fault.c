/*
 * fault.c - the bad wire of fault.h: loss, duplicates, reordering, delay
 * with jitter, and a bottleneck with a bounded queue.
 *
 * Every random choice comes from a seeded generator, never from the clock,
 * so that the same --seed makes the same choices: the k-th packet of a
 * direction is sent twice, held back or given a jitter in every run alike.
 * Only --loss draws from a generator both directions share, the one it
 * has always used, so that a captured run with --loss (the lessons have
 * some) loses the same packets as before this module existed.
 */
#include "fault.h"

#include <stdlib.h>
#include <string.h>

/* The timeline ring's size is a power of two, so an index wraps with a
 * mask rather than a division. */
#define LINE_MASK (FAULT_MAX_PKTS - 1)
_Static_assert((FAULT_MAX_PKTS & LINE_MASK) == 0, "FAULT_MAX_PKTS: a power of two");

/* xorshift64*: small, fast, and the same sequence for the same seed.  It
 * is the generator --loss has always used (it was in lib/run.c). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* True with probability pct percent.  The top 53 bits of a draw make a
 * double in [0, 1) exactly, with no rounding towards 1.  Nothing is drawn
 * for 0, so a fault that is off leaves the sequence alone. */
static bool chance(uint64_t *s, double pct)
{
	if (pct <= 0)
		return false;
	return (double)(rng_next(s) >> 11) * 0x1.0p-53 * 100.0 < pct;
}

/* A direction's seed from --seed: the two directions must not share a
 * sequence (or in and out would make the same choices packet for packet),
 * and xorshift must not start at 0, where it stays.  This mixing step is
 * SplitMix64's finaliser: nearby seeds give unrelated states. */
static uint64_t seed_mix(uint64_t seed, enum fault_way way)
{
	uint64_t x = seed * 2 + (uint64_t)way + 0x9e3779b97f4a7c15ull;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x ? x : 0x9e3779b97f4a7c15ull;
}

bool fault_cfg_queues(const struct fault_cfg *cfg)
{
	return cfg->reorder > 0 || cfg->delay_us || cfg->jitter_us || cfg->rate_mbit > 0;
}

bool fault_cfg_any(const struct fault_cfg *cfg)
{
	return cfg->loss > 0 || cfg->dup > 0 || fault_cfg_queues(cfg);
}

int fault_init(struct fault_dir *d, const struct fault_cfg *cfg, uint64_t seed,
	       enum fault_way way, uint64_t *loss_rng)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	if (d->cfg.queue == 0)
		d->cfg.queue = FAULT_QUEUE_DEFAULT;
	if (d->cfg.queue > FAULT_MAX_PKTS)
		d->cfg.queue = FAULT_MAX_PKTS;
	d->rng = seed_mix(seed, way);
	/* NULL: loss draws from this direction's own generator (the unit
	 * tests use one direction alone). */
	d->loss_rng = loss_rng ? loss_rng : &d->rng;
	if (!fault_cfg_queues(&d->cfg))
		return 0;	/* loss and dup decide at once: no copies */
	d->line = calloc(FAULT_MAX_PKTS, sizeof(*d->line));
	d->held = calloc(FAULT_MAX_PKTS, sizeof(*d->held));
	if (d->cfg.rate_mbit > 0)
		d->link = calloc(d->cfg.queue, sizeof(*d->link));
	if (!d->line || !d->held || (d->cfg.rate_mbit > 0 && !d->link)) {
		fault_free(d);
		return -1;
	}
	return 0;
}

void fault_free(struct fault_dir *d)
{
	size_t i;

	if (d->line)
		for (i = 0; i < d->count; i++)
			free(d->line[(d->head + i) & LINE_MASK]);
	for (i = 0; i < d->nheld; i++)
		free(d->held[i]);
	free(d->taken);
	free(d->line);
	free(d->held);
	free(d->link);
	d->line = d->held = NULL;
	d->link = NULL;
	d->taken = NULL;
	d->count = d->nheld = d->bytes = 0;
}

/* The timeline's i-th packet, from the head (the next due). */
static struct fault_pkt **slot(struct fault_dir *d, size_t i)
{
	return &d->line[(d->head + i) & LINE_MASK];
}

/* Which goes first: the one due first; of two due at once, the one that
 * came first, so that nothing is reordered but on purpose. */
static bool before(const struct fault_pkt *a, const struct fault_pkt *b)
{
	return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

/* Put p in its place on the timeline.  The search starts from the tail:
 * with a fixed delay every packet is due after the ones before it, so it
 * lands there at once; only jitter and held packets move further. */
static void line_insert(struct fault_dir *d, struct fault_pkt *p)
{
	size_t i = d->count;

	while (i > 0 && before(p, *slot(d, i - 1))) {
		*slot(d, i) = *slot(d, i - 1);
		i--;
	}
	*slot(d, i) = p;
	d->count++;
}

/* The bottleneck.  A packet of len bytes takes len*8/rate to go through a
 * link of rate Mbit/s (at 1 Mbit/s a bit takes 1 us, so 8000/rate ns a
 * byte), and it can start only when the one before it is through: so the
 * packets leave no faster than the rate, and a burst waits in a queue.
 * d->link holds when each packet still in the bottleneck will be out of it
 * (the one being sent counts too); with cfg.queue of them there, a new
 * one is dropped, a "tail drop", which is what tells a sender like TCP's
 * slow start that it sent too much.  False for a drop; else *leave_us is
 * when the packet is out, in whole microseconds, rounded up. */
static bool link_admit(struct fault_dir *d, uint64_t now_us, size_t len, uint64_t *leave_us)
{
	uint64_t now_ns = now_us * 1000, start, end;

	while (d->link_count && d->link[d->link_head] <= now_ns) {
		d->link_head = (d->link_head + 1) % d->cfg.queue;
		d->link_count--;
	}
	if (d->link_count >= d->cfg.queue)
		return false;
	start = d->link_free_ns > now_ns ? d->link_free_ns : now_ns;
	end = start + (uint64_t)((double)len * 8000.0 / d->cfg.rate_mbit + 0.5);
	d->link_free_ns = end;
	d->link[(d->link_head + d->link_count) % d->cfg.queue] = end;
	d->link_count++;
	*leave_us = (end + 999) / 1000;
	return true;
}

/* One copy onto the timeline, through the bottleneck and the delay. */
static void enqueue(struct fault_dir *d, const uint8_t *pkt, size_t len, uint64_t now_us)
{
	uint64_t leave_us = now_us, wait = d->cfg.delay_us;
	struct fault_pkt *p;
	bool hold;

	/* The choices first, whatever becomes of the copy, so that the k-th
	 * packet's fate depends on k and the seed, not on how full the
	 * queue happened to be. */
	hold = chance(&d->rng, d->cfg.reorder);
	if (d->cfg.jitter_us) {
		/* Uniform in [-jitter, +jitter], in whole microseconds; a
		 * latency never goes below 0. */
		uint64_t k = rng_next(&d->rng) % (2 * d->cfg.jitter_us + 1);

		wait = wait + k >= d->cfg.jitter_us ? wait + k - d->cfg.jitter_us : 0;
	}

	if (d->count + d->nheld >= FAULT_MAX_PKTS || len > FAULT_MAX_BYTES ||
	    d->bytes + len > FAULT_MAX_BYTES || !(p = malloc(sizeof(*p) + len))) {
		d->n.overflow++;
		return;
	}
	if (d->cfg.rate_mbit > 0 && !link_admit(d, now_us, len, &leave_us)) {
		free(p);
		d->n.queue_drop++;
		return;
	}
	if (wait)
		d->n.delayed++;
	if (hold)
		d->n.reordered++;
	p->due_us = leave_us + wait;
	p->seq = d->seq++;
	p->len = (uint32_t)len;
	p->passed = 0;
	p->hold = hold;
	memcpy(p->data, pkt, len);
	d->bytes += len;
	line_insert(d, p);
}

unsigned fault_push(struct fault_dir *d, const uint8_t *pkt, size_t len, uint64_t now_us)
{
	unsigned copies = 1, i;

	if (chance(d->loss_rng, d->cfg.loss)) {
		d->n.loss++;
		return 0;
	}
	if (chance(&d->rng, d->cfg.dup)) {
		d->n.dup++;
		copies = 2;
	}
	if (!d->line)
		return copies;	/* no timeline: the caller passes it on */
	for (i = 0; i < copies; i++)
		enqueue(d, pkt, len, now_us);
	return 0;
}

/* The held packet that is due first (its wait is over first), or -1. */
static long held_first(const struct fault_dir *d)
{
	long best = -1;
	size_t i;

	for (i = 0; i < d->nheld; i++)
		if (best < 0 || before(d->held[i], d->held[best]))
			best = (long)i;
	return best;
}

static void held_remove(struct fault_dir *d, size_t i)
{
	memmove(&d->held[i], &d->held[i + 1], (d->nheld - i - 1) * sizeof(*d->held));
	d->nheld--;
}

uint64_t fault_next_due(const struct fault_dir *d)
{
	uint64_t due = FAULT_NONE;
	long h = held_first(d);

	if (d->count)
		due = d->line[d->head & LINE_MASK]->due_us;
	if (h >= 0 && d->held[h]->due_us < due)
		due = d->held[h]->due_us;
	return due;
}

/* p is leaving.  Every held packet that came before it has now been
 * passed once more; one passed FAULT_REORDER_PASS times goes back on the
 * timeline, due when p was, so that it leaves right behind it. */
static void count_passing(struct fault_dir *d, const struct fault_pkt *p)
{
	size_t i = 0;

	while (i < d->nheld) {
		struct fault_pkt *h = d->held[i];

		if (h->seq < p->seq && ++h->passed >= FAULT_REORDER_PASS) {
			held_remove(d, i);
			h->due_us = p->due_us;
			line_insert(d, h);
			continue;
		}
		i++;
	}
}

uint8_t *fault_pop_due(struct fault_dir *d, uint64_t now_us, size_t *len)
{
	if (!d->line)
		return NULL;	/* no timeline: nothing ever waits */
	free(d->taken);
	d->taken = NULL;
	for (;;) {
		struct fault_pkt *line = d->count ? *slot(d, 0) : NULL, *p;
		long h = held_first(d);

		if (line && line->due_us > now_us)
			line = NULL;
		if (h >= 0 && d->held[h]->due_us > now_us)
			h = -1;
		if (!line && h < 0)
			return NULL;
		if (line && (h < 0 || before(line, d->held[h]))) {
			p = line;
			d->head = (d->head + 1) & LINE_MASK;
			d->count--;
			if (p->hold) {
				/* Its time has come, and --reorder picked it:
				 * it waits aside instead, for the next ones to
				 * pass it, or for the wait to end. */
				p->hold = false;
				p->passed = 0;
				p->due_us += FAULT_REORDER_WAIT_US;
				d->held[d->nheld++] = p;
				continue;
			}
		} else {
			p = d->held[h];		/* waited long enough */
			held_remove(d, (size_t)h);
		}
		count_passing(d, p);
		d->bytes -= p->len;
		d->taken = p;
		*len = p->len;
		return p->data;
	}
}

size_t fault_in_flight(const struct fault_dir *d)
{
	return d->count + d->nheld;
}
