// SPDX-License-Identifier: GPL-2.0
/*
 * state_test - host unit test of a box's record, NAME/state
 * (tools/box/state.c): write then read gives back every field, a missing
 * or damaged record reads as what it is, box_status() and box_list().
 * The state root is a mkdtemp() directory (box_state_set_root()), never
 * the host's /run/nsbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "box.h"

FIXTURE(state) {
	char root[64];
};

FIXTURE_SETUP(state)
{
	snprintf(self->root, sizeof(self->root), "/tmp/nsbox-state-test-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	box_state_set_root(self->root);
	ASSERT_STREQ(self->root, box_state_root());
}

FIXTURE_TEARDOWN(state)
{
	/* box_rm_rf() refuses to leave the tree: only the temporary one */
	if (!strncmp(self->root, "/tmp/nsbox-state-test-", 22))
		box_rm_rf(self->root);
}

/* Make the box's directory, as run.c does before the first write. */
static int mkbox(const char *root, const char *name)
{
	char dir[4200];

	snprintf(dir, sizeof(dir), "%s/%s", root, name);
	return mkdir(dir, 0700);
}

static void fill(char *dst, size_t size, const char *pattern)
{
	size_t n = strlen(pattern);

	for (size_t i = 0; i < size - 1; i++)
		dst[i] = pattern[i % n];
	dst[size - 1] = '\0';
}

/* Every field set, every string as long as it can be. */
static void full_state(struct box_state *s)
{
	memset(s, 0, sizeof(*s));
	fill(s->name, sizeof(s->name), "box-0123456789.abcdef_");
	s->pid = INT_MAX;
	s->pid_start = ULLONG_MAX;
	s->monitor = 123456;
	snprintf(s->status, sizeof(s->status), "running");
	s->exit_code = -129;
	s->created = -1700000000LL;
	fill(s->rootfs, sizeof(s->rootfs), "/var/lib/my boxes/root fs=x ");
	s->overlay = true;
	snprintf(s->net, sizeof(s->net), "bridge");
	snprintf(s->ip, sizeof(s->ip), "10.88.255.254");
	fill(s->veth, sizeof(s->veth), "nsbx0123456789ab");
	fill(s->cgroup, sizeof(s->cgroup), "/sys/fs/cgroup/nsbox/a b=c/");
	s->cgroup_id = UINT64_MAX;
	s->ns = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUSER;
	s->caps = 0xfedcba9876543210ULL;
	s->allow = 0x7f;
	fill(s->command, sizeof(s->command), "sh -c 'echo a=b; exit 3' ");
}

static void expect_same(struct __test_metadata *_metadata,
			const struct box_state *a, const struct box_state *b)
{
	EXPECT_STREQ(a->name, b->name);
	EXPECT_EQ(a->pid, b->pid);
	EXPECT_EQ(a->pid_start, b->pid_start);
	EXPECT_EQ(a->monitor, b->monitor);
	EXPECT_STREQ(a->status, b->status);
	EXPECT_EQ(a->exit_code, b->exit_code);
	EXPECT_EQ(a->created, b->created);
	EXPECT_STREQ(a->rootfs, b->rootfs);
	EXPECT_EQ(a->overlay, b->overlay);
	EXPECT_STREQ(a->net, b->net);
	EXPECT_STREQ(a->ip, b->ip);
	EXPECT_STREQ(a->veth, b->veth);
	EXPECT_STREQ(a->cgroup, b->cgroup);
	EXPECT_EQ(a->cgroup_id, b->cgroup_id);
	EXPECT_EQ(a->ns, b->ns);
	EXPECT_EQ(a->caps, b->caps);
	EXPECT_EQ(a->allow, b->allow);
	EXPECT_STREQ(a->command, b->command);
}

