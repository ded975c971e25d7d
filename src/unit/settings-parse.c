/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdh_settings_build(): the assignment stream of a loaded unit -> the effective security record,
 * following systemd's config parsers (exposure-spec.md §2.2) and load-time implications (§2.4).
 * A value systemd cannot parse is reported and ignored, exactly where systemd logs and carries
 * on; a value that makes systemd refuse the unit sets bad_setting.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

struct ctx {
	struct sdh_settings *s;
	const struct sdh_unit *u;
	struct sdh_diags *d;
	const struct sdh_assignment *a; /* current assignment */
	/* service_verify() inputs */
	unsigned n_exec_start, n_exec_stop;
	bool success_action, type_oneshot, type_dbus, bus_name, restart_bad, pam, kill_ok;
	bool type_set;       /* Type= given; else systemd picks one (service_add_extras()) */
	bool filter_created; /* SystemCallFilter= map exists (first non-empty assignment seen) */
};

static int warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sdh_diags_addv(c->d, c->a->file, c->a->line, SDH_SEVERITY_WARNING, "bad-value", fmt,
			   ap);
	va_end(ap);
	return r;
}

static int fatal(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fatal(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	c->s->bad_setting = true;
	va_start(ap, fmt);
	r = sdh_diags_addv(c->d, c->a ? c->a->file : c->u->fragment_path, c->a ? c->a->line : 0,
			   SDH_SEVERITY_ERROR, "bad-setting", fmt, ap);
	va_end(ap);
	return r;
}

static int set_origin(struct ctx *c, enum sdh_setting f)
{
	return sdh_settings_set_origin_file(c->s, f, c->a->file, c->a->line);
}

static int set_str(char **field, const char *v)
{
	char *n = NULL;

	if (v && !(n = strdup(v)))
		return -ENOMEM;
	free(*field);
	*field = n;
	return 0;
}

/* A plain systemd boolean; newer versions also take a few words that count as "yes". */
static int parse_bool_ext(struct ctx *c, bool *field, const char *const *extra)
{
	int b = parse_boolean(c->a->value);

	if (b < 0 && extra)
		for (const char *const *e = extra; *e; e++)
			if (streq(c->a->value, *e))
				b = 1;
	if (b < 0)
		return warn(c, "cannot parse '%s=': invalid boolean '%s', ignoring", c->a->key,
			    c->a->value);
	*field = b;
	return 1;
}

static int parse_enum(struct ctx *c, char **field, const char *const *values, bool boolean,
		      const char *empty_default)
{
	const char *v = c->a->value;
	int b;

	if (isempty(v) && empty_default)
		return set_str(field, empty_default) < 0 ? -ENOMEM : 1;
	if (boolean && (b = parse_boolean(v)) >= 0)
		return set_str(field, b ? "yes" : "no") < 0 ? -ENOMEM : 1;
	for (const char *const *x = values; *x; x++)
		if (streq(v, *x))
			return set_str(field, *x) < 0 ? -ENOMEM : 1;
	return warn(c, "cannot parse '%s=': invalid value '%s', ignoring", c->a->key, v);
}

/* systemd's valid_user_group_name(VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC). */
static bool valid_user_relaxed(const char *u)
{
	unsigned n;

	if (isempty(u))
		return false;
	/* Numeric ids: no leading zero, not the two invalid ids. */
	if (u[0] >= '0' && u[0] <= '9' && strspn(u, "0123456789") == strlen(u)) {
		if (u[0] == '0' && u[1])
			return false;
		if (safe_atou(u, &n) < 0 || n == 65535U || n == 4294967295U)
			return false;
		return true;
	}
	if (u[0] == '-' || streq(u, ".") || streq(u, ".."))
		return false;
	if (strpbrk(u, ":/") || isspace((unsigned char)u[0]) ||
	    isspace((unsigned char)u[strlen(u) - 1]))
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 127)
			return false;
	return strlen(u) <= 255;
}

