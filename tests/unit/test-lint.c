/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lint rule table, its engine on hand-built units, exclusions and renderings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "basic/macro.h"
#include "lint/lint-internal.h"
#include "lint/lint-tables.h"
#include "sdharden/kb.h"
#include "sdharden/lint.h"
#include "sdharden/settings.h"

/* A unit built by hand: "section key value" triples in one file. */
struct fake {
	struct sdh_unit u;
	struct sdh_assignment a[16];
};

static void fake_init(struct fake *f, const char *name, const char *const *triples, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->u.name = (char *)name;
	f->u.id = (char *)name;
	f->u.type = strrchr(name, '.') ? (char *)strrchr(name, '.') + 1 : (char *)"service";
	f->u.load_state = SDH_LOAD_LOADED;
	f->u.fragment_path = (char *)"/etc/systemd/system/x.service";
	assert_true(n / 3 <= ELEMENTSOF(f->a));
	for (size_t i = 0; i < n / 3; i++)
		f->a[i] = (struct sdh_assignment){
			.section = (char *)triples[3 * i],
			.key = (char *)triples[3 * i + 1],
			.value = (char *)triples[3 * i + 2],
			.file = (char *)(strncmp(triples[3 * i + 1], "Drop", 4) == 0
						 ? "/etc/systemd/system/x.service.d/a.conf"
						 : "/etc/systemd/system/x.service"),
			.line = (unsigned)i + 1,
		};
	f->u.assignments = f->a;
	f->u.n_assignments = n / 3;
}

static struct sdh_settings *settings_of(struct fake *f)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s = NULL;

	assert_int_equal(sdh_settings_build(&f->u, &d, &s), 0);
	sdh_diags_release(&d);
	return s;
}

/* Lint with only RULE enabled; returns the number of findings, first one in *first. */
static size_t lint_one(struct fake *f, const char *rule, struct sdh_lint_findings *out)
{
	char *enable[] = { (char *)rule, NULL };
	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;

	o.root = "/nonexistent-root";
	o.version = SDH_VERSION_V252;
	o.enable = enable;
	assert_int_equal(sdh_lint_unit(&o, &f->u, out), 0);
	for (size_t i = 0; i < out->n; i++)
		assert_string_equal(out->items[i].rule->id, rule);
	return out->n;
}

static void test_lint__table_matches_functions(void **state)
{
	size_t n_rules, n_impls;
	const struct sdh_lint_rule *rules = sdh_lint_rules(&n_rules);
	const struct lint_rule_impl *impls = lint_rule_impls(&n_impls);

	(void)state;
	assert_true(n_rules >= 27);
	assert_int_equal(n_rules, n_impls);
	for (size_t i = 0; i < n_rules; i++) {
		/* Same ids in the same (sorted) order: every row has a function and vice versa. */
		assert_string_equal(rules[i].id, impls[i].id);
		if (i > 0)
			assert_true(strcmp(rules[i - 1].id, rules[i].id) < 0);
		assert_true(streq(rules[i].severity, "error") ||
			    streq(rules[i].severity, "warning") ||
			    streq(rules[i].severity, "info"));
		assert_true(strlen(rules[i].summary) > 10);
		assert_true(strlen(rules[i].rationale) > 40);
		assert_true(strlen(rules[i].fix) > 10);
		assert_ptr_equal(sdh_lint_rule_lookup(rules[i].id), &rules[i]);
	}
	assert_null(sdh_lint_rule_lookup("no-such-rule"));
	assert_int_equal(sdh_lint_rule_severity(sdh_lint_rule_lookup("invalid-value")),
			 SDH_SEVERITY_ERROR);
}

static void test_lint__deprecated_table(void **state)
{
	(void)state;
	assert_string_equal(sdh_lint_deprecated_lookup("MemoryLimit")->replacement, "MemoryMax=");
	assert_null(sdh_lint_deprecated_lookup("BusPolicy")->replacement);
	assert_null(sdh_lint_deprecated_lookup("MemoryMax"));
	/* Every deprecated directive is one systemd knows (else unknown-directive applies). */
	for (size_t i = 0; i < sdh_kb_lint_deprecated_count; i++)
		assert_non_null(sdh_directive_lookup(sdh_kb_lint_deprecated[i].directive));
}

static void test_lint__unknown_and_section(void **state)
{
	static const char *const t[] = {
		"Service", "ProtectSytem", "yes",       "Unit",   "User",     "foo",
		"Service", "X-Custom",     "1",         "X-Mine", "Whatever", "1",
		"Service", "ProtectProc",  "invisible",
	};
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct fake u;

	(void)state;
	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	assert_int_equal(lint_one(&u, "unknown-directive", &f), 1);
	assert_int_equal(f.items[0].line, 1);
	assert_non_null(strstr(f.items[0].fix, "ProtectSystem="));
	sdh_lint_findings_release(&f);
	assert_int_equal(lint_one(&u, "wrong-section", &f), 1);
	assert_non_null(strstr(f.items[0].message, "[Service]"));
	sdh_lint_findings_release(&f);
	/* ProtectProc= is v247: known at 252, so not too new. */
	assert_int_equal(lint_one(&u, "directive-too-new", &f), 0);
	sdh_lint_findings_release(&f);
}

