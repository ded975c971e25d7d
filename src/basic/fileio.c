/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"

int read_full_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	cleanup_fd int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0, alloc = 0;
	struct stat st;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max)
		return -EFBIG;
	/*
	 * A regular file is read in one go, and reading stops once the size fstat() reported is in:
	 * the read() that would only confirm the end costs a system call per unit file when whole
	 * trees are loaded.  (Room for one byte more, and the NUL, in case it grew.)
	 */
	alloc = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 0;
	if (alloc && !(buf = malloc(alloc)))
		return -ENOMEM;

	for (;;) {
		ssize_t n;

		if (len + 1 >= alloc) {
			size_t na = MAX(alloc * 2, len + 4096 + 1);
			char *nb = realloc(buf, na);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			alloc = na;
		}
		n = read(fd, buf + len, alloc - len - 1);
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
		if (S_ISREG(st.st_mode) && st.st_size > 0 && len == (size_t)st.st_size)
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
