/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the group table.
 *
 * Exports (group.c): struct nsbox_group and its counters (enum
 * nsbox_cnt), its change sequence (nsbox_group_busy/done) and live values
 * (struct nsbox_glive, nsbox_group_live()); the table's life
 * (nsbox_groups_init/exit, the max_groups parameter); lookup and
 * membership (nsbox_group_find/join/adopt/leave), changes (reset, evict,
 * retire, clear_live); statistics; every group in turn
 * (nsbox_groups_for_each); whether every namespace without tasks has been
 * adopted (nsbox_groups_adopted); and sorted snapshots of the table's keys
 * for dumps (nsbox_groups_keys(), nsbox_key()).
 * Depends on: task.h (struct nsbox_ident, enum nsbox_acc), share.h (whom
 * a group is charged to); compat.h (group.c).
 */
#ifndef _NSBOX_GROUP_H
#define _NSBOX_GROUP_H

#include <linux/atomic.h>
#include <linux/limits.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/types.h>

#include "share.h"
#include "task.h"

/*
 * Probes (probe.c) keep their numbers per group in slots of the group:
 * g->pstat[i] for the probe in table slot i.  The numbers live in the
 * probe's pool, a fixed array of struct nsbox_pstat allocated when the
 * probe is added, so a probe handler never allocates: it claims a free
 * entry with test_and_set_bit() on the pool's bitmap.  A group that is
 * freed (evicted, retired) gives its entries back from its RCU callback.
 */
#define NSBOX_PROBES_MAX	16

struct nsbox_pstat_pool;

/**
 * struct nsbox_pstat - one probe's numbers for one group
 * @pool: the pool this entry belongs to
 * @rcu: for giving it back after a grace period (a retired group)
 * @id: the group's id (for the probe's dump)
 * @kind: the group's enum nsbox_kind
 * @calls: calls counted
 * @sum: sum of the probe's SUM_ARG argument
 * @ns_total: RET probes: time in the function, ns
 * @ns_min: RET: shortest call (U64_MAX: none yet)
 * @ns_max: RET: longest call
 * @hist: RET: log2 histogram (NSBOX_PROBE_HIST_BUCKETS); absent from the
 *	entries of a probe without RET (the pool's stride leaves it out)
 */
struct nsbox_pstat {
	struct nsbox_pstat_pool *pool;
	struct rcu_head rcu;
	u64 id;
	u8 kind;
	atomic64_t calls;
	atomic64_t sum;
	atomic64_t ns_total;
	atomic64_t ns_min;
	atomic64_t ns_max;
	atomic64_t hist[];
};

/**
 * struct nsbox_pstat_pool - the entries of one probe
 * @mem: @n entries of @stride bytes
 * @used: bit per entry in use
 * @n: entries
 * @stride: bytes per entry
 * @nr_used: entries in use
 */
struct nsbox_pstat_pool {
	void *mem;
	unsigned long *used;
	unsigned int n;
	unsigned int stride;
	atomic_t nr_used;
};

struct nsbox_pstat *nsbox_pstat_at(struct nsbox_pstat_pool *pool, unsigned int i);
struct nsbox_pstat *nsbox_pstat_claim(struct nsbox_pstat_pool *pool, u8 kind, u64 id);
void nsbox_pstat_put(struct nsbox_pstat *ps);
void nsbox_groups_drop_pstat(unsigned int slot);

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
 * struct nsbox_glive - a group's live values: sums over the tasks in it
 * @acc: their current enum nsbox_acc values
 * @rss: resident memory of its processes, each address space once
 * @vm: their virtual size
 * @threads: tasks the walk found in it
 * @procs: processes (thread-group leaders) the walk found in it
 * @active: tasks that count for the load average (runnable or in
 *	uninterruptible sleep)
 */
