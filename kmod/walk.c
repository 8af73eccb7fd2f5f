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
 *    runnable for the load average;
 *  - for VERIFY, which recounts procs and threads from scratch and checks
 *    the counters against them; and RESET, which needs the live values of
 *    the moment it zeroes a group;
 *  - for what an unprivileged caller may see: the groups of the tasks it
 *    could ptrace (nsbox_walk_visible).
 *
 * The live values are one walk shared by every reader.  A walk adds each
 * task's values into its nine groups' sums, then publishes them into the
 * groups (struct nsbox_glive, under each group's seqcount) with the time it
 * began.  A reader that asks for values at least as new as some moment
 * (nsbox_live_refresh()) walks only if the last walk began earlier, or if
 * groups were made since; one walk at a time (a mutex), and a reader that
 * waited for another's walk uses it.  So asking costs what the groups
 * cost, and the walk -- what the tasks cost -- is paid once per
 * freshness the readers need, not once per reader: `nsbox top` refreshing
 * once a second, the load average every 5 s and a Prometheus scrape share
 * it.  Every value a reader gets carries the time of its walk.
 *
 * The walk itself: threads mostly share their namespaces and cgroup, so a
 * thread with the same nsproxy, user namespace, pid namespace and cgroup
 * as the one before it adds into the same sums without looking its groups
 * up again; sums are added to the groups once per such run.  A group's
 * sums live in the walk's own array, in the slot the group was given the
 * first time the walk met it (no search).
 *
 * A walk runs under rcu_read_lock() and takes each task's task_lock() in
 * turn (it protects ->nsproxy and ->mm).  Every 256 processes, if another
 * task wants the CPU, it lets go (holding on to the process it is at) and
 * goes on from there; if that process went away meanwhile, it begins again
 * (three times at most, then it keeps the CPU to the end).  Walks run in
 * process context only, never in a probe handler.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

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
				if (g) {
					atomic_inc(&g->found);
					nsbox_group_done(g);
				}
			}
		}
		task_unlock(t);
	}
	rcu_read_unlock();
}

/* ---- the shared walk ------------------------------------------------- */

static DEFINE_MUTEX(nsbox_walk_mutex);
/* under nsbox_walk_mutex: the current walk's sums, slot per group */
static struct nsbox_glive *nsbox_w_slot;
static u32 nsbox_w_cap;
static u32 nsbox_w_n;
static u32 nsbox_w_gen;
static struct nsbox_walk_stats nsbox_w_stats;
/* the last walk published: when it began, and the table then */
static u64 nsbox_pub_start;
static u32 nsbox_pub_table;
static bool nsbox_pub_any;
static atomic64_t nsbox_walks = ATOMIC64_INIT(0);
/* the sums of a group no task of which was met */
static const struct nsbox_glive nsbox_no_live;

#define NSBOX_WALK_BREAK	256	/* processes between chances to yield */
#define NSBOX_WALK_RESTARTS	3

void nsbox_walk_lock(void)
{
	mutex_lock(&nsbox_walk_mutex);
}

void nsbox_walk_unlock(void)
{
	mutex_unlock(&nsbox_walk_mutex);
}

/* Walks since load (GET_INFO: a query that needs none makes none). */
u64 nsbox_live_walks(void)
{
	return atomic64_read(&nsbox_walks);
}

/* When the last published walk began (0: none yet). */
u64 nsbox_live_stamp(void)
{
	return READ_ONCE(nsbox_pub_start);
}

/* Room for every group and some made meanwhile.  Under the mutex. */
static int nsbox_walk_room(void)
{
	u64 nr, evictions, failures, bytes;
	u32 size, want;

	nsbox_groups_stats(&nr, &evictions, &failures, &bytes, &size);
	want = nr + nr / 8 + 64;
	if (want <= nsbox_w_cap)
		return 0;
	kvfree(nsbox_w_slot);
	nsbox_w_slot = kvmalloc_array(want, sizeof(*nsbox_w_slot), GFP_KERNEL);
	nsbox_w_cap = nsbox_w_slot ? want : 0;
	return nsbox_w_slot ? 0 : -ENOMEM;
}

