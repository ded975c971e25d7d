/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

static inline bool path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}

/* Join A and B with exactly one '/'; NULL on OOM. */
char *path_join(const char *a, const char *b);
/* Collapse "//", "/./" and a trailing '/' in place (no ".." resolution); returns P. */
char *path_simplify(char *p);
/* If PATH equals PREFIX or lies below it, return the rest (without leading '/'), else NULL. */
const char *path_startswith(const char *path, const char *prefix);
/* Last component (a pointer into P) and a newly allocated directory part. */
const char *path_basename(const char *p);
char *path_dirname(const char *p);
