/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The effective security record (include/sdharden/settings.h): defaults, field names, the
 * syscall map and formatting.  Parsing of the assignment stream lives in settings-parse.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

static const char *const setting_names[SDH_SETTING_MAX] = {
	[SDH_SETTING_USER] = "User",
	[SDH_SETTING_DYNAMIC_USER] = "DynamicUser",
	[SDH_SETTING_SUPPLEMENTARY_GROUPS] = "SupplementaryGroups",
	[SDH_SETTING_CAPABILITY_BOUNDING_SET] = "CapabilityBoundingSet",
	[SDH_SETTING_AMBIENT_CAPABILITIES] = "AmbientCapabilities",
	[SDH_SETTING_NO_NEW_PRIVILEGES] = "NoNewPrivileges",
	[SDH_SETTING_LOCK_PERSONALITY] = "LockPersonality",
	[SDH_SETTING_MEMORY_DENY_WRITE_EXECUTE] = "MemoryDenyWriteExecute",
	[SDH_SETTING_PROTECT_HOSTNAME] = "ProtectHostname",
	[SDH_SETTING_PRIVATE_DEVICES] = "PrivateDevices",
	[SDH_SETTING_PRIVATE_MOUNTS] = "PrivateMounts",
	[SDH_SETTING_PRIVATE_NETWORK] = "PrivateNetwork",
	[SDH_SETTING_PRIVATE_TMP] = "PrivateTmp",
	[SDH_SETTING_PRIVATE_USERS] = "PrivateUsers",
	[SDH_SETTING_PROTECT_CONTROL_GROUPS] = "ProtectControlGroups",
	[SDH_SETTING_PROTECT_KERNEL_MODULES] = "ProtectKernelModules",
	[SDH_SETTING_PROTECT_KERNEL_TUNABLES] = "ProtectKernelTunables",
	[SDH_SETTING_PROTECT_KERNEL_LOGS] = "ProtectKernelLogs",
	[SDH_SETTING_PROTECT_CLOCK] = "ProtectClock",
	[SDH_SETTING_REMOVE_IPC] = "RemoveIPC",
	[SDH_SETTING_RESTRICT_REALTIME] = "RestrictRealtime",
	[SDH_SETTING_RESTRICT_SUID_SGID] = "RestrictSUIDSGID",
	[SDH_SETTING_DELEGATE] = "Delegate",
	[SDH_SETTING_KEYRING_MODE] = "KeyringMode",
	[SDH_SETTING_PROTECT_PROC] = "ProtectProc",
	[SDH_SETTING_PROC_SUBSET] = "ProcSubset",
	[SDH_SETTING_NOTIFY_ACCESS] = "NotifyAccess",
	[SDH_SETTING_PROTECT_HOME] = "ProtectHome",
	[SDH_SETTING_PROTECT_SYSTEM] = "ProtectSystem",
	[SDH_SETTING_ROOT_DIRECTORY] = "RootDirectory",
	[SDH_SETTING_ROOT_IMAGE] = "RootImage",
	[SDH_SETTING_UMASK] = "UMask",
	[SDH_SETTING_RESTRICT_NAMESPACES] = "RestrictNamespaces",
	[SDH_SETTING_RESTRICT_ADDRESS_FAMILIES] = "RestrictAddressFamilies",
	[SDH_SETTING_SYSTEM_CALL_ARCHITECTURES] = "SystemCallArchitectures",
	[SDH_SETTING_SYSTEM_CALL_FILTER] = "SystemCallFilter",
	[SDH_SETTING_IP_ADDRESS_DENY] = "IPAddressDeny",
	[SDH_SETTING_IP_ADDRESS_ALLOW] = "IPAddressAllow",
	[SDH_SETTING_IP_INGRESS_FILTER_PATH] = "IPIngressFilterPath",
	[SDH_SETTING_IP_EGRESS_FILTER_PATH] = "IPEgressFilterPath",
	[SDH_SETTING_DEVICE_POLICY] = "DevicePolicy",
	[SDH_SETTING_DEVICE_ALLOW] = "DeviceAllow",
	[SDH_SETTING_DEFAULT_DEPENDENCIES] = "DefaultDependencies",
};

const char *sdh_setting_to_string(enum sdh_setting f)
{
	return (unsigned)f < SDH_SETTING_MAX ? setting_names[f] : NULL;
}

/*
 * Names to settings, for every assignment of every unit: an open-addressing table keyed by a
 * hash of the ASCII-folded name (strcasecmp() confirms), filled once.  Slots hold setting + 1.
 */
