/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Optional libraries, loaded on first use instead of linked: libsystemd (sd-bus, for the online
 * paths) and libbpf (the profiler's BPF back end).  Linking them made every start load them and
 * their dependency chains, which the hot paths (offline analyze, lint) never use.  Each has a file
 * that defines the functions sdharden calls under their public names and prototypes and forwards
 * them to the real ones: src/basic/dlopen-libsystemd.c and src/profile/dlopen-libbpf.c.
 */

#include <stdbool.h>
#include <stddef.h>

#include "basic/macro.h"

/*
 * For a library's X-macro list of symbols LIST(X): `enum { LIST(DLOPEN_SYMBOL_INDEX) N_SYMBOLS };`
 * numbers them SYM_<name>, `{ LIST(DLOPEN_SYMBOL_NAME) }` spells them (struct dlopen_library).
 */
#define DLOPEN_SYMBOL_INDEX(name) SYM_##name,
#define DLOPEN_SYMBOL_NAME(name)  #name,

/*
 * A library loaded on first use: SONAME and the N symbols NAMES, looked up into SYMBOLS.  Define
 * one per library with DLOPEN_LIBRARY_INIT and ask dlopen_library_load() before each call.
 */
struct dlopen_library {
	const char *soname;
	const char *const *names;
	void **symbols;
	size_t n;
	int state; /* 0: not tried yet, 1: loaded, -1: missing (the library or a symbol) */
};

#define DLOPEN_LIBRARY_INIT(soname_, names_, symbols_)                         \
	{                                                                      \
		.soname = (soname_), .names = (names_), .symbols = (symbols_), \
		.n = ELEMENTSOF(names_)                                        \
	}

/*
 * Whether LIB and every one of its symbols are there.  The first call dlopen()s it (once per
 * process, whichever thread asks first); when anything is missing, SYMBOLS stays all NULL and
 * the library is not kept.  Once loaded, the library stays for the life of the process.
 */
bool dlopen_library_load(struct dlopen_library *lib);
