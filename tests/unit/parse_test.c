// SPDX-License-Identifier: GPL-2.0
/*
 * parse_test - host unit test of the option parsers of `nsbox run` and
 * friends (tools/box/opts.c, tools/box/sec.c): sizes, CPUs, namespace
 * lists, box names, capabilities, seccomp groups, /etc/subuid ranges.
 * Nothing here changes the system: the parsers only read their input.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "box.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ALL_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | \
		CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* ---- box_parse_size ------------------------------------------------------ */

static const struct {
	const char *in;
	uint64_t bytes;
} good_sizes[] = {
	{ "0", 0 },
	{ "1048576", 1048576 },
	{ "512k", 512ULL << 10 },
	{ "512K", 512ULL << 10 },
	{ "64M", 64ULL << 20 },
	{ "64m", 64ULL << 20 },
	{ "64MB", 64ULL << 20 },
	{ "64MiB", 64ULL << 20 },
	{ "64mib", 64ULL << 20 },
	{ "1G", 1ULL << 30 },
	{ "3g", 3ULL << 30 },
	{ "2T", 2ULL << 40 },
	{ "max", UINT64_MAX },
	{ "18446744073709551615", UINT64_MAX },
	/* the largest count of each unit that fits in 64 bits */
	{ "16777215T", 16777215ULL << 40 },
	{ "17179869183G", 17179869183ULL << 30 },
};

TEST(size_good)
{
	for (size_t i = 0; i < sizeof(good_sizes) / sizeof(good_sizes[0]); i++) {
		uint64_t b = 12345;

		EXPECT_EQ(0, box_parse_size(good_sizes[i].in, &b))
			TH_LOG("\"%s\"", good_sizes[i].in);
		EXPECT_EQ(good_sizes[i].bytes, b) TH_LOG("\"%s\"", good_sizes[i].in);
	}
}

TEST(size_bad)
{
	static const char *const bad[] = {
		"", "12Q", "-1", "+1", " 64M", "64 M", "64M ", "M", "k", "1.5G",
		"64Mx", "64MBB", "64iB", "0x10", "MAX", "maxx", "1P", "1e6",
		"99999999999999999999G",	/* strtoull overflows */
		"18446744073709551616",		/* 2^64 */
		"16777216T",			/* 2^64 bytes: shift overflows */
		"17179869184G",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b = 777;

		EXPECT_EQ(-EINVAL, box_parse_size(bad[i], &b)) TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(777, b) TH_LOG("\"%s\" changed the output", bad[i]);
	}
}

/* ---- box_parse_cpus ------------------------------------------------------ */

TEST(cpus)
{
	uint64_t q = 1;

	ASSERT_EQ(0, box_parse_cpus("0.5", &q));
	EXPECT_EQ(50000, q);
	ASSERT_EQ(0, box_parse_cpus("2", &q));
	EXPECT_EQ(200000, q);
	ASSERT_EQ(0, box_parse_cpus("0.01", &q));
	EXPECT_EQ(1000, q);
	ASSERT_EQ(0, box_parse_cpus("1.25", &q));
	EXPECT_EQ(125000, q);
	ASSERT_EQ(0, box_parse_cpus("4096", &q));
	EXPECT_EQ(409600000, q);
	ASSERT_EQ(0, box_parse_cpus("max", &q));
	EXPECT_EQ(0, q);
}

TEST(cpus_bad)
{
	static const char *const bad[] = {
		"0", "0.0", "0.001", "-1", "abc", "", "5000", "4096.5", "2x",
		"1,5", "nan", "inf", "-inf", "MAX",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t q = 777;

		EXPECT_EQ(-EINVAL, box_parse_cpus(bad[i], &q)) TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(777, q) TH_LOG("\"%s\" changed the output", bad[i]);
	}
}

/* ---- box_parse_ns, box_ns_format, box_ns_name -------------------------- */

TEST(ns_lists)
{
	int f = -1;

	ASSERT_EQ(0, box_parse_ns("mnt,pid", &f));
	EXPECT_EQ(CLONE_NEWNS | CLONE_NEWPID, f);
	ASSERT_EQ(0, box_parse_ns("net", &f));
	EXPECT_EQ(CLONE_NEWNET, f);
	ASSERT_EQ(0, box_parse_ns("user,,time,", &f));
	EXPECT_EQ(CLONE_NEWUSER | CLONE_NEWTIME, f);
	ASSERT_EQ(0, box_parse_ns("all", &f));
	EXPECT_EQ(ALL_NS, f);
	ASSERT_EQ(0, box_parse_ns("net,all", &f));
	EXPECT_EQ(ALL_NS, f);
	ASSERT_EQ(0, box_parse_ns("none", &f));
	EXPECT_EQ(0, f);
	/* no item at all: no namespace, like "none" */
	f = -1;
	ASSERT_EQ(0, box_parse_ns("", &f));
	EXPECT_EQ(0, f);
}

