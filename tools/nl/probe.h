/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - the module's probes: PROBE_ADD, PROBE_DEL, PROBE_GET and
 * PROBE_STATS, decoded into plain structs (nl/probe.c).
 */
#ifndef NSBOX_NL_PROBE_H
#define NSBOX_NL_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/nsbox.h>

struct nl_msg;
struct nsbox_nl;
struct nsbox_nl_error;

struct nsbox_probe_info {
	char name[NSBOX_PROBE_NAME_MAX + 1];
	char symbol[128];
	int ret;
	int sum_arg;
	int ftrace;
	uint32_t maxactive;
	uint32_t groups;
	uint64_t hits, misses, nmissed, bytes;
};

struct nsbox_probe_stat {
	int kind;
	uint64_t id, calls, sum, ns_total, ns_min, ns_max;
	int has_time;
	uint64_t hist[NSBOX_PROBE_HIST_BUCKETS];
};

/* Each returns 0 or -errno with @e filled in. */
int nsbox_probe_add(struct nsbox_nl *nl, const char *name, const char *symbol, int ret,
		    int sum_arg, struct nsbox_probe_info *out, struct nsbox_nl_error *e);
/* @name NULL: every probe. */
int nsbox_probe_del(struct nsbox_nl *nl, const char *name, struct nsbox_nl_error *e);
/* Every probe (*v is the caller's to free). */
int nsbox_probe_list(struct nsbox_nl *nl, struct nsbox_probe_info **v, size_t *n,
		     struct nsbox_nl_error *e);
int nsbox_probe_get(struct nsbox_nl *nl, const char *name, struct nsbox_probe_info *out,
		    struct nsbox_nl_error *e);
/* The groups probe @name counted (*v is the caller's to free). */
int nsbox_probe_stats(struct nsbox_nl *nl, const char *name, struct nsbox_probe_stat **v,
		      size_t *n, struct nsbox_nl_error *e);

/* The numbers of group (@kind, @id) among @v, or NULL (never counted). */
const struct nsbox_probe_stat *nsbox_probe_stat_find(const struct nsbox_probe_stat *v, size_t n,
						     int kind, uint64_t id);

/* One reply into @p / @s (exposed for unit tests): 0, -ENOENT, -EINVAL. */
int nsbox_probe_parse(struct nl_msg *msg, struct nsbox_probe_info *p);
int nsbox_probe_stat_parse(struct nl_msg *msg, struct nsbox_probe_stat *s);

#endif
