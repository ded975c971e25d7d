/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Invariants of the generated knowledge tables and their lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "basic/macro.h"
#include "kb/kb-tables.h"
#include "sdharden/kb.h"

static void test_kb__directives_sorted_unique(void **state)
{
	(void)state;
	assert_int_equal(sdh_kb_directives_count, 531); /* directives.tsv: all of v262 */
	for (size_t i = 1; i < sdh_kb_directives_count; i++)
		assert_true(strcmp(sdh_kb_directives[i - 1].directive,
				   sdh_kb_directives[i].directive) < 0);
}

static void test_kb__directive_lookup(void **state)
{
	const struct sdh_directive *d;

	(void)state;
	d = sdh_directive_lookup("ProtectProc");
	assert_non_null(d);
	assert_int_equal(d->version_added, SDH_VERSION(247, 0));
	assert_true(sdh_directive_in_section(d, "Service"));
	assert_false(sdh_directive_in_section(d, "Unit"));
	assert_false(sdh_directive_known_at(d, SDH_VERSION(246, 0)));
	assert_true(sdh_directive_known_at(d, SDH_VERSION_V252));
	assert_null(sdh_directive_lookup("ProtectProcs"));
	assert_string_equal(sdh_directive_suggest("ProtectSytem"), "ProtectSystem");
	assert_string_equal(sdh_directive_suggest("protectsystem"), "ProtectSystem");
}

static void test_kb__capabilities(void **state)
{
	(void)state;
	assert_int_equal(sdh_kb_capabilities_count, 41);
	for (size_t i = 0; i < sdh_kb_capabilities_count; i++)
		assert_int_equal(sdh_kb_capabilities[i].number, i);
	assert_int_equal(sdh_capability_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(sdh_capability_from_name("cap_net_raw"), 13);
	assert_int_equal(sdh_capability_from_name("sys_admin"), 21);
	assert_int_equal(sdh_capability_from_name("40"), 40);
	assert_int_equal(sdh_capability_from_name("64"), -EINVAL);
	assert_int_equal(sdh_capability_from_name("CAP_NOPE"), -EINVAL);
}

static void test_kb__address_families(void **state)
{
	(void)state;
	assert_int_equal(sdh_kb_address_families_count, 48);
	assert_int_equal(sdh_address_family_lookup("af_local")->number, 1);
	assert_string_equal(sdh_address_family_lookup("AF_ROUTE")->security_bucket, "netlink");
	assert_null(sdh_address_family_lookup("AF_UNSPEC"));
}

static int count_member(const struct sdh_syscall_group_member *m, void *userdata)
{
	(void)m;
	(*(unsigned *)userdata)++;
	return 0;
}

static void test_kb__syscall_groups(void **state)
{
	unsigned n = 0;

	(void)state;
	/* Member counts of the closures as in exposure-spec.md §8 (v262). */
	assert_int_equal(
		sdh_syscall_group_walk(SDH_VERSION_V262, "@privileged", true, count_member, &n), 0);
	assert_int_equal(n, 53);
	n = 0;
	assert_int_equal(
		sdh_syscall_group_walk(SDH_VERSION_V262, "@obsolete", true, count_member, &n), 0);
	assert_int_equal(n, 27);
	assert_int_equal(sdh_syscall_group_walk(SDH_VERSION_V262, "@nope", true, count_member, &n),
			 -ENOENT);
	assert_true(sdh_syscall_group_exists(SDH_VERSION_V252, "@system-service"));
	assert_false(sdh_syscall_group_exists(SDH_VERSION_V252, "@sandbox"));
	assert_true(sdh_syscall_group_exists(SDH_VERSION_V262, "@sandbox"));
	assert_string_equal(sdh_syscall_group_help_text(SDH_VERSION_V252, "@aio"),
			    "Asynchronous IO");
}

static void test_kb__group_help_counts_match(void **state)
{
	(void)state;
	/* The help table's member counts are the non-recursive member rows of each version. */
	for (size_t i = 0; i < sdh_kb_syscall_group_help_count; i++) {
		const struct sdh_syscall_group_help *h = &sdh_kb_syscall_group_help[i];
		unsigned n = 0;

		if (h->version == SDH_VERSION(252, 0))
			continue; /* the tag's @known is generated differently (exposure-spec.md §8)
				   */
		assert_int_equal(sdh_syscall_group_walk(h->version == SDH_VERSION(252, 39)
								? SDH_VERSION_V252
								: SDH_VERSION_V262,
							h->group, false, count_member, &n),
				 0);
		if (n != h->member_count)
			fail_msg("%u %s: %u members, help table says %u", h->version, h->group, n,
				 h->member_count);
	}
}

static void test_kb__checks(void **state)
{
	size_t n;
	const struct sdh_check_row *c;

	(void)state;
	c = sdh_checks(SDH_VERSION(252, 0), &n);
	assert_int_equal(n, 80);
	c = sdh_checks(SDH_VERSION_V252, &n);
	assert_int_equal(n, 81);
	c = sdh_checks(SDH_VERSION_V262, &n);
	assert_int_equal(n, 81);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(c[i].order, i + 1);
		assert_true(c[i].weight > 0 && c[i].range > 0);
	}
	assert_string_equal(c[33].json_field,
			    "CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)");
	assert_null(c[0].description_good);
}

static void test_kb__versions(void **state)
{
	unsigned v;

	(void)state;
	assert_int_equal(sdh_version_parse("252", &v), 0);
	assert_int_equal(v, SDH_VERSION_V252);
	assert_int_equal(sdh_version_parse("252.38-1~deb12u1", &v), 0);
	assert_int_equal(v, SDH_VERSION(252, 38));
	assert_int_equal(sdh_version_parse("v262", &v), 0);
	assert_int_equal(v, SDH_VERSION_V262);
	assert_int_equal(sdh_version_parse("abc", &v), -EINVAL);
	assert_int_equal(sdh_version_parse("252x", &v), -EINVAL);
	assert_int_equal(sdh_version_parse("2", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kb__directives_sorted_unique),
		cmocka_unit_test(test_kb__directive_lookup),
		cmocka_unit_test(test_kb__capabilities),
		cmocka_unit_test(test_kb__address_families),
		cmocka_unit_test(test_kb__syscall_groups),
		cmocka_unit_test(test_kb__group_help_counts_match),
		cmocka_unit_test(test_kb__checks),
		cmocka_unit_test(test_kb__versions),
	};

	return cmocka_run_group_tests_name("kb", tests, NULL, NULL);
}
