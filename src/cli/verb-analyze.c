/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden analyze [UNIT|FILE...]: the exposure score of units, offline, with the numbers and
 * the output of `systemd-analyze security --offline=yes` of the target version.  One unit: the
 * detail table and summary line; several or none: systemd's online layout (tables, then the
 * UNIT EXPOSURE PREDICATE HAPPY overview).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/path-util.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/online.h"
#include "sdharden/score.h"
#include "sdharden/settings.h"
#include "sdharden/unit.h"

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_SARIF,
	FORMAT_PROMETHEUS,
	FORMAT_MARKDOWN,
};

enum json_mode {
	JSON_OFF,
	JSON_SHORT,
	JSON_PRETTY,
};

struct args {
	unsigned threshold;
	enum json_mode json;
	enum format format;
	const char *policy_path;
	const char *instance;
	const char *output_dir; /* hidden: one UNIT.txt + UNIT.json per unit, for parity runs */
	bool online;            /* --online: read the units from the running manager (online.h) */
	bool online_all; /* --online without units: skip unloaded and Type=oneshot services */
	unsigned jobs;   /* --jobs=N: threads loading units, 0 = one per CPU (up to JOBS_MAX) */
	sd_bus *bus;
};

/*
 * What loading one offline unit came to, for report_item() to print in command-line order (the
 * loading itself prints nothing).
 */
enum outcome {
	OUTCOME_NONE,         /* online: reported while loading */
	OUTCOME_LOADED,       /* settings built (diags to print; bad_setting: failed) */
	OUTCOME_INVALID,      /* not a unit name */
	OUTCOME_MASKED,       /* masked */
	OUTCOME_NOT_FOUND,    /* not found */
	OUTCOME_LOAD_ERROR,   /* files unreadable */
	OUTCOME_QUIET,        /* the overview: masked or missing, not an error */
	OUTCOME_OOM,          /* fatal: out of memory */
	OUTCOME_LOAD_FAILED,  /* fatal: sdh_unit_load() failed (r) */
	OUTCOME_BUILD_FAILED, /* fatal: sdh_settings_build() failed (r) */
};

/* One command-line unit through loading, record and score. */
struct item {
	const char *arg;
	char *name;
	char *id;                      /* the id systemd reports (loaded units) */
	struct sdh_settings *settings; /* kept where a format needs it (SARIF), else freed */
	struct sdh_score *score;
	struct sdh_diags diags; /* until reported */
	enum outcome outcome;
	int r;                      /* OUTCOME_*_FAILED: the error */
	int score_r;                /* scored: sdh_score_compute()'s result */
	size_t text_off, text_len;  /* KEEP_TEXT: the unit's text in the chunk's text */
	const char *table;          /* KEEP_TEXT: the table where the memo keeps it, or NULL */
	size_t table_len, table_at; /* ... and where in the chunk's text it goes */
	bool scored;
	bool checked; /* check_score() done as the unit was emitted */
	bool failed;
	bool quiet; /* the overview of every unit: a masked or missing name is not an error */
};

static void help(void)
{
	printf("Usage: sdharden [--root=DIR] [--user] analyze [OPTIONS] [UNIT|FILE...]\n\n"
	       "Exposure score of units, as 'systemd-analyze security --offline=yes' of the target\n"
	       "systemd version computes it (same numbers, same text and JSON).  Without units:\n"
	       "every .service unit in the root and scope, as an overview table.\n\n"
	       "  --offline[=yes]            accepted for compatibility (always offline)\n"
	       "  --online                   read the units from the running service manager over\n"
	       "                             D-Bus, as 'systemd-analyze security' without --offline\n"
	       "  --threshold=N              fail (exit 1) when a unit's exposure exceeds N (0-100)\n"
	       "  --json=short|pretty|off    JSON instead of the text table\n"
	       "  --security-policy=FILE     weights, ranges and texts per check (JSON)\n"
	       "  --instance=NAME            instance for template units (default: test)\n"
	       "  --format=text|json|sarif|prometheus|markdown\n"
	       "  --jobs=N                   load units in N threads (default: one per CPU)\n"
	       "  -h, --help                 this help\n\n"
	       "Exit status: 0 ok, 1 a unit not loadable or above the threshold, 2 usage.\n");
}

