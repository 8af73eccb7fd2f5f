// SPDX-License-Identifier: GPL-2.0
/*
 * elf_test - host unit test of the ELF dependency finder that `nsbox
 * rootfs create` uses (tools/box/elfdeps.c): on this machine's own /bin/ls,
 * on files that are no ELF, on truncated copies, and on small ELF files
 * built here byte by byte (PT_INTERP, PT_DYNAMIC, DT_NEEDED, DT_RUNPATH)
 * so each malformation is one field changed.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "elfdeps.h"
#include "box.h"

#define PROG "/bin/ls"

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len)
			unlink(path);
		close(fd);
	}
}

/* The first @len bytes of @path, malloc'ed; *size gets the whole size. */
static unsigned char *slurp(const char *path, size_t *size)
{
	unsigned char *buf = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		goto out;
	buf = malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	*size = st.st_size;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

FIXTURE(elf) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(elf)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/nsbox-elf-test-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
}

FIXTURE_TEARDOWN(elf)
{
	if (!strncmp(self->dir, "/tmp/nsbox-elf-test-", 20))
		box_rm_rf(self->dir);
}

/* ---- this machine's programs --------------------------------------------- */

TEST(real_program)
{
	struct elf_info ei;
	char *host = NULL, *box = NULL;
	bool has_libc = false;

	ASSERT_EQ(0, elf_read(PROG, &ei));
	ASSERT_TRUE(ei.is_elf);
	ASSERT_NE(NULL, multiarch(ei.machine)) TH_LOG("machine %u", ei.machine);
	ASSERT_NE(NULL, ei.interp);
	EXPECT_EQ('/', ei.interp[0]);
	EXPECT_TRUE(is_file(ei.interp)) TH_LOG("%s", ei.interp);
	EXPECT_TRUE(lib_usable(ei.interp, ei.machine)) TH_LOG("%s", ei.interp);
	ASSERT_GE(ei.nneeded, 1);
	for (size_t i = 0; i < ei.nneeded; i++) {
		/* every library ls needs is found, where the loader would */
		ASSERT_EQ(0, find_lib(ei.needed[i], &ei, PROG, "/bin", "/bin",
				      &host, &box)) TH_LOG("%s", ei.needed[i]);
		EXPECT_TRUE(is_file(host)) TH_LOG("%s", host);
		EXPECT_TRUE(lib_usable(host, ei.machine)) TH_LOG("%s", host);
		EXPECT_STREQ(host, box);
		if (!strcmp(ei.needed[i], "libc.so.6"))
			has_libc = true;
		free(host);
		free(box);
	}
	EXPECT_TRUE(has_libc);
	elf_info_free(&ei);
	EXPECT_EQ(NULL, ei.needed);
	EXPECT_EQ(0, ei.nneeded);
	EXPECT_EQ(NULL, ei.interp);
}

TEST(libc_in_multiarch_dir)
{
	struct elf_info ei;
	char *host = NULL, *box = NULL, want[128];

	ASSERT_EQ(0, elf_read(PROG, &ei));
	ASSERT_EQ(0, find_lib("libc.so.6", &ei, PROG, "/bin", "/bin", &host, &box));
	/* Debian: /lib/TRIPLET comes first (/lib may be a link to /usr/lib) */
	snprintf(want, sizeof(want), "/lib/%s/libc.so.6", multiarch(ei.machine));
	EXPECT_STREQ(want, host);
	free(host);
	free(box);
	elf_info_free(&ei);
}

TEST(not_elf_is_no_error)
{
	struct elf_info ei;

	/* scripts and data need nothing loaded: documented as is_elf false, 0 */
	ASSERT_EQ(0, elf_read("/etc/passwd", &ei));
	EXPECT_FALSE(ei.is_elf);
	EXPECT_EQ(NULL, ei.interp);
	EXPECT_EQ(0, ei.nneeded);
	ASSERT_EQ(0, elf_read("/etc/hostname", &ei));
	EXPECT_FALSE(ei.is_elf);
}

