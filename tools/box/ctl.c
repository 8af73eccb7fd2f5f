// SPDX-License-Identifier: GPL-2.0
/*
 * Boxes after `nsbox run` started them: find one by name, whose
 * /proc/PID/ns/ to read, stop one.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "err.h"


/* Look a box up by name, with a clear message if there is none. */
int box_find(const char *cmd, const char *name, struct box_state *s)
{
	int err = box_state_read(name, s);

	if (err == -ENOENT) {
		nsbox_err("%s: no box named '%s' (see 'nsbox ls')", cmd, name);
		return NSBOX_EXIT_FAIL;
	}
	if (err) {
		nsbox_err("%s: cannot read the state of box '%s': %s", cmd, name, strerror(-err));
		return NSBOX_EXIT_FAIL;
	}
	return NSBOX_EXIT_OK;
}

/*
 * Whose /proc/PID/ns/ to read: the command's, the first child of the
 * box's PID 1.  In a box with a user namespace only the command is in the
 * box's own user and mount namespaces (box_init.c); and PID 1 is not
 * dumpable and never called execve(), so only root may open its ns files
 * anyway.  PID 1 itself if it has no child (yet).
 */
pid_t box_ns_pid(const struct box_state *s)
{
	char path[64], buf[512];
	struct dirent *de;
	pid_t found = 0;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", s->pid, s->pid);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%d", &found) != 1)
			found = 0;
		fclose(f);
		if (found > 0)
			return found;
	}
	d = opendir("/proc");
	while (d && !found && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		const char *p;
		int ppid;

		if (pid <= 0)
			continue;
		p = box_proc_stat(pid, buf, sizeof(buf));
		if (p && sscanf(p, "%*c %d", &ppid) == 1 && ppid == s->pid)
			found = pid;
	}
	if (d)
		closedir(d);
	return found ? found : s->pid;
}


/* Wait until @pidfd's process has exited, up to @ms (poll, not sleep). */
static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

int box_stop(const struct box_state *s, int timeout_s)
{
	int pidfd, mfd = -1;

	pidfd = syscall(SYS_pidfd_open, s->pid, 0);
	/* the start time rules out a recycled pid between read and open */
	if (pidfd < 0 || box_proc_start(s->pid) != s->pid_start) {
		if (pidfd >= 0)
			close(pidfd);
		return 0;
	}
	if (s->monitor > 0)
		mfd = syscall(SYS_pidfd_open, s->monitor, 0);
	box_step("kill -TERM %d", s->pid);
	syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	if (!wait_exit(pidfd, timeout_s * 1000)) {
		box_step("kill -KILL %d", s->pid);
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		wait_exit(pidfd, 10000);
	}
	close(pidfd);
	/* let the monitor record the exit status before we return */
	if (mfd >= 0) {
		wait_exit(mfd, 5000);
		close(mfd);
	}
	return 0;
}

