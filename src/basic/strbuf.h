/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A growable string.  Invariants (as git's strbuf): buf is never NULL once initialised with
 * STRBUF_INIT or strbuf_init(), it is always NUL-terminated, len excludes the NUL.  A failed
 * allocation sets `oom` and leaves the contents as they were; callers check strbuf_error()
 * once at the end instead of after every append.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "basic/macro.h"

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	bool oom;
};

extern char strbuf_empty[];
#define STRBUF_INIT                 \
	{                           \
		.buf = strbuf_empty \
	}

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Hand the buffer to the caller (heap, NUL-terminated; never NULL unless OOM) and reset SB. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Make room for EXTRA more bytes, so that many small appends do not reallocate. */
void strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_add_slow(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addchars_slow(struct strbuf *sb, char c, size_t n);
void strbuf_addc_slow(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) printf_attr(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) printf_attr(2, 0);
/* Append S escaped for a JSON string body (no surrounding quotes). */
void strbuf_add_json_escaped(struct strbuf *sb, const char *s);
static inline int strbuf_error(const struct strbuf *sb)
{
	return sb->oom ? -ENOMEM : 0;
}

/*
 * The appends are inline when the buffer has room (renderers append cells, padding and single
 * characters by the million); the _slow() variants grow it.
 */
static inline bool strbuf_has_room(const struct strbuf *sb, size_t extra)
{
	return !sb->oom && sb->len + extra + 1 <= sb->alloc;
}

static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_has_room(sb, len)) {
		strbuf_add_slow(sb, data, len);
		return;
	}
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
}

/* Append N copies of C (padding). */
static inline void strbuf_addchars(struct strbuf *sb, char c, size_t n)
{
	if (!strbuf_has_room(sb, n)) {
		strbuf_addchars_slow(sb, c, n);
		return;
	}
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
}

static inline void strbuf_addc(struct strbuf *sb, char c)
{
	if (!strbuf_has_room(sb, 1)) {
		strbuf_addc_slow(sb, c);
		return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}

/* Cut SB back to its first LEN bytes (LEN <= sb->len). */
static inline void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len >= sb->len)
		return;
	sb->len = len;
	sb->buf[len] = 0;
}

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define cleanup_strbuf cleanup_attr(strbuf_releasep)
