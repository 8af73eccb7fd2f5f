// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - the group table.
 *
 * One struct nsbox_group per namespace (kind + inode number) and per
 * cgroup v2 cgroup (cgroup id), in a hash table that probe handlers read
 * under RCU without taking any lock.  A group is created the first time a
 * task is seen in it; only creation takes a lock, and that is one of 64
 * spinlocks chosen by bucket, never a global one.  Creation in a probe
 * handler must not sleep: GFP_ATOMIC, and a failure is counted and
 * reported (GET_INFO), never fatal.
 *
 * Memory is bounded by the module parameter max_groups, a safety cap:
 * groups are allocated one by one as they are first seen, and the hash
 * has a bucket per four groups of the cap.  Each group is charged to a
 * user (share.c): one unprivileged user cannot hold more than
 * max_user_groups, all of them together more than max_unpriv_groups, so
 * the rest is always the admin's.  A group's memory is charged to the
 * memory cgroup of the task whose action made it.  Groups with no task
 * left keep their final numbers for readers; when the table passes 7/8 of
 * its limit, or a user 7/8 of its share, a work item evicts the groups
 * that have been empty the longest until it is back at 3/4.  A group that
 * cannot be made (table or share full, no memory) is refused and counted
 * per user and kind.
 *
 * Eviction marks a group dead by swapping threads from 0 to
 * NSBOX_GROUP_DEAD; a handler that finds a dead group creates a fresh one.
 * Freed groups go through call_rcu(), so a reader never sees freed memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/cred.h>
#include <linux/preempt.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>

#include "group.h"
#include "compat.h"

unsigned int nsbox_max_groups = 65536;
module_param_named(max_groups, nsbox_max_groups, uint, 0444);
MODULE_PARM_DESC(max_groups, "most groups kept in memory (64..4194304, default 65536)");

#define NSBOX_NR_LOCKS 64

static struct hlist_head *nsbox_buckets;
static unsigned int nsbox_hash_bits;
static spinlock_t nsbox_locks[NSBOX_NR_LOCKS];
static struct kmem_cache *nsbox_group_cache;
static atomic_t nsbox_nr_groups = ATOMIC_INIT(0);
static atomic_t nsbox_gen = ATOMIC_INIT(0);
static atomic64_t nsbox_evictions = ATOMIC64_INIT(0);
static atomic64_t nsbox_failures = ATOMIC64_INIT(0);
static bool nsbox_groups_closing;
/* every namespace without tasks has been adopted since load (ADOPT) */
static bool nsbox_adopted;

static void nsbox_evict_fn(struct work_struct *work);
static void nsbox_group_free_rcu(struct rcu_head *head);
static void nsbox_group_drop_pstats(struct nsbox_group *g);
static DECLARE_WORK(nsbox_evict_work, nsbox_evict_fn);
/*
 * jiffies before which no eviction pass is started: a pass that could
 * free nothing (every group has tasks) holds the next one off for a
 * second, so that a storm of refusals does not scan the table each time.
 */
static unsigned long nsbox_evict_after;

/* Make room soon, unless a pass just found none to make. */
static void nsbox_evict_kick(void)
{
	if (READ_ONCE(nsbox_groups_closing) ||
	    time_before(jiffies, READ_ONCE(nsbox_evict_after)))
		return;
	schedule_work(&nsbox_evict_work);
}

static unsigned int nsbox_bucket_of(u8 kind, u64 id)
{
	return hash_64(id ^ ((u64)kind << 56), nsbox_hash_bits);
}

static spinlock_t *nsbox_lock_of(unsigned int bucket)
{
	return &nsbox_locks[bucket % NSBOX_NR_LOCKS];
}

static unsigned int nsbox_bucket_count(void)
{
	return 1U << nsbox_hash_bits;
}

u32 nsbox_groups_gen(void)
{
	return atomic_read(&nsbox_gen);
}

/**
 * nsbox_group_find() - look a group up
 * @kind: enum nsbox_kind
 * @id: namespace inode number or cgroup id
 *
 * Caller holds rcu_read_lock().  Returns the live group or NULL.
 */