TEST(ns_bad)
{
	static const char *const bad[] = {
		"bogus", "mnt,bogus", "cgroup2", "MNT", "mnt pid", "none,net", " net",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int f = 777;

		EXPECT_EQ(-EINVAL, box_parse_ns(bad[i], &f)) TH_LOG("\"%s\"", bad[i]);
		EXPECT_EQ(777, f) TH_LOG("\"%s\" changed the output", bad[i]);
	}
}

TEST(ns_format_round_trip)
{
	char buf[128];
	int f;

	box_ns_format(ALL_NS, buf, sizeof(buf));
	EXPECT_STREQ("mnt,pid,net,uts,ipc,user,cgroup,time", buf);
	box_ns_format(0, buf, sizeof(buf));
	EXPECT_STREQ("", buf);
	box_ns_format(CLONE_NEWNET | CLONE_NEWNS, buf, sizeof(buf));
	EXPECT_STREQ("mnt,net", buf);
	/* every subset of the eight kinds comes back as it went */
	for (int bits = 1; bits < 256; bits++) {
		int flags = 0;

		for (int k = 0; k < BOX_NS_KINDS; k++)
			if (bits & (1 << k))
				flags |= box_ns_order[k];
		box_ns_format(flags, buf, sizeof(buf));
		ASSERT_EQ(0, box_parse_ns(buf, &f)) TH_LOG("%s", buf);
		EXPECT_EQ(flags, f) TH_LOG("%s", buf);
	}
	/* a short buffer is cut, and terminated */
	memset(buf, 'x', sizeof(buf));
	box_ns_format(ALL_NS, buf, 8);
	EXPECT_STREQ("mnt,pid", buf);
	EXPECT_EQ('x', buf[8]);
}

TEST(ns_order_and_names)
{
	int seen = 0;

	/* each kind once; user first (setns needs it first), mnt last */
	for (int k = 0; k < BOX_NS_KINDS; k++) {
		EXPECT_EQ(0, seen & box_ns_order[k]);
		seen |= box_ns_order[k];
	}
	EXPECT_EQ(ALL_NS, seen);
	EXPECT_EQ(CLONE_NEWUSER, box_ns_order[0]);
	EXPECT_EQ(CLONE_NEWNS, box_ns_order[BOX_NS_KINDS - 1]);
	EXPECT_STREQ("mnt", box_ns_name(CLONE_NEWNS));
	EXPECT_STREQ("cgroup", box_ns_name(CLONE_NEWCGROUP));
	EXPECT_STREQ("time", box_ns_name(CLONE_NEWTIME));
	EXPECT_STREQ("?", box_ns_name(0));
}

/* ---- box_name_valid ------------------------------------------------------ */

TEST(names)
{
	static const char *const good[] = {
		"a", "A", "0", "box-1", "web.prod_2", "x-", "x.",
		"abcdefghijklmnopqrstuvwxyz012345",	/* BOX_NAME_MAX */
	};
	static const char *const bad[] = {
		"", "-a", ".a", "_a", "..", "a/b", "../x", "a b", "a\n", "a:b",
		"caf\xc3\xa9", "a*", "abcdefghijklmnopqrstuvwxyz0123456",
	};

	/* braces: the harness' TH_LOG() is a statement of its own */
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT_TRUE(box_name_valid(good[i])) TH_LOG("\"%s\"", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_FALSE(box_name_valid(bad[i])) TH_LOG("\"%s\"", bad[i]);
	}
	EXPECT_EQ(BOX_NAME_MAX, strlen(good[7]));
}

/* ---- box_each_item ------------------------------------------------------- */

struct collect {
	char items[8][16];
	int n;
	int stop_at;		/* return 42 from this item on */
};

static int collect_one(const char *item, void *arg)
{
	struct collect *c = arg;

	if (c->n >= 8)
		return -E2BIG;
	snprintf(c->items[c->n++], sizeof(c->items[0]), "%s", item);
	return c->n == c->stop_at ? 42 : 0;
}

