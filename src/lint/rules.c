/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One rule_<id>() per row of data/lint-rules.tsv.  A rule reads the unit's assignment stream
 * (and, for the binary rules, files under the root) and calls lint_report() for every problem.
 * Rules must stay precise: when a fact cannot be known offline (a specifier, a missing binary,
 * a root that holds only unit files) they stay silent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "lint/lint-internal.h"
#include "lint/lint-tables.h"
#include "sdharden/kb.h"

#define CAP_BIT(n)          (UINT64_C(1) << (n))
#define CAP_DAC_OVERRIDE_NR 1
#define CAP_SETGID_NR       6
#define CAP_SETUID_NR       7
#define CAP_SYS_ADMIN_NR    21

static const char *const known_sections[] = {
	"Unit", "Install", "Service", "Socket", "Mount", "Automount",
	"Swap", "Timer",   "Path",    "Slice",  "Scope",
};

static bool section_known(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(known_sections); i++)
		if (streq(known_sections[i], s))
			return true;
	return false;
}

/* Where a known directive belongs, for messages: the unit's exec section if listed, else the
 * first section of the list. */
static char *home_section(const struct lint_ctx *c, const struct sdh_directive *d)
{
	if (c->exec_section && sdh_directive_in_section(d, c->exec_section))
		return strdup(c->exec_section);
	return strndup_safe(d->sections_v262, strcspn(d->sections_v262, ","));
}

static const char *strip_path_prefix(const char *w)
{
	while (*w == '-' || *w == '+')
		w++;
	return w;
}

/* --- unknown-directive, wrong-section, directive-too-new, deprecated-directive ------------- */

/* The loader drops keys it cannot place and says so with CODE: report those. */
static void report_load_diags(struct lint_ctx *c, const char *code)
{
	const struct sdh_diags *d = c->o->load_diags;

	for (size_t i = 0; d && i < d->n; i++) {
		const struct sdh_diag *x = &d->items[i];
		struct sdh_assignment a = { .file = x->file, .line = x->line };

		if (streq_ptr(x->code, code) && x->file)
			lint_report(c, &a, NULL, "%s", x->message);
	}
}

static void rule_unknown_directive(struct lint_ctx *c)
{
	report_load_diags(c, "unknown-key");
	report_load_diags(c, "unknown-section");
	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const char *hint;

		if (!section_known(a->section) || startswith(a->key, "X-") ||
		    sdh_directive_lookup(a->key))
			continue;
		hint = sdh_directive_suggest(a->key);
		if (hint) {
			cleanup_free char *fix = NULL;

			if (asprintf(&fix, "did you mean '%s='?", hint) < 0) {
				c->error = -ENOMEM;
				return;
			}
			lint_report(c, a, fix, "unknown directive '%s=' in [%s]", a->key,
				    a->section);
		} else
			lint_report(c, a, NULL, "unknown directive '%s=' in [%s]", a->key,
				    a->section);
	}
}

static void rule_wrong_section(struct lint_ctx *c)
{
	report_load_diags(c, "key-wrong-section");
	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const struct sdh_directive *d = sdh_directive_lookup(a->key);
		cleanup_free char *home = NULL;
		cleanup_free char *fix = NULL;

		if (!d || !section_known(a->section) || sdh_directive_in_section(d, a->section))
			continue;
		home = home_section(c, d);
		if (!home || asprintf(&fix, "move '%s=' to [%s]", a->key, home) < 0) {
			c->error = -ENOMEM;
			return;
		}
		lint_report(c, a, fix, "'%s=' has no effect in [%s]: it belongs in [%s]", a->key,
			    a->section, home);
	}
}

static void rule_directive_too_new(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const struct sdh_directive *d = sdh_directive_lookup(a->key);

		if (!d || !sdh_directive_in_section(d, a->section) ||
		    sdh_directive_known_at(d, c->version))
			continue;
		if (d->version_added > c->version)
			lint_report(c, a, NULL,
				    "'%s=' needs systemd %u or newer; systemd %u ignores it",
				    a->key, SDH_VERSION_MAJOR(d->version_added),
				    SDH_VERSION_MAJOR(c->version));
		else
			lint_report(c, a, NULL,
				    "'%s=' is not known to systemd %u, which ignores it", a->key,
				    SDH_VERSION_MAJOR(c->version));
	}
}

static void rule_deprecated_directive(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const struct sdh_lint_deprecated *dep = sdh_lint_deprecated_lookup(a->key);
		cleanup_free char *fix = NULL;

		if (!dep || !section_known(a->section))
			continue;
		if (asprintf(&fix, dep->replacement ? "use %s instead" : "remove the line",
			     dep->replacement) < 0) {
			c->error = -ENOMEM;
			return;
		}
		lint_report(c, a, fix, "'%s=' is deprecated (%s)", a->key, dep->note);
	}
}

/* --- invalid-value ----------------------------------------------------------------------- */

/* Does the "enum(a,b,c)" list in KIND contain WORD?  -1 when the list is not concrete. */
static int enum_contains(const char *kind, const char *word)
{
	const char *open = strstr(kind, "enum("), *close;
	size_t wl = strlen(word);

	if (!open)
		return -1;
	open += strlen("enum(");
	close = strchr(open, ')');
	if (!close || strcspn(open, " [") < (size_t)(close - open))
		return -1; /* "enum(service type)", "enum(private[:HOSTNAME])": not a list */
	for (const char *p = open; p < close;) {
		size_t l = strcspn(p, ",)");

		if (l == wl && strncmp(p, word, l) == 0)
			return 1;
		p += l + 1;
	}
	return 0;
}

static char *enum_expected(const char *kind, bool with_bool)
{
	const char *open = strstr(kind, "enum(") + strlen("enum(");
	size_t l = strcspn(open, ")");
	char *s = NULL;

	if (asprintf(&s, "%s%.*s", with_bool ? "a boolean or one of " : "one of ", (int)l, open) <
	    0)
		return NULL;
	return s;
}

static bool syscall_name_known(unsigned version, const char *name)
{
	size_t n;
	const struct sdh_syscall_group_member *m;

	if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR)
		return true;
	/* Syscalls newer than our libseccomp are still known to the groups of the version. */
	m = sdh_syscall_groups(version, &n);
	for (size_t i = 0; m && i < n; i++)
		if (streq(m[i].member, name))
			return true;
	return false;
}

static const char *const namespace_names[] = { "cgroup", "ipc",  "net", "mnt",
					       "pid",    "user", "uts", "time" };

/*
 * Check one list word of kind KIND; returns NULL when valid, else a static description of
 * what is accepted.
 */
static const char *bad_list_word(const struct lint_ctx *c, const char *kind, const char *w)
{
	if (startswith(kind, "capability-list"))
		return sdh_capability_from_name(w) >= 0 ? NULL : "a capability name";
	if (startswith(kind, "address-family-list"))
		return streq(w, "none") || sdh_address_family_lookup(w) ? NULL
									: "an address family";
	if (startswith(kind, "syscall-list")) {
		cleanup_free char *name = strndup_safe(w, strcspn(w, ":"));

		if (!name)
			return NULL;
		if (name[0] == '@')
			return sdh_syscall_group_exists(sdh_version_normalize(c->version), name)
				       ? NULL
				       : "a system call group of this systemd version";
		return syscall_name_known(sdh_version_normalize(c->version), name)
			       ? NULL
			       : "a system call name";
	}
	if (startswith(kind, "bool|namespace-list")) {
		for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
			if (streq(w, namespace_names[i]))
				return NULL;
		return "a namespace type (cgroup ipc net mnt pid user uts time)";
	}
	if (streq(kind, "path-list")) {
		const char *p = strip_path_prefix(w);

		return path_is_absolute(p) || p[0] == '%' ? NULL : "an absolute path";
	}
	return NULL;
}