struct nsbox_group *nsbox_group_find(u8 kind, u64 id)
{
	struct nsbox_group *g;

	hlist_for_each_entry_rcu(g, &nsbox_buckets[nsbox_bucket_of(kind, id)], node)
		if (g->id == id && g->kind == kind && !nsbox_group_dead(g))
			return g;
	return NULL;
}

/*
 * The namespace's 64-bit id where the kernel has them (6.18+), else 0.
 * Two namespaces with one inode number (a recycled one) never share an id.
 */
static u64 nsbox_ident_nsid(u8 kind, const struct nsbox_ident *ident)
{
	if (kind == NSBOX_KIND_CGROUP2 || !ident->obj)
		return 0;
	return nsbox_ns_id(ident->obj);
}

/* Is @old the group of another namespace that had the same number? */
static bool nsbox_group_stale(const struct nsbox_group *old, u64 nsid)
{
	return READ_ONCE(old->retired) || old->nsid != nsid;
}

/* Parent and owner of a new group, read once from the kernel object. */
static void nsbox_group_meta(struct nsbox_group *g, const struct nsbox_ident *ident)
{
	const struct ns_common *ns = ident->obj;

	if (!ident->obj)
		return;
	if (g->kind != NSBOX_KIND_CGROUP2)
		g->nsid = nsbox_ns_id(ns);
	if (g->kind == NSBOX_KIND_CGROUP2) {
		struct cgroup *parent = cgroup_parent((struct cgroup *)ident->obj);

		if (parent) {
			g->parent = cgroup_id(parent);
			g->has_parent = true;
		}
		return;
	}
	if (g->kind == NSBOX_KIND_USER) {
		const struct user_namespace *u =
			container_of(ns, struct user_namespace, ns);

		if (u->parent) {
			g->parent = u->parent->ns.inum;
			g->has_parent = true;
		}
		return;
	}
	if (g->kind == NSBOX_KIND_PID) {
		const struct pid_namespace *p =
			container_of(ns, struct pid_namespace, ns);

		if (p->parent) {
			g->parent = p->parent->ns.inum;
			g->has_parent = true;
		}
	}
	if (ns->ops && ns->ops->owner) {
		g->owner = ns->ops->owner((struct ns_common *)ns)->ns.inum;
		g->has_owner = true;
	}
}

/* Whom a new group of @kind is charged to (share.c). */
static u16 nsbox_group_share(u8 kind, const struct nsbox_ident *ident)
{
	if (kind == NSBOX_KIND_CGROUP2)
		return ident->cred ? nsbox_share_cred(ident->cred) : NSBOX_SHARE_ADMIN;
	return ident->obj ? nsbox_share_ns(ident->obj, kind) : NSBOX_SHARE_ADMIN;
}

/* No group for @share's new @kind: count it, and make room if that helps. */
static void nsbox_group_refused(u16 share, u8 kind)
{
	atomic64_inc(&nsbox_failures);
	nsbox_share_refuse(share, kind);
	/* a namespace without tasks may be among them: ADOPT may find it */
	if (kind != NSBOX_KIND_CGROUP2)
		WRITE_ONCE(nsbox_adopted, false);
	nsbox_evict_kick();
}

/*
 * A new group, returned busy (nsbox_group_busy()) when it is for a task;
 * or an existing one, if another CPU made it meanwhile (busy too).
 */
