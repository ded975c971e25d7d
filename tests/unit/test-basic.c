/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String and path helpers of src/basic, and the unit-name builders on top of them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "basic/dlopen-util.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "unit/unit-name.h"

static void check_taken(char *s, const char *want)
{
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_basic__strjoin(void **state)
{
	(void)state;
	check_taken(strjoin("a"), "a");
	check_taken(strjoin("", ""), "");
	check_taken(strjoin("/usr/lib", "/", "foo.service", ".d"), "/usr/lib/foo.service.d");
	check_taken(strjoin("x", "", "y", "", "z"), "xyz");
}

static void test_basic__path_join(void **state)
{
	(void)state;
	check_taken(path_join("/usr/lib/", "/x"), "/usr/lib/x");
	check_taken(path_join("/usr/lib", "x/y"), "/usr/lib/x/y");
	check_taken(path_join("/", "etc"), "/etc");
	check_taken(path_join("", "etc"), "/etc");
	check_taken(path_join("a//", "//b"), "a/b");
}

static void test_basic__unit_name_builders(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(unit_name_build("getty", "tty1", "service", &s), 0);
	check_taken(s, "getty@tty1.service");
	assert_int_equal(unit_name_build("sshd", NULL, "socket", &s), 0);
	check_taken(s, "sshd.socket");
	assert_int_equal(unit_name_build("", NULL, "service", &s), -EINVAL);
	assert_int_equal(unit_name_replace_instance("getty@.service", "tty2", &s), 0);
	check_taken(s, "getty@tty2.service");
	assert_int_equal(unit_name_replace_instance("a-b@old.timer", "new", &s), 0);
	check_taken(s, "a-b@new.timer");
	assert_int_equal(unit_name_replace_instance("plain.service", "x", &s), -EINVAL);
}

static void test_basic__dlopen_library(void **state)
{
	static const char *const names[] = { "strlen", "strcmp" };
	static const char *const missing_symbol[] = { "strlen", "sdh_no_such_function" };
	void *found[2], *half[2];
	struct dlopen_library libc = DLOPEN_LIBRARY_INIT("libc.so.6", names, found);
	struct dlopen_library nolib = DLOPEN_LIBRARY_INIT("libsdh-no-such.so.0", names, found);
	struct dlopen_library nosym = DLOPEN_LIBRARY_INIT("libc.so.6", missing_symbol, half);

	(void)state;
	assert_true(dlopen_library_load(&libc));
	assert_true(dlopen_library_load(&libc)); /* once: the answer is kept */
	assert_int_equal(((size_t(*)(const char *))found[0])("four"), 4);
	assert_false(dlopen_library_load(&nolib));
	assert_int_equal(nolib.state, -1);
	assert_false(dlopen_library_load(&nosym));
	assert_null(half[0]);
	assert_null(half[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic__strjoin),
		cmocka_unit_test(test_basic__path_join),
		cmocka_unit_test(test_basic__unit_name_builders),
		cmocka_unit_test(test_basic__dlopen_library),
	};

	return cmocka_run_group_tests_name("basic", tests, NULL, NULL);
}
