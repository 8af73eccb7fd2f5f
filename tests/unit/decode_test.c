// SPDX-License-Identifier: GPL-2.0
/*
 * decode_test - host unit test of the tool's GET_GROUP and GET_INFO reply
 * decoders (tools/nl/groupfetch.c, info.c, taskfetch.c), fed messages built
 * here with libnl the way the module lays them out (uapi/linux/nsbox.h):
 * every field, missing fields, unknown and short attributes, too many
 * hooks; ABI 9's packed values, shares and VERIFY's rounds; and the probe
 * replies (tools/nl/probe.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include <linux/nsbox.h>
#include "groupfetch.h"
#include "info.h"
#include "probe.h"
#include "taskfetch.h"
#include "verify.h"

#define FAMILY 0x1d	/* any id: the decoders do not look at it */

/* A reply of the "nsbox" family: nlmsghdr, genlmsghdr, then attributes. */
static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(1 << 16);

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, FAMILY, 0, 0, cmd,
			      NSBOX_GENL_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static void msg_freep(struct nl_msg **m)
{
	if (*m)
		nlmsg_free(*m);
}

#define _cleanup_msg_ __attribute__((cleanup(msg_freep)))

/* A distinct value per counter, big enough to need all 64 bits. */
static uint64_t val(int attr)
{
	return 0x0123456700000000ULL + attr * 1000 + 7;
}

static bool is_u64(int a)
{
	return a != NSBOX_GROUP_A_PAD && a != NSBOX_GROUP_A_KIND &&
	       a != NSBOX_GROUP_A_PATH && a != NSBOX_GROUP_A_STATE &&
	       a != NSBOX_GROUP_A_VERIFY_CHECK && a != NSBOX_GROUP_A_VERIFY_FIELD &&
	       a != NSBOX_GROUP_A_VALUES;
}

/* ---- GET_TASK ------------------------------------------------------------ */

/* ABI 7: namespace ids as u64 (inode numbers are 32 bits, nsids are not) */
TEST(task_u64_ids_and_strings)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_TASK);
	struct nlattr *nest;
	struct task_row r;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_TASK);
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_TASK_A_PID, 4242));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_TASK_A_NETNS, 0x100000004ULL));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_TASK_A_TIMENS, 4026531834ULL));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_TASK_A_COMM, "sh"));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_TASK_A_CGROUP_PATH, "/nsbox/b1"));
	nla_nest_end(m, nest);
	ASSERT_EQ(0, nsbox_task_parse(m, &r));
	EXPECT_EQ(4242, r.v[NSBOX_TASK_A_PID]);
	EXPECT_EQ(0x100000004ULL, r.v[NSBOX_TASK_A_NETNS]);
	EXPECT_EQ(4026531834ULL, r.v[NSBOX_TASK_A_TIMENS]);
	EXPECT_EQ(0, r.v[NSBOX_TASK_A_MNTNS]);
	EXPECT_STREQ("sh", r.comm);
	EXPECT_STREQ("/nsbox/b1", r.path);
}

/* an ABI 6 module sent them as u32: still read */
TEST(task_u32_ids_of_an_older_module)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_TASK);
	struct nlattr *nest;
	struct task_row r;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_TASK);
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_TASK_A_NETNS, 4026531840U));
	nla_nest_end(m, nest);
	ASSERT_EQ(0, nsbox_task_parse(m, &r));
	EXPECT_EQ(4026531840ULL, r.v[NSBOX_TASK_A_NETNS]);
}

TEST(task_absent)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_TASK);
	struct task_row r;

	ASSERT_NE(NULL, m);
	EXPECT_EQ(-ENOENT, nsbox_task_parse(m, &r));
}

/* ---- GET_GROUP ----------------------------------------------------------- */

TEST(group_every_field)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	struct nlattr *g;

	ASSERT_NE(NULL, m);
	g = nla_nest_start(m, NSBOX_A_GROUP);
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, nla_put_u8(m, NSBOX_GROUP_A_KIND, NSBOX_KIND_CGROUP2));
	ASSERT_EQ(0, nla_put_u8(m, NSBOX_GROUP_A_STATE, NSBOX_GROUP_EMPTY));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_GROUP_A_PATH, "system.slice/a b\x1b.service"));
	for (int a = NSBOX_GROUP_A_ID; a <= NSBOX_GROUP_A_MAX; a++) {
		if (is_u64(a)) {
			ASSERT_EQ(0, nla_put_u64(m, a, val(a)));
		}
	}
	nla_nest_end(m, g);

	memset(&row, 0xa5, sizeof(row));
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(NSBOX_KIND_CGROUP2, row.v[NSBOX_GROUP_A_KIND]);
	EXPECT_EQ(NSBOX_GROUP_EMPTY, row.v[NSBOX_GROUP_A_STATE]);
	EXPECT_STREQ("system.slice/a b\x1b.service", row.path);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_KIND]);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_STATE]);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_PATH]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_UNSPEC]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_PAD]);
	for (int a = NSBOX_GROUP_A_ID; a <= NSBOX_GROUP_A_MAX; a++) {
		if (!is_u64(a))
			continue;
		EXPECT_EQ(1, row.has[a]) TH_LOG("attr %d", a);
		EXPECT_EQ(val(a), row.v[a]) TH_LOG("attr %d", a);
	}
}

