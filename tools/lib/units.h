/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - numbers for people: sizes and rates, load averages. */
#ifndef NSBOX_UNITS_H
#define NSBOX_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * @v in binary units, about three significant digits as top and htop
 * show them: 1023 -> "1023", 1536 -> "1.5K", 1048576 -> "1.0M", 10240 ->
 * "10K"; P is the largest unit.  Returns @s.
 */
const char *nsbox_human(double v, char *s, size_t len);
/* A load average the module sends x100 (NSBOX_GROUP_A_LOAD1): 150 -> "1.50". */
const char *nsbox_load_format(uint64_t x100, char *s, size_t len);

#endif
