// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - attaching to the kernel: kprobes and tracepoints.
 *
 * Every point where nsbox attaches to the kernel is a struct nsbox_hook,
 * listed here whether it attached or not: GET_INFO reports each one with
 * its symbol, whether it is attached on this kernel, and its per-CPU hit
 * and miss counters.  A symbol the kernel lacks disables one feature with
 * a clear message; it never fails the load of the whole module.
 *
 * Tracepoints: the sched_* and task_* tracepoints are not exported to
 * modules, so they are found by name with for_each_kernel_tracepoint().
 *
 * Kprobes: a function may have been specialised by the compiler into a
 * clone (".isra.0", ".constprop.0", ".part.0") whose parameters differ;
 * the fixed hooks read their arguments, so they never attach to one (the
 * status says when only a clone exists).  A function renamed in a later
 * kernel (exit_task_namespaces became exit_nsproxy_namespaces in 7.x) is
 * an alternative of the hook, tried next.  A hook that attaches nowhere,
 * or that skip_hooks names, is listed all the same and said once in
 * dmesg, with what is not exact without it.  A function that is blacklisted for
 * kprobes (NOKPROBE_SYMBOL) or fully inlined cannot be hooked at all:
 * register_kprobe() fails and the hook stays detached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "hooks.h"

static struct nsbox_hook *nsbox_hook_table[NSBOX_MAX_HOOKS];
static unsigned int nsbox_nr_hooks;

/*
 * A hook is counted in (nsbox_hook_publish()) once it is whole: GET_INFO
 * may read the table while views.c adds its hook, after the family is
 * registered.
 */
unsigned int nsbox_hooks_count(void)
{
	/* pairs with nsbox_hook_publish(): the entries below it are whole */
	return smp_load_acquire(&nsbox_nr_hooks);
}

const struct nsbox_hook *nsbox_hook_get(unsigned int i)
{
	return i < nsbox_hooks_count() ? nsbox_hook_table[i] : NULL;
}

/**
 * nsbox_hook_stats_read() - sum per-CPU hit and miss counters
 * @stats: a hook's counters, or a probe's (probe.c), or NULL (zeros)
 * @hits: where to store the hit count
 * @misses: where to store the miss count
 *
 * The sum is not a snapshot (other CPUs keep counting while we add), but
 * each counter only grows, so the result is a value the counter passed
 * through during the call.
 */
void nsbox_hook_stats_read(const struct nsbox_hook_stats __percpu *stats, u64 *hits,
			   u64 *misses)
{
	int cpu;

	*hits = 0;
	*misses = 0;
	if (!stats)
		return;
	for_each_possible_cpu(cpu) {
		const struct nsbox_hook_stats *s = per_cpu_ptr(stats, cpu);

		*hits += READ_ONCE(s->hits);
		*misses += READ_ONCE(s->misses);
	}
}

/* nsbox_hook_stats_read() of @hook's counters. */
void nsbox_hook_read(const struct nsbox_hook *hook, u64 *hits, u64 *misses)
{
	nsbox_hook_stats_read(hook->stats, hits, misses);
	/*
	 * A kprobe the kernel did not call the handler for (it was hit
	 * while another kprobe was being handled on that CPU) is a change
	 * not counted: a miss like any other.
	 */
	if (hook->kind == NSBOX_HOOK_KPROBE && hook->attached)
		*misses += READ_ONCE(hook->kp.nmissed);
	/* a return it had no instance for (maxactive calls in flight) */
	if (hook->kind == NSBOX_HOOK_KRETPROBE)
		*misses += READ_ONCE(hook->rp->nmissed) + READ_ONCE(hook->rp->kp.nmissed);
}

struct nsbox_tp_search {
	const char *name;
	struct tracepoint *tp;
};

static void nsbox_tp_match(struct tracepoint *tp, void *priv)
{
	struct nsbox_tp_search *s = priv;

	if (!strcmp(tp->name, s->name))
		s->tp = tp;
}

static int nsbox_attach_tracepoint(struct nsbox_hook *hook)
{
	struct nsbox_tp_search s = { .name = hook->symbol };
	int ret;

	for_each_kernel_tracepoint(nsbox_tp_match, &s);
	if (!s.tp)
		return -ENOENT;
	ret = tracepoint_probe_register(s.tp, hook->probe, hook);
	if (ret)
		return ret;
	hook->tp = s.tp;
	return 0;
}

