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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "record.h"
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

/* the box runtime's event type (box/watch.c), after the module's */
#define EV_RESTART_NAME "restart"

struct ev_opts {
	bool json;
	bool restarts;		/* the box runtime's restart events too */
	const char *box;	/* -b: only this box's */
	int group_kind;		/* -1: no group filter */
	uint64_t group_id;
	long count;		/* stop after this many events (0: never) */
	long seen;
	struct nsbox_nl_error error;	/* SUBSCRIBE refused */
};

static int parse_types(const char *s, uint32_t *mask, bool *restarts)
{
	_cleanup_free_ char *copy = strdup(s);
	char *tok, *save = NULL;

	*mask = 0;
	*restarts = false;
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int t;

		/* not the module's: the box runtime's (box/watch.c) */
		if (!strcmp(tok, EV_RESTART_NAME)) {
			*restarts = true;
			continue;
		}
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

/* An event as the module sent it: its attributes, and those of OLD. */
struct ev {
	int type;
	struct nlattr **tb, **old;
};

/* arg: absent, the field is left out; a part of the wait status (<< 4) */
enum { EV_OPTIONAL = 1, EV_EXIT = 2 };

#define EV(t) (1u << NSBOX_EVENT_##t)
#define EV_TASK (((1u << NSBOX_EVENT_TYPE_COUNT) - 1) & ~EV(LOST))

static const char *time_text(const void *rec, const struct nsbox_rec_val *v,
			     char *buf, size_t len)
{
	(void)rec;
	snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, v->u / 1000000000,
		 v->u % 1000000000 / 1000);
	return buf;
}

/*
 * The exit event's wait status (task->exit_code) in three fields, as
 * wait(2)'s macros split it: the exit status if the task exited, else
 * the signal that killed it and whether it dumped core.
 */
enum { EXIT_STATUS, EXIT_SIGNAL, EXIT_CORE };

static bool exit_split(uint64_t status, int which, struct nsbox_rec_val *v)
{
	unsigned int sig = status & 0x7f;

	switch (which) {
	case EXIT_STATUS:
		v->u = (status >> 8) & 0xff;
		return !sig;
	case EXIT_SIGNAL:
		v->u = sig;
		return sig;
	default:
		v->b = status & 0x80;
		return sig;
	}
}

/* each changed kind, old id -> new id */
static const char *old_text(const void *rec, const struct nsbox_rec_val *v,
			    char *buf, size_t len)
{
	const struct ev *e = rec;
	uint32_t mask = get_u32(e->tb, NSBOX_EVENT_A_CHANGED);
	size_t off = 0;

	(void)v;
	buf[0] = '\0';
	for (int k = 0; k < NSBOX_KIND_COUNT && off < len; k++)
		if (mask & (1u << k))
			off += snprintf(buf + off, len - off, "%s%s=%" PRIu64 "->%" PRIu64,
					off ? " " : "", nsbox_kind_name(k),
					get_u64(e->old, NSBOX_EVENT_A_MNTNS + k),
					get_u64(e->tb, NSBOX_EVENT_A_MNTNS + k));
	return buf;
}

/*
 * Every field of every event type, in JSON order.  The text line:
 * "SEC.USEC TYPE key=value ...", without the namespace ids (the cgroup
 * id stays), the wait status as "exit N" or "killed by signal N (core
 * dumped)", a thread fork as
 * "thread", a move as KIND=OLD->NEW.
 */
