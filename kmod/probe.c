// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - probes a user plants on any kernel function.
 *
 * `nsbox probe add vfs_write` registers a kprobe: the kernel puts a
 * breakpoint (or, where the function starts with an ftrace call site, an
 * ftrace hook) at the function's first instruction, and every call runs
 * nsbox_probe_pre() first.  That handler finds the calling task's nine
 * groups and adds one call to each.  `--ret` registers a kretprobe
 * instead: on entry the kernel saves the return address and replaces it
 * with a trampoline's, so the function "returns" into
 * nsbox_probe_ret() with the time taken since entry; those go into a
 * log2 histogram per group.  `--sum-arg N` adds the function's Nth
 * argument (read from the saved registers, x86-64 calling convention).
 *
 * Handlers run in whatever context the function runs in -- interrupts,
 * with locks held -- so they never sleep, never allocate and never take
 * a lock: each probe has a pool of entries allocated when it is added
 * (probe_groups of them), a group's entry is claimed with one atomic
 * bit operation and published in the group with cmpxchg(), and the
 * counters are atomic64.  A group with no free entry is counted as a
 * miss and reported.  All of it is safe in NMI context too, which
 * matters: on x86 the int3 trap that runs a breakpoint kprobe's handler
 * enters the kernel the way an NMI does (in_nmi() is true there).
 *
 * Adding and removing happen in process context under nsbox_probes_lock,
 * which the netlink handlers also hold while reading a probe.  Removal
 * unregisters the probe (the kernel waits for handlers still running),
 * forgets the probe's entries in every group, waits for groups being
 * freed meanwhile (rcu_barrier(): their RCU callbacks give entries back
 * to this pool), then frees the pool.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "probe.h"
#include "group.h"
#include "hooks.h"
#include "task.h"
#include "compat.h"

static unsigned int nsbox_max_probes = NSBOX_PROBES_MAX;
module_param_named(max_probes, nsbox_max_probes, uint, 0444);
MODULE_PARM_DESC(max_probes, "most probes planted at once, 0-16 (default 16)");

static unsigned int nsbox_probe_groups = 512;
module_param_named(probe_groups, nsbox_probe_groups, uint, 0444);
MODULE_PARM_DESC(probe_groups, "most groups one probe counts, 16-65536 (default 512); calls in more groups are misses");

/**
 * struct nsbox_probe - one planted probe
 * @name: the user's name for it
 * @symbol: the function probed (a compiler suffix included)
 * @serial: distinguishes it from a later probe in the same slot
 * @slot: its index in nsbox_probes[] and in each group's pstat[]
 * @ret: a kretprobe (@rp) rather than a kprobe (@kp)
 * @sum_arg: argument to add up, 1-6, or 0
 * @kp: the kprobe, if !@ret
 * @rp: the kretprobe, if @ret
 * @pool: its per-group entries
 * @stats: per-CPU hits (calls counted) and misses (calls not counted)
 */
struct nsbox_probe {
	char name[NSBOX_PROBE_NAME_MAX + 1];
	char symbol[KSYM_NAME_LEN];
	u64 serial;
	unsigned int slot;
	bool ret;
	u8 sum_arg;
	struct kprobe kp;
	struct kretprobe rp;
	struct nsbox_pstat_pool pool;
	struct nsbox_hook_stats __percpu *stats;
};

/* What a kretprobe keeps from a call's entry to its return. */
struct nsbox_probe_call {
	u64 t0;
	u64 arg;
};

static DEFINE_MUTEX(nsbox_probes_mutex);
static struct nsbox_probe *nsbox_probes[NSBOX_PROBES_MAX];
static u64 nsbox_probe_serial;

void nsbox_probes_lock(void)
{
	mutex_lock(&nsbox_probes_mutex);
}

void nsbox_probes_unlock(void)
{
	mutex_unlock(&nsbox_probes_mutex);
}

