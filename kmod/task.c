// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - reading a task.
 *
 * No per-task state is kept: a task's groups are read from the task itself
 * (nsproxy, cred, css_set) whenever it matters -- by the hook handlers
 * (track.c), the walks (walk.c), the event stream (events.c) and the
 * netlink requests (netlink.c).  Everything here only reads; none of it
 * sleeps or takes a lock, so a probe handler may call it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/ipc_namespace.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

#include "task.h"
#include "compat.h"

/* struct mnt_namespace's layout was recognised (nsbox_task_init()). */
static bool nsbox_mnt_ok;

/**
 * nsbox_task_init() - check what reading a task relies on, once, at load
 *
 * Mount namespaces are tracked only if the running kernel's struct
 * mnt_namespace has the layout compat.h expects.
 */
void nsbox_task_init(void)
{
	struct ns_common *mnt = nsbox_mnt_ns_common(current->nsproxy->mnt_ns);

	nsbox_mnt_ok = nsbox_ns_type(mnt) == CLONE_NEWNS;
	if (!nsbox_mnt_ok)
		pr_warn("struct mnt_namespace layout not recognised: mount namespaces are not tracked\n");
}

/* Set the group of @kind to the namespace @ns (NULL: id 0). */
void nsbox_ident_set(struct nsbox_idents *ids, int kind, struct ns_common *ns)
{
	ids->k[kind].obj = ns;
	ids->k[kind].id = ns ? ns->inum : 0;
	ids->k[kind].cred = NULL;
}

/**
 * nsbox_nsproxy_idents() - the groups an nsproxy gives
 * @nsp: a task's nsproxy, or a new one about to be installed
 * @ids: its mount, network, UTS, IPC, cgroup and time namespaces set; the
 *	other kinds (pid, user, cgroup2) are left as they are
 */
void nsbox_nsproxy_idents(struct nsproxy *nsp, struct nsbox_idents *ids)
{
	nsbox_ident_set(ids, NSBOX_KIND_MNT,
			nsbox_mnt_ok ? nsbox_mnt_ns_common(nsp->mnt_ns) : NULL);
	nsbox_ident_set(ids, NSBOX_KIND_NET, &nsp->net_ns->ns);
	nsbox_ident_set(ids, NSBOX_KIND_UTS, &nsp->uts_ns->ns);
	nsbox_ident_set(ids, NSBOX_KIND_IPC, &nsp->ipc_ns->ns);
	nsbox_ident_set(ids, NSBOX_KIND_CGROUP, &nsp->cgroup_ns->ns);
	nsbox_ident_set(ids, NSBOX_KIND_TIME, nsbox_time_ns_common(nsp));
}

/**
 * nsbox_task_idents() - the nine groups a task is in
 * @t: the task: current, a task not yet running, or one whose task_lock()
 *	the caller holds (nsproxy is protected by it)
 * @ids: filled in
 *
 * Caller holds rcu_read_lock() (creds, pid namespace, css_set).
 * Returns false if the task has already dropped its namespaces (exiting).
 */
bool nsbox_task_idents(struct task_struct *t, struct nsbox_idents *ids)
{
	struct nsproxy *nsp = t->nsproxy;
	struct pid_namespace *pidns;
	struct cgroup *cgrp;

	if (!nsp)
		return false;
	pidns = task_active_pid_ns(t);
	if (!pidns)
		return false;
	nsbox_nsproxy_idents(nsp, ids);
	nsbox_ident_set(ids, NSBOX_KIND_PID, &pidns->ns);
	nsbox_ident_set(ids, NSBOX_KIND_USER, &__task_cred(t)->user_ns->ns);
	cgrp = task_dfl_cgroup(t);
	ids->k[NSBOX_KIND_CGROUP2].obj = cgrp;
	ids->k[NSBOX_KIND_CGROUP2].id = cgroup_id(cgrp);
	ids->k[NSBOX_KIND_CGROUP2].cred = __task_cred(t);
	return true;
}

/**
 * nsbox_ns_kind() - the enum nsbox_kind of a namespace
 * @ns: any namespace (a pid namespace's pid_for_children included)
 *
 * Returns -EOPNOTSUPP for mount namespaces when they cannot be tracked on
 * this kernel (nsbox_task_init()), -EINVAL for a type nsbox does not know.
 */
