/* test_syncookie.c - (to come) */
#include "unit.h"

const struct unit_test syncookie_tests[] = {
	{ NULL, NULL },
};
