/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Strings that live and die together (the assignments of one unit): copied into blocks of a few
 * kilobytes, freed all at once.  Loading a unit made four allocations per assignment before.
 */

#include <stddef.h>

struct sdh_arena_block;

struct sdh_arena {
	struct sdh_arena_block *blocks; /* newest first */
	char *next;                     /* free space in the newest block */
	size_t left;
};

#define SDH_ARENA_INIT \
	{              \
	}

/* A NUL-terminated copy of the N bytes at S (or of S), valid until sdh_arena_release(). */
char *sdh_arena_strndup(struct sdh_arena *a, const char *s, size_t n);
char *sdh_arena_strdup(struct sdh_arena *a, const char *s);
void sdh_arena_release(struct sdh_arena *a);
