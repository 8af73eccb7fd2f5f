// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - walks of every task.
 *
 * The hooks keep counts up to date as things happen; some questions still
 * need a look at every task:
 *
 *  - at load, to count the tasks that already exist (nsbox_walk_count);
 *  - for live values that change without an event: CPU time, faults and
 *    I/O of tasks still running, resident memory, and which tasks are
 *    runnable for the load average (nsbox_walk_live);
 *  - for VERIFY, which recounts procs and threads from scratch and
 *    checks the counters against them (nsbox_walk_live as well).
 *
 * A walk runs under rcu_read_lock() and takes each task's task_lock() in
 * turn (it protects ->nsproxy and ->mm); it never sleeps.  Walks run in
 * process context only, never in a probe handler.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/mm.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "walk.h"
#include "group.h"
#include "task.h"
#include "compat.h"

/* Start-up: count every existing task into its groups. */
void nsbox_walk_count(void)
{
	struct task_struct *p, *t;
	struct nsbox_idents ids;
	int k;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		bool leader = thread_group_leader(t);

		task_lock(t);
		if (nsbox_task_counted(t) && nsbox_task_idents(t, &ids)) {
			for (k = 0; k < NSBOX_KIND_COUNT; k++) {
				struct nsbox_group *g;

				g = nsbox_group_join(k, &ids.k[k], leader);
				if (g)
					atomic_inc(&g->found);
			}
		}
		task_unlock(t);
	}
	rcu_read_unlock();
}

/* Is the cgroup (a group's const object) at or below @root? */
static bool nsbox_cgroup_below(const void *cgrp, struct cgroup *root)
{
	return cgroup_is_descendant((struct cgroup *)cgrp, root);
}

/*
 * __ptrace_may_access() for PTRACE_MODE_READ_FSCREDS, the check behind
 * /proc/PID/ns, less the LSM hook, for the viewer's credentials (the
 * socket opener's, cred.c -- never current's): its fs uid and gid match
 * all three of the task's uids and gids, or it has CAP_SYS_PTRACE over
 * the task's user namespace; and a task that is not dumpable (setuid, or
 * it said so) also needs CAP_SYS_PTRACE over its memory's user namespace.
 * Under rcu_read_lock(); takes task_lock() for the mm.
 */
static bool nsbox_may_ptrace(struct task_struct *t, const struct nsbox_viewer *v)
{
	const struct cred *tc = __task_cred(t), *c = v->cred;
	struct user_namespace *ns;
	bool ok;

	if (v->self && task_tgid(t) == v->self)
		return true;	/* a process sees itself */
	ok = (uid_eq(c->fsuid, tc->euid) && uid_eq(c->fsuid, tc->suid) &&
	      uid_eq(c->fsuid, tc->uid) && gid_eq(c->fsgid, tc->egid) &&
	      gid_eq(c->fsgid, tc->sgid) && gid_eq(c->fsgid, tc->gid)) ||
	     nsbox_cred_capable(c, tc->user_ns, CAP_SYS_PTRACE);
	if (!ok)
		return false;
	task_lock(t);
	ns = nsbox_undumpable_ns(t);
	if (ns && !nsbox_cred_capable(c, ns, CAP_SYS_PTRACE))
		ok = false;
	task_unlock(t);
	return ok;
}

/* May @v see @t?  NULL, or the admin: everything. */
bool nsbox_task_visible(struct task_struct *t, const struct nsbox_viewer *v)
{
	if (!v || v->admin)
		return true;
	if (!pid_nr_ns(task_pid(t), v->pidns))
		return false;
	return nsbox_may_ptrace(t, v);
}

/**
 * nsbox_live_visible() - is (@kind, @id) a group of @b the viewer may see?
 * @b: groups sorted by (kind, id), their visible flags set by a walk
 * @n: entries in @b
 * @kind: enum nsbox_kind
 * @id: group id
 *
 * For the fields that name another group (a namespace's parent or
 * owner): an id outside the caller's view is not sent to it.
 */
bool nsbox_live_visible(const struct nsbox_live *b, unsigned int n, u8 kind, u64 id)
{
	const struct nsbox_live *e = nsbox_live_find(b, n, kind, id);

	return e && e->visible;
}

/*
 * The task that stands for its process's address space: the leader, or
 * any thread if the leader has already dropped its mm.  Threads share
 * one mm, so RSS is counted once per process.
 */
static bool nsbox_mm_owner(struct task_struct *t)
{
	return t->mm && (thread_group_leader(t) || !READ_ONCE(t->group_leader->mm));
}

/**
 * nsbox_walk_live() - add up the live values of every task, per group
 * @batch: groups to fill, sorted by (kind, id) (nsbox_groups_snapshot(),
 *	nsbox_live_sort()), sums zeroed
 * @n: entries in @batch
 * @tasks: if not NULL, set to the number of counted tasks walked
 * @viewer: if not NULL, the caller whose visible groups are marked
 *
 * For each counted task and each of its nine groups found in @batch: add
 * its current enum nsbox_acc values, count it (walk_threads, walk_procs,
 * active), and add its process's RSS and virtual size once.
 *
 * With a @viewer, also mark the groups that hold a task it may see.
 *
 * Returns the number of (task, kind) pairs whose group was not in @batch.
 */
u64 nsbox_walk_live(struct nsbox_live *batch, unsigned int n, u64 *tasks,
		    const struct nsbox_viewer *viewer)
{
	struct task_struct *p, *t;
	struct nsbox_idents ids;
	s64 v[NSBOX_NR_ACC];
	u64 missing = 0, walked = 0;
	int k, i;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		u64 rss = 0, vm = 0;
		bool has_mm = false, leader = thread_group_leader(t);
		bool active, visible;

		task_lock(t);
		if (!nsbox_task_counted(t) || !nsbox_task_idents(t, &ids)) {
			task_unlock(t);
			continue;
		}
		if (nsbox_mm_owner(t)) {
			/* task_lock keeps t->mm from being released. */
			rss = (u64)get_mm_rss(t->mm) << PAGE_SHIFT;
			vm = (u64)READ_ONCE(t->mm->total_vm) << PAGE_SHIFT;
			has_mm = true;
		}
		task_unlock(t);
		walked++;
		nsbox_task_values(t, v);
		active = nsbox_task_loads(t);
		visible = nsbox_task_visible(t, viewer);

		for (k = 0; k < NSBOX_KIND_COUNT; k++) {
			struct nsbox_live *e = nsbox_live_find(batch, n, k, ids.k[k].id);

			if (!e) {
				missing++;
				continue;
			}
			for (i = 0; i < NSBOX_NR_ACC; i++)
				e->acc[i] += v[i];
			e->walk_threads++;
			e->walk_procs += leader;
			if (visible && (k != NSBOX_KIND_CGROUP2 || !viewer ||
					nsbox_cgroup_below(ids.k[k].obj, viewer->cgroot)))
				e->visible = true;
			e->active += active;
			if (has_mm) {
				e->rss += rss;
				e->vm += vm;
			}
		}
	}
	rcu_read_unlock();
	if (tasks)
		*tasks = walked;
	return missing;
}
