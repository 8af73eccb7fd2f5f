/* SPDX-License-Identifier: GPL-2.0 */
/* VERIFY's reply, decoded into plain structs (nl/verify.c). */
#ifndef NSBOX_NL_VERIFY_H
#define NSBOX_NL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_msg;

/* One failed check (NSBOX_A_MISMATCH). */
struct nsbox_verify_mismatch {
	int kind;		/* enum nsbox_kind, -1 if not said */
	uint64_t id;
	int check;		/* enum nsbox_verify_check */
	int field;		/* enum nsbox_group_attr, -1 if not said */
	int64_t have, want;
	uint64_t procs, threads, walk_procs, walk_threads;
};

struct nsbox_verify {
	uint64_t tasks, groups, mismatches, missing;
	/* ABI 9: groups that never held still during a walk (not checked) */
	bool has_rounds;
	uint64_t unsettled;
	unsigned int rounds;
	struct nsbox_verify_mismatch *m;	/* malloc'd, the caller frees it */
	size_t n, cap;
};

/*
 * One VERIFY reply into @r (zero it first): the totals, and each mismatch
 * appended to r->m.  A module older than ABI 4 says only procs and
 * threads: such a mismatch reads as a THREADS check of THREADS.  0,
 * -EINVAL (malformed) or -ENOMEM.
 */
int nsbox_verify_parse(struct nl_msg *msg, struct nsbox_verify *r);

#endif
