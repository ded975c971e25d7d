/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdh_suggest() only ever tightens: no directive looser than the unit's own, the exposure never
 * rises, capability checks that cannot be needs are ignored, the static filter keeps chroot(2),
 * and a root daemon that only switches to its own user is started as that user.
 */
#include <fcntl.h>
#include <ftw.h>
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

#include "basic/macro.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/diag.h"
#include "sdharden/gen.h"
#include "sdharden/kb.h"
#include "sdharden/profile.h"
#include "sdharden/score.h"
#include "sdharden/settings.h"

#define V252 SDH_VERSION_V252

static char *suggest_at(const char *root, const struct sdh_unit *u, const struct sdh_profile *p,
			enum sdh_suggest_mode mode, struct sdh_dropin **ret_d)
{
	return suggest_in(root, u, p, mode, V252, ret_d);
}

static int exposure_of(const struct sdh_unit *u)
{
	struct sdh_diags diags = SDH_DIAGS_INIT;
	struct sdh_settings *s = NULL;
	struct sdh_score *sc = NULL;
	int e;

	assert_int_equal(sdh_settings_build(u, &diags, &s), 0);
	assert_int_equal(sdh_score_compute(s, NULL, &sc), 0);
	e = (int)sc->exposure;
	sdh_score_free(sc);
	sdh_settings_free(s);
	sdh_diags_release(&diags);
	return e;
}

/* Debian 12's redis-server.service, in the parts that matter here. */
static const char *const redis_unit[] = {
	"User=redis",
	"UMask=007",
	"PrivateTmp=true",
	"PrivateDevices=true",
	"ProtectHome=true",
	"ProtectSystem=strict",
	"ReadWritePaths=-/var/lib/redis",
	"ReadWritePaths=-/var/run/redis",
	"CapabilityBoundingSet=",
	"NoNewPrivileges=true",
	"PrivateUsers=true",
	"ProtectProc=noaccess",
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
	"RestrictNamespaces=true",
	"SystemCallArchitectures=native",
	"SystemCallFilter=@system-service",
	"SystemCallFilter=~ @privileged @resources",
	NULL,
};

/*
 * What the BPF profiler records for it on an overlayfs root: DAC and SYS_ADMIN checks granted
 * to the overlay's mounter while the service had no capability at all, plus a netlink socket
 * and a namespace its unit refuses.
 */
static struct sdh_profile *redis_profile(void)
{
	struct sdh_profile *p = sdh_profile_new();
	static const char *const calls[] = { "read",   "write",  "openat", "epoll_wait", "accept4",
					     "bind",   "listen", "socket", "mmap",       "fsync",
					     "rename", "brk",    "close",  "getuid",     NULL };

	assert_non_null(p);
	for (const char *const *s = calls; *s; s++)
		assert_int_equal(sdh_profile_add_syscall(p, *s, -1, 3), 0);
	assert_int_equal(sdh_profile_add_cap(p, 1, true, false, "openat", 54),
			 0); /* DAC_OVERRIDE */
	assert_int_equal(sdh_profile_add_cap(p, 3, true, false, "openat", 26), 0); /* FOWNER */
	assert_int_equal(sdh_profile_add_cap(p, 21, true, false, "write", 3), 0);  /* SYS_ADMIN */
	assert_int_equal(sdh_profile_add_cap(p, 12, false, false, "setsockopt", 6), 0); /* denied */
	assert_int_equal(sdh_profile_add_file(p, "/var/lib/redis/dump.rdb", SDH_FILE_CREATE, 0, 1),
			 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/log/redis/redis.log", SDH_FILE_WRITE, 0, 4),
			 0);
	assert_int_equal(sdh_profile_add_socket(p, "bind", "AF_INET", "SOCK_STREAM", "127.0.0.1",
						6379, 0, 1),
			 0);
	assert_int_equal(sdh_profile_add_socket(p, "socket", "AF_NETLINK", "SOCK_RAW", "", 0, 0, 1),
			 0);
	assert_int_equal(sdh_profile_add_event(p, "namespace", "unshare", "CLONE_NEWUSER", 0, 1),
			 0);
	sdh_profile_sort(p);
	return p;
}

