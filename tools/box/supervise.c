// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor as a supervisor: what it does while the box runs and
 * between two runs (--restart), and the UNIX socket it listens on.
 *
 * One thread, one poll() over everything the monitor waits for:
 *
 *   signalfd       SIGCHLD (PID 1 ended); SIGTERM, SIGINT, ... forwarded
 *                  to PID 1 (and they mean "stop": no restart after)
 *   STATEDIR/sock  a client connects: its credentials are checked
 *   clients        one request per message, one reply
 *   log pipes      a detached box's stdout and stderr (log.c)
 *
 * The socket is SOCK_SEQPACKET: the kernel keeps message boundaries, so a
 * request is one recv() and a short one cannot be mistaken for a whole.
 * Who may talk to it is decided twice: by the file system (the socket is
 * 0600 in a 0700 directory of the box's owner) and by the kernel's word
 * on the peer (SO_PEERCRED: the uid of the process that called
 * connect()): the owner, or root.  A box cannot reach it: the socket's
 * directory is not in the box's mount namespace, and an abstract socket
 * (which a box sharing the host's network namespace could reach) is not
 * used.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "err.h"
#include "util.h"

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int sock_path(const char *statedir, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if ((size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%s/sock", statedir) >=
	    sizeof(a->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Every log record to the clients that follow the log (nsbox logs -f).
 * One that cannot take it now misses it (the monitor never waits for a
 * client), and is told how many it missed before the next one it gets.
 */
static void tap_followers(void *arg, const struct iovec *iov, int n)
{
	struct box_sup *sup = arg;
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = n };

	for (int i = 0; i < BOX_SUP_CLIENTS; i++) {
		struct box_sup_client *cl = &sup->cl[i];

		if (cl->fd < 0 || !cl->follows)
			continue;
		if (cl->missed) {
			char lost[48];
			int len = snprintf(lost, sizeof(lost), "!lost %llu",
					   (unsigned long long)cl->missed);

			if (send(cl->fd, lost, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				cl->missed++;
				continue;
			}
			cl->missed = 0;
		}
		if (sendmsg(cl->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			cl->missed++;
	}
}

int box_sup_listen(struct box_sup *sup, const char *statedir)
{
	struct sockaddr_un a;
	mode_t old;
	int ret;

	if (sock_path(statedir, &a)) {
		nsbox_err("run: the state directory %s is too long a path for a UNIX socket",
			  statedir);
		return -1;
	}
	sup->log.tap = tap_followers;
	sup->log.tap_arg = sup;
	sup->lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sup->lsock < 0) {
		nsbox_err("run: socket: %s", strerror(errno));
		return -1;
	}
	box_step("# listen on %s (UNIX, SOCK_SEQPACKET, mode 0600)", a.sun_path);
	/* bind() makes the file with the umask's mode: 0600 from the start */
	old = umask(0177);
	ret = bind(sup->lsock, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (!ret) {
		struct stat st;

		if (!lstat(a.sun_path, &st)) {
			sup->sock_dev = st.st_dev;
			sup->sock_ino = st.st_ino;
		}
	}
	if (ret || listen(sup->lsock, BOX_SUP_CLIENTS)) {
		nsbox_err("run: cannot listen on %s: %s", a.sun_path, strerror(errno));
		close(sup->lsock);
		sup->lsock = -1;
		return -1;
	}
	return 0;
}

static void reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* a client that went away (or does not read) costs us nothing */
	send(fd, buf, MIN((size_t)n, sizeof(buf) - 1), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/*
 * Close a client's connection without losing what we sent it.  An AF_UNIX
 * socket closed with messages still unread in its queue resets the peer
 * (ECONNRESET), and the peer's next recv() fails before it reads what was
 * queued for it -- the reply, or an attached client's exit status.  So: no
 * more messages in (the peer's sends fail with EPIPE), the queued ones
 * read and thrown away, then close.
 */
static void hang_up(int fd)
{
	char buf[256];

	shutdown(fd, SHUT_RD);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close(fd);
}

static void drop(struct box_sup_client *cl)
{
	hang_up(cl->fd);
	cl->fd = -1;
	cl->waits = cl->attached = cl->eof = cl->follows = false;
	cl->missed = 0;
}

static void accept_one(struct box_sup *sup)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int fd = accept4(sup->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
	    (cr.uid != 0 && cr.uid != geteuid())) {
		reply(fd, "error permission denied: box '%s' belongs to uid %u; only its owner "
		      "or root may use it", sup->name, (unsigned int)geteuid());
		hang_up(fd);
		return;
	}
	for (int i = 0; i < BOX_SUP_CLIENTS; i++) {
		if (sup->cl[i].fd < 0) {
			sup->cl[i].fd = fd;
			return;
		}
	}
	reply(fd, "error busy: %d clients are connected to box '%s'; try again",
	      BOX_SUP_CLIENTS, sup->name);
	hang_up(fd);
}

/* An attached client's message: keys for the box's terminal, or its size. */
static void terminal_input(struct box_sup *sup, const char *buf, size_t n)
{
	struct winsize ws = { 0 };
	unsigned int rows, cols;

	if (sup->tty < 0 || n < 1)
		return;		/* between runs: typed into nothing */
	if (buf[0] == BOX_ATTACH_DATA) {
		/* the pty takes it, or drops what does not fit: never blocks us */
		if (write(sup->tty, buf + 1, n - 1) < 0 && errno != EAGAIN)
			return;
	} else if (buf[0] == BOX_ATTACH_WINSZ &&
		   sscanf(buf + 1, "%u %u", &rows, &cols) == 2 && rows && cols &&
		   rows < 10000 && cols < 10000) {
		ws.ws_row = rows;
		ws.ws_col = cols;
		/* the box's foreground process group gets SIGWINCH */
		ioctl(sup->tty, TIOCSWINSZ, &ws);
	}
}

static void request(struct box_sup *sup, struct box_sup_client *cl)
{
	char buf[4200], *save = NULL, *proto, *verb, *arg;
	ssize_t n = recv(cl->fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0) {
		/* a client that shut down its side still gets the answer it waits for */
		if (n == 0 && cl->waits)
			cl->eof = true;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			drop(cl);
		return;
	}
	buf[n] = '\0';
	if (cl->attached) {
		terminal_input(sup, buf, n);
		return;
	}
	proto = strtok_r(buf, " \n", &save);
	verb = strtok_r(NULL, " \n", &save);
	arg = strtok_r(NULL, " \n", &save);
	if (!proto || strcmp(proto, BOX_SUP_PROTO)) {
		reply(cl->fd, "error unsupported protocol '%s': this monitor speaks %s",
		      proto ? proto : "", BOX_SUP_PROTO);
		return;
	}
	if (verb && !strcmp(verb, "ping")) {
		reply(cl->fd, "ok %s %s pid %d", BOX_SUP_PROTO, sup->name, (int)sup->pid);
	} else if (verb && !strcmp(verb, "stop")) {
		long secs = arg ? strtol(arg, NULL, 10) : 10;

		secs = MAX(0L, MIN(secs, 3600L));
		sup->stopping = true;
		/* the answer comes when the end is on record (box_sup_ended) */
		cl->waits = true;
		if (!sup->pid)
			return;		/* between runs: no run to end */
		box_step("kill -TERM %d", sup->pid);
		kill(sup->pid, SIGTERM);
		if (secs <= 0) {
			box_step("kill -KILL %d", sup->pid);
			kill(sup->pid, SIGKILL);
		} else if (!sup->kill_at || now_ms() + secs * 1000 < sup->kill_at) {
			sup->kill_at = now_ms() + secs * 1000;
		}
	} else if (verb && !strcmp(verb, "logs")) {
		/* from now on, every record as it is written (tap_followers) */
		if (sup->log.fd < 0) {
			reply(cl->fd, "error box '%s' keeps no log: it was not started with -d",
			      sup->name);
			return;
		}
		cl->follows = true;
		reply(cl->fd, "ok following");
	} else if (verb && !strcmp(verb, "attach")) {
		if (!sup->tty_mode) {
			reply(cl->fd, "error box '%s' has no terminal to attach to: start it with "
			      "nsbox run -t", sup->name);
			return;
		}
		cl->attached = true;
		reply(cl->fd, "ok attached");
	} else {
		reply(cl->fd, "error unknown request '%s'", verb ? verb : "");
	}
}

/* The box's terminal wrote: into the log, and to every attached client.
 * 1 if there was something, 0 if not, -1 when the terminal is gone. */
static int terminal_output(struct box_sup *sup)
{
	char buf[4096];
	ssize_t n = read(sup->tty, buf + 1, sizeof(buf) - 1);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* EIO: nothing in the box holds the terminal any more */
		close(sup->tty);
		sup->tty = -1;
		return -1;
	}
	if (sup->log.fd >= 0)
		box_log_data(&sup->log, 0, buf + 1, n);
	buf[0] = BOX_ATTACH_DATA;
	for (int i = 0; i < BOX_SUP_CLIENTS; i++)
		/* a client too slow to take it misses it (a view, not the log) */
		if (sup->cl[i].fd >= 0 && sup->cl[i].attached)
			send(sup->cl[i].fd, buf, n + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	return 1;
}

/* SIGCHLD: PID 1's exit code if it was reaped, else -1 */
static int signals(struct box_sup *sup)
{
	struct signalfd_siginfo si;
	int code = -1, status;

	while (read(sup->sigfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = si.ssi_signo;

		if (sig != SIGCHLD) {
			if (sig != SIGUSR1 && sig != SIGUSR2)
				sup->stopping = true;
			/* (not to a PID 1 reaped already: its pid may be another's) */
			if (sup->pid && code < 0)
				kill(sup->pid, sig);
			continue;
		}
		if (sup->pid && waitpid(sup->pid, &status, WNOHANG) == sup->pid)
			code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return code;
}

int box_sup_loop(struct box_sup *sup, int ms)
{
	long long end = ms >= 0 ? now_ms() + ms : -1;

	for (;;) {
		struct pollfd p[5 + BOX_SUP_CLIENTS];
		int n = 0, timeout = -1, code;
		long long now = now_ms();

		if (!sup->pid && sup->stopping)
			return -1;
		if (end >= 0 && now >= end)
			return -1;
		if (sup->pid && sup->kill_at && now >= sup->kill_at) {
			box_step("kill -KILL %d", sup->pid);
			kill(sup->pid, SIGKILL);
			sup->kill_at = 0;
		}
		if (end >= 0)
			timeout = end - now;
		if (sup->pid && sup->kill_at && (timeout < 0 || sup->kill_at - now < timeout))
			timeout = sup->kill_at - now;

		p[n++] = (struct pollfd){ .fd = sup->sigfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sup->lsock, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sup->pipe[0], .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sup->pipe[1], .events = POLLIN };
		for (int i = 0; i < BOX_SUP_CLIENTS; i++)
			p[n++] = (struct pollfd){ .fd = sup->cl[i].eof ? -1 : sup->cl[i].fd,
						  .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = sup->tty, .events = POLLIN };
		if (poll(p, n, timeout) < 0)
			continue;

		if (p[4 + BOX_SUP_CLIENTS].revents)
			terminal_output(sup);
		for (int i = 0; i < 2; i++) {
			if (p[2 + i].revents && box_log_pump(&sup->log, i, sup->pipe[i]) < 0) {
				close(sup->pipe[i]);
				sup->pipe[i] = -1;
			}
		}
		if (p[1].revents & POLLIN)
			accept_one(sup);
		for (int i = 0; i < BOX_SUP_CLIENTS; i++) {
			if (p[4 + i].revents & (POLLIN | POLLHUP | POLLERR))
				request(sup, &sup->cl[i]);
		}
		if (p[0].revents & POLLIN) {
			code = signals(sup);
			if (code >= 0) {
				/*
				 * What the box wrote before it ended -- bounded: a
				 * process outside the box's pid namespace (--ns
				 * without pid) may hold the pipes or the terminal
				 * and go on writing.  This run's terminal is done
				 * with either way.
				 */
				for (int i = 0; i < 2; i++)
					for (int k = 0; k < BOX_SUP_DRAIN && sup->pipe[i] >= 0 &&
					     box_log_pump(&sup->log, i, sup->pipe[i]) > 0; k++)
						;
				for (int k = 0; k < BOX_SUP_DRAIN && sup->tty >= 0 &&
				     terminal_output(sup) > 0; k++)
					;
				if (sup->tty >= 0)
					close(sup->tty);
				sup->tty = -1;
				if (sup->log.fd >= 0)
					box_log_flush(&sup->log);
				sup->kill_at = 0;
				return code;
			}
		}
	}
}

void box_sup_ended(struct box_sup *sup, int code)
{
	for (int i = 0; i < BOX_SUP_CLIENTS; i++) {
		if (sup->cl[i].fd >= 0 && sup->cl[i].waits) {
			reply(sup->cl[i].fd, "ok exited %d", code);
			sup->cl[i].waits = false;
			if (sup->cl[i].eof)
				drop(&sup->cl[i]);
		}
		if (sup->cl[i].fd >= 0 && sup->cl[i].attached) {
			char x[16];

			snprintf(x, sizeof(x), "%c%d", BOX_ATTACH_EXIT, code);
			send(sup->cl[i].fd, x, strlen(x), MSG_NOSIGNAL | MSG_DONTWAIT);
			drop(&sup->cl[i]);
		}
	}
}

void box_sup_close(struct box_sup *sup, const char *statedir)
{
	struct sockaddr_un a;

	for (int i = 0; i < BOX_SUP_CLIENTS; i++)
		if (sup->cl[i].fd >= 0)
			drop(&sup->cl[i]);
	if (sup->lsock >= 0) {
		struct stat st;

		close(sup->lsock);
		/* ours only: after an rm, a new box of the same name has its own */
		if (!sock_path(statedir, &a) && !lstat(a.sun_path, &st) &&
		    st.st_dev == sup->sock_dev && st.st_ino == sup->sock_ino)
			unlink(a.sun_path);
	}
	for (int i = 0; i < 2; i++)
		if (sup->pipe[i] >= 0)
			close(sup->pipe[i]);
	if (sup->sigfd >= 0)
		close(sup->sigfd);
	if (sup->tty >= 0)
		close(sup->tty);
	box_log_close(&sup->log);
	sup->lsock = sup->sigfd = sup->pipe[0] = sup->pipe[1] = sup->tty = -1;
}

/* ---- the client's side ------------------------------------------------ */

static int sup_connect(const struct box_state *s)
{
	struct sockaddr_un a;
	char dir[4096];
	int fd, err;

	if (box_state_path(s->name, dir, sizeof(dir)) || sock_path(dir, &a))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int box_sup_open(const struct box_state *s, const char *req, char *reply_buf, size_t len,
		 int ms)
{
	struct pollfd p;
	char msg[256];
	ssize_t n;
	int fd, err;

	fd = sup_connect(s);
	if (fd < 0)
		return fd;
	snprintf(msg, sizeof(msg), "%s %s", BOX_SUP_PROTO, req);
	/* a refused peer gets its reply at once: read it even if this fails */
	send(fd, msg, strlen(msg), MSG_NOSIGNAL);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, ms) <= 0) {
		close(fd);
		return -ETIMEDOUT;
	}
	n = recv(fd, reply_buf, len - 1, 0);
	err = n < 0 ? -errno : n == 0 ? -ECONNRESET : 0;
	if (err) {
		close(fd);
		return err;
	}
	reply_buf[n] = '\0';
	if (strncmp(reply_buf, "ok", 2)) {
		/* the monitor's words, without its "error " */
		if (!strncmp(reply_buf, "error ", 6))
			memmove(reply_buf, reply_buf + 6, n - 6 + 1);
		close(fd);
		return -EPROTO;
	}
	return fd;
}
