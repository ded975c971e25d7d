/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated arrays of heap strings (char **), as in systemd.  NULL is the empty strv. */

#include <stdbool.h>
#include <stddef.h>

#include "basic/macro.h"

char **strv_free(char **l);
size_t strv_length(char *const *l);
bool strv_contains(char *const *l, const char *s);
/* Append S (taking ownership) / a copy of S.  -ENOMEM; on failure consume frees S. */
int strv_consume(char ***l, char *s);
int strv_extend(char ***l, const char *s);
int strv_extend_strv(char ***l, char *const *other);
char **strv_copy(char *const *l);
/* Split at whitespace; no quoting. */
int strv_split(const char *s, char ***ret);
void strv_sort(char **l);
/* Join with SEP; NULL on OOM. */
char *strv_join(char *const *l, const char *sep);

static inline void strv_freep(char ***l)
{
	strv_free(*l);
}
#define cleanup_strv cleanup_attr(strv_freep)

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
