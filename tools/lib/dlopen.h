/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - libraries opened with dlopen() when first called.
 *
 * A library only some commands use costs every command its loading when
 * linked: the loader maps it, resolves its symbols and runs its
 * constructors before main().  Opened with dlopen(), it costs only the
 * command that calls it.  Each such library has a table (a struct of
 * function pointers typed from its own header) that nsbox_dl_open() fills
 * in one go, and a header of macros that turns the calls of its users
 * into calls through the table (box/dl.h, lib/scols.h).
 *
 * ldd, dpkg-shlibdeps and the lab VM's initramfs (scripts/vm.sh) know a
 * program's libraries from its DT_NEEDED entries: one opened with
 * dlopen() is not among them.  NSBOX_DLOPEN_NOTE() names it in an ELF
 * note, as the ELF dlopen metadata convention has it
 * (https://systemd.io/ELF_DLOPEN_METADATA/): section .note.dlopen, owner
 * "FDO", type 0x407c0c0a, and a JSON array describing the library,
 * NUL-terminated.  `readelf -p .note.dlopen nsbox` prints one per line.
 */
#ifndef NSBOX_DLOPEN_H
#define NSBOX_DLOPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * @priority: "required" (the package Depends on it), "recommended" or
 * "suggested".  The strings must need no JSON escaping.
 */
#define NSBOX_DLOPEN_NOTE(var, feature, description, priority, soname)		\
	NSBOX_DLOPEN_NOTE_JSON(var, "[{\"feature\":\"" feature "\",\"description\":\""	\
			       description "\",\"priority\":\"" priority		\
			       "\",\"soname\":[\"" soname "\"]}]")
#define NSBOX_DLOPEN_NOTE_JSON(var, json)						\
	__attribute__((used, section(".note.dlopen"), aligned(4)))			\
	static const struct {								\
		uint32_t namesz, descsz, type;						\
		char name[4];								\
		char desc[(sizeof(json) + 3) / 4 * 4];					\
	} var = { 4, sizeof(json), 0x407c0c0a, "FDO", json }

/* One function of a table: its name, where its pointer goes. */
struct nsbox_dl_sym {
	const char *name;
	size_t off;
};
#define NSBOX_DL_SYM(type, f) { #f, offsetof(type, f) },

struct nsbox_dl_lib {
	const char *soname;	/* tools/Makefile: DL_SONAME_ID */
	const char *package;	/* the Debian package that has it, or "" */
	const char *what;	/* "for WHAT" in the error */
	const struct nsbox_dl_sym *syms;
	size_t nsyms;
	void *table;		/* the struct the syms' offsets are in */
	bool open;
};

/*
 * Open @l and fill its table (nothing if it is open): 0, or -1 after
 * nsbox_err() says what to install.  The library stays open until exit.
 */
int nsbox_dl_open(struct nsbox_dl_lib *l);

#endif
