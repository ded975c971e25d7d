/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/string-util.h"

char *startswith_no_case(const char *s, const char *prefix)
{
	size_t l = strlen(prefix);

	return strncasecmp(s, prefix, l) == 0 ? (char *)s + l : NULL;
}

char *endswith(const char *s, const char *suffix)
{
	size_t sl = strlen(s), xl = strlen(suffix);

	if (xl > sl)
		return NULL;
	return streq(s + sl - xl, suffix) ? (char *)s + sl - xl : NULL;
}

static bool is_whitespace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *strstrip(char *s)
{
	char *e;

	/* Every line of every unit file goes through here: no strspn() and strchr() calls. */
	while (is_whitespace(*s))
		s++;
	for (e = s + strlen(s); e > s && is_whitespace(e[-1]); e--)
		;
	*e = 0;
	return s;
}

char *ascii_strlower(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *ascii_strupper(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

char *strjoin_real(const char *first, ...)
{
	va_list ap;
	size_t n = 0;
	char *r, *w;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		n += strlen(s);
	va_end(ap);
	r = malloc(n + 1);
	if (!r)
		return NULL;
	w = r;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		w = stpcpy(w, s);
	va_end(ap);
	return r;
}

char *strndup_safe(const char *s, size_t n)
{
	return strndup(s, n);
}

static int unescape_one(const char **p, char *out, size_t *len)
{
	const char *s = *p;
	int v = 0;

	switch (*s) {
	case 'a': out[(*len)++] = '\a'; break;
	case 'b': out[(*len)++] = '\b'; break;
	case 'f': out[(*len)++] = '\f'; break;
	case 'n': out[(*len)++] = '\n'; break;
	case 'r': out[(*len)++] = '\r'; break;
	case 't': out[(*len)++] = '\t'; break;
	case 'v': out[(*len)++] = '\v'; break;
	case 's': out[(*len)++] = ' '; break;
	case '\\':
	case '"':
	case '\'':
	case ' ': out[(*len)++] = *s; break;
	case 'x':
		for (int i = 1; i <= 2; i++) {
			if (!isxdigit((unsigned char)s[i]))
				return -EINVAL;
			v = v * 16 + (isdigit((unsigned char)s[i])
					      ? s[i] - '0'
					      : (tolower((unsigned char)s[i]) - 'a' + 10));
		}
		if (v == 0)
			return -EINVAL;
		out[(*len)++] = (char)v;
		s += 2;
		break;
	case '0' ... '7':
		for (int i = 0; i < 3; i++) {
			if (s[i] < '0' || s[i] > '7')
				return -EINVAL;
			v = v * 8 + (s[i] - '0');
		}
		if (v == 0 || v > 255)
			return -EINVAL;
		out[(*len)++] = (char)v;
		s += 2;
		break;
	default: return -EINVAL;
	}
	*p = s + 1;
	return 0;
}

int extract_word(const char **p, char **ret, bool quotes)
{
	const char *s = *p;
	cleanup_free char *buf = NULL;
	size_t len = 0;
	char quote = 0;
	int r;

	s += strspn(s, WHITESPACE);
	if (!*s) {
		*p = s;
		return 0;
	}
	buf = malloc(strlen(s) + 1);
	if (!buf)
		return -ENOMEM;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote) {
				quote = 0;
				continue;
			}
		} else if (strchr(WHITESPACE, *s)) {
			break;
		} else if (quotes && (*s == '"' || *s == '\'')) {
			quote = *s;
			continue;
		}
		if (quotes && *s == '\\') {
			const char *e = s + 1;

			if (!*e)
				return -EINVAL;
			r = unescape_one(&e, buf, &len);
			if (r < 0)
				return r;
			s = e - 1;
			continue;
		}
		buf[len++] = *s;
	}
	if (quote)
		return -EINVAL;
	buf[len] = 0;
	*p = s;
	*ret = TAKE_PTR(buf);
	return 1;
}

unsigned string_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned *row, best;

	if (la > 256 || lb > 256)
		return 1000;
	row = calloc(lb + 1, sizeof(unsigned));
	if (!row)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
					tolower((unsigned char)b[j - 1]);

			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), prev + cost);
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}
