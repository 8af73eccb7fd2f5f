// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - fair shares of the group table, and of the module's time.
 *
 * Every namespace and cgroup is a group, and any user may make namespaces
 * (user namespaces, and inside them the other kinds) by the thousand.  One
 * table for everybody would let one user fill it, and then nothing anybody
 * else starts would be counted.  So each group is charged to a user, and
 * each user may hold at most max_user_groups, all unprivileged users
 * together at most max_unpriv_groups; what is left of max_groups is the
 * admin's alone.  A group that cannot be made is refused, counted per
 * user and kind, and reported (GET_INFO, `nsbox info`, the warning of
 * `nsbox groups`, the Prometheus scrape): never lost in silence.
 *
 * Who pays:
 *  - a namespace: the user who made the user namespace it lives in --
 *    precisely, the owner of the topmost user namespace below the initial
 *    one, in the chain from its own up, that is not owned by root.  A user
 *    who maps a range of subordinate ids into its namespace and makes more
 *    namespaces as those ids still pays for them, since its own namespace
 *    is higher in the chain.  Namespaces of root's user namespaces (the
 *    host's, a --user box that root started) are the admin's.
 *  - a cgroup: the task whose action made nsbox see it first (it forked
 *    into it, or was moved there), by the same rule applied to its
 *    credentials' user namespace, or else its effective uid (in the
 *    initial user namespace) or the host uid of its box's root (in a user
 *    namespace root made): nsbox_share_uid().  Only root
 *    and users it delegated a subtree to can make cgroups, and nsbox's
 *    own boxes (/sys/fs/cgroup/nsbox/...) are entered first by their PID 1,
 *    which root runs: the admin's.
 *
 * The charge is read from the namespace or the task as they are when the
 * group is made, under RCU; nothing here sleeps or takes a lock, since the
 * hook handlers charge.  The users are an open-addressed table of
 * NSBOX_SHARES slots claimed with cmpxchg() and never given back; users
 * past it share one slot (NSBOX_SHARE_OTHERS), which is limited like one
 * user and reported as uid 4294967294.
 *
 * The module's time: a dump by an unprivileged user costs a walk of the
 * tasks of its pid namespace.  user_walks_per_sec bounds how many it may
 * ask for (a token bucket per user, lock-free, the user as
 * nsbox_share_uid() says: not per id, or a user with subordinate ids
 * could take every slot of the table); the admin is not limited.
 */
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/cred.h>
#include <linux/ns_common.h>
#include <linux/proc_ns.h>
#include <linux/user_namespace.h>

#include "share.h"

unsigned int nsbox_max_user_groups = 4096;
module_param_named(max_user_groups, nsbox_max_user_groups, uint, 0444);
MODULE_PARM_DESC(max_user_groups,
		 "groups one unprivileged user may hold (default 4096)");

unsigned int nsbox_max_unpriv_groups;
module_param_named(max_unpriv_groups, nsbox_max_unpriv_groups, uint, 0444);
MODULE_PARM_DESC(max_unpriv_groups,
		 "groups all unprivileged users together may hold (default 3/4 of max_groups; the rest is the admin's)");

static unsigned int nsbox_user_walks_per_sec = 20;
module_param_named(user_walks_per_sec, nsbox_user_walks_per_sec, uint, 0444);
MODULE_PARM_DESC(user_walks_per_sec,
		 "dumps one unprivileged user may ask for per second, on average (bursts of 3 s worth; default 20)");

/* a user may ask this many seconds' worth of walks at once */
#define NSBOX_WALK_BURST_S	3

static struct nsbox_share nsbox_shares[NSBOX_SHARES];
static atomic_t nsbox_unpriv_nr = ATOMIC_INIT(0);

/**
 * nsbox_shares_init() - empty the table, settle the limits
 * @max_groups: the table's limit, which the others must leave room in
 */
