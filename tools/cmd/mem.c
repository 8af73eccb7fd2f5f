// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox mem - what a group really costs in memory: VSS, RSS, PSS, USS,
 * swap and the pages only its processes map ("unique": what removing the
 * group would free), summed over the group's processes.
 *
 * The module names each group's tasks (one GET_TASK dump); the numbers are
 * the kernel's own per-process files (lib/procmem.c), read here on demand:
 * a page-table walk per process, too costly for `groups`, `top` or a
 * scrape.  Why here and not in nsbox.ko: docs/memory.md.  A process we may
 * not read (the ptrace rule, as for `ps`) is named, never summed as 0.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/nsbox.h>
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "kind.h"
#include "procmem.h"
#include "table.h"
#include "taskfetch.h"
#include "util.h"

enum { C_GROUP, C_BOX, C_PROCS, C_UNREAD, C_VSS, C_RSS, C_RSS_ANON, C_RSS_FILE, C_RSS_SHMEM,
       C_PSS, C_PSS_ANON, C_PSS_FILE, C_PSS_SHMEM, C_USS, C_UNIQUE, C_SWAP, C_SWAP_PSS,
       C_UNREAD_PIDS, NCOLS };

static const struct nsbox_col columns[NCOLS] = {
	[C_GROUP] = { "group", NSBOX_COL_TEXT, true, "KIND:ID", 0 },
	[C_BOX] = { "box", NSBOX_COL_TEXT, true, "the box whose cgroup it is", 0 },
	[C_PROCS] = { "procs", NSBOX_COL_NUM, true, "processes read", 0 },
	[C_UNREAD] = { "unread", NSBOX_COL_NUM, true, "processes that could not be read (not in the sums)", 0 },
	[C_VSS] = { "vss_bytes", NSBOX_COL_BYTES, false, "virtual size: every mapping, touched or not", 0 },
	[C_RSS] = { "rss_bytes", NSBOX_COL_BYTES, true, "resident: each process's pages in memory, shared ones counted in full", 0 },
	[C_RSS_ANON] = { "rss_anon_bytes", NSBOX_COL_BYTES, false, "resident anonymous pages (the mm's counter)", 0 },
	[C_RSS_FILE] = { "rss_file_bytes", NSBOX_COL_BYTES, false, "resident file pages (the mm's counter)", 0 },
	[C_RSS_SHMEM] = { "rss_shmem_bytes", NSBOX_COL_BYTES, false, "resident shared memory, tmpfs (the mm's counter)", 0 },
	[C_PSS] = { "pss_bytes", NSBOX_COL_BYTES, true, "proportional: each page divided by the processes mapping it", 0 },
	[C_PSS_ANON] = { "pss_anon_bytes", NSBOX_COL_BYTES, false, "PSS of anonymous pages", 0 },
	[C_PSS_FILE] = { "pss_file_bytes", NSBOX_COL_BYTES, false, "PSS of file pages", 0 },
	[C_PSS_SHMEM] = { "pss_shmem_bytes", NSBOX_COL_BYTES, false, "PSS of shared memory", 0 },
	[C_USS] = { "uss_bytes", NSBOX_COL_BYTES, true, "unique set: pages each process alone maps, summed", 0 },
	[C_UNIQUE] = { "unique_bytes", NSBOX_COL_BYTES, true, "pages no process outside the group maps: what removing it frees (root)", 0 },
	[C_SWAP] = { "swap_bytes", NSBOX_COL_BYTES, true, "swapped out", 0 },
	[C_SWAP_PSS] = { "swap_pss_bytes", NSBOX_COL_BYTES, false, "swap, divided as PSS is", 0 },
	[C_UNREAD_PIDS] = { "unread_pids", NSBOX_COL_TEXT, false, "the processes not read, and why", 0 },
};

struct mem_row {
	int kind;
	uint64_t id;
	char box[BOX_NAME_MAX + 1];
	uint64_t procs, unread;
	struct procmem m;
	bool has_unique;
	uint64_t unique;
	char why[512];			/* "PID: reason, ..." */
	char ref[64];
};

