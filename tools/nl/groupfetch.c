// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - fetching groups (see groupfetch.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "err.h"
#include "groupfetch.h"
#include "info.h"
#include "util.h"

/*
 * Attributes read inline: a dump is some 2,000 nests of a dozen
 * attributes, and libnl's nla_ok(), nla_next(), nla_type(), nla_len()
 * and nla_data() are a call each (about a third of the parse).  The same
 * checks as nla_ok(): a whole header, a length within what is left.
 */
#define A_TYPE(a)	((int)((a)->nla_type & NLA_TYPE_MASK))
#define A_LEN(a)	((int)(a)->nla_len - NLA_HDRLEN)
#define A_DATA(a)	((const void *)((const char *)(a) + NLA_HDRLEN))
#define A_OK(a, rem)	((rem) >= (int)sizeof(struct nlattr) && \
			 (a)->nla_len >= sizeof(struct nlattr) && (a)->nla_len <= (rem))
#define A_NEXT(a, rem)	((rem) -= NLA_ALIGN((a)->nla_len), \
			 (const struct nlattr *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))
#define A_FOR_EACH(a, head, len, rem) \
	for ((a) = (head), (rem) = (len); A_OK(a, rem); (a) = A_NEXT(a, rem))

/* The packed values (ABI 9): element i is attribute FIRST_SEEN + i. */
#define VAL_FIRST NSBOX_GROUP_A_FIRST_SEEN
#define VAL_LAST NSBOX_GROUP_A_LOAD15

static void unpack_values(const struct nlattr *a, struct group_row *row)
{
	size_t n = (size_t)A_LEN(a) / sizeof(uint64_t);
	const char *p = A_DATA(a);

	if (n > VAL_LAST - VAL_FIRST + 1)
		n = VAL_LAST - VAL_FIRST + 1;	/* a newer module's: not ours */
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, p + i * sizeof(v), sizeof(v));
		if (v == UINT64_MAX)
			continue;	/* not given (no live value) */
		row->v[VAL_FIRST + i] = v;
		row->has[VAL_FIRST + i] = 1;
	}
}

/* One pass over the nest's attributes: no table of pointers. */
static void parse_group(const struct nlattr *nest, struct group_row *row)
{
	const struct nlattr *a;
	int rem;

	A_FOR_EACH(a, (const struct nlattr *)A_DATA(nest), A_LEN(nest), rem) {
		int t = A_TYPE(a), len = A_LEN(a);

		if (t <= NSBOX_GROUP_A_PAD || t > NSBOX_GROUP_A_MAX)
			continue;
		switch (t) {
		case NSBOX_GROUP_A_PATH: {
			size_t n = strnlen(A_DATA(a), (size_t)len);

			if (n >= sizeof(row->path))
				n = sizeof(row->path) - 1;
			memcpy(row->path, A_DATA(a), n);
			row->path[n] = '\0';
			row->path_len = (unsigned short)n;
			row->has[t] = 1;
			break;
		}
		case NSBOX_GROUP_A_KIND:
		case NSBOX_GROUP_A_STATE:
			if (len >= 1) {
				row->v[t] = *(const uint8_t *)A_DATA(a);
				row->has[t] = 1;
			}
			break;
		case NSBOX_GROUP_A_VALUES:
			unpack_values(a, row);
			break;
		default:
			if (len == 8) {
				memcpy(&row->v[t], A_DATA(a), 8);
				row->has[t] = 1;
			}
		}
	}
}

int nsbox_group_parse_hdr(const struct nlmsghdr *nlh, struct group_row *row)
{
	const struct nlattr *a;
	int rem;

	memset(row->v, 0, sizeof(row->v));
	memset(row->has, 0, sizeof(row->has));
	row->path[0] = '\0';
	row->path_len = 0;
	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return -EINVAL;
	A_FOR_EACH(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
		   genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (A_TYPE(a) == NSBOX_A_GROUP) {
			parse_group(a, row);
			return 0;
		}
	}
	return -ENOENT;
}

int nsbox_group_parse(struct nl_msg *msg, struct group_row *row)
{
	return nsbox_group_parse_hdr(nlmsg_hdr(msg), row);
}

const struct group_row *nsbox_group_row_find(const struct group_row *rows, size_t n,
					     int kind, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if ((int)rows[i].v[NSBOX_GROUP_A_KIND] == kind && rows[i].v[NSBOX_GROUP_A_ID] == id)
			return &rows[i];
	return NULL;
}

int64_t nsbox_group_live_age(const struct group_row *row, uint64_t now)
{
	uint64_t t = row->v[NSBOX_GROUP_A_LIVE_TIME];

	if (!row->has[NSBOX_GROUP_A_LIVE_TIME])
		return -1;
	return now > t ? (int64_t)(now - t) : 0;
}

struct each_ctx {
	group_row_fn fn;
	void *arg;
	unsigned int filter;	/* kinds to keep, when the module could not filter */
	struct group_row row;
};

