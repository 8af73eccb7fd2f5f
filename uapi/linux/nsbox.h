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
 *    renumbered.  NSBOX_ABI_VERSION is bumped when something is added
 *    (and was once when attributes changed type: ABI 7, GET_TASK's
 *    namespace ids from u32 to u64; read a value by its length).
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
#define NSBOX_ABI_VERSION	10

/*
 * Multicast group carrying the event stream (NSBOX_CMD_EVENT messages):
 * every event, pids as the initial pid namespace numbers them, in the
 * initial network namespace only.  Joining it needs CAP_SYS_ADMIN.
 * Everybody else subscribes with NSBOX_CMD_SUBSCRIBE and gets the events
 * it may see, one unicast message each (docs/security.md).
 */
#define NSBOX_MCGRP_EVENTS	"events"

/**
 * enum nsbox_cmd - generic netlink commands of the "nsbox" family
 * @NSBOX_CMD_UNSPEC: never used, rejected
 * @NSBOX_CMD_GET_INFO: do. Request: optional %NSBOX_A_ABI_VERSION (the
 *	ABI revision the caller was built for, >= 1). Reply (same cmd):
 *	%NSBOX_A_VERSION, %NSBOX_A_ABI_VERSION, %NSBOX_A_KERNEL_RELEASE,
 *	%NSBOX_A_HOOKS, the limits, %NSBOX_A_SHARE, and for the admin the
 *	table statistics (%NSBOX_A_GROUPS ...).  Open to every caller; since
 *	ABI 9 a caller other than the admin gets no figure about the whole
 *	machine (table statistics, hook hits, memory, probes), only its own
 *	share and subscriptions.
 * @NSBOX_CMD_GET_GROUP: do: %NSBOX_A_KIND + %NSBOX_A_ID select one group;
 *	dump: every group, or those of one %NSBOX_A_KIND, or (ABI 9) of the
 *	kinds in %NSBOX_A_KINDS. Each reply holds one %NSBOX_A_GROUP. Dumps
 *	resume by (kind, id) and set NLM_F_DUMP_INTR when groups were added
 *	or evicted meanwhile.  Live values (CPU, faults, I/O of the tasks
 *	still running, RSS, VM) come from a walk of all tasks that every
 *	reader shares (ABI 9): %NSBOX_A_LIVE_MAX_AGE_MS says how old it may
 *	be (default 0: one that began after the request), each group says
 *	when its walk began (%NSBOX_GROUP_A_LIVE_TIME).  %NSBOX_A_DUMP_FLAGS
 *	(enum nsbox_dump_flags) asks for the values packed
 *	(%NSBOX_GROUP_A_VALUES) or for no live value at all (no walk).
 *	Callers other than the admin may ask a bounded number of times per
 *	second (module parameter user_walks_per_sec): -EBUSY past it.
 * @NSBOX_CMD_GET_TASK: dump: every task, or (with %NSBOX_A_KIND +
 *	%NSBOX_A_ID) those in one group. Each reply holds one %NSBOX_A_TASK;
 *	pids are as seen from the caller's pid namespace. Resumes by pid.
 * @NSBOX_CMD_RESET: do, needs CAP_SYS_ADMIN: zero the cumulative counters
 *	of every group, or of the group given by %NSBOX_A_KIND + %NSBOX_A_ID.
 *	Live counts (procs, threads, rss, load) are not touched.  A group
 *	that does not exist: -ENOENT.
 * @NSBOX_CMD_VERIFY: do, needs CAP_SYS_ADMIN: walk every task, count
 *	procs and threads per group, and check the incremental counters
 *	against them (enum nsbox_verify_check).  Reply:
 *	%NSBOX_A_VERIFY_TASKS, %NSBOX_A_VERIFY_GROUPS and one
 *	%NSBOX_A_MISMATCH per (group, check) that failed.  A group whose
 *	counts changed during a walk is walked again (ABI 9), and a failed
 *	check must fail the same way in two walks during which the group
 *	did not change: a mismatch is a wrong counter, never a task that
 *	forked or exited meanwhile.  %NSBOX_A_VERIFY_UNSETTLED counts the
 *	groups that never held still (checked neither way),
 *	%NSBOX_A_VERIFY_ROUNDS the walks made.
 * @NSBOX_CMD_ADOPT: do (ABI 6), needs CAP_SYS_ADMIN: make a group for the
 *	namespace behind %NSBOX_A_NS_FD (below); or (ABI 9), with
 *	%NSBOX_A_ADOPT_DONE and no fd, say that every namespace without
 *	tasks has been handed over (GET_INFO's %NSBOX_A_ADOPTED is set until
 *	the module could have missed one).
 * @NSBOX_CMD_SUBSCRIBE: do (ABI 3): send this socket the events its
 *	sender may see, as unicast %NSBOX_CMD_EVENT messages, until the
 *	socket is closed.  Optional %NSBOX_A_EVENT_TYPES (u32, bit per enum
 *	nsbox_event_type; default all).  Subscribing again replaces the mask.
 * @NSBOX_CMD_EVENT: kernel to user only: one event, %NSBOX_A_EVENT
 * @NSBOX_CMD_ADOPT + %NSBOX_A_NS_FD: make a group for the
 *	namespace behind %NSBOX_A_NS_FD, a file descriptor of the sender's
 *	open on a namespace file (/proc/PID/ns/KIND, a bind mount of one,
 *	an fd another process holds, reopened through /proc/PID/fd/N).  For
 *	namespaces that no task is in, kept alive by a bind mount or an open
 *	file since before the module was loaded: the module cannot find
 *	those itself.  A group that exists already is left as it is.
 *	Reply: %NSBOX_A_GROUP (kind and id only).
 * @NSBOX_CMD_PROBE_ADD: do (ABI 8), needs CAP_SYS_ADMIN: plant a probe
 *	described by %NSBOX_A_PROBE (NAME, SYMBOL; optional RET, SUM_ARG):
 *	a kprobe (or a kretprobe with RET) on the kernel function SYMBOL
 *	that counts calls per group of the calling task.  Reply: the probe
 *	as PROBE_GET gives it.  -EEXIST: the name is taken; -ENOSPC: the
 *	probe table is full (module parameter max_probes); -ENOENT: no such
 *	function; -EINVAL: the kernel refuses to probe it (kprobe
 *	blacklist, not a function start).  The extack says which.
 * @NSBOX_CMD_PROBE_DEL: do (ABI 8), needs CAP_SYS_ADMIN: remove the probe
 *	%NSBOX_A_PROBE NAME, or every probe with %NSBOX_A_PROBE_ALL.
 * @NSBOX_CMD_PROBE_GET: do (ABI 8), needs CAP_SYS_ADMIN: one probe by
 *	%NSBOX_A_PROBE NAME; dump: every probe.  Each reply holds one
 *	%NSBOX_A_PROBE (enum nsbox_probe_attr, no per-group numbers).
 * @NSBOX_CMD_PROBE_STATS: dump (ABI 8), needs CAP_SYS_ADMIN: the groups
 *	of the probe %NSBOX_A_PROBE NAME that it counted, one
 *	%NSBOX_A_PROBE_STAT each (enum nsbox_probe_attr: KIND, ID, CALLS,
 *	SUM, and for RET probes NS_TOTAL, NS_MIN, NS_MAX, HIST).  Resumes
 *	by the position in the probe's table of groups.
 * @__NSBOX_CMD_MAX: internal use
 * @NSBOX_CMD_MAX: highest command number
 */
