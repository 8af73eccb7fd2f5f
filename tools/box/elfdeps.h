/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - what an ELF file needs to run, and where its libraries are.
 *
 * elf_read() reads a file's PT_INTERP (the dynamic loader the kernel
 * starts first), DT_NEEDED (the shared libraries it needs) and
 * DT_RUNPATH/DT_RPATH into a struct elf_info; elf_info_free() releases it.
 * Only 64-bit little-endian files are understood; a file that is not ELF
 * at all (a script, data) is not an error and gives is_elf == false.
 *
 * find_lib() looks one DT_NEEDED name up the way glibc's ld.so would
 * without LD_LIBRARY_PATH and ld.so.cache: RUNPATH/RPATH with $ORIGIN,
 * then the multiarch and standard directories; it returns where the
 * library is on the host and where it belongs in the box.  lib_usable()
 * says whether a file is an ELF object ld.so would accept for a machine,
 * multiarch() gives Debian's directory name for a machine (or NULL).
 *
 * Errors are reported with nsbox_err() and return -1; running out of
 * memory is fatal.  See elf.c for how a dynamically linked program starts.
 */
#ifndef NSBOX_ELF_H
#define NSBOX_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_info {
	bool is_elf;
	uint16_t machine;	/* EM_X86_64, ... */
	char *interp;		/* PT_INTERP or NULL */
	char *runpath;		/* DT_RUNPATH, else DT_RPATH, else NULL */
	char **needed;		/* DT_NEEDED */
	size_t nneeded;
};

int elf_read(const char *path, struct elf_info *ei);
void elf_info_free(struct elf_info *ei);

/*
 * Find library @name needed by @obj (read into @ei), whose directory is
 * @host_origin on the host and @box_origin in the box; malloc'ed results.
 */
int find_lib(const char *name, const struct elf_info *ei, const char *obj,
	     const char *host_origin, const char *box_origin,
	     char **host_path, char **box_path);
bool lib_usable(const char *path, uint16_t machine);
const char *multiarch(uint16_t machine);

#endif
