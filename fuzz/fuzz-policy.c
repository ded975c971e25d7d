/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy files are user input: parse arbitrary bytes as a --security-policy= file for 252 and
 * 262 and, when accepted, score a default service with it (ranges and weights of 0, ranges
 * below the badness must give -ERANGE, never a crash or a division by zero).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "sdharden/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned versions[] = { SDH_VERSION_V252, SDH_VERSION_V262 };
	cleanup_free char *text = NULL;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	for (size_t i = 0; i < ELEMENTSOF(versions); i++) {
		struct sdh_policy *p = NULL;
		struct sdh_settings *s = NULL;
		struct sdh_score *sc = NULL;
		cleanup_free char *err = NULL;
		int r = sdh_policy_parse(text, size, versions[i], &p, &err);

		if (r < 0)
			continue;
		s = sdh_settings_new("fuzz.service", versions[i], SDH_SCOPE_SYSTEM, 022);
		if (s && sdh_score_compute(s, p, &sc) >= 0) {
			struct sdh_render_options o = { .utf8 = true, .debug = true };
			free(sdh_score_format_text(sc, &o));
			free(sdh_score_format_json(sc, true, true));
		}
		sdh_score_free(sc);
		sdh_settings_free(s);
		sdh_policy_free(p);
	}
	return 0;
}