enum nsbox_cmd {
	NSBOX_CMD_UNSPEC,
	NSBOX_CMD_GET_INFO,
	NSBOX_CMD_GET_GROUP,
	NSBOX_CMD_GET_TASK,
	NSBOX_CMD_RESET,
	NSBOX_CMD_VERIFY,
	NSBOX_CMD_SUBSCRIBE,
	NSBOX_CMD_EVENT,
	NSBOX_CMD_ADOPT,
	NSBOX_CMD_PROBE_ADD,
	NSBOX_CMD_PROBE_DEL,
	NSBOX_CMD_PROBE_GET,
	NSBOX_CMD_PROBE_STATS,

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
 * @NSBOX_A_KIND: u8, enum nsbox_kind (request filter or selector)
 * @NSBOX_A_ID: u64, group id: namespace inode number or cgroup id
 * @NSBOX_A_GROUP: nested, one group, attributes from enum nsbox_group_attr
 * @NSBOX_A_TASK: nested, one task, attributes from enum nsbox_task_attr
 * @NSBOX_A_GROUPS: u64, groups in the table now
 * @NSBOX_A_MAX_GROUPS: u64, the table's limit (module parameter max_groups)
 * @NSBOX_A_EVICTIONS: u64, empty groups evicted to make room, since load
 * @NSBOX_A_ALLOC_FAILURES: u64, groups that could not be created (table
 *	full of live groups, or no memory); their events were not counted
 * @NSBOX_A_MEMORY_BYTES: u64, memory the group table uses now, in bytes
 * @NSBOX_A_GROUP_BYTES: u32, bytes per group (slab object size)
 * @NSBOX_A_LOAD_WALKS: u32, start-up walks of all tasks until one saw no
 *	concurrent event (1 on a quiet system)
 * @NSBOX_A_VERIFY_TASKS: u64, tasks VERIFY walked
 * @NSBOX_A_VERIFY_GROUPS: u64, groups VERIFY compared
 * @NSBOX_A_MISMATCH: nested, one check that failed for one group,
 *	attributes from enum nsbox_group_attr: KIND, ID, PROCS and THREADS
 *	as counted, WALK_PROCS and WALK_THREADS as found by the walk, and
 *	(ABI 4) VERIFY_CHECK, VERIFY_FIELD, VERIFY_HAVE, VERIFY_WANT
 * @NSBOX_A_VERIFY_MISMATCHES: u64, (group, check) pairs that failed (the
 *	reply lists as many %NSBOX_A_MISMATCH as fit in one message)
 * @NSBOX_A_VERIFY_MISSING: u64, (task, kind) pairs whose group is not in
 *	the table (it could not be created)
 * @NSBOX_A_EVENT: nested, one event, attributes from enum nsbox_event_attr
 * @NSBOX_A_EVENT_TYPES: u32, SUBSCRIBE: bit (1 << enum nsbox_event_type)
 *	per event type wanted
 * @NSBOX_A_EVENT_SUBSCRIBERS: u32, GET_INFO: sockets subscribed now (to
 *	a caller other than the admin, since ABI 9: its own)
 * @NSBOX_A_EVENT_RING_BYTES: u64, GET_INFO: memory of the per-CPU event
 *	buffers (module parameter events_per_cpu)
 * @NSBOX_A_PROBE: nested (ABI 8), one probe, enum nsbox_probe_attr
 * @NSBOX_A_PROBE_ALL: flag (ABI 8), PROBE_DEL: every probe
 * @NSBOX_A_PROBE_STAT: nested (ABI 8), one group's numbers of one probe,
 *	enum nsbox_probe_attr
 * @NSBOX_A_PROBES: u32 (ABI 8), GET_INFO: probes planted now
 * @NSBOX_A_PROBES_MAX: u32 (ABI 8), GET_INFO: the most probes at once
 *	(module parameter max_probes)
 * @NSBOX_A_PROBE_GROUPS_MAX: u32 (ABI 8), GET_INFO: the most groups one
 *	probe counts (module parameter probe_groups); more are misses
 * @NSBOX_A_PROBE_BYTES: u64 (ABI 8), GET_INFO: memory the probes hold now
 * @NSBOX_A_NS_FD: u32, ADOPT (ABI 6): a file descriptor of the sender's,
 *	open on a namespace file
 * @NSBOX_A_KINDS: u32 (ABI 9), GET_GROUP dump: a bit (1 << enum
 *	nsbox_kind) per kind wanted
 * @NSBOX_A_DUMP_FLAGS: u32 (ABI 9), GET_GROUP: enum nsbox_dump_flags
 * @NSBOX_A_LIVE_MAX_AGE_MS: u32 (ABI 9), GET_GROUP: the oldest live values
 *	the caller accepts, in ms since the request (default 0)
 * @NSBOX_A_ADOPT_DONE: flag (ABI 9), ADOPT: the caller handed over every
 *	namespace without tasks it found
 * @NSBOX_A_ADOPTED: u8 (ABI 9), GET_INFO, admin: 1 if every namespace
 *	without tasks is known (no need to scan for them again)
 * @NSBOX_A_LIVE_WALKS: u64 (ABI 9), GET_INFO, admin: walks of all tasks
 *	made for live values since load
 * @NSBOX_A_LIVE_TIME_NS: u64 (ABI 9), GET_INFO, admin: CLOCK_MONOTONIC
 *	ns when the last published walk began
 * @NSBOX_A_MAX_USER_GROUPS: u32 (ABI 9), GET_INFO: groups one
 *	unprivileged user may hold (module parameter max_user_groups)
 * @NSBOX_A_MAX_UNPRIV_GROUPS: u32 (ABI 9), GET_INFO: groups all
 *	unprivileged users together may hold (max_unpriv_groups)
 * @NSBOX_A_UNPRIV_GROUPS: u64 (ABI 9), GET_INFO, admin: groups charged
 *	to unprivileged users now
 * @NSBOX_A_SHARE: nested (ABI 9), GET_INFO: one user's share of the
 *	table, enum nsbox_share_attr; the admin gets every user that holds
 *	a group or was refused one, anybody else its own only
 * @NSBOX_A_VERIFY_UNSETTLED: u64 (ABI 9), VERIFY: groups whose counts
 *	kept changing during every walk (not checked)
 * @NSBOX_A_VERIFY_ROUNDS: u32 (ABI 9), VERIFY: walks made
 * @NSBOX_A_DUMP_FIELDS: u64 (ABI 10), GET_GROUP: the group attributes
 *	wanted, bit n (1 << n) for attribute n of enum nsbox_group_attr;
 *	%NSBOX_GROUP_A_KIND and %NSBOX_GROUP_A_ID are always sent, each other
 *	attribute only if its bit is set.  With %NSBOX_DUMP_PACKED, VALUES
 *	ends at the last value wanted and holds ~0 for the ones before it
 *	that are not.  No live value wanted: no walk (as %NSBOX_DUMP_NO_LIVE).
 *	Bits of attributes a group never has (PAD, VALUES, the VERIFY ones)
 *	are refused.  Absent: every attribute
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
	NSBOX_A_KIND,
	NSBOX_A_ID,
	NSBOX_A_GROUP,
	NSBOX_A_TASK,
	NSBOX_A_GROUPS,
	NSBOX_A_MAX_GROUPS,
	NSBOX_A_EVICTIONS,
	NSBOX_A_ALLOC_FAILURES,
	NSBOX_A_MEMORY_BYTES,
	NSBOX_A_GROUP_BYTES,
	NSBOX_A_LOAD_WALKS,
	NSBOX_A_VERIFY_TASKS,
	NSBOX_A_VERIFY_GROUPS,
	NSBOX_A_MISMATCH,
	NSBOX_A_VERIFY_MISMATCHES,
	NSBOX_A_VERIFY_MISSING,
	NSBOX_A_EVENT,
	NSBOX_A_EVENT_TYPES,
	NSBOX_A_EVENT_SUBSCRIBERS,
	NSBOX_A_EVENT_RING_BYTES,
	NSBOX_A_NS_FD,
	NSBOX_A_PROBE,
	NSBOX_A_PROBE_ALL,
	NSBOX_A_PROBE_STAT,
	NSBOX_A_PROBES,
	NSBOX_A_PROBES_MAX,
	NSBOX_A_PROBE_GROUPS_MAX,
	NSBOX_A_PROBE_BYTES,
	NSBOX_A_KINDS,
	NSBOX_A_DUMP_FLAGS,
	NSBOX_A_LIVE_MAX_AGE_MS,
	NSBOX_A_ADOPT_DONE,
	NSBOX_A_ADOPTED,
	NSBOX_A_LIVE_WALKS,
	NSBOX_A_LIVE_TIME_NS,
	NSBOX_A_MAX_USER_GROUPS,
	NSBOX_A_MAX_UNPRIV_GROUPS,
	NSBOX_A_UNPRIV_GROUPS,
	NSBOX_A_SHARE,
	NSBOX_A_VERIFY_UNSETTLED,
	NSBOX_A_VERIFY_ROUNDS,
	NSBOX_A_DUMP_FIELDS,

