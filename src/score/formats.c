/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Machine-readable renderings of scores: SARIF 2.1.0 (one result per failing check, located at
 * the line that set the directive), Prometheus textfile gauges, and Markdown tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "sdharden/score.h"

/* The directive a check is about: its name up to the first '=' ("User=/DynamicUser=" -> User). */
static int check_setting(const struct sdh_check_row *c)
{
	size_t n = strcspn(c->name, "=");
	cleanup_free char *d = strndup_safe(c->name, n);

	return d ? sdh_setting_from_string(d) : -ENOMEM;
}

unsigned sdh_score_locate(const struct sdh_settings *s, const struct sdh_check_row *c,
			  const char **ret_file)
{
	int f = check_setting(c);

	*ret_file = s->fragment_path;
	if (f < 0 || s->origin[f].kind != SDH_ORIGIN_FILE)
		return 0;
	*ret_file = s->origin[f].file;
	return s->origin[f].line;
}

static void json_string(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '"');
	strbuf_add_json_escaped(sb, strempty(s));
	strbuf_addc(sb, '"');
}

static void tenths(struct strbuf *sb, unsigned x)
{
	strbuf_addf(sb, "%u.%u", x / 10, x % 10);
}

char *sdh_score_format_sarif(struct sdh_score *const *v, struct sdh_settings *const *settings,
			     size_t n)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	size_t n_checks;
	const struct sdh_check_row *checks =
		sdh_checks(n > 0 ? v[0]->version : SDH_VERSION_NEWEST, &n_checks);
	bool first = true;

	strbuf_adds(&sb, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
			 "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
			 "\"name\":\"sdharden\",\"informationUri\":"
			 "\"https://www.freedesktop.org/software/systemd/man/systemd.exec.html\","
			 "\"rules\":[");
	for (size_t i = 0; i < n_checks; i++) {
		const struct sdh_check_row *c = &checks[i];

		strbuf_adds(&sb, i ? "," : "");
		strbuf_adds(&sb, "{\"id\":");
		json_string(&sb, c->json_field);
		strbuf_adds(&sb, ",\"name\":");
		json_string(&sb, c->name);
		strbuf_adds(&sb, ",\"shortDescription\":{\"text\":");
		json_string(&sb, c->description_bad ? c->description_bad : c->name);
		strbuf_adds(&sb, "},\"helpUri\":");
		json_string(&sb, c->url);
		strbuf_addf(&sb, ",\"properties\":{\"weight\":%u,\"range\":%u}}", c->weight,
			    c->range);
	}
	strbuf_adds(&sb, "]}},\"results\":[");
	for (size_t u = 0; u < n; u++)
		for (size_t i = 0; i < v[u]->n_rows; i++) {
			const struct sdh_score_row *row = &v[u]->rows[i];
			const char *file = NULL;
			unsigned line;

			if (row->set != 0)
				continue;
			line = settings ? sdh_score_locate(settings[u], row->check, &file) : 0;
			if (!file)
				file = v[u]->fragment_path;
			strbuf_adds(&sb, first ? "" : ",");
			first = false;
			strbuf_adds(&sb, "{\"ruleId\":");
			json_string(&sb, row->check->json_field);
			strbuf_adds(&sb, ",\"level\":");
			json_string(&sb, row->badness * 2 >= row->range ? "warning" : "note");
			strbuf_adds(&sb, ",\"message\":{\"text\":");
			{
				cleanup_free char *msg = NULL;

				if (asprintf(&msg, "%s: %s", v[u]->id,
					     row->description ? row->description
							      : row->check->name) < 0)
					return NULL;
				json_string(&sb, msg);
			}
			strbuf_adds(&sb, "},\"locations\":[{\"physicalLocation\":{"
					 "\"artifactLocation\":{\"uri\":");
			json_string(&sb, file ? file : v[u]->id);
			strbuf_adds(&sb, "}");
			if (line > 0)
				strbuf_addf(&sb, ",\"region\":{\"startLine\":%u}", line);
			strbuf_adds(&sb, "}}],\"properties\":{\"unit\":");
			json_string(&sb, v[u]->id);
			strbuf_adds(&sb, ",\"exposure\":");
			if (row->has_exposure)
				tenths(&sb, row->exposure);
			else
				strbuf_adds(&sb, "0");
			strbuf_addf(&sb, ",\"badness\":%llu}}", (unsigned long long)row->badness);
		}
	strbuf_adds(&sb, "]}]}\n");
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