static int parse_args(int argc, char *argv[], struct args *a)
{
	enum {
		ARG_OFFLINE = 0x100,
		ARG_THRESHOLD,
		ARG_JSON,
		ARG_POLICY,
		ARG_INSTANCE,
		ARG_FORMAT,
		ARG_OUTPUT_DIR,
		ARG_ONLINE,
		ARG_JOBS,
	};
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "offline", optional_argument, NULL, ARG_OFFLINE },
		{ "threshold", required_argument, NULL, ARG_THRESHOLD },
		{ "json", required_argument, NULL, ARG_JSON },
		{ "security-policy", required_argument, NULL, ARG_POLICY },
		{ "instance", required_argument, NULL, ARG_INSTANCE },
		{ "format", required_argument, NULL, ARG_FORMAT },
		{ "output-dir", required_argument, NULL, ARG_OUTPUT_DIR },
		{ "online", no_argument, NULL, ARG_ONLINE },
		{ "jobs", required_argument, NULL, ARG_JOBS },
		{},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h': help(); return 0;
		case ARG_OFFLINE:
			if (optarg && parse_boolean(optarg) != 1) {
				log_error(
					"invalid '--offline=%s': only offline analysis is supported here",
					optarg);
				return -EINVAL;
			}
			break;
		case ARG_THRESHOLD:
			if (safe_atou(optarg, &a->threshold) < 0 || a->threshold > 100) {
				log_error("invalid threshold '%s': expected 0..100", optarg);
				return -EINVAL;
			}
			break;
		case ARG_JSON:
			if (streq(optarg, "short"))
				a->json = JSON_SHORT;
			else if (streq(optarg, "pretty"))
				a->json = JSON_PRETTY;
			else if (streq(optarg, "off"))
				a->json = JSON_OFF;
			else {
				log_error("invalid '--json=%s': expected short, pretty or off",
					  optarg);
				return -EINVAL;
			}
			break;
		case ARG_POLICY: a->policy_path = optarg; break;
		case ARG_INSTANCE:
			if (isempty(optarg) || strpbrk(optarg, "/@ ")) {
				log_error("invalid instance name '%s'", optarg);
				return -EINVAL;
			}
			a->instance = optarg;
			break;
		case ARG_FORMAT:
			if (streq(optarg, "text"))
				a->format = FORMAT_TEXT;
			else if (streq(optarg, "json"))
				a->format = FORMAT_JSON;
			else if (streq(optarg, "sarif"))
				a->format = FORMAT_SARIF;
			else if (streq(optarg, "prometheus"))
				a->format = FORMAT_PROMETHEUS;
			else if (streq(optarg, "markdown"))
				a->format = FORMAT_MARKDOWN;
			else {
				log_error(
					"invalid '--format=%s': expected text, json, sarif, prometheus or markdown",
					optarg);
				return -EINVAL;
			}
			break;
		case ARG_OUTPUT_DIR: a->output_dir = optarg; break;
		case ARG_ONLINE: a->online = true; break;
		case ARG_JOBS:
			if (safe_atou(optarg, &a->jobs) < 0 || a->jobs == 0) {
				log_error("invalid '--jobs=%s': expected a number of threads",
					  optarg);
				return -EINVAL;
			}
			break;
		default: return -EINVAL;
		}
	if (a->format == FORMAT_JSON && a->json == JSON_OFF)
		a->json = JSON_SHORT;
	return 1;
}

/* The policy given, else the first default file (not below --root, as systemd). */
static int load_policy(const struct args *a, unsigned version, struct sdh_policy **ret)
{
	static const char *const defaults[] = {
		"/etc/systemd/systemd-analyze-security.policy",
		"/run/systemd/systemd-analyze-security.policy",
		"/usr/local/lib/systemd/systemd-analyze-security.policy",
		"/usr/lib/systemd/systemd-analyze-security.policy",
	};
	const char *path = a->policy_path;
	cleanup_free char *err = NULL;
	int r;

	*ret = NULL;
	for (size_t i = 0; !path && i < ELEMENTSOF(defaults); i++)
		if (access(defaults[i], F_OK) == 0)
			path = defaults[i];
	if (!path)
		return 0;
	r = sdh_policy_load(path, version, ret, &err);
	if (r == -EINVAL && err)
		return log_error_errno(r, "cannot parse '%s' at %s", path, err);
	if (r < 0)
		return log_error_errno(r, "cannot read policy '%s': %m", path);
	return 0;
}

static int write_file(const char *dir, const char *name, const char *suffix, const char *data)
{
	cleanup_free char *p = NULL;

	if (asprintf(&p, "%s/%s%s", dir, name, suffix) < 0)
		return -ENOMEM;
	return write_full_file_at(AT_FDCWD, p, data, strlen(data), 0644);
}

/*
 * --online: the record of ARG from the running manager over D-Bus, with the names, refusals and
 * messages of systemd-analyze security (exposure-spec.md §6.4).
 */
