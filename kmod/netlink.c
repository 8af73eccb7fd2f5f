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

static int nsbox_put_hook(struct sk_buff *skb, const struct nsbox_hook *hook)
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
	    nla_put_u64_64bit(skb, NSBOX_HOOK_A_HITS, hits, NSBOX_HOOK_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_HOOK_A_MISSES, misses,
			      NSBOX_HOOK_A_PAD) ||
	    nla_put_u8(skb, NSBOX_HOOK_A_STATUS, hook->status) ||
	    (hook->affects && nla_put_string(skb, NSBOX_HOOK_A_AFFECTS, hook->affects))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nsbox_fill_info(struct sk_buff *skb, struct genl_info *info)
{
	u64 groups, evictions, failures, bytes, ring_bytes, probe_bytes;
	u32 obj_size, subscribers, probes, probes_max, probe_groups;
	struct nlattr *hooks;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put_reply(skb, info, &nsbox_family, 0, NSBOX_CMD_GET_INFO);
	if (!hdr)
		return -EMSGSIZE;

	nsbox_groups_stats(&groups, &evictions, &failures, &bytes, &obj_size);
	nsbox_events_stats(&subscribers, &ring_bytes);
	nsbox_probes_stats(&probes, &probes_max, &probe_groups, &probe_bytes);
	if (nla_put_string(skb, NSBOX_A_VERSION, NSBOX_VERSION) ||
	    nla_put_u32(skb, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) ||
	    nla_put_string(skb, NSBOX_A_KERNEL_RELEASE, init_utsname()->release) ||
	    nla_put_u64_64bit(skb, NSBOX_A_GROUPS, groups, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_A_MAX_GROUPS, nsbox_max_groups, NSBOX_A_PAD) ||
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
	    nla_put_u64_64bit(skb, NSBOX_A_PROBE_BYTES, probe_bytes, NSBOX_A_PAD))
		goto cancel;

	hooks = nla_nest_start(skb, NSBOX_A_HOOKS);
	if (!hooks)
		goto cancel;
	for (i = 0; i < nsbox_hooks_count(); i++)
		if (nsbox_put_hook(skb, nsbox_hook_get(i)))
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
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	ret = nsbox_fill_info(msg, info);
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

static u64 nsbox_nonneg(s64 v)
{
	return v < 0 ? 0 : v;
}

/*
 * Which groups the caller may see, for the fields that name another
 * group: all of them for the admin (@all NULL), else those of @all
 * marked visible.  A non-admin never learns an id outside its view
 * through PARENT or OWNER -- as NS_GET_PARENT and NS_GET_USERNS refuse
 * to hand out a namespace above the caller's.
 */
struct nsbox_view {
	const struct nsbox_live *all;
	unsigned int n;
	struct cgroup *root;	/* cgroup paths are relative to it */
};

static bool nsbox_view_has(const struct nsbox_view *view, u8 kind, u64 id)
{
	return !view->all || nsbox_live_visible(view->all, view->n, kind, id);
}

/* @cg_gone: a cgroup2 group whose cgroup could not be found (removed) */
static u8 nsbox_group_state(const struct nsbox_group *g, bool cg_gone)
{
	if (READ_ONCE(g->retired) || cg_gone)
		return NSBOX_GROUP_GONE;
	return atomic_read(&g->threads) > 0 ? NSBOX_GROUP_LIVE : NSBOX_GROUP_EMPTY;
}

static int nsbox_put_group(struct sk_buff *skb, int attr,
			   const struct nsbox_group *g, const struct nsbox_live *l,
			   const char *path, bool cg_gone, const struct nsbox_view *view)
{
	static const int cnt_attr[NSBOX_NR_CNT] = {
		[NSBOX_CNT_FORKS] = NSBOX_GROUP_A_FORKS,
		[NSBOX_CNT_EXECS] = NSBOX_GROUP_A_EXECS,
		[NSBOX_CNT_EXITS] = NSBOX_GROUP_A_EXITS,
		[NSBOX_CNT_MOVED_IN] = NSBOX_GROUP_A_MOVED_IN,
		[NSBOX_CNT_MOVED_OUT] = NSBOX_GROUP_A_MOVED_OUT,
		[NSBOX_CNT_OOM_KILLS] = NSBOX_GROUP_A_OOM_KILLS,
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NSBOX_GROUP_A_KIND, g->kind) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_ID, g->id, NSBOX_GROUP_A_PAD) ||
	    nla_put_u8(skb, NSBOX_GROUP_A_STATE, nsbox_group_state(g, cg_gone)) ||
	    (path && nla_put_string(skb, NSBOX_GROUP_A_PATH, path)) ||
	    (g->has_parent && nsbox_view_has(view, g->kind, g->parent) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_PARENT, g->parent, NSBOX_GROUP_A_PAD)) ||
	    (g->has_owner && nsbox_view_has(view, NSBOX_KIND_USER, g->owner) &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_OWNER, g->owner, NSBOX_GROUP_A_PAD)) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_FIRST_SEEN, g->first_seen,
			      NSBOX_GROUP_A_PAD) ||
	    (g->nsid &&
	     nla_put_u64_64bit(skb, NSBOX_GROUP_A_NSID, g->nsid, NSBOX_GROUP_A_PAD)) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_PROCS,
			      nsbox_nonneg(atomic_read(&g->procs)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_THREADS,
			      nsbox_nonneg(atomic_read(&g->threads)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_RSS_BYTES, l->rss, NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_VM_BYTES, l->vm, NSBOX_GROUP_A_PAD))
		goto cancel;
	for (i = 0; i < NSBOX_NR_CNT; i++)
		if (nla_put_u64_64bit(skb, cnt_attr[i], atomic64_read(&g->cnt[i]),
				      NSBOX_GROUP_A_PAD))
			goto cancel;
	for (i = 0; i < NSBOX_NR_ACC; i++)
		if (nla_put_u64_64bit(skb, nsbox_acc_attr[i],
				      nsbox_nonneg(atomic64_read(&g->acc[i]) + l->acc[i]),
				      NSBOX_GROUP_A_PAD))
			goto cancel;
	if (nla_put_u64_64bit(skb, NSBOX_GROUP_A_LOAD1,
			      nsbox_load100(READ_ONCE(g->load[0])), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_LOAD5,
			      nsbox_load100(READ_ONCE(g->load[1])), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_LOAD15,
			      nsbox_load100(READ_ONCE(g->load[2])), NSBOX_GROUP_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * Emit the groups of @batch (live sums already filled in), one message
 * each: dump parts when @cb is set, else a reply to @info.  Returns how
 * many entries were used (sent, or in a dump skipped because evicted
 * meanwhile); -ENOENT for a reply whose group was evicted meanwhile.
 */
static int nsbox_emit_groups(struct sk_buff *skb, struct netlink_callback *cb,
			     struct genl_info *info, struct nsbox_live *batch,
			     unsigned int n, char *pathbuf, const struct nsbox_view *view)
{
	bool filter = view->all;

	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *path = NULL;
		bool cg_gone = false;
		struct nsbox_group *g;
		void *hdr;
		int ret;

		if (filter && !batch[i].visible)
			continue;

		if (batch[i].kind == NSBOX_KIND_CGROUP2 && pathbuf) {
			ret = nsbox_cgroup_path(batch[i].id, view->root, pathbuf, PATH_MAX);
			if (!ret)
				path = pathbuf;
			cg_gone = ret == -ENOENT;
		}
		if (cb) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &nsbox_family,
					  NLM_F_MULTI, NSBOX_CMD_GET_GROUP);
		} else {
			hdr = genlmsg_put_reply(skb, info, &nsbox_family, 0,
						NSBOX_CMD_GET_GROUP);
		}
		if (!hdr)
			return i;
		if (cb)
			genl_dump_check_consistent(cb, hdr);
		rcu_read_lock();
		g = nsbox_group_find(batch[i].kind, batch[i].id);
		ret = g ? nsbox_put_group(skb, NSBOX_A_GROUP, g, &batch[i], path,
					      cg_gone, view) : 0;
		rcu_read_unlock();
		if (ret) {
			genlmsg_cancel(skb, hdr);
			return i;
		}
		if (!g) {	/* evicted since we collected it */
			genlmsg_cancel(skb, hdr);
			if (!cb)
				return -ENOENT;
			continue;
		}
		genlmsg_end(skb, hdr);
	}
	return n;
}

