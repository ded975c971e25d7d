/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Check evaluation, arithmetic, row order and rendering of the exposure score (spec §3-§6). */
#include <errno.h>
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
#include "settings-test-util.h"

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

/* The memo's text: the table where the memo keeps it (or in SB), then the summary line. */
static char *memo_text(struct sdh_score_memo *m, struct sdh_settings *s,
		       const struct sdh_render_options *o, unsigned *ret_exposure,
		       const char **ret_table)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	struct sdh_score *sc = NULL;
	const char *table = NULL;
	size_t len = 0;

	assert_int_equal(sdh_score_memo_compute(m, s, &sb, &table, &len, &sc), 0);
	assert_null(sc->rows);
	if (table)
		strbuf_add(&out, table, len);
	strbuf_add(&out, sb.buf, sb.len);
	sdh_score_append_summary(&out, sc->id, sc->exposure, o);
	*ret_exposure = sc->exposure;
	if (ret_table)
		*ret_table = table;
	sdh_score_free(sc);
	return strbuf_detach(&out);
}

/*
 * Records that differ in one thing a check looks at, in three versions and both scopes: the
 * memo gives each the text and exposure sdh_score_compute() gives, the first time (scored) and
 * the second (found), so no two of them that score differently share a key.
 */
static void test_score__memo_same_as_compute(void **state)
{
	static const char *const variants[] = {
		NULL,
		"Service|User|root",
		"Service|User|0",
		"Service|User|nobody",
		"Service|User|alice",
		"Service|User|",
		"Service|DynamicUser|yes",
		"Service|SupplementaryGroups|adm",
		"Service|NoNewPrivileges|yes",
		"Service|LockPersonality|yes",
		"Service|MemoryDenyWriteExecute|yes",
		"Service|ProtectHostname|yes",
		"Service|PrivateDevices|yes",
		"Service|PrivateMounts|no",
		"Service|PrivateMounts|yes",
		"Service|PrivateNetwork|yes",
		"Service|PrivateTmp|yes",
		"Service|PrivateUsers|yes",
		"Service|ProtectControlGroups|yes",
		"Service|ProtectKernelModules|yes",
		"Service|ProtectKernelTunables|yes",
		"Service|ProtectKernelLogs|yes",
		"Service|ProtectClock|yes",
		"Service|RemoveIPC|yes",
		"Service|RestrictRealtime|yes",
		"Service|RestrictSUIDSGID|yes",
		"Service|Delegate|yes",
		"Service|KeyringMode|shared",
		"Service|ProtectProc|noaccess",
		"Service|ProtectProc|invisible",
		"Service|ProcSubset|pid",
		"Service|NotifyAccess|all",
		"Service|ProtectHome|yes",
		"Service|ProtectHome|tmpfs",
		"Service|ProtectHome|read-only",
		"Service|ProtectSystem|strict",
		"Service|ProtectSystem|full",
		"Service|ProtectSystem|yes",
		"Service|RootDirectory|/srv",
		"Service|RootDirectory|/",
		"Service|RootImage|/img.raw",
		"Service|UMask|0077",
		"Service|UMask|0027",
		"Service|UMask|0007",
		"Service|UMask|0002",
		"Service|UMask|0000",
		"Service|RestrictNamespaces|yes",
		"Service|RestrictNamespaces|net ipc",
		"Service|RestrictAddressFamilies|AF_UNIX",
		"Service|RestrictAddressFamilies|~AF_PACKET",
		"Service|SystemCallArchitectures|native",
		"Service|SystemCallArchitectures|native x86",
		"Service|SystemCallFilter|@system-service",
		"Service|SystemCallFilter|~@mount",
		"Service|SystemCallFilter|@system-service mount:EPERM",
		"Service|IPAddressDeny|any",
		"Service|IPAddressAllow|localhost",
		"Service|IPAddressAllow|10.0.0.0/8",
		"Service|IPIngressFilterPath|/sys/fs/bpf/in",
		"Service|DevicePolicy|closed",
		"Service|DeviceAllow|/dev/null rw",
		"Service|AmbientCapabilities|CAP_NET_RAW",
		"Service|CapabilityBoundingSet|CAP_NET_BIND_SERVICE",
		"Unit|DefaultDependencies|no",
	};
	static const unsigned versions[] = { SDH_VERSION_V252, SDH_VERSION_V257, SDH_VERSION_V262 };
	struct sdh_render_options o = { .utf8 = true };
	struct sdh_score_memo *m = NULL;
	size_t hits, misses, n = 0;

	(void)state;
	assert_int_equal(sdh_score_memo_new(NULL, &o, &m), 0);
	for (unsigned pass = 0; pass < 2; pass++)
		for (size_t v = 0; v < ELEMENTSOF(versions); v++)
			for (unsigned user = 0; user < 2; user++)
				for (size_t i = 0; i < ELEMENTSOF(variants); i++) {
					/* With a deny-all, the allow list and the ACL matter. */
					const char *extra =
						i > 0 && strstr(variants[i], "Allow")
							? (strstr(variants[i], "Device")
								   ? "Service|DevicePolicy|strict"
								   : "Service|IPAddressDeny|any")
							: NULL;
					const char *const lines[] = { variants[i] ? variants[i]
										  : extra,
								      extra, NULL };
					struct sdh_diags d = { 0 };
					struct sdh_settings *s =
						build(user ? "u.service" : "a.service", versions[v],
						      user ? SDH_SCOPE_USER : SDH_SCOPE_SYSTEM, &d,
						      variants[i] ? lines : lines + 1);
					struct sdh_score *sc = score(s, NULL);
					cleanup_free char *want = sdh_score_format_text(sc, &o);
					cleanup_free char *got = NULL;
					unsigned exposure = 0;

					got = memo_text(m, s, &o, &exposure, NULL);
					assert_string_equal(got, want);
					assert_int_equal(exposure, sc->exposure);
					sdh_score_free(sc);
					sdh_settings_free(s);
					sdh_diags_release(&d);
					n++;
				}
	sdh_score_memo_stats(m, &hits, &misses);
	assert_int_equal(hits + misses, n);
	assert_true(hits >= n / 2); /* the whole second pass */
	sdh_score_memo_free(m);
}

