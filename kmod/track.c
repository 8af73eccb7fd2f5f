// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - following tasks from group to group.
 *
 * Every task is in nine groups at once: its mount, pid, network, UTS, IPC,
 * user, cgroup and time namespaces, and its cgroup v2 cgroup.  The hook
 * handlers below keep, for every group, how many tasks (threads) and
 * processes (thread-group leaders) are in it, and what those tasks did
 * while they were there.  No per-task state is kept: a task's groups are
 * read from the task itself (task.c) whenever it matters.
 *
 * The hooks, and why each sits where it does (docs/hooks.md has more):
 *
 *   task_new   kprobe wake_up_new_task()   a task is complete and about to
 *              run for the first time; every creation path (fork, clone,
 *              threads, kernel threads, io_uring workers) passes here, and
 *              the task is still TASK_NEW, which the start-up walk uses to
 *              avoid counting it twice.
 *   task_exit  kprobe exit_task_namespaces()   do_exit() drops the task's
 *              namespaces here: after this its nsproxy is NULL, which again
 *              gives the walks an exact "still counted?" test.  The mm is
 *              already gone, but nothing here needs it.
 *   exec       tracepoint sched_process_exec   a successful execve().
 *   ns_switch  kprobe switch_task_namespaces()   unshare(), setns() and an
 *              exec that enters a new time namespace all install a new
 *              nsproxy through it.  (6.12 inlines a copy on the exit path,
 *              so this hook never sees exits there; it does not need to.)
 *   creds      kprobe commit_creds()   the user namespace lives in the
 *              credentials: unshare(CLONE_NEWUSER) and setns() to a user
 *              namespace commit new ones.
 *   cgroup_move  kprobe cgroup_freezer_migrate_task()   called once per task
 *              moved between cgroups, with the source and destination
 *              cgroup, from the commit loop of every migration (writes to
 *              cgroup.procs/cgroup.threads).  A clone into a cgroup
 *              (CLONE_INTO_CGROUP) needs no hook: task_new sees the task
 *              already in its cgroup.
 *   oom_kill   kprobe __oom_kill_process()   the OOM killer's victim.
 *   exec_ns    kprobe exec_task_namespaces()   (6.2+) an exec that moves
 *              the task into its children's time namespace, counted here
 *              because 6.12 switches with an inlined copy ns_switch never
 *              sees (where 7.x calls it, ns_switch skips the move).
 *   ns_free    kprobe proc_free_inum()   a namespace being freed gives
 *              back its inode number, which the next new namespace may
 *              get.  The group is marked retired: it keeps its final
 *              numbers for readers, but a task entering a namespace with
 *              that number starts a fresh group, so a new namespace never
 *              inherits an old one's counters.  (A kretprobe on
 *              proc_alloc_inum() would see the reuse directly, but
 *              reloading a module with a kretprobe during a fork storm
 *              crashed 6.1 in our tests; a plain kprobe here did not.)
 *
 * Start-up: tasks that exist at load are counted by a walk of all tasks.
 * So that a task is counted exactly once, the hooks are attached first in
 * a "starting" state in which they only count that they ran; the walk
 * then counts every task with an nsproxy that is not TASK_NEW, and the
 * hooks are switched live with one cmpxchg that succeeds only if no hook
 * ran during the walk.  Otherwise the live counts are cleared and the walk
 * is repeated (NSBOX_A_LOAD_WALKS says how many were needed).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>

#include "track.h"
#include "events.h"
#include "group.h"
#include "hooks.h"
#include "task.h"
#include "walk.h"
#include "compat.h"

#define NSBOX_LIVE	(-1)

static char *nsbox_skip_hooks = "";
module_param_named(skip_hooks, nsbox_skip_hooks, charp, 0444);
MODULE_PARM_DESC(skip_hooks, "comma-separated hook names not to attach (see nsbox info)");

/* >= 0: starting, the number of hook runs seen; NSBOX_LIVE: counting. */
static atomic_t nsbox_state = ATOMIC_INIT(0);
static unsigned int nsbox_walks;
static DEFINE_PER_CPU(u64, nsbox_task_churn);

unsigned int nsbox_load_walks(void)
{
	return nsbox_walks;
}

/* Sum of task creations and exits seen, for task-dump consistency. */
u64 nsbox_task_events(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(&nsbox_task_churn, cpu));
	return sum;
}

