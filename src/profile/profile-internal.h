/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Private parts of the profile model shared by profile.c and profile-json.c. */

#include <stddef.h>

#include "sdharden/profile.h"

enum {
	IDX_SYSCALL,
	IDX_CAP,
	IDX_FILE,
	IDX_EXEC,
	IDX_SOCKET,
	IDX_DEVICE,
	IDX_EVENT,
	IDX_MAX,
};

struct profile_index {
	struct {
		char *key;
		size_t pos;
	} * slots;
	size_t size; /* power of two */
	size_t used;
};

/* A profile with its key indexes; sdh_profile_new() hands out &impl->pub. */
struct profile_impl {
	struct sdh_profile pub;
	struct profile_index index[IDX_MAX];
	char *(*key_of[IDX_MAX])(const struct sdh_profile *p, size_t i);
};
