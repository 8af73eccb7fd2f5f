/* SPDX-License-Identifier: GPL-2.0 */
/* GET_TASK, decoded into plain structs (nl/taskfetch.c). */
#ifndef NSBOX_TASKFETCH_H
#define NSBOX_TASKFETCH_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>

#include <linux/nsbox.h>

struct nsbox_nl;
struct nsbox_nl_error;

/* One task: v[attr] for each number (ids are u64 since ABI 7, u32 before). */
struct task_row {
	uint64_t v[NSBOX_TASK_A_MAX + 1];
	char comm[32];
	char path[512];
};

/* One GET_TASK reply into @row: 0, -ENOENT (no task in it), -EINVAL. */
int nsbox_task_parse(struct nl_msg *msg, struct task_row *row);
/* The same from the message where it was received (no copy). */
int nsbox_task_parse_hdr(const struct nlmsghdr *nlh, struct task_row *row);
/*
 * Every task the caller may see, or those of one group (@kind >= 0).  0 or
 * -errno with @e filled in; *rows is the caller's to free.
 */
int fetch_tasks(struct nsbox_nl *nl, int kind, uint64_t id, struct task_row **rows,
		size_t *n, struct nsbox_nl_error *e);

#endif
