// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox elf - read what an ELF file needs to run, and find its libraries
 * the way the dynamic loader would.  Used by nsbox rootfs (rootfs.c).
 *
 * How a dynamically linked program starts (PT_INTERP, DT_NEEDED)
 * -------------------------------------------------------------
 * An ELF file begins with a header that points to a table of program
 * headers, the "segments" that execve() works with.  PT_LOAD segments say
 * which bytes of the file go to which virtual address.  If there is a
 * PT_INTERP segment, it holds a path such as /lib64/ld-linux-x86-64.so.2:
 * the kernel maps that program too and starts it first.  That is the
 * dynamic loader: it maps the libraries, resolves symbols and only then
 * jumps to the program's entry point.  It reads the program's PT_DYNAMIC
 * segment, an array of (tag, value) pairs:
 *   DT_NEEDED   one per library, e.g. "libc.so.6" (an offset into the
 *               string table);
 *   DT_STRTAB   the string table - as a virtual address, so a tool that
 *               reads the file must map it back to a file offset through
 *               the PT_LOAD segments (the loader has the file mapped and
 *               needs no such thing);
 *   DT_RUNPATH  (or the older DT_RPATH) extra directories, separated by
 *               ':'; "$ORIGIN" in them means the directory of the object
 *               itself, so an application can ship its libraries beside it
 *               (for the program, ld.so reads it from /proc/self/exe).
 * For a name without '/', glibc's ld.so looks in: DT_RPATH (only if there
 * is no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache (built
 * by ldconfig from /etc/ld.so.conf) and finally its built-in directories
 * (on Debian /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib,
 * /usr/lib).  Each library is loaded once and its own DT_NEEDED entries
 * are handled the same way.  A static executable has neither PT_INTERP nor
 * DT_NEEDED: the kernel starts it directly.
 *
 * This file does what `ldd` shows, without running anything: it parses
 * the ELF headers with <elf.h> (64-bit little-endian only) and looks each
 * DT_NEEDED up in DT_RUNPATH/DT_RPATH and then the standard directories.
 * LD_LIBRARY_PATH and ld.so.cache are not used: a box has no ld.so.cache,
 * so its loader searches only those same directories (see rootfs.c).
 */
#include <elf.h>		/* the system one; ours is "elf.h" */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "elfdeps.h"
#include "err.h"
#include "util.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "elf.c reads ELF structures in host byte order: little-endian hosts only"
#endif

/* Searched after DT_RUNPATH/DT_RPATH: PREFIX/TRIPLET (multiarch), then these. */
static const char *const lib_dirs_multiarch[] = { "/lib", "/usr/lib" };
static const char *const lib_dirs[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib" };

/* Out of memory is not worth handling: die, like the rest of nsbox. */
static void *must(void *p)
{
	if (!p)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	return p;
}

/* "@dir/@name", malloc'ed. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *s = must(malloc(n));

	snprintf(s, n, "%s/%s", dir, name);
	return s;
}

void elf_info_free(struct elf_info *ei)
{
	free(ei->interp);
	free(ei->runpath);
	for (size_t i = 0; i < ei->nneeded; i++)
		free(ei->needed[i]);
	free(ei->needed);
	memset(ei, 0, sizeof(*ei));
}

struct elf_file {
	const char *path;
	const unsigned char *map;
	size_t size;
	Elf64_Phdr *ph;
	size_t phnum;
};

static bool in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

static int elf_bad(const struct elf_file *f, const char *what)
{
	nsbox_err("%s: malformed ELF file (%s); is it truncated or corrupted?", f->path, what);
	return -1;
}

/* A virtual address -> its offset in the file, through the PT_LOAD segments. */
static int vaddr_to_off(const struct elf_file *f, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < f->phnum; i++) {
		const Elf64_Phdr *ph = &f->ph[i];

		if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr &&
		    vaddr - ph->p_vaddr < ph->p_filesz) {
			*off = ph->p_offset + (vaddr - ph->p_vaddr);
			return 0;
		}
	}
	return -1;
}

/* A NUL-terminated string at @off, at most @max bytes long; NULL if not. */
static const char *str_at(const struct elf_file *f, uint64_t off, uint64_t max)
{
	if (off >= f->size)
		return NULL;
	if (max > f->size - off)
		max = f->size - off;
	if (!memchr(f->map + off, '\0', max))
		return NULL;
	return (const char *)f->map + off;
}