static struct nsbox_group *nsbox_group_create(u8 kind,
					      const struct nsbox_ident *ident,
					      bool task, bool leader)
{
	unsigned int b = nsbox_bucket_of(kind, ident->id);
	u16 share = nsbox_group_share(kind, ident);
	struct nsbox_group *g, *old;
	unsigned long flags;
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN;
	int nr;

	if (unlikely(ident->id > NSBOX_KEY_ID_MAX)) {	/* see nsbox_key() */
		nsbox_group_refused(share, kind);
		return NULL;
	}
	nr = atomic_inc_return(&nsbox_nr_groups);
	if (nr > nsbox_max_groups * 7 / 8 || nsbox_share_over(share, 7, 8))
		nsbox_evict_kick();
	if (nr > nsbox_max_groups) {
		atomic_dec(&nsbox_nr_groups);
		nsbox_group_refused(share, kind);
		return NULL;
	}
	if (!nsbox_share_charge(share, nsbox_max_groups)) {
		atomic_dec(&nsbox_nr_groups);
		nsbox_group_refused(share, kind);
		return NULL;
	}
	/* charged to the memory cgroup of whoever made it (not from NMI) */
	if (!in_nmi())
		gfp |= __GFP_ACCOUNT;
	g = kmem_cache_zalloc(nsbox_group_cache, gfp);
	if (!g) {
		nsbox_share_uncharge(share);
		atomic_dec(&nsbox_nr_groups);
		nsbox_group_refused(share, kind);
		return NULL;
	}
	g->kind = kind;
	g->id = ident->id;
	g->share = share;
	g->first_seen = ktime_get_ns();
	seqcount_init(&g->live_seq);
	nsbox_group_meta(g, ident);
	atomic_set(&g->threads, task ? 1 : 0);
	atomic_set(&g->procs, task && leader ? 1 : 0);
	/* busy for the caller, who counts the task in (nsbox_group_done()) */
	atomic_set(&g->seq, task ? 1 : 0);
	if (!task)
		g->empty_since = g->first_seen;

	spin_lock_irqsave(nsbox_lock_of(b), flags);
	/* Someone may have created it since we looked. */
	hlist_for_each_entry(old, &nsbox_buckets[b], node) {
		if (old->id != g->id || old->kind != kind)
			continue;
		if (nsbox_group_stale(old, g->nsid)) {
			/* A freed namespace's group: the new one replaces it. */
			if (atomic_xchg(&old->threads, NSBOX_GROUP_DEAD) >= 0) {
				hlist_del_rcu(&old->node);
				call_rcu(&old->rcu, nsbox_group_free_rcu);
				atomic_dec(&nsbox_nr_groups);
				atomic_inc(&nsbox_gen);
			}
			continue;
		}
		if (task) {
			nsbox_group_busy(old);
			if (!atomic_inc_unless_negative(&old->threads)) {
				nsbox_group_done(old);
				continue;
			}
		} else if (nsbox_group_dead(old)) {
			continue;
		}
		spin_unlock_irqrestore(nsbox_lock_of(b), flags);
		if (task && leader)
			atomic_inc(&old->procs);
		nsbox_share_uncharge(share);
		kmem_cache_free(nsbox_group_cache, g);
		atomic_dec(&nsbox_nr_groups);
		return old;
	}
	hlist_add_head_rcu(&g->node, &nsbox_buckets[b]);
	atomic_inc(&nsbox_gen);
	spin_unlock_irqrestore(nsbox_lock_of(b), flags);
	return g;
}

/**
 * nsbox_group_join() - count a task into its group, creating it if new
 * @kind: enum nsbox_kind
 * @ident: the group's id and kernel object
 * @leader: the task is a thread-group leader (counts in procs)
 *
 * Caller holds rcu_read_lock().  May run in any context: never sleeps.
 * Returns the group busy (nsbox_group_busy()): the caller makes its other
 * changes, then calls nsbox_group_done().  NULL if it could not be
 * created (refused, counted).
 */
struct nsbox_group *nsbox_group_join(u8 kind, const struct nsbox_ident *ident,
				     bool leader)
{
	struct nsbox_group *g = nsbox_group_find(kind, ident->id);

	if (g && !nsbox_group_stale(g, nsbox_ident_nsid(kind, ident))) {
		nsbox_group_busy(g);
		if (atomic_inc_unless_negative(&g->threads)) {
			if (leader)
				atomic_inc(&g->procs);
			return g;
		}
		nsbox_group_done(g);
	}
	return nsbox_group_create(kind, ident, true, leader);
}

/**
 * nsbox_group_adopt() - a group for a namespace no task may be in
 * @kind: enum nsbox_kind
 * @ident: the namespace (the caller holds a reference on it)
 *
 * For namespaces kept alive by a bind mount or an open file (ADOPT): the
 * existing group if there is one, else a new group with no task in it.
 * Caller holds rcu_read_lock().  Returns NULL if the table is full.
 */