/*
 * Should a handler act?  Read-only while live.  While starting, each run
 * is counted instead, which makes the start-up cmpxchg fail and the walk
 * run again.
 */
static bool nsbox_live(void)
{
	if (likely(atomic_read(&nsbox_state) == NSBOX_LIVE))
		return true;
	return atomic_fetch_add_unless(&nsbox_state, 1, NSBOX_LIVE) == NSBOX_LIVE;
}

static void nsbox_acc_add(struct nsbox_group *g, const s64 *v, int sign)
{
	int i;

	for (i = 0; i < NSBOX_NR_ACC; i++)
		atomic64_add(sign * v[i], &g->acc[i]);
}

/*
 * The groups one change of one task touches, all held busy
 * (nsbox_group_busy()) from before anything of the change shows -- its
 * transit note, its first count -- until after the last count.  A walk
 * that overlaps any part of it then sees every one of them change, and
 * VERIFY never compares a group the change has reached with one it has
 * not reached yet (on a virtual machine, the host may stop a vCPU
 * anywhere in a handler for longer than a whole walk).
 */
#define NSBOX_HOLD_MAX	(2 * NSBOX_KIND_COUNT)

struct nsbox_hold {
	struct nsbox_group *g[NSBOX_HOLD_MAX];
	unsigned int n;
};

/* Add @g, busy already (nsbox_group_join()), to @h. */
static struct nsbox_group *nsbox_held(struct nsbox_hold *h, struct nsbox_group *g)
{
	if (g && !WARN_ON_ONCE(h->n >= NSBOX_HOLD_MAX))
		h->g[h->n++] = g;
	return g;
}

/* Find the group of (@kind, @id) and hold it busy.  NULL: none. */
static struct nsbox_group *nsbox_hold_find(struct nsbox_hold *h, u8 kind, u64 id)
{
	struct nsbox_group *g = nsbox_group_find(kind, id);

	if (g)
		nsbox_group_busy(g);
	return nsbox_held(h, g);
}

static void nsbox_release(struct nsbox_hold *h)
{
	unsigned int i;

	for (i = 0; i < h->n; i++)
		nsbox_group_done(h->g[i]);
	h->n = 0;
}

/*
 * One task's move in one kind, first half: its source group held, its
 * destination joined (counted in, held).  The caller notes the move, then
 * finishes it with nsbox_move_count(), then releases the hold.
 */
struct nsbox_moving {
	struct nsbox_group *from, *to;
};

static void nsbox_move_hold(struct nsbox_hold *h, struct nsbox_moving *m,
			    struct task_struct *t, int kind,
			    const struct nsbox_ident *from, const struct nsbox_ident *to)
{
	m->from = nsbox_hold_find(h, kind, from->id);
	m->to = nsbox_held(h, nsbox_group_join(kind, to, thread_group_leader(t)));
}

/*
 * The second half: out of the source.  The values it brings are
 * subtracted from the destination and added to the source, so each group
 * ends up with exactly what the task did while it was a member.
 */
static bool nsbox_move_count(const struct nsbox_moving *m, struct task_struct *t,
			     const s64 *v)
{
	if (m->from) {
		nsbox_group_leave(m->from, thread_group_leader(t));
		atomic64_inc(&m->from->cnt[NSBOX_CNT_MOVED_OUT]);
		nsbox_acc_add(m->from, v, 1);
	}
	if (m->to) {
		atomic64_inc(&m->to->cnt[NSBOX_CNT_MOVED_IN]);
		nsbox_acc_add(m->to, v, -1);
	}
	return m->from && m->to;
}

static void nsbox_account(struct nsbox_hook *hook, bool ok)
{
	if (ok)
		nsbox_hook_hit(hook);
	else
		nsbox_hook_miss(hook);
}

/*
 * One task changes group in one kind (user namespace, time namespace at
 * exec, cgroup): move it.  A namespace move is noted first (task.c): the
 * kernel makes it visible a little later.  (A cgroup move is counted after
 * the kernel made it, under the same lock: nothing to note.)
 */
