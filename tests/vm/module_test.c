// SPDX-License-Identifier: GPL-2.0
/*
 * module_test - nsbox.ko loads and unloads cleanly, many times over, and
 * answers after every load.  Runs in the lab VM as root; the module path
 * comes from $NSBOX_KO (set by the VM's init).
 */

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "modload.h"
#include "testutil.h"

/* A GET_INFO u64 or u32 attribute, or ~0 if absent. */
static uint64_t info_u64(int type)
{
	struct nlt_reply *r = calloc(1, sizeof(*r));
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = nlt_socket(), family;
	uint64_t v = ~0ULL;
	struct nlattr *a;

	family = nlt_family(fd, NSBOX_GENL_NAME);
	nlt_init(msg, family, NSBOX_CMD_GET_INFO, 0);
	if (family > 0 && !nlt_send(fd, msg, r) && !r->error) {
		a = nlt_reply_attr(r, type);
		if (a && NLA_PAYLOAD(a) == 8)
			v = *(uint64_t *)NLA_DATA(a);
		else if (a && NLA_PAYLOAD(a) == 4)
			v = *(uint32_t *)NLA_DATA(a);
	}
	close(fd);
	free(r);
	return v;
}

static int answers(void)
{
	struct nlt_reply *r = calloc(1, sizeof(*r));
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = nlt_socket(), family, ok = 0;

	if (fd >= 0 && r) {
		family = nlt_family(fd, NSBOX_GENL_NAME);
		if (family > 0) {
			nlt_init(msg, family, NSBOX_CMD_GET_INFO, 0);
			ok = !nlt_send(fd, msg, r) && !r->error && r->len;
		}
	}
	if (fd >= 0)
		close(fd);
	free(r);
	return ok;
}

static int dmesg_clean(void)
{
	return system("nsbox-dmesg-check") == 0;
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* 20 cycles take ~2 s on Debian, a few minutes on the debug kernel */
TEST_F_TIMEOUT(stress, load_unload_20_times, 900)
{
	int i;

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, unload()) TH_LOG("rmmod #%d failed", i);
		ASSERT_FALSE(is_loaded());
		ASSERT_FALSE(answers()) TH_LOG("family still registered after rmmod");
		ASSERT_EQ(0, load()) TH_LOG("insmod #%d failed", i);
		ASSERT_TRUE(answers()) TH_LOG("no GET_INFO answer after insmod #%d", i);
	}
	EXPECT_TRUE(dmesg_clean());
}

TEST(modinfo_version_in_sysfs)
{
	char buf[64] = "";
	int fd;

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	fd = open("/sys/module/nsbox/version", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	buf[strcspn(buf, "\n")] = '\0';
	EXPECT_STREQ(NSBOX_VERSION, buf);
}

TEST(double_load_refused)
{
	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	EXPECT_EQ(-EEXIST, load());
	EXPECT_TRUE(answers());
}

TEST(rmmod_refused_during_a_dump_then_succeeds)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	char in[4096];
	int fd, family;

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	/*
	 * A socket that has never received with a big buffer gets small dump
	 * parts from the kernel, so the task dump needs several.
	 */
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, family);
	close(fd);
	fd = nlt_socket();
	nlt_init(msg, family, NSBOX_CMD_GET_TASK, NLM_F_DUMP);
	ASSERT_LT(0, sendto(fd, msg, ((struct nlmsghdr *)msg)->nlmsg_len, 0,
			    (struct sockaddr *)&k, sizeof(k)));
	/* Read one part only: the dump stays open, holding the module. */
	ASSERT_LT(0, recv(fd, in, sizeof(in), MSG_TRUNC));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_TRUE(is_loaded());
	close(fd);
	EXPECT_EQ(0, unload_wait(1000)) TH_LOG("rmmod after the dump's socket closed");
	ASSERT_EQ(0, load());
	EXPECT_TRUE(answers());
	EXPECT_TRUE(dmesg_clean());
}

static void ignore_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
}

/* A child that dumps groups and tasks in a loop, across reloads. */
static pid_t start_dumper(void)
{
	pid_t pid = fork();
	unsigned int i = 0;

	if (pid)
		return pid;
	for (;;) {
		char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
		int fd = nlt_socket(), family, intr, err;

		if (fd < 0)
			continue;
		family = nlt_family(fd, NSBOX_GENL_NAME);
		if (family > 0) {
			nlt_init(msg, family, i++ & 1 ? NSBOX_CMD_GET_TASK : NSBOX_CMD_GET_GROUP,
				 NLM_F_DUMP);
			nlt_dump(fd, msg, 4096, ignore_msg, NULL, &intr, &err);
		}
		close(fd);
	}
}

/*
 * NSBOX_RELOAD_N cycles (default 200) of rmmod + insmod while one child
 * forks without pause and another keeps group and task dumps in flight:
 * rmmod must wait for each dump's reference, insmod must start counting
 * while tasks come and go, and nothing may leak or crash.
 */