	__NSBOX_A_MAX,
	NSBOX_A_MAX = __NSBOX_A_MAX - 1
};

/**
 * enum nsbox_dump_flags - how GET_GROUP answers (ABI 9)
 * @NSBOX_DUMP_PACKED: the values of attributes %NSBOX_GROUP_A_FIRST_SEEN
 *	to %NSBOX_GROUP_A_LOAD15 in one %NSBOX_GROUP_A_VALUES array instead
 *	of one attribute each
 * @NSBOX_DUMP_NO_LIVE: no live value: no walk of the tasks is made, and
 *	the values that need one (CPU_NS to SYSCW, RSS_BYTES, VM_BYTES) are
 *	left out (~0 in VALUES)
 * @NSBOX_DUMP_BATCH: a dump's messages hold as many %NSBOX_A_GROUP as fit,
 *	not one each
 */
enum nsbox_dump_flags {
	NSBOX_DUMP_PACKED = 1 << 0,
	NSBOX_DUMP_NO_LIVE = 1 << 1,
	NSBOX_DUMP_BATCH = 1 << 2,
};

/**
 * enum nsbox_share_attr - attributes of one %NSBOX_A_SHARE (ABI 9)
 * @NSBOX_SHARE_A_UNSPEC: never used
 * @NSBOX_SHARE_A_PAD: alignment padding
 * @NSBOX_SHARE_A_UID: u32, the user (initial user namespace); 0 is the
 *	admin, 4294967294 every user past the module's table of users
 * @NSBOX_SHARE_A_GROUPS: u64, groups charged to it now
 * @NSBOX_SHARE_A_LIMIT: u64, the most it may hold
 * @NSBOX_SHARE_A_REFUSED: binary, u64 per enum nsbox_kind: groups it
 *	would have made that were refused (share or table full, no memory)
 * @__NSBOX_SHARE_A_MAX: internal use
 * @NSBOX_SHARE_A_MAX: highest attribute number
 */
