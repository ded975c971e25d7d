/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The effective security record built from hand-made assignment streams (spec §2.2, §2.4). */
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"
#include "settings-test-util.h"

static void test_settings__defaults(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
				       LINES("Service|ExecStart|/bin/true"));

	(void)state;
	assert_false(s->bad_setting);
	assert_null(s->user);
	assert_true(s->capability_bounding_set == UINT64_MAX);
	assert_int_equal(s->umask, 0022);
	assert_string_equal(s->keyring_mode, "private");
	assert_string_equal(s->notify_access, "none");
	assert_string_equal(s->device_policy, "auto");
	assert_int_equal(s->private_mounts, -1);
	assert_true(s->restrict_namespaces == SDH_NS_UNSET);
	assert_int_equal(s->origin[SDH_SETTING_USER].kind, SDH_ORIGIN_DEFAULT);
	sdh_settings_free(s);

	s = build("a.socket", SDH_VERSION_V252, SDH_SCOPE_USER, &d, LINES("Socket|ListenStream|1"));
	assert_string_equal(s->keyring_mode, "inherit");
	assert_null(s->notify_access);
	sdh_settings_free(s);
	s = build("a.timer", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Timer|OnCalendar|daily"));
	assert_null(s->keyring_mode);
	assert_null(s->protect_system);
	assert_int_equal(s->umask, 0002);
	sdh_settings_free(s);
	assert_int_equal(d.n, 0);
	sdh_diags_release(&d);
}

static void test_settings__capabilities(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;

	(void)state;
	/* Replace when the set is still the initial one, then merge. */
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|CapabilityBoundingSet|CAP_CHOWN",
			"Service|CapabilityBoundingSet|cap_kill bogus",
			"Service|AmbientCapabilities|~CAP_KILL"));
	assert_true(s->capability_bounding_set == ((UINT64_C(1) << 0) | (UINT64_C(1) << 5)));
	assert_int_equal(s->origin[SDH_SETTING_CAPABILITY_BOUNDING_SET].line, 3);
	/* ~S on the initial 0 replaces: every bit but CAP_KILL. */
	assert_true(s->ambient_capabilities == ~(UINT64_C(1) << 5));
	sdh_settings_free(s);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true",
			"Service|CapabilityBoundingSet|~CAP_SYS_ADMIN",
			"Service|CapabilityBoundingSet|~CAP_KILL", "Service|ProtectClock|yes"));
	assert_false(s->capability_bounding_set & (UINT64_C(1) << 21));
	assert_false(s->capability_bounding_set & (UINT64_C(1) << 5));
	assert_false(s->capability_bounding_set &
		     (UINT64_C(1) << 25)); /* implied by ProtectClock */
	assert_true(s->capability_bounding_set & (UINT64_C(1) << 0));
	assert_int_equal(s->origin[SDH_SETTING_CAPABILITY_BOUNDING_SET].kind, SDH_ORIGIN_IMPLIED);
	sdh_settings_free(s);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|CapabilityBoundingSet|"));
	assert_true(s->capability_bounding_set == 0);
	sdh_settings_free(s);
	sdh_diags_release(&d);
}

static void test_settings__booleans_and_versions(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;

	(void)state;
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|ProtectControlGroups|strict",
			"Service|PrivateTmp|On", "Service|PrivateMounts|no"));
	assert_false(s->protect_control_groups);
	assert_true(s->private_tmp);
	assert_int_equal(s->private_mounts, 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].line, 2);
	assert_int_equal(d.items[0].severity, SDH_SEVERITY_WARNING);
	sdh_settings_free(s);
	sdh_diags_release(&d);

	s = build("a.service", SDH_VERSION_V257, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|ProtectControlGroups|strict"));
	assert_true(s->protect_control_groups);
	assert_int_equal(d.n, 0);
	sdh_settings_free(s);
}

static void test_settings__namespaces_and_families(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;

	(void)state;
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|RestrictNamespaces|~user net",
			"Service|RestrictNamespaces|~mnt",
			"Service|RestrictAddressFamilies|~AF_INET",
			"Service|RestrictAddressFamilies|~AF_BOGUS"));
	assert_false(s->restrict_namespaces & SDH_NS_USER);
	assert_false(s->restrict_namespaces & SDH_NS_MNT);
	assert_true(s->restrict_namespaces & SDH_NS_PID);
	/* Deny-listing AF_INET alone restricts the inet bucket (spec §2.2 asymmetry). */
	assert_true(s->af_restricted[SDH_AF_BUCKET_INET]);
	assert_false(s->af_restricted[SDH_AF_BUCKET_UNIX]);
	assert_false(s->af_restricted[SDH_AF_BUCKET_OTHER]);
	assert_int_equal(d.n, 1);
	sdh_settings_free(s);
	sdh_diags_release(&d);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|RestrictNamespaces|yes",
			"Service|RestrictAddressFamilies|AF_UNIX AF_INET6 AF_CAN"));
	assert_true(s->restrict_namespaces == 0);
	assert_false(s->af_restricted[SDH_AF_BUCKET_INET]);
	assert_false(s->af_restricted[SDH_AF_BUCKET_UNIX]);
	assert_false(s->af_restricted[SDH_AF_BUCKET_OTHER]);
	assert_true(s->af_restricted[SDH_AF_BUCKET_NETLINK]);
	assert_true(s->af_restricted[SDH_AF_BUCKET_PACKET]);
	sdh_settings_free(s);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|RestrictAddressFamilies|none"));
	for (unsigned b = 0; b < SDH_AF_BUCKET_MAX; b++)
		assert_true(s->af_restricted[b]);
	sdh_settings_free(s);
	sdh_diags_release(&d);
}

