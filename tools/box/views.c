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
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"

/* Our start time in clock ticks after boot, as /proc shows it to us. */
static unsigned long long own_start(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	return start;
}

static int try_shifted_start(void)
{
	unsigned long long before = own_start(), after;
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
	after = own_start();
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
