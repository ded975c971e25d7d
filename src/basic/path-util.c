/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/path-util.h"

char *path_join(const char *a, const char *b)
{
	char *r;
	size_t la = strlen(a), lb;

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	lb = strlen(b);
	r = malloc(la + 1 + lb + 1);
	if (!r)
		return NULL;
	memcpy(r, a, la);
	r[la] = '/';
	memcpy(r + la + 1, b, lb + 1);
	return r;
}

char *path_simplify(char *p)
{
	char *w = p, *s = p;
	bool abs = *p == '/';

	while (*s) {
		if (*s == '/') {
			while (*s == '/')
				s++;
			if (s[0] == '.' && (s[1] == '/' || s[1] == 0)) {
				s++;
				continue;
			}
			if (w > p || abs)
				*w++ = '/';
			continue;
		}
		*w++ = *s++;
	}
	if (w > p + 1 && w[-1] == '/')
		w--;
	if (w == p && abs)
		*w++ = '/';
	*w = 0;
	return p;
}

const char *path_startswith(const char *path, const char *prefix)
{
	size_t l;

	while (*prefix == '/' && prefix[1] == '/')
		prefix++;
	l = strlen(prefix);
	while (l > 1 && prefix[l - 1] == '/')
		l--;
	if (l == 1 && prefix[0] == '/')
		return path[0] == '/' ? path + strspn(path, "/") : NULL;
	if (strncmp(path, prefix, l) != 0)
		return NULL;
	if (path[l] == 0)
		return path + l;
	if (path[l] != '/')
		return NULL;
	return path + l + strspn(path + l, "/");
}

const char *path_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

char *path_dirname(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return strdup(".");
	if (s == p)
		return strdup("/");
	return strndup(p, (size_t)(s - p));
}