static void test_lint__capset_semantics(void **state)
{
	static const char *const t[] = {
		"Service",
		"CapabilityBoundingSet",
		"CAP_NET_ADMIN CAP_CHOWN",
		"Service",
		"CapabilityBoundingSet",
		"~CAP_CHOWN",
		"Service",
		"AmbientCapabilities",
		"CAP_NET_ADMIN CAP_NET_RAW",
		"Service",
		"User",
		"nobody",
	};
	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct sdh_settings *s = NULL;
	struct fake u;
	struct lint_ctx c = { .o = &o, .exec_section = "Service", .root_fd = -1 };

	(void)state;
	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	c.u = &u.u;
	c.s = s = settings_of(&u);
	/* First assignment replaces the full set, "~X" then removes X: only NET_ADMIN (12). */
	assert_true(lint_bounding_set(&c) == (UINT64_C(1) << 12));
	assert_false(lint_runs_as_root(&c));
	sdh_settings_free(s);
	assert_int_equal(lint_one(&u, "ambient-outside-bounding", &f), 1);
	assert_non_null(strstr(f.items[0].message, "CAP_NET_RAW"));
	assert_null(strstr(f.items[0].message, "CAP_NET_ADMIN"));
	sdh_lint_findings_release(&f);
	assert_int_equal(lint_one(&u, "ambient-without-user", &f), 0);
	sdh_lint_findings_release(&f);
}

static void test_lint__syscall_filter(void **state)
{
	static const char *const allow[] = {
		"Service", "SystemCallFilter", "@system-service",
		"Service", "SystemCallFilter", "~@privileged",
	};
	static const char *const deny_then_allow[] = {
		"Service", "SystemCallFilter", "~@mount",
		"Service", "SystemCallFilter", "@basic-io mount",
	};
	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct lint_ctx c = { .o = &o, .exec_section = "Service", .version = SDH_VERSION_V252 };
	struct sdh_settings *s;
	struct fake u;

	(void)state;
	fake_init(&u, "x.service", allow, ELEMENTSOF(allow));
	c.u = &u.u;
	c.s = s = settings_of(&u);
	assert_int_equal(lint_syscall_allowed(&c, "read"), 1);
	assert_int_equal(lint_syscall_allowed(&c, "mount"), 0);
	assert_int_equal(lint_syscall_allowed(&c, "setuid"), 0); /* @privileged ⊃ @setuid */
	sdh_settings_free(s);
	assert_int_equal(lint_one(&u, "syscall-filter-polarity", &f), 0);
	sdh_lint_findings_release(&f);

	fake_init(&u, "x.service", deny_then_allow, ELEMENTSOF(deny_then_allow));
	c.s = s = settings_of(&u);
	assert_int_equal(lint_syscall_allowed(&c, "mount"), 1); /* removed from the deny list */
	assert_int_equal(lint_syscall_allowed(&c, "kexec_load"), 1);
	sdh_settings_free(s);
	assert_int_equal(lint_one(&u, "syscall-filter-polarity", &f), 1);
	assert_int_equal(f.items[0].line, 2);
	sdh_lint_findings_release(&f);

	/* Taking back a member of the deny list ("~@mount" then "chroot") is deliberate. */
	u.a[1].value = (char *)"chroot";
	assert_int_equal(lint_one(&u, "syscall-filter-polarity", &f), 0);
	sdh_lint_findings_release(&f);
}

static void test_lint__invalid_values(void **state)
{
	static const char *const t[] = {
		"Service",
		"ProtectSystem",
		"maybe", /* bad enum */
		"Service",
		"ProtectHome",
		"read-only", /* fine */
		"Service",
		"NoNewPrivileges",
		"ja", /* bad bool */
		"Service",
		"CapabilityBoundingSet",
		"CAP_CHOWN CAP_NOPE",
		"Service",
		"RestrictAddressFamilies",
		"AF_UNIX AF_INETT",
		"Service",
		"SystemCallFilter",
		"~@mount @nope",
		"Service",
		"ReadWritePaths",
		"-/var/lib/x relative",
		"Service",
		"PrivateTmp",
		"%I", /* specifier: unknown */
		"Service",
		"Nice",
		"20", /* out of -20..19 */
		"Service",
		"KillSignal",
		"SIGFOO",
		"Service",
		"OOMScoreAdjust",
		"-1000",
		"Service",
		"RestartKillSignal",
		"RTMIN+3",
	};
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct fake u;

	(void)state;
	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	assert_int_equal(lint_one(&u, "invalid-value", &f), 8);
	assert_non_null(strstr(f.items[6].message, "'Nice=20'"));
	assert_non_null(strstr(f.items[7].message, "'KillSignal=SIGFOO'"));
	assert_non_null(strstr(f.items[0].message, "'ProtectSystem=maybe'"));
	assert_non_null(strstr(f.items[2].message, "'CAP_NOPE'"));
	assert_non_null(strstr(f.items[3].message, "'AF_INETT'"));
	assert_non_null(strstr(f.items[4].message, "'@nope'"));
	assert_non_null(strstr(f.items[5].message, "'relative'"));
	sdh_lint_findings_release(&f);
}