/* Strict rules (valid_user_group_name(0)): what DynamicUser= accepts as a derived name. */
static bool valid_user_strict(const char *u)
{
	size_t l = strlen(u);

	if (l == 0 || l > 31)
		return false;
	if (!(isalpha((unsigned char)u[0]) || u[0] == '_'))
		return false;
	for (const char *p = u + 1; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
			return false;
	return true;
}

static int expand(struct ctx *c, char **ret)
{
	if (strchr(c->a->value, '%')) {
		int r = sdh_unit_expand_specifiers(c->u, c->a->value, ret, NULL);

		if (r < 0)
			return r == -ENOMEM ? r : 0;
		return 1;
	}
	*ret = strdup(c->a->value);
	return *ret ? 1 : -ENOMEM;
}

static int parse_user(struct ctx *c)
{
	cleanup_free char *v = NULL;
	int r = expand(c, &v);

	if (r <= 0)
		return r < 0 ? r
			     : warn(c, "cannot expand specifiers in 'User=%s', ignoring",
				    c->a->value);
	if (isempty(v)) {
		free(c->s->user);
		c->s->user = NULL;
		return 1;
	}
	if (!valid_user_relaxed(v))
		return fatal(c, "invalid user name '%s' in 'User=': systemd refuses the unit", v);
	free(c->s->user);
	c->s->user = TAKE_PTR(v);
	return 1;
}

static int parse_groups(struct ctx *c)
{
	const char *p = c->a->value;

	if (isempty(p)) {
		c->s->supplementary_groups = strv_free(c->s->supplementary_groups);
		return 1;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		int r = extract_word(&p, &w, true);

		if (r < 0)
			return r == -ENOMEM
				       ? r
				       : warn(c, "cannot parse 'SupplementaryGroups=', ignoring");
		if (r == 0)
			break;
		if (!valid_user_relaxed(w))
			return fatal(
				c,
				"invalid group name '%s' in 'SupplementaryGroups=': systemd refuses the unit",
				w);
		if (strv_consume(&c->s->supplementary_groups, TAKE_PTR(w)) < 0)
			return -ENOMEM;
	}
	return 1;
}

static int parse_caps(struct ctx *c, uint64_t *field, uint64_t initial)
{
	const char *p = c->a->value;
	uint64_t sum = 0;
	bool invert = false;

	if (*p == '~') {
		invert = true;
		p++;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		int r = extract_word(&p, &w, true), cap;

		if (r < 0)
			return r == -ENOMEM ? r
					    : warn(c, "cannot parse '%s=', ignoring", c->a->key);
		if (r == 0)
			break;
		cap = sdh_capability_from_name(w);
		if (cap < 0) {
			/* systemd skips unknown names (debug log only). */
			continue;
		}
		sum |= UINT64_C(1) << cap;
	}
	if (sum == 0 || *field == initial)
		*field = invert ? ~sum : sum;
	else if (invert)
		*field &= ~sum;
	else
		*field |= sum;
	return 1;
}

static const struct {
	const char *name;
	uint64_t bit;
} namespaces[] = {
	{ "cgroup", SDH_NS_CGROUP }, { "ipc", SDH_NS_IPC },   { "net", SDH_NS_NET },
	{ "mnt", SDH_NS_MNT },       { "pid", SDH_NS_PID },   { "user", SDH_NS_USER },
	{ "uts", SDH_NS_UTS },       { "time", SDH_NS_TIME },
};

static uint64_t namespaces_all(unsigned version)
{
	/* "time" joined the "all" set after 257 (exposure-spec.md §2.2). */
	uint64_t all = 0;

	for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
		if (namespaces[i].bit != SDH_NS_TIME || version >= SDH_VERSION(258, 0))
			all |= namespaces[i].bit;
	return all;
}

static int parse_namespaces(struct ctx *c)
{
	const char *p = c->a->value;
	uint64_t flags = 0, all = namespaces_all(c->s->version);
	bool invert = false;
	int b;

	if (isempty(p)) {
		c->s->restrict_namespaces = SDH_NS_UNSET;
		return 1;
	}
	if (*p == '~') {
		invert = true;
		p++;
	}
	b = parse_boolean(p);
	if (b >= 0) {
		c->s->restrict_namespaces = b ? 0 : all;
		return 1;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		int r = extract_word(&p, &w, false);
		bool found = false;

		if (r < 0)
			return r;
		if (r == 0)
			break;
		for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
			if (streq(w, namespaces[i].name)) {
				flags |= namespaces[i].bit;
				found = true;
			}
		if (!found)
			return warn(
				c,
				"cannot parse 'RestrictNamespaces=': unknown namespace type '%s', ignoring",
				w);
	}
	if (c->s->restrict_namespaces == SDH_NS_UNSET)
		c->s->restrict_namespaces = invert ? ~flags & all : flags;
	else if (invert)
		c->s->restrict_namespaces &= ~flags;
	else
		c->s->restrict_namespaces |= flags;
	return 1;
}

static int parse_address_families(struct ctx *c)
{
	struct sdh_settings *s = c->s;
	const char *p = c->a->value;
	bool invert = false;

	if (isempty(p)) {
		s->af_has_set = false;
		s->af_set = 0;
		s->af_allow_list = false;
		return 1;
	}
	if (streq(p, "none")) {
		s->af_has_set = false;
		s->af_set = 0;
		s->af_allow_list = true;
		return 1;
	}
	if (*p == '~') {
		invert = true;
		p++;
	}
	if (!s->af_has_set) {
		s->af_has_set = true;
		s->af_set = 0;
		s->af_allow_list = !invert;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		const struct sdh_address_family *af;
		int r = extract_word(&p, &w, true);

		if (r < 0)
			return r == -ENOMEM
				       ? r
				       : warn(c,
					      "cannot parse 'RestrictAddressFamilies=', ignoring");
		if (r == 0)
			break;
		af = sdh_address_family_lookup(w);
		if (!af || af->number == 0 || af->number >= 64) {
			int k = warn(
				c,
				"unknown address family '%s' in 'RestrictAddressFamilies=', ignoring",
				w);
			if (k < 0)
				return k;
			continue;
		}
		if (!invert == s->af_allow_list)
			s->af_set |= UINT64_C(1) << af->number;
		else
			s->af_set &= ~(UINT64_C(1) << af->number);
	}
	return 1;
}

static const char *const seccomp_archs[] = {
	"native",        "x86",    "x86-64",   "x32",        "arm",     "arm64",
	"loongarch64",   "mips",   "mips64",   "mips64-n32", "mips-le", "mips64-le",
	"mips64-le-n32", "parisc", "parisc64", "ppc",        "ppc64",   "ppc64-le",
	"riscv64",       "s390",   "s390x",    NULL,
};

static int parse_archs(struct ctx *c)
{
	const char *p = c->a->value;

	if (isempty(p)) {
		c->s->system_call_architectures = strv_free(c->s->system_call_architectures);
		return 1;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		bool ok = false;
		int r = extract_word(&p, &w, true);

		if (r < 0)
			return r == -ENOMEM
				       ? r
				       : warn(c,
					      "cannot parse 'SystemCallArchitectures=', ignoring");
		if (r == 0)
			break;
		for (const char *const *a = seccomp_archs; *a; a++)
			ok = ok || streq(*a, w);
		if (!ok) {
			r = warn(
				c,
				"unknown architecture '%s' in 'SystemCallArchitectures=', ignoring",
				w);
			if (r < 0)
				return r;
			continue;
		}
		/* A set: duplicates do not count twice. */
		if (!strv_contains(c->s->system_call_architectures, w) &&
		    strv_consume(&c->s->system_call_architectures, TAKE_PTR(w)) < 0)
			return -ENOMEM;
	}
	return 1;
}

static int errno_from_name(const char *n)
{
	unsigned v;

	if (safe_atou(n, &v) >= 0)
		return v <= 4095 ? (int)v : -EINVAL;
	for (int i = 1; i < 4096; i++) {
		const char *e = strerrorname_np(i);

		if (e && streq(e, n))
			return i;
	}
	return -EINVAL;
}

struct filter_walk {
	struct sdh_settings *s;
	int error;
	bool store;
	int r;
};

static int filter_apply_nr(struct filter_walk *w, int nr)
{
	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (w->store)
		return sdh_settings_syscall_set(w->s, nr, w->error);
	sdh_settings_syscall_remove(w->s, nr);
	return 0;
}

static int filter_member(const struct sdh_syscall_group_member *m, void *userdata)
{
	/*
	 * The x86_64_syscall_nr column is what seccomp_syscall_resolve_name() returns with the
	 * libseccomp of the target (2.5.4); test-settings checks it against the host library.
	 */
	return filter_apply_nr(userdata, m->x86_64_syscall_nr);
}

static int parse_syscall_filter(struct ctx *c)
{
	struct sdh_settings *s = c->s;
	const char *p = c->a->value;
	bool invert = false;
	int r;

	if (isempty(p)) {
		s->n_syscall_filter = 0;
		s->syscall_allow_list = false;
		free(s->syscall_filter);
		s->syscall_filter = NULL;
		c->filter_created = false;
		return 1;
	}
	if (*p == '~') {
		invert = true;
		p++;
	}
	/* The first non-empty assignment creates the map and decides allow vs. deny list. */
	if (!c->filter_created) {
		c->filter_created = true;
		s->syscall_allow_list = !invert;
		if (!invert) {
			struct filter_walk w = { .s = s, .error = -1, .store = true };

			r = sdh_syscall_group_walk(s->version, "@default", true, filter_member, &w);
			if (r < 0)
				return r;
		}
	}
	for (;;) {
		cleanup_free char *word = NULL;
		struct filter_walk w = { .s = s, .error = -1 };
		char *colon;

		r = extract_word(&p, &word, true);
		if (r < 0)
			return r == -ENOMEM ? r
					    : warn(c, "cannot parse 'SystemCallFilter=', ignoring");
		if (r == 0)
			break;
		colon = strchr(word, ':');
		if (colon) {
			*colon = 0;
			w.error = errno_from_name(colon + 1);
			if (w.error < 0 || isempty(word)) {
				r = warn(
					c,
					"invalid system call or errno '%s:%s' in 'SystemCallFilter=', ignoring",
					word, colon + 1);
				if (r < 0)
					return r;
				continue;
			}
			if (!invert) {
				r = warn(
					c,
					"allow-listed system call '%s' cannot take an errno, ignoring",
					word);
				if (r < 0)
					return r;
				continue;
			}
		}
		w.store = (!invert == s->syscall_allow_list) ||
			  (invert && s->syscall_allow_list && w.error >= 0);
		if (word[0] == '@') {
			r = sdh_syscall_group_walk(s->version, word, true, filter_member, &w);
			if (r == -ENOENT) {
				r = warn(
					c,
					"unknown system call group '%s' in 'SystemCallFilter=', ignoring",
					word);
				if (r < 0)
					return r;
				continue;
			}
		} else
			r = filter_apply_nr(&w, seccomp_syscall_resolve_name(word));
		if (r < 0)
			return r;
	}
	return 1;
}

static int parse_prefix(const char *w, struct sdh_ip_prefix *ret)
{
	cleanup_free char *addr = strdup(w);
	unsigned len, max;
	char *slash;

	if (!addr)
		return -ENOMEM;
	slash = strchr(addr, '/');
	if (slash)
		*slash = 0;
	*ret = (struct sdh_ip_prefix){ 0 };
	if (inet_pton(AF_INET, addr, ret->addr) == 1) {
		ret->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, ret->addr) == 1) {
		ret->family = AF_INET6;
		max = 128;
	} else
		return -EINVAL;
	len = max;
	if (slash && (safe_atou(slash + 1, &len) < 0 || len > max))
		return -EINVAL;
	ret->prefixlen = len;
	/* systemd stores the address masked to the prefix. */
	for (unsigned i = 0; i < max / 8; i++) {
		unsigned bits = i * 8 >= len ? 0 : len - i * 8 >= 8 ? 8 : len - i * 8;

		ret->addr[i] &= (uint8_t)(0xff00U >> bits);
	}
	return 0;
}

