/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The offline unit loader: search path, aliases, masks, templates, drop-ins, listing. */
#include <errno.h>
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

#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/unit.h"

static char root[64];

/* Write CONTENT to ROOT/PATH, creating directories. */
static void put(const char *path, const char *content)
{
	char *p = path_join(root, path), *d = path_dirname(p), *cmd = NULL;
	FILE *f;

	assert_true(asprintf(&cmd, "mkdir -p '%s'", d) > 0);
	assert_int_equal(system(cmd), 0);
	f = fopen(p, "we");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	free(cmd);
	free(d);
	free(p);
}

static void link_(const char *target, const char *path)
{
	char *p = path_join(root, path), *d = path_dirname(p), *cmd = NULL;

	assert_true(asprintf(&cmd, "mkdir -p '%s'", d) > 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(symlink(target, p), 0);
	free(cmd);
	free(d);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/sdh-unit-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	char *cmd = NULL;

	(void)state;
	assert_true(asprintf(&cmd, "rm -rf '%s'", root) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct sdh_unit *load_v(const char *name, unsigned version, struct sdh_diags *d)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_unit *u = NULL;

	o.root = root;
	o.version = version;
	assert_int_equal(sdh_unit_load(&o, name, d, &u), 0);
	assert_non_null(u);
	return u;
}

static struct sdh_unit *load(const char *name)
{
	return load_v(name, SDH_VERSION_V262, NULL);
}

static const char *value(const struct sdh_unit *u, const char *key)
{
	const struct sdh_assignment *a = sdh_unit_last(u, NULL, key);

	return a ? a->value : NULL;
}

static void test_search_path(void **state)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	char **l = NULL, a[] = "/a", b[] = "/b/", *up[] = { a, b, NULL };

	(void)state;
	o.version = SDH_VERSION_V252;
	assert_int_equal(sdh_unit_search_path(&o, &l), 0);
	assert_int_equal(strv_length(l), 13);
	assert_string_equal(l[0], "/etc/systemd/system.control");
	assert_string_equal(l[10], "/lib/systemd/system");
	assert_string_equal(l[11], "/usr/lib/systemd/system");
	l = strv_free(l);
	o.version = SDH_VERSION_V257;
	assert_int_equal(sdh_unit_search_path(&o, &l), 0);
	assert_int_equal(strv_length(l), 12);
	assert_false(strv_contains(l, "/lib/systemd/system"));
	l = strv_free(l);
	o.scope = SDH_SCOPE_USER;
	assert_int_equal(sdh_unit_search_path(&o, &l), 0);
	assert_true(strv_contains(l, "/etc/systemd/user"));
	assert_true(strv_contains(l, "/usr/lib/systemd/user"));
	l = strv_free(l);
	o.unit_path = up;
	assert_int_equal(sdh_unit_search_path(&o, &l), 0);
	assert_int_equal(strv_length(l), 2);
	assert_string_equal(l[1], "/b");
	l = strv_free(l);
	o.unit_path_append_default = true;
	assert_int_equal(sdh_unit_search_path(&o, &l), 0);
	assert_true(strv_length(l) > 10);
	assert_string_equal(l[0], "/a");
	strv_free(l);
}

static void test_priority(void **state)
{
	struct sdh_unit *u;

	(void)state;
	put("usr/lib/systemd/system/prio.service", "[Service]\nUser=lib\n");
	put("etc/systemd/system/prio.service", "[Service]\nUser=etc\n");
	u = load("prio.service");
	assert_int_equal(u->load_state, SDH_LOAD_LOADED);
	assert_string_equal(u->fragment_path, "/etc/systemd/system/prio.service");
	assert_string_equal(value(u, "User"), "etc");
	assert_int_equal(u->n_assignments, 1);
	sdh_unit_free(u);

	/* v252 is split-usr: /lib/systemd/system comes before /usr/lib/systemd/system. */
	put("lib/systemd/system/split.service", "[Service]\nUser=slash-lib\n");
	put("usr/lib/systemd/system/split.service", "[Service]\nUser=usr-lib\n");
	u = load_v("split.service", SDH_VERSION_V252, NULL);
	assert_string_equal(u->fragment_path, "/lib/systemd/system/split.service");
	sdh_unit_free(u);
	u = load_v("split.service", SDH_VERSION_V257, NULL);
	assert_string_equal(u->fragment_path, "/usr/lib/systemd/system/split.service");
	sdh_unit_free(u);
}

static void test_not_found_and_invalid(void **state)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_unit *u = NULL;

	(void)state;
	u = load("nope.service");
	assert_int_equal(u->load_state, SDH_LOAD_NOT_FOUND);
	assert_null(u->fragment_path);
	sdh_unit_free(u);
	o.root = root;
	assert_int_equal(sdh_unit_load(&o, "nope", NULL, &u), -EINVAL);
	assert_int_equal(sdh_unit_load(&o, "a b.service", NULL, &u), -EINVAL);
	assert_int_equal(sdh_unit_load(&o, "@x.service", NULL, &u), -EINVAL);
	assert_int_equal(sdh_unit_load(&o, "x.conf", NULL, &u), -EINVAL);
}

