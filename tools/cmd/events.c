// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox events - the module's event stream, one line (or one JSON object)
 * per event, flushed as it arrives.
 *
 * The tool subscribes its socket (NSBOX_CMD_SUBSCRIBE) rather than joining
 * the "events" multicast group: the module then sends it exactly the
 * events its user may see, and when the socket cannot keep up it counts
 * what it could not deliver and says so in a LOST record -- a loss is
 * never silent.  The type filter (--kind) is applied by the module; the
 * group filter (--group, --box) here, on the ids every event carries.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "table.h"
#include "genl.h"
#include "kind.h"
#include "util.h"

static const char *const type_names[NSBOX_EVENT_TYPE_COUNT] = {
	[NSBOX_EVENT_FORK] = "fork",
	[NSBOX_EVENT_EXEC] = "exec",
	[NSBOX_EVENT_EXIT] = "exit",
	[NSBOX_EVENT_NS_CHANGE] = "ns_change",
	[NSBOX_EVENT_CGROUP_MOVE] = "cgroup_move",
	[NSBOX_EVENT_OOM_KILL] = "oom_kill",
	[NSBOX_EVENT_LOST] = "lost",
};

struct ev_opts {
	bool json;
	int group_kind;		/* -1: no group filter */
	uint64_t group_id;
	long count;		/* stop after this many events (0: never) */
	long seen;
	struct nsbox_nl_error error;	/* SUBSCRIBE refused */
};

static int parse_types(const char *s, uint32_t *mask)
{
	_cleanup_free_ char *copy = strdup(s);
	char *tok, *save = NULL;

	*mask = 0;
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int t;

		for (t = 0; t < NSBOX_EVENT_TYPE_COUNT; t++)
			if (!strcmp(tok, type_names[t]))
				break;
		if (t == NSBOX_EVENT_TYPE_COUNT)
			return -EINVAL;
		*mask |= 1u << t;
	}
	return 0;
}

static uint64_t get_u64(struct nlattr **tb, int a)
{
	return tb[a] && nla_len(tb[a]) == 8 ? nla_get_u64(tb[a]) : 0;
}

static uint32_t get_u32(struct nlattr **tb, int a)
{
	return tb[a] && nla_len(tb[a]) == 4 ? nla_get_u32(tb[a]) : 0;
}

static void changed_kinds(uint32_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < NSBOX_KIND_COUNT; k++)
		if (mask & (1u << k))
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "," : "", nsbox_kind_name(k));
}

