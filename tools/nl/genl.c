// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - generic netlink session (see genl.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "err.h"
#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int nsbox_nl_open(struct nsbox_nl *nl)
{
	int one = 1, fd, ret;

	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		nsbox_err("out of memory");
		return NSBOX_EXIT_FAIL;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		nsbox_err("cannot open a generic netlink socket: %s", nl_geterror(ret));
		return NSBOX_EXIT_FAIL;
	}
	/*
	 * Ask for extended acks (the kernel's error text) and for errors
	 * without a copy of our request (NETLINK_CAP_ACK).  Both are hints:
	 * old kernels ignore them.
	 */
	fd = nl_socket_get_fd(nl->sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, NSBOX_GENL_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND) {
			nsbox_err("kernel module not loaded (generic netlink family \"%s\" not found); load it with: sudo modprobe nsbox (from a source tree: sudo insmod kmod/nsbox.ko)",
				  NSBOX_GENL_NAME);
			return NSBOX_EXIT_NOMODULE;
		}
		nsbox_err("cannot resolve generic netlink family \"%s\": %s",
			  NSBOX_GENL_NAME, nl_geterror(nl->family));
		return NSBOX_EXIT_FAIL;
	}
	return NSBOX_EXIT_OK;
}

void nsbox_nl_close(struct nsbox_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *nsbox_nl_msg(const struct nsbox_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, NSBOX_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void nsbox_nl_parse_extack(const struct nlmsghdr *nlh, size_t len,
			   struct nsbox_nl_error *e)
{
	const struct nlmsgerr *err;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *attrs;
	size_t off;

	e->msg[0] = '\0';
	e->offset = 0;
	if (len < NLMSG_HDRLEN + sizeof(*err) || nlh->nlmsg_len > len)
		return;
	err = NLMSG_DATA(nlh);
	e->err = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;

	/* The TLVs follow the nlmsgerr and, unless capped, our request. */
	off = NLMSG_HDRLEN + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len)
		return;
	attrs = (struct nlattr *)((char *)nlh + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, nlh->nlmsg_len - off, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		nla_strlcpy(e->msg, tb[NLMSGERR_ATTR_MSG], sizeof(e->msg));
		/* the module's own messages say "nsbox: "; ours do already */
		if (!strncmp(e->msg, "nsbox: ", 7))
			memmove(e->msg, e->msg + 7, strlen(e->msg + 7) + 1);
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		e->offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

/* The receive buffer: a dump's datagrams are at most 32 KiB. */
#define NSBOX_NL_RCVBUF (64 * 1024)

/* An error in @e from an NLMSG_ERROR or NLMSG_DONE message. */
static int take_error(const struct nlmsghdr *nlh, struct nsbox_nl_error *e)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		nsbox_nl_parse_extack(nlh, nlh->nlmsg_len, e);
		return e->err;
	}
	/* DONE: an int (0 or -errno), then, with NLM_F_ACK_TLVS, the extack */
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return 0;
	memcpy(&e->err, NLMSG_DATA(nlh), sizeof(int));
	if (e->err < 0 && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
		size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));

		if (off < nlh->nlmsg_len &&
		    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
			      nlh->nlmsg_len - off, NULL) == 0 && tb[NLMSGERR_ATTR_MSG]) {
			nla_strlcpy(e->msg, tb[NLMSGERR_ATTR_MSG], sizeof(e->msg));
			if (!strncmp(e->msg, "nsbox: ", 7))
				memmove(e->msg, e->msg + 7, strlen(e->msg + 7) + 1);
		}
	}
	return e->err < 0 ? e->err : 0;
}

