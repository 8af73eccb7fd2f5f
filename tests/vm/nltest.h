/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic-netlink helpers for the VM tests.
 *
 * The tests talk to nsbox.ko with plain sockets, not through the tool or
 * libnl, so they can send exactly the malformed bytes they want and so a
 * bug in the tool cannot hide a bug in the module.
 */
#ifndef NSBOX_NLTEST_H
#define NSBOX_NLTEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../uapi/linux/nsbox.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NLT_BUF 16384

struct nlt_reply {
	int error;		/* 0, or -errno from NLMSG_ERROR */
	char extack[256];	/* NLMSGERR_ATTR_MSG, "" if none */
	int len;		/* bytes of the first non-error reply */
	char buf[NLT_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static inline int nlt_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;
	struct timeval tv = { .tv_sec = 10 };

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static inline struct nlattr *nlt_put(char *msg, uint16_t type,
				     const void *data, uint16_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct nlattr *a = (struct nlattr *)(msg + NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline void nlt_init(char *msg, uint16_t family, uint8_t cmd,
			    uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(msg, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = 1;
	g->cmd = cmd;
	g->version = NSBOX_GENL_VERSION;
}

static inline void nlt_parse_error(struct nlmsghdr *nlh, struct nlt_reply *r)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	r->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)nlh + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(r->extack, sizeof(r->extack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Send @len bytes of @msg (its nlmsg_len may claim more or less: that is
 * how the tests make truncated messages) and read until the ACK/error.
 * Returns 0 when an ACK or error arrived, -1 on a socket failure.
 */
static inline int nlt_send_raw(int fd, const void *msg, size_t len,
			       struct nlt_reply *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char in[NLT_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));

	memset(r, 0, sizeof(*r));
	if (sendto(fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, in, sizeof(in), 0);
		struct nlmsghdr *nlh;
		int left = (int)n;

		if (n < 0)
			return -1;
		for (nlh = (struct nlmsghdr *)in; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				nlt_parse_error(nlh, r);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (!r->len && nlh->nlmsg_len <= sizeof(r->buf)) {
				memcpy(r->buf, nlh, nlh->nlmsg_len);
				r->len = nlh->nlmsg_len;
			}
		}
	}
}

static inline int nlt_send(int fd, const char *msg, struct nlt_reply *r)
{
	return nlt_send_raw(fd, msg, ((const struct nlmsghdr *)msg)->nlmsg_len, r);
}

/* Attribute @type inside the genl payload of r->buf (or nested @in). */
static inline struct nlattr *nlt_find(const char *start, int len, uint16_t type)
{
	int off = 0;

	while (off + NLA_HDRLEN <= len) {
		struct nlattr *a = (struct nlattr *)(start + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static inline struct nlattr *nlt_reply_attr(const struct nlt_reply *r, uint16_t type)
{
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	return nlt_find(r->buf + hdr, r->len - hdr, type);
}

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define NLA_PAYLOAD(a) ((a)->nla_len - NLA_HDRLEN)

/* Resolve a genl family id by name through nlctrl; -1 if absent. */
static inline int nlt_family(int fd, const char *name)
{
	char msg[256] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	struct nlattr *id;

	nlt_init(msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)msg))->version = 2;
	nlt_put(msg, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (nlt_send(fd, msg, &r) || r.error || !r.len)
		return -1;
	id = nlt_reply_attr(&r, CTRL_ATTR_FAMILY_ID);
	return id ? *(uint16_t *)NLA_DATA(id) : -1;
}


/* ---- groups, tasks, VERIFY ------------------------------------------------ */

struct nlt_group {
	uint64_t v[NSBOX_GROUP_A_MAX + 1];
	unsigned char has[NSBOX_GROUP_A_MAX + 1];
	char path[256];
};

static inline void nlt_parse_group(const struct nlattr *nest, struct nlt_group *g)
{
	const char *p = (const char *)NLA_DATA(nest);
	int len = NLA_PAYLOAD(nest), off = 0;

	memset(g, 0, sizeof(*g));
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const struct nlattr *)(p + off);
		int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			break;
		if (t <= NSBOX_GROUP_A_MAX) {
			g->has[t] = 1;
			if (t == NSBOX_GROUP_A_PATH)
				snprintf(g->path, sizeof(g->path), "%s", (const char *)NLA_DATA(a));
			else if (NLA_PAYLOAD(a) == 8)
				memcpy(&g->v[t], NLA_DATA(a), 8);
			else if (NLA_PAYLOAD(a) == 1)
				g->v[t] = *(const uint8_t *)NLA_DATA(a);
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* GET_GROUP do.  Returns 0, or -errno (-ENOENT: no such group). */
static inline int nlt_get_group(int fd, int family, int kind, uint64_t id,
				struct nlt_group *g)
{
	char msg[128] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	uint8_t k = kind;
	struct nlattr *a;

	nlt_init(msg, family, NSBOX_CMD_GET_GROUP, 0);
	nlt_put(msg, NSBOX_A_KIND, &k, 1);
	nlt_put(msg, NSBOX_A_ID, &id, 8);
	if (nlt_send(fd, msg, &r))
		return -EIO;
	if (r.error)
		return r.error;
	a = nlt_reply_attr(&r, NSBOX_A_GROUP);
	if (!a)
		return -EPROTO;
	nlt_parse_group(a, g);
	return 0;
}

/*
 * Send a dump request and call @fn for each message, reading with a
 * receive buffer of @bufsize bytes (small buffers force many recvmsg()
 * calls; the kernel sizes dump messages by the largest buffer a socket
 * has used, so use a fresh socket for small buffers).  Returns the number of recvmsg() calls, or -1; *intr is set if
 * a message carried NLM_F_DUMP_INTR, *err to a dump error.
 */
static inline int nlt_dump(int fd, const char *msg, size_t bufsize,
			   void (*fn)(const struct nlmsghdr *nlh, void *arg),
			   void *arg, int *intr, int *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *req = (const struct nlmsghdr *)msg;
	char *in = malloc(bufsize);
	int calls = 0;

	*intr = 0;
	*err = 0;
	if (!in)
		return -1;
	if (sendto(fd, msg, req->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		free(in);
		return -1;
	}
	for (;;) {
		struct iovec iov = { in, bufsize };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, 0);
		struct nlmsghdr *nlh;
		int left = (int)n;

		/* A truncated datagram would lose messages: fail loudly. */
		if (n < 0 || (mh.msg_flags & MSG_TRUNC)) {
			free(in);
			return -1;
		}
		calls++;
		for (nlh = (struct nlmsghdr *)in; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				free(in);
				return calls;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				*err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				if (*err || !(nlh->nlmsg_flags & NLM_F_CAPPED))
					continue;
				free(in);
				return calls;
			}
			fn(nlh, arg);
		}
	}
}

/* The first nested attribute of @type in a genl message. */
static inline const struct nlattr *nlt_msg_attr(const struct nlmsghdr *nlh, int type)
{
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	return nlt_find((const char *)nlh + hdr, nlh->nlmsg_len - hdr, type);
}

/* VERIFY's answer (ABI 9: unsettled groups and rounds too). */
struct nlt_verified {
	uint64_t tasks, mismatches, missing, unsettled;
	uint32_t rounds;
};

static inline uint64_t nlt_u64_in(const struct nlattr *nest, uint16_t type)
{
	struct nlattr *a = nlt_find((const char *)NLA_DATA(nest), NLA_PAYLOAD(nest), type);

	if (!a)
		return ~0ULL;
	switch (NLA_PAYLOAD(a)) {
	case 1: return *(uint8_t *)NLA_DATA(a);
	case 2: return *(uint16_t *)NLA_DATA(a);
	case 4: return *(uint32_t *)NLA_DATA(a);
	default: return *(uint64_t *)NLA_DATA(a);
	}
}

/* Say which groups a VERIFY reply found wrong, as TAP comments. */
static inline void nlt_verify_log(const struct nlt_reply *r)
{
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN, off = hdr;

	while (off + NLA_HDRLEN <= r->len) {
		const struct nlattr *m = (const struct nlattr *)(r->buf + off);

		if (m->nla_len < NLA_HDRLEN || off + m->nla_len > r->len)
			break;
		if ((m->nla_type & NLA_TYPE_MASK) == NSBOX_A_MISMATCH)
			fprintf(stderr, "# VERIFY mismatch: kind %llu id %llu procs %llu threads %llu, "
				"walk %llu/%llu, check %llu field %lld have %lld want %lld\n",
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_KIND),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_ID),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_PROCS),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_THREADS),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_WALK_PROCS),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_WALK_THREADS),
				(unsigned long long)nlt_u64_in(m, NSBOX_GROUP_A_VERIFY_CHECK),
				(long long)nlt_u64_in(m, NSBOX_GROUP_A_VERIFY_FIELD),
				(long long)nlt_u64_in(m, NSBOX_GROUP_A_VERIFY_HAVE),
				(long long)nlt_u64_in(m, NSBOX_GROUP_A_VERIFY_WANT));
		off += NLA_ALIGN(m->nla_len);
	}
}

/* VERIFY: 0 or -errno; fills @v. */
static inline int nlt_verify_all(int fd, int family, struct nlt_verified *v)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct nlt_reply r;
	struct nlattr *a;

