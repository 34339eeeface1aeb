/*
 * reasm.c - IPv4 reassembly: RFC 791 3.2's bit table, with the overlap rule
 * of RFC 5722 and Linux.
 *
 * Each fragment in goes through three steps, in this order:
 *   1. its place: length and offset consistent with themselves and with
 *      the fragments held (check_place);
 *   2. overlap: new bytes, an exact duplicate, or a conflicting overlap
 *      (check_overlap);
 *   3. stored; if that filled the last hole, the datagram is written out.
 * A failed step drops the whole datagram, except a duplicate, which is
 * harmless and dropped alone.
 *
 * Why overlaps drop everything.  RFC 791 lets a later fragment simply
 * overwrite bytes an earlier one brought.  Attackers used that: a firewall
 * checks the TCP header in the first fragment, then a second fragment that
 * overlaps it rewrites the header behind the firewall (RFC 1858 section 4,
 * "Overlapping Fragment Attack"); overlapping pieces made reassemblers
 * compute a negative length and crash ("teardrop", 1997).  RFC 5722 requires
 * IPv6 to discard the whole datagram when fragments overlap, and Linux does
 * the same for IPv4 since 2018.  A sender that retransmits sends identical
 * bytes, so an exact duplicate is not an attack and is only ignored.
 */
#include "reasm.h"

#include <string.h>

#include "bytes.h"
#include "cksum.h"

/* Block b covers payload bytes 8*b .. 8*b+7. */
static bool block_seen(const struct reasm_slot *s, size_t b)
{
	return (s->seen[b / 8] >> (b % 8)) & 1;
}

static void mark_seen(struct reasm_slot *s, size_t b)
{
	s->seen[b / 8] = (uint8_t)(s->seen[b / 8] | (1u << (b % 8)));
}

/* The slot reassembling ip's datagram, or NULL.  RFC 791 3.2: fragments
 * belong together when source, destination, protocol and identification
 * match. */
static struct reasm_slot *find_slot(struct reasm *r, const struct ipv4_hdr *ip)
{
	size_t i;

	for (i = 0; i < REASM_MAX_DATAGRAMS; i++) {
		struct reasm_slot *s = &r->s[i];

		if (s->used && s->src == ip->src && s->dst == ip->dst &&
		    s->proto == ip->proto && s->id == ip->id)
			return s;
	}
	return NULL;
}

/* A fresh slot for ip's datagram.  When all are taken, the one with the
 * earliest deadline goes: it has waited longest and is the likeliest to
 * have lost a fragment for good. */
static struct reasm_slot *new_slot(struct reasm *r, const struct ipv4_hdr *ip,
				   uint64_t now_ms)
{
	struct reasm_slot *s = NULL;
	size_t i;

	for (i = 0; i < REASM_MAX_DATAGRAMS && !s; i++)
		if (!r->s[i].used)
			s = &r->s[i];
	if (!s) {
		s = &r->s[0];
		for (i = 1; i < REASM_MAX_DATAGRAMS; i++)
			if (r->s[i].deadline_ms < s->deadline_ms)
				s = &r->s[i];
		r->evicted++;
	}
	s->used = true;
	s->src = ip->src;
	s->dst = ip->dst;
	s->proto = ip->proto;
	s->id = ip->id;
	s->deadline_ms = now_ms + REASM_TIMEOUT_MS;
	s->have_last = false;
	s->payload_len = 0;
	s->max_end = 0;
	s->first_len = 0;
	/* data[] is left as it was: only bytes under a seen bit are read. */
	memset(s->seen, 0, sizeof(s->seen));
	return s;
}

/* Step 1: is the fragment's place possible, alone and with what the
 * datagram has shown so far (s, NULL for a datagram not yet begun)?  These
 * are the checks of Linux's ip_frag_queue(). */
