/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - probes a user plants: count calls of any kernel function per
 * group, with their duration (kretprobe) and one argument summed.
 *
 * Exports (probe.c): the module parameters max_probes and probe_groups;
 * nsbox_probe_add/del/del_all (admin commands, process context),
 * nsbox_probes_stats() for GET_INFO, and the netlink fillers of PROBE_GET
 * and PROBE_STATS (nsbox_probe_fill, nsbox_probe_fill_stats), which work
 * on the probe in a table slot while holding the probes' mutex.
 * Depends on: group.h (the per-group entries), hooks.h (per-CPU hit and
 * miss counters), task.h (the caller's groups), compat.h (probe.c).
 */
#ifndef _NSBOX_PROBE_H
#define _NSBOX_PROBE_H

#include <linux/netlink.h>
#include <linux/types.h>

struct sk_buff;

/* What PROBE_ADD asks for. */
struct nsbox_probe_req {
	const char *name;
	const char *symbol;
	bool ret;
	u8 sum_arg;
};

int nsbox_probe_add(const struct nsbox_probe_req *req, struct netlink_ext_ack *extack,
		    int *slot, u64 *serial);
int nsbox_probe_del(const char *name, struct netlink_ext_ack *extack);
void nsbox_probe_del_all(void);
void nsbox_probes_stats(u32 *nr, u32 *max, u32 *groups_max, u64 *bytes);

void nsbox_probes_lock(void);
void nsbox_probes_unlock(void);
/* Under nsbox_probes_lock(): the slot of probe @name (-ENOENT), its serial. */
int nsbox_probe_find(const char *name, u64 *serial);
/* Under the lock: is slot @slot still the probe of @serial? */
bool nsbox_probe_is(int slot, u64 serial);
/* Under the lock: the probe in @slot into @skb as NSBOX_A_PROBE; -ENOENT if none. */
int nsbox_probe_fill(struct sk_buff *skb, int slot);
/*
 * Under the lock: the next group of the probe in @slot at or after entry
 * *@pos of its pool into @skb as NSBOX_A_PROBE_STAT; *@pos is moved past
 * it.  1: filled, 0: no more, <0: error (-EMSGSIZE: no room).
 */
int nsbox_probe_fill_stats(struct sk_buff *skb, int slot, unsigned int *pos);

void nsbox_probes_exit(void);

#endif /* _NSBOX_PROBE_H */
