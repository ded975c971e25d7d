/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The drop-in generator: model, emitters, rules, install/undo. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gen-test-util.h"

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/gen.h"
#include "sdharden/kb.h"
#include "sdharden/profile.h"

#define V252 SDH_VERSION_V252

static char *suggest_text(const struct sdh_unit *u, const struct sdh_profile *p,
			  enum sdh_suggest_mode mode, unsigned version, struct sdh_dropin **ret_d)
{
	return suggest_in("/nonexistent-root", u, p, mode, version, ret_d);
}

static bool omitted(const struct sdh_dropin *d, const char *key)
{
	for (size_t i = 0; i < d->n_omitted; i++)
		if (streq(d->omitted[i].key, key))
			return true;
	return false;
}

/* Every directive line is known to VERSION, and every non-comment line is Key=Value. */
static void assert_valid_dropin(const char *text, unsigned version)
{
	cleanup_free char *copy = strdup(text);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq;
		const struct sdh_directive *dir;

		if (l[0] == '#' || streq(l, "[Service]"))
			continue;
		eq = strchr(l, '=');
		assert_non_null(eq);
		*eq = 0;
		dir = sdh_directive_lookup(l);
		if (!dir)
			fail_msg("unknown directive '%s'", l);
		assert_true(sdh_directive_known_at(dir, version));
		assert_true(sdh_directive_in_section(dir, "Service"));
		assert_null(strchr(eq + 1, '#')); /* systemd would take it as part of the value */
	}
}

static void test_gen__model_and_emitters(void **state)
{
	struct sdh_dropin *d = sdh_dropin_new("x.service", V252, SDH_SUGGEST_SAFE);
	cleanup_free char *text = NULL, *json = NULL;

	(void)state;
	assert_non_null(d);
	assert_int_equal(sdh_dropin_add(d, "Service", "ProtectSystem", "strict", false, "why"), 0);
	assert_int_equal(sdh_dropin_add(d, "Service", "CapabilityBoundingSet", "CAP_CHOWN", true,
					"two\nlines"),
			 0);
	assert_int_equal(sdh_dropin_add(d, "Service", "IPAddressAllow", "", true, "reset only"), 0);
	assert_int_equal(sdh_dropin_add(d, "Service", "", "x", false, NULL), -EINVAL);
	assert_int_equal(sdh_dropin_omit(d, "PrivateNetwork", "uses \"AF_INET\""), 0);
	assert_string_equal(sdh_dropin_get(d, "Service", "CapabilityBoundingSet"), "CAP_CHOWN");
	assert_null(sdh_dropin_get(d, "Service", "User"));
	assert_int_equal(sdh_dropin_to_text(d, &text), 0);
	assert_string_equal(text, "[Service]\n"
				  "# why\n"
				  "ProtectSystem=strict\n"
				  "# two\n"
				  "# lines\n"
				  "CapabilityBoundingSet=\n"
				  "CapabilityBoundingSet=CAP_CHOWN\n"
				  "# reset only\n"
				  "IPAddressAllow=\n"
				  "\n"
				  "# Left out:\n"
				  "#   PrivateNetwork=: uses \"AF_INET\"\n");
	assert_int_equal(sdh_dropin_to_json(d, &json), 0);
	assert_non_null(strstr(json,
			       "{\"key\": \"CapabilityBoundingSet\", \"value\": \"CAP_CHOWN\", "
			       "\"reset\": false, \"reason\": \"two\\nlines\"}"));
	assert_non_null(strstr(json, "\"reason\": \"uses \\\"AF_INET\\\"\""));
	sdh_dropin_free(d);
}

