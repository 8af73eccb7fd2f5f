// SPDX-License-Identifier: GPL-2.0
/* nsbox adopt - hand the module the namespaces no task is in (nl/adopt.c). */
#include <stdio.h>
#include <string.h>

#include "adopt.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "util.h"

int cmd_adopt(int argc, char **argv)
{
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	int verbose = 0, ret;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: nsbox adopt [-v]\n\n"
			       "Find the namespaces kept alive by a bind mount (ip netns add,\n"
			       "unshare --net=FILE) or an open file descriptor, as lsns does,\n"
			       "and make sure the module has a group for each, including those\n"
			       "made before it was loaded.  On kernels with listns() (6.19+) the\n"
			       "kernel's own list of namespaces is asked instead of /proc.  Then\n"
			       "the module is told that it has them all (ABI 9): 'nsbox groups',\n"
			       "which does this first when run as root, skips it while the module\n"
			       "says so (nsbox info: adopted).  Needs root.\n"
			       "\n"
			       "  -v, --verbose  print KIND:ID of each namespace found, and on stderr\n"
			       "                 what the search read and opened\n"
			       "  -h, --help     this help\n");
			return NSBOX_EXIT_OK;
		} else {
			return nsbox_usage_err("adopt", "unexpected argument '%s'", argv[i]);
		}
	}
	ret = nsbox_nl_open(&nl);
	if (!ret)
		ret = nsbox_adopt_all(&nl, verbose, 0, &n);
	if (!ret && !verbose)
		printf("%zu namespaces kept by a mount or an open file\n", n);
	return ret;
}