static const struct nsbox_rec_field ev_fields[] = {
	{ .key = "type", .type = NSBOX_REC_STR, .text = "%-11s", .lead = 2,
	  .attr = NSBOX_EVENT_A_TYPE },
	{ .key = "time_ns", .type = NSBOX_REC_U64, .text = "%s", .lead = 1,
	  .fmt = time_text, .attr = NSBOX_EVENT_A_TIME_NS },
	{ .key = "lost", .type = NSBOX_REC_U64, .when = EV(LOST), .attr = NSBOX_EVENT_A_LOST },
	{ .key = "cpu", .type = NSBOX_REC_U64, .when = EV(LOST), .attr = NSBOX_EVENT_A_CPU,
	  .arg = EV_OPTIONAL },
	{ .key = "pid", .type = NSBOX_REC_U64, .when = EV_TASK, .attr = NSBOX_EVENT_A_PID },
	{ .key = "tid", .type = NSBOX_REC_U64, .when = EV_TASK, .attr = NSBOX_EVENT_A_TID },
	{ .key = "comm", .type = NSBOX_REC_STR, .when = EV_TASK, .attr = NSBOX_EVENT_A_COMM },
	{ .key = "ns", .type = NSBOX_REC_MAP, .when = EV_TASK, .text = "",
	  .attr = NSBOX_EVENT_A_MNTNS },
	{ .key = "cgroup", .type = NSBOX_REC_U64, .when = EV_TASK, .attr = NSBOX_EVENT_A_CGROUP },
	{ .key = "ppid", .type = NSBOX_REC_U64, .when = EV(FORK), .attr = NSBOX_EVENT_A_PPID },
	{ .key = "thread", .type = NSBOX_REC_BOOL, .when = EV(FORK), .attr = NSBOX_EVENT_A_THREAD },
	{ .key = "filename", .type = NSBOX_REC_STR, .when = EV(EXEC),
	  .attr = NSBOX_EVENT_A_FILENAME },
	{ .key = "exit_status", .type = NSBOX_REC_U64, .when = EV(EXIT), .text = "exit %s",
	  .attr = NSBOX_EVENT_A_EXIT_CODE, .arg = EV_EXIT | EXIT_STATUS << 4 },
	{ .key = "signal", .type = NSBOX_REC_U64, .when = EV(EXIT),
	  .text = "killed by signal %s", .attr = NSBOX_EVENT_A_EXIT_CODE,
	  .arg = EV_EXIT | EXIT_SIGNAL << 4 },
	{ .key = "core_dumped", .type = NSBOX_REC_BOOL, .when = EV(EXIT),
	  .text = "(core dumped)", .attr = NSBOX_EVENT_A_EXIT_CODE,
	  .arg = EV_EXIT | EXIT_CORE << 4 },
	{ .key = "changed", .type = NSBOX_REC_LIST, .when = EV(NS_CHANGE) | EV(CGROUP_MOVE),
	  .attr = NSBOX_EVENT_A_CHANGED },
	{ .key = "old", .type = NSBOX_REC_MAP, .when = EV(NS_CHANGE) | EV(CGROUP_MOVE),
	  .text = "%s", .fmt = old_text, .attr = NSBOX_EVENT_A_OLD },
};

/* The ids of the kinds in @mask (all: the namespaces), from @tb. */
static void kinds_map(struct nlattr **tb, uint32_t mask, struct nsbox_rec_val *v)
{
	for (int k = 0; k < NSBOX_KIND_COUNT && v->n < NSBOX_REC_MAX_ITEMS; k++) {
		if (!(mask & (1u << k)))
			continue;
		v->names[v->n] = nsbox_kind_name(k);
		v->nums[v->n++] = tb ? get_u64(tb, NSBOX_EVENT_A_MNTNS + k) : 0;
	}
}

static bool ev_get(const void *rec, const struct nsbox_rec_field *f,
		   struct nsbox_rec_val *v)
{
	const struct ev *e = rec;
	struct nlattr *a = e->tb[f->attr];
	uint32_t changed = get_u32(e->tb, NSBOX_EVENT_A_CHANGED);

	switch (f->attr) {
	case NSBOX_EVENT_A_TYPE:
		v->s = type_names[e->type];
		return true;
	case NSBOX_EVENT_A_MNTNS:	/* every namespace (not the cgroup) */
		kinds_map(e->tb, (1u << NSBOX_KIND_CGROUP2) - 1, v);
		return true;
	case NSBOX_EVENT_A_CHANGED:
		kinds_map(NULL, changed, v);
		return true;
	case NSBOX_EVENT_A_OLD:
		kinds_map(e->old, changed, v);
		return true;
	}
	if (!a && (f->arg & EV_OPTIONAL))
		return false;
	if (f->arg & EV_EXIT)
		return a && exit_split(get_u32(e->tb, f->attr), f->arg >> 4, v);
	switch (f->type) {
	case NSBOX_REC_STR:
		v->s = a ? nla_get_string(a) : NULL;
		break;
	case NSBOX_REC_BOOL:
		v->b = a && nla_len(a) >= 1 && nla_get_u8(a);
		break;
	default:	/* u32 or u64; 0 if absent */
		v->u = a && nla_len(a) == 4 ? get_u32(e->tb, f->attr) : get_u64(e->tb, f->attr);
		break;
	}
	return true;
}