int nsbox_ns_kind(const struct ns_common *ns)
{
	switch (nsbox_ns_type(ns)) {
	case CLONE_NEWNS:
		return nsbox_mnt_ok ? NSBOX_KIND_MNT : -EOPNOTSUPP;
	case CLONE_NEWPID:
		return NSBOX_KIND_PID;
	case CLONE_NEWNET:
		return NSBOX_KIND_NET;
	case CLONE_NEWUTS:
		return NSBOX_KIND_UTS;
	case CLONE_NEWIPC:
		return NSBOX_KIND_IPC;
	case CLONE_NEWUSER:
		return NSBOX_KIND_USER;
	case CLONE_NEWCGROUP:
		return NSBOX_KIND_CGROUP;
	case CLONE_NEWTIME:
		return NSBOX_KIND_TIME;
	}
	return -EINVAL;
}

/*
 * Changes counted ahead of the kernel.
 *
 * A hook counts a task out of its groups on entry to the kernel function
 * that makes the change, and the change itself comes a little later: an
 * exit clears the task's nsproxy in switch_task_namespaces(), which may
 * reschedule first (might_sleep()); so may a setns() or unshare() on its
 * way to installing the new nsproxy.  A walk that meets the task in that
 * window sees the old namespaces while the counts already say the new
 * ones: VERIFY would report a mismatch that is nobody's fault, and it
 * lasts as long as the task waits for a CPU.  So the hook leaves a note,
 * per task, of what it counted; a walk that finds the kernel not there yet
 * goes by the note.  A note no longer applies once the kernel has made the
 * change (the ids are the new ones, or the nsproxy is gone); it is simply
 * overwritten by the task's next one.
 *
 * The notes are a table of slots chosen by the task's address, written
 * lock-free (a slot being written is skipped: a note may then be missing,
 * which costs VERIFY another round, never a wrong answer).
 */
#define NSBOX_TRANSIT_SLOTS	512

struct nsbox_transit_slot {
	atomic_t seq;		/* odd while written */
	const struct task_struct *t;
	u64 start;		/* t->start_time: another task at the same address differs */
	struct nsbox_transit tr;
};

static struct nsbox_transit_slot nsbox_transits[NSBOX_TRANSIT_SLOTS];

static struct nsbox_transit_slot *nsbox_transit_slot(const struct task_struct *t)
{
	return &nsbox_transits[hash_ptr(t, ilog2(NSBOX_TRANSIT_SLOTS))];
}

/**
 * nsbox_transit_record() - note a change counted for @t ahead of the kernel
 * @t: the task
 * @tr: what was counted
 *
 * Any context, lock-free; called by the hooks before they change counts.
 */
void nsbox_transit_record(struct task_struct *t, const struct nsbox_transit *tr)
{
	struct nsbox_transit_slot *s = nsbox_transit_slot(t);
	int seq = atomic_read(&s->seq);

	if ((seq & 1) || atomic_cmpxchg(&s->seq, seq, seq + 1) != seq)
		return;		/* another task's note is being written here */
	/* the slot is ours: odd, seen as such before the fields change */
	smp_mb__after_atomic();
	WRITE_ONCE(s->t, t);
	WRITE_ONCE(s->start, t->start_time);
	s->tr = *tr;
	/* the fields before the even sequence that publishes them */
	smp_wmb();
	atomic_set(&s->seq, seq + 2);
}

/**
 * nsbox_transit_of() - the last note of @t, if there is one
 * @t: a task the caller keeps alive (RCU)
 * @tr: filled in
 */
bool nsbox_transit_of(struct task_struct *t, struct nsbox_transit *tr)
{
	struct nsbox_transit_slot *s = nsbox_transit_slot(t);
	int seq = atomic_read(&s->seq);
	bool mine;

	if (seq & 1)
		return false;
	/* the sequence before the fields: pairs with the writer's smp_wmb() */
	smp_rmb();
	mine = READ_ONCE(s->t) == t && READ_ONCE(s->start) == t->start_time;
	if (!mine)
		return false;	/* the common case: a walk asks for every task */
	*tr = s->tr;
	/* the fields before the sequence is read again */
	smp_rmb();
	return atomic_read(&s->seq) == seq;
}

/*
 * The groups a walk counts @ids's task in, by the note: a kind it moved in
 * where the kernel still shows the id it left counts under the one it
 * joined.  (Where the kernel shows the new id already, or another one,
 * the note is past.)
 */
void nsbox_transit_apply(const struct nsbox_transit *tr, struct nsbox_idents *ids)
{
	int k;

	for (k = 0; k < NSBOX_KIND_CGROUP2; k++) {
		if (!(tr->kinds & BIT(k)) || ids->k[k].id != tr->from[k])
			continue;
		ids->k[k].id = tr->to[k];
		ids->k[k].obj = NULL;
	}
}