/*
 * The reply to a GET_GROUP do: one group, in a message as large as its
 * path needs (a cgroup path may be up to PATH_MAX, more than
 * NLMSG_GOODSIZE holds with the rest).
 */
static int nsbox_group_reply(struct genl_info *info, struct nsbox_live *one,
			     const struct nsbox_view *view)
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
	ret = nsbox_emit_groups(msg, NULL, info, one, 1, pathbuf, view);
	kfree(pathbuf);
	if (ret != 1) {
		nlmsg_free(msg);
		return ret == -ENOENT ? -ENOENT : -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

static int nsbox_nl_get_group(struct sk_buff *skb, struct genl_info *info)
{
	struct nsbox_live set[3] = { }, *one = NULL;
	const struct nsbox_viewer *viewer;
	struct nsbox_view view = { };
	struct nsbox_viewer v;
	struct nsbox_group *g;
	unsigned int n = 1;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NSBOX_A_KIND) ||
	    GENL_REQ_ATTR_CHECK(info, NSBOX_A_ID))
		return -EINVAL;
	set[0].kind = nla_get_u8(info->attrs[NSBOX_A_KIND]);
	set[0].id = nla_get_u64(info->attrs[NSBOX_A_ID]);
	/* the group, and the groups its PARENT and OWNER name (visibility) */
	rcu_read_lock();
	g = nsbox_group_find(set[0].kind, set[0].id);
	if (g && g->has_parent) {
		set[n].kind = g->kind;
		set[n++].id = g->parent;
	}
	if (g && g->has_owner) {
		set[n].kind = NSBOX_KIND_USER;
		set[n++].id = g->owner;
	}
	rcu_read_unlock();
	nsbox_viewer_init(&v, skb);
	viewer = v.admin ? NULL : &v;
	if (g) {
		u8 kind = set[0].kind;
		u64 id = set[0].id;

		nsbox_live_sort(set, n);
		nsbox_walk_live(set, n, NULL, viewer);
		one = nsbox_live_find(set, n, kind, id);
	}
	/* a group the caller may not see does not exist for it */
	if (!one || (viewer && !one->visible)) {
		ret = -ENOENT;
		goto out;
	}
	if (viewer) {
		view.all = set;
		view.n = n;
	}
	view.root = v.cgroot;
	nsbox_knob_get_group(one->kind, one->id);	/* tests: evict it now */
	ret = nsbox_group_reply(info, one, &view);