TEST_F(elf, script_and_empty_file)
{
	struct elf_info ei;
	const char script[] = "#!/bin/sh\necho hi\n";

	write_file(self->path, script, sizeof(script) - 1);
	ASSERT_EQ(0, elf_read(self->path, &ei));
	EXPECT_FALSE(ei.is_elf);
	EXPECT_EQ(NULL, ei.interp);
	EXPECT_EQ(0, ei.nneeded);
	write_file(self->path, "", 0);
	ASSERT_EQ(0, elf_read(self->path, &ei));
	EXPECT_FALSE(ei.is_elf);
	/* three bytes of the magic are not the magic */
	write_file(self->path, ELFMAG, 3);
	ASSERT_EQ(0, elf_read(self->path, &ei));
	EXPECT_FALSE(ei.is_elf);
}

TEST(missing_file_and_directory)
{
	struct elf_info ei;

	EXPECT_EQ(-1, elf_read("/nonexistent/prog", &ei));
	EXPECT_FALSE(ei.is_elf);
	/* a directory cannot be mapped */
	EXPECT_EQ(-1, elf_read("/", &ei));
	EXPECT_FALSE(ei.is_elf);
}

TEST_F(elf, truncated_copy)
{
	struct elf_info ei;
	unsigned char *buf;
	size_t size = 0;

	buf = slurp(PROG, &size);
	ASSERT_NE(NULL, buf);
	ASSERT_GT(size, 8192);
	/* 100 bytes: the ELF header, and the program headers cut off */
	write_file(self->path, buf, 100);
	memset(&ei, 0xa5, sizeof(ei));
	EXPECT_EQ(-1, elf_read(self->path, &ei));
	EXPECT_FALSE(ei.is_elf);
	EXPECT_EQ(NULL, ei.needed);
	EXPECT_EQ(NULL, ei.interp);
	/* 40 bytes: not even the ELF header */
	write_file(self->path, buf, 40);
	EXPECT_EQ(-1, elf_read(self->path, &ei));
	/* a cut anywhere: an answer or an error, never a crash or a leak */
	for (size_t n = 1; n < 8192; n = n * 3 / 2 + 1) {
		int ret;

		write_file(self->path, buf, n);
		ret = elf_read(self->path, &ei);
		EXPECT_TRUE(ret == 0 || ret == -1) TH_LOG("cut at %zu", n);
		if (ret) {
			EXPECT_EQ(NULL, ei.needed) TH_LOG("cut at %zu", n);
		}
		elf_info_free(&ei);
	}
	free(buf);
}

TEST(lib_usable_and_multiarch)
{
	struct elf_info ei;

	ASSERT_EQ(0, elf_read(PROG, &ei));
	EXPECT_TRUE(lib_usable(PROG, ei.machine));
	EXPECT_FALSE(lib_usable(PROG, ei.machine == EM_X86_64 ? EM_AARCH64 : EM_X86_64));
	EXPECT_FALSE(lib_usable("/etc/passwd", ei.machine));
	EXPECT_FALSE(lib_usable("/", ei.machine));
	EXPECT_FALSE(lib_usable("/nonexistent", ei.machine));
	elf_info_free(&ei);
	EXPECT_STREQ("x86_64-linux-gnu", multiarch(EM_X86_64));
	EXPECT_STREQ("aarch64-linux-gnu", multiarch(EM_AARCH64));
	EXPECT_STREQ("riscv64-linux-gnu", multiarch(EM_RISCV));
	EXPECT_EQ(NULL, multiarch(EM_386));
	EXPECT_EQ(NULL, multiarch(0));
}

TEST(find_lib_errors)
{
	struct elf_info ei;
	char *host = NULL, *box = NULL;

	ASSERT_EQ(0, elf_read(PROG, &ei));
	EXPECT_EQ(-1, find_lib("libnsbox-does-not-exist.so.9", &ei, PROG, "/bin", "/bin",
			       &host, &box));
	EXPECT_EQ(-1, find_lib("lib/libc.so.6", &ei, PROG, "/bin", "/bin", &host, &box));
	EXPECT_EQ(-1, find_lib("/etc/passwd", &ei, PROG, "/bin", "/bin", &host, &box));
	EXPECT_EQ(NULL, host);
	EXPECT_EQ(NULL, box);
	/* an absolute DT_NEEDED is taken as it is */
	ASSERT_EQ(0, find_lib(ei.interp, &ei, PROG, "/bin", "/bin", &host, &box));
	EXPECT_STREQ(ei.interp, host);
	EXPECT_STREQ(ei.interp, box);
	free(host);
	free(box);
	elf_info_free(&ei);
}

