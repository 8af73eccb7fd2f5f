/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - fair shares of the group table, and of the module's time.
 *
 * Exports (share.c): which user a new group is charged to
 * (nsbox_share_ns(), nsbox_share_cred(); the user who stands for a
 * cred, nsbox_share_uid()), the charge itself
 * (nsbox_share_charge(), nsbox_share_uncharge()) with the refusals counted
 * per user and kind (nsbox_share_refuse()), the shares as GET_INFO reports
 * them (struct nsbox_share, nsbox_share_at(), nsbox_share_find()), the
 * module parameters max_user_groups and max_unpriv_groups, and the rate of
 * expensive requests an unprivileged user may make (nsbox_share_walk_ok(),
 * user_walks_per_sec).
 * Depends on: nothing else in kmod/.
 */
#ifndef _NSBOX_SHARE_H
#define _NSBOX_SHARE_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/uidgid.h>

#include "../uapi/linux/nsbox.h"

struct cred;
struct ns_common;

/* Slots of the share table: the admin, everybody past the table, users. */
#define NSBOX_SHARES		1024
#define NSBOX_SHARE_ADMIN	0
#define NSBOX_SHARE_OTHERS	1
#define NSBOX_SHARE_FREE	U32_MAX	/* a slot no user has taken */
#define NSBOX_SHARE_OTHERS_UID	(U32_MAX - 1)	/* NSBOX_SHARE_OTHERS's uid */

/**
 * struct nsbox_share - what one user holds of the group table
 * @uid: the user (a uid of the initial user namespace); NSBOX_SHARE_FREE
 *	for an unused slot; slot NSBOX_SHARE_ADMIN is root, slot
 *	NSBOX_SHARE_OTHERS every user past the table's NSBOX_SHARES
 * @groups: groups charged to the user now
 * @refused: groups the user's actions would have made but could not be
 *	(its share, or the table, full; no memory), per enum nsbox_kind
 * @walk_until: the rate limiter of expensive requests (ns, monotonic)
 */
struct nsbox_share {
	u32 uid;
	atomic_t groups;
	atomic64_t refused[NSBOX_KIND_COUNT];
	atomic64_t walk_until;
};

extern unsigned int nsbox_max_user_groups;
extern unsigned int nsbox_max_unpriv_groups;

void nsbox_shares_init(unsigned int max_groups);
u16 nsbox_share_ns(const struct ns_common *ns, int kind);
u32 nsbox_share_uid(const struct cred *cred);

/*
 * Whom the per-user quotas (subscriptions, dumps) count a caller as: the
 * user nsbox_share_uid() names, so that the ids of a user namespace it
 * made are not more users (each would have a quota of its own).
 */
static inline kuid_t nsbox_quota_uid(const struct cred *cred)
{
	return KUIDT_INIT(nsbox_share_uid(cred));
}

u16 nsbox_share_cred(const struct cred *cred);
bool nsbox_share_charge(u16 share, unsigned int max_groups);
void nsbox_share_uncharge(u16 share);
void nsbox_share_refuse(u16 share, int kind);
struct nsbox_share *nsbox_share_at(unsigned int i);
struct nsbox_share *nsbox_share_find(u32 uid);
unsigned int nsbox_share_limit(u16 share);
bool nsbox_share_over(u16 share, unsigned int num, unsigned int den);
unsigned int nsbox_unpriv_groups(void);
u64 nsbox_refused_total(int kind);
bool nsbox_share_walk_ok(u16 share);

#endif /* _NSBOX_SHARE_H */
