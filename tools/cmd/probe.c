// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox probe - count calls of any kernel function per namespace and
 * cgroup (kprobes), with their durations (kretprobes): add, ls, rm, show.
 * The module does the counting (kmod/probe.c); docs/probes.md explains
 * how a kprobe works.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "kind.h"
#include "probe.h"
#include "table.h"
#include "units.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox probe add [--ret] [--sum-arg N] [--name NAME] SYMBOL\n"
		"       nsbox probe ls [-J] [-o LIST] [-r] [-n] [-b]\n"
		"       nsbox probe rm NAME... | --all\n"
		"       nsbox probe show NAME [-J] [--kind KIND] [KIND:ID]\n"
		"\n"
		"Count the calls of a kernel function per namespace and cgroup (root).\n"
		"'add' plants a kprobe on SYMBOL: each call counts once in each of the\n"
		"nine groups of the task that made it.  With --ret it is a kretprobe that\n"
		"also times each call (a log2 histogram per group, as bpftrace's hist()).\n"
		"'show' prints what a probe counted, per group; 'ls' lists the probes.\n"
		"\n"
		"      --ret          time each call (kretprobe)\n"
		"  -a, --sum-arg N    add up the function's Nth argument (1-6) per group\n"
		"  -N, --name NAME    the probe's name (default: SYMBOL)\n"
		"      --all          rm: every probe\n"
		"  -k, --kind KIND    show: only groups of this kind: %s\n"
		"  -J, --json         JSON output\n"
		"  -h, --help         this help\n", nsbox_kind_list());
}

static int report(const char *what, const char *name, const struct nsbox_nl_error *e)
{
	char buf[160];

	if (!name)
		name = "--all";
	snprintf(buf, sizeof(buf), "probe %s%s%s", what, *name ? " " : "", name);
	return nsbox_nl_report(buf, e);
}

/* ---- add ----------------------------------------------------------------------- */

