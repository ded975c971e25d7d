/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rule engine: rule lookup, exclusions (comments and config file), findings. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "basic/alloc-util.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "lint/lint-internal.h"
#include "lint/lint-tables.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

static int cmp_rule(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sdh_lint_rule *)elem)->id);
}

const struct sdh_lint_rule *sdh_lint_rules(size_t *ret_n)
{
	*ret_n = sdh_kb_lint_rules_count;
	return sdh_kb_lint_rules;
}

const struct sdh_lint_rule *sdh_lint_rule_lookup(const char *id)
{
	if (!id)
		return NULL;
	return bsearch(id, sdh_kb_lint_rules, sdh_kb_lint_rules_count, sizeof(sdh_kb_lint_rules[0]),
		       cmp_rule);
}

enum sdh_severity sdh_lint_rule_severity(const struct sdh_lint_rule *rule)
{
	if (streq(rule->severity, "error"))
		return SDH_SEVERITY_ERROR;
	if (streq(rule->severity, "warning"))
		return SDH_SEVERITY_WARNING;
	return SDH_SEVERITY_INFO;
}

const struct sdh_lint_deprecated *sdh_lint_deprecated_lookup(const char *directive)
{
	for (size_t i = 0; i < sdh_kb_lint_deprecated_count; i++)
		if (streq(sdh_kb_lint_deprecated[i].directive, directive))
			return &sdh_kb_lint_deprecated[i];
	return NULL;
}

void lint_report(struct lint_ctx *c, const struct sdh_assignment *a, const char *fix,
		 const char *fmt, ...)
{
	struct sdh_lint_findings *f = c->out;
	struct sdh_lint_finding *x;
	va_list ap;
	int r;

	if (c->error < 0)
		return;
	if (GREEDY_REALLOC(f->items, f->alloc, f->n + 1, 16) < 0)
		goto oom;
	x = &f->items[f->n];
	*x = (struct sdh_lint_finding){
		.rule = c->rule,
		.severity = sdh_lint_rule_severity(c->rule),
		.line = a ? a->line : 0,
	};
	va_start(ap, fmt);
	r = vasprintf(&x->message, fmt, ap);
	va_end(ap);
	if (r < 0) {
		x->message = NULL;
		goto oom;
	}
	x->unit = strdup(c->u->id ? c->u->id : c->u->name);
	x->fix = strdup(fix ? fix : c->rule->fix);
	if (a)
		x->file = strdup(a->file);
	else if (c->u->fragment_path)
		x->file = strdup(c->u->fragment_path);
	if (!x->unit || !x->fix || ((a || c->u->fragment_path) && !x->file)) {
		free(x->unit);
		free(x->fix);
		free(x->file);
		free(x->message);
		goto oom;
	}
	f->n++;
	return;
oom:
	c->error = -ENOMEM;
}

void sdh_lint_findings_release(struct sdh_lint_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].unit);
		free(f->items[i].file);
		free(f->items[i].message);
		free(f->items[i].fix);
	}
	free(f->items);
	*f = (struct sdh_lint_findings)SDH_LINT_FINDINGS_INIT;
}

size_t sdh_lint_findings_count(const struct sdh_lint_findings *f, enum sdh_severity min)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->items[i].severity >= min;
	return n;
}

/* --- exclusions ---------------------------------------------------------------------------- */

void sdh_lint_config_release(struct sdh_lint_config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].unit_glob);
		free(c->items[i].rule);
	}
	free(c->items);
	*c = (struct sdh_lint_config){ 0 };
}

