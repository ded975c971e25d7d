/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the tests of the record and of the score share: a record built from "Section|Key|Value"
 * strings, as sdh_settings_build() builds it from a loaded unit.  Include after <cmocka.h>.
 */
#include <stdlib.h>
#include <string.h>

#include "sdharden/settings.h"
#include "sdharden/unit.h"

/* Build a unit named ID from "Section|Key|Value" triples, all in /u/ID at lines 1, 2, ... */
static inline struct sdh_settings *build(const char *id, unsigned version, enum sdh_scope scope,
					 struct sdh_diags *d, const char *const *lines)
{
	struct sdh_assignment a[64];
	struct sdh_unit u = {
		.name = (char *)id,
		.id = (char *)id,
		.scope = scope,
		.version = version,
		.load_state = SDH_LOAD_LOADED,
		.fragment_path = (char *)"/u/unit",
		.assignments = a,
	};
	struct sdh_settings *s = NULL;
	size_t n = 0;

	for (; lines[n]; n++) {
		char *copy = strdup(lines[n]);
		char *k = strchr(copy, '|'), *v = strchr(k + 1, '|');

		*k++ = 0;
		*v++ = 0;
		a[n] = (struct sdh_assignment){ .section = strdup(copy),
						.key = strdup(k),
						.value = strdup(v),
						.file = "/u/unit",
						.line = (unsigned)n + 1 };
		free(copy);
	}
	u.n_assignments = n;
	assert_int_equal(sdh_settings_build(&u, d, &s), 0);
	for (size_t i = 0; i < n; i++) {
		free((char *)a[i].section);
		free((char *)a[i].key);
		free((char *)a[i].value);
	}
	return s;
}

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })
