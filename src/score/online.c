/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Online mode (include/sdharden/online.h): one GetAll over D-Bus on the unit's object, every
 * property systemd-analyze security reads mapped onto struct sdh_settings with the same
 * semantics (exposure-spec.md §6.4), then the two post-load steps it applies itself.
 */
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "basic/bus-util.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "sdharden/kb.h"
#include "sdharden/online.h"
#include "sdharden/settings.h"

#define UNIT_PATH_PREFIX "/org/freedesktop/systemd1/unit"

/* Capability numbers (linux/capability.h) the post-load step clears. */
#define CAP_BIT(n)        (UINT64_C(1) << (n))
#define CAP_MKNOD_NR      27
#define CAP_SYS_RAWIO_NR  17
#define CAP_SYS_MODULE_NR 16
#define CAP_SYSLOG_NR     34
#define CAP_SYS_TIME_NR   25
#define CAP_WAKE_ALARM_NR 35

/* What the manager reports besides the record: needed to refuse or skip a unit. */
struct bus_unit {
	struct sdh_settings *s;
	char *load_state;
	char *type;
};

static int set_string(char **field, const char *v)
{
	char *c = NULL;

	/* sd-bus maps of systemd (BUS_MAP_STRDUP) turn "" into NULL: so do we. */
	if (!isempty(v) && !(c = strdup(v)))
		return -ENOMEM;
	free(*field);
	*field = c;
	return 0;
}

static int read_string(sd_bus_message *m, char **field)
{
	const char *v;
	int r = sd_bus_message_read_basic(m, 's', &v);

	return r < 0 ? r : set_string(field, v);
}

static int read_strv(sd_bus_message *m, char ***field)
{
	cleanup_strv char **l = NULL;
	int r = sd_bus_message_read_strv(m, &l);

	if (r < 0)
		return r;
	strv_free(*field);
	*field = strv_length(l) > 0 ? TAKE_PTR(l) : NULL; /* empty = unset, as offline */
	return 0;
}

/* "(bas)": RestrictAddressFamilies: allow-list flag + names; buckets as the analyser derives them.
 */
