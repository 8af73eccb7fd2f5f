// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - PID 1 inside the box.
 *
 * The first process of a pid namespace has two jobs the kernel gives to
 * no one else there: orphans are re-parented to it, so it must reap them
 * (wait for them) or they stay zombies; and it only receives the signals
 * it has asked for (a stray SIGTERM does not kill a namespace's init).
 * A shell or a server started as PID 1 does neither well, so nsbox keeps
 * PID 1 for itself: it starts the command as its child, reaps every
 * process that dies, forwards the signals it gets to the command, and
 * exits with the command's status when it ends (128+N if signal N killed
 * it).  When PID 1 exits, the kernel kills everything left in the box.
 *
 * All signals stay blocked in PID 1 and are taken with sigwaitinfo(): no
 * handler runs at an awkward moment, and blocked signals are queued even
 * for a namespace's init.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"

int box_errfd = -1;

void box_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(1);
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (box_errfd >= 0) {
		if (write(box_errfd, msg, n) < 0)
			_exit(1);
	} else {
		fprintf(stderr, "nsbox: %s\n", msg);
	}
	_exit(box_fail_status);
}

/* box_fail() exits with 1, except after a failed execve(): 126 or 127. */
int box_fail_status = 1;

char **box_environ(const struct box_config *c)
{
	const char *term = getenv("TERM");
	char **env = calloc(c->nenv + 8, sizeof(char *));
	int n = 0;

	if (!env)
		return NULL;
	env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[n++] = "HOME=/root";
	env[n++] = "container=nsbox";
	if (asprintf(&env[n], "HOSTNAME=%s", c->hostname ? c->hostname : c->name) > 0)
		n++;
	if (term && asprintf(&env[n], "TERM=%s", term) > 0)
		n++;
	for (int i = 0; i < c->nenv; i++)
		env[n++] = (char *)c->env[i];
	env[n] = NULL;
	return env;
}

/* In the child that becomes the command. */
static void exec_command(const struct box_config *c)
{
	char **env = box_environ(c);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!env)
		box_fail("out of memory");
	if (chdir(c->workdir ? c->workdir : "/"))
		box_fail("--workdir %s: %s", c->workdir, strerror(errno));
	environ = env;
	box_step("exec %s", c->argv[0]);
	execvp(c->argv[0], c->argv);
	box_fail_status = errno == ENOENT ? 127 : 126;	/* as shells do */
	box_fail("cannot run %s in the box: %s", c->argv[0], strerror(errno));
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

void box_init(const struct box_config *c)
{
	sigset_t all;
	pid_t child;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* Without a pid namespace we are not PID 1: become the reaper anyway. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_NAME, "nsbox-init");
	/* Not dumpable: the box's processes cannot open /proc/1/fd or mem.
	 * (The command's execve() makes it dumpable again, as usual.) */
	prctl(PR_SET_DUMPABLE, 0);

	fflush(NULL);
	child = fork();
	if (child < 0)
		box_fail("fork the command: %s", strerror(errno));
	if (child == 0)
		exec_command(c);

	/* The command runs: its exec closed its copy of the error pipe. */
	close(box_errfd);
	box_errfd = -1;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si), status;
		pid_t p;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			if (p == child)
				_exit(exit_code(status));
	}
}
