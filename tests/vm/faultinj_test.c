// SPDX-License-Identifier: GPL-2.0
/*
 * faultinj_test - every allocation failure on every path, one at a time.
 *
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION) makes the Nth
 * fault-injection point this thread passes fail: with failslab set to
 * cover sleeping allocations too, N = 1, 2, 3, ... fails each kmalloc of
 * a request in turn -- in the netlink core, in genetlink and in nsbox.ko.
 * The sweep of a request ends when a request with fail-nth = N completes
 * and fail-nth is still armed (it had fewer than N allocations).  Each
 * failure must give an error (or a valid answer, if the path tolerates
 * it), never a hang, a crash or a leak; afterwards the module still
 * answers, VERIFY is clean and it unloads (no reference left behind).
 * The debug lane then runs kmemleak after rmmod.
 *
 * Module loading is swept the same way: every failure inside finit_module
 * -- the kernel's loader and nsbox's init -- must leave the module not
 * loaded and nothing half-registered.
 *
 * Debian's kernels have no fault injection: there the tests are skipped
 * (make check-debug runs them on its debug kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "modload.h"

#define FAIL_NTH "/proc/thread-self/fail-nth"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, s, strlen(s)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* failslab: also fail GFP_KERNEL allocations, and quietly. */
static int setup_failslab(void)
{
	if (write_str("/sys/kernel/debug/failslab/ignore-gfp-wait", "N") ||
	    write_str("/sys/kernel/debug/failslab/verbose", "0"))
		return -1;
	return 0;
}

static int arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* What is left of fail-nth (0 = the failure was injected), then disarm. */
static unsigned int disarm(int fd)
{
	char buf[16] = "";
	unsigned int left;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		left = 0;
	else
		left = strtoul(buf, NULL, 10);
	arm(fd, 0);
	return left;
}

/*
 * One request, read to its end.  Returns 0 (answer or error reply
 * received), or -errno of sendmsg, or -ETIMEDOUT if the kernel went quiet.
 * *err gets the error reply's errno.  Failed dump parts (ENOBUFS on recv)
 * are retried: the kernel keeps the dump and tries again.
 */
static int request(int fd, const char *msg, int *err)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static char in[NLT_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	int recv_errors = 0;

	*err = 0;
	if (sendto(fd, msg, ((const struct nlmsghdr *)msg)->nlmsg_len, 0,
		   (struct sockaddr *)&k, sizeof(k)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, in, sizeof(in), 0);
		struct nlmsghdr *nlh;
		int left = (int)n;

		if (n < 0) {
			/*
			 * ENOBUFS: the kernel could not allocate a message for
			 * us (the reply, the ACK, a dump part) and says so on
			 * the socket instead.  That is an error reply too; a
			 * dump may still go on, so read on for a moment.
			 */
			if (errno == ENOBUFS) {
				struct timeval tv = { .tv_sec = 2 };

				*err = -ENOBUFS;
				setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			} else if (errno == EAGAIN) {
				return *err == -ENOBUFS ? 0 : -ETIMEDOUT;
			}
			if (++recv_errors > 20)
				return -errno;
			continue;
		}
		for (nlh = (struct nlmsghdr *)in; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;

				if (e || !*err)
					*err = e;
				return 0;
			}
		}
	}
}

static uint64_t own_ns(const char *kind)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	return stat(path, &st) ? 0 : st.st_ino;
}

FIXTURE(fault) {
	int nth;	/* fd of fail-nth */
	int family;
};

FIXTURE_SETUP(fault)
{
	int fd;

	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (self->nth < 0)
		SKIP(return, "no %s: needs CONFIG_FAULT_INJECTION (make check-debug runs this on its debug kernel)", FAIL_NTH);
	if (setup_failslab())
		SKIP(return, "no /sys/kernel/debug/failslab: needs CONFIG_FAILSLAB and debugfs");
	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	fd = nlt_socket();
	self->family = nlt_family(fd, NSBOX_GENL_NAME);
	close(fd);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->nth >= 0)
		close(self->nth);
}

