/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What score.c computes for render.c beyond the public struct sdh_score_row. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sdharden/score.h"

/*
 * Display width of LEN bytes of UTF-8 text as format-table counts it without a terminal: one
 * column per code point, two for the emoji smileys (U+1F300 and up).
 */
static inline size_t sdh_text_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	size_t w = 0;

	/* Descriptions are ASCII but for the odd quote: eight bytes at a time while they are. */
	for (uint64_t x; e - p >= 8; p += 8, w += 8) {
		memcpy(&x, p, sizeof(x));
		if (x & UINT64_C(0x8080808080808080))
			break;
	}
	for (; p < e; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xf0 ? 2 : 1;
	}
	return w;
}

/*
 * Append to SB a key of what scoring reads of S: two records with the same key get the same
 * rows, order and exposure under the same policy, whatever unit they belong to.  -ENOMEM.
 */
struct sdh_settings;
int sdh_score_key(const struct sdh_settings *s, struct strbuf *sb);