static int read_address_families(sd_bus_message *m, struct sdh_settings *s)
{
	bool unknown = false;
	int allow, r;

	r = sd_bus_message_enter_container(m, 'r', "bas");
	if (r < 0)
		return r;
	r = sd_bus_message_read_basic(m, 'b', &allow);
	if (r < 0)
		return r;
	s->af_allow_list = allow;
	s->af_has_set = false;
	s->af_set = 0;
	r = sd_bus_message_enter_container(m, 'a', "s");
	if (r < 0)
		return r;
	for (;;) {
		const struct sdh_address_family *af;
		const char *name;

		r = sd_bus_message_read_basic(m, 's', &name);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		af = sdh_address_family_lookup(name);
		if (af && af->number > 0 && af->number < 64) {
			s->af_has_set = true;
			s->af_set |= UINT64_C(1) << af->number;
		} else
			unknown = true;
	}
	/* The buckets as offline; a family the knowledge base lacks is an exotic one. */
	sdh_settings_update_af_buckets(s);
	if (unknown)
		s->af_restricted[SDH_AF_BUCKET_OTHER] = !allow;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/*
 * "(bas)": SystemCallFilter: allow-list flag + "name" or "name:errno".  The analyser strips the
 * suffix and takes every entry, so an allow-list's errno holes count as allowed: keep no errno.
 */
static int read_syscall_filter(sd_bus_message *m, struct sdh_settings *s)
{
	int allow, r;

	r = sd_bus_message_enter_container(m, 'r', "bas");
	if (r < 0)
		return r;
	r = sd_bus_message_read_basic(m, 'b', &allow);
	if (r < 0)
		return r;
	s->syscall_allow_list = allow;
	free(s->syscall_filter);
	s->syscall_filter = NULL;
	s->n_syscall_filter = 0;
	r = sd_bus_message_enter_container(m, 'a', "s");
	if (r < 0)
		return r;
	for (;;) {
		cleanup_free char *name = NULL;
		const char *v;
		char *colon;
		int nr;

		r = sd_bus_message_read_basic(m, 's', &v);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		name = strdup(v);
		if (!name)
			return -ENOMEM;
		colon = strchr(name, ':');
		if (colon)
			*colon = '\0';
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue; /* the manager named it, so it exists; libseccomp is older */
		r = sdh_settings_syscall_set(s, nr, -1);
		if (r < 0)
			return r;
	}
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* "a(iayu)": IPAddressAllow= / IPAddressDeny=, kept as prefixes (the scorer buckets them). */
static int read_ip_prefixes(sd_bus_message *m, struct sdh_ip_prefix **l, size_t *n)
{
	int r;

	free(*l);
	*l = NULL;
	*n = 0;
	r = sd_bus_message_enter_container(m, 'a', "(iayu)");
	if (r < 0)
		return r;
	for (;;) {
		struct sdh_ip_prefix p = { 0 }, *nl;
		const void *data;
		size_t size;
		int32_t family;
		uint32_t prefixlen;

		r = sd_bus_message_enter_container(m, 'r', "iayu");
		if (r < 0)
			return r;
		if (r == 0)
			break;
		r = sd_bus_message_read_basic(m, 'i', &family);
		if (r < 0)
			return r;
		r = sd_bus_message_read_array(m, 'y', &data, &size);
		if (r < 0)
			return r;
		r = sd_bus_message_read_basic(m, 'u', &prefixlen);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		if (!((family == AF_INET && size == 4) || (family == AF_INET6 && size == 16)))
			continue;
		p.family = family;
		memcpy(p.addr, data, size);
		p.prefixlen = prefixlen;
		nl = reallocarray(*l, *n + 1, sizeof(**l));
		if (!nl)
			return -ENOMEM;
		*l = nl;
		(*l)[(*n)++] = p;
	}
	return sd_bus_message_exit_container(m);
}

/* "a(ss)": DeviceAllow= as "PATH:RIGHTS", in the manager's order (most recent first). */
static int read_device_allow(sd_bus_message *m, char ***field)
{
	cleanup_strv char **l = NULL;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(ss)");
	if (r < 0)
		return r;
	for (;;) {
		const char *path, *rights;
		char *e;

		r = sd_bus_message_read(m, "(ss)", &path, &rights);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (asprintf(&e, "%s:%s", path, rights) < 0)
			return -ENOMEM;
		r = strv_consume(&l, e);
		if (r < 0)
			return r;
	}
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	strv_free(*field);
	*field = TAKE_PTR(l);
	return 0;
}

enum prop_kind {
	PROP_BOOL,   /* "b" into a bool at .offset */
	PROP_STRING, /* "s" into a char * at .offset, "" -> NULL */
	PROP_STRV,   /* "as" into a char ** at .offset */
	PROP_U64,    /* "t" into a uint64_t at .offset */
	PROP_UMASK,  /* "u" */
	PROP_PRIVATE_MOUNTS,
	PROP_ADDRESS_FAMILIES,
	PROP_SYSCALL_FILTER,
	PROP_IP_ALLOW,
	PROP_IP_DENY,
	PROP_DEVICE_ALLOW,
	PROP_LOAD_STATE,
	PROP_TYPE,
};

struct prop {
	const char *name;
	const char *signature;
	enum prop_kind kind;
	size_t offset;
	int setting; /* enum sdh_setting whose origin becomes "property", -1 none */
};

#define F(field) offsetof(struct sdh_settings, field)
#define BOOL(name, field, setting)                                    \
	{                                                             \
		name, "b", PROP_BOOL, F(field), SDH_SETTING_##setting \
	}
#define STR(name, field, setting)                                       \
	{                                                               \
		name, "s", PROP_STRING, F(field), SDH_SETTING_##setting \
	}

/* The properties systemd-analyze security (v252 ... v262) reads, by name. */
static const struct prop props[] = {
	{ "AmbientCapabilities", "t", PROP_U64, F(ambient_capabilities),
	  SDH_SETTING_AMBIENT_CAPABILITIES },
	{ "CapabilityBoundingSet", "t", PROP_U64, F(capability_bounding_set),
	  SDH_SETTING_CAPABILITY_BOUNDING_SET },
	BOOL("DefaultDependencies", default_dependencies, DEFAULT_DEPENDENCIES),
	BOOL("Delegate", delegate, DELEGATE),
	{ "DeviceAllow", "a(ss)", PROP_DEVICE_ALLOW, 0, SDH_SETTING_DEVICE_ALLOW },
	STR("DevicePolicy", device_policy, DEVICE_POLICY),
	BOOL("DynamicUser", dynamic_user, DYNAMIC_USER),
	{ "FragmentPath", "s", PROP_STRING, F(fragment_path), -1 },
	{ "IPAddressAllow", "a(iayu)", PROP_IP_ALLOW, 0, SDH_SETTING_IP_ADDRESS_ALLOW },
	{ "IPAddressDeny", "a(iayu)", PROP_IP_DENY, 0, SDH_SETTING_IP_ADDRESS_DENY },
	{ "IPEgressFilterPath", "as", PROP_STRV, F(ip_egress_filter_path),
	  SDH_SETTING_IP_EGRESS_FILTER_PATH },
	{ "IPIngressFilterPath", "as", PROP_STRV, F(ip_ingress_filter_path),
	  SDH_SETTING_IP_INGRESS_FILTER_PATH },
	{ "Id", "s", PROP_STRING, F(id), -1 },
	STR("KeyringMode", keyring_mode, KEYRING_MODE),
	{ "LoadState", "s", PROP_LOAD_STATE, 0, -1 },
	BOOL("LockPersonality", lock_personality, LOCK_PERSONALITY),
	BOOL("MemoryDenyWriteExecute", memory_deny_write_execute, MEMORY_DENY_WRITE_EXECUTE),
	BOOL("NoNewPrivileges", no_new_privileges, NO_NEW_PRIVILEGES),
	STR("NotifyAccess", notify_access, NOTIFY_ACCESS),
	BOOL("PrivateDevices", private_devices, PRIVATE_DEVICES),
	{ "PrivateMounts", "b", PROP_PRIVATE_MOUNTS, 0, SDH_SETTING_PRIVATE_MOUNTS },
	BOOL("PrivateNetwork", private_network, PRIVATE_NETWORK),
	BOOL("PrivateTmp", private_tmp, PRIVATE_TMP),
	BOOL("PrivateUsers", private_users, PRIVATE_USERS),
	STR("ProcSubset", proc_subset, PROC_SUBSET),
	BOOL("ProtectClock", protect_clock, PROTECT_CLOCK),
	BOOL("ProtectControlGroups", protect_control_groups, PROTECT_CONTROL_GROUPS),
	STR("ProtectHome", protect_home, PROTECT_HOME),
	BOOL("ProtectHostname", protect_hostname, PROTECT_HOSTNAME),
	BOOL("ProtectKernelLogs", protect_kernel_logs, PROTECT_KERNEL_LOGS),
	BOOL("ProtectKernelModules", protect_kernel_modules, PROTECT_KERNEL_MODULES),
	BOOL("ProtectKernelTunables", protect_kernel_tunables, PROTECT_KERNEL_TUNABLES),
	STR("ProtectProc", protect_proc, PROTECT_PROC),
	STR("ProtectSystem", protect_system, PROTECT_SYSTEM),
	BOOL("RemoveIPC", remove_ipc, REMOVE_IPC),
	{ "RestrictAddressFamilies", "(bas)", PROP_ADDRESS_FAMILIES, 0,
	  SDH_SETTING_RESTRICT_ADDRESS_FAMILIES },
	{ "RestrictNamespaces", "t", PROP_U64, F(restrict_namespaces),
	  SDH_SETTING_RESTRICT_NAMESPACES },
	BOOL("RestrictRealtime", restrict_realtime, RESTRICT_REALTIME),
	BOOL("RestrictSUIDSGID", restrict_suid_sgid, RESTRICT_SUID_SGID),
	STR("RootDirectory", root_directory, ROOT_DIRECTORY),
	STR("RootImage", root_image, ROOT_IMAGE),
	{ "SupplementaryGroups", "as", PROP_STRV, F(supplementary_groups),
	  SDH_SETTING_SUPPLEMENTARY_GROUPS },
	{ "SystemCallArchitectures", "as", PROP_STRV, F(system_call_architectures),
	  SDH_SETTING_SYSTEM_CALL_ARCHITECTURES },
	{ "SystemCallFilter", "(bas)", PROP_SYSCALL_FILTER, 0, SDH_SETTING_SYSTEM_CALL_FILTER },
	{ "Type", "s", PROP_TYPE, 0, -1 },
	{ "UMask", "u", PROP_UMASK, 0, SDH_SETTING_UMASK },
	STR("User", user, USER),
};

#undef F
#undef BOOL
#undef STR

static const struct prop *prop_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(props); i++)
		if (streq(props[i].name, name))
			return &props[i];
	return NULL;
}

