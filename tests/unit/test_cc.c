/* test_cc.c - (to come) */
#include "unit.h"

const struct unit_test cc_tests[] = {
	{ NULL, NULL },
};