/* Prometheus label values escape backslash, double quote and newline. */
static void label(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_addc(sb, '\\');
		if (*s == '\n') {
			strbuf_adds(sb, "\\n");
			continue;
		}
		strbuf_addc(sb, *s);
	}
}

char *sdh_score_format_prometheus(struct sdh_score *const *v, size_t n)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "# HELP sdharden_unit_exposure Exposure level 0.0-10.0 as computed by "
			 "systemd-analyze security.\n"
			 "# TYPE sdharden_unit_exposure gauge\n");
	for (size_t u = 0; u < n; u++) {
		strbuf_adds(&sb, "sdharden_unit_exposure{unit=\"");
		label(&sb, v[u]->id);
		strbuf_adds(&sb, "\"} ");
		tenths(&sb, v[u]->exposure);
		strbuf_addc(&sb, '\n');
	}
	strbuf_adds(&sb, "# HELP sdharden_check_exposure Exposure contributed by one check "
			 "(0 when good or not applicable).\n"
			 "# TYPE sdharden_check_exposure gauge\n");
	for (size_t u = 0; u < n; u++)
		for (size_t i = 0; i < v[u]->n_rows; i++) {
			const struct sdh_score_row *row = &v[u]->rows[i];

			strbuf_adds(&sb, "sdharden_check_exposure{unit=\"");
			label(&sb, v[u]->id);
			strbuf_adds(&sb, "\",check=\"");
			label(&sb, row->check->json_field);
			strbuf_adds(&sb, "\"} ");
			tenths(&sb, row->has_exposure ? row->exposure : 0);
			strbuf_addc(&sb, '\n');
		}
	strbuf_adds(&sb, "# HELP sdharden_check_passed 1 when the check is good, 0 when bad or "
			 "partial, -1 when not applicable.\n"
			 "# TYPE sdharden_check_passed gauge\n");
	for (size_t u = 0; u < n; u++)
		for (size_t i = 0; i < v[u]->n_rows; i++) {
			strbuf_adds(&sb, "sdharden_check_passed{unit=\"");
			label(&sb, v[u]->id);
			strbuf_adds(&sb, "\",check=\"");
			label(&sb, v[u]->rows[i].check->json_field);
			strbuf_addf(&sb, "\"} %d\n", v[u]->rows[i].set);
		}
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

/* Markdown cells: '|' would end the cell. */
static void md_cell(struct strbuf *sb, const char *s)
{
	for (s = strempty(s); *s; s++) {
		if (*s == '|')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *s);
	}
}

char *sdh_score_format_markdown(struct sdh_score *const *v, size_t n)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (n > 1) {
		strbuf_adds(&sb, "| Unit | Exposure | Predicate |\n|---|---:|---|\n");
		for (size_t u = 0; u < n; u++) {
			strbuf_adds(&sb, "| ");
			md_cell(&sb, v[u]->id);
			strbuf_adds(&sb, " | ");
			tenths(&sb, v[u]->exposure);
			strbuf_addf(&sb, " | %s |\n", sdh_exposure_predicate(v[u]->exposure));
		}
	}
	for (size_t u = 0; u < n; u++) {
		strbuf_adds(&sb, n > 1 || u > 0 ? "\n## " : "## ");
		md_cell(&sb, v[u]->id);
		strbuf_adds(&sb, ": ");
		tenths(&sb, v[u]->exposure);
		strbuf_addf(&sb,
			    " %s\n\n| | Check | Description | Exposure |\n|---|---|---|---:|\n",
			    sdh_exposure_predicate(v[u]->exposure));
		for (size_t i = 0; i < v[u]->n_rows; i++) {
			const struct sdh_score_row *row = &v[u]->rows[i];

			strbuf_addf(&sb, "| %s | `", row->set < 0 ? "" : row->set ? "✓" : "✗");
			md_cell(&sb, row->check->name);
			strbuf_adds(&sb, "` | ");
			md_cell(&sb, row->description);
			strbuf_adds(&sb, " | ");
			if (row->has_exposure)
				tenths(&sb, row->exposure);
			strbuf_adds(&sb, " |\n");
		}
	}
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}
