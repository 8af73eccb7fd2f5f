// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - the event stream: FORK, EXEC, EXIT, NS_CHANGE, CGROUP_MOVE,
 * OOM_KILL, as they happen.
 *
 * Producers are the hook handlers (track.c).  They may not sleep or take
 * a lock that others share, so each CPU has a ring of its own: a handler
 * fills the next free slot of its CPU's ring with interrupts off (nothing
 * else can write to that ring meanwhile) and publishes it by advancing
 * the ring's head with a release store.  When the ring is full the event
 * is counted as lost instead.  One consumer -- a work item that runs
 * every 20 ms while anybody listens -- reads each ring up to its head
 * (acquire load), sends the events, and hands the slots back by advancing
 * the tail (release store).  Single producer, single consumer per ring:
 * no lock, no atomic read-modify-write on the fast path.
 *
 * Two ways to receive (docs/security.md explains why):
 *  - the "events" multicast group, for CAP_SYS_ADMIN only
 *    (GENL_MCAST_CAP_SYS_ADMIN), in the initial network namespace only:
 *    every event, pids of the initial pid namespace;
 *  - NSBOX_CMD_SUBSCRIBE, for anybody: the work item sends a subscriber
 *    only the events of tasks it could see -- tasks in its pid namespace,
 *    and of those only the ones whose uids and gids are the socket
 *    opener's, unless the opener had CAP_SYS_PTRACE over the task's user
 *    namespace (cred.c: the opener's credentials, never those of whoever
 *    happened to send the request) -- with pids as its pid namespace
 *    numbers them.  Each message is a unicast to the subscriber's port
 *    id, and the module holds the subscribing socket's file meanwhile, so
 *    that id cannot pass to another socket; when the subscriber's socket
 *    is full the event is counted and a LOST record with the count goes
 *    out before the next event that fits.
 *
 * Nobody listening costs the handlers one atomic read and one bitmap test.
 * Each slot holds references to the task's struct pid (and its process's,
 * and its parent's), so pids can be translated for each subscriber after
 * the task is gone; the consumer drops them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "events.h"
#include "cred.h"
#include "quota.h"
#include "share.h"
#include "task.h"
#include "testknob.h"
#include "compat.h"

static unsigned int nsbox_events_per_cpu = 512;
module_param_named(events_per_cpu, nsbox_events_per_cpu, uint, 0444);
MODULE_PARM_DESC(events_per_cpu,
		 "event buffer slots per CPU, a power of two (default 512, max 65536)");

#define NSBOX_EV_PERIOD		max(1, HZ / 50)		/* 20 ms with listeners */
#define NSBOX_EV_IDLE		max(1, HZ / 10)		/* 100 ms without */

struct nsbox_ring {
	unsigned int head;		/* next slot to fill: producer only */
	unsigned int tail;		/* next slot to send: consumer only */
	unsigned int snap;		/* head as this drain pass saw it: consumer */
	atomic64_t lost;
	struct nsbox_event *ev;
};

static DEFINE_PER_CPU(struct nsbox_ring, nsbox_rings);
static unsigned int nsbox_ring_mask;

/*
 * A subscriber.  Its socket's file is held: while nsbox holds it the
 * socket is not released, so its port id stays bound to it and nobody
 * else can bind that id and receive what was meant for it.  When nsbox's
 * reference is the only one left (the subscriber closed it, or died), the
 * drain lets go of the subscription, then of the file.
 */
struct nsbox_sub {
	struct list_head node;
	struct net *net;
	struct file *file;	/* the subscribing socket's, a reference */
	u32 portid;
	u32 types;
	bool admin;		/* CAP_SYS_ADMIN: everything, init pids */
	const struct cred *cred;	/* the socket opener's, for the ptrace rule */
	kuid_t quota_uid;	/* whom quota.c counts it for (nsbox_quota_uid()) */
	struct pid_namespace *pidns;
	u64 lost;		/* not delivered, not yet reported */
};

