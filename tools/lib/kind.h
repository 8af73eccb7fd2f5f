/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - group kinds by name ("net", "cgroup2") and KIND:ID. */
#ifndef NSBOX_KIND_H
#define NSBOX_KIND_H

#include <stdint.h>

const char *nsbox_kind_name(int kind);
/* enum nsbox_kind, or -1 */
int nsbox_kind_parse(const char *name);
/* "net:4026531840" -> kind, id; 0 or -1 */
int nsbox_group_ref_parse(const char *s, int *kind, uint64_t *id);
/* enum nsbox_group_state: "live", "empty", "gone" */
const char *nsbox_group_state_name(int state);
/* "mnt, pid, ..." for messages */
const char *nsbox_kind_list(void);

#endif
