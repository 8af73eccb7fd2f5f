// SPDX-License-Identifier: GPL-2.0
/*
 * extack_test - host unit test of the tool's extended-ack parser
 * (tools/nl/genl.c), on NLMSG_ERROR messages built byte by byte the way the
 * kernel lays them out (capped and uncapped, with and without TLVs).
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "genl.h"

struct errmsg {
	char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
};

/* An NLMSG_ERROR for a request of @req_payload bytes, echoed unless @capped. */
static void build(struct errmsg *m, int error, int capped, size_t req_payload,
		  const char *text, int with_offset)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;

	memset(m, 0, sizeof(*m));
	nlh->nlmsg_type = NLMSG_ERROR;
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + req_payload;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	else
		off += NLMSG_ALIGN(req_payload);
	if (text) {
		struct nlattr *a = (struct nlattr *)(m->buf + off);

		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(text) + 1;
		memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
		off += NLA_ALIGN(a->nla_len);
		if (with_offset) {
			a = (struct nlattr *)(m->buf + off);
			a->nla_type = NLMSGERR_ATTR_OFFS;
			a->nla_len = NLA_HDRLEN + 4;
			*(uint32_t *)((char *)a + NLA_HDRLEN) = 24;
			off += NLA_ALIGN(a->nla_len);
		}
	}
	nlh->nlmsg_len = off;
	m->len = off;
}

TEST(capped_with_message_and_offset)
{
	struct errmsg m;
	struct nsbox_nl_error e;

	build(&m, -EINVAL, 1, 20, "Unknown attribute type", 1);
	nsbox_nl_parse_extack((struct nlmsghdr *)m.buf, m.len, &e);
	EXPECT_EQ(-EINVAL, e.err);
	EXPECT_STREQ("Unknown attribute type", e.msg);
	EXPECT_EQ(24, e.offset);
}

TEST(uncapped_skips_echoed_request)
{
	struct errmsg m;
	struct nsbox_nl_error e;

	build(&m, -EINVAL, 0, 28, "Attribute failed policy validation", 0);
	nsbox_nl_parse_extack((struct nlmsghdr *)m.buf, m.len, &e);
	EXPECT_STREQ("Attribute failed policy validation", e.msg);
	EXPECT_EQ(0, e.offset);
}

TEST(no_tlvs_means_no_message)
{
	struct errmsg m;
	struct nsbox_nl_error e;

	build(&m, -EOPNOTSUPP, 1, 4, NULL, 0);
	nsbox_nl_parse_extack((struct nlmsghdr *)m.buf, m.len, &e);
	EXPECT_EQ(-EOPNOTSUPP, e.err);
	EXPECT_STREQ("", e.msg);
}

TEST(truncated_buffer_is_ignored)
{
	struct errmsg m;
	struct nsbox_nl_error e = { .msg = "stale" };

	build(&m, -EINVAL, 1, 4, "text", 0);
	/* Claims more bytes than we have: must not read past the buffer. */
	nsbox_nl_parse_extack((struct nlmsghdr *)m.buf, NLMSG_HDRLEN + 2, &e);
	EXPECT_STREQ("", e.msg);
}

TEST(overlong_message_is_cut_and_terminated)
{
	struct errmsg m;
	struct nsbox_nl_error e;
	char text[400];

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	build(&m, -EINVAL, 1, 4, text, 0);
	nsbox_nl_parse_extack((struct nlmsghdr *)m.buf, m.len, &e);
	EXPECT_EQ(sizeof(e.msg) - 1, strlen(e.msg));
}

TEST_HARNESS_MAIN