struct nsbox_glive {
	s64 acc[NSBOX_NR_ACC];
	u64 rss;
	u64 vm;
	u32 threads;
	u32 procs;
	u32 active;
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
 * @views: cgroup2: a box whose cgroup namespace's root this is asked for
 *	views (views.c): sysinfo(2) in it shows the box
 * @view_idle: cgroup2: the idle time the box's /proc/stat showed last
 *	(views.c), so that it never goes back
 * @share: the user it is charged to (share.c)
 * @threads: live tasks; NSBOX_GROUP_DEAD once evicted
 * @procs: live processes (thread-group leaders)
 * @found: tasks counted in by the start-up walk; so that, at a quiet
 *	moment, threads = found + forks + moved_in - exits - moved_out
 *	(VERIFY checks it, with @cnt whole: RESET moves only @cnt_base)
 * @seq: changes of the counts, as a seqcount: odd while a hook changes
 *	them (nsbox_group_busy() .. nsbox_group_done()), so that VERIFY
 *	knows which groups did not change while it walked
 * @cnt: event counters, enum nsbox_cnt, since the group was made
 * @cnt_base: @cnt at the last RESET; readers are shown @cnt - @cnt_base
 * @acc: enum nsbox_acc values of tasks that left (minus, for tasks that
 *	joined, their values at that moment), so that acc + the live tasks'
 *	current values = the total while they were members
 * @load: load averages (1, 5, 15 min), kernel fixed point (FSHIFT);
 *	written only by the load-average work
 * @live_seq: guards @live and @live_time against a walk publishing
 * @live: the live values of the last walk that published (walk.c)
 * @live_time: CLOCK_MONOTONIC ns when that walk began; 0: no walk has
 *	seen this group yet (made since)
 * @walk_gen: the walker's: the walk that last gave it a slot (walk.c)
 * @walk_slot: its slot in that walk's sums
 * @verify_seq: VERIFY's: @seq before the walk of round @verify_gen
 * @verify_gen: the walk @verify_seq was read for
 * @verify_sig: VERIFY's: the failed checks of the last settled round
 * @verify_call: VERIFY's: the request @verify_state belongs to
 * @reset_call: RESET's: the request @reset_folds and @reset_state belong to
 * @reset_state: RESET's: where the group is in that request (group.c)
 * @reset_folds: RESET's: exits and moves counted before its walk
 * @verify_state: VERIFY's: where the group is in that request's rounds
 * @pstat: each probe's numbers for this group (probe table slot), or NULL
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
	bool views;
	u16 share;
	atomic_t threads;
	atomic_t procs;
	atomic_t found;
	atomic_t seq;
	atomic64_t cnt[NSBOX_NR_CNT];
	s64 cnt_base[NSBOX_NR_CNT];
	atomic64_t acc[NSBOX_NR_ACC];
	atomic64_t view_idle;
	unsigned long load[3];
	seqcount_t live_seq;
	struct nsbox_glive live;
	u64 live_time;
	u32 walk_gen;
	u32 walk_slot;
	u32 verify_seq;
	u32 verify_gen;
	u64 verify_sig;
	u32 verify_call;
	u8 verify_state;
	u8 reset_state;
	u32 reset_call;
	s64 reset_folds;
	struct nsbox_pstat __rcu *pstat[NSBOX_PROBES_MAX];
};

#define NSBOX_GROUP_DEAD	(INT_MIN / 2)

static inline bool nsbox_group_dead(const struct nsbox_group *g)
{
	return atomic_read(&g->threads) < 0;
}

/*
 * A hook changes a group's counts between these two: @seq is odd
 * meanwhile, and moves on, so VERIFY sees that the group changed during
 * its walk (as a seqcount's reader would).  Any context.
 */
static inline void nsbox_group_busy(struct nsbox_group *g)
{
	atomic_inc(&g->seq);
	/* odd before any count changes: pairs with nsbox_walk_settled() */
	smp_mb__after_atomic();
}

static inline void nsbox_group_done(struct nsbox_group *g)
{
	/* the counts changed before the sequence moves on (same pairing) */
	smp_mb__before_atomic();
	atomic_inc(&g->seq);
}

/**
 * nsbox_group_live() - a group's live values as the last walk left them
 * @g: the group
 * @l: filled in
 *
 * Returns the CLOCK_MONOTONIC ns the walk began, or 0 if no walk has seen
 * the group yet (@l is then zero).  Any context; never waits for a walk.
 */
static inline u64 nsbox_group_live(const struct nsbox_group *g, struct nsbox_glive *l)
{
	unsigned int seq;
	u64 t;

	do {
		seq = read_seqcount_begin(&g->live_seq);
		*l = g->live;
		t = g->live_time;
	} while (read_seqcount_retry(&g->live_seq, seq));
	return t;
}

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
void nsbox_group_reset_mark(struct nsbox_group *g, u32 call);
bool nsbox_group_reset(struct nsbox_group *g, u32 call, const s64 *live);
bool nsbox_group_evict(u8 kind, u64 id);
u32 nsbox_groups_gen(void);
void nsbox_groups_stats(u64 *nr, u64 *evictions, u64 *failures, u64 *bytes,
			u32 *obj_size);
void nsbox_groups_for_each(void (*fn)(struct nsbox_group *g, void *arg), void *arg);
bool nsbox_groups_adopted(void);
void nsbox_groups_set_adopted(bool adopted);

/*
 * A group's key in a snapshot: kind in the top byte, id below.  Kernel ids
 * (inode numbers, cgroup ids) stay far below NSBOX_KEY_ID_MAX; a group
 * with a larger id is never made (its key would name another kind), and a
 * request for one finds nothing.
 */
#define NSBOX_KEY_KIND_SHIFT	56
#define NSBOX_KEY_ID_MAX	((1ULL << NSBOX_KEY_KIND_SHIFT) - 1)
static inline u64 nsbox_key(u8 kind, u64 id)
{
	return (u64)kind << NSBOX_KEY_KIND_SHIFT | id;
}

static inline u8 nsbox_key_kind(u64 key)
{
	return key >> NSBOX_KEY_KIND_SHIFT;
}

static inline u64 nsbox_key_id(u64 key)
{
	return key & NSBOX_KEY_ID_MAX;
}

u64 *nsbox_groups_keys(u32 kinds, unsigned int *nr);
void nsbox_keys_sort(u64 *keys, unsigned int n);
bool nsbox_keys_has(const u64 *keys, unsigned int n, u64 key);

#endif /* _NSBOX_GROUP_H */