static int load_item_online(const struct sdh_cli *cli, const struct args *a, struct item *it,
			    const char *arg)
{
	unsigned flags = a->online_all ? SDH_BUS_ONLY_LOADED | SDH_BUS_ONLY_LONG_RUNNING : 0;
	cleanup_free char *err = NULL;
	int r;

	it->arg = arg;
	r = sdh_online_unit_name(arg, cli->version, a->instance, &it->name);
	if (r < 0)
		return log_oom();
	it->failed = true;
	if (!endswith(it->name, ".service")) {
		log_error("Unit %s is not a service unit, refusing.", arg);
		return 0;
	}
	r = sdh_settings_from_bus(a->bus, it->name, cli->version, flags, &it->settings, &err);
	if (r == -EMEDIUMTYPE)
		return 0;
	if (r == -ENOENT)
		log_error("Unit %s not found, cannot analyze.", it->name);
	else if (r == -ERFKILL)
		log_error("Unit %s is masked, cannot analyze.", it->name);
	else if (r == -ENOEXEC)
		log_error("Unit %s not loaded properly, cannot analyze.", it->name);
	else if (r == -ENOMEM)
		return log_oom();
	else if (r < 0)
		log_error("Failed to get unit properties: %s", err ? err : strerror(-r));
	else
		it->failed = false;
	return 0;
}

/*
 * What compute_item() keeps of a unit's score: everything (JSON, SARIF... render from the rows
 * at the end), the detail table rendered at once into the chunk's text (the text output), or
 * just the id and exposure (the text overview of every unit).
 */
enum keep {
	KEEP_SCORE,
	KEEP_TEXT,
	KEEP_SUMMARY,
};

/* The work shared by the threads: read-only but for the chunk being computed. */
struct work {
	const struct sdh_cli *cli;
	const struct args *a;
	const struct sdh_policy *policy;
	const struct sdh_render_options *ro;
	enum keep keep;
	bool keep_settings;
	struct sdh_score_memo *memo; /* KEEP_TEXT, KEEP_SUMMARY: each distinct record scored once */
};

/*
 * Load ARG (a unit name, or a path whose file name is looked up, spec §2.5), build its record and
 * score it, printing nothing: emit_chunk() prints what happened, in order.  The unit is freed
 * once its record is built, the record once scored unless KEEP_SETTINGS.  With KEEP_TEXT the
 * table is appended to TEXT (after an empty line) and only the summary of the score is kept.
 */
static void compute_item(const struct work *w, struct item *it, const char *arg,
			 struct strbuf *text)
{
	const struct sdh_cli *cli = w->cli;
	const struct args *a = w->a;
	struct sdh_load_options o;
	struct sdh_unit *u = NULL;
	cleanup_strv char **path = NULL;
	cleanup_free char *dir = NULL;
	int r;

	sdh_cli_load_options(cli, &o);
	o.instance = a->instance ? a->instance : "test";
	it->arg = arg;
	it->outcome = OUTCOME_OOM;
	if (strchr(arg, '/')) {
		/* Without --root the file's directory goes in front of the search path. */
		if (!cli->root) {
			cleanup_free char *cwd = path_is_absolute(arg) ? NULL : getcwd(NULL, 0);
			cleanup_free char *abs = NULL;

			abs = cwd                     ? path_join(cwd, arg)
			      : path_is_absolute(arg) ? strdup(arg)
						      : NULL;
			dir = abs ? path_dirname(abs) : NULL;
			if (!dir || strv_extend(&path, dir) < 0)
				return;
			o.unit_path = path;
			o.unit_path_append_default = true;
		}
		arg = path_basename(arg);
	}
	it->name = strdup(arg);
	if (!it->name)
		return;
	it->failed = true;
	r = sdh_unit_load(&o, arg, &it->diags, &u);
	if (r == -EINVAL) {
		sdh_diags_release(&it->diags);
		it->outcome = OUTCOME_INVALID;
		return;
	}
	if (r < 0) {
		sdh_diags_release(&it->diags);
		it->outcome = OUTCOME_LOAD_FAILED;
		it->r = r;
		return;
	}
	if (it->quiet &&
	    (u->load_state == SDH_LOAD_MASKED || u->load_state == SDH_LOAD_NOT_FOUND)) {
		sdh_diags_release(&it->diags);
		it->outcome = OUTCOME_QUIET;
	} else if (u->load_state == SDH_LOAD_MASKED)
		it->outcome = OUTCOME_MASKED;
	else if (u->load_state == SDH_LOAD_NOT_FOUND)
		it->outcome = OUTCOME_NOT_FOUND;
	else if (u->load_state == SDH_LOAD_ERROR)
		it->outcome = OUTCOME_LOAD_ERROR;
	else {
		r = sdh_settings_build(u, &it->diags, &it->settings);
		if (r < 0) {
			sdh_diags_release(&it->diags);
			it->outcome = OUTCOME_BUILD_FAILED;
			it->r = r;
		} else if (!(it->id = strdup(u->id))) {
			sdh_diags_release(&it->diags);
			it->outcome = OUTCOME_OOM;
		} else {
			it->outcome = OUTCOME_LOADED;
			it->failed = it->settings->bad_setting;
		}
	}
	sdh_unit_free(u);
	if (it->outcome != OUTCOME_LOADED || it->failed)
		return;
	if (w->memo) {
		/* The text: an empty line, the table (in the memo, or here), the summary line. */
		struct strbuf *sb = w->keep == KEEP_TEXT ? text : NULL;

		if (sb) {
			it->text_off = sb->len;
			strbuf_addc(sb, '\n');
			it->table_at = sb->len;
		}
		it->score_r =
			sdh_score_memo_compute(w->memo, it->settings, sb, sb ? &it->table : NULL,
					       &it->table_len, &it->score);
		it->scored = true;
		if (!w->keep_settings)
			it->settings = sdh_settings_free(it->settings);
		if (!sb)
			return;
		if (it->score_r >= 0) {
			sdh_score_append_summary(sb, it->score->id, it->score->exposure, w->ro);
			it->score_r = strbuf_error(sb);
		}
		if (it->score_r < 0) {
			strbuf_setlen(sb, it->text_off);
			it->table = NULL;
		} else
			it->text_len = sb->len - it->text_off;
		return;
	}
	it->score_r = sdh_score_compute(it->settings, w->policy, &it->score);
	it->scored = true;
	if (!w->keep_settings)
		it->settings = sdh_settings_free(it->settings);
	if (it->score_r < 0 || w->keep == KEEP_SCORE)
		return;
	if (w->keep == KEEP_TEXT) {
		it->text_off = text->len;
		strbuf_addc(text, '\n');
		if (sdh_score_append_text(text, it->score, w->ro) < 0) {
			it->score_r = -ENOMEM;
			return;
		}
		it->text_len = text->len - it->text_off;
	}
	sdh_score_drop_rows(it->score);
}

