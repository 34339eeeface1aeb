/*
 * fault.c - (to come)
 */
#include "fault.h"
