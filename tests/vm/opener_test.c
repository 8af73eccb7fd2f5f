// SPDX-License-Identifier: GPL-2.0
/*
 * opener_test - the module judges a socket by who opened it, not by
 * whoever happens to read or write it (docs/security.md, kmod/cred.c).
 *
 * An unprivileged user (uid 1000) hands its netlink socket to a setuid
 * root program (setuid_relay, installed setuid root here):
 *  - the program reads the rest of the user's task dump: the chunks it
 *    reads must still hold only the user's own tasks;
 *  - the program writes the user's SUBSCRIBE: the subscription must still
 *    be the user's (no event of a root task reaches it).
 * And a subscriber's port id cannot be reused: after root's subscribed
 * socket is closed, uid 1000 binds the same port id as soon as it is
 * free and must receive nothing.  The test variant of the module
 * (nsbox-knobs.ko, test_drain_hold_ms) holds the event drain's lock while
 * the socket goes away, the moment at which a port id could change hands.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "modload.h"
#include "testutil.h"

#define USER 1000

static const char *relay_path(void)
{
	static char path[512];
	const char *dir = getenv("NSBOX_TESTS");

	snprintf(path, sizeof(path), "%s/setuid_relay", dir ? dir : "/opt/nsbox/tests");
	return path;
}

/* setuid root: the careless program of the story */
static int install_relay(void)
{
	if (chown(relay_path(), 0, 0) || chmod(relay_path(), 04755))
		return -errno;
	return 0;
}

/* uid and gid 1000, dumpable again (a change of uid makes a process not) */
static void become_user(void)
{
	if (setgroups(0, NULL) || setresgid(USER, USER, USER) || setresuid(USER, USER, USER) ||
	    prctl(PR_SET_DUMPABLE, 1))
		_exit(99);
}

/*
 * Is the task uid 1000's: its real, effective and saved uid all 1000?
 * 1 yes, 0 no, -1 gone.
 */
static int is_users(pid_t pid)
{
	char path[64], line[256];
	long r = -1, e = -1, s = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld %ld %ld", &r, &e, &s) == 3)
			break;
	fclose(f);
	if (r < 0)
		return -1;	/* it exited while we read */
	return r == USER && e == USER && s == USER;
}