/* ---- ELF files built here ---------------------------------------------- */

#define BASE 0x400000ULL
#define OFF_PH 64
#define OFF_INTERP 256
#define OFF_DYN 320
#define OFF_STR 512
#define FILE_SIZE 768

struct mini {
	unsigned char b[FILE_SIZE];
	size_t ndyn;
	size_t strlen;		/* bytes used in the string table */
};

static uint32_t add_str(struct mini *m, const char *s)
{
	uint32_t off = m->strlen;

	memcpy(m->b + OFF_STR + off, s, strlen(s) + 1);
	m->strlen += strlen(s) + 1;
	return off;
}

static void add_dyn(struct mini *m, int64_t tag, uint64_t val)
{
	Elf64_Dyn d = { .d_tag = tag, .d_un.d_val = val };

	memcpy(m->b + OFF_DYN + m->ndyn++ * sizeof(d), &d, sizeof(d));
}

static Elf64_Phdr *phdr(struct mini *m, int i)
{
	return (Elf64_Phdr *)(m->b + OFF_PH + i * sizeof(Elf64_Phdr));
}

static Elf64_Ehdr *ehdr(struct mini *m)
{
	return (Elf64_Ehdr *)m->b;
}

/*
 * An executable for @machine: PT_INTERP, one PT_LOAD holding the whole
 * file at BASE, PT_DYNAMIC; DT_STRTAB and DT_STRSZ; the caller adds
 * DT_NEEDED and the rest, then end_dyn().
 */
static void mini_init(struct mini *m, uint16_t machine, const char *interp)
{
	Elf64_Ehdr *eh = ehdr(m);
	Elf64_Phdr *ph;

	memset(m, 0, sizeof(*m));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = OFF_PH;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	ph = phdr(m, 0);
	ph->p_type = PT_INTERP;
	ph->p_offset = OFF_INTERP;
	ph->p_filesz = strlen(interp) + 1;
	memcpy(m->b + OFF_INTERP, interp, strlen(interp) + 1);
	ph = phdr(m, 1);
	ph->p_type = PT_LOAD;
	ph->p_offset = 0;
	ph->p_vaddr = BASE;
	ph->p_filesz = FILE_SIZE;
	ph = phdr(m, 2);
	ph->p_type = PT_DYNAMIC;
	ph->p_offset = OFF_DYN;
	ph->p_vaddr = BASE + OFF_DYN;
	ph->p_filesz = OFF_STR - OFF_DYN;
	m->strlen = 1;		/* offset 0: the empty string */
	add_dyn(m, DT_STRTAB, BASE + OFF_STR);
}

static void end_dyn(struct mini *m)
{
	add_dyn(m, DT_STRSZ, FILE_SIZE - OFF_STR);
	add_dyn(m, DT_NULL, 0);
}

/* The usual one: needs libfoo.so.1 and libc.so.6, RUNPATH $ORIGIN/../lib. */
static void mini_usual(struct mini *m, uint16_t machine)
{
	mini_init(m, machine, "/lib64/ld-test.so.2");
	add_dyn(m, DT_NEEDED, add_str(m, "libfoo.so.1"));
	add_dyn(m, DT_NEEDED, add_str(m, "libc.so.6"));
	add_dyn(m, DT_RUNPATH, add_str(m, "/nonexistent:$ORIGIN/../lib"));
	end_dyn(m);
}

static int read_mini(const char *path, struct mini *m, struct elf_info *ei)
{
	write_file(path, m->b, sizeof(m->b));
	return elf_read(path, ei);
}

TEST_F(elf, built_usual)
{
	struct mini m;
	struct elf_info ei;

	mini_usual(&m, EM_X86_64);
	ASSERT_EQ(0, read_mini(self->path, &m, &ei));
	EXPECT_TRUE(ei.is_elf);
	EXPECT_EQ(EM_X86_64, ei.machine);
	EXPECT_STREQ("/lib64/ld-test.so.2", ei.interp);
	ASSERT_EQ(2, ei.nneeded);
	EXPECT_STREQ("libfoo.so.1", ei.needed[0]);
	EXPECT_STREQ("libc.so.6", ei.needed[1]);
	EXPECT_STREQ("/nonexistent:$ORIGIN/../lib", ei.runpath);
	elf_info_free(&ei);
}