/* Print what compute_item() found (systemd's messages); < 0: stop everything. */
static int report_item(const struct sdh_cli *cli, struct item *it)
{
	const char *arg = it->name;
	int r = 0;

	switch (it->outcome) {
	case OUTCOME_NONE:
	case OUTCOME_QUIET: break;
	case OUTCOME_OOM: r = log_oom(); break;
	case OUTCOME_INVALID: log_error("invalid unit name '%s'", arg); break;
	case OUTCOME_LOAD_FAILED: r = log_error_errno(it->r, "cannot load '%s': %m", arg); break;
	case OUTCOME_BUILD_FAILED:
		r = log_error_errno(it->r, "cannot build the settings of '%s': %m", arg);
		break;
	case OUTCOME_MASKED:
		sdh_cli_print_diags(&it->diags, SDH_SEVERITY_WARNING);
		fprintf(stderr, "Unit %s is masked.\n", arg);
		break;
	case OUTCOME_NOT_FOUND:
		sdh_cli_print_diags(&it->diags, SDH_SEVERITY_WARNING);
		fprintf(stderr, "Unit %s not found.\n", arg);
		break;
	case OUTCOME_LOAD_ERROR:
		sdh_cli_print_diags(&it->diags, SDH_SEVERITY_WARNING);
		log_error("cannot read the files of '%s'", arg);
		break;
	case OUTCOME_LOADED:
		sdh_cli_print_diags(&it->diags,
				    cli->quiet ? SDH_SEVERITY_ERROR : SDH_SEVERITY_WARNING);
		if (it->failed)
			log_error("unit '%s' has a bad setting: systemd refuses to load it", arg);
		break;
	}
	sdh_diags_release(&it->diags);
	return r;
}

/*
 * What a scored unit's result means for the run: -ERANGE (the policy leaves the score
 * undefined, systemd aborts) fails the unit, any other error stops everything; above the
 * threshold, exit status 1.
 */
static int check_score(const struct args *a, struct item *it, int *ret)
{
	if (it->score_r == -ERANGE) {
		log_error("policy makes the score of '%s' undefined: a range below the badness, "
			  "a range of 0, or every weight 0",
			  it->name);
		*ret = MAX(*ret, SDH_EXIT_FINDINGS);
		it->failed = true;
		return 0;
	}
	if (it->score_r < 0)
		return log_error_errno(it->score_r, "cannot score '%s': %m", it->name);
	if (it->score->exposure > a->threshold)
		*ret = MAX(*ret, SDH_EXIT_FINDINGS);
	return 0;
}

/*
 * The units are computed in chunks of CHUNK_UNITS, by up to JOBS_MAX threads (the main thread
 * one of them), and emitted by the main thread in command-line order as each chunk is done:
 * messages of a unit, then its table.  At most AHEAD chunks wait to be emitted, so the text in
 * memory stays bounded (and warm) however many units there are.  Without --jobs= a thread gets
 * at least UNITS_PER_JOB units (starting one costs more than a few).
 */
#define JOBS_MAX      8U
#define UNITS_PER_JOB 64U
#define CHUNK_UNITS   16U
#define AHEAD(jobs)   (2U * (jobs) + 2U)

struct chunk {
	size_t from, to;
	struct strbuf text; /* KEEP_TEXT: the tables of the chunk's units */
	bool done;
};

