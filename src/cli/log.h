/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Messages on stderr, for src/cli/ only (library code never prints).  Style (git): lowercase,
 * error first, subject quoted, no final full stop.  log_*_errno(r, ...) returns r, and "%m"
 * prints strerror(-r).
 */

#include "basic/macro.h"

enum {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

void log_set_level(int level);
int log_get_level(void);
int log_internal(int level, int err, const char *fmt, ...) printf_attr(3, 4);

#define log_error(...)            log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warning(...)          log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_info(...)             log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...)            log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)
#define log_error_errno(r, ...)   log_internal(LOG_LEVEL_ERROR, (r), __VA_ARGS__)
#define log_warning_errno(r, ...) log_internal(LOG_LEVEL_WARNING, (r), __VA_ARGS__)
#define log_oom()                 log_internal(LOG_LEVEL_ERROR, -ENOMEM, "out of memory")
