// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - PID 1 inside the box.
 *
 * The first process of a pid namespace has two jobs the kernel gives to
 * no one else there: orphans are re-parented to it, so it must reap them
 * (wait for them) or they stay zombies; and it only receives the signals
 * it has asked for (a stray SIGTERM does not kill a namespace's init).
 * A shell or a server started as PID 1 does neither well, so nsbox keeps
 * PID 1 for itself: it starts the command as its child, reaps every
 * process that dies, forwards the signals it gets to the command, and
 * exits with the command's status when it ends (128+N if signal N killed
 * it).  When PID 1 exits, the kernel kills everything left in the box.
 *
 * All signals stay blocked in PID 1 and are taken with sigwaitinfo(): no
 * handler runs at an awkward moment, and blocked signals are queued even
 * for a namespace's init.
 *
 * A box with a user namespace is built in two stages, so that its masks
 * hold.  PID 1 made the mounts (box_mount.c) in a mount namespace owned
 * by a more privileged user namespace than the command's: the host's for
 * root's boxes, the outer one of a rootless box.  The command is then
 * cloned into a new user namespace *and* a new mount namespace.  When the
 * kernel copies a mount namespace into a less privileged user namespace
 * it locks every mount it copies (MNT_LOCKED, and their read-only, nosuid,
 * nodev, noexec flags): root in the box, for all the capabilities it has
 * in its own user namespace, cannot unmount /proc/sys's read-only bind
 * or the /dev/null over /proc/kcore, nor remount them, nor remount "/"
 * read-write.  Mounts made by box root itself in its own user namespace
 * would not be locked, which is why PID 1, not the command, makes them.
 * PID 1 writes the inner namespace's uid_map and gid_map (it is in the
 * parent user namespace, as the kernel requires), then lets the command
 * go and gives up every capability of its own.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inside.h"

int box_errfd = -1;

void box_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(1);
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (box_errfd >= 0) {
		if (write(box_errfd, msg, n) < 0)
			_exit(1);
	} else {
		fprintf(stderr, "nsbox: %s\n", msg);
	}
	_exit(box_fail_status);
}

/* box_fail() exits with 1, except after a failed execve(): 126 or 127. */
int box_fail_status = 1;

char **box_environ(const struct box_config *c)
{
	const char *term = getenv("TERM");
	char **env = calloc(c->nenv + 8, sizeof(char *));
	int n = 0;

	if (!env)
		return NULL;
	env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[n++] = "HOME=/root";
	env[n++] = "container=nsbox";
	if (asprintf(&env[n], "HOSTNAME=%s", c->hostname ? c->hostname : c->name) > 0)
		n++;
	if (term && asprintf(&env[n], "TERM=%s", term) > 0)
		n++;
	for (int i = 0; i < c->nenv; i++)
		env[n++] = (char *)c->env[i];
	env[n] = NULL;
	return env;
}

/* In the child that becomes the command. */
static void exec_command(const struct box_config *c)
{
	char **env = box_environ(c);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!env)
		box_fail("out of memory");
	box_sec_apply(c->caps, c->allow);
	if (chdir(c->workdir ? c->workdir : "/"))
		box_fail("--workdir %s: %s", c->workdir, strerror(errno));
	environ = env;
	box_step("exec %s", c->argv[0]);
	execvp(c->argv[0], c->argv);
	box_fail_status = errno == ENOENT ? 127 : 126;	/* as shells do */
	box_fail("cannot run %s in the box: %s", c->argv[0], strerror(errno));
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* The inner user namespace's maps, written from its parent namespace. */
static void map_inner(const struct box_config *c, pid_t child)
{
	char path[64], map[64];
	int err;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", child);
	snprintf(map, sizeof(map), "0 %u %u", c->uid_base, c->id_count);
	err = box_write(path, map);
	if (err)
		box_fail("cannot write %s (%s): %s", path, map, strerror(-err));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", child);
	snprintf(map, sizeof(map), "0 %u %u", c->gid_base, c->id_count);
	err = box_write(path, map);
	if (err)
		box_fail("cannot write %s (%s): %s", path, map, strerror(-err));
}

/* The command's process in the inner user namespace, once it is mapped. */
static __attribute__((noreturn)) void inner_command(const struct box_config *c, int go_fd)
{
	char x;

	if (read(go_fd, &x, 1) != 1)
		_exit(1);	/* PID 1 failed and says why */
	close(go_fd);
	/* root of the new namespace; the host's supplementary groups go */
	if (setgroups(0, NULL) && errno != EPERM)
		box_fail("setgroups: %s", strerror(errno));
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		box_fail("become root of the box's user namespace: %s", strerror(errno));
	exec_command(c);
	_exit(1);
}

/* Start the command: forked, or cloned one user namespace deeper. */
static pid_t start_command(const struct box_config *c)
{
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	int go[2];
	pid_t child;

	fflush(NULL);
	if (!(c->ns & CLONE_NEWUSER)) {
		child = fork();
		if (child == 0)
			exec_command(c);
		return child;
	}
	if (pipe2(go, O_CLOEXEC))
		box_fail("pipe: %s", strerror(errno));
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS | (c->ns & CLONE_NEWCGROUP);
	box_step("unshare --user --mount%s (the command: mounts locked)",
		 (c->ns & CLONE_NEWCGROUP) ? " --cgroup" : "");
	child = syscall(SYS_clone3, &ca, sizeof(ca));
	if (child < 0)
		box_fail("clone3 (the command's user namespace): %s", strerror(errno));
	if (child == 0) {
		close(go[1]);
		inner_command(c, go[0]);
	}
	close(go[0]);
	map_inner(c, child);
	if (write(go[1], "g", 1) != 1)
		box_fail("start the command: %s", strerror(errno));
	close(go[1]);
	return child;
}

void box_init(const struct box_config *c)
{
	sigset_t all;
	bool verbose;
	pid_t child;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* Without a pid namespace we are not PID 1: become the reaper anyway. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_NAME, "nsbox-init");

	/* (still dumpable: a rootless PID 1 may write only its dumpable
	 * child's uid_map; nothing else runs in the box yet) */
	child = start_command(c);
	if (child < 0)
		box_fail("fork the command: %s", strerror(errno));
	/* Not dumpable: the box's processes cannot open /proc/1/fd or mem. */
	prctl(PR_SET_DUMPABLE, 0);
	/* PID 1 needs no privilege from here on: waiting and kill(child). */
	box_step("# PID 1: every capability dropped, no_new_privs, the same seccomp filter");
	verbose = box_verbose;
	box_verbose = false;
	box_sec_apply(0, 0);
	box_verbose = verbose;

	/* The command runs: its exec closed its copy of the error pipe. */
	close(box_errfd);
	box_errfd = -1;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si), status;
		pid_t p;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			if (p == child)
				_exit(exit_code(status));
	}
}
