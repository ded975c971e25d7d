/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String and path helpers of src/basic, and the unit-name builders on top of them. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "basic/dlopen-util.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/sort-util.h"
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

/*
 * Both readers give every size of file whole: around the first buffer (4 KiB) of the one that
 * trusts a short read, and around what fstat() says for the other; a directory and a file over
 * the limit are refused.
 */
static void test_basic__read_full_file(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 4094, 4095, 4096, 4097, 8191, 8192, 70000 };
	char dir[] = "/tmp/test-basic-XXXXXX";
	cleanup_free char *data = malloc(70000);
	int dfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	for (size_t i = 0; i < 70000; i++)
		data[i] = (char)('a' + i % 26);
	for (size_t k = 0; k < ELEMENTSOF(sizes); k++) {
		int fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		assert_true(fd >= 0);
		assert_int_equal(loop_write(fd, data, sizes[k]), 0);
		close(fd);
		for (unsigned regular = 0; regular < 2; regular++) {
			cleanup_free char *buf = NULL;
			size_t len = 1;

			assert_int_equal(
				regular ? read_full_regular_file_at(dfd, "f", 1U << 20, &buf, &len)
					: read_full_file_at(dfd, "f", 1U << 20, &buf, &len),
				0);
			assert_int_equal(len, sizes[k]);
			assert_memory_equal(buf, data, sizes[k]);
			assert_int_equal(buf[len], 0);
		}
	}
	{
		cleanup_free char *buf = NULL;

		assert_int_equal(read_full_file_at(dfd, "f", 1000, &buf, NULL), -EFBIG);
		assert_int_equal(read_full_regular_file_at(dfd, "f", 1000, &buf, NULL), -EFBIG);
		assert_int_equal(read_full_file_at(dfd, ".", 1000, &buf, NULL), -EISDIR);
		assert_int_equal(read_full_regular_file_at(dfd, ".", 1000, &buf, NULL), -EISDIR);
		assert_int_equal(read_full_regular_file_at(dfd, "none", 1000, &buf, NULL), -ENOENT);
	}
	assert_int_equal(unlinkat(dfd, "f", 0), 0);
	close(dfd);
	assert_int_equal(rmdir(dir), 0);
}

struct named {
	char *name;
	unsigned tag;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/*
 * sort_by_name() orders names as qsort() with strcmp() does: names sharing their first 8 bytes
 * or more, names shorter than 8, empty names, bytes above 0x7f, duplicates, and the tags stay
 * with their names.
 */
static void test_basic__sort_by_name(void **state)
{
	static const char *const fixed[] = { "",         "a",         "ab",        "abcdefg",
					     "abcdefgh", "abcdefghi", "abcdefgha", "abcdefg\xff",
					     "systemd-", "systemd-a", "systemd-",  "\xe2\x9c\x93",
					     "Z",        "z@.service" };
	enum {
		N = 3000
	};
	struct named *v = calloc(N, sizeof(*v)), *w = calloc(N, sizeof(*w));
	unsigned seed = 1;

	(void)state;
	assert_non_null(v);
	assert_non_null(w);
	for (size_t i = 0; i < N; i++) {
		char buf[24];
		size_t len;

		if (i < ELEMENTSOF(fixed))
			v[i].name = strdup(fixed[i]);
		else {
			/* Short alphabets and lengths around 8 make long shared prefixes. */
			seed = seed * 1103515245U + 12345U;
			len = (seed >> 16) % 14;
			for (size_t k = 0; k < len; k++) {
				seed = seed * 1103515245U + 12345U;
				buf[k] = "ab-.\xc3"[(seed >> 16) % 5];
			}
			buf[len] = 0;
			v[i].name = strdup(buf);
		}
		assert_non_null(v[i].name);
		v[i].tag = (unsigned)i;
	}
	memcpy(w, v, N * sizeof(*v));
	for (size_t n = 0; n <= N; n = n ? n * 3 : 1) {
		struct named *x = calloc(N, sizeof(*x));

		assert_non_null(x);
		memcpy(x, v, n * sizeof(*v));
		memcpy(w, v, n * sizeof(*v));
		assert_int_equal(sort_by_name(x, n, sizeof(*x)), 0);
		qsort(w, n, sizeof(*w), cmp_named);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(x[i].name, w[i].name);
			/* The tag came along: it names the same string. */
			assert_string_equal(v[x[i].tag].name, x[i].name);
		}
		free(x);
	}
	for (size_t i = 0; i < N; i++)
		free(v[i].name);
	free(v);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic__strjoin),
		cmocka_unit_test(test_basic__path_join),
		cmocka_unit_test(test_basic__unit_name_builders),
		cmocka_unit_test(test_basic__dlopen_library),
		cmocka_unit_test(test_basic__read_full_file),
		cmocka_unit_test(test_basic__sort_by_name),
	};

	return cmocka_run_group_tests_name("basic", tests, NULL, NULL);
}
