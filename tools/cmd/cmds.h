/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - the subcommands, one file each. */
#ifndef NSBOX_CMDS_H
#define NSBOX_CMDS_H

#include <stddef.h>
#include <stdint.h>

struct nsbox_subcmd {
	const char *name;
	const char *summary;
	/* argv[0] is the subcommand name; returns an enum nsbox_exit */
	int (*run)(int argc, char **argv);
};

int cmd_info(int argc, char **argv);

struct nsbox_nl;
struct nsbox_info;
/*
 * info.c: on stderr, a warning per hook that is not attached and one for
 * the groups the module refused to make; how many
 */
int nsbox_count_warnings(const struct nsbox_info *info);

int cmd_groups(int argc, char **argv);
int cmd_adopt(int argc, char **argv);
/* adopt.c: ADOPT every namespace kept by a mount or an open file */
int nsbox_adopt_all(struct nsbox_nl *nl, int verbose, int best_effort, size_t *adopted);
int cmd_ps(int argc, char **argv);
int cmd_mem(int argc, char **argv);
struct procmem;
/*
 * mem.c: the memory of one group's processes, summed (no "unique"); how
 * many could not be read into *@unread.  0 or -errno.
 */
int nsbox_group_mem(struct nsbox_nl *nl, int kind, uint64_t id, struct procmem *sum,
		    uint64_t *unread);
int cmd_top(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_rootfs(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_probe(int argc, char **argv);

#endif