TEST_F(state, round_trip_every_field)
{
	struct box_state s, r;
	char tmp[4200];

	full_state(&s);
	ASSERT_EQ(BOX_NAME_MAX, strlen(s.name));
	ASSERT_EQ(sizeof(s.rootfs) - 1, strlen(s.rootfs));
	ASSERT_EQ(0, mkbox(self->root, s.name));
	ASSERT_EQ(0, box_state_write(&s));
	memset(&r, 0xa5, sizeof(r));
	ASSERT_EQ(0, box_state_read(s.name, &r));
	expect_same(_metadata, &s, &r);
	/* written atomically: the temporary file is gone */
	snprintf(tmp, sizeof(tmp), "%s/%s/state.tmp", self->root, s.name);
	EXPECT_EQ(-1, access(tmp, F_OK));
}

TEST_F(state, round_trip_small_values)
{
	struct box_state s, r;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "a");
	snprintf(s.status, sizeof(s.status), "exited");
	s.exit_code = 255;
	s.pid = -1;
	snprintf(s.net, sizeof(s.net), "none");
	ASSERT_EQ(0, mkbox(self->root, "a"));
	ASSERT_EQ(0, box_state_write(&s));
	ASSERT_EQ(0, box_state_read("a", &r));
	expect_same(_metadata, &s, &r);
	EXPECT_STREQ("exited", box_status(&r));
}

TEST_F(state, rewrite_replaces)
{
	struct box_state s, r;

	full_state(&s);
	ASSERT_EQ(0, mkbox(self->root, s.name));
	ASSERT_EQ(0, box_state_write(&s));
	snprintf(s.status, sizeof(s.status), "exited");
	s.exit_code = 3;
	s.command[0] = '\0';
	s.ip[0] = '\0';
	ASSERT_EQ(0, box_state_write(&s));
	ASSERT_EQ(0, box_state_read(s.name, &r));
	expect_same(_metadata, &s, &r);
}

/*
 * A record is one "key=value" per line: run.c turns the newlines of the
 * command line into spaces before it writes (box/run.c, state_init).
 * What comes back is then what was written.
 */
TEST_F(state, command_newlines_as_run_writes_them)
{
	struct box_state s, r;

	full_state(&s);
	snprintf(s.command, sizeof(s.command), "sh -c 'echo one two' x");
	ASSERT_EQ(0, mkbox(self->root, s.name));
	ASSERT_EQ(0, box_state_write(&s));
	ASSERT_EQ(0, box_state_read(s.name, &r));
	EXPECT_STREQ("sh -c 'echo one two' x", r.command);
}

/* A newline in any value would add or replace keys: refused, not written. */
TEST_F(state, newline_in_a_value_is_refused)
{
	struct box_state s, r;

	full_state(&s);
	ASSERT_EQ(0, mkbox(self->root, s.name));
	ASSERT_EQ(0, box_state_write(&s));
	snprintf(s.command, sizeof(s.command), "echo a\nstatus=exited\ncgroup=/sys/fs/cgroup/x");
	EXPECT_EQ(-EINVAL, box_state_write(&s));
	full_state(&s);
	snprintf(s.rootfs, sizeof(s.rootfs), "/tmp/a\rcaps=ffff");
	EXPECT_EQ(-EINVAL, box_state_write(&s));
	/* the record on disk is still the first one */
	ASSERT_EQ(0, box_state_read(s.name, &r));
	full_state(&s);
	expect_same(_metadata, &s, &r);
}

TEST_F(state, missing_box)
{
	struct box_state r;

	memset(&r, 0xa5, sizeof(r));
	EXPECT_EQ(-ENOENT, box_state_read("nobox", &r));
	/* nothing left over from before */
	EXPECT_STREQ("", r.name);
	EXPECT_EQ(0, r.pid);
	/* names that are no box name are no box, whatever is on disk */
	EXPECT_EQ(-ENOENT, box_state_read("", &r));
	EXPECT_EQ(-ENOENT, box_state_read("../etc", &r));
	EXPECT_EQ(-ENOENT, box_state_read(".", &r));
	EXPECT_EQ(-ENOENT, box_state_read("a/b", &r));
}

TEST_F(state, write_without_directory)
{
	struct box_state s;

	full_state(&s);
	EXPECT_EQ(-ENOENT, box_state_write(&s));
}

