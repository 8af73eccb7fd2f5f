// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - fetching groups (see groupfetch.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "err.h"
#include "groupfetch.h"
#include "util.h"

struct group_list {
	struct group_row *rows;
	size_t n, cap;
};

static int parse_group(struct nlattr *nest, struct group_row *row)
{
	struct nlattr *tb[NSBOX_GROUP_A_MAX + 1];

	memset(row, 0, sizeof(*row));
	if (nla_parse_nested(tb, NSBOX_GROUP_A_MAX, nest, NULL) < 0)
		return -EINVAL;
	for (int a = NSBOX_GROUP_A_KIND; a <= NSBOX_GROUP_A_MAX; a++) {
		if (!tb[a])
			continue;
		row->has[a] = 1;
		if (a == NSBOX_GROUP_A_PATH)
			nla_strlcpy(row->path, tb[a], sizeof(row->path));
		else if (a == NSBOX_GROUP_A_KIND || a == NSBOX_GROUP_A_STATE)
			row->v[a] = nla_get_u8(tb[a]);
		else if (nla_len(tb[a]) == 8)
			row->v[a] = nla_get_u64(tb[a]);
	}
	return 0;
}

int nsbox_group_parse(struct nl_msg *msg, struct group_row *row)
{
	struct nlattr *tb[NSBOX_A_MAX + 1];

	memset(row, 0, sizeof(*row));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	if (!tb[NSBOX_A_GROUP])
		return -ENOENT;
	return parse_group(tb[NSBOX_A_GROUP], row);
}

const struct group_row *nsbox_group_row_find(const struct group_row *rows, size_t n,
					     int kind, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if ((int)rows[i].v[NSBOX_GROUP_A_KIND] == kind && rows[i].v[NSBOX_GROUP_A_ID] == id)
			return &rows[i];
	return NULL;
}

static int on_group(struct nl_msg *msg, void *arg)
{
	struct group_list *l = arg;

	if (nsbox_grow(&l->rows, &l->cap, l->n, sizeof(*l->rows), 64))
		return -ENOMEM;
	if (nsbox_group_parse(msg, &l->rows[l->n]) == 0)
		l->n++;
	return 0;
}

int fetch_groups(struct nsbox_nl *nl, int kind, const uint64_t *id,
		 struct group_row **rows, size_t *n)
{
	struct group_list l = { 0 };
	struct nsbox_nl_error e;
	int tries = 0, ret;

	do {
		struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
			nsbox_nl_msg(nl, NSBOX_CMD_GET_GROUP, id ? 0 : NLM_F_DUMP);

		l.n = 0;
		if (!msg || (kind >= 0 && nla_put_u8(msg, NSBOX_A_KIND, kind) < 0) ||
		    (id && nla_put_u64(msg, NSBOX_A_ID, *id) < 0))
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		ret = nsbox_nl_request(nl, msg, on_group, &l, &e);
		if (ret < 0) {
			free(l.rows);
			return nsbox_nl_report("GET_GROUP", &e);
		}
	} while (e.dump_intr && ++tries < 5);
	if (e.dump_intr)
		nsbox_err("warning: groups kept changing during the dump; the list may be incomplete");
	*rows = l.rows;
	*n = l.n;
	return NSBOX_EXIT_OK;
}
