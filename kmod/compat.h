/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the differences between the kernels nsbox builds for.
 *
 * nsbox targets Debian 12's two kernels, 6.1 and 6.12.  Everything that
 * differs between them lives here, so the rest of the module reads as
 * plain kernel code with no version tests.
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

#include <linux/version.h>

#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/time_namespace.h>
#include <net/genetlink.h>

struct mnt_namespace;

/*
 * struct mnt_namespace is private to fs/ (fs/mount.h), so a module cannot
 * name its fields.  On both 6.1 and 6.12 its first member is the struct
 * ns_common that every namespace embeds (checked in both source trees),
 * so the pointer to one is the pointer to the other.  nsbox_track_init()
 * verifies it at load on the running kernel (ops->type == CLONE_NEWNS)
 * and disables mount-namespace tracking if it does not hold.
 */
static inline struct ns_common *nsbox_mnt_ns_common(struct mnt_namespace *mnt)
{
	return (struct ns_common *)mnt;
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
static inline bool nsbox_task_loads(struct task_struct *t)
{
	unsigned int state = READ_ONCE(t->__state);

	return state == TASK_RUNNING ||
	       ((state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD));
}

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

#endif /* _NSBOX_COMPAT_H */
