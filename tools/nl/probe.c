// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - the module's probes over netlink (see probe.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "genl.h"
#include "probe.h"
#include "util.h"

/* What the tool reads, and how long each is. */
static struct nla_policy probe_policy[NSBOX_PROBE_A_MAX + 1] = {
	[NSBOX_PROBE_A_NAME] = { .type = NLA_STRING },
	[NSBOX_PROBE_A_SYMBOL] = { .type = NLA_STRING },
	[NSBOX_PROBE_A_RET] = { .type = NLA_U8 },
	[NSBOX_PROBE_A_SUM_ARG] = { .type = NLA_U8 },
	[NSBOX_PROBE_A_HITS] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_MISSES] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_NMISSED] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_MAXACTIVE] = { .type = NLA_U32 },
	[NSBOX_PROBE_A_FTRACE] = { .type = NLA_U8 },
	[NSBOX_PROBE_A_GROUPS] = { .type = NLA_U32 },
	[NSBOX_PROBE_A_BYTES] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_KIND] = { .type = NLA_U8 },
	[NSBOX_PROBE_A_ID] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_CALLS] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_SUM] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_NS_TOTAL] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_NS_MIN] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_NS_MAX] = { .type = NLA_U64 },
	[NSBOX_PROBE_A_HIST] = { .minlen = sizeof(uint64_t) * NSBOX_PROBE_HIST_BUCKETS },
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static int nested(struct nl_msg *msg, int type, struct nlattr **tb)
{
	struct nlattr *top[NSBOX_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	if (!top[type])
		return -ENOENT;
	if (nla_parse_nested(tb, NSBOX_PROBE_A_MAX, top[type], probe_policy) < 0)
		return -EINVAL;
	return 0;
}

int nsbox_probe_parse(struct nl_msg *msg, struct nsbox_probe_info *p)
{
	struct nlattr *tb[NSBOX_PROBE_A_MAX + 1];
	int ret = nested(msg, NSBOX_A_PROBE, tb);

	memset(p, 0, sizeof(*p));
	if (ret)
		return ret;
	if (tb[NSBOX_PROBE_A_NAME])
		nla_strlcpy(p->name, tb[NSBOX_PROBE_A_NAME], sizeof(p->name));
	if (tb[NSBOX_PROBE_A_SYMBOL])
		nla_strlcpy(p->symbol, tb[NSBOX_PROBE_A_SYMBOL], sizeof(p->symbol));
	p->ret = tb[NSBOX_PROBE_A_RET] ? nla_get_u8(tb[NSBOX_PROBE_A_RET]) : 0;
	p->sum_arg = tb[NSBOX_PROBE_A_SUM_ARG] ? nla_get_u8(tb[NSBOX_PROBE_A_SUM_ARG]) : 0;
	p->ftrace = tb[NSBOX_PROBE_A_FTRACE] ? nla_get_u8(tb[NSBOX_PROBE_A_FTRACE]) : 0;
	p->maxactive = tb[NSBOX_PROBE_A_MAXACTIVE] ? nla_get_u32(tb[NSBOX_PROBE_A_MAXACTIVE]) : 0;
	p->groups = tb[NSBOX_PROBE_A_GROUPS] ? nla_get_u32(tb[NSBOX_PROBE_A_GROUPS]) : 0;
	p->hits = u64_or_0(tb[NSBOX_PROBE_A_HITS]);
	p->misses = u64_or_0(tb[NSBOX_PROBE_A_MISSES]);
	p->nmissed = u64_or_0(tb[NSBOX_PROBE_A_NMISSED]);
	p->bytes = u64_or_0(tb[NSBOX_PROBE_A_BYTES]);
	return 0;
}

int nsbox_probe_stat_parse(struct nl_msg *msg, struct nsbox_probe_stat *s)
{
	struct nlattr *tb[NSBOX_PROBE_A_MAX + 1];
	int ret = nested(msg, NSBOX_A_PROBE_STAT, tb);

	memset(s, 0, sizeof(*s));
	if (ret)
		return ret;
	if (!tb[NSBOX_PROBE_A_KIND] || !tb[NSBOX_PROBE_A_ID])
		return -EINVAL;
	s->kind = nla_get_u8(tb[NSBOX_PROBE_A_KIND]);
	s->id = nla_get_u64(tb[NSBOX_PROBE_A_ID]);
	s->calls = u64_or_0(tb[NSBOX_PROBE_A_CALLS]);
	s->sum = u64_or_0(tb[NSBOX_PROBE_A_SUM]);
	if (tb[NSBOX_PROBE_A_HIST]) {
		s->has_time = 1;
		s->ns_total = u64_or_0(tb[NSBOX_PROBE_A_NS_TOTAL]);
		s->ns_min = u64_or_0(tb[NSBOX_PROBE_A_NS_MIN]);
		s->ns_max = u64_or_0(tb[NSBOX_PROBE_A_NS_MAX]);
		memcpy(s->hist, nla_data(tb[NSBOX_PROBE_A_HIST]), sizeof(s->hist));
	}
	return 0;
}

const struct nsbox_probe_stat *nsbox_probe_stat_find(const struct nsbox_probe_stat *v, size_t n,
						     int kind, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == kind && v[i].id == id)
			return &v[i];
	return NULL;
}

