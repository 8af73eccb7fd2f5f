/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the differences between the kernels nsbox builds for.
 *
 * nsbox targets the kernels Debian ships, 5.10 to 7.x.  Everything that
 * differs between them lives here, so the rest of the module reads as
 * plain kernel code with no version tests.  What a kernel has is found
 * out before the build by scripts/configure-kmod.sh, which compiles each
 * kmod/probes/NAME.c against the kernel's headers and writes
 * nsbox_config.h: NSBOX_HAVE_NAME where the probe compiled, and
 * NSBOX_HAVE_EXPORT_SYMBOL for the symbols of kmod/probes/exports the
 * kernel exports.  Macros (GENL_REQ_ATTR_CHECK) are tested with #ifdef.
 *
 * Generic netlink: 6.2 added struct genl_split_ops (separate do/dump
 * entries, each with its own policy).  6.1 only has struct genl_ops, which
 * 6.12 still accepts and converts internally, so nsbox uses genl_ops with
 * a per-op .policy and .maxattr on both.  A family registered with
 * .resv_start_op left at 0 gets strict validation (unknown attributes,
 * reserved header bits, trailing bytes) for every command on both kernels.
 *
 * 6.2 also moved a dump's parsed attributes (genl_dumpit_info()->attrs
 * became ->info.attrs).  Rather than test the version, nsbox parses a dump
 * request's attributes itself with genlmsg_parse(), the same on both.
 */
#ifndef _NSBOX_COMPAT_H
#define _NSBOX_COMPAT_H

#include "nsbox_config.h"

#include <linux/cgroup.h>
#include <linux/idr.h>
#include <linux/kprobes.h>
#include <linux/pid_namespace.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#ifdef NSBOX_HAVE_TASK_STRUCT_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif
#include <linux/time_namespace.h>
#include <net/genetlink.h>

struct mnt_namespace;

/*
 * struct mnt_namespace is private to fs/ (fs/mount.h), so a module cannot
 * name its fields.  Where the namespace's reference count lives in struct
 * ns_common (5.11-6.17: probe ns_common_count; 7.x: ns_common_ns_type,
 * __ns_ref), struct mnt_namespace starts with its ns_common, so the
 * pointer to one is the pointer to the other.  5.10's starts with its own
 * atomic_t count, then the ns_common (checked in each source tree).
 * nsbox_track_init() verifies the result at load on the running kernel
 * (its type is CLONE_NEWNS) and disables mount-namespace tracking if not.
 */
static inline struct ns_common *nsbox_mnt_ns_common(struct mnt_namespace *mnt)
{
#if defined(NSBOX_HAVE_NS_COMMON_COUNT) || defined(NSBOX_HAVE_NS_COMMON_NS_TYPE)
	return (struct ns_common *)mnt;
#else
	struct nsbox_mnt_ns_head {
		atomic_t count;
		struct ns_common ns;
	};

	return &((struct nsbox_mnt_ns_head *)mnt)->ns;
#endif
}

/*
 * A namespace's 64-bit id, never reused (6.18+, probe ns_common_ns_id;
 * what ioctl(NS_GET_ID) returns), or 0 where the kernel has none.
 */
static inline u64 nsbox_ns_id(const struct ns_common *ns)
{
#ifdef NSBOX_HAVE_NS_COMMON_NS_ID
	return ns->ns_id;
#else
	return 0;
#endif
}

/* A task's own time namespace (not the one for its children). */
static inline struct ns_common *nsbox_time_ns_common(struct nsproxy *nsp)
{
#ifdef CONFIG_TIME_NS
	return &nsp->time_ns->ns;
#else
	return NULL;
#endif
}

/* The time namespace a task's children get (and an exec, since 6.2). */
static inline struct ns_common *nsbox_time_ns_children(struct nsproxy *nsp)
{
#ifdef CONFIG_TIME_NS
	return &nsp->time_ns_for_children->ns;
#else
	return NULL;
#endif
}

/* I/O counters exist only with task accounting configured in. */
static inline void nsbox_task_io(struct task_struct *t, s64 *rchar,
				 s64 *wchar, s64 *syscr, s64 *syscw,
				 s64 *read_bytes, s64 *write_bytes)
{
	*rchar = 0;
	*wchar = 0;
	*syscr = 0;
	*syscw = 0;
	*read_bytes = 0;
	*write_bytes = 0;
#ifdef CONFIG_TASK_XACCT
	*rchar = READ_ONCE(t->ioac.rchar);
	*wchar = READ_ONCE(t->ioac.wchar);
	*syscr = READ_ONCE(t->ioac.syscr);
	*syscw = READ_ONCE(t->ioac.syscw);
#endif
#ifdef CONFIG_TASK_IO_ACCOUNTING
	*read_bytes = READ_ONCE(t->ioac.read_bytes);
	*write_bytes = READ_ONCE(t->ioac.write_bytes);
#endif
}

/*
 * The kernel's task_contributes_to_load() lives in kernel/sched/sched.h,
 * out of a module's reach: uninterruptible sleep that is not TASK_NOLOAD.
 */
/* 5.14 renamed task_struct.state to __state (probe task_struct___state). */
static inline unsigned int nsbox_task_state(struct task_struct *t)
{
#ifdef NSBOX_HAVE_TASK_STRUCT___STATE
	return READ_ONCE(t->__state);
#else
	return READ_ONCE(t->state);
#endif
}

