/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check evaluation (exposure-spec.md §3), arithmetic (§4) and row order (§5.1) of
 * `systemd-analyze security`.  Every check's rule is picked by the assess_kind column of the
 * version's check table; parameters (capability masks, namespaces, groups) come from that table.
 */
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "score/score-internal.h"
#include "sdharden/kb.h"
#include "sdharden/score.h"

struct eval {
	uint64_t badness;
	const char *text; /* a constant description, or NULL */
	char *dyn;        /* a formatted one (heap), or NULL */
};

static int dyn(struct eval *e, uint64_t badness, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int dyn(struct eval *e, uint64_t badness, const char *fmt, ...)
{
	va_list ap;
	int r;

	e->badness = badness;
	if (!strchr(fmt, '%')) {
		/* Most descriptions are constant: no copy per row of every unit. */
		e->text = fmt;
		return 0;
	}
	va_start(ap, fmt);
	r = vasprintf(&e->dyn, fmt, ap);
	va_end(ap);
	if (r < 0) {
		e->dyn = NULL;
		return -ENOMEM;
	}
	return 0;
}

static bool is_root_user(const char *u)
{
	return streq_ptr(u, "0") || streq_ptr(u, "root");
}

/* "Runs privileged" of spec §3.2. */
static bool runs_privileged(const struct sdh_settings *s)
{
	if (s->version >= SDH_VERSION(258, 0) && s->scope == SDH_SCOPE_USER)
		return false;
	if (is_root_user(s->user))
		return true;
	if (s->dynamic_user)
		return false;
	return isempty(s->user);
}

static uint64_t caps_mask(const char *param)
{
	const char *p = startswith(param, "caps=");
	uint64_t m = 0;

	while (p && *p) {
		size_t n = strcspn(p, "|");
		cleanup_free char *name = strndup_safe(p, n);
		int c = name ? sdh_capability_from_name(name) : -ENOMEM;

		if (c >= 0)
			m |= UINT64_C(1) << c;
		p += n;
		if (*p == '|')
			p++;
	}
	return m;
}

static uint64_t ns_bit(const char *param)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} t[] = {
		{ "cgroup", SDH_NS_CGROUP }, { "ipc", SDH_NS_IPC },   { "net", SDH_NS_NET },
		{ "mnt", SDH_NS_MNT },       { "pid", SDH_NS_PID },   { "user", SDH_NS_USER },
		{ "uts", SDH_NS_UTS },       { "time", SDH_NS_TIME },
	};
	const char *p = startswith(param, "namespace=");

	for (size_t i = 0; p && i < ELEMENTSOF(t); i++)
		if (streq(p, t[i].name))
			return t[i].bit;
	return 0;
}

/* Where a "bool" row's value comes from, from its parameter text ("PrivateTmp; bad when FALSE"). */
enum bool_source {
	BOOL_INVALID,
	BOOL_PRIVATE_MOUNTS,
	BOOL_FIELD,
	BOOL_AF_BUCKET,
};

static enum bool_source bool_source(const char *param, size_t *ret_off,
				    enum sdh_af_bucket *ret_bucket)
{
	static const struct {
		const char *prefix;
		size_t off;
	} fields[] = {
#define F(name, field) { name, offsetof(struct sdh_settings, field) }
		F("PrivateDevices;", private_devices),
		F("PrivateNetwork;", private_network),
		F("PrivateTmp;", private_tmp),
		F("PrivateUsers;", private_users),
		F("ProtectControlGroups;", protect_control_groups),
		F("ProtectKernelModules;", protect_kernel_modules),
		F("ProtectKernelTunables;", protect_kernel_tunables),
		F("ProtectKernelLogs;", protect_kernel_logs),
		F("ProtectClock;", protect_clock),
		F("ProtectHostname;", protect_hostname),
		F("LockPersonality;", lock_personality),
		F("MemoryDenyWriteExecute;", memory_deny_write_execute),
		F("NoNewPrivileges;", no_new_privileges),
		F("Delegate;", delegate),
		F("RestrictRealtime;", restrict_realtime),
		F("RestrictSUIDSGID;", restrict_suid_sgid),
#undef F
	};
	static const struct {
		const char *prefix;
		enum sdh_af_bucket b;
	} af[] = {
		{ "RestrictAddressFamilies (AF_INET/", SDH_AF_BUCKET_INET },
		{ "RestrictAddressFamilies (AF_UNIX", SDH_AF_BUCKET_UNIX },
		{ "RestrictAddressFamilies (AF_NETLINK", SDH_AF_BUCKET_NETLINK },
		{ "RestrictAddressFamilies (AF_PACKET", SDH_AF_BUCKET_PACKET },
		{ "RestrictAddressFamilies (all other", SDH_AF_BUCKET_OTHER },
	};

	if (startswith(param, "PrivateMounts;"))
		return BOOL_PRIVATE_MOUNTS;
	for (size_t i = 0; i < ELEMENTSOF(fields); i++)
		if (startswith(param, fields[i].prefix)) {
			*ret_off = fields[i].off;
			return BOOL_FIELD;
		}
	for (size_t i = 0; i < ELEMENTSOF(af); i++)
		if (startswith(param, af[i].prefix)) {
			*ret_bucket = af[i].b;
			return BOOL_AF_BUCKET;
		}
	return BOOL_INVALID;
}

