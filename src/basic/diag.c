/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc-util.h"
#include "basic/macro.h"
#include "sdharden/diag.h"

int sdh_diags_addv(struct sdh_diags *d, const char *file, unsigned line, enum sdh_severity sev,
		   const char *code, const char *fmt, va_list ap)
{
	struct sdh_diag *x;
	char *msg = NULL;

	if (GREEDY_REALLOC(d->items, d->alloc, d->n + 1, 8) < 0)
		return -ENOMEM;
	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	x = &d->items[d->n];
	*x = (struct sdh_diag){ .line = line, .severity = sev, .message = msg };
	if ((file && !(x->file = strdup(file))) || (code && !(x->code = strdup(code)))) {
		free(x->file);
		free(msg);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

int sdh_diags_add(struct sdh_diags *d, const char *file, unsigned line, enum sdh_severity sev,
		  const char *code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sdh_diags_addv(d, file, line, sev, code, fmt, ap);
	va_end(ap);
	return r;
}

void sdh_diags_release(struct sdh_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].code);
		free(d->items[i].message);
	}
	free(d->items);
	*d = (struct sdh_diags)SDH_DIAGS_INIT;
}

size_t sdh_diags_count(const struct sdh_diags *d, enum sdh_severity min)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].severity >= min;
	return n;
}

const char *sdh_severity_to_string(enum sdh_severity s)
{
	static const char *const names[SDH_SEVERITY_MAX] = {
		[SDH_SEVERITY_INFO] = "info",
		[SDH_SEVERITY_WARNING] = "warning",
		[SDH_SEVERITY_ERROR] = "error",
	};

	return (unsigned)s < SDH_SEVERITY_MAX ? names[s] : NULL;
}
