/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Optional libraries, loaded on first use instead of linked: libsystemd (sd-bus, for the online
 * paths) and libbpf (the profiler's BPF back end).  Linking them made every start load them and
 * their dependency chains, which the hot paths (offline analyze, lint) never use.  Each has a file
 * that defines the functions sdharden calls under their public names and prototypes and forwards
 * them to the real ones: src/basic/dlopen-libsystemd.c and src/profile/dlopen-libbpf.c.
 */

#include <stddef.h>

/*
 * For a library's X-macro list of symbols LIST(X): `enum { LIST(DLOPEN_SYMBOL_INDEX) N_SYMBOLS };`
 * numbers them SYM_<name>, `{ LIST(DLOPEN_SYMBOL_NAME) }` spells them for dlopen_symbols().
 */
#define DLOPEN_SYMBOL_INDEX(name) SYM_##name,
#define DLOPEN_SYMBOL_NAME(name)  #name,

/*
 * dlopen() SONAME and look up NAMES[0..N) into RET[0..N).  0, or -EOPNOTSUPP when the library or
 * any one of the symbols is missing; then RET is left all NULL and the library is not kept.  On
 * success the library stays loaded for the life of the process.
 */
int dlopen_symbols(const char *soname, const char *const *names, void **ret, size_t n);
