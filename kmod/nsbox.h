/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - internal declarations shared by the module's files.
 *
 * One file per concern, as in WireGuard:
 *   main.c     module init/exit, parameters, modinfo
 *   netlink.c  the generic-netlink family: policies and command handlers
 *   hooks.c    attaching kprobes and tracepoints; their hit/miss counters
 *   group.c    the group table: RCU hash, counters, eviction
 *   track.c    the hook handlers: which task joins or leaves which group
 *   walk.c     walks of all tasks: start-up, VERIFY, live sums, ps
 *   loadavg.c  per-group load averages, every 5 seconds
 *   events.c   the event stream: per-CPU rings, subscribers, delivery
 *   quota.c    what one unprivileged user may make the module hold
 *   compat.h   every difference between the kernels we build for
 */
#ifndef _NSBOX_H
#define _NSBOX_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include "../uapi/linux/nsbox.h"
#include "version.h"

#define NSBOX_MAX_HOOKS	32

/**
 * struct nsbox_hook_stats - per-CPU counters of one hook
 * @hits: handler ran and did its work
 * @misses: handler ran but had to give up (no memory, reentry, ...)
 *
 * Per-CPU so a probe handler bumps a counter without a shared cache line
 * or an atomic instruction; readers sum over all CPUs.
 */
struct nsbox_hook_stats {
	u64 hits;
	u64 misses;
};

/**
 * struct nsbox_hook - one point where nsbox attaches to the kernel
 * @name: nsbox's name for it, as GET_INFO reports it
 * @symbol: kernel function or tracepoint name; after attaching, the name
 *	actually used (a compiler suffix such as ".isra.0" may be added)
 * @kind: enum nsbox_hook_kind
 * @attached: true while the hook is registered with the kernel
 * @stats: per-CPU hit/miss counters
 * @pre: kprobe handler (kind %NSBOX_HOOK_KPROBE)
 * @probe: tracepoint probe function (kind %NSBOX_HOOK_TRACEPOINT)
 * @kp: the kprobe, while attached
 * @tp: the tracepoint, while attached
 * @symbuf: storage for a suffixed symbol name
 */
struct nsbox_hook {
	const char *name;
	const char *symbol;
	const char *const *alts;	/* other places, tried in order */
	const char *affects;		/* wrong while it is not attached */
	enum nsbox_hook_kind kind;
	bool attached;
	u8 status;			/* enum nsbox_hook_status */
	struct nsbox_hook_stats __percpu *stats;
	kprobe_pre_handler_t pre;
	void *probe;
	struct kprobe kp;
	struct tracepoint *tp;
	char symbuf[64];
};

/* hooks.c */
int nsbox_hook_attach(struct nsbox_hook *hook);
int nsbox_hook_skip(struct nsbox_hook *hook);
void nsbox_hooks_detach(void);
unsigned int nsbox_hooks_count(void);
const struct nsbox_hook *nsbox_hook_get(unsigned int i);
void nsbox_hook_read(const struct nsbox_hook *hook, u64 *hits, u64 *misses);

static inline void nsbox_hook_hit(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->hits);
}

static inline void nsbox_hook_miss(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->misses);
}

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

/* Event counters of a group. */
enum nsbox_cnt {
	NSBOX_CNT_FORKS,
	NSBOX_CNT_EXECS,
	NSBOX_CNT_EXITS,
	NSBOX_CNT_MOVED_IN,
	NSBOX_CNT_MOVED_OUT,
	NSBOX_CNT_OOM_KILLS,
	NSBOX_NR_CNT
};

/**
 * struct nsbox_ident - which group of one kind a task is in
 * @id: namespace inode number or cgroup id
 * @obj: the struct ns_common or struct cgroup itself; only read while
 *	creating the group (parent, owner), never stored
 */
struct nsbox_ident {
	u64 id;
	const void *obj;
};

/* The nine groups of one task, indexed by enum nsbox_kind. */
struct nsbox_idents {
	struct nsbox_ident k[NSBOX_KIND_COUNT];
};

/**
 * struct nsbox_group - what nsbox knows about one namespace or cgroup
 * @node: link in the group table's hash bucket (RCU)
 * @rcu: for freeing after readers are done
 * @id: namespace inode number or cgroup id
 * @parent: parent namespace/cgroup id, if @has_parent
 * @owner: owning user namespace's inode number, if @has_owner
 * @nsid: namespaces: the kernel's 64-bit namespace id, 0 if it has none
 * @first_seen: CLOCK_MONOTONIC ns when first seen
 * @empty_since: CLOCK_MONOTONIC ns when @threads last fell to 0
 * @kind: enum nsbox_kind
 * @has_parent: @parent is valid
 * @has_owner: @owner is valid
 * @retired: the namespace was freed; its inode number may be reused by a
 *	new namespace, which then gets a group of its own
 * @threads: live tasks; NSBOX_GROUP_DEAD once evicted
 * @procs: live processes (thread-group leaders)
 * @found: tasks counted in by the start-up walk, or here at the last
 *	RESET; so that, at a quiet moment, threads = found + forks +
 *	moved_in - exits - moved_out (VERIFY checks it)
 * @cnt: event counters, enum nsbox_cnt
 * @acc: enum nsbox_acc values of tasks that left (minus, for tasks that
 *	joined, their values at that moment), so that acc + the live tasks'
 *	current values = the total while they were members
 * @load: load averages (1, 5, 15 min), kernel fixed point (FSHIFT);
 *	written only by the load-average work
 */
