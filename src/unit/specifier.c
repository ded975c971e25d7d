/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * %-specifiers (systemd.unit(5) "SPECIFIERS") with the values that can be known offline: names
 * from the unit, fixed manager paths, and host facts read from the root's /etc.  Anything that
 * depends on the running system (boot id, kernel release, a user's home) stays as written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "sdharden/unit.h"
#include "unit/chase.h"
#include "unit/unit-name.h"

/* First line of ROOT/PATH (resolved inside the root), stripped; -ENOENT etc. */
static int read_root_file(const char *root, const char *path, char **ret)
{
	cleanup_free char *chased = NULL, *host = NULL, *buf = NULL;
	int r;

	r = chase_in_root(root, path, 0, &chased);
	if (r < 0)
		return r;
	host = root_join(root, chased);
	if (!host)
		return -ENOMEM;
	r = read_full_file_at(AT_FDCWD, host, 64U * 1024U, &buf, NULL);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	return 0;
}

static int first_line(const char *root, const char *path, char **ret)
{
	cleanup_free char *buf = NULL;
	char *s, *nl;
	int r = read_root_file(root, path, &buf);

	if (r < 0)
		return r;
	/* /etc/hostname may carry comments (hostname(5)); take the first real line. */
	for (s = buf; s && *s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		s = strstrip(s);
		if (*s && *s != '#') {
			char *c = strdup(s);

			if (!c)
				return -ENOMEM;
			*ret = c;
			return 0;
		}
	}
	return -ENODATA;
}

/* FIELD of the root's os-release; "" when the file exists without it (as systemd does). */
static int os_release_field(const char *root, const char *field, char **ret)
{
	cleanup_free char *buf = NULL;
	size_t fl = strlen(field);
	char *nl;
	int r = read_root_file(root, "/etc/os-release", &buf);

	if (r == -ENOENT)
		r = read_root_file(root, "/usr/lib/os-release", &buf);
	if (r < 0)
		return r;
	for (char *s = buf; s && *s; s = nl ? nl + 1 : NULL) {
		char *v;
		size_t n;

		nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		if (strncmp(s, field, fl) != 0 || s[fl] != '=')
			continue;
		v = strstrip(s + fl + 1);
		n = strlen(v);
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v[n - 1] = 0;
			v++;
		}
		*ret = strdup(v);
		return *ret ? 0 : -ENOMEM;
	}
	*ret = strdup("");
	return *ret ? 0 : -ENOMEM;
}

static const char *architecture(void)
{
#if defined(__x86_64__)
	return "x86-64";
#elif defined(__i386__)
	return "x86";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64-le";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return NULL;
#endif
}

static int name_part(const struct sdh_unit *u, char c, char **ret)
{
	const char *id = u->id ? u->id : u->name;
	const char *dot = strrchr(id, '.');
	char *v = NULL, *last;

	switch (c) {
	case 'n': v = strdup(id); break;
	case 'N': v = strndup(id, (size_t)(dot - id)); break;
	case 'p':
	case 'P': v = strdup(strempty(u->prefix)); break;
	case 'i':
	case 'I': v = strdup(strempty(u->instance)); break;
	case 'j':
	case 'J':
		last = u->prefix ? strrchr(u->prefix, '-') : NULL;
		v = strdup(last ? last + 1 : strempty(u->prefix));
		break;
	default: return -EINVAL;
	}
	if (!v)
		return -ENOMEM;
	if (c == 'P' || c == 'I' || c == 'J') {
		char *un = NULL;
		int r = unit_name_unescape(v, &un);

		free(v);
		if (r < 0)
			return r;
		v = un;
	}
	*ret = v;
	return 0;
}

/*
 * The value of %C for U: 1 and *ret, 0 when it cannot be known offline, -EINVAL for an unknown
 * specifier, -ENOMEM.
 */
