/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text and JSON output of systemd-analyze security as a pipe receives it (exposure-spec.md §5):
 * systemd's format-table layout without a terminal, and its JSON writer (short and pretty).
 */
#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "score/score-internal.h"
#include "sdharden/score.h"

#define GLYPH_CHECK "\xe2\x9c\x93" /* ✓ */
#define GLYPH_CROSS "\xe2\x9c\x97" /* ✗ */
#define GLYPH_ARROW "\xe2\x86\x92" /* → */

static bool env_bool(const char *name, int *ret)
{
	const char *v = getenv(name);
	int b;

	if (!v || (b = parse_boolean(v)) < 0)
		return false;
	*ret = b;
	return true;
}

void sdh_render_options_from_env(unsigned version, struct sdh_render_options *ret)
{
	const char *term = getenv("TERM");
	const char *ctype = setlocale(LC_CTYPE, NULL);
	int b;

	*ret = (struct sdh_render_options){ 0 };
	if (version >= SDH_VERSION(253, 0) && env_bool("SYSTEMD_UTF8", &b))
		ret->utf8 = b;
	else if (streq(nl_langinfo(CODESET), "UTF-8"))
		ret->utf8 = true;
	else
		/* Plain C/POSIX with nothing configured counts as UTF-8 (systemd is_locale_utf8()).
		 */
		ret->utf8 = (!ctype || streq(ctype, "C") || streq(ctype, "POSIX")) &&
			    isempty(getenv("LC_ALL")) && isempty(getenv("LC_CTYPE")) &&
			    isempty(getenv("LANG"));

	if (env_bool("SYSTEMD_EMOJI", &b))
		ret->emoji = b;
	else if (version < SDH_VERSION(252, 4))
		ret->emoji = ret->utf8 && !streq_ptr(term, "dumb") && !streq_ptr(term, "linux");
	else
		ret->emoji = ret->utf8 && term && !streq(term, "dumb") && !streq(term, "linux");
	ret->debug = env_bool("SYSTEMD_ANALYZE_DEBUG", &b) && b;
}

/*
 * "%u.%u" of X / 10, X % 10 without printf (it is called for every row of every table); returns
 * the length.
 */
static size_t fmt_tenths(char buf[static 16], unsigned x)
{
	char tmp[16];
	size_t n = 0, k = 0;

	tmp[n++] = (char)('0' + x % 10);
	tmp[n++] = '.';
	x /= 10;
	do {
		tmp[n++] = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	while (n)
		buf[k++] = tmp[--n];
	buf[k] = 0;
	return k;
}

/* The length fmt_tenths() writes for X. */
static size_t tenths_len(unsigned x)
{
	size_t n = 3;

	for (x /= 10; x >= 10; x /= 10)
		n++;
	return n;
}

struct cell {
	const char *s; /* NULL = empty cell; borrowed (or in the table's scratch) */
	size_t len, width;
};

/*
 * The cells borrow their strings: rows, descriptions and check names outlive the rendering, so
 * nothing is copied but the numbers formatted for the table (into scratch, one slot per cell).
 */
struct table {
	size_t n_cols, n_rows; /* rows include the header */
	struct cell *cells;    /* n_rows * n_cols */
	bool *right;           /* per column */
	char (*scratch)[32];   /* per cell, allocated on first use */
};

static void table_free(struct table *t)
{
	free(t->cells);
	free(t->right);
	free(t->scratch);
}

static int table_init(struct table *t, size_t cols, size_t rows)
{
	*t = (struct table){ .n_cols = cols, .n_rows = rows };
	t->cells = calloc(cols * rows, sizeof(*t->cells));
	t->right = calloc(cols, sizeof(*t->right));
	return t->cells && t->right ? 0 : -ENOMEM;
}

/* S must outlive the table. */
static void table_set(struct table *t, size_t row, size_t col, const char *s)
{
	struct cell *c = &t->cells[row * t->n_cols + col];

	if (!s)
		return;
	c->s = s;
	c->len = strlen(s);
	c->width = sdh_text_width(s, c->len);
}

/* A copy of S (a number: shorter than the 32 bytes of a slot) in the cell's scratch slot. */
static int table_set_copy(struct table *t, size_t row, size_t col, const char *s)
{
	size_t i = row * t->n_cols + col, len = strnlen(s, sizeof(t->scratch[i]) - 1);

	if (!t->scratch && !(t->scratch = malloc(t->n_cols * t->n_rows * sizeof(*t->scratch))))
		return -ENOMEM;
	memcpy(t->scratch[i], s, len);
	t->scratch[i][len] = 0;
	table_set(t, row, col, t->scratch[i]);
	return 0;
}

/*
 * format-table without a terminal: columns as wide as their widest cell, one space between,
 * header cells left-aligned, the last column's padding dropped when empty.
 */
static void table_render(const struct table *t, struct strbuf *sb)
{
	cleanup_free size_t *w = calloc(t->n_cols, sizeof(*w));
	size_t total = 0, line = 0;

	if (!w) {
		sb->oom = true;
		return;
	}
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
		w[i % t->n_cols] = MAX(w[i % t->n_cols], t->cells[i].width);
		total += t->cells[i].len;
	}
	for (size_t c = 0; c < t->n_cols; c++)
		line += w[c] + 1;
	/* The text plus at most every column's padding and separator on every line. */
	strbuf_reserve(sb, total + t->n_rows * line);
	for (size_t r = 0; r < t->n_rows; r++) {
		const struct cell *row = &t->cells[r * t->n_cols];

		for (size_t c = 0; c < t->n_cols; c++) {
			const struct cell *cell = &row[c];
			size_t pad = w[c] - cell->width;
			bool last = c + 1 == t->n_cols;

			if (c > 0)
				strbuf_addc(sb, ' ');
			if (last && cell->len == 0)
				break;
			if (t->right[c] && r > 0)
				strbuf_addchars(sb, ' ', pad);
			if (cell->s)
				strbuf_add(sb, cell->s, cell->len);
			if ((!t->right[c] || r == 0) && !last)
				strbuf_addchars(sb, ' ', pad);
		}
		/* Trailing blanks of a left-aligned last cell are stripped. */
		if (!t->right[t->n_cols - 1] && row[t->n_cols - 1].s)
			while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
				sb->buf[--sb->len] = 0;
		strbuf_addc(sb, '\n');
	}
}

