// SPDX-License-Identifier: GPL-2.0
/*
 * GET_INFO, decoded: what the loaded module says about itself (version,
 * ABI, kernel, table sizes, and every hook with its counters).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "genl.h"
#include "info.h"

const char *nsbox_hook_kind_name(int kind)
{
	switch (kind) {
	case NSBOX_HOOK_KPROBE: return "kprobe";
	case NSBOX_HOOK_KRETPROBE: return "kretprobe";
	case NSBOX_HOOK_TRACEPOINT: return "tracepoint";
	default: return "unknown";
	}
}

/* Why a hook is not attached, as nsbox info says it. */
const char *nsbox_hook_status_name(const struct nsbox_hook_info *h)
{
	switch (h->status) {
	case NSBOX_HOOK_ATTACHED: return "attached";
	case NSBOX_HOOK_NO_SYMBOL: return "no such function or tracepoint";
	case NSBOX_HOOK_REFUSED: return "refused by the kernel";
	case NSBOX_HOOK_SKIPPED: return "skipped (skip_hooks)";
	case NSBOX_HOOK_CLONE_ONLY: return "only a compiler clone (its parameters may differ)";
	default: return h->attached ? "attached" : "not attached";
	}
}

static void parse_hook(struct nlattr *nest, struct nsbox_hook_info *h)
{
	struct nlattr *tb[NSBOX_HOOK_A_MAX + 1];

	memset(h, 0, sizeof(*h));
	h->status = -1;
	snprintf(h->affects, sizeof(h->affects), "what it counts");
	if (nla_parse_nested(tb, NSBOX_HOOK_A_MAX, nest, NULL) < 0)
		return;
	if (tb[NSBOX_HOOK_A_NAME])
		nla_strlcpy(h->name, tb[NSBOX_HOOK_A_NAME], sizeof(h->name));
	if (tb[NSBOX_HOOK_A_SYMBOL])
		nla_strlcpy(h->symbol, tb[NSBOX_HOOK_A_SYMBOL], sizeof(h->symbol));
	if (tb[NSBOX_HOOK_A_KIND])
		h->kind = nla_get_u8(tb[NSBOX_HOOK_A_KIND]);
	if (tb[NSBOX_HOOK_A_ATTACHED])
		h->attached = nla_get_u8(tb[NSBOX_HOOK_A_ATTACHED]);
	if (tb[NSBOX_HOOK_A_HITS])
		h->hits = nla_get_u64(tb[NSBOX_HOOK_A_HITS]);
	if (tb[NSBOX_HOOK_A_MISSES])
		h->misses = nla_get_u64(tb[NSBOX_HOOK_A_MISSES]);
	if (tb[NSBOX_HOOK_A_STATUS])
		h->status = nla_get_u8(tb[NSBOX_HOOK_A_STATUS]);
	if (tb[NSBOX_HOOK_A_AFFECTS])
		nla_strlcpy(h->affects, tb[NSBOX_HOOK_A_AFFECTS], sizeof(h->affects));
}

static void parse_share(const struct nlattr *nest, struct nsbox_share_info *sh)
{
	struct nlattr *tb[NSBOX_SHARE_A_MAX + 1];

	memset(sh, 0, sizeof(*sh));
	if (nla_parse_nested(tb, NSBOX_SHARE_A_MAX, (struct nlattr *)nest, NULL) < 0)
		return;
	if (tb[NSBOX_SHARE_A_UID] && nla_len(tb[NSBOX_SHARE_A_UID]) >= 4)
		sh->uid = nla_get_u32(tb[NSBOX_SHARE_A_UID]);
	if (tb[NSBOX_SHARE_A_GROUPS] && nla_len(tb[NSBOX_SHARE_A_GROUPS]) == 8)
		sh->groups = nla_get_u64(tb[NSBOX_SHARE_A_GROUPS]);
	if (tb[NSBOX_SHARE_A_LIMIT] && nla_len(tb[NSBOX_SHARE_A_LIMIT]) == 8)
		sh->limit = nla_get_u64(tb[NSBOX_SHARE_A_LIMIT]);
	if (tb[NSBOX_SHARE_A_REFUSED]) {
		/* u64 per kind; as many as it holds, the kinds we know */
		size_t n = (size_t)nla_len(tb[NSBOX_SHARE_A_REFUSED]) / sizeof(uint64_t);
		const char *p = nla_data(tb[NSBOX_SHARE_A_REFUSED]);

		for (size_t k = 0; k < n && k < NSBOX_INFO_KINDS; k++) {
			memcpy(&sh->refused[k], p + k * sizeof(uint64_t), sizeof(uint64_t));
			sh->refused_total += sh->refused[k];
		}
	}
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a && nla_len(a) == 8 ? nla_get_u64((struct nlattr *)a) : 0;
}

