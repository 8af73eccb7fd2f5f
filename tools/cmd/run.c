// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox run - start a command in a box.
 *
 * The process that runs `nsbox run` becomes the box's monitor: it does the
 * host-side steps, creates the box's first process, waits for it and
 * records how it ended.  The steps, in order (docs/boxes.md explains each
 * in terms of the kernel):
 *
 *   monitor (host side)                     box (new namespaces)
 *   -------------------                     --------------------
 *   check every option (nothing changed yet)
 *   lock /run/nsbox, claim NAME, mkdir the state dir
 *   bridge nsbox0 (--net bridge)
 *   cgroup /sys/fs/cgroup/nsbox/NAME + limits
 *   clone3(CLONE_NEW*, CLONE_INTO_CGROUP) ---> waits for "go"
 *   uid_map/gid_map (user namespace)
 *   veth pair, address, route (bridge)
 *   record pid in the state, send "go" --->   unshare(CLONE_NEWCGROUP), hostname
 *                                            mounts, pivot_root (box_mount.c)
 *                                            caps, no_new_privs, seccomp
 *                                            PID 1 forks, the command execs
 *   error pipe: EOF = the command runs  <---  or an error message
 *   wait for PID 1, forward signals
 *   record the exit status (--rm: remove)
 *
 * Every step on the host is undone if a later one fails: a failed run
 * leaves no cgroup, veth, mount or state directory behind.  (The mounts
 * never reach the host: they are made in the box's mount namespace and
 * vanish with it.)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "cmds.h"
#include "err.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox run [OPTIONS] [--] [CMD [ARGS...]]\n"
		"\n"
		"Run CMD (default /bin/sh) in a new box: its own namespaces, root\n"
		"filesystem (pivot_root), cgroup with limits, and network.\n"
		"\n"
		"  --name NAME        box name (default: box-XXXXXX)\n"
		"  --rootfs DIR       root filesystem (default %s, made\n"
		"                     on first use by 'nsbox rootfs create')\n"
		"  --overlay          mount an OverlayFS: DIR is the read-only lower layer,\n"
		"                     writes go to the box's state dir; DIR never changes\n"
		"  --ns LIST          namespaces: mnt,pid,net,uts,ipc,user,cgroup,time or\n"
		"                     all (default: all but user; time if the kernel has it)\n"
		"  --user             add a user namespace: root in the box is you outside\n"
		"                     (the default when not run by root: rootless mode);\n"
		"                     run by root, a subordinate range of /etc/subuid and\n"
		"                     /etc/subgid (never host root)\n"
		"  --hostname NAME    the box's hostname (default: the box name)\n"
		"  --memory SIZE      memory.max, e.g. 64M, 1G (OOM kill above it)\n"
		"  --cpus N           cpu.max as CPUs, e.g. 0.5 = half of one CPU\n"
		"  --pids N           pids.max: at most N tasks\n"
		"  --io-weight N      io.weight, 1..10000\n"
		"  --disk SIZE        room for what the box writes outside its own /tmp:\n"
		"                     the --overlay upper layer and the -d log, on a tmpfs\n"
		"                     (default 1G; root only)\n"
		"  --net MODE         none (own namespace, only lo; default), host (the\n"
		"                     host's network), bridge (veth to bridge %s,\n"
		"                     address in 10.88.0.0/16; root only)\n"
		"  --cap-add LIST     keep these capabilities too (e.g. NET_ADMIN; the\n"
		"                     default set is Docker's, less MKNOD)\n"
		"  --cap-drop LIST    drop these capabilities (ALL: none at all); the\n"
		"                     drops apply first, then the adds\n"
		"  --seccomp-allow G  allow a denied group of system calls: mount, ns,\n"
		"                     keyring, perf, bpf, io_uring, userfaultfd\n"
		"  -e, --env K=V      set an environment variable (repeatable)\n"
		"  -w, --workdir DIR  working directory in the box (default /)\n"
		"  -d, --detach       run in the background; output goes to the log in\n"
		"                     the state dir; see nsbox ls, exec, stop, rm\n"
		"      --rm           remove the box when it exits\n"
		"  -v, --verbose      print every step as the equivalent shell command\n"
		"  -h, --help         this help\n"
		"\n"
		"Exit status: the command's (128+N if signal N killed it); 125 if the box\n"
		"could not be set up (nothing is left behind); 127 if CMD was not found.\n",
		BOX_DEFAULT_ROOTFS, BOX_BRIDGE);
}