static void test_alias(void **state)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_unit *u;

	(void)state;
	put("usr/lib/systemd/system/real.service", "[Service]\nUser=real\n");
	link_("real.service", "usr/lib/systemd/system/rel-alias.service");
	link_("/usr/lib/systemd/system/real.service", "etc/systemd/system/abs-alias.service");
	put("etc/systemd/system/abs-alias.service.d/x.conf", "[Service]\nGroup=via-alias\n");
	u = load("rel-alias.service");
	assert_int_equal(u->load_state, SDH_LOAD_LOADED);
	assert_string_equal(u->id, "real.service");
	assert_string_equal(u->name, "rel-alias.service");
	assert_string_equal(u->fragment_path, "/usr/lib/systemd/system/real.service");
	assert_true(strv_contains(u->aliases, "rel-alias.service"));
	assert_true(strv_contains(u->aliases, "abs-alias.service"));
	/* Drop-ins of alias names apply too. */
	assert_string_equal(value(u, "Group"), "via-alias");
	sdh_unit_free(u);

	/* A dangling alias: a diagnostic, not found. */
	link_("gone.service", "etc/systemd/system/dangling.service");
	u = load_v("dangling.service", SDH_VERSION_V262, &d);
	assert_int_equal(u->load_state, SDH_LOAD_NOT_FOUND);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].code, "dangling-alias");
	sdh_unit_free(u);
	sdh_diags_release(&d);

	/* An alias of another type is rejected; a later directory may still provide the name. */
	link_("real.service", "etc/systemd/system/badtype.socket");
	u = load_v("badtype.socket", SDH_VERSION_V262, &d);
	assert_int_equal(u->load_state, SDH_LOAD_NOT_FOUND);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].code, "bad-alias");
	sdh_unit_free(u);
	sdh_diags_release(&d);

	/* Alias loop. */
	link_("loop-b.service", "etc/systemd/system/loop-a.service");
	link_("loop-a.service", "etc/systemd/system/loop-b.service");
	u = load_v("loop-a.service", SDH_VERSION_V262, &d);
	assert_int_equal(u->load_state, SDH_LOAD_NOT_FOUND);
	assert_string_equal(d.items[0].code, "alias-loop");
	sdh_unit_free(u);
	sdh_diags_release(&d);
}

static void test_mask(void **state)
{
	struct sdh_unit *u;

	(void)state;
	put("usr/lib/systemd/system/masked.service", "[Service]\nUser=x\n");
	link_("/dev/null", "etc/systemd/system/masked.service");
	u = load("masked.service");
	assert_int_equal(u->load_state, SDH_LOAD_MASKED);
	assert_int_equal(u->n_assignments, 0);
	sdh_unit_free(u);

	put("usr/lib/systemd/system/empty.service", "");
	u = load("empty.service");
	assert_int_equal(u->load_state, SDH_LOAD_MASKED);
	sdh_unit_free(u);

	/* Only comments is not empty: loaded. */
	put("usr/lib/systemd/system/comment.service", "# nothing\n");
	u = load("comment.service");
	assert_int_equal(u->load_state, SDH_LOAD_LOADED);
	sdh_unit_free(u);
}

static void test_template(void **state)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_unit *u;

	(void)state;
	put("usr/lib/systemd/system/tpl@.service", "[Service]\nUser=%i\n");
	put("usr/lib/systemd/system/tpl@.service.d/t.conf", "[Service]\nGroup=tpl\n");
	put("usr/lib/systemd/system/tpl@bar.service.d/i.conf", "[Service]\nGroup=bar\n");
	u = load("tpl@bar.service");
	assert_int_equal(u->load_state, SDH_LOAD_LOADED);
	assert_string_equal(u->id, "tpl@bar.service");
	assert_string_equal(u->instance, "bar");
	assert_string_equal(u->prefix, "tpl");
	assert_string_equal(u->fragment_path, "/usr/lib/systemd/system/tpl@.service");
	assert_int_equal(strv_length(u->dropin_paths), 2);
	/* Sorted by file name: i.conf before t.conf, so the template's Group= wins. */
	assert_string_equal(value(u, "Group"), "tpl");
	sdh_unit_free(u);

	u = load_v("tpl@.service", SDH_VERSION_V252, NULL);
	assert_string_equal(u->id, "tpl@i.service");
	sdh_unit_free(u);
	u = load_v("tpl@.service", SDH_VERSION_V262, NULL);
	assert_string_equal(u->id, "tpl@test_instance.service");
	sdh_unit_free(u);
	o.root = root;
	o.instance = "web";
	assert_int_equal(sdh_unit_load(&o, "tpl@.service", NULL, &u), 0);
	assert_string_equal(u->name, "tpl@web.service");
	sdh_unit_free(u);
}

