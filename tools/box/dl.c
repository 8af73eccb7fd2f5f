// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - the libraries only boxes use, opened when first called.
 *
 * libcap-ng, libseccomp, libnl-route-3 and libnftables (with libmnl,
 * libnftnl, libxtables, libjansson and libgmp behind it) serve boxes
 * alone.  Linked, every command -- `nsbox --version`, `nsbox groups`,
 * `nsbox top` each time it starts -- would have the loader find, map and
 * relocate all nine and run their constructors: 3.0 M of the 5.6 M guest
 * instructions `nsbox --version` cost (docs/performance.md).  So the box
 * runtime opens each with dlopen() the first time it calls it (dl.h: the
 * call sites stay as they are) and resolves all its functions then, into
 * a table; the other commands never load them.
 *
 * A library is a file of the mount namespace the process is in when it
 * opens it.  Inside a box that is the box's files: a libseccomp.so.2 put
 * there by the box's owner would run with the set-up's privileges, before
 * its seccomp filter and capabilities exist.  So `nsbox run` and `nsbox
 * exec` open what the set-up will call (box_dl_need()) before they make or
 * join the box's namespaces, and after box_dl_seal() nothing is opened.
 *
 * Each soname is the one the -dev package's libNAME.so names (what the
 * linker would have linked; tools/Makefile reads it), and an ELF note
 * names it in the binary (lib/dlopen.h), for what lists a binary's
 * libraries (scripts/vm.sh).  The package names them in Depends
 * (debian/control): dpkg-shlibdeps sees only what is linked.
 */
#define BOX_DL_NO_REDIRECT
#include <stdbool.h>
#include <stdlib.h>

#include "dl.h"
#include "dlopen.h"
#include "inside.h"
#include "err.h"
#include "util.h"

#if !defined(DL_SONAME_CAPNG) || !defined(DL_SONAME_SECCOMP) || \
	!defined(DL_SONAME_ROUTE) || !defined(DL_SONAME_NFT)
#error "build with tools/Makefile: it gives each library's soname (DL_SONAME_*)"
#endif

#define CAPNG_WHAT "a box's capabilities"
#define SECCOMP_WHAT "a box's seccomp filter"
#define ROUTE_WHAT "a box's network: links, addresses, routes"
#define NFT_WHAT "the firewall of bridged boxes"

NSBOX_DLOPEN_NOTE(note_capng, "capabilities", CAPNG_WHAT, "required", DL_SONAME_CAPNG);
NSBOX_DLOPEN_NOTE(note_seccomp, "seccomp", SECCOMP_WHAT, "required", DL_SONAME_SECCOMP);
NSBOX_DLOPEN_NOTE(note_route, "network", ROUTE_WHAT, "required", DL_SONAME_ROUTE);
NSBOX_DLOPEN_NOTE(note_nft, "firewall", NFT_WHAT, "required", DL_SONAME_NFT);

static struct box_dl_capng capng;
static struct box_dl_seccomp seccomp;
static struct box_dl_route route;
static struct box_dl_nft nft;

#define CAPNG_SYM(f) NSBOX_DL_SYM(struct box_dl_capng, f)
#define SECCOMP_SYM(f) NSBOX_DL_SYM(struct box_dl_seccomp, f)
#define ROUTE_SYM(f) NSBOX_DL_SYM(struct box_dl_route, f)
#define NFT_SYM(f) NSBOX_DL_SYM(struct box_dl_nft, f)
static const struct nsbox_dl_sym capng_syms[] = { BOX_DL_CAPNG_FUNCS(CAPNG_SYM) };
static const struct nsbox_dl_sym seccomp_syms[] = { BOX_DL_SECCOMP_FUNCS(SECCOMP_SYM) };
static const struct nsbox_dl_sym route_syms[] = { BOX_DL_ROUTE_FUNCS(ROUTE_SYM) };
static const struct nsbox_dl_sym nft_syms[] = { BOX_DL_NFT_FUNCS(NFT_SYM) };

/* In BOX_LIB_* bit order. */
static struct nsbox_dl_lib libs[] = {
	{ DL_SONAME_CAPNG, DL_PACKAGE_CAPNG, CAPNG_WHAT, capng_syms, ARRAY_SIZE(capng_syms),
	  &capng, false },
	{ DL_SONAME_SECCOMP, DL_PACKAGE_SECCOMP, SECCOMP_WHAT, seccomp_syms,
	  ARRAY_SIZE(seccomp_syms), &seccomp, false },
	{ DL_SONAME_ROUTE, DL_PACKAGE_ROUTE, ROUTE_WHAT, route_syms, ARRAY_SIZE(route_syms),
	  &route, false },
	{ DL_SONAME_NFT, DL_PACKAGE_NFT, NFT_WHAT, nft_syms, ARRAY_SIZE(nft_syms), &nft, false },
};
_Static_assert(BOX_LIB_CAPNG == 1 << 0 && BOX_LIB_SECCOMP == 1 << 1 && BOX_LIB_ROUTE == 1 << 2 &&
	       BOX_LIB_NFT == 1 << 3, "libs[] is in BOX_LIB_* bit order");

static bool sealed;

int box_dl_need(unsigned int mask)
{
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		if (!(mask & (1U << i)) || libs[i].open)
			continue;
		if (sealed)
			box_fail("internal error: %s (for %s) was not opened before the box's "
				 "set-up; please report it", libs[i].soname, libs[i].what);
		if (nsbox_dl_open(&libs[i]))
			return -1;
	}
	return 0;
}

void box_dl_seal(void)
{
	sealed = true;
}

/* The first call of a library's function: open it, or exit as set-up failed. */
static void *table(unsigned int bit, void *t)
{
	if (box_dl_need(bit))
		exit(BOX_EXIT_SETUP);
	return t;
}

const struct box_dl_capng *box_dl_capng(void)
{
	return libs[0].open ? &capng : table(BOX_LIB_CAPNG, &capng);
}

const struct box_dl_seccomp *box_dl_seccomp(void)
{
	return libs[1].open ? &seccomp : table(BOX_LIB_SECCOMP, &seccomp);
}

const struct box_dl_route *box_dl_route(void)
{
	return libs[2].open ? &route : table(BOX_LIB_ROUTE, &route);
}

const struct box_dl_nft *box_dl_nft(void)
{
	return libs[3].open ? &nft : table(BOX_LIB_NFT, &nft);
}