TEST_F(state, directory_without_record_is_starting)
{
	struct box_state r;

	ASSERT_EQ(0, mkbox(self->root, "half"));
	ASSERT_EQ(0, box_state_read("half", &r));
	EXPECT_STREQ("half", r.name);
	EXPECT_STREQ("starting", r.status);
	EXPECT_EQ(0, r.pid);
	EXPECT_EQ(0, r.monitor);
	/* and nobody is starting it */
	EXPECT_STREQ("stale", box_status(&r));
}

static void write_raw(const char *root, const char *name, const void *data, size_t len)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/state", root, name);
	f = fopen(path, "w");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

/* A record cut anywhere reads as far as it goes: the rest is zero, not garbage. */
TEST_F(state, truncated_record)
{
	struct box_state s, r;
	char path[4200], *buf;
	long size;
	FILE *f;

	full_state(&s);
	ASSERT_EQ(0, mkbox(self->root, s.name));
	ASSERT_EQ(0, box_state_write(&s));
	snprintf(path, sizeof(path), "%s/%s/state", self->root, s.name);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(size, fread(buf, 1, size, f));
	fclose(f);

	/* cut in the middle of "rootfs=...": what follows never arrives */
	write_raw(self->root, s.name, buf, strstr(buf, "rootfs=") + 100 - buf);
	memset(&r, 0xa5, sizeof(r));
	ASSERT_EQ(0, box_state_read(s.name, &r));
	EXPECT_STREQ(s.name, r.name);
	EXPECT_EQ(s.pid, r.pid);
	EXPECT_STREQ("running", r.status);
	EXPECT_EQ(93, strlen(r.rootfs));
	EXPECT_EQ(0, strncmp(s.rootfs, r.rootfs, 93));
	EXPECT_EQ(0, r.overlay);
	EXPECT_STREQ("", r.net);
	EXPECT_STREQ("", r.cgroup);
	EXPECT_EQ(0, r.cgroup_id);
	EXPECT_EQ(0, r.caps);
	EXPECT_STREQ("", r.command);

	/* every cut: never a crash, strings always terminated */
	for (long n = 0; n < size; n += 7) {
		write_raw(self->root, s.name, buf, n);
		memset(&r, 0xa5, sizeof(r));
		ASSERT_EQ(0, box_state_read(s.name, &r)) TH_LOG("cut at %ld", n);
		EXPECT_GT(sizeof(r.name), strlen(r.name));
		EXPECT_GT(sizeof(r.status), strlen(r.status));
		EXPECT_GT(sizeof(r.rootfs), strlen(r.rootfs));
		EXPECT_GT(sizeof(r.net), strlen(r.net));
		EXPECT_GT(sizeof(r.ip), strlen(r.ip));
		EXPECT_GT(sizeof(r.veth), strlen(r.veth));
		EXPECT_GT(sizeof(r.cgroup), strlen(r.cgroup));
		EXPECT_GT(sizeof(r.command), strlen(r.command));
		/* the record's pid is not running (INT_MAX): no live box */
		EXPECT_STRNE("running", box_status(&r)) TH_LOG("cut at %ld", n);
	}
	free(buf);
}

TEST_F(state, garbage_record)
{
	unsigned char junk[3000];
	struct box_state r;

	/* bytes of every value, NULs and newlines among them */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	ASSERT_EQ(0, mkbox(self->root, "junk"));
	write_raw(self->root, "junk", junk, sizeof(junk));
	memset(&r, 0xa5, sizeof(r));
	ASSERT_EQ(0, box_state_read("junk", &r));
	EXPECT_GT(sizeof(r.name), strlen(r.name));
	EXPECT_GT(sizeof(r.status), strlen(r.status));
	EXPECT_GT(sizeof(r.command), strlen(r.command));
	EXPECT_STREQ("stale", box_status(&r));

	/* no key the reader knows: the directory's name, nothing running */
	write_raw(self->root, "junk", "hello\nworld=1\n=\n\n", 17);
	ASSERT_EQ(0, box_state_read("junk", &r));
	EXPECT_STREQ("junk", r.name);
	EXPECT_STREQ("", r.status);
	EXPECT_EQ(0, r.pid);
	EXPECT_STREQ("stale", box_status(&r));

	/* values that are no numbers read as 0 */
	write_raw(self->root, "junk", "pid=abc\ncaps=zz\nns=\nstatus=running\n", 35);
	ASSERT_EQ(0, box_state_read("junk", &r));
	EXPECT_EQ(0, r.pid);
	EXPECT_EQ(0, r.caps);
	EXPECT_STREQ("stale", box_status(&r));

	/* a string longer than its field is cut, and terminated */
	write_raw(self->root, "junk", "status=runningrunningrunning\nnet=bridgebridge\n", 46);
	ASSERT_EQ(0, box_state_read("junk", &r));
	EXPECT_STREQ("runningrunningr", r.status);
	EXPECT_STREQ("bridgeb", r.net);
}

