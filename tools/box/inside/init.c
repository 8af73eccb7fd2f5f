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
 * Until then PID 1 is a fork of `nsbox run` that never exec'd: the host
 * tool's memory -- its command line, environment and heap, --env values
 * included -- and its libraries.  Every process in the box may read
 * /proc/1/cmdline; box root with CAP_SYS_PTRACE could read the rest.  So
 * once the command is started and PID 1 has dropped everything, PID 1
 * execs a program of its own, nsbox-init (box/pid1/pid1.c), which does the
 * waiting and forwarding above and nothing else.  It is embedded in nsbox
 * (image.c) and run from a sealed memfd: no file of the host's is needed in
 * the box or reachable from it, and /proc/1/exe is that memfd.  It gets
 * only the command's pid, the box's /dev/null as 0-2 and, as 3, a pipe the
 * command waits on: the command starts once PID 1 is nsbox-init.  Being
 * exec'd from a file it may not read (mode 0100, no capability left), it
 * is not dumpable from its first instruction.
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
 * parent user namespace, as the kernel requires), gives up every
 * capability of its own, and lets the command go.
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
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* The capability-less command's wait: "g" (maps written, PID 1 dropped
 * everything), then EOF (PID 1 is nsbox-init: its exec or itself closed
 * the pipe).  No "g": PID 1 failed, and says why. */
static void wait_pid1(int go_fd)
{
	char x;

	if (read(go_fd, &x, 1) != 1)
		_exit(1);
	while (read(go_fd, &x, 1) > 0)
		;
	close(go_fd);
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
	/* -t: a session of its own, the pty on 0 its controlling terminal */
	if (c->tty && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0)))
		box_fail("make the pty the command's terminal: %s", strerror(errno));
	box_sec_apply(c->caps, c->allow);
	if (chdir(c->workdir ? c->workdir : "/"))
		box_fail("--workdir %s: %s", c->workdir, strerror(errno));
	environ = env;
	box_step("exec %s", c->argv[0]);
	execvp(c->argv[0], c->argv);
	box_fail_status = errno == ENOENT ? 127 : 126;	/* as shells do */
	box_fail("cannot run %s in the box: %s", c->argv[0], strerror(errno));
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
	wait_pid1(go_fd);
	/* root of the new namespace; the host's supplementary groups go */
	if (setgroups(0, NULL) && errno != EPERM)
		box_fail("setgroups: %s", strerror(errno));
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		box_fail("become root of the box's user namespace: %s", strerror(errno));
	exec_command(c);
	_exit(1);
}

/*
 * Start the command: forked, or cloned one user namespace deeper.  It
 * waits on @go[0] (wait_pid1()).
 */
static pid_t start_command(const struct box_config *c, const int go[2])
{
	struct box_clone_args ca = { .exit_signal = SIGCHLD };
	pid_t child;

	fflush(NULL);
	if (!(c->ns & CLONE_NEWUSER)) {
		child = fork();
		if (child == 0) {
			close(go[1]);
			wait_pid1(go[0]);
			exec_command(c);
		}
		return child;
	}
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS | (c->ns & CLONE_NEWCGROUP);
	box_step("unshare --user --mount%s (the command: mounts locked)",
		 (c->ns & CLONE_NEWCGROUP) ? " --cgroup" : "");
	child = syscall(SYS_clone3, &ca, sizeof(ca));
	if (child == 0) {
		close(go[1]);
		inner_command(c, go[0]);
	}
	return child;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U	/* Linux 6.3: say that it will be exec'd */
#endif

/*
 * nsbox-init's bytes in a memfd that nothing can change any more (sealed)
 * and that only its owner may execute, not read (0100): exec'd without
 * a capability to override that, the process is not dumpable.  Made
 * before the command starts, so a failure fails the box cleanly.
 */
static int pid1_image(void)
{
	const unsigned char *p = box_pid1_image;
	int fd = memfd_create("nsbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)	/* before 6.3: every memfd may be exec'd */
		fd = memfd_create("nsbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		box_fail("memfd_create for PID 1's program: %s%s", strerror(errno),
			 errno == EACCES ? " (vm.memfd_noexec is 2 on this host: set it to 0 "
			 "or 1 to run boxes)" : "");
	while (p < box_pid1_image_end) {
		ssize_t n = write(fd, p, box_pid1_image_end - p);

		if (n <= 0)
			box_fail("write PID 1's program to its memfd: %s", strerror(errno));
		p += n;
	}
	if (fchmod(fd, 0100) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL))
		box_fail("seal PID 1's program: %s", strerror(errno));
	return fd;
}

/* Only 0-3 (3: the command's pipe), the error pipe and the memfd (both
 * 4 or above, close-on-exec): nothing else goes on to nsbox-init. */
static void close_all_but(int a, int b)
{
	int keep[] = { a < b ? a : b, a < b ? b : a };
	unsigned int from = 4;

	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned int)keep[i] > from)
			close_range(from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

/* @fd, moved to 4 or above if it is 3 (close-on-exec either way) */
static int off_3(int fd)
{
	int moved;

	if (fd != 3)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 4);
	if (moved < 0)
		box_fail("fcntl(F_DUPFD_CLOEXEC): %s", strerror(errno));
	close(fd);
	return moved;
}

