// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - see what the kernel knows about namespaces and cgroups.
 *
 * This file only dispatches: global options, then one subcommand, each in
 * a file of its own (info.c, ...).  Every subcommand returns an exit code
 * from enum nsbox_exit (err.h) and accepts --help.
 */
#include <stdio.h>
#include <string.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "util.h"

static const struct nsbox_subcmd commands[] = {
	{ "info", "show the loaded module's version, ABI, hooks and table", cmd_info },
	{ "groups", "list namespaces and cgroups with their accounting", cmd_groups },
	{ "ps", "list tasks with their namespaces and cgroup", cmd_ps },
	{ "mem", "memory per group: VSS, RSS, PSS, USS, unique pages", cmd_mem },
	{ "top", "live view of groups: CPU%, load, memory, I/O, forks", cmd_top },
	{ "events", "print the module's events as they happen (fork, exec, exit, ...)", cmd_events },
	{ "probe", "count calls of any kernel function per group (root)", cmd_probe },
	{ "export", "print one scrape of the accounting as Prometheus metrics", cmd_export },
	{ "serve", "serve the accounting to Prometheus over HTTP (/metrics)", cmd_serve },
	{ "verify", "recount every group from scratch and compare (root)", cmd_verify },
	{ "reset", "zero the cumulative counters (root)", cmd_reset },
	{ "adopt", "give the module the namespaces no task is in (root)", cmd_adopt },
	{ "run", "run a command in a new box (namespaces, rootfs, cgroup, net)", cmd_run },
	{ "ls", "list boxes, with the module's accounting of each", cmd_ls },
	{ "exec", "run a command in a running box", cmd_exec },
	{ "logs", "print what a detached box wrote (-f: follow it)", cmd_logs },
	{ "attach", "attach this terminal to a box run with -t", cmd_attach },
	{ "stop", "stop a box (SIGTERM, then SIGKILL)", cmd_stop },
	{ "rm", "remove a box: cgroup, veth, overlay dirs, state", cmd_rm },
	{ "rootfs", "make a minimal busybox root filesystem", cmd_rootfs },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox [--version] [--help] COMMAND [ARGS...]\n"
		"\n"
		"nsbox shows what the kernel knows about namespaces and cgroups, from\n"
		"the nsbox.ko kernel module (generic netlink family \"%s\").\n"
		"\n"
		"Commands:\n", NSBOX_GENL_NAME);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'nsbox COMMAND --help' describes one command.\n"
		"\n"
		"Exit status: 0 ok, 1 failed, 2 usage error, 3 module not loaded,\n"
		"4 permission denied, 5 module too old for the request.\n");
}

int main(int argc, char **argv)
{
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return NSBOX_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return NSBOX_EXIT_OK;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		printf("nsbox %s (netlink ABI %d)\n", NSBOX_VERSION, NSBOX_ABI_VERSION);
		return NSBOX_EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);

	if (name[0] == '-')
		nsbox_err("unknown option '%s'; see 'nsbox --help'", name);
	else
		nsbox_err("unknown command '%s'; see 'nsbox --help' for the list", name);
	return NSBOX_EXIT_USAGE;
}
