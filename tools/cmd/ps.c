// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox ps - every task with its eight namespaces and its cgroup, as the
 * module sees them (GET_TASK dump); pids as seen from our pid namespace.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "kind.h"
#include "table.h"
#include "taskfetch.h"
#include "util.h"

/* procps' column names for the namespaces (ps -o mntns,...). */
static const struct nsbox_col columns[] = {
	{ "pid", NSBOX_COL_NUM, true, "process id (thread group)", NSBOX_TASK_A_PID },
	{ "tid", NSBOX_COL_NUM, true, "thread id", NSBOX_TASK_A_TID },
	{ "ppid", NSBOX_COL_NUM, true, "parent's process id", NSBOX_TASK_A_PPID },
	{ "comm", NSBOX_COL_TEXT, true, "command name", NSBOX_TASK_A_COMM },
	{ "mntns", NSBOX_COL_NUM, true, "mount namespace", NSBOX_TASK_A_MNTNS },
	{ "pidns", NSBOX_COL_NUM, true, "pid namespace", NSBOX_TASK_A_PIDNS },
	{ "netns", NSBOX_COL_NUM, true, "network namespace", NSBOX_TASK_A_NETNS },
	{ "utsns", NSBOX_COL_NUM, false, "UTS namespace", NSBOX_TASK_A_UTSNS },
	{ "ipcns", NSBOX_COL_NUM, false, "IPC namespace", NSBOX_TASK_A_IPCNS },
	{ "userns", NSBOX_COL_NUM, true, "user namespace", NSBOX_TASK_A_USERNS },
	{ "cgroupns", NSBOX_COL_NUM, false, "cgroup namespace", NSBOX_TASK_A_CGROUPNS },
	{ "timens", NSBOX_COL_NUM, false, "time namespace", NSBOX_TASK_A_TIMENS },
	{ "cgroup", NSBOX_COL_NUM, false, "cgroup v2 cgroup id", NSBOX_TASK_A_CGROUP },
	{ "cgroup_path", NSBOX_COL_TEXT, true, "cgroup path", NSBOX_TASK_A_CGROUP_PATH },
};

#define NCOLS ARRAY_SIZE(columns)

static const char *task_cell(const void *r, int col, char *buf, size_t len)
{
	const struct task_row *row = r;
	int a = columns[col].attr;

	if (a == NSBOX_TASK_A_COMM)
		return row->comm;
	if (a == NSBOX_TASK_A_CGROUP_PATH)
		return row->path;
	snprintf(buf, len, "%" PRIu64, row->v[a]);
	return buf;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox ps [-J] [-r] [-n] [-o LIST] [KIND:ID]\n"
		"\n"
		"List tasks (threads included) with their namespaces and cgroup, as\n"
		"nsbox.ko sees them; pids are as seen from this pid namespace.\n"
		"KIND:ID (e.g. pid:4026531836, cgroup2:1234) lists one group's tasks.\n"
		"\n"
		"  -h, --help         this help\n");
	nsbox_table_options_help(out, "tasks", "pid,comm,netns");
	if (out == stdout)
		nsbox_table_help(columns, NCOLS);
}

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		NSBOX_TABLE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nsbox_table_opts o = { 0 };
	struct task_row *rows = NULL;
	struct nsbox_nl_error e;
	struct nsbox_table t;
	int kind = -1, c, ret;
	size_t n = 0;
	uint64_t id = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, NSBOX_TABLE_SHORTOPTS "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			if (nsbox_table_opt(c, optarg, &o))
				break;
			return nsbox_usage_err("ps", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		if (nsbox_group_ref_parse(argv[optind], &kind, &id))
			return nsbox_usage_err("ps", "'%s' is not KIND:ID (e.g. net:4026531840; kinds: %s)",
					       argv[optind], nsbox_kind_list());
		if (++optind < argc)
			return nsbox_usage_err("ps", "unexpected argument '%s'", argv[optind]);
	}

	ret = nsbox_table_init(&t, columns, NCOLS, &o, "tasks", "ps");
	if (ret)
		return ret;
	ret = nsbox_nl_open(&nl);
	if (ret)
		goto out;
	if (fetch_tasks(&nl, kind, id, &rows, &n, &e) < 0) {
		ret = nsbox_nl_report("GET_TASK", &e);
		goto out;
	}
	for (size_t i = 0; !ret && i < n; i++)
		ret = nsbox_table_add(&t, &rows[i], task_cell);
	if (!ret)
		ret = nsbox_table_print(&t);
out:
	free(rows);
	nsbox_table_free(&t);
	return ret;
}
