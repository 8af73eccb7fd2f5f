// SPDX-License-Identifier: GPL-2.0
/*
 * quota_test - what an unprivileged user can make nsbox.ko hold, and that
 * it never locks the admin out (kmod/quota.c).
 *
 * Each test forks a child that drops to a plain uid (no capabilities) and
 * opens sockets the way a hostile user would: subscriptions it never
 * reads, group dumps it starts and never reads (the module keeps a
 * snapshot of the group table for each until the socket is closed).
 * The module's defaults are 8 subscriptions and 16 dumps per user, 64
 * and 256 for all users; the admin's are counted apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "modload.h"
#include "testutil.h"

#define USER_SUBS 8
#define USER_DUMPS 16

static int subscribe(int fd, int family, char *extack, size_t len)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlt_reply *r = calloc(1, sizeof(*r));
	uint32_t types = 1u << NSBOX_EVENT_FORK;
	int ret;

	nlt_init(msg, family, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);
	nlt_put(msg, NSBOX_A_EVENT_TYPES, &types, sizeof(types));
	ret = nlt_send(fd, msg, r) ? -errno : r->error;
	if (extack)
		snprintf(extack, len, "%s", r->extack);
	free(r);
	return ret;
}

/*
 * Start a group dump and leave it unread: with the smallest receive
 * buffer the first batch fills it and the module stops there, keeping
 * the dump (and its snapshot) open.  Returns 0 if the dump started, or
 * the -errno the module answered with (read with MSG_PEEK: the answer
 * stays queued, so nothing moves the dump along).
 */
static int open_dump(int fd, int family, char *extack, size_t len)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char in[NLT_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	int small = 1;
	struct nlmsghdr *nlh = (struct nlmsghdr *)in;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	nlt_init(msg, family, NSBOX_CMD_GET_GROUP, NLM_F_DUMP);
	if (sendto(fd, msg, ((struct nlmsghdr *)msg)->nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	n = recv(fd, in, sizeof(in), MSG_PEEK);
	if (n < (ssize_t)NLMSG_HDRLEN)
		return -EIO;
	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlt_reply r = { 0 };
		int err = *(int *)NLMSG_DATA(nlh);

		if (nlh->nlmsg_type == NLMSG_ERROR) {
			nlt_parse_error(nlh, &r);
			err = r.error;
		} else if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
			/* DONE: the error, then the extack's attributes */
			int off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
			struct nlattr *m = nlt_find(in + off, nlh->nlmsg_len - off,
						    NLMSGERR_ATTR_MSG);

			if (m)
				snprintf(r.extack, sizeof(r.extack), "%.*s", (int)NLA_PAYLOAD(m),
					 (char *)NLA_DATA(m));
		}
		if (extack)
			snprintf(extack, len, "%s", r.extack);
		return err ? err : -EIO;
	}
	return 0;
}

/* As @uid with no capabilities: open up to @n of @what; report counts. */
struct tally {
	int ok, enospc, other, first_other;
	char extack[256];
};

static void as_user(int uid, int n, bool dumps, int pipefd)
{
	struct rlimit rl = { n + 64, n + 64 };
	struct tally t = { 0 };
	int family;

	setrlimit(RLIMIT_NOFILE, &rl);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		_exit(2);
	for (int i = 0; i < n; i++) {
		int fd = nlt_socket(), ret;
		char ext[256] = "";

		if (fd < 0) {
			t.other++;
			t.first_other = -errno;
			break;
		}
		family = nlt_family(fd, NSBOX_GENL_NAME);
		ret = dumps ? open_dump(fd, family, ext, sizeof(ext))
			    : subscribe(fd, family, ext, sizeof(ext));
		if (ret == 0) {
			t.ok++;		/* keep the socket open */
			continue;
		}
		if (ret == -ENOSPC) {
			t.enospc++;
			if (!t.extack[0])
				snprintf(t.extack, sizeof(t.extack), "%s", ext);
		} else if (!t.other++) {
			t.first_other = ret;
		}
		close(fd);
	}
	if (write(pipefd, &t, sizeof(t)) != sizeof(t))
		_exit(3);
	/* hold everything until the parent says so (it closes the pipe) */
	read(pipefd, &t, 1);
	_exit(0);
}

struct holder {
	pid_t pid;
	int fd;
	struct tally t;
};

