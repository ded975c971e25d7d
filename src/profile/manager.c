/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `profile --unit`: the system manager's side (see manager.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "basic/bus-util.h"
#include "basic/macro.h"
#include "basic/string-util.h"
#include "profile/manager.h"

struct manager_unit {
	sd_bus *bus;
	char *path;      /* object path */
	char *id;        /* "nginx.service" */
	char *interface; /* "org.freedesktop.systemd1.Service" */
	uint64_t parent_cgroup;
};

/* The system manager's bus; -ENOTCONN when no manager answers (systemd not running). */
static int bus_open(sd_bus **ret)
{
	int r = bus_open_manager(false, ret);

	return r < 0 && r != -ENOMEM ? -ENOTCONN : r;
}

static int get_string(struct manager_unit *u, const char *path, const char *interface,
		      const char *name, char **ret)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;

	return sd_bus_get_property_string(u->bus, BUS_MANAGER_SERVICE, path, interface, name,
					  &error, ret);
}

/* The cgroup2 mount point (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host). */
static char *cgroup2_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	while (!found && getline(&line, &n, f) > 0) {
		char root[4096], mnt[4096], *dash = strstr(line, " - ");

		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE OPTIONS" */
		if (!dash || !startswith(dash, " - cgroup2 ") ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 || !streq(root, "/"))
			continue;
		found = strdup(mnt);
	}
	free(line);
	fclose(f);
	return found;
}

/* The cgroup id (directory inode) of the unit's slice, 0 when it has no cgroup (yet). */
static uint64_t slice_cgroup(struct manager_unit *u)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	cleanup_free char *slice = NULL, *cg = NULL, *mnt = NULL, *dir = NULL;
	const char *spath;
	struct stat st;

	if (get_string(u, u->path, u->interface, "Slice", &slice) < 0 || isempty(slice))
		return 0;
	if (sd_bus_call_method(u->bus, BUS_MANAGER_SERVICE, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE,
			       "GetUnit", &error, &reply, "s", slice) < 0 ||
	    sd_bus_message_read(reply, "o", &spath) < 0)
		return 0;
	if (get_string(u, spath, "org.freedesktop.systemd1.Slice", "ControlGroup", &cg) < 0 ||
	    isempty(cg) || !(mnt = cgroup2_mount()))
		return 0;
	if (asprintf(&dir, "%s%s", mnt, cg) < 0) {
		dir = NULL;
		return 0;
	}
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? (uint64_t)st.st_ino : 0;
}

int manager_unit_open(const char *name, struct manager_unit **ret)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	cleanup_free char *full = NULL, *load = NULL;
	struct manager_unit *u;
	const char *path, *dot;
	int r;

	if (isempty(name) || !ret)
		return -EINVAL;
	/* systemctl's rule: a name without a type suffix is a service. */
	if (asprintf(&full, "%s%s", name, strchr(name, '.') ? "" : ".service") < 0)
		return -ENOMEM;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	r = bus_open(&u->bus);
	if (r < 0)
		goto fail;
	r = sd_bus_call_method(u->bus, BUS_MANAGER_SERVICE, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE,
			       "LoadUnit", &error, &reply, "s", full);
	if (r < 0) {
		/* An invalid name, or no manager behind the socket. */
		r = sd_bus_error_has_name(&error, "org.freedesktop.DBus.Error.InvalidArgs") ||
				    sd_bus_error_has_name(&error,
							  "org.freedesktop.systemd1.NoSuchUnit")
			    ? -ENOENT
			    : -ENOTCONN;
		goto fail;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r < 0)
		goto fail;
	u->path = strdup(path);
	if (!u->path) {
		r = -ENOMEM;
		goto fail;
	}
	r = get_string(u, u->path, BUS_UNIT_INTERFACE, "LoadState", &load);
	if (r >= 0)
		r = get_string(u, u->path, BUS_UNIT_INTERFACE, "Id", &u->id);
	if (r < 0)
		goto fail;
	if (!streq(load, "loaded")) {
		r = -ENOENT;
		goto fail;
	}
	/* "nginx.service" -> org.freedesktop.systemd1.Service, where Slice and ExecMain* live. */
	dot = strrchr(u->id, '.');
	if (!dot || !dot[1] ||
	    asprintf(&u->interface, "org.freedesktop.systemd1.%c%s", toupper((unsigned char)dot[1]),
		     dot + 2) < 0) {
		u->interface = NULL;
		r = dot ? -ENOMEM : -ENOENT;
		goto fail;
	}
	u->parent_cgroup = slice_cgroup(u);
	*ret = u;
	return 0;
