// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - the "nsbox" generic netlink family.
 *
 * Userspace finds the family by name through the genl controller, then
 * sends commands from enum nsbox_cmd.  Each command has its own attribute
 * policy: the netlink core checks every attribute against it before our
 * handler runs and, on a mismatch, answers -EINVAL with an extended-ack
 * message pointing at the offending attribute.  Validation is strict
 * (the family leaves .resv_start_op at 0): attributes a command does not
 * list, trailing garbage and reserved header bits are all refused.
 *
 * A dump's request is parsed once, in its .start callback, into a typed
 * context laid over cb->ctx (struct nsbox_group_dump, struct
 * nsbox_task_dump; every kernel we build for has cb->ctx, 5.10 included).
 * Dumps resume from a key kept there -- the next pid, or the position in
 * the dump's own sorted snapshot of (kind, id) keys -- never from a
 * pointer into the group table, and set a generation number
 * in cb->seq so that genl_dump_check_consistent() flags a dump during
 * which the set changed with NLM_F_DUMP_INTR.
 *
 * The family is registered with parallel_ops: handlers do not hold the
 * genl mutex, so a long dump here does not stall other genl families.
 * Everything they touch is RCU- or atomically protected.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/kallsyms.h>
#include <linux/kernfs.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/proc_ns.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "cred.h"
#include "events.h"
#include "group.h"
#include "hooks.h"
#include "nsbox.h"
#include "probe.h"
#include "quota.h"
#include "share.h"
#include "task.h"
#include "testknob.h"
#include "track.h"
#include "walk.h"
#include "compat.h"

static const struct nla_policy nsbox_info_policy[NSBOX_A_ABI_VERSION + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* GET_GROUP, GET_TASK, RESET: optionally select a kind, or one group. */
static const struct nla_policy nsbox_select_policy[NSBOX_A_ID + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
	[NSBOX_A_KIND] = NLA_POLICY_MAX(NLA_U8, NSBOX_KIND_COUNT - 1),
	[NSBOX_A_ID] = { .type = NLA_U64 },
};

/*
 * A dump request's attributes (the core has already validated them
 * against the same policy; see compat.h for why we parse them here).
 */
static int nsbox_dump_parse(struct netlink_callback *cb, struct nlattr **tb)
{
	return genlmsg_parse(cb->nlh, &nsbox_family, tb, NSBOX_A_ID,
			     nsbox_select_policy, cb->extack);
}

/* ---- GET_INFO ------------------------------------------------------------ */

static u64 nsbox_nonneg(s64 v)
{
	return v < 0 ? 0 : v;
}

/* A hook; its hit and miss counts (host-wide activity) for the admin only. */
static int nsbox_put_hook(struct sk_buff *skb, const struct nsbox_hook *hook, bool admin)
{
	struct nlattr *nest;
	u64 hits, misses;

	nsbox_hook_read(hook, &hits, &misses);

	nest = nla_nest_start(skb, NSBOX_A_HOOK);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, NSBOX_HOOK_A_NAME, hook->name) ||
	    nla_put_string(skb, NSBOX_HOOK_A_SYMBOL, hook->symbol) ||
	    nla_put_u8(skb, NSBOX_HOOK_A_KIND, hook->kind) ||
	    nla_put_u8(skb, NSBOX_HOOK_A_ATTACHED, hook->attached) ||
	    (admin && nla_put_u64_64bit(skb, NSBOX_HOOK_A_HITS, hits, NSBOX_HOOK_A_PAD)) ||
	    (admin && nla_put_u64_64bit(skb, NSBOX_HOOK_A_MISSES, misses,
					NSBOX_HOOK_A_PAD)) ||
	    nla_put_u8(skb, NSBOX_HOOK_A_STATUS, hook->status) ||
	    (hook->affects && nla_put_string(skb, NSBOX_HOOK_A_AFFECTS, hook->affects))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One user's share of the table (share.c). */
static int nsbox_put_share(struct sk_buff *skb, const struct nsbox_share *sh,
			   unsigned int index)
{
	u64 refused[NSBOX_KIND_COUNT];
	struct nlattr *nest, *a;
	int k;

	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		refused[k] = atomic64_read(&sh->refused[k]);
	nest = nla_nest_start(skb, NSBOX_A_SHARE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NSBOX_SHARE_A_UID, sh->uid) ||
	    nla_put_u64_64bit(skb, NSBOX_SHARE_A_GROUPS,
			      nsbox_nonneg(atomic_read(&sh->groups)), NSBOX_SHARE_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_SHARE_A_LIMIT, nsbox_share_limit(index),
			      NSBOX_SHARE_A_PAD))
		goto cancel;
	a = nla_reserve_64bit(skb, NSBOX_SHARE_A_REFUSED, sizeof(refused), NSBOX_SHARE_A_PAD);
	if (!a)
		goto cancel;
	memcpy(nla_data(a), refused, sizeof(refused));
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Does the share hold anything worth telling? */
static bool nsbox_share_used(const struct nsbox_share *sh)
{
	int k;

	if (sh->uid == NSBOX_SHARE_FREE)
		return false;
	if (atomic_read(&sh->groups))
		return true;
	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		if (atomic64_read(&sh->refused[k]))
			return true;
	return false;
}

/* Room for one NSBOX_A_SHARE (nsbox_put_share()). */
static size_t nsbox_share_msg_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       nla_total_size(sizeof(u32)) +		/* UID */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* GROUPS, LIMIT */
	       nla_total_size_64bit(sizeof(u64) * NSBOX_KIND_COUNT);	/* REFUSED */
}

/*
 * Room for the shares the reply to @v holds: the caller's own, or for the
 * admin every user that holds a group or was refused one -- up to the
 * whole table of users (NSBOX_SHARES), far more than a page -- and a few
 * for users who come while the reply is made.
 */
static size_t nsbox_shares_size(const struct nsbox_viewer *v)
{
	const struct nsbox_share *sh;
	unsigned int i, n = 0;

	if (!v->admin)
		return nsbox_share_msg_size();
	for (i = 0; (sh = nsbox_share_at(i)); i++)
		n += nsbox_share_used(sh);
	return (size_t)(n + 16) * nsbox_share_msg_size();
}

/* The shares: every used one for the admin, the caller's own for others. */
static int nsbox_put_shares(struct sk_buff *skb, const struct nsbox_viewer *v)
{
	const struct nsbox_share *sh;
	unsigned int i;

	if (!v->admin) {
		u32 uid = nsbox_share_uid(v->cred);
		struct nsbox_share none = { .uid = uid };

		sh = nsbox_share_find(uid);
		return nsbox_put_share(skb, sh ? sh : &none, sh ? sh - nsbox_share_at(0) : 2);
	}
	for (i = 0; (sh = nsbox_share_at(i)); i++)
		if (nsbox_share_used(sh) && nsbox_put_share(skb, sh, i))
			return -EMSGSIZE;
	return 0;
}

/*
 * The table, hooks' traffic and the module's memory describe the whole
 * machine: the admin's.  Anybody gets what it needs to use the module
 * (version, ABI, hooks and whether each is attached, its own share).
 */
