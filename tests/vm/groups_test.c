// SPDX-License-Identifier: GPL-2.0
/*
 * groups_test - per-group accounting against the kernel's own truth.
 *
 * For each namespace kind: a fresh namespace with K processes of 1+T
 * threads each; its id must equal `readlink /proc/PID/ns/KIND`, and
 * procs/threads/forks/exits must be exact while they live and after they
 * exit.  For cgroup v2: cpu_ns against cpu.stat, procs against
 * cgroup.procs, oom_kills against memory.events.  Plus setns and
 * cgroup.procs moves, VERIFY after a storm, and dumps that span many
 * recvmsg() calls.  Nothing here sleeps to synchronise: processes report
 * readiness through pipes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nltest.h"
#include "testutil.h"

#define K 3	/* processes per namespace */
#define T 2	/* extra threads per process */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int kind;
	int flag;
	int born_inside;	/* pid and time: only children enter the new ns */
} kinds[] = {
	{ "mnt", NSBOX_KIND_MNT, CLONE_NEWNS, 0 },
	{ "pid", NSBOX_KIND_PID, CLONE_NEWPID, 1 },
	{ "net", NSBOX_KIND_NET, CLONE_NEWNET, 0 },
	{ "uts", NSBOX_KIND_UTS, CLONE_NEWUTS, 0 },
	{ "ipc", NSBOX_KIND_IPC, CLONE_NEWIPC, 0 },
	{ "user", NSBOX_KIND_USER, CLONE_NEWUSER, 0 },
	{ "cgroup", NSBOX_KIND_CGROUP, CLONE_NEWCGROUP, 0 },
	{ "time", NSBOX_KIND_TIME, CLONE_NEWTIME, 1 },
};

static uint64_t ns_id(pid_t pid, const char *kind)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, kind);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strtoull(strchr(link, '[') + 1, NULL, 10);
}

static int release_fd = -1;

static void *blocked_thread(void *arg)
{
	char c;

	(void)arg;
	while (read(release_fd, &c, 1) > 0)
		;
	return NULL;
}