static void test_lint__duplicate_and_dropin(void **state)
{
	static const char *const t[] = {
		"Service", "ProtectSystem",  "full",      "Service", "ProtectSystem",  "strict",
		"Service", "ReadWritePaths", "/a",        "Service", "ReadWritePaths", "/b",
		"Service", "ExecStart",      "/bin/true",
	};
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct fake u;

	(void)state;
	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	assert_int_equal(lint_one(&u, "duplicate-assignment", &f), 1); /* lists may repeat */
	assert_int_equal(f.items[0].line, 1);
	sdh_lint_findings_release(&f);

	/* The same ExecStart= again from a drop-in, without a reset, then with one. */
	u.a[5] = u.a[4];
	u.a[5].file = (char *)"/etc/systemd/system/x.service.d/a.conf";
	u.a[5].from_dropin = true;
	u.u.n_assignments = 6;
	assert_int_equal(lint_one(&u, "dropin-list-not-reset", &f), 1);
	sdh_lint_findings_release(&f);
	u.a[6] = u.a[5];
	u.a[5].value = (char *)"";
	u.u.n_assignments = 7;
	assert_int_equal(lint_one(&u, "dropin-list-not-reset", &f), 0);
	sdh_lint_findings_release(&f);
}

static void test_lint__config(void **state)
{
	struct sdh_lint_config cfg = { 0 };
	struct sdh_diags d = SDH_DIAGS_INIT;
	static const char *const t[] = { "Service", "PIDFile", "/run/x.pid" };
	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct fake u;

	(void)state;
	assert_int_equal(sdh_lint_config_parse("# baseline\n"
					       "x.service pidfile-in-run-root # accepted\n"
					       "y*.service *\n"
					       "z.service nope-rule,root-without-need\n"
					       "broken\n",
					       "lint.conf", &cfg, &d),
			 0);
	assert_int_equal(cfg.n, 3);
	assert_int_equal(d.n, 2); /* unknown rule, malformed line */
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[1].line, 5);

	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	o.root = "/nonexistent-root";
	assert_int_equal(sdh_lint_unit(&o, &u.u, &f), 0);
	assert_int_equal(f.n, 1);
	sdh_lint_findings_release(&f);
	o.config = &cfg;
	assert_int_equal(sdh_lint_unit(&o, &u.u, &f), 0);
	assert_int_equal(f.n, 0);
	sdh_lint_config_release(&cfg);
	sdh_diags_release(&d);
}

static void test_lint__formats(void **state)
{
	static const char *const t[] = { "Service", "PIDFile",       "/run/x \"q\".pid",
					 "Service", "ProtectSystem", "maybe" };
	struct sdh_lint_options o = SDH_LINT_OPTIONS_INIT;
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct fake u;
	char *s = NULL;
	json_object *j, *x, *runs, *res;

	(void)state;
	fake_init(&u, "x.service", t, ELEMENTSOF(t));
	o.root = "/nonexistent-root";
	assert_int_equal(sdh_lint_unit(&o, &u.u, &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(sdh_lint_findings_count(&f, SDH_SEVERITY_WARNING), 1);

	assert_int_equal(sdh_lint_format_text(&f, SDH_SEVERITY_INFO, &s), 0);
	assert_non_null(strstr(s, "/etc/systemd/system/x.service:1: info: "));
	assert_non_null(strstr(s, "[pidfile-in-run-root]\n    fix: "));
	free(s);

	assert_int_equal(sdh_lint_format_json(&f, SDH_SEVERITY_WARNING, &s), 0);
	j = json_tokener_parse(s);
	assert_non_null(j);
	assert_int_equal(json_object_array_length(j), 1);
	x = json_object_array_get_idx(j, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(x, "rule")),
			    "invalid-value");
	assert_int_equal(json_object_get_int(json_object_object_get(x, "line")), 2);
	assert_string_equal(json_object_get_string(json_object_object_get(x, "unit")), "x.service");
	json_object_put(j);
	free(s);

	assert_int_equal(sdh_lint_format_sarif(&f, SDH_SEVERITY_INFO, "1.0", &s), 0);
	j = json_tokener_parse(s);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_object_get(j, "version")), "2.1.0");
	runs = json_object_object_get(j, "runs");
	res = json_object_object_get(json_object_array_get_idx(runs, 0), "results");
	assert_int_equal(json_object_array_length(res), 2);
	x = json_object_array_get_idx(res, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(x, "level")), "note");
	json_object_put(j);
	free(s);
	sdh_lint_findings_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint__table_matches_functions),
		cmocka_unit_test(test_lint__deprecated_table),
		cmocka_unit_test(test_lint__unknown_and_section),
		cmocka_unit_test(test_lint__capset_semantics),
		cmocka_unit_test(test_lint__syscall_filter),
		cmocka_unit_test(test_lint__invalid_values),
		cmocka_unit_test(test_lint__duplicate_and_dropin),
		cmocka_unit_test(test_lint__config),
		cmocka_unit_test(test_lint__formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
