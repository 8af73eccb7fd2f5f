/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - fetching groups (GET_GROUP) into plain structs, shared by
 * `nsbox groups`, `top`, `ls` and the Prometheus scrape.
 *
 * A query says what to ask for; with a module of ABI 9 or later the
 * request carries the kinds (NSBOX_A_KINDS), how old the live values may
 * be (NSBOX_A_LIVE_MAX_AGE_MS) and the reply's form (NSBOX_A_DUMP_FLAGS:
 * packed values, or no live value at all).  An older module gets the
 * request it knows and answers the old way; the kinds are then filtered
 * here.  Either reply decodes into the same struct group_row.
 */
#ifndef NSBOX_GROUPFETCH_H
#define NSBOX_GROUPFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/nsbox.h>
#include "genl.h"

/* One group: v[attr] for every u64 attribute present (has[attr] = 1). */
struct group_row {
	uint64_t v[NSBOX_GROUP_A_MAX + 1];
	unsigned char has[NSBOX_GROUP_A_MAX + 1];
	unsigned short path_len;
	char path[512];
};

/* What to ask GET_GROUP for. */
struct group_query {
	int kind;		/* one kind, or -1 */
	unsigned int kinds;	/* or a bit (1 << kind) per kind; 0: every kind */
	const uint64_t *id;	/* with @kind: one group (a do, not a dump) */
	int max_age_ms;		/* ABI 9: the oldest live values wanted; < 0: fresh */
	unsigned int flags;	/* ABI 9: enum nsbox_dump_flags */
	/*
	 * ABI 10: the group attributes wanted (1 << attr each); 0: all.  An
	 * older module is not asked, and sends them all.
	 */
	uint64_t fields;
};

#define GROUP_QUERY_ALL ((struct group_query){ .kind = -1, .max_age_ms = -1 })

/*
 * Called for each group as its message arrives; @row is valid during the
 * call only.  Return 0 to go on, < 0 (an -errno) to stop.
 */
typedef int (*group_row_fn)(const struct group_row *row, void *arg);

/*
 * Does the module answer a dump from a snapshot of its groups' keys taken
 * when the dump began (ABI 9)?  Then a dump it flags as interrupted
 * (NLM_F_DUMP_INTR: groups made meanwhile) is still the whole list as it
 * was at that moment -- as lsns's is, as of its read of /proc -- and is
 * not made again: rows can be printed as they arrive.
 */
bool nsbox_groups_snapshot(struct nsbox_nl *nl);

/*
 * The groups of @q, each handed to @fn.  With a module older than that,
 * a dump flagged as interrupted (groups made or evicted meanwhile) is
 * made again, up to 5 times: @restart (if set) is called before each new
 * try, so that the consumer drops what it has.  Asks GET_INFO first when
 * the module's ABI is not known yet and @q needs ABI 9 or 10, or the dump
 * was interrupted.  Returns an enum nsbox_exit code
 * (the error printed).
 */
int nsbox_groups_each(struct nsbox_nl *nl, const struct group_query *q,
		      group_row_fn fn, void (*restart)(void *arg), void *arg);

/* The same into an array (*rows, the caller's to free). */
int fetch_groups_q(struct nsbox_nl *nl, const struct group_query *q,
		   struct group_row **rows, size_t *n);
/* One (kind, id), every group of a kind, or all (kind < 0), the old way. */
int fetch_groups(struct nsbox_nl *nl, int kind, const uint64_t *id,
		 struct group_row **rows, size_t *n);

/*
 * One GET_GROUP reply (its NSBOX_A_GROUP) into @row, zeroed first; what
 * the fetchers do with each message.  Unknown attributes are ignored, a
 * counter that is not 8 bytes long is left out, a packed VALUES array
 * (ABI 9) gives each of its elements that is not ~0.  0, -ENOENT (no
 * NSBOX_A_GROUP) or -EINVAL (malformed).
 */
int nsbox_group_parse(struct nl_msg *msg, struct group_row *row);
/* The same from the message's header (no struct nl_msg needed). */
int nsbox_group_parse_hdr(const struct nlmsghdr *nlh, struct group_row *row);

/* The row of group (@kind, @id) among @rows, or NULL. */
const struct group_row *nsbox_group_row_find(const struct group_row *rows, size_t n,
					     int kind, uint64_t id);

/*
 * How old the row's live values were at @now (CLOCK_MONOTONIC ns), in ns;
 * -1 if the row has none (NSBOX_GROUP_A_LIVE_TIME absent: a module older
 * than ABI 9 -- its values are as of the query -- or no walk yet).
 */
int64_t nsbox_group_live_age(const struct group_row *row, uint64_t now);

/* The column name of a group attribute (enum nsbox_group_attr), or "?". */
const char *nsbox_group_attr_name(int attr);

#endif