/* A process with T extra threads, all blocked until release; says ready. */
static void member(int ready_fd)
{
	pthread_t th[T];
	char c = 'r';
	int i;

	for (i = 0; i < T; i++)
		pthread_create(&th[i], NULL, blocked_thread, NULL);
	if (write(ready_fd, &c, 1) != 1)
		_exit(2);
	blocked_thread(NULL);
	for (i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

/* In the namespace: start K-1 more members, then be one. */
static void namespace_leader(int ready_fd)
{
	int i;

	for (i = 1; i < K; i++)
		if (fork() == 0)
			member(ready_fd);
	member(ready_fd);
}

/*
 * Start a namespace of @flag holding K members; returns the pid of one
 * member (to read its ns id) and the pid to wait for.  The caller closes
 * *release to let everyone exit.
 */
static pid_t spawn_ns(int flag, int born_inside, pid_t *in_ns, int *release)
{
	int ready[2], rel[2];
	pid_t pid;
	char c;
	int i;

	if (pipe(ready) || pipe(rel))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(rel[1]);
		release_fd = rel[0];
		if (unshare(flag))
			_exit(3);
		if (born_inside) {
			pid_t c2 = fork();

			if (c2 == 0)
				namespace_leader(ready[1]);
			waitpid(c2, NULL, 0);
			_exit(0);
		}
		namespace_leader(ready[1]);
	}
	close(ready[1]);
	close(rel[0]);
	for (i = 0; i < K; i++)
		if (read(ready[0], &c, 1) != 1)
			return -1;
	close(ready[0]);
	*release = rel[1];
	*in_ns = pid;
	return pid;
}

/*
 * Any member's pid: a child of @pid (or @pid itself).  Found by scanning
 * /proc/N/stat for the parent pid: /proc/PID/task/TID/children needs
 * CONFIG_PROC_CHILDREN, which the debug kernel does not have.
 */
static pid_t a_member(pid_t pid, int born_inside)
{
	struct dirent *de;
	pid_t child = 0;
	DIR *d;

	if (!born_inside)
		return pid;
	d = opendir("/proc");
	while (d && !child && (de = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) &&
		    sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == pid)
			child = atoi(de->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
	return child;
}

FIXTURE(groups) {
	int fd;
	int family;
};

FIXTURE_SETUP(groups)
{
	self->fd = nlt_socket();
	ASSERT_LE(0, self->fd);
	self->family = nlt_family(self->fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(groups)
{
	close(self->fd);
}

/* Reap a process tree started by spawn_ns. */
static void reap(pid_t pid)
{
	int status;

	waitpid(pid, &status, 0);
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

/* The group's threads reach @want (exits are asynchronous to wait()). */
static int wait_threads(int fd, int family, int kind, uint64_t id, uint64_t want)
{
	struct nlt_group g;
	int i;

	for (i = 0; i < 2000; i++) {
		if (nlt_get_group(fd, family, kind, id, &g))
			return -1;
		if (g.v[NSBOX_GROUP_A_THREADS] == want)
			return 0;
		sched_yield();
		usleep(1000);	/* polling a counter, not sleeping to synchronise */
	}
	return -1;
}

TEST_F_TIMEOUT(groups, every_namespace_kind, 300)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int born = kinds[i].born_inside, release;
		uint64_t id, want_forks;
		struct nlt_group g;
		pid_t pid, in_ns, m;

		pid = spawn_ns(kinds[i].flag, born, &in_ns, &release);
		ASSERT_LT(0, pid) TH_LOG("%s: could not start the namespace", kinds[i].name);
		m = a_member(in_ns, born);
		ASSERT_LT(0, m);
		id = ns_id(m, kinds[i].name);
		ASSERT_NE(0, id);
		ASSERT_NE(ns_id(getpid(), kinds[i].name), id) TH_LOG("%s: not a new namespace", kinds[i].name);

		ASSERT_EQ(0, nlt_get_group(self->fd, self->family, kinds[i].kind, id, &g))
			TH_LOG("%s:%llu not known to nsbox", kinds[i].name, (unsigned long long)id);
		EXPECT_EQ(id, g.v[NSBOX_GROUP_A_ID]);
		EXPECT_EQ(K, g.v[NSBOX_GROUP_A_PROCS]) TH_LOG("%s procs", kinds[i].name);
		EXPECT_EQ(K * (1 + T), g.v[NSBOX_GROUP_A_THREADS]) TH_LOG("%s threads", kinds[i].name);
		/* unshare moves one process in; pid/time namespaces are born into */
		want_forks = born ? K + K * T : (K - 1) + K * T;
		EXPECT_EQ(want_forks, g.v[NSBOX_GROUP_A_FORKS]) TH_LOG("%s forks", kinds[i].name);
		EXPECT_EQ(born ? 0 : 1, g.v[NSBOX_GROUP_A_MOVED_IN]) TH_LOG("%s moved_in", kinds[i].name);
		EXPECT_EQ(0, g.v[NSBOX_GROUP_A_EXITS]);
		if (kinds[i].kind == NSBOX_KIND_PID || kinds[i].kind == NSBOX_KIND_USER) {
			EXPECT_TRUE(g.has[NSBOX_GROUP_A_PARENT]) TH_LOG("%s has a parent", kinds[i].name);
			EXPECT_EQ(ns_id(getpid(), kinds[i].name), g.v[NSBOX_GROUP_A_PARENT]);
		}

		close(release);
		reap(pid);
		ASSERT_EQ(0, wait_threads(self->fd, self->family, kinds[i].kind, id, 0))
			TH_LOG("%s: threads did not fall to 0", kinds[i].name);
		ASSERT_EQ(0, nlt_get_group(self->fd, self->family, kinds[i].kind, id, &g));
		EXPECT_EQ(0, g.v[NSBOX_GROUP_A_PROCS]);
		EXPECT_EQ(K * (1 + T), g.v[NSBOX_GROUP_A_EXITS]) TH_LOG("%s exits", kinds[i].name);
	}
}

TEST_F(groups, execs_are_counted)
{
	struct nlt_group g;
	int p[2], n = 5, i;
	uint64_t id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWUTS))
			_exit(3);
		for (i = 0; i < n; i++) {
			pid_t c2 = fork();

			if (c2 == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(4);
			}
			waitpid(c2, NULL, 0);
		}
		c = 'd';
		if (write(p[1], &c, 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	id = ns_id(pid, "uts");
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS, id, &g));
	EXPECT_EQ(n, g.v[NSBOX_GROUP_A_EXECS]);
	EXPECT_EQ(n, g.v[NSBOX_GROUP_A_FORKS]);
	EXPECT_EQ(n, g.v[NSBOX_GROUP_A_EXITS]);
	EXPECT_EQ(1, g.v[NSBOX_GROUP_A_PROCS]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST_F(groups, setns_moves_a_task)
{
	struct nlt_group before, after, home;
	int p[2], nsfd;
	uint64_t id, self_id;
	pid_t pid;
	char c, path[64];

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET))
			_exit(3);
		c = 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	id = ns_id(pid, "net");
	self_id = ns_id(getpid(), "net");
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_NET, id, &before));

	/* A helper process (single-threaded) setns()es into it. */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (fork() == 0) {
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(3);
		if (ns_id(getpid(), "net") != id)
			_exit(4);
		_exit(0);
	}
	{
		int status;

		wait(&status);
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_NET, id, &after));
	EXPECT_EQ(before.v[NSBOX_GROUP_A_MOVED_IN] + 1, after.v[NSBOX_GROUP_A_MOVED_IN]);
	/* it exited inside the new namespace */
	EXPECT_EQ(before.v[NSBOX_GROUP_A_EXITS] + 1, after.v[NSBOX_GROUP_A_EXITS]);
	EXPECT_EQ(1, after.v[NSBOX_GROUP_A_PROCS]);
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_NET, self_id, &home));
	EXPECT_LE(1, home.v[NSBOX_GROUP_A_MOVED_OUT]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static long long read_key(const char *path, const char *key)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(key);

		if (!strncmp(line, key, n) && line[n] == ' ')
			v = atoll(line + n + 1);
	}
	fclose(f);
	return v;
}

