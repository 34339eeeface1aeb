/*
 * syncookie.c - SYN cookies (RFC 4987 3.6): a SYN-ACK whose initial
 * sequence number carries what the connection needs, so that a full
 * backlog need not drop a real client's SYN.
 *
 * The attack.  A SYN flood sends SYNs from addresses that never answer:
 * each one takes a slot in SYN-RECEIVED until its SYN-ACKs time out (about
 * 30 s here, TCP_SYNACK_RETRIES), and TCP_BACKLOG of them fill the
 * backlog.  From then on a real client's SYN is dropped like the rest.
 *
 * The way out.  Keep nothing, and answer anyway: the SYN-ACK's ISS is
 * chosen so that it proves, when it comes back in the client's ACK
 * (SEG.ACK = ISS + 1), that we sent it, to this four-tuple, for this
 * client ISN, not long ago; and so that it says what the SYN said that
 * the connection needs (the MSS, window scale, SACK-permitted).  Only the
 * ACK of a real client, who saw our SYN-ACK, can carry it.  A spoofed
 * SYN costs a SYN-ACK and no memory at all.
 *
 * What it costs (and why the caller uses cookies only when the backlog
 * is full, as Linux does):
 *   - Whatever the SYN said that does not fit in 32 bits is lost.  Here
 *     the MSS is rounded down to one of four values, and timestamps are
 *     forgotten: a connection opened by a cookie runs without them
 *     (Linux keeps them, and the window scale, in the TSval instead).
 *   - Nobody retransmits the SYN-ACK: there is no connection to time
 *     out.  A lost SYN-ACK makes the client send its SYN again, which is
 *     fine; a lost ACK leaves the client ESTABLISHED and us with nothing
 *     until its first data segment (its SEG.SEQ is still IRS + 1, its
 *     SEG.ACK still ISS + 1: that works too).  A protocol where the
 *     server speaks first waits until the client gives up.
 *   - Our ISS no longer follows RFC 6528's clock, so a new incarnation
 *     of a four-tuple is not numbered past the old one.  Old duplicates
 *     then land in the new window only by chance (window / 2^32).
 *
 * The encoding.  32 bits, most significant first:
 *
 *    3                   2                   1
 *  1 0 9 8 7 6 5 4 3 2 1 0 9 8 7 6 5 4 3 2 1 0 9 8 7 6 5 4 3 2 1 0
 * +-+---+-------+-+-----------------------------------------------+
 * |P| M |   W   |S|                 H (24 bits)                   |
 * +-+---+-------+-+-----------------------------------------------+
 *
 *   P  the parity of the period (now_ms / 60000) the cookie was made in
 *   M  the MSS, an index into cookie_mss[]: 536, 1220, 1440, 1460
 *   W  window scale: 0 if the SYN had none, else 1 + the shift (0..14)
 *   S  1 if the SYN said SACK-permitted
 *   H  the low 24 bits of SipHash-2-4, under a key only we know, of our
 *      address and port, the client's address and port, the client's ISN
 *      (IRS), the whole period number, and the top byte (P, M, W, S)
 *
 * Checking is making again: read P, M, W and S from the top byte, work
 * out the period, hash, and compare with H.  Because the top byte is
 * hashed too, every one of the 32 bits counts: change any field and H no
 * longer matches.
 *
 * Expiry.  Only two periods are accepted: the current one and the one
 * before.  P says which of the two the cookie claims; the hash, over the
 * whole period number, says whether that is true.  So a cookie made at
 * time t is accepted while now_ms < (t / 60000 + 2) * 60000: always for
 * its first 60 s, never after 120 s (Linux's rule too, in 60 s units).
 * A client's ACK comes one round trip after our SYN-ACK, so 60 s is
 * plenty.  A cookie two periods old claims (by its parity) to be from
 * the current one, and fails the hash like any forgery.  Why one bit and
 * not a counter of several: the decoder only ever needs to tell "this
 * period" from "the last"; every further bit of counter would be a bit
 * less of hash.  (Bernstein's first cookies spent 5 bits on the counter
 * and 3 on the MSS, 24 on the hash; Linux's spend 8 on the counter.)
 *
 * The odds of a forgery.  Every value of the top byte is valid: both
 * parities name a period that is accepted, all four MSS indexes, all 16
 * window-scale codes, both SACK bits.  So a blind attacker (one who
 * cannot see our SYN-ACKs: a spoofed source) who sends an ACK with a
 * guessed SEG.ACK is accepted when its 24 bits of H are right: 1 in 2^24,
 * about 1 in 16.8 million.  A million forged ACKs a second (0.7 Gbit/s
 * of minimum-sized Ethernet frames) open one connection about every 17 s,
 * each with no peer behind it.  One that we send data on times out by
 * retransmission; one that waits for the peer to speak (echo, discard)
 * has no timer here, no keepalive, and holds its slot until something
 * frees it.  Linux keeps 24 bits of hash too, the MSS
 * index riding in them; it keeps window scale and SACK in the timestamp
 * option, which it has and we do not send.  The trade-off is bit for bit:
 * each option bit moved into the ISN doubles the attacker's odds.  Five
 * bits for window scale and SACK buy the client its large window; the
 * one bit of P buys expiry; 2 bits of MSS are the least that keeps an
 * Ethernet peer at 1460.
 *
 * The key.  The cookie's hash uses the ISN secret st->isn_key, but never
 * on a message that tcp_isn() (conn.c) could also hash: that one hashes
 * the 12 bytes of the four-tuple, this one 33 bytes that start with a
 * label of their own.  SipHash hashes the length in, so the two sets of
 * messages never meet, and a PRF's outputs on different messages are
 * unrelated.  That matters because tcp_isn()'s outputs are not secret:
 * every ordinary SYN-ACK shows one, F(four-tuple) plus a clock that
 * moves at a known rate.  Were the cookie built from the same hash (say
 * H = F(four-tuple) + something public), what connections show about F
 * would help forge cookies.  One key, two purposes, two
 * domains that cannot overlap.  (A second key derived from the first,
 * SipHash(key, label), would do as well; it costs two more hashes per
 * cookie, or a field of struct tcp_mini to keep it in.)
 */