static int nsbox_fill_info(struct sk_buff *skb, struct genl_info *info,
			   const struct nsbox_viewer *v)
{
	u64 groups, evictions, failures, bytes, ring_bytes, probe_bytes;
	u32 obj_size, subscribers, probes, probes_max, probe_groups;
	struct nlattr *hooks;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put_reply(skb, info, &nsbox_family, 0, NSBOX_CMD_GET_INFO);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_string(skb, NSBOX_A_VERSION, NSBOX_VERSION) ||
	    nla_put_u32(skb, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) ||
	    nla_put_string(skb, NSBOX_A_KERNEL_RELEASE, init_utsname()->release) ||
	    nla_put_u64_64bit(skb, NSBOX_A_MAX_GROUPS, nsbox_max_groups, NSBOX_A_PAD) ||
	    nla_put_u32(skb, NSBOX_A_MAX_USER_GROUPS, nsbox_max_user_groups) ||
	    nla_put_u32(skb, NSBOX_A_MAX_UNPRIV_GROUPS, nsbox_max_unpriv_groups))
		goto cancel;
	if (v->admin) {
		nsbox_groups_stats(&groups, &evictions, &failures, &bytes, &obj_size);
		nsbox_events_stats(&subscribers, &ring_bytes);
		nsbox_probes_stats(&probes, &probes_max, &probe_groups, &probe_bytes);
		if (nla_put_u64_64bit(skb, NSBOX_A_GROUPS, groups, NSBOX_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_A_EVICTIONS, evictions, NSBOX_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_A_ALLOC_FAILURES, failures, NSBOX_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_A_MEMORY_BYTES, bytes, NSBOX_A_PAD) ||
		    nla_put_u32(skb, NSBOX_A_GROUP_BYTES, obj_size) ||
		    nla_put_u32(skb, NSBOX_A_LOAD_WALKS, nsbox_load_walks()) ||
		    nla_put_u32(skb, NSBOX_A_EVENT_SUBSCRIBERS, subscribers) ||
		    nla_put_u64_64bit(skb, NSBOX_A_EVENT_RING_BYTES, ring_bytes, NSBOX_A_PAD) ||
		    nla_put_u32(skb, NSBOX_A_PROBES, probes) ||
		    nla_put_u32(skb, NSBOX_A_PROBES_MAX, probes_max) ||
		    nla_put_u32(skb, NSBOX_A_PROBE_GROUPS_MAX, probe_groups) ||
		    nla_put_u64_64bit(skb, NSBOX_A_PROBE_BYTES, probe_bytes, NSBOX_A_PAD) ||
		    nla_put_u8(skb, NSBOX_A_ADOPTED, nsbox_groups_adopted()) ||
		    nla_put_u64_64bit(skb, NSBOX_A_LIVE_WALKS, nsbox_live_walks(), NSBOX_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_A_LIVE_TIME_NS, nsbox_live_stamp(),
				      NSBOX_A_PAD) ||
		    nla_put_u64_64bit(skb, NSBOX_A_UNPRIV_GROUPS, nsbox_unpriv_groups(),
				      NSBOX_A_PAD))
			goto cancel;
	}
	/* anybody else: its own subscriptions (how it knows one is in) */
	if (!v->admin &&
	    nla_put_u32(skb, NSBOX_A_EVENT_SUBSCRIBERS,
			nsbox_quota_user(&nsbox_subs_quota, nsbox_quota_uid(v->cred))))
		goto cancel;
	if (nsbox_put_shares(skb, v))
		goto cancel;

	hooks = nla_nest_start(skb, NSBOX_A_HOOKS);
	if (!hooks)
		goto cancel;
	for (i = 0; i < nsbox_hooks_count(); i++)
		if (nsbox_put_hook(skb, nsbox_hook_get(i), v->admin))
			goto cancel;
	nla_nest_end(skb, hooks);

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int nsbox_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct nsbox_viewer v;
	struct sk_buff *msg;
	int ret;

	nsbox_viewer_init(&v, skb);
	/* the hooks and the rest fit in a page or two; then the shares */
	msg = genlmsg_new(4 * NLMSG_GOODSIZE + nsbox_shares_size(&v), GFP_KERNEL);
	if (!msg) {
		nsbox_viewer_release(&v);
		return -ENOMEM;
	}
	ret = nsbox_fill_info(msg, info, &v);
	nsbox_viewer_release(&v);
	if (ret) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "nsbox: GET_INFO reply does not fit in one message");
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* ---- groups ---------------------------------------------------------------- */

/* The cgroup's path as the viewer sees it (below its cgroup ns @root). */
static int nsbox_cgroup_path(u64 id, struct cgroup *root, char *buf, size_t len)
{
	struct cgroup *cgrp;
	int ret;

	cgrp = nsbox_cgroup_get_from_id(id);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	ret = kernfs_path_from_node(cgrp->kn, root->kn, buf, len);
	cgroup_put(cgrp);
	return ret < 0 ? ret : 0;
}

static u64 nsbox_load100(unsigned long load)
{
	load += FIXED_1 / 200;	/* round to the nearest hundredth */
	return LOAD_INT(load) * 100 + LOAD_FRAC(load);
}

/* The attribute of each enum nsbox_acc value. */
static const u16 nsbox_acc_attr[NSBOX_NR_ACC] = {
	[NSBOX_ACC_CPU] = NSBOX_GROUP_A_CPU_NS,
	[NSBOX_ACC_UTIME] = NSBOX_GROUP_A_UTIME_NS,
	[NSBOX_ACC_STIME] = NSBOX_GROUP_A_STIME_NS,
	[NSBOX_ACC_NVCSW] = NSBOX_GROUP_A_NVCSW,
	[NSBOX_ACC_NIVCSW] = NSBOX_GROUP_A_NIVCSW,
	[NSBOX_ACC_MINFLT] = NSBOX_GROUP_A_MINFLT,
	[NSBOX_ACC_MAJFLT] = NSBOX_GROUP_A_MAJFLT,
	[NSBOX_ACC_RCHAR] = NSBOX_GROUP_A_RCHAR,
	[NSBOX_ACC_WCHAR] = NSBOX_GROUP_A_WCHAR,
	[NSBOX_ACC_READ_BYTES] = NSBOX_GROUP_A_READ_BYTES,
	[NSBOX_ACC_WRITE_BYTES] = NSBOX_GROUP_A_WRITE_BYTES,
	[NSBOX_ACC_SYSCR] = NSBOX_GROUP_A_SYSCR,
	[NSBOX_ACC_SYSCW] = NSBOX_GROUP_A_SYSCW,
};

/*
 * What a reply shows, and to whom: which groups the caller may see, for
 * the fields that name another group -- all of them for the admin (@keys
 * NULL), else those of @keys (sorted nsbox_key()s of the groups that hold
 * a task it may see).  A non-admin never learns an id outside its view
 * through PARENT or OWNER, as NS_GET_PARENT and NS_GET_USERNS refuse to
 * hand out a namespace above the caller's.
 */
struct nsbox_view {
	const u64 *keys;
	unsigned int n;
	struct cgroup *root;	/* cgroup paths are relative to it */
	u32 kinds;		/* only these kinds are sent */
	u32 flags;		/* enum nsbox_dump_flags */
	u64 fields;		/* NSBOX_A_DUMP_FIELDS: the attributes sent */
};

/* Is group attribute @a wanted? */
static bool nsbox_view_wants(const struct nsbox_view *view, int a)
{
	return view->fields & BIT_ULL(a);
}

static bool nsbox_view_has(const struct nsbox_view *view, u8 kind, u64 id)
{
	return !view->keys || nsbox_keys_has(view->keys, view->n, nsbox_key(kind, id));
}

/* @cg_gone: a cgroup2 group whose cgroup could not be found (removed) */
static u8 nsbox_group_state(const struct nsbox_group *g, bool cg_gone)
{
	if (READ_ONCE(g->retired) || cg_gone)
		return NSBOX_GROUP_GONE;
	return atomic_read(&g->threads) > 0 ? NSBOX_GROUP_LIVE : NSBOX_GROUP_EMPTY;
}

/* The values a group sends: attributes FIRST_SEEN to LOAD15. */
#define NSBOX_VAL_FIRST		NSBOX_GROUP_A_FIRST_SEEN
#define NSBOX_VAL_LAST		NSBOX_GROUP_A_LOAD15
#define NSBOX_NR_VALS		(NSBOX_VAL_LAST - NSBOX_VAL_FIRST + 1)
#define NSBOX_VAL_NONE		U64_MAX
#define NSBOX_VAL_MASK		GENMASK_ULL(NSBOX_VAL_LAST, NSBOX_VAL_FIRST)
/* the live values: a request that wants none of them needs no walk */
#define NSBOX_LIVE_MASK		(GENMASK_ULL(NSBOX_GROUP_A_SYSCW, NSBOX_GROUP_A_CPU_NS) | \
				 BIT_ULL(NSBOX_GROUP_A_RSS_BYTES) | \
				 BIT_ULL(NSBOX_GROUP_A_VM_BYTES) | \
				 BIT_ULL(NSBOX_GROUP_A_LIVE_TIME))
/* what NSBOX_A_DUMP_FIELDS may ask for: the attributes a group has */
#define NSBOX_FIELDS_MASK	(BIT_ULL(NSBOX_GROUP_A_KIND) | BIT_ULL(NSBOX_GROUP_A_ID) | \
				 BIT_ULL(NSBOX_GROUP_A_PATH) | BIT_ULL(NSBOX_GROUP_A_PARENT) | \
				 BIT_ULL(NSBOX_GROUP_A_OWNER) | NSBOX_VAL_MASK | \
				 BIT_ULL(NSBOX_GROUP_A_NSID) | BIT_ULL(NSBOX_GROUP_A_STATE) | \
				 BIT_ULL(NSBOX_GROUP_A_LIVE_TIME))

/* Attribute @a's element of a values array at @val, of any alignment. */
static inline void nsbox_val_put(void *val, int a, u64 x)
{
	/* a fixed-size memcpy: one store */
	memcpy((char *)val + (a - NSBOX_VAL_FIRST) * sizeof(x), &x, sizeof(x));
}

/*
 * @val[a - NSBOX_VAL_FIRST] for each attribute a; NSBOX_VAL_NONE for a
 * live value that is not given (@l NULL).  @val may be the payload of a
 * packed VALUES attribute in the message, aligned to 4 bytes only: the
 * values are stored one by one, not built elsewhere and copied (a copy of
 * 272 bytes per group is a large share of a dump).
 */
