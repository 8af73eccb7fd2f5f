// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox attach, the client's side: this terminal on a -t box's terminal.
 *
 * The pty is the monitor's (supervise.c): the box's command has its
 * slave end, the monitor the master, and every attached client gets what
 * the command writes.  This side puts the caller's terminal in raw mode
 * -- keys go to the box as they are typed, ctrl-c included -- and copies
 * both ways over the monitor's socket, one framed message at a time
 * (box.h, BOX_ATTACH_*), with the window size on SIGWINCH.  ctrl-p ctrl-q
 * detaches: this process ends, the box runs on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "box.h"
#include "err.h"
#include "util.h"

static void send_winsize(int sock)
{
	struct winsize ws;
	char msg[32];

	if (ioctl(0, TIOCGWINSZ, &ws) || !ws.ws_row)
		return;
	snprintf(msg, sizeof(msg), "%c%u %u", BOX_ATTACH_WINSZ, ws.ws_row, ws.ws_col);
	send(sock, msg, strlen(msg), MSG_NOSIGNAL);
}

/*
 * Keys to the box, less the detach sequence: ctrl-p is held back until
 * the next key says whether it starts one.  true: detach.
 */
static bool send_keys(int sock, const char *in, size_t n, bool *held)
{
	char out[4097];
	size_t len = 1;

	out[0] = BOX_ATTACH_DATA;
	for (size_t i = 0; i < n; i++) {
		/* room for two: a held ctrl-p and this key */
		if (len >= sizeof(out) - 2) {
			send(sock, out, len, MSG_NOSIGNAL);
			len = 1;
		}
		if (*held) {
			*held = false;
			if (in[i] == BOX_DETACH_KEY2)
				return true;
			out[len++] = BOX_DETACH_KEY1;
		}
		if (in[i] == BOX_DETACH_KEY1) {
			*held = true;
			continue;
		}
		out[len++] = in[i];
	}
	if (len > 1)
		send(sock, out, len, MSG_NOSIGNAL);
	return false;
}

int box_attach(const struct box_state *s, bool *detached)
{
	char buf[512];
	int sock;

	*detached = false;
	sock = box_sup_open(s, "attach", buf, sizeof(buf), -1);
	if (sock == -EPROTO)
		nsbox_err("attach: %s", buf);
	else if (sock == -ENOENT || sock == -ECONNREFUSED)
		nsbox_err("attach: box '%s' has no monitor listening (%s): it is not running",
			  s->name, strerror(-sock));
	else if (sock < 0)
		nsbox_err("attach: box '%s': the monitor did not answer", s->name);
	if (sock < 0)
		return 1;
	return box_attach_fd(sock, s->name, detached);
}

int box_attach_fd(int fd, const char *name, bool *detached)
{
	_cleanup_close_ int sock = fd, sfd = -1;
	struct termios saved, raw;
	bool restore = false, held = false, in_open = true;
	char buf[4200];
	sigset_t winch;
	int code = -1;
	ssize_t n;

	*detached = false;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	sfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	if (isatty(0) && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = !tcsetattr(0, TCSANOW, &raw);
		send_winsize(sock);
	}
	while (code < 0) {
		struct pollfd p[3] = {
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
			{ .fd = sock, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) > 0)
				;
			send_winsize(sock);
		}
		if (p[0].revents) {
			n = read(0, buf, 4096);
			if (n <= 0) {
				in_open = false;	/* input ended: keep showing output */
			} else if (send_keys(sock, buf, n, &held)) {
				*detached = true;
				code = 0;
				break;
			}
		}
		if (p[1].revents) {
			n = recv(sock, buf, sizeof(buf) - 1, 0);
			if (n <= 0) {
				code = 1;	/* the monitor is gone */
				break;
			}
			if (buf[0] == BOX_ATTACH_DATA) {
				for (char *q = buf + 1; q < buf + n;) {
					ssize_t w = write(1, q, buf + n - q);

					if (w <= 0)
						break;
					q += w;
				}
			} else if (buf[0] == BOX_ATTACH_EXIT) {
				buf[n] = '\0';
				code = atoi(buf + 1);
			}
		}
	}
	if (restore)
		tcsetattr(0, TCSADRAIN, &saved);
	if (*detached)
		fprintf(stderr, "\nnsbox: detached from box '%s': it runs on ('nsbox attach %s' "
			"to come back)\n", name, name);
	else if (code == 1)
		nsbox_err("attach: box '%s': the monitor went away", name);
	return code < 0 ? 1 : code;
}