/* ---- handlers: any context, no lock, no allocation --------------------------- */

static void nsbox_atomic64_min(atomic64_t *v, u64 x)
{
	s64 old = atomic64_read(v);

	while ((u64)old > x && !atomic64_try_cmpxchg(v, &old, x))
		;
}

static void nsbox_atomic64_max(atomic64_t *v, u64 x)
{
	s64 old = atomic64_read(v);

	while ((u64)old < x && !atomic64_try_cmpxchg(v, &old, x))
		;
}

/* The probe's entry for group @g: the one published there, or a new one. */
static struct nsbox_pstat *nsbox_probe_entry(struct nsbox_probe *p, struct nsbox_group *g)
{
	struct nsbox_pstat *ps = rcu_dereference(g->pstat[p->slot]);
	struct nsbox_pstat *old;

	if (ps)
		return ps;
	ps = nsbox_pstat_claim(&p->pool, g->kind, g->id);
	if (!ps)
		return NULL;
	old = cmpxchg((struct nsbox_pstat __force **)&g->pstat[p->slot], NULL, ps);
	if (old) {
		/* another CPU published one first: ours was never seen */
		nsbox_pstat_put(ps);
		return old;
	}
	return ps;
}

/* One call of the probed function, by current: into each of its groups. */
static void nsbox_probe_count(struct nsbox_probe *p, u64 arg, u64 ns, bool timed)
{
	struct nsbox_idents ids;
	bool missed = false;
	int k;

	/* idle, or on the way in from user space: RCU does not see this CPU */
	if (!rcu_is_watching()) {
		this_cpu_inc(p->stats->misses);
		return;
	}
	rcu_read_lock();
	if (!nsbox_task_idents(current, &ids)) {
		/* an exiting task that has dropped its namespaces */
		rcu_read_unlock();
		this_cpu_inc(p->stats->misses);
		return;
	}
	for (k = 0; k < NSBOX_KIND_COUNT; k++) {
		struct nsbox_group *g = ids.k[k].id ? nsbox_group_find(k, ids.k[k].id) : NULL;
		struct nsbox_pstat *ps;

		/* a kind this kernel has not, not yet known, or a freed namespace */
		if (!g || READ_ONCE(g->retired))
			continue;
		ps = nsbox_probe_entry(p, g);
		if (!ps) {
			missed = true;
			continue;
		}
		atomic64_inc(&ps->calls);
		if (p->sum_arg)
			atomic64_add(arg, &ps->sum);
		if (timed) {
			atomic64_add(ns, &ps->ns_total);
			nsbox_atomic64_min(&ps->ns_min, ns);
			nsbox_atomic64_max(&ps->ns_max, ns);
			atomic64_inc(&ps->hist[min_t(unsigned int, fls64(ns),
						     NSBOX_PROBE_HIST_BUCKETS - 1)]);
		}
	}
	rcu_read_unlock();
	if (missed)
		this_cpu_inc(p->stats->misses);
	else
		this_cpu_inc(p->stats->hits);
}

static u64 nsbox_probe_arg(const struct nsbox_probe *p, struct pt_regs *regs)
{
	return p->sum_arg ? regs_get_kernel_argument(regs, p->sum_arg - 1) : 0;
}

static int nsbox_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct nsbox_probe *p = container_of(kp, struct nsbox_probe, kp);

	nsbox_probe_count(p, nsbox_probe_arg(p, regs), 0, false);
	return 0;
}

static struct nsbox_probe *nsbox_probe_of(struct kretprobe_instance *ri)
{
	struct kretprobe *rp = nsbox_kretprobe_of(ri);

	/* NULL while the kretprobe is being unregistered */
	return rp ? container_of(rp, struct nsbox_probe, rp) : NULL;
}

