/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/*
 * Make room for NEED elements of SIZE bytes in the array *P of capacity *ALLOC: nothing when it
 * has room, else the capacity doubles, to at least MIN and NEED.  0, or -ENOMEM with *P and
 * *ALLOC unchanged.
 */
int greedy_realloc(void **p, size_t *alloc, size_t need, size_t min, size_t size);

#define GREEDY_REALLOC(p, alloc, need, min) \
	greedy_realloc((void **)&(p), &(alloc), (need), (min), sizeof(*(p)))