static int read_prop(sd_bus_message *m, const struct prop *p, struct bus_unit *u)
{
	struct sdh_settings *s = u->s;
	char *base = (char *)s;
	int r, b;

	switch (p->kind) {
	case PROP_BOOL:
		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0)
			*(bool *)(base + p->offset) = b;
		return r;
	case PROP_STRING: return read_string(m, (char **)(base + p->offset));
	case PROP_STRV: return read_strv(m, (char ***)(base + p->offset));
	case PROP_U64: return sd_bus_message_read_basic(m, 't', (uint64_t *)(base + p->offset));
	case PROP_UMASK: {
		uint32_t mode;

		r = sd_bus_message_read_basic(m, 'u', &mode);
		if (r >= 0)
			s->umask = mode;
		return r;
	}
	case PROP_PRIVATE_MOUNTS:
		/* Exported as "value > 0": unset is false online, in every version. */
		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0)
			s->private_mounts = !!b;
		return r;
	case PROP_ADDRESS_FAMILIES: return read_address_families(m, s);
	case PROP_SYSCALL_FILTER: return read_syscall_filter(m, s);
	case PROP_IP_ALLOW: return read_ip_prefixes(m, &s->ip_allow, &s->n_ip_allow);
	case PROP_IP_DENY: return read_ip_prefixes(m, &s->ip_deny, &s->n_ip_deny);
	case PROP_DEVICE_ALLOW: return read_device_allow(m, &s->device_allow);
	case PROP_LOAD_STATE: return read_string(m, &u->load_state);
	case PROP_TYPE: return read_string(m, &u->type);
	}
	return -EINVAL;
}

