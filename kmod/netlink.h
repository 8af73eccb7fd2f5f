/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the "nsbox" generic netlink family.
 *
 * Exports (netlink.c): nsbox_family (main.c hands it to the event stream,
 * which sends on it) and the family's life: nsbox_netlink_init() and
 * nsbox_netlink_exit().
 * Depends on: nsbox.h, group.h, task.h, walk.h, track.h, hooks.h,
 * events.h, quota.h, testknob.h; compat.h (netlink.c).
 */
#ifndef _NSBOX_NETLINK_H
#define _NSBOX_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family nsbox_family;
int nsbox_netlink_init(void);
void nsbox_netlink_exit(void);

#endif /* _NSBOX_NETLINK_H */