static const struct nsbox_record ev_record = {
	.fields = ev_fields,
	.nfields = ARRAY_SIZE(ev_fields),
	.get = ev_get,
	.json_flags = JSON_C_TO_STRING_PLAIN,
};

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
	nsbox_record_print(&ev_record, &(struct ev){ type, tb, old }, type, o->json);
	fflush(stdout);
	if (o->count && ++o->seen >= o->count)
		return -ECANCELED;
	return 0;
}

/*
 * A box started again by its monitor (--restart): not an event of the
 * module's but of the box runtime, seen in the box's state file; printed
 * the same way, with the box's name and how its last run ended.
 */
static void on_restart(const struct box_state *s, void *arg)
{
	struct ev_opts *o = arg;
	struct timespec now;
	uint64_t ns;
	int code = s->exit_code;

	if (o->box && strcmp(o->box, s->name))
		return;
	if (o->count && o->seen >= o->count)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);	/* the module's clock: ktime_get_ns() */
	ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	if (o->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "type", json_object_new_string(EV_RESTART_NAME));
		json_object_object_add(j, "time_ns", json_object_new_uint64(ns));
		json_object_object_add(j, "box", json_object_new_string(s->name));
		json_object_object_add(j, "restarts", json_object_new_int(s->restarts));
		json_object_object_add(j, "pid", json_object_new_int(s->pid));
		json_object_object_add(j, box_exit_signal(code) ? "signal" : "exit_status",
				       json_object_new_int(box_exit_signal(code) ?
							   box_exit_signal(code) : code));
		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	} else {
		char last[48];

		box_exit_format(code, last, sizeof(last));
		printf("%" PRIu64 ".%06" PRIu64 " %-11s box=%s restarts=%d pid=%d %s\n",
		       ns / 1000000000, ns % 1000000000 / 1000, EV_RESTART_NAME, s->name,
		       s->restarts, (int)s->pid, last);
	}
	fflush(stdout);
	o->seen++;
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
		"cgroup_move, oom_kill, and lost (how many could not be delivered); and\n"
		"the box runtime's: restart (a box's monitor started it again).\n"
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
	struct ev_opts o = { .group_kind = -1, .restarts = true };
	struct box_watch w = { .fd = -1 };
	uint32_t types = 0;
	struct box_state s;
	struct nl_cb *cb;
	int c, ret;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:g:b:n:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_types(optarg, &types, &o.restarts))
				return nsbox_usage_err("events", "unknown event type in '%s' (types: "
						       "fork,exec,exit,ns_change,cgroup_move,oom_kill,lost,"
						       "restart)", optarg);
			/* restart alone: of the module's, lost only (it always shows) */
			if (!types)
				types = 1u << NSBOX_EVENT_LOST;
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
			o.box = optarg;
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
	/* the restarts, from the boxes' state files; not there to watch: none */
	if (o.restarts && box_state_root_check() == 0 && box_watch_open(&w) == 0)
		nl_socket_set_nonblocking(nl.sk);
	for (;;) {
		struct pollfd p[2] = { { .fd = nl_socket_get_fd(nl.sk), .events = POLLIN },
				       { .fd = w.fd, .events = POLLIN } };

		if (w.fd >= 0 && poll(p, 2, -1) > 0 && p[1].revents)
			box_watch_read(&w, on_restart, &o);
		ret = w.fd >= 0 && !p[0].revents ? 0 : nl_recvmsgs(nl.sk, cb);
		if (o.error.err) {
			box_watch_close(&w);
			nl_cb_put(cb);
			return nsbox_nl_report("SUBSCRIBE", &o.error);
		}
		if (o.count && o.seen >= o.count)
			break;
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN && ret != -NLE_NOMEM) {
			nsbox_err("events: receive: %s", nl_geterror(ret));
			box_watch_close(&w);
			nl_cb_put(cb);
			return NSBOX_EXIT_FAIL;
		}
	}
	box_watch_close(&w);
	nl_cb_put(cb);
	return NSBOX_EXIT_OK;
}
