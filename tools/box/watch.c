// SPDX-License-Identifier: GPL-2.0
/*
 * Watching boxes restart, for `nsbox events`: the monitor rewrites a
 * box's state file (a rename into STATEROOT/NAME/) at each start, so one
 * inotify watch per box directory -- and one on the state root, for boxes
 * made later -- says when to read it again; a restart count higher than
 * the one seen before is a restart.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "box.h"
#include "err.h"

struct box_watch_entry {
	int wd;
	int restarts;
	char name[BOX_NAME_MAX + 1];
};

static struct box_watch_entry *find_wd(struct box_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->e[i].wd == wd)
			return &w->e[i];
	return NULL;
}

static void add_box(struct box_watch *w, const char *name)
{
	struct box_watch_entry *e;
	struct box_state s;
	char dir[4096];
	int wd;

	if (!box_name_valid(name) || box_state_path(name, dir, sizeof(dir)))
		return;
	wd = inotify_add_watch(w->fd, dir, IN_MOVED_TO | IN_ONLYDIR);
	if (wd < 0 || find_wd(w, wd))
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		void *ne = realloc(w->e, cap * sizeof(*w->e));

		if (!ne)
			return;
		w->e = ne;
		w->cap = cap;
	}
	e = &w->e[w->n++];
	e->wd = wd;
	e->restarts = box_state_read(name, &s) == 0 ? s.restarts : 0;
	snprintf(e->name, sizeof(e->name), "%s", name);
}

int box_watch_open(struct box_watch *w)
{
	struct dirent *de;
	DIR *d;

	memset(w, 0, sizeof(*w));
	w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->fd < 0)
		return -errno;
	w->root_wd = inotify_add_watch(w->fd, box_state_root(), IN_CREATE | IN_ONLYDIR);
	if (w->root_wd < 0) {
		int err = -errno;

		close(w->fd);
		w->fd = -1;
		return err;
	}
	d = opendir(box_state_root());
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			add_box(w, de->d_name);
	if (d)
		closedir(d);
	return 0;
}

void box_watch_read(struct box_watch *w,
		    void (*restarted)(const struct box_state *s, void *arg), void *arg)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct box_watch_entry *e;
			struct box_state s;

			p += sizeof(*ev) + ev->len;
			if (ev->wd == w->root_wd) {
				if ((ev->mask & IN_CREATE) && ev->len)
					add_box(w, ev->name);
				continue;
			}
			e = find_wd(w, ev->wd);
			if (!e || (ev->mask & IN_IGNORED)) {
				if (e)	/* the box was removed */
					e->wd = -1;
				continue;
			}
			if (!ev->len || strcmp(ev->name, "state") || box_state_read(e->name, &s))
				continue;
			if (s.restarts > e->restarts)
				restarted(&s, arg);
			e->restarts = s.restarts;
		}
	}
}

void box_watch_close(struct box_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->e);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}
