/*
 * unit.c - run every unit test; exit 1 if any failed.
 * Usage: unit [NAME-SUBSTRING...]: only the tests whose names contain one
 * of them (make check runs a rung's this way).
 *
 * Each test runs in a child process of its own, so that a test that
 * crashes (a learner's code under make check, say) fails alone, says how,
 * and the tests after it still run.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Run one test in a child: 0 if every CHECK held, else why not. */
static int run_one(const struct unit_test *u, char *why, size_t cap)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {		/* no child: run it here */
		int before = unit_failed_checks;

		u->fn();
		snprintf(why, cap, "a CHECK failed");
		return unit_failed_checks != before;
	}
	if (pid == 0) {
		u->fn();
		fflush(stdout);
		_exit(unit_failed_checks ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	if (WIFSIGNALED(status)) {
		snprintf(why, cap, "crashed: %s", strsignal(WTERMSIG(status)));
		return 1;
	}
	snprintf(why, cap, "a CHECK failed");
	return WEXITSTATUS(status) != 0;
}

int main(int argc, char **argv)
{
	const struct unit_test *tables[] = {
		cksum_tests, ipv4_tests, icmp_tests, pcap_tests, core_tests, arp_tests, udp_tests,
		frag_tests, tcp_tests, tcp_mini_tests, siphash_tests, ping_tests,
		cc_tests, syncookie_tests, fault_tests, sack_tests, vnet_tests,
	};
	int passed = 0, failed = 0, n = 0;
	size_t t;
	char why[80];

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const struct unit_test *u;

		for (u = tables[t]; u->name; u++) {
			if (!wanted(u->name, argc, argv))
				continue;
			n++;
			if (!run_one(u, why, sizeof(why))) {
				passed++;
				printf("ok %d unit: %s\n", n, u->name);
			} else {
				failed++;
				if (strncmp(why, "crashed", 7) == 0)
					fprintf(stderr, "  %s\n", why);
				printf("not ok %d unit: %s\n", n, u->name);
			}
			fflush(stdout);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
