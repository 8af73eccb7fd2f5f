// SPDX-License-Identifier: GPL-2.0
/*
 * abi_test - the netlink ABI only grows, and NSBOX_ABI_VERSION says by how
 * much.  Each revision's highest command and attribute numbers are written
 * down here; a command or attribute appended without bumping the revision
 * (or a number that moved) fails this test, which says what to do.  The
 * table is the ABI history of docs/netlink.md in numbers.
 */
#include "kselftest_harness.h"
#include "../../uapi/linux/nsbox.h"

/* task_ns: bytes of GET_TASK's namespace ids (u32, then u64 since 7) */
struct abi_rev {
	int abi, cmd, a, hook_a, group_a, task_a, event_a, event_types, kinds, task_ns, probe_a,
	    share_a;
};

static const struct abi_rev revs[] = {
	/* 3: events (SUBSCRIBE, EVENT, NSBOX_A_EVENT*) */
	{ 3, 7, 26, 7, 35, 15, 23, 7, 9, 4, 0, 0 },
	/* 4: VERIFY's checks (NSBOX_GROUP_A_VERIFY_CHECK ... _WANT) */
	{ 4, 7, 26, 7, 39, 15, 23, 7, 9, 4, 0, 0 },
	/* 5: why a hook is not attached, what it affects (NSBOX_HOOK_A_STATUS,
	 * _AFFECTS); namespace ids (NSBOX_GROUP_A_NSID) */
	{ 5, 7, 26, 9, 40, 15, 23, 7, 9, 4, 0, 0 },
	/* 6: namespaces without tasks (ADOPT, NSBOX_A_NS_FD); whether a
	 * group's namespace still exists (NSBOX_GROUP_A_STATE) */
	{ 6, 8, 27, 9, 41, 15, 23, 7, 9, 4, 0, 0 },
	/* 7: GET_TASK's namespace ids are u64 (NSBOX_TASK_A_MNTNS ... _TIMENS),
	 * as group and event ids are; nothing appended */
	{ 7, 8, 27, 9, 41, 15, 23, 7, 9, 8, 0, 0 },
	/* 8: probes (PROBE_ADD, _DEL, _GET, _STATS; NSBOX_A_PROBE*,
	 * enum nsbox_probe_attr) */
	{ 8, 12, 34, 9, 41, 15, 23, 7, 9, 8, 20, 0 },
	/* 9: fair shares and the shared walk (NSBOX_A_KINDS ...
	 * _VERIFY_ROUNDS, enum nsbox_share_attr, NSBOX_GROUP_A_VALUES,
	 * _LIVE_TIME; NSBOX_HOOK_CLONE_ONLY) */
	{ 9, 12, 47, 9, 43, 15, 23, 7, 9, 8, 20, 5 },
	/* 10: the fields a GET_GROUP wants (NSBOX_A_DUMP_FIELDS) */
	{ 10, 12, 48, 9, 43, 15, 23, 7, 9, 8, 20, 5 },
};

TEST(current_revision_is_written_down)
{
	const struct abi_rev *r = &revs[ARRAY_SIZE(revs) - 1];

	ASSERT_EQ(NSBOX_ABI_VERSION, r->abi)
		TH_LOG("NSBOX_ABI_VERSION is %d but the last row here is %d: add a row",
		       NSBOX_ABI_VERSION, r->abi);
	EXPECT_EQ(r->cmd, NSBOX_CMD_MAX);
	EXPECT_EQ(r->a, NSBOX_A_MAX);
	EXPECT_EQ(r->hook_a, NSBOX_HOOK_A_MAX);
	EXPECT_EQ(r->group_a, NSBOX_GROUP_A_MAX);
	EXPECT_EQ(r->task_a, NSBOX_TASK_A_MAX);
	EXPECT_EQ(r->event_a, NSBOX_EVENT_A_MAX);
	EXPECT_EQ(r->event_types, NSBOX_EVENT_TYPE_COUNT);
	EXPECT_EQ(r->kinds, NSBOX_KIND_COUNT);
	EXPECT_EQ(r->probe_a, NSBOX_PROBE_A_MAX);
	EXPECT_EQ(r->share_a, NSBOX_SHARE_A_MAX);
	if (_metadata->exit_code)
		TH_LOG("the uapi changed: something appended needs NSBOX_ABI_VERSION %d and a row here; nothing may be renumbered or removed",
		       NSBOX_ABI_VERSION + 1);
}

TEST(revisions_only_grow)
{
	for (size_t i = 1; i < ARRAY_SIZE(revs); i++) {
		const struct abi_rev *o = &revs[i - 1], *n = &revs[i];

		EXPECT_EQ(o->abi + 1, n->abi);
		EXPECT_LE(o->cmd, n->cmd);
		EXPECT_LE(o->a, n->a);
		EXPECT_LE(o->hook_a, n->hook_a);
		EXPECT_LE(o->group_a, n->group_a);
		EXPECT_LE(o->task_a, n->task_a);
		EXPECT_LE(o->event_a, n->event_a);
		EXPECT_LE(o->event_types, n->event_types);
		EXPECT_LE(o->kinds, n->kinds);
		EXPECT_LE(o->task_ns, n->task_ns);
		EXPECT_LE(o->probe_a, n->probe_a);
		EXPECT_LE(o->share_a, n->share_a);
		/* and something grew, or the bump was for nothing */
		EXPECT_TRUE(memcmp(&o->cmd, &n->cmd, sizeof(*o) - sizeof(o->abi)));
	}
}

TEST_HARNESS_MAIN
