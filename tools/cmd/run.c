// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox run - start a command in a box: the options, then box_run().
 *
 * Every option is checked here, before anything changes on the host;
 * box/run.c does the work (and explains the steps).
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
#include <sys/socket.h>
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
		"  --cpuset-cpus LIST cpuset.cpus: the CPUs the box may run on, e.g. 0-1,3\n"
		"                     (what nproc counts)\n"
		"  --pids N           pids.max: at most N tasks\n"
		"  --io-weight N      io.weight, 1..10000\n"
		"  --disk SIZE        room for what the box writes outside its own /tmp:\n"
		"                     the --overlay upper layer and the -d log, on a tmpfs\n"
		"                     (default 1G; root only)\n"
		"  --net MODE         none (own namespace, only lo; default), host (the\n"
		"                     host's network), bridge (veth to bridge %s,\n"
		"                     address in 10.88.0.0/16, out through the host's\n"
		"                     address (NAT); root only)\n"
		"  -p, --publish [ADDR:]HOSTPORT:BOXPORT[/tcp|/udp]\n"
		"                     with --net bridge: the host's port (on ADDR only,\n"
		"                     if given) forwarded to the box's (repeatable)\n"
		"  --cap-add LIST     keep these capabilities too (e.g. NET_ADMIN; the\n"
		"                     default set is Docker's, less MKNOD)\n"
		"  --cap-drop LIST    drop these capabilities (ALL: none at all); the\n"
		"                     drops apply first, then the adds\n"
		"  --seccomp-allow G  allow a denied group of system calls: mount, ns,\n"
		"                     keyring, perf, bpf, io_uring, userfaultfd\n"
		"  -e, --env K=V      set an environment variable (repeatable)\n"
		"  -w, --workdir DIR  working directory in the box (default /)\n"
		"  -d, --detach       run in the background; output goes to the box's log\n"
		"                     (nsbox logs); see nsbox ls, exec, stop, rm\n"
		"      --log-size SIZE  rotate the log at SIZE (default 1M; two files kept)\n"
		"  -t, --tty          the command gets a terminal (a pty its monitor holds):\n"
		"                     with -d, 'nsbox attach NAME' reaches it; without,\n"
		"                     run attaches this terminal (ctrl-p ctrl-q detaches)\n"
		"      --restart P    no (default), on-failure[:N] (a non-zero exit; at\n"
		"                     most N times in all), always: the monitor starts\n"
		"                     the box again, after 0.1 s, 0.2 s, ... up to 10 s;\n"
		"                     'nsbox stop' ends it\n"
		"      --rm           remove the box when it exits\n"
		"      --views        the box sees itself (the default): free, top, nproc,\n"
		"                     uptime show its memory, load, CPUs and age, from\n"
		"                     nsbox.ko's /proc/nsbox files and a time namespace\n"
		"      --no-views     the box sees the machine's /proc/meminfo, loadavg,\n"
		"                     CPUs and uptime\n"
		"  -v, --verbose      print every step as the equivalent shell command\n"
		"  -h, --help         this help\n"
		"\n"
		"Exit status: the command's (128+N if signal N killed it); 125 if the box\n"
		"could not be set up (nothing is left behind); 127 if CMD was not found.\n",
		BOX_DEFAULT_ROOTFS, BOX_BRIDGE);
}

/* "no", "always", "on-failure", "on-failure:N" */
static int parse_restart(const char *s, struct box_config *c)
{
	char *end;
	unsigned long n;

	c->restart_max = 0;
	if (!strcmp(s, "no")) {
		c->restart = BOX_RESTART_NO;
	} else if (!strcmp(s, "always")) {
		c->restart = BOX_RESTART_ALWAYS;
	} else if (!strncmp(s, "on-failure", 10) && (!s[10] || s[10] == ':')) {
		c->restart = BOX_RESTART_ON_FAILURE;
		if (s[10]) {
			errno = 0;
			n = strtoul(s + 11, &end, 10);
			if (errno || *end || end == s + 11 || s[11] == '-' || n < 1 ||
			    n > 1000000)
				return -1;
			c->restart_max = n;
		}
	} else {
		return -1;
	}
	return 0;
}