out:
	nsbox_viewer_release(&v);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NSBOX_A_ID],
				    "nsbox: no such group (kind and id)");
	return ret;
}

/**
 * struct nsbox_group_dump - a group dump's state, laid over cb->ctx
 * @snap: the snapshot: the keys of every group (sorted) with their live
 *	sums from one walk of all tasks, kvmalloc'ed by the first dump call
 *	and freed by .done
 * @viewer: who asked, captured in .start (cred.c), freed by .done
 * @n: entries in @snap
 * @pos: next entry of @snap to send: where the dump resumes
 * @kind: the request's KIND, or -1 for every kind (parsed in .start)
 * @charged: nsbox_dumps_quota counts this dump for the viewer's euid
 *
 * One walk per dump, not one per message buffer: with 10,000 tasks that
 * is the difference between milliseconds and seconds.  Later calls resume
 * at @pos; groups evicted meanwhile are skipped, groups created meanwhile
 * make the generation differ (NLM_F_DUMP_INTR).
 */
struct nsbox_group_dump {
	struct nsbox_live *snap;
	struct nsbox_viewer *viewer;
	unsigned int n;
	unsigned int pos;
	int kind;
	bool charged;
};

static struct nsbox_group_dump *nsbox_group_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nsbox_group_dump) > sizeof(cb->ctx));
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
	struct nlattr *attrs[NSBOX_A_ID + 1];
	int ret;

	ret = nsbox_dump_parse(cb, attrs);
	if (ret)
		return ret;
	ctx->kind = attrs[NSBOX_A_KIND] ? nla_get_u8(attrs[NSBOX_A_KIND]) : -1;
	ctx->viewer = nsbox_dump_viewer(cb);
	if (!ctx->viewer)
		return -ENOMEM;
	return 0;
}

