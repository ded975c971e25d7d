/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --security-policy= files (exposure-spec.md §6.2): a JSON object keyed by check json_field,
 * each value an object with optional weight, range and description_{good,bad,na}.  Keys of the
 * wrong type are ignored, as systemd does.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "sdharden/score.h"

#define POLICY_SIZE_MAX (1024U * 1024U)

struct sdh_policy *sdh_policy_free(struct sdh_policy *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_entries; i++) {
		free(p->entries[i].json_field);
		free(p->entries[i].description_good);
		free(p->entries[i].description_bad);
		free(p->entries[i].description_na);
	}
	free(p->entries);
	free(p);
	return NULL;
}

const struct sdh_policy_entry *sdh_policy_find(const struct sdh_policy *p, const char *json_field)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_entries; i++)
		if (streq(p->entries[i].json_field, json_field))
			return &p->entries[i];
	return NULL;
}

/* Unsigned integers, including integral reals such as 2000.0. */
static bool get_unsigned(struct json_object *o, uint64_t *ret)
{
	if (json_object_is_type(o, json_type_int)) {
		int64_t v = json_object_get_int64(o);

		if (v < 0)
			return false;
		*ret = (uint64_t)json_object_get_uint64(o);
		return true;
	}
	if (json_object_is_type(o, json_type_double)) {
		double d = json_object_get_double(o);

		if (d < 0 || d != floor(d) || d > 18446744073709549568.0)
			return false;
		*ret = (uint64_t)d;
		return true;
	}
	return false;
}

static int get_string(struct json_object *o, char **field)
{
	if (!json_object_is_type(o, json_type_string))
		return 0;
	free(*field);
	*field = strdup(json_object_get_string(o));
	return *field ? 0 : -ENOMEM;
}

static void line_col(const char *text, size_t off, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

int sdh_policy_parse(const char *text, size_t len, unsigned version, struct sdh_policy **ret,
		     char **ret_error)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	struct sdh_policy *p;
	int r = 0;

	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		unsigned l, c;

		line_col(text, json_tokener_get_parse_end(tok), &l, &c);
		if (ret_error && asprintf(ret_error, "%u:%u: %s", l, c,
					  json_tokener_error_desc(json_tokener_get_error(tok))) < 0)
			*ret_error = NULL;
		json_object_put(root);
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);

	p = calloc(1, sizeof(*p));
	if (!p) {
		json_object_put(root);
		return -ENOMEM;
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		if (version >= SDH_VERSION(258, 0)) {
			if (ret_error &&
			    !(*ret_error = strdup("1:1: top-level value is not an object")))
				r = -ENOMEM;
			sdh_policy_free(p);
			return r < 0 ? r : -EINVAL;
		}
		*ret = p; /* v252: silently no policy */
		return 0;
	}
	json_object_object_foreach(root, key, val)
	{
		struct sdh_policy_entry *e, *n;
		struct json_object *x;

		if (!json_object_is_type(val, json_type_object))
			continue;
		n = realloc(p->entries, (p->n_entries + 1) * sizeof(*n));
		if (!n) {
			r = -ENOMEM;
			break;
		}
		p->entries = n;
		e = &p->entries[p->n_entries++];
		*e = (struct sdh_policy_entry){ .json_field = strdup(key) };
		if (!e->json_field) {
			r = -ENOMEM;
			break;
		}
		if (json_object_object_get_ex(val, "weight", &x))
			e->has_weight = get_unsigned(x, &e->weight);
		if (json_object_object_get_ex(val, "range", &x))
			e->has_range = get_unsigned(x, &e->range);
		if (json_object_object_get_ex(val, "description_good", &x) &&
		    (r = get_string(x, &e->description_good)) < 0)
			break;
		if (json_object_object_get_ex(val, "description_bad", &x) &&
		    (r = get_string(x, &e->description_bad)) < 0)
			break;
		if (json_object_object_get_ex(val, "description_na", &x) &&
		    (r = get_string(x, &e->description_na)) < 0)
			break;
	}
	json_object_put(root);
	if (r < 0) {
		sdh_policy_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int sdh_policy_load(const char *path, unsigned version, struct sdh_policy **ret, char **ret_error)
{
	cleanup_free char *buf = NULL;
	size_t len;
	int r = read_full_file_at(AT_FDCWD, path, POLICY_SIZE_MAX, &buf, &len);

	if (r < 0)
		return r;
	return sdh_policy_parse(buf, len, version, ret, ret_error);
}
