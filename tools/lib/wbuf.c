// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - an output buffer and integers without stdio (see wbuf.h). */
#include "err.h"
#include "wbuf.h"

#include <stdlib.h>

const char nsbox_dec_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

const uint64_t nsbox_pow10[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
	1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL, 10000000000000000000ULL,
};

void nsbox_wbuf_grow(struct nsbox_wbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	b->p = p;
	b->cap = cap;
}

void nsbox_wbuf_fixed(struct nsbox_wbuf *b, uint64_t v, int decimals)
{
	uint64_t ip, fr;
	size_t n;

	if (decimals <= 0 || decimals > 19) {
		nsbox_wbuf_u64(b, v);
		return;
	}
	ip = v / nsbox_pow10[decimals];
	fr = v % nsbox_pow10[decimals];
	nsbox_wbuf_u64(b, ip);
	if (!fr)
		return;
	/* the fraction's @decimals digits, leading zeros kept, trailing cut */
	n = (size_t)decimals;
	while (fr % 10 == 0) {
		fr /= 10;
		n--;
	}
	nsbox_wbuf_reserve(b, 1 + n);
	b->p[b->len] = '.';
	memset(b->p + b->len + 1, '0', n);
	nsbox_dec_put(b->p + b->len + 1 + n, fr);
	b->len += 1 + n;
}

size_t nsbox_u64_to_dec(uint64_t v, char *buf)
{
	size_t n = nsbox_dec_len(v);

	nsbox_dec_put(buf + n, v);
	buf[n] = '\0';
	return n;
}