/* @n root tasks that wait until @rel[1] is closed; pids in @pids */
static void start_sleepers(pid_t *pids, int n, int rel[2])
{
	char c;

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(rel[1]);
			if (read(rel[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
	}
	close(rel[0]);
}

/* A string attribute of an event, "" if absent. */
static const char *event_str(const struct nlmsghdr *nlh, int type)
{
	const struct nlattr *ev = nlt_msg_attr(nlh, NSBOX_A_EVENT), *a;

	if (!ev)
		return "";
	a = nlt_find(NLA_DATA(ev), NLA_PAYLOAD(ev), type);
	return a ? (const char *)NLA_DATA(a) : "";
}

/*
 * The tests fork hundreds of tasks and dump them: on the debug kernel,
 * late in its lane, that took more than the harness's default 30 s.
 */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, a_setuid_reader_of_my_task_dump_lends_me_nothing, 300)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	int out[2], sync[2], hold[2], rel[2], status, datagrams = 0, tasks = 0, foreign = 0, dump_error = 0;
	pid_t child, first_foreign = 0, roots[5];
	uint32_t len;
	char c = 0;

	ASSERT_EQ(0, install_relay());
	ASSERT_EQ(0, pipe(out));
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(hold));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
		struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
		int fd, family;

		static pid_t own[300];

		become_user();
		close(out[0]);
		/* enough tasks of its own that the dump needs several reads */
		for (int i = 0; i < 300; i++) {
			own[i] = fork();
			if (own[i] == 0) {
				close(out[1]);
				pause();
				_exit(0);
			}
		}
		/* root's tasks come after ours in pid order (the parent) */
		if (write(sync[1], &c, 1) != 1 || read(hold[0], &c, 1) != 1)
			_exit(95);
		fd = nlt_socket();
		family = nlt_family(fd, NSBOX_GENL_NAME);
		nlt_init(msg, family, NSBOX_CMD_GET_TASK, NLM_F_DUMP);
		if (sendto(fd, msg, ((struct nlmsghdr *)msg)->nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
			_exit(98);
		/* the first part is ours; the rest, the setuid program reads */
		dup2(fd, 0);
		dup2(out[1], 1);
		close(out[1]);
		if (fork() == 0) {
			execl(relay_path(), "setuid_relay", "recv", (char *)NULL);
			_exit(97);
		}
		close(1);
		wait(&status);
		for (int i = 0; i < 300; i++)
			if (own[i] > 0)
				kill(own[i], SIGKILL);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 96);
	}
	close(out[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ(0, pipe(rel));
	start_sleepers(roots, 5, rel);
	ASSERT_EQ(1, write(hold[1], &c, 1));
	while (read(out[0], &len, sizeof(len)) == sizeof(len)) {
		struct nlmsghdr *nlh;
		int left, got = 0;

		ASSERT_GE(sizeof(buf), len);
		while (got < (int)len) {
			ssize_t n = read(out[0], buf + got, len - got);

			ASSERT_LT(0, n);
			got += n;
		}
		datagrams++;
		left = len;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
			const struct nlattr *task = nlt_msg_attr(nlh, NSBOX_A_TASK), *a;
			pid_t tid;

			if (nlh->nlmsg_type == NLMSG_ERROR && !dump_error)
				dump_error = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE || !task)
				continue;
			a = nlt_find(NLA_DATA(task), NLA_PAYLOAD(task), NSBOX_TASK_A_TID);
			if (!a)
				continue;
			tid = *(uint32_t *)NLA_DATA(a);
			tasks++;
			if (is_users(tid) == 0) {
				char path[64], line[128] = "", name[64] = "";
				FILE *f;

				snprintf(path, sizeof(path), "/proc/%d/status", tid);
				f = fopen(path, "r");
				while (f && fgets(line, sizeof(line), f))
					if (!strncmp(line, "Name:", 5))
						snprintf(name, sizeof(name), "%.60s", line + 6);
					else if (!strncmp(line, "Uid:", 4))
						break;
				if (f)
					fclose(f);
				TH_LOG("not uid %d's: tid %d, %.20s uids %s", USER, tid, name, line + 4);
				foreign++;
				if (!first_foreign)
					first_foreign = tid;
			}
		}
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	close(rel[1]);
	for (int i = 0; i < 5; i++)
		waitpid(roots[i], NULL, 0);
	TH_LOG("the dump came in %d reads, %d tasks, %d not uid %d's (first: %d); error %d",
	       datagrams, tasks, foreign, USER, first_foreign, dump_error);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("3: setuid_relay is not setuid root");
	/* several reads, so that the setuid program's reads made parts too */
	EXPECT_LE(2, datagrams);
	EXPECT_LE(300, tasks);
	EXPECT_EQ(0, foreign);
}

TEST_F_TIMEOUT(slow, a_setuid_writer_of_my_subscribe_lends_me_nothing, 300)
{
	int ready[2], result[2], status;
	long counts[2] = { -1, -1 };
	pid_t child, p;
	char c = 0;

	ASSERT_EQ(0, install_relay());
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(result));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
		char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
		const char *req = "/tmp/opener-subscribe";
		long seen[2] = { 0, 0 };	/* secret exits, marker exits */
		int fd, family, file;
		uint32_t types = 1u << NSBOX_EVENT_EXIT;

		become_user();
		fd = nlt_socket();
		family = nlt_family(fd, NSBOX_GENL_NAME);
		nlt_init(msg, family, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);
		nlt_put(msg, NSBOX_A_EVENT_TYPES, &types, sizeof(types));
		unlink(req);
		file = open(req, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (file < 0 || write(file, msg, ((struct nlmsghdr *)msg)->nlmsg_len) < 0 ||
		    lseek(file, 0, SEEK_SET))
			_exit(98);
		/* the setuid program sends the request on our socket */
		p = fork();
		if (p == 0) {
			dup2(file, 0);
			dup2(fd, 1);
			execl(relay_path(), "setuid_relay", "send", (char *)NULL);
			_exit(97);
		}
		waitpid(p, &status, 0);
		unlink(req);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 96);
		if (write(ready[1], &c, 1) != 1)
			_exit(95);
		/* events until the marker's exit: they come in time order */
		while (!seen[1]) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			struct nlmsghdr *nlh;
			int left = (int)n;

			if (n < 0 && errno == ENOBUFS)
				continue;
			if (n < 0)
				break;
			for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
			     nlh = NLMSG_NEXT(nlh, left)) {
				if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
					continue;
				if (!strcmp(event_str(nlh, NSBOX_EVENT_A_COMM), "nsbox-secret"))
					seen[0]++;
				if (!strcmp(event_str(nlh, NSBOX_EVENT_A_COMM), "nsbox-mark"))
					seen[1]++;
			}
		}
		if (write(result[1], seen, sizeof(seen)) != sizeof(seen))
			_exit(94);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the child could not subscribe");
	/* root's secret: a root task's exit */
	p = fork();
	if (p == 0) {
		prctl(PR_SET_NAME, "nsbox-secret");
		_exit(0);
	}
	ASSERT_EQ(p, waitpid(p, NULL, 0));
	/* then one of uid 1000's own: the end of what it must read */
	p = fork();
	if (p == 0) {
		become_user();
		prctl(PR_SET_NAME, "nsbox-mark");
		_exit(0);
	}
	ASSERT_EQ(p, waitpid(p, NULL, 0));
	ASSERT_EQ(sizeof(counts), read(result[0], counts, sizeof(counts)));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	TH_LOG("uid %d's subscription, sent by a setuid program, saw %ld exits of root's "
	       "task and %ld of its own", USER, counts[0], counts[1]);
	EXPECT_EQ(1, counts[1]);
	EXPECT_EQ(0, counts[0]);
}

