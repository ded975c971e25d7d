/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "basic/alloc-util.h"
#include "basic/macro.h"

int greedy_realloc(void **p, size_t *alloc, size_t need, size_t min, size_t size)
{
	size_t na;
	void *n;

	if (need <= *alloc)
		return 0;
	na = MAX(MAX(*alloc > SIZE_MAX / 2 ? SIZE_MAX : *alloc * 2, min), need);
	if (size && na > SIZE_MAX / size)
		return -ENOMEM;
	n = realloc(*p, na * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*alloc = na;
	return 0;
}
