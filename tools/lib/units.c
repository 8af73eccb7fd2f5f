// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - numbers for people (see units.h). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <inttypes.h>
#include <stdio.h>

#include "units.h"
#include "wbuf.h"

/*
 * @v (>= 0) with @dec decimals (0 or 1), as "%.*f" prints it, into @s:
 * by hand (no stdio) unless @v * 10^dec is near a half, where printf's
 * rounding of the exact binary value decides.  A `top` of 2,000 groups
 * formats some 10,000 of these a refresh.
 */
size_t nsbox_fixed_format(double v, int dec, char *s, size_t len)
{
	double x = dec ? v * 10 : v, r;
	uint64_t t;
	size_t n;

	r = x - (double)(uint64_t)x;
	/* (x's rounding error, under x * 2^-53, stays well inside the window) */
	if (!(v >= 0) || x >= (dec ? 1e9 : 1e15) || len < 24 || (r > 0.499999 && r < 0.500001))
		return (size_t)snprintf(s, len, "%.*f", dec, v);
	t = (uint64_t)(x + 0.5);
	n = nsbox_u64_to_dec(dec ? t / 10 : t, s);
	if (dec) {
		s[n++] = '.';
		s[n++] = (char)('0' + t % 10);
		s[n] = '\0';
	}
	return n;
}

const char *nsbox_human(double v, char *s, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	/* the unit is chosen on the rounded value: 1048575 is "1.0M", not "1024K" */
	while (u < 4 && v >= 1023.5) {
		v /= 1024;
		u++;
	}
	if (u < 0) {
		nsbox_fixed_format(v, 0, s, len);
	} else {
		size_t n = nsbox_fixed_format(v, v < 9.95, s, len);

		if (n + 1 < len) {
			s[n] = units[u];
			s[n + 1] = '\0';
		}
	}
	return s;
}

const char *nsbox_size_format(uint64_t bytes, char *s, size_t len)
{
	if (bytes < 1024) {
		snprintf(s, len, "%" PRIu64 "B", bytes);
		return s;
	}
	return nsbox_human((double)bytes, s, len);
}

/* @x in @unit with three significant digits; false if it rounds to 1000 */
static bool sig3(double x, const char *unit, char *s, size_t len)
{
	if (x < 9.995)
		snprintf(s, len, "%.2f%s", x, unit);
	else if (x < 99.95)
		snprintf(s, len, "%.1f%s", x, unit);
	else if (x < 999.5)
		snprintf(s, len, "%.0f%s", x, unit);
	else
		return false;
	return true;
}

const char *nsbox_duration_format(uint64_t ns, char *s, size_t len)
{
	uint64_t sec = ns / 1000000000;

	if (ns < 1000) {
		snprintf(s, len, ns ? "%" PRIu64 "ns" : "0", ns);
		return s;
	}
	if (sig3(ns / 1e3, "us", s, len) || sig3(ns / 1e6, "ms", s, len))
		return s;
	if (ns < 59950000000ULL) {
		snprintf(s, len, ns < 9995000000ULL ? "%.2fs" : "%.1fs", ns / 1e9);
		return s;
	}
	/* longer: two fields, of the rounded seconds: "4m01s", "1h02m", "3d04h" */
	sec += ns % 1000000000 >= 500000000;
	if (sec < 3600)
		snprintf(s, len, "%" PRIu64 "m%02" PRIu64 "s", sec / 60, sec % 60);
	else if (sec < 86400)
		snprintf(s, len, "%" PRIu64 "h%02" PRIu64 "m", sec / 3600, sec / 60 % 60);
	else
		snprintf(s, len, "%" PRIu64 "d%02" PRIu64 "h", sec / 86400, sec / 3600 % 24);
	return s;
}

const char *nsbox_load_format(uint64_t x100, char *s, size_t len)
{
	size_t n;

	if (len < 24) {
		snprintf(s, len, "%" PRIu64 ".%02" PRIu64, x100 / 100, x100 % 100);
		return s;
	}
	n = nsbox_u64_to_dec(x100 / 100, s);
	s[n++] = '.';
	s[n++] = (char)('0' + x100 % 100 / 10);
	s[n++] = (char)('0' + x100 % 10);
	s[n] = '\0';
	return s;
}

int nsbox_max_age_parse(const char *s)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > NSBOX_MAX_AGE_MS_MAX)
		return -1;
	return (int)v;
}

uint64_t nsbox_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
