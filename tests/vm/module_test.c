// SPDX-License-Identifier: GPL-2.0
/*
 * module_test - nsbox.ko loads and unloads cleanly, many times over, and
 * answers after every load.  Runs in the lab VM as root; the module path
 * comes from $NSBOX_KO (set by the VM's init).
 */

#include <fcntl.h>
#include <stdlib.h>
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

static int load(void)
{
	int fd = open(ko_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "nsbox", O_NONBLOCK) ? -errno : 0;
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

	if (!is_loaded())
		ASSERT_EQ(0, load());
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

	if (!is_loaded())
		ASSERT_EQ(0, load());
	fd = open("/sys/module/nsbox/version", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	buf[strcspn(buf, "\n")] = '\0';
	EXPECT_STREQ(NSBOX_VERSION, buf);
}

TEST(double_load_refused)
{
	if (!is_loaded())
		ASSERT_EQ(0, load());
	EXPECT_EQ(-EEXIST, load());
	EXPECT_TRUE(answers());
}

TEST_HARNESS_MAIN
