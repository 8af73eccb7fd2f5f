// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - per-namespace and per-cgroup task accounting, served over
 * generic netlink.
 *
 * Module entry points.  Start-up order matters: the hook table exists
 * before the netlink family is registered, so the first GET_INFO already
 * sees it; on exit the family goes first, so no request can reach state
 * that is being torn down (genl_unregister_family() waits for handlers
 * that are still running, and a dump in progress holds a module reference).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "nsbox.h"

static int __init nsbox_init(void)
{
	int ret;

	ret = nsbox_hooks_init();
	if (ret)
		return ret;

	ret = nsbox_netlink_init();
	if (ret) {
		nsbox_hooks_exit();
		return ret;
	}

	pr_info("loaded, version %s, genl family \"%s\", ABI %d\n",
		NSBOX_VERSION, NSBOX_GENL_NAME, NSBOX_ABI_VERSION);
	return 0;
}

static void __exit nsbox_exit(void)
{
	nsbox_netlink_exit();
	nsbox_hooks_exit();
	pr_info("unloaded\n");
}

module_init(nsbox_init);
module_exit(nsbox_exit);

MODULE_DESCRIPTION("nsbox: per-namespace and per-cgroup task accounting over generic netlink");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSBOX_VERSION);
MODULE_AUTHOR("The nsbox developers");
MODULE_ALIAS_GENL_FAMILY(NSBOX_GENL_NAME);