void nsbox_shares_init(unsigned int max_groups)
{
	unsigned int i;
	int k;

	if (!nsbox_max_unpriv_groups || nsbox_max_unpriv_groups > max_groups)
		nsbox_max_unpriv_groups = max_groups / 4 * 3;
	nsbox_max_user_groups = clamp(nsbox_max_user_groups, 1U, nsbox_max_unpriv_groups);
	for (i = 0; i < NSBOX_SHARES; i++) {
		nsbox_shares[i].uid = NSBOX_SHARE_FREE;
		atomic_set(&nsbox_shares[i].groups, 0);
		atomic64_set(&nsbox_shares[i].walk_until, 0);
		for (k = 0; k < NSBOX_KIND_COUNT; k++)
			atomic64_set(&nsbox_shares[i].refused[k], 0);
	}
	nsbox_shares[NSBOX_SHARE_ADMIN].uid = 0;
	nsbox_shares[NSBOX_SHARE_OTHERS].uid = NSBOX_SHARE_OTHERS_UID;
	atomic_set(&nsbox_unpriv_nr, 0);
}

/* The slot of @uid, taken if it has none yet; NSBOX_SHARE_OTHERS if full. */
static u16 nsbox_share_slot(u32 uid)
{
	unsigned int n = NSBOX_SHARES - 2, h = hash_32(uid, 10) % n, i;

	if (!uid)
		return NSBOX_SHARE_ADMIN;
	if (uid == NSBOX_SHARE_OTHERS_UID)
		return NSBOX_SHARE_OTHERS;
	for (i = 0; i < n; i++) {
		struct nsbox_share *s = &nsbox_shares[2 + (h + i) % n];
		u32 old = READ_ONCE(s->uid);

		if (old == uid)
			return s - nsbox_shares;
		if (old == NSBOX_SHARE_FREE) {
			old = cmpxchg(&s->uid, NSBOX_SHARE_FREE, uid);
			if (old == NSBOX_SHARE_FREE || old == uid)
				return s - nsbox_shares;
		}
	}
	return NSBOX_SHARE_OTHERS;
}

/*
 * The owner of the topmost user namespace below the initial one, from
 * @ns up, that root does not own; 0 (root) if there is none.
 */
static u32 nsbox_userns_payer(const struct user_namespace *ns)
{
	const struct user_namespace *u, *top = NULL;

	for (u = ns; u && u != &init_user_ns; u = u->parent)
		if (!uid_eq(u->owner, GLOBAL_ROOT_UID))
			top = u;
	return top ? from_kuid(&init_user_ns, top->owner) : 0;
}

/**
 * nsbox_share_ns() - whom a namespace's group is charged to
 * @ns: the namespace (its holder keeps it alive)
 * @kind: its enum nsbox_kind
 */
u16 nsbox_share_ns(const struct ns_common *ns, int kind)
{
	const struct user_namespace *owner;

	if (kind == NSBOX_KIND_USER)
		owner = container_of(ns, struct user_namespace, ns);
	else if (ns->ops && ns->ops->owner)
		owner = ns->ops->owner((struct ns_common *)ns);
	else
		return NSBOX_SHARE_ADMIN;
	return nsbox_share_slot(nsbox_userns_payer(owner));
}

/**
 * nsbox_share_uid() - the user who stands for @cred
 * @cred: a task's or a socket opener's credentials (held, or under RCU)
 *
 * The payer of its user namespace (above) if there is one: a user's
 * subordinate ids, mapped into its namespaces, are not more users.  In
 * the initial user namespace, its effective uid.  In a user namespace
 * root made (a --user box), whose ids may be as many as root mapped, the
 * host uid of that namespace's root: the box is one user, whichever of
 * its ids asks; without a root, everybody past the table
 * (NSBOX_SHARE_OTHERS_UID).
 */
u32 nsbox_share_uid(const struct cred *cred)
{
	struct user_namespace *top = cred->user_ns;
	u32 uid = nsbox_userns_payer(top);
	kuid_t root;

	if (uid)
		return uid;
	if (top == &init_user_ns)
		return from_kuid(&init_user_ns, cred->euid);
	while (top->parent != &init_user_ns)
		top = top->parent;
	root = make_kuid(top, 0);
	return uid_valid(root) ? from_kuid(&init_user_ns, root) : NSBOX_SHARE_OTHERS_UID;
}

/**
 * nsbox_share_cred() - the share of the user who stands for @cred: whom a
 *	group a task makes is charged to (a cgroup), whose rate of walks
 *	a request counts against
 * @cred: the task's or the socket opener's credentials (held, or under RCU)
 */
u16 nsbox_share_cred(const struct cred *cred)
{
	return nsbox_share_slot(nsbox_share_uid(cred));
}