enum nsbox_share_attr {
	NSBOX_SHARE_A_UNSPEC,
	NSBOX_SHARE_A_PAD,
	NSBOX_SHARE_A_UID,
	NSBOX_SHARE_A_GROUPS,
	NSBOX_SHARE_A_LIMIT,
	NSBOX_SHARE_A_REFUSED,

	__NSBOX_SHARE_A_MAX,
	NSBOX_SHARE_A_MAX = __NSBOX_SHARE_A_MAX - 1
};

/**
 * enum nsbox_hook_kind - how a hook is attached to the kernel
 * @NSBOX_HOOK_KPROBE: a kprobe on a kernel function's entry
 * @NSBOX_HOOK_KRETPROBE: a kretprobe on a kernel function's return: the
 *	views' sysinfo hook (track.c says why proc_alloc_inum() is not
 *	hooked with one)
 * @NSBOX_HOOK_TRACEPOINT: a probe on a tracepoint, found by name
 */
enum nsbox_hook_kind {
	NSBOX_HOOK_KPROBE,
	NSBOX_HOOK_KRETPROBE,
	NSBOX_HOOK_TRACEPOINT,
};

/**
 * enum nsbox_hook_status - whether a hook is attached, and if not, why
 * @NSBOX_HOOK_ATTACHED: attached; what it counts is exact
 * @NSBOX_HOOK_NO_SYMBOL: none of the functions or tracepoints it can use
 *	exists on this kernel (renamed, inlined)
 * @NSBOX_HOOK_REFUSED: the kernel refused the probe (blacklisted, ...)
 * @NSBOX_HOOK_SKIPPED: the skip_hooks module parameter named it
 * @NSBOX_HOOK_CLONE_ONLY: (ABI 9) the function exists only as a compiler
 *	clone (%NSBOX_HOOK_A_SYMBOL names it, e.g. "f.isra.0"), whose
 *	parameters may differ from the function's; the hook reads its
 *	arguments, so it is not attached there
 */
enum nsbox_hook_status {
	NSBOX_HOOK_ATTACHED,
	NSBOX_HOOK_NO_SYMBOL,
	NSBOX_HOOK_REFUSED,
	NSBOX_HOOK_SKIPPED,
	NSBOX_HOOK_CLONE_ONLY,
};

/**
 * enum nsbox_hook_attr - attributes of one %NSBOX_A_HOOK
 * @NSBOX_HOOK_A_UNSPEC: never used
 * @NSBOX_HOOK_A_PAD: alignment padding for u64 attributes
 * @NSBOX_HOOK_A_NAME: string, nsbox's name for the hook ("task_new", "exec")
 * @NSBOX_HOOK_A_SYMBOL: string, the kernel function or tracepoint hooked
 *	(the name actually used, including a ".isra.0"-style suffix)
 * @NSBOX_HOOK_A_KIND: u8, enum nsbox_hook_kind
 * @NSBOX_HOOK_A_ATTACHED: u8, 1 if the hook is attached, 0 if the symbol
 *	was missing or refused on this kernel (the feature is disabled)
 * @NSBOX_HOOK_A_HITS: u64, times the handler ran and did its work
 * @NSBOX_HOOK_A_MISSES: u64, times the handler ran but could not do its
 *	work (allocation failure, ...), plus, for a kprobe, times the kernel
 *	did not call it (hit while another kprobe was being handled)
 * @NSBOX_HOOK_A_STATUS: u8 (ABI 5), enum nsbox_hook_status: attached, or
 *	why not
 * @NSBOX_HOOK_A_AFFECTS: string (ABI 5), what is not exact while the hook
 *	is not attached (e.g. "exits, procs, threads, ...")
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
	NSBOX_HOOK_A_STATUS,
	NSBOX_HOOK_A_AFFECTS,

	__NSBOX_HOOK_A_MAX,
	NSBOX_HOOK_A_MAX = __NSBOX_HOOK_A_MAX - 1
};

/**
 * enum nsbox_kind - what a group is
 * @NSBOX_KIND_MNT: mount namespace (kind names as lsns prints them)
 * @NSBOX_KIND_PID: pid namespace (a task's own, not the one for children)
 * @NSBOX_KIND_NET: network namespace
 * @NSBOX_KIND_UTS: UTS (hostname) namespace
 * @NSBOX_KIND_IPC: IPC namespace
 * @NSBOX_KIND_USER: user namespace
 * @NSBOX_KIND_CGROUP: cgroup namespace
 * @NSBOX_KIND_TIME: time namespace (a task's own)
 * @NSBOX_KIND_CGROUP2: a cgroup of the cgroup v2 hierarchy; id = cgroup
 *	id (inode number of its directory)
 * @NSBOX_KIND_COUNT: number of kinds
 *
 * Namespace groups are identified by the namespace's inode number, as
 * `readlink /proc/PID/ns/KIND` and lsns show it.
 */
enum nsbox_kind {
	NSBOX_KIND_MNT,
	NSBOX_KIND_PID,
	NSBOX_KIND_NET,
	NSBOX_KIND_UTS,
	NSBOX_KIND_IPC,
	NSBOX_KIND_USER,
	NSBOX_KIND_CGROUP,
	NSBOX_KIND_TIME,
	NSBOX_KIND_CGROUP2,