static int probe_add(struct nsbox_nl *nl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ret", no_argument, NULL, 'R' },
		{ "sum-arg", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_probe_info p;
	struct nsbox_nl_error e;
	const char *name = NULL;
	int ret = 0, sum_arg = 0, c;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:N:h", opts, NULL)) != -1) {
		switch (c) {
		case 'R': ret = 1; break;
		case 'a':
			sum_arg = (int)strtol(optarg, &end, 10);
			if (*end || sum_arg < 1 || sum_arg > 6)
				return nsbox_usage_err("probe", "--sum-arg '%s' is not 1 to 6 (the function's argument, first = 1)",
						       optarg);
			break;
		case 'N': name = optarg; break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("probe", "unknown option or missing value '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return nsbox_usage_err("probe", "add takes one SYMBOL (a kernel function, e.g. vfs_write)");
	if (!name)
		name = argv[optind];
	if (strlen(name) > NSBOX_PROBE_NAME_MAX)
		return nsbox_usage_err("probe", "the name '%s' is longer than %d characters; give one with --name",
				       name, NSBOX_PROBE_NAME_MAX);
	if (nsbox_probe_add(nl, name, argv[optind], ret, sum_arg, &p, &e))
		return report("add", argv[optind], &e);
	printf("probe %s: %s on %s (%s)\n", p.name, p.ret ? "kretprobe" : "kprobe", p.symbol,
	       p.ftrace ? "ftrace call site" : "int3 breakpoint");
	return NSBOX_EXIT_OK;
}

/* ---- ls ------------------------------------------------------------------------ */

enum { L_NAME, L_SYMBOL, L_RET, L_SUM_ARG, L_CALLS, L_MISSES, L_MISSED, L_GROUPS, L_VIA,
       L_MAXACTIVE, L_BYTES, L_NCOLS };

static const struct nsbox_col ls_columns[L_NCOLS] = {
	[L_NAME] = { "name", NSBOX_COL_TEXT, true, "the probe's name", 0 },
	[L_SYMBOL] = { "symbol", NSBOX_COL_TEXT, true, "the kernel function probed", 0 },
	[L_RET] = { "ret", NSBOX_COL_NUM, true, "1: a kretprobe that times calls", 0 },
	[L_SUM_ARG] = { "sum_arg", NSBOX_COL_NUM, false, "argument added up (1-6), 0: none", 0 },
	[L_CALLS] = { "calls", NSBOX_COL_NUM, true, "calls counted", 0 },
	[L_MISSES] = { "misses", NSBOX_COL_NUM, true, "calls seen but not counted (no room for the group, an exiting task)", 0 },
	[L_MISSED] = { "missed", NSBOX_COL_NUM, true, "calls the kernel did not hand to the probe (reentry, maxactive)", 0 },
	[L_GROUPS] = { "groups", NSBOX_COL_NUM, true, "groups with numbers of this probe", 0 },
	[L_VIA] = { "via", NSBOX_COL_TEXT, false, "ftrace (call site) or int3 (breakpoint)", 0 },
	[L_MAXACTIVE] = { "maxactive", NSBOX_COL_NUM, false, "kretprobe: calls in flight at once", 0 },
	[L_BYTES] = { "bytes", NSBOX_COL_BYTES, false, "memory the probe holds", 0 },
};

static const char *ls_cell(const void *r, int col, char *buf, size_t len)
{
	const struct nsbox_probe_info *p = r;

	switch (col) {
	case L_NAME: return p->name;
	case L_SYMBOL: return p->symbol;
	case L_VIA: return p->ftrace ? "ftrace" : "int3";
	case L_RET: snprintf(buf, len, "%d", p->ret); break;
	case L_SUM_ARG: snprintf(buf, len, "%d", p->sum_arg); break;
	case L_CALLS: snprintf(buf, len, "%" PRIu64, p->hits); break;
	case L_MISSES: snprintf(buf, len, "%" PRIu64, p->misses); break;
	case L_MISSED: snprintf(buf, len, "%" PRIu64, p->nmissed); break;
	case L_GROUPS: snprintf(buf, len, "%" PRIu32, p->groups); break;
	case L_MAXACTIVE:
		if (!p->ret)
			return NULL;
		snprintf(buf, len, "%" PRIu32, p->maxactive);
		break;
	case L_BYTES: snprintf(buf, len, "%" PRIu64, p->bytes); break;
	default: return NULL;
	}
	return buf;
}

static int probe_ls(struct nsbox_nl *nl, int argc, char **argv)
{
	static const struct option opts[] = {
		NSBOX_TABLE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ struct nsbox_probe_info *v = NULL;
	struct nsbox_table_opts o = { 0 };
	struct nsbox_nl_error e;
	struct nsbox_table t;
	size_t n = 0;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, NSBOX_TABLE_SHORTOPTS "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			nsbox_table_options_help(stdout, "probes", "name,calls");
			return NSBOX_EXIT_OK;
		}
		if (!nsbox_table_opt(c, optarg, &o))
			return nsbox_usage_err("probe", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return nsbox_usage_err("probe", "ls takes no argument ('%s')", argv[optind]);
	ret = nsbox_table_init(&t, ls_columns, L_NCOLS, &o, "probes", "probe");
	if (ret)
		return ret;
	if (nsbox_probe_list(nl, &v, &n, &e)) {
		nsbox_table_free(&t);
		return report("ls", "", &e);
	}
	for (size_t i = 0; !ret && i < n; i++)
		ret = nsbox_table_add(&t, &v[i], ls_cell);
	if (!ret)
		ret = nsbox_table_print(&t);
	nsbox_table_free(&t);
	return ret;
}

/* ---- rm ------------------------------------------------------------------------ */

static int probe_rm(struct nsbox_nl *nl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl_error e;
	int all = 0, c, ret = NSBOX_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'A': all = 1; break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("probe", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (all == (optind < argc))
		return nsbox_usage_err("probe", "rm takes probe names or --all");
	if (all)
		return nsbox_probe_del(nl, NULL, &e) ? report("rm", NULL, &e) : NSBOX_EXIT_OK;
	for (; optind < argc; optind++)
		if (nsbox_probe_del(nl, argv[optind], &e))
			ret = report("rm", argv[optind], &e);
	return ret;
}

/* ---- show ---------------------------------------------------------------------- */

/*
 * Bucket b's upper end, inclusive: calls of at most this many ns.  The
 * last bucket has none: it holds every longer call too.
 */
static uint64_t bucket_le(unsigned int b)
{
	return b == 0 ? 0 : b >= NSBOX_PROBE_HIST_BUCKETS - 1 ? UINT64_MAX : (UINT64_C(1) << b) - 1;
}

static const char *group_path(const struct group_row *rows, size_t n, int kind, uint64_t id)
{
	const struct group_row *r = nsbox_group_row_find(rows, n, kind, id);

	return r && r->has[NSBOX_GROUP_A_PATH] ? r->path : NULL;
}

static void json_put(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *show_json(const struct nsbox_probe_info *p, const struct nsbox_probe_stat *s,
			      size_t n, const struct group_row *rows, size_t nrows)
{
	json_object *root = json_object_new_object(), *pr = json_object_new_object();
	json_object *groups = json_object_new_array();

	json_object_object_add(pr, "name", json_object_new_string(p->name));
	json_object_object_add(pr, "symbol", json_object_new_string(p->symbol));
	json_object_object_add(pr, "ret", json_object_new_boolean(p->ret));
	json_put(pr, "sum_arg", (uint64_t)p->sum_arg);
	json_put(pr, "hits", p->hits);
	json_put(pr, "misses", p->misses);
	json_put(pr, "missed", p->nmissed);
	for (size_t i = 0; i < n; i++) {
		json_object *g = json_object_new_object();
		const char *path = group_path(rows, nrows, s[i].kind, s[i].id);

		json_object_object_add(g, "kind", json_object_new_string(nsbox_kind_name(s[i].kind)));
		json_put(g, "id", s[i].id);
		json_object_object_add(g, "path", path ? json_object_new_string(path) : NULL);
		json_put(g, "calls", s[i].calls);
		json_put(g, "sum", s[i].sum);
		if (s[i].has_time) {
			json_object *hist = json_object_new_array();

			json_put(g, "ns_total", s[i].ns_total);
			json_put(g, "ns_min", s[i].ns_min);
			json_put(g, "ns_max", s[i].ns_max);
			for (unsigned int b = 0; b < NSBOX_PROBE_HIST_BUCKETS; b++) {
				json_object *h;

				if (!s[i].hist[b])
					continue;
				h = json_object_new_object();
				json_put(h, "le_ns", bucket_le(b));
				json_put(h, "count", s[i].hist[b]);
				json_object_array_add(hist, h);
			}
			json_object_object_add(g, "hist", hist);
		}
		json_object_array_add(groups, g);
	}
	json_object_object_add(pr, "groups", groups);
	json_object_object_add(root, "probe", pr);
	return root;
}

/* "16.0ms" style bound of a bucket, as bpftrace prints [16K, 32K). */
static const char *bound(uint64_t ns, char *buf, size_t len)
{
	return nsbox_duration_format(ns, buf, len);
}

static void show_hist(const struct nsbox_probe_stat *s)
{
	uint64_t top = 0;
	unsigned int lo = NSBOX_PROBE_HIST_BUCKETS, hi = 0;

	for (unsigned int b = 0; b < NSBOX_PROBE_HIST_BUCKETS; b++) {
		if (!s->hist[b])
			continue;
		lo = b < lo ? b : lo;
		hi = b;
		top = s->hist[b] > top ? s->hist[b] : top;
	}
	for (unsigned int b = lo; b <= hi && b < NSBOX_PROBE_HIST_BUCKETS; b++) {
		char a[16], z[16];
		int bar = (int)(s->hist[b] * 40 / (top ? top : 1));

		if (b == 0)
			printf("  %-20s", "[0]");
		else {
			char range[40];

			if (b == NSBOX_PROBE_HIST_BUCKETS - 1)
				snprintf(range, sizeof(range), "[%s, ...)",
					 bound(UINT64_C(1) << (b - 1), a, sizeof(a)));
			else
				snprintf(range, sizeof(range), "[%s, %s)",
					 bound(UINT64_C(1) << (b - 1), a, sizeof(a)),
					 bound(UINT64_C(1) << b, z, sizeof(z)));
			printf("  %-20s", range);
		}
		printf(" %8" PRIu64 " |%-40.*s|\n", s->hist[b], bar,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	}
}

static void show_text(const struct nsbox_probe_info *p, const struct nsbox_probe_stat *s,
		      size_t n, const struct group_row *rows, size_t nrows)
{
	printf("probe %s: %s on %s, %" PRIu64 " calls counted, %" PRIu64 " not counted, %" PRIu64
	       " missed by the kernel\n", p->name, p->ret ? "kretprobe" : "kprobe", p->symbol,
	       p->hits, p->misses, p->nmissed);
	for (size_t i = 0; i < n; i++) {
		const char *path = group_path(rows, nrows, s[i].kind, s[i].id);
		char t[16], mn[16], mx[16];

		printf("%s:%" PRIu64 "%s%s  calls %" PRIu64, nsbox_kind_name(s[i].kind), s[i].id,
		       path ? " " : "", path ? path : "", s[i].calls);
		if (p->sum_arg)
			printf("  sum(arg%d) %" PRIu64, p->sum_arg, s[i].sum);
		if (s[i].has_time)
			printf("  total %s  min %s  max %s", nsbox_duration_format(s[i].ns_total, t, sizeof(t)),
			       nsbox_duration_format(s[i].ns_min, mn, sizeof(mn)),
			       nsbox_duration_format(s[i].ns_max, mx, sizeof(mx)));
		putchar('\n');
		if (s[i].has_time)
			show_hist(&s[i]);
	}
}

static int probe_show(struct nsbox_nl *nl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ struct nsbox_probe_stat *s = NULL;
	_cleanup_free_ struct group_row *rows = NULL;
	struct nsbox_probe_info p;
	struct nsbox_nl_error e;
	int json = 0, kind = -1, c, ret;
	size_t n = 0, nrows = 0, m = 0;
	uint64_t id = 0;
	int has_id = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "Jk:h", opts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'k':
			kind = nsbox_kind_parse(optarg);
			if (kind < 0)
				return nsbox_usage_err("probe", "unknown kind '%s' (kinds: %s)", optarg,
						       nsbox_kind_list());
			break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("probe", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("probe", "show takes the probe's NAME (see 'nsbox probe ls')");
	if (optind + 1 < argc) {
		if (nsbox_group_ref_parse(argv[optind + 1], &kind, &id))
			return nsbox_usage_err("probe", "'%s' is not KIND:ID (e.g. cgroup2:79; kinds: %s)",
					       argv[optind + 1], nsbox_kind_list());
		has_id = 1;
		if (optind + 2 < argc)
			return nsbox_usage_err("probe", "unexpected argument '%s'", argv[optind + 2]);
	}
	if (nsbox_probe_get(nl, argv[optind], &p, &e))
		return report("show", argv[optind], &e);
	if (nsbox_probe_stats(nl, argv[optind], &s, &n, &e))
		return report("show", argv[optind], &e);
	/* cgroup paths, when there are cgroups to show */
	if (kind < 0 || kind == NSBOX_KIND_CGROUP2) {
		ret = fetch_groups(nl, NSBOX_KIND_CGROUP2, NULL, &rows, &nrows);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < n; i++)
		if ((kind < 0 || s[i].kind == kind) && (!has_id || s[i].id == id))
			s[m++] = s[i];
	if (json) {
		json_object *root = show_json(&p, s, m, rows, nrows);

		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
		json_object_put(root);
	} else {
		show_text(&p, s, m, rows, nrows);
	}
	return NSBOX_EXIT_OK;
}

int cmd_probe(int argc, char **argv)
{
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	const char *sub = argc > 1 ? argv[1] : NULL;
	int ret;

	if (!sub)
		return nsbox_usage_err("probe", "add, ls, rm or show?");
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		usage(stdout);
		return NSBOX_EXIT_OK;
	}
	if (strcmp(sub, "add") && strcmp(sub, "ls") && strcmp(sub, "rm") && strcmp(sub, "show"))
		return nsbox_usage_err("probe", "unknown subcommand '%s' (add, ls, rm, show)", sub);
	/* help needs no module */
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			if (!strcmp(sub, "ls"))
				nsbox_table_options_help(stdout, "probes", "name,calls");
			return NSBOX_EXIT_OK;
		}
	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	if (!strcmp(sub, "add"))
		return probe_add(&nl, argc - 1, argv + 1);
	if (!strcmp(sub, "ls"))
		return probe_ls(&nl, argc - 1, argv + 1);
	if (!strcmp(sub, "rm"))
		return probe_rm(&nl, argc - 1, argv + 1);
	return probe_show(&nl, argc - 1, argv + 1);
}
