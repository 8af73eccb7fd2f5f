// SPDX-License-Identifier: GPL-2.0
/*
 * The box's first process, from clone3() until it becomes PID 1 proper
 * (init.c): it runs in the new namespaces, and reports any failure to the
 * monitor through the error pipe (box_fail()).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/nsbox.h>

#include "inside.h"
#include "io.h"
#include "err.h"
#include "util.h"

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

	snprintf(range, sizeof(range), "%u %u", c->gid_base, c->gid_base + c->id_count - 1);
	box_step("sysctl -w net.ipv4.ip_unprivileged_port_start=0 "
		 "net.ipv4.ping_group_range='%s'", range);
	/* best effort: without them the box still works, less conveniently */
	(void)nsbox_write_file(ports, "0");
	(void)nsbox_write_file(ping, range);
}

/*
 * The box's clock since boot starts with the box (docs/boxes.md, "Time").
 * A time namespace shifts CLOCK_BOOTTIME by an offset, and with it
 * /proc/uptime, sysinfo(2)'s uptime, /proc/stat's btime and every start
 * time in /proc/PID/stat: the offset here is minus the moment PID 1
 * started, in whole seconds rounded down, so that no process of the box
 * started before its "boot" and `ps` agrees with `uptime`.  An offset can
 * be written only while no process is in the namespace: unshare() makes
 * one for our children, the offset goes in, and setns() to
 * time_for_children takes PID 1 in as well.
 */
static void box_clock(pid_t hostpid)
{
	long tck = sysconf(_SC_CLK_TCK);
	unsigned long long start = box_proc_start(hostpid);
	char off[64];
	int fd, err;

	if (!start || tck <= 0)
		box_fail("read PID 1's start time from /proc/%d/stat", hostpid);
	box_step("unshare --time (for the children; PID 1 joins below)");
	if (unshare(CLONE_NEWTIME))
		box_fail("unshare(CLONE_NEWTIME): %s", strerror(errno));
	snprintf(off, sizeof(off), "boottime -%llu 0", start / (unsigned long long)tck);
	err = box_write("/proc/self/timens_offsets", off);
	if (err)
		box_fail("set the box's boot time (/proc/self/timens_offsets): %s",
			 strerror(-err));
	box_step("nsenter --time=/proc/self/ns/time_for_children");
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME))
		box_fail("join the box's time namespace: %s", strerror(errno));
	close(fd);
}

/*
 * The box's CPUs (--cpuset-cpus, "0-1,3") as this process's affinity,
 * which its children inherit and nproc counts.  Joining a cgroup with a
 * cpuset sets it, but clone3(CLONE_INTO_CGROUP) did not before 6.2: the
 * child kept its parent's mask.  The kernel keeps it within the cpuset.
 */
static void apply_cpuset(const char *list)
{
	const char *p = list;
	cpu_set_t set;
	char *end;

	CPU_ZERO(&set);
	while (*p) {
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (; a <= b && a < CPU_SETSIZE; a++)
			CPU_SET(a, &set);
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
	box_step("taskset -p -c %s $$", list);
	if (sched_setaffinity(0, sizeof(set), &set))
		box_fail("sched_setaffinity(%s): %s", list, strerror(errno));
}

/*
 * A pty of the box's: /dev/ptmx here is the box's devpts (we are in its
 * mount namespace), so the pty belongs to the box and the host never
 * sees it.  The master goes over @sock (SCM_RIGHTS) to exec or to the
 * monitor; the slave is returned.  @ws: the window size, or NULL.
 */
static int pty_send(int sock, const struct winsize *ws)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "m", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int m, slave;

	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		box_fail("cannot open a pty in the box (/dev/ptmx): %s", strerror(errno));
	if (unlockpt(m))
		box_fail("unlockpt: %s", strerror(errno));
	slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		box_fail("open the pty's other end (TIOCGPTPEER): %s", strerror(errno));
	if (ws && ws->ws_row && ioctl(slave, TIOCSWINSZ, ws))
		box_fail("set the pty's window size: %s", strerror(errno));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &m, sizeof(int));
	if (sendmsg(sock, &mh, 0) != 1)
		box_fail("send the pty's master: %s", strerror(errno));
	close(m);
	return slave;
}