TEST(group_missing_fields)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	struct nlattr *g;

	ASSERT_NE(NULL, m);
	g = nla_nest_start(m, NSBOX_A_GROUP);
	ASSERT_EQ(0, nla_put_u8(m, NSBOX_GROUP_A_KIND, NSBOX_KIND_NET));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_ID, 4026531840ULL));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_PROCS, 0));
	nla_nest_end(m, g);

	memset(&row, 0xa5, sizeof(row));
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(NSBOX_KIND_NET, row.v[NSBOX_GROUP_A_KIND]);
	EXPECT_EQ(4026531840ULL, row.v[NSBOX_GROUP_A_ID]);
	/* present and zero is not absent */
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_PROCS]);
	EXPECT_EQ(0, row.v[NSBOX_GROUP_A_PROCS]);
	for (int a = 0; a <= NSBOX_GROUP_A_MAX; a++) {
		if (a == NSBOX_GROUP_A_KIND || a == NSBOX_GROUP_A_ID || a == NSBOX_GROUP_A_PROCS)
			continue;
		EXPECT_EQ(0, row.has[a]) TH_LOG("attr %d", a);
		EXPECT_EQ(0, row.v[a]) TH_LOG("attr %d", a);
	}
	EXPECT_STREQ("", row.path);
}

TEST(group_unknown_attributes_ignored)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	struct nlattr *g;

	ASSERT_NE(NULL, m);
	/* a newer module: attributes this tool has never heard of */
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_MAX + 1, 99));
	g = nla_nest_start(m, NSBOX_A_GROUP);
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_MAX + 1, 111));
	ASSERT_EQ(0, nla_put_u8(m, NSBOX_GROUP_A_KIND, NSBOX_KIND_PID));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_GROUP_A_MAX + 7, "future"));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_THREADS, 12));
	ASSERT_EQ(0, nla_put_u64(m, 1000, 222));
	nla_nest_end(m, g);
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_MAX + 2, 98));

	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(NSBOX_KIND_PID, row.v[NSBOX_GROUP_A_KIND]);
	EXPECT_EQ(12, row.v[NSBOX_GROUP_A_THREADS]);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_THREADS]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_ID]);
}

TEST(group_short_counter_ignored)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	struct nlattr *g;

	ASSERT_NE(NULL, m);
	g = nla_nest_start(m, NSBOX_A_GROUP);
	/* 4 bytes where 8 belong: its value is not taken */
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_GROUP_A_RSS_BYTES, 0xdeadbeef));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_VM_BYTES, 1ULL << 40));
	/* and 12 bytes are not 8 either */
	ASSERT_EQ(0, nla_put(m, NSBOX_GROUP_A_FORKS, 12, "abcdefghijkl"));
	nla_nest_end(m, g);

	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(0, row.v[NSBOX_GROUP_A_RSS_BYTES]);
	EXPECT_EQ(0, row.v[NSBOX_GROUP_A_FORKS]);
	EXPECT_EQ(1ULL << 40, row.v[NSBOX_GROUP_A_VM_BYTES]);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_VM_BYTES]);
}

TEST(group_long_path_cut)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	struct nlattr *g;
	char path[2000];

	ASSERT_NE(NULL, m);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	g = nla_nest_start(m, NSBOX_A_GROUP);
	ASSERT_EQ(0, nla_put_string(m, NSBOX_GROUP_A_PATH, path));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_GROUP_A_ID, 5));
	nla_nest_end(m, g);

	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(sizeof(row.path) - 1, strlen(row.path));
	EXPECT_EQ(0, strncmp(path, row.path, sizeof(row.path) - 1));
	EXPECT_EQ(5, row.v[NSBOX_GROUP_A_ID]);
}

TEST(group_absent)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;

	ASSERT_NE(NULL, m);
	/* a reply that is not one group (a task, say) */
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_ID, 5));
	memset(&row, 0xa5, sizeof(row));
	EXPECT_EQ(-ENOENT, nsbox_group_parse(m, &row));
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_ID]);
}

TEST(group_no_genl_header)
{
	struct nl_msg *m _cleanup_msg_ = nlmsg_alloc();
	struct group_row row;

	ASSERT_NE(NULL, m);
	/* a netlink message too short for the genl header */
	ASSERT_NE(NULL, nlmsg_put(m, 0, 0, FAMILY, 0, 0));
	memset(&row, 0xa5, sizeof(row));
	EXPECT_EQ(-EINVAL, nsbox_group_parse(m, &row));
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_KIND]);
}

TEST(group_empty_nest)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;

	ASSERT_NE(NULL, m);
	/* by hand: nla_nest_end() drops an empty nest */
	ASSERT_EQ(0, nla_put(m, NSBOX_A_GROUP, 0, ""));
	memset(&row, 0xa5, sizeof(row));
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	for (int a = 0; a <= NSBOX_GROUP_A_MAX; a++) {
		EXPECT_EQ(0, row.has[a]) TH_LOG("attr %d", a);
	}
	EXPECT_STREQ("", row.path);
}

TEST(group_garbage_nest)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row row;
	/* an attribute header claiming 200 bytes, in a nest of 8 */
	const unsigned char junk[8] = { 200, 0, NSBOX_GROUP_A_ID, 0, 1, 2, 3, 4 };

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put(m, NSBOX_A_GROUP, sizeof(junk), junk));
	memset(&row, 0xa5, sizeof(row));
	/* libnl stops at the bad length: nothing is taken from it */
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	for (int a = 0; a <= NSBOX_GROUP_A_MAX; a++) {
		EXPECT_EQ(0, row.has[a]) TH_LOG("attr %d", a);
	}
}