static int nsbox_probe_entry_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nsbox_probe_call *c = (struct nsbox_probe_call *)ri->data;
	struct nsbox_probe *p = nsbox_probe_of(ri);

	if (!p)
		return 1;	/* do not watch this call's return */
	c->t0 = ktime_get_mono_fast_ns();
	c->arg = nsbox_probe_arg(p, regs);
	return 0;
}

static int nsbox_probe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nsbox_probe_call *c = (struct nsbox_probe_call *)ri->data;
	struct nsbox_probe *p = nsbox_probe_of(ri);
	s64 ns = ktime_get_mono_fast_ns() - c->t0;

	/* returned on a CPU whose clock reads a hair behind the entry's */
	if (p)
		nsbox_probe_count(p, c->arg, ns > 0 ? ns : 0, true);
	return 0;
}

/* ---- adding and removing: process context, under nsbox_probes_mutex ----------- */

static struct nsbox_probe *nsbox_probe_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < NSBOX_PROBES_MAX; i++)
		if (nsbox_probes[i] && !strcmp(nsbox_probes[i]->name, name))
			return nsbox_probes[i];
	return NULL;
}

static unsigned int nsbox_probe_count_nr(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NSBOX_PROBES_MAX; i++)
		n += !!nsbox_probes[i];
	return n;
}

static unsigned int nsbox_probe_groups_max(void)
{
	return clamp(nsbox_probe_groups, 16U, 65536U);
}

static bool nsbox_probe_name_ok(const char *name)
{
	const char *c;

	if (!*name)
		return false;
	for (c = name; *c; c++)
		if (!isalnum(*c) && *c != '_' && *c != '-' && *c != '.')
			return false;
	return true;
}

/* Calls that can be in flight at once: enough for a sleeping function. */
static int nsbox_probe_maxactive(void)
{
	return clamp(8 * (int)num_possible_cpus(), 64, 4096);
}

static int nsbox_probe_register_at(struct nsbox_probe *p, const char *sym)
{
	strscpy(p->symbol, sym, sizeof(p->symbol));
	if (p->ret) {
		memset(&p->rp, 0, sizeof(p->rp));
		p->rp.kp.symbol_name = p->symbol;
		p->rp.entry_handler = nsbox_probe_entry_handler;
		p->rp.handler = nsbox_probe_ret;
		p->rp.data_size = sizeof(struct nsbox_probe_call);
		p->rp.maxactive = nsbox_probe_maxactive();
		return register_kretprobe(&p->rp);
	}
	memset(&p->kp, 0, sizeof(p->kp));
	p->kp.symbol_name = p->symbol;
	p->kp.pre_handler = nsbox_probe_pre;
	return register_kprobe(&p->kp);
}

/*
 * The function by its name; where the compiler left only a clone of it
 * (".isra.0", ...; hooks.c says why its parameters may differ), the clone
 * -- unless the probe reads an argument (SUM_ARG): refused then.
 */
static int nsbox_probe_register(struct nsbox_probe *p, const char *symbol,
				struct netlink_ext_ack *extack)
{
	char clone[KSYM_NAME_LEN];
	int ret;

	ret = nsbox_probe_register_at(p, symbol);
	if ((ret == -ENOENT || ret == -EINVAL) &&
	    nsbox_kprobe_clone(symbol, clone, sizeof(clone))) {
		if (p->sum_arg) {
			NL_SET_ERR_MSG(extack,
				       "nsbox: only a compiler clone of this function exists (.isra/.constprop/.part): its parameters may differ, so SUM_ARG cannot say which argument it reads; probe it without SUM_ARG");
			return -EINVAL;
		}
		ret = nsbox_probe_register_at(p, clone);
	}
	switch (ret) {
	case 0:
		return 0;
	case -ENOENT:
		NL_SET_ERR_MSG(extack,
			       "nsbox: no such function in this kernel (not in /proc/kallsyms, or inlined into its callers)");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG(extack,
			       "nsbox: the kernel refuses to probe this function: it is on the kprobe blacklist (/sys/kernel/debug/kprobes/blacklist: kprobes' own code, entry code, noinstr) or not in kernel text");
		break;
	case -EILSEQ:
		NL_SET_ERR_MSG(extack,
			       "nsbox: the kernel refuses to probe there: not at an instruction boundary");
		break;
	default:
		NL_SET_ERR_MSG(extack,
			       "nsbox: the kernel could not register the probe; see the kernel log");
	}
	return ret;
}