struct nsbox_group {
	struct hlist_node node;
	struct rcu_head rcu;
	u64 id;
	u64 parent;
	u64 owner;
	u64 nsid;
	u64 first_seen;
	u64 empty_since;
	u8 kind;
	bool has_parent;
	bool has_owner;
	bool retired;
	atomic_t threads;
	atomic_t procs;
	atomic_t found;
	atomic64_t cnt[NSBOX_NR_CNT];
	atomic64_t acc[NSBOX_NR_ACC];
	unsigned long load[3];
};

#define NSBOX_GROUP_DEAD	(INT_MIN / 2)

/* group.c */
extern unsigned int nsbox_max_groups;
int nsbox_groups_init(void);
void nsbox_groups_exit(void);
struct nsbox_group *nsbox_group_find(u8 kind, u64 id);
struct nsbox_group *nsbox_group_join(u8 kind, const struct nsbox_ident *ident,
				     bool leader);
struct nsbox_group *nsbox_group_adopt(u8 kind, const struct nsbox_ident *ident);
void nsbox_group_leave(struct nsbox_group *g, bool leader);
void nsbox_groups_clear_live(void);
void nsbox_groups_retire_inum(u64 inum);
void nsbox_group_reset(struct nsbox_group *g, const s64 *live);
bool nsbox_group_evict(u8 kind, u64 id);
u32 nsbox_groups_gen(void);
unsigned int nsbox_group_bucket_count(void);
struct hlist_head *nsbox_group_bucket(unsigned int i);
void nsbox_groups_stats(u64 *nr, u64 *evictions, u64 *failures, u64 *bytes,
			u32 *obj_size);

static inline bool nsbox_group_dead(const struct nsbox_group *g)
{
	return atomic_read(&g->threads) < 0;
}

/* track.c */
struct ns_common;
void nsbox_ident_meta(struct nsbox_group *g, const struct nsbox_ident *ident);
int nsbox_ns_kind(const struct ns_common *ns);
int nsbox_track_init(void);
void nsbox_track_exit(void);
bool nsbox_task_idents(struct task_struct *t, struct nsbox_idents *ids);
void nsbox_task_values(struct task_struct *t, s64 *v);
bool nsbox_task_counted(struct task_struct *t);
u64 nsbox_task_events(void);
unsigned int nsbox_load_walks(void);

/* walk.c */
struct nsbox_live {
	u8 kind;
	u64 id;
	s64 acc[NSBOX_NR_ACC];
	u64 rss;
	u64 vm;
	u64 walk_threads;
	u64 walk_procs;
	u64 active;
	bool visible;		/* a task the viewer may see is in it */
};

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

bool nsbox_task_visible(struct task_struct *t, const struct nsbox_viewer *v);
bool nsbox_live_visible(const struct nsbox_live *b, unsigned int n, u8 kind, u64 id);
void nsbox_live_sort(struct nsbox_live *b, unsigned int n);
int nsbox_walk_count(void);
u64 nsbox_walk_live(struct nsbox_live *batch, unsigned int n, u64 *tasks,
		    const struct nsbox_viewer *viewer);
struct nsbox_live *nsbox_batch_collect(unsigned int cap,
				       const struct nsbox_live *after,
				       int kind, unsigned int *nr);

/* testknob.c: only in the test variant (NSBOX_TEST_KNOBS) */
#ifdef NSBOX_TEST_KNOBS
void nsbox_knob_get_group(u8 kind, u64 id);
#else
static inline void nsbox_knob_get_group(u8 kind, u64 id)
{
}
#endif

/* loadavg.c */
void nsbox_loadavg_start(void);
void nsbox_loadavg_stop(void);

/* netlink.c */
struct genl_family;
struct genl_info;
struct sk_buff;
extern struct genl_family nsbox_family;
int nsbox_netlink_init(void);
void nsbox_netlink_exit(void);

/* events.c: one slot of a per-CPU event ring */
#define NSBOX_EVENT_FILENAME	128

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

int nsbox_events_init(void);
void nsbox_events_stop(void);
void nsbox_events_exit(void);
bool nsbox_events_wanted(void);
struct nsbox_event *nsbox_event_begin(int type, struct task_struct *t,
				      const struct nsbox_idents *ids,
				      unsigned long *flags);
void nsbox_event_commit(unsigned long flags);
int nsbox_events_subscribe(struct sk_buff *skb, struct genl_info *info);

/* quota.c */
struct netlink_ext_ack;

/**
 * struct nsbox_quota - objects of one kind held for unprivileged users
 * @full_msg: extack message when @max_total is reached
 * @user_msg: extack message when @max_user is reached
 * @lock: guards @users and @total
 * @users: effective uid (init_user_ns number) -> count, value entries
 * @total: all users' count
 * @max_total: limit of @total (a module parameter)
 * @max_user: limit of one user's count (a module parameter)
 */
struct nsbox_quota {
	const char *full_msg;
	const char *user_msg;
	struct mutex lock;	/* process context: netlink handlers only */
	struct xarray users;
	unsigned int total;
	unsigned int *max_total;
	unsigned int *max_user;
};

extern struct nsbox_quota nsbox_subs_quota;
extern struct nsbox_quota nsbox_dumps_quota;
extern unsigned int nsbox_max_subscribers;
int nsbox_quota_charge(struct nsbox_quota *q, kuid_t uid, struct netlink_ext_ack *extack);
void nsbox_quota_uncharge(struct nsbox_quota *q, kuid_t uid);
unsigned int nsbox_quota_total(struct nsbox_quota *q);
void nsbox_events_stats(u32 *subscribers, u64 *ring_bytes);

#endif /* _NSBOX_H */