	NSBOX_KIND_COUNT
};

/**
 * enum nsbox_group_attr - attributes of one %NSBOX_A_GROUP
 *
 * Live values are what holds now; cumulative values count since the
 * group was first seen (or the last RESET).  Times are nanoseconds.
 *
 * @NSBOX_GROUP_A_UNSPEC: never used
 * @NSBOX_GROUP_A_PAD: alignment padding
 * @NSBOX_GROUP_A_KIND: u8, enum nsbox_kind
 * @NSBOX_GROUP_A_ID: u64, namespace inode number or cgroup id
 * @NSBOX_GROUP_A_PATH: string, cgroup2 only: path below the cgroup root
 *	(absent once the cgroup is removed)
 * @NSBOX_GROUP_A_PARENT: u64, pid and user namespaces: the parent
 *	namespace; cgroup2: the parent cgroup; absent at the top
 * @NSBOX_GROUP_A_OWNER: u64, namespaces other than user: inode number of
 *	the user namespace that owns it
 * @NSBOX_GROUP_A_FIRST_SEEN: u64, CLOCK_MONOTONIC ns when nsbox first saw
 *	the group
 * @NSBOX_GROUP_A_PROCS: u64 live, processes whose main thread is here
 * @NSBOX_GROUP_A_THREADS: u64 live, tasks (threads) here
 * @NSBOX_GROUP_A_FORKS: u64, tasks (processes and threads) created here
 * @NSBOX_GROUP_A_EXECS: u64, successful execve()s here
 * @NSBOX_GROUP_A_EXITS: u64, tasks that exited here
 * @NSBOX_GROUP_A_MOVED_IN: u64, tasks that joined from another group of
 *	the same kind (unshare, setns, cgroup.procs write)
 * @NSBOX_GROUP_A_MOVED_OUT: u64, tasks that left for another group
 * @NSBOX_GROUP_A_CPU_NS: u64, CPU time of tasks while they were here
 *	(exited ones + live ones at query time), ns
 * @NSBOX_GROUP_A_UTIME_NS: u64, user part (tick-sampled), ns
 * @NSBOX_GROUP_A_STIME_NS: u64, system part (tick-sampled), ns
 * @NSBOX_GROUP_A_NVCSW: u64, voluntary context switches
 * @NSBOX_GROUP_A_NIVCSW: u64, involuntary context switches
 * @NSBOX_GROUP_A_MINFLT: u64, minor page faults
 * @NSBOX_GROUP_A_MAJFLT: u64, major page faults
 * @NSBOX_GROUP_A_RCHAR: u64, bytes read by read()-like syscalls
 * @NSBOX_GROUP_A_WCHAR: u64, bytes written by write()-like syscalls
 * @NSBOX_GROUP_A_READ_BYTES: u64, bytes read from storage
 * @NSBOX_GROUP_A_WRITE_BYTES: u64, bytes sent to storage
 * @NSBOX_GROUP_A_SYSCR: u64, read syscalls
 * @NSBOX_GROUP_A_SYSCW: u64, write syscalls
 * @NSBOX_GROUP_A_RSS_BYTES: u64 live, resident memory of the group's
 *	processes, each address space counted once
 * @NSBOX_GROUP_A_VM_BYTES: u64 live, virtual size, same rule
 * @NSBOX_GROUP_A_OOM_KILLS: u64, tasks here killed by the OOM killer
 * @NSBOX_GROUP_A_LOAD1: u64, load average over 1 minute x 100
 * @NSBOX_GROUP_A_LOAD5: u64, load average over 5 minutes x 100
 * @NSBOX_GROUP_A_LOAD15: u64, load average over 15 minutes x 100
 * @NSBOX_GROUP_A_WALK_PROCS: u64, VERIFY only: procs found by the walk
 * @NSBOX_GROUP_A_WALK_THREADS: u64, VERIFY only: threads found by the walk
 * @NSBOX_GROUP_A_VERIFY_CHECK: u8, VERIFY only (ABI 4): enum
 *	nsbox_verify_check, the check that failed
 * @NSBOX_GROUP_A_VERIFY_FIELD: u16, VERIFY only (ABI 4): the attribute
 *	(enum nsbox_group_attr) whose value is wrong; absent for FLOW
 * @NSBOX_GROUP_A_VERIFY_HAVE: s64, VERIFY only (ABI 4): the value the
 *	counters give
 * @NSBOX_GROUP_A_VERIFY_WANT: s64, VERIFY only (ABI 4): the value the
 *	walk gives (NEGATIVE: 0, the least a total can be)
 * @NSBOX_GROUP_A_NSID: u64 (ABI 5), namespaces on kernels that have them
 *	(6.18+): the 64-bit namespace id, never reused, as ioctl(NS_GET_ID)
 *	on /proc/PID/ns/KIND returns it
 * @NSBOX_GROUP_A_STATE: u8 (ABI 6), enum nsbox_group_state
 * @NSBOX_GROUP_A_VALUES: binary (ABI 9), with %NSBOX_DUMP_PACKED: u64
 *	values, element i standing for attribute %NSBOX_GROUP_A_FIRST_SEEN + i
 *	(up to %NSBOX_GROUP_A_LOAD15; a reader takes as many as the length
 *	holds); ~0 for a live value not given (%NSBOX_DUMP_NO_LIVE, or no walk
 *	has seen the group yet)
 * @NSBOX_GROUP_A_LIVE_TIME: u64 (ABI 9), CLOCK_MONOTONIC ns when the walk
 *	that gave the live values began; absent when there are none
 * @__NSBOX_GROUP_A_MAX: internal use
 * @NSBOX_GROUP_A_MAX: highest attribute number
 */