static int add_prefix(struct sdh_ip_prefix **l, size_t *n, const struct sdh_ip_prefix *p)
{
	struct sdh_ip_prefix *x = realloc(*l, (*n + 1) * sizeof(*x));

	if (!x)
		return -ENOMEM;
	x[(*n)++] = *p;
	*l = x;
	return 0;
}

static int parse_ip(struct ctx *c, struct sdh_ip_prefix **l, size_t *n)
{
	static const struct {
		const char *word, *v4, *v6;
	} keywords[] = {
		{ "any", "0.0.0.0/0", "::/0" },
		{ "localhost", "127.0.0.0/8", "::1/128" },
		{ "link-local", "169.254.0.0/16", "fe80::/64" },
		{ "multicast", "224.0.0.0/4", "ff00::/8" },
	};
	const char *p = c->a->value;

	if (isempty(p)) {
		free(*l);
		*l = NULL;
		*n = 0;
		return 1;
	}
	for (;;) {
		cleanup_free char *w = NULL;
		struct sdh_ip_prefix pf;
		bool kw = false;
		int r = extract_word(&p, &w, true);

		if (r < 0)
			return r == -ENOMEM ? r
					    : warn(c, "cannot parse '%s=', ignoring", c->a->key);
		if (r == 0)
			break;
		for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
			if (streq(w, keywords[i].word)) {
				kw = true;
				if (parse_prefix(keywords[i].v4, &pf) < 0 ||
				    add_prefix(l, n, &pf) < 0 ||
				    parse_prefix(keywords[i].v6, &pf) < 0 ||
				    add_prefix(l, n, &pf) < 0)
					return -ENOMEM;
			}
		if (kw)
			continue;
		r = parse_prefix(w, &pf);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			r = warn(c, "invalid address prefix '%s' in '%s=', ignoring", w, c->a->key);
			if (r < 0)
				return r;
			continue;
		}
		if (add_prefix(l, n, &pf) < 0)
			return -ENOMEM;
	}
	return 1;
}