struct nsbox_group *nsbox_group_adopt(u8 kind, const struct nsbox_ident *ident)
{
	struct nsbox_group *g = nsbox_group_find(kind, ident->id);

	if (g && !nsbox_group_stale(g, nsbox_ident_nsid(kind, ident)))
		return g;
	return nsbox_group_create(kind, ident, false, false);
}

/**
 * nsbox_group_leave() - count a task out of a group
 * @g: the group
 * @leader: the task is a thread-group leader
 *
 * Never takes the count below zero: a task that could not be counted in
 * (allocation failure) is not counted out either.
 */
void nsbox_group_leave(struct nsbox_group *g, bool leader)
{
	if (leader)
		atomic_dec_if_positive(&g->procs);
	if (atomic_dec_if_positive(&g->threads) == 0)
		WRITE_ONCE(g->empty_since, ktime_get_ns());
}

/* Start-up: forget live counts before (re)walking all tasks. */
void nsbox_groups_clear_live(void)
{
	struct nsbox_group *g;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < nsbox_bucket_count(); i++) {
		hlist_for_each_entry_rcu(g, &nsbox_buckets[i], node) {
			if (nsbox_group_dead(g))
				continue;
			atomic_set(&g->threads, 0);
			atomic_set(&g->procs, 0);
			atomic_set(&g->found, 0);
		}
	}
	rcu_read_unlock();
}

/*
 * RESET has to know each group's cumulative total at one moment: acc plus
 * the live tasks' values, which only a walk of every task gives.  A task
 * the walk added that exits (or moves) before RESET reads acc would be
 * taken away twice, once from the walk's sum and once from acc, and the
 * group would stay below what it did for good (VERIFY: negative).  So
 * RESET notes each group's exits and moves before its walk
 * (nsbox_group_reset_mark()), and changes only a group that had none
 * until it read acc; the others wait for the next walk
 * (nsbox_group_reset()).
 */
enum {
	NSBOX_RESET_UNSURE,	/* a hook was busy when it was marked */
	NSBOX_RESET_MARKED,
	NSBOX_RESET_DONE,
};

static s64 nsbox_group_folds(const struct nsbox_group *g)
{
	return atomic64_read(&g->cnt[NSBOX_CNT_EXITS]) +
	       atomic64_read(&g->cnt[NSBOX_CNT_MOVED_IN]) +
	       atomic64_read(&g->cnt[NSBOX_CNT_MOVED_OUT]);
}

/**
 * nsbox_group_reset_mark() - note @g's exits and moves before RESET's walk
 * @g: the group
 * @call: the RESET request (never 0)
 *
 * Under nsbox_walk_lock(), before the walk (the caller orders them with
 * smp_mb()).  A group done in @call already is left alone.
 */
void nsbox_group_reset_mark(struct nsbox_group *g, u32 call)
{
	int seq;

	if (g->reset_call == call && g->reset_state == NSBOX_RESET_DONE)
		return;
	g->reset_call = call;
	seq = atomic_read(&g->seq);
	/* pairs with nsbox_group_busy/done(), as a seqcount reader */
	smp_rmb();
	g->reset_folds = nsbox_group_folds(g);
	/* the counters read before the sequence is read again */
	smp_rmb();
	g->reset_state = !(seq & 1) && atomic_read(&g->seq) == seq ?
			 NSBOX_RESET_MARKED : NSBOX_RESET_UNSURE;
}

/**
 * nsbox_group_reset() - zero a group's cumulative counters
 * @g: the group
 * @call: the RESET request, whose mark and walk came before
 * @live: the live tasks' enum nsbox_acc values in this group, by that walk
 *
 * acc is moved down by its current total, so the group reads 0 now and
 * counts up from here; increments racing with the reset are kept.  The
 * event counters are not touched: readers are shown them less the base
 * taken here, and VERIFY's flow (found + forks + moved_in - exits -
 * moved_out) uses them whole.  (Zeroing them and taking the tasks here
 * now as @found broke the flow for good when a hook was between its
 * count of the task and its count of the event.)
 *
 * Under nsbox_walk_lock().  Returns false if a task of the group exited or
 * moved since the mark: nothing was changed, mark and walk again.  True
 * if it is done (or was, or was made after the request began).
 */