/* systemd's signal_from_string(): "SIGTERM", "TERM", "15", "RTMIN+2", "SIGRTMAX-1". */
static bool signal_valid(const char *v)
{
	const char *p = startswith(v, "SIG") ? v + 3 : v;
	unsigned n;

	if (safe_atou(v, &n) >= 0)
		return n >= 1 && n < 65;
	for (int i = 1; i < 32; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && streq(p, abbrev))
			return true;
	}
	if (streq(p, "RTMIN") || streq(p, "RTMAX"))
		return true;
	if ((startswith(p, "RTMIN+") || startswith(p, "RTMAX-")) && safe_atou(p + 6, &n) >= 0)
		return n <= (unsigned)(SIGRTMAX - SIGRTMIN);
	return false;
}

static void check_value(struct lint_ctx *c, const struct sdh_assignment *a,
			const struct sdh_directive *d)
{
	const char *kind = d->value_kind, *v = a->value, *p;
	cleanup_free char *expected = NULL;
	unsigned u;

	if (isempty(v))
		return;
	if (startswith(kind, "path") && !strstr(d->parser_v262, "mount_node")) {
		if (streq(kind, "path") || startswith(kind, "path (")) {
			const char *q =
				startswith(kind, "path (- prefix") && v[0] == '-' ? v + 1 : v;

			if (!path_is_absolute(q) && q[0] != '%')
				lint_report(c, a, NULL,
					    "cannot parse '%s=%s': expected an absolute path",
					    a->key, v);
			return;
		}
	}
	if (strchr(v, '%'))
		return; /* specifiers: the value is only known at load time */
	if (startswith(kind, "bool") && !strchr(kind, '|') && !strstr(kind, "namespace")) {
		if (parse_boolean(v) < 0)
			lint_report(c, a, NULL, "cannot parse '%s=%s': expected a boolean", a->key,
				    v);
		return;
	}
	if ((startswith(kind, "bool|enum(") || startswith(kind, "enum(")) &&
	    enum_contains(kind, "x") >= 0) {
		bool with_bool = startswith(kind, "bool|");

		if ((with_bool && parse_boolean(v) >= 0) || enum_contains(kind, v) > 0)
			return;
		expected = enum_expected(kind, with_bool);
		if (!expected) {
			c->error = -ENOMEM;
			return;
		}
		lint_report(c, a, NULL, "cannot parse '%s=%s': expected %s", a->key, v, expected);
		return;
	}
	if (startswith(kind, "integer") || startswith(kind, "weight (")) {
		long lo = LONG_MIN, hi = LONG_MAX, n;
		char *end;
		const char *range = strchr(kind, '(');

		if (startswith(kind, "weight") && strstr(kind, "idle") && streq(v, "idle"))
			return;
		if (range)
			(void)sscanf(range, "(%ld..%ld", &lo, &hi);
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end || n < lo || n > hi) {
			if (range)
				lint_report(c, a, NULL,
					    "cannot parse '%s=%s': expected an integer in %ld..%ld",
					    a->key, v, lo, hi);
			else
				lint_report(c, a, NULL, "cannot parse '%s=%s': expected an integer",
					    a->key, v);
		}
		return;
	}
	if (streq(kind, "signal")) {
		if (!signal_valid(v))
			lint_report(
				c, a, NULL,
				"cannot parse '%s=%s': expected a signal name (SIGTERM) or number",
				a->key, v);
		return;
	}
	if (startswith(kind, "mode")) {
		if (parse_mode(v, &u) < 0)
			lint_report(c, a, NULL, "cannot parse '%s=%s': expected an octal mode",
				    a->key, v);
		return;
	}
	if (streq(kind, "unsigned")) {
		if (safe_atou(v, &u) < 0)
			lint_report(c, a, NULL,
				    "cannot parse '%s=%s': expected an unsigned integer", a->key,
				    v);
		return;
	}
	if (startswith(kind, "bool|namespace-list") && parse_boolean(v) >= 0)
		return;
	if (!startswith(kind, "capability-list") && !startswith(kind, "address-family-list") &&
	    !startswith(kind, "syscall-list") && !startswith(kind, "bool|namespace-list") &&
	    !streq(kind, "path-list"))
		return;
	p = v;
	if (*p == '~' && !streq(kind, "path-list"))
		p++;
	for (;;) {
		cleanup_free char *w = NULL;
		const char *what;
		int r = extract_word(&p, &w, true);

		if (r == -ENOMEM) {
			c->error = r;
			return;
		}
		if (r == -EINVAL) {
			lint_report(c, a, NULL, "cannot parse '%s=%s': unbalanced quotes", a->key,
				    v);
			return;
		}
		if (r == 0)
			return;
		what = bad_list_word(c, kind, w);
		if (what)
			lint_report(c, a, NULL, "cannot parse '%s=': '%s' is not %s", a->key, w,
				    what);
	}
}

static void rule_invalid_value(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->u->n_assignments && c->error >= 0; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const struct sdh_directive *d = sdh_directive_lookup(a->key);

		if (d && sdh_directive_in_section(d, a->section))
			check_value(c, a, d);
	}
}

/* --- duplicate-assignment ----------------------------------------------------------------- */

/* Directives that hold a single value: a later assignment replaces the earlier one. */
static bool single_valued(const struct sdh_directive *d)
{
	static const char *const list_words[] = {
		"list",    "command",    "condition", "credential",        "device",
		"cpu-set", "listen",     "env",       "exit-status",       "bind",
		"image",   "mount-spec", "bpf",       "node-set",          "ignored",
		"Install", ";",          "rlimit",    "timespan|calendar",
	};
	static const char *const single_prefixes[] = {
		"bool",   "enum",    "integer", "unsigned", "timespan", "size",   "mode",
		"signal", "percent", "weight",  "count",    "path",     "string", "user/group name",
		"unit",   "hex",
	};
	/* Parsers that append although the value kind reads like one value. */
	static const char *const list_parsers[] = {
		"strv",      "deps", "path_spec", "env_file", "mounts_for", "service_sockets",
		"bpf_progs",
	};
	bool single = false;

	for (size_t i = 0; i < ELEMENTSOF(list_parsers); i++)
		if (strstr(d->parser_v262, list_parsers[i]))
			return false;
	for (size_t i = 0; i < ELEMENTSOF(list_words); i++)
		if (strstr(d->value_kind, list_words[i]))
			return false;
	for (size_t i = 0; i < ELEMENTSOF(single_prefixes); i++)
		single = single || startswith(d->value_kind, single_prefixes[i]);
	return single;
}

