/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - what one unprivileged user may make the module hold at once.
 *
 * Exports (quota.c): struct nsbox_quota, the two quotas (event
 * subscriptions, group dumps in progress) with their module parameters
 * (max_subscribers is read by events.c), and nsbox_quota_charge(),
 * nsbox_quota_uncharge(), nsbox_quota_total().
 * Depends on: nothing else in kmod/.
 */
#ifndef _NSBOX_QUOTA_H
#define _NSBOX_QUOTA_H

#include <linux/mutex.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

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
unsigned int nsbox_quota_user(struct nsbox_quota *q, kuid_t uid);

#endif /* _NSBOX_QUOTA_H */