/* ---- GET_INFO ------------------------------------------------------------ */

struct hook_spec {
	const char *name, *symbol, *affects;
	int kind, attached, status;	/* status < 0: not sent */
	uint64_t hits, misses;
};

static int put_hook(struct nl_msg *m, const struct hook_spec *h)
{
	struct nlattr *n = nla_nest_start(m, NSBOX_A_HOOK);

	if (!n || nla_put_string(m, NSBOX_HOOK_A_NAME, h->name) ||
	    nla_put_string(m, NSBOX_HOOK_A_SYMBOL, h->symbol) ||
	    nla_put_u8(m, NSBOX_HOOK_A_KIND, h->kind) ||
	    nla_put_u8(m, NSBOX_HOOK_A_ATTACHED, h->attached) ||
	    nla_put_u64(m, NSBOX_HOOK_A_HITS, h->hits) ||
	    nla_put_u64(m, NSBOX_HOOK_A_MISSES, h->misses) ||
	    (h->status >= 0 && nla_put_u8(m, NSBOX_HOOK_A_STATUS, h->status)) ||
	    (h->affects && nla_put_string(m, NSBOX_HOOK_A_AFFECTS, h->affects)))
		return -1;
	nla_nest_end(m, n);
	return 0;
}

static const struct hook_spec hooks3[] = {
	{ "fork", "wake_up_new_task", "forks, procs, threads", NSBOX_HOOK_KPROBE, 1,
	  NSBOX_HOOK_ATTACHED, 1ULL << 33, 0 },
	{ "exit", "sched_process_exit", "exits", NSBOX_HOOK_TRACEPOINT, 0,
	  NSBOX_HOOK_NO_SYMBOL, 0, 5 },
	{ "exec", "bprm_execve.isra.0", NULL, NSBOX_HOOK_KRETPROBE, 1, -1, 42, 1 },
};

TEST(info_every_field)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	struct nsbox_info info;
	struct nlattr *hooks;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_string(m, NSBOX_A_VERSION, "1.2.3"));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_A_KERNEL_RELEASE, "6.12.0-test-amd64"));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_GROUPS, 1234));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_MAX_GROUPS, 65536));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_EVICTIONS, 1ULL << 35));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_ALLOC_FAILURES, 3));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_MEMORY_BYTES, 987654321));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_GROUP_BYTES, 512));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_LOAD_WALKS, 2));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_EVENT_SUBSCRIBERS, 0));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_EVENT_RING_BYTES, 1 << 20));
	hooks = nla_nest_start(m, NSBOX_A_HOOKS);
	for (size_t i = 0; i < 3; i++) {
		ASSERT_EQ(0, put_hook(m, &hooks3[i]));
	}
	nla_nest_end(m, hooks);

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_STREQ("1.2.3", info.version);
	EXPECT_EQ(NSBOX_ABI_VERSION, info.abi);
	EXPECT_STREQ("6.12.0-test-amd64", info.kernel);
	EXPECT_EQ(1234, info.groups);
	EXPECT_EQ(65536, info.max_groups);
	EXPECT_EQ(1ULL << 35, info.evictions);
	EXPECT_EQ(3, info.failures);
	EXPECT_EQ(987654321, info.memory);
	EXPECT_EQ(512, info.group_bytes);
	EXPECT_EQ(2, info.load_walks);
	/* zero subscribers, but the module has events */
	EXPECT_TRUE(info.has_events);
	EXPECT_EQ(0, info.subscribers);
	EXPECT_EQ(1 << 20, info.ring_bytes);
	ASSERT_EQ(3, info.n_hooks);
	for (int i = 0; i < 3; i++) {
		const struct nsbox_hook_info *h = &info.hooks[i];

		EXPECT_STREQ(hooks3[i].name, h->name);
		EXPECT_STREQ(hooks3[i].symbol, h->symbol);
		EXPECT_EQ(hooks3[i].kind, h->kind);
		EXPECT_EQ(hooks3[i].attached, h->attached);
		EXPECT_EQ(hooks3[i].status, h->status);
		EXPECT_EQ(hooks3[i].hits, h->hits);
		EXPECT_EQ(hooks3[i].misses, h->misses);
	}
	EXPECT_STREQ("forks, procs, threads", info.hooks[0].affects);
	/* an ABI < 5 module sends no AFFECTS: the default words */
	EXPECT_STREQ("what it counts", info.hooks[2].affects);
	EXPECT_STREQ("attached", nsbox_hook_status_name(&info.hooks[0]));
	EXPECT_STREQ("no such function or tracepoint", nsbox_hook_status_name(&info.hooks[1]));
	/* no STATUS: said from ATTACHED */
	EXPECT_STREQ("attached", nsbox_hook_status_name(&info.hooks[2]));
	EXPECT_STREQ("kprobe", nsbox_hook_kind_name(info.hooks[0].kind));
	EXPECT_STREQ("tracepoint", nsbox_hook_kind_name(info.hooks[1].kind));
	EXPECT_STREQ("kretprobe", nsbox_hook_kind_name(info.hooks[2].kind));
}

TEST(info_old_module)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	struct nsbox_info info;

	ASSERT_NE(NULL, m);
	/* ABI 1: version and ABI only */
	ASSERT_EQ(0, nla_put_string(m, NSBOX_A_VERSION, "0.1.0"));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_ABI_VERSION, 1));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_STREQ("0.1.0", info.version);
	EXPECT_EQ(1, info.abi);
	EXPECT_STREQ("", info.kernel);
	EXPECT_FALSE(info.has_events);
	EXPECT_EQ(0, info.n_hooks);
	EXPECT_EQ(0, info.groups);
}

