/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replay fuzz inputs without libFuzzer: run LLVMFuzzerTestOneInput() on every file named on
 * the command line or found in the named directories (systemd's src/fuzz/fuzz-main.c idea).
 * Built for every fuzz target and run by `make check` over fuzz/corpus/<target>/.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	int r = read_full_file_at(AT_FDCWD, path, 16U * 1024U * 1024U, &buf, &len);

	if (r < 0) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-r));
		return r;
	}
	(void)LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned n = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				return 1;
			n++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d)
			return 1;
		while ((de = readdir(d))) {
			cleanup_free char *p = NULL;

			if (de->d_name[0] == '.')
				continue;
			p = path_join(argv[i], de->d_name);
			if (!p || run_file(p) < 0) {
				closedir(d);
				return 1;
			}
			n++;
		}
		closedir(d);
	}
	printf("%u inputs replayed\n", n);
	return 0;
}
