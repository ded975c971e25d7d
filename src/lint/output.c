/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text, JSON and SARIF 2.1.0 renderings of lint findings. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "lint/lint-internal.h"

int sdh_lint_format_text(const struct sdh_lint_findings *f, enum sdh_severity min, char **ret)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->n; i++) {
		const struct sdh_lint_finding *x = &f->items[i];

		if (x->severity < min)
			continue;
		if (x->file && x->line)
			strbuf_addf(&sb, "%s:%u: ", x->file, x->line);
		else
			strbuf_addf(&sb, "%s: ", x->file ? x->file : x->unit);
		strbuf_addf(&sb, "%s: %s [%s]\n    fix: %s\n", sdh_severity_to_string(x->severity),
			    x->message, x->rule->id, x->fix);
	}
	if (strbuf_error(&sb) < 0)
		return -ENOMEM;
	*ret = strbuf_detach(&sb);
	return *ret ? 0 : -ENOMEM;
}

static void json_object_put_p(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json cleanup_attr(json_object_put_p)

/* Add KEY=VAL (taking VAL) to OBJ; false when VAL is NULL (OOM) or adding failed. */
static bool add(json_object *obj, const char *key, json_object *val)
{
	if (!val)
		return false;
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return false;
	}
	return true;
}

static bool append(json_object *arr, json_object *val)
{
	if (!val)
		return false;
	if (json_object_array_add(arr, val) < 0) {
		json_object_put(val);
		return false;
	}
	return true;
}

static json_object *text_obj(const char *text)
{
	json_object *o = json_object_new_object();

	if (o && !add(o, "text", json_object_new_string(text))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int to_string(json_object *o, char **ret)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_SPACED |
								  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!s)
		return -ENOMEM;
	return asprintf(ret, "%s\n", s) < 0 ? -ENOMEM : 0;
}

int sdh_lint_format_json(const struct sdh_lint_findings *f, enum sdh_severity min, char **ret)
{
	cleanup_json json_object *arr = json_object_new_array();

	if (!arr)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		const struct sdh_lint_finding *x = &f->items[i];
		json_object *o;

		if (x->severity < min)
			continue;
		o = json_object_new_object();
		if (!append(arr, o))
			return -ENOMEM;
		if (!add(o, "rule", json_object_new_string(x->rule->id)) ||
		    !add(o, "severity",
			 json_object_new_string(sdh_severity_to_string(x->severity))) ||
		    !add(o, "unit", json_object_new_string(x->unit)) ||
		    !(x->file ? add(o, "file", json_object_new_string(x->file))
			      : json_object_object_add(o, "file", NULL) == 0) ||
		    !add(o, "line", json_object_new_int64(x->line)) ||
		    !add(o, "message", json_object_new_string(x->message)) ||
		    !add(o, "fix", json_object_new_string(x->fix)))
			return -ENOMEM;
	}
	return to_string(arr, ret);
}

static const char *sarif_level(enum sdh_severity s)
{
	return s == SDH_SEVERITY_ERROR ? "error" : s == SDH_SEVERITY_WARNING ? "warning" : "note";
}

static json_object *sarif_rule(const struct sdh_lint_rule *r)
{
	cleanup_json json_object *o = json_object_new_object();
	json_object *conf;
	char *help = NULL;
	bool ok;

	if (!o || asprintf(&help, "%s\n\nFix: %s", r->rationale, r->fix) < 0)
		return NULL;
	conf = json_object_new_object();
	ok = add(o, "id", json_object_new_string(r->id)) &&
	     add(o, "name", json_object_new_string(r->id)) &&
	     add(o, "shortDescription", text_obj(r->summary)) &&
	     add(o, "fullDescription", text_obj(r->rationale)) && add(o, "help", text_obj(help)) &&
	     add(o, "defaultConfiguration", conf) &&
	     add(conf, "level", json_object_new_string(sarif_level(sdh_lint_rule_severity(r))));
	free(help);
	return ok ? TAKE_PTR(o) : NULL;
}

static json_object *sarif_result(const struct sdh_lint_finding *x, size_t rule_index)
{
	cleanup_json json_object *o = json_object_new_object();
	json_object *locs, *loc, *phys, *art, *region, *props;
	char *msg = NULL;
	bool ok;

	if (!o || asprintf(&msg, "%s (fix: %s)", x->message, x->fix) < 0)
		return NULL;
	ok = add(o, "ruleId", json_object_new_string(x->rule->id)) &&
	     add(o, "ruleIndex", json_object_new_int64((int64_t)rule_index)) &&
	     add(o, "level", json_object_new_string(sarif_level(x->severity))) &&
	     add(o, "message", text_obj(msg));
	free(msg);
	if (!ok)
		return NULL;
	if (x->file) {
		if (!add(o, "locations", (locs = json_object_new_array())) ||
		    !append(locs, (loc = json_object_new_object())) ||
		    !add(loc, "physicalLocation", (phys = json_object_new_object())) ||
		    !add(phys, "artifactLocation", (art = json_object_new_object())) ||
		    !add(art, "uri", json_object_new_string(x->file)))
			return NULL;
		if (x->line && (!add(phys, "region", (region = json_object_new_object())) ||
				!add(region, "startLine", json_object_new_int64(x->line))))
			return NULL;
	}
	if (!add(o, "properties", (props = json_object_new_object())) ||
	    !add(props, "unit", json_object_new_string(x->unit)) ||
	    !add(props, "fix", json_object_new_string(x->fix)))
		return NULL;
	return TAKE_PTR(o);
}

int sdh_lint_format_sarif(const struct sdh_lint_findings *f, enum sdh_severity min,
			  const char *tool_version, char **ret)
{
	cleanup_json json_object *root = json_object_new_object();
	json_object *runs, *run, *tool, *driver, *rules, *results;
	size_t n;
	const struct sdh_lint_rule *all = sdh_lint_rules(&n);

	if (!root)
		return -ENOMEM;
	if (!add(root, "$schema",
		 json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json")) ||
	    !add(root, "version", json_object_new_string("2.1.0")) ||
	    !add(root, "runs", (runs = json_object_new_array())) ||
	    !append(runs, (run = json_object_new_object())) ||
	    !add(run, "tool", (tool = json_object_new_object())) ||
	    !add(tool, "driver", (driver = json_object_new_object())) ||
	    !add(driver, "name", json_object_new_string("sdharden")) ||
	    !add(driver, "version", json_object_new_string(tool_version ? tool_version : "0")) ||
	    !add(driver, "rules", (rules = json_object_new_array())) ||
	    !add(run, "results", (results = json_object_new_array())))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!append(rules, sarif_rule(&all[i])))
			return -ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		const struct sdh_lint_finding *x = &f->items[i];

		if (x->severity < min)
			continue;
		/* Rules are the sorted table, so the index is the offset. */
		if (!append(results, sarif_result(x, (size_t)(x->rule - all))))
			return -ENOMEM;
	}
	return to_string(root, ret);
}