TEST(info_long_strings_cut)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	struct nsbox_info info;
	struct hook_spec h = { .symbol = "s", .status = -1 };
	char longs[1000];
	struct nlattr *hooks;

	ASSERT_NE(NULL, m);
	memset(longs, 'v', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	h.name = longs;
	h.affects = longs;
	ASSERT_EQ(0, nla_put_string(m, NSBOX_A_VERSION, longs));
	ASSERT_EQ(0, nla_put_string(m, NSBOX_A_KERNEL_RELEASE, longs));
	hooks = nla_nest_start(m, NSBOX_A_HOOKS);
	ASSERT_EQ(0, put_hook(m, &h));
	nla_nest_end(m, hooks);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_EQ(sizeof(info.version) - 1, strlen(info.version));
	EXPECT_EQ(sizeof(info.kernel) - 1, strlen(info.kernel));
	ASSERT_EQ(1, info.n_hooks);
	EXPECT_EQ(sizeof(info.hooks[0].name) - 1, strlen(info.hooks[0].name));
	EXPECT_EQ(sizeof(info.hooks[0].affects) - 1, strlen(info.hooks[0].affects));
	EXPECT_STREQ("s", info.hooks[0].symbol);
}

TEST(info_too_many_hooks)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	struct {
		struct nsbox_info info;
		unsigned char canary[4096];
	} w;
	struct nlattr *hooks;
	char name[32];

	ASSERT_NE(NULL, m);
	hooks = nla_nest_start(m, NSBOX_A_HOOKS);
	for (int i = 0; i < NSBOX_INFO_MAX_HOOKS + 10; i++) {
		struct hook_spec h = { .name = name, .symbol = "sym", .status = -1,
				       .hits = (uint64_t)i };

		snprintf(name, sizeof(name), "hook%d", i);
		ASSERT_EQ(0, put_hook(m, &h));
	}
	nla_nest_end(m, hooks);

	memset(&w, 0x5a, sizeof(w));
	memset(&w.info, 0, sizeof(w.info));
	ASSERT_EQ(0, nsbox_info_parse(m, &w.info));
	EXPECT_EQ(NSBOX_INFO_MAX_HOOKS, w.info.n_hooks);
	EXPECT_STREQ("hook0", w.info.hooks[0].name);
	EXPECT_STREQ("hook63", w.info.hooks[NSBOX_INFO_MAX_HOOKS - 1].name);
	EXPECT_EQ(NSBOX_INFO_MAX_HOOKS - 1, w.info.hooks[NSBOX_INFO_MAX_HOOKS - 1].hits);
	for (size_t i = 0; i < sizeof(w.canary); i++) {
		if (w.canary[i] != 0x5a) {
			EXPECT_EQ(0x5a, w.canary[i]) TH_LOG("written past the hooks at +%zu", i);
			break;
		}
	}
	/* a second reply does not overflow either: it appends nothing */
	ASSERT_EQ(0, nsbox_info_parse(m, &w.info));
	EXPECT_EQ(NSBOX_INFO_MAX_HOOKS, w.info.n_hooks);
}

TEST(info_hooks_nest_with_strangers)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	struct nsbox_info info;
	struct nlattr *hooks;

	ASSERT_NE(NULL, m);
	hooks = nla_nest_start(m, NSBOX_A_HOOKS);
	/* only NSBOX_A_HOOK entries are hooks */
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_GROUPS, 7));
	ASSERT_EQ(0, put_hook(m, &hooks3[0]));
	ASSERT_EQ(0, nla_put_string(m, 200, "future"));
	ASSERT_EQ(0, put_hook(m, &hooks3[1]));
	nla_nest_end(m, hooks);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	ASSERT_EQ(2, info.n_hooks);
	EXPECT_STREQ("fork", info.hooks[0].name);
	EXPECT_STREQ("exit", info.hooks[1].name);
	EXPECT_EQ(0, info.groups);
}

TEST(info_bad_message)
{
	struct nl_msg *m _cleanup_msg_ = nlmsg_alloc();
	struct nsbox_info info;

	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, nlmsg_put(m, 0, 0, FAMILY, 0, 0));
	memset(&info, 0, sizeof(info));
	EXPECT_EQ(-EINVAL, nsbox_info_parse(m, &info));
	EXPECT_STREQ("", info.version);
}

TEST(hook_names)
{
	struct nsbox_hook_info h = { .status = -1 };

	EXPECT_STREQ("not attached", nsbox_hook_status_name(&h));
	h.status = NSBOX_HOOK_REFUSED;
	EXPECT_STREQ("refused by the kernel", nsbox_hook_status_name(&h));
	h.status = NSBOX_HOOK_SKIPPED;
	EXPECT_STREQ("skipped (skip_hooks)", nsbox_hook_status_name(&h));
	h.status = NSBOX_HOOK_CLONE_ONLY;
	EXPECT_STREQ("only a compiler clone (its parameters may differ)", nsbox_hook_status_name(&h));
	EXPECT_STREQ("unknown", nsbox_hook_kind_name(99));
	EXPECT_STREQ("unknown", nsbox_hook_kind_name(-1));
}

/* ---- ABI 9: packed values, live time -------------------------------------- */

#define NVALS (NSBOX_GROUP_A_LOAD15 - NSBOX_GROUP_A_FIRST_SEEN + 1)

