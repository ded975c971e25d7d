/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Check evaluation, arithmetic, row order and rendering of the exposure score (spec §3-§6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/strv.h"
#include "sdharden/score.h"

static struct sdh_score *score(struct sdh_settings *s, const struct sdh_policy *p)
{
	struct sdh_score *sc = NULL;

	assert_int_equal(sdh_score_compute(s, p, &sc), 0);
	return sc;
}

/* Spec §4 worked example: the empty service is 9.6 on 252 and 9.4 on 262 (PrivateMounts). */
static void test_score__empty_service(void **state)
{
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, 022);
	struct sdh_score *sc = score(s, NULL);
	const struct sdh_score_row *r;

	(void)state;
	assert_int_equal(sc->exposure, 96);
	assert_string_equal(sdh_exposure_predicate(sc->exposure), "UNSAFE");
	r = sdh_score_find(sc, "PrivateNetwork");
	assert_true(r->has_exposure);
	assert_int_equal(r->exposure, 5); /* ceil(250000 / 56160) */
	assert_int_equal(sdh_score_find(sc, "SupplementaryGroups")->set, -1);
	assert_int_equal(sdh_score_find(sc, "PrivateMounts")->set, 0);
	sdh_score_free(sc);
	sdh_settings_free(s);

	s = sdh_settings_new("a.service", SDH_VERSION_V262, SDH_SCOPE_SYSTEM, 022);
	sc = score(s, NULL);
	assert_int_equal(sc->exposure, 94);
	assert_int_equal(sdh_score_find(sc, "PrivateMounts")->set, 1);
	sdh_score_free(sc);
	sdh_settings_free(s);
}

static void test_score__predicates(void **state)
{
	(void)state;
	assert_string_equal(sdh_exposure_predicate(100), "DANGEROUS");
	assert_string_equal(sdh_exposure_predicate(90), "UNSAFE");
	assert_string_equal(sdh_exposure_predicate(89), "EXPOSED");
	assert_string_equal(sdh_exposure_predicate(50), "MEDIUM");
	assert_string_equal(sdh_exposure_predicate(10), "OK");
	assert_string_equal(sdh_exposure_predicate(1), "SAFE");
	assert_string_equal(sdh_exposure_predicate(0), "PERFECT");
	assert_string_equal(sdh_exposure_smiley(96, false), ":-{");
}

/* Rows sort by description descending, then name; ProtectProc=noaccess has an empty cell. */
static void test_score__sort(void **state)
{
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V262, SDH_SCOPE_SYSTEM, 022);
	struct sdh_score *sc;

	(void)state;
	free(s->protect_proc);
	s->protect_proc = strdup("noaccess");
	sc = score(s, NULL);
	/* v258+: the empty description comes first. */
	assert_string_equal(sc->rows[0].check->json_field, "ProtectProc");
	assert_null(sc->rows[0].description);
	for (size_t i = 2; i < sc->n_rows; i++)
		assert_true(strcmp(sc->rows[i - 1].description, sc->rows[i].description) >= 0);
	sdh_score_free(sc);
	sdh_settings_free(s);
}

static void test_score__syscall_rows(void **state)
{
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, 022);
	struct sdh_score *sc;
	const struct sdh_score_row *r;

	(void)state;
	s->syscall_allow_list = true;
	assert_int_equal(sdh_settings_syscall_set(s, 169 /* reboot */, -1), 0);
	sc = score(s, NULL);
	r = sdh_score_find(sc, "SystemCallFilter_reboot");
	assert_int_equal(r->badness, 9);
	assert_int_equal(r->set, 0);
	assert_string_equal(r->description,
			    "System call allow list defined for service, and @reboot "
			    "is included (e.g. reboot is allowed)");
	r = sdh_score_find(sc, "SystemCallFilter_swap");
	assert_int_equal(r->badness, 0);
	sdh_score_free(sc);
	sdh_settings_free(s);
}

