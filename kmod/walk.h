/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - walks of every task.
 *
 * Exports (walk.c): nsbox_walk_count() (the start-up count),
 * nsbox_walk_live() (live sums per group of a snapshot), and who may see
 * what: struct nsbox_viewer, nsbox_task_visible(), nsbox_live_visible().
 * Depends on: group.h (struct nsbox_live, the table), task.h (reading
 * each task); compat.h (walk.c).
 */
#ifndef _NSBOX_WALK_H
#define _NSBOX_WALK_H

#include <linux/types.h>
#include <linux/uidgid.h>

#include "group.h"

struct cgroup;
struct pid_namespace;
struct task_struct;

/*
 * Who is asking (docs/security.md).  NULL stands for the admin, who sees
 * everything; anybody else sees the tasks that have a pid in its pid
 * namespace and that it could ptrace (the rule /proc applies to
 * /proc/PID/ns: same uid and gid, real, saved and effective, or
 * CAP_SYS_PTRACE over the task's user namespace; and a task that is not
 * dumpable only with CAP_SYS_PTRACE over its memory's user namespace);
 * and the groups of those tasks (cgroups only at or below its cgroup ns
 * root).  Built in, and used only in, the caller's own context.
 */
struct nsbox_viewer {
	struct pid_namespace *pidns;
	kuid_t euid;		/* quota.c counts per effective uid */
	kuid_t fsuid;		/* as /proc checks it: the fs ids */
	kgid_t fsgid;
	struct cgroup *cgroot;
};

void nsbox_walk_count(void);
u64 nsbox_walk_live(struct nsbox_live *batch, unsigned int n, u64 *tasks,
		    const struct nsbox_viewer *viewer);
bool nsbox_task_visible(struct task_struct *t, const struct nsbox_viewer *v);
bool nsbox_live_visible(const struct nsbox_live *b, unsigned int n, u8 kind, u64 id);

#endif /* _NSBOX_WALK_H */