	nlt_init(msg, family, NSBOX_CMD_VERIFY, 0);
	if (nlt_send(fd, msg, &r))
		return -EIO;
	if (r.error)
		return r.error;
	a = nlt_reply_attr(&r, NSBOX_A_VERIFY_TASKS);
	v->tasks = a ? *(uint64_t *)NLA_DATA(a) : 0;
	a = nlt_reply_attr(&r, NSBOX_A_VERIFY_MISMATCHES);
	v->mismatches = a ? *(uint64_t *)NLA_DATA(a) : ~0ULL;
	a = nlt_reply_attr(&r, NSBOX_A_VERIFY_MISSING);
	v->missing = a ? *(uint64_t *)NLA_DATA(a) : ~0ULL;
	a = nlt_reply_attr(&r, NSBOX_A_VERIFY_UNSETTLED);
	v->unsettled = a ? *(uint64_t *)NLA_DATA(a) : 0;
	a = nlt_reply_attr(&r, NSBOX_A_VERIFY_ROUNDS);
	v->rounds = a ? *(uint32_t *)NLA_DATA(a) : 1;
	if (v->mismatches && v->mismatches != ~0ULL)
		nlt_verify_log(&r);
	return 0;
}

/* VERIFY: 0 or -errno; fills the counts. */
static inline int nlt_verify(int fd, int family, uint64_t *tasks,
			     uint64_t *mismatches, uint64_t *missing)
{
	struct nlt_verified v;
	int ret = nlt_verify_all(fd, family, &v);

	if (ret)
		return ret;
	*tasks = v.tasks;
	*mismatches = v.mismatches;
	*missing = v.missing;
	return 0;
}

#endif /* NSBOX_NLTEST_H */
