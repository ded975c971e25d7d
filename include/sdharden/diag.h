/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Diagnostics about unit files.  The library never prints: the parser, loader, scorer and linter
 * append problems found in a user's files to a caller-owned `struct sdh_diags` and keep going, the
 * way systemd's log_syntax() reports and carries on.  The caller decides how to show them.
 *
 * Lifecycle: `struct sdh_diags d = SDH_DIAGS_INIT;` ... sdh_diags_release(&d).
 * Strings passed in are copied.  sdh_diags_add*() returns 0 or -ENOMEM.
 */

#include <stdarg.h>
#include <stddef.h>

enum sdh_severity {
	SDH_SEVERITY_INFO,
	SDH_SEVERITY_WARNING,
	SDH_SEVERITY_ERROR,
	SDH_SEVERITY_MAX,
};

struct sdh_diag {
	char *file;    /* NULL when not about a file */
	unsigned line; /* 0 when not about a line */
	enum sdh_severity severity;
	char *code;    /* short stable identifier, e.g. "unknown-key", may be NULL */
	char *message; /* lowercase, no final full stop */
};

struct sdh_diags {
	struct sdh_diag *items;
	size_t n;
	size_t alloc;
};

#define SDH_DIAGS_INIT \
	{              \
		0      \
	}

int sdh_diags_add(struct sdh_diags *d, const char *file, unsigned line, enum sdh_severity sev,
		  const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int sdh_diags_addv(struct sdh_diags *d, const char *file, unsigned line, enum sdh_severity sev,
		   const char *code, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));
void sdh_diags_release(struct sdh_diags *d);
size_t sdh_diags_count(const struct sdh_diags *d, enum sdh_severity min);
const char *sdh_severity_to_string(enum sdh_severity s);
