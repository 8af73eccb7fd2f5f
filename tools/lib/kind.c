// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - group kinds (see kind.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../uapi/linux/nsbox.h"
#include "kind.h"

/* The names lsns prints, plus cgroup2 for cgroup v2 cgroups. */
static const char *const kind_names[NSBOX_KIND_COUNT] = {
	[NSBOX_KIND_MNT] = "mnt",
	[NSBOX_KIND_PID] = "pid",
	[NSBOX_KIND_NET] = "net",
	[NSBOX_KIND_UTS] = "uts",
	[NSBOX_KIND_IPC] = "ipc",
	[NSBOX_KIND_USER] = "user",
	[NSBOX_KIND_CGROUP] = "cgroup",
	[NSBOX_KIND_TIME] = "time",
	[NSBOX_KIND_CGROUP2] = "cgroup2",
};

const char *nsbox_kind_name(int kind)
{
	return kind >= 0 && kind < NSBOX_KIND_COUNT ? kind_names[kind] : "?";
}

int nsbox_kind_parse(const char *name)
{
	for (int k = 0; k < NSBOX_KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
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
	errno = 0;
	v = strtoull(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '-')
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
