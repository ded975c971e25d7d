/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the drop-in generator's tests share: a unit made from "Key=Value" strings, a suggestion
 * as text, and a whole-line search in it.  Include after <cmocka.h>.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sdharden/gen.h"
#include "sdharden/kb.h"
#include "sdharden/unit.h"

/* A systemd 252 unit with the given [Service] assignments ("Key=Value" strings). */
static inline struct sdh_unit *mkunit(const char *id, const char *const *kv)
{
	struct sdh_unit *u = calloc(1, sizeof(*u));
	size_t n = 0;

	assert_non_null(u);
	while (kv && kv[n])
		n++;
	u->id = strdup(id);
	u->name = strdup(id);
	u->type = strdup("service");
	u->version = SDH_VERSION_V252;
	u->load_state = SDH_LOAD_LOADED;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		char *key = strndup(kv[i], (size_t)(eq - kv[i]));

		assert_non_null(key);
		assert_int_equal(
			sdh_unit_add_assignment(u,
						&(struct sdh_assignment){
							.section = "Service",
							.key = key,
							.value = eq + 1,
							.file = "/usr/lib/systemd/system/x.service",
							.line = (unsigned)i + 1,
						}),
			0);
		free(key);
	}
	return u;
}

static inline void freeunit(struct sdh_unit *u)
{
	sdh_unit_free(u);
}

/* sdh_suggest() under ROOT, as text; the model goes to *RET_D when it is not NULL. */
static inline char *suggest_in(const char *root, const struct sdh_unit *u,
			       const struct sdh_profile *p, enum sdh_suggest_mode mode,
			       unsigned version, struct sdh_dropin **ret_d)
{
	struct sdh_suggest_options o = SDH_SUGGEST_OPTIONS_INIT;
	struct sdh_dropin *d = NULL;
	char *text = NULL;

	o.version = version;
	o.mode = mode;
	o.unit = u;
	o.profile = p;
	o.root = root;
	assert_int_equal(sdh_suggest(&o, &d), 0);
	assert_int_equal(sdh_dropin_to_text(d, &text), 0);
	if (ret_d)
		*ret_d = d;
	else
		sdh_dropin_free(d);
	return text;
}

/* Is LINE one whole line of TEXT? */
static inline bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
	return false;
}
