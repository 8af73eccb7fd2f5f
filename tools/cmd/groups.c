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
#include <unistd.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "info.h"
#include "kind.h"
#include "probe.h"
#include "table.h"
#include "units.h"
#include "util.h"

/* Column -> attribute.  Order = JSON field order. */
static const struct nsbox_col columns[] = {
	{ "kind", NSBOX_COL_TEXT, true, "namespace kind (as lsns names it) or cgroup2", NSBOX_GROUP_A_KIND },
	{ "id", NSBOX_COL_NUM, true, "namespace inode number or cgroup id", NSBOX_GROUP_A_ID },
	{ "state", NSBOX_COL_TEXT, true, "live (tasks in it), empty (no task; a namespace kept by a mount, a file or another namespace) or gone (freed, removed)", NSBOX_GROUP_A_STATE },
	{ "path", NSBOX_COL_TEXT, true, "cgroup2: path below the cgroup root", NSBOX_GROUP_A_PATH },
	{ "procs", NSBOX_COL_NUM, true, "live processes", NSBOX_GROUP_A_PROCS },
	{ "threads", NSBOX_COL_NUM, true, "live tasks", NSBOX_GROUP_A_THREADS },
	{ "forks", NSBOX_COL_NUM, true, "tasks created here", NSBOX_GROUP_A_FORKS },
	{ "execs", NSBOX_COL_NUM, true, "execve() calls", NSBOX_GROUP_A_EXECS },
	{ "exits", NSBOX_COL_NUM, true, "tasks that exited here", NSBOX_GROUP_A_EXITS },
	{ "moved_in", NSBOX_COL_NUM, false, "tasks that joined (unshare, setns, cgroup move)", NSBOX_GROUP_A_MOVED_IN },
	{ "moved_out", NSBOX_COL_NUM, false, "tasks that left", NSBOX_GROUP_A_MOVED_OUT },
	{ "cpu_ns", NSBOX_COL_NS, true, "CPU time while here, ns", NSBOX_GROUP_A_CPU_NS },
	{ "utime_ns", NSBOX_COL_NS, false, "user CPU time, ns", NSBOX_GROUP_A_UTIME_NS },
	{ "stime_ns", NSBOX_COL_NS, false, "system CPU time, ns", NSBOX_GROUP_A_STIME_NS },
	{ "nvcsw", NSBOX_COL_NUM, false, "voluntary context switches", NSBOX_GROUP_A_NVCSW },
	{ "nivcsw", NSBOX_COL_NUM, false, "involuntary context switches", NSBOX_GROUP_A_NIVCSW },
	{ "minflt", NSBOX_COL_NUM, false, "minor page faults", NSBOX_GROUP_A_MINFLT },
	{ "majflt", NSBOX_COL_NUM, false, "major page faults", NSBOX_GROUP_A_MAJFLT },
	{ "rchar", NSBOX_COL_BYTES, false, "bytes read (syscalls)", NSBOX_GROUP_A_RCHAR },
	{ "wchar", NSBOX_COL_BYTES, false, "bytes written (syscalls)", NSBOX_GROUP_A_WCHAR },
	{ "read_bytes", NSBOX_COL_BYTES, false, "bytes read from storage", NSBOX_GROUP_A_READ_BYTES },
	{ "write_bytes", NSBOX_COL_BYTES, false, "bytes written to storage", NSBOX_GROUP_A_WRITE_BYTES },
	{ "syscr", NSBOX_COL_NUM, false, "read syscalls", NSBOX_GROUP_A_SYSCR },
	{ "syscw", NSBOX_COL_NUM, false, "write syscalls", NSBOX_GROUP_A_SYSCW },
	{ "rss_bytes", NSBOX_COL_BYTES, true, "resident memory, each address space once", NSBOX_GROUP_A_RSS_BYTES },
	{ "vm_bytes", NSBOX_COL_BYTES, false, "virtual memory, same rule", NSBOX_GROUP_A_VM_BYTES },
	{ "oom_kills", NSBOX_COL_NUM, false, "tasks killed by the OOM killer", NSBOX_GROUP_A_OOM_KILLS },
	{ "load1", NSBOX_COL_NUM, true, "load average, 1 min", NSBOX_GROUP_A_LOAD1 },
	{ "load5", NSBOX_COL_NUM, false, "load average, 5 min", NSBOX_GROUP_A_LOAD5 },
	{ "load15", NSBOX_COL_NUM, false, "load average, 15 min", NSBOX_GROUP_A_LOAD15 },
	{ "first_seen", NSBOX_COL_NUM, false, "CLOCK_MONOTONIC ns when first seen", NSBOX_GROUP_A_FIRST_SEEN },
	{ "parent", NSBOX_COL_NUM, false, "parent namespace or cgroup id", NSBOX_GROUP_A_PARENT },
	{ "owner", NSBOX_COL_NUM, false, "owning user namespace", NSBOX_GROUP_A_OWNER },
	{ "nsid", NSBOX_COL_NUM, false, "64-bit namespace id, never reused (kernels 6.18+; NS_GET_ID)", NSBOX_GROUP_A_NSID },
	{ "live_age_ns", NSBOX_COL_NS, false, "age of the live values (cpu_ns ... vm_bytes): since the walk of all tasks that gave them began, ns", NSBOX_GROUP_A_LIVE_TIME },
};

