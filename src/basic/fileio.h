/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Hard limit on any unit file or drop-in we read (systemd refuses lines > 1 MiB; files are small).
 */
#define SDH_FILE_SIZE_MAX (4U * 1024U * 1024U)

/*
 * Read a whole regular file relative to DIRFD (AT_FDCWD allowed) into a NUL-terminated heap
 * buffer.  -EFBIG beyond MAX bytes, -EISDIR for directories, other -errno from open/read.
 */
int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
