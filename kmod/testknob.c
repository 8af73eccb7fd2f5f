// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - a test-only knob that makes a group's counts wrong on purpose.
 *
 * Built only into the test variant of the module (make NSBOX_TEST_KNOBS=1,
 * build/KVER/testmods/nsbox-knobs.ko); nsbox.ko never contains it.  The
 * VM tests use it to prove that VERIFY finds a wrong count and names it:
 *
 *   echo "cgroup2 4242 threads 1" > /sys/module/nsbox/parameters/test_skew
 *
 * adds 1 to the threads count of cgroup 4242, and `nsbox verify` must then
 * report exactly that group, that check and that field.  The value
 * written is KIND ID FIELD DELTA; FIELD is procs, threads, found, an event
 * counter (forks ... oom_kills) or a cumulative value (cpu_ns ... syscw).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "testknob.h"
#include "group.h"
#include "hooks.h"

static const char *const nsbox_knob_kinds[NSBOX_KIND_COUNT] = {
	"mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time", "cgroup2",
};

static const char *const nsbox_knob_cnts[NSBOX_NR_CNT] = {
	[NSBOX_CNT_FORKS] = "forks",
	[NSBOX_CNT_EXECS] = "execs",
	[NSBOX_CNT_EXITS] = "exits",
	[NSBOX_CNT_MOVED_IN] = "moved_in",
	[NSBOX_CNT_MOVED_OUT] = "moved_out",
	[NSBOX_CNT_OOM_KILLS] = "oom_kills",
};

static const char *const nsbox_knob_accs[NSBOX_NR_ACC] = {
	[NSBOX_ACC_CPU] = "cpu_ns",
	[NSBOX_ACC_UTIME] = "utime_ns",
	[NSBOX_ACC_STIME] = "stime_ns",
	[NSBOX_ACC_NVCSW] = "nvcsw",
	[NSBOX_ACC_NIVCSW] = "nivcsw",
	[NSBOX_ACC_MINFLT] = "minflt",
	[NSBOX_ACC_MAJFLT] = "majflt",
	[NSBOX_ACC_RCHAR] = "rchar",
	[NSBOX_ACC_WCHAR] = "wchar",
	[NSBOX_ACC_READ_BYTES] = "read_bytes",
	[NSBOX_ACC_WRITE_BYTES] = "write_bytes",
	[NSBOX_ACC_SYSCR] = "syscr",
	[NSBOX_ACC_SYSCW] = "syscw",
};

static int nsbox_knob_apply(struct nsbox_group *g, const char *field, s64 delta)
{
	int i;

	if (!strcmp(field, "procs")) {
		atomic_add(delta, &g->procs);
		return 0;
	}
	if (!strcmp(field, "threads")) {
		atomic_add(delta, &g->threads);
		return 0;
	}
	if (!strcmp(field, "found")) {
		atomic_add(delta, &g->found);
		return 0;
	}
	i = match_string(nsbox_knob_cnts, NSBOX_NR_CNT, field);
	if (i >= 0) {
		atomic64_add(delta, &g->cnt[i]);
		return 0;
	}
	i = match_string(nsbox_knob_accs, NSBOX_NR_ACC, field);
	if (i >= 0) {
		atomic64_add(delta, &g->acc[i]);
		return 0;
	}
	return -EINVAL;
}

static int nsbox_knob_set(const char *val, const struct kernel_param *kp)
{
	char kind[16], field[16];
	struct nsbox_group *g;
	long long delta;
	u64 id;
	int k, ret;

	if (sscanf(val, "%15s %llu %15s %lld", kind, &id, field, &delta) != 4)
		return -EINVAL;
	k = match_string(nsbox_knob_kinds, NSBOX_KIND_COUNT, kind);
	if (k < 0)
		return -EINVAL;
	/* not while the module is going away: the table may be freed */
	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	rcu_read_lock();
	g = nsbox_group_find(k, id);
	ret = g ? nsbox_knob_apply(g, field, delta) : -ENOENT;
	rcu_read_unlock();
	module_put(THIS_MODULE);
	if (!ret)
		pr_warn("test_skew: %s %llu %s changed by %lld\n", kind, id, field, delta);
	return ret;
}

static const struct kernel_param_ops nsbox_knob_ops = {
	.set = nsbox_knob_set,
};

module_param_cb(test_skew, &nsbox_knob_ops, NULL, 0200);
MODULE_PARM_DESC(test_skew, "TEST BUILD ONLY: \"KIND ID FIELD DELTA\" changes a group's count");

/*
 * test_evict_in_get: "KIND ID" makes the next GET_GROUP (do) of that group
 * evict it (if it is empty) after the request has found it and before the
 * reply is built: the eviction racing a request, made deterministic.
 * Used once, then disarmed.
 */
static DEFINE_SPINLOCK(nsbox_knob_lock);
static bool nsbox_knob_armed;
static u8 nsbox_knob_kind;
static u64 nsbox_knob_id;