static void nsbox_probe_free(struct nsbox_probe *p)
{
	kvfree(p->pool.mem);
	bitmap_free(p->pool.used);
	free_percpu(p->stats);
	kfree(p);
}

static struct nsbox_probe *nsbox_probe_alloc(const struct nsbox_probe_req *req)
{
	struct nsbox_probe *p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	unsigned int n = nsbox_probe_groups_max();

	if (!p)
		return NULL;
	strscpy(p->name, req->name, sizeof(p->name));
	p->ret = req->ret;
	p->sum_arg = req->sum_arg;
	p->pool.n = n;
	/* a plain probe's entries stop before the histogram */
	p->pool.stride = sizeof(struct nsbox_pstat) +
		(p->ret ? NSBOX_PROBE_HIST_BUCKETS * sizeof(atomic64_t) : 0);
	p->pool.mem = kvzalloc(array_size(n, p->pool.stride), GFP_KERNEL_ACCOUNT);
	p->pool.used = bitmap_zalloc(n, GFP_KERNEL_ACCOUNT);
	p->stats = alloc_percpu_gfp(struct nsbox_hook_stats, GFP_KERNEL_ACCOUNT);
	if (!p->pool.mem || !p->pool.used || !p->stats) {
		nsbox_probe_free(p);
		return NULL;
	}
	return p;
}

/**
 * nsbox_probe_add() - plant a probe
 * @req: name, function, kind
 * @extack: for the reason of a refusal
 * @slot: set to the new probe's slot
 * @serial: set to its serial (the slot may be reused once it is removed)
 *
 * Returns 0, -EINVAL (bad name; the kernel refuses the function),
 * -EEXIST, -ENOSPC (max_probes), -ENOENT (no such function), -ENOMEM.
 */
int nsbox_probe_add(const struct nsbox_probe_req *req, struct netlink_ext_ack *extack,
		    int *slot, u64 *serial)
{
	struct nsbox_probe *p;
	unsigned int i;
	int ret;

	if (!nsbox_probe_name_ok(req->name)) {
		NL_SET_ERR_MSG(extack, "nsbox: a probe name is letters, digits, '_', '-' and '.'");
		return -EINVAL;
	}
	/*
	 * SUM_ARG adds up a raw argument: a pointer argument's sum, asked
	 * for from a fresh group, is the pointer -- a kernel address.  Root
	 * may read those (/proc/kallsyms), except under lockdown, which
	 * refuses kprobes through tracefs for exactly that reason.
	 */
	if (req->sum_arg && security_locked_down(LOCKDOWN_KPROBES)) {
		NL_SET_ERR_MSG(extack,
			       "nsbox: the kernel is locked down (confidentiality): SUM_ARG could read kernel addresses; probe without it");
		return -EPERM;
	}
	mutex_lock(&nsbox_probes_mutex);
	ret = -EEXIST;
	if (nsbox_probe_by_name(req->name)) {
		NL_SET_ERR_MSG(extack, "nsbox: a probe of that name exists (remove it first)");
		goto out;
	}
	ret = -ENOSPC;
	if (nsbox_probe_count_nr() >= min_t(unsigned int, nsbox_max_probes, NSBOX_PROBES_MAX)) {
		NL_SET_ERR_MSG(extack,
			       "nsbox: the probe table is full (module parameter max_probes, at most 16)");
		goto out;
	}
	for (i = 0; i < NSBOX_PROBES_MAX && nsbox_probes[i]; i++)
		;
	ret = -ENOMEM;
	p = nsbox_probe_alloc(req);
	if (!p)
		goto out;
	p->slot = i;
	p->serial = ++nsbox_probe_serial;
	/* published before it is registered: its handlers run from then on */
	nsbox_probes[i] = p;
	ret = nsbox_probe_register(p, req->symbol, extack);
	if (ret) {
		nsbox_probes[i] = NULL;
		nsbox_probe_free(p);
		goto out;
	}
	*slot = i;
	*serial = p->serial;
out:
	mutex_unlock(&nsbox_probes_mutex);
	return ret;
}