void sdh_score_append_summary(struct strbuf *sb, const char *id, unsigned exposure,
			      const struct sdh_render_options *o)
{
	char num[16];

	fmt_tenths(num, exposure);
	strbuf_adds(sb, o->utf8 ? GLYPH_ARROW : "->");
	strbuf_adds(sb, " Overall exposure level for ");
	strbuf_adds(sb, id);
	strbuf_adds(sb, ": ");
	strbuf_adds(sb, num);
	strbuf_addc(sb, ' ');
	strbuf_adds(sb, sdh_exposure_predicate(exposure));
	strbuf_addc(sb, ' ');
	strbuf_adds(sb, sdh_exposure_smiley(exposure, o->emoji));
	strbuf_addc(sb, '\n');
}

char *sdh_score_format_summary(const struct sdh_score *sc, const struct sdh_render_options *o)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	sdh_score_append_summary(&sb, sc->id, sc->exposure, o);
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

/*
 * The cells of row I of the detail table (0: the header) into V, numbers formatted into NUM;
 * returns the number of columns.  Columns from the fourth on are right-aligned but in the header.
 */
static size_t details_row(const struct sdh_score *sc, const struct sdh_render_options *o, size_t i,
			  struct cell v[static 7], char num[static 4][32])
{
	static const char *const head[] = { " ", "NAME", "DESCRIPTION", "EXPOSURE" };
	static const char *const head_debug[] = { " ",       "NAME",  "DESCRIPTION", "WEIGHT",
						  "BADNESS", "RANGE", "EXPOSURE" };
	const struct sdh_score_row *row;
	size_t c = 0;

	if (i == 0) {
		const char *const *h = o->debug ? head_debug : head;
		size_t n = o->debug ? ELEMENTSOF(head_debug) : ELEMENTSOF(head);

		for (c = 0; c < n; c++)
			v[c] = (struct cell){ h[c], strlen(h[c]), strlen(h[c]) };
		return n;
	}
	row = &sc->rows[i - 1];
	if (row->set < 0)
		v[c++] = (struct cell){ " ", 1, 1 };
	else if (o->utf8)
		v[c++] = (struct cell){ row->set ? GLYPH_CHECK : GLYPH_CROSS, 3, 1 };
	else
		v[c++] = (struct cell){ row->set ? "+" : "-", 1, 1 };
	v[c++] = (struct cell){ row->check->name, row->name_len, row->name_width };
	v[c++] = (struct cell){ row->description, row->description_len, row->description_width };
	if (o->debug) {
		const uint64_t x[3] = { row->weight, row->badness, row->range };

		for (size_t k = 0; k < 3; k++, c++) {
			int m = snprintf(num[k], sizeof(num[k]), "%llu", (unsigned long long)x[k]);

			v[c] = (struct cell){ num[k], (size_t)m, (size_t)m };
		}
	}
	v[c] = (struct cell){ NULL, 0, 0 };
	if (row->has_exposure) {
		v[c].s = num[3];
		v[c].len = v[c].width = fmt_tenths(num[3], row->exposure);
	}
	return c + 1;
}