static int parse_paths(struct ctx *c, char ***l)
{
	const char *p = c->a->value;

	if (isempty(p)) {
		*l = strv_free(*l);
		return 1;
	}
	if (!path_is_absolute(p))
		return warn(c, "path '%s' in '%s=' is not absolute, ignoring", p, c->a->key);
	if (strv_contains(*l, p))
		return 1;
	return strv_extend(l, p) < 0 ? -ENOMEM : 1;
}

static int device_allow_prepend(struct sdh_settings *s, const char *path, const char *rights)
{
	bool r = isempty(rights) || strchr(rights, 'r');
	bool w = isempty(rights) || strchr(rights, 'w');
	bool m = isempty(rights) || strchr(rights, 'm');
	char *e = NULL;
	char **n;
	size_t len = strv_length(s->device_allow);

	if (asprintf(&e, "%s:%s%s%s", path, r ? "r" : "", w ? "w" : "", m ? "m" : "") < 0)
		return -ENOMEM;
	n = realloc(s->device_allow, (len + 2) * sizeof(*n));
	if (!n) {
		free(e);
		return -ENOMEM;
	}
	if (len > 0)
		memmove(n + 1, n, len * sizeof(*n));
	n[len + 1] = NULL;
	n[0] = e;
	s->device_allow = n;
	return 0;
}

static int parse_device_allow(struct ctx *c)
{
	const char *p = c->a->value;
	cleanup_free char *path = NULL;
	int r;

	if (isempty(p)) {
		c->s->device_allow = strv_free(c->s->device_allow);
		return 1;
	}
	r = extract_word(&p, &path, true);
	if (r <= 0)
		return r == -ENOMEM ? r : warn(c, "invalid 'DeviceAllow=' value, ignoring");
	p += strspn(p, WHITESPACE);
	if (!startswith(path, "block-") && !startswith(path, "char-") &&
	    (!startswith(path, "/dev/") && !startswith(path, "/run/systemd/inaccessible/")))
		return warn(c, "invalid device node path '%s' in 'DeviceAllow=', ignoring", path);
	if (*p && strspn(p, "rwm") != strlen(p))
		return warn(c, "invalid device rights '%s' in 'DeviceAllow=', ignoring", p);
	if (!startswith(path, "block-") && !startswith(path, "char-"))
		path_simplify(path);
	return device_allow_prepend(c->s, path, p) < 0 ? -ENOMEM : 1;
}

static int parse_umask(struct ctx *c)
{
	unsigned m;

	if (parse_mode(c->a->value, &m) < 0 || m > 0777)
		return warn(c, "cannot parse 'UMask=': invalid mode '%s', ignoring", c->a->value);
	c->s->umask = m;
	return 1;
}

static int parse_delegate(struct ctx *c)
{
	int b = parse_boolean(c->a->value);

	/* Empty or a controller list both mean "delegate". */
	c->s->delegate = b != 0;
	return 1;
}

