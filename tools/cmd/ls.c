// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox ls - the boxes: their state, namespaces and, when nsbox.ko is
 * loaded, the module's accounting of each box's cgroup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/nsbox.h>
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "kind.h"
#include "procmem.h"
#include "table.h"
#include "units.h"
#include "util.h"
/* ---- ls -------------------------------------------------------------- */

enum { C_NAME, C_STATUS, C_PID, C_IP, C_PORTS, C_CGROUP_ID, C_UPTIME, C_RESTARTS, C_LAST_EXIT,
       C_STARTED, C_RESTART, C_NET, C_VIEWS, C_COMMAND,
       C_NS0, C_PROCS = C_NS0 + BOX_NS_KINDS, C_THREADS, C_CPU, C_RSS, C_FORKS,
       C_OOM, C_LOAD1, C_PSS, NCOLS };

static const struct nsbox_col columns[NCOLS] = {
	[C_NAME] = { "name", NSBOX_COL_TEXT, true, "box name", 0 },
	[C_STATUS] = { "status", NSBOX_COL_TEXT, true, "running, exited (with its code), starting, stale", 0 },
	[C_PID] = { "pid", NSBOX_COL_NUM, true, "PID 1 of the box, as the host sees it", 0 },
	[C_IP] = { "ip", NSBOX_COL_TEXT, true, "address on nsbox0 (--net bridge)", 0 },
	[C_PORTS] = { "ports", NSBOX_COL_TEXT, true, "published ports (-p): [ADDR:]HOSTPORT:BOXPORT/PROTO, comma-separated", 0 },
	[C_CGROUP_ID] = { "cgroup_id", NSBOX_COL_NUM, false, "the box's cgroup id", 0 },
	[C_UPTIME] = { "uptime", NSBOX_COL_SECS, true, "seconds since the box started", 0 },
	[C_RESTARTS] = { "restarts", NSBOX_COL_NUM, true, "how often the monitor started the box again (--restart)", 0 },
	[C_LAST_EXIT] = { "last_exit", NSBOX_COL_TEXT, false, "how its last run ended: exit N, killed by signal N", 0 },
	[C_STARTED] = { "started", NSBOX_COL_TEXT, false, "when its PID 1 last started (UTC)", 0 },
	[C_RESTART] = { "restart", NSBOX_COL_TEXT, false, "the --restart policy: no, on-failure[:N], always", 0 },
	[C_NET] = { "net", NSBOX_COL_TEXT, false, "network mode", 0 },
	[C_VIEWS] = { "views", NSBOX_COL_TEXT, false, "the box's own files in place of the machine's: meminfo, loadavg, cpuinfo, stat, swaps, cpu_online, uptime (docs/views.md)", 0 },
	[C_COMMAND] = { "command", NSBOX_COL_TEXT, true, "the command", 0 },
	[C_NS0 + 0] = { "mnt", NSBOX_COL_NUM, false, "mount namespace id", 0 },
	[C_NS0 + 1] = { "pid_ns", NSBOX_COL_NUM, false, "pid namespace id", 0 },
	[C_NS0 + 2] = { "net_ns", NSBOX_COL_NUM, false, "network namespace id", 0 },
	[C_NS0 + 3] = { "uts", NSBOX_COL_NUM, false, "UTS namespace id", 0 },
	[C_NS0 + 4] = { "ipc", NSBOX_COL_NUM, false, "IPC namespace id", 0 },
	[C_NS0 + 5] = { "user", NSBOX_COL_NUM, false, "user namespace id", 0 },
	[C_NS0 + 6] = { "cgroup_ns", NSBOX_COL_NUM, false, "cgroup namespace id", 0 },
	[C_NS0 + 7] = { "time", NSBOX_COL_NUM, false, "time namespace id", 0 },
	[C_PROCS] = { "procs", NSBOX_COL_NUM, true, "nsbox.ko: live processes in the box's cgroup",
		      NSBOX_GROUP_A_PROCS },
	[C_THREADS] = { "threads", NSBOX_COL_NUM, false, "nsbox.ko: live tasks", NSBOX_GROUP_A_THREADS },
	[C_CPU] = { "cpu_ns", NSBOX_COL_NS, true, "nsbox.ko: CPU time, ns", NSBOX_GROUP_A_CPU_NS },
	[C_RSS] = { "rss_bytes", NSBOX_COL_BYTES, true, "nsbox.ko: resident memory",
		    NSBOX_GROUP_A_RSS_BYTES },
	[C_FORKS] = { "forks", NSBOX_COL_NUM, false, "nsbox.ko: tasks created", NSBOX_GROUP_A_FORKS },
	[C_OOM] = { "oom_kills", NSBOX_COL_NUM, false, "nsbox.ko: OOM kills", NSBOX_GROUP_A_OOM_KILLS },
	[C_LOAD1] = { "load1", NSBOX_COL_TEXT, false, "nsbox.ko: load average, 1 min",
		      NSBOX_GROUP_A_LOAD1 },
	[C_PSS] = { "pss_bytes", NSBOX_COL_BYTES, false, "PSS of the box's processes (nsbox mem); read only when -o names it: a page-table walk", 0 },
};