/* The first call: charge the caller and take the snapshot. */
static int nsbox_group_dump_snap(struct netlink_callback *cb,
				 struct nsbox_group_dump *ctx)
{
	struct nsbox_viewer *v = ctx->viewer;
	int ret;

	/* the snapshot stays until the socket reads it all or closes */
	if (!v->admin) {
		ret = nsbox_quota_charge(&nsbox_dumps_quota, v->cred->euid, cb->extack);
		if (ret)
			return ret;
		ctx->charged = true;
	}
	ctx->snap = nsbox_groups_snapshot(ctx->kind, &ctx->n);
	if (!ctx->snap)
		return -ENOMEM;
	nsbox_walk_live(ctx->snap, ctx->n, NULL, v->admin ? NULL : v);
	return 0;
}

static int nsbox_nl_dump_groups(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nsbox_group_dump *ctx = nsbox_group_dump_ctx(cb);
	struct nsbox_view view = { .root = ctx->viewer->cgroot };
	char *pathbuf;
	int sent, ret;

	if (!ctx->snap) {
		ret = nsbox_group_dump_snap(cb, ctx);
		if (ret)
			return ret;
	}
	cb->seq = nsbox_groups_gen() + 1;
	if (ctx->pos >= ctx->n)
		return 0;	/* done */

	if (!ctx->viewer->admin) {
		view.all = ctx->snap;
		view.n = ctx->n;
	}
	pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	sent = nsbox_emit_groups(skb, cb, NULL, ctx->snap + ctx->pos, ctx->n - ctx->pos,
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

	kvfree(ctx->snap);
	if (ctx->charged)
		nsbox_quota_uncharge(&nsbox_dumps_quota, ctx->viewer->cred->euid);
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
	return ctx->viewer ? 0 : -ENOMEM;
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
	int sent = 0, ret = 0;
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

static int nsbox_nl_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct nsbox_live *batch, one = { };
	unsigned int n, i;
	int ret = 0;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	if (!!info->attrs[NSBOX_A_KIND] != !!info->attrs[NSBOX_A_ID]) {
		NL_SET_ERR_MSG(info->extack, "nsbox: give both KIND and ID, or neither");
		return -EINVAL;
	}
	if (info->attrs[NSBOX_A_KIND]) {
		one.kind = nla_get_u8(info->attrs[NSBOX_A_KIND]);
		one.id = nla_get_u64(info->attrs[NSBOX_A_ID]);
		batch = &one;
		n = 1;
	} else {
		batch = nsbox_groups_snapshot(-1, &n);
		if (!batch)
			return -ENOMEM;
	}
	nsbox_walk_live(batch, n, NULL, NULL);
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct nsbox_group *g = nsbox_group_find(batch[i].kind, batch[i].id);

		if (g)
			nsbox_group_reset(g, batch[i].acc);
		else if (batch == &one)
			ret = -ENOENT;
	}
	rcu_read_unlock();
	if (batch != &one)
		kvfree(batch);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NSBOX_A_ID],
				    "nsbox: no such group (kind and id)");
	return ret;
}

/*
 * One failed VERIFY check: @l is the group as the walk found it; @field
 * is 0 for a check of several fields.
 */
