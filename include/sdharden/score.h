/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Exposure scoring exactly like `systemd-analyze security` (exposure-spec.md §3-§6): evaluate the
 * version's check table against a struct sdh_settings, compute the 0..100 exposure, sort the rows
 * like systemd's table, and render text, JSON, SARIF, Prometheus and Markdown.
 *
 *	struct sdh_score *sc = NULL;
 *	r = sdh_score_compute(settings, policy_or_NULL, &sc);
 *	text = sdh_score_format_text(sc, &opts);
 *	sdh_score_free(sc);
 *
 * Nothing here prints; formatters return heap strings (NULL on OOM).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdharden/diag.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

#define SDH_BADNESS_NA UINT64_MAX

/* Per-check overrides of a --security-policy= file (§6.2). */
struct sdh_policy_entry {
	char *json_field;
	bool has_weight, has_range;
	uint64_t weight, range;
	char *description_good, *description_bad, *description_na; /* NULL: keep built-in */
};

struct sdh_policy {
	struct sdh_policy_entry *entries;
	size_t n_entries;
};

/*
 * Parse a policy file for VERSION.  -EINVAL with *ret_error (heap, "L:C: message") on a JSON
 * syntax error, or (v258+) a top-level value that is not an object; -errno when unreadable.
 */
int sdh_policy_load(const char *path, unsigned version, struct sdh_policy **ret, char **ret_error);
int sdh_policy_parse(const char *text, size_t len, unsigned version, struct sdh_policy **ret,
		     char **ret_error);
struct sdh_policy *sdh_policy_free(struct sdh_policy *p);
const struct sdh_policy_entry *sdh_policy_find(const struct sdh_policy *p, const char *json_field);

/* Members ordered by size: a run keeps ~75 rows per unit for every unit. */
struct sdh_score_row {
	const struct sdh_check_row *check;
	uint64_t badness;        /* SDH_BADNESS_NA when not applicable */
	uint64_t weight;         /* after policy */
	uint64_t range;          /* after policy */
	const char *description; /* NULL: empty cell; points into the check table, policy or dyn */
	char *dyn;               /* owned dynamic description, if any */
	unsigned order;          /* position in the check table (0-based) */
	int set;                 /* 1 good, 0 bad or partial, -1 N/A */
	unsigned exposure;       /* tenths, for the EXPOSURE column */
	bool has_exposure;
	/* Measured once per check table, not per unit: what sorting and rendering look at. */
	unsigned name_len, name_width;
	unsigned description_len, description_width; /* 0 for no description */
	unsigned name_rank;        /* strcmp() order of the check names of the table */
	unsigned description_rank; /* among the table's descriptions, or SDH_RANK_NONE */
};

#define SDH_RANK_NONE UINT32_MAX

struct sdh_score {
	char *id;
	char *fragment_path;
	unsigned version;
	struct sdh_score_row *rows; /* in display order (sorted like systemd) */
	size_t n_rows;
	unsigned exposure; /* 0..100, tenths */
};

/*
 * Score S.  -ERANGE where systemd aborts (a policy range below a row's badness or 0, every
 * applicable weight 0: exit status 134 there), -ENOMEM.
 */
int sdh_score_compute(const struct sdh_settings *s, const struct sdh_policy *policy,
		      struct sdh_score **ret);
struct sdh_score *sdh_score_free(struct sdh_score *sc);
/*
 * Free the rows and the fragment path of SC, keeping its id and overall exposure: what the
 * overview needs of a unit whose table is already printed (a thousand units keep 5 MB less).
 */
void sdh_score_drop_rows(struct sdh_score *sc);

/* The row of a check by json_field, or NULL. */
const struct sdh_score_row *sdh_score_find(const struct sdh_score *sc, const char *json_field);

/* "DANGEROUS" ... "PERFECT" for an exposure in tenths. */
const char *sdh_exposure_predicate(unsigned exposure);
const char *sdh_exposure_smiley(unsigned exposure, bool emoji);

/* Glyph and column choices of the text output. */
struct sdh_render_options {
	bool utf8;  /* ✓ ✗ → instead of + - -> */
	bool emoji; /* 😨 instead of :-{ */
	bool debug; /* SYSTEMD_ANALYZE_DEBUG: WEIGHT BADNESS RANGE columns / JSON keys */
};

