// SPDX-License-Identifier: GPL-2.0
/*
 * fork_bench - cost of creating tasks, for the hooks-on/hooks-off ratio.
 *
 *   fork_bench fork N [W]   N x (fork, child _exit, parent wait)
 *   fork_bench exec N [W]   N x (fork, child execve /bin/true, wait)
 *
 * W untimed iterations first (default N / 10), so that the slab caches,
 * the page cache and the pid allocator are as warm for the first timed
 * iteration as for the last.  Prints two means per iteration, in ns: the
 * wall time (CLOCK_MONOTONIC: everything the machine did meanwhile,
 * kernel threads and timers included) and the CPU time of this process
 * and its children (getrusage: their own work only).  In a VM
 * booted with `-icount shift=0` one guest nanosecond is one guest
 * instruction, so the number is an instruction count that repeats exactly
 * from run to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void one(int exec_mode)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (exec_mode)
			execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

/* user + system time of this process and its reaped children, ns */
static long long cpu_ns(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000000LL +
	       (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1000LL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int exec_mode, n, w, i;
	long long t0, t1, c0, c1;

	if ((argc != 3 && argc != 4) || (strcmp(argv[1], "fork") && strcmp(argv[1], "exec")) ||
	    (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: fork_bench fork|exec N [WARMUP]\n");
		return 2;
	}
	exec_mode = !strcmp(argv[1], "exec");
	w = argc == 4 ? atoi(argv[3]) : n / 10;
	for (i = 0; i < w; i++)
		one(exec_mode);
	c0 = cpu_ns();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		one(exec_mode);
	t1 = now_ns();
	c1 = cpu_ns();
	printf("%lld %lld\n", (t1 - t0) / n, (c1 - c0) / n);
	return 0;
}
