// SPDX-License-Identifier: GPL-2.0
/*
 * The root filesystem of a box (nsbox rootfs create): busybox, the
 * libraries the programs in it need, and the directories a box mounts on.
 *
 * What a container's root filesystem minimally needs
 * --------------------------------------------------
 * After pivot_root the box sees only this tree, so everything it runs must
 * be in it:
 *   - a program to run: here busybox, one static executable that is sh,
 *     ls, ps, mount, ... depending on the name it is started as; bin/NAME
 *     is a symlink to busybox for each of its "applets";
 *   - for a dynamically linked program, its ELF interpreter (the dynamic
 *     loader, ld.so) and every shared library it needs, recursively;
 *   - empty directories to mount on: proc (a procfs of the box's pid
 *     namespace), sys, dev (a tmpfs with a few device nodes), tmp (mode
 *     1777: anybody may create files, only the owner may delete them), run;
 *   - etc/passwd and etc/group, so that uid 0 has a name and a home (id,
 *     whoami, ls -l, the shell's prompt), and etc/hostname.
 * No kernel, no init system, no package manager: the box shares the host's
 * kernel, and nsbox's own PID 1 reaps zombies.
 *
 * Each program added gets its ELF interpreter and shared libraries too:
 * elf.c finds them as ld.so would (see there for how PT_INTERP, DT_NEEDED
 * and the loader's search work), and each library is copied to the
 * directory where it was found.  The box has no ld.so.cache, so its loader
 * falls back to those same directories and finds them.  A library the host
 * finds only through LD_LIBRARY_PATH or ld.so.cache (say in
 * /usr/local/lib) is reported missing, since the box's loader would not
 * find it there either.
 *
 * Everything is written through a descriptor of DIR with openat2(2)
 * RESOLVE_IN_ROOT, so a symlink inside DIR (even an absolute one) is
 * resolved as if DIR were "/" and can not make us write outside DIR.
 */
#include <elf.h>		/* the system one: EM_X86_64 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "box.h"
#include "elfdeps.h"
#include "err.h"
#include "io.h"
#include "util.h"

struct rootfs {
	const char *dir;	/* as given, without trailing '/' */
	int rootfd;		/* O_PATH descriptor of dir */
	char **seen;		/* paths inside the rootfs already installed */
	size_t nseen, capseen;
};

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	return s;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	return d;
}

/* "/a/b/c" -> "/a/b"; "/c" -> "/"; "c" -> "." */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

/* ---- the host side ---------------------------------------------------- */

/* The first executable regular file NAME in $PATH, malloc'ed, or NULL. */
static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; ; p = end + 1) {
		struct stat st;
		char *cand;

		end = strchrnul(p, ':');
		cand = xasprintf("%.*s/%s", end == p ? 1 : (int)(end - p),
				 end == p ? "." : p, name);
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK))
			return cand;
		free(cand);
		if (!*end)
			return NULL;
	}
}

