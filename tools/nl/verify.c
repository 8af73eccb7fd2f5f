// SPDX-License-Identifier: GPL-2.0
/* VERIFY's reply, decoded (see verify.h). */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "util.h"
#include "verify.h"

static uint64_t get_u64(const struct nlattr *a)
{
	return a && nla_len(a) == 8 ? nla_get_u64((struct nlattr *)a) : 0;
}

static void parse_mismatch(struct nlattr **g, struct nsbox_verify_mismatch *m)
{
	m->kind = g[NSBOX_GROUP_A_KIND] ? nla_get_u8(g[NSBOX_GROUP_A_KIND]) : -1;
	m->id = get_u64(g[NSBOX_GROUP_A_ID]);
	m->check = g[NSBOX_GROUP_A_VERIFY_CHECK] ? nla_get_u8(g[NSBOX_GROUP_A_VERIFY_CHECK])
						 : NSBOX_VERIFY_THREADS;
	m->field = g[NSBOX_GROUP_A_VERIFY_FIELD] ? nla_get_u16(g[NSBOX_GROUP_A_VERIFY_FIELD])
		 : g[NSBOX_GROUP_A_VERIFY_CHECK] ? -1 : NSBOX_GROUP_A_THREADS;
	m->procs = get_u64(g[NSBOX_GROUP_A_PROCS]);
	m->threads = get_u64(g[NSBOX_GROUP_A_THREADS]);
	m->walk_procs = get_u64(g[NSBOX_GROUP_A_WALK_PROCS]);
	m->walk_threads = get_u64(g[NSBOX_GROUP_A_WALK_THREADS]);
	m->have = g[NSBOX_GROUP_A_VERIFY_HAVE] ? (int64_t)get_u64(g[NSBOX_GROUP_A_VERIFY_HAVE])
					       : (int64_t)m->threads;
	m->want = g[NSBOX_GROUP_A_VERIFY_WANT] ? (int64_t)get_u64(g[NSBOX_GROUP_A_VERIFY_WANT])
					       : (int64_t)m->walk_threads;
}

int nsbox_verify_parse(struct nl_msg *msg, struct nsbox_verify *r)
{
	struct nlattr *tb[NSBOX_A_MAX + 1], *pos;
	struct genlmsghdr *gh;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	gh = nlmsg_data(nlmsg_hdr(msg));
	r->tasks = get_u64(tb[NSBOX_A_VERIFY_TASKS]);
	r->groups = get_u64(tb[NSBOX_A_VERIFY_GROUPS]);
	r->mismatches = get_u64(tb[NSBOX_A_VERIFY_MISMATCHES]);
	r->missing = get_u64(tb[NSBOX_A_VERIFY_MISSING]);
	r->unsettled = get_u64(tb[NSBOX_A_VERIFY_UNSETTLED]);
	if (tb[NSBOX_A_VERIFY_ROUNDS] && nla_len(tb[NSBOX_A_VERIFY_ROUNDS]) >= 4) {
		r->has_rounds = true;
		r->rounds = nla_get_u32(tb[NSBOX_A_VERIFY_ROUNDS]);
	}
	nla_for_each_attr(pos, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		struct nlattr *g[NSBOX_GROUP_A_MAX + 1];

		if (nla_type(pos) != NSBOX_A_MISMATCH ||
		    nla_parse_nested(g, NSBOX_GROUP_A_MAX, pos, NULL) < 0)
			continue;
		if (nsbox_grow(&r->m, &r->cap, r->n, sizeof(*r->m), 16))
			return -ENOMEM;
		parse_mismatch(g, &r->m[r->n++]);
	}
	return 0;
}
