// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - the table of kernel hooks.
 *
 * Every point where nsbox attaches to the kernel (a kprobe on a function,
 * a probe on a tracepoint) is described by a struct nsbox_hook and listed
 * here, attached or not: GET_INFO reports each one with its symbol, whether
 * it is attached on this kernel, and its per-CPU hit and miss counters.
 * A symbol that a kernel lacks disables one feature; it never fails the
 * load of the whole module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "nsbox.h"

static struct nsbox_hook *nsbox_hook_table[NSBOX_MAX_HOOKS];
static unsigned int nsbox_nr_hooks;

unsigned int nsbox_hooks_count(void)
{
	return nsbox_nr_hooks;
}

const struct nsbox_hook *nsbox_hook_get(unsigned int i)
{
	return i < nsbox_nr_hooks ? nsbox_hook_table[i] : NULL;
}

/**
 * nsbox_hook_read() - sum a hook's per-CPU counters
 * @hook: the hook
 * @hits: where to store the hit count
 * @misses: where to store the miss count
 *
 * The sum is not a snapshot (other CPUs keep counting while we add), but
 * each counter only grows, so the result is always a value the counter
 * held at some point during the call.
 */
void nsbox_hook_read(const struct nsbox_hook *hook, u64 *hits, u64 *misses)
{
	int cpu;

	*hits = 0;
	*misses = 0;
	if (!hook->stats)
		return;
	for_each_possible_cpu(cpu) {
		const struct nsbox_hook_stats *s = per_cpu_ptr(hook->stats, cpu);

		*hits += READ_ONCE(s->hits);
		*misses += READ_ONCE(s->misses);
	}
}

int nsbox_hooks_init(void)
{
	unsigned int i;

	for (i = 0; i < nsbox_nr_hooks; i++) {
		struct nsbox_hook *hook = nsbox_hook_table[i];

		hook->stats = alloc_percpu(struct nsbox_hook_stats);
		if (!hook->stats) {
			nsbox_hooks_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

void nsbox_hooks_exit(void)
{
	unsigned int i;

	for (i = 0; i < nsbox_nr_hooks; i++) {
		struct nsbox_hook *hook = nsbox_hook_table[i];

		free_percpu(hook->stats);
		hook->stats = NULL;
	}
}
