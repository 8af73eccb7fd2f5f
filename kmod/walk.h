/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - walks of every task.
 *
 * Exports (walk.c): nsbox_walk_count() (the start-up count); the live
 * values every reader shares (nsbox_live_refresh(): one walk publishes
 * each group's sums, nsbox_group_live() in group.h reads them; statistics
 * nsbox_live_walks(), nsbox_live_stamp()); exclusive walks for VERIFY and
 * RESET (nsbox_walk_lock/unlock, nsbox_walk_now, nsbox_walk_of,
 * nsbox_walk_settled, struct nsbox_walk_stats); and who may see what
 * (nsbox_task_visible(), nsbox_walk_visible()).
 * Depends on: cred.h (who asks), group.h (the table), task.h (reading each
 * task); compat.h (walk.c).
 */
#ifndef _NSBOX_WALK_H
#define _NSBOX_WALK_H

#include <linux/types.h>

#include "cred.h"
#include "group.h"

struct task_struct;

/**
 * struct nsbox_walk_stats - what one walk saw
 * @tasks: tasks counted (their groups' sums include them)
 * @missing: (task, kind) pairs whose group is not in the table (it could
 *	not be made), or came too late for the walk's room
 * @unsure: exiting tasks whose exit the counts may or may not have (their
 *	note was pushed out: task.c); their groups did not hold still
 * @start: CLOCK_MONOTONIC ns when it began
 * @restarts: times it began again (a task it held on to went away while
 *	it let other work run)
 */
struct nsbox_walk_stats {
	u64 tasks;
	u64 missing;
	u64 unsure;
	u64 start;
	unsigned int restarts;
};

void nsbox_walk_count(void);
void nsbox_walk_exit(void);

int nsbox_live_refresh(u64 since);
u64 nsbox_live_walks(void);
u64 nsbox_live_stamp(void);

void nsbox_walk_lock(void);
void nsbox_walk_unlock(void);
int nsbox_walk_now(struct nsbox_walk_stats *st, bool verify);
const struct nsbox_glive *nsbox_walk_of(const struct nsbox_group *g);
bool nsbox_walk_settled(const struct nsbox_group *g);

bool nsbox_task_visible(struct task_struct *t, const struct nsbox_viewer *v);
u64 *nsbox_walk_visible(const struct nsbox_viewer *v, u32 kinds, unsigned int *nr);

#endif /* _NSBOX_WALK_H */
