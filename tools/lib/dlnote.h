/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - the libraries it opens with dlopen(), named in the binary.
 *
 * ldd, dpkg-shlibdeps and the lab VM's initramfs (scripts/vm.sh) know a
 * program's libraries from its DT_NEEDED entries: one opened with
 * dlopen() is not among them.  NSBOX_DLOPEN_NOTE() names it in an ELF
 * note, as the ELF dlopen metadata convention has it
 * (https://systemd.io/ELF_DLOPEN_METADATA/): section .note.dlopen, owner
 * "FDO", type 0x407c0c0a, and a JSON array describing the library,
 * NUL-terminated.  `readelf -p .note.dlopen nsbox` prints one per line.
 *
 * @priority: "required" (the package Depends on it), "recommended" or
 * "suggested".  The strings must need no JSON escaping.
 */
#ifndef NSBOX_DLNOTE_H
#define NSBOX_DLNOTE_H

#include <stdint.h>

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

#endif
