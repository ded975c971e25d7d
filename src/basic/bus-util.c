/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <unistd.h>

#include "basic/bus-util.h"

int bus_open_manager(bool user, sd_bus **ret)
{
	cleanup_bus sd_bus *bus = NULL;
	int r;

	if (user) {
		r = sd_bus_open_user(&bus);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(bus);
		return 0;
	}
	if (geteuid() == 0) {
		r = sd_bus_new(&bus);
		if (r >= 0)
			r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
		if (r >= 0)
			r = sd_bus_start(bus);
		if (r >= 0) {
			*ret = TAKE_PTR(bus);
			return 0;
		}
		bus = sd_bus_flush_close_unref(bus);
	}
	r = sd_bus_open_system(&bus);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(bus);
	return 0;
}