static void rule_duplicate_assignment(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const struct sdh_directive *d;

		if (isempty(a->value) || !(d = sdh_directive_lookup(a->key)) || !single_valued(d))
			continue;
		for (size_t j = i + 1; j < c->u->n_assignments; j++) {
			const struct sdh_assignment *b = &c->u->assignments[j];

			if (streq(b->key, a->key) && streq(b->section, a->section) &&
			    streq(b->file, a->file)) {
				lint_report(
					c, a, NULL,
					"'%s=%s' is overridden by '%s=%s' on line %u of the same "
					"file",
					a->key, a->value, b->key, b->value, b->line);
				break;
			}
		}
	}
}

/* --- namespace rules ----------------------------------------------------------------------- */

struct find_word {
	const char *want;
	const struct sdh_assignment *found;
};

static int find_tmpfs_root(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			   void *userdata)
{
	struct find_word *f = userdata;
	size_t l = strcspn(w, ":");

	(void)c;
	if (l == 1 && w[0] == '/')
		f->found = a;
	return 0;
}

static int find_bind_of_root(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			     void *userdata)
{
	const struct sdh_assignment *tmpfs = userdata;
	const char *src = w[0] == '-' ? w + 1 : w;

	if (strcspn(src, ":") == 1 && src[0] == '/')
		lint_report(c, a, NULL,
			    "'%s=%s' binds the whole tree back over 'TemporaryFileSystem=/' "
			    "(%s:%u)",
			    a->key, w, tmpfs->file, tmpfs->line);
	return 0;
}

static void rule_tmpfs_root_undone(struct lint_ctx *c)
{
	struct find_word f = { 0 };
	const struct sdh_assignment *ps;

	if (lint_foreach_word(c, "TemporaryFileSystem", find_tmpfs_root, &f) < 0 || !f.found)
		return;
	ps = lint_last(c, NULL, "ProtectSystem");
	if (ps && streq(ps->value, "strict"))
		lint_report(c, ps, NULL,
			    "'ProtectSystem=strict' mounts the real / read-only over "
			    "'TemporaryFileSystem=/' (%s:%u), undoing it",
			    f.found->file, f.found->line);
	(void)lint_foreach_word(c, "BindPaths", find_bind_of_root, (void *)f.found);
	(void)lint_foreach_word(c, "BindReadOnlyPaths", find_bind_of_root, (void *)f.found);
}

static bool private_users_on(const struct lint_ctx *c)
{
	const char *v = lint_value(c, "PrivateUsers");

	return v && (parse_boolean(v) > 0 || streq(v, "self") || streq(v, "identity"));
}

static void rule_readonly_escapable(struct lint_ctx *c)
{
	static const char *const keys[] = { "ProtectSystem", "ReadOnlyPaths", "InaccessiblePaths" };
	const struct sdh_assignment *what = NULL;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(keys) && !what; i++) {
		const struct sdh_assignment *a = lint_last(c, NULL, keys[i]);

		if (!a || isempty(a->value))
			continue;
		if (i == 0 && parse_boolean(a->value) <= 0 && !streq(a->value, "full") &&
		    !streq(a->value, "strict"))
			continue;
		what = a;
	}
	if (!what)
		return;
	/* Who holds CAP_SYS_ADMIN: root, or a user with it in the ambient set. */
	if (!lint_runs_as_root(c) && !(lint_ambient_set(c) & CAP_BIT(CAP_SYS_ADMIN_NR)))
		return;
	if (!(lint_bounding_set(c) & CAP_BIT(CAP_SYS_ADMIN_NR)))
		return;
	/* In a private user namespace the mounts are locked: no remount possible. */
	if (private_users_on(c))
		return;
	r = lint_syscall_allowed(c, "mount");
	if (r < 0) {
		c->error = r;
		return;
	}
	if (r == 0)
		return;
	lint_report(c, what, NULL,
		    "'%s=%s' can be undone: the service keeps CAP_SYS_ADMIN and may call mount()",
		    what->key, what->value);
}

