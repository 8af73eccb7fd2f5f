// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox run, the runtime: the monitor that starts a box and waits for it.
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
 *   record pid (starting), send "go" --->     unshare(CLONE_NEWCGROUP), hostname
 *                                            mounts, pivot_root (box_mount.c)
 *                                            caps, no_new_privs, seccomp
 *                                            PID 1 forks, execs nsbox-init,
 *                                            the command execs
 *   error pipe: EOF = the command runs  <---  or an error message
 *   record "running" (exec may join now)
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
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/param.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "inside.h"
#include "err.h"
#include "util.h"

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
	int err;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	err = box_write(path, map);
	if (err)
		nsbox_err("cannot write %s: %s", path, strerror(-err));
	return err ? -1 : 0;
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
	/* only once they are in: a refused port may be another box's */
	if (c->published)
		box_ports_format(c->ports, c->nports, s->ports, sizeof(s->ports));
	snprintf(s->cgroup, sizeof(s->cgroup), "%s", c->cgroup);
	s->cgroup_id = c->cgroup[0] ? box_cgroup_id(c->cgroup) : 0;
	s->ns = c->ns;
	s->caps = c->caps;
	s->allow = c->allow;
	snprintf(s->views, sizeof(s->views), "%s%s", c->views ?
		 "meminfo,loadavg,cpuinfo,stat,swaps,cpu_online" : "", c->views_time ?
		 (c->views ? ",uptime" : "uptime") : "");
	s->detached = c->detach;
	if (c->restart == BOX_RESTART_ON_FAILURE && c->restart_max)
		snprintf(s->restart, sizeof(s->restart), "on-failure:%u", c->restart_max);
	else
		snprintf(s->restart, sizeof(s->restart), "%s", c->restart == BOX_RESTART_ALWAYS ?
			 "always" : c->restart == BOX_RESTART_ON_FAILURE ? "on-failure" : "no");
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
/*
 * No other box publishes a host port of @c's (nft's "create element" is
 * the guarantee; this names the box that has it): 0, or -1 after
 * nsbox_err().  Under the state lock.
 */
static int box_ports_free(const struct box_config *c)
{
	char **names;
	int n, ret = 0;

	if (!c->nports)
		return 0;
	n = box_list(&names);
	for (int i = 0; i < n && !ret; i++) {
		struct box_port theirs[BOX_PORTS_MAX];
		struct box_state s;
		int m;

		if (box_state_read(names[i], &s) || !strcmp(s.name, c->name))
			continue;
		m = box_ports_parse_list(s.ports, theirs, BOX_PORTS_MAX);
		for (int j = 0; j < m && !ret; j++)
			for (int k = 0; k < c->nports && !ret; k++)
				if (theirs[j].proto == c->ports[k].proto &&
				    theirs[j].host_port == c->ports[k].host_port) {
					nsbox_err("run: host port %u/%s is published by box '%s' "
						  "already: choose another (-p OTHER:%u) or remove "
						  "that box", c->ports[k].host_port,
						  box_port_proto(&c->ports[k]), s.name,
						  c->ports[k].box_port);
					ret = -1;
				}
	}
	if (n > 0)
		box_list_free(names, n);
	return ret;
}

static int prepare(struct box_config *c, struct box_state *s, struct box_sup *sup)
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
		char disk[4200];
		int out[2], err[2], ret;

		/* the box writes into pipes, the monitor into disk/log (log.c) */
		snprintf(disk, sizeof(disk), "%s/disk", c->statedir);
		ret = box_log_open(&sup->log, disk, c->log_size);
		if (ret) {
			nsbox_err("run: cannot create %s/log: %s", disk, strerror(-ret));
			goto undo;
		}
		if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
			nsbox_err("run: pipe: %s", strerror(errno));
			goto undo;
		}
		sup->pipe[0] = out[0];
		sup->pipe[1] = err[0];
		c->logfd = out[1];
		c->errlogfd = err[1];
		fcntl(out[0], F_SETFL, O_NONBLOCK);
		fcntl(err[0], F_SETFL, O_NONBLOCK);
	}
	if (box_sup_listen(sup, c->statedir))
		goto undo;
	if (c->net == BOX_NET_BRIDGE) {
		uint32_t h;

		if (box_alloc_addr(&c->addr) || box_net_bridge_ensure() ||
		    box_ports_free(c) || box_nft_publish(c->name, &c->addr, c->ports, c->nports))
			goto undo;
		c->published = c->nports > 0;
		h = ntohl(c->addr.s_addr);
		snprintf(c->veth, sizeof(c->veth), "nsb-%u-%u", (h >> 8) & 0xff, h & 0xff);
	}
	if (box_cgroup_create(c))
		goto undo;
	/* the module knows a box by its cgroup: none of its own, no views */
	if (!c->cgroup[0])
		c->views = false;
	fill_state(s, c);
	if (box_state_write(s))
		goto undo;
	return 0;