static char *put(char *p, const char *s, size_t len)
{
	/* Glyphs and numbers are a few bytes: not worth a call. */
	if (len <= 4) {
		for (size_t k = 0; k < len; k++)
			p[k] = s[k];
		return p + len;
	}
	memcpy(p, s, len);
	return p + len;
}

/*
 * table_render() of the detail table without building the table: one pass computing the cells
 * and the column widths, one computing them again (cheap: the texts are measured already) and
 * writing the lines straight into the reserved buffer.
 */
int sdh_score_append_table(struct strbuf *sb, const struct sdh_score *sc,
			   const struct sdh_render_options *o)
{
	struct cell v[7];
	char num[4][32];
	size_t w[7] = { 0 }, n = 0, total = 0, line = 1;
	char *p;

	if (o->debug)
		for (size_t i = 0; i <= sc->n_rows; i++) {
			n = details_row(sc, o, i, v, num);
			for (size_t c = 0; c < n; c++) {
				w[c] = MAX(w[c], v[c].width);
				total += v[c].len;
			}
		}
	else {
		/* The same widths as above, straight from the rows (every table is ~80 rows). */
		n = details_row(sc, o, 0, v, num);
		for (size_t c = 0; c < n; c++) {
			w[c] = v[c].width;
			total += v[c].len;
		}
		w[0] = MAX(w[0], (size_t)1);
		for (size_t i = 0; i < sc->n_rows; i++) {
			const struct sdh_score_row *row = &sc->rows[i];

			w[1] = MAX(w[1], (size_t)row->name_width);
			w[2] = MAX(w[2], (size_t)row->description_width);
			total += sizeof(GLYPH_CHECK) - 1 + row->name_len + row->description_len;
			if (row->has_exposure) {
				size_t len = tenths_len(row->exposure);

				w[3] = MAX(w[3], len);
				total += len;
			}
		}
	}
	for (size_t c = 0; c < n; c++)
		line += w[c] + 1;
	/* Every cell's text, plus at most every column's padding and separator on every line. */
	strbuf_reserve(sb, total + (sc->n_rows + 1) * line);
	if (strbuf_error(sb))
		return -ENOMEM;
	/* Blank the whole table first: padding and separators are then just skipped over. */
	p = sb->buf + sb->len;
	memset(p, ' ', total + (sc->n_rows + 1) * line);
	for (size_t i = 0; i <= sc->n_rows; i++) {
		n = details_row(sc, o, i, v, num);

		for (size_t c = 0; c < n; c++) {
			bool last = c + 1 == n, right = c >= 3 && i > 0;

			if (c > 0)
				p++;
			if (last && v[c].len == 0)
				break;
			if (right)
				p += w[c] - v[c].width;
			p = put(p, v[c].s, v[c].len);
			if (!right && !last)
				p += w[c] - v[c].width;
		}
		*p++ = '\n';
	}
	*p++ = '\n';
	*p = 0;
	sb->len = (size_t)(p - sb->buf);
	return 0;
}

int sdh_score_append_text(struct strbuf *sb, const struct sdh_score *sc,
			  const struct sdh_render_options *o)
{
	int r = sdh_score_append_table(sb, sc, o);

	if (r < 0)
		return r;
	sdh_score_append_summary(sb, sc->id, sc->exposure, o);
	return strbuf_error(sb);
}

char *sdh_score_format_text(const struct sdh_score *sc, const struct sdh_render_options *o)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (sdh_score_append_text(&sb, sc, o) < 0)
		return NULL;
	return strbuf_detach(&sb);
}

/* systemd's JSON writer: short = compact; pretty = tabs, "key" : value, one item per line. */
struct json {
	struct strbuf *sb;
	bool pretty;
	unsigned depth;
	bool first;
	bool after_key; /* the next value follows "key" : on the same line */
};

static void json_indent(struct json *j)
{
	if (!j->pretty)
		return;
	strbuf_addc(j->sb, '\n');
	for (unsigned i = 0; i < j->depth; i++)
		strbuf_addc(j->sb, '\t');
}