/* Unregister, forget the entries in every group, free.  Mutex held. */
static void nsbox_probe_remove(struct nsbox_probe *p)
{
	if (p->ret)
		unregister_kretprobe(&p->rp);
	else
		unregister_kprobe(&p->kp);
	/* no handler of @p runs any more, none will */
	nsbox_groups_drop_pstat(p->slot);
	/*
	 * Groups freed or retired meanwhile give entries back to the pool
	 * from RCU callbacks: let a retirement in progress queue its
	 * callback, then wait for them all.
	 */
	synchronize_rcu();
	rcu_barrier();
	nsbox_probes[p->slot] = NULL;
	nsbox_probe_free(p);
}

int nsbox_probe_del(const char *name, struct netlink_ext_ack *extack)
{
	struct nsbox_probe *p;
	int ret = 0;

	mutex_lock(&nsbox_probes_mutex);
	p = nsbox_probe_by_name(name);
	if (p) {
		nsbox_probe_remove(p);
	} else {
		NL_SET_ERR_MSG(extack, "nsbox: no probe of that name");
		ret = -ENOENT;
	}
	mutex_unlock(&nsbox_probes_mutex);
	return ret;
}

void nsbox_probe_del_all(void)
{
	unsigned int i;

	mutex_lock(&nsbox_probes_mutex);
	for (i = 0; i < NSBOX_PROBES_MAX; i++)
		if (nsbox_probes[i])
			nsbox_probe_remove(nsbox_probes[i]);
	mutex_unlock(&nsbox_probes_mutex);
}

/* Unload: after the netlink family is gone, before the group table. */
void nsbox_probes_exit(void)
{
	nsbox_probe_del_all();
}

static u64 nsbox_probe_bytes(const struct nsbox_probe *p)
{
	return sizeof(*p) + (u64)p->pool.n * p->pool.stride +
		BITS_TO_LONGS(p->pool.n) * sizeof(long) +
		(u64)num_possible_cpus() * sizeof(struct nsbox_hook_stats);
}

void nsbox_probes_stats(u32 *nr, u32 *max, u32 *groups_max, u64 *bytes)
{
	unsigned int i;

	*nr = 0;
	*bytes = 0;
	mutex_lock(&nsbox_probes_mutex);
	for (i = 0; i < NSBOX_PROBES_MAX; i++) {
		if (!nsbox_probes[i])
			continue;
		(*nr)++;
		*bytes += nsbox_probe_bytes(nsbox_probes[i]);
	}
	mutex_unlock(&nsbox_probes_mutex);
	*max = min_t(unsigned int, nsbox_max_probes, NSBOX_PROBES_MAX);
	*groups_max = nsbox_probe_groups_max();
}

/* ---- reading: netlink, under nsbox_probes_lock() ------------------------------ */

int nsbox_probe_find(const char *name, u64 *serial)
{
	struct nsbox_probe *p = nsbox_probe_by_name(name);

	if (!p)
		return -ENOENT;
	*serial = p->serial;
	return p->slot;
}

bool nsbox_probe_is(int slot, u64 serial)
{
	return slot >= 0 && slot < NSBOX_PROBES_MAX && nsbox_probes[slot] &&
		nsbox_probes[slot]->serial == serial;
}

