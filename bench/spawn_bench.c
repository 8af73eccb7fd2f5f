// SPDX-License-Identifier: GPL-2.0
/*
 * spawn_bench NS THREADS [STACK_KIB] - start NS processes, each in its own
 * UTS and IPC namespaces, each with THREADS-1 extra threads (NS x THREADS
 * tasks, 2 x NS namespaces), print "ready" and wait until stdin closes.
 * The population that `nsbox groups` and `lsns` are timed over
 * (bench/guest.sh: 1,000 x 1, 1,000 x 10 and 1,000 x 30).
 *
 * The threads sleep in read() and need little stack: STACK_KIB (default
 * 16, the smallest glibc takes) keeps 29,000 of them within the lab VM's
 * memory; the kernel's own share (a 16 KiB kernel stack and a task_struct
 * per thread) is the larger part.  Exits 1, saying so, if a process or a
 * thread could not be made (raise kernel.threads-max, kernel.pid_max or
 * the VM's memory).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static int release_fd;

static void *idle(void *arg)
{
	char c;

	(void)arg;
	while (read(release_fd, &c, 1) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	int ns, threads, kib = 16, i, j, ready[2], rel[2];
	char c;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: spawn_bench NS THREADS [STACK_KIB]\n");
		return 2;
	}
	ns = atoi(argv[1]);
	threads = atoi(argv[2]);
	if (argc == 4)
		kib = atoi(argv[3]);
	if (ns < 1 || threads < 1 || kib < 16)
		return 2;
	if (pipe(ready) || pipe(rel))
		return 1;
	for (i = 0; i < ns; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("spawn_bench: fork");
			break;
		}
		if (pid == 0) {
			pthread_attr_t a;
			pthread_t t;

			close(rel[1]);
			close(ready[0]);
			release_fd = rel[0];
			if (unshare(CLONE_NEWUTS | CLONE_NEWIPC))
				_exit(3);
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, (size_t)kib * 1024);
			for (j = 1; j < threads; j++)
				if (pthread_create(&t, &a, idle, NULL)) {
					fprintf(stderr, "spawn_bench: process %d: thread %d of %d not created\n",
						i, j + 1, threads);
					_exit(4);
				}
			c = 'r';
			if (write(ready[1], &c, 1) != 1)
				_exit(2);
			/* so that a process that failed ends the parent's read */
			close(ready[1]);
			idle(NULL);
			_exit(0);
		}
	}
	close(rel[0]);
	close(ready[1]);
	for (j = 0; j < i; j++)
		if (read(ready[0], &c, 1) != 1)
			break;
	if (j < ns) {
		printf("failed: %d of %d processes ready\n", j, ns);
		fflush(stdout);
		close(rel[1]);
		while (wait(NULL) > 0)
			;
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(rel[1]);
	while (wait(NULL) > 0)
		;
	return 0;
}