static bool is_runtime_path(const char *p)
{
	static const char *const dirs[] = { "/run", "/var/run", "/tmp", "/var/tmp",
					    "/dev", "/proc",    "/sys" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (path_startswith(p, dirs[i]))
			return true;
	return false;
}

struct dirs_ctx {
	const char *base;
	char ***out;
};

static int add_directory(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			 void *userdata)
{
	struct dirs_ctx *d = userdata;
	cleanup_free char *name = strndup_safe(w, strcspn(w, ":"));
	cleanup_free char *priv = NULL;
	char *p;
	int r;

	(void)c;
	(void)a;
	if (!name)
		return -ENOMEM;
	p = path_join(d->base, name);
	if (!p)
		return -ENOMEM;
	r = strv_consume(d->out, p);
	if (r < 0 || streq(d->base, "/run") || streq(d->base, "/etc"))
		return r;
	/* With DynamicUser=yes the real directory is below "private/" (e.g. /var/lib/private/X). */
	priv = path_join(d->base, "private");
	p = priv ? path_join(priv, name) : NULL;
	if (!p)
		return -ENOMEM;
	return strv_consume(d->out, p);
}

/* The paths systemd creates for the unit itself: StateDirectory= and friends. */
static int managed_directories(struct lint_ctx *c, char ***ret)
{
	static const char *const map[][2] = {
		{ "StateDirectory", "/var/lib" },     { "CacheDirectory", "/var/cache" },
		{ "LogsDirectory", "/var/log" },      { "RuntimeDirectory", "/run" },
		{ "ConfigurationDirectory", "/etc" },
	};
	cleanup_strv char **l = NULL;

	for (size_t i = 0; i < ELEMENTSOF(map); i++) {
		struct dirs_ctx d = { map[i][1], &l };
		int r = lint_foreach_word(c, map[i][0], add_directory, &d);

		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static bool under_any(char *const *dirs, const char *p)
{
	STRV_FOREACH(d, dirs)
		if (path_startswith(p, *d))
			return true;
	return false;
}

/* Whether a tmpfiles.d line of the root creates PATH (then it exists at start time). */
static bool tmpfiles_creates(const struct lint_ctx *c, const char *path)
{
	static const char *const dirs[] = { "etc/tmpfiles.d", "usr/lib/tmpfiles.d",
					    "lib/tmpfiles.d" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		cleanup_free char *dir = path_join(c->root, dirs[i]);
		DIR *d;
		struct dirent *de;
		bool found = false;

		if (!dir || !(d = opendir(dir)))
			continue;
		while (!found && (de = readdir(d))) {
			cleanup_free char *f = NULL;
			cleanup_free char *buf = NULL;

			if (!endswith(de->d_name, ".conf") || !(f = path_join(dir, de->d_name)))
				continue;
			if (read_full_file_at(AT_FDCWD, f, SDH_FILE_SIZE_MAX, &buf, NULL) < 0)
				continue;
			for (char *p = buf, *line; !found && (line = strsep(&p, "\n"));) {
				const char *q = line;
				cleanup_free char *type = NULL;
				cleanup_free char *tpath = NULL;

				if (extract_word(&q, &type, false) > 0 && type[0] != '#' &&
				    extract_word(&q, &tpath, false) > 0)
					found = streq(path_simplify(tpath), path);
			}
		}
		closedir(d);
		if (found)
			return true;
	}
	return false;
}

struct missing_ctx {
	char **managed;
};

static int check_exists(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			void *userdata)
{
	struct missing_ctx *m = userdata;
	cleanup_free char *path = NULL;
	bool is_bind = startswith(a->key, "Bind") != NULL;
	int r;

	if (w[0] == '-' || (!is_bind && w[1] == '-'))
		return 0; /* optional */
	path = strndup_safe(strip_path_prefix(w), is_bind ? strcspn(w, ":") : strlen(w));
	if (!path)
		return -ENOMEM;
	path_simplify(path);
	if (!path_is_absolute(path) || strchr(path, '%') || is_runtime_path(path) ||
	    under_any(m->managed, path))
		return 0;
	r = lint_path_exists(c, path);
	if (r != 0 || tmpfiles_creates(c, path))
		return 0;
	lint_report(c, a, NULL,
		    "'%s' of '%s=' does not exist under the root: the service fails to start with "
		    "226/NAMESPACE",
		    path, a->key);
	return 0;
}

static void rule_missing_rw_path(struct lint_ctx *c)
{
	static const char *const keys[] = {
		"ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths",
		"NoExecPaths",    "BindPaths",     "BindReadOnlyPaths",
	};
	cleanup_strv char **managed = NULL;
	struct missing_ctx m;
	int r;

	/* A root with unit files only (no installed system) cannot tell what exists. */
	if (!c->installed || c->o->scope == SDH_SCOPE_USER)
		return;
	/* With a RootDirectory=/RootImage= the paths live in a tree we do not see here. */
	if (lint_value(c, "RootDirectory") || lint_value(c, "RootImage"))
		return;
	r = managed_directories(c, &managed);
	if (r < 0) {
		c->error = r;
		return;
	}
	m.managed = managed;
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		r = lint_foreach_word(c, keys[i], check_exists, &m);
		if (r < 0) {
			c->error = r;
			return;
		}
	}
}

static int collect_path(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			void *userdata)
{
	char *p = strdup(strip_path_prefix(w));

	(void)c;
	(void)a;
	if (!p)
		return -ENOMEM;
	path_simplify(p);
	return strv_consume(userdata, p);
}

static int check_nested(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			void *userdata)
{
	char **inaccessible = userdata;
	cleanup_free char *p = NULL;
	const char *s = strip_path_prefix(w);

	if (startswith(a->key, "Bind")) {
		/* BindPaths=SRC[:DST[:OPTS]]: the destination is what becomes visible. */
		const char *colon = strchr(s, ':');

		s = colon ? colon + 1 : s;
		p = strndup_safe(s, strcspn(s, ":"));
	} else
		p = strdup(s);
	if (!p)
		return -ENOMEM;
	path_simplify(p);
	STRV_FOREACH(i, inaccessible) {
		const char *rest = path_startswith(p, *i);

		if (rest && *rest && !streq(*i, "/")) {
			lint_report(c, a, NULL, "'%s' of '%s=' lies inside inaccessible '%s'", p,
				    a->key, *i);
			break;
		}
	}
	return 0;
}

static void rule_nested_in_inaccessible(struct lint_ctx *c)
{
	static const char *const keys[] = { "ReadWritePaths", "ReadOnlyPaths", "ExecPaths",
					    "BindPaths", "BindReadOnlyPaths" };
	cleanup_strv char **inaccessible = NULL;
	int r = lint_foreach_word(c, "InaccessiblePaths", collect_path, &inaccessible);

	for (size_t i = 0; r >= 0 && inaccessible && i < ELEMENTSOF(keys); i++)
		r = lint_foreach_word(c, keys[i], check_nested, inaccessible);
	if (r < 0)
		c->error = r;
}

/* --- binary rules -------------------------------------------------------------------------- */

static int check_setuid(struct lint_ctx *c, const struct lint_exec *e, void *userdata)
{
	const struct sdh_assignment *why = userdata;
	const char *bits = (e->mode & S_ISUID) && (e->mode & S_ISGID) ? "setuid and setgid"
			   : (e->mode & S_ISUID)                      ? "setuid"
			   : (e->mode & S_ISGID)                      ? "setgid"
								      : NULL;
	const char *mailer = NULL;
	static const char seps[] = " \t|;&()`'\"";
	const size_t ml = strlen("sendmail");

	/* "sendmail" as a command word, also inside "sh -c 'echo x | sendmail root'". */
	STRV_FOREACH(w, e->argv)
		for (const char *p = *w + strspn(*w, seps); *p && !mailer;) {
			size_t l = strcspn(p, seps);

			if (l >= ml && strncmp(p + l - ml, "sendmail", ml) == 0 &&
			    (l == ml || p[l - ml - 1] == '/'))
				mailer = "sendmail";
			p += l;
			p += strspn(p, seps);
		}
	if (bits)
		lint_report(
			c, e->a, NULL,
			"'%s' is %s, but NoNewPrivileges= is in effect (%s=%s at %s:%u), so the "
			"kernel ignores the bit",
			e->path, bits, why->key, why->value, why->file, why->line);
	else if (mailer)
		lint_report(
			c, e->a, NULL,
			"'%s' needs the setgid postdrop/maildrop helper, but NoNewPrivileges= is "
			"in effect (%s=%s at %s:%u)",
			mailer, why->key, why->value, why->file, why->line);
	return 0;
}

static void rule_nnp_breaks_setuid(struct lint_ctx *c)
{
	const struct sdh_assignment *why = NULL;
	int r;

	if (!lint_nnp(c, &why) || !why)
		return;
	r = lint_foreach_exec(c, check_setuid, (void *)why);
	if (r < 0)
		c->error = r;
}

static unsigned native_machine(void)
{
#if defined(__x86_64__)
	return 62;
#elif defined(__aarch64__)
	return 183;
#elif defined(__i386__)
	return 3;
#elif defined(__arm__)
	return 40;
#else
	return 0;
#endif
}

static const char *machine_name(unsigned m, unsigned elf_class)
{
	switch (m) {
	case 3: return "i386";
	case 62: return elf_class == 1 ? "x32" : "x86-64";
	case 40: return "arm";
	case 183: return "arm64";
	case 8: return "mips";
	case 20: return "ppc";
	case 21: return "ppc64";
	case 22: return "s390";
	case 243: return "riscv";
	default: return "foreign";
	}
}

/* The ELF behind an Exec binary: the file itself, or the interpreter of a script. */
static int exec_elf(struct lint_ctx *c, const struct lint_exec *e, struct lint_elf *ret,
		    char **ret_path)
{
	struct lint_elf s = { 0 };
	cleanup_free char *interp = NULL;
	const char *q;
	cleanup_fd int fd = -1;
	int r = lint_elf_read(e->fd, &s);

	if (r < 0)
		return r;
	if (s.is_elf || !s.interpreter) {
		*ret = s;
		*ret_path = strdup(e->path);
		return *ret_path ? 0 : -ENOMEM;
	}
	q = s.interpreter;
	r = extract_word(&q, &interp, false);
	lint_elf_release(&s);
	if (r <= 0)
		return r < 0 ? r : 0;
	fd = lint_open_in_root(c, interp, O_RDONLY);
	if (fd < 0)
		return 0;
	r = lint_elf_read(fd, ret);
	if (r < 0)
		return r;
	*ret_path = TAKE_PTR(interp);
	return 0;
}

static int check_arch(struct lint_ctx *c, const struct lint_exec *e, void *userdata)
{
	struct lint_elf elf = { 0 };
	cleanup_free char *path = NULL;
	unsigned native = native_machine();
	int r;

	(void)userdata;
	r = exec_elf(c, e, &elf, &path);
	if (r < 0)
		return r;
	if (elf.is_elf && elf.machine != 0 && native != 0 &&
	    (elf.machine != native || (native == 62 && elf.elf_class != 2)))
		lint_report(c, e->a, NULL,
			    "'%s' is a %s binary, but 'SystemCallArchitectures=native' kills it at "
			    "its first system call",
			    path, machine_name(elf.machine, elf.elf_class));
	lint_elf_release(&elf);
	return 0;
}

static int only_native(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
		       void *userdata)
{
	(void)c;
	(void)a;
	*(int *)userdata = *(int *)userdata != 0 && streq(w, "native") ? 1 : 0;
	return 0;
}

static void rule_foreign_arch(struct lint_ctx *c)
{
	int native = -1, r;

	r = lint_foreach_word(c, "SystemCallArchitectures", only_native, &native);
	if (r >= 0 && native == 1)
		r = lint_foreach_exec(c, check_arch, NULL);
	if (r < 0)
		c->error = r;
}

static const char *jit_name(const char *name)
{
	const char *base = path_basename(name);

	for (size_t i = 0; i < sdh_kb_lint_jits_count; i++) {
		const char *jit = sdh_kb_lint_jits[i].prefix;
		size_t l = strlen(jit);

		/* Whole name, or prefix followed by a version/separator ("node18", "mono-sgen"). */
		if (strncmp(base, jit, l) == 0 &&
		    (base[l] == 0 || strchr("0123456789.-_", base[l]) || jit[l - 1] == '-' ||
		     startswith(jit, "lib")))
			return jit;
	}
	return NULL;
}

static int check_jit(struct lint_ctx *c, const struct lint_exec *e, void *userdata)
{
	struct lint_elf elf = { 0 };
	cleanup_free char *path = NULL;
	const char *what = jit_name(e->path), *via = e->path;
	int r;

	(void)userdata;
	r = exec_elf(c, e, &elf, &path);
	if (r < 0)
		return r;
	if (!what && path && (what = jit_name(path)))
		via = path;
	STRV_FOREACH(n, elf.needed)
		if (!what && (what = jit_name(*n)))
			via = *n;
	/* "#!/usr/bin/env node": the runtime is env's argument. */
	if (!what && path && streq(path_basename(path), "env")) {
		struct lint_elf s = { 0 };

		if (lint_elf_read(e->fd, &s) >= 0 && s.interpreter) {
			const char *q = s.interpreter;
			cleanup_free char *w1 = NULL;
			cleanup_free char *w2 = NULL;

			if (extract_word(&q, &w1, false) > 0 && extract_word(&q, &w2, false) > 0 &&
			    jit_name(w2)) {
				what = jit_name(w2);
				via = "the script's interpreter";
			}
		}
		lint_elf_release(&s);
	}
	if (what)
		lint_report(c, e->a, NULL,
			    "'MemoryDenyWriteExecute=yes' breaks '%s': it runs a JIT runtime (%s)",
			    e->path, streq(via, e->path) ? what : via);
	lint_elf_release(&elf);
	return 0;
}

static void rule_mdwe_jit(struct lint_ctx *c)
{
	int r;

	if (!lint_bool(c, "MemoryDenyWriteExecute", false))
		return;
	r = lint_foreach_exec(c, check_jit, NULL);
	if (r < 0)
		c->error = r;
}

/* --- address families ---------------------------------------------------------------------- */

static bool af_ok(uint64_t allowed, int family)
{
	return allowed & (UINT64_C(1) << family);
}

static const char *family_name(int fam)
{
	return fam == AF_UNIX ? "AF_UNIX" : fam == AF_NETLINK ? "AF_NETLINK" : "AF_INET";
}

static void rule_nss_needs_families(struct lint_ctx *c)
{
	/*
	 * What each NSS module opens: sss, winbind, ldap (nslcd), systemd and mymachines talk
	 * varlink/their daemon over AF_UNIX; resolve also reads rtnetlink; myhostname only
	 * rtnetlink; nis speaks Sun RPC over IP.
	 */
	static const struct {
		const char *module;
		int families[2];
		bool hosts_only;
	} needs[] = {
		{ "sss", { AF_UNIX, 0 }, false },
		{ "ldap", { AF_UNIX, 0 }, false },
		{ "winbind", { AF_UNIX, 0 }, false },
		{ "systemd", { AF_UNIX, 0 }, false },
		{ "mymachines", { AF_UNIX, 0 }, false },
		{ "resolve", { AF_UNIX, AF_NETLINK }, true },
		{ "myhostname", { AF_NETLINK, 0 }, true },
		{ "nis", { AF_INET, 0 }, false },
	};
	static const char *const user_dbs[] = { "passwd", "group", "shadow", "gshadow",
						"initgroups" };
	char *dbs_of[ELEMENTSOF(needs)] = { 0 };
	struct sdh_assignment raf;
	cleanup_free char *buf = NULL;
	uint64_t allowed = 0;
	bool uses_ip;

	if (!lint_families(c, &allowed) ||
	    !lint_origin(c, SDH_SETTING_RESTRICT_ADDRESS_FAMILIES, &raf))
		return;
	if (lint_read_in_root(c, "/etc/nsswitch.conf", &buf) < 0)
		return;
	/* Host lookups matter only for a service that talks IP at all. */
	uses_ip = af_ok(allowed, AF_INET) || af_ok(allowed, AF_INET6);
	for (char *p = buf, *line; (line = strsep(&p, "\n"));) {
		char *colon, *hash = strchr(line, '#'), *db;
		const char *q;
		bool user_db = false;

		if (hash)
			*hash = 0;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		db = strstrip(line);
		for (size_t i = 0; i < ELEMENTSOF(user_dbs); i++)
			user_db = user_db || streq(db, user_dbs[i]);
		if (!user_db && !(streq(db, "hosts") && uses_ip))
			continue;
		q = colon + 1;
		for (;;) {
			cleanup_free char *m = NULL;

			if (extract_word(&q, &m, false) <= 0)
				break;
			for (size_t i = 0; i < ELEMENTSOF(needs); i++) {
				char *n = NULL;

				if (!streq(m, needs[i].module) || (needs[i].hosts_only && user_db))
					continue;
				if (asprintf(&n, "%s%s%s", dbs_of[i] ? dbs_of[i] : "",
					     dbs_of[i] ? ", " : "", db) < 0) {
					c->error = -ENOMEM;
					goto out;
				}
				free(dbs_of[i]);
				dbs_of[i] = n;
			}
		}
	}
	for (size_t i = 0; i < ELEMENTSOF(needs); i++) {
		char missing[64] = "";

		if (!dbs_of[i])
			continue;
		for (size_t k = 0; k < 2; k++) {
			int fam = needs[i].families[k];

			if (fam && !af_ok(allowed, fam))
				(void)snprintf(missing + strlen(missing),
					       sizeof(missing) - strlen(missing), "%s%s",
					       *missing ? " " : "", family_name(fam));
		}
		if (*missing)
			lint_report(
				c, &raf, NULL,
				"'RestrictAddressFamilies=' blocks %s, which NSS module '%s' (%s "
				"in /etc/nsswitch.conf) needs",
				missing, needs[i].module, dbs_of[i]);
	}
out:
	for (size_t i = 0; i < ELEMENTSOF(needs); i++)
		free(dbs_of[i]);
}

/* --- filter polarity, errno ---------------------------------------------------------------- */

static int add_syscall_member(const struct sdh_syscall_group_member *m, void *userdata)
{
	if (!streq(m->member_kind, "syscall"))
		return 0;
	return strv_extend(userdata, m->member) < 0 ? -ENOMEM : 0;
}

/* The words of a filter-list VALUE (no '~') as canonical tokens: syscall names with groups
 * expanded, capability and family numbers. */
static int filter_tokens(const struct lint_ctx *c, const char *key, const char *value,
			 char ***tokens)
{
	const char *p = value[0] == '~' ? value + 1 : value;

	for (;;) {
		cleanup_free char *w = NULL;
		char num[16];
		int r = extract_word(&p, &w, true);

		if (r <= 0)
			return r == -ENOMEM ? r : 0;
		if (streq(key, "SystemCallFilter")) {
			w[strcspn(w, ":")] = 0;
			if (w[0] == '@') {
				r = sdh_syscall_group_walk(c->version, w, true, add_syscall_member,
							   tokens);
				if (r == -ENOMEM)
					return r;
				continue;
			}
		} else if (streq(key, "CapabilityBoundingSet")) {
			(void)snprintf(num, sizeof(num), "%d", sdh_capability_from_name(w));
			free(w);
			w = strdup(num);
		} else {
			const struct sdh_address_family *f = sdh_address_family_lookup(w);

			(void)snprintf(num, sizeof(num), "%d", f ? (int)f->number : -1);
			free(w);
			w = strdup(num);
		}
		if (!w || strv_consume(tokens, TAKE_PTR(w)) < 0)
			return -ENOMEM;
	}
}

static void rule_syscall_filter_polarity(struct lint_ctx *c)
{
	static const char *const keys[] = { "SystemCallFilter", "RestrictAddressFamilies",
					    "CapabilityBoundingSet" };

	for (size_t k = 0; k < ELEMENTSOF(keys) && c->exec_section; k++) {
		const struct sdh_assignment *first = NULL;
		cleanup_strv char **denied = NULL;

		for (size_t i = 0; i < c->u->n_assignments; i++) {
			const struct sdh_assignment *a = &c->u->assignments[i];
			cleanup_strv char **tokens = NULL;
			bool exception = true;

			if (!streq(a->key, keys[k]) || !streq(a->section, c->exec_section))
				continue;
			if (isempty(a->value) || streq(a->value, "~")) {
				first = NULL; /* reset */
				denied = strv_free(denied);
				continue;
			}
			if (!first)
				first = a;
			if (first->value[0] != '~')
				continue; /* an allow list: later '~' lines subtract, as intended */
			if (filter_tokens(c, keys[k], a->value,
					  a->value[0] == '~' ? &denied : &tokens) < 0) {
				c->error = -ENOMEM;
				return;
			}
			if (a->value[0] == '~')
				continue;
			/* Taking back entries the deny list named is a deliberate exception. */
			STRV_FOREACH(t, tokens)
				exception = exception && strv_contains(denied, *t);
			if (!exception)
				lint_report(
					c, a, NULL,
					"'%s=%s' does not restrict anything: the first assignment "
					"(%s:%u) is a deny list, so this one only takes entries out "
					"of it",
					a->key, a->value, first->file, first->line);
		}
	}
}

static void rule_syscall_errno_hides_failures(struct lint_ctx *c)
{
	const struct sdh_assignment *a = lint_last(c, NULL, "SystemCallErrorNumber");
	const struct sdh_directive *log = sdh_directive_lookup("SystemCallLog");

	if (!a || isempty(a->value) || streq(a->value, "kill") || streq(a->value, "log"))
		return;
	if (!lint_value(c, "SystemCallFilter") || lint_value(c, "SystemCallLog"))
		return;
	if (!log || !sdh_directive_known_at(log, c->version))
		return; /* nothing to suggest on this version */
	lint_report(c, a, NULL,
		    "'SystemCallErrorNumber=%s' makes denied system calls fail silently and no "
		    "'SystemCallLog=' records them",
		    a->value);
}

/* --- service type and PID file ------------------------------------------------------------- */

static int check_foreground(struct lint_ctx *c, const struct lint_exec *e, void *userdata)
{
	static const char *const options[] = {
		"--foreground", "--nodaemon",  "--no-daemon", "--nofork",
		"--no-fork",    "--no-detach", "--nodetach",
	};

	(void)userdata;
	if (!streq(e->a->key, "ExecStart"))
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		if (lint_file_contains(e->fd, options[i])) {
			lint_report(c, e->a, NULL,
				    "'Type=forking' although '%s' knows '%s' to stay in the "
				    "foreground",
				    e->path, options[i]);
			return 1;
		}
	return 0;
}

static void rule_type_forking(struct lint_ctx *c)
{
	const char *t = lint_value(c, "Type");
	int r;

	if (!t || !streq(t, "forking") || !streq_ptr(c->exec_section, "Service"))
		return;
	r = lint_foreach_exec(c, check_foreground, NULL);
	if (r < 0)
		c->error = r;
}

static void rule_pidfile_in_run_root(struct lint_ctx *c)
{
	const struct sdh_assignment *a = lint_last(c, "Service", "PIDFile");
	cleanup_free char *p = NULL;
	cleanup_free char *dir = NULL;

	if (!a || !path_is_absolute(a->value))
		return;
	p = strdup(a->value);
	if (!p || !(dir = path_dirname(path_simplify(p)))) {
		c->error = -ENOMEM;
		return;
	}
	if (streq(dir, "/run") || streq(dir, "/var/run"))
		lint_report(c, a, NULL, "'PIDFile=%s' lies directly in %s", a->value, dir);
}

/* --- capabilities and identity ------------------------------------------------------------- */

static char *cap_names(uint64_t set)
{
	cleanup_strv char **l = NULL;

	for (unsigned i = 0; i < 64; i++) {
		const struct sdh_capability *cap;

		if (!(set & CAP_BIT(i)))
			continue;
		cap = sdh_capability_lookup(i);
		if (cap && strv_extend(&l, cap->name) < 0)
			return NULL;
	}
	return l ? strv_join(l, " ") : strdup("");
}

static uint64_t known_caps(void)
{
	size_t n;
	uint64_t m = 0;

	(void)sdh_capability_table(&n);
	for (size_t i = 0; i < n && i < 64; i++)
		m |= CAP_BIT(i);
	return m;
}

/* More capabilities than this and the unit did not list what it needs but what it does not. */
#define ROOT_NEED_MAX_CAPS 8

static void rule_ambient_without_user(struct lint_ctx *c)
{
	bool assigned = lint_last(c, NULL, "AmbientCapabilities") != NULL;
	uint64_t ambient = lint_ambient_set(c);

	if (!assigned || ambient == 0 || !lint_runs_as_root(c))
		return;
	lint_report(c, lint_last(c, NULL, "AmbientCapabilities"), NULL,
		    "'AmbientCapabilities=' has no effect: the service runs as root");
}

static void rule_ambient_outside_bounding(struct lint_ctx *c)
{
	bool assigned = lint_last(c, NULL, "AmbientCapabilities") != NULL;
	uint64_t ambient = lint_ambient_set(c);
	uint64_t lost = ambient & ~lint_bounding_set(c);
	cleanup_free char *names = NULL;

	if (!assigned || lost == 0)
		return;
	names = cap_names(lost);
	if (!names) {
		c->error = -ENOMEM;
		return;
	}
	lint_report(c, lint_last(c, NULL, "AmbientCapabilities"), NULL,
		    "ambient %s not in 'CapabilityBoundingSet=': silently dropped", names);
}

static int check_dynamic_rw(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			    void *userdata)
{
	char **managed = userdata;
	cleanup_free char *p = strdup(strip_path_prefix(w));

	if (!p)
		return -ENOMEM;
	path_simplify(p);
	if (!path_is_absolute(p) || strchr(p, '%') || is_runtime_path(p) || under_any(managed, p))
		return 0;
	lint_report(c, a, NULL,
		    "'ReadWritePaths=%s' with 'DynamicUser=yes': the transient UID does not own "
		    "files there",
		    p);
	return 0;
}

static void rule_dynamicuser_conflict(struct lint_ctx *c)
{
	cleanup_strv char **managed = NULL;
	const struct sdh_assignment *user;
	int r;

	if (!lint_bool(c, "DynamicUser", false))
		return;
	user = lint_last(c, NULL, "User");
	if (user && (streq(user->value, "root") || streq(user->value, "0")))
		lint_report(c, user, NULL, "'User=%s' contradicts 'DynamicUser=yes'", user->value);
	r = managed_directories(c, &managed);
	if (r >= 0)
		r = lint_foreach_word(c, "ReadWritePaths", check_dynamic_rw, managed);
	if (r < 0)
		c->error = r;
}

struct user_switch {
	const struct sdh_assignment *found;
	const char *option;
};

static int find_user_option(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			    void *userdata)
{
	static const char *const options[] = { "-u", "--user", "--uid", "--setuid", "-U" };
	struct user_switch *s = userdata;

	(void)c;
	for (size_t i = 0; i < ELEMENTSOF(options) && !s->found; i++)
		if (streq(w, options[i]) ||
		    (startswith(w, options[i]) && w[strlen(options[i])] == '=')) {
			s->found = a;
			s->option = options[i];
		}
	return 0;
}

static void rule_privateusers_setuid(struct lint_ctx *c)
{
	const struct sdh_assignment *groups = lint_last(c, NULL, "SupplementaryGroups");
	const struct sdh_assignment *bset = lint_last(c, NULL, "CapabilityBoundingSet");
	struct user_switch s = { 0 };
	bool assigned;
	uint64_t b;

	if (!private_users_on(c))
		return;
	if (groups && !isempty(groups->value)) {
		lint_report(
			c, groups, NULL,
			"'SupplementaryGroups=%s' with 'PrivateUsers=yes': these groups are not "
			"mapped into the user namespace",
			groups->value);
		return;
	}
	if (!lint_runs_as_root(c))
		return;
	b = lint_bounding_set(c);
	assigned = lint_last(c, NULL, "CapabilityBoundingSet") != NULL;
	if (assigned && bset && (b & (CAP_BIT(CAP_SETUID_NR) | CAP_BIT(CAP_SETGID_NR))) &&
	    b != UINT64_MAX) {
		lint_report(c, bset, NULL,
			    "'CapabilityBoundingSet=' keeps CAP_SETUID/CAP_SETGID, but with "
			    "'PrivateUsers=yes' only root is mapped: switching user fails");
		return;
	}
	if (lint_foreach_word(c, "ExecStart", find_user_option, &s) < 0) {
		c->error = -ENOMEM;
		return;
	}
	if (s.found)
		lint_report(
			c, s.found, NULL,
			"the command switches user ('%s'), but with 'PrivateUsers=yes' only root "
			"is mapped",
			s.option);
}

struct device_ctx {
	const struct sdh_assignment *last;
	char **bound; /* destinations of BindPaths=/BindReadOnlyPaths= */
};

static int collect_bind_destination(struct lint_ctx *c, const struct sdh_assignment *a,
				    const char *w, void *userdata)
{
	const char *s = w[0] == '-' ? w + 1 : w, *colon = strchr(s, ':');
	char *p;

	(void)c;
	(void)a;
	s = colon ? colon + 1 : s;
	p = strndup_safe(s, strcspn(s, ":"));
	if (!p)
		return -ENOMEM;
	return strv_consume(userdata, path_simplify(p));
}

static int check_device(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
			void *userdata)
{
	static const char *const private_nodes[] = {
		"/dev/null",    "/dev/zero", "/dev/full", "/dev/random",
		"/dev/urandom", "/dev/tty",  "/dev/ptmx", "char-pts",
	};
	struct device_ctx *d = userdata;

	if (d->last == a)
		return 0; /* the rights word of the same assignment */
	d->last = a;
	if (path_startswith(w, "/dev/pts"))
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(private_nodes); i++)
		if (streq(w, private_nodes[i]))
			return 0;
	/* A node bound into the private /dev needs its DeviceAllow=. */
	if (strv_contains(d->bound, w))
		return 0;
	lint_report(
		c, a, NULL,
		"'DeviceAllow=%s' has no effect with 'PrivateDevices=yes': the private /dev has "
		"no such node",
		w);
	return 0;
}

static void rule_private_devices_deviceallow(struct lint_ctx *c)
{
	cleanup_strv char **bound = NULL;
	struct device_ctx d = { 0 };

	if (!lint_bool(c, "PrivateDevices", false))
		return;
	if (lint_foreach_word(c, "BindPaths", collect_bind_destination, &bound) < 0 ||
	    lint_foreach_word(c, "BindReadOnlyPaths", collect_bind_destination, &bound) < 0) {
		c->error = -ENOMEM;
		return;
	}
	d.bound = bound;
	if (lint_foreach_word(c, "DeviceAllow", check_device, &d) < 0)
		c->error = -ENOMEM;
}

/*
 * Whether the unit is ordered before something systemd-tmpfiles-setup.service or the /tmp and
 * /var/tmp mounts come after: then the After= that PrivateTmp=yes adds closes a cycle.
 * (Before=sysinit.target alone is fine: tmpfiles-setup runs before sysinit.target too.)
 */
static bool runs_before_tmpfiles(const struct lint_ctx *c)
{
	static const char *const early[] = {
		"local-fs.target",
		"local-fs-pre.target",
		"systemd-tmpfiles-setup.service",
		"systemd-journald.service",
		"systemd-journald.socket",
		"systemd-sysusers.service",
		"systemd-remount-fs.service",
		"tmp.mount",
		"var.mount",
	};

	for (size_t i = 0; i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const char *p = a->value;

		if (!streq(a->section, "Unit") || !streq(a->key, "Before"))
			continue;
		for (;;) {
			cleanup_free char *w = NULL;

			if (extract_word(&p, &w, false) <= 0)
				break;
			for (size_t k = 0; k < ELEMENTSOF(early); k++)
				if (streq(w, early[k]))
					return true;
		}
	}
	return false;
}

static void rule_early_boot_private_tmp(struct lint_ctx *c)
{
	const struct sdh_assignment *dd = lint_last(c, "Unit", "DefaultDependencies");
	const struct sdh_assignment *pt = lint_last(c, NULL, "PrivateTmp");

	if (!dd || parse_boolean(dd->value) != 0 || !pt || parse_boolean(pt->value) <= 0)
		return;
	if (!runs_before_tmpfiles(c))
		return; /* a late unit without default dependencies: no cycle */
	lint_report(c, pt, NULL,
		    "'PrivateTmp=yes' on an early-boot unit with 'DefaultDependencies=no' (%s:%u) "
		    "orders it after /tmp, /var/tmp and systemd-tmpfiles-setup.service: ordering "
		    "cycle",
		    dd->file, dd->line);
}

struct ip_words {
	bool any, localhost, some;
};

static int scan_ip(struct lint_ctx *c, const struct sdh_assignment *a, const char *w,
		   void *userdata)
{
	struct ip_words *s = userdata;

	(void)c;
	(void)a;
	s->some = true;
	if (streq(w, "any"))
		s->any = true;
	if (streq(w, "localhost") || startswith(w, "127.") || streq(w, "::1") ||
	    streq(w, "::1/128"))
		s->localhost = true;
	return 0;
}

static void rule_ipdeny_no_loopback(struct lint_ctx *c)
{
	struct ip_words deny = { 0 }, allow = { 0 };

	if (lint_foreach_word(c, "IPAddressDeny", scan_ip, &deny) < 0 ||
	    lint_foreach_word(c, "IPAddressAllow", scan_ip, &allow) < 0) {
		c->error = -ENOMEM;
		return;
	}
	if (!deny.any || allow.localhost || allow.any)
		return;
	/*
	 * Only when some addresses are allowed: systemd's own units pair IPAddressDeny=any with
	 * AF_INET sockets used for ioctl()s and want no IP traffic at all.
	 */
	if (!allow.some)
		return;
	lint_report(c, lint_last(c, NULL, "IPAddressDeny"), NULL,
		    "'IPAddressDeny=any' also blocks loopback, and 'IPAddressAllow=' does not "
		    "include localhost");
}

static void rule_dropin_list_not_reset(struct lint_ctx *c)
{
	/*
	 * Lists whose accumulation surprises: a second ExecStart= breaks the unit, and filter
	 * lists merge by the first assignment's polarity.  Allow lists like IPAddressAllow= or
	 * DeviceAllow= are usually extended on purpose and are left alone.
	 */
	static const char *const keys[] = {
		"ExecStart",
		"SystemCallFilter",
		"RestrictAddressFamilies",
		"CapabilityBoundingSet",
		"SystemCallArchitectures",
	};
	const char *type = lint_value(c, "Type");

	for (size_t i = 0; c->exec_section && i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		bool wanted = false;

		if (!a->from_dropin || isempty(a->value) || !streq(a->section, c->exec_section))
			continue;
		for (size_t k = 0; k < ELEMENTSOF(keys); k++)
			wanted = wanted || streq(a->key, keys[k]);
		/* Type=oneshot takes several ExecStart= lines. */
		if (!wanted || (streq(a->key, "ExecStart") && streq_ptr(type, "oneshot")))
			continue;
		for (size_t j = i; j > 0; j--) {
			const struct sdh_assignment *b = &c->u->assignments[j - 1];

			if (!streq(b->key, a->key) || !streq(b->section, a->section))
				continue;
			if (isempty(b->value))
				break; /* reset before: fine */
			if (streq(b->file, a->file))
				break; /* reported (or not) for the first line of this file */
			lint_report(
				c, a, NULL,
				"'%s=' in this drop-in adds to the value set at %s:%u instead of "
				"replacing it%s",
				a->key, b->file, b->line,
				streq(a->key, "ExecStart") ? " (two ExecStart= lines: the unit "
							     "fails to load unless Type=oneshot)"
							   : "");
			break;
		}
	}
}

static void rule_root_without_need(struct lint_ctx *c)
{
	cleanup_free char *names = NULL;
	bool assigned;
	uint64_t b;

	if (!streq_ptr(c->exec_section, "Service") || !lint_runs_as_root(c) ||
	    !lint_last(c, NULL, "ExecStart"))
		return;
	b = lint_bounding_set(c);
	assigned = lint_last(c, NULL, "CapabilityBoundingSet") != NULL;
	if (!assigned || (b & CAP_BIT(CAP_SYS_ADMIN_NR)))
		return; /* nothing declared, or CAP_SYS_ADMIN: root-equivalent anyway */
	if (b & (CAP_BIT(CAP_SETUID_NR) | CAP_BIT(CAP_SETGID_NR)))
		return; /* the daemon drops to its own user itself */
	/* "~CAP_A CAP_B" keeps nearly everything: that declares what is not needed, not what is. */
	if (__builtin_popcountll(b & known_caps()) > ROOT_NEED_MAX_CAPS)
		return;
	/*
	 * Without CAP_DAC_OVERRIDE, UID 0 itself may be the need: owning root's 0600 files and
	 * device nodes.  With it, every file access root has is covered by a capability that
	 * AmbientCapabilities= can grant to another user.
	 */
	if (!(b & CAP_BIT(CAP_DAC_OVERRIDE_NR)))
		return;
	names = cap_names(b);
	if (!names) {
		c->error = -ENOMEM;
		return;
	}
	lint_report(c, lint_last(c, NULL, "CapabilityBoundingSet"), NULL,
		    "runs as root although its capability bounding set keeps only %s", names);
}

/* Sorted by id, like data/lint-rules.tsv; test-lint checks both lists match. */
static const struct lint_rule_impl impls[] = {
	{ "ambient-outside-bounding", rule_ambient_outside_bounding },
	{ "ambient-without-user", rule_ambient_without_user },
	{ "deprecated-directive", rule_deprecated_directive },
	{ "directive-too-new", rule_directive_too_new },
	{ "dropin-list-not-reset", rule_dropin_list_not_reset },
	{ "duplicate-assignment", rule_duplicate_assignment },
	{ "dynamicuser-conflict", rule_dynamicuser_conflict },
	{ "early-boot-private-tmp", rule_early_boot_private_tmp },
	{ "foreign-arch", rule_foreign_arch },
	{ "invalid-value", rule_invalid_value },
	{ "ipdeny-no-loopback", rule_ipdeny_no_loopback },
	{ "mdwe-jit", rule_mdwe_jit },
	{ "missing-rw-path", rule_missing_rw_path },
	{ "nested-in-inaccessible", rule_nested_in_inaccessible },
	{ "nnp-breaks-setuid", rule_nnp_breaks_setuid },
	{ "nss-needs-families", rule_nss_needs_families },
	{ "pidfile-in-run-root", rule_pidfile_in_run_root },
	{ "private-devices-deviceallow", rule_private_devices_deviceallow },
	{ "privateusers-setuid", rule_privateusers_setuid },
	{ "readonly-escapable", rule_readonly_escapable },
	{ "root-without-need", rule_root_without_need },
	{ "syscall-errno-hides-failures", rule_syscall_errno_hides_failures },
	{ "syscall-filter-polarity", rule_syscall_filter_polarity },
	{ "tmpfs-root-undone", rule_tmpfs_root_undone },
	{ "type-forking", rule_type_forking },
	{ "unknown-directive", rule_unknown_directive },
	{ "wrong-section", rule_wrong_section },
};

const struct lint_rule_impl *lint_rule_impls(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(impls);
	return impls;
}