static LIST_HEAD(nsbox_subs);
static DEFINE_MUTEX(nsbox_subs_lock);	/* process context only */
static atomic_t nsbox_nr_subs = ATOMIC_INIT(0);
static unsigned int nsbox_nr_admin_subs;	/* under nsbox_subs_lock */
static struct delayed_work nsbox_drain_work;
static bool nsbox_events_up;
/* the generic netlink family events are sent on (netlink.c's) */
static const struct genl_family *nsbox_ev_family;

/* Is anybody listening?  Lock-free: called from every hook. */
bool nsbox_events_wanted(void)
{
	if (!READ_ONCE(nsbox_events_up))
		return false;
	return atomic_read(&nsbox_nr_subs) ||
	       (NSBOX_MCAST_PRIVILEGED &&
		genl_has_listeners(nsbox_ev_family, &init_net, 0));
}

/**
 * nsbox_event_begin() - reserve and fill the common part of an event
 * @type: enum nsbox_event_type
 * @t: the task it is about
 * @ids: the task's groups (new ones, for changes)
 * @flags: saved interrupt state, for nsbox_event_commit()
 *
 * Returns the slot to complete, or NULL (ring full: counted as lost).
 * Caller holds rcu_read_lock() and must call nsbox_event_commit() on a
 * non-NULL return, soon and without sleeping.
 */
struct nsbox_event *nsbox_event_begin(int type, struct task_struct *t,
				      const struct nsbox_idents *ids,
				      unsigned long *flags)
{
	const struct cred *cred;
	struct nsbox_ring *ring;
	struct nsbox_event *ev;
	int k;

	local_irq_save(*flags);
	ring = this_cpu_ptr(&nsbox_rings);
	/* pairs with the consumer's release of tail: those slots are free */
	if (ring->head - smp_load_acquire(&ring->tail) > nsbox_ring_mask) {
		atomic64_inc(&ring->lost);
		local_irq_restore(*flags);
		return NULL;
	}
	ev = &ring->ev[ring->head & nsbox_ring_mask];
	memset(ev, 0, offsetof(struct nsbox_event, filename));
	ev->filename[0] = '\0';
	ev->type = type;
	ev->time = ktime_get_ns();
	ev->pid = get_pid(task_pid(t));
	ev->tgid = get_pid(task_tgid(t));
	cred = __task_cred(t);
	ev->uid = cred->uid;
	ev->euid = cred->euid;
	ev->suid = cred->suid;
	ev->gid = cred->gid;
	ev->egid = cred->egid;
	ev->sgid = cred->sgid;
	ev->userns = get_user_ns(cred->user_ns);	/* a refcount: no lock */
	strscpy_pad(ev->comm, t->comm, sizeof(ev->comm));
	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		ev->ids[k] = ids->k[k].id;
	return ev;
}

void nsbox_event_commit(unsigned long flags)
{
	struct nsbox_ring *ring = this_cpu_ptr(&nsbox_rings);

	/* publish: the consumer's acquire of head sees the slot filled */
	smp_store_release(&ring->head, ring->head + 1);
	local_irq_restore(flags);
}

/* ---- the consumer ------------------------------------------------------ */

static int nsbox_put_ids(struct sk_buff *skb, const u64 *ids)
{
	int k;

	for (k = 0; k < NSBOX_KIND_COUNT; k++)
		if (nla_put_u64_64bit(skb, NSBOX_EVENT_A_MNTNS + k, ids[k],
				      NSBOX_EVENT_A_PAD))
			return -EMSGSIZE;
	return 0;
}

