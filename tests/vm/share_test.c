// SPDX-License-Identifier: GPL-2.0
/*
 * share_test - no user can blind the module for the others (issue 29).
 *
 * Every namespace is a group, and any user may make namespaces by the
 * thousand (user namespaces, and inside them the other kinds).  With one
 * limit for everybody, one user could fill the table and nothing anybody
 * else starts would be counted.  The module charges each group to a user
 * (kmod/share.c) and bounds each user's share.  Here, with the table made
 * small (max_groups=256, max_user_groups=40, so all unprivileged users
 * together hold at most 192):
 *  - uid 1000 holds namespaces worth 80 groups: 40 are made, 40 refused,
 *    and GET_INFO counts them against uid 1000;
 *  - a box root starts meanwhile is counted: every namespace and its
 *    cgroup have their groups;
 *  - uid 1001's namespaces are all counted;
 *  - with four more users the unprivileged part is full: root's next box
 *    is still counted;
 *  - once uid 1000's processes are gone, its new namespaces are counted
 *    again (its empty groups are evicted to make room).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "modload.h"
#include "testutil.h"

#define MAX_GROUPS	256
#define USER_GROUPS	40
#define UNPRIV_GROUPS	(MAX_GROUPS / 4 * 3)

/* One user's share as GET_INFO tells it to the admin. */
struct share {
	uint64_t groups, limit, refused;
	int found;
};

static int get_share(int fd, int family, uint32_t uid, struct share *sh, uint64_t *unpriv)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN, off;

	memset(sh, 0, sizeof(*sh));
	nlt_init(msg, family, NSBOX_CMD_GET_INFO, 0);
	if (nlt_send(fd, msg, &r) || r.error)
		return -EIO;
	for (off = hdr; off + NLA_HDRLEN <= r.len;) {
		struct nlattr *a = (struct nlattr *)(r.buf + off);
		struct nlattr *u, *g, *l, *ref;

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NSBOX_A_UNPRIV_GROUPS && unpriv)
			memcpy(unpriv, NLA_DATA(a), 8);
		if ((a->nla_type & NLA_TYPE_MASK) == NSBOX_A_SHARE) {
			u = nlt_find(NLA_DATA(a), NLA_PAYLOAD(a), NSBOX_SHARE_A_UID);
			g = nlt_find(NLA_DATA(a), NLA_PAYLOAD(a), NSBOX_SHARE_A_GROUPS);
			l = nlt_find(NLA_DATA(a), NLA_PAYLOAD(a), NSBOX_SHARE_A_LIMIT);
			ref = nlt_find(NLA_DATA(a), NLA_PAYLOAD(a), NSBOX_SHARE_A_REFUSED);
			if (u && *(uint32_t *)NLA_DATA(u) == uid && g && l && ref) {
				sh->found = 1;
				memcpy(&sh->groups, NLA_DATA(g), 8);
				memcpy(&sh->limit, NLA_DATA(l), 8);
				for (int k = 0; k < (int)(NLA_PAYLOAD(ref) / 8); k++) {
					uint64_t v;

					memcpy(&v, (char *)NLA_DATA(ref) + 8 * k, 8);
					sh->refused += v;
				}
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/*
 * @n processes of @uid, each in a new user namespace and new UTS, IPC and
 * cgroup namespaces of it (4 groups each), holding them until killed.
 * Returns after every one has made its namespaces; pids in @pids.  (Not
 * network namespaces: the test makes about 300, and on the debug kernel
 * a network namespace costs far more to make and to free than the four
 * groups it stands for here.)
 */
static int hold_namespaces(uid_t uid, int n, pid_t *pids)
{
	int p[2];
	char c;

	if (pipe(p))
		return -1;
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			close(p[0]);
			if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
				_exit(1);
			if (unshare(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP))
				_exit(2);
			if (write(p[1], "x", 1) != 1)
				_exit(3);
			close(p[1]);
			pause();
			_exit(0);
		}
	}
	close(p[1]);
	for (int i = 0; i < n; i++)
		if (read(p[0], &c, 1) != 1)
			return -1;
	close(p[0]);
	return 0;
}

static void release_all(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

static uint64_t ns_inode(pid_t pid, const char *kind)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, kind);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* Are every namespace of @pid and its cgroup groups the module knows? */
static int all_counted(int fd, int family, pid_t pid, const char *cgdir)
{
	static const struct { const char *name; int kind; } nss[] = {
		{ "mnt", NSBOX_KIND_MNT }, { "pid", NSBOX_KIND_PID }, { "net", NSBOX_KIND_NET },
		{ "uts", NSBOX_KIND_UTS }, { "ipc", NSBOX_KIND_IPC }, { "user", NSBOX_KIND_USER },
		{ "cgroup", NSBOX_KIND_CGROUP },
	};
	struct nlt_group g;
	struct stat st;
	int missing = 0;

	for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++)
		if (nlt_get_group(fd, family, nss[i].kind, ns_inode(pid, nss[i].name), &g)) {
			fprintf(stderr, "# not counted: %s namespace of %d\n", nss[i].name, pid);
			missing++;
		}
	if (stat(cgdir, &st) || nlt_get_group(fd, family, NSBOX_KIND_CGROUP2, st.st_ino, &g)) {
		fprintf(stderr, "# not counted: cgroup %s\n", cgdir);
		missing++;
	}
	return missing;
}