static int nsbox_knob_evict_set(const char *val, const struct kernel_param *kp)
{
	char kind[16];
	u64 id;
	int k;

	if (sscanf(val, "%15s %llu", kind, &id) != 2)
		return -EINVAL;
	k = match_string(nsbox_knob_kinds, NSBOX_KIND_COUNT, kind);
	if (k < 0)
		return -EINVAL;
	spin_lock(&nsbox_knob_lock);
	nsbox_knob_kind = k;
	nsbox_knob_id = id;
	nsbox_knob_armed = true;
	spin_unlock(&nsbox_knob_lock);
	return 0;
}

void nsbox_knob_get_group(u8 kind, u64 id)
{
	bool hit;

	spin_lock(&nsbox_knob_lock);
	hit = nsbox_knob_armed && nsbox_knob_kind == kind && nsbox_knob_id == id;
	if (hit)
		nsbox_knob_armed = false;
	spin_unlock(&nsbox_knob_lock);
	if (hit && nsbox_group_evict(kind, id))
		pr_warn("test_evict_in_get: %s %llu evicted during GET_GROUP\n",
			nsbox_knob_kinds[kind], id);
}

static const struct kernel_param_ops nsbox_knob_evict_ops = {
	.set = nsbox_knob_evict_set,
};

module_param_cb(test_evict_in_get, &nsbox_knob_evict_ops, NULL, 0200);
MODULE_PARM_DESC(test_evict_in_get,
		 "TEST BUILD ONLY: \"KIND ID\": the next GET_GROUP of that group evicts it first");

static unsigned int nsbox_knob_drain_hold_ms;
module_param_named(test_drain_hold_ms, nsbox_knob_drain_hold_ms, uint, 0644);
MODULE_PARM_DESC(test_drain_hold_ms,
		 "TEST: each event drain holds the subscribers' lock this long (ms)");

/* The event drain, with the subscribers' lock held: hold it longer. */
void nsbox_knob_drain(void)
{
	unsigned int ms = READ_ONCE(nsbox_knob_drain_hold_ms);

	if (ms)
		msleep(ms);
}

/*
 * test_reset_hold: write 1 and the next RESET stops between its walk and
 * its change of the groups; reading says "held" while it is there, and
 * writing 0 lets it go on (it goes on by itself after 60 s).  Tasks that
 * exit meanwhile exit after the walk saw them: the race RESET must handle
 * (nsbox_group_reset()), made deterministic.
 */
static DECLARE_COMPLETION(nsbox_knob_reset_go);
static atomic_t nsbox_knob_reset_state = ATOMIC_INIT(0);	/* 0, 1 armed, 2 held */

static int nsbox_knob_reset_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	if (on) {
		reinit_completion(&nsbox_knob_reset_go);
		atomic_set(&nsbox_knob_reset_state, 1);
	} else {
		atomic_set(&nsbox_knob_reset_state, 0);
		complete_all(&nsbox_knob_reset_go);
	}
	return 0;
}

static int nsbox_knob_reset_get(char *buf, const struct kernel_param *kp)
{
	static const char *const names[] = { "off", "armed", "held" };

	return sprintf(buf, "%s\n", names[atomic_read(&nsbox_knob_reset_state) % 3]);
}

static const struct kernel_param_ops nsbox_knob_reset_ops = {
	.set = nsbox_knob_reset_set,
	.get = nsbox_knob_reset_get,
};

module_param_cb(test_reset_hold, &nsbox_knob_reset_ops, NULL, 0600);
MODULE_PARM_DESC(test_reset_hold,
		 "TEST BUILD ONLY: 1: the next RESET waits after its walk until 0 is written");

void nsbox_knob_reset(void)
{
	if (atomic_cmpxchg(&nsbox_knob_reset_state, 1, 2) != 1)
		return;
	pr_warn("test_reset_hold: RESET held after its walk\n");
	wait_for_completion_timeout(&nsbox_knob_reset_go, 60 * HZ);
	atomic_cmpxchg(&nsbox_knob_reset_state, 2, 0);
}

/*
 * test_hook_miss: "NAME N" counts N misses for the hook NAME, as the
 * kernel counts a kprobe it did not hand over (one hit while another is
 * handled on that CPU: ns_free's, from an RCU callback, now and then).
 * The tool must then warn that what the hook counts may not be exact.
 */
static int nsbox_knob_miss_set(const char *val, const struct kernel_param *kp)
{
	const struct nsbox_hook *h;
	char name[32];
	unsigned int i;
	u64 n;

	if (sscanf(val, "%31s %llu", name, &n) != 2)
		return -EINVAL;
	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	for (i = 0; (h = nsbox_hook_get(i)); i++) {
		if (strcmp(h->name, name) || !h->stats)
			continue;
		this_cpu_add(h->stats->misses, n);
		break;
	}
	module_put(THIS_MODULE);
	if (!h)
		return -ENOENT;
	pr_warn("test_hook_miss: %s missed %llu more\n", name, n);
	return 0;
}

static const struct kernel_param_ops nsbox_knob_miss_ops = {
	.set = nsbox_knob_miss_set,
};

module_param_cb(test_hook_miss, &nsbox_knob_miss_ops, NULL, 0200);
MODULE_PARM_DESC(test_hook_miss, "TEST BUILD ONLY: \"NAME N\" counts N misses for a hook");