TEST(each_item)
{
	struct collect c = { .stop_at = -1 };

	ASSERT_EQ(0, box_each_item(",a,,bc,d,", collect_one, &c));
	ASSERT_EQ(3, c.n);
	EXPECT_STREQ("a", c.items[0]);
	EXPECT_STREQ("bc", c.items[1]);
	EXPECT_STREQ("d", c.items[2]);

	memset(&c, 0, sizeof(c));
	c.stop_at = -1;
	ASSERT_EQ(0, box_each_item("", collect_one, &c));
	EXPECT_EQ(0, c.n);
	ASSERT_EQ(0, box_each_item(",,,", collect_one, &c));
	EXPECT_EQ(0, c.n);

	/* the first non-zero result ends the walk and is the result */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	EXPECT_EQ(42, box_each_item("x,y,z", collect_one, &c));
	EXPECT_EQ(2, c.n);
}

TEST(each_item_leaves_list_alone)
{
	struct collect c = { .stop_at = -1 };
	const char list[] = "p,q";

	ASSERT_EQ(0, box_each_item(list, collect_one, &c));
	EXPECT_STREQ("p,q", list);
	EXPECT_EQ(2, c.n);
}

/* ---- capabilities -------------------------------------------------------- */

TEST(cap_names)
{
	EXPECT_EQ(CAP_NET_ADMIN, box_cap_from_name("NET_ADMIN"));
	EXPECT_EQ(CAP_NET_ADMIN, box_cap_from_name("net_admin"));
	EXPECT_EQ(CAP_NET_ADMIN, box_cap_from_name("cap_net_admin"));
	EXPECT_EQ(CAP_SYS_ADMIN, box_cap_from_name("Cap_Sys_Admin"));
	EXPECT_EQ(CAP_CHOWN, box_cap_from_name("CHOWN"));
	EXPECT_EQ(-1, box_cap_from_name("bogus"));
	EXPECT_EQ(-1, box_cap_from_name(""));
	EXPECT_EQ(-1, box_cap_from_name("cap_"));
	EXPECT_EQ(-1, box_cap_from_name("net_admin "));
	/* longer than any name: refused, not cut down to a known one */
	EXPECT_EQ(-1, box_cap_from_name("net_admin_net_admin_net_admin_net_admin_"
					"net_admin_net_admin_net_admin"));
	EXPECT_STREQ("net_admin", box_cap_name(CAP_NET_ADMIN));
	EXPECT_STREQ("chown", box_cap_name(CAP_CHOWN));
	EXPECT_STREQ("?", box_cap_name(-1));
	EXPECT_STREQ("?", box_cap_name(200));
}

TEST(cap_name_round_trip)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		const char *n = box_cap_name(cap);
		char upper[64];
		size_t i;

		if (!strcmp(n, "?"))
			continue;	/* newer than this libcap-ng */
		EXPECT_EQ(cap, box_cap_from_name(n)) TH_LOG("%s", n);
		for (i = 0; n[i] && i < sizeof(upper) - 1; i++)
			upper[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
		upper[i] = '\0';
		EXPECT_EQ(cap, box_cap_from_name(upper)) TH_LOG("%s", upper);
	}
	/* the ones docs/security.md talks about are all known */
	EXPECT_STRNE("?", box_cap_name(CAP_BPF));
	EXPECT_STRNE("?", box_cap_name(CAP_PERFMON));
}

TEST(parse_caps)
{
	uint64_t m = 0;

	ASSERT_EQ(0, box_parse_caps("NET_ADMIN,sys_nice", &m));
	EXPECT_EQ((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_SYS_NICE), m);
	/* it adds to what is there */
	ASSERT_EQ(0, box_parse_caps("cap_chown", &m));
	EXPECT_EQ((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_SYS_NICE) | (1ULL << CAP_CHOWN), m);
	m = 0;
	ASSERT_EQ(0, box_parse_caps("ALL", &m));
	EXPECT_EQ(~0ULL, m);
	m = 0;
	ASSERT_EQ(0, box_parse_caps("all", &m));
	EXPECT_EQ(~0ULL, m);
	m = 0;
	EXPECT_EQ(-EINVAL, box_parse_caps("net_admin,bogus", &m));
	EXPECT_EQ(-EINVAL, box_parse_caps("bogus", &m));
}

