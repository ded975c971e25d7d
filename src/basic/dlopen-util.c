/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "basic/dlopen-util.h"

int dlopen_symbols(const char *soname, const char *const *names, void **ret, size_t n)
{
	void *dl;

	/* RTLD_LOCAL: its symbols are reached through dlsym() only. */
	dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < n; i++) {
		ret[i] = dlsym(dl, names[i]);
		if (!ret[i]) {
			memset(ret, 0, n * sizeof(*ret));
			(void)dlclose(dl);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}
