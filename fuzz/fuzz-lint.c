/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The input is at once a unit file (service and drop-in), the service's Exec binary
 * /usr/bin/fuzzbin (ELF or "#!" script) and /etc/nsswitch.conf of a private root: load the
 * unit, run every lint rule and render text, JSON and SARIF.
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
#include "sdharden/lint.h"
#include "sdharden/unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];

static const char *const dirs[] = {
	"etc", "etc/systemd", "etc/systemd/system", "etc/systemd/system/fuzz.service.d",
	"usr", "usr/bin"
};
static const char *const files[] = { "etc/systemd/system/fuzz.service",
				     "etc/systemd/system/fuzz.service.d/in.conf", "usr/bin/fuzzbin",
				     "etc/nsswitch.conf" };

static int write_file(const char *rel, const uint8_t *data, size_t size, mode_t mode)
{
	cleanup_free char *p = path_join(root, rel);

	return p ? write_full_file_at(AT_FDCWD, p, data, size, mode) : -ENOMEM;
}

static void cleanup_root(void)
{
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		cleanup_free char *p = path_join(root, files[i]);

		if (p)
			(void)remove(p);
	}
	for (size_t i = ELEMENTSOF(dirs); i > 0; i--) {
		cleanup_free char *p = path_join(root, dirs[i - 1]);

		if (p)
			(void)rmdir(p);
	}
	(void)rmdir(root);
}

static int setup(void)
{
	strcpy(root, "/tmp/sdh-fuzz-lint-XXXXXX");
	if (!mkdtemp(root))
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		cleanup_free char *p = path_join(root, dirs[i]);

		if (!p || mkdir(p, 0755) < 0)
			return -errno;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;
	struct sdh_lint_options lo = SDH_LINT_OPTIONS_INIT;
	struct sdh_lint_findings f = SDH_LINT_FINDINGS_INIT;
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_unit *u = NULL;
	char *s = NULL;

	if (!root[0]) {
		if (setup() < 0)
			abort();
		atexit(cleanup_root);
	}
	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		/* The binary is setuid on odd sizes to reach nnp-breaks-setuid. */
		if (write_file(files[i], data, size, i == 2 && size % 2 ? 04755 : 0755) < 0)
			abort();
	o.root = root;
	o.version = SDH_VERSION_NEWEST;
	if (sdh_unit_load(&o, "fuzz.service", &d, &u) < 0)
		abort();
	lo.root = root;
	lo.version = size % 3 == 0 ? SDH_VERSION(246, 0) : SDH_VERSION_V252;
	lo.load_diags = &d;
	if (sdh_lint_unit(&lo, u, &f) < 0)
		abort();
	if (sdh_lint_format_text(&f, SDH_SEVERITY_INFO, &s) < 0)
		abort();
	free(s);
	if (sdh_lint_format_json(&f, SDH_SEVERITY_INFO, &s) < 0)
		abort();
	free(s);
	if (sdh_lint_format_sarif(&f, SDH_SEVERITY_INFO, "fuzz", &s) < 0)
		abort();
	free(s);
	sdh_lint_findings_release(&f);
	sdh_unit_free(u);
	sdh_diags_release(&d);
	return 0;
}