TEST_F(elf, built_rpath_and_runpath)
{
	struct mini m;
	struct elf_info ei;

	/* DT_RPATH alone is used */
	mini_init(&m, EM_X86_64, "/lib64/ld-test.so.2");
	add_dyn(&m, DT_RPATH, add_str(&m, "/opt/rpath"));
	end_dyn(&m);
	ASSERT_EQ(0, read_mini(self->path, &m, &ei));
	EXPECT_STREQ("/opt/rpath", ei.runpath);
	EXPECT_EQ(0, ei.nneeded);
	elf_info_free(&ei);
	/* with both, DT_RUNPATH wins, as in ld.so */
	mini_init(&m, EM_X86_64, "/lib64/ld-test.so.2");
	add_dyn(&m, DT_RPATH, add_str(&m, "/opt/rpath"));
	add_dyn(&m, DT_RUNPATH, add_str(&m, "/opt/runpath"));
	end_dyn(&m);
	ASSERT_EQ(0, read_mini(self->path, &m, &ei));
	EXPECT_STREQ("/opt/runpath", ei.runpath);
	elf_info_free(&ei);
}

TEST_F(elf, built_static)
{
	struct mini m;
	struct elf_info ei;

	/* no PT_INTERP, no PT_DYNAMIC: nothing to load */
	mini_usual(&m, EM_X86_64);
	phdr(&m, 0)->p_type = PT_NOTE;
	phdr(&m, 2)->p_type = PT_NOTE;
	ASSERT_EQ(0, read_mini(self->path, &m, &ei));
	EXPECT_TRUE(ei.is_elf);
	EXPECT_EQ(NULL, ei.interp);
	EXPECT_EQ(0, ei.nneeded);
	EXPECT_EQ(NULL, ei.runpath);
	/* no program headers at all: an object file */
	mini_usual(&m, EM_X86_64);
	ehdr(&m)->e_phnum = 0;
	ASSERT_EQ(0, read_mini(self->path, &m, &ei));
	EXPECT_TRUE(ei.is_elf);
	EXPECT_EQ(0, ei.nneeded);
}

/* Each of these is the usual file with one thing wrong: an error, no result. */
TEST_F(elf, built_malformed)
{
	struct mini m;
	struct elf_info ei;

#define BAD(what, change) do {						\
		mini_usual(&m, EM_X86_64);				\
		change;							\
		memset(&ei, 0xa5, sizeof(ei));				\
		EXPECT_EQ(-1, read_mini(self->path, &m, &ei)) TH_LOG("%s", what); \
		EXPECT_EQ(NULL, ei.needed) TH_LOG("%s", what);		\
		EXPECT_EQ(NULL, ei.interp) TH_LOG("%s", what);		\
	} while (0)

	BAD("32-bit", m.b[EI_CLASS] = ELFCLASS32);
	BAD("big-endian", m.b[EI_DATA] = ELFDATA2MSB);
	BAD("unknown class", m.b[EI_CLASS] = 7);
	BAD("phentsize", ehdr(&m)->e_phentsize = 32);
	BAD("phnum PN_XNUM", ehdr(&m)->e_phnum = PN_XNUM);
	BAD("phoff past the end", ehdr(&m)->e_phoff = FILE_SIZE - 100);
	BAD("phoff huge", ehdr(&m)->e_phoff = UINT64_MAX - 10);
	BAD("relative interpreter", m.b[OFF_INTERP] = 'l');
	BAD("interpreter not terminated", phdr(&m, 0)->p_filesz = 5);
	BAD("interpreter past the end", phdr(&m, 0)->p_offset = FILE_SIZE - 4);
	BAD("dynamic past the end", phdr(&m, 2)->p_filesz = FILE_SIZE);
	BAD("dynamic offset huge", phdr(&m, 2)->p_offset = UINT64_MAX - 8);
	BAD("strtab outside PT_LOAD", phdr(&m, 1)->p_vaddr = BASE + FILE_SIZE);
	BAD("strsz past the end", ((Elf64_Dyn *)(m.b + OFF_DYN))[4].d_un.d_val = FILE_SIZE);
	BAD("needed past strsz", ((Elf64_Dyn *)(m.b + OFF_DYN))[1].d_un.d_val = 5000);
	BAD("needed empty", ((Elf64_Dyn *)(m.b + OFF_DYN))[1].d_un.d_val = 0);
	BAD("runpath past strsz", ((Elf64_Dyn *)(m.b + OFF_DYN))[3].d_un.d_val = UINT64_MAX - 1);
	BAD("no strtab", ((Elf64_Dyn *)(m.b + OFF_DYN))[0].d_tag = DT_DEBUG);