/* Become nsbox-init: what it runs with, then execveat() of the memfd. */
static __attribute__((noreturn)) void exec_pid1(int img, pid_t child, int go_w)
{
	char pid[16], *argv[] = { "nsbox-init", pid, NULL }, *envp[] = { NULL };
	uint64_t all = ~0ULL;
	int null_fd;

	snprintf(pid, sizeof(pid), "%d", child);
	box_step("# PID 1: exec nsbox-init %d, from a sealed memfd (nothing of the host's)", child);
	/* 0-2: the box's /dev/null, not the caller's terminal or the log */
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		box_fail("open the box's /dev/null: %s", strerror(errno));
	box_errfd = off_3(box_errfd);
	img = off_3(img);
	if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0 ||
	    (go_w == 3 ? fcntl(3, F_SETFD, 0) : dup2(go_w, 3)) < 0)
		box_fail("set up PID 1's descriptors: %s", strerror(errno));
	close_all_but(box_errfd, img);
	/* glibc's sigprocmask leaves its two own signals out: block them too */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, sizeof(all));
	if (write(3, "g", 1) != 1)
		box_fail("start the command: %s", strerror(errno));
	syscall(SYS_execveat, img, "", argv, envp, AT_EMPTY_PATH);
	kill(child, SIGKILL);
	box_fail("exec PID 1's program (nsbox-init) from its memfd: %s", strerror(errno));
}

void box_init(const struct box_config *c)
{
	int go[2], img;
	sigset_t all;
	bool verbose;
	pid_t child;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* Without a pid namespace we are not PID 1: become the reaper anyway. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_NAME, "nsbox-init");

	img = pid1_image();
	if (pipe2(go, O_CLOEXEC))
		box_fail("pipe: %s", strerror(errno));
	/* (still dumpable: a rootless PID 1 may write only its dumpable
	 * child's uid_map; nothing else runs in the box yet) */
	child = start_command(c, go);
	if (child < 0)
		box_fail("start the command (%s): %s", (c->ns & CLONE_NEWUSER) ?
			 "clone3 into its own user namespace" : "fork", strerror(errno));
	close(go[0]);
	if (c->ns & CLONE_NEWUSER)
		map_inner(c, child);
	/* Not dumpable: the box's processes cannot open /proc/1/fd or mem. */
	prctl(PR_SET_DUMPABLE, 0);
	/* PID 1 needs no privilege from here on: waiting and kill(child). */
	box_step("# PID 1: every capability dropped, no_new_privs, the same seccomp filter");
	verbose = box_verbose;
	box_verbose = false;
	box_sec_apply(0, 0);
	box_verbose = verbose;
	exec_pid1(img, child, go[1]);
}
