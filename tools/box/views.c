// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - what the views need of the kernel (docs/views.md).
 *
 * The box's clock since boot is a time namespace's boottime offset
 * (inside/child.c).  /proc/uptime follows the offset on every kernel that
 * has time namespaces (5.6+), but the start times in /proc/PID/stat and
 * /proc/stat's btime follow it only from 5.11: on a kernel before that a
 * box whose uptime starts at 0 would show processes started "in the
 * future" and `ps` would print nonsense (LXCFS met the same with btime).
 * So the clock view is used only where a test shows the kernel shifts
 * start times too: a child enters a time namespace one second ahead and
 * looks at its own start time.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"

static int try_shifted_start(void)
{
	/* our start time, in clock ticks after boot, as /proc shows it to us */
	unsigned long long before = box_proc_start(getpid()), after;
	int fd;

	/* a user namespace of its own: CAP_SYS_TIME over the new clock */
	if (unshare(CLONE_NEWUSER | CLONE_NEWTIME) &&
	    (geteuid() != 0 || unshare(CLONE_NEWTIME)))
		return 2;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "boottime 1 0", 12) != 12)
		return 2;
	close(fd);
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME))
		return 2;
	after = box_proc_start(getpid());
	return before && after > before ? 0 : 1;
}

bool box_clock_view_works(void)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(try_shifted_start());
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
