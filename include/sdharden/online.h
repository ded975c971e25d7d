/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Online mode: the effective settings of a unit as the running service manager reports them over
 * D-Bus, which is what `systemd-analyze security` does without --offline (exposure-spec.md §6.4).
 * The record is the same `struct sdh_settings` the offline path builds, so the same scorer and
 * renderer apply; every field read from the bus has origin SDH_ORIGIN_PROPERTY.
 *
 *	sd_bus *bus = NULL;
 *	r = sdh_bus_open_manager(scope, &bus);
 *	r = sdh_settings_from_bus(bus, "nginx.service", version, 0, &s);
 *	...
 *	sd_bus_flush_close_unref(bus);
 *
 * Errors: -ENOENT the unit's LoadState is "not-found", -ERFKILL "masked", -ENOEXEC any other
 * state than "loaded"; with SDH_BUS_ONLY_LOADED / SDH_BUS_ONLY_LONG_RUNNING a unit that is not
 * loaded / has Type=oneshot gives -EMEDIUMTYPE instead (the "every service" listing skips those).
 * Bus failures are returned as -errno; *ret_error (may be NULL) then gets the D-Bus error text.
 */

#include <systemd/sd-bus.h>

#include "sdharden/score.h"
#include "sdharden/settings.h"
#include "sdharden/unit.h"

enum {
	SDH_BUS_ONLY_LOADED = 1U << 0,
	SDH_BUS_ONLY_LONG_RUNNING = 1U << 1,
};

/*
 * Connect to the service manager of SCOPE: as root in system scope its private socket
 * (/run/systemd/private, which needs no dbus-daemon), else the system or user bus.
 */
int sdh_bus_open_manager(enum sdh_scope scope, sd_bus **ret);

/* Read UNIT (a full unit name) and build its record with VERSION's rules. */
int sdh_settings_from_bus(sd_bus *bus, const char *unit, unsigned version, unsigned flags,
			  struct sdh_settings **ret, char **ret_error);

/*
 * The unit name online mode asks the manager for, from a command-line argument: a name without
 * a unit-type suffix gets ".service"; a template gets INSTANCE, or VERSION's default
 * ("test-instance" before v257, "test_instance" since).  The caller refuses non-services.
 */
int sdh_online_unit_name(const char *arg, unsigned version, const char *instance, char **ret);

/* Names of the units the manager has in memory that end in SUFFIX, sorted by strcmp(). */
int sdh_bus_list_units(sd_bus *bus, const char *suffix, char ***ret, char **ret_error);

/*
 * The overview of several units as online systemd-analyze security --json=short|pretty prints
 * it (v252): [{"unit","exposure","predicate","happy"}...], no checks.  Heap string, NULL on OOM.
 */
char *sdh_online_format_overview_json(struct sdh_score *const *v, size_t n, bool pretty,
				      const struct sdh_render_options *o);