struct pipeline {
	const struct work *w;
	struct item *items;
	char **args;
	struct chunk *chunks;
	size_t n_chunks;
	size_t next;    /* the next chunk to compute */
	size_t emitted; /* chunks emitted */
	size_t ahead;
	bool ready;           /* the unit cache is filled: the other threads may compute */
	bool alone;           /* it could not be filled: the main thread computes everything */
	bool stop;            /* a report was fatal: compute no more */
	struct strbuf *spare; /* emitted chunks' buffers, for reuse (warm, already grown) */
	size_t n_spare;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a chunk done, emitted, or stop */
};

/* Under the lock: the next chunk this thread may compute, or NULL (none left, or stop). */
static struct chunk *take_chunk(struct pipeline *p, bool wait)
{
	struct chunk *c;

	while (wait && !p->stop && p->next < p->n_chunks && p->next - p->emitted >= p->ahead)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->stop || p->next >= p->n_chunks || p->next - p->emitted >= p->ahead)
		return NULL;
	c = &p->chunks[p->next++];
	if (p->n_spare > 0)
		c->text = p->spare[--p->n_spare];
	return c;
}

/* Not under the lock. */
static void compute_chunk(struct pipeline *p, struct chunk *c)
{
	for (size_t i = c->from; i < c->to && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED); i++)
		compute_item(p->w, &p->items[i], p->args[i], &c->text);
	pthread_mutex_lock(&p->lock);
	c->done = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static void *compute_thread(void *userdata)
{
	struct pipeline *p = userdata;
	struct chunk *c;

	pthread_mutex_lock(&p->lock);
	while (!p->ready && !p->alone)
		pthread_cond_wait(&p->changed, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (p->alone)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		c = take_chunk(p, true);
		pthread_mutex_unlock(&p->lock);
		if (!c)
			return NULL;
		compute_chunk(p, c);
	}
}

/* write() all of IOV, or -errno. */
static int writev_all(int fd, struct iovec *iov, size_t n)
{
	while (n > 0) {
		ssize_t k = writev(fd, iov, (int)MIN(n, (size_t)IOV_MAX));

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; n > 0 && (size_t)k >= iov->iov_len; iov++, n--)
			k -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return 0;
}

/*
 * Write the text of C from *FROM to TO, with the memo's tables of the units from *ITEM to END
 * spliced in where they go: consecutive tables in one writev(), copied nowhere.  The empty line
 * before the very first table of the output is left out (FIRST).
 */
static int write_text(const struct chunk *c, const struct item *items, size_t *item, size_t end,
		      size_t *from, size_t to, bool *first)
{
	struct iovec iov[2 * CHUNK_UNITS + 1];
	size_t n = 0;
	int r;

	if (to <= *from)
		return 0;
	if (*first)
		(*from)++; /* every table comes after an empty line but the first */
	*first = false;
	for (; *item < end; (*item)++) {
		const struct item *it = &items[*item];

		if (it->table_at > to)
			break; /* this unit's text and those after it are not written yet */
		if (!it->table)
			continue;
		iov[n++] = (struct iovec){ c->text.buf + *from, it->table_at - *from };
		iov[n++] = (struct iovec){ (void *)it->table, it->table_len };
		*from = it->table_at;
	}
	iov[n++] = (struct iovec){ c->text.buf + *from, to - *from };
	*from = to;
	r = fflush(stdout) != 0 ? -errno : writev_all(STDOUT_FILENO, iov, n);
	if (r < 0)
		return log_error_errno(r, "cannot write the output: %m");
	return 0;
}

/*
 * Report the units of C in order and, with KEEP_TEXT, write their tables, an empty line
 * between two (FIRST: none written yet).  The tables of the chunk that no message interrupts
 * are written at once.  < 0: a report was fatal.
 */
static int emit_chunk(const struct work *w, struct item *items, struct chunk *c, bool *first,
		      int *ret)
{
	size_t from = 0, to = 0, pending = c->from;
	int r;

	for (size_t i = c->from; i < c->to; i++) {
		struct item *it = &items[i];

		if (it->diags.n > 0 || it->failed || it->score_r < 0 ||
		    (it->outcome != OUTCOME_LOADED && it->outcome != OUTCOME_QUIET)) {
			/* Messages come after the tables before them. */
			r = write_text(c, items, &pending, i, &from, to, first);
			if (r < 0)
				return r;
		}
		r = report_item(w->cli, it);
		if (r < 0)
			return r;
		if (it->failed && !it->quiet)
			*ret = SDH_EXIT_FINDINGS;
		if (w->keep != KEEP_TEXT || it->failed || !it->scored)
			continue;
		it->checked = true;
		r = check_score(w->a, it, ret);
		if (r < 0)
			return r;
		if (!it->failed)
			to = it->text_off + it->text_len;
	}
	return write_text(c, items, &pending, c->to, &from, to, first);
}

