/* SPDX-License-Identifier: GPL-2.0 */
/* GET_INFO, decoded into plain structs (nl/info.c). */
#ifndef NSBOX_NL_INFO_H
#define NSBOX_NL_INFO_H

#include <stdbool.h>
#include <stdint.h>

struct nl_msg;
struct nsbox_nl;
struct nsbox_nl_error;

#define NSBOX_INFO_MAX_HOOKS 64

struct nsbox_hook_info {
	char name[64];
	char symbol[128];
	int kind;
	int attached;
	int status;		/* enum nsbox_hook_status, -1: not said (ABI < 5) */
	char affects[192];
	unsigned long long hits, misses;
};

struct nsbox_info {
	char version[32];
	unsigned int abi;
	char kernel[65];
	unsigned int n_hooks;
	struct nsbox_hook_info hooks[NSBOX_INFO_MAX_HOOKS];
	unsigned long long groups, max_groups, evictions, failures, memory;
	unsigned int group_bytes, load_walks, subscribers;
	uint64_t ring_bytes;
	bool has_events;
	bool has_probes;		/* ABI 8 */
	unsigned int probes, probes_max, probe_groups_max;
	uint64_t probe_bytes;
};

/* GET_INFO into @info; 0 or -errno with @e filled in. */
int nsbox_fetch_info(struct nsbox_nl *nl, struct nsbox_info *info, struct nsbox_nl_error *e);
/*
 * One GET_INFO reply into @info, what nsbox_fetch_info() does with it:
 * the attributes present are set, hooks appended after the n_hooks there
 * already (at most NSBOX_INFO_MAX_HOOKS, the rest dropped); zero @info
 * first.  0 or -EINVAL (malformed).
 */
int nsbox_info_parse(struct nl_msg *msg, struct nsbox_info *info);
/* "kprobe", "tracepoint" */
const char *nsbox_hook_kind_name(int kind);
/* "attached", "not found", ... */
const char *nsbox_hook_status_name(const struct nsbox_hook_info *h);

#endif