static void nsbox_group_values(const struct nsbox_group *g, const struct nsbox_glive *l,
			       void *val)
{
	static const u16 cnt_attr[NSBOX_NR_CNT] = {
		[NSBOX_CNT_FORKS] = NSBOX_GROUP_A_FORKS,
		[NSBOX_CNT_EXECS] = NSBOX_GROUP_A_EXECS,
		[NSBOX_CNT_EXITS] = NSBOX_GROUP_A_EXITS,
		[NSBOX_CNT_MOVED_IN] = NSBOX_GROUP_A_MOVED_IN,
		[NSBOX_CNT_MOVED_OUT] = NSBOX_GROUP_A_MOVED_OUT,
		[NSBOX_CNT_OOM_KILLS] = NSBOX_GROUP_A_OOM_KILLS,
	};
	int i;

	nsbox_val_put(val, NSBOX_GROUP_A_FIRST_SEEN, g->first_seen);
	nsbox_val_put(val, NSBOX_GROUP_A_PROCS, nsbox_nonneg(atomic_read(&g->procs)));
	nsbox_val_put(val, NSBOX_GROUP_A_THREADS, nsbox_nonneg(atomic_read(&g->threads)));
	for (i = 0; i < NSBOX_NR_CNT; i++)
		nsbox_val_put(val, cnt_attr[i],
			      atomic64_read(&g->cnt[i]) - READ_ONCE(g->cnt_base[i]));
	for (i = 0; i < NSBOX_NR_ACC; i++)
		nsbox_val_put(val, nsbox_acc_attr[i],
			      l ? nsbox_nonneg(atomic64_read(&g->acc[i]) + l->acc[i]) :
				  NSBOX_VAL_NONE);
	nsbox_val_put(val, NSBOX_GROUP_A_RSS_BYTES, l ? l->rss : NSBOX_VAL_NONE);
	nsbox_val_put(val, NSBOX_GROUP_A_VM_BYTES, l ? l->vm : NSBOX_VAL_NONE);
	for (i = 0; i < 3; i++)
		nsbox_val_put(val, NSBOX_GROUP_A_LOAD1 + i, nsbox_load100(READ_ONCE(g->load[i])));
}

static int nsbox_put_group(struct sk_buff *skb, int attr, const struct nsbox_group *g,
			   const char *path, bool cg_gone, const struct nsbox_view *view)
{
	u64 val[NSBOX_NR_VALS], live_time = 0;
	struct nsbox_glive l;
	u64 vals = view->fields & NSBOX_VAL_MASK;
	/* packed: the values up to the last one wanted */
	int i, nv = vals ? fls64(vals) - NSBOX_VAL_FIRST : 0;
	struct nlattr *nest;

	if (!(view->flags & NSBOX_DUMP_NO_LIVE))
		live_time = nsbox_group_live(g, &l);

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NSBOX_GROUP_A_KIND, g->kind) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_ID, g->id, NSBOX_GROUP_A_PAD) ||
	    (nsbox_view_wants(view, NSBOX_GROUP_A_STATE) &&
	     nla_put_u8(skb, NSBOX_GROUP_A_STATE, nsbox_group_state(g, cg_gone))) ||
	    (path && nsbox_view_wants(view, NSBOX_GROUP_A_PATH) &&
	     nla_put_string(skb, NSBOX_GROUP_A_PATH, path)) ||
	    (g->has_parent && nsbox_view_wants(view, NSBOX_GROUP_A_PARENT) &&
	     nsbox_view_has(view, g->kind, g->parent) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_PARENT, g->parent, NSBOX_GROUP_A_PAD)) ||
	    (g->has_owner && nsbox_view_wants(view, NSBOX_GROUP_A_OWNER) &&
	     nsbox_view_has(view, NSBOX_KIND_USER, g->owner) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_OWNER, g->owner, NSBOX_GROUP_A_PAD)) ||
	    (g->nsid && nsbox_view_wants(view, NSBOX_GROUP_A_NSID) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_NSID, g->nsid, NSBOX_GROUP_A_PAD)) ||
	    (live_time && nsbox_view_wants(view, NSBOX_GROUP_A_LIVE_TIME) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_LIVE_TIME, live_time, NSBOX_GROUP_A_PAD)))
		goto cancel;
	if ((view->flags & NSBOX_DUMP_PACKED) && vals == NSBOX_VAL_MASK) {
		/* every value: written straight into the message */
		struct nlattr *a = nla_reserve_64bit(skb, NSBOX_GROUP_A_VALUES, sizeof(val),
						     NSBOX_GROUP_A_PAD);

		if (!a)
			goto cancel;
		nsbox_group_values(g, live_time ? &l : NULL, nla_data(a));
	} else if ((view->flags & NSBOX_DUMP_PACKED) && nv) {
		struct nlattr *a = nla_reserve_64bit(skb, NSBOX_GROUP_A_VALUES,
						     nv * sizeof(u64), NSBOX_GROUP_A_PAD);

		if (!a)
			goto cancel;
		nsbox_group_values(g, live_time ? &l : NULL, val);
		for (i = 0; i < nv; i++) {
			bool want = vals & BIT_ULL(NSBOX_VAL_FIRST + i);

			nsbox_val_put(nla_data(a), NSBOX_VAL_FIRST + i,
				      want ? val[i] : NSBOX_VAL_NONE);
		}
	} else if (!(view->flags & NSBOX_DUMP_PACKED)) {
		nsbox_group_values(g, live_time ? &l : NULL, val);
		for (i = 0; i < NSBOX_NR_VALS; i++)
			if (val[i] != NSBOX_VAL_NONE && (vals & BIT_ULL(NSBOX_VAL_FIRST + i)) &&
			    nla_put_u64_64bit(skb, NSBOX_VAL_FIRST + i, val[i], NSBOX_GROUP_A_PAD))
				goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * The message that holds the next group: a new one per group, or with
 * NSBOX_DUMP_BATCH the dump's current one (*@hdr) while it has room.
 */
static void *nsbox_group_msg(struct sk_buff *skb, struct netlink_callback *cb,
			     struct genl_info *info)
{
	void *hdr;

	if (cb) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &nsbox_family, NLM_F_MULTI, NSBOX_CMD_GET_GROUP);
		if (hdr)
			genl_dump_check_consistent(cb, hdr);
		return hdr;
	}
	return genlmsg_put_reply(skb, info, &nsbox_family, 0, NSBOX_CMD_GET_GROUP);
}

/*
 * Emit the groups of @keys: dump parts when @cb is set, else a reply to
 * @info; one message each, or (NSBOX_DUMP_BATCH, dumps) as many in one
 * message as the buffer holds.  Returns how many keys were used (sent,
 * skipped as not wanted, or in a dump skipped because evicted meanwhile);
 * -ENOENT for a reply whose group was evicted meanwhile.
 */
static int nsbox_emit_groups(struct sk_buff *skb, struct netlink_callback *cb,
			     struct genl_info *info, const u64 *keys, unsigned int n,
			     char *pathbuf, const struct nsbox_view *view)
{
	bool batch = cb && (view->flags & NSBOX_DUMP_BATCH);
	void *hdr = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u8 kind = nsbox_key_kind(keys[i]);
		u64 id = nsbox_key_id(keys[i]);
		const char *path = NULL;
		bool cg_gone = false;
		struct nsbox_group *g;
		int ret;

		if (!(view->kinds & BIT(kind)))
			continue;
		if (kind == NSBOX_KIND_CGROUP2 && pathbuf &&
		    (nsbox_view_wants(view, NSBOX_GROUP_A_PATH) ||
		     nsbox_view_wants(view, NSBOX_GROUP_A_STATE))) {
			ret = nsbox_cgroup_path(id, view->root, pathbuf, PATH_MAX);
			if (!ret)
				path = pathbuf;
			cg_gone = ret == -ENOENT;
		}
		if (!hdr) {
			hdr = nsbox_group_msg(skb, cb, info);
			if (!hdr)
				return i;
		}
		rcu_read_lock();
		g = nsbox_group_find(kind, id);
		ret = g ? nsbox_put_group(skb, NSBOX_A_GROUP, g, path, cg_gone, view) : 0;
		rcu_read_unlock();
		if (ret) {
			/* no room: what the message holds goes, this one next time */
			if (batch && genlmsg_len(hdr) > 0)
				genlmsg_end(skb, hdr);
			else
				genlmsg_cancel(skb, hdr);
			return i;
		}
		if (!g && !cb) {
			genlmsg_cancel(skb, hdr);
			return -ENOENT;
		}
		if (batch)
			continue;
		if (g)
			genlmsg_end(skb, hdr);
		else	/* evicted since we collected it */
			genlmsg_cancel(skb, hdr);
		hdr = NULL;
	}
	if (hdr) {
		if (genlmsg_len(hdr) > 0)
			genlmsg_end(skb, hdr);
		else
			genlmsg_cancel(skb, hdr);
	}
	return n;
}

/* GET_GROUP: one group or a dump, and what to send (ABI 9). */
#define NSBOX_GROUP_REQ_MAX	NSBOX_A_DUMP_FIELDS
static const struct nla_policy nsbox_group_policy[NSBOX_GROUP_REQ_MAX + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
	[NSBOX_A_KIND] = NLA_POLICY_MAX(NLA_U8, NSBOX_KIND_COUNT - 1),
	[NSBOX_A_ID] = { .type = NLA_U64 },
	[NSBOX_A_KINDS] = NLA_POLICY_MASK(NLA_U32, GENMASK(NSBOX_KIND_COUNT - 1, 0)),
	[NSBOX_A_DUMP_FLAGS] = NLA_POLICY_MASK(NLA_U32, NSBOX_DUMP_PACKED | NSBOX_DUMP_NO_LIVE |
					       NSBOX_DUMP_BATCH),
	[NSBOX_A_LIVE_MAX_AGE_MS] = { .type = NLA_U32 },
	[NSBOX_A_DUMP_FIELDS] = { .type = NLA_U64 },
};

#define NSBOX_ALL_KINDS		GENMASK(NSBOX_KIND_COUNT - 1, 0)