/* @g's sums in this walk: a new slot the first time; NULL if no room. */
static struct nsbox_glive *nsbox_walk_slot(struct nsbox_group *g)
{
	if (g->walk_gen != nsbox_w_gen) {
		if (nsbox_w_n >= nsbox_w_cap)
			return NULL;
		g->walk_gen = nsbox_w_gen;
		g->walk_slot = nsbox_w_n++;
		memset(&nsbox_w_slot[g->walk_slot], 0, sizeof(*nsbox_w_slot));
	}
	return &nsbox_w_slot[g->walk_slot];
}

/*
 * A run of threads in the same groups: their values are added up here,
 * then into the groups' sums at once (nsbox_run_flush()).
 */
struct nsbox_run {
	const struct nsproxy *nsp;
	const struct user_namespace *userns;
	const struct pid_namespace *pidns;
	const struct cgroup *cgrp;
	struct nsbox_glive *to[NSBOX_KIND_COUNT];
	u64 id[NSBOX_KIND_COUNT];	/* whose sums @to[k] are, if set */
	struct nsbox_glive sum;
	bool valid;
};

static void nsbox_run_flush(struct nsbox_run *run)
{
	int k, i;

	for (k = 0; k < NSBOX_KIND_COUNT && run->sum.threads; k++) {
		struct nsbox_glive *to = run->to[k];

		if (!to) {
			/* no group to add them to (not made, or no room) */
			nsbox_w_stats.missing += run->sum.threads;
			continue;
		}
		for (i = 0; i < NSBOX_NR_ACC; i++)
			to->acc[i] += run->sum.acc[i];
		to->rss += run->sum.rss;
		to->vm += run->sum.vm;
		to->threads += run->sum.threads;
		to->procs += run->sum.procs;
		to->active += run->sum.active;
	}
	memset(&run->sum, 0, sizeof(run->sum));
}

/*
 * The run @t belongs to: the current one if its nsproxy, user and pid
 * namespaces and cgroup are the run's, else a new one (the groups looked
 * up).  Caller holds RCU and task_lock(@t); @t is counted.
 */
static void nsbox_run_of(struct nsbox_run *run, struct task_struct *t)
{
	const struct user_namespace *userns = __task_cred(t)->user_ns;
	const struct pid_namespace *pidns = task_active_pid_ns(t);
	const struct cgroup *cgrp = task_dfl_cgroup(t);
	struct nsbox_idents ids;
	int k;

	if (run->valid && run->nsp == t->nsproxy && run->userns == userns &&
	    run->pidns == pidns && run->cgrp == cgrp)
		return;
	nsbox_run_flush(run);
	run->nsp = t->nsproxy;
	run->userns = userns;
	run->pidns = pidns;
	run->cgrp = cgrp;
	run->valid = nsbox_task_idents(t, &ids);
	for (k = 0; k < NSBOX_KIND_COUNT; k++) {
		struct nsbox_group *g;

		/* most kinds are the last run's: its slot, no lookup */
		if (run->valid && run->to[k] && run->id[k] == ids.k[k].id)
			continue;
		g = run->valid ? nsbox_group_find(k, ids.k[k].id) : NULL;
		run->to[k] = g ? nsbox_walk_slot(g) : NULL;
		run->id[k] = ids.k[k].id;
	}
}

/*
 * The task that stands for its process's address space: the leader, or
 * any thread if the leader has already dropped its mm.  Threads share one
 * mm, so RSS is counted once per process.
 */
static bool nsbox_mm_owner(struct task_struct *t)
{
	return t->mm && (thread_group_leader(t) || !READ_ONCE(t->group_leader->mm));
}

/*
 * A task the hooks have counted somewhere the kernel does not show yet
 * (task.c, struct nsbox_transit): a run of its own, in the groups it was
 * counted in.  Caller holds RCU and task_lock(@t).
 */
static void nsbox_run_transit(struct nsbox_run *run, struct task_struct *t,
			      const struct nsbox_transit *tr)
{
	struct nsbox_idents ids;
	int k;

	nsbox_run_flush(run);
	run->valid = false;
	if (!nsbox_task_idents(t, &ids)) {
		memset(run->to, 0, sizeof(run->to));
		return;
	}
	nsbox_transit_apply(tr, &ids);
	for (k = 0; k < NSBOX_KIND_COUNT; k++) {
		struct nsbox_group *g = nsbox_group_find(k, ids.k[k].id);

		run->to[k] = g ? nsbox_walk_slot(g) : NULL;
		run->id[k] = ids.k[k].id;
	}
}

