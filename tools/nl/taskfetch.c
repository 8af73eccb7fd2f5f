// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - fetching tasks (see taskfetch.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "genl.h"
#include "taskfetch.h"
#include "util.h"

struct task_list {
	struct task_row *rows;
	size_t n, cap;
};

int nsbox_task_parse(struct nl_msg *msg, struct task_row *row)
{
	return nsbox_task_parse_hdr(nlmsg_hdr(msg), row);
}

int nsbox_task_parse_hdr(const struct nlmsghdr *nlh, struct task_row *row)
{
	struct nlattr *tb[NSBOX_A_MAX + 1], *t[NSBOX_TASK_A_MAX + 1];

	memset(row, 0, sizeof(*row));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	if (!tb[NSBOX_A_TASK])
		return -ENOENT;
	if (nla_parse_nested(t, NSBOX_TASK_A_MAX, tb[NSBOX_A_TASK], NULL) < 0)
		return -EINVAL;
	for (int a = NSBOX_TASK_A_TID; a <= NSBOX_TASK_A_MAX; a++) {
		if (!t[a])
			continue;
		if (a == NSBOX_TASK_A_COMM)
			nla_strlcpy(row->comm, t[a], sizeof(row->comm));
		else if (a == NSBOX_TASK_A_CGROUP_PATH)
			nla_strlcpy(row->path, t[a], sizeof(row->path));
		else if (nla_len(t[a]) == 8)
			row->v[a] = nla_get_u64(t[a]);
		else if (nla_len(t[a]) == 4)
			row->v[a] = nla_get_u32(t[a]);
	}
	return 0;
}

static int on_task(const struct nlmsghdr *nlh, void *arg)
{
	struct task_list *l = arg;

	if (nsbox_grow(&l->rows, &l->cap, l->n, sizeof(*l->rows), 256))
		return -ENOMEM;
	if (nsbox_task_parse_hdr(nlh, &l->rows[l->n]) == 0)
		l->n++;
	return 0;
}

int fetch_tasks(struct nsbox_nl *nl, int kind, uint64_t id, struct task_row **rows,
		size_t *n, struct nsbox_nl_error *e)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct task_list l = { 0 };
	int ret;

	memset(e, 0, sizeof(*e));
	msg = nsbox_nl_msg(nl, NSBOX_CMD_GET_TASK, NLM_F_DUMP);
	if (!msg || (kind >= 0 && (nla_put_u8(msg, NSBOX_A_KIND, kind) < 0 ||
				   nla_put_u64(msg, NSBOX_A_ID, id) < 0))) {
		e->err = -ENOMEM;
		return -ENOMEM;
	}
	ret = nsbox_nl_request_hdr(nl, msg, on_task, &l, e);
	if (ret < 0) {
		free(l.rows);
		return ret;
	}
	*rows = l.rows;
	*n = l.n;
	return 0;
}
