// SPDX-License-Identifier: GPL-2.0
/*
 * escape_helper - one attack on the box it runs in, one system call each,
 * for escape.sh.  Linked statically (`nsbox rootfs create --add`).
 *
 *   escape_helper OP [ARG]
 *
 * prints one line "OP=RESULT": "ok" if the call succeeded (the attack
 * worked), otherwise the errno's name (EPERM, EINVAL, ...), so the test
 * can check not only that an attack failed but that it failed for the
 * documented reason: EPERM from seccomp or a missing capability, EINVAL
 * from a locked mount, EROFS from a read-only one, ENOSYS from seccomp's
 * default.  Exit status 0 whatever the result; 2 for a usage error.
 *
 * A few ops print something else, said at the op:
 *   nobody-cat FILE   FILE's bytes (NULs as spaces), read as uid 65534
 *   tty-thief LOG     leaves a process behind that tries to take the
 *                     terminal (fd 0) once this one has exited; LOG says
 *                     what it managed
 *   exec PATH         execve(PATH): "exec=ok" (from PATH, which must be
 *                     this helper) or the errno
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/mempolicy.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int result(const char *op, long ret)
{
	printf("%s=%s\n", op, ret < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}

/* clone() with namespace flags; the child, if any, exits at once. */
static long clone_flags(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static long do_clone3(void)
{
	uint64_t args[11] = { 0 };
	long pid;

	args[4] = SIGCHLD;	/* exit_signal */
	pid = syscall(SYS_clone3, args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static long write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	long ret;

	if (fd < 0)
		return -1;
	ret = write(fd, text, strlen(text));
	close(fd);
	return ret;
}

/* Read one byte: ok means the file gave something away. */
static long read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c;
	long ret;

	if (fd < 0)
		return -1;
	ret = read(fd, &c, 1);
	close(fd);
	if (ret == 0) {
		errno = ENODATA;	/* empty: a /dev/null mask */
		return -1;
	}
	return ret;
}

/* A setuid-root file that stays setuid: for host users to run. */
static long plant_setuid(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fchmod(fd, 04755) || fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (!(st.st_mode & S_ISUID)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Take a link down (and back up if that worked: the host's, maybe). */
static long link_down(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long ret;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr)) {
		close(s);
		return -1;
	}
	ifr.ifr_flags &= ~IFF_UP;
	ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	if (ret == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return ret;
}

/* Type a character into a terminal: a pty of our own is enough to try. */
static long tiocsti(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;
	long ret;
	char c = 'x';

	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s < 0)
		return -1;
	/* the command in the upper half must not hide it from seccomp */
	ret = syscall(SYS_ioctl, s, 0x100000000UL | TIOCSTI, &c);
	close(s);
	close(m);
	return ret;
}

/* socket() of an address family Docker's profile denies */
static long sock(int family, int type)
{
	int s = socket(family, type | SOCK_CLOEXEC, 0);

	if (s >= 0)
		close(s);
	return s;
}

/* the calls that reach another process's descriptors or memory: on itself */
static long pidfd_op(const char *op)
{
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	long ret;

	if (pidfd < 0)
		return -1;
	if (!strcmp(op, "pidfd_getfd")) {
		ret = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
		if (ret >= 0)
			close(ret);
	} else {
		static char page[4096] __attribute__((aligned(4096)));
		struct iovec iov = { page, sizeof(page) };

		page[0] = 1;
		ret = syscall(SYS_process_madvise, pidfd, &iov, 1, 20 /* MADV_COLD */, 0);
	}
	close(pidfd);
	return ret;
}

/* NUMA memory policy calls, MPOL_DEFAULT: changes nothing if allowed */
static long mempolicy_op(const char *op)
{
	int mode;

	if (!strcmp(op, "get_mempolicy"))
		return syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
	if (!strcmp(op, "set_mempolicy"))
		return syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	return syscall(SYS_mbind, p, 4096, MPOL_DEFAULT, NULL, 0, 0);
}

/* Print FILE as uid/gid 65534 (nobody), NULs as spaces. */
static int nobody_cat(const char *path)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		printf("nobody-cat=%s\n", strerrorname_np(errno));
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("nobody-cat=%s\n", strerrorname_np(errno));
		return 0;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		fwrite(buf, 1, n, stdout);
	}
	close(fd);
	return 0;
}

/*
 * What a process left behind by `nsbox exec` would do to the admin's
 * terminal: once the exec'd command (this process) has exited, make its
 * own process group the terminal's foreground group and read what is
 * typed next.  LOG gets "sid=N", "tcsetpgrp=RESULT", then "read=TEXT"
 * (it got keys) or "read-end=RESULT", then "done".
 */
