// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox ls / exec / stop / rm - boxes after `nsbox run` started them.
 *
 * exec joins a running box the way the kernel allows: setns() into each
 * of the box's namespaces, read from /proc/PID/ns/ of its PID 1 (user
 * first: it grants the capabilities needed for the others; mnt last: it
 * changes what "/proc" means), then a child created by clone3() directly
 * in the box's cgroup -- a pid namespace applies to children only -- with
 * the same capability, no_new_privs and seccomp setup as the box itself.
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
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "../uapi/linux/nsbox.h"
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "table.h"
#include "util.h"

/* Look a box up by name, with a clear message if there is none. */
static int find_box(const char *cmd, const char *name, struct box_state *s)
{
	int err = box_state_read(name, s);

	if (err == -ENOENT) {
		nsbox_err("%s: no box named '%s' (see 'nsbox ls')", cmd, name);
		return NSBOX_EXIT_FAIL;
	}
	if (err) {
		nsbox_err("%s: cannot read the state of box '%s': %s", cmd, name, strerror(-err));
		return NSBOX_EXIT_FAIL;
	}
	return NSBOX_EXIT_OK;
}

/*
 * Whose /proc/PID/ns/ to read: the command's, the first child of the
 * box's PID 1.  In a box with a user namespace only the command is in the
 * box's own user and mount namespaces (box_init.c); and PID 1 is not
 * dumpable and never called execve(), so only root may open its ns files
 * anyway.  PID 1 itself if it has no child (yet).
 */
static pid_t ns_pid(const struct box_state *s)
{
	char path[64], buf[512];
	struct dirent *de;
	pid_t found = 0;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", s->pid, s->pid);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%d", &found) != 1)
			found = 0;
		fclose(f);
		if (found > 0)
			return found;
	}
	d = opendir("/proc");
	while (d && !found && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		const char *p;
		int ppid;

		if (pid <= 0)
			continue;
		p = box_proc_stat(pid, buf, sizeof(buf));
		if (p && sscanf(p, "%*c %d", &ppid) == 1 && ppid == s->pid)
			found = pid;
	}
	if (d)
		closedir(d);
	return found ? found : s->pid;
}

/* ---- ls -------------------------------------------------------------- */

enum { C_NAME, C_STATUS, C_PID, C_IP, C_CGROUP_ID, C_UPTIME, C_NET, C_COMMAND,
       C_NS0, C_PROCS = C_NS0 + BOX_NS_KINDS, C_THREADS, C_CPU, C_RSS, C_FORKS,
       C_OOM, C_LOAD1, NCOLS };

static const struct nsbox_col columns[NCOLS] = {
	[C_NAME] = { "name", false, true, "box name", 0 },
	[C_STATUS] = { "status", false, true, "running, exited (with its code), stale", 0 },
	[C_PID] = { "pid", true, true, "PID 1 of the box, as the host sees it", 0 },
	[C_IP] = { "ip", false, true, "address on nsbox0 (--net bridge)", 0 },
	[C_CGROUP_ID] = { "cgroup_id", true, false, "the box's cgroup id", 0 },
	[C_UPTIME] = { "uptime", true, true, "seconds since the box started", 0 },
	[C_NET] = { "net", false, false, "network mode", 0 },
	[C_COMMAND] = { "command", false, true, "the command", 0 },
	[C_NS0 + 0] = { "mnt", true, false, "mount namespace id", 0 },
	[C_NS0 + 1] = { "pid_ns", true, false, "pid namespace id", 0 },
	[C_NS0 + 2] = { "net_ns", true, false, "network namespace id", 0 },
	[C_NS0 + 3] = { "uts", true, false, "UTS namespace id", 0 },
	[C_NS0 + 4] = { "ipc", true, false, "IPC namespace id", 0 },
	[C_NS0 + 5] = { "user", true, false, "user namespace id", 0 },
	[C_NS0 + 6] = { "cgroup_ns", true, false, "cgroup namespace id", 0 },
	[C_NS0 + 7] = { "time", true, false, "time namespace id", 0 },
	[C_PROCS] = { "procs", true, true, "nsbox.ko: live processes in the box's cgroup",
		      NSBOX_GROUP_A_PROCS },
	[C_THREADS] = { "threads", true, false, "nsbox.ko: live tasks", NSBOX_GROUP_A_THREADS },
	[C_CPU] = { "cpu_ns", true, true, "nsbox.ko: CPU time, ns", NSBOX_GROUP_A_CPU_NS },
	[C_RSS] = { "rss_bytes", true, true, "nsbox.ko: resident memory",
		    NSBOX_GROUP_A_RSS_BYTES },
	[C_FORKS] = { "forks", true, false, "nsbox.ko: tasks created", NSBOX_GROUP_A_FORKS },
	[C_OOM] = { "oom_kills", true, false, "nsbox.ko: OOM kills", NSBOX_GROUP_A_OOM_KILLS },
	[C_LOAD1] = { "load1", false, false, "nsbox.ko: load average, 1 min",
		      NSBOX_GROUP_A_LOAD1 },
};