static void mem_cell(const void *r, int col, struct nsbox_cell *c)
{
	const struct mem_row *row = r;
	const uint64_t *v[NCOLS] = {
		[C_VSS] = &row->m.vss, [C_RSS] = &row->m.rss, [C_RSS_ANON] = &row->m.rss_anon,
		[C_RSS_FILE] = &row->m.rss_file, [C_RSS_SHMEM] = &row->m.rss_shmem,
		[C_PSS] = &row->m.pss, [C_PSS_ANON] = &row->m.pss_anon,
		[C_PSS_FILE] = &row->m.pss_file, [C_PSS_SHMEM] = &row->m.pss_shmem,
		[C_USS] = &row->m.uss, [C_SWAP] = &row->m.swap, [C_SWAP_PSS] = &row->m.swap_pss,
		[C_PROCS] = &row->procs, [C_UNREAD] = &row->unread, [C_UNIQUE] = &row->unique,
	};

	c->kind = NSBOX_CELL_NONE;
	switch (col) {
	case C_GROUP:
		c->kind = NSBOX_CELL_STR;
		c->s = row->ref;
		break;
	case C_BOX:
		if (row->box[0]) {
			c->kind = NSBOX_CELL_STR;
			c->s = row->box;
		}
		break;
	case C_UNREAD_PIDS:
		if (row->why[0]) {
			c->kind = NSBOX_CELL_STR;
			c->s = row->why;
		}
		break;
	case C_UNIQUE:
		if (!row->has_unique)
			break;
		/* fall through */
	default:
		c->kind = NSBOX_CELL_U64;
		c->u = *v[col];
		break;
	}
	if (c->kind == NSBOX_CELL_STR)
		c->len = strlen(c->s);
}

/* The processes of one group, from the task dump: distinct, sorted. */
static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static size_t group_pids(const struct task_row *t, size_t n, int kind, uint64_t id,
			 pid_t *pids)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (t[i].v[NSBOX_TASK_A_MNTNS + kind] == id && t[i].v[NSBOX_TASK_A_PID])
			pids[k++] = (pid_t)t[i].v[NSBOX_TASK_A_PID];
	qsort(pids, k, sizeof(*pids), cmp_pid);
	if (k) {
		size_t u = 1;

		for (size_t i = 1; i < k; i++)
			if (pids[i] != pids[u - 1])
				pids[u++] = pids[i];
		k = u;
	}
	return k;
}

static void note_unread(struct mem_row *row, pid_t pid, int err)
{
	size_t len = strlen(row->why);

	row->unread++;
	if (len < sizeof(row->why) - 1)
		snprintf(row->why + len, sizeof(row->why) - len, "%s%d: %s", len ? ", " : "",
			 (int)pid, strerror(-err));
}

/*
 * Sum @pids into @row.  *@frames_hidden: the kernel would not show us the
 * page frames (not root): no "unique".
 */
static int measure(struct mem_row *row, const pid_t *pids, size_t n, bool want_unique,
		   bool *frames_hidden)
{
	struct pfnlist l = { .budget = PROCMEM_PAGEMAP_BUDGET };
	bool unique = want_unique;
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		struct procmem m;
		int err = procmem_read(pids[i], &m);

		/* gone meanwhile, or a kernel thread: nothing of it to count */
		if (err == -ENOENT || err == -ENODATA)
			continue;
		if (err) {
			note_unread(row, pids[i], err);
			continue;
		}
		procmem_add(&row->m, &m);
		row->procs++;
		if (!unique)
			continue;
		err = procmem_pages(pids[i], &l);
		if (err == -EPERM || err == -EACCES) {
			*frames_hidden = true;
			unique = false;
		} else if (err == -ENOMEM) {
			ret = err;
			break;
		} else if (err == -E2BIG) {
			unique = false;
			nsbox_err("mem: warning: %s maps more than %llu GiB with pages in memory: "
				  "its unique pages are not counted (a pagemap read of that size)",
				  row->ref, PROCMEM_PAGEMAP_BUDGET * 4096 >> 30);
		} else if (err && err != -ENOENT) {
			/* its frames unknown: "unique" would claim pages others map */
			unique = false;
		}
	}
	if (!ret && unique && !row->unread) {
		ret = procmem_unique(&l, &row->unique);
		row->has_unique = !ret;
		if (ret == -EACCES || ret == -EPERM) {
			*frames_hidden = true;
			ret = 0;
		}
	}
	pfnlist_free(&l);
	return ret;
}

