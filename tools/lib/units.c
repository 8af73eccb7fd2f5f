// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - numbers for people (see units.h). */
#include <inttypes.h>
#include <stdio.h>

#include "units.h"

const char *nsbox_human(double v, char *s, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	if (v < 1024) {
		snprintf(s, len, "%.0f", v);
		return s;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(s, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return s;
}

const char *nsbox_load_format(uint64_t x100, char *s, size_t len)
{
	snprintf(s, len, "%" PRIu64 ".%02" PRIu64, x100 / 100, x100 % 100);
	return s;
}