/*
 * What a GET_GROUP request asks for: the kinds, the flags, and the oldest
 * walk it accepts (since = its arrival - its LIVE_MAX_AGE_MS).
 */
static int nsbox_group_req(struct nlattr **tb, struct nsbox_view *view, u64 *since,
			   struct netlink_ext_ack *extack)
{
	u64 now = ktime_get_ns(), age = 0;

	view->kinds = tb[NSBOX_A_KINDS] ? nla_get_u32(tb[NSBOX_A_KINDS]) : NSBOX_ALL_KINDS;
	if (tb[NSBOX_A_KIND])
		view->kinds &= BIT(nla_get_u8(tb[NSBOX_A_KIND]));
	view->flags = tb[NSBOX_A_DUMP_FLAGS] ? nla_get_u32(tb[NSBOX_A_DUMP_FLAGS]) : 0;
	view->fields = NSBOX_FIELDS_MASK;
	if (tb[NSBOX_A_DUMP_FIELDS]) {
		view->fields = nla_get_u64(tb[NSBOX_A_DUMP_FIELDS]);
		if (view->fields & ~NSBOX_FIELDS_MASK) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NSBOX_A_DUMP_FIELDS],
					    "nsbox: DUMP_FIELDS names an attribute a group does not have");
			return -EINVAL;
		}
		/* no live value wanted: no walk of the tasks for them */
		if (!(view->fields & NSBOX_LIVE_MASK))
			view->flags |= NSBOX_DUMP_NO_LIVE;
	}
	if (tb[NSBOX_A_LIVE_MAX_AGE_MS])
		age = (u64)nla_get_u32(tb[NSBOX_A_LIVE_MAX_AGE_MS]) * NSEC_PER_MSEC;
	*since = now - min(age, now);
	return 0;
}

/*
 * An unprivileged caller's request costs a walk of the tasks of its pid
 * namespace: a bounded number per second (share.c).
 */
static int nsbox_walk_allowed(const struct nsbox_viewer *v, struct netlink_ext_ack *extack)
{
	if (v->admin || nsbox_share_walk_ok(nsbox_share_cred(v->cred)))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "nsbox: too many requests from this user; try again in a moment (module parameter user_walks_per_sec)");
	return -EBUSY;
}

/*
 * The reply to a GET_GROUP do: one group, in a message as large as its
 * path needs (a cgroup path may be up to PATH_MAX, more than
 * NLMSG_GOODSIZE holds with the rest).
 */
static int nsbox_group_reply(struct genl_info *info, u64 key, const struct nsbox_view *view)
{
	struct sk_buff *msg;
	char *pathbuf;
	int ret;

	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE + PATH_MAX, GFP_KERNEL);
	if (!msg || !pathbuf) {
		kfree(pathbuf);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nsbox_emit_groups(msg, NULL, info, &key, 1, pathbuf, view);
	kfree(pathbuf);
	if (ret != 1) {
		nlmsg_free(msg);
		return ret == -ENOENT ? -ENOENT : -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

static int nsbox_nl_get_group(struct sk_buff *skb, struct genl_info *info)
{
	struct nsbox_view view = { };
	struct nsbox_viewer v;
	u64 since, key, id, *keys = NULL;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NSBOX_A_KIND) ||
	    GENL_REQ_ATTR_CHECK(info, NSBOX_A_ID))
		return -EINVAL;
	ret = nsbox_group_req(info->attrs, &view, &since, info->extack);
	if (ret)
		return ret;
	id = nla_get_u64(info->attrs[NSBOX_A_ID]);
	if (id > NSBOX_KEY_ID_MAX) {	/* no group has it (group.h) */
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NSBOX_A_ID],
				    "nsbox: no such group (kind and id)");
		return -ENOENT;
	}
	key = nsbox_key(nla_get_u8(info->attrs[NSBOX_A_KIND]), id);
	nsbox_viewer_init(&v, skb);
	view.root = v.cgroot;
	ret = nsbox_walk_allowed(&v, info->extack);
	if (ret)
		goto out;
	if (!v.admin) {
		/* a group the caller may not see does not exist for it */
		keys = nsbox_walk_visible(&v, NSBOX_ALL_KINDS, &view.n);
		if (IS_ERR(keys)) {
			ret = PTR_ERR(keys);
			keys = NULL;
			goto out;
		}
		view.keys = keys;
		if (!nsbox_keys_has(keys, view.n, key)) {
			ret = -ENOENT;
			goto out;
		}
	}
	if (!(view.flags & NSBOX_DUMP_NO_LIVE)) {
		ret = nsbox_live_refresh(since);
		if (ret)
			goto out;
	}
	nsbox_knob_get_group(nsbox_key_kind(key), nsbox_key_id(key));	/* tests: evict it now */
	ret = nsbox_group_reply(info, key, &view);
out:
	kvfree(keys);
	nsbox_viewer_release(&v);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NSBOX_A_ID],
				    "nsbox: no such group (kind and id)");
	return ret;
}

/**
 * struct nsbox_group_dump - a group dump's state, laid over cb->ctx
 * @keys: the groups to send, sorted nsbox_key()s: the table's (the admin)
 *	or those the caller may see; kvmalloc'ed by the first dump call and
 *	freed by .done
 * @viewer: who asked, captured in .start (cred.c), freed by .done
 * @since: the oldest walk of live values the request accepts
 * @n: entries in @keys
 * @pos: next entry of @keys to send: where the dump resumes
 * @fields: the group attributes asked for (parsed in .start)
 * @kinds: the kinds asked for (parsed in .start)
 * @flags: enum nsbox_dump_flags (parsed in .start)
 * @gen: the group table's generation just before @keys was taken
 * @charged: nsbox_dumps_quota counts this dump for the viewer's user
 *
 * The live values come from the walk every reader shares (walk.c): a dump
 * walks only if the last one is older than it accepts.  Later calls resume
 * at @pos; groups evicted meanwhile are skipped, groups created meanwhile
 * make the generation differ (NLM_F_DUMP_INTR).
 */
struct nsbox_group_dump {
	u64 *keys;
	struct nsbox_viewer *viewer;
	u64 since;
	u64 fields;
	unsigned int n;
	unsigned int pos;
	u32 gen;
	u16 kinds;
	u8 flags;
	bool charged;
};

static struct nsbox_group_dump *nsbox_group_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nsbox_group_dump) > sizeof(cb->ctx));
	BUILD_BUG_ON(NSBOX_KIND_COUNT > 16);	/* kinds: u16 */
	BUILD_BUG_ON((NSBOX_DUMP_PACKED | NSBOX_DUMP_NO_LIVE | NSBOX_DUMP_BATCH) > U8_MAX);
	return (struct nsbox_group_dump *)cb->ctx;
}

/* A dump's viewer, captured when the request is made (its .start). */
static struct nsbox_viewer *nsbox_dump_viewer(struct netlink_callback *cb)
{
	struct nsbox_viewer *v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);

	if (v)
		nsbox_viewer_init(v, cb->skb);
	return v;
}

static void nsbox_dump_viewer_free(struct nsbox_viewer *v)
{
	if (v) {
		nsbox_viewer_release(v);
		kfree(v);
	}
}

static int nsbox_nl_dump_groups_start(struct netlink_callback *cb)
{
	struct nsbox_group_dump *ctx = nsbox_group_dump_ctx(cb);
	struct nlattr *attrs[NSBOX_GROUP_REQ_MAX + 1];
	struct nsbox_view view = { };
	int ret;

	ret = genlmsg_parse(cb->nlh, &nsbox_family, attrs, NSBOX_GROUP_REQ_MAX,
			    nsbox_group_policy, cb->extack);
	if (!ret)
		ret = nsbox_group_req(attrs, &view, &ctx->since, cb->extack);
	if (ret)
		return ret;
	/* (kinds and flags fit: BUILD_BUG_ONs in nsbox_group_dump_ctx()) */
	ctx->kinds = view.kinds;
	ctx->flags = view.flags;
	ctx->fields = view.fields;
	ctx->viewer = nsbox_dump_viewer(cb);
	return ctx->viewer ? 0 : -ENOMEM;
}

/* The first call: charge the caller, the groups it gets, their live values. */
static int nsbox_group_dump_first(struct netlink_callback *cb,
				  struct nsbox_group_dump *ctx)
{
	struct nsbox_viewer *v = ctx->viewer;
	int ret;

	/* a group made from here on is not in the snapshot: see below */
	ctx->gen = nsbox_groups_gen();
	/* the keys stay until the socket reads them all or closes */
	if (!v->admin) {
		ret = nsbox_quota_charge(&nsbox_dumps_quota, nsbox_quota_uid(v->cred), cb->extack);
		if (ret)
			return ret;
		ctx->charged = true;
		ret = nsbox_walk_allowed(v, cb->extack);
		if (ret)
			return ret;
		/* every kind: PARENT and OWNER name groups of other kinds */
		ctx->keys = nsbox_walk_visible(v, NSBOX_ALL_KINDS, &ctx->n);
		if (IS_ERR(ctx->keys)) {
			ret = PTR_ERR(ctx->keys);
			ctx->keys = NULL;
			return ret;
		}
	} else {
		ctx->keys = nsbox_groups_keys(ctx->kinds, &ctx->n);
		if (!ctx->keys)
			return -ENOMEM;
	}
	if (!(ctx->flags & NSBOX_DUMP_NO_LIVE))
		return nsbox_live_refresh(ctx->since);
	return 0;
}

