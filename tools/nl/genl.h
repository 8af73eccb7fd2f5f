/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - talking to nsbox.ko over generic netlink (libnl-genl-3).
 *
 * nsbox_nl_open() connects and resolves the "nsbox" family by name;
 * nsbox_nl_request() sends one request and hands every reply message to a
 * callback until the kernel's ACK (or DONE, for dumps).  Kernel errors come
 * back with the extended-ack message the module or the netlink core wrote,
 * so the user sees "Unknown attribute type" rather than just EINVAL.
 */
#ifndef NSBOX_GENL_H
#define NSBOX_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/genl/genl.h>

struct nsbox_nl {
	struct nl_sock *sk;
	int family;		/* numeric family id, per boot */
	unsigned int abi;	/* the module's ABI once GET_INFO said it; 0: not asked */
};

/* A kernel error: -errno and the extack message ("" if none). */
struct nsbox_nl_error {
	int err;
	uint32_t offset;	/* extack: offset of the bad attribute, or 0 */
	char msg[256];
	int dump_intr;		/* a dump saw NLM_F_DUMP_INTR: the set changed */
	int attr_type;		/* type of the attribute at offset, or -1 */
};

/* Called for each reply message; return 0 to go on, <0 to stop with error. */
typedef int (*nsbox_nl_reply_fn)(struct nl_msg *msg, void *arg);
/* The same, given the message where it was received (no copy). */
typedef int (*nsbox_nl_hdr_fn)(const struct nlmsghdr *nlh, void *arg);

/* Returns an enum nsbox_exit code; prints the error itself. */
int nsbox_nl_open(struct nsbox_nl *nl);
void nsbox_nl_close(struct nsbox_nl *nl);
static inline void nsbox_nl_closep(struct nsbox_nl *nl) { nsbox_nl_close(nl); }

/* A new request for @cmd with the family header filled in (NULL on ENOMEM). */
struct nl_msg *nsbox_nl_msg(const struct nsbox_nl *nl, uint8_t cmd, int flags);
static inline void nsbox_nl_msg_freep(struct nl_msg **msg)
{
	if (*msg)
		nlmsg_free(*msg);
}

/* Send @msg, feed replies to @fn; 0 or -errno with @e filled in. */
int nsbox_nl_request(struct nsbox_nl *nl, struct nl_msg *msg,
		     nsbox_nl_reply_fn fn, void *arg, struct nsbox_nl_error *e);
/*
 * The same, each reply handed to @fn where it lies in the receive buffer:
 * one recvmsg() per datagram into one buffer, no peek, no copy per
 * message (what a dump of thousands of groups wants).  A dump that ends
 * with an error (NLMSG_DONE carrying one) fails with it.
 */
int nsbox_nl_request_hdr(struct nsbox_nl *nl, struct nl_msg *msg,
			 nsbox_nl_hdr_fn fn, void *arg, struct nsbox_nl_error *e);

/*
 * Parse the extended-ack TLVs that follow a struct nlmsgerr in an
 * NLMSG_ERROR message @nlh of @len bytes into @e.  Exposed for unit tests.
 */
void nsbox_nl_parse_extack(const struct nlmsghdr *nlh, size_t len,
			   struct nsbox_nl_error *e);

/* Exit code and message for a failed request ("nsbox: WHAT: ..."). */
int nsbox_nl_report(const char *what, const struct nsbox_nl_error *e);

#endif
