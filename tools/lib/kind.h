/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - group kinds by name ("net", "cgroup2") and KIND:ID. */
#ifndef NSBOX_KIND_H
#define NSBOX_KIND_H

#include <stdint.h>

/* The namespace kinds are 0 .. NSBOX_NS_KINDS - 1; then cgroup2. */
#define NSBOX_NS_KINDS 8

/* "mnt", ..., "cgroup2": lsns's names, and those of /proc/PID/ns/ files */
const char *nsbox_kind_name(int kind);
/* CLONE_NEW* of a namespace kind (0 for cgroup2), and back (-1: none) */
int nsbox_kind_clone_flag(int kind);
int nsbox_kind_of_clone_flag(int flag);
/* enum nsbox_kind, or -1 */
int nsbox_kind_parse(const char *name);
/* "net:4026531840" -> kind, id; 0 or -1 */
int nsbox_group_ref_parse(const char *s, int *kind, uint64_t *id);
/* enum nsbox_group_state: "live", "empty", "gone" */
const char *nsbox_group_state_name(int state);
/* "mnt, pid, ..." for messages */
const char *nsbox_kind_list(void);

#endif
