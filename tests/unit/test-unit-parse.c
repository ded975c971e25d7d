/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit-file syntax as systemd's config_parse() reads it, and the specifiers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "basic/arena.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "sdharden/kb.h"
#include "sdharden/unit.h"
#include "unit/unit-parse.h"

struct parsed {
	struct unit_parse p;
	struct sdh_arena strings;
	struct sdh_diags d;
	char *copy;
	int r;
};

static void parse_v(struct parsed *x, const char *type, unsigned version, const char *buf,
		    size_t len)
{
	*x = (struct parsed){ .d = SDH_DIAGS_INIT };
	x->p = (struct unit_parse){
		.file = "/f.service", .type = type, .version = version, .strings = &x->strings
	};
	x->p.diags = &x->d;
	/* The parser cuts lines in place, and may write BUF[LEN]. */
	x->copy = malloc(len + 1);
	assert_non_null(x->copy);
	memcpy(x->copy, buf, len);
	x->copy[len] = 0;
	x->r = unit_parse_buffer(&x->p, x->copy, len);
}

static void parse(struct parsed *x, const char *buf)
{
	parse_v(x, "service", SDH_VERSION_V262, buf, strlen(buf));
}

static void release(struct parsed *x)
{
	free(x->p.assignments);
	free(x->copy);
	sdh_arena_release(&x->strings);
	sdh_diags_release(&x->d);
}

static void test_basic(void **state)
{
	struct parsed x;

	(void)state;
	parse(&x, "# comment\n; comment\n[Unit]\nDescription = hello world  \n\n"
		  "[Service]\n  User=  nobody\nExecStart=\n");
	assert_int_equal(x.r, 0);
	assert_int_equal(x.d.n, 0);
	assert_int_equal(x.p.n_assignments, 3);
	assert_string_equal(x.p.assignments[0].section, "Unit");
	assert_string_equal(x.p.assignments[0].value, "hello world");
	assert_int_equal(x.p.assignments[0].line, 4);
	assert_string_equal(x.p.assignments[1].key, "User");
	assert_string_equal(x.p.assignments[1].value, "nobody");
	assert_int_equal(x.p.assignments[1].line, 7);
	/* The empty assignment is kept: it resets lists. */
	assert_string_equal(x.p.assignments[2].value, "");
	release(&x);
}

static void test_continuation(void **state)
{
	struct parsed x;

	(void)state;
	parse(&x, "[Service]\nExecStart=/bin/a \\\n# a comment inside\n  -b \\\n  -c\nUser=u\n");
	assert_int_equal(x.r, 0);
	assert_int_equal(x.p.n_assignments, 2);
	assert_string_equal(x.p.assignments[0].value, "/bin/a    -b    -c");
	assert_int_equal(x.p.assignments[0].line, 2);
	assert_int_equal(x.p.assignments[0].line_end, 5);
	assert_int_equal(x.p.assignments[1].line, 6);
	release(&x);

	/* An escaped backslash does not continue; a continuation at EOF is still parsed. */
	parse(&x, "[Service]\nEnvironment=A=\\\\\nUser=x \\");
	assert_int_equal(x.p.n_assignments, 2);
	assert_string_equal(x.p.assignments[0].value, "A=\\\\");
	assert_string_equal(x.p.assignments[1].value, "x");
	release(&x);
}

static void test_quoting_kept_raw(void **state)
{
	struct parsed x;

	(void)state;
	parse(&x, "[Service]\nEnvironment=\"A=b c\" 'D=e'\nExecStart=/bin/echo \"%%i\" ; x\n");
	assert_string_equal(x.p.assignments[0].value, "\"A=b c\" 'D=e'");
	assert_string_equal(x.p.assignments[1].value, "/bin/echo \"%%i\" ; x");
	release(&x);
}

static void test_line_endings(void **state)
{
	static const char bom_crlf[] = "\xef\xbb\xbf[Service]\r\nUser=a\r\n\r\nGroup=b\rNice=1";
	static const char nul[] = "[Service]\nUser=a\0Group=b\n";
	struct parsed x;

	(void)state;
	parse_v(&x, "service", SDH_VERSION_V262, bom_crlf, sizeof(bom_crlf) - 1);
	assert_int_equal(x.r, 0);
	assert_int_equal(x.d.n, 0);
	assert_int_equal(x.p.n_assignments, 3);
	assert_string_equal(x.p.assignments[0].value, "a");
	assert_int_equal(x.p.assignments[1].line, 4);
	assert_int_equal(x.p.assignments[2].line, 5);
	release(&x);

	/* NUL ends a line, like systemd's read_line(). */
	parse_v(&x, "service", SDH_VERSION_V262, nul, sizeof(nul) - 1);
	assert_int_equal(x.p.n_assignments, 2);
	assert_string_equal(x.p.assignments[1].key, "Group");
	assert_int_equal(x.p.assignments[1].line, 3);
	assert_string_equal(x.d.items[0].code, "nul-byte");
	release(&x);
}