static enum drop check_place(const struct reasm_slot *s,
			     const struct ipv4_hdr *ip)
{
	/* build-it 04.2 begin: reassembly: place each fragment, keep its bytes, see when all are in */
	size_t end = (size_t)ip->frag_offset + ip->payload_len;

	/* An empty fragment fills nothing; no sender makes one. */
	if (ip->payload_len == 0)
		return DROP_REASM_BAD_LENGTH;
	/* Offsets count 8-byte units, so every fragment that has one after it
	 * must end on a multiple of 8 (RFC 791 2.3). */
	if (ip->mf && ip->payload_len % 8 != 0)
		return DROP_REASM_BAD_LENGTH;
	/* The ping of death: an offset near 65528 plus some bytes makes a
	 * datagram no Total Length can describe. */
	if (end > REASM_MAX_PAYLOAD)
		return DROP_REASM_TOO_BIG;
	if (!s)
		return DROP_NONE;
	/* Once the last fragment has said where the payload ends, nothing may
	 * reach past that end (this also refuses a second last fragment with
	 * a longer end) ... */
	if (s->have_last && end > s->payload_len)
		return DROP_REASM_BAD_LENGTH;
	/* ... and a last fragment may not end before bytes already held (nor,
	 * so, may a second last fragment with a shorter end). */
	if (!ip->mf && end < s->max_end)
		return DROP_REASM_BAD_LENGTH;
	return DROP_NONE;
	/* build-it 04.2 end; the starter has: (void)s, (void)ip; return DROP_NOT_IMPLEMENTED; */
}

/* Step 2: which of the fragment's blocks are held already?  None: new data.
 * All, with the same bytes: a duplicate.  Anything else: an overlap.
 *
 * Comparing bytes under seen bits is sound because of step 1: every block
 * is whole except the last fragment's final one, and a fragment that
 * reaches that block past the payload's end was refused there. */
static enum drop check_overlap(const struct reasm_slot *s,
			       const struct ipv4_hdr *ip)
{
	/* build-it 04.3 begin: reassembly: new bytes, an exact duplicate, or an overlap? */
	size_t off = ip->frag_offset, end = off + ip->payload_len;
	size_t first_block = off / 8, last_block = (end - 1) / 8;
	size_t b, held = 0;

	for (b = first_block; b <= last_block; b++)
		if (block_seen(s, b))
			held++;
	if (held == 0)
		return DROP_NONE;
	if (held == last_block - first_block + 1 &&
	    memcmp(s->data + off, ip->payload, ip->payload_len) == 0)
		return DROP_REASM_DUPLICATE;
	return DROP_REASM_OVERLAP;
	/* build-it 04.3 end; the starter has:
	 *	(void)s, (void)ip, (void)block_seen;
	 *	return DROP_NONE;
	 */
}

/* Step 3: keep the bytes, mark their blocks, learn what the fragment says
 * about the whole. */
static void store(struct reasm_slot *s, const uint8_t *pkt,
		  const struct ipv4_hdr *ip)
{
	/* build-it 04.2 begin: reassembly: place each fragment, keep its bytes, see when all are in */
	size_t off = ip->frag_offset, end = off + ip->payload_len, b;

	memcpy(s->data + off, ip->payload, ip->payload_len);
	for (b = off / 8; b <= (end - 1) / 8; b++)
		mark_seen(s, b);
	if (end > s->max_end)
		s->max_end = end;
	if (!ip->mf) {
		s->have_last = true;
		s->payload_len = end;
	}
	if (off == 0) {
		/* The first fragment's header becomes the datagram's header
		 * (RFC 791 3.2), and with 8 payload bytes it is the quote of
		 * an ICMP time exceeded (RFC 792). */
		size_t hlen = (size_t)ip->ihl * 4;
		size_t quote = ip->payload_len < 8 ? ip->payload_len : 8;

		memcpy(s->first, pkt, hlen);
		memcpy(s->first + hlen, ip->payload, quote);
		s->first_len = hlen + quote;
	}
	/* build-it 04.2 end; the starter has: (void)s, (void)pkt, (void)ip, (void)mark_seen; */
}