bool nsbox_group_reset(struct nsbox_group *g, u32 call, const s64 *live)
{
	s64 acc[NSBOX_NR_ACC];
	int i, seq;

	if (g->reset_call != call || g->reset_state == NSBOX_RESET_DONE)
		return true;
	if (g->reset_state != NSBOX_RESET_MARKED)
		return false;
	/*
	 * acc read while no hook changed the group (as a seqcount reader:
	 * pairs with nsbox_group_busy/done()), with no exit or move since
	 * the mark: acc then holds nothing of a task the walk also saw.
	 */
	seq = atomic_read(&g->seq);
	smp_rmb();	/* the sequence, then acc */
	for (i = 0; i < NSBOX_NR_ACC; i++)
		acc[i] = atomic64_read(&g->acc[i]);
	smp_rmb();	/* acc, then the exits and moves */
	if ((seq & 1) || nsbox_group_folds(g) != g->reset_folds)
		return false;
	smp_rmb();	/* all of it, then the sequence again */
	if (atomic_read(&g->seq) != seq)
		return false;
	nsbox_group_busy(g);
	for (i = 0; i < NSBOX_NR_CNT; i++)
		WRITE_ONCE(g->cnt_base[i], atomic64_read(&g->cnt[i]));
	for (i = 0; i < NSBOX_NR_ACC; i++)
		atomic64_sub(acc[i] + live[i], &g->acc[i]);
	nsbox_group_done(g);
	g->reset_state = NSBOX_RESET_DONE;
	return true;
}

/* ---- probe numbers in a group (struct nsbox_pstat) ------------------------ */

struct nsbox_pstat *nsbox_pstat_at(struct nsbox_pstat_pool *pool, unsigned int i)
{
	return pool->mem + (size_t)i * pool->stride;
}

/**
 * nsbox_pstat_claim() - a free entry of @pool for the group (@kind, @id)
 * @pool: a probe's pool
 * @kind: enum nsbox_kind
 * @id: the group's id
 *
 * Lock-free, any context (NMI included): a probe handler calls it.
 * Returns NULL when every entry is in use (the probe counts a miss).
 */
struct nsbox_pstat *nsbox_pstat_claim(struct nsbox_pstat_pool *pool, u8 kind, u64 id)
{
	struct nsbox_pstat *ps;
	unsigned int i = 0;

	/* full: do not scan the bitmap on every call of a hot function */
	if (atomic_read(&pool->nr_used) >= pool->n)
		return NULL;
	for (;;) {
		i = find_next_zero_bit(pool->used, pool->n, i);
		if (i >= pool->n)
			return NULL;
		if (!test_and_set_bit_lock(i, pool->used))
			break;
	}
	ps = nsbox_pstat_at(pool, i);
	ps->pool = pool;
	WRITE_ONCE(ps->kind, kind);
	WRITE_ONCE(ps->id, id);
	atomic64_set(&ps->ns_min, U64_MAX);
	atomic_inc(&pool->nr_used);
	return ps;
}

/*
 * Give an entry back, zeroed.  Nobody may reach it any more: it was never
 * published in a group, or its group's grace period has passed.
 */
void nsbox_pstat_put(struct nsbox_pstat *ps)
{
	struct nsbox_pstat_pool *pool = ps->pool;
	unsigned int i = ((void *)ps - pool->mem) / pool->stride;

	memset(&ps->calls, 0, pool->stride - offsetof(struct nsbox_pstat, calls));
	atomic_dec(&pool->nr_used);
	clear_bit_unlock(i, pool->used);
}

/**
 * nsbox_groups_drop_pstat() - forget probe slot @slot in every group
 * @slot: the probe's table slot, whose probe no handler runs for any more
 *
 * The entries are not given back: the whole pool is about to be freed
 * (probe.c waits for readers and for groups being freed first).
 */
