/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The generated arrays (build/gen/kb-*.gen.c).  Only src/kb/ uses them directly. */

#include <stddef.h>

#include "sdharden/kb.h"

#define SDH_KB_TABLE(type, name)                  \
	extern const struct type sdh_kb_##name[]; \
	extern const size_t sdh_kb_##name##_count

SDH_KB_TABLE(sdh_directive, directives);
SDH_KB_TABLE(sdh_capability, capabilities);
SDH_KB_TABLE(sdh_address_family, address_families);
SDH_KB_TABLE(sdh_syscall_group_member, syscall_groups_v252);
SDH_KB_TABLE(sdh_syscall_group_member, syscall_groups_v252_39);
SDH_KB_TABLE(sdh_syscall_group_member, syscall_groups_v262);
SDH_KB_TABLE(sdh_syscall_group_help, syscall_group_help);
SDH_KB_TABLE(sdh_check_row, checks_v252);
SDH_KB_TABLE(sdh_check_row, checks_v252_38);
SDH_KB_TABLE(sdh_check_row, checks_v262);
