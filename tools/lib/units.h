/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - numbers for people: sizes and rates, load averages. */
#ifndef NSBOX_UNITS_H
#define NSBOX_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * @v in binary units, about three significant digits as top and htop
 * show them: 1023 -> "1023", 1536 -> "1.5K", 1048576 -> "1.0M", 10240 ->
 * "10K"; P is the largest unit.  Returns @s.
 */
const char *nsbox_human(double v, char *s, size_t len);
/*
 * @v (>= 0) as "%.*f" with @dec (0 or 1) decimals prints it, into @s (at
 * least 24 bytes for the fast way); its length.
 */
size_t nsbox_fixed_format(double v, int dec, char *s, size_t len);
/*
 * A size in bytes as lsblk and free -h print it: "0B", "1023B", "1.0K",
 * "8.1M".  Returns @s.
 */
const char *nsbox_size_format(uint64_t bytes, char *s, size_t len);
/*
 * A duration in ns, three significant digits up to a minute ("0", "1ns",
 * "15.0us", "2.41s"), then two fields: "4m01s", "1h02m", "3d04h".
 */
const char *nsbox_duration_format(uint64_t ns, char *s, size_t len);
/*
 * How old the module's live values may be by default (nsbox groups, ls,
 * export, serve): the walk of all tasks that gave them is shared by every
 * reader, and one a second is plenty for a listing.  --max-age MS says
 * otherwise, --fresh (0) asks for a walk begun after the request.
 */
#define NSBOX_DEFAULT_MAX_AGE_MS 1000
#define NSBOX_MAX_AGE_MS_MAX 86400000	/* a day */
/* --max-age MS: 0 .. NSBOX_MAX_AGE_MS_MAX, or -1 */
int nsbox_max_age_parse(const char *s);
/* CLOCK_MONOTONIC in ns (the module's clock for FIRST_SEEN, LIVE_TIME) */
uint64_t nsbox_now_ns(void);

/* A load average the module sends x100 (NSBOX_GROUP_A_LOAD1): 150 -> "1.50". */
const char *nsbox_load_format(uint64_t x100, char *s, size_t len);

#endif