/*
 * The answer for a name the kernel does not have (-ENOENT, kprobe or
 * tracepoint), or where register_kprobe() cannot probe (-EINVAL, e.g.
 * inlined): worth trying another name; reported as "no such function".
 */
static bool nsbox_no_symbol(int ret)
{
	return ret == -ENOENT || ret == -EINVAL;
}

/*
 * The compiler's clones of a function are separate symbols with a suffix
 * (".isra.0", ".constprop.0", ".part.0"): made when it specialised the
 * function for some of its callers.  A clone's parameters may not be the
 * function's -- scalar replacement of aggregates (isra) passes a field
 * instead of the structure or drops a parameter, constant propagation
 * removes one -- and nothing a module can read tells which (BTF describes
 * the source's function, and is not readable by modules through any
 * exported interface on 5.10-6.x).  A handler that reads arguments on a
 * clone could read a field as a pointer: so nsbox never attaches one
 * that reads arguments to a clone.  It does look for one, to say why the
 * function is missing.
 */
static const char *const nsbox_clone_suffixes[] = {
	".isra.0", ".constprop.0", ".part.0",
};

/**
 * nsbox_kprobe_clone() - does only a compiler clone of @base exist?
 * @base: a function name that register_kprobe() did not find
 * @buf: set to the clone's name, if one exists
 * @len: size of @buf
 *
 * Looks with a kprobe that has no handler, registered and unregistered at
 * once (modules cannot read kallsyms).  Process context.
 */
bool nsbox_kprobe_clone(const char *base, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nsbox_clone_suffixes); i++) {
		struct kprobe kp = { .symbol_name = buf };

		if (snprintf(buf, len, "%s%s", base, nsbox_clone_suffixes[i]) >= len)
			continue;
		if (!register_kprobe(&kp)) {
			unregister_kprobe(&kp);
			return true;
		}
	}
	return false;
}

/* Try one function name; -ESRCH: it exists only as a clone (refused). */
static int nsbox_attach_kprobe_at(struct nsbox_hook *hook, const char *base)
{
	int ret;

	strscpy(hook->symbuf, base, sizeof(hook->symbuf));
	memset(&hook->kp, 0, sizeof(hook->kp));
	hook->kp.symbol_name = hook->symbuf;
	hook->kp.pre_handler = hook->pre;
	ret = register_kprobe(&hook->kp);
	if (!ret) {
		hook->symbol = hook->symbuf;
		return 0;
	}
	/* every fixed hook reads its arguments: a clone is not used */
	if (nsbox_no_symbol(ret) &&
	    nsbox_kprobe_clone(base, hook->symbuf, sizeof(hook->symbuf))) {
		hook->symbol = hook->symbuf;
		return -ESRCH;
	}
	return ret;
}

/*
 * The hook's own symbol first, then each alternative (a function renamed
 * in a later kernel, or another one on the same path).
 */
static int nsbox_attach_kprobe(struct nsbox_hook *hook)
{
	const char *const *alt = hook->alts;
	const char *clone = NULL;
	int ret;

	ret = nsbox_attach_kprobe_at(hook, hook->symbol);
	for (;;) {
		if (ret == -ESRCH && !clone)
			clone = kstrdup(hook->symbuf, GFP_KERNEL);
		if (!(nsbox_no_symbol(ret) || ret == -ESRCH) || !alt || !*alt)
			break;
		ret = nsbox_attach_kprobe_at(hook, *alt++);
	}
	/* nothing attached, but a clone was found: say so, by its name */
	if (ret && clone) {
		strscpy(hook->symbuf, clone, sizeof(hook->symbuf));
		hook->symbol = hook->symbuf;
		ret = -ESRCH;
	}
	kfree(clone);
	return ret;
}

static int nsbox_hook_add(struct nsbox_hook *hook)
{
	if (WARN_ON_ONCE(nsbox_nr_hooks >= NSBOX_MAX_HOOKS))
		return -ENOSPC;
	hook->stats = alloc_percpu(struct nsbox_hook_stats);
	if (!hook->stats)
		return -ENOMEM;
	nsbox_hook_table[nsbox_nr_hooks] = hook;
	return 0;
}

/* The hook added last, its status set: readers may see it now. */
static void nsbox_hook_publish(void)
{
	/* the entry and its status before the count that shows it */
	smp_store_release(&nsbox_nr_hooks, nsbox_nr_hooks + 1);
}

/* The one line a user must see when a hook is not attached. */
static void nsbox_hook_complain(const struct nsbox_hook *hook, const char *why)
{
	pr_err("hook %s not attached (%s): %s are NOT exact on this kernel; see nsbox info\n",
	       hook->name, why, hook->affects);
}

