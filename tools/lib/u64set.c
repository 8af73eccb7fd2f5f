// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - a set of 64-bit keys (see u64set.h). */
#include <stdlib.h>

#include "err.h"
#include "u64set.h"

static size_t hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;	/* the finaliser of MurmurHash3 */
	k ^= k >> 33;
	return (size_t)k;
}

static void put(uint64_t *slot, size_t cap, uint64_t key)
{
	size_t i = hash(key) & (cap - 1);

	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = key;
}

bool u64set_has(const struct u64set *s, uint64_t key)
{
	if (!s->cap || !key)
		return false;
	for (size_t i = hash(key) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == key)
			return true;
	return false;
}

bool u64set_add(struct u64set *s, uint64_t key)
{
	if (!key || u64set_has(s, key))
		return false;
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *slot = calloc(cap, sizeof(*slot));

		if (!slot)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				put(slot, cap, s->slot[i]);
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	put(s->slot, s->cap, key);
	s->n++;
	return true;
}

void u64set_free(struct u64set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->n = s->cap = 0;
}