static void print_json(int type, struct nlattr **tb, struct nlattr **old)
{
	json_object *o = json_object_new_object(), *ns;

	json_object_object_add(o, "type", json_object_new_string(type_names[type]));
	json_object_object_add(o, "time_ns", json_object_new_int64(get_u64(tb, NSBOX_EVENT_A_TIME_NS)));
	if (type == NSBOX_EVENT_LOST) {
		json_object_object_add(o, "lost", json_object_new_int64(get_u64(tb, NSBOX_EVENT_A_LOST)));
		if (tb[NSBOX_EVENT_A_CPU])
			json_object_object_add(o, "cpu", json_object_new_int(get_u32(tb, NSBOX_EVENT_A_CPU)));
		goto out;
	}
	json_object_object_add(o, "pid", json_object_new_int(get_u32(tb, NSBOX_EVENT_A_PID)));
	json_object_object_add(o, "tid", json_object_new_int(get_u32(tb, NSBOX_EVENT_A_TID)));
	json_object_object_add(o, "comm", json_object_new_string(tb[NSBOX_EVENT_A_COMM] ?
				nla_get_string(tb[NSBOX_EVENT_A_COMM]) : ""));
	ns = json_object_new_object();
	for (int k = 0; k < NSBOX_KIND_CGROUP2; k++)
		json_object_object_add(ns, nsbox_kind_name(k),
				       json_object_new_int64(get_u64(tb, NSBOX_EVENT_A_MNTNS + k)));
	json_object_object_add(o, "ns", ns);
	json_object_object_add(o, "cgroup", json_object_new_int64(get_u64(tb, NSBOX_EVENT_A_CGROUP)));
	switch (type) {
	case NSBOX_EVENT_FORK:
		json_object_object_add(o, "ppid", json_object_new_int(get_u32(tb, NSBOX_EVENT_A_PPID)));
		json_object_object_add(o, "thread", json_object_new_boolean(
				tb[NSBOX_EVENT_A_THREAD] && nla_get_u8(tb[NSBOX_EVENT_A_THREAD])));
		break;
	case NSBOX_EVENT_EXEC:
		json_object_object_add(o, "filename", json_object_new_string(
				tb[NSBOX_EVENT_A_FILENAME] ? nla_get_string(tb[NSBOX_EVENT_A_FILENAME]) : ""));
		break;
	case NSBOX_EVENT_EXIT:
		json_object_object_add(o, "exit_code", json_object_new_int(get_u32(tb, NSBOX_EVENT_A_EXIT_CODE)));
		break;
	case NSBOX_EVENT_NS_CHANGE:
	case NSBOX_EVENT_CGROUP_MOVE: {
		json_object *arr = json_object_new_array(), *od = json_object_new_object();
		uint32_t mask = get_u32(tb, NSBOX_EVENT_A_CHANGED);

		for (int k = 0; k < NSBOX_KIND_COUNT; k++) {
			if (!(mask & (1u << k)))
				continue;
			json_object_array_add(arr, json_object_new_string(nsbox_kind_name(k)));
			json_object_object_add(od, nsbox_kind_name(k),
					       json_object_new_int64(get_u64(old, NSBOX_EVENT_A_MNTNS + k)));
		}
		json_object_object_add(o, "changed", arr);
		json_object_object_add(o, "old", od);
		break;
	}
	}
out:
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_line(int type, struct nlattr **tb, struct nlattr **old)
{
	uint64_t t = get_u64(tb, NSBOX_EVENT_A_TIME_NS);
	char kinds[128], safe[4 * 4096 + 1];

	printf("%" PRIu64 ".%06" PRIu64 " %-11s", t / 1000000000, t % 1000000000 / 1000,
	       type_names[type]);
	if (type == NSBOX_EVENT_LOST) {
		printf(" lost=%" PRIu64, get_u64(tb, NSBOX_EVENT_A_LOST));
		if (tb[NSBOX_EVENT_A_CPU])
			printf(" cpu=%u", get_u32(tb, NSBOX_EVENT_A_CPU));
		putchar('\n');
		return;
	}
	printf(" pid=%u tid=%u comm=%s cgroup=%" PRIu64, get_u32(tb, NSBOX_EVENT_A_PID),
	       get_u32(tb, NSBOX_EVENT_A_TID),
	       tb[NSBOX_EVENT_A_COMM] ? nsbox_escape(nla_get_string(tb[NSBOX_EVENT_A_COMM]),
						      safe, sizeof(safe)) : "?",
	       get_u64(tb, NSBOX_EVENT_A_CGROUP));
	switch (type) {
	case NSBOX_EVENT_FORK:
		printf(" ppid=%u%s", get_u32(tb, NSBOX_EVENT_A_PPID),
		       tb[NSBOX_EVENT_A_THREAD] && nla_get_u8(tb[NSBOX_EVENT_A_THREAD]) ?
		       " thread" : "");
		break;
	case NSBOX_EVENT_EXEC:
		printf(" filename=%s", tb[NSBOX_EVENT_A_FILENAME] ?
		       nsbox_escape(nla_get_string(tb[NSBOX_EVENT_A_FILENAME]), safe,
				    sizeof(safe)) : "?");
		break;
	case NSBOX_EVENT_EXIT: {
		uint32_t st = get_u32(tb, NSBOX_EVENT_A_EXIT_CODE);

		if (st & 0x7f)
			printf(" signal=%u", st & 0x7f);
		else
			printf(" exit=%u", (st >> 8) & 0xff);
		break;
	}
	case NSBOX_EVENT_NS_CHANGE:
	case NSBOX_EVENT_CGROUP_MOVE: {
		uint32_t mask = get_u32(tb, NSBOX_EVENT_A_CHANGED);

		changed_kinds(mask, kinds, sizeof(kinds));
		printf(" changed=%s", kinds);
		for (int k = 0; k < NSBOX_KIND_COUNT; k++)
			if (mask & (1u << k))
				printf(" %s=%" PRIu64 "->%" PRIu64, nsbox_kind_name(k),
				       get_u64(old, NSBOX_EVENT_A_MNTNS + k),
				       get_u64(tb, NSBOX_EVENT_A_MNTNS + k));
		break;
	}
	}
	putchar('\n');
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *top[NSBOX_A_MAX + 1], *tb[NSBOX_EVENT_A_MAX + 1];
	struct nlattr *old[NSBOX_EVENT_A_MAX + 1] = { 0 };
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct ev_opts *o = arg;
	int type;

	if (gh->cmd != NSBOX_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, top, NSBOX_A_MAX, NULL) < 0 ||
	    !top[NSBOX_A_EVENT] ||
	    nla_parse_nested(tb, NSBOX_EVENT_A_MAX, top[NSBOX_A_EVENT], NULL) < 0 ||
	    !tb[NSBOX_EVENT_A_TYPE])
		return 0;
	type = nla_get_u8(tb[NSBOX_EVENT_A_TYPE]);
	if (type >= NSBOX_EVENT_TYPE_COUNT)
		return 0;
	if (tb[NSBOX_EVENT_A_OLD])
		nla_parse_nested(old, NSBOX_EVENT_A_MAX, tb[NSBOX_EVENT_A_OLD], NULL);
	/* a group filter keeps events of that group (either side of a move) */
	if (o->group_kind >= 0 && type != NSBOX_EVENT_LOST &&
	    get_u64(tb, NSBOX_EVENT_A_MNTNS + o->group_kind) != o->group_id &&
	    get_u64(old, NSBOX_EVENT_A_MNTNS + o->group_kind) != o->group_id)
		return 0;
	if (o->json)
		print_json(type, tb, old);
	else
		print_line(type, tb, old);
	fflush(stdout);
	if (o->count && ++o->seen >= o->count)
		return -ECANCELED;
	return 0;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;	/* subscribed: go on reading events */
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	struct ev_opts *o = arg;
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)err - NLMSG_HDRLEN);

	(void)who;
	if (!err->error)
		return NL_OK;
	nsbox_nl_parse_extack(nlh, nlh->nlmsg_len, &o->error);
	o->error.err = err->error;
	return NL_STOP;
}