int nsbox_info_parse(struct nl_msg *msg, struct nsbox_info *info)
{
	struct nlattr *tb[NSBOX_A_MAX + 1];
	struct nlattr *pos;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	if (tb[NSBOX_A_VERSION])
		nla_strlcpy(info->version, tb[NSBOX_A_VERSION], sizeof(info->version));
	if (tb[NSBOX_A_ABI_VERSION])
		info->abi = nla_get_u32(tb[NSBOX_A_ABI_VERSION]);
	if (tb[NSBOX_A_KERNEL_RELEASE])
		nla_strlcpy(info->kernel, tb[NSBOX_A_KERNEL_RELEASE], sizeof(info->kernel));
	if (tb[NSBOX_A_GROUPS]) {
		info->admin = true;
		info->groups = nla_get_u64(tb[NSBOX_A_GROUPS]);
	}
	if (tb[NSBOX_A_MAX_GROUPS])
		info->max_groups = nla_get_u64(tb[NSBOX_A_MAX_GROUPS]);
	if (tb[NSBOX_A_EVICTIONS])
		info->evictions = nla_get_u64(tb[NSBOX_A_EVICTIONS]);
	if (tb[NSBOX_A_ALLOC_FAILURES])
		info->failures = nla_get_u64(tb[NSBOX_A_ALLOC_FAILURES]);
	if (tb[NSBOX_A_MEMORY_BYTES])
		info->memory = nla_get_u64(tb[NSBOX_A_MEMORY_BYTES]);
	if (tb[NSBOX_A_GROUP_BYTES])
		info->group_bytes = nla_get_u32(tb[NSBOX_A_GROUP_BYTES]);
	if (tb[NSBOX_A_LOAD_WALKS])
		info->load_walks = nla_get_u32(tb[NSBOX_A_LOAD_WALKS]);
	if (tb[NSBOX_A_EVENT_SUBSCRIBERS]) {
		info->has_events = true;
		info->subscribers = nla_get_u32(tb[NSBOX_A_EVENT_SUBSCRIBERS]);
	}
	if (tb[NSBOX_A_EVENT_RING_BYTES])
		info->ring_bytes = nla_get_u64(tb[NSBOX_A_EVENT_RING_BYTES]);
	if (tb[NSBOX_A_PROBES_MAX]) {
		info->has_probes = true;
		info->probes_max = nla_get_u32(tb[NSBOX_A_PROBES_MAX]);
	}
	if (tb[NSBOX_A_PROBES])
		info->probes = nla_get_u32(tb[NSBOX_A_PROBES]);
	if (tb[NSBOX_A_PROBE_GROUPS_MAX])
		info->probe_groups_max = nla_get_u32(tb[NSBOX_A_PROBE_GROUPS_MAX]);
	if (tb[NSBOX_A_PROBE_BYTES])
		info->probe_bytes = nla_get_u64(tb[NSBOX_A_PROBE_BYTES]);
	if (tb[NSBOX_A_MAX_USER_GROUPS]) {
		info->has_shares = true;
		info->max_user_groups = nla_get_u32(tb[NSBOX_A_MAX_USER_GROUPS]);
	}
	if (tb[NSBOX_A_MAX_UNPRIV_GROUPS])
		info->max_unpriv_groups = nla_get_u32(tb[NSBOX_A_MAX_UNPRIV_GROUPS]);
	if (tb[NSBOX_A_ADOPTED]) {
		info->has_adopted = true;
		info->adopted = nla_get_u8(tb[NSBOX_A_ADOPTED]) != 0;
	}
	info->live_walks = get_u64(tb[NSBOX_A_LIVE_WALKS]);
	info->live_time_ns = get_u64(tb[NSBOX_A_LIVE_TIME_NS]);
	info->unpriv_groups = get_u64(tb[NSBOX_A_UNPRIV_GROUPS]);
	{
		/* the shares are top-level attributes, one each */
		struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

		nla_for_each_attr(pos, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
			if (nla_type(pos) != NSBOX_A_SHARE)
				continue;
			if (info->n_shares >= NSBOX_INFO_MAX_SHARES) {
				info->shares_dropped++;
				continue;
			}
			parse_share(pos, &info->shares[info->n_shares++]);
		}
	}
	if (tb[NSBOX_A_HOOKS]) {
		nla_for_each_nested(pos, tb[NSBOX_A_HOOKS], rem) {
			if (nla_type(pos) != NSBOX_A_HOOK || info->n_hooks >= NSBOX_INFO_MAX_HOOKS)
				continue;
			parse_hook(pos, &info->hooks[info->n_hooks++]);
		}
	}
	return 0;
}

static int on_info(struct nl_msg *msg, void *arg)
{
	return nsbox_info_parse(msg, arg);
}

int nsbox_fetch_info(struct nsbox_nl *nl, struct nsbox_info *info, struct nsbox_nl_error *e)
{
	struct nl_msg *msg __attribute__((cleanup(nsbox_nl_msg_freep))) = NULL;
	int ret;

	memset(info, 0, sizeof(*info));
	msg = nsbox_nl_msg(nl, NSBOX_CMD_GET_INFO, 0);
	if (!msg || nla_put_u32(msg, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) < 0) {
		memset(e, 0, sizeof(*e));
		e->err = -ENOMEM;
		return -ENOMEM;
	}
	ret = nsbox_nl_request(nl, msg, on_info, info, e);
	if (!ret)
		nl->abi = info->abi;
	return ret;
}

unsigned int nsbox_nl_abi(struct nsbox_nl *nl)
{
	struct nsbox_info *info;
	struct nsbox_nl_error e;

	if (nl->abi)
		return nl->abi;
	info = malloc(sizeof(*info));
	if (info)
		nsbox_fetch_info(nl, info, &e);
	free(info);
	return nl->abi;
}

uint64_t nsbox_info_refused(const struct nsbox_info *info)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < info->n_shares; i++)
		n += info->shares[i].refused_total;
	return n;
}