static void test_dropins(void **state)
{
	struct sdh_unit *u;

	(void)state;
	put("usr/lib/systemd/system/a-b-c.service", "[Service]\nUser=base\n");
	put("usr/lib/systemd/system/a-b-c.service.d/50-own.conf", "[Service]\nUser=own\n");
	put("usr/lib/systemd/system/a-b-.service.d/40-prefix.conf", "[Service]\nUser=ab\n");
	put("usr/lib/systemd/system/a-.service.d/60-prefix.conf", "[Service]\nGroup=a\n");
	put("usr/lib/systemd/system/service.d/10-type.conf", "[Service]\nUser=type\n");
	/* Same name in /etc masks the one in /usr/lib. */
	put("usr/lib/systemd/system/a-b-c.service.d/70-over.conf", "[Service]\nUser=lib\n");
	put("etc/systemd/system/a-b-c.service.d/70-over.conf", "[Service]\nUser=etc\n");
	/* A /dev/null drop-in masks the name. */
	put("usr/lib/systemd/system/a-b-c.service.d/80-masked.conf", "[Service]\nUser=masked\n");
	link_("/dev/null", "etc/systemd/system/a-b-c.service.d/80-masked.conf");
	/* Not .conf, hidden: ignored. */
	put("etc/systemd/system/a-b-c.service.d/90-x.txt", "[Service]\nUser=txt\n");
	put("etc/systemd/system/a-b-c.service.d/.99-hidden.conf", "[Service]\nUser=hidden\n");

	u = load("a-b-c.service");
	assert_int_equal(strv_length(u->dropin_paths), 5);
	assert_string_equal(u->dropin_paths[0], "/usr/lib/systemd/system/service.d/10-type.conf");
	assert_string_equal(u->dropin_paths[1],
			    "/usr/lib/systemd/system/a-b-.service.d/40-prefix.conf");
	assert_string_equal(u->dropin_paths[2],
			    "/usr/lib/systemd/system/a-b-c.service.d/50-own.conf");
	assert_string_equal(u->dropin_paths[3],
			    "/usr/lib/systemd/system/a-.service.d/60-prefix.conf");
	assert_string_equal(u->dropin_paths[4], "/etc/systemd/system/a-b-c.service.d/70-over.conf");
	assert_string_equal(value(u, "User"), "etc");
	assert_string_equal(value(u, "Group"), "a");
	assert_false(u->assignments[0].from_dropin);
	assert_true(u->assignments[1].from_dropin);
	assert_string_equal(u->assignments[1].file, u->dropin_paths[0]);
	sdh_unit_free(u);
}

static void test_list(void **state)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	char **l = NULL;

	(void)state;
	put("usr/lib/systemd/system/list1.service", "[Service]\n");
	put("etc/systemd/system/list1.service", "[Service]\n");
	put("usr/lib/systemd/system/list2@.service", "[Service]\n");
	put("usr/lib/systemd/system/list3.socket", "[Socket]\n");
	link_("/dev/null", "etc/systemd/system/list4.service");
	o.root = root;
	assert_int_equal(sdh_unit_list(&o, ".service", &l), 0);
	assert_true(strv_contains(l, "list1.service"));
	assert_true(strv_contains(l, "list2@.service"));
	assert_true(strv_contains(l, "list4.service"));
	assert_false(strv_contains(l, "list3.socket"));
	for (size_t i = 1; l[i]; i++)
		assert_true(strcmp(l[i - 1], l[i]) < 0);
	strv_free(l);
}

/* A prepared cache answers like no cache: aliases and drop-ins of alias names included. */
static void test_cache_prepare(void **state)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_unit_cache *c = NULL;
	struct sdh_unit *u = NULL;

	(void)state;
	put("usr/lib/systemd/system/real.service", "[Service]\nUser=real\n");
	link_("real.service", "usr/lib/systemd/system/rel-alias.service");
	put("etc/systemd/system/rel-alias.service.d/x.conf", "[Service]\nGroup=via-alias\n");
	assert_int_equal(sdh_unit_cache_new(&c), 0);
	o.root = root;
	o.version = SDH_VERSION_V262;
	o.cache = c;
	assert_int_equal(sdh_unit_cache_prepare(c, &o), 0);
	assert_int_equal(sdh_unit_cache_prepare(c, &o), 0); /* already filled */
	assert_int_equal(sdh_unit_load(&o, "real.service", NULL, &u), 0);
	assert_int_equal(u->load_state, SDH_LOAD_LOADED);
	assert_true(strv_contains(u->aliases, "rel-alias.service"));
	assert_string_equal(value(u, "Group"), "via-alias");
	sdh_unit_free(u);
	sdh_unit_cache_free(c);
	assert_int_equal(sdh_unit_cache_prepare(NULL, &o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_path),
		cmocka_unit_test_setup_teardown(test_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_prepare, setup, teardown),
	};

	return cmocka_run_group_tests_name("unit-load", tests, NULL, NULL);
}