int nsbox_probe_fill(struct sk_buff *skb, int slot)
{
	struct nsbox_probe *p = slot >= 0 && slot < NSBOX_PROBES_MAX ? nsbox_probes[slot] : NULL;
	u64 hits, misses, nmissed;
	struct nlattr *nest;

	if (!p)
		return -ENOENT;
	nsbox_hook_stats_read(p->stats, &hits, &misses);
	nmissed = p->ret ? p->rp.nmissed + p->rp.kp.nmissed : p->kp.nmissed;
	nest = nla_nest_start(skb, NSBOX_A_PROBE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, NSBOX_PROBE_A_NAME, p->name) ||
	    nla_put_string(skb, NSBOX_PROBE_A_SYMBOL, p->symbol) ||
	    nla_put_u8(skb, NSBOX_PROBE_A_RET, p->ret) ||
	    nla_put_u8(skb, NSBOX_PROBE_A_SUM_ARG, p->sum_arg) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_HITS, hits, NSBOX_PROBE_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_MISSES, misses, NSBOX_PROBE_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_NMISSED, nmissed, NSBOX_PROBE_A_PAD) ||
	    (p->ret && nla_put_u32(skb, NSBOX_PROBE_A_MAXACTIVE, p->rp.maxactive)) ||
	    nla_put_u8(skb, NSBOX_PROBE_A_FTRACE,
		       !!((p->ret ? p->rp.kp.flags : p->kp.flags) & KPROBE_FLAG_FTRACE)) ||
	    nla_put_u32(skb, NSBOX_PROBE_A_GROUPS, atomic_read(&p->pool.nr_used)) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_BYTES, nsbox_probe_bytes(p), NSBOX_PROBE_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nsbox_put_pstat(struct sk_buff *skb, const struct nsbox_probe *p,
			   struct nsbox_pstat *ps)
{
	u64 hist[NSBOX_PROBE_HIST_BUCKETS];
	struct nlattr *nest;
	unsigned int b;
	u64 min;

	nest = nla_nest_start(skb, NSBOX_A_PROBE_STAT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NSBOX_PROBE_A_KIND, READ_ONCE(ps->kind)) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_ID, READ_ONCE(ps->id), NSBOX_PROBE_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_CALLS, atomic64_read(&ps->calls),
			      NSBOX_PROBE_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_PROBE_A_SUM, atomic64_read(&ps->sum), NSBOX_PROBE_A_PAD))
		goto cancel;
	if (p->ret) {
		for (b = 0; b < NSBOX_PROBE_HIST_BUCKETS; b++)
			hist[b] = atomic64_read(&ps->hist[b]);
		min = atomic64_read(&ps->ns_min);
		if (nla_put_u64_64bit(skb, NSBOX_PROBE_A_NS_TOTAL, atomic64_read(&ps->ns_total),
				      NSBOX_PROBE_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_PROBE_A_NS_MIN, min == U64_MAX ? 0 : min,
				      NSBOX_PROBE_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_PROBE_A_NS_MAX, atomic64_read(&ps->ns_max),
				      NSBOX_PROBE_A_PAD) ||
		    nla_put(skb, NSBOX_PROBE_A_HIST, sizeof(hist), hist))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int nsbox_probe_fill_stats(struct sk_buff *skb, int slot, unsigned int *pos)
{
	struct nsbox_probe *p = slot >= 0 && slot < NSBOX_PROBES_MAX ? nsbox_probes[slot] : NULL;
	unsigned int i;
	int ret;

	if (!p)
		return 0;
	for (i = *pos; i < p->pool.n; i++) {
		struct nsbox_pstat *ps;

		if (!test_bit(i, p->pool.used))
			continue;
		ps = nsbox_pstat_at(&p->pool, i);
		/* claimed a moment ago, key not written yet */
		if (!atomic64_read(&ps->calls))
			continue;
		ret = nsbox_put_pstat(skb, p, ps);
		if (ret)
			return ret;
		*pos = i + 1;
		return 1;
	}
	*pos = i;
	return 0;
}