enum nsbox_group_attr {
	NSBOX_GROUP_A_UNSPEC,
	NSBOX_GROUP_A_PAD,
	NSBOX_GROUP_A_KIND,
	NSBOX_GROUP_A_ID,
	NSBOX_GROUP_A_PATH,
	NSBOX_GROUP_A_PARENT,
	NSBOX_GROUP_A_OWNER,
	NSBOX_GROUP_A_FIRST_SEEN,
	NSBOX_GROUP_A_PROCS,
	NSBOX_GROUP_A_THREADS,
	NSBOX_GROUP_A_FORKS,
	NSBOX_GROUP_A_EXECS,
	NSBOX_GROUP_A_EXITS,
	NSBOX_GROUP_A_MOVED_IN,
	NSBOX_GROUP_A_MOVED_OUT,
	NSBOX_GROUP_A_CPU_NS,
	NSBOX_GROUP_A_UTIME_NS,
	NSBOX_GROUP_A_STIME_NS,
	NSBOX_GROUP_A_NVCSW,
	NSBOX_GROUP_A_NIVCSW,
	NSBOX_GROUP_A_MINFLT,
	NSBOX_GROUP_A_MAJFLT,
	NSBOX_GROUP_A_RCHAR,
	NSBOX_GROUP_A_WCHAR,
	NSBOX_GROUP_A_READ_BYTES,
	NSBOX_GROUP_A_WRITE_BYTES,
	NSBOX_GROUP_A_SYSCR,
	NSBOX_GROUP_A_SYSCW,
	NSBOX_GROUP_A_RSS_BYTES,
	NSBOX_GROUP_A_VM_BYTES,
	NSBOX_GROUP_A_OOM_KILLS,
	NSBOX_GROUP_A_LOAD1,
	NSBOX_GROUP_A_LOAD5,
	NSBOX_GROUP_A_LOAD15,
	NSBOX_GROUP_A_WALK_PROCS,
	NSBOX_GROUP_A_WALK_THREADS,
	NSBOX_GROUP_A_VERIFY_CHECK,
	NSBOX_GROUP_A_VERIFY_FIELD,
	NSBOX_GROUP_A_VERIFY_HAVE,
	NSBOX_GROUP_A_VERIFY_WANT,
	NSBOX_GROUP_A_NSID,
	NSBOX_GROUP_A_STATE,
	NSBOX_GROUP_A_VALUES,
	NSBOX_GROUP_A_LIVE_TIME,

	__NSBOX_GROUP_A_MAX,
	NSBOX_GROUP_A_MAX = __NSBOX_GROUP_A_MAX - 1
};

/**
 * enum nsbox_group_state - is the namespace or cgroup still there (ABI 6)
 * @NSBOX_GROUP_LIVE: tasks are in it
 * @NSBOX_GROUP_EMPTY: no task is in it, and it has not been freed: a
 *	namespace kept alive by a bind mount, an open file or another
 *	namespace (lsns lists the first two), or a cgroup with no task
 * @NSBOX_GROUP_GONE: the kernel freed the namespace (hook ns_free), or
 *	the cgroup was removed; the group keeps its final numbers until it
 *	is evicted
 */
enum nsbox_group_state {
	NSBOX_GROUP_LIVE,
	NSBOX_GROUP_EMPTY,
	NSBOX_GROUP_GONE,
};

/**
 * enum nsbox_verify_check - what VERIFY checks for every group (ABI 4)
 * @NSBOX_VERIFY_PROCS: procs (FIELD PROCS) equals the processes the walk
 *	found
 * @NSBOX_VERIFY_THREADS: threads (FIELD THREADS) equals the tasks the
 *	walk found
 * @NSBOX_VERIFY_FLOW: the tasks found at load (or at the last RESET) +
 *	forks + moved_in - exits - moved_out equals the tasks the walk
 *	found; HAVE is that sum (no FIELD: several counters add up)
 * @NSBOX_VERIFY_NEGATIVE: a cumulative total (FIELD: CPU_NS ... SYSCW),
 *	the departed tasks' part plus the live tasks' part, is not below 0
 *
 * VERIFY checks a group only when its counts did not change while it
 * walked (a hook changing them meanwhile makes it walk again), and reports
 * a failure only when two such walks fail the same way (ABI 9).
 */
enum nsbox_verify_check {
	NSBOX_VERIFY_PROCS,
	NSBOX_VERIFY_THREADS,
	NSBOX_VERIFY_FLOW,
	NSBOX_VERIFY_NEGATIVE,
};

/**
 * enum nsbox_task_attr - attributes of one %NSBOX_A_TASK
 * @NSBOX_TASK_A_UNSPEC: never used
 * @NSBOX_TASK_A_PAD: alignment padding
 * @NSBOX_TASK_A_TID: u32, thread id in the caller's pid namespace
 * @NSBOX_TASK_A_PID: u32, process id (thread group id), same namespace
 * @NSBOX_TASK_A_PPID: u32, parent's process id, 0 if not visible
 * @NSBOX_TASK_A_COMM: string, the task's command name
 * @NSBOX_TASK_A_MNTNS: u64 (ABI 7; u32 before, as the group and event
 *	ids always were), mount namespace inode number
 * @NSBOX_TASK_A_PIDNS: u64, pid namespace
 * @NSBOX_TASK_A_NETNS: u64, network namespace
 * @NSBOX_TASK_A_UTSNS: u64, UTS namespace
 * @NSBOX_TASK_A_IPCNS: u64, IPC namespace
 * @NSBOX_TASK_A_USERNS: u64, user namespace
 * @NSBOX_TASK_A_CGROUPNS: u64, cgroup namespace
 * @NSBOX_TASK_A_TIMENS: u64, time namespace
 * @NSBOX_TASK_A_CGROUP: u64, cgroup v2 cgroup id
 * @NSBOX_TASK_A_CGROUP_PATH: string, its path below the cgroup root
 * @__NSBOX_TASK_A_MAX: internal use
 * @NSBOX_TASK_A_MAX: highest attribute number
 */
