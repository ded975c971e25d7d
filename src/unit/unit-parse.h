/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The unit-file syntax of systemd's config_parse(): lines end at '\n', '\r', "\r\n" or NUL,
 * comments ('#', ';') are recognised before continuation joining (so a comment inside a
 * continuation is skipped), a trailing backslash joins the next line, a UTF-8 BOM is dropped,
 * "[Section]" headers, "Key = Value" assignments.  Internal to src/unit/.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sdharden/diag.h"
#include "sdharden/unit.h"

/* systemd's LONG_LINE_MAX: a longer line (or joined continuation) makes the file unloadable. */
#define UNIT_LINE_MAX (1024U * 1024U)

struct unit_parse {
	const char *file; /* path inside the root, for provenance and diagnostics */
	const char *type; /* "service", ... selects the known sections */
	unsigned version;
	bool dropin;
	struct sdh_diags *diags; /* may be NULL */
	/*
	 * Output, appended to.  The values are copied into STRINGS; sections and keys point to
	 * constants, FILE is borrowed (it must live as long as the assignments).
	 */
	struct sdh_assignment *assignments;
	size_t n_assignments;
	size_t alloc;
	struct sdh_arena *strings;
};

/*
 * Parse BUF (LEN bytes, NULs allowed).  The lines are cut and trimmed in place: BUF is modified,
 * and BUF[LEN] must be a writable NUL (read_full_file_at() puts one there).  Returns 0; -EBADMSG or
 * -ENOBUFS when systemd would refuse the file (an error diagnostic was added); -ENOMEM.
 */
int unit_parse_buffer(struct unit_parse *p, char *buf, size_t len);