static int nsbox_put_mismatch(struct sk_buff *skb, const struct nsbox_live *l,
			      const struct nsbox_group *g, u8 check, u16 field,
			      s64 have, s64 want)
{
	struct nlattr *nest = nla_nest_start(skb, NSBOX_A_MISMATCH);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NSBOX_GROUP_A_KIND, l->kind) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_ID, l->id, NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_PROCS,
			      nsbox_nonneg(atomic_read(&g->procs)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_THREADS,
			      nsbox_nonneg(atomic_read(&g->threads)), NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_WALK_PROCS, l->walk_procs,
			      NSBOX_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, NSBOX_GROUP_A_WALK_THREADS, l->walk_threads,
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

struct nsbox_verify {
	struct sk_buff *msg;
	u64 mismatches;
	bool full;
};

static void nsbox_verify_check(struct nsbox_verify *vr, const struct nsbox_live *l,
			       const struct nsbox_group *g, u8 check, u16 field,
			       s64 have, s64 want)
{
	if (have == want || (check == NSBOX_VERIFY_NEGATIVE && have >= 0))
		return;
	vr->mismatches++;
	if (!vr->full && nsbox_put_mismatch(vr->msg, l, g, check, field, have, want))
		vr->full = true;
}

/*
 * The checks of one group (enum nsbox_verify_check): the live counts
 * against the walk, the event counters' balance against the walk, and
 * every cumulative total against 0.  Caller holds rcu_read_lock().
 */
static void nsbox_verify_group(struct nsbox_verify *vr, const struct nsbox_live *l,
			       const struct nsbox_group *g)
{
	s64 flow;
	int i;

	nsbox_verify_check(vr, l, g, NSBOX_VERIFY_PROCS, NSBOX_GROUP_A_PROCS,
			   atomic_read(&g->procs), l->walk_procs);
	nsbox_verify_check(vr, l, g, NSBOX_VERIFY_THREADS, NSBOX_GROUP_A_THREADS,
			   atomic_read(&g->threads), l->walk_threads);
	flow = atomic_read(&g->found) +
	       atomic64_read(&g->cnt[NSBOX_CNT_FORKS]) +
	       atomic64_read(&g->cnt[NSBOX_CNT_MOVED_IN]) -
	       atomic64_read(&g->cnt[NSBOX_CNT_EXITS]) -
	       atomic64_read(&g->cnt[NSBOX_CNT_MOVED_OUT]);
	nsbox_verify_check(vr, l, g, NSBOX_VERIFY_FLOW, 0, flow, l->walk_threads);
	for (i = 0; i < NSBOX_NR_ACC; i++)
		nsbox_verify_check(vr, l, g, NSBOX_VERIFY_NEGATIVE, nsbox_acc_attr[i],
				   atomic64_read(&g->acc[i]) + l->acc[i], 0);
}

static int nsbox_nl_verify(struct sk_buff *skb, struct genl_info *info)
{
	struct nsbox_verify vr = { };
	u64 tasks = 0, missing;
	struct nsbox_live *batch;
	unsigned int n, i;
	void *hdr;

	if (!nsbox_admin(skb, info))
		return -EPERM;
	batch = nsbox_groups_snapshot(-1, &n);
	if (!batch)
		return -ENOMEM;
	missing = nsbox_walk_live(batch, n, &tasks, NULL);

	vr.msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!vr.msg) {
		kvfree(batch);
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(vr.msg, info, &nsbox_family, 0, NSBOX_CMD_VERIFY);
	if (!hdr) {
		kvfree(batch);
		goto toobig;
	}
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct nsbox_group *g = nsbox_group_find(batch[i].kind, batch[i].id);

		if (g && !nsbox_group_dead(g))
			nsbox_verify_group(&vr, &batch[i], g);
	}
	rcu_read_unlock();
	kvfree(batch);
	if (nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_TASKS, tasks, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_GROUPS, n, NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_MISMATCHES, vr.mismatches,
			      NSBOX_A_PAD) ||
	    nla_put_u64_64bit(vr.msg, NSBOX_A_VERIFY_MISSING, missing, NSBOX_A_PAD))
		goto toobig;
	genlmsg_end(vr.msg, hdr);
	return genlmsg_reply(vr.msg, info);
toobig:
	nlmsg_free(vr.msg);
	return -EMSGSIZE;
}

/* ---- ADOPT (admin): namespaces that no task is in -------------------------- */

static const struct nla_policy nsbox_adopt_policy[NSBOX_A_NS_FD + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
	[NSBOX_A_NS_FD] = { .type = NLA_U32 },
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
		.policy = nsbox_select_policy,
		.maxattr = ARRAY_SIZE(nsbox_select_policy) - 1,
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