/* One event as a message; pids as @ns numbers them. */
static struct sk_buff *nsbox_event_msg(const struct nsbox_event *ev,
				       struct pid_namespace *ns)
{
	/* the largest event (EXEC, NS_CHANGE) needs about 530 bytes */
	struct sk_buff *skb = genlmsg_new(768, GFP_KERNEL);
	struct nlattr *nest, *old;
	void *hdr;

	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, nsbox_ev_family, 0, NSBOX_CMD_EVENT);
	if (!hdr)
		goto fail;
	nest = nla_nest_start(skb, NSBOX_A_EVENT);
	if (!nest || nla_put_u8(skb, NSBOX_EVENT_A_TYPE, ev->type))
		goto fail;
	if (ev->type == NSBOX_EVENT_LOST) {
		if (nla_put_u64_64bit(skb, NSBOX_EVENT_A_LOST, ev->lost, NSBOX_EVENT_A_PAD) ||
		    (ev->cpu >= 0 && nla_put_u32(skb, NSBOX_EVENT_A_CPU, ev->cpu)) ||
		    nla_put_u64_64bit(skb, NSBOX_EVENT_A_TIME_NS, ktime_get_ns(),
				      NSBOX_EVENT_A_PAD))
			goto fail;
		goto done;
	}
	if (nla_put_u64_64bit(skb, NSBOX_EVENT_A_TIME_NS, ev->time, NSBOX_EVENT_A_PAD) ||
	    nla_put_u32(skb, NSBOX_EVENT_A_PID, pid_nr_ns(ev->tgid, ns)) ||
	    nla_put_u32(skb, NSBOX_EVENT_A_TID, pid_nr_ns(ev->pid, ns)) ||
	    nla_put_string(skb, NSBOX_EVENT_A_COMM, ev->comm) ||
	    nsbox_put_ids(skb, ev->ids))
		goto fail;
	switch (ev->type) {
	case NSBOX_EVENT_FORK:
		if (nla_put_u32(skb, NSBOX_EVENT_A_PPID, pid_nr_ns(ev->ppid, ns)) ||
		    nla_put_u8(skb, NSBOX_EVENT_A_THREAD, ev->thread))
			goto fail;
		break;
	case NSBOX_EVENT_EXEC:
		if (nla_put_string(skb, NSBOX_EVENT_A_FILENAME, ev->filename))
			goto fail;
		break;
	case NSBOX_EVENT_EXIT:
		if (nla_put_u32(skb, NSBOX_EVENT_A_EXIT_CODE, ev->exit_code))
			goto fail;
		break;
	case NSBOX_EVENT_NS_CHANGE:
	case NSBOX_EVENT_CGROUP_MOVE:
		if (nla_put_u32(skb, NSBOX_EVENT_A_CHANGED, ev->changed))
			goto fail;
		old = nla_nest_start(skb, NSBOX_EVENT_A_OLD);
		if (!old || nsbox_put_ids(skb, ev->old))
			goto fail;
		nla_nest_end(skb, old);
		break;
	}
done:
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return skb;
fail:
	nlmsg_free(skb);
	return NULL;
}

/*
 * May subscriber @s see @ev?  The rule for groups and tasks (walk.c,
 * /proc's ptrace rule): a task with a pid in its pid namespace, whose
 * three uids and gids are its fs ids, or over whose user namespace it
 * has CAP_SYS_PTRACE.  (Whether the task was dumpable is not recorded
 * with the event: the hooks may not take the task's lock to read it.)
 */
static bool nsbox_sub_sees(const struct nsbox_sub *s, const struct nsbox_event *ev)
{
	const struct cred *c = s->cred;

	if (!(s->types & BIT(ev->type)))
		return false;
	if (s->admin || ev->type == NSBOX_EVENT_LOST)
		return true;
	if (!pid_nr_ns(ev->pid, s->pidns))
		return false;
	if (uid_eq(c->fsuid, ev->uid) && uid_eq(c->fsuid, ev->euid) &&
	    uid_eq(c->fsuid, ev->suid) && gid_eq(c->fsgid, ev->gid) &&
	    gid_eq(c->fsgid, ev->egid) && gid_eq(c->fsgid, ev->sgid))
		return true;
	return ev->userns && nsbox_cred_capable(c, ev->userns, CAP_SYS_PTRACE);
}

static void nsbox_sub_free(struct nsbox_sub *s)
{
	list_del(&s->node);
	atomic_dec(&nsbox_nr_subs);
	if (s->admin)
		nsbox_nr_admin_subs--;
	else
		nsbox_quota_uncharge(&nsbox_subs_quota, s->quota_uid);
	put_pid_ns(s->pidns);
	put_cred(s->cred);
	put_net(s->net);
	fput(s->file);
	kfree(s);
}

/* Has the subscriber let go of its socket?  nsbox's is the last reference. */
static bool nsbox_sub_closed(const struct nsbox_sub *s)
{
	return file_count(s->file) <= 1;
}