void nsbox_groups_drop_pstat(unsigned int slot)
{
	struct nsbox_group *g;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < nsbox_bucket_count(); i++)
		hlist_for_each_entry_rcu(g, &nsbox_buckets[i], node)
			RCU_INIT_POINTER(g->pstat[slot], NULL);
	rcu_read_unlock();
}

static void nsbox_pstat_put_rcu(struct rcu_head *head)
{
	nsbox_pstat_put(container_of(head, struct nsbox_pstat, rcu));
}

/*
 * A retired group (its namespace was freed) keeps its numbers but no
 * probe's: its entries go back to their pools once the probe handlers
 * that may still hold them are done.  Called under rcu_read_lock(), which
 * probe removal waits for (synchronize_rcu()) before its rcu_barrier().
 */
static void nsbox_group_drop_pstats(struct nsbox_group *g)
{
	struct nsbox_pstat *ps;
	unsigned int i;

	for (i = 0; i < NSBOX_PROBES_MAX; i++) {
		ps = xchg((struct nsbox_pstat __force **)&g->pstat[i], NULL);
		if (ps)
			call_rcu(&ps->rcu, nsbox_pstat_put_rcu);
	}
}

static void nsbox_group_free_rcu(struct rcu_head *head)
{
	struct nsbox_group *g = container_of(head, struct nsbox_group, rcu);
	struct nsbox_pstat *ps;
	unsigned int i;

	for (i = 0; i < NSBOX_PROBES_MAX; i++) {
		ps = rcu_dereference_protected(g->pstat[i], 1);
		if (ps)
			nsbox_pstat_put(ps);
	}
	nsbox_share_uncharge(g->share);
	kmem_cache_free(nsbox_group_cache, g);
}

struct nsbox_victim {
	u64 empty_since;
	u64 id;
	u16 share;
	u8 kind;
	bool alive;	/* a namespace not freed yet (kept by a mount, a file) */
};

static int nsbox_victim_cmp(const void *a, const void *b)
{
	const struct nsbox_victim *x = a, *y = b;

	if (x->empty_since != y->empty_since)
		return x->empty_since < y->empty_since ? -1 : 1;
	return 0;
}

/**
 * nsbox_group_evict() - unlink an empty group from the table
 * @kind: enum nsbox_kind
 * @id: the group's id
 *
 * Only a group with no task is evicted.  Process context.  Returns true if
 * it was.
 */
bool nsbox_group_evict(u8 kind, u64 id)
{
	unsigned int b = nsbox_bucket_of(kind, id);
	struct nsbox_group *g;
	unsigned long flags;
	bool done = false;

	spin_lock_irqsave(nsbox_lock_of(b), flags);
	hlist_for_each_entry(g, &nsbox_buckets[b], node) {
		if (g->id != id || g->kind != kind)
			continue;
		if (atomic_cmpxchg(&g->threads, 0, NSBOX_GROUP_DEAD) != 0)
			continue;
		hlist_del_rcu(&g->node);
		call_rcu(&g->rcu, nsbox_group_free_rcu);
		atomic_dec(&nsbox_nr_groups);
		atomic_inc(&nsbox_gen);
		done = true;
		break;
	}
	spin_unlock_irqrestore(nsbox_lock_of(b), flags);
	return done;
}

/*
 * Evict the longest-empty groups until the table is at 3/4 of its limit
 * and every user at 3/4 of its share.  A namespace that is still alive
 * (kept by a mount or a file) loses its group too: it can be adopted
 * again, so the adopted flag goes.
 */
