// SPDX-License-Identifier: GPL-2.0
/* nsbox rootfs create - a minimal root filesystem (box/rootfs.c makes it). */
#include <elf.h>		/* the system one: EM_X86_64 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "cmds.h"
#include "elfdeps.h"
#include "err.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox rootfs create [--add FILE]... DIR\n"
		"\n"
		"Make a minimal root filesystem for a box in DIR (created if missing; an\n"
		"existing one is updated in place, so running it again is harmless):\n"
		"  bin/busybox         the first busybox in $PATH, a static build is best\n"
		"                      (apt-get install busybox-static)\n"
		"  bin/APPLET          a symlink to busybox per applet: sh, ls, ps, mount, ...\n"
		"  etc/passwd, group   root and nobody; etc/hostname: nsbox\n"
		"  proc sys dev tmp run ...\n"
		"                      empty directories the box mounts on (tmp: mode 1777)\n"
		"\n"
		"--add FILE copies FILE to the same path inside DIR (/opt/x/tool goes to\n"
		"DIR/opt/x/tool, mode kept) with its ELF interpreter and every shared library\n"
		"it needs, recursively.  Libraries are found like ldd finds them: each\n"
		"DT_NEEDED name is looked up in the file's RUNPATH/RPATH ($ORIGIN works),\n"
		"then in /lib/%s, /usr/lib/%s (or this machine's\n"
		"multiarch directories), /lib64, /usr/lib64, /lib, /usr/lib (not in\n"
		"LD_LIBRARY_PATH nor /etc/ld.so.cache), and copied to the directory\n"
		"where it was found.  A FILE without '/' is looked up in $PATH.  A script is\n"
		"copied as it is: add its interpreter too if busybox does not provide it.\n"
		"Libraries a program opens itself with dlopen() are not found; --add them.\n"
		"\n"
		"'nsbox run' without --rootfs uses %s, made the same way\n"
		"(without --add) the first time it is needed.\n"
		"\n"
		"  -a, --add FILE   also copy FILE and the libraries it needs (repeatable)\n"
		"  -h, --help       this help\n",
		multiarch(EM_X86_64), multiarch(EM_X86_64), BOX_DEFAULT_ROOTFS);
}

int cmd_rootfs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "add", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ char **extra = NULL;
	int nextra = 0, c;

	if (argc < 2)
		return nsbox_usage_err("rootfs", "missing subcommand (nsbox rootfs create DIR)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return NSBOX_EXIT_OK;
	}
	if (strcmp(argv[1], "create"))
		return nsbox_usage_err("rootfs", "unknown subcommand '%s' (only 'create')", argv[1]);
	argc--;
	argv++;

	extra = calloc(argc, sizeof(*extra));
	if (!extra)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	opterr = 0;
	optind = 0;	/* glibc: start over, in case getopt ran before */
	while ((c = getopt_long(argc, argv, ":a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!*optarg)
				return nsbox_usage_err("rootfs", "--add needs a FILE");
			extra[nextra++] = optarg;
			break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		case ':': return nsbox_usage_err("rootfs", "option '%s' needs a FILE", argv[optind - 1]);
		default: return nsbox_usage_err("rootfs", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("rootfs", "missing DIR (nsbox rootfs create DIR)");
	if (optind + 1 < argc)
		return nsbox_usage_err("rootfs", "unexpected argument '%s'", argv[optind + 1]);
	return rootfs_create(argv[optind], extra, nextra) ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
}