TEST(parse_caps_too_long)
{
	char list[1100];
	uint64_t m = 0;

	/* 1023 characters is the limit, whatever the names are */
	memset(list, 0, sizeof(list));
	for (size_t off = 0; off + 6 < sizeof(list) - 1; off += 6)
		memcpy(list + off, "chown,", 6);
	list[1024] = '\0';
	EXPECT_EQ(-EINVAL, box_parse_caps(list, &m));
	EXPECT_EQ(0, m);
	list[1020] = '\0';		/* 1020 characters: "chown,chown,...,chown," */
	EXPECT_EQ(0, box_parse_caps(list, &m));
	EXPECT_EQ(1ULL << CAP_CHOWN, m);
}

TEST(default_caps)
{
	uint64_t d = box_caps_default();

	EXPECT_EQ(13, __builtin_popcountll(d));
	EXPECT_TRUE(d & (1ULL << CAP_CHOWN));
	EXPECT_TRUE(d & (1ULL << CAP_NET_BIND_SERVICE));
	EXPECT_TRUE(d & (1ULL << CAP_AUDIT_WRITE));
	EXPECT_FALSE(d & (1ULL << CAP_MKNOD));
	EXPECT_FALSE(d & (1ULL << CAP_SYS_ADMIN));
	EXPECT_FALSE(d & (1ULL << CAP_NET_ADMIN));
	/* nothing in the default set is dangerous */
	for (int cap = 0; cap < 64; cap++) {
		if (d & (1ULL << cap)) {
			EXPECT_FALSE(box_cap_dangerous(cap)) TH_LOG("%s", box_cap_name(cap));
		}
	}
	EXPECT_TRUE(box_cap_dangerous(CAP_SYS_ADMIN));
	EXPECT_TRUE(box_cap_dangerous(CAP_MKNOD));
	EXPECT_TRUE(box_cap_dangerous(CAP_BPF));
	EXPECT_FALSE(box_cap_dangerous(CAP_SYS_NICE));
}

/* ---- seccomp groups ------------------------------------------------------ */

TEST(parse_allow)
{
	unsigned int m = 0;

	ASSERT_EQ(0, box_parse_allow("mount,ns", &m));
	EXPECT_EQ(BOX_ALLOW_MOUNT | BOX_ALLOW_NS, m);
	m = 0;
	ASSERT_EQ(0, box_parse_allow("io_uring,userfaultfd", &m));
	EXPECT_EQ(BOX_ALLOW_IO_URING | BOX_ALLOW_USERFAULTFD, m);
	m = 0;
	ASSERT_EQ(0, box_parse_allow("keyring,perf,bpf", &m));
	EXPECT_EQ(BOX_ALLOW_KEYRING | BOX_ALLOW_PERF | BOX_ALLOW_BPF, m);
	m = 0;
	EXPECT_EQ(-EINVAL, box_parse_allow("bogus", &m));
	EXPECT_EQ(-EINVAL, box_parse_allow("MOUNT", &m));
	EXPECT_EQ(-EINVAL, box_parse_allow("all", &m));
	EXPECT_EQ(0, m);
}

TEST(parse_allow_every_listed_group)
{
	/* what --help lists is what the parser takes, and nothing is left out */
	char list[256];
	unsigned int m = 0;
	char *p;

	snprintf(list, sizeof(list), "%s", box_allow_groups());
	while ((p = strstr(list, ", ")))
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	ASSERT_EQ(0, box_parse_allow(list, &m)) TH_LOG("%s", list);
	EXPECT_EQ(0x7f, m);
}

TEST(parse_allow_too_long)
{
	char list[300];
	unsigned int m = 0;

	memset(list, 0, sizeof(list));
	for (size_t off = 0; off + 3 < sizeof(list) - 1; off += 3)
		memcpy(list + off, "ns,", 3);
	list[256] = '\0';		/* 256 characters: one too many */
	EXPECT_EQ(-EINVAL, box_parse_allow(list, &m));
	list[254] = '\0';		/* "ns,ns,...,ns" */
	EXPECT_EQ(0, box_parse_allow(list, &m));
	EXPECT_EQ(BOX_ALLOW_NS, m);
}

/* ---- box_subid_range: a made-up /etc/subuid ------------------------------ */

FIXTURE(subid) {
	char path[64];
};