static void nsbox_move_one(struct nsbox_hook *hook, struct task_struct *t,
			   int kind, u64 from_id, const void *from_obj,
			   u64 to_id, const void *to_obj)
{
	struct nsbox_ident from = { .id = from_id, .obj = from_obj };
	struct nsbox_ident to = { .id = to_id, .obj = to_obj };
	struct nsbox_hold h = { };
	struct nsbox_moving m;
	s64 v[NSBOX_NR_ACC];
	bool ok;

	nsbox_task_values(t, v);
	rcu_read_lock();
	to.cred = __task_cred(t);	/* whom a new cgroup's group is charged to */
	nsbox_move_hold(&h, &m, t, kind, &from, &to);
	if (kind != NSBOX_KIND_CGROUP2) {
		struct nsbox_transit tr = { .kinds = BIT(kind) };

		tr.from[kind] = from_id;
		tr.to[kind] = to_id;
		nsbox_transit_record(t, &tr);
	}
	ok = nsbox_move_count(&m, t, v);
	nsbox_release(&h);
	rcu_read_unlock();
	nsbox_account(hook, ok);
}

/* ---- events (events.c), only while somebody listens ---------------------- */

/* A bit per kind whose id differs. */
static u32 nsbox_changed(const struct nsbox_idents *a, const struct nsbox_idents *b)
{
	u32 changed = 0;
	int k;

	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		if (a->k[k].id != b->k[k].id)
			changed |= BIT(k);
	return changed;
}

/* An event with nothing but the common part.  Caller holds RCU. */
static void nsbox_emit(int type, struct task_struct *t, const struct nsbox_idents *ids)
{
	unsigned long flags;

	if (nsbox_event_begin(type, t, ids, &flags))
		nsbox_event_commit(flags);
}

/* NS_CHANGE from @old to @ids.  Caller holds RCU. */
static void nsbox_emit_change(struct task_struct *t, const struct nsbox_idents *old,
			      const struct nsbox_idents *ids, u32 changed)
{
	struct nsbox_event *ev;
	unsigned long flags;
	int k;

	ev = nsbox_event_begin(NSBOX_EVENT_NS_CHANGE, t, ids, &flags);
	if (!ev)
		return;
	ev->changed = changed;
	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		ev->old[k] = old->k[k].id;
	nsbox_event_commit(flags);
}

/* FORK, and NS_CHANGE when clone() made new namespaces.  Caller holds RCU. */
static void nsbox_emit_fork(struct task_struct *p, const struct nsbox_idents *ids)
{
	struct nsbox_idents parent;
	struct nsbox_event *ev;
	unsigned long flags;
	u32 changed;

	ev = nsbox_event_begin(NSBOX_EVENT_FORK, p, ids, &flags);
	if (ev) {
		ev->ppid = get_pid(task_tgid(current));
		ev->thread = !thread_group_leader(p);
		nsbox_event_commit(flags);
	}
	/* the creator is current: its namespaces are safe to read */
	if (!nsbox_task_idents(current, &parent))
		return;
	changed = nsbox_changed(&parent, ids) & ~BIT(NSBOX_KIND_CGROUP2);
	if (changed)
		nsbox_emit_change(p, &parent, ids, changed);
}

/*
 * Tasks in an exec whose move into their children's time namespace the
 * exec_ns hook has counted (exec_task_namespaces(), 6.2+): ns_switch must
 * not count it again where the kernel calls switch_task_namespaces() out
 * of line there (7.x; 6.12 inlines it).  A slot is taken in exec_ns and
 * given back at the exec tracepoint or at exit.  Lock-free (cmpxchg), and
 * only execs that change time namespace ever use it.
 */
#define NSBOX_EXEC_SLOTS	16
static struct task_struct *nsbox_exec_slots[NSBOX_EXEC_SLOTS];
static atomic_t nsbox_exec_pending;

static bool __maybe_unused nsbox_exec_mark(struct task_struct *t)
{
	int i;

	for (i = 0; i < NSBOX_EXEC_SLOTS; i++) {
		if (!cmpxchg(&nsbox_exec_slots[i], NULL, t)) {
			atomic_inc(&nsbox_exec_pending);
			return true;
		}
	}
	return false;
}

/* Is @t marked?  With @clear, give its slot back. */
static bool nsbox_exec_marked(struct task_struct *t, bool clear)
{
	int i;

	if (!atomic_read(&nsbox_exec_pending))
		return false;
	for (i = 0; i < NSBOX_EXEC_SLOTS; i++) {
		if (READ_ONCE(nsbox_exec_slots[i]) != t)
			continue;
		if (clear && cmpxchg(&nsbox_exec_slots[i], t, NULL) == t)
			atomic_dec(&nsbox_exec_pending);
		return true;
	}
	return false;
}

