/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/sort-util.h"

struct sort_key {
	uint64_t prefix; /* the name's first 8 bytes, big-endian, 0 past its end */
	const char *name;
	size_t index;
};

static uint64_t name_prefix(const char *s)
{
	uint64_t k = 0;
	unsigned i = 0;

	for (; i < 8 && s[i]; i++)
		k = k << 8 | (unsigned char)s[i];
	/* Left-aligned: the bytes past the end count as 0 (and "" is 0, not a 64-bit shift). */
	return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
}

/*
 * LSD radix sort of V (N keys) by prefix, a byte at a time, using TMP (N keys): no comparisons,
 * so none of the branch mispredictions a comparison sort of random names pays.  Stable; passes
 * over a byte all keys share are skipped.
 */
static void radix_sort(struct sort_key *v, struct sort_key *tmp, size_t n)
{
	struct sort_key *src = v, *dst = tmp;

	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos = 0;
		uint64_t first = (src[0].prefix >> shift) & 0xff;
		bool same = true;

		for (size_t i = 0; i < n; i++) {
			uint64_t byte = (src[i].prefix >> shift) & 0xff;

			count[byte]++;
			same = same && byte == first;
		}
		if (same)
			continue;
		for (size_t c = 0; c < 256; c++) {
			size_t k = count[c];

			count[c] = pos;
			pos += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].prefix >> shift) & 0xff]++] = src[i];
		{
			struct sort_key *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/*
 * Keys with equal prefixes, V[0..N), in strcmp() order of what follows the prefix (a name
 * shorter than 8 bytes ends within it: those are equal).  The runs are short (names that share
 * eight bytes: "systemd-", "prometheus-...").
 */
static void sort_run(struct sort_key *v, size_t n)
{
	if ((v[0].prefix & 0xff) == 0)
		return;
	for (size_t i = 1; i < n; i++) {
		struct sort_key k = v[i];
		size_t j = i;

		for (; j > 0 && strcmp(k.name + 8, v[j - 1].name + 8) < 0; j--)
			v[j] = v[j - 1];
		v[j] = k;
	}
}

int sort_by_name(void *base, size_t n, size_t size)
{
	cleanup_free struct sort_key *keys = NULL;
	cleanup_free char *copy = NULL;
	char *b = base;

	if (n < 2)
		return 0;
	keys = malloc(2 * n * sizeof(*keys));
	copy = malloc(n * size);
	if (!keys || !copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *name;

		memcpy(&name, b + i * size, sizeof(name));
		keys[i] = (struct sort_key){ name_prefix(name), name, i };
	}
	radix_sort(keys, keys + n, n);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && keys[j].prefix == keys[i].prefix; j++)
			;
		sort_run(keys + i, j - i);
	}
	memcpy(copy, b, n * size);
	for (size_t i = 0; i < n; i++)
		memcpy(b + i * size, copy + keys[i].index * size, size);
	return 0;
}