static int tty_thief(const char *log)
{
	int p[2];
	char c, buf[256];
	FILE *f;
	pid_t pid;
	ssize_t n;

	if (pipe(p))
		return result("tty-thief", -1);
	/* before the fork: our exit may hang up the terminal at once */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return result("tty-thief", -1);
	if (pid > 0) {
		printf("tty-thief=started\n");
		return 0;	/* our exit closes p[1]: the thief's signal */
	}
	close(p[1]);
	setpgid(0, 0);
	while (read(p[0], &c, 1) > 0)
		;
	f = fopen(log, "we");
	if (!f)
		_exit(1);
	fprintf(f, "sid=%d\n", (int)getsid(0));
	fprintf(f, "tcsetpgrp=%s\n", tcsetpgrp(0, getpgrp()) ? strerrorname_np(errno) : "ok");
	fflush(f);
	n = read(0, buf, sizeof(buf) - 1);
	if (n > 0)
		fprintf(f, "read=%.*s\n", (int)n, buf);
	else
		fprintf(f, "read-end=%s\n", n < 0 ? strerrorname_np(errno) : "EOF");
	fprintf(f, "done\n");
	fclose(f);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "", *arg = argc > 2 ? argv[2] : "";
	struct sched_param sp = { .sched_priority = 1 };
	char buf[64];

	if (!strcmp(op, "umount"))
		return result(op, umount2(arg, 0));
	if (!strcmp(op, "umount-lazy"))
		return result(op, umount2(arg, MNT_DETACH));
	if (!strcmp(op, "remount-rw"))
		return result(op, mount(NULL, arg, NULL, MS_REMOUNT | MS_BIND, NULL));
	if (!strcmp(op, "overmount"))
		return result(op, mount("tmpfs", arg, "tmpfs", 0, NULL));
	if (!strcmp(op, "mount-proc"))
		return result(op, mount("proc", arg, "proc", 0, NULL));
	if (!strcmp(op, "fsopen"))
		return result(op, syscall(SYS_fsopen, "tmpfs", 0));
	if (!strcmp(op, "open_tree"))
		return result(op, syscall(SYS_open_tree, AT_FDCWD, arg, 1 /* OPEN_TREE_CLONE */));
	if (!strcmp(op, "unshare-user"))
		return result(op, unshare(CLONE_NEWUSER));
	if (!strcmp(op, "unshare-mnt"))
		return result(op, unshare(CLONE_NEWNS));
	if (!strcmp(op, "clone-newuser"))
		return result(op, clone_flags(CLONE_NEWUSER));
	if (!strcmp(op, "clone-newns"))
		return result(op, clone_flags(CLONE_NEWNS));
	if (!strcmp(op, "clone3"))
		return result(op, do_clone3());
	if (!strcmp(op, "setns")) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);

		return result(op, fd < 0 ? -1 : setns(fd, 0));
	}
	if (!strcmp(op, "keyctl"))
		return result(op, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "nsbox"));
	if (!strcmp(op, "add_key"))
		return result(op, syscall(SYS_add_key, "user", "k", "v", 1,
					  KEY_SPEC_SESSION_KEYRING));
	if (!strcmp(op, "bpf"))
		return result(op, syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0));
	if (!strcmp(op, "perf_event_open"))
		return result(op, syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(op, "userfaultfd"))
		return result(op, syscall(SYS_userfaultfd, O_CLOEXEC));
	if (!strcmp(op, "io_uring_setup"))
		return result(op, syscall(SYS_io_uring_setup, 1, buf));
	if (!strcmp(op, "open_by_handle_at"))
		return result(op, syscall(SYS_open_by_handle_at, AT_FDCWD, buf, O_RDONLY));
	if (!strcmp(op, "kexec_load"))
		return result(op, syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(op, "init_module"))
		return result(op, syscall(SYS_init_module, "", 0, ""));
	if (!strcmp(op, "delete_module"))
		return result(op, syscall(SYS_delete_module, "nsbox", O_NONBLOCK));
	if (!strcmp(op, "sched-fifo"))
		return result(op, sched_setscheduler(0, SCHED_FIFO, &sp));
	if (!strcmp(op, "tiocsti"))
		return result(op, tiocsti());
	if (!strcmp(op, "write"))
		return result(op, write_file(arg, argc > 3 ? argv[3] : "1"));
	if (!strcmp(op, "read"))
		return result(op, read_file(arg));
	if (!strcmp(op, "setuid"))
		return result(op, plant_setuid(arg));
	if (!strcmp(op, "link-down"))
		return result(op, link_down(arg));
	if (!strcmp(op, "mknod"))
		return result(op, mknod(arg, S_IFBLK | 0600, makedev(8, 0)));
	if (!strcmp(op, "mknod-open")) {
		/* a node of /dev/null's numbers: harmless if it opens */
		int fd;

		if (mknod(arg, S_IFCHR | 0666, makedev(1, 3)))
			return result(op, -1);
		fd = open(arg, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		unlink(arg);
		return result(op, fd);
	}
	if (!strcmp(op, "socket-vsock"))
		return result(op, sock(AF_VSOCK, SOCK_STREAM));
	if (!strcmp(op, "socket-alg"))
		return result(op, sock(AF_ALG, SOCK_SEQPACKET));
	if (!strcmp(op, "pidfd_getfd") || !strcmp(op, "process_madvise"))
		return result(op, pidfd_op(op));
	if (!strcmp(op, "kcmp"))
		return result(op, syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 0));
	if (!strcmp(op, "mbind") || !strcmp(op, "set_mempolicy") || !strcmp(op, "get_mempolicy"))
		return result(op, mempolicy_op(op));
	if (!strcmp(op, "nobody-cat"))
		return nobody_cat(arg);
	if (!strcmp(op, "tty-thief"))
		return tty_thief(arg);
	if (!strcmp(op, "exec")) {
		execl(arg, arg, "exec-ok", (char *)NULL);
		return result(op, -1);
	}
	if (!strcmp(op, "exec-ok")) {
		printf("exec=ok\n");
		return 0;
	}
	fprintf(stderr, "usage: see the comment in escape_helper.c\n");
	return 2;
}