/*
 * How many threads: one unless every unit loads through the same (shared, prepared) cache, i.e.
 * with --root= or no unit given as a path (those put their directory in the search path); not
 * for the user scope either, whose records read the process umask by changing it.
 */
static unsigned analyze_jobs(const struct sdh_cli *cli, const struct args *a, char **args, size_t n)
{
	unsigned jobs = a->jobs;

	if (a->online || cli->scope != SDH_SCOPE_SYSTEM)
		return 1;
	for (size_t i = 0; !cli->root && i < n; i++)
		if (strchr(args[i], '/'))
			return 1;
	if (jobs == 0) {
		cpu_set_t set;

		jobs = sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
		jobs = MIN(MIN(jobs, JOBS_MAX), (unsigned)MAX(n / UNITS_PER_JOB, (size_t)1));
	}
	return (unsigned)MIN((size_t)MIN(jobs, JOBS_MAX), MAX(n, (size_t)1));
}

/*
 * compute_item() for every unit, in JOBS threads, and emit_chunk() for each chunk in order (as
 * if the units had been loaded one after the other).  < 0: a report was fatal, or OOM.
 */
static int compute_all(const struct work *w, struct item *items, char **args, size_t n,
		       unsigned jobs, int *ret)
{
	struct pipeline p = {
		.w = w,
		.items = items,
		.args = args,
		.n_chunks = (n + CHUNK_UNITS - 1) / CHUNK_UNITS,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.changed = PTHREAD_COND_INITIALIZER,
	};
	pthread_t threads[JOBS_MAX];
	unsigned started = 0;
	bool first = true;
	int r = 0;

	p.ahead = AHEAD(jobs);
	p.chunks = calloc(MAX(p.n_chunks, (size_t)1), sizeof(*p.chunks));
	p.spare = calloc(p.ahead, sizeof(*p.spare));
	if (!p.chunks || !p.spare) {
		free(p.chunks);
		free(p.spare);
		return log_oom();
	}
	for (size_t k = 0; k < p.n_chunks; k++) {
		p.chunks[k].from = k * CHUNK_UNITS;
		p.chunks[k].to = MIN(n, (k + 1) * CHUNK_UNITS);
		strbuf_init(&p.chunks[k].text);
	}
	/*
	 * The other threads start while this one fills the unit cache they all read, and wait for
	 * it: starting them is then off the path.  Should the cache fail to fill, they stop, and
	 * this thread alone finds (and reports) why.
	 */
	for (unsigned k = 1; k < jobs; k++)
		if (pthread_create(&threads[started], NULL, compute_thread, &p) == 0)
			started++;
	if (started > 0) {
		struct sdh_load_options o;
		bool filled;

		sdh_cli_load_options(w->cli, &o);
		filled = sdh_unit_cache_prepare(o.cache, &o) >= 0;
		pthread_mutex_lock(&p.lock);
		p.ready = filled;
		p.alone = !filled;
		pthread_cond_broadcast(&p.changed);
		pthread_mutex_unlock(&p.lock);
	}

	pthread_mutex_lock(&p.lock);
	while (r >= 0 && p.emitted < p.n_chunks) {
		struct chunk *c = &p.chunks[p.emitted];

		if (c->done) {
			pthread_mutex_unlock(&p.lock);
			r = emit_chunk(w, items, c, &first, ret);
			if (r >= 0 && ferror(stdout))
				r = -EIO;
			strbuf_reset(&c->text);
			pthread_mutex_lock(&p.lock);
			p.spare[p.n_spare++] = c->text;
			c->text = (struct strbuf)STRBUF_INIT;
			p.emitted++;
			pthread_cond_broadcast(&p.changed);
			continue;
		}
		c = take_chunk(&p, false);
		if (c) {
			pthread_mutex_unlock(&p.lock);
			compute_chunk(&p, c);
			pthread_mutex_lock(&p.lock);
		} else
			pthread_cond_wait(&p.changed, &p.lock);
	}
	__atomic_store_n(&p.stop, true, __ATOMIC_RELAXED); /* compute_chunk() reads it unlocked */
	pthread_cond_broadcast(&p.changed);
	pthread_mutex_unlock(&p.lock);
	for (unsigned k = 0; k < started; k++)
		(void)pthread_join(threads[k], NULL);
	for (size_t k = 0; k < p.n_spare; k++)
		strbuf_release(&p.spare[k]);
	for (size_t k = 0; k < p.n_chunks; k++)
		strbuf_release(&p.chunks[k].text);
	free(p.spare);
	free(p.chunks);
	return r;
}

static int cmp_item_id(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	/* Units that did not load go last; the others by the id systemd reports (strcmp). */
	if (a->failed != b->failed)
		return a->failed - b->failed;
	if (a->failed)
		return 0;
	return strcmp(a->id, b->id);
}

static void item_release(struct item *it)
{
	free(it->name);
	free(it->id);
	sdh_settings_free(it->settings);
	sdh_score_free(it->score);
	sdh_diags_release(&it->diags);
	*it = (struct item){ 0 };
}

