/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Installing and undoing the generated drop-in under a root.  The unit file itself is never
 * touched: only /etc/systemd/system/UNIT.d/50-sdharden.conf and its one saved predecessor
 * 50-sdharden.conf.prev (systemd reads only "*.conf" in a ".d/" directory, so the saved copy is
 * inert).  Every change is a rename() inside one directory, so a reader (PID 1 at
 * daemon-reload) sees the old file or the new one, never a partial one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "sdharden/gen.h"

#define DROPIN_BASE "/etc/systemd/system"

char *sdh_dropin_path(const char *unit)
{
	char *p = NULL;

	if (isempty(unit) || strchr(unit, '/'))
		return NULL;
	if (asprintf(&p, DROPIN_BASE "/%s.d/" SDH_DROPIN_NAME, unit) < 0)
		return NULL;
	return p;
}

/* mkdir -p of REL (relative, no "..") below DIRFD; returns an O_DIRECTORY fd of the last one. */
static int open_dir_p(int dirfd, const char *rel)
{
	cleanup_free char *copy = strdup(rel);
	cleanup_fd int fd = -1;
	char *p, *save = NULL;

	if (!copy)
		return -ENOMEM;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		int nfd;

		if (streq(p, "..") || streq(p, "."))
			return -EINVAL;
		if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
			return -errno;
		nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			return -errno;
		closep(&fd);
		fd = nfd;
	}
	return TAKE_FD(fd);
}

static int open_root(const char *root)
{
	int fd = open(isempty(root) ? "/" : root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int dropin_dir(const char *root, const char *unit, bool create, char **ret_path)
{
	cleanup_fd int rfd = -1;
	cleanup_free char *rel = NULL;
	int fd;

	if (isempty(unit) || strchr(unit, '/') || streq(unit, ".") || streq(unit, ".."))
		return -EINVAL;
	if (ret_path && !(*ret_path = sdh_dropin_path(unit)))
		return -ENOMEM;
	if (asprintf(&rel, DROPIN_BASE "/%s.d", unit) < 0)
		return -ENOMEM;
	rfd = open_root(root);
	if (rfd < 0)
		return rfd;
	if (create)
		return open_dir_p(rfd, rel + 1);
	fd = openat(rfd, rel + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sdh_dropin_install(const char *root, const char *unit, const char *text, char **ret_path)
{
	cleanup_free char *path = NULL, *old = NULL;
	cleanup_fd int dfd = -1, fd = -1;
	char tmp[] = ".#" SDH_DROPIN_NAME "XXXXXX";
	const char prev_tmp[] = ".#" SDH_DROPIN_PREV;
	size_t len;
	int r;

	if (!text)
		return -EINVAL;
	dfd = dropin_dir(root, unit, true, &path);
	if (dfd < 0)
		return dfd;
	len = strlen(text);

	/* Unchanged: keep the previous version, so that --undo still goes back one real step. */
	r = read_full_file_at(dfd, SDH_DROPIN_NAME, SDH_FILE_SIZE_MAX, &old, NULL);
	if (r >= 0 && streq(old, text)) {
		if (ret_path)
			*ret_path = TAKE_PTR(path);
		return 0;
	}
	if (r < 0 && r != -ENOENT)
		return r;

	/* mkostemp() needs a path; build a unique name by hand below DFD instead. */
	for (unsigned attempt = 0;; attempt++) {
		snprintf(tmp + sizeof(tmp) - 7, 7, "%06x",
			 (unsigned)(getpid() ^ (attempt * 7919U)) & 0xffffffU);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno != EEXIST || attempt > 100)
			return -errno;
	}
	r = loop_write(fd, text, len);
	if (r >= 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (r < 0)
		goto fail;

	/* Keep the current version: link it under a temporary name, then rename over .prev. */
	if (old) {
		(void)unlinkat(dfd, prev_tmp, 0);
		if (linkat(dfd, SDH_DROPIN_NAME, dfd, prev_tmp, 0) < 0 ||
		    renameat(dfd, prev_tmp, dfd, SDH_DROPIN_PREV) < 0) {
			r = -errno;
			(void)unlinkat(dfd, prev_tmp, 0);
			goto fail;
		}
	}
	if (renameat(dfd, tmp, dfd, SDH_DROPIN_NAME) < 0) {
		r = -errno;
		goto fail;
	}
	(void)fsync(dfd);
	if (ret_path)
		*ret_path = TAKE_PTR(path);
	return 1;
fail:
	(void)unlinkat(dfd, tmp, 0);
	return r;
}

int sdh_dropin_undo(const char *root, const char *unit, char **ret_path)
{
	cleanup_free char *path = NULL;
	cleanup_fd int dfd = -1;
	int r;

	dfd = dropin_dir(root, unit, false, &path);
	if (dfd < 0)
		return dfd;
	if (renameat(dfd, SDH_DROPIN_PREV, dfd, SDH_DROPIN_NAME) >= 0)
		r = 1;
	else if (errno != ENOENT)
		return -errno;
	else if (unlinkat(dfd, SDH_DROPIN_NAME, 0) >= 0)
		r = 0;
	else
		return -errno;
	(void)fsync(dfd);
	if (ret_path)
		*ret_path = TAKE_PTR(path);
	return r;
}