enum { OPT_OVERLAY = 256, OPT_NS, OPT_USER, OPT_HOSTNAME, OPT_MEMORY, OPT_CPUS,
       OPT_PIDS, OPT_IO, OPT_NET, OPT_RM, OPT_NAME, OPT_ROOTFS, OPT_CAP_ADD,
       OPT_CAP_DROP, OPT_SECCOMP_ALLOW, OPT_DISK };

#define EXIT_SETUP 125

/*
 * Whom root in a box with a user namespace is on the host.  Not run by
 * root: the caller, one uid and one gid (the kernel lets anybody map its
 * own ids).  Run by root: never root -- a range of subordinate ids, as
 * podman uses, so that box root is a uid that owns nothing on the host.
 */
static int id_maps(struct box_config *c)
{
	uint32_t ucount, gcount;
	int err;

	if (geteuid() != 0) {
		c->uid_base = c->gid_base = 0;	/* in the outer user namespace */
		c->id_count = 1;
		return 0;
	}
	err = box_subid_range("/etc/subuid", 0, &c->uid_base, &ucount);
	if (!err)
		err = box_subid_range("/etc/subgid", 0, &c->gid_base, &gcount);
	if (err == -EINVAL) {
		nsbox_err("run: --user: root's range in /etc/subuid or /etc/subgid holds id 0, "
			  "which would make box root host root; give root a range above 0");
		return -1;
	}
	if (err) {
		nsbox_err("run: --user needs subordinate ids for root, so that root in the box "
			  "is not root on the host: add a range with 'usermod --add-subuids "
			  "100000-165535 --add-subgids 100000-165535 root' (or the line "
			  "'root:100000:65536' to /etc/subuid and to /etc/subgid)");
		return -1;
	}
	c->id_count = ucount < gcount ? ucount : gcount;
	return 0;
}