/* ---- the handlers ------------------------------------------------------ */

static int nsbox_on_task_new(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct task_struct *p = (void *)regs_get_kernel_argument(regs, 0);
	struct nsbox_idents ids;
	bool leader, ok = true;
	int k;

	if (!nsbox_live())
		return 0;
	this_cpu_inc(nsbox_task_churn);
	leader = thread_group_leader(p);
	rcu_read_lock();
	/* p has not run yet: nothing else changes its namespaces. */
	if (nsbox_task_idents(p, &ids)) {
		struct nsbox_hold h = { };

		for (k = 0; k < NSBOX_KIND_COUNT; k++) {
			struct nsbox_group *g;

			g = nsbox_held(&h, nsbox_group_join(k, &ids.k[k], leader));
			if (g)
				atomic64_inc(&g->cnt[NSBOX_CNT_FORKS]);
			else
				ok = false;
		}
		nsbox_release(&h);
		if (nsbox_events_wanted())
			nsbox_emit_fork(p, &ids);
	} else {
		ok = false;
	}
	rcu_read_unlock();
	nsbox_account(hook, ok);
	return 0;
}

static int nsbox_on_task_exit(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct task_struct *p = (void *)regs_get_kernel_argument(regs, 0);
	s64 v[NSBOX_NR_ACC];
	struct nsbox_idents ids;
	bool leader, ok = true;
	int k;

	/* copy_process() also calls it to undo a failed fork: not an exit. */
	if (p != current || !nsbox_live())
		return 0;
	this_cpu_inc(nsbox_task_churn);
	nsbox_exec_marked(p, true);	/* an exec that did not finish */
	leader = thread_group_leader(p);
	nsbox_task_values(p, v);
	rcu_read_lock();
	if (nsbox_task_idents(p, &ids)) {
		struct nsbox_group *g[NSBOX_KIND_COUNT];
		struct nsbox_hold h = { };

		for (k = 0; k < NSBOX_KIND_COUNT; k++)
			g[k] = nsbox_hold_find(&h, k, ids.k[k].id);
		/* counted out now, its namespaces dropped a little later */
		nsbox_transit_record(p, &(struct nsbox_transit){ .exit = true });
		for (k = 0; k < NSBOX_KIND_COUNT; k++) {
			if (!g[k]) {
				ok = false;
				continue;
			}
			/*
			 * Count the exit before the task leaves: whoever sees
			 * the threads fall to 0 then sees every exit (the
			 * decrement in nsbox_group_leave() is fully ordered).
			 */
			atomic64_inc(&g[k]->cnt[NSBOX_CNT_EXITS]);
			nsbox_acc_add(g[k], v, 1);
			nsbox_group_leave(g[k], leader);
		}
		nsbox_release(&h);
		if (nsbox_events_wanted()) {
			struct nsbox_event *ev;
			unsigned long flags;

			ev = nsbox_event_begin(NSBOX_EVENT_EXIT, p, &ids, &flags);
			if (ev) {
				ev->exit_code = p->exit_code;
				nsbox_event_commit(flags);
			}
		}
	} else {
		ok = false;
	}
	rcu_read_unlock();
	nsbox_account(hook, ok);
	return 0;
}

static void nsbox_on_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	struct nsbox_hook *hook = data;
	struct nsbox_idents ids;
	/* A thread other than the leader exec'd: it is the leader now. */
	bool new_leader = old_pid != p->pid;
	bool ok = true;
	int k;

	if (!nsbox_live())
		return;
	nsbox_exec_marked(p, true);
	rcu_read_lock();
	if (nsbox_task_idents(p, &ids)) {
		for (k = 0; k < NSBOX_KIND_COUNT; k++) {
			struct nsbox_group *g = nsbox_group_find(k, ids.k[k].id);

			if (!g) {
				ok = false;
				continue;
			}
			atomic64_inc(&g->cnt[NSBOX_CNT_EXECS]);
			if (new_leader) {
				nsbox_group_busy(g);
				atomic_inc(&g->procs);
				nsbox_group_done(g);
			}
		}
		if (nsbox_events_wanted()) {
			struct nsbox_event *ev;
			unsigned long flags;

			ev = nsbox_event_begin(NSBOX_EVENT_EXEC, p, &ids, &flags);
			if (ev) {
				strscpy(ev->filename, bprm->filename, sizeof(ev->filename));
				nsbox_event_commit(flags);
			}
		}
	} else {
		ok = false;
	}
	rcu_read_unlock();
	nsbox_account(hook, ok);
}