/* Units that differ only in what no check reads share the memo's table; others do not. */
static void test_score__memo_shares(void **state)
{
	struct sdh_render_options o = { .utf8 = false };
	struct sdh_score_memo *m = NULL;
	struct sdh_diags d = { 0 };
	struct sdh_settings *alice = build("alice.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
					   LINES("Service|User|alice", "Service|ExecStart|/a"));
	struct sdh_settings *bob = build("bob.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
					 LINES("Service|User|bob", "Service|ExecStart|/b"));
	struct sdh_settings *root = build("root.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
					  LINES("Service|User|root"));
	cleanup_free char *ta = NULL, *tb = NULL, *tr = NULL;
	const char *pa, *pb, *pr;
	unsigned ea, eb, er;
	size_t hits, misses;
	struct sdh_score *sc = NULL;
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(sdh_score_memo_new(NULL, &o, &m), 0);
	ta = memo_text(m, alice, &o, &ea, &pa);
	tb = memo_text(m, bob, &o, &eb, &pb);
	tr = memo_text(m, root, &o, &er, &pr);
	assert_non_null(pa);
	assert_ptr_equal(pa, pb);
	assert_ptr_not_equal(pa, pr);
	assert_int_equal(ea, eb);
	assert_true(er > ea);
	assert_non_null(strstr(tb, "-> Overall exposure level for bob.service: "));
	sdh_score_memo_stats(m, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 2);

	/* Without RET_TABLE the table is copied into SB; without SB there is no text at all. */
	assert_int_equal(sdh_score_memo_compute(m, bob, &sb, NULL, NULL, &sc), 0);
	assert_true(strncmp(sb.buf, "  NAME ", 7) == 0);
	assert_int_equal(sb.len, strlen(tb) - strlen(strstr(tb, "-> Overall")));
	sdh_score_free(sc);
	assert_int_equal(sdh_score_memo_compute(m, bob, NULL, NULL, NULL, &sc), 0);
	assert_int_equal(sc->exposure, eb);
	assert_string_equal(sc->id, "bob.service");
	sdh_score_free(sc);
	/* A memo without render options has no text to give. */
	sdh_score_memo_free(m);
	assert_int_equal(sdh_score_memo_new(NULL, NULL, &m), 0);
	assert_int_equal(sdh_score_memo_compute(m, bob, &sb, NULL, NULL, &sc), -EINVAL);
	sdh_score_memo_free(m);
	sdh_settings_free(alice);
	sdh_settings_free(bob);
	sdh_settings_free(root);
	sdh_diags_release(&d);
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
		cmocka_unit_test(test_score__memo_same_as_compute),
		cmocka_unit_test(test_score__memo_shares),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