/* Every group of a message: one, or many (NSBOX_DUMP_BATCH). */
static int on_group(const struct nlmsghdr *nlh, void *arg)
{
	struct each_ctx *c = arg;
	const struct nlattr *a;
	int rem, ret;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return 0;
	A_FOR_EACH(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
		   genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (A_TYPE(a) != NSBOX_A_GROUP)
			continue;
		memset(c->row.v, 0, sizeof(c->row.v));
		memset(c->row.has, 0, sizeof(c->row.has));
		c->row.path[0] = '\0';
		c->row.path_len = 0;
		parse_group(a, &c->row);
		if (c->filter && (c->row.v[NSBOX_GROUP_A_KIND] >= 32 ||
				  !(c->filter & (1u << c->row.v[NSBOX_GROUP_A_KIND]))))
			continue;
		ret = c->fn(&c->row, c->arg);
		if (ret)
			return ret;
	}
	return 0;
}

bool nsbox_groups_snapshot(struct nsbox_nl *nl)
{
	return nsbox_nl_abi(nl) >= 9;
}

int nsbox_groups_each(struct nsbox_nl *nl, const struct group_query *q,
		      group_row_fn fn, void (*restart)(void *arg), void *arg)
{
	struct each_ctx *c _cleanup_free_ = malloc(sizeof(*c));
	unsigned int kinds = q->kinds, flags = q->flags;
	struct nsbox_nl_error e;
	bool v9, v10, snapshot = false;
	int tries = 0, ret;

	if (!c)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	c->fn = fn;
	c->arg = arg;
	c->filter = 0;
	if (q->kind >= 0 && kinds)
		kinds &= 1u << q->kind;
	/* the new attributes only to a module that knows them */
	v9 = (kinds || q->max_age_ms >= 0 || q->flags) && nsbox_nl_abi(nl) >= 9;
	v10 = q->fields && nsbox_nl_abi(nl) >= 10;
	if (kinds && !v9) {
		/* an old module: one kind it filters, several we do */
		c->filter = kinds;
		if (q->kind < 0 && !(kinds & (kinds - 1)))
			c->filter = 0;
	}
	/* a dump of many: as many groups in a message as fit */
	if (v9 && q->flags && !q->id)
		flags |= NSBOX_DUMP_BATCH;
	do {
		struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
			nsbox_nl_msg(nl, NSBOX_CMD_GET_GROUP, q->id ? 0 : NLM_F_DUMP);
		int kind = q->kind;

		/* an old module and one kind in the mask: its NSBOX_A_KIND */
		if (!v9 && kind < 0 && kinds && !(kinds & (kinds - 1)))
			kind = __builtin_ctz(kinds);
		if (tries && restart)
			restart(arg);
		if (!msg || (kind >= 0 && nla_put_u8(msg, NSBOX_A_KIND, (uint8_t)kind) < 0) ||
		    (q->id && nla_put_u64(msg, NSBOX_A_ID, *q->id) < 0) ||
		    (v9 && kinds && !q->id && nla_put_u32(msg, NSBOX_A_KINDS, kinds) < 0) ||
		    (v9 && flags && nla_put_u32(msg, NSBOX_A_DUMP_FLAGS, flags) < 0) ||
		    (v9 && q->max_age_ms >= 0 &&
		     nla_put_u32(msg, NSBOX_A_LIVE_MAX_AGE_MS, (uint32_t)q->max_age_ms) < 0) ||
		    (v10 && nla_put_u64(msg, NSBOX_A_DUMP_FIELDS, q->fields) < 0))
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		ret = nsbox_nl_request_hdr(nl, msg, on_group, c, &e);
		if (ret < 0) {
			if (e.err == -ENOMEM && !e.msg[0])
				nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
			return nsbox_nl_report("GET_GROUP", &e);
		}
		/* (asked only then: it may take a GET_INFO) */
		if (e.dump_intr)
			snapshot = nsbox_groups_snapshot(nl);
	} while (e.dump_intr && !snapshot && ++tries < 5);
	if (e.dump_intr && !snapshot)
		nsbox_err("warning: groups kept changing during the dump; the list may be incomplete");
	return NSBOX_EXIT_OK;
}

struct group_list {
	struct group_row *rows;
	size_t n, cap;
};

static int add_row(const struct group_row *row, void *arg)
{
	struct group_list *l = arg;

	if (nsbox_grow(&l->rows, &l->cap, l->n, sizeof(*l->rows), 64))
		return -ENOMEM;
	l->rows[l->n++] = *row;
	return 0;
}

static void drop_rows(void *arg)
{
	((struct group_list *)arg)->n = 0;
}

int fetch_groups_q(struct nsbox_nl *nl, const struct group_query *q,
		   struct group_row **rows, size_t *n)
{
	struct group_list l = { 0 };
	int ret = nsbox_groups_each(nl, q, add_row, drop_rows, &l);

	if (ret) {
		free(l.rows);
		return ret;
	}
	*rows = l.rows;
	*n = l.n;
	return NSBOX_EXIT_OK;
}

int fetch_groups(struct nsbox_nl *nl, int kind, const uint64_t *id,
		 struct group_row **rows, size_t *n)
{
	struct group_query q = GROUP_QUERY_ALL;

	q.kind = kind;
	q.id = id;
	return fetch_groups_q(nl, &q, rows, n);
}