enum nsbox_task_attr {
	NSBOX_TASK_A_UNSPEC,
	NSBOX_TASK_A_PAD,
	NSBOX_TASK_A_TID,
	NSBOX_TASK_A_PID,
	NSBOX_TASK_A_PPID,
	NSBOX_TASK_A_COMM,
	NSBOX_TASK_A_MNTNS,
	NSBOX_TASK_A_PIDNS,
	NSBOX_TASK_A_NETNS,
	NSBOX_TASK_A_UTSNS,
	NSBOX_TASK_A_IPCNS,
	NSBOX_TASK_A_USERNS,
	NSBOX_TASK_A_CGROUPNS,
	NSBOX_TASK_A_TIMENS,
	NSBOX_TASK_A_CGROUP,
	NSBOX_TASK_A_CGROUP_PATH,

	__NSBOX_TASK_A_MAX,
	NSBOX_TASK_A_MAX = __NSBOX_TASK_A_MAX - 1
};

/**
 * enum nsbox_event_type - what happened (%NSBOX_EVENT_A_TYPE)
 * @NSBOX_EVENT_FORK: a task was created (process or thread, see
 *	%NSBOX_EVENT_A_THREAD); PPID is the creating process
 * @NSBOX_EVENT_EXEC: a successful execve(); FILENAME as passed to it
 * @NSBOX_EVENT_EXIT: a task exited; EXIT_CODE as wait() reports it
 *	(exit status << 8, or the signal number)
 * @NSBOX_EVENT_NS_CHANGE: a task's namespaces changed: unshare(),
 *	setns(), or clone() into new namespaces (then right after its FORK,
 *	old = the parent's).  CHANGED has a bit (1 << enum nsbox_kind) per
 *	kind that changed; OLD holds the old ids, the usual ids the new
 * @NSBOX_EVENT_CGROUP_MOVE: a task moved to another cgroup; OLD holds the
 *	old %NSBOX_EVENT_A_CGROUP
 * @NSBOX_EVENT_OOM_KILL: the OOM killer chose this task
 * @NSBOX_EVENT_LOST: events were lost; LOST says how many.  Sent when a
 *	per-CPU buffer overflowed (CPU says which) or when this socket's
 *	receive buffer was full (no CPU attribute)
 */
enum nsbox_event_type {
	NSBOX_EVENT_FORK,
	NSBOX_EVENT_EXEC,
	NSBOX_EVENT_EXIT,
	NSBOX_EVENT_NS_CHANGE,
	NSBOX_EVENT_CGROUP_MOVE,
	NSBOX_EVENT_OOM_KILL,
	NSBOX_EVENT_LOST,

	NSBOX_EVENT_TYPE_COUNT
};

/**
 * enum nsbox_event_attr - attributes of one %NSBOX_A_EVENT
 *
 * Every event but LOST carries TYPE, TIME_NS, PID, TID, COMM, the eight
 * namespace ids (MNTNS..TIMENS, in enum nsbox_kind order, so that the
 * attribute of kind K is %NSBOX_EVENT_A_MNTNS + K) and CGROUP.
 *
 * @NSBOX_EVENT_A_UNSPEC: never used
 * @NSBOX_EVENT_A_PAD: alignment padding
 * @NSBOX_EVENT_A_TYPE: u8, enum nsbox_event_type
 * @NSBOX_EVENT_A_TIME_NS: u64, CLOCK_MONOTONIC time of the event, ns
 * @NSBOX_EVENT_A_PID: u32, process id in the receiver's pid namespace
 * @NSBOX_EVENT_A_TID: u32, thread id, same namespace
 * @NSBOX_EVENT_A_PPID: u32, FORK: the creating process, 0 if not visible
 * @NSBOX_EVENT_A_COMM: string, the task's command name
 * @NSBOX_EVENT_A_MNTNS: u64, mount namespace id
 * @NSBOX_EVENT_A_PIDNS: u64, pid namespace id
 * @NSBOX_EVENT_A_NETNS: u64, network namespace id
 * @NSBOX_EVENT_A_UTSNS: u64, UTS namespace id
 * @NSBOX_EVENT_A_IPCNS: u64, IPC namespace id
 * @NSBOX_EVENT_A_USERNS: u64, user namespace id
 * @NSBOX_EVENT_A_CGROUPNS: u64, cgroup namespace id
 * @NSBOX_EVENT_A_TIMENS: u64, time namespace id
 * @NSBOX_EVENT_A_CGROUP: u64, cgroup v2 cgroup id
 * @NSBOX_EVENT_A_FILENAME: string, EXEC: the file executed (at most 127
 *	bytes, the end cut)
 * @NSBOX_EVENT_A_EXIT_CODE: u32, EXIT: the wait() status
 * @NSBOX_EVENT_A_THREAD: u8, FORK: 1 if a thread of an existing process
 * @NSBOX_EVENT_A_CHANGED: u32, NS_CHANGE: bit (1 << enum nsbox_kind)
 *	per kind that changed
 * @NSBOX_EVENT_A_OLD: nested, NS_CHANGE and CGROUP_MOVE: the ids before,
 *	as MNTNS..CGROUP attributes
 * @NSBOX_EVENT_A_LOST: u64, LOST: events lost
 * @NSBOX_EVENT_A_CPU: u32, LOST: the CPU whose buffer overflowed
 * @__NSBOX_EVENT_A_MAX: internal use
 * @NSBOX_EVENT_A_MAX: highest attribute number
 */
enum nsbox_event_attr {
	NSBOX_EVENT_A_UNSPEC,
	NSBOX_EVENT_A_PAD,
	NSBOX_EVENT_A_TYPE,
	NSBOX_EVENT_A_TIME_NS,
	NSBOX_EVENT_A_PID,
	NSBOX_EVENT_A_TID,
	NSBOX_EVENT_A_PPID,
	NSBOX_EVENT_A_COMM,
	NSBOX_EVENT_A_MNTNS,
	NSBOX_EVENT_A_PIDNS,
	NSBOX_EVENT_A_NETNS,
	NSBOX_EVENT_A_UTSNS,
	NSBOX_EVENT_A_IPCNS,
	NSBOX_EVENT_A_USERNS,
	NSBOX_EVENT_A_CGROUPNS,
	NSBOX_EVENT_A_TIMENS,
	NSBOX_EVENT_A_CGROUP,
	NSBOX_EVENT_A_FILENAME,
	NSBOX_EVENT_A_EXIT_CODE,
	NSBOX_EVENT_A_THREAD,
	NSBOX_EVENT_A_CHANGED,
	NSBOX_EVENT_A_OLD,
	NSBOX_EVENT_A_LOST,
	NSBOX_EVENT_A_CPU,

