// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - per-namespace and per-cgroup task accounting, served over
 * generic netlink.
 *
 * Module entry points.  Start-up order matters: the group table, then
 * the hooks and the walk of existing tasks, then the load-average work,
 * and the netlink family last, so the first request already sees
 * complete counts.  Exit is the reverse: the family goes first, so no
 * request can reach state that is being torn down (genl_unregister_family()
 * waits for handlers still running, and a dump in progress holds a module
 * reference); then the hooks are detached and synchronised, so no handler
 * runs any more; only then is the table freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "nsbox.h"
#include "events.h"
#include "group.h"
#include "hooks.h"
#include "loadavg.h"
#include "netlink.h"
#include "probe.h"
#include "track.h"
#include "views.h"
#include "walk.h"

static int __init nsbox_init(void)
{
	int ret;

	ret = nsbox_groups_init();
	if (ret)
		return ret;
	ret = nsbox_events_init(&nsbox_family);
	if (ret)
		goto err_events;
	ret = nsbox_track_init();
	if (ret)
		goto err_track;
	nsbox_loadavg_start();
	ret = nsbox_netlink_init();
	if (ret)
		goto err_netlink;
	/* a module without views still counts: say so and go on */
	if (nsbox_views_init())
		pr_warn("views: cannot make /proc/nsbox: boxes see the machine's files\n");

	pr_info("loaded, version %s, genl family \"%s\", ABI %d, %u hooks\n",
		NSBOX_VERSION, NSBOX_GENL_NAME, NSBOX_ABI_VERSION,
		nsbox_hooks_count());
#ifdef NSBOX_TEST_KNOBS
	pr_warn("TEST BUILD: the test_skew parameter changes counts on purpose; not for real accounting\n");
#endif
	return 0;

err_netlink:
	nsbox_loadavg_stop();
err_track:
	nsbox_track_exit();
	nsbox_events_exit();
	nsbox_walk_exit();	/* the start-up walk's room */
err_events:
	nsbox_groups_exit();
	return ret;
}

/*
 * Reverse order: no more requests, no more hooks (no more events), then
 * the event rings and subscribers, then the groups the rings refer to.
 */
static void __exit nsbox_exit(void)
{
	nsbox_views_exit();
	nsbox_events_stop();
	nsbox_netlink_exit();
	/* before the groups: their entries live in the probes' pools */
	nsbox_probes_exit();
	nsbox_loadavg_stop();
	nsbox_track_exit();
	nsbox_events_exit();
	nsbox_walk_exit();
	nsbox_groups_exit();
	pr_info("unloaded\n");
}

module_init(nsbox_init);
module_exit(nsbox_exit);

MODULE_DESCRIPTION("nsbox: per-namespace and per-cgroup task accounting over generic netlink");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSBOX_VERSION);
MODULE_AUTHOR("The nsbox developers");
MODULE_ALIAS_GENL_FAMILY(NSBOX_GENL_NAME);
