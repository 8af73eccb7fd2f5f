// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox exec, the runtime: join a running box and run a command there.
 *
 * exec joins a running box the way the kernel allows: setns() into each
 * of the box's namespaces, read from /proc/PID/ns/ of its PID 1 (user
 * first: it grants the capabilities needed for the others; mnt last: it
 * changes what "/proc" means), then a child created by clone3() directly
 * in the box's cgroup -- a pid namespace applies to children only -- with
 * the same capability, no_new_privs and seccomp setup as the box itself
 * (box_exec_child(), inside/child.c), in a session of its own, with a pty
 * of the box's or pipes where the caller has a terminal (relay.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/nsfs.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "inside.h"
#include "err.h"
#include "util.h"


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
	pid_t cmd = box_ns_pid(s);
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

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

int box_exec(struct box_config *c, const struct box_state *s)
{
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	int cgfd = -1, cgns = -1, pidfd = -1, status;
	char cpuset[256];
	struct box_io io;
	pid_t pid;

	/* the child's capabilities and seccomp filter: their libraries from
	 * the host's files, before we join the box's mount namespace (dl.c) */
	if (box_dl_need(BOX_LIB_CAPNG | BOX_LIB_SECCOMP))
		return BOX_EXIT_SETUP;
	if (box_io_prepare(&io)) {
		box_io_close(&io);
		return BOX_EXIT_SETUP;
	}

	if (s->cgroup[0]) {
		cgfd = open(s->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd >= 0) {
			ca.flags = CLONE_INTO_CGROUP;
			ca.cgroup = cgfd;
		}
		/* the box's own CPUs, for the child's affinity (inside/child.c) */
		c->cpuset = box_cgroup_cpuset(s->cgroup, cpuset, sizeof(cpuset));
	}
	box_dl_seal();
	if (join_box(s, &cgns)) {
		if (cgfd >= 0)
			close(cgfd);
		box_io_close(&io);
		return BOX_EXIT_SETUP;
	}
	/*
	 * Not dumpable, and so the child from its first instruction: it is in
	 * the box's pid namespace, holding our descriptors until it has
	 * closed them.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	ca.flags |= CLONE_PIDFD;
	ca.pidfd = (uintptr_t)&pidfd;
	fflush(NULL);
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		nsbox_err("exec: clone3 into the box: %s", strerror(errno));
		box_io_close(&io);
		return BOX_EXIT_SETUP;
	}
	if (pid == 0)
		box_exec_child(c, s, cgns, &io);
	if (cgns >= 0)
		close(cgns);
	if (cgfd >= 0)
		close(cgfd);
	/* Copy between the caller's terminal and the box's until the command exits. */
	status = box_io_relay(&io, pid, pidfd);
	close(pidfd);
	if (status < 0)
		return BOX_EXIT_SETUP;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
