// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - libraries opened with dlopen() when first called (see dlopen.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dlopen.h"
#include "err.h"

/* dlsym() gives a void *; a table holds function pointers of that size */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are not pointers");

int nsbox_dl_open(struct nsbox_dl_lib *l)
{
	char hint[128];
	void *h;

	if (l->open)
		return 0;
	if (l->package[0])
		snprintf(hint, sizeof(hint), "sudo apt install %s", l->package);
	else
		snprintf(hint, sizeof(hint), "install the package that has %s", l->soname);
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		nsbox_err("cannot load %s for %s (%s); install it: %s", l->soname, l->what,
			  dlerror(), hint);
		return -1;
	}
	for (size_t i = 0; i < l->nsyms; i++) {
		void *f = dlsym(h, l->syms[i].name);

		if (!f) {
			nsbox_err("%s has no %s (for %s): too old; upgrade it: %s", l->soname,
				  l->syms[i].name, l->what, hint);
			dlclose(h);
			return -1;
		}
		memcpy((char *)l->table + l->syms[i].off, &f, sizeof(f));
	}
	l->open = true;
	return 0;
}