/*
 * unshare(CLONE_NEWPID) and unshare(CLONE_NEWTIME) make a namespace for
 * the task's children, not for the task: if no child ever enters it (its
 * file bound by a mount, then the task exits), no task is ever seen in
 * it.  Its group is made here, empty, so that no namespace made while the
 * module is loaded needs ADOPT (nsbox_groups_adopted()).  Caller holds
 * RCU.
 */
static void nsbox_adopt_for_children(struct task_struct *p, struct nsproxy *new)
{
	struct nsbox_ident ident = { };
	struct ns_common *ns;

	if (new->pid_ns_for_children &&
	    new->pid_ns_for_children != task_active_pid_ns(p)) {
		ns = &new->pid_ns_for_children->ns;
		ident.id = ns->inum;
		ident.obj = ns;
		nsbox_group_adopt(NSBOX_KIND_PID, &ident);
	}
	ns = nsbox_time_ns_children(new);
	if (ns && ns != nsbox_time_ns_common(new)) {
		ident.id = ns->inum;
		ident.obj = ns;
		nsbox_group_adopt(NSBOX_KIND_TIME, &ident);
	}
}

static int nsbox_on_ns_switch(struct kprobe *kp, struct pt_regs *regs)
{
	static const int kinds[] = {
		NSBOX_KIND_MNT, NSBOX_KIND_NET, NSBOX_KIND_UTS, NSBOX_KIND_IPC,
		NSBOX_KIND_CGROUP, NSBOX_KIND_TIME,
	};
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct task_struct *p = (void *)regs_get_kernel_argument(regs, 0);
	struct nsproxy *new = (void *)regs_get_kernel_argument(regs, 1);
	struct nsbox_transit tr = { };
	struct nsbox_idents from, to;
	bool ok = true, moved = false;
	s64 v[NSBOX_NR_ACC];
	unsigned int i;

	/* new == NULL is the exit path (6.1): task_exit handles exits. */
	if (!new || !p->nsproxy || !nsbox_live())
		return 0;
	rcu_read_lock();
	if (!nsbox_task_idents(p, &from)) {
		rcu_read_unlock();
		return 0;
	}
	to = from;
	nsbox_nsproxy_idents(new, &to);
	nsbox_adopt_for_children(p, new);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		int k = kinds[i];

		if (from.k[k].id == to.k[k].id)
			continue;
		/* exec_ns counted this one, at the start of the exec */
		if (k == NSBOX_KIND_TIME && p == current && nsbox_exec_marked(p, false))
			continue;
		tr.kinds |= BIT(k);
		tr.from[k] = from.k[k].id;
		tr.to[k] = to.k[k].id;
	}
	/* counted now; the new nsproxy is installed a little later */
	if (tr.kinds) {
		struct nsbox_moving m[ARRAY_SIZE(kinds)];
		struct nsbox_hold h = { };

		for (i = 0; i < ARRAY_SIZE(kinds); i++)
			if (tr.kinds & BIT(kinds[i]))
				nsbox_move_hold(&h, &m[i], p, kinds[i], &from.k[kinds[i]],
						&to.k[kinds[i]]);
		nsbox_transit_record(p, &tr);
		nsbox_task_values(p, v);
		for (i = 0; i < ARRAY_SIZE(kinds); i++)
			if (tr.kinds & BIT(kinds[i]))
				ok &= nsbox_move_count(&m[i], p, v);
		nsbox_release(&h);
		moved = true;
	}
	if (moved && nsbox_events_wanted())
		nsbox_emit_change(p, &from, &to, nsbox_changed(&from, &to));
	rcu_read_unlock();
	if (moved)
		nsbox_account(hook, ok);
	return 0;
}

static int nsbox_on_creds(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	const struct cred *new = (void *)regs_get_kernel_argument(regs, 0);
	struct user_namespace *old_ns = current_cred()->user_ns;

	if (old_ns == new->user_ns || !current->nsproxy || !nsbox_live())
		return 0;
	nsbox_move_one(hook, current, NSBOX_KIND_USER,
		       old_ns->ns.inum, &old_ns->ns,
		       new->user_ns->ns.inum, &new->user_ns->ns);
	if (nsbox_events_wanted()) {
		struct nsbox_idents from, to;

		rcu_read_lock();
		if (nsbox_task_idents(current, &from)) {
			to = from;
			nsbox_ident_set(&to, NSBOX_KIND_USER, &new->user_ns->ns);
			nsbox_emit_change(current, &from, &to, BIT(NSBOX_KIND_USER));
		}
		rcu_read_unlock();
	}
	return 0;
}

