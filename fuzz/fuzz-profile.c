/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The profile reader on arbitrary bytes: parse, and when that succeeds, write it back and parse
 * the result again, which must give the same JSON (the writer and reader agree).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "sdharden/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdh_profile *p = NULL, *q = NULL, *m = NULL;
	cleanup_free char *text = NULL, *text2 = NULL;

	if (sdh_profile_parse((const char *)data, size, &p) < 0)
		return 0;
	if (sdh_profile_to_json(p, &text) < 0)
		abort();
	if (sdh_profile_parse(text, strlen(text), &q) < 0)
		abort();
	if (sdh_profile_to_json(q, &text2) < 0 || strcmp(text, text2) != 0)
		abort();
	m = sdh_profile_new();
	if (!m || sdh_profile_merge(m, p) < 0 || sdh_profile_merge(m, q) < 0)
		abort();
	sdh_profile_free(m);
	sdh_profile_free(q);
	sdh_profile_free(p);
	return 0;
}
