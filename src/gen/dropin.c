/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in model and its two emitters (text, JSON).  The model keeps the order in which the
 * rules added directives; the text emitter puts each reason on a comment line of its own above
 * the directive, because systemd takes a trailing "# ..." as part of the value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "basic/alloc-util.h"
#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/strv.h"
#include "sdharden/gen.h"

static const char *const mode_names[SDH_SUGGEST_MODE_MAX] = {
	[SDH_SUGGEST_SAFE] = "safe",
	[SDH_SUGGEST_STRICT] = "strict",
};

const char *sdh_suggest_mode_to_string(enum sdh_suggest_mode m)
{
	return m < SDH_SUGGEST_MODE_MAX ? mode_names[m] : NULL;
}

int sdh_suggest_mode_from_string(const char *s)
{
	for (int i = 0; i < SDH_SUGGEST_MODE_MAX; i++)
		if (s && streq(s, mode_names[i]))
			return i;
	return -EINVAL;
}

struct sdh_dropin *sdh_dropin_new(const char *unit, unsigned version, enum sdh_suggest_mode mode)
{
	struct sdh_dropin *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->version = version;
	d->mode = mode;
	d->exposure_before = d->exposure_after = -1;
	if (unit && !(d->unit = strdup(unit))) {
		free(d);
		return NULL;
	}
	return d;
}

struct sdh_dropin *sdh_dropin_free(struct sdh_dropin *d)
{
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->n_sections; i++) {
		struct sdh_dropin_section *s = &d->sections[i];

		for (size_t j = 0; j < s->n_items; j++) {
			free(s->items[j].key);
			free(s->items[j].value);
			free(s->items[j].reason);
		}
		free(s->items);
		free(s->name);
	}
	free(d->sections);
	for (size_t i = 0; i < d->n_omitted; i++) {
		free(d->omitted[i].key);
		free(d->omitted[i].reason);
	}
	free(d->omitted);
	strv_free(d->notes);
	free(d->unit);
	free(d);
	return NULL;
}

static struct sdh_dropin_section *section_get(struct sdh_dropin *d, const char *name)
{
	struct sdh_dropin_section *n;

	for (size_t i = 0; i < d->n_sections; i++)
		if (streq(d->sections[i].name, name))
			return &d->sections[i];
	n = realloc(d->sections, (d->n_sections + 1) * sizeof(*n));
	if (!n)
		return NULL;
	d->sections = n;
	n = &d->sections[d->n_sections];
	*n = (struct sdh_dropin_section){ .name = strdup(name) };
	if (!n->name)
		return NULL;
	d->n_sections++;
	return n;
}

static int item_append(struct sdh_dropin_section *s, const char *key, const char *value,
		       const char *reason)
{
	struct sdh_dropin_item it = { 0 };

	if (GREEDY_REALLOC(s->items, s->alloc, s->n_items + 1, 16) < 0)
		return -ENOMEM;
	it.key = strdup(key);
	it.value = strdup(value);
	it.reason = reason ? strdup(reason) : NULL;
	if (!it.key || !it.value || (reason && !it.reason)) {
		free(it.key);
		free(it.value);
		free(it.reason);
		return -ENOMEM;
	}
	s->items[s->n_items++] = it;
	return 0;
}

int sdh_dropin_add(struct sdh_dropin *d, const char *section, const char *key, const char *value,
		   bool reset, const char *reason)
{
	struct sdh_dropin_section *s;
	int r;

	if (!d || isempty(section) || isempty(key))
		return -EINVAL;
	s = section_get(d, section);
	if (!s)
		return -ENOMEM;
	value = strempty(value);
	if (reset) {
		r = item_append(s, key, "", reason);
		if (r < 0 || isempty(value))
			return r;
		reason = NULL;
	}
	return item_append(s, key, value, reason);
}

int sdh_dropin_omit(struct sdh_dropin *d, const char *key, const char *reason)
{
	struct sdh_dropin_omission o;

	if (!d || isempty(key))
		return -EINVAL;
	if (GREEDY_REALLOC(d->omitted, d->alloc_omitted, d->n_omitted + 1, 16) < 0)
		return -ENOMEM;
	o.key = strdup(key);
	o.reason = strdup(strempty(reason));
	if (!o.key || !o.reason) {
		free(o.key);
		free(o.reason);
		return -ENOMEM;
	}
	d->omitted[d->n_omitted++] = o;
	return 0;
}

int sdh_dropin_add_note(struct sdh_dropin *d, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strv_consume(&d->notes, s);
}

const char *sdh_dropin_get(const struct sdh_dropin *d, const char *section, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < d->n_sections; i++) {
		const struct sdh_dropin_section *s = &d->sections[i];

		if (!streq(s->name, section))
			continue;
		for (size_t j = 0; j < s->n_items; j++)
			if (streq(s->items[j].key, key))
				v = s->items[j].value;
	}
	return v;
}

/* A reason may hold several lines; each becomes its own comment line. */
static void add_comment(struct strbuf *sb, const char *text)
{
	const char *p = text;

	while (p && *p) {
		size_t n = strcspn(p, "\n");

		strbuf_adds(sb, "# ");
		strbuf_add(sb, p, n);
		strbuf_addc(sb, '\n');
		p += n;
		if (*p == '\n')
			p++;
	}
}

int sdh_dropin_to_text(const struct sdh_dropin *d, char **ret)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	char *out;

	if (!d || !ret)
		return -EINVAL;
	STRV_FOREACH(n, d->notes)
		add_comment(&sb, *n);
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct sdh_dropin_section *s = &d->sections[i];

		if (sb.len)
			strbuf_addc(&sb, '\n');
		strbuf_addf(&sb, "[%s]\n", s->name);
		for (size_t j = 0; j < s->n_items; j++) {
			if (s->items[j].reason)
				add_comment(&sb, s->items[j].reason);
			strbuf_addf(&sb, "%s=%s\n", s->items[j].key, s->items[j].value);
		}
	}
	if (d->n_omitted) {
		strbuf_adds(&sb, "\n# Left out:\n");
		for (size_t i = 0; i < d->n_omitted; i++)
			strbuf_addf(&sb, "#   %s=: %s\n", d->omitted[i].key, d->omitted[i].reason);
	}
	if (strbuf_error(&sb))
		return -ENOMEM;
	out = strbuf_detach(&sb);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

static void json_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		strbuf_adds(sb, "null");
		return;
	}
	strbuf_addc(sb, '"');
	strbuf_add_json_escaped(sb, s);
	strbuf_addc(sb, '"');
}

int sdh_dropin_to_json(const struct sdh_dropin *d, char **ret)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	char *out;

	if (!d || !ret)
		return -EINVAL;
	strbuf_adds(&sb, "{\n  \"unit\": ");
	json_str(&sb, d->unit);
	strbuf_addf(&sb, ",\n  \"systemd\": \"%u.%u\",\n  \"mode\": \"%s\",\n  \"static\": %s,\n",
		    d->version / 1000U, d->version % 1000U, sdh_suggest_mode_to_string(d->mode),
		    d->is_static ? "true" : "false");
	if (d->exposure_before >= 0 && d->exposure_after >= 0)
		strbuf_addf(&sb, "  \"exposure_before\": %d.%d,\n  \"exposure_after\": %d.%d,\n",
			    d->exposure_before / 10, d->exposure_before % 10,
			    d->exposure_after / 10, d->exposure_after % 10);
	strbuf_adds(&sb, "  \"notes\": [");
	STRV_FOREACH(n, d->notes) {
		strbuf_adds(&sb, n == d->notes ? "" : ", ");
		json_str(&sb, *n);
	}
	strbuf_adds(&sb, "],\n  \"sections\": [");
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct sdh_dropin_section *s = &d->sections[i];
		const char *reason = NULL;

		strbuf_adds(&sb, i ? ",\n    {" : "\n    {");
		strbuf_adds(&sb, "\"name\": ");
		json_str(&sb, s->name);
		strbuf_adds(&sb, ", \"directives\": [");
		for (size_t j = 0; j < s->n_items; j++) {
			const struct sdh_dropin_item *it = &s->items[j];

			/* The set line after a reset shares the reset's reason. */
			if (it->reason)
				reason = it->reason;
			strbuf_adds(&sb, j ? ",\n      " : "\n      ");
			strbuf_adds(&sb, "{\"key\": ");
			json_str(&sb, it->key);
			strbuf_adds(&sb, ", \"value\": ");
			json_str(&sb, it->value);
			strbuf_addf(&sb, ", \"reset\": %s, \"reason\": ",
				    isempty(it->value) ? "true" : "false");
			json_str(&sb, reason);
			strbuf_addc(&sb, '}');
		}
		strbuf_adds(&sb, "]}");
	}
	strbuf_adds(&sb, "],\n  \"omitted\": [");
	for (size_t i = 0; i < d->n_omitted; i++) {
		strbuf_adds(&sb, i ? ",\n    " : "\n    ");
		strbuf_adds(&sb, "{\"key\": ");
		json_str(&sb, d->omitted[i].key);
		strbuf_adds(&sb, ", \"reason\": ");
		json_str(&sb, d->omitted[i].reason);
		strbuf_addc(&sb, '}');
	}
	strbuf_adds(&sb, "]\n}\n");
	if (strbuf_error(&sb))
		return -ENOMEM;
	out = strbuf_detach(&sb);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

static int dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return 0;
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

int sdh_dropin_apply(const struct sdh_dropin *d, const struct sdh_unit *u, const char *file,
		     struct sdh_unit **ret)
{
	struct sdh_unit *c;
	size_t line = 0;
	int r = 0;

	if (!d || !u || !ret)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->scope = u->scope;
	c->version = u->version;
	c->load_state = u->load_state;
	if (dup_opt(&c->name, u->name) < 0 || dup_opt(&c->id, u->id) < 0 ||
	    dup_opt(&c->type, u->type) < 0 || dup_opt(&c->prefix, u->prefix) < 0 ||
	    dup_opt(&c->instance, u->instance) < 0 ||
	    dup_opt(&c->fragment_path, u->fragment_path) < 0)
		goto oom;
	if ((u->dropin_paths && !(c->dropin_paths = strv_copy(u->dropin_paths))) ||
	    (u->aliases && !(c->aliases = strv_copy(u->aliases))) ||
	    (file && strv_extend(&c->dropin_paths, file) < 0))
		goto oom;
	for (size_t i = 0; i < u->n_assignments; i++) {
		r = sdh_unit_add_assignment(c, &u->assignments[i]);
		if (r < 0)
			goto oom;
	}
	/* Line numbers as the text emitter would put them are not needed: count directives. */
	for (size_t i = 0; i < d->n_sections; i++)
		for (size_t j = 0; j < d->sections[i].n_items; j++) {
			const struct sdh_dropin_item *it = &d->sections[i].items[j];

			r = sdh_unit_add_assignment(c, &(struct sdh_assignment){
							       .section = d->sections[i].name,
							       .key = it->key,
							       .value = it->value,
							       .file = file,
							       .line = (unsigned)++line,
							       .from_dropin = true,
						       });
			if (r < 0)
				goto oom;
		}
	*ret = c;
	return 0;
oom:
	sdh_unit_free(c);
	return -ENOMEM;
}