static int parse_private_mounts(struct ctx *c)
{
	int b;

	if (isempty(c->a->value) && c->s->version >= SDH_VERSION(254, 0)) {
		c->s->private_mounts = -1;
		return 1;
	}
	b = parse_boolean(c->a->value);
	if (b < 0)
		return warn(c, "cannot parse 'PrivateMounts=': invalid boolean '%s', ignoring",
			    c->a->value);
	c->s->private_mounts = b;
	return 1;
}

static int parse_root_path(struct ctx *c, char **field)
{
	cleanup_free char *v = NULL;
	int r;

	if (isempty(c->a->value))
		return set_str(field, NULL) < 0 ? -ENOMEM : 1;
	r = expand(c, &v);
	if (r <= 0)
		return r < 0 ? r
			     : warn(c, "cannot expand specifiers in '%s=', ignoring", c->a->key);
	if (!path_is_absolute(v))
		return warn(c, "path '%s' in '%s=' is not absolute, ignoring", v, c->a->key);
	free(*field);
	*field = TAKE_PTR(v);
	return 1;
}

static const char *const v257_private_tmp[] = { "connected", "disconnected", NULL };
static const char *const v257_private_users[] = { "self", "identity", NULL };
static const char *const v262_private_users[] = { "self", "identity", "full", "managed", NULL };
static const char *const v257_protect_cgroups[] = { "private", "strict", NULL };

static const char *const keyring_modes[] = { "inherit", "private", "shared", NULL };
static const char *const protect_procs[] = { "default", "noaccess", "invisible", "ptraceable",
					     NULL };
static const char *const proc_subsets[] = { "all", "pid", NULL };
static const char *const notify_accesses[] = { "none", "main", "exec", "all", NULL };
static const char *const protect_homes[] = { "read-only", "tmpfs", NULL };
static const char *const protect_systems[] = { "full", "strict", NULL };
static const char *const device_policies[] = { "auto", "closed", "strict", NULL };