static uint64_t dir_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static void burn_cpu(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

TEST_F_TIMEOUT(groups, cgroup2_cpu_procs_and_moves, 300)
{
	const char *dir = "/sys/fs/cgroup/nsbox_test_cpu";
	char procs[128], buf[32];
	struct nlt_group g;
	int ready[2], rel[2], i, n = 0;
	long long usage;
	uint64_t id;
	pid_t pid;
	char c;
	FILE *f;

	rmdir(dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	id = dir_ino(dir);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(rel));
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(rel[1]);
		snprintf(buf, sizeof(buf), "%d", getpid());
		if (tu_write_file(procs, buf))
			_exit(3);
		for (i = 0; i < 2; i++) {
			if (fork() == 0) {
				burn_cpu(600);
				c = 'r';
				if (write(ready[1], &c, 1) != 1)
					_exit(2);
				while (read(rel[0], &c, 1) > 0)
					;
				_exit(0);
			}
		}
		burn_cpu(600);
		c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(2);
		while (read(rel[0], &c, 1) > 0)
			;
		while (wait(NULL) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(rel[0]);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, read(ready[0], &c, 1));
	}

	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_CGROUP2, id, &g));
	f = fopen(procs, "r");
	ASSERT_NE(NULL, f);
	while (fgets(buf, sizeof(buf), f))
		n++;
	fclose(f);
	EXPECT_EQ(n, g.v[NSBOX_GROUP_A_PROCS]) TH_LOG("procs vs cgroup.procs");
	EXPECT_EQ(3, g.v[NSBOX_GROUP_A_PROCS]);
	EXPECT_EQ(1, g.v[NSBOX_GROUP_A_MOVED_IN]);
	EXPECT_EQ(2, g.v[NSBOX_GROUP_A_FORKS]);
	EXPECT_STREQ("/nsbox_test_cpu", g.path);

	close(rel[1]);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, wait_threads(self->fd, self->family, NSBOX_KIND_CGROUP2, id, 0));
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_CGROUP2, id, &g));
	snprintf(procs, sizeof(procs), "%s/cpu.stat", dir);
	usage = read_key(procs, "usage_usec");
	ASSERT_LT(0, usage);
	TH_LOG("cpu_ns %llu, cpu.stat usage_usec %lld",
	       (unsigned long long)g.v[NSBOX_GROUP_A_CPU_NS], usage);
	/*
	 * Within 2% of the cgroup's own number.  nsbox adds a task's CPU time
	 * when it drops its namespaces in do_exit(); the few microseconds it
	 * runs after that (more under TCG on a loaded host) are not in
	 * cpu_ns, so the test burns enough CPU (3 x 600 ms) for that tail to
	 * stay far below 2%.
	 */
	EXPECT_LE(llabs((long long)(g.v[NSBOX_GROUP_A_CPU_NS] / 1000) - usage) * 50, usage);
	EXPECT_EQ(3, g.v[NSBOX_GROUP_A_EXITS]);
	rmdir(dir);
}