/* A request with NSBOX_A_PROBE { NAME [SYMBOL RET SUM_ARG] }. */
static struct nl_msg *probe_msg(struct nsbox_nl *nl, uint8_t cmd, int flags, const char *name,
				const char *symbol, int ret, int sum_arg)
{
	struct nl_msg *msg = nsbox_nl_msg(nl, cmd, flags);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) < 0)
		goto fail;
	if (!name)
		return msg;
	nest = nla_nest_start(msg, NSBOX_A_PROBE);
	if (!nest || nla_put_string(msg, NSBOX_PROBE_A_NAME, name) < 0 ||
	    (symbol && nla_put_string(msg, NSBOX_PROBE_A_SYMBOL, symbol) < 0) ||
	    (ret && nla_put_u8(msg, NSBOX_PROBE_A_RET, 1) < 0) ||
	    (sum_arg && nla_put_u8(msg, NSBOX_PROBE_A_SUM_ARG, (uint8_t)sum_arg) < 0))
		goto fail;
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

static int nomem(struct nsbox_nl_error *e)
{
	memset(e, 0, sizeof(*e));
	e->err = -ENOMEM;
	return -ENOMEM;
}

static int on_one(struct nl_msg *msg, void *arg)
{
	nsbox_probe_parse(msg, arg);
	return 0;
}

int nsbox_probe_add(struct nsbox_nl *nl, const char *name, const char *symbol, int ret,
		    int sum_arg, struct nsbox_probe_info *out, struct nsbox_nl_error *e)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
		probe_msg(nl, NSBOX_CMD_PROBE_ADD, 0, name, symbol, ret, sum_arg);

	memset(out, 0, sizeof(*out));
	if (!msg)
		return nomem(e);
	return nsbox_nl_request(nl, msg, on_one, out, e);
}

int nsbox_probe_get(struct nsbox_nl *nl, const char *name, struct nsbox_probe_info *out,
		    struct nsbox_nl_error *e)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
		probe_msg(nl, NSBOX_CMD_PROBE_GET, 0, name, NULL, 0, 0);

	memset(out, 0, sizeof(*out));
	if (!msg)
		return nomem(e);
	return nsbox_nl_request(nl, msg, on_one, out, e);
}

static int on_none(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;
}

int nsbox_probe_del(struct nsbox_nl *nl, const char *name, struct nsbox_nl_error *e)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
		probe_msg(nl, NSBOX_CMD_PROBE_DEL, 0, name, NULL, 0, 0);

	if (!msg || (!name && nla_put_flag(msg, NSBOX_A_PROBE_ALL) < 0))
		return nomem(e);
	return nsbox_nl_request(nl, msg, on_none, NULL, e);
}

struct probe_vec {
	void *v;
	size_t n, cap, size;
	int (*parse)(struct nl_msg *, void *);
};

static int on_many(struct nl_msg *msg, void *arg)
{
	struct probe_vec *pv = arg;

	if (nsbox_grow(&pv->v, &pv->cap, pv->n, pv->size, 16))
		return -ENOMEM;
	if (pv->parse(msg, (char *)pv->v + pv->n * pv->size) == 0)
		pv->n++;
	return 0;
}

static int parse_info(struct nl_msg *msg, void *p)
{
	return nsbox_probe_parse(msg, p);
}

static int parse_stat(struct nl_msg *msg, void *s)
{
	return nsbox_probe_stat_parse(msg, s);
}

static int dump(struct nsbox_nl *nl, uint8_t cmd, const char *name, struct probe_vec *pv,
		struct nsbox_nl_error *e)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
		probe_msg(nl, cmd, NLM_F_DUMP, name, NULL, 0, 0);
	int ret;

	if (!msg)
		return nomem(e);
	ret = nsbox_nl_request(nl, msg, on_many, pv, e);
	if (ret) {
		free(pv->v);
		pv->v = NULL;
		pv->n = 0;
	}
	return ret;
}

int nsbox_probe_list(struct nsbox_nl *nl, struct nsbox_probe_info **v, size_t *n,
		     struct nsbox_nl_error *e)
{
	struct probe_vec pv = { .size = sizeof(**v), .parse = parse_info };
	int ret = dump(nl, NSBOX_CMD_PROBE_GET, NULL, &pv, e);

	*v = pv.v;
	*n = pv.n;
	return ret;
}

int nsbox_probe_stats(struct nsbox_nl *nl, const char *name, struct nsbox_probe_stat **v,
		      size_t *n, struct nsbox_nl_error *e)
{
	struct probe_vec pv = { .size = sizeof(**v), .parse = parse_stat };
	int ret = dump(nl, NSBOX_CMD_PROBE_STATS, name, &pv, e);

	*v = pv.v;
	*n = pv.n;
	return ret;
}
