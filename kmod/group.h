/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the group table.
 *
 * Exports (group.c): struct nsbox_group and its counters (enum
 * nsbox_cnt); the table's life (nsbox_groups_init/exit, the max_groups
 * parameter); lookup and membership (nsbox_group_find/join/adopt/leave),
 * changes (reset, evict, retire, clear_live); statistics; and snapshots
 * of the table for dumps and walks: struct nsbox_live, one group's key and
 * the live sums a walk adds (walk.c), with nsbox_groups_snapshot(),
 * nsbox_live_sort() and nsbox_live_find().
 * Depends on: task.h (struct nsbox_ident, enum nsbox_acc); compat.h
 * (group.c).
 */
#ifndef _NSBOX_GROUP_H
#define _NSBOX_GROUP_H

#include <linux/atomic.h>
#include <linux/limits.h>
#include <linux/rculist.h>
#include <linux/types.h>

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
	atomic_t threads;
	atomic_t procs;
	atomic_t found;
	atomic64_t cnt[NSBOX_NR_CNT];
	atomic64_t acc[NSBOX_NR_ACC];
	unsigned long load[3];
	struct nsbox_pstat __rcu *pstat[NSBOX_PROBES_MAX];
};

#define NSBOX_GROUP_DEAD	(INT_MIN / 2)

static inline bool nsbox_group_dead(const struct nsbox_group *g)
{
	return atomic_read(&g->threads) < 0;
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
void nsbox_group_reset(struct nsbox_group *g, const s64 *live);
bool nsbox_group_evict(u8 kind, u64 id);
u32 nsbox_groups_gen(void);
void nsbox_groups_stats(u64 *nr, u64 *evictions, u64 *failures, u64 *bytes,
			u32 *obj_size);

/**
 * struct nsbox_live - one group of a snapshot, and its live values
 * @kind: enum nsbox_kind (the key, with @id)
 * @id: group id
 * @acc: the live tasks' current enum nsbox_acc values (walk.c)
 * @rss: resident memory of the group's processes (walk.c)
 * @vm: their virtual size (walk.c)
 * @walk_threads: tasks a walk found in it (walk.c)
 * @walk_procs: processes a walk found in it (walk.c)
 * @active: tasks that count for the load average (walk.c)
 * @visible: a task the viewer may see is in it (walk.c)
 */
struct nsbox_live {
	u8 kind;
	u64 id;
	s64 acc[NSBOX_NR_ACC];
	u64 rss;
	u64 vm;
	u64 walk_threads;
	u64 walk_procs;
	u64 active;
	bool visible;
};

struct nsbox_live *nsbox_groups_snapshot(int kind, unsigned int *nr);
void nsbox_live_sort(struct nsbox_live *b, unsigned int n);
struct nsbox_live *nsbox_live_find(const struct nsbox_live *b, unsigned int n,
				   u8 kind, u64 id);

#endif /* _NSBOX_GROUP_H */
