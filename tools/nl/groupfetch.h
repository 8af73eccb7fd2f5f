/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - fetching groups (GET_GROUP) into plain structs, shared by
 * `nsbox groups` and `nsbox top`.
 */
#ifndef NSBOX_GROUPFETCH_H
#define NSBOX_GROUPFETCH_H

#include <stddef.h>
#include <stdint.h>

#include <linux/nsbox.h>
#include "genl.h"

/* One group: v[attr] for every u64 attribute present (has[attr] = 1). */
struct group_row {
	uint64_t v[NSBOX_GROUP_A_MAX + 1];
	unsigned char has[NSBOX_GROUP_A_MAX + 1];
	char path[512];
};

/*
 * Fetch groups: one (kind, id), every group of a kind, or all (kind < 0).
 * A dump that the module flags as interrupted is retried a few times.
 * Returns an enum nsbox_exit code (the error is printed); *rows is the
 * caller's to free.
 */
int fetch_groups(struct nsbox_nl *nl, int kind, const uint64_t *id,
		 struct group_row **rows, size_t *n);

/*
 * One GET_GROUP reply (its NSBOX_A_GROUP) into @row, zeroed first; what
 * fetch_groups() does with each message.  Unknown attributes are ignored,
 * a counter that is not 8 bytes long is left out.  0, -ENOENT (no
 * NSBOX_A_GROUP) or -EINVAL (malformed).
 */
int nsbox_group_parse(struct nl_msg *msg, struct group_row *row);

/* The row of group (@kind, @id) among @rows, or NULL. */
const struct group_row *nsbox_group_row_find(const struct group_row *rows, size_t n,
					     int kind, uint64_t id);

/* The column name of a group attribute (enum nsbox_group_attr), or "?". */
const char *nsbox_group_attr_name(int attr);

#endif