static void json_open(struct json *j, char c)
{
	if (j->after_key)
		j->after_key = false;
	else {
		if (!j->first)
			strbuf_addc(j->sb, ',');
		if (j->depth > 0)
			json_indent(j);
	}
	strbuf_addc(j->sb, c);
	j->depth++;
	j->first = true;
}

static void json_close(struct json *j, char c)
{
	j->depth--;
	json_indent(j);
	strbuf_addc(j->sb, c);
	j->first = false;
}

static void json_key(struct json *j, const char *key)
{
	if (!j->first)
		strbuf_addc(j->sb, ',');
	json_indent(j);
	strbuf_addc(j->sb, '"');
	strbuf_add_json_escaped(j->sb, key);
	strbuf_adds(j->sb, j->pretty ? "\" : " : "\":");
	j->first = false;
	j->after_key = true;
}

static void json_str(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	j->after_key = false;
	if (!v) {
		strbuf_adds(j->sb, "null");
		return;
	}
	strbuf_addc(j->sb, '"');
	strbuf_add_json_escaped(j->sb, v);
	strbuf_addc(j->sb, '"');
}

static void json_raw(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	j->after_key = false;
	strbuf_adds(j->sb, v);
}

static void json_rows(struct json *j, const struct sdh_score *sc, bool debug)
{
	json_open(j, '[');
	for (size_t i = 0; i < sc->n_rows; i++) {
		const struct sdh_score_row *row = &sc->rows[i];
		char num[16], n[32];

		json_open(j, '{');
		json_raw(j, "set", row->set < 0 ? "null" : row->set ? "true" : "false");
		json_str(j, "name", row->check->name);
		json_str(j, "json_field", row->check->json_field);
		json_str(j, "description", row->description);
		if (debug) {
			(void)snprintf(n, sizeof(n), "%llu", (unsigned long long)row->weight);
			json_raw(j, "weight", n);
			(void)snprintf(n, sizeof(n), "%llu", (unsigned long long)row->badness);
			json_raw(j, "badness", n);
			(void)snprintf(n, sizeof(n), "%llu", (unsigned long long)row->range);
			json_raw(j, "range", n);
		}
		if (row->has_exposure)
			fmt_tenths(num, row->exposure);
		json_str(j, "exposure", row->has_exposure ? num : NULL);
		json_close(j, '}');
	}
	json_close(j, ']');
}

char *sdh_score_format_json(const struct sdh_score *sc, bool pretty, bool debug)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct json j = { .sb = &sb, .pretty = pretty, .first = true };

	json_rows(&j, sc, debug);
	strbuf_addc(&sb, '\n');
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

char *sdh_score_format_overview(struct sdh_score *const *v, size_t n,
				const struct sdh_render_options *o)
{
	static const char *const head[] = { "UNIT", "EXPOSURE", "PREDICATE", "HAPPY" };
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct table t;
	int r = table_init(&t, 4, n + 1);

	for (size_t c = 0; r >= 0 && c < 4; c++)
		table_set(&t, 0, c, head[c]);
	if (r >= 0)
		t.right[1] = true;
	for (size_t i = 0; r >= 0 && i < n; i++) {
		char num[32];

		fmt_tenths(num, v[i]->exposure);
		table_set(&t, i + 1, 0, v[i]->id);
		r = table_set_copy(&t, i + 1, 1, num);
		table_set(&t, i + 1, 2, sdh_exposure_predicate(v[i]->exposure));
		table_set(&t, i + 1, 3, sdh_exposure_smiley(v[i]->exposure, o->emoji));
	}
	if (r >= 0)
		table_render(&t, &sb);
	table_free(&t);
	if (r < 0 || strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

char *sdh_score_format_json_many(struct sdh_score *const *v, size_t n, bool pretty, bool debug,
				 const struct sdh_render_options *o)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct json j = { .sb = &sb, .pretty = pretty, .first = true };

	json_open(&j, '[');
	for (size_t i = 0; i < n; i++) {
		char num[16];

		fmt_tenths(num, v[i]->exposure);
		json_open(&j, '{');
		json_str(&j, "unit", v[i]->id);
		json_str(&j, "exposure", num);
		json_str(&j, "predicate", sdh_exposure_predicate(v[i]->exposure));
		json_str(&j, "happy", sdh_exposure_smiley(v[i]->exposure, o->emoji));
		json_key(&j, "checks");
		json_rows(&j, v[i], debug);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	strbuf_addc(&sb, '\n');
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}