enum assess_kind {
	ASSESS_BOOL,
	ASSESS_USER,
	ASSESS_SUPPLEMENTARY_GROUPS,
	ASSESS_REMOVE_IPC,
	ASSESS_PROTECT_HOME,
	ASSESS_PROTECT_SYSTEM,
	ASSESS_ROOT_DIRECTORY,
	ASSESS_CAPABILITY_BOUNDING_SET,
	ASSESS_UMASK,
	ASSESS_KEYRING_MODE,
	ASSESS_PROTECT_PROC,
	ASSESS_PROC_SUBSET,
	ASSESS_NOTIFY_ACCESS,
	ASSESS_RESTRICT_NAMESPACES,
	ASSESS_SYSTEM_CALL_ARCHITECTURES,
	ASSESS_SYSTEM_CALL_FILTER,
	ASSESS_IP_ADDRESS_ALLOW,
	ASSESS_DEVICE_ALLOW,
	ASSESS_AMBIENT_CAPABILITIES,
	ASSESS_INVALID,
};

static const char *const assess_kind_names[ASSESS_INVALID] = {
	[ASSESS_BOOL] = "bool",
	[ASSESS_USER] = "user",
	[ASSESS_SUPPLEMENTARY_GROUPS] = "supplementary_groups",
	[ASSESS_REMOVE_IPC] = "remove_ipc",
	[ASSESS_PROTECT_HOME] = "protect_home",
	[ASSESS_PROTECT_SYSTEM] = "protect_system",
	[ASSESS_ROOT_DIRECTORY] = "root_directory",
	[ASSESS_CAPABILITY_BOUNDING_SET] = "capability_bounding_set",
	[ASSESS_UMASK] = "umask",
	[ASSESS_KEYRING_MODE] = "keyring_mode",
	[ASSESS_PROTECT_PROC] = "protect_proc",
	[ASSESS_PROC_SUBSET] = "proc_subset",
	[ASSESS_NOTIFY_ACCESS] = "notify_access",
	[ASSESS_RESTRICT_NAMESPACES] = "restrict_namespaces",
	[ASSESS_SYSTEM_CALL_ARCHITECTURES] = "system_call_architectures",
	[ASSESS_SYSTEM_CALL_FILTER] = "system_call_filter",
	[ASSESS_IP_ADDRESS_ALLOW] = "ip_address_allow",
	[ASSESS_DEVICE_ALLOW] = "device_allow",
	[ASSESS_AMBIENT_CAPABILITIES] = "ambient_capabilities",
};

/*
 * A check row with its assess_kind and parameter text decoded.  Invalid kinds and parameters are
 * recorded, not refused: systemd only trips over them for rows it actually assesses.
 */
struct compiled_check {
	enum assess_kind kind;
	enum bool_source bool_source;
	size_t bool_off;           /* BOOL_FIELD: offset of the bool in struct sdh_settings */
	enum sdh_af_bucket bucket; /* BOOL_AF_BUCKET */
	bool inverted;             /* "bad when TRUE" (Delegate=) */
	uint64_t caps;             /* capability_bounding_set */
	uint64_t ns;               /* restrict_namespaces */
	const char *group;         /* system_call_filter: points into the parameter, NULL if none */
	/* The text metrics of the row's name and descriptions (good, bad, n/a): see sdh_score_row.
	 */
	struct check_text {
		unsigned len, width, rank;
	} name, text[3];
};

static void compile_check(const struct sdh_check_row *c, struct compiled_check *ret)
{
	*ret = (struct compiled_check){ .kind = ASSESS_INVALID };
	for (size_t k = 0; k < ELEMENTSOF(assess_kind_names); k++)
		if (streq(c->assess_kind, assess_kind_names[k]))
			ret->kind = (enum assess_kind)k;
	switch (ret->kind) {
	case ASSESS_BOOL:
		ret->bool_source = bool_source(c->parameter, &ret->bool_off, &ret->bucket);
		ret->inverted = strstr(c->parameter, "bad when TRUE");
		break;
	case ASSESS_CAPABILITY_BOUNDING_SET: ret->caps = caps_mask(c->parameter); break;
	case ASSESS_RESTRICT_NAMESPACES: ret->ns = ns_bit(c->parameter); break;
	case ASSESS_SYSTEM_CALL_FILTER: ret->group = startswith(c->parameter, "group="); break;
	default: break;
	}
}

static const char *check_text_of(const struct sdh_check_row *c, size_t k)
{
	return k == 0   ? c->name
	       : k == 1 ? c->description_good
	       : k == 2 ? c->description_bad
			: c->description_na;
}

static struct check_text *check_text_slot(struct compiled_check *cc, size_t k)
{
	return k == 0 ? &cc->name : &cc->text[k - 1];
}

struct text_ref {
	const char *s;
	struct check_text *slot;
};

static int cmp_text_ref(const void *x, const void *y)
{
	const struct text_ref *a = x, *b = y;

	return strcmp(a->s, b->s);
}

/*
 * Check tables compiled on first use.  Decoding the kind and parameter of ~80 rows for every unit
 * (a chain of string comparisons, capability names looked up case-insensitively) cost more than
 * assessing them.  The check tables are constant, so their compiled form is too once built: these
 * globals only ever grow, under the lock, and entries are never changed or freed.
 */
#define COMPILED_TABLES_MAX 8

struct compiled_table {
	const struct sdh_check_row *rows;
	struct compiled_check *v;
	const char **descriptions; /* the distinct descriptions of the table, sorted */
	size_t n_descriptions;
};

static struct compiled_table compiled_tables[COMPILED_TABLES_MAX];
static size_t n_compiled_tables;
static pthread_mutex_t compiled_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Measure the names and descriptions of the checks of T and rank them: names among names (0,
 * 1, ...), descriptions among descriptions (2, 4, ...: the odd ranks are for texts in between,
 * see description_rank()), equal strings the same rank.  Sorting then compares two numbers where
 * it compared two strings (which share long prefixes: "Service has ...").
 */