enum { OPT_OVERLAY = 256, OPT_NS, OPT_USER, OPT_HOSTNAME, OPT_MEMORY, OPT_CPUS,
       OPT_PIDS, OPT_IO, OPT_NET, OPT_RM, OPT_NAME, OPT_ROOTFS, OPT_CAP_ADD,
       OPT_CAP_DROP, OPT_SECCOMP_ALLOW, OPT_DISK, OPT_VIEWS, OPT_NO_VIEWS, OPT_CPUSET,
       OPT_RESTART, OPT_LOG_SIZE };


/*
 * Whom root in a box with a user namespace is on the host.  Not run by
 * root: the caller, one uid and one gid (the kernel lets anybody map its
 * own ids).  Run by root: never root -- a range of subordinate ids, as
 * podman uses, so that box root is a uid that owns nothing on the host.
 */
static int id_maps(struct box_config *c)
{
	static const char *const files[] = { "/etc/subuid", "/etc/subgid" };
	uint32_t ucount, gcount, free_base;
	char who[600];
	int err;

	if (geteuid() != 0) {
		c->uid_base = c->gid_base = 0;	/* in the outer user namespace */
		c->id_count = 1;
		return 0;
	}
	err = box_subid_range(files[0], 0, &c->uid_base, &ucount);
	if (!err)
		err = box_subid_range(files[1], 0, &c->gid_base, &gcount);
	if (err == -EINVAL) {
		nsbox_err("run: --user: root's range in /etc/subuid or /etc/subgid holds id 0, "
			  "which would make box root host root; give root a range above 0");
		return -1;
	}
	/* a range nobody else has, to suggest */
	free_base = box_subid_free(files[0], files[1], 0, BOX_SUBID_COUNT);
	if ((err || box_subid_overlap(files[0], 0, c->uid_base, ucount, who, sizeof(who)) ||
	     box_subid_overlap(files[1], 0, c->gid_base, gcount, who, sizeof(who))) &&
	    !free_base) {
		nsbox_err("run: --user: root needs a range of %u subordinate ids nobody else has "
			  "in /etc/subuid and /etc/subgid, and none is free above %u",
			  BOX_SUBID_COUNT, BOX_SUBID_MIN);
		return -1;
	}
	if (err) {
		nsbox_err("run: --user needs subordinate ids for root, so that root in the box "
			  "is not root on the host: add a range nobody else has with 'usermod "
			  "--add-subuids %u-%u --add-subgids %u-%u root' (or the line "
			  "'root:%u:%u' to /etc/subuid and to /etc/subgid)", free_base,
			  free_base + BOX_SUBID_COUNT - 1, free_base,
			  free_base + BOX_SUBID_COUNT - 1, free_base, BOX_SUBID_COUNT);
		return -1;
	}
	c->id_count = ucount < gcount ? ucount : gcount;
	/*
	 * Box root is the first id of the range: if another user's range
	 * holds it (or any id of the box's), that user owns the box's
	 * processes -- may signal and ptrace them -- and their files.
	 */
	for (int i = 0; i < 2; i++) {
		uint32_t base = i ? c->gid_base : c->uid_base;

		err = box_subid_overlap(files[i], 0, base, c->id_count, who, sizeof(who));
		if (err < 0) {
			nsbox_err("run: --user: cannot read %s: %s", files[i], strerror(-err));
			return -1;
		}
		if (err) {
			nsbox_err("run: --user: root's range %u-%u in %s overlaps another user's "
				  "(%s), who would own the box's processes and files; give root a "
				  "range nobody else has, e.g. 'usermod --del-sub%cids %u-%u "
				  "--add-sub%cids %u-%u root'", base, base + c->id_count - 1,
				  files[i], who, i ? 'g' : 'u', base, base + c->id_count - 1,
				  i ? 'g' : 'u', free_base, free_base + BOX_SUBID_COUNT - 1);
			return -1;
		}
	}
	return 0;
}