/*
 * A namespace's CLONE_NEW* type: in its proc_ns_operations until 6.17,
 * in struct ns_common itself since the 6.18 rework (probe
 * ns_common_ns_type).
 */
static inline int nsbox_ns_type(const struct ns_common *ns)
{
#ifdef NSBOX_HAVE_NS_COMMON_NS_TYPE
	return ns->ns_type;
#else
	return ns->ops ? ns->ops->type : 0;
#endif
}

static inline bool nsbox_task_loads(struct task_struct *t)
{
	unsigned int state = nsbox_task_state(t);

	return state == TASK_RUNNING ||
	       ((state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD));
}

/*
 * A cgroup v2 cgroup by id, with a reference (cgroup_put() it), or an
 * ERR_PTR.  cgroup_get_from_id() is exported since 5.19 (probe
 * exports: cgroup_get_from_id); before, walk the default hierarchy under
 * RCU and take the one whose id matches: O(cgroups), for 5.10.
 */
static inline struct cgroup *nsbox_cgroup_get_from_id(u64 id)
{
#ifdef NSBOX_HAVE_EXPORT_CGROUP_GET_FROM_ID
	return cgroup_get_from_id(id);
#else
	struct cgroup *found = ERR_PTR(-ENOENT);
	struct cgroup_subsys_state *css;

	rcu_read_lock();
	css_for_each_descendant_pre(css, &cgrp_dfl_root.cgrp.self) {
		if (cgroup_id(css->cgroup) != id)
			continue;
		/* removed (rmdir) but not yet freed: gone, as the export says */
		if (!css_is_dying(css) && cgroup_tryget(css->cgroup))
			found = css->cgroup;
		break;
	}
	rcu_read_unlock();
	return found;
#endif
}

/*
 * For the ptrace rule: if @t is not dumpable by its owner (setuid, or it
 * said so), the user namespace over which a viewer needs CAP_SYS_PTRACE;
 * NULL if it is dumpable or has no memory.  Until 7.x the mm holds both
 * (get_dumpable(), mm->user_ns); since, task->exec_state does (probe
 * task_struct_exec_state).  Caller holds task_lock(@t) and RCU.
 */
static inline struct user_namespace *nsbox_undumpable_ns(struct task_struct *t)
{
#ifdef NSBOX_HAVE_TASK_STRUCT_EXEC_STATE
	struct task_exec_state *es = rcu_dereference(t->exec_state);

	if (!t->mm || !es || es->dumpable == TASK_DUMPABLE_OWNER)
		return NULL;
	return es->user_ns;
#else
	struct mm_struct *mm = t->mm;

	if (!mm || get_dumpable(mm) == SUID_DUMP_USER)
		return NULL;
	return mm->user_ns;
#endif
}

/*
 * The first pid >= @nr in @ns, under rcu_read_lock().  find_ge_pid() is
 * exported since 5.14 (probe exports: find_ge_pid); before, it is the
 * same lookup in the namespace's idr, done here.
 */
static inline struct pid *nsbox_find_ge_pid(int nr, struct pid_namespace *ns)
{
#ifdef NSBOX_HAVE_EXPORT_FIND_GE_PID
	return find_ge_pid(nr, ns);
#else
	return idr_get_next(&ns->idr, &nr);
#endif
}

/*
 * GENL_REQ_ATTR_CHECK() (6.1+): true, and the extack says so, if a
 * required attribute is missing.  Before it, the same with a message.
 */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
	bool __missing = !__info->attrs[(attr)];			\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__info->extack, "missing required attribute"); \
	__missing;							\
})
#endif

/*
 * A multicast group only CAP_SYS_ADMIN may join: GENL_MCAST_CAP_SYS_ADMIN
 * (6.6, and Debian's 6.1 has it backported).  Without it the "events"
 * group would be open to everybody, so events.c then never multicasts
 * (subscriptions still work).
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define NSBOX_MCAST_FLAGS	GENL_MCAST_CAP_SYS_ADMIN
#define NSBOX_MCAST_PRIVILEGED	1
#else
#define NSBOX_MCAST_FLAGS	0
#define NSBOX_MCAST_PRIVILEGED	0
#endif

/*
 * A kretprobe instance's kretprobe: 5.10 keeps a pointer (ri->rp); 5.11
 * replaced it with get_kretprobe() (probe get_kretprobe), which 5.11-5.18
 * return NULL for once the kretprobe is being unregistered; with rethook
 * (5.19+) unregistering stops the handlers before that can happen.
 */
#ifdef NSBOX_HAVE_GET_KRETPROBE
#define nsbox_kretprobe_of(ri)	get_kretprobe(ri)
#else
#define nsbox_kretprobe_of(ri)	((ri)->rp)
#endif

/*
 * Opening a file below a saved directory (views.c reads a box's cgroup
 * files below the cgroup2 mount saved at load): 5.12 changed
 * file_open_root() to take a struct path (probe file_open_root_path).
 */
#include <linux/fs.h>
#include <linux/path.h>
static inline struct file *nsbox_file_open_root(const struct path *root, const char *name)
{
#ifdef NSBOX_HAVE_FILE_OPEN_ROOT_PATH
	return file_open_root(root, name, O_RDONLY, 0);
#else
	return file_open_root(root->dentry, root->mnt, name, O_RDONLY, 0);
#endif
}

#endif /* _NSBOX_COMPAT_H */
