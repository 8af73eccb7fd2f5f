// SPDX-License-Identifier: GPL-2.0
/*
 * events_test - the event stream's loss accounting, and its cost when
 * nobody listens.
 *
 * A subscriber that does not read while a child forks N times must end up
 * with FORK events and LOST records that add up to N: the module counts
 * every event it could not put in the socket and reports the count before
 * the next event that fits.  The subscription asks for FORK only, so every
 * lost event is a fork; the children's forks are told apart by their
 * parent's pid.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "nltest.h"

struct tally {
	pid_t parent;
	long forks;		/* FORK events whose ppid is @parent */
	long other_forks;
	long lost;
	long lost_records;
	pid_t markers[64];	/* forked after the test's forks: the end */
	int nmarkers;
	bool marker_seen;
};

static void count_event(const struct nlmsghdr *nlh, struct tally *t)
{
	const struct nlattr *ev = nlt_msg_attr(nlh, NSBOX_A_EVENT);
	const struct nlattr *a;
	uint8_t type;

	if (!ev)
		return;
	a = nlt_find(NLA_DATA(ev), NLA_PAYLOAD(ev), NSBOX_EVENT_A_TYPE);
	if (!a)
		return;
	type = *(uint8_t *)NLA_DATA(a);
	if (type == NSBOX_EVENT_LOST) {
		a = nlt_find(NLA_DATA(ev), NLA_PAYLOAD(ev), NSBOX_EVENT_A_LOST);
		t->lost += a ? *(uint64_t *)NLA_DATA(a) : 0;
		t->lost_records++;
		return;
	}
	if (type != NSBOX_EVENT_FORK)
		return;
	a = nlt_find(NLA_DATA(ev), NLA_PAYLOAD(ev), NSBOX_EVENT_A_PID);
	for (int i = 0; a && i < t->nmarkers; i++)
		if (*(uint32_t *)NLA_DATA(a) == (uint32_t)t->markers[i])
			t->marker_seen = true;
	a = nlt_find(NLA_DATA(ev), NLA_PAYLOAD(ev), NSBOX_EVENT_A_PPID);
	if (a && *(uint32_t *)NLA_DATA(a) == (uint32_t)t->parent)
		t->forks++;
	else
		t->other_forks++;
}

/* Read what is queued until a marker's FORK came or @quiet_ms passed without a message. */
static void read_some(int fd, struct tally *t, int quiet_ms)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct timeval tv = { .tv_sec = quiet_ms / 1000, .tv_usec = quiet_ms % 1000 * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!t->marker_seen) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		int left = (int)n;

		/* the module overran us: ENOBUFS once, then the data */
		if (n < 0 && errno == ENOBUFS)
			continue;
		if (n < 0)
			return;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
				count_event(nlh, t);
	}
}

/*
 * Read to the end of the stream: the end is a FORK of ours made after the
 * test's forks (events come out in time order).  A marker can itself be
 * lost while the socket is full; once the reads have made room, the next
 * one arrives.  The timeout only says when to make another, it is never
 * taken as the end.
 */
static void read_all(int fd, struct tally *t)
{
	while (!t->marker_seen && t->nmarkers < 60) {
		pid_t m = fork();

		if (m == 0)
			_exit(0);
		waitpid(m, NULL, 0);
		t->markers[t->nmarkers++] = m;
		read_some(fd, t, 1000);
	}
}

/* A child that forks and reaps @n children, then exits. */
static pid_t start_forker(int n)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
	}
	_exit(0);
}

static int subscribe(int fd, int family, uint32_t types)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlt_reply *r = calloc(1, sizeof(*r));
	int ret;

	nlt_init(msg, family, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);
	nlt_put(msg, NSBOX_A_EVENT_TYPES, &types, sizeof(types));
	ret = nlt_send(fd, msg, r) ? -1 : r->error;
	free(r);
	return ret;
}

FIXTURE(ev) {
	int unused;
};

FIXTURE_SETUP(ev)
{
}

FIXTURE_TEARDOWN(ev)
{
}

/* 2,000 forks take ~10 s under TCG: more than the harness' default 30 s
 * when the machine is busy, so each test has its own limit. */
TEST_F_TIMEOUT(ev, slow_listener_lost_plus_delivered_is_every_fork, 300)
{
	const char *env = getenv("NSBOX_EVENTS_FORKS");	/* fewer on the debug kernel */
	int fd = nlt_socket(), family, rcvbuf = 4096, status;
	const int n = env ? atoi(env) : 2000;
	struct tally t = { 0 };
	pid_t forker;

	ASSERT_LE(0, fd);
	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, family);
	/* a tiny receive buffer: a few events fit, the rest must be counted */
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
	ASSERT_EQ(0, subscribe(fd, family, 1u << NSBOX_EVENT_FORK));

	forker = start_forker(n);
	t.parent = forker;
	ASSERT_EQ(forker, waitpid(forker, &status, 0));
	/* read only now: the socket overflowed long ago */
	read_all(fd, &t);
	TH_LOG("%d forks: %ld delivered, %ld lost in %ld LOST records, %ld other forks, %d markers",
	       n, t.forks, t.lost, t.lost_records, t.other_forks, t.nmarkers);
	ASSERT_TRUE(t.marker_seen);
	EXPECT_LT(0, t.lost_records);
	EXPECT_LT(0, t.forks);
	/* LOST counts every undelivered fork, ours and any other's */
	EXPECT_LE(n, t.forks + t.lost);
	EXPECT_GE(n + t.other_forks + t.nmarkers + 20, t.forks + t.lost);
	close(fd);
}

TEST_F_TIMEOUT(ev, a_listener_with_room_loses_nothing, 300)
{
	int fd = nlt_socket(), family, status, big = 8 << 20;
	const int n = 300;
	struct tally t = { 0 };
	pid_t forker;

	ASSERT_LE(0, fd);
	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, family);
	/* room for every event: this listener reads late but has space */
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)));
	ASSERT_EQ(0, subscribe(fd, family, 1u << NSBOX_EVENT_FORK));
	forker = start_forker(n);
	t.parent = forker;
	ASSERT_EQ(forker, waitpid(forker, &status, 0));
	read_all(fd, &t);
	TH_LOG("%d forks: %ld delivered, %ld lost, %d markers", n, t.forks, t.lost, t.nmarkers);
	ASSERT_TRUE(t.marker_seen);
	EXPECT_EQ(n, t.forks);
	EXPECT_EQ(0, t.lost);
	close(fd);
}

TEST(subscribe_rejects_unknown_event_types)
{
	int fd = nlt_socket(), family;
	uint32_t bad = 1u << 31;
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlt_reply *r = calloc(1, sizeof(*r));

	family = nlt_family(fd, NSBOX_GENL_NAME);
	nlt_init(msg, family, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);
	nlt_put(msg, NSBOX_A_EVENT_TYPES, &bad, sizeof(bad));
	ASSERT_EQ(0, nlt_send(fd, msg, r));
	EXPECT_EQ(-EINVAL, r->error);
	EXPECT_NE(0, r->extack[0]) TH_LOG("extack: %s", r->extack);
	free(r);
	close(fd);
}

TEST_HARNESS_MAIN