/* Forget the subscribers whose sockets are closed.  Under nsbox_subs_lock. */
static void nsbox_subs_reap(void)
{
	struct nsbox_sub *s, *tmp;

	list_for_each_entry_safe(s, tmp, &nsbox_subs, node)
		if (nsbox_sub_closed(s))
			nsbox_sub_free(s);
}

/*
 * Tell @s how many events it lost since it was last told.  0 when there was
 * nothing to tell or it was told, -ECONNREFUSED when its socket is gone,
 * another -errno when it cannot be told now (the count is kept for later).
 */
static int nsbox_sub_report_lost(struct nsbox_sub *s)
{
	struct nsbox_event lost = { .type = NSBOX_EVENT_LOST, .cpu = -1,
				    .lost = s->lost };
	struct sk_buff *skb;
	int err;

	if (!s->lost)
		return 0;
	skb = nsbox_event_msg(&lost, s->pidns);
	if (!skb)
		return -ENOMEM;
	err = genlmsg_unicast(s->net, skb, s->portid);
	if (!err)
		s->lost = 0;
	return err;
}

/* Unicast one message; false if the socket is gone (drop the subscriber). */
static bool nsbox_sub_send(struct nsbox_sub *s, const struct nsbox_event *ev)
{
	struct sk_buff *skb;
	int err;

	err = nsbox_sub_report_lost(s);
	if (err == -ECONNREFUSED)
		return false;
	if (err)
		goto count;
	skb = nsbox_event_msg(ev, s->admin ? &init_pid_ns : s->pidns);
	if (!skb)
		goto count;
	err = genlmsg_unicast(s->net, skb, s->portid);
	if (err == -ECONNREFUSED)
		return false;
	if (!err)
		return true;
count:
	s->lost += ev->type == NSBOX_EVENT_LOST ? ev->lost : 1;
	return true;
}

/* Subscribers with an unreported loss: try to tell them now. */
static void nsbox_flush_lost(void)
{
	struct nsbox_sub *s, *tmp;

	list_for_each_entry_safe(s, tmp, &nsbox_subs, node)
		if (nsbox_sub_report_lost(s) == -ECONNREFUSED)
			nsbox_sub_free(s);
}

static void nsbox_deliver(const struct nsbox_event *ev)
{
	struct nsbox_sub *s, *tmp;

	if (NSBOX_MCAST_PRIVILEGED &&
	    genl_has_listeners(nsbox_ev_family, &init_net, 0)) {
		struct sk_buff *skb = nsbox_event_msg(ev, &init_pid_ns);

		/* a full listener socket drops it: recv() then says ENOBUFS */
		if (skb)
			genlmsg_multicast(nsbox_ev_family, skb, 0, 0, GFP_KERNEL);
	}
	list_for_each_entry_safe(s, tmp, &nsbox_subs, node)
		if (nsbox_sub_sees(s, ev) && !nsbox_sub_send(s, ev))
			nsbox_sub_free(s);
}

/*
 * A hook that could not read another task's namespaces safely (they are
 * protected by that task's task_lock(), which the hook may not take)
 * leaves them for now, in process context, from the task as it is now.
 */
static void nsbox_event_late_ids(struct nsbox_event *ev)
{
	struct task_struct *t = get_pid_task(ev->pid, PIDTYPE_PID);
	struct nsbox_idents ids;
	int k;

	if (!t)
		return;
	rcu_read_lock();
	task_lock(t);
	if (nsbox_task_idents(t, &ids)) {
		for (k = 0; k < NSBOX_KIND_CGROUP2; k++) {
			ev->ids[k] = ids.k[k].id;
			ev->old[k] = ids.k[k].id;
		}
	}
	task_unlock(t);
	rcu_read_unlock();
	put_task_struct(t);
}

static void nsbox_event_release(struct nsbox_event *ev)
{
	put_pid(ev->pid);
	put_pid(ev->tgid);
	put_pid(ev->ppid);
	put_user_ns(ev->userns);
}

/*
 * Empty every ring, oldest event first across CPUs (a thread may start on
 * one CPU and exit on another: its FORK must come out before its EXIT).
 * Each pass takes a snapshot of every ring's head and merges the rings up
 * to it by timestamp.  @send false only drops the references (unload).
 */
