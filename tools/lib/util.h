/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - small ownership helpers.
 *
 * __attribute__((cleanup(f))) calls f(&var) when var goes out of scope, so
 * a function can return from anywhere without leaking what it owns.
 */
#ifndef NSBOX_UTIL_H
#define NSBOX_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/*
 * Room for one more element in the array *@rows of @n elements of @size
 * bytes and capacity *@cap: doubles it (from @first) when full.  0, or
 * -ENOMEM with the array as it was.
 */
static inline int nsbox_grow(void *rows, size_t *cap, size_t n, size_t size, size_t first)
{
	void **p = rows;
	size_t c;
	void *r;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first;
	r = realloc(*p, c * size);
	if (!r)
		return -ENOMEM;
	*p = r;
	*cap = c;
	return 0;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