/* The most groups @share may hold. */
unsigned int nsbox_share_limit(u16 share)
{
	return share == NSBOX_SHARE_ADMIN ? U32_MAX : READ_ONCE(nsbox_max_user_groups);
}

/**
 * nsbox_share_charge() - count one more group against @share, if allowed
 * @share: the user's slot
 * @max_groups: the table's limit (the admin's only one)
 *
 * The caller has already counted the group in the table's total.  Any
 * context.  Returns false if the user, or all unprivileged users, hold
 * their most.
 */
bool nsbox_share_charge(u16 share, unsigned int max_groups)
{
	struct nsbox_share *s = &nsbox_shares[share];

	if (share == NSBOX_SHARE_ADMIN) {
		atomic_inc(&s->groups);
		return true;
	}
	if (atomic_inc_return(&s->groups) > READ_ONCE(nsbox_max_user_groups))
		goto undo;
	if (atomic_inc_return(&nsbox_unpriv_nr) > READ_ONCE(nsbox_max_unpriv_groups)) {
		atomic_dec(&nsbox_unpriv_nr);
		goto undo;
	}
	return true;
undo:
	atomic_dec(&s->groups);
	return false;
}

/* A group charged to @share is gone (freed after RCU). */
void nsbox_share_uncharge(u16 share)
{
	atomic_dec(&nsbox_shares[share].groups);
	if (share != NSBOX_SHARE_ADMIN)
		atomic_dec(&nsbox_unpriv_nr);
}

/* A group of @kind for @share could not be made: count it. */
void nsbox_share_refuse(u16 share, int kind)
{
	atomic64_inc(&nsbox_shares[share].refused[kind]);
}

/* Does @share hold more than @num/@den of its most? */
bool nsbox_share_over(u16 share, unsigned int num, unsigned int den)
{
	if (share == NSBOX_SHARE_ADMIN)
		return false;
	return atomic_read(&nsbox_shares[share].groups) >
	       (u64)READ_ONCE(nsbox_max_user_groups) * num / den;
}

struct nsbox_share *nsbox_share_at(unsigned int i)
{
	return i < NSBOX_SHARES ? &nsbox_shares[i] : NULL;
}

/* The share of @uid if it has one (no slot is taken), else NULL. */
struct nsbox_share *nsbox_share_find(u32 uid)
{
	unsigned int n = NSBOX_SHARES - 2, h = hash_32(uid, 10) % n, i;

	if (!uid)
		return &nsbox_shares[NSBOX_SHARE_ADMIN];
	if (uid == NSBOX_SHARE_OTHERS_UID)
		return &nsbox_shares[NSBOX_SHARE_OTHERS];
	for (i = 0; i < n; i++) {
		struct nsbox_share *s = &nsbox_shares[2 + (h + i) % n];
		u32 cur = READ_ONCE(s->uid);

		if (cur == uid)
			return s;
		if (cur == NSBOX_SHARE_FREE)
			return NULL;
	}
	return NULL;
}

unsigned int nsbox_unpriv_groups(void)
{
	return atomic_read(&nsbox_unpriv_nr);
}

/* Groups of @kind refused to anybody since load. */
u64 nsbox_refused_total(int kind)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < NSBOX_SHARES; i++)
		sum += atomic64_read(&nsbox_shares[i].refused[kind]);
	return sum;
}

/**
 * nsbox_share_walk_ok() - may an unprivileged user have another walk now?
 * @share: the user's slot (nsbox_share_cred() of whoever asks)
 *
 * A token bucket kept as a time: each walk moves the user's clock one
 * period (1 s / user_walks_per_sec) ahead of the later of now and where it
 * was; a walk is refused while the clock is more than NSBOX_WALK_BURST_S
 * seconds ahead of now.  Lock-free.
 */
bool nsbox_share_walk_ok(u16 share)
{
	unsigned int rate = READ_ONCE(nsbox_user_walks_per_sec);
	struct nsbox_share *s = &nsbox_shares[share];
	s64 now = ktime_get_ns(), period, until, next;

	if (!rate)
		return true;
	period = NSEC_PER_SEC / rate;
	until = atomic64_read(&s->walk_until);
	do {
		next = max(until, now) + period;
		if (next > now + NSBOX_WALK_BURST_S * NSEC_PER_SEC + period)
			return false;
	} while (!atomic64_try_cmpxchg(&s->walk_until, &until, next));
	return true;
}