FIXTURE_SETUP(subid)
{
	int fd;

	snprintf(self->path, sizeof(self->path), "/tmp/nsbox-subid-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_GE(fd, 0);
	close(fd);
}

FIXTURE_TEARDOWN(subid)
{
	unlink(self->path);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* No account has this uid on a test machine: only "UID:" lines match it. */
#define NOUSER 4242424

TEST_F(subid, by_uid_and_by_name)
{
	uint32_t base = 1, count = 1;

	put(self->path, "alice:100000:65536\n"
			"4242424:200000:65536\n"
			"root:300000:65536\n");
	ASSERT_EQ(0, box_subid_range(self->path, NOUSER, &base, &count));
	EXPECT_EQ(200000, base);
	EXPECT_EQ(65536, count);
	/* uid 0 is "root" in every passwd */
	ASSERT_EQ(0, box_subid_range(self->path, 0, &base, &count));
	EXPECT_EQ(300000, base);
	EXPECT_EQ(65536, count);
}

TEST_F(subid, first_usable_range_wins)
{
	uint32_t base = 1, count = 1;

	put(self->path, "# comment\n"
			"garbage\n"
			"4242424:500000\n"			/* no count */
			"4242424:400000:0\n"			/* empty */
			"4242424:4294967000:65536\n"		/* past 2^32 */
			"4242424:700000:1000\n"
			"4242424:800000:65536\n");
	ASSERT_EQ(0, box_subid_range(self->path, NOUSER, &base, &count));
	EXPECT_EQ(700000, base);
	EXPECT_EQ(1000, count);
}

TEST_F(subid, count_is_capped)
{
	uint32_t base = 1, count = 1;

	put(self->path, "4242424:1000000:10000000\n");
	ASSERT_EQ(0, box_subid_range(self->path, NOUSER, &base, &count));
	EXPECT_EQ(1000000, base);
	EXPECT_EQ(BOX_SUBID_COUNT, count);
}

TEST_F(subid, range_holding_zero_is_refused)
{
	uint32_t base = 1, count = 1;

	/* box root would be host root: refused, not skipped */
	put(self->path, "4242424:0:65536\n4242424:100000:65536\n");
	EXPECT_EQ(-EINVAL, box_subid_range(self->path, NOUSER, &base, &count));
	EXPECT_EQ(1, base);
	EXPECT_EQ(1, count);
}

TEST_F(subid, no_range)
{
	uint32_t base = 1, count = 1;

	put(self->path, "alice:100000:65536\n42424240:100000:65536\n424242:1:2\n");
	EXPECT_EQ(-ENOENT, box_subid_range(self->path, NOUSER, &base, &count));
	put(self->path, "");
	EXPECT_EQ(-ENOENT, box_subid_range(self->path, NOUSER, &base, &count));
	EXPECT_EQ(-ENOENT, box_subid_range("/nonexistent/subuid", NOUSER, &base, &count));
	EXPECT_EQ(1, base);
	EXPECT_EQ(1, count);
}

/* ---- box_subid_overlap, box_subid_free: ranges shared with other users ---- */

TEST_F(subid, overlap_with_another_user)
{
	char who[64] = "";

	put(self->path, "4242424:100000:65536\n"	/* ours: never an overlap */
			"alice:165536:65536\n"		/* right after ours: none */
			"bob:50000:50000\n");		/* 50000-99999: right before */
	EXPECT_EQ(0, box_subid_overlap(self->path, NOUSER, 100000, 65536, who, sizeof(who)));
	EXPECT_STREQ("", who);
	/* one id shared at either end is an overlap */
	put(self->path, "4242424:100000:65536\ncarol:165535:10\n");
	EXPECT_EQ(1, box_subid_overlap(self->path, NOUSER, 100000, 65536, who, sizeof(who)));
	EXPECT_STREQ("carol:165535:10", who);
	put(self->path, "dave:90000:10001\n");
	EXPECT_EQ(1, box_subid_overlap(self->path, NOUSER, 100000, 65536, who, sizeof(who)));
	EXPECT_STREQ("dave:90000:10001", who);
	/* a range inside ours, ours inside another's; by uid too */
	put(self->path, "1000:150000:10\n");
	EXPECT_EQ(1, box_subid_overlap(self->path, NOUSER, 100000, 65536, who, sizeof(who)));
	EXPECT_STREQ("1000:150000:10", who);
	put(self->path, "# x\ngarbage\neve:0:4294967295\n");
	EXPECT_EQ(1, box_subid_overlap(self->path, NOUSER, 100000, 65536, who, sizeof(who)));
	EXPECT_STREQ("eve:0:4294967295", who);
	/* root's own lines, by name, are not another user's */
	put(self->path, "root:100000:65536\n0:120000:10\n");
	EXPECT_EQ(0, box_subid_overlap(self->path, 0, 100000, 65536, who, sizeof(who)));
	/* no file: nobody else */
	EXPECT_EQ(0, box_subid_overlap("/nonexistent/subuid", NOUSER, 100000, 65536, who,
				       sizeof(who)));
}

TEST_F(subid, free_range_for_the_advice)
{
	char gid[64];
	int fd;

	snprintf(gid, sizeof(gid), "/tmp/nsbox-subgid-XXXXXX");
	fd = mkstemp(gid);
	ASSERT_GE(fd, 0);
	close(fd);
	/* nothing there: useradd's first range */
	put(self->path, "");
	put(gid, "");
	EXPECT_EQ(100000, box_subid_free(self->path, gid, NOUSER, 65536));
	/* the lab VM's: lab after root; root's own range does not count */
	put(self->path, "4242424:100000:65536\nlab:165536:65536\n");
	put(gid, "4242424:100000:65536\nlab:165536:65536\n");
	EXPECT_EQ(100000, box_subid_free(self->path, gid, NOUSER, 65536));
	/* another user in 100000-165535 of subuid, yet another after it in
	 * subgid: the first gap that holds 65536 ids in both files */
	put(self->path, "lab:100000:65536\n");
	put(gid, "lab:165536:65536\n");
	EXPECT_EQ(231072, box_subid_free(self->path, gid, NOUSER, 65536));
	/* a gap too small is skipped */
	put(self->path, "a:100000:10\nb:100020:65536\n");
	put(gid, "");
	EXPECT_EQ(165556, box_subid_free(self->path, gid, NOUSER, 65536));
	/* nothing free below 2^32 */
	put(self->path, "a:100000:4294850000\n");
	EXPECT_EQ(0, box_subid_free(self->path, gid, NOUSER, 65536));
	unlink(gid);
}

/* ---- box_port_parse (-p) ------------------------------------------------- */

TEST(ports)
{
	static const struct {
		const char *in, *out;	/* out NULL: refused */
	} cases[] = {
		{ "8080:80", "8080:80/tcp" },
		{ "8080:80/tcp", "8080:80/tcp" },
		{ "5353:53/udp", "5353:53/udp" },
		{ "127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp" },
		{ "0.0.0.0:1:65535/udp", "1:65535/udp" },
		{ "8080", NULL }, { "8080:", NULL }, { ":80", NULL }, { "0:80", NULL },
		{ "65536:80", NULL }, { "8080:80/sctp", NULL }, { "8080:80/", NULL },
		{ "localhost:8080:80", NULL }, { "::1:8080:80", NULL }, { "1.2.3:8080:80", NULL },
		{ "8080:+80", NULL }, { "8080:080000", NULL }, { "", NULL },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct box_port p, back[2];
		const char *why = NULL;
		int r = box_port_parse(cases[i].in, &p, &why);

		if (!cases[i].out) {
			EXPECT_EQ(-EINVAL, r) TH_LOG("\"%s\"", cases[i].in);
			EXPECT_NE(NULL, why) TH_LOG("\"%s\": no reason", cases[i].in);
			continue;
		}
		ASSERT_EQ(0, r) TH_LOG("\"%s\": %s", cases[i].in, why);
		box_ports_format(&p, 1, buf, sizeof(buf));
		EXPECT_STREQ(cases[i].out, buf);
		/* the state's list reads back as it was written */
		EXPECT_EQ(1, box_ports_parse_list(buf, back, 2));
		EXPECT_EQ(0, memcmp(&p, back, sizeof(p)));
	}
	{
		struct box_port p[3];

		EXPECT_EQ(2, box_ports_parse_list("1:2/udp,127.0.0.1:3:4/tcp", p, 3));
		box_ports_format(p, 2, buf, sizeof(buf));
		EXPECT_STREQ("1:2/udp,127.0.0.1:3:4/tcp", buf);
		EXPECT_EQ(-EINVAL, box_ports_parse_list("1:2,3:4,5:6,7:8", p, 3));
		EXPECT_EQ(0, box_ports_parse_list("", p, 3));
	}
}

TEST_HARNESS_MAIN
