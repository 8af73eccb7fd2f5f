/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - a set of 64-bit keys (open addressing, linear probing, the
 * table doubled at half full): what the namespace scan has seen, by
 * (kind, inode) or by namespace id, in O(1) however many there are.
 * Key 0 is not a key (it marks a free slot).
 */
#ifndef NSBOX_U64SET_H
#define NSBOX_U64SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64set {
	uint64_t *slot;
	size_t n, cap;		/* cap: 0 or a power of two */
};

/* Add @key: true if it was new, false if it was there already. */
bool u64set_add(struct u64set *s, uint64_t key);
bool u64set_has(const struct u64set *s, uint64_t key);
void u64set_free(struct u64set *s);

#endif