TEST_F_TIMEOUT(stress, reload_during_a_fork_storm_with_dumps_in_flight, 1800)
{
	const char *env = getenv("NSBOX_RELOAD_N");
	int i, fd, family, cycles = env ? atoi(env) : 200, busy = 0;
	uint64_t tasks, mismatches, missing;
	pid_t storm, dumper;

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	/* the storm's orphans come to this process, to be reaped below */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	storm = tu_fork_storm();
	dumper = start_dumper();
	for (i = 0; i < cycles; i++) {
		/* rmmod is refused while a dump holds the module: retry */
		ASSERT_EQ(0, unload_retry(&busy)) TH_LOG("rmmod #%d", i);
		ASSERT_EQ(0, load()) TH_LOG("insmod #%d", i);
		ASSERT_TRUE(answers());
	}
	kill(storm, SIGKILL);
	kill(dumper, SIGKILL);
	/*
	 * Every task the test made, the storm's last child included, has
	 * exited and is reaped before the VERIFY below: a task still exiting
	 * is not a quiet moment.
	 */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	TH_LOG("%d reloads; rmmod found a dump in flight %d times; last load needed %llu start-up walk(s)",
	       cycles, busy, (unsigned long long)info_u64(NSBOX_A_LOAD_WALKS));
	EXPECT_TRUE(dmesg_clean());
	/* A load at a quiet moment counts exactly again. */
	ASSERT_EQ(0, unload_wait(1000));
	ASSERT_EQ(0, load());
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_EQ(0, nlt_verify(fd, family, &tasks, &mismatches, &missing));
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, missing);
	close(fd);
}

TEST(rmmod_with_event_listeners_attached)
{
	int fd, grp = 0, i;
	struct nlt_reply *r = calloc(1, sizeof(*r));
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlattr *a;

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	/* Find the "events" multicast group id from the genl controller. */
	fd = nlt_socket();
	ASSERT_LE(0, fd);
	nlt_init(msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nlt_put(msg, CTRL_ATTR_FAMILY_NAME, NSBOX_GENL_NAME, sizeof(NSBOX_GENL_NAME));
	ASSERT_EQ(0, nlt_send(fd, msg, r));
	ASSERT_EQ(0, r->error);
	a = nlt_reply_attr(r, CTRL_ATTR_MCAST_GROUPS);
	ASSERT_NE(NULL, a);
	/* nested: [index] { NAME, ID } */
	for (struct nlattr *g = NLA_DATA(a); (char *)g < (char *)a + a->nla_len;
	     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
		struct nlattr *id = nlt_find(NLA_DATA(g), NLA_PAYLOAD(g), CTRL_ATTR_MCAST_GRP_ID);
		struct nlattr *name = nlt_find(NLA_DATA(g), NLA_PAYLOAD(g), CTRL_ATTR_MCAST_GRP_NAME);

		if (id && name && !strcmp(NLA_DATA(name), NSBOX_MCGRP_EVENTS))
			grp = *(uint32_t *)NLA_DATA(id);
	}
	ASSERT_LT(0, grp);
	close(fd);
	free(r);

	/* Three listeners stay subscribed across the unload. */
	int listeners[3];

	for (i = 0; i < 3; i++) {
		listeners[i] = nlt_socket();
		ASSERT_EQ(0, setsockopt(listeners[i], SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&grp, sizeof(grp)));
	}
	EXPECT_EQ(0, unload_wait(1000)) TH_LOG("rmmod with listeners attached");
	EXPECT_FALSE(is_loaded());
	ASSERT_EQ(0, load());
	EXPECT_TRUE(answers());
	for (i = 0; i < 3; i++)
		close(listeners[i]);
	EXPECT_TRUE(dmesg_clean());
}

TEST(max_groups_bounds_memory_by_evicting_empty_groups)
{
	uint64_t groups = 0, evictions = 0;
	char path[128], pid[16];
	int i, status;
	pid_t c;

	if (is_loaded()) {
		ASSERT_EQ(0, unload_wait(1000));
	}
	ASSERT_EQ(0, load_with("max_groups=64"));
	EXPECT_EQ(64, info_u64(NSBOX_A_MAX_GROUPS));
	/*
	 * One process walks through 150 cgroups: each becomes a group that
	 * stays empty behind it (cgroup ids are never reused, so nothing but
	 * eviction removes them).
	 */
	mkdir("/sys/fs/cgroup/nsbox_evict", 0755);
	for (i = 0; i < 150; i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/nsbox_evict/c%d", i);
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	c = fork();
	if (c == 0) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		for (i = 0; i < 150; i++) {
			int fd;

			snprintf(path, sizeof(path),
				 "/sys/fs/cgroup/nsbox_evict/c%d/cgroup.procs", i);
			fd = open(path, O_WRONLY);
			if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
				_exit(3);
			close(fd);
		}
		_exit(0);
	}
	waitpid(c, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* eviction runs in a work item: poll for it */
	for (i = 0; i < 500 && !evictions; i++) {
		evictions = info_u64(NSBOX_A_EVICTIONS);
		if (!evictions)
			usleep(2000);
	}
	groups = info_u64(NSBOX_A_GROUPS);
	for (i = 0; i < 150; i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/nsbox_evict/c%d", i);
		rmdir(path);
	}
	rmdir("/sys/fs/cgroup/nsbox_evict");
	TH_LOG("groups %llu, evictions %llu, not created %llu",
	       (unsigned long long)groups, (unsigned long long)evictions,
	       (unsigned long long)info_u64(NSBOX_A_ALLOC_FAILURES));
	EXPECT_GE(64, groups);
	EXPECT_LT(0, evictions);
	EXPECT_TRUE(answers());
	ASSERT_EQ(0, unload_wait(1000));
	ASSERT_EQ(0, load());
	EXPECT_TRUE(dmesg_clean());
}

TEST_HARNESS_MAIN