/*
 * The overview of every unit lists each loaded unit once under its id, sorted, as systemd's
 * overview of the manager's units does: aliases (autovt@.service -> getty@.service) would
 * otherwise be scored twice, and masked names are not units.  Returns the new count.
 */
static size_t overview_items(struct item *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_item_id);
	for (size_t i = 0; i < n; i++) {
		if (v[i].failed || (k > 0 && streq(v[k - 1].id, v[i].id))) {
			item_release(&v[i]);
			continue;
		}
		if (k != i) {
			v[k] = v[i];
			v[i] = (struct item){ 0 };
		}
		k++;
	}
	return k;
}

static void items_free(struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		item_release(&v[i]);
	free(v);
}

/* Print and free S (a formatter's result; NULL = OOM). */
static int emit(char *s)
{
	if (!s)
		return log_oom();
	fputs(s, stdout);
	free(s);
	return 0;
}

/*
 * --online text and JSON: the layout of online systemd-analyze security (v252), which differs from
 * the offline one: an empty line before every named unit after the first, failed or not; a unit
 * refused as not a service stops everything; unless exactly one unit was named, an empty line
 * and the overview (as JSON too: one object per unit, without the checks).
 */
static int emit_online(const struct args *a, const struct sdh_render_options *ro,
		       const struct item *items, size_t n, struct sdh_score **scores,
		       size_t n_scored, bool overview_only)
{
	bool json = a->json != JSON_OFF, pretty = a->json == JSON_PRETTY;
	int r = 0;

	for (size_t i = 0; !overview_only && i < n && r >= 0; i++) {
		cleanup_free char *s = NULL;

		if (i > 0)
			putchar('\n');
		if (!endswith(items[i].name, ".service"))
			return 0;
		if (items[i].failed)
			continue;
		s = json ? sdh_score_format_json(items[i].score, pretty, ro->debug)
			 : sdh_score_format_text(items[i].score, ro);
		r = emit(TAKE_PTR(s));
	}
	if (r >= 0 && (overview_only || n != 1)) {
		cleanup_free char *s =
			json ? sdh_online_format_overview_json(scores, n_scored, pretty, ro)
			     : sdh_score_format_overview(scores, n_scored, ro);

		if (!overview_only)
			putchar('\n');
		r = emit(TAKE_PTR(s));
	}
	return r;
}

/* What the output needs kept of each score (see enum keep). */
static enum keep keep_of(const struct args *a, bool overview_only)
{
	if (a->output_dir || a->format != FORMAT_TEXT || a->json != JSON_OFF)
		return KEEP_SCORE;
	return overview_only ? KEEP_SUMMARY : KEEP_TEXT;
}