	__NSBOX_EVENT_A_MAX,
	NSBOX_EVENT_A_MAX = __NSBOX_EVENT_A_MAX - 1
};

/* A probe's name: letters, digits, '_', '-', '.'; at most this long. */
#define NSBOX_PROBE_NAME_MAX	31
/*
 * Latency histogram of a RET probe: bucket 0 counts calls of 0 ns,
 * bucket b >= 1 those of [2^(b-1), 2^b) ns; the last one everything
 * from 2^(NSBOX_PROBE_HIST_BUCKETS - 2) ns (about 275 s) up.
 */
#define NSBOX_PROBE_HIST_BUCKETS	40

/**
 * enum nsbox_probe_attr - attributes of %NSBOX_A_PROBE and
 *	%NSBOX_A_PROBE_STAT (ABI 8)
 * @NSBOX_PROBE_A_UNSPEC: never used
 * @NSBOX_PROBE_A_PAD: alignment padding for u64 attributes
 * @NSBOX_PROBE_A_NAME: string, the probe's name (NSBOX_PROBE_NAME_MAX)
 * @NSBOX_PROBE_A_SYMBOL: string, the kernel function; in replies the name
 *	actually probed (a ".isra.0"-style suffix included)
 * @NSBOX_PROBE_A_RET: u8, 1: a kretprobe that also times each call
 * @NSBOX_PROBE_A_SUM_ARG: u8, 1-6: add this argument of the function (as
 *	an unsigned 64-bit value) per group; 0 or absent: none
 * @NSBOX_PROBE_A_HITS: u64, calls counted (in every group of the caller)
 * @NSBOX_PROBE_A_MISSES: u64, calls the probe saw but could not count:
 *	the caller's group had no room in the probe's table (probe_groups),
 *	or the caller had left its namespaces (exiting)
 * @NSBOX_PROBE_A_NMISSED: u64, calls the kernel's kprobe code did not
 *	hand to the probe: reentry, or (RET) more calls in flight than
 *	MAXACTIVE
 * @NSBOX_PROBE_A_MAXACTIVE: u32, RET: calls that can be in flight at once
 * @NSBOX_PROBE_A_FTRACE: u8, 1 if the kernel placed the probe on ftrace's
 *	call site (no breakpoint), 0 for an int3 breakpoint
 * @NSBOX_PROBE_A_GROUPS: u32, groups with numbers of this probe now
 * @NSBOX_PROBE_A_BYTES: u64, memory this probe holds
 * @NSBOX_PROBE_A_KIND: u8, STAT: enum nsbox_kind of the group
 * @NSBOX_PROBE_A_ID: u64, STAT: the group's id
 * @NSBOX_PROBE_A_CALLS: u64, STAT: calls while a task was in the group
 * @NSBOX_PROBE_A_SUM: u64, STAT: sum of argument SUM_ARG of those calls
 * @NSBOX_PROBE_A_NS_TOTAL: u64, STAT (RET): ns spent in the function
 * @NSBOX_PROBE_A_NS_MIN: u64, STAT (RET): shortest call, ns
 * @NSBOX_PROBE_A_NS_MAX: u64, STAT (RET): longest call, ns
 * @NSBOX_PROBE_A_HIST: binary, STAT (RET): NSBOX_PROBE_HIST_BUCKETS
 *	native-endian u64 counts, see NSBOX_PROBE_HIST_BUCKETS
 * @__NSBOX_PROBE_A_MAX: internal use
 * @NSBOX_PROBE_A_MAX: highest attribute number
 */
enum nsbox_probe_attr {
	NSBOX_PROBE_A_UNSPEC,
	NSBOX_PROBE_A_PAD,
	NSBOX_PROBE_A_NAME,
	NSBOX_PROBE_A_SYMBOL,
	NSBOX_PROBE_A_RET,
	NSBOX_PROBE_A_SUM_ARG,
	NSBOX_PROBE_A_HITS,
	NSBOX_PROBE_A_MISSES,
	NSBOX_PROBE_A_NMISSED,
	NSBOX_PROBE_A_MAXACTIVE,
	NSBOX_PROBE_A_FTRACE,
	NSBOX_PROBE_A_GROUPS,
	NSBOX_PROBE_A_BYTES,
	NSBOX_PROBE_A_KIND,
	NSBOX_PROBE_A_ID,
	NSBOX_PROBE_A_CALLS,
	NSBOX_PROBE_A_SUM,
	NSBOX_PROBE_A_NS_TOTAL,
	NSBOX_PROBE_A_NS_MIN,
	NSBOX_PROBE_A_NS_MAX,
	NSBOX_PROBE_A_HIST,

	__NSBOX_PROBE_A_MAX,
	NSBOX_PROBE_A_MAX = __NSBOX_PROBE_A_MAX - 1
};

/*
 * Views (docs/views.md): nsbox.ko's /proc/nsbox/{meminfo,loadavg,
 * cpu_online} are bind-mounted over a box's own files.  sysinfo(2) is no
 * file: a process in a box asks for the box's numbers there with this
 * ioctl on /proc/nsbox/views (opened read-only; reading it says "1" once
 * the reader's box has asked).  The box is the root of the caller's cgroup
 * namespace; outside any box the ioctl fails with ENOENT.
 */
#define NSBOX_VIEWS_PATH	"/proc/nsbox/views"
#define NSBOX_IOC_VIEWS_ON	_IO(0xb5, 1)

#endif /* _UAPI_LINUX_NSBOX_H */
