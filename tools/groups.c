// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox groups - every namespace and cgroup the module knows, with its
 * accounting (GET_GROUP dump), in the style of lsns.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "../uapi/linux/nsbox.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "kind.h"
#include "table.h"
#include "util.h"

struct group_row {
	uint64_t v[NSBOX_GROUP_A_MAX + 1];
	unsigned char has[NSBOX_GROUP_A_MAX + 1];
	char path[512];
};

struct group_list {
	struct group_row *rows;
	size_t n, cap;
};

/* Column -> attribute.  Order = JSON field order. */
static const struct nsbox_col columns[] = {
	{ "kind", false, true, "namespace kind (as lsns names it) or cgroup2", NSBOX_GROUP_A_KIND },
	{ "id", true, true, "namespace inode number or cgroup id", NSBOX_GROUP_A_ID },
	{ "path", false, true, "cgroup2: path below the cgroup root", NSBOX_GROUP_A_PATH },
	{ "procs", true, true, "live processes", NSBOX_GROUP_A_PROCS },
	{ "threads", true, true, "live tasks", NSBOX_GROUP_A_THREADS },
	{ "forks", true, true, "tasks created here", NSBOX_GROUP_A_FORKS },
	{ "execs", true, true, "execve() calls", NSBOX_GROUP_A_EXECS },
	{ "exits", true, true, "tasks that exited here", NSBOX_GROUP_A_EXITS },
	{ "moved_in", true, false, "tasks that joined (unshare, setns, cgroup move)", NSBOX_GROUP_A_MOVED_IN },
	{ "moved_out", true, false, "tasks that left", NSBOX_GROUP_A_MOVED_OUT },
	{ "cpu_ns", true, true, "CPU time while here, ns", NSBOX_GROUP_A_CPU_NS },
	{ "utime_ns", true, false, "user CPU time, ns", NSBOX_GROUP_A_UTIME_NS },
	{ "stime_ns", true, false, "system CPU time, ns", NSBOX_GROUP_A_STIME_NS },
	{ "nvcsw", true, false, "voluntary context switches", NSBOX_GROUP_A_NVCSW },
	{ "nivcsw", true, false, "involuntary context switches", NSBOX_GROUP_A_NIVCSW },
	{ "minflt", true, false, "minor page faults", NSBOX_GROUP_A_MINFLT },
	{ "majflt", true, false, "major page faults", NSBOX_GROUP_A_MAJFLT },
	{ "rchar", true, false, "bytes read (syscalls)", NSBOX_GROUP_A_RCHAR },
	{ "wchar", true, false, "bytes written (syscalls)", NSBOX_GROUP_A_WCHAR },
	{ "read_bytes", true, false, "bytes read from storage", NSBOX_GROUP_A_READ_BYTES },
	{ "write_bytes", true, false, "bytes written to storage", NSBOX_GROUP_A_WRITE_BYTES },
	{ "syscr", true, false, "read syscalls", NSBOX_GROUP_A_SYSCR },
	{ "syscw", true, false, "write syscalls", NSBOX_GROUP_A_SYSCW },
	{ "rss_bytes", true, true, "resident memory, each address space once", NSBOX_GROUP_A_RSS_BYTES },
	{ "vm_bytes", true, false, "virtual memory, same rule", NSBOX_GROUP_A_VM_BYTES },
	{ "oom_kills", true, false, "tasks killed by the OOM killer", NSBOX_GROUP_A_OOM_KILLS },
	{ "load1", true, true, "load average, 1 min", NSBOX_GROUP_A_LOAD1 },
	{ "load5", true, false, "load average, 5 min", NSBOX_GROUP_A_LOAD5 },
	{ "load15", true, false, "load average, 15 min", NSBOX_GROUP_A_LOAD15 },
	{ "first_seen", true, false, "CLOCK_MONOTONIC ns when first seen", NSBOX_GROUP_A_FIRST_SEEN },
	{ "parent", true, false, "parent namespace or cgroup id", NSBOX_GROUP_A_PARENT },
	{ "owner", true, false, "owning user namespace", NSBOX_GROUP_A_OWNER },
};

#define NCOLS ARRAY_SIZE(columns)

