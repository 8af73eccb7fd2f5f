/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - one growing output buffer, and integers written into it
 * without stdio (lib/wbuf.c).  What the table writer (tablewr.c) and the
 * metrics text (cmd/metrics.c) print is made here, then written at once:
 * a scrape is some 50,000 lines, a `groups -J` 70,000 cells, and stdio's
 * per-call work (locks, strlen, vfprintf's parsing) was most of their cost.
 */
#ifndef NSBOX_WBUF_H
#define NSBOX_WBUF_H

#include <stdint.h>
#include <string.h>

struct nsbox_wbuf {
	char *p;
	size_t len, cap;
};

/* Make room for @more bytes (exits on out of memory, as nsbox_die()). */
void nsbox_wbuf_grow(struct nsbox_wbuf *b, size_t more);

static inline void nsbox_wbuf_reserve(struct nsbox_wbuf *b, size_t more)
{
	if (__builtin_expect(b->len + more > b->cap, 0))
		nsbox_wbuf_grow(b, more);
}

static inline void nsbox_wbuf_put(struct nsbox_wbuf *b, const void *s, size_t n)
{
	nsbox_wbuf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void nsbox_wbuf_putc(struct nsbox_wbuf *b, char c)
{
	nsbox_wbuf_reserve(b, 1);
	b->p[b->len++] = c;
}

#define NSBOX_WBUF_PUTS(b, lit) nsbox_wbuf_put(b, lit, sizeof(lit) - 1)

extern const char nsbox_dec_pairs[201];
extern const uint64_t nsbox_pow10[20];

/* How many decimal digits @v has: log2 by clz, times log10(2), corrected. */
static inline size_t nsbox_dec_len(uint64_t v)
{
	size_t t;

	if (v < 10)
		return 1;
	t = (size_t)(64 - __builtin_clzll(v)) * 1233 >> 12;
	return t + (v >= nsbox_pow10[t]);
}

/*
 * @v's digits written backwards ending at @end: eight at a time with
 * 32-bit arithmetic, two at a time from a table.
 */
static inline void nsbox_dec_put(char *end, uint64_t v)
{
	uint32_t w;

	while (v >= 100000000) {
		uint32_t lo = (uint32_t)(v % 100000000);

		v /= 100000000;
		for (int k = 0; k < 4; k++) {
			uint32_t r = lo % 100;

			lo /= 100;
			end -= 2;
			memcpy(end, nsbox_dec_pairs + r * 2, 2);
		}
	}
	w = (uint32_t)v;
	while (w >= 100) {
		uint32_t r = w % 100;

		w /= 100;
		end -= 2;
		memcpy(end, nsbox_dec_pairs + r * 2, 2);
	}
	if (w >= 10) {
		end -= 2;
		memcpy(end, nsbox_dec_pairs + w * 2, 2);
	} else {
		*--end = (char)('0' + w);
	}
}

/* @v in decimal. */
static inline void nsbox_wbuf_u64(struct nsbox_wbuf *b, uint64_t v)
{
	size_t n = nsbox_dec_len(v);

	nsbox_wbuf_reserve(b, n);
	nsbox_dec_put(b->p + b->len + n, v);
	b->len += n;
}

/*
 * @v / 10^@decimals in decimal, exactly, the fraction without trailing
 * zeros: (1500000000, 9) -> "1.5", (150, 2) -> "1.5", (7, 0) -> "7".
 * @decimals is 0 to 19.
 */
void nsbox_wbuf_fixed(struct nsbox_wbuf *b, uint64_t v, int decimals);

/* @v in decimal into @buf (at least 21 bytes), NUL-terminated; its length. */
size_t nsbox_u64_to_dec(uint64_t v, char *buf);

#endif