struct fi_req {
	const char *name;
	uint8_t cmd;
	int flags;
	int kind;		/* -1: no KIND/ID attributes */
};

static const struct fi_req reqs[] = {
	{ "GET_INFO", NSBOX_CMD_GET_INFO, 0, -1 },
	{ "GET_GROUP do", NSBOX_CMD_GET_GROUP, 0, NSBOX_KIND_UTS },
	{ "GET_GROUP dump", NSBOX_CMD_GET_GROUP, NLM_F_DUMP, -1 },
	{ "GET_TASK dump", NSBOX_CMD_GET_TASK, NLM_F_DUMP, -1 },
	{ "GET_TASK dump of a group", NSBOX_CMD_GET_TASK, NLM_F_DUMP, NSBOX_KIND_NET },
	{ "RESET", NSBOX_CMD_RESET, 0, NSBOX_KIND_UTS },
	{ "VERIFY", NSBOX_CMD_VERIFY, 0, -1 },
};

static int answers(int family)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = nlt_socket(), err = -1;

	nlt_init(msg, family, NSBOX_CMD_GET_INFO, 0);
	if (fd >= 0 && request(fd, msg, &err) == 0 && err == 0) {
		close(fd);
		return 1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

TEST_F_TIMEOUT(fault, every_allocation_of_every_command, 1200)
{
	int total_errors = 0;

	for (size_t r = 0; r < sizeof(reqs) / sizeof(reqs[0]); r++) {
		int injected = 0, errors = 0, nth;
		bool done = false;

		for (nth = 1; nth <= 5000 && !done; nth++) {
			char msg[128] __attribute__((aligned(NLMSG_ALIGNTO)));
			int fd = nlt_socket(), ret, err;
			unsigned int left;

			ASSERT_LE(0, fd);
			nlt_init(msg, self->family, reqs[r].cmd, reqs[r].flags | NLM_F_ACK);
			if (reqs[r].kind >= 0) {
				uint8_t kind = reqs[r].kind;
				uint64_t id = own_ns(kind == NSBOX_KIND_UTS ? "uts" : "net");

				nlt_put(msg, NSBOX_A_KIND, &kind, sizeof(kind));
				nlt_put(msg, NSBOX_A_ID, &id, sizeof(id));
			}
			ASSERT_EQ(0, arm(self->nth, nth));
			ret = request(fd, msg, &err);
			left = disarm(self->nth);
			close(fd);
			ASSERT_NE(-ETIMEDOUT, ret)
				TH_LOG("%s with allocation #%d failing: no answer", reqs[r].name, nth);
			if (left) {
				/* fewer than nth allocations: the sweep is complete */
				EXPECT_EQ(0, ret);
				EXPECT_EQ(0, err) TH_LOG("%s without a failure: %d", reqs[r].name, err);
				done = true;
				break;
			}
			injected++;
			errors += ret || err;
			ASSERT_TRUE(answers(self->family))
				TH_LOG("%s: module does not answer after failing allocation #%d",
				       reqs[r].name, nth);
		}
		EXPECT_TRUE(done) TH_LOG("%s: still allocating after %d", reqs[r].name, nth);
		TH_LOG("%-26s %3d allocations failed one at a time, %3d gave an error",
		       reqs[r].name, injected, errors);
		total_errors += errors;
		/* a sweep that injected nothing proved nothing: every request allocates */
		EXPECT_LT(0, injected) TH_LOG("%s: no fault was injected", reqs[r].name);
	}
	/* and some of those failures must have reached the caller as errors */
	EXPECT_LT(0, total_errors) TH_LOG("no failed allocation reached a caller as an error");
	/* the counts are still exact and nothing holds the module */
	{
		uint64_t tasks, mismatches, missing;
		int fd = nlt_socket();

		ASSERT_EQ(0, nlt_verify(fd, self->family, &tasks, &mismatches, &missing));
		EXPECT_EQ(0, mismatches);
		EXPECT_EQ(0, missing);
		close(fd);
	}
	EXPECT_EQ(0, unload_wait(4000));
	ASSERT_EQ(0, load());
}

/*
 * One load of nsbox.ko with its Nth allocation failed.  Returns 1 if the
 * load had fewer than N allocations (the sweep is complete), 0 if it was
 * refused (and the module is not there), 2 if it tolerated the failure
 * (a counted GFP_ATOMIC miss; the module is unloaded again), -1 on a
 * broken invariant.
 */
static int load_with_failure(struct __test_metadata *_metadata, int nth_fd, int nth)
{
	unsigned int left;
	int ret;

	if (arm(nth_fd, nth))
		return -1;
	ret = load();
	left = disarm(nth_fd);
	if (left) {
		EXPECT_EQ(0, ret);
		return 1;
	}
	if (ret) {
		EXPECT_FALSE(is_loaded()) TH_LOG("load failed (%d) at #%d but the module is there", ret, nth);
		return is_loaded() ? -1 : 0;
	}
	EXPECT_EQ(0, unload_wait(4000));
	return 2;
}

/*
 * NSBOX_FAULT_LOAD_STRIDE=S (default 1: every allocation) makes the sweep
 * step S allocations at a time through stretches where failures are
 * tolerated, and one at a time wherever a failure refuses the load, going
 * back over the ones it stepped past.  Measured with S = 4, it found 18 of
 * the 139 refusals the full sweep finds (they are scattered).
 * NSBOX_FAULT_LOAD_PHASE=P starts at allocation P + 1: make check-debug
 * runs S = 2 with P the day's parity, so two days' runs fail every
 * allocation; see docs/testing.md.
 */
TEST_F_TIMEOUT(fault, every_allocation_of_module_load, 1800)
{
	int nth = 1, last = 0, tried = 0, refused = 0, stride = 1, phase = 0, fd, r = 0;
	const char *env = getenv("NSBOX_FAULT_LOAD_STRIDE");

	if (env && atoi(env) > 1)
		stride = atoi(env);
	env = getenv("NSBOX_FAULT_LOAD_PHASE");
	if (env && atoi(env) > 0)
		phase = atoi(env) % stride;
	nth += phase;
	ASSERT_EQ(0, unload_wait(4000));
	while (nth <= 20000) {
		r = load_with_failure(_metadata, self->nth, nth);
		ASSERT_LE(0, r);
		tried += r != 1;
		refused += r == 0;
		/* a complete load leaves the module in: out again to fill in */
		if (r == 1 && last + 1 < nth)
			ASSERT_EQ(0, unload_wait(4000));
		if (r != 2) {
			/* refused or complete: go back over what the stride skipped */
			while (++last < nth) {
				int f = load_with_failure(_metadata, self->nth, last);

				ASSERT_LE(0, f);
				if (f == 1)	/* fewer allocations this time: done */
					break;
				tried++;
				refused += f == 0;
			}
		}
		if (r == 1)
			break;
		last = nth;
		nth += r == 0 ? 1 : stride;
	}
	EXPECT_EQ(1, r);
	/* faults were injected, and some loads refused: the sweep did something */
	EXPECT_LT(0, tried);
	EXPECT_LT(0, refused);
	if (!is_loaded())	/* the fill-in ended on a refused load */
		ASSERT_EQ(0, load());
	TH_LOG("module load: about %d allocations; %d of them failed one at a time (stride %d, from #%d), %d loads refused",
	       nth - 1, tried, stride, phase + 1, refused);
	fd = nlt_socket();
	self->family = nlt_family(fd, NSBOX_GENL_NAME);
	close(fd);
	ASSERT_LT(0, self->family);
	ASSERT_TRUE(answers(self->family));
	EXPECT_EQ(0, system("nsbox-dmesg-check"));
}

TEST_HARNESS_MAIN