static int parse_args(int argc, char **argv, struct box_config *c)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "overlay", no_argument, NULL, OPT_OVERLAY },
		{ "ns", required_argument, NULL, OPT_NS },
		{ "user", no_argument, NULL, OPT_USER },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "pids", required_argument, NULL, OPT_PIDS },
		{ "io-weight", required_argument, NULL, OPT_IO },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "net", required_argument, NULL, OPT_NET },
		{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
		{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
		{ "seccomp-allow", required_argument, NULL, OPT_SECCOMP_ALLOW },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "detach", no_argument, NULL, 'd' },
		{ "rm", no_argument, NULL, OPT_RM },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *rootfs = NULL, *net = "none";
	bool ns_given = false, user = false;
	uint64_t cap_add = 0, cap_drop = 0;
	int ch;

	c->env = calloc(argc, sizeof(char *));
	if (!c->env)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+e:w:dvh", opts, NULL)) != -1) {
		uint64_t v;
		char *end;

		switch (ch) {
		case OPT_NAME:
			if (!box_name_valid(optarg))
				return nsbox_usage_err("run", "invalid box name '%s': use up to %d "
						       "letters, digits, '_', '.', '-', starting "
						       "with a letter or digit", optarg, BOX_NAME_MAX);
			snprintf(c->name, sizeof(c->name), "%s", optarg);
			break;
		case OPT_ROOTFS:
			rootfs = optarg;
			break;
		case OPT_OVERLAY:
			c->overlay = true;
			break;
		case OPT_NS:
			if (box_parse_ns(optarg, &c->ns))
				return nsbox_usage_err("run", "invalid --ns '%s': a comma-separated "
						       "list of mnt,pid,net,uts,ipc,user,cgroup,time "
						       "or all", optarg);
			ns_given = true;
			break;
		case OPT_USER:
			user = true;
			break;
		case OPT_HOSTNAME:
			if (!*optarg || strlen(optarg) > 64)
				return nsbox_usage_err("run", "invalid --hostname '%s' (1 to 64 "
						       "characters)", optarg);
			c->hostname = optarg;
			break;
		case OPT_MEMORY:
			if (box_parse_size(optarg, &c->memory) || c->memory < 4096)
				return nsbox_usage_err("run", "invalid size --memory '%s': use bytes "
						       "with an optional K, M, G or T suffix (e.g. 64M) "
						       "of at least 4K, or max", optarg);
			break;
		case OPT_CPUS:
			if (box_parse_cpus(optarg, &c->cpu_quota))
				return nsbox_usage_err("run", "invalid --cpus '%s': a number of CPUs "
						       "from 0.01 up, e.g. 0.5 or 2", optarg);
			break;
		case OPT_PIDS:
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || *end || !v || optarg[0] == '-')
				return nsbox_usage_err("run", "invalid --pids '%s': a positive "
						       "number of tasks", optarg);
			c->pids = v;
			break;
		case OPT_IO:
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 10000)
				return nsbox_usage_err("run", "invalid --io-weight '%s': 1 to 10000",
						       optarg);
			c->io_weight = v;
			break;
		case OPT_NET:
			net = optarg;
			if (!strcmp(net, "none"))
				c->net = BOX_NET_NONE;
			else if (!strcmp(net, "host"))
				c->net = BOX_NET_HOST;
			else if (!strcmp(net, "bridge"))
				c->net = BOX_NET_BRIDGE;
			else
				return nsbox_usage_err("run", "invalid --net '%s': none, host or "
						       "bridge", optarg);
			break;
		case OPT_DISK:
			if (box_parse_size(optarg, &c->disk) || c->disk < (1 << 20) ||
			    c->disk == UINT64_MAX)
				return nsbox_usage_err("run", "invalid --disk '%s': a size of at "
						       "least 1M, e.g. 512M or 4G", optarg);
			if (geteuid() != 0)
				return nsbox_usage_err("run", "--disk needs root (it mounts a "
						       "tmpfs); a rootless box writes into your "
						       "runtime directory");
			break;
		case OPT_CAP_ADD:
		case OPT_CAP_DROP:
			if (box_parse_caps(optarg, ch == OPT_CAP_ADD ? &cap_add : &cap_drop))
				return nsbox_usage_err("run", "invalid --%s '%s': capability names "
						       "such as NET_ADMIN or SYS_PTRACE, comma-"
						       "separated, or ALL", ch == OPT_CAP_ADD ?
						       "cap-add" : "cap-drop", optarg);
			break;
		case OPT_SECCOMP_ALLOW:
			if (box_parse_allow(optarg, &c->allow))
				return nsbox_usage_err("run", "invalid --seccomp-allow '%s': "
						       "groups %s", optarg, box_allow_groups());
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return nsbox_usage_err("run", "invalid --env '%s': KEY=VALUE",
						       optarg);
			c->env[c->nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/')
				return nsbox_usage_err("run", "--workdir '%s' must be an absolute "
						       "path", optarg);
			c->workdir = optarg;
			break;
		case 'd':
			c->detach = true;
			break;
		case OPT_RM:
			c->rm = true;
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(NSBOX_EXIT_OK);
		default:
			return nsbox_usage_err("run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	c->argv = argv + optind;

	if (!ns_given) {
		c->ns = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS |
			CLONE_NEWIPC | CLONE_NEWCGROUP;
		if (access("/proc/self/ns/time", F_OK) == 0)
			c->ns |= CLONE_NEWTIME;
	}
	if (user || geteuid() != 0)
		c->ns |= CLONE_NEWUSER;
	/* as Docker does it: drops first, then adds (--cap-drop ALL --cap-add X = X) */
	c->caps = (box_caps_default() & ~cap_drop) | cap_add;
	for (int cap = 0; cap < 64; cap++)
		if ((cap_add & ~box_caps_default() & (1ULL << cap)) && box_cap_dangerous(cap))
			nsbox_err("warning: --cap-add %s gives root in the box power over the "
				  "whole machine%s", box_cap_name(cap),
				  (c->ns & CLONE_NEWUSER) ? " (less in a user namespace: only "
				  "over what the box's namespaces own)" : "");
	if ((c->ns & CLONE_NEWUSER) && id_maps(c))
		return NSBOX_EXIT_USAGE;
	if (!(c->ns & CLONE_NEWNS))
		return nsbox_usage_err("run", "--ns must include mnt: a box needs its own mount "
				       "namespace for its root filesystem");
	if ((c->ns & CLONE_NEWTIME) && access("/proc/self/ns/time", F_OK))
		return nsbox_usage_err("run", "this kernel has no time namespaces "
				       "(CONFIG_TIME_NS); leave time out of --ns");
	if (c->net == BOX_NET_HOST)
		c->ns &= ~CLONE_NEWNET;
	else if (!(c->ns & CLONE_NEWNET))
		c->net = BOX_NET_HOST;	/* no net namespace asked for: the host's */
	if (c->net == BOX_NET_BRIDGE && geteuid() != 0)
		return nsbox_usage_err("run", "--net bridge needs root (it creates a bridge and "
				       "veth pairs on the host); use --net none or host");

	if (!c->name[0]) {
		unsigned char r[3];

		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			nsbox_die(NSBOX_EXIT_FAIL, "getrandom: %s", strerror(errno));
		snprintf(c->name, sizeof(c->name), "box-%02x%02x%02x", r[0], r[1], r[2]);
	}
	if (!rootfs) {
		rootfs = rootfs_default();
		if (!rootfs)
			return EXIT_SETUP;
	}
	if (!realpath(rootfs, c->rootfs)) {
		nsbox_err("run: --rootfs %s: %s", rootfs, strerror(errno));
		return NSBOX_EXIT_USAGE;
	}
	/*
	 * The path goes into the state file (one line per key) and, with
	 * --overlay, into the mount options, where ',' separates options and
	 * ':' lower layers: "/x,upperdir=/etc" would be an option of its own.
	 */
	/*
	 * From here on the rootfs is a descriptor (box_mount.c): a symlink
	 * swapped into its path after realpath() makes this fail, not point
	 * the box at another host directory.
	 */
	c->rootfs_fd = syscall(SYS_openat2, AT_FDCWD, c->rootfs,
			       &(struct open_how){ .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
						   .resolve = RESOLVE_NO_SYMLINKS },
			       sizeof(struct open_how));
	if (c->rootfs_fd < 0) {
		nsbox_err("run: --rootfs %s: %s", c->rootfs, strerror(errno));
		return NSBOX_EXIT_USAGE;
	}
	if (strpbrk(c->rootfs, "\n\r") ||
	    (c->overlay && strpbrk(c->rootfs, ",:\\")))
		return nsbox_usage_err("run", "--rootfs '%s': the path holds a %s, which %s; "
				       "use a path without it (a symlink is fine)", c->rootfs,
				       strpbrk(c->rootfs, "\n\r") ? "newline" :
				       "',', ':' or '\\'",
				       strpbrk(c->rootfs, "\n\r") ? "the state file cannot hold" :
				       "OverlayFS would read as option syntax");
	if (!c->argv[0]) {
		static char *sh[] = { "/bin/sh", NULL };

		c->argv = sh;
	}
	if (c->argv[0][0] == '/') {
		char path[8300];

		snprintf(path, sizeof(path), "%s%s", c->rootfs, c->argv[0]);
		if (faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW)) {
			nsbox_err("run: the rootfs %s has no %s; make one with 'nsbox rootfs "
				  "create DIR' or give the command's path inside the rootfs",
				  c->rootfs, c->argv[0]);
			return NSBOX_EXIT_USAGE;
		}
	}
	return NSBOX_EXIT_OK;
}