/*
 * An exiting task whose exit the counts may or may not have yet (its note
 * is gone: task.c): its groups are marked as changing during this walk, so
 * VERIFY does not take them as still.  Caller holds RCU and task_lock(@t).
 */
static void nsbox_walk_unsure(struct task_struct *t)
{
	struct nsbox_idents ids;
	int k;

	if (!nsbox_task_idents(t, &ids))
		return;
	for (k = 0; k < NSBOX_KIND_COUNT; k++) {
		struct nsbox_group *g = nsbox_group_find(k, ids.k[k].id);

		if (g) {
			nsbox_group_busy(g);
			nsbox_group_done(g);
		}
	}
	nsbox_w_stats.unsure++;
}

/* Add one task into its run.  Caller holds RCU. */
static void nsbox_walk_task(struct nsbox_run *run, struct task_struct *t)
{
	struct nsbox_transit tr;
	enum nsbox_note_kind note;
	s64 v[NSBOX_NR_ACC];
	int i;

	task_lock(t);
	if (!nsbox_task_counted(t)) {
		task_unlock(t);
		return;
	}
	note = nsbox_transit_of(t, &tr);
	if (note == NSBOX_NOTE_EXIT) {
		/* counted out by its exit, namespaces not dropped yet */
		task_unlock(t);
		return;
	}
	if (unlikely(note == NSBOX_NOTE_UNSURE))
		nsbox_walk_unsure(t);
	if (note == NSBOX_NOTE_MOVE)
		nsbox_run_transit(run, t, &tr);
	else
		nsbox_run_of(run, t);
	if (nsbox_mm_owner(t)) {
		/* task_lock keeps t->mm from being released. */
		run->sum.rss += (u64)get_mm_rss(t->mm) << PAGE_SHIFT;
		run->sum.vm += (u64)READ_ONCE(t->mm->total_vm) << PAGE_SHIFT;
	}
	task_unlock(t);
	nsbox_task_values(t, v);
	for (i = 0; i < NSBOX_NR_ACC; i++)
		run->sum.acc[i] += v[i];
	run->sum.threads++;
	run->sum.procs += thread_group_leader(t);
	run->sum.active += nsbox_task_loads(t);
	nsbox_w_stats.tasks++;
	/* a run of its own: nobody else's values join it */
	if (note == NSBOX_NOTE_MOVE)
		nsbox_run_flush(run);
}

/* A new walk: new slots for every group.  Under the mutex. */
static void nsbox_walk_begin(void)
{
	nsbox_w_gen++;
	nsbox_w_n = 0;
	nsbox_w_stats.tasks = 0;
	nsbox_w_stats.missing = 0;
	nsbox_w_stats.unsure = 0;
	nsbox_w_stats.start = ktime_get_ns();
}

/*
 * Walk every task into this walk's sums.  Under the mutex.  Returns 0, or
 * -EAGAIN if it had to begin again and @restart_ok is false (VERIFY's
 * rounds begin again themselves).
 */
static int nsbox_walk_tasks(bool restart_ok)
{
	struct task_struct *p, *t;
	struct nsbox_run run = { };
	unsigned int n = 0, restarts = 0;

again:
	nsbox_walk_begin();
	memset(&run, 0, sizeof(run));
	rcu_read_lock();
	for_each_process(p) {
		for_each_thread(p, t)
			nsbox_walk_task(&run, t);
		if (++n % NSBOX_WALK_BREAK || !need_resched() ||
		    restarts >= NSBOX_WALK_RESTARTS)
			continue;
		/* let others run; the groups looked up may go meanwhile */
		nsbox_run_flush(&run);
		run.valid = false;
		get_task_struct(p);
		rcu_read_unlock();
		cond_resched();
		rcu_read_lock();
		if (!pid_alive(p)) {
			/* it left the list: its place in it is gone */
			rcu_read_unlock();
			put_task_struct(p);
			restarts++;
			nsbox_w_stats.restarts++;
			if (!restart_ok)
				return -EAGAIN;
			goto again;
		}
		put_task_struct(p);
	}
	nsbox_run_flush(&run);
	rcu_read_unlock();
	atomic64_inc(&nsbox_walks);
	return 0;
}

