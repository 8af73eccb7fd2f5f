// SPDX-License-Identifier: GPL-2.0
/*
 * failshim.so - LD_PRELOAD'ed into `nsbox` by box.sh to make one system
 * call fail where the kernel would not fail it on demand, so a test can
 * walk an error path of the real tool:
 *
 *   NSBOX_SHIM_SETNS_NET=ERRNO  setns(fd, CLONE_NEWNET) fails with ERRNO
 *                               (a number, e.g. 1 for EPERM)
 *   NSBOX_SHIM_WAIT=FIFO        ... after a byte was read from FIFO: the
 *                               test decides when the failure happens
 *   NSBOX_SHIM_HOLD=FIFO        setns(fd, CLONE_NEWNET) succeeds, but only
 *                               after a byte was read from FIFO: a box's
 *                               set-up held at a known point (its first
 *                               process brings up lo there, before its
 *                               mounts and pivot_root)
 *
 *   NSBOX_SHIM_COUNT=FILE       count what the tool opens of /proc (opendir
 *                               of /proc; open, fopen, opendir, readlink of
 *                               /proc/PID/...) and every open_by_handle_at(), and
 *                               write the number to FILE at exit: a /proc
 *                               scan for namespaces (lsns.sh) made or not
 *
 * Only setns() into a network namespace is touched; every other call goes
 * to the C library untouched.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

/* Block until a byte can be read from @fifo (or it fails). */
static void wait_fifo(const char *fifo)
{
	int w = open(fifo, O_RDONLY | O_CLOEXEC);
	char c;

	if (w >= 0) {
		if (read(w, &c, 1) < 0)
			c = 0;
		close(w);
	}
}

int setns(int fd, int nstype)
{
	static int (*real)(int, int);
	static int held;
	const char *err = getenv("NSBOX_SHIM_SETNS_NET");
	const char *wait = getenv("NSBOX_SHIM_WAIT");
	const char *hold = getenv("NSBOX_SHIM_HOLD");

	if (nstype == CLONE_NEWNET && err) {
		if (wait)
			wait_fifo(wait);
		errno = atoi(err);
		return -1;
	}
	if (nstype == CLONE_NEWNET && hold && !held++)
		wait_fifo(hold);	/* the first call only: lo's "there" */
	if (!real)
		real = (int (*)(int, int))dlsym(RTLD_NEXT, "setns");
	return real(fd, nstype);
}

/* ---- NSBOX_SHIM_COUNT ---------------------------------------------------- */

static unsigned long proc_opens;

/* a process's files (/proc/PID/...): what a scan reads, not a library's
 * own /proc/sys or /proc/self look at start-up */
static void count(const char *path)
{
	if (path && !strncmp(path, "/proc/", 6) && path[6] >= '1' && path[6] <= '9')
		proc_opens++;
}

__attribute__((destructor)) static void write_count(void)
{
	const char *file = getenv("NSBOX_SHIM_COUNT");
	FILE *f;

	if (!file)
		return;
	f = fopen(file, "we");
	if (f) {
		fprintf(f, "%lu\n", proc_opens);
		fclose(f);
	}
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

int open(const char *path, int flags, ...)
{
	REAL(open);
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	count(path);
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	REAL(open64);
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	count(path);
	return real_open64(path, flags, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	REAL(fopen);
	count(path);
	return real_fopen(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	REAL(fopen64);
	count(path);
	return real_fopen64(path, mode);
}

DIR *opendir(const char *path)
{
	REAL(opendir);
	/* "/proc" itself: the start of a scan */
	if (!strcmp(path, "/proc"))
		proc_opens++;
	count(path);
	return real_opendir(path);
}

ssize_t readlink(const char *path, char *buf, size_t len)
{
	REAL(readlink);
	count(path);
	return real_readlink(path, buf, len);
}

int open_by_handle_at(int mount_fd, struct file_handle *h, int flags)
{
	REAL(open_by_handle_at);
	proc_opens++;
	return real_open_by_handle_at(mount_fd, h, flags);
}
