/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nsbox - the generic-netlink ABI between nsbox.ko and the nsbox tool.
 *
 * Family "nsbox" (NSBOX_GENL_NAME), resolved by name through the generic
 * netlink controller ("nlctrl"), like every genl family.  The family is
 * registered with netnsok, so it answers in every network namespace.
 *
 * Wire rules:
 *  - every request is a genlmsghdr (cmd = enum nsbox_cmd, version =
 *    NSBOX_GENL_VERSION) followed by attributes from enum nsbox_attr;
 *  - requests are validated strictly: an attribute the command does not
 *    accept, an attribute of the wrong size or type, trailing bytes and
 *    reserved header bits are all rejected with -EINVAL and an extended-ack
 *    (NLMSGERR_ATTR_MSG) message that says what was wrong;
 *  - counters are u64 attributes (padded with NSBOX_A_PAD /
 *    NSBOX_HOOK_A_PAD), one attribute per counter, units in the comment;
 *  - the ABI only grows: new attributes and commands are appended, never
 *    renumbered.  NSBOX_ABI_VERSION is bumped when something is added.
 *
 * docs/netlink.md describes every command and attribute in prose.
 */
#ifndef _UAPI_LINUX_NSBOX_H
#define _UAPI_LINUX_NSBOX_H

#define NSBOX_GENL_NAME		"nsbox"
/* genlmsghdr.version: the wire format of the family's messages. */
#define NSBOX_GENL_VERSION	1
/*
 * ABI revision: which commands and attributes exist.  Reported by
 * GET_INFO (NSBOX_A_ABI_VERSION) so a tool can tell what the loaded
 * module understands.
 */
#define NSBOX_ABI_VERSION	1

/* Multicast group carrying the event stream (see enum nsbox_cmd). */
#define NSBOX_MCGRP_EVENTS	"events"

/**
 * enum nsbox_cmd - generic netlink commands of the "nsbox" family
 * @NSBOX_CMD_UNSPEC: never used, rejected
 * @NSBOX_CMD_GET_INFO: do. Request: optional %NSBOX_A_ABI_VERSION (the
 *	ABI revision the caller was built for, >= 1). Reply (same cmd):
 *	%NSBOX_A_VERSION, %NSBOX_A_ABI_VERSION, %NSBOX_A_KERNEL_RELEASE,
 *	%NSBOX_A_HOOKS. Open to every caller.
 * @__NSBOX_CMD_MAX: internal use
 * @NSBOX_CMD_MAX: highest command number
 */
enum nsbox_cmd {
	NSBOX_CMD_UNSPEC,
	NSBOX_CMD_GET_INFO,

	__NSBOX_CMD_MAX,
	NSBOX_CMD_MAX = __NSBOX_CMD_MAX - 1
};

/**
 * enum nsbox_attr - top-level attributes
 * @NSBOX_A_UNSPEC: never used, rejected
 * @NSBOX_A_PAD: alignment padding for u64 attributes, never sent alone
 * @NSBOX_A_VERSION: string, the module's release ("0.1.0")
 * @NSBOX_A_ABI_VERSION: u32, ABI revision; in GET_INFO requests the
 *	caller's own (>= 1), in replies the module's
 * @NSBOX_A_KERNEL_RELEASE: string, release of the running kernel, as
 *	`uname -r` prints it
 * @NSBOX_A_HOOKS: nested, a list of %NSBOX_A_HOOK, one per kernel hook
 *	the module knows about (attached or not)
 * @NSBOX_A_HOOK: nested, one hook, attributes from enum nsbox_hook_attr
 * @__NSBOX_A_MAX: internal use
 * @NSBOX_A_MAX: highest attribute number
 */
enum nsbox_attr {
	NSBOX_A_UNSPEC,
	NSBOX_A_PAD,
	NSBOX_A_VERSION,
	NSBOX_A_ABI_VERSION,
	NSBOX_A_KERNEL_RELEASE,
	NSBOX_A_HOOKS,
	NSBOX_A_HOOK,

	__NSBOX_A_MAX,
	NSBOX_A_MAX = __NSBOX_A_MAX - 1
};

/**
 * enum nsbox_hook_kind - how a hook is attached to the kernel
 * @NSBOX_HOOK_KPROBE: a kprobe on a kernel function's entry
 * @NSBOX_HOOK_KRETPROBE: a kretprobe (entry and return of a function)
 * @NSBOX_HOOK_TRACEPOINT: a probe on a tracepoint, found by name
 */
enum nsbox_hook_kind {
	NSBOX_HOOK_KPROBE,
	NSBOX_HOOK_KRETPROBE,
	NSBOX_HOOK_TRACEPOINT,
};

/**
 * enum nsbox_hook_attr - attributes of one %NSBOX_A_HOOK
 * @NSBOX_HOOK_A_UNSPEC: never used
 * @NSBOX_HOOK_A_PAD: alignment padding for u64 attributes
 * @NSBOX_HOOK_A_NAME: string, nsbox's name for the hook ("fork", "exec")
 * @NSBOX_HOOK_A_SYMBOL: string, the kernel function or tracepoint hooked
 *	(the name actually used, including a ".isra.0"-style suffix)
 * @NSBOX_HOOK_A_KIND: u8, enum nsbox_hook_kind
 * @NSBOX_HOOK_A_ATTACHED: u8, 1 if the hook is attached, 0 if the symbol
 *	was missing or refused on this kernel (the feature is disabled)
 * @NSBOX_HOOK_A_HITS: u64, times the handler ran and did its work
 * @NSBOX_HOOK_A_MISSES: u64, times the handler ran but could not do its
 *	work (allocation failure, kprobe reentry, ...)
 * @__NSBOX_HOOK_A_MAX: internal use
 * @NSBOX_HOOK_A_MAX: highest attribute number
 */
enum nsbox_hook_attr {
	NSBOX_HOOK_A_UNSPEC,
	NSBOX_HOOK_A_PAD,
	NSBOX_HOOK_A_NAME,
	NSBOX_HOOK_A_SYMBOL,
	NSBOX_HOOK_A_KIND,
	NSBOX_HOOK_A_ATTACHED,
	NSBOX_HOOK_A_HITS,
	NSBOX_HOOK_A_MISSES,

	__NSBOX_HOOK_A_MAX,
	NSBOX_HOOK_A_MAX = __NSBOX_HOOK_A_MAX - 1
};

#endif /* _UAPI_LINUX_NSBOX_H */