/* Root's box: `nsbox run -d`; its command's pid, or -1. */
static pid_t start_box(const char *name)
{
	char cmd[512], line[64] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nsbox rm -f %s >/dev/null 2>&1; "
		 "nsbox run -d --rootfs /tmp/share-rootfs --name %s -- sleep 1000 >/dev/null && "
		 "nsbox ls -J | jq -r '.boxes[] | select(.name == \"%s\") | .pid'", name, name, name);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	pclose(f);
	return atoi(line) > 0 ? atoi(line) : -1;
}

/* The first child of @pid (the box's command under its PID 1). */
static pid_t child_of(pid_t pid)
{
	char path[64], buf[4096];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	if (f)
		fclose(f);
	return atoi(buf) > 0 ? atoi(buf) : pid;
}

FIXTURE(share) {
	int fd;
	int family;
	pid_t a[20], b[3], more[4][12];
};

FIXTURE_SETUP(share)
{
	char params[128];

	memset(self->a, 0, sizeof(self->a));
	memset(self->b, 0, sizeof(self->b));
	memset(self->more, 0, sizeof(self->more));
	ASSERT_EQ(0, unload_wait(10000));
	snprintf(params, sizeof(params), "max_groups=%d max_user_groups=%d",
		 MAX_GROUPS, USER_GROUPS);
	if (load_with(params)) {
		/* a module without shares: the same small table, to show why */
		snprintf(params, sizeof(params), "max_groups=%d", MAX_GROUPS);
		TH_LOG("this module has no max_user_groups: loaded with %s", params);
		ASSERT_EQ(0, load_with(params));
	}
	ASSERT_EQ(0, system("nsbox rootfs create /tmp/share-rootfs >/dev/null"));
	self->fd = nlt_socket();
	ASSERT_LE(0, self->fd);
	self->family = nlt_family(self->fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(share)
{
	release_all(self->a, 20);
	release_all(self->b, 3);
	for (int i = 0; i < 4; i++)
		release_all(self->more[i], 12);
	if (system("nsbox rm -f share1 share2 >/dev/null 2>&1"))
		TH_LOG("nsbox rm -f share1 share2 failed");
	close(self->fd);
	unload_wait(10000);
	load();
}

TEST_F_TIMEOUT(share, one_user_cannot_blind_the_others, 600)
{
	struct share sh;
	uint64_t unpriv = 0;
	pid_t box;

	/* uid 1000 asks for 80 groups: its share is 40 */
	ASSERT_EQ(0, hold_namespaces(1000, 20, self->a));
	ASSERT_EQ(0, get_share(self->fd, self->family, 1000, &sh, NULL));
	TH_LOG("uid 1000: %llu groups of %llu, %llu refused", (unsigned long long)sh.groups,
	       (unsigned long long)sh.limit, (unsigned long long)sh.refused);
	EXPECT_TRUE(sh.found);
	EXPECT_EQ(USER_GROUPS, sh.groups);
	EXPECT_EQ(USER_GROUPS, sh.limit);
	EXPECT_EQ(80 - USER_GROUPS, sh.refused);

	/* root's box: every namespace and its cgroup counted */
	box = start_box("share1");
	ASSERT_LT(0, box);
	EXPECT_EQ(0, all_counted(self->fd, self->family, child_of(box), "/sys/fs/cgroup/nsbox/share1"));

	/* another user: all of its namespaces counted */
	ASSERT_EQ(0, hold_namespaces(1001, 3, self->b));
	ASSERT_EQ(0, get_share(self->fd, self->family, 1001, &sh, NULL));
	EXPECT_EQ(12, sh.groups);
	EXPECT_EQ(0, sh.refused);
	for (int i = 0; i < 3; i++) {
		struct nlt_group g;

		EXPECT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS,
					   ns_inode(self->b[i], "uts"), &g));
	}

	/* four more users: every unprivileged place is taken */
	for (int u = 0; u < 4; u++)
		ASSERT_EQ(0, hold_namespaces(1002 + u, 12, self->more[u]));
	ASSERT_EQ(0, get_share(self->fd, self->family, 1005, &sh, &unpriv));
	TH_LOG("unprivileged users hold %llu groups of %d; uid 1005: %llu, %llu refused",
	       (unsigned long long)unpriv, UNPRIV_GROUPS, (unsigned long long)sh.groups,
	       (unsigned long long)sh.refused);
	EXPECT_EQ(UNPRIV_GROUPS, unpriv);
	EXPECT_LT(0, sh.refused);
	/* root's next box is counted all the same */
	box = start_box("share2");
	ASSERT_LT(0, box);
	EXPECT_EQ(0, all_counted(self->fd, self->family, child_of(box), "/sys/fs/cgroup/nsbox/share2"));

	/* uid 1000's processes go: its new namespaces are counted again */
	release_all(self->a, 20);
	memset(self->a, 0, sizeof(self->a));
	{
		struct nlt_group g;
		int tries, counted = 0;

		for (tries = 0; tries < 50 && !counted; tries++) {
			ASSERT_EQ(0, hold_namespaces(1000, 1, self->a));
			counted = !nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS,
						 ns_inode(self->a[0], "uts"), &g);
			if (!counted) {
				release_all(self->a, 1);
				self->a[0] = 0;
			}
		}
		TH_LOG("uid 1000's new namespaces counted after %d tries", tries);
		EXPECT_TRUE(counted);
	}
}