static int nsbox_nl_dump_groups(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nsbox_group_dump *ctx = nsbox_group_dump_ctx(cb);
	struct nsbox_view view = {
		.root = ctx->viewer->cgroot,
		.kinds = ctx->kinds,
		.flags = ctx->flags,
		.fields = ctx->fields,
	};
	char *pathbuf;
	int sent, ret;

	if (!ctx->keys) {
		ret = nsbox_group_dump_first(cb, ctx);
		if (ret)
			return ret;
		/*
		 * The first messages carry the generation the snapshot was
		 * taken at: a group made while it was taken makes the next
		 * call's generation differ, and the rest of the dump (its
		 * NLMSG_DONE at least) is flagged NLM_F_DUMP_INTR.
		 */
		cb->seq = ctx->gen + 1;
	} else {
		cb->seq = nsbox_groups_gen() + 1;
	}
	if (ctx->pos >= ctx->n)
		return 0;	/* done */

	if (!ctx->viewer->admin) {
		view.keys = ctx->keys;
		view.n = ctx->n;
	}
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	sent = nsbox_emit_groups(skb, cb, NULL, ctx->keys + ctx->pos, ctx->n - ctx->pos,
				 pathbuf, &view);
	kfree(pathbuf);
	ctx->pos += sent;
	if (!sent)
		return -EMSGSIZE;
	return skb->len;
}

static int nsbox_nl_dump_groups_done(struct netlink_callback *cb)
{
	struct nsbox_group_dump *ctx = nsbox_group_dump_ctx(cb);

	kvfree(ctx->keys);
	if (ctx->charged)
		nsbox_quota_uncharge(&nsbox_dumps_quota, nsbox_quota_uid(ctx->viewer->cred));
	nsbox_dump_viewer_free(ctx->viewer);
	return 0;
}

/* ---- tasks ----------------------------------------------------------------- */

static int nsbox_put_task(struct sk_buff *skb, struct task_struct *t, u8 kind, u64 id,
			  bool filter, char *pathbuf, const struct nsbox_viewer *viewer)
{
	static const int ns_attr[NSBOX_KIND_CGROUP2] = {
		[NSBOX_KIND_MNT] = NSBOX_TASK_A_MNTNS,
		[NSBOX_KIND_PID] = NSBOX_TASK_A_PIDNS,
		[NSBOX_KIND_NET] = NSBOX_TASK_A_NETNS,
		[NSBOX_KIND_UTS] = NSBOX_TASK_A_UTSNS,
		[NSBOX_KIND_IPC] = NSBOX_TASK_A_IPCNS,
		[NSBOX_KIND_USER] = NSBOX_TASK_A_USERNS,
		[NSBOX_KIND_CGROUP] = NSBOX_TASK_A_CGROUPNS,
		[NSBOX_KIND_TIME] = NSBOX_TASK_A_TIMENS,
	};
	struct pid_namespace *ns = viewer->pidns;
	struct task_struct *parent;
	struct nsbox_idents ids;
	char comm[TASK_COMM_LEN];
	struct nlattr *nest;
	bool ok;
	int k;

	if (!nsbox_task_visible(t, viewer))
		return 1;	/* not the caller's to see: skip */
	task_lock(t);
	ok = nsbox_task_idents(t, &ids);
	memcpy(comm, t->comm, sizeof(comm));
	task_unlock(t);
	comm[sizeof(comm) - 1] = '\0';
	if (!ok)
		return 1;	/* exiting: skip */
	if (filter && ids.k[kind].id != id)
		return 1;

	if (kernfs_path_from_node(((struct cgroup *)ids.k[NSBOX_KIND_CGROUP2].obj)->kn,
				  viewer->cgroot->kn, pathbuf, PATH_MAX) < 0)
		pathbuf[0] = '\0';
	parent = rcu_dereference(t->real_parent);

	nest = nla_nest_start(skb, NSBOX_A_TASK);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NSBOX_TASK_A_TID, task_pid_nr_ns(t, ns)) ||
	    nla_put_u32(skb, NSBOX_TASK_A_PID, task_tgid_nr_ns(t, ns)) ||
	    nla_put_u32(skb, NSBOX_TASK_A_PPID,
			pid_alive(t) ? task_tgid_nr_ns(parent, ns) : 0) ||
	    nla_put_string(skb, NSBOX_TASK_A_COMM, comm) ||
	    nla_put_u64_64bit(skb, NSBOX_TASK_A_CGROUP,
			      ids.k[NSBOX_KIND_CGROUP2].id, NSBOX_TASK_A_PAD) ||
	    nla_put_string(skb, NSBOX_TASK_A_CGROUP_PATH, pathbuf))
		goto cancel;
	for (k = 0; k < NSBOX_KIND_CGROUP2; k++)
		if (nla_put_u64_64bit(skb, ns_attr[k], ids.k[k].id, NSBOX_TASK_A_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * struct nsbox_task_dump - a task dump's state, laid over cb->ctx
 * @viewer: who asked, captured in .start (cred.c), freed by .done: its
 *	pid namespace is walked, its credentials decide what it sees
 * @next: next pid number to look at: where the dump resumes
 * @filter: only the tasks in the group @kind, @id (parsed in .start)
 * @half: the request gave KIND or ID alone (refused by the first dump
 *	call, so the error comes in NLMSG_DONE with its extack message on
 *	every kernel, as it always did)
 * @kind: enum nsbox_kind of the group, if @filter
 * @id: id of the group, if @filter
 */
struct nsbox_task_dump {
	struct nsbox_viewer *viewer;
	int next;
	bool filter;
	bool half;
	u8 kind;
	u64 id;
};

static struct nsbox_task_dump *nsbox_task_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nsbox_task_dump) > sizeof(cb->ctx));
	return (struct nsbox_task_dump *)cb->ctx;
}

static int nsbox_nl_dump_tasks_start(struct netlink_callback *cb)
{
	struct nsbox_task_dump *ctx = nsbox_task_dump_ctx(cb);
	struct nlattr *attrs[NSBOX_A_ID + 1];
	int ret;

	ret = nsbox_dump_parse(cb, attrs);
	if (ret)
		return ret;
	if (attrs[NSBOX_A_KIND] && attrs[NSBOX_A_ID]) {
		ctx->filter = true;
		ctx->kind = nla_get_u8(attrs[NSBOX_A_KIND]);
		ctx->id = nla_get_u64(attrs[NSBOX_A_ID]);
	} else if (attrs[NSBOX_A_KIND] || attrs[NSBOX_A_ID]) {
		ctx->half = true;
	}
	ctx->next = 1;
	ctx->viewer = nsbox_dump_viewer(cb);
	if (!ctx->viewer)
		return -ENOMEM;
	ret = nsbox_walk_allowed(ctx->viewer, cb->extack);
	if (ret) {
		nsbox_dump_viewer_free(ctx->viewer);
		ctx->viewer = NULL;
	}
	return ret;
}

static int nsbox_nl_dump_tasks_done(struct netlink_callback *cb)
{
	nsbox_dump_viewer_free(nsbox_task_dump_ctx(cb)->viewer);
	return 0;
}

static int nsbox_nl_dump_tasks(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nsbox_task_dump *ctx = nsbox_task_dump_ctx(cb);
	const struct nsbox_viewer *viewer = ctx->viewer;
	struct pid_namespace *ns = viewer->pidns;
	int sent = 0, ret = 0, looked = 0;
	char *pathbuf;

	if (ctx->half) {
		NL_SET_ERR_MSG(cb->extack, "nsbox: give both KIND and ID, or neither");
		return -EINVAL;
	}
	cb->seq = (u32)nsbox_task_events() + 1;
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!pathbuf)
		return -ENOMEM;

	rcu_read_lock();
	for (;;) {
		struct task_struct *t;
		struct pid *pid;
		void *hdr;
		int nr;

		/*
		 * Most pids may be ones the viewer may not see: a message
		 * could take all of them.  Let others run now and then; the
		 * dump goes on from ctx->next, a pid number, not a pointer.
		 */
		if (++looked % 128 == 0) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
		pid = nsbox_find_ge_pid(ctx->next, ns);
		if (!pid)
			break;
		nr = pid_nr_ns(pid, ns);
		t = pid_task(pid, PIDTYPE_PID);
		if (!t) {
			ctx->next = nr + 1;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nsbox_family, NLM_F_MULTI,
				  NSBOX_CMD_GET_TASK);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		ret = nsbox_put_task(skb, t, ctx->kind, ctx->id, ctx->filter,
				     pathbuf, viewer);
		if (ret < 0) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		if (ret > 0) {
			genlmsg_cancel(skb, hdr);
		} else {
			genlmsg_end(skb, hdr);
			sent++;
		}
		ctx->next = nr + 1;
	}
	rcu_read_unlock();
	kfree(pathbuf);
	if (ret < 0 && !sent)
		return ret;
	return skb->len;
}

/* ---- RESET and VERIFY (admin) --------------------------------------------- */