/* Publish this walk's sums into every group (a group it did not meet: 0). */
static void nsbox_publish_one(struct nsbox_group *g, void *arg)
{
	const struct nsbox_glive *l = nsbox_walk_of(g);
	u64 start = nsbox_w_stats.start;

	preempt_disable();
	write_seqcount_begin(&g->live_seq);
	g->live = *l;
	/* made after the walk began and not met: nothing known yet */
	g->live_time = (l != &nsbox_no_live || g->first_seen < start) ? start : 0;
	write_seqcount_end(&g->live_seq);
	preempt_enable();
}

static void nsbox_walk_publish(void)
{
	nsbox_groups_for_each(nsbox_publish_one, NULL);
	WRITE_ONCE(nsbox_pub_start, nsbox_w_stats.start);
	nsbox_pub_any = true;
}

/**
 * nsbox_walk_of() - a group's sums in the walk just made
 * @g: the group
 *
 * Under nsbox_walk_lock(), after nsbox_walk_now().  Zeros if the walk met
 * no task of it.
 */
const struct nsbox_glive *nsbox_walk_of(const struct nsbox_group *g)
{
	if (g->walk_gen != nsbox_w_gen)
		return &nsbox_no_live;
	return &nsbox_w_slot[g->walk_slot];
}

/* VERIFY: note each group's change sequence before the walk. */
static void nsbox_verify_mark(struct nsbox_group *g, void *arg)
{
	g->verify_seq = atomic_read(&g->seq);
	g->verify_gen = *(u32 *)arg;
}

/**
 * nsbox_walk_settled() - did @g stay still during VERIFY's walk?
 * @g: the group
 *
 * Under nsbox_walk_lock(), after nsbox_walk_now(..., true), with the
 * group's counts read just before: no hook was changing them when the
 * walk began, and none changed them since.  Then the walk's sums and the
 * counts describe the same tasks.
 */
bool nsbox_walk_settled(const struct nsbox_group *g)
{
	/*
	 * The caller read the counts before this: pairs with the hooks'
	 * barriers (nsbox_group_busy/done), so a change to them that the
	 * caller may have seen has moved the sequence by the time it is read.
	 */
	smp_rmb();
	return g->verify_gen == nsbox_w_gen && !(g->verify_seq & 1) &&
	       atomic_read(&g->seq) == g->verify_seq;
}

/**
 * nsbox_walk_now() - walk every task now, and publish
 * @st: filled in with what it saw
 * @verify: note each group's change sequence first (nsbox_walk_settled());
 *	such a walk does not begin again by itself (-EAGAIN)
 *
 * Under nsbox_walk_lock().  Process context, may sleep.  Returns 0,
 * -EAGAIN or -ENOMEM.
 */
int nsbox_walk_now(struct nsbox_walk_stats *st, bool verify)
{
	u32 table = nsbox_groups_gen();
	int ret;

	ret = nsbox_walk_room();
	if (ret)
		return ret;
	if (verify) {
		u32 gen = nsbox_w_gen + 1;

		nsbox_groups_for_each(nsbox_verify_mark, &gen);
	}
	ret = nsbox_walk_tasks(!verify);
	if (ret)
		return ret;
	nsbox_walk_publish();
	nsbox_pub_table = table;
	*st = nsbox_w_stats;
	return 0;
}

/**
 * nsbox_live_refresh() - published live values that began at @since or later
 * @since: CLOCK_MONOTONIC ns: the oldest walk the caller accepts
 *
 * Walks only if the last published walk began before @since, or if the
 * table changed since it began (new groups have no values yet).  Waits for
 * a walk in progress, and uses it if it is new enough.  Process context.
 * Returns 0, -EINTR (a signal while waiting) or -ENOMEM.
 */
