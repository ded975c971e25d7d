/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc-util.h"
#include "basic/arena.h"
#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "sdharden/kb.h"
#include "unit/unit-parse.h"

#define UTF8_BOM "\xef\xbb\xbf"

/*
 * The sections a unit of TYPE has besides [Unit] and [Install] (systemd's per-type vtable): the
 * constant name of SECTION if it is one of them, else NULL.
 */
static const char *section_known(const char *type, const char *section)
{
	static const char *const map[][2] = {
		{ "service", "Service" },     { "socket", "Socket" }, { "mount", "Mount" },
		{ "automount", "Automount" }, { "swap", "Swap" },     { "timer", "Timer" },
		{ "path", "Path" },           { "slice", "Slice" },   { "scope", "Scope" },
	};

	if (streq(section, "Unit"))
		return "Unit";
	if (streq(section, "Install"))
		return "Install";
	for (size_t i = 0; type && i < ELEMENTSOF(map); i++)
		if (streq(type, map[i][0]))
			return streq(section, map[i][1]) ? map[i][1] : NULL;
	return NULL;
}

/* systemd's string_is_safe(): no control characters, quotes or backslashes. */
static bool string_is_safe(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 127 || strchr("\\\"'", *p))
			return false;
	return true;
}

static int diag(struct unit_parse *p, unsigned line, enum sdh_severity sev, const char *code,
		const char *fmt, ...) printf_attr(5, 6);
static int diag(struct unit_parse *p, unsigned line, enum sdh_severity sev, const char *code,
		const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!p->diags)
		return 0;
	va_start(ap, fmt);
	r = sdh_diags_addv(p->diags, p->file, line, sev, code, fmt, ap);
	va_end(ap);
	return r;
}

/* SECTION and KEY are constants (the known section's and the directive's name). */
static int add_assignment(struct unit_parse *p, const char *section, const char *key,
			  const char *value, unsigned line, unsigned line_end)
{
	const char *v;

	if (GREEDY_REALLOC(p->assignments, p->alloc, p->n_assignments + 1, 16) < 0)
		return -ENOMEM;
	v = sdh_arena_strdup(p->strings, value);
	if (!v)
		return -ENOMEM;
	p->assignments[p->n_assignments++] = (struct sdh_assignment){
		.section = section,
		.key = key,
		.value = v,
		.file = p->file,
		.line = line,
		.line_end = line_end,
		.from_dropin = p->dropin,
	};
	return 0;
}

struct parse_state {
	const char *section; /* NULL: none, or an ignored one */
	bool section_ignored;
};

static int assignment(struct unit_parse *p, struct parse_state *s, const char *key,
		      const char *value, unsigned line, unsigned line_end)
{
	const struct sdh_directive *d;
	const char *hint;

	/* systemd ignores "X-" keys silently, anything else it does not know with a warning. */
	if (startswith(key, "X-"))
		return 0;
	d = sdh_directive_lookup(key);
	if (d && !sdh_directive_known_at(d, p->version)) {
		return diag(p, line, SDH_SEVERITY_WARNING, "unknown-key",
			    "unknown key '%s' in section [%s], ignoring: systemd %u does not know "
			    "it (added in %u)",
			    key, s->section, SDH_VERSION_MAJOR(p->version),
			    SDH_VERSION_MAJOR(d->version_added));
	}
	if (!d) {
		hint = sdh_directive_suggest(key);
		if (hint)
			return diag(
				p, line, SDH_SEVERITY_WARNING, "unknown-key",
				"unknown key '%s' in section [%s], ignoring (did you mean '%s'?)",
				key, s->section, hint);
		return diag(p, line, SDH_SEVERITY_WARNING, "unknown-key",
			    "unknown key '%s' in section [%s], ignoring", key, s->section);
	}
	if (!sdh_directive_in_section(d, s->section))
		return diag(p, line, SDH_SEVERITY_WARNING, "key-wrong-section",
			    "key '%s' does not belong in section [%s] (only in [%s]), ignoring",
			    key, s->section, d->sections_v262);
	return add_assignment(p, s->section, d->directive, value, line, line_end);
}

/* systemd's parse_line(): L is modified. */
static int parse_line(struct unit_parse *p, struct parse_state *s, char *l, unsigned line,
		      unsigned line_end)
{
	char *e;

	l = strstrip(l);
	if (!*l)
		return 0;
	if (startswith(l, ".include "))
		return diag(p, line_end, SDH_SEVERITY_WARNING, "include-obsolete",
			    "'.include' is not supported anymore, ignoring the line");
	if (*l == '[') {
		size_t k = strlen(l);
		char *n;

		if (l[k - 1] != ']') {
			int r = diag(p, line_end, SDH_SEVERITY_ERROR, "bad-section-header",
				     "invalid section header '%s'", l);
			return r < 0 ? r : -EBADMSG;
		}
		l[k - 1] = 0;
		n = l + 1;
		if (!string_is_safe(n)) {
			int r;

			l[k - 1] = ']';
			r = diag(p, line_end, SDH_SEVERITY_ERROR, "bad-section-header",
				 "bad characters in section header '%s'", l);
			return r < 0 ? r : -EBADMSG;
		}
		s->section = section_known(p->type, n);
		s->section_ignored = !s->section;
		if (!s->section && !startswith(n, "X-"))
			return diag(p, line_end, SDH_SEVERITY_WARNING, "unknown-section",
				    "unknown section [%s], ignoring", n);
		return 0;
	}
	if (!s->section) {
		if (s->section_ignored)
			return 0;
		return diag(p, line_end, SDH_SEVERITY_WARNING, "outside-section",
			    "assignment outside of a section, ignoring");
	}
	e = strchr(l, '=');
	if (!e)
		return diag(p, line_end, SDH_SEVERITY_WARNING, "missing-equals",
			    "missing '=' in '%s', ignoring the line", l);
	if (e == l)
		return diag(p, line_end, SDH_SEVERITY_WARNING, "missing-key",
			    "missing key name before '=', ignoring the line");
	*e = 0;
	if (s->section_ignored)
		return 0;
	return assignment(p, s, strstrip(l), strstrip(e + 1), line, line_end);
}