/* A group as an ABI 9 module packs it: VALUES[i] = attribute FIRST_SEEN + i. */
static int put_packed(struct nl_msg *m, const uint64_t *vals, size_t n, bool live_time)
{
	struct nlattr *g = nla_nest_start(m, NSBOX_A_GROUP);

	if (!g || nla_put_u8(m, NSBOX_GROUP_A_KIND, NSBOX_KIND_NET) ||
	    nla_put_u64(m, NSBOX_GROUP_A_ID, 4026531840ULL) ||
	    nla_put_u8(m, NSBOX_GROUP_A_STATE, NSBOX_GROUP_LIVE) ||
	    (live_time && nla_put_u64(m, NSBOX_GROUP_A_LIVE_TIME, 5000000000ULL)) ||
	    nla_put(m, NSBOX_GROUP_A_VALUES, (int)(n * sizeof(uint64_t)), vals))
		return -1;
	nla_nest_end(m, g);
	return 0;
}

TEST(group_packed_values)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	uint64_t vals[NVALS];
	struct group_row row;

	ASSERT_NE(NULL, m);
	for (int i = 0; i < NVALS; i++)
		vals[i] = val(NSBOX_GROUP_A_FIRST_SEEN + i);
	/* ~0: a live value not given (NO_LIVE, or no walk has seen it) */
	vals[NSBOX_GROUP_A_RSS_BYTES - NSBOX_GROUP_A_FIRST_SEEN] = UINT64_MAX;
	vals[NSBOX_GROUP_A_CPU_NS - NSBOX_GROUP_A_FIRST_SEEN] = UINT64_MAX;
	/* zero is a value */
	vals[NSBOX_GROUP_A_PROCS - NSBOX_GROUP_A_FIRST_SEEN] = 0;
	ASSERT_EQ(0, put_packed(m, vals, NVALS, true));
	memset(&row, 0xa5, sizeof(row));
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(NSBOX_KIND_NET, row.v[NSBOX_GROUP_A_KIND]);
	EXPECT_EQ(4026531840ULL, row.v[NSBOX_GROUP_A_ID]);
	EXPECT_EQ(5000000000ULL, row.v[NSBOX_GROUP_A_LIVE_TIME]);
	EXPECT_EQ(1, row.has[NSBOX_GROUP_A_LIVE_TIME]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_VALUES]);
	for (int a = NSBOX_GROUP_A_FIRST_SEEN; a <= NSBOX_GROUP_A_LOAD15; a++) {
		if (a == NSBOX_GROUP_A_RSS_BYTES || a == NSBOX_GROUP_A_CPU_NS) {
			EXPECT_EQ(0, row.has[a]) TH_LOG("attr %d", a);
			EXPECT_EQ(0, row.v[a]) TH_LOG("attr %d", a);
		} else if (a == NSBOX_GROUP_A_PROCS) {
			EXPECT_EQ(1, row.has[a]);
			EXPECT_EQ(0, row.v[a]);
		} else {
			EXPECT_EQ(1, row.has[a]) TH_LOG("attr %d", a);
			EXPECT_EQ(val(a), row.v[a]) TH_LOG("attr %d", a);
		}
	}
	/* nothing past LOAD15 comes from the array */
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_WALK_PROCS]);
	EXPECT_EQ(1000000000LL, nsbox_group_live_age(&row, 6000000000ULL));
	EXPECT_EQ(0, nsbox_group_live_age(&row, 1));
}

/* the same group packed and one attribute each: the same row */
TEST(group_packed_equals_unpacked)
{
	struct nl_msg *p _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct nl_msg *u _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct group_row a, b;
	uint64_t vals[NVALS];
	struct nlattr *g;

	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, u);
	for (int i = 0; i < NVALS; i++)
		vals[i] = val(NSBOX_GROUP_A_FIRST_SEEN + i);
	ASSERT_EQ(0, put_packed(p, vals, NVALS, false));
	g = nla_nest_start(u, NSBOX_A_GROUP);
	ASSERT_EQ(0, nla_put_u8(u, NSBOX_GROUP_A_KIND, NSBOX_KIND_NET));
	ASSERT_EQ(0, nla_put_u64(u, NSBOX_GROUP_A_ID, 4026531840ULL));
	ASSERT_EQ(0, nla_put_u8(u, NSBOX_GROUP_A_STATE, NSBOX_GROUP_LIVE));
	for (int i = 0; i < NVALS; i++) {
		ASSERT_EQ(0, nla_put_u64(u, NSBOX_GROUP_A_FIRST_SEEN + i, vals[i]));
	}
	nla_nest_end(u, g);
	ASSERT_EQ(0, nsbox_group_parse(p, &a));
	ASSERT_EQ(0, nsbox_group_parse(u, &b));
	EXPECT_EQ(0, memcmp(a.v, b.v, sizeof(a.v)));
	EXPECT_EQ(0, memcmp(a.has, b.has, sizeof(a.has)));
	/* no LIVE_TIME (a module before ABI 9): no age to tell */
	EXPECT_EQ(-1, nsbox_group_live_age(&a, 1));
}

