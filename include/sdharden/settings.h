/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The effective security settings of one unit: the flat record systemd-analyze security scores
 * (exposure-spec.md §2.1), with the provenance of every field.
 *
 * Two ways to fill it:
 *   offline:  sdh_settings_build(unit, diags, &s)       parse the assignment stream (§2.2), then
 *                                                      apply the load-time implications (§2.4)
 *   by hand:  s = sdh_settings_new(id, version, scope); set fields and s->origin[]; then
 *             sdh_settings_apply_implications(s)       (the online/D-Bus filler skips the second
 *             step for fields PID 1 already reports as implied)
 *
 * All strings and lists are heap-owned by the record; sdh_settings_free() releases them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdharden/diag.h"
#include "sdharden/unit.h"

/* One entry per field of the record, in the order `sdharden show` prints them. */
enum sdh_setting {
	SDH_SETTING_USER,
	SDH_SETTING_DYNAMIC_USER,
	SDH_SETTING_SUPPLEMENTARY_GROUPS,
	SDH_SETTING_CAPABILITY_BOUNDING_SET,
	SDH_SETTING_AMBIENT_CAPABILITIES,
	SDH_SETTING_NO_NEW_PRIVILEGES,
	SDH_SETTING_LOCK_PERSONALITY,
	SDH_SETTING_MEMORY_DENY_WRITE_EXECUTE,
	SDH_SETTING_PROTECT_HOSTNAME,
	SDH_SETTING_PRIVATE_DEVICES,
	SDH_SETTING_PRIVATE_MOUNTS,
	SDH_SETTING_PRIVATE_NETWORK,
	SDH_SETTING_PRIVATE_TMP,
	SDH_SETTING_PRIVATE_USERS,
	SDH_SETTING_PROTECT_CONTROL_GROUPS,
	SDH_SETTING_PROTECT_KERNEL_MODULES,
	SDH_SETTING_PROTECT_KERNEL_TUNABLES,
	SDH_SETTING_PROTECT_KERNEL_LOGS,
	SDH_SETTING_PROTECT_CLOCK,
	SDH_SETTING_REMOVE_IPC,
	SDH_SETTING_RESTRICT_REALTIME,
	SDH_SETTING_RESTRICT_SUID_SGID,
	SDH_SETTING_DELEGATE,
	SDH_SETTING_KEYRING_MODE,
	SDH_SETTING_PROTECT_PROC,
	SDH_SETTING_PROC_SUBSET,
	SDH_SETTING_NOTIFY_ACCESS,
	SDH_SETTING_PROTECT_HOME,
	SDH_SETTING_PROTECT_SYSTEM,
	SDH_SETTING_ROOT_DIRECTORY,
	SDH_SETTING_ROOT_IMAGE,
	SDH_SETTING_UMASK,
	SDH_SETTING_RESTRICT_NAMESPACES,
	SDH_SETTING_RESTRICT_ADDRESS_FAMILIES,
	SDH_SETTING_SYSTEM_CALL_ARCHITECTURES,
	SDH_SETTING_SYSTEM_CALL_FILTER,
	SDH_SETTING_IP_ADDRESS_DENY,
	SDH_SETTING_IP_ADDRESS_ALLOW,
	SDH_SETTING_IP_INGRESS_FILTER_PATH,
	SDH_SETTING_IP_EGRESS_FILTER_PATH,
	SDH_SETTING_DEVICE_POLICY,
	SDH_SETTING_DEVICE_ALLOW,
	SDH_SETTING_DEFAULT_DEPENDENCIES,
	SDH_SETTING_MAX,
};

enum sdh_origin_kind {
	SDH_ORIGIN_DEFAULT,  /* never assigned: the scope/type default */
	SDH_ORIGIN_FILE,     /* the last assignment that changed it: file + line */
	SDH_ORIGIN_IMPLIED,  /* set by a load-time implication: implied_by says which */
	SDH_ORIGIN_PROPERTY, /* read from PID 1 over D-Bus (online mode) */
};

struct sdh_origin {
	enum sdh_origin_kind kind;
	char *file;             /* SDH_ORIGIN_FILE: path inside the root */
	unsigned line;          /* SDH_ORIGIN_FILE */
	const char *implied_by; /* SDH_ORIGIN_IMPLIED: static text, e.g. "DynamicUser=yes" */
};

/* Bits of restrict_namespaces (CLONE_NEW*): a set bit means the namespace type is allowed. */
#define SDH_NS_TIME   UINT64_C(0x00000080)
#define SDH_NS_MNT    UINT64_C(0x00020000)
#define SDH_NS_CGROUP UINT64_C(0x02000000)
#define SDH_NS_UTS    UINT64_C(0x04000000)
#define SDH_NS_IPC    UINT64_C(0x08000000)
#define SDH_NS_USER   UINT64_C(0x10000000)
#define SDH_NS_PID    UINT64_C(0x20000000)
#define SDH_NS_NET    UINT64_C(0x40000000)
#define SDH_NS_UNSET  UINT64_MAX /* nothing configured: everything allowed */

/* The five address-family buckets the checks read (exposure-spec.md §2.2). */
enum sdh_af_bucket {
	SDH_AF_BUCKET_INET,
	SDH_AF_BUCKET_UNIX,
	SDH_AF_BUCKET_NETLINK,
	SDH_AF_BUCKET_PACKET,
	SDH_AF_BUCKET_OTHER,
	SDH_AF_BUCKET_MAX,
};

struct sdh_ip_prefix {
	int family;         /* AF_INET or AF_INET6 */
	uint8_t addr[16];   /* masked to prefixlen, as systemd stores it */
	unsigned prefixlen; /* 0..32 / 0..128 */
};