static int lookup(const struct sdh_unit *u, char c, char **ret)
{
	bool sys = u->scope == SDH_SCOPE_SYSTEM;
	const char *fixed = NULL;
	cleanup_free char *tmp = NULL;
	int r;

	switch (c) {
	case 'n':
	case 'N':
	case 'p':
	case 'P':
	case 'i':
	case 'I':
	case 'j':
	case 'J': r = name_part(u, c, ret); return r < 0 ? r : 1;
	case 'f': {
		/* "/" + the unescaped instance, or prefix. */
		const char *s = u->instance ? u->instance : strempty(u->prefix);

		r = unit_name_unescape(s, &tmp);
		if (r < 0)
			return r == -ENOMEM ? r : 0;
		*ret = tmp[0] == '/' ? strdup(tmp) : path_join("/", tmp);
		return *ret ? 1 : -ENOMEM;
	}
	case 'y':
	case 'Y':
		if (!u->fragment_path)
			return 0;
		*ret = c == 'y' ? strdup(u->fragment_path) : path_dirname(u->fragment_path);
		return *ret ? 1 : -ENOMEM;
	case 'd':
		if (!sys)
			return 0;
		if (asprintf(ret, "/run/credentials/%s", u->id ? u->id : u->name) < 0)
			return -ENOMEM;
		return 1;
	case 'S': fixed = sys ? "/var/lib" : NULL; break;
	case 'C': fixed = sys ? "/var/cache" : NULL; break;
	case 'L': fixed = sys ? "/var/log" : NULL; break;
	case 't': fixed = sys ? "/run" : NULL; break;
	case 'E': fixed = sys ? "/etc" : NULL; break;
	case 'T': fixed = "/tmp"; break;
	case 'V': fixed = "/var/tmp"; break;
	case 'u':
	case 'g': fixed = sys ? "root" : NULL; break;
	case 'U':
	case 'G': fixed = sys ? "0" : NULL; break;
	case 'h': fixed = sys ? "/root" : NULL; break;
	case 's': fixed = sys ? "/bin/sh" : NULL; break;
	case 'a': fixed = architecture(); break;
	case 'H':
	case 'l':
		r = first_line(u->root, "/etc/hostname", &tmp);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return 0;
		if (c == 'l')
			tmp[strcspn(tmp, ".")] = 0;
		*ret = TAKE_PTR(tmp);
		return 1;
	case 'm':
		r = first_line(u->root, "/etc/machine-id", &tmp);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || strlen(tmp) != 32 || tmp[strspn(tmp, "0123456789abcdef")])
			return 0; /* missing, "uninitialized" or garbage: decided at boot */
		*ret = TAKE_PTR(tmp);
		return 1;
	case 'o':
	case 'w':
	case 'W':
	case 'A':
	case 'B':
	case 'M': {
		static const char *const fields[][2] = {
			{ "o", "ID" },         { "w", "VERSION_ID" },
			{ "W", "VARIANT_ID" }, { "A", "IMAGE_VERSION" },
			{ "B", "BUILD_ID" },   { "M", "IMAGE_ID" },
		};

		for (size_t i = 0; i < ELEMENTSOF(fields); i++)
			if (fields[i][0][0] == c) {
				r = os_release_field(u->root, fields[i][1], ret);
				if (r == -ENOMEM)
					return r;
				return r < 0 ? 0 : 1;
			}
		return 0;
	}
	case 'b': /* boot id */
	case 'v': /* kernel release of the machine that will run it */
	case 'q': /* pretty hostname (machine-info, not part of an image) */ return 0;
	default: return -EINVAL;
	}
	if (!fixed)
		return 0;
	*ret = strdup(fixed);
	return *ret ? 1 : -ENOMEM;
}

int sdh_unit_expand_specifiers(const struct sdh_unit *u, const char *s, char **ret,
			       unsigned *ret_unknown)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	unsigned unknown = 0;

	if (!u || !s || !ret)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		cleanup_free char *v = NULL;
		int r;

		if (*p != '%') {
			strbuf_addc(&sb, *p);
			continue;
		}
		if (!p[1]) {
			strbuf_addc(&sb, '%'); /* a stray '%' at the end stays, as in systemd */
			break;
		}
		p++;
		if (*p == '%') {
			strbuf_addc(&sb, '%');
			continue;
		}
		r = lookup(u, *p, &v);
		if (r < 0)
			return r;
		if (r == 0) {
			unknown++;
			strbuf_addc(&sb, '%');
			strbuf_addc(&sb, *p);
			continue;
		}
		strbuf_adds(&sb, v);
	}
	if (strbuf_error(&sb))
		return -ENOMEM;
	*ret = strbuf_detach(&sb);
	if (!*ret)
		return -ENOMEM;
	if (ret_unknown)
		*ret_unknown = unknown;
	return 0;
}