TEST(group_packed_short_long_and_ragged)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	struct nl_msg *l _cleanup_msg_ = reply(NSBOX_CMD_GET_GROUP);
	uint64_t vals[NVALS + 4];
	struct group_row row;

	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, l);
	for (int i = 0; i < NVALS + 4; i++)
		vals[i] = 100 + i;
	/* 3 values and 4 bytes more: the 3 taken, the rest not */
	ASSERT_EQ(0, put_packed(m, vals, 3, false));
	ASSERT_EQ(0, nsbox_group_parse(m, &row));
	EXPECT_EQ(100, row.v[NSBOX_GROUP_A_FIRST_SEEN]);
	EXPECT_EQ(102, row.v[NSBOX_GROUP_A_THREADS]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_FORKS]);
	/* a newer module's longer array: what we know, nothing more */
	ASSERT_EQ(0, put_packed(l, vals, NVALS + 4, false));
	ASSERT_EQ(0, nsbox_group_parse(l, &row));
	EXPECT_EQ(100 + NVALS - 1, row.v[NSBOX_GROUP_A_LOAD15]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_WALK_PROCS]);
	EXPECT_EQ(0, row.has[NSBOX_GROUP_A_VERIFY_HAVE]);
}

/* ---- ABI 9: GET_INFO's shares and limits ---------------------------------- */

static int put_share(struct nl_msg *m, uint32_t uid, uint64_t groups, uint64_t limit,
		     const uint64_t *refused, int nkinds)
{
	struct nlattr *n = nla_nest_start(m, NSBOX_A_SHARE);

	if (!n || nla_put_u32(m, NSBOX_SHARE_A_UID, uid) ||
	    nla_put_u64(m, NSBOX_SHARE_A_GROUPS, groups) ||
	    nla_put_u64(m, NSBOX_SHARE_A_LIMIT, limit) ||
	    nla_put(m, NSBOX_SHARE_A_REFUSED, nkinds * 8, refused))
		return -1;
	nla_nest_end(m, n);
	return 0;
}

TEST(info_abi9_admin)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	uint64_t none[NSBOX_KIND_COUNT] = { 0 }, some[NSBOX_KIND_COUNT] = { 0 };
	static struct nsbox_info info;

	ASSERT_NE(NULL, m);
	some[NSBOX_KIND_NET] = 224;
	some[NSBOX_KIND_UTS] = 3;
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_ABI_VERSION, 9));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_MAX_GROUPS, 65536));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_MAX_USER_GROUPS, 4096));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_MAX_UNPRIV_GROUPS, 32768));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_GROUPS, 300));
	ASSERT_EQ(0, nla_put_u8(m, NSBOX_A_ADOPTED, 1));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_LIVE_WALKS, 77));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_LIVE_TIME_NS, 1ULL << 40));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_UNPRIV_GROUPS, 256));
	ASSERT_EQ(0, put_share(m, 0, 44, 65536, none, NSBOX_KIND_COUNT));
	ASSERT_EQ(0, put_share(m, 1000, 256, 256, some, NSBOX_KIND_COUNT));
	/* a newer module's longer array: the kinds we know */
	ASSERT_EQ(0, put_share(m, 4294967294U, 0, 256, some, NSBOX_KIND_COUNT));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_TRUE(info.admin);
	EXPECT_TRUE(info.has_shares);
	EXPECT_TRUE(info.has_adopted);
	EXPECT_TRUE(info.adopted);
	EXPECT_EQ(4096, info.max_user_groups);
	EXPECT_EQ(32768, info.max_unpriv_groups);
	EXPECT_EQ(77, info.live_walks);
	EXPECT_EQ(1ULL << 40, info.live_time_ns);
	EXPECT_EQ(256, info.unpriv_groups);
	ASSERT_EQ(3, info.n_shares);
	EXPECT_EQ(0, info.shares[0].uid);
	EXPECT_EQ(44, info.shares[0].groups);
	EXPECT_EQ(0, info.shares[0].refused_total);
	EXPECT_EQ(1000, info.shares[1].uid);
	EXPECT_EQ(256, info.shares[1].limit);
	EXPECT_EQ(224, info.shares[1].refused[NSBOX_KIND_NET]);
	EXPECT_EQ(3, info.shares[1].refused[NSBOX_KIND_UTS]);
	EXPECT_EQ(227, info.shares[1].refused_total);
	EXPECT_EQ(4294967294U, info.shares[2].uid);
	EXPECT_EQ(454, nsbox_info_refused(&info));
}

/* a user other than the admin: its own share, no machine-wide figure */
TEST(info_abi9_user)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	uint64_t some[4] = { 0, 0, 5, 0 };
	static struct nsbox_info info;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_ABI_VERSION, 9));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_MAX_GROUPS, 65536));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_MAX_USER_GROUPS, 4096));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_MAX_UNPRIV_GROUPS, 32768));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_EVENT_SUBSCRIBERS, 1));
	/* an older module's shorter array: the kinds it has */
	ASSERT_EQ(0, put_share(m, 1000, 12, 4096, some, 4));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_FALSE(info.admin);
	EXPECT_TRUE(info.has_shares);
	EXPECT_FALSE(info.has_adopted);
	EXPECT_EQ(1, info.subscribers);
	ASSERT_EQ(1, info.n_shares);
	EXPECT_EQ(12, info.shares[0].groups);
	EXPECT_EQ(5, info.shares[0].refused[NSBOX_KIND_NET]);
	EXPECT_EQ(0, info.shares[0].refused[NSBOX_KIND_TIME]);
	EXPECT_EQ(5, info.shares[0].refused_total);
}