int nsbox_nl_request_hdr(struct nsbox_nl *nl, struct nl_msg *msg,
			 nsbox_nl_hdr_fn fn, void *arg, struct nsbox_nl_error *e)
{
	static char *buf;
	int fd = nl_socket_get_fd(nl->sk), ret = 0, done = 0;
	uint32_t seq;

	memset(e, 0, sizeof(*e));
	e->attr_type = -1;
	if (!buf && !(buf = malloc(NSBOX_NL_RCVBUF)))
		return e->err = -ENOMEM;
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		e->err = -EIO;
		snprintf(e->msg, sizeof(e->msg), "send: %s", nl_geterror(ret));
		return e->err;
	}
	ret = 0;
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (!done) {
		struct sockaddr_nl sa;
		struct iovec iov = { buf, NSBOX_NL_RCVBUF };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t len = recvmsg(fd, &mh, 0);
		const struct nlmsghdr *nlh;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 || (mh.msg_flags & MSG_TRUNC)) {
			ret = e->err = len < 0 ? -errno : -EMSGSIZE;
			snprintf(e->msg, sizeof(e->msg), "receive: %s",
				 len < 0 ? strerror(errno) : "message truncated");
			break;
		}
		if (sa.nl_pid != 0)
			continue;	/* not from the kernel */
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* an answer to an earlier request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				e->dump_intr = 1;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				if (!ret)
					ret = take_error(nlh, e);
				done = 1;
				break;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;	/* NOOP, OVERRUN */
			if (fn && !ret)
				ret = fn(nlh, arg);
			if (ret < 0) {
				/* stop: the rest of a dump is read and dropped */
				if (!e->err)
					e->err = ret;
				if (!(nlh->nlmsg_flags & NLM_F_MULTI)) {
					done = 1;
					break;
				}
			}
			if (!(nlh->nlmsg_flags & NLM_F_MULTI) &&
			    (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK) == 0) {
				done = 1;	/* a single answer, no ACK asked */
				break;
			}
		}
	}
	if (ret < 0 && !e->err)
		e->err = ret;
	/* the extack offset points into our request: which attribute? */
	if (e->offset >= NLMSG_HDRLEN + GENL_HDRLEN &&
	    e->offset + NLA_HDRLEN <= nlmsg_hdr(msg)->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)
			((const char *)nlmsg_hdr(msg) + e->offset);

		e->attr_type = a->nla_type & NLA_TYPE_MASK;
	}
	return ret;
}

struct convert_ctx {
	nsbox_nl_reply_fn fn;
	void *arg;
};

/* The old callbacks take a struct nl_msg: one copy of each reply. */
static int convert(const struct nlmsghdr *nlh, void *arg)
{
	struct convert_ctx *c = arg;
	struct nl_msg *m = nlmsg_convert((struct nlmsghdr *)nlh);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = c->fn(m, c->arg);
	nlmsg_free(m);
	return ret;
}

int nsbox_nl_request(struct nsbox_nl *nl, struct nl_msg *msg,
		     nsbox_nl_reply_fn fn, void *arg, struct nsbox_nl_error *e)
{
	struct convert_ctx c = { fn, arg };

	return nsbox_nl_request_hdr(nl, msg, fn ? convert : NULL, &c, e);
}

/* Names of the top-level attributes, for error messages. */
static const char *attr_name(int type)
{
	static const char *const names[NSBOX_A_MAX + 1] = {
		[NSBOX_A_ABI_VERSION] = "NSBOX_A_ABI_VERSION",
		[NSBOX_A_KIND] = "NSBOX_A_KIND",
		[NSBOX_A_ID] = "NSBOX_A_ID",
		[NSBOX_A_EVENT_TYPES] = "NSBOX_A_EVENT_TYPES",
		[NSBOX_A_PROBE] = "NSBOX_A_PROBE",
		[NSBOX_A_PROBE_ALL] = "NSBOX_A_PROBE_ALL",
		[NSBOX_A_KINDS] = "NSBOX_A_KINDS",
		[NSBOX_A_DUMP_FLAGS] = "NSBOX_A_DUMP_FLAGS",
		[NSBOX_A_LIVE_MAX_AGE_MS] = "NSBOX_A_LIVE_MAX_AGE_MS",
		[NSBOX_A_ADOPT_DONE] = "NSBOX_A_ADOPT_DONE",
	};

	return type >= 0 && type <= NSBOX_A_MAX && names[type] ? names[type] : NULL;
}

int nsbox_nl_report(const char *what, const struct nsbox_nl_error *e)
{
	int err = -e->err;
	const char *detail = e->msg[0] ? e->msg : strerror(err);

	if (err == EPERM || err == EACCES) {
		/* root refused: not a question of privilege (lockdown, ...) */
		if (geteuid() == 0)
			nsbox_err("%s: %s", what, detail);
		else
			nsbox_err("%s: %s (this needs more privilege: run it as root)", what, detail);
		return NSBOX_EXIT_PERM;
	}
	if (err == EOPNOTSUPP) {
		nsbox_err("%s: %s (the loaded nsbox.ko is older than this tool; load the module built with it)",
			  what, detail);
		return NSBOX_EXIT_ABI;
	}
	if (e->msg[0] && e->attr_type > 0) {
		const char *name = attr_name(e->attr_type);

		/* e.g. a newer tool's attribute that this module does not know */
		if (name)
			nsbox_err("%s: %s: %s (attribute type %d) (%s)", what, e->msg, name,
				  e->attr_type, strerror(err));
		else
			nsbox_err("%s: %s: attribute type %d, unknown to the loaded module "
				  "(ABI older than this tool's %d?) (%s)", what, e->msg,
				  e->attr_type, NSBOX_ABI_VERSION, strerror(err));
	} else if (e->msg[0])
		nsbox_err("%s: %s (%s)", what, e->msg, strerror(err));
	else
		nsbox_err("%s: %s", what, strerror(err));
	return NSBOX_EXIT_FAIL;
}
