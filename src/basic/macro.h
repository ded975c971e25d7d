/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small macros every module uses: cleanup attributes, ownership transfer, array sizes, string
 * equality.  No domain knowledge lives in src/basic/ (see src/README.md for the layering rule).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define unused_attr       __attribute__((unused))
#define printf_attr(a, b) __attribute__((format(printf, a, b)))
#define cleanup_attr(f)   __attribute__((cleanup(f)))

/* Take ownership of *p: return its value and leave NULL (or -1 for fds) behind. */
#define TAKE_PTR(p)                       \
	({                                \
		__typeof__(p) *p_ = &(p); \
		__typeof__(p) v_ = *p_;   \
		*p_ = NULL;               \
		v_;                       \
	})
#define TAKE_FD(fd)               \
	({                        \
		int *fd_ = &(fd); \
		int v_ = *fd_;    \
		*fd_ = -1;        \
		v_;               \
	})

/* Define `static inline void NAME(TYPE *p)` that calls FUNC(*p) when *p is set. */
#define DEFINE_CLEANUP_FUNC(type, func, name) \
	static inline void name(type *p)      \
	{                                     \
		if (*p)                       \
			func(*p);             \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
}

#define cleanup_free cleanup_attr(freep)
#define cleanup_fd   cleanup_attr(closep)

static inline bool streq(const char *a, const char *b)
{
	/* Most comparisons are against a literal and fail on the first byte: no call for those. */
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return streq(a, b);
}

static inline bool isempty(const char *s)
{
	return !s || !*s;
}

static inline const char *strempty(const char *s)
{
	return s ? s : "";
}

/* Return -errno for a libc call that returned < 0 and set errno. */
#define RET_NERRNO(expr)                      \
	({                                    \
		__typeof__(expr) r_ = (expr); \
		r_ < 0 ? -errno : r_;         \
	})
