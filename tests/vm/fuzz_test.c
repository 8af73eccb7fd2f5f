// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_test - malformed input: 100,000 random and mutated "nsbox" messages
 * (every command, unknown commands, random and valid-looking attributes,
 * wrong sizes, nested garbage, NLA_F_NESTED flips, reserved header bits,
 * odd flags, truncated lengths).  Every one must get an answer -- an error
 * from a small documented set, or valid replies ending in DONE/ACK -- and
 * the module must keep answering GET_INFO.  The VM harness then fails the
 * run if the kernel logged any problem.  NSBOX_FUZZ_N overrides the count.
 */
#include <poll.h>

#include "kselftest_harness.h"
#include "nltest.h"

static unsigned int seed = 20261123;

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)rand_r(&seed) % n : 0;
}

/* A valid-looking attribute for the nsbox request attribute space. */
static void put_plausible(char *msg)
{
	uint64_t id = rnd(4) ? 4026531840ULL + rnd(600) : ((uint64_t)rand_r(&seed) << 32) | rand_r(&seed);
	uint32_t abi = rnd(4);
	uint8_t kind = rnd(12);

	switch (rnd(3)) {
	case 0: nlt_put(msg, NSBOX_A_KIND, &kind, 1); break;
	case 1: nlt_put(msg, NSBOX_A_ID, &id, 8); break;
	default: nlt_put(msg, NSBOX_A_ABI_VERSION, &abi, 4); break;
	}
}

static void put_garbage(char *msg)
{
	char junk[96];
	uint16_t type = rnd(3) ? rnd(NSBOX_A_MAX + 4) : rand_r(&seed) & 0xffff;
	uint16_t len = rnd(sizeof(junk));
	struct nlattr *a;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = rand_r(&seed);
	if (rnd(4) == 0 && len >= NLA_HDRLEN) {
		/* nested garbage: an attribute header inside */
		a = (struct nlattr *)junk;
		a->nla_len = rnd(len + 8);
		a->nla_type = rand_r(&seed);
		type |= NLA_F_NESTED;
	}
	nlt_put(msg, type, junk, len);
}

struct tally {
	long ok, einval, erange, eopnotsupp, enoent, eperm, other, extack, replies;
};

/* Read replies until DONE or an error/ACK; 0, or -1 on a timeout. */
static int drain(int fd, struct tally *t)
{
	char in[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		int left;

		if (poll(&p, 1, 10000) != 1)
			return -1;
		left = recv(fd, in, sizeof(in), 0);
		if (left < 0)
			return -1;
		for (nlh = (struct nlmsghdr *)in; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				t->ok++;
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlt_reply r;

				memset(&r, 0, sizeof(r));
				nlt_parse_error(nlh, &r);
				switch (r.error) {
				case 0: t->ok++; break;
				case -EINVAL: t->einval++; break;
				case -ERANGE: t->erange++; break;
				case -EOPNOTSUPP: t->eopnotsupp++; break;
				case -ENOENT: t->enoent++; break;
				case -EPERM: t->eperm++; break;
				default:
					t->other++;
					fprintf(stderr, "# unexpected error %d (%s)\n",
						r.error, r.extack);
				}
				t->extack += r.extack[0] != 0;
				return 0;
			}
			t->replies++;
		}
	}
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* Up to 10 minutes: 100,000 round trips under TCG on a busy host. */
TEST_F_TIMEOUT(fuzz, hundred_thousand_malformed_messages, 600)
{
	const char *env = getenv("NSBOX_FUZZ_N");
	long n = env ? atol(env) : 100000, i;
	char msg[2048] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct tally t = { 0 };
	int fd = nlt_socket(), family;

	family = nlt_family(fd, NSBOX_GENL_NAME);
	ASSERT_LT(0, family);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
		struct genlmsghdr *g;
		uint8_t cmd = rnd(8) ? 1 + rnd(NSBOX_CMD_MAX) : rnd(256);
		int nattrs = rnd(6), j;
		size_t len;

		/* RESET rarely: it would keep zeroing counters */
		if (cmd == NSBOX_CMD_RESET && rnd(20))
			cmd = NSBOX_CMD_GET_INFO;
		nlt_init(msg, family, cmd, rnd(3) == 0 ? NLM_F_DUMP : 0);
		g = NLMSG_DATA(nlh);
		if (rnd(16) == 0)
			g->reserved = rand_r(&seed);
		if (rnd(16) == 0)
			g->version = rand_r(&seed);
		if (rnd(16) == 0)
			nlh->nlmsg_flags |= (rand_r(&seed) & 0x0f00) | NLM_F_ECHO;
		for (j = 0; j < nattrs; j++) {
			if (rnd(2))
				put_plausible(msg);
			else
				put_garbage(msg);
		}
		/*
		 * Truncate: cut the message anywhere (even inside the genl
		 * header or an attribute).  The datagram is exactly nlmsg_len
		 * long: a shorter datagram is dropped by the netlink core
		 * without any answer, a longer one is parsed as two messages.
		 */
		if (rnd(10) == 0)
			nlh->nlmsg_len -= rnd(nlh->nlmsg_len - NLMSG_HDRLEN + 1);
		len = nlh->nlmsg_len;
		ASSERT_LT(0, sendto(fd, msg, len, 0, (struct sockaddr *)&k, sizeof(k)));
		ASSERT_EQ(0, drain(fd, &t)) TH_LOG("no answer to message %ld", i);
		if (i % 5000 == 0) {
			struct nlt_reply *r = calloc(1, sizeof(*r));
			char info[64] __attribute__((aligned(NLMSG_ALIGNTO)));
			int fd2 = nlt_socket();

			nlt_init(info, family, NSBOX_CMD_GET_INFO, 0);
			ASSERT_EQ(0, nlt_send(fd2, info, r));
			ASSERT_EQ(0, r->error) TH_LOG("module stopped answering after %ld messages", i);
			close(fd2);
			free(r);
		}
	}
	TH_LOG("%ld messages: %ld ok, %ld EINVAL, %ld ERANGE, %ld EOPNOTSUPP, %ld ENOENT, %ld EPERM, %ld other; %ld with an extack message; %ld reply messages",
	       n, t.ok, t.einval, t.erange, t.eopnotsupp, t.enoent, t.eperm, t.other, t.extack, t.replies);
	EXPECT_EQ(0, t.other);
	EXPECT_EQ(n, t.ok + t.einval + t.erange + t.eopnotsupp + t.enoent + t.eperm);
	/* attribute errors carry the kernel's explanation */
	EXPECT_LE(t.erange, t.extack);
	close(fd);
	/*
	 * Nothing the messages reached went wrong without an error reply:
	 * no UBSAN, KASAN or WARN report in the kernel's log (said here, not
	 * by whichever test checks dmesg next).
	 */
	EXPECT_EQ(0, system("nsbox-dmesg-check")) TH_LOG("the kernel reported a problem (above)");
}

TEST_HARNESS_MAIN