#define SETTING_SLOTS 128U
static uint8_t setting_slots[SETTING_SLOTS];
static pthread_once_t setting_slots_once = PTHREAD_ONCE_INIT;

static unsigned setting_hash(const char *s)
{
	unsigned h = 2166136261U;

	for (; *s; s++)
		h = (h ^ ((unsigned char)*s | 0x20)) * 16777619U;
	return h & (SETTING_SLOTS - 1);
}

static void setting_slots_fill(void)
{
	for (unsigned i = 0; i < SDH_SETTING_MAX; i++) {
		unsigned h = setting_hash(setting_names[i]);

		while (setting_slots[h])
			h = (h + 1) & (SETTING_SLOTS - 1);
		setting_slots[h] = (uint8_t)(i + 1);
	}
}

int sdh_setting_from_string(const char *name)
{
	_Static_assert(SDH_SETTING_MAX < SETTING_SLOTS / 2, "SETTING_SLOTS too small");
	if (!name)
		return -EINVAL;
	(void)pthread_once(&setting_slots_once, setting_slots_fill);
	for (unsigned h = setting_hash(name); setting_slots[h]; h = (h + 1) & (SETTING_SLOTS - 1))
		if (strcasecmp(name, setting_names[setting_slots[h] - 1]) == 0)
			return setting_slots[h] - 1;
	return -EINVAL;
}

struct sdh_settings *sdh_settings_new(const char *id, unsigned version, enum sdh_scope scope,
				      unsigned umask_user)
{
	struct sdh_settings *s;
	const char *dot;

	if (!id || !(dot = strrchr(id, '.')))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->id = strdup(id);
	if (!s->id)
		return sdh_settings_free(s);
	s->version = version;
	s->scope = scope;
	s->is_service = streq(dot, ".service");
	s->has_exec_context = s->is_service || streq(dot, ".socket") || streq(dot, ".mount") ||
			      streq(dot, ".swap");
	s->has_cgroup_context = s->has_exec_context || streq(dot, ".slice") || streq(dot, ".scope");
	s->default_dependencies = true;
	s->capability_bounding_set = UINT64_MAX;
	s->private_mounts = -1;
	s->restrict_namespaces = SDH_NS_UNSET;
	s->umask = 0002; /* what the analyser reports without an exec context */

	if (s->has_exec_context) {
		/* Exec context defaults (systemd exec_context_init()). */
		s->umask = scope == SDH_SCOPE_USER ? umask_user : 0022;
		s->keyring_mode = strdup(scope == SDH_SCOPE_USER ? "inherit"
					 : s->is_service         ? "private"
								 : "shared");
		s->protect_proc = strdup("default");
		s->proc_subset = strdup("all");
		s->protect_home = strdup("no");
		s->protect_system = strdup("no");
		if (!s->keyring_mode || !s->protect_proc || !s->proc_subset || !s->protect_home ||
		    !s->protect_system)
			return sdh_settings_free(s);
	}
	if (s->is_service && !(s->notify_access = strdup("none")))
		return sdh_settings_free(s);
	if (s->has_cgroup_context && !(s->device_policy = strdup("auto")))
		return sdh_settings_free(s);
	return s;
}

struct sdh_settings *sdh_settings_free(struct sdh_settings *s)
{
	if (!s)
		return NULL;
	free(s->id);
	free(s->fragment_path);
	free(s->user);
	strv_free(s->supplementary_groups);
	free(s->keyring_mode);
	free(s->protect_proc);
	free(s->proc_subset);
	free(s->notify_access);
	free(s->protect_home);
	free(s->protect_system);
	free(s->root_directory);
	free(s->root_image);
	strv_free(s->system_call_architectures);
	free(s->syscall_filter);
	free(s->ip_deny);
	free(s->ip_allow);
	strv_free(s->ip_ingress_filter_path);
	strv_free(s->ip_egress_filter_path);
	free(s->device_policy);
	strv_free(s->device_allow);
	for (unsigned i = 0; i < SDH_SETTING_MAX; i++)
		free(s->origin[i].file);
	free(s);
	return NULL;
}

int sdh_settings_set_origin_file(struct sdh_settings *s, enum sdh_setting f, const char *file,
				 unsigned line)
{
	char *c = NULL;

	if (file && !(c = strdup(file)))
		return -ENOMEM;
	free(s->origin[f].file);
	s->origin[f] = (struct sdh_origin){ .kind = SDH_ORIGIN_FILE, .file = c, .line = line };
	return 0;
}