static int hold(struct holder *h, int uid, int n, bool dumps)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	h->pid = fork();
	if (h->pid == 0) {
		/* nothing of the other holders: each must see its own EOF */
		if (dup2(sv[1], 3) < 0)
			_exit(2);
		close_range(4, ~0U, 0);
		as_user(uid, n, dumps, 3);
	}
	close(sv[1]);
	h->fd = sv[0];
	return read(h->fd, &h->t, sizeof(h->t)) == sizeof(h->t) ? 0 : -1;
}

static void release(struct holder *h)
{
	close(h->fd);
	waitpid(h->pid, NULL, 0);
}

TEST(one_user_gets_a_bounded_number_of_subscriptions)
{
	struct holder h;
	char ext[256] = "";
	int fd, family;

	ASSERT_EQ(0, hold(&h, 1000, 64, false));
	TH_LOG("uid 1000 tried 64 subscriptions: %d ok, %d ENOSPC (\"%s\"), %d other (%d)",
	       h.t.ok, h.t.enospc, h.t.extack, h.t.other, h.t.first_other);
	EXPECT_EQ(USER_SUBS, h.t.ok);
	EXPECT_EQ(64 - USER_SUBS, h.t.enospc);
	EXPECT_EQ(0, h.t.other);
	EXPECT_NE(NULL, strstr(h.t.extack, "max_user_subscribers"));
	/* root, meanwhile: not locked out */
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	EXPECT_EQ(0, subscribe(fd, family, ext, sizeof(ext))) TH_LOG("root: %s", ext);
	close(fd);
	release(&h);
}

static int put_map(pid_t pid, const char *which, const char *map)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	return tu_write_file(path, map);
}

/*
 * The ids of a user namespace a user made are that user, not more users:
 * uid 1000, opening a socket as each of 20 ids of its namespace (mapped
 * from host uid 100000 on, as newuidmap does) and subscribing from each,
 * gets 8 subscriptions in all.  (Counted per effective uid, each id had
 * 8 of its own: all 20 were granted, and 8 such namespaces took every
 * place of all users.)
 */
TEST(subordinate_ids_share_their_users_quota)
{
	struct tally t = { 0 };
	int sv[2], st;
	pid_t pid;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, 1000) || unshare(CLONE_NEWUSER) ||
		    write(sv[1], "u", 1) != 1 || read(sv[1], &c, 1) != 1 ||
		    /* its root: seteuid() comes back to 0 through the saved uid */
		    setresgid(0, 0, 0) || setresuid(0, 0, 0))
			_exit(1);
		for (int i = 0; i < 20; i++) {
			int fd, ret;

			/* the socket's opener is id i (the module asks the opener) */
			if (seteuid(i))
				_exit(2);
			fd = nlt_socket();
			ret = fd < 0 ? -errno : subscribe(fd, nlt_family(fd, NSBOX_GENL_NAME), NULL, 0);
			if (seteuid(0))
				_exit(2);
			if (ret == 0)
				continue;	/* keep it */
			if (ret == -ENOSPC)
				t.enospc++;
			else if (!t.other++)
				t.first_other = ret;
			if (fd >= 0)
				close(fd);
		}
		t.ok = 20 - t.enospc - t.other;
		if (write(sv[1], &t, sizeof(t)) != sizeof(t))
			_exit(3);
		read(sv[1], &c, 1);	/* hold them until the parent closes */
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(1, read(sv[0], &c, 1));
	ASSERT_EQ(0, put_map(pid, "uid_map", "0 100000 20\n"));
	ASSERT_EQ(0, put_map(pid, "gid_map", "0 100000 20\n"));
	ASSERT_EQ(1, write(sv[0], "g", 1));
	ASSERT_EQ(sizeof(t), read(sv[0], &t, sizeof(t)))
		TH_LOG("the namespace's process gave up before subscribing");
	TH_LOG("uid 1000 as 20 ids of its user namespace: %d subscriptions, %d ENOSPC, %d other (%d)",
	       t.ok, t.enospc, t.other, t.first_other);
	EXPECT_EQ(USER_SUBS, t.ok);
	EXPECT_EQ(20 - USER_SUBS, t.enospc);
	EXPECT_EQ(0, t.other);
	close(sv[0]);
	EXPECT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(all_users_together_do_not_lock_root_out)
{
	struct holder h[9];
	int total = 0, fd, family;
	char ext[256] = "";

	/* 9 users x 8: the 64 places for unprivileged users are all taken */
	for (int i = 0; i < 9; i++) {
		ASSERT_EQ(0, hold(&h[i], 2000 + i, USER_SUBS, false));
		total += h[i].t.ok;
	}
	TH_LOG("9 users got %d subscriptions; the last one %d ok, %d ENOSPC (\"%s\")",
	       total, h[8].t.ok, h[8].t.enospc, h[8].t.extack);
	EXPECT_EQ(64, total);
	EXPECT_NE(NULL, strstr(h[8].t.extack, "max_subscribers"));
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	EXPECT_EQ(0, subscribe(fd, family, ext, sizeof(ext))) TH_LOG("root: %s", ext);
	close(fd);
	for (int i = 0; i < 9; i++)
		release(&h[i]);
}

FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/* 2,000 sockets take a while under TCG, and longer on the debug kernel */
TEST_F_TIMEOUT(slow, a_user_cannot_pin_2000_dumps, 600)
{
	struct holder h, again;
	char ext[256] = "";
	int fd, family;

	ASSERT_EQ(0, hold(&h, 1000, 2000, true));
	TH_LOG("uid 1000 started 2,000 unread dumps: %d open, %d refused (\"%s\"), %d other (%d)",
	       h.t.ok, h.t.enospc, h.t.extack, h.t.other, h.t.first_other);
	EXPECT_EQ(USER_DUMPS, h.t.ok);
	EXPECT_EQ(2000 - USER_DUMPS, h.t.enospc);
	EXPECT_NE(NULL, strstr(h.t.extack, "max_user_dumps"));
	/* root's dump works meanwhile */
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	EXPECT_EQ(0, open_dump(fd, family, ext, sizeof(ext))) TH_LOG("root: %s", ext);
	close(fd);
	/* closing the sockets gives the places back */
	release(&h);
	ASSERT_EQ(0, hold(&again, 1000, USER_DUMPS, true));
	EXPECT_EQ(USER_DUMPS, again.t.ok);
	release(&again);
}

/*
 * rmmod + insmod while an unprivileged user subscribes, starts a dump and
 * closes, without pause: a SUBSCRIBE racing the unload must not leave the
 * drain work scheduled after the module is gone, and no quota count may
 * outlive its socket.  NSBOX_USER_RELOAD_N cycles (default 100).
 */
TEST_F_TIMEOUT(slow, reload_while_a_user_subscribes_and_dumps, 1800)
{
	const char *env = getenv("NSBOX_USER_RELOAD_N");
	int cycles = env ? atoi(env) : 100, busy = 0;
	unsigned long *done = mmap(NULL, 2 * sizeof(long), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct holder h;
	pid_t user;

	ASSERT_NE(MAP_FAILED, done);
	if (!is_loaded()) {
		ASSERT_EQ(0, load());
	}
	user = fork();
	if (user == 0) {
		if (setgroups(0, NULL) || setgid(1000) || setuid(1000))
			_exit(2);
		for (;;) {
			int fd = nlt_socket(), family = fd < 0 ? -1 : nlt_family(fd, NSBOX_GENL_NAME);

			if (family > 0 && subscribe(fd, family, NULL, 0) == 0)
				__atomic_fetch_add(&done[0], 1, __ATOMIC_RELAXED);
			if (fd >= 0)
				close(fd);
			fd = nlt_socket();
			family = fd < 0 ? -1 : nlt_family(fd, NSBOX_GENL_NAME);
			if (family > 0 && open_dump(fd, family, NULL, 0) == 0)
				__atomic_fetch_add(&done[1], 1, __ATOMIC_RELAXED);
			if (fd >= 0)
				close(fd);
		}
	}
	for (int i = 0; i < cycles; i++) {
		/* an open dump holds a module reference: retry */
		ASSERT_EQ(0, unload_retry(&busy)) TH_LOG("rmmod #%d", i);
		ASSERT_EQ(0, load()) TH_LOG("insmod #%d", i);
	}
	kill(user, SIGKILL);
	waitpid(user, NULL, 0);
	TH_LOG("%d reloads; uid 1000 meanwhile subscribed %lu times and opened %lu dumps; rmmod waited for a dump %d times",
	       cycles, done[0], done[1], busy);
	/* the race was run: the user's requests reached loaded modules */
	EXPECT_LT(cycles / 10, (int)done[0]);
	EXPECT_EQ(0, system("nsbox-dmesg-check"));
	/* and the counts start from zero: the user gets its 8 again */
	ASSERT_EQ(0, hold(&h, 1000, USER_SUBS + 1, false));
	EXPECT_EQ(USER_SUBS, h.t.ok);
	release(&h);
	munmap(done, 2 * sizeof(long));
}

TEST_HARNESS_MAIN