static int rank_texts(struct compiled_table *t, size_t n)
{
	cleanup_free struct text_ref *refs = calloc(MAX(3 * n, (size_t)1), sizeof(*refs));

	if (!refs)
		return -ENOMEM;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t m = 0;
		unsigned rank = 0;

		for (size_t i = 0; i < n; i++)
			for (size_t k = pass ? 1 : 0; k < (pass ? 4U : 1U); k++) {
				const char *text = check_text_of(&t->rows[i], k);
				struct check_text *slot = check_text_slot(&t->v[i], k);

				*slot = (struct check_text){ .rank = SDH_RANK_NONE };
				if (!text)
					continue;
				slot->len = (unsigned)strlen(text);
				slot->width = (unsigned)sdh_text_width(text, slot->len);
				refs[m++] = (struct text_ref){ text, slot };
			}
		qsort(refs, m, sizeof(*refs), cmp_text_ref);
		if (pass == 1 && !(t->descriptions = calloc(MAX(m, (size_t)1), sizeof(char *))))
			return -ENOMEM;
		for (size_t j = 0; j < m; j++) {
			if (j > 0 && !streq(refs[j - 1].s, refs[j].s))
				rank++;
			if (pass == 1 && rank == t->n_descriptions)
				t->descriptions[t->n_descriptions++] = refs[j].s;
			refs[j].slot->rank = pass == 1 ? 2 * rank + 2 : rank;
		}
	}
	return 0;
}

/*
 * The rank of S among the descriptions of T: the rank of the equal one, else the odd number
 * between its neighbours (two texts of one odd rank must still be compared as strings).
 */
static unsigned description_rank(const struct compiled_table *t, const char *s)
{
	size_t lo = 0, hi = t->n_descriptions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(s, t->descriptions[mid]);

		if (r == 0)
			return 2 * (unsigned)mid + 2;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 2 * (unsigned)lo + 1;
}

/*
 * The measures of the assessments' own constant texts ("Service runs as root, option does not
 * matter"...), looked up by address: per thread, so no lock.  NULL when the cache is full.
 */
#define LITERALS_MAX 128U

static const struct check_text *literal_text(const struct compiled_table *t, const char *s)
{
	static __thread struct literal {
		const struct compiled_table *t;
		const char *s;
		struct check_text m;
	} cache[LITERALS_MAX];
	size_t h = ((uintptr_t)s >> 3) % LITERALS_MAX;

	for (size_t k = 0; k < LITERALS_MAX; k++) {
		struct literal *e = &cache[(h + k) % LITERALS_MAX];

		if (e->s == s && e->t == t)
			return &e->m;
		if (e->s)
			continue;
		e->t = t;
		e->s = s;
		e->m.len = (unsigned)strlen(s);
		e->m.width = (unsigned)sdh_text_width(s, e->m.len);
		e->m.rank = description_rank(t, s);
		return &e->m;
	}
	return NULL;
}

/* The compiled form of the N rows at ROWS; NULL on OOM. */
static const struct compiled_table *compiled_checks(const struct sdh_check_row *rows, size_t n)
{
	const struct compiled_table *found = NULL;

	(void)pthread_mutex_lock(&compiled_lock);
	for (size_t i = 0; i < n_compiled_tables && !found; i++)
		if (compiled_tables[i].rows == rows)
			found = &compiled_tables[i];
	if (!found && n_compiled_tables < COMPILED_TABLES_MAX) {
		struct compiled_table *t = &compiled_tables[n_compiled_tables];

		*t = (struct compiled_table){ .rows = rows };
		t->v = calloc(MAX(n, (size_t)1), sizeof(*t->v));
		for (size_t i = 0; t->v && i < n; i++)
			compile_check(&rows[i], &t->v[i]);
		if (t->v && rank_texts(t, n) >= 0) {
			n_compiled_tables++;
			found = t;
		} else {
			free(t->v);
			free(t->descriptions);
			*t = (struct compiled_table){ 0 };
		}
	}
	(void)pthread_mutex_unlock(&compiled_lock);
	return found;
}

static bool bool_value(const struct sdh_settings *s, const struct compiled_check *cc)
{
	switch (cc->bool_source) {
	case BOOL_PRIVATE_MOUNTS:
		/* v254+ copies the unset tri-state (-1) into a bool: unset counts as yes. */
		return s->private_mounts > 0 ||
		       (s->private_mounts < 0 && s->version >= SDH_VERSION(254, 0));
	case BOOL_FIELD: return *(const bool *)((const char *)s + cc->bool_off);
	default: return s->af_restricted[cc->bucket];
	}
}

struct filter_find {
	const struct sdh_settings *s;
	const char *offender;
};

static int find_offender(const struct sdh_syscall_group_member *m, void *userdata)
{
	struct filter_find *f = userdata;
	bool in;

	/* Names the runtime libseccomp cannot resolve natively never count (spec §3.5). */
	if (m->x86_64_syscall_nr < 0)
		return 0;
	in = sdh_settings_syscall_find(f->s, m->x86_64_syscall_nr) != NULL;
	/* Offline: allow-list entries with an errno are holes, not allowed calls (§2.2.1). */
	if (in && f->s->syscall_allow_list &&
	    sdh_settings_syscall_find(f->s, m->x86_64_syscall_nr)->error >= 0)
		in = false;
	if (in == f->s->syscall_allow_list) {
		f->offender = m->member;
		return 1;
	}
	return 0;
}