void sdh_settings_set_origin_implied(struct sdh_settings *s, enum sdh_setting f,
				     const char *implied_by)
{
	free(s->origin[f].file);
	s->origin[f] = (struct sdh_origin){ .kind = SDH_ORIGIN_IMPLIED, .implied_by = implied_by };
}

/* Binary search: index of NR or of where it would be inserted. */
static size_t syscall_pos(const struct sdh_settings *s, int nr, bool *found)
{
	size_t lo = 0, hi = s->n_syscall_filter;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->syscall_filter[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n_syscall_filter && s->syscall_filter[lo].nr == nr;
	return lo;
}

const struct sdh_syscall_entry *sdh_settings_syscall_find(const struct sdh_settings *s, int nr)
{
	bool found;
	size_t i = syscall_pos(s, nr, &found);

	return found ? &s->syscall_filter[i] : NULL;
}

int sdh_settings_syscall_set(struct sdh_settings *s, int nr, int error)
{
	bool found;
	size_t i = syscall_pos(s, nr, &found);
	struct sdh_syscall_entry *n;

	if (found) {
		s->syscall_filter[i].error = error;
		return 0;
	}
	/* Grow in chunks: allow lists start with the ~100 members of @default. */
	if ((s->n_syscall_filter & 127) == 0) {
		n = realloc(s->syscall_filter, (s->n_syscall_filter + 128) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->syscall_filter = n;
	}
	memmove(s->syscall_filter + i + 1, s->syscall_filter + i,
		(s->n_syscall_filter - i) * sizeof(*s->syscall_filter));
	s->syscall_filter[i] = (struct sdh_syscall_entry){ .nr = nr, .error = error };
	s->n_syscall_filter++;
	return 0;
}

void sdh_settings_syscall_remove(struct sdh_settings *s, int nr)
{
	bool found;
	size_t i = syscall_pos(s, nr, &found);

	if (!found)
		return;
	memmove(s->syscall_filter + i, s->syscall_filter + i + 1,
		(s->n_syscall_filter - i - 1) * sizeof(*s->syscall_filter));
	s->n_syscall_filter--;
}

/* Which bucket a family scores in is data: the security_bucket column of address-families.tsv. */
static enum sdh_af_bucket af_bucket(const struct sdh_address_family *af)
{
	static const char *const names[SDH_AF_BUCKET_MAX] = {
		[SDH_AF_BUCKET_INET] = "inet",       [SDH_AF_BUCKET_UNIX] = "unix",
		[SDH_AF_BUCKET_NETLINK] = "netlink", [SDH_AF_BUCKET_PACKET] = "packet",
		[SDH_AF_BUCKET_OTHER] = "other",
	};

	for (unsigned b = 0; b < SDH_AF_BUCKET_MAX; b++)
		if (streq(af->security_bucket, names[b]))
			return (enum sdh_af_bucket)b;
	return SDH_AF_BUCKET_OTHER;
}

void sdh_settings_update_af_buckets(struct sdh_settings *s)
{
	size_t n;
	const struct sdh_address_family *t = sdh_address_family_table(&n);

	for (unsigned b = 0; b < SDH_AF_BUCKET_MAX; b++)
		s->af_restricted[b] = s->af_allow_list;
	if (!s->af_has_set)
		return;
	/* The set only ever holds families of this table (aliases share a number and a bucket). */
	for (size_t i = 0; i < n; i++)
		if (t[i].number < 64 && (s->af_set & (UINT64_C(1) << t[i].number)))
			s->af_restricted[af_bucket(&t[i])] = !s->af_allow_list;
}

static void add_caps(struct strbuf *sb, uint64_t mask)
{
	size_t n;
	const struct sdh_capability *t = sdh_capability_table(&n);
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *lower = NULL;

		if (!(mask & (UINT64_C(1) << t[i].number)))
			continue;
		lower = strdup(t[i].name);
		if (!lower) {
			sb->oom = true;
			return;
		}
		strbuf_addf(sb, "%s%s", first ? "" : " ", ascii_strlower(lower));
		first = false;
	}
}

static const char *af_name(unsigned nr)
{
	size_t n;
	const struct sdh_address_family *t = sdh_address_family_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].number == nr && !t[i].alias_of)
			return t[i].name;
	return NULL;
}