static int on_event_loop(struct nl_msg *msg, void *arg)
{
	return on_event(msg, arg) < 0 ? NL_STOP : NL_OK;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox events [-J] [-k TYPES] [-g KIND:ID | -b NAME] [-n COUNT]\n"
		"\n"
		"Print the module's events as they happen: fork, exec, exit, ns_change,\n"
		"cgroup_move, oom_kill, and lost (how many could not be delivered).\n"
		"You see the events of the tasks you may see: everything as root,\n"
		"otherwise your own tasks in your pid namespace (docs/security.md).\n"
		"\n"
		"  -k, --kind TYPES   only these, e.g. fork,exec,exit (lost always shows)\n"
		"  -g, --group K:ID   only events of tasks in this group (e.g. net:4026531840)\n"
		"  -b, --box NAME     only events of this box (its cgroup)\n"
		"  -n, --count N      stop after N events\n"
		"  -J, --json         one JSON object per line\n"
		"  -h, --help         this help\n");
}

int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "group", required_argument, NULL, 'g' },
		{ "box", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct ev_opts o = { .group_kind = -1 };
	uint32_t types = 0;
	struct box_state s;
	struct nl_cb *cb;
	int c, ret;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:g:b:n:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_types(optarg, &types))
				return nsbox_usage_err("events", "unknown event type in '%s' (types: "
						       "fork,exec,exit,ns_change,cgroup_move,oom_kill,lost)",
						       optarg);
			break;
		case 'g':
			if (nsbox_group_ref_parse(optarg, &o.group_kind, &o.group_id))
				return nsbox_usage_err("events", "'%s' is not KIND:ID (kinds: %s)",
						       optarg, nsbox_kind_list());
			break;
		case 'b':
			if (box_state_read(optarg, &s) || !s.cgroup_id) {
				nsbox_err("events: no box named '%s' with a cgroup (see 'nsbox ls')",
					  optarg);
				return NSBOX_EXIT_FAIL;
			}
			o.group_kind = NSBOX_KIND_CGROUP2;
			o.group_id = s.cgroup_id;
			break;
		case 'n':
			o.count = strtol(optarg, &end, 10);
			if (*end || o.count <= 0)
				return nsbox_usage_err("events", "invalid --count '%s'", optarg);
			break;
		case 'J':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("events", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("events", "unexpected argument '%s'", argv[optind]);

	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	nl_socket_set_buffer_size(nl.sk, 1 << 20, 0);
	/* a full socket is reported by the module's LOST records, with the
	 * count; the kernel's bare ENOBUFS would only say "something" */
	setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK, NETLINK_NO_ENOBUFS,
		   &(int){ 1 }, sizeof(int));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	/* events carry sequence number 0: they answer nothing we sent */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event_loop, &o);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &o);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &o);
	{
		struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) =
			nsbox_nl_msg(&nl, NSBOX_CMD_SUBSCRIBE, NLM_F_ACK);

		if (!msg || (types && nla_put_u32(msg, NSBOX_A_EVENT_TYPES, types) < 0))
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		if (nl_send_auto(nl.sk, msg) < 0)
			nsbox_die(NSBOX_EXIT_FAIL, "events: cannot send SUBSCRIBE");
	}
	for (;;) {
		ret = nl_recvmsgs(nl.sk, cb);
		if (o.error.err) {
			nl_cb_put(cb);
			return nsbox_nl_report("SUBSCRIBE", &o.error);
		}
		if (o.count && o.seen >= o.count)
			break;
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN && ret != -NLE_NOMEM) {
			nsbox_err("events: receive: %s", nl_geterror(ret));
			nl_cb_put(cb);
			return NSBOX_EXIT_FAIL;
		}
	}
	nl_cb_put(cb);
	return NSBOX_EXIT_OK;
}