int nsbox_group_mem(struct nsbox_nl *nl, int kind, uint64_t id, struct procmem *sum,
		    uint64_t *unread)
{
	_cleanup_free_ struct task_row *tasks = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct mem_row row = { 0 };
	struct nsbox_nl_error e;
	bool hidden = false;
	size_t n = 0, np;
	int ret;

	ret = fetch_tasks(nl, kind, id, &tasks, &n, &e);
	if (ret < 0)
		return ret;
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	np = group_pids(tasks, n, kind, id, pids);
	ret = measure(&row, pids, np, false, &hidden);
	*sum = row.m;
	*unread = row.unread;
	return ret;
}

/* The box of each cgroup id (boxes of this user), for the box column. */
static void box_of(uint64_t cgroup_id, char *name, size_t len)
{
	static char **names;
	static struct box_state *st;
	static int n = -2;

	if (n == -2) {
		n = box_list(&names);
		st = n > 0 ? calloc(n, sizeof(*st)) : NULL;
		for (int i = 0; st && i < n; i++)
			if (box_state_read(names[i], &st[i]))
				st[i].cgroup_id = 0;
	}
	name[0] = '\0';
	for (int i = 0; st && i < n; i++) {
		if (st[i].cgroup_id == cgroup_id && !strcmp(box_status(&st[i]), "running")) {
			snprintf(name, len, "%s", st[i].name);
			return;
		}
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox mem [-J] [-r] [-n] [-b] [-o LIST] [-k KIND] [KIND:ID|BOX]...\n"
		"\n"
		"What each group's processes really use in memory: VSS, RSS, PSS (a\n"
		"shared page divided among the processes mapping it), USS (private\n"
		"pages), swap, and 'unique': the pages no process outside the group\n"
		"maps, what removing the group would free (root: it needs the page\n"
		"frames).  Read from /proc on demand: it walks the page tables of every\n"
		"process, about 2 MiB of pagemap per GiB mapped (docs/memory.md).\n"
		"Without arguments, every group of KIND (default cgroup2) this user\n"
		"may see; BOX is a box's name (its cgroup).\n"
		"\n"
		"  -k, --kind KIND    the groups to list without arguments (%s)\n"
		"  -h, --help         this help\n", nsbox_kind_list());
	nsbox_table_options_help(out, "groups", "group,box,pss_bytes,unique_bytes");
	if (out == stdout)
		nsbox_table_help(columns, NCOLS);
	if (out == stdout)
		fprintf(out,
			"\nA process that cannot be read (another user's, under the ptrace rule)\n"
			"is counted in 'unread', named on stderr and in 'unread_pids', and left\n"
			"out of the sums; 'unique' is then not given.\n");
}

struct target {
	int kind;
	uint64_t id;
	const char *box;
};

static int parse_targets(int argc, char **argv, struct target **out, size_t *n)
{
	struct target *t = calloc(argc ? argc : 1, sizeof(*t));

	if (!t)
		return nsbox_usage_err("mem", "out of memory");
	*n = 0;
	for (int i = 0; i < argc; i++) {
		struct box_state s;

		if (!nsbox_group_ref_parse(argv[i], &t[*n].kind, &t[*n].id)) {
			(*n)++;
			continue;
		}
		if (box_state_read(argv[i], &s) || !s.cgroup_id) {
			free(t);
			return nsbox_usage_err("mem", "'%s' is neither KIND:ID (e.g. cgroup2:1234; "
					       "kinds: %s) nor a box of yours ('nsbox ls')",
					       argv[i], nsbox_kind_list());
		}
		t[*n].kind = NSBOX_KIND_CGROUP2;
		t[*n].id = s.cgroup_id;
		t[*n].box = argv[i];
		(*n)++;
	}
	*out = t;
	return 0;
}

/* Every group of @kind some task is in, as targets. */
static int all_targets(const struct task_row *tasks, size_t n, int kind, struct target **out,
		       size_t *nt)
{
	struct target *t = calloc(n ? n : 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	*nt = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = tasks[i].v[NSBOX_TASK_A_MNTNS + kind];
		size_t j;

		for (j = 0; j < *nt && t[j].id != id; j++)
			;
		if (j == *nt && id) {
			t[*nt].kind = kind;
			t[(*nt)++].id = id;
		}
	}
	*out = t;
	return 0;
}

