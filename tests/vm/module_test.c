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
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "../../kmod/version.h"

static const char *ko_path(void)
{
	const char *p = getenv("NSBOX_KO");

	return p ? p : "/lib/modules/nsbox/nsbox.ko";
}

static int is_loaded(void)
{
	struct stat st;

	return stat("/sys/module/nsbox", &st) == 0;
}

static int load_with(const char *params)
{
	int fd = open(ko_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int load(void)
{
	return load_with("");
}

static int unload(void)
{
	return syscall(SYS_delete_module, "nsbox", O_NONBLOCK) ? -errno : 0;
}

/* rmmod, retrying while the module is still busy (a dump winding down). */
static int unload_wait(void)
{
	int i, ret = -EBUSY;

	for (i = 0; i < 500 && ret; i++) {
		ret = unload();
		if (ret == -EWOULDBLOCK || ret == -EBUSY)
			usleep(2000);	/* polling the refcount, not synchronising */
	}
	return ret;
}

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

TEST(load_unload_20_times)
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
	EXPECT_EQ(0, unload_wait()) TH_LOG("rmmod after the dump's socket closed");
	ASSERT_EQ(0, load());
	EXPECT_TRUE(answers());
	EXPECT_TRUE(dmesg_clean());
}

TEST(reload_10_times_during_a_fork_storm)
{
	uint64_t tasks, mismatches, missing;
	int i, fd, family;
	pid_t storm;

	/*
	 * Registering kprobes while another vCPU runs the probed functions
	 * crashes the Debian guest under QEMU TCG with 2+ vCPUs -- also with
	 * a 40-line module of no-op kprobes (tests/kmod/nsbox_kprobe_test.c),
	 * and never with 1 vCPU.  make check runs this test in a -smp 1 VM.
	 */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1 && !getenv("NSBOX_STRESS_SMP"))
		SKIP(return, "needs a 1-vCPU VM under TCG (kprobe text patching + MTTCG); make check runs it in its -smp 1 lane");

	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	storm = fork();
	if (storm == 0) {
		for (;;) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, unload_wait()) TH_LOG("rmmod #%d", i);
		ASSERT_EQ(0, load()) TH_LOG("insmod #%d", i);
		ASSERT_TRUE(answers());
	}
	kill(storm, SIGKILL);
	waitpid(storm, NULL, 0);
	TH_LOG("last load needed %llu start-up walk(s)",
	       (unsigned long long)info_u64(NSBOX_A_LOAD_WALKS));
	EXPECT_TRUE(dmesg_clean());
	/* A load at a quiet moment counts exactly again. */
	ASSERT_EQ(0, unload_wait());
	ASSERT_EQ(0, load());
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_EQ(0, nlt_verify(fd, family, &tasks, &mismatches, &missing));
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, missing);
	close(fd);
}

TEST(max_groups_bounds_memory_by_evicting_empty_groups)
{
	uint64_t groups = 0, evictions = 0;
	char path[128], pid[16];
	int i, status;
	pid_t c;

	if (is_loaded()) {
		ASSERT_EQ(0, unload_wait());
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
	ASSERT_EQ(0, unload_wait());
	ASSERT_EQ(0, load());
	EXPECT_TRUE(dmesg_clean());
}

TEST_HARNESS_MAIN