undo:
	fill_state(s, c);
	box_destroy(s);
	return -1;
}

/*
 * After the lock was let go, another `nsbox rm` may have removed this box
 * and another `nsbox run` made a new one of the same name.  Take the lock
 * again and touch the state only if it is still ours: the one whose
 * monitor we are (no other process has our pid while we live).  Returns
 * the lock (or -1), *@s filled and *@ours set.
 */
static int relock_ours(const char *name, struct box_state *s, bool *ours)
{
	int lock = box_lock();

	*ours = lock >= 0 && box_state_read(name, s) == 0 && s->monitor == getpid();
	return lock;
}

/*
 * One run of the box: its PID 1 cloned, set up, the command started.
 * Called with the lock held (*@lock); returns with it let go.  The pid of
 * PID 1, running; or 0 with *@code set when it could not be set up (what
 * was made for this run is gone; the caller undoes the rest).
 */
static pid_t spawn(struct box_config *c, struct box_state *s, struct box_sup *sup, int *lock,
		   int null_fd, int notify_fd, int *code)
{
	int go[2] = { -1, -1 }, errp[2] = { -1, -1 }, ts[2] = { -1, -1 }, cgfd = -1;
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	char msg[1100];
	bool ours;
	ssize_t n;
	pid_t pid = 0;

	*code = BOX_EXIT_SETUP;
	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		nsbox_err("run: pipe: %s", strerror(errno));
		goto out;
	}
	/* -t: the box opens its pty and sends us the master (inside/child.c) */
	if (c->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ts)) {
		nsbox_err("run: socketpair: %s", strerror(errno));
		goto out;
	}
	c->ttysock = ts[1];
	/*
	 * PID 1 gets every namespace but the cgroup one (box_child() makes
	 * it from inside the box's cgroup) and, when root runs the box, the
	 * user one: PID 1 stays in the host's and the command gets its own
	 * (box_init.c).  A rootless PID 1 needs a user namespace to mount.
	 */
	ca.flags = c->ns & ~CLONE_NEWCGROUP;
	/* PID 1 makes it, to set its clock first (inside/child.c) */
	if (c->views_time)
		ca.flags &= ~CLONE_NEWTIME;
	if (geteuid() == 0)
		ca.flags &= ~CLONE_NEWUSER;
	if (c->cgroup[0]) {
		cgfd = open(c->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd < 0) {
			nsbox_err("run: open %s: %s", c->cgroup, strerror(errno));
			goto out;
		}
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = cgfd;
	}
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
		pid = 0;
		goto out;
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
	if (ts[1] >= 0)
		close(ts[1]);
	ts[1] = c->ttysock = -1;

	if ((ca.flags & CLONE_NEWUSER) && map_user(pid))
		goto kill;
	/* a run before: its veth may outlive its namespace for a while */
	if (c->net == BOX_NET_BRIDGE && s->restarts)
		box_net_link_delete(c->veth);
	if (c->net == BOX_NET_BRIDGE &&
	    (box_net_veth_create(c->name, c->veth, pid, &c->addr) ||
	     box_net_configure(pid, &c->addr)))
		goto kill;
	/*
	 * The pid goes in now (rm and stop can reach a box being set up),
	 * "running" only once it is set up: until pivot_root, its mount
	 * namespace shows the host's files, and `nsbox exec` must not join
	 * it then (it waits for "running").
	 */
	s->pid = pid;
	s->pid_start = box_proc_start(pid);
	s->started = time(NULL);
	snprintf(s->status, sizeof(s->status), "starting");
	if (box_state_write(s)) {
		nsbox_err("run: cannot write the state of %s", c->name);
		goto kill;
	}
	close(*lock);
	*lock = -1;
	if (write(go[1], &pid, sizeof(pid)) != sizeof(pid))
		goto kill;

	/* EOF: the command's execve() closed the last copy of the pipe. */
	n = read(errp[0], msg, sizeof(msg) - 1);
	if (n > 0) {
		int status;

		msg[n] = '\0';
		nsbox_err("run: %s", msg);
		waitpid(pid, &status, 0);
		*code = WIFEXITED(status) && (WEXITSTATUS(status) == 127 ||
					      WEXITSTATUS(status) == 126) ?
			WEXITSTATUS(status) : BOX_EXIT_SETUP;
		pid = 0;
		goto out;
	}
	/* set up, and the command runs: its terminal is in the socket */
	if (c->tty) {
		sup->tty = box_recv_fd(ts[0], "run");
		if (sup->tty < 0)
			goto kill;
		fcntl(sup->tty, F_SETFL, O_NONBLOCK);
	}
	/* exec may join it now */
	*lock = relock_ours(c->name, s, &ours);
	if (ours) {
		snprintf(s->status, sizeof(s->status), "running");
		if (box_state_write(s))
			nsbox_err("run: cannot write the state of %s", c->name);
	}
	goto out;
kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (ts[i] >= 0)
			close(ts[i]);
	}
	c->ttysock = -1;
	if (cgfd >= 0)
		close(cgfd);
	if (*lock >= 0)
		close(*lock);
	*lock = -1;
	return pid;
}

/* Start the box again after a run that ended with @code? */
static bool restart_due(const struct box_config *c, const struct box_sup *sup, int code,
			unsigned int tries)
{
	if (sup->stopping || c->restart == BOX_RESTART_NO)
		return false;
	if (c->restart == BOX_RESTART_ON_FAILURE &&
	    (code == 0 || (c->restart_max && tries >= c->restart_max)))
		return false;
	return true;
}

/* The run is over for good: record it (and remove the box for --rm). */
static void finish(struct box_config *c, struct box_state *s, int code, uint64_t lost)
{
	bool ours;
	int lock = relock_ours(c->name, s, &ours);

	if (ours) {
		snprintf(s->status, sizeof(s->status), "exited");
		s->exit_code = code;
		s->log_lost = lost;
		if (c->rm)
			box_destroy(s);
		else
			box_state_write(s);
	}
	if (lock >= 0)
		close(lock);
}

/*
 * The monitor, once the box runs, waits, serves its socket, writes the
 * state and the log: as root, in root's 0700 directories, which needs no
 * capability.  What it keeps: CAP_SYS_ADMIN and CAP_NET_ADMIN to undo
 * the box's tmpfs, veth and rules for --rm; everything for --restart (the
 * box is set up again by a child of the monitor, with what it inherits).
 */
static void drop_caps(const struct box_config *c)
{
	uint64_t keep = 0;

	if (geteuid() != 0 || c->restart != BOX_RESTART_NO)
		return;
	if (c->rm)
		keep = 1ULL << CAP_SYS_ADMIN | 1ULL << CAP_NET_ADMIN;
	box_step("# the monitor: capabilities %s from here on", keep ? "sys_admin,net_admin"
		 " only (--rm)" : "none");
	if (box_caps_keep(keep))
		nsbox_err("run: warning: the monitor cannot drop its capabilities: %s",
			  strerror(errno));
}