#ifdef NSBOX_HAVE_EXEC_TASK_NAMESPACES
/*
 * exec_task_namespaces(): since 6.2 an exec moves the task into the time
 * namespace its children get, if it differs (a vfork child of a task that
 * unshared CLONE_NEWTIME).  The switch inside it is an inlined copy of
 * switch_task_namespaces() on 6.12 and 7.x, which ns_switch never sees,
 * so the move is counted here, on entry, for the current task.  (Only an
 * allocation failure in it stops the switch, and then the exec kills the
 * task.)
 */
static int nsbox_on_exec_ns(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct nsproxy *nsp = current->nsproxy;
	struct ns_common *from, *to;

	if (!nsp || !nsbox_live())
		return 0;
	from = nsbox_time_ns_common(nsp);
	to = nsbox_time_ns_children(nsp);
	if (!from || !to || from == to)
		return 0;
	if (!nsbox_exec_mark(current)) {
		/* 16 such execs at once: this move is not counted */
		nsbox_account(hook, false);
		return 0;
	}
	nsbox_move_one(hook, current, NSBOX_KIND_TIME, from->inum, from, to->inum, to);
	if (nsbox_events_wanted()) {
		struct nsbox_idents ids, after;

		rcu_read_lock();
		if (nsbox_task_idents(current, &ids)) {
			after = ids;
			nsbox_ident_set(&after, NSBOX_KIND_TIME, to);
			nsbox_emit_change(current, &ids, &after, BIT(NSBOX_KIND_TIME));
		}
		rcu_read_unlock();
	}
	return 0;
}
#endif

static int nsbox_on_cgroup_move(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct task_struct *p = (void *)regs_get_kernel_argument(regs, 0);
	struct cgroup *src = (void *)regs_get_kernel_argument(regs, 1);
	struct cgroup *dst = (void *)regs_get_kernel_argument(regs, 2);

	/*
	 * A task still TASK_NEW is not counted yet: task_new will find it
	 * in its new cgroup.  One past task_exit is not counted any more.
	 */
	if (src == dst || nsbox_task_state(p) == TASK_NEW || !p->nsproxy ||
	    !nsbox_live())
		return 0;
	nsbox_move_one(hook, p, NSBOX_KIND_CGROUP2, cgroup_id(src), src,
		       cgroup_id(dst), dst);
	if (nsbox_events_wanted()) {
		struct nsbox_idents ids = { };
		struct nsbox_event *ev;
		unsigned long flags;

		/*
		 * Called under css_set_lock: the task's nsproxy (task_lock)
		 * is out of reach unless it is current.  The other ids are
		 * then read when the event is sent (events.c, late_ids).
		 */
		rcu_read_lock();
		if (p == current)
			nsbox_task_idents(p, &ids);
		ids.k[NSBOX_KIND_CGROUP2].id = cgroup_id(dst);
		ev = nsbox_event_begin(NSBOX_EVENT_CGROUP_MOVE, p, &ids, &flags);
		if (ev) {
			ev->late_ids = p != current;
			ev->changed = BIT(NSBOX_KIND_CGROUP2);
			memcpy(ev->old, ev->ids, sizeof(ev->old));
			ev->old[NSBOX_KIND_CGROUP2] = cgroup_id(src);
			nsbox_event_commit(flags);
		}
		rcu_read_unlock();
	}
	return 0;
}

static int nsbox_on_oom_kill(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	struct task_struct *victim = (void *)regs_get_kernel_argument(regs, 0);
	struct nsbox_idents ids;
	bool ok = true;
	int k;

	if (!nsbox_live())
		return 0;
	rcu_read_lock();
	task_lock(victim);
	if (nsbox_task_idents(victim, &ids)) {
		for (k = 0; k < NSBOX_KIND_COUNT; k++) {
			struct nsbox_group *g = nsbox_group_find(k, ids.k[k].id);

			if (g)
				atomic64_inc(&g->cnt[NSBOX_CNT_OOM_KILLS]);
			else
				ok = false;
		}
		if (nsbox_events_wanted())
			nsbox_emit(NSBOX_EVENT_OOM_KILL, victim, &ids);
	} else {
		ok = false;
	}
	task_unlock(victim);
	rcu_read_unlock();
	nsbox_account(hook, ok);
	return 0;
}