#undef BAD
}

TEST_F(elf, built_string_table_not_terminated)
{
	struct mini m;
	struct elf_info ei;

	/* the last name runs into the end of the file: no NUL, an error */
	mini_init(&m, EM_X86_64, "/lib64/ld-test.so.2");
	add_dyn(&m, DT_NEEDED, FILE_SIZE - OFF_STR - 4);
	end_dyn(&m);
	memset(m.b + FILE_SIZE - 4, 'x', 4);
	EXPECT_EQ(-1, read_mini(self->path, &m, &ei));
	EXPECT_EQ(NULL, ei.needed);
}

/* $ORIGIN: the host directory to find it, the box directory to place it. */
TEST_F(elf, find_lib_runpath_origin)
{
	char bin[128], lib[128], link[160], prog[160], want[192];
	const char *libc = NULL;
	char *host = NULL, *box = NULL, *real = NULL;
	struct elf_info ei;
	struct mini m;

	/* a real library of this machine, under the name libfoo.so.1 */
	ASSERT_EQ(0, elf_read(PROG, &ei));
	ASSERT_EQ(0, find_lib("libc.so.6", &ei, PROG, "/bin", "/bin", &real, &box));
	free(box);
	mini_usual(&m, ei.machine);
	elf_info_free(&ei);
	snprintf(bin, sizeof(bin), "%s/bin", self->dir);
	snprintf(lib, sizeof(lib), "%s/lib", self->dir);
	snprintf(link, sizeof(link), "%s/libfoo.so.1", lib);
	snprintf(prog, sizeof(prog), "%s/app", bin);
	ASSERT_EQ(0, mkdir(bin, 0755));
	ASSERT_EQ(0, mkdir(lib, 0755));
	ASSERT_EQ(0, symlink(real, link));
	libc = real;

	ASSERT_EQ(0, read_mini(prog, &m, &ei));
	ASSERT_EQ(0, find_lib("libfoo.so.1", &ei, prog, bin, "/opt/app/bin", &host, &box));
	snprintf(want, sizeof(want), "%s/../lib/libfoo.so.1", bin);
	EXPECT_STREQ(want, host);
	EXPECT_STREQ("/opt/app/bin/../lib/libfoo.so.1", box);
	free(host);
	free(box);
	/* libc is not in the RUNPATH: the standard directories */
	ASSERT_EQ(0, find_lib("libc.so.6", &ei, prog, bin, "/opt/app/bin", &host, &box));
	EXPECT_STREQ(libc, host);
	EXPECT_STREQ(libc, box);
	free(host);
	free(box);
	/* ${ORIGIN} is the same; $LIB and relative entries are not used */
	free(ei.runpath);
	ei.runpath = strdup("${ORIGIN}/../lib");
	ASSERT_EQ(0, find_lib("libfoo.so.1", &ei, prog, bin, "/opt/app/bin", &host, &box));
	EXPECT_STREQ("/opt/app/bin/../lib/libfoo.so.1", box);
	free(host);
	free(box);
	free(ei.runpath);
	ei.runpath = strdup("$LIB:../lib:$ORIGINX/../lib");
	EXPECT_EQ(-1, find_lib("libfoo.so.1", &ei, prog, bin, "/opt/app/bin", &host, &box));
	elf_info_free(&ei);
	free(real);
}

TEST_HARNESS_MAIN