noreturn void box_child(struct box_config *c, int go_fd, int err_fd, int null_fd)
{
	int keep[7] = { go_fd, err_fd, null_fd, c->logfd, c->errlogfd, c->rootfs_fd,
			c->ttysock };
	pid_t hostpid;

	box_dl_seal();		/* what the set-up calls was opened before the clone */
	qsort(keep, 7, sizeof(int), cmp_int);
	close_others(keep, 7);
	box_errfd = err_fd;
	/* "go" carries our pid as the host sees it (getpid() says 1 here). */
	if (read(go_fd, &hostpid, sizeof(hostpid)) != sizeof(hostpid))
		_exit(BOX_EXIT_SETUP);	/* the monitor gave up: nothing to report */
	close(go_fd);

	if (c->cpuset)
		apply_cpuset(c->cpuset);
	if (c->ns & CLONE_NEWCGROUP) {
		/* Now, not at clone time: the namespace's root is the cgroup
		 * we are in, and CLONE_INTO_CGROUP put us in the box's. */
		box_step("unshare --cgroup");
		if (unshare(CLONE_NEWCGROUP))
			box_fail("unshare(CLONE_NEWCGROUP): %s", strerror(errno));
	}
	if (c->views) {
		/* sysinfo(2): the one view that is no file (docs/views.md) */
		int fd = open(NSBOX_VIEWS_PATH, O_RDONLY | O_CLOEXEC);

		box_step("# ioctl(open(%s), NSBOX_IOC_VIEWS_ON): sysinfo(2) shows the box",
			 NSBOX_VIEWS_PATH);
		if (fd < 0 || ioctl(fd, NSBOX_IOC_VIEWS_ON))
			box_fail("ask nsbox.ko for the box's views (%s): %s; run with --no-views",
				 NSBOX_VIEWS_PATH, strerror(errno));
		close(fd);
	}
	if (c->views_time)
		box_clock(hostpid);
	if (c->ns & CLONE_NEWUTS) {
		const char *h = c->hostname ? c->hostname : c->name;

		box_step("hostname %s", h);
		if (sethostname(h, strlen(h)))
			box_fail("sethostname: %s", strerror(errno));
	}
	if (c->net == BOX_NET_NONE) {
		char why[512];

		/* its messages go where box_fail() sends them, not to stderr */
		nsbox_err_capture(why, sizeof(why));
		if (box_net_configure(hostpid, NULL))
			box_fail("cannot bring up lo in the box: %s", why);
		nsbox_err_capture(NULL, 0);
	}
	if ((c->ns & CLONE_NEWUSER) && c->net != BOX_NET_HOST)
		box_net_unprivileged(c);
	box_mount_setup(c);
	/*
	 * The rootfs descriptor `nsbox run` opened is a directory of the
	 * host's: from /proc/1/fd/N, "../.." is the host's "/" to whoever may
	 * read PID 1's descriptors (box root with --cap-add SYS_PTRACE).  It
	 * has served (mount.c checked the box's root against it): close it.
	 */
	close(c->rootfs_fd);
	c->rootfs_fd = -1;
	if (c->tty) {
		/* the command's terminal: a pty of the box's, the master the monitor's */
		int slave = pty_send(c->ttysock, NULL);

		box_step("# the command's terminal: a pty of the box's devpts, its master "
			 "passed to the monitor (SCM_RIGHTS)");
		if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
			box_fail("make the pty the command's stdio: %s", strerror(errno));
		if (slave > 2)
			close(slave);
		close(c->ttysock);
		c->ttysock = -1;
	} else if (c->detach) {
		if (dup2(null_fd, 0) < 0 || dup2(c->logfd, 1) < 0 || dup2(c->errlogfd, 2) < 0)
			box_fail("redirect output to the log: %s", strerror(errno));
	}
	if (null_fd > 2)
		close(null_fd);
	if (c->logfd > 2)
		close(c->logfd);
	if (c->errlogfd > 2)
		close(c->errlogfd);
	box_init(c);
}

/*
 * exec's child, first thing: no descriptor of the caller's terminal may
 * stay here (box.h, struct box_io).  Without a pty, each terminal of 0-2
 * becomes its pipe.  With one, 0-2 are /dev/null until the pty is there
 * (stderr kept if it is no terminal), and errors go back over the socket.
 * Then a session of its own: no controlling terminal, the caller's
 * session out of reach (TIOCSPGRP, SIGHUP).  Returns the socket (3), or -1.
 */
static int exec_stdio(struct box_io *io)
{
	if (!io->pty) {
		for (int i = 0; i < 3; i++)
			if (io->pipe[i][0] >= 0 && dup2(io->pipe[i][i == 0 ? 0 : 1], i) < 0)
				_exit(BOX_EXIT_SETUP);
		setsid();
		return -1;
	}
	if (dup2(io->null_fd, 0) < 0 || dup2(io->null_fd, 1) < 0 ||
	    (io->pty_stderr && dup2(io->null_fd, 2) < 0) || dup2(io->sock[1], 3) < 0)
		_exit(BOX_EXIT_SETUP);
	setsid();
	box_errfd = 3;		/* box_fail() reports through the socket */
	return 3;
}

/* exec's: the pty becomes our controlling terminal and 0-2. */
static void exec_pty(struct box_io *io, int sock)
{
	int slave = pty_send(sock, &io->ws);

	box_errfd = -1;		/* from here on, errors go to the pty */
	close(sock);
	if (ioctl(slave, TIOCSCTTY, 0) || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    (io->pty_stderr && dup2(slave, 2) < 0))
		box_fail("make the pty our terminal: %s", strerror(errno));
	close(slave);
}

noreturn void box_exec_child(struct box_config *c, const struct box_state *s,
			     int cgns_fd, struct box_io *io)
{
	int sock = exec_stdio(io);

	/*
	 * The cgroup namespace last, from inside the box's cgroup: clone3()
	 * refuses CLONE_INTO_CGROUP (ENOENT) when the caller's own cgroup is
	 * outside its cgroup namespace, which it would be after joining it.
	 */
	if (cgns_fd >= 0 && setns(cgns_fd, CLONE_NEWCGROUP))
		box_fail("cannot join the cgroup namespace: %s", strerror(errno));
	if (c->cpuset)
		apply_cpuset(c->cpuset);
	/* Nothing of the caller's may stay open in the box. */
	close_range(sock >= 0 ? 4 : 3, ~0U, 0);
	prctl(PR_SET_DUMPABLE, 0);	/* until execve(): /proc/PID/fd closed to the box */
	if (s->ns & CLONE_NEWUSER) {
		/* root of the box's user namespace, as its command is */
		if (setgroups(0, NULL) && errno != EPERM)
			box_fail("setgroups: %s", strerror(errno));
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
			box_fail("become root of the box's user namespace: %s", strerror(errno));
	}
	if (sock >= 0)
		exec_pty(io, sock);
	box_sec_apply(s->caps, s->allow);
	if (chdir(c->workdir ? c->workdir : "/"))
		box_fail("--workdir %s: %s", c->workdir, strerror(errno));
	environ = box_environ(c);
	execvp(c->argv[0], c->argv);
	box_fail_status = errno == ENOENT ? 127 : 126;
	box_fail("cannot run %s in the box: %s", c->argv[0], strerror(errno));
}