static void test_settings__syscall_filter(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;
	int reboot = seccomp_syscall_resolve_name("reboot");
	int rd = seccomp_syscall_resolve_name("read");

	(void)state;
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|SystemCallFilter|@system-service",
			"Service|SystemCallFilter|~@reboot read:EPERM nosuchcall"));
	assert_true(s->syscall_allow_list);
	assert_null(sdh_settings_syscall_find(s, reboot));
	/* An errno on an inverted word in an allow list keeps the entry, with the errno. */
	assert_non_null(sdh_settings_syscall_find(s, rd));
	assert_int_equal(sdh_settings_syscall_find(s, rd)->error, 1);
	sdh_settings_free(s);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|SystemCallFilter|~@reboot",
			"Service|SystemCallFilter|reboot"));
	assert_false(s->syscall_allow_list);
	assert_null(sdh_settings_syscall_find(s, reboot));
	assert_non_null(sdh_settings_syscall_find(s, seccomp_syscall_resolve_name("kexec_load")));
	sdh_settings_free(s);

	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|SystemCallFilter|read:EPERM"));
	assert_true(s->syscall_allow_list); /* the map was created as an allow list */
	assert_int_equal(d.n, 1);
	sdh_settings_free(s);
	sdh_diags_release(&d);
}

struct nr_check {
	unsigned bad;
};

static int check_nr(const struct sdh_syscall_group_member *m, void *userdata)
{
	struct nr_check *c = userdata;

	if (streq(m->member_kind, "syscall") &&
	    seccomp_syscall_resolve_name(m->member) != m->x86_64_syscall_nr) {
		print_message("%s: table %d, libseccomp %d\n", m->member, m->x86_64_syscall_nr,
			      seccomp_syscall_resolve_name(m->member));
		c->bad++;
	}
	return 0;
}

/* The filter uses the table's syscall numbers: they must be what the host libseccomp says. */
static void test_settings__group_numbers_match_libseccomp(void **state)
{
	static const unsigned versions[] = { SDH_VERSION_V252, SDH_VERSION_V262 };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(versions); i++) {
		size_t n;
		const struct sdh_syscall_group_member *t = sdh_syscall_groups(versions[i], &n);
		struct nr_check c = { 0 };

		for (size_t j = 0; j < n; j++)
			if (j == 0 || !streq(t[j].group, t[j - 1].group))
				(void)sdh_syscall_group_walk(versions[i], t[j].group, false,
							     check_nr, &c);
		assert_int_equal(c.bad, 0);
	}
}

static void test_settings__user_and_dynamic(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;

	(void)state;
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|User|00"));
	assert_true(s->bad_setting);
	assert_int_equal(d.items[0].severity, SDH_SEVERITY_ERROR);
	sdh_settings_free(s);
	sdh_diags_release(&d);

	s = build("nobody.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|DynamicUser|yes"));
	assert_false(s->bad_setting);
	assert_string_equal(s->user, "nobody");
	assert_string_equal(s->protect_system, "strict");
	assert_string_equal(s->protect_home, "read-only");
	assert_true(s->private_tmp && s->remove_ipc && s->no_new_privileges);
	assert_int_equal(s->origin[SDH_SETTING_PROTECT_SYSTEM].kind, SDH_ORIGIN_IMPLIED);
	assert_string_equal(s->origin[SDH_SETTING_PROTECT_SYSTEM].implied_by, "DynamicUser=yes");
	sdh_settings_free(s);

	/* Missing ExecStart= is fatal unless Type=oneshot has ExecStop=. */
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|Type|simple", "Service|ExecStop|/bin/true"));
	assert_true(s->bad_setting);
	sdh_settings_free(s);
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|Type|oneshot", "Service|ExecStop|/bin/true"));
	assert_false(s->bad_setting);
	sdh_settings_free(s);
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/a", "Service|ExecStart|/bin/b"));
	assert_true(s->bad_setting);
	sdh_settings_free(s);
	sdh_diags_release(&d);
}

static void test_settings__ip_and_devices(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s;
	cleanup_free char *dev = NULL;

	(void)state;
	s = build("a.service", SDH_VERSION_V252, SDH_SCOPE_SYSTEM, &d,
		  LINES("Service|ExecStart|/bin/true", "Service|IPAddressDeny|any",
			"Service|IPAddressAllow|127.1.2.3/4 ::1", "Service|DevicePolicy|closed",
			"Service|DeviceAllow|/dev/null rw", "Service|DeviceAllow|/dev/zero",
			"Service|ProtectClock|yes", "Service|RootImage|/img.raw"));
	assert_int_equal(s->n_ip_deny, 2);
	assert_int_equal(s->ip_deny[0].prefixlen, 0);
	assert_int_equal(s->n_ip_allow, 2);
	assert_int_equal(s->ip_allow[0].addr[0], 112); /* masked to /4 */
	dev = sdh_settings_format(s, SDH_SETTING_DEVICE_ALLOW);
	assert_string_equal(dev, "char-rtc:r block-device-mapper:rwm block-blkext:rwm "
				 "block-loop:rwm /dev/mapper/control:rw /dev/loop-control:rw "
				 "/dev/zero:rwm /dev/null:rw");
	sdh_settings_free(s);
	sdh_diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings__defaults),
		cmocka_unit_test(test_settings__capabilities),
		cmocka_unit_test(test_settings__booleans_and_versions),
		cmocka_unit_test(test_settings__namespaces_and_families),
		cmocka_unit_test(test_settings__syscall_filter),
		cmocka_unit_test(test_settings__group_numbers_match_libseccomp),
		cmocka_unit_test(test_settings__user_and_dynamic),
		cmocka_unit_test(test_settings__ip_and_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