/* /proc/PID/ns/ names, in the column order above */
static const char *const ns_files[BOX_NS_KINDS] = {
	"mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time",
};

struct ls_row {
	struct box_state s;
	const char *status;
	bool running;
	uint64_t ns[BOX_NS_KINDS];
	bool has_acct;
	uint64_t acct[NSBOX_GROUP_A_MAX + 1];
	long long uptime;
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
	case C_NET:
		return row->s.net;
	case C_COMMAND:
		return row->s.command;
	default:
		break;
	}
	if (col >= C_NS0 && col < C_NS0 + BOX_NS_KINDS) {
		if (!row->ns[col - C_NS0])
			return NULL;
		snprintf(buf, len, "%" PRIu64, row->ns[col - C_NS0]);
		return buf;
	}
	if (!row->has_acct)
		return NULL;
	if (col == C_LOAD1) {
		uint64_t v = row->acct[NSBOX_GROUP_A_LOAD1];

		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, v / 100, v % 100);
	} else {
		snprintf(buf, len, "%" PRIu64, row->acct[columns[col].attr]);
	}
	return buf;
}

static int on_group(struct nl_msg *msg, void *arg)
{
	struct ls_row *row = arg;
	struct nlattr *tb[NSBOX_A_MAX + 1], *g[NSBOX_GROUP_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0 ||
	    !tb[NSBOX_A_GROUP] ||
	    nla_parse_nested(g, NSBOX_GROUP_A_MAX, tb[NSBOX_A_GROUP], NULL) < 0)
		return 0;
	for (int a = 0; a <= NSBOX_GROUP_A_MAX; a++)
		if (g[a] && nla_len(g[a]) == 8)
			row->acct[a] = nla_get_u64(g[a]);
	row->has_acct = true;
	return 0;
}

/* The module's accounting of the box's cgroup, if the module is loaded. */
static void fetch_acct(struct nsbox_nl *nl, struct ls_row *row)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_nl_error e;

	if (!nl->sk || !row->s.cgroup_id || !row->running)
		return;
	msg = nsbox_nl_msg(nl, NSBOX_CMD_GET_GROUP, 0);
	if (!msg || nla_put_u8(msg, NSBOX_A_KIND, NSBOX_KIND_CGROUP2) < 0 ||
	    nla_put_u64(msg, NSBOX_A_ID, row->s.cgroup_id) < 0)
		return;
	nsbox_nl_request(nl, msg, on_group, row, &e);
}

static void ls_usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox ls [-J] [-r] [-n] [-o LIST]\n"
		"\n"
		"List boxes: state, namespaces and, when nsbox.ko is loaded, the\n"
		"module's accounting of each box's cgroup.\n"
		"\n"
		"  -o, --output LIST  columns, e.g. -o name,pid,net_ns,cpu_ns\n"
		"  -J, --json         JSON: {\"boxes\":[{...}]}, every column unless -o\n"
		"  -r, --raw          raw output\n"
		"  -n, --noheadings   no header line\n"
		"  -h, --help         this help\n");
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
	struct nsbox_table t;
	struct timespec now;
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
	/* The accounting columns stay empty when the module is not loaded. */
	if (access("/sys/module/nsbox", F_OK) == 0 && nsbox_nl_open(&nl)) {
		nsbox_nl_close(&nl);
		memset(&nl, 0, sizeof(nl));
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
			pid_t nsp = ns_pid(&row.s);

			row.uptime = now.tv_sec - (long long)(row.s.pid_start / (hz > 0 ? hz : 100));
			for (int k = 0; k < BOX_NS_KINDS; k++) {
				char p[64];
				struct stat st;

				snprintf(p, sizeof(p), "/proc/%d/ns/%s", nsp, ns_files[k]);
				if (stat(p, &st) == 0)
					row.ns[k] = st.st_ino;
			}
		}
		fetch_acct(&nl, &row);
		ret = nsbox_table_add(&t, &row, ls_cell);
	}
	box_list_free(names, n);
	if (!ret)
		ret = nsbox_table_print(&t);
	nsbox_table_free(&t);
	return ret;
}