TEST_F_TIMEOUT(groups, cgroup2_oom_kills_match_memory_events, 300)
{
	const char *dir = "/sys/fs/cgroup/nsbox_test_oom";
	char path[128], buf[32];
	struct nlt_group g;
	long long kills;
	uint64_t id;
	pid_t pid;
	int status;

	if (tu_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory"))
		SKIP(return, "memory controller not available in this kernel");
	rmdir(dir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	id = dir_ino(dir);
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	ASSERT_EQ(0, tu_write_file(path, "16M"));
	snprintf(path, sizeof(path), "%s/memory.swap.max", dir);
	tu_write_file(path, "0");
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	pid = fork();
	if (pid == 0) {
		size_t sz = 64 << 20;
		char *p;

		snprintf(buf, sizeof(buf), "%d", getpid());
		if (tu_write_file(path, buf))
			_exit(3);
		p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(4);
		for (size_t o = 0; o < sz; o += 4096)
			p[o] = 1;
		_exit(0);	/* not reached: the OOM killer takes it */
	}
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	kills = read_key(path, "oom_kill");
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_CGROUP2, id, &g));
	EXPECT_EQ(1, kills);
	EXPECT_EQ((uint64_t)kills, g.v[NSBOX_GROUP_A_OOM_KILLS]);
	rmdir(dir);
}

struct dump_seen {
	uint64_t ids[4096];
	int n;
	int kind;
	int sorted;
	uint64_t last;
};

static void on_group_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_seen *s = arg;
	const struct nlattr *a = nlt_msg_attr(nlh, NSBOX_A_GROUP);
	struct nlt_group g;

	if (!a)
		return;
	nlt_parse_group(a, &g);
	if ((int)g.v[NSBOX_GROUP_A_KIND] != s->kind || s->n >= 4096)
		return;
	if (s->n && g.v[NSBOX_GROUP_A_ID] <= s->last)
		s->sorted = 0;
	s->last = g.v[NSBOX_GROUP_A_ID];
	s->ids[s->n++] = g.v[NSBOX_GROUP_A_ID];
}

TEST_F_TIMEOUT(groups, dump_resumes_across_many_recvmsg, 300)
{
	enum { N = 300 };
	static struct dump_seen seen;
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	pid_t pids[N];
	uint64_t want[N];
	int ready[2], rel[2], i, j, calls, intr, err, found, fd;
	uint8_t kind = NSBOX_KIND_UTS;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(rel));
	for (i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(rel[1]);
			if (unshare(CLONE_NEWUTS))
				_exit(3);
			c = 'r';
			if (write(ready[1], &c, 1) != 1)
				_exit(2);
			while (read(rel[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, read(ready[0], &c, 1));
	}
	for (i = 0; i < N; i++)
		want[i] = ns_id(pids[i], "uts");

	seen.n = 0;
	seen.kind = NSBOX_KIND_UTS;
	seen.sorted = 1;
	nlt_init(msg, self->family, NSBOX_CMD_GET_GROUP, NLM_F_DUMP);
	nlt_put(msg, NSBOX_A_KIND, &kind, 1);
	fd = nlt_socket();
	calls = nlt_dump(fd, msg, 4096, on_group_msg, &seen, &intr, &err);
	close(fd);
	TH_LOG("%d uts groups in %d recvmsg calls", seen.n, calls);
	EXPECT_EQ(0, err);
	EXPECT_LT(3, calls);
	EXPECT_TRUE(seen.sorted);
	EXPECT_LE(N + 1, seen.n);
	for (i = 0; i < N; i++) {
		found = 0;
		for (j = 0; j < seen.n; j++)
			found += seen.ids[j] == want[i];
		EXPECT_EQ(1, found) TH_LOG("uts:%llu seen %d times", (unsigned long long)want[i], found);
	}
	close(rel[1]);
	for (i = 0; i < N; i++)
		waitpid(pids[i], NULL, 0);
}

struct task_seen {
	int tids[8192];
	int n;
	int dup;
};

static void on_task_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct task_seen *s = arg;
	const struct nlattr *a = nlt_msg_attr(nlh, NSBOX_A_TASK);
	const struct nlattr *t;

	if (!a)
		return;
	t = nlt_find((const char *)NLA_DATA(a), NLA_PAYLOAD(a), NSBOX_TASK_A_TID);
	if (!t || s->n >= 8192)
		return;
	if (s->n && *(int *)NLA_DATA(t) <= s->tids[s->n - 1])
		s->dup++;
	s->tids[s->n++] = *(int *)NLA_DATA(t);
}

