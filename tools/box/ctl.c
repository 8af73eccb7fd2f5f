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
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "err.h"


/* Look a box up by name, with a clear message if there is none. */
int box_find(const char *cmd, const char *name, struct box_state *s)
{
	int err;

	if (box_state_root_check())
		return NSBOX_EXIT_FAIL;
	err = box_state_read(name, s);

	if (err == -ENOENT && geteuid() != 0 && strcmp(box_state_root(), BOX_STATE_ROOT) &&
	    access(BOX_STATE_ROOT "/.", X_OK) && errno == EACCES) {
		/* not ours; root's boxes cannot even be looked at (0700) */
		nsbox_err("%s: no box named '%s' is yours (see 'nsbox ls'); if it is root's, "
			  "only root may use it (%s is root's alone): permission denied",
			  cmd, name, BOX_STATE_ROOT);
		return NSBOX_EXIT_PERM;
	}
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


/*
 * A box being set up is "starting"; the monitor renames a new state file
 * into its directory when the box is set up ("running") or has failed.
 * Wait for that with inotify, and for the monitor's end with a pidfd
 * (a monitor that dies leaves the box "starting" for good: stale).
 */
int box_wait_started(const char *cmd, const char *name, struct box_state *s, int timeout_s)
{
	struct timespec now, end;
	char dir[4096];
	int in, mon = -1, ret = 0;

	if (box_state_path(name, dir, sizeof(dir)))
		return -1;
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in < 0 || inotify_add_watch(in, dir, IN_MOVED_TO | IN_CLOSE_WRITE |
					IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
		nsbox_err("%s: cannot watch %s for box '%s' to be set up: %s", cmd, dir, name,
			  strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_s;
	/* read after the watch is in: a change in between is not lost */
	for (;;) {
		struct pollfd p[2] = { { .fd = in, .events = POLLIN }, { .fd = -1 } };
		char buf[4096];
		long ms;

		if (box_state_read(name, s)) {
			nsbox_err("%s: box '%s' is gone: removed while it was being set up", cmd,
				  name);
			ret = -1;
			break;
		}
		if (strcmp(box_status(s), "starting"))
			break;

		if (mon < 0 && s->monitor > 0)
			mon = syscall(SYS_pidfd_open, s->monitor, 0);
		p[1].fd = mon;
		p[1].events = POLLIN;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0 || poll(p, 2, ms) == 0) {
			nsbox_err("%s: box '%s' is still being set up after %d s; try again once "
				  "'nsbox ls' says it is running", cmd, name, timeout_s);
			ret = -1;
			break;
		}
		while (read(in, buf, sizeof(buf)) > 0)
			;
	}
	if (mon >= 0)
		close(mon);
	close(in);
	return ret;
}

/* Wait until @pidfd's process has exited, up to @ms (poll, not sleep). */
static bool wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

int box_stop(const struct box_state *s, int timeout_s)
{
	int pidfd, mfd = -1, fd;
	char req[64], rep[512];

	/*
	 * The monitor, when it listens (supervise.c), does it all: no restart
	 * after this run, SIGTERM, SIGKILL after @timeout_s, the end recorded;
	 * it answers then.  Without one (it was killed), signal PID 1 here.
	 */
	if (s->monitor > 0 && kill(s->monitor, 0) == 0) {
		snprintf(req, sizeof(req), "stop %d", timeout_s);
		box_step("# '%s %s' to the monitor's socket", BOX_SUP_PROTO, req);
		fd = box_sup_open(s, req, rep, sizeof(rep), (timeout_s + 30) * 1000);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		/* (too many clients: the box is stopped without the monitor's help) */
		if (fd == -EPROTO && strncmp(rep, "busy", 4)) {
			nsbox_err("box '%s': %s", s->name, rep);
			return -1;
		}
	}
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

