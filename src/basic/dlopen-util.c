/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "basic/dlopen-util.h"

static bool load_symbols(struct dlopen_library *lib)
{
	/* RTLD_LOCAL: its symbols are reached through dlsym() only. */
	void *dl = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!dl)
		return false;
	for (size_t i = 0; i < lib->n; i++) {
		lib->symbols[i] = dlsym(dl, lib->names[i]);
		if (!lib->symbols[i]) {
			memset(lib->symbols, 0, lib->n * sizeof(*lib->symbols));
			(void)dlclose(dl);
			return false;
		}
	}
	return true;
}

bool dlopen_library_load(struct dlopen_library *lib)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (state == 0) {
		(void)pthread_mutex_lock(&lock);
		state = lib->state;
		if (state == 0) {
			state = load_symbols(lib) ? 1 : -1;
			__atomic_store_n(&lib->state, state, __ATOMIC_RELEASE);
		}
		(void)pthread_mutex_unlock(&lock);
	}
	return state > 0;
}