static int write_param(const char *name, const char *value)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/nsbox/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(value, f);
	return fclose(f) ? -errno : 0;
}

TEST_F_TIMEOUT(slow, a_freed_port_id_brings_its_new_owner_nothing, 600)
{
	const char *mods = getenv("NSBOX_TESTMODS");
	char path[512];
	long leaked = 0, rounds_bound = 0;
	pid_t storm;

	ASSERT_NE(NULL, mods) TH_LOG("NSBOX_TESTMODS is not set (the VM's init sets it)");
	snprintf(path, sizeof(path), "%s/nsbox-knobs.ko", mods);
	ASSERT_EQ(0, unload_wait(10000));
	ASSERT_EQ(0, load_file(path)) TH_LOG("insmod %s", path);
	ASSERT_EQ(0, write_param("test_drain_hold_ms", "30"));
	storm = tu_fork_storm();
	ASSERT_LT(0, storm);

	for (int round = 0; round < 10; round++) {
		char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
		struct sockaddr_nl me = { .nl_family = AF_NETLINK };
		socklen_t mlen = sizeof(me);
		struct nlt_reply *r = calloc(1, sizeof(*r));
		uint32_t types = ~0u >> (32 - NSBOX_EVENT_TYPE_COUNT);
		int fd, family, rep[2], status;
		long got[2] = { 0, 0 };
		pid_t x;

		ASSERT_NE(NULL, r);
		fd = nlt_socket();
		family = nlt_family(fd, NSBOX_GENL_NAME);
		nlt_init(msg, family, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);
		nlt_put(msg, NSBOX_A_EVENT_TYPES, &types, sizeof(types));
		ASSERT_EQ(0, nlt_send(fd, msg, r));
		ASSERT_EQ(0, r->error);
		free(r);
		ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&me, &mlen));
		ASSERT_EQ(0, pipe(rep));
		x = fork();
		ASSERT_LE(0, x);
		if (x == 0) {
			/* uid 1000 takes the port id the moment it is free */
			struct timeval tv = { .tv_usec = 300000 };
			static char buf[65536];
			int b = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);

			become_user();
			close(fd);
			while (bind(b, (struct sockaddr *)&me, sizeof(me)) && errno == EADDRINUSE)
				;
			got[0] = 1;	/* bound */
			setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			for (;;) {
				ssize_t n = recv(b, buf, sizeof(buf), 0);

				if (n < 0 && errno == ENOBUFS)
					continue;
				if (n <= 0)
					break;
				got[1]++;
			}
			if (write(rep[1], got, sizeof(got)) != sizeof(got))
				_exit(1);
			_exit(0);
		}
		close(fd);	/* root's subscription ends here */
		ASSERT_EQ(sizeof(got), read(rep[0], got, sizeof(got)));
		ASSERT_EQ(x, waitpid(x, &status, 0));
		close(rep[0]);
		close(rep[1]);
		rounds_bound += got[0];
		leaked += got[1];
	}
	kill(storm, SIGKILL);
	waitpid(storm, NULL, 0);
	TH_LOG("10 rounds: uid %d bound root's freed port id %ld times and received %ld messages",
	       USER, rounds_bound, leaked);
	EXPECT_EQ(10, rounds_bound);
	EXPECT_EQ(0, leaked);
	ASSERT_EQ(0, unload_wait(10000));
	ASSERT_EQ(0, load());
}

TEST_HARNESS_MAIN