static void nsbox_evict_fn(struct work_struct *work)
{
	unsigned int target = nsbox_max_groups * 3 / 4;
	unsigned int n = 0, cap, i, nr, freed = 0;
	struct nsbox_victim *v;
	struct nsbox_group *g;

	cap = atomic_read(&nsbox_nr_groups) + 64;
	v = kvmalloc_array(cap, sizeof(*v), GFP_KERNEL);
	if (!v)
		return;
	rcu_read_lock();
	for (i = 0; i < nsbox_bucket_count(); i++) {
		hlist_for_each_entry_rcu(g, &nsbox_buckets[i], node) {
			if (n < cap && atomic_read(&g->threads) == 0) {
				v[n].empty_since = READ_ONCE(g->empty_since);
				v[n].kind = g->kind;
				v[n].id = g->id;
				v[n].share = g->share;
				v[n].alive = g->kind != NSBOX_KIND_CGROUP2 &&
					     !READ_ONCE(g->retired);
				n++;
			}
		}
	}
	rcu_read_unlock();
	sort(v, n, sizeof(*v), nsbox_victim_cmp, NULL);
	for (i = 0; i < n; i++) {
		/* the count may have fallen meanwhile: compare, never subtract */
		nr = atomic_read(&nsbox_nr_groups);
		if (nr <= target && !nsbox_share_over(v[i].share, 3, 4))
			continue;
		if (nsbox_group_evict(v[i].kind, v[i].id)) {
			atomic64_inc(&nsbox_evictions);
			freed++;
			if (v[i].alive)
				WRITE_ONCE(nsbox_adopted, false);
		}
	}
	kvfree(v);
	if (!freed)
		WRITE_ONCE(nsbox_evict_after, jiffies + HZ);
}

/**
 * nsbox_groups_retire_inum() - a namespace's inode number is given back
 * @inum: the number of the namespace being freed
 *
 * Namespace inode numbers are recycled: once a namespace is freed, the
 * next one created may get the same number.  The freed namespace's group
 * keeps its final numbers for readers, marked retired; the first task
 * seen in a namespace with that number replaces it with a fresh group
 * (nsbox_group_create()).  Any context; never sleeps.
 */
void nsbox_groups_retire_inum(u64 inum)
{
	struct nsbox_group *g;
	int k;

	rcu_read_lock();
	for (k = 0; k < NSBOX_KIND_CGROUP2; k++) {
		g = nsbox_group_find(k, inum);
		if (g) {
			WRITE_ONCE(g->retired, true);
			nsbox_group_drop_pstats(g);
		}
	}
	rcu_read_unlock();
}

static int nsbox_key_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort keys (nsbox_key()) as nsbox_keys_has() wants them: a radix sort,
 * least significant byte first, skipping the bytes every key shares
 * (most of them: a kind and a 32-bit inode number).  A few passes over the
 * array and no indirect call per comparison: a dump's order costs a few
 * instructions a group, not the 300-odd of sort()'s comparisons.  Falls
 * back to sort() when there is no memory for the second array.
 */
