// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - what one unprivileged user may make the module hold at once.
 *
 * Anybody may subscribe to events and dump groups; each subscription and
 * each group dump in progress holds kernel memory until its socket is
 * closed (a subscriber record, a snapshot of the group table).  That
 * memory is charged to the caller's memory cgroup (GFP_KERNEL_ACCOUNT),
 * and here it is also counted: per user (nsbox_quota_uid(): the ids of a
 * user namespace a user made count as that user), and for all
 * unprivileged users together.  The admin is never counted, so no number
 * of unprivileged sockets can lock root out.  A refusal says which limit
 * (module parameter) was reached, in the extack.
 *
 * Counts live in an xarray keyed by uid (value entries), under a mutex:
 * only netlink handlers and socket release call in, never a probe.
 */
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include "quota.h"

unsigned int nsbox_max_subscribers = 64;
module_param_named(max_subscribers, nsbox_max_subscribers, uint, 0444);
MODULE_PARM_DESC(max_subscribers,
		 "event subscriptions of unprivileged users, all together (default 64; the admin's are not counted)");

static unsigned int nsbox_max_user_subscribers = 8;
module_param_named(max_user_subscribers, nsbox_max_user_subscribers, uint, 0444);
MODULE_PARM_DESC(max_user_subscribers,
		 "event subscriptions of one unprivileged user (default 8)");

static unsigned int nsbox_max_dumps = 256;
module_param_named(max_dumps, nsbox_max_dumps, uint, 0444);
MODULE_PARM_DESC(max_dumps,
		 "group dumps in progress of unprivileged users, all together (default 256)");

static unsigned int nsbox_max_user_dumps = 16;
module_param_named(max_user_dumps, nsbox_max_user_dumps, uint, 0444);
MODULE_PARM_DESC(max_user_dumps, "group dumps in progress of one unprivileged user (default 16)");

struct nsbox_quota nsbox_subs_quota = {
	.full_msg = "nsbox: too many unprivileged event subscribers (see max_subscribers)",
	.user_msg = "nsbox: this user has too many subscriptions (see max_user_subscribers)",
	.lock = __MUTEX_INITIALIZER(nsbox_subs_quota.lock),
	.users = XARRAY_INIT(nsbox_subs_quota.users, 0),
	.max_total = &nsbox_max_subscribers,
	.max_user = &nsbox_max_user_subscribers,
};

struct nsbox_quota nsbox_dumps_quota = {
	.full_msg = "nsbox: too many unprivileged group dumps open (see max_dumps)",
	.user_msg = "nsbox: this user has too many group dumps open (see max_user_dumps)",
	.lock = __MUTEX_INITIALIZER(nsbox_dumps_quota.lock),
	.users = XARRAY_INIT(nsbox_dumps_quota.users, 0),
	.max_total = &nsbox_max_dumps,
	.max_user = &nsbox_max_user_dumps,
};

/* NL_SET_ERR_MSG() wants a literal; these are static strings too. */
static void nsbox_quota_msg(struct netlink_ext_ack *extack, const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

/**
 * nsbox_quota_charge() - count one more object of @uid, if allowed
 * @q: which objects
 * @uid: the caller's effective uid
 * @extack: where to say which limit was reached
 *
 * Return: 0, -ENOSPC (a limit is reached) or -ENOMEM.
 */
int nsbox_quota_charge(struct nsbox_quota *q, kuid_t uid, struct netlink_ext_ack *extack)
{
	unsigned long key = from_kuid(&init_user_ns, uid);
	unsigned long n;
	void *old;
	int ret = 0;

	mutex_lock(&q->lock);
	old = xa_load(&q->users, key);
	n = old ? xa_to_value(old) : 0;
	if (q->total >= READ_ONCE(*q->max_total)) {
		nsbox_quota_msg(extack, q->full_msg);
		ret = -ENOSPC;
	} else if (n >= READ_ONCE(*q->max_user)) {
		nsbox_quota_msg(extack, q->user_msg);
		ret = -ENOSPC;
	} else {
		ret = xa_err(xa_store(&q->users, key, xa_mk_value(n + 1), GFP_KERNEL_ACCOUNT));
		if (!ret)
			q->total++;
	}
	mutex_unlock(&q->lock);
	return ret;
}

/* The object nsbox_quota_charge() counted for @uid is gone. */
void nsbox_quota_uncharge(struct nsbox_quota *q, kuid_t uid)
{
	unsigned long key = from_kuid(&init_user_ns, uid);
	unsigned long n;
	void *old;

	mutex_lock(&q->lock);
	old = xa_load(&q->users, key);
	n = old ? xa_to_value(old) : 0;
	if (WARN_ON_ONCE(!n)) {
		mutex_unlock(&q->lock);
		return;
	}
	q->total--;
	if (n == 1)
		xa_erase(&q->users, key);
	else
		xa_store(&q->users, key, xa_mk_value(n - 1), GFP_KERNEL);	/* in place */
	mutex_unlock(&q->lock);
}

/* Unprivileged objects counted now. */
unsigned int nsbox_quota_total(struct nsbox_quota *q)
{
	unsigned int n;

	mutex_lock(&q->lock);
	n = q->total;
	mutex_unlock(&q->lock);
	return n;
}

/* Objects of @uid counted now. */
unsigned int nsbox_quota_user(struct nsbox_quota *q, kuid_t uid)
{
	unsigned long key = from_kuid(&init_user_ns, uid);
	void *cur;

	mutex_lock(&q->lock);
	cur = xa_load(&q->users, key);
	mutex_unlock(&q->lock);
	return cur ? xa_to_value(cur) : 0;
}
