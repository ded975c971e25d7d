/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/string-util.h"
#include "unit/unit-name.h"

/* Same order as systemd's UnitType; only the names matter here. */
static const char *const unit_types[] = {
	"service",   "mount", "swap", "socket", "target", "device",
	"automount", "timer", "path", "slice",  "scope",
};

enum {
	TYPE_SERVICE,
	TYPE_MOUNT,
	TYPE_SWAP,
	TYPE_SOCKET,
	TYPE_TARGET,
	TYPE_DEVICE,
	TYPE_AUTOMOUNT,
	TYPE_TIMER,
	TYPE_PATH,
	TYPE_SLICE,
	TYPE_SCOPE
};

int unit_type_from_string(const char *type)
{
	for (size_t i = 0; type && i < ELEMENTSOF(unit_types); i++)
		if (streq(type, unit_types[i]))
			return (int)i;
	return -1;
}

const char *unit_type_to_string(int type)
{
	return type >= 0 && (size_t)type < ELEMENTSOF(unit_types) ? unit_types[type] : NULL;
}

/*
 * systemd's VALID_CHARS (alphanumerics and ":-_.\\"), plus '@' where AT: a table, as every
 * character of every name in the search path is checked.
 */
static bool valid_char(char c, bool at)
{
	static const bool valid[256] = {
		['0' ... '9'] = true, ['A' ... 'Z'] = true, ['a' ... 'z'] = true, [':'] = true,
		['-'] = true,         ['_'] = true,         ['.'] = true,         ['\\'] = true,
	};

	return valid[(unsigned char)c] || (at && c == '@');
}

bool unit_prefix_is_valid(const char *prefix)
{
	if (isempty(prefix))
		return false;
	for (const char *p = prefix; *p; p++)
		if (!valid_char(*p, false) || *p == 0)
			return false;
	return true;
}

const char *unit_name_suffix(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : NULL;
}

int unit_name_classify(const char *name)
{
	const char *dot, *at;

	if (isempty(name) || strlen(name) > UNIT_NAME_MAX)
		return 0;
	dot = strrchr(name, '.');
	if (!dot || dot == name || unit_type_from_string(dot + 1) < 0)
		return 0;
	for (const char *p = name; p < dot; p++)
		if (!valid_char(*p, true))
			return 0;
	at = strchr(name, '@');
	if (!at)
		return UNIT_NAME_PLAIN;
	if (at == name)
		return 0;
	return at + 1 == dot ? UNIT_NAME_TEMPLATE : UNIT_NAME_INSTANCE;
}

bool unit_name_is_valid(const char *name, int kinds)
{
	return (unit_name_classify(name) & kinds) != 0;
}

int unit_name_to_prefix(const char *name, char **ret)
{
	size_t n;
	char *s;

	if (!unit_name_is_valid(name, UNIT_NAME_ANY))
		return -EINVAL;
	n = strcspn(name, "@");
	if (!name[n])
		n = (size_t)(strrchr(name, '.') - name);
	s = strndup(name, n);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int unit_name_to_instance(const char *name, char **ret)
{
	const char *at, *dot;
	char *s;

	switch (unit_name_classify(name)) {
	case UNIT_NAME_PLAIN: *ret = NULL; return 0;
	case UNIT_NAME_TEMPLATE:
	case UNIT_NAME_INSTANCE:
		at = strchr(name, '@');
		dot = strrchr(name, '.');
		s = strndup(at + 1, (size_t)(dot - at - 1));
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	default: return -EINVAL;
	}
}

int unit_name_build(const char *prefix, const char *instance, const char *suffix, char **ret)
{
	char *s = strjoin(prefix, instance ? "@" : "", strempty(instance), ".", suffix);

	if (!s)
		return -ENOMEM;
	if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
		free(s);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

int unit_name_replace_instance(const char *name, const char *instance, char **ret)
{
	const char *at = strchr(name, '@'), *suffix;
	size_t lp, li, ls;
	char *s, *w;

	if (!unit_name_is_valid(name, UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE) || !at)
		return -EINVAL;
	/* PREFIX@INSTANCE.SUFFIX */
	suffix = unit_name_suffix(name);
	lp = (size_t)(at - name);
	li = strlen(instance);
	ls = strlen(suffix);
	s = malloc(lp + 1 + li + 1 + ls + 1);
	if (!s)
		return -ENOMEM;
	w = mempcpy(s, name, lp);
	*w++ = '@';
	w = mempcpy(w, instance, li);
	*w++ = '.';
	memcpy(w, suffix, ls + 1);
	if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
		free(s);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

int unit_name_template(const char *name, char **ret)
{
	return unit_name_replace_instance(name, "", ret);
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int unit_name_unescape(const char *s, char **ret)
{
	char *r = malloc(strlen(s) + 1), *t = r;

	if (!r)
		return -ENOMEM;
	for (const char *f = s; *f; f++) {
		if (*f == '-')
			*t++ = '/';
		else if (*f == '\\') {
			int a, b;

			if (f[1] != 'x' || (a = unhex(f[2])) < 0 || (b = unhex(f[3])) < 0) {
				free(r);
				return -EINVAL;
			}
			*t++ = (char)((a << 4) | b);
			f += 3;
		} else
			*t++ = *f;
	}
	*t = 0;
	*ret = r;
	return 0;
}

/* systemd's unit_type_may_alias() and unit_type_may_template(). */
static bool type_may_alias(int t)
{
	return t == TYPE_SERVICE || t == TYPE_SOCKET || t == TYPE_TARGET || t == TYPE_DEVICE ||
	       t == TYPE_TIMER || t == TYPE_PATH;
}

static bool type_may_template(int t)
{
	return t == TYPE_SERVICE || t == TYPE_SOCKET || t == TYPE_TARGET || t == TYPE_TIMER ||
	       t == TYPE_PATH;
}

static bool same_instance(const char *a, const char *b)
{
	const char *ia = strchr(a, '@'), *ib = strchr(b, '@');
	size_t la = (size_t)(strrchr(a, '.') - ia), lb = (size_t)(strrchr(b, '.') - ib);

	return la == lb && memcmp(ia, ib, la) == 0;
}

int unit_validate_alias(const char *src, const char *dst, const char **ret_reason)
{
	int sk = unit_name_classify(src), dk = unit_name_classify(dst), st;
	const char *reason = NULL;
	int r = 0;

	if (!sk) {
		reason = "not a valid unit name";
		r = -EINVAL;
	} else if (!type_may_alias(st = unit_type_from_string(unit_name_suffix(src)))) {
		reason = "symlinks are not allowed for units of this type";
		r = -EINVAL;
	} else if (sk != UNIT_NAME_PLAIN && !type_may_template(st)) {
		reason = "templates are not allowed for units of this type";
		r = -EINVAL;
	} else if (!dk) {
		reason = "target is not a valid unit name";
		r = -EXDEV;
	} else if (!(dk == sk || (sk == UNIT_NAME_INSTANCE && dk == UNIT_NAME_TEMPLATE))) {
		reason = "target name type does not match the source";
		r = -EXDEV;
	} else if (dk == UNIT_NAME_INSTANCE && !same_instance(src, dst)) {
		reason = "target instance name does not match";
		r = -EXDEV;
	} else if (!streq(unit_name_suffix(src), unit_name_suffix(dst))) {
		reason = "target has an incompatible suffix";
		r = -EXDEV;
	}
	if (ret_reason)
		*ret_reason = reason;
	return r;
}
