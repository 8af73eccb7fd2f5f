// SPDX-License-Identifier: GPL-2.0
/* nsbox stop / rm - end a box, remove what it owns (box/ctl.c, box/state.c). */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "box.h"
#include "cmds.h"
#include "err.h"

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct box_state s;
	int c, timeout = 10, ret, lock;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 0 || timeout > 3600)
				return nsbox_usage_err("stop", "invalid --timeout '%s': seconds, "
						       "0 to 3600", optarg);
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox stop [-t SECONDS] [-v] NAME...\n"
			       "\n"
			       "Stop boxes: SIGTERM to the box's PID 1 (it forwards it to the\n"
			       "command), then SIGKILL if it is still there after --timeout\n"
			       "seconds (default 10).  The box stays listed until 'nsbox rm'.\n"
			       "\n"
			       "  -t, --timeout SECONDS  wait this long for SIGTERM (0 to 3600)\n"
			       "  -v, --verbose          print every step as the equivalent shell command\n"
			       "  -h, --help             this help\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("stop", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("stop", "which box? give its NAME");
	for (; optind < argc; optind++) {
		ret = box_find("stop", argv[optind], &s);
		if (ret)
			return ret;
		if ((box_running(&s) || !strcmp(box_status(&s), "restarting")) &&
		    box_stop(&s, timeout))
			return NSBOX_EXIT_FAIL;
		/*
		 * A monitor that is gone cannot record the end: do it here,
		 * under the lock (a live monitor holds it while it writes).
		 * The real status is lost with the monitor: say "killed".
		 */
		lock = box_lock();
		if (lock < 0)
			return NSBOX_EXIT_FAIL;
		if (box_state_read(argv[optind], &s) == 0 && !strcmp(s.status, "running") &&
		    !box_running(&s) && (s.monitor <= 0 || kill(s.monitor, 0))) {
			snprintf(s.status, sizeof(s.status), "exited");
			s.exit_code = 128 + SIGKILL;
			box_state_write(&s);
		}
		close(lock);
	}
	return NSBOX_EXIT_OK;
}

/* ---- rm -------------------------------------------------------------- */

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool force = false;
	int c, ret = NSBOX_EXIT_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox rm [-f] [-v] NAME...\n"
			       "\n"
			       "Remove boxes: the cgroup, the veth pair, the OverlayFS upper and\n"
			       "work directories and the state directory.  A running box is\n"
			       "refused unless -f (then it is killed first).  Stale boxes (the\n"
			       "machine or the monitor died) are cleaned up too.\n"
			       "\n"
			       "  -f, --force    stop a running box first: SIGTERM, then SIGKILL at once\n"
			       "  -v, --verbose  print every step as the equivalent shell command\n"
			       "  -h, --help     this help\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("rm", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("rm", "which box? give its NAME");
	for (; optind < argc; optind++) {
		struct box_state s;
		int lock;

		c = box_find("rm", argv[optind], &s);
		if (c) {
			ret = c;
			continue;
		}
		if (box_running(&s) || !strcmp(box_status(&s), "restarting")) {
			if (!force) {
				nsbox_err("rm: box '%s' is running; stop it first ('nsbox stop %s') "
					  "or use rm -f", s.name, s.name);
				ret = NSBOX_EXIT_FAIL;
				continue;
			}
			box_stop(&s, 0);
		}
		lock = box_lock();
		if (lock < 0)
			return NSBOX_EXIT_FAIL;
		/* under the lock: no `nsbox run` is half-way through this box */
		if (box_state_read(argv[optind], &s) == 0) {
			if (box_running(&s) && !force) {
				nsbox_err("rm: box '%s' started meanwhile; stop it first", s.name);
				ret = NSBOX_EXIT_FAIL;
			} else if (box_running(&s)) {
				close(lock);
				box_stop(&s, 0);
				lock = box_lock();
				if (lock < 0)
					return NSBOX_EXIT_FAIL;
				if (box_state_read(argv[optind], &s) == 0 && box_destroy(&s))
					ret = NSBOX_EXIT_FAIL;
			} else if (box_destroy(&s)) {
				ret = NSBOX_EXIT_FAIL;
			}
		}
		close(lock);
	}
	return ret;
}