static bool nsbox_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (nsbox_skb_admin(skb))
		return true;
	NL_SET_ERR_MSG(info->extack, "nsbox: this command needs CAP_SYS_ADMIN");
	return false;
}

/*
 * A RESET that finds tasks of a group exiting or moving right through its
 * walk tries again with a new walk, this many times at most, and then
 * says so rather than zero that group wrong (nsbox_group_reset()).
 */
#define NSBOX_RESET_TRIES	16

struct nsbox_reset_call {
	u32 call;
	unsigned int pending;
};

static void nsbox_reset_mark(struct nsbox_group *g, void *arg)
{
	nsbox_group_reset_mark(g, ((struct nsbox_reset_call *)arg)->call);
}

static void nsbox_reset_one(struct nsbox_group *g, void *arg)
{
	struct nsbox_reset_call *rc = arg;

	if (!nsbox_group_reset(g, rc->call, nsbox_walk_of(g)->acc))
		rc->pending++;
}

/* Mark, walk, reset: one group (@kind, @id) or every group (!@one). */
static int nsbox_reset_try(struct nsbox_reset_call *rc, bool one, u8 kind, u64 id,
			   bool first)
{
	struct nsbox_walk_stats st;
	struct nsbox_group *g = NULL;
	int ret;

	rcu_read_lock();
	if (!one) {
		nsbox_groups_for_each(nsbox_reset_mark, rc);
	} else {
		g = nsbox_group_find(kind, id);
		if (g)
			nsbox_reset_mark(g, rc);
	}
	rcu_read_unlock();
	if (one && !g)
		return -ENOENT;
	/* the marks are read before any task is */
	smp_mb();
	ret = nsbox_walk_now(&st, false);
	if (ret)
		return ret;
	if (first)
		nsbox_knob_reset();	/* the test build may pause here */
	rc->pending = 0;
	rcu_read_lock();
	if (!one) {
		nsbox_groups_for_each(nsbox_reset_one, rc);
	} else {
		/* evicted since: nothing left to reset */
		g = nsbox_group_find(kind, id);
		if (g)
			nsbox_reset_one(g, rc);
	}
	rcu_read_unlock();
	return 0;
}

static int nsbox_nl_reset(struct sk_buff *skb, struct genl_info *info)
{
	static u32 calls;
	struct nsbox_reset_call rc = { };
	bool one;
	u64 id = 0;
	u8 kind = 0;
	int i, ret;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	if (!!info->attrs[NSBOX_A_KIND] != !!info->attrs[NSBOX_A_ID]) {
		NL_SET_ERR_MSG(info->extack, "nsbox: give both KIND and ID, or neither");
		return -EINVAL;
	}
	one = info->attrs[NSBOX_A_KIND];
	if (one) {
		kind = nla_get_u8(info->attrs[NSBOX_A_KIND]);
		id = nla_get_u64(info->attrs[NSBOX_A_ID]);
	}
	nsbox_walk_lock();
	/* groups start at 0: never a request's number */
	rc.call = ++calls ?: ++calls;
	for (i = 0; i < NSBOX_RESET_TRIES; i++) {
		ret = nsbox_reset_try(&rc, one, kind, id, !i);
		if (ret || !rc.pending)
			break;
	}
	nsbox_walk_unlock();
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NSBOX_A_ID],
				    "nsbox: no such group (kind and id)");
	if (!ret && rc.pending) {
		ret = -EAGAIN;
		NL_SET_ERR_MSG(info->extack,
			       "nsbox: tasks kept exiting or moving through every walk: some groups were not reset; try again");
	}
	return ret;
}

/*
 * One failed VERIFY check of group @g: @l is the group as the walk found
 * it; @field is 0 for a check of several fields.
 */