static void test_tighten__keeps_the_units_own(void **state)
{
	struct sdh_unit *u = mkunit("redis-server.service", redis_unit);
	struct sdh_profile *p = redis_profile();
	cleanup_free char *text = NULL, *st = NULL;

	(void)state;
	text = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_SAFE, NULL);
	/* No capability outside the empty bounding set: the granted checks were not its own. */
	assert_true(has_line(text, "CapabilityBoundingSet="));
	assert_null(strstr(text, "CapabilityBoundingSet=CAP"));
	assert_null(strstr(text, "AmbientCapabilities=CAP"));
	/* The unit's deny list comes back after our allow-list. */
	assert_true(has_line(text, "SystemCallFilter=~ @privileged @resources"));
	/* Families and namespaces only within the unit's own. */
	assert_null(strstr(text, "AF_NETLINK"));
	assert_true(has_line(text, "RestrictNamespaces=yes"));
	/* Enumerations: strict and noaccess stay; the umask keeps the unit's bits. */
	assert_false(has_line(text, "ProtectSystem=yes"));
	assert_false(has_line(text, "ProtectProc=invisible"));
	assert_true(has_line(text, "UMask=0027"));

	/* The static suggestion writes ProtectSystem=yes nowhere near a stricter unit. */
	st = suggest_at("/nonexistent-root", u, NULL, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(st, "ProtectSystem=yes"));
	assert_true(has_line(st, "SystemCallFilter=~ @privileged @resources"));
	sdh_profile_free(p);
	freeunit(u);
}

/* CAP_SYS_ADMIN seen only during plain file I/O is bookkeeping; during mount it is a need. */
static void test_tighten__bookkeeping_caps(void **state)
{
	struct sdh_unit *u = mkunit("w.service", (const char *const[]){ "Type=simple", NULL });
	struct sdh_profile *p = sdh_profile_new();
	cleanup_free char *text = NULL, *text2 = NULL;

	(void)state;
	assert_int_equal(sdh_profile_add_syscall(p, "pwrite64", -1, 1), 0);
	assert_int_equal(sdh_profile_add_cap(p, 21, true, false, "pwrite64", 1), 0);
	assert_int_equal(sdh_profile_add_cap(p, 1, true, false, "openat", 1), 0);
	sdh_profile_sort(p);
	text = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_SAFE, NULL);
	assert_true(has_line(text, "CapabilityBoundingSet=CAP_DAC_OVERRIDE"));

	assert_int_equal(sdh_profile_add_cap(p, 21, true, false, "mount", 1), 0);
	sdh_profile_sort(p);
	text2 = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_SAFE, NULL);
	assert_true(has_line(text2, "CapabilityBoundingSet=CAP_DAC_OVERRIDE CAP_SYS_ADMIN"));
	sdh_profile_free(p);
	freeunit(u);
}

