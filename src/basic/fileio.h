/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Hard limit on any unit file or drop-in we read (systemd refuses lines > 1 MiB; files are small).
 */
#define SDH_FILE_SIZE_MAX (4U * 1024U * 1024U)

/*
 * Read a whole regular file relative to DIRFD (AT_FDCWD allowed) into a NUL-terminated heap
 * buffer.  -EFBIG beyond MAX bytes, -EISDIR for directories, other -errno from open/read.
 */
int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
/*
 * The same for a PATH the caller knows is a regular file (a directory listing said so), without
 * the fstat(): its first short read is its end.  -EISDIR from read() if it became a directory.
 */
int read_full_regular_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Write all N bytes of BUF to FD, through short writes and EINTR.  0 or -errno (-EIO if the
 * kernel accepts nothing). */
int loop_write(int fd, const void *buf, size_t n);

/* Create or truncate PATH relative to DIRFD (AT_FDCWD allowed) with MODE and write BUF. */
int write_full_file_at(int dirfd, const char *path, const void *buf, size_t n, mode_t mode);
