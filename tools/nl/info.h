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
/* GET_INFO's reply is one message of at most 16 KiB: about 130 shares */
#define NSBOX_INFO_MAX_SHARES 256
#define NSBOX_INFO_KINDS 9	/* enum nsbox_kind: NSBOX_KIND_COUNT of ABI 9 */

struct nsbox_hook_info {
	char name[64];
	char symbol[128];
	int kind;
	int attached;
	int status;		/* enum nsbox_hook_status, -1: not said (ABI < 5) */
	char affects[192];
	unsigned long long hits, misses;
};

/* The uid of the share of every user past the module's table of users. */
#define NSBOX_SHARE_OTHERS_UID 4294967294U

/* One user's share of the group table (ABI 9, NSBOX_A_SHARE). */
struct nsbox_share_info {
	uint32_t uid;		/* 0 the admin; 4294967294 every user past the table */
	uint64_t groups, limit;
	uint64_t refused[NSBOX_INFO_KINDS];	/* per enum nsbox_kind */
	uint64_t refused_total;
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
	/* ABI 9 */
	bool has_shares;		/* the limits and shares are there */
	bool admin;			/* the machine-wide figures are there (GROUPS) */
	bool has_adopted;
	bool adopted;			/* every namespace without tasks is known */
	unsigned int max_user_groups, max_unpriv_groups;
	uint64_t live_walks, live_time_ns, unpriv_groups;
	unsigned int n_shares, shares_dropped;
	struct nsbox_share_info shares[NSBOX_INFO_MAX_SHARES];
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
/*
 * The module's ABI (NSBOX_A_ABI_VERSION), asked once per session with
 * GET_INFO and kept in @nl; 0 if GET_INFO failed.
 */
unsigned int nsbox_nl_abi(struct nsbox_nl *nl);
/* Groups refused to anybody, per kind, summed over @info's shares. */
uint64_t nsbox_info_refused(const struct nsbox_info *info);
/* "kprobe", "tracepoint" */
const char *nsbox_hook_kind_name(int kind);
/* "attached", "not found", ... */
const char *nsbox_hook_status_name(const struct nsbox_hook_info *h);

#endif
