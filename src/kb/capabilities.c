/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <strings.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/string-util.h"
#include "kb/kb-tables.h"

int sdh_capability_from_name(const char *name)
{
	const char *bare = startswith_no_case(name, "cap_");
	unsigned n;

	if (safe_atou(name, &n) >= 0)
		return n <= 63 ? (int)n : -EINVAL;
	for (size_t i = 0; i < sdh_kb_capabilities_count; i++) {
		const char *cn = sdh_kb_capabilities[i].name;

		if (strcasecmp(name, cn) == 0 || (bare && strcasecmp(bare, cn + 4) == 0) ||
		    (!bare && strcasecmp(name, cn + 4) == 0))
			return (int)sdh_kb_capabilities[i].number;
	}
	return -EINVAL;
}

const struct sdh_capability *sdh_capability_lookup(unsigned number)
{
	for (size_t i = 0; i < sdh_kb_capabilities_count; i++)
		if (sdh_kb_capabilities[i].number == number)
			return &sdh_kb_capabilities[i];
	return NULL;
}

const struct sdh_capability *sdh_capability_table(size_t *ret_n)
{
	*ret_n = sdh_kb_capabilities_count;
	return sdh_kb_capabilities;
}

const struct sdh_address_family *sdh_address_family_lookup(const char *name)
{
	for (size_t i = 0; i < sdh_kb_address_families_count; i++)
		if (strcasecmp(name, sdh_kb_address_families[i].name) == 0)
			return &sdh_kb_address_families[i];
	return NULL;
}

const struct sdh_address_family *sdh_address_family_table(size_t *ret_n)
{
	*ret_n = sdh_kb_address_families_count;
	return sdh_kb_address_families;
}
