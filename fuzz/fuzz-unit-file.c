/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The input is a unit file: write it into a private root as a service (and as a drop-in of
 * it), load it the way `sdharden cat` does, and expand the specifiers of every value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "sdharden/diag.h"
#include "sdharden/kb.h"
#include "sdharden/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];

static int write_file(const char *rel, const uint8_t *data, size_t size)
{
	cleanup_free char *p = path_join(root, rel);

	return p ? write_full_file_at(AT_FDCWD, p, data, size, 0644) : -ENOMEM;
}

static int setup(void)
{
	static const char *const dirs[] = { "etc", "etc/systemd", "etc/systemd/system",
					    "etc/systemd/system/fuzz@.service.d" };

	strcpy(root, "/tmp/sdh-fuzz-XXXXXX");
	if (!mkdtemp(root))
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		cleanup_free char *p = path_join(root, dirs[i]);

		if (!p || mkdir(p, 0755) < 0)
			return -errno;
	}
	return 0;
}

static void cleanup_root(void)
{
	static const char *const files[] = { "etc/systemd/system/fuzz@.service.d/in.conf",
					     "etc/systemd/system/fuzz@.service",
					     "etc/systemd/system/fuzz@.service.d",
					     "etc/systemd/system",
					     "etc/systemd",
					     "etc" };

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		cleanup_free char *p = path_join(root, files[i]);

		if (p)
			(void)remove(p);
	}
	(void)rmdir(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_unit *u = NULL;

	if (!root[0]) {
		if (setup() < 0)
			abort();
		atexit(cleanup_root);
	}
	if (write_file("etc/systemd/system/fuzz@.service", data, size) < 0 ||
	    write_file("etc/systemd/system/fuzz@.service.d/in.conf", data, size) < 0)
		abort();
	o.root = root;
	o.version = size % 2 ? SDH_VERSION_V252 : SDH_VERSION_V262;
	if (sdh_unit_load(&o, "fuzz@a-b.service", &d, &u) < 0)
		abort();
	for (size_t i = 0; i < u->n_assignments; i++) {
		char *s = NULL;
		unsigned unknown = 0;

		if (sdh_unit_expand_specifiers(u, u->assignments[i].value, &s, &unknown) >= 0)
			free(s);
	}
	sdh_unit_free(u);
	sdh_diags_release(&d);
	return 0;
}