TEST_F(groups, task_dump_has_every_task_once)
{
	static struct task_seen seen;
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	int calls, intr, err, in_proc = 0, i, fd;
	DIR *d;
	struct dirent *e;

	seen.n = 0;
	seen.dup = 0;
	nlt_init(msg, self->family, NSBOX_CMD_GET_TASK, NLM_F_DUMP);
	fd = nlt_socket();
	calls = nlt_dump(fd, msg, 4096, on_task_msg, &seen, &intr, &err);
	close(fd);
	EXPECT_EQ(0, err);
	EXPECT_LT(1, calls);
	EXPECT_EQ(0, seen.dup) TH_LOG("tids must come once each, ascending");
	/* every process in /proc is there (threads too, but count pids) */
	d = opendir("/proc");
	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);

		if (pid <= 0)
			continue;
		for (i = 0; i < seen.n; i++)
			if (seen.tids[i] == pid)
				break;
		in_proc += i == seen.n;	/* missing (or exited meanwhile) */
	}
	closedir(d);
	TH_LOG("%d tasks in %d recvmsg calls; %d /proc entries not seen", seen.n, calls, in_proc);
	EXPECT_GE(1, in_proc);	/* the ls-like race: at most our own short-lived helpers */
}

/*
 * A task of its own: new uts, net and ipc namespaces, in a cgroup of its
 * own.  The dump, filtered by its uts namespace, must list it and only it,
 * with every namespace id /proc/PID/ns gives and its cgroup's path and
 * inode -- none of which the test's own task (init namespaces, root
 * cgroup) would share, so a module that answered the defaults would fail.
 */
TEST_F(groups, task_dump_matches_proc)
{
	char msg[128] __attribute__((aligned(NLMSG_ALIGNTO)));
	static const struct { const char *ns; int attr; } nss[] = {
		{ "mnt", NSBOX_TASK_A_MNTNS }, { "pid", NSBOX_TASK_A_PIDNS },
		{ "net", NSBOX_TASK_A_NETNS }, { "uts", NSBOX_TASK_A_UTSNS },
		{ "ipc", NSBOX_TASK_A_IPCNS }, { "user", NSBOX_TASK_A_USERNS },
		{ "cgroup", NSBOX_TASK_A_CGROUPNS }, { "time", NSBOX_TASK_A_TIMENS },
	};
	const char *cg = "/sys/fs/cgroup/nsbox_test_td";
	uint8_t kind = NSBOX_KIND_UTS;
	struct nlattr *task, *a;
	int found = 0, tasks = 0, ready[2];
	char cgpath[512], c;
	pid_t child;
	uint64_t id;

	rmdir(cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	ASSERT_EQ(0, pipe(ready));
	child = fork();
	if (child == 0) {
		char pid[32];
		int fd = open("/sys/fs/cgroup/nsbox_test_td/cgroup.procs", O_WRONLY);

		snprintf(pid, sizeof(pid), "%d", getpid());
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0 ||
		    unshare(CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC))
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	id = ns_id(child, "uts");
	ASSERT_NE(ns_id(getpid(), "uts"), id);

	nlt_init(msg, self->family, NSBOX_CMD_GET_TASK, NLM_F_DUMP);
	nlt_put(msg, NSBOX_A_KIND, &kind, 1);
	nlt_put(msg, NSBOX_A_ID, &id, 8);
	{
		struct sockaddr_nl k = { .nl_family = AF_NETLINK };
		char in[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
		int done = 0;

		ASSERT_LT(0, sendto(self->fd, msg, ((struct nlmsghdr *)msg)->nlmsg_len, 0,
				    (struct sockaddr *)&k, sizeof(k)));
		while (!done) {
			int left = recv(self->fd, in, sizeof(in), 0);
			struct nlmsghdr *nlh;

			ASSERT_LT(0, left);
			for (nlh = (struct nlmsghdr *)in; NLMSG_OK(nlh, left);
			     nlh = NLMSG_NEXT(nlh, left)) {
				const char *d;
				int len;

				if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
					done = 1;
					break;
				}
				task = (struct nlattr *)nlt_msg_attr(nlh, NSBOX_A_TASK);
				if (!task)
					continue;
				tasks++;
				d = NLA_DATA(task);
				len = NLA_PAYLOAD(task);
				a = nlt_find(d, len, NSBOX_TASK_A_TID);
				if (!a || *(int *)NLA_DATA(a) != child)
					continue;
				found = 1;
				a = nlt_find(d, len, NSBOX_TASK_A_PID);
				EXPECT_EQ(child, *(int *)NLA_DATA(a));
				a = nlt_find(d, len, NSBOX_TASK_A_PPID);
				EXPECT_EQ(getpid(), *(int *)NLA_DATA(a));
				for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
					a = nlt_find(d, len, nss[i].attr);
					ASSERT_NE(NULL, a);
					ASSERT_EQ(8, NLA_PAYLOAD(a)) TH_LOG("%s: u64", nss[i].ns);
					EXPECT_EQ(ns_id(child, nss[i].ns), *(uint64_t *)NLA_DATA(a))
						TH_LOG("%s", nss[i].ns);
				}
				a = nlt_find(d, len, NSBOX_TASK_A_CGROUP_PATH);
				ASSERT_NE(NULL, a);
				EXPECT_STREQ("/nsbox_test_td", (char *)NLA_DATA(a));
				snprintf(cgpath, sizeof(cgpath), "/sys/fs/cgroup%s", (char *)NLA_DATA(a));
				a = nlt_find(d, len, NSBOX_TASK_A_CGROUP);
				EXPECT_EQ(dir_ino(cg), *(uint64_t *)NLA_DATA(a));
			}
		}
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	rmdir(cg);
	EXPECT_TRUE(found);
	EXPECT_EQ(1, tasks) TH_LOG("the filter by its uts namespace lists it alone");
}

TEST_F_TIMEOUT(groups, verify_clean_after_storm_of_2000_tasks_in_50_namespaces, 900)
{
	static const int flags[] = { CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNS,
				     CLONE_NEWCGROUP, CLONE_NEWUTS | CLONE_NEWIPC };
	uint64_t tasks, mismatches, missing;
	pid_t pids[50];
	int i, j, status;

	for (i = 0; i < 50; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			if (unshare(flags[i % 5]))
				_exit(3);
			for (j = 0; j < 40; j++) {
				pid_t c = fork();

				if (c == 0)
					_exit(0);
				if (c < 0)
					_exit(4);
				if (j % 4 == 0)
					waitpid(c, NULL, 0);
			}
			while (wait(NULL) > 0)
				;
			_exit(0);
		}
	}
	for (i = 0; i < 50; i++) {
		waitpid(pids[i], &status, 0);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ASSERT_EQ(0, nlt_verify(self->fd, self->family, &tasks, &mismatches, &missing));
	TH_LOG("VERIFY: %llu tasks, %llu mismatches, %llu missing",
	       (unsigned long long)tasks, (unsigned long long)mismatches,
	       (unsigned long long)missing);
	EXPECT_LT(10, tasks);
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, missing);
}