static int nsbox_put_mismatch(struct sk_buff *skb, const struct nsbox_group *g,
			      const struct nsbox_glive *l, u8 check, u16 field,
			      s64 have, s64 want)
{
	struct nlattr *nest = nla_nest_start(skb, NSBOX_A_MISMATCH);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NSBOX_GROUP_A_KIND, g->kind) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_ID, g->id, NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_PROCS,
			      nsbox_nonneg(atomic_read(&g->procs)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_THREADS,
			      nsbox_nonneg(atomic_read(&g->threads)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_WALK_PROCS, l->procs, NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_WALK_THREADS, l->threads,
			      NSBOX_GROUP_A_PAD) ||
	    nla_put_u8(skb, NSBOX_GROUP_A_VERIFY_CHECK, check) ||
	    (field && nla_put_u16(skb, NSBOX_GROUP_A_VERIFY_FIELD, field)) ||
	    nla_put_s64(skb, NSBOX_GROUP_A_VERIFY_HAVE, have, NSBOX_GROUP_A_PAD) ||
	    nla_put_s64(skb, NSBOX_GROUP_A_VERIFY_WANT, want, NSBOX_GROUP_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Where a group is in one VERIFY request's rounds: not yet checked (or its
 * counts changed during every walk so far), checked and right, failed once
 * in a walk during which it held still (SUSPECT: checked again), failed
 * the same way twice (reported).
 */
enum nsbox_vstate {
	NSBOX_V_PENDING,
	NSBOX_V_OK,
	NSBOX_V_SUSPECT,
	NSBOX_V_FAILED,
};

#define NSBOX_VERIFY_ROUNDS	10

struct nsbox_verify {
	struct sk_buff *msg;
	u32 call;
	u64 groups;
	u64 open;		/* PENDING or SUSPECT after this round */
	u64 suspects;		/* SUSPECT after this round */
	u64 mismatches;
	bool full;
};

/*
 * The counts of one group as VERIFY compares them (enum nsbox_verify_check),
 * read once: PROCS, THREADS, FLOW, then every cumulative total.
 */
#define NSBOX_NR_CHECKS	(3 + NSBOX_NR_ACC)

struct nsbox_vsnap {
	s64 have[NSBOX_NR_CHECKS];
	s64 want[NSBOX_NR_CHECKS];
};

static void nsbox_vsnap_read(const struct nsbox_group *g, const struct nsbox_glive *l,
			     struct nsbox_vsnap *sn)
{
	int i;

	sn->have[0] = atomic_read(&g->procs);
	sn->want[0] = l->procs;
	sn->have[1] = atomic_read(&g->threads);
	sn->want[1] = l->threads;
	sn->have[2] = atomic_read(&g->found) +
		      atomic64_read(&g->cnt[NSBOX_CNT_FORKS]) +
		      atomic64_read(&g->cnt[NSBOX_CNT_MOVED_IN]) -
		      atomic64_read(&g->cnt[NSBOX_CNT_EXITS]) -
		      atomic64_read(&g->cnt[NSBOX_CNT_MOVED_OUT]);
	sn->want[2] = l->threads;
	for (i = 0; i < NSBOX_NR_ACC; i++) {
		sn->have[3 + i] = atomic64_read(&g->acc[i]) + l->acc[i];
		sn->want[3 + i] = 0;
	}
}

/* Check @i of a snapshot: its enum nsbox_verify_check and field. */
static void nsbox_vcheck(int i, u8 *check, u16 *field)
{
	static const u8 checks[3] = {
		NSBOX_VERIFY_PROCS, NSBOX_VERIFY_THREADS, NSBOX_VERIFY_FLOW,
	};
	static const u16 fields[3] = { NSBOX_GROUP_A_PROCS, NSBOX_GROUP_A_THREADS, 0 };

	*check = i < 3 ? checks[i] : NSBOX_VERIFY_NEGATIVE;
	*field = i < 3 ? fields[i] : nsbox_acc_attr[i - 3];
}

static bool nsbox_vcheck_fails(const struct nsbox_vsnap *sn, int i)
{
	if (i >= 3)	/* NEGATIVE: a total below 0 */
		return sn->have[i] < 0;
	return sn->have[i] != sn->want[i];
}

/* The failed checks of a snapshot, mixed into one number (0: all hold). */
static u64 nsbox_vsnap_sig(const struct nsbox_vsnap *sn)
{
	u64 sig = 0;
	int i;

	for (i = 0; i < NSBOX_NR_CHECKS; i++)
		if (nsbox_vcheck_fails(sn, i))
			sig = (sig ^ ((u64)i << 48 | (u64)(sn->have[i] - sn->want[i]))) *
			      0x9e3779b97f4a7c15ULL + 1;
	return sig;
}

static void nsbox_vsnap_report(struct nsbox_verify *vr, const struct nsbox_group *g,
			       const struct nsbox_glive *l, const struct nsbox_vsnap *sn)
{
	u16 field;
	u8 check;
	int i;

	for (i = 0; i < NSBOX_NR_CHECKS; i++) {
		if (!nsbox_vcheck_fails(sn, i))
			continue;
		nsbox_vcheck(i, &check, &field);
		vr->mismatches++;
		if (!vr->full &&
		    nsbox_put_mismatch(vr->msg, g, l, check, field, sn->have[i], sn->want[i]))
			vr->full = true;
	}
}

/* One round's look at one group (under the walk lock and RCU). */
static void nsbox_verify_one(struct nsbox_group *g, void *arg)
{
	struct nsbox_verify *vr = arg;
	const struct nsbox_glive *l = nsbox_walk_of(g);
	struct nsbox_vsnap sn;
	u64 sig;

	if (g->verify_call != vr->call) {
		g->verify_call = vr->call;
		g->verify_state = NSBOX_V_PENDING;
		vr->groups++;
	}
	if (g->verify_state == NSBOX_V_OK || g->verify_state == NSBOX_V_FAILED)
		return;
	nsbox_vsnap_read(g, l, &sn);
	/* counts that moved while it walked describe other tasks: again */
	if (!nsbox_walk_settled(g)) {
		vr->open++;
		return;
	}
	sig = nsbox_vsnap_sig(&sn);
	if (!sig) {
		g->verify_state = NSBOX_V_OK;
	} else if (g->verify_state == NSBOX_V_SUSPECT && g->verify_sig == sig) {
		/* wrong the same way twice, holding still: a wrong counter */
		g->verify_state = NSBOX_V_FAILED;
		nsbox_vsnap_report(vr, g, l, &sn);
	} else {
		g->verify_state = NSBOX_V_SUSPECT;
		g->verify_sig = sig;
		vr->open++;
		vr->suspects++;
	}
}

static int nsbox_nl_verify(struct sk_buff *skb, struct genl_info *info)
{
	static u32 nsbox_verify_calls;
	struct nsbox_verify vr = { };
	struct nsbox_walk_stats st = { };
	unsigned int rounds = 0;
	void *hdr;
	int ret = 0;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	vr.msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!vr.msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(vr.msg, info, &nsbox_family, 0, NSBOX_CMD_VERIFY);
	if (!hdr) {
		nlmsg_free(vr.msg);
		return -EMSGSIZE;
	}
	nsbox_walk_lock();
	vr.call = ++nsbox_verify_calls;
	do {
		/* let the tasks that were in the middle of a change finish it */
		if (rounds && schedule_timeout_interruptible(1) && signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		/*
		 * A hook that counted a change the kernel had not made yet
		 * (or the reverse) runs with preemption off, and so does the
		 * kernel's code around it up to the next point where it may
		 * sleep (there the transit notes take over, task.c).  A
		 * suspect is confirmed only by a walk after every CPU has
		 * passed a quiescent state: such a hook has finished then,
		 * however long its CPU was held up (a vCPU the host did not
		 * run: one walk and the next can both fall in the window).
		 */
		if (vr.suspects)
			synchronize_rcu();
		rounds++;
		ret = nsbox_walk_now(&st, true);
		if (ret == -EAGAIN) {	/* it had to begin again: every group again */
			ret = 0;
			vr.open = 1;
			continue;
		}
		if (ret)
			break;
		vr.open = 0;
		vr.suspects = 0;
		nsbox_groups_for_each(nsbox_verify_one, &vr);
	} while (vr.open && rounds < NSBOX_VERIFY_ROUNDS);
	nsbox_walk_unlock();
	if (ret) {
		nlmsg_free(vr.msg);
		return ret;
	}
	if (nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_TASKS, st.tasks, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_GROUPS, vr.groups, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_MISMATCHES, vr.mismatches,
			      NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_MISSING, st.missing, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_UNSETTLED, vr.open, NSBOX_A_PAD) ||
	    nla_put_u32(vr.msg, NSBOX_A_VERIFY_ROUNDS, rounds)) {
		nlmsg_free(vr.msg);
		return -EMSGSIZE;
	}
	genlmsg_end(vr.msg, hdr);
	return genlmsg_reply(vr.msg, info);
}

/* ---- ADOPT (admin): namespaces that no task is in -------------------------- */

static const struct nla_policy nsbox_adopt_policy[NSBOX_A_ADOPT_DONE + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
	[NSBOX_A_NS_FD] = { .type = NLA_U32 },
	[NSBOX_A_ADOPT_DONE] = { .type = NLA_FLAG },
};

/*
 * The module learns of a namespace when a task is in it.  One kept alive
 * only by a bind mount or an open file since before the module was loaded
 * has no task to show it; userspace finds it as lsns does (mountinfo,
 * /proc/PID/fd) and hands it over as a file descriptor, the way
 * IFLA_NET_NS_FD hands a network namespace to rtnetlink.  A genl doit
 * runs in the sender's context, so the fd is the sender's own.
 */
static int nsbox_nl_adopt(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[NSBOX_A_NS_FD];
	struct nsbox_ident ident;
	struct nsbox_group *g;
	struct sk_buff *reply;
	struct ns_common *ns;
	struct nlattr *nest;
	struct file *f;
	int kind, ret;
	void *hdr;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	/*
	 * The caller handed over all it found: from now on the hooks see
	 * every new namespace (track.c adopts those made for a task's
	 * children), until eviction or a refusal may have lost one.
	 */
	if (info->attrs[NSBOX_A_ADOPT_DONE] && !attr) {
		nsbox_groups_set_adopted(true);
		return 0;
	}
	if (GENL_REQ_ATTR_CHECK(info, NSBOX_A_NS_FD))
		return -EINVAL;
	f = fget(nla_get_u32(attr));
	if (!f) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "nsbox: NS_FD is not an open file descriptor");
		return -EBADF;
	}
	ret = -EINVAL;
	if (file_inode(f)->i_sb->s_magic != NSFS_MAGIC) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "nsbox: NS_FD is not a namespace file (/proc/PID/ns/KIND, a bind mount)");
		goto out;
	}
	ns = get_proc_ns(file_inode(f));
	kind = nsbox_ns_kind(ns);
	if (kind < 0) {
		if (kind == -EOPNOTSUPP)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "nsbox: mount namespaces are not tracked on this kernel");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "nsbox: a namespace type nsbox does not know");
		ret = kind;
		goto out;
	}
	ident.id = ns->inum;
	ident.obj = ns;
	rcu_read_lock();
	g = nsbox_group_adopt(kind, &ident);
	rcu_read_unlock();
	ret = -ENOSPC;
	if (!g) {
		NL_SET_ERR_MSG(info->extack, "nsbox: the group table is full (max_groups)");
		goto out;
	}
	ret = -ENOMEM;
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		goto out;
	hdr = genlmsg_put_reply(reply, info, &nsbox_family, 0, NSBOX_CMD_ADOPT);
	nest = hdr ? nla_nest_start(reply, NSBOX_A_GROUP) : NULL;
	if (!nest || nla_put_u8(reply, NSBOX_GROUP_A_KIND, kind) ||
	    nla_put_u64_64bit(reply, NSBOX_GROUP_A_ID, ident.id, NSBOX_GROUP_A_PAD)) {
		nlmsg_free(reply);
		goto out;
	}
	nla_nest_end(reply, nest);
	genlmsg_end(reply, hdr);
	ret = genlmsg_reply(reply, info);
out:
	fput(f);
	return ret;
}

/* ---- probes (admin) ---------------------------------------------------------- */

static const struct nla_policy nsbox_probe_attr_policy[NSBOX_PROBE_A_SUM_ARG + 1] = {
	[NSBOX_PROBE_A_NAME] = { .type = NLA_NUL_STRING, .len = NSBOX_PROBE_NAME_MAX },
	[NSBOX_PROBE_A_SYMBOL] = { .type = NLA_NUL_STRING, .len = KSYM_NAME_LEN - 1 },
	[NSBOX_PROBE_A_RET] = NLA_POLICY_MAX(NLA_U8, 1),
	[NSBOX_PROBE_A_SUM_ARG] = NLA_POLICY_MAX(NLA_U8, 6),
};

static const struct nla_policy nsbox_probe_policy[NSBOX_A_PROBE_ALL + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
	[NSBOX_A_PROBE] = NLA_POLICY_NESTED(nsbox_probe_attr_policy),
	[NSBOX_A_PROBE_ALL] = { .type = NLA_FLAG },
};

/* NSBOX_A_PROBE's attributes (already checked against the policy). */
static int nsbox_probe_parse(struct nlattr *attr, struct nlattr **tb,
			     struct netlink_ext_ack *extack, bool need_symbol)
{
	int ret;

	if (!attr) {
		NL_SET_ERR_MSG(extack, "nsbox: PROBE (with NAME) is required");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, NSBOX_PROBE_A_SUM_ARG, attr, nsbox_probe_attr_policy, extack);
	if (ret)
		return ret;
	if (!tb[NSBOX_PROBE_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "nsbox: PROBE needs NAME");
		return -EINVAL;
	}
	if (need_symbol && !tb[NSBOX_PROBE_A_SYMBOL]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "nsbox: PROBE_ADD needs SYMBOL");
		return -EINVAL;
	}
	return 0;
}

