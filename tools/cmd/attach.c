// SPDX-License-Identifier: GPL-2.0
/* nsbox attach - this terminal on the terminal of a box run with -t (box/attach.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "box.h"
#include "cmds.h"
#include "err.h"

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct box_state s;
	bool detached;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: nsbox attach NAME\n"
			       "\n"
			       "Attach this terminal to the terminal of box NAME, started with\n"
			       "'nsbox run -d -t': what its command writes shows here, what is\n"
			       "typed goes to it (ctrl-c too), and the window size follows this\n"
			       "terminal's.  Several clients may be attached at once.\n"
			       "\n"
			       "ctrl-p ctrl-q detaches: attach exits 0, the box runs on.  When the\n"
			       "box stops for good, attach exits with its status.\n"
			       "\n"
			       "  -h, --help    this help\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("attach", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("attach", "which box? give its NAME");
	if (optind + 1 < argc)
		return nsbox_usage_err("attach", "one box at a time: '%s' is one too many",
				       argv[optind + 1]);
	ret = box_find("attach", argv[optind], &s);
	if (ret)
		return ret;
	if (strcmp(box_status(&s), "running") && strcmp(box_status(&s), "restarting")) {
		nsbox_err("attach: box '%s' is %s: there is nothing to attach to", s.name,
			  box_status(&s));
		return NSBOX_EXIT_FAIL;
	}
	return box_attach(&s, &detached);
}