/* RFC 815's test: the last fragment is in and no hole is left before it.
 * Rounding up counts the last fragment's final, partial block too. */
static bool is_complete(const struct reasm_slot *s)
{
	/* build-it 04.2 begin: reassembly: place each fragment, keep its bytes, see when all are in */
	size_t b;

	if (!s->have_last)
		return false;
	for (b = 0; b < (s->payload_len + 7) / 8; b++)
		if (!block_seen(s, b))
			return false;
	return true;
	/* build-it 04.2 end; the starter has: (void)s; return false; */
}

/* Write the whole datagram: the first fragment's header, now describing a
 * datagram that is not a fragment, then the payload. */
static enum drop write_datagram(const struct reasm_slot *s, uint8_t *out,
				size_t cap, size_t *out_len)
{
	size_t hlen = (size_t)(s->first[0] & 0x0f) * 4;
	size_t total = hlen + s->payload_len;
	uint16_t frag;

	/* Step 1 allowed 65515 payload bytes, which is right for a 20-byte
	 * header; a first fragment with options leaves less room. */
	if (total > IPV4_MAX_LEN || total > cap)
		return DROP_REASM_TOO_BIG;
	memcpy(out, s->first, hlen);
	put16(out + 2, (uint16_t)total);
	/* Clear MF and the offset; DF and the reserved bit stay as sent. */
	frag = get16(out + 6);
	put16(out + 6, (uint16_t)(frag & ~(IPV4_FLAG_MF | IPV4_OFFSET_MASK)));
	put16(out + 10, 0);
	put16(out + 10, cksum(out, hlen));
	memcpy(out + hlen, s->data, s->payload_len);
	*out_len = total;
	return DROP_NONE;
}

void reasm_init(struct reasm *r)
{
	size_t i;

	for (i = 0; i < REASM_MAX_DATAGRAMS; i++)
		r->s[i].used = false;
	r->evicted = 0;
}

enum drop reasm_add(struct reasm *r, const uint8_t *pkt,
		    const struct ipv4_hdr *ip, uint64_t now_ms,
		    uint8_t *out, size_t cap, size_t *out_len)
{
	struct reasm_slot *s = find_slot(r, ip);
	enum drop why;

	*out_len = 0;
	why = check_place(s, ip);
	if (why == DROP_NONE && s)
		why = check_overlap(s, ip);
	if (why == DROP_REASM_DUPLICATE)
		return why;		/* the datagram is unharmed */
	if (why != DROP_NONE) {
		if (s)
			s->used = false;	/* the datagram is lost */
		return why;
	}
	if (!s)
		s = new_slot(r, ip, now_ms);
	store(s, pkt, ip);
	if (!is_complete(s))
		return DROP_NONE;
	why = write_datagram(s, out, cap, out_len);
	s->used = false;
	return why;
}

bool reasm_expire(struct reasm *r, uint64_t now_ms,
		  uint8_t first[REASM_FIRST_MAX], size_t *first_len)
{
	struct reasm_slot *oldest = NULL;
	size_t i;

	for (i = 0; i < REASM_MAX_DATAGRAMS; i++) {
		struct reasm_slot *s = &r->s[i];

		if (s->used && s->deadline_ms <= now_ms &&
		    (!oldest || s->deadline_ms < oldest->deadline_ms))
			oldest = s;
	}
	if (!oldest)
		return false;
	/* RFC 1122 3.3.2: the error quotes fragment zero; without it, no
	 * error is sent. */
	memcpy(first, oldest->first, oldest->first_len);
	*first_len = oldest->first_len;
	oldest->used = false;
	return true;
}

uint64_t reasm_next_deadline(const struct reasm *r)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < REASM_MAX_DATAGRAMS; i++)
		if (r->s[i].used && r->s[i].deadline_ms < next)
			next = r->s[i].deadline_ms;
	return next;
}
