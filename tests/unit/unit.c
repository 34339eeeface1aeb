/*
 * unit.c - run every unit test; exit 1 if any failed.
 * Usage: unit [NAME-SUBSTRING...]: only the tests whose names contain one
 * of them (make check runs a rung's this way).
 */
#include <string.h>

#include "unit.h"

int unit_failed_checks;

static int wanted(const char *name, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return argc < 2;
}

int main(int argc, char **argv)
{
	const struct unit_test *tables[] = {
		cksum_tests, ipv4_tests, icmp_tests, pcap_tests, core_tests, arp_tests, udp_tests,
		frag_tests, tcp_tests, tcp_mini_tests,
	};
	int passed = 0, failed = 0, n = 0;
	size_t t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const struct unit_test *u;

		for (u = tables[t]; u->name; u++) {
			int before = unit_failed_checks;

			if (!wanted(u->name, argc, argv))
				continue;
			u->fn();
			n++;
			if (unit_failed_checks == before) {
				passed++;
				printf("ok %d unit: %s\n", n, u->name);
			} else {
				failed++;
				printf("not ok %d unit: %s\n", n, u->name);
			}
			fflush(stdout);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