int verb_analyze(int argc, char *argv[], struct sdh_cli *cli)
{
	struct args a = { .threshold = 100 };
	struct sdh_policy *policy = NULL;
	struct sdh_render_options ro;
	cleanup_strv char **all = NULL;
	char **args;
	struct item *items = NULL;
	struct sdh_score **scores = NULL;
	struct sdh_settings **settings = NULL;
	size_t n = 0, n_scored = 0;
	bool overview_only = false;
	int r, ret = SDH_EXIT_OK;

	r = parse_args(argc, argv, &a);
	if (r <= 0)
		return r < 0 ? SDH_EXIT_USAGE : SDH_EXIT_OK;
	sdh_render_options_from_env(cli->version, &ro);
	if (a.online && cli->root) {
		log_error("--online reads the running manager: it cannot be combined with --root=");
		return SDH_EXIT_USAGE;
	}
	if (load_policy(&a, cli->version, &policy) < 0)
		return SDH_EXIT_FINDINGS;
	if (a.online) {
		r = sdh_bus_open_manager(cli->scope, &a.bus);
		if (r < 0) {
			sdh_policy_free(policy);
			log_error_errno(r, "cannot connect to the service manager's bus: %m");
			return SDH_EXIT_FINDINGS;
		}
	}

	if (optind >= argc) {
		struct sdh_load_options o;

		sdh_cli_load_options(cli, &o);
		a.online_all = a.online;
		r = a.online ? sdh_bus_list_units(a.bus, ".service", &all, NULL)
			     : sdh_unit_list(&o, ".service", &all);
		if (r < 0) {
			sdh_policy_free(policy);
			(void)log_error_errno(r, "cannot list units: %m");
			return SDH_EXIT_INTERNAL;
		}
		overview_only = true;
	}
	n = overview_only ? strv_length(all) : (size_t)(argc - optind);
	args = overview_only ? all : argv + optind;
	items = calloc(MAX(n, (size_t)1), sizeof(*items));
	scores = calloc(MAX(n, (size_t)1), sizeof(*scores));
	settings = calloc(MAX(n, (size_t)1), sizeof(*settings));
	if (!items || !scores || !settings) {
		(void)log_oom();
		ret = SDH_EXIT_INTERNAL;
		goto out;
	}

	/* Load everything first (errors come first, as in systemd), then score in order. */
	if (a.online)
		for (size_t i = 0; i < n; i++) {
			r = load_item_online(cli, &a, &items[i], args[i]);
			if (r < 0) {
				ret = SDH_EXIT_INTERNAL;
				goto out;
			}
			if (items[i].failed && !overview_only)
				ret = SDH_EXIT_FINDINGS;
		}
	else {
		struct work w = {
			.cli = cli,
			.a = &a,
			.policy = policy,
			.ro = &ro,
			.keep = keep_of(&a, overview_only),
			.keep_settings = a.format == FORMAT_SARIF,
		};

		for (size_t i = 0; i < n; i++)
			items[i].quiet = overview_only;
		if (w.keep != KEEP_SCORE &&
		    sdh_score_memo_new(policy, w.keep == KEEP_TEXT ? &ro : NULL, &w.memo) < 0) {
			(void)log_oom();
			ret = SDH_EXIT_INTERNAL;
			goto out;
		}
		r = compute_all(&w, items, args, n, analyze_jobs(cli, &a, args, n), &ret);
		if (w.memo) {
			size_t hits, misses;

			sdh_score_memo_stats(w.memo, &hits, &misses);
			log_debug("scored %zu distinct records for %zu units", misses,
				  hits + misses);
			sdh_score_memo_free(w.memo);
		}
		if (r < 0) {
			ret = SDH_EXIT_INTERNAL;
			goto out;
		}
	}
	if (overview_only && !a.online)
		n = overview_items(items, n);
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];

		if (it->failed)
			continue;
		if (!it->checked) {
			if (!it->scored) {
				it->score_r = sdh_score_compute(it->settings, policy, &it->score);
				it->scored = true;
			}
			if (check_score(&a, it, &ret) < 0) {
				ret = SDH_EXIT_INTERNAL;
				goto out;
			}
			if (it->failed)
				continue;
		}
		scores[n_scored] = it->score;
		settings[n_scored++] = it->settings;
	}

	if (a.output_dir) {
		for (size_t i = 0; i < n; i++) {
			cleanup_free char *txt = NULL, *json = NULL;

			if (items[i].failed) {
				printf("%s\tfail\n", items[i].name);
				continue;
			}
			txt = sdh_score_format_text(items[i].score, &ro);
			json = sdh_score_format_json(items[i].score, a.json == JSON_PRETTY,
						     ro.debug);
			if (!txt || !json) {
				(void)log_oom();
				ret = SDH_EXIT_INTERNAL;
				goto out;
			}
			r = write_file(a.output_dir, items[i].name, ".txt", txt);
			if (r >= 0)
				r = write_file(a.output_dir, items[i].name, ".json", json);
			if (r < 0) {
				log_error_errno(r, "cannot write into '%s': %m", a.output_dir);
				ret = SDH_EXIT_INTERNAL;
				goto out;
			}
			printf("%s\t%u.%u\t%s\n", items[i].name, items[i].score->exposure / 10,
			       items[i].score->exposure % 10,
			       sdh_exposure_predicate(items[i].score->exposure));
		}
		goto out;
	}

	if (a.online && a.format == FORMAT_TEXT) {
		if (emit_online(&a, &ro, items, n, scores, n_scored, overview_only) < 0)
			ret = SDH_EXIT_INTERNAL;
		goto out;
	}

	switch (a.format) {
	case FORMAT_SARIF: r = emit(sdh_score_format_sarif(scores, settings, n_scored)); break;
	case FORMAT_PROMETHEUS: r = emit(sdh_score_format_prometheus(scores, n_scored)); break;
	case FORMAT_MARKDOWN: r = emit(sdh_score_format_markdown(scores, n_scored)); break;
	default:
		if (a.json != JSON_OFF) {
			cleanup_free char *s =
				n == 1 && !overview_only
					? (n_scored ? sdh_score_format_json(scores[0],
									    a.json == JSON_PRETTY,
									    ro.debug)
						    : NULL)
					: sdh_score_format_json_many(scores, n_scored,
								     a.json == JSON_PRETTY,
								     ro.debug, &ro);
			if (n_scored || n != 1 || overview_only)
				r = emit(TAKE_PTR(s));
			break;
		}
		if (overview_only || n_scored > 1) {
			cleanup_free char *s = sdh_score_format_overview(scores, n_scored, &ro);

			if (!overview_only)
				putchar('\n');
			r = emit(TAKE_PTR(s));
		}
	}
	if (r < 0)
		ret = SDH_EXIT_INTERNAL;
out:
	fflush(stdout);
	items_free(items, n);
	free(scores);
	free(settings);
	sdh_policy_free(policy);
	if (a.bus)
		sd_bus_flush_close_unref(a.bus);
	return ret;
}
