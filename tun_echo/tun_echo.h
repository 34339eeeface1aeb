/*
 * tun_echo.h - rung 1's core, for the program, its tests and fuzzers.
 */
#ifndef TUNLAB_TUN_ECHO_H
#define TUNLAB_TUN_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/drop.h"
#include "../lib/txq.h"

/* Reflect one IPv4 ICMP echo request as a reply; drop anything else. */
enum drop tun_echo_input(const uint8_t *pkt, size_t len, struct txq *tx);

#endif