/* Move itself between cgroups @a and @b, again and again, until killed. */
static pid_t start_cgroup_mover(const char *a, const char *b)
{
	pid_t pid = fork();
	char path[256];

	if (pid)
		return pid;
	for (int i = 0;; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/cgroup.procs", i % 2 ? b : a);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "0\n");
			fclose(f);
		}
	}
}

/* setns() between the UTS namespaces of @fd_a and @fd_b until killed. */
static pid_t start_ns_mover(int fd_a, int fd_b)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	for (int i = 0;; i++)
		setns(i % 2 ? fd_b : fd_a, CLONE_NEWUTS);
}

/*
 * VERIFY on a busy machine: tasks fork and exit on both CPUs, one moves
 * between two cgroups and another between two UTS namespaces, all the
 * time, in the host's root groups.  A mismatch would be a wrong counter:
 * none may be reported (the old VERIFY compared counts that moved while it
 * walked: 12 to 27 false mismatches in 300).  Groups that never hold still
 * are reported as unsettled, not as wrong.  NSBOX_VERIFY_STORM_N VERIFYs
 * (default 1000).
 */
TEST_F_TIMEOUT(groups, verify_exact_during_a_storm_of_forks_exits_and_moves, 900)
{
	const char *env = getenv("NSBOX_VERIFY_STORM_N");
	const char *cga = "/sys/fs/cgroup/nsbox-storm-a", *cgb = "/sys/fs/cgroup/nsbox-storm-b";
	int n = env ? atoi(env) : 1000, fda, fdb, p[2], q[2];
	uint64_t mismatches = 0, unsettled = 0, rounds = 0, failed = 0, busy = 0;
	pid_t storm[2], movers[2], holder;
	struct nlt_verified v;
	char c = 0, path[64];

	ASSERT_EQ(0, mkdir(cga, 0755) && errno != EEXIST);
	ASSERT_EQ(0, mkdir(cgb, 0755) && errno != EEXIST);
	/* a second UTS namespace, held by a child until the end */
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	holder = fork();
	if (holder == 0) {
		if (unshare(CLONE_NEWUTS) || write(p[1], &c, 1) != 1)
			_exit(1);
		_exit(read(q[0], &c, 1) != 1);
	}
	ASSERT_EQ(1, read(p[0], &c, 1));
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", holder);
	fdb = open(path, O_RDONLY);
	fda = open("/proc/self/ns/uts", O_RDONLY);
	ASSERT_LE(0, fda);
	ASSERT_LE(0, fdb);
	/* the storms' orphans come to this process, to be reaped below */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	storm[0] = tu_fork_storm();
	storm[1] = tu_fork_storm();
	movers[0] = start_cgroup_mover(cga, cgb);
	movers[1] = start_ns_mover(fda, fdb);
	for (int i = 0; i < n; i++) {
		if (nlt_verify_all(self->fd, self->family, &v)) {
			failed++;
			continue;
		}
		mismatches += v.mismatches;
		unsettled += v.unsettled;
		busy += v.unsettled != 0;
		rounds += v.rounds;
	}
	for (int i = 0; i < 2; i++) {
		kill(storm[i], SIGKILL);
		kill(movers[i], SIGKILL);
	}
	ASSERT_EQ(1, write(q[1], &c, 1));
	/*
	 * Every task the test made has exited and is reaped -- the child each
	 * storm was forking when it was killed too -- before the VERIFY below
	 * that wants every group settled.
	 */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	close(fda);
	close(fdb);
	rmdir(cga);
	rmdir(cgb);
	TH_LOG("%d VERIFYs during the storm: %llu mismatches, %llu requests failed; %llu had groups "
	       "that never held still (%llu groups in all), %.2f walks per VERIFY",
	       n, (unsigned long long)mismatches, (unsigned long long)failed,
	       (unsigned long long)busy, (unsigned long long)unsettled, (double)rounds / n);
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, failed);
	/* quiet again: every group settles, nothing is wrong */
	ASSERT_EQ(0, nlt_verify_all(self->fd, self->family, &v));
	EXPECT_EQ(0, v.mismatches);
	EXPECT_EQ(0, v.unsettled);
}