TEST(info_too_many_shares)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_GET_INFO);
	uint64_t none[NSBOX_KIND_COUNT] = { 0 };
	static struct nsbox_info info;

	ASSERT_NE(NULL, m);
	for (int i = 0; i < NSBOX_INFO_MAX_SHARES + 5; i++) {
		ASSERT_EQ(0, put_share(m, 1000 + i, 1, 10, none, NSBOX_KIND_COUNT));
	}
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, nsbox_info_parse(m, &info));
	EXPECT_EQ(NSBOX_INFO_MAX_SHARES, info.n_shares);
	EXPECT_EQ(5, info.shares_dropped);
	EXPECT_EQ(1000 + NSBOX_INFO_MAX_SHARES - 1, info.shares[NSBOX_INFO_MAX_SHARES - 1].uid);
}

/* ---- VERIFY ----------------------------------------------------------------- */

static int put_mismatch(struct nl_msg *m, int check, int field, int64_t have, int64_t want)
{
	struct nlattr *n = nla_nest_start(m, NSBOX_A_MISMATCH);

	if (!n || nla_put_u8(m, NSBOX_GROUP_A_KIND, NSBOX_KIND_CGROUP2) ||
	    nla_put_u64(m, NSBOX_GROUP_A_ID, 77) ||
	    nla_put_u64(m, NSBOX_GROUP_A_PROCS, 3) || nla_put_u64(m, NSBOX_GROUP_A_THREADS, 4) ||
	    nla_put_u64(m, NSBOX_GROUP_A_WALK_PROCS, 5) ||
	    nla_put_u64(m, NSBOX_GROUP_A_WALK_THREADS, 6) ||
	    (check >= 0 && nla_put_u8(m, NSBOX_GROUP_A_VERIFY_CHECK, check)) ||
	    (field >= 0 && nla_put_u16(m, NSBOX_GROUP_A_VERIFY_FIELD, field)) ||
	    (check >= 0 && nla_put_u64(m, NSBOX_GROUP_A_VERIFY_HAVE, (uint64_t)have)) ||
	    (check >= 0 && nla_put_u64(m, NSBOX_GROUP_A_VERIFY_WANT, (uint64_t)want)))
		return -1;
	nla_nest_end(m, n);
	return 0;
}

TEST(verify_abi9_unsettled_and_rounds)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_VERIFY);
	struct nsbox_verify r = { 0 };

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_TASKS, 10051));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_GROUPS, 2010));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_MISMATCHES, 2));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_MISSING, 0));
	ASSERT_EQ(0, put_mismatch(m, NSBOX_VERIFY_PROCS, NSBOX_GROUP_A_PROCS, 3, 5));
	ASSERT_EQ(0, put_mismatch(m, NSBOX_VERIFY_FLOW, -1, -2, 6));
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_UNSETTLED, 3));
	ASSERT_EQ(0, nla_put_u32(m, NSBOX_A_VERIFY_ROUNDS, 10));
	ASSERT_EQ(0, nsbox_verify_parse(m, &r));
	EXPECT_EQ(10051, r.tasks);
	EXPECT_EQ(2010, r.groups);
	EXPECT_EQ(2, r.mismatches);
	EXPECT_TRUE(r.has_rounds);
	EXPECT_EQ(3, r.unsettled);
	EXPECT_EQ(10, r.rounds);
	ASSERT_EQ(2, r.n);
	EXPECT_EQ(NSBOX_KIND_CGROUP2, r.m[0].kind);
	EXPECT_EQ(77, r.m[0].id);
	EXPECT_EQ(NSBOX_VERIFY_PROCS, r.m[0].check);
	EXPECT_EQ(NSBOX_GROUP_A_PROCS, r.m[0].field);
	EXPECT_EQ(3, r.m[0].have);
	EXPECT_EQ(5, r.m[0].want);
	EXPECT_EQ(NSBOX_VERIFY_FLOW, r.m[1].check);
	EXPECT_EQ(-1, r.m[1].field);
	EXPECT_EQ(-2, r.m[1].have);
	EXPECT_EQ(6, r.m[1].walk_threads);
	free(r.m);
}

/* before ABI 9 no rounds; before ABI 4 threads compared only */
TEST(verify_old_module)
{
	struct nl_msg *m _cleanup_msg_ = reply(NSBOX_CMD_VERIFY);
	struct nsbox_verify r = { 0 };

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, nla_put_u64(m, NSBOX_A_VERIFY_TASKS, 5));
	ASSERT_EQ(0, put_mismatch(m, -1, -1, 0, 0));
	ASSERT_EQ(0, nsbox_verify_parse(m, &r));
	EXPECT_FALSE(r.has_rounds);
	EXPECT_EQ(0, r.unsettled);
	ASSERT_EQ(1, r.n);
	EXPECT_EQ(NSBOX_VERIFY_THREADS, r.m[0].check);
	EXPECT_EQ(NSBOX_GROUP_A_THREADS, r.m[0].field);
	EXPECT_EQ(4, r.m[0].have);
	EXPECT_EQ(6, r.m[0].want);
	free(r.m);
}

/* ---- PROBE_GET, PROBE_STATS (ABI 8) ------------------------------------------- */

