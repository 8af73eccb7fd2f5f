// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - load averages per group.
 *
 * The kernel's load average (/proc/loadavg) is an exponentially damped
 * moving average of the number of tasks that are runnable or in
 * uninterruptible sleep, sampled every 5 seconds (LOAD_FREQ) in fixed
 * point with FSHIFT = 11 fractional bits:
 *
 *	load = load * e + active * (1 - e)
 *
 * with e = exp(-5 s / 1 min), exp(-5 s / 5 min), exp(-5 s / 15 min)
 * (EXP_1, EXP_5, EXP_15).  nsbox applies the same calc_load() to each
 * group, with "active" counted over the group's tasks by the shared walk
 * of all tasks (walk.c: the one that gives every reader its live values;
 * a walk some reader made in the last 100 ms is used as it is), from a
 * delayed work item: in process context, never in a probe handler.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "loadavg.h"
#include "group.h"
#include "walk.h"

static void nsbox_loadavg_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nsbox_loadavg_work, nsbox_loadavg_fn);

static void nsbox_loadavg_one(struct nsbox_group *g, void *arg)
{
	static const unsigned long exps[3] = { EXP_1, EXP_5, EXP_15 };
	struct nsbox_glive l;
	unsigned long active;
	int j;

	nsbox_group_live(g, &l);
	active = l.active * FIXED_1;
	for (j = 0; j < 3; j++)
		WRITE_ONCE(g->load[j], calc_load(READ_ONCE(g->load[j]), exps[j], active));
}

static void nsbox_loadavg_fn(struct work_struct *work)
{
	/* the shared walk: one a reader made in the last 100 ms will do */
	if (!nsbox_live_refresh(ktime_get_ns() - 100 * NSEC_PER_MSEC))
		nsbox_groups_for_each(nsbox_loadavg_one, NULL);
	schedule_delayed_work(&nsbox_loadavg_work, LOAD_FREQ);
}

void nsbox_loadavg_start(void)
{
	schedule_delayed_work(&nsbox_loadavg_work, LOAD_FREQ);
}

void nsbox_loadavg_stop(void)
{
	cancel_delayed_work_sync(&nsbox_loadavg_work);
}