/* NSBOX_CHURN_N: fewer cycles on the (much slower) debug kernel. */
TEST_F_TIMEOUT(groups, namespace_churn_2000_cycles_of_every_kind, 600)
{
	const char *env = getenv("NSBOX_CHURN_N");
	int i, status, bad = 0, cycles = env ? atoi(env) : 2000;
	uint64_t tasks, mismatches, missing;

	for (i = 0; i < cycles; i++) {
		int k = i % 8;
		pid_t c = fork();

		if (c == 0) {
			if (unshare(kinds[k].flag))
				_exit(3);
			if (kinds[k].born_inside) {
				pid_t g = fork();

				if (g == 0)
					_exit(0);
				waitpid(g, NULL, 0);
			}
			_exit(0);
		}
		waitpid(c, &status, 0);
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, nlt_verify(self->fd, self->family, &tasks, &mismatches, &missing));
	TH_LOG("after %d unshare/exit cycles: %llu tasks, %llu mismatches, %llu missing",
	       cycles, (unsigned long long)tasks, (unsigned long long)mismatches,
	       (unsigned long long)missing);
	EXPECT_EQ(0, mismatches);
	EXPECT_EQ(0, missing);
}

TEST_F(groups, reset_zeroes_counters_and_needs_admin)
{
	char msg[128] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	uint64_t id = ns_id(getpid(), "uts");
	uint8_t kind = NSBOX_KIND_UTS;
	struct nlt_group g;
	pid_t pid;
	int status;

	/* Unprivileged: refused with a message. */
	pid = fork();
	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		fd = nlt_socket();
		nlt_init(msg, self->family, NSBOX_CMD_RESET, 0);
		if (nlt_send(fd, msg, &r))
			_exit(4);
		_exit(r.error == -EPERM && r.extack[0] ? 0 : 5);
	}
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* before: the host's uts namespace has forked (our child above) */
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS, id, &g));
	ASSERT_LT(0, g.v[NSBOX_GROUP_A_FORKS]) TH_LOG("a reset of zeros would prove nothing");
	TH_LOG("before RESET: forks %llu, cpu_ns %llu",
	       (unsigned long long)g.v[NSBOX_GROUP_A_FORKS],
	       (unsigned long long)g.v[NSBOX_GROUP_A_CPU_NS]);
	ASSERT_LT(1000000000ULL, g.v[NSBOX_GROUP_A_CPU_NS]);

	nlt_init(msg, self->family, NSBOX_CMD_RESET, 0);
	nlt_put(msg, NSBOX_A_KIND, &kind, 1);
	nlt_put(msg, NSBOX_A_ID, &id, 8);
	ASSERT_EQ(0, nlt_send(self->fd, msg, &r));
	ASSERT_EQ(0, r.error) TH_LOG("%s", r.extack);
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_UTS, id, &g));
	EXPECT_EQ(0, g.v[NSBOX_GROUP_A_FORKS]);
	EXPECT_GT(1000000000ULL, g.v[NSBOX_GROUP_A_CPU_NS]) TH_LOG("CPU restarts near 0");
	EXPECT_LT(0, g.v[NSBOX_GROUP_A_THREADS]) TH_LOG("live counts are kept");
}

