/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define WHITESPACE " \t\n\r"

/*
 * Return a pointer just past PREFIX in S, or NULL if S does not start with it.  Inline: PREFIX
 * is a constant almost everywhere, so the compiler compares a few bytes in place.
 */
static inline char *startswith(const char *s, const char *prefix)
{
	size_t l = strlen(prefix);

	return strncmp(s, prefix, l) == 0 ? (char *)s + l : NULL;
}
char *startswith_no_case(const char *s, const char *prefix);
char *endswith(const char *s, const char *suffix);

/* Strip leading and trailing whitespace in place; returns S. */
char *strstrip(char *s);
char *ascii_strlower(char *s);
char *ascii_strupper(char *s);

/*
 * Cut the next whitespace-separated word off *p, advancing *p.  Returns 1 and a newly
 * allocated word, 0 at the end, -ENOMEM.  With quotes=true, "..." and '...' group words and
 * C escapes are resolved, the way systemd's extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE)
 * treats list settings; -EINVAL for an unterminated quote or a bad escape.
 */
int extract_word(const char **p, char **ret, bool quotes);

/*
 * The concatenation of the strings up to the first NULL, newly allocated; NULL on OOM.  What
 * asprintf("%s%s...") would give, without parsing a format on every path that is built.
 */
char *strjoin_real(const char *first, ...) __attribute__((sentinel));
#define strjoin(...) strjoin_real(__VA_ARGS__, NULL)

/* strdup of at most N bytes; NULL on OOM. */
char *strndup_safe(const char *s, size_t n);

/* Case-insensitive Levenshtein-free "did you mean": edit distance with a cap. */
unsigned string_distance(const char *a, const char *b);