/* Is NAME free?  A stale box of the same name is cleaned up first. */
static int claim_name(struct box_config *c)
{
	struct box_state old;
	const char *st;

	if (box_state_read(c->name, &old) == -ENOENT)
		return 0;
	st = box_status(&old);
	if (!strcmp(st, "stale")) {
		nsbox_err("cleaning up the stale box '%s' (its PID 1 is gone)", c->name);
		return box_destroy(&old);
	}
	nsbox_err("run: the name '%s' is already in use by a box that is %s; choose "
		  "another --name%s", c->name, st,
		  strcmp(st, "exited") ? "" : " or remove it with 'nsbox rm'");
	return -1;
}

static int write_id_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	box_step("echo '%s' > %s", map, path);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) < 0) {
		nsbox_err("cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Root in the box is the caller outside: one line each, "0 UID 1".  An
 * unprivileged process may write such a map of its own ids, but only
 * after denying setgroups(), or it could drop supplementary groups it
 * was put in to be denied something.
 */
static int map_user(pid_t pid)
{
	char map[64];

	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)geteuid());
	if (write_id_map(pid, "uid_map", map) ||
	    write_id_map(pid, "setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)getegid());
	return write_id_map(pid, "gid_map", map);
}

/* Why clone3() failed, in words a user can act on. */
static void clone_error(const struct box_config *c, int err)
{
	FILE *f;
	int v = -1;

	if ((c->ns & CLONE_NEWUSER) && (err == EPERM || err == ENOSPC || err == EACCES)) {
		f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
		if (f && fscanf(f, "%d", &v) == 1 && v == 0 && geteuid()) {
			fclose(f);
			nsbox_err("run: unprivileged user namespaces are disabled "
				  "(kernel.unprivileged_userns_clone=0); enable them with "
				  "'sysctl kernel.unprivileged_userns_clone=1' or run as root");
			return;
		}
		if (f)
			fclose(f);
		f = fopen("/proc/sys/user/max_user_namespaces", "re");
		if (f && fscanf(f, "%d", &v) == 1 && v == 0) {
			fclose(f);
			nsbox_err("run: user namespaces are disabled (user.max_user_namespaces=0)");
			return;
		}
		if (f)
			fclose(f);
	}
	nsbox_err("run: cannot create the box's namespaces (clone3): %s%s", strerror(err),
		  err == EPERM && geteuid() ? "; run as root or use --user" : "");
}

/* The box's first process, before it is PID 1 proper. */
/*
 * Close every inherited descriptor but @keep (sorted): PID 1 never execs,
 * so O_CLOEXEC does not help, and a host directory left open here (the
 * cgroup's, say) would be a way out through /proc/1/fd.
 */
static void close_others(const int *keep, int n)
{
	unsigned int from = 3;

	for (int i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned int)keep[i] > from)
			close_range(from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * In its own network namespace, box root (the command, in the inner user
 * namespace) holds no capability over the network: the namespace belongs
 * to PID 1's user namespace.  Two per-namespace sysctls give it what
 * NET_BIND_SERVICE and NET_RAW would: ports below 1024, and ping through
 * ICMP datagram sockets for the box's gids.
 */
static void box_net_unprivileged(const struct box_config *c)
{
	static const char ports[] = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
	static const char ping[] = "/proc/sys/net/ipv4/ping_group_range";
	char range[64];
	FILE *f;

	snprintf(range, sizeof(range), "%u %u", c->gid_base, c->gid_base + c->id_count - 1);
	box_step("sysctl -w net.ipv4.ip_unprivileged_port_start=0 "
		 "net.ipv4.ping_group_range='%s'", range);
	f = fopen(ports, "we");
	if (f) {
		fputs("0\n", f);
		fclose(f);
	}
	f = fopen(ping, "we");
	if (f) {
		fprintf(f, "%s\n", range);
		fclose(f);
	}
}

static noreturn void box_child(struct box_config *c, int go_fd, int err_fd, int null_fd)
{
	int keep[5] = { go_fd, err_fd, null_fd, c->logfd, c->rootfs_fd };
	pid_t hostpid;

	qsort(keep, 5, sizeof(int), cmp_int);
	close_others(keep, 5);
	box_errfd = err_fd;
	/* "go" carries our pid as the host sees it (getpid() says 1 here). */
	if (read(go_fd, &hostpid, sizeof(hostpid)) != sizeof(hostpid))
		_exit(EXIT_SETUP);	/* the monitor gave up: nothing to report */
	close(go_fd);

	if (c->ns & CLONE_NEWCGROUP) {
		/* Now, not at clone time: the namespace's root is the cgroup
		 * we are in, and CLONE_INTO_CGROUP put us in the box's. */
		box_step("unshare --cgroup");
		if (unshare(CLONE_NEWCGROUP))
			box_fail("unshare(CLONE_NEWCGROUP): %s", strerror(errno));
	}
	if (c->ns & CLONE_NEWUTS) {
		const char *h = c->hostname ? c->hostname : c->name;

		box_step("hostname %s", h);
		if (sethostname(h, strlen(h)))
			box_fail("sethostname: %s", strerror(errno));
	}
	if (c->net == BOX_NET_NONE && box_net_configure(hostpid, NULL))
		box_fail("cannot bring up lo in the box");
	if ((c->ns & CLONE_NEWUSER) && c->net != BOX_NET_HOST)
		box_net_unprivileged(c);
	box_mount_setup(c);
	if (c->detach) {
		if (dup2(null_fd, 0) < 0 || dup2(c->logfd, 1) < 0 || dup2(c->logfd, 2) < 0)
			box_fail("redirect output to the log: %s", strerror(errno));
	}
	if (null_fd > 2)
		close(null_fd);
	if (c->logfd > 2)
		close(c->logfd);
	box_init(c);
}

static void fill_state(struct box_state *s, const struct box_config *c)
{
	static const char *const nets[] = { "none", "host", "bridge" };
	size_t off = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", c->name);
	snprintf(s->status, sizeof(s->status), "starting");
	s->monitor = getpid();
	s->created = time(NULL);
	snprintf(s->rootfs, sizeof(s->rootfs), "%s", c->rootfs);
	s->overlay = c->overlay;
	snprintf(s->net, sizeof(s->net), "%s", nets[c->net]);
	if (c->net == BOX_NET_BRIDGE)
		inet_ntop(AF_INET, &c->addr, s->ip, sizeof(s->ip));
	snprintf(s->veth, sizeof(s->veth), "%s", c->veth);
	snprintf(s->cgroup, sizeof(s->cgroup), "%s", c->cgroup);
	s->cgroup_id = c->cgroup[0] ? box_cgroup_id(c->cgroup) : 0;
	s->ns = c->ns;
	s->caps = c->caps;
	s->allow = c->allow;
	for (char **a = c->argv; *a && off < sizeof(s->command) - 1; a++)
		off += snprintf(s->command + off, sizeof(s->command) - off, "%s%s",
				off ? " " : "", *a);
	/* one line per key: no newlines from the command line */
	for (char *p = s->command; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static int mkdir_in(const char *dir, const char *sub, mode_t mode)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	box_step("mkdir -m %o %s", mode, path);
	if ((mkdir(path, mode) || chmod(path, mode)) && errno != EEXIST) {
		nsbox_err("run: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Host-side steps up to the clone; on failure undo them and return -1. */
static int prepare(struct box_config *c, struct box_state *s)
{
	if (claim_name(c))
		return -1;
	if (box_state_path(c->name, c->statedir, sizeof(c->statedir)))
		return -1;
	box_step("mkdir %s", c->statedir);
	if (mkdir(c->statedir, 0700)) {
		nsbox_err("run: cannot create the state directory %s: %s", c->statedir,
			  strerror(errno));
		return -1;
	}
	fill_state(s, c);
	if (box_state_write(s))
		goto undo;
	/*
	 * What the box writes outside its own tmpfs -- the OverlayFS upper
	 * layer, the log of a detached box -- lands in disk/: for root's
	 * boxes a tmpfs of --disk bytes, so a box cannot fill /run for the
	 * host.  The state file stays outside it, so a full disk/ never
	 * keeps the monitor from recording how the box ended.
	 */
	if (mkdir_in(c->statedir, "disk", 0700))
		goto undo;
	if (geteuid() == 0) {
		char opts[64], disk[4200];

		snprintf(disk, sizeof(disk), "%s/disk", c->statedir);
		snprintf(opts, sizeof(opts), "size=%" PRIu64 ",mode=0700", c->disk);
		box_step("mount -t tmpfs -o nosuid,nodev,%s tmpfs %s", opts, disk);
		if (mount("tmpfs", disk, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
			nsbox_err("run: cannot mount a tmpfs on %s: %s", disk, strerror(errno));
			goto undo;
		}
	}
	/* upper/ becomes the mode of the box's "/": 0755, like a root dir */
	if (c->overlay && (mkdir_in(c->statedir, "disk/upper", 0755) ||
			   mkdir_in(c->statedir, "disk/work", 0700) ||
			   mkdir_in(c->statedir, "merged", 0700)))
		goto undo;
	/* root's --user box: its root owns its "/", as the host's root owns the host's */
	if (c->overlay && geteuid() == 0 && (c->ns & CLONE_NEWUSER)) {
		char upper[4200];

		snprintf(upper, sizeof(upper), "%s/disk/upper", c->statedir);
		box_step("chown %u:%u %s", c->uid_base, c->gid_base, upper);
		if (chown(upper, c->uid_base, c->gid_base)) {
			nsbox_err("run: chown %s: %s", upper, strerror(errno));
			goto undo;
		}
	}
	if (c->detach) {
		char log[4200];

		snprintf(log, sizeof(log), "%s/disk/log", c->statedir);
		c->logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (c->logfd < 0) {
			nsbox_err("run: cannot create %s: %s", log, strerror(errno));
			goto undo;
		}
	}
	if (c->net == BOX_NET_BRIDGE) {
		uint32_t h;

		if (box_alloc_addr(&c->addr) || box_net_bridge_ensure())
			goto undo;
		h = ntohl(c->addr.s_addr);
		snprintf(c->veth, sizeof(c->veth), "nsb-%u-%u", (h >> 8) & 0xff, h & 0xff);
	}
	if (box_cgroup_create(c))
		goto undo;
	fill_state(s, c);
	if (box_state_write(s))
		goto undo;
	return 0;
undo:
	fill_state(s, c);
	box_destroy(s);
	return -1;
}

static int wait_box(pid_t pid, const sigset_t *sigs)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(sigs, &si), status;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			return 128 + WTERMSIG(status);
		}
	}
}

static int run_box(struct box_config *c, int notify_fd)
{
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 }, cgfd = -1, null_fd, lock, code;
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	struct box_state s;
	sigset_t sigs, old;
	char msg[1100];
	ssize_t n;
	pid_t pid;

	lock = box_lock();
	if (lock < 0)
		return EXIT_SETUP;
	if (prepare(c, &s)) {
		close(lock);
		return EXIT_SETUP;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || null_fd < 0) {
		nsbox_err("run: pipe: %s", strerror(errno));
		goto undo;
	}
	/*
	 * PID 1 gets every namespace but the cgroup one (box_child() makes
	 * it from inside the box's cgroup) and, when root runs the box, the
	 * user one: PID 1 stays in the host's and the command gets its own
	 * (box_init.c).  A rootless PID 1 needs a user namespace to mount.
	 */
	ca.flags = c->ns & ~CLONE_NEWCGROUP;
	if (geteuid() == 0)
		ca.flags &= ~CLONE_NEWUSER;
	if (c->cgroup[0]) {
		cgfd = open(c->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd < 0) {
			nsbox_err("run: open %s: %s", c->cgroup, strerror(errno));
			goto undo;
		}
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = cgfd;
	}
	/* Signals wait in a queue until we sigwaitinfo() for them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, &old);

	if (box_verbose) {
		char list[128];

		box_ns_format(ca.flags, list, sizeof(list));
		box_step("unshare --fork (clone3: new %s namespaces%s%s)", list,
			 c->cgroup[0] ? ", started in " : "", c->cgroup);
	}
	fflush(NULL);
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		clone_error(c, errno);
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto undo;
	}
	if (pid == 0) {
		close(go[1]);
		close(errp[0]);
		if (notify_fd >= 0)
			close(notify_fd);
		box_child(c, go[0], errp[1], null_fd);
	}
	close(go[0]);
	close(errp[1]);
	go[0] = errp[1] = -1;
	if (cgfd >= 0)
		close(cgfd);
	cgfd = -1;

	if ((ca.flags & CLONE_NEWUSER) && map_user(pid))
		goto kill;
	if (c->net == BOX_NET_BRIDGE &&
	    (box_net_veth_create(c->veth, pid) || box_net_configure(pid, &c->addr)))
		goto kill;
	s.pid = pid;
	s.pid_start = box_proc_start(pid);
	snprintf(s.status, sizeof(s.status), "running");
	if (box_state_write(&s)) {
		nsbox_err("run: cannot write the state of %s", c->name);
		goto kill;
	}
	close(lock);
	lock = -1;
	if (write(go[1], &pid, sizeof(pid)) != sizeof(pid))
		goto kill;
	close(go[1]);
	go[1] = -1;

	/* EOF: the command's execve() closed the last copy of the pipe. */
	n = read(errp[0], msg, sizeof(msg) - 1);
	close(errp[0]);
	errp[0] = -1;
	if (n > 0) {
		int status;

		msg[n] = '\0';
		nsbox_err("run: %s", msg);
		waitpid(pid, &status, 0);
		code = WIFEXITED(status) && (WEXITSTATUS(status) == 127 ||
					     WEXITSTATUS(status) == 126) ?
			WEXITSTATUS(status) : EXIT_SETUP;
		s.pid = 0;
		box_destroy(&s);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return code;
	}
	if (notify_fd >= 0) {
		/* detached: tell `nsbox run` we are up, then let go of its tty */
		char ok = 0;

		if (write(notify_fd, &ok, 1) < 0)
			ok = 1;
		close(notify_fd);
		dup2(null_fd, 0);
		dup2(null_fd, 1);
		dup2(null_fd, 2);
	}
	close(null_fd);

	code = wait_box(pid, &sigs);
	lock = box_lock();
	if (box_state_read(c->name, &s) == 0) {
		snprintf(s.status, sizeof(s.status), "exited");
		s.exit_code = code;
		if (c->rm)
			box_destroy(&s);
		else
			box_state_write(&s);
	}
	if (lock >= 0)
		close(lock);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;

kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
undo:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (cgfd >= 0)
		close(cgfd);
	if (null_fd >= 0)
		close(null_fd);
	s.pid = 0;
	box_destroy(&s);
	if (lock >= 0)
		close(lock);
	return EXIT_SETUP;
}

int cmd_run(int argc, char **argv)
{
	struct box_config c = { .logfd = -1, .rootfs_fd = -1, .disk = BOX_DISK_DEFAULT };
	int notify[2], ret;
	pid_t pid;

	ret = parse_args(argc, argv, &c);
	if (ret)
		return ret;
	if (!c.detach)
		return run_box(&c, -1);

	/*
	 * Detached: a child becomes the monitor (in a session of its own, so
	 * the terminal's hangup does not reach it); we wait until it says the
	 * box is up (or has failed) and exit.
	 */
	if (pipe2(notify, O_CLOEXEC))
		nsbox_die(NSBOX_EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(notify[0]);
		setsid();
		_exit(run_box(&c, notify[1]));
	}
	close(notify[1]);
	if (read(notify[0], &(char){ 0 }, 1) == 1) {
		printf("%s\n", c.name);
		return NSBOX_EXIT_OK;
	}
	/* the monitor exited without saying "up": its status says why */
	waitpid(pid, &ret, 0);
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : EXIT_SETUP;
}
