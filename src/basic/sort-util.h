/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/*
 * Sort N elements of SIZE bytes at BASE, each starting with a `char *` name, as qsort() with
 * strcmp() on the names would (equal names keep no particular order).  Faster than that on the
 * thousand names of a unit directory: the first eight bytes of each name are compared as one
 * number, inline, and strcmp() runs only past them.  0, or -ENOMEM (BASE is left as it was).
 */
int sort_by_name(void *base, size_t n, size_t size);
