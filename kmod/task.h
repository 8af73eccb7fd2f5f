/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - reading a task: which groups it is in, and its own values.
 *
 * Exports (task.c): struct nsbox_ident and struct nsbox_idents (a task's
 * nine groups), enum nsbox_acc (a task's cumulative values), and the
 * readers nsbox_task_idents(), nsbox_nsproxy_idents(), nsbox_ident_set(),
 * nsbox_task_values(), nsbox_task_counted(), nsbox_ns_kind(), with
 * nsbox_task_init() to run once before any of them; and the changes the
 * hooks counted ahead of the kernel (struct nsbox_transit,
 * nsbox_transit_record/of/apply).
 * Depends on: compat.h.
 */
#ifndef _NSBOX_TASK_H
#define _NSBOX_TASK_H

#include <linux/sched.h>
#include <linux/types.h>

#include "../uapi/linux/nsbox.h"
#include "compat.h"

struct cred;
struct ns_common;
struct nsproxy;
struct task_struct;

/* Cumulative values taken from a task: added when it leaves a group. */
enum nsbox_acc {
	NSBOX_ACC_CPU,
	NSBOX_ACC_UTIME,
	NSBOX_ACC_STIME,
	NSBOX_ACC_NVCSW,
	NSBOX_ACC_NIVCSW,
	NSBOX_ACC_MINFLT,
	NSBOX_ACC_MAJFLT,
	NSBOX_ACC_RCHAR,
	NSBOX_ACC_WCHAR,
	NSBOX_ACC_READ_BYTES,
	NSBOX_ACC_WRITE_BYTES,
	NSBOX_ACC_SYSCR,
	NSBOX_ACC_SYSCW,
	NSBOX_NR_ACC
};

/**
 * struct nsbox_ident - which group of one kind a task is in
 * @id: namespace inode number or cgroup id
 * @obj: the struct ns_common or struct cgroup itself; only read while
 *	creating the group (parent, owner, whom it is charged to), never
 *	stored
 * @cred: cgroup2: the credentials of the task whose action would make the
 *	group (whom a new cgroup's group is charged to, share.c); NULL for
 *	namespaces, which are charged by their owner
 */
struct nsbox_ident {
	u64 id;
	const void *obj;
	const struct cred *cred;
};

/* The nine groups of one task, indexed by enum nsbox_kind. */
struct nsbox_idents {
	struct nsbox_ident k[NSBOX_KIND_COUNT];
};

/**
 * struct nsbox_transit - a change of a task that a hook has counted and
 *	the kernel may not have made visible yet
 * @exit: its exit is counted (it still has its namespaces meanwhile)
 * @kinds: a bit per enum nsbox_kind it moved in (namespaces only)
 * @from: for each of @kinds, the id it left
 * @to: for each of @kinds, the id it joined
 */
struct nsbox_transit {
	bool exit;
	u16 kinds;
	u64 from[NSBOX_KIND_CGROUP2];
	u64 to[NSBOX_KIND_CGROUP2];
};

void nsbox_task_init(void);
/*
 * What nsbox_transit_of() found: no note (the kernel shows what the hooks
 * counted); an exit counted; a move counted (applied by
 * nsbox_transit_apply()); an exiting task whose note may be lost (the
 * counts may or may not have it).
 */
enum nsbox_note_kind {
	NSBOX_NOTE_NONE,
	NSBOX_NOTE_EXIT,
	NSBOX_NOTE_MOVE,
	NSBOX_NOTE_UNSURE,
};

void nsbox_transit_record(struct task_struct *t, const struct nsbox_transit *tr);
enum nsbox_note_kind nsbox_transit_of(struct task_struct *t, struct nsbox_transit *tr);
void nsbox_transit_apply(const struct nsbox_transit *tr, struct nsbox_idents *ids);
bool nsbox_task_idents(struct task_struct *t, struct nsbox_idents *ids);
void nsbox_nsproxy_idents(struct nsproxy *nsp, struct nsbox_idents *ids);
void nsbox_ident_set(struct nsbox_idents *ids, int kind, struct ns_common *ns);
int nsbox_ns_kind(const struct ns_common *ns);

/*
 * Inline: a walk asks both of every task, and a hook of every exit.
 */

/* Is @t in the live counts?  Caller holds task_lock(t). */
static inline bool nsbox_task_counted(struct task_struct *t)
{
	return t->nsproxy && nsbox_task_state(t) != TASK_NEW;
}

/* The task's own cumulative values, enum nsbox_acc. */
static inline void nsbox_task_values(struct task_struct *t, s64 *v)
{
	v[NSBOX_ACC_CPU] = READ_ONCE(t->se.sum_exec_runtime);
	v[NSBOX_ACC_UTIME] = READ_ONCE(t->utime);
	v[NSBOX_ACC_STIME] = READ_ONCE(t->stime);
	v[NSBOX_ACC_NVCSW] = READ_ONCE(t->nvcsw);
	v[NSBOX_ACC_NIVCSW] = READ_ONCE(t->nivcsw);
	v[NSBOX_ACC_MINFLT] = READ_ONCE(t->min_flt);
	v[NSBOX_ACC_MAJFLT] = READ_ONCE(t->maj_flt);
	nsbox_task_io(t, &v[NSBOX_ACC_RCHAR], &v[NSBOX_ACC_WCHAR],
		      &v[NSBOX_ACC_SYSCR], &v[NSBOX_ACC_SYSCW],
		      &v[NSBOX_ACC_READ_BYTES], &v[NSBOX_ACC_WRITE_BYTES]);
}

#endif /* _NSBOX_TASK_H */