static int assess_syscall_filter(const struct sdh_settings *s, const char *group, struct eval *e)
{
	struct filter_find f = { .s = s };
	int r;

	if (!group)
		return -EINVAL;
	if (!s->syscall_allow_list && s->n_syscall_filter == 0)
		return dyn(e, 10, "Service does not filter system calls");
	r = sdh_syscall_group_walk(s->version, group, true, find_offender, &f);
	if (r < 0)
		return r;
	if (s->syscall_allow_list)
		return f.offender
			       ? dyn(e, 9,
				     "System call allow list defined for service, and %s is included (e.g. %s is allowed)",
				     group, f.offender)
			       : dyn(e, 0,
				     "System call allow list defined for service, and %s is not included",
				     group);
	return f.offender
		       ? dyn(e, 10,
			     "System call deny list defined for service, and %s is not included (e.g. %s is allowed)",
			     group, f.offender)
		       : dyn(e, 0, "System call deny list defined for service, and %s is included",
			     group);
}

static bool is_localhost(const struct sdh_ip_prefix *p)
{
	static const uint8_t loopback6[16] = { [15] = 1 };

	if (p->family == AF_INET)
		return p->addr[0] == 127;
	return memcmp(p->addr, loopback6, 16) == 0;
}

static int assess_ip(const struct sdh_settings *s, struct eval *e)
{
	bool deny4 = false, deny6 = false, local = false, other = false;

	if (s->ip_ingress_filter_path || s->ip_egress_filter_path)
		return dyn(e, 0,
			   "Service defines custom ingress/egress IP filters with BPF programs");
	for (size_t i = 0; i < s->n_ip_deny; i++)
		if (s->ip_deny[i].prefixlen == 0) {
			deny4 = deny4 || s->ip_deny[i].family == AF_INET;
			deny6 = deny6 || s->ip_deny[i].family == AF_INET6;
		}
	for (size_t i = 0; i < s->n_ip_allow; i++) {
		/* Online (from PID 1) localhost means 127.0.0.0/8 or ::1/128 exactly. */
		bool exact =
			s->origin[SDH_SETTING_IP_ADDRESS_ALLOW].kind != SDH_ORIGIN_PROPERTY ||
			s->ip_allow[i].prefixlen == (s->ip_allow[i].family == AF_INET ? 8U : 128U);

		if (is_localhost(&s->ip_allow[i]) && exact)
			local = true;
		else
			other = true;
	}
	if (!(deny4 && deny6))
		return dyn(e, 10, "Service does not define an IP address allow list");
	if (other)
		return dyn(e, 5,
			   "Service defines IP address allow list with non-localhost entries");
	if (local)
		return dyn(e, 2,
			   "Service defines IP address allow list with only localhost entries");
	return dyn(e, 0, "Service blocks all IP address ranges");
}

static int assess_devices(const struct sdh_settings *s, struct eval *e)
{
	cleanup_free char *list = NULL;

	if (streq_ptr(s->device_policy, "strict") || streq_ptr(s->device_policy, "closed")) {
		if (!s->device_allow)
			return dyn(e, 0, "Service has a minimal device ACL");
		list = strv_join(s->device_allow, " ");
		if (!list)
			return -ENOMEM;
		return dyn(e, 5, "Service has a device ACL with some special devices: %s", list);
	}
	return dyn(e, 10, "Service has no device ACL");
}

static int assess_umask(const struct sdh_settings *s, struct eval *e)
{
	if (!(s->umask & 0002))
		return dyn(e, 10, "Files created by service are world-writable by default");
	if (!(s->umask & 0004))
		return dyn(e, 5, "Files created by service are world-readable by default");
	if (!(s->umask & 0020))
		return dyn(e, 2, "Files created by service are group-writable by default");
	if (!(s->umask & 0040))
		return dyn(e, 1, "Files created by service are group-readable by default");
	return dyn(e, 0,
		   "Files created by service are accessible only by service's own user by default");
}

