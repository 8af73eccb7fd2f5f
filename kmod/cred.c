// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - who is asking.
 *
 * A netlink request runs in the context of whoever calls sendmsg(), and a
 * dump goes on in whoever calls recvmsg(): not necessarily the process
 * that opened the socket.  An unprivileged user can hand its socket to a
 * setuid program (as its stdin or stdout); if the module then looked at
 * current's credentials, the setuid program's would decide what the
 * user's socket sees.  netlink_capable() exists for exactly this: it asks
 * that the socket's opener *and* the sender hold a capability.  nsbox
 * applies the same rule to everything else it decides: who may see which
 * task, group or event is judged with the opener's credentials (the
 * socket file's f_cred), captured when the socket asked (a dump's .start,
 * SUBSCRIBE) and kept with the dump or the subscription, never read from
 * current later.  The pid and cgroup namespaces the request came from are
 * captured at the same moment (a file does not record them).
 */
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/user_namespace.h>
#include <net/sock.h>

#include "cred.h"

/**
 * nsbox_skb_file() - the file of the socket a request came from
 * @skb: a request (a doit's skb, or a dump's cb->skb)
 *
 * Valid while the request is being handled (the sender holds the file);
 * NULL for a kernel socket, which has none.
 */
struct file *nsbox_skb_file(const struct sk_buff *skb)
{
	struct sock *sk = NETLINK_CB(skb).sk;
	struct socket *sock = sk ? sk->sk_socket : NULL;

	return sock ? sock->file : NULL;
}

/**
 * nsbox_skb_admin() - is a request the admin's?
 * @skb: the request
 *
 * CAP_SYS_ADMIN in the initial user namespace, held by the socket's
 * opener and by the sender.  netlink_capable() asks both too, except when
 * the sender named a destination address in sendto() (NETLINK_SKB_DST):
 * then only the sender -- so a setuid program that writes somebody's
 * bytes with sendto() would make them the admin's.  nsbox asks the opener
 * always.
 */
bool nsbox_skb_admin(const struct sk_buff *skb)
{
	struct file *file = nsbox_skb_file(skb);

	return file && file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       netlink_capable(skb, CAP_SYS_ADMIN);
}

/**
 * nsbox_viewer_init() - capture who asks, from a request being handled
 * @v: filled in, with references (nsbox_viewer_release())
 * @skb: the request
 *
 * Called in the sender's context (a doit, a dump's .start, SUBSCRIBE).
 */
void nsbox_viewer_init(struct nsbox_viewer *v, const struct sk_buff *skb)
{
	struct file *file = nsbox_skb_file(skb);

	v->admin = nsbox_skb_admin(skb);
	v->cred = get_cred(file ? file->f_cred : current_cred());
	v->pidns = get_pid_ns(task_active_pid_ns(current));
	v->self = NULL;
	if (uid_eq(current_euid(), v->cred->euid) && uid_eq(current_uid(), v->cred->uid))
		v->self = get_pid(task_tgid(current));
	rcu_read_lock();
	v->cgroot = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
	cgroup_get(v->cgroot);
	rcu_read_unlock();
}

void nsbox_viewer_release(struct nsbox_viewer *v)
{
	if (!v->cred)
		return;
	put_cred(v->cred);
	put_pid_ns(v->pidns);
	cgroup_put(v->cgroot);
	put_pid(v->self);
	v->cred = NULL;
}

/**
 * nsbox_cred_capable() - does @cred hold @cap over @ns?
 * @cred: any credentials (a socket opener's, kept since it asked)
 * @ns: the user namespace the capability is needed over
 * @cap: the capability
 *
 * The rule of cap_capable() (security/commoncap.c): the capability in
 * @ns itself or in an ancestor, or being the owner of a namespace below
 * @cred's own.  The LSM hooks are not consulted (as for
 * ns_capable_noaudit(), and there is no LSM hook for a stored cred that
 * is not current's without auditing each refusal).
 */
bool nsbox_cred_capable(const struct cred *cred, struct user_namespace *ns, int cap)
{
	for (;;) {
		if (ns == cred->user_ns)
			return cap_raised(cred->cap_effective, cap);
		if (ns->level <= cred->user_ns->level)
			return false;
		/* the owner of a child namespace has every capability in it */
		if (ns->parent == cred->user_ns && uid_eq(ns->owner, cred->euid))
			return true;
		ns = ns->parent;
	}
}