static void test_gen__static(void **state)
{
	struct sdh_unit *u =
		mkunit("foo.service", (const char *const[]){ "ExecStart=/usr/bin/foo", NULL });
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = suggest_text(u, NULL, SDH_SUGGEST_SAFE, V252, &d);

	(void)state;
	assert_true(d->is_static);
	assert_non_null(strstr(text, "STATIC suggestion"));
	assert_valid_dropin(text, V252);
	assert_true(has_line(text, "ProtectSystem=yes"));
	assert_true(has_line(text, "PrivateTmp=yes"));
	assert_true(has_line(text, "SystemCallArchitectures=native"));
	/* Deny lists only: nothing that needs a profile to be safe. */
	assert_non_null(strstr(text, "\nSystemCallFilter=\nSystemCallFilter=~@clock"));
	assert_null(strstr(text, "@system-service"));
	/* No reset before "~": systemd would start from the empty set and keep nothing. */
	assert_non_null(
		strstr(text, "\nCapabilityBoundingSet=~CAP_LINUX_IMMUTABLE CAP_SYS_MODULE"));
	assert_false(has_line(text, "CapabilityBoundingSet="));
	assert_non_null(strstr(text, "\nSystemCallLog=@clock"));
	assert_null(strstr(text, "\nPrivateNetwork="));
	assert_null(strstr(text, "\nNoNewPrivileges="));
	assert_null(strstr(text, "\nRestrictAddressFamilies="));
	assert_null(strstr(text, "\nDynamicUser="));
	assert_null(strstr(text, "\nMemoryDenyWriteExecute="));
	assert_true(omitted(d, "PrivateNetwork") && omitted(d, "DynamicUser"));
	sdh_dropin_free(d);
	freeunit(u);
}

/* A redis-like daemon: static user, localhost only, state in /var/lib/redis. */
static struct sdh_profile *profile_localhost_server(void)
{
	struct sdh_profile *p = sdh_profile_new();
	static const char *const calls[] = { "read",   "write",  "openat", "epoll_wait", "accept4",
					     "bind",   "listen", "socket", "mmap",       "fsync",
					     "rename", "execve", "brk",    "close",      NULL };

