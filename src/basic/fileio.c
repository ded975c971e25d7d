/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"

/*
 * Read FD to its end into a NUL-terminated heap buffer, starting with room for ALLOC bytes.
 * SIZE: the size fstat() gave, or 0 when unknown.  SHORT_IS_END: FD is a regular file, whose
 * read() returns less than asked only at its end, so no read() is spent to see the end: a
 * system call per unit file when whole trees are loaded.
 */
static int read_fd(int fd, size_t max, size_t alloc, size_t size, bool short_is_end, char **ret,
		   size_t *ret_len)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;

	if (alloc && !(buf = malloc(alloc)))
		return -ENOMEM;
	for (;;) {
		size_t want;
		ssize_t n;

		if (len + 1 >= alloc) {
			size_t na = MAX(alloc * 2, len + 4096 + 1);
			char *nb = realloc(buf, na);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			alloc = na;
		}
		want = alloc - len - 1;
		n = read(fd, buf + len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
		if ((size > 0 && len == size) || (short_is_end && (size_t)n < want))
			break;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	cleanup_fd int fd = -1;
	struct stat st;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return read_fd(fd, max, 0, 0, false, ret, ret_len);
	if ((size_t)st.st_size > max)
		return -EFBIG;
	/*
	 * Read in one go, up to the size fstat() said: room for a byte more, in case it grew, and
	 * the NUL.  Not stopping at a short read: files of /proc and /sys give those, and say 0.
	 */
	return read_fd(fd, max, (size_t)st.st_size + 2, (size_t)st.st_size, false, ret, ret_len);
}

int read_full_regular_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	cleanup_fd int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	/* Unit files are a few KiB. */
	return read_fd(fd, max, 4096, 0, true, ret, ret_len);
}

int loop_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			return -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int write_full_file_at(int dirfd, const char *path, const void *buf, size_t n, mode_t mode)
{
	cleanup_fd int fd =
		openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, mode);

	if (fd < 0)
		return -errno;
	return loop_write(fd, buf, n);
}
