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
 * Only setns() into a network namespace is touched; every other call goes
 * to the C library untouched.
 */
#include <dlfcn.h>
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
