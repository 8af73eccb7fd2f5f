/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testutil.h - small helpers the VM tests share that are not netlink
 * (nltest.h) nor module loading (modload.h): writing a control file in
 * one write(2), and a process that forks without pause.
 */
#ifndef NSBOX_TESTUTIL_H
#define NSBOX_TESTUTIL_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

/*
 * Write @text to @path in one write(2), as echo > FILE does (cgroup and
 * /proc control files want it whole): 0, or -1 if it could not be opened
 * or was not taken whole.
 */
static inline int tu_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A child that forks a child that exits, and reaps it, again and again
 * until it is killed.  Returns its pid (in the caller).
 */
static inline pid_t tu_fork_storm(void)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

#endif /* NSBOX_TESTUTIL_H */