static void test_score__policy(void **state)
{
	static const char policy[] =
		"{\"PrivateNetwork\":{\"weight\":0},"
		"\"UserOrDynamicUser\":{\"range\":20,\"description_bad\":\"ROOT!\"},"
		"\"UMask\":{\"weight\":\"100\"}}";
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, 022);
	struct sdh_policy *p = NULL;
	struct sdh_score *sc = NULL;
	cleanup_free char *err = NULL;
	const struct sdh_score_row *r;

	(void)state;
	assert_int_equal(sdh_policy_parse(policy, strlen(policy), SDH_VERSION_V252, &p, &err), 0);
	sc = score(s, p);
	r = sdh_score_find(sc, "PrivateNetwork");
	assert_int_equal(r->set, -1);
	assert_string_equal(r->description, "Option excluded by policy, skipping");
	r = sdh_score_find(sc, "UserOrDynamicUser");
	assert_int_equal(r->range, 20);
	assert_string_equal(r->description, "ROOT!"); /* badness 10 = built-in range: bad text */
	assert_int_equal(sdh_score_find(sc, "UMask")->weight, 100); /* string ignored */
	sdh_score_free(sc);
	sdh_policy_free(p);

	free(TAKE_PTR(err));
	/* A range below the badness: systemd aborts, we refuse. */
	p = NULL;
	assert_int_equal(
		sdh_policy_parse("{\"UMask\":{\"range\":3}}", 21, SDH_VERSION_V252, &p, &err), 0);
	assert_int_equal(sdh_score_compute(s, p, &sc), -ERANGE);
	sdh_policy_free(p);

	/* Non-object top level: ignored on 252, an error on 262. */
	p = NULL;
	assert_int_equal(sdh_policy_parse("[1]", 3, SDH_VERSION_V252, &p, &err), 0);
	sdh_policy_free(p);
	p = NULL;
	assert_int_equal(sdh_policy_parse("[1]", 3, SDH_VERSION_V262, &p, &err), -EINVAL);
	free(TAKE_PTR(err));
	assert_int_equal(sdh_policy_parse("{\"a\":", 5, SDH_VERSION_V262, &p, &err), -EINVAL);
	sdh_settings_free(s);
}

static void test_score__text_layout(void **state)
{
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, 022);
	struct sdh_score *sc = score(s, NULL);
	struct sdh_render_options o = { .utf8 = false, .emoji = false };
	cleanup_free char *t = sdh_score_format_text(sc, &o);
	cleanup_free char *j = sdh_score_format_json(sc, true, false);
	const char *last;

	(void)state;
	assert_non_null(t);
	assert_true(strncmp(t, "  NAME ", 7) == 0);
	last = strstr(t, "\n\n-> Overall exposure level for a.service: 9.6 UNSAFE :-{\n");
	assert_non_null(last);
	assert_string_equal(
		last + strlen("\n\n-> Overall exposure level for a.service: 9.6 UNSAFE :-{\n"), "");
	/* Every line is 142 columns, or 134 + a space when EXPOSURE is empty (spec §5.1). */
	for (const char *p = t; p < last;) {
		const char *e = strchr(p, '\n');
		size_t cols = 0;

		/* Columns, not bytes: the "…" of RestrictAddressFamilies=~… is UTF-8 regardless. */
		for (const char *q = p; q < e; q++)
			cols += ((unsigned char)*q & 0xc0) != 0x80;
		assert_true(cols == 142 || cols == 134);
		p = e + 1;
	}
	assert_true(strncmp(j, "[\n\t{\n\t\t\"set\" : ", 15) == 0);
	sdh_score_free(sc);
	sdh_settings_free(s);
}

/* Appending tables to one buffer gives the same text as formatting each (debug columns too). */
static void test_score__append_text(void **state)
{
	struct sdh_settings *s =
		sdh_settings_new("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, 022);
	struct sdh_score *sc = score(s, NULL);

	(void)state;
	for (unsigned k = 0; k < 4; k++) {
		struct sdh_render_options o = { .utf8 = k & 1, .emoji = k & 1, .debug = k & 2 };
		cleanup_free char *t = sdh_score_format_text(sc, &o), *twice = NULL;
		cleanup_strbuf struct strbuf sb = STRBUF_INIT;

		assert_non_null(t);
		assert_int_equal(sdh_score_append_text(&sb, sc, &o), 0);
		assert_string_equal(sb.buf, t);
		assert_int_equal(sdh_score_append_text(&sb, sc, &o), 0);
		assert_true(asprintf(&twice, "%s%s", t, t) > 0);
		assert_string_equal(sb.buf, twice);
	}
	sdh_score_free(sc);
	sdh_settings_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score__empty_service),
		cmocka_unit_test(test_score__predicates),
		cmocka_unit_test(test_score__sort),
		cmocka_unit_test(test_score__syscall_rows),
		cmocka_unit_test(test_score__policy),
		cmocka_unit_test(test_score__text_layout),
		cmocka_unit_test(test_score__append_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