#define NCOLS ARRAY_SIZE(columns)

/*
 * -o probe.NAME: the calls probe NAME counted in each group (nsbox probe),
 * a column made at run time after the fixed ones.
 */
#define MAX_PROBE_COLS 16	/* as many as the module's probes */

struct probe_col {
	char name[sizeof("probe.") + NSBOX_PROBE_NAME_MAX];
	struct nsbox_probe_stat *s;
	size_t n;
};

static struct nsbox_col all_columns[NCOLS + MAX_PROBE_COLS];
static struct probe_col probe_cols[MAX_PROBE_COLS];
static size_t n_probe_cols;

/* The probe.NAME entries of -o LIST become columns; 0 or a usage error. */
static int add_probe_columns(const char *list)
{
	memcpy(all_columns, columns, sizeof(columns));
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len > 6 && !strncmp(p, "probe.", 6)) {
			struct probe_col *pc = &probe_cols[n_probe_cols];

			if (n_probe_cols >= MAX_PROBE_COLS || len >= sizeof(pc->name))
				return nsbox_usage_err("groups", "'%.*s': at most %d probe columns of names up to %d characters",
						       (int)len, p, MAX_PROBE_COLS, NSBOX_PROBE_NAME_MAX);
			snprintf(pc->name, sizeof(pc->name), "%.*s", (int)len, p);
			all_columns[NCOLS + n_probe_cols] = (struct nsbox_col){
				pc->name, NSBOX_COL_NUM, false, "calls probe NAME counted (nsbox probe)",
				-1 - (int)n_probe_cols };
			n_probe_cols++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int fetch_probe_columns(struct nsbox_nl *nl)
{
	struct nsbox_nl_error e;
	char what[96];

	for (size_t i = 0; i < n_probe_cols; i++) {
		struct probe_col *pc = &probe_cols[i];

		if (nsbox_probe_stats(nl, pc->name + 6, &pc->s, &pc->n, &e)) {
			snprintf(what, sizeof(what), "groups: -o %.40s", pc->name);
			return nsbox_nl_report(what, &e);
		}
	}
	return 0;
}

const char *nsbox_group_attr_name(int attr)
{
	for (size_t i = 0; i < NCOLS; i++)
		if (columns[i].attr == attr)
			return columns[i].name;
	return "?";
}

/* When the dump was read: the live values' age is counted to it. */
static uint64_t dump_time;

/* Does the column need the module's walk of all tasks? */
static bool needs_live(int attr)
{
	return (attr >= NSBOX_GROUP_A_CPU_NS && attr <= NSBOX_GROUP_A_SYSCW) ||
	       attr == NSBOX_GROUP_A_RSS_BYTES || attr == NSBOX_GROUP_A_VM_BYTES ||
	       attr == NSBOX_GROUP_A_LIVE_TIME;
}

static void str_cell(struct nsbox_cell *c, const char *s, size_t len)
{
	c->kind = NSBOX_CELL_STR;
	c->s = s;
	c->len = len;
}

/*
 * One cell, typed: no snprintf, the path not copied (lib/tablewr.c).  A
 * switch, the plain values (most cells) first out of it.
 */
static void group_cell(const void *r, int col, struct nsbox_cell *c)
{
	const struct group_row *row = r;
	int a = all_columns[col].attr;

	switch (a) {
	case NSBOX_GROUP_A_KIND: {
		const char *k = nsbox_kind_name((int)row->v[a]);

		str_cell(c, k, strlen(k));
		return;
	}
	case NSBOX_GROUP_A_STATE:
		if (row->has[a]) {
			const char *st = nsbox_group_state_name((int)row->v[a]);

			str_cell(c, st, strlen(st));
		}
		return;
	case NSBOX_GROUP_A_PATH:
		if (row->has[a])
			str_cell(c, row->path, row->path_len);
		/* a removed cgroup has no path any more */
		else if (row->v[NSBOX_GROUP_A_KIND] == NSBOX_KIND_CGROUP2 &&
			 row->has[NSBOX_GROUP_A_STATE] &&
			 row->v[NSBOX_GROUP_A_STATE] == NSBOX_GROUP_GONE)
			str_cell(c, nsbox_cell_removed, strlen(nsbox_cell_removed));
		return;
	case NSBOX_GROUP_A_LIVE_TIME: {
		int64_t age = nsbox_group_live_age(row, dump_time);

		if (age >= 0) {
			c->kind = NSBOX_CELL_U64;
			c->u = (uint64_t)age;
		}
		return;
	}
	case NSBOX_GROUP_A_LOAD1:
	case NSBOX_GROUP_A_LOAD5:
	case NSBOX_GROUP_A_LOAD15:
		if (row->has[a]) {
			c->kind = NSBOX_CELL_LOAD;
			c->u = row->v[a];
		}
		return;
	default:
		break;
	}
	if (a < 0) {
		const struct probe_col *pc = &probe_cols[-1 - a];
		const struct nsbox_probe_stat *st = nsbox_probe_stat_find(pc->s, pc->n,
			(int)row->v[NSBOX_GROUP_A_KIND], row->v[NSBOX_GROUP_A_ID]);

		/* a group the probe never counted has made no call */
		c->kind = NSBOX_CELL_U64;
		c->u = st ? st->calls : 0;
		return;
	}
	if (row->has[a]) {
		c->kind = NSBOX_CELL_U64;
		c->u = row->v[a];
	}
}

/* Each group as its message arrives: formatted into the table at once. */
static int on_group_row(const struct group_row *row, void *arg)
{
	if (!dump_time)
		dump_time = nsbox_now_ns();
	return nsbox_table_add_typed(arg, row, group_cell) ? -ENOMEM : 0;
}

static void restart_rows(void *arg)
{
	nsbox_table_restart(arg);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox groups [-J] [-r] [-n] [-o LIST] [--kind KIND] [--no-adopt]\n"
		"                    [--max-age MS | --fresh] [KIND:ID]\n"
		"\n"
		"List the groups nsbox.ko tracks -- one per namespace (by inode number,\n"
		"as lsns shows it) and one per cgroup v2 cgroup (by cgroup id) -- with\n"
		"live and cumulative accounting.  KIND:ID (e.g. net:4026531840) shows\n"
		"one group.  Run as root, it first finds the namespaces no task is in\n"
		"(kept by a bind mount or an open file) and adds them, as 'nsbox adopt',\n"
		"unless the module says it knows them all already.  The live values\n"
		"(cpu_ns ... syscw, rss_bytes, vm_bytes) come from a walk of all tasks\n"
		"that every reader shares: live_age_ns says how old they are.\n"
		"\n"
		"  -k, --kind KIND    only this kind: %s\n"
		"      --no-adopt     do not look for namespaces without tasks first\n"
		"      --max-age MS   live values may be up to MS ms old (default 1000)\n"
		"      --fresh        live values from a walk begun after the request\n"
		"  -h, --help         this help\n", nsbox_kind_list());
	nsbox_table_options_help(out, "groups", "kind,id,procs,cpu_ns");
	fprintf(out, "  -o probe.NAME      also: the calls probe NAME counted (nsbox probe; root)\n");
	if (out == stdout)
		nsbox_table_help(columns, NCOLS);
}

