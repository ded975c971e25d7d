/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/string-util.h"
#include "basic/strv.h"

char **strv_free(char **l)
{
	STRV_FOREACH(s, l)
		free(*s);
	free(l);
	return NULL;
}

size_t strv_length(char *const *l)
{
	size_t n = 0;

	STRV_FOREACH(s, l)
		n++;
	return n;
}

bool strv_contains(char *const *l, const char *s)
{
	STRV_FOREACH(i, l)
		if (streq(*i, s))
			return true;
	return false;
}

int strv_consume(char ***l, char *s)
{
	size_t n = strv_length(*l);
	char **c;

	if (!s)
		return -ENOMEM;
	c = realloc(*l, sizeof(char *) * (n + 2));
	if (!c) {
		free(s);
		return -ENOMEM;
	}
	c[n] = s;
	c[n + 1] = NULL;
	*l = c;
	return 0;
}

int strv_extend(char ***l, const char *s)
{
	return strv_consume(l, strdup(s));
}

int strv_extend_strv(char ***l, char *const *other)
{
	STRV_FOREACH(s, other)
		if (strv_extend(l, *s) < 0)
			return -ENOMEM;
	return 0;
}

char **strv_copy(char *const *l)
{
	char **c = calloc(strv_length(l) + 1, sizeof(char *));
	size_t i = 0;

	if (!c)
		return NULL;
	STRV_FOREACH(s, l) {
		c[i] = strdup(*s);
		if (!c[i])
			return strv_free(c);
		i++;
	}
	return c;
}

int strv_split(const char *s, char ***ret)
{
	cleanup_strv char **l = NULL;
	const char *p = s;

	for (;;) {
		char *w = NULL;
		int r = extract_word(&p, &w, false);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		r = strv_consume(&l, w);
		if (r < 0)
			return r;
	}
	if (!l) {
		l = calloc(1, sizeof(char *));
		if (!l)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **l)
{
	if (!l)
		return; /* qsort(NULL, 0, ...) is undefined behaviour */
	qsort(l, strv_length(l), sizeof(char *), cmp_str);
}

char *strv_join(char *const *l, const char *sep)
{
	size_t n = 1, sl = strlen(sep);
	char *r, *p;

	STRV_FOREACH(s, l)
		n += strlen(*s) + sl;
	r = p = malloc(n);
	if (!r)
		return NULL;
	*p = 0;
	STRV_FOREACH(s, l) {
		if (s != l)
			p = stpcpy(p, sep);
		p = stpcpy(p, *s);
	}
	return r;
}
