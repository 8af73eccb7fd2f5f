/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - small ownership helpers.
 *
 * __attribute__((cleanup(f))) calls f(&var) when var goes out of scope, so
 * a function can return from anywhere without leaking what it owns.
 */
#ifndef NSBOX_UTIL_H
#define NSBOX_UTIL_H

#include <stdlib.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