fail:
	manager_unit_free(u);
	return r;
}

struct manager_unit *manager_unit_free(struct manager_unit *u)
{
	if (!u)
		return NULL;
	if (u->bus)
		sd_bus_flush_close_unref(u->bus);
	free(u->path);
	free(u->id);
	free(u->interface);
	free(u);
	return NULL;
}

const char *manager_unit_id(const struct manager_unit *u)
{
	return u->id;
}

uint64_t manager_unit_parent_cgroup(const struct manager_unit *u)
{
	return u->parent_cgroup;
}

static int unit_job(struct manager_unit *u, const char *method)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(u->bus, BUS_MANAGER_SERVICE, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE,
			       method, &error, &reply, "ss", u->id, "replace");
	if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.DBus.Error.AccessDenied"))
		return -EACCES;
	return r < 0 ? r : 0;
}

int manager_unit_start(struct manager_unit *u)
{
	return unit_job(u, "StartUnit");
}

int manager_unit_stop_wait(struct manager_unit *u, unsigned timeout_ms)
{
	int r = unit_job(u, "StopUnit");

	if (r < 0)
		return r;
	/* The stop job runs ExecStop= and waits for the processes: poll until it is done. */
	for (unsigned waited = 0; waited < timeout_ms; waited += 50) {
		int status, sig;

		r = manager_unit_running(u, &status, &sig);
		if (r <= 0)
			return r;
		(void)usleep(50 * 1000);
	}
	return -ETIMEDOUT;
}

int manager_unit_running(struct manager_unit *u, int *ret_status, int *ret_signal)
{
	cleanup_bus_error sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup_bus_message sd_bus_message *reply = NULL;
	cleanup_free char *state = NULL;
	const char *job_path;
	uint32_t job;
	int32_t code = 0, status = 0;
	int r;

	/* A pending job first: during a restart the unit passes through "inactive". */
	r = sd_bus_get_property(u->bus, BUS_MANAGER_SERVICE, u->path, BUS_UNIT_INTERFACE, "Job",
				&error, &reply, "(uo)");
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "(uo)", &job, &job_path);
	if (r < 0)
		return r;
	if (job)
		return 1;
	r = get_string(u, u->path, BUS_UNIT_INTERFACE, "ActiveState", &state);
	if (r < 0)
		return r;
	if (!streq(state, "inactive") && !streq(state, "failed"))
		return 1;
	*ret_status = -1;
	*ret_signal = 0;
	/* ExecMainCode is a CLD_* code: 1 exited, 2 killed, 3 dumped (services only). */
	if (sd_bus_get_property_trivial(u->bus, BUS_MANAGER_SERVICE, u->path, u->interface,
					"ExecMainCode", NULL, 'i', &code) >= 0 &&
	    sd_bus_get_property_trivial(u->bus, BUS_MANAGER_SERVICE, u->path, u->interface,
					"ExecMainStatus", NULL, 'i', &status) >= 0) {
		if (code == 1)
			*ret_status = (int)status;
		else if (code == 2 || code == 3)
			*ret_signal = (int)status;
	}
	/* No main process (Type=oneshot: every command is a control process): the result. */
	if (code == 0) {
		cleanup_free char *result = NULL;

		if (get_string(u, u->path, u->interface, "Result", &result) >= 0 &&
		    streq(result, "success"))
			*ret_status = 0;
	}
	return 0;
}
