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
 * group, with "active" counted over the group's tasks, from a delayed
 * work item: the walk of all tasks runs in process context, never in a
 * probe handler.
 */
#include <linux/mm.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "loadavg.h"
#include "group.h"
#include "walk.h"

static void nsbox_loadavg_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(nsbox_loadavg_work, nsbox_loadavg_fn);

static void nsbox_loadavg_fn(struct work_struct *work)
{
	static const unsigned long exps[3] = { EXP_1, EXP_5, EXP_15 };
	struct nsbox_live *batch;
	unsigned int n, i, j;

	batch = nsbox_groups_snapshot(-1, &n);
	if (batch) {
		nsbox_walk_live(batch, n, NULL, NULL);
		rcu_read_lock();
		for (i = 0; i < n; i++) {
			struct nsbox_group *g = nsbox_group_find(batch[i].kind,
								 batch[i].id);
			unsigned long active = batch[i].active * FIXED_1;

			if (!g)
				continue;
			for (j = 0; j < 3; j++)
				WRITE_ONCE(g->load[j],
					   calc_load(READ_ONCE(g->load[j]), exps[j], active));
		}
		rcu_read_unlock();
		kvfree(batch);
	}
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