/*
 * Views (docs/views.md): where the box's limits are, its own meminfo,
 * loadavg and CPU count from nsbox.ko (found by the root of the box's
 * cgroup namespace), and its own clock since boot (a time namespace's
 * offset, no module needed).  Asked for (--views): what cannot be had
 * is an error; by default: what can be had.
 */
static int set_views(struct box_config *c, bool asked)
{
	bool module = access("/proc/nsbox/meminfo", R_OK) == 0;

	if (asked && !(c->ns & CLONE_NEWCGROUP))
		return nsbox_usage_err("run", "--views needs the cgroup namespace in --ns: "
				       "nsbox.ko knows a box by its cgroup namespace's root");
	if (asked && !module)
		return nsbox_usage_err("run", "--views: nsbox.ko is not loaded (no "
				       "/proc/nsbox/meminfo); load it ('make load' or "
				       "'modprobe nsbox') or use --no-views");
	c->views = module && (c->ns & CLONE_NEWCGROUP);
	c->views_time = (c->ns & CLONE_NEWTIME) && box_clock_view_works();
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
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET },
		{ "pids", required_argument, NULL, OPT_PIDS },
		{ "io-weight", required_argument, NULL, OPT_IO },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "net", required_argument, NULL, OPT_NET },
		{ "publish", required_argument, NULL, 'p' },
		{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
		{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
		{ "seccomp-allow", required_argument, NULL, OPT_SECCOMP_ALLOW },
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "rm", no_argument, NULL, OPT_RM },
		{ "restart", required_argument, NULL, OPT_RESTART },
		{ "log-size", required_argument, NULL, OPT_LOG_SIZE },
		{ "views", no_argument, NULL, OPT_VIEWS },
		{ "no-views", no_argument, NULL, OPT_NO_VIEWS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *rootfs = NULL, *net = "none";
	bool ns_given = false, user = false;
	int views = -1;		/* --views 1, --no-views 0, neither -1 */
	uint64_t cap_add = 0, cap_drop = 0;
	int ch;

	c->env = calloc(argc, sizeof(char *));
	if (!c->env)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+e:w:p:dtvh", opts, NULL)) != -1) {
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
		case OPT_CPUSET:
			if (!optarg[0] || strspn(optarg, "0123456789,-") != strlen(optarg) ||
			    strlen(optarg) > 256)
				return nsbox_usage_err("run", "invalid --cpuset-cpus '%s': a list of "
						       "CPU numbers and ranges, e.g. 0 or 0-1,3",
						       optarg);
			c->cpuset = optarg;
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
		case 't':
			c->tty = true;
			break;
		case OPT_RM:
			c->rm = true;
			break;
		case OPT_RESTART:
			if (parse_restart(optarg, c))
				return nsbox_usage_err("run", "invalid --restart '%s': no, on-failure, "
						       "on-failure:N (N from 1 to 1000000) or always",
						       optarg);
			break;
		case OPT_LOG_SIZE:
			if (box_parse_size(optarg, &c->log_size) || c->log_size < 4096 ||
			    c->log_size == UINT64_MAX)
				return nsbox_usage_err("run", "invalid --log-size '%s': a size of "
						       "at least 4k, e.g. 512k, 10M", optarg);
			break;
		case OPT_VIEWS:
		case OPT_NO_VIEWS:
			views = ch == OPT_VIEWS ? 1 : 0;
			break;
		case 'p': {
			struct box_port *p = &c->ports[c->nports];
			const char *why;

			if (c->nports == BOX_PORTS_MAX)
				return nsbox_usage_err("run", "at most %d -p", BOX_PORTS_MAX);
			if (box_port_parse(optarg, p, &why))
				return nsbox_usage_err("run", "invalid -p '%s': %s; as "
						       "[ADDR:]HOSTPORT:BOXPORT[/tcp|/udp], e.g. "
						       "8080:80 or 127.0.0.1:5353:53/udp", optarg, why);
			for (int i = 0; i < c->nports; i++)
				if (c->ports[i].proto == p->proto &&
				    c->ports[i].host_port == p->host_port)
					return nsbox_usage_err("run", "-p '%s': host port %u/%s "
							       "is given twice", optarg,
							       p->host_port, box_port_proto(p));
			c->nports++;
			break;
		}
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
	if (views && set_views(c, views == 1))
		return NSBOX_EXIT_USAGE;
	/* -t in the foreground: a detached box, this terminal attached to it */
	if (c->tty && !c->detach)
		c->attach = c->detach = true;
	/* root's boxes: the log lives in disk/, a tmpfs of --disk bytes */
	if (c->detach && geteuid() == 0 && c->log_size > c->disk / 2)
		return nsbox_usage_err("run", "--log-size %" PRIu64 " keeps up to twice that in "
				       "the box's --disk of %" PRIu64 " bytes: give a larger --disk "
				       "or a smaller --log-size", c->log_size, c->disk);
	if (c->rm && c->restart != BOX_RESTART_NO)
		return nsbox_usage_err("run", "--rm and --restart contradict each other: a box "
				       "removed when it exits cannot be started again");
	if ((c->ns & CLONE_NEWTIME) && access("/proc/self/ns/time", F_OK))
		return nsbox_usage_err("run", "this kernel has no time namespaces "
				       "(CONFIG_TIME_NS); leave time out of --ns");
	if (c->net == BOX_NET_HOST)
		c->ns &= ~CLONE_NEWNET;
	else if (!(c->ns & CLONE_NEWNET))
		c->net = BOX_NET_HOST;	/* no net namespace asked for: the host's */
	if (c->nports && c->net != BOX_NET_BRIDGE)
		return nsbox_usage_err("run", "-p publishes a port of a box on the bridge: "
				       "add --net bridge");
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
			return BOX_EXIT_SETUP;
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

int cmd_run(int argc, char **argv)
{
	struct box_config c = { .logfd = -1, .errlogfd = -1, .rootfs_fd = -1, .attach_fd = -1,
				.disk = BOX_DISK_DEFAULT, .log_size = BOX_LOG_SIZE_DEFAULT };
	int notify[2], sp[2] = { -1, -1 }, ret;
	pid_t pid;

	ret = parse_args(argc, argv, &c);
	if (ret)
		return ret;
	if (!c.detach)
		return box_run(&c, -1);

	/*
	 * Detached: a child becomes the monitor (in a session of its own, so
	 * the terminal's hangup does not reach it); we wait until it says the
	 * box is up (or has failed) and exit.  -t in the foreground: we stay,
	 * attached from the start through a socket pair the monitor counts as
	 * an attached client -- nothing the command writes first is missed.
	 */
	if (pipe2(notify, O_CLOEXEC) ||
	    (c.attach && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp)))
		nsbox_die(NSBOX_EXIT_FAIL, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(notify[0]);
		if (sp[0] >= 0)
			close(sp[0]);
		c.attach_fd = sp[1];
		setsid();
		_exit(box_run(&c, notify[1]));
	}
	close(notify[1]);
	if (sp[1] >= 0)
		close(sp[1]);
	if (read(notify[0], &(char){ 0 }, 1) == 1) {
		bool detached;

		if (!c.attach) {
			printf("%s\n", c.name);
			return NSBOX_EXIT_OK;
		}
		return box_attach_fd(sp[0], c.name, &detached);
	}
	/* the monitor exited without saying "up": its status says why */
	waitpid(pid, &ret, 0);
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : BOX_EXIT_SETUP;
}
