/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - attaching to the kernel: kprobes and tracepoints.
 *
 * Exports (hooks.c): struct nsbox_hook (one point where nsbox attaches,
 * with its per-CPU hit and miss counters), nsbox_hook_attach(),
 * nsbox_hook_skip(), nsbox_hook_detach() (one, early: views.c's
 * kretprobe), nsbox_hooks_detach(), the table of hooks as GET_INFO
 * lists it (nsbox_hooks_count(), nsbox_hook_get(), nsbox_hook_read()), the
 * counters a handler bumps (nsbox_hook_hit(), nsbox_hook_miss()), and their
 * sums, for probe.c's counters of the same shape (nsbox_hook_stats_read()),
 * and whether a missing function exists as a compiler clone
 * (nsbox_kprobe_clone(), which probe.c asks too).
 * Depends on: nothing else in kmod/.
 */
#ifndef _NSBOX_HOOKS_H
#define _NSBOX_HOOKS_H

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include "../uapi/linux/nsbox.h"

struct tracepoint;

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
 * @symbol: kernel function or tracepoint name; after attaching, the name
 *	actually used (a compiler suffix such as ".isra.0" may be added)
 * @alts: other functions to try, in order, NULL-terminated (renames)
 * @affects: what is not exact while it is not attached
 * @kind: enum nsbox_hook_kind: %NSBOX_HOOK_KPROBE, %NSBOX_HOOK_KRETPROBE or
 *	%NSBOX_HOOK_TRACEPOINT
 * @attached: true while the hook is registered with the kernel
 * @status: enum nsbox_hook_status
 * @stats: per-CPU hit/miss counters
 * @pre: kprobe handler (kind %NSBOX_HOOK_KPROBE)
 * @probe: tracepoint probe function (kind %NSBOX_HOOK_TRACEPOINT)
 * @kp: the kprobe, while attached
 * @tp: the tracepoint, while attached
 * @rp: kind %NSBOX_HOOK_KRETPROBE: the caller's kretprobe, handlers filled
 *	in (its symbol is set from @symbol)
 * @symbuf: storage for a suffixed symbol name
 */
struct nsbox_hook {
	const char *name;
	const char *symbol;
	const char *const *alts;
	const char *affects;
	enum nsbox_hook_kind kind;
	bool attached;
	u8 status;
	struct nsbox_hook_stats __percpu *stats;
	kprobe_pre_handler_t pre;
	void *probe;
	struct kprobe kp;
	struct tracepoint *tp;
	struct kretprobe *rp;
	char symbuf[64];
};

int nsbox_hook_attach(struct nsbox_hook *hook);
int nsbox_hook_skip(struct nsbox_hook *hook);
void nsbox_hook_detach(struct nsbox_hook *hook);
void nsbox_hooks_detach(void);
unsigned int nsbox_hooks_count(void);
const struct nsbox_hook *nsbox_hook_get(unsigned int i);
void nsbox_hook_read(const struct nsbox_hook *hook, u64 *hits, u64 *misses);
void nsbox_hook_stats_read(const struct nsbox_hook_stats __percpu *stats, u64 *hits,
			   u64 *misses);
bool nsbox_kprobe_clone(const char *base, char *buf, size_t len);

static inline void nsbox_hook_hit(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->hits);
}

static inline void nsbox_hook_miss(struct nsbox_hook *hook)
{
	this_cpu_inc(hook->stats->misses);
}

#endif /* _NSBOX_HOOKS_H */