/**
 * nsbox_hook_attach() - register one hook with the kernel
 * @hook: the hook, with name, symbol, kind and handler filled in
 *
 * The hook is added to the table either way, so GET_INFO shows what is
 * missing.  Returns 0, -ENOMEM (the only error that fails the load), or
 * the kernel's refusal (the hook stays detached, a message says so).
 */
int nsbox_hook_attach(struct nsbox_hook *hook)
{
	int ret;

	ret = nsbox_hook_add(hook);
	if (ret)
		return ret;
	if (hook->kind == NSBOX_HOOK_TRACEPOINT) {
		ret = nsbox_attach_tracepoint(hook);
	} else if (hook->kind == NSBOX_HOOK_KRETPROBE) {
		hook->rp->kp.symbol_name = hook->symbol;
		ret = register_kretprobe(hook->rp);
	} else {
		ret = nsbox_attach_kprobe(hook);
	}
	if (ret == -ESRCH) {
		hook->status = NSBOX_HOOK_CLONE_ONLY;
		pr_err("hook %s not attached (only a compiler clone, %s, whose parameters may differ): %s are NOT exact on this kernel; see nsbox info\n",
		       hook->name, hook->symbol, hook->affects);
	} else if (ret) {
		bool missing = nsbox_no_symbol(ret);

		hook->status = missing ? NSBOX_HOOK_NO_SYMBOL : NSBOX_HOOK_REFUSED;
		nsbox_hook_complain(hook, missing ? "no such function or tracepoint"
						  : "refused by the kernel");
	} else {
		hook->status = NSBOX_HOOK_ATTACHED;
		hook->attached = true;
	}
	nsbox_hook_publish();
	return ret;
}

/**
 * nsbox_hook_skip() - list a hook the user asked not to attach
 * @hook: the hook
 *
 * It is reported like a missing one (GET_INFO, dmesg), so that nothing it
 * would have counted is read as exact.  Returns 0 or -ENOMEM.
 */
int nsbox_hook_skip(struct nsbox_hook *hook)
{
	int ret = nsbox_hook_add(hook);

	if (ret)
		return ret;
	hook->status = NSBOX_HOOK_SKIPPED;
	nsbox_hook_complain(hook, "skip_hooks");
	nsbox_hook_publish();
	return 0;
}

/**
 * nsbox_hook_detach() - unregister one kretprobe hook before the others
 * @hook: a hook of kind %NSBOX_HOOK_KRETPROBE, attached or not
 *
 * When this returns, no handler of it runs.  It stays in the table (with
 * its counts) until nsbox_hooks_detach().
 */
void nsbox_hook_detach(struct nsbox_hook *hook)
{
	if (WARN_ON_ONCE(hook->kind != NSBOX_HOOK_KRETPROBE) || !hook->attached)
		return;
	unregister_kretprobe(hook->rp);
	hook->attached = false;
}

/**
 * nsbox_hooks_detach() - unregister every hook and free the table
 *
 * When this returns, no handler is running or will run: kprobes are
 * synchronised by unregister_kprobe(), tracepoint probes by
 * tracepoint_synchronize_unregister().
 */
void nsbox_hooks_detach(void)
{
	struct kprobe *kps[NSBOX_MAX_HOOKS];
	bool tracepoints = false;
	unsigned int i, n = 0;

	for (i = 0; i < nsbox_nr_hooks; i++) {
		struct nsbox_hook *hook = nsbox_hook_table[i];

		if (!hook->attached)
			continue;
		if (hook->kind == NSBOX_HOOK_TRACEPOINT) {
			tracepoint_probe_unregister(hook->tp, hook->probe, hook);
			tracepoints = true;
		} else if (hook->kind == NSBOX_HOOK_KRETPROBE) {
			unregister_kretprobe(hook->rp);
		} else {
			kps[n++] = &hook->kp;
		}
		hook->attached = false;
	}
	/*
	 * All kprobes at once: the kernel waits for running handlers once
	 * for the lot, where one by one it waited once per kprobe (an
	 * unload took a second or more on a busy TCG guest).
	 */
	if (n)
		unregister_kprobes(kps, n);
	if (tracepoints)
		tracepoint_synchronize_unregister();
	for (i = 0; i < nsbox_nr_hooks; i++) {
		free_percpu(nsbox_hook_table[i]->stats);
		nsbox_hook_table[i]->stats = NULL;
	}
	nsbox_nr_hooks = 0;
}