#include "tcp_mini.h"

#include <string.h>

#include "../lib/bytes.h"

/* The MSS values a cookie can say, ascending.  536: the default every
 * host takes (RFC 9293 3.7.1); 1220: what fits IPv6's minimum MTU of
 * 1280, and below a 1280-byte tunnel's 1240; 1440: below PPPoE's 1452
 * and many VPNs'; 1460: Ethernet's. */
static const uint16_t cookie_mss[4] = { 536, 1220, 1440, 1460 };

#define COOKIE_PERIOD_MS	60000
#define COOKIE_HASH_BITS	24
#define COOKIE_HASH_MASK	((UINT32_C(1) << COOKIE_HASH_BITS) - 1)

/* The top byte: P (bit 7), M (6-5), W (4-1), S (0). */
#define COOKIE_P_SHIFT	7
#define COOKIE_M_SHIFT	5
#define COOKIE_W_SHIFT	1

/* The label that puts the cookie's messages in a domain of their own. */
static const uint8_t cookie_label[8] = { 's', 'y', 'n', 'c', 'o', 'o', 'k', '1' };

/* The index of the largest MSS in the table not above mss.  A peer that
 * announced less than 536 gets 536 all the same (index 0), as with Linux:
 * the table has no smaller value, and such a peer is rare enough that a
 * flood, the only time cookies are used, may cost it fragments. */
static unsigned mss_index(uint16_t mss)
{
	unsigned i = sizeof(cookie_mss) / sizeof(cookie_mss[0]) - 1;

	while (i > 0 && mss < cookie_mss[i])
		i--;
	return i;
}

static uint8_t top_byte(unsigned parity, const struct tcp_cookie *what)
{
	unsigned w = 0;

	if (what->has_wscale)
		w = 1u + (what->wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : what->wscale);
	return (uint8_t)(parity << COOKIE_P_SHIFT | mss_index(what->mss) << COOKIE_M_SHIFT |
			 w << COOKIE_W_SHIFT | (what->sack_ok ? 1u : 0u));
}

/* H: 24 bits of SipHash-2-4 of the label, the four-tuple (in the order
 * of RFC 6528's F), IRS, the period and the top byte. */
static uint32_t cookie_hash(const struct tcp_mini *st, uint32_t raddr,
			    uint16_t lport, uint16_t rport, seq_t irs,
			    uint64_t period, uint8_t top)
{
	uint8_t m[33];

	memcpy(m, cookie_label, 8);
	put32(m + 8, st->host.ip.addr);
	put16(m + 12, lport);
	put32(m + 14, raddr);
	put16(m + 18, rport);
	put32(m + 20, irs.v);
	put32(m + 24, (uint32_t)(period >> 32));
	put32(m + 28, (uint32_t)period);
	m[32] = top;
	return (uint32_t)siphash24(st->isn_key, m, sizeof(m)) & COOKIE_HASH_MASK;
}

seq_t tcp_cookie_make(const struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		      uint16_t rport, seq_t irs, const struct tcp_cookie *what,
		      uint64_t now_ms)
{
	uint64_t period = now_ms / COOKIE_PERIOD_MS;
	uint8_t top = top_byte((unsigned)(period & 1), what);

	return seq((uint32_t)top << COOKIE_HASH_BITS |
		   cookie_hash(st, raddr, lport, rport, irs, period, top));
}

bool tcp_cookie_check(const struct tcp_mini *st, uint32_t raddr, uint16_t lport,
		      uint16_t rport, seq_t irs, seq_t iss, uint64_t now_ms,
		      struct tcp_cookie *what)
{
	uint64_t period = now_ms / COOKIE_PERIOD_MS;
	uint8_t top = (uint8_t)(iss.v >> COOKIE_HASH_BITS);
	unsigned w;

	/* Which of the two accepted periods P names: this one if the
	 * parities agree, else the last (none before the clock's first). */
	if ((uint64_t)(top >> COOKIE_P_SHIFT) != (period & 1)) {
		if (period == 0)
			return false;
		period--;
	}
	if ((iss.v & COOKIE_HASH_MASK) != cookie_hash(st, raddr, lport, rport, irs,
						      period, top))
		return false;
	if (what) {
		w = (top >> COOKIE_W_SHIFT) & 0xf;
		what->mss = cookie_mss[(top >> COOKIE_M_SHIFT) & 3];
		what->has_wscale = w != 0;
		what->wscale = (uint8_t)(w ? w - 1 : 0);
		what->sack_ok = top & 1;
	}
	return true;
}