TEST(probe_info_every_field)
{
	_cleanup_msg_ struct nl_msg *m = reply(NSBOX_CMD_PROBE_GET);
	struct nsbox_probe_info p;
	struct nlattr *nest;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_PROBE);
	nla_put_string(m, NSBOX_PROBE_A_NAME, "sleep");
	nla_put_string(m, NSBOX_PROBE_A_SYMBOL, "hrtimer_nanosleep.isra.0");
	nla_put_u8(m, NSBOX_PROBE_A_RET, 1);
	nla_put_u8(m, NSBOX_PROBE_A_SUM_ARG, 3);
	nla_put_u64(m, NSBOX_PROBE_A_HITS, val(1));
	nla_put_u64(m, NSBOX_PROBE_A_MISSES, val(2));
	nla_put_u64(m, NSBOX_PROBE_A_NMISSED, val(3));
	nla_put_u32(m, NSBOX_PROBE_A_MAXACTIVE, 64);
	nla_put_u8(m, NSBOX_PROBE_A_FTRACE, 1);
	nla_put_u32(m, NSBOX_PROBE_A_GROUPS, 9);
	nla_put_u64(m, NSBOX_PROBE_A_BYTES, val(4));
	nla_nest_end(m, nest);
	ASSERT_EQ(0, nsbox_probe_parse(m, &p));
	EXPECT_STREQ("sleep", p.name);
	EXPECT_STREQ("hrtimer_nanosleep.isra.0", p.symbol);
	EXPECT_EQ(1, p.ret);
	EXPECT_EQ(3, p.sum_arg);
	EXPECT_EQ(val(1), p.hits);
	EXPECT_EQ(val(2), p.misses);
	EXPECT_EQ(val(3), p.nmissed);
	EXPECT_EQ(64U, p.maxactive);
	EXPECT_EQ(1, p.ftrace);
	EXPECT_EQ(9U, p.groups);
	EXPECT_EQ(val(4), p.bytes);
}

TEST(probe_stat_with_histogram)
{
	_cleanup_msg_ struct nl_msg *m = reply(NSBOX_CMD_PROBE_STATS);
	uint64_t hist[NSBOX_PROBE_HIST_BUCKETS] = { 0 };
	struct nsbox_probe_stat s;
	struct nlattr *nest;

	ASSERT_NE(NULL, m);
	hist[25] = 10;
	hist[NSBOX_PROBE_HIST_BUCKETS - 1] = val(5);
	nest = nla_nest_start(m, NSBOX_A_PROBE_STAT);
	nla_put_u8(m, NSBOX_PROBE_A_KIND, NSBOX_KIND_CGROUP2);
	nla_put_u64(m, NSBOX_PROBE_A_ID, 79);
	nla_put_u64(m, NSBOX_PROBE_A_CALLS, 10);
	nla_put_u64(m, NSBOX_PROBE_A_SUM, val(6));
	nla_put_u64(m, NSBOX_PROBE_A_NS_TOTAL, 203000000);
	nla_put_u64(m, NSBOX_PROBE_A_NS_MIN, 20200000);
	nla_put_u64(m, NSBOX_PROBE_A_NS_MAX, 21100000);
	nla_put(m, NSBOX_PROBE_A_HIST, sizeof(hist), hist);
	nla_nest_end(m, nest);
	ASSERT_EQ(0, nsbox_probe_stat_parse(m, &s));
	EXPECT_EQ(NSBOX_KIND_CGROUP2, s.kind);
	EXPECT_EQ(79U, s.id);
	EXPECT_EQ(10U, s.calls);
	EXPECT_EQ(val(6), s.sum);
	EXPECT_EQ(1, s.has_time);
	EXPECT_EQ(203000000U, s.ns_total);
	EXPECT_EQ(20200000U, s.ns_min);
	EXPECT_EQ(21100000U, s.ns_max);
	EXPECT_EQ(10U, s.hist[25]);
	EXPECT_EQ(val(5), s.hist[NSBOX_PROBE_HIST_BUCKETS - 1]);
}

/* a plain probe's group: no histogram, no times */
TEST(probe_stat_without_time)
{
	_cleanup_msg_ struct nl_msg *m = reply(NSBOX_CMD_PROBE_STATS);
	struct nsbox_probe_stat s;
	struct nlattr *nest;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_PROBE_STAT);
	nla_put_u8(m, NSBOX_PROBE_A_KIND, NSBOX_KIND_NET);
	nla_put_u64(m, NSBOX_PROBE_A_ID, 4026531840ULL);
	nla_put_u64(m, NSBOX_PROBE_A_CALLS, 1000);
	nla_nest_end(m, nest);
	ASSERT_EQ(0, nsbox_probe_stat_parse(m, &s));
	EXPECT_EQ(1000U, s.calls);
	EXPECT_EQ(0, s.has_time);
}

/* a histogram shorter than 40 buckets is malformed, not read past its end */
TEST(probe_stat_short_histogram_rejected)
{
	_cleanup_msg_ struct nl_msg *m = reply(NSBOX_CMD_PROBE_STATS);
	uint64_t hist[3] = { 1, 2, 3 };
	struct nsbox_probe_stat s;
	struct nlattr *nest;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_PROBE_STAT);
	nla_put_u8(m, NSBOX_PROBE_A_KIND, NSBOX_KIND_NET);
	nla_put_u64(m, NSBOX_PROBE_A_ID, 1);
	nla_put(m, NSBOX_PROBE_A_HIST, sizeof(hist), hist);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EINVAL, nsbox_probe_stat_parse(m, &s));
}

TEST(probe_stat_without_key_rejected)
{
	_cleanup_msg_ struct nl_msg *m = reply(NSBOX_CMD_PROBE_STATS);
	struct nsbox_probe_stat s;
	struct nlattr *nest;

	ASSERT_NE(NULL, m);
	nest = nla_nest_start(m, NSBOX_A_PROBE_STAT);
	nla_put_u64(m, NSBOX_PROBE_A_CALLS, 1);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EINVAL, nsbox_probe_stat_parse(m, &s));
}

TEST_HARNESS_MAIN