/* The probe in @slot, if it is still the one of @serial. */
static int nsbox_probe_reply(struct genl_info *info, int slot, u64 serial)
{
	struct sk_buff *reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;
	int ret;

	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &nsbox_family, 0, NSBOX_CMD_PROBE_GET);
	nsbox_probes_lock();
	if (!hdr)
		ret = -EMSGSIZE;
	else if (!nsbox_probe_is(slot, serial))
		ret = -ENOENT;	/* removed meanwhile */
	else
		ret = nsbox_probe_fill(reply, slot);
	nsbox_probes_unlock();
	if (ret) {
		nlmsg_free(reply);
		return ret;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static int nsbox_nl_probe_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NSBOX_PROBE_A_SUM_ARG + 1];
	struct nsbox_probe_req req = { };
	int ret, slot;
	u64 serial;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	ret = nsbox_probe_parse(info->attrs[NSBOX_A_PROBE], tb, info->extack, true);
	if (ret)
		return ret;
	req.name = nla_data(tb[NSBOX_PROBE_A_NAME]);
	req.symbol = nla_data(tb[NSBOX_PROBE_A_SYMBOL]);
	req.ret = tb[NSBOX_PROBE_A_RET] && nla_get_u8(tb[NSBOX_PROBE_A_RET]);
	req.sum_arg = tb[NSBOX_PROBE_A_SUM_ARG] ? nla_get_u8(tb[NSBOX_PROBE_A_SUM_ARG]) : 0;
	ret = nsbox_probe_add(&req, info->extack, &slot, &serial);
	if (ret)
		return ret;
	return nsbox_probe_reply(info, slot, serial);
}

static int nsbox_nl_probe_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NSBOX_PROBE_A_SUM_ARG + 1];
	int ret;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	if (info->attrs[NSBOX_A_PROBE_ALL]) {
		nsbox_probe_del_all();
		return 0;
	}
	ret = nsbox_probe_parse(info->attrs[NSBOX_A_PROBE], tb, info->extack, false);
	if (ret)
		return ret;
	return nsbox_probe_del(nla_data(tb[NSBOX_PROBE_A_NAME]), info->extack);
}

static int nsbox_nl_probe_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NSBOX_PROBE_A_SUM_ARG + 1];
	u64 serial;
	int ret, slot;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	ret = nsbox_probe_parse(info->attrs[NSBOX_A_PROBE], tb, info->extack, false);
	if (ret)
		return ret;
	nsbox_probes_lock();
	slot = nsbox_probe_find(nla_data(tb[NSBOX_PROBE_A_NAME]), &serial);
	nsbox_probes_unlock();
	if (slot < 0) {
		NL_SET_ERR_MSG(info->extack, "nsbox: no probe of that name");
		return slot;
	}
	return nsbox_probe_reply(info, slot, serial);
}

/* A probe dump's place: the probe (slot, serial) and the next entry. */
struct nsbox_probe_dump {
	int slot;
	u64 serial;
	unsigned int pos;
};

static struct nsbox_probe_dump *nsbox_probe_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nsbox_probe_dump) > sizeof(cb->ctx));
	return (struct nsbox_probe_dump *)cb->ctx;
}

static int nsbox_dump_admin(struct netlink_callback *cb)
{
	if (nsbox_skb_admin(cb->skb))
		return 0;
	NL_SET_ERR_MSG(cb->extack, "nsbox: this command needs CAP_SYS_ADMIN");
	return -EPERM;
}

static int nsbox_nl_probe_list_start(struct netlink_callback *cb)
{
	return nsbox_dump_admin(cb);
}

/* PROBE_GET dump: every probe, by slot. */
static int nsbox_nl_probe_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nsbox_probe_dump *ctx = nsbox_probe_dump_ctx(cb);
	int ret = 0;

	nsbox_probes_lock();
	for (; ctx->slot < NSBOX_PROBES_MAX; ctx->slot++) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&nsbox_family, NLM_F_MULTI, NSBOX_CMD_PROBE_GET);

		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		ret = nsbox_probe_fill(skb, ctx->slot);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			if (ret == -ENOENT) {
				ret = 0;
				continue;
			}
			break;
		}
		genlmsg_end(skb, hdr);
	}
	nsbox_probes_unlock();
	/* out of room with something sent: the rest in the next call */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

static int nsbox_nl_probe_stats_start(struct netlink_callback *cb)
{
	struct nsbox_probe_dump *ctx = nsbox_probe_dump_ctx(cb);
	struct nlattr *attrs[NSBOX_A_PROBE_ALL + 1];
	struct nlattr *tb[NSBOX_PROBE_A_SUM_ARG + 1];
	int ret;

	ret = nsbox_dump_admin(cb);
	if (ret)
		return ret;
	ret = genlmsg_parse(cb->nlh, &nsbox_family, attrs, NSBOX_A_PROBE_ALL,
			    nsbox_probe_policy, cb->extack);
	if (!ret)
		ret = nsbox_probe_parse(attrs[NSBOX_A_PROBE], tb, cb->extack, false);
	if (ret)
		return ret;
	nsbox_probes_lock();
	ctx->slot = nsbox_probe_find(nla_data(tb[NSBOX_PROBE_A_NAME]), &ctx->serial);
	nsbox_probes_unlock();
	if (ctx->slot < 0) {
		NL_SET_ERR_MSG(cb->extack, "nsbox: no probe of that name");
		return ctx->slot;
	}
	ctx->pos = 0;
	return 0;
}

/* PROBE_STATS dump: one message per group the probe counted. */
static int nsbox_nl_probe_stats(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nsbox_probe_dump *ctx = nsbox_probe_dump_ctx(cb);
	int ret = 0;

	nsbox_probes_lock();
	/* removed (or replaced) since the dump began: it ends here */
	while (nsbox_probe_is(ctx->slot, ctx->serial)) {
		unsigned int pos = ctx->pos;
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&nsbox_family, NLM_F_MULTI, NSBOX_CMD_PROBE_STATS);

		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		ret = nsbox_probe_fill_stats(skb, ctx->slot, &pos);
		if (ret <= 0) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->pos = pos;
		ret = 0;
	}
	nsbox_probes_unlock();
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

/* ---- the family -------------------------------------------------------------- */

static const struct nla_policy nsbox_subscribe_policy[NSBOX_A_EVENT_TYPES + 1] = {
	[NSBOX_A_EVENT_TYPES] = NLA_POLICY_MASK(NLA_U32, GENMASK(NSBOX_EVENT_TYPE_COUNT - 1, 0)),
};

static const struct genl_ops nsbox_ops[] = {
	{
		.cmd = NSBOX_CMD_GET_INFO,
		.doit = nsbox_nl_get_info,
		.policy = nsbox_info_policy,
		.maxattr = ARRAY_SIZE(nsbox_info_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_GET_GROUP,
		.doit = nsbox_nl_get_group,
		.start = nsbox_nl_dump_groups_start,
		.dumpit = nsbox_nl_dump_groups,
		.done = nsbox_nl_dump_groups_done,
		.policy = nsbox_group_policy,
		.maxattr = ARRAY_SIZE(nsbox_group_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_GET_TASK,
		.start = nsbox_nl_dump_tasks_start,
		.dumpit = nsbox_nl_dump_tasks,
		.done = nsbox_nl_dump_tasks_done,
		.policy = nsbox_select_policy,
		.maxattr = ARRAY_SIZE(nsbox_select_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_RESET,
		.doit = nsbox_nl_reset,
		.policy = nsbox_select_policy,
		.maxattr = ARRAY_SIZE(nsbox_select_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_VERIFY,
		.doit = nsbox_nl_verify,
		.policy = nsbox_info_policy,
		.maxattr = ARRAY_SIZE(nsbox_info_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_SUBSCRIBE,
		.doit = nsbox_events_subscribe,
		.policy = nsbox_subscribe_policy,
		.maxattr = ARRAY_SIZE(nsbox_subscribe_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_ADOPT,
		.doit = nsbox_nl_adopt,
		.policy = nsbox_adopt_policy,
		.maxattr = ARRAY_SIZE(nsbox_adopt_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_PROBE_ADD,
		.doit = nsbox_nl_probe_add,
		.policy = nsbox_probe_policy,
		.maxattr = ARRAY_SIZE(nsbox_probe_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_PROBE_DEL,
		.doit = nsbox_nl_probe_del,
		.policy = nsbox_probe_policy,
		.maxattr = ARRAY_SIZE(nsbox_probe_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_PROBE_GET,
		.doit = nsbox_nl_probe_get,
		.start = nsbox_nl_probe_list_start,
		.dumpit = nsbox_nl_probe_list,
		.policy = nsbox_probe_policy,
		.maxattr = ARRAY_SIZE(nsbox_probe_policy) - 1,
	},
	{
		.cmd = NSBOX_CMD_PROBE_STATS,
		.start = nsbox_nl_probe_stats_start,
		.dumpit = nsbox_nl_probe_stats,
		.policy = nsbox_probe_policy,
		.maxattr = ARRAY_SIZE(nsbox_probe_policy) - 1,
	},
};

/* Joining the group takes CAP_SYS_ADMIN (events.c sends in init_net only). */
static const struct genl_multicast_group nsbox_mcgrps[] = {
	{ .name = NSBOX_MCGRP_EVENTS, .flags = NSBOX_MCAST_FLAGS, },
};

struct genl_family nsbox_family __ro_after_init = {
	.name = NSBOX_GENL_NAME,
	.version = NSBOX_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = nsbox_ops,
	.n_ops = ARRAY_SIZE(nsbox_ops),
	.mcgrps = nsbox_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nsbox_mcgrps),
};

int __init nsbox_netlink_init(void)
{
	int ret = genl_register_family(&nsbox_family);

	if (ret)
		pr_err("cannot register generic netlink family \"%s\": %d\n",
		       NSBOX_GENL_NAME, ret);
	return ret;
}

void nsbox_netlink_exit(void)
{
	genl_unregister_family(&nsbox_family);
}