static int config_add(struct sdh_lint_config *c, const char *glob, const char *rule)
{
	struct sdh_lint_exclusion *n = realloc(c->items, (c->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	c->items = n;
	n[c->n] = (struct sdh_lint_exclusion){ .unit_glob = strdup(glob), .rule = strdup(rule) };
	if (!n[c->n].unit_glob || !n[c->n].rule) {
		free(n[c->n].unit_glob);
		free(n[c->n].rule);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

int sdh_lint_config_parse(const char *text, const char *file, struct sdh_lint_config *c,
			  struct sdh_diags *diags)
{
	unsigned line = 0;

	for (const char *p = text; p && *p;) {
		const char *eol = strchrnul(p, '\n');
		cleanup_free char *l = strndup_safe(p, (size_t)(eol - p));
		cleanup_free char *glob = NULL;
		cleanup_free char *rules = NULL;
		const char *q;
		char *hash;
		int r;

		line++;
		p = *eol ? eol + 1 : eol;
		if (!l)
			return -ENOMEM;
		if ((hash = strchr(l, '#')))
			*hash = 0;
		q = strstrip(l);
		if (!*q)
			continue;
		if (extract_word(&q, &glob, false) <= 0 || extract_word(&q, &rules, false) <= 0 ||
		    !isempty(strstrip((char *)q))) {
			if (sdh_diags_add(
				    diags, file, line, SDH_SEVERITY_WARNING, "lint-config",
				    "cannot parse exclusion: expected 'UNIT-GLOB RULE-ID[,...]'") <
			    0)
				return -ENOMEM;
			continue;
		}
		for (char *s = rules, *tok; (tok = strsep(&s, ","));) {
			if (!*tok)
				continue;
			if (!streq(tok, "*") && !sdh_lint_rule_lookup(tok)) {
				if (sdh_diags_add(diags, file, line, SDH_SEVERITY_WARNING,
						  "lint-config", "unknown lint rule '%s', ignoring",
						  tok) < 0)
					return -ENOMEM;
				continue;
			}
			r = config_add(c, glob, tok);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static bool rule_in_list(char *const *l, const char *id)
{
	return strv_contains(l, id) || strv_contains(l, "*");
}

/* "# sdharden: disable=ID[,ID...]" comments in any file of the unit. */
static int read_comment_exclusions(const struct lint_ctx *c, char ***ret)
{
	cleanup_strv char **files = NULL;
	cleanup_strv char **l = NULL;
	int r;

	if (c->u->fragment_path && strv_extend(&files, c->u->fragment_path) < 0)
		return -ENOMEM;
	if (strv_extend_strv(&files, c->u->dropin_paths) < 0)
		return -ENOMEM;
	STRV_FOREACH(f, files) {
		cleanup_free char *buf = NULL;
		cleanup_free char *path = path_join(c->root, *f);

		if (!path)
			return -ENOMEM;
		/* The loader found these files; an unreadable one just carries no comments. */
		if (read_full_file_at(AT_FDCWD, path, SDH_FILE_SIZE_MAX, &buf, NULL) < 0)
			continue;
		for (char *p = buf, *line; (line = strsep(&p, "\n"));) {
			char *s = strstrip(line), *v;

			if (*s != '#' && *s != ';')
				continue;
			s = strstrip(s + 1);
			if (!(v = startswith(s, "sdharden:")))
				continue;
			v = strstrip(v);
			if (!(v = startswith(v, "disable=")))
				continue;
			for (char *tok; (tok = strsep(&v, ", \t"));) {
				if (!*tok)
					continue;
				r = strv_extend(&l, tok);
				if (r < 0)
					return r;
			}
		}
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static bool unit_matches(const struct sdh_unit *u, const char *glob)
{
	if (fnmatch(glob, u->name, 0) == 0 || (u->id && fnmatch(glob, u->id, 0) == 0))
		return true;
	STRV_FOREACH(a, u->aliases)
		if (fnmatch(glob, *a, 0) == 0)
			return true;
	/* A glob with a '/' matches the unit's file path. */
	return u->fragment_path && strchr(glob, '/') && fnmatch(glob, u->fragment_path, 0) == 0;
}

static bool config_excludes(const struct sdh_lint_config *cfg, const struct sdh_unit *u,
			    const char *id)
{
	if (!cfg)
		return false;
	for (size_t i = 0; i < cfg->n; i++)
		if ((streq(cfg->items[i].rule, "*") || streq(cfg->items[i].rule, id)) &&
		    unit_matches(u, cfg->items[i].unit_glob))
			return true;
	return false;
}

static void settings_freep(struct sdh_settings **s)
{
	sdh_settings_free(*s);
}
#define cleanup_settings cleanup_attr(settings_freep)

/* --- the run ------------------------------------------------------------------------------- */

static const char *exec_section_of(const struct sdh_unit *u)
{
	static const char *const map[][2] = {
		{ "service", "Service" },
		{ "socket", "Socket" },
		{ "mount", "Mount" },
		{ "swap", "Swap" },
	};

	for (size_t i = 0; u->type && i < ELEMENTSOF(map); i++)
		if (streq(u->type, map[i][0]))
			return map[i][1];
	return NULL;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct sdh_lint_finding *x = a, *y = b;
	int r = strcmp(strempty(x->file), strempty(y->file));

	if (r != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

int sdh_lint_unit(const struct sdh_lint_options *o, const struct sdh_unit *u,
		  struct sdh_lint_findings *f)
{
	cleanup_strv char **comment_disabled = NULL;
	cleanup_fd int root_fd = -1;
	cleanup_settings struct sdh_settings *settings = NULL;
	struct lint_ctx c = {
		.o = o,
		.u = u,
		.root = isempty(o->root) ? "/" : o->root,
		.version = o->version ? o->version : SDH_VERSION_NEWEST,
		.exec_section = exec_section_of(u),
		.out = f,
		.root_fd = -1,
	};
	size_t n_impls, first = f->n;
	const struct lint_rule_impl *impls = lint_rule_impls(&n_impls);
	struct stat st;
	int r;

	if (!o || !u)
		return -EINVAL;
	root_fd = open(c.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	c.root_fd = root_fd;
	c.installed =
		root_fd >= 0 && fstatat(root_fd, "usr/bin", &st, 0) == 0 && S_ISDIR(st.st_mode);

	r = read_comment_exclusions(&c, &comment_disabled);
	if (r < 0)
		return r;
	if (c.exec_section) {
		/* Its parse warnings are not ours to report: invalid-value covers those values. */
		struct sdh_diags ignored = SDH_DIAGS_INIT;

		r = sdh_settings_build(u, &ignored, &settings);
		sdh_diags_release(&ignored);
		if (r == -ENOMEM)
			return r;
		c.s = settings;
	}

	for (size_t i = 0; i < n_impls; i++) {
		const struct sdh_lint_rule *rule = sdh_lint_rule_lookup(impls[i].id);

		if (!rule)
			continue; /* test-lint checks that this cannot happen */
		if (o->enable && !strv_contains(o->enable, rule->id))
			continue;
		if (o->disable && rule_in_list(o->disable, rule->id))
			continue;
		if (rule_in_list(comment_disabled, rule->id) ||
		    config_excludes(o->config, u, rule->id))
			continue;
		c.rule = rule;
		impls[i].check(&c);
		if (c.error < 0)
			return c.error;
	}
	if (f->n > first)
		qsort(f->items + first, f->n - first, sizeof(f->items[0]), cmp_finding);
	return 0;
}