/*
 * Decide the options the way systemd VERSION would in the current environment (LC_ALL/LC_CTYPE/
 * LANG + nl_langinfo, TERM, SYSTEMD_UTF8 (v253+), SYSTEMD_EMOJI, SYSTEMD_ANALYZE_DEBUG).
 * Call after setlocale(LC_ALL, "").
 */
void sdh_render_options_from_env(unsigned version, struct sdh_render_options *ret);

/* Detail table + empty line + summary line, byte-identical to systemd-analyze's pipe output. */
char *sdh_score_format_text(const struct sdh_score *sc, const struct sdh_render_options *o);
/* The same appended to SB (a basic/strbuf.h buffer), for many units in a row; -ENOMEM. */
struct strbuf;
int sdh_score_append_text(struct strbuf *sb, const struct sdh_score *sc,
			  const struct sdh_render_options *o);

/*
 * Units whose records agree in all that the checks read get the same rows, so a run over many
 * units scores each distinct record once (most units of a distribution set nothing, or the same
 * few directives).  The memo is safe to use from several threads at once; it keeps
 * each distinct record's exposure and, made with render options, its table, up to a bound.
 */
struct sdh_score_memo;
/* POLICY (or NULL) and O (NULL: no text) must outlive the memo.  -ENOMEM. */
int sdh_score_memo_new(const struct sdh_policy *policy, const struct sdh_render_options *o,
		       struct sdh_score_memo **ret);
struct sdh_score_memo *sdh_score_memo_free(struct sdh_score_memo *m);
/*
 * What sdh_score_compute() of S and sdh_score_drop_rows() give: the score without its rows.
 * With SB (the memo must have render options), the detail table that starts the text output
 * (sdh_score_append_table()) is appended to SB, or, with RET_TABLE, where the memo keeps it,
 * left there: *RET_TABLE then points at it (until the memo is freed), else is NULL.  Errors
 * as sdh_score_compute(); -ENOMEM (SB may then hold part of the table).
 */
int sdh_score_memo_compute(struct sdh_score_memo *m, const struct sdh_settings *s,
			   struct strbuf *sb, const char **ret_table, size_t *ret_table_len,
			   struct sdh_score **ret);
/* How many records were found in the memo and how many were scored. */
void sdh_score_memo_stats(struct sdh_score_memo *m, size_t *ret_hits, size_t *ret_misses);

/*
 * The text output's two parts, appended: the detail table with the empty line after it, then
 * the summary line, "→ Overall exposure level for ID: X.Y PREDICATE SMILEY\n".  -ENOMEM.
 */
int sdh_score_append_table(struct strbuf *sb, const struct sdh_score *sc,
			   const struct sdh_render_options *o);
void sdh_score_append_summary(struct strbuf *sb, const char *id, unsigned exposure,
			      const struct sdh_render_options *o);
/* Just the summary line. */
char *sdh_score_format_summary(const struct sdh_score *sc, const struct sdh_render_options *o);
/* The rows as systemd's --json=short (pretty=false) or --json=pretty array, with "\n". */
char *sdh_score_format_json(const struct sdh_score *sc, bool pretty, bool debug);

/* Several units: UNIT EXPOSURE PREDICATE HAPPY table (§5.2, online layout). */
char *sdh_score_format_overview(struct sdh_score *const *v, size_t n,
				const struct sdh_render_options *o);
/* Array of {"unit","exposure","predicate","happy","checks":[rows]} objects. */
char *sdh_score_format_json_many(struct sdh_score *const *v, size_t n, bool pretty, bool debug,
				 const struct sdh_render_options *o);

/*
 * Machine formats.  LINES (may be NULL) maps a json_field to the line of the directive in the
 * fragment: sdh_score_locate() computes it from the settings' origins.
 */
unsigned sdh_score_locate(const struct sdh_settings *s, const struct sdh_check_row *c,
			  const char **ret_file);
char *sdh_score_format_sarif(struct sdh_score *const *v, struct sdh_settings *const *settings,
			     size_t n);
char *sdh_score_format_prometheus(struct sdh_score *const *v, size_t n);
char *sdh_score_format_markdown(struct sdh_score *const *v, size_t n);
