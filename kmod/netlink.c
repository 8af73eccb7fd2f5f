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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "nsbox.h"
#include "compat.h"

static const struct nla_policy nsbox_info_policy[NSBOX_A_ABI_VERSION + 1] = {
	[NSBOX_A_ABI_VERSION] = NLA_POLICY_MIN(NLA_U32, 1),
};

static struct genl_family nsbox_family;

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
			      NSBOX_HOOK_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nsbox_fill_info(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *hooks;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put_reply(skb, info, &nsbox_family, 0, NSBOX_CMD_GET_INFO);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_string(skb, NSBOX_A_VERSION, NSBOX_VERSION) ||
	    nla_put_u32(skb, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) ||
	    nla_put_string(skb, NSBOX_A_KERNEL_RELEASE, init_utsname()->release))
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

static const struct genl_ops nsbox_ops[] = {
	{
		.cmd = NSBOX_CMD_GET_INFO,
		.doit = nsbox_nl_get_info,
		.policy = nsbox_info_policy,
		.maxattr = ARRAY_SIZE(nsbox_info_policy) - 1,
	},
};

static const struct genl_multicast_group nsbox_mcgrps[] = {
	{ .name = NSBOX_MCGRP_EVENTS, },
};

static struct genl_family nsbox_family __ro_after_init = {
	.name = NSBOX_GENL_NAME,
	.version = NSBOX_GENL_VERSION,
	.netnsok = true,
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
