/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - who is asking: the credentials every decision is made with.
 *
 * Exports (cred.c): struct nsbox_viewer (the socket opener's credentials,
 * and the pid and cgroup namespaces the request was made in, with
 * references, for as long as a dump or a subscription lives), its life
 * (nsbox_viewer_init(), nsbox_viewer_release()), the socket's file
 * (nsbox_skb_file()), whether a request is the admin's (nsbox_skb_admin()),
 * and nsbox_cred_capable() (a capability of a stored
 * cred over a user namespace).
 * Depends on: nothing else in kmod/.
 */
#ifndef _NSBOX_CRED_H
#define _NSBOX_CRED_H

#include <linux/types.h>

struct cgroup;
struct cred;
struct file;
struct pid_namespace;
struct sk_buff;
struct user_namespace;

/**
 * struct nsbox_viewer - who asks, fixed when the socket asked
 * @admin: CAP_SYS_ADMIN in the initial user namespace, both the socket's
 *	opener and the sender (nsbox_skb_admin()): sees everything
 * @cred: the socket opener's credentials (the file's f_cred), a
 *	reference: never current's at delivery (a setuid program that
 *	reads or writes somebody else's socket lends it nothing)
 * @pidns: the sender's pid namespace when it asked, a reference: pids
 *	are numbered in it, and only its tasks are visible
 * @cgroot: the root of the sender's cgroup namespace when it asked, a
 *	reference: cgroup paths are relative to it, and only cgroups below
 *	it are visible
 * @self: the sender's process (its struct pid, a reference), which always
 *	sees itself as /proc/self does -- if it is the opener's user (same
 *	real and effective uid), not a setuid program writing somebody
 *	else's socket; else NULL
 */
struct nsbox_viewer {
	bool admin;
	const struct cred *cred;
	struct pid_namespace *pidns;
	struct cgroup *cgroot;
	struct pid *self;
};

struct file *nsbox_skb_file(const struct sk_buff *skb);
bool nsbox_skb_admin(const struct sk_buff *skb);
void nsbox_viewer_init(struct nsbox_viewer *v, const struct sk_buff *skb);
void nsbox_viewer_release(struct nsbox_viewer *v);
bool nsbox_cred_capable(const struct cred *cred, struct user_namespace *ns, int cap);

#endif /* _NSBOX_CRED_H */