/* The GetAll reply: a{sv}.  Known properties with the expected signature are read, others skipped.
 */
static int read_all(sd_bus_message *m, struct bus_unit *u)
{
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	for (;;) {
		const struct prop *p;
		const char *name, *contents;

		r = sd_bus_message_enter_container(m, 'e', "sv");
		if (r < 0)
			return r;
		if (r == 0)
			break;
		r = sd_bus_message_read_basic(m, 's', &name);
		if (r < 0)
			return r;
		p = prop_find(name);
		r = sd_bus_message_peek_type(m, NULL, &contents);
		if (r < 0)
			return r;
		if (p && streq(contents, p->signature)) {
			r = sd_bus_message_enter_container(m, 'v', contents);
			if (r < 0)
				return r;
			r = read_prop(m, p, u);
			if (r < 0)
				return r;
			if (p->setting >= 0)
				u->s->origin[p->setting].kind = SDH_ORIGIN_PROPERTY;
			r = sd_bus_message_exit_container(m);
		} else
			r = sd_bus_message_skip(m, "v");
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	return sd_bus_message_exit_container(m);
}

/* What the analyser does after reading the properties (it does not trust PID 1 to have done it). */
static void post_load(struct sdh_settings *s)
{
	if (s->private_devices || s->private_tmp || s->protect_control_groups ||
	    s->protect_kernel_tunables || s->protect_kernel_modules ||
	    !streq_ptr(s->protect_home, "no") || !streq_ptr(s->protect_system, "no") ||
	    s->root_image) {
		if (s->private_mounts != 1)
			sdh_settings_set_origin_implied(s, SDH_SETTING_PRIVATE_MOUNTS,
							"other sandboxing settings");
		s->private_mounts = 1;
	}
	if (s->protect_kernel_modules)
		s->capability_bounding_set &= ~CAP_BIT(CAP_SYS_MODULE_NR);
	if (s->protect_kernel_logs)
		s->capability_bounding_set &= ~CAP_BIT(CAP_SYSLOG_NR);
	if (s->protect_clock)
		s->capability_bounding_set &=
			~(CAP_BIT(CAP_SYS_TIME_NR) | CAP_BIT(CAP_WAKE_ALARM_NR));
	if (s->private_devices)
		s->capability_bounding_set &= ~(CAP_BIT(CAP_MKNOD_NR) | CAP_BIT(CAP_SYS_RAWIO_NR));
}

static int error_text(const sd_bus_error *e, int r, char **ret_error)
{
	if (ret_error) {
		const char *t = e && e->message ? e->message : strerror(-r);

		free(*ret_error);
		*ret_error = strdup(t);
	}
	return r;
}

int sdh_settings_from_bus(sd_bus *bus, const char *unit, unsigned version, unsigned flags,
			  struct sdh_settings **ret, char **ret_error)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	cleanup_free char *path = NULL;
	struct bus_unit u = { 0 };
	int r;

	if (!bus || !unit || !ret)
		return -EINVAL;
	r = sd_bus_path_encode(UNIT_PATH_PREFIX, unit, &path);
	if (r < 0)
		return r;
	/* Only the defaults of fields the manager does not export survive (older versions). */
	u.s = sdh_settings_new(unit, version, SDH_SCOPE_SYSTEM, 0022);
	if (!u.s)
		return -ENOMEM;
	u.s->private_mounts = 0;
	r = sd_bus_call_method(bus, BUS_MANAGER_SERVICE, path, "org.freedesktop.DBus.Properties",
			       "GetAll", &error, &reply, "s", "");
	if (r < 0) {
		r = error_text(&error, r, ret_error);
		goto fail;
	}
	r = read_all(reply, &u);
	if (r < 0) {
		r = error_text(NULL, r, ret_error);
		goto fail;
	}
	if (!streq_ptr(u.load_state, "loaded")) {
		r = flags & SDH_BUS_ONLY_LOADED            ? -EMEDIUMTYPE
		    : streq_ptr(u.load_state, "not-found") ? -ENOENT
		    : streq_ptr(u.load_state, "masked")    ? -ERFKILL
							   : -ENOEXEC;
		goto fail;
	}
	if ((flags & SDH_BUS_ONLY_LONG_RUNNING) && streq_ptr(u.type, "oneshot")) {
		r = -EMEDIUMTYPE;
		goto fail;
	}
	if (!u.s->id && !(u.s->id = strdup(unit))) {
		r = -ENOMEM;
		goto fail;
	}
	post_load(u.s);
	*ret = u.s;
	u.s = NULL;
	r = 0;
fail:
	sdh_settings_free(u.s);
	free(u.load_state);
	free(u.type);
	return r;
}

