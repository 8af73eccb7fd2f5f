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
 * change (the ids are the new ones, or the nsproxy is gone).
 *
 * The notes are two tables of buckets chosen by the task's address: one
 * for exits (every exit writes one), one for moves (setns, unshare: much
 * rarer), so that a storm of exits never pushes out the note of a task
 * waiting halfway through a setns.  A bucket's slots are written in turn,
 * so a note outlives the next NSBOX_NOTE_WAYS - 1 notes of other tasks
 * that land in its bucket: far longer than any wait for a CPU unless
 * thousands of tasks exit at once.  A move replaces its task's own earlier
 * note.  Written lock-free; a note that could not be written, or that was
 * pushed out, is not silently wrong: a walk that meets an exiting task past
 * exit_fs() with no note (nsbox_transit_of(): NSBOX_NOTE_UNSURE) marks its
 * groups as changing, so VERIFY says they did not settle rather than that
 * they are wrong.  (A move note pushed out by NSBOX_NOTE_WAYS other moves in
 * one bucket during one task's wait is the one case left.)
 */
#define NSBOX_NOTE_WAYS		4
#define NSBOX_EXIT_BUCKETS	512	/* 2,048 exit notes, 52 KiB */
#define NSBOX_MOVE_BUCKETS	128	/* 512 move notes, 81 KiB */

struct nsbox_note {
	atomic_t seq;		/* odd while written */
	const struct task_struct *t;
	u64 start;		/* t->start_time: another task at the same address differs */
};

struct nsbox_exit_bucket {
	atomic_t next;		/* the slot written next, modulo NSBOX_NOTE_WAYS */
	struct nsbox_note n[NSBOX_NOTE_WAYS];
};

struct nsbox_move_bucket {
	atomic_t next;
	struct nsbox_note n[NSBOX_NOTE_WAYS];
	struct nsbox_transit tr[NSBOX_NOTE_WAYS];
};

static struct nsbox_exit_bucket nsbox_exit_notes[NSBOX_EXIT_BUCKETS];
static struct nsbox_move_bucket nsbox_move_notes[NSBOX_MOVE_BUCKETS];

/* Take slot @n for @t: false if another writer has it. */
static bool nsbox_note_begin(struct nsbox_note *n, const struct task_struct *t, int *seq)
{
	*seq = atomic_read(&n->seq);
	if ((*seq & 1) || atomic_cmpxchg(&n->seq, *seq, *seq + 1) != *seq)
		return false;
	/* the slot is ours: odd, seen as such before the fields change */
	smp_mb__after_atomic();
	WRITE_ONCE(n->t, t);
	WRITE_ONCE(n->start, t->start_time);
	return true;
}

static void nsbox_note_end(struct nsbox_note *n, int seq)
{
	/* the fields before the even sequence that publishes them */
	smp_wmb();
	atomic_set(&n->seq, seq + 2);
}

/* Is @n @t's note?  The sequence to check again after reading, or -1. */
static int nsbox_note_mine(const struct nsbox_note *n, const struct task_struct *t)
{
	int seq = atomic_read(&n->seq);

	if (READ_ONCE(n->t) != t || (seq & 1))
		return -1;	/* the common case: a walk asks for every task */
	/* the sequence before the fields: pairs with nsbox_note_end() */
	smp_rmb();
	if (READ_ONCE(n->t) != t || READ_ONCE(n->start) != t->start_time)
		return -1;
	return seq;
}

static bool nsbox_note_still(const struct nsbox_note *n, int seq)
{
	/* the fields before the sequence is read again */
	smp_rmb();
	return atomic_read(&n->seq) == seq;
}

/* A slot for @t's next note in a bucket: its own, else the next in turn. */
static int nsbox_note_way(atomic_t *next, const struct nsbox_note *n, const struct task_struct *t)
{
	int i;

	for (i = 0; i < NSBOX_NOTE_WAYS; i++)
		if (READ_ONCE(n[i].t) == t && READ_ONCE(n[i].start) == t->start_time)
			return i;
	return (unsigned int)atomic_inc_return(next) % NSBOX_NOTE_WAYS;
}

/*
 * Take the first slot, from @w on (modulo NSBOX_NOTE_WAYS), that no other
 * writer holds: its index, or -1 if every one is being written.
 */
static int nsbox_note_claim(struct nsbox_note *n, unsigned int w,
			    const struct task_struct *t, int *seq)
{
	int i;

	for (i = 0; i < NSBOX_NOTE_WAYS; i++, w++)
		if (nsbox_note_begin(&n[w % NSBOX_NOTE_WAYS], t, seq))
			return w % NSBOX_NOTE_WAYS;
	return -1;
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
	int w, seq;

	if (tr->exit) {
		struct nsbox_exit_bucket *b =
			&nsbox_exit_notes[hash_ptr(t, ilog2(NSBOX_EXIT_BUCKETS))];

		/* one exit per task: no note of its own to find */
		w = nsbox_note_claim(b->n, atomic_inc_return(&b->next), t, &seq);
		if (w >= 0)
			nsbox_note_end(&b->n[w], seq);
	} else {
		struct nsbox_move_bucket *b =
			&nsbox_move_notes[hash_ptr(t, ilog2(NSBOX_MOVE_BUCKETS))];

		w = nsbox_note_claim(b->n, nsbox_note_way(&b->next, b->n, t), t, &seq);
		if (w >= 0) {
			b->tr[w] = *tr;
			nsbox_note_end(&b->n[w], seq);
		}
	}
	/* w < 0: every slot of the bucket being written at once: see above */
}

/**
 * nsbox_transit_of() - what the hooks counted of @t ahead of the kernel
 * @t: a task the caller keeps alive and holds task_lock() of
 * @tr: filled in for NSBOX_NOTE_MOVE
 */
enum nsbox_note_kind nsbox_transit_of(struct task_struct *t, struct nsbox_transit *tr)
{
	struct nsbox_move_bucket *mb;
	int i, seq;

	if (unlikely(t->flags & PF_EXITING)) {
		struct nsbox_exit_bucket *b =
			&nsbox_exit_notes[hash_ptr(t, ilog2(NSBOX_EXIT_BUCKETS))];

		for (i = 0; i < NSBOX_NOTE_WAYS; i++) {
			seq = nsbox_note_mine(&b->n[i], t);
			if (seq >= 0 && nsbox_note_still(&b->n[i], seq))
				return NSBOX_NOTE_EXIT;
		}
		/*
		 * Past exit_fs() (task_lock() orders it), the exit hook is
		 * near or done: without its note, the counts may say either.
		 */
		if (!t->fs)
			return NSBOX_NOTE_UNSURE;
	}
	mb = &nsbox_move_notes[hash_ptr(t, ilog2(NSBOX_MOVE_BUCKETS))];
	for (i = 0; i < NSBOX_NOTE_WAYS; i++) {
		seq = nsbox_note_mine(&mb->n[i], t);
		if (seq < 0)
			continue;
		*tr = mb->tr[i];
		if (nsbox_note_still(&mb->n[i], seq))
			return NSBOX_NOTE_MOVE;
	}
	return NSBOX_NOTE_NONE;
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
