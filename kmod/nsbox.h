/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - internal declarations shared by the module's files.
 *
 * One file per concern, as in WireGuard:
 *   main.c     module init/exit, parameters, modinfo
 *   netlink.c  the generic-netlink family: policies and command handlers
 *   hooks.c    the table of kernel hooks and their hit/miss counters
 *   compat.h   every difference between the kernels we build for
 */
#ifndef _NSBOX_H
#define _NSBOX_H

#include <linux/types.h>
#include <linux/percpu.h>

#include "../uapi/linux/nsbox.h"
#include "version.h"

#define NSBOX_MAX_HOOKS	32

/**
 * struct nsbox_hook_stats - per-CPU counters of one hook
 * @hits: handler ran and did its work
 * @misses: handler ran but had to give up (no memory, reentry, ...)
 *
 * Per-CPU so a probe handler bumps a counter without a shared cache line
 * or an atomic instruction; readers sum over all CPUs.
 */
struct nsbox_hook_stats {
	u64 hits;
	u64 misses;
};

/**
 * struct nsbox_hook - one point where nsbox attaches to the kernel
 * @name: nsbox's name for it, as GET_INFO reports it
 * @symbol: kernel function or tracepoint name actually attached
 * @kind: enum nsbox_hook_kind
 * @attached: true while the hook is registered with the kernel
 * @stats: per-CPU hit/miss counters
 */
struct nsbox_hook {
	const char *name;
	const char *symbol;
	enum nsbox_hook_kind kind;
	bool attached;
	struct nsbox_hook_stats __percpu *stats;
};

/* hooks.c */
int nsbox_hooks_init(void);
void nsbox_hooks_exit(void);
unsigned int nsbox_hooks_count(void);
const struct nsbox_hook *nsbox_hook_get(unsigned int i);
void nsbox_hook_read(const struct nsbox_hook *hook, u64 *hits, u64 *misses);

static inline void nsbox_hook_hit(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->hits);
}

static inline void nsbox_hook_miss(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->misses);
}

/* netlink.c */
int nsbox_netlink_init(void);
void nsbox_netlink_exit(void);

#endif /* _NSBOX_H */