void nsbox_keys_sort(u64 *keys, unsigned int n)
{
	unsigned int pos[256], i, shift;
	u64 *tmp, *src = keys, *dst, all_and = ~0ULL, all_or = 0;

	if (n < 2)
		return;
	tmp = kvmalloc_array(n, sizeof(*keys), GFP_KERNEL | __GFP_NOWARN);
	if (!tmp) {
		sort(keys, n, sizeof(*keys), nsbox_key_cmp, NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		all_and &= keys[i];
		all_or |= keys[i];
	}
	dst = tmp;
	for (shift = 0; shift < 64; shift += 8) {
		unsigned int sum = 0, d, c;

		/* a byte that is the same in every key orders nothing */
		if (!(((all_and ^ all_or) >> shift) & 0xff))
			continue;
		memset(pos, 0, sizeof(pos));
		for (i = 0; i < n; i++)
			pos[(src[i] >> shift) & 0xff]++;
		for (d = 0; d < 256; d++) {	/* counts into first positions */
			c = pos[d];
			pos[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[pos[(src[i] >> shift) & 0xff]++] = src[i];
		swap(src, dst);
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
	kvfree(tmp);
}

/* Is @key in @keys, sorted by nsbox_keys_sort()? */
bool nsbox_keys_has(const u64 *keys, unsigned int n, u64 key)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return true;
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/**
 * nsbox_groups_keys() - the keys of the groups in the table, sorted
 * @kinds: a bit per enum nsbox_kind wanted
 * @nr: set to the number of keys returned
 *
 * Returns a kvmalloc'ed array of nsbox_key()s in (kind, id) order (free
 * with kvfree), or NULL on allocation failure.  Keys, not pointers into
 * the table: groups created or evicted afterwards cannot hurt whoever goes
 * through it later.  Process context.
 */
u64 *nsbox_groups_keys(u32 kinds, unsigned int *nr)
{
	struct nsbox_group *g;
	unsigned int n = 0, max, i;
	u64 *keys;

	max = atomic_read(&nsbox_nr_groups) + 64;
	/* charged to the caller: an unprivileged dump holds it (quota.c) */
	keys = kvmalloc_array(max, sizeof(*keys), GFP_KERNEL_ACCOUNT);
	if (!keys)
		return NULL;
	rcu_read_lock();
	for (i = 0; i < nsbox_bucket_count() && n < max; i++) {
		hlist_for_each_entry_rcu(g, &nsbox_buckets[i], node) {
			if (n >= max)
				break;
			if (nsbox_group_dead(g) || !(kinds & BIT(g->kind)))
				continue;
			keys[n++] = nsbox_key(g->kind, g->id);
		}
	}
	rcu_read_unlock();
	nsbox_keys_sort(keys, n);
	*nr = n;
	return keys;
}

/**
 * nsbox_groups_for_each() - call @fn for every group that is not evicted
 * @fn: called under rcu_read_lock(), must not sleep
 * @arg: its argument
 */
void nsbox_groups_for_each(void (*fn)(struct nsbox_group *g, void *arg), void *arg)
{
	struct nsbox_group *g;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < nsbox_bucket_count(); i++)
		hlist_for_each_entry_rcu(g, &nsbox_buckets[i], node)
			if (!nsbox_group_dead(g))
				fn(g, arg);
	rcu_read_unlock();
}

/* Has every namespace no task is in been adopted since load (ADOPT)? */
bool nsbox_groups_adopted(void)
{
	return READ_ONCE(nsbox_adopted);
}

void nsbox_groups_set_adopted(bool adopted)
{
	WRITE_ONCE(nsbox_adopted, adopted);
}

void nsbox_groups_stats(u64 *nr, u64 *evictions, u64 *failures, u64 *bytes,
			u32 *obj_size)
{
	*nr = atomic_read(&nsbox_nr_groups);
	*evictions = atomic64_read(&nsbox_evictions);
	*failures = atomic64_read(&nsbox_failures);
	*obj_size = kmem_cache_size(nsbox_group_cache);
	*bytes = *nr * *obj_size +
		 (u64)nsbox_bucket_count() * sizeof(struct hlist_head);
}

int __init nsbox_groups_init(void)
{
	unsigned int i;

	nsbox_max_groups = clamp(nsbox_max_groups, 64U, 1U << 22);
	nsbox_shares_init(nsbox_max_groups);
	nsbox_evict_after = jiffies;
	/* a bucket per four groups at the cap: chains stay short when full */
	nsbox_hash_bits = ilog2(roundup_pow_of_two(max(nsbox_max_groups / 4, 64U)));
	nsbox_buckets = kvcalloc(1U << nsbox_hash_bits, sizeof(*nsbox_buckets),
				 GFP_KERNEL);
	if (!nsbox_buckets)
		return -ENOMEM;
	for (i = 0; i < NSBOX_NR_LOCKS; i++)
		spin_lock_init(&nsbox_locks[i]);
	nsbox_group_cache = KMEM_CACHE(nsbox_group, 0);
	if (!nsbox_group_cache) {
		kvfree(nsbox_buckets);
		return -ENOMEM;
	}
	return 0;
}

/* Called after every hook is detached and the netlink family is gone. */
void nsbox_groups_exit(void)
{
	struct nsbox_group *g;
	struct hlist_node *tmp;
	unsigned int i;

	WRITE_ONCE(nsbox_groups_closing, true);
	cancel_work_sync(&nsbox_evict_work);
	for (i = 0; i < nsbox_bucket_count(); i++) {
		hlist_for_each_entry_safe(g, tmp, &nsbox_buckets[i], node) {
			hlist_del_rcu(&g->node);
			call_rcu(&g->rcu, nsbox_group_free_rcu);
		}
	}
	rcu_barrier();
	kmem_cache_destroy(nsbox_group_cache);
	kvfree(nsbox_buckets);
}
