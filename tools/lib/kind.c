// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - group kinds (see kind.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nsbox.h>
#include "kind.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The one table of kinds: the names lsns prints (the same as the file
 * names in /proc/PID/ns/, but for cgroup2), and the CLONE_NEW* flag that
 * makes a namespace of that kind.
 */
static const struct {
	const char *name;
	int clone_flag;
} kinds[NSBOX_KIND_COUNT] = {
	[NSBOX_KIND_MNT] = { "mnt", CLONE_NEWNS },
	[NSBOX_KIND_PID] = { "pid", CLONE_NEWPID },
	[NSBOX_KIND_NET] = { "net", CLONE_NEWNET },
	[NSBOX_KIND_UTS] = { "uts", CLONE_NEWUTS },
	[NSBOX_KIND_IPC] = { "ipc", CLONE_NEWIPC },
	[NSBOX_KIND_USER] = { "user", CLONE_NEWUSER },
	[NSBOX_KIND_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
	[NSBOX_KIND_TIME] = { "time", CLONE_NEWTIME },
	[NSBOX_KIND_CGROUP2] = { "cgroup2", 0 },
};

const char *nsbox_kind_name(int kind)
{
	return kind >= 0 && kind < NSBOX_KIND_COUNT ? kinds[kind].name : "?";
}

int nsbox_kind_parse(const char *name)
{
	for (int k = 0; k < NSBOX_KIND_COUNT; k++)
		if (!strcmp(name, kinds[k].name))
			return k;
	return -1;
}

int nsbox_kind_clone_flag(int kind)
{
	return kind >= 0 && kind < NSBOX_KIND_COUNT ? kinds[kind].clone_flag : 0;
}

int nsbox_kind_of_clone_flag(int flag)
{
	for (int k = 0; k < NSBOX_NS_KINDS; k++)
		if (kinds[k].clone_flag == flag)
			return k;
	return -1;
}

const char *nsbox_kind_list(void)
{
	return "mnt, pid, net, uts, ipc, user, cgroup, time, cgroup2";
}

int nsbox_group_ref_parse(const char *s, int *kind, uint64_t *id)
{
	const char *colon = strchr(s, ':');
	char name[16], *end;
	unsigned long long v;

	if (!colon || (size_t)(colon - s) >= sizeof(name))
		return -1;
	memcpy(name, s, colon - s);
	name[colon - s] = '\0';
	*kind = nsbox_kind_parse(name);
	if (*kind < 0 || !colon[1])
		return -1;
	/* digits only: strtoull() would take " 7", "+7" and "-1" too */
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	v = strtoull(colon + 1, &end, 10);
	if (errno || *end)
		return -1;
	*id = v;
	return 0;
}

const char *nsbox_group_state_name(int state)
{
	switch (state) {
	case NSBOX_GROUP_LIVE: return "live";
	case NSBOX_GROUP_EMPTY: return "empty";
	case NSBOX_GROUP_GONE: return "gone";
	}
	return "?";
}