static int elf_parse(struct elf_file *f, struct elf_info *ei)
{
	Elf64_Ehdr eh;
	uint64_t dyn_off = 0, dyn_size = 0, strtab = 0, strsz = 0, off;
	uint64_t runpath = UINT64_MAX, rpath = UINT64_MAX;
	bool has_dyn = false, has_strtab = false;
	size_t nneeded = 0;

	if (f->size < EI_NIDENT || memcmp(f->map, ELFMAG, SELFMAG))
		return 0;	/* not ELF: a script, data - nothing to load */
	if (f->map[EI_CLASS] != ELFCLASS64 || f->map[EI_DATA] != ELFDATA2LSB) {
		unsigned char cl = f->map[EI_CLASS], da = f->map[EI_DATA];

		nsbox_err("%s: only 64-bit little-endian ELF files are supported (this one is %s, %s)",
			  f->path, cl == ELFCLASS32 ? "32-bit" : cl == ELFCLASS64 ? "64-bit" : "of unknown class",
			  da == ELFDATA2LSB ? "little-endian" : da == ELFDATA2MSB ? "big-endian" :
			  "of unknown byte order");
		return -1;
	}
	if (f->size < sizeof(eh))
		return elf_bad(f, "short ELF header");
	memcpy(&eh, f->map, sizeof(eh));
	ei->is_elf = true;
	ei->machine = eh.e_machine;
	if (!eh.e_phnum)
		return 0;	/* no segments (an object file): nothing is loaded */
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == PN_XNUM ||
	    !in_file(f, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
		return elf_bad(f, "program header table");
	f->phnum = eh.e_phnum;
	f->ph = must(calloc(f->phnum, sizeof(Elf64_Phdr)));
	memcpy(f->ph, f->map + eh.e_phoff, f->phnum * sizeof(Elf64_Phdr));

	for (size_t i = 0; i < f->phnum; i++) {
		const Elf64_Phdr *ph = &f->ph[i];

		if (ph->p_type == PT_INTERP) {
			const char *s;

			if (!in_file(f, ph->p_offset, ph->p_filesz) ||
			    !(s = str_at(f, ph->p_offset, ph->p_filesz)) || s[0] != '/')
				return elf_bad(f, "PT_INTERP");
			ei->interp = must(strdup(s));
		} else if (ph->p_type == PT_DYNAMIC) {
			if (!in_file(f, ph->p_offset, ph->p_filesz))
				return elf_bad(f, "PT_DYNAMIC");
			has_dyn = true;
			dyn_off = ph->p_offset;
			dyn_size = ph->p_filesz;
		}
	}
	if (!has_dyn)
		return 0;	/* static: nothing to look up */

	/* First pass: where the strings are, how many DT_NEEDED. */
	for (uint64_t o = 0; o + sizeof(Elf64_Dyn) <= dyn_size; o += sizeof(Elf64_Dyn)) {
		Elf64_Dyn d;

		memcpy(&d, f->map + dyn_off + o, sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_NEEDED: nneeded++; break;
		case DT_STRTAB: strtab = d.d_un.d_ptr; has_strtab = true; break;
		case DT_STRSZ: strsz = d.d_un.d_val; break;
		case DT_RUNPATH: runpath = d.d_un.d_val; break;
		case DT_RPATH: rpath = d.d_un.d_val; break;
		}
	}
	if (!nneeded && runpath == UINT64_MAX && rpath == UINT64_MAX)
		return 0;
	if (!has_strtab || vaddr_to_off(f, strtab, &off) || !in_file(f, off, strsz))
		return elf_bad(f, "DT_STRTAB is not in a PT_LOAD segment");
	if (!strsz)
		strsz = f->size - off;

#define DYNSTR(idx) ((idx) < strsz ? str_at(f, off + (idx), strsz - (idx)) : NULL)
	if (runpath != UINT64_MAX || rpath != UINT64_MAX) {
		const char *s = DYNSTR(runpath != UINT64_MAX ? runpath : rpath);

		if (!s)
			return elf_bad(f, "DT_RUNPATH/DT_RPATH");
		ei->runpath = must(strdup(s));
	}
	ei->needed = must(calloc(nneeded ? nneeded : 1, sizeof(char *)));
	for (uint64_t o = 0; o + sizeof(Elf64_Dyn) <= dyn_size; o += sizeof(Elf64_Dyn)) {
		Elf64_Dyn d;
		const char *s;

		memcpy(&d, f->map + dyn_off + o, sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		if (d.d_tag != DT_NEEDED)
			continue;
		s = DYNSTR(d.d_un.d_val);
		if (!s || !*s)
			return elf_bad(f, "DT_NEEDED");
		ei->needed[ei->nneeded++] = must(strdup(s));
	}
#undef DYNSTR
	return 0;
}

/*
 * Read @path's PT_INTERP, DT_NEEDED and DT_RUNPATH/DT_RPATH into @ei.  A
 * file that is not ELF gives is_elf == false and no error.
 */
int elf_read(const char *path, struct elf_info *ei)
{
	struct elf_file f = { .path = path };
	struct stat st;
	int fd, ret, err;

	memset(ei, 0, sizeof(*ei));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		nsbox_err("cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!st.st_size || (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		if (!st.st_size)
			return 0;
		nsbox_err("%s: too large to read", path);
		return -1;
	}
	f.size = st.st_size;
	f.map = mmap(NULL, f.size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	close(fd);	/* the mapping stays */
	if (f.map == MAP_FAILED) {
		nsbox_err("cannot map %s: %s", path, strerror(err));
		return -1;
	}
	ret = elf_parse(&f, ei);
	munmap((void *)f.map, f.size);
	free(f.ph);
	if (ret)
		elf_info_free(ei);
	return ret;
}

/* Could the loader use @path for an object of machine @machine? */
bool lib_usable(const char *path, uint16_t machine)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	struct stat st;
	bool ok;

	if (fd < 0)
		return false;
	ok = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	     pread(fd, &eh, sizeof(eh), 0) == sizeof(eh);
	close(fd);
	if (!ok)
		return false;
	/* ld.so skips a file of the wrong class or machine and goes on */
	return !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	       eh.e_ident[EI_DATA] == ELFDATA2LSB && eh.e_machine == machine;
}

/* Debian's multiarch directory name for a machine, or NULL. */
const char *multiarch(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64-linux-gnu";
	case EM_AARCH64: return "aarch64-linux-gnu";
	case EM_RISCV: return "riscv64-linux-gnu";
	case EM_PPC64: return "powerpc64le-linux-gnu";
#ifdef EM_LOONGARCH
	case EM_LOONGARCH: return "loongarch64-linux-gnu";
#endif
	default: return NULL;
	}
}

/*
 * One DT_RUNPATH entry with $ORIGIN / ${ORIGIN} replaced by @origin;
 * NULL for an entry ld.so would not use from here (relative, or another
 * $TOKEN such as $LIB or $PLATFORM, which we do not expand).
 */
static char *expand_origin(const char *entry, size_t len, const char *origin)
{
	_cleanup_free_ char *out = NULL;
	size_t olen = strlen(origin), n = 0;

	out = must(malloc(len * (olen + 1) + 2));
	for (size_t i = 0; i < len; ) {
		if (entry[i] != '$') {
			out[n++] = entry[i++];
		} else if (len - i >= 7 && !memcmp(entry + i, "$ORIGIN", 7) &&
			   (i + 7 == len || entry[i + 7] == '/')) {
			memcpy(out + n, origin, olen);
			n += olen;
			i += 7;
		} else if (len - i >= 9 && !memcmp(entry + i, "${ORIGIN}", 9)) {
			memcpy(out + n, origin, olen);
			n += olen;
			i += 9;
		} else {
			return NULL;
		}
	}
	out[n] = '\0';
	if (out[0] != '/')
		return NULL;
	char *ret = out;

	out = NULL;
	return ret;
}

/*
 * Find library @name needed by an object (@ei), whose directory is
 * @host_origin on the host and @box_origin in the box.  On success
 * *host_path is the file to copy and *box_path where it goes.
 */
int find_lib(const char *name, const struct elf_info *ei, const char *obj,
	     const char *host_origin, const char *box_origin,
	     char **host_path, char **box_path)
{
	const char *triplet = multiarch(ei->machine);

	if (strchr(name, '/')) {
		/* a path, not a name: ld.so opens it as it is */
		if (name[0] != '/') {
			nsbox_err("%s needs '%s', a relative path; not supported, copy it with --add",
				  obj, name);
			return -1;
		}
		if (!lib_usable(name, ei->machine))
			goto notfound;
		*host_path = must(strdup(name));
		*box_path = must(strdup(name));
		return 0;
	}
	for (const char *p = ei->runpath; p && *p; ) {
		const char *end = strchrnul(p, ':');
		_cleanup_free_ char *hdir = expand_origin(p, end - p, host_origin);
		_cleanup_free_ char *bdir = expand_origin(p, end - p, box_origin);

		if (hdir && bdir) {
			char *cand = join(hdir, name);

			if (lib_usable(cand, ei->machine)) {
				*host_path = cand;
				*box_path = join(bdir, name);
				return 0;
			}
			free(cand);
		}
		p = *end ? end + 1 : end;
	}
	for (size_t i = 0; i < ARRAY_SIZE(lib_dirs_multiarch) + ARRAY_SIZE(lib_dirs); i++) {
		_cleanup_free_ char *dir = NULL;
		char *cand;

		if (i < ARRAY_SIZE(lib_dirs_multiarch)) {
			if (!triplet)
				continue;
			dir = join(lib_dirs_multiarch[i], triplet);
		} else {
			dir = must(strdup(lib_dirs[i - ARRAY_SIZE(lib_dirs_multiarch)]));
		}
		cand = join(dir, name);
		if (lib_usable(cand, ei->machine)) {
			*host_path = cand;
			*box_path = must(strdup(cand));
			return 0;
		}
		free(cand);
	}
notfound:
	nsbox_err("cannot find library %s needed by %s (searched its RUNPATH, /lib/%s, "
		  "/usr/lib/%s, /lib64, /usr/lib64, /lib, /usr/lib); install the package "
		  "that provides it, or see where 'ldd %s' finds it",
		  name, obj, triplet ? triplet : "ARCH", triplet ? triplet : "ARCH", obj);
	return -1;
}