static const char *group_cell(const void *r, int col, char *buf, size_t len)
{
	const struct group_row *row = r;
	int a = columns[col].attr;

	if (a == NSBOX_GROUP_A_KIND)
		return nsbox_kind_name((int)row->v[a]);
	if (a == NSBOX_GROUP_A_PATH)
		return row->has[a] ? row->path : NULL;
	if (!row->has[a])
		return NULL;
	if (a == NSBOX_GROUP_A_LOAD1 || a == NSBOX_GROUP_A_LOAD5 ||
	    a == NSBOX_GROUP_A_LOAD15)
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, row->v[a] / 100, row->v[a] % 100);
	else
		snprintf(buf, len, "%" PRIu64, row->v[a]);
	return buf;
}

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
		else if (a == NSBOX_GROUP_A_KIND)
			row->v[a] = nla_get_u8(tb[a]);
		else if (nla_len(tb[a]) == 8)
			row->v[a] = nla_get_u64(tb[a]);
	}
	return 0;
}

static int on_group(struct nl_msg *msg, void *arg)
{
	struct group_list *l = arg;
	struct nlattr *tb[NSBOX_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0 ||
	    !tb[NSBOX_A_GROUP])
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct group_row *rows = realloc(l->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		l->rows = rows;
		l->cap = cap;
	}
	if (parse_group(tb[NSBOX_A_GROUP], &l->rows[l->n]) == 0)
		l->n++;
	return 0;
}

/*
 * Fetch groups: one (kind, id), every group of a kind, or all (kind < 0).
 * A dump that the module flags as interrupted is retried a few times.
 */
static int fetch_groups(struct nsbox_nl *nl, int kind, const uint64_t *id,
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

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox groups [-J] [-r] [-n] [-o LIST] [--kind KIND] [KIND:ID]\n"
		"\n"
		"List the groups nsbox.ko tracks -- one per namespace (by inode number,\n"
		"as lsns shows it) and one per cgroup v2 cgroup (by cgroup id) -- with\n"
		"live and cumulative accounting.  KIND:ID (e.g. net:4026531840) shows\n"
		"one group.\n"
		"\n"
		"  -k, --kind KIND    only this kind: %s\n"
		"  -o, --output LIST  columns to show, e.g. -o kind,id,procs,cpu_ns\n"
		"  -J, --json         JSON: {\"groups\":[{...}]}, every column unless -o\n"
		"  -r, --raw          raw output, no column alignment\n"
		"  -n, --noheadings   no header line\n"
		"  -h, --help         this help\n", nsbox_kind_list());
	if (out == stdout)
		nsbox_table_help(columns, NCOLS);
}

int cmd_groups(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		NSBOX_TABLE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nsbox_table_opts o = { 0 };
	_cleanup_free_ struct group_row *rows = NULL;
	struct nsbox_table t;
	int kind = -1, c, ret;
	uint64_t id, *idp = NULL;
	size_t n = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:" NSBOX_TABLE_SHORTOPTS "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kind = nsbox_kind_parse(optarg);
			if (kind < 0)
				return nsbox_usage_err("groups", "unknown kind '%s' (kinds: %s)",
						       optarg, nsbox_kind_list());
			break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			if (nsbox_table_opt(c, optarg, &o))
				break;
			return nsbox_usage_err("groups", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		if (nsbox_group_ref_parse(argv[optind], &kind, &id))
			return nsbox_usage_err("groups", "'%s' is not KIND:ID (e.g. net:4026531840; kinds: %s)",
					       argv[optind], nsbox_kind_list());
		idp = &id;
		if (++optind < argc)
			return nsbox_usage_err("groups", "unexpected argument '%s'", argv[optind]);
	}

	ret = nsbox_table_init(&t, columns, NCOLS, &o, "groups", "groups");
	if (ret)
		return ret;
	ret = nsbox_nl_open(&nl);
	if (!ret)
		ret = fetch_groups(&nl, kind, idp, &rows, &n);
	for (size_t i = 0; !ret && i < n; i++)
		ret = nsbox_table_add(&t, &rows[i], group_cell);
	if (!ret)
		ret = nsbox_table_print(&t);
	nsbox_table_free(&t);
	return ret;
}
