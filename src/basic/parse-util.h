/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* systemd booleans: 1 yes y true t on / 0 no n false f off, case-insensitive.  1, 0 or -EINVAL. */
int parse_boolean(const char *s);
/* Decimal unsigned with no sign, no whitespace, no trailing garbage: 0, -EINVAL or -ERANGE. */
int safe_atou(const char *s, unsigned *ret);
int safe_atou64(const char *s, uint64_t *ret);
/* Octal file mode 0..07777. */
int parse_mode(const char *s, unsigned *ret);