static int assess(const struct sdh_settings *s, const struct compiled_check *cc, struct eval *e)
{
	e->badness = 0;
	switch (cc->kind) {
	case ASSESS_BOOL:
		if (cc->bool_source == BOOL_INVALID)
			return -EINVAL;
		/* Delegate= is the one inverted row. */
		e->badness = bool_value(s, cc) == cc->inverted;
		return 0;
	case ASSESS_USER:
		if (streq_ptr(s->user, "nobody"))
			return dyn(
				e, 9,
				"Service runs under as 'nobody' user, which should not be used for services");
		if (s->dynamic_user && !is_root_user(s->user))
			return dyn(e, 0, "Service runs under a transient non-root user identity");
		if (s->user && !is_root_user(s->user) && *s->user)
			return dyn(e, 0, "Service runs under a static non-root user identity");
		if (s->version >= SDH_VERSION(258, 0) && s->scope == SDH_SCOPE_USER)
			return dyn(e, 0, "Service runs under the calling user's identity");
		e->badness = 10;
		return 0;
	case ASSESS_SUPPLEMENTARY_GROUPS:
		if (runs_privileged(s))
			e->badness = SDH_BADNESS_NA;
		else
			e->badness = s->supplementary_groups != NULL;
		return 0;
	case ASSESS_REMOVE_IPC:
		if (s->version >= SDH_VERSION(258, 0) && s->scope == SDH_SCOPE_USER) {
			e->badness = SDH_BADNESS_NA;
			e->text = "RemoveIPC= has no effect on per-user services";
			return 0;
		}
		e->badness = runs_privileged(s) ? SDH_BADNESS_NA : !s->remove_ipc;
		return 0;
	case ASSESS_PROTECT_HOME: {
		const char *v = strempty(s->protect_home);

		if (streq(v, "yes"))
			return dyn(e, 0, "Service has no access to home directories");
		if (streq(v, "tmpfs"))
			return dyn(e, 1, "Service has access to fake empty home directories");
		if (streq(v, "read-only"))
			return dyn(e, 5, "Service has read-only access to home directories");
		return dyn(e, 10, "Service has full access to home directories");
	}
	case ASSESS_PROTECT_SYSTEM: {
		const char *v = strempty(s->protect_system);

		if (streq(v, "strict"))
			return dyn(e, 0,
				   "Service has strict read-only access to the OS file hierarchy");
		if (streq(v, "full"))
			return dyn(
				e, 3,
				"Service has very limited write access to the OS file hierarchy");
		if (streq(v, "yes"))
			return dyn(e, 5,
				   "Service has limited write access to the OS file hierarchy");
		return dyn(e, 10, "Service has full access to the OS file hierarchy");
	}
	case ASSESS_ROOT_DIRECTORY: {
		bool dir = !isempty(s->root_directory) && !streq(s->root_directory, "/");
		bool img = !isempty(s->root_image) && !streq(s->root_image, "/");

		e->badness = !dir && !img;
		return 0;
	}
	case ASSESS_CAPABILITY_BOUNDING_SET:
		e->badness = (s->capability_bounding_set & cc->caps) != 0;
		return 0;
	case ASSESS_UMASK: return assess_umask(s, e);
	case ASSESS_KEYRING_MODE: e->badness = !streq_ptr(s->keyring_mode, "private"); return 0;
	case ASSESS_PROTECT_PROC:
		e->badness = streq_ptr(s->protect_proc, "noaccess") ? 1
			     : streq_ptr(s->protect_proc, "invisible") ||
					     streq_ptr(s->protect_proc, "ptraceable")
				     ? 0
				     : 3;
		return 0;
	case ASSESS_PROC_SUBSET: e->badness = !streq_ptr(s->proc_subset, "pid"); return 0;
	case ASSESS_NOTIFY_ACCESS: e->badness = streq_ptr(s->notify_access, "all"); return 0;
	case ASSESS_RESTRICT_NAMESPACES:
		e->badness = (s->restrict_namespaces & cc->ns) != 0;
		return 0;
	case ASSESS_SYSTEM_CALL_ARCHITECTURES:
		if (!s->system_call_architectures)
			return dyn(e, 10, "Service may execute system calls with all ABIs");
		if (strv_length(s->system_call_architectures) == 1 &&
		    streq(s->system_call_architectures[0], "native"))
			return dyn(e, 0, "Service may execute system calls only with native ABI");
		return dyn(e, 8, "Service may execute system calls with multiple ABIs");
	case ASSESS_SYSTEM_CALL_FILTER:
		if (!cc->group)
			return -EINVAL;
		return assess_syscall_filter(s, cc->group, e);
	case ASSESS_IP_ADDRESS_ALLOW: return assess_ip(s, e);
	case ASSESS_DEVICE_ALLOW: return assess_devices(s, e);
	case ASSESS_AMBIENT_CAPABILITIES: e->badness = s->ambient_capabilities != 0; return 0;
	default: return -EINVAL;
	}
}

/* The key's pieces: fixed-size values as they are in memory, strings with their NUL. */
#define KEY_ADD(sb, v) strbuf_add((sb), &(v), sizeof(v))

static void key_add_str(struct strbuf *sb, const char *s)
{
	/* NULL and "" differ: 0xff never starts UTF-8 text. */
	if (s)
		strbuf_add(sb, s, strlen(s) + 1);
	else
		strbuf_addc(sb, (char)0xff);
}

static void key_add_strv(struct strbuf *sb, char *const *l)
{
	size_t n = strv_length(l);

	KEY_ADD(sb, n);
	for (size_t i = 0; i < n; i++)
		key_add_str(sb, l[i]);
}

static void key_add_prefixes(struct strbuf *sb, const struct sdh_ip_prefix *p, size_t n)
{
	KEY_ADD(sb, n);
	for (size_t i = 0; i < n; i++) {
		KEY_ADD(sb, p[i].family);
		KEY_ADD(sb, p[i].prefixlen);
		strbuf_add(sb, p[i].addr, sizeof(p[i].addr));
	}
}

/* How ASSESS_USER and runs_privileged() see User=. */
static uint8_t user_class(const char *u)
{
	return isempty(u) ? 0 : is_root_user(u) ? 1 : streq(u, "nobody") ? 2 : 3;
}

