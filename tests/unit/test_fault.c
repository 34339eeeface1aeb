/* test_fault.c - (to come) */
#include "unit.h"

const struct unit_test fault_tests[] = {
	{ NULL, NULL },
};
