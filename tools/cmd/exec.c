// SPDX-License-Identifier: GPL-2.0
/* nsbox exec - run a command in a running box (box/exec.c does it). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "cmds.h"
#include "err.h"

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct box_config c = { .logfd = -1, .errlogfd = -1, .attach_fd = -1 };
	struct box_state s;
	int ch;

	c.env = calloc(argc, sizeof(char *));
	if (!c.env)
		nsbox_die(BOX_EXIT_SETUP, "out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+e:w:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				nsbox_usage_err("exec", "invalid --env '%s': KEY=VALUE", optarg);
				return BOX_EXIT_SETUP;
			}
			c.env[c.nenv++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/') {
				nsbox_usage_err("exec", "--workdir '%s' must be an absolute path",
						optarg);
				return BOX_EXIT_SETUP;
			}
			c.workdir = optarg;
			break;
		case 'v':
			box_verbose = true;
			break;
		case 'h':
			printf("usage: nsbox exec [-e K=V] [-w DIR] [-v] NAME [--] CMD [ARGS...]\n"
			       "\n"
			       "Run CMD in a running box: in all of its namespaces and its cgroup,\n"
			       "as root of the box, with the box's capabilities, no_new_privs and\n"
			       "seccomp filter, in a session of its own.  With a terminal on stdin\n"
			       "and stdout, CMD gets a pty of the box's, copied to and from yours;\n"
			       "otherwise pipes stand in for any terminal among 0-2.  No other\n"
			       "descriptor goes with it.  A box still being set up is waited for\n"
			       "(at most 60 s).\n"
			       "\n"
			       "  -e, --env K=V      set an environment variable (repeatable)\n"
			       "  -w, --workdir DIR  working directory in the box (default /)\n"
			       "  -v, --verbose      print every step as the equivalent shell command\n"
			       "  -h, --help         this help\n"
			       "\n"
			       "Exit status: CMD's (128+N if signal N killed it); 125 if exec\n"
			       "itself failed (bad option, no such box, cannot join it); 126 if\n"
			       "CMD could not be run, 127 if it was not found.\n");
			return NSBOX_EXIT_OK;
		default:
			nsbox_usage_err("exec", "unknown option '%s'", argv[optind - 1]);
			return BOX_EXIT_SETUP;
		}
	}
	if (optind + 1 >= argc) {
		nsbox_usage_err("exec", "give a box NAME and a CMD to run in it");
		return BOX_EXIT_SETUP;
	}
	if (box_find("exec", argv[optind], &s))
		return BOX_EXIT_SETUP;
	/* never into a box being set up: its mounts may still show the host's */
	if (!strcmp(box_status(&s), "starting") &&
	    box_wait_started("exec", argv[optind], &s, BOX_START_WAIT_S))
		return BOX_EXIT_SETUP;
	if (strcmp(box_status(&s), "running")) {
		nsbox_err("exec: box '%s' is %s, not running", s.name, box_status(&s));
		return BOX_EXIT_SETUP;
	}
	snprintf(c.name, sizeof(c.name), "%s", s.name);
	c.ns = s.ns;
	c.argv = argv + optind + 1;
	if (!strcmp(c.argv[0], "--"))
		c.argv++;
	if (!c.argv[0]) {
		nsbox_usage_err("exec", "give a CMD to run in the box");
		return BOX_EXIT_SETUP;
	}
	return box_exec(&c, &s);
}