int sdh_score_key(const struct sdh_settings *s, struct strbuf *sb)
{
	/*
	 * What sdh_score_compute() and assess() read of S, no more, so that units that differ
	 * only in what no check looks at (most often the name in User=) share a key; values a
	 * check only classifies are keyed by their class.  A field added to the record must be
	 * looked at here.  (The size is that of LP64 targets; the check stands for all.)
	 */
#if __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8
	_Static_assert(sizeof(struct sdh_settings) == 1672,
		       "struct sdh_settings changed: update sdh_score_key()");
#endif
	const bool device_acl =
		streq_ptr(s->device_policy, "strict") || streq_ptr(s->device_policy, "closed");
	const uint8_t flags[] = {
		/* the bools of ASSESS_BOOL (by offset) and of the other checks */
		s->is_service,
		s->has_exec_context,
		s->has_cgroup_context,
		s->bad_setting,
		s->default_dependencies,
		s->dynamic_user,
		s->no_new_privileges,
		s->lock_personality,
		s->memory_deny_write_execute,
		s->protect_hostname,
		s->private_devices,
		s->private_network,
		s->private_tmp,
		s->private_users,
		s->protect_control_groups,
		s->protect_kernel_modules,
		s->protect_kernel_tunables,
		s->protect_kernel_logs,
		s->protect_clock,
		s->remove_ipc,
		s->restrict_realtime,
		s->restrict_suid_sgid,
		s->delegate,
		s->has_mount_images,
		s->has_encrypted_credentials,
		s->af_allow_list,
		s->af_has_set,
		s->af_restricted[SDH_AF_BUCKET_INET],
		s->af_restricted[SDH_AF_BUCKET_UNIX],
		s->af_restricted[SDH_AF_BUCKET_NETLINK],
		s->af_restricted[SDH_AF_BUCKET_PACKET],
		s->af_restricted[SDH_AF_BUCKET_OTHER],
		s->syscall_allow_list,
		/* classified */
		user_class(s->user),
		s->supplementary_groups != NULL,
		!isempty(s->root_directory) && !streq(s->root_directory, "/"),
		!isempty(s->root_image) && !streq(s->root_image, "/"),
		s->ip_ingress_filter_path != NULL,
		s->ip_egress_filter_path != NULL,
		s->origin[SDH_SETTING_IP_ADDRESS_ALLOW].kind == SDH_ORIGIN_PROPERTY,
		device_acl,
	};
	const int scope = s->scope;
	const unsigned umask = s->umask & 0066; /* the bits assess_umask() tests */
	const bool ambient = s->ambient_capabilities != 0;
	_Static_assert(SDH_AF_BUCKET_MAX == 5, "af_restricted[] changed");

	strbuf_add(sb, flags, sizeof(flags));
	KEY_ADD(sb, s->version);
	KEY_ADD(sb, scope);
	KEY_ADD(sb, s->private_mounts);
	KEY_ADD(sb, umask);
	KEY_ADD(sb, ambient);
	KEY_ADD(sb, s->capability_bounding_set);
	KEY_ADD(sb, s->restrict_namespaces);
	KEY_ADD(sb, s->af_set);
	key_add_str(sb, s->keyring_mode);
	key_add_str(sb, s->protect_proc);
	key_add_str(sb, s->proc_subset);
	key_add_str(sb, s->notify_access);
	key_add_str(sb, s->protect_home);
	key_add_str(sb, s->protect_system);
	key_add_strv(sb, s->system_call_architectures);
	/* The device ACL is in the text, where there is one. */
	if (device_acl)
		key_add_strv(sb, s->device_allow);
	KEY_ADD(sb, s->n_syscall_filter);
	for (size_t i = 0; i < s->n_syscall_filter; i++) {
		KEY_ADD(sb, s->syscall_filter[i].nr);
		KEY_ADD(sb, s->syscall_filter[i].error);
	}
	key_add_prefixes(sb, s->ip_deny, s->n_ip_deny);
	key_add_prefixes(sb, s->ip_allow, s->n_ip_allow);
	return strbuf_error(sb);
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/*
 * format-table's cell comparison (descriptions descending, then names), including the pre-v258
 * handling of empty cells (§5.1).  Two descriptions of the check table compare by rank, which
 * orders them as strcmp() does; any other (dynamic, from a policy) by strcmp().
 */
struct sort_ctx {
	const struct sdh_score_row *rows; /* index 0 is the header */
	bool old_empty;
};

static inline __attribute__((always_inline)) int cmp_rows(size_t a, size_t b,
							  const struct sort_ctx *c)
{
	const struct sdh_score_row *x, *y;
	int r;

	if (a == 0 || b == 0)
		return a == b ? 0 : a == 0 ? -1 : 1;
	x = &c->rows[a - 1];
	y = &c->rows[b - 1];
	if (x->description && y->description) {
		unsigned rx = x->description_rank, ry = y->description_rank;

		if (rx != SDH_RANK_NONE && ry != SDH_RANK_NONE && (rx != ry || !(rx & 1)))
			r = (rx > ry) - (rx < ry);
		else
			r = strcmp(x->description, y->description);
	} else if (c->old_empty)
		r = a < b ? -1 : a > b; /* generic fallback: original order */
	else
		r = !x->description && !y->description ? 0
		    : !x->description                  ? 1
						       : -1; /* v258+: empty sorts greater */
	if (r != 0)
		return -r; /* descending */
	r = (x->name_rank > y->name_rank) - (x->name_rank < y->name_rank);
	if (r != 0)
		return r;
	return a < b ? -1 : a > b;
}

/* glibc's qsort_r for small arrays: top-down merge sort (msort.c), stable on ties. */
static void merge_sort(size_t *v, size_t n, size_t *tmp, const struct sort_ctx *c)
{
	size_t n1 = n / 2, n2 = n - n1, *b1 = v, *b2 = v + n1, *t = tmp;

	if (n <= 1)
		return;
	merge_sort(b1, n1, tmp, c);
	merge_sort(b2, n2, tmp, c);
	while (n1 > 0 && n2 > 0) {
		if (cmp_rows(*b1, *b2, c) <= 0) {
			*t++ = *b1++;
			n1--;
		} else {
			*t++ = *b2++;
			n2--;
		}
	}
	/* Short runs: plain loops, not calls. */
	while (n1 > 0) {
		*t++ = *b1++;
		n1--;
	}
	for (size_t i = 0; i < n - n2; i++)
		v[i] = tmp[i];
}

/* Up to this many rows sort in place on the stack (every check table has fewer). */
#define SORT_STACK_ROWS 128U
/* Ranks below this sort by counting (a check table has a few hundred texts). */
#define RANK_BUCKETS 1024U

/*
 * When every row has a ranked description, cmp_rows() is a total order: descriptions by rank,
 * descending (texts of one odd rank, those between the same two texts of the table, by
 * strcmp()), then names by rank, then the original order.  Any stable sort then gives what the
 * merge sort gives: two counting passes (names, then descriptions) and a short insertion sort
 * of each odd rank held by different texts cost far less than the merge sort's ~500
 * comparisons.  IDX[1..N_ROWS] receives the order; false: a row is not ranked (IDX untouched).
 */
static bool sort_rows_by_rank(const struct sdh_score_row *rows, size_t n_rows, size_t *idx,
			      size_t *tmp)
{
	uint16_t names[RANK_BUCKETS], descriptions[RANK_BUCKETS];
	const char *first[RANK_BUCKETS]; /* of each description rank: the first text */
	unsigned max_name = 0, max_description = 0, mixed[SORT_STACK_ROWS];
	size_t at, n_mixed = 0;

	if (n_rows > SORT_STACK_ROWS)
		return false;
	for (size_t i = 0; i < n_rows; i++) {
		if (!rows[i].description || rows[i].description_rank >= RANK_BUCKETS ||
		    rows[i].name_rank >= RANK_BUCKETS)
			return false;
		max_name = MAX(max_name, rows[i].name_rank);
		max_description = MAX(max_description, rows[i].description_rank);
	}
	memset(names, 0, (max_name + 1) * sizeof(*names));
	memset(descriptions, 0, (max_description + 1) * sizeof(*descriptions));
	for (size_t i = 0; i < n_rows; i++) {
		unsigned d = rows[i].description_rank;

		if (!descriptions[d]++)
			first[d] = rows[i].description;
		else if ((d & 1) && first[d] && first[d] != rows[i].description &&
			 !streq(first[d], rows[i].description)) {
			mixed[n_mixed++] = d;
			first[d] = NULL; /* listed once */
		}
		names[rows[i].name_rank]++;
	}
	/* Names ascending, stable: TMP. */
	at = 0;
	for (unsigned k = 0; k <= max_name; k++) {
		size_t c = names[k];

		names[k] = (uint16_t)at;
		at += c;
	}
	for (size_t i = 0; i < n_rows; i++)
		tmp[names[rows[i].name_rank]++] = i;
	/* Descriptions descending, stable: IDX after the header. */
	at = 1;
	for (unsigned k = max_description + 1; k-- > 0;) {
		size_t c = descriptions[k];

		descriptions[k] = (uint16_t)at;
		at += c;
	}
	for (size_t j = 0; j < n_rows; j++)
		idx[descriptions[rows[tmp[j]].description_rank]++] = tmp[j] + 1;
	/* Each odd rank held by different texts: those texts descending, stable. */
	for (size_t m = 0; m < n_mixed; m++) {
		size_t end = descriptions[mixed[m]], start = end;

		while (start > 1 && rows[idx[start - 1] - 1].description_rank == mixed[m])
			start--;
		for (size_t i = start + 1; i < end; i++) {
			size_t v = idx[i], j = i;

			while (j > start && strcmp(rows[idx[j - 1] - 1].description,
						   rows[v - 1].description) < 0) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = v;
		}
	}
	return true;
}

static int sort_rows(struct sdh_score *sc)
{
	struct sort_ctx c = { .rows = sc->rows, .old_empty = sc->version < SDH_VERSION(258, 0) };
	size_t n = sc->n_rows + 1, stack_idx[2 * SORT_STACK_ROWS];
	struct sdh_score_row stack_rows[SORT_STACK_ROWS];
	cleanup_free size_t *heap_idx = NULL;
	cleanup_free struct sdh_score_row *heap_rows = NULL;
	size_t *idx = stack_idx, *tmp;
	struct sdh_score_row *copy = stack_rows;

	if (n > SORT_STACK_ROWS) {
		heap_idx = malloc(2 * n * sizeof(*heap_idx));
		heap_rows = malloc(n * sizeof(*heap_rows));
		if (!heap_idx || !heap_rows)
			return -ENOMEM;
		idx = heap_idx;
		copy = heap_rows;
	}
	tmp = idx + n;
	idx[0] = 0;
	if (!sort_rows_by_rank(sc->rows, sc->n_rows, idx, tmp)) {
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
		merge_sort(idx, n, tmp, &c);
	}
	memcpy(copy, sc->rows, sc->n_rows * sizeof(*copy));
	for (size_t i = 1; i < n; i++)
		sc->rows[i - 1] = copy[idx[i] - 1];
	return 0;
}

/*
 * What sorting and rendering need of ROW's texts: from the check table's measures where it can
 * (LITERAL: the description is a constant of the assessment, not formatted).
 */
static void set_text_metrics(struct sdh_score_row *row, const struct compiled_table *t, size_t i,
			     bool literal)
{
	const struct sdh_check_row *c = &t->rows[i];
	const struct compiled_check *cc = &t->v[i];
	const struct check_text *m = NULL;

	row->name_len = cc->name.len;
	row->name_width = cc->name.width;
	row->name_rank = cc->name.rank;
	for (size_t k = 1; k < 4 && !m; k++)
		if (row->description && row->description == check_text_of(c, k))
			m = &cc->text[k - 1];
	if (!m && literal)
		m = literal_text(t, row->description);
	if (m) {
		row->description_len = m->len;
		row->description_width = m->width;
		row->description_rank = m->rank;
		return;
	}
	/* A formatted text (or a policy's): ranked here, so the rows still sort by counting. */
	row->description_rank =
		row->description ? description_rank(t, row->description) : SDH_RANK_NONE;
	row->description_len = row->description ? (unsigned)strlen(row->description) : 0;
	row->description_width =
		row->description ? (unsigned)sdh_text_width(row->description, row->description_len)
				 : 0;
}

int sdh_score_compute(const struct sdh_settings *s, const struct sdh_policy *policy,
		      struct sdh_score **ret)
{
	size_t n;
	const struct sdh_check_row *checks;
	const struct compiled_table *compiled;
	struct sdh_score *sc;
	uint64_t W = 0, B = 0;
	int r;

	if (!s || !ret)
		return -EINVAL;
	checks = sdh_checks(s->version, &n);
	compiled = compiled_checks(checks, n);
	if (!compiled)
		return -ENOMEM;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->version = s->version;
	sc->id = strdup(s->id);
	sc->rows = calloc(n, sizeof(*sc->rows));
	if (!sc->id || !sc->rows ||
	    (s->fragment_path && !(sc->fragment_path = strdup(s->fragment_path)))) {
		sdh_score_free(sc);
		return -ENOMEM;
	}
	sc->n_rows = n;
	for (size_t i = 0; i < n; i++) {
		const struct sdh_check_row *c = &checks[i];
		const struct sdh_policy_entry *pe = sdh_policy_find(policy, c->json_field);
		struct sdh_score_row *row = &sc->rows[i];
		struct eval e = { 0 };
		const char *good = c->description_good, *bad = c->description_bad,
			   *na = c->description_na;

		row->check = c;
		row->order = (unsigned)i;
		row->weight = pe && pe->has_weight ? pe->weight : c->weight;
		row->range = pe && pe->has_range ? pe->range : c->range;
		if (pe) {
			good = pe->description_good ? pe->description_good : good;
			bad = pe->description_bad ? pe->description_bad : bad;
			na = pe->description_na ? pe->description_na : na;
		}
		if (c->default_dependencies_only && !s->default_dependencies) {
			e.badness = SDH_BADNESS_NA;
			e.text = "Service runs in special boot phase, option is not appropriate";
			r = 0;
		} else if (row->weight == 0) {
			e.badness = SDH_BADNESS_NA;
			e.text = "Option excluded by policy, skipping";
			r = 0;
		} else
			r = assess(s, &compiled->v[i], &e);
		if (r < 0) {
			free(e.dyn);
			sdh_score_free(sc);
			return r;
		}
		row->badness = e.badness;
		row->dyn = e.dyn;
		if (e.badness == SDH_BADNESS_NA) {
			row->set = -1;
			row->description = na;
		} else if (e.badness == c->range) {
			row->set = 0;
			row->description = bad;
		} else if (e.badness == 0) {
			row->set = 1;
			row->description = good;
		} else {
			row->set = 0;
			row->description = NULL;
		}
		if (e.dyn || e.text)
			row->description = e.dyn ? e.dyn : e.text;
		set_text_metrics(row, compiled, i, e.text && !e.dyn);
		if (e.badness != SDH_BADNESS_NA) {
			/* systemd asserts badness <= range; a policy can break that. */
			if (row->range == 0 || e.badness > row->range) {
				sdh_score_free(sc);
				return -ERANGE;
			}
			W += row->weight;
			B += div_up(e.badness * row->weight, row->range);
		}
	}
	if (W == 0) {
		sdh_score_free(sc);
		return -ERANGE;
	}
	for (size_t i = 0; i < n; i++) {
		struct sdh_score_row *row = &sc->rows[i];

		if (row->badness == SDH_BADNESS_NA || row->badness == 0)
			continue;
		row->has_exposure = true;
		row->exposure =
			(unsigned)div_up(div_up(row->badness * row->weight * 100, row->range), W);
	}
	sc->exposure = (unsigned)div_up(100 * B, W);
	r = sort_rows(sc);
	if (r < 0) {
		sdh_score_free(sc);
		return r;
	}
	*ret = sc;
	return 0;
}

void sdh_score_drop_rows(struct sdh_score *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->n_rows; i++)
		free(sc->rows[i].dyn);
	free(sc->rows);
	free(sc->fragment_path);
	sc->rows = NULL;
	sc->n_rows = 0;
	sc->fragment_path = NULL;
}