int box_run(struct box_config *c, int notify_fd)
{
	struct box_sup sup = { .name = c->name, .sigfd = -1, .lsock = -1, .tty = -1,
			       .tty_mode = c->tty, .pipe = { -1, -1 },
			       .log = { .fd = -1, .dirfd = -1 } };
	unsigned int tries = 0;
	long long backoff = BOX_RESTART_BACKOFF_MS;
	int null_fd, lock, code;
	struct box_state s;
	sigset_t sigs, old;
	bool ours;
	pid_t pid;

	for (int i = 0; i < BOX_SUP_CLIENTS; i++)
		sup.cl[i].fd = -1;
	/* run -t in the foreground: its end, attached before the box starts */
	if (c->attach_fd >= 0) {
		sup.cl[0].fd = c->attach_fd;
		sup.cl[0].attached = true;
	}
	/*
	 * The libraries the set-up calls, opened now, before anything has
	 * changed: in the box's namespaces they would be the box's files
	 * (dl.c).  Its first process brings up lo (--net none), the monitor
	 * makes the veth pair and its rules (bridge).
	 */
	if (box_dl_need(BOX_LIB_CAPNG | BOX_LIB_SECCOMP |
			(c->net != BOX_NET_HOST ? BOX_LIB_ROUTE : 0) |
			(c->net == BOX_NET_BRIDGE ? BOX_LIB_NFT : 0)))
		return BOX_EXIT_SETUP;
	lock = box_lock();
	if (lock < 0)
		return BOX_EXIT_SETUP;
	if (prepare(c, &s, &sup)) {
		box_sup_close(&sup, c->statedir);
		close(lock);
		return BOX_EXIT_SETUP;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* Signals wait in a queue until the loop reads them (signalfd). */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	/* a client that hangs up mid-reply must not kill the monitor */
	signal(SIGPIPE, SIG_IGN);
	sup.sigfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (null_fd < 0 || sup.sigfd < 0) {
		nsbox_err("run: %s: %s", null_fd < 0 ? "/dev/null" : "signalfd", strerror(errno));
		pid = 0;
		code = BOX_EXIT_SETUP;
		close(lock);
	} else {
		pid = spawn(c, &s, &sup, &lock, null_fd, notify_fd, &code);
	}
	if (!pid) {
		/* the first run failed: nothing of the box stays */
		lock = relock_ours(c->name, &s, &ours);
		box_sup_close(&sup, c->statedir);
		if (ours)
			box_destroy(&s);
		if (lock >= 0)
			close(lock);
		if (null_fd >= 0)
			close(null_fd);
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

	drop_caps(c);
	for (;;) {
		sup.pid = pid;
		code = box_sup_loop(&sup, -1);
		sup.pid = 0;
		/*
		 * A run as long as this was healthy (spawn() noted its start):
		 * the back-off starts again, the count of on-failure:N does not
		 * (as Docker's: N failures in all, however far apart).
		 */
		if (time(NULL) - s.started >= BOX_RESTART_HEALTHY_S)
			backoff = BOX_RESTART_BACKOFF_MS;
		if (!restart_due(c, &sup, code, tries))
			break;
		lock = relock_ours(c->name, &s, &ours);
		if (!ours) {
			/* removed meanwhile (nsbox rm): nothing of ours to restart */
			if (lock >= 0)
				close(lock);
			goto out;
		}
		snprintf(s.status, sizeof(s.status), "restarting");
		s.exit_code = code;
		s.pid = 0;
		s.pid_start = 0;
		s.log_lost = sup.log.lost;
		box_state_write(&s);
		close(lock);
		/* the back-off: serving requests; a stop ends it */
		box_sup_loop(&sup, backoff);
		if (sup.stopping)
			break;
		backoff = MIN(backoff * 2, BOX_RESTART_BACKOFF_MAX_MS);
		tries++;
		lock = relock_ours(c->name, &s, &ours);
		if (!ours) {
			if (lock >= 0)
				close(lock);
			goto out;
		}
		s.restarts++;
		pid = spawn(c, &s, &sup, &lock, null_fd, -1, &code);
		if (!pid)
			break;
	}
	finish(c, &s, code, sup.log.lost);
	/* `nsbox stop` returns once the end is on record */
	box_sup_ended(&sup, code);
out:
	box_sup_close(&sup, c->statedir);
	close(null_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}