TEST_F(state, status_of_live_and_dead_boxes)
{
	struct box_state s;
	pid_t child;
	int st;

	memset(&s, 0, sizeof(s));
	snprintf(s.status, sizeof(s.status), "running");
	/* this very process plays PID 1 */
	s.pid = getpid();
	s.pid_start = box_proc_start(getpid());
	ASSERT_NE(0, s.pid_start);
	EXPECT_TRUE(box_running(&s));
	EXPECT_STREQ("running", box_status(&s));
	/* same pid, another start time: the pid was reused */
	s.pid_start++;
	EXPECT_FALSE(box_running(&s));
	EXPECT_STREQ("stale", box_status(&s));
	/* the record says exited: it is, whatever runs under that pid */
	s.pid_start--;
	snprintf(s.status, sizeof(s.status), "exited");
	EXPECT_STREQ("exited", box_status(&s));

	/* starting: as long as its monitor lives */
	memset(&s, 0, sizeof(s));
	snprintf(s.status, sizeof(s.status), "starting");
	s.monitor = getpid();
	EXPECT_STREQ("starting", box_status(&s));
	/* ... even with its PID 1 alive: not set up yet, so not running
	 * (exec waits for "running"); stop and rm can reach it */
	s.pid = getpid();
	s.pid_start = box_proc_start(getpid());
	EXPECT_STREQ("starting", box_status(&s));
	EXPECT_TRUE(box_running(&s));
	s.pid = 0;
	s.pid_start = 0;
	child = fork();
	ASSERT_GE(child, 0);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &st, 0));
	s.monitor = child;		/* reaped: gone */
	EXPECT_STREQ("stale", box_status(&s));
	s.monitor = 0;
	EXPECT_STREQ("stale", box_status(&s));
	/* running, and its PID 1 is gone */
	snprintf(s.status, sizeof(s.status), "running");
	s.pid = child;
	s.pid_start = 12345;
	EXPECT_STREQ("stale", box_status(&s));
}

TEST_F(state, list_sorted_valid_dirs_only)
{
	char **names, path[4200];
	int n, fd;

	n = box_list(&names);
	ASSERT_EQ(0, n);
	box_list_free(names, n);

	ASSERT_EQ(0, mkbox(self->root, "web"));
	ASSERT_EQ(0, mkbox(self->root, "db-2"));
	ASSERT_EQ(0, mkbox(self->root, "Alpha"));
	ASSERT_EQ(0, mkbox(self->root, ".hidden"));
	snprintf(path, sizeof(path), "%s/afile", self->root);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ASSERT_GE(fd, 0);
	close(fd);

	n = box_list(&names);
	ASSERT_EQ(3, n);
	EXPECT_STREQ("Alpha", names[0]);
	EXPECT_STREQ("db-2", names[1]);
	EXPECT_STREQ("web", names[2]);
	box_list_free(names, n);
}

TEST_F(state, path_too_long)
{
	char buf[16], big[4200], want[4200];

	EXPECT_EQ(-ENAMETOOLONG, box_state_path("abc", buf, sizeof(buf)));
	EXPECT_EQ(-ENAMETOOLONG, box_state_path("a", buf, 0));
	ASSERT_EQ(0, box_state_path("abc", big, sizeof(big)));
	snprintf(want, sizeof(want), "%s/abc", self->root);
	EXPECT_STREQ(want, big);
}

TEST_HARNESS_MAIN
