/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The score memo (include/sdharden/score.h): each distinct security record of a run is scored
 * and rendered once.  Of the 1018 services of the Debian 12 corpus tree, 441 get one table
 * (nothing sandboxed) and 250 another; their records make 173 distinct keys, 165 tables.
 *
 * Entries are keyed by sdh_score_key(), found through a hash table under a mutex, and
 * never change once added, so a caller reads an entry's table without the lock.  Scoring happens
 * outside the lock: two threads meeting the same new record both score it, and the second
 * entry is dropped.  The tables kept are bounded (MEMO_TEXT_MAX); past that, records not in the
 * memo are scored as if there was none.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "score/score-internal.h"
#include "sdharden/score.h"
#include "sdharden/settings.h"

#define MEMO_BUCKETS  1024U
#define MEMO_TEXT_MAX (8U << 20) /* bytes of tables and keys kept, ~600 distinct records */

struct memo_entry {
	struct memo_entry *next; /* in its bucket */
	uint64_t hash;
	unsigned exposure;
	char *table; /* the detail table and the empty line after it; NULL without text */
	size_t table_len;
	size_t key_len;
	char key[];
};

struct sdh_score_memo {
	const struct sdh_policy *policy;
	const struct sdh_render_options *ro;
	pthread_mutex_t lock;
	struct memo_entry *buckets[MEMO_BUCKETS];
	size_t kept; /* bytes of keys and tables */
	size_t hits, misses;
};

int sdh_score_memo_new(const struct sdh_policy *policy, const struct sdh_render_options *o,
		       struct sdh_score_memo **ret)
{
	struct sdh_score_memo *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->policy = policy;
	m->ro = o;
	pthread_mutex_init(&m->lock, NULL);
	*ret = m;
	return 0;
}

struct sdh_score_memo *sdh_score_memo_free(struct sdh_score_memo *m)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < MEMO_BUCKETS; i++)
		for (struct memo_entry *e = m->buckets[i], *next; e; e = next) {
			next = e->next;
			free(e->table);
			free(e);
		}
	pthread_mutex_destroy(&m->lock);
	free(m);
	return NULL;
}

void sdh_score_memo_stats(struct sdh_score_memo *m, size_t *ret_hits, size_t *ret_misses)
{
	pthread_mutex_lock(&m->lock);
	*ret_hits = m->hits;
	*ret_misses = m->misses;
	pthread_mutex_unlock(&m->lock);
}

/* A word at a time: keys are a few hundred bytes (a few thousand with a syscall allow list). */
static uint64_t key_hash(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n;

	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
	}
	for (; n > 0; p++, n--)
		h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
	return h ^ (h >> 29);
}

/* Under the lock. */
static struct memo_entry *memo_find(struct sdh_score_memo *m, uint64_t hash, const char *key,
				    size_t key_len)
{
	for (struct memo_entry *e = m->buckets[hash % MEMO_BUCKETS]; e; e = e->next)
		if (e->hash == hash && e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
			return e;
	return NULL;
}

/* A score without rows, as sdh_score_drop_rows() leaves one. */
static int score_summary(const struct sdh_settings *s, unsigned exposure, struct sdh_score **ret)
{
	struct sdh_score *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return -ENOMEM;
	sc->id = strdup(s->id);
	if (!sc->id) {
		free(sc);
		return -ENOMEM;
	}
	sc->version = s->version;
	sc->exposure = exposure;
	*ret = sc;
	return 0;
}

/* Score S, and keep what the memo needs of it in a new entry for KEY (not added yet). */
static int memo_score(struct sdh_score_memo *m, const struct sdh_settings *s, const char *key,
		      size_t key_len, uint64_t hash, struct memo_entry **ret_entry,
		      struct sdh_score **ret)
{
	cleanup_strbuf struct strbuf table = STRBUF_INIT;
	struct sdh_score *sc = NULL;
	struct memo_entry *e;
	int r;

	r = sdh_score_compute(s, m->policy, &sc);
	if (r < 0)
		return r;
	/* Rendered where there is room to spare, kept in a block of its size: fewer new pages. */
	if (m->ro && sdh_score_append_table(&table, sc, m->ro) < 0) {
		sdh_score_free(sc);
		return -ENOMEM;
	}
	sdh_score_drop_rows(sc);
	e = malloc(sizeof(*e) + key_len);
	if (!e) {
		sdh_score_free(sc);
		return -ENOMEM;
	}
	*e = (struct memo_entry){ .hash = hash, .exposure = sc->exposure, .key_len = key_len };
	memcpy(e->key, key, key_len);
	if (m->ro) {
		e->table_len = table.len;
		e->table = malloc(table.len);
		if (!e->table) {
			free(e);
			sdh_score_free(sc);
			return -ENOMEM;
		}
		memcpy(e->table, table.buf, table.len);
	}
	*ret_entry = e;
	*ret = sc;
	return 0;
}

int sdh_score_memo_compute(struct sdh_score_memo *m, const struct sdh_settings *s,
			   struct strbuf *sb, const char **ret_table, size_t *ret_table_len,
			   struct sdh_score **ret)
{
	cleanup_strbuf struct strbuf key = STRBUF_INIT;
	struct memo_entry *e;
	struct sdh_score *sc = NULL;
	const char *table = NULL;
	size_t table_len = 0;
	bool kept = true;
	uint64_t hash;
	int r;

	if (!m || !s || !ret || (sb && !m->ro) || (ret_table && !sb))
		return -EINVAL;
	strbuf_reserve(&key, 512); /* most keys: one allocation, not a few growing */
	r = sdh_score_key(s, &key);
	if (r < 0)
		return r;
	hash = key_hash(key.buf, key.len);

	pthread_mutex_lock(&m->lock);
	e = memo_find(m, hash, key.buf, key.len);
	if (e)
		m->hits++;
	else
		m->misses++;
	pthread_mutex_unlock(&m->lock);

	if (e) {
		r = score_summary(s, e->exposure, &sc);
		if (r < 0)
			return r;
	} else {
		size_t size;

		r = memo_score(m, s, key.buf, key.len, hash, &e, &sc);
		if (r < 0)
			return r;
		size = key.len + e->table_len;
		pthread_mutex_lock(&m->lock);
		kept = !memo_find(m, hash, key.buf, key.len) && m->kept + size <= MEMO_TEXT_MAX;
		if (kept) {
			e->next = m->buckets[hash % MEMO_BUCKETS];
			m->buckets[hash % MEMO_BUCKETS] = e;
			m->kept += size;
		}
		pthread_mutex_unlock(&m->lock);
	}
	if (sb) {
		/* A table the memo keeps stays there for the caller to point at, if it can. */
		if (kept && ret_table) {
			table = e->table;
			table_len = e->table_len;
		} else
			strbuf_add(sb, e->table, e->table_len);
	}
	if (!kept) {
		/* Another thread was first, or the memo is full. */
		free(e->table);
		free(e);
	}
	if (sb && strbuf_error(sb) < 0) {
		sdh_score_free(sc);
		return -ENOMEM;
	}
	if (ret_table) {
		*ret_table = table;
		*ret_table_len = table_len;
	}
	*ret = sc;
	return 0;
}