static void add_prefixes(struct strbuf *sb, const struct sdh_ip_prefix *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[INET6_ADDRSTRLEN];

		if (!inet_ntop(p[i].family, p[i].addr, buf, sizeof(buf)))
			continue;
		strbuf_addf(sb, "%s%s/%u", i ? " " : "", buf, p[i].prefixlen);
	}
}

static void add_strv(struct strbuf *sb, char *const *l)
{
	bool first = true;

	STRV_FOREACH(x, l) {
		strbuf_addf(sb, "%s%s", first ? "" : " ", *x);
		first = false;
	}
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

char *sdh_settings_format(const struct sdh_settings *s, enum sdh_setting f)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	switch (f) {
	case SDH_SETTING_USER: strbuf_adds(&sb, strempty(s->user)); break;
	case SDH_SETTING_DYNAMIC_USER: strbuf_adds(&sb, yes_no(s->dynamic_user)); break;
	case SDH_SETTING_SUPPLEMENTARY_GROUPS: add_strv(&sb, s->supplementary_groups); break;
	case SDH_SETTING_CAPABILITY_BOUNDING_SET: add_caps(&sb, s->capability_bounding_set); break;
	case SDH_SETTING_AMBIENT_CAPABILITIES: add_caps(&sb, s->ambient_capabilities); break;
	case SDH_SETTING_NO_NEW_PRIVILEGES: strbuf_adds(&sb, yes_no(s->no_new_privileges)); break;
	case SDH_SETTING_LOCK_PERSONALITY: strbuf_adds(&sb, yes_no(s->lock_personality)); break;
	case SDH_SETTING_MEMORY_DENY_WRITE_EXECUTE:
		strbuf_adds(&sb, yes_no(s->memory_deny_write_execute));
		break;
	case SDH_SETTING_PROTECT_HOSTNAME: strbuf_adds(&sb, yes_no(s->protect_hostname)); break;
	case SDH_SETTING_PRIVATE_DEVICES: strbuf_adds(&sb, yes_no(s->private_devices)); break;
	case SDH_SETTING_PRIVATE_MOUNTS:
		strbuf_adds(&sb, s->private_mounts < 0 ? "" : yes_no(s->private_mounts > 0));
		break;
	case SDH_SETTING_PRIVATE_NETWORK: strbuf_adds(&sb, yes_no(s->private_network)); break;
	case SDH_SETTING_PRIVATE_TMP: strbuf_adds(&sb, yes_no(s->private_tmp)); break;
	case SDH_SETTING_PRIVATE_USERS: strbuf_adds(&sb, yes_no(s->private_users)); break;
	case SDH_SETTING_PROTECT_CONTROL_GROUPS:
		strbuf_adds(&sb, yes_no(s->protect_control_groups));
		break;
	case SDH_SETTING_PROTECT_KERNEL_MODULES:
		strbuf_adds(&sb, yes_no(s->protect_kernel_modules));
		break;
	case SDH_SETTING_PROTECT_KERNEL_TUNABLES:
		strbuf_adds(&sb, yes_no(s->protect_kernel_tunables));
		break;
	case SDH_SETTING_PROTECT_KERNEL_LOGS:
		strbuf_adds(&sb, yes_no(s->protect_kernel_logs));
		break;
	case SDH_SETTING_PROTECT_CLOCK: strbuf_adds(&sb, yes_no(s->protect_clock)); break;
	case SDH_SETTING_REMOVE_IPC: strbuf_adds(&sb, yes_no(s->remove_ipc)); break;
	case SDH_SETTING_RESTRICT_REALTIME: strbuf_adds(&sb, yes_no(s->restrict_realtime)); break;
	case SDH_SETTING_RESTRICT_SUID_SGID: strbuf_adds(&sb, yes_no(s->restrict_suid_sgid)); break;
	case SDH_SETTING_DELEGATE: strbuf_adds(&sb, yes_no(s->delegate)); break;
	case SDH_SETTING_KEYRING_MODE: strbuf_adds(&sb, strempty(s->keyring_mode)); break;
	case SDH_SETTING_PROTECT_PROC: strbuf_adds(&sb, strempty(s->protect_proc)); break;
	case SDH_SETTING_PROC_SUBSET: strbuf_adds(&sb, strempty(s->proc_subset)); break;
	case SDH_SETTING_NOTIFY_ACCESS: strbuf_adds(&sb, strempty(s->notify_access)); break;
	case SDH_SETTING_PROTECT_HOME: strbuf_adds(&sb, strempty(s->protect_home)); break;
	case SDH_SETTING_PROTECT_SYSTEM: strbuf_adds(&sb, strempty(s->protect_system)); break;
	case SDH_SETTING_ROOT_DIRECTORY: strbuf_adds(&sb, strempty(s->root_directory)); break;
	case SDH_SETTING_ROOT_IMAGE: strbuf_adds(&sb, strempty(s->root_image)); break;
	case SDH_SETTING_UMASK: strbuf_addf(&sb, "%04o", s->umask); break;
	case SDH_SETTING_RESTRICT_NAMESPACES: {
		static const struct {
			const char *name;
			uint64_t bit;
		} ns[] = {
			{ "cgroup", SDH_NS_CGROUP }, { "ipc", SDH_NS_IPC },
			{ "net", SDH_NS_NET },       { "mnt", SDH_NS_MNT },
			{ "pid", SDH_NS_PID },       { "user", SDH_NS_USER },
			{ "uts", SDH_NS_UTS },       { "time", SDH_NS_TIME },
		};
		bool first = true;

		if (s->restrict_namespaces == SDH_NS_UNSET)
			break;
		/* Print the allowed types, like `systemctl show` does. */
		for (size_t i = 0; i < ELEMENTSOF(ns); i++)
			if (s->restrict_namespaces & ns[i].bit) {
				strbuf_addf(&sb, "%s%s", first ? "" : " ", ns[i].name);
				first = false;
			}
		if (first)
			strbuf_adds(&sb, "yes");
		break;
	}
	case SDH_SETTING_RESTRICT_ADDRESS_FAMILIES:
		if (!s->af_has_set) {
			strbuf_adds(&sb, s->af_allow_list ? "none" : "");
			break;
		}
		if (!s->af_allow_list)
			strbuf_addc(&sb, '~');
		for (unsigned af = 0, first = 1; af < 64; af++) {
			const char *n = af_name(af);

			if (!(s->af_set & (UINT64_C(1) << af)) || !n)
				continue;
			strbuf_addf(&sb, "%s%s", first ? "" : " ", n);
			first = 0;
		}
		break;
	case SDH_SETTING_SYSTEM_CALL_ARCHITECTURES:
		add_strv(&sb, s->system_call_architectures);
		break;
	case SDH_SETTING_SYSTEM_CALL_FILTER:
		if (!s->syscall_allow_list && s->n_syscall_filter == 0)
			break;
		if (!s->syscall_allow_list)
			strbuf_addc(&sb, '~');
		for (size_t i = 0; i < s->n_syscall_filter; i++) {
			const struct sdh_syscall_entry *e = &s->syscall_filter[i];
			cleanup_free char *name =
				seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, e->nr);

			if (i > 0)
				strbuf_addc(&sb, ' ');
			if (name)
				strbuf_adds(&sb, name);
			else
				strbuf_addf(&sb, "%d", e->nr);
			if (e->error >= 0)
				strbuf_addf(&sb, ":%d", e->error);
		}
		break;
	case SDH_SETTING_IP_ADDRESS_DENY: add_prefixes(&sb, s->ip_deny, s->n_ip_deny); break;
	case SDH_SETTING_IP_ADDRESS_ALLOW: add_prefixes(&sb, s->ip_allow, s->n_ip_allow); break;
	case SDH_SETTING_IP_INGRESS_FILTER_PATH: add_strv(&sb, s->ip_ingress_filter_path); break;
	case SDH_SETTING_IP_EGRESS_FILTER_PATH: add_strv(&sb, s->ip_egress_filter_path); break;
	case SDH_SETTING_DEVICE_POLICY: strbuf_adds(&sb, strempty(s->device_policy)); break;
	case SDH_SETTING_DEVICE_ALLOW: add_strv(&sb, s->device_allow); break;
	case SDH_SETTING_DEFAULT_DEPENDENCIES:
		strbuf_adds(&sb, yes_no(s->default_dependencies));
		break;
	default: return NULL;
	}
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}

char *sdh_origin_format(const struct sdh_origin *o)
{
	char *r = NULL;

	switch (o->kind) {
	case SDH_ORIGIN_FILE:
		if (asprintf(&r, "%s:%u", strempty(o->file), o->line) < 0)
			return NULL;
		return r;
	case SDH_ORIGIN_IMPLIED:
		if (asprintf(&r, "implied by %s", strempty(o->implied_by)) < 0)
			return NULL;
		return r;
	case SDH_ORIGIN_PROPERTY: return strdup("property");
	default: return strdup("default");
	}
}
