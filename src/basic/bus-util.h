/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Reaching systemd's service manager over D-Bus (sd-bus from libsystemd): the connection and the
 * cleanup helpers shared by the online score reader (src/score/online.c) and the profiler's
 * --unit mode (src/profile/manager.c).
 */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "basic/macro.h"

#define BUS_MANAGER_SERVICE   "org.freedesktop.systemd1"
#define BUS_MANAGER_PATH      "/org/freedesktop/systemd1"
#define BUS_MANAGER_INTERFACE "org.freedesktop.systemd1.Manager"
#define BUS_UNIT_INTERFACE    "org.freedesktop.systemd1.Unit"

static inline void bus_message_unrefp(sd_bus_message **m)
{
	if (*m)
		sd_bus_message_unref(*m);
}

static inline void bus_unrefp(sd_bus **b)
{
	if (*b)
		sd_bus_flush_close_unref(*b);
}

#define cleanup_bus_message cleanup_attr(bus_message_unrefp)
#define cleanup_bus         cleanup_attr(bus_unrefp)
#define cleanup_bus_error   cleanup_attr(sd_bus_error_free)

/*
 * Connect to the user's manager, or to the system manager: as root through its private socket
 * (/run/systemd/private, which works before and without dbus-daemon, as systemctl does), else
 * through the system bus.  0, or the -errno of the last attempt.
 */
int bus_open_manager(bool user, sd_bus **ret);