struct sdh_score *sdh_score_free(struct sdh_score *sc)
{
	if (!sc)
		return NULL;
	sdh_score_drop_rows(sc);
	free(sc->id);
	free(sc);
	return NULL;
}

const struct sdh_score_row *sdh_score_find(const struct sdh_score *sc, const char *json_field)
{
	for (size_t i = 0; i < sc->n_rows; i++)
		if (streq(sc->rows[i].check->json_field, json_field))
			return &sc->rows[i];
	return NULL;
}

static const struct {
	unsigned min;
	const char *name, *emoji, *ascii;
} levels[] = {
	{ 100, "DANGEROUS", "\xf0\x9f\xa4\xa2", ":-[" },
	{ 90, "UNSAFE", "\xf0\x9f\x98\xa8", ":-{" },
	{ 75, "EXPOSED", "\xf0\x9f\x99\x81", ":-(" },
	{ 50, "MEDIUM", "\xf0\x9f\x98\x90", ":-|" },
	{ 10, "OK", "\xf0\x9f\x99\x82", ":-)" },
	{ 1, "SAFE", "\xf0\x9f\x98\x80", ":-}" },
	{ 0, "PERFECT", "\xf0\x9f\x98\x87", ":-]" },
};

const char *sdh_exposure_predicate(unsigned exposure)
{
	for (size_t i = 0; i < ELEMENTSOF(levels); i++)
		if (exposure >= levels[i].min)
			return levels[i].name;
	return levels[ELEMENTSOF(levels) - 1].name;
}

const char *sdh_exposure_smiley(unsigned exposure, bool emoji)
{
	for (size_t i = 0; i < ELEMENTSOF(levels); i++)
		if (exposure >= levels[i].min)
			return emoji ? levels[i].emoji : levels[i].ascii;
	return emoji ? levels[ELEMENTSOF(levels) - 1].emoji : levels[ELEMENTSOF(levels) - 1].ascii;
}
