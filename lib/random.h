/*
 * random.h - secret random bytes from the kernel, for what an attacker
 * must not guess: the key of TCP's initial sequence numbers (RFC 6528),
 * an ephemeral port (RFC 6056).
 *
 * Not for fault injection: --loss uses its own generator, seeded by
 * --seed, so that a run with loss can be repeated (lib/run.c).
 */
#ifndef TUNLAB_RANDOM_H
#define TUNLAB_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

/* Fill buf with n bytes from getrandom(), or from /dev/urandom on a kernel
 * older than getrandom() (3.17).  False, with errno set, if neither gave
 * them all. */
bool random_bytes(void *buf, size_t n);

#endif