/* ---- stop ------------------------------------------------------------ */

/* Wait until @pidfd's process has exited, up to @ms (poll, not sleep). */
static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

static int stop_box(const struct box_state *s, int timeout_s)
{
	int pidfd, mfd = -1;

	pidfd = syscall(SYS_pidfd_open, s->pid, 0);
	/* the start time rules out a recycled pid between read and open */
	if (pidfd < 0 || box_proc_start(s->pid) != s->pid_start) {
		if (pidfd >= 0)
			close(pidfd);
		return 0;
	}
	if (s->monitor > 0)
		mfd = syscall(SYS_pidfd_open, s->monitor, 0);
	box_step("kill -TERM %d", s->pid);
	syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	if (!wait_exit(pidfd, timeout_s * 1000)) {
		box_step("kill -KILL %d", s->pid);
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_exit(pidfd, 10000);
	}
	close(pidfd);
	/* let the monitor record the exit status before we return */
	if (mfd >= 0) {
		wait_exit(mfd, 5000);
		close(mfd);
	}
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct box_state s;
	int c, timeout = 10, ret, lock;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 0 || timeout > 3600)
				return nsbox_usage_err("stop", "invalid --timeout '%s': seconds, "
						       "0 to 3600", optarg);
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox stop [-t SECONDS] NAME...\n"
			       "\n"
			       "Stop boxes: SIGTERM to the box's PID 1 (it forwards it to the\n"
			       "command), then SIGKILL if it is still there after --timeout\n"
			       "seconds (default 10).  The box stays listed until 'nsbox rm'.\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("stop", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("stop", "which box? give its NAME");
	for (; optind < argc; optind++) {
		ret = find_box("stop", argv[optind], &s);
		if (ret)
			return ret;
		if (box_running(&s))
			stop_box(&s, timeout);
		/*
		 * A monitor that is gone cannot record the end: do it here,
		 * under the lock (a live monitor holds it while it writes).
		 * The real status is lost with the monitor: say "killed".
		 */
		lock = box_lock();
		if (lock < 0)
			return NSBOX_EXIT_FAIL;
		if (box_state_read(argv[optind], &s) == 0 && !strcmp(s.status, "running") &&
		    !box_running(&s) && (s.monitor <= 0 || kill(s.monitor, 0))) {
			snprintf(s.status, sizeof(s.status), "exited");
			s.exit_code = 128 + SIGKILL;
			box_state_write(&s);
		}
		close(lock);
	}
	return NSBOX_EXIT_OK;
}

/* ---- rm -------------------------------------------------------------- */

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool force = false;
	int c, ret = NSBOX_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox rm [-f] NAME...\n"
			       "\n"
			       "Remove boxes: the cgroup, the veth pair, the OverlayFS upper and\n"
			       "work directories and the state directory.  A running box is\n"
			       "refused unless -f (then it is killed first).  Stale boxes (the\n"
			       "machine or the monitor died) are cleaned up too.\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("rm", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("rm", "which box? give its NAME");
	for (; optind < argc; optind++) {
		struct box_state s;
		int lock;

		if (find_box("rm", argv[optind], &s)) {
			ret = NSBOX_EXIT_FAIL;
			continue;
		}
		if (box_running(&s)) {
			if (!force) {
				nsbox_err("rm: box '%s' is running; stop it first ('nsbox stop %s') "
					  "or use rm -f", s.name, s.name);
				ret = NSBOX_EXIT_FAIL;
				continue;
			}
			stop_box(&s, 0);
		}
		lock = box_lock();
		if (lock < 0)
			return NSBOX_EXIT_FAIL;
		/* under the lock: no `nsbox run` is half-way through this box */
		if (box_state_read(argv[optind], &s) == 0) {
			if (box_running(&s) && !force) {
				nsbox_err("rm: box '%s' started meanwhile; stop it first", s.name);
				ret = NSBOX_EXIT_FAIL;
			} else if (box_running(&s)) {
				close(lock);
				stop_box(&s, 0);
				lock = box_lock();
				if (lock < 0)
					return NSBOX_EXIT_FAIL;
				if (box_state_read(argv[optind], &s) == 0 && box_destroy(&s))
					ret = NSBOX_EXIT_FAIL;
			} else if (box_destroy(&s)) {
				ret = NSBOX_EXIT_FAIL;
			}
		}
		close(lock);
	}
	return ret;
}