/* sshd, postfix, vsftpd chroot their privilege-separated children: static mode keeps chroot. */
static void test_tighten__static_keeps_chroot(void **state)
{
	struct sdh_unit *u = mkunit("ssh.service", (const char *const[]){ "Type=notify", NULL });
	struct sdh_unit *v =
		mkunit("x.service", (const char *const[]){ "SystemCallFilter=~chroot", NULL });
	cleanup_free char *text = NULL, *text2 = NULL;

	(void)state;
	text = suggest_at("/nonexistent-root", u, NULL, SDH_SUGGEST_SAFE, NULL);
	assert_non_null(strstr(text, "\nSystemCallFilter=~@clock"));
	assert_true(has_line(text, "SystemCallFilter=chroot"));
	/* A unit that refuses chroot itself keeps refusing it. */
	text2 = suggest_at("/nonexistent-root", v, NULL, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(text2, "SystemCallFilter=chroot"));
	freeunit(u);
	freeunit(v);
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/* rm -r ROOT: the temporary trees the tests build. */
static void remove_tree(const char *root)
{
	assert_int_equal(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* A memcached-like daemon: root only to setuid() to its own user after getuid(). */
static struct sdh_profile *switching_profile(bool guard)
{
	struct sdh_profile *p = sdh_profile_new();
	static const char *const calls[] = { "read",   "write",     "openat", "setuid",
					     "setgid", "setgroups", "socket", "bind",
					     "listen", "accept4",   "rename", NULL };

	assert_non_null(p);
	for (const char *const *s = calls; *s; s++)
		assert_int_equal(sdh_profile_add_syscall(p, *s, -1, 1), 0);
	if (guard)
		assert_int_equal(sdh_profile_add_syscall(p, "getuid", -1, 1), 0);
	assert_int_equal(sdh_profile_add_cap(p, 6, true, false, "setgid", 2), 0);
	assert_int_equal(sdh_profile_add_cap(p, 7, true, false, "setuid", 1), 0);
	assert_int_equal(sdh_profile_add_cap(p, 21, false, true, "mmap", 9), 0); /* routine */
	assert_int_equal(sdh_profile_add_event(p, "setuid", "setuid", "4242", 0, 1), 0);
	assert_int_equal(sdh_profile_add_event(p, "setgid", "setgid", "4343", 0, 1), 0);
	assert_int_equal(sdh_profile_add_event(p, "setgid", "setgroups", "0 groups", 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/etc/mc.conf", SDH_FILE_READ, 0, 1), 0);
	assert_int_equal(sdh_profile_add_file(p, "/var/run/mc/mc.pid", SDH_FILE_CREATE, 0, 1), 0);
	assert_int_equal(sdh_profile_add_socket(p, "bind", "AF_INET", "SOCK_STREAM", "127.0.0.1",
						11211, 0, 1),
			 0);
	sdh_profile_sort(p);
	return p;
}

static void test_tighten__switch_to_own_user(void **state)
{
	char root[] = "/tmp/test-gen-tighten-XXXXXX", etc[64];
	struct sdh_unit *u = mkunit(
		"mc.service",
		(const char *const[]){ "ExecStart=/bin/mc -u mc",
				       "CapabilityBoundingSet=CAP_SETGID CAP_SETUID", NULL });
	struct sdh_unit *w =
		mkunit("mc.service", (const char *const[]){ "ExecStart=/bin/mc-wrapper", NULL });
	char bin[64];
	struct sdh_profile *p = switching_profile(true), *q = switching_profile(false);
	cleanup_free char *text = NULL, *unguarded = NULL, *secret = NULL, *wrapped = NULL;
	struct sdh_profile_file *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	(void)snprintf(etc, sizeof(etc), "%s/etc", root);
	assert_int_equal(mkdir(etc, 0755), 0);
	write_file(etc, "passwd",
		   "root:x:0:0::/root:/bin/sh\nmc:x:4242:4343::/nonexistent:/bin/false\n", 0644);
	write_file(etc, "group", "root:x:0:\nmc:x:4343:\n", 0644);
	write_file(etc, "mc.conf", "-u mc\n", 0644);
	write_file(etc, "secret", "key\n", 0600);
	(void)snprintf(bin, sizeof(bin), "%s/bin", root);
	assert_int_equal(mkdir(bin, 0755), 0);
	write_file(bin, "mc", "\177ELF\2\1\1", 0755);
	write_file(bin, "mc-wrapper", "#!/usr/bin/perl\nexit if $> != 0;\n", 0755);

	text = suggest_at(root, u, p, SDH_SUGGEST_SAFE, NULL);
	if (!has_line(text, "User=mc"))
		fail_msg("%s", text);
	assert_true(has_line(text, "Group=mc"));
	assert_true(has_line(text, "RuntimeDirectory=mc"));
	assert_true(has_line(text, "CapabilityBoundingSet="));
	assert_null(strstr(text, "CapabilityBoundingSet=CAP"));
	assert_true(has_line(text, "PrivateUsers=yes"));
	assert_true(has_line(text, "SystemCallFilter=~@privileged @resources"));
	assert_false(has_line(text, "DynamicUser=yes"));
	/* Nobody else is in group mc: group bits would share nothing. */
	assert_true(has_line(text, "UMask=0077"));

	/* A wrapper script may refuse to run as anything but root: not profiled, not switched. */
	wrapped = suggest_at(root, w, p, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(wrapped, "User=mc"));
	assert_non_null(strstr(wrapped, "/bin/mc-wrapper"));

	/*
	 * Strict mode starts what the wrapper only exec'd, with the command line the profile saw;
	 * the daemon's own check of root is then in the profile and it starts as its user.
	 */
	{
		cleanup_free char *strict = NULL, *safe = NULL, *two = NULL;
		struct sdh_profile *x = switching_profile(true);
		char *const argv[] = { (char *)"/bin/mc", (char *)"-u",     (char *)"mc",
				       (char *)"-n",      (char *)"50% $x", NULL };

		assert_int_equal(sdh_profile_add_exec(x, "/bin/mc-wrapper", "/usr/bin/perl", 0, 1),
				 0);
		assert_int_equal(
			sdh_profile_add_exec(x, "/bin/mc", "/lib64/ld-linux-x86-64.so.2", 0, 1), 0);
		assert_int_equal(sdh_profile_add_exec_argv(x, "/bin/mc", argv, false), 0);
		strict = suggest_at(root, w, x, SDH_SUGGEST_STRICT, NULL);
		if (!has_line(strict, "ExecStart=/bin/mc -u mc -n \"50%% $$x\""))
			fail_msg("%s", strict);
		assert_true(has_line(strict, "ExecStart="));
		assert_true(has_line(strict, "User=mc"));
		/* Safe mode keeps the wrapper and says what strict would do. */
		safe = suggest_at(root, w, x, SDH_SUGGEST_SAFE, NULL);
		assert_false(has_line(safe, "ExecStart="));
		assert_false(has_line(safe, "User=mc"));
		assert_non_null(strstr(safe, "--mode=strict"));
		/* A second program run: the wrapper did more than exec one. */
		assert_int_equal(sdh_profile_add_exec(x, "/bin/true", NULL, 0, 1), 0);
		two = suggest_at(root, w, x, SDH_SUGGEST_STRICT, NULL);
		assert_false(has_line(two, "ExecStart="));
		assert_false(has_line(two, "User=mc"));
		sdh_profile_free(x);
	}

	/* No getuid(2) before the switch: the daemon may not skip it as non-root. */
	unguarded = suggest_at(root, u, q, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(unguarded, "User=mc"));

	/* A root-only file read before the switch keeps it root. */
	assert_int_equal(sdh_profile_add_file(p, "/etc/secret", SDH_FILE_READ, 0, 1), 0);
	sdh_profile_sort(p);
	f = (struct sdh_profile_file *)sdh_profile_find_file(p, "/etc/secret", SDH_FILE_READ);
	assert_non_null(f);
	secret = suggest_at(root, u, p, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(secret, "User=mc"));
	assert_non_null(strstr(secret, "/etc/secret"));

	remove_tree(root);
	sdh_profile_free(p);
	sdh_profile_free(q);
	freeunit(u);
	freeunit(w);
}

/* UMask=: group bits are kept only when the service's group has other members. */
static void test_tighten__umask_private_group(void **state)
{
	static const struct {
		const char *passwd, *group, *want;
	} cases[] = {
		{ "redis:x:101:103::/var/lib/redis:/bin/false\n", "redis:x:103:\n", "UMask=0077" },
		{ "redis:x:101:103::/var/lib/redis:/bin/false\n", "redis:x:103:redis\n",
		  "UMask=0077" },
		{ "redis:x:101:103::/var/lib/redis:/bin/false\n", "redis:x:103:www-data\n",
		  "UMask=0027" },
		{ "redis:x:101:103::/:/bin/false\nweb:x:102:103::/:/bin/false\n", "redis:x:103:\n",
		  "UMask=0027" },
		{ "web:x:102:104::/:/bin/false\n", "redis:x:103:\n", "UMask=0027" },
	};
	struct sdh_unit *u = mkunit("redis-server.service", redis_unit);
	struct sdh_profile *p = redis_profile();
	char root[] = "/tmp/test-gen-umask-XXXXXX", etc[64];

	(void)state;
	assert_non_null(mkdtemp(root));
	(void)snprintf(etc, sizeof(etc), "%s/etc", root);
	assert_int_equal(mkdir(etc, 0755), 0);
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		cleanup_free char *text = NULL;

		write_file(etc, "passwd", cases[i].passwd, 0644);
		write_file(etc, "group", cases[i].group, 0644);
		text = suggest_at(root, u, p, SDH_SUGGEST_SAFE, NULL);
		if (!has_line(text, cases[i].want))
			fail_msg("case %zu: want %s in\n%s", i, cases[i].want, text);
	}
	remove_tree(root);
	sdh_profile_free(p);
	freeunit(u);
}

/* SocketBindAllow=: strict mode pins the ports bound, unless one was ephemeral. */
static void test_tighten__socket_bind(void **state)
{
	struct sdh_unit *u = mkunit("redis-server.service", redis_unit);
	struct sdh_profile *p = redis_profile();
	cleanup_free char *strict = NULL, *safe = NULL, *eph = NULL;

	(void)state;
	strict = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_STRICT, NULL);
	assert_true(has_line(strict, "SocketBindAllow=ipv4:tcp:6379"));
	assert_true(has_line(strict, "SocketBindDeny=any"));
	safe = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_SAFE, NULL);
	assert_false(has_line(safe, "SocketBindDeny=any"));
	assert_non_null(strstr(safe, "SocketBindDeny=: listening ports come from"));
	assert_int_equal(sdh_profile_add_socket(p, "bind", "AF_INET6", "SOCK_DGRAM", "::", 0, 0, 1),
			 0);
	sdh_profile_sort(p);
	eph = suggest_at("/nonexistent-root", u, p, SDH_SUGGEST_STRICT, NULL);
	assert_false(has_line(eph, "SocketBindDeny=any"));
	assert_non_null(strstr(eph, "an ephemeral port"));
	sdh_profile_free(p);
	freeunit(u);
}

/* Whatever the unit and the profile, the drop-in never raises the exposure. */
static void test_tighten__exposure_never_rises(void **state)
{
	const char *const *const units[] = {
		redis_unit,
		(const char *const[]){ "Type=forking", NULL },
		(const char *const[]){ "User=nobody", "ProtectSystem=full", "ProtectHome=yes",
				       "RestrictAddressFamilies=AF_UNIX", "UMask=0077", NULL },
		(const char *const[]){ "DynamicUser=yes", "SystemCallFilter=@system-service",
				       "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
				       "AmbientCapabilities=CAP_NET_BIND_SERVICE",
				       "IPAddressDeny=any", "IPAddressAllow=localhost",
				       "PrivateNetwork=yes", "ProtectProc=noaccess",
				       "DevicePolicy=strict", NULL },
		(const char *const[]){ "SystemCallFilter=~@mount @obsolete", "PrivateDevices=yes",
				       "ProtectKernelTunables=yes", "RestrictNamespaces=~user",
				       NULL },
	};
	struct sdh_profile *profiles[] = { NULL, redis_profile(), switching_profile(true) };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		for (size_t j = 0; j < ELEMENTSOF(profiles); j++)
			for (int m = 0; m < SDH_SUGGEST_MODE_MAX; m++) {
				struct sdh_unit *u = mkunit("t.service", units[i]), *after = NULL;
				struct sdh_dropin *d = NULL;
				cleanup_free char *text =
					suggest_at("/nonexistent-root", u, profiles[j],
						   (enum sdh_suggest_mode)m, &d);
				int before, e;

				assert_int_equal(sdh_dropin_apply(d, u, "/etc/x.conf", &after), 0);
				before = exposure_of(u);
				e = exposure_of(after);
				if (e > before)
					fail_msg("unit %zu, profile %zu, mode %d: %d -> %d\n%s", i,
						 j, m, before, e, text);
				sdh_unit_free(after);
				sdh_dropin_free(d);
				freeunit(u);
			}
	for (size_t j = 0; j < ELEMENTSOF(profiles); j++)
		sdh_profile_free(profiles[j]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tighten__keeps_the_units_own),
		cmocka_unit_test(test_tighten__bookkeeping_caps),
		cmocka_unit_test(test_tighten__static_keeps_chroot),
		cmocka_unit_test(test_tighten__switch_to_own_user),
		cmocka_unit_test(test_tighten__umask_private_group),
		cmocka_unit_test(test_tighten__socket_bind),
		cmocka_unit_test(test_tighten__exposure_never_rises),
	};

	return cmocka_run_group_tests_name("gen-tighten", tests, NULL, NULL);
}