/*
 * Cut the next line off [*pos, len) the way systemd's read_line() does: '\n', '\r' and NUL end a
 * line; "\r\n" and "\n\r" count as one end, a NUL always ends it right there.  Returns false at
 * the end of the buffer.
 */
static bool next_line(const char *buf, size_t len, size_t *pos, size_t *ret_start, size_t *ret_len,
		      bool *ret_nul)
{
	size_t i = *pos, start = i;
	unsigned prev = 0; /* 1: '\n', 2: '\r' */

	if (i >= len)
		return false;
	*ret_nul = false;
	/* BUF[LEN] is a NUL: strcspn() stops at the line's end or there, a vector at a time. */
	i += strcspn(buf + i, "\n\r");
	*ret_start = start;
	*ret_len = i - start;
	if (i < len && buf[i] == 0) {
		*ret_nul = true;
		*pos = i + 1;
		return true;
	}
	while (i < len && (buf[i] == '\n' || buf[i] == '\r')) {
		unsigned t = buf[i] == '\n' ? 1 : 2;

		if (prev & t)
			break;
		prev |= t;
		i++;
	}
	*pos = i;
	return true;
}

/* A joined line ends in an odd run of backslashes: it goes on on the next line. */
static bool continues(const char *l, size_t len)
{
	bool escaped = false;

	for (size_t k = len; k > 0 && l[k - 1] == '\\'; k--)
		escaped = !escaped;
	return escaped;
}

int unit_parse_buffer(struct unit_parse *p, char *buf, size_t len)
{
	struct parse_state s = { 0 };
	/* A continuation is joined in CONT; every other line is parsed where it is, in BUF. */
	cleanup_strbuf struct strbuf cont = STRBUF_INIT;
	bool in_cont = false, bom_seen = false, nul_reported = false;
	unsigned line = 0, cont_line = 0;
	size_t pos = 0, start, n;
	bool nul;
	int r = 0;

	while (next_line(buf, len, &pos, &start, &n, &nul)) {
		char *l = buf + start;
		const char *c;

		line++;
		if (nul && !nul_reported) {
			nul_reported = true;
			r = diag(p, line, SDH_SEVERITY_WARNING, "nul-byte",
				 "NUL byte in the file, systemd reads it as the end of a line");
			if (r < 0)
				goto out;
		}
		if (n > UNIT_LINE_MAX) {
			r = diag(p, line, SDH_SEVERITY_ERROR, "line-too-long",
				 "line too long (%zu bytes, systemd's limit is %u)", n,
				 UNIT_LINE_MAX);
			r = r < 0 ? r : -ENOBUFS;
			goto out;
		}
		/* The line's end (or BUF[LEN]) was read already: the line can end there. */
		l[n] = 0;
		/* Comments are recognised on the raw line, even inside a continuation. */
		for (c = l; *c == ' ' || *c == '\t'; c++)
			;
		if (*c == '#' || *c == ';')
			continue;
		if (!bom_seen && startswith(l, UTF8_BOM)) {
			l += strlen(UTF8_BOM);
			n -= strlen(UTF8_BOM);
			bom_seen = true;
		}
		if (!in_cont && !continues(l, n)) {
			r = parse_line(p, &s, l, line, line);
			if (r < 0)
				goto out;
			continue;
		}
		if (in_cont) {
			if (cont.len + n > UNIT_LINE_MAX) {
				r = diag(p, line, SDH_SEVERITY_ERROR, "line-too-long",
					 "continuation line too long (systemd's limit is %u bytes)",
					 UNIT_LINE_MAX);
				r = r < 0 ? r : -ENOBUFS;
				goto out;
			}
		} else {
			strbuf_reset(&cont);
			cont_line = line;
		}
		strbuf_add(&cont, l, n);
		if (strbuf_error(&cont)) {
			r = -ENOMEM;
			goto out;
		}
		if (continues(cont.buf, cont.len)) {
			cont.buf[cont.len - 1] = ' ';
			in_cont = true;
			continue;
		}
		in_cont = false;
		r = parse_line(p, &s, cont.buf, cont_line, line);
		if (r < 0)
			goto out;
	}
	if (in_cont)
		r = parse_line(p, &s, cont.buf, cont_line, line);
out:
	return r;
}
