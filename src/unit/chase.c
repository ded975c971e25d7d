/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/strbuf.h"
#include "unit/chase.h"

char *root_join(const char *root, const char *path)
{
	if (isempty(root) || streq(root, "/"))
		return strdup(path);
	return path_join(root, path);
}

static int readlink_alloc(const char *path, char **ret)
{
	for (size_t sz = 256; sz <= 65536; sz *= 2) {
		char *buf = malloc(sz);
		ssize_t n;

		if (!buf)
			return -ENOMEM;
		n = readlink(path, buf, sz);
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if ((size_t)n < sz) {
			buf[n] = 0;
			*ret = buf;
			return 0;
		}
		free(buf);
	}
	return -ENAMETOOLONG;
}

/* Drop the last component of DONE (an absolute path, "/" stays "/"). */
static void drop_last(struct strbuf *done)
{
	char *slash = strrchr(done->buf, '/');

	if (slash)
		done->len = (size_t)(slash - done->buf);
	done->buf[done->len] = 0;
}

int chase_in_root(const char *root, const char *path, unsigned flags, char **ret)
{
	cleanup_strbuf struct strbuf done = STRBUF_INIT;
	cleanup_free char *todo = strdup(path);
	unsigned hops = 0;
	char *p;

	if (!todo)
		return -ENOMEM;
	if (!path_is_absolute(path))
		return -EINVAL;
	p = todo;
	for (;;) {
		cleanup_free char *host = NULL, *target = NULL;
		size_t n, before;
		struct stat st;

		p += strspn(p, "/");
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			drop_last(&done);
			p += n;
			continue;
		}
		before = done.len;
		strbuf_addc(&done, '/');
		strbuf_add(&done, p, n);
		if (strbuf_error(&done))
			return -ENOMEM;
		p += n;

		host = root_join(root, done.buf);
		if (!host)
			return -ENOMEM;
		if (lstat(host, &st) < 0) {
			if (errno != ENOENT || !(flags & CHASE_NONEXISTENT))
				return -errno;
			/* Keep the rest as written, only normalising "." and "..". */
			continue;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (!S_ISDIR(st.st_mode) && p[strspn(p, "/")])
				return -ENOTDIR;
			continue;
		}
		if ((flags & CHASE_NOFOLLOW_LAST) && !p[strspn(p, "/")])
			continue;
		if (++hops > CHASE_HOPS_MAX)
			return -ELOOP;
		{
			int r = readlink_alloc(host, &target);

			if (r < 0)
				return r;
		}
		if (streq(target, "/dev/null")) {
			if (p[strspn(p, "/")])
				return -ENOTDIR;
			char *s = strdup("/dev/null");

			if (!s)
				return -ENOMEM;
			*ret = s;
			return 0;
		}
		/* Replace the link by its target and continue with the rest of the path. */
		done.len = before;
		done.buf[done.len] = 0;
		if (path_is_absolute(target)) {
			done.len = 0;
			done.buf[0] = 0;
		}
		{
			char *nt = NULL;

			if (asprintf(&nt, "%s/%s", target, p) < 0)
				return -ENOMEM;
			free(todo);
			todo = nt;
			p = todo;
		}
	}
	if (done.len == 0)
		strbuf_addc(&done, '/');
	if (strbuf_error(&done))
		return -ENOMEM;
	*ret = strbuf_detach(&done);
	return *ret ? 0 : -ENOMEM;
}
