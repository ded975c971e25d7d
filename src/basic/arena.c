/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/macro.h"

#define ARENA_BLOCK_MIN 4096U

struct sdh_arena_block {
	struct sdh_arena_block *next;
	char data[];
};

char *sdh_arena_strndup(struct sdh_arena *a, const char *s, size_t n)
{
	char *p;

	if (n + 1 > a->left) {
		/* A string longer than a block gets a block of its own. */
		size_t size = MAX((size_t)ARENA_BLOCK_MIN, n + 1);
		struct sdh_arena_block *b = malloc(sizeof(*b) + size);

		if (!b)
			return NULL;
		b->next = a->blocks;
		a->blocks = b;
		a->next = b->data;
		a->left = size;
	}
	p = a->next;
	memcpy(p, s, n);
	p[n] = 0;
	a->next += n + 1;
	a->left -= n + 1;
	return p;
}

char *sdh_arena_strdup(struct sdh_arena *a, const char *s)
{
	return sdh_arena_strndup(a, s, strlen(s));
}

void sdh_arena_release(struct sdh_arena *a)
{
	while (a->blocks) {
		struct sdh_arena_block *b = a->blocks;

		a->blocks = b->next;
		free(b);
	}
	*a = (struct sdh_arena)SDH_ARENA_INIT;
}