struct ls_row {
	struct box_state s;
	const char *status;
	bool running;
	uint64_t ns[BOX_NS_KINDS];
	const struct group_row *acct;	/* the module's, of the box's cgroup */
	long long uptime;
	bool has_pss;			/* -o ...,pss_bytes: read whole */
	uint64_t pss;
};

static const char *ls_cell(const void *r, int col, char *buf, size_t len)
{
	const struct ls_row *row = r;

	switch (col) {
	case C_NAME:
		return row->s.name;
	case C_STATUS:
		if (!strcmp(row->status, "exited"))
			snprintf(buf, len, "exited(%d)", row->s.exit_code);
		else
			snprintf(buf, len, "%s", row->status);
		return buf;
	case C_PID:
		if (!row->running)
			return NULL;
		snprintf(buf, len, "%d", row->s.pid);
		return buf;
	case C_IP:
		return row->s.ip[0] ? row->s.ip : NULL;
	case C_PORTS:
		return row->s.ports[0] ? row->s.ports : NULL;
	case C_CGROUP_ID:
		if (!row->s.cgroup_id)
			return NULL;
		snprintf(buf, len, "%" PRIu64, row->s.cgroup_id);
		return buf;
	case C_UPTIME:
		if (!row->running)
			return NULL;
		snprintf(buf, len, "%lld", row->uptime);
		return buf;
	case C_RESTARTS:
		snprintf(buf, len, "%d", row->s.restarts);
		return buf;
	case C_LAST_EXIT:
		/* a box that has not ended once has no last exit */
		if (!row->s.restarts && strcmp(row->status, "exited"))
			return NULL;
		box_exit_format(row->s.exit_code, buf, len);
		return buf;
	case C_STARTED: {
		time_t t = row->s.started;
		struct tm tm;

		if (!t || !gmtime_r(&t, &tm))
			return NULL;
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return buf;
	}
	case C_RESTART:
		return row->s.restart[0] ? row->s.restart : "no";
	case C_NET:
		return row->s.net;
	case C_VIEWS:
		return row->s.views[0] ? row->s.views : NULL;
	case C_COMMAND:
		return row->s.command;
	default:
		break;
	}
	if (col == C_PSS) {
		if (!row->has_pss)
			return NULL;
		snprintf(buf, len, "%" PRIu64, row->pss);
		return buf;
	}
	if (col >= C_NS0 && col < C_NS0 + BOX_NS_KINDS) {
		if (!row->ns[col - C_NS0])
			return NULL;
		snprintf(buf, len, "%" PRIu64, row->ns[col - C_NS0]);
		return buf;
	}
	/* a value the module did not send is not there, not 0 */
	if (!row->acct || !row->acct->has[columns[col].attr])
		return NULL;
	if (col == C_LOAD1)
		return nsbox_load_format(row->acct->v[NSBOX_GROUP_A_LOAD1], buf, len);
	snprintf(buf, len, "%" PRIu64, row->acct->v[columns[col].attr]);
	return buf;
}

/*
 * The module's groups of every cgroup (one GET_GROUP dump, the decoder
 * `nsbox groups` uses), fetched the first time a box needs them: the
 * cgroups this user may see, so a box it may not see has no numbers
 * rather than an error.  Nothing if the module is not loaded.
 */
struct acct {
	struct nsbox_nl *nl;
	bool fetched;
	struct group_row *rows;
	size_t n;
};