/* ---- exec ------------------------------------------------------------ */

/* exec's own failures: never a status the command could have exited with
 * by itself in the usual conventions (126, 127 are "cannot run"/"not found"). */
#define EXEC_FAIL 125

static noreturn void exec_child(struct box_config *c, const struct box_state *s,
				 int cgns_fd)
{
	/*
	 * The cgroup namespace last, from inside the box's cgroup: clone3()
	 * refuses CLONE_INTO_CGROUP (ENOENT) when the caller's own cgroup is
	 * outside its cgroup namespace, which it would be after joining it.
	 */
	if (cgns_fd >= 0 && setns(cgns_fd, CLONE_NEWCGROUP))
		box_fail("cannot join the cgroup namespace: %s", strerror(errno));
	/* Nothing of the caller's may stay open in the box. */
	close_range(3, ~0U, 0);
	prctl(PR_SET_DUMPABLE, 0);	/* until execve(): /proc/PID/fd closed to the box */
	if (s->ns & CLONE_NEWUSER) {
		/* root of the box's user namespace, as its command is */
		if (setgroups(0, NULL) && errno != EPERM)
			box_fail("setgroups: %s", strerror(errno));
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
			box_fail("become root of the box's user namespace: %s", strerror(errno));
	}
	box_sec_apply(s->caps, s->allow);
	if (chdir(c->workdir ? c->workdir : "/"))
		box_fail("--workdir %s: %s", c->workdir, strerror(errno));
	environ = box_environ(c);
	execvp(c->argv[0], c->argv);
	box_fail_status = errno == ENOENT ? 127 : 126;
	box_fail("cannot run %s in the box: %s", c->argv[0], strerror(errno));
}

/*
 * Join the box, in the command's namespaces (PID 1's are the same but for
 * the user and mount ones: box_init.c).  The order is the kernel's: a
 * namespace may be joined with CAP_SYS_ADMIN over its owner.  In a box
 * with a user namespace, pid, net, uts, ipc and time belong to PID 1's
 * user namespace -- the host's for root's boxes; for a rootless box the
 * outer one, the parent of the command's (NS_GET_PARENT), joined first --
 * so they come before the command's own user namespace, then its mount
 * namespace, where the box's mounts are locked.  The cgroup namespace is
 * joined by the child.
 */
static const int join_order[] = {
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWTIME,
	CLONE_NEWUSER, CLONE_NEWNS,
};

