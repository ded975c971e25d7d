/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding and loading a unit offline, after systemd's unit_file_build_name_map(),
 * unit_ids_map_get(), unit_file_find_fragment(), unit_file_find_dropin_paths() and
 * conf_files_list_strv(), with every path looked up inside the root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/alloc-util.h"
#include "basic/arena.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/sort-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/unit.h"
#include "unit/chase.h"
#include "unit/unit-name.h"
#include "unit/unit-parse.h"

/* systemd's FOLLOW_MAX: alias chains longer than this are a loop. */
#define ALIAS_HOPS_MAX 64
/* Drop-ins applied per unit; more are reported and ignored (no real unit comes near). */
#define DROPINS_MAX 4096U

struct loader {
	const char *root; /* NULL for the host */
	unsigned version;
	char **search; /* inside the root, priority order */
	struct sdh_diags *diags;
	struct sdh_unit_cache *cache; /* filled for root and search (cache_prepare()) */
};

static int ldiag(struct loader *l, const char *file, enum sdh_severity sev, const char *code,
		 const char *fmt, ...) printf_attr(5, 6);
static int ldiag(struct loader *l, const char *file, enum sdh_severity sev, const char *code,
		 const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!l->diags)
		return 0;
	va_start(ap, fmt);
	r = sdh_diags_addv(l->diags, file, 0, sev, code, fmt, ap);
	va_end(ap);
	return r;
}

static const char *normalize_root(const char *root)
{
	return isempty(root) || streq(root, "/") ? NULL : root;
}

static unsigned effective_version(unsigned v)
{
	return v ? v : SDH_VERSION_NEWEST;
}

/* Before v255 systemd could be built for split /usr, as Debian 12's 252 is. */
static bool split_usr(unsigned version)
{
	return SDH_VERSION_MAJOR(effective_version(version)) < 255;
}