/* mkdir -p on the host, for DIR itself. */
static int host_mkdir_p(const char *path)
{
	_cleanup_free_ char *buf = xstrdup(path);
	bool created = false;
	struct stat st;

	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (!mkdir(buf, 0755)) {
			created = true;
			if (chmod(buf, 0755)) {	/* whatever the umask */
				nsbox_err("cannot chmod 755 %s: %s", buf, strerror(errno));
				return -1;
			}
		} else if (errno != EEXIST) {
			nsbox_err("cannot create directory %s: %s", buf, strerror(errno));
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	if (stat(path, &st)) {
		nsbox_err("cannot create directory %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		nsbox_err("%s exists and is not a directory; choose another DIR", path);
		return -1;
	}
	if (created)
		box_step("mkdir -p %s", path);
	return 0;
}

/*
 * The applets of @busybox ("sh\nls\n..."), from `busybox --list`: fork,
 * exec with the pipe as its stdout, read until EOF, wait.
 */
static char *busybox_list(const char *busybox)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	bool failed = false;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		nsbox_err("cannot create a pipe: %s", strerror(errno));
		return NULL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		nsbox_err("cannot fork to run '%s --list': %s", busybox, strerror(errno));
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (!pid) {
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		execl(busybox, "busybox", "--list", (char *)NULL);
		dprintf(STDERR_FILENO, "nsbox: cannot run %s: %s\n", busybox, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nbuf = realloc(buf, cap + 65536);

			if (!nbuf)
				nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
			buf = nbuf;
			cap += 65536;
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nsbox_err("cannot read the output of '%s --list': %s", busybox, strerror(errno));
			failed = true;
			break;
		}
		if (!n)
			break;
		len += n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			nsbox_err("cannot wait for '%s --list': %s", busybox, strerror(errno));
			return NULL;
		}
	}
	if (failed)
		return NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		nsbox_err("'%s --list' failed (%s %d); is it a working busybox? "
			  "(apt-get install busybox-static)", busybox,
			  WIFEXITED(status) ? "exit status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return NULL;
	}
	if (!buf || !len) {
		nsbox_err("'%s --list' printed no applets; is it a working busybox?", busybox);
		return NULL;
	}
	buf[len] = '\0';
	char *ret = buf;

	buf = NULL;
	return ret;
}

/* ---- the rootfs side: every path resolved inside DIR ------------------ */

