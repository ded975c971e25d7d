/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "basic/macro.h"
#include "kb/kb-tables.h"

/*
 * Which research table describes VERSION.  The v252 tag and 252.39 differ (quotactl_fd,
 * set_mempolicy_home_node, ...: exposure-spec.md §8); 252.19+ carries the backports.
 */
const struct sdh_syscall_group_member *sdh_syscall_groups(unsigned version, size_t *ret_n)
{
	if (version < SDH_VERSION(252, 19)) {
		*ret_n = sdh_kb_syscall_groups_v252_count;
		return sdh_kb_syscall_groups_v252;
	}
	if (version < SDH_VERSION(258, 0)) {
		*ret_n = sdh_kb_syscall_groups_v252_39_count;
		return sdh_kb_syscall_groups_v252_39;
	}
	*ret_n = sdh_kb_syscall_groups_v262_count;
	return sdh_kb_syscall_groups_v262;
}

bool sdh_syscall_group_exists(unsigned version, const char *group)
{
	size_t n;
	const struct sdh_syscall_group_member *t = sdh_syscall_groups(version, &n);

	for (size_t i = 0; i < n; i++)
		if (streq(t[i].group, group))
			return true;
	return false;
}

const char *sdh_syscall_group_help_text(unsigned version, const char *group)
{
	unsigned table = version < SDH_VERSION(252, 19)  ? SDH_VERSION(252, 0)
			 : version < SDH_VERSION(258, 0) ? SDH_VERSION(252, 39)
							 : SDH_VERSION(262, 0);

	for (size_t i = 0; i < sdh_kb_syscall_group_help_count; i++)
		if (sdh_kb_syscall_group_help[i].version == table &&
		    streq(sdh_kb_syscall_group_help[i].group, group))
			return sdh_kb_syscall_group_help[i].help;
	return NULL;
}

#define GROUP_DEPTH_MAX 8 /* systemd's groups nest two levels deep; anything deeper is a loop */

static int walk(const struct sdh_syscall_group_member *t, size_t n, const char *group,
		bool recursive, unsigned depth,
		int (*fn)(const struct sdh_syscall_group_member *m, void *userdata), void *userdata)
{
	bool found = false;

	if (depth > GROUP_DEPTH_MAX)
		return -ELOOP;
	for (size_t i = 0; i < n; i++) {
		int r;

		if (!streq(t[i].group, group))
			continue;
		found = true;
		if (recursive && streq(t[i].member_kind, "group"))
			r = walk(t, n, t[i].member, true, depth + 1, fn, userdata);
		else
			r = fn(&t[i], userdata);
		if (r != 0)
			return r;
	}
	return found ? 0 : -ENOENT;
}

int sdh_syscall_group_walk(unsigned version, const char *group, bool recursive,
			   int (*fn)(const struct sdh_syscall_group_member *m, void *userdata),
			   void *userdata)
{
	size_t n;
	const struct sdh_syscall_group_member *t = sdh_syscall_groups(version, &n);

	return walk(t, n, group, recursive, 0, fn, userdata);
}

const struct sdh_check_row *sdh_checks(unsigned version, size_t *ret_n)
{
	/* CapabilityBoundingSet=~CAP_BPF arrived in 252.19 and v255 (exposure-spec.md §9). */
	if (version < SDH_VERSION(252, 19) ||
	    (version >= SDH_VERSION(253, 0) && version < SDH_VERSION(255, 0))) {
		*ret_n = sdh_kb_checks_v252_count;
		return sdh_kb_checks_v252;
	}
	if (version < SDH_VERSION(253, 0)) {
		*ret_n = sdh_kb_checks_v252_38_count;
		return sdh_kb_checks_v252_38;
	}
	*ret_n = sdh_kb_checks_v262_count;
	return sdh_kb_checks_v262;
}