int sdh_online_unit_name(const char *arg, unsigned version, const char *instance, char **ret)
{
	static const char *const types[] = { "service", "socket",    "target", "device",
					     "mount",   "automount", "swap",   "timer",
					     "path",    "slice",     "scope" };
	const char *dot, *at;
	char *name = NULL;

	if (isempty(arg) || !ret)
		return -EINVAL;
	dot = strrchr(arg, '.');
	for (size_t i = 0; dot && i < ELEMENTSOF(types); i++)
		if (streq(dot + 1, types[i])) {
			name = strdup(arg);
			break;
		}
	if (!name && asprintf(&name, "%s.service", arg) < 0)
		return -ENOMEM;
	if (!name)
		return -ENOMEM;
	dot = strrchr(name, '.');
	at = strchr(name, '@');
	if (at && at + 1 == dot) {
		char *inst;

		if (!instance)
			instance = SDH_VERSION_MAJOR(version) >= 257 ? "test_instance"
								     : "test-instance";
		if (asprintf(&inst, "%.*s%s%s", (int)(at + 1 - name), name, instance, dot) < 0) {
			free(name);
			return -ENOMEM;
		}
		free(name);
		name = inst;
	}
	*ret = name;
	return 0;
}

int sdh_bus_open_manager(enum sdh_scope scope, sd_bus **ret)
{
	if (!ret)
		return -EINVAL;
	return bus_open_manager(scope == SDH_SCOPE_USER, ret);
}

int sdh_bus_list_units(sd_bus *bus, const char *suffix, char ***ret, char **ret_error)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	cleanup_strv char **l = NULL;
	int r;

	if (!bus || !ret)
		return -EINVAL;
	r = sd_bus_call_method(bus, BUS_MANAGER_SERVICE, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE,
			       "ListUnits", &error, &reply, NULL);
	if (r < 0)
		return error_text(&error, r, ret_error);
	r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
	if (r < 0)
		return r;
	for (;;) {
		const char *id, *skip_s, *skip_o;
		uint32_t skip_u;
		size_t n;

		r = sd_bus_message_read(reply, "(ssssssouso)", &id, &skip_s, &skip_s, &skip_s,
					&skip_s, &skip_s, &skip_o, &skip_u, &skip_s, &skip_o);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		n = strlen(id);
		if (suffix && (n < strlen(suffix) || !streq(id + n - strlen(suffix), suffix)))
			continue;
		r = strv_extend(&l, id);
		if (r < 0)
			return r;
	}
	strv_sort(l);
	*ret = TAKE_PTR(l);
	return 0;
}
