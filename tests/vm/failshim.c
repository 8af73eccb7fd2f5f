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

int setns(int fd, int nstype)
{
	static int (*real)(int, int);
	const char *err = getenv("NSBOX_SHIM_SETNS_NET");
	const char *wait = getenv("NSBOX_SHIM_WAIT");

	if (nstype == CLONE_NEWNET && err) {
		if (wait) {
			int w = open(wait, O_RDONLY | O_CLOEXEC);
			char c;

			if (w >= 0) {
				if (read(w, &c, 1) < 0)
					c = 0;
				close(w);
			}
		}
		errno = atoi(err);
		return -1;
	}
	if (!real)
		real = (int (*)(int, int))dlsym(RTLD_NEXT, "setns");
	return real(fd, nstype);
}