static int nsbox_on_ns_free(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_hook *hook = container_of(kp, struct nsbox_hook, kp);
	unsigned int inum = regs_get_kernel_argument(regs, 0);

	nsbox_groups_retire_inum(inum);
	nsbox_hook_hit(hook);
	return 0;
}

static const char *const nsbox_exit_alts[] = { "exit_nsproxy_namespaces", NULL };

static struct nsbox_hook nsbox_hooks[] = {
	{ .name = "task_new", .symbol = "wake_up_new_task",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_task_new,
	  .affects = "forks, procs, threads and every per-group total of new tasks" },
	{ .name = "task_exit", .symbol = "exit_task_namespaces",
	  .alts = nsbox_exit_alts,
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_task_exit,
	  .affects = "exits, procs, threads and the CPU, fault and I/O totals of exited tasks" },
	{ .name = "exec", .symbol = "sched_process_exec",
	  .kind = NSBOX_HOOK_TRACEPOINT, .probe = nsbox_on_exec,
	  .affects = "execs" },
	{ .name = "ns_switch", .symbol = "switch_task_namespaces",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_ns_switch,
	  .affects = "moved_in, moved_out and namespace groups after unshare or setns" },
	{ .name = "creds", .symbol = "commit_creds",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_creds,
	  .affects = "user namespace groups of tasks that unshare or setns one" },
	{ .name = "cgroup_move", .symbol = "cgroup_freezer_migrate_task",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_cgroup_move,
	  .affects = "cgroup2 groups of tasks moved between cgroups" },
	{ .name = "oom_kill", .symbol = "__oom_kill_process",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_oom_kill,
	  .affects = "oom_kills" },
#ifdef NSBOX_HAVE_EXEC_TASK_NAMESPACES
	{ .name = "exec_ns", .symbol = "exec_task_namespaces",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_exec_ns,
	  .affects = "time namespace groups of tasks that exec into their children's" },
#endif
	{ .name = "ns_free", .symbol = "proc_free_inum",
	  .kind = NSBOX_HOOK_KPROBE, .pre = nsbox_on_ns_free,
	  .affects = "namespace group state (freed ones stay empty; pre-6.18, reused ids merge)" },
};

/* Is @name an item of the comma-separated @list? */
static bool nsbox_name_listed(const char *name, const char *list)
{
	size_t n = strlen(name);

	while (list && *list) {
		if (!strncmp(list, name, n) && (list[n] == ',' || !list[n]))
			return true;
		list = strchr(list, ',');
		if (list)
			list++;
	}
	return false;
}

/**
 * nsbox_track_init() - attach the hooks and count the tasks that exist
 *
 * Returns 0 or -ENOMEM; hooks that cannot attach only disable themselves.
 */
int nsbox_track_init(void)
{
	unsigned int i;
	int ret, seen;

	nsbox_task_init();
	atomic_set(&nsbox_state, 0);
	for (i = 0; i < ARRAY_SIZE(nsbox_hooks); i++) {
		if (nsbox_name_listed(nsbox_hooks[i].name, nsbox_skip_hooks))
			ret = nsbox_hook_skip(&nsbox_hooks[i]);
		else
			ret = nsbox_hook_attach(&nsbox_hooks[i]);
		if (ret == -ENOMEM || ret == -ENOSPC)
			return ret;
	}

	/*
	 * Count the tasks that exist.  If any hook ran meanwhile, the walk
	 * may have missed or doubled that task: clear and walk again.
	 */
	for (nsbox_walks = 1; ; nsbox_walks++) {
		seen = atomic_read(&nsbox_state);
		nsbox_groups_clear_live();
		nsbox_walk_count();
		if (atomic_cmpxchg(&nsbox_state, seen, NSBOX_LIVE) == seen)
			break;
		if (nsbox_walks >= 200) {
			/* Go live anyway; VERIFY will show what is off. */
			atomic_set(&nsbox_state, NSBOX_LIVE);
			pr_warn("tasks kept changing during %u start-up walks; counts may be off (see VERIFY)\n",
				nsbox_walks);
			break;
		}
		cond_resched();
	}
	return 0;
}

void nsbox_track_exit(void)
{
	nsbox_hooks_detach();
}