/* Open @rel (relative to DIR) as a directory, symlinks resolved inside DIR. */
static int root_open_dir(struct rootfs *r, const char *rel, int flags)
{
	struct open_how how = {
		.flags = flags | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	do	/* EAGAIN: a rename raced with "..", try again */
		fd = syscall(SYS_openat2, r->rootfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0 && errno == ENOSYS)	/* Linux < 5.6: plain openat */
		fd = openat(r->rootfd, rel, flags | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/*
 * mkdir -p DIR/@rel; the new directories get @mode (not changed by the
 * umask).  Returns a descriptor of the directory, or -1 after nsbox_err().
 */
static int root_mkdir_p(struct rootfs *r, const char *rel, mode_t mode)
{
	_cleanup_free_ char *buf = xstrdup(rel);
	int fd, pfd;
	bool created = false;
	char *p = buf;

	while (*p == '/')
		p++;
	const char *shown = p;	/* "usr/lib", for messages */
	pfd = root_open_dir(r, "", O_PATH);
	if (pfd < 0)
		goto fail;
	while (*p) {
		char *comp = p, *end = strchrnul(p, '/'), c = *end;

		*end = '\0';
		if (!mkdirat(pfd, comp, mode)) {
			created = true;
			fd = root_open_dir(r, buf, O_RDONLY);
			if (fd < 0 || fchmod(fd, mode)) {
				if (fd >= 0)
					close(fd);
				close(pfd);
				goto fail;
			}
		} else if (errno != EEXIST) {
			close(pfd);
			goto fail;
		} else {
			fd = root_open_dir(r, buf, O_PATH);
		}
		close(pfd);
		if (fd < 0) {
			if (errno == ENOTDIR) {
				nsbox_err("%s/%s exists and is not a directory; remove it", r->dir, shown);
				return -1;
			}
			goto fail;
		}
		pfd = fd;
		*end = c;
		for (p = end; *p == '/'; p++)
			;
	}
	if (created)
		box_step("mkdir -p %s/%s", r->dir, shown);
	return pfd;
fail:
	nsbox_err("cannot create directory %s/%s: %s", r->dir, shown, strerror(errno));
	return -1;
}

/* Copy @in to @out from their current offsets: copy_file_range(2), which
 * lets the filesystem share or copy the blocks itself, else read/write. */
static int copy_fd(int in, int out)
{
	bool cfr = true;
	char buf[65536];
	ssize_t n;

	for (;;) {
		if (cfr) {
			n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
				      errno == EOPNOTSUPP || errno == EPERM)) {
				cfr = false;	/* the offsets moved by what was copied */
				continue;
			}
		} else {
			n = read(in, buf, sizeof(buf));
			if (n > 0 && nsbox_write_all(out, buf, n))
				return -1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
	}
}

/*
 * Write a file DIR/@path (absolute inside the box) from @in (NULL: from
 * @data) with @mode: written under a temporary name, then renamed over
 * the old one, so a running program or a symlink there is replaced and
 * never written through.
 */
static int root_write(struct rootfs *r, const char *path, int in, const char *data, mode_t mode)
{
	_cleanup_free_ char *dir = dir_of(path);
	_cleanup_close_ int dfd = -1, out = -1;
	const char *base = strrchr(path, '/') + 1;
	char tmp[64];

	dfd = root_mkdir_p(r, dir, 0755);
	if (dfd < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), ".nsbox-tmp.%d", (int)getpid());
	unlinkat(dfd, tmp, 0);
	out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		nsbox_err("cannot create %s%s/%s: %s", r->dir, strcmp(dir, "/") ? dir : "",
			  tmp, strerror(errno));
		return -1;
	}
	errno = 0;
	if ((in >= 0 ? copy_fd(in, out) : nsbox_write_all(out, data, strlen(data))) ||
	    fchmod(out, mode) || close(out)) {
		out = -1;
		nsbox_err("cannot write %s%s: %s", r->dir, path, strerror(errno ? errno : EIO));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	out = -1;
	if (renameat(dfd, tmp, dfd, base)) {
		nsbox_err("cannot replace %s%s: %s", r->dir, path, strerror(errno));
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* cp @src DIR/@dst, following symlinks in @src, keeping its mode. */
static int root_copy(struct rootfs *r, const char *src, const char *dst)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (in < 0 || fstat(in, &st)) {
		nsbox_err("cannot read %s: %s", src, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		nsbox_err("%s is not a regular file; only files can be copied", src);
		return -1;
	}
	if (root_write(r, dst, in, NULL, st.st_mode & 07777))
		return -1;
	box_step("cp %s %s%s", src, r->dir, dst);
	return 0;
}

static int root_write_text(struct rootfs *r, const char *path, const char *text)
{
	_cleanup_free_ char *shown = malloc(2 * strlen(text) + 1);
	char *o = shown;

	if (!shown)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (root_write(r, path, -1, text, 0644))
		return -1;
	for (const char *s = text; *s; s++) {
		if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	box_step("printf '%s' > %s%s", shown, r->dir, path);
	return 0;
}

static bool seen(struct rootfs *r, const char *path)
{
	for (size_t i = 0; i < r->nseen; i++)
		if (!strcmp(r->seen[i], path))
			return true;
	if (r->nseen == r->capseen) {
		size_t cap = r->capseen ? 2 * r->capseen : 32;
		char **n = realloc(r->seen, cap * sizeof(*n));

		if (!n)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		r->seen = n;
		r->capseen = cap;
	}
	r->seen[r->nseen++] = xstrdup(path);
	return false;
}

/*
 * Copy @src to DIR/@dst, then its ELF interpreter and its libraries,
 * recursively.  $ORIGIN is @host_origin when looking on the host and
 * @box_origin when deciding where the library goes in the box.
 */
static int install(struct rootfs *r, const char *src, const char *dst,
		   const char *host_origin, const char *box_origin)
{
	struct elf_info ei;
	int ret = 0;

	if (seen(r, dst))
		return 0;
	if (elf_read(src, &ei))
		return -1;
	if (root_copy(r, src, dst)) {
		elf_info_free(&ei);
		return -1;
	}
	if (ei.interp) {
		_cleanup_free_ char *d = dir_of(ei.interp);

		if (!lib_usable(ei.interp, ei.machine)) {
			nsbox_err("%s: its ELF interpreter %s is missing or not for this machine",
				  src, ei.interp);
			ret = -1;
		} else {
			ret = install(r, ei.interp, ei.interp, d, d);
		}
	}
	for (size_t i = 0; !ret && i < ei.nneeded; i++) {
		_cleanup_free_ char *hp = NULL, *bp = NULL, *hd = NULL, *bd = NULL;

		ret = find_lib(ei.needed[i], &ei, src, host_origin, box_origin, &hp, &bp);
		if (ret)
			break;
		/* a library's $ORIGIN is the directory it was found in, unresolved */
		hd = dir_of(hp);
		bd = dir_of(bp);
		ret = install(r, hp, bp, hd, bd);
	}
	elf_info_free(&ei);
	return ret;
}

/* A program: its $ORIGIN on the host is where the kernel finds it (symlinks
 * resolved, like /proc/self/exe); in the box it is @dst's directory. */
static int install_program(struct rootfs *r, const char *src, const char *dst)
{
	_cleanup_free_ char *real = realpath(src, NULL);
	_cleanup_free_ char *hd = NULL, *bd = dir_of(dst);

	if (!real) {
		nsbox_err("cannot add %s: %s", src, strerror(errno));
		return -1;
	}
	hd = dir_of(real);
	return install(r, src, dst, hd, bd);
}

/* One symlink bin/APPLET -> busybox per applet; existing files are kept. */
static int link_applets(struct rootfs *r, const char *busybox)
{
	_cleanup_free_ char *list = busybox_list(busybox);
	_cleanup_close_ int bfd = -1;
	char target[16];
	char *save = NULL;

	if (!list)
		return -1;
	bfd = root_mkdir_p(r, "bin", 0755);
	if (bfd < 0)
		return -1;
	for (char *a = strtok_r(list, "\n", &save); a; a = strtok_r(NULL, "\n", &save)) {
		ssize_t n;

		if (!*a || strchr(a, '/') || !strcmp(a, ".") || !strcmp(a, "..") ||
		    !strcmp(a, "busybox"))
			continue;
		n = readlinkat(bfd, a, target, sizeof(target));
		if (n == 7 && !memcmp(target, "busybox", 7))
			continue;		/* already there */
		if (n >= 0) {
			if (unlinkat(bfd, a, 0)) {
				nsbox_err("cannot remove %s/bin/%s: %s", r->dir, a, strerror(errno));
				return -1;
			}
		} else if (errno == EINVAL) {
			continue;		/* a real file, e.g. from --add: keep it */
		} else if (errno != ENOENT) {
			nsbox_err("cannot read %s/bin/%s: %s", r->dir, a, strerror(errno));
			return -1;
		}
		if (symlinkat("busybox", bfd, a)) {
			nsbox_err("cannot create symlink %s/bin/%s: %s", r->dir, a, strerror(errno));
			return -1;
		}
	}
	box_step("for a in $(%s --list); do ln -sf busybox %s/bin/$a; done", busybox, r->dir);
	return 0;
}

/* An absolute path for --add FILE: FILE without '/' is looked up in $PATH;
 * a relative path is made absolute (its directory resolved, not its name). */
static char *program_path(const char *file)
{
	_cleanup_free_ char *dir = NULL, *real = NULL;
	const char *base;

	if (file[0] == '/')
		return xstrdup(file);
	if (!strchr(file, '/')) {
		char *p = find_in_path(file);

		if (!p)
			nsbox_err("cannot add %s: not found in $PATH; give its path", file);
		return p;
	}
	dir = dir_of(file);
	base = strrchr(file, '/') + 1;
	real = realpath(dir, NULL);
	if (!real || !*base) {
		nsbox_err("cannot add %s: %s", file, real ? "not a file name" : strerror(errno));
		return NULL;
	}
	return xasprintf("%s/%s", strcmp(real, "/") ? real : "", base);
}

static const char *const rootfs_dirs[] = {
	"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev",
	"run", "var", "mnt", "home",
};

int rootfs_create(const char *dir, char *const extra[], int nextra)
{
	_cleanup_free_ char *busybox = NULL, *dirbuf = NULL;
	_cleanup_close_ int rootfd = -1;
	struct rootfs r = { .rootfd = -1 };
	struct stat st, root_st;
	char **progs = NULL;
	int ret = -1, fd;

	if (!dir || !*dir) {
		nsbox_err("no rootfs directory given");
		return -1;
	}
	dirbuf = xstrdup(dir);
	for (size_t n = strlen(dirbuf); n > 1 && dirbuf[n - 1] == '/'; n--)
		dirbuf[n - 1] = '\0';
	r.dir = dirbuf;

	/* everything we need, before writing anything */
	busybox = find_in_path("busybox");
	if (!busybox) {
		nsbox_err("no busybox in $PATH; install busybox-static (apt-get install busybox-static)");
		return -1;
	}
	progs = calloc(nextra > 0 ? nextra : 1, sizeof(*progs));
	if (!progs)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	for (int i = 0; i < nextra; i++) {
		progs[i] = program_path(extra[i]);
		if (!progs[i])
			goto out;
		if (stat(progs[i], &st)) {
			nsbox_err("cannot add %s: %s", progs[i], strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			nsbox_err("cannot add %s: not a regular file", progs[i]);
			goto out;
		}
	}

	if (host_mkdir_p(r.dir))
		goto out;
	rootfd = open(r.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || fstat(rootfd, &st) || stat("/", &root_st)) {
		nsbox_err("cannot open %s: %s", r.dir, strerror(errno));
		goto out;
	}
	if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) {
		nsbox_err("%s is the host's root directory; choose an empty directory", r.dir);
		goto out;
	}
	r.rootfd = rootfd;

	for (size_t i = 0; i < ARRAY_SIZE(rootfs_dirs); i++) {
		fd = root_mkdir_p(&r, rootfs_dirs[i], 0755);
		if (fd < 0)
			goto out;
		close(fd);
	}
	fd = root_mkdir_p(&r, "root", 0700);
	if (fd < 0)
		goto out;
	close(fd);
	/* tmp: sticky and writable by all, also when it already exists */
	fd = root_mkdir_p(&r, "tmp", 01777);
	if (fd < 0)
		goto out;
	close(fd);
	fd = root_open_dir(&r, "tmp", O_RDONLY);
	if (fd < 0 || fchmod(fd, 01777)) {
		nsbox_err("cannot chmod 1777 %s/tmp: %s", r.dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);

	if (install_program(&r, busybox, "/bin/busybox") || link_applets(&r, busybox))
		goto out;
	if (root_write_text(&r, "/etc/passwd",
			    "root:x:0:0:root:/root:/bin/sh\n"
			    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n") ||
	    root_write_text(&r, "/etc/group", "root:x:0:\nnogroup:x:65534:\n") ||
	    root_write_text(&r, "/etc/hostname", "nsbox\n") ||
	    root_write_text(&r, "/etc/os-release",
			    "NAME=\"nsbox busybox\"\nID=nsbox\n"
			    "PRETTY_NAME=\"nsbox minimal busybox rootfs\"\n"))
		goto out;

	/* after the applets, so that --add /bin/ls replaces the symlink */
	for (int i = 0; i < nextra; i++)
		if (install_program(&r, progs[i], progs[i]))
			goto out;
	ret = 0;
out:
	for (int i = 0; i < nextra; i++)
		free(progs[i]);
	free(progs);
	for (size_t i = 0; i < r.nseen; i++)
		free(r.seen[i]);
	free(r.seen);
	return ret;
}

const char *rootfs_default(void)
{
	struct stat st;

	/*
	 * Its parent is root's alone (0700): a host user who could reach the
	 * rootfs could run a program a box left there, or watch a box's files.
	 */
	if (geteuid() == 0 && (mkdir(BOX_DEFAULT_PARENT, 0700) == 0 || errno == EEXIST) &&
	    chmod(BOX_DEFAULT_PARENT, 0700))
		nsbox_err("warning: cannot chmod 700 %s: %s", BOX_DEFAULT_PARENT, strerror(errno));
	if (!stat(BOX_DEFAULT_ROOTFS "/bin/busybox", &st))
		return BOX_DEFAULT_ROOTFS;
	fflush(stdout);
	fprintf(stderr, "nsbox: creating the default rootfs in %s (once)\n", BOX_DEFAULT_ROOTFS);
	if (rootfs_create(BOX_DEFAULT_ROOTFS, NULL, 0))
		return NULL;
	return BOX_DEFAULT_ROOTFS;
}