/* One [Service]/[Socket]/... assignment.  1 = field changed (record origin), 0 = ignored. */
static int apply_exec(struct ctx *c, const char *key)
{
	struct sdh_settings *s = c->s;
	bool v257 = s->version >= SDH_VERSION(257, 0), v258 = s->version >= SDH_VERSION(258, 0);
	bool ex = s->has_exec_context;
	int f = sdh_setting_from_string(key), r;

	if (f < 0 || streq(key, "DefaultDependencies"))
		return 0;
	switch ((enum sdh_setting)f) {
	case SDH_SETTING_USER: r = ex ? parse_user(c) : 0; break;
	case SDH_SETTING_DYNAMIC_USER:
		r = ex ? parse_bool_ext(c, &s->dynamic_user, NULL) : 0;
		break;
	case SDH_SETTING_SUPPLEMENTARY_GROUPS: r = ex ? parse_groups(c) : 0; break;
	case SDH_SETTING_CAPABILITY_BOUNDING_SET:
		r = ex ? parse_caps(c, &s->capability_bounding_set, UINT64_MAX) : 0;
		break;
	case SDH_SETTING_AMBIENT_CAPABILITIES:
		r = ex ? parse_caps(c, &s->ambient_capabilities, 0) : 0;
		break;
	case SDH_SETTING_NO_NEW_PRIVILEGES:
		r = ex ? parse_bool_ext(c, &s->no_new_privileges, NULL) : 0;
		break;
	case SDH_SETTING_LOCK_PERSONALITY:
		r = ex ? parse_bool_ext(c, &s->lock_personality, NULL) : 0;
		break;
	case SDH_SETTING_MEMORY_DENY_WRITE_EXECUTE:
		r = ex ? parse_bool_ext(c, &s->memory_deny_write_execute, NULL) : 0;
		break;
	case SDH_SETTING_PROTECT_HOSTNAME:
		if (ex && v258 &&
		    (streq(c->a->value, "private") || startswith(c->a->value, "private:"))) {
			s->protect_hostname = true;
			r = 1;
		} else
			r = ex ? parse_bool_ext(c, &s->protect_hostname, NULL) : 0;
		break;
	case SDH_SETTING_PRIVATE_DEVICES:
		r = ex ? parse_bool_ext(c, &s->private_devices, NULL) : 0;
		break;
	case SDH_SETTING_PRIVATE_MOUNTS: r = ex ? parse_private_mounts(c) : 0; break;
	case SDH_SETTING_PRIVATE_NETWORK:
		r = ex ? parse_bool_ext(c, &s->private_network, NULL) : 0;
		break;
	case SDH_SETTING_PRIVATE_TMP:
		r = ex ? parse_bool_ext(c, &s->private_tmp, v257 ? v257_private_tmp : NULL) : 0;
		break;
	case SDH_SETTING_PRIVATE_USERS:
		r = ex ? parse_bool_ext(c, &s->private_users,
					v258   ? v262_private_users
					: v257 ? v257_private_users
					       : NULL)
		       : 0;
		break;
	case SDH_SETTING_PROTECT_CONTROL_GROUPS:
		r = ex ? parse_bool_ext(c, &s->protect_control_groups,
					v257 ? v257_protect_cgroups : NULL)
		       : 0;
		break;
	case SDH_SETTING_PROTECT_KERNEL_MODULES:
		r = ex ? parse_bool_ext(c, &s->protect_kernel_modules, NULL) : 0;
		break;
	case SDH_SETTING_PROTECT_KERNEL_TUNABLES:
		r = ex ? parse_bool_ext(c, &s->protect_kernel_tunables, NULL) : 0;
		break;
	case SDH_SETTING_PROTECT_KERNEL_LOGS:
		r = ex ? parse_bool_ext(c, &s->protect_kernel_logs, NULL) : 0;
		break;
	case SDH_SETTING_PROTECT_CLOCK:
		r = ex ? parse_bool_ext(c, &s->protect_clock, NULL) : 0;
		break;
	case SDH_SETTING_REMOVE_IPC: r = ex ? parse_bool_ext(c, &s->remove_ipc, NULL) : 0; break;
	case SDH_SETTING_RESTRICT_REALTIME:
		r = ex ? parse_bool_ext(c, &s->restrict_realtime, NULL) : 0;
		break;
	case SDH_SETTING_RESTRICT_SUID_SGID:
		r = ex ? parse_bool_ext(c, &s->restrict_suid_sgid, NULL) : 0;
		break;
	case SDH_SETTING_DELEGATE: r = s->has_cgroup_context ? parse_delegate(c) : 0; break;
	case SDH_SETTING_KEYRING_MODE:
		r = ex ? parse_enum(c, &s->keyring_mode, keyring_modes, false, NULL) : 0;
		break;
	case SDH_SETTING_PROTECT_PROC:
		r = ex ? parse_enum(c, &s->protect_proc, protect_procs, false, NULL) : 0;
		break;
	case SDH_SETTING_PROC_SUBSET:
		r = ex ? parse_enum(c, &s->proc_subset, proc_subsets, false, NULL) : 0;
		break;
	case SDH_SETTING_NOTIFY_ACCESS:
		r = s->is_service ? parse_enum(c, &s->notify_access, notify_accesses, false, NULL)
				  : 0;
		break;
	case SDH_SETTING_PROTECT_HOME:
		r = ex ? parse_enum(c, &s->protect_home, protect_homes, true, "no") : 0;
		break;
	case SDH_SETTING_PROTECT_SYSTEM:
		r = ex ? parse_enum(c, &s->protect_system, protect_systems, true, "no") : 0;
		break;
	case SDH_SETTING_ROOT_DIRECTORY: r = ex ? parse_root_path(c, &s->root_directory) : 0; break;
	case SDH_SETTING_ROOT_IMAGE: r = ex ? parse_root_path(c, &s->root_image) : 0; break;
	case SDH_SETTING_UMASK: r = ex ? parse_umask(c) : 0; break;
	case SDH_SETTING_RESTRICT_NAMESPACES: r = ex ? parse_namespaces(c) : 0; break;
	case SDH_SETTING_RESTRICT_ADDRESS_FAMILIES: r = ex ? parse_address_families(c) : 0; break;
	case SDH_SETTING_SYSTEM_CALL_ARCHITECTURES: r = ex ? parse_archs(c) : 0; break;
	case SDH_SETTING_SYSTEM_CALL_FILTER: r = ex ? parse_syscall_filter(c) : 0; break;
	case SDH_SETTING_IP_ADDRESS_DENY:
		r = s->has_cgroup_context ? parse_ip(c, &s->ip_deny, &s->n_ip_deny) : 0;
		break;
	case SDH_SETTING_IP_ADDRESS_ALLOW:
		r = s->has_cgroup_context ? parse_ip(c, &s->ip_allow, &s->n_ip_allow) : 0;
		break;
	case SDH_SETTING_IP_INGRESS_FILTER_PATH:
		r = s->has_cgroup_context ? parse_paths(c, &s->ip_ingress_filter_path) : 0;
		break;
	case SDH_SETTING_IP_EGRESS_FILTER_PATH:
		r = s->has_cgroup_context ? parse_paths(c, &s->ip_egress_filter_path) : 0;
		break;
	case SDH_SETTING_DEVICE_POLICY:
		r = s->has_cgroup_context
			    ? parse_enum(c, &s->device_policy, device_policies, false, NULL)
			    : 0;
		break;
	case SDH_SETTING_DEVICE_ALLOW: r = s->has_cgroup_context ? parse_device_allow(c) : 0; break;
	default: r = 0;
	}
	if (r > 0 && isempty(c->a->value) && f != SDH_SETTING_DELEGATE) {
		/* An empty assignment restores the default. */
		free(s->origin[f].file);
		s->origin[f] = (struct sdh_origin){ .kind = SDH_ORIGIN_DEFAULT };
		return 0;
	}
	if (r > 0)
		return set_origin(c, (enum sdh_setting)f);
	return r;
}