static int join_one(const struct box_state *s, pid_t cmd, int fd, int type)
{
	box_step("nsenter --%s=/proc/%d/ns/%s", box_ns_name(type), cmd, box_ns_name(type));
	if (setns(fd, type)) {
		nsbox_err("exec: cannot join the %s namespace of box '%s': %s",
			  box_ns_name(type), s->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int join_box(const struct box_state *s, int *cgns)
{
	int fds[ARRAY_SIZE(join_order)], ret = -1;
	pid_t cmd = ns_pid(s);
	size_t i;
	char p[64];

	*cgns = -1;
	for (i = 0; i < ARRAY_SIZE(join_order); i++) {
		fds[i] = -1;
		if (!(s->ns & join_order[i]))
			continue;
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", cmd, box_ns_name(join_order[i]));
		fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			nsbox_err("exec: cannot open %s (box '%s'): %s", p, s->name,
				  strerror(errno));
			goto out;
		}
	}
	if (s->ns & CLONE_NEWCGROUP) {
		snprintf(p, sizeof(p), "/proc/%d/ns/cgroup", cmd);
		*cgns = open(p, O_RDONLY | O_CLOEXEC);
		if (*cgns < 0) {
			nsbox_err("exec: cannot open %s: %s", p, strerror(errno));
			goto out;
		}
	}
	if (box_proc_start(s->pid) != s->pid_start) {
		nsbox_err("exec: box '%s' is not running", s->name);
		goto out;
	}
	if ((s->ns & CLONE_NEWUSER) && geteuid() != 0) {
		/* fds[5] is the command's user namespace: its parent is PID 1's */
		int outer = ioctl(fds[5], NS_GET_PARENT);

		if (outer < 0) {
			nsbox_err("exec: the user namespace of box '%s' has no parent we may "
				  "join: %s", s->name, strerror(errno));
			goto out;
		}
		box_step("nsenter --user (PID 1's, the parent of the command's)");
		if (setns(outer, CLONE_NEWUSER)) {
			nsbox_err("exec: cannot join the outer user namespace of box '%s': %s",
				  s->name, strerror(errno));
			close(outer);
			goto out;
		}
		close(outer);
	}
	for (i = 0; i < ARRAY_SIZE(join_order); i++)
		if (fds[i] >= 0 && join_one(s, cmd, fds[i], join_order[i]))
			goto out;
	ret = 0;
out:
	for (i = 0; i < ARRAY_SIZE(join_order); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (ret && *cgns >= 0)
		close(*cgns);
	return ret;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	struct box_config c = { .logfd = -1 };
	int cgfd = -1, cgns = -1, ch, status;
	struct box_state s;
	pid_t pid;

	c.env = calloc(argc, sizeof(char *));
	if (!c.env)
		nsbox_die(EXEC_FAIL, "out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+e:w:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				nsbox_usage_err("exec", "invalid --env '%s': KEY=VALUE", optarg);
				return EXEC_FAIL;
			}
			c.env[c.nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/') {
				nsbox_usage_err("exec", "--workdir '%s' must be an absolute path",
						optarg);
				return EXEC_FAIL;
			}
			c.workdir = optarg;
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox exec [-e K=V] [-w DIR] NAME [--] CMD [ARGS...]\n"
			       "\n"
			       "Run CMD in a running box: in all of its namespaces and its cgroup,\n"
			       "as root of the box, with the box's capabilities, no_new_privs and\n"
			       "seccomp filter; no descriptor but 0, 1 and 2 goes with it.\n"
			       "\n"
			       "Exit status: CMD's (128+N if signal N killed it); 125 if exec\n"
			       "itself failed (bad option, no such box, cannot join it); 126 if\n"
			       "CMD could not be run, 127 if it was not found.\n");
			return NSBOX_EXIT_OK;
		default:
			nsbox_usage_err("exec", "unknown option '%s'", argv[optind - 1]);
			return EXEC_FAIL;
		}
	}
	if (optind + 1 >= argc) {
		nsbox_usage_err("exec", "give a box NAME and a CMD to run in it");
		return EXEC_FAIL;
	}
	if (find_box("exec", argv[optind], &s))
		return EXEC_FAIL;
	if (!box_running(&s)) {
		nsbox_err("exec: box '%s' is %s, not running", s.name, box_status(&s));
		return EXEC_FAIL;
	}
	snprintf(c.name, sizeof(c.name), "%s", s.name);
	c.ns = s.ns;
	c.argv = argv + optind + 1;
	if (!strcmp(c.argv[0], "--"))
		c.argv++;
	if (!c.argv[0]) {
		nsbox_usage_err("exec", "give a CMD to run in the box");
		return EXEC_FAIL;
	}
	if (s.cgroup[0]) {
		cgfd = open(s.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd >= 0) {
			ca.flags = CLONE_INTO_CGROUP;
			ca.cgroup = cgfd;
		}
	}
	if (join_box(&s, &cgns)) {
		if (cgfd >= 0)
			close(cgfd);
		return EXEC_FAIL;
	}
	fflush(NULL);
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		nsbox_err("exec: clone3 into the box: %s", strerror(errno));
		return EXEC_FAIL;
	}
	if (pid == 0)
		exec_child(&c, &s, cgns);
	if (cgns >= 0)
		close(cgns);
	if (cgfd >= 0)
		close(cgfd);
	/* Ctrl-C reaches the command through the terminal; we just wait. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (waitpid(pid, &status, 0) < 0)
		return EXEC_FAIL;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