static int default_search_path(const struct sdh_load_options *opts, char ***ret)
{
	static const char *const system_paths[] = {
		"/etc/systemd/system.control", "/run/systemd/system.control",
		"/run/systemd/transient",      "/run/systemd/generator.early",
		"/etc/systemd/system",         "/etc/systemd/system.attached",
		"/run/systemd/system",         "/run/systemd/system.attached",
		"/run/systemd/generator",      "/usr/local/lib/systemd/system",
		"/lib/systemd/system", /* split-usr only */
		"/usr/lib/systemd/system",     "/run/systemd/generator.late",
	};
	/*
	 * The user manager's list (path-lookup.c user_dirs()) with the defaults of XDG_CONFIG_DIRS
	 * and XDG_DATA_DIRS; offline there is no particular user, so the home and runtime
	 * directories are root's, as for the %h specifier.
	 */
	static const char *const user_paths[] = {
		"/root/.config/systemd/user.control",
		"/run/user/0/systemd/user.control",
		"/run/user/0/systemd/transient",
		"/run/user/0/systemd/generator.early",
		"/root/.config/systemd/user",
		"/etc/xdg/systemd/user",
		"/etc/systemd/user",
		"/run/user/0/systemd/user",
		"/run/systemd/user",
		"/run/user/0/systemd/generator",
		"/root/.local/share/systemd/user",
		"/usr/local/share/systemd/user",
		"/usr/share/systemd/user",
		"/usr/local/lib/systemd/user",
		"/usr/lib/systemd/user",
		"/run/user/0/systemd/generator.late",
	};
	cleanup_strv char **l = NULL;
	bool user = opts->scope == SDH_SCOPE_USER;
	const char *const *v = user ? user_paths : system_paths;
	size_t n = user ? ELEMENTSOF(user_paths) : ELEMENTSOF(system_paths);

	for (size_t i = 0; i < n; i++) {
		if (!user && streq(v[i], "/lib/systemd/system") && !split_usr(opts->version))
			continue;
		if (strv_extend(&l, v[i]) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

int sdh_unit_search_path(const struct sdh_load_options *opts, char ***ret)
{
	cleanup_strv char **l = NULL;
	int r;

	if (!opts || !ret || (unsigned)opts->scope >= SDH_SCOPE_MAX)
		return -EINVAL;
	if (opts->unit_path) {
		STRV_FOREACH(p, opts->unit_path) {
			cleanup_free char *c = NULL;

			if (!path_is_absolute(*p))
				continue; /* systemd drops relative entries as well */
			c = strdup(*p);
			if (!c)
				return -ENOMEM;
			path_simplify(c);
			if (strv_contains(l, c))
				continue;
			r = strv_consume(&l, TAKE_PTR(c));
			if (r < 0)
				return r;
		}
		if (!opts->unit_path_append_default) {
			if (!l && !(l = calloc(1, sizeof(char *))))
				return -ENOMEM;
			*ret = TAKE_PTR(l);
			return 0;
		}
	}
	{
		cleanup_strv char **d = NULL;

		r = default_search_path(opts, &d);
		if (r < 0)
			return r;
		STRV_FOREACH(p, d)
			if (!strv_contains(l, *p) && strv_extend(&l, *p) < 0)
				return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

/* --- The cache: what the search directories hold, read once per tree. --- */

/*
 * Loading one unit asks the file system about many paths, most of which do not exist: the name in
 * each of the ~13 search directories, NAME.d, TYPE.d and the template's and every prefix's .d
 * directory in each of them, and every name of the search path for the aliases.  A run loading
 * many units would ask the same questions again and again (120 000 stat() calls for 1000 units),
 * so the cache lists each search directory once and answers "what is DIR/NAME" from memory.
 * Only symlinks (they need readlink()) and directories that could not be listed still go to the
 * file system.  Nothing invalidates the cache but a different root or search path: it assumes the
 * tree does not change while it is in use (unit.h).
 */

enum entry_kind {
	ENTRY_ABSENT, /* no such name, or no such directory */
	ENTRY_FILE,
	ENTRY_DIR,
	ENTRY_LINK,
	ENTRY_OTHER,   /* a device node, fifo or socket */
	ENTRY_UNKNOWN, /* the directory could not be listed: ask the file system */
};

struct dir_entry {
	char *name;
	enum entry_kind kind;
	/* "*.d" entries (in a listing's dotd): the length of the name's text before its '@', or
	 * else before the last '.' of the stem, the part every name it serves begins with. */
	unsigned head;
};
_Static_assert(offsetof(struct dir_entry, name) == 0, "sort_by_name() sorts by the first member");

static unsigned dotd_head(const char *name)
{
	size_t n = strlen(name) - 2; /* without ".d" */
	const char *at = memchr(name, '@', n), *dot = NULL;

	for (const char *p = name; p < name + n; p++)
		if (*p == '.')
			dot = p;
	return (unsigned)(at ? (size_t)(at - name) : dot ? (size_t)(dot - name) : n);
}

/* The entries of one directory, sorted by name; found by device and inode (/lib and /usr/lib). */
struct listing {
	dev_t dev;
	ino_t ino;
	int fd; /* kept open: unit files are opened relative to it, without a path walk */
	struct dir_entry *entries;
	size_t n;
	/* The entries named "*.d" (drop-in directories, mostly), sorted too: every unit asks
	 * every search directory for a few of those, and most directories have none. */
	struct dir_entry *dotd;
	size_t n_dotd;
};

#define LISTING_MISSING (-1) /* the directory does not exist: every name in it is absent */
#define LISTING_UNKNOWN (-2) /* it could not be read (permissions): ask the file system */

/*
 * One search directory seen two ways, because the loader looks things up both ways (as systemd
 * does): the name map lstat()s ROOT/DIR/NAME, the host resolving DIR; drop-in directories and
 * unit files are chased inside the root, where an absolute symlink in DIR stays in the root.
 * Both usually are the same directory and then share one listing.
 */
struct search_dir {
	int host;     /* listing of ROOT/DIR as the host resolves it */
	char *chased; /* DIR resolved inside the root (chase_in_root()); NULL when it does not */
	int in_root;  /* listing of ROOT/CHASED */
};

struct dirent_name {
	char *name; /* points into a listing */
	unsigned dir;
	bool symlink;
};

/* Where a name of the search path leads, for the alias index. */
struct alias_key {
	const char *base; /* a file's own name, an alias chain's final fragment's base name */
	size_t name;      /* index into names */
};

struct sdh_unit_cache {
	char *root;
	char **search;
	/* The load options the search path was computed from (it allocates ~13 strings): */
	bool have_options;
	enum sdh_scope scope;
	bool split_usr;
	char **unit_path; /* a copy of opts->unit_path, NULL if that was NULL */
	bool unit_path_append_default;
	struct search_dir *dirs; /* one per search path entry */
	struct listing *listings;
	size_t n_listings;
	struct sdh_arena strings; /* the listings' names: a directory has a thousand */
	/* Every valid unit name of the search path (files and symlinks), sorted, each once with
	 * the first directory having it. */
	struct dirent_name *names;
	size_t n;
	/* The alias index, built by the first collect_aliases(): every name by where it leads,
	 * sorted by (base, name), so a unit's names are one binary search away. */
	bool indexed;
	char **alias_base; /* per name: the base its alias chain ends at (heap), NULL if none */
	struct alias_key *keys;
	size_t n_keys;
};

static void cache_clear(struct sdh_unit_cache *c)
{
	for (size_t i = 0; c->dirs && c->search && c->search[i]; i++)
		free(c->dirs[i].chased);
	free(c->dirs);
	strv_free(c->search);
	strv_free(c->unit_path);
	free(c->root);
	for (size_t i = 0; i < c->n_listings; i++) {
		(void)close(c->listings[i].fd);
		free(c->listings[i].entries);
		free(c->listings[i].dotd);
	}
	free(c->listings);
	sdh_arena_release(&c->strings);
	free(c->names);
	for (size_t i = 0; c->alias_base && i < c->n; i++)
		free(c->alias_base[i]);
	free(c->alias_base);
	free(c->keys);
	*c = (struct sdh_unit_cache){ 0 };
}

int sdh_unit_cache_new(struct sdh_unit_cache **ret)
{
	if (!ret)
		return -EINVAL;
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

struct sdh_unit_cache *sdh_unit_cache_free(struct sdh_unit_cache *c)
{
	if (c) {
		cache_clear(c);
		free(c);
	}
	return NULL;
}

DEFINE_CLEANUP_FUNC(struct sdh_unit_cache *, sdh_unit_cache_free, sdh_unit_cache_freep)

/* What NAME is in listing INDEX (LISTING_MISSING, LISTING_UNKNOWN or an index). */
static enum entry_kind entries_lookup(const struct dir_entry *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(name, v[mid].name);

		if (r == 0)
			return v[mid].kind;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ENTRY_ABSENT;
}

static enum entry_kind cache_lookup(const struct sdh_unit_cache *c, int index, const char *name)
{
	const struct listing *li;

	if (index == LISTING_MISSING)
		return ENTRY_ABSENT;
	if (index < 0)
		return ENTRY_UNKNOWN;
	li = &c->listings[index];
	if (endswith(name, ".d"))
		return entries_lookup(li->dotd, li->n_dotd, name);
	return entries_lookup(li->entries, li->n, name);
}

static enum entry_kind kind_of_mode(mode_t m)
{
	return S_ISREG(m)   ? ENTRY_FILE
	       : S_ISDIR(m) ? ENTRY_DIR
	       : S_ISLNK(m) ? ENTRY_LINK
			    : ENTRY_OTHER;
}

/* Read the directory at HOST (a host path) into a listing, or find it already read. */
static int listing_get(struct sdh_unit_cache *c, const char *host, int *ret)
{
	cleanup_fd int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct listing li = { 0 }, *nl;
	size_t alloc = 0, dotd_alloc = 0;
	struct stat st;
	struct dirent *de;
	DIR *dir;

	if (fd < 0) {
		/* What makes the directory unreachable makes every name in it so too. */
		bool missing = errno == ENOENT || errno == ENOTDIR || errno == ELOOP ||
			       errno == ENAMETOOLONG;

		*ret = missing ? LISTING_MISSING : LISTING_UNKNOWN;
		return 0;
	}
	/* Readable but not searchable: lstat() inside would fail where the listing has names. */
	if (fstat(fd, &st) < 0 || access(host, X_OK) < 0) {
		*ret = LISTING_UNKNOWN;
		return 0;
	}
	for (size_t i = 0; i < c->n_listings; i++)
		if (c->listings[i].dev == st.st_dev && c->listings[i].ino == st.st_ino) {
			*ret = (int)i;
			return 0;
		}
	{
		int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		dir = rfd >= 0 ? fdopendir(rfd) : NULL;
		if (!dir) {
			if (rfd >= 0)
				(void)close(rfd);
			*ret = LISTING_UNKNOWN;
			return errno == ENOMEM ? -ENOMEM : 0;
		}
	}
	li.dev = st.st_dev;
	li.ino = st.st_ino;
	while ((de = readdir(dir))) {
		enum entry_kind k;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		switch (de->d_type) {
		case DT_REG: k = ENTRY_FILE; break;
		case DT_DIR: k = ENTRY_DIR; break;
		case DT_LNK: k = ENTRY_LINK; break;
		case DT_UNKNOWN: {
			struct stat est;

			if (fstatat(dirfd(dir), de->d_name, &est, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			k = kind_of_mode(est.st_mode);
			break;
		}
		default: k = ENTRY_OTHER;
		}
		if (GREEDY_REALLOC(li.entries, alloc, li.n + 1, 64) < 0)
			goto oom;
		li.entries[li.n].name = sdh_arena_strdup(&c->strings, de->d_name);
		if (!li.entries[li.n].name)
			goto oom;
		li.entries[li.n++].kind = k;
	}
	closedir(dir);
	dir = NULL;
	if (sort_by_name(li.entries, li.n, sizeof(*li.entries)) < 0)
		goto oom;
	for (size_t i = 0; i < li.n; i++)
		if (endswith(li.entries[i].name, ".d")) {
			if (GREEDY_REALLOC(li.dotd, dotd_alloc, li.n_dotd + 1, 8) < 0)
				goto oom;
			li.dotd[li.n_dotd] = li.entries[i];
			li.dotd[li.n_dotd++].head = dotd_head(li.entries[i].name);
		}
	nl = realloc(c->listings, (c->n_listings + 1) * sizeof(*nl));
	if (!nl)
		goto oom;
	c->listings = nl;
	li.fd = TAKE_FD(fd);
	c->listings[c->n_listings] = li;
	*ret = (int)c->n_listings++;
	return 0;
oom:
	if (dir)
		closedir(dir);
	free(li.entries); /* the names stay in the cache's arena until it is cleared */
	free(li.dotd);
	return -ENOMEM;
}

/*
 * The unit names of the search path, from the listings (systemd's unit_file_build_name_map()):
 * each valid name once, with the first directory having it.  The listings are sorted already,
 * so this merges them rather than sorting again.
 */
static int cache_collect_names(struct sdh_unit_cache *c)
{
	size_t n = 0, n_dirs = strv_length(c->search);
	cleanup_free size_t *pos = calloc(MAX(n_dirs, (size_t)1), sizeof(*pos));

	if (!pos)
		return -ENOMEM;
	for (size_t i = 0; i < n_dirs; i++)
		if (c->dirs[i].host >= 0)
			n += c->listings[c->dirs[i].host].n;
	c->names = calloc(MAX(n, (size_t)1), sizeof(*c->names));
	if (!c->names)
		return -ENOMEM;
	c->n = 0;
	for (;;) {
		const struct dir_entry *min = NULL;
		const char *name;
		size_t min_dir = 0;
		bool valid;

		/* The smallest head, the first directory's on a tie; a few directories at most. */
		for (size_t i = 0; i < n_dirs; i++) {
			const struct listing *li;

			if (c->dirs[i].host < 0)
				continue;
			li = &c->listings[c->dirs[i].host];
			if (pos[i] < li->n &&
			    (!min || strcmp(li->entries[pos[i]].name, min->name) < 0)) {
				min = &li->entries[pos[i]];
				min_dir = i;
			}
		}
		if (!min)
			break;
		name = min->name;
		valid = name[0] != '.' && unit_name_is_valid(name, UNIT_NAME_ANY);
		/* Step past NAME in every directory having it: the first file or link wins. */
		for (size_t i = min_dir; i < n_dirs; i++) {
			const struct listing *li;
			const struct dir_entry *e;

			if (c->dirs[i].host < 0)
				continue;
			li = &c->listings[c->dirs[i].host];
			if (pos[i] >= li->n || !streq((e = &li->entries[pos[i]])->name, name))
				continue;
			pos[i]++;
			if (valid && (e->kind == ENTRY_FILE || e->kind == ENTRY_LINK)) {
				c->names[c->n++] = (struct dirent_name){ e->name, (unsigned)i,
									 e->kind == ENTRY_LINK };
				valid = false;
			}
		}
	}
	return 0;
}

static bool strv_equal(char *const *a, char *const *b)
{
	for (; a && b && *a && *b; a++, b++)
		if (!streq(*a, *b))
			return false;
	return (!a || !*a) && (!b || !*b);
}

/* Make the cache describe L's root and search path: read every search directory. */
static int cache_prepare(struct sdh_unit_cache *c, const char *root, char **search)
{
	size_t n = strv_length(search);
	int r;

	if (c->search && streq_ptr(c->root, root) && strv_equal(c->search, search))
		return 0;
	cache_clear(c);
	if ((root && !(c->root = strdup(root))) || !(c->search = strv_copy(search)) ||
	    !(c->dirs = calloc(MAX(n, (size_t)1), sizeof(*c->dirs))))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		struct search_dir *sd = &c->dirs[i];
		cleanup_free char *host = root_join(root, search[i]), *in_root = NULL;

		if (!host)
			goto oom;
		r = listing_get(c, host, &sd->host);
		if (r < 0)
			goto fail;
		r = chase_in_root(root, search[i], 0, &sd->chased);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0 || streq(sd->chased, "/dev/null")) {
			/* Nothing below it resolves either. */
			sd->in_root = LISTING_MISSING;
			continue;
		}
		in_root = root_join(root, sd->chased);
		if (!in_root)
			goto oom;
		r = listing_get(c, in_root, &sd->in_root);
		if (r < 0)
			goto fail;
	}
	r = cache_collect_names(c);
	if (r < 0)
		goto fail;
	return 0;
oom:
	r = -ENOMEM;
fail:
	cache_clear(c);
	return r;
}

/*
 * cache_prepare() for the search path of OPTS: when OPTS asks for the search path the cache was
 * filled for, nothing is computed (every load of a run asks for the same one).
 */
static int cache_prepare_for(struct sdh_unit_cache *c, const struct sdh_load_options *opts,
			     const char *root)
{
	cleanup_strv char **search = NULL, **unit_path = NULL;
	bool split = split_usr(opts->version);
	int r;

	if (c->have_options && c->scope == opts->scope && c->split_usr == split &&
	    c->unit_path_append_default == opts->unit_path_append_default &&
	    !c->unit_path == !opts->unit_path && strv_equal(c->unit_path, opts->unit_path) &&
	    streq_ptr(c->root, root))
		return 0;
	r = sdh_unit_search_path(opts, &search);
	if (r < 0)
		return r;
	if (opts->unit_path && !(unit_path = strv_copy(opts->unit_path)))
		return -ENOMEM;
	r = cache_prepare(c, root, search);
	if (r < 0)
		return r;
	strv_free(c->unit_path);
	c->unit_path = TAKE_PTR(unit_path);
	c->have_options = true;
	c->scope = opts->scope;
	c->split_usr = split;
	c->unit_path_append_default = opts->unit_path_append_default;
	return 0;
}

/* --- The name map, looked up lazily: the first search directory with the name wins. --- */

struct entry {
	char *fragment; /* a file (or a link outside the search path): path inside the root */
	char *alias;    /* or: an alias, the target's unit name */
};

static const char *search_path_startswith(char **search, const char *path)
{
	STRV_FOREACH(s, search) {
		const char *tail = path_startswith(path, *s);

		if (tail && *tail)
			return tail;
	}
	return NULL;
}

/* The name of PATH if it is right in a directory of the search path (*RET_I), else NULL. */
static const char *search_dir_name(char **search, const char *path, size_t *ret_i)
{
	for (size_t i = 0; search[i]; i++) {
		const char *tail = path_startswith(path, search[i]);

		if (tail && *tail && !strchr(tail, '/')) {
			*ret_i = i;
			return tail;
		}
	}
	return NULL;
}

/*
 * chase_in_root(PATH, CHASE_NOFOLLOW_LAST | CHASE_NONEXISTENT) where PATH is a name right in a
 * directory of the search path: that directory was chased when the cache was filled, and the
 * name is not followed, so PATH is the chased directory and the name, found without a system
 * call per component.  Most alias symlinks point there.  1 and *RET, 0 when PATH is not such a
 * path, -ENOMEM.
 */
static int chase_in_search_dir(const struct loader *l, const char *path, char **ret)
{
	const char *name, *chased;
	size_t i;

	name = search_dir_name(l->search, path, &i);
	if (!name || streq(name, ".") || streq(name, ".."))
		return 0;
	chased = l->cache->dirs[i].chased;
	if (!chased || streq(chased, "/dev/null"))
		return 0;
	*ret = path_join(chased, name);
	return *ret ? 1 : -ENOMEM;
}

/*
 * What DIR/NAME is in the name map (systemd's unit_file_resolve_symlink()), DIR being search
 * directory I.  1 and *ret set, 0 if it is absent or was rejected (so a later directory may
 * provide the name), -ENOMEM.
 */
static int resolve_in_dir(struct loader *l, size_t i, const char *name, struct entry *ret)
{
	const char *dir = l->search[i];
	enum entry_kind kind = cache_lookup(l->cache, l->cache->dirs[i].host, name);
	cleanup_free char *path = NULL, *host = NULL, *target = NULL, *abs = NULL,
			  *simplified = NULL;
	const char *tail, *reason;
	ssize_t n;
	size_t sz = 4096;
	int r;

	if (kind == ENTRY_ABSENT || kind == ENTRY_DIR || kind == ENTRY_OTHER)
		return 0;
	path = path_join(dir, name);
	if (!path)
		return -ENOMEM;
	if (kind == ENTRY_FILE) {
		ret->fragment = TAKE_PTR(path);
		return 1;
	}
	host = root_join(l->root, path);
	if (!host)
		return -ENOMEM;
	if (kind == ENTRY_UNKNOWN) {
		struct stat st;

		if (lstat(host, &st) < 0)
			return 0;
		kind = kind_of_mode(st.st_mode);
		if (kind == ENTRY_FILE) {
			ret->fragment = TAKE_PTR(path);
			return 1;
		}
	}
	if (kind != ENTRY_LINK)
		return 0;
	target = malloc(sz);
	if (!target)
		return -ENOMEM;
	/* From the listing's directory: one component to look up, not the whole host path. */
	if (l->cache->dirs[i].host >= 0)
		n = readlinkat(l->cache->listings[l->cache->dirs[i].host].fd, name, target, sz - 1);
	else
		n = readlink(host, target, sz - 1);
	if (n < 0)
		return ldiag(l, path, SDH_SEVERITY_WARNING, "bad-symlink",
			     "cannot read symlink: %s", strerror(errno));
	target[n] = 0;
	if (streq(target, "/dev/null")) {
		/* A mask: the link itself is the fragment, it opens as /dev/null. */
		ret->fragment = TAKE_PTR(path);
		return 1;
	}
	abs = path_is_absolute(target) ? strdup(target) : path_join(dir, target);
	if (!abs)
		return -ENOMEM;
	r = chase_in_search_dir(l, abs, &simplified);
	if (r == 0)
		r = chase_in_root(l->root, abs, CHASE_NOFOLLOW_LAST | CHASE_NONEXISTENT,
				  &simplified);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return ldiag(l, path, SDH_SEVERITY_WARNING, "bad-symlink",
			     "cannot resolve symlink to '%s': %s", target, strerror(-r));
	tail = search_path_startswith(l->search, simplified);
	if (!tail) {
		/* A linked unit file: loaded under the link's name from wherever it points. */
		ret->fragment = TAKE_PTR(path);
		return 1;
	}
	r = unit_validate_alias(name, path_basename(simplified), &reason);
	if (r < 0)
		return ldiag(l, path, SDH_SEVERITY_WARNING, "bad-alias",
			     "invalid alias symlink to '%s', ignoring: %s", target, reason);
	if (strchr(tail, '/')) {
		r = ldiag(l, path, SDH_SEVERITY_WARNING, "suspicious-symlink",
			  "suspicious symlink to '%s', treating as alias", simplified);
		if (r < 0)
			return r;
	}
	ret->alias = strdup(path_basename(simplified));
	return ret->alias ? 1 : -ENOMEM;
}

static int resolve_name(struct loader *l, const char *name, struct entry *ret)
{
	for (size_t i = 0; l->search[i]; i++) {
		int r = resolve_in_dir(l, i, name, ret);

		if (r != 0)
			return r;
	}
	return 0;
}

/*
 * systemd's unit_ids_map_get(): follow aliases to a fragment.  0 and *ret (inside the root),
 * -ENOENT (NAME is not there), -ENXIO (an alias points nowhere), -ELOOP, -ENOMEM.
 */
static int ids_map_get(struct loader *l, const char *name, char **ret)
{
	cleanup_free char *id = NULL;
	int r;

	for (unsigned hop = 0; hop < ALIAS_HOPS_MAX; hop++) {
		struct entry e = { 0 };

		r = resolve_name(l, id ? id : name, &e);
		if (r < 0)
			return r;
		if (r == 0) {
			cleanup_free char *template = NULL;

			if (!id)
				return -ENOENT;
			/* An alias to an instance is satisfied by the template. */
			r = unit_name_template(id, &template);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				return -ENXIO;
			r = resolve_name(l, template, &e);
			if (r < 0)
				return r;
			if (r == 0)
				return -ENXIO;
		}
		if (e.fragment) {
			*ret = TAKE_PTR(e.fragment);
			return 0;
		}
		free(id);
		id = TAKE_PTR(e.alias);
	}
	return -ELOOP;
}

/* --- Every name in the search path. --- */

int sdh_unit_list(const struct sdh_load_options *opts, const char *suffix, char ***ret)
{
	cleanup_attr(sdh_unit_cache_freep) struct sdh_unit_cache *own = NULL;
	cleanup_strv char **out = NULL;
	struct sdh_unit_cache *c;
	size_t n = 0;
	int r;

	if (!opts || !ret || (unsigned)opts->scope >= SDH_SCOPE_MAX)
		return -EINVAL;
	c = opts->cache;
	if (!c) {
		r = sdh_unit_cache_new(&own);
		if (r < 0)
			return r;
		c = own;
	}
	r = cache_prepare_for(c, opts, normalize_root(opts->root));
	if (r < 0)
		return r;
	out = calloc(c->n + 1, sizeof(char *));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		if (!isempty(suffix) && !endswith(c->names[i].name, suffix))
			continue;
		out[n] = strdup(c->names[i].name);
		if (!out[n++])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

static int cmp_alias_key(const void *a, const void *b)
{
	const struct alias_key *x = a, *y = b;
	int c = strcmp(x->base, y->base);

	return c ? c : (x->name > y->name) - (x->name < y->name);
}

/*
 * Where every name of the search path leads: a file to itself, an alias to the base name of the
 * fragment its chain ends at (broken chains nowhere).  Other units' broken links are not this
 * unit's problem: they are resolved silently.
 */
static int cache_index_aliases(struct loader *l)
{
	struct sdh_unit_cache *c = l->cache;
	struct loader quiet = *l;
	cleanup_free struct alias_key *links = NULL;
	size_t k = 0, n_links = 0;
	int r;

	quiet.diags = NULL;
	c->alias_base = calloc(MAX(c->n, (size_t)1), sizeof(char *));
	c->keys = calloc(MAX(c->n, (size_t)1), sizeof(*c->keys));
	links = calloc(MAX(c->n, (size_t)1), sizeof(*links));
	if (!c->alias_base || !c->keys || !links)
		return -ENOMEM;
	/* Files key by their own (sorted) names; links, a few, are sorted and merged in. */
	for (size_t i = 0; i < c->n; i++) {
		cleanup_free char *dst = NULL;

		if (!c->names[i].symlink)
			continue;
		r = ids_map_get(&quiet, c->names[i].name, &dst);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		c->alias_base[i] = strdup(path_basename(dst));
		if (!c->alias_base[i])
			return -ENOMEM;
		links[n_links++] = (struct alias_key){ c->alias_base[i], i };
	}
	if (n_links)
		qsort(links, n_links, sizeof(*links), cmp_alias_key);
	for (size_t i = 0, j = 0; i < c->n || j < n_links; i++) {
		struct alias_key file;

		for (; i < c->n && c->names[i].symlink; i++)
			;
		if (i < c->n)
			file = (struct alias_key){ c->names[i].name, i };
		for (; j < n_links && (i >= c->n || cmp_alias_key(&links[j], &file) < 0); j++)
			c->keys[k++] = links[j];
		if (i < c->n)
			c->keys[k++] = file;
	}
	c->n_keys = k;
	c->indexed = true;
	return 0;
}

/*
 * The names of the unit whose fragment is FRAGMENT (systemd's unit_name_map and add_names()):
 * every name whose alias chain ends at a file of the same base name; template aliases get
 * INSTANCE inserted.
 */
static int collect_aliases(struct loader *l, const char *fragment, const char *instance,
			   char ***names)
{
	struct sdh_unit_cache *c = l->cache;
	const char *base = path_basename(fragment);
	const char *suffix = unit_name_suffix(base);
	size_t lo = 0, hi;
	int r;

	if (!c->indexed) {
		r = cache_index_aliases(l);
		if (r < 0)
			return r;
	}
	/* The first key not below BASE. */
	hi = c->n_keys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->keys[mid].base, base) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j < c->n_keys && streq(c->keys[j].base, base); j++) {
		const char *v = c->names[c->keys[j].name].name;
		cleanup_free char *name = NULL, *inst = NULL;
		int kind = unit_name_classify(v);

		if (!streq_ptr(unit_name_suffix(v), suffix))
			continue;
		if (kind == UNIT_NAME_TEMPLATE) {
			if (!instance)
				continue;
			r = unit_name_replace_instance(v, instance, &name);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				continue;
		} else if (kind == UNIT_NAME_INSTANCE) {
			r = unit_name_to_instance(v, &inst);
			if (r < 0)
				return r;
			if (!streq_ptr(inst, instance))
				continue;
			name = strdup(v);
		} else {
			if (instance)
				continue;
			name = strdup(v);
		}
		if (!name)
			return -ENOMEM;
		if (!strv_contains(*names, name) && strv_consume(names, TAKE_PTR(name)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int sdh_unit_cache_prepare(struct sdh_unit_cache *c, const struct sdh_load_options *opts)
{
	struct loader l;
	int r;

	if (!c || !opts || (unsigned)opts->scope >= SDH_SCOPE_MAX)
		return -EINVAL;
	l = (struct loader){
		.root = normalize_root(opts->root),
		.version = effective_version(opts->version),
		.cache = c,
	};
	r = cache_prepare_for(c, opts, l.root);
	if (r < 0)
		return r;
	l.search = c->search;
	return c->indexed ? 0 : cache_index_aliases(&l);
}

/* --- Drop-ins. --- */

/*
 * The names whose ".d" directories hold drop-ins for NAME (systemd's unit_file_find_dirs()), in
 * the order they are looked at in each search directory: NAME, its template, then for
 * "a-b-c.service" the prefixes "a-b-.service" and "a-.service" (each with the instance).
 */
static int dropin_names(const char *name, char ***names)
{
	cleanup_free char *prefix = NULL, *instance = NULL, *built = NULL;
	int kind, r;
	bool chopped = false;
	char *dash;

	if (strv_extend(names, name) < 0)
		return -ENOMEM;
	if (unit_type_from_string(name) >= 0)
		return 0; /* the type-wide "service.d" has no template or prefixes */
	kind = unit_name_classify(name);
	if (kind == UNIT_NAME_INSTANCE) {
		cleanup_free char *template = NULL;

		r = unit_name_template(name, &template);
		if (r < 0)
			return r;
		r = dropin_names(template, names);
		if (r < 0)
			return r;
	}
	r = unit_name_to_prefix(name, &prefix);
	if (r < 0)
		return r;
	for (;;) {
		size_t n;

		dash = strrchr(prefix, '-');
		if (!dash)
			return 0;
		n = (size_t)(dash - prefix);
		if (n == 0)
			return 0;
		if (prefix[n + 1] != 0 || chopped) {
			prefix[n + 1] = 0;
			break;
		}
		prefix[n] = 0; /* a trailing dash is chopped off once */
		chopped = true;
	}
	if (!unit_prefix_is_valid(prefix))
		return 0;
	if (kind == UNIT_NAME_INSTANCE || kind == UNIT_NAME_TEMPLATE) {
		r = unit_name_to_instance(name, &instance);
		if (r < 0)
			return r;
	}
	r = unit_name_build(prefix, instance, unit_name_suffix(name), &built);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	return dropin_names(built, names);
}

/* Append search directory I's "NAME.d" to DIRS if it is a directory (chased inside the root). */
static int find_dropin_dir(struct loader *l, size_t i, const char *name, char ***dirs)
{
	const struct search_dir *sd = &l->cache->dirs[i];
	cleanup_free char *d = NULL, *chased = NULL, *host = NULL;
	char dname[UNIT_NAME_MAX + sizeof(".d")];
	size_t len = strlen(name);
	struct stat st;
	int r;

	if (len <= UNIT_NAME_MAX) {
		memcpy(dname, name, len);
		memcpy(dname + len, ".d", sizeof(".d"));
		switch (cache_lookup(l->cache, sd->in_root, dname)) {
		case ENTRY_DIR: return strv_consume(dirs, path_join(sd->chased, dname));
		case ENTRY_LINK:
		case ENTRY_UNKNOWN: break; /* ask the file system */
		default: return 0;
		}
	}
	d = strjoin(l->search[i], "/", name, ".d");
	if (!d)
		return -ENOMEM;
	r = chase_in_root(l->root, d, 0, &chased);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	host = root_join(l->root, chased);
	if (!host)
		return -ENOMEM;
	if (stat(host, &st) >= 0 && S_ISDIR(st.st_mode) && strv_consume(dirs, TAKE_PTR(chased)) < 0)
		return -ENOMEM;
	return 0;
}

struct dropin {
	char *path; /* inside the root */
	const char *base;
	bool masked;
};

static int cmp_dropin(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->base, ((const struct dropin *)b)->base);
}

/* systemd's conf_files_list_strv() over DIRS: the first directory having a file name wins. */
static int list_dropins(struct loader *l, char **dirs, char ***ret)
{
	struct dropin *v = NULL;
	size_t n = 0, alloc = 0;
	cleanup_strv char **out = NULL;
	bool warned = false;
	int r = -ENOMEM;

	STRV_FOREACH(d, dirs) {
		cleanup_free char *host = root_join(l->root, *d);
		DIR *dir;
		struct dirent *de;

		if (!host)
			goto out;
		dir = opendir(host);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			bool seen = false;
			struct stat st;
			char target[16];
			ssize_t k;

			if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf"))
				continue;
			for (size_t i = 0; i < n && !seen; i++)
				seen = streq(v[i].base, de->d_name);
			if (seen)
				continue;
			if (n >= DROPINS_MAX) {
				if (!warned &&
				    ldiag(l, *d, SDH_SEVERITY_WARNING, "too-many-dropins",
					  "more than %u drop-ins, ignoring the rest",
					  DROPINS_MAX) < 0) {
					closedir(dir);
					goto out;
				}
				warned = true;
				continue;
			}
			if (GREEDY_REALLOC(v, alloc, n + 1, 8) < 0) {
				closedir(dir);
				goto out;
			}
			v[n].path = path_join(*d, de->d_name);
			if (!v[n].path) {
				closedir(dir);
				goto out;
			}
			v[n].base = path_basename(v[n].path);
			/* A symlink to /dev/null masks this name in lower directories. */
			v[n].masked =
				fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) >= 0 &&
				S_ISLNK(st.st_mode) &&
				(k = readlinkat(dirfd(dir), de->d_name, target,
						sizeof(target) - 1)) > 0 &&
				(target[k] = 0, streq(target, "/dev/null"));
			n++;
		}
		closedir(dir);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_dropin);
	for (size_t i = 0; i < n; i++)
		if (!v[i].masked && strv_extend(&out, v[i].path) < 0)
			goto out;
	*ret = TAKE_PTR(out);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return r;
}

/*
 * Whether a search directory may hold a drop-in directory for NAME or a name derived from it:
 * each of those (NAME, its template, its dash prefixes "a-b-.service"...) begins with its own
 * head (struct dir_entry), and most units have no "*.d" anywhere whose head begins NAME.  Listings
 * that could not be read, or names too long to be looked up in one, say nothing: true.
 */
static bool may_have_dropin_dirs(const struct loader *l, const char *name)
{
	const struct sdh_unit_cache *c = l->cache;

	if (strlen(name) > UNIT_NAME_MAX)
		return true;
	for (size_t i = 0; l->search[i]; i++)
		if (c->dirs[i].in_root < 0 && c->dirs[i].in_root != LISTING_MISSING)
			return true;
	for (size_t i = 0; i < c->n_listings; i++)
		for (size_t j = 0; j < c->listings[i].n_dotd; j++) {
			const struct dir_entry *e = &c->listings[i].dotd[j];

			if (strncmp(e->name, name, e->head) == 0)
				return true;
		}
	return false;
}

/* Every drop-in directory of NAME in every search directory, in systemd's order. */
static int find_dropin_dirs(struct loader *l, const char *name, char ***dirs)
{
	cleanup_strv char **names = NULL;
	int r;

	if (!may_have_dropin_dirs(l, name))
		return 0;
	r = dropin_names(name, &names);
	if (r < 0)
		return r;
	for (size_t i = 0; l->search[i]; i++)
		STRV_FOREACH(n, names)
			if ((r = find_dropin_dir(l, i, *n, dirs)) < 0)
				return r;
	return 0;
}

/* systemd's unit_file_find_dropin_paths(): the unit's id, its aliases, then "<type>.d". */
static int find_dropins(struct loader *l, const char *id, char **aliases, char ***ret)
{
	cleanup_strv char **dirs = NULL;
	int r;

	if ((r = find_dropin_dirs(l, id, &dirs)) < 0)
		return r;
	STRV_FOREACH(a, aliases)
		if ((r = find_dropin_dirs(l, *a, &dirs)) < 0)
			return r;
	if ((r = find_dropin_dirs(l, unit_name_suffix(id), &dirs)) < 0)
		return r;
	return list_dropins(l, dirs, ret);
}

/* --- Loading. --- */

struct sdh_unit *sdh_unit_free(struct sdh_unit *u)
{
	if (!u)
		return NULL;
	free(u->name);
	free(u->id);
	free(u->type);
	free(u->prefix);
	free(u->instance);
	free(u->fragment_path);
	strv_free(u->dropin_paths);
	strv_free(u->aliases);
	free(u->assignments);
	if (u->strings) {
		sdh_arena_release(u->strings);
		free(u->strings);
	}
	free(u->root);
	free(u);
	return NULL;
}

int sdh_unit_add_assignment(struct sdh_unit *u, const struct sdh_assignment *a)
{
	struct sdh_assignment c = *a;

	if (!u->strings && !(u->strings = calloc(1, sizeof(*u->strings))))
		return -ENOMEM;
	if (GREEDY_REALLOC(u->assignments, u->assignments_alloc, u->n_assignments + 1, 16) < 0)
		return -ENOMEM;
	c.section = sdh_arena_strdup(u->strings, a->section);
	c.key = sdh_arena_strdup(u->strings, a->key);
	c.value = sdh_arena_strdup(u->strings, a->value);
	c.file = a->file ? sdh_arena_strdup(u->strings, a->file) : NULL;
	if (!c.section || !c.key || !c.value || (a->file && !c.file))
		return -ENOMEM;
	u->assignments[u->n_assignments++] = c;
	return 0;
}

DEFINE_CLEANUP_FUNC(struct sdh_unit *, sdh_unit_free, sdh_unit_freep)

/*
 * Whether PATH is a plain file right in a search directory (a fragment, mostly), and then the
 * directory of its listing (resolved inside the root, as chase_in_root() would) and its name.
 */
static bool cached_unit_file(struct loader *l, const char *path, int *ret_dirfd,
			     const char **ret_name)
{
	const char *name;
	size_t i;

	name = search_dir_name(l->search, path, &i);
	if (!name || cache_lookup(l->cache, l->cache->dirs[i].in_root, name) != ENTRY_FILE)
		return false;
	*ret_dirfd = l->cache->listings[l->cache->dirs[i].in_root].fd;
	*ret_name = name;
	return true;
}

/* Read a file of the unit (inside the root); masked: a /dev/null link or an empty file. */
static int read_unit_file(struct loader *l, const char *path, char **ret, size_t *ret_len,
			  bool *ret_masked)
{
	cleanup_free char *chased = NULL, *host = NULL;
	const char *name;
	int dirfd, r;

	*ret_masked = false;
	if (cached_unit_file(l, path, &dirfd, &name))
		/* A file of a listing: d_type said it is a regular file. */
		r = read_full_regular_file_at(dirfd, name, SDH_FILE_SIZE_MAX, ret, ret_len);
	else {
		r = chase_in_root(l->root, path, 0, &chased);
		if (r < 0)
			return r;
		if (streq(chased, "/dev/null")) {
			*ret_masked = true;
			return 0;
		}
		host = root_join(l->root, chased);
		if (!host)
			return -ENOMEM;
		r = read_full_file_at(AT_FDCWD, host, SDH_FILE_SIZE_MAX, ret, ret_len);
	}
	if (r < 0)
		return r;
	*ret_masked = *ret_len == 0;
	return 0;
}

static int parse_file(struct loader *l, struct sdh_unit *u, const char *path, bool dropin)
{
	cleanup_free char *buf = NULL;
	struct unit_parse p = {
		.file = path,
		.type = u->type,
		.version = l->version,
		.dropin = dropin,
		.diags = l->diags,
		.assignments = u->assignments,
		.n_assignments = u->n_assignments,
		.alloc = u->assignments_alloc,
		.strings = u->strings,
	};
	size_t len = 0;
	bool masked;
	int r;

	r = read_unit_file(l, path, &buf, &len, &masked);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (!dropin)
			u->load_state = SDH_LOAD_ERROR;
		return ldiag(l, path, dropin ? SDH_SEVERITY_WARNING : SDH_SEVERITY_ERROR,
			     "cannot-read", "cannot read %s: %s", dropin ? "drop-in" : "unit file",
			     r == -EFBIG ? "file too large" : strerror(-r));
	}
	if (masked) {
		if (!dropin)
			u->load_state = SDH_LOAD_MASKED;
		return 0;
	}
	r = unit_parse_buffer(&p, buf, len);
	u->assignments = p.assignments;
	u->n_assignments = p.n_assignments;
	u->assignments_alloc = p.alloc;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		u->load_state = SDH_LOAD_ERROR; /* systemd refuses the unit */
	return 0;
}

static const char *default_instance(unsigned version)
{
	/* systemd-analyze's offline instance: "i" up to 256, then --instance= (test_instance). */
	return SDH_VERSION_MAJOR(effective_version(version)) >= 257 ? "test_instance" : "i";
}

int sdh_unit_load(const struct sdh_load_options *opts, const char *name, struct sdh_diags *diags,
		  struct sdh_unit **ret)
{
	cleanup_attr(sdh_unit_freep) struct sdh_unit *u = NULL;
	cleanup_strv char **names = NULL;
	cleanup_free char *fragment = NULL;
	cleanup_attr(sdh_unit_cache_freep) struct sdh_unit_cache *own = NULL;
	struct loader l;
	int kind, r;

	if (!opts || !name || !ret || (unsigned)opts->scope >= SDH_SCOPE_MAX)
		return -EINVAL;
	kind = unit_name_classify(name);
	if (!kind)
		return -EINVAL;
	l = (struct loader){
		.root = normalize_root(opts->root),
		.version = effective_version(opts->version),
		.diags = diags,
		.cache = opts->cache,
	};
	/* Without a cache from the caller, one for this load (it reads what a load needs anyway).
	 */
	if (!l.cache) {
		r = sdh_unit_cache_new(&own);
		if (r < 0)
			return r;
		l.cache = own;
	}
	r = cache_prepare_for(l.cache, opts, l.root);
	if (r < 0)
		return r;
	l.search = l.cache->search;

	u = calloc(1, sizeof(*u));
	if (!u || !(u->strings = calloc(1, sizeof(*u->strings))))
		return -ENOMEM;
	u->scope = opts->scope;
	u->version = l.version;
	if (l.root && !(u->root = strdup(l.root)))
		return -ENOMEM;
	if (kind == UNIT_NAME_TEMPLATE) {
		const char *inst = opts->instance ? opts->instance : default_instance(l.version);

		r = unit_name_replace_instance(name, inst, &u->name);
		if (r < 0)
			return r;
	} else if (!(u->name = strdup(name)))
		return -ENOMEM;
	r = unit_name_to_instance(u->name, &u->instance);
	if (r < 0)
		return r;
	if (!(u->type = strdup(unit_name_suffix(u->name))))
		return -ENOMEM;

	r = ids_map_get(&l, u->name, &fragment);
	if ((r == -ENOENT || r == -ENXIO) && u->instance) {
		cleanup_free char *template = NULL;
		int k = unit_name_template(u->name, &template);

		if (k < 0)
			return k;
		r = ids_map_get(&l, template, &fragment);
	}
	if (r == -ENOMEM)
		return r;
	if (r == -ENXIO || r == -ELOOP) {
		r = ldiag(&l, NULL, SDH_SEVERITY_ERROR,
			  r == -ELOOP ? "alias-loop" : "dangling-alias",
			  r == -ELOOP ? "alias loop while resolving '%s'"
				      : "alias '%s' points to a unit that does not exist",
			  u->name);
		if (r < 0)
			return r;
	}
	if (!fragment) {
		u->load_state = SDH_LOAD_NOT_FOUND;
		if (!(u->id = strdup(u->name)))
			return -ENOMEM;
		r = unit_name_to_prefix(u->id, &u->prefix);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(u);
		return 0;
	}

	/* The id is the fragment's name, with our instance when it is a template. */
	if (unit_name_is_valid(path_basename(fragment), UNIT_NAME_TEMPLATE) && u->instance)
		r = unit_name_replace_instance(path_basename(fragment), u->instance, &u->id);
	else
		r = (u->id = strdup(path_basename(fragment))) ? 0 : -ENOMEM;
	if (r < 0)
		return r;
	r = unit_name_to_prefix(u->id, &u->prefix);
	if (r < 0)
		return r;
	u->fragment_path = TAKE_PTR(fragment);
	u->load_state = SDH_LOAD_LOADED;

	r = parse_file(&l, u, u->fragment_path, false);
	if (r < 0)
		return r;
	if (u->load_state == SDH_LOAD_MASKED) {
		*ret = TAKE_PTR(u);
		return 0;
	}

	if (strv_extend(&names, u->name) < 0)
		return -ENOMEM;
	r = collect_aliases(&l, u->fragment_path, u->instance, &names);
	if (r < 0)
		return r;
	STRV_FOREACH(n, names)
		if (!streq(*n, u->id) && strv_extend(&u->aliases, *n) < 0)
			return -ENOMEM;
	if (u->aliases)
		strv_sort(u->aliases);

	r = find_dropins(&l, u->id, u->aliases, &u->dropin_paths);
	if (r < 0)
		return r;
	STRV_FOREACH(d, u->dropin_paths) {
		r = parse_file(&l, u, *d, true);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(u);
	return 0;
}

const struct sdh_assignment *sdh_unit_last(const struct sdh_unit *u, const char *section,
					   const char *key)
{
	for (size_t i = u ? u->n_assignments : 0; i > 0; i--) {
		const struct sdh_assignment *a = &u->assignments[i - 1];

		if (streq(a->key, key) && (!section || streq(a->section, section)))
			return a;
	}
	return NULL;
}

const char *sdh_load_state_to_string(enum sdh_load_state s)
{
	static const char *const names[SDH_LOAD_STATE_MAX] = {
		[SDH_LOAD_LOADED] = "loaded", [SDH_LOAD_NOT_FOUND] = "not-found",
		[SDH_LOAD_MASKED] = "masked", [SDH_LOAD_BAD_SETTING] = "bad-setting",
		[SDH_LOAD_ERROR] = "error",
	};

	return (unsigned)s < SDH_LOAD_STATE_MAX ? names[s] : NULL;
}

const char *sdh_scope_to_string(enum sdh_scope s)
{
	static const char *const names[SDH_SCOPE_MAX] = {
		[SDH_SCOPE_SYSTEM] = "system",
		[SDH_SCOPE_USER] = "user",
	};

	return (unsigned)s < SDH_SCOPE_MAX ? names[s] : NULL;
}
