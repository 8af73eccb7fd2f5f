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
	if (tb[NSBOX_A_GROUPS])
		info->groups = nla_get_u64(tb[NSBOX_A_GROUPS]);
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

	memset(info, 0, sizeof(*info));
	msg = nsbox_nl_msg(nl, NSBOX_CMD_GET_INFO, 0);
	if (!msg || nla_put_u32(msg, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) < 0) {
		memset(e, 0, sizeof(*e));
		e->err = -ENOMEM;
		return -ENOMEM;
	}
	return nsbox_nl_request(nl, msg, on_info, info, e);
}
