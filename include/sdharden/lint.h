/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The linter: rules that find unit settings systemd ignores, rejects at start or that undo each
 * other.  Each rule is a row of data/lint-rules.tsv (id, severity, texts) plus one C function in
 * src/lint/rules.c.
 *
 * Lifecycle:
 *	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;     (then set root, version, filters)
 *	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
 *	r = sdh_lint_unit(&o, unit, &f);                        (any number of units)
 *	... f.items[i] ...
 *	sdh_lint_findings_release(&f);
 *
 * sdh_lint_unit() returns 0 (findings or not) or -ENOMEM; it reads the unit's files and Exec
 * binaries under the root but never fails because one of them is missing or unreadable.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sdharden/diag.h"
#include "sdharden/unit.h"

/* A rule's text (row type of data/lint-rules.tsv; the C function is private to src/lint/). */
struct sdh_lint_rule {
	const char *id;
	const char *severity; /* "error", "warning" or "info" */
	const char *summary;
	const char *rationale;
	const char *fix; /* the generic fix hint; findings may carry a more specific one */
};

/* A deprecated or renamed directive (row type of data/lint-deprecated.tsv). */
struct sdh_lint_deprecated {
	const char *directive;
	const char *replacement; /* NULL: none, remove the line */
	const char *note;
};

/* Rules sorted by id; lookup by id (NULL when unknown). */
const struct sdh_lint_rule *sdh_lint_rules(size_t *ret_n);
const struct sdh_lint_rule *sdh_lint_rule_lookup(const char *id);
enum sdh_severity sdh_lint_rule_severity(const struct sdh_lint_rule *rule);
const struct sdh_lint_deprecated *sdh_lint_deprecated_lookup(const char *directive);

/*
 * Accepted-baseline exclusions (/etc/sdharden/lint.conf, --config=): one entry a line,
 *	UNIT-GLOB RULE-ID[,RULE-ID...]      ("*" as RULE-ID: every rule)
 * '#' starts a comment.  Unknown rule ids and malformed lines are reported in DIAGS with the
 * file's line and skipped.
 */
struct sdh_lint_exclusion {
	char *unit_glob;
	char *rule; /* rule id or "*" */
};

struct sdh_lint_config {
	struct sdh_lint_exclusion *items;
	size_t n;
};

int sdh_lint_config_parse(const char *text, const char *file, struct sdh_lint_config *c,
			  struct sdh_diags *diags);
void sdh_lint_config_release(struct sdh_lint_config *c);

struct sdh_lint_options {
	const char *root; /* NULL or "/" for the host */
	unsigned version; /* SDH_VERSION() of the target systemd; 0: the newest known */
	enum sdh_scope scope;
	char **enable;                        /* only these rule ids (NULL: all) */
	char **disable;                       /* never these rule ids */
	const struct sdh_lint_config *config; /* per-unit exclusions, may be NULL */
	/*
	 * The loader's diagnostics for the unit, may be NULL.  The loader leaves keys it does not
	 * know out of the assignment stream and reports them as "unknown-key"; unknown-directive
	 * turns those into findings.  Load with version SDH_VERSION_NEWEST so keys that are only
	 * too new for the target stay in the stream for directive-too-new.
	 */
	const struct sdh_diags *load_diags;
};

#define SDH_LINT_OPTIONS_INIT             \
	{                                 \
		.scope = SDH_SCOPE_SYSTEM \
	}

struct sdh_lint_finding {
	const struct sdh_lint_rule *rule;
	enum sdh_severity severity;
	char *unit;    /* unit id */
	char *file;    /* path inside the root, NULL when not about a file */
	unsigned line; /* 0 when not about a line */
	char *message; /* lowercase, no final full stop */
	char *fix;     /* specific fix hint */
};

struct sdh_lint_findings {
	struct sdh_lint_finding *items;
	size_t n;
	size_t alloc;
};

#define SDH_LINT_FINDINGS_INIT \
	{                      \
		0              \
	}

/* Run every enabled rule on U; append findings in rule order, then file/line order. */
int sdh_lint_unit(const struct sdh_lint_options *o, const struct sdh_unit *u,
		  struct sdh_lint_findings *f);
void sdh_lint_findings_release(struct sdh_lint_findings *f);
size_t sdh_lint_findings_count(const struct sdh_lint_findings *f, enum sdh_severity min);

/*
 * Render findings.  Text: "FILE:LINE: SEVERITY: MESSAGE [RULE]" and an indented "fix: ..."
 * line per finding.  JSON: an array of {"rule","severity","unit","file","line","message",
 * "fix"}.  SARIF 2.1.0: one run with the rule metadata of every rule.  Only findings at or above
 * MIN are included.  Heap string in *RET; -ENOMEM.
 */
int sdh_lint_format_text(const struct sdh_lint_findings *f, enum sdh_severity min, char **ret);
int sdh_lint_format_json(const struct sdh_lint_findings *f, enum sdh_severity min, char **ret);
int sdh_lint_format_sarif(const struct sdh_lint_findings *f, enum sdh_severity min,
			  const char *tool_version, char **ret);
