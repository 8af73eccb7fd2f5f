// SPDX-License-Identifier: GPL-2.0
/*
 * kind_test - host unit test of the one table of group kinds
 * (tools/lib/kind.c): names, CLONE_NEW* flags and KIND:ID references as
 * `nsbox groups net:4026531840` takes them.
 */
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include <linux/nsbox.h>
#include "kind.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

TEST(names_are_lsns_names)
{
	static const char *const want[NSBOX_KIND_COUNT] = {
		[NSBOX_KIND_MNT] = "mnt", [NSBOX_KIND_PID] = "pid",
		[NSBOX_KIND_NET] = "net", [NSBOX_KIND_UTS] = "uts",
		[NSBOX_KIND_IPC] = "ipc", [NSBOX_KIND_USER] = "user",
		[NSBOX_KIND_CGROUP] = "cgroup", [NSBOX_KIND_TIME] = "time",
		[NSBOX_KIND_CGROUP2] = "cgroup2",
	};

	for (int k = 0; k < NSBOX_KIND_COUNT; k++) {
		EXPECT_STREQ(want[k], nsbox_kind_name(k));
	}
	EXPECT_STREQ("?", nsbox_kind_name(-1));
	EXPECT_STREQ("?", nsbox_kind_name(NSBOX_KIND_COUNT));
	EXPECT_STREQ("?", nsbox_kind_name(255));
	EXPECT_EQ(NSBOX_KIND_CGROUP2, NSBOX_NS_KINDS);
}

TEST(parse_round_trip)
{
	for (int k = 0; k < NSBOX_KIND_COUNT; k++) {
		EXPECT_EQ(k, nsbox_kind_parse(nsbox_kind_name(k)));
		/* and the message listing kinds names it */
		EXPECT_NE(NULL, strstr(nsbox_kind_list(), nsbox_kind_name(k)));
	}
	EXPECT_EQ(-1, nsbox_kind_parse(""));
	EXPECT_EQ(-1, nsbox_kind_parse("NET"));
	EXPECT_EQ(-1, nsbox_kind_parse("ne"));
	EXPECT_EQ(-1, nsbox_kind_parse("net "));
	EXPECT_EQ(-1, nsbox_kind_parse("?"));
	EXPECT_EQ(-1, nsbox_kind_parse("cgroup3"));
}

TEST(clone_flags)
{
	static const int want[NSBOX_NS_KINDS] = {
		[NSBOX_KIND_MNT] = CLONE_NEWNS, [NSBOX_KIND_PID] = CLONE_NEWPID,
		[NSBOX_KIND_NET] = CLONE_NEWNET, [NSBOX_KIND_UTS] = CLONE_NEWUTS,
		[NSBOX_KIND_IPC] = CLONE_NEWIPC, [NSBOX_KIND_USER] = CLONE_NEWUSER,
		[NSBOX_KIND_CGROUP] = CLONE_NEWCGROUP, [NSBOX_KIND_TIME] = CLONE_NEWTIME,
	};
	int seen = 0;

	for (int k = 0; k < NSBOX_NS_KINDS; k++) {
		int f = nsbox_kind_clone_flag(k);

		EXPECT_EQ(want[k], f);
		EXPECT_EQ(k, nsbox_kind_of_clone_flag(f));
		/* one bit each, all different */
		EXPECT_EQ(1, __builtin_popcount(f));
		EXPECT_EQ(0, seen & f);
		seen |= f;
	}
	/* cgroup2 is no namespace: no flag, and no flag means no kind */
	EXPECT_EQ(0, nsbox_kind_clone_flag(NSBOX_KIND_CGROUP2));
	EXPECT_EQ(-1, nsbox_kind_of_clone_flag(0));
	EXPECT_EQ(0, nsbox_kind_clone_flag(-1));
	EXPECT_EQ(0, nsbox_kind_clone_flag(NSBOX_KIND_COUNT));
	EXPECT_EQ(-1, nsbox_kind_of_clone_flag(CLONE_VM));
	EXPECT_EQ(-1, nsbox_kind_of_clone_flag(CLONE_NEWNS | CLONE_NEWPID));
}

TEST(group_states)
{
	EXPECT_STREQ("live", nsbox_group_state_name(NSBOX_GROUP_LIVE));
	EXPECT_STREQ("empty", nsbox_group_state_name(NSBOX_GROUP_EMPTY));
	EXPECT_STREQ("gone", nsbox_group_state_name(NSBOX_GROUP_GONE));
	EXPECT_STREQ("?", nsbox_group_state_name(3));
	EXPECT_STREQ("?", nsbox_group_state_name(-1));
}

TEST(ref_good)
{
	static const struct {
		const char *in;
		int kind;
		uint64_t id;
	} good[] = {
		{ "net:4026531840", NSBOX_KIND_NET, 4026531840ULL },
		{ "cgroup2:1", NSBOX_KIND_CGROUP2, 1 },
		{ "cgroup:0", NSBOX_KIND_CGROUP, 0 },
		{ "time:007", NSBOX_KIND_TIME, 7 },
		{ "mnt:18446744073709551615", NSBOX_KIND_MNT, UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int kind = -1;
		uint64_t id = 1;

		EXPECT_EQ(0, nsbox_group_ref_parse(good[i].in, &kind, &id)) TH_LOG("%s", good[i].in);
		EXPECT_EQ(good[i].kind, kind) TH_LOG("%s", good[i].in);
		EXPECT_EQ(good[i].id, id) TH_LOG("%s", good[i].in);
	}
}

TEST(ref_bad)
{
	static const char *const bad[] = {
		"", ":", ":1", "net", "net:", "net:-1", "nope:1", "NET:1",
		"net:1x", "net:0x10", "net:1:2", "net;1", "cgroup2:",
		"net:18446744073709551616",		/* 2^64 */
		"net:99999999999999999999999",
		"aaaaaaaaaaaaaaaa:1",			/* 16 characters: too long */
		"cgroup2cgroup2cgroup2cgroup2:1",
		"net: -1", "net:+5", "net: 7", "net:\t7",	/* strtoull() takes these */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int kind = 77;
		uint64_t id = 77;

		EXPECT_EQ(-1, nsbox_group_ref_parse(bad[i], &kind, &id)) TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(77, id) TH_LOG("\"%s\" set the id", bad[i]);
	}
}

TEST(ref_long_kind_no_overflow)
{
	char s[4096];
	int kind = 77;
	uint64_t id = 77;

	memset(s, 'n', sizeof(s));
	memcpy(s + sizeof(s) - 4, ":12", 4);
	EXPECT_EQ(-1, nsbox_group_ref_parse(s, &kind, &id));
	EXPECT_EQ(77, id);
	/* 15 characters fit the parser's buffer, and are no kind */
	EXPECT_EQ(-1, nsbox_group_ref_parse("abcdefghijklmno:1", &kind, &id));
	EXPECT_EQ(77, id);
}

TEST_HARNESS_MAIN
