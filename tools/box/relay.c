// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox exec and the caller's terminal (box.h, struct box_io, says why):
 * the host side.  The child's side is box_exec_child() (inside/child.c).
 *
 * With a pty the child opens /dev/ptmx in the box (its devpts: the pty
 * is the box's, owned by box root) and sends the master back over a
 * socket pair (SCM_RIGHTS); exec copies the caller's terminal, in raw
 * mode, to the master and the master to stdout, and passes window size
 * changes on (SIGWINCH -> TIOCSWINSZ), as `script` or `docker exec -t`
 * do.  Without one, pipes stand in for the terminals among 0-2.
 *
 * When the command exits (its pidfd turns readable), exec takes what is
 * still buffered -- a read of the master first flushes what the pty has
 * in flight -- and closes its ends: a process the command left behind is
 * left with a hung-up pty or a broken pipe, never the caller's terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "box.h"
#include "err.h"
#include "util.h"

int box_io_prepare(struct box_io *io)
{
	memset(io, 0, sizeof(*io));
	io->sock[0] = io->sock[1] = io->null_fd = -1;
	for (int i = 0; i < 3; i++)
		io->pipe[i][0] = io->pipe[i][1] = -1;
	io->pty = isatty(0) && isatty(1);
	if (io->pty) {
		io->pty_stderr = isatty(2);
		if (ioctl(0, TIOCGWINSZ, &io->ws))
			memset(&io->ws, 0, sizeof(io->ws));
		io->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (io->null_fd < 0 ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, io->sock)) {
			nsbox_err("exec: %s: %s", io->null_fd < 0 ? "open /dev/null" : "socketpair",
				  strerror(errno));
			return -1;
		}
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		if (isatty(i) && pipe2(io->pipe[i], O_CLOEXEC)) {
			nsbox_err("exec: pipe: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void box_io_close(struct box_io *io)
{
	for (int i = 0; i < 2; i++)
		if (io->sock[i] >= 0)
			close(io->sock[i]);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (io->pipe[i][j] >= 0)
				close(io->pipe[i][j]);
	if (io->null_fd >= 0)
		close(io->null_fd);
	io->sock[0] = io->sock[1] = io->null_fd = -1;
	for (int i = 0; i < 3; i++)
		io->pipe[i][0] = io->pipe[i][1] = -1;
}

/*
 * The child's answer: the pty's master (SCM_RIGHTS), or why it could not
 * make one (text), or nothing (it died).  The master, or -1.
 */
int box_recv_fd(int sock, const char *cmd)
{
	char msg[1024], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { msg, sizeof(msg) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fd < 0 && n > 0) {
		msg[n] = '\0';
		nsbox_err("%s: %s", cmd, msg);
	}
	return fd;
}

/* One direction: @in is copied to @out through @buf. */
struct chan {
	int in, out;
	char buf[4096];
	size_t len, off;
	bool eof;		/* @in gave EOF or an error: nothing more comes */
	bool own_in;		/* @in is ours: closed at the end */
	bool own_out;		/* @out is ours: closed at @in's EOF, or at the end */
};

/* Read what @c->in has (it was readable, or @nonblock). */
static void chan_read(struct chan *c)
{
	ssize_t n = read(c->in, c->buf, sizeof(c->buf));

	if (n > 0) {
		c->len = n;
		c->off = 0;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		c->eof = true;	/* a hung-up pty master reads EIO */
		if (c->own_out && c->out >= 0) {
			close(c->out);
			c->out = -1;
		}
	}
}

/* Write what @c holds; false if @c->out is gone (its reader left). */
static bool chan_write(struct chan *c)
{
	ssize_t n = write(c->out, c->buf + c->off, c->len - c->off);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		c->len = c->off = 0;	/* dropped: nobody to give it to */
		c->eof = true;
		return false;
	}
	c->off += n;
	if (c->off == c->len)
		c->len = c->off = 0;
	return true;
}

/*
 * After the command's exit: what @c's input (one of ours, never the
 * caller's stdin) still holds, without waiting for more.
 */
static void chan_drain(struct chan *c)
{
	fcntl(c->in, F_SETFL, fcntl(c->in, F_GETFL) | O_NONBLOCK);
	while (!c->eof && c->out >= 0) {
		if (c->len) {
			struct pollfd p = { .fd = c->out, .events = POLLOUT };

			if (chan_write(c) && c->len)
				poll(&p, 1, -1);	/* the caller's stdout: as fast as it goes */
			continue;
		}
		errno = 0;
		chan_read(c);
		if (!c->len && errno == EAGAIN)
			break;
	}
}

static int relay(struct chan *ch, int nch, int master, pid_t pid, int pidfd, int sfd)
{
	int status;

	for (;;) {
		struct pollfd p[8];
		int np = 0, idx[6];

		p[np++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (int i = 0; i < nch; i++) {
			idx[i] = -1;
			if (ch[i].len && ch[i].out >= 0)
				p[idx[i] = np++] = (struct pollfd){ .fd = ch[i].out, .events = POLLOUT };
			else if (!ch[i].eof)
				p[idx[i] = np++] = (struct pollfd){ .fd = ch[i].in, .events = POLLIN };
		}
		if (poll(p, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			nsbox_err("exec: poll: %s", strerror(errno));
			break;
		}
		/* signals first: a new window size before the keys typed after it */
		if (p[1].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				struct winsize ws;

				if (si.ssi_signo != SIGWINCH)
					kill(pid, si.ssi_signo);
				else if (master >= 0 && !ioctl(0, TIOCGWINSZ, &ws))
					ioctl(master, TIOCSWINSZ, &ws);
			}
		}
		if (p[0].revents)
			break;
		for (int i = 0; i < nch; i++) {
			if (idx[i] < 0 || !p[idx[i]].revents)
				continue;
			if (ch[i].len)
				chan_write(&ch[i]);
			else
				chan_read(&ch[i]);
		}
	}
	/* The command is gone: what it wrote goes out, then our ends close. */
	for (int i = 0; i < nch; i++)
		if (ch[i].own_in || ch[i].in == master)
			chan_drain(&ch[i]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

int box_io_relay(struct box_io *io, pid_t pid, int pidfd)
{
	struct chan ch[3] = { 0 };
	struct termios saved, raw;
	bool restore = false;
	int nch = 0, master = -1, sfd, status;
	sigset_t sigs, old;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGWINCH);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGQUIT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	signal(SIGPIPE, SIG_IGN);	/* a reader gone is EPIPE, not our death */
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (io->pty) {
		close(io->sock[1]);
		io->sock[1] = -1;
		master = box_recv_fd(io->sock[0], "exec");
		if (master >= 0 && !tcgetattr(0, &saved)) {
			raw = saved;
			cfmakeraw(&raw);
			restore = !tcsetattr(0, TCSANOW, &raw);
		}
		if (master >= 0) {
			fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
			ch[nch++] = (struct chan){ .in = 0, .out = master };
			ch[nch++] = (struct chan){ .in = master, .out = 1 };
		}
	} else {
		/* the child's ends are closed; ours go to the channels */
		for (int i = 0; i < 3; i++) {
			if (io->pipe[i][0] < 0)
				continue;
			if (i == 0) {
				close(io->pipe[0][0]);
				ch[nch++] = (struct chan){ .in = 0, .out = io->pipe[0][1],
							   .own_out = true };
			} else {
				close(io->pipe[i][1]);
				ch[nch++] = (struct chan){ .in = io->pipe[i][0], .out = i,
							   .own_in = true };
			}
			io->pipe[i][0] = io->pipe[i][1] = -1;
		}
	}
	status = relay(ch, nch, master, pid, pidfd, sfd);
	if (restore)
		tcsetattr(0, TCSADRAIN, &saved);
	if (master >= 0)
		close(master);	/* the box's pty hangs up */
	for (int i = 0; i < nch; i++) {
		if (ch[i].own_out && ch[i].out >= 0)
			close(ch[i].out);
		if (ch[i].own_in)
			close(ch[i].in);
	}
	box_io_close(io);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