struct sdh_syscall_entry {
	int nr;    /* libseccomp number (negative: pseudo number of a non-native syscall) */
	int error; /* errno of a `name:ERRNO` entry, -1 none */
};

struct sdh_settings {
	/* What the record is about. */
	char *id;            /* reported unit name (alias target, instantiated template) */
	char *fragment_path; /* inside the root; NULL when unknown */
	unsigned version;    /* SDH_VERSION() whose rules were applied */
	enum sdh_scope scope;
	bool is_service;
	bool has_exec_context;   /* service, socket, mount, swap */
	bool has_cgroup_context; /* plus slice, scope */
	bool bad_setting; /* systemd refuses to load the unit (invalid User=, no ExecStart=, ...) */

	bool default_dependencies;
	char *user; /* NULL unset */
	bool dynamic_user;
	char **supplementary_groups;
	uint64_t capability_bounding_set;
	uint64_t ambient_capabilities;

	bool no_new_privileges, lock_personality, memory_deny_write_execute, protect_hostname,
		private_devices, private_network, private_tmp, private_users,
		protect_control_groups, protect_kernel_modules, protect_kernel_tunables,
		protect_kernel_logs, protect_clock, remove_ipc, restrict_realtime,
		restrict_suid_sgid, delegate;
	/* -1 unset, 0 no, 1 yes: v254+ offline scoring counts unset as yes (spec §2.4). */
	int private_mounts;

	/* Enumerations as systemd spells them; NULL = unset (no exec/cgroup context). */
	char *keyring_mode;   /* inherit private shared */
	char *protect_proc;   /* default noaccess invisible ptraceable */
	char *proc_subset;    /* all pid */
	char *notify_access;  /* none main exec all; NULL for non-services */
	char *protect_home;   /* no yes read-only tmpfs */
	char *protect_system; /* no yes full strict */
	char *root_directory;
	char *root_image;
	bool has_mount_images; /* MountImages= set: adds the loop device ACL like RootImage= */
	bool has_encrypted_credentials; /* {Load,Set}CredentialEncrypted=: adds /dev/tpmrm0 */
	unsigned umask;

	uint64_t restrict_namespaces; /* SDH_NS_* allowed bits */

	/* RestrictAddressFamilies=: mode + set of family numbers, and the derived buckets. */
	bool af_allow_list;
	bool af_has_set;
	uint64_t af_set; /* bit N = family N (all known families are < 64) */
	bool af_restricted[SDH_AF_BUCKET_MAX];

	char **system_call_architectures; /* names as written ("native", "x86-64", ...) */

	/* SystemCallFilter=: mode + map syscall number -> errno, sorted by nr. */
	bool syscall_allow_list;
	struct sdh_syscall_entry *syscall_filter;
	size_t n_syscall_filter;

	struct sdh_ip_prefix *ip_deny, *ip_allow;
	size_t n_ip_deny, n_ip_allow;
	char **ip_ingress_filter_path, **ip_egress_filter_path;

	char *device_policy; /* auto closed strict; NULL without cgroup context */
	char **device_allow; /* "PATH:RIGHTS", most recent first (systemd prepends) */

	struct sdh_origin origin[SDH_SETTING_MAX];
};

/*
 * A record with the defaults of a unit named ID (its suffix decides service/exec/cgroup
 * context) at VERSION in SCOPE, every origin SDH_ORIGIN_DEFAULT.  UMASK_USER is the umask used
 * as the user-scope default (systemd takes its own process umask).  NULL on OOM or a bad ID.
 */
struct sdh_settings *sdh_settings_new(const char *id, unsigned version, enum sdh_scope scope,
				      unsigned umask_user);
struct sdh_settings *sdh_settings_free(struct sdh_settings *s);

/*
 * Build the record of a loaded unit: defaults, every [Unit]/[Service]/... assignment of the
 * stream in order (unparsable values -> warning diagnostic with file:line, assignment ignored;
 * fatal ones -> error diagnostic and s->bad_setting), then sdh_settings_apply_implications().
 * -EINVAL if U is not loaded (not found, masked), -ENOMEM.
 */
int sdh_settings_build(const struct sdh_unit *u, struct sdh_diags *d, struct sdh_settings **ret);

/* Load-time implications of exposure-spec.md §2.4 (DynamicUser=, PrivateDevices=, ...). */
int sdh_settings_apply_implications(struct sdh_settings *s);

/* Recompute af_restricted[] from af_allow_list/af_has_set/af_set. */
void sdh_settings_update_af_buckets(struct sdh_settings *s);

/* SystemCallFilter= map helpers: lookup returns the entry or NULL; set inserts or updates. */
const struct sdh_syscall_entry *sdh_settings_syscall_find(const struct sdh_settings *s, int nr);
int sdh_settings_syscall_set(struct sdh_settings *s, int nr, int error);
void sdh_settings_syscall_remove(struct sdh_settings *s, int nr);

/* Set an origin (copies FILE). */
int sdh_settings_set_origin_file(struct sdh_settings *s, enum sdh_setting f, const char *file,
				 unsigned line);
void sdh_settings_set_origin_implied(struct sdh_settings *s, enum sdh_setting f,
				     const char *implied_by);

/* The directive name of a field ("CapabilityBoundingSet"), and the reverse lookup. */
const char *sdh_setting_to_string(enum sdh_setting f);
int sdh_setting_from_string(const char *name);

/*
 * The value of field F formatted the way `sdharden show` prints it (capability names, family
 * names, syscall names, "PATH:RIGHTS" lists, ...); empty string for unset.  Heap string or NULL
 * on OOM.
 */
char *sdh_settings_format(const struct sdh_settings *s, enum sdh_setting f);
/* "file:line", "default", "implied by X" or "property". Heap string or NULL on OOM. */
char *sdh_origin_format(const struct sdh_origin *o);