static void nsbox_drain(bool send)
{
	unsigned int cpu;

	mutex_lock(&nsbox_subs_lock);
	if (send) {
		nsbox_knob_drain();	/* the test build may hold the lock longer */
		nsbox_subs_reap();
	}
	for_each_possible_cpu(cpu) {
		struct nsbox_ring *ring = per_cpu_ptr(&nsbox_rings, cpu);

		/* pairs with the producer's release: slots up to head are filled */
		ring->snap = ring->ev ? smp_load_acquire(&ring->head) : ring->tail;
	}
	for (;;) {
		struct nsbox_ring *ring, *oldest = NULL;
		struct nsbox_event *ev;

		for_each_possible_cpu(cpu) {
			ring = per_cpu_ptr(&nsbox_rings, cpu);
			if (!ring->ev || ring->tail == ring->snap)
				continue;
			ev = &ring->ev[ring->tail & nsbox_ring_mask];
			if (!oldest ||
			    ev->time < oldest->ev[oldest->tail & nsbox_ring_mask].time)
				oldest = ring;
		}
		if (!oldest)
			break;
		ev = &oldest->ev[oldest->tail & nsbox_ring_mask];
		if (send && ev->late_ids)
			nsbox_event_late_ids(ev);
		if (send)
			nsbox_deliver(ev);
		nsbox_event_release(ev);
		/* hand the slot back: its producer may refill it */
		smp_store_release(&oldest->tail, oldest->tail + 1);
		if (send)
			cond_resched();
	}
	/* a loss at the end of a burst is reported too, once there is room */
	if (send)
		nsbox_flush_lost();
	for_each_possible_cpu(cpu) {
		struct nsbox_ring *ring = per_cpu_ptr(&nsbox_rings, cpu);
		u64 lost;

		if (!ring->ev)
			continue;
		lost = atomic64_xchg(&ring->lost, 0);
		if (lost && send) {
			struct nsbox_event ev = { .type = NSBOX_EVENT_LOST, .cpu = cpu,
						  .lost = lost };

			nsbox_deliver(&ev);
		}
	}
	mutex_unlock(&nsbox_subs_lock);
}

static void nsbox_drain_fn(struct work_struct *work)
{
	bool wanted = nsbox_events_wanted();

	nsbox_drain(true);
	if (READ_ONCE(nsbox_events_up))
		schedule_delayed_work(&nsbox_drain_work,
				      wanted ? NSBOX_EV_PERIOD : NSBOX_EV_IDLE);
}

/* ---- subscribers ------------------------------------------------------- */

int nsbox_events_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	u32 types = GENMASK(NSBOX_EVENT_TYPE_COUNT - 1, 0);
	struct file *file = nsbox_skb_file(skb);
	struct nsbox_viewer v;
	struct nsbox_sub *s;
	int ret = 0;

	if (!file)
		return -EOPNOTSUPP;	/* a kernel socket: nothing to hold */
	if (info->attrs[NSBOX_A_EVENT_TYPES])
		types = nla_get_u32(info->attrs[NSBOX_A_EVENT_TYPES]) | BIT(NSBOX_EVENT_LOST);
	/* who asks: the socket's opener (cred.c), not a setuid writer */
	nsbox_viewer_init(&v, skb);
	mutex_lock(&nsbox_subs_lock);
	list_for_each_entry(s, &nsbox_subs, node) {
		if (s->file == file) {
			s->types = types;
			goto out;
		}
	}
	/* places held by sockets already closed are free again */
	nsbox_subs_reap();
	/*
	 * The admin's subscriptions and everybody else's are counted apart
	 * (quota.c): unprivileged users cannot take the admin's places.
	 */
	if (v.admin && nsbox_nr_admin_subs >= nsbox_max_subscribers) {
		NL_SET_ERR_MSG(info->extack,
			       "too many admin event subscribers (module parameter max_subscribers)");
		ret = -ENOSPC;
		goto out;
	}
	if (!v.admin) {
		ret = nsbox_quota_charge(&nsbox_subs_quota, nsbox_quota_uid(v.cred), info->extack);
		if (ret)
			goto out;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		if (!v.admin)
			nsbox_quota_uncharge(&nsbox_subs_quota, nsbox_quota_uid(v.cred));
		ret = -ENOMEM;
		goto out;
	}
	s->net = get_net(genl_info_net(info));
	s->file = get_file(file);
	s->portid = NETLINK_CB(skb).portid;
	s->types = types;
	s->admin = v.admin;
	s->cred = get_cred(v.cred);
	s->quota_uid = nsbox_quota_uid(v.cred);
	s->pidns = get_pid_ns(v.pidns);
	if (v.admin)
		nsbox_nr_admin_subs++;
	list_add_tail(&s->node, &nsbox_subs);
	atomic_inc(&nsbox_nr_subs);
	/* never after nsbox_events_stop(): the work must not outlive rmmod */
	if (READ_ONCE(nsbox_events_up))
		mod_delayed_work(system_wq, &nsbox_drain_work, 0);
