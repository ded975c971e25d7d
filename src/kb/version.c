/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "sdharden/kb.h"

/* The point release a bare major stands for: the one the research tables were taken from. */
static unsigned default_minor(unsigned major)
{
	switch (major) {
	case 252: return SDH_VERSION_MINOR(SDH_VERSION_V252);
	case 257: return SDH_VERSION_MINOR(SDH_VERSION_V257);
	default: return 0;
	}
}

int sdh_version_parse(const char *s, unsigned *ret)
{
	unsigned long major, minor;
	char *end;

	if (!s)
		return -EINVAL;
	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	major = strtoul(s, &end, 10);
	if (major < 200 || major > 999)
		return -EINVAL;
	if (*end == '.') {
		if (!isdigit((unsigned char)end[1]))
			return -EINVAL;
		minor = strtoul(end + 1, &end, 10);
		if (minor > 999)
			return -EINVAL;
	} else
		minor = default_minor((unsigned)major);
	/* Distribution suffixes ("~rc1", "-1~deb12u1", "+b1") say nothing about the rules. */
	if (*end && !strchr("~-+ ", *end))
		return -EINVAL;
	*ret = SDH_VERSION((unsigned)major, (unsigned)minor);
	return 0;
}

unsigned sdh_version_normalize(unsigned v)
{
	if (v < SDH_VERSION(253, 0))
		return v < SDH_VERSION(252, 0) ? SDH_VERSION(252, 0) : v;
	if (v < SDH_VERSION(258, 0))
		return SDH_VERSION_V257;
	return SDH_VERSION_V262;
}