/* The inputs of systemd's service_verify() that can make it refuse a service. */
static void track_service(struct ctx *c, const char *key)
{
	const char *v = c->a->value;

	if (streq(key, "ExecStart"))
		c->n_exec_start = isempty(v) ? 0 : c->n_exec_start + 1;
	else if (streq(key, "ExecStop"))
		c->n_exec_stop = isempty(v) ? 0 : c->n_exec_stop + 1;
	else if (streq(key, "Type")) {
		static const char *const types[] = { "simple", "exec",   "forking",       "oneshot",
						     "dbus",   "notify", "notify-reload", "idle" };
		bool known = isempty(v);

		for (size_t i = 0; i < ELEMENTSOF(types); i++)
			known = known || streq(v, types[i]);
		if (!known)
			return; /* systemd warns and keeps the previous type */
		c->type_set = !isempty(v);
		c->type_oneshot = streq(v, "oneshot");
		c->type_dbus = streq(v, "dbus");
	} else if (streq(key, "BusName"))
		c->bus_name = !isempty(v);
	else if (streq(key, "Restart"))
		c->restart_bad = streq(v, "always") || streq(v, "on-success");
	else if (streq(key, "PAMName"))
		c->pam = !isempty(v);
	else if (streq(key, "KillMode"))
		c->kill_ok = streq(v, "control-group") || streq(v, "mixed") || isempty(v);
}

static int verify_service(struct ctx *c)
{
	c->a = NULL;
	/* Without Type=, systemd picks dbus (BusName=), simple (ExecStart=) or oneshot, before it
	 * verifies the service (service_add_extras() runs before service_verify()). */
	if (!c->type_set) {
		c->type_dbus = c->bus_name;
		c->type_oneshot = !c->bus_name && c->n_exec_start == 0;
	}
	if (c->n_exec_start == 0 && c->n_exec_stop == 0 && !c->success_action)
		return fatal(
			c,
			"service has no 'ExecStart=', 'ExecStop=' or 'SuccessAction=': systemd refuses it");
	if (!c->type_oneshot && c->n_exec_start == 0)
		return fatal(
			c,
			"service has no 'ExecStart=', which only 'Type=oneshot' allows: systemd refuses it");
	if (!c->type_oneshot && c->n_exec_start > 1)
		return fatal(
			c,
			"service has more than one 'ExecStart=', which only 'Type=oneshot' allows: systemd refuses it");
	if (c->type_oneshot && c->restart_bad)
		return fatal(
			c,
			"'Restart=always' and 'Restart=on-success' are not allowed with 'Type=oneshot': systemd refuses the service");
	if (c->type_dbus && !c->bus_name)
		return fatal(c, "'Type=dbus' service has no 'BusName=': systemd refuses it");
	if (c->pam && !c->kill_ok)
		return fatal(
			c,
			"'PAMName=' needs 'KillMode=control-group' or 'mixed': systemd refuses the service");
	return 0;
}

static const char *type_section(const char *id)
{
	static const char *const map[][2] = {
		{ ".service", "Service" }, { ".socket", "Socket" }, { ".mount", "Mount" },
		{ ".swap", "Swap" },       { ".slice", "Slice" },   { ".scope", "Scope" },
	};

	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (endswith(id, map[i][0]))
			return map[i][1];
	return NULL;
}

static void implied(struct sdh_settings *s, enum sdh_setting f, const char *by)
{
	sdh_settings_set_origin_implied(s, f, by);
}