/*
 * 300 RESETs of every group (no KIND, ID) while tasks fork and exit on
 * both CPUs: once they are reaped, VERIFY finds every flow right.  RESET
 * used to zero the event counters and take the group's tasks of the
 * moment as its base: a hook between counting a task and counting its
 * fork or exit left the flow one off for good (read in the code; a window
 * of a few instructions, which 10,000 RESETs here never hit).  Now RESET
 * only moves the base readers are shown from, and the flow is counted
 * from the counters whole: this fails if it were counted from the base.
 */
TEST_F_TIMEOUT(groups, reset_during_a_fork_storm_keeps_every_flow, 300)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	struct nlt_verified v;
	pid_t storm[2];
	int failed = 0, again = 0;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	storm[0] = tu_fork_storm();
	storm[1] = tu_fork_storm();
	for (int i = 0; i < 300; i++) {
		nlt_init(msg, self->family, NSBOX_CMD_RESET, 0);
		if (nlt_send(self->fd, msg, &r))
			failed++;
		/* tasks moving through 16 walks in a row: said, and nothing zeroed */
		else if (r.error == -EAGAIN && r.extack[0])
			again++;
		else if (r.error)
			failed++;
	}
	kill(storm[0], SIGKILL);
	kill(storm[1], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	EXPECT_EQ(0, failed);
	EXPECT_GT(30, again) TH_LOG("most RESETs get through a storm");
	ASSERT_EQ(0, nlt_verify_all(self->fd, self->family, &v));
	TH_LOG("after 300 RESETs during a fork storm (%d said 'try again'): %llu mismatches, "
	       "%llu unsettled", again, (unsigned long long)v.mismatches,
	       (unsigned long long)v.unsettled);
	EXPECT_EQ(0, v.mismatches);
	EXPECT_EQ(0, v.unsettled);
}

TEST_F_TIMEOUT(groups, load_average_of_a_busy_cgroup, 300)
{
	const char *busy = "/sys/fs/cgroup/nsbox_test_load";
	const char *idle = "/sys/fs/cgroup/nsbox_test_idle";
	struct nlt_group g, i;
	char path[128], buf[16];
	uint64_t id, idle_id;
	int n, ready[2];
	pid_t pid;

	rmdir(busy);
	rmdir(idle);
	ASSERT_EQ(0, mkdir(busy, 0755));
	ASSERT_EQ(0, mkdir(idle, 0755));
	id = dir_ino(busy);
	idle_id = dir_ino(idle);
	snprintf(path, sizeof(path), "%s/cgroup.procs", busy);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	if (pid == 0) {
		snprintf(buf, sizeof(buf), "%d", getpid());
		if (tu_write_file(path, buf) || write(ready[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			;
	}
	ASSERT_EQ(1, read(ready[0], buf, 1));
	/*
	 * The load average is sampled every 5 s: wait (up to 30 s) for the
	 * busy cgroup's load1 to rise; one runnable task for two samples
	 * gives 1 - exp(-10/60) = 0.15.
	 */
	for (n = 0; n < 300; n++) {
		ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_CGROUP2, id, &g));
		if (g.v[NSBOX_GROUP_A_LOAD1] >= 10)
			break;
		usleep(100000);	/* waiting for the 5-second sampler */
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TH_LOG("busy cgroup load1 %.2f after %.1f s", g.v[NSBOX_GROUP_A_LOAD1] / 100.0, n / 10.0);
	EXPECT_LE(10, g.v[NSBOX_GROUP_A_LOAD1]);
	EXPECT_GE(100, g.v[NSBOX_GROUP_A_LOAD1]) TH_LOG("one task cannot make more than 1.00");
	/* the idle cgroup has no task: it is known only once one is seen */
	snprintf(path, sizeof(path), "%s/cgroup.procs", idle);
	pid = fork();
	if (pid == 0) {
		snprintf(buf, sizeof(buf), "%d", getpid());
		_exit(tu_write_file(path, buf) ? 3 : 0);
	}
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, nlt_get_group(self->fd, self->family, NSBOX_KIND_CGROUP2, idle_id, &i));
	EXPECT_EQ(0, i.v[NSBOX_GROUP_A_LOAD1]);
	rmdir(busy);
	rmdir(idle);
}

TEST_HARNESS_MAIN
