/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - walks of every task.
 *
 * Exports (walk.c): nsbox_walk_count() (the start-up count),
 * nsbox_walk_live() (live sums per group of a snapshot), and who may see
 * what: nsbox_task_visible(), nsbox_live_visible() (for a struct
 * nsbox_viewer, cred.h).
 * Depends on: cred.h (who asks), group.h (struct nsbox_live, the table),
 * task.h (reading each task); compat.h (walk.c).
 */
#ifndef _NSBOX_WALK_H
#define _NSBOX_WALK_H

#include <linux/types.h>

#include "cred.h"
#include "group.h"

struct task_struct;

void nsbox_walk_count(void);
u64 nsbox_walk_live(struct nsbox_live *batch, unsigned int n, u64 *tasks,
		    const struct nsbox_viewer *viewer);
bool nsbox_task_visible(struct task_struct *t, const struct nsbox_viewer *v);
bool nsbox_live_visible(const struct nsbox_live *b, unsigned int n, u8 kind, u64 id);

#endif /* _NSBOX_WALK_H */