int sdh_settings_apply_implications(struct sdh_settings *s)
{
	static const struct {
		unsigned cap;
		const char *by;
	} clear_caps[] = {
		{ 27 /* CAP_MKNOD */, "PrivateDevices=yes" },
		{ 17 /* CAP_SYS_RAWIO */, "PrivateDevices=yes" },
		{ 16 /* CAP_SYS_MODULE */, "ProtectKernelModules=yes" },
		{ 34 /* CAP_SYSLOG */, "ProtectKernelLogs=yes" },
		{ 25 /* CAP_SYS_TIME */, "ProtectClock=yes" },
		{ 35 /* CAP_WAKE_ALARM */, "ProtectClock=yes" },
	};

	if (!s->has_exec_context)
		goto cgroup;
	for (size_t i = 0; i < ELEMENTSOF(clear_caps); i++) {
		bool on = clear_caps[i].cap == 27 || clear_caps[i].cap == 17 ? s->private_devices
			  : clear_caps[i].cap == 16 ? s->protect_kernel_modules
			  : clear_caps[i].cap == 34 ? s->protect_kernel_logs
						    : s->protect_clock;
		uint64_t bit = UINT64_C(1) << clear_caps[i].cap;

		if (on && (s->capability_bounding_set & bit)) {
			s->capability_bounding_set &= ~bit;
			implied(s, SDH_SETTING_CAPABILITY_BOUNDING_SET, clear_caps[i].by);
		}
	}
	if (s->dynamic_user) {
		static const char *const by = "DynamicUser=yes";

		if (!s->user) {
			/* The unit-name prefix if it is a valid name, else a hashed _du name. */
			const char *id = s->id;
			size_t n = strcspn(id, "@.");
			cleanup_free char *prefix = strndup_safe(id, n);

			if (!prefix)
				return -ENOMEM;
			if (valid_user_strict(prefix))
				s->user = TAKE_PTR(prefix);
			else if (asprintf(&s->user, "_du%016llx",
					  (unsigned long long)strlen(id) * 0x9e3779b97f4a7c15ULL) <
				 0) {
				s->user = NULL;
				return -ENOMEM;
			}
			implied(s, SDH_SETTING_USER, by);
		}
		if (!s->private_tmp)
			implied(s, SDH_SETTING_PRIVATE_TMP, by);
		s->private_tmp = true;
		if (!s->remove_ipc)
			implied(s, SDH_SETTING_REMOVE_IPC, by);
		s->remove_ipc = true;
		if (!streq_ptr(s->protect_system, "strict")) {
			if (set_str(&s->protect_system, "strict") < 0)
				return -ENOMEM;
			implied(s, SDH_SETTING_PROTECT_SYSTEM, by);
		}
		if (streq_ptr(s->protect_home, "no")) {
			if (set_str(&s->protect_home, "read-only") < 0)
				return -ENOMEM;
			implied(s, SDH_SETTING_PROTECT_HOME, by);
		}
		if (!s->no_new_privileges)
			implied(s, SDH_SETTING_NO_NEW_PRIVILEGES, by);
		s->no_new_privileges = true;
		if (!s->restrict_suid_sgid)
			implied(s, SDH_SETTING_RESTRICT_SUID_SGID, by);
		s->restrict_suid_sgid = true;
	}
cgroup:
	if (!s->has_cgroup_context)
		return 0;
	if (s->private_devices && streq_ptr(s->device_policy, "auto")) {
		if (set_str(&s->device_policy, "closed") < 0)
			return -ENOMEM;
		implied(s, SDH_SETTING_DEVICE_POLICY, "PrivateDevices=yes");
	}
	if (!streq_ptr(s->device_policy, "auto") || s->device_allow) {
		if (s->root_image || s->has_mount_images) {
			static const char *const devs[][2] = {
				{ "/dev/loop-control", "rw" },    { "/dev/mapper/control", "rw" },
				{ "block-loop", "rwm" },          { "block-blkext", "rwm" },
				{ "block-device-mapper", "rwm" },
			};

			for (size_t i = 0; i < ELEMENTSOF(devs); i++)
				if (device_allow_prepend(s, devs[i][0], devs[i][1]) < 0)
					return -ENOMEM;
			implied(s, SDH_SETTING_DEVICE_ALLOW,
				s->root_image ? "RootImage=" : "MountImages=");
		}
		if (s->protect_clock) {
			if (device_allow_prepend(s, "char-rtc", "r") < 0)
				return -ENOMEM;
			implied(s, SDH_SETTING_DEVICE_ALLOW, "ProtectClock=yes");
		}
		/* Encrypted credentials may need the TPM (257.13 allows the whole char-tpm class).
		 */
		if (s->has_encrypted_credentials) {
			if (device_allow_prepend(s,
						 s->version >= SDH_VERSION(257, 0) ? "char-tpm"
										   : "/dev/tpmrm0",
						 "rw") < 0)
				return -ENOMEM;
			implied(s, SDH_SETTING_DEVICE_ALLOW, "LoadCredentialEncrypted=");
		}
	}
	return 0;
}

int sdh_settings_build(const struct sdh_unit *u, struct sdh_diags *d, struct sdh_settings **ret)
{
	struct sdh_settings *s;
	struct ctx c = { .u = u, .d = d, .kill_ok = true };
	const char *section;
	mode_t um;
	int r;

	if (!u || !ret || !u->id)
		return -EINVAL;
	if (u->load_state != SDH_LOAD_LOADED && u->load_state != SDH_LOAD_BAD_SETTING)
		return -EINVAL;
	/*
	 * The user manager's default umask is the analyser's own (spec §2.1); system units do not
	 * use it, and asking costs two system calls per unit.
	 */
	if (u->scope == SDH_SCOPE_USER) {
		um = umask(022);
		(void)umask(um);
	} else
		um = 0022;
	s = sdh_settings_new(u->id, u->version ? u->version : SDH_VERSION_NEWEST, u->scope, um);
	if (!s)
		return -ENOMEM;
	c.s = s;
	if (u->fragment_path && !(s->fragment_path = strdup(u->fragment_path))) {
		sdh_settings_free(s);
		return -ENOMEM;
	}
	s->bad_setting = u->load_state == SDH_LOAD_BAD_SETTING;
	section = type_section(u->id);

	for (size_t i = 0; i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];

		c.a = a;
		r = 0;
		if (streq(a->section, "Unit")) {
			if (streq(a->key, "DefaultDependencies")) {
				r = parse_bool_ext(&c, &s->default_dependencies, NULL);
				if (r > 0)
					r = set_origin(&c, SDH_SETTING_DEFAULT_DEPENDENCIES);
			} else if (streq(a->key, "SuccessAction"))
				c.success_action = !isempty(a->value) && !streq(a->value, "none");
		} else if (section && streq(a->section, section)) {
			if (streq(a->key, "MountImages"))
				s->has_mount_images = !isempty(a->value);
			if (streq(a->key, "LoadCredentialEncrypted") ||
			    streq(a->key, "SetCredentialEncrypted"))
				s->has_encrypted_credentials = !isempty(a->value);
			if (s->is_service)
				track_service(&c, a->key);
			r = apply_exec(&c, a->key);
		}
		if (r < 0) {
			sdh_settings_free(s);
			return r;
		}
	}
	if (s->is_service && !s->bad_setting && verify_service(&c) < 0) {
		sdh_settings_free(s);
		return -ENOMEM;
	}
	sdh_settings_update_af_buckets(s);
	r = sdh_settings_apply_implications(s);
	if (r < 0) {
		sdh_settings_free(s);
		return r;
	}
	*ret = s;
	return 0;
}