	assert_non_null(p);
	for (const char *const *s = calls; *s; s++)
		assert_int_equal(sdh_profile_add_syscall(p, *s, -1, 3), 0);
	assert_int_equal(sdh_profile_add_cap(p, 21, true, true, "mmap", 5), 0); /* routine */
	assert_int_equal(sdh_profile_add_file(p, "/etc/redis/redis.conf", SDH_FILE_READ, 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/lib/redis/dump.rdb", SDH_FILE_CREATE, 0, 1),
			 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/log/redis/redis.log", SDH_FILE_WRITE, 0, 4),
			 0);
	assert_int_equal(sdh_profile_add_file(p, "/tmp/temp-1.rdb", SDH_FILE_CREATE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/tmp/temp-1.rdb", SDH_FILE_WRITE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_socket(p, "socket", "AF_INET", "SOCK_STREAM", "", 0, 0, 1),
			 0);
	assert_int_equal(sdh_profile_add_socket(p, "bind", "AF_INET", "SOCK_STREAM", "127.0.0.1",
						6379, 0, 1),
			 0);
	assert_int_equal(
		sdh_profile_add_socket(p, "bind", "AF_INET6", "SOCK_STREAM", "::1", 6379, 0, 1), 0);
	assert_int_equal(sdh_profile_add_device(p, "/dev/null", 'c', 1, 3, "rw", 0, 1), 0);
	sdh_profile_sort(p);
	return p;
}

/* A static deny list keeps the unit's own allow-list in front of it, after the reset. */
static void test_gen__static_keeps_unit_lists(void **state)
{
	struct sdh_unit *u =
		mkunit("v.service",
		       (const char *const[]){ "SystemCallFilter=@system-service",
					      "SystemCallFilter=~@privileged",
					      "CapabilityBoundingSet=CAP_CHOWN CAP_SYS_MODULE",
					      "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", NULL });
	cleanup_free char *text = suggest_text(u, NULL, SDH_SUGGEST_SAFE, V252, NULL);

	(void)state;
	assert_non_null(strstr(text, "\nSystemCallFilter=\nSystemCallFilter=@system-service\n"
				     "SystemCallFilter=~@privileged\nSystemCallFilter=~@clock"));
	/* The unit's own bounding set, written out without the dropped capabilities. */
	assert_true(has_line(text, "CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE"));
	freeunit(u);
}

static void test_gen__localhost_server(void **state)
{
	struct sdh_unit *u =
		mkunit("redis-server.service",
		       (const char *const[]){ "User=redis", "ReadWritePaths=-/run/redis", NULL });
	struct sdh_profile *p = profile_localhost_server();
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = suggest_text(u, p, SDH_SUGGEST_SAFE, V252, &d);
	cleanup_free char *strict = NULL;

	(void)state;
	assert_false(d->is_static);
	assert_valid_dropin(text, V252);
	assert_true(omitted(d, "DynamicUser")); /* already a static user */
	assert_true(has_line(text, "CapabilityBoundingSet="));
	assert_null(strstr(text, "CapabilityBoundingSet=CAP")); /* routine CAP_SYS_ADMIN ignored */
	assert_true(has_line(text, "AmbientCapabilities="));
	assert_true(has_line(text, "PrivateDevices=yes"));
	assert_true(has_line(text, "PrivateTmp=yes")); /* its own temp file only */
	assert_true(has_line(text, "ProtectSystem=strict"));
	/* Safe mode keeps the unit's own entry; writes map to their directories. */
	if (!has_line(text, "ReadWritePaths=-/var/lib/redis -/var/log/redis -/run/redis"))
		fail_msg("%s", text);
	assert_true(has_line(text, "IPAddressDeny=any"));
	assert_true(has_line(text, "IPAddressAllow=localhost"));
	assert_true(has_line(text, "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"));
	assert_true(has_line(text, "SystemCallFilter=@system-service"));
	assert_non_null(strstr(text, "\nSystemCallFilter=~"));
	assert_non_null(strstr(text, "@privileged")); /* non-root: nothing privileged observed */
	assert_true(has_line(text, "SystemCallErrorNumber=EPERM"));
	assert_true(has_line(text, "RemoveIPC=yes"));
	assert_true(has_line(text, "NoNewPrivileges=yes"));
	assert_true(has_line(text, "ProtectHome=yes"));
	assert_true(has_line(text, "ProcSubset=pid")); /* only /proc/PID read */
	assert_null(strstr(text, "\nPrivateNetwork="));
	/* A reset always comes right before the value of a list directive. */
	assert_non_null(strstr(text, "\nRestrictAddressFamilies=\nRestrictAddressFamilies=AF_"));
	sdh_dropin_free(d);

	strict = suggest_text(u, p, SDH_SUGGEST_STRICT, V252, NULL);
	assert_valid_dropin(strict, V252);
	assert_true(has_line(strict, "RestrictAddressFamilies=AF_INET AF_INET6"));
	assert_true(has_line(strict, "ReadWritePaths=-/var/lib/redis -/var/log/redis"));
	assert_true(has_line(strict, "ProcSubset=pid"));
	assert_true(has_line(strict, "PrivateUsers=yes"));
	sdh_profile_free(p);
	freeunit(u);
}

/* An nginx-like daemon: root master, port 80 on all addresses, drops to another user. */
static void test_gen__root_server(void **state)
{
	struct sdh_unit *u = mkunit("web.service", (const char *const[]){ "Type=forking", NULL });
	struct sdh_profile *p = sdh_profile_new();
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = NULL;

	(void)state;
	assert_int_equal(sdh_profile_add_syscall(p, "setuid", -1, 1), 0);
	assert_int_equal(sdh_profile_add_syscall(p, "chroot", -1, 1), 0);
	assert_int_equal(sdh_profile_add_syscall(p, "bind", -1, 1), 0);
	assert_int_equal(sdh_profile_add_cap(p, 10, true, false, "bind", 1), 0); /* NET_BIND */
	assert_int_equal(sdh_profile_add_cap(p, 7, true, false, "setuid", 1), 0);
	assert_int_equal(
		sdh_profile_add_socket(p, "bind", "AF_INET", "SOCK_STREAM", "0.0.0.0", 80, 0, 1),
		0);
	assert_int_equal(sdh_profile_add_file(p, "/run/web.pid", SDH_FILE_CREATE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/log/web/access.log", SDH_FILE_WRITE, 0, 9),
			 0);
	sdh_profile_sort(p);
	text = suggest_text(u, p, SDH_SUGGEST_SAFE, V252, &d);
	assert_valid_dropin(text, V252);
	assert_true(omitted(d, "DynamicUser"));
	assert_true(omitted(d, "IPAddressDeny")); /* 0.0.0.0: remote clients */
	assert_true(omitted(d, "PrivateUsers"));
	assert_true(
		has_line(text, "CapabilityBoundingSet=CAP_SETGID CAP_SETUID CAP_NET_BIND_SERVICE"));
	assert_true(has_line(text, "AmbientCapabilities="));
	assert_true(has_line(text, "SystemCallFilter=@system-service chroot"));
	/* @privileged is used (setuid, chroot): never taken out. */
	assert_null(strstr(text, "@privileged"));
	if (!has_line(text, "ReadWritePaths=-/var/log/web /run"))
		fail_msg("%s", text);
	sdh_dropin_free(d);
	sdh_profile_free(p);
	freeunit(u);
}

/* Nothing needs root: a dynamic user, its state handed over by systemd. */
static void test_gen__dynamic_user(void **state)
{
	struct sdh_unit *u = mkunit("cache.service", (const char *const[]){ "Type=simple", NULL });
	struct sdh_profile *p = sdh_profile_new();
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = NULL;

	(void)state;
	assert_int_equal(sdh_profile_add_syscall(p, "read", -1, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/lib/cache/db", SDH_FILE_CREATE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/cache/cache/x/y", SDH_FILE_WRITE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_socket(p, "socket", "AF_UNIX", "SOCK_STREAM", "", 0, 0, 1),
			 0);
	sdh_profile_sort(p);
	/* Strict: the owner of files read cannot be checked under a missing root, and is not. */
	text = suggest_text(u, p, SDH_SUGGEST_STRICT, V252, &d);
	assert_valid_dropin(text, V252);
	assert_true(has_line(text, "DynamicUser=yes"));
	assert_true(has_line(text, "StateDirectory=cache"));
	assert_true(has_line(text, "CacheDirectory=cache"));
	assert_false(has_line(text, "ReadWritePaths="));
	assert_true(has_line(text, "PrivateUsers=yes"));
	assert_true(has_line(text, "PrivateNetwork=yes"));
	assert_true(has_line(text, "RestrictAddressFamilies=AF_UNIX"));
	sdh_dropin_free(d);
	sdh_profile_free(p);
	freeunit(u);
}

/* Directives the target version does not know are left out, with the reason. */
static void test_gen__version_gating(void **state)
{
	struct sdh_unit *u = mkunit("old.service", NULL);
	struct sdh_profile *p = profile_localhost_server();
	struct sdh_dropin *d = NULL;
	unsigned v240 = SDH_VERSION(240, 0);
	cleanup_free char *text = suggest_text(u, p, SDH_SUGGEST_STRICT, v240, &d);

	(void)state;
	assert_valid_dropin(text, v240);
	assert_null(strstr(text, "\nProtectProc=")); /* v247 */
	assert_null(strstr(text, "\nPrivateIPC="));  /* v248 */
	assert_true(omitted(d, "ProtectProc"));
	assert_true(has_line(text, "RestrictAddressFamilies=AF_INET AF_INET6"));
	sdh_dropin_free(d);
	sdh_profile_free(p);
	freeunit(u);
}

/* Scored directives come in the order of the security checks of the knowledge base. */
static void test_gen__kb_order(void **state)
{
	struct sdh_unit *u = mkunit("r.service", (const char *const[]){ "User=r", NULL });
	struct sdh_profile *p = profile_localhost_server();
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = suggest_text(u, p, SDH_SUGGEST_STRICT, V252, &d);
	size_t n;
	const struct sdh_check_row *checks = sdh_checks(V252, &n);
	size_t last = 0;

	(void)state;
	for (size_t i = 0; i < d->sections[0].n_items; i++) {
		const char *key = d->sections[0].items[i].key;
		size_t pos = SIZE_MAX;

		for (size_t k = 0; k < n && pos == SIZE_MAX; k++)
			if (startswith(checks[k].name, key) && checks[k].name[strlen(key)] == '=')
				pos = k;
		if (pos == SIZE_MAX)
			continue; /* unscored companion */
		if (pos < last)
			fail_msg("'%s=' comes after a later check", key);
		last = pos;
	}
	sdh_dropin_free(d);
	sdh_profile_free(p);
	freeunit(u);
}

static void test_gen__install_undo(void **state)
{
	char root[] = "/tmp/test-gen.XXXXXX";
	cleanup_free char *path = NULL, *buf = NULL, *full = NULL, *prev = NULL;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(sdh_dropin_undo(root, "a.service", NULL), -ENOENT);
	assert_int_equal(sdh_dropin_install(root, "a.service", "[Service]\nA=1\n", &path), 1);
	assert_string_equal(path, "/etc/systemd/system/a.service.d/50-sdharden.conf");
	full = path_join(root, path);
	assert_int_equal(read_full_file_at(AT_FDCWD, full, 4096, &buf, NULL), 0);
	assert_string_equal(buf, "[Service]\nA=1\n");
	free(buf);
	buf = NULL;
	/* Same content: nothing changes, no previous version made from it. */
	assert_int_equal(sdh_dropin_install(root, "a.service", "[Service]\nA=1\n", NULL), 0);
	assert_int_equal(asprintf(&prev, "%s.prev", full) > 0, 1);
	assert_int_equal(access(prev, F_OK), -1);
	assert_int_equal(sdh_dropin_install(root, "a.service", "[Service]\nA=2\n", NULL), 1);
	assert_int_equal(read_full_file_at(AT_FDCWD, prev, 4096, &buf, NULL), 0);
	assert_string_equal(buf, "[Service]\nA=1\n");
	free(buf);
	buf = NULL;
	/* Undo: back to A=1, then no drop-in, then nothing to undo. */
	assert_int_equal(sdh_dropin_undo(root, "a.service", NULL), 1);
	assert_int_equal(read_full_file_at(AT_FDCWD, full, 4096, &buf, NULL), 0);
	assert_string_equal(buf, "[Service]\nA=1\n");
	assert_int_equal(access(prev, F_OK), -1);
	assert_int_equal(sdh_dropin_undo(root, "a.service", NULL), 0);
	assert_int_equal(access(full, F_OK), -1);
	assert_int_equal(sdh_dropin_undo(root, "a.service", NULL), -ENOENT);
	assert_int_equal(sdh_dropin_install(root, "../x", "x", NULL), -EINVAL);
	assert_null(sdh_dropin_path("a/b.service"));
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gen__model_and_emitters),
		cmocka_unit_test(test_gen__static),
		cmocka_unit_test(test_gen__static_keeps_unit_lists),
		cmocka_unit_test(test_gen__localhost_server),
		cmocka_unit_test(test_gen__root_server),
		cmocka_unit_test(test_gen__dynamic_user),
		cmocka_unit_test(test_gen__version_gating),
		cmocka_unit_test(test_gen__kb_order),
		cmocka_unit_test(test_gen__install_undo),
	};

	return cmocka_run_group_tests_name("gen", tests, NULL, NULL);
}
