/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the event stream.
 *
 * Exports (events.c): struct nsbox_event (one slot of a per-CPU ring),
 * what the hook handlers call to emit one (nsbox_events_wanted(),
 * nsbox_event_begin(), nsbox_event_commit()), the SUBSCRIBE handler
 * (nsbox_events_subscribe()), statistics for GET_INFO, and the stream's
 * life (nsbox_events_init/stop/exit; init is given the netlink family
 * the events are sent on).
 * Depends on: task.h (struct nsbox_idents), quota.h (subscribers of
 * unprivileged users), cred.h (who subscribes); compat.h (events.c).
 */
#ifndef _NSBOX_EVENTS_H
#define _NSBOX_EVENTS_H

#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include "task.h"

struct genl_family;
struct genl_info;
struct pid;
struct sk_buff;
struct user_namespace;

#define NSBOX_EVENT_FILENAME	128

/* One slot of a per-CPU event ring. */
struct nsbox_event {
	u8 type;		/* enum nsbox_event_type */
	u8 thread;		/* FORK: a thread */
	bool late_ids;		/* ids to be read at send time (see track.c) */
	u32 changed;		/* NS_CHANGE/CGROUP_MOVE: bit per kind */
	u32 exit_code;		/* EXIT: wait() status */
	int cpu;		/* LOST: whose ring, or -1 */
	u64 lost;		/* LOST: how many */
	u64 time;		/* CLOCK_MONOTONIC ns */
	struct pid *pid;	/* the task (referenced) */
	struct pid *tgid;	/* its process (referenced) */
	struct pid *ppid;	/* FORK: the creating process (referenced) */
	kuid_t uid, euid, suid;	/* the task's, for the ptrace rule (events.c) */
	kgid_t gid, egid, sgid;
	struct user_namespace *userns;	/* the task's (referenced) */
	char comm[TASK_COMM_LEN];
	u64 ids[NSBOX_KIND_COUNT];
	u64 old[NSBOX_KIND_COUNT];
	char filename[NSBOX_EVENT_FILENAME];	/* EXEC; keep last (memset) */
};

int nsbox_events_init(const struct genl_family *family);
void nsbox_events_stop(void);
void nsbox_events_exit(void);
bool nsbox_events_wanted(void);
struct nsbox_event *nsbox_event_begin(int type, struct task_struct *t,
				      const struct nsbox_idents *ids,
				      unsigned long *flags);
void nsbox_event_commit(unsigned long flags);
int nsbox_events_subscribe(struct sk_buff *skb, struct genl_info *info);
void nsbox_events_stats(u32 *subscribers, u64 *ring_bytes);

#endif /* _NSBOX_EVENTS_H */