out:
	mutex_unlock(&nsbox_subs_lock);
	nsbox_viewer_release(&v);
	return ret;
}

void nsbox_events_stats(u32 *subscribers, u64 *ring_bytes)
{
	*subscribers = atomic_read(&nsbox_nr_subs);
	*ring_bytes = (u64)num_possible_cpus() * (nsbox_ring_mask + 1) *
		      sizeof(struct nsbox_event);
}

/**
 * nsbox_events_init() - allocate the rings and start the consumer
 * @family: the family to send events on; it must be registered before
 *	anybody can subscribe, and unregistered only after
 *	nsbox_events_stop()
 *
 * Returns 0, -EINVAL (events_per_cpu) or -ENOMEM.
 */
int nsbox_events_init(const struct genl_family *family)
{
	unsigned int n = nsbox_events_per_cpu;
	int cpu;

	if (n < 16 || n > 65536 || !is_power_of_2(n)) {
		pr_err("events_per_cpu=%u: must be a power of two from 16 to 65536\n", n);
		return -EINVAL;
	}
	nsbox_ring_mask = n - 1;
	nsbox_ev_family = family;
	for_each_possible_cpu(cpu) {
		struct nsbox_ring *ring = per_cpu_ptr(&nsbox_rings, cpu);

		ring->head = 0;
		ring->tail = 0;
		atomic64_set(&ring->lost, 0);
		ring->ev = kvcalloc(n, sizeof(*ring->ev), GFP_KERNEL_ACCOUNT);
		if (!ring->ev) {
			nsbox_events_exit();
			return -ENOMEM;
		}
	}
	INIT_DELAYED_WORK(&nsbox_drain_work, nsbox_drain_fn);
	WRITE_ONCE(nsbox_events_up, true);
	schedule_delayed_work(&nsbox_drain_work, NSBOX_EV_IDLE);
	return 0;
}

/* Before the family goes: no more sending, no more subscribers. */
void nsbox_events_stop(void)
{
	/*
	 * Under the subscribers' lock: a SUBSCRIBE racing rmmod either ran
	 * before (and its work is cancelled here) or sees "down" and
	 * schedules nothing.  The cancel is unconditional, and waits for a
	 * drain that is running (which then does not re-arm itself).
	 */
	mutex_lock(&nsbox_subs_lock);
	WRITE_ONCE(nsbox_events_up, false);
	mutex_unlock(&nsbox_subs_lock);
	if (nsbox_drain_work.work.func)
		cancel_delayed_work_sync(&nsbox_drain_work);
}

/* After the hooks are gone: nothing writes to the rings any more. */
void nsbox_events_exit(void)
{
	struct nsbox_sub *s, *tmp;
	int cpu;

	nsbox_events_stop();
	nsbox_drain(false);
	mutex_lock(&nsbox_subs_lock);
	list_for_each_entry_safe(s, tmp, &nsbox_subs, node)
		nsbox_sub_free(s);
	mutex_unlock(&nsbox_subs_lock);
	for_each_possible_cpu(cpu) {
		struct nsbox_ring *ring = per_cpu_ptr(&nsbox_rings, cpu);

		kvfree(ring->ev);
		ring->ev = NULL;
	}
}