int cmd_groups(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "no-adopt", no_argument, NULL, 'A' },
		{ "max-age", required_argument, NULL, 'M' },
		{ "fresh", no_argument, NULL, 'F' },
		NSBOX_TABLE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nsbox_table_opts o = { 0 };
	_cleanup_free_ struct nsbox_info *info = NULL;
	struct group_query q = GROUP_QUERY_ALL;
	struct nsbox_nl_error e;
	struct nsbox_table t;
	int kind = -1, no_adopt = 0, max_age = NSBOX_DEFAULT_MAX_AGE_MS, c, ret;
	uint64_t id, *idp = NULL, fields = 0;
	bool live = false;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:" NSBOX_TABLE_SHORTOPTS "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kind = nsbox_kind_parse(optarg);
			if (kind < 0)
				return nsbox_usage_err("groups", "unknown kind '%s' (kinds: %s)",
						       optarg, nsbox_kind_list());
			break;
		case 'A': no_adopt = 1; break;
		case 'M':
			max_age = nsbox_max_age_parse(optarg);
			if (max_age < 0)
				return nsbox_usage_err("groups", "bad --max-age '%s' (milliseconds, 0 to %d)",
						       optarg, NSBOX_MAX_AGE_MS_MAX);
			break;
		case 'F': max_age = 0; break;
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

	ret = add_probe_columns(o.columns);
	if (!ret)
		ret = nsbox_table_init(&t, all_columns, NCOLS + n_probe_cols, &o, "groups", "groups");
	if (ret)
		return ret;
	/* the module sends only what the columns show (ABI 10) */
	for (size_t i = 0; i < t.nsel; i++) {
		int a = all_columns[t.sel[i]].attr;

		live |= needs_live(a);
		if (a >= 0)
			fields |= 1ULL << a;
		if (a == NSBOX_GROUP_A_PATH)	/* "(removed)": its state says it */
			fields |= 1ULL << NSBOX_GROUP_A_STATE;
	}
	fields |= 1ULL << NSBOX_GROUP_A_KIND | 1ULL << NSBOX_GROUP_A_ID;
	ret = nsbox_nl_open(&nl);
	if (!ret)
		ret = fetch_probe_columns(&nl);
	info = calloc(1, sizeof(*info));
	if (!info)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	/* what the module is (ABI, ADOPTED) and what it could not count */
	if (!ret && nsbox_fetch_info(&nl, info, &e) < 0)
		ret = nsbox_nl_report("GET_INFO", &e);
	/*
	 * As root, first the namespaces no task is in (see nl/adopt.c),
	 * unless the module knows it has them all (ABI 9: ADOPTED); a cgroup
	 * without tasks is never missing: the module has them all.
	 */
	if (!ret && geteuid() == 0 && !no_adopt && kind != NSBOX_KIND_CGROUP2 &&
	    !(info->has_adopted && info->adopted)) {
		size_t adopted;

		ret = nsbox_adopt_all(&nl, 0, 1, &adopted);
	}
	q.kind = kind;
	q.id = idp;
	q.max_age_ms = max_age;
	q.flags = NSBOX_DUMP_PACKED | (live ? 0 : NSBOX_DUMP_NO_LIVE);
	q.fields = t.nsel < NCOLS ? fields : 0;
	if (!ret)
		nsbox_count_warnings(info);	/* stderr: the numbers below may be off */
	/* a dump that is not made again is printed as it arrives */
	if (!ret && nsbox_groups_snapshot(&nl))
		nsbox_table_stream(&t);
	if (!ret)
		ret = nsbox_groups_each(&nl, &q, on_group_row, restart_rows, &t);
	if (!ret)
		ret = nsbox_table_print(&t);
	nsbox_table_free(&t);
	for (size_t i = 0; i < n_probe_cols; i++)
		free(probe_cols[i].s);
	return ret;
}