/*
 * The admin's GET_INFO lists every user that holds a group or was refused
 * one: with a few hundred such users (a shared host where each user's
 * browser sandbox makes user namespaces) the reply must still come, or
 * `nsbox info`, `nsbox groups` and the scrape fail for root.  200 users
 * each hold four namespaces: the first ones' groups are made, the others'
 * refused (the unprivileged part of the small table is full), and every
 * one of them is listed.
 */
TEST_F_TIMEOUT(share, the_admins_info_lists_hundreds_of_users, 600)
{
	static pid_t pids[200];
	char line[64] = "";
	FILE *f;
	int st;

	memset(pids, 0, sizeof(pids));
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(0, hold_namespaces(3000 + i, 1, &pids[i]));
	st = system("nsbox info >/dev/null");
	EXPECT_EQ(0, st);
	f = popen("nsbox info -J | jq '[.shares[] | select(.uid >= 3000 and .uid < 3200)] | length'", "r");
	ASSERT_NE(NULL, f);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	pclose(f);
	TH_LOG("users 3000-3199 in the admin's GET_INFO: %s", line);
	EXPECT_EQ(200, atoi(line));
	release_all(pids, 200);
}

/*
 * As newuidmap does for a user with subordinate ids: uid 1000's new user
 * namespace gets ids 0-@n-1 mapped to host uids from 100000.  Then one
 * process per id asks GET_GROUP from a socket it opened as that id.
 * Returns the number of requests answered (-ENOENT: the group is not
 * its to see; -EBUSY, counted in @busy: too many from this user), or -1.
 */
static int ask_as_every_subid(int family, int n, int *busy)
{
	int go[2], done[2], answered = 0;
	char path[64], map[64];
	pid_t pid;
	char c;

	if (pipe(go) || pipe(done))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[1]);
		close(done[0]);
		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ||
		    unshare(CLONE_NEWUSER) || write(done[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < n; i++) {
			pid_t q = fork();
			int st;

			if (q == 0) {
				struct nlt_group g;
				int fd, ret;

				if (setresgid(i, i, i) || setresuid(i, i, i))
					_exit(1);
				fd = nlt_socket();
				ret = nlt_get_group(fd, family, NSBOX_KIND_NET, 1, &g);
				/* not its to see; or too many requests from this user */
				_exit(ret == -ENOENT ? 0 : ret == -EBUSY ? 3 : 2);
			}
			if (q < 0 || waitpid(q, &st, 0) != q)
				_exit(1);
			if (WIFEXITED(st) && (!WEXITSTATUS(st) || WEXITSTATUS(st) == 3) &&
			    write(done[1], WEXITSTATUS(st) ? "b" : "a", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	if (read(done[0], &c, 1) != 1)
		return -1;
	snprintf(map, sizeof(map), "0 100000 %d\n", n);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (tu_write_file(path, map))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	if (tu_write_file(path, map) || write(go[1], "g", 1) != 1)
		return -1;
	*busy = 0;
	while (read(done[0], &c, 1) == 1) {
		answered++;
		*busy += c == 'b';
	}
	waitpid(pid, NULL, 0);
	return answered;
}

/*
 * A user's subordinate ids are not more users: uid 1000, asking as each
 * of 1,500 ids of its user namespace, takes one place in the module's
 * table of users, not all of them.  Otherwise every user who comes after
 * shares the one place left (uid 4294967294) and its one share: uid 4000
 * fills it and uid 4001's namespaces go uncounted.
 */
TEST_F_TIMEOUT(share, subordinate_ids_are_not_more_users, 600)
{
	struct share sh;
	struct nlt_group g;
	int busy;

	ASSERT_EQ(1500, ask_as_every_subid(self->family, 1500, &busy));
	TH_LOG("%d of 1500 requests refused as too many", busy);
	ASSERT_EQ(0, hold_namespaces(4000, 10, self->more[0]));
	ASSERT_EQ(0, get_share(self->fd, self->family, 4000, &sh, NULL));
	TH_LOG("uid 4000: %s, %llu groups", sh.found ? "a share of its own" : "no share of its own",
	       (unsigned long long)sh.groups);
	EXPECT_TRUE(sh.found);
	ASSERT_EQ(0, hold_namespaces(4001, 1, self->more[1]));
	EXPECT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS,
				   ns_inode(self->more[1][0], "uts"), &g));
}

TEST_HARNESS_MAIN