static void test_diagnostics(void **state)
{
	struct parsed x;

	(void)state;
	parse(&x, "User=early\n"
		  "[Service]\n"
		  "ProtectSytem=strict\n"
		  "Description=wrong section\n"
		  "no equals here\n"
		  "=value\n"
		  "X-Custom=ok\n"
		  ".include /etc/foo\n"
		  "[Bogus]\n"
		  "Whatever=1\n"
		  "[X-Mine]\n"
		  "Any=1\n"
		  "[Service]\n"
		  "User=ok\n");
	assert_int_equal(x.r, 0);
	assert_int_equal(x.p.n_assignments, 1);
	assert_string_equal(x.p.assignments[0].value, "ok");
	assert_int_equal(x.d.n, 7);
	assert_string_equal(x.d.items[0].code, "outside-section");
	assert_int_equal(x.d.items[0].line, 1);
	assert_string_equal(x.d.items[1].code, "unknown-key");
	assert_int_equal(x.d.items[1].line, 3);
	assert_non_null(strstr(x.d.items[1].message, "did you mean 'ProtectSystem'"));
	assert_string_equal(x.d.items[2].code, "key-wrong-section");
	assert_string_equal(x.d.items[3].code, "missing-equals");
	assert_int_equal(x.d.items[3].line, 5);
	assert_string_equal(x.d.items[4].code, "missing-key");
	assert_string_equal(x.d.items[5].code, "include-obsolete");
	assert_string_equal(x.d.items[6].code, "unknown-section");
	assert_int_equal(x.d.items[6].line, 9);
	for (size_t i = 0; i < x.d.n; i++)
		assert_int_equal(x.d.items[i].severity, SDH_SEVERITY_WARNING);
	release(&x);

	/* A directive newer than the target version is unknown to it. */
	parse_v(&x, "service", SDH_VERSION_V252, "[Service]\nProtectHostname=yes\nPrivateIPC=yes\n",
		strlen("[Service]\nProtectHostname=yes\nPrivateIPC=yes\n"));
	assert_int_equal(x.p.n_assignments, 2);
	release(&x);
	parse_v(&x, "service", SDH_VERSION_V252, "[Service]\nProtectControlGroupsX=1\n",
		strlen("[Service]\nProtectControlGroupsX=1\n"));
	assert_int_equal(x.p.n_assignments, 0);
	release(&x);

	/* [Service] in a socket unit is an unknown section. */
	parse_v(&x, "socket", SDH_VERSION_V262, "[Service]\nUser=x\n", 17);
	assert_int_equal(x.p.n_assignments, 0);
	assert_string_equal(x.d.items[0].code, "unknown-section");
	release(&x);
}

static void test_fatal(void **state)
{
	struct parsed x;
	char *big;

	(void)state;
	parse(&x, "[Service\nUser=x\n");
	assert_int_equal(x.r, -EBADMSG);
	assert_int_equal(x.d.items[0].severity, SDH_SEVERITY_ERROR);
	assert_int_equal(x.d.items[0].line, 1);
	release(&x);
	parse(&x, "[Ser\"vice]\n");
	assert_int_equal(x.r, -EBADMSG);
	release(&x);

	/* One line over systemd's 1 MiB limit. */
	big = malloc(UNIT_LINE_MAX + 64);
	assert_non_null(big);
	strcpy(big, "[Service]\nUser=");
	memset(big + strlen(big), 'a', UNIT_LINE_MAX);
	big[15 + UNIT_LINE_MAX] = 0;
	parse(&x, big);
	assert_int_equal(x.r, -ENOBUFS);
	assert_string_equal(x.d.items[0].code, "line-too-long");
	assert_int_equal(x.d.items[0].line, 2);
	release(&x);
	free(big);
}

static void test_specifiers(void **state)
{
	char dir[] = "/tmp/sdh-spec-XXXXXX", *cmd = NULL, *s = NULL;
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_unit *u = NULL;
	unsigned unknown = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(
		asprintf(&cmd,
			 "cd %s && mkdir -p etc usr/lib/systemd/system && "
			 "printf 'web1.example.org\\n' > etc/hostname && "
			 "printf '0123456789abcdef0123456789abcdef\\n' > etc/machine-id && "
			 "printf 'ID=debian\\nVERSION_ID=\"12\"\\n' > etc/os-release && "
			 "printf '[Service]\\nUser=x\\n' > usr/lib/systemd/system/foo-bar@.service",
			 dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	o.root = dir;
	assert_int_equal(sdh_unit_load(&o, "foo-bar@a-b\\x2dc.service", NULL, &u), 0);

#define EXPECT(in, out, nunk)                                                         \
	do {                                                                          \
		assert_int_equal(sdh_unit_expand_specifiers(u, in, &s, &unknown), 0); \
		assert_string_equal(s, out);                                          \
		assert_int_equal(unknown, nunk);                                      \
		free(s);                                                              \
	} while (0)
	EXPECT("%n|%N|%p|%i", "foo-bar@a-b\\x2dc.service|foo-bar@a-b\\x2dc|foo-bar|a-b\\x2dc", 0);
	EXPECT("%P|%I|%j|%J|%f", "foo/bar|a/b-c|bar|bar|/a/b-c", 0);
	EXPECT("%S %C %L %t %T %V %E", "/var/lib /var/cache /var/log /run /tmp /var/tmp /etc", 0);
	EXPECT("%u %U %g %G %h %s", "root 0 root 0 /root /bin/sh", 0);
	EXPECT("%H %l %m %o %w %W",
	       "web1.example.org web1 0123456789abcdef0123456789abcdef debian 12 ", 0);
	EXPECT("%y|%Y", "/usr/lib/systemd/system/foo-bar@.service|/usr/lib/systemd/system", 0);
	EXPECT("100%% %b %v x%", "100% %b %v x%", 2);
	assert_int_equal(sdh_unit_expand_specifiers(u, "%z", &s, NULL), -EINVAL);
	sdh_unit_free(u);

	/* User scope: the manager's user is not known offline. */
	o.scope = SDH_SCOPE_USER;
	assert_int_equal(sdh_unit_load(&o, "x.service", NULL, &u), 0);
	EXPECT("%h/%T/%S", "%h//tmp/%S", 2);
	sdh_unit_free(u);
#undef EXPECT
	assert_true(asprintf(&cmd, "rm -rf %s", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_quoting_kept_raw),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_diagnostics),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_specifiers),
	};

	return cmocka_run_group_tests_name("unit-parse", tests, NULL, NULL);
}