int nsbox_live_refresh(u64 since)
{
	struct nsbox_walk_stats st;
	int ret = 0;

	if (mutex_lock_interruptible(&nsbox_walk_mutex))
		return -EINTR;
	if (!nsbox_pub_any || nsbox_pub_start < since ||
	    nsbox_pub_table != nsbox_groups_gen())
		ret = nsbox_walk_now(&st, false);
	mutex_unlock(&nsbox_walk_mutex);
	return ret;
}

void nsbox_walk_exit(void)
{
	kvfree(nsbox_w_slot);
	nsbox_w_slot = NULL;
	nsbox_w_cap = 0;
}

/* ---- who may see what ------------------------------------------------- */

/* Is the cgroup at or below @root? */
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

/* Keys of visible groups, growing. */
struct nsbox_keyset {
	u64 *keys;
	unsigned int n, cap;
};

/* Room for @more keys; process context, no RCU held. */
static int nsbox_keyset_room(struct nsbox_keyset *ks, unsigned int more)
{
	unsigned int cap;
	u64 *keys;

	if (ks->cap - ks->n >= more)
		return 0;
	cap = max(ks->cap * 2, 256U);
	keys = kvmalloc_array(cap, sizeof(*keys), GFP_KERNEL_ACCOUNT);
	if (!keys)
		return -ENOMEM;
	if (ks->n)
		memcpy(keys, ks->keys, ks->n * sizeof(*keys));
	kvfree(ks->keys);
	ks->keys = keys;
	ks->cap = cap;
	return 0;
}

/* Add the keys of @t's groups the viewer may see.  Caller holds RCU. */
static void nsbox_keyset_task(struct nsbox_keyset *ks, struct task_struct *t,
			      const struct nsbox_viewer *v, u32 kinds)
{
	struct nsbox_idents ids;
	bool ok;
	int k;

	task_lock(t);
	ok = nsbox_task_counted(t) && nsbox_task_idents(t, &ids);
	task_unlock(t);
	for (k = 0; ok && k < NSBOX_KIND_COUNT; k++) {
		if (!(kinds & BIT(k)))
			continue;
		if (k == NSBOX_KIND_CGROUP2 && !nsbox_cgroup_below(ids.k[k].obj, v->cgroot))
			continue;
		ks->keys[ks->n++] = nsbox_key(k, ids.k[k].id);
	}
}

/**
 * nsbox_walk_visible() - the groups that hold a task the viewer may see
 * @v: the viewer (not the admin)
 * @kinds: a bit per enum nsbox_kind wanted
 * @nr: set to the number of keys
 *
 * Walks the tasks of the viewer's pid namespace (only those can be
 * visible), by pid number, letting other work run every 128 pids.  Of
 * cgroups, only those at or below the viewer's cgroup namespace root
 * count.  Returns a kvmalloc'ed sorted array of distinct nsbox_key()s
 * (free with kvfree; charged to the caller's memory cgroup), or
 * ERR_PTR(-ENOMEM).  Process context.
 */
u64 *nsbox_walk_visible(const struct nsbox_viewer *v, u32 kinds, unsigned int *nr)
{
	struct nsbox_keyset ks = { };
	unsigned int i, n = 0;
	int next = 1, ret;

	ret = nsbox_keyset_room(&ks, NSBOX_KIND_COUNT);
	rcu_read_lock();
	while (!ret) {
		struct task_struct *t;
		struct pid *pid;

		pid = nsbox_find_ge_pid(next, v->pidns);
		if (!pid)
			break;
		next = pid_nr_ns(pid, v->pidns) + 1;
		t = pid_task(pid, PIDTYPE_PID);
		if (t && nsbox_task_visible(t, v))
			nsbox_keyset_task(&ks, t, v, kinds);
		/* resumable by pid number: let go now and then, and to grow */
		if (++n % 128 == 0 || ks.cap - ks.n < NSBOX_KIND_COUNT) {
			rcu_read_unlock();
			cond_resched();
			ret = nsbox_keyset_room(&ks, NSBOX_KIND_COUNT);
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	if (ret) {
		kvfree(ks.keys);
		return ERR_PTR(ret);
	}
	nsbox_keys_sort(ks.keys, ks.n);
	for (i = 0, n = 0; i < ks.n; i++)
		if (!n || ks.keys[n - 1] != ks.keys[i])
			ks.keys[n++] = ks.keys[i];
	*nr = n;
	return ks.keys;
}
