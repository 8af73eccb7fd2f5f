// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - generic netlink session (see genl.h). */
#include <errno.h>
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

struct request_ctx {
	nsbox_nl_reply_fn fn;
	void *arg;
	struct nsbox_nl_error *e;
	int done;
	int ret;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;
	int ret;

	if (!ctx->fn)
		return NL_OK;
	ret = ctx->fn(msg, ctx->arg);
	if (ret < 0) {
		ctx->ret = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)msg;
	ctx->done = 1;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)msg;
	ctx->e->dump_intr = 1;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct request_ctx *ctx = arg;
	/* libnl hands us the payload; the header sits just before it. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)err - NLMSG_HDRLEN);

	(void)who;
	nsbox_nl_parse_extack(nlh, nlh->nlmsg_len, ctx->e);
	ctx->e->err = err->error;
	ctx->ret = err->error;
	ctx->done = 1;
	return NL_STOP;
}

int nsbox_nl_request(struct nsbox_nl *nl, struct nl_msg *msg,
		     nsbox_nl_reply_fn fn, void *arg, struct nsbox_nl_error *e)
{
	struct request_ctx ctx = { .fn = fn, .arg = arg, .e = e };
	struct nl_cb *cb;
	int ret;

	memset(e, 0, sizeof(*e));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return e->err = -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &ctx);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ctx);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		e->err = -EIO;
		snprintf(e->msg, sizeof(e->msg), "send: %s", nl_geterror(ret));
		nl_cb_put(cb);
		return e->err;
	}
	while (!ctx.done && ctx.ret == 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && ctx.ret == 0) {
			ctx.ret = -EIO;
			snprintf(e->msg, sizeof(e->msg), "receive: %s", nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	if (ctx.ret < 0 && !e->err)
		e->err = ctx.ret;
	/* the extack offset points into our request: which attribute? */
	e->attr_type = -1;
	if (e->offset >= NLMSG_HDRLEN + GENL_HDRLEN &&
	    e->offset + NLA_HDRLEN <= nlmsg_hdr(msg)->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)
			((const char *)nlmsg_hdr(msg) + e->offset);

		e->attr_type = a->nla_type & NLA_TYPE_MASK;
	}
	return ctx.ret;
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