static const struct group_row *find_acct(struct acct *a, uint64_t cgroup_id)
{
	if (!a->nl->sk || !cgroup_id)
		return NULL;
	if (!a->fetched) {
		a->fetched = true;
		struct group_query q = GROUP_QUERY_ALL;

		q.kind = NSBOX_KIND_CGROUP2;
		q.max_age_ms = NSBOX_DEFAULT_MAX_AGE_MS;
		q.flags = NSBOX_DUMP_PACKED;
		if (fetch_groups_q(a->nl, &q, &a->rows, &a->n))
			a->n = 0;
	}
	return nsbox_group_row_find(a->rows, a->n, NSBOX_KIND_CGROUP2, cgroup_id);
}

static void ls_usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox ls [-J] [-r] [-n] [-o LIST]\n"
		"\n"
		"List boxes: state, namespaces and, when nsbox.ko is loaded, the\n"
		"module's accounting of each box's cgroup.\n"
		"\n"
		"  -h, --help         this help\n");
	nsbox_table_options_help(out, "boxes", "name,pid,net_ns,cpu_ns");
	if (out == stdout)
		nsbox_table_help(columns, NCOLS);
}

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		NSBOX_TABLE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nsbox_table_opts o = { 0 };
	struct acct acct = { .nl = &nl };
	struct nsbox_table t;
	struct timespec now;
	bool want_pss = false;
	char **names;
	int c, n, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, NSBOX_TABLE_SHORTOPTS "h", opts, NULL)) != -1) {
		if (c == 'h') {
			ls_usage(stdout);
			return NSBOX_EXIT_OK;
		}
		if (!nsbox_table_opt(c, optarg, &o))
			return nsbox_usage_err("ls", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return nsbox_usage_err("ls", "unexpected argument '%s'", argv[optind]);
	ret = nsbox_table_init(&t, columns, NCOLS, &o, "boxes", "ls");
	if (ret)
		return ret;
	/* PSS walks page tables: only when asked for by name, not by -J alone */
	for (size_t i = 0; o.columns && i < t.nsel; i++)
		want_pss |= t.sel[i] == C_PSS;
	/* The accounting columns stay empty when the module is not loaded. */
	if (access("/sys/module/nsbox", F_OK) == 0 && nsbox_nl_open(&nl)) {
		nsbox_nl_close(&nl);
		memset(&nl, 0, sizeof(nl));
	}
	/* a state root planted by another user: its boxes are none of ours */
	if (box_state_root_check()) {
		nsbox_table_free(&t);
		return NSBOX_EXIT_FAIL;
	}
	n = box_list(&names);
	if (n < 0) {
		nsbox_table_free(&t);
		nsbox_err("ls: cannot read %s: %s", box_state_root(), strerror(errno));
		return NSBOX_EXIT_FAIL;
	}
	clock_gettime(CLOCK_BOOTTIME, &now);
	for (int i = 0; !ret && i < n; i++) {
		struct ls_row row = { 0 };

		if (box_state_read(names[i], &row.s))
			continue;
		row.status = box_status(&row.s);
		row.running = !strcmp(row.status, "running");
		if (row.running) {
			long hz = sysconf(_SC_CLK_TCK);
			pid_t nsp = box_ns_pid(&row.s);

			row.uptime = now.tv_sec - (long long)(row.s.pid_start / (hz > 0 ? hz : 100));
			for (int k = 0; k < BOX_NS_KINDS; k++) {
				char p[64];
				struct stat st;

				snprintf(p, sizeof(p), "/proc/%d/ns/%s", nsp, nsbox_kind_name(k));
				if (stat(p, &st) == 0)
					row.ns[k] = st.st_ino;
			}
		}
		if (row.running)
			row.acct = find_acct(&acct, row.s.cgroup_id);
		if (row.running && want_pss && nl.sk && row.s.cgroup_id) {
			struct procmem m;
			uint64_t unread;

			row.has_pss = !nsbox_group_mem(&nl, NSBOX_KIND_CGROUP2, row.s.cgroup_id,
						       &m, &unread) && !unread;
			row.pss = m.pss;
			if (!row.has_pss)
				nsbox_err("ls: warning: box '%s': the memory of its processes could "
					  "not be read whole: no PSS", row.s.name);
		}
		ret = nsbox_table_add(&t, &row, ls_cell);
	}
	box_list_free(names, n);
	free(acct.rows);
	if (!ret)
		ret = nsbox_table_print(&t);
	nsbox_table_free(&t);
	return ret;
}