int cmd_mem(int argc, char **argv)
{
	static const struct option opts[] = {
		NSBOX_TABLE_OPTIONS,
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nsbox_table_opts o = { 0 };
	_cleanup_free_ struct task_row *tasks = NULL;
	_cleanup_free_ struct target *targets = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	bool hidden = false, unseen = false, named;
	size_t unread = 0;
	int kind = NSBOX_KIND_CGROUP2, c, ret;
	struct nsbox_nl_error e;
	struct nsbox_table t;
	size_t n = 0, nt = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, NSBOX_TABLE_SHORTOPTS "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		case 'k':
			kind = nsbox_kind_parse(optarg);
			if (kind < 0)
				return nsbox_usage_err("mem", "unknown kind '%s' (kinds: %s)", optarg,
						       nsbox_kind_list());
			break;
		default:
			if (nsbox_table_opt(c, optarg, &o))
				break;
			return nsbox_usage_err("mem", "unknown option '%s'", argv[optind - 1]);
		}
	}
	ret = parse_targets(argc - optind, argv + optind, &targets, &nt);
	if (ret)
		return ret;
	named = nt > 0;
	ret = nsbox_table_init(&t, columns, NCOLS, &o, "groups", "mem");
	if (ret)
		return ret;
	ret = nsbox_nl_open(&nl);
	if (ret)
		goto out;
	if (fetch_tasks(&nl, -1, 0, &tasks, &n, &e) < 0) {
		ret = nsbox_nl_report("GET_TASK", &e);
		goto out;
	}
	if (!nt) {
		free(targets);
		targets = NULL;
		if (all_targets(tasks, n, kind, &targets, &nt)) {
			nsbox_err("mem: out of memory");
			ret = NSBOX_EXIT_FAIL;
			goto out;
		}
	}
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids) {
		nsbox_err("mem: out of memory");
		ret = NSBOX_EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; !ret && i < nt; i++) {
		struct mem_row row = { .kind = targets[i].kind, .id = targets[i].id };
		size_t np = group_pids(tasks, n, row.kind, row.id, pids);

		snprintf(row.ref, sizeof(row.ref), "%s:%" PRIu64, nsbox_kind_name(row.kind), row.id);
		/*
		 * The module shows a user only the tasks it may ptrace-read:
		 * a group of none of those is not a group of 0 bytes.
		 */
		if (named && !np && geteuid()) {
			nsbox_err("mem: %s: none of its processes is one this user may see (the "
				  "ptrace rule, as for nsbox ps), or it has none: nothing to sum",
				  row.ref);
			unseen = true;
			continue;
		}
		if (targets[i].box)
			snprintf(row.box, sizeof(row.box), "%s", targets[i].box);
		else if (row.kind == NSBOX_KIND_CGROUP2)
			box_of(row.id, row.box, sizeof(row.box));
		if (measure(&row, pids, np, true, &hidden)) {
			nsbox_err("mem: out of memory reading the page frames of %s", row.ref);
			ret = NSBOX_EXIT_FAIL;
			break;
		}
		/* named groups: each said; all groups: counted, said once below */
		if (row.unread && named)
			nsbox_err("mem: warning: %s: %" PRIu64 " process(es) could not be read and "
				  "are not in its sums (%s)", row.ref, row.unread, row.why);
		unread += !!row.unread;
		ret = nsbox_table_add_typed(&t, &row, mem_cell);
	}
	if (!ret && hidden)
		nsbox_err("mem: warning: 'unique' needs the page frames, which the kernel shows "
			  "to root only (/proc/PID/pagemap, /proc/kpagecount): not given");
	if (!ret && unread && !named)
		nsbox_err("mem: warning: %zu group(s) hold processes this user may not read (the "
			  "ptrace rule): their sums leave them out (columns unread, unread_pids)",
			  unread);
	if (!ret)
		ret = nsbox_table_print(&t);
	/* a group asked for by name and not read whole: the status says it too */
	if (!ret && (unseen || (unread && named)))
		ret = NSBOX_EXIT_PERM;
out:
	nsbox_table_free(&t);
	return ret;
}
