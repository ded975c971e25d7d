/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Path resolution inside a root directory, the way systemd's chase_symlinks() does with
 * --root=: absolute symlink targets and ".." stay inside the root.  Paths passed in and out are
 * "inside the root" (absolute, as the tree sees them); ROOT is NULL or "" for the host.
 * Internal to src/unit/.
 */

#include <stdbool.h>

enum {
	CHASE_NOFOLLOW_LAST = 1 << 0, /* do not resolve a symlink in the last component */
	CHASE_NONEXISTENT = 1 << 1,   /* missing components are fine: keep them as written */
};

/* Symlink hops before -ELOOP (systemd's CHASE_MAX). */
#define CHASE_HOPS_MAX 32

/*
 * Resolve PATH.  A symlink to "/dev/null" anywhere resolves to "/dev/null" itself (masks are
 * followed on the host by systemd, and the root need not have a /dev).  -ENOENT, -ELOOP,
 * -ENOTDIR, -ENOMEM, other -errno.
 */
int chase_in_root(const char *root, const char *path, unsigned flags, char **ret);
/* ROOT + PATH as a host path; NULL on OOM. */
char *root_join(const char *root, const char *path);
